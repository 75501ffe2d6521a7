/* SPDX-License-Identifier: MIT */
/*
 * A checkpoint's per-cpu pagesets beside the model's pcp lists. zoneinfo
 * prints each cpu's pcp->count and pcp->high, read once without the pcp
 * lock while the file is produced, so the model agrees where it held the
 * same value at some moment of the read.
 */
#include "analysis/checkpoint.h"

#include <string.h>

static uint32_t nearest32(int64_t kernel, uint32_t lo, uint32_t hi, uint32_t now)
{
	if (kernel < 0)
		return now;
	if (kernel < (int64_t)lo)
		return lo;
	return kernel > (int64_t)hi ? hi : (uint32_t)kernel;
}

int an_checkpoint_pcp(const struct prt_checkpoint *cp, uint32_t zone, uint32_t cpu,
		      const struct pa_pcp_state *now, const struct an_model_range *range,
		      uint32_t unseen, struct an_checkpoint_pcp *out)
{
	size_t at = (size_t)zone * cp->nr_cpus + cpu;
	bool window = range && range->pcp_count_min;

	if (!cp->pcp_count || !cp->pcp_high || zone >= cp->nr_zones || cpu >= cp->nr_cpus)
		return -1;
	memset(out, 0, sizeof(*out));
	out->zone = zone;
	out->cpu = cpu;
	out->kernel_count = cp->pcp_count[at];
	out->kernel_high = cp->pcp_high[at];
	out->model_unseen = unseen;
	out->model_count_min = (window ? range->pcp_count_min[cpu] : now->count) + unseen;
	out->model_count_max = (window ? range->pcp_count_max[cpu] : now->count) + unseen;
	out->model_high_min = window ? range->pcp_high_min[cpu] : now->high;
	out->model_high_max = window ? range->pcp_high_max[cpu] : now->high;
	out->model_count = nearest32(out->kernel_count, out->model_count_min,
				     out->model_count_max, now->count + unseen);
	out->model_high = nearest32(out->kernel_high, out->model_high_min, out->model_high_max,
				    now->high);
	return 0;
}

bool an_pcp_count_agrees(const struct an_checkpoint_pcp *p)
{
	return p->kernel_count >= 0 && p->kernel_count == (int64_t)p->model_count;
}

bool an_pcp_high_agrees(const struct an_checkpoint_pcp *p)
{
	return p->kernel_high >= 0 && p->kernel_high == (int64_t)p->model_high;
}
