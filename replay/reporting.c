/* SPDX-License-Identifier: MIT */
/* Free page reporting, inferred: see reporting.h. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replay/reporting.h"

void rp_reporting_init(struct rp_reporting *r, const struct prt_header *h, unsigned nr_orders)
{
	const char *v = prt_header_setting(h, "page_reporting.order");
	unsigned long order = v ? strtoul(v, NULL, 10) : 0;

	memset(r, 0, sizeof(*r));
	r->page_size = h->page_size ? h->page_size : 4096;
	/* an order above the largest turns the worker off */
	r->order = order > 0 && order < nr_orders ? (unsigned)order : 0;
	r->largest = nr_orders ? nr_orders - 1 : 0;
}

/*
 * The counters show a batch's walk, and its report, at the first poll after
 * it: each happened up to one poll interval before its sample. Which side
 * of it an event or a checkpoint's reads fell, replay infers as follows.
 * A checkpoint read 0.14 ms before a walk's sample was in it already (24
 * order-10 blocks missing from pagetypeinfo and zoneinfo; 25% off, held
 * from the sample); the kernel served a THP 0.49 ms before another walk's
 * sample, which took the zone's last order-10 blocks after it (held from a
 * poll before, the model failed it); three order-9 requests 0.2 ms before a
 * report's sample found its blocks back (held to the sample, the model
 * failed them); a checkpoint read 0.3 ms before another report's sample
 * still lacked them (12.5% off, given back a poll early). So for the
 * kernel's events a hold starts at its sample and ends a poll before its
 * report's (each event of the uncertain interval sees the blocks on the
 * lists); for a checkpoint's reads a hold starts a poll before its sample,
 * after the last of the kernel's events before it (which saw it not yet
 * out), and ends at its report's. Never before the batch ahead ended, nor
 * before the first sample: a batch reported with no walk seen began before
 * the poller started.
 */
uint64_t rp_reporting_change_at(const struct rp_reporting *r, bool checkpoint,
				uint64_t last_event_ns)
{
	const struct rp_reporting_seen *s = &r->seen;
	uint64_t t = rp_reporting_next_change(r), floor, from;

	if (t == UINT64_MAX)
		return t;
	if (s->next >= s->nr || s->batches[s->next].start_ns != t) {
		/* the end of the batch held, s->next - 1 */
		floor = s->batches[s->next - 1].start_ns;
		return checkpoint || t < floor + s->poll_ns ? t : t - s->poll_ns;
	}
	if (!checkpoint)
		return t;
	floor = s->next ? s->batches[s->next - 1].end_ns : s->first_sample_ns;
	if (floor < last_event_ns)
		floor = last_event_ns;
	from = t > s->poll_ns ? t - s->poll_ns : 0;
	return floor >= t ? t : from > floor ? from : floor;
}

/* A batch reported with no walk seen before it was out when the poller
 * started, which a capture does once its kpageflags scan is over: the scan
 * read the free map while the batch was out, so the map lacks its blocks.
 * Holding others in their place left the model 1,024 pages under the
 * kernel in DMA32 for four checkpoints of a fresh capture (and under at
 * the first checkpoint of another, held from before it); at the batch's
 * end the kernel has its blocks back, which the model never had (31,875
 * pages under on a fresh vm-heavy capture): captures since session 13 keep
 * the blocks the scan found off the lists, and they come back then. */
static bool batch_out_at_scan(const struct rp_reporting_seen *s, const struct prt_header *h,
			      uint64_t first_sample_ns)
{
	const char *v = prt_header_setting(h, "capture.kpageflags_scan_ns");
	uint64_t scan_start, scan_end;

	return s->nr && s->batches[0].start_ns == first_sample_ns && v &&
	       sscanf(v, "%" SCNu64 " %" SCNu64, &scan_start, &scan_end) == 2 &&
	       scan_end <= first_sample_ns;
}

int rp_reporting_seen_init(struct rp_reporting *r, const struct prt_reader *reader,
			   const struct prt_header *h, struct pa_model *m)
{
	uint32_t n;
	const struct prt_reporting_sample *s = prt_reader_reporting(reader, &n);
	size_t nr = prt_reporting_batches(s, n, NULL, 0);
	const char *v;

	r->seen.polled = n > 0;
	if (!r->order || !nr)
		return 0;
	r->seen.batches = calloc(nr, sizeof(*r->seen.batches));
	if (!r->seen.batches)
		return -1;
	r->seen.nr = prt_reporting_batches(s, n, r->seen.batches, nr);
	r->seen.nr_zones = pa_model_nr_zones(m);
	r->seen.budget = malloc((size_t)r->seen.nr_zones * PA_MAX_ORDERS * PA_NR_MIGRATETYPES *
				sizeof(*r->seen.budget));
	if (!r->seen.budget)
		return -1;
	r->seen.pass = UINT64_MAX;
	r->seen.first_out_at_scan = batch_out_at_scan(&r->seen, h, s[0].ts_ns);
	r->seen.out = h->out_blocks;
	r->seen.nr_out = h->nr_out_blocks;
	r->seen.first_sample_ns = s[0].ts_ns;
	if ((v = prt_header_setting(h, "page_reporting.poll_us")))
		r->seen.poll_ns = strtoull(v, NULL, 10) * 1000;
	for (uint64_t i = 0; i < h->nr_free_blocks; i++)
		if (h->free_blocks[i].order >= r->order &&
		    (!h->free_reported_known || h->free_blocks[i].reported))
			pa_free_block_mark_reported(m, h->free_blocks[i].pfn, h->free_blocks[i].order);
	return 0;
}

void rp_reporting_release(struct rp_reporting *r)
{
	free(r->seen.batches);
	free(r->seen.budget);
	r->seen.batches = NULL;
	r->seen.budget = NULL;
}

static int hold(struct rp_reporting *r, struct pa_model *m, uint64_t pfn, unsigned order,
		uint64_t until_ns)
{
	if (r->nr_held == RP_REPORT_CAPACITY || pa_isolate_free(m, pfn) < 0)
		return -1;
	if (!r->nr_held && !r->seen.nr)
		r->batches++;
	r->held[r->nr_held++] = (struct rp_held_block){ pfn, until_ns, (uint8_t)order };
	r->blocks++;
	return 0;
}

void rp_reporting_failed(struct rp_reporting *r, struct pa_model *m, int zone, unsigned order,
			 uint64_t ts_ns)
{
	uint64_t pfns[RP_REPORT_CAPACITY];
	unsigned orders[RP_REPORT_CAPACITY], n;

	if (!r->order || order < r->order || r->seen.polled)
		return;
	n = pa_free_blocks_from(m, zone, r->order, pfns, orders, RP_REPORT_CAPACITY - r->nr_held);
	for (unsigned i = 0; i < n; i++)
		hold(r, m, pfns[i], orders[i], ts_ns + RP_REPORT_GUESS_NS);
}

int rp_reporting_hold(struct rp_reporting *r, struct pa_model *m, uint64_t pfn, unsigned order,
		      uint64_t ts_ns)
{
	if (!r->order || order < r->order || r->seen.polled)
		return -1;
	return hold(r, m, pfn, order, ts_ns + RP_REPORT_SEEN_NS);
}

/* __putback_isolated_page frees with FPI_TO_TAIL (a plain free would put it
 * at the head: that measured worse, refills 99.68 -> 99.61% on
 * page-cache-low) */
static void put_back(struct pa_model *m, const struct rp_held_block *b)
{
	pa_putback_isolated(m, b->pfn, b->order);
}

/* The worker fills its scatterlist from the end (the first block it
 * isolates is the last entry) and puts the entries back from the first:
 * the blocks reach their lists' tails in the reverse of its walk. */
void rp_reporting_flush(struct rp_reporting *r, struct pa_model *m)
{
	for (unsigned i = r->nr_held; i-- > 0;)
		put_back(m, &r->held[i]);
	r->nr_held = 0;
}

static bool takes_held(const struct rp_reporting *r, const struct prt_event *ev)
{
	if (ev->type != PRT_EV_ALLOC && ev->type != PRT_EV_ZONE_LOCKED)
		return false;
	for (unsigned i = 0; i < r->nr_held; i++)
		if (ev->pfn >= r->held[i].pfn && ev->pfn - r->held[i].pfn < (1ULL << r->held[i].order))
			return true;
	return false;
}

/* page_reporting_process_zone skips a zone with less free than low
 * watermark + one batch of page_reporting_order blocks. */
static bool zone_reportable(const struct pa_model *m, int zone, unsigned order)
{
	int64_t free_pages = pa_zone_nr_free_pages(m, zone);

	return free_pages >= 0 &&
	       free_pages >= (int64_t)(pa_model_zone_desc(m, zone)->wmark_low +
				       ((uint64_t)RP_REPORT_CAPACITY << order));
}

/* Would the rest of a batch of `pages` still fit in the scatterlist after
 * a block of `size` pages took one of its `room` entries? */
static bool fits(const struct rp_reporting *r, uint64_t pages, uint64_t size, unsigned room)
{
	return size <= pages && pages - size <= ((uint64_t)room - 1) << r->largest;
}

/* How many blocks page_reporting_cycle's budget counts a report for. */
#define RP_REPORT_BUDGET_BLOCKS (16 * RP_REPORT_CAPACITY)

/* The budget left of zone's (order, mt) list in this pass, set from the
 * order's free blocks when the walk first reaches the list. */
static int32_t *list_budget(struct rp_reporting *r, const struct pa_model *m, int zone,
			    unsigned order, int mt)
{
	int32_t *b = &r->seen.budget[((size_t)zone * PA_MAX_ORDERS + order) * PA_NR_MIGRATETYPES + mt];
	uint64_t blocks[PA_MAX_ORDERS][PA_NR_MIGRATETYPES], nr_free = 0;

	if (*b != INT32_MIN || pa_zone_free_blocks(m, zone, blocks) < 0)
		return b;
	for (int t = 0; t < PA_NR_MIGRATETYPES; t++)
		nr_free += blocks[order][t];
	*b = (int32_t)((nr_free + RP_REPORT_BUDGET_BLOCKS - 1) / RP_REPORT_BUDGET_BLOCKS);
	return b;
}

/* The worker's walk for a batch of `pages` pages, order by order, each
 * list from its head while its budget lasts: once a block of an order does
 * not fit, none of that order does. The batch's report is made in the
 * list that filled it. */
static uint64_t take_from_zone(struct rp_reporting *r, struct pa_model *m, int zone,
			       uint64_t pages)
{
	for (unsigned o = r->order; o <= r->largest && pages; o++) {
		bool fit = true;

		for (int mt = 0; mt < PA_NR_MIGRATETYPES && pages && fit; mt++) {
			uint64_t pfns[RP_REPORT_CAPACITY];
			int32_t *budget;
			unsigned n;

			if (r->nr_held == RP_REPORT_CAPACITY)
				return pages;
			if (mt == PA_MT_ISOLATE || *(budget = list_budget(r, m, zone, o, mt)) < 0)
				continue;
			n = pa_unreported_list_heads(m, zone, o, mt, pfns,
						     RP_REPORT_CAPACITY - r->nr_held);
			for (unsigned i = 0; i < n && fit; i++) {
				fit = fits(r, pages, 1ULL << o, RP_REPORT_CAPACITY - r->nr_held);
				if (fit && hold(r, m, pfns[i], o, UINT64_MAX) == 0)
					pages -= 1ULL << o;
			}
			if (!pages || r->nr_held == RP_REPORT_CAPACITY)
				(*budget)--;
		}
	}
	return pages;
}

static void take_batch(struct rp_reporting *r, struct pa_model *m, uint64_t pages, uint64_t pass)
{
	if (pass != r->seen.pass) {
		size_t n = (size_t)r->seen.nr_zones * PA_MAX_ORDERS * PA_NR_MIGRATETYPES;

		for (size_t i = 0; i < n; i++)
			r->seen.budget[i] = INT32_MIN;
		r->seen.pass = pass;
	}
	for (uint32_t zone = 0; zone < pa_model_nr_zones(m) && pages; zone++)
		if (zone_reportable(m, (int)zone, r->order))
			pages = take_from_zone(r, m, (int)zone, pages);
	r->seen.short_pages += pages;
}

/* The batch out at the scan: the blocks the capture found off the lists,
 * in the walk's zone order, as many as the batch had: known allocated now
 * (the map lacks them: unknown), and hand_back_seen frees them. */
static void take_out_at_scan(struct rp_reporting *r, struct pa_model *m, uint64_t pages)
{
	for (uint64_t i = 0; i < r->seen.nr_out && r->nr_held < RP_REPORT_CAPACITY; i++) {
		const struct prt_out_block *b = &r->seen.out[i];

		if (b->order < r->order || (1ULL << b->order) > pages ||
		    pa_model_zone_of(m, b->pfn) < 0 || pa_free_block_of(m, b->pfn, NULL) != PA_PFN_NONE)
			continue;	/* free already: back by checkpoint 1 */
		pa_model_mark_known(m, b->pfn, b->order);
		r->held[r->nr_held++] = (struct rp_held_block){ b->pfn, UINT64_MAX, b->order };
		r->blocks++;
		pages -= 1ULL << b->order;
	}
}

static void hand_back_seen(struct rp_reporting *r, struct pa_model *m)
{
	for (unsigned i = r->nr_held; i-- > 0;) {	/* as rp_reporting_flush */
		put_back(m, &r->held[i]);
		pa_free_block_mark_reported(m, r->held[i].pfn, r->held[i].order);
	}
	r->nr_held = 0;
	r->seen.until_ns = 0;
}

/* The kernel took a block the model chose for the batch: the worker had
 * another; this one goes back, unreported. */
static void release_taken(struct rp_reporting *r, struct pa_model *m, const struct prt_event *ev)
{
	unsigned kept = 0;

	for (unsigned i = 0; i < r->nr_held; i++) {
		const struct rp_held_block *b = &r->held[i];

		if (ev->pfn >= b->pfn && ev->pfn - b->pfn < (1ULL << b->order)) {
			put_back(m, b);
			r->seen.wrong_blocks++;
		} else {
			r->held[kept++] = *b;
		}
	}
	r->nr_held = kept;
}

void rp_reporting_advance(struct rp_reporting *r, struct pa_model *m, uint64_t ts_ns)
{
	struct rp_reporting_seen *s = &r->seen;

	if (s->until_ns && ts_ns >= s->until_ns)
		hand_back_seen(r, m);
	while (s->next < s->nr && s->batches[s->next].start_ns <= ts_ns) {
		const struct prt_reporting_batch *b = &s->batches[s->next++];
		uint64_t pages = b->kib * 1024 / r->page_size;

		if (s->until_ns)
			hand_back_seen(r, m);
		r->batches++;
		if (s->next == 1 && s->first_out_at_scan)
			take_out_at_scan(r, m, pages);
		else
			take_batch(r, m, pages, b->pass);
		s->held_pages += pages;
		s->until_ns = b->end_ns;
		if (b->end_ns <= ts_ns)	/* over before ts */
			hand_back_seen(r, m);
	}
}

void rp_reporting_event(struct rp_reporting *r, struct pa_model *m, const struct prt_event *ev)
{
	unsigned kept = 0;

	if (r->seen.nr) {	/* the batches' times: rp_reporting_advance */
		if (r->nr_held && takes_held(r, ev))
			release_taken(r, m, ev);
		return;
	}
	if (!r->nr_held)
		return;
	if (takes_held(r, ev)) {	/* the batch came back */
		rp_reporting_flush(r, m);
		return;
	}
	for (unsigned i = r->nr_held; i-- > 0;)	/* as rp_reporting_flush */
		if (ev->ts_ns >= r->held[i].until_ns)
			put_back(m, &r->held[i]);
	for (unsigned i = 0; i < r->nr_held; i++)
		if (ev->ts_ns < r->held[i].until_ns)
			r->held[kept++] = r->held[i];
	r->nr_held = kept;
}
