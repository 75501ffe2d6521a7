/* SPDX-License-Identifier: MIT */
#ifndef PR_REPLAY_LOCKSTEP_H
#define PR_REPLAY_LOCKSTEP_H

/*
 * Private to replay/: the lock-step loop's state (lockstep.c) and the rules
 * for what the tracepoints do not show (untraced.c; docs/fidelity.md).
 */

#include <stdbool.h>
#include <stdint.h>

#include "allocator/model.h"
#include "capture/prt.h"
#include "replay/buddy_changes.h"
#include "replay/checkpoint_window.h"
#include "replay/compaction_capture.h"
#include "replay/compaction.h"
#include "replay/guessed_takes.h"
#include "replay/kswapd.h"
#include "replay/replay.h"
#include "replay/reporting.h"
#include "replay/start_counts.h"
#include "replay/translate.h"
#include "replay/pcp_before.h"
#include "replay/unsettled.h"

#define LOST_WINDOW 4096
#define LS_PENDING_FREES 64

/* A free of free_unref_folios waiting for its mm_page_free_batched. */
struct pending_free {
	struct prt_event ev;
	uint64_t seq;
	bool live;
};

struct lockstep {
	const struct rp_observer *obs;
	struct pr_error *err;
	int observer_failed;
	const struct rp_translate *t;
	struct pa_model *m;
	struct rp_result *res;
	uint32_t *lost_window;	/* per cpu: allocations left in the window */
	uint32_t nr_cpus;
	struct rp_unsettled unsettled;
	struct rp_compaction compaction;	/* pages compaction runs hold */
	struct rp_kswapd kswapd;		/* when reclaim is active */
	struct rp_reporting reporting;		/* free page reporting, inferred */
	struct rp_capture capture;		/* compaction capture, inferred */
	struct rp_guessed_takes guessed;	/* blocks taken off the lists on a guess */
	struct rp_checkpoint_windows windows;	/* the model over checkpoints' reads */
	struct rp_buddy_changes buddy_changes;	/* recent, per cpu, for watermark checks */
	struct rp_start_counts start_counts;	/* free-map lists exact at capture start */
	struct rp_pcp_before pcp_before;	/* pcp pages no event has named yet */
	struct an_checkpoint_pcp *pcp_rows;	/* a checkpoint's pagesets compared */
	uint32_t nr_pcp_rows;			/* room: trace zones x cpus */
	uint8_t *ruled_out;	/* per pageblock: migratetypes the trace ruled out */
	uint8_t *batched;	/* per event: a free whose batched event follows */
	uint64_t nr_batched_bits;
	struct pending_free (*pending)[LS_PENDING_FREES];	/* per cpu */
	int *draining_for;	/* per cpu: whose lists its last event drained, -1 */
	uint64_t passed_over;	/* the model's refill choice the kernel last passed over */
	unsigned times_passed;	/* ... that many times in a row */
	const struct prt_header *start;	/* the header with the free map at the start */
	uint8_t **named;	/* per header zone, a bit per page some event names */
	bool first_checkpoint_seen;
	uint64_t *carved;	/* sorted: remainders of initial blocks carved at start */
	size_t nr_carved, cap_carved;
};

/* pfn heads the rest of an initial free block a page on a pcp list at
 * capture start was carved out of: its place unknown (it is unsettled),
 * its pageblock's type not in question. */
bool ls_carved_remainder(const struct lockstep *ls, uint64_t pfn);

/* The model's choice or the kernel's was among initial free blocks of
 * unknown list order, on the same list. */
bool ls_guessed_from_initial_order(const struct lockstep *ls, uint64_t model_pfn,
				   uint64_t kernel_pfn, enum pa_path path);
/* A refill from a larger block: the model's smaller blocks there are wrong. */
/* mm_page_alloc_extfrag ev of a request of mt: the lists it shows empty. */
void ls_correct_before_fallback(struct lockstep *ls, int zone, int mt, const struct prt_event *ev);
void ls_correct_empty_lists(struct lockstep *ls, uint32_t cpu, int zone, unsigned order, int mt,
			    uint64_t kernel_pfn, uint64_t ts_ns);
/* A refill took another block of the list whose head the model chose. */
void ls_passed_over(struct lockstep *ls, uint64_t model_pfn, uint64_t kernel_pfn);
/* A drain took the block just above the model's tail: the tail is gone. */
void ls_drain_passed_over(struct lockstep *ls, uint64_t kernel_pfn);
/* Blocks above the kernel's on its pcp list left untraced: let them go. */
unsigned ls_take_untraced(struct lockstep *ls, const struct pa_request *req,
			  struct pa_prediction *p, const struct prt_event *ev, int mt);
/* The free block holding [pfn, 2^order) was taken apart or just made. */
void ls_settle_block_of(struct lockstep *ls, uint64_t pfn, unsigned order);
/* A fast search's guessed block, to be given back for a slow scan over its
 * pages (replay/fast_guesses.c) and guessed again after. */
struct ls_moved_guess {
	int run;		/* index of its active run, or -1: an ended run's */
	uint32_t index;		/* in that run's ranges, or in the guessed takes */
	unsigned order;
	uint64_t pfn;		/* where it was */
	uint64_t lo, hi;	/* the search's range */
};
#define LS_MOVED_GUESSES 8
/* The guesses inside [start, end) the model still holds, at most max. */
unsigned ls_fast_guesses_in(struct lockstep *ls, uint64_t start, uint64_t end,
			    struct ls_moved_guess *g, unsigned max);
/* Put g[0..n) back on the free lists; those that went, first: their count. */
unsigned ls_fast_guesses_take_back(struct lockstep *ls, struct ls_moved_guess *g, unsigned n);
/* Guess each again over its search's range. */
void ls_fast_guesses_replace(struct lockstep *ls, const struct ls_moved_guess *moved, unsigned n);
/* A fast search of pid took a block of order the model's lists lack at or
 * above min_pfn: another search's guess that it takes instead (still
 * isolated, now this search's), or PA_PFN_NONE. */
uint64_t ls_fast_guess_retaken(struct lockstep *ls, uint32_t pid, uint64_t min_pfn, unsigned order);

/* A fast search over [min_pfn, free_pfn) for a block of order, walking
 * at most limit entries of each list, as fit_order looks (free_scanner.c);
 * the block in *s, or false. */
bool ls_fast_search_for_order(struct lockstep *ls, int zone, unsigned order, uint64_t min_pfn,
			      uint64_t free_pfn, unsigned limit, struct pa_fast_search *s);

/* mm_compaction_(fast_)isolate_freepages */
void ls_isolate_free(struct lockstep *ls, const struct prt_event *ev);
/* The first checkpoint, read just after the kpageflags scan: initial blocks
 * of lists it shows shorter that no event names are let go
 * (replay/first_checkpoint.c). ranges: the model's counts over its read,
 * or NULL. */
void ls_first_checkpoint(struct lockstep *ls, const struct prt_checkpoint *cp,
			 const struct an_model_range *ranges);
/* At a checkpoint with pagesets: a cpu's list longer than the model's while
 * the model's buddy lists are longer than the kernel's takes the model's
 * excess blocks (replay/pcp_untraced.c). */
void ls_pcp_untraced(struct lockstep *ls, const struct prt_checkpoint *cp,
		     const struct an_model_range *ranges);
/* mm_compaction_end: the run's held frees, and what its release reveals. */
void ls_compaction_end(struct lockstep *ls, uint32_t pid, bool success);
/* mm_page_free / mm_page_free_batched (replay/lockstep_free.c) */
void ls_on_free(struct lockstep *ls, const struct prt_event *ev);
void ls_on_free_batched(struct lockstep *ls, const struct prt_event *ev);
/* At the end of the trace: the frees still held, applied. */
void ls_flush_held(struct lockstep *ls);
/* After pid's free or drain reached the model at pfn: a compaction capture? */
void ls_capture_after_free(struct lockstep *ls, uint32_t pid, uint64_t pfn);
/* After a free or drain of [pfn, 2^order) reached the model: if it went to
 * the buddy lists, what it merged into (replay/buddy_changes.h). */
void ls_note_buddy_merge(struct lockstep *ls, const struct prt_event *ev);
/* A refill or buddy allocation is about to cut the block holding ev's pfn. */
void ls_note_buddy_split(struct lockstep *ls, const struct prt_event *ev);
/* The model's prediction for ev rechecked where the watermark decided it
 * (replay/lockstep_wmark.c). */
void ls_recheck_watermark(struct lockstep *ls, const struct prt_event *ev, struct pa_request *req,
			  struct pa_prediction *p);
/* mm_page_alloc_extfrag (replay/lockstep_fallback.c) */
void ls_on_extfrag(struct lockstep *ls, const struct prt_event *ev);
/* A free reaching the model (pcp or buddy, as the model decides). */
enum pa_free_result ls_apply_free(struct lockstep *ls, uint32_t cpu, uint64_t pfn,
				  unsigned order);

#endif
