/* SPDX-License-Identifier: MIT */
#ifndef PR_REPLAY_SYNTH_H
#define PR_REPLAY_SYNTH_H

/*
 * pagereplay synth: the model as a stand-in kernel over a seeded workload,
 * written as a real .prt with the events the kernel would have traced.
 * Replaying it lock-step with the same profile must agree exactly; that is
 * the self-consistency check of replay and model together.
 */

#include <stdbool.h>
#include <stdint.h>

#include "allocator/model.h"
#include "capture/prt.h"
#include "common/error.h"

struct rp_synth_opts {
	enum pa_profile profile;
	uint64_t seed;
	uint64_t events;		/* stop after about this many events */
	uint32_t cpus;			/* ignored with topology_from */
	uint64_t memory_mb;		/* ditto: one node, DMA, DMA32, Normal above 4 GiB */
	const char *topology_from;	/* a .prt whose host to pretend to be, or NULL */
	bool no_drain_all;		/* never drain a cpu's lists whole: free-run cannot
					 * see drain_all_pages, so its state would drift */
	bool no_thp;			/* no order-9 GFP_TRANSHUGE_LIGHT requests: their pcp
					 * refills are where pa_alloc and the refill
					 * predictor still differ (docs/replay.md) */
};

struct rp_synth_stats {
	uint64_t events, allocations, failures, frees, refills, drains, fallbacks;
};

/*
 * A header for a synthetic host: one node, every page free at start in
 * max-order blocks, all pageblocks movable, a 6.x-like gfp table (bit
 * positions as on 6.x, not read from a kernel), 4.4+ migratetype names, a
 * kernel release the profile's default maps back to. With topology_from:
 * that trace's zones, cpus, gfp table, migratetypes and free map instead.
 * Free with prt_header_release.
 */
int rp_synth_header(struct prt_header *h, const struct rp_synth_opts *o, struct pr_error *err);
/* Raw mask of a flag or composite by name in h's table ("GFP_KERNEL"), 0 if none. */
uint64_t rp_synth_gfp(const struct prt_header *h, const char *name);

int rp_synth_write(const char *path, const struct rp_synth_opts *o, struct rp_synth_stats *out,
		   struct pr_error *err);

#endif
