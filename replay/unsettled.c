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
	u->first_span = lo >> (u->nr_orders - 1);
	u->bits = calloc((u->nr + 63) / 64, sizeof(uint64_t));
	u->in_span = calloc(((hi - 1) >> (u->nr_orders - 1)) - u->first_span + 1, sizeof(uint16_t));
	if (!u->bits || !u->in_span) {
		rp_unsettled_release(u);
		return -1;
	}
	for (uint64_t i = 0; i < h->nr_free_blocks; i++)
		rp_unsettled_mark(u, h->free_blocks[i].pfn);
	return 0;
}

void rp_unsettled_release(struct rp_unsettled *u)
{
	free(u->bits);
	free(u->in_span);
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
		uint64_t mask = i % 64 == 0 && hi - i >= 64 ? ~0ULL : 1ULL << (i % 64);
		uint64_t gone = u->bits[i / 64] & mask;

		u->bits[i / 64] &= ~mask;
		for (; gone; gone &= gone - 1) {	/* a word may straddle two spans */
			uint64_t pfn_of = u->base + i / 64 * 64 + (unsigned)__builtin_ctzll(gone);

			u->in_span[(pfn_of >> (u->nr_orders - 1)) - u->first_span]--;
		}
		i += mask == ~0ULL ? 64 : 1;
	}
}

void rp_unsettled_mark(struct rp_unsettled *u, uint64_t pfn)
{
	uint64_t bit;

	if (!u->bits || pfn < u->base || pfn - u->base >= u->nr)
		return;
	bit = 1ULL << ((pfn - u->base) % 64);
	if (!(u->bits[(pfn - u->base) / 64] & bit))
		u->in_span[(pfn >> (u->nr_orders - 1)) - u->first_span]++;
	u->bits[(pfn - u->base) / 64] |= bit;
}

bool rp_unsettled_has(const struct rp_unsettled *u, uint64_t pfn)
{
	if (!u->bits || pfn < u->base || pfn - u->base >= u->nr)
		return false;
	return u->bits[(pfn - u->base) / 64] >> ((pfn - u->base) % 64) & 1;
}

bool rp_unsettled_near(const struct rp_unsettled *u, uint64_t pfn)
{
	uint64_t span = pfn >> (u->nr_orders - 1);

	if (!u->in_span || pfn < u->base || pfn - u->base >= u->nr)
		return false;
	return u->in_span[span - u->first_span] != 0;
}
