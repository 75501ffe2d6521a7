/* SPDX-License-Identifier: MIT */
#ifndef PR_CAPTURE_LIVE_H
#define PR_CAPTURE_LIVE_H

/*
 * Live capture: a private tracefs instance, the page-allocator events read
 * as raw sub-buffers per CPU, written to a .prt file. The library prints
 * nothing; progress reaches the caller through a callback.
 */

#include <stdbool.h>
#include <stdint.h>

#include "capture/kpageflags.h"
#include "capture/prt.h"
#include "common/error.h"

struct live_stats {
	uint64_t events[PRT_EV_NTYPES];
	uint64_t total, lost, bytes, checkpoints;
	uint64_t reporting_samples;		/* free page reporting counters kept */
	double seconds;
	int command_status;		/* exit status of CMD, -1 if none */
	struct kpageflags_match freemap;	/* initial free map vs /proc counts */
	double freemap_scan_s;		/* time the kpageflags scan took */
	uint64_t pcp_before, pcp_after;	/* pcp pages before and after --shrink-pcp */
};

struct live_options {
	const char *output;
	double duration_s;		/* 0: until CMD exits or a signal */
	char *const *command;		/* NULL or argv of CMD */
	const char *events;		/* "+name,-name" changes to the default set */
	unsigned buffer_kb;		/* per-cpu ring buffer; 0: default */
	double checkpoint_interval_s;	/* 0: no periodic checkpoints */
	const char *tracefs;		/* tracefs mount; NULL: find it */
	bool shrink_pcp;		/* shrink the pcp lists first (pcp_shrink.h) */
	void (*progress)(const struct live_stats *s, void *ctx);	/* ~ every 0.5 s */
	void *progress_ctx;
};

#define LIVE_DEFAULT_BUFFER_KB 65536

/* Runs until CMD exits, the duration ends, or live_request_stop(). */
int live_capture(const struct live_options *opt, struct live_stats *stats, struct pr_error *err);
/* Async-signal-safe: ask a running capture to stop. */
void live_request_stop(void);
/* Which tracefs mount is usable: NULL if none (err says how to mount it). */
const char *live_find_tracefs(struct pr_error *err);

#endif
