/* SPDX-License-Identifier: MIT */
/* Fallback categories, divergence aggregation, checkpoint comparison. */
#include "tests/lib/harness.h"

#include <stdlib.h>
#include <string.h>

#include "analysis/checkpoint.h"
#include "analysis/divagg.h"
#include "analysis/extfrag.h"

static void test_extfrag_categories(void **state)
{
	struct an_extfrag_counts c = { 0 };

	(void)state;
	an_extfrag_add(&c, 2, 9, PA_MT_UNMOVABLE, PA_MT_MOVABLE, false);	/* severe */
	an_extfrag_add(&c, 3, 9, PA_MT_UNMOVABLE, PA_MT_MOVABLE, false);	/* severe */
	an_extfrag_add(&c, 5, 9, PA_MT_RECLAIMABLE, PA_MT_MOVABLE, true);	/* moderate */
	an_extfrag_add(&c, 9, 9, PA_MT_MOVABLE, PA_MT_UNMOVABLE, true);	/* whole block */
	an_extfrag_add(&c, 10, 9, 17, PA_MT_UNMOVABLE, false);		/* bad mt */
	assert_int_equal(c.fallbacks, 5);
	assert_int_equal(c.fragmenting, 3);
	assert_int_equal(c.severe, 2);
	assert_int_equal(c.moderate, 1);
	assert_int_equal(c.changed, 2);
	assert_int_equal(c.bad_migratetype, 1);
	assert_int_equal(c.by_mt[PA_MT_UNMOVABLE][PA_MT_MOVABLE], 2);
	assert_int_equal(c.fragmenting_by_mt[PA_MT_UNMOVABLE][PA_MT_MOVABLE], 2);
	assert_int_equal(c.by_mt[PA_MT_MOVABLE][PA_MT_UNMOVABLE], 1);
	assert_int_equal(c.fragmenting_by_mt[PA_MT_MOVABLE][PA_MT_UNMOVABLE], 0);
}

static void add(struct an_divagg *a, int cls, uint64_t gfp, int order, int zone, uint64_t n)
{
	struct an_div_key k = { .cls = cls, .gfp = gfp, .order = order,
				.migratetype = PA_MT_MOVABLE, .zone = zone, .path = 3 };
	struct pr_error err;

	assert_int_equal(an_divagg_add(a, &k, n, &err), 0);
}

static void test_divagg_rollups(void **state)
{
	struct pr_error err;
	struct an_divagg *a = an_divagg_create(&err);
	struct an_div_cell *cells;
	size_t nr;

	(void)state;
	assert_non_null(a);
	add(a, 0, 0xcc0, 0, 2, 100);
	add(a, 0, 0xcc0, 0, 2, 50);	/* same cell */
	add(a, 1, 0xcc0, 3, 2, 7);
	add(a, 1, 0x100cca, 3, 1, 9);
	add(a, 2, 0x100cca, 0, 2, 4);
	assert_int_equal(an_divagg_size(a), 4);
	assert_int_equal(an_divagg_total(a), 170);

	cells = an_divagg_rollup(a, 0, &nr, &err);	/* per class */
	assert_int_equal(nr, 3);
	assert_int_equal(cells[0].key.cls, 0);
	assert_int_equal(cells[0].count, 150);
	assert_int_equal(cells[1].key.cls, 1);
	assert_int_equal(cells[1].count, 16);
	assert_int_equal(cells[1].key.order, AN_ANY);
	assert_int_equal(cells[1].key.gfp, 0);
	assert_int_equal(cells[2].count, 4);
	free(cells);

	cells = an_divagg_rollup(a, AN_DIM_ORDER, &nr, &err);	/* class x order */
	assert_int_equal(nr, 3);
	assert_int_equal(cells[1].key.order, 3);
	assert_int_equal(cells[1].count, 16);
	assert_int_equal(cells[1].key.zone, AN_ANY);
	free(cells);

	cells = an_divagg_rollup(a, AN_DIM_ZONE | AN_DIM_GFP, &nr, &err);
	assert_int_equal(nr, 4);
	assert_int_equal(cells[1].count, 9);
	assert_int_equal(cells[1].key.zone, 1);
	assert_int_equal(cells[1].key.gfp, 0x100cca);
	free(cells);
	an_divagg_destroy(a);
}

static void test_divagg_grows(void **state)
{
	struct pr_error err;
	struct an_divagg *a = an_divagg_create(&err);
	const struct an_div_cell *c;
	size_t it = 0, seen = 0;
	uint64_t sum = 0;

	(void)state;
	for (int round = 0; round < 2; round++)
		for (uint64_t g = 0; g < 5000; g++)
			add(a, (int)(g % 5), g, (int)(g % 11), 2, g);
	assert_int_equal(an_divagg_size(a), 5000);
	while ((c = an_divagg_next(a, &it))) {
		assert_int_equal(c->count, 2 * c->key.gfp);
		sum += c->count;
		seen++;
	}
	assert_int_equal(seen, 5000);
	assert_int_equal(sum, an_divagg_total(a));
	an_divagg_destroy(a);
}

static void test_divagg_empty_rollup(void **state)
{
	struct pr_error err = { 0 };
	struct an_divagg *a = an_divagg_create(&err);
	size_t nr = 99;

	(void)state;
	assert_null(an_divagg_rollup(a, 0, &nr, &err));
	assert_int_equal(nr, 0);
	assert_int_equal(err.code, PR_OK);
	an_divagg_destroy(a);
}

/* Two zones, 3 orders, 4 trace migratetypes; trace mt 3 maps to none. */
static void test_checkpoint_zone(void **state)
{
	int64_t fb[2 * 3 * 4], bi[2 * 3], pb[2 * 4], fp[2] = { 111, 222 };
	struct prt_checkpoint cp = { .seq = 4, .nr_zones = 2, .nr_orders = 3,
				     .nr_migratetypes = 4, .free_blocks = fb, .buddyinfo = bi,
				     .pageblocks = pb, .free_pages = fp };
	const int mt_map[4] = { PA_MT_UNMOVABLE, PA_MT_MOVABLE, PA_MT_MOVABLE, -1 };
	struct pa_zone_state zs;
	struct an_checkpoint_zone out;
	struct pr_error err = { 0 };

	(void)state;
	for (int i = 0; i < 24; i++)
		fb[i] = i;
	for (int i = 0; i < 6; i++)
		bi[i] = 100 + i;
	for (int i = 0; i < 8; i++)
		pb[i] = 10 * i;
	fb[(1 * 3 + 2) * 4 + 2] = -1;	/* zone 1, order 2, trace mt 2 missing */
	memset(&zs, 0, sizeof(zs));
	zs.free_blocks[1][PA_MT_MOVABLE] = 5;
	zs.free_blocks[2][PA_MT_UNMOVABLE] = 1;
	zs.pageblocks[PA_MT_MOVABLE] = 77;
	assert_int_equal(an_checkpoint_zone(&cp, 1, mt_map, &zs, NULL, 11, &out, &err), 0);
	assert_int_equal(out.nr_orders, 3);
	assert_int_equal(out.kernel_free_pages, 222);
	assert_int_equal(out.model_free_pages, 5 * 2 + 4);
	assert_int_equal(out.kernel_buddyinfo[1], 104);
	assert_int_equal(out.kernel_buddyinfo[5], -1);
	/* zone 1, order 1: trace mts 1 and 2 both are Movable: 17 + 18 */
	assert_int_equal(out.kernel_blocks[1][PA_MT_UNMOVABLE], 16);
	assert_int_equal(out.kernel_blocks[1][PA_MT_MOVABLE], 35);
	assert_int_equal(out.kernel_blocks[2][PA_MT_MOVABLE], 21);	/* 21 + missing */
	assert_int_equal(out.kernel_blocks[1][PA_MT_HIGHATOMIC], -1);
	assert_int_equal(out.model_blocks[1][PA_MT_MOVABLE], 5);
	assert_int_equal(out.kernel_pageblocks[PA_MT_MOVABLE], 50 + 60);
	assert_int_equal(out.model_pageblocks[PA_MT_MOVABLE], 77);

	cp.buddyinfo = NULL;
	cp.free_pages = NULL;
	assert_int_equal(an_checkpoint_zone(&cp, 0, NULL, &zs, NULL, 11, &out, &err), 0);
	assert_int_equal(out.kernel_free_pages, -1);
	assert_int_equal(out.kernel_buddyinfo[0], -1);
	assert_int_equal(out.kernel_blocks[0][3], 3);	/* identity map */

	assert_int_equal(an_checkpoint_zone(&cp, 2, NULL, &zs, NULL, 11, &out, &err), -1);
	assert_string_equal(err.msg, "checkpoint 4: no zone 2 (it has 2)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_extfrag_categories),
		cmocka_unit_test(test_divagg_rollups),
		cmocka_unit_test(test_divagg_grows),
		cmocka_unit_test(test_divagg_empty_rollup),
		cmocka_unit_test(test_checkpoint_zone),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
