/* SPDX-License-Identifier: MIT */
/*
 * An allocation's outcome or zone decided by a watermark check the model
 * cannot reproduce exactly: checked before another cpu's change traced
 * ahead of it, or within a few pages of the mark, where the model's free
 * count drifts from the kernel's (docs/fidelity.md). The kernel's outcome
 * and zone decide, when a recheck with the counts adjusted gives them.
 */
#include "replay/lockstep.h"

/* The prediction again, with the watermark check's free counts adjusted. */
static void predict_adjusted(const struct lockstep *ls, struct pa_request *req,
			     const struct pa_wmark_adjust *adj, struct pa_prediction *out)
{
	req->wmark_adjust = adj;
	pa_predict(ls->m, req, out);
	req->wmark_adjust = NULL;
}

/*
 * The model's outcome differs from the kernel's, and other cpus changed the
 * buddy lists since this cpu's previous event: the kernel's watermark check
 * may have come before those changes (replay/buddy_changes.h). If checking
 * without them gives the kernel's outcome, that is the prediction. So too
 * where both succeeded in different zones, the model's zone holding other
 * cpus' frees the kernel's check did not see: on page-cache-pcp an order-0
 * request the kernel refilled from DMA32 while another cpu drained three
 * order-9 blocks into Normal, whose count was 75 pages under its min mark
 * without them.
 */
static void check_before_other_cpus(struct lockstep *ls, const struct prt_event *ev,
				    struct pa_request *req, struct pa_prediction *p)
{
	bool kernel_ok = ev->pfn != PRT_PFN_NONE;
	int kernel_zone = kernel_ok ? pa_model_zone_of(ls->m, ev->pfn) : p->zone;
	bool other_zone = kernel_ok && p->success && kernel_zone != p->zone;
	int zone = other_zone ? p->zone : kernel_zone;
	struct pa_wmark_adjust adj;
	struct pa_prediction again;

	if ((kernel_ok == p->success && !other_zone) || zone < 0 || kernel_zone < 0 ||
	    !rp_buddy_unseen(&ls->buddy_changes, ev->cpu, ev->ts_ns,
			     kernel_ok ? RP_CHECK_WINDOW_NS : RP_FAILED_CHECK_WINDOW_NS, zone, &adj))
		return;
	predict_adjusted(ls, req, &adj, &again);
	if (again.success != kernel_ok || (other_zone && again.zone != kernel_zone))
		return;
	*p = again;
	ls->res->checks_before_other_cpus++;
}

/*
 * The kernel served an allocation from this cpu's pcp list, where the model
 * has its page too, but the model's watermark check failed first: the
 * kernel's NR_FREE_PAGES was above the mark. The model's count drifts from
 * the kernel's by a few pages between checkpoints (at most tens of pages
 * here, one pcp batch being 63); a zone sitting at its min watermark turns
 * that into a failed burst. Within RP_WMARK_SLACK pages the kernel's
 * outcome decides.
 */
#define RP_WMARK_SLACK 32

static void check_within_slack(struct lockstep *ls, const struct prt_event *ev,
			       struct pa_request *req, struct pa_prediction *p)
{
	struct pa_wmark_adjust adj;
	struct pa_prediction again;

	/* (adj is set only past the early returns: zeroing it cost 2% of
	 * lock-step replay, run on every allocation) */
	if (p->success || ev->pfn == PRT_PFN_NONE || pa_pcp_owner(ls->m, ev->pfn) != (int)ev->cpu)
		return;
	adj = (struct pa_wmark_adjust){ .zone = pa_model_zone_of(ls->m, ev->pfn), .pages = RP_WMARK_SLACK };
	predict_adjusted(ls, req, &adj, &again);
	if (!again.success)
		return;
	*p = again;
	ls->res->checks_within_slack++;
}

/*
 * ... and the other way round: the model served the request from a zone
 * the kernel passed over for the next one in the zonelist. Within
 * RP_WMARK_SLACK pages of the mark the kernel's failed check decides:
 * page-cache-low-counters' Normal zone stood 24 pages above the kernel's
 * while the kernel's order-9 checks failed by 7 pages (free 20,667 less
 * 511 against low 20,163): 101 requests the kernel served from DMA32.
 */
static void pass_within_slack(struct lockstep *ls, const struct prt_event *ev,
			      struct pa_request *req, struct pa_prediction *p)
{
	struct pa_wmark_adjust adj;
	struct pa_prediction again;
	int kernel_zone;

	if (!p->success || ev->pfn == PRT_PFN_NONE ||
	    (kernel_zone = pa_model_zone_of(ls->m, ev->pfn)) < 0 || kernel_zone == p->zone)
		return;
	adj = (struct pa_wmark_adjust){ .zone = p->zone, .pages = -RP_WMARK_SLACK };
	predict_adjusted(ls, req, &adj, &again);
	if (!again.success || again.zone != kernel_zone)
		return;
	*p = again;
	ls->res->passes_within_slack++;
}

/*
 * ... and where the kernel failed the request: the model served it from a
 * zone within RP_WMARK_SLACK pages of the mark, and with that zone's count
 * that much lower it fails too. Page-cache-pcp's one order-1 GFP_NOWAIT
 * request the kernel failed passed the model's Normal check by 8-16 pages;
 * page-cache-low-counters' one order-9 request by 2-4.
 */
static void fail_within_slack(struct lockstep *ls, const struct prt_event *ev,
			      struct pa_request *req, struct pa_prediction *p)
{
	struct pa_wmark_adjust adj;
	struct pa_prediction again;

	if (!p->success || ev->pfn != PRT_PFN_NONE)
		return;
	adj = (struct pa_wmark_adjust){ .zone = p->zone, .pages = -RP_WMARK_SLACK };
	predict_adjusted(ls, req, &adj, &again);
	if (again.success)
		return;
	*p = again;
	ls->res->fails_within_slack++;
}

void ls_recheck_watermark(struct lockstep *ls, const struct prt_event *ev, struct pa_request *req,
			  struct pa_prediction *p)
{
	check_before_other_cpus(ls, ev, req, p);
	check_within_slack(ls, ev, req, p);
	pass_within_slack(ls, ev, req, p);
	fail_within_slack(ls, ev, req, p);
}
