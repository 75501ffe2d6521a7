/* SPDX-License-Identifier: MIT */
/*
 * Canonical gfp bits, gfp_zone() and the gfp migratetype, and the names of
 * profiles. Kernel facts (kernel-allocator-notes.md §2-3, from
 * include/linux/gfp.h and gfp_types.h of 4.4 / 5.10 / 6.x):
 * - gfp_zone: the zone bits DMA|HIGHMEM|DMA32|MOVABLE pick the highest zone
 *   usable; MOVABLE alone means Normal, HIGHMEM|MOVABLE means Movable;
 * - migratetype = (gfp & (MOVABLE|RECLAIMABLE)) >> 3 in the 4.4+ numbering.
 */
#include <string.h>

#include "allocator/types.h"
#include "allocator/internal.h"

static const char *const gfp_names[PA_NR_GFP_BITS] = {
	"__GFP_DMA", "__GFP_HIGHMEM", "__GFP_DMA32", "__GFP_MOVABLE", "__GFP_RECLAIMABLE",
	"__GFP_HIGH", "__GFP_IO", "__GFP_FS", "__GFP_ZERO", "__GFP_ATOMIC",
	"__GFP_DIRECT_RECLAIM", "__GFP_KSWAPD_RECLAIM", "__GFP_WRITE", "__GFP_NOWARN",
	"__GFP_RETRY_MAYFAIL", "__GFP_NOFAIL", "__GFP_NORETRY", "__GFP_MEMALLOC",
	"__GFP_COMP", "__GFP_NOMEMALLOC", "__GFP_HARDWALL", "__GFP_THISNODE",
	"__GFP_ACCOUNT", "__GFP_ZEROTAGS", "__GFP_SKIP_ZERO", "__GFP_SKIP_KASAN",
	"__GFP_NOLOCKDEP", "__GFP_NO_OBJ_EXT",
	"__GFP_COLD", "__GFP_REPEAT", "__GFP_WAIT", "__GFP_NO_KSWAPD", "__GFP_NOTRACK",
	"__GFP_OTHER_NODE", "__GFP_NOACCOUNT",
};

int pa_gfp_bit_from_name(const char *name)
{
	for (int i = 0; i < PA_NR_GFP_BITS; i++)
		if (strcmp(gfp_names[i], name) == 0)
			return i;
	return -1;
}

const char *pa_gfp_bit_name(enum pa_gfp_bit bit)
{
	return (unsigned)bit < PA_NR_GFP_BITS ? gfp_names[bit] : "?";
}

static const char *const profile_names[PA_NR_PROFILES] = {
	"linux-4", "linux-5.10", "linux-6", "openeuler-5.10",
};

const char *pa_profile_name(enum pa_profile p)
{
	return (unsigned)p < PA_NR_PROFILES ? profile_names[p] : "?";
}

int pa_profile_from_name(const char *name)
{
	for (int i = 0; i < PA_NR_PROFILES; i++)
		if (strcmp(profile_names[i], name) == 0)
			return i;
	return -1;
}

enum pa_profile pa_profile_for_release(const char *release)
{
	int major = 0, minor = 0;

	for (; *release >= '0' && *release <= '9'; release++)
		major = major * 10 + (*release - '0');
	if (*release == '.')
		for (release++; *release >= '0' && *release <= '9'; release++)
			minor = minor * 10 + (*release - '0');
	if (major >= 6)
		return PA_PROFILE_LINUX_6;
	if (major == 5 && minor >= 10)
		return PA_PROFILE_LINUX_5_10;
	return major == 5 ? PA_PROFILE_LINUX_5_10 : PA_PROFILE_LINUX_4;
}

/* The highest zone type the gfp mask may use, or -1 for an invalid mask. */
int pa_gfp_zone(uint64_t gfp)
{
	unsigned bits = (unsigned)(((gfp & PA_GFP(DMA)) ? 1 : 0) | ((gfp & PA_GFP(HIGHMEM)) ? 2 : 0) |
				   ((gfp & PA_GFP(DMA32)) ? 4 : 0) | ((gfp & PA_GFP(MOVABLE)) ? 8 : 0));

	switch (bits) {
	case 0x0: case 0x2: case 0x8: return PA_ZONE_NORMAL;	/* no HIGHMEM on x86-64 */
	case 0x1: case 0x9: return PA_ZONE_DMA;
	case 0x4: case 0xc: return PA_ZONE_DMA32;
	case 0xa: return PA_ZONE_MOVABLE;
	default: return -1;
	}
}

int pa_gfp_migratetype(uint64_t gfp)
{
	int mt = ((gfp & PA_GFP(MOVABLE)) ? 1 : 0) | ((gfp & PA_GFP(RECLAIMABLE)) ? 2 : 0);

	return mt;	/* both set is a kernel warning and yields 3 (HIGHATOMIC) */
}

const char *pa_path_name(enum pa_path p)
{
	static const char *const names[PA_NR_PATHS] = {
		"none", "pcp", "pcp_refill", "buddy", "fallback", "highatomic", "slowpath",
	};
	return (unsigned)p < PA_NR_PATHS ? names[p] : "?";
}
