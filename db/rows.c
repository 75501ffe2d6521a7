/* SPDX-License-Identifier: MIT */
/* The rows of a run besides divergences: samples, checkpoints, counts, summary. */
#include "db/run.h"
#include "db/schema.h"

static int add_orders(struct db_run *run, int64_t sample_id, const struct an_frag_sample *s,
		      struct pr_error *err)
{
	sqlite3_stmt *st = run->st[RUN_ORDER];

	for (unsigned o = 0; o < s->nr_orders; o++) {
		uint64_t total = 0;

		sqlite3_bind_int64(st, 1, sample_id);
		sqlite3_bind_int(st, 2, (int)o);
		for (int mt = 0; mt < PA_NR_MIGRATETYPES; mt++) {
			total += s->free_blocks[o][mt];
			sqlite3_bind_int64(st, 4 + mt, (int64_t)s->free_blocks[o][mt]);
		}
		sqlite3_bind_int64(st, 3, (int64_t)total);
		sqlite3_bind_int(st, 10, s->unusable[o]);
		sqlite3_bind_int(st, 11, s->fragmentation[o]);
		if (db_step_done(run->db, st, "adding a fragmentation sample", err) < 0)
			return -1;
	}
	return 0;
}

int db_add_frag_sample(struct db_run *run, const struct an_frag_sample *s,
		       struct pr_error *err)
{
	sqlite3_stmt *st = run->st[RUN_SAMPLE];

	if (run->failed)
		return run_failed(run, err);
	sqlite3_bind_int64(st, 1, run->run_id);
	sqlite3_bind_int(st, 2, (int)s->zone);
	sqlite3_bind_int64(st, 3, (int64_t)s->event_index);
	sqlite3_bind_int64(st, 4, (int64_t)s->ts_ns);
	sqlite3_bind_int64(st, 5, (int64_t)s->buddy_pages);
	sqlite3_bind_int64(st, 6, (int64_t)s->pcp_pages);
	sqlite3_bind_int(st, 7, s->largest_free_order);
	sqlite3_bind_double(st, 8, s->fmfi);
	sqlite3_bind_int(st, 9, (int)s->thp_order);
	sqlite3_bind_int64(st, 10, (int64_t)s->thp_blocks);
	sqlite3_bind_int(st, 11, s->thp_ok);
	sqlite3_bind_int64(st, 12, (int64_t)s->mixed_pageblocks);
	for (int mt = 0; mt < PA_NR_MIGRATETYPES; mt++)
		sqlite3_bind_int64(st, 13 + mt, (int64_t)s->pageblocks[mt]);
	if (db_step_done(run->db, st, "adding a fragmentation sample", err) < 0 ||
	    add_orders(run, sqlite3_last_insert_rowid(run->db->h), s, err) < 0)
		return run_mark_failed(run, err);
	return 0;
}

static void bind_count(sqlite3_stmt *st, int i, int64_t v)
{
	if (v < 0)
		sqlite3_bind_null(st, i);	/* missing from the checkpoint */
	else
		sqlite3_bind_int64(st, i, v);
}

static int add_cp_zone(struct db_run *run, int64_t cp_id, const struct an_checkpoint_zone *z,
		       struct pr_error *err)
{
	sqlite3_stmt *st = run->st[RUN_CP_ZONE];

	sqlite3_bind_int64(st, 1, cp_id);
	sqlite3_bind_int(st, 2, (int)z->zone);
	bind_count(st, 3, z->kernel_free_pages);
	sqlite3_bind_int64(st, 4, (int64_t)z->model_free_pages);
	sqlite3_bind_int64(st, 5, (int64_t)z->model_free_min);
	sqlite3_bind_int64(st, 6, (int64_t)z->model_free_max);
	if (db_step_done(run->db, st, "adding a checkpoint", err) < 0)
		return -1;
	st = run->st[RUN_CP_COUNT];
	for (unsigned o = 0; o < z->nr_orders; o++)
		for (int mt = 0; mt < PA_NR_MIGRATETYPES; mt++) {
			sqlite3_bind_int64(st, 1, cp_id);
			sqlite3_bind_int(st, 2, (int)z->zone);
			sqlite3_bind_int(st, 3, (int)o);
			sqlite3_bind_int(st, 4, mt);
			bind_count(st, 5, z->kernel_blocks[o][mt]);
			sqlite3_bind_int64(st, 6, (int64_t)z->model_blocks[o][mt]);
			sqlite3_bind_int64(st, 7, (int64_t)z->model_blocks_min[o][mt]);
			sqlite3_bind_int64(st, 8, (int64_t)z->model_blocks_max[o][mt]);
			if (db_step_done(run->db, st, "adding a checkpoint", err) < 0)
				return -1;
		}
	st = run->st[RUN_CP_PB];
	for (int mt = 0; mt < PA_NR_MIGRATETYPES; mt++) {
		sqlite3_bind_int64(st, 1, cp_id);
		sqlite3_bind_int(st, 2, (int)z->zone);
		sqlite3_bind_int(st, 3, mt);
		bind_count(st, 4, z->kernel_pageblocks[mt]);
		sqlite3_bind_int64(st, 5, (int64_t)z->model_pageblocks[mt]);
		if (db_step_done(run->db, st, "adding a checkpoint", err) < 0)
			return -1;
	}
	return 0;
}

static int add_cp_pcp(struct db_run *run, int64_t cp_id, const struct an_checkpoint_pcp *p,
		      struct pr_error *err)
{
	sqlite3_stmt *st = run->st[RUN_CP_PCP];

	sqlite3_bind_int64(st, 1, cp_id);
	sqlite3_bind_int(st, 2, (int)p->zone);
	sqlite3_bind_int(st, 3, (int)p->cpu);
	bind_count(st, 4, p->kernel_count);
	sqlite3_bind_int64(st, 5, p->model_count);
	sqlite3_bind_int64(st, 6, p->model_count_min);
	sqlite3_bind_int64(st, 7, p->model_count_max);
	sqlite3_bind_int64(st, 8, p->model_unseen);
	bind_count(st, 9, p->kernel_high);
	sqlite3_bind_int64(st, 10, p->model_high);
	return db_step_done(run->db, st, "adding a checkpoint", err);
}

int db_add_checkpoint(struct db_run *run, const struct db_checkpoint *cp,
		      const struct an_checkpoint_zone *zones, uint32_t nr_zones,
		      struct pr_error *err)
{
	sqlite3_stmt *st = run->st[RUN_CP];
	int64_t cp_id;

	if (run->failed)
		return run_failed(run, err);
	sqlite3_bind_int64(st, 1, run->run_id);
	sqlite3_bind_int64(st, 2, cp->seq);
	sqlite3_bind_int64(st, 3, (int64_t)cp->ts_ns);
	sqlite3_bind_int64(st, 4, (int64_t)cp->event_index);
	bind_count(st, 5, cp->pagetypeinfo_read_ns);
	bind_count(st, 6, cp->zoneinfo_read_ns);
	if (db_step_done(run->db, st, "adding a checkpoint", err) < 0)
		return run_mark_failed(run, err);
	cp_id = sqlite3_last_insert_rowid(run->db->h);
	for (uint32_t i = 0; i < nr_zones; i++)
		if (add_cp_zone(run, cp_id, &zones[i], err) < 0)
			return run_mark_failed(run, err);
	for (uint32_t i = 0; i < cp->nr_pcp; i++)
		if (add_cp_pcp(run, cp_id, &cp->pcp[i], err) < 0)
			return run_mark_failed(run, err);
	return 0;
}

static int add_extfrag_pairs(struct db_run *run, const char *source,
			     const struct an_extfrag_counts *c, struct pr_error *err)
{
	sqlite3_stmt *st = db_prepare(run->db,
				      "INSERT INTO extfrag_mt VALUES (?1,?2,?3,?4,?5,?6)", err);
	int rc = 0;

	if (!st)
		return -1;
	for (int a = 0; a < PA_NR_MIGRATETYPES && rc == 0; a++)
		for (int f = 0; f < PA_NR_MIGRATETYPES && rc == 0; f++) {
			if (!c->by_mt[a][f])
				continue;
			sqlite3_bind_int64(st, 1, run->run_id);
			sqlite3_bind_text(st, 2, source, -1, SQLITE_STATIC);
			sqlite3_bind_int(st, 3, a);
			sqlite3_bind_int(st, 4, f);
			sqlite3_bind_int64(st, 5, (int64_t)c->by_mt[a][f]);
			sqlite3_bind_int64(st, 6, (int64_t)c->fragmenting_by_mt[a][f]);
			rc = db_step_done(run->db, st, "adding fallback counts", err);
		}
	sqlite3_finalize(st);
	return rc;
}

int db_add_extfrag(struct db_run *run, const char *source, const struct an_extfrag_counts *c,
		   struct pr_error *err)
{
	sqlite3_stmt *st;
	int rc;

	if (run->failed)
		return run_failed(run, err);
	st = db_prepare(run->db, "INSERT INTO extfrag VALUES (?1,?2,?3,?4,?5,?6,?7,?8)", err);
	if (!st)
		return run_mark_failed(run, err);
	sqlite3_bind_int64(st, 1, run->run_id);
	sqlite3_bind_text(st, 2, source, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (int64_t)c->fallbacks);
	sqlite3_bind_int64(st, 4, (int64_t)c->fragmenting);
	sqlite3_bind_int64(st, 5, (int64_t)c->severe);
	sqlite3_bind_int64(st, 6, (int64_t)c->moderate);
	sqlite3_bind_int64(st, 7, (int64_t)c->changed);
	sqlite3_bind_int64(st, 8, (int64_t)c->bad_migratetype);
	rc = db_step_done(run->db, st, "adding fallback counts", err);
	sqlite3_finalize(st);
	if (rc < 0 || add_extfrag_pairs(run, source, c, err) < 0)
		return run_mark_failed(run, err);
	return 0;
}

static void bind_dim(sqlite3_stmt *st, int i, int v)
{
	if (v == AN_ANY)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_int(st, i, v);
}

int db_add_agreement(struct db_run *run, const struct an_divagg *agg, struct pr_error *err)
{
	sqlite3_stmt *st = run->st[RUN_AGREE];
	const struct an_div_cell *c;
	size_t it = 0;

	if (run->failed)
		return run_failed(run, err);
	while ((c = an_divagg_next(agg, &it))) {
		if (run_note_gfp(run, c->key.gfp, err) < 0)
			return run_mark_failed(run, err);
		sqlite3_bind_int64(st, 1, run->run_id);
		sqlite3_bind_int(st, 2, c->key.cls);
		sqlite3_bind_int64(st, 3, (int64_t)c->key.gfp);
		bind_dim(st, 4, c->key.order);
		bind_dim(st, 5, c->key.migratetype);
		bind_dim(st, 6, c->key.zone);
		bind_dim(st, 7, c->key.path);
		sqlite3_bind_int64(st, 8, (int64_t)c->count);
		if (db_step_done(run->db, st, "adding agreement counts", err) < 0)
			return run_mark_failed(run, err);
	}
	return 0;
}

int db_set_run_summary(struct db_run *run, const struct db_run_summary *s,
		       struct pr_error *err)
{
	static const char sql[] =
		"UPDATE runs SET events=?2, allocations=?3, frees=?4, lost_events=?5,"
		" kernel_alloc_failures=?6, model_alloc_failures=?7, kernel_fallbacks=?8,"
		" model_fallbacks=?9, desyncs=?10, elapsed_s=?11 WHERE id=?1";
	const uint64_t v[] = { s->events, s->allocations, s->frees, s->lost_events,
			       s->kernel_alloc_failures, s->model_alloc_failures,
			       s->kernel_fallbacks, s->model_fallbacks, s->desyncs };
	sqlite3_stmt *st;
	int rc;

	if (run->failed)
		return run_failed(run, err);
	st = db_prepare(run->db, sql, err);
	if (!st)
		return run_mark_failed(run, err);
	sqlite3_bind_int64(st, 1, run->run_id);
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		sqlite3_bind_int64(st, 2 + (int)i, (int64_t)v[i]);
	sqlite3_bind_double(st, 11, s->elapsed_s);
	rc = db_step_done(run->db, st, "setting the run summary", err);
	sqlite3_finalize(st);
	return rc < 0 ? run_mark_failed(run, err) : 0;
}
