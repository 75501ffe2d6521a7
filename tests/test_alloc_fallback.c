/* SPDX-License-Identifier: MIT */
/*
 * Fallback rules per generation on hand-built zones: the claim threshold,
 * what mm_page_alloc_extfrag would report, where the split remainder
 * goes, and the watermark boost a fragmenting fallback causes. Expected
 * values are worked out by hand from mm/page_alloc.c (4.4.178
 * __rmqueue_fallback; 5.10.7 steal_suitable_fallback; 6.18
 * __rmqueue_claim, try_to_claim_block, __rmqueue_steal, boost_watermark)
 * and include/trace/events/kmem.h (change_ownership is "the pageblock now
 * has the requested type").
 */
#include "tests/test_alloc_util.h"

/* Expected outcome of one request under one profile. */
struct fb_expect {
	uint64_t pfn;
	int fallback_mt;
	unsigned fallback_order;
	bool change_ownership;
	int remainder_mt;	/* list holding the split remainders 1/o0 and 2/o1 */
	int pb0_mt;		/* pageblock [0-15] afterwards */
};

/*
 * Zone [0,64), orders 0..5, pageblock order 4 (half = 8 pages), pcp batch
 * 1 so a refill takes one block. Pageblock [0-15] is MOVABLE (boot type)
 * with only [0-3] o2 free; [4-15] are allocated: as MOVABLE requests when
 * `movable_neighbours` (apply_alloc remembers it, standing for PageLRU),
 * else left as seeded (not movable). Nothing else is free.
 * A GFP_KERNEL (UNMOVABLE) order-0 request has no UNMOVABLE page and falls
 * back to the MOVABLE o2 block (NOFRAGMENT's first pass, limited to
 * orders >= pageblock, finds nothing and is dropped).
 */
static void fallback_case(enum pa_profile prof, bool movable_neighbours,
			  const struct fb_expect *e)
{
	struct pa_model *m = small_model(prof, 0, 64, 5, 4, 1, 8, 1);
	struct pa_request r = { .cpu = 0, .node = -1, .gfp = GFP_KERNEL_, .order = 0 };
	struct pa_prediction p;
	struct pa_zone_state zs;

	if (movable_neighbours) {
		seed(m, 0, 4, -1);
		assert_int_equal(pa_apply_alloc(m, 0, 4, 2, PA_MT_MOVABLE), PA_APPLY_FROM_BUDDY);
		assert_int_equal(pa_apply_alloc(m, 0, 8, 3, PA_MT_MOVABLE), PA_APPLY_FROM_BUDDY);
	} else {
		seed(m, 0, 2, -1);
	}
	check_ok(m);
	assert_int_equal(pa_predict(m, &r, &p), 0);
	assert_int_equal(p.pfn, e->pfn);
	assert_int_equal(p.path, PA_PATH_PCP_REFILL);
	assert_int_equal(p.fallback_mt, e->fallback_mt);
	assert_int_equal(p.fallback_order, e->fallback_order);
	assert_int_equal(p.change_ownership, e->change_ownership);
	assert_int_equal(pa_alloc(m, &r, &p), 0);
	assert_int_equal(p.pfn, e->pfn);
	check_ok(m);
	pa_zone_state(m, 0, &zs);
	assert_int_equal(zs.free_blocks[0][e->remainder_mt], 1);
	assert_int_equal(zs.free_blocks[1][e->remainder_mt], 1);
	assert_int_equal(zs.free_pages, 3);
	assert_int_equal(zs.pageblocks[e->pb0_mt], e->pb0_mt == PA_MT_MOVABLE ? 4 : 1);
	pa_model_destroy(m);
}

/*
 * Movable neighbours: free 4 + alike 0 (the 12 allocated pages are
 * movable, so none count for an UNMOVABLE request) < 8.
 *  6.18: try_to_claim_block refuses; __rmqueue_steal splits [0-3] with the
 *        block's own type: 1 and 2 stay on MOVABLE lists, no ownership.
 *  5.10: steal_suitable_fallback moves the block's free pages to the
 *        UNMOVABLE lists anyway (whole_block), does not retype, and
 *        __rmqueue_smallest(UNMOVABLE) splits them there.
 *  4.4:  moves the free pages (4 < 8: no retype), expands with the
 *        requested type: remainders UNMOVABLE.
 */
static void test_claim_refused_movable_neighbours(void **state)
{
	static const struct fb_expect steal6 = { 0, PA_MT_MOVABLE, 2, false, PA_MT_MOVABLE,
						 PA_MT_MOVABLE };
	static const struct fb_expect move_old = { 0, PA_MT_MOVABLE, 2, false, PA_MT_UNMOVABLE,
						   PA_MT_MOVABLE };

	(void)state;
	fallback_case(PA_PROFILE_LINUX_6, true, &steal6);
	fallback_case(PA_PROFILE_LINUX_5_10, true, &move_old);
	fallback_case(PA_PROFILE_OPENEULER_5_10, true, &move_old);
	fallback_case(PA_PROFILE_LINUX_4, true, &move_old);
}

/*
 * Unmovable neighbours: free 4 + alike 12 (allocated, not movable, in a
 * MOVABLE block: pageblock_nr_pages - free - movable) = 16 >= 8.
 *  6.18 / 5.10: the block is claimed: pageblock UNMOVABLE, change_ownership.
 *  4.4: counts only the 4 free pages it moved: < 8, the block stays MOVABLE
 *       and change_ownership is false; the remainders still go UNMOVABLE.
 */
static void test_claim_threshold_alike_pages(void **state)
{
	static const struct fb_expect claim = { 0, PA_MT_MOVABLE, 2, true, PA_MT_UNMOVABLE,
						PA_MT_UNMOVABLE };
	static const struct fb_expect k44 = { 0, PA_MT_MOVABLE, 2, false, PA_MT_UNMOVABLE,
					      PA_MT_MOVABLE };

	(void)state;
	fallback_case(PA_PROFILE_LINUX_6, false, &claim);
	fallback_case(PA_PROFILE_LINUX_5_10, false, &claim);
	fallback_case(PA_PROFILE_LINUX_4, false, &k44);
}

/*
 * A fallback from a block >= pageblock order: [0-31] o5 free MOVABLE, an
 * UNMOVABLE order-0 request. Every generation retypes both pageblocks it
 * covers (change_pageblock_range) and splits with the requested type:
 * extfrag fallback_order 5, change_ownership 1; free lists afterwards
 * UNMOVABLE 16/o4, 8/o3, 4/o2, 2/o1, 1/o0.
 */
static void test_claim_whole_pageblocks(void **state)
{
	(void)state;
	for (int prof = 0; prof < PA_NR_PROFILES; prof++) {
		struct pa_model *m = small_model(prof, 0, 64, 5, 4, 1, 8, 1);
		struct pa_request r = { .cpu = 0, .node = -1, .gfp = GFP_KERNEL_, .order = 0 };
		struct pa_prediction p;
		struct pa_zone_state zs;

		seed(m, 0, 5, -1);
		assert_int_equal(pa_alloc(m, &r, &p), 0);
		assert_int_equal(p.pfn, 0);
		assert_int_equal(p.fallback_mt, PA_MT_MOVABLE);
		assert_int_equal(p.fallback_order, 5);
		assert_true(p.change_ownership);
		check_ok(m);
		pa_zone_state(m, 0, &zs);
		assert_int_equal(zs.pageblocks[PA_MT_UNMOVABLE], 2);
		for (unsigned o = 0; o < 5; o++)
			assert_int_equal(zs.free_blocks[o][PA_MT_UNMOVABLE], 1);
		pa_model_destroy(m);
	}
}

/*
 * Zone [0,64) with watermarks min/low/high 2/3/4: high 4 × the default
 * watermark_boost_factor 15000 / 10000 = 6, raised to one pageblock: the
 * boost limit is 16 pages. The zone has 4 pageblocks (boost_watermark
 * gives up below 4).
 */
static struct pa_model *boost_model(enum pa_profile prof, uint64_t low)
{
	static int16_t nodes[1];
	struct pa_zone_desc zd = {
		.type = PA_ZONE_NORMAL, .start_pfn = 0, .spanned = 64, .present = 64,
		.managed = 64, .wmark_min = low ? 2 : 0, .wmark_low = low, .wmark_high = 4,
		.pcp_high = 8, .pcp_batch = 1, .pcp_high_min = 8, .pcp_high_max = 8,
	};
	struct pa_topology t = { .nr_cpus = 1, .cpu_node = nodes, .nr_zones = 1, .zones = &zd,
				 .nr_orders = 6, .pageblock_order = 4 };
	struct pa_model *m = pa_model_create(&t, prof, NULL);

	assert_non_null(m);
	return m;
}

/*
 * Boost after a fallback from a sub-pageblock block. Free: [0-3] o2 in
 * MOVABLE pageblock 0 (pages 4-15 allocated, not movable: the claim
 * threshold passes), nothing else but [48-63] o4 in pageblock 3 which is
 * UNMOVABLE (so the NOFRAGMENT pass has no >= pageblock fallback).
 * The requests carry no __GFP_KSWAPD_RECLAIM (gfp 0: UNMOVABLE, no
 * reclaim), so ZONE_BOOSTED_WATERMARK is not set and the model does not
 * stand in for kswapd resetting the boost. An UNMOVABLE order-0 request:
 *  - takes 48 from its own type (smallest first): no fallback, boost 0;
 * then [48-63] is allocated away by apply, and the next request:
 *  - 6.18 / 5.10: falls back to [0-3] o2 (claim) and boost_watermark runs
 *    once: boost = min(0 + 16, 16) = 16; every watermark is raised by 16.
 *  - 4.4: no boost.
 * With 3 pages free afterwards (1/o0, 2/o1), the next request at LOW
 * (3 + boost) fails the fast path in 5.10/6.18: needs_slowpath; in 4.4
 * free 3 > low 3 fails as well, so compare MIN: 4.4 passes the first
 * slow-path attempt (3 > 2), 6.18 with boost 16 does not (3 <= 18).
 */
static void test_boost_on_sub_pageblock(void **state)
{
	static const int64_t boost[PA_NR_PROFILES] = {
		[PA_PROFILE_LINUX_4] = 0, [PA_PROFILE_LINUX_5_10] = 16, [PA_PROFILE_LINUX_6] = 16,
		[PA_PROFILE_OPENEULER_5_10] = 16,
	};

	(void)state;
	for (int prof = 0; prof < PA_NR_PROFILES; prof++) {
		struct pa_model *m = boost_model(prof, 3);
		struct pa_request r = { .cpu = 0, .node = -1, .gfp = 0, .order = 0 };
		struct pa_prediction p;
		struct pa_zone_state zs;

		assert_int_equal(pa_model_set_pageblock_mt(m, 48, PA_MT_UNMOVABLE), 0);
		seed(m, 0, 2, -1);
		seed(m, 48, 4, -1);
		assert_int_equal(pa_alloc(m, &r, &p), 0);
		assert_int_equal(p.pfn, 48);
		assert_int_equal(p.fallback_mt, -1);
		pa_zone_state(m, 0, &zs);
		assert_int_equal(zs.boost, 0);
		/* the kernel took the rest of [48-63] (pcp refill of 1: 49 is not on pcp) */
		assert_int_equal(pa_apply_alloc(m, 0, 49, 0, PA_MT_UNMOVABLE), PA_APPLY_FROM_BUDDY);
		assert_int_equal(pa_apply_alloc(m, 0, 50, 1, PA_MT_UNMOVABLE), PA_APPLY_FROM_BUDDY);
		assert_int_equal(pa_apply_alloc(m, 0, 52, 2, PA_MT_UNMOVABLE), PA_APPLY_FROM_BUDDY);
		assert_int_equal(pa_apply_alloc(m, 0, 56, 3, PA_MT_UNMOVABLE), PA_APPLY_FROM_BUDDY);
		pa_zone_state(m, 0, &zs);
		assert_int_equal(zs.free_pages, 4);
		assert_int_equal(pa_alloc(m, &r, &p), 0);
		assert_int_equal(p.pfn, 0);
		assert_int_equal(p.fallback_mt, PA_MT_MOVABLE);
		assert_int_equal(p.fallback_order, 2);
		check_ok(m);
		pa_zone_state(m, 0, &zs);
		if ((int64_t)zs.boost != boost[prof])
			fail_msg("%s: boost %llu, expected %lld", pa_profile_name(prof),
				 (unsigned long long)zs.boost, (long long)boost[prof]);
		pa_predict(m, &r, &p);
		assert_true(p.needs_slowpath);
		assert_int_equal(p.success, prof == PA_PROFILE_LINUX_4);
		assert_int_equal(p.path, prof == PA_PROFILE_LINUX_4 ? PA_PATH_PCP_REFILL :
								     PA_PATH_SLOWPATH);
		pa_model_destroy(m);
	}
}

/*
 * A free of a page the model has free is a correction, not an allocation:
 * taking it off the lists must not boost the watermark. UNMOVABLE
 * pageblock 0: [0-7] o3 free, pages 8-15 allocated. A free of page 1 is
 * taken as MOVABLE, so the split follows the fallback rule (6.18: half the
 * pageblock is free, the claim threshold passes, and a claim from below a
 * pageblock would boost by 16), but with no boost: nothing would wake
 * kswapd to drop it, and it would stay.
 */
static void test_free_of_a_free_page_does_not_boost(void **state)
{
	struct pa_model *m = boost_model(PA_PROFILE_LINUX_6, 3);
	struct pa_zone_state zs;

	(void)state;
	assert_int_equal(pa_model_set_pageblock_mt(m, 0, PA_MT_UNMOVABLE), 0);
	seed(m, 0, 4, -1);
	assert_int_equal(pa_apply_alloc(m, 0, 8, 3, PA_MT_UNMOVABLE), PA_APPLY_FROM_BUDDY);
	pa_zone_state(m, 0, &zs);
	assert_int_equal(zs.boost, 0);
	assert_int_equal(pa_free(m, 0, 1, 0), PA_FREE_NOT_ALLOCATED);
	check_ok(m);
	pa_zone_state(m, 0, &zs);
	assert_int_equal(zs.boost, 0);
	pa_model_destroy(m);
}

/*
 * A MOVABLE order-0 request (no reclaim bits) whose only candidate is
 * [0-1] o1 in UNMOVABLE pageblock 0: too small to claim for a MOVABLE
 * request (order < pageblock_order / 2). Watermarks 0/0/4 so nothing
 * else matters.
 *  5.10: steal_suitable_fallback boosts before it learns it may not take
 *        the whole block: boost 16, then moves the single page.
 *  6.18: __rmqueue_claim stops scanning below order 2 for MOVABLE without
 *        trying a claim, __rmqueue_steal never boosts: boost 0.
 *  4.4:  no boost.
 * All three hand out pfn 0.
 */
static void test_boost_on_single_page_steal(void **state)
{
	static const int64_t boost[PA_NR_PROFILES] = {
		[PA_PROFILE_LINUX_4] = 0, [PA_PROFILE_LINUX_5_10] = 16, [PA_PROFILE_LINUX_6] = 0,
		[PA_PROFILE_OPENEULER_5_10] = 16,
	};

	(void)state;
	for (int prof = 0; prof < PA_NR_PROFILES; prof++) {
		struct pa_model *m = boost_model(prof, 0);
		struct pa_request r = { .cpu = 0, .node = -1, .gfp = PA_GFP(MOVABLE), .order = 0 };
		struct pa_prediction p;
		struct pa_zone_state zs;

		assert_int_equal(pa_model_set_pageblock_mt(m, 0, PA_MT_UNMOVABLE), 0);
		seed(m, 0, 1, -1);
		assert_int_equal(pa_alloc(m, &r, &p), 0);
		assert_int_equal(p.pfn, 0);
		assert_int_equal(p.fallback_mt, PA_MT_UNMOVABLE);
		assert_false(p.change_ownership);
		check_ok(m);
		pa_zone_state(m, 0, &zs);
		if ((int64_t)zs.boost != boost[prof])
			fail_msg("%s: boost %llu, expected %lld", pa_profile_name(prof),
				 (unsigned long long)zs.boost, (long long)boost[prof]);
		pa_model_destroy(m);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_claim_refused_movable_neighbours),
		cmocka_unit_test(test_claim_threshold_alike_pages),
		cmocka_unit_test(test_claim_whole_pageblocks),
		cmocka_unit_test(test_boost_on_sub_pageblock),
		cmocka_unit_test(test_free_of_a_free_page_does_not_boost),
		cmocka_unit_test(test_boost_on_single_page_steal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
