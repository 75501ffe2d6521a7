/* SPDX-License-Identifier: MIT */
/*
 * The end of a compaction run in lock-step: its held frees (replay/
 * compaction.h) reach the model or not, and its release corrects the
 * model's match of the run's isolation events.
 */
#include "replay/lockstep.h"

/*
 * What a compaction run's release reveals. A released page the model holds
 * free was in a block the kernel isolated and the model did not (its match
 * of an isolation event picked another block, or none): that whole free
 * block, if no larger than the run's events say it took, leaves the lists
 * (its unreleased part became migration targets), and a block of that
 * order the model isolated instead, which no free of the run touched, goes
 * back. A free that only handed a page back leaves the page in use.
 */
static void give_back_untouched(struct lockstep *ls, struct rp_compaction_run *r, unsigned order)
{
	for (uint32_t b = 0; b < r->nr_ranges; b++)
		if (!r->ranges[b].touched && r->ranges[b].order == order) {
			r->ranges[b].touched = true;
			if (pa_putback_isolated(ls->m, r->ranges[b].pfn, order) == 0)
				ls->res->isolations_undone++;
			return;
		}
}

/* The page of a held free is in use in the kernel: off the model's lists. */
static void in_use(struct lockstep *ls, const struct rp_held_free *f)
{
	if (pa_free_block_of(ls->m, f->pfn, NULL) == PA_PFN_NONE)
		return;
	ls_settle_block_of(ls, f->pfn, f->order);
	pa_apply_alloc(ls->m, f->cpu, f->pfn, f->order, PA_MT_MOVABLE);
}

static void reconcile_release(struct lockstep *ls, struct rp_compaction_run *r,
			      const struct rp_held_free *f)
{
	unsigned order;
	uint64_t head = pa_free_block_of(ls->m, f->pfn, &order);

	if (head == PA_PFN_NONE)
		return;
	if (order <= r->kernel_max_order) {
		ls_settle_block_of(ls, head, order);
		if (pa_isolate_free(ls->m, head) >= 0) {
			ls->res->isolations_found++;
			give_back_untouched(ls, r, order);
			return;
		}
	}
	in_use(ls, f);
}

void ls_compaction_end(struct lockstep *ls, uint32_t pid)
{
	struct rp_compaction_run *r = rp_compaction_ending(&ls->compaction, pid);

	if (!r)
		return;
	for (uint32_t i = 0; i < r->nr_held; i++) {
		const struct rp_held_free *f = &r->held[i];

		if (rp_compaction_released(r, i)) {
			reconcile_release(ls, r, f);
			ls_apply_free(ls, f->cpu, f->pfn, f->order);
		} else {
			in_use(ls, f);
		}
	}
	rp_compaction_finish(&ls->compaction, r);
}
