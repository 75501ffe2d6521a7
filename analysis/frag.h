/* SPDX-License-Identifier: MIT */
#ifndef PR_ANALYSIS_FRAG_H
#define PR_ANALYSIS_FRAG_H

/*
 * Fragmentation metrics of one zone, computed from the model's
 * struct pa_zone_state. Pure functions: no I/O, no allocation.
 *
 * The two per-order indices are the kernel's, with its scaling (thousandths,
 * shown by /sys/kernel/debug/extfrag/{unusable_index,extfrag_index} as
 * "%d.%03d"); like the kernel they look at the buddy free lists only, not at
 * pages sitting on per-cpu lists.
 *
 *   unusable free space index (order j), 0..1000:
 *	(free_pages - suitable_pages(j)) * 1000 / free_pages,  1000 if nothing free
 *   fragmentation index (order j), 0..1000 or AN_FRAG_SENTINEL:
 *	-1000 when a block of order >= j is free (the request would succeed),
 *	0 when nothing is free, else 1000 - (1000 + free_pages*1000/2^j) / free_blocks
 *	(towards 0: fails for lack of memory; towards 1000: for fragmentation)
 *
 * FMFI, the free memory fragmentation index (Gorman and Whitcroft; used by
 * Ingens and others at the huge-page order) is the unusable free space index
 * at one order as an exact fraction in [0, 1]; we take it at the THP order.
 */

#include <stdbool.h>
#include <stdint.h>

#include "allocator/model.h"

#define AN_INDEX_SCALE		1000
#define AN_FRAG_SENTINEL	(-1000)	/* fragmentation index: request would succeed */

/* The kernel's struct contig_page_info for one requested order. */
struct an_contig_info {
	uint64_t free_pages;		/* pages in buddy free lists */
	uint64_t free_blocks_total;	/* blocks of any order */
	uint64_t free_blocks_suitable;	/* blocks of the requested order they make */
};

void an_contig_info(const struct pa_zone_state *zs, unsigned nr_orders, unsigned order,
		    struct an_contig_info *out);
int an_unusable_index(const struct an_contig_info *info, unsigned order);
int an_fragmentation_index(const struct an_contig_info *info, unsigned order);

/* THP order for a page size: log2(2 MiB / page_size); 9 for 4 KiB pages. */
unsigned an_thp_order(uint32_t page_size);

/* Everything analysis records about one zone at one moment. */
struct an_frag_sample {
	uint32_t zone;			/* topology zone index */
	uint64_t event_index;		/* events replayed before the sample */
	uint64_t ts_ns;			/* trace clock of the last event replayed */
	uint32_t nr_orders;
	uint64_t free_blocks[PA_MAX_ORDERS][PA_NR_MIGRATETYPES];
	uint64_t buddy_pages;		/* pages in buddy free lists */
	uint64_t pcp_pages;		/* pages on per-cpu lists */
	int largest_free_order;		/* -1 if no free block */
	int unusable[PA_MAX_ORDERS];	/* thousandths, per order */
	int fragmentation[PA_MAX_ORDERS];	/* thousandths or AN_FRAG_SENTINEL */
	double fmfi;			/* at thp_order, 0..1 (1 if nothing free) */
	uint64_t pageblocks[PA_NR_MIGRATETYPES];
	uint64_t mixed_pageblocks;
	unsigned thp_order;
	uint64_t thp_blocks;		/* free 2 MiB blocks (larger ones counted as several) */
	bool thp_ok;			/* one 2 MiB allocation would succeed now */
};

/*
 * Fill *out from a zone state. `desc` (may be NULL) supplies the low
 * watermark that a THP allocation's fast path must keep (with the state's
 * current boost and highatomic reserve): without it thp_ok only asks whether
 * a block of that order is free on a list a movable allocation may take from.
 */
void an_frag_sample(const struct pa_zone_state *zs, const struct pa_zone_desc *desc,
		    unsigned nr_orders, unsigned thp_order, struct an_frag_sample *out);

#endif
