/* SPDX-License-Identifier: MIT */
/*
 * How far the inferred free map agrees with the kernel's counts. The scan
 * of /proc/kpageflags takes a fraction of a second while the allocator keeps
 * working, so a (zone, order) count is "bracketed" when it lies between the
 * buddyinfo read just before and the one read just after. Every fraction is
 * weighted by pages, so a wrong order-0 block weighs 1/1024 of a wrong
 * order-10 one.
 */
#include <stdlib.h>

#include "capture/kpageflags.h"

struct tally {
	int64_t *blocks;	/* inferred free blocks [z][o][mt+1], mt -1 in slot 0 */
	uint32_t nz, no, nm;
};

static int64_t *cell(struct tally *t, uint32_t z, uint32_t o, int mt)
{
	return &t->blocks[((size_t)z * t->no + o) * (t->nm + 1) + (size_t)(mt + 1)];
}

static int64_t order_total(struct tally *t, uint32_t z, uint32_t o)
{
	int64_t n = 0;

	for (int mt = -1; mt < (int)t->nm; mt++)
		n += *cell(t, z, o, mt);
	return n;
}

static bool same_shape(const struct prt_header *h, const struct prt_checkpoint *cp)
{
	return cp && cp->nr_zones == h->nr_zones && cp->nr_orders == h->nr_orders;
}

static int64_t min64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

/* Pages in agreeing blocks over the larger of the two totals. */
static double agreement(uint64_t agree, uint64_t have, uint64_t want)
{
	uint64_t total = have > want ? have : want;

	return total ? (double)agree / (double)total : -1;
}

static void order_fractions(const struct prt_header *h, struct tally *t,
			    const struct prt_checkpoint *before, const struct prt_checkpoint *after,
			    struct kpageflags_match *m)
{
	uint64_t exact = 0, bracketed = 0, want_b = 0, want_near = 0;

	for (uint32_t z = 0; z < t->nz; z++)
		for (uint32_t o = 0; o < t->no; o++) {
			int64_t have = order_total(t, z, o);
			int64_t b = before->buddyinfo[z * t->no + o];
			int64_t a = same_shape(h, after) && after->buddyinfo ?
				    after->buddyinfo[z * t->no + o] : b;
			int64_t lo = a < 0 || b < a ? b : a, hi = a < 0 || a < b ? b : a;
			int64_t near = have < lo ? lo : have > hi ? hi : have;

			if (b < 0)
				continue;	/* zone not in buddyinfo */
			exact += (uint64_t)min64(have, b) << o;
			want_b += (uint64_t)b << o;
			bracketed += (uint64_t)min64(have, near) << o;
			want_near += (uint64_t)near << o;
		}
	m->order_exact = agreement(exact, m->free_pages, want_b);
	m->order_bracketed = agreement(bracketed, m->free_pages, want_near);
}

static void mt_fraction(const struct prt_header *h, struct tally *t,
			const struct prt_checkpoint *before, struct kpageflags_match *m)
{
	uint64_t agree = 0, want_total = 0;

	if (!before->free_blocks || before->nr_migratetypes != t->nm)
		return;
	for (uint32_t z = 0; z < t->nz; z++)
		for (uint32_t o = 0; o < t->no; o++)
			for (uint32_t mt = 0; mt < t->nm; mt++) {
				int64_t want = before->free_blocks[((size_t)z * t->no + o) * t->nm + mt];
				int64_t have = *cell(t, z, o, (int)mt);

				if (want < 0)
					continue;
				agree += (uint64_t)min64(have, want) << o;
				want_total += (uint64_t)want << o;
			}
	m->order_mt = agreement(agree, m->free_pages, want_total);
	(void)h;
}

static void pageblock_fraction(const struct prt_header *h, const struct prt_checkpoint *before,
			       struct kpageflags_match *m)
{
	uint32_t nm = h->nr_migratetypes;
	uint64_t agree = 0, have_total = 0, want_total = 0;
	int64_t *have = calloc(nm ? nm : 1, sizeof(*have));

	if (!have || !h->pageblock_mt || !before->pageblocks || before->nr_migratetypes != nm) {
		free(have);
		return;
	}
	for (uint32_t z = 0; z < h->nr_zones; z++) {
		uint64_t per = 1ULL << h->pageblock_order, first, n;

		if (!h->zones[z].spanned || before->pageblocks[(size_t)z * nm] < 0)
			continue;
		first = h->zones[z].start_pfn & ~(per - 1);
		n = (h->zones[z].start_pfn + h->zones[z].spanned - first + per - 1) / per;
		for (uint32_t mt = 0; mt < nm; mt++)
			have[mt] = 0;
		for (uint64_t b = 0; b < n; b++)
			if (h->pageblock_mt[z][b] >= 0 && (uint32_t)h->pageblock_mt[z][b] < nm)
				have[h->pageblock_mt[z][b]]++;
		for (uint32_t mt = 0; mt < nm; mt++) {
			int64_t want = before->pageblocks[(size_t)z * nm + mt];

			agree += (uint64_t)min64(have[mt], want);
			have_total += (uint64_t)have[mt];
			want_total += (uint64_t)want;
		}
	}
	free(have);
	m->pageblock_mt = agreement(agree, have_total, want_total);
}

static uint32_t zone_of(const struct prt_header *h, uint64_t pfn)
{
	for (uint32_t z = 0; z < h->nr_zones; z++)
		if (pfn >= h->zones[z].start_pfn && pfn < h->zones[z].start_pfn + h->zones[z].spanned)
			return z;
	return UINT32_MAX;
}

void kpageflags_match(const struct prt_header *h, const struct prt_checkpoint *before,
		      const struct prt_checkpoint *after, struct kpageflags_match *m)
{
	struct tally t = { .nz = h->nr_zones, .no = h->nr_orders, .nm = h->nr_migratetypes };

	*m = (struct kpageflags_match){ .order_exact = -1, .order_bracketed = -1,
					.order_mt = -1, .pageblock_mt = -1 };
	t.blocks = calloc((size_t)t.nz * t.no * (t.nm + 1) + 1, sizeof(*t.blocks));
	if (!t.blocks)
		return;
	for (uint64_t i = 0; i < h->nr_free_blocks; i++) {
		const struct prt_free_block *fb = &h->free_blocks[i];
		uint32_t z = zone_of(h, fb->pfn);
		int mt = fb->migratetype < (int)t.nm ? fb->migratetype : -1;

		if (z == UINT32_MAX || fb->order >= t.no)
			continue;
		(*cell(&t, z, fb->order, mt))++;
		m->free_pages += 1ULL << fb->order;
		m->free_blocks++;
	}
	if (m->free_pages && same_shape(h, before) && before->buddyinfo)
		order_fractions(h, &t, before, after, m);
	if (m->free_pages && same_shape(h, before))
		mt_fraction(h, &t, before, m);
	if (same_shape(h, before))
		pageblock_fraction(h, before, m);
	free(t.blocks);
}
