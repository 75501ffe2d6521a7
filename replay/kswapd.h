/* SPDX-License-Identifier: MIT */
#ifndef PR_REPLAY_KSWAPD_H
#define PR_REPLAY_KSWAPD_H

/*
 * When kswapd is reclaiming (ZONE_RECLAIM_ACTIVE, which caps pcp lists on
 * 6.x). balance_pgdat sets it after mm_vmscan_kswapd_wake and clears it
 * when it returns, which no event shows; kswapd then tries to sleep, and
 * traces mm_vmscan_kswapd_sleep only if it sleeps long. So: active from
 * the wake while kswapd keeps producing events (the frees of what it
 * reclaims), no longer once it has been silent for KSWAPD_IDLE_NS.
 */

#include <stdbool.h>
#include <stdint.h>

#include "allocator/model.h"
#include "capture/prt.h"

#define RP_KSWAPD_NODES 64

struct rp_kswapd {
	struct {
		uint32_t pid;
		bool awake, active;
		int highest_zone;
		uint64_t last_ns;
	} node[RP_KSWAPD_NODES];
	uint32_t nr_awake;		/* most events come with none: skip */
	uint32_t nr_nodes;		/* highest node seen + 1 */
};

/* Every event, in trace order: updates the model's reclaim state. */
void rp_kswapd_event(struct rp_kswapd *k, struct pa_model *m, const struct prt_event *ev);

#endif
