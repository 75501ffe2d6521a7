/* SPDX-License-Identifier: MIT */
/* Compaction capture, inferred: see compaction_capture.h. */
#include "replay/compaction_capture.h"

/* The slot of pid's live capture, or -1. */
static int of(const struct rp_capture *c, uint32_t pid)
{
	for (unsigned i = 0; c->nr_live && i < RP_CAPTURES; i++)
		if (c->c[i].live && c->c[i].pid == pid)
			return (int)i;
	return -1;
}

bool rp_capture_free(struct rp_capture *c, struct pa_model *m, uint32_t pid, uint64_t pfn,
		     unsigned cc_order)
{
	unsigned order;
	uint64_t block;
	struct rp_captured *slot = NULL;

	if (!cc_order || of(c, pid) >= 0 || pa_free_block_of(m, pfn, &order) == PA_PFN_NONE ||
	    order < cc_order)
		return false;
	for (unsigned i = 0; !slot && i < RP_CAPTURES; i++)
		if (!c->c[i].live)
			slot = &c->c[i];
	block = pfn & ~(((uint64_t)1 << cc_order) - 1);
	if (!slot || pa_take_free_range(m, block, cc_order) < 0)
		return false;
	*slot = (struct rp_captured){ .pid = pid, .pfn = block, .order = (uint8_t)cc_order,
				      .live = true };
	c->nr_live++;
	c->taken++;
	return true;
}

uint64_t rp_capture_lookup(const struct rp_capture *c, uint32_t pid, unsigned order)
{
	int i = of(c, pid);

	return i >= 0 && c->c[i].order == order ? c->c[i].pfn : PA_PFN_NONE;
}

void rp_capture_used(struct rp_capture *c, struct pa_model *m, uint32_t pid, uint64_t kernel_pfn)
{
	int i = of(c, pid);
	struct rp_captured *k;

	if (i < 0)
		return;
	k = &c->c[i];
	if (kernel_pfn == k->pfn)
		c->used++;
	else
		pa_putback_isolated(m, k->pfn, k->order);	/* it was not captured */
	k->live = false;
	c->nr_live--;
}
