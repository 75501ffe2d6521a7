/* SPDX-License-Identifier: MIT */
/* pagereplay merge: many hosts' results databases into one. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "db/db.h"

static const char merge_usage[] =
	"usage: pagereplay merge OUT.db IN.db...\n"
	"\n"
	"Copy every run of each IN.db into OUT.db (created if missing), remapping\n"
	"ids. Traces are matched by host, kernel, capture start and event count;\n"
	"a run already in OUT.db (same uuid) is not copied twice. Each input is\n"
	"merged atomically; inputs are never modified (an older schema is\n"
	"migrated in a temporary copy).\n"
	"\n"
	"exit codes: 0 success, 1 error (inputs merged before it stay merged),\n"
	"2 usage error\n";

static const struct option merge_options[] = {
	{ NULL, 0, NULL, 0 },
};

static int merge_one(struct pr_db *out, const char *in)
{
	struct pr_error err = { 0 };
	struct db_merge_stats st;

	if (db_merge_from(out, in, &st, &err) < 0)
		return cli_report(&err);
	printf("%s: %llu runs added, %llu traces added, %llu traces already present\n", in,
	       (unsigned long long)st.runs_added, (unsigned long long)st.traces_added,
	       (unsigned long long)st.traces_shared);
	return EXIT_OK;
}

static int run_merge(int argc, char **argv)
{
	struct pr_error err = { 0 };
	struct pr_db *out;
	int c, status = EXIT_OK;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+", merge_options, NULL)) != -1)
		return cli_usage_error("merge", "unknown option '%s'", argv[optind - 1]);
	if (argc - optind < 2)
		return cli_usage_error("merge", "expected OUT.db and at least one IN.db");
	for (int i = optind + 1; i < argc; i++)
		if (strcmp(argv[i], argv[optind]) == 0)
			return cli_usage_error("merge", "'%s' is both output and input",
					       argv[i]);
	out = db_open(argv[optind], DB_OPEN_CREATE, 0, &err);
	if (!out)
		return cli_report(&err);
	for (int i = optind + 1; i < argc && status == EXIT_OK; i++)
		status = merge_one(out, argv[i]);
	if (db_close(out, &err) < 0 && status == EXIT_OK)
		status = cli_report(&err);
	return status;
}

const struct pr_command cmd_merge = {
	.name = "merge",
	.run = run_merge,
	.summary = "merge results databases from many hosts into one",
	.usage = merge_usage,
};
