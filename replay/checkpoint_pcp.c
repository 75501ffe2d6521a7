/* SPDX-License-Identifier: MIT */
/*
 * The model's pcp lists beside each checkpoint's per-cpu pagesets (captures
 * record zoneinfo's "count:" and "high:" per cpu and zone). Pages that leave
 * or join a pcp list without an event show up here first: the model's count
 * drifts from the kernel's while every traced block agrees.
 */
#include "replay/checkpoint_pcp.h"

#include <stdlib.h>

uint32_t rp_checkpoint_pcp_compare(const struct rp_translate *t, uint32_t nr_prt_zones,
				   const struct prt_checkpoint *cp,
				   const struct an_model_range *ranges, const struct pa_model *m,
				   const struct rp_pcp_before *before, struct an_checkpoint_pcp *rows,
				   uint32_t cap, struct rp_result *res)
{
	uint32_t n = 0;

	if (!cp->pcp_count)
		return 0;
	res->pcp_checkpoints++;
	for (uint32_t z = 0; z < nr_prt_zones && z < cp->nr_zones; z++) {
		int mz = t->zone_of_prt[z];

		for (uint32_t c = 0; mz >= 0 && c < cp->nr_cpus; c++) {
			struct pa_pcp_state now;
			struct an_checkpoint_pcp p;
			int64_t diff;

			if (pa_pcp_state(m, mz, c, &now) < 0 ||
			    an_checkpoint_pcp(cp, z, c, &now, ranges ? &ranges[mz] : NULL,
					      rp_pcp_before_pages(before, mz, c), &p) < 0 ||
			    p.kernel_count < 0)
				continue;
			res->pcp_checked++;
			res->pcp_count_agree += an_pcp_count_agrees(&p);
			res->pcp_high_agree += an_pcp_high_agrees(&p);
			diff = (int64_t)p.model_count - p.kernel_count;
			if (llabs(diff) > llabs(res->pcp_worst_diff))
				res->pcp_worst_diff = diff;
			if (n < cap)
				rows[n++] = p;
		}
	}
	return n;
}

void rp_checkpoint_pcp_resync_high(const struct rp_translate *t, uint32_t nr_prt_zones,
				   const struct prt_checkpoint *cp, struct pa_model *m)
{
	for (uint32_t z = 0; cp->pcp_high && z < nr_prt_zones && z < cp->nr_zones; z++) {
		int mz = t->zone_of_prt[z];

		for (uint32_t c = 0; mz >= 0 && c < cp->nr_cpus; c++) {
			int64_t high = cp->pcp_high[(size_t)z * cp->nr_cpus + c];

			if (high >= 0)
				pa_pcp_set_high(m, mz, c, (uint32_t)high);
		}
	}
}

void rp_checkpoint_pcp_resync_unseen(const struct rp_translate *t,
				     const struct an_checkpoint_pcp *rows, uint32_t n,
				     struct rp_pcp_before *before)
{
	for (uint32_t i = 0; i < n; i++) {
		const struct an_checkpoint_pcp *p = &rows[i];
		int mz = t->zone_of_prt[p->zone];
		int64_t over = (int64_t)p->model_count_min - p->kernel_count;

		if (mz >= 0 && p->kernel_count >= 0 && over > 0)
			rp_pcp_before_forget(before, mz, p->cpu, (uint64_t)over);
	}
}
