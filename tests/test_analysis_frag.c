/* SPDX-License-Identifier: MIT */
/* Fragmentation metrics against values computed by hand (mm/vmstat.c formulas). */
#include "tests/lib/harness.h"

#include <string.h>

#include "analysis/frag.h"

/* 4 order-0, 2 order-1, 1 order-2 blocks: 12 pages in 7 blocks. */
static void small_state(struct pa_zone_state *zs)
{
	memset(zs, 0, sizeof(*zs));
	zs->free_blocks[0][PA_MT_MOVABLE] = 3;
	zs->free_blocks[0][PA_MT_UNMOVABLE] = 1;
	zs->free_blocks[1][PA_MT_RECLAIMABLE] = 2;
	zs->free_blocks[2][PA_MT_MOVABLE] = 1;
}

static void test_contig_info(void **state)
{
	struct pa_zone_state zs;
	struct an_contig_info ci;

	(void)state;
	small_state(&zs);
	an_contig_info(&zs, 11, 0, &ci);
	assert_int_equal(ci.free_pages, 12);
	assert_int_equal(ci.free_blocks_total, 7);
	assert_int_equal(ci.free_blocks_suitable, 12);
	an_contig_info(&zs, 11, 1, &ci);
	assert_int_equal(ci.free_blocks_suitable, 2 + 2);
	an_contig_info(&zs, 11, 3, &ci);
	assert_int_equal(ci.free_blocks_suitable, 0);
}

static void test_unusable_index(void **state)
{
	struct pa_zone_state zs;
	struct an_contig_info ci;

	(void)state;
	small_state(&zs);
	an_contig_info(&zs, 11, 0, &ci);
	assert_int_equal(an_unusable_index(&ci, 0), 0);
	an_contig_info(&zs, 11, 1, &ci);
	assert_int_equal(an_unusable_index(&ci, 1), (12 - 8) * 1000 / 12);	/* 333 */
	an_contig_info(&zs, 11, 2, &ci);
	assert_int_equal(an_unusable_index(&ci, 2), 666);	/* 8000 / 12, truncated */
	an_contig_info(&zs, 11, 3, &ci);
	assert_int_equal(an_unusable_index(&ci, 3), 1000);
}

static void test_fragmentation_index(void **state)
{
	struct pa_zone_state zs;
	struct an_contig_info ci;

	(void)state;
	small_state(&zs);
	an_contig_info(&zs, 11, 2, &ci);
	assert_int_equal(an_fragmentation_index(&ci, 2), AN_FRAG_SENTINEL);
	an_contig_info(&zs, 11, 3, &ci);
	assert_int_equal(an_fragmentation_index(&ci, 3), 643);	/* 1000 - 2500 / 7 */
	an_contig_info(&zs, 11, 9, &ci);
	assert_int_equal(an_fragmentation_index(&ci, 9), 854);	/* 1000 - 1023 / 7 */
}

/* One order-2 block asked for order 3: the kernel's formula goes negative. */
static void test_fragmentation_index_single_block(void **state)
{
	struct pa_zone_state zs;
	struct an_contig_info ci;

	(void)state;
	memset(&zs, 0, sizeof(zs));
	zs.free_blocks[2][PA_MT_MOVABLE] = 1;
	an_contig_info(&zs, 11, 3, &ci);
	assert_int_equal(an_fragmentation_index(&ci, 3), -500);
}

static void test_empty_zone(void **state)
{
	struct pa_zone_state zs;
	struct an_frag_sample s;

	(void)state;
	memset(&zs, 0, sizeof(zs));
	zs.largest_free_order = -1;
	an_frag_sample(&zs, NULL, 11, 9, &s);
	for (int o = 0; o < 11; o++) {
		assert_int_equal(s.unusable[o], 1000);
		assert_int_equal(s.fragmentation[o], 0);
	}
	assert_int_equal(s.largest_free_order, -1);
	assert_int_equal(s.buddy_pages, 0);
	assert_true(s.fmfi == 1.0);
	assert_false(s.thp_ok);
	assert_int_equal(s.thp_blocks, 0);
}

static void test_sample_small_state(void **state)
{
	struct pa_zone_state zs;
	struct an_frag_sample s;

	(void)state;
	small_state(&zs);
	zs.pcp_pages = 31;
	zs.pageblocks[PA_MT_MOVABLE] = 7;
	zs.mixed_pageblocks = 2;
	an_frag_sample(&zs, NULL, 11, 9, &s);
	assert_int_equal(s.largest_free_order, 2);
	assert_int_equal(s.buddy_pages, 12);
	assert_int_equal(s.pcp_pages, 31);
	assert_int_equal(s.unusable[2], 666);
	assert_int_equal(s.fragmentation[1], -1000);
	assert_int_equal(s.fragmentation[10], 1000 - (1000 + 12000 / 1024) / 7);
	assert_true(s.fmfi == 1.0);
	assert_int_equal(s.pageblocks[PA_MT_MOVABLE], 7);
	assert_int_equal(s.mixed_pageblocks, 2);
	assert_int_equal(s.free_blocks[1][PA_MT_RECLAIMABLE], 2);
	assert_false(s.thp_ok);
}

static void test_thp(void **state)
{
	struct pa_zone_state zs;
	struct pa_zone_desc d = { .wmark_low = 5 };
	struct an_frag_sample s;

	(void)state;
	memset(&zs, 0, sizeof(zs));
	zs.free_blocks[9][PA_MT_MOVABLE] = 1;
	zs.free_blocks[0][PA_MT_MOVABLE] = 10;
	an_frag_sample(&zs, NULL, 11, 9, &s);
	assert_true(s.thp_ok);
	assert_int_equal(s.thp_blocks, 1);
	assert_true(s.fmfi == 10.0 / 522.0);
	an_frag_sample(&zs, &d, 11, 9, &s);	/* 522 - 511 = 11 > 5 */
	assert_true(s.thp_ok);
	d.wmark_low = 11;			/* 11 > 11 fails */
	an_frag_sample(&zs, &d, 11, 9, &s);
	assert_false(s.thp_ok);
	/* zoneinfo's low (11) included a boost of 6 that has decayed to 0. */
	d.boost = 6;
	an_frag_sample(&zs, &d, 11, 9, &s);
	assert_true(s.thp_ok);
	zs.boost = 6;				/* boosted again: 11 > 11 fails */
	an_frag_sample(&zs, &d, 11, 9, &s);
	assert_false(s.thp_ok);
	zs.boost = 0;
	zs.reserved_highatomic = 6;		/* 11 - 6 = 5 > 5 fails */
	d.boost = 0;
	d.wmark_low = 5;
	an_frag_sample(&zs, &d, 11, 9, &s);
	assert_false(s.thp_ok);
	zs.reserved_highatomic = 5;		/* 6 > 5 */
	an_frag_sample(&zs, &d, 11, 9, &s);
	assert_true(s.thp_ok);
	zs.reserved_highatomic = 0;
	/* An order-10 block is two 2 MiB blocks. */
	zs.free_blocks[10][PA_MT_UNMOVABLE] = 1;
	an_frag_sample(&zs, NULL, 11, 9, &s);
	assert_int_equal(s.thp_blocks, 3);
	assert_int_equal(s.largest_free_order, 10);
	/* Only the highatomic reserve has one: a movable THP cannot take it. */
	memset(&zs, 0, sizeof(zs));
	zs.free_blocks[9][PA_MT_HIGHATOMIC] = 1;
	an_frag_sample(&zs, NULL, 11, 9, &s);
	assert_false(s.thp_ok);
	assert_int_equal(s.thp_blocks, 1);
	assert_int_equal(s.fragmentation[9], -1000);
	/* THP order beyond the zone's orders: never possible. */
	an_frag_sample(&zs, NULL, 9, 9, &s);
	assert_false(s.thp_ok);
	assert_int_equal(s.thp_blocks, 0);
}

static void test_thp_order(void **state)
{
	(void)state;
	assert_int_equal(an_thp_order(4096), 9);
	assert_int_equal(an_thp_order(16384), 7);
	assert_int_equal(an_thp_order(65536), 5);
	assert_int_equal(an_thp_order(0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_contig_info),
		cmocka_unit_test(test_unusable_index),
		cmocka_unit_test(test_fragmentation_index),
		cmocka_unit_test(test_fragmentation_index_single_block),
		cmocka_unit_test(test_empty_zone),
		cmocka_unit_test(test_sample_small_state),
		cmocka_unit_test(test_thp),
		cmocka_unit_test(test_thp_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
