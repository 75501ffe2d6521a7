/* SPDX-License-Identifier: MIT */
/*
 * Free pages taken off the buddy lists with no allocation event: the
 * compaction free scanner (__isolate_free_page). Its pages become migration
 * targets or come back through __free_pages, which is traced.
 */
#include "allocator/model.h"
#include "allocator/types.h"

int pa_isolate_free(struct pa_model *m, uint64_t pfn)
{
	struct pa_zone *z = zone_of(m, pfn);
	struct pa_page *p;
	unsigned order;
	int mt;

	if (!z)
		return -1;
	p = zpage(z, pfn);
	if (pg_state(p) != PG_BUDDY)
		return -1;
	order = pg_order(p);
	mt = (int)pg_lmt(p);
	buddy_del(m, z, pfn);
	mark_alloc(m, z, pfn, order, PA_MT_MOVABLE);
	/* a block of at least half a pageblock makes its pageblocks movable,
	 * unless they are isolated or reserved */
	if (order + 1 >= m->pb_order && mt != PA_MT_ISOLATE && mt != PA_MT_HIGHATOMIC &&
	    mt != PA_MT_CMA && mt != PA_MT_MOVABLE)
		for (uint64_t q = pfn; q < pfn + ((uint64_t)1 << order); q += (uint64_t)1 << m->pb_order)
			pa_model_set_pageblock_mt(m, q, PA_MT_MOVABLE);
	return (int)order;
}
