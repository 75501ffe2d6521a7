/* SPDX-License-Identifier: MIT */
/*
 * Compaction's free scanners in lock-step: mm_compaction_isolate_freepages
 * and mm_compaction_fast_isolate_freepages name what was taken only by
 * range and count; the model finds the blocks.
 */
#include "replay/lockstep.h"

/*
 * Compaction's free scanner takes free pages off the buddy lists with no
 * allocation event; they come back through a traced __free_pages or become
 * migration targets, later freed (replay/compaction.h).
 *
 * The slow scanner (isolate_freepages_block) reports the range it walked,
 * how many pfns it looked at and how many pages it took. It does not look
 * at every pfn: async compaction probes every stride-th one (1 to 32,
 * doubled after each pageblock that gave nothing), taking a free block only
 * when a probe lands on its head, and jumps past each block it takes. The
 * stride is not reported: each is tried on the model's free blocks, and the
 * one that takes the kernel's number of pages (then: looks at its number of
 * pfns) is used. (The probes also jump past compound pages, whose orders
 * the model does not keep, so its grid can drift from the kernel's; taking
 * no more than the kernel's count then left more free than the kernel had,
 * which measured worse.)
 */
#define MAX_STRIDE 32

struct stride_try {
	uint64_t taken, scanned;
};

/* Walk [start, end) with one stride; isolate what it takes if `apply`. */
static struct stride_try walk_stride(struct lockstep *ls, uint32_t pid, uint64_t start,
				     uint64_t end, unsigned stride, bool apply)
{
	struct stride_try t = { 0, 0 };

	for (uint64_t pfn = start; pfn < end; pfn += stride) {
		unsigned order;

		t.scanned++;
		if (pa_free_block_of(ls->m, pfn, &order) != pfn)
			continue;
		if (apply) {
			if (pa_isolate_free(ls->m, pfn) < 0)
				break;
			rp_unsettled_touch(&ls->unsettled, pfn, order);
			rp_compaction_isolated(&ls->compaction, pid, pfn, order);
		}
		t.taken += 1ULL << order;
		t.scanned += (1ULL << order) - 1;
		pfn += (1ULL << order) - 1;
	}
	return t;
}

static uint64_t dist(uint64_t a, uint64_t b)
{
	return a > b ? a - b : b - a;
}

static uint64_t isolate_range(struct lockstep *ls, uint32_t pid, uint64_t start, uint64_t end,
			      uint64_t scanned, uint64_t taken)
{
	unsigned best = 1;
	struct stride_try bt = walk_stride(ls, pid, start, end, 1, false);

	for (unsigned stride = 2; stride <= MAX_STRIDE; stride *= 2) {
		struct stride_try t = walk_stride(ls, pid, start, end, stride, false);

		if (dist(t.taken, taken) < dist(bt.taken, taken) ||
		    (t.taken == bt.taken && dist(t.scanned, scanned) < dist(bt.scanned, scanned))) {
			bt = t;
			best = stride;
		}
	}
	return walk_stride(ls, pid, start, end, best, true).taken;
}

/*
 * fast_isolate_freepages reports (min_pfn, free_pfn): it walked the movable
 * list of one order from the tail for a block at or above low_pfn, which it
 * derives from the migrate scanner's position: min_pfn is a pageblock below
 * free_pfn - distance/2 and low_pfn one below free_pfn - distance/4. The
 * search limit depends on its recent failures, which no event shows: the
 * common case (no recent failure, not at the scanner's start) is taken.
 */
#define FAST_SEARCH_LIMIT 16

static uint64_t isolate_fast(struct lockstep *ls, uint32_t pid, uint64_t min_pfn, uint64_t free_pfn,
			     uint64_t nr)
{
	uint64_t pb = 1ULL << ls->t->topo.pageblock_order, low_pfn, head;
	unsigned order = 0;
	int zone = pa_model_zone_of(ls->m, min_pfn);

	while ((1ULL << order) < nr)
		order++;
	if (!nr || (1ULL << order) != nr || zone < 0 || free_pfn < min_pfn)
		return 0;
	low_pfn = (free_pfn - (free_pfn - min_pfn) / 2) & ~(pb - 1);
	head = pa_fast_isolate(ls->m, zone, order, min_pfn, low_pfn, FAST_SEARCH_LIMIT);
	if (head == PA_PFN_NONE)
		return 0;
	rp_unsettled_touch(&ls->unsettled, head, order);
	rp_compaction_isolated(&ls->compaction, pid, head, order);
	return nr;
}

static unsigned log2_floor(uint64_t n)
{
	unsigned o = 0;

	while (n >> (o + 1))
		o++;
	return o;
}

void ls_isolate_free(struct lockstep *ls, const struct prt_event *ev)
{
	uint64_t taken = ev->arg[4] ? isolate_fast(ls, ev->pid, ev->arg[0], ev->arg[1], ev->arg[3])
				    : isolate_range(ls, ev->pid, ev->arg[0], ev->arg[1], ev->arg[2],
						    ev->arg[3]);

	rp_compaction_scanned(&ls->compaction, ev->pid, ev->arg[0],
			      ev->arg[4] ? log2_floor(ev->arg[3]) : log2_floor(ev->arg[1] - ev->arg[0]));
	ls->res->isolated_pages += taken;
	ls->res->isolate_mismatch += taken != ev->arg[3];
}
