/* SPDX-License-Identifier: MIT */
/*
 * What the kernel did not export at capture start but the trace reveals:
 * the migratetype of each pageblock before the trace changed it. A first
 * pass over the events takes, per pageblock, the first of:
 *   mm_page_alloc_zone_locked  the free list the block came from; since
 *                              6.10 free lists follow pageblock types
 *   mm_page_pcpu_drain         6.12+ re-reads the pageblock's type here
 *   mm_page_alloc_extfrag      fallback_migratetype: the type before the
 *                              fallback changed it
 *   mm_page_free, then         the free put the page on the pcp list of its
 *   mm_page_alloc of that pfn  pageblock's type; an allocation of type M
 *                              that takes it straight back found it on the
 *                              M list
 * Pageblocks the trace never touches keep capture's estimate.
 *
 * It also marks the frees of free_unref_folios: their mm_page_free comes
 * from a first loop over the batch, the page reaches the pcp list in a
 * second, where mm_page_free_batched is traced; a drain in between (another
 * cpu's drain_all_pages) does not see it.
 *
 * The same pass finds the blocks whose first event is a pcp drain: they sat
 * on a pcp list when the trace began, so they were not free, even where the
 * free map has them (it does, now and then, for order-2 pcp blocks). Left
 * free, they would merge with their buddies in the model and decide where
 * later frees go on the lists.
 */
#include <stdlib.h>
#include <string.h>

#include "capture/prt.h"
#include "replay/infer.h"
#include "replay/scan_start.h"

/* Where an event's pfn sits: its zone in the header (-1: none) and its
 * index there, found once per event. */
struct pfn_at {
	int z;
	uint64_t i, zone_pages;
};

static struct pfn_at locate(const struct prt_header *h, uint64_t pfn)
{
	for (uint32_t z = 0; z < h->nr_zones; z++)
		if (pfn >= h->zones[z].start_pfn && pfn - h->zones[z].start_pfn < h->zones[z].spanned)
			return (struct pfn_at){ (int)z, pfn - h->zones[z].start_pfn, h->zones[z].spanned };
	return (struct pfn_at){ -1, 0, 0 };
}

static int8_t *slot(struct rp_pageblock_hints *hints, const struct prt_header *h, struct pfn_at at)
{
	uint64_t per = 1ULL << h->pageblock_order;
	uint64_t lead = h->zones[at.z].start_pfn & (per - 1);	/* the first pageblock's pages before the zone */

	return hints->mt[at.z] ? &hints->mt[at.z][(at.i + lead) >> h->pageblock_order] : NULL;
}

static bool test_and_set(uint8_t *b, uint64_t i)
{
	bool was = b[i / 8] >> (i % 8) & 1;

	b[i / 8] |= (uint8_t)(1u << (i % 8));
	return was;
}

/* Set a per-page bit of a zone's bitmap to on; returns what it was. */
static bool swap_bit(uint8_t *b, uint64_t i, bool on)
{
	bool was;

	if (!b)
		return false;
	if (on)
		return test_and_set(b, i);
	was = b[i / 8] >> (i % 8) & 1;
	b[i / 8] &= (uint8_t)~(1u << (i % 8));
	return was;
}

/* Set the bits of pages [i, i + n) that lie in the zone; were any set
 * already? A byte at a time where the range covers it whole. */
static bool set_bits(uint8_t *b, uint64_t i, uint64_t n, uint64_t len)
{
	uint64_t end;
	bool any = false;

	if (!b)
		return false;
	end = n < len - i ? i + n : len;
	for (; i < end && (i % 8 || end - i < 8); i++)
		any |= test_and_set(b, i);
	for (; i + 8 <= end; i += 8) {
		any |= b[i / 8] != 0;
		b[i / 8] = 0xff;
	}
	for (; i < end; i++)
		any |= test_and_set(b, i);
	return any;
}

/* Was the last event of this pfn a free to a pcp list? One bit per page. */
static bool swap_freed(struct rp_pageblock_hints *hints, struct pfn_at at, bool freed)
{
	return hints->freed ? swap_bit(hints->freed[at.z], at.i, freed) : false;
}

static void add_pcp_at_start(struct rp_pageblock_hints *hints, uint64_t pfn, unsigned order)
{
	if (hints->nr_pcp_at_start == hints->cap_pcp_at_start) {
		uint64_t cap = hints->cap_pcp_at_start ? 2 * hints->cap_pcp_at_start : 64;
		struct rp_block *b = realloc(hints->pcp_at_start, cap * sizeof(*b));

		if (!b)
			return;	/* a hint, not a fact the replay needs */
		hints->pcp_at_start = b;
		hints->cap_pcp_at_start = cap;
	}
	hints->pcp_at_start[hints->nr_pcp_at_start++] = (struct rp_block){ pfn, (uint8_t)order };
}

/* Mark the pages of an event's block named; a drain naming only pages no
 * event named before found them on a pcp list since the trace began. */
static void note_seen(struct rp_pageblock_hints *hints, struct pfn_at at,
		      const struct prt_event *ev)
{
	uint64_t n = 1ULL << (ev->order < 20 ? ev->order : 20);
	bool any;

	if (ev->type != PRT_EV_ALLOC && ev->type != PRT_EV_FREE &&
	    ev->type != PRT_EV_ZONE_LOCKED && ev->type != PRT_EV_PCPU_DRAIN &&
	    ev->type != PRT_EV_EXTFRAG)	/* 6.15+ traces a fallback's page by it alone */
		return;
	any = hints->seen && set_bits(hints->seen[at.z], at.i, n, at.zone_pages);
	if (!any && ev->type == PRT_EV_PCPU_DRAIN)
		add_pcp_at_start(hints, ev->pfn, ev->order);
}

/* Set bits [lo, hi): ranges run to tens of thousands of pages, ten
 * thousand times a trace (a byte at a time, this was half of the replay
 * of a page-cache capture). */
static void fill_bits(uint8_t *b, uint64_t lo, uint64_t hi)
{
	for (; lo < hi && lo % 8; lo++)
		b[lo / 8] |= (uint8_t)(1u << (lo % 8));
	if (hi - lo >= 8) {
		memset(b + lo / 8, 0xff, (hi - lo) / 8);
		lo += (hi - lo) / 8 * 8;
	}
	for (; lo < hi; lo++)
		b[lo / 8] |= (uint8_t)(1u << (lo % 8));
}

/* Compaction's free scanners name a range they took free blocks from. */
static void note_scanned(struct rp_pageblock_hints *hints, const struct prt_header *h,
			 const struct prt_event *ev)
{
	for (uint32_t z = 0; hints->scanned && z < h->nr_zones; z++) {
		uint64_t lo = h->zones[z].start_pfn, hi = lo + h->zones[z].spanned;
		uint64_t a = ev->arg[0] > lo ? ev->arg[0] : lo, b = ev->arg[1] < hi ? ev->arg[1] : hi;
		uint8_t *bits = hints->scanned[z];

		if (!bits || a >= b)
			continue;
		fill_bits(bits, a - lo, b - lo);
	}
}

static void learn(struct rp_pageblock_hints *hints, const struct prt_header *h,
		  const struct prt_event *ev)
{
	int mt = -1;
	struct pfn_at at;
	int8_t *s;

	if (ev->type == PRT_EV_COMPACT_ISOLATE_FREE)
		note_scanned(hints, h, ev);
	if (ev->pfn == PRT_PFN_NONE || (at = locate(h, ev->pfn)).z < 0)
		return;
	note_seen(hints, at, ev);
	if (ev->type == PRT_EV_FREE) {
		swap_freed(hints, at, ev->order <= 3 || ev->order == h->pageblock_order);
		return;
	}
	if (ev->type == PRT_EV_ZONE_LOCKED || ev->type == PRT_EV_PCPU_DRAIN) {
		mt = ev->migratetype;
		swap_freed(hints, at, false);
	} else if (ev->type == PRT_EV_EXTFRAG) {
		mt = (int)ev->arg[1];
	} else if (ev->type == PRT_EV_ALLOC) {
		if (!swap_freed(hints, at, false))
			return;
		mt = ev->migratetype;
	} else {
		return;
	}
	s = slot(hints, h, at);
	if (s && *s < 0 && mt >= 0 && mt < PRT_MAX_MIGRATETYPES) {
		*s = (int8_t)mt;
		hints->learned++;
	}
}

/* The last frees of each cpu, to pair with mm_page_free_batched. */
#define RECENT_FREES 64

struct recent_free {
	uint64_t pfn, index;
};

static void note_batched(struct rp_pageblock_hints *hints, struct recent_free (*recent)[RECENT_FREES],
			 uint32_t nr_cpus, const struct prt_event *ev, uint64_t index)
{
	struct recent_free *r;

	if (ev->cpu >= nr_cpus || ev->pfn == PRT_PFN_NONE)
		return;
	r = recent[ev->cpu];
	if (ev->type == PRT_EV_FREE) {
		r[index % RECENT_FREES] = (struct recent_free){ ev->pfn, index + 1 };
		return;
	}
	for (unsigned i = 0; i < RECENT_FREES; i++)
		if (r[i].index && r[i].pfn == ev->pfn) {
			hints->batched[(r[i].index - 1) / 8] |= (uint8_t)(1u << ((r[i].index - 1) % 8));
			r[i].index = 0;
			return;
		}
}

int rp_infer_pageblocks(const char *path, struct rp_pageblock_hints *hints, struct pr_error *err)
{
	struct prt_reader *r = prt_reader_open(path, err);
	const struct prt_header *h;
	struct prt_event ev;
	struct recent_free (*recent)[RECENT_FREES];
	struct rp_scan_start scan;
	int got;

	memset(hints, 0, sizeof(*hints));
	if (!r)
		return -1;
	h = prt_reader_header(r);
	hints->nr_zones = h->nr_zones;
	hints->mt = calloc(h->nr_zones ? h->nr_zones : 1, sizeof(*hints->mt));
	for (uint32_t z = 0; hints->mt && z < h->nr_zones; z++) {
		uint64_t per = 1ULL << h->pageblock_order;
		uint64_t first = h->zones[z].start_pfn & ~(per - 1);
		uint64_t n = h->zones[z].spanned ?
			(h->zones[z].start_pfn + h->zones[z].spanned - first + per - 1) / per : 0;

		hints->mt[z] = malloc(n ? n : 1);
		if (hints->mt[z])
			memset(hints->mt[z], -1, n ? n : 1);
	}
	hints->freed = calloc(h->nr_zones ? h->nr_zones : 1, sizeof(*hints->freed));
	hints->seen = calloc(h->nr_zones ? h->nr_zones : 1, sizeof(*hints->seen));
	for (uint32_t z = 0; hints->freed && z < h->nr_zones; z++)
		hints->freed[z] = calloc(h->zones[z].spanned / 8 + 1, 1);
	for (uint32_t z = 0; hints->seen && z < h->nr_zones; z++)
		hints->seen[z] = calloc(h->zones[z].spanned / 8 + 1, 1);
	hints->scanned = calloc(h->nr_zones ? h->nr_zones : 1, sizeof(*hints->scanned));
	for (uint32_t z = 0; hints->scanned && z < h->nr_zones; z++)
		hints->scanned[z] = calloc(h->zones[z].spanned / 8 + 1, 1);
	hints->nr_events = prt_reader_event_count(r);
	hints->batched = calloc(hints->nr_events / 8 + 1, 1);
	recent = calloc(h->nr_cpus ? h->nr_cpus : 1, sizeof(*recent));
	if (rp_scan_start_init(&scan, h) < 0)
		memset(&scan, 0, sizeof(scan));	/* the scan's map stands */
	/* a synthetic trace's header holds the exact types its stand-in
	 * kernel started from: nothing to learn, and events would mislead */
	for (uint64_t i = 0; h->source != PRT_SOURCE_SYNTH &&
			     (got = prt_reader_next(r, &ev, NULL)) > 0; i++) {
		learn(hints, h, &ev);
		rp_scan_start_note(&scan, &ev);
		if (hints->batched && recent && i < hints->nr_events &&
		    (ev.type == PRT_EV_FREE || ev.type == PRT_EV_FREE_BATCHED))
			note_batched(hints, recent, h->nr_cpus, &ev, i);
	}
	free(recent);
	/* what the trace names, for rp_hints_take_named: pages and the free
	 * scanners' ranges (kept apart until now: a drain's page inside a
	 * scanned range may still be the first event naming it) */
	for (uint32_t z = 0; hints->seen && hints->scanned && z < h->nr_zones; z++)
		for (uint64_t i = 0; hints->seen[z] && hints->scanned[z] && i < h->zones[z].spanned / 8 + 1; i++)
			hints->seen[z][i] |= hints->scanned[z][i];
	if (scan.h && rp_scan_start_blocks(&scan, &hints->free_at_start, &hints->nr_free_at_start) == 0) {
		hints->scan_pages_before = scan.pages_before_scan;
		hints->scan_pages_changed = scan.pages_changed;
	}
	rp_scan_start_release(&scan);
	prt_reader_close(r);
	return 0;	/* damage is reported by the main pass */
}

void rp_header_at_start(const struct prt_header *h, const struct rp_pageblock_hints *hints,
			struct prt_header *out)
{
	*out = *h;
	if (hints->free_at_start) {
		out->free_blocks = hints->free_at_start;
		out->nr_free_blocks = hints->nr_free_at_start;
	}
}

void rp_pageblock_hints_release(struct rp_pageblock_hints *hints)
{
	for (uint32_t z = 0; z < hints->nr_zones; z++) {
		if (hints->mt)
			free(hints->mt[z]);
		if (hints->freed)
			free(hints->freed[z]);
		if (hints->seen)
			free(hints->seen[z]);
		if (hints->scanned)
			free(hints->scanned[z]);
	}
	free(hints->mt);
	free(hints->freed);
	free(hints->seen);
	free(hints->scanned);
	free(hints->pcp_at_start);
	free(hints->batched);
	free(hints->free_at_start);
	memset(hints, 0, sizeof(*hints));
}

uint8_t **rp_hints_take_named(struct rp_pageblock_hints *hints)
{
	uint8_t **named = hints->seen;

	hints->seen = NULL;
	return named;
}

bool rp_named(uint8_t *const *named, const struct prt_header *h, uint64_t pfn, unsigned order)
{
	for (uint32_t z = 0; named && z < h->nr_zones; z++) {
		uint64_t first = pfn - h->zones[z].start_pfn;

		if (!named[z] || pfn < h->zones[z].start_pfn || first >= h->zones[z].spanned)
			continue;
		for (uint64_t i = first; i < first + (1ULL << order) && i < h->zones[z].spanned; i++)
			if (named[z][i / 8] >> (i % 8) & 1)
				return true;
		return false;
	}
	return true;	/* not known not to be named */
}

void rp_named_release(uint8_t **named, uint32_t nr_zones)
{
	for (uint32_t z = 0; named && z < nr_zones; z++)
		free(named[z]);
	free(named);
}
