/* SPDX-License-Identifier: MIT */
/*
 * Writing one run: a single write transaction from db_run_begin to
 * db_run_commit, rows added through prepared statements kept for the run.
 */
#include "db/internal.h"
#include "db/run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#ifndef PAGEREPLAY_VERSION
#define PAGEREPLAY_VERSION "0.1.0"
#endif

static const char *const stmt_sql[RUN_NR_STMTS] = {
	[RUN_DIV] = "INSERT INTO divergences VALUES "
		    "(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16)",
	[RUN_SAMPLE] = "INSERT INTO frag_samples VALUES (NULL,?1,?2,?3,?4,?5,?6,?7,?8,?9,"
		       "?10,?11,?12,?13,?14,?15,?16,?17,?18)",
	[RUN_ORDER] = "INSERT INTO frag_orders VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)",
	[RUN_CP] = "INSERT INTO checkpoints (run_id, seq, ts_ns, event_index,"
		   " pagetypeinfo_read_ns, zoneinfo_read_ns) VALUES (?1,?2,?3,?4,?5,?6)",
	[RUN_CP_ZONE] = "INSERT INTO checkpoint_zones (checkpoint_id, zone, kernel_free_pages,"
			" model_free_pages, model_free_min, model_free_max)"
			" VALUES (?1,?2,?3,?4,?5,?6)",
	[RUN_CP_COUNT] = "INSERT INTO checkpoint_counts (checkpoint_id, zone, ord, migratetype,"
			 " kernel_blocks, model_blocks, model_min, model_max)"
			 " VALUES (?1,?2,?3,?4,?5,?6,?7,?8)",
	[RUN_CP_PB] = "INSERT INTO checkpoint_pageblocks VALUES (?1,?2,?3,?4,?5)",
	[RUN_CP_PCP] = "INSERT INTO checkpoint_pcp VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)",
	[RUN_AGREE] = "INSERT INTO agreement VALUES (?1,?2,?3,?4,?5,?6,?7,?8)",
};

/* Remember a gfp value so that its decoded form is stored at commit. */
int run_note_gfp(struct db_run *run, uint64_t gfp, struct pr_error *err)
{
	size_t i;

	if ((run->nr_gfps + 1) * 2 > run->gfp_cap) {
		size_t cap = run->gfp_cap ? run->gfp_cap * 2 : 64;
		uint64_t *t = calloc(cap, sizeof(*t));

		if (!t)
			return pr_fail(err, PR_ENOMEM, "out of memory for gfp values");
		for (i = 0; i < run->gfp_cap; i++)
			if (run->gfps[i] != RUN_GFP_EMPTY) {
				size_t j = (run->gfps[i] * 0x9e3779b97f4a7c15ULL) & (cap - 1);

				while (t[j] != RUN_GFP_EMPTY)
					j = (j + 1) & (cap - 1);
				t[j] = run->gfps[i];
			}
		free(run->gfps);
		run->gfps = t;
		run->gfp_cap = cap;
	}
	/* 0 marks an empty slot; gfp 0 is remembered apart. */
	if (gfp == RUN_GFP_EMPTY) {
		run->gfp_zero = true;
		return 0;
	}
	i = (gfp * 0x9e3779b97f4a7c15ULL) & (run->gfp_cap - 1);
	while (run->gfps[i] != RUN_GFP_EMPTY && run->gfps[i] != gfp)
		i = (i + 1) & (run->gfp_cap - 1);
	if (run->gfps[i] == RUN_GFP_EMPTY) {
		run->gfps[i] = gfp;
		run->nr_gfps++;
	}
	return 0;
}

static void free_pending_details(struct db_run *run);

static void make_uuid(char out[33])
{
	unsigned char b[16];

	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b)) {
		uint64_t t = (uint64_t)time(NULL) ^ ((uint64_t)clock() << 20);

		for (size_t i = 0; i < sizeof(b); i++)
			b[i] = (unsigned char)(t >> (i % 8 * 8)) ^ (unsigned char)rand();
	}
	for (size_t i = 0; i < sizeof(b); i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
}

static int insert_run(struct db_run *run, const struct db_run_opts *o, struct pr_error *err)
{
	static const char sql[] =
		"INSERT INTO runs (uuid, trace_id, model, mode, options, created_at,"
		" pagereplay_version) VALUES (?1, ?2, ?3, ?4, ?5,"
		" strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?6)";
	sqlite3_stmt *st = db_prepare(run->db, sql, err);
	char uuid[33];
	int rc;

	if (!st)
		return -1;
	make_uuid(uuid);
	sqlite3_bind_text(st, 1, uuid, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, run->trace_id);
	sqlite3_bind_text(st, 3, o->model ? o->model : "unknown", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, o->mode ? o->mode : "unknown", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, o->options ? o->options : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, PAGEREPLAY_VERSION, -1, SQLITE_STATIC);
	rc = db_step_done(run->db, st, "adding the run", err);
	sqlite3_finalize(st);
	if (rc < 0)
		return -1;
	run->run_id = sqlite3_last_insert_rowid(run->db->h);
	return 0;
}

static int64_t max_divergence_rowid(struct db_run *run)
{
	sqlite3_stmt *st = NULL;
	int64_t v = 0;

	if (sqlite3_prepare_v2(run->db->h, "SELECT coalesce(max(rowid), 0) FROM divergences",
			       -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* The run's divergences are the rowids after the ones present at its start. */
static int set_divergence_range(struct db_run *run, struct pr_error *err)
{
	sqlite3_stmt *st = db_prepare(run->db, "UPDATE runs SET div_first = ?2, div_last = ?3"
				      " WHERE id = ?1", err);
	int64_t last = max_divergence_rowid(run);
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, run->run_id);
	if (last > run->div_before) {
		sqlite3_bind_int64(st, 2, run->div_before + 1);
		sqlite3_bind_int64(st, 3, last);
	}
	rc = db_step_done(run->db, st, "recording the run's divergences", err);
	sqlite3_finalize(st);
	return rc;
}

static int insert_classes(struct db_run *run, const struct db_run_opts *o,
			  struct pr_error *err)
{
	sqlite3_stmt *st = db_prepare(run->db, "INSERT INTO classes VALUES (?1,?2,?3,?4)", err);
	int rc = 0;

	if (!st)
		return -1;
	for (uint32_t i = 0; i < o->nr_classes && rc == 0; i++) {
		sqlite3_bind_int64(st, 1, run->run_id);
		sqlite3_bind_int(st, 2, (int)i);
		sqlite3_bind_text(st, 3, o->classes[i].name, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 4, o->classes[i].agrees);
		rc = db_step_done(run->db, st, "adding the divergence classes", err);
	}
	sqlite3_finalize(st);
	return rc;
}

static int copy_gfp_flags(struct db_run *run, const struct prt_header *h,
			  struct pr_error *err)
{
	if (h->nr_gfp_flags == 0)
		return 0;
	run->gfp_flags = malloc(h->nr_gfp_flags * sizeof(*run->gfp_flags));
	if (!run->gfp_flags)
		return pr_fail(err, PR_ENOMEM, "out of memory for the gfp flag table");
	memcpy(run->gfp_flags, h->gfp_flags, h->nr_gfp_flags * sizeof(*run->gfp_flags));
	run->nr_gfp_flags = h->nr_gfp_flags;
	return 0;
}

/* INSERT INTO divergences VALUES (?,...),(?,...)... for a whole batch. */
static char *batch_sql(void)
{
	size_t row = 2 + RUN_DIV_COLS * 2, len = 40 + RUN_DIV_BATCH_ROWS * (row + 1);
	char *sql = malloc(len), *p;

	if (!sql)
		return NULL;
	p = sql + sprintf(sql, "INSERT INTO divergences VALUES ");
	for (int r = 0; r < RUN_DIV_BATCH_ROWS; r++) {
		*p++ = r ? ',' : ' ';
		*p++ = '(';
		for (int c = 0; c < RUN_DIV_COLS; c++) {
			*p++ = '?';
			*p++ = c == RUN_DIV_COLS - 1 ? ')' : ',';
		}
	}
	*p = '\0';
	return sql;
}

static int prepare_all(struct db_run *run, struct pr_error *err)
{
	char *sql = batch_sql();

	if (!sql)
		return pr_fail(err, PR_ENOMEM, "out of memory preparing statements");
	run->st[RUN_DIV_BATCH] = db_prepare(run->db, sql, err);
	free(sql);
	if (!run->st[RUN_DIV_BATCH])
		return -1;
	for (int i = 0; i < RUN_NR_STMTS; i++)
		if (i != RUN_DIV_BATCH && !(run->st[i] = db_prepare(run->db, stmt_sql[i], err)))
			return -1;
	return 0;
}

static void run_free(struct db_run *run)
{
	free_pending_details(run);
	for (int i = 0; i < RUN_NR_STMTS; i++)
		sqlite3_finalize(run->st[i]);
	if (run->db)
		run->db->open_run = NULL;
	free(run->gfp_flags);
	free(run->gfps);
	free(run);
}

struct db_run *db_run_begin(struct pr_db *db, const struct db_trace_ident *trace,
			    const struct db_run_opts *opts, struct pr_error *err)
{
	struct db_run *run;

	if (db->readonly) {
		pr_fail(err, PR_EUSAGE, "'%s': opened read-only, cannot add a run", db->path);
		return NULL;
	}
	if (db->open_run) {
		pr_fail(err, PR_EUSAGE, "'%s': a run is already being written", db->path);
		return NULL;
	}
	run = calloc(1, sizeof(*run));
	if (!run) {
		pr_fail(err, PR_ENOMEM, "out of memory starting a run");
		return NULL;
	}
	run->db = db;
	if (copy_gfp_flags(run, trace->header, err) < 0) {
		free(run);
		return NULL;
	}
	if (db_begin_write(db, err) < 0)
		goto fail;
	db->open_run = run;
	if (run_find_or_add_trace(run, trace, err) < 0 || insert_run(run, opts, err) < 0 ||
	    insert_classes(run, opts, err) < 0 || prepare_all(run, err) < 0)
		goto fail;
	run->div_before = max_divergence_rowid(run);
	return run;
fail:
	db_rollback(db);
	run_free(run);
	return NULL;
}

int64_t db_run_id(const struct db_run *run)
{
	return run->run_id;
}

int64_t db_run_trace_id(const struct db_run *run)
{
	return run->trace_id;
}

/* After any failure the run can only be aborted. */
int run_failed(struct db_run *run, struct pr_error *err)
{
	if (run->failed)
		return pr_fail(err, PR_EUSAGE, "'%s': run %lld already failed: abort it",
			       run->db->path, (long long)run->run_id);
	return 0;
}

static int bind_pfn(sqlite3_stmt *st, int i, uint64_t pfn)
{
	return pfn == PA_PFN_NONE ? sqlite3_bind_null(st, i)
				  : sqlite3_bind_int64(st, i, (int64_t)pfn);
}

/* Bind one divergence as columns base+1 .. base+RUN_DIV_COLS. */
static void bind_divergence(sqlite3_stmt *st, int base, int64_t run_id,
			    const struct db_divergence *d)
{
	sqlite3_bind_int64(st, base + 1, run_id);
	sqlite3_bind_int64(st, base + 2, (int64_t)d->event_index);
	sqlite3_bind_int64(st, base + 3, (int64_t)d->ts_ns);
	sqlite3_bind_int(st, base + 4, (int)d->cpu);
	sqlite3_bind_int64(st, base + 5, d->pid);
	sqlite3_bind_int(st, base + 6, d->cls);
	sqlite3_bind_int(st, base + 7, d->event_type);
	sqlite3_bind_int(st, base + 8, d->order);
	sqlite3_bind_int(st, base + 9, d->migratetype);
	sqlite3_bind_int64(st, base + 10, (int64_t)d->gfp);
	sqlite3_bind_int(st, base + 11, d->kernel_zone);
	sqlite3_bind_int(st, base + 12, d->model_zone);
	bind_pfn(st, base + 13, d->kernel_pfn);
	bind_pfn(st, base + 14, d->model_pfn);
	sqlite3_bind_int(st, base + 15, d->model_path);
	if (d->detail)
		sqlite3_bind_text(st, base + 16, d->detail, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, base + 16);
}

static void free_pending_details(struct db_run *run)
{
	for (int i = 0; i < run->nr_pending; i++)
		free((char *)run->pending[i].detail);
	run->nr_pending = 0;
}

int run_flush_divergences(struct db_run *run, struct pr_error *err)
{
	int full = run->nr_pending == RUN_DIV_BATCH_ROWS, rc = 0;

	if (full) {
		for (int i = 0; i < RUN_DIV_BATCH_ROWS; i++)
			bind_divergence(run->st[RUN_DIV_BATCH], i * RUN_DIV_COLS, run->run_id,
					&run->pending[i]);
		rc = db_step_done(run->db, run->st[RUN_DIV_BATCH], "adding divergences", err);
	}
	for (int i = 0; !full && i < run->nr_pending && rc == 0; i++) {
		bind_divergence(run->st[RUN_DIV], 0, run->run_id, &run->pending[i]);
		rc = db_step_done(run->db, run->st[RUN_DIV], "adding a divergence", err);
	}
	free_pending_details(run);
	return rc;
}

int db_add_divergence(struct db_run *run, const struct db_divergence *d, struct pr_error *err)
{
	struct db_divergence *slot;

	if (run->failed)
		return run_failed(run, err);
	if ((!run->have_last_gfp || d->gfp != run->last_gfp) && run_note_gfp(run, d->gfp, err) < 0)
		return run_mark_failed(run, err);
	run->last_gfp = d->gfp;
	run->have_last_gfp = true;
	slot = &run->pending[run->nr_pending++];
	*slot = *d;
	if (d->detail && !(slot->detail = strdup(d->detail))) {
		run->nr_pending--;
		pr_fail(err, PR_ENOMEM, "out of memory for a divergence's detail");
		return run_mark_failed(run, err);
	}
	if (run->nr_pending == RUN_DIV_BATCH_ROWS && run_flush_divergences(run, err) < 0)
		return run_mark_failed(run, err);
	return 0;
}

int run_mark_failed(struct db_run *run, struct pr_error *err)
{
	if (!run->failed) {
		run->failed = true;
		db_rollback(run->db);
		append_rolled_back(err, run->run_id);
	}
	return -1;
}

int db_run_commit(struct db_run *run, struct pr_error *err)
{
	struct pr_db *db = run->db;
	int rc;

	if (run->failed) {
		run_failed(run, err);
		db_run_abort(run);
		return -1;
	}
	if (run_flush_divergences(run, err) < 0 || set_divergence_range(run, err) < 0 ||
	    run_store_gfp_masks(run, err) < 0) {
		run_mark_failed(run, err);
		db_run_abort(run);
		return -1;
	}
	for (int i = 0; i < RUN_NR_STMTS; i++) {
		sqlite3_finalize(run->st[i]);
		run->st[i] = NULL;
	}
	rc = sqlite3_exec(db->h, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		int64_t id = run->run_id;

		db_fail(db, sqlite3_extended_errcode(db->h), "committing", err);
		db_run_abort(run);
		append_rolled_back(err, id);
		return -1;
	}
	run_free(run);
	return 0;
}

void append_rolled_back(struct pr_error *err, int64_t run_id)
{
	size_t len;

	if (!err)
		return;
	len = strlen(err->msg);
	snprintf(err->msg + len, sizeof(err->msg) - len, ": run %lld rolled back",
		 (long long)run_id);
}

void db_run_abort(struct db_run *run)
{
	if (!run)
		return;
	for (int i = 0; i < RUN_NR_STMTS; i++) {
		sqlite3_finalize(run->st[i]);
		run->st[i] = NULL;
	}
	db_rollback(run->db);
	run_free(run);
}
