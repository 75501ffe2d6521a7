/* SPDX-License-Identifier: MIT */
/* pa_model_check catches each kind of corruption, with the exact message. */
#include "tests/test_alloc_util.h"
#include "allocator/testhook.h"

static void expect_violation(enum pa_profile prof, enum pa_corruption what, uint64_t pfn,
			     const char *msg)
{
	struct pa_model *m = small_model(prof, 0, 64, 5, 4, 2, 8, 1);
	struct pa_request r = { .cpu = 0, .node = -1, .gfp = GFP_MOVABLE_, .order = 0 };
	struct pa_prediction p;
	struct pr_error err = { 0 };

	seed(m, 0, 5, -1);
	seed(m, 32, 5, -1);
	if (what == PA_CORRUPT_PCP_COUNT)	/* puts pfn 1 on cpu 0's pcp list */
		assert_int_equal(pa_alloc(m, &r, &p), 0);
	check_ok(m);
	assert_int_equal(pa_test_corrupt(m, what, pfn), 0);
	assert_int_equal(pa_model_check(m, &err), -1);
	assert_string_equal(err.msg, msg);
	assert_int_equal(err.code, PR_ESTATE);
	pa_model_destroy(m);
}

static void test_list_counter(void **state)
{
	(void)state;
	expect_violation(PA_PROFILE_LINUX_6, PA_CORRUPT_LIST_COUNT, 0,
			 "zone 0: free list order 5: counter 3, list holds 2");
}

static void test_free_pages_counter(void **state)
{
	(void)state;
	expect_violation(PA_PROFILE_LINUX_6, PA_CORRUPT_FREE_PAGES, 0,
			 "zone 0: free page counters 65/0/0, lists hold 64/0/0");
}

static void test_page_in_two_places(void **state)
{
	(void)state;
	expect_violation(PA_PROFILE_LINUX_6, PA_CORRUPT_TWO_PLACES, 0,
			 "zone 0: pfn 1: in two places, inside free block 0 order 5");
}

static void test_unmerged_buddies(void **state)
{
	(void)state;
	expect_violation(PA_PROFILE_LINUX_6, PA_CORRUPT_SPLIT_PAIR, 32,
			 "zone 0: pfn 32 and 48: free buddies of order 4 not merged");
}

static void test_pcp_counter(void **state)
{
	(void)state;
	expect_violation(PA_PROFILE_LINUX_6, PA_CORRUPT_PCP_COUNT, 1,
			 "zone 0: cpu 0: pcp count 2, lists hold 1");
}

static void test_list_type_6(void **state)
{
	(void)state;
	expect_violation(PA_PROFILE_LINUX_6, PA_CORRUPT_LIST_TYPE, 32,
			 "zone 0: pfn 32: on the 2 list in a pageblock of type 1");
}

/* 5.10 allows list type != pageblock type, but a block must sit on its own list. */
static void test_list_type_510(void **state)
{
	(void)state;
	expect_violation(PA_PROFILE_LINUX_5_10, PA_CORRUPT_LIST_TYPE, 0,
			 "zone 0: free list order 5: pfn 0 does not belong there");
}

static void test_pageblock_retyped(void **state)
{
	(void)state;
	expect_violation(PA_PROFILE_LINUX_6, PA_CORRUPT_PAGEBLOCK, 0,
			 "zone 0: pfn 0: on the 1 list in a pageblock of type 2");
}

static void test_unknown_counter(void **state)
{
	(void)state;
	expect_violation(PA_PROFILE_LINUX_6, PA_CORRUPT_UNKNOWN_COUNT, 0,
			 "zone 0: 1 unknown pages counted, 0 found");
}

/* Pages after a free head are TAIL: the free path trusts one record. */
static void test_lost_tail(void **state)
{
	(void)state;
	expect_violation(PA_PROFILE_LINUX_6, PA_CORRUPT_LOST_TAIL, 32,
			 "zone 0: pfn 33: inside free block 32 order 5 but not a tail");
}

/* An allocated page (8, applied out of [0-31]) that claims to be a tail. */
static void test_stray_tail(void **state)
{
	struct pa_model *m = small_model(PA_PROFILE_LINUX_6, 0, 64, 5, 4, 2, 8, 1);
	struct pr_error err = { 0 };

	(void)state;
	seed(m, 0, 5, -1);
	assert_int_equal(pa_apply_alloc(m, 0, 8, 0, PA_MT_MOVABLE), PA_APPLY_FROM_BUDDY);
	check_ok(m);
	assert_int_equal(pa_test_corrupt(m, PA_CORRUPT_STRAY_TAIL, 8), 0);
	assert_int_equal(pa_model_check(m, &err), -1);
	assert_string_equal(err.msg, "zone 0: pfn 8: a tail outside any free block");
	pa_model_destroy(m);
}

/* Capture's pageblock types may differ inside a free block larger than a
 * pageblock; 6.x keeps them equal (a merge retypes all), so seeding the
 * block gives every pageblock under it the first one's type. */
static void test_seeded_block_spans_pageblocks(void **state)
{
	struct pa_model *m = small_model(PA_PROFILE_LINUX_6, 0, 64, 5, 4, 2, 8, 1);

	(void)state;
	assert_int_equal(pa_model_set_pageblock_mt(m, 0, PA_MT_MOVABLE), 0);
	assert_int_equal(pa_model_set_pageblock_mt(m, 16, PA_MT_UNMOVABLE), 0);
	seed(m, 0, 5, -1);
	check_ok(m);
	pa_model_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_list_counter),
		cmocka_unit_test(test_free_pages_counter),
		cmocka_unit_test(test_page_in_two_places),
		cmocka_unit_test(test_unmerged_buddies),
		cmocka_unit_test(test_pcp_counter),
		cmocka_unit_test(test_list_type_6),
		cmocka_unit_test(test_list_type_510),
		cmocka_unit_test(test_pageblock_retyped),
		cmocka_unit_test(test_unknown_counter),
		cmocka_unit_test(test_lost_tail),
		cmocka_unit_test(test_stray_tail),
		cmocka_unit_test(test_seeded_block_spans_pageblocks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
