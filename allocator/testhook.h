/* SPDX-License-Identifier: MIT */
#ifndef PR_ALLOCATOR_TESTHOOK_H
#define PR_ALLOCATOR_TESTHOOK_H

/*
 * Test-only: corrupt the model's state in one precise way so tests can
 * prove pa_model_check notices. Never used outside tests/.
 */
#include "allocator/types.h"

enum pa_corruption {
	PA_CORRUPT_LIST_COUNT,		/* free list counter of the block at pfn */
	PA_CORRUPT_FREE_PAGES,		/* NR_FREE_PAGES + 1 */
	PA_CORRUPT_TWO_PLACES,		/* pfn + 1 inside the free block at pfn heads one too */
	PA_CORRUPT_SPLIT_PAIR,		/* free block at pfn kept as two halves */
	PA_CORRUPT_PCP_COUNT,		/* pcp count of the cpu holding pfn */
	PA_CORRUPT_LIST_TYPE,		/* the head at pfn claims another list type */
	PA_CORRUPT_PAGEBLOCK,		/* pageblock of pfn retyped behind the lists' back */
	PA_CORRUPT_UNKNOWN_COUNT,	/* zone's unknown-page counter + 1 */
	PA_CORRUPT_LOST_TAIL,		/* pfn + 1 inside the free block at pfn looks allocated */
	PA_CORRUPT_STRAY_TAIL,		/* the allocated page at pfn claims to be a tail */
};

int pa_test_corrupt(struct pa_model *m, enum pa_corruption what, uint64_t pfn);

#endif
