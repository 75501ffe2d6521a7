/* SPDX-License-Identifier: MIT */
#ifndef PR_REPLAY_BUDDY_CHANGES_H
#define PR_REPLAY_BUDDY_CHANGES_H

/*
 * What each cpu recently did to the buddy lists, for the allocations whose
 * watermark check came before another cpu's change that is traced first.
 * An allocation checks the watermark (for order > 0: is there a free block
 * of at least that order?) before it takes its page, and its event is
 * traced after; another cpu's refill or drain stamped in between may have
 * come either side of the check. Replay applies events in trace order, so
 * when the model's outcome or zone differs from the kernel's, the check is
 * tried again without the other cpus' changes since this cpu's previous
 * event (a refill's events do not count: they belong to the allocation
 * traced after them, whose check came before them):
 * within RP_CHECK_WINDOW_NS of a success, a refill took a block the check
 * still saw (traces/page-cache-timed.prt: an order-9 page-cache allocation
 * 2.5 us after another cpu's refill took the zone's last order-10 block);
 * within RP_FAILED_CHECK_WINDOW_NS of a failure, which is traced at the end
 * of the slow path (reclaim, compaction), after its checks, a drain made a
 * block they did not see (a fresh page-cache capture: a THP request traced
 * failing 52 us after another cpu drained the block, 356 us after its cpu's
 * previous event; its next attempt took that block).
 */

#include <stdbool.h>
#include <stdint.h>

#include "allocator/model.h"

#define RP_BUDDY_CHANGES 256
#define RP_CHECK_WINDOW_NS 10000
#define RP_FAILED_CHECK_WINDOW_NS 1000000

struct rp_buddy_change {
	uint64_t ts;
	uint32_t cpu;
	int zone;
	bool split;		/* a block of order `to` cut to take a chunk of order
				 * `from`; else a freed chunk of order `from` merged
				 * up to a block of order `to` */
	uint8_t from, to;
};

struct rp_buddy_changes {
	struct rp_buddy_change ring[RP_BUDDY_CHANGES];
	unsigned next, n;
	uint64_t *last_ts;	/* per cpu: its previous event */
	uint32_t nr_cpus;
};

int rp_buddy_changes_init(struct rp_buddy_changes *c, uint32_t nr_cpus);	/* -1: no memory */
void rp_buddy_changes_release(struct rp_buddy_changes *c);

/* After each event of cpu: the next one's window starts here. */
static inline void rp_buddy_changes_event_done(struct rp_buddy_changes *c, uint32_t cpu,
					       uint64_t ts_ns)
{
	if (cpu < c->nr_cpus)
		c->last_ts[cpu] = ts_ns;
}
void rp_buddy_split(struct rp_buddy_changes *c, uint64_t ts_ns, uint32_t cpu, int zone,
		    unsigned chunk_order, unsigned block_order);
void rp_buddy_merge(struct rp_buddy_changes *c, uint64_t ts_ns, uint32_t cpu, int zone,
		    unsigned freed_order, unsigned merged_order);

/* The other cpus' changes in zone, within window_ns before ts, that cpu's
 * check may not have seen, as a watermark adjustment; false if none. */
bool rp_buddy_unseen(const struct rp_buddy_changes *c, uint32_t cpu, uint64_t ts_ns,
		     uint64_t window_ns, int zone, struct pa_wmark_adjust *out);

#endif
