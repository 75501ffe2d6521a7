/* SPDX-License-Identifier: MIT */
/*
 * The allocation fast path as 6.x runs it (get_page_from_freelist):
 * zones of the preferred node from the highest the gfp mask allows down
 * (then other nodes unless __GFP_THISNODE); ALLOC_NOFRAGMENT when the
 * preferred zone is Normal and DMA32 is populated (so unmovable requests
 * take whole pageblocks from DMA32 before fragmenting Normal), dropped for
 * a second pass when no zone could serve; in each zone the low watermark
 * (plus boost) with the lowmem reserve of the requested zone type, then the
 * pcp list or the buddy lists. No zone: the slow path would be needed.
 */
#include <string.h>

#include "allocator/internal.h"
#include "allocator/types.h"

struct zonelist {
	int zone[64];
	int n;
};

static void build_zonelist(const struct pa_model *m, int node, int highest, bool thisnode,
			   struct zonelist *zl)
{
	zl->n = 0;
	for (int pass = 0; pass < 2; pass++)
		for (int t = highest; t >= 0; t--)
			for (uint32_t z = 0; z < m->nr_zones && zl->n < 64; z++) {
				const struct pa_zone_desc *d = &m->zones[z].desc;
				bool local = d->node == node;

				if ((int)d->type == t && d->managed && (pass == 0 ? local : !local) &&
				    (pass == 0 || !thisnode))
					zl->zone[zl->n++] = (int)z;
			}
}

static bool watermark_ok(const struct pa_model *m, const struct pa_zone *z, unsigned order,
			 int highest)
{
	uint64_t mark = z->desc.wmark_low + z->desc.boost;
	uint64_t reserve = z->desc.lowmem_reserve[highest];
	int64_t free_pages = (int64_t)z->free_pages - ((1LL << order) - 1);

	if (free_pages <= (int64_t)(mark + reserve))
		return false;
	if (order == 0)
		return true;
	for (unsigned o = order; o < m->nr_orders; o++)
		for (int mt = 0; mt < PA_PCPTYPES; mt++)
			if (z->free[o][mt].head != PA_NIL)
				return true;
	return false;
}

/* What __rmqueue would hand out in z; path set in out. */
static uint32_t rmqueue_peek(const struct pa_model *m, const struct pa_zone *z, unsigned order,
			     int mt, bool nofragment, struct pa_prediction *out)
{
	uint32_t idx = pa_rmqueue_peek(m, z, order, mt, out);

	if (idx == PA_NIL)
		idx = pa_fallback_peek(m, z, order, mt, nofragment, out);
	return idx;
}

static uint32_t zone_peek(const struct pa_model *m, const struct pa_zone *z,
			  const struct pa_request *req, int mt, bool nofragment,
			  struct pa_prediction *out)
{
	if (pa_pcp_order(m, req->order) && mt < PA_PCPTYPES) {
		const struct pa_list *l = &z->pcp[req->cpu].lists[pa_pcp_index(m, req->order, mt)];
		uint32_t idx;

		if (l->head != PA_NIL) {
			out->path = PA_PATH_PCP;
			return l->head;
		}
		idx = rmqueue_peek(m, z, req->order, mt, nofragment, out);
		if (idx != PA_NIL && out->path == PA_PATH_BUDDY)
			out->path = PA_PATH_PCP_REFILL;
		return idx;
	}
	return rmqueue_peek(m, z, req->order, mt, nofragment, out);
}

static bool nofragment_for(const struct pa_model *m, int first_zone)
{
	const struct pa_zone_desc *d = &m->zones[first_zone].desc;

	if (d->type != PA_ZONE_NORMAL)
		return false;
	for (uint32_t z = 0; z < m->nr_zones; z++)
		if (m->zones[z].desc.node == d->node && m->zones[z].desc.type == PA_ZONE_DMA32 &&
		    m->zones[z].desc.managed)
			return true;
	return false;
}

int pa_predict(const struct pa_model *m, const struct pa_request *req, struct pa_prediction *out)
{
	int highest = pa_gfp_zone(req->gfp), mt = pa_gfp_migratetype(req->gfp);
	int node = req->node >= 0 ? req->node : m->cpu_node[req->cpu % m->nr_cpus];
	struct zonelist zl;
	bool nofragment;

	memset(out, 0, sizeof(*out));
	out->pfn = PA_PFN_NONE;
	out->zone = -1;
	out->migratetype = mt;
	if (highest < 0 || req->order >= m->nr_orders || req->cpu >= m->nr_cpus)
		return -1;
	build_zonelist(m, node, highest, (req->gfp & PA_GFP(THISNODE)) != 0, &zl);
	nofragment = zl.n && nofragment_for(m, zl.zone[0]);
	for (int pass = 0; pass < 2; pass++, nofragment = false) {
		for (int i = 0; i < zl.n; i++) {
			const struct pa_zone *z = &m->zones[zl.zone[i]];
			uint32_t idx;

			if (nofragment && z->desc.node != node)
				break;	/* the kernel drops NOFRAGMENT and starts over */
			if (!watermark_ok(m, z, req->order, highest))
				continue;
			idx = zone_peek(m, z, req, mt, nofragment, out);
			if (idx == PA_NIL)
				continue;
			out->success = true;
			out->pfn = pa_pfn(z, idx);
			out->zone = zl.zone[i];
			return 0;
		}
		if (!nofragment)
			break;
	}
	out->path = PA_PATH_SLOWPATH;
	out->needs_slowpath = true;
	return 0;
}
