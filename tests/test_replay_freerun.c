/* SPDX-License-Identifier: MIT */
/* Free-run on the bundled real traces, --db with compare, and --jobs. */
#include "tests/lib/harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replay/replay.h"

static void test_freerun_real_trace(void **state)
{
	struct rp_options opt = { .profile = -1 };
	struct rp_free_result *f = calloc(1, sizeof(*f));
	struct pr_error err = { 0 };
	uint64_t sum = 0;

	(void)state;
	if (rp_freerun_file(project_path("traces/mixed.prt"), &opt, f, &err) < 0)
		fail_msg("%s", err.msg);
	assert_true(f->r.allocations > 1000);
	for (int c = 0; c < RP_NR_CLASSES; c++)
		sum += f->r.classes[c];
	assert_int_equal(sum, f->r.allocations);
	/* every free went somewhere */
	assert_int_equal(f->frees_routed + f->frees_same_pfn + f->frees_model_failed +
			 f->frees_conflict + f->frees_invalid, f->r.frees);
	assert_true(f->frees_routed > f->r.frees / 2);
	assert_true(f->nr_zones >= 2);
	for (uint32_t z = 0; z < f->nr_zones; z++) {
		assert_true(f->zones[z].model_unusable >= 0 && f->zones[z].model_unusable <= 1000);
		assert_true(f->zones[z].model_largest_order < 11);
	}
	free(f);
}

static void test_db_and_compare(void **state)
{
	const char *db = scratch_path("free.db");
	const char *trace = project_path("traces/page-cache.prt");
	struct run_result r;

	(void)state;
	r = run_pagereplay("replay", "--mode", "free", "--model", "linux-6", "--db", db, trace, NULL);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.err, "run 1 written"));
	run_result_free(&r);
	r = run_pagereplay("replay", "--mode", "free", "--model", "linux-4", "--db", db, trace, NULL);
	assert_int_equal(r.status, 0);
	run_result_free(&r);
	r = run_pagereplay("query", "--db", db, "--csv",
			   "select id, mode, model from runs order by id", NULL);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "1,free,linux-6"));
	assert_non_null(strstr(r.out, "2,free,linux-4"));
	run_result_free(&r);
	r = run_pagereplay("query", "--db", db, "--csv",
			   "select count(*) from extfrag where source = 'model'", NULL);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "2"));
	run_result_free(&r);
	r = run_pagereplay("compare", "--db", db, "1", "2", NULL);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "same trace"));
	assert_non_null(strstr(r.out, "linux-4"));
	run_result_free(&r);
}

/* Count occurrences of s in text. */
static int count(const char *text, const char *s)
{
	int n = 0;

	for (const char *p = text; (p = strstr(p, s)); p += strlen(s))
		n++;
	return n;
}

static void test_jobs(void **state)
{
	const char *db = scratch_path("jobs.db");
	const char *a = project_path("traces/mixed.prt");
	char b[4096], c[4096];
	struct run_result r;
	const char *pa, *pb;

	(void)state;
	snprintf(b, sizeof(b), "%s", project_path("traces/page-cache.prt"));
	snprintf(c, sizeof(c), "%s", project_path("traces/vm-heavy.prt"));
	r = run_pagereplay("replay", "--json", "--jobs", "2", "--db", db, a, b, c, NULL);
	assert_int_equal(r.status, 0);
	assert_true(r.out[0] == '[');
	assert_int_equal(count(r.out, "\"mode\":\"lockstep\""), 3);
	/* argument order, whatever order the children finished in */
	pa = strstr(r.out, "mixed.prt");
	pb = strstr(r.out, "page-cache.prt");
	assert_non_null(pa);
	assert_non_null(pb);
	assert_true(pa < pb && pb < strstr(r.out, "vm-heavy.prt"));
	assert_non_null(strstr(r.err, "3 runs written"));
	run_result_free(&r);
	r = run_pagereplay("query", "--db", db, "--csv", "select count(*) from runs", NULL);
	assert_non_null(strstr(r.out, "3"));
	run_result_free(&r);
	/* one bad file: the others still print, the exit says which failed */
	r = run_pagereplay("replay", "--jobs", "3", "--mode", "free", a, "/nonexistent.prt", b,
			   NULL);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "'/nonexistent.prt': replay failed"));
	assert_int_equal(count(r.out, "free-run"), 2);
	run_result_free(&r);
	r = run_pagereplay("replay", "--jobs", "0", a, NULL);
	assert_int_equal(r.status, 2);
	run_result_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_freerun_real_trace),
		cmocka_unit_test(test_db_and_compare),
		cmocka_unit_test(test_jobs),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);

	scratch_cleanup();
	return rc;
}
