/* SPDX-License-Identifier: MIT */
/* The free map's lists beside the kernel's counts at capture start. */
#include "replay/start_counts.h"

#include <stdlib.h>
#include <string.h>

/* The free map's blocks per [model zone][order][model migratetype]. */
static void count_free_map(const struct rp_translate *t, const struct prt_header *h,
			   const struct pa_model *m, uint32_t (*n)[PA_MAX_ORDERS][PA_NR_MIGRATETYPES])
{
	for (uint64_t i = 0; i < h->nr_free_blocks; i++) {
		const struct prt_free_block *b = &h->free_blocks[i];
		int z = pa_model_zone_of(m, b->pfn), mt = rp_translate_mt(t, b->migratetype);

		if (z >= 0 && mt >= 0 && b->order < PA_MAX_ORDERS)
			n[z][b->order][mt]++;
	}
}

/* The sample's count for a model zone's list, or -1 (missing, or several
 * trace migratetypes folded into one model type). */
static int64_t sampled(const struct rp_translate *t, const struct prt_checkpoint *cp,
		       uint32_t prt_zone, unsigned order, int mt)
{
	unsigned types;
	int64_t v = rp_checkpoint_blocks(t, cp, prt_zone, order, mt, &types);

	return types == 1 ? v : -1;
}

int rp_start_counts_init(struct rp_start_counts *s, const struct rp_translate *t,
			 const struct prt_header *h, const struct pa_model *m)
{
	const struct prt_checkpoint *cp = &h->initial;
	uint32_t (*n)[PA_MAX_ORDERS][PA_NR_MIGRATETYPES];

	memset(s, 0, sizeof(*s));
	s->nr_zones = pa_model_nr_zones(m);
	s->exact = calloc(s->nr_zones ? s->nr_zones : 1, sizeof(*s->exact));
	n = calloc(s->nr_zones ? s->nr_zones : 1, sizeof(*n));
	if (!s->exact || !n) {
		free(n);
		rp_start_counts_release(s);
		return -1;
	}
	count_free_map(t, h, m, n);
	for (uint32_t pz = 0; cp->free_blocks && pz < cp->nr_zones && pz < h->nr_zones; pz++) {
		int z = t->zone_of_prt[pz];

		for (unsigned o = 0; z >= 0 && o < cp->nr_orders && o < PA_MAX_ORDERS; o++)
			for (int mt = 0; mt < PA_NR_MIGRATETYPES; mt++)
				if (sampled(t, cp, pz, o, mt) == n[z][o][mt])
					s->exact[z][o] |= (uint8_t)(1u << mt);
	}
	free(n);
	return 0;
}

void rp_start_counts_release(struct rp_start_counts *s)
{
	free(s->exact);
	memset(s, 0, sizeof(*s));
}

bool rp_start_count_exact(const struct rp_start_counts *s, int zone, unsigned order, int mt)
{
	return zone >= 0 && (uint32_t)zone < s->nr_zones && order < PA_MAX_ORDERS && mt >= 0 &&
	       mt < PA_NR_MIGRATETYPES && (s->exact[zone][order] >> mt & 1);
}
