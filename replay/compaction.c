/* SPDX-License-Identifier: MIT */
/* The free pages a compaction run holds: see compaction.h. */
#include <stdlib.h>
#include <string.h>

#include "replay/compaction.h"

static struct rp_compaction_run *run_of(struct rp_compaction *c, uint32_t pid)
{
	for (unsigned i = 0; c->nr_active && i < RP_COMPACTION_RUNS; i++)
		if (c->runs[i].active && c->runs[i].pid == pid)
			return &c->runs[i];
	return NULL;
}

struct rp_compaction_run *rp_compaction_run_of(struct rp_compaction *c, uint32_t pid)
{
	return run_of(c, pid);
}

/* A small table by pid hash: a collision only loses an order. */
void rp_compaction_try(struct rp_compaction *c, uint32_t pid, unsigned order)
{
	unsigned i = pid % RP_COMPACTION_RUNS;

	c->tried[i].pid = pid;
	c->tried[i].order = order;
}

static unsigned tried_order(const struct rp_compaction *c, uint32_t pid)
{
	unsigned i = pid % RP_COMPACTION_RUNS;

	return c->tried[i].pid == pid ? c->tried[i].order : 0;
}

void rp_compaction_begin(struct rp_compaction *c, uint32_t pid, uint64_t seq)
{
	struct rp_compaction_run *r = run_of(c, pid);

	for (unsigned i = 0; !r && i < RP_COMPACTION_RUNS; i++)
		if (!c->runs[i].active)
			r = &c->runs[i];
	if (!r)
		return;	/* more tasks compacting at once than tracked: as before */
	if (!r->active)
		c->nr_active++;
	r->pid = pid;
	r->active = true;
	r->last_other = seq;
	r->free_low = UINT64_MAX;
	r->kernel_max_order = 0;
	r->nr_ranges = r->nr_held = 0;
	/* compact_zone_order starts each zone's search at cc->order */
	r->cc_order = r->search_order = tried_order(c, pid);
	r->fast_search_fail = 0;
}

static bool grow(void **p, uint32_t *cap, size_t size)
{
	uint32_t n = *cap ? *cap * 2 : 64;
	void *q = realloc(*p, n * size);

	if (!q)
		return false;
	*p = q;
	*cap = n;
	return true;
}

void rp_compaction_isolated(struct rp_compaction *c, uint32_t pid, uint64_t pfn, unsigned order,
			    uint64_t lo, uint64_t hi)
{
	struct rp_compaction_run *r = run_of(c, pid);

	if (!r || (r->nr_ranges == r->cap_ranges &&
		   !grow((void **)&r->ranges, &r->cap_ranges, sizeof(*r->ranges))))
		return;
	r->ranges[r->nr_ranges++] = (struct rp_isolated){ .pfn = pfn, .order = (uint8_t)order,
							  .search_lo = lo, .search_hi = hi };
}

void rp_compaction_scanned(struct rp_compaction *c, uint32_t pid, uint64_t low_pfn,
			   unsigned max_order)
{
	struct rp_compaction_run *r = run_of(c, pid);

	if (!r)
		return;
	if (low_pfn < r->free_low)
		r->free_low = low_pfn;
	if (max_order > r->kernel_max_order)
		r->kernel_max_order = max_order;
}

static bool inside(const struct rp_isolated *b, uint64_t pfn)
{
	return pfn >= b->pfn && pfn - b->pfn < (1ULL << b->order);
}

static bool may_hold(const struct rp_compaction_run *r, uint64_t pfn)
{
	if (pfn >= r->free_low)
		return true;
	for (uint32_t i = 0; i < r->nr_ranges; i++)
		if (inside(&r->ranges[i], pfn))
			return true;
	return false;
}

bool rp_compaction_hold_free(struct rp_compaction *c, uint32_t pid, uint32_t cpu, uint64_t pfn,
			     unsigned order, uint64_t seq)
{
	struct rp_compaction_run *r = run_of(c, pid);

	if (!r || !may_hold(r, pfn))
		return false;
	if (r->nr_held == r->cap_held && !grow((void **)&r->held, &r->cap_held, sizeof(*r->held)))
		return false;
	r->held[r->nr_held++] = (struct rp_held_free){ .pfn = pfn, .seq = seq, .cpu = cpu,
						       .order = (uint8_t)order };
	c->held++;
	return true;
}

bool rp_compaction_take_held(struct rp_compaction *c, uint64_t pfn, struct rp_held_free *f)
{
	for (unsigned i = 0; c->nr_active && i < RP_COMPACTION_RUNS; i++) {
		struct rp_compaction_run *r = &c->runs[i];

		for (uint32_t j = r->active ? r->nr_held : 0; j-- > 0;) {
			if (r->held[j].pfn != pfn)
				continue;
			*f = r->held[j];
			memmove(&r->held[j], &r->held[j + 1], (r->nr_held - j - 1) * sizeof(*r->held));
			r->nr_held--;
			c->applied++;
			return true;
		}
	}
	return false;
}

void rp_compaction_note(struct rp_compaction *c, uint32_t pid, uint64_t seq)
{
	struct rp_compaction_run *r = run_of(c, pid);

	if (r)
		r->last_other = seq;
}

/* In the trailing run, and its page's last free there (the run may end
 * with a compaction_free just before the release of the same page). */
bool rp_compaction_released(const struct rp_compaction_run *r, uint32_t i)
{
	if (r->held[i].seq <= r->last_other)
		return false;
	for (uint32_t j = i + 1; j < r->nr_held; j++)
		if (r->held[j].pfn == r->held[i].pfn)
			return false;
	return true;
}

struct rp_compaction_run *rp_compaction_ending(struct rp_compaction *c, uint32_t pid)
{
	struct rp_compaction_run *r = run_of(c, pid);

	for (uint32_t i = 0; r && i < r->nr_held; i++) {
		for (uint32_t b = 0; b < r->nr_ranges; b++)
			if (inside(&r->ranges[b], r->held[i].pfn))
				r->ranges[b].touched = true;
		if (rp_compaction_released(r, i))
			c->applied++;
		else
			c->dropped++;
	}
	return r;
}

void rp_compaction_finish(struct rp_compaction *c, struct rp_compaction_run *r)
{
	c->nr_active--;
	r->active = false;
	r->nr_ranges = r->nr_held = 0;
}

void rp_compaction_release(struct rp_compaction *c)
{
	for (unsigned i = 0; i < RP_COMPACTION_RUNS; i++) {
		free(c->runs[i].ranges);
		free(c->runs[i].held);
	}
	memset(c, 0, sizeof(*c));
}
