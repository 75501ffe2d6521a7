/* SPDX-License-Identifier: MIT */
#ifndef PR_ALLOCATOR_TYPES_H
#define PR_ALLOCATOR_TYPES_H

/*
 * Internal state of the buddy-allocator model. Private to allocator/.
 *
 * Glossary (kernel words, see docs/model.md):
 *   head       first pfn of a free block; only heads carry list links
 *   list mt    the migratetype of the free list a block sits on; equal to
 *              the pageblock type in 6.12+, may differ in 4.4/5.10
 *   pindex     index of a pcp list: 3 * order + mt, THP lists after
 *   pending    a pcp drain the model has decided but whose pages the
 *              kernel reports one by one (mm_page_pcpu_drain)
 *
 * Memory: one struct pa_page (12 bytes) per spanned pfn, one byte per
 * pageblock; everything else is per zone or per (cpu, zone).
 */

#include "allocator/model.h"

#define PA_NIL			UINT32_MAX
#define PA_PCPTYPES		3	/* MIGRATE_PCPTYPES */
#define PA_MAX_PCP_LISTS	14	/* 12 low-order + 2 THP (6.12+) */
#define PA_COSTLY_ORDER		3	/* PAGE_ALLOC_COSTLY_ORDER */
#define PA_BATCH_SCALE_MAX	5	/* CONFIG_PCP_BATCH_SCALE_MAX */

/*
 * Page states. Heads of free blocks are BUDDY or PCP; every other page of
 * a free block is TAIL, so a free asks one record, not every ancestor,
 * whether its pages are already free (the common answer: no).
 */
enum pa_pg_state { PG_ALLOC, PG_BUDDY, PG_PCP, PG_UNKNOWN, PG_TAIL };

/* info word: state:3 order:4 lmt:3 pindex:4 movable:1 cpu:11, and bit 31
 * PageReported (a free block free page reporting handed back; any change to
 * the block, which rewrites the word with pg_set, clears it, as
 * del_page_from_free_list does) */
#define PGI_STATE_MASK		7u
#define PGI_ORDER_SHIFT		3
#define PGI_LMT_SHIFT		7
#define PGI_PINDEX_SHIFT	10
#define PGI_MOVABLE_SHIFT	14
#define PGI_CPU_SHIFT		15
#define PGI_CPU_MASK		0x7ffu
#define PGI_REPORTED		(1u << 31)

struct pa_page {
	uint32_t next, prev;	/* zone-relative pfn offsets, PA_NIL ends */
	uint32_t info;
};

static inline unsigned pg_state(const struct pa_page *p) { return p->info & PGI_STATE_MASK; }
static inline unsigned pg_order(const struct pa_page *p) { return (p->info >> PGI_ORDER_SHIFT) & 15; }
static inline unsigned pg_lmt(const struct pa_page *p) { return (p->info >> PGI_LMT_SHIFT) & 7; }
static inline unsigned pg_pindex(const struct pa_page *p) { return (p->info >> PGI_PINDEX_SHIFT) & 15; }
static inline bool pg_movable(const struct pa_page *p) { return (p->info >> PGI_MOVABLE_SHIFT) & 1; }
static inline unsigned pg_cpu(const struct pa_page *p) { return (p->info >> PGI_CPU_SHIFT) & PGI_CPU_MASK; }
static inline bool pg_reported(const struct pa_page *p) { return p->info & PGI_REPORTED; }

static inline void pg_set(struct pa_page *p, unsigned state, unsigned order, unsigned lmt,
			  unsigned pindex, unsigned cpu)
{
	p->info = (p->info & (1u << PGI_MOVABLE_SHIFT)) | state | order << PGI_ORDER_SHIFT |
		  lmt << PGI_LMT_SHIFT | pindex << PGI_PINDEX_SHIFT | cpu << PGI_CPU_SHIFT;
}
static inline void pg_set_state(struct pa_page *p, unsigned state)
{
	p->info = (p->info & ~PGI_STATE_MASK) | state;
}
static inline void pg_set_movable(struct pa_page *p, bool movable)
{
	p->info = (p->info & ~(1u << PGI_MOVABLE_SHIFT)) | (unsigned)movable << PGI_MOVABLE_SHIFT;
}

struct pa_list {
	uint32_t head, tail;
	uint32_t nr;
};

/* Zone flags the allocator keeps (ZONE_BELOW_HIGH, ZONE_BOOSTED_WATERMARK),
 * and ZONE_RECLAIM_ACTIVE, which kswapd sets while it balances the node. */
#define ZF_BELOW_HIGH		1u
#define ZF_BOOSTED		2u
#define ZF_RECLAIM_ACTIVE	4u

/* pcp flags (6.12+) */
#define PCPF_PREV_FREE_HIGH_ORDER	1u
#define PCPF_FREE_HIGH_BATCH		2u

/* A drain decided by a free that passed pcp->high, released page by page. */
struct pa_drain {
	int32_t remaining;	/* pages (base pages) still to release */
	int8_t cur;		/* list being drained / round-robin cursor */
	bool in_list;		/* 4.x/5.10: inside the inner loop on cur */
	int32_t batch_free;	/* 4.x/5.10 carried-over batch_free */
};

struct pa_pcp {
	struct pa_list lists[PA_MAX_PCP_LISTS];
	int32_t count, high, batch, high_min, high_max;
	int32_t free_count;
	uint8_t alloc_factor, flags;
	int8_t freed_pindex;	/* the list the last free went to, -1: none */
	struct pa_drain drain;
};

struct pa_zone {
	struct pa_zone_desc d;
	int idx;			/* index in the topology */
	uint64_t start, end;		/* [start, end) spanned pfns */
	struct pa_page *pages;
	uint8_t *pb_mt;			/* per pageblock, indexed from pb_base */
	uint64_t pb_base, nr_pb;
	struct pa_list free[PA_MAX_ORDERS][PA_NR_MIGRATETYPES];
	uint64_t nr_free[PA_MAX_ORDERS];	/* blocks, all types */
	int64_t free_pages;		/* NR_FREE_PAGES: buddy, not ISOLATE */
	int64_t free_cma, free_highatomic, reserved_highatomic;
	int64_t unknown_pages;
	int64_t raw_wmark[3];		/* _watermark[] without boost */
	int64_t boost;
	int64_t alloc_batch;		/* 4.4 NR_ALLOC_BATCH (fair zone policy) */
	unsigned flags;
	struct pa_pcp *pcp;		/* nr_cpus entries */
};

enum pa_fb_algo { FB_K44, FB_K510, FB_K612, FB_K618 };
enum pa_drain_algo { DRAIN_RR3, DRAIN_PINDEX };
enum pa_wm_algo { WM_K44, WM_K510, WM_K6 };

/* A profile is data: which rules of which kernel generation apply. */
struct pa_profile_desc {
	const char *name;
	unsigned pcp_max_order;		/* 0: order 0 only */
	bool pcp_thp;			/* pageblock-order pcp list(s) */
	unsigned nr_pcp_lists;
	bool pcp_cold;			/* 4.4 __GFP_COLD uses the pcp tail */
	bool pcp_autotune;		/* 6.12+ high/free_count/alloc_factor */
	bool pcp_reread_mt;		/* 6.12+: drain re-reads the pageblock */
	bool refill_fallback_buddy;	/* 6.x: empty refill falls to rmqueue_buddy */
	bool merge_type_check;		/* 6.x: refuse merge of unmergeable types */
	bool merge_retype;		/* 6.12+: absorbed buddy block adopts type */
	bool split_large_free;		/* 6.12+: free > pageblock in pieces */
	bool move_to_tail;		/* 5.10+: move_freepages appends */
	bool fair_zones;		/* 4.4 ALLOC_FAIR */
	bool nofragment;		/* 5.10+ ALLOC_NOFRAGMENT */
	bool has_atomic_bit;		/* __GFP_ATOMIC exists (<= 5.10) */
	bool highatomic_needs_high;	/* 6.18: ALLOC_HIGHATOMIC needs __GFP_HIGH */
	bool oe_cdm;			/* openEuler: CDM nodes need THISNODE */
	bool oe_reliable;		/* openEuler: __GFP_RELIABLE fallback */
	bool oe_dhugetlb;		/* openEuler: dynamic hugetlb pool first */
	enum pa_fb_algo fallback;
	enum pa_drain_algo drain;
	enum pa_wm_algo wm;
};

/* Internal alloc_flags (our own numbering; the meaning follows the kernel). */
#define AF_WMARK_MIN		0x0
#define AF_WMARK_LOW		0x1
#define AF_WMARK_HIGH		0x2
#define AF_WMARK_MASK		0x3
#define AF_NO_WATERMARKS	0x4
#define AF_OOM			0x8
#define AF_HARDER		0x10	/* <= 5.10 */
#define AF_NON_BLOCK		0x20	/* 6.x */
#define AF_HIGH			0x40	/* <= 5.10 ALLOC_HIGH, 6.x ALLOC_MIN_RESERVE */
#define AF_CPUSET		0x80
#define AF_CMA			0x100
#define AF_FAIR			0x200
#define AF_NOFRAGMENT		0x400
#define AF_HIGHATOMIC		0x800
#define AF_KSWAPD		0x1000
#define AF_RESERVES_6		(AF_NON_BLOCK | AF_HIGH | AF_HIGHATOMIC | AF_OOM)

/* One per cpu: the refill (rmqueue_bulk) in progress on it. */
struct pa_bulk {
	bool active;
	int zone;
	unsigned order;
	int mt;
	int mode;			/* 6.18 rmqueue_mode carried in a refill */
	uint64_t pages;			/* taken so far: the watermark check saw them free */
};

struct pa_model {
	const struct pa_profile_desc *p;
	enum pa_profile profile;
	uint32_t nr_cpus, nr_orders, pb_order;
	int16_t *cpu_node;
	uint32_t nr_zones;
	struct pa_zone *zones;
	uint32_t nr_nodes;
	int *zonelists;			/* [node][thisnode][PA_MAX_ZONELIST] */
	int *zl_len;
	uint64_t cdm_nodes;		/* openEuler coherent device memory nodes */
	bool auto_drain;
	bool reliable_fallback;
	struct pa_dhpool *dh;		/* openEuler dynamic hugetlb pool, or NULL */
	struct pa_bulk *bulk;		/* per cpu: the refill in progress */
	int last_zone;			/* pfn lookup cache */
	size_t bytes;
};

/* ---- helpers shared inside allocator/ ---- */

static inline struct pa_page *zpage(const struct pa_zone *z, uint64_t pfn)
{
	return &z->pages[pfn - z->start];
}
static inline bool zone_has(const struct pa_zone *z, uint64_t pfn)
{
	return pfn >= z->start && pfn < z->end;
}
static inline uint8_t *pb_slot(const struct pa_zone *z, uint64_t pfn, unsigned pbo)
{
	return &z->pb_mt[(pfn >> pbo) - z->pb_base];
}
static inline int pb_get(const struct pa_model *m, const struct pa_zone *z, uint64_t pfn)
{
	return *pb_slot(z, pfn, m->pb_order);
}
/* The pages after a free block's head become TAIL. */
static inline void mark_tails(struct pa_zone *z, uint64_t pfn, unsigned order)
{
	struct pa_page *p = zpage(z, pfn);

	for (uint64_t i = 1; i < (uint64_t)1 << order; i++)
		pg_set_state(&p[i], PG_TAIL);
}
static inline bool mt_mergeable(int mt) { return mt < PA_PCPTYPES; }
static inline unsigned max_order(const struct pa_model *m) { return m->nr_orders - 1; }

/* freearea.c */
void list_add_head(struct pa_zone *z, struct pa_list *l, uint64_t pfn);
void list_add_tail(struct pa_zone *z, struct pa_list *l, uint64_t pfn);
void list_unlink(struct pa_zone *z, struct pa_list *l, uint64_t pfn);
void account_free(struct pa_zone *z, int64_t nr, int mt);
void buddy_add(struct pa_model *m, struct pa_zone *z, uint64_t pfn, unsigned order, int mt,
	       bool tail);
void buddy_del(struct pa_model *m, struct pa_zone *z, uint64_t pfn);
void buddy_move(struct pa_model *m, struct pa_zone *z, uint64_t pfn, int new_mt);
int64_t list_first(const struct pa_list *l);

/* buddy.c */
void expand(struct pa_model *m, struct pa_zone *z, uint64_t pfn, unsigned low, unsigned high,
	    int mt);
int64_t rmqueue_smallest_find(const struct pa_model *m, const struct pa_zone *z, unsigned order,
			      int mt);
void take_block(struct pa_model *m, struct pa_zone *z, uint64_t head, uint64_t target,
		unsigned order, int rem_mt);
void free_one_page(struct pa_model *m, struct pa_zone *z, uint64_t pfn, unsigned order, int mt);
void free_block_pieces(struct pa_model *m, struct pa_zone *z, uint64_t pfn, unsigned order);
int64_t enclosing_free(const struct pa_model *m, const struct pa_zone *z, uint64_t pfn,
		       unsigned order);
void mark_alloc(struct pa_model *m, struct pa_zone *z, uint64_t pfn, unsigned order, int mt);
int move_freepages_block(struct pa_model *m, struct pa_zone *z, uint64_t pfn, int old_mt,
			 int new_mt);
void set_pageblock_range(struct pa_model *m, struct pa_zone *z, uint64_t pfn, unsigned order,
			 int mt);

/* fallback.c */
struct pa_take {
	int64_t head;		/* free block the page comes from, -1: none */
	unsigned block_order;
	int list_mt;		/* list it is on */
	uint64_t pfn;		/* the block handed out */
	int kind;		/* TAKE_* */
	int fallback_mt;	/* -1 unless a fallback */
	bool claimed;		/* change_ownership */
	int boosts;		/* boost_watermark calls on the way */
};
enum { TAKE_NONE, TAKE_SMALLEST, TAKE_CLAIM_RANGE, TAKE_CLAIM_MOVE, TAKE_MOVE_BLOCK, TAKE_STEAL,
       TAKE_MOVE_SINGLE, TAKE_K44 };
bool rmqueue_find(const struct pa_model *m, const struct pa_zone *z, unsigned order, int mt,
		  unsigned af, int mode, struct pa_take *t);
void take_commit(struct pa_model *m, struct pa_zone *z, const struct pa_take *t, unsigned order,
		 int mt, unsigned af);
void take_for_pfn(const struct pa_model *m, const struct pa_zone *z, uint64_t head, uint64_t pfn,
		  unsigned order, int mt, struct pa_take *t);
bool claim_threshold(const struct pa_model *m, const struct pa_zone *z, uint64_t pfn,
		     int start_mt, int block_mt);

/* pcp.c */
unsigned pcp_pindex(const struct pa_model *m, int mt, unsigned order);
bool pcp_allowed(const struct pa_model *m, unsigned order);
unsigned pindex_order(const struct pa_model *m, unsigned pindex);
void pcp_add(struct pa_model *m, struct pa_zone *z, uint32_t cpu, uint64_t pfn,
	     unsigned order, int list_mt, int real_mt, bool tail);
void pcp_del(struct pa_model *m, struct pa_zone *z, uint64_t pfn);
void pcp_free_commit(struct pa_model *m, struct pa_zone *z, uint32_t cpu, uint64_t pfn,
		     unsigned order, int mt, bool cold);
int pcp_refill_count(struct pa_model *m, struct pa_zone *z, struct pa_pcp *pcp, unsigned order,
		     bool commit);
int64_t drain_next(const struct pa_model *m, const struct pa_zone *z, const struct pa_pcp *pcp);
void drain_one(struct pa_model *m, struct pa_zone *z, uint32_t cpu, uint64_t pfn);
void drain_run(struct pa_model *m, struct pa_zone *z, uint32_t cpu);

/* watermark.c */
int64_t wmark(const struct pa_zone *z, unsigned af);
/* cpu: whose refill in progress the check counts as still free (PA_NO_CPU: none) */
#define PA_NO_CPU UINT32_MAX
/* adj: changes the check did not see (NULL: none; another zone's: ignored) */
bool zone_watermark_ok(const struct pa_model *m, const struct pa_zone *z, unsigned order,
		       int64_t mark, int hz, unsigned af, uint32_t cpu,
		       const struct pa_wmark_adjust *adj);
bool zone_watermark_fast(const struct pa_model *m, const struct pa_zone *z, unsigned order,
			 int64_t mark, int hz, unsigned af, uint32_t cpu,
			 const struct pa_wmark_adjust *adj);
bool boost_watermark(const struct pa_model *m, struct pa_zone *z);

/* gfp.c */
int gfp_zone(uint64_t gfp);
int gfp_migratetype(uint64_t gfp);
unsigned gfp_to_alloc_flags(const struct pa_model *m, uint64_t gfp, unsigned order);

/* highatomic.c */
void reserve_highatomic(struct pa_model *m, struct pa_zone *z, uint64_t pfn, unsigned order);
bool unreserve_highatomic(struct pa_model *m, struct pa_zone *z, int mt, bool force);

/* profile.c */
const struct pa_profile_desc *profile_desc(enum pa_profile p);

/* model.c */
struct pa_zone *zone_of(const struct pa_model *m, uint64_t pfn);

#endif
