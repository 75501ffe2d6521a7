/* SPDX-License-Identifier: MIT */
/* pagereplay query and merge: output formats, merging, error paths. */
#include "tests/lib/harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "tests/test_db_fixture.h"
#include "tests/test_db_helpers.h"

static const char *make_db(const char *name, const char *host, const char *model, int nr_div)
{
	const char *p = scratch_path(name);
	struct pr_error err = { 0 };
	struct pr_db *db = db_open(p, DB_OPEN_CREATE, 0, &err);
	int64_t id;

	if (!db || fx_write_run(db, host, model, nr_div, 2, &id, &err) < 0)
		fail_msg("%s", err.msg);
	db_close(db, NULL);
	return p;
}

static const char class_sql[] =
	"SELECT class, count, round(fraction, 3) AS f FROM class_totals ORDER BY count DESC, class";

static void test_query_table(void **state)
{
	const char *p = make_db("q.db", "hostA", "linux-6", 30);
	struct run_result r = run_pagereplay("query", "--db", p, class_sql, NULL);

	(void)state;
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out,
		"class           count  f\n"
		"--------------  -----  -----\n"
		"exact_pfn         500  0.943\n"
		"model_failed       10  0.019\n"
		"other_zone         10  0.019\n"
		"same_pageblock     10  0.019\n");
	assert_string_equal(r.err, "");
	run_result_free(&r);
}

static void test_query_csv_json(void **state)
{
	const char *p = make_db("qc.db", "hostA", "linux-6", 3);
	struct run_result r = run_pagereplay("query", "--db", p, "--csv",
					     "SELECT gfp, flags FROM gfp_masks ORDER BY gfp", NULL);

	(void)state;
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out, "gfp,flags\r\n3264,GFP_KERNEL\r\n265408,GFP_KERNEL|__GFP_COMP\r\n"
			    "16779272,GFP_NOWAIT|__GFP_MOVABLE|0x1000000\r\n");
	run_result_free(&r);
	r = run_pagereplay("query", "--db", p, "--json",
			   "SELECT id, model, NULL AS missing, 0.5 AS half, 'a\"b' AS q FROM runs",
			   NULL);
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out, "[\n {\"id\": 1, \"model\": \"linux-6\", \"missing\": null, "
			    "\"half\": 0.5, \"q\": \"a\\\"b\"}\n]\n");
	run_result_free(&r);
	r = run_pagereplay("query", "--db", p, "--csv", "SELECT 'x,y' AS a, 'say \"hi\"' AS b",
			   NULL);
	assert_string_equal(r.out, "a,b\r\n\"x,y\",\"say \"\"hi\"\"\"\r\n");
	run_result_free(&r);
}

static void test_query_errors(void **state)
{
	const char *p = make_db("qe.db", "hostA", "linux-6", 3);
	char want[512];
	struct run_result r = run_pagereplay("query", "--db", p, "SELECT * FROM nope", NULL);

	(void)state;
	assert_int_equal(r.status, 1);
	snprintf(want, sizeof(want), "pagereplay: error: '%s': no such table: nope\n", p);
	assert_string_equal(r.err, want);
	assert_string_equal(r.out, "");
	run_result_free(&r);

	r = run_pagereplay("query", "SELECT 1", NULL);
	assert_int_equal(r.status, 2);
	assert_string_equal(r.err, "pagereplay: error: --db is required\n"
			    "try 'pagereplay help query' for usage\n");
	run_result_free(&r);

	r = run_pagereplay("query", "--db", p, NULL);
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "pagereplay: error: expected SQL\n"));
	run_result_free(&r);

	r = run_pagereplay("query", "--db", p, "--timeout", "soon", "SELECT 1", NULL);
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "--timeout: expected milliseconds (1 to 3600000), "
			       "found 'soon'"));
	run_result_free(&r);

	r = run_pagereplay("query", "--db", p, "--frob", "SELECT 1", NULL);
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "unknown option '--frob'"));
	run_result_free(&r);

	r = run_pagereplay("query", "--db", project_path("Makefile"), "SELECT 1", NULL);
	assert_int_equal(r.status, 1);
	snprintf(want, sizeof(want), "pagereplay: error: '%s': offset 0: expected a SQLite "
		 "database\n", project_path("Makefile"));
	assert_string_equal(r.err, want);
	run_result_free(&r);

	r = run_pagereplay("query", "--db", scratch_path("absent.db"), "SELECT 1", NULL);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "absent.db': no such database"));
	assert_int_equal(access(scratch_path("absent.db"), F_OK), -1);
	run_result_free(&r);
}

static void test_merge(void **state)
{
	const char *a = make_db("a.db", "hostA", "linux-6", 30);
	const char *b = make_db("b.db", "hostB", "linux-5.10", 12);
	const char *out = scratch_path("all.db");
	char want[1024];
	struct run_result r;
	struct pr_error err = { 0 };
	struct pr_db *db;
	int64_t id;

	(void)state;
	/* b also holds a second run of hostA's trace. */
	db = db_open(b, DB_OPEN_EXISTING, 0, &err);
	assert_int_equal(fx_write_run(db, "hostA", "linux-4", 5, 3, &id, &err), 0);
	db_close(db, NULL);

	r = run_pagereplay("merge", out, a, b, NULL);
	assert_int_equal(r.status, 0);
	snprintf(want, sizeof(want),
		 "%s: 1 runs added, 1 traces added, 0 traces already present\n"
		 "%s: 2 runs added, 1 traces added, 1 traces already present\n", a, b);
	assert_string_equal(r.out, want);
	run_result_free(&r);
	assert_int_equal(q_int(out, "SELECT count(*) FROM runs"), 3);
	assert_int_equal(q_int(out, "SELECT count(*) FROM traces"), 2);
	assert_int_equal(q_int(out, "SELECT count(*) FROM runs r JOIN traces t ON t.id = r.trace_id"
			       " WHERE t.hostname = 'hostA'"), 2);
	assert_int_equal(q_int(out, "SELECT count(*) FROM divergences d JOIN runs r ON r.id ="
			       " d.run_id WHERE r.model = 'linux-5.10'"), 12);
	assert_int_equal(q_int(out, "SELECT count(*) FROM divergences d JOIN runs r ON r.id ="
			       " d.run_id WHERE r.model = 'linux-4'"), 5);
	assert_int_equal(q_int(out, "SELECT count(*) FROM frag_samples"), 18);
	assert_int_equal(q_int(out, "SELECT count(*) FROM frag_orders o WHERE NOT EXISTS"
			       " (SELECT 1 FROM frag_samples s WHERE s.id = o.sample_id)"), 0);
	assert_int_equal(q_int(out, "SELECT count(*) FROM frag_orders"), 18 * 11);
	/* Each sample keeps its own orders: the end sample of linux-4 stops at order 3. */
	assert_int_equal(q_int(out, "SELECT max(o.ord) FROM frag_samples s JOIN frag_orders o"
			       " ON o.sample_id = s.id JOIN runs r ON r.id = s.run_id WHERE"
			       " r.model = 'linux-4' AND s.event_index = 1000 AND o.free_blocks > 0"),
			 3);
	assert_int_equal(q_int(out, "SELECT count(*) FROM checkpoint_counts c WHERE NOT EXISTS"
			       " (SELECT 1 FROM checkpoints k WHERE k.id = c.checkpoint_id)"), 0);
	assert_int_equal(q_int(out, "SELECT count(*) FROM checkpoint_free"), 3);
	assert_int_equal(q_int(out, "SELECT count(*) FROM classes"), 12);
	assert_int_equal(q_int(out, "SELECT count(*) FROM zones"), 6);
	assert_int_equal(q_int(out, "SELECT count(*) FROM gfp_masks"), 6);
	assert_int_equal(q_int(out, "SELECT sum(count) FROM agreement_named WHERE agrees = 0"),
			 47);

	/* Merging again adds nothing. */
	r = run_pagereplay("merge", out, a, b, NULL);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "0 runs added, 0 traces added, 1 traces already present"));
	run_result_free(&r);
	assert_int_equal(q_int(out, "SELECT count(*) FROM runs"), 3);
	assert_int_equal(q_int(out, "SELECT count(*) FROM divergences"), 47);
}

static void test_merge_errors(void **state)
{
	const char *a = make_db("ma.db", "hostA", "linux-6", 2);
	const char *out = scratch_path("mout.db");
	struct run_result r = run_pagereplay("merge", out, NULL);
	char want[512];

	(void)state;
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "expected OUT.db and at least one IN.db"));
	run_result_free(&r);

	r = run_pagereplay("merge", a, a, NULL);
	assert_int_equal(r.status, 2);
	snprintf(want, sizeof(want), "pagereplay: error: '%s' is both output and input\n", a);
	assert_non_null(strstr(r.err, want));
	run_result_free(&r);

	r = run_pagereplay("merge", out, project_path("Makefile"), NULL);
	assert_int_equal(r.status, 1);
	snprintf(want, sizeof(want), "pagereplay: error: '%s': offset 0: expected a SQLite "
		 "database\n", project_path("Makefile"));
	assert_string_equal(r.err, want);
	run_result_free(&r);
	assert_int_equal(q_int(out, "SELECT count(*) FROM runs"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_query_table),
		cmocka_unit_test(test_query_csv_json),
		cmocka_unit_test(test_query_errors),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_merge_errors),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);

	scratch_cleanup();
	return rc;
}
