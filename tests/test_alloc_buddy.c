/* SPDX-License-Identifier: MIT */
/*
 * The buddy core on hand-built zones: split halves and their lists, pcp
 * refill order and LIFO, merge chains with head/tail placement, drains,
 * applying a block the kernel took from inside a larger one. Expected pfns
 * are worked out by hand from the kernel's rules (docs/model.md).
 */
#include "tests/test_alloc_util.h"

/*
 * linux-6, zone [0,64), orders 0..5, pageblock order 4, pcp batch 2 high 8.
 * Before: [0-31] o5 free, [32-63] o5 free (MOVABLE).
 * 1st alloc: pcp empty -> rmqueue_bulk takes nr_pcp_alloc = 2 blocks:
 *   pfn 0 (expand leaves 16/o4, 8/o3, 4/o2, 2/o1, 1/o0 at list heads),
 *   then pfn 1 (the o0 just left); list [0, 1]; 0 is handed out.
 * 2nd: pcp head 1. 3rd: alloc_factor is 1 now: batch 4 capped at
 *   max(high - count - batch, batch) = 6 -> 4 blocks: 2 (splits 2/o1 ->
 *   3/o0), 3, 4 (splits 4/o2 -> 6/o1, 5/o0), 5; pfn 2 handed out.
 * After: 3,4,5 on pcp; [6-7] o1; [8-15] o3; [16-31] o4; [32-63] o5.
 * Free 0 goes to the pcp head and is the next one handed out (LIFO).
 */
static void test_refill_split_and_lifo(void **state)
{
	struct pa_model *m = small_model(PA_PROFILE_LINUX_6, 0, 64, 5, 4, 2, 8, 1);
	const struct op ops[] = {
		ALLOC(0, GFP_MOVABLE_, 0, 0, PA_PATH_PCP_REFILL),
		EXPECT_FREE(0, PA_MT_MOVABLE, 0), EXPECT_FREE(1, PA_MT_MOVABLE, 1),
		EXPECT_FREE(2, PA_MT_MOVABLE, 1), EXPECT_FREE(3, PA_MT_MOVABLE, 1),
		EXPECT_FREE(4, PA_MT_MOVABLE, 1), EXPECT_FREE(5, PA_MT_MOVABLE, 1),
		ALLOC(0, GFP_MOVABLE_, 0, 1, PA_PATH_PCP),
		ALLOC(0, GFP_MOVABLE_, 0, 2, PA_PATH_PCP_REFILL),
		EXPECT_FREE(0, PA_MT_MOVABLE, 0), EXPECT_FREE(1, PA_MT_MOVABLE, 1),
		EXPECT_FREE(2, PA_MT_MOVABLE, 0), EXPECT_FREE(3, PA_MT_MOVABLE, 1),
		FREE(0, 0, 0, PA_FREE_TO_PCP),
		ALLOC(0, GFP_MOVABLE_, 0, 0, PA_PATH_PCP),
		ALLOC(0, GFP_MOVABLE_, 0, 3, PA_PATH_PCP),
		END,
	};

	(void)state;
	seed(m, 0, 5, -1);
	seed(m, 32, 5, -1);
	run_ops(m, ops);
	pa_model_destroy(m);
}

/*
 * linux-5.10 (order > 0 frees go straight to buddy), zone [0,64), orders
 * 0..6, pageblock order 4. Free: [40-47] o3, [2-3] o1, [4-7] o2, [16-31] o4.
 * Free [0-1] o1: merges 2 -> [0-3] o2, merges 4 -> [0-7] o3, buddy 8 is
 * allocated: stop. The order-4 parent [0-15] has its buddy [16-31] free,
 * so buddy_merge_likely puts [0-7] at the TAIL: o3 list [40, 0].
 *   before: A A F F F F F F A ... | 16..31 F | 32..39 A | 40..47 F | A
 *   after:  [0-7] free o3 (tail), 40 o3 (head)
 * So order-3 allocations get 40 first, then 0.
 */
static void test_merge_chain_tail_placement(void **state)
{
	struct pa_model *m = small_model(PA_PROFILE_LINUX_5_10, 0, 64, 6, 4, 2, 8, 1);
	const struct op ops[] = {
		FREE(0, 0, 1, PA_FREE_TO_BUDDY),
		EXPECT_FREE(1, PA_MT_MOVABLE, 0), EXPECT_FREE(2, PA_MT_MOVABLE, 0),
		EXPECT_FREE(3, PA_MT_MOVABLE, 2),
		ALLOC(0, GFP_MOVABLE_, 3, 40, PA_PATH_BUDDY),
		ALLOC(0, GFP_MOVABLE_, 3, 0, PA_PATH_BUDDY),
		END,
	};

	(void)state;
	seed(m, 40, 3, -1);
	seed(m, 2, 1, -1);
	seed(m, 4, 2, -1);
	seed(m, 16, 4, -1);
	run_ops(m, ops);
	pa_model_destroy(m);
}

/* Same frees without the free order-4 buddy: [0-7] goes to the HEAD. */
static void test_merge_head_placement(void **state)
{
	struct pa_model *m = small_model(PA_PROFILE_LINUX_5_10, 0, 64, 6, 4, 2, 8, 1);
	const struct op ops[] = {
		FREE(0, 0, 1, PA_FREE_TO_BUDDY),
		ALLOC(0, GFP_MOVABLE_, 3, 0, PA_PATH_BUDDY),
		ALLOC(0, GFP_MOVABLE_, 3, 40, PA_PATH_BUDDY),
		END,
	};

	(void)state;
	seed(m, 40, 3, -1);
	seed(m, 2, 1, -1);
	seed(m, 4, 2, -1);
	run_ops(m, ops);
	pa_model_destroy(m);
}

/*
 * linux-6 drain: batch 2, high 4. Four allocations leave 0..3 allocated
 * (refills of 2: {0,1}, {2,3}). Frees of 0,1,2,3 build the list
 * [3,2,1,0]; the 4th free reaches count 4 >= high: drain
 * clamp(free_count 4, batch 2, high - batch 2) = 2 pages from the
 * MOVABLE order-0 list's tail: 0 (no free buddy: o0 head), then 1,
 * which merges with 0 into [0-1] o1 placed at the tail because [4-7] o2
 * is free. A later drain starts at pindex 0 and finds 2 at the tail.
 */
static void test_pcp_drain_order(void **state)
{
	struct pa_model *m = small_model(PA_PROFILE_LINUX_6, 0, 64, 5, 4, 2, 4, 1);
	const struct op ops[] = {
		ALLOC(0, GFP_MOVABLE_, 0, 0, PA_PATH_PCP_REFILL),
		ALLOC(0, GFP_MOVABLE_, 0, 1, PA_PATH_PCP),
		ALLOC(0, GFP_MOVABLE_, 0, 2, PA_PATH_PCP_REFILL),
		ALLOC(0, GFP_MOVABLE_, 0, 3, PA_PATH_PCP),
		FREE(0, 0, 0, PA_FREE_TO_PCP), FREE(0, 1, 0, PA_FREE_TO_PCP),
		FREE(0, 2, 0, PA_FREE_TO_PCP), FREE(0, 3, 0, PA_FREE_TO_PCP),
		DRAIN_NEXT(0, 0), DRAIN(0, 0, 0),
		EXPECT_FREE(0, PA_MT_MOVABLE, 1),
		DRAIN_NEXT(0, 1), DRAIN(0, 1, 0),
		EXPECT_FREE(0, PA_MT_MOVABLE, 0), EXPECT_FREE(1, PA_MT_MOVABLE, 1),
		DRAIN_NEXT(0, 2),
		END,
	};

	(void)state;
	seed(m, 0, 5, -1);
	seed(m, 32, 5, -1);
	run_ops(m, ops);
	assert_int_equal(pa_pending_drain(m, 0, 0), 0);
	pa_model_destroy(m);
}

/*
 * The kernel handed out pfn 5 from the middle of free [0-31] o5: the
 * halves not holding 5 are listed: [16] o4, [8] o3, [0] o2, [6] o1, [4] o0.
 * A second apply of 5 is a desync (NOT_FREE). Freeing 5 and draining it
 * merges everything back into [0-31] o5.
 */
static void test_apply_inside_block(void **state)
{
	struct pa_model *m = small_model(PA_PROFILE_LINUX_6, 0, 64, 5, 4, 2, 8, 1);
	const struct op ops[] = {
		APPLY(0, 5, 0, PA_MT_MOVABLE, PA_APPLY_FROM_BUDDY),
		EXPECT_FREE(0, PA_MT_MOVABLE, 1), EXPECT_FREE(1, PA_MT_MOVABLE, 1),
		EXPECT_FREE(2, PA_MT_MOVABLE, 1), EXPECT_FREE(3, PA_MT_MOVABLE, 1),
		EXPECT_FREE(4, PA_MT_MOVABLE, 1), EXPECT_FREE(5, PA_MT_MOVABLE, 1),
		APPLY(0, 5, 0, PA_MT_MOVABLE, PA_APPLY_NOT_FREE),
		FREE(0, 5, 0, PA_FREE_TO_PCP),
		DRAIN(0, 5, 0),
		EXPECT_FREE(0, PA_MT_MOVABLE, 0), EXPECT_FREE(5, PA_MT_MOVABLE, 2),
		END,
	};

	(void)state;
	seed(m, 0, 5, -1);
	seed(m, 32, 5, -1);
	run_ops(m, ops);
	pa_model_destroy(m);
}

/* Freeing a block the model believes free is reported and repaired. */
static void test_double_free_desync(void **state)
{
	struct pa_model *m = small_model(PA_PROFILE_LINUX_6, 0, 64, 5, 4, 2, 8, 1);
	const struct op ops[] = {
		FREE(0, 3, 0, PA_FREE_NOT_ALLOCATED),
		APPLY(0, 3, 0, PA_MT_MOVABLE, PA_APPLY_FROM_PCP),
		END,
	};

	(void)state;
	seed(m, 0, 5, -1);
	run_ops(m, ops);
	pa_model_destroy(m);
}

/* Unknown pages: neither free nor allocated until the trace touches them. */
static void test_unknown_resolution(void **state)
{
	struct pa_model *m = small_model(PA_PROFILE_LINUX_6, 0, 64, 5, 4, 2, 8, 1);
	struct pa_zone_state zs;

	(void)state;
	pa_model_mark_unknown(m, 32, 5);
	pa_zone_state(m, 0, &zs);
	assert_int_equal(zs.unknown_pages, 32);
	assert_int_equal(pa_apply_alloc(m, 0, 32, 1, PA_MT_MOVABLE), PA_APPLY_UNKNOWN);
	assert_int_equal(pa_free(m, 0, 40, 3), PA_FREE_TO_PCP);	/* order 3: pcp in 6.x */
	pa_zone_state(m, 0, &zs);
	assert_int_equal(zs.unknown_pages, 32 - 2 - 8);
	check_ok(m);
	pa_model_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refill_split_and_lifo),
		cmocka_unit_test(test_merge_chain_tail_placement),
		cmocka_unit_test(test_merge_head_placement),
		cmocka_unit_test(test_pcp_drain_order),
		cmocka_unit_test(test_apply_inside_block),
		cmocka_unit_test(test_double_free_desync),
		cmocka_unit_test(test_unknown_resolution),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
