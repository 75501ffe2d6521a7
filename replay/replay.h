/* SPDX-License-Identifier: MIT */
#ifndef PR_REPLAY_REPLAY_H
#define PR_REPLAY_REPLAY_H

/*
 * Lock-step replay: for each kernel allocation in a .prt trace, ask the
 * model what it would have returned, classify the answer against what the
 * kernel returned, then make the model follow the kernel. docs/divergence.md
 * describes each class.
 */

#include <stdbool.h>
#include <stdint.h>

#include "allocator/model.h"
#include "common/error.h"

/* The classes of an allocation's outcome: name, description. */
#define RP_CLASSES(X) \
	X(exact_pfn, "model predicted the kernel's pfn") \
	X(same_pageblock, "other pfn in the same pageblock") \
	X(same_zone, "other pageblock of the same zone") \
	X(other_zone, "another zone of the same node") \
	X(other_node, "another node") \
	X(model_failed, "model failed where the kernel succeeded") \
	X(kernel_failed, "kernel failed where the model succeeded") \
	X(both_failed, "both failed") \
	X(state_desync, "kernel used a page the model believed not free") \
	X(lost_events, "inside a lost-event window") \
	X(untraced_alloc, "blocks above it on the pcp list went to an untraced allocation") \
	X(unknown_state, "the model could not know the page's state") \
	X(unknown_order, "the free list's order at capture start decided") \
	X(invalid_event, "pfn outside every zone or order out of range")

#define RP_CLASS_ENUM(name, desc) RP_##name,
enum rp_class { RP_CLASSES(RP_CLASS_ENUM) RP_NR_CLASSES };
#undef RP_CLASS_ENUM

const char *rp_class_name(enum rp_class c);
const char *rp_class_desc(enum rp_class c);

#define RP_MAX_ORDERS 16

struct prt_header;
struct prt_event;
struct prt_checkpoint;
struct an_model_range;
struct an_checkpoint_pcp;

/* A checkpoint's pagesets beside the model's pcp lists (checkpoint_pcp.h). */
struct rp_pcp_rows {
	const struct an_checkpoint_pcp *rows;
	uint32_t n;
};

/* One classified kernel allocation, as an observer sees it. */
struct rp_allocation {
	const struct prt_event *ev;
	uint64_t index;				/* in the merged event stream */
	enum rp_class cls;
	const struct pa_prediction *pred;
	int kernel_zone;			/* model zone of the kernel's pfn, -1 */
	int migratetype;			/* canonical, -1 unknown */
};

/*
 * Who else wants the replay as it happens (the database writer): a
 * callback returning -1 stops the replay with its error.
 */
struct rp_observer {
	void *ctx;
	int (*begin)(void *ctx, const struct prt_header *h, uint64_t file_bytes,
		     uint64_t nr_events, enum pa_profile profile, struct pr_error *err);
	int (*allocation)(void *ctx, const struct rp_allocation *a, struct pr_error *err);
	/* mm_page_alloc_extfrag and checkpoint events, after the model has
	 * applied everything before them; cp is the sample of a checkpoint,
	 * ranges (per model zone, or NULL) the model over its read windows;
	 * mt_map translates the trace's migratetype numbers to the model's;
	 * pcp the checkpoint's pagesets compared (NULL: none) */
	int (*event)(void *ctx, const struct prt_event *ev, const struct prt_checkpoint *cp,
		     const struct an_model_range *ranges, const struct rp_pcp_rows *pcp,
		     const struct pa_model *m, const int *mt_map, uint64_t event_index,
		     struct pr_error *err);
	/* every sample_every events and once at the end */
	int (*sample)(void *ctx, const struct pa_model *m, uint64_t event_index, uint64_t ts_ns,
		      struct pr_error *err);
	uint64_t sample_every;
};

enum rp_mode { RP_MODE_LOCKSTEP, RP_MODE_FREE };

struct rp_options {
	int profile;		/* enum pa_profile, or -1: from the trace's release */
	enum rp_mode mode;	/* rp_replay_file: lock-step; rp_freerun_file: free */
	bool paranoid;		/* check the model's invariants after every event */
	uint64_t check_every;	/* ... or every that many events (0: never) */
	const struct rp_observer *observer;	/* may be NULL */
	/* every 2^20 events and at the end, if set (a progress bar) */
	void (*progress)(void *ctx, uint64_t done, uint64_t total);
	void *progress_ctx;
};

/* One classified allocation, kept for the first few of each class. */
struct rp_divergence {
	uint64_t event;			/* index in the merged event stream */
	uint64_t kernel_pfn, model_pfn;	/* PA_PFN_NONE: failed */
	uint64_t gfp;			/* raw, as the trace has it */
	uint32_t cpu;
	uint8_t order;
	uint8_t path;			/* enum pa_path of the prediction */
	int8_t apply;			/* enum pa_apply_result of the kernel's block */
};

#define RP_FIRST 8
#define RP_MAX_ZONES 16
#define RP_TOP_GFP 64

/* Allocations and how many agreed exactly, for one value of a breakdown. */
struct rp_tally {
	uint64_t allocations, exact;
};

/* Per raw gfp mask: the first RP_TOP_GFP distinct masks of the trace. */
struct rp_gfp_tally {
	uint64_t gfp;
	struct rp_tally t;
};

struct rp_result {
	struct rp_divergence first[RP_NR_CLASSES][RP_FIRST];
	enum pa_profile profile;
	uint64_t events, allocations;
	uint64_t classes[RP_NR_CLASSES];
	uint64_t by_order[RP_MAX_ORDERS][2];	/* [order][0 allocations, 1 exact] */
	struct rp_tally by_mt[PA_NR_MIGRATETYPES + 1];	/* last: unknown */
	struct rp_tally by_zone[RP_MAX_ZONES + 1];	/* kernel's zone; last: failed */
	struct rp_gfp_tally by_gfp[RP_TOP_GFP];
	uint32_t nr_gfp;
	uint64_t gfp_other;		/* allocations of masks past RP_TOP_GFP */
	uint32_t nr_zones;
	int8_t zone_type[RP_MAX_ZONES];	/* enum pa_zone_type of by_zone[i] */
	uint64_t refills, refills_agree, drains, drains_agree;
	uint64_t remote_drains;		/* drained from another cpu's lists */
	uint64_t drains_unknown;	/* of pages on a pcp list since before capture,
					 * or put there by no event (drains_untraced) */
	uint64_t drains_untraced;	/* of pages the model held free in buddy */
	uint64_t refills_unknown;	/* decided by a list order the trace never showed */
	uint64_t pageblocks_retyped;	/* initial pageblock types the trace ruled out */
	uint64_t free_blocks_dropped;	/* blocks the kernel's lists proved not free */
	uint64_t blocks_demoted;	/* passed over twice: to their list's tail */
	uint64_t lists_rotated;		/* refills showed a list rotated (replay/untraced.c) */
	uint64_t untraced_blocks;	/* taken from pcp lists with no mm_page_alloc */
	uint64_t zone_agree;		/* model's zone = kernel's, or both failed */
	uint64_t outcome_agree;		/* both succeeded or both failed, whatever the class
					 * (a failure the model predicted for a page it did
					 * not hold free is state_desync, not model_failed) */
	uint64_t isolated_pages;	/* taken by compaction's free scanner */
	uint64_t isolate_mismatch;	/* isolation events the model could not match */
	uint64_t fast_searches, fast_search_fit;	/* fast free scanner events; reproduced */
	uint64_t report_batches, report_blocks;	/* free page reporting holds inferred */
	/* free page reporting batches the capture saw (replay/reporting.h):
	 * batches, pages they reported, pages the model found no unreported
	 * block for, blocks it chose that the kernel allocated meanwhile */
	uint64_t report_seen, report_seen_pages, report_seen_short, report_seen_wrong;
	uint64_t captures, captures_used;	/* compaction captures inferred; confirmed */
	uint64_t checks_within_slack;		/* failed checks the kernel's pcp
						 * allocation overruled (lockstep_wmark.c) */
	uint64_t passes_within_slack;		/* passed checks the kernel's zone
						 * overruled (lockstep_wmark.c) */
	uint64_t checks_before_other_cpus;	/* outcomes from a watermark check before
						 * another cpu's change (replay/buddy_changes.h) */
	/* pages whose first move on or off the free lists came before the
	 * kpageflags scan read them; of them, those it read otherwise
	 * (replay/scan_start.h) */
	uint64_t scan_pages_before, scan_pages_changed;
	uint64_t fallback_refills;	/* pages only mm_page_alloc_extfrag traced,
					 * taken for a refill (lockstep_fallback.c) */
	uint64_t extfrag_captures;	/* of extfrag, traced by compaction capture:
					 * not a fallback, not compared */
	uint64_t blocks_gone_by_first_checkpoint;	/* initial blocks its lists
							 * lacked (first_checkpoint.c) */
	uint64_t blocks_back_by_first_checkpoint;	/* blocks off the lists at
							 * the scan its lists had */
	uint64_t compaction_frees_dropped;	/* frees that handed a page back to compaction */
	uint64_t isolations_found;	/* blocks a release showed the kernel had isolated */
	uint64_t isolations_undone;	/* blocks the model had isolated instead, put back */
	uint64_t fails_within_slack;	/* kernel failures a marginal check explained */
	uint64_t guesses_undone_at_success;	/* guessed takes a successful run's end undid */
	uint64_t fast_guesses_moved;	/* fast-search blocks a later scan (slow, or
					 * another fast search) showed free */
	uint64_t frees, free_desync, extfrag;
	uint64_t frees_past_locked_pcp;	/* another cpu was draining: straight to buddy */
	uint64_t extfrag_agree;		/* model fell back the same way (mt, order, claim) */
	uint64_t extfrag_pfn_agree;	/* ... and to the same block */
	/* checkpoints with per-cpu pagesets; (zone, cpu) pairs compared, whose
	 * count and high the model held during the read (checkpoint_pcp.h);
	 * the model's count less the kernel's where it differed most */
	uint64_t pcp_checkpoints, pcp_checked, pcp_count_agree, pcp_high_agree;
	int64_t pcp_worst_diff;
	uint64_t pcp_untraced_pages;	/* moved onto pcp lists that grew untraced */
	double seconds;
	uint64_t paranoid_event;	/* event index of the first violation */
};

/* The fallbacks fallback agreement is over: extfrag events less captures. */
static inline uint64_t rp_fallbacks_compared(const struct rp_result *r)
{
	return r->extfrag - r->extfrag_captures;
}

/* Count one classified allocation into the breakdowns (replay/tally.c). */
void rp_tally_allocation(struct rp_result *res, uint64_t gfp, int migratetype, int kernel_zone,
			 bool exact);

int rp_replay_file(const char *path, const struct rp_options *opt, struct rp_result *res,
		   struct pr_error *err);

/*
 * Free-run (replay/freerun.c): the model serves the trace's requests with
 * its own choices and does its own pcp refills and drains; the kernel's are
 * only counted. Frees follow the kernel's pfn to the block the model handed
 * out for it; pages allocated before the capture are freed at their pfn.
 * The classes compare the model's block with the kernel's as in lock-step,
 * but the states drift apart: they measure how alike, not how right.
 */

/* One zone at the end: the model, and the kernel's last checkpoint (-1: none). */
struct rp_zone_end {
	int trace_zone;			/* index into the header's zones */
	int node;
	char name[32];			/* "Normal", ... */
	uint64_t model_free_pages;	/* buddy, without pcp: as zoneinfo counts */
	uint64_t model_pcp_pages;
	int model_largest_order;	/* -1: nothing free */
	int model_unusable;		/* unusable index at the pageblock order, 0..1000 */
	int64_t kernel_free_pages;
	int kernel_largest_order;
	int kernel_unusable;		/* from buddyinfo; -1: no checkpoint */
};

struct rp_free_result {
	struct rp_result r;		/* classes, allocations, kernel refills/drains/extfrag */
	uint64_t kernel_failures, model_failures;
	uint64_t kernel_owner_changes;		/* extfrag events with change_ownership */
	uint64_t model_fallbacks, model_owner_changes;
	uint64_t frees_routed;		/* to the model's block for the kernel's */
	uint64_t frees_same_pfn;	/* pre-capture pages, freed at their pfn */
	uint64_t frees_model_failed;	/* the model had failed that allocation */
	uint64_t frees_conflict;	/* pre-capture pfn the model had handed out: skipped */
	uint64_t frees_invalid;		/* pfn outside every zone, bad order or cpu */
	uint64_t returned;		/* model blocks freed at once: the kernel failed */
	uint32_t nr_zones;
	struct rp_zone_end zones[RP_MAX_ZONES];
	int64_t checkpoint_seq;		/* -1: the trace has none */
};

int rp_freerun_file(const char *path, const struct rp_options *opt, struct rp_free_result *res,
		    struct pr_error *err);

#endif
