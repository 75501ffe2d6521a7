/* SPDX-License-Identifier: MIT */
/*
 * Watermark checks. Read from mm/page_alloc.c: __zone_watermark_ok,
 * __zone_watermark_unusable_free, zone_watermark_fast, boost_watermark
 * (4.4.178, 5.10.7, 6.18.2). Free counts are the model's exact buddy
 * counts; the kernel reads a per-cpu-batched counter (docs/model.md).
 */
#include "allocator/types.h"

int64_t wmark(const struct pa_zone *z, unsigned af)
{
	return z->raw_wmark[af & AF_WMARK_MASK] + z->boost;
}

static int64_t unusable_free(const struct pa_model *m, const struct pa_zone *z, unsigned order,
			     unsigned af)
{
	int64_t u = ((int64_t)1 << order) - 1;

	switch (m->p->wm) {
	case WM_K44:
		if (!(af & AF_HARDER))
			u += z->reserved_highatomic;
		break;
	case WM_K510:
		if (!(af & (AF_HARDER | AF_OOM)))
			u += z->reserved_highatomic;
		break;
	case WM_K6:	/* 6.12+: the highatomic pages actually free */
		if (!(af & AF_RESERVES_6))
			u += z->free_highatomic;
		break;
	}
	if (!(af & AF_CMA))
		u += z->free_cma;
	return u;
}

static int64_t reserve_discount(const struct pa_model *m, int64_t min, unsigned af)
{
	if (m->p->wm == WM_K6) {
		if (!(af & AF_RESERVES_6))
			return min;
		if (af & AF_HIGH) {
			min -= min / 2;
			if (af & AF_NON_BLOCK)
				min -= min / 4;
		}
		if (af & AF_OOM)
			min -= min / 2;
		return min;
	}
	if (af & AF_HIGH)
		min -= min / 2;
	if (af & AF_OOM && m->p->wm == WM_K510)
		min -= min / 2;
	else if (af & AF_HARDER)
		min -= min / 4;
	return min;
}

static bool highatomic_usable(const struct pa_model *m, unsigned af)
{
	if (m->p->wm == WM_K6)
		return af & (AF_HIGHATOMIC | AF_OOM);
	if (m->p->wm == WM_K510)
		return af & (AF_HARDER | AF_OOM);
	return af & AF_HARDER;
}

/*
 * A refill the trace is showing block by block (mm_page_alloc_zone_locked
 * comes before the mm_page_alloc it serves) happened after the allocation's
 * watermark check: the check saw those blocks still free in the buddy lists.
 */
static const struct pa_bulk *refill_of(const struct pa_model *m, const struct pa_zone *z,
				       uint32_t cpu)
{
	return cpu < m->nr_cpus && m->bulk[cpu].active && m->bulk[cpu].zone == z->idx ?
		       &m->bulk[cpu] : NULL;
}

static int64_t refill_credit(const struct pa_model *m, const struct pa_zone *z, uint32_t cpu)
{
	const struct pa_bulk *b = refill_of(m, z, cpu);

	return b ? (int64_t)b->pages : 0;
}

static const struct pa_wmark_adjust *adjust_of(const struct pa_zone *z,
					       const struct pa_wmark_adjust *adj)
{
	return adj && adj->zone == z->idx ? adj : NULL;
}

static int64_t adjusted_pages(const struct pa_wmark_adjust *adj)
{
	return adj ? adj->pages : 0;
}

/* A free block of order o (not highatomic or CMA) at the check? */
static bool block_at(const struct pa_model *m, const struct pa_zone *z, unsigned o, unsigned af,
		     const struct pa_wmark_adjust *adj)
{
	int64_t extra = adj ? adj->blocks[o] : 0;

	if (extra > 0)
		return true;	/* taken since by another cpu's refill */
	if (!z->nr_free[o] || (int64_t)z->nr_free[o] + extra <= 0)
		return false;
	if (m->p->wm == WM_K44 && (af & AF_HARDER))
		return true;
	for (int mt = 0; mt < PA_PCPTYPES; mt++)
		if (z->free[o][mt].nr)
			return true;
	if ((af & AF_CMA) && z->free[o][PA_MT_CMA].nr)
		return true;
	return highatomic_usable(m, af) && z->free[o][PA_MT_HIGHATOMIC].nr;
}

static bool wm_ok(const struct pa_model *m, const struct pa_zone *z, unsigned order, int64_t mark,
		  int hz, unsigned af, uint32_t cpu, const struct pa_wmark_adjust *adj)
{
	int64_t free = z->free_pages + refill_credit(m, z, cpu) + adjusted_pages(adj) -
		       unusable_free(m, z, order, af);
	int64_t min = reserve_discount(m, mark, af);

	if (free <= min + (int64_t)z->d.lowmem_reserve[hz])
		return false;
	if (!order)
		return true;
	if (refill_credit(m, z, cpu) && refill_of(m, z, cpu)->order >= order)
		return true;	/* the refill's first block was free at that order */
	for (unsigned o = order; o < m->nr_orders; o++)
		if (block_at(m, z, o, af, adj))
			return true;
	return false;
}

bool zone_watermark_ok(const struct pa_model *m, const struct pa_zone *z, unsigned order,
		       int64_t mark, int hz, unsigned af, uint32_t cpu,
		       const struct pa_wmark_adjust *adj)
{
	return wm_ok(m, z, order, mark, hz, af, cpu, adjust_of(z, adj));
}

/*
 * zone_watermark_fast (5.10+): a cheap order-0 test first, then the full
 * check, then for __GFP_HIGH/__GFP_ATOMIC order-0 at MIN a retry that
 * ignores the boost.
 */
bool zone_watermark_fast(const struct pa_model *m, const struct pa_zone *z, unsigned order,
			 int64_t mark, int hz, unsigned af, uint32_t cpu,
			 const struct pa_wmark_adjust *adj)
{
	adj = adjust_of(z, adj);
	if (m->p->wm == WM_K44)
		return wm_ok(m, z, order, mark, hz, af, cpu, adj);
	if (!order) {
		int64_t usable = z->free_pages + refill_credit(m, z, cpu) + adjusted_pages(adj);
		int64_t reserved = unusable_free(m, z, 0, af);

		if (m->p->wm == WM_K6)
			usable -= usable < reserved ? usable : reserved;
		else
			usable -= reserved;
		if (usable > mark + (int64_t)z->d.lowmem_reserve[hz])
			return true;
	}
	if (wm_ok(m, z, order, mark, hz, af, cpu, adj))
		return true;
	if (!order && (af & (m->p->wm == WM_K6 ? AF_HIGH : AF_HARDER)) && z->boost &&
	    (af & AF_WMARK_MASK) == AF_WMARK_MIN)
		return wm_ok(m, z, order, z->raw_wmark[0], hz, af, cpu, adj);
	return false;
}

/*
 * A fragmenting fallback raises every watermark by a pageblock, up to
 * high * watermark_boost_factor (15000 by default) / 10000.
 */
bool boost_watermark(const struct pa_model *m, struct pa_zone *z)
{
	int64_t pb = (int64_t)1 << m->pb_order;
	int64_t max_boost = z->raw_wmark[2] * 15000 / 10000;

	if ((uint64_t)pb * 4 > z->d.managed || !max_boost)
		return false;
	if (max_boost < pb)
		max_boost = pb;
	z->boost = z->boost + pb < max_boost ? z->boost + pb : max_boost;
	return true;
}
