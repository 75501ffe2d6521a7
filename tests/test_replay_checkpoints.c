/* SPDX-License-Identifier: MIT */
/*
 * Checkpoints against the model: each /proc file's counts beside what the
 * model held while the capture read that file (replay/checkpoint_window.c),
 * and at the checkpoint's time where the trace has no read windows.
 */
#include "tests/lib/harness.h"
#include "tests/lib/prt_sample.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replay/replay.h"
#include "tests/test_db_helpers.h"

#define MOVABLE_GFP 0x10004aULL		/* HARDWALL|IO|MOVABLE|HIGHMEM */
#define ZONE_START 0x100000ULL
#define ORDERS 11
#define MTS 5

/* Replay path in lock-step into res; a failure fails the test. */
static void replay_quietly(const char *path, struct rp_result *res)
{
	struct rp_options opt = { .profile = -1 };
	struct pr_error err = { 0 };

	if (rp_replay_file(path, &opt, res, &err) < 0)
		fail_msg("%s", err.msg);
}

static void add(struct prt_writer *w, uint64_t ts, uint8_t type, unsigned order)
{
	struct prt_event ev = { .ts_ns = ts, .type = type, .pfn = ZONE_START,
				.order = (uint8_t)order, .migratetype = 1,
				.gfp = type == PRT_EV_ALLOC ? MOVABLE_GFP : 0 };

	assert_int_equal(prt_writer_add(w, &ev, NULL), 0);
}

/*
 * The kernel's counts with the zone's one order-10 block split by an order-4
 * allocation at its head: one movable block of each order 4..9, none of 10.
 * pti/zi: the read windows, {0, 0} for a checkpoint without them.
 */
static void add_split_checkpoint(struct prt_writer *w, uint32_t seq, uint64_t ts,
				 struct prt_window pti, struct prt_window zi)
{
	int64_t blocks[ORDERS * MTS] = { 0 }, buddy[ORDERS] = { 0 }, free_pages = 1024 - 16;
	struct prt_checkpoint cp = { .ts_ns = ts, .seq = seq, .nr_zones = 1,
				     .nr_orders = ORDERS, .nr_migratetypes = MTS,
				     .free_blocks = blocks, .buddyinfo = buddy,
				     .free_pages = &free_pages,
				     .pagetypeinfo_read = pti, .zoneinfo_read = zi };

	for (unsigned o = 4; o <= 9; o++) {
		blocks[o * MTS + 1] = 1;
		buddy[o] = 1;
	}
	assert_int_equal(prt_writer_add_checkpoint(w, &cp, NULL), 0);
}

static void expect_text(const char *db, const char *sql, const char *want)
{
	char *got = q_text(db, sql);

	if (strcmp(got, want) != 0)
		fail_msg("%s: got '%s', want '%s'", sql, got, want);
	free(got);
}

static void test_counts_compared_over_read_windows(void **state)
{
	const struct prt_free_block fb[] = { { ZONE_START, 10, 1, false } };
	const char *path = scratch_path("cpwin.prt"), *db = scratch_path("cpwin.db");
	struct prt_header h;
	struct prt_writer *w;
	struct run_result r;

	(void)state;
	sample_one_zone_header(&h, fb, 1);
	h.zones[0].wmark_min = h.zones[0].wmark_low = h.zones[0].wmark_high = 0;
	w = prt_writer_open(path, &h, NULL);
	assert_non_null(w);
	add(w, 100, PRT_EV_ALLOC, 4);	/* split from 100 to 200 */
	add(w, 200, PRT_EV_FREE, 4);
	/* 1: both files read while the block was split; the checkpoint's
	 * time is after the free, when the model has the block whole again */
	add_split_checkpoint(w, 1, 300, (struct prt_window){ 150, 160 },
			     (struct prt_window){ 170, 180 });
	/* 2: the same counts with no windows are compared at time 400 */
	add_split_checkpoint(w, 2, 400, (struct prt_window){ 0, 0 }, (struct prt_window){ 0, 0 });
	/* 3: pagetypeinfo read across the next split, zoneinfo after it */
	add(w, 500, PRT_EV_ALLOC, 4);
	add_split_checkpoint(w, 3, 600, (struct prt_window){ 450, 550 },
			     (struct prt_window){ 560, 570 });
	assert_int_equal(prt_writer_close(w, NULL), 0);
	prt_header_release(&h);

	r = run_pagereplay("replay", path, "--db", db, NULL);
	assert_int_equal(r.status, 0);
	run_result_free(&r);
	/* 1: the model held the kernel's counts in both windows */
	assert_int_equal(q_int(db, "SELECT sum(abs(diff)) FROM checkpoint_diff WHERE seq = 1"), 0);
	assert_int_equal(q_int(db, "SELECT diff FROM checkpoint_free WHERE seq = 1"), 0);
	assert_int_equal(q_int(db, "SELECT pagetypeinfo_read_ns FROM checkpoints WHERE seq = 1"), 10);
	assert_int_equal(q_int(db, "SELECT zoneinfo_read_ns FROM checkpoint_free WHERE seq = 1"), 10);
	/* 2: at its time the block is whole: one order-10 block, 16 pages more */
	assert_int_equal(q_int(db, "SELECT diff FROM checkpoint_diff WHERE seq = 2 AND ord = 10"
				   " AND migratetype = 'Movable'"), 1);
	assert_int_equal(q_int(db, "SELECT sum(abs(diff)) FROM checkpoint_diff WHERE seq = 2"), 7);
	assert_int_equal(q_int(db, "SELECT diff FROM checkpoint_free WHERE seq = 2"), 16);
	assert_int_equal(q_int(db, "SELECT pagetypeinfo_read_ns FROM checkpoints WHERE seq = 2"),
			 -999);	/* NULL: not recorded */
	/* 3: over its window the model had the order-10 block, then not */
	expect_text(db, "SELECT model_min || '..' || model_max || ' ' || diff FROM checkpoint_diff"
			" WHERE seq = 3 AND ord = 10 AND migratetype = 'Movable'", "0..1 0");
	expect_text(db, "SELECT model_min || '..' || model_max FROM checkpoint_diff"
			" WHERE seq = 3 AND ord = 4 AND migratetype = 'Movable'", "0..1");
	assert_int_equal(q_int(db, "SELECT sum(abs(diff)) FROM checkpoint_diff WHERE seq = 3"), 0);
	expect_text(db, "SELECT model_free_min || '..' || model_free_max || ' ' || diff"
			" FROM checkpoint_free WHERE seq = 3", "1008..1008 0");
}

/* A checkpoint whose zoneinfo pagesets say count[c] and high[c] per cpu. */
static void add_pcp_checkpoint(struct prt_writer *w, uint32_t seq, uint64_t ts,
			       const int64_t count[2], const int64_t high[2])
{
	int64_t free_pages = 1024, c[2] = { count[0], count[1] }, hi[2] = { high[0], high[1] };
	struct prt_checkpoint cp = { .ts_ns = ts, .seq = seq, .nr_zones = 1,
				     .nr_orders = ORDERS, .nr_migratetypes = MTS,
				     .free_pages = &free_pages, .nr_cpus = 2,
				     .pcp_count = c, .pcp_high = hi,
				     .zoneinfo_read = { ts - 10, ts } };

	assert_int_equal(prt_writer_add_checkpoint(w, &cp, NULL), 0);
}

/*
 * Each cpu's pcp lists beside the checkpoint's pagesets. cpu 1 starts with
 * 4 pages on its lists that no event names and its own high (6.x tunes
 * each cpu's); a drain of one of them leaves 3. Checkpoint 2 has a page
 * on cpu 0's lists that no event put there, and cpu 1's high lowered (the
 * vmstat worker's decay, untraced): the model takes it for checkpoint 3.
 */
static void test_pcp_lists_compared_with_pagesets(void **state)
{
	const struct prt_free_block fb[] = { { ZONE_START, 10, 1, false } };
	const char *path = scratch_path("cppcp.prt"), *db = scratch_path("cppcp.db");
	struct rp_options opt = { .profile = -1 };
	struct pr_error err = { 0 };
	struct prt_event drain = { .ts_ns = 100, .cpu = 1, .type = PRT_EV_PCPU_DRAIN,
				   .pfn = ZONE_START + 0x800, .migratetype = 1 };
	struct prt_header h;
	struct prt_writer *w;
	struct rp_result res;
	struct run_result r;

	(void)state;
	sample_one_zone_header(&h, fb, 1);
	h.zones[0].pcp[0].count = 0;
	h.zones[0].pcp[1].count = 4;
	h.zones[0].pcp[1].high = 5000;
	w = prt_writer_open(path, &h, NULL);
	assert_non_null(w);
	assert_int_equal(prt_writer_add(w, &drain, NULL), 0);
	add_pcp_checkpoint(w, 1, 300, (int64_t[]){ 0, 3 }, (int64_t[]){ 2790, 5000 });
	add_pcp_checkpoint(w, 2, 400, (int64_t[]){ 1, 3 }, (int64_t[]){ 2790, 4375 });
	add_pcp_checkpoint(w, 3, 500, (int64_t[]){ 0, 3 }, (int64_t[]){ 2790, 4375 });
	assert_int_equal(prt_writer_close(w, NULL), 0);
	prt_header_release(&h);

	if (rp_replay_file(path, &opt, &res, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(res.pcp_checkpoints, 3);
	assert_int_equal(res.pcp_checked, 6);
	assert_int_equal(res.pcp_count_agree, 5);
	assert_int_equal(res.pcp_high_agree, 5);
	assert_int_equal(res.pcp_worst_diff, -1);

	r = run_pagereplay("replay", path, "--db", db, NULL);
	assert_int_equal(r.status, 0);
	run_result_free(&r);
	expect_text(db, "SELECT group_concat(kernel_count || '/' || model_count || '/' ||"
			" model_unseen || '/' || model_high, ' ') FROM checkpoint_pcp_diff"
			" ORDER BY seq, cpu",
		    "0/0/0/2790 3/3/3/5000 1/0/0/2790 3/3/3/5000 0/0/0/2790 3/3/3/4375");
	assert_int_equal(q_int(db, "SELECT diff FROM checkpoint_pcp_diff WHERE seq = 2 AND cpu = 0"),
			 -1);
}

/*
 * Both cpus start with an order-9 block on their lists (512 pages each),
 * which no event names until cpu 0 drains both (drain_all_pages drains
 * every cpu's lists from one): the second came from cpu 1's, as cpu 0's
 * count has nothing left to give, and the checkpoint finds both lists
 * empty (without the rule cpu 1 kept its 512).
 */
static void test_remote_drain_of_pages_from_before(void **state)
{
	const struct prt_free_block fb[] = { { ZONE_START, 10, 1, false } };
	const char *path = scratch_path("cpremote.prt");
	struct prt_header h;
	struct prt_writer *w;
	struct rp_result res;

	(void)state;
	sample_one_zone_header(&h, fb, 1);
	h.zones[0].pcp[0].count = h.zones[0].pcp[1].count = 512;
	w = prt_writer_open(path, &h, NULL);
	assert_non_null(w);
	for (unsigned i = 0; i < 2; i++) {
		struct prt_event drain = { .ts_ns = 100 + i, .cpu = 0, .type = PRT_EV_PCPU_DRAIN,
					   .pfn = ZONE_START + 0x800 + i * 0x200, .order = 9,
					   .migratetype = 1 };

		assert_int_equal(prt_writer_add(w, &drain, NULL), 0);
	}
	add_pcp_checkpoint(w, 1, 300, (int64_t[]){ 0, 0 }, (int64_t[]){ 2790, 2790 });
	assert_int_equal(prt_writer_close(w, NULL), 0);
	prt_header_release(&h);

	replay_quietly(path, &res);
	assert_int_equal(res.pcp_checked, 2);
	assert_int_equal(res.pcp_count_agree, 2);
}

/*
 * cpu 1 starts with 4 pages on its lists that no event names; by the first
 * checkpoint the kernel's list is empty: they left by no event the model
 * could charge, and the count forgets them, so the second checkpoint agrees
 * (without the rule both are 4 over).
 */
static void test_pages_from_before_gone_untraced(void **state)
{
	const struct prt_free_block fb[] = { { ZONE_START, 10, 1, false } };
	const char *path = scratch_path("cpgone.prt");
	struct prt_header h;
	struct prt_writer *w;
	struct rp_result res;

	(void)state;
	sample_one_zone_header(&h, fb, 1);
	h.zones[0].pcp[0].count = 0;
	h.zones[0].pcp[1].count = 4;
	w = prt_writer_open(path, &h, NULL);
	assert_non_null(w);
	add_pcp_checkpoint(w, 1, 300, (int64_t[]){ 0, 0 }, (int64_t[]){ 2790, 2790 });
	add_pcp_checkpoint(w, 2, 400, (int64_t[]){ 0, 0 }, (int64_t[]){ 2790, 2790 });
	assert_int_equal(prt_writer_close(w, NULL), 0);
	prt_header_release(&h);

	replay_quietly(path, &res);
	assert_int_equal(res.pcp_checked, 4);
	assert_int_equal(res.pcp_count_agree, 3);	/* all but cpu 1 at the first */
}

/* Checkpoint: the zone's order-10 block on the kernel's lists beside
 * order0 order-0 blocks (pagetypeinfo's cells, read first), free_pages
 * free (zoneinfo, read last), cpu 1's list holding cpu1 pages. */
static void add_grown_list_checkpoint(struct prt_writer *w, uint32_t seq, uint64_t ts,
				      int64_t free_pages, int64_t order0, int64_t cpu1)
{
	int64_t blocks[ORDERS * MTS] = { 0 }, count[2] = { 0, cpu1 }, high[2] = { 2790, 2790 };
	struct prt_checkpoint cp = { .ts_ns = ts, .seq = seq, .nr_zones = 1,
				     .nr_orders = ORDERS, .nr_migratetypes = MTS,
				     .free_blocks = blocks, .free_pages = &free_pages,
				     .nr_cpus = 2, .pcp_count = count, .pcp_high = high };

	blocks[10 * MTS + 1] = 1;
	blocks[0 * MTS + 1] = order0;
	assert_int_equal(prt_writer_add_checkpoint(w, &cp, NULL), 0);
}

/*
 * The model starts with 40 free order-0 blocks besides the order-10 one; by
 * the checkpoint the kernel's lists have none of them and cpu 1's pcp list
 * 40 pages more, with no event: they went onto cpu 1's list, and the next
 * checkpoint agrees in both.
 */
static void test_list_grown_untraced_takes_excess_blocks(void **state)
{
	struct prt_free_block fb[41] = { { ZONE_START, 10, 1, false } };
	const char *path = scratch_path("cpgrown.prt"), *db = scratch_path("cpgrown.db");
	struct prt_header h;
	struct prt_writer *w;
	struct rp_result res;
	struct run_result r;

	(void)state;
	for (unsigned i = 1; i <= 40; i++)
		fb[i] = (struct prt_free_block){ ZONE_START + 0x800 + 2 * i, 0, 1, false };
	sample_one_zone_header(&h, fb, 41);
	h.zones[0].pcp[0].count = h.zones[0].pcp[1].count = 0;
	w = prt_writer_open(path, &h, NULL);
	assert_non_null(w);
	add_grown_list_checkpoint(w, 1, 300, 1024, 0, 40);
	add_grown_list_checkpoint(w, 2, 400, 1024, 0, 40);
	assert_int_equal(prt_writer_close(w, NULL), 0);
	prt_header_release(&h);

	replay_quietly(path, &res);
	assert_int_equal(res.pcp_untraced_pages, 40);
	assert_int_equal(res.pcp_count_agree, 2 + 1);	/* all but cpu 1 at checkpoint 1 */

	r = run_pagereplay("replay", path, "--db", db, NULL);
	assert_int_equal(r.status, 0);
	run_result_free(&r);
	expect_text(db, "SELECT group_concat(seq || ':' || diff, ' ') FROM checkpoint_free",
		    "1:40 2:0");
	assert_int_equal(q_int(db, "SELECT diff FROM checkpoint_pcp_diff WHERE seq = 2 AND cpu = 1"),
			 0);
}

/*
 * The same with 160 order-0 blocks free at start: zoneinfo (read last) says
 * 120 left the buddy lists, cpu 1's list says 80 went onto it, and the cells
 * (read first) show only 40 gone. The cells' 40 go onto the list, then the
 * rest of what both counts say, from the head of the order-0 list of the
 * type that gave them: 80 (40 without the rest).
 */
static void test_list_grown_past_what_the_cells_show(void **state)
{
	struct prt_free_block fb[161] = { { ZONE_START, 10, 1, false } };
	const char *path = scratch_path("cphalf.prt");
	struct prt_header h;
	struct prt_writer *w;
	struct rp_result res;

	(void)state;
	for (unsigned i = 1; i <= 160; i++)
		fb[i] = (struct prt_free_block){ ZONE_START + 0x800 + 2 * i, 0, 1, false };
	sample_one_zone_header(&h, fb, 161);
	h.zones[0].pcp[0].count = h.zones[0].pcp[1].count = 0;
	w = prt_writer_open(path, &h, NULL);
	assert_non_null(w);
	add_grown_list_checkpoint(w, 1, 300, 1024 + 40, 120, 80);
	assert_int_equal(prt_writer_close(w, NULL), 0);
	prt_header_release(&h);

	replay_quietly(path, &res);
	assert_int_equal(res.pcp_untraced_pages, 80);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts_compared_over_read_windows),
		cmocka_unit_test(test_pcp_lists_compared_with_pagesets),
		cmocka_unit_test(test_list_grown_untraced_takes_excess_blocks),
		cmocka_unit_test(test_list_grown_past_what_the_cells_show),
		cmocka_unit_test(test_remote_drain_of_pages_from_before),
		cmocka_unit_test(test_pages_from_before_gone_untraced),
	};

	return cmocka_run_group_tests_name("replay_checkpoints", tests, NULL, NULL);
}
