/* SPDX-License-Identifier: MIT */
/* pagereplay query: run SQL on a results database, print a table, CSV or JSON. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"
#include "db/db.h"
#include "db/table.h"

static const char query_usage[] =
	"usage: pagereplay query --db D [--csv | --json] [--timeout MS] SQL\n"
	"\n"
	"Run SQL (one or more statements) on the results database D and print\n"
	"the rows of the last one: an aligned table by default.\n"
	"\n"
	"  --db D          the database (made by pagereplay replay --db)\n"
	"  --csv           RFC 4180 CSV with a header line\n"
	"  --json          a JSON array of objects\n"
	"  --timeout MS    wait at most MS ms for a locked database (default 5000)\n"
	"\n"
	"Tables, views and example queries: docs/schema.md.\n"
	"exit codes: 0 success, 1 SQL or database error, 2 usage error\n";

static const struct option query_options[] = {
	{ "db", required_argument, NULL, 'd' },
	{ "csv", no_argument, NULL, 'c' },
	{ "json", no_argument, NULL, 'j' },
	{ "timeout", required_argument, NULL, 't' },
	{ NULL, 0, NULL, 0 },
};

static int print_rows(const char *path, const char *sql, enum db_format fmt, int busy_ms)
{
	struct pr_error err = { 0 };
	struct pr_db *db = db_open(path, DB_OPEN_EXISTING, busy_ms, &err);
	struct db_table *t;
	char *out;

	if (!db)
		return cli_report(&err);
	t = db_query_table(db, sql, NULL, 0, &err);
	db_close(db, NULL);
	if (!t)
		return cli_report(&err);
	out = db_table_render(t, fmt);
	db_table_free(t);
	if (!out)
		return cli_error("out of memory rendering the result");
	fputs(out, stdout);
	free(out);
	return EXIT_OK;
}

static int run_query(int argc, char **argv)
{
	enum db_format fmt = DB_FMT_TABLE;
	const char *path = NULL;
	unsigned long long ms = 0;
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+", query_options, NULL)) != -1) {
		switch (c) {
		case 'd':
			path = optarg;
			break;
		case 'c':
			fmt = DB_FMT_CSV;
			break;
		case 'j':
			fmt = DB_FMT_JSON;
			break;
		case 't':
			if (cli_parse_u64(optarg, &ms) < 0 || ms == 0 || ms > 3600000)
				return cli_usage_error("query", "--timeout: expected milliseconds "
						       "(1 to 3600000), found '%s'", optarg);
			break;
		default:
			return cli_usage_error("query", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (!path)
		return cli_usage_error("query", "--db is required");
	if (optind != argc - 1)
		return cli_usage_error("query", optind == argc ? "expected SQL"
				       : "expected one SQL argument (quote it)");
	return print_rows(path, argv[optind], fmt, (int)ms);
}

const struct pr_command cmd_query = {
	.name = "query",
	.run = run_query,
	.summary = "run SQL on a results database",
	.usage = query_usage,
};
