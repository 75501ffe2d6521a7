/* SPDX-License-Identifier: MIT */
/*
 * Following the kernel: make the state agree with an allocation, a free,
 * a pcp refill or a pcp drain the trace reported, wherever the model
 * believed the pages were. Also the model's own allocation (free-run).
 */
#include <limits.h>

#include "allocator/dhugetlb.h"
#include "allocator/predict.h"

enum { MODE_NORMAL, MODE_CMA, MODE_CLAIM, MODE_STEAL };

/* Found-where flags of claim_range */
#define CR_BUDDY	1u
#define CR_PCP		2u
#define CR_OTHER_PCP	4u
#define CR_UNKNOWN	8u
#define CR_PARTIAL	16u

/*
 * Remove every free structure overlapping [pfn, pfn + 2^order): split an
 * enclosing buddy block the way the kernel's rule would (take_for_pfn), and
 * unlink free blocks lying inside. Pages end up plain (allocated).
 * With af AF_CORRECTION the range is not being allocated (a free of pages
 * the model has free, a drain of pages not on its pcp lists): no watermark
 * boost (nothing would wake kswapd to drop it: it stayed for good). The
 * split itself still follows the fallback rule: splitting the block where
 * it is measured worse (page-cache-low: 4 more state_desync, a checkpoint
 * row more beyond 1%).
 */
#define AF_CORRECTION UINT_MAX

static unsigned claim_range(struct pa_model *m, struct pa_zone *z, uint32_t cpu, uint64_t pfn,
			    unsigned order, int mt, unsigned af)
{
	int64_t h = enclosing_free(m, z, pfn, order);
	uint64_t end = pfn + ((uint64_t)1 << order);
	unsigned found = 0;

	if (h >= 0) {
		struct pa_page *hp = zpage(z, (uint64_t)h);
		struct pa_take t;

		if (pg_state(hp) == PG_PCP) {
			found |= pg_cpu(hp) == cpu ? CR_PCP : CR_OTHER_PCP;
			if (pg_order(hp) == order) {
				pcp_del(m, z, pfn);
				return found;
			}
			/* part of a larger pcp block: the rest returns to buddy */
			int pmt = pb_get(m, z, (uint64_t)h);
			unsigned ho = pg_order(hp);

			pcp_del(m, z, (uint64_t)h);
			buddy_add(m, z, (uint64_t)h, ho, pmt, false);
			take_block(m, z, (uint64_t)h, pfn, order, pmt);
			return found;
		}
		take_for_pfn(m, z, (uint64_t)h, pfn, order, mt, &t);
		if (af == AF_CORRECTION) {
			t.boosts = 0;
			af = 0;
		}
		take_commit(m, z, &t, order, mt, af);
		return CR_BUDDY;
	}
	if (!order)
		return pg_state(zpage(z, pfn)) == PG_UNKNOWN ? CR_UNKNOWN : 0;
	for (uint64_t q = pfn; q < end;) {
		struct pa_page *p = zpage(z, q);
		unsigned s = pg_state(p);

		if (s == PG_BUDDY || s == PG_PCP) {
			unsigned o = pg_order(p);

			if (s == PG_BUDDY)
				buddy_del(m, z, q);
			else
				pcp_del(m, z, q);
			found |= CR_PARTIAL;
			q += (uint64_t)1 << o;
			continue;
		}
		if (s == PG_UNKNOWN)
			found |= CR_UNKNOWN;
		q++;
	}
	return found;
}

void post_alloc(struct pa_model *m, struct pa_zone *z, unsigned order, unsigned af)
{
	/* rmqueue wakes kswapd for a boosted zone; kswapd then drops the boost */
	if ((z->flags & ZF_BOOSTED) && (af & AF_KSWAPD)) {
		z->flags &= ~ZF_BOOSTED;
		z->boost = 0;
	}
	if (m->p->fair_zones)
		z->alloc_batch -= (int64_t)1 << order;
	if (m->p->pcp_autotune && !(z->flags & ZF_BELOW_HIGH) &&
	    !zone_watermark_fast(m, z, 0, wmark(z, AF_WMARK_HIGH), (int)z->d.type, 0, PA_NO_CPU,
				NULL))
		z->flags |= ZF_BELOW_HIGH;
}

/* 4.4: when the local node's zones are all depleted the next pass resets them. */
static void fair_reset(struct pa_model *m, int node)
{
	for (uint32_t i = 0; i < m->nr_zones; i++) {
		struct pa_zone *z = &m->zones[i];

		if (z->d.node == node)
			z->alloc_batch = z->raw_wmark[2] - z->raw_wmark[1];
	}
}

static void fair_after_apply(struct pa_model *m, struct pa_zone *z)
{
	for (uint32_t i = 0; i < m->nr_zones; i++) {
		const struct pa_zone *o = &m->zones[i];

		if (o->d.node == z->d.node && o->d.managed && o->alloc_batch > 0)
			return;
	}
	fair_reset(m, z->d.node);
}

static enum pa_apply_result result_of(unsigned found)
{
	if (found & CR_PCP)
		return PA_APPLY_FROM_PCP;
	if (found & CR_OTHER_PCP)
		return PA_APPLY_FROM_OTHER_PCP;
	if ((found & CR_BUDDY) && !(found & CR_PARTIAL))
		return PA_APPLY_FROM_BUDDY;
	if ((found & CR_UNKNOWN) && !(found & CR_PARTIAL))
		return PA_APPLY_UNKNOWN;
	return PA_APPLY_NOT_FREE;
}

static unsigned default_af(const struct pa_model *m, const struct pa_zone *z, int mt)
{
	unsigned af = AF_WMARK_LOW | AF_KSWAPD | (mt == PA_MT_MOVABLE ? AF_CMA : 0);

	if (m->p->nofragment && z->d.type == PA_ZONE_NORMAL)
		af |= AF_NOFRAGMENT;
	return af;
}

/*
 * __rmqueue on a zone the kernel is known to be taking from (a refill or a
 * fallback event names it). get_page_from_freelist first walks the zonelist
 * with ALLOC_NOFRAGMENT and, when every zone fails, walks it again without:
 * if this zone has nothing under NOFRAGMENT, the kernel was in that retry.
 */
static bool rmqueue_find_in_zone(const struct pa_model *m, const struct pa_zone *z,
				 unsigned order, int mt, int mode, struct pa_take *t)
{
	unsigned af = default_af(m, z, mt);

	if (rmqueue_find(m, z, order, mt, af, mode, t))
		return true;
	return (af & AF_NOFRAGMENT) &&
	       rmqueue_find(m, z, order, mt, af & ~AF_NOFRAGMENT, mode, t);
}

/* cpu did something else: its refill, if one was in progress, is over */
static void end_refill(struct pa_model *m, uint32_t cpu)
{
	if (cpu < m->nr_cpus)
		m->bulk[cpu].active = false;
}

enum pa_apply_result pa_apply_alloc(struct pa_model *m, uint32_t cpu, uint64_t pfn,
				    unsigned order, int migratetype)
{
	struct pa_zone *z = zone_of(m, pfn);
	bool after_refill = cpu < m->nr_cpus && m->bulk[cpu].active;

	if (m->dh && order == 0 && cpu < m->nr_cpus && dh_owns(m, pfn)) {
		dh_take(m, cpu, pfn);	/* never on the buddy lists */
		return PA_APPLY_FROM_PCP;
	}
	struct pa_page *p;
	unsigned found;

	end_refill(m, cpu);
	if (!z || cpu >= m->nr_cpus || order >= m->nr_orders ||
	    pfn + ((uint64_t)1 << order) > z->end || (pfn & (((uint64_t)1 << order) - 1)))
		return PA_APPLY_OUTSIDE;
	if (migratetype < 0 || migratetype >= PA_NR_MIGRATETYPES)
		migratetype = PA_MT_UNMOVABLE;
	p = zpage(z, pfn);
	if (pg_state(p) == PG_PCP && pg_order(p) == order) {	/* the fast path */
		found = pg_cpu(p) == cpu ? CR_PCP : CR_OTHER_PCP;
		if (m->p->pcp_autotune && !after_refill)
			z->pcp[pg_cpu(p)].free_count >>= 1;
		pcp_del(m, z, pfn);
	} else {
		found = claim_range(m, z, cpu, pfn, order, migratetype,
				    default_af(m, z, migratetype));
	}
	mark_alloc(m, z, pfn, order, migratetype);
	post_alloc(m, z, order, AF_KSWAPD);
	if (m->p->fair_zones)
		fair_after_apply(m, z);
	return result_of(found);
}

int bulk_mode_after(const struct pa_take *t, int mt, int mode)
{
	if (t->kind == TAKE_CLAIM_MOVE || t->kind == TAKE_CLAIM_RANGE)
		return MODE_NORMAL;
	if (t->kind == TAKE_STEAL)
		return MODE_STEAL;
	if (t->kind == TAKE_SMALLEST && t->list_mt == PA_MT_CMA && mt != PA_MT_CMA)
		return MODE_CMA;
	return mode;
}

enum pa_apply_result pa_pcp_refill(struct pa_model *m, uint32_t cpu, uint64_t pfn,
				   unsigned order, int migratetype)
{
	struct pa_zone *z = zone_of(m, pfn);
	struct pa_bulk *b;
	int64_t h;
	unsigned found;

	if (!z || cpu >= m->nr_cpus || order >= m->nr_orders ||
	    pfn + ((uint64_t)1 << order) > z->end || (pfn & (((uint64_t)1 << order) - 1)))
		return PA_APPLY_OUTSIDE;
	if (migratetype < 0 || migratetype >= PA_PCPTYPES || !pcp_allowed(m, order))
		migratetype = migratetype == PA_MT_HIGHATOMIC || migratetype == PA_MT_CMA ?
				      PA_MT_MOVABLE : PA_MT_UNMOVABLE;
	b = &m->bulk[cpu];
	if (!(b->active && b->zone == z->idx && b->order == order &&
	      b->mt == migratetype)) {
		/* the first block of a refill: rmqueue_pcplist and nr_pcp_alloc ran */
		struct pa_pcp *pcp = &z->pcp[cpu];

		if (m->p->pcp_autotune)
			pcp->free_count >>= 1;
		pcp_refill_count(m, z, pcp, order, true);
		*b = (struct pa_bulk){ .active = true, .zone = z->idx, .order = order,
				       .mt = migratetype, .mode = MODE_NORMAL };
	}
	h = enclosing_free(m, z, pfn, order);
	if (h >= 0 && pg_state(zpage(z, (uint64_t)h)) == PG_BUDDY) {
		struct pa_take t;

		take_for_pfn(m, z, (uint64_t)h, pfn, order, migratetype, &t);
		take_commit(m, z, &t, order, migratetype, default_af(m, z, migratetype));
		b->mode = bulk_mode_after(&t, migratetype, b->mode);
		found = CR_BUDDY;
	} else {
		found = claim_range(m, z, cpu, pfn, order, migratetype,
				    default_af(m, z, migratetype));
	}
	mark_alloc(m, z, pfn, order, migratetype);
	pcp_add(m, z, cpu, pfn, order, migratetype, migratetype, true);
	b->pages += (uint64_t)1 << order;
	return result_of(found);
}

uint64_t pa_predict_refill(const struct pa_model *m, uint32_t cpu, int zone, unsigned order,
			   int migratetype)
{
	const struct pa_bulk *b;
	const struct pa_zone *z;
	struct pa_take t;
	int mode = MODE_NORMAL;

	if (zone < 0 || (uint32_t)zone >= m->nr_zones || order >= m->nr_orders ||
	    migratetype < 0 || migratetype >= PA_NR_MIGRATETYPES || cpu >= m->nr_cpus)
		return PA_PFN_NONE;
	z = &m->zones[zone];
	b = &m->bulk[cpu];
	if (b->active && b->zone == zone && b->order == order &&
	    b->mt == migratetype)
		mode = b->mode;
	if (!rmqueue_find_in_zone(m, z, order, migratetype, mode, &t))
		return PA_PFN_NONE;
	return t.pfn;
}

int pa_predict_rmqueue(const struct pa_model *m, uint32_t cpu, int zone, unsigned order,
		       int migratetype, struct pa_prediction *out)
{
	const struct pa_bulk *b;
	const struct pa_zone *z;
	struct pa_take t;
	int mode = MODE_NORMAL;

	*out = (struct pa_prediction){ .pfn = PA_PFN_NONE, .zone = -1, .migratetype = migratetype,
				       .fallback_mt = -1 };
	if (zone < 0 || (uint32_t)zone >= m->nr_zones || order >= m->nr_orders ||
	    migratetype < 0 || migratetype >= PA_NR_MIGRATETYPES || cpu >= m->nr_cpus)
		return -1;
	z = &m->zones[zone];
	b = &m->bulk[cpu];
	if (b->active && b->zone == zone && b->order == order &&
	    b->mt == migratetype)
		mode = b->mode;
	if (!rmqueue_find_in_zone(m, z, order, migratetype, mode, &t))
		return 0;
	out->success = true;
	out->pfn = t.pfn;
	out->zone = zone;
	out->path = t.fallback_mt >= 0 ? PA_PATH_FALLBACK : PA_PATH_BUDDY;
	out->fallback_mt = t.fallback_mt;
	out->fallback_order = t.block_order;
	out->change_ownership = t.claimed;
	return 0;
}

int pa_pcp_take_behind(struct pa_model *m, uint64_t pfn, unsigned max)
{
	struct pa_zone *z = zone_of(m, pfn);
	uint32_t off;
	unsigned n = 0;

	if (!z || pg_state(zpage(z, pfn)) != PG_PCP)
		return -1;
	for (off = zpage(z, pfn)->next; off != PA_NIL; off = z->pages[off].next)
		if (++n > max)
			return -1;
	while ((off = zpage(z, pfn)->next) != PA_NIL) {
		uint64_t q = z->start + off;
		unsigned order = pg_order(&z->pages[off]);
		int mt = (int)pg_lmt(&z->pages[off]);

		pcp_del(m, z, q);
		mark_alloc(m, z, q, order, mt);
	}
	return (int)n;
}

void pa_pcp_drain_from_start(struct pa_model *m, uint32_t cpu, int zone)
{
	if (zone >= 0 && (uint32_t)zone < m->nr_zones && cpu < m->nr_cpus)
		m->zones[zone].pcp[cpu].freed_pindex = -1;
}

uint64_t pa_predict_drain(const struct pa_model *m, uint32_t cpu, int zone)
{
	int64_t pfn;

	if (zone < 0 || (uint32_t)zone >= m->nr_zones || cpu >= m->nr_cpus)
		return PA_PFN_NONE;
	pfn = drain_next(m, &m->zones[zone], &m->zones[zone].pcp[cpu]);
	return pfn < 0 ? PA_PFN_NONE : (uint64_t)pfn;
}

int pa_pcp_drain(struct pa_model *m, uint32_t cpu, uint64_t pfn, unsigned order,
		 int migratetype)
{
	struct pa_zone *z = zone_of(m, pfn);
	struct pa_page *p;

	end_refill(m, cpu);
	if (!z || order >= m->nr_orders || pfn + ((uint64_t)1 << order) > z->end)
		return -1;
	p = zpage(z, pfn);
	if (pg_state(p) == PG_PCP && pg_order(p) == order) {
		drain_one(m, z, cpu, pfn);
		return 0;
	}
	/* not on a pcp list in the model: end in the buddy lists anyway */
	if (enclosing_free(m, z, pfn, order) >= 0)
		return 1;
	claim_range(m, z, cpu, pfn, order, migratetype, AF_CORRECTION);
	mark_alloc(m, z, pfn, order, migratetype);
	if (migratetype < 0 || migratetype >= PA_NR_MIGRATETYPES || m->p->pcp_reread_mt)
		migratetype = pb_get(m, z, pfn);
	free_one_page(m, z, pfn, order, migratetype);
	return 1;
}

enum free_how { FREE_HOT, FREE_COLD, FREE_BUDDY };

static enum pa_free_result free_common(struct pa_model *m, uint32_t cpu, uint64_t pfn,
				       unsigned order, enum free_how how)
{
	struct pa_zone *z = zone_of(m, pfn);
	enum pa_free_result res = PA_FREE_TO_BUDDY;
	uint64_t n = (uint64_t)1 << order;
	int mt;

	end_refill(m, cpu);
	if (!z || cpu >= m->nr_cpus || order >= m->nr_orders || pfn + n > z->end ||
	    (pfn & (n - 1)))
		return PA_FREE_OUTSIDE;
	if (m->dh && order == 0 && dh_owns(m, pfn))	/* free_page_to_dhugetlb_pool */
		return dh_free(m, cpu, pfn) < 0 ? PA_FREE_OUTSIDE : PA_FREE_TO_PCP;
	if (enclosing_free(m, z, pfn, order) >= 0) {
		claim_range(m, z, cpu, pfn, order, PA_MT_MOVABLE, AF_CORRECTION);
		res = PA_FREE_NOT_ALLOCATED;
	} else if (order && (claim_range(m, z, cpu, pfn, order, PA_MT_MOVABLE, AF_CORRECTION) &
			     CR_PARTIAL)) {
		res = PA_FREE_NOT_ALLOCATED;
	}
	for (uint64_t i = 0; i < n; i++) {
		struct pa_page *p = zpage(z, pfn + i);

		if (pg_state(p) == PG_UNKNOWN)
			z->unknown_pages--;
		pg_set(p, PG_ALLOC, 0, 0, 0, 0);
		pg_set_movable(p, false);
	}
	mt = pb_get(m, z, pfn);
	if (pcp_allowed(m, order) && mt != PA_MT_ISOLATE && how != FREE_BUDDY) {
		pcp_free_commit(m, z, cpu, pfn, order, mt, how == FREE_COLD);
		return res == PA_FREE_NOT_ALLOCATED ? res : PA_FREE_TO_PCP;
	}
	free_block_pieces(m, z, pfn, order);
	return res;
}

enum pa_free_result pa_free(struct pa_model *m, uint32_t cpu, uint64_t pfn, unsigned order)
{
	return free_common(m, cpu, pfn, order, FREE_HOT);
}

enum pa_free_result pa_free_cold(struct pa_model *m, uint32_t cpu, uint64_t pfn, unsigned order)
{
	return free_common(m, cpu, pfn, order, FREE_COLD);
}

enum pa_free_result pa_free_to_buddy(struct pa_model *m, uint32_t cpu, uint64_t pfn,
				     unsigned order)
{
	return free_common(m, cpu, pfn, order, FREE_BUDDY);
}

void pa_model_set_auto_drain(struct pa_model *m, bool on)
{
	m->auto_drain = on;
}

void pa_model_set_reclaim_active(struct pa_model *m, int node, int highest, bool on)
{
	for (uint32_t i = 0; i < m->nr_zones; i++) {
		struct pa_zone *z = &m->zones[i];

		if (z->d.node != node)
			continue;
		if (on && (int)z->d.type <= highest)
			z->flags |= ZF_RECLAIM_ACTIVE;
		else if (!on)
			z->flags &= ~ZF_RECLAIM_ACTIVE;
	}
}

int pa_run_pending_drain(struct pa_model *m, uint32_t cpu, int zone)
{
	if (zone < 0 || (uint32_t)zone >= m->nr_zones || cpu >= m->nr_cpus)
		return -1;
	drain_run(m, &m->zones[zone], cpu);
	return 0;
}

uint64_t pa_pending_drain(const struct pa_model *m, uint32_t cpu, int zone)
{
	if (zone < 0 || (uint32_t)zone >= m->nr_zones || cpu >= m->nr_cpus)
		return 0;
	return (uint64_t)(m->zones[zone].pcp[cpu].drain.remaining > 0 ?
				  m->zones[zone].pcp[cpu].drain.remaining : 0);
}

/*
 * The refill burst as rmqueue_bulk runs it, then the head is handed out.
 * 4.4 cold refills insert each block before the previous one, so the list
 * ends with the first block taken, which the cold allocation (tail) gets.
 */
static void commit_refill(struct pa_model *m, struct pa_zone *z, const struct pa_pick *pk,
			  const struct pa_request *r)
{
	struct pa_pcp *pcp = &z->pcp[r->cpu];
	bool cold = m->p->pcp_cold && (r->gfp & PA_GFP(COLD));
	int n, mode = MODE_NORMAL;

	if (m->p->pcp_autotune)
		pcp->free_count >>= 1;
	n = pcp_refill_count(m, z, pcp, r->order, true);
	for (int i = 0; i < n; i++) {
		struct pa_take t;

		if (!rmqueue_find(m, z, r->order, pk->mt, pk->af, mode, &t))
			break;
		take_commit(m, z, &t, r->order, pk->mt, pk->af);
		mark_alloc(m, z, t.pfn, r->order, pk->mt);
		pcp_add(m, z, r->cpu, t.pfn, r->order, pk->mt, pk->mt, !cold);
		mode = bulk_mode_after(&t, pk->mt, mode);
	}
}

int pa_alloc(struct pa_model *m, const struct pa_request *req, struct pa_prediction *out)
{
	struct pa_pick pk;
	struct pa_zone *z;
	uint64_t pfn;

	end_refill(m, req->cpu);
	if (pa_predict(m, req, out) < 0)
		return -1;
	decide(m, req, &pk);
	if (pk.path == PA_PATH_DHUGETLB) {
		dh_take(m, req->cpu, pk.pfn);
		out->pfn = pk.pfn;
		return 0;
	}
	z = &m->zones[pk.zone];
	if (pk.fair_reset)
		fair_reset(m, z->d.node);
	pfn = pk.pfn;
	if (pk.path == PA_PATH_PCP) {
		if (m->p->pcp_autotune)
			z->pcp[req->cpu].free_count >>= 1;
		pcp_del(m, z, pfn);
	} else if (pk.path == PA_PATH_PCP_REFILL) {
		struct pa_list *l = &z->pcp[req->cpu].lists[pcp_pindex(m, pk.mt, req->order)];
		bool cold = m->p->pcp_cold && (req->gfp & PA_GFP(COLD));

		commit_refill(m, z, &pk, req);
		pfn = z->start + (cold ? l->tail : l->head);
		pcp_del(m, z, pfn);
	} else {
		take_commit(m, z, &pk.t, req->order, pk.mt, pk.af);
	}
	mark_alloc(m, z, pfn, req->order, pk.mt);
	if (m->p->wm == WM_K6 ? (pk.af & AF_HIGHATOMIC) : (req->order && (pk.af & AF_HARDER)))
		reserve_highatomic(m, z, pfn, req->order);
	post_alloc(m, z, req->order, pk.af);
	out->pfn = pfn;
	return 0;
}
