/* SPDX-License-Identifier: MIT */
/* Pages on pcp lists since before tracing (see the header). */
#include "replay/pcp_before.h"

#include <stdlib.h>
#include <string.h>

int rp_pcp_before_init(struct rp_pcp_before *b, const struct prt_header *h,
		       const struct rp_translate *t, uint32_t nr_model_zones, uint32_t nr_cpus)
{
	memset(b, 0, sizeof(*b));
	b->nr_zones = nr_model_zones;
	b->nr_cpus = nr_cpus;
	b->pages = calloc((size_t)(nr_model_zones ? nr_model_zones : 1) * (nr_cpus ? nr_cpus : 1),
			  sizeof(*b->pages));
	if (!b->pages)
		return -1;
	for (uint32_t z = 0; z < h->nr_zones; z++) {
		int mz = t->zone_of_prt[z];

		for (uint32_t c = 0; mz >= 0 && (uint32_t)mz < nr_model_zones && h->zones[z].pcp &&
				     c < nr_cpus && c < h->nr_cpus; c++)
			b->pages[(size_t)mz * nr_cpus + c] = h->zones[z].pcp[c].count;
	}
	return 0;
}

void rp_pcp_before_release(struct rp_pcp_before *b)
{
	free(b->pages);
	memset(b, 0, sizeof(*b));
}

void rp_pcp_before_left(struct rp_pcp_before *b, int zone, uint32_t cpu, unsigned order)
{
	if (order < 63)
		rp_pcp_before_forget(b, zone, cpu, 1ULL << order);
}

void rp_pcp_before_drained(struct rp_pcp_before *b, int zone, uint32_t cpu, unsigned order)
{
	const int64_t *row;
	uint32_t from = cpu;

	if (zone < 0 || (uint32_t)zone >= b->nr_zones || cpu >= b->nr_cpus || order >= 63)
		return;
	row = &b->pages[(size_t)zone * b->nr_cpus];
	if (row[cpu] < (int64_t)1 << order)
		for (uint32_t c = 0; c < b->nr_cpus; c++)
			if (row[c] >= (int64_t)1 << order && row[c] > row[from])
				from = c;
	rp_pcp_before_left(b, zone, from, order);
}

void rp_pcp_before_forget(struct rp_pcp_before *b, int zone, uint32_t cpu, uint64_t pages)
{
	int64_t *p;

	if (zone < 0 || (uint32_t)zone >= b->nr_zones || cpu >= b->nr_cpus)
		return;
	p = &b->pages[(size_t)zone * b->nr_cpus + cpu];
	*p = (uint64_t)*p > pages ? *p - (int64_t)pages : 0;
}

uint32_t rp_pcp_before_pages(const struct rp_pcp_before *b, int zone, uint32_t cpu)
{
	if (zone < 0 || (uint32_t)zone >= b->nr_zones || cpu >= b->nr_cpus)
		return 0;
	return (uint32_t)b->pages[(size_t)zone * b->nr_cpus + cpu];
}
