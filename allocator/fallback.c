/* SPDX-License-Identifier: MIT */
/*
 * __rmqueue: the requested type first, then CMA, then the fallback types
 * (claim a whole pageblock, move pages, or steal a single block), per
 * kernel generation. Read from mm/page_alloc.c: __rmqueue,
 * __rmqueue_fallback, steal_suitable_fallback, find_suitable_fallback,
 * can_steal_fallback (4.4.178, 5.10.7); __rmqueue_claim, __rmqueue_steal,
 * try_to_claim_block, should_try_claim_block (6.18.2).
 *
 * Every decision is made twice over the same rules: rmqueue_find chooses
 * without touching state (prediction), take_for_pfn classifies the block
 * the kernel actually took (apply), take_commit performs either.
 */
#include "allocator/types.h"

static const int fallbacks[PA_PCPTYPES][2] = {
	[PA_MT_UNMOVABLE] = { PA_MT_RECLAIMABLE, PA_MT_MOVABLE },
	[PA_MT_MOVABLE] = { PA_MT_RECLAIMABLE, PA_MT_UNMOVABLE },
	[PA_MT_RECLAIMABLE] = { PA_MT_UNMOVABLE, PA_MT_MOVABLE },
};

int pa_fallback_mt(int mt, unsigned i)
{
	return mt >= 0 && mt < PA_PCPTYPES && i < 2 ? fallbacks[mt][i] : -1;
}

/* can_steal_fallback / should_try_claim_block: only small MOVABLE is shy. */
static bool can_claim(const struct pa_model *m, unsigned order, int mt)
{
	return order >= m->pb_order / 2 || mt == PA_MT_UNMOVABLE || mt == PA_MT_RECLAIMABLE;
}

static int find_fallback(const struct pa_zone *z, unsigned order, int mt)
{
	if (mt >= PA_PCPTYPES || !z->nr_free[order])
		return -1;
	for (int i = 0; i < 2; i++)
		if (z->free[order][fallbacks[mt][i]].nr)
			return fallbacks[mt][i];
	return -1;
}

static bool straddles(const struct pa_model *m, const struct pa_zone *z, uint64_t pfn)
{
	uint64_t start = pfn & ~(((uint64_t)1 << m->pb_order) - 1);

	return start < z->start || start + ((uint64_t)1 << m->pb_order) > z->end;
}

/* Free and movable-looking pages of the pageblock (prep_move_freepages_block). */
static void count_block(const struct pa_model *m, const struct pa_zone *z, uint64_t pfn,
			int *nr_free, int *nr_movable)
{
	uint64_t start = pfn & ~(((uint64_t)1 << m->pb_order) - 1);
	uint64_t end = start + ((uint64_t)1 << m->pb_order);

	*nr_free = *nr_movable = 0;
	/* a pageblock straddling the zone's edge (DMA starts at pfn 1):
	 * count only the zone's own pages, never read outside its map */
	if (start < z->start)
		start = z->start;
	if (end > z->end)
		end = z->end;
	for (uint64_t q = start; q < end;) {
		const struct pa_page *p = zpage(z, q);

		if (pg_state(p) == PG_BUDDY) {
			*nr_free += 1 << pg_order(p);
			q += (uint64_t)1 << pg_order(p);
			continue;
		}
		if (pg_state(p) == PG_ALLOC && pg_movable(p))
			(*nr_movable)++;
		q++;
	}
}

/*
 * Claim a pageblock when at least half of it is free or alike: movable
 * pages for a MOVABLE request, everything not free and not movable when a
 * non-movable request falls back to a MOVABLE block. 4.4 counts only the
 * free pages it moved.
 */
bool claim_threshold(const struct pa_model *m, const struct pa_zone *z, uint64_t pfn,
		     int start_mt, int block_mt)
{
	int nr_free, nr_movable, alike = 0;
	int half = 1 << (m->pb_order - 1);

	count_block(m, z, pfn, &nr_free, &nr_movable);
	if (m->p->fallback == FB_K44)
		return nr_free >= half;
	if (start_mt == PA_MT_MOVABLE)
		alike = nr_movable;
	else if (block_mt == PA_MT_MOVABLE)
		alike = (1 << m->pb_order) - nr_free - nr_movable;
	return nr_free + alike >= half;
}

/*
 * Where __rmqueue_smallest(mt) lands after the pageblock's free blocks
 * were appended to mt's lists: a block already heading a list outside
 * the pageblock keeps its place, else the lowest moved block of that order.
 */
static int64_t claim_move_target(const struct pa_model *m, const struct pa_zone *z,
				 uint64_t pfn, unsigned order, int mt)
{
	uint64_t start = pfn & ~(((uint64_t)1 << m->pb_order) - 1);
	uint64_t end = start + ((uint64_t)1 << m->pb_order);
	int64_t lowest[PA_MAX_ORDERS];

	for (unsigned o = 0; o < m->nr_orders; o++)
		lowest[o] = -1;
	for (uint64_t q = start; q < end;) {
		const struct pa_page *p = zpage(z, q);

		if (pg_state(p) != PG_BUDDY) {
			q++;
			continue;
		}
		if (lowest[pg_order(p)] < 0)
			lowest[pg_order(p)] = (int64_t)q;
		q += (uint64_t)1 << pg_order(p);
	}
	for (unsigned o = order; o < m->nr_orders; o++) {
		uint32_t e = z->free[o][mt].head;

		while (e != PA_NIL && z->start + e >= start && z->start + e < end)
			e = z->pages[e].next;
		if (e != PA_NIL)
			return (int64_t)(z->start + e);
		if (lowest[o] >= 0)
			return lowest[o];
	}
	return -1;
}

static void set_take(struct pa_take *t, const struct pa_zone *z, int64_t head, int kind,
		     int fmt)
{
	t->head = head;
	t->block_order = head >= 0 ? pg_order(zpage(z, (uint64_t)head)) : 0;
	t->list_mt = head >= 0 ? (int)pg_lmt(zpage(z, (uint64_t)head)) : -1;
	t->pfn = (uint64_t)head;
	t->kind = kind;
	t->fallback_mt = fmt;
}

static bool find_smallest(const struct pa_model *m, const struct pa_zone *z, unsigned order,
			  int mt, struct pa_take *t)
{
	int64_t h = rmqueue_smallest_find(m, z, order, mt);

	if (h < 0)
		return false;
	set_take(t, z, h, TAKE_SMALLEST, -1);
	return true;
}

/* Decide how a fallback block at head is used, the way the profile would. */
static void classify_fallback(const struct pa_model *m, const struct pa_zone *z, int64_t head,
			      unsigned order, int mt, int fmt, struct pa_take *t)
{
	unsigned co = pg_order(zpage(z, (uint64_t)head));
	bool big = co >= m->pb_order;
	bool steal = can_claim(m, co, mt);

	set_take(t, z, head, TAKE_STEAL, fmt);
	switch (m->p->fallback) {
	case FB_K44:
		t->kind = !steal ? TAKE_MOVE_SINGLE : big ? TAKE_CLAIM_RANGE : TAKE_K44;
		break;
	case FB_K510:
		if (pb_get(m, z, (uint64_t)head) == PA_MT_HIGHATOMIC || (!big && !steal) ||
		    (!big && straddles(m, z, (uint64_t)head)))
			t->kind = TAKE_MOVE_SINGLE;
		else
			t->kind = big ? TAKE_CLAIM_RANGE : TAKE_MOVE_BLOCK;
		break;
	case FB_K612:
	case FB_K618:
		if (big)
			t->kind = TAKE_CLAIM_RANGE;
		else if (steal && !straddles(m, z, (uint64_t)head) &&
			 claim_threshold(m, z, (uint64_t)head, mt, fmt))
			t->kind = TAKE_CLAIM_MOVE;
		break;
	}
	if (t->kind == TAKE_MOVE_BLOCK || t->kind == TAKE_CLAIM_MOVE) {
		int64_t tgt = claim_move_target(m, z, (uint64_t)head, order, mt);

		t->pfn = tgt >= 0 ? (uint64_t)tgt : (uint64_t)head;
	}
	/* 5.10 and 6.6-6.14 boost the watermark on every sub-pageblock fallback */
	if (!big && (m->p->fallback == FB_K612 ||
		     (m->p->fallback == FB_K510 && pb_get(m, z, (uint64_t)head) != PA_MT_HIGHATOMIC)))
		t->boosts = 1;
	t->claimed = t->kind == TAKE_CLAIM_RANGE || t->kind == TAKE_CLAIM_MOVE ||
		     ((t->kind == TAKE_MOVE_BLOCK || t->kind == TAKE_K44) &&
		      claim_threshold(m, z, (uint64_t)head, mt, fmt));
}

/* 4.4/5.10/6.6-6.14: one scan from the largest order down. */
static bool fallback_scan(const struct pa_model *m, const struct pa_zone *z, unsigned order,
			  int mt, unsigned af, struct pa_take *t)
{
	unsigned min_order = order;
	int co, fmt = -1;

	if (m->p->nofragment && (af & AF_NOFRAGMENT) &&
	    (m->p->fallback == FB_K510 ? true : order < m->pb_order))
		min_order = m->pb_order;
	for (co = (int)max_order(m); co >= (int)min_order; co--) {
		fmt = find_fallback(z, (unsigned)co, mt);
		if (fmt >= 0)
			break;
	}
	if (fmt < 0)
		return false;
	if (m->p->fallback != FB_K44 && mt == PA_MT_MOVABLE && !can_claim(m, (unsigned)co, mt) &&
	    (unsigned)co > order) {
		for (co = (int)order; co < (int)m->nr_orders; co++) {
			fmt = find_fallback(z, (unsigned)co, mt);
			if (fmt >= 0)
				break;
		}
	}
	classify_fallback(m, z, (int64_t)z->start + list_first(&z->free[co][fmt]), order, mt, fmt, t);
	return true;
}

/* 6.15+: claim from the largest order down, stop where claiming stops. */
static bool claim_scan(const struct pa_model *m, const struct pa_zone *z, unsigned order,
		       int mt, unsigned af, struct pa_take *t)
{
	int min_order = (int)order, boosts = 0;

	if (order < m->pb_order && (af & AF_NOFRAGMENT))
		min_order = (int)m->pb_order;
	for (int co = (int)max_order(m); co >= min_order; co--) {
		int fmt;
		int64_t head;

		if (!can_claim(m, (unsigned)co, mt) && (unsigned)co < m->pb_order)
			break;
		fmt = find_fallback(z, (unsigned)co, mt);
		if (fmt < 0)
			continue;
		head = (int64_t)z->start + list_first(&z->free[co][fmt]);
		boosts += (unsigned)co < m->pb_order;
		classify_fallback(m, z, head, order, mt, fmt, t);
		t->boosts = boosts;
		if (t->kind == TAKE_CLAIM_RANGE || t->kind == TAKE_CLAIM_MOVE)
			return true;
	}
	t->boosts = boosts;
	return false;
}

static bool steal_scan(const struct pa_model *m, const struct pa_zone *z, unsigned order,
		       int mt, struct pa_take *t)
{
	for (unsigned co = order; co < m->nr_orders; co++) {
		int fmt = find_fallback(z, co, mt);

		if (fmt >= 0) {
			set_take(t, z, (int64_t)z->start + list_first(&z->free[co][fmt]), TAKE_STEAL,
				 fmt);
			t->claimed = false;
			return true;
		}
	}
	return false;
}

/* rmqueue_mode of 6.18, carried across one rmqueue_bulk */
enum { MODE_NORMAL, MODE_CMA, MODE_CLAIM, MODE_STEAL };

bool rmqueue_find(const struct pa_model *m, const struct pa_zone *z, unsigned order, int mt,
		  unsigned af, int mode, struct pa_take *t)
{
	*t = (struct pa_take){ .head = -1, .fallback_mt = -1 };
	if (m->p->fallback != FB_K44 && (af & AF_CMA) && z->free_cma > z->free_pages / 2 &&
	    find_smallest(m, z, order, PA_MT_CMA, t))
		return true;
	if (m->p->fallback != FB_K618) {
		if (find_smallest(m, z, order, mt, t))
			return true;
		if ((af & AF_CMA) && find_smallest(m, z, order, PA_MT_CMA, t))
			return true;
		return fallback_scan(m, z, order, mt, af, t);
	}
	if (mode <= MODE_NORMAL && find_smallest(m, z, order, mt, t))
		return true;
	if (mode <= MODE_CMA && (af & AF_CMA) && find_smallest(m, z, order, PA_MT_CMA, t))
		return true;
	if (mode <= MODE_CLAIM) {
		int boosts = 0;

		if (claim_scan(m, z, order, mt, af, t))
			return true;
		boosts = t->boosts;
		*t = (struct pa_take){ .head = -1, .fallback_mt = -1, .boosts = boosts };
	}
	if (!(af & AF_NOFRAGMENT) && steal_scan(m, z, order, mt, t))
		return true;
	return false;
}

/* The kernel took pfn out of the free block at head: which rule did it follow? */
void take_for_pfn(const struct pa_model *m, const struct pa_zone *z, uint64_t head, uint64_t pfn,
		  unsigned order, int mt, struct pa_take *t)
{
	int lmt = (int)pg_lmt(zpage(z, head));

	*t = (struct pa_take){ .head = -1, .fallback_mt = -1 };
	if (lmt == mt || lmt >= PA_PCPTYPES || mt >= PA_PCPTYPES) {
		set_take(t, z, (int64_t)head, TAKE_SMALLEST, -1);
	} else {
		classify_fallback(m, z, (int64_t)head, order, mt, lmt, t);
		if (m->p->fallback == FB_K618 && t->kind == TAKE_CLAIM_MOVE)
			t->boosts = 1;
	}
	t->pfn = pfn;
}

static void take_enclosing(struct pa_model *m, struct pa_zone *z, uint64_t pfn, unsigned order,
			   int rem_mt)
{
	int64_t h = enclosing_free(m, z, pfn, order);

	if (h >= 0)
		take_block(m, z, (uint64_t)h, pfn, order, rem_mt);
}

void take_commit(struct pa_model *m, struct pa_zone *z, const struct pa_take *t, unsigned order,
		 int mt, unsigned af)
{
	uint64_t head = (uint64_t)t->head;

	for (int i = 0; i < t->boosts; i++)
		if (boost_watermark(m, z) && (af & AF_KSWAPD))
			z->flags |= ZF_BOOSTED;
	switch (t->kind) {
	case TAKE_SMALLEST:
		take_block(m, z, head, t->pfn, order, t->list_mt);
		break;
	case TAKE_CLAIM_RANGE:
		set_pageblock_range(m, z, head, t->block_order, mt);
		take_block(m, z, head, t->pfn, order, mt);
		break;
	case TAKE_CLAIM_MOVE:
		move_freepages_block(m, z, head, t->fallback_mt, mt);
		set_pageblock_range(m, z, head, 0, mt);
		take_enclosing(m, z, t->pfn, order, mt);
		break;
	case TAKE_MOVE_BLOCK:
	case TAKE_K44: {
		bool claim = claim_threshold(m, z, head, mt, t->fallback_mt);

		move_freepages_block(m, z, head, t->fallback_mt, mt);
		if (claim)
			set_pageblock_range(m, z, head, 0, mt);
		take_enclosing(m, z, t->pfn, order, mt);
		break;
	}
	case TAKE_MOVE_SINGLE:
		take_block(m, z, head, t->pfn, order, mt);
		break;
	case TAKE_STEAL:
		take_block(m, z, head, t->pfn, order, t->fallback_mt);
		break;
	}
}
