/* SPDX-License-Identifier: MIT */
/* Every ```sql example of docs/schema.md runs and returns rows. */
#include "tests/lib/harness.h"

#include <stdio.h>
#include <stdlib.h>

#include "tests/test_db_fixture.h"

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void test_examples_run(void **state)
{
	const char *db_path = scratch_path("docs.db");
	struct pr_error err = { 0 };
	struct pr_db *db = db_open(db_path, DB_OPEN_CREATE, 0, &err);
	char *doc = slurp(project_path("docs/schema.md")), *p = doc;
	int64_t id;
	int examples = 0;

	(void)state;
	if (!db || fx_write_run(db, "hostA", "linux-6", 30, 2, &id, &err) < 0 ||
	    fx_write_run(db, "hostA", "linux-5.10", 12, 6, &id, &err) < 0)
		fail_msg("%s", err.msg);
	db_close(db, NULL);
	while ((p = strstr(p, "```sql\n"))) {
		char *sql = p + 7, *end = strstr(sql, "```");
		struct run_result r;
		int lines = 0;

		assert_non_null(end);
		*end = '\0';
		r = run_pagereplay("query", "--db", db_path, sql, NULL);
		if (r.status != 0)
			fail_msg("example failed: %s\n%s", sql, r.err);
		for (const char *c = r.out; *c; c++)
			lines += *c == '\n';
		if (lines < 3)	/* header, rule, at least one row */
			fail_msg("example returned no rows: %s", sql);
		run_result_free(&r);
		examples++;
		p = end + 3;
	}
	print_message("%d examples ran\n", examples);
	assert_true(examples >= 12);
	free(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_examples_run),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);

	scratch_cleanup();
	return rc;
}
