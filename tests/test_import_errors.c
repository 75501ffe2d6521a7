/* SPDX-License-Identifier: MIT */
/*
 * Bad input through the real binary: each is a clear error naming the line,
 * exit 1, and nothing at the output path (nor its temporaries).
 */
#include "tests/lib/harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define GOOD "            bash-100     [001] .....  12.000001: mm_page_alloc: page=00000000aa pfn=0x1234 order=0 migratetype=1 gfp_flags=GFP_KERNEL\n"

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}

static void assert_nothing_at(const char *out)
{
	char tmp[4200];

	assert_int_not_equal(access(out, F_OK), 0);
	snprintf(tmp, sizeof(tmp), "%s.tmp", out);
	assert_int_not_equal(access(tmp, F_OK), 0);
	snprintf(tmp, sizeof(tmp), "%s.spool", out);
	assert_int_not_equal(access(tmp, F_OK), 0);
	snprintf(tmp, sizeof(tmp), "%s.spool.tmp", out);
	assert_int_not_equal(access(tmp, F_OK), 0);
}

/* Import `in`; expect exit 1 with every `needle` in stderr. */
static void expect_failure(const char *in, const char *n1, const char *n2)
{
	const char *out = scratch_path("out.prt");
	struct run_result r = run_pagereplay("import", "-o", out, in, NULL);

	if (r.status != 1 || !strstr(r.err, n1) || (n2 && !strstr(r.err, n2)))
		fail_msg("status %d, stderr: %s", r.status, r.err);
	assert_string_equal(r.out, "");
	assert_nothing_at(out);
	run_result_free(&r);
}

static void test_empty_file(void **state)
{
	const char *in = scratch_path("empty.txt");

	(void)state;
	write_file(in, "", 0);
	expect_failure(in, "empty.txt': line 1: empty input", NULL);
}

static void test_binary_garbage(void **state)
{
	const char *in = scratch_path("garbage.bin");
	unsigned char junk[4096];
	unsigned s = 12345;

	(void)state;
	for (size_t i = 0; i < sizeof(junk); i++) {
		s = s * 1103515245u + 12345u;
		junk[i] = (unsigned char)(s >> 16);
	}
	junk[100] = '\n';
	write_file(in, junk, sizeof(junk));
	expect_failure(in, "garbage.bin': line 1: ", NULL);
}

static void test_truncated_gzip(void **state)
{
	const char *txt = scratch_path("t.txt"), *gz = scratch_path("t.txt.gz");
	char cmd[4096];
	FILE *f = fopen(txt, "w");

	(void)state;
	for (int i = 0; i < 20000; i++)
		fprintf(f, "            bash-100     [001] .....  %d.%06d: mm_page_free: page=00000000aa pfn=0x%x order=0\n",
			12 + i / 1000000, i % 1000000, 0x1000 + i);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "gzip -c '%s' | head -c 30000 > '%s'", txt, gz);
	assert_int_equal(system(cmd), 0);
	expect_failure(gz, "gzip stream is truncated or damaged", "t.txt.gz': line ");
}

static void test_unknown_gfp_name(void **state)
{
	const char *in = scratch_path("gfp.txt");
	const char text[] = GOOD
		"            bash-100     [001] .....  12.000002: mm_page_alloc: page=00000000aa pfn=0x1235 order=0 migratetype=1 gfp_flags=GFP_KERNEL|__GFP_BOGUS\n";
	struct run_result r;

	(void)state;
	write_file(in, text, sizeof(text) - 1);
	expect_failure(in, "gfp.txt': line 2: unknown gfp flag '__GFP_BOGUS'", "pfn=0x1235");
	/* never skipped: --skip-bad does not turn a wrong table into zeros */
	r = run_pagereplay("import", "--skip-bad", "-o", scratch_path("o.prt"), in, NULL);
	assert_int_equal(r.status, 1);
	run_result_free(&r);
}

static void test_missing_field(void **state)
{
	const char *in = scratch_path("field.txt");
	const char text[] = GOOD GOOD
		"            bash-100     [001] .....  12.000003: mm_page_alloc: page=00000000aa pfn=0x1236 migratetype=1 gfp_flags=GFP_KERNEL\n";

	(void)state;
	write_file(in, text, sizeof(text) - 1);
	expect_failure(in, "field.txt': line 3: missing field 'order': ", "pfn=0x1236");
}

/* An event name that ends the line (no ": " and no fields) is a missing
 * field, not a parser that runs past the end of the line (found by the
 * fuzzer: it hung). */
static void test_event_without_fields(void **state)
{
	const char *in = scratch_path("nofields.txt");
	const char text[] = GOOD
		"         kswapd0-45      [001] 12.000002: mm_compaction_end\n";

	(void)state;
	write_file(in, text, sizeof(text) - 1);
	expect_failure(in, "nofields.txt': line 2: missing field 'zone_start': ", "mm_compaction_end");
}

static void test_time_backwards(void **state)
{
	const char *in = scratch_path("time.txt");
	const char text[] = GOOD
		"            bash-100     [001] .....  11.000003: mm_page_free: page=00000000aa pfn=0x1236 order=0\n";

	(void)state;
	write_file(in, text, sizeof(text) - 1);
	expect_failure(in, "time.txt': line 2: time goes backwards on cpu 1", NULL);
}

/* --skip-bad counts the broken lines, keeps the good ones, info shows it. */
static void test_skip_bad(void **state)
{
	const char *in = scratch_path("skip.txt"), *out = scratch_path("skip.prt");
	const char text[] = GOOD "this is not a trace line\n"
		"            bash-100     [001] .....  12.000003: mm_page_free: page=00000000aa order=0\n"
		"            bash-100     [001] .....  12.000004: sched_switch: prev_comm=bash\n" GOOD;
	struct run_result r;

	(void)state;
	write_file(in, text, sizeof(text) - 1);
	r = run_pagereplay("import", "--skip-bad", "-o", out, in, NULL);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "2 events"));
	assert_non_null(strstr(r.out, "2 bad lines skipped"));
	run_result_free(&r);
	r = run_pagereplay("info", out, NULL);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "import.bad_lines"));
	assert_non_null(strstr(r.out, "import.skipped.sched_switch"));
	run_result_free(&r);
}

static void test_usage_errors(void **state)
{
	struct run_result r = run_pagereplay("import", NULL);

	(void)state;
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "expected an input trace"));
	run_result_free(&r);
	r = run_pagereplay("import", "--format", "csv", "x", NULL);
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "unknown format 'csv'"));
	run_result_free(&r);
	r = run_pagereplay("import", "--kernel", "3", "-o", scratch_path("k.prt"),
			   project_path("tests/fixtures/import/ftrace-pipe.txt"), NULL);
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "unknown kernel '3'"));
	run_result_free(&r);
	assert_nothing_at(scratch_path("k.prt"));
	r = run_pagereplay("import", "-o", scratch_path("n.prt"), scratch_path("nonexistent"), NULL);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "cannot open"));
	run_result_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_file),
		cmocka_unit_test(test_binary_garbage),
		cmocka_unit_test(test_truncated_gzip),
		cmocka_unit_test(test_unknown_gfp_name),
		cmocka_unit_test(test_missing_field),
		cmocka_unit_test(test_event_without_fields),
		cmocka_unit_test(test_time_backwards),
		cmocka_unit_test(test_skip_bad),
		cmocka_unit_test(test_usage_errors),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);

	scratch_cleanup();
	return rc;
}
