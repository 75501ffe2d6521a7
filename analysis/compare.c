/* SPDX-License-Identifier: MIT */
/* Two runs side by side (e.g. two kernel models on one trace in free-run). */
#include "analysis/report.h"

#include <stdlib.h>
#include <string.h>

#include "analysis/sbuf.h"
#include "db/table.h"

/* ?1 = run A, ?2 = run B. Metrics as rows so the two runs sit in columns. */
static const char totals_sql[] =
	"WITH a AS (SELECT * FROM runs r JOIN run_overview o ON o.run_id = r.id WHERE r.id = ?1),"
	" b AS (SELECT * FROM runs r JOIN run_overview o ON o.run_id = r.id WHERE r.id = ?2)"
	" SELECT 'model' AS metric, a.model AS run_a, b.model AS run_b, '' AS diff FROM a, b"
	" UNION ALL SELECT 'mode', a.mode, b.mode, '' FROM a, b"
	" UNION ALL SELECT 'events', a.events, b.events, b.events - a.events FROM a, b"
	" UNION ALL SELECT 'allocations', a.allocations, b.allocations,"
	"  b.allocations - a.allocations FROM a, b"
	" UNION ALL SELECT 'allocation failures (kernel)', a.kernel_alloc_failures,"
	"  b.kernel_alloc_failures, b.kernel_alloc_failures - a.kernel_alloc_failures FROM a, b"
	" UNION ALL SELECT 'allocation failures (model)', a.model_alloc_failures,"
	"  b.model_alloc_failures, b.model_alloc_failures - a.model_alloc_failures FROM a, b"
	" UNION ALL SELECT 'fallbacks (kernel)', a.kernel_fallbacks, b.kernel_fallbacks,"
	"  b.kernel_fallbacks - a.kernel_fallbacks FROM a, b"
	" UNION ALL SELECT 'fallbacks (model)', a.model_fallbacks, b.model_fallbacks,"
	"  b.model_fallbacks - a.model_fallbacks FROM a, b"
	" UNION ALL SELECT 'state desyncs', a.desyncs, b.desyncs, b.desyncs - a.desyncs FROM a, b"
	" UNION ALL SELECT 'agreement', printf('%.2f%%', 100.0 * a.agreement),"
	"  printf('%.2f%%', 100.0 * b.agreement),"
	"  printf('%+.2f%%', 100.0 * (b.agreement - a.agreement)) FROM a, b";

static const char extfrag_sql[] =
	"SELECT coalesce(a.source, b.source) AS source, a.fallbacks AS a_fallbacks,"
	" b.fallbacks AS b_fallbacks, a.fragmenting AS a_fragmenting,"
	" b.fragmenting AS b_fragmenting, a.changed AS a_changed_owner,"
	" b.changed AS b_changed_owner"
	" FROM (SELECT * FROM extfrag WHERE run_id = ?1) a"
	" FULL JOIN (SELECT * FROM extfrag WHERE run_id = ?2) b ON a.source = b.source"
	" ORDER BY 1";

/* Last sample of each zone in each run. */
#define LAST_SAMPLES(run) \
	"(SELECT s.* FROM frag_samples s WHERE s.run_id = " run " AND s.id IN" \
	" (SELECT max(id) FROM frag_samples WHERE run_id = " run " GROUP BY zone))"

static const char blocks_sql[] =
	"SELECT coalesce(z.name, a.zone) AS zone, a.mixed_pageblocks AS a_mixed,"
	" b.mixed_pageblocks AS b_mixed, a.thp_blocks AS a_thp_blocks,"
	" b.thp_blocks AS b_thp_blocks, printf('%.3f', a.fmfi) AS a_fmfi,"
	" printf('%.3f', b.fmfi) AS b_fmfi, a.largest_free_order AS a_largest,"
	" b.largest_free_order AS b_largest"
	" FROM " LAST_SAMPLES("?1") " a JOIN " LAST_SAMPLES("?2") " b ON b.zone = a.zone"
	" JOIN runs r ON r.id = a.run_id"
	" LEFT JOIN zones z ON z.trace_id = r.trace_id AND z.zone = a.zone ORDER BY a.zone";

static const char indices_sql[] =
	"SELECT coalesce(z.name, a.zone) AS zone, oa.ord AS \"order\","
	" printf('%.3f', oa.unusable_index / 1000.0) AS a_unusable,"
	" printf('%.3f', ob.unusable_index / 1000.0) AS b_unusable,"
	" printf('%.3f', oa.fragmentation_index / 1000.0) AS a_extfrag,"
	" printf('%.3f', ob.fragmentation_index / 1000.0) AS b_extfrag"
	" FROM " LAST_SAMPLES("?1") " a JOIN " LAST_SAMPLES("?2") " b ON b.zone = a.zone"
	" JOIN frag_orders oa ON oa.sample_id = a.id JOIN frag_orders ob"
	" ON ob.sample_id = b.id AND ob.ord = oa.ord JOIN runs r ON r.id = a.run_id"
	" LEFT JOIN zones z ON z.trace_id = r.trace_id AND z.zone = a.zone"
	" WHERE oa.ord >= 1 ORDER BY a.zone, oa.ord";

static const char same_trace_sql[] =
	"SELECT (SELECT trace_id FROM runs WHERE id = ?1) = (SELECT trace_id FROM runs"
	" WHERE id = ?2)";

static int same_trace(struct pr_db *db, const int64_t *ids, struct pr_error *err)
{
	struct db_table *t = db_query_table(db, same_trace_sql, ids, 2, err);
	int same;

	if (!t)
		return -1;
	same = db_table_nrows(t) && strcmp(db_table_cell(t, 0, 0), "1") == 0;
	db_table_free(t);
	return same;
}

char *an_compare_text(struct pr_db *db, int64_t run_a, int64_t run_b, struct pr_error *err)
{
	const int64_t ids[2] = { run_a, run_b };
	struct sbuf b = { 0 };
	int same = same_trace(db, ids, err);

	if (same < 0)
		return NULL;
	sb_printf(&b, "run A = %lld, run B = %lld%s\n", (long long)run_a, (long long)run_b,
		  same ? " (same trace)" : " (note: different traces)");
	if (an_report_section(db, "totals", totals_sql, ids, 2, &b, err) < 0 ||
	    an_report_section(db, "fallbacks (mm_page_alloc_extfrag)", extfrag_sql, ids, 2, &b,
			      err) < 0 ||
	    an_report_section(db, "mixed pageblocks and THP blocks at the end", blocks_sql, ids,
			      2, &b, err) < 0 ||
	    an_report_section(db, "fragmentation indices at the end", indices_sql, ids, 2, &b,
			      err) < 0) {
		free(sb_take(&b));
		return NULL;
	}
	if (b.failed) {
		free(sb_take(&b));
		pr_fail(err, PR_ENOMEM, "out of memory building the comparison");
		return NULL;
	}
	return sb_take(&b);
}
