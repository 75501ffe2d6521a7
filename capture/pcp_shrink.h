/* SPDX-License-Identifier: MIT */
#ifndef PR_CAPTURE_PCP_SHRINK_H
#define PR_CAPTURE_PCP_SHRINK_H

/*
 * Pages on the per-cpu lists when a capture starts are invisible: not
 * PageBuddy to /proc/kpageflags, and no event names them until they are
 * allocated or drained. On 6.x those lists hold up to high_max pages per cpu
 * (tens of thousands). Shrinking them just before the capture turns most of
 * those pages into buddy pages the free map sees.
 *
 * How: percpu_pagelist_high_fraction set very large makes every list's high
 * batch*4 (zone_highsize), and a free on a cpu then trims its lists to that
 * (nr_pcp_high clamps pcp->high to high_max); a thread pinned to each cpu
 * frees pages to make that happen. The sysctl's old value is put back before
 * returning, on every path.
 */

#include <stdint.h>

#include "common/error.h"

struct pcp_shrink_result {
	uint64_t before, after;		/* pages on pcp lists, all zones and cpus */
	double seconds;
};

int pcp_shrink(const char *proc_root, uint32_t nr_cpus, struct pcp_shrink_result *res,
	       struct pr_error *err);

/* Pages on pcp lists according to zoneinfo text (sum of "count:" lines). */
uint64_t pcp_pages_in_zoneinfo(const char *zoneinfo);

#endif
