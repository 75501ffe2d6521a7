/* SPDX-License-Identifier: MIT */
/* Read-only questions replay asks about single blocks. */
#include "allocator/model.h"
#include "allocator/types.h"

uint64_t pa_free_block_of(const struct pa_model *m, uint64_t pfn, unsigned *order)
{
	const struct pa_zone *z = zone_of(m, pfn);
	int64_t h;

	if (!z)
		return PA_PFN_NONE;
	h = enclosing_free(m, z, pfn, 0);
	if (h < 0 || pg_state(zpage(z, (uint64_t)h)) != PG_BUDDY)
		return PA_PFN_NONE;
	if (order)
		*order = pg_order(zpage(z, (uint64_t)h));
	return (uint64_t)h;
}
