/* SPDX-License-Identifier: MIT */
/* /proc/iomem "System RAM" ranges, on a copy of this test host's file. */
#include "tests/lib/harness.h"

#include <stdlib.h>
#include <string.h>

#include "capture/procfs.h"

static void test_host_ranges(void **state)
{
	struct pr_error err = { 0 };
	char *text = procfs_read(project_path("tests/fixtures/proc/iomem"), NULL, &err);
	struct kpageflags_ram *ram;
	size_t n;

	(void)state;
	assert_non_null(text);
	assert_int_equal(procfs_parse_iomem(text, "iomem", 4096, &ram, &n, &err), 0);
	assert_int_equal(n, 3);
	/* 00001000-0009fbff, 00100000-bfffffff, 100000000-63fffffff */
	assert_int_equal(ram[0].start, 1);
	assert_int_equal(ram[0].end, 159);
	assert_int_equal(ram[1].start, 256);
	assert_int_equal(ram[1].end, 786432);
	assert_int_equal(ram[2].start, 1048576);
	assert_int_equal(ram[2].end, 6553600);
	free(ram);
	free(text);
}

static void test_children_and_other_names_ignored(void **state)
{
	const char *text = "00000000-00000fff : Reserved\n"
			   "00001000-00001fff : System RAM\n"
			   "  00001000-00001fff : Kernel code\n"
			   "\n";
	struct pr_error err = { 0 };
	struct kpageflags_ram *ram;
	size_t n;

	(void)state;
	assert_int_equal(procfs_parse_iomem(text, "t", 4096, &ram, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(ram[0].start, 1);
	assert_int_equal(ram[0].end, 2);
	free(ram);
}

static void test_bad_line(void **state)
{
	struct pr_error err = { 0 };
	struct kpageflags_ram *ram;
	size_t n;

	(void)state;
	assert_int_equal(procfs_parse_iomem("00001000-00001fff : System RAM\nnot iomem\n", "x",
					    4096, &ram, &n, &err), -1);
	assert_string_equal(err.msg, "'x': line 2: expected 'start-end : name': not iomem");
	assert_null(ram);
	assert_int_equal(n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_host_ranges),
		cmocka_unit_test(test_children_and_other_names_ignored),
		cmocka_unit_test(test_bad_line),
	};

	return cmocka_run_group_tests_name("procfs_iomem", tests, NULL, NULL);
}
