/* SPDX-License-Identifier: MIT */
/*
 * When the requested migratetype's lists are empty at every order: take
 * from another type's lists. As 6.15+ (6.18) does it, in __rmqueue:
 *
 * 1. claim (__rmqueue_claim): from the highest order down to `order` (to
 *    pageblock order under ALLOC_NOFRAGMENT), the first order with a block
 *    of a fallback type, fallback types in the table's order. Below half a
 *    pageblock only unmovable and reclaimable requests may claim. A block
 *    of pageblock order or more changes type whole and is split for the
 *    request; a smaller one claims its pageblock only when the free and
 *    "alike" pages are at least half of it: then every free block of the
 *    pageblock moves to the requested type's lists (at their tails) and the
 *    request is served by __rmqueue_smallest. Otherwise nothing is claimed.
 * 2. steal (__rmqueue_steal, not under ALLOC_NOFRAGMENT): the smallest
 *    order with a block of a fallback type; split for the request with the
 *    rest left on the fallback type's lists; the pageblock keeps its type.
 */
#include "allocator/types.h"

static const int fallbacks[PA_PCPTYPES][PA_PCPTYPES - 1] = {
	[PA_MT_UNMOVABLE] = { PA_MT_RECLAIMABLE, PA_MT_MOVABLE },
	[PA_MT_MOVABLE] = { PA_MT_RECLAIMABLE, PA_MT_UNMOVABLE },
	[PA_MT_RECLAIMABLE] = { PA_MT_UNMOVABLE, PA_MT_MOVABLE },
};

enum fb_kind { FB_NONE, FB_CLAIM_WHOLE, FB_CLAIM_BLOCK, FB_STEAL };

struct fb_choice {
	enum fb_kind kind;
	uint32_t block;		/* head of the fallback free block */
	uint32_t result;	/* what the allocation returns */
	unsigned current_order;
	int fallback_mt;
};

static bool area_empty(const struct pa_zone *z, unsigned order)
{
	for (int mt = 0; mt < PA_NR_MIGRATETYPES; mt++)
		if (z->free[order][mt].head != PA_NIL)
			return false;
	return true;
}

/* -1: nothing at this order; -2: too small to claim; else the type. */
static int suitable_fallback(const struct pa_model *m, const struct pa_zone *z, unsigned order,
			     int start_mt, bool claimable)
{
	if (area_empty(z, order))
		return -1;
	if (claimable && order < m->pageblock_order && order < m->pageblock_order / 2 &&
	    start_mt == PA_MT_MOVABLE)
		return -2;
	for (int i = 0; i < PA_PCPTYPES - 1; i++)
		if (z->free[order][fallbacks[start_mt][i]].head != PA_NIL)
			return fallbacks[start_mt][i];
	return -1;
}

/* Free pages and movable allocated pages in the pageblock of idx. */
static void count_block(const struct pa_model *m, const struct pa_zone *z, uint32_t idx,
			uint64_t *free_pages, uint64_t *movable)
{
	uint64_t per = 1ULL << m->pageblock_order;
	uint64_t start = ((z->start + idx) & ~(per - 1)) - z->start;

	*free_pages = *movable = 0;
	for (uint64_t i = start; i < start + per && i < z->desc.spanned;) {
		const struct pa_page *p = &z->pages[i];

		if (p->state == PS_BUDDY) {
			*free_pages += 1ULL << p->order;
			i += 1ULL << p->order;
			continue;
		}
		if (p->state == PS_ALLOCATED && p->mt == PA_MT_MOVABLE)
			(*movable)++;
		i++;
	}
}

static bool block_in_zone(const struct pa_model *m, const struct pa_zone *z, uint32_t idx)
{
	uint64_t per = 1ULL << m->pageblock_order;
	uint64_t start = (z->start + idx) & ~(per - 1);

	return start >= z->start && start + per <= z->end;
}

/* The lowest-pfn free block of the smallest order >= order in the pageblock. */
static uint32_t smallest_in_block(const struct pa_model *m, const struct pa_zone *z, uint32_t idx,
				  unsigned order)
{
	uint64_t per = 1ULL << m->pageblock_order;
	uint64_t start = ((z->start + idx) & ~(per - 1)) - z->start;
	uint32_t best = PA_NIL;

	for (uint64_t i = start; i < start + per;) {
		const struct pa_page *p = &z->pages[i];

		if (p->state == PS_BUDDY) {
			if (p->order >= order && (best == PA_NIL || p->order < z->pages[best].order))
				best = (uint32_t)i;
			i += 1ULL << p->order;
		} else {
			i++;
		}
	}
	return best;
}

static bool try_claim(const struct pa_model *m, const struct pa_zone *z, unsigned order,
		      int start_mt, struct fb_choice *c)
{
	uint64_t free_pages, movable, alike;

	if (c->current_order >= m->pageblock_order) {
		c->kind = FB_CLAIM_WHOLE;
		c->result = c->block;
		return true;
	}
	if (!block_in_zone(m, z, c->block))
		return false;
	count_block(m, z, c->block, &free_pages, &movable);
	if (start_mt == PA_MT_MOVABLE)
		alike = movable;
	else if (c->fallback_mt == PA_MT_MOVABLE)
		alike = (1ULL << m->pageblock_order) - (free_pages + movable);
	else
		alike = 0;
	if (free_pages + alike < (1ULL << (m->pageblock_order - 1)))
		return false;
	c->kind = FB_CLAIM_BLOCK;
	c->result = smallest_in_block(m, z, c->block, order);
	return true;
}

static bool choose_claim(const struct pa_model *m, const struct pa_zone *z, unsigned order,
			 int start_mt, bool nofragment, struct fb_choice *c)
{
	unsigned min_order = nofragment ? m->pageblock_order : order;

	for (int o = (int)m->nr_orders - 1; o >= (int)min_order; o--) {
		int fb = suitable_fallback(m, z, (unsigned)o, start_mt, true);

		if (fb == -1)
			continue;
		if (fb == -2)
			break;
		c->current_order = (unsigned)o;
		c->fallback_mt = fb;
		c->block = z->free[o][fb].head;
		if (try_claim(m, z, order, start_mt, c))
			return true;
	}
	return false;
}

static bool choose_steal(const struct pa_model *m, const struct pa_zone *z, unsigned order,
			 int start_mt, struct fb_choice *c)
{
	for (unsigned o = order; o < m->nr_orders; o++) {
		int fb = suitable_fallback(m, z, o, start_mt, false);

		if (fb < 0)
			continue;
		c->kind = FB_STEAL;
		c->current_order = o;
		c->fallback_mt = fb;
		c->block = c->result = z->free[o][fb].head;
		return true;
	}
	return false;
}

static bool choose(const struct pa_model *m, const struct pa_zone *z, unsigned order, int mt,
		   bool nofragment, struct fb_choice *c)
{
	c->kind = FB_NONE;
	if (mt >= PA_PCPTYPES)
		return false;
	if (choose_claim(m, z, order, mt, nofragment, c))
		return true;
	return !nofragment && choose_steal(m, z, order, mt, c);
}

uint32_t pa_fallback_peek(const struct pa_model *m, const struct pa_zone *z, unsigned order,
			  int mt, bool nofragment, struct pa_prediction *why)
{
	struct fb_choice c;

	if (!choose(m, z, order, mt, nofragment, &c))
		return PA_NIL;
	if (why) {
		why->path = PA_PATH_FALLBACK;
		why->fallback_mt = c.fallback_mt;
		why->fallback_order = c.current_order;
		why->change_ownership = c.kind != FB_STEAL ||
					pa_pageblock_mt(m, z, c.block) == mt;
	}
	return c.result;
}

/* Move every free block of the pageblock of idx onto `to` lists (tails). */
static void move_block(const struct pa_model *m, struct pa_zone *z, uint32_t idx, int to)
{
	uint64_t per = 1ULL << m->pageblock_order;
	uint64_t start = ((z->start + idx) & ~(per - 1)) - z->start;

	for (uint64_t i = start; i < start + per;) {
		struct pa_page *p = &z->pages[i];

		if (p->state == PS_BUDDY) {
			unsigned order = p->order;

			pa_buddy_del(z, (uint32_t)i);
			pa_buddy_add(z, (uint32_t)i, order, to, true);
			i += 1ULL << order;
		} else {
			i++;
		}
	}
	z->pb_mt[(z->start + start - z->pb_first) >> m->pageblock_order] = (int8_t)to;
}

uint32_t pa_fallback(const struct pa_model *m, struct pa_zone *z, unsigned order, int mt,
		     bool nofragment)
{
	struct fb_choice c;
	uint64_t per = 1ULL << m->pageblock_order;

	if (!choose(m, z, order, mt, nofragment, &c))
		return PA_NIL;
	switch (c.kind) {
	case FB_CLAIM_WHOLE:
		for (uint64_t b = 0; b < (1ULL << c.current_order) / per; b++)
			z->pb_mt[(z->start + c.block + b * per - z->pb_first) >> m->pageblock_order] =
				(int8_t)mt;
		pa_buddy_take(m, z, c.block, c.block, order, mt);
		return c.block;
	case FB_CLAIM_BLOCK:
		move_block(m, z, c.block, mt);
		return pa_rmqueue(m, z, order, mt);
	case FB_STEAL:
		pa_buddy_take(m, z, c.block, c.block, order, -1);
		return c.block;
	default:
		return PA_NIL;
	}
}
