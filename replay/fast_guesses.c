/* SPDX-License-Identifier: MIT */
/*
 * A fast search's block, which its event does not name, shown wrong by the
 * slow scanner: the model matched the search to a block (replay/
 * free_scanner.c, fit_search and fit_order), and later the slow scanner's
 * event says it took pages in a range where the model has too few free
 * because that guess holds them. The kernel's search took another block;
 * this one was free until the slow scanner took it. So the guess goes back
 * for the slow scanner's walk, and the search's block is guessed again
 * over its range, as the search would find it without this one.
 */
#include <limits.h>

#include "replay/lockstep.h"

static bool inside(uint64_t pfn, unsigned order, uint64_t start, uint64_t end)
{
	return pfn >= start && pfn + (1ULL << order) <= end;
}

/* The guess's pages are still allocated in the model: it can go back. */
static bool held(struct lockstep *ls, uint64_t pfn, unsigned order)
{
	for (uint64_t i = 0; i < 1ULL << order; i++)
		if (pa_free_block_of(ls->m, pfn + i, NULL) != PA_PFN_NONE)
			return false;
	return true;
}

unsigned ls_fast_guesses_in(struct lockstep *ls, uint64_t start, uint64_t end,
			    struct ls_moved_guess *g, unsigned max)
{
	unsigned n = 0;

	for (unsigned r = 0; r < RP_COMPACTION_RUNS; r++) {
		struct rp_compaction_run *run = &ls->compaction.runs[r];

		for (uint32_t i = 0; run->active && i < run->nr_ranges && n < max; i++) {
			struct rp_isolated *b = &run->ranges[i];

			if (b->touched || !b->search_hi || !inside(b->pfn, b->order, start, end) ||
			    !held(ls, b->pfn, b->order))
				continue;
			g[n++] = (struct ls_moved_guess){ .run = (int)r, .index = i, .order = b->order,
							  .pfn = b->pfn, .lo = b->search_lo,
							  .hi = b->search_hi };
		}
	}
	for (unsigned i = 0; i < RP_GUESSED_TAKES && n < max; i++) {
		struct rp_guessed_take *t = &ls->guessed.e[i];

		if (!t->live || !t->search_hi || !inside(t->pfn, t->order, start, end) ||
		    !held(ls, t->pfn, t->order))
			continue;
		g[n++] = (struct ls_moved_guess){ .run = -1, .index = i, .order = t->order,
						  .pfn = t->pfn, .lo = t->search_lo, .hi = t->search_hi };
	}
	return n;
}

unsigned ls_fast_guesses_take_back(struct lockstep *ls, struct ls_moved_guess *g, unsigned n)
{
	unsigned kept = 0;

	for (unsigned i = 0; i < n; i++) {
		if (pa_putback_isolated(ls->m, g[i].pfn, g[i].order) != 0)
			continue;
		if (g[i].run < 0)
			rp_guessed_forget(&ls->guessed, &ls->guessed.e[g[i].index]);
		g[kept++] = g[i];
	}
	return kept;
}

/* The search over [lo, hi) for a block of order, along its whole list. */
static uint64_t guess_again(struct lockstep *ls, unsigned order, uint64_t lo, uint64_t hi)
{
	struct pa_fast_search s;
	int zone = pa_model_zone_of(ls->m, lo);

	if (zone < 0 || !ls_fast_search_for_order(ls, zone, order, lo, hi, UINT_MAX, &s) ||
	    pa_isolate_free(ls->m, s.pfn) < 0)
		return PA_PFN_NONE;
	rp_unsettled_touch(&ls->unsettled, s.pfn, s.order);
	return s.pfn;
}

static void place(struct lockstep *ls, const struct ls_moved_guess *g, uint64_t pfn)
{
	struct rp_compaction_run *run = g->run >= 0 ? &ls->compaction.runs[g->run] : NULL;

	if (run && pfn != PA_PFN_NONE)
		run->ranges[g->index].pfn = pfn;
	else if (run)
		run->ranges[g->index].touched = true;	/* gone: nothing to end with */
	else if (pfn != PA_PFN_NONE)
		rp_guessed_take(&ls->guessed, pfn, g->order, g->lo, g->hi);
}

void ls_fast_guesses_replace(struct lockstep *ls, const struct ls_moved_guess *moved, unsigned n)
{
	ls->res->fast_guesses_moved += n;
	for (unsigned i = 0; i < n; i++)
		place(ls, &moved[i], guess_again(ls, moved[i].order, moved[i].lo, moved[i].hi));
}

/*
 * A fast search took a block of an order the model's lists lack at or above
 * its min_pfn: the kernel's block can be one the model holds as another
 * search's guess, free in the kernel until now (its walk has no upper
 * bound, so the model's match of an earlier search can be a block above
 * that search's free_pfn the kernel took later). The highest such guess
 * not of this task's own run becomes this search's block, still isolated,
 * and the search it stood for is guessed again over its range, else
 * anywhere in the zone: the kernel took a block of that order for it, and
 * the model's lists then hold one more than the kernel's.
 */
uint64_t ls_fast_guess_retaken(struct lockstep *ls, uint32_t pid, uint64_t min_pfn, unsigned order)
{
	struct ls_moved_guess g[LS_MOVED_GUESSES], *pick = NULL;
	int zone = pa_model_zone_of(ls->m, min_pfn);
	const struct pa_zone_desc *z = zone >= 0 ? pa_model_zone_desc(ls->m, zone) : NULL;
	unsigned n = z ? ls_fast_guesses_in(ls, min_pfn, z->start_pfn + z->spanned, g,
					     LS_MOVED_GUESSES) : 0;
	uint64_t again;

	for (unsigned i = 0; i < n; i++)
		if (g[i].order == order &&
		    !(g[i].run >= 0 && ls->compaction.runs[g[i].run].pid == pid) &&
		    (!pick || g[i].pfn > pick->pfn))
			pick = &g[i];
	if (!pick)
		return PA_PFN_NONE;
	if (pick->run < 0)
		rp_guessed_forget(&ls->guessed, &ls->guessed.e[pick->index]);
	ls->res->fast_guesses_moved++;
	again = guess_again(ls, order, pick->lo, pick->hi);
	if (again == PA_PFN_NONE)
		again = guess_again(ls, order, z->start_pfn, pick->hi);
	place(ls, pick, again);
	return pick->pfn;
}
