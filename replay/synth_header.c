/* SPDX-License-Identifier: MIT */
/* The host a synthetic trace pretends to come from. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replay/synth.h"

#define B(n) (1ULL << (n))
/* Bit positions as 6.x numbers them (include/linux/gfp_types.h). */
enum { DMA = 0, HIGHMEM, DMA32, MOVABLE, RECLAIMABLE, HIGH, IO, FS, ZERO, DIRECT_RECLAIM = 10,
       KSWAPD_RECLAIM, WRITE, NOWARN, RETRY_MAYFAIL, NOFAIL, NORETRY, MEMALLOC, COMP,
       NOMEMALLOC, HARDWALL, THISNODE, ACCOUNT, ZEROTAGS, SKIP_ZERO = 24, SKIP_KASAN,
       NOLOCKDEP };

#define RECLAIM		(B(DIRECT_RECLAIM) | B(KSWAPD_RECLAIM))
#define KERNEL		(RECLAIM | B(IO) | B(FS))
#define USER		(KERNEL | B(HARDWALL))
#define HIGHUSER_MOV	(USER | B(HIGHMEM) | B(MOVABLE) | B(SKIP_KASAN))
#define THP_LIGHT	((HIGHUSER_MOV | B(COMP) | B(NOMEMALLOC) | B(NOWARN)) & ~RECLAIM)

/* In the order the kernel's print fmt lists them: composites first. */
static const struct prt_flag gfp_table[] = {
	{ "GFP_TRANSHUGE", THP_LIGHT | B(DIRECT_RECLAIM) }, { "GFP_TRANSHUGE_LIGHT", THP_LIGHT },
	{ "GFP_HIGHUSER_MOVABLE", HIGHUSER_MOV }, { "GFP_HIGHUSER", USER | B(HIGHMEM) },
	{ "GFP_USER", USER }, { "GFP_KERNEL_ACCOUNT", KERNEL | B(ACCOUNT) },
	{ "GFP_KERNEL", KERNEL }, { "GFP_NOFS", RECLAIM | B(IO) },
	{ "GFP_ATOMIC", B(HIGH) | B(KSWAPD_RECLAIM) }, { "GFP_NOIO", RECLAIM },
	{ "GFP_NOWAIT", B(KSWAPD_RECLAIM) }, { "GFP_DMA", B(DMA) }, { "__GFP_HIGHMEM", B(HIGHMEM) },
	{ "GFP_DMA32", B(DMA32) }, { "__GFP_HIGH", B(HIGH) }, { "__GFP_IO", B(IO) },
	{ "__GFP_FS", B(FS) }, { "__GFP_NOWARN", B(NOWARN) },
	{ "__GFP_RETRY_MAYFAIL", B(RETRY_MAYFAIL) }, { "__GFP_NOFAIL", B(NOFAIL) },
	{ "__GFP_NORETRY", B(NORETRY) }, { "__GFP_COMP", B(COMP) }, { "__GFP_ZERO", B(ZERO) },
	{ "__GFP_NOMEMALLOC", B(NOMEMALLOC) }, { "__GFP_MEMALLOC", B(MEMALLOC) },
	{ "__GFP_HARDWALL", B(HARDWALL) }, { "__GFP_THISNODE", B(THISNODE) },
	{ "__GFP_RECLAIMABLE", B(RECLAIMABLE) }, { "__GFP_MOVABLE", B(MOVABLE) },
	{ "__GFP_ACCOUNT", B(ACCOUNT) }, { "__GFP_WRITE", B(WRITE) },
	{ "__GFP_DIRECT_RECLAIM", B(DIRECT_RECLAIM) }, { "__GFP_KSWAPD_RECLAIM", B(KSWAPD_RECLAIM) },
	{ "__GFP_ZEROTAGS", B(ZEROTAGS) }, { "__GFP_SKIP_ZERO", B(SKIP_ZERO) },
	{ "__GFP_SKIP_KASAN", B(SKIP_KASAN) }, { "__GFP_NOLOCKDEP", B(NOLOCKDEP) },
	{ "__GFP_DMA", B(DMA) }, { "__GFP_DMA32", B(DMA32) },
};

static const char *const mt_names[] = {
	"Unmovable", "Movable", "Reclaimable", "HighAtomic", "CMA", "Isolate",
};

static const char *release_for(enum pa_profile p)
{
	switch (p) {
	case PA_PROFILE_LINUX_4: return "4.4.0-synthetic";
	case PA_PROFILE_LINUX_5_10: return "5.10.0-synthetic";
	case PA_PROFILE_OPENEULER_5_10: return "5.10.0-136.12.0.86.oe2203sp1.x86_64";
	default: return "6.18.0-synthetic";
	}
}

uint64_t rp_synth_gfp(const struct prt_header *h, const char *name)
{
	for (uint32_t i = 0; i < h->nr_gfp_flags; i++)
		if (strcmp(h->gfp_flags[i].name, name) == 0)
			return h->gfp_flags[i].mask;
	return 0;
}

struct span { const char *name; uint8_t type; uint64_t start, end; };

static uint32_t zone_spans(uint64_t pages, struct span *s)
{
	uint32_t n = 0;
	uint64_t dma32_end = pages < 0x100000 ? pages : 0x100000;

	s[n++] = (struct span){ "DMA", 0, 1, 4096 };
	s[n++] = (struct span){ "DMA32", 1, 4096, dma32_end };
	if (pages > 0x100000)
		s[n++] = (struct span){ "Normal", 2, 0x100000, pages };
	return n;
}

static void fill_zone(struct prt_zone *z, const struct span *s, const struct span *all,
		      uint32_t nr, uint32_t self, uint32_t cpus)
{
	uint64_t managed = s->end - s->start;
	struct prt_pcp *pcp = z->pcp;

	memset(z, 0, sizeof(*z));
	z->pcp = pcp;
	snprintf(z->name, sizeof(z->name), "%s", s->name);
	z->zone_type = s->type;
	z->start_pfn = s->start;
	z->spanned = z->present = z->managed = z->free_pages = managed;
	z->wmark_min = managed / 512 + 8;
	z->wmark_low = z->wmark_min * 5 / 4;
	z->wmark_high = z->wmark_min * 3 / 2;
	z->nr_lowmem_reserve = 5;
	for (uint32_t j = self + 1; j < nr; j++)	/* ratio 256, as DMA/DMA32 on x86 */
		z->lowmem_reserve[all[j].type] = z->lowmem_reserve[all[j - 1].type] +
						 (all[j].end - all[j].start) / 256;
	for (uint32_t j = all[nr - 1].type + 1; j < 5; j++)
		z->lowmem_reserve[j] = z->lowmem_reserve[all[nr - 1].type];
	for (uint32_t c = 0; c < cpus; c++) {
		uint32_t batch = s->type == 0 ? 1 : 63;

		z->pcp[c] = (struct prt_pcp){ .count = 0, .batch = batch,
					      .high = s->type == 0 ? 0 : batch * 6,
					      .high_min = s->type == 0 ? 0 : batch * 6,
					      .high_max = s->type == 0 ? 0 : batch * 6 };
	}
}

/* Every page free: the largest aligned blocks that fit each zone. */
static int free_map(struct prt_header *h, const struct span *s, uint32_t nr)
{
	uint64_t cap = 0;
	unsigned top = h->nr_orders - 1;

	for (uint32_t i = 0; i < nr; i++)
		cap += ((s[i].end - s[i].start) >> top) + 2 * h->nr_orders;
	h->free_blocks = calloc(cap, sizeof(*h->free_blocks));
	if (!h->free_blocks)
		return -1;
	for (uint32_t i = 0; i < nr; i++)
		for (uint64_t pfn = s[i].start; pfn < s[i].end;) {
			unsigned o = (unsigned)__builtin_ctzll(pfn);

			if (o > top)
				o = top;
			while (pfn + (1ULL << o) > s[i].end)
				o--;
			h->free_blocks[h->nr_free_blocks++] =
				(struct prt_free_block){ .pfn = pfn, .order = (uint8_t)o,
							 .migratetype = 1 };
			pfn += 1ULL << o;
		}
	return 0;
}

static int pageblocks(struct prt_header *h)
{
	uint64_t per = 1ULL << h->pageblock_order;

	h->pageblock_mt = calloc(h->nr_zones, sizeof(*h->pageblock_mt));
	if (!h->pageblock_mt)
		return -1;
	for (uint32_t z = 0; z < h->nr_zones; z++) {
		uint64_t first = h->zones[z].start_pfn & ~(per - 1);
		uint64_t n = (h->zones[z].start_pfn + h->zones[z].spanned - first + per - 1) / per;

		h->pageblock_mt[z] = malloc(n);
		if (!h->pageblock_mt[z])
			return -1;
		memset(h->pageblock_mt[z], 1, n);	/* Movable, as after boot */
	}
	return 0;
}

static int set_cmdline(struct prt_header *h, const struct rp_synth_opts *o)
{
	size_t n = 128 + (o->topology_from ? strlen(o->topology_from) : 0);

	free(h->cmdline);
	h->cmdline = malloc(n);
	if (!h->cmdline)
		return -1;
	snprintf(h->cmdline, n, "pagereplay synth --model %s --seed %llu%s%s",
		 pa_profile_name(o->profile), (unsigned long long)o->seed,
		 o->topology_from ? " --topology-from " : "",
		 o->topology_from ? o->topology_from : "");
	return 0;
}

/*
 * A real host's topology: zones, cpus, pcp settings, gfp table and the free
 * map at its capture start; pages outside that map stay allocated (unknown
 * to the model) for the whole synthetic run.
 */
static int from_trace(struct prt_header *h, const struct rp_synth_opts *o, struct pr_error *err)
{
	struct prt_reader *r = prt_reader_open(o->topology_from, err);
	int ret;

	if (!r)
		return -1;
	ret = prt_header_copy(h, prt_reader_header(r), err);
	prt_reader_close(r);
	if (ret < 0)
		return -1;
	h->source = PRT_SOURCE_SYNTH;
	h->start_realtime_ns = h->start_trace_ns = 0;
	snprintf(h->kernel_release, sizeof(h->kernel_release), "%s", release_for(o->profile));
	snprintf(h->hostname, sizeof(h->hostname), "synthetic");
	for (uint32_t z = 0; z < h->nr_zones; z++)
		for (uint32_t c = 0; h->zones[z].pcp && c < h->nr_cpus; c++)
			h->zones[z].pcp[c].count = 0;
	if (set_cmdline(h, o) < 0) {
		prt_header_release(h);
		return pr_fail(err, PR_ENOMEM, "out of memory");
	}
	return 0;
}

int rp_synth_header(struct prt_header *h, const struct rp_synth_opts *o, struct pr_error *err)
{
	struct span s[3];
	uint64_t pages = o->memory_mb * 256;
	uint32_t nr;

	memset(h, 0, sizeof(*h));
	if (o->topology_from)
		return from_trace(h, o, err);
	if (o->memory_mb < 32 || o->memory_mb > (1u << 20) || o->cpus == 0 || o->cpus > 256)
		return pr_fail(err, PR_EUSAGE, "synthetic host: expected 32 MiB to 1 TiB and 1 to "
			       "256 cpus");
	nr = zone_spans(pages, s);
	h->format_version = PRT_FORMAT_VERSION;
	h->source = PRT_SOURCE_SYNTH;
	snprintf(h->kernel_release, sizeof(h->kernel_release), "%s", release_for(o->profile));
	snprintf(h->hostname, sizeof(h->hostname), "synthetic");
	snprintf(h->trace_clock, sizeof(h->trace_clock), "synthetic");
	h->page_size = 4096;
	h->nr_orders = 11;
	h->pageblock_order = 9;
	h->nr_cpus = o->cpus;
	h->nr_zones = nr;
	h->nr_gfp_flags = sizeof(gfp_table) / sizeof(gfp_table[0]);
	h->nr_migratetypes = sizeof(mt_names) / sizeof(mt_names[0]);
	h->cpu_node = calloc(o->cpus, sizeof(*h->cpu_node));
	h->zones = calloc(nr, sizeof(*h->zones));
	h->gfp_flags = malloc(sizeof(gfp_table));
	h->migratetype_names = calloc(h->nr_migratetypes, sizeof(*h->migratetype_names));
	if (set_cmdline(h, o) < 0 || !h->cpu_node || !h->zones || !h->gfp_flags || !h->migratetype_names)
		goto nomem;
	memcpy(h->gfp_flags, gfp_table, sizeof(gfp_table));
	for (uint32_t i = 0; i < h->nr_migratetypes; i++)
		snprintf(h->migratetype_names[i], PRT_NAME_LEN, "%s", mt_names[i]);
	for (uint32_t z = 0; z < nr; z++) {
		h->zones[z].pcp = calloc(o->cpus, sizeof(struct prt_pcp));
		if (!h->zones[z].pcp)
			goto nomem;
		fill_zone(&h->zones[z], &s[z], s, nr, z, o->cpus);
	}
	if (free_map(h, s, nr) < 0 || pageblocks(h) < 0)
		goto nomem;
	return 0;
nomem:
	prt_header_release(h);
	return pr_fail(err, PR_ENOMEM, "out of memory");
}
