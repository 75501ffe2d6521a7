/* SPDX-License-Identifier: MIT */
#ifndef PR_CAPTURE_GFP_TABLES_H
#define PR_CAPTURE_GFP_TABLES_H

/*
 * The gfp flag names of mm_page_alloc's print fmt, built in for three kernel
 * generations, for traces whose kernel's own event format is not at hand.
 * Entries are in print-fmt order (composites first), as __print_flags
 * matches them.
 */

#include <stddef.h>

#include "capture/prt.h"

struct gfp_table {
	const char *kernel;		/* "4", "5.10", "6" */
	const char *source;		/* release and file the names come from */
	const char *zero_name;		/* what the event prints for gfp 0 */
	const struct prt_flag *flags;
	size_t nr_flags;
};

/* The table for "4", "5.10" or "6" (also "4.4", "6.18", ...: by generation);
 * NULL if none fits. */
const struct gfp_table *gfp_table_builtin(const char *kernel);

#endif
