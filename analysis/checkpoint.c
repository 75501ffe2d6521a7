/* SPDX-License-Identifier: MIT */
/* A /proc checkpoint of the trace beside the model's counts for one zone. */
#include "analysis/checkpoint.h"

#include <string.h>

/* Add a kernel count into a canonical slot; -1 (missing) stays out. */
static void add_count(int64_t *slot, int64_t v)
{
	if (v < 0)
		return;
	*slot = *slot < 0 ? v : *slot + v;
}

static void fill_missing(struct an_checkpoint_zone *out)
{
	out->kernel_free_pages = -1;
	for (int o = 0; o < PA_MAX_ORDERS; o++) {
		out->kernel_buddyinfo[o] = -1;
		for (int mt = 0; mt < PA_NR_MIGRATETYPES; mt++)
			out->kernel_blocks[o][mt] = -1;
	}
	for (int mt = 0; mt < PA_NR_MIGRATETYPES; mt++)
		out->kernel_pageblocks[mt] = -1;
}

static int canonical(const int *mt_map, uint32_t mt)
{
	int c = mt_map ? mt_map[mt] : (int)mt;

	return c >= 0 && c < PA_NR_MIGRATETYPES ? c : -1;
}

static void kernel_side(const struct prt_checkpoint *cp, uint32_t z, const int *mt_map,
			unsigned nr_orders, struct an_checkpoint_zone *out)
{
	uint32_t nmt = cp->nr_migratetypes;

	if (cp->free_pages)
		out->kernel_free_pages = cp->free_pages[z];
	for (unsigned o = 0; o < nr_orders; o++) {
		if (cp->buddyinfo)
			out->kernel_buddyinfo[o] = cp->buddyinfo[(size_t)z * cp->nr_orders + o];
		for (uint32_t mt = 0; cp->free_blocks && mt < nmt; mt++) {
			int c = canonical(mt_map, mt);

			if (c >= 0)
				add_count(&out->kernel_blocks[o][c],
					  cp->free_blocks[((size_t)z * cp->nr_orders + o) * nmt + mt]);
		}
	}
	for (uint32_t mt = 0; cp->pageblocks && mt < nmt; mt++) {
		int c = canonical(mt_map, mt);

		if (c >= 0)
			add_count(&out->kernel_pageblocks[c], cp->pageblocks[(size_t)z * nmt + mt]);
	}
}

/* The value in [lo, hi] nearest the kernel's (missing: the window's end). */
static uint64_t nearest(int64_t kernel, uint64_t lo, uint64_t hi, uint64_t at_end)
{
	if (kernel < 0)
		return at_end;
	if ((uint64_t)kernel < lo)
		return lo;
	return (uint64_t)kernel > hi ? hi : (uint64_t)kernel;
}

static void model_blocks(const struct pa_zone_state *zs, const struct an_model_range *range,
			 struct an_checkpoint_zone *out)
{
	bool window = range && range->blocks_known;

	for (unsigned o = 0; o < out->nr_orders; o++)
		for (int mt = 0; mt < PA_NR_MIGRATETYPES; mt++) {
			uint64_t now = zs->free_blocks[o][mt];
			uint64_t lo = window ? range->blocks_min[o][mt] : now;
			uint64_t hi = window ? range->blocks_max[o][mt] : now;

			out->model_blocks_min[o][mt] = lo;
			out->model_blocks_max[o][mt] = hi;
			out->model_blocks[o][mt] = nearest(out->kernel_blocks[o][mt], lo, hi, now);
		}
}

uint64_t an_buddy_pages(const uint64_t blocks[PA_MAX_ORDERS][PA_NR_MIGRATETYPES],
			unsigned nr_orders)
{
	uint64_t pages = 0;

	for (unsigned o = 0; o < nr_orders && o < PA_MAX_ORDERS; o++)
		for (int mt = 0; mt < PA_NR_MIGRATETYPES; mt++)
			pages += blocks[o][mt] << o;
	return pages;
}

uint64_t an_model_least(const struct an_model_range *range,
			uint64_t blocks[PA_MAX_ORDERS][PA_NR_MIGRATETYPES])
{
	uint64_t pages = range && range->free_known
				 ? range->free_min
				 : an_buddy_pages((const uint64_t (*)[PA_NR_MIGRATETYPES])blocks,
						  PA_MAX_ORDERS);

	if (range && range->blocks_known)
		memcpy(blocks, range->blocks_min, sizeof(range->blocks_min));
	return pages;
}

static void model_free(const struct pa_zone_state *zs, const struct an_model_range *range,
		       struct an_checkpoint_zone *out)
{
	uint64_t now = an_buddy_pages(zs->free_blocks, out->nr_orders);

	out->model_free_min = range && range->free_known ? range->free_min : now;
	out->model_free_max = range && range->free_known ? range->free_max : now;
	out->model_free_pages = nearest(out->kernel_free_pages, out->model_free_min,
					out->model_free_max, now);
}

int an_checkpoint_zone(const struct prt_checkpoint *cp, uint32_t zone, const int *mt_map,
		       const struct pa_zone_state *zs, const struct an_model_range *range,
		       unsigned nr_orders, struct an_checkpoint_zone *out, struct pr_error *err)
{
	if (zone >= cp->nr_zones)
		return pr_fail(err, PR_EUSAGE, "checkpoint %u: no zone %u (it has %u)",
			       cp->seq, zone, cp->nr_zones);
	memset(out, 0, sizeof(*out));
	fill_missing(out);
	if (nr_orders > PA_MAX_ORDERS)
		nr_orders = PA_MAX_ORDERS;
	if (nr_orders > cp->nr_orders)
		nr_orders = cp->nr_orders;
	out->zone = zone;
	out->nr_orders = nr_orders;
	kernel_side(cp, zone, mt_map, nr_orders, out);
	model_blocks(zs, range, out);
	model_free(zs, range, out);
	memcpy(out->model_pageblocks, zs->pageblocks, sizeof(out->model_pageblocks));
	return 0;
}
