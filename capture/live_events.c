/* SPDX-License-Identifier: MIT */
/*
 * Which tracepoints capture records, and how each one's fields map onto a
 * struct prt_event. Fields are resolved once per event by name; the hot
 * path reads numbers at known offsets.
 */
#include <stdlib.h>
#include <string.h>
#include <traceevent/event-parse.h>

#include "capture/live_events.h"

/* Field names per prt type, in the order they fill (pfn, order, mt, gfp,
 * arg0..arg5). NULL: unused. "-" marks a field that may be absent. */
static const struct live_event_def defs[] = {
	{ "kmem", "mm_page_alloc", PRT_EV_ALLOC, true,
	  { "pfn", "order", "migratetype", "gfp_flags" } },
	{ "kmem", "mm_page_free", PRT_EV_FREE, true, { "pfn", "order" } },
	{ "kmem", "mm_page_free_batched", PRT_EV_FREE_BATCHED, true, { "pfn" } },
	{ "kmem", "mm_page_alloc_zone_locked", PRT_EV_ZONE_LOCKED, true,
	  { "pfn", "order", "migratetype", NULL, "percpu_refill" } },
	{ "kmem", "mm_page_pcpu_drain", PRT_EV_PCPU_DRAIN, true, { "pfn", "order", "migratetype" } },
	{ "kmem", "mm_page_alloc_extfrag", PRT_EV_EXTFRAG, true,
	  { "pfn", "alloc_order", "alloc_migratetype", NULL, "fallback_order",
	    "fallback_migratetype", "change_ownership" } },
	{ "compaction", "mm_compaction_begin", PRT_EV_COMPACT_BEGIN, true,
	  { NULL, NULL, NULL, NULL, "zone_start", "migrate_pfn", "free_pfn", "zone_end", "sync" } },
	{ "compaction", "mm_compaction_end", PRT_EV_COMPACT_END, true,
	  { NULL, NULL, NULL, NULL, "zone_start", "migrate_pfn", "free_pfn", "zone_end", "sync",
	    "status" } },
	{ "compaction", "mm_compaction_try_to_compact_pages", PRT_EV_COMPACT_TRY, true,
	  { NULL, "order", NULL, "gfp_mask", "prio" } },
	{ "compaction", "mm_compaction_isolate_freepages", PRT_EV_COMPACT_ISOLATE_FREE, true,
	  { NULL, NULL, NULL, NULL, "start_pfn", "end_pfn", "nr_scanned", "nr_taken" } },
	{ "compaction", "mm_compaction_fast_isolate_freepages", PRT_EV_COMPACT_ISOLATE_FREE, true,
	  { NULL, NULL, NULL, NULL, "start_pfn", "end_pfn", "nr_scanned", "nr_taken" } },
	{ "vmscan", "mm_vmscan_direct_reclaim_begin", PRT_EV_RECLAIM_BEGIN, true,
	  { NULL, "order", NULL, "gfp_flags" } },
	{ "vmscan", "mm_vmscan_direct_reclaim_end", PRT_EV_RECLAIM_END, true,
	  { NULL, NULL, NULL, NULL, "nr_reclaimed" } },
	{ "vmscan", "mm_vmscan_kswapd_wake", PRT_EV_KSWAPD_WAKE, true,
	  { NULL, "order", NULL, NULL, "nid", "zid" } },
	{ "vmscan", "mm_vmscan_kswapd_sleep", PRT_EV_KSWAPD_SLEEP, true,
	  { NULL, NULL, NULL, NULL, "nid" } },
	{ "vmscan", "mm_vmscan_wakeup_kswapd", PRT_EV_WAKEUP_KSWAPD, true,
	  { NULL, "order", NULL, "gfp_flags", "nid", "zid" } },
};

size_t live_event_defs(const struct live_event_def **out)
{
	*out = defs;
	return sizeof(defs) / sizeof(defs[0]);
}

int live_event_bind(struct live_event *b, struct tep_handle *tep, const struct live_event_def *def)
{
	memset(b, 0, sizeof(*b));
	b->def = def;
	b->event = tep_find_event_by_name(tep, def->system, def->name);
	if (!b->event)
		return -1;
	for (int i = 0; i < LIVE_MAX_FIELDS; i++)
		if (def->fields[i])
			b->field[i] = tep_find_field(b->event, def->fields[i]);
	return 0;
}

static uint64_t read_field(struct tep_format_field *f, const void *data)
{
	unsigned long long v = 0;

	if (f && tep_read_number_field(f, data, &v) != 0)
		v = 0;
	return v;
}

void live_event_decode(const struct live_event *b, const void *data, struct prt_event *ev)
{
	const struct live_event_def *def = b->def;

	ev->type = (uint8_t)def->type;
	ev->pfn = PRT_PFN_NONE;
	ev->migratetype = -1;
	ev->order = 0;
	ev->gfp = 0;
	memset(ev->arg, 0, sizeof(ev->arg));
	if (b->field[0]) {
		uint64_t pfn = read_field(b->field[0], data);

		/* a failed mm_page_alloc has pfn -1 (as unsigned long) */
		ev->pfn = pfn == UINT64_MAX ? PRT_PFN_NONE : pfn;
	}
	if (b->field[1])
		ev->order = (uint8_t)read_field(b->field[1], data);
	if (b->field[2])
		ev->migratetype = (int8_t)read_field(b->field[2], data);
	if (b->field[3])
		ev->gfp = read_field(b->field[3], data);
	for (int i = 0; i < 6; i++)
		if (b->field[4 + i])
			ev->arg[i] = read_field(b->field[4 + i], data);
	if (def->type == PRT_EV_COMPACT_ISOLATE_FREE && strstr(def->name, "fast"))
		ev->arg[4] = 1;
}
