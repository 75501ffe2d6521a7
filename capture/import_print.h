/* SPDX-License-Identifier: MIT */
#ifndef PR_CAPTURE_IMPORT_PRINT_H
#define PR_CAPTURE_IMPORT_PRINT_H

/*
 * A .prt event as one line of kernel ftrace text (trace_pipe without the
 * irq-info column), timestamps in nanoseconds. Import reads these lines
 * back into the same event: `pagereplay dump` output is importable.
 * Lost-event records print as "CPU:n [LOST n EVENTS] ts=SEC.NSEC".
 */

#include <stddef.h>

#include "capture/prt.h"

/* Format into buf (always NUL-terminated); returns the length, or the
 * length needed like snprintf. comm may be NULL. */
size_t imp_print_event(char *buf, size_t len, const struct prt_event *ev, const char *comm,
		       const struct prt_header *h);

#endif
