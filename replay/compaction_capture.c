/* SPDX-License-Identifier: MIT */
/* Compaction capture, inferred: see compaction_capture.h. */
#include "replay/compaction_capture.h"

static struct rp_captured *of(struct rp_capture *c, uint32_t pid)
{
	for (unsigned i = 0; i < RP_CAPTURES; i++)
		if (c->c[i].live && c->c[i].pid == pid)
			return &c->c[i];
	return NULL;
}

bool rp_capture_free(struct rp_capture *c, struct pa_model *m, uint32_t pid, uint64_t pfn,
		     unsigned cc_order)
{
	unsigned order;
	uint64_t block;
	struct rp_captured *slot = NULL;

	if (!cc_order || of(c, pid) || pa_free_block_of(m, pfn, &order) == PA_PFN_NONE ||
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
	c->taken++;
	return true;
}

uint64_t rp_capture_lookup(const struct rp_capture *c, uint32_t pid, unsigned order)
{
	for (unsigned i = 0; i < RP_CAPTURES; i++)
		if (c->c[i].live && c->c[i].pid == pid && c->c[i].order == order)
			return c->c[i].pfn;
	return PA_PFN_NONE;
}

void rp_capture_used(struct rp_capture *c, struct pa_model *m, uint32_t pid, uint64_t kernel_pfn)
{
	struct rp_captured *k = of(c, pid);

	if (!k)
		return;
	if (kernel_pfn == k->pfn)
		c->used++;
	else
		pa_putback_isolated(m, k->pfn, k->order);	/* it was not captured */
	k->live = false;
}
