/* SPDX-License-Identifier: MIT */
#include "allocator/types.h"

void pa_list_add_head(struct pa_zone *z, struct pa_list *l, uint32_t idx)
{
	struct pa_page *p = &z->pages[idx];

	p->prev = PA_NIL;
	p->next = l->head;
	if (l->head != PA_NIL)
		z->pages[l->head].prev = idx;
	else
		l->tail = idx;
	l->head = idx;
	l->count++;
}

void pa_list_add_tail(struct pa_zone *z, struct pa_list *l, uint32_t idx)
{
	struct pa_page *p = &z->pages[idx];

	p->next = PA_NIL;
	p->prev = l->tail;
	if (l->tail != PA_NIL)
		z->pages[l->tail].next = idx;
	else
		l->head = idx;
	l->tail = idx;
	l->count++;
}

void pa_list_del(struct pa_zone *z, struct pa_list *l, uint32_t idx)
{
	struct pa_page *p = &z->pages[idx];

	if (p->prev != PA_NIL)
		z->pages[p->prev].next = p->next;
	else
		l->head = p->next;
	if (p->next != PA_NIL)
		z->pages[p->next].prev = p->prev;
	else
		l->tail = p->prev;
	p->next = p->prev = PA_NIL;
	l->count--;
}
