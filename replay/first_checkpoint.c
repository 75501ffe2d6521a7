/* SPDX-License-Identifier: MIT */
/*
 * The first checkpoint is read just after the kpageflags scan, so its
 * pagetypeinfo counts are the kernel's free lists as the model's start map
 * should hold them. Where the model holds more blocks of an order than the
 * kernel, in a list the kernel shows shorter, initial blocks that no event
 * of the whole trace names are not free there: something no tracepoint
 * shows took them between the scan's read and the checkpoint, or they were
 * never on the lists. They are let go, so no later event can contradict
 * it. Seen on a fresh capture near the low watermark: 13 Unmovable order-2
 * and 21 Reclaimable order-0 blocks read free by the scan, on the kernel's
 * lists in the sample before it (15 and 46), gone from them by checkpoint
 * 1 (0 and 1) with no event of those orders and types in between and none
 * naming them in the whole trace; their 72 pages kept the model's Normal
 * zone above its min watermark where the kernel's was below, and the
 * kernel served 854 allocations from DMA32 that the model put in Normal.
 * The comparison is against the model's least count over the checkpoint's
 * pagetypeinfo read where the capture timed it, so a block freed during the
 * read does not count as an excess; and no more pages go than the model's
 * zone holds above the kernel's zoneinfo count: where the model is already
 * short, a longer list of the model's says another of its blocks is wrong,
 * not these (a fresh capture whose Normal zone the model had 149 pages
 * short lost 4 more blocks without that bound, its worst row 1.0 -> 1.2%).
 */
#include "analysis/checkpoint.h"
#include "replay/infer.h"
#include "replay/lockstep.h"
#include "replay/translate.h"

/* Let go of up to n initial, never-named blocks of (zone, order, mt), and
 * of no more than *pages pages. */
static uint64_t let_go(struct lockstep *ls, int zone, unsigned order, int mt, uint64_t n,
		       uint64_t *pages)
{
	const struct prt_header *h = ls->start;
	uint64_t done = 0;

	for (uint64_t i = 0; i < h->nr_free_blocks && done < n && *pages >= 1ULL << order; i++) {
		uint64_t pfn = h->free_blocks[i].pfn;
		unsigned o;

		if (h->free_blocks[i].order != order || pa_model_zone_of(ls->m, pfn) != zone ||
		    pa_free_block_of(ls->m, pfn, &o) != pfn || o != order ||
		    pa_free_block_mt(ls->m, pfn) != mt || !rp_unsettled_has(&ls->unsettled, pfn) ||
		    rp_named(ls->named, h, pfn, order) || pa_drop_free(ls->m, pfn) < 0)
			continue;
		pa_model_mark_unknown(ls->m, pfn, order);
		*pages -= 1ULL << order;
		done++;
	}
	return done;
}

static void reconcile_order(struct lockstep *ls, const struct prt_checkpoint *cp, uint32_t pz,
			    int zone, unsigned order, uint64_t model[PA_MAX_ORDERS][PA_NR_MIGRATETYPES],
			    uint64_t *pages)
{
	int64_t kernel[PA_NR_MIGRATETYPES], excess = 0;
	unsigned types;

	for (int mt = 0; mt < PA_NR_MIGRATETYPES; mt++) {
		if ((kernel[mt] = rp_checkpoint_blocks(ls->t, cp, pz, order, mt, &types)) < 0)
			return;
		excess += (int64_t)model[order][mt] - kernel[mt];
	}
	for (int mt = 0; mt < PA_NR_MIGRATETYPES && excess > 0; mt++) {
		int64_t over = (int64_t)model[order][mt] - kernel[mt];

		if (over > 0) {
			uint64_t n = let_go(ls, zone, order, mt,
					    (uint64_t)(over < excess ? over : excess), pages);

			excess -= (int64_t)n;
			ls->res->blocks_gone_by_first_checkpoint += n;
		}
	}
}

/*
 * The other way: blocks of pageblock order and up that the kernel's lists
 * have at checkpoint 1 and the model's lack, where the capture found blocks
 * off the lists while it scanned (capture/kpageflags.c): free page
 * reporting's batch then, over by now, so those blocks are back. Which of
 * them is a guess the counts bound, the highest pfns first: a few blocks
 * sit flag-less in every capture of this host at each zone's low end (in
 * use, never free). On two fresh captures the model stood 22,528 and
 * 36,352 pages under at every checkpoint without it (0.40% and 0.65%).
 */
static void take_back_out_blocks(struct lockstep *ls, const struct prt_checkpoint *cp,
				 uint32_t pz, int zone, uint64_t pages)
{
	const struct prt_header *h = ls->start;
	uint64_t model[PA_MAX_ORDERS][PA_NR_MIGRATETYPES];
	unsigned types;

	for (unsigned o = cp->nr_orders; o-- > ls->t->topo.pageblock_order;) {
		int64_t short_by = 0, k;

		if (o >= PA_MAX_ORDERS || pa_zone_free_blocks(ls->m, zone, model) < 0)
			continue;
		for (int mt = 0; mt < PA_NR_MIGRATETYPES; mt++) {
			if ((k = rp_checkpoint_blocks(ls->t, cp, pz, o, mt, &types)) < 0)
				return;
			short_by += k - (int64_t)model[o][mt];
		}
		for (uint64_t i = h->nr_out_blocks; i-- > 0 && short_by > 0 && pages >> o;) {
			const struct prt_out_block *b = &h->out_blocks[i];

			if (b->order != o || pa_model_zone_of(ls->m, b->pfn) != zone ||
			    pa_free_block_of(ls->m, b->pfn, NULL) != PA_PFN_NONE)
				continue;
			pa_model_mark_known(ls->m, b->pfn, o);
			if (pa_putback_isolated(ls->m, b->pfn, o) < 0)
				continue;
			pa_free_block_mark_reported(ls->m, b->pfn, o);
			short_by--;
			pages -= 1ULL << o;
			ls->res->blocks_back_by_first_checkpoint++;
		}
	}
}

/* In each zone whose zoneinfo count the model's is under. */
static void take_back_where_short(struct lockstep *ls, const struct prt_checkpoint *cp)
{
	if (!cp || !cp->free_blocks || !cp->free_pages || !ls->start->nr_out_blocks)
		return;
	for (uint32_t pz = 0; pz < cp->nr_zones && pz < ls->start->nr_zones; pz++) {
		int zone = ls->t->zone_of_prt[pz];
		int64_t model_pages = zone >= 0 ? pa_zone_nr_free_pages(ls->m, zone) : -1;

		if (model_pages >= 0 && cp->free_pages[pz] > model_pages)
			take_back_out_blocks(ls, cp, pz, zone,
					     (uint64_t)(cp->free_pages[pz] - model_pages));
	}
}

void ls_first_checkpoint(struct lockstep *ls, const struct prt_checkpoint *cp,
			 const struct an_model_range *ranges)
{
	take_back_where_short(ls, cp);
	if (!cp || !cp->free_blocks || !ls->named || !ls->start->nr_free_blocks)
		return;
	for (uint32_t pz = 0; pz < cp->nr_zones && pz < ls->start->nr_zones; pz++) {
		int zone = ls->t->zone_of_prt[pz];
		uint64_t model[PA_MAX_ORDERS][PA_NR_MIGRATETYPES], model_pages, pages;

		if (zone < 0 || !cp->free_pages || cp->free_pages[pz] < 0 ||
		    pa_zone_free_blocks(ls->m, zone, model) < 0)
			continue;
		model_pages = an_model_least(ranges ? &ranges[zone] : NULL, model);
		if (model_pages <= (uint64_t)cp->free_pages[pz])
			continue;
		pages = model_pages - (uint64_t)cp->free_pages[pz];
		for (unsigned o = 0; o < cp->nr_orders && o < PA_MAX_ORDERS; o++)
			reconcile_order(ls, cp, pz, zone, o, model, &pages);
	}
}
