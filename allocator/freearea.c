/* SPDX-License-Identifier: MIT */
/*
 * Free lists: intrusive doubly linked lists through the per-pfn records,
 * with the kernel's head/tail discipline left to the callers. The head of
 * a list is what the kernel's list_first_entry returns.
 */
#include "allocator/types.h"

static uint32_t off(const struct pa_zone *z, uint64_t pfn) { return (uint32_t)(pfn - z->start); }

void list_add_head(struct pa_zone *z, struct pa_list *l, uint64_t pfn)
{
	uint32_t o = off(z, pfn);
	struct pa_page *p = &z->pages[o];

	p->prev = PA_NIL;
	p->next = l->head;
	if (l->head != PA_NIL)
		z->pages[l->head].prev = o;
	else
		l->tail = o;
	l->head = o;
	l->nr++;
}

void list_add_tail(struct pa_zone *z, struct pa_list *l, uint64_t pfn)
{
	uint32_t o = off(z, pfn);
	struct pa_page *p = &z->pages[o];

	p->next = PA_NIL;
	p->prev = l->tail;
	if (l->tail != PA_NIL)
		z->pages[l->tail].next = o;
	else
		l->head = o;
	l->tail = o;
	l->nr++;
}

void list_unlink(struct pa_zone *z, struct pa_list *l, uint64_t pfn)
{
	uint32_t o = off(z, pfn);
	struct pa_page *p = &z->pages[o];

	if (p->prev != PA_NIL)
		z->pages[p->prev].next = p->next;
	else
		l->head = p->next;
	if (p->next != PA_NIL)
		z->pages[p->next].prev = p->prev;
	else
		l->tail = p->prev;
	p->next = p->prev = PA_NIL;
	l->nr--;
}

int64_t list_first(const struct pa_list *l)
{
	return l->head == PA_NIL ? -1 : (int64_t)l->head;
}

/* NR_FREE_PAGES and its companions, as account_freepages keeps them. */
void account_free(struct pa_zone *z, int64_t nr, int mt)
{
	if (mt == PA_MT_ISOLATE)
		return;
	z->free_pages += nr;
	if (mt == PA_MT_CMA)
		z->free_cma += nr;
	else if (mt == PA_MT_HIGHATOMIC)
		z->free_highatomic += nr;
}

/* A block becomes a free buddy head on list (order, mt); counters follow. */
void buddy_add(struct pa_model *m, struct pa_zone *z, uint64_t pfn, unsigned order, int mt,
	       bool tail)
{
	struct pa_list *l = &z->free[order][mt];

	(void)m;
	pg_set(zpage(z, pfn), PG_BUDDY, order, (unsigned)mt, 0, 0);
	if (tail)
		list_add_tail(z, l, pfn);
	else
		list_add_head(z, l, pfn);
	z->nr_free[order]++;
	account_free(z, (int64_t)1 << order, mt);
}

/* Unlink a free head from its list; it becomes a plain (allocated) page. */
void buddy_del(struct pa_model *m, struct pa_zone *z, uint64_t pfn)
{
	struct pa_page *p = zpage(z, pfn);
	unsigned order = pg_order(p);
	int mt = (int)pg_lmt(p);

	(void)m;
	list_unlink(z, &z->free[order][mt], pfn);
	z->nr_free[order]--;
	account_free(z, -((int64_t)1 << order), mt);
	pg_set(p, PG_ALLOC, 0, 0, 0, 0);
}

/*
 * move_to_free_list: 5.10+ append at the tail so moved pages are not the
 * next ones handed out; 4.4's list_move puts them at the head.
 */
void buddy_move(struct pa_model *m, struct pa_zone *z, uint64_t pfn, int new_mt)
{
	struct pa_page *p = zpage(z, pfn);
	unsigned order = pg_order(p);
	int old_mt = (int)pg_lmt(p);

	list_unlink(z, &z->free[order][old_mt], pfn);
	account_free(z, -((int64_t)1 << order), old_mt);
	pg_set(p, PG_BUDDY, order, (unsigned)new_mt, 0, 0);
	if (m->p->move_to_tail)
		list_add_tail(z, &z->free[order][new_mt], pfn);
	else
		list_add_head(z, &z->free[order][new_mt], pfn);
	account_free(z, (int64_t)1 << order, new_mt);
}
