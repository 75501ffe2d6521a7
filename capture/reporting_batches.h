/* SPDX-License-Identifier: MIT */
#ifndef PR_CAPTURE_REPORTING_BATCHES_H
#define PR_CAPTURE_REPORTING_BATCHES_H

/*
 * Free page reporting's batches, read off the polled counters
 * (reporting_poll.h): a batch is isolated when `walked` moves and handed
 * back when `reported_kib` next moves, by the batch's size. A walk that
 * finds nothing to report (the last of a pass) moves `walked` with no
 * report after it, and is dropped; one the capture's end cut off is kept
 * where it walked as far as the batch before it.
 */

#include <stddef.h>
#include <stdint.h>

#include "capture/prt.h"

struct prt_reporting_batch {
	uint64_t start_ns;	/* first sample showing the walk: isolated by then */
	uint64_t end_ns;	/* first sample showing the report: back by then;
				 * UINT64_MAX: still held when the capture ended */
	uint64_t kib;		/* size of the blocks reported */
	uint64_t pass;		/* the passes counter as the walk showed: the
				 * worker's pass, which it counts at its end */
};

/* The batches of n samples into out (at most max); how many there are. */
size_t prt_reporting_batches(const struct prt_reporting_sample *s, size_t n,
			     struct prt_reporting_batch *out, size_t max);

#endif
