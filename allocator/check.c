/* SPDX-License-Identifier: MIT */
/*
 * The invariant checker: every list entry is what the list says, counters
 * equal list lengths, each page is covered by at most one free block, and
 * no two free buddies of the same order sit unmerged unless the kernel's
 * pageblock rule kept them apart. The first violation is described.
 */
#include <stdlib.h>

#include "allocator/types.h"

static int check_list(const struct pa_zone *z, const struct pa_list *l, int state,
		      unsigned order, int mt, uint64_t *pages, struct pr_error *err,
		      const char *what)
{
	uint64_t n = 0;
	uint32_t prev = PA_NIL;

	for (uint32_t i = l->head; i != PA_NIL; prev = i, i = z->pages[i].next) {
		const struct pa_page *p = &z->pages[i];

		if (i >= z->desc.spanned || p->state != state || p->order != order ||
		    (mt >= 0 && p->mt != mt) || p->prev != prev || (i & ((1u << order) - 1)))
			return pr_fail(err, PR_ESTATE,
				       "%s order %u mt %d: pfn %#llx has state %u order %u mt %u",
				       what, order, mt, (unsigned long long)pa_pfn(z, i), p->state,
				       p->order, p->mt);
		if (++n > z->desc.spanned)
			return pr_fail(err, PR_ESTATE, "%s order %u mt %d: list loops", what, order, mt);
		*pages += 1ULL << order;
	}
	if (n != l->count || prev != l->tail)
		return pr_fail(err, PR_ESTATE, "%s order %u mt %d: count %llu, list holds %llu", what,
			       order, mt, (unsigned long long)l->count, (unsigned long long)n);
	return 0;
}

static int check_lists(const struct pa_model *m, const struct pa_zone *z, struct pr_error *err)
{
	uint64_t pages = 0;

	for (unsigned o = 0; o < m->nr_orders; o++)
		for (int mt = 0; mt < PA_NR_MIGRATETYPES; mt++)
			if (check_list(z, &z->free[o][mt], PS_BUDDY, o, mt, &pages, err,
				       "free list") < 0)
				return -1;
	if (pages != z->free_pages)
		return pr_fail(err, PR_ESTATE, "zone free count %llu, free lists hold %llu pages",
			       (unsigned long long)z->free_pages, (unsigned long long)pages);
	for (uint32_t c = 0; c < m->nr_cpus; c++) {
		pages = 0;
		for (int l = 0; l < PA_NR_PCP_LISTS; l++) {
			int mt = l < PA_PCPTYPES * (PA_COSTLY_ORDER + 1) ? l % PA_PCPTYPES : -1;

			if (check_list(z, &z->pcp[c].lists[l], PS_PCP, pa_pcp_block_order(m, l), mt,
				       &pages, err, "pcp list") < 0)
				return -1;
		}
		if (pages != z->pcp[c].count)
			return pr_fail(err, PR_ESTATE, "cpu %u pcp count %llu, lists hold %llu pages", c,
				       (unsigned long long)z->pcp[c].count, (unsigned long long)pages);
	}
	return 0;
}

static int check_cover(const struct pa_model *m, const struct pa_zone *z, struct pr_error *err)
{
	for (uint64_t i = 0; i < z->desc.spanned; i++) {
		const struct pa_page *p = &z->pages[i];
		uint64_t buddy;

		if (p->state != PS_BUDDY && p->state != PS_PCP)
			continue;
		for (uint64_t k = i + 1; k < i + (1ULL << p->order); k++)
			if (k >= z->desc.spanned || z->pages[k].state == PS_BUDDY ||
			    z->pages[k].state == PS_PCP)
				return pr_fail(err, PR_ESTATE, "pfn %#llx is inside the free block at "
					       "pfn %#llx order %u and free again",
					       (unsigned long long)pa_pfn(z, k),
					       (unsigned long long)pa_pfn(z, i), p->order);
		buddy = i ^ (1ULL << p->order);
		if (p->state == PS_BUDDY && (unsigned)p->order + 1 < m->nr_orders && buddy < z->desc.spanned &&
		    z->pages[buddy].state == PS_BUDDY && z->pages[buddy].order == p->order &&
		    (p->order < m->pageblock_order ||
		     (pa_pageblock_mt(m, z, (uint32_t)i) == pa_pageblock_mt(m, z, (uint32_t)buddy))))
			return pr_fail(err, PR_ESTATE, "free buddies at pfn %#llx and %#llx, order %u, "
				       "not merged", (unsigned long long)pa_pfn(z, i),
				       (unsigned long long)pa_pfn(z, buddy), p->order);
		i += (1ULL << p->order) - 1;
	}
	return 0;
}

int pa_model_check(const struct pa_model *m, struct pr_error *err)
{
	for (uint32_t z = 0; z < m->nr_zones; z++)
		if (check_lists(m, &m->zones[z], err) < 0 || check_cover(m, &m->zones[z], err) < 0)
			return -1;
	return 0;
}
