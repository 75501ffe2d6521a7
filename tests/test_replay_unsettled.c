/* SPDX-License-Identifier: MIT */
/*
 * The initial free blocks whose list order nobody knows (replay/unsettled.c):
 * the per-pfn bits and the per-span counts behind rp_unsettled_near, which
 * must agree with the bits when a 64-pfn word straddles two spans (the
 * covered range starts at pfn 1, as the DMA zone does).
 */
#include "tests/lib/harness.h"

#include <string.h>

#include "replay/unsettled.h"

/* Zones from pfn 1 to 4096; free blocks at 1023 (span 0) and 1024 (span
 * 1), which share the word that starts at pfn 1 + 15 * 64 = 961. */
static void init(struct rp_unsettled *u)
{
	struct prt_zone zone = { .start_pfn = 1, .spanned = 4095 };
	struct prt_free_block fb[2] = { { 1023, 0, 1, false }, { 1024, 10, 1, false } };
	struct prt_header h;

	memset(&h, 0, sizeof(h));
	h.nr_orders = 11;
	h.nr_zones = 1;
	h.zones = &zone;
	h.nr_free_blocks = 2;
	h.free_blocks = fb;
	assert_int_equal(rp_unsettled_init(u, &h), 0);
}

static void test_touch_keeps_spans_and_bits_in_step(void **state)
{
	struct rp_unsettled u;

	(void)state;
	init(&u);
	assert_true(rp_unsettled_has(&u, 1023));
	assert_true(rp_unsettled_has(&u, 1024));
	assert_true(rp_unsettled_near(&u, 5));
	assert_true(rp_unsettled_near(&u, 2000));
	assert_false(rp_unsettled_near(&u, 3000));
	rp_unsettled_touch(&u, 1023, 0);
	assert_false(rp_unsettled_has(&u, 1023));
	assert_false(rp_unsettled_near(&u, 5));		/* span 0 is settled */
	assert_true(rp_unsettled_near(&u, 1500));	/* span 1 is not */
	rp_unsettled_touch(&u, 1024, 10);
	assert_false(rp_unsettled_has(&u, 1024));
	assert_false(rp_unsettled_near(&u, 1500));
	assert_false(rp_unsettled_near(&u, 0));		/* outside the zones */
	rp_unsettled_release(&u);
}

/* A touch of a whole word at once clears what it held in both spans. */
static void test_whole_word_touch(void **state)
{
	struct rp_unsettled u;

	(void)state;
	init(&u);
	rp_unsettled_touch(&u, 961, 6);		/* pfns 961..1024 (one word, 64) */
	assert_false(rp_unsettled_has(&u, 1023));
	assert_false(rp_unsettled_has(&u, 1024));
	assert_false(rp_unsettled_near(&u, 5));
	assert_false(rp_unsettled_near(&u, 1500));
	rp_unsettled_release(&u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_touch_keeps_spans_and_bits_in_step),
		cmocka_unit_test(test_whole_word_touch),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
