/* SPDX-License-Identifier: MIT */
#ifndef PR_ALLOCATOR_MODEL_H
#define PR_ALLOCATOR_MODEL_H

/*
 * The public face of the buddy-allocator model: what replay and analysis may
 * use. Everything else in allocator/ is private to it. No I/O here.
 *
 * Words as the kernel uses them:
 *   pfn        page frame number
 *   block      2^order contiguous pages starting at a pfn aligned to 2^order
 *   pageblock  2^pageblock_order pages sharing one migratetype
 *   free_area  per zone, per order: one free list per migratetype
 *   pcp        per-cpu page lists of a zone (order 0 only before 6.x)
 *
 * The model keeps its own canonical gfp bits (enum pa_gfp_bit) so one core
 * serves every kernel generation; replay translates a trace's raw gfp value
 * by flag name.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

#define PA_PFN_NONE		UINT64_MAX
#define PA_MAX_ORDERS		11	/* NR_PAGE_ORDERS on x86-64 */
#define PA_MAX_ZONES_PER_NODE	5
#define PA_MAX_CPUS		1024

enum pa_zone_type { PA_ZONE_DMA, PA_ZONE_DMA32, PA_ZONE_NORMAL, PA_ZONE_MOVABLE,
		    PA_ZONE_DEVICE, PA_NR_ZONE_TYPES };

/* Migratetypes in the 4.4+ numbering (the trace's numbers are translated). */
enum pa_migratetype { PA_MT_UNMOVABLE, PA_MT_MOVABLE, PA_MT_RECLAIMABLE,
		      PA_MT_HIGHATOMIC, PA_MT_CMA, PA_MT_ISOLATE, PA_NR_MIGRATETYPES };

/* Canonical gfp bits: a union of every generation's flags. */
enum pa_gfp_bit {
	PA_GFP_DMA, PA_GFP_HIGHMEM, PA_GFP_DMA32, PA_GFP_MOVABLE, PA_GFP_RECLAIMABLE,
	PA_GFP_HIGH, PA_GFP_IO, PA_GFP_FS, PA_GFP_ZERO, PA_GFP_ATOMIC,
	PA_GFP_DIRECT_RECLAIM, PA_GFP_KSWAPD_RECLAIM, PA_GFP_WRITE, PA_GFP_NOWARN,
	PA_GFP_RETRY_MAYFAIL, PA_GFP_NOFAIL, PA_GFP_NORETRY, PA_GFP_MEMALLOC,
	PA_GFP_COMP, PA_GFP_NOMEMALLOC, PA_GFP_HARDWALL, PA_GFP_THISNODE,
	PA_GFP_ACCOUNT, PA_GFP_ZEROTAGS, PA_GFP_SKIP_ZERO, PA_GFP_SKIP_KASAN,
	PA_GFP_NOLOCKDEP, PA_GFP_NO_OBJ_EXT,
	/* 4.x only */
	PA_GFP_COLD, PA_GFP_REPEAT, PA_GFP_WAIT, PA_GFP_NO_KSWAPD, PA_GFP_NOTRACK,
	PA_GFP_OTHER_NODE, PA_GFP_NOACCOUNT,
	/* openEuler only: allocate from mirrored (reliable) memory */
	PA_GFP_RELIABLE,
	PA_NR_GFP_BITS
};
#define PA_GFP(bit) (1ULL << (PA_GFP_##bit))

/* Canonical bit for a kernel flag name ("__GFP_HIGH"), or -1. */
int pa_gfp_bit_from_name(const char *name);
const char *pa_gfp_bit_name(enum pa_gfp_bit bit);

enum pa_profile {
	PA_PROFILE_LINUX_4,		/* 4.4: ALLOC_FAIR, zonelist argument */
	PA_PROFILE_LINUX_5_10,		/* 5.10: __alloc_pages_nodemask */
	PA_PROFILE_LINUX_6,		/* 6.x as on current hosts */
	PA_PROFILE_OPENEULER_5_10,	/* openEuler's 5.10 variant */
	PA_NR_PROFILES
};
const char *pa_profile_name(enum pa_profile p);	/* "linux-6", ... */
int pa_profile_from_name(const char *name);		/* -1 if unknown */
/* Default profile for a kernel release string ("6.18.44-..."). */
enum pa_profile pa_profile_for_release(const char *release);

/* ---- Topology: what the model is built from ---- */

struct pa_zone_desc {
	uint16_t node;
	enum pa_zone_type type;
	uint64_t start_pfn, spanned, present, managed;
	uint64_t wmark_min, wmark_low, wmark_high, boost;	/* as /proc/zoneinfo: boost included */
	uint64_t lowmem_reserve[PA_NR_ZONE_TYPES];	/* indexed by zone type */
	uint32_t pcp_high, pcp_batch;			/* per cpu, same for all */
	uint32_t pcp_high_min, pcp_high_max;		/* 6.x auto-tuning bounds */
};

struct pa_topology {
	uint32_t nr_cpus;
	const int16_t *cpu_node;	/* nr_cpus entries */
	uint32_t nr_zones;
	const struct pa_zone_desc *zones;
	uint32_t nr_orders;		/* <= PA_MAX_ORDERS */
	uint32_t pageblock_order;
};

struct pa_model;

struct pa_model *pa_model_create(const struct pa_topology *topo, enum pa_profile profile,
				 struct pr_error *err);
void pa_model_destroy(struct pa_model *m);
enum pa_profile pa_model_profile(const struct pa_model *m);
/* Zone index (into topology zones) holding pfn, or -1. */
int pa_model_zone_of(const struct pa_model *m, uint64_t pfn);

/*
 * Initial state. A new model believes every page allocated. Seed it with
 * the free blocks of the capture start, then pageblock types; pages the
 * trace says nothing about may be marked unknown (neither free nor known
 * allocated) so that replay can tell "could not know" from "wrong".
 */
int pa_model_seed_free(struct pa_model *m, uint64_t pfn, unsigned order, int migratetype,
		       struct pr_error *err);
int pa_model_set_pageblock_mt(struct pa_model *m, uint64_t pfn, int migratetype);
void pa_model_mark_unknown(struct pa_model *m, uint64_t pfn, unsigned order);
/* The same for pages [pfn, pfn + n) of pfn's zone. */
void pa_model_mark_unknown_pages(struct pa_model *m, uint64_t pfn, uint64_t n);
/* Unknown pages of [pfn, pfn + 2^order) known allocated after all (free
 * page reporting's worker had the block off the lists at capture start),
 * so that putting the block back frees them. */
void pa_model_mark_known(struct pa_model *m, uint64_t pfn, unsigned order);

/* ---- Asking and applying ---- */

/*
 * Buddy-list changes a request's watermark check did not see, in one zone
 * (replay: another cpu's events traced between this cpu's previous event
 * and this one may have come after the check): pages, and free blocks per
 * order, to count back in (taken since: > 0) or out (made since: < 0).
 */
struct pa_wmark_adjust {
	int zone;
	int64_t pages;
	int64_t blocks[PA_MAX_ORDERS];
};

struct pa_request {
	uint32_t cpu;
	int node;		/* preferred node, -1: the node of cpu */
	uint64_t gfp;		/* canonical bits */
	unsigned order;
	bool dhugetlb_task;	/* openEuler: the task's cgroup has a dynamic hugetlb
				 * pool (no tracepoint says; see docs/model.md) */
	const struct pa_wmark_adjust *wmark_adjust;	/* NULL: none */
};

enum pa_path {
	PA_PATH_NONE,		/* failure */
	PA_PATH_PCP,		/* taken from the cpu's pcp list */
	PA_PATH_PCP_REFILL,	/* pcp list empty: refilled from buddy, then taken */
	PA_PATH_BUDDY,		/* __rmqueue_smallest on the requested migratetype */
	PA_PATH_FALLBACK,	/* another migratetype's free list */
	PA_PATH_HIGHATOMIC,	/* the highatomic reserve */
	PA_PATH_SLOWPATH,	/* fast path fails every zone: needs the slow path */
	PA_PATH_DHUGETLB,	/* openEuler: the dynamic hugetlb pool's per-cpu list */
	PA_PATH_CAPTURE,	/* replay: the block compaction captured for the task */
	PA_NR_PATHS
};
const char *pa_path_name(enum pa_path p);

struct pa_prediction {
	bool success;
	uint64_t pfn;		/* PA_PFN_NONE on failure */
	int zone;		/* topology zone index, -1 on failure */
	int migratetype;	/* requested (gfp) migratetype */
	enum pa_path path;
	/* Fallback details, valid when path == PA_PATH_FALLBACK: what
	 * mm_page_alloc_extfrag would report. */
	int fallback_mt;
	unsigned fallback_order;
	bool change_ownership;	/* the pageblock was claimed */
	bool needs_slowpath;	/* no zone passed the fast-path watermark */
	/* Added by the model: fallback_mt >= 0 whenever mm_page_alloc_extfrag
	 * would fire, also for the first block of a pcp refill (path
	 * PA_PATH_PCP_REFILL). With needs_slowpath, success/pfn are the
	 * slow path's first attempt (reserves, MIN watermark) before any
	 * reclaim or compaction; path PA_PATH_SLOWPATH if that fails too. */
	unsigned refill_count;	/* blocks the refill would take (nr_pcp_alloc) */
};

/* What the allocator would return now. Does not change the state. */
int pa_predict(const struct pa_model *m, const struct pa_request *req,
	       struct pa_prediction *out);

/* Where apply_alloc found the block the kernel handed out. */
enum pa_apply_result {
	PA_APPLY_FROM_PCP,	/* on this cpu's pcp list */
	PA_APPLY_FROM_OTHER_PCP,/* on another cpu's pcp list */
	PA_APPLY_FROM_BUDDY,	/* free in the buddy lists (maybe inside a larger block) */
	PA_APPLY_NOT_FREE,	/* model thought it allocated: state desync, now fixed */
	PA_APPLY_UNKNOWN,	/* pages whose state was unknown */
	PA_APPLY_OUTSIDE,	/* pfn in no zone: nothing changed */
};

/*
 * The kernel handed out exactly [pfn, pfn + 2^order) to `cpu`: make the
 * state agree, splitting a larger free block the way expand() would.
 */
enum pa_apply_result pa_apply_alloc(struct pa_model *m, uint32_t cpu, uint64_t pfn,
				    unsigned order, int migratetype);

enum pa_free_result {
	PA_FREE_TO_PCP,		/* went onto the cpu's pcp list */
	PA_FREE_TO_BUDDY,	/* merged into the buddy lists */
	PA_FREE_NOT_ALLOCATED,	/* model thought it free already: desync */
	PA_FREE_OUTSIDE,
};
/* mm_page_free / mm_page_free_batched: the model decides pcp or buddy. */
enum pa_free_result pa_free(struct pa_model *m, uint32_t cpu, uint64_t pfn, unsigned order);
/* The free found the cpu's pcp lock held (pcp_spin_trylock failed: another
 * cpu is draining its lists) and went to the buddy lists (free_one_page). */
enum pa_free_result pa_free_to_buddy(struct pa_model *m, uint32_t cpu, uint64_t pfn,
				     unsigned order);

/*
 * mm_page_alloc_zone_locked with percpu_refill=1: the kernel moved this
 * block from the buddy lists onto cpu's pcp list. Returns what apply_alloc
 * would for where it was found.
 */
enum pa_apply_result pa_pcp_refill(struct pa_model *m, uint32_t cpu, uint64_t pfn,
				   unsigned order, int migratetype);
/* mm_page_pcpu_drain: the kernel moved this block from a pcp list to buddy. */
int pa_pcp_drain(struct pa_model *m, uint32_t cpu, uint64_t pfn, unsigned order,
		 int migratetype);

/*
 * The model's own pcp decisions, for comparison: the block the next refill
 * of (cpu, zone, order, migratetype) would take from buddy, and the block the
 * next drain of cpu's pcp lists would release.
 */
uint64_t pa_predict_refill(const struct pa_model *m, uint32_t cpu, int zone, unsigned order,
			   int migratetype);
uint64_t pa_predict_drain(const struct pa_model *m, uint32_t cpu, int zone);
/* A drain of cpu's lists in zone that no free set off (drain_all_pages from
 * another cpu): it starts at the first list, not at the last free's. */
void pa_pcp_drain_from_start(struct pa_model *m, uint32_t cpu, int zone);
/* What __rmqueue(order, migratetype) would take from zone now, with the
 * fallback details mm_page_alloc_extfrag reports (path, fallback_mt,
 * fallback_order, change_ownership). -1 on bad arguments. */
int pa_predict_rmqueue(const struct pa_model *m, uint32_t cpu, int zone, unsigned order,
		       int migratetype, struct pa_prediction *out);

/* ---- State queries (analysis) ---- */

struct pa_zone_state {
	uint64_t free_blocks[PA_MAX_ORDERS][PA_NR_MIGRATETYPES];	/* buddy lists */
	uint64_t free_pages;		/* buddy + pcp */
	uint64_t pcp_pages;		/* on pcp lists, all cpus */
	uint64_t pageblocks[PA_NR_MIGRATETYPES];
	uint64_t mixed_pageblocks;	/* allocated pages of another mobility */
	int largest_free_order;		/* -1 if no free block */
	/* Added by the model: */
	uint64_t unknown_pages;		/* marked unknown, not yet resolved */
	int64_t nr_free_pages;		/* NR_FREE_PAGES as the kernel counts it */
	uint64_t boost;			/* watermark_boost now */
	uint64_t reserved_highatomic;	/* nr_reserved_highatomic */
};
int pa_zone_state(const struct pa_model *m, int zone, struct pa_zone_state *out);
/* Just NR_FREE_PAGES of pa_zone_state, in one look; -1 for no such zone. */
int64_t pa_zone_nr_free_pages(const struct pa_model *m, int zone);
/* Just the buddy lists' block counts of pa_zone_state, without its walk over
 * the pageblocks: cheap enough to ask after every event. */
int pa_zone_free_blocks(const struct pa_model *m, int zone,
			uint64_t out[PA_MAX_ORDERS][PA_NR_MIGRATETYPES]);
uint32_t pa_model_nr_zones(const struct pa_model *m);
const struct pa_zone_desc *pa_model_zone_desc(const struct pa_model *m, int zone);

/*
 * ---- Added by the model (free-run, tuning, other profiles) ----
 *
 * Drains: a free that passes pcp->high makes the model decide a drain (how
 * many pages, from which list first) but, by default, not perform it: the
 * kernel reports each drained block (mm_page_pcpu_drain) and replay applies
 * them with pa_pcp_drain, comparing with pa_predict_drain first, which
 * follows the pending drain. With auto-drain on (free-run) pa_free performs
 * the drain itself.
 */
void pa_model_set_auto_drain(struct pa_model *m, bool on);
/* kswapd balancing `node` (set_reclaim_active): its zones up to zone type
 * highest hold fewer pages on their pcp lists (6.x nr_pcp_high). Off: every
 * zone of the node (clear_reclaim_active). */
void pa_model_set_reclaim_active(struct pa_model *m, int node, int highest, bool on);
uint64_t pa_pending_drain(const struct pa_model *m, uint32_t cpu, int zone);	/* pages */
int pa_run_pending_drain(struct pa_model *m, uint32_t cpu, int zone);

/* The model's own allocation (free-run): predict, then commit it. */
int pa_alloc(struct pa_model *m, const struct pa_request *req, struct pa_prediction *out);

/* 4.x: a free with __GFP_COLD semantics (free_hot_cold_page cold=1): pcp tail. */
enum pa_free_result pa_free_cold(struct pa_model *m, uint32_t cpu, uint64_t pfn, unsigned order);

/* unreserve_highatomic_pageblock for one zone; 1 if pages moved, 0 if none. */
int pa_unreserve_highatomic(struct pa_model *m, int zone, int migratetype, bool force);

/* openEuler: coherent device memory nodes (skipped without __GFP_THISNODE),
 * and whether __GFP_RELIABLE may fall back to non-mirrored memory. */
void pa_model_set_cdm_nodes(struct pa_model *m, uint64_t node_mask);
/* openEuler: give the dynamic hugetlb pool [pfn, pfn + 2^order), pages the
 * buddy allocator has handed out (a hugepage); -1 on another profile. */
int pa_model_add_dhugetlb_pages(struct pa_model *m, uint64_t pfn, unsigned order);
void pa_model_set_reliable_fallback(struct pa_model *m, bool on);

/* The buddy free block containing pfn (its head; *order set), or
 * PA_PFN_NONE if pfn is not in a free block of the buddy lists. */
uint64_t pa_free_block_of(const struct pa_model *m, uint64_t pfn, unsigned *order);

/* How many blocks sit above pfn on the pcp list of cpu that holds it (0: it
 * is the head); -1 if it is not on one of cpu's lists or deeper than max.
 * *list names that list (equal values: the same list). */
int pa_pcp_depth(const struct pa_model *m, uint32_t cpu, uint64_t pfn, unsigned max,
		 unsigned *list);

/* __isolate_free_page: take the free buddy block whose head is pfn off its
 * list (compaction's free scanner). Its order, or -1 if pfn heads none. */
int pa_isolate_free(struct pa_model *m, uint64_t pfn);

/* Take the free buddy block whose head is pfn off its list as something no
 * event shows did, leaving its pageblock's type alone (replay's
 * corrections). Its order, or -1 if pfn heads none. */
int pa_drop_free(struct pa_model *m, uint64_t pfn);

/* Take the aligned block [pfn, 2^order) out of the free buddy block that
 * holds it, the rest staying free (compaction capture: the block a merge
 * reached went to a compacting task, not to the lists). 0, or -1 if no
 * free block holds it. */
int pa_take_free_range(struct pa_model *m, uint64_t pfn, unsigned order);

/* Move the free buddy block whose head is pfn to the tail of its list. 0,
 * or -1 if pfn heads no free block. */
int pa_free_block_to_tail(struct pa_model *m, uint64_t pfn);
/* move_freelist_head: the free block headed by pfn becomes its list's head,
 * the blocks in front of it following the old tail, in order. 0, or -1 if
 * pfn heads no free block. */
int pa_free_list_rotate(struct pa_model *m, uint64_t pfn);
/* The migratetype of the list the free block headed by pfn is on, or -1. */
int pa_free_block_mt(const struct pa_model *m, uint64_t pfn);

/* The i-th migratetype a request of mt falls back to (the kernel's
 * fallbacks[] table), or -1. */
int pa_fallback_mt(int mt, unsigned i);

/* A block the model took off the free lists as isolated, wrongly, goes
 * back to them (merging as a free does), at the tail. 0, or -1 if the
 * range is not plain allocated pages of one zone. */
int pa_putback_isolated(struct pa_model *m, uint64_t pfn, unsigned order);

/*
 * One call of compaction's fast_isolate_freepages on a zone (fast_search.c),
 * from the state of its compact_control, which no event shows whole.
 */
struct pa_fast_search {
	unsigned cc_order;	/* cc->order, > 0 */
	unsigned search_order;	/* cc->search_order */
	unsigned limit;		/* the scan limit the call starts with */
	uint64_t min_pfn, low_pfn;
	bool rotate_walked;	/* apply: also rotate the lists it found nothing in, */
	bool (*known)(void *ctx, uint64_t pfn);	/* if each block it looked at is known */
	void *known_ctx;
	/* results */
	unsigned next_search_order;	/* cc->search_order as the call leaves it */
	uint64_t scanned;	/* nr_scanned, as traced */
	uint64_t pfn;		/* the block isolated, or PA_PFN_NONE */
	unsigned order;
	bool preferred;		/* at or above low_pfn: fast_search_fail resets */
};

/* The search without changing anything: the results only. */
void pa_fast_search_try(const struct pa_model *m, int zone, struct pa_fast_search *s);
/* The search for real: the block isolated, its list rotated (and, with
 * rotate_walked, every list walked far enough). */
void pa_fast_search_apply(struct pa_model *m, int zone, struct pa_fast_search *s);

/* Up to max free blocks of zone of order min_order and up, as free page
 * reporting walks them: order by order, migratetype by migratetype (not
 * ISOLATE), each list from its head. How many. */
unsigned pa_free_blocks_from(const struct pa_model *m, int zone, unsigned min_order, uint64_t *pfns,
			     unsigned *orders, unsigned max);

/* The first max blocks of zone's (order, mt) free list, from its head (where
 * __rmqueue_smallest takes). How many. */
unsigned pa_free_list_heads(const struct pa_model *m, int zone, unsigned order, int mt,
			    uint64_t *pfns, unsigned max);

/* Up to max blocks of zone's (order, mt) free list that free page reporting
 * has not reported (PageReported), from the list's head, as
 * page_reporting_cycle walks it. How many. */
unsigned pa_unreported_list_heads(const struct pa_model *m, int zone, unsigned order, int mt,
				  uint64_t *pfns, unsigned max);
/* Mark the free block at pfn reported, if it is still a free block of
 * order (one put back that merged with its buddy is a new, unreported
 * block); 0, or -1 if it is not. */
int pa_free_block_mark_reported(struct pa_model *m, uint64_t pfn, unsigned order);

/* The blocks behind pfn on its pcp list (toward the tail), at most max,
 * taken off as allocated (what alloc_pages_bulk takes, untraced): how
 * many, or -1, taking none, if there are more or pfn is on no pcp list. */
int pa_pcp_take_behind(struct pa_model *m, uint64_t pfn, unsigned max);

/* One cpu's pcp lists of a zone as zoneinfo prints them: pages, and high. */
struct pa_pcp_state {
	uint32_t count, high;
};
int pa_pcp_state(const struct pa_model *m, int zone, uint32_t cpu, struct pa_pcp_state *out);
uint32_t pa_model_nr_cpus(const struct pa_model *m);
/* Start cpu's pcp->high of zone where the capture read it (6.x tunes it per
 * cpu), within the zone's high_min..high_max. -1 on bad arguments. */
int pa_pcp_set_high(struct pa_model *m, int zone, uint32_t cpu, uint32_t high);
/* The cpu whose pcp list holds the block at pfn, or -1. */
int pa_pcp_owner(const struct pa_model *m, uint64_t pfn);
/* Does this profile keep blocks of this order on pcp lists? */
bool pa_pcp_order(const struct pa_model *m, unsigned order);

/* Is the page at pfn still in the unknown state the trace never resolved? */
bool pa_page_unknown(const struct pa_model *m, uint64_t pfn);

/* Bytes of model state per page of the host (budget: <= 16). */
double pa_model_bytes_per_page(const struct pa_model *m);

/*
 * Invariant checker: each page in exactly one place, no two free buddies at
 * the same order, counters equal list lengths, pageblock counts consistent.
 * 0 if all hold; -1 with the first violation described in *err.
 */
int pa_model_check(const struct pa_model *m, struct pr_error *err);

#endif
