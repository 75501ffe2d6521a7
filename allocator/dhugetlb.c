/* SPDX-License-Identifier: MIT */
/*
 * openEuler's dynamic hugetlb pool (mm/dynamic_hugetlb.c): hugepages handed
 * to a memory cgroup are split into 4 KiB pages that order-0 user requests
 * (gfp within GFP_HIGHUSER_MOVABLE, __GFP_IO/__GFP_FS optional, not from a
 * kernel thread) of that cgroup's tasks take before the buddy allocator is
 * asked. Each cpu keeps its own list, refilled 256 pages at a time
 * (PERCPU_POOL_PAGE_BATCH) from the pool; allocations take the list's head
 * and frees of pool pages go back to it, never to the buddy lists.
 *
 * The model keeps one pool. Whether a task belongs to the pool's cgroup is
 * not in any tracepoint: callers say so in pa_request.dhugetlb_task.
 */
#include <stdlib.h>
#include <string.h>

#include "allocator/dhugetlb.h"
#include "allocator/types.h"

#define POOL_BATCH 256

struct pa_dhpool {
	uint64_t *pool;			/* pool's free pages, refills take the front */
	size_t pool_nr, pool_first, pool_cap;
	uint64_t **cpu;			/* per cpu, the head is the last element */
	uint32_t *cpu_nr, *cpu_cap;
	uint64_t (*ranges)[2];		/* pages the pool owns: [start, end) */
	size_t nr_ranges;
};

static int push(uint64_t **a, uint32_t *nr, uint32_t *cap, uint64_t v)
{
	if (*nr == *cap) {
		uint32_t n = *cap ? *cap * 2 : 64;
		uint64_t *b = realloc(*a, n * sizeof(*b));

		if (!b)
			return -1;
		*a = b;
		*cap = n;
	}
	(*a)[(*nr)++] = v;
	return 0;
}

static struct pa_dhpool *pool_new(uint32_t nr_cpus)
{
	struct pa_dhpool *d = calloc(1, sizeof(*d));

	if (!d || !(d->cpu = calloc(nr_cpus, sizeof(*d->cpu))) ||
	    !(d->cpu_nr = calloc(nr_cpus, sizeof(*d->cpu_nr))) ||
	    !(d->cpu_cap = calloc(nr_cpus, sizeof(*d->cpu_cap)))) {
		if (d) {
			free(d->cpu);
			free(d->cpu_nr);
		}
		free(d);
		return NULL;
	}
	return d;
}

void dh_destroy(struct pa_model *m)
{
	struct pa_dhpool *d = m->dh;

	if (!d)
		return;
	for (uint32_t c = 0; c < m->nr_cpus; c++)
		free(d->cpu[c]);
	free(d->cpu);
	free(d->cpu_nr);
	free(d->cpu_cap);
	free(d->pool);
	free(d->ranges);
	free(d);
	m->dh = NULL;
}

int pa_model_add_dhugetlb_pages(struct pa_model *m, uint64_t pfn, unsigned order)
{
	uint64_t n = (uint64_t)1 << order;
	struct pa_dhpool *d;
	void *r;

	if (!m->p->oe_dhugetlb || order >= 64 || !zone_of(m, pfn) || !zone_of(m, pfn + n - 1))
		return -1;
	for (uint64_t i = 0; i < n; i++)
		if (pg_state(zpage(zone_of(m, pfn + i), pfn + i)) != PG_ALLOC)
			return -1;	/* a hugepage of the pool is allocated from buddy */
	if (!m->dh && !(m->dh = pool_new(m->nr_cpus)))
		return -1;
	d = m->dh;
	r = realloc(d->ranges, (d->nr_ranges + 1) * sizeof(*d->ranges));
	if (!r || d->pool_nr + n > SIZE_MAX / sizeof(uint64_t))
		return -1;
	d->ranges = r;
	d->ranges[d->nr_ranges][0] = pfn;
	d->ranges[d->nr_ranges++][1] = pfn + n;
	r = realloc(d->pool, (d->pool_nr + n) * sizeof(*d->pool));
	if (!r)
		return -1;
	d->pool = r;
	for (uint64_t i = 0; i < n; i++)
		d->pool[d->pool_nr++] = pfn + i;
	return 0;
}

bool dh_owns(const struct pa_model *m, uint64_t pfn)
{
	const struct pa_dhpool *d = m->dh;

	for (size_t i = 0; d && i < d->nr_ranges; i++)
		if (pfn >= d->ranges[i][0] && pfn < d->ranges[i][1])
			return true;
	return false;
}

bool dh_eligible(const struct pa_model *m, const struct pa_request *r)
{
	const uint64_t user_movable = PA_GFP(DIRECT_RECLAIM) | PA_GFP(KSWAPD_RECLAIM) |
				      PA_GFP(HARDWALL) | PA_GFP(HIGHMEM) | PA_GFP(MOVABLE);
	const uint64_t may_lack = PA_GFP(IO) | PA_GFP(FS);
	uint64_t g = r->gfp & (user_movable | may_lack);

	return m->dh && r->dhugetlb_task && r->order == 0 && (g | may_lack) == (user_movable | may_lack);
}

uint64_t dh_next(const struct pa_model *m, uint32_t cpu)
{
	const struct pa_dhpool *d = m->dh;

	if (d->cpu_nr[cpu])
		return d->cpu[cpu][d->cpu_nr[cpu] - 1];
	return d->pool_first < d->pool_nr ? d->pool[d->pool_first] : PA_PFN_NONE;
}

/* add_pages_to_percpu_pool: the first pages of the pool become the list, the
 * first one its head */
static void refill(struct pa_dhpool *d, uint32_t cpu)
{
	size_t n = d->pool_nr - d->pool_first < POOL_BATCH ? d->pool_nr - d->pool_first : POOL_BATCH;

	for (size_t i = n; i-- > 0;)
		push(&d->cpu[cpu], &d->cpu_nr[cpu], &d->cpu_cap[cpu], d->pool[d->pool_first + i]);
	d->pool_first += n;
}

int dh_take(struct pa_model *m, uint32_t cpu, uint64_t pfn)
{
	struct pa_dhpool *d = m->dh;

	if (!d->cpu_nr[cpu])
		refill(d, cpu);
	for (uint32_t i = d->cpu_nr[cpu]; i-- > 0;)
		if (d->cpu[cpu][i] == pfn) {
			memmove(&d->cpu[cpu][i], &d->cpu[cpu][i + 1],
				(d->cpu_nr[cpu] - i - 1) * sizeof(uint64_t));
			d->cpu_nr[cpu]--;
			return 0;
		}
	return -1;	/* on another list: the trace and the model disagree */
}

int dh_free(struct pa_model *m, uint32_t cpu, uint64_t pfn)
{
	struct pa_dhpool *d = m->dh;

	return push(&d->cpu[cpu], &d->cpu_nr[cpu], &d->cpu_cap[cpu], pfn);
}
