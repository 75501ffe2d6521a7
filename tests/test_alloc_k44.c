/* SPDX-License-Identifier: MIT */
/*
 * The 4.4 generation's own rules, each beside linux-5.10 running the same
 * script: cold pcp frees and allocations (__GFP_COLD), and the fair zone
 * policy (ALLOC_FAIR, NR_ALLOC_BATCH). Worked out by hand from 4.4.178
 * mm/page_alloc.c: buffered_rmqueue, rmqueue_bulk, free_hot_cold_page,
 * get_page_from_freelist, reset_alloc_batches.
 */
#include "tests/test_alloc_util.h"

static uint64_t alloc_pfn(struct pa_model *m, uint64_t gfp)
{
	struct pa_request r = { .cpu = 0, .node = -1, .gfp = gfp, .order = 0 };
	struct pa_prediction p;

	assert_int_equal(pa_alloc(m, &r, &p), 0);
	check_ok(m);
	return p.pfn;
}

/*
 * Zone [0,64), pageblock order 4, pcp batch 4, high 100; free [0-31] o5.
 * A = a cold allocation, B = a hot one; free B cold, free A hot; then four
 * hot allocations.
 *  4.4: the cold refill takes 0,1,2,3 and rmqueue_bulk(cold) inserts each
 *       before the previous: [3,2,1,0]; a cold allocation takes the tail:
 *       A = 0; B = 3 (head); list [2,1]. free 3 cold -> tail [2,1,3];
 *       free 0 hot -> head [0,2,1,3]: hands out 0, 2, 1, 3.
 *  5.10: no cold: refill [0,1,2,3], A = 0, B = 1, list [2,3]; both frees
 *       go to the head: [0,1,2,3]: hands out 0, 1, 2, 3.
 */
static void hot_cold(enum pa_profile prof, const uint64_t expect[6])
{
	struct pa_model *m = small_model(prof, 0, 64, 5, 4, 4, 100, 1);
	uint64_t a, b;

	seed(m, 0, 5, -1);
	a = alloc_pfn(m, GFP_MOVABLE_ | PA_GFP(COLD));
	b = alloc_pfn(m, GFP_MOVABLE_);
	assert_int_equal(a, expect[0]);
	assert_int_equal(b, expect[1]);
	assert_int_equal(pa_free_cold(m, 0, b, 0), PA_FREE_TO_PCP);
	assert_int_equal(pa_free(m, 0, a, 0), PA_FREE_TO_PCP);
	for (int i = 2; i < 6; i++)
		assert_int_equal(alloc_pfn(m, GFP_MOVABLE_), expect[i]);
	pa_model_destroy(m);
}

static void test_cold_pcp_44(void **state)
{
	static const uint64_t expect[6] = { 0, 3, 0, 2, 1, 3 };

	(void)state;
	hot_cold(PA_PROFILE_LINUX_4, expect);
}

static void test_cold_pcp_510(void **state)
{
	static const uint64_t expect[6] = { 0, 1, 0, 1, 2, 3 };

	(void)state;
	hot_cold(PA_PROFILE_LINUX_5_10, expect);
}

/*
 * Node 0 with DMA32 [0,64) and Normal [64,128), watermarks 0/0/2 in both:
 * NR_ALLOC_BATCH = high - low = 2 pages per zone. pcp batch 1. Free
 * [0-31] and [64-95] (o5). Seven order-0 GFP_HIGHUSER_MOVABLE requests;
 * the zonelist is Normal, DMA32.
 *  4.4 (ALLOC_FAIR): Normal twice (batch 2 -> 0: depleted), then DMA32
 *      twice; the 5th finds both depleted in the fair pass, resets the
 *      batches (reset_alloc_batches) and retries without ALLOC_FAIR:
 *      Normal (batch 2 -> 1); the 6th Normal again (-> 0); the 7th DMA32.
 *      pfns: 64 65 0 1 66 67 2.
 *  5.10 (no fair policy): Normal every time: 64 .. 70.
 */
static void fair_zones(enum pa_profile prof, const uint64_t expect[7])
{
	static int16_t nodes[1];
	struct pa_zone_desc zd[2] = {
		{ .type = PA_ZONE_DMA32, .start_pfn = 0, .spanned = 64, .present = 64,
		  .managed = 64, .wmark_high = 2, .pcp_high = 8, .pcp_batch = 1 },
		{ .type = PA_ZONE_NORMAL, .start_pfn = 64, .spanned = 64, .present = 64,
		  .managed = 64, .wmark_high = 2, .pcp_high = 8, .pcp_batch = 1 },
	};
	struct pa_topology t = { .nr_cpus = 1, .cpu_node = nodes, .nr_zones = 2, .zones = zd,
				 .nr_orders = 6, .pageblock_order = 4 };
	struct pa_model *m = pa_model_create(&t, prof, NULL);

	assert_non_null(m);
	seed(m, 0, 5, -1);
	seed(m, 64, 5, -1);
	for (int i = 0; i < 7; i++) {
		uint64_t pfn = alloc_pfn(m, GFP_MOVABLE_);

		if (pfn != expect[i])
			fail_msg("%s: allocation %d: pfn %llu, expected %llu", pa_profile_name(prof),
				 i, (unsigned long long)pfn, (unsigned long long)expect[i]);
	}
	pa_model_destroy(m);
}

static void test_fair_zones_44(void **state)
{
	static const uint64_t expect[7] = { 64, 65, 0, 1, 66, 67, 2 };

	(void)state;
	fair_zones(PA_PROFILE_LINUX_4, expect);
}

static void test_no_fair_zones_510(void **state)
{
	static const uint64_t expect[7] = { 64, 65, 66, 67, 68, 69, 70 };

	(void)state;
	fair_zones(PA_PROFILE_LINUX_5_10, expect);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cold_pcp_44),
		cmocka_unit_test(test_cold_pcp_510),
		cmocka_unit_test(test_fair_zones_44),
		cmocka_unit_test(test_no_fair_zones_510),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
