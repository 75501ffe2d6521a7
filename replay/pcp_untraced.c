/* SPDX-License-Identifier: MIT */
/*
 * A pcp list that grew with no event. On the first capture with pagesets
 * (page-cache-pcp) cpu 1's Normal list grew from 974 to 1,148 pages between
 * two checkpoints 0.1 s apart while cpu 1 traced one allocation, and no
 * event on any cpu named the pages; from then on the model's Normal buddy
 * count stood 171-183 pages over the kernel's, its pagetypeinfo lists
 * longer by 63 Reclaimable order-0 and 15 order-2 blocks: the shape of
 * refills (a batch of 63, of 15 order-2 blocks). Where a checkpoint shows
 * both, a cpu's list longer than the model's and the model's buddy lists
 * longer than the kernel's, the blocks the model has over the kernel's
 * lists go onto that cpu's, from their lists' heads as a refill takes them,
 * up to the smaller of the two differences. Which blocks is a guess the
 * counts bound; no later event has named them on that trace.
 */
#include "analysis/checkpoint.h"
#include "replay/lockstep.h"
#include "replay/translate.h"

/* Below this many pages a list's difference is the read's timing: zoneinfo
 * reads each cpu's count at one moment while the model's range is over the
 * whole read, and a pageset changes by a block at a time. */
#define PCP_UNTRACED_MIN 32

/* Pages cpu's list holds in the kernel over the most the model held. */
static int64_t list_surplus(const struct lockstep *ls, const struct prt_checkpoint *cp,
			    uint32_t pz, int zone, uint32_t cpu, const struct an_model_range *range)
{
	struct pa_pcp_state now;
	struct an_checkpoint_pcp p;

	if (pa_pcp_state(ls->m, zone, cpu, &now) < 0 ||
	    an_checkpoint_pcp(cp, pz, cpu, &now, range, rp_pcp_before_pages(&ls->pcp_before, zone, cpu),
			      &p) < 0 || p.kernel_count < 0)
		return 0;
	return p.kernel_count - (int64_t)p.model_count_max;
}

/* Move up to *budget pages of (order, mt) blocks the model's list has over
 * the kernel's onto cpu's pcp list (cp NULL: all of them, the cells not
 * asked). */
static void move_excess(struct lockstep *ls, const struct prt_checkpoint *cp, uint32_t pz,
			int zone, uint32_t cpu, unsigned order, int mt, uint64_t model_blocks,
			int64_t *budget)
{
	uint64_t pfns[64];
	unsigned types, n;
	int64_t kernel = cp ? rp_checkpoint_blocks(ls->t, cp, pz, order, mt, &types) : 0, over;

	if (kernel < 0 || (over = (int64_t)model_blocks - kernel) <= 0)
		return;
	if (over > *budget >> order)
		over = *budget >> order;
	/* 64 at a time, while the list's head moves */
	for (unsigned moved = 1; over > 0 && moved; over -= moved) {
		n = pa_free_list_heads(ls->m, zone, order, mt, pfns, over < 64 ? (unsigned)over : 64);
		moved = 0;
		for (unsigned i = 0; i < n; i++) {
			ls_settle_block_of(ls, pfns[i], order);
			if (pa_pcp_refill(ls->m, cpu, pfns[i], order, mt) != PA_APPLY_FROM_BUDDY)
				continue;
			moved++;
			*budget -= 1LL << order;
			ls->res->pcp_untraced_pages += 1ULL << order;
		}
	}
}

/*
 * The blocks the cells show over the kernel's, order by order; then, where
 * both counts still say more went (pagetypeinfo is read before zoneinfo,
 * by milliseconds), the rest from the head of the order-0 list of the
 * migratetype that gave the most. (page-cache-batches: cpu 0's Normal list
 * 41 pages over the model's and the model's buddy lists 156 over the
 * kernel's from checkpoint 10 on, two zone rows past 1%, before the rest
 * was taken; page-cache-pcp: 48 on cpu 1, its refills 99.84 -> 99.80%.)
 */
static void take_by_cells(struct lockstep *ls, const struct prt_checkpoint *cp, uint32_t pz,
			  int zone, uint32_t cpu, uint64_t model[PA_MAX_ORDERS][PA_NR_MIGRATETYPES],
			  int64_t *budget)
{
	int most_mt = -1;
	int64_t most = 0;

	for (unsigned o = 0; o < cp->nr_orders && o < PA_MAX_ORDERS && *budget > 0; o++)
		for (int mt = 0; pa_pcp_order(ls->m, o) && mt < PA_MT_HIGHATOMIC && *budget > 0; mt++) {
			int64_t was = *budget;

			move_excess(ls, cp, pz, zone, cpu, o, mt, model[o][mt], budget);
			if (was - *budget > most) {
				most = was - *budget;
				most_mt = mt;
			}
		}
	if (most_mt >= 0 && *budget >= PCP_UNTRACED_MIN &&
	    pa_zone_free_blocks(ls->m, zone, model) == 0)
		move_excess(ls, NULL, pz, zone, cpu, 0, most_mt, model[0][most_mt], budget);
}

static void take_onto_grown_lists(struct lockstep *ls, const struct prt_checkpoint *cp,
				  uint32_t pz, int zone, const struct an_model_range *range)
{
	uint64_t model[PA_MAX_ORDERS][PA_NR_MIGRATETYPES];
	int64_t excess;

	if (pa_zone_free_blocks(ls->m, zone, model) < 0)
		return;
	excess = (int64_t)an_model_least(range, model) - cp->free_pages[pz];
	for (uint32_t c = 0; c < cp->nr_cpus && excess >= PCP_UNTRACED_MIN; c++) {
		int64_t surplus = list_surplus(ls, cp, pz, zone, c, range), budget, before;

		if (surplus < PCP_UNTRACED_MIN)
			continue;
		budget = before = surplus < excess ? surplus : excess;
		take_by_cells(ls, cp, pz, zone, c, model, &budget);
		excess -= before - budget;
	}
}

void ls_pcp_untraced(struct lockstep *ls, const struct prt_checkpoint *cp,
		     const struct an_model_range *ranges)
{
	if (!cp->pcp_count || !cp->free_pages || !cp->free_blocks)
		return;
	for (uint32_t pz = 0; pz < cp->nr_zones && pz < ls->start->nr_zones; pz++) {
		int zone = ls->t->zone_of_prt[pz];

		if (zone >= 0 && cp->free_pages[pz] >= 0)
			take_onto_grown_lists(ls, cp, pz, zone, ranges ? &ranges[zone] : NULL);
	}
}
