/* SPDX-License-Identifier: MIT */
/*
 * What lock-step replay infers from the events around what no tracepoint
 * shows (docs/fidelity.md): the initial free lists' order, pages taken by
 * untraced bulk allocations, pageblock types capture guessed wrong. Each
 * test fails without its rule: the allocation would be counted a divergence.
 */
#include "tests/lib/harness.h"
#include "tests/lib/prt_sample.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replay/replay.h"

#define MOVABLE_GFP 0x10004aULL		/* HARDWALL|IO|MOVABLE|HIGHMEM */
#define ZONE_START 0x100000ULL

/* One Normal zone of 4096 pages at 0x100000, every pageblock movable, the
 * given free blocks (order, pfn) at capture start. */
static void header_with_free(struct prt_header *h, const struct prt_free_block *fb, unsigned n)
{
	sample_one_zone_header(h, fb, n);
	h->zones[0].wmark_min = h->zones[0].wmark_low = h->zones[0].wmark_high = 0;
}

static uint64_t next_ts(void)
{
	static uint64_t ts;

	return ++ts;
}

/* A hand-built event, stamped with the next time. */
static void add_event(struct prt_writer *w, struct prt_event ev)
{
	ev.ts_ns = next_ts();
	assert_int_equal(prt_writer_add(w, &ev, NULL), 0);
}

static void add(struct prt_writer *w, uint8_t type, uint64_t pfn, unsigned order, uint64_t arg0)
{
	struct prt_event ev = { .type = type, .pfn = pfn, .order = (uint8_t)order,
				.gfp = type == PRT_EV_ALLOC ? MOVABLE_GFP : 0, .migratetype = 1 };

	ev.arg[0] = arg0;
	add_event(w, ev);
}

/* An event of task pid; arg[] as given. */
static void add_task(struct prt_writer *w, uint8_t type, uint32_t pid, uint64_t pfn, unsigned order,
		     const uint64_t arg[5])
{
	struct prt_event ev = { .type = type, .pfn = pfn, .pid = pid, .order = (uint8_t)order,
				.migratetype = 1 };

	for (int i = 0; arg && i < 5; i++)
		ev.arg[i] = arg[i];
	add_event(w, ev);
}

/* Task 7 compacting for a THP (order 9): its run begins and its fast free
 * scanner reports `fast` (min_pfn, free_pfn, scanned, taken, fast). */
static void add_thp_fast_search(struct prt_writer *w, const uint64_t fast[5])
{
	struct prt_event try = { .type = PRT_EV_COMPACT_TRY, .pid = 7, .order = 9,
				 .pfn = PRT_PFN_NONE, .migratetype = -1 };

	add_event(w, try);
	add_task(w, PRT_EV_COMPACT_BEGIN, 7, PRT_PFN_NONE, 0, NULL);
	add_task(w, PRT_EV_COMPACT_ISOLATE_FREE, 7, PRT_PFN_NONE, 0, fast);
}

static void replay(const char *path, struct rp_result *r)
{
	struct rp_options opt = { .profile = -1, .paranoid = true };
	struct pr_error err = { 0 };

	if (rp_replay_file(path, &opt, r, &err) < 0)
		fail_msg("%s", err.msg);
}

/* A hand-made trace: the one-zone header with these free blocks at start. */
static struct prt_writer *begin_trace(const char *path, struct prt_header *h,
				      const struct prt_free_block *fb, unsigned n)
{
	struct prt_writer *w;

	header_with_free(h, fb, n);
	w = prt_writer_open(path, h, NULL);
	assert_non_null(w);
	return w;
}

/* ... closed and replayed in lock-step with the invariants checked. */
static void end_trace(struct prt_writer *w, struct prt_header *h, const char *path,
		      struct rp_result *r)
{
	assert_int_equal(prt_writer_close(w, NULL), 0);
	prt_header_release(h);
	replay(path, r);
}

/* Two order-4 blocks free at start: which is first on the order-4 list the
 * trace never said. The kernel's choice of the other is unknown_order. */
static void test_initial_list_order_is_unknown(void **state)
{
	const struct prt_free_block fb[] = {
		{ ZONE_START, 4, 1, false }, { ZONE_START + 0x400, 4, 1, false },
	};
	const char *path = scratch_path("order.prt");
	struct prt_header h;
	struct prt_writer *w;
	struct rp_result r;

	(void)state;
	w = begin_trace(path, &h, fb, 2);
	/* order 4 is not cached on pcp lists: straight from the buddy lists */
	add(w, PRT_EV_ALLOC, ZONE_START + 0x400, 4, 0);
	add(w, PRT_EV_ALLOC, ZONE_START, 4, 0);
	end_trace(w, &h, path, &r);
	assert_int_equal(r.allocations, 2);
	/* whichever block the model guessed first, one allocation took a block
	 * the model had to guess about; the second had a single candidate */
	assert_int_equal(r.classes[RP_exact_pfn] + r.classes[RP_unknown_order], 2);
	assert_int_equal(r.classes[RP_exact_pfn], 2 - r.classes[RP_unknown_order]);
	assert_int_equal(r.classes[RP_same_zone] + r.classes[RP_same_pageblock], 0);
}

/* The kernel allocates an order-9 block twice with no free between: the
 * model, with nothing else free, fails the second; the class is
 * state_desync (the kernel used a page the model held allocated), and the
 * outcome disagrees all the same. */
static void test_outcome_of_a_desync(void **state)
{
	const struct prt_free_block fb[] = { { ZONE_START, 9, 1, false } };
	const char *path = scratch_path("desync.prt");
	struct prt_header h;
	struct prt_writer *w;
	struct rp_result r;

	(void)state;
	w = begin_trace(path, &h, fb, 1);
	add(w, PRT_EV_ALLOC, ZONE_START, 9, 0);
	add(w, PRT_EV_ALLOC, ZONE_START, 9, 0);
	end_trace(w, &h, path, &r);
	assert_int_equal(r.allocations, 2);
	assert_int_equal(r.classes[RP_exact_pfn], 1);
	assert_int_equal(r.classes[RP_state_desync], 1);
	assert_int_equal(r.outcome_agree, 1);
	assert_int_equal(r.zone_agree, 1);
}

/* A refill puts four pages on cpu 0's pcp list; two leave it with no
 * mm_page_alloc (alloc_pages_bulk); the kernel's next allocation is the
 * third page. The model drops the two and agrees from then on. */
static void test_untraced_bulk_allocation(void **state)
{
	const struct prt_free_block fb[] = { { ZONE_START, 10, 1, false } };
	const char *path = scratch_path("bulk.prt");
	struct prt_header h;
	struct prt_writer *w;
	struct rp_result r;

	(void)state;
	w = begin_trace(path, &h, fb, 1);
	for (uint64_t i = 0; i < 4; i++)	/* rmqueue_bulk adds at the list tail */
		add(w, PRT_EV_ZONE_LOCKED, ZONE_START + i, 0, 1);
	add(w, PRT_EV_ALLOC, ZONE_START + 2, 0, 0);
	add(w, PRT_EV_ALLOC, ZONE_START + 3, 0, 0);
	end_trace(w, &h, path, &r);
	assert_int_equal(r.refills, 4);
	assert_int_equal(r.refills_agree, 4);
	assert_int_equal(r.classes[RP_untraced_alloc], 1);
	assert_int_equal(r.untraced_blocks, 2);
	/* without the rule the model would still offer ZONE_START here */
	assert_int_equal(r.classes[RP_exact_pfn], 1);
	assert_int_equal(r.first[RP_exact_pfn][0].kernel_pfn, ZONE_START + 3);
}

/*
 * The kernel drains a page twice with no event between: after the first
 * drain the model holds it free on the buddy lists, and it reached the
 * pcp list again by no event the model saw (page-cache-fragmented: 249
 * such drains), so where on the list the model could not know. The second
 * drain counts apart, with those of pages on a list since before capture,
 * not as a wrong prediction.
 */
static void test_drain_of_a_page_the_model_held_free(void **state)
{
	const struct prt_free_block fb[] = { { ZONE_START + 0x10, 0, 1, false },
					     { ZONE_START + 0x400, 10, 1, false } };
	const char *path = scratch_path("drainfree.prt");
	struct prt_header h;
	struct prt_writer *w;
	struct rp_result r;

	(void)state;
	w = begin_trace(path, &h, fb, 2);
	add(w, PRT_EV_ZONE_LOCKED, ZONE_START + 0x10, 0, 1);
	add(w, PRT_EV_PCPU_DRAIN, ZONE_START + 0x10, 0, 0);
	add(w, PRT_EV_PCPU_DRAIN, ZONE_START + 0x10, 0, 0);
	end_trace(w, &h, path, &r);
	assert_int_equal(r.drains, 2);
	assert_int_equal(r.drains_agree, 1);
	assert_int_equal(r.drains_untraced, 1);
	assert_int_equal(r.drains_unknown, 1);
}

/*
 * One order-0 page free at start, in a pageblock capture called movable.
 * A free puts an order-4 block on the buddy lists; then the kernel refills a
 * movable order-0 page from that order-4 block: its movable order-0 list was
 * empty, so the initial page's pageblock is not movable. The model retypes it
 * and its refill choice becomes the kernel's.
 */
static void test_pageblock_type_ruled_out(void **state)
{
	const struct prt_free_block fb[] = { { ZONE_START + 0x10, 0, 1, false } };
	const char *path = scratch_path("retype.prt");
	struct prt_header h;
	struct prt_writer *w;
	struct rp_result r;

	(void)state;
	w = begin_trace(path, &h, fb, 1);
	add(w, PRT_EV_FREE, ZONE_START + 0x400, 4, 0);
	add(w, PRT_EV_ZONE_LOCKED, ZONE_START + 0x400, 0, 1);
	end_trace(w, &h, path, &r);
	assert_int_equal(r.refills, 1);
	assert_int_equal(r.pageblocks_retyped, 1);
	assert_int_equal(r.refills_agree, 1);
	assert_int_equal(r.refills_unknown, 0);
}

/*
 * The same, but the free map's movable order-0 count (1) is what the
 * kernel's pagetypeinfo said at capture start, and the page is the only
 * free block of its pageblock: nothing says the type is wrong, the count
 * says it was right; the page is not free in the kernel (something no event
 * shows took it). It goes; its pageblock keeps its type.
 */
static void test_lone_block_with_exact_start_count_dropped(void **state)
{
	const struct prt_free_block fb[] = { { ZONE_START + 0x10, 0, 1, false } };
	const char *path = scratch_path("retype2.prt");
	struct prt_header h;
	struct prt_writer *w;
	struct rp_result r;

	(void)state;
	header_with_free(&h, fb, 1);
	h.initial.free_blocks[(0 * 11 + 0) * 5 + 1] = 1;	/* zone 0, order 0, movable */
	w = prt_writer_open(path, &h, NULL);
	assert_non_null(w);
	add(w, PRT_EV_FREE, ZONE_START + 0x400, 4, 0);
	add(w, PRT_EV_ZONE_LOCKED, ZONE_START + 0x400, 0, 1);
	end_trace(w, &h, path, &r);
	assert_int_equal(r.refills_agree, 1);
	assert_int_equal(r.pageblocks_retyped, 0);
	assert_int_equal(r.free_blocks_dropped, 1);
}

/*
 * Every pageblock unmovable, one free order-10 block: a movable order-0
 * refill must fall back to it, claiming the whole block (it spans its
 * pageblocks), as mm_page_alloc_extfrag reports. A report that says the
 * kernel did not claim it does not agree.
 */
static void test_fallback_compared_with_extfrag(void **state)
{
	const struct prt_free_block fb[] = { { ZONE_START, 10, 0, false } };
	const char *path = scratch_path("extfrag.prt");
	struct prt_header h;
	struct prt_writer *w;
	struct rp_result r;
	struct prt_event ev = { .type = PRT_EV_EXTFRAG, .pfn = ZONE_START, .order = 0,
				.migratetype = 1 };

	(void)state;
	header_with_free(&h, fb, 1);
	memset(h.pageblock_mt[0], 0, 4096 / 512);
	w = prt_writer_open(path, &h, NULL);
	assert_non_null(w);
	ev.ts_ns = 1;
	ev.arg[0] = 10;		/* fallback_order */
	ev.arg[1] = 0;		/* fallback_migratetype: unmovable */
	ev.arg[2] = 1;		/* change_ownership */
	assert_int_equal(prt_writer_add(w, &ev, NULL), 0);
	ev.ts_ns = 2;
	ev.arg[2] = 0;		/* the same fallback, told as a steal */
	assert_int_equal(prt_writer_add(w, &ev, NULL), 0);
	end_trace(w, &h, path, &r);
	assert_int_equal(r.extfrag, 2);
	assert_int_equal(r.extfrag_agree, 1);
	assert_int_equal(r.extfrag_pfn_agree, 1);
}

/*
 * An unmovable fallback while the model holds an unmovable block: the
 * first order-10 block, free at capture start in pageblocks capture typed
 * Unmovable, and the second, Movable. The kernel's unmovable request fell
 * back to the movable one and claimed it, so its unmovable lists were
 * empty: the first block's pageblocks were not Unmovable. Nor Reclaimable,
 * the type an unmovable request falls back to first: the claim walked the
 * order-10 lists and passed it over. Retyped twice, to Movable, the model
 * falls back the same way (without the rule it takes the first block from
 * its own lists: no agreement).
 */
static void test_fallback_shows_own_lists_empty(void **state)
{
	const struct prt_free_block fb[] = {
		{ ZONE_START, 10, 0, false }, { ZONE_START + 0x400, 10, 1, false },
	};
	const char *path = scratch_path("fallback-empty.prt");
	struct prt_header h;
	struct prt_writer *w;
	struct rp_result r;
	struct prt_event ev = { .type = PRT_EV_EXTFRAG, .ts_ns = 1, .pfn = ZONE_START + 0x400,
				.order = 0, .migratetype = 0,
				/* fallback order 10, Movable, claimed */
				.arg = { 10, 1, 1 } };

	(void)state;
	header_with_free(&h, fb, 2);
	memset(h.pageblock_mt[0], 0, 2);	/* the first block's two pageblocks */
	w = prt_writer_open(path, &h, NULL);
	assert_non_null(w);
	assert_int_equal(prt_writer_add(w, &ev, NULL), 0);
	end_trace(w, &h, path, &r);
	assert_int_equal(r.extfrag, 1);
	assert_int_equal(r.extfrag_agree, 1);
	assert_int_equal(r.pageblocks_retyped, 2);
}

/*
 * A refill that falls back: 6.15+ traces the page the fallback returns by
 * mm_page_alloc_extfrag alone (no mm_page_alloc_zone_locked), then the
 * rest of the batch from the block it claimed. The order-10 movable block
 * is claimed for unmovable: the page at its head went to cpu 0's pcp list,
 * the refill's next page is its neighbour, and the allocation takes the
 * head from the list. Without the rule the model still has the head free,
 * expects the refill there and the allocation from the buddy lists. On
 * 6.12 the same page comes with its own mm_page_alloc_zone_locked, which
 * is the refill, as before.
 */
static void fallback_refill_trace(const char *path, const char *release, bool zone_locked_too,
				  struct rp_result *r)
{
	const struct prt_free_block fb[] = { { ZONE_START, 10, 1, false } };
	struct prt_header h;
	struct prt_writer *w;
	struct prt_event claim = { .type = PRT_EV_EXTFRAG, .pfn = ZONE_START, .order = 0,
				   .migratetype = 0 };
	struct prt_event refill = { .type = PRT_EV_ZONE_LOCKED, .pfn = ZONE_START, .order = 0,
				    .migratetype = 0, .arg = { 1 } };
	struct prt_event alloc = { .type = PRT_EV_ALLOC, .pfn = ZONE_START, .order = 0,
				   .migratetype = 0, .gfp = 0xcc0 };

	header_with_free(&h, fb, 1);
	snprintf(h.kernel_release, sizeof(h.kernel_release), "%s", release);
	w = prt_writer_open(path, &h, NULL);
	assert_non_null(w);
	claim.arg[0] = 10;	/* fallback_order */
	claim.arg[1] = 1;	/* fallback_migratetype: movable */
	claim.arg[2] = 1;	/* change_ownership */
	add_event(w, claim);
	if (zone_locked_too)
		add_event(w, refill);
	refill.pfn = ZONE_START + 1;
	add_event(w, refill);
	add_event(w, alloc);
	end_trace(w, &h, path, r);
}

static void test_fallback_page_traced_by_extfrag_alone(void **state)
{
	struct rp_result r;

	(void)state;
	fallback_refill_trace(scratch_path("claim618.prt"), "6.18.44-test", false, &r);
	assert_int_equal(r.extfrag_agree, 1);
	assert_int_equal(r.fallback_refills, 1);
	assert_int_equal(r.refills, 1);
	assert_int_equal(r.refills_agree, 1);
	assert_int_equal(r.classes[RP_exact_pfn], 1);

	fallback_refill_trace(scratch_path("claim612.prt"), "6.12.0-test", true, &r);
	assert_int_equal(r.fallback_refills, 0);
	assert_int_equal(r.refills, 2);
	assert_int_equal(r.refills_agree, 2);
	assert_int_equal(r.classes[RP_exact_pfn], 1);
}

/*
 * Compaction's fast free scanner: mm_compaction_fast_isolate_freepages says
 * (min_pfn, free_pfn) and 8 pages taken. Walking the movable order-3 list
 * from its tail, the kernel takes the first block at or above low_pfn =
 * pageblock of free_pfn - (free_pfn - min_pfn) / 2 = 0x100c00: the block at
 * 0x100e00, not the one at 0x100000. The next order-3 allocation can then
 * only be 0x100000.
 */
static void test_fast_free_scanner(void **state)
{
	const struct prt_free_block fb[] = {
		{ ZONE_START, 3, 1, false }, { ZONE_START + 0xe00, 3, 1, false },
	};
	const char *path = scratch_path("fastiso.prt");
	struct prt_header h;
	struct prt_writer *w;
	struct rp_result r;
	struct prt_event ev = { .ts_ns = 1, .type = PRT_EV_COMPACT_ISOLATE_FREE,
				.pfn = PRT_PFN_NONE, .migratetype = -1 };

	(void)state;
	w = begin_trace(path, &h, fb, 2);
	ev.arg[0] = ZONE_START + 0x800;		/* min_pfn */
	ev.arg[1] = ZONE_START + 0x1000;	/* free_pfn */
	ev.arg[2] = 1;				/* nr_scanned */
	ev.arg[3] = 8;				/* nr_taken */
	ev.arg[4] = 1;				/* the fast variant */
	assert_int_equal(prt_writer_add(w, &ev, NULL), 0);
	add(w, PRT_EV_ALLOC, ZONE_START, 3, 0);
	end_trace(w, &h, path, &r);
	assert_int_equal(r.isolated_pages, 8);
	assert_int_equal(r.isolate_mismatch, 0);
	assert_int_equal(r.classes[RP_exact_pfn], 1);
}

/*
 * The kernel's fast search also rotates the lists it walked without taking
 * anything; replay does so only where it knows every block the walk looked
 * at: blocks free at capture start are in a guessed order
 * (replay/free_scanner.c has the measurement). Twenty such order-2 blocks below
 * min_pfn, seeded head (+0) to tail (+152), and one order-1 block above
 * low_pfn; the event (16 + 1 looked at, plus the taken block's second page,
 * 2 taken) is reproduced: the order-1 block is isolated, the order-2 list
 * left as it was, so the next order-2 allocation takes +0.
 */
static void test_fast_search_rotates_only_its_block_list(void **state)
{
	struct prt_free_block fb[21];
	const uint64_t fast[5] = { ZONE_START + 0x800, ZONE_START + 0x1000, 18, 2, 1 };
	const char *path = scratch_path("fastrot.prt");
	struct prt_header h;
	struct prt_writer *w;
	struct rp_result r;

	(void)state;
	for (unsigned i = 0; i < 20; i++)
		fb[i] = (struct prt_free_block){ ZONE_START + 8 * i, 2, 1, false };
	fb[20] = (struct prt_free_block){ ZONE_START + 0xc00, 1, 1, false };
	w = begin_trace(path, &h, fb, 21);
	add_thp_fast_search(w, fast);
	add(w, PRT_EV_ALLOC, ZONE_START, 2, 0);
	end_trace(w, &h, path, &r);
	assert_int_equal(r.fast_searches, 1);
	assert_int_equal(r.fast_search_fit, 1);
	assert_int_equal(r.isolated_pages, 2);
	assert_int_equal(r.classes[RP_exact_pfn], 1);
}

/*
 * Where the model knows the blocks a search looked at, it rotates the lists
 * the kernel walked without finding one. Twenty order-4 blocks freed during
 * the trace (settled; order 4 goes straight to the buddy lists), each at the
 * head, so the list runs +608 (head) .. +0 (tail), all below min_pfn. The
 * event: 16 looked at, none taken; on order 4 the search stopped at the
 * 16th from the tail, +480, which now heads the list: the next order-4
 * allocation takes it (without the rotation: +608).
 */
static void test_fast_search_rotates_known_walked_lists(void **state)
{
	const struct prt_free_block fb[] = { { ZONE_START + 0xe00, 9, 1, false } };
	const uint64_t fast[5] = { ZONE_START + 0x800, ZONE_START + 0x1000, 16, 0, 1 };
	const char *path = scratch_path("fastknown.prt");
	struct prt_header h;
	struct prt_writer *w;
	struct rp_result r;

	(void)state;
	w = begin_trace(path, &h, fb, 1);
	for (unsigned i = 0; i < 20; i++)
		add(w, PRT_EV_FREE, ZONE_START + 32 * i, 4, 0);
	add_thp_fast_search(w, fast);
	add(w, PRT_EV_ALLOC, ZONE_START + 32 * 15, 4, 0);
	end_trace(w, &h, path, &r);
	assert_int_equal(r.fast_search_fit, 1);
	assert_int_equal(r.isolated_pages, 0);
	assert_int_equal(r.classes[RP_exact_pfn], 1);
}

/*
 * The fast search's limit is not traced; its counts tell it. At the
 * scanner's start the kernel walks up to 256 entries: twenty order-2 blocks
 * below min_pfn at the tail, then one above low_pfn, 21st from the tail:
 * 21 looked at, plus the block's other 3 pages, 4 taken. The usual limit
 * of 16 would find nothing; the try with 256 reproduces the counts, and
 * the model isolates that block.
 */
static void test_fast_search_limit_from_counts(void **state)
{
	struct prt_free_block fb[21];
	const uint64_t fast[5] = { ZONE_START + 0x800, ZONE_START + 0x1000, 24, 4, 1 };
	const char *path = scratch_path("fastlimit.prt");
	struct prt_header h;
	struct prt_writer *w;
	struct rp_result r;

	(void)state;
	fb[0] = (struct prt_free_block){ ZONE_START + 0xc00, 2, 1, false };	/* the head */
	for (unsigned i = 1; i < 21; i++)
		fb[i] = (struct prt_free_block){ ZONE_START + 8 * i, 2, 1, false };
	w = begin_trace(path, &h, fb, 21);
	add_thp_fast_search(w, fast);
	end_trace(w, &h, path, &r);
	assert_int_equal(r.fast_search_fit, 1);
	assert_int_equal(r.isolated_pages, 4);
	assert_int_equal(r.isolate_mismatch, 0);
}

/*
 * When no try reproduces the counts, the kernel's list order near the tail
 * differs from the model's; the block is still one of the order the count
 * names, looked for along the whole list. 250 order-2 blocks below min_pfn
 * toward the tail, one above low_pfn at the head; the event's count of
 * pfns looked at matches no walk of the model's, and 4 pages were taken:
 * the model isolates the block at the head (a walk of 16 finds nothing).
 */
static void test_fast_search_block_anywhere_on_its_list(void **state)
{
	struct prt_free_block fb[251];
	const uint64_t fast[5] = { ZONE_START + 0x800, ZONE_START + 0x1000, 999, 4, 1 };
	const char *path = scratch_path("fastany.prt");
	struct prt_header h;
	struct prt_writer *w;
	struct rp_result r;

	(void)state;
	fb[0] = (struct prt_free_block){ ZONE_START + 0xc00, 2, 1, false };	/* the head */
	for (unsigned i = 1; i < 251; i++)
		fb[i] = (struct prt_free_block){ ZONE_START + 8 * i, 2, 1, false };
	w = begin_trace(path, &h, fb, 251);
	add_task(w, PRT_EV_COMPACT_BEGIN, 7, PRT_PFN_NONE, 0, NULL);
	add_task(w, PRT_EV_COMPACT_ISOLATE_FREE, 7, PRT_PFN_NONE, 0, fast);
	add(w, PRT_EV_ALLOC, ZONE_START + 8, 2, 0);
	end_trace(w, &h, path, &r);
	assert_int_equal(r.fast_search_fit, 0);
	assert_int_equal(r.isolated_pages, 4);
	assert_int_equal(r.isolate_mismatch, 0);
}

/*
 * Async compaction's slow free scanner probes every stride-th pfn: with a
 * stride of 32 it takes the order-5 block at +32 and never looks at the
 * order-0 block at +1. The event says 32 pages were taken, 47 pfns looked
 * at (16 probes, 31 of them inside the block it took).
 */
/* Task 7's compaction run: one slow scan over [+0x400, +0x600) that looked
 * at `scanned` pfns and took `taken` pages, then an allocation of the block
 * at +0x420 (order 5) if `alloc`. */
static void slow_scan_trace(const char *path, const struct prt_free_block *fb, unsigned n,
			    uint64_t scanned, uint64_t taken, bool alloc, struct rp_result *r)
{
	const uint64_t start = ZONE_START + 0x400;
	const uint64_t iso[5] = { start, start + 512, scanned, taken, 0 };
	struct prt_header h;
	struct prt_writer *w = begin_trace(path, &h, fb, n);

	add_task(w, PRT_EV_COMPACT_BEGIN, 7, PRT_PFN_NONE, 0, NULL);
	add_task(w, PRT_EV_COMPACT_ISOLATE_FREE, 7, PRT_PFN_NONE, 0, iso);
	if (alloc)
		add(w, PRT_EV_ALLOC, start + 32, 5, 0);
	end_trace(w, &h, path, r);
}

static void test_slow_free_scanner_stride(void **state)
{
	const struct prt_free_block fb[] = {
		{ ZONE_START + 0x401, 0, 1, false }, { ZONE_START + 0x420, 5, 1, false },
	};
	struct rp_result r;

	(void)state;
	slow_scan_trace(scratch_path("stride.prt"), fb, 2, 47, 32, false, &r);
	assert_int_equal(r.isolated_pages, 32);
	assert_int_equal(r.isolate_mismatch, 0);
}

/*
 * A slow scan that took nothing: it met the free order-5 block at +32 after
 * 33 pfns and __isolate_free_page refused it (the zone under its min
 * watermark). The model takes nothing either (without the rule the stride
 * nearest 0 pages takes the block), and the block is free for the
 * allocation after.
 */
static void test_slow_scan_that_took_nothing(void **state)
{
	const struct prt_free_block fb[] = { { ZONE_START + 0x420, 5, 1, false } };
	struct rp_result r;

	(void)state;
	slow_scan_trace(scratch_path("nothing.prt"), fb, 1, 33, 0, true, &r);
	assert_int_equal(r.isolated_pages, 0);
	assert_int_equal(r.classes[RP_exact_pfn], 1);
}

/* header_with_free, on a host whose free page reporting works from order 9. */
static void add_setting(struct prt_header *h, const char *key, const char *value)
{
	h->settings = realloc(h->settings, (h->nr_settings + 1) * sizeof(*h->settings));
	assert_non_null(h->settings);
	snprintf(h->settings[h->nr_settings].key, sizeof(h->settings[0].key), "%s", key);
	snprintf(h->settings[h->nr_settings++].value, sizeof(h->settings[0].value), "%s", value);
}

static void reporting_header(struct prt_header *h, const struct prt_free_block *fb, unsigned n)
{
	header_with_free(h, fb, n);
	add_setting(h, "page_reporting.order", "9");
}

/* Zone z of h widened to 0x8000 pages, every pageblock movable: room for
 * the 17 order-10 blocks that put a zone over the worker's low + 32 << 9. */
static void widen_zone(struct prt_header *h, uint32_t z)
{
	h->zones[z].spanned = h->zones[z].present = h->zones[z].managed = 0x8000;
	h->pageblock_mt[z] = realloc(h->pageblock_mt[z], 0x8000 / 512);
	assert_non_null(h->pageblock_mt[z]);
	memset(h->pageblock_mt[z], 1, 0x8000 / 512);	/* movable */
}

/* n order-10 blocks from base freed from 1000 ns on (the last freed at the
 * head of its list). */
static void free_order10_blocks(struct prt_writer *w, uint64_t base, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		struct prt_event ev = { .type = PRT_EV_FREE, .ts_ns = 1000 + i,
					.pfn = base + i * 0x400, .order = 10, .migratetype = -1 };

		assert_int_equal(prt_writer_add(w, &ev, NULL), 0);
	}
}

/* begin_trace, on that host. */
static struct prt_writer *begin_reporting_trace(const char *path, struct prt_header *h,
						const struct prt_free_block *fb, unsigned n)
{
	struct prt_writer *w;

	reporting_header(h, fb, n);
	w = prt_writer_open(path, h, NULL);
	assert_non_null(w);
	return w;
}

/*
 * Free page reporting holds blocks of page_reporting_order and up off the
 * lists with no event. The kernel fails an order-9 request while the model
 * has two order-9 blocks: the worker holds them, so a second request 0.4 ms
 * later fails in the model too (without the rule: kernel_failed again).
 * Past the hold they are back, in the reverse of the worker's walk (its
 * scatterlist fills from the end and empties from the start), and the
 * next request takes the one it isolated last.
 */
static void test_page_reporting_holds_blocks(void **state)
{
	const struct prt_free_block fb[] = {
		{ ZONE_START, 9, 1, false }, { ZONE_START + 0x400, 9, 1, false },
	};
	const uint64_t when[] = { 1000000, 1400000, 3400000 };
	const uint64_t pfn[] = { PRT_PFN_NONE, PRT_PFN_NONE, ZONE_START + 0x400 };
	const char *path = scratch_path("reporting.prt");
	struct prt_header h;
	struct prt_writer *w;
	struct rp_result r;

	(void)state;
	w = begin_reporting_trace(path, &h, fb, 2);
	for (unsigned i = 0; i < 3; i++) {
		struct prt_event ev = { .type = PRT_EV_ALLOC, .ts_ns = when[i], .pfn = pfn[i],
					.order = 9, .gfp = MOVABLE_GFP, .migratetype = 1 };

		assert_int_equal(prt_writer_add(w, &ev, NULL), 0);
	}
	end_trace(w, &h, path, &r);
	assert_int_equal(r.classes[RP_kernel_failed], 1);
	assert_int_equal(r.classes[RP_both_failed], 1);
	assert_int_equal(r.classes[RP_exact_pfn], 1);
	assert_int_equal(r.report_batches, 1);
	assert_int_equal(r.report_blocks, 2);
}

/*
 * A refill that passes over the model's order-9 block for a larger one,
 * with free page reporting on: the worker holds the block, it is not lost.
 * Two order-10 blocks: a refill splits the first (0x100200 stays, order 9);
 * the second is allocated and freed, so both are settled. Refills then take
 * the second's halves, passing over 0x100200; 25 ms later a refill takes
 * 0x100200, back on the lists. (Without reporting the model lets it go, and
 * the last refill differs.)
 */
static void test_refill_past_a_reported_block(void **state)
{
	const struct prt_free_block fb[] = {
		{ ZONE_START, 10, 1, false }, { ZONE_START + 0x400, 10, 1, false },
	};
	const struct { uint8_t type; uint64_t ts, pfn; unsigned order; } evs[] = {
		{ PRT_EV_ZONE_LOCKED, 1000, ZONE_START, 9 },
		{ PRT_EV_ALLOC, 2000, ZONE_START + 0x400, 10 },
		{ PRT_EV_FREE, 3000, ZONE_START + 0x400, 10 },
		{ PRT_EV_ZONE_LOCKED, 4000, ZONE_START + 0x400, 9 },
		{ PRT_EV_ZONE_LOCKED, 5000, ZONE_START + 0x600, 9 },
		{ PRT_EV_ZONE_LOCKED, 25005000, ZONE_START + 0x200, 9 },
	};
	const char *path = scratch_path("reported-refill.prt");
	struct prt_header h;
	struct prt_writer *w;
	struct rp_result r;

	(void)state;
	w = begin_reporting_trace(path, &h, fb, 2);
	for (unsigned i = 0; i < sizeof(evs) / sizeof(evs[0]); i++) {
		struct prt_event ev = { .type = evs[i].type, .ts_ns = evs[i].ts, .pfn = evs[i].pfn,
					.order = (uint8_t)evs[i].order, .migratetype = 1,
					.gfp = evs[i].type == PRT_EV_ALLOC ? MOVABLE_GFP : 0 };

		ev.arg[0] = evs[i].type == PRT_EV_ZONE_LOCKED;
		assert_int_equal(prt_writer_add(w, &ev, NULL), 0);
	}
	end_trace(w, &h, path, &r);
	assert_int_equal(r.refills, 4);
	assert_int_equal(r.report_blocks, 1);
	assert_int_equal(r.free_blocks_dropped, 0);
	/* the one passing over too: the correction comes before the compare */
	assert_int_equal(r.refills_agree, 4);
}

/*
 * Which blocks free at capture start were reported, where the capture read
 * it (kpageflags): of 17 order-10 blocks (enough free for the worker to
 * walk the zone), the one in front on the list, A, was not, the 16 behind
 * it were. The worker's batch of one order-10 block (4 MiB, 1 to 3 ms)
 * takes A, and the kernel's allocation at 2 ms is the next one, B. Without
 * the bits all count as reported: the batch finds nothing to hold and the
 * model predicts A.
 */
static void reported_at_start_trace(const char *path, bool known, struct rp_result *r)
{
	const struct prt_reporting_sample samples[] = {
		{ 100, 500, 9000, 3 }, { 1000000, 501, 9000, 3 }, { 3000000, 501, 13096, 3 },
	};
	struct prt_free_block fb[17];
	struct prt_event alloc = { .type = PRT_EV_ALLOC, .ts_ns = 2000000, .pfn = ZONE_START + 0x400,
				   .order = 10, .gfp = MOVABLE_GFP, .migratetype = 1 };
	struct prt_header h;
	struct prt_writer *w;

	for (unsigned i = 0; i < 17; i++)
		fb[i] = (struct prt_free_block){ ZONE_START + i * 0x400, 10, 1, i > 0 };
	reporting_header(&h, fb, 17);
	widen_zone(&h, 0);
	h.free_reported_known = known;
	w = prt_writer_open(path, &h, NULL);
	assert_non_null(w);
	assert_int_equal(prt_writer_add(w, &alloc, NULL), 0);
	assert_int_equal(prt_writer_add_reporting(w, samples, 3, NULL), 0);
	assert_int_equal(prt_writer_close(w, NULL), 0);
	prt_header_release(&h);
	replay(path, r);
}

static void test_page_reporting_reported_at_start(void **state)
{
	struct rp_result r;

	(void)state;
	reported_at_start_trace(scratch_path("reported-start.prt"), true, &r);
	assert_int_equal(r.report_seen, 1);
	assert_int_equal(r.report_seen_short, 0);
	assert_int_equal(r.classes[RP_exact_pfn], 1);
	reported_at_start_trace(scratch_path("reported-unknown.prt"), false, &r);
	assert_int_equal(r.report_seen_short, 1024);
	assert_int_equal(r.classes[RP_exact_pfn], 0);
}

/*
 * Free page reporting seen by the capture's counters: 17 order-10 blocks
 * freed (so not yet reported), then a batch of 16 (64 MiB) from 1 to 3 ms.
 * The worker walks the list from its head: the block freed first, at the
 * tail, is all the kernel has at 2 ms; at 2.5 ms it has none (both fail).
 * At 4 ms the batch is back at the list's tail in the reverse of the walk,
 * so the kernel takes the one the walk isolated last, the second freed. A
 * second batch (4 MiB) at 5 ms finds only reported blocks: the model holds
 * nothing, and 5.5 ms takes the next, the third freed.
 * (Without the batches the model predicts the head at 2 ms and serves
 * 2.5 ms.)
 */
static void test_page_reporting_batches_seen(void **state)
{
	const struct prt_reporting_sample samples[] = {
		{ 100, 500, 9000, 3 }, { 1000000, 517, 9000, 3 }, { 3000000, 517, 74536, 3 },
		{ 5000000, 519, 74536, 4 }, { 6000000, 519, 78632, 4 },
	};
	const struct { uint64_t ts, pfn; } allocs[] = {
		{ 2000000, ZONE_START }, { 2500000, PRT_PFN_NONE },
		{ 4000000, ZONE_START + 0x400 }, { 5500000, ZONE_START + 0x800 },
	};
	const char *path = scratch_path("reporting-seen.prt");
	struct prt_header h;
	struct prt_writer *w;
	struct rp_result r;

	(void)state;
	reporting_header(&h, NULL, 0);
	widen_zone(&h, 0);
	w = prt_writer_open(path, &h, NULL);
	assert_non_null(w);
	free_order10_blocks(w, ZONE_START, 17);
	for (unsigned i = 0; i < 4; i++) {
		struct prt_event ev = { .type = PRT_EV_ALLOC, .ts_ns = allocs[i].ts,
					.pfn = allocs[i].pfn, .order = 10, .gfp = MOVABLE_GFP,
					.migratetype = 1 };

		assert_int_equal(prt_writer_add(w, &ev, NULL), 0);
	}
	assert_int_equal(prt_writer_add_reporting(w, samples, 5, NULL), 0);
	assert_int_equal(prt_writer_close(w, NULL), 0);
	prt_header_release(&h);
	replay(path, &r);
	assert_int_equal(r.allocations, 4);
	assert_int_equal(r.classes[RP_exact_pfn], 3);
	assert_int_equal(r.classes[RP_both_failed], 1);
	assert_int_equal(r.report_seen, 2);
	assert_int_equal(r.report_seen_pages, 16384 + 1024);
	assert_int_equal(r.report_seen_short, 1024);
	assert_int_equal(r.report_seen_wrong, 0);
	assert_int_equal(r.report_batches, 0);	/* no inferred holds beside them */
}

/* 17 order-10 blocks freed (the worker reports a zone only above low + 32
 * << 9 pages), the capture polling the counters every 0.5 ms, the samples
 * given, its kpageflags scan over scan_ns ("start end", or NULL); an
 * order-10 allocation at alloc_ns takes the block nth from the list's head
 * (0: the last freed). */
static void poll_trace(const char *path, const struct prt_reporting_sample *samples, unsigned n,
		       const char *scan_ns, uint64_t alloc_ns, unsigned nth, struct rp_result *r)
{
	struct prt_event alloc = { .type = PRT_EV_ALLOC, .ts_ns = alloc_ns,
				   .pfn = ZONE_START + (16 - nth) * 0x400, .order = 10,
				   .gfp = MOVABLE_GFP, .migratetype = 1 };
	struct prt_header h;
	struct prt_writer *w;

	reporting_header(&h, NULL, 0);
	add_setting(&h, "page_reporting.poll_us", "500");
	if (scan_ns)
		add_setting(&h, "capture.kpageflags_scan_ns", scan_ns);
	widen_zone(&h, 0);
	w = prt_writer_open(path, &h, NULL);
	assert_non_null(w);
	free_order10_blocks(w, ZONE_START, 17);
	assert_int_equal(prt_writer_add(w, &alloc, NULL), 0);
	assert_int_equal(prt_writer_add_reporting(w, samples, n, NULL), 0);
	assert_int_equal(prt_writer_close(w, NULL), 0);
	prt_header_release(&h);
	replay(path, r);
}

/* poll_trace's 17 order-10 blocks and an order-9 one on cpu 0's pcp list,
 * min watermark 100; the batch of samples `all` takes the 17, and the
 * kernel allocates the order-9 block from its pcp list at 2.8 ms: its
 * check needs the zone's free pages over the mark and a block of order 9
 * or more on the buddy lists. */
static void back_trace(const char *path, const struct prt_reporting_sample all[3],
		       struct rp_result *r)
{
	const uint64_t thp = ZONE_START + 0x7000;
	struct prt_event alloc = { .type = PRT_EV_ALLOC, .ts_ns = 2800000, .pfn = thp, .order = 9,
				   .gfp = MOVABLE_GFP, .migratetype = 1 };
	struct prt_event freed = { .type = PRT_EV_FREE, .ts_ns = 2000, .pfn = thp, .order = 9,
				   .migratetype = -1 };
	struct prt_header h;
	struct prt_writer *w;

	reporting_header(&h, NULL, 0);
	add_setting(&h, "page_reporting.poll_us", "500");
	widen_zone(&h, 0);
	h.zones[0].wmark_min = h.zones[0].wmark_low = h.zones[0].wmark_high = 100;
	w = prt_writer_open(path, &h, NULL);
	assert_non_null(w);
	free_order10_blocks(w, ZONE_START, 17);
	assert_int_equal(prt_writer_add(w, &freed, NULL), 0);
	assert_int_equal(prt_writer_add(w, &alloc, NULL), 0);
	assert_int_equal(prt_writer_add_reporting(w, all, 3, NULL), 0);
	assert_int_equal(prt_writer_close(w, NULL), 0);
	prt_header_release(&h);
	replay(path, r);
}

/*
 * The counters show a walk, and its report, at the first poll after it
 * (every 0.5 ms here): the kernel's events of the poll before a sample saw
 * the blocks on the lists. A walk seen at 2 ms took the list's two heads
 * (freed last): the kernel's allocation at 1.8 ms takes the head (held
 * from a poll before the sample, the model predicted the third; a fresh
 * capture's THP so failed). A batch of all 17 blocks reported at 3 ms: the
 * kernel's order-9 allocation from its pcp list at 2.8 ms passed its check
 * (held to the sample, the model's free pages were under the mark and its
 * lists without a block of that order; on a fresh capture three order-9
 * requests so failed). A batch reported with no walk seen began before the
 * poller's first sample (1 ms): the kernel's allocation at 0.8 ms takes
 * the head. (Checkpoints see the other side of each interval:
 * tests/test_replay.c, page-cache-poll and page-cache-guesses.)
 */
static void test_page_reporting_poll_interval(void **state)
{
	const struct prt_reporting_sample walked[] = {
		{ 100, 500, 9000, 3 }, { 2000000, 502, 9000, 3 }, { 3000000, 502, 9000 + 8192, 3 },
	};
	const struct prt_reporting_sample all[] = {
		{ 100, 500, 9000, 3 }, { 1000000, 517, 9000, 3 }, { 3000000, 517, 9000 + 69632, 3 },
	};
	const struct prt_reporting_sample unseen[] = {
		{ 1000000, 500, 9000, 3 }, { 3000000, 500, 9000 + 8192, 3 },
	};
	struct rp_result r;

	(void)state;
	poll_trace(scratch_path("reporting-poll.prt"), walked, 3, NULL, 1800000, 0, &r);
	assert_int_equal(r.classes[RP_exact_pfn], 1);
	back_trace(scratch_path("reporting-back.prt"), all, &r);
	assert_int_equal(r.report_seen, 1);
	assert_int_equal(r.report_seen_short, 0);
	assert_int_equal(r.classes[RP_exact_pfn], 1);
	poll_trace(scratch_path("reporting-unseen.prt"), unseen, 2, NULL, 800000, 0, &r);
	assert_int_equal(r.classes[RP_exact_pfn], 1);
}

/*
 * A batch reported with no walk seen was out when the poller started, and
 * the poller starts after the kpageflags scan (here over 0.1-0.5 ms): the
 * free map lacks the batch's blocks, which the capture kept as blocks off
 * the lists at the scan (X here). The model holds nothing for the batch:
 * the kernel's allocation at 2 ms, during it, takes the one order-10 block
 * the map has, F (holding F in X's place, the model failed it). At the
 * batch's end X comes back, and the kernel's allocation at 4 ms takes it
 * (where only the map's blocks were free, the model failed that one).
 */
static void test_page_reporting_batch_out_during_the_scan(void **state)
{
	const struct prt_reporting_sample unseen[] = {
		{ 1000000, 500, 9000, 3 }, { 3000000, 500, 9000 + 4096, 3 },
	};
	const uint64_t f = ZONE_START + 0x400, x = ZONE_START + 0x800;
	const struct prt_free_block fb[] = { { f, 10, 1, false } };
	const char *path = scratch_path("reporting-scan.prt");
	struct prt_event during = { .type = PRT_EV_ALLOC, .ts_ns = 2000000, .pfn = f, .order = 10,
				    .gfp = MOVABLE_GFP, .migratetype = 1 };
	struct prt_event after = { .type = PRT_EV_ALLOC, .ts_ns = 4000000, .pfn = x, .order = 10,
				   .gfp = MOVABLE_GFP, .migratetype = 1 };
	struct prt_header h;
	struct prt_writer *w;
	struct rp_result r;

	(void)state;
	reporting_header(&h, fb, 1);
	add_setting(&h, "capture.kpageflags_scan_ns", "100000 500000");
	h.out_blocks = calloc(1, sizeof(*h.out_blocks));
	assert_non_null(h.out_blocks);
	h.out_blocks[0] = (struct prt_out_block){ x, 10 };
	h.nr_out_blocks = 1;
	w = prt_writer_open(path, &h, NULL);
	assert_non_null(w);
	assert_int_equal(prt_writer_add(w, &during, NULL), 0);
	assert_int_equal(prt_writer_add(w, &after, NULL), 0);
	assert_int_equal(prt_writer_add_reporting(w, unseen, 2, NULL), 0);
	end_trace(w, &h, path, &r);
	assert_int_equal(r.report_seen, 1);
	assert_int_equal(r.classes[RP_exact_pfn], 2);
}

/* DMA32 at 0x10000 and Normal at 0x100000, 4096 movable pages each, with
 * these marks (min = low = high) and no free block. */
static void two_zone_header(struct prt_header *h, const uint64_t mark[2])
{
	static const uint64_t start[2] = { 0x10000, 0x100000 };

	sample_header(h);
	for (uint32_t z = 0; z < 2; z++) {
		struct prt_zone *zone = &h->zones[z];

		zone->start_pfn = start[z];
		zone->spanned = zone->present = zone->managed = 4096;
		zone->wmark_min = zone->wmark_low = zone->wmark_high = mark[z];
		zone->lowmem_reserve[2] = 0;
		memset(h->pageblock_mt[z], 1, 8);	/* movable */
	}
	h->nr_free_blocks = 0;
	sample_replay_gfp_flags(h);
	h->initial.nr_zones = 0;
}

/*
 * page_reporting_cycle's budget: a pass makes DIV_ROUND_UP(nr_free, 16 *
 * 32) reports from a list, and one more, then leaves it. Both zones have
 * 17 unreported order-10 blocks (just over the worker's low + 32 << 9
 * pages); batches of one block each walk at 1, 3 and 5 ms in pass 7: two
 * from the lower zone's list (budget 1), the third from Normal's, whose
 * head it holds when the kernel allocates Normal's second block at 5.5
 * ms (taking each batch from the lower zone, the model predicted Normal's
 * head). A batch of the next pass starts over at the lower zone: Normal's
 * head (its third block: the first went back to the tail, reported) is
 * free for the kernel's allocation at 7.5 ms (with the budget kept across
 * passes, the model held it).
 */
static void test_page_reporting_budget_per_list(void **state)
{
	static const uint64_t mark[2] = { 0, 0 };
	const struct prt_reporting_sample samples[] = {
		{ 100, 500, 9000, 7 },
		{ 1000000, 502, 9000, 7 }, { 2000000, 502, 9000 + 4096, 7 },
		{ 3000000, 504, 9000 + 4096, 7 }, { 4000000, 504, 9000 + 8192, 7 },
		{ 5000000, 506, 9000 + 8192, 7 }, { 6000000, 506, 9000 + 12288, 8 },
		{ 7000000, 508, 9000 + 12288, 8 }, { 8000000, 508, 9000 + 16384, 8 },
	};
	const uint64_t normal = 0x100000, lower = 0x10000;
	struct prt_event in_pass7 = { .type = PRT_EV_ALLOC, .ts_ns = 5500000,
				      .pfn = normal + 15 * 0x400, .order = 10, .gfp = MOVABLE_GFP,
				      .migratetype = 1 };
	struct prt_event in_pass8 = { .type = PRT_EV_ALLOC, .ts_ns = 7500000,
				      .pfn = normal + 14 * 0x400, .order = 10, .gfp = MOVABLE_GFP,
				      .migratetype = 1 };
	const char *path = scratch_path("reporting-budget.prt");
	struct prt_header h;
	struct prt_writer *w;
	struct rp_result r;

	(void)state;
	two_zone_header(&h, mark);
	add_setting(&h, "page_reporting.order", "9");
	widen_zone(&h, 0);
	widen_zone(&h, 1);
	w = prt_writer_open(path, &h, NULL);
	assert_non_null(w);
	for (unsigned i = 0; i < 34; i++) {
		struct prt_event ev = { .type = PRT_EV_FREE, .ts_ns = 1000 + i,
					.pfn = (i < 17 ? lower : normal) + (i % 17) * 0x400,
					.order = 10, .migratetype = -1 };

		assert_int_equal(prt_writer_add(w, &ev, NULL), 0);
	}
	assert_int_equal(prt_writer_add(w, &in_pass7, NULL), 0);
	assert_int_equal(prt_writer_add(w, &in_pass8, NULL), 0);
	assert_int_equal(prt_writer_add_reporting(w, samples, 9, NULL), 0);
	assert_int_equal(prt_writer_close(w, NULL), 0);
	prt_header_release(&h);
	replay(path, &r);
	assert_int_equal(r.report_seen, 4);
	assert_int_equal(r.report_seen_short, 0);
	assert_int_equal(r.classes[RP_exact_pfn], 2);
}

/*
 * A batch is one scatterlist of at most 32 blocks: 34 order-9 blocks and 4
 * order-10 ones are free (none reported yet) and a batch of 68 MiB (17,408
 * pages) runs from 1 to 3 ms. 32 order-9 blocks would fill the list with
 * 1,024 pages to go: the worker took 30 and two order-10 blocks, the two
 * at the head of that list (freed last). An order-10 allocation at 2 ms
 * takes the third freed (without the rule the model holds 32 order-9
 * blocks, predicts the order-10 head and comes 1,024 pages short).
 */
static void test_page_reporting_batch_fills_one_scatterlist(void **state)
{
	const struct prt_reporting_sample samples[] = {
		{ 100, 500, 9000, 3 }, { 1000000, 532, 9000, 3 }, { 3000000, 532, 9000 + 69632, 3 },
	};
	const char *path = scratch_path("reporting-sgl.prt");
	struct prt_header h;
	struct prt_writer *w;
	struct rp_result r;
	struct prt_event alloc = { .type = PRT_EV_ALLOC, .ts_ns = 2000000, .pfn = ZONE_START + 0x400,
				   .order = 10, .gfp = MOVABLE_GFP, .migratetype = 1 };

	(void)state;
	reporting_header(&h, NULL, 0);
	h.zones[0].spanned = h.zones[0].present = h.zones[0].managed = 0x10000;
	h.pageblock_mt[0] = realloc(h.pageblock_mt[0], 0x10000 / 512);
	assert_non_null(h.pageblock_mt[0]);
	memset(h.pageblock_mt[0], 1, 0x10000 / 512);	/* movable */
	w = prt_writer_open(path, &h, NULL);
	assert_non_null(w);
	for (unsigned i = 0; i < 38; i++) {
		/* order-9 blocks a buddy apart, so none merges; freed onto the
		 * pcp list (6.x keeps pageblock-order blocks there), drained */
		struct prt_event ev = { .type = PRT_EV_FREE, .ts_ns = 1000 + 2 * i,
					.pfn = i < 4 ? ZONE_START + i * 0x400
						     : ZONE_START + 0x1000 + (i - 4) * 0x400,
					.order = i < 4 ? 10 : 9, .migratetype = -1 };

		assert_int_equal(prt_writer_add(w, &ev, NULL), 0);
		if (i < 4)
			continue;
		ev.type = PRT_EV_PCPU_DRAIN;
		ev.ts_ns++;
		ev.migratetype = 1;
		assert_int_equal(prt_writer_add(w, &ev, NULL), 0);
	}
	assert_int_equal(prt_writer_add(w, &alloc, NULL), 0);
	assert_int_equal(prt_writer_add_reporting(w, samples, 3, NULL), 0);
	assert_int_equal(prt_writer_close(w, NULL), 0);
	prt_header_release(&h);
	replay(path, &r);
	assert_int_equal(r.report_seen, 1);
	assert_int_equal(r.report_seen_short, 0);
	assert_int_equal(r.classes[RP_exact_pfn], 1);
}

/*
 * The kernel allocates from its pcp list while the model's free count sits
 * 4 pages under the min watermark (a refill took 32 of 128 free pages; the
 * marks are 100): its check passed, so the model's count was short by a
 * few pages. Within the slack the kernel's outcome decides and the model
 * takes the same page (without the rule: model_failed).
 */
static void test_pcp_allocation_overrules_a_marginal_check(void **state)
{
	const struct prt_free_block fb[] = { { ZONE_START, 7, 1, false } };
	const char *path = scratch_path("slack.prt");
	struct prt_header h;
	struct prt_writer *w;
	struct rp_result r;

	(void)state;
	header_with_free(&h, fb, 1);
	h.zones[0].wmark_min = h.zones[0].wmark_low = h.zones[0].wmark_high = 140;
	w = prt_writer_open(path, &h, NULL);
	assert_non_null(w);
	for (unsigned i = 0; i < 32; i++)
		add(w, PRT_EV_ZONE_LOCKED, ZONE_START + i, 0, 1);
	add(w, PRT_EV_ALLOC, ZONE_START, 0, 0);
	end_trace(w, &h, path, &r);
	assert_int_equal(r.allocations, 1);
	assert_int_equal(r.classes[RP_model_failed], 0);
	assert_int_equal(r.checks_within_slack, 1);
	assert_int_equal(r.classes[RP_exact_pfn] + r.classes[RP_unknown_order], 1);
}

/*
 * The mirror of the above: the model's Normal zone passes an order-8
 * check by one page (256 free, 255 discounted, mark 0) and serves the
 * request there; the kernel took its block from DMA32, the next zone of the
 * zonelist, so its Normal check failed: within the slack, the kernel's
 * zone decides (without the rule: other_zone).
 */
static void test_other_zone_overrules_a_marginal_pass(void **state)
{
	static const uint64_t mark[2] = { 0, 0 };
	const char *path = scratch_path("passslack.prt");
	struct prt_header h;
	struct prt_writer *w;
	struct rp_result r;
	struct prt_event alloc = { .type = PRT_EV_ALLOC, .pfn = 0x10000, .order = 8,
				   .migratetype = 1, .gfp = MOVABLE_GFP };

	(void)state;
	two_zone_header(&h, mark);
	h.free_blocks[0] = (struct prt_free_block){ 0x10000, 8, 1, false };
	h.free_blocks[1] = (struct prt_free_block){ 0x100000, 8, 1, false };
	h.nr_free_blocks = 2;
	w = prt_writer_open(path, &h, NULL);
	assert_non_null(w);
	add_event(w, alloc);
	end_trace(w, &h, path, &r);
	assert_int_equal(r.classes[RP_other_zone], 0);
	assert_int_equal(r.passes_within_slack, 1);
	assert_int_equal(r.classes[RP_exact_pfn], 1);
}

/*
 * And where the kernel failed: the model's one order-8 block passes its
 * check by one page (256 free, 255 discounted, mark 0), the kernel's
 * request failed; within the slack the kernel's outcome decides (without
 * the rule: kernel_failed).
 */
static void test_kernel_failure_overrules_a_marginal_pass(void **state)
{
	const struct prt_free_block fb[] = { { ZONE_START, 8, 1, false } };
	const char *path = scratch_path("failslack.prt");
	struct prt_header h;
	struct prt_writer *w;
	struct rp_result r;

	(void)state;
	w = begin_trace(path, &h, fb, 1);
	add(w, PRT_EV_ALLOC, PRT_PFN_NONE, 8, 0);
	end_trace(w, &h, path, &r);
	assert_int_equal(r.classes[RP_kernel_failed], 0);
	assert_int_equal(r.fails_within_slack, 1);
	assert_int_equal(r.classes[RP_both_failed], 1);
	assert_int_equal(r.outcome_agree, 1);
}

/*
 * Compaction capture: task 7 compacts for order 9, and its own free of the
 * order-8 block at +0x300 merges with the free +0x200 into an order-9
 * block, which __free_one_page hands to task 7 instead of the lists. Task
 * 8's order-9 request meanwhile finds nothing (without the rule the model
 * would serve it from that block: kernel_failed); task 7's allocation then
 * returns the captured block.
 */
static void test_compaction_capture(void **state)
{
	const struct prt_free_block fb[] = { { ZONE_START + 0x200, 8, 1, false } };
	const struct { uint8_t type; uint32_t pid; uint64_t pfn; unsigned order; } evs[] = {
		{ PRT_EV_COMPACT_TRY, 7, PRT_PFN_NONE, 9 },
		{ PRT_EV_COMPACT_BEGIN, 7, PRT_PFN_NONE, 0 },
		{ PRT_EV_FREE, 7, ZONE_START + 0x300, 8 },
		{ PRT_EV_COMPACT_END, 7, PRT_PFN_NONE, 0 },
		{ PRT_EV_ALLOC, 8, PRT_PFN_NONE, 9 },
		{ PRT_EV_ALLOC, 7, ZONE_START + 0x200, 9 },
	};
	const char *path = scratch_path("capture.prt");
	struct prt_header h;
	struct prt_writer *w;
	struct rp_result r;

	(void)state;
	w = begin_trace(path, &h, fb, 1);
	for (unsigned i = 0; i < sizeof(evs) / sizeof(evs[0]); i++)
		add_event(w, (struct prt_event){ .type = evs[i].type, .pid = evs[i].pid,
						 .pfn = evs[i].pfn, .order = (uint8_t)evs[i].order,
						 .gfp = MOVABLE_GFP, .migratetype = 1,
						 /* mm_compaction_begin's zone_start */
						 .arg = { evs[i].type == PRT_EV_COMPACT_BEGIN ?
							  ZONE_START : 0 } });
	end_trace(w, &h, path, &r);
	assert_int_equal(r.captures, 1);
	assert_int_equal(r.captures_used, 1);
	assert_int_equal(r.classes[RP_kernel_failed], 0);
	assert_int_equal(r.classes[RP_both_failed], 1);
	assert_int_equal(r.classes[RP_exact_pfn], 1);
}

/*
 * compaction_capture traces mm_page_alloc_extfrag as well when the block a
 * free completes is of another migratetype than the compacting request:
 * here the free of +0x300 completes the unmovable order-9 block at +0x200
 * for task 7's movable THP request. That is no __rmqueue fallback: it is
 * not compared (and its page, not on the free lists, is not taken for a
 * refill); the capture rule still hands the block to the task.
 */
static void test_extfrag_of_a_capture_is_not_a_fallback(void **state)
{
	const struct prt_free_block fb[] = { { ZONE_START + 0x200, 8, 0, false } };
	const struct { uint8_t type; uint32_t pid; uint64_t pfn; unsigned order; } evs[] = {
		{ PRT_EV_COMPACT_TRY, 7, PRT_PFN_NONE, 9 },
		{ PRT_EV_COMPACT_BEGIN, 7, PRT_PFN_NONE, 0 },
		{ PRT_EV_EXTFRAG, 7, ZONE_START + 0x200, 9 },
		{ PRT_EV_FREE, 7, ZONE_START + 0x300, 8 },
		{ PRT_EV_COMPACT_END, 7, PRT_PFN_NONE, 0 },
		{ PRT_EV_ALLOC, 7, ZONE_START + 0x200, 9 },
	};
	const char *path = scratch_path("capture-extfrag.prt");
	struct prt_header h;
	struct prt_writer *w;
	struct rp_result r;

	(void)state;
	header_with_free(&h, fb, 1);
	h.pageblock_mt[0][1] = 0;	/* +0x200: unmovable */
	w = prt_writer_open(path, &h, NULL);
	assert_non_null(w);
	for (unsigned i = 0; i < sizeof(evs) / sizeof(evs[0]); i++) {
		struct prt_event ev = { .type = evs[i].type, .pid = evs[i].pid, .pfn = evs[i].pfn,
					.order = (uint8_t)evs[i].order, .gfp = MOVABLE_GFP,
					.migratetype = 1 };

		if (ev.type == PRT_EV_COMPACT_BEGIN)
			ev.arg[0] = ZONE_START;
		if (ev.type == PRT_EV_EXTFRAG) {
			ev.arg[0] = 9;	/* fallback_order */
			ev.arg[1] = 0;	/* fallback_migratetype: unmovable */
		}
		add_event(w, ev);
	}
	end_trace(w, &h, path, &r);
	assert_int_equal(r.extfrag, 1);
	assert_int_equal(r.extfrag_captures, 1);
	assert_int_equal(rp_fallbacks_compared(&r), 0);
	assert_int_equal(r.fallback_refills, 0);
	assert_int_equal(r.captures, 1);
	assert_int_equal(r.captures_used, 1);
	assert_int_equal(r.classes[RP_exact_pfn], 1);
}

/*
 * Refills put +0, +1, +2 on cpu 0's order-0 list, head to tail. The kernel
 * drains +1, not the tail +2: +2 is not on its list (taken untraced). The
 * model lets it go after the compare, so the next drain, +0, agrees
 * (without the rule the model would name +2 again).
 */
static void test_drain_passes_over_the_tail(void **state)
{
	const struct prt_free_block fb[] = { { ZONE_START, 10, 1, false } };
	const char *path = scratch_path("draingap.prt");
	struct prt_header h;
	struct prt_writer *w;
	struct rp_result r;

	(void)state;
	w = begin_trace(path, &h, fb, 1);
	for (unsigned i = 0; i < 3; i++)
		add(w, PRT_EV_ZONE_LOCKED, ZONE_START + i, 0, 1);
	add(w, PRT_EV_PCPU_DRAIN, ZONE_START + 1, 0, 0);
	add(w, PRT_EV_PCPU_DRAIN, ZONE_START, 0, 0);
	end_trace(w, &h, path, &r);
	assert_int_equal(r.drains, 2);
	assert_int_equal(r.drains_agree, 1);
	assert_int_equal(r.untraced_blocks, 1);
}

/* ... however many blocks are behind the drained one: +2..+9 go. */
static void test_drain_passes_over_many(void **state)
{
	const struct prt_free_block fb[] = { { ZONE_START, 10, 1, false } };
	const char *path = scratch_path("draingap8.prt");
	struct prt_header h;
	struct prt_writer *w;
	struct rp_result r;

	(void)state;
	w = begin_trace(path, &h, fb, 1);
	for (unsigned i = 0; i < 10; i++)
		add(w, PRT_EV_ZONE_LOCKED, ZONE_START + i, 0, 1);
	add(w, PRT_EV_PCPU_DRAIN, ZONE_START + 1, 0, 0);
	add(w, PRT_EV_PCPU_DRAIN, ZONE_START, 0, 0);
	end_trace(w, &h, path, &r);
	assert_int_equal(r.drains, 2);
	assert_int_equal(r.drains_agree, 1);
	assert_int_equal(r.untraced_blocks, 8);
}

/*
 * free_pcppages_bulk drains the list the free that set it off went to
 * first. Cpu 0 holds +0 on its order-0 list and +4, +2 on its order-1 list
 * (refills); +4 is allocated and freed back, and the kernel then drains +2,
 * the order-1 list's tail. The model, which did not start that drain,
 * begins where the free went; from list 0 it would have named +0.
 */
static void test_drain_starts_at_the_freed_list(void **state)
{
	const struct prt_free_block fb[] = { { ZONE_START, 10, 1, false } };
	const char *path = scratch_path("drainstart.prt");
	struct prt_header h;
	struct prt_writer *w;
	struct rp_result r;

	(void)state;
	w = begin_trace(path, &h, fb, 1);
	add(w, PRT_EV_ZONE_LOCKED, ZONE_START, 0, 1);
	add(w, PRT_EV_ZONE_LOCKED, ZONE_START + 4, 1, 1);
	add(w, PRT_EV_ZONE_LOCKED, ZONE_START + 2, 1, 1);
	add(w, PRT_EV_ALLOC, ZONE_START + 4, 1, 0);	/* the order-1 list's head */
	add(w, PRT_EV_FREE, ZONE_START + 4, 1, 0);
	add(w, PRT_EV_PCPU_DRAIN, ZONE_START + 2, 1, 0);
	end_trace(w, &h, path, &r);
	assert_int_equal(r.drains, 1);
	assert_int_equal(r.drains_agree, 1);
}

/* drain_all_pages drains cpu 0's lists from cpu 1: the event is on cpu 1,
 * the block leaves cpu 0's list, from its tail (free_pcppages_bulk). */
static void test_remote_drain(void **state)
{
	const struct prt_free_block fb[] = { { ZONE_START, 10, 1, false } };
	const char *path = scratch_path("remote.prt");
	struct prt_header h;
	struct prt_writer *w;
	struct rp_result r;
	struct prt_event ev = { .ts_ns = 100, .type = PRT_EV_PCPU_DRAIN, .pfn = ZONE_START + 1,
				.cpu = 1, .migratetype = 1 };

	(void)state;
	w = begin_trace(path, &h, fb, 1);
	add(w, PRT_EV_ZONE_LOCKED, ZONE_START, 0, 1);		/* cpu 0 */
	add(w, PRT_EV_ZONE_LOCKED, ZONE_START + 1, 0, 1);	/* its tail */
	assert_int_equal(prt_writer_add(w, &ev, NULL), 0);
	end_trace(w, &h, path, &r);
	assert_int_equal(r.drains, 1);
	assert_int_equal(r.remote_drains, 1);
	assert_int_equal(r.drains_agree, 1);
}

/* The free map has an order-2 block free that the trace first names in a
 * pcp drain: it sat on a pcp list when the trace began. The model keeps it
 * off the free lists until the drain, so the refill before it is split
 * from the large block, as the kernel's was, and the drain is one of a
 * page on a pcp list since before capture. */
static void test_drained_before_named_was_on_pcp(void **state)
{
	const uint64_t on_pcp = ZONE_START + 4, big = ZONE_START + 0x200;
	const struct prt_free_block fb[] = { { on_pcp, 2, 1, false }, { big, 9, 1, false } };
	const char *path = scratch_path("pcpstart.prt");
	struct prt_header h;
	struct prt_writer *w;
	struct rp_result r;

	(void)state;
	w = begin_trace(path, &h, fb, 2);
	add(w, PRT_EV_ZONE_LOCKED, big, 2, 1);
	add(w, PRT_EV_PCPU_DRAIN, on_pcp, 2, 0);
	end_trace(w, &h, path, &r);
	assert_int_equal(r.refills, 1);
	assert_int_equal(r.refills_agree, 1);
	assert_int_equal(r.refills_unknown, 0);
	assert_int_equal(r.drains, 1);
	assert_int_equal(r.drains_unknown, 1);
}

/*
 * Capture reads /proc/kpageflags with tracing on: a page the kernel takes
 * from the lists before the scan reaches it reads as allocated. The scan
 * here reads the zone's pages over 4096 us from `now` (the first page at
 * once, 0x10 after 16 us); the kernel refills 0x10 and 0x11 before that,
 * so they were free when tracing began: an order-1 block, the model's
 * first choice for order 0 (without the rule it has only the order-9
 * block and misses both). Page 0 the scan read before its refill: what
 * the scan said stands, and that refill is a miss either way.
 */
static void test_free_map_before_the_scan_read_it(void **state)
{
	const struct prt_free_block fb[] = { { ZONE_START + 0x200, 9, 1, false } };
	const char *path = scratch_path("scanstart.prt");
	uint64_t now = next_ts();
	char interval[64];
	struct prt_header h;
	struct prt_writer *w;
	struct rp_result r;

	(void)state;
	header_with_free(&h, fb, 1);
	snprintf(interval, sizeof(interval), "%llu %llu", (unsigned long long)now,
		 (unsigned long long)(now + 4096 * 1000));
	add_setting(&h, "capture.kpageflags_scan_ns", interval);
	w = prt_writer_open(path, &h, NULL);
	assert_non_null(w);
	add(w, PRT_EV_ZONE_LOCKED, ZONE_START + 0x10, 0, 1);
	add(w, PRT_EV_ZONE_LOCKED, ZONE_START + 0x11, 0, 1);
	add(w, PRT_EV_ZONE_LOCKED, ZONE_START, 0, 1);
	end_trace(w, &h, path, &r);
	assert_int_equal(r.refills, 3);
	assert_int_equal(r.refills_agree, 2);
	assert_int_equal(r.scan_pages_before, 2);
	assert_int_equal(r.scan_pages_changed, 2);
}

/*
 * The first checkpoint comes just after the kpageflags scan. Its lists show
 * one movable order-0 block where the start map has two, and its zone 513
 * free pages where the model has 514: the block no event of the trace names
 * (+0x10) is not free. The refill after takes the other one (+0x20), the
 * next one must split the order-9 block: without the rule the model still
 * has +0x10 to give.
 */
static void test_first_checkpoint_lets_go_of_unnamed_blocks(void **state)
{
	const struct prt_free_block fb[] = {
		{ ZONE_START + 0x10, 0, 1, false }, { ZONE_START + 0x20, 0, 1, false },
		{ ZONE_START + 0x200, 9, 1, false },
	};
	const char *path = scratch_path("firstcp.prt");
	struct prt_header h;
	struct prt_writer *w;
	struct rp_result r;
	int64_t *blocks, free_pages = 513;
	struct prt_checkpoint cp = { .seq = 1, .nr_zones = 1, .free_pages = &free_pages };

	(void)state;
	w = begin_trace(path, &h, fb, 3);
	cp.nr_orders = h.nr_orders;
	cp.nr_migratetypes = h.nr_migratetypes;
	blocks = calloc((size_t)h.nr_orders * h.nr_migratetypes, sizeof(*blocks));
	assert_non_null(blocks);
	blocks[0 * h.nr_migratetypes + 1] = 1;	/* order 0, movable */
	blocks[9 * h.nr_migratetypes + 1] = 1;	/* order 9, movable */
	cp.free_blocks = blocks;
	cp.ts_ns = next_ts();
	assert_int_equal(prt_writer_add_checkpoint(w, &cp, NULL), 0);
	free(blocks);
	add(w, PRT_EV_ZONE_LOCKED, ZONE_START + 0x20, 0, 1);
	add(w, PRT_EV_ZONE_LOCKED, ZONE_START + 0x200, 0, 1);
	end_trace(w, &h, path, &r);
	assert_int_equal(r.refills, 2);
	assert_int_equal(r.refills_agree, 2);
	assert_int_equal(r.blocks_gone_by_first_checkpoint, 1);
}

/*
 * The other way: the capture found two order-9 blocks off the lists while
 * it scanned (X low, Y high), and the first checkpoint's lists have one
 * order-9 block more than the start map, 512 pages more: a batch of free
 * page reporting was out during the scan and back by then. One block
 * comes back, the highest (the low ends of zones hold flag-less pages in
 * use), and the kernel's allocation of Y after finds it (without the rule:
 * the model failed it, its pages unknown).
 */
static void test_first_checkpoint_takes_back_blocks_out_at_the_scan(void **state)
{
	const uint64_t x = ZONE_START + 0x200, y = ZONE_START + 0xa00;
	const struct prt_free_block fb[] = { { ZONE_START + 0x400, 9, 1, false } };
	const char *path = scratch_path("firstcp-out.prt");
	struct prt_header h;
	struct prt_writer *w;
	struct rp_result r;
	int64_t *blocks, free_pages = 1024;
	struct prt_checkpoint cp = { .seq = 1, .nr_zones = 1, .free_pages = &free_pages };

	(void)state;
	header_with_free(&h, fb, 1);
	h.out_blocks = calloc(2, sizeof(*h.out_blocks));
	assert_non_null(h.out_blocks);
	h.out_blocks[0] = (struct prt_out_block){ x, 9 };
	h.out_blocks[1] = (struct prt_out_block){ y, 9 };
	h.nr_out_blocks = 2;
	w = prt_writer_open(path, &h, NULL);
	assert_non_null(w);
	cp.nr_orders = h.nr_orders;
	cp.nr_migratetypes = h.nr_migratetypes;
	blocks = calloc((size_t)h.nr_orders * h.nr_migratetypes, sizeof(*blocks));
	assert_non_null(blocks);
	blocks[9 * h.nr_migratetypes + 1] = 2;	/* order 9, movable */
	cp.free_blocks = blocks;
	cp.ts_ns = next_ts();
	assert_int_equal(prt_writer_add_checkpoint(w, &cp, NULL), 0);
	free(blocks);
	add(w, PRT_EV_ALLOC, ZONE_START + 0x400, 9, 0);
	add(w, PRT_EV_ALLOC, y, 9, 0);
	end_trace(w, &h, path, &r);
	assert_int_equal(r.blocks_back_by_first_checkpoint, 1);
	assert_int_equal(r.classes[RP_exact_pfn], 2);
}

/*
 * While kswapd balances the node (ZONE_RECLAIM_ACTIVE, from its wake event
 * until it sleeps), 6.x keeps at most 4 * batch pages on a pcp list: the
 * THP freed after an order-0 page passes that and is drained at once, from
 * its own list first. Without the rule the model's high (2790) holds both,
 * and it would expect a drain to start at the order-0 list.
 */
static void test_reclaim_active_limits_pcp(void **state)
{
	const uint64_t page = ZONE_START + 3, thp = ZONE_START + 0x200;
	const char *path = scratch_path("reclaim.prt");
	struct prt_header h;
	struct prt_writer *w;
	struct rp_result r;
	struct prt_event wake = { .type = PRT_EV_KSWAPD_WAKE, .arg = { 0, 3 } };

	(void)state;
	w = begin_trace(path, &h, NULL, 0);
	add(w, PRT_EV_FREE, page, 0, 0);
	add_event(w, wake);
	add(w, PRT_EV_FREE, thp, 9, 0);
	add(w, PRT_EV_PCPU_DRAIN, thp, 9, 0);
	end_trace(w, &h, path, &r);
	assert_int_equal(r.drains, 1);
	assert_int_equal(r.drains_agree, 1);
}

/*
 * A compaction run (task 7) isolates the free block B. Migration to B+1
 * fails twice: compaction_free traces mm_page_free each time, but the page
 * stays with compaction; B+2 is taken back once and then used for good.
 * The run ends with one of those failures, then releases B+1. Only that
 * last free reaches a pcp list (three frees handed a page back); the
 * source page freed mid-run (below the free scanner) is a real free too. Afterwards B+2 is in use: its free by another task is no
 * free of a page the model held free.
 */
static void test_frees_back_to_compaction(void **state)
{
	const uint64_t b = ZONE_START + 0x400, src = ZONE_START + 5;
	const struct prt_free_block fb[] = { { b, 4, 1, false } };
	const uint64_t iso[5] = { b, b + 16, 16, 16, 0 };
	const char *path = scratch_path("cc.prt");
	struct prt_header h;
	struct prt_writer *w;
	struct rp_result r;

	(void)state;
	w = begin_trace(path, &h, fb, 1);
	add_task(w, PRT_EV_COMPACT_BEGIN, 7, PRT_PFN_NONE, 0, NULL);
	add_task(w, PRT_EV_COMPACT_ISOLATE_FREE, 7, PRT_PFN_NONE, 0, iso);
	add_task(w, PRT_EV_FREE, 7, b + 1, 0, NULL);
	add_task(w, PRT_EV_FREE, 7, b + 2, 0, NULL);
	add_task(w, PRT_EV_FREE, 7, src, 0, NULL);
	add_task(w, PRT_EV_FREE, 7, b + 1, 0, NULL);
	add_task(w, PRT_EV_FREE, 7, b + 1, 0, NULL);
	add_task(w, PRT_EV_COMPACT_END, 7, PRT_PFN_NONE, 0, NULL);
	add_task(w, PRT_EV_FREE, 8, b + 2, 0, NULL);
	end_trace(w, &h, path, &r);
	assert_int_equal(r.isolated_pages, 16);
	assert_int_equal(r.frees, 6);
	assert_int_equal(r.compaction_frees_dropped, 3);
	assert_int_equal(r.free_desync, 0);
}

/*
 * A held free that a drain shows was real. Task 7's run isolated b with its
 * slow scanner at 0x400, so its frees at or above there may be pages handed
 * back to it and are held; the migrate scanner moves up during a run, and
 * its sources freed above that pfn are real frees: the page at 0x600 goes
 * to cpu 0's pcp list, and the drain of that list names it. A page handed
 * back to compaction never reaches a pcp list, so the free reaches the
 * model at the drain. Without the rule the drain comes before a later
 * event of the task, the run's end drops the free as a hand-back and takes
 * the page off the lists, and the kernel's allocation of it is a desync.
 */
static void test_drain_shows_a_held_free_was_real(void **state)
{
	const uint64_t b = ZONE_START + 0x400, src = ZONE_START + 0x600;
	const struct prt_free_block fb[] = { { b, 4, 1, false } };
	const uint64_t iso[5] = { b, b + 16, 16, 16, 0 };
	const char *path = scratch_path("cc-drained.prt");
	struct prt_header h;
	struct prt_writer *w;
	struct rp_result r;

	(void)state;
	w = begin_trace(path, &h, fb, 1);
	add_task(w, PRT_EV_COMPACT_BEGIN, 7, PRT_PFN_NONE, 0, NULL);
	add_task(w, PRT_EV_COMPACT_ISOLATE_FREE, 7, PRT_PFN_NONE, 0, iso);
	add_task(w, PRT_EV_FREE, 7, src, 0, NULL);
	add_task(w, PRT_EV_PCPU_DRAIN, 7, src, 0, NULL);
	add_task(w, PRT_EV_COMPACT_END, 7, PRT_PFN_NONE, 0, NULL);
	add(w, PRT_EV_ALLOC, src, 0, 0);
	end_trace(w, &h, path, &r);
	assert_int_equal(r.isolated_pages, 16);
	assert_int_equal(r.compaction_frees_dropped, 0);
	assert_int_equal(r.classes[RP_state_desync], 0);
	assert_int_equal(r.classes[RP_exact_pfn], 1);
}

/* A trace that ends inside a compaction run: the run ends with it, its
 * frees sorted as at mm_compaction_end. */
static void test_trace_ends_inside_a_compaction_run(void **state)
{
	const uint64_t b = ZONE_START + 0x400;
	const struct prt_free_block fb[] = { { b, 4, 1, false } };
	const uint64_t iso[5] = { b, b + 16, 16, 16, 0 };
	const char *path = scratch_path("ccend.prt");
	struct prt_header h;
	struct prt_writer *w;
	struct rp_result r;

	(void)state;
	w = begin_trace(path, &h, fb, 1);
	add_task(w, PRT_EV_COMPACT_BEGIN, 7, PRT_PFN_NONE, 0, NULL);
	add_task(w, PRT_EV_COMPACT_ISOLATE_FREE, 7, PRT_PFN_NONE, 0, iso);
	add_task(w, PRT_EV_FREE, 7, b + 1, 0, NULL);
	add_task(w, PRT_EV_ALLOC, 7, b + 2, 0, NULL);
	add_task(w, PRT_EV_FREE, 7, b + 3, 0, NULL);
	end_trace(w, &h, path, &r);
	assert_int_equal(r.compaction_frees_dropped, 1);
	assert_int_equal(r.free_desync, 0);
}

/*
 * The fast free scanner's event says one order-4 block was taken; the model
 * matches it to M, but the kernel had taken K: its release frees K's upper
 * half just before the run ends, a page the model holds free. K leaves the
 * lists (its lower half became migration targets), M goes back, and the
 * kernel's later allocation of M is the model's choice.
 */
static void test_release_shows_the_isolated_block(void **state)
{
	const uint64_t k = ZONE_START + 0x400, m = ZONE_START + 0xa00;
	const struct prt_free_block fb[] = { { k, 4, 1, false }, { m, 4, 1, false } };
	const uint64_t fast[5] = { ZONE_START + 0x200, ZONE_START + 0xe00, 1, 16, 1 };
	const char *path = scratch_path("release.prt");
	struct prt_header h;
	struct prt_writer *w;
	struct rp_result r;

	(void)state;
	w = begin_trace(path, &h, fb, 2);
	add_task(w, PRT_EV_COMPACT_BEGIN, 7, PRT_PFN_NONE, 0, NULL);
	add_task(w, PRT_EV_COMPACT_ISOLATE_FREE, 7, PRT_PFN_NONE, 0, fast);
	add_task(w, PRT_EV_FREE, 7, k + 8, 3, NULL);
	add_task(w, PRT_EV_COMPACT_END, 7, PRT_PFN_NONE, 0, NULL);
	add(w, PRT_EV_ALLOC, m, 4, 0);
	end_trace(w, &h, path, &r);
	assert_int_equal(r.isolated_pages, 16);
	assert_int_equal(r.isolations_found, 1);
	assert_int_equal(r.isolations_undone, 1);
	assert_int_equal(r.free_desync, 0);
	assert_int_equal(r.classes[RP_exact_pfn], 1);
}

/*
 * A guess a successful compaction run shows wrong. Task 7's fast search
 * took one order-8 block, K in the kernel; the model matched M, the upper
 * half of the pageblock at A, and its run ended without touching either:
 * the model holds M as a migration target. The lower half of A is freed;
 * then task 9 compacts for a THP and its run ends with COMPACT_SUCCESS, so
 * the kernel has a free block of order 9 while the model, M held, has none
 * (K is order 8). M goes back, A is whole, and the THP the kernel allocates
 * from it is the model's choice. A run that ends otherwise says nothing:
 * the model fails that THP.
 */
static void success_trace(const char *path, uint64_t status, struct rp_result *r)
{
	const uint64_t k = ZONE_START + 0x400, a = ZONE_START + 0xa00, m = a + 0x100;
	const struct prt_free_block fb[] = { { k, 8, 1, false }, { m, 8, 1, false } };
	const uint64_t fast[5] = { ZONE_START + 0x200, ZONE_START + 0xe00, 1, 256, 1 };
	const uint64_t begin[5] = { ZONE_START };
	struct prt_header h;
	struct prt_writer *w = begin_trace(path, &h, fb, 2);

	add_thp_fast_search(w, fast);
	add_task(w, PRT_EV_COMPACT_END, 7, PRT_PFN_NONE, 0, NULL);
	add_task(w, PRT_EV_FREE, 8, a, 8, NULL);
	add_event(w, (struct prt_event){ .type = PRT_EV_COMPACT_TRY, .pid = 9, .order = 9,
					 .pfn = PRT_PFN_NONE, .migratetype = -1 });
	add_task(w, PRT_EV_COMPACT_BEGIN, 9, PRT_PFN_NONE, 0, begin);
	add_event(w, (struct prt_event){ .type = PRT_EV_COMPACT_END, .pid = 9,
					 .pfn = PRT_PFN_NONE, .migratetype = -1,
					 .arg = { ZONE_START, 0, 0, 0, 0, status } });
	add_event(w, (struct prt_event){ .type = PRT_EV_ALLOC, .pid = 9, .pfn = a, .order = 9,
					 .gfp = MOVABLE_GFP, .migratetype = 1 });
	end_trace(w, &h, path, r);
}

static void test_compaction_success_undoes_a_guess(void **state)
{
	struct rp_result r;

	(void)state;
	success_trace(scratch_path("success.prt"), PRT_COMPACT_SUCCESS, &r);
	assert_int_equal(r.isolated_pages, 256);
	assert_int_equal(r.guesses_undone_at_success, 1);
	assert_int_equal(r.classes[RP_exact_pfn], 1);
	assert_int_equal(r.outcome_agree, 1);
	success_trace(scratch_path("complete.prt"), 5 /* COMPACT_COMPLETE */, &r);
	assert_int_equal(r.guesses_undone_at_success, 0);
	assert_int_equal(r.classes[RP_exact_pfn], 0);
	assert_int_equal(r.outcome_agree, 0);
}

/* Task 7's run ends; task 9's begins and its slow scanner reports `slow`. */
static void add_slow_scan_after_run(struct prt_writer *w, const uint64_t slow[5])
{
	const uint64_t begin[5] = { ZONE_START };

	add_task(w, PRT_EV_COMPACT_END, 7, PRT_PFN_NONE, 0, NULL);
	add_task(w, PRT_EV_COMPACT_BEGIN, 9, PRT_PFN_NONE, 0, begin);
	add_task(w, PRT_EV_COMPACT_ISOLATE_FREE, 9, PRT_PFN_NONE, 0, slow);
}

/*
 * A fast search's guess a later slow scan shows wrong. Task 7's search took
 * one order-8 block: the model matched M, the kernel had taken K, and the
 * run ended with M held as a migration target. Task 9's slow scanner then
 * took 256 pages in [M, M + 256): M was free. It goes to the slow scanner,
 * and the search's block is guessed again over its range: K. An order-8
 * request after finds none in the kernel, nor in the model (without the
 * rule the model serves it from K: kernel_failed).
 */
static void test_slow_scan_shows_a_fast_guess_wrong(void **state)
{
	const uint64_t k = ZONE_START + 0x400, m = ZONE_START + 0xa00;
	const struct prt_free_block fb[] = { { k, 8, 1, false }, { m, 8, 1, false } };
	const uint64_t fast[5] = { ZONE_START + 0x200, ZONE_START + 0xe00, 1, 256, 1 };
	const uint64_t slow[5] = { m, m + 0x100, 256, 256, 0 };
	const char *path = scratch_path("slowfast.prt");
	struct prt_header h;
	struct prt_writer *w;
	struct rp_result r;

	(void)state;
	w = begin_trace(path, &h, fb, 2);
	add_thp_fast_search(w, fast);
	add_slow_scan_after_run(w, slow);
	add(w, PRT_EV_ALLOC, PRT_PFN_NONE, 8, 0);
	end_trace(w, &h, path, &r);
	assert_int_equal(r.isolated_pages, 512);
	assert_int_equal(r.fast_guesses_moved, 1);
	assert_int_equal(r.classes[RP_kernel_failed], 0);
	assert_int_equal(r.classes[RP_both_failed], 1);
}

/*
 * Two guesses in a slow scan's range, one of them wrong. Task 7's fast
 * searches took an order-6 block and an order-7 one: the model matched G6
 * and M, the kernel had taken G6 and K. Task 9's slow scanner then looked
 * at 132 pfns of [G6 - 64, M + 128) and took 128 pages: M (a stride of 32
 * probes 4 pfns below it). With both guesses back every stride takes 192,
 * so until each was tried alone neither went back, and an order-7 request
 * after found K free in the model and none in the kernel (kernel_failed).
 */
static void test_slow_scan_shows_one_of_two_guesses_wrong(void **state)
{
	const uint64_t k = ZONE_START + 0x400, g6 = ZONE_START + 0xa40, m = ZONE_START + 0xa80;
	const struct prt_free_block fb[] = { { k, 7, 1, false }, { g6, 6, 1, false },
					     { m, 7, 1, false } };
	const uint64_t fast7[5] = { ZONE_START + 0x200, ZONE_START + 0xe00, 1, 128, 1 };
	const uint64_t fast6[5] = { ZONE_START + 0x200, ZONE_START + 0xe00, 1, 64, 1 };
	const uint64_t slow[5] = { ZONE_START + 0xa00, ZONE_START + 0xb00, 132, 128, 0 };
	const char *path = scratch_path("slowtwo.prt");
	struct prt_header h;
	struct prt_writer *w;
	struct rp_result r;

	(void)state;
	w = begin_trace(path, &h, fb, 3);
	add_thp_fast_search(w, fast7);
	add_task(w, PRT_EV_COMPACT_ISOLATE_FREE, 7, PRT_PFN_NONE, 0, fast6);
	add_slow_scan_after_run(w, slow);
	add(w, PRT_EV_ALLOC, PRT_PFN_NONE, 7, 0);
	end_trace(w, &h, path, &r);
	assert_int_equal(r.isolated_pages, 128 + 64 + 128);
	assert_int_equal(r.isolate_mismatch, 0);
	assert_int_equal(r.fast_guesses_moved, 1);
	assert_int_equal(r.classes[RP_kernel_failed], 0);
	assert_int_equal(r.classes[RP_both_failed], 1);
}

/*
 * A fast search that finds its block in another search's guess. Task 7's
 * search over [0x600, 0xe00) took one order-8 block: the model matched M
 * (the only one at or above min_pfn), the kernel had taken another (K
 * stands for it, below the range: where the kernel's block was the model's
 * lists have another shape). Task 9's search over [0x800, 0xe00) then took
 * an order-8 block where the model's lists have none: M, which the kernel
 * still had free. M becomes task 9's block, and task 7's is guessed again,
 * over its range (nothing there) and then over the zone: K. An order-8
 * request after finds none in the kernel, nor in the model; without the
 * rule task 9's search takes nothing in the model and the request gets K
 * (kernel_failed), as it does when K is looked for only in task 7's range.
 * (An order-6 block keeps the zone's free count clear of the watermark, so
 * that the model's pass is not overruled as marginal.)
 */
static void test_fast_search_takes_another_searchs_guess(void **state)
{
	const uint64_t k = ZONE_START + 0x400, m = ZONE_START + 0xa00;
	const struct prt_free_block fb[] = { { k, 8, 1, false }, { m, 8, 1, false },
					     { ZONE_START + 0x100, 6, 1, false } };
	const uint64_t fast7[5] = { ZONE_START + 0x600, ZONE_START + 0xe00, 256, 256, 1 };
	const uint64_t fast9[5] = { ZONE_START + 0x800, ZONE_START + 0xe00, 256, 256, 1 };
	const uint64_t begin[5] = { ZONE_START };
	const char *path = scratch_path("fastguess.prt");
	struct prt_header h;
	struct prt_writer *w;
	struct rp_result r;

	(void)state;
	w = begin_trace(path, &h, fb, 3);
	add_thp_fast_search(w, fast7);
	add_task(w, PRT_EV_COMPACT_END, 7, PRT_PFN_NONE, 0, NULL);
	add_task(w, PRT_EV_COMPACT_BEGIN, 9, PRT_PFN_NONE, 0, begin);
	add_task(w, PRT_EV_COMPACT_ISOLATE_FREE, 9, PRT_PFN_NONE, 0, fast9);
	add(w, PRT_EV_ALLOC, PRT_PFN_NONE, 8, 0);
	end_trace(w, &h, path, &r);
	assert_int_equal(r.isolated_pages, 512);
	assert_int_equal(r.isolate_mismatch, 0);
	assert_int_equal(r.fast_guesses_moved, 1);
	assert_int_equal(r.classes[RP_kernel_failed], 0);
	assert_int_equal(r.classes[RP_both_failed], 1);
}

/*
 * The other guess: a refill of order 9 that split the order-10 block L
 * showed the model's settled order-9 block M not free in the kernel, and
 * the model let M go. M was only away for a while (a compaction run's
 * target): its upper half comes back by a free, the model's lists have no
 * order-9 block left, and a successful run for a THP says the kernel has
 * one. M's pages still held by the guess go back (its lower half, the
 * upper being free already), and the THP the kernel allocates from M is
 * the model's choice.
 */
static void test_compaction_success_undoes_a_dropped_block(void **state)
{
	const uint64_t l = ZONE_START + 0x400, m = ZONE_START + 0xa00;
	const uint64_t begin[5] = { ZONE_START };
	const char *path = scratch_path("dropped.prt");
	struct prt_header h;
	struct prt_writer *w;
	struct rp_result r;

	(void)state;
	w = begin_trace(path, &h, NULL, 0);
	add(w, PRT_EV_FREE, m, 8, 0);	/* order 9 would go to a pcp list */
	add(w, PRT_EV_FREE, m + 0x100, 8, 0);
	add(w, PRT_EV_FREE, l, 10, 0);
	add(w, PRT_EV_ZONE_LOCKED, l, 9, 1);
	add(w, PRT_EV_ZONE_LOCKED, l + 0x200, 9, 1);
	add(w, PRT_EV_FREE, m + 0x100, 8, 0);
	add_event(w, (struct prt_event){ .type = PRT_EV_COMPACT_TRY, .pid = 9, .order = 9,
					 .pfn = PRT_PFN_NONE, .migratetype = -1 });
	add_task(w, PRT_EV_COMPACT_BEGIN, 9, PRT_PFN_NONE, 0, begin);
	add_event(w, (struct prt_event){ .type = PRT_EV_COMPACT_END, .pid = 9,
					 .pfn = PRT_PFN_NONE, .migratetype = -1,
					 .arg = { ZONE_START, 0, 0, 0, 0, PRT_COMPACT_SUCCESS } });
	/* on cpu 1: cpu 0's list holds L's halves */
	add_event(w, (struct prt_event){ .type = PRT_EV_ALLOC, .pid = 9, .cpu = 1, .pfn = m,
					 .order = 9, .gfp = MOVABLE_GFP, .migratetype = 1 });
	end_trace(w, &h, path, &r);
	assert_int_equal(r.free_blocks_dropped, 1);
	assert_int_equal(r.refills_agree, 2);
	assert_int_equal(r.guesses_undone_at_success, 1);
	assert_int_equal(r.classes[RP_exact_pfn], 1);
}

/*
 * Four order-3 blocks reach the buddy lists through pcp drains, P last, so
 * the model's list runs P, K1, K2, K3. The kernel's refills take K1, K2, K3
 * and never P: its list was the model's rotated to start at K1 (what
 * compaction's fast search does to the lists it walks). Rotated there, the
 * second and third refills are the model's choice.
 */
static void test_list_rotated_at_the_kernels_block(void **state)
{
	const uint64_t k3 = ZONE_START + 0x40, k2 = ZONE_START + 0x80, k1 = ZONE_START + 0xc0;
	const uint64_t p = ZONE_START + 0x100;
	const uint64_t order_drained[] = { k3, k2, k1, p };
	const char *path = scratch_path("rotated.prt");
	struct prt_header h;
	struct prt_writer *w;
	struct rp_result r;

	(void)state;
	w = begin_trace(path, &h, NULL, 0);
	for (int i = 0; i < 4; i++) {
		add(w, PRT_EV_FREE, order_drained[i], 3, 0);
		add(w, PRT_EV_PCPU_DRAIN, order_drained[i], 3, 0);
	}
	add(w, PRT_EV_ZONE_LOCKED, k1, 3, 1);
	add(w, PRT_EV_ZONE_LOCKED, k2, 3, 1);
	add(w, PRT_EV_ZONE_LOCKED, k3, 3, 1);
	end_trace(w, &h, path, &r);
	assert_int_equal(r.refills, 3);
	assert_int_equal(r.lists_rotated, 1);
	assert_int_equal(r.blocks_demoted, 0);
	assert_int_equal(r.refills_agree, 2);
}

/*
 * The model's head P is a block free at capture start; K1 and K2, freed
 * during the trace, went to the tail of the same list (buddy_merge_likely:
 * the order-4 buddy of each one's pair is free). The kernel takes K1, K2,
 * then P: its list was the model's rotated at K1, which the refill of K1
 * shows whatever P is. Rotated, K2 and P are the model's choices.
 */
static void test_list_rotated_past_an_initial_head(void **state)
{
	const uint64_t p = ZONE_START + 0x100, k1 = ZONE_START + 0x40, k2 = ZONE_START + 0x80;
	const struct prt_free_block fb[] = { { p, 3, 1, false }, { ZONE_START + 0x50, 4, 1, false },
					     { ZONE_START + 0x90, 4, 1, false } };
	const char *path = scratch_path("rotated2.prt");
	struct prt_header h;
	struct prt_writer *w;
	struct rp_result r;

	(void)state;
	w = begin_trace(path, &h, fb, 3);
	add(w, PRT_EV_FREE, k1, 3, 0);
	add(w, PRT_EV_PCPU_DRAIN, k1, 3, 0);
	add(w, PRT_EV_FREE, k2, 3, 0);
	add(w, PRT_EV_PCPU_DRAIN, k2, 3, 0);
	add(w, PRT_EV_ZONE_LOCKED, k1, 3, 1);
	add(w, PRT_EV_ZONE_LOCKED, k2, 3, 1);
	add(w, PRT_EV_ZONE_LOCKED, p, 3, 1);
	end_trace(w, &h, path, &r);
	assert_int_equal(r.refills, 3);
	assert_int_equal(r.lists_rotated, 1);
	assert_int_equal(r.refills_agree, 2);
}

/*
 * The same, but K1..K3 are free at capture start (seeded K3 first, so the
 * model would take K3 before the others): their place on the kernel's list
 * is a guess, so nothing says the list was rotated. P, passed over twice in
 * a row, goes to the tail, and the third refill is the model's choice. The
 * two refills that passed over P took a block of P's list whose place the
 * model guessed: they count apart, as unknown, not as wrong predictions.
 */
static void test_block_passed_over_twice(void **state)
{
	const uint64_t k3 = ZONE_START + 0x40, k2 = ZONE_START + 0x80, k1 = ZONE_START + 0xc0;
	const uint64_t p = ZONE_START + 0x100;
	const struct prt_free_block fb[] = {
		{ k3, 3, 1, false }, { k2, 3, 1, false }, { k1, 3, 1, false },
	};
	const char *path = scratch_path("passed.prt");
	struct prt_header h;
	struct prt_writer *w;
	struct rp_result r;

	(void)state;
	w = begin_trace(path, &h, fb, 3);
	add(w, PRT_EV_FREE, p, 3, 0);
	add(w, PRT_EV_PCPU_DRAIN, p, 3, 0);
	add(w, PRT_EV_ZONE_LOCKED, k1, 3, 1);
	add(w, PRT_EV_ZONE_LOCKED, k2, 3, 1);
	add(w, PRT_EV_ZONE_LOCKED, k3, 3, 1);
	end_trace(w, &h, path, &r);
	assert_int_equal(r.refills, 3);
	assert_int_equal(r.lists_rotated, 0);
	assert_int_equal(r.blocks_demoted, 1);
	assert_int_equal(r.refills_agree, 1);
	assert_int_equal(r.refills_unknown, 2);
}

/*
 * The free map has order-1 blocks at A and B; A's first event is a drain,
 * so A sat on a pcp list at capture start and is carved out, leaving A + 1
 * free on the order-0 list. Where A + 1 sits there is as unknown as any
 * initial block's place: the kernel's refill splitting B instead is no
 * known miss (without the rule A + 1 counted as settled, and it was).
 */
static void test_carved_remainder_is_unsettled(void **state)
{
	const uint64_t a = ZONE_START + 0x100, b = ZONE_START + 0x104;
	const struct prt_free_block fb[] = { { a, 1, 1, false }, { b, 1, 1, false } };
	const char *path = scratch_path("carved.prt");
	struct prt_header h;
	struct prt_writer *w;
	struct rp_result r;

	(void)state;
	w = begin_trace(path, &h, fb, 2);
	add(w, PRT_EV_ZONE_LOCKED, b, 0, 1);
	add(w, PRT_EV_PCPU_DRAIN, a, 0, 0);
	end_trace(w, &h, path, &r);
	assert_int_equal(r.refills, 1);
	assert_int_equal(r.refills_agree, 0);
	assert_int_equal(r.refills_unknown, 1);
}

/*
 * A settled order-0 page P heads the model's order-0 list; the kernel's
 * refill splits K, an order-1 block free at capture start: its order-0 list
 * was empty, so P is not free there or not on that list. That is no question
 * of list order (K is on another list): the miss counts as known.
 */
static void test_split_of_an_initial_block_past_a_settled_head(void **state)
{
	const uint64_t k = ZONE_START + 0x40, p = ZONE_START + 0x101;
	const struct prt_free_block fb[] = { { k, 1, 1, false } };
	const char *path = scratch_path("splitpast.prt");
	struct prt_header h;
	struct prt_writer *w;
	struct rp_result r;

	(void)state;
	w = begin_trace(path, &h, fb, 1);
	add(w, PRT_EV_FREE, p, 0, 0);
	add(w, PRT_EV_PCPU_DRAIN, p, 0, 0);
	add(w, PRT_EV_ZONE_LOCKED, k, 0, 1);
	end_trace(w, &h, path, &r);
	assert_int_equal(r.refills, 1);
	assert_int_equal(r.refills_agree, 0);
	assert_int_equal(r.refills_unknown, 0);
}

/*
 * balance_pgdat's end is not traced: kswapd woke, then produced no event
 * for 3 ms (it had finished and was trying to sleep). The THP freed then
 * meets the normal high (2790), no drain; the drain that comes is another
 * (drain_all_pages, from cpu 1, from the first list), of the order-0 page.
 */
static void test_reclaim_ends_when_kswapd_goes_quiet(void **state)
{
	const uint64_t page = ZONE_START + 3, thp = ZONE_START + 0x200;
	const char *path = scratch_path("quiet.prt");
	struct prt_header h;
	struct prt_writer *w;
	struct rp_result r;
	struct prt_event wake = { .type = PRT_EV_KSWAPD_WAKE, .pid = 45, .arg = { 0, 3 } };
	struct prt_event free_thp = { .type = PRT_EV_FREE, .pfn = thp, .order = 9, .pid = 7 };

	(void)state;
	w = begin_trace(path, &h, NULL, 0);
	add(w, PRT_EV_FREE, page, 0, 0);
	add_event(w, wake);
	free_thp.ts_ns = wake.ts_ns + 3000000;
	assert_int_equal(prt_writer_add(w, &free_thp, NULL), 0);
	free_thp.type = PRT_EV_PCPU_DRAIN;
	free_thp.pfn = page;
	free_thp.order = 0;
	free_thp.cpu = 1;	/* drain_all_pages, from another cpu */
	free_thp.ts_ns++;
	assert_int_equal(prt_writer_add(w, &free_thp, NULL), 0);
	end_trace(w, &h, path, &r);
	assert_int_equal(r.drains, 1);
	assert_int_equal(r.drains_agree, 1);
}

/*
 * free_unref_folios traces mm_page_free for a batch, then puts each page on
 * the pcp list where it traces mm_page_free_batched. cpu 1 drains cpu 0's
 * lists (drain_all_pages) in between: it empties the order-0 list (C) and
 * goes on to the order-1 list (D); the batch (A, B) is not on the lists yet.
 */
static void test_batched_free_reaches_pcp_at_commit(void **state)
{
	const uint64_t c = ZONE_START, d = ZONE_START + 2, a = ZONE_START + 0x400;
	const uint64_t b = ZONE_START + 0x401;
	const struct prt_free_block fb[] = { { ZONE_START, 9, 1, false } };
	const char *path = scratch_path("batched.prt");
	struct prt_header h;
	struct prt_writer *w;
	struct rp_result r;
	struct prt_event drain = { .type = PRT_EV_PCPU_DRAIN, .cpu = 1, .migratetype = 1 };

	(void)state;
	w = begin_trace(path, &h, fb, 1);
	add(w, PRT_EV_ZONE_LOCKED, c, 0, 1);
	add(w, PRT_EV_ZONE_LOCKED, d, 1, 1);
	add(w, PRT_EV_FREE, a, 0, 0);
	add(w, PRT_EV_FREE, b, 0, 0);
	drain.pfn = c;
	add_event(w, drain);
	drain.pfn = d;
	drain.order = 1;
	add_event(w, drain);
	add(w, PRT_EV_FREE_BATCHED, a, 0, 0);
	add(w, PRT_EV_FREE_BATCHED, b, 0, 0);
	end_trace(w, &h, path, &r);
	assert_int_equal(r.drains, 2);
	assert_int_equal(r.remote_drains, 2);
	assert_int_equal(r.drains_agree, 2);
	assert_int_equal(r.free_desync, 0);
}

/*
 * While cpu 1 drains cpu 0's lists (drain_all_pages holds cpu 0's pcp
 * lock), a free on cpu 0 fails pcp_spin_trylock and goes straight to the
 * buddy lists: when cpu 1 has emptied the order-0 list it goes on to the
 * order-1 list, and the freed page is not on cpu 0's lists to be drained.
 */
static void test_free_while_lists_drained_goes_to_buddy(void **state)
{
	const uint64_t c = ZONE_START, e = ZONE_START + 2, f = ZONE_START + 0x400;
	const struct prt_free_block fb[] = { { ZONE_START, 9, 1, false } };
	const char *path = scratch_path("locked.prt");
	struct prt_header h;
	struct prt_writer *w;
	struct rp_result r;
	struct prt_event drain = { .type = PRT_EV_PCPU_DRAIN, .cpu = 1, .migratetype = 1 };

	(void)state;
	w = begin_trace(path, &h, fb, 1);
	add(w, PRT_EV_ZONE_LOCKED, c, 0, 1);
	add(w, PRT_EV_ZONE_LOCKED, e, 1, 1);
	drain.pfn = c;
	add_event(w, drain);
	add(w, PRT_EV_FREE, f, 0, 0);
	drain.pfn = e;
	drain.order = 1;
	add_event(w, drain);
	end_trace(w, &h, path, &r);
	assert_int_equal(r.drains, 2);
	assert_int_equal(r.drains_agree, 2);
	assert_int_equal(r.frees_past_locked_pcp, 1);
}

/* A LOST record on cpu 0: the allocations there that diverge are explained
 * by the window until one agrees exactly; after that a divergence counts. */
static void test_lost_event_window(void **state)
{
	const struct prt_free_block fb[] = { { ZONE_START, 10, 1, false } };
	const char *path = scratch_path("lost.prt");
	struct prt_header h;
	struct prt_writer *w;
	struct rp_result r;
	struct prt_event lost = { .ts_ns = 0, .type = PRT_EV_LOST, .pfn = PRT_PFN_NONE,
				  .migratetype = -1 };

	(void)state;
	w = begin_trace(path, &h, fb, 1);
	lost.arg[0] = 100;
	assert_int_equal(prt_writer_add(w, &lost, NULL), 0);
	/* order 4 comes from the buddy lists. Taking 0x100200 out of the
	 * order-10 block leaves 0x100210 (order 4) at the head of the order-4
	 * list; taking 0x100280 out of its order-7 remainder puts 0x100290 in
	 * front of it (expand adds at the head) */
	add(w, PRT_EV_ALLOC, ZONE_START + 0x200, 4, 0);		/* lost window */
	add(w, PRT_EV_ALLOC, ZONE_START + 0x280, 4, 0);		/* still (model: 0x210) */
	add(w, PRT_EV_ALLOC, ZONE_START + 0x290, 4, 0);		/* exact: closes it */
	add(w, PRT_EV_ALLOC, ZONE_START + 0x300, 4, 0);		/* counts (model: 0x210) */
	end_trace(w, &h, path, &r);
	assert_int_equal(r.allocations, 4);
	assert_int_equal(r.classes[RP_lost_events], 2);
	assert_int_equal(r.classes[RP_exact_pfn], 1);
	assert_int_equal(r.classes[RP_lost_events] + r.classes[RP_exact_pfn] +
			 r.classes[RP_same_pageblock] + r.classes[RP_same_zone], 4);
}

/*
 * The kernel checks the watermark, then refills the order-9 pcp list, then
 * traces the allocation: the refill's mm_page_alloc_zone_locked comes first
 * in the trace. 1024 free pages, watermarks at 400: before the refill the
 * order-9 check passes (1024 - 511 > 400); after it, 512 - 511 would not.
 */
static void test_watermark_before_refill(void **state)
{
	const struct prt_free_block fb[] = { { ZONE_START, 10, 1, false } };
	const char *path = scratch_path("wmrefill.prt");
	struct prt_header h;
	struct prt_writer *w;
	struct rp_result r;

	(void)state;
	header_with_free(&h, fb, 1);
	h.zones[0].wmark_min = h.zones[0].wmark_low = h.zones[0].wmark_high = 400;
	w = prt_writer_open(path, &h, NULL);
	assert_non_null(w);
	add(w, PRT_EV_ZONE_LOCKED, ZONE_START, 9, 1);
	add(w, PRT_EV_ALLOC, ZONE_START, 9, 0);
	end_trace(w, &h, path, &r);
	assert_int_equal(r.classes[RP_model_failed], 0);
	assert_int_equal(r.classes[RP_exact_pfn], 1);
}

/*
 * The same refill on cpu 0, but cpu 1 allocates between the refill and the
 * allocation it serves: the refill on cpu 0 is still the one in progress
 * for cpu 0's watermark check (each cpu has its own).
 */
static void test_watermark_before_refill_other_cpu_between(void **state)
{
	const struct prt_free_block fb[] = { { ZONE_START, 10, 1, false } };
	const char *path = scratch_path("wmrefill2.prt");
	struct prt_header h;
	struct prt_writer *w;
	struct rp_result r;
	struct prt_event other = { .type = PRT_EV_ALLOC, .pfn = ZONE_START + 0x200, .order = 4,
				   .cpu = 1, .gfp = MOVABLE_GFP, .migratetype = 1 };

	(void)state;
	header_with_free(&h, fb, 1);
	h.zones[0].wmark_min = h.zones[0].wmark_low = h.zones[0].wmark_high = 400;
	w = prt_writer_open(path, &h, NULL);
	assert_non_null(w);
	add(w, PRT_EV_ZONE_LOCKED, ZONE_START, 9, 1);
	add_event(w, other);
	add(w, PRT_EV_ALLOC, ZONE_START, 9, 0);
	end_trace(w, &h, path, &r);
	assert_int_equal(r.classes[RP_model_failed], 0);
	assert_int_equal(r.classes[RP_exact_pfn], 2);
}

/* An event of this cpu at the next time. */
static void add_on(struct prt_writer *w, uint32_t cpu, uint8_t type, uint64_t pfn, unsigned order,
		   uint64_t arg0)
{
	struct prt_event ev = { .type = type, .pfn = pfn, .order = (uint8_t)order, .cpu = cpu,
				.gfp = type == PRT_EV_ALLOC ? MOVABLE_GFP : 0, .migratetype = 1 };

	ev.arg[0] = arg0;
	add_event(w, ev);
}

/*
 * Cpu 0 frees an order-9 block to its pcp list; cpu 1's refill takes the
 * zone's last order-9 block; cpu 0 allocates its pcp block, traced just
 * after. Checked after cpu 1's refill, the watermark fails (no free block
 * of order 9 is left, nor any free page above min); the kernel's check came
 * before the refill (replay/buddy_changes.h), and the allocation is exact.
 */
static void test_check_before_other_cpus_refill(void **state)
{
	const struct prt_free_block fb[] = { { ZONE_START + 0x600, 9, 1, false } };
	const char *path = scratch_path("wmcross.prt");
	struct prt_header h;
	struct prt_writer *w;
	struct rp_result r;

	(void)state;
	w = begin_trace(path, &h, fb, 1);
	add_on(w, 0, PRT_EV_FREE, ZONE_START, 9, 0);
	add_on(w, 1, PRT_EV_ZONE_LOCKED, ZONE_START + 0x600, 9, 1);
	add_on(w, 0, PRT_EV_ALLOC, ZONE_START, 9, 0);
	end_trace(w, &h, path, &r);
	assert_int_equal(r.classes[RP_model_failed], 0);
	assert_int_equal(r.classes[RP_exact_pfn], 1);
	assert_int_equal(r.checks_before_other_cpus, 1);
}

/*
 * A failure is traced at the end of the slow path: cpu 1's drain made the
 * zone's only order-9 block after cpu 0's checks, traced before its
 * failure. Without the drain the model fails too.
 */
static void test_check_before_other_cpus_drain(void **state)
{
	const struct prt_free_block fb[] = { { ZONE_START + 0x10, 4, 1, false } };
	const char *path = scratch_path("wmcross2.prt");
	struct prt_header h;
	struct prt_writer *w;
	struct rp_result r;

	(void)state;
	w = begin_trace(path, &h, fb, 1);
	add_on(w, 0, PRT_EV_FREE, ZONE_START + 0x800, 0, 0);
	add_on(w, 1, PRT_EV_FREE, ZONE_START + 0x600, 9, 0);
	add_on(w, 1, PRT_EV_PCPU_DRAIN, ZONE_START + 0x600, 9, 0);
	add_on(w, 0, PRT_EV_ALLOC, PRT_PFN_NONE, 9, 0);
	end_trace(w, &h, path, &r);
	assert_int_equal(r.classes[RP_kernel_failed], 0);
	assert_int_equal(r.classes[RP_both_failed], 1);
	assert_int_equal(r.checks_before_other_cpus, 1);
}

/*
 * Both served, in different zones: cpu 0's refill from DMA32 (mark 0) runs
 * while cpu 1 drains an order-9 block into Normal (mark 100, nothing free
 * before it), and cpu 0's page is traced after. Checked after the drain the
 * model's Normal passes and it refills there (other_zone); the kernel's
 * check came before its refill's first page, which did not see the drain:
 * Normal fails, and the page comes from cpu 0's DMA32 list. Either half of
 * the rule alone leaves other_zone: the recheck where the zones differ, and
 * the window that starts before the allocation's own refill.
 */
static void test_check_before_other_cpus_other_zone(void **state)
{
	static const uint64_t mark[2] = { 0, 100 };
	const char *path = scratch_path("wmzone.prt");
	struct prt_header h;
	struct prt_writer *w;
	struct rp_result r;

	(void)state;
	two_zone_header(&h, mark);
	w = prt_writer_open(path, &h, NULL);
	assert_non_null(w);
	add_on(w, 0, PRT_EV_FREE, 0x10400, 8, 0);	/* DMA32's one block, settled */
	add_on(w, 0, PRT_EV_ZONE_LOCKED, 0x10400, 0, 1);
	add_on(w, 1, PRT_EV_FREE, 0x100200, 9, 0);
	add_on(w, 1, PRT_EV_PCPU_DRAIN, 0x100200, 9, 0);
	add_on(w, 0, PRT_EV_ZONE_LOCKED, 0x10401, 0, 1);
	add_on(w, 0, PRT_EV_ALLOC, 0x10400, 0, 0);
	end_trace(w, &h, path, &r);
	assert_int_equal(r.classes[RP_other_zone], 0);
	assert_int_equal(r.checks_before_other_cpus, 1);
	assert_int_equal(r.classes[RP_exact_pfn], 1);
}

/*
 * A refill takes 0x100000 out of the order-10 block: the remainders
 * 0x100001 (order 0), 0x100002 (1), ... 0x100200 (9) go to the lists.
 * The next refill takes 0x100200 from the order-9 remainder, so the
 * kernel's movable lists of orders 0..8 were empty: the settled remainders
 * the model holds there are not free in the kernel. All nine are let go
 * (the order-8 one too: the pageblock keeps its type), so the model's
 * choice is the kernel's.
 */
static void test_settled_blocks_proved_not_free(void **state)
{
	const struct prt_free_block fb[] = { { ZONE_START, 10, 1, false } };
	const char *path = scratch_path("dropped.prt");
	struct prt_header h;
	struct prt_writer *w;
	struct rp_result r;

	(void)state;
	w = begin_trace(path, &h, fb, 1);
	add(w, PRT_EV_ZONE_LOCKED, ZONE_START, 0, 1);
	add(w, PRT_EV_ZONE_LOCKED, ZONE_START + 0x200, 0, 1);
	end_trace(w, &h, path, &r);
	assert_int_equal(r.refills, 2);
	assert_int_equal(r.refills_agree, 2);
	assert_int_equal(r.free_blocks_dropped, 9);
}

/*
 * The kernel's refill block lies inside a larger settled block of the model,
 * not at its head: __rmqueue_smallest hands out the head of the block it
 * takes, so the kernel's block was smaller than the model's and nothing is
 * proved about its lists. The model's order-4 block stays free, and the
 * kernel's later allocation of it is not a desync.
 */
static void test_refill_inside_a_model_block_proves_nothing(void **state)
{
	const uint64_t small = ZONE_START + 0x10, large = ZONE_START + 0x40;
	const char *path = scratch_path("inside.prt");
	struct prt_header h;
	struct prt_writer *w;
	struct rp_result r;

	(void)state;
	w = begin_trace(path, &h, NULL, 0);
	/* orders above 3 are freed straight to the buddy lists: both settled */
	add(w, PRT_EV_FREE, large, 6, 0);
	add(w, PRT_EV_FREE, small, 4, 0);
	add(w, PRT_EV_ZONE_LOCKED, large + 8, 0, 1);
	add(w, PRT_EV_ALLOC, small, 4, 0);
	end_trace(w, &h, path, &r);
	assert_int_equal(r.free_blocks_dropped, 0);
	assert_int_equal(r.classes[RP_state_desync], 0);
	assert_int_equal(r.allocations, 1);
}

/*
 * Two nodes: node 0 has DMA32 at 0x10000 and Normal at 0x100000, node 1
 * Normal at 0x200000, 4096 pages each, all free as order-10 blocks. cpu 0
 * is on node 0. Order-4 movable requests come from the buddy lists, so the
 * model's choice is the head of the order-4 list (after the first split, a
 * settled remainder). Watermarks at 3500 pages fail an order-10 request
 * (4096 - 16 * 3 - 1023 free pages to count) in every zone.
 */
static void two_node_header(struct prt_header *h)
{
	static const uint64_t start[3] = { 0x10000, 0x100000, 0x200000 };
	static const uint8_t type[3] = { 1, 2, 2 };

	sample_header(h);
	for (uint32_t z = 0; z < h->nr_zones; z++) {
		free(h->zones[z].pcp);
		free(h->pageblock_mt[z]);
	}
	free(h->zones);
	free(h->pageblock_mt);
	h->nr_zones = 3;
	h->zones = calloc(3, sizeof(*h->zones));
	h->pageblock_mt = calloc(3, sizeof(*h->pageblock_mt));
	h->cpu_node[1] = 1;
	for (int z = 0; z < 3; z++) {
		struct prt_zone *zone = &h->zones[z];

		zone->node = z == 2;
		zone->zone_type = type[z];
		snprintf(zone->name, sizeof(zone->name), "%s", z ? "Normal" : "DMA32");
		zone->start_pfn = start[z];
		zone->spanned = zone->present = zone->managed = zone->free_pages = 4096;
		zone->wmark_min = zone->wmark_low = zone->wmark_high = 3500;
		zone->nr_lowmem_reserve = 5;
		zone->pcp = calloc(2, sizeof(*zone->pcp));
		h->pageblock_mt[z] = malloc(8);
		memset(h->pageblock_mt[z], 1, 8);
	}
	free(h->free_blocks);
	h->nr_free_blocks = 12;
	h->free_blocks = calloc(12, sizeof(*h->free_blocks));
	for (int i = 0; i < 12; i++)
		h->free_blocks[i] = (struct prt_free_block){ start[i / 4] + (uint64_t)(i % 4) * 1024,
							     10, 1, false };
	sample_replay_gfp_flags(h);
	h->initial.nr_zones = 0;
}

static void test_zone_node_and_failure_classes(void **state)
{
	const char *path = scratch_path("nodes.prt");
	struct prt_header h;
	struct prt_writer *w;
	struct rp_result r;

	(void)state;
	two_node_header(&h);
	w = prt_writer_open(path, &h, NULL);
	assert_non_null(w);
	add(w, PRT_EV_ALLOC, 0x100000, 4, 0);	/* exact: the Normal zone comes first */
	add(w, PRT_EV_ALLOC, 0x100020, 4, 0);	/* model: 0x100010, same pageblock */
	add(w, PRT_EV_ALLOC, 0x10000, 4, 0);	/* DMA32: other zone */
	add(w, PRT_EV_ALLOC, 0x200000, 4, 0);	/* node 1: other node */
	add(w, PRT_EV_ALLOC, 0x100400, 10, 0);	/* model: below the watermark everywhere */
	end_trace(w, &h, path, &r);
	assert_int_equal(r.allocations, 5);
	assert_int_equal(r.classes[RP_exact_pfn], 1);
	assert_int_equal(r.classes[RP_same_pageblock], 1);
	assert_int_equal(r.classes[RP_other_zone], 1);
	assert_int_equal(r.classes[RP_other_node], 1);
	assert_int_equal(r.classes[RP_model_failed], 1);
	assert_int_equal(r.zone_agree, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_initial_list_order_is_unknown),
		cmocka_unit_test(test_untraced_bulk_allocation),
		cmocka_unit_test(test_drain_of_a_page_the_model_held_free),
		cmocka_unit_test(test_pageblock_type_ruled_out),
		cmocka_unit_test(test_lone_block_with_exact_start_count_dropped),
		cmocka_unit_test(test_fallback_compared_with_extfrag),
		cmocka_unit_test(test_fallback_shows_own_lists_empty),
		cmocka_unit_test(test_fallback_page_traced_by_extfrag_alone),
		cmocka_unit_test(test_fast_free_scanner),
		cmocka_unit_test(test_fast_search_rotates_only_its_block_list),
		cmocka_unit_test(test_fast_search_limit_from_counts),
		cmocka_unit_test(test_fast_search_block_anywhere_on_its_list),
		cmocka_unit_test(test_fast_search_rotates_known_walked_lists),
		cmocka_unit_test(test_slow_free_scanner_stride),
		cmocka_unit_test(test_slow_scan_that_took_nothing),
		cmocka_unit_test(test_page_reporting_holds_blocks),
		cmocka_unit_test(test_page_reporting_batches_seen),
		cmocka_unit_test(test_page_reporting_poll_interval),
		cmocka_unit_test(test_page_reporting_batch_out_during_the_scan),
		cmocka_unit_test(test_page_reporting_budget_per_list),
		cmocka_unit_test(test_page_reporting_reported_at_start),
		cmocka_unit_test(test_page_reporting_batch_fills_one_scatterlist),
		cmocka_unit_test(test_refill_past_a_reported_block),
		cmocka_unit_test(test_compaction_capture),
		cmocka_unit_test(test_extfrag_of_a_capture_is_not_a_fallback),
		cmocka_unit_test(test_drain_passes_over_the_tail),
		cmocka_unit_test(test_drain_passes_over_many),
		cmocka_unit_test(test_drain_starts_at_the_freed_list),
		cmocka_unit_test(test_remote_drain),
		cmocka_unit_test(test_drained_before_named_was_on_pcp),
		cmocka_unit_test(test_free_map_before_the_scan_read_it),
		cmocka_unit_test(test_first_checkpoint_lets_go_of_unnamed_blocks),
		cmocka_unit_test(test_first_checkpoint_takes_back_blocks_out_at_the_scan),
		cmocka_unit_test(test_reclaim_active_limits_pcp),
		cmocka_unit_test(test_reclaim_ends_when_kswapd_goes_quiet),
		cmocka_unit_test(test_frees_back_to_compaction),
		cmocka_unit_test(test_drain_shows_a_held_free_was_real),
		cmocka_unit_test(test_release_shows_the_isolated_block),
		cmocka_unit_test(test_compaction_success_undoes_a_guess),
		cmocka_unit_test(test_compaction_success_undoes_a_dropped_block),
		cmocka_unit_test(test_slow_scan_shows_a_fast_guess_wrong),
		cmocka_unit_test(test_slow_scan_shows_one_of_two_guesses_wrong),
		cmocka_unit_test(test_fast_search_takes_another_searchs_guess),
		cmocka_unit_test(test_trace_ends_inside_a_compaction_run),
		cmocka_unit_test(test_list_rotated_at_the_kernels_block),
		cmocka_unit_test(test_list_rotated_past_an_initial_head),
		cmocka_unit_test(test_block_passed_over_twice),
		cmocka_unit_test(test_outcome_of_a_desync),
		cmocka_unit_test(test_split_of_an_initial_block_past_a_settled_head),
		cmocka_unit_test(test_carved_remainder_is_unsettled),
		cmocka_unit_test(test_batched_free_reaches_pcp_at_commit),
		cmocka_unit_test(test_free_while_lists_drained_goes_to_buddy),
		cmocka_unit_test(test_lost_event_window),
		cmocka_unit_test(test_watermark_before_refill),
		cmocka_unit_test(test_watermark_before_refill_other_cpu_between),
		cmocka_unit_test(test_check_before_other_cpus_refill),
		cmocka_unit_test(test_check_before_other_cpus_drain),
		cmocka_unit_test(test_check_before_other_cpus_other_zone),
		cmocka_unit_test(test_settled_blocks_proved_not_free),
		cmocka_unit_test(test_refill_inside_a_model_block_proves_nothing),
		cmocka_unit_test(test_zone_node_and_failure_classes),
		cmocka_unit_test(test_other_zone_overrules_a_marginal_pass),
		cmocka_unit_test(test_kernel_failure_overrules_a_marginal_pass),
		/* last: its events move the shared clock past test_remote_drain's */
		cmocka_unit_test(test_pcp_allocation_overrules_a_marginal_check),
	};

	int failed = cmocka_run_group_tests_name("replay_inference", tests, NULL, NULL);

	scratch_cleanup();
	return failed;
}
