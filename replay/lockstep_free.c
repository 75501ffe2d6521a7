/* SPDX-License-Identifier: MIT */
/*
 * Frees in lock-step: where the kernel put the page, as its events show.
 * A free of free_unref_folios reaches the pcp list at its
 * mm_page_free_batched; one that found its cpu's pcp lock held by another
 * cpu's drain went to the buddy lists; one that only hands a page back to
 * a compaction run is held until the run ends (replay/compaction.h).
 */
#include "replay/lockstep.h"

/* Is another cpu draining cpu's lists now, holding its pcp lock? */
static bool lists_being_drained(const struct lockstep *ls, uint32_t cpu)
{
	for (uint32_t c = 0; ls->draining_for && c < ls->nr_cpus; c++)
		if (ls->draining_for[c] == (int)cpu)
			return true;
	return false;
}

enum pa_free_result ls_apply_free(struct lockstep *ls, uint32_t cpu, uint64_t pfn, unsigned order)
{
	enum pa_free_result r;

	if (lists_being_drained(ls, cpu)) {
		r = pa_free_to_buddy(ls->m, cpu, pfn, order);
		ls->res->frees_past_locked_pcp++;
	} else {
		r = pa_free(ls->m, cpu, pfn, order);
	}
	if (r == PA_FREE_NOT_ALLOCATED)
		ls->res->free_desync++;
	ls_settle_block_of(ls, pfn, order);
	return r;
}

/* A free of a page a compaction run holds is held until the run ends
 * (replay/compaction.h); others reach the model now. */
static void free_now(struct lockstep *ls, const struct prt_event *ev, uint64_t seq)
{
	if (rp_compaction_hold_free(&ls->compaction, ev->pid, ev->cpu, ev->pfn, ev->order, seq))
		return;
	rp_compaction_note(&ls->compaction, ev->pid, seq);
	if (ls_apply_free(ls, ev->cpu, ev->pfn, ev->order) == PA_FREE_TO_BUDDY)
		ls_note_buddy_merge(ls, ev);
	ls_capture_after_free(ls, ev->pid, ev->pfn);
}

void ls_capture_after_free(struct lockstep *ls, uint32_t pid, uint64_t pfn)
{
	struct rp_compaction_run *run = rp_compaction_run_of(&ls->compaction, pid);

	/* capc->cc->zone: only a block in the zone being compacted */
	if (run && run->cc_order >= ls->t->topo.pageblock_order &&
	    pa_model_zone_of(ls->m, pfn) == pa_model_zone_of(ls->m, run->zone_start))
		rp_capture_free(&ls->capture, ls->m, pid, pfn, run->cc_order);
}

static bool in_batch(const struct lockstep *ls, uint64_t index)
{
	return ls->batched && index < ls->nr_batched_bits &&
	       (ls->batched[index / 8] >> (index % 8) & 1);
}

/* free_unref_folios: the page reaches the pcp list at its
 * mm_page_free_batched (replay/infer.c found which frees have one). */
void ls_on_free(struct lockstep *ls, const struct prt_event *ev)
{
	uint64_t index = ls->res->events - 1;
	struct pending_free *slot;

	if (ev->order >= ls->t->topo.nr_orders || ev->cpu >= ls->nr_cpus)
		return;
	ls->res->frees++;
	if (!in_batch(ls, index)) {
		free_now(ls, ev, ls->res->events);
		return;
	}
	slot = &ls->pending[ev->cpu][index % LS_PENDING_FREES];
	if (slot->live)		/* its batched event never came: as it was */
		free_now(ls, &slot->ev, slot->seq);
	*slot = (struct pending_free){ .ev = *ev, .seq = ls->res->events, .live = true };
}

/* The trace ended inside free_unref_folios or a compaction run: what was
 * held goes where it would have gone. */
void ls_flush_held(struct lockstep *ls)
{
	for (uint32_t c = 0; ls->pending && c < ls->nr_cpus; c++)
		for (unsigned i = 0; i < LS_PENDING_FREES; i++)
			if (ls->pending[c][i].live) {
				ls->pending[c][i].live = false;
				free_now(ls, &ls->pending[c][i].ev, ls->pending[c][i].seq);
			}
	for (unsigned i = 0; i < RP_COMPACTION_RUNS; i++)
		if (ls->compaction.runs[i].active)
			ls_compaction_end(ls, ls->compaction.runs[i].pid, false);
}

void ls_on_free_batched(struct lockstep *ls, const struct prt_event *ev)
{
	if (ev->cpu >= ls->nr_cpus)
		return;
	for (unsigned i = 0; i < LS_PENDING_FREES; i++) {
		struct pending_free *slot = &ls->pending[ev->cpu][i];

		if (slot->live && slot->ev.pfn == ev->pfn) {
			slot->live = false;
			free_now(ls, &slot->ev, slot->seq);
			return;
		}
	}
}
