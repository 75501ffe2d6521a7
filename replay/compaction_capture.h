/* SPDX-License-Identifier: MIT */
#ifndef PR_REPLAY_COMPACTION_CAPTURE_H
#define PR_REPLAY_COMPACTION_CAPTURE_H

/*
 * Compaction capture, which no event shows: while a task compacts for an
 * allocation (direct compaction, after mm_compaction_try_to_compact_pages),
 * a free in its own context that merges up to the order it compacts for is
 * handed to it (compaction_capture in __free_one_page) instead of going on
 * the free lists; its allocation then returns that block. Another task's
 * request meanwhile finds it gone: the kernel fails an order-9 request the
 * model would serve from it.
 *
 * The model does the same for the drains and frees of a task whose run is
 * for pageblock order or more (below, a movable block is only captured for
 * a movable request, and the request's type is not kept), in the zone the
 * run compacts, once per run: the block leaves the lists and the task's next
 * allocation of that order is predicted to be it. If that allocation is
 * elsewhere, the block goes back.
 */

#include <stdbool.h>
#include <stdint.h>

#include "allocator/model.h"

#define RP_CAPTURES 8

struct rp_captured {
	uint32_t pid;
	uint64_t pfn;
	uint8_t order;
	bool live;
};

struct rp_capture {
	struct rp_captured c[RP_CAPTURES];
	unsigned nr_live;		/* most allocations come with none: skip the search */
	uint64_t taken, used;		/* blocks captured; allocations that took them */
};

/* After a free by pid reached the buddy lists at pfn: capture the block it
 * completed, if pid compacts for order cc_order (0: not compacting, or
 * already captured). True if it did. */
bool rp_capture_free(struct rp_capture *c, struct pa_model *m, uint32_t pid, uint64_t pfn,
		     unsigned cc_order);
/* pid's allocation of order: the captured block it returns, or PA_PFN_NONE.
 * The capture is used up either way (taken by the kernel's pfn, or put back
 * if the kernel's block is another). */
uint64_t rp_capture_lookup(const struct rp_capture *c, uint32_t pid, unsigned order);
void rp_capture_used(struct rp_capture *c, struct pa_model *m, uint32_t pid, uint64_t kernel_pfn);

#endif
