/* SPDX-License-Identifier: MIT */
#ifndef PR_REPLAY_INFER_H
#define PR_REPLAY_INFER_H

#include <stdint.h>

#include "common/error.h"

/* Per header zone, per pageblock: the trace's migratetype number, -1 unknown. */
struct rp_pageblock_hints {
	int8_t **mt;
	uint8_t **freed;	/* scratch: pages whose last event was a pcp free */
	uint32_t nr_zones;
	uint64_t learned;
};

int rp_infer_pageblocks(const char *path, struct rp_pageblock_hints *hints, struct pr_error *err);
void rp_pageblock_hints_release(struct rp_pageblock_hints *hints);

#endif
