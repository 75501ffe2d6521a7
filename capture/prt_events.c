/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "capture/prt.h"

/* The kernel's event names, so users see what they know from tracefs. */
static const char *const names[PRT_EV_NTYPES] = {
	[PRT_EV_NONE] = "none",
	[PRT_EV_ALLOC] = "mm_page_alloc",
	[PRT_EV_FREE] = "mm_page_free",
	[PRT_EV_FREE_BATCHED] = "mm_page_free_batched",
	[PRT_EV_ZONE_LOCKED] = "mm_page_alloc_zone_locked",
	[PRT_EV_PCPU_DRAIN] = "mm_page_pcpu_drain",
	[PRT_EV_EXTFRAG] = "mm_page_alloc_extfrag",
	[PRT_EV_COMPACT_BEGIN] = "mm_compaction_begin",
	[PRT_EV_COMPACT_END] = "mm_compaction_end",
	[PRT_EV_COMPACT_TRY] = "mm_compaction_try_to_compact_pages",
	[PRT_EV_COMPACT_ISOLATE_FREE] = "mm_compaction_isolate_freepages",
	[PRT_EV_RECLAIM_BEGIN] = "mm_vmscan_direct_reclaim_begin",
	[PRT_EV_RECLAIM_END] = "mm_vmscan_direct_reclaim_end",
	[PRT_EV_KSWAPD_WAKE] = "mm_vmscan_kswapd_wake",
	[PRT_EV_KSWAPD_SLEEP] = "mm_vmscan_kswapd_sleep",
	[PRT_EV_WAKEUP_KSWAPD] = "mm_vmscan_wakeup_kswapd",
	[PRT_EV_LOST] = "lost",
	[PRT_EV_CHECKPOINT] = "checkpoint",
};

const char *prt_event_name(enum prt_event_type type)
{
	return (unsigned)type < PRT_EV_NTYPES ? names[type] : "unknown";
}

int prt_event_type_from_name(const char *name)
{
	for (int t = 1; t < PRT_EV_NTYPES; t++)
		if (strcmp(names[t], name) == 0)
			return t;
	if (strcmp(name, "mm_compaction_fast_isolate_freepages") == 0)
		return PRT_EV_COMPACT_ISOLATE_FREE;
	return -1;
}
