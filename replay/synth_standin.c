/* SPDX-License-Identifier: MIT */
/*
 * Event order follows the kernel: a refill's mm_page_alloc_extfrag (when
 * its first block falls back) and mm_page_alloc_zone_locked events come
 * before the mm_page_alloc they serve; a free's mm_page_free comes before
 * the mm_page_pcpu_drain events it causes. The model's pcp lists hold
 * blocks whose order the public API does not tell, so the stand-in keeps
 * its own map of them (pfn -> order, list migratetype).
 */
#include <string.h>

#include "replay/synth_standin.h"

int rp_standin_init(struct rp_standin *s, struct pa_model *m, rp_emit_fn emit, void *ctx)
{
	memset(s, 0, sizeof(*s));
	s->m = m;
	s->nr_zones = pa_model_nr_zones(m);
	s->emit = emit;
	s->ctx = ctx;
	return rp_pfnmap_init(&s->pcp_blocks, 4096);
}

void rp_standin_release(struct rp_standin *s)
{
	rp_pfnmap_release(&s->pcp_blocks);
}

static void emit(struct rp_standin *s, enum prt_event_type type, uint32_t cpu, uint64_t pfn,
		 unsigned order, int mt, uint64_t gfp, uint64_t a0, uint64_t a1, uint64_t a2)
{
	struct prt_event ev = { .type = (uint8_t)type, .cpu = (uint16_t)cpu, .pfn = pfn,
				.order = (uint8_t)order, .migratetype = (int8_t)mt, .gfp = gfp,
				.arg = { a0, a1, a2 } };

	if (s->emit)
		s->emit(s->ctx, &ev);
}

static void fallback_event(struct rp_standin *s, uint32_t cpu, uint64_t pfn, unsigned order,
			   const struct pa_prediction *p)
{
	s->fallbacks++;
	emit(s, PRT_EV_EXTFRAG, cpu, pfn, order, p->migratetype, 0, p->fallback_order,
	     (uint64_t)p->fallback_mt, p->change_ownership);
}

/* rmqueue_bulk: refill_count blocks onto the cpu's list, one event each. */
static void refill(struct rp_standin *s, const struct pa_request *req,
		   const struct pa_prediction *p)
{
	unsigned n = p->refill_count ? p->refill_count : 1;

	for (unsigned i = 0; i < n; i++) {
		uint64_t pfn = pa_predict_refill(s->m, req->cpu, p->zone, req->order,
						 p->migratetype);

		if (pfn == PA_PFN_NONE)
			break;
		bool claimed = i == 0 && p->fallback_mt >= 0;

		if (claimed)
			fallback_event(s, req->cpu, pfn, req->order, p);
		pa_pcp_refill(s->m, req->cpu, pfn, req->order, p->migratetype);
		if (rp_pfnmap_put(&s->pcp_blocks, pfn,
				  req->order | (uint64_t)(p->migratetype & 0xff) << 8) < 0)
			s->lost_blocks++;
		if (claimed && s->fallback_traced_by_extfrag)
			continue;
		s->refills++;
		emit(s, PRT_EV_ZONE_LOCKED, req->cpu, pfn, req->order, p->migratetype, 0, 1, 0, 0);
	}
}

uint64_t rp_standin_alloc(struct rp_standin *s, const struct pa_request *req, uint64_t raw_gfp)
{
	struct pa_prediction p = { .success = false };

	if (pa_predict(s->m, req, &p) < 0)
		p.success = false;
	if (p.success && p.path == PA_PATH_PCP_REFILL) {
		refill(s, req, &p);
		if (pa_predict(s->m, req, &p) < 0)
			p.success = false;
	}
	if (!p.success) {
		emit(s, PRT_EV_ALLOC, req->cpu, PRT_PFN_NONE, req->order, p.migratetype, raw_gfp,
		     0, 0, 0);
		return PA_PFN_NONE;
	}
	if (p.path != PA_PATH_PCP && p.fallback_mt >= 0)
		fallback_event(s, req->cpu, p.pfn, req->order, &p);
	pa_apply_alloc(s->m, req->cpu, p.pfn, req->order, p.migratetype);
	rp_pfnmap_take(&s->pcp_blocks, p.pfn, NULL);
	emit(s, PRT_EV_ALLOC, req->cpu, p.pfn, req->order, p.migratetype, raw_gfp, 0, 0, 0);
	return p.pfn;
}

/* free_pcppages_bulk: the blocks the model's pending drain releases. */
static void drain(struct rp_standin *s, uint32_t cpu, int zone, bool all)
{
	for (;;) {
		uint64_t pfn, v;
		unsigned order;
		int mt;

		if (!all && pa_pending_drain(s->m, cpu, zone) == 0)
			return;
		pfn = pa_predict_drain(s->m, cpu, zone);
		if (pfn == PA_PFN_NONE)
			return;
		if (!rp_pfnmap_take(&s->pcp_blocks, pfn, &v)) {
			s->lost_blocks++;	/* cannot happen: every pcp block went in */
			return;
		}
		order = (unsigned)(v & 0xff);
		mt = (int8_t)(v >> 8);
		pa_pcp_drain(s->m, cpu, pfn, order, mt);
		s->drains++;
		emit(s, PRT_EV_PCPU_DRAIN, cpu, pfn, order, mt, 0, 0, 0, 0);
	}
}

enum pa_free_result rp_standin_free(struct rp_standin *s, uint32_t cpu, uint64_t pfn,
				    unsigned order)
{
	int zone = pa_model_zone_of(s->m, pfn);
	enum pa_free_result r;

	emit(s, PRT_EV_FREE, cpu, pfn, order, -1, 0, 0, 0, 0);
	r = pa_free(s->m, cpu, pfn, order);
	if (r == PA_FREE_TO_PCP) {
		/* the list is the pageblock's type, which the drain re-reads */
		if (rp_pfnmap_put(&s->pcp_blocks, pfn, order | (uint64_t)0xff << 8) < 0)
			s->lost_blocks++;
		drain(s, cpu, zone, false);
	}
	return r;
}

void rp_standin_drain_cpu(struct rp_standin *s, uint32_t cpu)
{
	for (uint32_t z = 0; z < s->nr_zones; z++)
		drain(s, cpu, (int)z, true);
}
