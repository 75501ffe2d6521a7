/* SPDX-License-Identifier: MIT */
/*
 * The allocation path: zone iteration with watermarks (get_page_from_freelist),
 * rmqueue (pcp or buddy), the first slow-path attempt. Read from
 * mm/page_alloc.c __alloc_frozen_pages_noprof, prepare_alloc_pages,
 * alloc_flags_nofragment, get_page_from_freelist, rmqueue, rmqueue_buddy,
 * rmqueue_pcplist, __alloc_pages_slowpath (6.18.2); __alloc_pages_nodemask,
 * get_page_from_freelist, buffered_rmqueue / rmqueue (4.4.178, 5.10.7).
 *
 * decide() never changes the state; pa_alloc() commits its decision.
 */
#include "allocator/dhugetlb.h"
#include "allocator/predict.h"
#include "allocator/zone.h"

struct ctx {
	const struct pa_request *r;
	int mt, hz, node, pref;		/* pref: index in zl of the preferred zone */
	const int *zl;
	int nzl;
};

static void take_path(const struct pa_take *t, int mt, struct pa_pick *pk)
{
	pk->t = *t;
	pk->pfn = t->pfn;
	if (t->fallback_mt >= 0)
		pk->path = PA_PATH_FALLBACK;
	else if (t->list_mt == PA_MT_HIGHATOMIC && mt != PA_MT_HIGHATOMIC)
		pk->path = PA_PATH_HIGHATOMIC;
	else
		pk->path = PA_PATH_BUDDY;
}

static bool smallest_take(const struct pa_model *m, const struct pa_zone *z, unsigned order,
			  int mt, struct pa_take *t)
{
	int64_t h = rmqueue_smallest_find(m, z, order, mt);

	if (h < 0)
		return false;
	take_for_pfn(m, z, (uint64_t)h, (uint64_t)h, order, mt, t);
	return true;
}

static bool rmqueue_buddy_pick(const struct pa_model *m, const struct pa_zone *z,
			       const struct ctx *c, unsigned af, struct pa_pick *pk)
{
	unsigned order = c->r->order;
	bool ha_first = m->p->wm == WM_K6 ? (af & AF_HIGHATOMIC) : (order && (af & AF_HARDER));
	struct pa_take t;

	if (ha_first && smallest_take(m, z, order, PA_MT_HIGHATOMIC, &t)) {
		take_path(&t, c->mt, pk);
		return true;
	}
	if (rmqueue_find(m, z, order, c->mt, af, 0, &t)) {
		take_path(&t, c->mt, pk);
		return true;
	}
	if (m->p->wm == WM_K6 && (af & (AF_OOM | AF_NON_BLOCK)) &&
	    smallest_take(m, z, order, PA_MT_HIGHATOMIC, &t)) {
		take_path(&t, c->mt, pk);
		return true;
	}
	return false;
}

static bool rmqueue_pick(const struct pa_model *m, const struct pa_zone *z, const struct ctx *c,
			 unsigned af, struct pa_pick *pk)
{
	unsigned order = c->r->order;

	if (pcp_allowed(m, order) && c->mt < PA_PCPTYPES) {
		const struct pa_pcp *pcp = &z->pcp[c->r->cpu];
		const struct pa_list *l = &pcp->lists[pcp_pindex(m, c->mt, order)];
		bool cold = m->p->pcp_cold && (c->r->gfp & PA_GFP(COLD));
		struct pa_take t;

		if (l->nr) {
			pk->pfn = z->start + (cold ? l->tail : l->head);
			pk->path = PA_PATH_PCP;
			return true;
		}
		if (rmqueue_find(m, z, order, c->mt, af, 0, &t)) {
			take_path(&t, c->mt, pk);
			pk->path = PA_PATH_PCP_REFILL;
			pk->refill = pcp_refill_count((struct pa_model *)m, (struct pa_zone *)z,
						      (struct pa_pcp *)pcp, order, false);
			return true;
		}
		if (!m->p->refill_fallback_buddy)
			return false;
	}
	return rmqueue_buddy_pick(m, z, c, af, pk);
}

static bool zone_cdm_skipped(const struct pa_model *m, const struct pa_zone *z, uint64_t gfp)
{
	return m->p->oe_cdm && z->d.node < 64 && (m->cdm_nodes >> z->d.node & 1) &&
	       !(gfp & PA_GFP(THISNODE));
}

/* get_page_from_freelist over the zonelist, with its two retries. */
static bool gpf(const struct pa_model *m, const struct ctx *c, unsigned *afp, int hz,
		struct pa_pick *pk)
{
	unsigned af = *afp;
	int pref_zone = c->zl[c->pref];
	int pref_node = m->zones[pref_zone].d.node;
	int skipped;

retry:
	skipped = 0;
	for (int i = c->pref; i < c->nzl; i++) {
		const struct pa_zone *z = &m->zones[c->zl[i]];
		bool ok;

		if ((int)z->d.type > hz || zone_cdm_skipped(m, z, c->r->gfp))
			continue;
		if (af & AF_FAIR) {
			if (z->d.node != pref_node)
				break;
			if (z->alloc_batch <= 0) {
				skipped++;
				continue;
			}
		}
		if ((af & AF_NOFRAGMENT) && m->nr_nodes > 1 && c->zl[i] != pref_zone &&
		    z->d.node != pref_node) {
			af &= ~AF_NOFRAGMENT;
			goto retry;
		}
		if (m->p->wm == WM_K44)
			ok = zone_watermark_ok(m, z, c->r->order, wmark(z, af),
					       (int)m->zones[pref_zone].d.type, af, c->r->cpu,
					       c->r->wmark_adjust);
		else
			ok = zone_watermark_fast(m, z, c->r->order, wmark(z, af), hz, af,
						 c->r->cpu, c->r->wmark_adjust);
		if (!ok && !(af & AF_NO_WATERMARKS))
			continue;
		if (rmqueue_pick(m, z, c, af, pk)) {
			pk->zone = c->zl[i];
			*afp = af;
			return true;
		}
	}
	if (af & AF_FAIR) {
		af &= ~AF_FAIR;
		pk->fair_reset |= skipped > 0;
		if (skipped || m->nr_nodes > 1)
			goto retry;
	}
	if (af & AF_NOFRAGMENT) {
		af &= ~AF_NOFRAGMENT;
		goto retry;
	}
	return false;
}

static unsigned fast_flags(const struct pa_model *m, const struct ctx *c)
{
	const struct pa_zone *pz = &m->zones[c->zl[c->pref]];
	unsigned af = AF_WMARK_LOW;

	if (c->mt == PA_MT_MOVABLE)
		af |= AF_CMA;
	if (m->p->fair_zones)
		return af | AF_CPUSET | AF_FAIR;
	if (c->r->gfp & PA_GFP(KSWAPD_RECLAIM))
		af |= AF_KSWAPD;
	if (m->p->nofragment && pz->d.type == PA_ZONE_NORMAL &&
	    (m->nr_nodes == 1 || node_has_dma32(m, pz->d.node)))
		af |= AF_NOFRAGMENT;
	return af;
}

static int first_usable(const struct pa_model *m, const struct ctx *c, int hz)
{
	for (int i = 0; i < c->nzl; i++)
		if ((int)m->zones[c->zl[i]].d.type <= hz)
			return i;
	return -1;
}

int decide(const struct pa_model *m, const struct pa_request *r, struct pa_pick *pk)
{
	struct ctx c = { .r = r };
	bool thisnode = r->gfp & PA_GFP(THISNODE);
	bool reliable = m->p->oe_reliable && (r->gfp & PA_GFP(RELIABLE));

	*pk = (struct pa_pick){ .zone = -1, .pfn = PA_PFN_NONE, .path = PA_PATH_NONE };
	c.hz = gfp_zone(r->gfp);
	c.mt = gfp_migratetype(r->gfp);
	pk->mt = c.mt;
	if (r->order >= m->nr_orders || c.hz < 0 || r->cpu >= m->nr_cpus)
		return -1;
	if (reliable && c.hz > PA_ZONE_NORMAL)	/* mirrored memory only */
		c.hz = PA_ZONE_NORMAL;
	c.node = r->node >= 0 && (uint32_t)r->node < m->nr_nodes ? r->node : m->cpu_node[r->cpu];
	c.zl = m->zonelists + (size_t)(c.node * 2 + thisnode) * PA_MAX_ZONELIST;
	c.nzl = m->zl_len[c.node * 2 + thisnode];
	c.pref = first_usable(m, &c, c.hz);
	if (c.pref < 0)
		return -1;
	if (dh_eligible(m, r) && (pk->pfn = dh_next(m, r->cpu)) != PA_PFN_NONE) {
		pk->zone = zone_of(m, pk->pfn)->idx;	/* the pool is tried first */
		pk->path = PA_PATH_DHUGETLB;
		pk->t.fallback_mt = -1;
		return 0;
	}
	pk->af = fast_flags(m, &c);
	if (gpf(m, &c, &pk->af, c.hz, pk))
		return 0;
	pk->slowpath = true;
	if (reliable && m->reliable_fallback) {	/* mem_reliable_fallback_slowpath */
		c.hz = gfp_zone(r->gfp);
		c.pref = first_usable(m, &c, c.hz);
	}
	pk->af = gfp_to_alloc_flags(m, r->gfp, r->order);
	if (gpf(m, &c, &pk->af, c.hz, pk))
		return 0;
	if ((r->gfp & PA_GFP(MEMALLOC)) && !(r->gfp & PA_GFP(NOMEMALLOC))) {
		pk->af |= AF_NO_WATERMARKS;
		if (gpf(m, &c, &pk->af, c.hz, pk))
			return 0;
	}
	pk->path = PA_PATH_SLOWPATH;
	return 0;
}

int pa_predict(const struct pa_model *m, const struct pa_request *req, struct pa_prediction *out)
{
	struct pa_pick pk;

	decide(m, req, &pk);
	*out = (struct pa_prediction){
		.success = pk.zone >= 0,
		.pfn = pk.zone >= 0 ? pk.pfn : PA_PFN_NONE,
		.zone = pk.zone,
		.migratetype = pk.mt,
		.path = pk.path,
		.fallback_mt = pk.zone >= 0 ? pk.t.fallback_mt : -1,
		.fallback_order = pk.t.fallback_mt >= 0 ? pk.t.block_order : 0,
		.change_ownership = pk.t.fallback_mt >= 0 && pk.t.claimed,
		.needs_slowpath = pk.slowpath,
		.refill_count = pk.path == PA_PATH_PCP_REFILL ? (unsigned)pk.refill : 0,
	};
	return out->success ? 0 : -1;
}

const char *pa_path_name(enum pa_path p)
{
	static const char *const names[PA_NR_PATHS] = {
		"none", "pcp", "pcp-refill", "buddy", "fallback", "highatomic", "slowpath",
		"dhugetlb", "capture",
	};

	return (unsigned)p < PA_NR_PATHS ? names[p] : "unknown";
}
