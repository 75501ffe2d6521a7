/* SPDX-License-Identifier: MIT */
/*
 * The trace behind a run: found by its identity (host, kernel, capture start,
 * event count) or added with its zones and gfp flag table; and the decoded
 * gfp masks a run used, stored at commit.
 */
#include "db/run.h"

#include <stdio.h>

static int find_trace(struct db_run *run, const struct db_trace_ident *t, bool *found,
		      struct pr_error *err)
{
	static const char sql[] =
		"SELECT id FROM traces WHERE hostname = ?1 AND kernel_release = ?2"
		" AND start_realtime_ns = ?3 AND start_trace_ns = ?4 AND nr_events = ?5";
	const struct prt_header *h = t->header;
	sqlite3_stmt *st = db_prepare(run->db, sql, err);
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, h->hostname, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, h->kernel_release, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (int64_t)h->start_realtime_ns);
	sqlite3_bind_int64(st, 4, (int64_t)h->start_trace_ns);
	sqlite3_bind_int64(st, 5, (int64_t)t->nr_events);
	rc = sqlite3_step(st);
	*found = rc == SQLITE_ROW;
	if (*found)
		run->trace_id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(run->db, rc, "looking up the trace", err);
	return 0;
}

static int insert_trace(struct db_run *run, const struct db_trace_ident *t,
			struct pr_error *err)
{
	static const char sql[] =
		"INSERT INTO traces VALUES (NULL,?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13)";
	const struct prt_header *h = t->header;
	sqlite3_stmt *st = db_prepare(run->db, sql, err);
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, h->hostname, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, h->kernel_release, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (int64_t)h->start_realtime_ns);
	sqlite3_bind_int64(st, 4, (int64_t)h->start_trace_ns);
	sqlite3_bind_int64(st, 5, (int64_t)t->nr_events);
	sqlite3_bind_int64(st, 6, (int64_t)t->file_bytes);
	sqlite3_bind_text(st, 7, t->path ? t->path : "", -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 8, h->source);
	sqlite3_bind_int(st, 9, (int)h->page_size);
	sqlite3_bind_int(st, 10, (int)h->nr_orders);
	sqlite3_bind_int(st, 11, (int)h->pageblock_order);
	sqlite3_bind_int(st, 12, (int)h->nr_cpus);
	sqlite3_bind_text(st, 13, h->cmdline ? h->cmdline : "", -1, SQLITE_STATIC);
	rc = db_step_done(run->db, st, "adding the trace", err);
	sqlite3_finalize(st);
	if (rc < 0)
		return -1;
	run->trace_id = sqlite3_last_insert_rowid(run->db->h);
	return 0;
}

static int insert_zones(struct db_run *run, const struct prt_header *h, struct pr_error *err)
{
	sqlite3_stmt *st = db_prepare(run->db, "INSERT INTO zones VALUES "
				      "(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12)", err);
	int rc = 0;

	if (!st)
		return -1;
	for (uint32_t z = 0; z < h->nr_zones && rc == 0; z++) {
		const struct prt_zone *zn = &h->zones[z];

		sqlite3_bind_int64(st, 1, run->trace_id);
		sqlite3_bind_int(st, 2, (int)z);
		sqlite3_bind_int(st, 3, zn->node);
		sqlite3_bind_int(st, 4, zn->zone_type);
		sqlite3_bind_text(st, 5, zn->name, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 6, (int64_t)zn->start_pfn);
		sqlite3_bind_int64(st, 7, (int64_t)zn->spanned);
		sqlite3_bind_int64(st, 8, (int64_t)zn->present);
		sqlite3_bind_int64(st, 9, (int64_t)zn->managed);
		sqlite3_bind_int64(st, 10, (int64_t)zn->wmark_min);
		sqlite3_bind_int64(st, 11, (int64_t)zn->wmark_low);
		sqlite3_bind_int64(st, 12, (int64_t)zn->wmark_high);
		rc = db_step_done(run->db, st, "adding the zones", err);
	}
	sqlite3_finalize(st);
	return rc;
}

static int insert_gfp_flags(struct db_run *run, const struct prt_header *h,
			    struct pr_error *err)
{
	sqlite3_stmt *st = db_prepare(run->db, "INSERT INTO gfp_flags VALUES (?1,?2,?3,?4)", err);
	int rc = 0;

	if (!st)
		return -1;
	for (uint32_t i = 0; i < h->nr_gfp_flags && rc == 0; i++) {
		sqlite3_bind_int64(st, 1, run->trace_id);
		sqlite3_bind_int(st, 2, (int)i);
		sqlite3_bind_text(st, 3, h->gfp_flags[i].name, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, (int64_t)h->gfp_flags[i].mask);
		rc = db_step_done(run->db, st, "adding the gfp flag table", err);
	}
	sqlite3_finalize(st);
	return rc;
}

int run_find_or_add_trace(struct db_run *run, const struct db_trace_ident *t,
			  struct pr_error *err)
{
	bool found;

	if (find_trace(run, t, &found, err) < 0)
		return -1;
	if (found)
		return 0;
	if (insert_trace(run, t, err) < 0 || insert_zones(run, t->header, err) < 0 ||
	    insert_gfp_flags(run, t->header, err) < 0)
		return -1;
	return 0;
}

static int store_mask(struct db_run *run, sqlite3_stmt *st, uint64_t gfp, struct pr_error *err)
{
	char buf[1024];

	db_gfp_string(run->gfp_flags, run->nr_gfp_flags, gfp, buf, sizeof(buf));
	sqlite3_bind_int64(st, 1, run->trace_id);
	sqlite3_bind_int64(st, 2, (int64_t)gfp);
	sqlite3_bind_text(st, 3, buf, -1, SQLITE_TRANSIENT);
	return db_step_done(run->db, st, "adding the decoded gfp masks", err);
}

int run_store_gfp_masks(struct db_run *run, struct pr_error *err)
{
	sqlite3_stmt *st = db_prepare(run->db,
				      "INSERT OR IGNORE INTO gfp_masks VALUES (?1,?2,?3)", err);
	int rc = 0;

	if (!st)
		return -1;
	if (run->gfp_zero)
		rc = store_mask(run, st, 0, err);
	for (size_t i = 0; i < run->gfp_cap && rc == 0; i++)
		if (run->gfps[i] != RUN_GFP_EMPTY)
			rc = store_mask(run, st, run->gfps[i], err);
	sqlite3_finalize(st);
	return rc;
}
