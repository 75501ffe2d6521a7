/* SPDX-License-Identifier: MIT */
/* pagereplay compare: two runs side by side. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "analysis/report.h"
#include "commands.h"

static const char compare_usage[] =
	"usage: pagereplay compare --db D RUN_A RUN_B\n"
	"\n"
	"Show two runs of the results database D side by side: allocation\n"
	"failures, fallbacks, agreement, mixed pageblocks, THP blocks and the\n"
	"fragmentation indices at the end. Typical use: one trace replayed in\n"
	"free-run with two models (--model linux-5.10 and --model linux-6).\n"
	"\n"
	"exit codes: 0 success, 1 error, 2 usage error\n";

static const struct option compare_options[] = {
	{ "db", required_argument, NULL, 'd' },
	{ NULL, 0, NULL, 0 },
};

static int parse_run(const char *s, int64_t *out)
{
	unsigned long long v;

	if (cli_parse_u64(s, &v) < 0 || v == 0 || v > INT64_MAX)
		return cli_usage_error("compare", "expected a run id, found '%s'", s);
	*out = (int64_t)v;
	return EXIT_OK;
}

static int compare(const char *path, int64_t a, int64_t b)
{
	struct pr_error err = { 0 };
	struct pr_db *db = db_open(path, DB_OPEN_EXISTING, 0, &err);
	char *text = NULL;
	int status = EXIT_OK;

	if (!db)
		return cli_report(&err);
	if (an_report_pick_run(db, a, &err) < 0 || an_report_pick_run(db, b, &err) < 0 ||
	    !(text = an_compare_text(db, a, b, &err)))
		status = cli_report(&err);
	else
		fputs(text, stdout);
	free(text);
	db_close(db, NULL);
	return status;
}

static int run_compare(int argc, char **argv)
{
	const char *path = NULL;
	int64_t a = 0, b = 0;
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+", compare_options, NULL)) != -1) {
		if (c != 'd')
			return cli_usage_error("compare", "unknown option '%s'", argv[optind - 1]);
		path = optarg;
	}
	if (!path)
		return cli_usage_error("compare", "--db is required");
	if (argc - optind != 2)
		return cli_usage_error("compare", "expected two run ids");
	if (parse_run(argv[optind], &a) != EXIT_OK || parse_run(argv[optind + 1], &b) != EXIT_OK)
		return EXIT_USAGE;
	return compare(path, a, b);
}

const struct pr_command cmd_compare = {
	.name = "compare",
	.run = run_compare,
	.summary = "two runs side by side",
	.usage = compare_usage,
};
