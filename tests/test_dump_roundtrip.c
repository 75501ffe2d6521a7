/* SPDX-License-Identifier: MIT */
/*
 * import(dump(x)) == x, event for event and comm for comm, on every real
 * fixture and on the bundled captured traces (nanosecond timestamps,
 * checkpoints excluded: dump prints them as comments).
 */
#include "tests/lib/harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture/import.h"
#include "capture/prt.h"

static const char *bin(void)
{
	return getenv("PAGEREPLAY_BIN") ? getenv("PAGEREPLAY_BIN") : "build/pagereplay";
}

static void import_to(const char *in, const char *out)
{
	struct imp_options o = { .input = in, .output = out };
	struct imp_result r;
	struct pr_error err = { 0 };

	if (import_trace(&o, &r, &err) != 0)
		fail_msg("%s", err.msg);
}

static void dump_to(const char *prt, const char *txt)
{
	char cmd[4096];

	snprintf(cmd, sizeof(cmd), "'%s' dump '%s' > '%s'", bin(), prt, txt);
	assert_int_equal(system(cmd), 0);
}

/* Same events in the same order, same comms; returns how many compared. */
static size_t assert_same_events(const char *a_path, const char *b_path)
{
	struct pr_error err = { 0 };
	struct prt_reader *a = prt_reader_open(a_path, &err), *b = prt_reader_open(b_path, &err);
	struct prt_event ea, eb;
	size_t n = 0;
	int ga, gb;

	assert_non_null(a);
	assert_non_null(b);
	for (;;) {
		do
			ga = prt_reader_next(a, &ea, &err);
		while (ga == 1 && ea.type == PRT_EV_CHECKPOINT);
		gb = prt_reader_next(b, &eb, &err);
		assert_int_equal(ga, gb);
		if (ga != 1)
			break;
		if (memcmp(&ea, &eb, sizeof(ea)) != 0)
			fail_msg("event %zu differs: type %u/%u ts %llu/%llu pfn %llx/%llx", n,
				 ea.type, eb.type, (unsigned long long)ea.ts_ns,
				 (unsigned long long)eb.ts_ns, (unsigned long long)ea.pfn,
				 (unsigned long long)eb.pfn);
		if (ea.type != PRT_EV_LOST) {
			const char *ca = prt_reader_comm(a, ea.pid), *cb = prt_reader_comm(b, eb.pid);

			assert_string_equal(ca ? ca : "", cb ? cb : "");
		}
		n++;
	}
	assert_int_equal(ga, 0);
	prt_reader_close(a);
	prt_reader_close(b);
	return n;
}

static void round_trip(const char *x)
{
	const char *dumped = scratch_path("dump.txt"), *back = scratch_path("back.prt");

	dump_to(x, dumped);
	import_to(dumped, back);
	assert_true(assert_same_events(x, back) > 0);
}

static void test_round_trip_fixtures(void **state)
{
	static const char *const fixtures[] = {
		"ftrace-instance.trace.gz", "ftrace-pipe.txt", "perf-script.txt.gz",
		"trace-cmd-report.txt.gz", "trace-cmd.dat",
	};
	char rel[256];

	(void)state;
	for (size_t i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
		const char *x = scratch_path("x.prt");

		snprintf(rel, sizeof(rel), "tests/fixtures/import/%s", fixtures[i]);
		import_to(project_path(rel), x);
		round_trip(x);
	}
}

/* Real captures from `pagereplay capture` (compaction, reclaim, checkpoints). */
static void test_round_trip_captured_traces(void **state)
{
	static const char *const traces[] = { "traces/mixed.prt", "traces/vm-heavy.prt" };
	size_t done = 0;

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		const char *p = project_path(traces[i]);

		if (access(p, R_OK) != 0)
			continue;
		round_trip(p);
		done++;
	}
	require_or_skip(done > 0, "no captured traces under traces/");
}

/* dump's output reads as ftrace text: fields in the kernel's spelling. */
static void test_dump_text_shape(void **state)
{
	const char *x = scratch_path("shape.prt"), *txt = scratch_path("shape.txt");
	char *buf;
	FILE *f;
	long n;

	(void)state;
	import_to(project_path("tests/fixtures/import/ftrace-instance.trace.gz"), x);
	dump_to(x, txt);
	f = fopen(txt, "r");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	assert_non_null(strstr(buf, "\n     test_replay-17545   [001] 5231.117204000: mm_page_alloc: "
				    "page=ffffea0007e21dc0 pfn=0x1f8877 order=0 migratetype=1 "
				    "gfp_flags=GFP_HIGHUSER_MOVABLE|__GFP_ZERO|__GFP_COMP\n"));
	assert_non_null(strstr(buf, "mm_page_alloc: page=0000000000000000 pfn=0x0 order=9 "));
	free(buf);
}

static void test_dump_errors(void **state)
{
	struct run_result r = run_pagereplay("dump", NULL);

	(void)state;
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "expected a trace file"));
	run_result_free(&r);
	r = run_pagereplay("dump", scratch_path("missing.prt"), NULL);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "missing.prt"));
	run_result_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_fixtures),
		cmocka_unit_test(test_round_trip_captured_traces),
		cmocka_unit_test(test_dump_text_shape),
		cmocka_unit_test(test_dump_errors),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);

	scratch_cleanup();
	return rc;
}
