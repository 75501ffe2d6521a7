/* SPDX-License-Identifier: MIT */
/*
 * Invariant checker: each page in exactly one place, no two free buddies
 * that the kernel would have merged, counters equal list lengths, list
 * links consistent, pageblock types consistent with free lists (6.12+).
 * Also the test-only corruption hook (allocator/testhook.h).
 */
#include "allocator/testhook.h"

#define X(pfn) (unsigned long long)(pfn)

struct tally {
	uint64_t blocks[PA_MAX_ORDERS][PA_NR_MIGRATETYPES];
	int64_t unknown;
};

static int check_block(const struct pa_model *m, const struct pa_zone *z, uint64_t pfn,
		       struct pr_error *err)
{
	const struct pa_page *p = zpage(z, pfn);
	unsigned o = pg_order(p);
	uint64_t n = (uint64_t)1 << o;

	if (o >= m->nr_orders || (pfn & (n - 1)) || pfn + n > z->end)
		return pr_fail(err, PR_ESTATE, "zone %d: pfn %llu: free block of order %u is misplaced",
			       z->idx, X(pfn), o);
	for (uint64_t i = 1; i < n; i++) {
		unsigned s = pg_state(zpage(z, pfn + i));

		if (s == PG_BUDDY || s == PG_PCP)
			return pr_fail(err, PR_ESTATE,
				       "zone %d: pfn %llu: in two places, inside free block %llu order %u",
				       z->idx, X(pfn + i), X(pfn), o);
		if (s != PG_TAIL)
			return pr_fail(err, PR_ESTATE,
				       "zone %d: pfn %llu: inside free block %llu order %u but not a tail",
				       z->idx, X(pfn + i), X(pfn), o);
	}
	return 0;
}

static bool mergeable_pair(const struct pa_model *m, const struct pa_zone *z, uint64_t pfn,
			   uint64_t buddy, unsigned o)
{
	int a, b;

	if (o < m->pb_order)
		return true;
	a = pb_get(m, z, pfn);
	b = pb_get(m, z, buddy);
	if (a == b)
		return true;
	if (m->p->merge_type_check)
		return mt_mergeable(a) && mt_mergeable(b);
	return a != PA_MT_ISOLATE && b != PA_MT_ISOLATE;
}

static int check_buddy(const struct pa_model *m, const struct pa_zone *z, uint64_t pfn,
		       struct pr_error *err)
{
	const struct pa_page *p = zpage(z, pfn);
	unsigned o = pg_order(p);
	uint64_t buddy = pfn ^ ((uint64_t)1 << o);
	const struct pa_page *b;

	/* 6.12+: every pageblock a free block covers has the block's list type */
	for (uint64_t q = pfn; m->p->merge_retype && q < pfn + ((uint64_t)1 << o);
	     q += (uint64_t)1 << m->pb_order)
		if ((int)pg_lmt(p) != pb_get(m, z, q))
			return pr_fail(err, PR_ESTATE,
				       "zone %d: pfn %llu: on the %d list in a pageblock of type %d",
				       z->idx, X(q), (int)pg_lmt(p), pb_get(m, z, q));
	if (o + 1 >= m->nr_orders || !zone_has(z, buddy))
		return 0;
	b = zpage(z, buddy);
	if (pg_state(b) == PG_BUDDY && pg_order(b) == o && mergeable_pair(m, z, pfn, buddy, o))
		return pr_fail(err, PR_ESTATE, "zone %d: pfn %llu and %llu: free buddies of order %u not merged",
			       z->idx, X(pfn < buddy ? pfn : buddy), X(pfn < buddy ? buddy : pfn), o);
	return 0;
}

/* One walk over the zone's pfns: every page is a free head, inside one, or plain. */
static int walk_pages(const struct pa_model *m, const struct pa_zone *z, struct tally *t,
		      struct pr_error *err)
{
	for (uint64_t pfn = z->start; pfn < z->end;) {
		const struct pa_page *p = zpage(z, pfn);
		unsigned s = pg_state(p);

		if (s == PG_UNKNOWN)
			t->unknown++;
		if (s == PG_TAIL)
			return pr_fail(err, PR_ESTATE, "zone %d: pfn %llu: a tail outside any free block",
				       z->idx, X(pfn));
		if (s != PG_BUDDY && s != PG_PCP) {
			pfn++;
			continue;
		}
		if (check_block(m, z, pfn, err) < 0)
			return -1;
		if (s == PG_BUDDY) {
			if (check_buddy(m, z, pfn, err) < 0)
				return -1;
			t->blocks[pg_order(p)][pg_lmt(p)]++;
		}
		pfn += (uint64_t)1 << pg_order(p);
	}
	return 0;
}

/* Links, membership and length of one list. */
static int check_list(const struct pa_zone *z, const struct pa_list *l, unsigned state,
		      unsigned order, int mt, int pindex, uint32_t cpu, uint64_t *pages,
		      const char *what, struct pr_error *err)
{
	uint32_t prev = PA_NIL, n = 0;

	for (uint32_t e = l->head; e != PA_NIL; prev = e, e = z->pages[e].next) {
		const struct pa_page *p = &z->pages[e];
		bool ok = pg_state(p) == state && pg_order(p) == order &&
			  (mt < 0 || (int)pg_lmt(p) == mt) &&
			  (pindex < 0 || ((int)pg_pindex(p) == pindex && pg_cpu(p) == cpu));

		if (++n > l->nr || p->prev != prev || !ok)
			return pr_fail(err, PR_ESTATE, "zone %d: %s order %u: pfn %llu does not belong there",
				       z->idx, what, order, X(z->start + e));
		*pages += (uint64_t)1 << order;
	}
	if (n != l->nr || l->tail != prev)
		return pr_fail(err, PR_ESTATE, "zone %d: %s order %u: counter %u, list holds %u",
			       z->idx, what, order, l->nr, n);
	return 0;
}

static int check_free_lists(const struct pa_model *m, const struct pa_zone *z,
			    const struct tally *t, struct pr_error *err)
{
	int64_t free = 0, ha = 0, cma = 0;

	for (unsigned o = 0; o < m->nr_orders; o++) {
		uint64_t nr = 0;

		for (int mt = 0; mt < PA_NR_MIGRATETYPES; mt++) {
			const struct pa_list *l = &z->free[o][mt];
			uint64_t pages = 0;

			if (check_list(z, l, PG_BUDDY, o, mt, -1, 0, &pages, "free list", err) < 0)
				return -1;
			if (t->blocks[o][mt] != l->nr)
				return pr_fail(err, PR_ESTATE,
					       "zone %d: free list order %u type %d: %u listed, %llu free heads",
					       z->idx, o, mt, l->nr, X(t->blocks[o][mt]));
			nr += l->nr;
			free += mt == PA_MT_ISOLATE ? 0 : (int64_t)pages;
			ha += mt == PA_MT_HIGHATOMIC ? (int64_t)pages : 0;
			cma += mt == PA_MT_CMA ? (int64_t)pages : 0;
		}
		if (nr != z->nr_free[o])
			return pr_fail(err, PR_ESTATE, "zone %d: nr_free[%u] is %llu, lists hold %llu",
				       z->idx, o, X(z->nr_free[o]), X(nr));
	}
	if (free != z->free_pages || ha != z->free_highatomic || cma != z->free_cma)
		return pr_fail(err, PR_ESTATE, "zone %d: free page counters %lld/%lld/%lld, lists hold %lld/%lld/%lld",
			       z->idx, (long long)z->free_pages, (long long)z->free_highatomic,
			       (long long)z->free_cma, (long long)free, (long long)ha, (long long)cma);
	return 0;
}

static int check_pcp(const struct pa_model *m, const struct pa_zone *z, struct pr_error *err)
{
	for (uint32_t c = 0; c < m->nr_cpus; c++) {
		const struct pa_pcp *pcp = &z->pcp[c];
		uint64_t pages = 0;

		for (unsigned i = 0; i < m->p->nr_pcp_lists; i++)
			if (check_list(z, &pcp->lists[i], PG_PCP, pindex_order(m, i), -1, (int)i, c,
				       &pages, "pcp list", err) < 0)
				return -1;
		if ((int64_t)pages != pcp->count)
			return pr_fail(err, PR_ESTATE, "zone %d: cpu %u: pcp count %d, lists hold %llu",
				       z->idx, c, pcp->count, X(pages));
	}
	return 0;
}

int pa_model_check(const struct pa_model *m, struct pr_error *err)
{
	for (uint32_t i = 0; i < m->nr_zones; i++) {
		const struct pa_zone *z = &m->zones[i];
		struct tally t = { 0 };

		for (uint64_t b = 0; b < z->nr_pb; b++)
			if (z->pb_mt[b] >= PA_NR_MIGRATETYPES)
				return pr_fail(err, PR_ESTATE, "zone %d: pageblock %llu: type %d",
					       z->idx, X(z->pb_base + b), z->pb_mt[b]);
		if (walk_pages(m, z, &t, err) < 0 || check_free_lists(m, z, &t, err) < 0 ||
		    check_pcp(m, z, err) < 0)
			return -1;
		if (t.unknown != z->unknown_pages)
			return pr_fail(err, PR_ESTATE, "zone %d: %lld unknown pages counted, %lld found",
				       z->idx, (long long)z->unknown_pages, (long long)t.unknown);
	}
	return 0;
}

/* ---- test-only corruption ---- */

int pa_test_corrupt(struct pa_model *m, enum pa_corruption what, uint64_t pfn)
{
	struct pa_zone *z = zone_of(m, pfn);
	struct pa_page *p;

	if (!z)
		return -1;
	p = zpage(z, pfn);
	switch (what) {
	case PA_CORRUPT_LIST_COUNT:
		z->free[pg_order(p)][pg_lmt(p)].nr++;
		return 0;
	case PA_CORRUPT_FREE_PAGES:
		z->free_pages++;
		return 0;
	case PA_CORRUPT_TWO_PLACES:	/* a tail page also claims to head a block */
		pg_set(zpage(z, pfn + 1), PG_BUDDY, 0, pg_lmt(p), 0, 0);
		return 0;
	case PA_CORRUPT_SPLIT_PAIR: {	/* free block kept as two unmerged halves */
		unsigned o = pg_order(p);
		int mt = (int)pg_lmt(p);

		buddy_del(m, z, pfn);
		buddy_add(m, z, pfn, o - 1, mt, false);
		buddy_add(m, z, pfn + ((uint64_t)1 << (o - 1)), o - 1, mt, false);
		return 0;
	}
	case PA_CORRUPT_PCP_COUNT:
		z->pcp[pg_cpu(p)].count++;
		return 0;
	case PA_CORRUPT_LIST_TYPE:
		pg_set(p, pg_state(p), pg_order(p), (pg_lmt(p) + 1) % PA_PCPTYPES, pg_pindex(p),
		       pg_cpu(p));
		return 0;
	case PA_CORRUPT_PAGEBLOCK:
		*pb_slot(z, pfn, m->pb_order) = (uint8_t)((pb_get(m, z, pfn) + 1) % PA_PCPTYPES);
		return 0;
	case PA_CORRUPT_UNKNOWN_COUNT:
		z->unknown_pages++;
		return 0;
	case PA_CORRUPT_LOST_TAIL:
		pg_set_state(zpage(z, pfn + 1), PG_ALLOC);
		return 0;
	case PA_CORRUPT_STRAY_TAIL:
		pg_set_state(p, PG_TAIL);
		return 0;
	}
	return -1;
}
