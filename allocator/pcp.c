/* SPDX-License-Identifier: MIT */
/*
 * Per-cpu page lists: which orders they cache, where frees and refills
 * land, how much a refill takes, when a free drains and in which order.
 * Read from mm/page_alloc.c: order_to_pindex, pcp_allowed_order,
 * free_frozen_page_commit, nr_pcp_high, nr_pcp_free, nr_pcp_alloc,
 * free_pcppages_bulk, rmqueue_bulk (6.18.2); free_hot_cold_page,
 * free_unref_page_commit, free_pcppages_bulk, rmqueue_bulk (4.4.178, 5.10.7).
 */
#include "allocator/types.h"

static int imax(int a, int b) { return a > b ? a : b; }
static int imin(int a, int b) { return a < b ? a : b; }
static int iclamp(int v, int lo, int hi) { return v < lo ? lo : v > hi ? hi : v; }

bool pcp_allowed(const struct pa_model *m, unsigned order)
{
	return order <= m->p->pcp_max_order || (m->p->pcp_thp && order == m->pb_order);
}

unsigned pcp_pindex(const struct pa_model *m, int mt, unsigned order)
{
	if (order > PA_COSTLY_ORDER)
		return 4 * PA_PCPTYPES + (m->p->nr_pcp_lists > 13 && mt == PA_MT_MOVABLE);
	return PA_PCPTYPES * order + (unsigned)mt;
}

unsigned pindex_order(const struct pa_model *m, unsigned pindex)
{
	return pindex >= 4 * PA_PCPTYPES ? m->pb_order : pindex / PA_PCPTYPES;
}

/* A block joins a pcp list; real_mt is what the drain will free it as. */
void pcp_add(struct pa_model *m, struct pa_zone *z, uint32_t cpu, uint64_t pfn,
	     unsigned order, int list_mt, int real_mt, bool tail)
{
	struct pa_pcp *pcp = &z->pcp[cpu];
	unsigned pi = pcp_pindex(m, list_mt, order);

	mark_tails(z, pfn, order);
	pg_set(zpage(z, pfn), PG_PCP, order, (unsigned)real_mt, pi, cpu);
	if (tail)
		list_add_tail(z, &pcp->lists[pi], pfn);
	else
		list_add_head(z, &pcp->lists[pi], pfn);
	pcp->count += 1 << order;
}

void pcp_del(struct pa_model *m, struct pa_zone *z, uint64_t pfn)
{
	struct pa_page *p = zpage(z, pfn);
	struct pa_pcp *pcp = &z->pcp[pg_cpu(p)];

	(void)m;
	list_unlink(z, &pcp->lists[pg_pindex(p)], pfn);
	pcp->count -= 1 << pg_order(p);
	pg_set(p, PG_ALLOC, 0, 0, 0, 0);
}

/* 6.12+ nr_pcp_high: the effective high for this free, tuning pcp->high. */
static int nr_pcp_high(struct pa_zone *z, struct pa_pcp *pcp, bool free_high)
{
	int high = pcp->high = iclamp(pcp->high, pcp->high_min, pcp->high_max);
	int batch = pcp->batch;

	if (!high)
		return 0;
	if (free_high) {
		pcp->high = imax(high - (batch << PA_BATCH_SCALE_MAX), pcp->high_min);
		return 0;
	}
	/* reclaim is active: few pages stay on the lists (5.14+) */
	if (z->flags & ZF_RECLAIM_ACTIVE) {
		pcp->high = imax(high - imax(pcp->free_count, batch), pcp->high_min);
		return imin(batch << 2, pcp->high);
	}
	if (pcp->high_min == pcp->high_max)
		return high;
	if (z->flags & ZF_BELOW_HIGH) {
		pcp->high = imax(high - imax(pcp->free_count, batch), pcp->high_min);
		return imax(pcp->count, pcp->high_min);
	}
	if (pcp->count >= high && pcp->high < pcp->free_count + batch)
		pcp->high = iclamp(pcp->free_count + batch, pcp->high_min, pcp->high_max);
	return high;
}

static int nr_pcp_free(const struct pa_pcp *pcp, int high, bool free_high)
{
	if (free_high)
		return imin(pcp->count, pcp->batch << PA_BATCH_SCALE_MAX);
	if (high < pcp->batch)
		return 1;
	return iclamp(pcp->free_count, pcp->batch, high - pcp->batch);
}

static void start_drain(struct pa_model *m, struct pa_zone *z, uint32_t cpu, int count, int cur)
{
	struct pa_pcp *pcp = &z->pcp[cpu];

	pcp->drain = (struct pa_drain){ .remaining = imin(pcp->count, count), .cur = (int8_t)cur };
	if (m->auto_drain)
		drain_run(m, z, cpu);
}

/* 6.12+ free_frozen_page_commit after the page is on the list. */
static void commit_autotune(struct pa_model *m, struct pa_zone *z, uint32_t cpu,
			    unsigned order, unsigned pindex)
{
	struct pa_pcp *pcp = &z->pcp[cpu];
	bool free_high = false;
	int high;

	if (order && order <= PA_COSTLY_ORDER) {
		free_high = pcp->free_count >= pcp->batch + pcp->high_min / 2 &&
			    (pcp->flags & PCPF_PREV_FREE_HIGH_ORDER) &&
			    (!(pcp->flags & PCPF_FREE_HIGH_BATCH) || pcp->count >= pcp->batch);
		pcp->flags |= PCPF_PREV_FREE_HIGH_ORDER;
	} else {
		pcp->flags &= ~PCPF_PREV_FREE_HIGH_ORDER;
	}
	if (pcp->free_count < (pcp->batch << PA_BATCH_SCALE_MAX))
		pcp->free_count += 1 << order;
	high = nr_pcp_high(z, pcp, free_high);
	if (pcp->count >= high)
		start_drain(m, z, cpu, nr_pcp_free(pcp, high, free_high), (int)pindex);
}

/*
 * A free reaches the pcp: head of its list (4.4 cold frees: tail), then
 * the generation's high check decides a drain.
 */
void pcp_free_commit(struct pa_model *m, struct pa_zone *z, uint32_t cpu, uint64_t pfn,
		     unsigned order, int mt, bool cold)
{
	struct pa_pcp *pcp = &z->pcp[cpu];
	int list_mt = mt >= PA_PCPTYPES ? PA_MT_MOVABLE : mt;

	if (m->p->pcp_autotune)
		pcp->alloc_factor >>= 1;
	pcp_add(m, z, cpu, pfn, order, list_mt, mt, cold && m->p->pcp_cold);
	pcp->freed_pindex = (int8_t)pcp_pindex(m, list_mt, order);
	if (m->p->pcp_autotune)
		commit_autotune(m, z, cpu, order, pcp_pindex(m, list_mt, order));
	else if (pcp->count >= pcp->high)
		start_drain(m, z, cpu, pcp->batch, 0);
}

/* How many blocks one refill takes (nr_pcp_alloc); commit applies tuning. */
int pcp_refill_count(struct pa_model *m, struct pa_zone *z, struct pa_pcp *pcp, unsigned order,
		     bool commit)
{
	int base = pcp->batch, batch, high;
	int high_min = pcp->high_min, high_max = pcp->high_max;
	struct pa_pcp tmp;

	(void)m;
	if (!m->p->pcp_autotune)
		return base;
	if (!commit) {
		tmp = *pcp;
		pcp = &tmp;
	}
	high = pcp->high = iclamp(pcp->high, high_min, high_max);
	if (high < base)
		return 1;
	batch = order ? base : base << pcp->alloc_factor;
	if (high_min != high_max && !(z->flags & ZF_BELOW_HIGH))
		high = pcp->high = imin(high + batch, high_max);
	if (!order) {
		int max_alloc = imax(high - pcp->count - base, base);

		if (batch <= max_alloc && pcp->alloc_factor < PA_BATCH_SCALE_MAX)
			pcp->alloc_factor++;
		batch = imin(batch, max_alloc);
	}
	if (batch > 1)
		batch = imax(batch >> order, 2);
	return batch;
}

static int64_t list_tail(const struct pa_zone *z, const struct pa_list *l)
{
	return l->tail == PA_NIL ? -1 : (int64_t)(z->start + l->tail);
}

/*
 * Where a drain the model did not start itself begins: free_pcppages_bulk
 * drains the list the free that set it off went to first (6.x), so the list
 * the last free went to, when one did; a full drain (drain_pages_zone,
 * decay) starts at list 0, and is told apart by nothing. Starting at the
 * last free's list: drains 98.76 -> 99.26% on page-cache-noreport, 99.36 ->
 * 99.67% on page-cache, 99.95 -> 100% on the full vm-heavy capture (list 0:
 * worse everywhere).
 */
static int drain_start(const struct pa_model *m, const struct pa_pcp *pcp)
{
	return m->p->drain == DRAIN_PINDEX && pcp->freed_pindex >= 0 ? pcp->freed_pindex : 0;
}

/*
 * The next block a drain releases: 6.x walks the lists round robin from
 * the one just freed to, emptying each from its tail; 4.4/5.10 visit
 * MOVABLE, RECLAIMABLE, UNMOVABLE with a carried-over batch_free.
 */
int64_t drain_next(const struct pa_model *m, const struct pa_zone *z, const struct pa_pcp *pcp)
{
	unsigned n = m->p->nr_pcp_lists;
	int cur = pcp->drain.remaining > 0 ? pcp->drain.cur : drain_start(m, pcp);

	if (!pcp->count)
		return -1;
	if (m->p->drain == DRAIN_RR3 && !(pcp->drain.remaining > 0 && pcp->drain.in_list &&
					  pcp->lists[cur].nr))
		/* bounded: blocks a 6.x trace put on higher-order lists leave
		 * the first PA_PCPTYPES lists empty while count is not 0 */
		for (int k = 0; k < PA_PCPTYPES; k++) {
			cur = (cur + 1) % PA_PCPTYPES;
			if (pcp->lists[cur].nr)
				break;
		}
	for (unsigned i = 0; i < n; i++) {
		unsigned pi = ((unsigned)cur + i) % n;

		if (pcp->lists[pi].nr)
			return list_tail(z, &pcp->lists[pi]);
	}
	return -1;
}

static void drain_done(struct pa_model *m, struct pa_zone *z)
{
	int64_t high = z->raw_wmark[2] + z->boost;

	if ((z->flags & ZF_BELOW_HIGH) &&
	    zone_watermark_ok(m, z, 0, high, PA_ZONE_MOVABLE, 0, PA_NO_CPU, NULL))
		z->flags &= ~ZF_BELOW_HIGH;
}

/* Follow the drain state machine for a block leaving list pi. */
static void drain_account(struct pa_model *m, struct pa_pcp *pcp, unsigned pi, unsigned order)
{
	struct pa_drain *d = &pcp->drain;

	if (d->remaining <= 0)	/* the free that set a drain off is spent */
		pcp->freed_pindex = -1;
	if (d->remaining <= 0)	/* a drain the model did not decide: drain_all_pages */
		*d = (struct pa_drain){ .remaining = m->p->drain == DRAIN_RR3 ? pcp->count :
				       imin(pcp->count, pcp->batch << PA_BATCH_SCALE_MAX),
				       .cur = (int8_t)(m->p->drain == DRAIN_RR3 ? 0 : pi) };
	if (m->p->drain == DRAIN_PINDEX) {
		d->cur = (int8_t)pi;
		d->remaining -= 1 << order;
		return;
	}
	if (!(d->in_list && d->cur == (int)pi)) {
		/* the kernel's round robin ran before this block left list pi,
		 * so pi counts as non-empty (it may be empty now); bounded, as
		 * in drain_next, for blocks a trace put on other lists */
		for (int k = 0; k < PA_PCPTYPES; k++) {
			d->batch_free++;
			d->cur = (int8_t)((d->cur + 1) % PA_PCPTYPES);
			if (d->cur == (int)pi || pcp->lists[d->cur].nr)
				break;
		}
		d->cur = (int8_t)pi;	/* the kernel's list wins */
		if (d->batch_free == PA_PCPTYPES)
			d->batch_free = d->remaining;
	}
	d->remaining--;
	d->batch_free--;
	d->in_list = d->remaining > 0 && d->batch_free > 0;
}

/* One block leaves a pcp list for the buddy lists (mm_page_pcpu_drain). */
void drain_one(struct pa_model *m, struct pa_zone *z, uint32_t cpu, uint64_t pfn)
{
	struct pa_page *p = zpage(z, pfn);
	unsigned order = pg_order(p), pi = pg_pindex(p);
	int mt = m->p->pcp_reread_mt ? pb_get(m, z, pfn) : (int)pg_lmt(p);
	struct pa_pcp *pcp = &z->pcp[pg_cpu(p)];

	(void)cpu;
	pcp_del(m, z, pfn);
	drain_account(m, pcp, pi, order);
	if (m->p->drain == DRAIN_RR3 && !pcp->lists[pi].nr)
		pcp->drain.in_list = false;
	free_one_page(m, z, pfn, order, mt);
	if (pcp->drain.remaining <= 0 || !pcp->count) {
		pcp->drain.remaining = 0;
		drain_done(m, z);
	}
}

/* Perform the pending drain with the model's own choices (free-run). */
void drain_run(struct pa_model *m, struct pa_zone *z, uint32_t cpu)
{
	struct pa_pcp *pcp = &z->pcp[cpu];

	while (pcp->drain.remaining > 0) {
		int64_t pfn = drain_next(m, z, pcp);

		if (pfn < 0) {
			pcp->drain.remaining = 0;
			break;
		}
		drain_one(m, z, cpu, (uint64_t)pfn);
	}
}
