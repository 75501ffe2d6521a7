/* SPDX-License-Identifier: MIT */
/*
 * Built-in gfp flag tables: the show_gfp_flags() list of mm_page_alloc's
 * print fmt per kernel generation, with each mask computed from that
 * kernel's bit layout (docs: kernel-allocator-notes.md §2.1, §2.2). Prefer
 * the trace's own event format; these are for text traces without one.
 */
#include "capture/gfp_tables.h"

#include <string.h>

/*
 * Linux 4.4: include/trace/events/gfpflags.h (show_gfp_flags) with the bits
 * of include/linux/gfp.h. Single flags print without their "__" prefix, and
 * "GFP_ATOMIC" names both the composite and the single __GFP_ATOMIC bit.
 * gfp 0 prints as "GFP_NOWAIT".
 */
static const struct prt_flag gfp_k44[] = {
	{ "GFP_TRANSHUGE", 0x4352ca },
	{ "GFP_HIGHUSER_MOVABLE", 0x24200ca },
	{ "GFP_HIGHUSER", 0x24200c2 },
	{ "GFP_USER", 0x24200c0 },
	{ "GFP_TEMPORARY", 0x24000d0 },
	{ "GFP_KERNEL", 0x24000c0 },
	{ "GFP_NOFS", 0x2400040 },
	{ "GFP_ATOMIC", 0x2080020 },
	{ "GFP_NOIO", 0x2400000 },
	{ "GFP_HIGH", 0x20 },
	{ "GFP_ATOMIC", 0x80000 },
	{ "GFP_IO", 0x40 },
	{ "GFP_COLD", 0x100 },
	{ "GFP_NOWARN", 0x200 },
	{ "GFP_REPEAT", 0x400 },
	{ "GFP_NOFAIL", 0x800 },
	{ "GFP_NORETRY", 0x1000 },
	{ "GFP_COMP", 0x4000 },
	{ "GFP_ZERO", 0x8000 },
	{ "GFP_NOMEMALLOC", 0x10000 },
	{ "GFP_MEMALLOC", 0x2000 },
	{ "GFP_HARDWALL", 0x20000 },
	{ "GFP_THISNODE", 0x40000 },
	{ "GFP_RECLAIMABLE", 0x10 },
	{ "GFP_MOVABLE", 0x8 },
	{ "GFP_NOTRACK", 0x200000 },
	{ "GFP_DIRECT_RECLAIM", 0x400000 },
	{ "GFP_KSWAPD_RECLAIM", 0x2000000 },
	{ "GFP_OTHER_NODE", 0x800000 },
};

/* Linux 5.10: include/trace/events/mmflags.h (__def_gfpflag_names) with the
 * bits of include/linux/gfp.h (no lockdep). */
static const struct prt_flag gfp_k510[] = {
	{ "GFP_TRANSHUGE", 0x1c24ca },
	{ "GFP_TRANSHUGE_LIGHT", 0x1c20ca },
	{ "GFP_HIGHUSER_MOVABLE", 0x100cca },
	{ "GFP_HIGHUSER", 0x100cc2 },
	{ "GFP_USER", 0x100cc0 },
	{ "GFP_KERNEL_ACCOUNT", 0x400cc0 },
	{ "GFP_KERNEL", 0xcc0 },
	{ "GFP_NOFS", 0xc40 },
	{ "GFP_ATOMIC", 0xa20 },
	{ "GFP_NOIO", 0xc00 },
	{ "GFP_NOWAIT", 0x800 },
	{ "GFP_DMA", 0x1 },
	{ "__GFP_HIGHMEM", 0x2 },
	{ "GFP_DMA32", 0x4 },
	{ "__GFP_HIGH", 0x20 },
	{ "__GFP_ATOMIC", 0x200 },
	{ "__GFP_IO", 0x40 },
	{ "__GFP_FS", 0x80 },
	{ "__GFP_NOWARN", 0x2000 },
	{ "__GFP_RETRY_MAYFAIL", 0x4000 },
	{ "__GFP_NOFAIL", 0x8000 },
	{ "__GFP_NORETRY", 0x10000 },
	{ "__GFP_COMP", 0x40000 },
	{ "__GFP_ZERO", 0x100 },
	{ "__GFP_NOMEMALLOC", 0x80000 },
	{ "__GFP_MEMALLOC", 0x20000 },
	{ "__GFP_HARDWALL", 0x100000 },
	{ "__GFP_THISNODE", 0x200000 },
	{ "__GFP_RECLAIMABLE", 0x10 },
	{ "__GFP_MOVABLE", 0x8 },
	{ "__GFP_ACCOUNT", 0x400000 },
	{ "__GFP_WRITE", 0x1000 },
	{ "__GFP_RECLAIM", 0xc00 },
	{ "__GFP_DIRECT_RECLAIM", 0x400 },
	{ "__GFP_KSWAPD_RECLAIM", 0x800 },
};

/*
 * Linux 6.12 / 6.18: include/trace/events/mmflags.h (gfpflag_string list)
 * with the bits of include/linux/gfp_types.h on x86-64 without KASAN HW
 * tags or lockdep, where __GFP_NO_OBJ_EXT is bit 24. GFP_NOWAIT includes
 * __GFP_NOWARN since 6.12 (6.6 prints it as 0x800).
 */
static const struct prt_flag gfp_k6[] = {
	{ "GFP_TRANSHUGE", 0x1c24ca },
	{ "GFP_TRANSHUGE_LIGHT", 0x1c20ca },
	{ "GFP_HIGHUSER_MOVABLE", 0x100cca },
	{ "GFP_HIGHUSER", 0x100cc2 },
	{ "GFP_USER", 0x100cc0 },
	{ "GFP_KERNEL_ACCOUNT", 0x400cc0 },
	{ "GFP_KERNEL", 0xcc0 },
	{ "GFP_NOFS", 0xc40 },
	{ "GFP_ATOMIC", 0x820 },
	{ "GFP_NOIO", 0xc00 },
	{ "GFP_NOWAIT", 0x2800 },
	{ "GFP_DMA", 0x1 },
	{ "GFP_DMA32", 0x4 },
	{ "__GFP_RECLAIM", 0xc00 },
	{ "__GFP_DMA", 0x1 },
	{ "__GFP_HIGHMEM", 0x2 },
	{ "__GFP_DMA32", 0x4 },
	{ "__GFP_MOVABLE", 0x8 },
	{ "__GFP_RECLAIMABLE", 0x10 },
	{ "__GFP_HIGH", 0x20 },
	{ "__GFP_IO", 0x40 },
	{ "__GFP_FS", 0x80 },
	{ "__GFP_ZERO", 0x100 },
	{ "__GFP_DIRECT_RECLAIM", 0x400 },
	{ "__GFP_KSWAPD_RECLAIM", 0x800 },
	{ "__GFP_WRITE", 0x1000 },
	{ "__GFP_NOWARN", 0x2000 },
	{ "__GFP_RETRY_MAYFAIL", 0x4000 },
	{ "__GFP_NOFAIL", 0x8000 },
	{ "__GFP_NORETRY", 0x10000 },
	{ "__GFP_MEMALLOC", 0x20000 },
	{ "__GFP_COMP", 0x40000 },
	{ "__GFP_NOMEMALLOC", 0x80000 },
	{ "__GFP_HARDWALL", 0x100000 },
	{ "__GFP_THISNODE", 0x200000 },
	{ "__GFP_ACCOUNT", 0x400000 },
	{ "__GFP_ZEROTAGS", 0x800000 },
	{ "__GFP_NO_OBJ_EXT", 0x1000000 },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct gfp_table tables[] = {
	{ "4", "linux 4.4 include/trace/events/gfpflags.h, include/linux/gfp.h",
	  "GFP_NOWAIT", gfp_k44, N(gfp_k44) },
	{ "5.10", "linux 5.10 include/trace/events/mmflags.h, include/linux/gfp.h",
	  "none", gfp_k510, N(gfp_k510) },
	{ "6", "linux 6.18 include/trace/events/mmflags.h, include/linux/gfp_types.h",
	  "none", gfp_k6, N(gfp_k6) },
};

const struct gfp_table *gfp_table_builtin(const char *kernel)
{
	unsigned major = 0, minor = 0;
	const char *p = kernel;

	while (*p >= '0' && *p <= '9')
		major = major * 10 + (unsigned)(*p++ - '0');
	if (p == kernel || (*p != '\0' && *p != '.'))
		return NULL;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			minor = minor * 10 + (unsigned)(*p - '0');
	/* one table per generation: 4.x is read as 4.4 (names and bits moved
	 * again in 4.6 and 4.13: give such traces --events-format) */
	(void)minor;
	if (major == 4)
		return &tables[0];
	if (major == 5)
		return &tables[1];
	if (major >= 6)
		return &tables[2];
	return NULL;
}
