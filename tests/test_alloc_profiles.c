/* SPDX-License-Identifier: MIT */
/*
 * Per-profile differences (the same script, different expected results),
 * and long seeded random alloc/free runs under every profile with the
 * invariant checker after every step.
 */
#include "tests/test_alloc_util.h"

#include <stdlib.h>

/*
 * A single-page steal. Zone [0,64), orders 0..5, pageblock order 4, pcp
 * batch 1. Pageblock [0-15] is UNMOVABLE with [0-1] o1 free; nothing else
 * is free. A MOVABLE order-0 request: NOFRAGMENT fails the first pass, the
 * second falls back to the UNMOVABLE o1 block (too small to claim).
 *  5.10: steal_suitable_fallback moves the block to the MOVABLE list, then
 *        __rmqueue_smallest(MOVABLE) splits it: [1] lands on MOVABLE o0.
 *  6.18: __rmqueue_steal splits it with the block's type: [1] stays on
 *        UNMOVABLE o0 (the pageblock is not touched).
 */
static void steal_remainder(enum pa_profile prof, int remainder_mt)
{
	struct pa_model *m = small_model(prof, 0, 64, 5, 4, 1, 8, 1);
	const struct op ops[] = {
		ALLOC(0, GFP_MOVABLE_, 0, 0, PA_PATH_PCP_REFILL),
		EXPECT_FREE(0, remainder_mt, 1),
		END,
	};
	struct pa_request r = { .cpu = 0, .node = -1, .gfp = GFP_MOVABLE_, .order = 0 };
	struct pa_prediction p;

	assert_int_equal(pa_model_set_pageblock_mt(m, 0, PA_MT_UNMOVABLE), 0);
	seed(m, 0, 1, -1);
	pa_predict(m, &r, &p);
	assert_int_equal(p.fallback_mt, PA_MT_UNMOVABLE);
	assert_int_equal(p.fallback_order, 1);
	assert_false(p.change_ownership);
	run_ops(m, ops);
	pa_model_destroy(m);
}

static void test_steal_remainder_510(void **state)
{
	(void)state;
	steal_remainder(PA_PROFILE_LINUX_5_10, PA_MT_MOVABLE);
}

static void test_steal_remainder_6(void **state)
{
	(void)state;
	steal_remainder(PA_PROFILE_LINUX_6, PA_MT_UNMOVABLE);
}

/* Order-1 frees: pcp lists in 6.x, buddy lists before. */
static void test_high_order_pcp(void **state)
{
	static const int expect[PA_NR_PROFILES] = {
		[PA_PROFILE_LINUX_4] = PA_FREE_TO_BUDDY, [PA_PROFILE_LINUX_5_10] = PA_FREE_TO_BUDDY,
		[PA_PROFILE_LINUX_6] = PA_FREE_TO_PCP,
		[PA_PROFILE_OPENEULER_5_10] = PA_FREE_TO_BUDDY,
	};

	(void)state;
	for (int p = 0; p < PA_NR_PROFILES; p++) {
		struct pa_model *m = small_model(p, 0, 64, 5, 4, 2, 8, 1);

		assert_int_equal(pa_free(m, 0, 2, 1), expect[p]);
		check_ok(m);
		pa_model_destroy(m);
	}
}

/*
 * Watermark with lowmem_reserve (linux-6): DMA32 [0,64) with 32 free,
 * min/low/high 4/8/12, lowmem_reserve[NORMAL] 24. A GFP_KERNEL request
 * (highest zone NORMAL) uses the reserve: free 32 > low 8 + 24 fails
 * (32 <= 32), so the fast path fails; the slow path at MIN passes
 * (32 > 4 + 24) and takes pfn 0 with needs_slowpath. A GFP_DMA32
 * request (highest zone DMA32, reserve 0) passes the fast path.
 */
static void test_watermark_lowmem_reserve(void **state)
{
	static int16_t nodes[1];
	struct pa_zone_desc zd = {
		.type = PA_ZONE_DMA32, .start_pfn = 0, .spanned = 64, .present = 64,
		.managed = 64, .wmark_min = 4, .wmark_low = 8, .wmark_high = 12,
		.lowmem_reserve = { [PA_ZONE_NORMAL] = 24, [PA_ZONE_MOVABLE] = 24 },
		.pcp_high = 8, .pcp_batch = 2,
	};
	struct pa_topology t = { .nr_cpus = 1, .cpu_node = nodes, .nr_zones = 1, .zones = &zd,
				 .nr_orders = 6, .pageblock_order = 4 };
	struct pa_model *m = pa_model_create(&t, PA_PROFILE_LINUX_6, NULL);
	struct pa_request r = { .cpu = 0, .node = -1, .gfp = GFP_KERNEL_, .order = 0 };
	struct pa_prediction p;

	(void)state;
	assert_non_null(m);
	seed(m, 0, 5, -1);
	assert_int_equal(pa_predict(m, &r, &p), 0);
	assert_true(p.needs_slowpath);
	assert_int_equal(p.pfn, 0);
	r.gfp = GFP_KERNEL_ | PA_GFP(DMA32);
	assert_int_equal(pa_predict(m, &r, &p), 0);
	assert_false(p.needs_slowpath);
	assert_int_equal(p.path, PA_PATH_PCP_REFILL);
	pa_model_destroy(m);
}

/*
 * Freeing an order-5 block over two pageblocks of different types (zone
 * [0,64), pageblock order 4; [0-15] UNMOVABLE, [16-31] MOVABLE):
 *  6.x (split_large_buddy): each pageblock is freed with its own type;
 *      the MOVABLE half then merges with the UNMOVABLE one (both
 *      mergeable) and retypes it: one o5 block on the MOVABLE list, every
 *      pageblock MOVABLE.
 *  4.4/5.10: one o5 block with the first page's type, UNMOVABLE; the
 *      second pageblock keeps its MOVABLE type.
 */
static void test_free_across_pageblocks(void **state)
{
	(void)state;
	for (int prof = 0; prof < PA_NR_PROFILES; prof++) {
		struct pa_model *m = small_model(prof, 0, 64, 5, 4, 2, 8, 1);
		bool k6 = prof == PA_PROFILE_LINUX_6;
		struct pa_zone_state zs;

		assert_int_equal(pa_model_set_pageblock_mt(m, 0, PA_MT_UNMOVABLE), 0);
		assert_int_equal(pa_free(m, 0, 0, 5), PA_FREE_TO_BUDDY);
		check_ok(m);
		pa_zone_state(m, 0, &zs);
		assert_int_equal(zs.free_blocks[5][k6 ? PA_MT_MOVABLE : PA_MT_UNMOVABLE], 1);
		assert_int_equal(zs.pageblocks[PA_MT_UNMOVABLE], k6 ? 0 : 1);
		pa_model_destroy(m);
	}
}

/*
 * ALLOC_NOFRAGMENT (5.10+): node 0 with DMA32 [0,64) and Normal [64,128),
 * watermarks 0/0/10 (4.4 fair batch 10). Free: [0-3] o2 in an UNMOVABLE
 * pageblock of DMA32, [64-67] o2 in a MOVABLE pageblock of Normal. A
 * GFP_KERNEL order-0 request (UNMOVABLE):
 *  5.10/6.x: in Normal only a sub-pageblock fallback is possible, which
 *            NOFRAGMENT forbids; the zonelist goes on to DMA32, which has
 *            UNMOVABLE pages: pfn 0.
 *  4.4:      Normal falls back to the MOVABLE block at once: pfn 64.
 */
static void test_nofragment_prefers_dma32(void **state)
{
	static int16_t nodes[1];
	struct pa_zone_desc zd[2] = {
		{ .type = PA_ZONE_DMA32, .start_pfn = 0, .spanned = 64, .present = 64,
		  .managed = 64, .wmark_high = 10, .pcp_high = 8, .pcp_batch = 1 },
		{ .type = PA_ZONE_NORMAL, .start_pfn = 64, .spanned = 64, .present = 64,
		  .managed = 64, .wmark_high = 10, .pcp_high = 8, .pcp_batch = 1 },
	};
	struct pa_topology t = { .nr_cpus = 1, .cpu_node = nodes, .nr_zones = 2, .zones = zd,
				 .nr_orders = 6, .pageblock_order = 4 };

	(void)state;
	for (int prof = 0; prof < PA_NR_PROFILES; prof++) {
		struct pa_model *m = pa_model_create(&t, prof, NULL);
		struct pa_request r = { .cpu = 0, .node = -1, .gfp = GFP_KERNEL_, .order = 0 };
		struct pa_prediction p;

		assert_non_null(m);
		assert_int_equal(pa_model_set_pageblock_mt(m, 0, PA_MT_UNMOVABLE), 0);
		seed(m, 0, 2, -1);
		seed(m, 64, 2, -1);
		assert_int_equal(pa_alloc(m, &r, &p), 0);
		assert_int_equal(p.pfn, prof == PA_PROFILE_LINUX_4 ? 64 : 0);
		assert_int_equal(p.fallback_mt, prof == PA_PROFILE_LINUX_4 ? PA_MT_MOVABLE : -1);
		check_ok(m);
		pa_model_destroy(m);
	}
}

/*
 * pcp drain order. Zone [0,64), pageblock order 4, pcp batch 2 high 4;
 * pageblock [0-15] UNMOVABLE. Frees of 0, 1 (UNMOVABLE list: [1,0]) and
 * 16, 17 (MOVABLE list: [17,16]); the 4th free reaches high: drain 2.
 *  4.4/5.10 free_pcppages_bulk: round robin starting after UNMOVABLE, so
 *      MOVABLE first, one page (its tail: 16), then RECLAIMABLE is empty
 *      and UNMOVABLE gets the rest of the batch: 0.
 *  6.x: starts at the list just freed to (MOVABLE) and empties it from
 *      the tail: 16, then 17.
 */
static void drain_order(enum pa_profile prof, uint64_t second)
{
	struct pa_model *m = small_model(prof, 0, 64, 5, 4, 2, 4, 1);
	const struct op ops[] = {
		FREE(0, 0, 0, PA_FREE_TO_PCP), FREE(0, 1, 0, PA_FREE_TO_PCP),
		FREE(0, 16, 0, PA_FREE_TO_PCP), FREE(0, 17, 0, PA_FREE_TO_PCP),
		DRAIN_NEXT(0, 16), DRAIN(0, 16, 0),
		DRAIN_NEXT(0, second), DRAIN(0, second, 0),
		END,
	};

	assert_int_equal(pa_model_set_pageblock_mt(m, 0, PA_MT_UNMOVABLE), 0);
	run_ops(m, ops);
	assert_int_equal(pa_pending_drain(m, 0, 0), 0);
	pa_model_destroy(m);
}

static void test_drain_order_510(void **state)
{
	(void)state;
	drain_order(PA_PROFILE_LINUX_5_10, 0);
	drain_order(PA_PROFILE_LINUX_4, 0);
}

static void test_drain_order_6(void **state)
{
	(void)state;
	drain_order(PA_PROFILE_LINUX_6, 17);
}

static uint64_t gfp_pick(enum pa_profile prof, unsigned x)
{
	switch (x % 5) {
	case 0: return GFP_KERNEL_;
	case 1: return GFP_RECLAIMABLE_;
	case 2: return prof == PA_PROFILE_LINUX_6 ? GFP_ATOMIC_6 : GFP_ATOMIC_510;
	default: return GFP_MOVABLE_;
	}
}

/* 6000 random steps: order-0-heavy allocations, frees, every profile. */
static void test_random_sequences(void **state)
{
	(void)state;
	for (int prof = 0; prof < PA_NR_PROFILES; prof++) {
		struct pa_model *m = small_model(prof, 0, 4096, 10, 9, 4, 24, 2);
		uint64_t held[4096];
		unsigned held_order[4096];
		int nheld = 0;
		unsigned seedv = 12345u + (unsigned)prof;

		pa_model_set_auto_drain(m, true);
		for (uint64_t pfn = 0; pfn < 4096; pfn += 1024)
			seed(m, pfn, 10, -1);
		for (int step = 0; step < 6000; step++) {
			unsigned x = (unsigned)rand_r(&seedv);

			if (nheld > 0 && (x % 100 < 45 || nheld == 4096)) {
				int i = (int)((x >> 8) % (unsigned)nheld);

				pa_free(m, (x >> 3) & 1, held[i], held_order[i]);
				held[i] = held[--nheld];
				held_order[i] = held_order[nheld];
			} else {
				unsigned o = x % 10 < 7 ? 0 : (x >> 4) % 5;
				struct pa_request r = { .cpu = (x >> 3) & 1, .node = -1,
							.gfp = gfp_pick(prof, x >> 12), .order = o };
				struct pa_prediction p;

				if (pa_alloc(m, &r, &p) == 0) {
					held[nheld] = p.pfn;
					held_order[nheld++] = o;
				}
			}
			struct pr_error err = { 0 };
			if (pa_model_check(m, &err) < 0)
				fail_msg("%s step %d: %s", pa_profile_name(prof), step, err.msg);
		}
		pa_model_destroy(m);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_steal_remainder_510),
		cmocka_unit_test(test_steal_remainder_6),
		cmocka_unit_test(test_high_order_pcp),
		cmocka_unit_test(test_watermark_lowmem_reserve),
		cmocka_unit_test(test_free_across_pageblocks),
		cmocka_unit_test(test_nofragment_prefers_dma32),
		cmocka_unit_test(test_drain_order_510),
		cmocka_unit_test(test_drain_order_6),
		cmocka_unit_test(test_random_sequences),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
