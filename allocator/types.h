/* SPDX-License-Identifier: MIT */
#ifndef PR_ALLOCATOR_TYPES_H
#define PR_ALLOCATOR_TYPES_H

/*
 * Private to allocator/: the state of the model.
 *
 * Glossary (the kernel's words, one meaning each here):
 *   pfn        page frame number; `idx` is pfn - zone start, a 32-bit index
 *   block      2^order pages from an order-aligned pfn; a free block is
 *              represented by its head page (state BUDDY or PCP)
 *   pageblock  2^pageblock_order pages sharing one migratetype (pb_mt)
 *   free_area  per zone and order, one free list per migratetype
 *   pcp        per-cpu lists of a zone: orders 0..3 per migratetype and
 *              two THP (pageblock order) lists, as 6.12+ has them
 *
 * Memory per page of the host: struct pa_page (12 bytes) plus a byte per
 * pageblock: under the 16-byte budget.
 */

#include "allocator/model.h"

#define PA_NIL			UINT32_MAX
#define PA_COSTLY_ORDER		3	/* PAGE_ALLOC_COSTLY_ORDER */
#define PA_PCPTYPES		3	/* MIGRATE_PCPTYPES */
#define PA_NR_PCP_LISTS		(PA_PCPTYPES * (PA_COSTLY_ORDER + 1) + 2)	/* + 2 THP lists */

enum pa_page_state {
	PS_ALLOCATED = 0,	/* known to be in use (or inside a free block: see below) */
	PS_BUDDY,		/* head of a free block on a free_area list */
	PS_PCP,			/* head of a block on a pcp list */
	PS_UNKNOWN,		/* the trace never told */
};

/* Pages inside a free block that are not its head keep PS_ALLOCATED: a
 * block is found from any of its pages by looking at aligned heads above. */
struct pa_page {
	uint32_t next, prev;	/* list links (zone indices) */
	uint16_t cpu;		/* pcp owner */
	uint8_t order;
	uint8_t state : 3;
	uint8_t mt : 3;		/* list the block is on */
	uint8_t unused : 2;
};

struct pa_list {
	uint32_t head, tail;
	uint64_t count;
};

struct pa_pcp {
	struct pa_list lists[PA_NR_PCP_LISTS];
	uint64_t count;		/* pages, like pcp->count */
	int drain_cursor;	/* list a drain looks at first (see pcp.c) */
	bool draining;		/* the last change was a drain from drain_cursor */
};

struct pa_zone {
	struct pa_zone_desc desc;
	uint64_t start, end;		/* [start_pfn, start_pfn + spanned) */
	struct pa_page *pages;		/* spanned entries */
	int8_t *pb_mt;			/* pageblock migratetypes */
	uint64_t pb_first;		/* pfn of pageblock 0 */
	struct pa_list free[PA_MAX_ORDERS][PA_NR_MIGRATETYPES];
	uint64_t free_pages;		/* in the buddy lists */
	struct pa_pcp *pcp;		/* nr_cpus */
};

struct pa_model {
	enum pa_profile profile;
	uint32_t nr_cpus, nr_orders, pageblock_order;
	int16_t *cpu_node;
	uint32_t nr_zones;
	struct pa_zone *zones;
	uint64_t bytes;			/* allocated for state */
};

/* freelist.c: intrusive doubly linked lists of zone indices */
void pa_list_add_head(struct pa_zone *z, struct pa_list *l, uint32_t idx);
void pa_list_add_tail(struct pa_zone *z, struct pa_list *l, uint32_t idx);
void pa_list_del(struct pa_zone *z, struct pa_list *l, uint32_t idx);

/* buddy.c */
void pa_buddy_add(struct pa_zone *z, uint32_t idx, unsigned order, int mt, bool tail);
void pa_buddy_del(struct pa_zone *z, uint32_t idx);
/* Free a block into the buddy lists, merging as __free_one_page does. */
void pa_buddy_free(const struct pa_model *m, struct pa_zone *z, uint32_t idx, unsigned order,
		   int mt);
/* The free block containing idx, or PA_NIL. */
uint32_t pa_buddy_find(const struct pa_model *m, const struct pa_zone *z, uint32_t idx);
/* Take [idx, idx + 2^order) out of free block `head`, the rest back on the
 * lists of `mt` (-1: the block's own) the way expand() leaves it. */
void pa_buddy_take(const struct pa_model *m, struct pa_zone *z, uint32_t head, uint32_t idx,
		   unsigned order, int mt);
/* __rmqueue's choice for (order, mt): head index and path, without changing state. */
uint32_t pa_rmqueue_peek(const struct pa_model *m, const struct pa_zone *z, unsigned order,
			 int mt, struct pa_prediction *why);
/* ... and doing it: returns the index handed out, PA_NIL if nothing. */
uint32_t pa_rmqueue(const struct pa_model *m, struct pa_zone *z, unsigned order, int mt);

/* fallback.c: another migratetype's lists, as __rmqueue_claim/_steal */
uint32_t pa_fallback_peek(const struct pa_model *m, const struct pa_zone *z, unsigned order,
			  int mt, bool nofragment, struct pa_prediction *why);
uint32_t pa_fallback(const struct pa_model *m, struct pa_zone *z, unsigned order, int mt,
		     bool nofragment);

/* pcp.c */
bool pa_pcp_order(const struct pa_model *m, unsigned order);
int pa_pcp_index(const struct pa_model *m, unsigned order, int mt);
int pa_pageblock_mt(const struct pa_model *m, const struct pa_zone *z, uint32_t idx);
void pa_pcp_add(const struct pa_model *m, struct pa_zone *z, uint32_t cpu, uint32_t idx,
		unsigned order, int mt, bool tail);
void pa_pcp_del(const struct pa_model *m, struct pa_zone *z, uint32_t idx);
uint32_t pa_pcp_next_drain(const struct pa_model *m, const struct pa_zone *z, uint32_t cpu);
unsigned pa_pcp_block_order(const struct pa_model *m, int pindex);

static inline uint64_t pa_pfn(const struct pa_zone *z, uint32_t idx)
{
	return z->start + idx;
}

#endif
