/* SPDX-License-Identifier: MIT */
#ifndef PR_REPLAY_REPORTING_H
#define PR_REPLAY_REPORTING_H

/*
 * Free page reporting (virtio-balloon free page hinting), which no event
 * shows: a worker takes free blocks of page_reporting_order and up off the
 * buddy lists, up to PAGE_REPORTING_CAPACITY (32) at a time, reports them to
 * the hypervisor and puts them back. While it holds them, allocations of
 * those orders find less, or nothing: the kernel fails an order-9 request
 * the model's lists would satisfy.
 *
 * Inferred from that failure, or from a refill that passes over the model's
 * blocks of those orders for a larger one: the model takes its own blocks
 * in the zone off its lists, as the worker walks them (order by order, list
 * head first), and puts them back at their lists' tails, as
 * __putback_isolated_page does, when the kernel next takes one of them, or
 * after a while (below). (Blocks reported before and still free are not
 * reported again, PageReported; the model does not know which those are,
 * so it may hold more than the worker did: longer holds then made it fail
 * requests the kernel served.)
 */

#include <stdbool.h>
#include <stdint.h>

#include "allocator/model.h"
#include "capture/prt.h"
#include "capture/reporting_batches.h"

#define RP_REPORT_CAPACITY 32
/* How long an inferred hold lasts. From a failure the model guesses which
 * blocks the worker took (all it has, up to a batch): the kernel's failures
 * come in pairs 0.3-0.5 ms apart (page-cache-low); guesses held 0.5, 1 and
 * 2 ms measured the same, 5 ms and more made the model fail requests the
 * kernel served (1 at 5 ms, 27 at 20 ms). A block a refill passed over is
 * known to be out, and stays out until the kernel takes one of the batch
 * (the report is done) or 20 ms (5 to 100 ms measured the same). */
#define RP_REPORT_GUESS_NS 1000000ULL
#define RP_REPORT_SEEN_NS 20000000ULL

/*
 * Where the capture polled the worker's counters (capture/reporting_poll.h)
 * each batch is seen: from when its walk shows to when its report does, the
 * model holds blocks adding up to the batch's size, chosen as the worker
 * walks (zones in order, each with free pages above low + a batch's worth;
 * orders up from page_reporting_order; each list from its head; blocks not
 * reported already), and puts them back at their lists' tails, reported.
 * A batch is one scatterlist of at most 32 blocks, of whatever orders the
 * walk met: a batch of 120 MiB was 4 order-9 blocks and 28 order-10 ones
 * (its walk left the order-9 lists after 4), so the model takes a block of
 * a lower order only while the rest of the batch still fits in the blocks
 * left, at the largest order.
 * The inferences above are then off: the batches say when, not a guess,
 * also where the counters never moved (no batch ran while tracing).
 */
struct rp_reporting_seen {
	bool polled;			/* the capture polled the counters */
	struct prt_reporting_batch *batches;
	size_t nr, next;
	uint64_t until_ns;		/* end of the batch held, 0: none */
	uint64_t held_pages, short_pages, wrong_blocks;
	/* page_reporting_cycle's budget for each list [zone][order][mt] in
	 * the worker's pass: DIV_ROUND_UP(nr_free of the order, 16 * 32)
	 * reports and one more, then the walk leaves the list until the next
	 * pass. On a fresh mixed capture (DMA32's 749 order-10 blocks
	 * unreported, Normal's 5,088) a pass reported 3 batches from DMA32,
	 * then went on to Normal: taken from DMA32 each time, the model held
	 * 32 order-10 blocks there that the kernel held in Normal (4.2%). */
	uint64_t pass;			/* the pass the budgets are for */
	int32_t *budget;		/* INT32_MIN: the pass has not reached it */
	uint32_t nr_zones;
	/* The first batch was out while the kpageflags scan read the free map
	 * (reported with no walk seen, the poller started after the scan):
	 * the map lacks its blocks, which the capture kept as blocks out at the
	 * scan; they come back at its end. */
	bool first_out_at_scan;
	const struct prt_out_block *out;
	uint64_t nr_out;
	uint64_t poll_ns, first_sample_ns;	/* the capture's poll interval */
};

struct rp_reporting {
	unsigned order;			/* page_reporting_order; 0: not active */
	unsigned largest;		/* the largest order */
	uint32_t page_size;
	struct rp_reporting_seen seen;
	struct rp_held_block {
		uint64_t pfn, until_ns;
		uint8_t order;
	} held[RP_REPORT_CAPACITY];
	unsigned nr_held;
	uint64_t batches, blocks;	/* inferred */
};

void rp_reporting_init(struct rp_reporting *r, const struct prt_header *h, unsigned nr_orders);
/* The batches the capture saw (prt_reader_reporting), if any; then the
 * blocks free at capture start (h's free map) that the capture read as
 * reported (PG_reported, kpageflags' UPTODATE bit on a free block's head)
 * count as reported; in files from before it read them, all of them do (a
 * host whose worker runs 2 s after frees of those orders has reported most
 * of what was free before the capture). -1: out of memory. */
int rp_reporting_seen_init(struct rp_reporting *r, const struct prt_reader *reader,
			   const struct prt_header *h, struct pa_model *m);
void rp_reporting_release(struct rp_reporting *r);
/* The kernel failed an allocation of order in zone the model would have
 * served at ts_ns. */
void rp_reporting_failed(struct rp_reporting *r, struct pa_model *m, int zone, unsigned order,
			 uint64_t ts_ns);
/* A refill passed over the model's free block [pfn, 2^order) of a
 * reportable order for a larger one: the worker holds it. 0, or -1 if it
 * cannot be held (not reportable, or the batch is full). */
int rp_reporting_hold(struct rp_reporting *r, struct pa_model *m, uint64_t pfn, unsigned order,
		      uint64_t ts_ns);
/* Before each event: the held blocks go back when it takes one of them, or
 * when the hold has lasted long enough. */
void rp_reporting_event(struct rp_reporting *r, struct pa_model *m, const struct prt_event *ev);
/* Where batches were seen: the time of the next batch's start or the held
 * one's end (UINT64_MAX: none), and the model's state past changes at or
 * before ts_ns. Replay advances to each change before the event after it,
 * so the checkpoint windows see the model's state between. */
static inline uint64_t rp_reporting_next_change(const struct rp_reporting *r)
{
	const struct rp_reporting_seen *s = &r->seen;
	uint64_t next = s->next < s->nr ? s->batches[s->next].start_ns : UINT64_MAX;

	return s->until_ns && s->until_ns < next ? s->until_ns : next;
}
void rp_reporting_advance(struct rp_reporting *r, struct pa_model *m, uint64_t ts_ns);
/* When the next change (rp_reporting_next_change) takes effect for an
 * event of the kernel, or for a checkpoint (whose reads a walk seen after
 * them may have been in): see reporting.c. last_event_ns: the kernel's last
 * event. UINT64_MAX: none. */
uint64_t rp_reporting_change_at(const struct rp_reporting *r, bool checkpoint,
				uint64_t last_event_ns);
/* Could the next change take effect by ts_ns (it does at most a poll
 * interval before its sample)? Most events have none near: one look. */
static inline bool rp_reporting_change_near(const struct rp_reporting *r, uint64_t ts_ns)
{
	uint64_t t = rp_reporting_next_change(r);

	return t != UINT64_MAX && t <= ts_ns + r->seen.poll_ns;
}
/* At the trace's end. */
void rp_reporting_flush(struct rp_reporting *r, struct pa_model *m);

#endif
