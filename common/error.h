/* SPDX-License-Identifier: MIT */
#ifndef PR_COMMON_ERROR_H
#define PR_COMMON_ERROR_H

/*
 * The one error record every library stage fills instead of printing.
 *
 * Libraries never print or exit: they return -1 (or NULL) and describe what
 * went wrong in a struct pr_error the caller passed in. Only cmd_*.c files
 * decide what to show. Messages follow one shape so users can grep them:
 *
 *	'<file>': offset <n>: expected <what>, found <what>
 *	'<file>': line <n>: <what is wrong>: <the line>
 *
 * lowercase, no trailing full stop, the subject in single quotes.
 */

#include <stddef.h>
#include <stdint.h>

enum pr_error_code {
	PR_OK = 0,
	PR_EIO,		/* a system call failed; errno_value says which */
	PR_EFORMAT,	/* input is not what it claims to be */
	PR_EDAMAGED,	/* input was valid up to a point, then damaged */
	PR_EVERSION,	/* input from a newer format or schema */
	PR_EUSAGE,	/* the caller asked for something impossible */
	PR_ENOMEM,
	PR_ESTATE,	/* model state disagrees with an event */
	PR_EDB,		/* SQLite said no */
	PR_ENOSYS,	/* host lacks a facility (tracefs, root) */
};

struct pr_error {
	enum pr_error_code code;
	int errno_value;	/* 0 unless code == PR_EIO */
	uint64_t offset;	/* byte offset or line number, when known */
	char msg[512];
};

/* Fill *err (if not NULL) and return -1, so callers can `return pr_fail(...)`. */
int pr_fail(struct pr_error *err, enum pr_error_code code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Like pr_fail, with strerror(errno) appended and errno kept in the record. */
int pr_fail_errno(struct pr_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void pr_error_clear(struct pr_error *err);

#endif
