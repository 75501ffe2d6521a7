/* SPDX-License-Identifier: MIT */
#include "capture/import_print.h"

#include <inttypes.h>
#include <stdio.h>

#include "capture/gfp_format.h"

/* x86-64's default vmemmap base and sizeof(struct page): what an unhashed
 * %p of the page would print; never NULL for a real pfn, even pfn 0. */
#define VMEMMAP_BASE	0xffffea0000000000ull
#define STRUCT_PAGE	64ull

static const char *compaction_status(uint64_t v)
{
	static const char *const names[] = {
		"not_suitable_zone", "skipped", "deferred", "no_suitable_page",
		"continue", "complete", "partial_skipped", "contended", "success",
	};

	return v < sizeof(names) / sizeof(names[0]) ? names[v] : NULL;
}

/* "page=... pfn=0x..." with the kernel's spelling of a failed allocation. */
static int page_pfn(char *b, size_t n, uint64_t pfn)
{
	if (pfn == PRT_PFN_NONE)
		return snprintf(b, n, "page=0000000000000000 pfn=0x0");
	return snprintf(b, n, "page=%016" PRIx64 " pfn=0x%" PRIx64,
			(uint64_t)(VMEMMAP_BASE + pfn * STRUCT_PAGE), pfn);
}

static int fields(char *b, size_t n, const struct prt_event *ev, const struct prt_header *h,
		  const char *gfp)
{
	int k = 0, mt = ev->migratetype;

	switch (ev->type) {
	case PRT_EV_ALLOC:
		k = page_pfn(b, n, ev->pfn);
		return k + snprintf(b + k, n > (size_t)k ? n - (size_t)k : 0,
				    " order=%u migratetype=%d gfp_flags=%s", ev->order, mt, gfp);
	case PRT_EV_FREE:
	case PRT_EV_FREE_BATCHED:
		k = page_pfn(b, n, ev->pfn);
		return k + snprintf(b + k, n > (size_t)k ? n - (size_t)k : 0, " order=%u",
				    ev->type == PRT_EV_FREE ? ev->order : 0);
	case PRT_EV_ZONE_LOCKED:
	case PRT_EV_PCPU_DRAIN:
		k = page_pfn(b, n, ev->pfn);
		k += snprintf(b + k, n > (size_t)k ? n - (size_t)k : 0, " order=%u migratetype=%d",
			      ev->order, mt);
		if (ev->type == PRT_EV_PCPU_DRAIN)
			return k;
		return k + snprintf(b + k, n > (size_t)k ? n - (size_t)k : 0,
				    " percpu_refill=%" PRIu64, ev->arg[0]);
	case PRT_EV_EXTFRAG:
		k = page_pfn(b, n, ev->pfn);
		return k + snprintf(b + k, n > (size_t)k ? n - (size_t)k : 0,
				    " alloc_order=%u fallback_order=%" PRId64 " pageblock_order=%u"
				    " alloc_migratetype=%d fallback_migratetype=%" PRId64
				    " fragmenting=%d change_ownership=%" PRIu64,
				    ev->order, (int64_t)ev->arg[0], h->pageblock_order, mt,
				    (int64_t)ev->arg[1], (int64_t)ev->arg[0] < (int64_t)h->pageblock_order,
				    ev->arg[2]);
	case PRT_EV_COMPACT_BEGIN:
	case PRT_EV_COMPACT_END: {
		const char *st = compaction_status(ev->arg[5]);

		k = snprintf(b, n, "zone_start=0x%" PRIx64 " migrate_pfn=0x%" PRIx64
			     " free_pfn=0x%" PRIx64 " zone_end=0x%" PRIx64 ", mode=%s",
			     ev->arg[0], ev->arg[1], ev->arg[2], ev->arg[3],
			     ev->arg[4] ? "sync" : "async");
		if (ev->type == PRT_EV_COMPACT_BEGIN)
			return k;
		if (st)
			return k + snprintf(b + k, n > (size_t)k ? n - (size_t)k : 0,
					    " status=%s", st);
		return k + snprintf(b + k, n > (size_t)k ? n - (size_t)k : 0,
				    " status=%" PRIu64, ev->arg[5]);
	}
	case PRT_EV_COMPACT_TRY:
		return snprintf(b, n, "order=%u gfp_mask=%s priority=%" PRId64, ev->order, gfp,
				(int64_t)ev->arg[0]);
	case PRT_EV_COMPACT_ISOLATE_FREE:
		return snprintf(b, n, "range=(0x%" PRIx64 " ~ 0x%" PRIx64 ") nr_scanned=%" PRIu64
				" nr_taken=%" PRIu64, ev->arg[0], ev->arg[1], ev->arg[2], ev->arg[3]);
	case PRT_EV_RECLAIM_BEGIN:
		return snprintf(b, n, "order=%u gfp_flags=%s", ev->order, gfp);
	case PRT_EV_RECLAIM_END:
		return snprintf(b, n, "nr_reclaimed=%" PRIu64, ev->arg[0]);
	case PRT_EV_KSWAPD_WAKE:
		return snprintf(b, n, "nid=%" PRIu64 " zid=%" PRIu64 " order=%u", ev->arg[0],
				ev->arg[1], ev->order);
	case PRT_EV_KSWAPD_SLEEP:
		return snprintf(b, n, "nid=%" PRIu64, ev->arg[0]);
	case PRT_EV_WAKEUP_KSWAPD:
		return snprintf(b, n, "nid=%" PRIu64 " zid=%" PRIu64 " order=%u gfp_flags=%s",
				ev->arg[0], ev->arg[1], ev->order, gfp);
	}
	return snprintf(b, n, "type=%u", ev->type);
}

size_t imp_print_event(char *buf, size_t len, const struct prt_event *ev, const char *comm,
		       const struct prt_header *h)
{
	unsigned long long sec = ev->ts_ns / 1000000000ull, ns = ev->ts_ns % 1000000000ull;
	const char *name = prt_event_name((enum prt_event_type)ev->type);
	char gfp[512];
	int k;

	if (ev->type == PRT_EV_LOST) {
		if (ev->arg[0])
			k = snprintf(buf, len, "CPU:%u [LOST %" PRIu64 " EVENTS] ts=%llu.%09llu",
				     ev->cpu, ev->arg[0], sec, ns);
		else
			k = snprintf(buf, len, "CPU:%u [EVENTS DROPPED] ts=%llu.%09llu", ev->cpu,
				     sec, ns);
		return (size_t)k;
	}
	prt_gfp_format(ev->gfp, h->gfp_flags, h->nr_gfp_flags, gfp, sizeof(gfp));
	if (ev->type == PRT_EV_COMPACT_ISOLATE_FREE && ev->arg[4])
		name = "mm_compaction_fast_isolate_freepages";
	k = snprintf(buf, len, "%16s-%-7u [%03u] %llu.%09llu: %s: ",
		     comm && *comm ? comm : "<...>", ev->pid, ev->cpu, sec, ns, name);
	if (k < 0)
		return 0;
	return (size_t)k + (size_t)fields(buf + ((size_t)k < len ? (size_t)k : len),
					  (size_t)k < len ? len - (size_t)k : 0, ev, h, gfp);
}
