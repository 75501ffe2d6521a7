/* SPDX-License-Identifier: MIT */
/*
 * mm_page_alloc_extfrag in lock-step: the model's fallback compared with the
 * kernel's; where the event is the only trace of the page a fallback
 * returned (6.15+), that page taken; and the same event from compaction
 * capture told apart (docs/divergence.md, docs/fidelity.md).
 */
#include "replay/lockstep.h"
#include "replay/translate.h"

/*
 * mm_page_alloc_extfrag fires inside __rmqueue_fallback, before the block
 * moves and before the refill or allocation event: the model, asked the same
 * question now, should fall back from the same migratetype and order, and
 * claim the pageblock or not, as the kernel did.
 */
static void compare_fallback(struct lockstep *ls, const struct prt_event *ev, int zone)
{
	struct pa_prediction p;

	if (pa_predict_rmqueue(ls->m, ev->cpu, zone, ev->order,
			       rp_translate_mt(ls->t, ev->migratetype), &p) < 0)
		return;
	if (p.path != PA_PATH_FALLBACK || p.fallback_mt != rp_translate_mt(ls->t, (int)ev->arg[1]) ||
	    p.fallback_order != ev->arg[0] || p.change_ownership != !!ev->arg[2])
		return;
	ls->res->extfrag_agree++;
	ls->res->extfrag_pfn_agree += p.pfn == ev->pfn;
}

/*
 * Where mm_page_alloc_extfrag alone traces a fallback's page (6.15+), a
 * page of a pcp order and type is a refill's: rmqueue_bulk took it (the
 * rest of its batch follows as mm_page_alloc_zone_locked, from the block
 * the fallback claimed). Left free, the model split the claimed block at
 * the next refill around it, and the page, drained later, looked as if it
 * had been on a pcp list since capture start. A page of another order is
 * the mm_page_alloc that follows: that takes it.
 */
static void take_fallback_page(struct lockstep *ls, const struct prt_event *ev)
{
	int mt = rp_translate_mt(ls->t, ev->migratetype);
	unsigned order;

	if (!ls->t->fallback_traced_by_extfrag || !pa_pcp_order(ls->m, ev->order) ||
	    (mt != PA_MT_UNMOVABLE && mt != PA_MT_MOVABLE && mt != PA_MT_RECLAIMABLE) ||
	    pa_free_block_of(ls->m, ev->pfn, &order) != ev->pfn || order < ev->order)
		return;
	ls_note_buddy_split(ls, ev);
	rp_guessed_named(&ls->guessed, ev->pfn, ev->order);
	ls_settle_block_of(ls, ev->pfn, ev->order);
	pa_pcp_refill(ls->m, ev->cpu, ev->pfn, ev->order, mt);
	ls->res->fallback_refills++;
}

/*
 * compaction_capture traces mm_page_alloc_extfrag too, when the block a
 * free completed for a compacting task is of another migratetype: no
 * __rmqueue took it, the free traced next put it together. Its page is
 * not on the free lists; its task compacts for that order.
 */
static bool traced_by_capture(struct lockstep *ls, const struct prt_event *ev)
{
	struct rp_compaction_run *run = rp_compaction_run_of(&ls->compaction, ev->pid);
	unsigned order;

	return run && run->cc_order == ev->order &&
	       (pa_free_block_of(ls->m, ev->pfn, &order) != ev->pfn || order < ev->order);
}

/* A request type with lists of its own (not highatomic, CMA or isolate). */
static bool mt_on_lists(const struct lockstep *ls, const struct prt_event *ev)
{
	int mt = rp_translate_mt(ls->t, ev->migratetype);

	return mt == PA_MT_UNMOVABLE || mt == PA_MT_MOVABLE || mt == PA_MT_RECLAIMABLE;
}

void ls_on_extfrag(struct lockstep *ls, const struct prt_event *ev)
{
	int zone = pa_model_zone_of(ls->m, ev->pfn);

	ls->res->extfrag++;
	if (zone < 0 || ev->cpu >= ls->nr_cpus || ev->order >= ls->t->topo.nr_orders)
		return;
	if (traced_by_capture(ls, ev)) {
		ls->res->extfrag_captures++;
		return;
	}
	if (mt_on_lists(ls, ev))
		ls_correct_before_fallback(ls, zone, rp_translate_mt(ls->t, ev->migratetype), ev);
	compare_fallback(ls, ev, zone);
	take_fallback_page(ls, ev);
}
