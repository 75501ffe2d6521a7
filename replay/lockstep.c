/* SPDX-License-Identifier: MIT */
/*
 * The lock-step loop. Event by event, in the trace's merged order:
 *   mm_page_alloc              predict, classify, then apply the kernel's block
 *   mm_page_alloc_zone_locked  with percpu_refill: compare the model's refill
 *                              choice, then move the kernel's block to the pcp
 *   mm_page_pcpu_drain         compare the model's drain choice, then drain
 *   mm_page_free               free as the model decides (pcp or buddy)
 *   mm_page_free_batched       nothing: the same page's mm_page_free came
 *                              first (free_pages_prepare traces every free;
 *                              free_unref_folios then traces the batch)
 *   lost                       opens a lost-event window on that cpu: its
 *                              divergences are classed lost_events until the
 *                              model agrees exactly again (at most
 *                              LOST_WINDOW allocations)
 *   extfrag                    compare the model's fallback
 *   compaction isolate         take the isolated free blocks off the lists
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "capture/prt.h"
#include "replay/infer.h"
#include "replay/replay.h"
#include "replay/translate.h"
#include "replay/unsettled.h"

#define RP_CLASS_NAME(name, desc) #name,
#define RP_CLASS_DESC(name, desc) desc,
static const char *const class_names[] = { RP_CLASSES(RP_CLASS_NAME) };
static const char *const class_descs[] = { RP_CLASSES(RP_CLASS_DESC) };

const char *rp_class_name(enum rp_class c)
{
	return (unsigned)c < RP_NR_CLASSES ? class_names[c] : "?";
}

const char *rp_class_desc(enum rp_class c)
{
	return (unsigned)c < RP_NR_CLASSES ? class_descs[c] : "?";
}

#define LOST_WINDOW 4096

struct lockstep {
	const struct rp_observer *obs;
	struct pr_error *err;
	int observer_failed;
	const struct rp_translate *t;
	struct pa_model *m;
	struct rp_result *res;
	uint32_t *lost_window;	/* per cpu: allocations left in the window */
	uint32_t nr_cpus;
	struct rp_unsettled unsettled;
	uint8_t *ruled_out;	/* per pageblock: migratetypes the trace ruled out */
};

/* Did the model pick its block from among the initial free blocks whose list
 * order it had to guess? Then a different kernel choice says nothing. */
static bool guessed_from_initial_order(const struct lockstep *ls, uint64_t model_pfn,
				       enum pa_path path)
{
	uint64_t head;

	if (model_pfn == PA_PFN_NONE || path == PA_PATH_PCP)
		return false;
	head = pa_free_block_of(ls->m, model_pfn, NULL);
	return head != PA_PFN_NONE && rp_unsettled_has(&ls->unsettled, head);
}

/*
 * The kernel's block for (order, mt) came from a settled free block of
 * order k > order, so its (mt, order..k-1) lists were empty. Blocks the
 * model still holds there are wrong, one of two ways:
 *  - an initial (unsettled) block sits in a pageblock whose type capture
 *    guessed wrong (pageblock types are not exported): retype it, never
 *    back to a type already ruled out;
 *  - a settled block is not free in the kernel: something no event shows
 *    took it (compaction's migration targets): the model lets it go.
 * Until the model's choice is no longer such a block.
 */
static bool retype_initial(struct lockstep *ls, uint64_t head, int mt)
{
	static const int order_of_guesses[] = { PA_MT_UNMOVABLE, PA_MT_RECLAIMABLE, PA_MT_MOVABLE };
	uint8_t *ruled_out = &ls->ruled_out[(head >> ls->t->topo.pageblock_order) -
					    (ls->unsettled.base >> ls->t->topo.pageblock_order)];

	*ruled_out |= (uint8_t)(1u << mt);
	for (unsigned i = 0; i < 3; i++)
		if (!(*ruled_out >> order_of_guesses[i] & 1)) {
			pa_model_set_pageblock_mt(ls->m, head, order_of_guesses[i]);
			ls->res->pageblocks_retyped++;
			return true;
		}
	return false;
}

static void correct_empty_lists(struct lockstep *ls, uint32_t cpu, int zone, unsigned order,
				int mt, uint64_t kernel_pfn)
{
	unsigned ko, po;
	uint64_t kh = pa_free_block_of(ls->m, kernel_pfn, &ko), ph;
	bool dropped = false;

	if (kh == PA_PFN_NONE || rp_unsettled_has(&ls->unsettled, kh) || ko <= order)
		return;
	for (int guard = 0; guard < 4096; guard++) {
		struct pa_prediction pred;

		/* only a block taken from the (mt) lists themselves says the
		 * kernel's were empty; a fallback choice proves nothing */
		if (pa_predict_rmqueue(ls->m, cpu, zone, order, mt, &pred) < 0 || !pred.success ||
		    pred.path != PA_PATH_BUDDY || pred.pfn == kernel_pfn)
			return;
		ph = pa_free_block_of(ls->m, pred.pfn, &po);
		if (ph == PA_PFN_NONE || po >= ko)
			return;
		if (rp_unsettled_has(&ls->unsettled, ph)) {
			if (dropped || !retype_initial(ls, ph, mt))
				return;
		} else {
			dropped = true;
			/* a block of half a pageblock or more would retype it */
			if (po + 1 >= ls->t->topo.pageblock_order || pa_isolate_free(ls->m, ph) < 0)
				return;
			ls->res->free_blocks_dropped++;
		}
	}
}

/*
 * alloc_pages_bulk (vmalloc, kernel stacks, network buffers) takes pages from
 * the head of a pcp list without mm_page_alloc. When the kernel's block sits
 * below the model's prediction on the same pcp list, the blocks above it
 * went that way: the model lets them go too. Returns how many.
 */
#define UNTRACED_MAX_DEPTH 512

static unsigned take_untraced(struct lockstep *ls, const struct pa_request *req,
			      struct pa_prediction *p, const struct prt_event *ev, int mt)
{
	unsigned klist, mlist, taken = 0;
	int depth;

	if (p->path != PA_PATH_PCP || ev->pfn == PRT_PFN_NONE || p->pfn == ev->pfn)
		return 0;
	depth = pa_pcp_depth(ls->m, ev->cpu, ev->pfn, UNTRACED_MAX_DEPTH, &klist);
	if (depth <= 0 || pa_pcp_depth(ls->m, ev->cpu, p->pfn, 0, &mlist) != 0 || klist != mlist)
		return 0;
	while (p->path == PA_PATH_PCP && p->pfn != ev->pfn && taken < (unsigned)depth) {
		pa_apply_alloc(ls->m, ev->cpu, p->pfn, req->order, mt);
		taken++;
		pa_predict(ls->m, req, p);
	}
	ls->res->untraced_blocks += taken;
	return taken;
}

/* The free block holding [pfn, 2^order) is about to be taken apart or has
 * just been merged into: every initial block inside it is settled. */
static void settle_block_of(struct lockstep *ls, uint64_t pfn, unsigned order)
{
	unsigned o = order;
	uint64_t head;

	if (!rp_unsettled_near(&ls->unsettled, pfn))
		return;
	head = pa_free_block_of(ls->m, pfn, &o);

	if (head == PA_PFN_NONE)
		rp_unsettled_touch(&ls->unsettled, pfn, order);
	else
		rp_unsettled_touch(&ls->unsettled, head, o);
}

static enum rp_class classify(const struct lockstep *ls, const struct pa_prediction *p,
			      const struct prt_event *ev)
{
	uint32_t pb = ls->t->topo.pageblock_order;
	int kz;

	if (ev->pfn == PRT_PFN_NONE)
		return p->success ? RP_kernel_failed : RP_both_failed;
	if (!p->success)
		return RP_model_failed;
	if (p->pfn == ev->pfn)
		return RP_exact_pfn;
	if ((p->pfn >> pb) == (ev->pfn >> pb))
		return RP_same_pageblock;
	kz = pa_model_zone_of(ls->m, ev->pfn);
	if (kz == p->zone)
		return RP_same_zone;
	if (kz >= 0 && pa_model_zone_desc(ls->m, kz)->node == pa_model_zone_desc(ls->m, p->zone)->node)
		return RP_other_zone;
	return RP_other_node;
}

static void on_alloc(struct lockstep *ls, const struct prt_event *ev)
{
	struct pa_request req = { .cpu = ev->cpu, .node = -1,
				  .gfp = rp_translate_gfp(ls->t, ev->gfp), .order = ev->order };
	struct pa_prediction p;
	enum rp_class c;
	enum pa_apply_result r = PA_APPLY_OUTSIDE;
	unsigned untraced;

	ls->res->allocations++;
	if (ev->order >= ls->t->topo.nr_orders || ev->cpu >= ls->nr_cpus ||
	    (ev->pfn != PRT_PFN_NONE && pa_model_zone_of(ls->m, ev->pfn) < 0)) {
		ls->res->classes[RP_invalid_event]++;
		return;
	}
	pa_predict(ls->m, &req, &p);
	untraced = take_untraced(ls, &req, &p, ev, rp_translate_mt(ls->t, ev->migratetype));
	c = untraced ? RP_untraced_alloc : classify(ls, &p, ev);
	if (c != RP_exact_pfn && p.success && ev->pfn != PRT_PFN_NONE &&
	    guessed_from_initial_order(ls, p.pfn, p.path))
		c = RP_unknown_order;
	if (ev->pfn != PRT_PFN_NONE) {
		settle_block_of(ls, ev->pfn, ev->order);
		r = pa_apply_alloc(ls->m, ev->cpu, ev->pfn, ev->order,
				   rp_translate_mt(ls->t, ev->migratetype));

		if (c != RP_exact_pfn && r == PA_APPLY_NOT_FREE)
			c = RP_state_desync;
		else if (c != RP_exact_pfn && r == PA_APPLY_UNKNOWN)
			c = RP_unknown_state;
	}
	/* events lost on a cpu leave its pcp lists unknown (and the buddy
	 * lists slightly off): divergences there are explained until the model
	 * agrees exactly again, or LOST_WINDOW allocations later */
	if (ls->lost_window[ev->cpu]) {
		if (c == RP_exact_pfn)
			ls->lost_window[ev->cpu] = 0;
		else {
			c = RP_lost_events;
			ls->lost_window[ev->cpu]--;
		}
	}
	if (ev->pfn == PRT_PFN_NONE ? !p.success
				    : p.success && p.zone == pa_model_zone_of(ls->m, ev->pfn))
		ls->res->zone_agree++;
	if (ls->obs && ls->obs->allocation && !ls->observer_failed) {
		struct rp_allocation a = { .ev = ev, .index = ls->res->events - 1, .cls = c,
					   .pred = &p, .migratetype = rp_translate_mt(ls->t, ev->migratetype),
					   .kernel_zone = ev->pfn == PRT_PFN_NONE ? -1
							  : pa_model_zone_of(ls->m, ev->pfn) };

		if (ls->obs->allocation(ls->obs->ctx, &a, ls->err) < 0)
			ls->observer_failed = 1;
	}
	if (ls->res->classes[c] < RP_FIRST)
		ls->res->first[c][ls->res->classes[c]] = (struct rp_divergence){
			.event = ls->res->events - 1, .kernel_pfn = ev->pfn, .model_pfn = p.pfn,
			.gfp = ev->gfp, .cpu = ev->cpu, .order = ev->order, .path = (uint8_t)p.path,
			.apply = (int8_t)r };
	ls->res->classes[c]++;
	rp_tally_allocation(ls->res, ev->gfp, rp_translate_mt(ls->t, ev->migratetype),
			    ev->pfn == PRT_PFN_NONE ? -1 : pa_model_zone_of(ls->m, ev->pfn),
			    c == RP_exact_pfn);
	if (ev->order < RP_MAX_ORDERS) {
		ls->res->by_order[ev->order][0]++;
		ls->res->by_order[ev->order][1] += c == RP_exact_pfn;
	}
}

static void on_refill(struct lockstep *ls, const struct prt_event *ev)
{
	int zone = pa_model_zone_of(ls->m, ev->pfn);
	int mt = rp_translate_mt(ls->t, ev->migratetype);
	uint64_t predicted;

	if (zone < 0 || ev->cpu >= ls->nr_cpus || ev->order >= ls->t->topo.nr_orders)
		return;
	ls->res->refills++;
	correct_empty_lists(ls, ev->cpu, zone, ev->order, mt, ev->pfn);
	predicted = pa_predict_refill(ls->m, ev->cpu, zone, ev->order, mt);
	if (predicted == ev->pfn)
		ls->res->refills_agree++;
	else if (guessed_from_initial_order(ls, predicted, PA_PATH_BUDDY))
		ls->res->refills_unknown++;
	settle_block_of(ls, ev->pfn, ev->order);
	pa_pcp_refill(ls->m, ev->cpu, ev->pfn, ev->order, mt);
}

/*
 * mm_page_pcpu_drain is traced on the cpu doing the draining, and since 6.1
 * drain_all_pages drains every cpu's lists from the calling cpu. The list a
 * block left is the one the model has it on: the drain is compared with
 * that cpu's next drain.
 */
static void on_drain(struct lockstep *ls, const struct prt_event *ev)
{
	int zone = pa_model_zone_of(ls->m, ev->pfn), owner;

	if (zone < 0 || ev->cpu >= ls->nr_cpus || ev->order >= ls->t->topo.nr_orders)
		return;
	owner = pa_pcp_owner(ls->m, ev->pfn);
	if (owner < 0)
		owner = ev->cpu;
	ls->res->drains++;
	ls->res->remote_drains += (uint32_t)owner != ev->cpu;
	if (pa_predict_drain(ls->m, (uint32_t)owner, zone) == ev->pfn)
		ls->res->drains_agree++;
	else if (pa_page_unknown(ls->m, ev->pfn))
		ls->res->drains_unknown++;	/* on a pcp list since before capture */
	pa_pcp_drain(ls->m, (uint32_t)owner, ev->pfn, ev->order,
		     rp_translate_mt(ls->t, ev->migratetype));
	settle_block_of(ls, ev->pfn, ev->order);
}

static void on_free(struct lockstep *ls, const struct prt_event *ev)
{
	if (ev->order >= ls->t->topo.nr_orders || ev->cpu >= ls->nr_cpus)
		return;
	ls->res->frees++;
	if (pa_free(ls->m, ev->cpu, ev->pfn, ev->order) == PA_FREE_NOT_ALLOCATED)
		ls->res->free_desync++;
	settle_block_of(ls, ev->pfn, ev->order);
}

/*
 * Compaction's free scanner takes free pages off the buddy lists with no
 * allocation event; they come back through a traced __free_pages or become
 * migration targets, later freed. The slow scanner reports the range it
 * walked, in which it took every free block (isolate_freepages_block); the
 * fast one reports a search window holding the one block it took from a
 * free list, of nr_taken pages.
 */
static uint64_t isolate_range(struct lockstep *ls, uint64_t start, uint64_t end)
{
	uint64_t taken = 0;

	for (uint64_t pfn = start; pfn < end;) {
		unsigned order;
		uint64_t head = pa_free_block_of(ls->m, pfn, &order);

		if (head == pfn && pa_isolate_free(ls->m, pfn) >= 0) {
			rp_unsettled_touch(&ls->unsettled, pfn, order);
			taken += 1ULL << order;
			pfn += 1ULL << order;
		} else {
			pfn++;
		}
	}
	return taken;
}

/*
 * fast_isolate_freepages reports (min_pfn, free_pfn): it walked the movable
 * list of one order from the tail for a block at or above low_pfn, which it
 * derives from the migrate scanner's position: min_pfn is a pageblock below
 * free_pfn - distance/2 and low_pfn one below free_pfn - distance/4. The
 * search limit depends on its recent failures, which no event shows: the
 * common case (no recent failure, not at the scanner's start) is taken.
 */
#define FAST_SEARCH_LIMIT 16

static uint64_t isolate_fast(struct lockstep *ls, uint64_t min_pfn, uint64_t free_pfn, uint64_t nr)
{
	uint64_t pb = 1ULL << ls->t->topo.pageblock_order, low_pfn, head;
	unsigned order = 0;
	int zone = pa_model_zone_of(ls->m, min_pfn);

	while ((1ULL << order) < nr)
		order++;
	if (!nr || (1ULL << order) != nr || zone < 0 || free_pfn < min_pfn)
		return 0;
	low_pfn = (free_pfn - (free_pfn - min_pfn) / 2) & ~(pb - 1);
	head = pa_fast_isolate(ls->m, zone, order, min_pfn, low_pfn, FAST_SEARCH_LIMIT);
	if (head == PA_PFN_NONE)
		return 0;
	rp_unsettled_touch(&ls->unsettled, head, order);
	return nr;
}

static void on_isolate_free(struct lockstep *ls, const struct prt_event *ev)
{
	uint64_t taken = ev->arg[4] ? isolate_fast(ls, ev->arg[0], ev->arg[1], ev->arg[3])
				    : isolate_range(ls, ev->arg[0], ev->arg[1]);

	ls->res->isolated_pages += taken;
	ls->res->isolate_mismatch += taken != ev->arg[3];
}

/*
 * mm_page_alloc_extfrag fires inside __rmqueue_fallback, before the block
 * moves and before the refill or allocation event: the model, asked the same
 * question now, should fall back from the same migratetype and order, and
 * claim the pageblock or not, as the kernel did.
 */
static void on_extfrag(struct lockstep *ls, const struct prt_event *ev)
{
	int zone = pa_model_zone_of(ls->m, ev->pfn);
	struct pa_prediction p;

	ls->res->extfrag++;
	if (zone < 0 || ev->cpu >= ls->nr_cpus || ev->order >= ls->t->topo.nr_orders ||
	    pa_predict_rmqueue(ls->m, ev->cpu, zone, ev->order,
			       rp_translate_mt(ls->t, ev->migratetype), &p) < 0)
		return;
	if (p.path != PA_PATH_FALLBACK || p.fallback_mt != rp_translate_mt(ls->t, (int)ev->arg[1]) ||
	    p.fallback_order != ev->arg[0] || p.change_ownership != !!ev->arg[2])
		return;
	ls->res->extfrag_agree++;
	ls->res->extfrag_pfn_agree += p.pfn == ev->pfn;
}

static void on_event(struct lockstep *ls, const struct prt_event *ev)
{
	switch (ev->type) {
	case PRT_EV_ALLOC: on_alloc(ls, ev); break;
	case PRT_EV_FREE: on_free(ls, ev); break;
	case PRT_EV_ZONE_LOCKED:
		if (ev->arg[0] && ev->pfn != PRT_PFN_NONE)
			on_refill(ls, ev);
		break;
	case PRT_EV_PCPU_DRAIN: on_drain(ls, ev); break;
	case PRT_EV_EXTFRAG: on_extfrag(ls, ev); break;
	case PRT_EV_COMPACT_ISOLATE_FREE: on_isolate_free(ls, ev); break;
	case PRT_EV_LOST:
		if (ev->cpu < ls->nr_cpus)
			ls->lost_window[ev->cpu] = LOST_WINDOW;
		break;
	default: break;
	}
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int run(struct lockstep *ls, struct prt_reader *r, const struct rp_options *opt,
	       struct pr_error *err)
{
	struct prt_event ev;
	int got;
	double start = now();

	const struct rp_observer *obs = ls->obs;
	uint64_t last_ts = 0;

	while ((got = prt_reader_next(r, &ev, err)) > 0) {
		ls->res->events++;
		last_ts = ev.ts_ns;
		if (opt->progress && (ls->res->events & ((1u << 20) - 1)) == 0)
			opt->progress(opt->progress_ctx, ls->res->events, prt_reader_event_count(r));
		on_event(ls, &ev);
		if (ls->observer_failed)
			return -1;
		if (obs && obs->event && (ev.type == PRT_EV_EXTFRAG || ev.type == PRT_EV_CHECKPOINT) &&
		    obs->event(obs->ctx, &ev, ev.type == PRT_EV_CHECKPOINT ? prt_reader_checkpoint(r)
									   : NULL,
			       ls->m, ls->t->mt, ls->res->events - 1, err) < 0)
			return -1;
		if (obs && obs->sample && obs->sample_every &&
		    ls->res->events % obs->sample_every == 0 &&
		    obs->sample(obs->ctx, ls->m, ls->res->events, ev.ts_ns, err) < 0)
			return -1;
		if (opt->paranoid && pa_model_check(ls->m, err) < 0) {
			char msg[sizeof(err->msg)];

			ls->res->paranoid_event = ls->res->events - 1;
			snprintf(msg, sizeof(msg), "%s", err->msg);
			pr_fail(err, PR_ESTATE, "event %llu (%s, cpu %u, pfn %#llx, order %u): %s",
				(unsigned long long)ls->res->paranoid_event, prt_event_name(ev.type),
				ev.cpu, (unsigned long long)ev.pfn, ev.order, msg);
			return -1;
		}
	}
	ls->res->seconds = now() - start;
	if (opt->progress)
		opt->progress(opt->progress_ctx, ls->res->events, ls->res->events);
	if (got >= 0 && obs && obs->sample &&
	    obs->sample(obs->ctx, ls->m, ls->res->events, last_ts, err) < 0)
		return -1;
	return got;
}

int rp_replay_file(const char *path, const struct rp_options *opt, struct rp_result *res,
		   struct pr_error *err)
{
	struct prt_reader *r = prt_reader_open(path, err);
	struct rp_translate t;
	struct rp_pageblock_hints hints = { 0 };
	struct lockstep ls = { .res = res, .obs = opt->observer, .err = err };
	const struct prt_header *h;
	int ret = -1;

	memset(res, 0, sizeof(*res));
	if (!r)
		return -1;
	h = prt_reader_header(r);
	res->profile = opt->profile >= 0 ? (enum pa_profile)opt->profile
					 : pa_profile_for_release(h->kernel_release);
	if (rp_translate_init(&t, h, err) < 0)
		goto out_reader;
	ls.t = &t;
	ls.nr_cpus = h->nr_cpus;
	ls.lost_window = calloc(h->nr_cpus ? h->nr_cpus : 1, sizeof(*ls.lost_window));
	rp_infer_pageblocks(path, &hints, NULL);
	ls.m = rp_build_model(&t, h, &hints, res->profile, err);
	if (ls.m && (rp_unsettled_init(&ls.unsettled, h) < 0 ||
		     !(ls.ruled_out = calloc((ls.unsettled.nr >> t.topo.pageblock_order) + 1, 1)))) {
		pa_model_destroy(ls.m);
		ls.m = NULL;
		pr_fail(err, PR_ENOMEM, "out of memory");
	}
	rp_pageblock_hints_release(&hints);
	for (uint32_t z = 0; ls.m && z < pa_model_nr_zones(ls.m) && z < RP_MAX_ZONES; z++) {
		res->zone_type[z] = (int8_t)pa_model_zone_desc(ls.m, (int)z)->type;
		res->nr_zones = z + 1;
	}
	if (ls.m && opt->observer && opt->observer->begin &&
	    opt->observer->begin(opt->observer->ctx, h, prt_reader_file_bytes(r),
				 prt_reader_event_count(r), res->profile, err) < 0) {
		pa_model_destroy(ls.m);
		ls.m = NULL;
	}
	if (ls.lost_window && ls.m)
		ret = run(&ls, r, opt, err);
	else if (!ls.lost_window)
		pr_fail(err, PR_ENOMEM, "out of memory");
	pa_model_destroy(ls.m);
	rp_unsettled_release(&ls.unsettled);
	free(ls.ruled_out);
	free(ls.lost_window);
	rp_translate_release(&t);
out_reader:
	prt_reader_close(r);
	return ret < 0 ? -1 : 0;
}
