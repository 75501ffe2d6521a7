/* SPDX-License-Identifier: MIT */
#ifndef PR_TESTS_HARNESS_H
#define PR_TESTS_HARNESS_H

/*
 * Shared test helpers: run the built binary and capture what it printed,
 * find fixtures, make scratch directories, and skip visibly.
 * cmocka needs <stdarg.h>, <stddef.h>, <stdint.h>, <setjmp.h> first.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdbool.h>

struct run_result {
	int status;	/* exit code, or 128 + signal */
	char *out;	/* everything written to stdout, NUL-terminated */
	char *err;	/* everything written to stderr */
};

/* Run build/pagereplay (or $PAGEREPLAY_BIN) with the NULL-terminated args. */
struct run_result run_pagereplay(const char *arg, ...);
/* Same with an argv array (argv[0] is the first argument, not the program). */
struct run_result run_pagereplay_argv(const char *const *argv);
void run_result_free(struct run_result *r);

/* Absolute path of a file under the project root ($PAGEREPLAY_ROOT or cwd). */
const char *project_path(const char *rel);
/* A fresh scratch directory (removed by scratch_cleanup). */
const char *scratch_dir(void);
void scratch_cleanup(void);
/* scratch_dir()/name. Returns a static buffer rotated over 8 slots. */
const char *scratch_path(const char *name);

/* Skip the current test with a reason printed, unless cond holds. */
#define require_or_skip(cond, why) do { \
	if (!(cond)) { print_message("[   SKIP   ] %s\n", (why)); skip(); } \
} while (0)

bool have_root(void);
bool have_tracefs(void);

#endif
