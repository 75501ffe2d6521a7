/* SPDX-License-Identifier: MIT */
#include "replay/unsettled.h"

#include <stdlib.h>
#include <string.h>

int rp_unsettled_init(struct rp_unsettled *u, const struct prt_header *h)
{
	uint64_t lo = UINT64_MAX, hi = 0;

	memset(u, 0, sizeof(*u));
	u->nr_orders = h->nr_orders ? h->nr_orders : 11;
	for (uint32_t z = 0; z < h->nr_zones; z++) {
		if (!h->zones[z].spanned)
			continue;
		if (h->zones[z].start_pfn < lo)
			lo = h->zones[z].start_pfn;
		if (h->zones[z].start_pfn + h->zones[z].spanned > hi)
			hi = h->zones[z].start_pfn + h->zones[z].spanned;
	}
	if (lo >= hi)
		return 0;
	u->base = lo;
	u->nr = hi - lo;
	u->bits = calloc((u->nr + 63) / 64, sizeof(uint64_t));
	if (!u->bits)
		return -1;
	for (uint64_t i = 0; i < h->nr_free_blocks; i++) {
		uint64_t pfn = h->free_blocks[i].pfn;

		if (pfn >= u->base && pfn - u->base < u->nr)
			u->bits[(pfn - u->base) / 64] |= 1ULL << ((pfn - u->base) % 64);
	}
	return 0;
}

void rp_unsettled_release(struct rp_unsettled *u)
{
	free(u->bits);
	memset(u, 0, sizeof(*u));
}

void rp_unsettled_touch(struct rp_unsettled *u, uint64_t pfn, unsigned order)
{
	uint64_t lo, hi;

	if (!u->bits || pfn >= u->base + u->nr || pfn + (1ULL << order) <= u->base)
		return;
	lo = pfn < u->base ? 0 : pfn - u->base;
	hi = pfn + (1ULL << order) - u->base;
	if (hi > u->nr)
		hi = u->nr;
	for (uint64_t i = lo; i < hi;) {
		if (i % 64 == 0 && hi - i >= 64) {
			u->bits[i / 64] = 0;
			i += 64;
		} else {
			u->bits[i / 64] &= ~(1ULL << (i % 64));
			i++;
		}
	}
}

bool rp_unsettled_has(const struct rp_unsettled *u, uint64_t pfn)
{
	if (!u->bits || pfn < u->base || pfn - u->base >= u->nr)
		return false;
	return u->bits[(pfn - u->base) / 64] >> ((pfn - u->base) % 64) & 1;
}

bool rp_unsettled_near(const struct rp_unsettled *u, uint64_t pfn)
{
	uint64_t span = 1ULL << (u->nr_orders - 1), lo = pfn & ~(span - 1), hi = lo + span;

	if (!u->bits)
		return false;
	lo = lo < u->base ? 0 : lo - u->base;
	hi = hi - u->base > u->nr ? u->nr : hi - u->base;
	for (uint64_t w = lo / 64; w * 64 < hi; w++)
		if (u->bits[w])
			return true;
	return false;
}
