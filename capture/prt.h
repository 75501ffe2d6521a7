/* SPDX-License-Identifier: MIT */
#ifndef PR_CAPTURE_PRT_H
#define PR_CAPTURE_PRT_H

/*
 * The .prt trace file: the contract between capture/import (writers) and
 * replay/info/dump (readers). Byte layout: docs/trace-format.md.
 *
 * Glossary (the kernel's words):
 *   pfn         page frame number; PRT_PFN_NONE where an event has none
 *               (a failed mm_page_alloc has pfn -1 in raw data)
 *   order       log2 of the block size in pages
 *   migratetype the kernel's number; names ride in the header because the
 *               numbering changed between kernels (4.1 vs 4.4+)
 *   gfp         the raw gfp_flags value as the captured kernel defines its
 *               bits; decode with the header's gfp_flags table, never with a
 *               table compiled in here
 *
 * Writers hand events per CPU in that CPU's time order; the reader merges
 * the per-CPU streams (and checkpoints) by timestamp with memory bounded by
 * one decoded chunk per CPU.
 */

#include <stdbool.h>
#include <stdint.h>

#include "common/error.h"

/* 2: the HEADER record's payload is compressed; readers read 1 and 2 */
#define PRT_FORMAT_VERSION	2
/* The first 8 bytes of every .prt file. */
#define PRT_FILE_MAGIC		"\x89PRTRC\r\n"
#define PRT_PFN_NONE		UINT64_MAX
#define PRT_MAX_ORDERS		16
/* Capture reads /proc/kpageflags zone by zone, each from its start rounded
 * down to this many pfns, in reads of this many (capture.kpageflags_scan_ns
 * gives the scan's start and end). */
#define PRT_KPAGEFLAGS_SLICE_PAGES	(64u * 1024u)
#define PRT_MAX_MIGRATETYPES	8
#define PRT_MAX_ZONE_TYPES	8	/* lowmem_reserve entries per zone */
#define PRT_NAME_LEN		32

/* Event types. Field use per type: see struct prt_event. */
enum prt_event_type {
	PRT_EV_NONE = 0,
	PRT_EV_ALLOC,			/* kmem:mm_page_alloc */
	PRT_EV_FREE,			/* kmem:mm_page_free */
	PRT_EV_FREE_BATCHED,		/* kmem:mm_page_free_batched */
	PRT_EV_ZONE_LOCKED,		/* kmem:mm_page_alloc_zone_locked */
	PRT_EV_PCPU_DRAIN,		/* kmem:mm_page_pcpu_drain */
	PRT_EV_EXTFRAG,			/* kmem:mm_page_alloc_extfrag */
	PRT_EV_COMPACT_BEGIN,		/* compaction:mm_compaction_begin */
	PRT_EV_COMPACT_END,		/* compaction:mm_compaction_end */
	PRT_EV_COMPACT_TRY,		/* compaction:mm_compaction_try_to_compact_pages */
	PRT_EV_COMPACT_ISOLATE_FREE,	/* compaction:mm_compaction_isolate_freepages
					 * and ..._fast_isolate_freepages */
	PRT_EV_RECLAIM_BEGIN,		/* vmscan:mm_vmscan_direct_reclaim_begin */
	PRT_EV_RECLAIM_END,		/* vmscan:mm_vmscan_direct_reclaim_end */
	PRT_EV_KSWAPD_WAKE,		/* vmscan:mm_vmscan_kswapd_wake */
	PRT_EV_KSWAPD_SLEEP,		/* vmscan:mm_vmscan_kswapd_sleep */
	PRT_EV_WAKEUP_KSWAPD,		/* vmscan:mm_vmscan_wakeup_kswapd */
	PRT_EV_LOST,			/* the ring buffer dropped events on `cpu` */
	PRT_EV_CHECKPOINT,		/* a /proc sample; prt_reader_checkpoint() */
	PRT_EV_NTYPES
};

/*
 * One event. Unused fields are 0 (pfn: PRT_PFN_NONE, migratetype: -1).
 *
 *   type              pfn          order          migratetype  gfp        arg[]
 *   ALLOC             pfn|NONE     order          migratetype  gfp_flags  -
 *   FREE              pfn          order          -            -          -
 *   FREE_BATCHED      pfn          0              -            -          -
 *   ZONE_LOCKED       pfn|NONE     order          migratetype  -          [0] percpu_refill
 *   PCPU_DRAIN        pfn          order          migratetype  -          -
 *   EXTFRAG           pfn          alloc_order    alloc_mt     -          [0] fallback_order
 *                                                                         [1] fallback_migratetype
 *                                                                         [2] change_ownership
 *   COMPACT_BEGIN     -            -              -            -          [0] zone_start [1] migrate_pfn
 *   COMPACT_END       -            -              -            -          [2] free_pfn [3] zone_end
 *                                                                         [4] sync [5] status (END)
 *   COMPACT_TRY       -            order          -            gfp_mask   [0] prio
 *   COMPACT_ISOLATE_FREE -         -              -            -          [0] start_pfn [1] end_pfn
 *                                                                         [2] nr_scanned [3] nr_taken
 *                                                                         [4] 1 if the fast variant
 *   RECLAIM_BEGIN     -            order          -            gfp_flags  -
 *   RECLAIM_END       -            -              -            -          [0] nr_reclaimed
 *   KSWAPD_WAKE       -            order          -            -          [0] nid [1] zid
 *   KSWAPD_SLEEP      -            -              -            -          [0] nid
 *   WAKEUP_KSWAPD     -            order          -            gfp_flags  [0] nid [1] zid
 *   LOST              -            -              -            -          [0] events lost (0: unknown)
 *   CHECKPOINT        -            -              -            -          [0] checkpoint sequence no.
 */
/* COMPACT_END's status: the kernel's enum compact_result, as traced. */
#define PRT_COMPACT_SUCCESS	8

struct prt_event {
	uint64_t ts_ns;		/* trace clock, nanoseconds */
	uint64_t pfn;
	uint64_t gfp;
	uint64_t arg[6];
	uint32_t pid;
	uint16_t cpu;
	uint8_t type;		/* enum prt_event_type */
	uint8_t order;
	int8_t migratetype;
};

const char *prt_event_name(enum prt_event_type type);	/* "mm_page_alloc", ... */
int prt_event_type_from_name(const char *name);	/* -1 if unknown */

/* ---- Header sections ---- */

/* Per-CPU pcp state of one zone, from /proc/zoneinfo "cpu: N" blocks. */
struct prt_pcp {
	uint32_t count, high, batch, high_min, high_max;
};

/* One zone of one node, from /proc/zoneinfo. */
struct prt_zone {
	uint16_t node;
	uint8_t zone_type;		/* position in the kernel's enum zone_type */
	char name[PRT_NAME_LEN];	/* "DMA", "DMA32", "Normal", "Movable", ... */
	uint64_t start_pfn, spanned, present, managed;
	uint64_t free_pages;		/* "pages free" at capture start */
	uint64_t wmark_min, wmark_low, wmark_high, wmark_promo, boost;
	uint32_t nr_lowmem_reserve;
	uint64_t lowmem_reserve[PRT_MAX_ZONE_TYPES];	/* "protection: (...)" */
	struct prt_pcp *pcp;		/* nr_cpus entries, or NULL if unknown */
};

/* A name for a value: gfp flags (mask may be a multi-bit composite such as
 * GFP_KERNEL, exactly as the event's print fmt lists it, in its order). */
struct prt_flag {
	char name[PRT_NAME_LEN];
	uint64_t mask;
};

/* A host setting that changes allocator behaviour ("vm.min_free_kbytes"). */
struct prt_setting {
	char key[64];
	char value[128];
};

/* One free buddy block at capture start (a KPF_BUDDY head). */
struct prt_free_block {
	uint64_t pfn;
	uint8_t order;
	int8_t migratetype;		/* best estimate, -1 if unknown */
	bool reported;			/* PG_reported (free page reporting has it
					 * reported), where free_reported_known */
};

/* A block of pageblock order or more that was off the free lists while the
 * kpageflags scan read it: every page without a flag, on a kernel that
 * flags every free page KPF_BUDDY (6.x). Free page reporting's batch in
 * flight has its blocks so; compaction's isolated free pages too. */
struct prt_out_block {
	uint64_t pfn;
	uint8_t order;
};

/*
 * A /proc sample. Counts are indexed [zone][order][migratetype] with the
 * header's zones, orders and migratetypes. Missing data is -1.
 */
/* When a /proc file was read, trace clock; {0, 0}: not recorded. */
struct prt_window {
	uint64_t start_ns, end_ns;
};

struct prt_checkpoint {
	uint64_t ts_ns;			/* trace clock, same as events */
	uint32_t seq;
	/* Each count was taken at some moment inside its file's read (the
	 * kernel walks pagetypeinfo's free lists for milliseconds); recorded
	 * by captures since this field exists, never in a header's sample. */
	struct prt_window pagetypeinfo_read, zoneinfo_read;
	uint32_t nr_zones, nr_orders, nr_migratetypes;
	int64_t *free_blocks;		/* pagetypeinfo: free blocks [z][o][mt] */
	int64_t *buddyinfo;		/* buddyinfo: free blocks [z][o] */
	int64_t *pageblocks;		/* pagetypeinfo: pageblocks [z][mt] */
	int64_t *free_pages;		/* zoneinfo "pages free" [z] */
	/* zoneinfo's per-cpu pagesets, [z][cpu], pages; NULL where the
	 * capture predates them (the header's own are in its zones' pcp). Each
	 * cpu's count was read without its lock, once, inside zoneinfo_read. */
	uint32_t nr_cpus;
	int64_t *pcp_count, *pcp_high;
};

/* Free page reporting's counters at one moment (capture/reporting_poll.h):
 * kept only where the host's page_reporting module exports them. */
struct prt_reporting_sample {
	uint64_t ts_ns;			/* trace clock, same as events */
	uint64_t walked, reported_kib, passes;
};

enum prt_source {
	PRT_SOURCE_CAPTURE = 0,		/* pagereplay capture on a live host */
	PRT_SOURCE_FTRACE,		/* imported kernel trace / trace_pipe text */
	PRT_SOURCE_TRACE_CMD,		/* imported trace-cmd report text */
	PRT_SOURCE_PERF_SCRIPT,		/* imported perf script text */
	PRT_SOURCE_TRACE_DAT,		/* imported trace-cmd trace.dat */
	PRT_SOURCE_SYNTH,		/* made by pagereplay synth */
};

struct prt_header {
	uint32_t format_version;
	uint8_t source;			/* enum prt_source */
	bool topology_inferred;		/* zones guessed from pfns, not zoneinfo */
	char kernel_release[128];
	char hostname[64];
	char trace_clock[16];
	char *cmdline;			/* what was captured, "" if none */
	uint64_t start_realtime_ns;	/* wall clock at capture start */
	uint64_t start_trace_ns;	/* trace clock at capture start */
	uint32_t page_size;
	uint32_t nr_orders;		/* NR_PAGE_ORDERS: 11 on x86-64 */
	uint32_t pageblock_order;
	uint32_t nr_cpus;
	int16_t *cpu_node;		/* nr_cpus entries: node of each CPU */

	uint32_t nr_zones;
	struct prt_zone *zones;		/* sorted by node, then zone_type */

	uint32_t nr_gfp_flags;
	struct prt_flag *gfp_flags;	/* from the kernel's own event format */
	uint32_t nr_migratetypes;
	char (*migratetype_names)[PRT_NAME_LEN];	/* index = kernel value */

	uint32_t nr_settings;
	struct prt_setting *settings;

	uint64_t nr_free_blocks;
	struct prt_free_block *free_blocks;	/* sorted by pfn */
	bool free_reported_known;	/* the capture read their `reported` */
	uint64_t nr_out_blocks;
	struct prt_out_block *out_blocks;	/* sorted by pfn; absent in older files */
	/* Pageblock migratetypes at start, one byte each (-1 unknown), for the
	 * pageblocks of zone z starting at its start_pfn rounded down. */
	int8_t **pageblock_mt;		/* nr_zones arrays, or NULL */

	struct prt_checkpoint initial;	/* /proc counts at capture start */
};

/* Per-CPU ring-buffer statistics (tracefs per_cpu/cpuN/stats). */
struct prt_cpu_stats {
	uint64_t entries, overrun, commit_overrun, dropped_events, read_events;
};

/* Free the arrays a checkpoint points to. */
void prt_checkpoint_release(struct prt_checkpoint *cp);
/* Free everything a header points to (not the struct itself). */
void prt_header_release(struct prt_header *h);
/* Deep copy; -1 and *err on allocation failure. */
int prt_header_copy(struct prt_header *dst, const struct prt_header *src,
		    struct pr_error *err);
/* Value of a setting, or NULL. */
const char *prt_header_setting(const struct prt_header *h, const char *key);

/* ---- Writer ---- */

struct prt_writer;

/*
 * Create `path` as `path.tmp` and write the header. Events become visible
 * under `path` only at prt_writer_close(); until then (and if the process is
 * killed) `path.tmp` holds every complete chunk and reads as a valid file.
 */
struct prt_writer *prt_writer_open(const char *path, const struct prt_header *h,
				   struct pr_error *err);
/* Events of one CPU must come in that CPU's time order. */
int prt_writer_add(struct prt_writer *w, const struct prt_event *ev,
		   struct pr_error *err);
int prt_writer_add_checkpoint(struct prt_writer *w, const struct prt_checkpoint *cp,
			      struct pr_error *err);
/* Samples of the reporting counters, in time order (one record each call). */
int prt_writer_add_reporting(struct prt_writer *w, const struct prt_reporting_sample *s,
			     size_t n, struct pr_error *err);
int prt_writer_set_comm(struct prt_writer *w, uint32_t pid, const char *comm,
			struct pr_error *err);
/* Ring-buffer stats per CPU at the start and at the end of capture. */
int prt_writer_set_cpu_stats(struct prt_writer *w, const struct prt_cpu_stats *start,
			     const struct prt_cpu_stats *end, uint32_t nr_cpus,
			     struct pr_error *err);
/* Bytes written so far (for live progress). */
uint64_t prt_writer_bytes(const struct prt_writer *w);
/* Flush, write the trailer, fsync, rename to the final path, free. */
int prt_writer_close(struct prt_writer *w, struct pr_error *err);
/* Remove the temporary file and free (error paths). */
void prt_writer_abort(struct prt_writer *w);

/* ---- Reader ---- */

struct prt_reader;

/*
 * Open and validate. A file whose format version is newer is refused
 * (PR_EVERSION). Damage after the header does not fail the open: events up
 * to the first damaged chunk are delivered, then prt_reader_next() returns
 * -1 with the damage described (chunk number and byte offset).
 */
struct prt_reader *prt_reader_open(const char *path, struct pr_error *err);
const struct prt_header *prt_reader_header(const struct prt_reader *r);
/* 1: *ev filled; 0: end of file; -1: damage or I/O error (see *err). */
int prt_reader_next(struct prt_reader *r, struct prt_event *ev, struct pr_error *err);
/* The sample behind the CHECKPOINT event last returned. */
const struct prt_checkpoint *prt_reader_checkpoint(const struct prt_reader *r);
/* Every checkpoint of the file, in the order prt_reader_next() returns them
 * (replay looks ahead to their read windows); *n gets the count. */
const struct prt_checkpoint *prt_reader_checkpoints(const struct prt_reader *r, uint32_t *n);
/* Every reporting counter sample of the file, in time order (NULL, *n 0:
 * none; files from hosts without the counters, or older ones). */
const struct prt_reporting_sample *prt_reader_reporting(const struct prt_reader *r, uint32_t *n);
/* comm of a pid, or NULL. */
const char *prt_reader_comm(const struct prt_reader *r, uint32_t pid);
/* Every pid -> comm pair of the file, sorted by pid (*n the count). */
struct prt_comm {
	uint32_t pid;
	char comm[16];
};
const struct prt_comm *prt_reader_comms(const struct prt_reader *r, uint32_t *n);
/* Stats per CPU (nr_cpus entries each), or NULL if the file has none. */
const struct prt_cpu_stats *prt_reader_cpu_stats(const struct prt_reader *r, bool at_end);
uint64_t prt_reader_file_bytes(const struct prt_reader *r);
/* Counts from the chunk index, known at open without decoding events. */
uint64_t prt_reader_event_count(const struct prt_reader *r);
void prt_reader_close(struct prt_reader *r);

#endif
