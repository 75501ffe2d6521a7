/* SPDX-License-Identifier: MIT */
#ifndef PR_CAPTURE_KPAGEFLAGS_H
#define PR_CAPTURE_KPAGEFLAGS_H

#include "capture/prt.h"
#include "common/error.h"

/* A range of pfns [start, end) backed by RAM (from /proc/iomem). */
struct kpageflags_ram {
	uint64_t start, end;
};

/*
 * Fill h->free_blocks and h->pageblock_mt for h's zones from a kpageflags
 * file (normally /proc/kpageflags). h->pageblock_order, h->nr_orders and the
 * migratetype names must be set; when h->initial holds pagetypeinfo counts
 * the pageblock migratetypes are fitted to them (see kpageflags.c).
 * Pageblocks outside ram[] are holes (-1); ram NULL: every pageblock whose
 * first page has a memmap counts (holes read as flag-less pages on 6.x).
 */
int kpageflags_free_map(struct prt_header *h, const char *path,
			const struct kpageflags_ram *ram, size_t nr_ram, struct pr_error *err);

/* How well the inferred map agrees with the kernel's own counts. */
struct kpageflags_match {
	uint64_t free_pages;		/* pages in the inferred free blocks */
	uint64_t free_blocks;
	/* Fractions of the inferred free pages (0..1, -1: no counts to compare): */
	double order_exact;		/* in a (zone, order) cell equal to buddyinfo before */
	double order_bracketed;		/* within buddyinfo before..after per (zone, order) */
	double order_mt;		/* in a (zone, order, migratetype) cell that agrees
					 * with pagetypeinfo before */
	double pageblock_mt;		/* pageblocks per (zone, migratetype) that agree */
};

/* Compare h's free map with the samples taken just before and after it. */
void kpageflags_match(const struct prt_header *h, const struct prt_checkpoint *before,
		      const struct prt_checkpoint *after, struct kpageflags_match *m);

#endif
