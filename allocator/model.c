/* SPDX-License-Identifier: MIT */
/* Building the model from a topology, seeding it, and state queries. */
#include <stdlib.h>
#include <string.h>

#include "allocator/types.h"

static int init_zone(struct pa_model *m, struct pa_zone *z, const struct pa_zone_desc *d,
		     struct pr_error *err)
{
	uint64_t per = 1ULL << m->pageblock_order, nblocks;

	z->desc = *d;
	z->start = d->start_pfn;
	z->end = d->start_pfn + d->spanned;
	if (d->spanned >= PA_NIL)
		return pr_fail(err, PR_EUSAGE, "zone of %llu pages is too large for the model",
			       (unsigned long long)d->spanned);
	z->pb_first = z->start & ~(per - 1);
	nblocks = d->spanned ? (z->end - z->pb_first + per - 1) / per : 0;
	z->pages = malloc((d->spanned ? d->spanned : 1) * sizeof(*z->pages));
	z->pb_mt = malloc(nblocks ? nblocks : 1);
	z->pcp = calloc(m->nr_cpus, sizeof(*z->pcp));
	if (!z->pages || !z->pb_mt || !z->pcp)
		return pr_fail(err, PR_ENOMEM, "out of memory building the model");
	/* allocated pages take their pageblock's mobility until told otherwise */
	for (uint64_t i = 0; i < d->spanned; i++)
		z->pages[i] = (struct pa_page){ .next = PA_NIL, .prev = PA_NIL, .mt = PA_MT_MOVABLE };
	memset(z->pb_mt, PA_MT_MOVABLE, nblocks);	/* every pageblock boots Movable */
	for (unsigned o = 0; o < PA_MAX_ORDERS; o++)
		for (int mt = 0; mt < PA_NR_MIGRATETYPES; mt++)
			z->free[o][mt] = (struct pa_list){ PA_NIL, PA_NIL, 0 };
	for (uint32_t c = 0; c < m->nr_cpus; c++)
		for (int l = 0; l < PA_NR_PCP_LISTS; l++)
			z->pcp[c].lists[l] = (struct pa_list){ PA_NIL, PA_NIL, 0 };
	m->bytes += d->spanned * sizeof(*z->pages) + nblocks + m->nr_cpus * sizeof(*z->pcp);
	return 0;
}

struct pa_model *pa_model_create(const struct pa_topology *topo, enum pa_profile profile,
				 struct pr_error *err)
{
	struct pa_model *m;

	if (topo->nr_orders == 0 || topo->nr_orders > PA_MAX_ORDERS ||
	    topo->pageblock_order >= topo->nr_orders || topo->nr_cpus == 0 ||
	    topo->nr_cpus > PA_MAX_CPUS || (unsigned)profile >= PA_NR_PROFILES) {
		pr_fail(err, PR_EUSAGE, "topology the model cannot hold: %u orders, pageblock order "
			"%u, %u cpus", topo->nr_orders, topo->pageblock_order, topo->nr_cpus);
		return NULL;
	}
	m = calloc(1, sizeof(*m));
	if (!m || !(m->zones = calloc(topo->nr_zones ? topo->nr_zones : 1, sizeof(*m->zones))) ||
	    !(m->cpu_node = calloc(topo->nr_cpus, sizeof(*m->cpu_node)))) {
		pa_model_destroy(m);
		pr_fail(err, PR_ENOMEM, "out of memory building the model");
		return NULL;
	}
	m->profile = profile;
	m->nr_cpus = topo->nr_cpus;
	m->nr_orders = topo->nr_orders;
	m->pageblock_order = topo->pageblock_order;
	m->nr_zones = topo->nr_zones;
	for (uint32_t c = 0; c < topo->nr_cpus; c++)
		m->cpu_node[c] = topo->cpu_node ? topo->cpu_node[c] : 0;
	for (uint32_t z = 0; z < topo->nr_zones; z++) {
		if (init_zone(m, &m->zones[z], &topo->zones[z], err) < 0) {
			pa_model_destroy(m);
			return NULL;
		}
	}
	return m;
}

void pa_model_destroy(struct pa_model *m)
{
	if (!m)
		return;
	for (uint32_t z = 0; m->zones && z < m->nr_zones; z++) {
		free(m->zones[z].pages);
		free(m->zones[z].pb_mt);
		free(m->zones[z].pcp);
	}
	free(m->zones);
	free(m->cpu_node);
	free(m);
}

enum pa_profile pa_model_profile(const struct pa_model *m)
{
	return m->profile;
}

int pa_model_zone_of(const struct pa_model *m, uint64_t pfn)
{
	for (uint32_t z = 0; z < m->nr_zones; z++)
		if (pfn >= m->zones[z].start && pfn < m->zones[z].end)
			return (int)z;
	return -1;
}

int pa_model_seed_free(struct pa_model *m, uint64_t pfn, unsigned order, int migratetype,
		       struct pr_error *err)
{
	int zi = pa_model_zone_of(m, pfn);
	struct pa_zone *z;
	uint32_t idx;

	if (zi < 0 || order >= m->nr_orders || (pfn & ((1ULL << order) - 1)) ||
	    pfn + (1ULL << order) > m->zones[zi].end)
		return pr_fail(err, PR_EUSAGE, "free block at pfn %#llx order %u is not in a zone",
			       (unsigned long long)pfn, order);
	z = &m->zones[zi];
	idx = (uint32_t)(pfn - z->start);
	if (pa_buddy_find(m, z, idx) != PA_NIL || z->pages[idx].state == PS_PCP)
		return pr_fail(err, PR_ESTATE, "free block at pfn %#llx order %u overlaps another",
			       (unsigned long long)pfn, order);
	if (migratetype < 0 || migratetype >= PA_NR_MIGRATETYPES)
		migratetype = pa_pageblock_mt(m, z, idx);
	/* The kernel's list order is not visible: keep pfn order (tail adds). */
	pa_buddy_add(z, idx, order, migratetype, true);
	return 0;
}

int pa_model_set_pageblock_mt(struct pa_model *m, uint64_t pfn, int migratetype)
{
	int zi = pa_model_zone_of(m, pfn);
	struct pa_zone *z;

	if (zi < 0 || migratetype < 0 || migratetype >= PA_NR_MIGRATETYPES)
		return -1;
	z = &m->zones[zi];
	pfn &= ~((1ULL << m->pageblock_order) - 1);
	z->pb_mt[(pfn - z->pb_first) >> m->pageblock_order] = (int8_t)migratetype;
	for (uint64_t p = pfn < z->start ? z->start : pfn;
	     p < pfn + (1ULL << m->pageblock_order) && p < z->end; p++)
		if (z->pages[p - z->start].state == PS_ALLOCATED)
			z->pages[p - z->start].mt = (uint8_t)migratetype;
	return 0;
}

void pa_model_mark_unknown(struct pa_model *m, uint64_t pfn, unsigned order)
{
	int zi = pa_model_zone_of(m, pfn);

	if (zi < 0)
		return;
	for (uint64_t p = pfn; p < pfn + (1ULL << order) && p < m->zones[zi].end; p++) {
		struct pa_page *pg = &m->zones[zi].pages[p - m->zones[zi].start];

		if (pg->state == PS_ALLOCATED)
			pg->state = PS_UNKNOWN;
	}
}

uint32_t pa_model_nr_zones(const struct pa_model *m)
{
	return m->nr_zones;
}

const struct pa_zone_desc *pa_model_zone_desc(const struct pa_model *m, int zone)
{
	return zone >= 0 && (uint32_t)zone < m->nr_zones ? &m->zones[zone].desc : NULL;
}

double pa_model_bytes_per_page(const struct pa_model *m)
{
	uint64_t pages = 0;

	for (uint32_t z = 0; z < m->nr_zones; z++)
		pages += m->zones[z].desc.spanned;
	return pages ? (double)(m->bytes + sizeof(*m)) / (double)pages : 0.0;
}

static void count_pageblocks(const struct pa_model *m, const struct pa_zone *z,
			     struct pa_zone_state *out)
{
	uint64_t per = 1ULL << m->pageblock_order;

	for (uint64_t b = 0; z->desc.spanned && b < (z->end - z->pb_first + per - 1) / per; b++) {
		int mt = z->pb_mt[b];
		uint64_t first = z->pb_first + b * per;
		bool mixed = false;

		out->pageblocks[mt]++;
		for (uint64_t pfn = first < z->start ? z->start : first;
		     pfn < first + per && pfn < z->end; pfn++) {
			const struct pa_page *p = &z->pages[pfn - z->start];

			if (p->state == PS_ALLOCATED && p->mt != mt && mt < PA_PCPTYPES &&
			    p->mt < PA_PCPTYPES && pa_buddy_find(m, z, (uint32_t)(pfn - z->start)) == PA_NIL) {
				mixed = true;
				break;
			}
		}
		out->mixed_pageblocks += mixed;
	}
}

int pa_zone_state(const struct pa_model *m, int zone, struct pa_zone_state *out)
{
	const struct pa_zone *z;

	if (zone < 0 || (uint32_t)zone >= m->nr_zones)
		return -1;
	z = &m->zones[zone];
	memset(out, 0, sizeof(*out));
	out->largest_free_order = -1;
	for (unsigned o = 0; o < m->nr_orders; o++)
		for (int mt = 0; mt < PA_NR_MIGRATETYPES; mt++) {
			out->free_blocks[o][mt] = z->free[o][mt].count;
			if (z->free[o][mt].count)
				out->largest_free_order = (int)o;
		}
	for (uint32_t c = 0; c < m->nr_cpus; c++)
		out->pcp_pages += z->pcp[c].count;
	out->free_pages = z->free_pages + out->pcp_pages;
	count_pageblocks(m, z, out);
	return 0;
}
