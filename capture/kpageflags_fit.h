/* SPDX-License-Identifier: MIT */
#ifndef PR_CAPTURE_KPAGEFLAGS_FIT_H
#define PR_CAPTURE_KPAGEFLAGS_FIT_H

/*
 * Pageblock migratetypes are not exported by the kernel. What /proc/kpageflags
 * shows about the pages of each pageblock is evidence; pagetypeinfo's counts
 * (pageblocks per migratetype, free blocks per order and migratetype) are
 * constraints. kpf_fit() chooses a migratetype per pageblock that meets the
 * pageblock counts exactly and the free counts as closely as it can.
 */
#include <stdbool.h>
#include <stdint.h>

#include "capture/prt.h"

/* What the pages of one pageblock say. */
struct kpf_evidence {
	uint32_t movable;		/* LRU, anon, mapped, swap-backed, unevictable */
	uint32_t kernel;		/* slab, page tables */
	uint32_t bare;		/* allocated, no flags: kernel or per-cpu lists */
	uint16_t nfree[PRT_MAX_ORDERS];	/* free blocks whose head lies here */
	bool present;			/* has a memmap: pagetypeinfo counts it */
};

struct kpf_fit_input {
	const struct kpf_evidence *ev;
	uint64_t nr_blocks;
	uint32_t nr_orders, nr_mt;
	int movable, unmovable;		/* migratetype values, -1 if unknown */
	const int64_t *blocks;		/* [mt] pageblock counts, or NULL */
	const int64_t *free;		/* [o][mt] free block counts, or NULL */
};

/* Fill out[nr_blocks]. Without counts: evidence only. -1: out of memory. */
int kpf_fit(const struct kpf_fit_input *in, int8_t *out);

#endif
