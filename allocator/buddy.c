/* SPDX-License-Identifier: MIT */
/*
 * The buddy core: splitting (expand), the smallest-first search, freeing
 * with merging and the head/tail placement rule, pageblock moves.
 * Behaviour read from mm/page_alloc.c: expand, page_del_and_expand,
 * __rmqueue_smallest, __free_one_page, buddy_merge_likely,
 * split_large_buddy, __move_freepages_block (4.4.178, 5.10.7, 6.18.2).
 */
#include "allocator/types.h"

/*
 * expand: the lower half is kept; each upper half goes to the head of the
 * list one order down, largest first, so a fresh block hands out
 * ascending pfns.
 */
void expand(struct pa_model *m, struct pa_zone *z, uint64_t pfn, unsigned low, unsigned high,
	    int mt)
{
	while (high > low) {
		high--;
		buddy_add(m, z, pfn + ((uint64_t)1 << high), high, mt, false);
	}
}

int64_t rmqueue_smallest_find(const struct pa_model *m, const struct pa_zone *z, unsigned order,
			      int mt)
{
	for (unsigned o = order; o < m->nr_orders; o++) {
		int64_t h = list_first(&z->free[o][mt]);

		if (h >= 0)
			return h + (int64_t)z->start;
	}
	return -1;
}

/*
 * Take [target, target + 2^order) out of the free block at head. When the
 * target is the lowest part this is exactly page_del_and_expand; for any
 * other target the halves not holding it are listed the same way.
 */
void take_block(struct pa_model *m, struct pa_zone *z, uint64_t head, uint64_t target,
		unsigned order, int rem_mt)
{
	unsigned o = pg_order(zpage(z, head));
	uint64_t cur = head;

	buddy_del(m, z, head);
	while (o > order) {
		uint64_t half = (uint64_t)1 << --o;

		if (target >= cur + half) {
			buddy_add(m, z, cur, o, rem_mt, false);
			cur += half;
		} else {
			buddy_add(m, z, cur + half, o, rem_mt, false);
		}
	}
}

/* Pages become allocated; remember mobility for the claim threshold. */
void mark_alloc(struct pa_model *m, struct pa_zone *z, uint64_t pfn, unsigned order, int mt)
{
	uint64_t n = (uint64_t)1 << order;
	bool movable = mt == PA_MT_MOVABLE;

	(void)m;
	for (uint64_t i = 0; i < n; i++) {
		struct pa_page *p = zpage(z, pfn + i);

		if (pg_state(p) == PG_UNKNOWN)
			z->unknown_pages--;
		pg_set(p, PG_ALLOC, 0, 0, 0, 0);
		pg_set_movable(p, movable);
	}
}

/*
 * Head of the free block (buddy or pcp) covering the range, or -1. Only a
 * TAIL page lies inside a larger block: then probe the aligned ancestors.
 */
int64_t enclosing_free(const struct pa_model *m, const struct pa_zone *z, uint64_t pfn,
		       unsigned order)
{
	const struct pa_page *p = zpage(z, pfn);
	unsigned s = pg_state(p);

	if (s == PG_BUDDY || s == PG_PCP)
		return pg_order(p) >= order ? (int64_t)pfn : -1;
	if (s != PG_TAIL)
		return -1;
	for (unsigned o = order + 1; o < m->nr_orders; o++) {
		uint64_t h = pfn & ~(((uint64_t)1 << o) - 1);

		if (h < z->start)
			break;
		p = zpage(z, h);
		s = pg_state(p);
		if ((s == PG_BUDDY || s == PG_PCP) && pg_order(p) >= o)
			return (int64_t)h;
	}
	return -1;
}

static bool is_free_buddy(const struct pa_zone *z, uint64_t pfn, unsigned order)
{
	const struct pa_page *p;

	if (!zone_has(z, pfn))
		return false;
	p = zpage(z, pfn);
	return pg_state(p) == PG_BUDDY && pg_order(p) == order;
}

/* May the block at pfn merge with its buddy at order >= pageblock_order? */
static bool merge_allowed(const struct pa_model *m, int mt, int buddy_mt)
{
	if (mt == buddy_mt)
		return true;
	if (m->p->merge_type_check)
		return mt_mergeable(mt) && mt_mergeable(buddy_mt);
	return mt != PA_MT_ISOLATE && buddy_mt != PA_MT_ISOLATE;
}

/*
 * __free_one_page: merge upwards while the buddy is a free block of the
 * same order, then place at the tail when the next-higher buddy is free
 * (buddy_merge_likely: a merge two levels up is likely soon), else head.
 */
void free_one_page(struct pa_model *m, struct pa_zone *z, uint64_t pfn, unsigned order, int mt)
{
	uint64_t buddy = 0;
	bool tail = false;

	mark_tails(z, pfn, order);
	while (order < max_order(m)) {
		buddy = pfn ^ ((uint64_t)1 << order);
		if (!is_free_buddy(z, buddy, order))
			break;
		if (order >= m->pb_order) {
			int bmt = pb_get(m, z, buddy);

			if (!merge_allowed(m, mt, bmt))
				break;
			/* every pageblock of the buddy (change_pageblock_range,
			 * "change all pageblocks migrate type on coalescing") */
			if (m->p->merge_retype && bmt != mt)
				set_pageblock_range(m, z, buddy, order, mt);
		}
		buddy_del(m, z, buddy);
		/* both heads become tails; buddy_add below sets the merged head */
		pg_set_state(zpage(z, buddy), PG_TAIL);
		pg_set_state(zpage(z, pfn), PG_TAIL);
		pfn &= buddy;
		order++;
	}
	if (order + 1 < max_order(m)) {
		uint64_t higher = pfn & buddy;

		tail = is_free_buddy(z, higher ^ ((uint64_t)1 << (order + 1)), order + 1);
	}
	buddy_add(m, z, pfn, order, mt, tail);
}

/*
 * The buddy path of a free: 6.12+ cut blocks larger than a pageblock into
 * pageblocks, each freed with its own type (split_large_buddy); older
 * kernels free the block whole with the first pageblock's type.
 */
void free_block_pieces(struct pa_model *m, struct pa_zone *z, uint64_t pfn, unsigned order)
{
	uint64_t end = pfn + ((uint64_t)1 << order);

	if (!m->p->split_large_free || order <= m->pb_order) {
		free_one_page(m, z, pfn, order, pb_get(m, z, pfn));
		return;
	}
	for (; pfn < end; pfn += (uint64_t)1 << m->pb_order)
		free_one_page(m, z, pfn, m->pb_order, pb_get(m, z, pfn));
}

void set_pageblock_range(struct pa_model *m, struct pa_zone *z, uint64_t pfn, unsigned order,
			 int mt)
{
	uint64_t n = order >= m->pb_order ? (uint64_t)1 << (order - m->pb_order) : 1;
	uint64_t pb = pfn >> m->pb_order;

	for (uint64_t i = 0; i < n; i++) {
		uint64_t b = pb + i;

		if (b >= z->pb_base && b - z->pb_base < z->nr_pb)
			z->pb_mt[b - z->pb_base] = (uint8_t)mt;
	}
}

/*
 * Move every free block of the pageblock holding pfn to new_mt's lists,
 * ascending pfn. Pageblocks straddling the zone are left alone (-1).
 * The caller sets the pageblock type.
 */
int move_freepages_block(struct pa_model *m, struct pa_zone *z, uint64_t pfn, int old_mt,
			 int new_mt)
{
	uint64_t start = pfn & ~(((uint64_t)1 << m->pb_order) - 1);
	uint64_t end = start + ((uint64_t)1 << m->pb_order);
	int moved = 0;

	(void)old_mt;
	if (start < z->start || end > z->end)
		return -1;
	for (uint64_t q = start; q < end;) {
		struct pa_page *p = zpage(z, q);

		if (pg_state(p) != PG_BUDDY) {
			q++;
			continue;
		}
		unsigned o = pg_order(p);

		buddy_move(m, z, q, new_mt);
		q += (uint64_t)1 << o;
		moved += 1 << o;
	}
	return moved;
}
