/* SPDX-License-Identifier: MIT */
#ifndef PR_CAPTURE_REPORTING_POLL_H
#define PR_CAPTURE_REPORTING_POLL_H

/*
 * Free page reporting's worker takes up to 32 free blocks of order >=
 * page_reporting_order off the buddy lists, reports them to the hypervisor
 * (60-100 ms a batch on this project's host) and puts them back, with no
 * tracepoint. Hosts whose page_reporting module exports progress counters
 * (walked: list entries the worker looked at, bumped as it isolates a batch;
 * reported_kib: bumped when a batch's report completes; passes) show each
 * batch's start and end to a poller: a thread reads them every interval and
 * keeps a sample whenever one changed.
 */

#include <stddef.h>

#include "capture/prt.h"
#include "common/error.h"

#define REPORTING_POLL_DIR "/sys/module/page_reporting/parameters"
#define REPORTING_POLL_US 500

struct reporting_poll;

/* Start polling the counters under dir; NULL with err->code PR_OK when the
 * counters are absent (an upstream kernel), NULL with an error otherwise. */
struct reporting_poll *reporting_poll_start(const char *dir, unsigned interval_us,
					    struct pr_error *err);
/* Move up to max samples kept so far into out, oldest first; how many. */
size_t reporting_poll_take(struct reporting_poll *p, struct prt_reporting_sample *out,
			   size_t max);
/* Stop the thread and free; samples not taken are lost. */
void reporting_poll_stop(struct reporting_poll *p);

#endif
