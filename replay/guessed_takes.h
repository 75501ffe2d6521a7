/* SPDX-License-Identifier: MIT */
#ifndef PR_REPLAY_GUESSED_TAKES_H
#define PR_REPLAY_GUESSED_TAKES_H

/*
 * Free blocks the model took off its lists on a guess, for something no
 * event shows: the blocks a compaction run isolated (as its fast search's
 * range and count allowed) that none of its frees touched, taken as its
 * migration targets at its end, and blocks a refill showed the kernel did
 * not have free (replay/untraced.c). Either guess can be wrong, and later
 * events can say so (replay/compaction_release.c); until an allocation or
 * refill names a page inside one, its pages that are still allocated in the
 * model are the guess. The newest RP_GUESSED_TAKES are kept.
 */

#include <stdbool.h>
#include <stdint.h>

#define RP_GUESSED_TAKES 64

struct rp_guessed_take {
	uint64_t pfn;
	uint64_t search_lo, search_hi;	/* the fast search's range, if one took it */
	uint8_t order;
	bool live;
};

struct rp_guessed_takes {
	struct rp_guessed_take e[RP_GUESSED_TAKES];
	unsigned next;
	uint8_t *per_pageblock;		/* live entries overlapping each: one look */
	uint64_t base, nr_pageblocks;
	unsigned pageblock_order;
};

/* Over the pfns [base, base + nr). 0, or -1 out of memory. */
int rp_guessed_takes_init(struct rp_guessed_takes *g, uint64_t base, uint64_t nr,
			  unsigned pageblock_order);
void rp_guessed_takes_release(struct rp_guessed_takes *g);
void rp_guessed_take(struct rp_guessed_takes *g, uint64_t pfn, unsigned order, uint64_t search_lo,
		     uint64_t search_hi);
/* An event took [pfn, pfn + 2^order): the guesses it falls in are over. */
void rp_guessed_named(struct rp_guessed_takes *g, uint64_t pfn, unsigned order);
/* The live guess holding pfn, or NULL. */
struct rp_guessed_take *rp_guessed_holding(struct rp_guessed_takes *g, uint64_t pfn);
void rp_guessed_forget(struct rp_guessed_takes *g, struct rp_guessed_take *t);

#endif
