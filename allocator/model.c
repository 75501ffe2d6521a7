/* SPDX-License-Identifier: MIT */
/* Building the model from a topology, seeding it, and the state queries. */
#include "allocator/dhugetlb.h"
#include "allocator/predict.h"
#include "allocator/zone.h"

#include <stdlib.h>
#include <string.h>

static int init_zone(struct pa_model *m, struct pa_zone *z, const struct pa_zone_desc *d, int idx,
		     struct pr_error *err)
{
	z->d = *d;
	z->idx = idx;
	z->start = d->start_pfn;
	z->end = d->start_pfn + d->spanned;
	if (d->spanned == 0 || d->spanned >= PA_NIL || (unsigned)d->type >= PA_NR_ZONE_TYPES)
		return pr_fail(err, PR_EUSAGE, "zone %d: expected 1..%u spanned pages and a zone type",
			       idx, PA_NIL - 1);
	z->pages = calloc(d->spanned, sizeof(*z->pages));
	z->pb_base = z->start >> m->pb_order;
	z->nr_pb = ((z->end - 1) >> m->pb_order) - z->pb_base + 1;
	z->pb_mt = malloc(z->nr_pb);
	z->pcp = calloc(m->nr_cpus, sizeof(*z->pcp));
	if (!z->pages || !z->pb_mt || !z->pcp)
		return pr_fail(err, PR_ENOMEM, "zone %d: out of memory for %llu pages", idx,
			       (unsigned long long)d->spanned);
	m->bytes += d->spanned * sizeof(*z->pages) + z->nr_pb + m->nr_cpus * sizeof(*z->pcp);
	memset(z->pb_mt, PA_MT_MOVABLE, z->nr_pb);	/* boot: every pageblock MOVABLE */
	for (uint64_t i = 0; i < d->spanned; i++)
		z->pages[i].next = z->pages[i].prev = PA_NIL;
	for (unsigned o = 0; o < PA_MAX_ORDERS; o++)
		for (int t = 0; t < PA_NR_MIGRATETYPES; t++)
			z->free[o][t] = (struct pa_list){ PA_NIL, PA_NIL, 0 };
	z->raw_wmark[0] = (int64_t)(d->wmark_min - (d->boost <= d->wmark_min ? d->boost : 0));
	z->raw_wmark[1] = (int64_t)(d->wmark_low - (d->boost <= d->wmark_low ? d->boost : 0));
	z->raw_wmark[2] = (int64_t)(d->wmark_high - (d->boost <= d->wmark_high ? d->boost : 0));
	z->boost = (int64_t)d->boost;
	z->alloc_batch = z->raw_wmark[2] - z->raw_wmark[1];
	for (uint32_t c = 0; c < m->nr_cpus; c++) {
		struct pa_pcp *pcp = &z->pcp[c];

		pcp->freed_pindex = -1;
		for (unsigned i = 0; i < PA_MAX_PCP_LISTS; i++)
			pcp->lists[i] = (struct pa_list){ PA_NIL, PA_NIL, 0 };
		pcp->batch = (int32_t)d->pcp_batch;
		pcp->high = (int32_t)d->pcp_high;
		pcp->high_min = (int32_t)(d->pcp_high_min ? d->pcp_high_min : d->pcp_high);
		pcp->high_max = (int32_t)(d->pcp_high_max ? d->pcp_high_max : d->pcp_high);
		pcp->flags = PCPF_FREE_HIGH_BATCH;
	}
	return 0;
}

static int build_zonelists(struct pa_model *m, struct pr_error *err)
{
	m->zonelists = calloc((size_t)m->nr_nodes * 2 * PA_MAX_ZONELIST, sizeof(int));
	m->zl_len = calloc((size_t)m->nr_nodes * 2, sizeof(int));
	if (!m->zonelists || !m->zl_len)
		return pr_fail(err, PR_ENOMEM, "out of memory for zonelists");
	for (uint32_t n = 0; n < m->nr_nodes; n++)
		for (int t = 0; t < 2; t++)
			m->zl_len[n * 2 + t] = zonelist_build(m, (int)n, t, m->zonelists +
							      (size_t)(n * 2 + t) * PA_MAX_ZONELIST,
							      PA_MAX_ZONELIST);
	return 0;
}

static int check_topology(const struct pa_topology *t, struct pr_error *err)
{
	unsigned orders = t->nr_orders ? t->nr_orders : PA_MAX_ORDERS;

	if (!t->nr_cpus || t->nr_cpus > PA_MAX_CPUS)
		return pr_fail(err, PR_EUSAGE, "topology: expected 1..%d cpus, found %u", PA_MAX_CPUS,
			       t->nr_cpus);
	if (!t->nr_zones || !t->zones)
		return pr_fail(err, PR_EUSAGE, "topology: expected at least one zone");
	if (orders > PA_MAX_ORDERS || t->pageblock_order >= orders || t->pageblock_order < 1)
		return pr_fail(err, PR_EUSAGE,
			       "topology: expected pageblock order 1..%u below %u orders", orders - 1,
			       orders);
	for (uint32_t i = 0; i < t->nr_zones; i++)
		for (uint32_t j = 0; j < i; j++) {
			const struct pa_zone_desc *a = &t->zones[i], *b = &t->zones[j];

			if (a->start_pfn < b->start_pfn + b->spanned &&
			    b->start_pfn < a->start_pfn + a->spanned)
				return pr_fail(err, PR_EUSAGE, "topology: zones %u and %u overlap", j, i);
		}
	return 0;
}

struct pa_model *pa_model_create(const struct pa_topology *topo, enum pa_profile profile,
				 struct pr_error *err)
{
	struct pa_model *m;

	if (!topo || !profile_desc(profile)) {
		pr_fail(err, PR_EUSAGE, "expected a topology and a known profile");
		return NULL;
	}
	if (check_topology(topo, err) < 0)
		return NULL;
	m = calloc(1, sizeof(*m));
	if (!m) {
		pr_fail(err, PR_ENOMEM, "out of memory for the model");
		return NULL;
	}
	m->p = profile_desc(profile);
	m->profile = profile;
	m->nr_cpus = topo->nr_cpus;
	m->nr_orders = topo->nr_orders ? topo->nr_orders : PA_MAX_ORDERS;
	m->pb_order = topo->pageblock_order;
	m->nr_zones = topo->nr_zones;
	/* openEuler: reliable_allow_fallback starts true (mm/mem_reliable.c) */
	m->reliable_fallback = m->p->oe_reliable;
	m->cpu_node = calloc(m->nr_cpus, sizeof(*m->cpu_node));
	m->bulk = calloc(m->nr_cpus, sizeof(*m->bulk));
	m->zones = calloc(m->nr_zones, sizeof(*m->zones));
	if (!m->cpu_node || !m->bulk || !m->zones) {
		pr_fail(err, PR_ENOMEM, "out of memory for the model");
		pa_model_destroy(m);
		return NULL;
	}
	for (uint32_t i = 0; i < m->nr_zones; i++)
		if (topo->zones[i].node + 1u > m->nr_nodes)
			m->nr_nodes = topo->zones[i].node + 1u;
	for (uint32_t c = 0; c < m->nr_cpus; c++) {
		int16_t n = topo->cpu_node ? topo->cpu_node[c] : 0;

		m->cpu_node[c] = n >= 0 && (uint32_t)n < m->nr_nodes ? n : 0;
	}
	for (uint32_t i = 0; i < m->nr_zones; i++)
		if (init_zone(m, &m->zones[i], &topo->zones[i], (int)i, err) < 0) {
			pa_model_destroy(m);
			return NULL;
		}
	if (build_zonelists(m, err) < 0) {
		pa_model_destroy(m);
		return NULL;
	}
	return m;
}

void pa_model_destroy(struct pa_model *m)
{
	if (!m)
		return;
	dh_destroy(m);
	for (uint32_t i = 0; m->zones && i < m->nr_zones; i++) {
		free(m->zones[i].pages);
		free(m->zones[i].pb_mt);
		free(m->zones[i].pcp);
	}
	free(m->zones);
	free(m->cpu_node);
	free(m->bulk);
	free(m->zonelists);
	free(m->zl_len);
	free(m);
}

enum pa_profile pa_model_profile(const struct pa_model *m) { return m->profile; }
uint32_t pa_model_nr_zones(const struct pa_model *m) { return m->nr_zones; }
uint32_t pa_model_nr_cpus(const struct pa_model *m) { return m->nr_cpus; }

const struct pa_zone_desc *pa_model_zone_desc(const struct pa_model *m, int zone)
{
	return zone >= 0 && (uint32_t)zone < m->nr_zones ? &m->zones[zone].d : NULL;
}

struct pa_zone *zone_of(const struct pa_model *m, uint64_t pfn)
{
	struct pa_model *mm = (struct pa_model *)m;	/* the lookup cache only */

	if (zone_has(&m->zones[m->last_zone], pfn))
		return &mm->zones[m->last_zone];
	for (uint32_t i = 0; i < m->nr_zones; i++)
		if (zone_has(&m->zones[i], pfn)) {
			mm->last_zone = (int)i;
			return &mm->zones[i];
		}
	return NULL;
}

int pa_model_zone_of(const struct pa_model *m, uint64_t pfn)
{
	const struct pa_zone *z = zone_of(m, pfn);

	return z ? z->idx : -1;
}

int pa_model_seed_free(struct pa_model *m, uint64_t pfn, unsigned order, int migratetype,
		       struct pr_error *err)
{
	struct pa_zone *z = zone_of(m, pfn);
	uint64_t n = (uint64_t)1 << (order < 63 ? order : 63);

	if (!z || order >= m->nr_orders || (pfn & (n - 1)) || pfn + n > z->end)
		return pr_fail(err, PR_EUSAGE, "pfn %llu order %u: expected an aligned block inside one zone",
			       (unsigned long long)pfn, order);
	if (enclosing_free(m, z, pfn, order) >= 0)
		return pr_fail(err, PR_ESTATE, "pfn %llu order %u: expected allocated pages, found free",
			       (unsigned long long)pfn, order);
	for (uint64_t i = 0; i < n; i++) {
		struct pa_page *p = zpage(z, pfn + i);

		if (pg_state(p) == PG_BUDDY || pg_state(p) == PG_PCP)
			return pr_fail(err, PR_ESTATE,
				       "pfn %llu order %u: expected allocated pages, found free pfn %llu",
				       (unsigned long long)pfn, order, (unsigned long long)(pfn + i));
	}
	for (uint64_t i = 0; i < n; i++) {
		struct pa_page *p = zpage(z, pfn + i);

		if (pg_state(p) == PG_UNKNOWN)
			z->unknown_pages--;
		pg_set(p, i ? PG_TAIL : PG_ALLOC, 0, 0, 0, 0);
		pg_set_movable(p, false);
	}
	if (migratetype < 0 || migratetype >= PA_NR_MIGRATETYPES)
		migratetype = pb_get(m, z, pfn);
	/* 6.12+: a block's list is its pageblock's type, and a block larger
	 * than a pageblock has one type in all of them (merging retypes them;
	 * capture's fit, which sees no types, may not have) */
	if (m->p->merge_retype)
		set_pageblock_range(m, z, pfn, order, migratetype);
	/* seeding order is list order, head first */
	buddy_add(m, z, pfn, order, migratetype, true);
	return 0;
}

static bool zone_has_buddy(const struct pa_model *m, const struct pa_zone *z)
{
	for (unsigned o = 0; o < m->nr_orders; o++)
		if (z->nr_free[o])
			return true;
	return false;
}

int pa_model_set_pageblock_mt(struct pa_model *m, uint64_t pfn, int migratetype)
{
	struct pa_zone *z = zone_of(m, pfn);
	uint64_t start, end, head;
	unsigned order;

	if (!z || migratetype < 0 || migratetype >= PA_NR_MIGRATETYPES)
		return -1;
	start = pfn & ~(((uint64_t)1 << m->pb_order) - 1);
	end = start + ((uint64_t)1 << m->pb_order);
	/* a free block larger than a pageblock has one type over all of them
	 * (the kernel sets them together: change_pageblock_range) */
	head = pa_free_block_of(m, pfn, &order);
	if (head != PA_PFN_NONE && order > m->pb_order) {
		start = head;
		end = head + ((uint64_t)1 << order);
	}
	for (uint64_t q = start; q < end; q += (uint64_t)1 << m->pb_order)
		if (q >= z->start && q < z->end)
			*pb_slot(z, q, m->pb_order) = (uint8_t)migratetype;
	if (!m->p->merge_retype || !zone_has_buddy(m, z))
		return 0;	/* (no block to move: replay sets every pageblock before seeding) */
	/* 6.12+ keep free blocks on their pageblock's list */
	for (uint64_t q = start < z->start ? z->start : start; q < end && q < z->end;) {
		struct pa_page *p = zpage(z, q);

		if (pg_state(p) == PG_BUDDY) {
			if ((int)pg_lmt(p) != migratetype)
				buddy_move(m, z, q, migratetype);
			q += (uint64_t)1 << pg_order(p);
		} else {
			q++;
		}
	}
	return 0;
}

/* A free block's pages after its head are PG_TAIL: a page in state
 * PG_ALLOC is never inside one, so the state alone decides. */
void pa_model_mark_unknown_pages(struct pa_model *m, uint64_t pfn, uint64_t n)
{
	struct pa_zone *z = zone_of(m, pfn);
	uint64_t end;

	if (!z || !n)
		return;
	end = n < z->end - pfn ? pfn + n : z->end;
	for (struct pa_page *p = zpage(z, pfn), *last = zpage(z, end - 1); p <= last; p++)
		if (pg_state(p) == PG_ALLOC) {
			pg_set_state(p, PG_UNKNOWN);
			z->unknown_pages++;
		}
}

void pa_model_mark_unknown(struct pa_model *m, uint64_t pfn, unsigned order)
{
	pa_model_mark_unknown_pages(m, pfn, (uint64_t)1 << (order < 63 ? order : 63));
}

void pa_model_mark_known(struct pa_model *m, uint64_t pfn, unsigned order)
{
	struct pa_zone *z = zone_of(m, pfn);
	uint64_t n = (uint64_t)1 << (order < 63 ? order : 63), end;

	if (!z)
		return;
	end = n < z->end - pfn ? pfn + n : z->end;
	for (struct pa_page *p = zpage(z, pfn), *last = zpage(z, end - 1); p <= last; p++)
		if (pg_state(p) == PG_UNKNOWN) {
			pg_set_state(p, PG_ALLOC);
			z->unknown_pages--;
		}
}

void pa_model_set_cdm_nodes(struct pa_model *m, uint64_t node_mask) { m->cdm_nodes = node_mask; }
void pa_model_set_reliable_fallback(struct pa_model *m, bool on) { m->reliable_fallback = on; }

double pa_model_bytes_per_page(const struct pa_model *m)
{
	uint64_t pages = 0;

	for (uint32_t i = 0; i < m->nr_zones; i++)
		pages += m->zones[i].d.spanned;
	return pages ? (double)(m->bytes + sizeof(*m)) / (double)pages : 0;
}

static void count_pageblocks(const struct pa_model *m, const struct pa_zone *z,
			     struct pa_zone_state *out)
{
	uint64_t pbn = (uint64_t)1 << m->pb_order;

	for (uint64_t b = 0; b < z->nr_pb; b++) {
		uint64_t start = (z->pb_base + b) << m->pb_order;
		int mt = z->pb_mt[b];
		bool mixed = false;

		if (start < z->start)	/* first page in another zone: not counted */
			continue;
		out->pageblocks[mt]++;
		for (uint64_t q = start; q < start + pbn && q < z->end;) {
			const struct pa_page *p = zpage(z, q);

			if (pg_state(p) == PG_BUDDY || pg_state(p) == PG_PCP) {
				q += (uint64_t)1 << pg_order(p);
				continue;
			}
			if (pg_state(p) == PG_ALLOC && pg_movable(p) != (mt == PA_MT_MOVABLE))
				mixed = true;
			q++;
		}
		out->mixed_pageblocks += mixed;
	}
}

int pa_zone_free_blocks(const struct pa_model *m, int zone,
			uint64_t out[PA_MAX_ORDERS][PA_NR_MIGRATETYPES])
{
	const struct pa_zone *z;

	if (zone < 0 || (uint32_t)zone >= m->nr_zones)
		return -1;
	z = &m->zones[zone];
	memset(out, 0, sizeof(uint64_t) * PA_MAX_ORDERS * PA_NR_MIGRATETYPES);
	for (unsigned o = 0; o < m->nr_orders; o++)
		for (int t = 0; t < PA_NR_MIGRATETYPES; t++)
			out[o][t] = z->free[o][t].nr;
	return 0;
}

int64_t pa_zone_nr_free_pages(const struct pa_model *m, int zone)
{
	if (zone < 0 || (uint32_t)zone >= m->nr_zones)
		return -1;
	return m->zones[zone].free_pages;
}

int pa_zone_state(const struct pa_model *m, int zone, struct pa_zone_state *out)
{
	const struct pa_zone *z;

	if (zone < 0 || (uint32_t)zone >= m->nr_zones)
		return -1;
	z = &m->zones[zone];
	memset(out, 0, sizeof(*out));
	out->largest_free_order = -1;
	pa_zone_free_blocks(m, zone, out->free_blocks);
	for (unsigned o = 0; o < m->nr_orders; o++)
		for (int t = 0; t < PA_NR_MIGRATETYPES; t++) {
			out->free_pages += out->free_blocks[o][t] << o;
			if (out->free_blocks[o][t])
				out->largest_free_order = (int)o;
		}
	for (uint32_t c = 0; c < m->nr_cpus; c++)
		out->pcp_pages += (uint64_t)z->pcp[c].count;
	out->free_pages += out->pcp_pages;
	out->unknown_pages = (uint64_t)z->unknown_pages;
	out->nr_free_pages = z->free_pages;
	out->boost = (uint64_t)z->boost;
	out->reserved_highatomic = (uint64_t)z->reserved_highatomic;
	count_pageblocks(m, z, out);
	return 0;
}
