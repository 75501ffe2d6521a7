/* SPDX-License-Identifier: MIT */
#ifndef PR_REPLAY_PFNMAP_H
#define PR_REPLAY_PFNMAP_H

/*
 * pfn -> 64-bit value, open addressing with linear probing and
 * backward-shift deletion (no tombstones, so a long replay of alloc/free
 * pairs never degrades). 16 bytes a slot, at most half full.
 */

#include <stdbool.h>
#include <stdint.h>

struct rp_pfnmap {
	struct rp_pfnmap_slot { uint64_t key, val; } *slots;
	uint64_t mask;		/* capacity - 1 */
	uint64_t count;
};

#define RP_PFNMAP_EMPTY UINT64_MAX	/* never a key: PRT_PFN_NONE */

int rp_pfnmap_init(struct rp_pfnmap *m, uint64_t expect);
void rp_pfnmap_release(struct rp_pfnmap *m);
/* Insert or overwrite; -1 when growing failed (out of memory). */
int rp_pfnmap_put(struct rp_pfnmap *m, uint64_t key, uint64_t val);
bool rp_pfnmap_get(const struct rp_pfnmap *m, uint64_t key, uint64_t *val);
/* Remove; true and *val if it was there. */
bool rp_pfnmap_take(struct rp_pfnmap *m, uint64_t key, uint64_t *val);

#endif
