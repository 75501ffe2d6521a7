/* SPDX-License-Identifier: MIT */
/*
 * The lock-step loop. Event by event, in the trace's merged order:
 *   mm_page_alloc              predict, classify, then apply the kernel's block
 *   mm_page_alloc_zone_locked  with percpu_refill: compare the model's refill
 *                              choice, then move the kernel's block to the pcp
 *   mm_page_pcpu_drain         compare the model's drain choice, then drain
 *   mm_page_free               free as the model decides (pcp or buddy);
 *                              a free of free_unref_folios waits for
 *   mm_page_free_batched       its batched event: free_pages_prepare traces
 *                              the whole batch first, the pages reach the
 *                              pcp lists one by one after
 *   lost                       opens a lost-event window on that cpu: its
 *                              divergences are classed lost_events until the
 *                              model agrees exactly again (at most
 *                              LOST_WINDOW allocations)
 *   extfrag                    compare the model's fallback; on 6.15+
 *                              take the page it returned
 *                              (replay/lockstep_fallback.c)
 *   compaction isolate         take the isolated free blocks off the lists
 *   compaction begin / end     frees of pages the run isolated are held to
 *                              its end (replay/compaction.h)
 *   kswapd's events            reclaim active on the node's zones while
 *                              kswapd works (replay/kswapd.h), which caps
 *                              what a pcp list holds (drains come sooner)
 *   a failure the model would  free page reporting holds the blocks
 *   have served                (replay/reporting.h)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/prt.h"
#include "replay/checkpoint_pcp.h"
#include "replay/infer.h"
#include "replay/lockstep.h"
#include "replay/replay.h"
#include "replay/translate.h"
#include "replay/unsettled.h"
#include "common/clock.h"

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

void ls_note_buddy_merge(struct lockstep *ls, const struct prt_event *ev)
{
	unsigned order;

	if (pa_free_block_of(ls->m, ev->pfn, &order) != PA_PFN_NONE && order >= ev->order)
		rp_buddy_merge(&ls->buddy_changes, ev->ts_ns, ev->cpu, pa_model_zone_of(ls->m, ev->pfn),
			       ev->order, order);
}

void ls_note_buddy_split(struct lockstep *ls, const struct prt_event *ev)
{
	unsigned order;

	if (ev->pfn != PRT_PFN_NONE && pa_free_block_of(ls->m, ev->pfn, &order) != PA_PFN_NONE &&
	    order >= ev->order)
		rp_buddy_split(&ls->buddy_changes, ev->ts_ns, ev->cpu, pa_model_zone_of(ls->m, ev->pfn),
			       ev->order, order);
}

static void on_alloc(struct lockstep *ls, const struct prt_event *ev)
{
	struct pa_request req = { .cpu = ev->cpu, .node = -1,
				  .gfp = rp_translate_gfp(ls->t, ev->gfp), .order = ev->order };
	struct pa_prediction p;
	enum rp_class c;
	enum pa_apply_result r = PA_APPLY_OUTSIDE;
	unsigned untraced;
	uint64_t captured;

	ls->res->allocations++;
	if (ev->order >= ls->t->topo.nr_orders || ev->cpu >= ls->nr_cpus ||
	    (ev->pfn != PRT_PFN_NONE && pa_model_zone_of(ls->m, ev->pfn) < 0)) {
		ls->res->classes[RP_invalid_event]++;
		return;
	}
	captured = rp_capture_lookup(&ls->capture, ev->pid, ev->order);
	if (captured != PA_PFN_NONE) {
		p = (struct pa_prediction){ .success = true, .pfn = captured, .path = PA_PATH_CAPTURE,
					    .zone = pa_model_zone_of(ls->m, captured),
					    .migratetype = rp_translate_mt(ls->t, ev->migratetype),
					    .fallback_mt = -1 };
		untraced = 0;
	} else {
		pa_predict(ls->m, &req, &p);
		ls_recheck_watermark(ls, ev, &req, &p);
		untraced = ls_take_untraced(ls, &req, &p, ev,
					    rp_translate_mt(ls->t, ev->migratetype));
	}
	c = untraced ? RP_untraced_alloc : classify(ls, &p, ev);
	if (c != RP_exact_pfn && p.success && ev->pfn != PRT_PFN_NONE &&
	    ls_guessed_from_initial_order(ls, p.pfn, ev->pfn, p.path))
		c = RP_unknown_order;
	if (ev->pfn != PRT_PFN_NONE) {
		rp_guessed_named(&ls->guessed, ev->pfn, ev->order);
		ls_settle_block_of(ls, ev->pfn, ev->order);
		r = pa_apply_alloc(ls->m, ev->cpu, ev->pfn, ev->order,
				   rp_translate_mt(ls->t, ev->migratetype));

		if (c != RP_exact_pfn && r == PA_APPLY_NOT_FREE)
			c = RP_state_desync;
		else if (c != RP_exact_pfn && r == PA_APPLY_UNKNOWN)
			c = RP_unknown_state;
		if (r == PA_APPLY_UNKNOWN && pa_pcp_order(ls->m, ev->order))
			rp_pcp_before_left(&ls->pcp_before, pa_model_zone_of(ls->m, ev->pfn), ev->cpu,
					   ev->order);
	}
	if (captured != PA_PFN_NONE)
		rp_capture_used(&ls->capture, ls->m, ev->pid, ev->pfn);
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
	ls->res->outcome_agree += (ev->pfn == PRT_PFN_NONE) == !p.success;
	if (ev->pfn == PRT_PFN_NONE && p.success)
		rp_reporting_failed(&ls->reporting, ls->m, p.zone, ev->order, ev->ts_ns);
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

/*
 * 6.15+: a block a refill takes with mm_page_alloc_zone_locked came off the
 * free list of the refill's migratetype (__rmqueue_smallest; a fallback's
 * block is traced by mm_page_alloc_extfrag alone), and since 6.10 a free
 * block sits on the list of its pageblock's type. Where the model has it on
 * another list, the model's type for that pageblock is wrong (capture
 * guesses types: /proc does not export them): it takes the refill's, after
 * the comparison. Left alone, the model took the refill for a steal and
 * predicted the rest of the batch from another migratetype's lists: one
 * Reclaimable block was the model's choice for 6,474 of a fresh capture's
 * refills.
 */
static void ls_refill_list_type(struct lockstep *ls, uint64_t pfn, int mt)
{
	uint64_t head = pa_free_block_of(ls->m, pfn, NULL);
	int list_mt = head == PA_PFN_NONE ? -1 : pa_free_block_mt(ls->m, head);

	if (!ls->t->fallback_traced_by_extfrag || mt < 0 || mt >= PA_MT_HIGHATOMIC ||
	    list_mt < 0 || list_mt >= PA_MT_HIGHATOMIC || list_mt == mt)
		return;
	if (pa_model_set_pageblock_mt(ls->m, pfn, mt) == 0)
		ls->res->pageblocks_retyped++;
}

static void on_refill(struct lockstep *ls, const struct prt_event *ev)
{
	int zone = pa_model_zone_of(ls->m, ev->pfn);
	int mt = rp_translate_mt(ls->t, ev->migratetype);
	uint64_t predicted;

	if (zone < 0 || ev->cpu >= ls->nr_cpus || ev->order >= ls->t->topo.nr_orders)
		return;
	ls->res->refills++;
	ls_correct_empty_lists(ls, ev->cpu, zone, ev->order, mt, ev->pfn, ev->ts_ns);
	predicted = pa_predict_refill(ls->m, ev->cpu, zone, ev->order, mt);
	if (predicted == ev->pfn) {
		ls->res->refills_agree++;
	} else {
		ls_passed_over(ls, predicted, ev->pfn);
		if (ls_guessed_from_initial_order(ls, predicted, ev->pfn, PA_PATH_BUDDY))
			ls->res->refills_unknown++;
	}
	ls_refill_list_type(ls, ev->pfn, mt);
	rp_guessed_named(&ls->guessed, ev->pfn, ev->order);
	ls_settle_block_of(ls, ev->pfn, ev->order);
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
	struct rp_held_free held;

	if (zone < 0 || ev->cpu >= ls->nr_cpus || ev->order >= ls->t->topo.nr_orders)
		return;
	owner = pa_pcp_owner(ls->m, ev->pfn);
	if (owner < 0)
		owner = ev->cpu;
	if (owner != (int)ev->cpu) {
		/* drain_all_pages: no free of that cpu's set it off */
		pa_pcp_drain_from_start(ls->m, (uint32_t)owner, zone);
		ls->draining_for[ev->cpu] = owner;
	}
	/* the free was real: held as one that might go back to compaction,
	 * which ended with the page in use (a fresh capture's run held its
	 * migration sources' frees and took their drained block off the
	 * lists; the kernel allocated it later) */
	if (rp_compaction_take_held(&ls->compaction, ev->pfn, &held))
		ls_apply_free(ls, held.cpu, held.pfn, held.order);
	ls->res->drains++;
	ls->res->remote_drains += (uint32_t)owner != ev->cpu;
	if (pa_page_unknown(ls->m, ev->pfn))
		rp_pcp_before_drained(&ls->pcp_before, zone, (uint32_t)owner, ev->order);
	if (pa_predict_drain(ls->m, (uint32_t)owner, zone) == ev->pfn) {
		ls->res->drains_agree++;
	} else if (pa_page_unknown(ls->m, ev->pfn)) {
		ls->res->drains_unknown++;	/* on a pcp list since before capture */
	} else if (pa_free_block_of(ls->m, ev->pfn, NULL) != PA_PFN_NONE) {
		/* free in the model's buddy lists: it reached the kernel's pcp
		 * list by no event the model saw (a page drained, then drained
		 * again with none between), so where on the list is unknown */
		ls->res->drains_unknown++;
		ls->res->drains_untraced++;
	} else
		ls_drain_passed_over(ls, ev->pfn);
	pa_pcp_drain(ls->m, (uint32_t)owner, ev->pfn, ev->order,
		     rp_translate_mt(ls->t, ev->migratetype));
	ls_note_buddy_merge(ls, ev);
	ls_settle_block_of(ls, ev->pfn, ev->order);
	ls_capture_after_free(ls, ev->pid, ev->pfn);
}

static void on_event(struct lockstep *ls, const struct prt_event *ev)
{
	struct rp_compaction_run *run;

	if (ev->cpu < ls->nr_cpus)
		ls->draining_for[ev->cpu] = -1;	/* on_drain sets it again */
	if (ev->type != PRT_EV_FREE && ev->type != PRT_EV_FREE_BATCHED &&
	    ev->type != PRT_EV_COMPACT_END)
		rp_compaction_note(&ls->compaction, ev->pid, ls->res->events);
	rp_kswapd_event(&ls->kswapd, ls->m, ev);
	rp_reporting_event(&ls->reporting, ls->m, ev);
	switch (ev->type) {
	case PRT_EV_ALLOC: on_alloc(ls, ev); break;
	case PRT_EV_FREE: ls_on_free(ls, ev); break;
	case PRT_EV_FREE_BATCHED: ls_on_free_batched(ls, ev); break;
	case PRT_EV_ZONE_LOCKED:
		ls_note_buddy_split(ls, ev);
		if (ev->arg[0] && ev->pfn != PRT_PFN_NONE)
			on_refill(ls, ev);
		break;
	case PRT_EV_PCPU_DRAIN: on_drain(ls, ev); break;
	case PRT_EV_EXTFRAG: ls_on_extfrag(ls, ev); break;
	case PRT_EV_COMPACT_ISOLATE_FREE: ls_isolate_free(ls, ev); break;
	case PRT_EV_COMPACT_TRY:
		if (ev->order < ls->t->topo.nr_orders)
			rp_compaction_try(&ls->compaction, ev->pid, ev->order);
		break;
	case PRT_EV_COMPACT_BEGIN:
		rp_compaction_begin(&ls->compaction, ev->pid, ls->res->events);
		if ((run = rp_compaction_run_of(&ls->compaction, ev->pid)))
			run->zone_start = ev->arg[0];
		break;
	case PRT_EV_COMPACT_END:
		ls_compaction_end(ls, ev->pid, ev->arg[5] == PRT_COMPACT_SUCCESS);
		break;
	case PRT_EV_LOST:
		if (ev->cpu < ls->nr_cpus)
			ls->lost_window[ev->cpu] = LOST_WINDOW;
		break;
	default: break;
	}
}

/* An extfrag or checkpoint event to the observer, after the model applied it. */
static int observe(struct lockstep *ls, const struct prt_event *ev,
		   const struct prt_checkpoint *cp, const struct an_model_range *ranges,
		   const struct rp_pcp_rows *pcp, struct pr_error *err)
{
	return ls->obs->event(ls->obs->ctx, ev, cp, ranges, pcp, ls->m, ls->t->mt,
			      ls->res->events - 1, err);
}

static void add_carved(struct lockstep *ls, uint64_t pfn)
{
	if (ls->nr_carved == ls->cap_carved) {
		size_t cap = ls->cap_carved ? 2 * ls->cap_carved : 64;
		uint64_t *c = realloc(ls->carved, cap * sizeof(*c));

		if (!c)
			return;	/* then it counts as an initial block in full */
		ls->carved = c;
		ls->cap_carved = cap;
	}
	ls->carved[ls->nr_carved++] = pfn;
}

static int cmp_pfn(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * A page on a pcp list at capture start that the free map had inside a free
 * block was carved out of it (replay/translate.c); the rest of that block
 * is as free, and its place on its lists as unknown, as any initial block.
 * Left settled, such a remainder headed its list as a known block: on a
 * fresh capture one order-0 page, the buddy of a page drained 4.7 s later,
 * was the model's choice for 1,936 refills the kernel served from elsewhere.
 * Every free block in the window of the largest order around the carved
 * page is an initial block or such a remainder, before any event.
 */
static void unsettle_carved(struct lockstep *ls, const struct rp_pageblock_hints *hints)
{
	uint64_t span = 1ULL << (ls->t->topo.nr_orders - 1);

	for (uint64_t i = 0; i < hints->nr_pcp_at_start; i++) {
		uint64_t start = hints->pcp_at_start[i].pfn & ~(span - 1);

		for (uint64_t pfn = start; pfn < start + span;) {
			unsigned order;
			uint64_t head = pa_free_block_of(ls->m, pfn, &order);

			if (head != pfn) {
				pfn++;
				continue;
			}
			if (!rp_unsettled_has(&ls->unsettled, head)) {
				rp_unsettled_mark(&ls->unsettled, head);
				add_carved(ls, head);
			}
			pfn += 1ULL << order;
		}
	}
	if (ls->nr_carved)
		qsort(ls->carved, ls->nr_carved, sizeof(*ls->carved), cmp_pfn);
}

bool ls_carved_remainder(const struct lockstep *ls, uint64_t pfn)
{
	return ls->nr_carved &&
	       bsearch(&pfn, ls->carved, ls->nr_carved, sizeof(*ls->carved), cmp_pfn) != NULL;
}

static int run(struct lockstep *ls, struct prt_reader *r, const struct rp_options *opt,
	       struct pr_error *err)
{
	struct prt_event ev;
	int got;
	double start = pr_now_s();

	const struct rp_observer *obs = ls->obs;
	const struct prt_checkpoint *cp;
	const struct an_model_range *ranges;
	struct rp_pcp_rows pcp = { .rows = ls->pcp_rows };
	uint64_t last_ts = 0, last_kernel_ts = 0;	/* of any event; of the kernel's */

	while ((got = prt_reader_next(r, &ev, err)) > 0) {
		ls->res->events++;
		if (opt->progress && (ls->res->events & ((1u << 20) - 1)) == 0)
			opt->progress(opt->progress_ctx, ls->res->events, prt_reader_event_count(r));
		for (uint64_t at; rp_reporting_change_near(&ls->reporting, ev.ts_ns) &&
				  (at = rp_reporting_change_at(&ls->reporting,
							       ev.type == PRT_EV_CHECKPOINT,
							       last_kernel_ts)) <= ev.ts_ns;) {
			/* never before the last event: the model held its state
			 * through it (a report's early end after a kernel event) */
			rp_checkpoint_windows_before(&ls->windows, ls->m, at > last_ts ? at : last_ts);
			rp_reporting_advance(&ls->reporting, ls->m,
					     rp_reporting_next_change(&ls->reporting));
		}
		last_ts = ev.ts_ns;
		if (ev.type != PRT_EV_CHECKPOINT)
			last_kernel_ts = ev.ts_ns;
		rp_checkpoint_windows_before(&ls->windows, ls->m, ev.ts_ns);
		on_event(ls, &ev);
		/* a refill is part of the allocation traced after it, whose
		 * watermark check came before the refill */
		if (!(ev.type == PRT_EV_ZONE_LOCKED && ev.arg[0]))
			rp_buddy_changes_event_done(&ls->buddy_changes, ev.cpu, ev.ts_ns);
		if (ls->observer_failed)
			return -1;
		cp = ev.type == PRT_EV_CHECKPOINT ? prt_reader_checkpoint(r) : NULL;
		ranges = cp ? rp_checkpoint_windows_take(&ls->windows, cp) : NULL;
		pcp.n = cp ? rp_checkpoint_pcp_compare(ls->t, ls->start->nr_zones, cp, ranges, ls->m,
						       &ls->pcp_before, ls->pcp_rows,
						       ls->nr_pcp_rows, ls->res) : 0;
		if (obs && obs->event && (ev.type == PRT_EV_EXTFRAG || ev.type == PRT_EV_CHECKPOINT) &&
		    observe(ls, &ev, cp, ranges, pcp.n ? &pcp : NULL, err) < 0)
			return -1;
		if (cp) {
			rp_checkpoint_pcp_resync_high(ls->t, ls->start->nr_zones, cp, ls->m);
			rp_checkpoint_pcp_resync_unseen(ls->t, pcp.rows, pcp.n, &ls->pcp_before);
			ls_pcp_untraced(ls, cp, ranges);
		}
		/* after the observer: the checkpoint's own row shows the model as it was */
		if (cp && !ls->first_checkpoint_seen) {
			ls->first_checkpoint_seen = true;
			ls_first_checkpoint(ls, cp, ranges);
		}
		if (obs && obs->sample && obs->sample_every &&
		    ls->res->events % obs->sample_every == 0 &&
		    obs->sample(obs->ctx, ls->m, ls->res->events, ev.ts_ns, err) < 0)
			return -1;
		if ((opt->paranoid || (opt->check_every && ls->res->events % opt->check_every == 0)) &&
		    pa_model_check(ls->m, err) < 0) {
			char msg[sizeof(err->msg)];

			ls->res->paranoid_event = ls->res->events - 1;
			snprintf(msg, sizeof(msg), "%s", err->msg);
			pr_fail(err, PR_ESTATE, "event %llu (%s, cpu %u, pfn %#llx, order %u): %s",
				(unsigned long long)ls->res->paranoid_event, prt_event_name(ev.type),
				ev.cpu, (unsigned long long)ev.pfn, ev.order, msg);
			return -1;
		}
	}
	if (got >= 0) {
		ls_flush_held(ls);
		rp_reporting_flush(&ls->reporting, ls->m);
	}
	ls->res->seconds = pr_now_s() - start;
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
	struct lockstep ls = { .res = res, .obs = opt->observer, .err = err,
				 .passed_over = PA_PFN_NONE };
	const struct prt_header *h;
	struct prt_header start;	/* h, with the free map as tracing began */
	struct prt_free_block *start_blocks;
	const struct prt_checkpoint *cps;
	uint32_t nr_cps = 0;
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
	ls.nr_pcp_rows = h->nr_zones * h->nr_cpus;
	rp_reporting_init(&ls.reporting, h, t.topo.nr_orders);

	ls.lost_window = calloc(h->nr_cpus ? h->nr_cpus : 1, sizeof(*ls.lost_window));
	rp_infer_pageblocks(path, &hints, NULL);
	rp_header_at_start(h, &hints, &start);
	start_blocks = hints.free_at_start;	/* start's, kept for the main pass */
	hints.free_at_start = NULL;
	res->scan_pages_before = hints.scan_pages_before;
	res->scan_pages_changed = hints.scan_pages_changed;
	ls.m = rp_build_model(&t, &start, &hints, res->profile, err);
	if (ls.m && (rp_unsettled_init(&ls.unsettled, &start) < 0 ||
		     rp_guessed_takes_init(&ls.guessed, ls.unsettled.base, ls.unsettled.nr,
					   t.topo.pageblock_order) < 0 ||
		     !(ls.ruled_out = calloc((ls.unsettled.nr >> t.topo.pageblock_order) + 1, 1)))) {
		pa_model_destroy(ls.m);
		ls.m = NULL;
		pr_fail(err, PR_ENOMEM, "out of memory");
	}
	if (ls.m && rp_reporting_seen_init(&ls.reporting, r, &start, ls.m) < 0) {
		pa_model_destroy(ls.m);
		ls.m = NULL;
		pr_fail(err, PR_ENOMEM, "out of memory");
	}
	if (ls.m)
		unsettle_carved(&ls, &hints);
	ls.start = &start;
	ls.named = rp_hints_take_named(&hints);
	ls.batched = hints.batched;	/* kept for the main pass */
	ls.nr_batched_bits = hints.batched ? hints.nr_events : 0;
	hints.batched = NULL;
	ls.pending = calloc(h->nr_cpus ? h->nr_cpus : 1, sizeof(*ls.pending));
	ls.draining_for = malloc((h->nr_cpus ? h->nr_cpus : 1) * sizeof(*ls.draining_for));
	for (uint32_t c = 0; ls.draining_for && c < h->nr_cpus; c++)
		ls.draining_for[c] = -1;
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
	cps = prt_reader_checkpoints(r, &nr_cps);
	if (ls.lost_window && ls.pending && ls.draining_for && ls.m &&
	    rp_checkpoint_windows_init(&ls.windows, cps, nr_cps, pa_model_nr_zones(ls.m),
				       pa_model_nr_cpus(ls.m)) == 0 &&
	    rp_buddy_changes_init(&ls.buddy_changes, h->nr_cpus) == 0 &&
	    rp_start_counts_init(&ls.start_counts, &t, &start, ls.m) == 0 &&
	    rp_pcp_before_init(&ls.pcp_before, h, &t, pa_model_nr_zones(ls.m),
			       pa_model_nr_cpus(ls.m)) == 0 &&
	    (ls.pcp_rows = calloc((size_t)ls.nr_pcp_rows + 1, sizeof(*ls.pcp_rows))) != NULL)
		ret = run(&ls, r, opt, err);
	else if (ls.m)
		pr_fail(err, PR_ENOMEM, "out of memory");
	pa_model_destroy(ls.m);
	rp_checkpoint_windows_release(&ls.windows);
	rp_buddy_changes_release(&ls.buddy_changes);
	rp_start_counts_release(&ls.start_counts);
	rp_pcp_before_release(&ls.pcp_before);
	free(ls.pcp_rows);
	rp_unsettled_release(&ls.unsettled);
	rp_guessed_takes_release(&ls.guessed);
	free(start_blocks);
	rp_named_release(ls.named, h->nr_zones);
	free(ls.batched);
	free(ls.pending);
	free(ls.draining_for);
	res->compaction_frees_dropped = ls.compaction.dropped;
	res->report_batches = ls.reporting.batches;
	res->captures = ls.capture.taken;
	res->captures_used = ls.capture.used;
	res->report_blocks = ls.reporting.blocks;
	res->report_seen = ls.reporting.seen.nr ? ls.reporting.batches : 0;
	res->report_seen_pages = ls.reporting.seen.held_pages;
	res->report_seen_short = ls.reporting.seen.short_pages;
	res->report_seen_wrong = ls.reporting.seen.wrong_blocks;
	if (ls.reporting.seen.nr)
		res->report_batches = res->report_blocks = 0;
	rp_compaction_release(&ls.compaction);
	rp_reporting_release(&ls.reporting);
	free(ls.ruled_out);
	free(ls.carved);
	free(ls.lost_window);
	rp_translate_release(&t);
out_reader:
	prt_reader_close(r);
	return ret < 0 ? -1 : 0;
}
