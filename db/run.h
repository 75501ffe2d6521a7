/* SPDX-License-Identifier: MIT */
#ifndef PR_DB_RUN_H
#define PR_DB_RUN_H

/* Private to db/: the state of a run being written. */

#include "db/internal.h"

enum run_stmt {
	RUN_DIV, RUN_DIV_BATCH, RUN_SAMPLE, RUN_ORDER, RUN_CP, RUN_CP_ZONE, RUN_CP_COUNT, RUN_CP_PB,
	RUN_CP_PCP, RUN_AGREE, RUN_NR_STMTS
};

#define RUN_GFP_EMPTY 0
#define RUN_DIV_COLS 16
#define RUN_DIV_BATCH_ROWS 64	/* rows per multi-row INSERT */

struct db_run {
	struct pr_db *db;
	int64_t run_id, trace_id;
	struct prt_flag *gfp_flags;	/* our copy of the trace's table, for decoding */
	uint32_t nr_gfp_flags;
	sqlite3_stmt *st[RUN_NR_STMTS];
	bool failed;			/* rolled back already; only abort is left */
	uint64_t *gfps;			/* open-addressing set of gfp values seen */
	size_t gfp_cap, nr_gfps;
	bool gfp_zero;
	uint64_t last_gfp;
	bool have_last_gfp;
	/* Divergences wait here and go in RUN_DIV_BATCH_ROWS at a time. */
	struct db_divergence pending[RUN_DIV_BATCH_ROWS];
	int nr_pending;
	int64_t div_before;		/* max divergence rowid when the run began */
};

int run_find_or_add_trace(struct db_run *run, const struct db_trace_ident *t,
			  struct pr_error *err);
int run_note_gfp(struct db_run *run, uint64_t gfp, struct pr_error *err);
int run_store_gfp_masks(struct db_run *run, struct pr_error *err);
/* Refuse work on a failed run. */
int run_failed(struct db_run *run, struct pr_error *err);
/* Roll the run back now (the error in *err says why, plus "run N rolled back"). */
int run_mark_failed(struct db_run *run, struct pr_error *err);
/* Write the pending divergences (before commit or any read of them). */
int run_flush_divergences(struct db_run *run, struct pr_error *err);
void append_rolled_back(struct pr_error *err, int64_t run_id);

#endif
