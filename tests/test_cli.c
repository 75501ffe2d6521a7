/* SPDX-License-Identifier: MIT */
/* The dispatcher: help, version, unknown commands and options. */
#include "tests/lib/harness.h"

#include <string.h>

static void test_help_lists_commands(void **state)
{
	struct run_result r = run_pagereplay("--help", NULL);

	(void)state;
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "usage: pagereplay <command>"));
	assert_non_null(strstr(r.out, "exit codes"));
	assert_string_equal(r.err, "");
	run_result_free(&r);
}

static void test_no_args_is_usage_error(void **state)
{
	struct run_result r = run_pagereplay(NULL);

	(void)state;
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "usage: pagereplay"));
	run_result_free(&r);
}

static void test_version(void **state)
{
	struct run_result r = run_pagereplay("--version", NULL);

	(void)state;
	assert_int_equal(r.status, 0);
	assert_memory_equal(r.out, "pagereplay ", 11);
	run_result_free(&r);
}

static void test_unknown_command(void **state)
{
	struct run_result r = run_pagereplay("frobnicate", NULL);

	(void)state;
	assert_int_equal(r.status, 2);
	assert_string_equal(r.err, "pagereplay: error: unknown command 'frobnicate'\n"
				   "try 'pagereplay --help' for usage\n");
	assert_string_equal(r.out, "");
	run_result_free(&r);
}

static void test_unknown_global_option(void **state)
{
	struct run_result r = run_pagereplay("--frob", NULL);

	(void)state;
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "unknown option '--frob'"));
	run_result_free(&r);
}

static void test_help_unknown_command(void **state)
{
	struct run_result r = run_pagereplay("help", "frobnicate", NULL);

	(void)state;
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "unknown command 'frobnicate'"));
	run_result_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_help_lists_commands),
		cmocka_unit_test(test_no_args_is_usage_error),
		cmocka_unit_test(test_version),
		cmocka_unit_test(test_unknown_command),
		cmocka_unit_test(test_unknown_global_option),
		cmocka_unit_test(test_help_unknown_command),
	};

	return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
