/* SPDX-License-Identifier: MIT */
/* Fallback (mm_page_alloc_extfrag) categories, as trace-pagealloc-postprocess.pl. */
#include "analysis/extfrag.h"

static bool valid_mt(int mt)
{
	return mt >= 0 && mt < PA_NR_MIGRATETYPES;
}

void an_extfrag_add(struct an_extfrag_counts *c, unsigned fallback_order,
		    unsigned pageblock_order, int alloc_mt, int fallback_mt,
		    bool change_ownership)
{
	/* The tracepoint's own definition of "fragmenting". */
	bool fragmenting = fallback_order < pageblock_order;

	c->fallbacks++;
	if (fragmenting) {
		c->fragmenting++;
		if (fallback_order <= AN_EXTFRAG_SEVERE_MAX_ORDER)
			c->severe++;
		else
			c->moderate++;
	}
	if (change_ownership)
		c->changed++;
	if (!valid_mt(alloc_mt) || !valid_mt(fallback_mt)) {
		c->bad_migratetype++;
		return;
	}
	c->by_mt[alloc_mt][fallback_mt]++;
	if (fragmenting)
		c->fragmenting_by_mt[alloc_mt][fallback_mt]++;
}
