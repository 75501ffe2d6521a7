/* SPDX-License-Identifier: MIT */
/* A run written through db/ and read back with plain SQL; atomicity. */
#include "tests/lib/harness.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/test_db_fixture.h"
#include "tests/test_db_helpers.h"

static struct pr_db *open_new(const char *name)
{
	struct pr_error err = { 0 };
	struct pr_db *db = db_open(scratch_path(name), DB_OPEN_CREATE, 0, &err);

	if (!db)
		fail_msg("db_open: %s", err.msg);
	return db;
}

static void test_create_schema(void **state)
{
	struct pr_db *db = open_new("new.db");
	const char *p = scratch_path("new.db");

	(void)state;
	assert_int_equal(db_close(db, NULL), 0);
	assert_int_equal(q_int(p, "PRAGMA user_version"), DB_SCHEMA_VERSION);
	assert_int_equal(q_int(p, "PRAGMA application_id"), DB_APPLICATION_ID);
	assert_q_text(p, "PRAGMA journal_mode", "wal");
	assert_int_equal(q_int(p, "SELECT count(*) FROM sqlite_master WHERE name IN ('traces',"
			 "'runs','divergences','frag_samples','checkpoints','gfp_flags')"), 6);
	assert_int_equal(q_int(p, "SELECT count(*) FROM sqlite_master WHERE type='view'"), 8);
	assert_q_text(p, "SELECT name FROM migratetypes WHERE id=1", "Movable");
}

static void test_round_trip(void **state)
{
	struct pr_error err = { 0 };
	struct pr_db *db = open_new("rt.db");
	const char *p = scratch_path("rt.db");
	int64_t id = 0;

	(void)state;
	if (fx_write_run(db, "hostA", "linux-6", 30, 2, &id, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(id, 1);
	assert_int_equal(db_close(db, &err), 0);
	assert_int_equal(q_int(p, "SELECT count(*) FROM divergences WHERE run_id=1"), 30);
	assert_int_equal(q_int(p, "SELECT count(*) FROM divergences WHERE model_pfn IS NULL"), 10);
	assert_int_equal(q_int(p, "SELECT kernel_pfn FROM divergences WHERE event_index=11"),
			 0x200001);
	assert_q_text(p, "SELECT class FROM divergences_named WHERE event_index=11", "other_zone");
	assert_q_text(p, "SELECT model_zone FROM divergences_named WHERE event_index=11", "DMA32");
	assert_q_text(p, "SELECT flags FROM gfp_masks WHERE gfp=265408",
		      "GFP_KERNEL|__GFP_COMP");
	assert_q_text(p, "SELECT flags FROM gfp_masks WHERE gfp=16779272",
		      "GFP_NOWAIT|__GFP_MOVABLE|0x1000000");
	assert_q_text(p, "SELECT flags FROM gfp_masks WHERE gfp=3264", "GFP_KERNEL");
	assert_int_equal(q_int(p, "SELECT count(*) FROM gfp_flags WHERE trace_id=1"), 8);
	assert_q_text(p, "SELECT name FROM zones WHERE zone=2", "Normal");
	assert_int_equal(q_int(p, "SELECT count(*) FROM frag_samples"), 6);
	assert_int_equal(q_int(p, "SELECT count(*) FROM frag_orders"), 66);
	/* End sample of Normal: 6 movable blocks at orders 0..2 + 3 unmovable at 0. */
	assert_int_equal(q_int(p, "SELECT buddy_pages FROM frag_samples WHERE zone=2 AND "
			       "event_index=1000"), 6 * (1 + 2 + 4) + 3);
	assert_int_equal(q_int(p, "SELECT fragmentation_index FROM frag_named WHERE zone='Normal'"
			       " AND event_index=1000 AND ord=9"), 1000 - (1000 + 45 * 1000 / 512) / 21);
	assert_int_equal(q_int(p, "SELECT fragmentation_index FROM frag_named WHERE zone='Normal'"
			       " AND event_index=0 AND ord=9"), -1000);
	assert_int_equal(q_int(p, "SELECT pb_movable FROM frag_samples LIMIT 1"), 100);
	assert_int_equal(q_int(p, "SELECT kernel_blocks FROM checkpoint_diff WHERE ord=3 "
			       "AND migratetype='Movable'"), 7);
	assert_int_equal(q_int(p, "SELECT diff FROM checkpoint_diff WHERE ord=3 "
			       "AND migratetype='Movable'"), 2);
	assert_int_equal(q_int(p, "SELECT kernel_blocks FROM checkpoint_diff WHERE ord=4 "
			       "AND migratetype='Movable'"), -999);
	assert_int_equal(q_int(p, "SELECT diff FROM checkpoint_free WHERE zone='Normal'"), 100);
	assert_int_equal(q_int(p, "SELECT fragmenting FROM extfrag WHERE source='kernel'"), 1);
	assert_int_equal(q_int(p, "SELECT severe FROM extfrag"), 1);
	assert_int_equal(q_int(p, "SELECT changed FROM extfrag"), 1);
	assert_int_equal(q_int(p, "SELECT fallbacks FROM extfrag_mt WHERE alloc_mt=0 AND "
			       "fallback_mt=1"), 2);
	assert_int_equal(q_int(p, "SELECT sum(count) FROM agreement"), 530);
	assert_int_equal(q_int(p, "SELECT count FROM class_totals WHERE class='other_zone'"), 10);
	assert_int_equal(q_int(p, "SELECT round(agreement * 530) FROM run_overview"), 500);
	assert_int_equal(q_int(p, "SELECT model_alloc_failures FROM runs"), 5);
	assert_q_text(p, "SELECT model || '/' || mode || '/' || options FROM runs",
		      "linux-6/lockstep/--paranoid");
	assert_int_equal(q_int(p, "SELECT length(uuid) FROM runs"), 32);
}

static void test_same_trace_twice(void **state)
{
	struct pr_error err = { 0 };
	struct pr_db *db = open_new("twice.db");
	const char *p = scratch_path("twice.db");
	int64_t a, b;

	(void)state;
	if (fx_write_run(db, "hostA", "linux-6", 3, 2, &a, &err) < 0 ||
	    fx_write_run(db, "hostA", "linux-5.10", 3, 2, &b, &err) < 0 ||
	    fx_write_run(db, "hostB", "linux-6", 3, 2, &b, &err) < 0)
		fail_msg("%s", err.msg);
	db_close(db, NULL);
	assert_int_equal(q_int(p, "SELECT count(*) FROM traces"), 2);
	assert_int_equal(q_int(p, "SELECT count(*) FROM runs"), 3);
	assert_int_equal(q_int(p, "SELECT count(DISTINCT trace_id) FROM runs WHERE model IN "
			       "('linux-6','linux-5.10') AND trace_id=1"), 1);
	assert_int_equal(q_int(p, "SELECT count(*) FROM zones"), 6);
}

static void test_abort_leaves_nothing(void **state)
{
	struct pr_error err = { 0 };
	struct pr_db *db = open_new("abort.db");
	const char *p = scratch_path("abort.db");
	struct prt_header h;
	struct db_trace_ident t = { .header = &h, .nr_events = 5 };
	struct db_run_opts o = { .model = "linux-6", .mode = "free", .nr_classes = 1,
				 .classes = fx_classes };
	struct db_divergence d = { .event_index = 1, .kernel_pfn = 5, .model_pfn = 6 };
	struct db_run *run;

	(void)state;
	fx_header(&h, "hostC");
	run = db_run_begin(db, &t, &o, &err);
	assert_non_null(run);
	assert_int_equal(db_add_divergence(run, &d, &err), 0);
	db_run_abort(run);
	db_close(db, NULL);
	assert_int_equal(q_int(p, "SELECT count(*) FROM runs"), 0);
	assert_int_equal(q_int(p, "SELECT count(*) FROM traces"), 0);
	assert_int_equal(q_int(p, "SELECT count(*) FROM divergences"), 0);
}

/* A killed replay: the process dies inside the transaction. */
static void test_killed_writer_leaves_nothing(void **state)
{
	const char *p = scratch_path("killed.db");
	struct pr_db *db = open_new("killed.db");
	pid_t pid;
	int status;

	(void)state;
	db_close(db, NULL);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct pr_error err;
		struct prt_header h;
		struct db_trace_ident t = { .header = &h, .nr_events = 5 };
		struct db_run_opts o = { .model = "linux-6", .mode = "free" };
		struct db_divergence d = { .event_index = 1 };
		struct pr_db *cdb = db_open(p, DB_OPEN_EXISTING, 0, &err);
		struct db_run *run;

		fx_header(&h, "hostK");
		run = cdb ? db_run_begin(cdb, &t, &o, &err) : NULL;
		for (int i = 0; run && i < 100000; i++)
			db_add_divergence(run, &d, &err);
		if (!run)
			_exit(3);
		raise(SIGKILL);	/* no commit, no close: killed mid-run */
	}
	waitpid(pid, &status, 0);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	assert_int_equal(q_int(p, "SELECT count(*) FROM divergences"), 0);
	assert_int_equal(q_int(p, "SELECT count(*) FROM runs"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_schema),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_same_trace_twice),
		cmocka_unit_test(test_abort_leaves_nothing),
		cmocka_unit_test(test_killed_writer_leaves_nothing),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);

	scratch_cleanup();
	return rc;
}
