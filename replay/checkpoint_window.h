/* SPDX-License-Identifier: MIT */
#ifndef PR_REPLAY_CHECKPOINT_WINDOW_H
#define PR_REPLAY_CHECKPOINT_WINDOW_H

/*
 * The model's free counts over each checkpoint's read windows. A capture
 * notes when it read pagetypeinfo and zoneinfo; the kernel took each count
 * at one moment inside its file's read (pagetypeinfo walks the free lists
 * for milliseconds, dropping the zone lock between lists), so a count is
 * compared with what the model held at some moment of that window, not at
 * one instant. The model's state is constant between events, so the state
 * seen just before an event is the state over the gap the event closes.
 */

#include <stdint.h>

#include "allocator/model.h"
#include "analysis/checkpoint.h"
#include "capture/prt.h"

struct rp_checkpoint_windows {
	const struct prt_checkpoint *cps;	/* the reader's, in delivery order */
	uint32_t nr_cps, next;			/* next: the first not yet delivered */
	uint32_t nr_zones, nr_cpus;		/* the model's */
	uint64_t prev_ts;			/* the last event's time */
	struct an_model_range *range;		/* [nr_zones] */
	uint32_t *pcp;				/* the ranges' pcp arrays */
	uint32_t range_for;			/* the checkpoint range is for, + 1 */
	uint64_t first_start;			/* cps[next]'s earliest window start */
};

/* 0, or -1 out of memory. A trace without windows costs a compare per event. */
int rp_checkpoint_windows_init(struct rp_checkpoint_windows *w, const struct prt_checkpoint *cps,
			       uint32_t nr_cps, uint32_t nr_model_zones, uint32_t nr_cpus);
void rp_checkpoint_windows_release(struct rp_checkpoint_windows *w);

void rp_checkpoint_windows_fold(struct rp_checkpoint_windows *w, const struct pa_model *m,
				uint64_t ts_ns);

/* Before the model applies an event of time ts (inline: nearly every event
 * is before the next window, and this runs for each). */
static inline void rp_checkpoint_windows_before(struct rp_checkpoint_windows *w,
						const struct pa_model *m, uint64_t ts_ns)
{
	if (ts_ns < w->first_start)
		w->prev_ts = ts_ns;
	else
		rp_checkpoint_windows_fold(w, m, ts_ns);
}

/* At the checkpoint cp as it is delivered: its ranges per model zone, or
 * NULL where it has no windows; then the next checkpoint's are gathered. */
const struct an_model_range *rp_checkpoint_windows_take(struct rp_checkpoint_windows *w,
							const struct prt_checkpoint *cp);

#endif
