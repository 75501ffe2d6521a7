/* SPDX-License-Identifier: MIT */
#ifndef PR_REPLAY_TRANSLATE_H
#define PR_REPLAY_TRANSLATE_H

/* From a trace's own vocabulary to the model's: topology, gfp, migratetypes. */

#include "allocator/model.h"
#include "capture/prt.h"

struct rp_translate {
	uint64_t gfp_bit[64];		/* raw bit -> canonical mask (0: unknown) */
	int mt[PRT_MAX_MIGRATETYPES];	/* trace migratetype -> model's */
	struct pa_zone_desc *zones;
	int *zone_of_prt;		/* prt zone index -> model zone index, -1 */
	struct pa_topology topo;
	/* the kernel traces a fallback's page by mm_page_alloc_extfrag alone
	 * (6.15+: __rmqueue_claim and __rmqueue_steal return it; older
	 * kernels took it again through __rmqueue_smallest, which traces
	 * mm_page_alloc_zone_locked) */
	bool fallback_traced_by_extfrag;
};

int rp_translate_init(struct rp_translate *t, const struct prt_header *h, struct pr_error *err);
void rp_translate_release(struct rp_translate *t);
uint64_t rp_translate_gfp(const struct rp_translate *t, uint64_t raw);
int rp_translate_mt(const struct rp_translate *t, int trace_mt);
/* A checkpoint's free blocks of (prt_zone, order) on the trace migratetypes
 * that are the model's mt, summed; -1 if one of them is missing. *types:
 * how many trace migratetypes that was. */
int64_t rp_checkpoint_blocks(const struct rp_translate *t, const struct prt_checkpoint *cp,
			     uint32_t prt_zone, unsigned order, int mt, unsigned *types);
struct rp_pageblock_hints;
/*
 * Build and seed a model from the header: pageblock types (the trace's own
 * hints where it has them, else capture's estimates), the free map, and
 * every other page unknown until an event shows it.
 */
struct pa_model *rp_build_model(const struct rp_translate *t, const struct prt_header *h,
				const struct rp_pageblock_hints *hints, enum pa_profile profile,
				struct pr_error *err);

#endif
