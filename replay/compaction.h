/* SPDX-License-Identifier: MIT */
#ifndef PR_REPLAY_COMPACTION_H
#define PR_REPLAY_COMPACTION_H

/*
 * The free pages a compaction run holds (cc->freepages), and the frees that
 * only hand them back to it.
 *
 * The free scanner isolates free blocks; compaction_alloc gives pieces of
 * them to migration as targets with no event. When a migration fails,
 * compaction_free takes the target back: free_pages_prepare traces
 * mm_page_free, but the page goes to cc->freepages, not to a pcp or buddy
 * list, and may be handed out again (a page can be "freed" two or three
 * times in a row). At the end of the run release_free_list frees what is
 * left, traced again, just before mm_compaction_end. So, per compacting
 * task: frees of pages the run may hold are held; at the run's end those
 * after the task's last other event (the release) are applied, the earlier
 * ones dropped (the page was reused as a target, or its release comes later
 * in that trailing run).
 *
 * Which pages the run may hold: those inside the blocks the model matched
 * to its isolation events, and, since that match can miss, any page at or
 * above the lowest pfn its free scanner reported. Migration sources, freed
 * for real during the run, lie below, mostly: the migrate scanner stays
 * under the free scanner, but moves up past what the free scanner reported
 * early in the run. A drain that names a held page shows its free was real
 * (compaction_free never puts a page on a pcp list).
 */

#include <stdbool.h>
#include <stdint.h>

#define RP_COMPACTION_RUNS 8

/* A free the run held back. */
struct rp_held_free {
	uint64_t pfn, seq;
	uint32_t cpu;
	uint8_t order;
};

struct rp_compaction_run {
	uint32_t pid;
	bool active;
	uint64_t last_other;		/* seq of the task's last other event */
	uint64_t free_low;		/* lowest pfn the free scanner reported */
	unsigned kernel_max_order;	/* largest block its events say it took */
	/* its compact_control's fast search state (fast_isolate_freepages):
	 * cc->order from the task's mm_compaction_try_to_compact_pages (0:
	 * none, as for kcompactd), cc->search_order, cc->fast_search_fail */
	unsigned cc_order, search_order, fast_search_fail;
	uint64_t zone_start;		/* the zone it compacts (mm_compaction_begin) */
	struct rp_isolated {
		uint64_t pfn;
		uint64_t search_lo, search_hi;	/* a fast search's (min_pfn,
						 * free_pfn); 0, 0: the slow scanner's */
		uint8_t order;
		bool touched;		/* a held free fell inside */
	} *ranges;			/* the blocks the model isolated */
	uint32_t nr_ranges, cap_ranges;
	struct rp_held_free *held;
	uint32_t nr_held, cap_held;
};

struct rp_compaction {
	struct rp_compaction_run runs[RP_COMPACTION_RUNS];
	struct { uint32_t pid; unsigned order; } tried[RP_COMPACTION_RUNS];
	unsigned nr_active;		/* most events come with none: skip the search */
	uint64_t held, applied, dropped;	/* frees */
};

/* mm_compaction_try_to_compact_pages: the order pid's next runs compact for. */
void rp_compaction_try(struct rp_compaction *c, uint32_t pid, unsigned order);
void rp_compaction_begin(struct rp_compaction *c, uint32_t pid, uint64_t seq);
/* pid's active run, or NULL. */
struct rp_compaction_run *rp_compaction_run_of(struct rp_compaction *c, uint32_t pid);
/* The run of pid isolated the free block [pfn, pfn + 2^order), for a fast
 * search over [lo, hi) (0, 0: for the slow scanner). */
void rp_compaction_isolated(struct rp_compaction *c, uint32_t pid, uint64_t pfn, unsigned order,
			    uint64_t lo, uint64_t hi);
/* Its free scanner reported a search from low_pfn up, taking blocks of
 * order up to max_order. */
void rp_compaction_scanned(struct rp_compaction *c, uint32_t pid, uint64_t low_pfn,
			   unsigned max_order);
/* A free by pid: true if the run holds it back (the caller skips it). */
bool rp_compaction_hold_free(struct rp_compaction *c, uint32_t pid, uint32_t cpu, uint64_t pfn,
			     unsigned order, uint64_t seq);
/* A drain named pfn: a free some run holds of it went to a pcp list (a
 * page handed back to compaction never does). Its held free, taken out of
 * the run into *f; false if none holds it. */
bool rp_compaction_take_held(struct rp_compaction *c, uint64_t pfn, struct rp_held_free *f);
/* Any other event of pid. */
void rp_compaction_note(struct rp_compaction *c, uint32_t pid, uint64_t seq);
/*
 * mm_compaction_end of pid: the run, with `touched` set on its blocks, or
 * NULL if none is tracked. Its held frees are released (the trailing
 * release, applied) or not (handed a page back, dropped): see
 * rp_compaction_released. rp_compaction_finish forgets the run.
 */
struct rp_compaction_run *rp_compaction_ending(struct rp_compaction *c, uint32_t pid);
bool rp_compaction_released(const struct rp_compaction_run *r, uint32_t i);
void rp_compaction_finish(struct rp_compaction *c, struct rp_compaction_run *r);
void rp_compaction_release(struct rp_compaction *c);

#endif
