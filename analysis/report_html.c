/* SPDX-License-Identifier: MIT */
/*
 * The HTML report: one self-contained page (no scripts, no external files)
 * with the terminal report's tables and inline SVG plots.
 */
#include "analysis/report.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/sbuf.h"
#include "analysis/svg.h"
#include "db/table.h"

#define MAX_SERIES 16

/* Rows (group index, group name, series key, x, y), ordered by group, series, x. */
struct grouped {
	const char *sql, *title, *series_fmt, *x_label, *y_label;
	double y_min, y_max;
};

static const struct grouped plots[] = {
	{ "SELECT zone_index, zone, ord, event_index, fragmentation_index / 1000.0"
	  " FROM frag_named WHERE run_id = ?1 AND ord >= 1 ORDER BY zone_index, ord, event_index",
	  "fragmentation index over time", "order %s", "events replayed",
	  "fragmentation index (-1: would succeed)", -1, 1 },
	{ "SELECT zone_index, zone, ord, event_index, free_blocks << ord"
	  " FROM frag_named WHERE run_id = ?1 ORDER BY zone_index, ord, event_index",
	  "free pages per order over time", "order %s", "events replayed", "free pages", 0, 0 },
};

static void emit_group(struct sbuf *b, const struct grouped *g, const char *zone,
		       struct svg_series *s, size_t n)
{
	char title[160];
	struct svg_chart c = { .title = title, .x_label = g->x_label, .y_label = g->y_label,
			       .series = s, .nr_series = n, .y_min = g->y_min, .y_max = g->y_max };

	snprintf(title, sizeof(title), "%s: zone %s", g->title, zone);
	svg_line_chart(b, &c);
}

static int grouped_charts(struct pr_db *db, int64_t run, const struct grouped *g,
			  struct sbuf *b, struct pr_error *err)
{
	struct db_table *t = db_query_table(db, g->sql, &run, 1, err);
	struct svg_series s[MAX_SERIES];
	char zone[64] = "";
	size_t n = 0;
	bool skip = false;
	int rows;

	if (!t)
		return -1;
	rows = db_table_nrows(t);
	memset(s, 0, sizeof(s));
	for (int r = 0; r < rows; r++) {
		const char *gname = db_table_cell(t, r, 1), *key = db_table_cell(t, r, 2);
		bool new_group = r == 0 || strcmp(db_table_cell(t, r, 0),
						  db_table_cell(t, r - 1, 0)) != 0;

		if (new_group) {
			if (n)
				emit_group(b, g, zone, s, n);
			svg_series_free(s, n);
			memset(s, 0, sizeof(s));
			n = 0;
			snprintf(zone, sizeof(zone), "%s", *gname ? gname : db_table_cell(t, r, 0));
		}
		if (new_group || strcmp(key, db_table_cell(t, r - 1, 2)) != 0) {
			skip = n == MAX_SERIES;
			if (!skip)
				snprintf(s[n++].name, sizeof(s[0].name), g->series_fmt, key);
		}
		if (!skip && svg_series_add(&s[n - 1], atof(db_table_cell(t, r, 3)),
					    atof(db_table_cell(t, r, 4))) < 0)
			b->failed = 1;
	}
	if (n)
		emit_group(b, g, zone, s, n);
	svg_series_free(s, n);
	if (rows == 0)
		sb_printf(b, "<p class=\"empty\">%s: no samples in this run</p>\n", g->title);
	db_table_free(t);
	return 0;
}

static int class_bars(struct pr_db *db, int64_t run, struct sbuf *b, struct pr_error *err)
{
	struct db_table *t = db_query_table(db, "SELECT class, count FROM class_totals"
					    " WHERE run_id = ?1 ORDER BY count DESC", &run, 1, err);
	const char **names;
	double *values;
	int n;

	if (!t)
		return -1;
	n = db_table_nrows(t);
	names = calloc((size_t)n + 1, sizeof(*names));
	values = calloc((size_t)n + 1, sizeof(*values));
	if (names && values) {
		for (int r = 0; r < n; r++) {
			names[r] = db_table_cell(t, r, 0);
			values[r] = atof(db_table_cell(t, r, 1));
		}
		if (n)
			svg_bar_chart(b, "events per divergence class", names, values, (size_t)n);
		else
			sb_puts(b, "<p class=\"empty\">no classified events in this run</p>\n");
	} else {
		b->failed = 1;
	}
	free(names);
	free(values);
	db_table_free(t);
	return 0;
}

static int checkpoint_charts(struct pr_db *db, int64_t run, struct sbuf *b,
			     struct pr_error *err)
{
	struct db_table *t = db_query_table(db, "SELECT zone_index, zone, seq, kernel_free_pages,"
					    " model_free_pages FROM checkpoint_free WHERE run_id = ?1"
					    " ORDER BY zone_index, seq", &run, 1, err);
	int rows;

	if (!t)
		return -1;
	rows = db_table_nrows(t);
	for (int r = 0; r < rows;) {
		struct svg_series s[2];
		char title[128];
		struct svg_chart c = { .title = title, .x_label = "checkpoint",
				       .y_label = "free pages", .series = s, .nr_series = 2 };
		int first = r;

		memset(s, 0, sizeof(s));
		snprintf(s[0].name, sizeof(s[0].name), "kernel");
		snprintf(s[1].name, sizeof(s[1].name), "model");
		snprintf(title, sizeof(title), "model vs kernel free pages: zone %s",
			 db_table_cell(t, r, 1));
		for (; r < rows && !strcmp(db_table_cell(t, r, 0), db_table_cell(t, first, 0)); r++) {
			double x = atof(db_table_cell(t, r, 2));

			if (*db_table_cell(t, r, 3) && svg_series_add(&s[0], x,
								   atof(db_table_cell(t, r, 3))) < 0)
				b->failed = 1;
			if (svg_series_add(&s[1], x, atof(db_table_cell(t, r, 4))) < 0)
				b->failed = 1;
		}
		svg_line_chart(b, &c);
		svg_series_free(s, 2);
	}
	if (rows == 0)
		sb_puts(b, "<p class=\"empty\">no /proc checkpoints in this trace</p>\n");
	db_table_free(t);
	return 0;
}

static const char style[] =
	"body{font-family:sans-serif;margin:2em;color:#222}"
	"pre{background:#f6f6f6;padding:1em;overflow-x:auto;font-size:12px}"
	"svg.chart{display:block;margin:1em 0;border:1px solid #ddd}"
	"h2{border-bottom:1px solid #ccc}";

char *an_report_html(struct pr_db *db, int64_t run, struct pr_error *err)
{
	struct sbuf b = { 0 };
	char *text = an_report_text(db, run, err);

	if (!text)
		return NULL;
	sb_printf(&b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
		  "<title>pagereplay run %lld</title><style>%s</style></head><body>\n"
		  "<h1>pagereplay run %lld</h1>\n<h2>Summary</h2>\n<pre>", (long long)run, style,
		  (long long)run);
	sb_html(&b, text);
	free(text);
	sb_puts(&b, "</pre>\n<h2>Divergence by class</h2>\n");
	if (class_bars(db, run, &b, err) < 0)
		goto fail;
	for (size_t i = 0; i < sizeof(plots) / sizeof(plots[0]); i++) {
		sb_printf(&b, "<h2>%c%s</h2>\n", plots[i].title[0] - 32, plots[i].title + 1);
		if (grouped_charts(db, run, &plots[i], &b, err) < 0)
			goto fail;
	}
	sb_puts(&b, "<h2>Model vs kernel at checkpoints</h2>\n");
	if (checkpoint_charts(db, run, &b, err) < 0)
		goto fail;
	sb_puts(&b, "</body></html>\n");
	if (b.failed) {
		pr_fail(err, PR_ENOMEM, "out of memory building the HTML report");
		goto fail;
	}
	return sb_take(&b);
fail:
	free(sb_take(&b));
	return NULL;
}
