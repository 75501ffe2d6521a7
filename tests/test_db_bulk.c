/* SPDX-License-Identifier: MIT */
/*
 * Bulk divergence writes: a test of many rows in one run, and, with
 * --bench ROWS, the figure for `make bench` (scripts/bench.d/db.sh):
 * `bench db_rows_per_s <value> rows/s`. Never timed as a test.
 */
#include "tests/lib/harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "tests/test_db_fixture.h"
#include "tests/test_db_helpers.h"

static double cpu_seconds(void)
{
	struct rusage u;

	getrusage(RUSAGE_SELF, &u);
	return (double)(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
	       (double)(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

/*
 * Write n divergence rows in one run; returns wall seconds spent in add +
 * commit, and the CPU seconds (user + system) in *cpu.
 */
static double write_rows(const char *path, long n, double *cpu)
{
	struct pr_error err = { 0 };
	struct pr_db *db = db_open(path, DB_OPEN_CREATE, 0, &err);
	struct prt_header h;
	struct db_trace_ident t = { .header = &h, .nr_events = (uint64_t)n };
	struct db_run_opts o = { .model = "linux-6", .mode = "lockstep",
				 .nr_classes = FX_NR_CLASSES, .classes = fx_classes };
	struct timespec a, b;
	struct db_run *run;

	if (!db)
		fail_msg("%s", err.msg);
	fx_header(&h, "bulk");
	run = db_run_begin(db, &t, &o, &err);
	assert_non_null(run);
	*cpu = cpu_seconds();
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (long i = 0; i < n; i++) {
		struct db_divergence d = {
			.event_index = (uint64_t)i * 3, .ts_ns = (uint64_t)i * 1000,
			.cpu = (uint32_t)(i & 1), .pid = 1000 + (uint32_t)(i % 7),
			.cls = 1 + (int)(i % 3), .event_type = 1, .order = (int)(i % 4),
			.migratetype = (int)(i % 3), .gfp = i % 5 ? FX_GFP_KERNEL : FX_GFP_ODD,
			.kernel_zone = 2, .model_zone = 2, .kernel_pfn = 0x100000 + (uint64_t)i,
			.model_pfn = 0x200000 + (uint64_t)i, .model_path = 3 };

		if (db_add_divergence(run, &d, &err) < 0)
			fail_msg("%s", err.msg);
	}
	if (db_run_commit(run, &err) < 0)
		fail_msg("%s", err.msg);
	clock_gettime(CLOCK_MONOTONIC, &b);
	*cpu = cpu_seconds() - *cpu;
	db_close(db, NULL);
	return (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
}

static void test_many_rows(void **state)
{
	const char *p = scratch_path("bulk.db");
	double cpu;

	(void)state;

	write_rows(p, 200000, &cpu);
	assert_int_equal(q_int(p, "SELECT count(*) FROM divergences"), 200000);
	assert_int_equal(q_int(p, "SELECT max(event_index) FROM divergences"), 3 * 199999);
	assert_int_equal(q_int(p, "SELECT count(*) FROM gfp_masks"), 2);
	assert_int_equal(q_int(p, "SELECT count(*) FROM divergences WHERE class = 2"), 66667);
}

static int bench(const char *rows_arg)
{
	long n = atol(rows_arg);
	char path[] = "/tmp/pagereplay-bench-XXXXXX";
	char side[64];
	int fd = mkstemp(path);
	double s, cpu;

	if (n <= 0 || fd < 0)
		return 2;
	close(fd);
	unlink(path);
	s = write_rows(path, n, &cpu);
	printf("bench db_rows_per_s %.0f rows/s\n", (double)n / s);
	printf("bench db_rows_per_cpu_s %.0f rows/s\n", (double)n / cpu);
	unlink(path);
	snprintf(side, sizeof(side), "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", path);
	unlink(side);
	return 0;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_many_rows),
	};
	int rc;

	if (argc == 3 && strcmp(argv[1], "--bench") == 0)
		return bench(argv[2]);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	scratch_cleanup();
	return rc;
}
