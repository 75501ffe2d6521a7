/* SPDX-License-Identifier: MIT */
#ifndef PR_REPLAY_UNSETTLED_H
#define PR_REPLAY_UNSETTLED_H

/*
 * Free blocks whose place in their free list nobody knows. /proc/kpageflags
 * says which blocks are free at capture start, not in what order they sit on
 * their lists, so the model seeds them in pfn order. While such a block
 * stays untouched, a list head the model finds among them is a guess; the
 * first event that takes, frees or merges the block settles it (the kernel
 * puts what it frees or splits at a known end of a list).
 *
 * A bit per pfn, set at the head of each initial free block.
 */

#include <stdbool.h>
#include <stdint.h>

#include "capture/prt.h"

struct rp_unsettled {
	uint64_t base, nr;	/* pfns covered */
	uint64_t *bits;
	uint16_t *in_span;	/* set bits per largest-order span: near() in one look */
	uint64_t first_span;	/* the span index of base */
	unsigned nr_orders;
};

int rp_unsettled_init(struct rp_unsettled *u, const struct prt_header *h);
void rp_unsettled_release(struct rp_unsettled *u);
/* An event moved the free block [pfn, pfn + 2^order) (taken apart, or just
 * made by a merge): every initial block inside it has a known place now. */
void rp_unsettled_touch(struct rp_unsettled *u, uint64_t pfn, unsigned order);
/* Does the largest-order span around pfn hold an unsettled block? (one look) */
bool rp_unsettled_near(const struct rp_unsettled *u, uint64_t pfn);
/* pfn heads a free block whose place is as unknown as an initial one's
 * (the rest of an initial block a page on a pcp list at capture start was
 * carved out of). */
void rp_unsettled_mark(struct rp_unsettled *u, uint64_t pfn);
/* Is pfn the head of an initial free block nothing has settled yet? */
bool rp_unsettled_has(const struct rp_unsettled *u, uint64_t pfn);

#endif
