/* SPDX-License-Identifier: MIT */
#include "common/cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void vmessage(const char *kind, const char *fmt, va_list ap)
{
	fprintf(stderr, "pagereplay: %s: ", kind);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

int cli_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage("error", fmt, ap);
	va_end(ap);
	return EXIT_FAIL;
}

int cli_report(const struct pr_error *err)
{
	return cli_error("%s", err->msg[0] ? err->msg : "unknown error");
}

void cli_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage("warning", fmt, ap);
	va_end(ap);
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage("error", fmt, ap);
	va_end(ap);
	if (cmd)
		fprintf(stderr, "try 'pagereplay help %s' for usage\n", cmd);
	else
		fprintf(stderr, "try 'pagereplay --help' for usage\n");
	return EXIT_USAGE;
}

int cli_parse_u64(const char *s, unsigned long long *out)
{
	char *end;

	if (!s || !*s || *s == '-')
		return -1;
	errno = 0;
	*out = strtoull(s, &end, 0);
	return (errno || *end) ? -1 : 0;
}

int cli_parse_seconds(const char *s, double *out)
{
	char *end;

	if (!s || !*s)
		return -1;
	errno = 0;
	*out = strtod(s, &end);
	return (errno || *end || *out < 0) ? -1 : 0;
}

int cli_stderr_is_tty(void)
{
	return isatty(STDERR_FILENO);
}
