/* SPDX-License-Identifier: MIT */
#ifndef PR_COMMON_CLI_H
#define PR_COMMON_CLI_H

/*
 * What every subcommand shares: its table entry, exit codes, and the only
 * functions that print diagnostics. Reports go to stdout, diagnostics to
 * stderr, always prefixed "pagereplay: ".
 */

#include "common/error.h"

/* Exit codes, documented in README.md. */
enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,		/* runtime error: bad input, I/O, model */
	EXIT_USAGE = 2,		/* unknown command or option, bad argument */
};

struct pr_command {
	const char *name;
	int (*run)(int argc, char **argv);	/* argv[0] is the command name */
	const char *summary;			/* one line for `pagereplay --help` */
	const char *usage;			/* full text for `help CMD` / `CMD --help` */
};

/* "pagereplay: error: ..." on stderr; returns EXIT_FAIL. */
int cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The library's error record, as above; returns EXIT_FAIL. */
int cli_report(const struct pr_error *err);
/* "pagereplay: warning: ..." on stderr. */
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A command-line mistake: the message, then a hint; returns EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Parse a whole unsigned number; 0 on success, -1 if junk or out of range. */
int cli_parse_u64(const char *s, unsigned long long *out);
/* Parse seconds with an optional fraction ("2", "0.5"); -1 if junk. */
int cli_parse_seconds(const char *s, double *out);

/* Is stdout a terminal on which progress lines may be drawn? */
int cli_stderr_is_tty(void);

#endif
