/* SPDX-License-Identifier: MIT */
/* The free pages a compaction run holds: see compaction.h. */
#include <stdlib.h>
#include <string.h>

#include "replay/compaction.h"

static struct rp_compaction_run *run_of(struct rp_compaction *c, uint32_t pid)
{
	for (unsigned i = 0; i < RP_COMPACTION_RUNS; i++)
		if (c->runs[i].active && c->runs[i].pid == pid)
			return &c->runs[i];
	return NULL;
}

void rp_compaction_begin(struct rp_compaction *c, uint32_t pid, uint64_t seq)
{
	struct rp_compaction_run *r = run_of(c, pid);

	for (unsigned i = 0; !r && i < RP_COMPACTION_RUNS; i++)
		if (!c->runs[i].active)
			r = &c->runs[i];
	if (!r)
		return;	/* more tasks compacting at once than tracked: as before */
	r->pid = pid;
	r->active = true;
	r->last_other = seq;
	r->free_low = UINT64_MAX;
	r->nr_ranges = r->nr_held = 0;
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

void rp_compaction_isolated(struct rp_compaction *c, uint32_t pid, uint64_t pfn, unsigned order)
{
	struct rp_compaction_run *r = run_of(c, pid);

	if (!r || (r->nr_ranges == r->cap_ranges &&
		   !grow((void **)&r->ranges, &r->cap_ranges, sizeof(*r->ranges))))
		return;
	r->ranges[r->nr_ranges][0] = pfn;
	r->ranges[r->nr_ranges][1] = pfn + (1ULL << order);
	r->nr_ranges++;
}

void rp_compaction_scanned(struct rp_compaction *c, uint32_t pid, uint64_t low_pfn)
{
	struct rp_compaction_run *r = run_of(c, pid);

	if (r && low_pfn < r->free_low)
		r->free_low = low_pfn;
}

static bool may_hold(const struct rp_compaction_run *r, uint64_t pfn)
{
	if (pfn >= r->free_low)
		return true;
	for (uint32_t i = 0; i < r->nr_ranges; i++)
		if (pfn >= r->ranges[i][0] && pfn < r->ranges[i][1])
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

void rp_compaction_note(struct rp_compaction *c, uint32_t pid, uint64_t seq)
{
	struct rp_compaction_run *r = run_of(c, pid);

	if (r)
		r->last_other = seq;
}

/* In the trailing run, and its page's last free there (the run may end
 * with a compaction_free just before the release of the same page). */
static bool released(const struct rp_compaction_run *r, uint32_t i)
{
	if (r->held[i].seq <= r->last_other)
		return false;
	for (uint32_t j = i + 1; j < r->nr_held; j++)
		if (r->held[j].pfn == r->held[i].pfn)
			return false;
	return true;
}

void rp_compaction_end(struct rp_compaction *c, uint32_t pid,
		       void (*apply)(void *ctx, const struct rp_held_free *f),
		       void (*drop)(void *ctx, const struct rp_held_free *f), void *ctx)
{
	struct rp_compaction_run *r = run_of(c, pid);

	if (!r)
		return;
	for (uint32_t i = 0; i < r->nr_held; i++)
		if (released(r, i)) {
			apply(ctx, &r->held[i]);
			c->applied++;
		}
	for (uint32_t i = 0; i < r->nr_held; i++)
		if (!released(r, i)) {
			drop(ctx, &r->held[i]);
			c->dropped++;
		}
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
