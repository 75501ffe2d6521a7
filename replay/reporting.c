/* SPDX-License-Identifier: MIT */
/* Free page reporting, inferred: see reporting.h. */
#include <stdlib.h>
#include <string.h>

#include "replay/reporting.h"

void rp_reporting_init(struct rp_reporting *r, const struct prt_header *h, unsigned nr_orders)
{
	const char *v = prt_header_setting(h, "page_reporting.order");
	unsigned long order = v ? strtoul(v, NULL, 10) : 0;

	memset(r, 0, sizeof(*r));
	/* an order above the largest turns the worker off */
	r->order = order > 0 && order < nr_orders ? (unsigned)order : 0;
}

static int hold(struct rp_reporting *r, struct pa_model *m, uint64_t pfn, unsigned order,
		uint64_t until_ns)
{
	if (r->nr_held == RP_REPORT_CAPACITY || pa_isolate_free(m, pfn) < 0)
		return -1;
	if (!r->nr_held)
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

	if (!r->order || order < r->order)
		return;
	n = pa_free_blocks_from(m, zone, r->order, pfns, orders, RP_REPORT_CAPACITY - r->nr_held);
	for (unsigned i = 0; i < n; i++)
		hold(r, m, pfns[i], orders[i], ts_ns + RP_REPORT_GUESS_NS);
}

int rp_reporting_hold(struct rp_reporting *r, struct pa_model *m, uint64_t pfn, unsigned order,
		      uint64_t ts_ns)
{
	if (!r->order || order < r->order)
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

void rp_reporting_flush(struct rp_reporting *r, struct pa_model *m)
{
	for (unsigned i = 0; i < r->nr_held; i++)
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

void rp_reporting_event(struct rp_reporting *r, struct pa_model *m, const struct prt_event *ev)
{
	unsigned kept = 0;

	if (!r->nr_held)
		return;
	if (takes_held(r, ev)) {	/* the batch came back */
		rp_reporting_flush(r, m);
		return;
	}
	for (unsigned i = 0; i < r->nr_held; i++) {
		if (ev->ts_ns >= r->held[i].until_ns)
			put_back(m, &r->held[i]);
		else
			r->held[kept++] = r->held[i];
	}
	r->nr_held = kept;
}
