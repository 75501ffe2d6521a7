/* SPDX-License-Identifier: MIT */
#ifndef PR_REPLAY_INFER_H
#define PR_REPLAY_INFER_H

#include <stdbool.h>
#include <stdint.h>

#include "capture/prt.h"
#include "common/error.h"

/* A block the trace shows on a pcp list since before it began. */
struct rp_block {
	uint64_t pfn;
	uint8_t order;
};

/* Per header zone, per pageblock: the trace's migratetype number, -1 unknown. */
struct rp_pageblock_hints {
	int8_t **mt;
	uint8_t **freed;	/* scratch: pages whose last event was a pcp free */
	uint8_t **seen;		/* pages some event has named */
	uint8_t **scanned;	/* scratch: in a free scanner's reported range */
	uint32_t nr_zones;
	uint64_t learned;
	/* blocks whose first event is mm_page_pcpu_drain: on a pcp list at
	 * capture start, whatever the free map says */
	struct rp_block *pcp_at_start;
	uint64_t nr_pcp_at_start, cap_pcp_at_start;
	/* a bit per event index: an mm_page_free whose page the same cpu's
	 * mm_page_free_batched names next (free_unref_folios puts it on the
	 * pcp list only then); the caller may take it (then frees it) */
	uint8_t *batched;
	uint64_t nr_events;
	/* the free map as it was when tracing began (replay/scan_start.h),
	 * NULL where the scan's map stands; blocks sorted by pfn */
	struct prt_free_block *free_at_start;
	uint64_t nr_free_at_start;
	uint64_t scan_pages_before, scan_pages_changed;
};

int rp_infer_pageblocks(const char *path, struct rp_pageblock_hints *hints, struct pr_error *err);
/* The pages some event of the trace names (hints->seen), handed over: the
 * caller releases them with rp_named_release. */
uint8_t **rp_hints_take_named(struct rp_pageblock_hints *hints);
/* Does some event of the trace name a page of [pfn, pfn + 2^order)? */
bool rp_named(uint8_t *const *named, const struct prt_header *h, uint64_t pfn, unsigned order);
void rp_named_release(uint8_t **named, uint32_t nr_zones);
/* h with the free map the hints hold in place of the scan's, into *out. */
void rp_header_at_start(const struct prt_header *h, const struct rp_pageblock_hints *hints,
			struct prt_header *out);
void rp_pageblock_hints_release(struct rp_pageblock_hints *hints);

#endif
