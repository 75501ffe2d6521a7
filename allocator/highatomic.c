/* SPDX-License-Identifier: MIT */
/*
 * Highatomic reserves: a pageblock set aside after a high-order atomic
 * allocation, given back under pressure. Read from mm/page_alloc.c
 * reserve_highatomic_pageblock, unreserve_highatomic_pageblock
 * (4.4.178, 5.10.7, 6.18.2).
 */
#include "allocator/types.h"

void reserve_highatomic(struct pa_model *m, struct pa_zone *z, uint64_t pfn, unsigned order)
{
	int64_t pb = (int64_t)1 << m->pb_order;
	int64_t pct = (int64_t)(z->d.managed / 100), max;
	int mt = pb_get(m, z, pfn);

	if (m->p->wm == WM_K6) {
		/* 6.12+: nothing if 1% is below a pageblock; limit aligned up */
		if (pct < pb)
			return;
		max = (pct + pb - 1) / pb * pb;
		if (z->reserved_highatomic >= max || !mt_mergeable(mt))
			return;
		if (order < m->pb_order) {
			if (move_freepages_block(m, z, pfn, mt, PA_MT_HIGHATOMIC) < 0)
				return;
			set_pageblock_range(m, z, pfn, 0, PA_MT_HIGHATOMIC);
			z->reserved_highatomic += pb;
		} else {
			set_pageblock_range(m, z, pfn, order, PA_MT_HIGHATOMIC);
			z->reserved_highatomic += (int64_t)1 << order;
		}
		return;
	}
	max = pct + pb;
	if (z->reserved_highatomic >= max || mt == PA_MT_HIGHATOMIC || mt == PA_MT_ISOLATE ||
	    mt == PA_MT_CMA)
		return;
	z->reserved_highatomic += pb;
	set_pageblock_range(m, z, pfn, 0, PA_MT_HIGHATOMIC);
	move_freepages_block(m, z, pfn, mt, PA_MT_HIGHATOMIC);
}

/* One zone's part of unreserve_highatomic_pageblock; true if pages moved. */
bool unreserve_highatomic(struct pa_model *m, struct pa_zone *z, int mt, bool force)
{
	int64_t pb = (int64_t)1 << m->pb_order;

	if (!force && z->reserved_highatomic <= pb)
		return false;
	for (unsigned o = 0; o < m->nr_orders; o++) {
		int64_t h = list_first(&z->free[o][PA_MT_HIGHATOMIC]);
		int64_t size = m->p->wm == WM_K6 && ((int64_t)1 << o) > pb ? (int64_t)1 << o : pb;
		uint64_t pfn;
		int moved;

		if (h < 0)
			continue;
		pfn = z->start + (uint64_t)h;
		z->reserved_highatomic -= size < z->reserved_highatomic ? size :
					  z->reserved_highatomic;
		if (o >= m->pb_order && m->p->wm == WM_K6) {
			buddy_move(m, z, pfn, mt);
			set_pageblock_range(m, z, pfn, o, mt);
			return true;
		}
		set_pageblock_range(m, z, pfn, 0, mt);
		moved = move_freepages_block(m, z, pfn, PA_MT_HIGHATOMIC, mt);
		if (moved > 0 || m->p->wm == WM_K44)
			return true;
	}
	return false;
}

int pa_unreserve_highatomic(struct pa_model *m, int zone, int migratetype, bool force)
{
	if (zone < 0 || (uint32_t)zone >= m->nr_zones || migratetype < 0 ||
	    migratetype >= PA_PCPTYPES)
		return -1;
	return unreserve_highatomic(m, &m->zones[zone], migratetype, force) ? 1 : 0;
}
