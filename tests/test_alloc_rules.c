/* SPDX-License-Identifier: MIT */
/*
 * Single rules of the allocator model, each on a small hand-built zone with
 * the expected pfns worked out by hand from mm/page_alloc.c (6.18 unless a
 * test says otherwise): fallback details as mm_page_alloc_extfrag reports
 * them, watermarks with lowmem_reserve across a zonelist, the highatomic
 * reserve, and a pcp difference between kernel generations.
 */
#include "tests/test_alloc_util.h"

/*
 * Fallback zone: [0,128), orders 0..7, pageblock order 6 (64 pages, so the
 * claim threshold 1 << (pageblock_order - 1) is 32 pages and
 * should_try_claim_block accepts orders >= 3). Order-4 requests bypass the
 * pcp lists (pcp_allowed_order: order <= 3 or the THP order, here 6), so
 * pa_predict reports PA_PATH_FALLBACK itself. Watermarks are zero.
 */
static struct pa_model *fallback_zone(void)
{
	return small_model(PA_PROFILE_LINUX_6, 0, 128, 7, 6, 1, 8, 1);
}

static void expect_fallback(const struct pa_model *m, uint64_t pfn, unsigned fallback_order,
			    bool claimed)
{
	struct pa_request r = { .cpu = 0, .node = -1, .gfp = GFP_MOVABLE_, .order = 4 };
	struct pa_prediction p;

	assert_int_equal(pa_predict(m, &r, &p), 0);
	assert_true(p.success);
	assert_int_equal(p.pfn, pfn);
	assert_int_equal(p.path, PA_PATH_FALLBACK);
	assert_int_equal(p.migratetype, PA_MT_MOVABLE);
	assert_int_equal(p.fallback_mt, PA_MT_UNMOVABLE);
	assert_int_equal(p.fallback_order, fallback_order);
	assert_int_equal(p.change_ownership, claimed);
}

static void commit_movable_o4(struct pa_model *m, uint64_t pfn)
{
	struct pa_request r = { .cpu = 0, .node = -1, .gfp = GFP_MOVABLE_, .order = 4 };
	struct pa_prediction p;

	assert_int_equal(pa_alloc(m, &r, &p), 0);
	assert_int_equal(p.pfn, pfn);
	check_ok(m);
}

/*
 * (a) Pageblock [0-63] UNMOVABLE and wholly free as one order-6 block;
 * nothing else free. MOVABLE order 4: __rmqueue_smallest finds nothing,
 * __rmqueue_claim scans from the top order down and finds the order-6
 * UNMOVABLE block (fallbacks[MOVABLE] = RECLAIMABLE, UNMOVABLE).
 * current_order 6 >= pageblock_order: try_to_claim_block retypes the range
 * and expands with MOVABLE: pfn 0 handed out, [32-63] o5 and [16-31] o4 on
 * the MOVABLE lists. extfrag: fallback_order 6, fallback_mt UNMOVABLE,
 * change_ownership 1 (the pageblock now has the request's type).
 */
static void test_fallback_claims_whole_pageblock(void **state)
{
	struct pa_model *m = fallback_zone();
	struct pa_zone_state before, after;

	(void)state;
	assert_int_equal(pa_model_set_pageblock_mt(m, 0, PA_MT_UNMOVABLE), 0);
	seed(m, 0, 6, PA_MT_UNMOVABLE);
	check_ok(m);
	expect_fallback(m, 0, 6, true);
	pa_zone_state(m, 0, &before);
	commit_movable_o4(m, 0);
	pa_zone_state(m, 0, &after);
	assert_int_equal(after.pageblocks[PA_MT_UNMOVABLE], before.pageblocks[PA_MT_UNMOVABLE] - 1);
	assert_int_equal(after.pageblocks[PA_MT_MOVABLE], before.pageblocks[PA_MT_MOVABLE] + 1);
	assert_int_equal(after.free_blocks[5][PA_MT_MOVABLE], 1);
	assert_int_equal(after.free_blocks[4][PA_MT_MOVABLE], 1);
	assert_int_equal(after.free_blocks[6][PA_MT_UNMOVABLE], 0);
	pa_model_destroy(m);
}

/*
 * Pageblock [0-63]: pages [16, 16 + nr_movable) allocated by MOVABLE
 * requests (they stand for PageLRU pages), [0-15] free as one order-4
 * block on the UNMOVABLE list, the rest allocated (not movable). The
 * movable pages are put there while the block is MOVABLE, then the block
 * is retyped UNMOVABLE before [0-15] is seeded.
 */
static struct pa_model *small_block_zone(unsigned nr_movable)
{
	static const struct { uint64_t pfn; unsigned order; } parts[] = {
		{ 16, 3 }, { 24, 2 }, { 28, 1 }, { 30, 0 }, { 31, 0 },
	};
	struct pa_model *m = fallback_zone();
	unsigned done = 0;

	assert_int_equal(pa_model_set_pageblock_mt(m, 0, PA_MT_MOVABLE), 0);
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]) && done < nr_movable; i++) {
		seed(m, parts[i].pfn, parts[i].order, PA_MT_MOVABLE);
		assert_int_equal(pa_apply_alloc(m, 0, parts[i].pfn, parts[i].order, PA_MT_MOVABLE),
				 PA_APPLY_FROM_BUDDY);
		done += 1u << parts[i].order;
	}
	assert_int_equal(done, nr_movable);
	assert_int_equal(pa_model_set_pageblock_mt(m, 0, PA_MT_UNMOVABLE), 0);
	seed(m, 0, 4, PA_MT_UNMOVABLE);
	check_ok(m);
	return m;
}

/*
 * (b) 16 free + 15 movable = 31 < 32. Single node: the first pass has
 * ALLOC_NOFRAGMENT (alloc_flags_nofragment on UMA), so __rmqueue_claim
 * starts at pageblock_order and finds nothing, and stealing is not allowed;
 * get_page_from_freelist retries without it. Then __rmqueue_claim reaches
 * the order-4 UNMOVABLE block, try_to_claim_block counts free 16 +
 * alike 15 (start type MOVABLE: alike = movable pages) < 32: no claim;
 * order 3 is empty and order 2 is below pageblock_order / 2 (-2, stop).
 * __rmqueue_steal takes [0-15] with the block's type: pfn 0, extfrag
 * fallback_order 4, change_ownership 0, pageblock still UNMOVABLE.
 */
static void test_fallback_steals_below_threshold(void **state)
{
	struct pa_model *m = small_block_zone(15);
	struct pa_zone_state before, after;

	(void)state;
	expect_fallback(m, 0, 4, false);
	pa_zone_state(m, 0, &before);
	commit_movable_o4(m, 0);
	pa_zone_state(m, 0, &after);
	assert_int_equal(after.pageblocks[PA_MT_UNMOVABLE], before.pageblocks[PA_MT_UNMOVABLE]);
	assert_int_equal(after.free_blocks[4][PA_MT_UNMOVABLE], 0);
	pa_model_destroy(m);
}

/*
 * (c) The same with [31] also allocated as MOVABLE: free 16 + alike 16 =
 * 32 >= 32, so try_to_claim_block moves [0-15] to the MOVABLE list,
 * retypes the pageblock and __rmqueue_smallest(MOVABLE) takes pfn 0.
 * extfrag: fallback_order 4 (current_order), change_ownership 1.
 */
static void test_fallback_claims_at_threshold(void **state)
{
	struct pa_model *m = small_block_zone(16);
	struct pa_zone_state before, after;

	(void)state;
	expect_fallback(m, 0, 4, true);
	pa_zone_state(m, 0, &before);
	commit_movable_o4(m, 0);
	pa_zone_state(m, 0, &after);
	assert_int_equal(after.pageblocks[PA_MT_UNMOVABLE], before.pageblocks[PA_MT_UNMOVABLE] - 1);
	assert_int_equal(after.pageblocks[PA_MT_MOVABLE], before.pageblocks[PA_MT_MOVABLE] + 1);
	pa_model_destroy(m);
}

/*
 * Node 0 with DMA32 [0,64) and Normal [64,128), cpu 0 on node 0. DMA32:
 * min/low/high 4/8/12, lowmem_reserve[NORMAL] 16; its pageblocks are
 * UNMOVABLE so GFP_KERNEL takes plain __rmqueue_smallest blocks. Normal has
 * no free page, so a GFP_KERNEL request (highest_zoneidx NORMAL, zonelist
 * Normal then DMA32) can only be served by DMA32 against
 * mark + lowmem_reserve[NORMAL]. `nr_free` pages are seeded at pfn 0 as
 * the largest aligned blocks (o4 at 0, then smaller ones after it).
 */
static struct pa_model *two_zone_model(uint64_t nr_free)
{
	static int16_t nodes[1];
	static struct pa_zone_desc zd[2] = {
		{ .type = PA_ZONE_DMA32, .start_pfn = 0, .spanned = 64, .present = 64,
		  .managed = 64, .wmark_min = 4, .wmark_low = 8, .wmark_high = 12,
		  .lowmem_reserve = { [PA_ZONE_NORMAL] = 16, [PA_ZONE_MOVABLE] = 16 },
		  .pcp_high = 8, .pcp_batch = 2, .pcp_high_min = 8, .pcp_high_max = 8 },
		{ .type = PA_ZONE_NORMAL, .start_pfn = 64, .spanned = 64, .present = 64,
		  .managed = 64, .pcp_high = 8, .pcp_batch = 2, .pcp_high_min = 8,
		  .pcp_high_max = 8 },
	};
	struct pa_topology t = { .nr_cpus = 1, .cpu_node = nodes, .nr_zones = 2, .zones = zd,
				 .nr_orders = 6, .pageblock_order = 4 };
	struct pr_error err = { 0 };
	struct pa_model *m = pa_model_create(&t, PA_PROFILE_LINUX_6, &err);
	uint64_t pfn = 0;

	if (!m)
		fail_msg("create: %s", err.msg);
	for (uint64_t b = 0; b < 64; b += 16)
		assert_int_equal(pa_model_set_pageblock_mt(m, b, PA_MT_UNMOVABLE), 0);
	while (pfn < nr_free) {
		unsigned o = 4;

		while ((pfn & ((1u << o) - 1)) || pfn + (1u << o) > nr_free)
			o--;
		seed(m, pfn, o, PA_MT_UNMOVABLE);
		pfn += 1u << o;
	}
	check_ok(m);
	return m;
}

static void predict_kernel(const struct pa_model *m, struct pa_prediction *p)
{
	struct pa_request r = { .cpu = 0, .node = -1, .gfp = GFP_KERNEL_, .order = 0 };

	int rc = pa_predict(m, &r, p);

	/* pa_predict returns -1 exactly when the prediction is a failure */
	assert_int_equal(rc, p->success ? 0 : -1);
}

/*
 * __zone_watermark_ok fails when free <= mark + lowmem_reserve (strict >
 * to pass); zone_watermark_fast's order-0 shortcut uses the same test.
 * Fast path: ALLOC_WMARK_LOW, so DMA32 needs free > 8 + 16 = 24.
 *   25 free ([0-15] o4, [16-23] o3, [24] o0): passes; smallest-first
 *      refill takes the o0 block 24 first.
 */
static void test_watermark_reserve_fast_path_boundary(void **state)
{
	struct pa_model *m = two_zone_model(25);
	struct pa_prediction p;

	(void)state;
	predict_kernel(m, &p);
	assert_true(p.success);
	assert_false(p.needs_slowpath);
	assert_int_equal(p.zone, 0);
	assert_int_equal(p.pfn, 24);
	assert_int_equal(p.path, PA_PATH_PCP_REFILL);
	pa_model_destroy(m);
}

/*
 * 24 free (= low + reserve): every zone fails the fast path. The slow
 * path's first attempt (gfp_to_alloc_flags: ALLOC_WMARK_MIN, no
 * __GFP_HIGH) needs free > 4 + 16 = 20: passes. The block: smallest order
 * with a free block is o3 at 16, split down, 16 handed out.
 */
static void test_watermark_reserve_slowpath_min(void **state)
{
	struct pa_model *m = two_zone_model(24);
	struct pa_prediction p;

	(void)state;
	predict_kernel(m, &p);
	assert_true(p.needs_slowpath);
	assert_true(p.success);
	assert_int_equal(p.zone, 0);
	assert_int_equal(p.pfn, 16);
	pa_model_destroy(m);
}

/*
 * 21 free ([0-15] o4, [16-19] o2, [20] o0) passes MIN (21 > 20): pfn 20.
 * 20 free (= min + reserve) fails MIN too: PA_PATH_SLOWPATH, no pfn.
 */
static void test_watermark_reserve_min_boundary(void **state)
{
	struct pa_model *m = two_zone_model(21);
	struct pa_prediction p;

	(void)state;
	predict_kernel(m, &p);
	assert_true(p.needs_slowpath);
	assert_true(p.success);
	assert_int_equal(p.pfn, 20);
	pa_model_destroy(m);

	m = two_zone_model(20);
	predict_kernel(m, &p);
	assert_true(p.needs_slowpath);
	assert_false(p.success);
	assert_int_equal(p.pfn, PA_PFN_NONE);
	assert_int_equal(p.path, PA_PATH_SLOWPATH);
	/* The same pages serve a GFP_DMA32 request: highest_zoneidx DMA32,
	 * reserve 0, 20 > low 8. */
	struct pa_request r = { .cpu = 0, .node = -1, .gfp = GFP_KERNEL_ | PA_GFP(DMA32),
				.order = 0 };
	assert_int_equal(pa_predict(m, &r, &p), 0);
	assert_false(p.needs_slowpath);
	assert_true(p.success);
	assert_int_equal(p.pfn, 16);
	pa_model_destroy(m);
}

/*
 * Highatomic zone: [0,4096), orders 0..10, pageblock order 5 (32 pages),
 * min/low/high 64/80/96. reserve_highatomic_pageblock needs managed/100
 * (40) >= a pageblock; the cap is ALIGN(40, 32) = 64 pages. Free: the two
 * UNMOVABLE pageblocks [0-31] and [64-95] as order-5 blocks (list order
 * 0, 64; not buddies of each other); the rest allocated. Order-4 requests skip the pcp lists.
 */
static struct pa_model *highatomic_zone(void)
{
	static int16_t nodes[1];
	static const struct pa_zone_desc zd = {
		.type = PA_ZONE_NORMAL, .start_pfn = 0, .spanned = 4096, .present = 4096,
		.managed = 4096, .wmark_min = 64, .wmark_low = 80, .wmark_high = 96,
		.pcp_high = 8, .pcp_batch = 2, .pcp_high_min = 8, .pcp_high_max = 8,
	};
	struct pa_topology t = { .nr_cpus = 1, .cpu_node = nodes, .nr_zones = 1, .zones = &zd,
				 .nr_orders = 11, .pageblock_order = 5 };
	struct pr_error err = { 0 };
	struct pa_model *m = pa_model_create(&t, PA_PROFILE_LINUX_6, &err);

	if (!m)
		fail_msg("create: %s", err.msg);
	assert_int_equal(pa_model_set_pageblock_mt(m, 0, PA_MT_UNMOVABLE), 0);
	assert_int_equal(pa_model_set_pageblock_mt(m, 64, PA_MT_UNMOVABLE), 0);
	seed(m, 0, 5, PA_MT_UNMOVABLE);
	seed(m, 64, 5, PA_MT_UNMOVABLE);
	check_ok(m);
	return m;
}

/*
 * GFP_ATOMIC (6.x: __GFP_HIGH | __GFP_KSWAPD_RECLAIM) order 4, 64 free.
 * Fast path (ALLOC_WMARK_LOW): 64 - 15 = 49 <= 80 fails. Slow path:
 * gfp_to_alloc_flags gives ALLOC_MIN_RESERVE | ALLOC_NON_BLOCK and, order
 * > 0, ALLOC_HIGHATOMIC; min 64 -> 32 -> 24, 49 > 24 passes. rmqueue_buddy:
 * no HIGHATOMIC block, __rmqueue_smallest(UNMOVABLE) splits [0-31]: pfn 0,
 * [16-31] o4 left. reserve_highatomic_pageblock(pfn 0, order 4 < pbo):
 * move_freepages_block retypes [0-31] HIGHATOMIC, moving [16-31] to the
 * HIGHATOMIC list; nr_reserved_highatomic += 32.
 * The next such request: fast path now also discounts the 32 reserved
 * (48 - 15 - 32 = 1) and fails; the slow path (ALLOC_RESERVES: no
 * discount, 33 > 24) takes __rmqueue_smallest(HIGHATOMIC) first: pfn 16.
 * Its pageblock is HIGHATOMIC, not mergeable: nothing more reserved.
 */
static void test_highatomic_reserve_and_use(void **state)
{
	struct pa_model *m = highatomic_zone();
	struct pa_request r = { .cpu = 0, .node = -1, .gfp = GFP_ATOMIC_6, .order = 4 };
	struct pa_prediction p;
	struct pa_zone_state zs;

	(void)state;
	assert_int_equal(pa_alloc(m, &r, &p), 0);
	assert_true(p.needs_slowpath);
	assert_int_equal(p.pfn, 0);
	check_ok(m);
	pa_zone_state(m, 0, &zs);
	assert_int_equal(zs.reserved_highatomic, 32);
	assert_int_equal(zs.pageblocks[PA_MT_HIGHATOMIC], 1);
	assert_int_equal(zs.free_blocks[4][PA_MT_HIGHATOMIC], 1);
	assert_int_equal(zs.free_blocks[4][PA_MT_UNMOVABLE], 0);

	assert_int_equal(pa_alloc(m, &r, &p), 0);
	assert_true(p.needs_slowpath);
	assert_int_equal(p.pfn, 16);
	assert_int_equal(p.path, PA_PATH_HIGHATOMIC);
	check_ok(m);
	pa_zone_state(m, 0, &zs);
	assert_int_equal(zs.reserved_highatomic, 32);
	assert_int_equal(zs.free_blocks[5][PA_MT_UNMOVABLE], 1);
	pa_model_destroy(m);
}

/*
 * unreserve_highatomic_pageblock after the first reservation above:
 * without force a zone keeps its last pageblock (32 <= 32: skipped, 0).
 * With force the order-4 HIGHATOMIC block [16-31] is found, the count
 * drops by max(pageblock, 16) = 32 to 0, move_freepages_block moves it to
 * the caller's migratetype (MOVABLE here) and retypes the pageblock.
 */
static void test_highatomic_unreserve(void **state)
{
	struct pa_model *m = highatomic_zone();
	struct pa_request r = { .cpu = 0, .node = -1, .gfp = GFP_ATOMIC_6, .order = 4 };
	struct pa_prediction p;
	struct pa_zone_state before, zs;

	(void)state;
	assert_int_equal(pa_alloc(m, &r, &p), 0);
	pa_zone_state(m, 0, &before);
	assert_int_equal(before.reserved_highatomic, 32);
	assert_int_equal(pa_unreserve_highatomic(m, 0, PA_MT_MOVABLE, false), 0);
	pa_zone_state(m, 0, &zs);
	assert_int_equal(zs.reserved_highatomic, 32);
	assert_int_equal(pa_unreserve_highatomic(m, 0, PA_MT_MOVABLE, true), 1);
	check_ok(m);
	pa_zone_state(m, 0, &zs);
	assert_int_equal(zs.reserved_highatomic, 0);
	assert_int_equal(zs.pageblocks[PA_MT_HIGHATOMIC], 0);
	assert_int_equal(zs.pageblocks[PA_MT_MOVABLE], before.pageblocks[PA_MT_MOVABLE] + 1);
	assert_int_equal(zs.free_blocks[4][PA_MT_HIGHATOMIC], 0);
	assert_int_equal(zs.free_blocks[4][PA_MT_MOVABLE], 1);
	assert_int_equal(pa_free_block_of(m, 20, NULL) == 16, 1);
	pa_model_destroy(m);
}

/*
 * Order-1 pcp lists exist only in 6.x. Zone [0,64), orders 0..5, pageblock
 * order 4, all MOVABLE. Free: [16-31] o4, then [2-3] o1 (its buddy [0-1]
 * is allocated). The kernel hands out [16-17] o1 from inside [16-31]:
 * expand leaves [18-19] o1, [20-23] o2, [24-31] o3. Then [16-17] is freed
 * and an order-1 MOVABLE request follows.
 *  5.10: free_unref_page is order 0 only: __free_one_page merges 16 with
 *        18, 20, 24 back into [16-31] o4; the o1 list holds only 2, and
 *        __rmqueue_smallest returns 2 (PA_PATH_BUDDY).
 *  6.x:  pcp_allowed_order(1): [16-17] goes to the order-1 MOVABLE pcp
 *        list (count 2 < high 8, no drain) and rmqueue_pcplist returns
 *        its head, 16 (PA_PATH_PCP).
 */
static void order1_free_then_alloc(enum pa_profile prof, uint64_t pfn, enum pa_path path,
				   int free_result)
{
	struct pa_model *m = small_model(prof, 0, 64, 5, 4, 2, 8, 1);
	const struct op ops[] = {
		APPLY(0, 16, 1, PA_MT_MOVABLE, PA_APPLY_FROM_BUDDY),
		FREE(0, 16, 1, free_result),
		ALLOC(0, GFP_MOVABLE_, 1, pfn, path),
		END,
	};

	seed(m, 16, 4, -1);
	seed(m, 2, 1, -1);
	check_ok(m);
	run_ops(m, ops);
	pa_model_destroy(m);
}

static void test_order1_pcp_510_vs_6(void **state)
{
	(void)state;
	order1_free_then_alloc(PA_PROFILE_LINUX_5_10, 2, PA_PATH_BUDDY, PA_FREE_TO_BUDDY);
	order1_free_then_alloc(PA_PROFILE_LINUX_6, 16, PA_PATH_PCP, PA_FREE_TO_PCP);
}

/*
 * compaction's fast_isolate_freepages, one call (allocator/fast_search.c).
 * Twenty order-2 movable blocks at 0, 8, .. 152 (seeded head to tail), all
 * below min_pfn 0x800, and an order-1 block at 0xc00 above low_pfn. For
 * cc->order 9 the search walks order 8 down: order 2 from its tail, 16
 * entries (the limit), nothing; the limit halves; order 1 at once finds
 * 0xc00. nr_scanned: 16 + 1 + the block's second page. Applied with
 * rotate_walked, move_freelist_head cuts the order-2 list at the 16th from
 * the tail (32): it heads the list, and the next order-2 request gets it;
 * without, the list is untouched and the request gets 0.
 */
static void test_fast_search_walk(void **state)
{
	(void)state;
	for (int walked = 0; walked < 2; walked++) {
		struct pa_model *m = small_model(PA_PROFILE_LINUX_6, 0, 4096, 10, 9, 1, 8, 1);
		struct pa_fast_search s = { .cc_order = 9, .search_order = 9, .limit = 16,
					    .min_pfn = 0x800, .low_pfn = 0xc00,
					    .rotate_walked = walked };
		struct pa_request r = { .cpu = 0, .node = -1, .gfp = GFP_MOVABLE_, .order = 2 };
		struct pa_prediction p;

		for (uint64_t i = 0; i < 20; i++)
			seed(m, 8 * i, 2, PA_MT_MOVABLE);
		seed(m, 0xc00, 1, PA_MT_MOVABLE);
		pa_fast_search_try(m, 0, &s);
		assert_int_equal(s.scanned, 18);
		assert_int_equal(s.pfn, 0xc00);
		assert_int_equal(s.order, 1);
		assert_true(s.preferred);
		assert_int_equal(s.next_search_order, 1);
		pa_fast_search_apply(m, 0, &s);
		check_ok(m);
		assert_int_equal(pa_predict(m, &r, &p), 0);
		assert_int_equal(p.pfn, walked ? 32 : 0);
		pa_model_destroy(m);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fast_search_walk),
		cmocka_unit_test(test_fallback_claims_whole_pageblock),
		cmocka_unit_test(test_fallback_steals_below_threshold),
		cmocka_unit_test(test_fallback_claims_at_threshold),
		cmocka_unit_test(test_watermark_reserve_fast_path_boundary),
		cmocka_unit_test(test_watermark_reserve_slowpath_min),
		cmocka_unit_test(test_watermark_reserve_min_boundary),
		cmocka_unit_test(test_highatomic_reserve_and_use),
		cmocka_unit_test(test_highatomic_unreserve),
		cmocka_unit_test(test_order1_pcp_510_vs_6),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
