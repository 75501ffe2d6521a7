/* SPDX-License-Identifier: MIT */
/*
 * Making the model agree with what the kernel reported: an allocation of an
 * exact block, a free, a pcp refill or drain. Each finds the block wherever
 * the model has it and says where that was, so replay can tell agreement
 * from desync.
 */
#include "allocator/types.h"

struct located {
	struct pa_zone *z;
	uint32_t idx;
};

static bool locate(struct pa_model *m, uint64_t pfn, unsigned order, struct located *at)
{
	int zi = pa_model_zone_of(m, pfn);

	if (zi < 0 || order >= m->nr_orders || pfn + (1ULL << order) > m->zones[zi].end)
		return false;
	at->z = &m->zones[zi];
	at->idx = (uint32_t)(pfn - at->z->start);
	return true;
}

/* Mark the block allocated with its mobility (for mixed-block counts). */
static void mark_allocated(struct pa_zone *z, uint32_t idx, unsigned order, int mt)
{
	for (uint32_t i = idx; i < idx + (1u << order); i++) {
		z->pages[i].state = PS_ALLOCATED;
		z->pages[i].mt = (uint8_t)(mt >= 0 && mt < PA_NR_MIGRATETYPES ? mt : 0);
	}
}

/* Remove the block from wherever it is free; where it was. */
static enum pa_apply_result take_block(struct pa_model *m, struct pa_zone *z, uint32_t cpu,
				       uint32_t idx, unsigned order)
{
	struct pa_page *p = &z->pages[idx];
	uint32_t head;

	if (p->state == PS_PCP) {
		bool mine = p->cpu == cpu;
		unsigned held = p->order;
		int mt = p->mt;

		pa_pcp_del(m, z, idx);
		if (held > order) {	/* a larger cached block: the rest goes to buddy */
			pa_buddy_add(z, idx, held, mt, false);
			pa_buddy_take(m, z, idx, idx, order, -1);
		}
		return mine ? PA_APPLY_FROM_PCP : PA_APPLY_FROM_OTHER_PCP;
	}
	head = pa_buddy_find(m, z, idx);
	if (head != PA_NIL && idx + (1u << order) <= head + (1u << z->pages[head].order)) {
		pa_buddy_take(m, z, head, idx, order, -1);
		return PA_APPLY_FROM_BUDDY;
	}
	return p->state == PS_UNKNOWN ? PA_APPLY_UNKNOWN : PA_APPLY_NOT_FREE;
}

enum pa_apply_result pa_apply_alloc(struct pa_model *m, uint32_t cpu, uint64_t pfn,
				    unsigned order, int migratetype)
{
	struct located at;
	enum pa_apply_result r;

	if (!locate(m, pfn, order, &at))
		return PA_APPLY_OUTSIDE;
	r = take_block(m, at.z, cpu, at.idx, order);
	mark_allocated(at.z, at.idx, order, migratetype);
	return r;
}

static bool block_is_free(struct pa_model *m, struct pa_zone *z, uint32_t idx)
{
	return z->pages[idx].state == PS_PCP || z->pages[idx].state == PS_BUDDY ||
	       pa_buddy_find(m, z, idx) != PA_NIL;
}

enum pa_free_result pa_free(struct pa_model *m, uint32_t cpu, uint64_t pfn, unsigned order)
{
	struct located at;
	int pbmt;

	if (!locate(m, pfn, order, &at) || cpu >= m->nr_cpus)
		return PA_FREE_OUTSIDE;
	if (block_is_free(m, at.z, at.idx))
		return PA_FREE_NOT_ALLOCATED;
	pbmt = pa_pageblock_mt(m, at.z, at.idx);
	if (pa_pcp_order(m, order) && pbmt != PA_MT_ISOLATE) {
		int mt = pbmt < PA_PCPTYPES ? pbmt : PA_MT_MOVABLE;
		struct pa_pcp *pcp = &at.z->pcp[cpu];

		pa_pcp_add(m, at.z, cpu, at.idx, order, mt, false);
		pcp->drain_cursor = pa_pcp_index(m, order, mt);
		pcp->draining = false;
		return PA_FREE_TO_PCP;
	}
	pa_buddy_free(m, at.z, at.idx, order, pbmt);
	return PA_FREE_TO_BUDDY;
}

enum pa_apply_result pa_pcp_refill(struct pa_model *m, uint32_t cpu, uint64_t pfn,
				   unsigned order, int migratetype)
{
	struct located at;
	enum pa_apply_result r;
	int mt = migratetype >= 0 && migratetype < PA_PCPTYPES ? migratetype : PA_MT_MOVABLE;

	if (!locate(m, pfn, order, &at) || cpu >= m->nr_cpus)
		return PA_APPLY_OUTSIDE;
	r = take_block(m, at.z, cpu, at.idx, order);
	pa_pcp_add(m, at.z, cpu, at.idx, order, mt, true);
	return r;
}

int pa_pcp_drain(struct pa_model *m, uint32_t cpu, uint64_t pfn, unsigned order, int migratetype)
{
	struct located at;
	struct pa_page *p;
	int desync = 0;

	(void)migratetype;	/* 6.12+ re-reads the pageblock's type at drain */
	if (!locate(m, pfn, order, &at) || cpu >= m->nr_cpus)
		return -1;
	p = &at.z->pages[at.idx];
	if (p->state == PS_PCP && p->order == order) {
		struct pa_pcp *pcp = &at.z->pcp[p->cpu];

		pcp->drain_cursor = pa_pcp_index(m, order, p->mt);
		pcp->draining = true;
		pa_pcp_del(m, at.z, at.idx);
	} else if (block_is_free(m, at.z, at.idx)) {
		return 1;	/* already free in the model: nothing to move */
	} else {
		desync = 1;	/* allocated in the model; the kernel says it was cached */
	}
	pa_buddy_free(m, at.z, at.idx, order, pa_pageblock_mt(m, at.z, at.idx));
	return desync;
}

uint64_t pa_predict_refill(const struct pa_model *m, uint32_t cpu, int zone, unsigned order,
			   int migratetype)
{
	const struct pa_zone *z;
	uint32_t idx;

	(void)cpu;
	if (zone < 0 || (uint32_t)zone >= m->nr_zones || order >= m->nr_orders ||
	    migratetype < 0 || migratetype >= PA_PCPTYPES)
		return PA_PFN_NONE;
	z = &m->zones[zone];
	idx = pa_rmqueue_peek(m, z, order, migratetype, NULL);
	if (idx == PA_NIL)
		idx = pa_fallback_peek(m, z, order, migratetype, false, NULL);
	return idx == PA_NIL ? PA_PFN_NONE : pa_pfn(z, idx);
}

uint64_t pa_predict_drain(const struct pa_model *m, uint32_t cpu, int zone)
{
	const struct pa_zone *z;
	uint32_t idx;

	if (zone < 0 || (uint32_t)zone >= m->nr_zones || cpu >= m->nr_cpus)
		return PA_PFN_NONE;
	z = &m->zones[zone];
	idx = pa_pcp_next_drain(m, z, cpu);
	return idx == PA_NIL ? PA_PFN_NONE : pa_pfn(z, idx);
}
