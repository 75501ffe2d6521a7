/* SPDX-License-Identifier: MIT */
#ifndef PR_REPLAY_SCAN_START_H
#define PR_REPLAY_SCAN_START_H

/*
 * The free map as it was when tracing began. Capture reads /proc/kpageflags
 * with tracing on, over 0.4-1.3 s on this host, in pfn order: each page's
 * flags are from the moment the scan reached it, and the events before that
 * moment are already in them. A page the kernel took from a free list
 * before the scan got there reads as allocated, a page it freed to them as
 * free, and the model, seeded with that, then sees the same event again.
 *
 * So the first event that moves a page on or off the buddy lists, when it
 * comes before the scan reached the page, says what the page was at the
 * start: free if the event took it from the lists (a refill or buddy
 * allocation), not free if it put it there (a drain, or a free of an order
 * the pcp lists do not hold). Other pages keep what the scan read. Blocks
 * are then cut from the free pages as the scan cuts them (the largest
 * aligned blocks), only in the max-order spans where a page changed.
 *
 * When the scan read each page: captures record the scan's start and end
 * (capture.kpageflags_scan_ns), between which the pages are spread evenly
 * in the order they were read (zone by zone, each from its start rounded
 * down to PRT_KPAGEFLAGS_SLICE_PAGES). An error there matters little: a
 * page's first event just after its scan saw the state before that event,
 * which is what the event says; taking every first move before the scan's
 * end as decisive measured the same on every bundled trace, so the capture
 * does not record each slice's read time.
 */

#include <stdint.h>

#include "capture/prt.h"

struct rp_scan_start {
	const struct prt_header *h;
	uint64_t start_ns, end_ns;	/* 0, 0: no scan interval, nothing to do */
	uint64_t total_read;		/* pfns read, over every zone's slices */
	uint64_t *zone_offset;		/* pfns read before zone z's first slice */
	/* per zone, a bit per page: [0] some event moved it, [1] the first
	 * did so before the scan read it, [2] then: was it free at the start */
	uint8_t **bits[3];
	uint8_t **dirty;		/* per zone, a bit per max-order span */
	uint64_t pages_before_scan;	/* whose first move came before the scan */
	uint64_t pages_changed;		/* of them, those the scan read otherwise */
};

/* Set up from the header's scan settings; 0 even where there are none. */
int rp_scan_start_init(struct rp_scan_start *s, const struct prt_header *h);
void rp_scan_start_release(struct rp_scan_start *s);
/* Every event, in trace order. */
void rp_scan_start_note(struct rp_scan_start *s, const struct prt_event *ev);
/*
 * The free blocks at the start, sorted by pfn, in *out (malloc'd, the
 * caller frees it); *out NULL where nothing changed. -1 on allocation
 * failure.
 */
int rp_scan_start_blocks(struct rp_scan_start *s, struct prt_free_block **out, uint64_t *n);

#endif
