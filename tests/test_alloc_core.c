/* SPDX-License-Identifier: MIT */
/*
 * The model's rules on small hand-built zones (linux-6 profile). Each test
 * draws the free map before and after and says why the kernel would do it.
 * BASE is the first pfn of a 4096-page Normal zone: 8 pageblocks of 512,
 * max order 10 (1024 pages).
 */
#include "tests/lib/harness.h"

#include <stdlib.h>
#include <string.h>

#include "allocator/model.h"
#include "allocator/types.h"	/* white-box: the checker test corrupts state */

#define BASE	0x100000ULL
#define KERNEL	(PA_GFP(IO) | PA_GFP(FS) | PA_GFP(DIRECT_RECLAIM) | PA_GFP(KSWAPD_RECLAIM))
#define MOVABLE	(KERNEL | PA_GFP(HARDWALL) | PA_GFP(HIGHMEM) | PA_GFP(MOVABLE))

static const int16_t cpu_node[2] = { 0, 0 };

static struct pa_model *one_zone(void)
{
	static struct pa_zone_desc z = {
		.node = 0, .type = PA_ZONE_NORMAL, .start_pfn = BASE, .spanned = 4096,
		.present = 4096, .managed = 4096, .wmark_min = 4, .wmark_low = 8, .wmark_high = 12,
		.pcp_high = 64, .pcp_batch = 8,
	};
	struct pa_topology t = { .nr_cpus = 2, .cpu_node = cpu_node, .nr_zones = 1, .zones = &z,
				 .nr_orders = 11, .pageblock_order = 9 };
	struct pr_error err = { 0 };
	struct pa_model *m = pa_model_create(&t, PA_PROFILE_LINUX_6, &err);

	if (!m)
		fail_msg("%s", err.msg);
	return m;
}

static void seed(struct pa_model *m, uint64_t pfn, unsigned order, int mt)
{
	struct pr_error err = { 0 };

	if (pa_model_seed_free(m, pfn, order, mt, &err) < 0)
		fail_msg("%s", err.msg);
}

static void check(const struct pa_model *m)
{
	struct pr_error err = { 0 };

	if (pa_model_check(m, &err) < 0)
		fail_msg("invariant: %s", err.msg);
}

static struct pa_prediction predict(const struct pa_model *m, uint32_t cpu, uint64_t gfp,
				    unsigned order)
{
	struct pa_request req = { .cpu = cpu, .node = -1, .gfp = gfp, .order = order };
	struct pa_prediction p;

	assert_int_equal(pa_predict(m, &req, &p), 0);
	return p;
}

static uint64_t blocks(const struct pa_model *m, unsigned order, int mt)
{
	struct pa_zone_state s;

	assert_int_equal(pa_zone_state(m, 0, &s), 0);
	return s.free_blocks[order][mt];
}

/*
 * One free order-10 block at BASE. An order-0 movable request finds the
 * pcp list empty, so the refill's first block is __rmqueue_smallest's:
 * the order-10 block, split by expand(): BASE is handed out and the upper
 * halves BASE+512 (order 9), BASE+256 (8), ... BASE+1 (0) stay free.
 *   before: [BASE ........ 1024 free ........]
 *   after:  [A|0|1 |2  |3    |...      |9                 ]
 */
static void test_split_leaves_upper_halves(void **state)
{
	struct pa_model *m = one_zone();
	struct pa_prediction p;

	(void)state;
	seed(m, BASE, 10, PA_MT_MOVABLE);
	p = predict(m, 0, MOVABLE, 0);
	assert_true(p.success);
	assert_int_equal(p.path, PA_PATH_PCP_REFILL);
	assert_int_equal(p.pfn, BASE);
	assert_int_equal(pa_apply_alloc(m, 0, BASE, 0, PA_MT_MOVABLE), PA_APPLY_FROM_BUDDY);
	for (unsigned o = 0; o < 10; o++)
		assert_int_equal(blocks(m, o, PA_MT_MOVABLE), 1);
	assert_int_equal(blocks(m, 10, PA_MT_MOVABLE), 0);
	/* the next order-0 block is the smallest free one: BASE+1 */
	assert_int_equal(predict(m, 0, MOVABLE, 0).pfn, BASE + 1);
	/* an order-4 request (not a pcp order) takes the order-4 half: BASE+16 */
	p = predict(m, 1, MOVABLE, 4);
	assert_int_equal(p.path, PA_PATH_BUDDY);
	assert_int_equal(p.pfn, BASE + 16);
	check(m);
	pa_model_destroy(m);
}

/* apply_alloc of a block in the middle of a free one: expand's remainder. */
static void test_apply_exact_block_inside_larger(void **state)
{
	struct pa_model *m = one_zone();

	(void)state;
	seed(m, BASE, 10, PA_MT_MOVABLE);
	/* BASE+700 order 2: halving [0,1024), the half without 700 stays free:
	 * o9 [0,512), o8 [768,1024), o7 [512,640), o6 [704,768), o5 [640,672),
	 * o4 [672,688), o3 [688,696), o2 [696,700); [700,704) is handed out. */
	assert_int_equal(pa_apply_alloc(m, 1, BASE + 700, 2, PA_MT_MOVABLE), PA_APPLY_FROM_BUDDY);
	assert_int_equal(predict(m, 0, MOVABLE, 2).pfn, BASE + 696);
	assert_int_equal(predict(m, 0, MOVABLE, 3).pfn, BASE + 688);
	assert_int_equal(predict(m, 0, MOVABLE, 6).pfn, BASE + 704);
	assert_int_equal(predict(m, 0, MOVABLE, 8).pfn, BASE + 768);
	/* Pages left: 1024 - 4 = 1020 = 512+256+128+64+32+16+8+4 (one block of
	 * each order 2..9, none of 0, 1 or 10). */
	for (unsigned o = 2; o < 10; o++)
		assert_int_equal(blocks(m, o, PA_MT_MOVABLE), 1);
	assert_int_equal(blocks(m, 0, PA_MT_MOVABLE) + blocks(m, 1, PA_MT_MOVABLE), 0);
	/* the block the kernel used is gone; applying it again is a desync */
	assert_int_equal(pa_apply_alloc(m, 1, BASE + 700, 2, PA_MT_MOVABLE), PA_APPLY_NOT_FREE);
	assert_int_equal(pa_apply_alloc(m, 1, BASE - 1, 0, PA_MT_MOVABLE), PA_APPLY_OUTSIDE);
	check(m);
	pa_model_destroy(m);
}

/* Free to pcp, drain to buddy: the buddy chain merges back to order 10. */
static void test_free_pcp_then_drain_merges(void **state)
{
	struct pa_model *m = one_zone();

	(void)state;
	seed(m, BASE, 10, PA_MT_MOVABLE);
	pa_apply_alloc(m, 0, BASE, 0, PA_MT_MOVABLE);
	assert_int_equal(pa_free(m, 1, BASE, 0), PA_FREE_TO_PCP);
	assert_int_equal(pa_free(m, 1, BASE, 0), PA_FREE_NOT_ALLOCATED);
	/* on cpu 1's pcp: cpu 1's next order-0 movable allocation gets it */
	assert_int_equal(predict(m, 1, MOVABLE, 0).path, PA_PATH_PCP);
	assert_int_equal(predict(m, 1, MOVABLE, 0).pfn, BASE);
	assert_int_equal(predict(m, 0, MOVABLE, 0).pfn, BASE + 1);	/* not cpu 0's */
	assert_int_equal(pa_predict_drain(m, 1, 0), BASE);
	assert_int_equal(pa_pcp_drain(m, 1, BASE, 0, PA_MT_MOVABLE), 0);
	assert_int_equal(blocks(m, 10, PA_MT_MOVABLE), 1);
	for (unsigned o = 0; o < 10; o++)
		assert_int_equal(blocks(m, o, PA_MT_MOVABLE), 0);
	check(m);
	pa_model_destroy(m);
}

/*
 * Where a merged block goes (buddy_merge_likely): two order-4 blocks
 * merge into order 5 at BASE. If the buddy of the order-6 block holding it
 * ([BASE+64, BASE+128), order 6) is free, the merged block goes to the
 * tail, behind the order-5 block C already listed; otherwise to the head.
 */
static void merged_order5_head(bool higher_buddy_free, uint64_t *first)
{
	struct pa_model *m = one_zone();

	seed(m, BASE + 2048, 5, PA_MT_MOVABLE);		/* C */
	seed(m, BASE + 16, 4, PA_MT_MOVABLE);		/* B, buddy of A = [BASE, +16) */
	if (higher_buddy_free)
		seed(m, BASE + 64, 6, PA_MT_MOVABLE);
	assert_int_equal(pa_free(m, 0, BASE, 4), PA_FREE_TO_BUDDY);	/* order 4: no pcp */
	*first = predict(m, 0, MOVABLE, 5).pfn;
	check(m);
	pa_model_destroy(m);
}

static void test_merge_placement_head_or_tail(void **state)
{
	uint64_t first;

	(void)state;
	merged_order5_head(false, &first);
	assert_int_equal(first, BASE);		/* head: handed out first */
	merged_order5_head(true, &first);
	assert_int_equal(first, BASE + 2048);	/* tail: C first, BASE may merge on */
}

/*
 * Fallback, steal: an unmovable request, no unmovable free block, the free
 * blocks order-3 movable ones in pageblocks full of movable pages (three, so
 * the low watermark of 8 passes: 24 - 7 > 8): too few free or alike pages to
 * claim a pageblock (8 < 256), so 6.15+ steals the head of the order-3
 * movable list, BASE; the pageblock stays movable (change_ownership=0).
 */
static void test_fallback_steals_from_busy_pageblock(void **state)
{
	struct pa_model *m = one_zone();
	struct pa_prediction p;

	(void)state;
	seed(m, BASE, 3, PA_MT_MOVABLE);
	seed(m, BASE + 512, 3, PA_MT_MOVABLE);
	seed(m, BASE + 1024, 3, PA_MT_MOVABLE);
	p = predict(m, 0, KERNEL, 3);
	assert_true(p.success);
	assert_int_equal(p.path, PA_PATH_FALLBACK);
	assert_int_equal(p.pfn, BASE);
	assert_int_equal(p.fallback_mt, PA_MT_MOVABLE);
	assert_int_equal(p.fallback_order, 3);
	assert_false(p.change_ownership);
	/* the watermark counts: with one block only, 8 - 7 <= 8 fails */
	pa_model_destroy(m);
	m = one_zone();
	seed(m, BASE, 3, PA_MT_MOVABLE);
	assert_false(predict(m, 0, KERNEL, 3).success);
	pa_model_destroy(m);
}

/*
 * Fallback, claim: the pageblock at BASE holds free order-8 (BASE+256) and
 * order-3 (BASE) blocks: 264 free pages >= half a pageblock, so an
 * unmovable order-0 request claims the pageblock: both blocks move to the
 * unmovable lists and __rmqueue_smallest then takes the smallest, BASE.
 */
static void test_fallback_claims_mostly_free_pageblock(void **state)
{
	struct pa_model *m = one_zone();
	struct pa_prediction p;

	(void)state;
	seed(m, BASE, 3, PA_MT_MOVABLE);
	seed(m, BASE + 256, 8, PA_MT_MOVABLE);
	p = predict(m, 0, KERNEL, 0);
	assert_int_equal(p.path, PA_PATH_FALLBACK);	/* a pcp refill served by fallback */
	assert_int_equal(p.pfn, BASE);
	assert_int_equal(p.fallback_order, 8);		/* claim searches from the top */
	assert_true(p.change_ownership);
	pa_pcp_refill(m, 0, BASE, 0, PA_MT_UNMOVABLE);
	check(m);
	pa_model_destroy(m);
}

/*
 * Watermarks with lowmem_reserve: DMA32 (2048 pages) below Normal. A
 * GFP_KERNEL request may fall back from Normal to DMA32 only while DMA32's
 * free pages stay above its low watermark plus its reserve against Normal.
 */
static struct pa_model *two_zones(uint64_t dma32_reserve)
{
	static struct pa_zone_desc z[2];
	struct pa_topology t = { .nr_cpus = 2, .cpu_node = cpu_node, .nr_zones = 2, .zones = z,
				 .nr_orders = 11, .pageblock_order = 9 };

	memset(z, 0, sizeof(z));
	z[0] = (struct pa_zone_desc){ .type = PA_ZONE_DMA32, .start_pfn = 0x1000, .spanned = 2048,
				      .managed = 2048, .wmark_low = 10 };
	z[0].lowmem_reserve[PA_ZONE_NORMAL] = dma32_reserve;
	z[1] = (struct pa_zone_desc){ .type = PA_ZONE_NORMAL, .start_pfn = BASE, .spanned = 4096,
				      .managed = 4096, .wmark_low = 10 };
	return pa_model_create(&t, PA_PROFILE_LINUX_6, NULL);
}

static void test_watermark_and_lowmem_reserve(void **state)
{
	struct pa_model *m;
	struct pa_prediction p;

	(void)state;
	/* DMA32: one free order-10 block = 1024 pages; Normal: nothing. */
	m = two_zones(1013);		/* 1024 > 10 + 1013: allowed */
	pa_model_seed_free(m, 0x1000, 10, PA_MT_MOVABLE, NULL);
	p = predict(m, 0, KERNEL, 0);
	assert_true(p.success);
	assert_int_equal(p.zone, 0);
	assert_int_equal(p.pfn, 0x1000);
	/* but a DMA32-only request does not pay the Normal reserve */
	pa_model_destroy(m);
	m = two_zones(1014);		/* 1024 <= 10 + 1014: refused */
	pa_model_seed_free(m, 0x1000, 10, PA_MT_MOVABLE, NULL);
	p = predict(m, 0, KERNEL, 0);
	assert_false(p.success);
	assert_true(p.needs_slowpath);
	assert_int_equal(p.path, PA_PATH_SLOWPATH);
	p = predict(m, 0, KERNEL | PA_GFP(DMA32), 0);
	assert_true(p.success);
	pa_model_destroy(m);
}

/* A refill appends in the order the kernel took the blocks; allocation
 * takes the head; a free goes to the head. */
static void test_pcp_refill_order(void **state)
{
	struct pa_model *m = one_zone();

	(void)state;
	seed(m, BASE, 10, PA_MT_MOVABLE);
	assert_int_equal(pa_predict_refill(m, 0, 0, 0, PA_MT_MOVABLE), BASE);
	for (uint64_t i = 0; i < 3; i++)
		assert_int_equal(pa_pcp_refill(m, 0, BASE + i, 0, PA_MT_MOVABLE),
				 PA_APPLY_FROM_BUDDY);
	assert_int_equal(predict(m, 0, MOVABLE, 0).pfn, BASE);
	assert_int_equal(pa_apply_alloc(m, 0, BASE, 0, PA_MT_MOVABLE), PA_APPLY_FROM_PCP);
	assert_int_equal(predict(m, 0, MOVABLE, 0).pfn, BASE + 1);
	assert_int_equal(pa_apply_alloc(m, 1, BASE + 2, 0, PA_MT_MOVABLE), PA_APPLY_FROM_OTHER_PCP);
	assert_int_equal(pa_free(m, 0, BASE, 0), PA_FREE_TO_PCP);
	assert_int_equal(predict(m, 0, MOVABLE, 0).pfn, BASE);
	/* the drain after freeing BASE (list 1) starts at the next non-empty
	 * list round robin: only list 1 holds blocks, its tail is BASE+1 */
	assert_int_equal(pa_predict_drain(m, 0, 0), BASE + 1);
	check(m);
	pa_model_destroy(m);
}

/* The checker notices a corrupted counter and an overlapping free block. */
static void test_checker_catches_corruption(void **state)
{
	struct pa_model *m = one_zone();
	struct pr_error err = { 0 };

	(void)state;
	seed(m, BASE, 10, PA_MT_MOVABLE);
	check(m);
	m->zones[0].free[10][PA_MT_MOVABLE].count = 2;
	assert_int_equal(pa_model_check(m, &err), -1);
	assert_string_equal(err.msg, "free list order 10 mt 1: count 2, list holds 1");
	m->zones[0].free[10][PA_MT_MOVABLE].count = 1;
	m->zones[0].pages[5].state = PS_BUDDY;	/* a page inside the block marked free */
	assert_int_equal(pa_model_check(m, &err), -1);
	assert_string_equal(err.msg,
		"pfn 0x100005 is inside the free block at pfn 0x100000 order 10 and free again");
	pa_model_destroy(m);
}

static void test_seed_errors(void **state)
{
	struct pa_model *m = one_zone();
	struct pr_error err = { 0 };

	(void)state;
	assert_int_equal(pa_model_seed_free(m, BASE + 1, 1, 1, &err), -1);
	assert_string_equal(err.msg, "free block at pfn 0x100001 order 1 is not in a zone");
	seed(m, BASE, 4, PA_MT_MOVABLE);
	assert_int_equal(pa_model_seed_free(m, BASE + 8, 2, 1, &err), -1);
	assert_string_equal(err.msg, "free block at pfn 0x100008 order 2 overlaps another");
	pa_model_destroy(m);
}

/* Seeded random alloc/free/refill/drain with the checker after every step. */
static void test_random_sequences_keep_invariants(void **state)
{
	static const uint64_t gfps[] = { KERNEL, MOVABLE, KERNEL | PA_GFP(RECLAIMABLE) };
	static const unsigned orders[] = { 0, 0, 0, 1, 2, 3, 4, 9 };
	uint64_t live[512];
	unsigned live_order[512], nlive = 0;
	struct pa_model *m = one_zone();
	unsigned seed_v = 12345;

	(void)state;
	seed(m, BASE, 10, PA_MT_MOVABLE);
	seed(m, BASE + 1024, 10, PA_MT_MOVABLE);
	seed(m, BASE + 2048, 10, PA_MT_MOVABLE);
	for (int step = 0; step < 4000; step++) {
		unsigned r = (seed_v = seed_v * 1103515245u + 12345u) >> 8;
		uint32_t cpu = r & 1;

		if ((r % 10) < 6 && nlive < 512) {
			unsigned order = orders[(r >> 4) % 8];
			uint64_t gfp = gfps[(r >> 8) % 3];
			struct pa_prediction p = predict(m, cpu, gfp, order);

			if (p.success) {
				assert_int_not_equal(pa_apply_alloc(m, cpu, p.pfn, order, p.migratetype),
						     PA_APPLY_NOT_FREE);
				live[nlive] = p.pfn;
				live_order[nlive++] = order;
			}
		} else if (nlive) {
			unsigned i = (r >> 4) % nlive;

			assert_int_not_equal(pa_free(m, cpu, live[i], live_order[i]),
					     PA_FREE_NOT_ALLOCATED);
			live[i] = live[--nlive];
			live_order[i] = live_order[nlive];
			if ((r >> 12) % 3 == 0) {
				uint64_t d = pa_predict_drain(m, cpu, 0);
				struct pa_zone_state s;

				pa_zone_state(m, 0, &s);
				if (d != PA_PFN_NONE) {
					int zi = 0;
					uint32_t idx = (uint32_t)(d - m->zones[zi].start);

					assert_int_equal(pa_pcp_drain(m, cpu, d, m->zones[zi].pages[idx].order,
								      -1), 0);
				}
			}
		}
		check(m);
	}
	pa_model_destroy(m);
}

static void test_bytes_per_page_budget(void **state)
{
	struct pa_model *m = one_zone();

	(void)state;
	assert_true(pa_model_bytes_per_page(m) <= 16.0);
	pa_model_destroy(m);
}

static void test_names(void **state)
{
	(void)state;
	assert_int_equal(pa_gfp_bit_from_name("__GFP_MOVABLE"), PA_GFP_MOVABLE);
	assert_int_equal(pa_gfp_bit_from_name("__GFP_NOPE"), -1);
	assert_string_equal(pa_profile_name(pa_profile_for_release("6.18.44-fc")), "linux-6");
	assert_string_equal(pa_profile_name(pa_profile_for_release("5.10.7")), "linux-5.10");
	assert_string_equal(pa_profile_name(pa_profile_for_release("4.4.178")), "linux-4");
	assert_int_equal(pa_profile_from_name("openeuler-5.10"), PA_PROFILE_OPENEULER_5_10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_leaves_upper_halves),
		cmocka_unit_test(test_apply_exact_block_inside_larger),
		cmocka_unit_test(test_free_pcp_then_drain_merges),
		cmocka_unit_test(test_merge_placement_head_or_tail),
		cmocka_unit_test(test_fallback_steals_from_busy_pageblock),
		cmocka_unit_test(test_fallback_claims_mostly_free_pageblock),
		cmocka_unit_test(test_watermark_and_lowmem_reserve),
		cmocka_unit_test(test_pcp_refill_order),
		cmocka_unit_test(test_checker_catches_corruption),
		cmocka_unit_test(test_seed_errors),
		cmocka_unit_test(test_random_sequences_keep_invariants),
		cmocka_unit_test(test_bytes_per_page_budget),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests_name("alloc_core", tests, NULL, NULL);
}
