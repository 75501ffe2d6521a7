/* SPDX-License-Identifier: MIT */
#ifndef PR_ANALYSIS_REPORT_H
#define PR_ANALYSIS_REPORT_H

/*
 * Reports built from a results database: the terminal report of one run,
 * its self-contained HTML page (inline SVG plots, no scripts, no external
 * files), and two runs side by side. Each returns a malloc'd string for the
 * command to print or write; NULL with *err on failure.
 */

#include <stdint.h>

#include "db/db.h"

/* The run to report: `run` if it exists, the newest when run == 0. */
int64_t an_report_pick_run(struct pr_db *db, int64_t run, struct pr_error *err);
char *an_report_text(struct pr_db *db, int64_t run, struct pr_error *err);
char *an_report_html(struct pr_db *db, int64_t run, struct pr_error *err);
char *an_compare_text(struct pr_db *db, int64_t run_a, int64_t run_b, struct pr_error *err);

struct sbuf;
/* A titled table of sql's rows (params bind ?1..) appended to b. */
int an_report_section(struct pr_db *db, const char *title, const char *sql,
		      const int64_t *params, int nr, struct sbuf *b, struct pr_error *err);

#endif
