/* SPDX-License-Identifier: MIT */
/*
 * Reserves on hand-built zones: highatomic reservation limits and
 * unreservation, watermark boundaries with lowmem_reserve and the
 * ALLOC_HIGH/HARDER/NON_BLOCK discounts. Expected values worked out by
 * hand from mm/page_alloc.c reserve_highatomic_pageblock,
 * unreserve_highatomic_pageblock, gfp_to_alloc_flags, __zone_watermark_ok,
 * zone_watermark_fast (4.4.178, 5.10.7, 6.18).
 */
#include "tests/test_alloc_util.h"

/*
 * Zone Normal [0,4096), orders 0..10, pageblock order 5 (32 pages), free
 * [0-2047] as two o10 blocks (MOVABLE at boot). Watermarks 100/3000/3500:
 * every fast path fails (2048 <= low), the slow path's MIN (100, halved
 * by ALLOC_HIGH, less a quarter for HARDER / NON_BLOCK) passes.
 */
static struct pa_model *ha_model(enum pa_profile prof)
{
	static int16_t nodes[1];
	struct pa_zone_desc zd = {
		.type = PA_ZONE_NORMAL, .start_pfn = 0, .spanned = 4096, .present = 4096,
		.managed = 4096, .wmark_min = 100, .wmark_low = 3000, .wmark_high = 3500,
		.pcp_high = 8, .pcp_batch = 1, .pcp_high_min = 8, .pcp_high_max = 8,
	};
	struct pa_topology t = { .nr_cpus = 1, .cpu_node = nodes, .nr_zones = 1, .zones = &zd,
				 .nr_orders = 11, .pageblock_order = 5 };
	struct pa_model *m = pa_model_create(&t, prof, NULL);

	assert_non_null(m);
	seed(m, 0, 10, -1);
	seed(m, 1024, 10, -1);
	return m;
}

static uint64_t atomic_gfp(enum pa_profile prof)
{
	return prof == PA_PROFILE_LINUX_6 ? GFP_ATOMIC_6 : GFP_ATOMIC_510;
}

static void ha_alloc(struct pa_model *m, uint64_t gfp, uint64_t pfn, enum pa_path path)
{
	struct pa_request r = { .cpu = 0, .node = -1, .gfp = gfp, .order = 4 };
	struct pa_prediction p;

	assert_int_equal(pa_alloc(m, &r, &p), 0);
	if (p.pfn != pfn || p.path != path || !p.needs_slowpath)
		fail_msg("%s: expected pfn %llu path %s, got %llu %s%s",
			 pa_profile_name(pa_model_profile(m)), (unsigned long long)pfn,
			 pa_path_name(path), (unsigned long long)p.pfn, pa_path_name(p.path),
			 p.needs_slowpath ? "" : " on the fast path");
	check_ok(m);
}

/*
 * Five order-4 GFP_ATOMIC allocations (UNMOVABLE, slow path, reserve
 * eligible: 4.4/5.10 ALLOC_HARDER and order > 0; 6.18 ALLOC_HIGHATOMIC):
 *  1. no UNMOVABLE page: claim [0-1023] (all 32 pageblocks UNMOVABLE),
 *     pfn 0; remainders 16/o4 32/o5 64/o6 ... 512/o9. Reserve pageblock
 *     [0-31]: 16/o4 moves to HIGHATOMIC; reserved 32.
 *  2. highatomic list first: 16.
 *  3. highatomic empty: smallest UNMOVABLE is 32/o5 -> 32, 48/o4 left;
 *     reserve [32-63]: reserved 64.
 *  4. 48 from the highatomic list.
 *  5. 64 out of 64/o6 (96/o5, 80/o4 left). The limit decides:
 *     4.4/5.10: managed/100 + pageblock = 40 + 32 = 72 > 64: reserve
 *               [64-95] (80/o4 moves), reserved 96, 3 HIGHATOMIC blocks;
 *     6.18:     ALIGN(managed/100, pageblock) = 64 <= 64: no reserve.
 */
static void test_highatomic_reserve_limit(void **state)
{
	static const uint64_t reserved[PA_NR_PROFILES] = { 96, 96, 64, 96 };

	(void)state;
	for (int prof = 0; prof < PA_NR_PROFILES; prof++) {
		struct pa_model *m = ha_model(prof);
		uint64_t gfp = atomic_gfp(prof);
		struct pa_zone_state zs;

		ha_alloc(m, gfp, 0, PA_PATH_FALLBACK);
		pa_zone_state(m, 0, &zs);
		assert_int_equal(zs.reserved_highatomic, 32);
		assert_int_equal(zs.free_blocks[4][PA_MT_HIGHATOMIC], 1);
		ha_alloc(m, gfp, 16, PA_PATH_HIGHATOMIC);
		ha_alloc(m, gfp, 32, PA_PATH_BUDDY);
		ha_alloc(m, gfp, 48, PA_PATH_HIGHATOMIC);
		ha_alloc(m, gfp, 64, PA_PATH_BUDDY);
		pa_zone_state(m, 0, &zs);
		assert_int_equal(zs.reserved_highatomic, reserved[prof]);
		assert_int_equal(zs.pageblocks[PA_MT_HIGHATOMIC], reserved[prof] / 32);
		assert_int_equal(zs.free_blocks[4][PA_MT_HIGHATOMIC], reserved[prof] == 96);
		pa_model_destroy(m);
	}
}

/*
 * 6.18 gives ALLOC_HIGHATOMIC only with __GFP_HIGH: a GFP_NOWAIT order-4
 * allocation (KSWAPD_RECLAIM only) passes the slow path (NON_BLOCK) but
 * reserves nothing; 5.10 needs __GFP_ATOMIC (ALLOC_HARDER), which
 * GFP_NOWAIT lacks there too. GFP_ATOMIC reserves in both.
 */
static void test_highatomic_needs_high(void **state)
{
	static const enum pa_profile profs[] = { PA_PROFILE_LINUX_6, PA_PROFILE_LINUX_5_10 };

	(void)state;
	for (unsigned i = 0; i < 2; i++) {
		struct pa_model *m = ha_model(profs[i]);
		struct pa_zone_state zs;

		ha_alloc(m, PA_GFP(KSWAPD_RECLAIM), 0, PA_PATH_FALLBACK);
		pa_zone_state(m, 0, &zs);
		assert_int_equal(zs.reserved_highatomic, 0);
		ha_alloc(m, atomic_gfp(profs[i]), 16, PA_PATH_BUDDY);
		pa_zone_state(m, 0, &zs);
		assert_int_equal(zs.reserved_highatomic, 32);
		pa_model_destroy(m);
	}
}

/*
 * Unreserve after the five allocations above (6.18: 2 blocks, 64 pages;
 * 5.10: 3 blocks, 96). Free 16/o4: it lands on the HIGHATOMIC list (its
 * pageblock's type; order 4 is not a pcp order with pageblock order 5).
 * unreserve (not forced): the zone holds more than one reserved block, so
 * the first HIGHATOMIC head (order 0 up: 16/o4) gives its block back:
 * reserve - 32, pageblock [0-31] UNMOVABLE, 16 moves to UNMOVABLE o4.
 *  6.18: 32 left = one block: an unforced unreserve does nothing (0); a
 *        forced one needs a free HIGHATOMIC page: free 48/o4, force: 0 left.
 *  5.10: 64 left: a second unforced unreserve takes 80/o4's block [64-95].
 */
static void test_highatomic_unreserve(void **state)
{
	static const enum pa_profile profs[] = { PA_PROFILE_LINUX_6, PA_PROFILE_LINUX_5_10 };

	(void)state;
	for (unsigned i = 0; i < 2; i++) {
		enum pa_profile prof = profs[i];
		struct pa_model *m = ha_model(prof);
		uint64_t gfp = atomic_gfp(prof);
		uint64_t before;
		struct pa_zone_state zs;

		ha_alloc(m, gfp, 0, PA_PATH_FALLBACK);
		ha_alloc(m, gfp, 16, PA_PATH_HIGHATOMIC);
		ha_alloc(m, gfp, 32, PA_PATH_BUDDY);
		ha_alloc(m, gfp, 48, PA_PATH_HIGHATOMIC);
		ha_alloc(m, gfp, 64, PA_PATH_BUDDY);
		pa_zone_state(m, 0, &zs);
		before = zs.reserved_highatomic;
		assert_int_equal(pa_free(m, 0, 16, 4), PA_FREE_TO_BUDDY);
		pa_zone_state(m, 0, &zs);
		assert_int_equal(zs.free_blocks[4][PA_MT_HIGHATOMIC], prof == PA_PROFILE_LINUX_6 ? 1 : 2);
		assert_int_equal(pa_unreserve_highatomic(m, 0, PA_MT_UNMOVABLE, false), 1);
		check_ok(m);
		pa_zone_state(m, 0, &zs);
		assert_int_equal(zs.reserved_highatomic, before - 32);
		/* 16, and in 6.18 also 80 (its block was never reserved) */
		assert_int_equal(zs.free_blocks[4][PA_MT_UNMOVABLE], prof == PA_PROFILE_LINUX_6 ? 2 : 1);
		if (prof == PA_PROFILE_LINUX_6) {
			assert_int_equal(pa_unreserve_highatomic(m, 0, PA_MT_UNMOVABLE, false), 0);
			assert_int_equal(pa_free(m, 0, 48, 4), PA_FREE_TO_BUDDY);
			assert_int_equal(pa_unreserve_highatomic(m, 0, PA_MT_UNMOVABLE, true), 1);
			pa_zone_state(m, 0, &zs);
			assert_int_equal(zs.reserved_highatomic, 0);
			assert_int_equal(zs.pageblocks[PA_MT_HIGHATOMIC], 0);
		} else {
			assert_int_equal(pa_unreserve_highatomic(m, 0, PA_MT_UNMOVABLE, false), 1);
			pa_zone_state(m, 0, &zs);
			assert_int_equal(zs.reserved_highatomic, 32);
			assert_int_equal(zs.pageblocks[PA_MT_HIGHATOMIC], 1);
		}
		check_ok(m);
		pa_model_destroy(m);
	}
}

/*
 * Watermark boundaries with lowmem_reserve. One DMA32 zone [0,64),
 * pageblock order 4, all pageblocks UNMOVABLE, watermarks 16/20/24,
 * lowmem_reserve[NORMAL] = 8. A GFP_ATOMIC order-0 request (highest zone
 * NORMAL) fails LOW on the fast path; its first slow-path attempt checks
 * MIN 16 - 8 (ALLOC_HIGH) - 2 (HARDER / NON_BLOCK) = 6:
 *  5.10/6.18 add lowmem_reserve[highest_zoneidx = NORMAL]: pass iff
 *            free > 6 + 8 = 14;
 *  4.4 adds lowmem_reserve[classzone_idx], the preferred zone's own type
 *            (DMA32, reserve 0): pass iff free > 6.
 * Free 15 ([1] o0, [2-3] o1, [4-7] o2, [8-15] o3): every profile passes
 * and takes pfn 1 (smallest first). Free 14 (no [1]): 5.10/6.18 fail,
 * 4.4 takes 2 out of [2-3].
 */
static struct pa_model *wm_model(enum pa_profile prof, bool with_pfn1)
{
	static int16_t nodes[1];
	struct pa_zone_desc zd = {
		.type = PA_ZONE_DMA32, .start_pfn = 0, .spanned = 64, .present = 64,
		.managed = 64, .wmark_min = 16, .wmark_low = 20, .wmark_high = 24,
		.lowmem_reserve = { [PA_ZONE_NORMAL] = 8, [PA_ZONE_MOVABLE] = 8 },
		.pcp_high = 8, .pcp_batch = 1, .pcp_high_min = 8, .pcp_high_max = 8,
	};
	struct pa_topology t = { .nr_cpus = 1, .cpu_node = nodes, .nr_zones = 1, .zones = &zd,
				 .nr_orders = 6, .pageblock_order = 4 };
	struct pa_model *m = pa_model_create(&t, prof, NULL);

	assert_non_null(m);
	for (uint64_t pfn = 0; pfn < 64; pfn += 16)
		assert_int_equal(pa_model_set_pageblock_mt(m, pfn, PA_MT_UNMOVABLE), 0);
	if (with_pfn1)
		seed(m, 1, 0, -1);
	seed(m, 2, 1, -1);
	seed(m, 4, 2, -1);
	seed(m, 8, 3, -1);
	return m;
}

static void test_watermark_boundary_lowmem_reserve(void **state)
{
	(void)state;
	for (int prof = 0; prof < PA_NR_PROFILES; prof++) {
		struct pa_request r = { .cpu = 0, .node = -1, .gfp = atomic_gfp(prof), .order = 0 };
		struct pa_prediction p;
		struct pa_model *m = wm_model(prof, true);
		bool k44 = prof == PA_PROFILE_LINUX_4;

		pa_predict(m, &r, &p);
		assert_true(p.needs_slowpath);
		assert_true(p.success);
		assert_int_equal(p.pfn, 1);
		pa_model_destroy(m);

		m = wm_model(prof, false);
		pa_predict(m, &r, &p);
		assert_true(p.needs_slowpath);
		if (p.success != k44 || p.pfn != (k44 ? 2 : PA_PFN_NONE))
			fail_msg("%s: free 14: success %d pfn %llu", pa_profile_name(prof),
				 p.success, (unsigned long long)p.pfn);
		/* GFP_DMA32 has highest zone DMA32: reserve 0 everywhere, 14 > 6 */
		r.gfp |= PA_GFP(DMA32);
		pa_predict(m, &r, &p);
		assert_true(p.success);
		assert_int_equal(p.pfn, 2);
		pa_model_destroy(m);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_highatomic_reserve_limit),
		cmocka_unit_test(test_highatomic_needs_high),
		cmocka_unit_test(test_highatomic_unreserve),
		cmocka_unit_test(test_watermark_boundary_lowmem_reserve),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
