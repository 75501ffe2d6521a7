/* SPDX-License-Identifier: MIT */
/*
 * The initial free map from a kpageflags file: free-block orders under both
 * markings (every page flagged, 6.x; head only, older), holes, pageblock
 * migratetypes fitted to pagetypeinfo counts, and the agreement figures.
 * The flags files are built here, page by page, so every expected value is
 * known.
 */
#include "tests/lib/harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/kpageflags.h"
#include "capture/kpageflags_fit.h"
#include "capture/procfs.h"

#define KPF_UPTODATE	(1ULL << 3)
#define KPF_LRU		(1ULL << 5)
#define KPF_SLAB	(1ULL << 7)
#define KPF_BUDDY	(1ULL << 10)
#define KPF_ANON	(1ULL << 12)
#define KPF_NOPAGE	(1ULL << 20)
#define NPAGES		4096
#define NO		11
#define NM		3	/* Unmovable, Movable, Reclaimable */

/*
 * pfn layout, 8 pageblocks of 512 pages:
 *   pb0  slab, free 256/7, 384/6, 448/1      pb1  anon, free 512/0
 *   pb2+3 one free order-10 block at 1024     pb4  LRU, free 2048/3
 *   pb5  slab, free 2564/2                    pb6+7 hole
 * Free page reporting had reported the order-10 block: its head has
 * PG_reported (UPTODATE); under the 6.x marking a tail of 2048/3 has the
 * bit too, which says nothing (only a head's does).
 */
static const struct { uint64_t pfn; unsigned order; int mt; } expect[] = {
	{ 256, 7, 0 }, { 384, 6, 0 }, { 448, 1, 0 }, { 512, 0, 1 },
	{ 1024, 10, 1 }, { 2048, 3, 1 }, { 2564, 2, 2 },
};
#define NEXPECT (sizeof(expect) / sizeof(expect[0]))

static uint64_t page_flags(uint64_t pfn)
{
	if (pfn >= 3072)
		return 0;
	if (pfn < 512 || (pfn >= 2560 && pfn < 3072))
		return KPF_SLAB;
	return pfn < 1024 ? KPF_ANON : KPF_LRU;
}

static void write_flags(const char *path, bool every_page, bool nopage_holes)
{
	uint64_t *f = calloc(NPAGES, sizeof(*f));
	FILE *out = fopen(path, "wb");

	assert_non_null(f);
	assert_non_null(out);
	for (uint64_t p = 0; p < NPAGES; p++)
		f[p] = page_flags(p) | (p >= 3072 && nopage_holes ? KPF_NOPAGE : 0);
	for (size_t i = 0; i < NEXPECT; i++)
		for (uint64_t k = 0; k < (1ULL << expect[i].order); k++)
			f[expect[i].pfn + k] = (k == 0 || every_page) ? KPF_BUDDY : 0;
	f[1024] |= KPF_UPTODATE;
	if (every_page)
		f[2049] |= KPF_UPTODATE;
	assert_int_equal(fwrite(f, sizeof(*f), NPAGES, out), NPAGES);
	fclose(out);
	free(f);
}

/* A one-zone header whose pagetypeinfo says: pb0 Unmovable, pb5 Reclaimable. */
static void make_header(struct prt_header *h)
{
	static const char *names[NM] = { "Unmovable", "Movable", "Reclaimable" };
	struct prt_checkpoint *cp = &h->initial;

	memset(h, 0, sizeof(*h));
	h->nr_orders = NO;
	h->pageblock_order = 9;
	h->page_size = 4096;
	h->nr_zones = 1;
	h->zones = calloc(1, sizeof(*h->zones));
	h->zones[0].spanned = NPAGES;
	snprintf(h->zones[0].name, sizeof(h->zones[0].name), "Normal");
	h->nr_migratetypes = NM;
	h->migratetype_names = calloc(NM, sizeof(*h->migratetype_names));
	for (int i = 0; i < NM; i++)
		snprintf(h->migratetype_names[i], PRT_NAME_LEN, "%s", names[i]);
	cp->nr_zones = 1;
	cp->nr_orders = NO;
	cp->nr_migratetypes = NM;
	cp->free_blocks = calloc(NO * NM, sizeof(int64_t));
	cp->buddyinfo = calloc(NO, sizeof(int64_t));
	cp->pageblocks = calloc(NM, sizeof(int64_t));
	for (size_t i = 0; i < NEXPECT; i++) {
		cp->free_blocks[expect[i].order * NM + (unsigned)expect[i].mt]++;
		cp->buddyinfo[expect[i].order]++;
	}
	cp->pageblocks[0] = 1;
	cp->pageblocks[1] = 4;
	cp->pageblocks[2] = 1;
}

static void check_map(const struct prt_header *h)
{
	static const int8_t pb[8] = { 0, 1, 1, 1, 1, 2, -1, -1 };

	assert_int_equal(h->nr_free_blocks, NEXPECT);
	for (size_t i = 0; i < NEXPECT; i++) {
		assert_int_equal(h->free_blocks[i].pfn, expect[i].pfn);
		assert_int_equal(h->free_blocks[i].order, expect[i].order);
		assert_int_equal(h->free_blocks[i].migratetype, expect[i].mt);
		assert_int_equal(h->free_blocks[i].reported, expect[i].pfn == 1024);
	}
	assert_true(h->free_reported_known);
	assert_memory_equal(h->pageblock_mt[0], pb, 8);
}

/* The map of the flags file at path (written with every page marked, or
 * heads only) over RAM [0, ram_end), into h. */
static void scan_flags(const char *path, bool every_page, uint64_t ram_end, struct prt_header *h)
{
	struct kpageflags_ram ram = { 0, ram_end };
	struct pr_error err = { 0 };

	write_flags(path, every_page, false);
	make_header(h);
	if (kpageflags_free_map(h, path, &ram, 1, &err) < 0)
		fail_msg("%s", err.msg);
}

static void test_every_page_marked_with_ram_ranges(void **state)
{
	struct prt_header h;

	(void)state;
	scan_flags(scratch_path("kpageflags-6x"), true, 3072, &h);
	check_map(&h);
	assert_int_equal(h.nr_out_blocks, 0);	/* the flag-less pageblocks are a hole */
	prt_header_release(&h);
}

/*
 * The same pages with pb6+7 RAM: flag-less there, on a kernel that flags
 * every free page, they are free pages someone had off the lists while the
 * scan read them (free page reporting's batch in flight): one order-10
 * block, the two pageblocks merged. Under head-only marking a free block's
 * tails are flag-less too, and nothing is kept.
 */
static void test_flagless_pageblocks_were_off_the_lists(void **state)
{
	const char *path = scratch_path("kpageflags-out");
	struct prt_header h;

	(void)state;
	scan_flags(path, true, NPAGES, &h);
	assert_int_equal(h.nr_free_blocks, NEXPECT);
	assert_int_equal(h.nr_out_blocks, 1);
	assert_int_equal(h.out_blocks[0].pfn, 3072);
	assert_int_equal(h.out_blocks[0].order, 10);
	prt_header_release(&h);
	scan_flags(path, false, NPAGES, &h);
	assert_int_equal(h.nr_out_blocks, 0);
	prt_header_release(&h);
}

static void test_head_only_marking_and_nopage_holes(void **state)
{
	const char *path = scratch_path("kpageflags-old");
	struct pr_error err = { 0 };
	struct prt_header h;

	(void)state;
	write_flags(path, false, true);
	make_header(&h);
	if (kpageflags_free_map(&h, path, NULL, 0, &err) < 0)
		fail_msg("%s", err.msg);
	check_map(&h);
	prt_header_release(&h);
}

/* Without pagetypeinfo counts: evidence alone (slab → Unmovable). */
static void test_without_counts(void **state)
{
	const char *path = scratch_path("kpageflags-nocounts");
	struct kpageflags_ram ram = { 0, 3072 };
	static const int8_t pb[8] = { 0, 1, 1, 1, 1, 0, -1, -1 };
	struct pr_error err = { 0 };
	struct prt_header h;

	(void)state;
	write_flags(path, true, false);
	make_header(&h);
	prt_checkpoint_release(&h.initial);
	memset(&h.initial, 0, sizeof(h.initial));
	assert_int_equal(kpageflags_free_map(&h, path, &ram, 1, &err), 0);
	assert_memory_equal(h.pageblock_mt[0], pb, 8);
	assert_int_equal(h.free_blocks[6].migratetype, 0);
	prt_header_release(&h);
}

static void test_short_file_names_the_offset(void **state)
{
	const char *path = scratch_path("kpageflags-short");
	FILE *f = fopen(path, "wb");
	uint64_t zero[100] = { 0 };
	struct pr_error err = { 0 };
	struct prt_header h;

	(void)state;
	assert_non_null(f);
	fwrite(zero, sizeof(zero), 1, f);
	fclose(f);
	make_header(&h);
	assert_int_equal(kpageflags_free_map(&h, path, NULL, 0, &err), -1);
	assert_non_null(strstr(err.msg, "offset 800: expected flags of pfn 100, found the end"));
	prt_header_release(&h);
}

static void test_match_figures(void **state)
{
	const char *path = scratch_path("kpageflags-match");
	struct kpageflags_ram ram = { 0, 3072 };
	struct pr_error err = { 0 };
	struct kpageflags_match m;
	struct prt_checkpoint after;
	struct prt_header h;

	(void)state;
	write_flags(path, true, false);
	make_header(&h);
	assert_int_equal(kpageflags_free_map(&h, path, &ram, 1, &err), 0);
	kpageflags_match(&h, &h.initial, NULL, &m);
	assert_int_equal(m.free_blocks, NEXPECT);
	assert_int_equal(m.free_pages, 128 + 64 + 2 + 1 + 1024 + 8 + 4);
	assert_true(m.order_exact == 1.0 && m.order_bracketed == 1.0);
	assert_true(m.order_mt == 1.0 && m.pageblock_mt == 1.0);
	/* buddyinfo said one more order-0 block before, as many after: the
	 * map is short by one page against "before", inside the bracket */
	after = h.initial;
	after.buddyinfo = calloc(NO, sizeof(int64_t));
	memcpy(after.buddyinfo, h.initial.buddyinfo, NO * sizeof(int64_t));
	h.initial.buddyinfo[0]++;
	kpageflags_match(&h, &h.initial, &after, &m);
	assert_float_equal(m.order_exact, 1231.0 / 1232.0, 1e-12);
	assert_float_equal(m.order_bracketed, 1.0, 1e-12);
	free(after.buddyinfo);
	prt_header_release(&h);
}

/* The fit swaps the ranking's guess until the free counts agree. */
static void test_fit_swaps_to_meet_free_counts(void **state)
{
	/* block 0 looks most kernel-owned but holds the Reclaimable free block */
	struct kpf_evidence ev[3] = {
		{ .kernel = 500, .nfree = { [2] = 1 }, .present = true },
		{ .kernel = 100, .nfree = { [5] = 1 }, .present = true },
		{ .movable = 400, .nfree = { [0] = 3 }, .present = true },
	};
	int64_t blocks[NM] = { 1, 1, 1 }, free_counts[NO * NM] = { 0 };
	struct kpf_fit_input in = { .ev = ev, .nr_blocks = 3, .nr_orders = NO, .nr_mt = NM,
				    .movable = 1, .unmovable = 0, .blocks = blocks,
				    .free = free_counts };
	int8_t out[3];

	(void)state;
	free_counts[5 * NM + 0] = 1;	/* the order-5 block is Unmovable */
	free_counts[2 * NM + 2] = 1;	/* the order-2 block Reclaimable */
	free_counts[0 * NM + 1] = 3;
	assert_int_equal(kpf_fit(&in, out), 0);
	assert_int_equal(out[0], 2);
	assert_int_equal(out[1], 0);
	assert_int_equal(out[2], 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_page_marked_with_ram_ranges),
		cmocka_unit_test(test_flagless_pageblocks_were_off_the_lists),
		cmocka_unit_test(test_head_only_marking_and_nopage_holes),
		cmocka_unit_test(test_without_counts),
		cmocka_unit_test(test_short_file_names_the_offset),
		cmocka_unit_test(test_match_figures),
		cmocka_unit_test(test_fit_swaps_to_meet_free_counts),
	};
	int failed = cmocka_run_group_tests_name("capture_freemap", tests, NULL, NULL);

	scratch_cleanup();
	return failed;
}
