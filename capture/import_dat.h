/* SPDX-License-Identifier: MIT */
#ifndef PR_CAPTURE_IMPORT_DAT_H
#define PR_CAPTURE_IMPORT_DAT_H

/* trace-cmd's binary trace.dat through libtracecmd: raw field values read
 * with the file's own event formats, records merged by time, missed-events
 * marks as LOST records. */

#include "capture/import.h"
#include "capture/import_sink.h"

/* Events into the sink; h gets the gfp table of the file's own
 * mm_page_alloc format (r->gfp_table says so). */
int import_dat_events(const char *path, struct imp_sink *s, struct prt_header *h,
		      struct imp_result *r, struct pr_error *err);

#endif
