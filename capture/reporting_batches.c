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
	bool open = false;
	uint64_t start = 0;

	for (size_t i = 1; i < n; i++) {
		uint64_t kib = s[i].reported_kib - s[i - 1].reported_kib;

		if (s[i].reported_kib > s[i - 1].reported_kib) {
			/* a report with no walk seen began before the first sample */
			if (nr < max)
				out[nr] = (struct prt_reporting_batch){ open ? start : s[0].ts_ns,
									s[i].ts_ns, kib };
			nr++;
			open = false;
		}
		if (s[i].walked > s[i - 1].walked &&
		    (!open || s[i].ts_ns - start > SAME_WALK_NS)) {
			open = true;
			start = s[i].ts_ns;
		}
	}
	return nr;
}
