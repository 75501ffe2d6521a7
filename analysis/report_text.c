/* SPDX-License-Identifier: MIT */
/* The terminal report of one run: summary, agreement, worst divergences, fragmentation. */
#include "analysis/report.h"

#include <stdlib.h>

#include "analysis/sbuf.h"
#include "db/table.h"

int64_t an_report_pick_run(struct pr_db *db, int64_t run, struct pr_error *err)
{
	struct db_table *t = db_query_table(db, run ? "SELECT id FROM runs WHERE id = ?1"
						    : "SELECT max(id) FROM runs", &run,
					    run ? 1 : 0, err);
	const char *cell;
	int64_t id = -1;

	if (!t)
		return -1;
	cell = db_table_nrows(t) ? db_table_cell(t, 0, 0) : NULL;
	if (cell && *cell)
		id = strtoll(cell, NULL, 10);
	db_table_free(t);
	if (id > 0)
		return id;
	if (run)
		return pr_fail(err, PR_EUSAGE, "'%s': no run %lld", db_path(db), (long long)run);
	return pr_fail(err, PR_EUSAGE, "'%s': no runs yet", db_path(db));
}

static const char summary_sql[] =
	"SELECT r.id AS run, t.hostname AS host, t.kernel_release AS kernel, r.model, r.mode,"
	" r.options, r.created_at AS replayed, t.path AS trace, r.events, r.allocations,"
	" r.frees, r.lost_events, r.kernel_alloc_failures, r.model_alloc_failures,"
	" r.kernel_fallbacks, r.model_fallbacks, r.desyncs,"
	" printf('%.3f', r.elapsed_s) AS elapsed_s,"
	" printf('%.2f%%', 100.0 * o.agreement) AS agreement"
	" FROM runs r JOIN traces t ON t.id = r.trace_id"
	" JOIN run_overview o ON o.run_id = r.id WHERE r.id = ?1";

static const struct section {
	const char *title;
	const char *sql;
} sections[] = {
	{ "agreement by class",
	  "SELECT class, agrees, count, printf('%.2f%%', 100.0 * fraction) AS share"
	  " FROM class_totals WHERE run_id = ?1 ORDER BY count DESC, class" },
	{ "worst divergences by gfp, order and zone",
	  "SELECT gfp_flags, ord AS \"order\", zone, class, sum(count) AS count"
	  " FROM agreement_named WHERE run_id = ?1 AND agrees = 0"
	  " GROUP BY gfp, ord, zone, class ORDER BY count DESC, gfp_flags LIMIT 10" },
	{ "first divergence of each class",
	  "SELECT class, event_index AS event, ts_ns, cpu, pid, ord AS \"order\", gfp_flags,"
	  " kernel_zone, model_zone, printf('0x%x', kernel_pfn) AS kernel_pfn,"
	  " CASE WHEN model_pfn IS NULL THEN 'none' ELSE printf('0x%x', model_pfn) END"
	  " AS model_pfn FROM divergences_named WHERE run_id = ?1 AND event_index IN"
	  " (SELECT min(d.event_index) FROM runs r JOIN divergences d ON d.rowid BETWEEN"
	  " r.div_first AND r.div_last WHERE r.id = ?1 GROUP BY d.class)"
	  " ORDER BY event_index LIMIT 20" },
	{ "fragmentation at start and end (indices at the THP order)",
	  "SELECT z.name AS zone, CASE WHEN s.id IN (SELECT min(id) FROM frag_samples"
	  " WHERE run_id = ?1 GROUP BY zone) THEN 'start' ELSE 'end' END AS at,"
	  " s.event_index AS event, s.buddy_pages AS free_pages, s.largest_free_order"
	  " AS largest, printf('%.3f', o.unusable_index / 1000.0) AS unusable,"
	  " printf('%.3f', o.fragmentation_index / 1000.0) AS extfrag,"
	  " printf('%.3f', s.fmfi) AS fmfi, s.thp_blocks, CASE s.thp_ok WHEN 1 THEN 'yes'"
	  " ELSE 'no' END AS thp_ok, s.mixed_pageblocks AS mixed"
	  " FROM frag_samples s JOIN runs r ON r.id = s.run_id"
	  " LEFT JOIN zones z ON z.trace_id = r.trace_id AND z.zone = s.zone"
	  " LEFT JOIN frag_orders o ON o.sample_id = s.id AND o.ord = s.thp_order"
	  " WHERE s.run_id = ?1 AND (s.id IN (SELECT min(id) FROM frag_samples"
	  " WHERE run_id = ?1 GROUP BY zone) OR s.id IN (SELECT max(id) FROM frag_samples"
	  " WHERE run_id = ?1 GROUP BY zone)) ORDER BY s.zone, s.id" },
	{ "fallbacks (mm_page_alloc_extfrag)",
	  "SELECT source, fallbacks, fragmenting, severe, moderate, changed AS"
	  " changed_owner FROM extfrag WHERE run_id = ?1 ORDER BY source" },
	{ "model vs kernel free pages at checkpoints",
	  "SELECT seq, zone, kernel_free_pages AS kernel, model_free_pages AS model, diff,"
	  " CASE WHEN model_free_min = model_free_max THEN '' ELSE model_free_min || '..' ||"
	  " model_free_max END AS model_during_read, CASE WHEN zoneinfo_read_ns IS NULL"
	  " THEN '-' ELSE printf('%.3f', zoneinfo_read_ns / 1e6) END AS read_ms"
	  " FROM checkpoint_free WHERE run_id = ?1 ORDER BY seq, zone_index LIMIT 40" },
	{ "pcp lists at checkpoints, largest differences (pages; unseen: on the list"
	  " since before tracing)",
	  "SELECT seq, zone, cpu, kernel_count AS kernel, model_count AS model, diff,"
	  " model_unseen AS unseen, kernel_high, model_high FROM checkpoint_pcp_diff"
	  " WHERE run_id = ?1 AND (diff != 0 OR kernel_high != model_high)"
	  " ORDER BY abs(diff) DESC, seq, zone_index, cpu LIMIT 10" },
};

/* One row as "name: value" lines. */
static int add_summary(struct pr_db *db, int64_t run, struct sbuf *b, struct pr_error *err)
{
	struct db_table *t = db_query_table(db, summary_sql, &run, 1, err);

	if (!t)
		return -1;
	sb_printf(b, "run %lld\n", (long long)run);
	for (int c = 0; db_table_nrows(t) && db_table_cell(t, 0, c); c++) {
		const char *v = db_table_cell(t, 0, c);

		sb_printf(b, "  %-22s %s\n", db_table_column(t, c), *v ? v : "-");
	}
	db_table_free(t);
	return 0;
}

int an_report_section(struct pr_db *db, const char *title, const char *sql,
		      const int64_t *params, int nr, struct sbuf *b, struct pr_error *err)
{
	struct db_table *t = db_query_table(db, sql, params, nr, err);
	char *text;

	if (!t)
		return -1;
	sb_printf(b, "\n%s\n", title);
	if (db_table_nrows(t) == 0) {
		sb_puts(b, "  (none)\n");
		db_table_free(t);
		return 0;
	}
	text = db_table_render(t, DB_FMT_TABLE);
	db_table_free(t);
	if (!text)
		return pr_fail(err, PR_ENOMEM, "out of memory rendering '%s'", title);
	sb_puts(b, text);
	free(text);
	return 0;
}

char *an_report_text(struct pr_db *db, int64_t run, struct pr_error *err)
{
	struct sbuf b = { 0 };

	if (add_summary(db, run, &b, err) < 0)
		goto fail;
	for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++)
		if (an_report_section(db, sections[i].title, sections[i].sql, &run, 1, &b,
				      err) < 0)
			goto fail;
	if (b.failed) {
		pr_fail(err, PR_ENOMEM, "out of memory building the report");
		goto fail;
	}
	return sb_take(&b);
fail:
	free(sb_take(&b));
	return NULL;
}
