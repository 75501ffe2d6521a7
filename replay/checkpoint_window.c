/* SPDX-License-Identifier: MIT */
/* The model's free counts over checkpoints' read windows (see the header). */
#include "replay/checkpoint_window.h"

#include <stdlib.h>
#include <string.h>

static bool has_windows(const struct prt_checkpoint *cp)
{
	return cp->pagetypeinfo_read.end_ns || cp->zoneinfo_read.end_ns;
}

/* Does [from, to] meet the window (a window never recorded meets nothing)? */
static bool meets(const struct prt_window *win, uint64_t from, uint64_t to)
{
	return win->end_ns && from <= win->end_ns && to >= win->start_ns;
}

static void reset_ranges(struct rp_checkpoint_windows *w)
{
	for (uint32_t z = 0; z < w->nr_zones; z++) {
		struct an_model_range *r = &w->range[z];

		memset(r, 0, sizeof(*r));
		memset(r->blocks_min, 0xff, sizeof(r->blocks_min));
		r->free_min = UINT64_MAX;
	}
}

/* Where the next checkpoint's first window starts (never, if it has none). */
static void note_next(struct rp_checkpoint_windows *w)
{
	const struct prt_checkpoint *cp = w->next < w->nr_cps ? &w->cps[w->next] : NULL;
	uint64_t first = UINT64_MAX;

	if (cp && cp->pagetypeinfo_read.end_ns)
		first = cp->pagetypeinfo_read.start_ns;
	if (cp && cp->zoneinfo_read.end_ns && cp->zoneinfo_read.start_ns < first)
		first = cp->zoneinfo_read.start_ns;
	w->first_start = first;
}

int rp_checkpoint_windows_init(struct rp_checkpoint_windows *w, const struct prt_checkpoint *cps,
			       uint32_t nr_cps, uint32_t nr_model_zones)
{
	memset(w, 0, sizeof(*w));
	w->cps = cps;
	w->nr_cps = nr_cps;
	w->nr_zones = nr_model_zones;
	w->range = calloc(nr_model_zones ? nr_model_zones : 1, sizeof(*w->range));
	if (!w->range)
		return -1;
	reset_ranges(w);
	note_next(w);
	return 0;
}

void rp_checkpoint_windows_release(struct rp_checkpoint_windows *w)
{
	free(w->range);
	memset(w, 0, sizeof(*w));
}

static void fold_blocks(struct an_model_range *r, uint64_t now[PA_MAX_ORDERS][PA_NR_MIGRATETYPES])
{
	r->blocks_known = true;
	for (int o = 0; o < PA_MAX_ORDERS; o++)
		for (int mt = 0; mt < PA_NR_MIGRATETYPES; mt++) {
			if (now[o][mt] < r->blocks_min[o][mt])
				r->blocks_min[o][mt] = now[o][mt];
			if (now[o][mt] > r->blocks_max[o][mt])
				r->blocks_max[o][mt] = now[o][mt];
		}
}

static void fold_free(struct an_model_range *r, uint64_t now[PA_MAX_ORDERS][PA_NR_MIGRATETYPES])
{
	uint64_t pages = an_buddy_pages((const uint64_t (*)[PA_NR_MIGRATETYPES])now, PA_MAX_ORDERS);

	r->free_known = true;
	if (pages < r->free_min)
		r->free_min = pages;
	if (pages > r->free_max)
		r->free_max = pages;
}

void rp_checkpoint_windows_fold(struct rp_checkpoint_windows *w, const struct pa_model *m,
				uint64_t ts_ns)
{
	uint64_t from = w->prev_ts;
	const struct prt_checkpoint *cp;
	bool blocks, free_pages;

	w->prev_ts = ts_ns;
	if (w->next >= w->nr_cps)
		return;
	cp = &w->cps[w->next];
	blocks = meets(&cp->pagetypeinfo_read, from, ts_ns);
	free_pages = meets(&cp->zoneinfo_read, from, ts_ns);
	if (!blocks && !free_pages)
		return;
	if (w->range_for != w->next + 1) {
		reset_ranges(w);
		w->range_for = w->next + 1;
	}
	for (uint32_t z = 0; z < w->nr_zones; z++) {
		uint64_t now[PA_MAX_ORDERS][PA_NR_MIGRATETYPES];

		if (pa_zone_free_blocks(m, (int)z, now) < 0)
			continue;
		if (blocks)
			fold_blocks(&w->range[z], now);
		if (free_pages)
			fold_free(&w->range[z], now);
	}
}

const struct an_model_range *rp_checkpoint_windows_take(struct rp_checkpoint_windows *w,
							const struct prt_checkpoint *cp)
{
	uintptr_t at = (uintptr_t)cp, first = (uintptr_t)w->cps;
	uint32_t index;

	if (!w->nr_cps || at < first || (at - first) / sizeof(*cp) >= w->nr_cps)
		return NULL;	/* not one of the reader's */
	index = (uint32_t)((at - first) / sizeof(*cp));
	w->next = index + 1;
	note_next(w);
	return w->range_for == index + 1 && has_windows(cp) ? w->range : NULL;
}
