/* SPDX-License-Identifier: MIT */
/* Free page reporting's batches from its counters: see reporting_batches.h. */
#include <stdbool.h>

#include "capture/reporting_batches.h"

/* A walk isolates its batch in microseconds; samples of one walk taken a
 * poll apart are one walk. A walk seen longer ago with no report after it
 * found nothing to report. */
#define SAME_WALK_NS 5000000ULL

size_t prt_reporting_batches(const struct prt_reporting_sample *s, size_t n,
			     struct prt_reporting_batch *out, size_t max)
{
	size_t nr = 0;
	bool open = false, reported_last = false;
	uint64_t start = 0, walk = 0, last_walk = 0, last_kib = 0, pass = n ? s[0].passes : 0;

	for (size_t i = 1; i < n; i++) {
		uint64_t kib = s[i].reported_kib - s[i - 1].reported_kib;
		bool reported = s[i].reported_kib > s[i - 1].reported_kib;

		if (reported && reported_last && !open &&
		    s[i].ts_ns - s[i - 1].ts_ns <= SAME_WALK_NS) {
			/* a second report right after one, with no walk between:
			 * the same walk's blocks, reported in two parts */
			if (nr <= max) {
				out[nr - 1].end_ns = s[i].ts_ns;
				out[nr - 1].kib += kib;
			}
			last_kib += kib;
		} else if (reported) {
			/* a report with no walk seen began before the first sample, or
			 * at the end of the batch before it */
			uint64_t from = open ? start : nr && nr <= max ? out[nr - 1].end_ns : s[0].ts_ns;

			if (nr < max)
				out[nr] = (struct prt_reporting_batch){ from, s[i].ts_ns, kib,
									open ? pass : s[i - 1].passes };
			nr++;
			last_walk = open ? walk : 0;
			last_kib = kib;
			open = false;
		}
		if (s[i].walked > s[i - 1].walked &&
		    (!open || s[i].ts_ns - start > SAME_WALK_NS)) {
			open = true;
			start = s[i].ts_ns;
			pass = s[i].passes;
			walk = 0;
		}
		if (open)
			walk += s[i].walked - s[i - 1].walked;
		reported_last = reported;
	}
	/* A walk the capture's end cut off before its report: a batch, still
	 * held, if it walked as far as the batch before it, whose size it is
	 * taken to have (a walk that finds nothing walks less). */
	if (open && last_walk && walk == last_walk) {
		if (nr < max)
			out[nr] = (struct prt_reporting_batch){ start, UINT64_MAX, last_kib, pass };
		nr++;
	}
	return nr;
}
