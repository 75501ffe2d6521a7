/* SPDX-License-Identifier: MIT */
#ifndef PR_ALLOCATOR_INTERNAL_H
#define PR_ALLOCATOR_INTERNAL_H

/* Cross-file internals of allocator/ that are not about the page state. */

#include <stdint.h>

/* gfp.c */
int pa_gfp_zone(uint64_t gfp);
int pa_gfp_migratetype(uint64_t gfp);

#endif
