/* SPDX-License-Identifier: MIT */
/*
 * Compaction's free scanners in lock-step: mm_compaction_isolate_freepages
 * and mm_compaction_fast_isolate_freepages name what was taken only by
 * range and count; the model finds the blocks.
 */
#include <limits.h>

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

/* Guessed blocks a trial walk counts as free (they are allocated in the
 * model): those of g[] whose bit is set in mask. */
struct trial_free {
	const struct ls_moved_guess *g;
	unsigned mask;
};

static bool trial_head(const struct trial_free *x, uint64_t pfn, unsigned *order)
{
	for (unsigned i = 0; x && x->mask >> i; i++)
		if (x->mask >> i & 1 && x->g[i].pfn == pfn) {
			*order = x->g[i].order;
			return true;
		}
	return false;
}

/* Walk [start, end) with one stride; isolate what it takes if `apply`
 * (then x is NULL). */
static struct stride_try walk_stride(struct lockstep *ls, uint32_t pid, uint64_t start,
				     uint64_t end, unsigned stride, bool apply,
				     const struct trial_free *x)
{
	struct stride_try t = { 0, 0 };

	for (uint64_t pfn = start; pfn < end; pfn += stride) {
		unsigned order;

		t.scanned++;
		if (pa_free_block_of(ls->m, pfn, &order) != pfn && !trial_head(x, pfn, &order))
			continue;
		if (apply) {
			if (pa_isolate_free(ls->m, pfn) < 0)
				break;
			rp_unsettled_touch(&ls->unsettled, pfn, order);
			rp_compaction_isolated(&ls->compaction, pid, pfn, order, 0, 0);
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

static struct stride_try best_stride(struct lockstep *ls, uint64_t start, uint64_t end,
				     uint64_t scanned, uint64_t taken, const struct trial_free *x,
				     unsigned *best)
{
	struct stride_try bt = walk_stride(ls, 0, start, end, 1, false, x);

	*best = 1;
	for (unsigned stride = 2; stride <= MAX_STRIDE; stride *= 2) {
		struct stride_try t = walk_stride(ls, 0, start, end, stride, false, x);

		if (dist(t.taken, taken) < dist(bt.taken, taken) ||
		    (t.taken == bt.taken && dist(t.scanned, scanned) < dist(bt.scanned, scanned))) {
			bt = t;
			*best = stride;
		}
	}
	return bt;
}

/*
 * Which of the guesses g[0..n) were wrong: the set that, taken back, lets a
 * stride take just the kernel's count, nearest its scanned count; all of
 * them first, then each alone. 0: none does. On page-cache-pcp a slow scan
 * took 128 pages over two guesses of 64 and 128 (the one of 128 wrong: a
 * stride of 32 with it back reproduces both counts, 132 and 128), where
 * taking back both took 192 and so neither went back.
 */
static unsigned wrong_guesses(struct lockstep *ls, uint64_t start, uint64_t end,
			      uint64_t scanned, uint64_t taken, const struct ls_moved_guess *g,
			      unsigned n)
{
	unsigned all = (1u << n) - 1, found = 0, best;
	uint64_t nearest = UINT64_MAX;

	for (unsigned i = 0; i <= n && !(found && i == 1); i++) {
		struct trial_free x = { g, i ? 1u << (i - 1) : all };
		struct stride_try t = best_stride(ls, start, end, scanned, taken, &x, &best);

		if (t.taken == taken && dist(t.scanned, scanned) < nearest) {
			nearest = dist(t.scanned, scanned);
			found = x.mask;
		}
	}
	return found;
}

static unsigned keep_masked(struct ls_moved_guess *g, unsigned n, unsigned mask)
{
	unsigned k = 0;

	for (unsigned i = 0; i < n; i++)
		if (mask >> i & 1)
			g[k++] = g[i];
	return k;
}

/* Where no stride takes as much as the kernel did, fast searches' guesses
 * may hold the pages (replay/fast_guesses.c): those whose return lets a
 * stride take just the kernel's count were wrong, go back and are guessed
 * again. An event that took nothing takes nothing: its scan stopped at a
 * free block that __isolate_free_page refused (the zone under its min
 * watermark plus the block), or on contention; the stride nearest 0 taking
 * some block left a fresh capture's model 500-650 pages short for seconds
 * (docs/fidelity.md). */
static uint64_t isolate_range(struct lockstep *ls, uint32_t pid, uint64_t start, uint64_t end,
			      uint64_t scanned, uint64_t taken)
{
	struct ls_moved_guess g[LS_MOVED_GUESSES];
	unsigned best, n, mask;
	uint64_t got;

	if (!taken)
		return 0;
	if (best_stride(ls, start, end, scanned, taken, NULL, &best).taken >= taken ||
	    !(n = ls_fast_guesses_in(ls, start, end, g, LS_MOVED_GUESSES)) ||
	    !(mask = wrong_guesses(ls, start, end, scanned, taken, g, n)))
		return walk_stride(ls, pid, start, end, best, true, NULL).taken;
	n = ls_fast_guesses_take_back(ls, g, keep_masked(g, n, mask));
	best_stride(ls, start, end, scanned, taken, NULL, &best);
	got = walk_stride(ls, pid, start, end, best, true, NULL).taken;
	ls_fast_guesses_replace(ls, g, n);
	return got;
}

/*
 * fast_isolate_freepages reports (min_pfn, free_pfn), the pfns it looked at
 * (plus the isolated block's pages but one) and the pages it took. Where it
 * looked depends on its compact_control: cc->order (the task's
 * mm_compaction_try_to_compact_pages), cc->search_order and the scan limit,
 * which halves with each recent failure (fast_search_fail) and is 256 at
 * the scanner's start; the model keeps the first two per run and tries the
 * limits, with low_pfn either side of its rounding (min_pfn is a pageblock
 * below free_pfn - distance/2, low_pfn one below free_pfn - distance/4,
 * and distance is not reported). A try that takes a block and reproduces
 * both counts is applied: the block isolated, its list rotated. The kernel
 * also rotates every list it walked far enough without finding one; the
 * model does so only where each block the walk looked at is one it knows
 * (settled): its other list tails are blocks free at capture start in a
 * guessed order, and rotating those on the guess left a fresh capture's free
 * counts 3.9% off at worst instead of 0.32%. A search that took nothing is
 * applied (rotations only) when a try comes within FAST_ZERO_SLACK pfns of
 * its count; a near miss that took a block is not (its block could be the
 * wrong one: refills 99.30 -> 98.9-99.25% on page-cache).
 */
#define FAST_ZERO_SLACK 8
#define FAST_SEARCH_TRIES 14

static unsigned scan_limit(unsigned fast_search_fail)
{
	/* max(1, freelist_scan_limit(cc) >> 1): COMPACT_CLUSTER_MAX is 32 */
	unsigned l = ((32u >> (fast_search_fail < 31 ? fast_search_fail : 31)) + 1) >> 1;

	return l ? l : 1;
}

/* The run's search, tried with each limit and low_pfn, until one
 * reproduces the event's counts (as above). */
static bool fit_search(struct lockstep *ls, int zone, const struct rp_compaction_run *run,
		       unsigned cc_order, uint64_t min_pfn, uint64_t free_pfn, uint64_t scanned,
		       uint64_t taken, struct pa_fast_search *fit)
{
	static const unsigned limits[] = { 0 /* the run's own */, 256, 16, 8, 4, 2, 1 };
	uint64_t pb = 1ULL << ls->t->topo.pageblock_order, half = (free_pfn - min_pfn) / 2;

	for (unsigned i = 0; i < FAST_SEARCH_TRIES; i++) {
		struct pa_fast_search s = {
			.cc_order = cc_order,
			.search_order = run ? run->search_order : cc_order,
			.limit = i / 2 ? limits[i / 2] : scan_limit(run ? run->fast_search_fail : 0),
			.min_pfn = min_pfn,
			.low_pfn = (free_pfn - (i % 2 ? (half > pb / 2 ? half - pb / 2 : 0) : half)) & ~(pb - 1),
		};

		if (s.low_pfn < min_pfn)
			s.low_pfn = min_pfn;
		pa_fast_search_try(ls->m, zone, &s);
		if (s.pfn != PA_PFN_NONE ? s.scanned == scanned && 1ULL << s.order == taken
					 : !taken && dist(s.scanned, scanned) <= FAST_ZERO_SLACK) {
			*fit = s;
			return true;
		}
	}
	return false;
}

/* When no try takes the kernel's count, the model's lists differ from the
 * kernel's near the scanner: the block is looked for in the one order the
 * count names, as a search that found it there would have: within 16
 * entries of the list's tail, else along the whole list (the kernel's block
 * was near its tail; the model's copy of the list may have it anywhere).
 * Keeping, of walks of 16, 256 and all, the one whose count came nearest
 * the kernel's measured the same within 0.1 point. */
bool ls_fast_search_for_order(struct lockstep *ls, int zone, unsigned order, uint64_t min_pfn,
			      uint64_t free_pfn, unsigned limit, struct pa_fast_search *s)
{
	uint64_t pb = 1ULL << ls->t->topo.pageblock_order;
	struct pa_fast_search t = {
		.cc_order = order + 1, .search_order = order, .limit = limit,
		.min_pfn = min_pfn, .low_pfn = (free_pfn - (free_pfn - min_pfn) / 2) & ~(pb - 1),
	};

	pa_fast_search_try(ls->m, zone, &t);
	if (t.pfn == PA_PFN_NONE || t.order != order)
		return false;
	*s = t;
	return true;
}

static bool fit_order(struct lockstep *ls, int zone, uint64_t min_pfn, uint64_t free_pfn,
		      uint64_t taken, struct pa_fast_search *s)
{
	static const unsigned limits[] = { 16, UINT_MAX };
	unsigned order = 0;

	while ((1ULL << order) < taken)
		order++;
	if (!taken || (1ULL << order) != taken)
		return false;
	for (unsigned i = 0; i < sizeof(limits) / sizeof(limits[0]); i++)
		if (ls_fast_search_for_order(ls, zone, order, min_pfn, free_pfn, limits[i], s))
			return true;
	return false;
}

static bool settled(void *ctx, uint64_t pfn)
{
	const struct lockstep *ls = ctx;

	return !rp_unsettled_has(&ls->unsettled, pfn);
}

static unsigned log2_floor(uint64_t n)
{
	unsigned o = 0;

	while (n >> (o + 1))
		o++;
	return o;
}

static uint64_t retaken_guess(struct lockstep *ls, uint32_t pid, uint64_t min_pfn, uint64_t free_pfn,
			      uint64_t taken)
{
	unsigned order = log2_floor(taken);
	uint64_t pfn = 1ULL << order == taken ? ls_fast_guess_retaken(ls, pid, min_pfn, order)
					      : PA_PFN_NONE;

	if (pfn == PA_PFN_NONE)
		return 0;
	rp_compaction_isolated(&ls->compaction, pid, pfn, order, min_pfn, free_pfn);
	return taken;
}

static uint64_t isolate_fast(struct lockstep *ls, uint32_t pid, uint64_t min_pfn, uint64_t free_pfn,
			     uint64_t scanned, uint64_t taken)
{
	struct rp_compaction_run *run = rp_compaction_run_of(&ls->compaction, pid);
	unsigned cc_order = run && run->cc_order ? run->cc_order : ls->t->topo.pageblock_order;
	int zone = pa_model_zone_of(ls->m, min_pfn);
	struct pa_fast_search s;

	ls->res->fast_searches++;
	if (zone < 0 || free_pfn < min_pfn)
		return 0;
	if (fit_search(ls, zone, run, cc_order, min_pfn, free_pfn, scanned, taken, &s)) {
		ls->res->fast_search_fit++;
		if (run) {
			run->search_order = s.next_search_order;
			if (s.pfn == PA_PFN_NONE)
				run->fast_search_fail++;
			else if (s.preferred)
				run->fast_search_fail = 0;
		}
		s.rotate_walked = true;
		s.known = settled;
		s.known_ctx = ls;
	} else if (!taken && run) {
		run->fast_search_fail++;	/* what a search that finds nothing does */
		return 0;
	} else if (!fit_order(ls, zone, min_pfn, free_pfn, taken, &s)) {
		return retaken_guess(ls, pid, min_pfn, free_pfn, taken);
	}
	pa_fast_search_apply(ls->m, zone, &s);
	if (s.pfn == PA_PFN_NONE)
		return 0;
	rp_unsettled_touch(&ls->unsettled, s.pfn, s.order);
	rp_compaction_isolated(&ls->compaction, pid, s.pfn, s.order, min_pfn, free_pfn);
	return 1ULL << s.order;
}

void ls_isolate_free(struct lockstep *ls, const struct prt_event *ev)
{
	uint64_t taken = ev->arg[4] ? isolate_fast(ls, ev->pid, ev->arg[0], ev->arg[1], ev->arg[2],
						   ev->arg[3])
				    : isolate_range(ls, ev->pid, ev->arg[0], ev->arg[1], ev->arg[2],
						    ev->arg[3]);

	rp_compaction_scanned(&ls->compaction, ev->pid, ev->arg[0],
			      ev->arg[4] ? log2_floor(ev->arg[3]) : log2_floor(ev->arg[1] - ev->arg[0]));
	ls->res->isolated_pages += taken;
	ls->res->isolate_mismatch += taken != ev->arg[3];
}
