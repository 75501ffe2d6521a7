/* SPDX-License-Identifier: MIT */
/*
 * compaction's fast_isolate_freepages, one call of it: the movable free
 * lists of orders cc->search_order down to 0, then cc->order - 1 down,
 * each walked from its tail for a block at or above low_pfn, else the
 * highest at or above min_pfn. Every list it walks far enough is rotated
 * (move_freelist_head) so the next search starts where this one stopped:
 * the blocks it looked at, the oldest tail-placed ones, go to the head,
 * where allocations take them next. That reordering of lists it isolated
 * nothing from is most of what the search changes.
 */
#include "allocator/model.h"
#include "allocator/types.h"

/* What the walk of one list found. */
struct list_walk {
	bool all_known;		/* each block looked at passed s->known */
	unsigned scanned;
	uint64_t page;		/* the block to isolate, or PA_PFN_NONE */
	uint64_t rotate_at;	/* where move_freelist_head cuts, or PA_PFN_NONE */
	bool preferred;		/* page is at or above low_pfn */
};

static struct list_walk walk_list(const struct pa_zone *z, const struct pa_list *l,
				  const struct pa_fast_search *s, unsigned *limit)
{
	struct list_walk w = { true, 0, PA_PFN_NONE, PA_PFN_NONE, false };
	uint64_t high = PA_PFN_NONE, last = PA_PFN_NONE;
	bool stopped = false;

	for (uint32_t off = l->tail; off != PA_NIL; off = z->pages[off].prev) {
		uint64_t pfn = z->start + off;

		w.scanned++;
		last = pfn;
		if (s->known && !s->known(s->known_ctx, pfn))
			w.all_known = false;
		if (pfn >= s->low_pfn) {
			w.page = w.rotate_at = pfn;
			w.preferred = true;
			return w;
		}
		if (pfn >= s->min_pfn && (high == PA_PFN_NONE || pfn > high)) {
			high = pfn;
			*limit >>= 1;	/* a candidate shortens the scan */
		}
		if (w.scanned >= *limit) {
			stopped = true;
			break;
		}
	}
	if (high != PA_PFN_NONE)
		w.page = w.rotate_at = high;
	else if (stopped)
		w.rotate_at = last;	/* a walk to the end leaves the list as it was */
	return w;
}

/* next_search_order: round robin, and a search that wraps around to where
 * it started moves the next search's start one order down. */
static int next_search_order(const struct pa_fast_search *s, unsigned *search_order, int order)
{
	if (--order < 0)
		order = (int)s->cc_order - 1;
	if (order == (int)*search_order) {
		*search_order = *search_order ? *search_order - 1 : s->cc_order - 1;
		return -1;
	}
	return order;
}

/* The cut of move_freelist_head in one step: the entries in front of pfn
 * follow the old tail, in order. */
static void rotate_to_head(struct pa_zone *z, struct pa_list *l, uint64_t pfn)
{
	uint32_t at = (uint32_t)(pfn - z->start), before = z->pages[at].prev;

	if (before == PA_NIL)
		return;
	z->pages[l->tail].next = l->head;
	z->pages[l->head].prev = l->tail;
	z->pages[before].next = PA_NIL;
	z->pages[at].prev = PA_NIL;
	l->head = at;
	l->tail = before;
}

int pa_free_list_rotate(struct pa_model *m, uint64_t pfn)
{
	int zone = pa_model_zone_of(m, pfn);
	struct pa_zone *z;
	const struct pa_page *p;

	if (zone < 0)
		return -1;
	z = &m->zones[zone];
	p = zpage(z, pfn);
	if (pg_state(p) != PG_BUDDY)
		return -1;
	rotate_to_head(z, &z->free[pg_order(p)][pg_lmt(p)], pfn);
	return 0;
}

static void search(struct pa_model *m, int zone, struct pa_fast_search *s, bool apply)
{
	struct pa_zone *z = &m->zones[zone];
	unsigned limit = s->limit, search_order = s->search_order;
	int order;

	if (search_order > s->cc_order - 1)
		search_order = s->cc_order - 1;
	s->scanned = 0;
	s->pfn = PA_PFN_NONE;
	s->preferred = false;
	for (order = (int)search_order; s->pfn == PA_PFN_NONE && order >= 0;
	     order = next_search_order(s, &search_order, order)) {
		struct pa_list *l;
		struct list_walk w;

		if ((unsigned)order >= m->nr_orders || !z->nr_free[order])
			continue;
		l = &z->free[order][PA_MT_MOVABLE];
		w = walk_list(z, l, s, &limit);
		s->scanned += w.scanned;
		if (apply && w.rotate_at != PA_PFN_NONE &&
		    (w.page != PA_PFN_NONE || (s->rotate_walked && w.all_known)))
			rotate_to_head(z, l, w.rotate_at);
		if (w.page != PA_PFN_NONE) {
			s->pfn = w.page;
			s->order = (unsigned)order;
			s->preferred = w.preferred;
			s->scanned += ((uint64_t)1 << order) - 1;
			if (w.preferred)
				search_order = (unsigned)order;
			if (apply && pa_isolate_free(m, w.page) < 0)
				s->pfn = PA_PFN_NONE;
		}
		if (w.scanned >= limit)
			limit = limit > 1 ? limit >> 1 : 1;
	}
	s->next_search_order = search_order;
}

void pa_fast_search_try(const struct pa_model *m, int zone, struct pa_fast_search *s)
{
	if (zone < 0 || (uint32_t)zone >= m->nr_zones || !s->cc_order) {
		s->scanned = 0;
		s->pfn = PA_PFN_NONE;
		return;
	}
	/* the walk only writes through m when asked to apply */
	search((struct pa_model *)m, zone, s, false);
}

void pa_fast_search_apply(struct pa_model *m, int zone, struct pa_fast_search *s)
{
	if (zone < 0 || (uint32_t)zone >= m->nr_zones || !s->cc_order) {
		s->scanned = 0;
		s->pfn = PA_PFN_NONE;
		return;
	}
	search(m, zone, s, true);
}
