/* SPDX-License-Identifier: MIT */
/* pagereplay report: one run's tables on the terminal, and optionally an HTML page. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/report.h"
#include "commands.h"

static const char report_usage[] =
	"usage: pagereplay report --db D [--run N] [--html OUT]\n"
	"\n"
	"Print the report of run N (default: the newest run) of the results\n"
	"database D: run summary, agreement by class, the worst divergences,\n"
	"fragmentation at start and end, fallbacks, checkpoints.\n"
	"\n"
	"  --db D        the database (made by pagereplay replay --db)\n"
	"  --run N       the run id (see: pagereplay query --db D 'SELECT * FROM runs')\n"
	"  --html OUT    also write a self-contained HTML page with plots to OUT\n"
	"\n"
	"exit codes: 0 success, 1 error, 2 usage error\n";

static const struct option report_options[] = {
	{ "db", required_argument, NULL, 'd' },
	{ "run", required_argument, NULL, 'r' },
	{ "html", required_argument, NULL, 'o' },
	{ NULL, 0, NULL, 0 },
};

/* Whole file under a temporary name, then renamed: never half a page. */
static int write_file(const char *path, const char *text)
{
	size_t len = strlen(path) + 16;
	char *tmp = malloc(len);
	FILE *f;
	int ok;

	if (!tmp)
		return cli_error("out of memory");
	snprintf(tmp, len, "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f) {
		cli_error("'%s': cannot create: %s", tmp, strerror(errno));
		free(tmp);
		return EXIT_FAIL;
	}
	ok = fputs(text, f) >= 0;
	ok = (fclose(f) == 0) && ok;
	if (!ok || rename(tmp, path) != 0) {
		cli_error("'%s': cannot write: %s", ok ? path : tmp, strerror(errno));
		unlink(tmp);
		free(tmp);
		return EXIT_FAIL;
	}
	free(tmp);
	return EXIT_OK;
}

static int report(const char *path, unsigned long long run_arg, const char *html)
{
	struct pr_error err = { 0 };
	struct pr_db *db = db_open(path, DB_OPEN_EXISTING, 0, &err);
	int64_t run;
	char *text = NULL, *page = NULL;
	int status = EXIT_OK;

	if (!db)
		return cli_report(&err);
	run = an_report_pick_run(db, (int64_t)run_arg, &err);
	if (run < 0 || !(text = an_report_text(db, run, &err)) ||
	    (html && !(page = an_report_html(db, run, &err)))) {
		status = cli_report(&err);
		goto out;
	}
	fputs(text, stdout);
	if (page) {
		status = write_file(html, page);
		if (status == EXIT_OK)
			printf("\nwrote %s\n", html);
	}
out:
	free(text);
	free(page);
	db_close(db, NULL);
	return status;
}

static int run_report(int argc, char **argv)
{
	const char *path = NULL, *html = NULL;
	unsigned long long run = 0;
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+", report_options, NULL)) != -1) {
		switch (c) {
		case 'd':
			path = optarg;
			break;
		case 'r':
			if (cli_parse_u64(optarg, &run) < 0 || run == 0 || run > INT64_MAX)
				return cli_usage_error("report", "--run: expected a run id, found "
						       "'%s'", optarg);
			break;
		case 'o':
			html = optarg;
			break;
		default:
			return cli_usage_error("report", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (!path)
		return cli_usage_error("report", "--db is required");
	if (optind != argc)
		return cli_usage_error("report", "unexpected argument '%s'", argv[optind]);
	return report(path, run, html);
}

const struct pr_command cmd_report = {
	.name = "report",
	.run = run_report,
	.summary = "tables and plots of a replay run",
	.usage = report_usage,
};
