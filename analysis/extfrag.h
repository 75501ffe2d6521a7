/* SPDX-License-Identifier: MIT */
#ifndef PR_ANALYSIS_EXTFRAG_H
#define PR_ANALYSIS_EXTFRAG_H

/*
 * mm_page_alloc_extfrag counts by category, as the kernel's
 * Documentation/trace/postprocess/trace-pagealloc-postprocess.pl reports
 * them: every fallback; those "causing fragmentation" (the tracepoint's
 * fragmenting field: fallback_order < pageblock_order), split into severe
 * (fallback_order <= 3) and moderate; and those that changed the pageblock's
 * owner (change_ownership). Kept for the kernel's events and for the model's
 * predictions separately, also per (allocation, fallback) migratetype pair.
 */

#include <stdbool.h>
#include <stdint.h>

#include "allocator/model.h"

#define AN_EXTFRAG_SEVERE_MAX_ORDER	3

struct an_extfrag_counts {
	uint64_t fallbacks;
	uint64_t fragmenting;
	uint64_t severe;
	uint64_t moderate;
	uint64_t changed;
	/* [alloc mt][fallback mt]: fallbacks, and how many were fragmenting */
	uint64_t by_mt[PA_NR_MIGRATETYPES][PA_NR_MIGRATETYPES];
	uint64_t fragmenting_by_mt[PA_NR_MIGRATETYPES][PA_NR_MIGRATETYPES];
	uint64_t bad_migratetype;	/* counted above, outside the pair table */
};

/* Migratetypes are the model's canonical ones (enum pa_migratetype). */
void an_extfrag_add(struct an_extfrag_counts *c, unsigned fallback_order,
		    unsigned pageblock_order, int alloc_mt, int fallback_mt,
		    bool change_ownership);

#endif
