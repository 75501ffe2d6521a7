/* SPDX-License-Identifier: MIT */
/*
 * pagereplay: the dispatcher. Finds the subcommand, answers --help and
 * --version itself, runs the command, then checks that stdout was really
 * written (a full disk under `pagereplay report > f` must not exit 0).
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"

#ifndef PAGEREPLAY_VERSION
#define PAGEREPLAY_VERSION "0.1.0"
#endif

static const struct pr_command *const commands[] = {
	&cmd_capture,
	&cmd_import,
	&cmd_info,
	&cmd_dump,
	&cmd_replay,
	&cmd_synth,
	&cmd_report,
	&cmd_query,
	&cmd_compare,
	&cmd_merge,
	NULL,
};

static const struct pr_command *find_command(const char *name)
{
	for (size_t i = 0; commands[i]; i++)
		if (strcmp(commands[i]->name, name) == 0)
			return commands[i];
	return NULL;
}

static void print_overview(FILE *out)
{
	fprintf(out,
		"usage: pagereplay <command> [<options>] [<args>]\n"
		"       pagereplay help <command> | <command> --help | --version\n\n"
		"Capture the kernel's page-allocator tracepoints, replay them against a\n"
		"model of the buddy allocator, and store divergence and fragmentation\n"
		"results in SQLite.\n\ncommands:\n");
	for (size_t i = 0; commands[i]; i++)
		fprintf(out, "  %-10s %s\n", commands[i]->name, commands[i]->summary);
	fprintf(out, "\nexit codes: 0 success, 1 error, 2 usage error\n");
}

static int print_help(const char *name)
{
	const struct pr_command *cmd;

	if (!name) {
		print_overview(stdout);
		return EXIT_OK;
	}
	cmd = find_command(name);
	if (!cmd)
		return cli_usage_error(NULL, "unknown command '%s'", name);
	fputs(cmd->usage, stdout);
	return EXIT_OK;
}

/* -h/--help anywhere before a "--" asks for the command's help. */
static int wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return 0;
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			return 1;
	}
	return 0;
}

static int finish_stdout(int status)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		cli_error("write failure on standard output");
		return EXIT_FAIL;
	}
	return status;
}

int main(int argc, char **argv)
{
	const struct pr_command *cmd;

	if (argc < 2) {
		print_overview(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
		return finish_stdout(print_help(NULL));
	if (strcmp(argv[1], "help") == 0)
		return finish_stdout(print_help(argc > 2 ? argv[2] : NULL));
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
		printf("pagereplay %s\n", PAGEREPLAY_VERSION);
		return finish_stdout(EXIT_OK);
	}
	if (argv[1][0] == '-')
		return cli_usage_error(NULL, "unknown option '%s'", argv[1]);
	cmd = find_command(argv[1]);
	if (!cmd)
		return cli_usage_error(NULL, "unknown command '%s'", argv[1]);
	if (wants_help(argc - 1, argv + 1))
		return finish_stdout(print_help(cmd->name));
	return finish_stdout(cmd->run(argc - 1, argv + 1));
}
