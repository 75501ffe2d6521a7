/* SPDX-License-Identifier: MIT */
/*
 * The buddy lists of one zone: adding and removing free blocks, freeing
 * with merging (__free_one_page), taking an exact block out of a larger one
 * (what expand() leaves), and __rmqueue_smallest.
 *
 * Behaviour read from mm/page_alloc.c of 6.18 (the linux-6 profile):
 * - expand() keeps the low half and puts each upper half at the head of
 *   its order's list (__add_to_free_list(..., tail=false));
 * - a freed block merges with its buddy while the buddy is a free block of
 *   the same order; at or above pageblock order only if both pageblocks
 *   are of mergeable types (< MIGRATE_PCPTYPES) or equal, and the merged
 *   range adopts the freed block's type;
 * - the merged block goes to the tail of its list when the buddy of the
 *   next-larger block is free (buddy_merge_likely: it is likely to merge
 *   soon, so it should not be handed out first), except at the two highest
 *   orders; otherwise to the head.
 */
#include "allocator/types.h"

void pa_buddy_add(struct pa_zone *z, uint32_t idx, unsigned order, int mt, bool tail)
{
	struct pa_page *p = &z->pages[idx];

	p->state = PS_BUDDY;
	p->order = (uint8_t)order;
	p->mt = (uint8_t)mt;
	if (tail)
		pa_list_add_tail(z, &z->free[order][mt], idx);
	else
		pa_list_add_head(z, &z->free[order][mt], idx);
	z->free_pages += 1ULL << order;
}

void pa_buddy_del(struct pa_zone *z, uint32_t idx)
{
	struct pa_page *p = &z->pages[idx];

	pa_list_del(z, &z->free[p->order][p->mt], idx);
	z->free_pages -= 1ULL << p->order;
	p->state = PS_ALLOCATED;
}

static bool is_free_block(const struct pa_zone *z, uint64_t idx, unsigned order)
{
	return idx < z->desc.spanned && z->pages[idx].state == PS_BUDDY &&
	       z->pages[idx].order == order;
}

static bool mergeable(int mt)
{
	return mt < PA_PCPTYPES;
}

static void set_pageblocks(const struct pa_model *m, struct pa_zone *z, uint32_t idx,
			   unsigned order, int mt)
{
	uint64_t per = 1ULL << m->pageblock_order;
	uint64_t first = (z->start + idx - z->pb_first) / per;
	uint64_t n = order >= m->pageblock_order ? 1ULL << (order - m->pageblock_order) : 1;

	for (uint64_t b = 0; b < n; b++)
		z->pb_mt[first + b] = (int8_t)mt;
}

void pa_buddy_free(const struct pa_model *m, struct pa_zone *z, uint32_t idx, unsigned order,
		   int mt)
{
	unsigned max = m->nr_orders - 1;
	bool tail = false;

	while (order < max) {
		uint64_t buddy = (uint64_t)idx ^ (1ULL << order);

		if (!is_free_block(z, buddy, order))
			break;
		if (order >= m->pageblock_order) {
			int bmt = pa_pageblock_mt(m, z, (uint32_t)buddy);

			if (bmt != mt && (!mergeable(mt) || !mergeable(bmt)))
				break;
			if (bmt != mt)
				set_pageblocks(m, z, (uint32_t)buddy, order, mt);
		}
		pa_buddy_del(z, (uint32_t)buddy);
		idx &= (uint32_t)buddy;
		order++;
	}
	if (order + 2 < m->nr_orders) {
		uint64_t higher = (uint64_t)idx & ~((2ULL << order) - 1);
		uint64_t higher_buddy = higher ^ (2ULL << order);

		tail = is_free_block(z, higher_buddy, order + 1);
	}
	pa_buddy_add(z, idx, order, mt, tail);
}

uint32_t pa_buddy_find(const struct pa_model *m, const struct pa_zone *z, uint32_t idx)
{
	for (unsigned o = 0; o < m->nr_orders; o++) {
		uint32_t head = idx & ~((1u << o) - 1);
		const struct pa_page *p = &z->pages[head];

		if (p->state == PS_BUDDY && p->order >= o && idx < head + (1u << p->order))
			return head;
	}
	return PA_NIL;
}

void pa_buddy_take(const struct pa_model *m, struct pa_zone *z, uint32_t head, uint32_t idx,
		   unsigned order, int mt)
{
	unsigned k = z->pages[head].order;

	if (mt < 0)
		mt = z->pages[head].mt;

	(void)m;
	pa_buddy_del(z, head);
	while (k > order) {
		uint32_t half;

		k--;
		half = 1u << k;
		if (idx >= head + half) {
			pa_buddy_add(z, head, k, mt, false);
			head += half;
		} else {
			pa_buddy_add(z, head + half, k, mt, false);
		}
	}
}

/* __rmqueue_smallest: the smallest order >= `order` with a block of `mt`. */
static uint32_t smallest(const struct pa_model *m, const struct pa_zone *z, unsigned order, int mt)
{
	for (unsigned o = order; o < m->nr_orders; o++)
		if (z->free[o][mt].head != PA_NIL)
			return z->free[o][mt].head;
	return PA_NIL;
}

uint32_t pa_rmqueue_peek(const struct pa_model *m, const struct pa_zone *z, unsigned order,
			 int mt, struct pa_prediction *why)
{
	uint32_t head = smallest(m, z, order, mt);

	if (why)
		why->path = head != PA_NIL ? PA_PATH_BUDDY : PA_PATH_NONE;
	return head;
}

uint32_t pa_rmqueue(const struct pa_model *m, struct pa_zone *z, unsigned order, int mt)
{
	uint32_t head = smallest(m, z, order, mt);

	if (head != PA_NIL)
		pa_buddy_take(m, z, head, head, order, -1);
	return head;
}
