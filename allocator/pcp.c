/* SPDX-License-Identifier: MIT */
/*
 * Per-cpu page lists (6.12+, as on 6.18): orders 0..PAGE_ALLOC_COSTLY_ORDER
 * each with one list per pcp migratetype, and two lists for pageblock-order
 * (THP) blocks, movable and not. Blocks are freed to the head; a refill
 * (rmqueue_bulk) appends to the tail in the order the buddy lists gave
 * them; allocation takes the head; a drain (free_pcppages_bulk) takes from
 * the tails, visiting lists round robin starting after the list of the
 * block whose free pushed the count over `high`, and empties a list's
 * share before moving on.
 */
#include "allocator/types.h"

bool pa_pcp_order(const struct pa_model *m, unsigned order)
{
	return order <= PA_COSTLY_ORDER || order == m->pageblock_order;
}

int pa_pcp_index(const struct pa_model *m, unsigned order, int mt)
{
	if (order > PA_COSTLY_ORDER) {
		(void)m;
		return PA_PCPTYPES * (PA_COSTLY_ORDER + 1) + (mt == PA_MT_MOVABLE);
	}
	return (int)order * PA_PCPTYPES + mt;
}

static unsigned pindex_order(const struct pa_model *m, int pindex)
{
	return pindex >= PA_PCPTYPES * (PA_COSTLY_ORDER + 1) ? m->pageblock_order
							     : (unsigned)pindex / PA_PCPTYPES;
}

int pa_pageblock_mt(const struct pa_model *m, const struct pa_zone *z, uint32_t idx)
{
	return z->pb_mt[(z->start + idx - z->pb_first) >> m->pageblock_order];
}

void pa_pcp_add(const struct pa_model *m, struct pa_zone *z, uint32_t cpu, uint32_t idx,
		unsigned order, int mt, bool tail)
{
	struct pa_page *p = &z->pages[idx];
	struct pa_pcp *pcp = &z->pcp[cpu];
	int pindex = pa_pcp_index(m, order, mt);

	p->state = PS_PCP;
	p->order = (uint8_t)order;
	p->mt = (uint8_t)mt;
	p->cpu = (uint16_t)cpu;
	if (tail)
		pa_list_add_tail(z, &pcp->lists[pindex], idx);
	else
		pa_list_add_head(z, &pcp->lists[pindex], idx);
	pcp->count += 1ULL << order;
}

void pa_pcp_del(const struct pa_model *m, struct pa_zone *z, uint32_t idx)
{
	struct pa_page *p = &z->pages[idx];
	struct pa_pcp *pcp = &z->pcp[p->cpu];

	pa_list_del(z, &pcp->lists[pa_pcp_index(m, p->order, p->mt)], idx);
	pcp->count -= 1ULL << p->order;
	p->state = PS_ALLOCATED;
}

/* The block the next drain of this pcp takes, or PA_NIL if it is empty. */
uint32_t pa_pcp_next_drain(const struct pa_model *m, const struct pa_zone *z, uint32_t cpu)
{
	const struct pa_pcp *pcp = &z->pcp[cpu];
	int p = pcp->drain_cursor;

	(void)m;
	if (pcp->draining && pcp->lists[p].tail != PA_NIL)
		return pcp->lists[p].tail;
	for (int i = 1; i <= PA_NR_PCP_LISTS; i++) {
		int q = (p + i) % PA_NR_PCP_LISTS;

		if (pcp->lists[q].tail != PA_NIL)
			return pcp->lists[q].tail;
	}
	return PA_NIL;
}

unsigned pa_pcp_block_order(const struct pa_model *m, int pindex)
{
	return pindex_order(m, pindex);
}
