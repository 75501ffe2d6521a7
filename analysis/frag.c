/* SPDX-License-Identifier: MIT */
/*
 * Fragmentation metrics of one zone. The two indices follow mm/vmstat.c
 * (fill_contig_page_info, unusable_free_index, __fragmentation_index):
 * integer arithmetic in thousandths, truncating divisions, same sentinels.
 */
#include "analysis/frag.h"

#include <string.h>

static uint64_t order_blocks(const struct pa_zone_state *zs, unsigned order)
{
	uint64_t n = 0;

	for (int mt = 0; mt < PA_NR_MIGRATETYPES; mt++)
		n += zs->free_blocks[order][mt];
	return n;
}

static unsigned clamp_orders(unsigned nr_orders)
{
	return nr_orders > PA_MAX_ORDERS ? PA_MAX_ORDERS : nr_orders;
}

void an_contig_info(const struct pa_zone_state *zs, unsigned nr_orders, unsigned order,
		    struct an_contig_info *out)
{
	memset(out, 0, sizeof(*out));
	nr_orders = clamp_orders(nr_orders);
	for (unsigned o = 0; o < nr_orders; o++) {
		uint64_t blocks = order_blocks(zs, o);

		out->free_blocks_total += blocks;
		out->free_pages += blocks << o;
		if (o >= order)
			out->free_blocks_suitable += blocks << (o - order);
	}
}

int an_unusable_index(const struct an_contig_info *info, unsigned order)
{
	uint64_t usable;

	if (info->free_pages == 0)
		return AN_INDEX_SCALE;
	usable = info->free_blocks_suitable << order;
	return (int)((info->free_pages - usable) * AN_INDEX_SCALE / info->free_pages);
}

int an_fragmentation_index(const struct an_contig_info *info, unsigned order)
{
	uint64_t requested, per_block;

	if (order >= 64 || info->free_blocks_total == 0)
		return 0;
	/* A suitable block exists: the request would not fail, no index. */
	if (info->free_blocks_suitable)
		return AN_FRAG_SENTINEL;
	requested = 1ULL << order;
	per_block = (AN_INDEX_SCALE + info->free_pages * AN_INDEX_SCALE / requested) /
		    info->free_blocks_total;
	return (int)((int64_t)AN_INDEX_SCALE - (int64_t)per_block);
}

unsigned an_thp_order(uint32_t page_size)
{
	unsigned order = 0;

	if (page_size == 0)
		return 0;
	while (((uint64_t)page_size << order) < (2ULL << 20))
		order++;
	return order;
}

/*
 * Would a movable 2 MiB allocation pass the fast path? It needs a block of
 * that order on a list a movable request may take from (its own, the
 * fallbacks Reclaimable and Unmovable, or CMA), and, as __zone_watermark_ok
 * demands, the free pages left after taking it, less the highatomic reserve
 * it may not touch, must stay above the low watermark with the current
 * boost. The zone description's wmark_low is /proc/zoneinfo's, which
 * includes the boost at capture time: that part is swapped for the boost
 * the model has now.
 */
static bool thp_possible(const struct pa_zone_state *zs, const struct pa_zone_desc *desc,
			 unsigned nr_orders, unsigned thp_order, uint64_t buddy_pages)
{
	static const int usable_mt[] = { PA_MT_MOVABLE, PA_MT_RECLAIMABLE,
					 PA_MT_UNMOVABLE, PA_MT_CMA };
	bool found = false;
	int64_t free_after, mark;

	for (unsigned o = thp_order; o < nr_orders && !found; o++)
		for (size_t i = 0; i < sizeof(usable_mt) / sizeof(usable_mt[0]); i++)
			if (zs->free_blocks[o][usable_mt[i]])
				found = true;
	if (!found || !desc)
		return found;
	free_after = (int64_t)buddy_pages - (int64_t)((1ULL << thp_order) - 1) -
		     (int64_t)zs->reserved_highatomic;
	mark = (int64_t)desc->wmark_low - (int64_t)desc->boost + (int64_t)zs->boost;
	return free_after > mark;
}

void an_frag_sample(const struct pa_zone_state *zs, const struct pa_zone_desc *desc,
		    unsigned nr_orders, unsigned thp_order, struct an_frag_sample *out)
{
	struct an_contig_info info;

	memset(out, 0, sizeof(*out));
	nr_orders = clamp_orders(nr_orders);
	out->nr_orders = nr_orders;
	out->largest_free_order = -1;
	memcpy(out->free_blocks, zs->free_blocks, sizeof(out->free_blocks));
	for (unsigned o = 0; o < nr_orders; o++) {
		an_contig_info(zs, nr_orders, o, &info);
		out->unusable[o] = an_unusable_index(&info, o);
		out->fragmentation[o] = an_fragmentation_index(&info, o);
		if (order_blocks(zs, o))
			out->largest_free_order = (int)o;
	}
	an_contig_info(zs, nr_orders, thp_order, &info);
	out->buddy_pages = info.free_pages;
	out->pcp_pages = zs->pcp_pages;
	out->thp_order = thp_order;
	out->thp_blocks = thp_order < nr_orders ? info.free_blocks_suitable : 0;
	out->fmfi = info.free_pages == 0 ? 1.0 :
		(double)(info.free_pages - (out->thp_blocks << thp_order)) /
		(double)info.free_pages;
	memcpy(out->pageblocks, zs->pageblocks, sizeof(out->pageblocks));
	out->mixed_pageblocks = zs->mixed_pageblocks;
	out->thp_ok = thp_order < nr_orders &&
		      thp_possible(zs, desc, nr_orders, thp_order, info.free_pages);
}
