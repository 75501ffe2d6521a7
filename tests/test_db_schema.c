/* SPDX-License-Identifier: MIT */
/* Schema migration from each earlier version, and databases we must refuse. */
#include "tests/lib/harness.h"

#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db/schema.h"
#include "tests/test_db_fixture.h"
#include "tests/test_db_helpers.h"

/* A database as pagereplay with schema `version` left it. */
static void make_at_version(const char *path, int version)
{
	struct pr_error err = { 0 };
	sqlite3 *h;
	char sql[64];

	unlink(path);
	assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
	if (db_schema_migrate(h, 0, version, &err) < 0)
		fail_msg("%s", err.msg);
	snprintf(sql, sizeof(sql), "PRAGMA application_id = %d", DB_APPLICATION_ID);
	assert_int_equal(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
}

static void test_migrate_from_v1(void **state)
{
	const char *p = scratch_path("v1.db");
	struct pr_error err = { 0 };
	struct pr_db *db;
	int64_t id;

	(void)state;
	make_at_version(p, 1);
	q_exec(p, "INSERT INTO traces (id, hostname, kernel_release, start_realtime_ns,"
		  " start_trace_ns, nr_events) VALUES (1, 'old', '5.10.0', 1, 2, 3);"
		  "INSERT INTO runs (id, uuid, trace_id, model, mode, created_at)"
		  " VALUES (1, 'u1', 1, 'linux-5.10', 'lockstep', 'then');"
		  "INSERT INTO divergences (run_id, event_index, class) VALUES (1, 7, 2);");
	assert_int_equal(q_int(p, "PRAGMA user_version"), 1);
	db = db_open(p, DB_OPEN_EXISTING, 0, &err);
	if (!db)
		fail_msg("%s", err.msg);
	/* The migrated database takes new runs beside the old one. */
	assert_int_equal(fx_write_run(db, "new", "linux-6", 2, 2, &id, &err), 0);
	assert_int_equal(id, 2);
	db_close(db, NULL);
	assert_int_equal(q_int(p, "PRAGMA user_version"), DB_SCHEMA_VERSION);
	assert_int_equal(q_int(p, "SELECT event_index FROM divergences WHERE run_id=1"), 7);
	assert_int_equal(q_int(p, "SELECT count(*) FROM agreement WHERE run_id=2"), 3);
	assert_int_equal(q_int(p, "SELECT count(*) FROM run_overview"), 2);
	assert_int_equal(q_int(p, "SELECT agreement IS NULL FROM run_overview WHERE run_id=1"), 1);
}

static void test_migrate_from_every_version(void **state)
{
	(void)state;
	for (int v = 0; v < DB_SCHEMA_VERSION; v++) {
		const char *p = scratch_path("vN.db");
		struct pr_error err = { 0 };
		struct pr_db *db;

		make_at_version(p, v);
		db = db_open(p, DB_OPEN_CREATE, 0, &err);
		if (!db)
			fail_msg("from version %d: %s", v, err.msg);
		db_close(db, NULL);
		assert_int_equal(q_int(p, "PRAGMA user_version"), DB_SCHEMA_VERSION);
		assert_int_equal(q_int(p, "SELECT count(*) FROM migratetypes"), PA_NR_MIGRATETYPES);
	}
}

static void test_readonly_refuses_old(void **state)
{
	const char *p = scratch_path("old-ro.db");
	struct pr_error err = { 0 };
	char want[512];

	(void)state;
	make_at_version(p, 1);
	assert_null(db_open(p, DB_OPEN_READONLY, 0, &err));
	assert_int_equal(err.code, PR_EVERSION);
	snprintf(want, sizeof(want), "'%s': schema version 1 is older than %d: open it once for "
		 "writing (e.g. pagereplay merge) to migrate it", p, DB_SCHEMA_VERSION);
	assert_string_equal(err.msg, want);
}

static void test_newer_version_refused(void **state)
{
	const char *p = scratch_path("newer.db");
	struct pr_error err = { 0 };
	char want[512];

	(void)state;
	make_at_version(p, DB_SCHEMA_VERSION);
	q_exec(p, "PRAGMA user_version = 99");
	assert_null(db_open(p, DB_OPEN_CREATE, 0, &err));
	assert_int_equal(err.code, PR_EVERSION);
	snprintf(want, sizeof(want), "'%s': schema version 99 is newer than this pagereplay "
		 "understands (%d): use a newer pagereplay", p, DB_SCHEMA_VERSION);
	assert_string_equal(err.msg, want);
	assert_int_equal(q_int(p, "PRAGMA user_version"), 99);	/* untouched */
}

static void test_other_sqlite_refused(void **state)
{
	const char *p = scratch_path("other.db");
	struct pr_error err = { 0 };
	char want[512];

	(void)state;
	q_exec(p, "CREATE TABLE recipes (name TEXT)");
	assert_null(db_open(p, DB_OPEN_CREATE, 0, &err));
	assert_int_equal(err.code, PR_EFORMAT);
	snprintf(want, sizeof(want), "'%s': not a pagereplay database (application_id "
		 "0x00000000, expected 0x%08x)", p, DB_APPLICATION_ID);
	assert_string_equal(err.msg, want);
	assert_int_equal(q_int(p, "SELECT count(*) FROM sqlite_master"), 1);
}

static void test_not_sqlite_refused(void **state)
{
	const char *p = scratch_path("text.db");
	struct pr_error err = { 0 };
	char want[512];
	FILE *f = fopen(p, "w");

	(void)state;
	fputs("this is a text file, not a database at all\n", f);
	fclose(f);
	assert_null(db_open(p, DB_OPEN_CREATE, 0, &err));
	assert_int_equal(err.code, PR_EFORMAT);
	snprintf(want, sizeof(want), "'%s': offset 0: expected a SQLite database", p);
	assert_string_equal(err.msg, want);
}

static void test_missing_refused_unless_create(void **state)
{
	const char *p = scratch_path("missing.db");
	struct pr_error err = { 0 };
	char want[512];

	(void)state;
	assert_null(db_open(p, DB_OPEN_EXISTING, 0, &err));
	snprintf(want, sizeof(want), "'%s': no such database", p);
	assert_string_equal(err.msg, want);
	assert_int_equal(access(p, F_OK), -1);
}

static void test_locked_waits_then_says_so(void **state)
{
	const char *p = scratch_path("locked.db");
	struct pr_error err = { 0 };
	struct pr_db *db = db_open(p, DB_OPEN_CREATE, 200, &err);
	struct prt_header h;
	struct db_trace_ident t = { .header = &h };
	struct db_run_opts o = { .model = "linux-6", .mode = "free" };
	sqlite3 *other;
	char want[512];

	(void)state;
	assert_non_null(db);
	fx_header(&h, "h");
	assert_int_equal(sqlite3_open(p, &other), SQLITE_OK);
	assert_int_equal(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	assert_null(db_run_begin(db, &t, &o, &err));
	snprintf(want, sizeof(want), "'%s': database is locked by another process: gave up "
		 "starting a write after waiting 200 ms", p);
	assert_string_equal(err.msg, want);
	sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(other);
	db_close(db, NULL);
}

/* Write runs until the database cannot grow; the failing run leaves nothing. */
static void fill_until_full(struct pr_db *db, const char *p, int64_t runs_before)
{
	struct pr_error err = { 0 };
	struct prt_header h;
	struct db_trace_ident t = { .header = &h, .nr_events = 9 };
	struct db_run_opts o = { .model = "linux-6", .mode = "free" };
	struct db_divergence d = { .event_index = 1, .detail = "padding padding padding" };
	struct db_run *run;
	int rc = 0;

	fx_header(&h, "full");
	run = db_run_begin(db, &t, &o, &err);
	assert_non_null(run);
	for (int i = 0; i < 2000000 && rc == 0; i++)
		rc = db_add_divergence(run, &d, &err);
	assert_int_equal(rc, -1);
	assert_non_null(strstr(err.msg, "database or disk is full while adding divergences"));
	assert_non_null(strstr(err.msg, "rolled back"));
	assert_int_equal(db_run_commit(run, &err), -1);
	assert_int_equal(q_int(p, "SELECT count(*) FROM runs"), runs_before);
	assert_int_equal(q_int(p, "SELECT count(*) FROM runs WHERE model='linux-6' AND "
			       "mode='free'"), 0);
}

static void test_full_via_max_page_count(void **state)
{
	const char *p = scratch_path("full.db");
	struct pr_error err = { 0 };
	struct pr_db *db = db_open(p, DB_OPEN_CREATE, 0, &err);
	int64_t id;

	(void)state;
	assert_non_null(db);
	assert_int_equal(fx_write_run(db, "before", "linux-5.10", 3, 2, &id, &err), 0);
	assert_int_equal(db_exec(db, "PRAGMA max_page_count = 200", &err), 0);
	fill_until_full(db, p, 1);
	db_close(db, NULL);
}

static char tiny_mount[512];

/* Unmount even when an assertion failed inside the test. */
static int unmount_tiny(void **state)
{
	(void)state;
	if (tiny_mount[0])
		umount2(tiny_mount, MNT_DETACH);
	tiny_mount[0] = '\0';
	return 0;
}

static void test_full_tmpfs(void **state)
{
	char *dir = tiny_mount, p[600];
	struct pr_error err = { 0 };
	struct pr_db *db;
	int64_t id;

	(void)state;
	require_or_skip(have_root(), "mounting a tiny tmpfs needs root");
	snprintf(dir, sizeof(tiny_mount), "%s", scratch_path("tiny"));
	assert_int_equal(mkdir(dir, 0700), 0);
	if (mount("tmpfs", dir, "tmpfs", 0, "size=512k") != 0) {
		tiny_mount[0] = '\0';
		require_or_skip(false, "cannot mount a tmpfs here");
	}
	snprintf(p, sizeof(p), "%s/full.db", dir);
	db = db_open(p, DB_OPEN_CREATE, 0, &err);
	assert_non_null(db);
	assert_int_equal(fx_write_run(db, "before", "linux-5.10", 3, 2, &id, &err), 0);
	fill_until_full(db, p, 1);
	db_close(db, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_migrate_from_v1),
		cmocka_unit_test(test_migrate_from_every_version),
		cmocka_unit_test(test_readonly_refuses_old),
		cmocka_unit_test(test_newer_version_refused),
		cmocka_unit_test(test_other_sqlite_refused),
		cmocka_unit_test(test_not_sqlite_refused),
		cmocka_unit_test(test_missing_refused_unless_create),
		cmocka_unit_test(test_locked_waits_then_says_so),
		cmocka_unit_test(test_full_via_max_page_count),
		cmocka_unit_test_teardown(test_full_tmpfs, unmount_tiny),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);

	scratch_cleanup();
	return rc;
}
