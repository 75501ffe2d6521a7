/* SPDX-License-Identifier: MIT */
#ifndef PR_ANALYSIS_CHECKPOINT_H
#define PR_ANALYSIS_CHECKPOINT_H

/*
 * Kernel ground truth: a /proc checkpoint from the trace beside the model's
 * counts for one zone. Kernel values missing from the checkpoint are -1.
 */

#include <stdbool.h>
#include <stdint.h>

#include "allocator/model.h"
#include "capture/prt.h"

/*
 * The model's counts for one zone over a checkpoint's read windows: the
 * kernel took each count at one moment inside its file's read, so the model
 * agrees with it if it held that count at some moment of the same window.
 */
struct an_model_range {
	bool blocks_known;		/* over the pagetypeinfo read */
	uint64_t blocks_min[PA_MAX_ORDERS][PA_NR_MIGRATETYPES];
	uint64_t blocks_max[PA_MAX_ORDERS][PA_NR_MIGRATETYPES];
	bool free_known;		/* buddy pages over the zoneinfo read */
	uint64_t free_min, free_max;
	/* pcp pages and high per cpu over the zoneinfo read, [cpu]; NULL
	 * where not gathered (the range's owner holds the arrays) */
	uint32_t *pcp_count_min, *pcp_count_max, *pcp_high_min, *pcp_high_max;
};

/* One cpu's pcp lists of one zone: zoneinfo's pageset beside the model's. */
struct an_checkpoint_pcp {
	uint32_t zone, cpu;		/* the trace's zone index */
	int64_t kernel_count, kernel_high;	/* -1: missing from the checkpoint */
	/* nearest the kernel's over the read window, and the range (as for
	 * model_free_pages) */
	uint32_t model_count, model_count_min, model_count_max;
	uint32_t model_high, model_high_min, model_high_max;
	/* of the model's counts: pages on the list since before tracing that
	 * no event has shown leaving (the model holds them as unknown) */
	uint32_t model_unseen;
};

struct an_checkpoint_zone {
	uint32_t zone;
	uint32_t nr_orders;
	int64_t kernel_free_pages;	/* zoneinfo "pages free" (buddy, no pcp) */
	/* The model's count nearest the kernel's over the file's read window
	 * (at the checkpoint's time where the trace has no window), and its
	 * range over that window (min == max == the count without one). */
	uint64_t model_free_pages;	/* model buddy pages, comparable to the above */
	uint64_t model_free_min, model_free_max;
	int64_t kernel_blocks[PA_MAX_ORDERS][PA_NR_MIGRATETYPES];	/* pagetypeinfo */
	int64_t kernel_buddyinfo[PA_MAX_ORDERS];			/* buddyinfo */
	uint64_t model_blocks[PA_MAX_ORDERS][PA_NR_MIGRATETYPES];
	uint64_t model_blocks_min[PA_MAX_ORDERS][PA_NR_MIGRATETYPES];
	uint64_t model_blocks_max[PA_MAX_ORDERS][PA_NR_MIGRATETYPES];
	int64_t kernel_pageblocks[PA_NR_MIGRATETYPES];
	uint64_t model_pageblocks[PA_NR_MIGRATETYPES];
};

/* Free pages in the buddy lists from their block counts, orders below nr_orders. */
uint64_t an_buddy_pages(const uint64_t blocks[PA_MAX_ORDERS][PA_NR_MIGRATETYPES],
			unsigned nr_orders);

/* The least the model held over a checkpoint's reads: blocks (replaced by
 * the pagetypeinfo read's minima where range has them) and the buddy pages
 * returned (the zoneinfo read's minimum, else the blocks' pages). blocks
 * holds the model's counts now on entry; range may be NULL. */
uint64_t an_model_least(const struct an_model_range *range,
			uint64_t blocks[PA_MAX_ORDERS][PA_NR_MIGRATETYPES]);

/*
 * Fill *out for `zone` from checkpoint cp (indexed by the trace's zones,
 * orders and migratetypes) and the model's state zs at the checkpoint, or
 * over its read windows where range says (NULL: no window). mt_map translates the
 * trace's migratetype numbers to canonical ones (cp->nr_migratetypes
 * entries, -1: none); trace migratetypes without a canonical one are left
 * out. Returns -1 (PR_EUSAGE) if zone is not in the checkpoint.
 */
int an_checkpoint_zone(const struct prt_checkpoint *cp, uint32_t zone, const int *mt_map,
		       const struct pa_zone_state *zs, const struct an_model_range *range,
		       unsigned nr_orders, struct an_checkpoint_zone *out, struct pr_error *err);

/* Fill *out for (zone, cpu) from cp's pagesets and the model's pcp state now
 * or, where range has them, over the zoneinfo read, plus unseen pages.
 * Returns -1 where the checkpoint has no pagesets for them. */
int an_checkpoint_pcp(const struct prt_checkpoint *cp, uint32_t zone, uint32_t cpu,
		      const struct pa_pcp_state *now, const struct an_model_range *range,
		      uint32_t unseen, struct an_checkpoint_pcp *out);
/* The kernel's count (high) is one the model held during the read. */
bool an_pcp_count_agrees(const struct an_checkpoint_pcp *p);
bool an_pcp_high_agrees(const struct an_checkpoint_pcp *p);

#endif
