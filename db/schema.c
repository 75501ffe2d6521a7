/* SPDX-License-Identifier: MIT */
/*
 * The schema, one migration per version. Never edit a released migration:
 * add version N+1 instead, and a test that migrates a version-N database.
 * Columns named `ord` hold a page order (ORDER is an SQL keyword).
 *
 * divergences has no index: a run's rows are written in one exclusive
 * transaction, so they hold the contiguous rowids runs.div_first..div_last,
 * and the views reach them by that range (an index cost a third of the bulk
 * write rate).
 */
#include "db/schema.h"

#include <stdio.h>

#include "allocator/model.h"

/* Version 1: traces, runs, divergences, fragmentation samples, checkpoints. */
static const char schema_v1[] =
"CREATE TABLE traces ("
"  id INTEGER PRIMARY KEY,"
"  hostname TEXT NOT NULL, kernel_release TEXT NOT NULL,"
"  start_realtime_ns INTEGER NOT NULL, start_trace_ns INTEGER NOT NULL,"
"  nr_events INTEGER NOT NULL, file_bytes INTEGER, path TEXT,"
"  source INTEGER, page_size INTEGER, nr_orders INTEGER, pageblock_order INTEGER,"
"  nr_cpus INTEGER, cmdline TEXT,"
"  UNIQUE (hostname, kernel_release, start_realtime_ns, start_trace_ns, nr_events));"
"CREATE TABLE zones ("
"  trace_id INTEGER NOT NULL REFERENCES traces(id), zone INTEGER NOT NULL,"
"  node INTEGER, zone_type INTEGER, name TEXT, start_pfn INTEGER, spanned INTEGER,"
"  present INTEGER, managed INTEGER, wmark_min INTEGER, wmark_low INTEGER,"
"  wmark_high INTEGER, PRIMARY KEY (trace_id, zone)) WITHOUT ROWID;"
"CREATE TABLE gfp_flags ("
"  trace_id INTEGER NOT NULL REFERENCES traces(id), position INTEGER NOT NULL,"
"  name TEXT NOT NULL, mask INTEGER NOT NULL, PRIMARY KEY (trace_id, position)) WITHOUT ROWID;"
"CREATE TABLE migratetypes (id INTEGER PRIMARY KEY, name TEXT NOT NULL);"
"CREATE TABLE runs ("
"  id INTEGER PRIMARY KEY, uuid TEXT NOT NULL UNIQUE,"
"  trace_id INTEGER NOT NULL REFERENCES traces(id),"
"  model TEXT NOT NULL, mode TEXT NOT NULL, options TEXT, created_at TEXT NOT NULL,"
"  pagereplay_version TEXT, events INTEGER, allocations INTEGER, frees INTEGER,"
"  lost_events INTEGER, kernel_alloc_failures INTEGER, model_alloc_failures INTEGER,"
"  kernel_fallbacks INTEGER, model_fallbacks INTEGER, desyncs INTEGER, elapsed_s REAL,"
"  div_first INTEGER, div_last INTEGER);"
"CREATE TABLE classes ("
"  run_id INTEGER NOT NULL REFERENCES runs(id), class INTEGER NOT NULL,"
"  name TEXT NOT NULL, agrees INTEGER NOT NULL,"
"  PRIMARY KEY (run_id, class)) WITHOUT ROWID;"
"CREATE TABLE divergences ("
"  run_id INTEGER NOT NULL REFERENCES runs(id), event_index INTEGER NOT NULL,"
"  ts_ns INTEGER, cpu INTEGER, pid INTEGER, class INTEGER NOT NULL, event_type INTEGER,"
"  ord INTEGER, migratetype INTEGER, gfp INTEGER, kernel_zone INTEGER, model_zone INTEGER,"
"  kernel_pfn INTEGER, model_pfn INTEGER, model_path INTEGER, detail TEXT);"
"CREATE TABLE frag_samples ("
"  id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL REFERENCES runs(id),"
"  zone INTEGER NOT NULL, event_index INTEGER, ts_ns INTEGER, buddy_pages INTEGER,"
"  pcp_pages INTEGER, largest_free_order INTEGER, fmfi REAL, thp_order INTEGER,"
"  thp_blocks INTEGER, thp_ok INTEGER, mixed_pageblocks INTEGER,"
"  pb_unmovable INTEGER, pb_movable INTEGER, pb_reclaimable INTEGER,"
"  pb_highatomic INTEGER, pb_cma INTEGER, pb_isolate INTEGER);"
"CREATE INDEX frag_samples_run ON frag_samples (run_id, zone, event_index);"
"CREATE TABLE frag_orders ("
"  sample_id INTEGER NOT NULL REFERENCES frag_samples(id), ord INTEGER NOT NULL,"
"  free_blocks INTEGER, unmovable INTEGER, movable INTEGER, reclaimable INTEGER,"
"  highatomic INTEGER, cma INTEGER, isolate INTEGER,"
"  unusable_index INTEGER, fragmentation_index INTEGER,"
"  PRIMARY KEY (sample_id, ord)) WITHOUT ROWID;"
"CREATE TABLE checkpoints ("
"  id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL REFERENCES runs(id),"
"  seq INTEGER NOT NULL, ts_ns INTEGER, event_index INTEGER);"
"CREATE INDEX checkpoints_run ON checkpoints (run_id, seq);"
"CREATE TABLE checkpoint_zones ("
"  checkpoint_id INTEGER NOT NULL REFERENCES checkpoints(id), zone INTEGER NOT NULL,"
"  kernel_free_pages INTEGER, model_free_pages INTEGER,"
"  PRIMARY KEY (checkpoint_id, zone)) WITHOUT ROWID;"
"CREATE TABLE checkpoint_counts ("
"  checkpoint_id INTEGER NOT NULL REFERENCES checkpoints(id), zone INTEGER NOT NULL,"
"  ord INTEGER NOT NULL, migratetype INTEGER NOT NULL,"
"  kernel_blocks INTEGER, model_blocks INTEGER,"
"  PRIMARY KEY (checkpoint_id, zone, ord, migratetype)) WITHOUT ROWID;"
"CREATE TABLE checkpoint_pageblocks ("
"  checkpoint_id INTEGER NOT NULL REFERENCES checkpoints(id), zone INTEGER NOT NULL,"
"  migratetype INTEGER NOT NULL, kernel_pageblocks INTEGER, model_pageblocks INTEGER,"
"  PRIMARY KEY (checkpoint_id, zone, migratetype)) WITHOUT ROWID;";

/* Version 2: aggregated agreement, fallback categories, decoded gfp masks, views. */
static const char schema_v2[] =
"CREATE TABLE agreement ("
"  run_id INTEGER NOT NULL REFERENCES runs(id), class INTEGER NOT NULL,"
"  gfp INTEGER NOT NULL, ord INTEGER, migratetype INTEGER, zone INTEGER, path INTEGER,"
"  count INTEGER NOT NULL);"
"CREATE INDEX agreement_run ON agreement (run_id, class);"
"CREATE TABLE extfrag ("
"  run_id INTEGER NOT NULL REFERENCES runs(id), source TEXT NOT NULL,"
"  fallbacks INTEGER, fragmenting INTEGER, severe INTEGER, moderate INTEGER,"
"  changed INTEGER, bad_migratetype INTEGER, PRIMARY KEY (run_id, source)) WITHOUT ROWID;"
"CREATE TABLE extfrag_mt ("
"  run_id INTEGER NOT NULL REFERENCES runs(id), source TEXT NOT NULL,"
"  alloc_mt INTEGER NOT NULL, fallback_mt INTEGER NOT NULL,"
"  fallbacks INTEGER, fragmenting INTEGER,"
"  PRIMARY KEY (run_id, source, alloc_mt, fallback_mt)) WITHOUT ROWID;"
"CREATE TABLE gfp_masks ("
"  trace_id INTEGER NOT NULL REFERENCES traces(id), gfp INTEGER NOT NULL,"
"  flags TEXT NOT NULL, PRIMARY KEY (trace_id, gfp)) WITHOUT ROWID;"
"CREATE VIEW run_overview AS"
"  SELECT r.id AS run_id, t.hostname, t.kernel_release, r.model, r.mode, r.events,"
"    r.allocations, r.kernel_alloc_failures, r.model_alloc_failures,"
"    r.kernel_fallbacks, r.model_fallbacks, r.desyncs, r.elapsed_s,"
"    (SELECT CAST(SUM(CASE WHEN c.agrees THEN a.count ELSE 0 END) AS REAL)"
"       / NULLIF(SUM(a.count), 0) FROM agreement a JOIN classes c"
"       ON c.run_id = a.run_id AND c.class = a.class WHERE a.run_id = r.id) AS agreement"
"  FROM runs r JOIN traces t ON t.id = r.trace_id;"
"CREATE VIEW agreement_named AS"
"  SELECT a.run_id, c.name AS class, c.agrees, a.gfp, m.flags AS gfp_flags, a.ord,"
"    mt.name AS migratetype, z.name AS zone, a.zone AS zone_index, a.path, a.count"
"  FROM agreement a JOIN runs r ON r.id = a.run_id"
"  JOIN classes c ON c.run_id = a.run_id AND c.class = a.class"
"  LEFT JOIN gfp_masks m ON m.trace_id = r.trace_id AND m.gfp = a.gfp"
"  LEFT JOIN migratetypes mt ON mt.id = a.migratetype"
"  LEFT JOIN zones z ON z.trace_id = r.trace_id AND z.zone = a.zone;"
"CREATE VIEW class_totals AS"
"  SELECT run_id, class, agrees, SUM(count) AS count,"
"    CAST(SUM(count) AS REAL) / (SELECT SUM(count) FROM agreement x"
"      WHERE x.run_id = agreement_named.run_id) AS fraction"
"  FROM agreement_named GROUP BY run_id, class;"
"CREATE VIEW divergences_named AS"
"  SELECT d.run_id, d.event_index, d.ts_ns, d.cpu, d.pid, c.name AS class, d.ord,"
"    mt.name AS migratetype, d.gfp, m.flags AS gfp_flags, kz.name AS kernel_zone,"
"    mz.name AS model_zone, d.kernel_pfn, d.model_pfn, d.model_path, d.detail"
"  FROM runs r JOIN divergences d ON d.rowid BETWEEN r.div_first AND r.div_last"
"  JOIN classes c ON c.run_id = d.run_id AND c.class = d.class"
"  LEFT JOIN gfp_masks m ON m.trace_id = r.trace_id AND m.gfp = d.gfp"
"  LEFT JOIN migratetypes mt ON mt.id = d.migratetype"
"  LEFT JOIN zones kz ON kz.trace_id = r.trace_id AND kz.zone = d.kernel_zone"
"  LEFT JOIN zones mz ON mz.trace_id = r.trace_id AND mz.zone = d.model_zone;"
"CREATE VIEW frag_named AS"
"  SELECT s.run_id, s.id AS sample_id, s.event_index, s.ts_ns, z.node, z.name AS zone,"
"    s.zone AS zone_index, o.ord, o.free_blocks, o.unmovable, o.movable, o.reclaimable,"
"    o.highatomic, o.cma, o.isolate, o.unusable_index, o.fragmentation_index"
"  FROM frag_samples s JOIN frag_orders o ON o.sample_id = s.id"
"  JOIN runs r ON r.id = s.run_id"
"  LEFT JOIN zones z ON z.trace_id = r.trace_id AND z.zone = s.zone;"
"CREATE VIEW checkpoint_diff AS"
"  SELECT k.run_id, k.seq, k.ts_ns, z.name AS zone, cc.zone AS zone_index, cc.ord,"
"    mt.name AS migratetype, cc.kernel_blocks, cc.model_blocks,"
"    cc.model_blocks - cc.kernel_blocks AS diff"
"  FROM checkpoint_counts cc JOIN checkpoints k ON k.id = cc.checkpoint_id"
"  JOIN runs r ON r.id = k.run_id"
"  LEFT JOIN zones z ON z.trace_id = r.trace_id AND z.zone = cc.zone"
"  LEFT JOIN migratetypes mt ON mt.id = cc.migratetype;"
"CREATE VIEW checkpoint_free AS"
"  SELECT k.run_id, k.seq, k.ts_ns, k.event_index, z.name AS zone, cz.zone AS zone_index,"
"    cz.kernel_free_pages, cz.model_free_pages,"
"    cz.model_free_pages - cz.kernel_free_pages AS diff"
"  FROM checkpoint_zones cz JOIN checkpoints k ON k.id = cz.checkpoint_id"
"  JOIN runs r ON r.id = k.run_id"
"  LEFT JOIN zones z ON z.trace_id = r.trace_id AND z.zone = cz.zone;";

/* Version 3: checkpoints compared over the model's range while each /proc
 * file was read (captures record the reads' windows). */
static const char schema_v3[] =
"ALTER TABLE checkpoints ADD COLUMN pagetypeinfo_read_ns INTEGER;"
"ALTER TABLE checkpoints ADD COLUMN zoneinfo_read_ns INTEGER;"
"ALTER TABLE checkpoint_zones ADD COLUMN model_free_min INTEGER;"
"ALTER TABLE checkpoint_zones ADD COLUMN model_free_max INTEGER;"
"ALTER TABLE checkpoint_counts ADD COLUMN model_min INTEGER;"
"ALTER TABLE checkpoint_counts ADD COLUMN model_max INTEGER;"
"DROP VIEW checkpoint_diff;"
"DROP VIEW checkpoint_free;"
"CREATE VIEW checkpoint_diff AS"
"  SELECT k.run_id, k.seq, k.ts_ns, z.name AS zone, cc.zone AS zone_index, cc.ord,"
"    mt.name AS migratetype, cc.kernel_blocks, cc.model_blocks,"
"    cc.model_blocks - cc.kernel_blocks AS diff, cc.model_min, cc.model_max,"
"    k.pagetypeinfo_read_ns"
"  FROM checkpoint_counts cc JOIN checkpoints k ON k.id = cc.checkpoint_id"
"  JOIN runs r ON r.id = k.run_id"
"  LEFT JOIN zones z ON z.trace_id = r.trace_id AND z.zone = cc.zone"
"  LEFT JOIN migratetypes mt ON mt.id = cc.migratetype;"
"CREATE VIEW checkpoint_free AS"
"  SELECT k.run_id, k.seq, k.ts_ns, k.event_index, z.name AS zone, cz.zone AS zone_index,"
"    cz.kernel_free_pages, cz.model_free_pages,"
"    cz.model_free_pages - cz.kernel_free_pages AS diff, cz.model_free_min,"
"    cz.model_free_max, k.zoneinfo_read_ns"
"  FROM checkpoint_zones cz JOIN checkpoints k ON k.id = cz.checkpoint_id"
"  JOIN runs r ON r.id = k.run_id"
"  LEFT JOIN zones z ON z.trace_id = r.trace_id AND z.zone = cz.zone;";

/* Version 4: each cpu's pcp lists at checkpoints (captures record
 * zoneinfo's pagesets), beside the model's. */
static const char schema_v4[] =
"CREATE TABLE checkpoint_pcp ("
"  checkpoint_id INTEGER NOT NULL REFERENCES checkpoints(id), zone INTEGER NOT NULL,"
"  cpu INTEGER NOT NULL, kernel_count INTEGER, model_count INTEGER, model_min INTEGER,"
"  model_max INTEGER, model_unseen INTEGER, kernel_high INTEGER, model_high INTEGER,"
"  PRIMARY KEY (checkpoint_id, zone, cpu)) WITHOUT ROWID;"
"CREATE VIEW checkpoint_pcp_diff AS"
"  SELECT k.run_id, k.seq, k.ts_ns, k.event_index, z.name AS zone, cp.zone AS zone_index,"
"    cp.cpu, cp.kernel_count, cp.model_count, cp.model_count - cp.kernel_count AS diff,"
"    cp.model_min, cp.model_max, cp.model_unseen, cp.kernel_high, cp.model_high,"
"    k.zoneinfo_read_ns"
"  FROM checkpoint_pcp cp JOIN checkpoints k ON k.id = cp.checkpoint_id"
"  JOIN runs r ON r.id = k.run_id"
"  LEFT JOIN zones z ON z.trace_id = r.trace_id AND z.zone = cp.zone;";

static const char *const migration_sql[] = {
	NULL,		/* version 0: an empty file */
	schema_v1,
	schema_v2,
	schema_v3,
	schema_v4,
};
#define NR_VERSIONS ((int)(sizeof(migration_sql) / sizeof(migration_sql[0])))

static const char *const mt_names[PA_NR_MIGRATETYPES] = {
	[PA_MT_UNMOVABLE] = "Unmovable", [PA_MT_MOVABLE] = "Movable",
	[PA_MT_RECLAIMABLE] = "Reclaimable", [PA_MT_HIGHATOMIC] = "HighAtomic",
	[PA_MT_CMA] = "CMA", [PA_MT_ISOLATE] = "Isolate",
};

const char *db_migratetype_name(int mt)
{
	return mt >= 0 && mt < PA_NR_MIGRATETYPES ? mt_names[mt] : "unknown";
}

static int exec(sqlite3 *h, const char *sql, int version, struct pr_error *err)
{
	char *msg = NULL;

	if (sqlite3_exec(h, sql, NULL, NULL, &msg) != SQLITE_OK) {
		pr_fail(err, PR_EDB, "migration to schema version %d failed: %s", version,
			msg ? msg : sqlite3_errmsg(h));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static int fill_migratetypes(sqlite3 *h, struct pr_error *err)
{
	char sql[128];

	for (int mt = 0; mt < PA_NR_MIGRATETYPES; mt++) {
		snprintf(sql, sizeof(sql), "INSERT INTO migratetypes VALUES (%d, '%s');", mt,
			 mt_names[mt]);
		if (exec(h, sql, 1, err) < 0)
			return -1;
	}
	return 0;
}

int db_schema_migrate(sqlite3 *h, int from, int to, struct pr_error *err)
{
	char sql[64];

	if (from < 0 || to >= NR_VERSIONS || from > to)
		return pr_fail(err, PR_EUSAGE, "no migration from schema version %d to %d",
			       from, to);
	for (int v = from + 1; v <= to; v++) {
		if (exec(h, migration_sql[v], v, err) < 0)
			return -1;
		if (v == 1 && fill_migratetypes(h, err) < 0)
			return -1;
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d;", v);
		if (exec(h, sql, v, err) < 0)
			return -1;
	}
	return 0;
}
