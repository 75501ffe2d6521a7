/* SPDX-License-Identifier: MIT */
/* Agreement broken down by migratetype, zone and gfp mask, for the summary. */
#include "replay/replay.h"

static void count(struct rp_tally *t, bool exact)
{
	t->allocations++;
	t->exact += exact;
}

static struct rp_tally *gfp_slot(struct rp_result *res, uint64_t gfp)
{
	for (uint32_t i = 0; i < res->nr_gfp; i++)
		if (res->by_gfp[i].gfp == gfp)
			return &res->by_gfp[i].t;
	if (res->nr_gfp == RP_TOP_GFP)
		return NULL;
	res->by_gfp[res->nr_gfp].gfp = gfp;
	return &res->by_gfp[res->nr_gfp++].t;
}

void rp_tally_allocation(struct rp_result *res, uint64_t gfp, int migratetype, int kernel_zone,
			 bool exact)
{
	struct rp_tally *g = gfp_slot(res, gfp);

	count(&res->by_mt[migratetype >= 0 && migratetype < PA_NR_MIGRATETYPES ? migratetype
									 : PA_NR_MIGRATETYPES],
	      exact);
	count(&res->by_zone[kernel_zone >= 0 && kernel_zone < RP_MAX_ZONES ? kernel_zone
									 : RP_MAX_ZONES],
	      exact);
	if (g)
		count(g, exact);
	else
		res->gfp_other++;
}
