/* SPDX-License-Identifier: MIT */
#ifndef PR_REPLAY_PCP_BEFORE_H
#define PR_REPLAY_PCP_BEFORE_H

/*
 * Pages on each cpu's pcp lists since before tracing began. The header's
 * pagesets count them (zoneinfo at the start) but no event names them, so
 * the model holds none of them; each leaves by a drain or an allocation of
 * a page the model had as unknown. What remains is what the model's own
 * count lacks at a checkpoint.
 */

#include <stdint.h>

#include "capture/prt.h"
#include "replay/translate.h"

struct rp_pcp_before {
	uint32_t nr_zones, nr_cpus;	/* the model's */
	int64_t *pages;			/* [zone][cpu] */
};

/* 0, or -1 out of memory. */
int rp_pcp_before_init(struct rp_pcp_before *b, const struct prt_header *h,
		       const struct rp_translate *t, uint32_t nr_model_zones, uint32_t nr_cpus);
void rp_pcp_before_release(struct rp_pcp_before *b);
/* A block of cpu's lists the model had as unknown left them. */
void rp_pcp_before_left(struct rp_pcp_before *b, int zone, uint32_t cpu, unsigned order);
/* ... drained, traced on cpu: drain_all_pages drains every cpu's lists from
 * the calling cpu, so a block larger than what cpu has left came from the
 * cpu with the most (a fresh capture's two order-9 blocks on cpu 0's and
 * cpu 1's DMA32 lists, drained from cpu 0). */
void rp_pcp_before_drained(struct rp_pcp_before *b, int zone, uint32_t cpu, unsigned order);
/* ... or gone by no event at all, as a checkpoint shows: up to pages of them. */
void rp_pcp_before_forget(struct rp_pcp_before *b, int zone, uint32_t cpu, uint64_t pages);
/* Pages of zone on cpu's lists since before tracing, as far as events show. */
uint32_t rp_pcp_before_pages(const struct rp_pcp_before *b, int zone, uint32_t cpu);

#endif
