/* SPDX-License-Identifier: MIT */
#ifndef PR_DB_DB_H
#define PR_DB_DB_H

/*
 * The results database: one SQLite file holding many runs of many traces.
 * Schema: docs/schema.md. Created and migrated by db_open (PRAGMA
 * user_version); a database from a newer pagereplay is refused (PR_EVERSION),
 * a file that is not ours is refused (PR_EFORMAT). WAL mode.
 *
 * A run is atomic: db_run_begin opens a write transaction that lasts until
 * db_run_commit; db_run_abort, an error, a full disk or a killed process
 * leave no trace of it. While a run is open the database's write lock is
 * held (readers are not blocked); other writers wait up to the busy
 * timeout and then fail with a message saying so.
 */

#include <stdbool.h>
#include <stdint.h>

#include "analysis/checkpoint.h"
#include "analysis/divagg.h"
#include "analysis/extfrag.h"
#include "analysis/frag.h"
#include "capture/prt.h"
#include "common/error.h"

#define DB_SCHEMA_VERSION	4
#define DB_APPLICATION_ID	0x50525044	/* "PRPD": PRAGMA application_id */
#define DB_DEFAULT_BUSY_MS	5000

struct pr_db;

enum db_open_mode {
	DB_OPEN_CREATE,		/* create if missing, migrate if older */
	DB_OPEN_EXISTING,	/* must exist; migrate if older */
	DB_OPEN_READONLY,	/* must exist and be current; never written */
};

/* busy_ms: how long to wait for another process's lock (0: default). */
struct pr_db *db_open(const char *path, enum db_open_mode mode, int busy_ms,
		      struct pr_error *err);
int db_close(struct pr_db *db, struct pr_error *err);
const char *db_path(const struct pr_db *db);

/* Run SQL with no result rows wanted (several statements allowed). */
int db_exec(struct pr_db *db, const char *sql, struct pr_error *err);

/* ---- Writing a run ---- */

/* What identifies a trace: the same capture replayed twice is one trace. */
struct db_trace_ident {
	const struct prt_header *header;
	const char *path;		/* as given by the user */
	uint64_t file_bytes;
	uint64_t nr_events;
};

/* A replay divergence class, named by replay (docs/divergence.md). */
struct db_class {
	const char *name;		/* "exact_pfn", "other_zone", ... */
	bool agrees;			/* counts as agreement (e.g. exact_pfn) */
};

struct db_run_opts {
	const char *model;		/* "linux-6", ... */
	const char *mode;		/* "lockstep" | "free" */
	const char *options;		/* the rest, free text (e.g. argv joined) */
	uint32_t nr_classes;
	const struct db_class *classes;	/* index = class number */
};

/* One classified event worth keeping (replay decides which). */
struct db_divergence {
	uint64_t event_index;		/* position in the trace, from 0 */
	uint64_t ts_ns;
	uint32_t cpu, pid;
	int cls;			/* index into db_run_opts.classes */
	int event_type;			/* enum prt_event_type of the kernel's event */
	int order;
	int migratetype;		/* canonical, -1 unknown */
	uint64_t gfp;			/* raw, the trace's bits */
	int kernel_zone, model_zone;	/* topology zone index, -1 none */
	uint64_t kernel_pfn, model_pfn;	/* PA_PFN_NONE: failed / none */
	int model_path;			/* enum pa_path, -1 unknown */
	const char *detail;		/* optional context text, may be NULL */
};

struct db_run_summary {
	uint64_t events, allocations, frees, lost_events;
	uint64_t kernel_alloc_failures, model_alloc_failures;
	uint64_t kernel_fallbacks, model_fallbacks;
	uint64_t desyncs;
	double elapsed_s;
};

struct db_run;

struct db_run *db_run_begin(struct pr_db *db, const struct db_trace_ident *trace,
			    const struct db_run_opts *opts, struct pr_error *err);
int64_t db_run_id(const struct db_run *run);
int64_t db_run_trace_id(const struct db_run *run);

int db_add_divergence(struct db_run *run, const struct db_divergence *d, struct pr_error *err);
int db_add_frag_sample(struct db_run *run, const struct an_frag_sample *s,
		       struct pr_error *err);
/* One checkpoint: its zones compared (an_checkpoint_zone for each); how
 * long its pagetypeinfo and zoneinfo reads took, -1 where not recorded;
 * its per-cpu pagesets compared (an_checkpoint_pcp), nr_pcp of them. */
struct db_checkpoint {
	uint32_t seq;
	uint64_t ts_ns, event_index;
	int64_t pagetypeinfo_read_ns, zoneinfo_read_ns;
	const struct an_checkpoint_pcp *pcp;
	uint32_t nr_pcp;
};
int db_add_checkpoint(struct db_run *run, const struct db_checkpoint *cp,
		      const struct an_checkpoint_zone *zones, uint32_t nr_zones,
		      struct pr_error *err);
/* source: "kernel" (the trace's mm_page_alloc_extfrag) or "model". */
int db_add_extfrag(struct db_run *run, const char *source, const struct an_extfrag_counts *c,
		   struct pr_error *err);
/* Every cell of the aggregation (call once, at the end). */
int db_add_agreement(struct db_run *run, const struct an_divagg *agg, struct pr_error *err);
int db_set_run_summary(struct db_run *run, const struct db_run_summary *s,
		       struct pr_error *err);

/* Make the run visible. Frees run whatever happens; on failure nothing is kept. */
int db_run_commit(struct db_run *run, struct pr_error *err);
/* Roll back and free. Safe after an error. */
void db_run_abort(struct db_run *run);

/* ---- Reading ---- */

enum db_type { DB_NULL, DB_INT, DB_REAL, DB_TEXT, DB_BLOB };

struct db_value {
	enum db_type type;
	int64_t i;
	double d;
	const char *s;			/* text (also for INT/REAL, as SQLite prints it) */
	int bytes;			/* length of s */
};

/* Called per row; return non-zero to stop (db_query then returns that value). */
typedef int (*db_row_fn)(void *ctx, int ncols, const char *const *names,
			 const struct db_value *vals);

/*
 * Run one or more statements; rows of each go to fn (may be NULL).
 * params (nr_params int64 values) bind ?1..?n of every statement.
 * -1 with the SQLite message in *err on failure (PR_EDB).
 */
int db_query(struct pr_db *db, const char *sql, const int64_t *params, int nr_params,
	     db_row_fn fn, void *ctx, struct pr_error *err);

/* ---- Merging ---- */

struct db_merge_stats {
	uint64_t traces_added, traces_shared, runs_added;
};

/* Copy every run of the database at in_path into db, remapping ids. Atomic. */
int db_merge_from(struct pr_db *db, const char *in_path, struct db_merge_stats *st,
		  struct pr_error *err);

#endif
