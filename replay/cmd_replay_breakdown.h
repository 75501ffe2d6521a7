/* SPDX-License-Identifier: MIT */
#ifndef PR_REPLAY_CMD_REPLAY_BREAKDOWN_H
#define PR_REPLAY_CMD_REPLAY_BREAKDOWN_H

#include "replay/replay.h"

/* Exact-pfn agreement by migratetype and zone, and the most diverging gfp
 * masks (named with the trace's flag table), on stdout. */
void print_breakdowns(const char *path, const struct rp_result *r);

#endif
