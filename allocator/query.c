/* SPDX-License-Identifier: MIT */
/* Read-only questions replay asks about single blocks. */
#include "allocator/model.h"
#include "allocator/types.h"

uint64_t pa_free_block_of(const struct pa_model *m, uint64_t pfn, unsigned *order)
{
	const struct pa_zone *z = zone_of(m, pfn);
	int64_t h;

	if (!z)
		return PA_PFN_NONE;
	h = enclosing_free(m, z, pfn, 0);
	if (h < 0 || pg_state(zpage(z, (uint64_t)h)) != PG_BUDDY)
		return PA_PFN_NONE;
	if (order)
		*order = pg_order(zpage(z, (uint64_t)h));
	return (uint64_t)h;
}

int pa_pcp_depth(const struct pa_model *m, uint32_t cpu, uint64_t pfn, unsigned max,
		 unsigned *list)
{
	const struct pa_zone *z = zone_of(m, pfn);
	const struct pa_page *p;
	int depth = 0;

	if (!z)
		return -1;
	p = zpage(z, pfn);
	if (pg_state(p) != PG_PCP || pg_cpu(p) != cpu)
		return -1;
	if (list)
		*list = (unsigned)z->idx * PA_MAX_PCP_LISTS + pg_pindex(p);
	for (uint32_t prev = p->prev; prev != PA_NIL; prev = z->pages[prev].prev)
		if ((unsigned)++depth > max)
			return -1;
	return depth;
}

int pa_pcp_owner(const struct pa_model *m, uint64_t pfn)
{
	const struct pa_zone *z = zone_of(m, pfn);
	const struct pa_page *p;

	if (!z)
		return -1;
	p = zpage(z, pfn);
	return pg_state(p) == PG_PCP ? (int)pg_cpu(p) : -1;
}

int pa_pcp_state(const struct pa_model *m, int zone, uint32_t cpu, struct pa_pcp_state *out)
{
	const struct pa_pcp *pcp;

	if (zone < 0 || (uint32_t)zone >= m->nr_zones || cpu >= m->nr_cpus)
		return -1;
	pcp = &m->zones[zone].pcp[cpu];
	out->count = (uint32_t)pcp->count;
	out->high = (uint32_t)pcp->high;
	return 0;
}

int pa_pcp_set_high(struct pa_model *m, int zone, uint32_t cpu, uint32_t high)
{
	struct pa_pcp *pcp;

	if (zone < 0 || (uint32_t)zone >= m->nr_zones || cpu >= m->nr_cpus || high > INT32_MAX)
		return -1;
	pcp = &m->zones[zone].pcp[cpu];
	if (pcp->high_min != pcp->high_max &&
	    ((int32_t)high < pcp->high_min || (int32_t)high > pcp->high_max))
		return -1;
	pcp->high = (int32_t)high;
	return 0;
}

bool pa_pcp_order(const struct pa_model *m, unsigned order)
{
	return pcp_allowed(m, order);
}

bool pa_page_unknown(const struct pa_model *m, uint64_t pfn)
{
	const struct pa_zone *z = zone_of(m, pfn);

	return z && pg_state(zpage(z, pfn)) == PG_UNKNOWN;
}

static unsigned list_heads(const struct pa_model *m, int zone, unsigned order, int mt,
			   bool unreported_only, uint64_t *pfns, unsigned max)
{
	const struct pa_zone *z;
	unsigned n = 0;

	if (zone < 0 || (uint32_t)zone >= m->nr_zones || order >= m->nr_orders || mt < 0 ||
	    mt >= PA_NR_MIGRATETYPES)
		return 0;
	z = &m->zones[zone];
	for (uint32_t off = z->free[order][mt].head; off != PA_NIL && n < max;
	     off = z->pages[off].next)
		if (!unreported_only || !pg_reported(&z->pages[off]))
			pfns[n++] = z->start + off;
	return n;
}

unsigned pa_free_list_heads(const struct pa_model *m, int zone, unsigned order, int mt,
			    uint64_t *pfns, unsigned max)
{
	return list_heads(m, zone, order, mt, false, pfns, max);
}

/* Free page reporting's walk: order by order from min_order, migratetype
 * by migratetype (not ISOLATE), each list from its head. */
unsigned pa_free_blocks_from(const struct pa_model *m, int zone, unsigned min_order, uint64_t *pfns,
			     unsigned *orders, unsigned max)
{
	const struct pa_zone *z;
	unsigned n = 0;

	if (zone < 0 || (uint32_t)zone >= m->nr_zones)
		return 0;
	z = &m->zones[zone];
	for (unsigned o = min_order; o < m->nr_orders; o++)
		for (int mt = 0; mt < PA_NR_MIGRATETYPES; mt++) {
			if (mt == PA_MT_ISOLATE)
				continue;
			for (uint32_t off = z->free[o][mt].head; off != PA_NIL && n < max;
			     off = z->pages[off].next) {
				pfns[n] = z->start + off;
				orders[n++] = o;
			}
		}
	return n;
}

unsigned pa_unreported_list_heads(const struct pa_model *m, int zone, unsigned order, int mt,
				  uint64_t *pfns, unsigned max)
{
	return list_heads(m, zone, order, mt, true, pfns, max);
}

int pa_free_block_mark_reported(struct pa_model *m, uint64_t pfn, unsigned order)
{
	const struct pa_zone *z = zone_of(m, pfn);
	struct pa_page *p;

	if (!z || pg_state(p = zpage(z, pfn)) != PG_BUDDY || pg_order(p) != order)
		return -1;
	p->info |= PGI_REPORTED;
	return 0;
}
