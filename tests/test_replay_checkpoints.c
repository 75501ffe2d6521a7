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

#include "tests/test_db_helpers.h"

#define MOVABLE_GFP 0x10004aULL		/* HARDWALL|IO|MOVABLE|HIGHMEM */
#define ZONE_START 0x100000ULL
#define ORDERS 11
#define MTS 5

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
	const struct prt_free_block fb[] = { { ZONE_START, 10, 1 } };
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts_compared_over_read_windows),
	};

	return cmocka_run_group_tests_name("replay_checkpoints", tests, NULL, NULL);
}
