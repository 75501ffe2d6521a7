/* SPDX-License-Identifier: MIT */
/*
 * The free-run loop. Event by event, in the trace's merged order:
 *   mm_page_alloc              pa_alloc: the model's own block; remember
 *                              kernel pfn -> model pfn for the free
 *   mm_page_free               free the model's block for that kernel pfn;
 *                              a pfn never allocated in the trace is a page
 *                              from before the capture: free it in place
 *   refills, drains, extfrag   counted, not applied: the model refills and
 *                              drains (auto-drain) by its own policy
 * When the kernel failed and the model did not, the model's block goes
 * straight back: the workload never got it, so it will never free it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/frag.h"
#include "capture/prt.h"
#include "replay/infer.h"
#include "replay/kswapd.h"
#include "replay/pfnmap.h"
#include "replay/replay.h"
#include "replay/translate.h"
#include "common/clock.h"

struct freerun {
	const struct rp_observer *obs;
	struct pr_error *err;
	int observer_failed;
	const struct rp_translate *t;
	struct pa_model *m;
	struct rp_kswapd kswapd;
	struct rp_free_result *res;
	struct rp_pfnmap k2m;		/* kernel pfn -> model pfn (PA_PFN_NONE: model failed) */
	struct rp_pfnmap owned;		/* model pfn -> kernel pfn, live blocks */
	bool *lost_window;
	uint32_t nr_cpus;
};

static enum rp_class classify(const struct freerun *fr, const struct pa_prediction *p,
			      uint64_t kpfn)
{
	uint32_t pb = fr->t->topo.pageblock_order;
	int kz;

	if (kpfn == PRT_PFN_NONE)
		return p->success ? RP_kernel_failed : RP_both_failed;
	if (!p->success)
		return RP_model_failed;
	if (p->pfn == kpfn)
		return RP_exact_pfn;
	if ((p->pfn >> pb) == (kpfn >> pb))
		return RP_same_pageblock;
	kz = pa_model_zone_of(fr->m, kpfn);
	if (kz == p->zone)
		return RP_same_zone;
	if (kz >= 0 && pa_model_zone_desc(fr->m, kz)->node == pa_model_zone_desc(fr->m, p->zone)->node)
		return RP_other_zone;
	return RP_other_node;
}

static void count(struct freerun *fr, const struct prt_event *ev, enum rp_class c,
		  const struct pa_prediction *p)
{
	struct rp_result *r = &fr->res->r;

	if (fr->obs && fr->obs->allocation && !fr->observer_failed) {
		struct rp_allocation a = { .ev = ev, .index = r->events - 1, .cls = c, .pred = p,
					   .migratetype = rp_translate_mt(fr->t, ev->migratetype),
					   .kernel_zone = ev->pfn == PRT_PFN_NONE ? -1
							  : pa_model_zone_of(fr->m, ev->pfn) };

		if (fr->obs->allocation(fr->obs->ctx, &a, fr->err) < 0)
			fr->observer_failed = 1;
	}
	if (r->classes[c] < RP_FIRST)
		r->first[c][r->classes[c]] = (struct rp_divergence){
			.event = r->events - 1, .kernel_pfn = ev->pfn, .model_pfn = p->pfn,
			.gfp = ev->gfp, .cpu = ev->cpu, .order = ev->order, .path = (uint8_t)p->path,
			.apply = -1 };
	r->classes[c]++;
	if (ev->order < RP_MAX_ORDERS) {
		r->by_order[ev->order][0]++;
		r->by_order[ev->order][1] += c == RP_exact_pfn;
	}
}

static void remember(struct freerun *fr, uint64_t kpfn, uint64_t mpfn)
{
	uint64_t old;

	/* the kernel handing out a pfn it never freed: a lost free */
	if (rp_pfnmap_get(&fr->k2m, kpfn, &old) && old != PA_PFN_NONE)
		rp_pfnmap_take(&fr->owned, old, NULL);
	if (rp_pfnmap_put(&fr->k2m, kpfn, mpfn) < 0 ||
	    (mpfn != PA_PFN_NONE && rp_pfnmap_put(&fr->owned, mpfn, kpfn) < 0))
	{
		pr_fail(fr->err, PR_ENOMEM, "out of memory");
		fr->observer_failed = 1;
	}
}

static void on_alloc(struct freerun *fr, const struct prt_event *ev)
{
	struct pa_request req = { .cpu = ev->cpu, .node = -1,
				  .gfp = rp_translate_gfp(fr->t, ev->gfp), .order = ev->order };
	struct pa_prediction p = { .success = false, .pfn = PA_PFN_NONE, .zone = -1,
				   .fallback_mt = -1 };
	enum rp_class c;

	fr->res->r.allocations++;
	if (ev->order >= fr->t->topo.nr_orders || ev->cpu >= fr->nr_cpus ||
	    (ev->pfn != PRT_PFN_NONE && pa_model_zone_of(fr->m, ev->pfn) < 0)) {
		count(fr, ev, RP_invalid_event, &p);
		return;
	}
	if (pa_alloc(fr->m, &req, &p) < 0)
		p.success = false;
	if (!p.success)
		p.pfn = PA_PFN_NONE;
	c = classify(fr, &p, ev->pfn);
	fr->res->kernel_failures += ev->pfn == PRT_PFN_NONE;
	fr->res->model_failures += !p.success;
	if (p.success && p.fallback_mt >= 0 &&
	    (p.path == PA_PATH_FALLBACK || p.path == PA_PATH_PCP_REFILL)) {
		fr->res->model_fallbacks++;
		fr->res->model_owner_changes += p.change_ownership;
	}
	if (ev->pfn != PRT_PFN_NONE) {
		remember(fr, ev->pfn, p.pfn);
	} else if (p.success) {
		pa_free(fr->m, ev->cpu, p.pfn, ev->order);
		fr->res->returned++;
	}
	if (c != RP_exact_pfn && fr->lost_window[ev->cpu])
		c = RP_lost_events;
	fr->lost_window[ev->cpu] = false;
	count(fr, ev, c, &p);
}

static void on_free(struct freerun *fr, const struct prt_event *ev)
{
	struct rp_free_result *res = fr->res;
	uint64_t mpfn = ev->pfn;

	res->r.frees++;
	if (ev->order >= fr->t->topo.nr_orders || ev->cpu >= fr->nr_cpus ||
	    pa_model_zone_of(fr->m, ev->pfn) < 0) {
		res->frees_invalid++;
		return;
	}
	if (rp_pfnmap_take(&fr->k2m, ev->pfn, &mpfn)) {
		if (mpfn == PA_PFN_NONE) {
			res->frees_model_failed++;
			return;
		}
		rp_pfnmap_take(&fr->owned, mpfn, NULL);
		res->frees_routed++;
	} else if (rp_pfnmap_get(&fr->owned, ev->pfn, NULL)) {
		res->frees_conflict++;	/* a pre-capture page the model handed out */
		return;
	} else {
		res->frees_same_pfn++;
	}
	if (pa_free(fr->m, ev->cpu, mpfn, ev->order) == PA_FREE_NOT_ALLOCATED)
		res->r.free_desync++;
}

/* The kernel's figures from a checkpoint's buddyinfo, per model zone. */
static void note_checkpoint(struct freerun *fr, const struct prt_checkpoint *cp)
{
	struct rp_free_result *res = fr->res;

	res->checkpoint_seq = cp->seq;
	for (uint32_t i = 0; i < res->nr_zones; i++) {
		struct rp_zone_end *z = &res->zones[i];
		uint32_t tz = (uint32_t)z->trace_zone;
		struct pa_zone_state zs = { .largest_free_order = -1 };
		struct an_contig_info ci;
		bool known = cp->buddyinfo && tz < cp->nr_zones;

		z->kernel_free_pages = cp->free_pages && tz < cp->nr_zones ? cp->free_pages[tz] : -1;
		z->kernel_largest_order = -1;
		z->kernel_unusable = -1;
		for (uint32_t o = 0; known && o < cp->nr_orders && o < PA_MAX_ORDERS; o++) {
			int64_t n = cp->buddyinfo[(uint64_t)tz * cp->nr_orders + o];

			if (n < 0)
				known = false;
			else if (n > 0)
				z->kernel_largest_order = (int)o;
			zs.free_blocks[o][0] = n > 0 ? (uint64_t)n : 0;
		}
		if (!known)
			continue;
		an_contig_info(&zs, fr->t->topo.nr_orders, fr->t->topo.pageblock_order, &ci);
		z->kernel_unusable = an_unusable_index(&ci, fr->t->topo.pageblock_order);
	}
}

static void on_event(struct freerun *fr, const struct prt_event *ev)
{
	/* the host's reclaim happened whatever the model chose: its pcp caps
	 * follow the kernel's kswapd, as in lock-step */
	rp_kswapd_event(&fr->kswapd, fr->m, ev);
	switch (ev->type) {
	case PRT_EV_ALLOC: on_alloc(fr, ev); break;
	case PRT_EV_FREE: on_free(fr, ev); break;
	case PRT_EV_ZONE_LOCKED: fr->res->r.refills += ev->arg[0] != 0; break;
	case PRT_EV_PCPU_DRAIN: fr->res->r.drains++; break;
	case PRT_EV_EXTFRAG:
		fr->res->r.extfrag++;
		fr->res->kernel_owner_changes += ev->arg[2] != 0;
		break;
	case PRT_EV_LOST:
		if (ev->cpu < fr->nr_cpus)
			fr->lost_window[ev->cpu] = true;
		break;
	default: break;
	}
}

static int observe(struct freerun *fr, struct prt_reader *r, const struct prt_event *ev)
{
	const struct rp_observer *obs = fr->obs;
	uint64_t n = fr->res->r.events;

	if (ev->type == PRT_EV_CHECKPOINT && prt_reader_checkpoint(r))
		note_checkpoint(fr, prt_reader_checkpoint(r));
	if (!obs)
		return 0;
	if (obs->event && (ev->type == PRT_EV_EXTFRAG || ev->type == PRT_EV_CHECKPOINT) &&
	    obs->event(obs->ctx, ev, ev->type == PRT_EV_CHECKPOINT ? prt_reader_checkpoint(r) : NULL,
		       NULL, NULL, fr->m, fr->t->mt, n - 1, fr->err) < 0)
		return -1;
	if (obs->sample && obs->sample_every && n % obs->sample_every == 0 &&
	    obs->sample(obs->ctx, fr->m, n, ev->ts_ns, fr->err) < 0)
		return -1;
	return 0;
}

static int paranoid(struct freerun *fr, const struct prt_event *ev)
{
	char msg[sizeof(fr->err->msg)];

	if (pa_model_check(fr->m, fr->err) == 0)
		return 0;
	fr->res->r.paranoid_event = fr->res->r.events - 1;
	snprintf(msg, sizeof(msg), "%s", fr->err->msg);
	pr_fail(fr->err, PR_ESTATE, "event %llu (%s, cpu %u, pfn %#llx, order %u): %s",
		(unsigned long long)fr->res->r.paranoid_event, prt_event_name(ev->type), ev->cpu,
		(unsigned long long)ev->pfn, ev->order, msg);
	return -1;
}

static int run(struct freerun *fr, struct prt_reader *r, const struct rp_options *opt)
{
	struct prt_event ev = { 0 };
	double start = pr_now_s();
	int got;

	while ((got = prt_reader_next(r, &ev, fr->err)) > 0) {
		fr->res->r.events++;
		on_event(fr, &ev);
		if (fr->observer_failed || observe(fr, r, &ev) < 0)
			return -1;
		if ((opt->paranoid || (opt->check_every && fr->res->r.events % opt->check_every == 0)) &&
		    paranoid(fr, &ev) < 0)
			return -1;
	}
	fr->res->r.seconds = pr_now_s() - start;
	if (got >= 0 && fr->obs && fr->obs->sample &&
	    fr->obs->sample(fr->obs->ctx, fr->m, fr->res->r.events, ev.ts_ns, fr->err) < 0)
		return -1;
	return got;
}

static void zones_at_end(struct freerun *fr)
{
	struct rp_free_result *res = fr->res;

	for (uint32_t i = 0; i < res->nr_zones; i++) {
		struct rp_zone_end *z = &res->zones[i];
		struct pa_zone_state zs;
		struct an_contig_info ci;

		if (pa_zone_state(fr->m, (int)i, &zs) < 0)
			continue;
		z->model_pcp_pages = zs.pcp_pages;
		z->model_free_pages = zs.free_pages - zs.pcp_pages;
		z->model_largest_order = zs.largest_free_order;
		an_contig_info(&zs, fr->t->topo.nr_orders, fr->t->topo.pageblock_order, &ci);
		z->model_unusable = an_unusable_index(&ci, fr->t->topo.pageblock_order);
	}
}

static void init_zones(struct rp_free_result *res, const struct rp_translate *t,
		       const struct prt_header *h)
{
	res->checkpoint_seq = -1;
	for (uint32_t z = 0; z < h->nr_zones; z++) {
		int mz = t->zone_of_prt[z];

		if (mz < 0 || mz >= RP_MAX_ZONES)
			continue;
		res->zones[mz] = (struct rp_zone_end){ .trace_zone = (int)z, .kernel_free_pages = -1,
						       .kernel_largest_order = -1,
						       .kernel_unusable = -1, .node = h->zones[z].node };
		snprintf(res->zones[mz].name, sizeof(res->zones[mz].name), "%s", h->zones[z].name);
		if ((uint32_t)mz + 1 > res->nr_zones)
			res->nr_zones = (uint32_t)mz + 1;
	}
}

static int setup(struct freerun *fr, const char *path, const struct prt_header *h,
		 struct prt_reader *r, const struct rp_options *opt)
{
	struct rp_pageblock_hints hints = { 0 };
	const struct rp_observer *obs = opt->observer;
	struct prt_header start;

	fr->nr_cpus = h->nr_cpus;
	fr->lost_window = calloc(h->nr_cpus ? h->nr_cpus : 1, sizeof(bool));
	if (!fr->lost_window || rp_pfnmap_init(&fr->k2m, 1u << 14) < 0 ||
	    rp_pfnmap_init(&fr->owned, 1u << 14) < 0)
		return pr_fail(fr->err, PR_ENOMEM, "out of memory");
	rp_infer_pageblocks(path, &hints, NULL);
	rp_header_at_start(h, &hints, &start);
	fr->m = rp_build_model(fr->t, &start, &hints, fr->res->r.profile, fr->err);
	rp_pageblock_hints_release(&hints);
	if (!fr->m)
		return -1;
	pa_model_set_auto_drain(fr->m, true);
	init_zones(fr->res, fr->t, h);
	if (obs && obs->begin && obs->begin(obs->ctx, h, prt_reader_file_bytes(r),
					    prt_reader_event_count(r), fr->res->r.profile,
					    fr->err) < 0)
		return -1;
	return 0;
}

int rp_freerun_file(const char *path, const struct rp_options *opt, struct rp_free_result *res,
		    struct pr_error *err)
{
	struct prt_reader *r = prt_reader_open(path, err);
	struct rp_translate t;
	struct freerun fr = { .res = res, .obs = opt->observer, .err = err, .t = &t };
	const struct prt_header *h;
	int ret = -1;

	memset(res, 0, sizeof(*res));
	if (!r)
		return -1;
	h = prt_reader_header(r);
	res->r.profile = opt->profile >= 0 ? (enum pa_profile)opt->profile
					   : pa_profile_for_release(h->kernel_release);
	if (rp_translate_init(&t, h, err) == 0) {
		if (setup(&fr, path, h, r, opt) == 0 && run(&fr, r, opt) >= 0) {
			zones_at_end(&fr);
			ret = 0;
		}
		pa_model_destroy(fr.m);
		rp_translate_release(&t);
	}
	rp_pfnmap_release(&fr.k2m);
	rp_pfnmap_release(&fr.owned);
	free(fr.lost_window);
	prt_reader_close(r);
	return ret;
}
