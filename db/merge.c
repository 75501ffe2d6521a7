/* SPDX-License-Identifier: MIT */
/*
 * Merging another results database into this one: traces are matched by
 * identity (the same capture replayed on two hosts is one trace), runs by
 * uuid (merging twice adds nothing), every id remapped. One transaction.
 */
#include "db/internal.h"
#include "db/schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* How each table's id columns are remapped: by a map table or by an offset. */
struct copy_spec {
	const char *table;
	const char *remap[3][2];	/* column -> SQL expression over s (source row) */
};

static const struct copy_spec run_tables[] = {
	{ "classes", { { "run_id", "(SELECT new FROM temp.rmap WHERE old = s.run_id)" } } },
	{ "divergences", { { "run_id", "(SELECT new FROM temp.rmap WHERE old = s.run_id)" } } },
	{ "frag_samples", { { "run_id", "(SELECT new FROM temp.rmap WHERE old = s.run_id)" },
			    { "id", "s.id + ?1" } } },
	{ "frag_orders", { { "sample_id", "s.sample_id + ?1" } } },
	{ "checkpoints", { { "run_id", "(SELECT new FROM temp.rmap WHERE old = s.run_id)" },
			   { "id", "s.id + ?2" } } },
	{ "checkpoint_zones", { { "checkpoint_id", "s.checkpoint_id + ?2" } } },
	{ "checkpoint_counts", { { "checkpoint_id", "s.checkpoint_id + ?2" } } },
	{ "checkpoint_pageblocks", { { "checkpoint_id", "s.checkpoint_id + ?2" } } },
	{ "agreement", { { "run_id", "(SELECT new FROM temp.rmap WHERE old = s.run_id)" } } },
	{ "extfrag", { { "run_id", "(SELECT new FROM temp.rmap WHERE old = s.run_id)" } } },
	{ "extfrag_mt", { { "run_id", "(SELECT new FROM temp.rmap WHERE old = s.run_id)" } } },
};

/* Rows belonging to merged runs only (frag_orders etc. follow their parent). */
static const char *row_filter(const char *table)
{
	if (strcmp(table, "frag_orders") == 0)
		return "s.sample_id IN (SELECT id FROM src.frag_samples WHERE run_id IN "
		       "(SELECT old FROM temp.rmap))";
	if (strncmp(table, "checkpoint_", 11) == 0)
		return "s.checkpoint_id IN (SELECT id FROM src.checkpoints WHERE run_id IN "
		       "(SELECT old FROM temp.rmap))";
	return "s.run_id IN (SELECT old FROM temp.rmap)";
}

static int append(char *buf, size_t size, size_t *len, const char *s)
{
	size_t n = strlen(s);

	if (*len + n + 1 > size)
		return -1;
	memcpy(buf + *len, s, n + 1);
	*len += n;
	return 0;
}

static const char *remap_of(const struct copy_spec *c, const char *col)
{
	for (int i = 0; i < 3 && c->remap[i][0]; i++)
		if (strcmp(c->remap[i][0], col) == 0)
			return c->remap[i][1];
	return NULL;
}

/* INSERT INTO main.T (cols) SELECT exprs FROM src.T s WHERE filter. */
static int build_copy(struct pr_db *db, const struct copy_spec *c, char *sql, size_t size,
		      struct pr_error *err)
{
	char q[128], cols[2048] = "", exprs[4096] = "";
	size_t cl = 0, el = 0, len = 0;
	sqlite3_stmt *st;
	int rc = 0;

	snprintf(q, sizeof(q), "PRAGMA main.table_info(%s)", c->table);
	if (!(st = db_prepare(db, q, err)))
		return -1;
	while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
		const char *col = (const char *)sqlite3_column_text(st, 1);
		const char *expr = remap_of(c, col);
		char own[160];

		if (!expr) {
			snprintf(own, sizeof(own), "s.%s", col);
			expr = own;
		}
		rc |= append(cols, sizeof(cols), &cl, cl ? "," : "");
		rc |= append(cols, sizeof(cols), &cl, col);
		rc |= append(exprs, sizeof(exprs), &el, el ? "," : "");
		rc |= append(exprs, sizeof(exprs), &el, expr);
	}
	sqlite3_finalize(st);
	snprintf(q, sizeof(q), "INSERT INTO main.%s (", c->table);
	rc |= append(sql, size, &len, q);
	rc |= append(sql, size, &len, cols);
	rc |= append(sql, size, &len, ") SELECT ");
	rc |= append(sql, size, &len, exprs);
	snprintf(q, sizeof(q), " FROM src.%s s WHERE ", c->table);
	rc |= append(sql, size, &len, q);
	rc |= append(sql, size, &len, row_filter(c->table));
	/* Keep each run's divergences contiguous (see runs.div_first). */
	if (strcmp(c->table, "divergences") == 0)
		rc |= append(sql, size, &len, " ORDER BY s.rowid");
	if (rc)
		return pr_fail(err, PR_EUSAGE, "merging table '%s': statement too long", c->table);
	return 0;
}

static int exec_bound(struct pr_db *db, const char *sql, int64_t p1, int64_t p2,
		      const char *what, struct pr_error *err)
{
	sqlite3_stmt *st = db_prepare(db, sql, err);
	int rc;

	if (!st)
		return -1;
	if (sqlite3_bind_parameter_count(st) >= 1)
		sqlite3_bind_int64(st, 1, p1);
	if (sqlite3_bind_parameter_count(st) >= 2)
		sqlite3_bind_int64(st, 2, p2);
	rc = db_step_done(db, st, what, err);
	sqlite3_finalize(st);
	return rc;
}

static int64_t scalar(struct pr_db *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	int64_t v = 0;

	if (sqlite3_prepare_v2(db->h, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static const char merge_traces_sql[] =
	"CREATE TEMP TABLE tmap (old INTEGER PRIMARY KEY, new INTEGER);"
	"CREATE TEMP TABLE rmap (old INTEGER PRIMARY KEY, new INTEGER);"
	"INSERT INTO main.traces (hostname, kernel_release, start_realtime_ns,"
	"  start_trace_ns, nr_events, file_bytes, path, source, page_size, nr_orders,"
	"  pageblock_order, nr_cpus, cmdline)"
	" SELECT hostname, kernel_release, start_realtime_ns, start_trace_ns, nr_events,"
	"  file_bytes, path, source, page_size, nr_orders, pageblock_order, nr_cpus, cmdline"
	" FROM src.traces s WHERE NOT EXISTS (SELECT 1 FROM main.traces m"
	"  WHERE m.hostname = s.hostname AND m.kernel_release = s.kernel_release"
	"  AND m.start_realtime_ns = s.start_realtime_ns"
	"  AND m.start_trace_ns = s.start_trace_ns AND m.nr_events = s.nr_events);"
	"INSERT INTO temp.tmap SELECT s.id, m.id FROM src.traces s JOIN main.traces m"
	"  ON m.hostname = s.hostname AND m.kernel_release = s.kernel_release"
	"  AND m.start_realtime_ns = s.start_realtime_ns"
	"  AND m.start_trace_ns = s.start_trace_ns AND m.nr_events = s.nr_events;"
	"INSERT OR IGNORE INTO main.zones SELECT t.new, s.zone, s.node, s.zone_type, s.name,"
	"  s.start_pfn, s.spanned, s.present, s.managed, s.wmark_min, s.wmark_low,"
	"  s.wmark_high FROM src.zones s JOIN temp.tmap t ON t.old = s.trace_id;"
	"INSERT OR IGNORE INTO main.gfp_flags SELECT t.new, s.position, s.name, s.mask"
	"  FROM src.gfp_flags s JOIN temp.tmap t ON t.old = s.trace_id;"
	"INSERT OR IGNORE INTO main.gfp_masks SELECT t.new, s.gfp, s.flags"
	"  FROM src.gfp_masks s JOIN temp.tmap t ON t.old = s.trace_id;";

static const char merge_runs_sql[] =
	"INSERT INTO main.runs (uuid, trace_id, model, mode, options, created_at,"
	"  pagereplay_version, events, allocations, frees, lost_events,"
	"  kernel_alloc_failures, model_alloc_failures, kernel_fallbacks, model_fallbacks,"
	"  desyncs, elapsed_s)"
	" SELECT s.uuid, t.new, s.model, s.mode, s.options, s.created_at,"
	"  s.pagereplay_version, s.events, s.allocations, s.frees, s.lost_events,"
	"  s.kernel_alloc_failures, s.model_alloc_failures, s.kernel_fallbacks,"
	"  s.model_fallbacks, s.desyncs, s.elapsed_s"
	" FROM src.runs s JOIN temp.tmap t ON t.old = s.trace_id"
	" WHERE s.uuid NOT IN (SELECT uuid FROM main.runs) ORDER BY s.id;"
	"INSERT INTO temp.rmap SELECT s.id, m.id FROM src.runs s JOIN main.runs m"
	"  ON m.uuid = s.uuid WHERE s.uuid NOT IN (SELECT uuid FROM temp.merged_before);";

static const char div_range_sql[] =
	"UPDATE main.runs SET"
	" div_first = (SELECT min(rowid) FROM main.divergences d WHERE d.rowid > ?1"
	"  AND d.run_id = runs.id),"
	" div_last = (SELECT max(rowid) FROM main.divergences d WHERE d.rowid > ?1"
	"  AND d.run_id = runs.id)"
	" WHERE id IN (SELECT new FROM temp.rmap)";

static int copy_rows(struct pr_db *db, struct db_merge_stats *st, struct pr_error *err)
{
	int64_t traces_before = scalar(db, "SELECT count(*) FROM main.traces");
	int64_t sample_off, cp_off, div_before;
	char sql[8192];

	if (db_exec(db, "CREATE TEMP TABLE merged_before AS SELECT uuid FROM main.runs",
		    err) < 0 || db_exec(db, merge_traces_sql, err) < 0)
		return -1;
	st->traces_added = (uint64_t)(scalar(db, "SELECT count(*) FROM main.traces") -
				      traces_before);
	st->traces_shared = (uint64_t)scalar(db, "SELECT count(*) FROM temp.tmap") -
			    st->traces_added;
	if (db_exec(db, merge_runs_sql, err) < 0)
		return -1;
	st->runs_added = (uint64_t)scalar(db, "SELECT count(*) FROM temp.rmap");
	sample_off = scalar(db, "SELECT coalesce(max(id), 0) FROM main.frag_samples") -
		     scalar(db, "SELECT coalesce(min(id), 1) FROM src.frag_samples") + 1;
	cp_off = scalar(db, "SELECT coalesce(max(id), 0) FROM main.checkpoints") -
		 scalar(db, "SELECT coalesce(min(id), 1) FROM src.checkpoints") + 1;
	div_before = scalar(db, "SELECT coalesce(max(rowid), 0) FROM main.divergences");
	for (size_t i = 0; i < sizeof(run_tables) / sizeof(run_tables[0]); i++) {
		sql[0] = '\0';
		if (build_copy(db, &run_tables[i], sql, sizeof(sql), err) < 0 ||
		    exec_bound(db, sql, sample_off, cp_off, "copying rows", err) < 0)
			return -1;
	}
	return exec_bound(db, div_range_sql, div_before, 0, "recording divergence ranges", err);
}

static int backup_to(const char *from, const char *to, struct pr_error *err)
{
	sqlite3 *src = NULL, *dst = NULL;
	sqlite3_backup *b;
	int rc = SQLITE_ERROR;

	if (sqlite3_open_v2(from, &src, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_open(to, &dst) == SQLITE_OK &&
	    (b = sqlite3_backup_init(dst, "main", src, "main"))) {
		sqlite3_backup_step(b, -1);
		rc = sqlite3_backup_finish(b);
	}
	if (rc != SQLITE_OK)
		pr_fail(err, PR_EDB, "'%s': cannot copy it for migration: %s", from,
			sqlite3_errmsg(dst ? dst : src));
	sqlite3_close(src);
	sqlite3_close(dst);
	return rc == SQLITE_OK ? 0 : -1;
}

/*
 * Check the input is ours and not newer. An older input is never written:
 * a temporary copy is migrated instead (*use then names it; unlink it after).
 */
static int check_input(const char *in_path, char *tmp, size_t tmp_size, const char **use,
		       struct pr_error *err)
{
	struct pr_error e = { 0 };
	struct pr_db *in = db_open(in_path, DB_OPEN_READONLY, 0, &e);
	int fd;

	*use = in_path;
	if (in)
		return db_close(in, err);
	if (e.code != PR_EVERSION || strstr(e.msg, "is older") == NULL) {
		if (err)
			*err = e;
		return -1;
	}
	snprintf(tmp, tmp_size, "/tmp/pagereplay-merge-XXXXXX");
	fd = mkstemp(tmp);
	if (fd < 0)
		return pr_fail_errno(err, "'%s': cannot make a temporary copy", in_path);
	close(fd);
	if (backup_to(in_path, tmp, err) < 0 ||
	    !(in = db_open(tmp, DB_OPEN_EXISTING, 0, err))) {
		unlink(tmp);
		return -1;
	}
	*use = tmp;
	return db_close(in, err);
}

static int attach(struct pr_db *db, const char *path, struct pr_error *err)
{
	sqlite3_stmt *st = db_prepare(db, "ATTACH DATABASE ?1 AS src", err);
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
	rc = db_step_done(db, st, "attaching the input", err);
	sqlite3_finalize(st);
	return rc;
}

static void drop_temps(struct pr_db *db)
{
	sqlite3_exec(db->h, "DROP TABLE IF EXISTS temp.tmap; DROP TABLE IF EXISTS temp.rmap;"
		     "DROP TABLE IF EXISTS temp.merged_before;", NULL, NULL, NULL);
}

int db_merge_from(struct pr_db *db, const char *in_path, struct db_merge_stats *st,
		  struct pr_error *err)
{
	char tmp[64] = "";
	const char *use;
	int rc = -1;

	memset(st, 0, sizeof(*st));
	if (db->readonly)
		return pr_fail(err, PR_EUSAGE, "'%s': opened read-only, cannot merge", db->path);
	if (check_input(in_path, tmp, sizeof(tmp), &use, err) < 0)
		return -1;
	if (attach(db, use, err) < 0)
		goto out;
	if (db_begin_write(db, err) == 0) {
		if (copy_rows(db, st, err) == 0 &&
		    sqlite3_exec(db->h, "COMMIT", NULL, NULL, NULL) == SQLITE_OK)
			rc = 0;
		else if (sqlite3_get_autocommit(db->h) == 0 && err && err->code == PR_OK)
			db_fail(db, sqlite3_errcode(db->h), "committing the merge", err);
		db_rollback(db);
	}
	drop_temps(db);
	sqlite3_exec(db->h, "DETACH DATABASE src", NULL, NULL, NULL);
out:
	if (tmp[0])
		unlink(tmp);
	if (rc < 0)
		memset(st, 0, sizeof(*st));
	return rc;
}
