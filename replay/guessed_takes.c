/* SPDX-License-Identifier: MIT */
/* Free blocks the model took on a guess: see guessed_takes.h. */
#include <stdlib.h>
#include <string.h>

#include "replay/guessed_takes.h"

int rp_guessed_takes_init(struct rp_guessed_takes *g, uint64_t base, uint64_t nr,
			  unsigned pageblock_order)
{
	memset(g, 0, sizeof(*g));
	g->base = base;
	g->pageblock_order = pageblock_order;
	g->nr_pageblocks = (nr >> pageblock_order) + 2;
	g->per_pageblock = calloc(g->nr_pageblocks, 1);
	return g->per_pageblock ? 0 : -1;
}

void rp_guessed_takes_release(struct rp_guessed_takes *g)
{
	free(g->per_pageblock);
	memset(g, 0, sizeof(*g));
}

/* Each pageblock [pfn, pfn + 2^order) overlaps, by index; false outside. */
static bool pageblocks(const struct rp_guessed_takes *g, uint64_t pfn, unsigned order,
		       uint64_t *first, uint64_t *last)
{
	if (pfn < g->base)
		return false;
	*first = (pfn - g->base) >> g->pageblock_order;
	*last = (pfn - g->base + (1ULL << order) - 1) >> g->pageblock_order;
	return *last < g->nr_pageblocks;
}

void rp_guessed_forget(struct rp_guessed_takes *g, struct rp_guessed_take *t)
{
	uint64_t first, last;

	if (!t->live)
		return;
	t->live = false;
	if (pageblocks(g, t->pfn, t->order, &first, &last))
		for (uint64_t i = first; i <= last; i++)
			g->per_pageblock[i]--;
}

void rp_guessed_take(struct rp_guessed_takes *g, uint64_t pfn, unsigned order, uint64_t search_lo,
		     uint64_t search_hi)
{
	struct rp_guessed_take *t = &g->e[g->next];
	uint64_t first, last;

	if (!g->per_pageblock || !pageblocks(g, pfn, order, &first, &last))
		return;
	rp_guessed_forget(g, t);
	*t = (struct rp_guessed_take){ .pfn = pfn, .order = (uint8_t)order, .live = true,
				       .search_lo = search_lo, .search_hi = search_hi };
	for (uint64_t i = first; i <= last; i++)
		g->per_pageblock[i]++;
	g->next = (g->next + 1) % RP_GUESSED_TAKES;
}

static bool overlaps(const struct rp_guessed_take *t, uint64_t pfn, unsigned order)
{
	return t->live && pfn < t->pfn + (1ULL << t->order) && t->pfn < pfn + (1ULL << order);
}

void rp_guessed_named(struct rp_guessed_takes *g, uint64_t pfn, unsigned order)
{
	uint64_t first, last;
	bool any = false;

	if (!g->per_pageblock || !pageblocks(g, pfn, order, &first, &last))
		return;
	for (uint64_t i = first; i <= last && !any; i++)
		any = g->per_pageblock[i] != 0;
	for (unsigned i = 0; any && i < RP_GUESSED_TAKES; i++)
		if (overlaps(&g->e[i], pfn, order))
			rp_guessed_forget(g, &g->e[i]);
}

struct rp_guessed_take *rp_guessed_holding(struct rp_guessed_takes *g, uint64_t pfn)
{
	uint64_t first, last;

	if (!g->per_pageblock || !pageblocks(g, pfn, 0, &first, &last) || !g->per_pageblock[first])
		return NULL;
	for (unsigned i = 0; i < RP_GUESSED_TAKES; i++)
		if (overlaps(&g->e[i], pfn, 0))
			return &g->e[i];
	return NULL;
}
