/* SPDX-License-Identifier: MIT */
/*
 * Canonical gfp bits and what the allocator derives from them: the highest
 * usable zone, the migratetype, and the slow path's alloc_flags. Read from
 * include/linux/gfp.h (GFP_ZONE_TABLE, gfp_migratetype) and
 * mm/page_alloc.c gfp_to_alloc_flags (4.4.178, 5.10.7, 6.18.2).
 */
#include "allocator/types.h"

#include <string.h>

static const char *const gfp_names[PA_NR_GFP_BITS] = {
	[PA_GFP_DMA] = "DMA", [PA_GFP_HIGHMEM] = "HIGHMEM", [PA_GFP_DMA32] = "DMA32",
	[PA_GFP_MOVABLE] = "MOVABLE", [PA_GFP_RECLAIMABLE] = "RECLAIMABLE",
	[PA_GFP_HIGH] = "HIGH", [PA_GFP_IO] = "IO", [PA_GFP_FS] = "FS", [PA_GFP_ZERO] = "ZERO",
	[PA_GFP_ATOMIC] = "ATOMIC", [PA_GFP_DIRECT_RECLAIM] = "DIRECT_RECLAIM",
	[PA_GFP_KSWAPD_RECLAIM] = "KSWAPD_RECLAIM", [PA_GFP_WRITE] = "WRITE",
	[PA_GFP_NOWARN] = "NOWARN", [PA_GFP_RETRY_MAYFAIL] = "RETRY_MAYFAIL",
	[PA_GFP_NOFAIL] = "NOFAIL", [PA_GFP_NORETRY] = "NORETRY", [PA_GFP_MEMALLOC] = "MEMALLOC",
	[PA_GFP_COMP] = "COMP", [PA_GFP_NOMEMALLOC] = "NOMEMALLOC",
	[PA_GFP_HARDWALL] = "HARDWALL", [PA_GFP_THISNODE] = "THISNODE",
	[PA_GFP_ACCOUNT] = "ACCOUNT", [PA_GFP_ZEROTAGS] = "ZEROTAGS",
	[PA_GFP_SKIP_ZERO] = "SKIP_ZERO", [PA_GFP_SKIP_KASAN] = "SKIP_KASAN",
	[PA_GFP_NOLOCKDEP] = "NOLOCKDEP", [PA_GFP_NO_OBJ_EXT] = "NO_OBJ_EXT",
	[PA_GFP_COLD] = "COLD", [PA_GFP_REPEAT] = "REPEAT", [PA_GFP_WAIT] = "WAIT",
	[PA_GFP_NO_KSWAPD] = "NO_KSWAPD", [PA_GFP_NOTRACK] = "NOTRACK",
	[PA_GFP_OTHER_NODE] = "OTHER_NODE", [PA_GFP_NOACCOUNT] = "NOACCOUNT",
	[PA_GFP_RELIABLE] = "RELIABLE",
};

/* Accepts "__GFP_HIGH" or "HIGH". */
int pa_gfp_bit_from_name(const char *name)
{
	if (!name)
		return -1;
	if (!strncmp(name, "__GFP_", 6))
		name += 6;
	for (int i = 0; i < PA_NR_GFP_BITS; i++)
		if (gfp_names[i] && !strcmp(gfp_names[i], name))
			return i;
	return -1;
}

const char *pa_gfp_bit_name(enum pa_gfp_bit bit)
{
	return (unsigned)bit < PA_NR_GFP_BITS ? gfp_names[bit] : NULL;
}

/*
 * GFP_ZONE_TABLE on x86-64 (no HIGHMEM): the highest zone type allowed, or
 * -1 for the combinations the kernel calls GFP_ZONE_BAD.
 */
int gfp_zone(uint64_t gfp)
{
	static const int8_t table[16] = {
		[0x0] = PA_ZONE_NORMAL, [0x1] = PA_ZONE_DMA, [0x2] = PA_ZONE_NORMAL,
		[0x4] = PA_ZONE_DMA32, [0x8] = PA_ZONE_NORMAL, [0x9] = PA_ZONE_DMA,
		[0xa] = PA_ZONE_MOVABLE, [0xc] = PA_ZONE_DMA32,
		[0x3] = -1, [0x5] = -1, [0x6] = -1, [0x7] = -1,
		[0xb] = -1, [0xd] = -1, [0xe] = -1, [0xf] = -1,
	};
	unsigned bits = (unsigned)((gfp & PA_GFP(DMA)) ? 1 : 0) |
			((gfp & PA_GFP(HIGHMEM)) ? 2 : 0) | ((gfp & PA_GFP(DMA32)) ? 4 : 0) |
			((gfp & PA_GFP(MOVABLE)) ? 8 : 0);

	return table[bits];
}

/* (gfp & (MOVABLE|RECLAIMABLE)) >> 3 in 4.4+ numbering. */
int gfp_migratetype(uint64_t gfp)
{
	return ((gfp & PA_GFP(MOVABLE)) ? PA_MT_MOVABLE : 0) |
	       ((gfp & PA_GFP(RECLAIMABLE)) ? PA_MT_RECLAIMABLE : 0);
}

/* The slow path's alloc_flags (gfp_to_alloc_flags); task context unknown. */
unsigned gfp_to_alloc_flags(const struct pa_model *m, uint64_t gfp, unsigned order)
{
	unsigned af = AF_WMARK_MIN | AF_CPUSET;

	if (gfp & PA_GFP(HIGH))
		af |= AF_HIGH;
	if ((gfp & PA_GFP(KSWAPD_RECLAIM)) && m->p->wm != WM_K44)
		af |= AF_KSWAPD;
	if (m->p->has_atomic_bit) {
		if (gfp & PA_GFP(ATOMIC)) {
			if (!(gfp & PA_GFP(NOMEMALLOC)))
				af |= AF_HARDER;
			af &= ~AF_CPUSET;
		}
	} else if (!(gfp & PA_GFP(DIRECT_RECLAIM))) {
		if (!(gfp & PA_GFP(NOMEMALLOC))) {
			af |= AF_NON_BLOCK;
			if (order > 0 && (!m->p->highatomic_needs_high || (af & AF_HIGH)))
				af |= AF_HIGHATOMIC;
		}
		if (af & AF_HIGH)
			af &= ~AF_CPUSET;
	}
	if (gfp_migratetype(gfp) == PA_MT_MOVABLE)
		af |= AF_CMA;
	return af;
}
