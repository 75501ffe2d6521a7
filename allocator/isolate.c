/* SPDX-License-Identifier: MIT */
/*
 * Free pages taken off the buddy lists with no allocation event: the
 * compaction free scanner (__isolate_free_page). Its pages become migration
 * targets or come back through __free_pages, which is traced. Also the
 * list corrections replay makes when events show the lists differ.
 */
#include "allocator/model.h"
#include "allocator/types.h"

/* The free buddy block headed by pfn off its list, marked allocated as
 * alloc_mt (-1: its pageblock's type). Its order and list type, or -1. */
static int unlist_free(struct pa_model *m, uint64_t pfn, int alloc_mt, int *list_mt)
{
	struct pa_zone *z = zone_of(m, pfn);
	struct pa_page *p;
	unsigned order;

	if (!z || pg_state(p = zpage(z, pfn)) != PG_BUDDY)
		return -1;
	order = pg_order(p);
	*list_mt = (int)pg_lmt(p);
	buddy_del(m, z, pfn);
	mark_alloc(m, z, pfn, order, alloc_mt >= 0 ? alloc_mt : pb_get(m, z, pfn));
	return (int)order;
}

int pa_isolate_free(struct pa_model *m, uint64_t pfn)
{
	int mt, order = unlist_free(m, pfn, PA_MT_MOVABLE, &mt);

	/* a block of at least half a pageblock makes its pageblocks movable,
	 * unless they are isolated or reserved */
	if (order >= 0 && (unsigned)order + 1 >= m->pb_order && mt != PA_MT_ISOLATE &&
	    mt != PA_MT_HIGHATOMIC && mt != PA_MT_CMA && mt != PA_MT_MOVABLE)
		for (uint64_t q = pfn; q < pfn + ((uint64_t)1 << order); q += (uint64_t)1 << m->pb_order)
			pa_model_set_pageblock_mt(m, q, PA_MT_MOVABLE);
	return order;
}

int pa_drop_free(struct pa_model *m, uint64_t pfn)
{
	int mt;

	return unlist_free(m, pfn, -1, &mt);
}

int pa_take_free_range(struct pa_model *m, uint64_t pfn, unsigned order)
{
	struct pa_zone *z = zone_of(m, pfn);
	int64_t head;

	if (!z || order >= m->nr_orders || (pfn & (((uint64_t)1 << order) - 1)) ||
	    (head = enclosing_free(m, z, pfn, order)) < 0 ||
	    pg_state(zpage(z, (uint64_t)head)) != PG_BUDDY)
		return -1;
	take_block(m, z, (uint64_t)head, pfn, order, (int)pg_lmt(zpage(z, (uint64_t)head)));
	mark_alloc(m, z, pfn, order, pb_get(m, z, pfn));
	return 0;
}

/* The free head pfn goes to the tail of the list it is on. */
static void head_to_tail(struct pa_zone *z, uint64_t pfn)
{
	const struct pa_page *p = zpage(z, pfn);
	struct pa_list *l = &z->free[pg_order(p)][pg_lmt(p)];

	list_unlink(z, l, pfn);
	list_add_tail(z, l, pfn);
}

int pa_free_block_to_tail(struct pa_model *m, uint64_t pfn)
{
	struct pa_zone *z = zone_of(m, pfn);

	if (!z || pg_state(zpage(z, pfn)) != PG_BUDDY)
		return -1;
	head_to_tail(z, pfn);
	return 0;
}

int pa_free_block_mt(const struct pa_model *m, uint64_t pfn)
{
	const struct pa_zone *z = zone_of(m, pfn);
	const struct pa_page *p;

	if (!z || pg_state(p = zpage(z, pfn)) != PG_BUDDY)
		return -1;
	return (int)pg_lmt(p);
}

int pa_putback_isolated(struct pa_model *m, uint64_t pfn, unsigned order)
{
	struct pa_zone *z = zone_of(m, pfn);
	uint64_t n = (uint64_t)1 << order;

	if (!z || order >= m->nr_orders || pfn + n > z->end || (pfn & (n - 1)))
		return -1;
	for (uint64_t i = 0; i < n; i++)
		if (pg_state(zpage(z, pfn + i)) != PG_ALLOC)
			return -1;
	free_block_pieces(m, z, pfn, order);
	/* it never left the kernel's list, where it had aged behind newer
	 * blocks: the tail is nearer its place than the head a free gives */
	for (uint64_t q = pfn; q < pfn + n; q += (uint64_t)1 << m->pb_order) {
		int64_t head = enclosing_free(m, z, q, 0);

		if (head >= 0)
			head_to_tail(z, (uint64_t)head);
		if (order < m->pb_order)
			break;
	}
	return 0;
}
