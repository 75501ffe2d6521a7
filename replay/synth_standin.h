/* SPDX-License-Identifier: MIT */
#ifndef PR_REPLAY_SYNTH_STANDIN_H
#define PR_REPLAY_SYNTH_STANDIN_H

/*
 * The model playing the kernel for `pagereplay synth`: it makes its own
 * choices and says what the kernel's tracepoints would have said. It drives
 * the model through the same calls lock-step replay makes for those events
 * (predict, refill block by block, apply; free, then drain block by block
 * while the model has a drain pending), so the trace it writes is exactly
 * what the model would have to reproduce.
 */

#include "allocator/model.h"
#include "capture/prt.h"
#include "replay/pfnmap.h"

typedef int (*rp_emit_fn)(void *ctx, const struct prt_event *ev);

struct rp_standin {
	struct pa_model *m;
	uint32_t nr_zones;
	struct rp_pfnmap pcp_blocks;	/* pfn of a block on a pcp list -> order | mt << 8 */
	rp_emit_fn emit;
	void *ctx;
	/* as 6.15+: a fallback's page is traced by mm_page_alloc_extfrag
	 * alone (replay/translate.h) */
	bool fallback_traced_by_extfrag;
	uint64_t refills, drains, fallbacks, lost_blocks;
};

int rp_standin_init(struct rp_standin *s, struct pa_model *m, rp_emit_fn emit, void *ctx);
void rp_standin_release(struct rp_standin *s);

/*
 * Allocate as the model would, refilling the pcp list first when the model
 * says so. raw_gfp and raw_mt go into the events. Returns the pfn handed
 * out or PA_PFN_NONE.
 */
uint64_t rp_standin_alloc(struct rp_standin *s, const struct pa_request *req, uint64_t raw_gfp);
/* Free a block the stand-in handed out, then any drain the free started. */
enum pa_free_result rp_standin_free(struct rp_standin *s, uint32_t cpu, uint64_t pfn,
				    unsigned order);
/* Empty every pcp list of a cpu (drain_all_pages). */
void rp_standin_drain_cpu(struct rp_standin *s, uint32_t cpu);

#endif
