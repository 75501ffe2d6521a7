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

/* The pcp arrays stay unset until a zoneinfo read meets an event gap. */
static void reset_ranges(struct rp_checkpoint_windows *w)
{
	for (uint32_t z = 0; z < w->nr_zones; z++) {
		struct an_model_range *r = &w->range[z];

		memset(r, 0, sizeof(*r));
		memset(r->blocks_min, 0xff, sizeof(r->blocks_min));
		r->free_min = UINT64_MAX;
	}
}

static void start_pcp(struct rp_checkpoint_windows *w, struct an_model_range *r, uint32_t z)
{
	uint32_t *base = w->pcp + (size_t)z * 4 * w->nr_cpus;

	r->pcp_count_min = base;
	r->pcp_count_max = base + w->nr_cpus;
	r->pcp_high_min = base + 2 * w->nr_cpus;
	r->pcp_high_max = base + 3 * w->nr_cpus;
	for (uint32_t c = 0; c < w->nr_cpus; c++) {
		r->pcp_count_min[c] = r->pcp_high_min[c] = UINT32_MAX;
		r->pcp_count_max[c] = r->pcp_high_max[c] = 0;
	}
}

static void fold_pcp(struct rp_checkpoint_windows *w, const struct pa_model *m, uint32_t z)
{
	struct an_model_range *r = &w->range[z];

	if (!r->pcp_count_min)
		start_pcp(w, r, z);
	for (uint32_t c = 0; c < w->nr_cpus; c++) {
		struct pa_pcp_state s;

		if (pa_pcp_state(m, (int)z, c, &s) < 0)
			continue;
		r->pcp_count_min[c] = s.count < r->pcp_count_min[c] ? s.count : r->pcp_count_min[c];
		r->pcp_count_max[c] = s.count > r->pcp_count_max[c] ? s.count : r->pcp_count_max[c];
		r->pcp_high_min[c] = s.high < r->pcp_high_min[c] ? s.high : r->pcp_high_min[c];
		r->pcp_high_max[c] = s.high > r->pcp_high_max[c] ? s.high : r->pcp_high_max[c];
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
			       uint32_t nr_cps, uint32_t nr_model_zones, uint32_t nr_cpus)
{
	memset(w, 0, sizeof(*w));
	w->cps = cps;
	w->nr_cps = nr_cps;
	w->nr_zones = nr_model_zones;
	w->nr_cpus = nr_cpus;
	w->range = calloc(nr_model_zones ? nr_model_zones : 1, sizeof(*w->range));
	w->pcp = calloc((size_t)(nr_model_zones ? nr_model_zones : 1) * 4 * (nr_cpus ? nr_cpus : 1),
			sizeof(*w->pcp));
	if (!w->range || !w->pcp) {
		rp_checkpoint_windows_release(w);
		return -1;
	}
	reset_ranges(w);
	note_next(w);
	return 0;
}

void rp_checkpoint_windows_release(struct rp_checkpoint_windows *w)
{
	free(w->range);
	free(w->pcp);
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
		if (free_pages) {
			fold_free(&w->range[z], now);
			if (cp->pcp_count)
				fold_pcp(w, m, z);
		}
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
