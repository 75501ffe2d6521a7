/* SPDX-License-Identifier: MIT */
/* The free map as it was when tracing began (replay/scan_start.h). */
#include "replay/scan_start.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MOVED, BEFORE_SCAN, FREE_AT_START, NR_PAGE_BITS };

static bool zone_has(const struct prt_zone *z, uint64_t pfn)
{
	return pfn >= z->start_pfn && pfn - z->start_pfn < z->spanned;
}

static int zone_index(const struct prt_header *h, uint64_t pfn)
{
	for (uint32_t z = 0; z < h->nr_zones; z++)
		if (zone_has(&h->zones[z], pfn))
			return (int)z;
	return -1;
}

static uint64_t first_slice_pfn(const struct prt_zone *z)
{
	return z->start_pfn & ~((uint64_t)PRT_KPAGEFLAGS_SLICE_PAGES - 1);
}

static uint64_t span_pages(const struct prt_header *h)
{
	return 1ULL << (h->nr_orders ? h->nr_orders - 1 : 0);
}

static int parse_interval(const struct prt_header *h, uint64_t *start, uint64_t *end)
{
	const char *v = prt_header_setting(h, "capture.kpageflags_scan_ns");

	if (!v || sscanf(v, "%" SCNu64 " %" SCNu64, start, end) != 2 || *end <= *start) {
		*start = *end = 0;
		return -1;
	}
	return 0;
}

static uint8_t **zone_bitmaps(const struct prt_header *h, uint64_t per_bit)
{
	uint8_t **b = calloc(h->nr_zones, sizeof(*b));

	for (uint32_t z = 0; b && z < h->nr_zones; z++)
		if (!(b[z] = calloc(h->zones[z].spanned / per_bit / 8 + 2, 1)))
			return NULL;	/* the caller's release frees what is here */
	return b;
}

static void free_bitmaps(uint8_t **b, uint32_t n)
{
	for (uint32_t z = 0; b && z < n; z++)
		free(b[z]);
	free(b);
}

int rp_scan_start_init(struct rp_scan_start *s, const struct prt_header *h)
{
	memset(s, 0, sizeof(*s));
	s->h = h;
	if (!h->nr_free_blocks || !h->nr_zones || h->nr_orders > PRT_MAX_ORDERS ||
	    parse_interval(h, &s->start_ns, &s->end_ns) < 0)
		return 0;
	s->zone_offset = calloc(h->nr_zones, sizeof(*s->zone_offset));
	if (!s->zone_offset)
		goto fail;
	for (uint32_t z = 0; z < h->nr_zones; z++) {
		s->zone_offset[z] = s->total_read;
		if (h->zones[z].spanned)
			s->total_read += h->zones[z].start_pfn + h->zones[z].spanned -
					 first_slice_pfn(&h->zones[z]);
	}
	for (int b = 0; b < NR_PAGE_BITS; b++)
		if (!(s->bits[b] = zone_bitmaps(h, 1)))
			goto fail;
	if (!(s->dirty = zone_bitmaps(h, span_pages(h))))
		goto fail;
	return 0;
fail:
	rp_scan_start_release(s);
	return -1;
}

void rp_scan_start_release(struct rp_scan_start *s)
{
	uint32_t n = s->h ? s->h->nr_zones : 0;

	for (int b = 0; b < NR_PAGE_BITS; b++)
		free_bitmaps(s->bits[b], n);
	free_bitmaps(s->dirty, n);
	free(s->zone_offset);
	memset(s, 0, sizeof(*s));
}

/* When the scan read pfn of zone z (trace clock). */
static uint64_t scan_time(const struct rp_scan_start *s, uint32_t z, uint64_t pfn)
{
	uint64_t read = s->zone_offset[z] + pfn - first_slice_pfn(&s->h->zones[z]);

	return s->start_ns +
	       (uint64_t)((double)(s->end_ns - s->start_ns) * (double)read / (double)s->total_read);
}

static bool get_bit(uint8_t *const *bits, uint32_t z, uint64_t i)
{
	return bits[z][i / 8] >> (i % 8) & 1;
}

static void set_bit(uint8_t **bits, uint32_t z, uint64_t i, bool on)
{
	if (on)
		bits[z][i / 8] |= (uint8_t)(1u << (i % 8));
	else
		bits[z][i / 8] &= (uint8_t)~(1u << (i % 8));
}

/* Which way does the event move its block: +1 off the buddy lists, -1 onto
 * them, 0 neither (or not known from the event alone). */
static int buddy_move(const struct prt_header *h, const struct prt_event *ev)
{
	if (ev->type == PRT_EV_ZONE_LOCKED || ev->type == PRT_EV_EXTFRAG)
		return 1;	/* (6.15+ traces a fallback's page by extfrag alone) */
	if (ev->type == PRT_EV_PCPU_DRAIN)
		return -1;
	/* orders the pcp lists do not hold go straight to the buddy lists
	 * (6.x: the pcp lists hold orders 0-3 and the pageblock order) */
	if (ev->type == PRT_EV_FREE && ev->order > 3 && ev->order != h->pageblock_order)
		return -1;
	return 0;
}

void rp_scan_start_note(struct rp_scan_start *s, const struct prt_event *ev)
{
	const struct prt_zone *zone;
	int move, z;

	if (!s->end_ns || ev->pfn == PRT_PFN_NONE || ev->ts_ns >= s->end_ns ||
	    ev->order >= s->h->nr_orders || !(move = buddy_move(s->h, ev)))
		return;
	z = zone_index(s->h, ev->pfn);
	if (z < 0)
		return;
	zone = &s->h->zones[z];
	for (uint64_t pfn = ev->pfn; pfn < ev->pfn + (1ULL << ev->order) && zone_has(zone, pfn);
	     pfn++) {
		uint64_t i = pfn - zone->start_pfn;

		if (get_bit(s->bits[MOVED], (uint32_t)z, i))
			continue;
		set_bit(s->bits[MOVED], (uint32_t)z, i, true);
		if (ev->ts_ns >= scan_time(s, (uint32_t)z, pfn))
			continue;	/* the scan read it first: it is what the scan says */
		set_bit(s->bits[BEFORE_SCAN], (uint32_t)z, i, true);
		set_bit(s->bits[FREE_AT_START], (uint32_t)z, i, move > 0);
		set_bit(s->dirty, (uint32_t)z, (pfn - (zone->start_pfn & ~(span_pages(s->h) - 1))) /
						       span_pages(s->h), true);
		s->pages_before_scan++;
	}
}

struct block_list {
	struct prt_free_block *b;
	uint64_t n, cap;
};

static int push(struct block_list *l, uint64_t pfn, unsigned order, int mt, bool reported)
{
	if (l->n == l->cap) {
		uint64_t cap = l->cap ? 2 * l->cap : 1024;
		struct prt_free_block *b = realloc(l->b, cap * sizeof(*b));

		if (!b)
			return -1;
		l->b = b;
		l->cap = cap;
	}
	l->b[l->n++] = (struct prt_free_block){ pfn, (uint8_t)order, (int8_t)mt, reported };
	return 0;
}

static int pageblock_mt(const struct prt_header *h, uint32_t z, uint64_t pfn)
{
	uint64_t first = h->zones[z].start_pfn & ~((1ULL << h->pageblock_order) - 1);

	return h->pageblock_mt && h->pageblock_mt[z] ? h->pageblock_mt[z][(pfn - first) >>
									   h->pageblock_order]
						     : -1;
}

/* The largest aligned block at pfn whose pages are all free in free[]
 * (indexed from base), within [.., end). */
static unsigned block_order(const struct prt_header *h, const bool *free, uint64_t base,
			    uint64_t pfn, uint64_t end)
{
	unsigned order = 0;

	while (order + 1 < h->nr_orders) {
		uint64_t size = 1ULL << (order + 1);

		if ((pfn & (size - 1)) || pfn + size > end)
			break;
		for (uint64_t p = pfn + (size >> 1); p < pfn + size; p++)
			if (!free[p - base])
				return order;
		order++;
	}
	return order;
}

/* A block the re-cut left as the scan read it keeps its reported bit. */
static bool still_reported(const struct prt_header *h, uint64_t from, uint64_t to, uint64_t pfn,
			   unsigned order)
{
	for (uint64_t i = from; i < to; i++)
		if (h->free_blocks[i].pfn == pfn)
			return h->free_blocks[i].order == order && h->free_blocks[i].reported;
	return false;
}

/*
 * The span [a, b) of zone z, whose blocks in the scan's map start at
 * h->free_blocks[*next]: its pages as the scan read them, those whose first
 * move came before the scan as that move says, cut again.
 */
static int recut_span(struct rp_scan_start *s, uint32_t z, uint64_t a, uint64_t b,
		      uint64_t *next, struct block_list *out)
{
	const struct prt_header *h = s->h;
	bool free[1u << (PRT_MAX_ORDERS - 1)] = { false };
	uint64_t zs = h->zones[z].start_pfn, first = *next;

	for (; *next < h->nr_free_blocks && h->free_blocks[*next].pfn < b; (*next)++)
		for (uint64_t p = h->free_blocks[*next].pfn;
		     p < h->free_blocks[*next].pfn + (1ULL << h->free_blocks[*next].order) && p < b; p++)
			free[p - a] = true;
	for (uint64_t p = a; p < b; p++)
		if (get_bit(s->bits[BEFORE_SCAN], z, p - zs)) {
			bool f = get_bit(s->bits[FREE_AT_START], z, p - zs);

			s->pages_changed += f != free[p - a];
			free[p - a] = f;
		}
	for (uint64_t p = a; p < b;) {
		unsigned order;

		if (!free[p - a]) {
			p++;
			continue;
		}
		order = block_order(h, free, a, p, b);
		if (push(out, p, order, pageblock_mt(h, z, p),
			 still_reported(h, first, *next, p, order)) < 0)
			return -1;
		p += 1ULL << order;
	}
	return 0;
}

/* The first block at or above pfn. */
static uint64_t lower_bound(const struct prt_header *h, uint64_t pfn)
{
	uint64_t lo = 0, hi = h->nr_free_blocks;

	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;

		if (h->free_blocks[mid].pfn < pfn)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int rp_scan_start_blocks(struct rp_scan_start *s, struct prt_free_block **out, uint64_t *n)
{
	const struct prt_header *h = s->h;
	struct block_list l = { 0 };
	uint64_t span = span_pages(h), next;

	*out = NULL;
	*n = 0;
	if (!s->pages_before_scan)
		return 0;
	for (uint32_t z = 0; z < h->nr_zones; z++) {
		const struct prt_zone *zone = &h->zones[z];
		uint64_t first = zone->start_pfn & ~(span - 1);

		next = lower_bound(h, zone->start_pfn);
		for (uint64_t a = first; zone->spanned && a < zone->start_pfn + zone->spanned; a += span) {
			uint64_t lo = a > zone->start_pfn ? a : zone->start_pfn;
			uint64_t hi = a + span < zone->start_pfn + zone->spanned ?
				a + span : zone->start_pfn + zone->spanned;

			if (get_bit(s->dirty, z, (a - first) / span)) {
				if (recut_span(s, z, lo, hi, &next, &l) < 0)
					goto fail;
				continue;
			}
			for (; next < h->nr_free_blocks && h->free_blocks[next].pfn < hi; next++)
				if (push(&l, h->free_blocks[next].pfn, h->free_blocks[next].order,
					 h->free_blocks[next].migratetype,
					 h->free_blocks[next].reported) < 0)
					goto fail;
		}
	}
	*out = l.b;
	*n = l.n;
	return 0;
fail:
	free(l.b);
	return -1;
}
