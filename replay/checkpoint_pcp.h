/* SPDX-License-Identifier: MIT */
#ifndef PR_REPLAY_CHECKPOINT_PCP_H
#define PR_REPLAY_CHECKPOINT_PCP_H

#include "analysis/checkpoint.h"
#include "replay/pcp_before.h"
#include "replay/replay.h"
#include "replay/translate.h"

/* At checkpoint cp (after the model applied every event before it): count
 * into res the (zone, cpu) pagesets whose count and high the model held
 * during the zoneinfo read, its count with the pages on the list since
 * before tracing that no event has shown leaving. The comparisons go into
 * rows (up to cap); returns how many. Traces without pagesets add nothing. */
uint32_t rp_checkpoint_pcp_compare(const struct rp_translate *t, uint32_t nr_prt_zones,
				   const struct prt_checkpoint *cp,
				   const struct an_model_range *ranges, const struct pa_model *m,
				   const struct rp_pcp_before *before, struct an_checkpoint_pcp *rows,
				   uint32_t cap, struct rp_result *res);

/* Each cpu's pcp->high as the checkpoint read it: the vmstat worker lowers
 * it once a second (decay_pcp_high) with no event, only the drains it
 * makes show. */
void rp_checkpoint_pcp_resync_high(const struct rp_translate *t, uint32_t nr_prt_zones,
				   const struct prt_checkpoint *cp, struct pa_model *m);

/* Pages on a list since before tracing that the kernel's count, below the
 * model's least over the read by no more than they are, shows gone: they
 * left by no event the model charges (alloc_pages_bulk, or before tracing
 * began, after the header's zoneinfo was read) and do not come back. The
 * rows are those rp_checkpoint_pcp_compare filled. */
void rp_checkpoint_pcp_resync_unseen(const struct rp_translate *t,
				     const struct an_checkpoint_pcp *rows, uint32_t n,
				     struct rp_pcp_before *before);

#endif
