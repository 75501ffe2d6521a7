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

/* Every page of the aligned block at head is free in the model or held by
 * a guess. */
static bool free_but_guesses(struct lockstep *ls, uint64_t head, unsigned order)
{
	uint64_t pfn = head, end = head + (1ULL << order);

	while (pfn < end) {
		unsigned o;
		uint64_t b = pa_free_block_of(ls->m, pfn, &o);

		if (b != PA_PFN_NONE)
			pfn = b + (1ULL << o);
		else if (rp_guessed_holding(&ls->guessed, pfn))
			pfn++;
		else
			return false;
	}
	return true;
}

/* The allocated pages of [pfn, pfn + 2^order) go back to the free lists,
 * in the largest aligned pieces that are allocated whole. */
static void put_back_allocated(struct lockstep *ls, uint64_t pfn, unsigned order)
{
	unsigned o;
	uint64_t head = pa_free_block_of(ls->m, pfn, &o);

	if (head != PA_PFN_NONE && pfn + (1ULL << order) <= head + (1ULL << o))
		return;		/* free already */
	if (pa_putback_isolated(ls->m, pfn, order) == 0 || order == 0)
		return;
	put_back_allocated(ls, pfn, order - 1);
	put_back_allocated(ls, pfn + (1ULL << (order - 1)), order - 1);
}

/*
 * A run that ends with COMPACT_SUCCESS found a free block of cc->order or
 * more for its request (__compact_finished), unless a free was captured for
 * it; at pageblock order and above a block on any list will do (any
 * fallback may claim it). Where the model has none in the run's zone, what
 * it took on a guess is what is missing, if the aligned block of cc->order
 * around a guess is free but for guesses: the kernel's scanner took other
 * blocks than the model's (a fast search names a range and a count, not the
 * block), or a block the model dropped as gone was only away for a while.
 * Those guesses go back, and the block is whole again. On two fresh
 * captures (page-cache-batches, page-cache-carved) the kernel allocated
 * just that block for its THP next, where the model had failed.
 */
static void success_reveals(struct lockstep *ls, struct rp_compaction_run *r)
{
	int zone = pa_model_zone_of(ls->m, r->zone_start);
	uint64_t mask = (1ULL << r->cc_order) - 1, pfn;
	unsigned order;

	if (r->cc_order < ls->t->topo.pageblock_order || zone < 0 ||
	    rp_capture_lookup(&ls->capture, r->pid, r->cc_order) != PA_PFN_NONE ||
	    pa_free_blocks_from(ls->m, zone, r->cc_order, &pfn, &order, 1))
		return;
	for (unsigned i = 0; i < RP_GUESSED_TAKES; i++) {
		const struct rp_guessed_take *t = &ls->guessed.e[i];
		uint64_t head = t->pfn & ~mask;

		if (!t->live || pa_model_zone_of(ls->m, t->pfn) != zone ||
		    !free_but_guesses(ls, head, r->cc_order))
			continue;
		for (unsigned j = 0; j < RP_GUESSED_TAKES; j++) {
			struct rp_guessed_take *u = &ls->guessed.e[j];

			if (!u->live || u->pfn >> r->cc_order != head >> r->cc_order)
				continue;
			put_back_allocated(ls, u->pfn, u->order);
			rp_guessed_forget(&ls->guessed, u);
			ls->res->guesses_undone_at_success++;
		}
		return;
	}
}

void ls_compaction_end(struct lockstep *ls, uint32_t pid, bool success)
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
	for (uint32_t i = 0; i < r->nr_ranges; i++)
		if (!r->ranges[i].touched)
			rp_guessed_take(&ls->guessed, r->ranges[i].pfn, r->ranges[i].order,
					r->ranges[i].search_lo, r->ranges[i].search_hi);
	if (success)
		success_reveals(ls, r);
	rp_compaction_finish(&ls->compaction, r);
}
