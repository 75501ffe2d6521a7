/* SPDX-License-Identifier: MIT */
/*
 * Gfp bits are translated by name: each single-bit entry of the trace's
 * own flag table (__GFP_*) says which raw bit is which canonical one, so a
 * 4.4 trace (RECLAIMABLE at bit 4, ATOMIC at 19) and a 6.18 one decode into
 * the same model bits. Migratetypes likewise by name from pagetypeinfo.
 */
#include <stdlib.h>
#include <string.h>

#include "replay/infer.h"
#include "replay/translate.h"

static const struct {
	const char *name;
	enum pa_zone_type type;
} zone_names[] = {
	{ "DMA", PA_ZONE_DMA }, { "DMA32", PA_ZONE_DMA32 }, { "Normal", PA_ZONE_NORMAL },
	{ "Movable", PA_ZONE_MOVABLE }, { "Device", PA_ZONE_DEVICE },
};

static const char *const mt_names[PA_NR_MIGRATETYPES] = {
	"Unmovable", "Movable", "Reclaimable", "HighAtomic", "CMA", "Isolate",
};

static void map_gfp(struct rp_translate *t, const struct prt_header *h)
{
	for (uint32_t i = 0; i < h->nr_gfp_flags; i++) {
		uint64_t mask = h->gfp_flags[i].mask;
		int bit;

		if (!mask || (mask & (mask - 1)))
			continue;	/* composites decompose by their single bits */
		bit = pa_gfp_bit_from_name(h->gfp_flags[i].name);
		if (bit >= 0)
			t->gfp_bit[__builtin_ctzll(mask)] = 1ULL << bit;
	}
}

static void map_migratetypes(struct rp_translate *t, const struct prt_header *h)
{
	for (int i = 0; i < PRT_MAX_MIGRATETYPES; i++)
		t->mt[i] = i < PA_NR_MIGRATETYPES ? i : -1;	/* 4.4+ numbering by default */
	for (uint32_t i = 0; i < h->nr_migratetypes && i < PRT_MAX_MIGRATETYPES; i++) {
		t->mt[i] = -1;
		for (int k = 0; k < PA_NR_MIGRATETYPES; k++)
			if (strcmp(h->migratetype_names[i], mt_names[k]) == 0)
				t->mt[i] = k;
	}
}

static int zone_type(const char *name)
{
	for (size_t i = 0; i < sizeof(zone_names) / sizeof(zone_names[0]); i++)
		if (strcmp(zone_names[i].name, name) == 0)
			return (int)zone_names[i].type;
	return -1;
}

static void fill_zone(struct pa_zone_desc *d, const struct prt_zone *z, int type)
{
	memset(d, 0, sizeof(*d));
	d->node = z->node;
	d->type = (enum pa_zone_type)type;
	d->start_pfn = z->start_pfn;
	d->spanned = z->spanned;
	d->present = z->present;
	d->managed = z->managed;
	d->wmark_min = z->wmark_min;
	d->wmark_low = z->wmark_low;
	d->wmark_high = z->wmark_high;
	d->boost = z->boost;
	for (uint32_t i = 0; i < z->nr_lowmem_reserve && i < PA_NR_ZONE_TYPES; i++)
		d->lowmem_reserve[i] = z->lowmem_reserve[i];
	if (z->pcp) {
		d->pcp_high = z->pcp[0].high;
		d->pcp_batch = z->pcp[0].batch;
		d->pcp_high_min = z->pcp[0].high_min;
		d->pcp_high_max = z->pcp[0].high_max;
	}
}

/* Is the release ("6.18.44-...") major.minor or later? */
static bool release_at_least(const char *release, long major, long minor)
{
	char *end;
	long ma = strtol(release, &end, 10), mi = *end == '.' ? strtol(end + 1, NULL, 10) : 0;

	return ma > major || (ma == major && mi >= minor);
}

int rp_translate_init(struct rp_translate *t, const struct prt_header *h, struct pr_error *err)
{
	uint32_t n = 0;

	memset(t, 0, sizeof(*t));
	map_gfp(t, h);
	map_migratetypes(t, h);
	t->zones = calloc(h->nr_zones ? h->nr_zones : 1, sizeof(*t->zones));
	t->zone_of_prt = calloc(h->nr_zones ? h->nr_zones : 1, sizeof(*t->zone_of_prt));
	if (!t->zones || !t->zone_of_prt)
		return pr_fail(err, PR_ENOMEM, "out of memory");
	for (uint32_t z = 0; z < h->nr_zones; z++) {
		int type = zone_type(h->zones[z].name);

		t->zone_of_prt[z] = -1;
		if (type < 0 || h->zones[z].spanned == 0)
			continue;	/* unpopulated, or a zone the model does not know */
		fill_zone(&t->zones[n], &h->zones[z], type);
		t->zone_of_prt[z] = (int)n++;
	}
	t->fallback_traced_by_extfrag = release_at_least(h->kernel_release, 6, 15);
	t->topo = (struct pa_topology){ .nr_cpus = h->nr_cpus, .cpu_node = h->cpu_node,
					.nr_zones = n, .zones = t->zones,
					.nr_orders = h->nr_orders, .pageblock_order = h->pageblock_order };
	return 0;
}

void rp_translate_release(struct rp_translate *t)
{
	free(t->zones);
	free(t->zone_of_prt);
	memset(t, 0, sizeof(*t));
}

uint64_t rp_translate_gfp(const struct rp_translate *t, uint64_t raw)
{
	uint64_t out = 0;

	while (raw) {
		int b = __builtin_ctzll(raw);

		out |= t->gfp_bit[b];
		raw &= raw - 1;
	}
	return out;
}

int rp_translate_mt(const struct rp_translate *t, int trace_mt)
{
	return trace_mt >= 0 && trace_mt < PRT_MAX_MIGRATETYPES ? t->mt[trace_mt] : -1;
}

int64_t rp_checkpoint_blocks(const struct rp_translate *t, const struct prt_checkpoint *cp,
			     uint32_t prt_zone, unsigned order, int mt, unsigned *types)
{
	int64_t sum = 0;

	*types = 0;
	for (uint32_t tm = 0; tm < cp->nr_migratetypes && tm < PRT_MAX_MIGRATETYPES; tm++) {
		int64_t v = cp->free_blocks[((size_t)prt_zone * cp->nr_orders + order) *
						cp->nr_migratetypes + tm];

		if (rp_translate_mt(t, (int)tm) != mt)
			continue;
		if (v < 0)
			return -1;
		sum += v;
		++*types;
	}
	return sum;
}

static void seed_pageblocks(struct pa_model *m, const struct rp_translate *t,
			    const struct prt_header *h, const struct rp_pageblock_hints *hints)
{
	uint64_t per = 1ULL << h->pageblock_order;

	for (uint32_t z = 0; h->pageblock_mt && z < h->nr_zones; z++) {
		uint64_t first = h->zones[z].start_pfn & ~(per - 1);
		uint64_t n = h->zones[z].spanned ?
			(h->zones[z].start_pfn + h->zones[z].spanned - first + per - 1) / per : 0;

		if (t->zone_of_prt[z] < 0 || !h->pageblock_mt[z])
			continue;
		for (uint64_t b = 0; b < n; b++) {
			int8_t hint = hints && hints->mt && hints->mt[z] ? hints->mt[z][b] : -1;
			int mt = rp_translate_mt(t, hint >= 0 ? hint : h->pageblock_mt[z][b]);

			if (mt >= 0)
				pa_model_set_pageblock_mt(m, first + b * per, mt);
		}
	}
}

/* A block on a pcp list at capture start that the free map has free: it
 * leaves the free lists (the rest of its free block stays) and is unknown
 * until its drain frees it. */
static void carve_pcp_at_start(struct pa_model *m, const struct rp_block *b)
{
	if (pa_free_block_of(m, b->pfn, NULL) == PA_PFN_NONE)
		return;
	pa_apply_alloc(m, 0, b->pfn, b->order, -1);
	pa_model_mark_unknown(m, b->pfn, b->order);
}

/* 6.x tunes each cpu's pcp->high on its own: two cpus of one zone may
 * start at 5,848 and 30,720. The zone's description holds cpu 0's. */
static void seed_pcp_high(struct pa_model *m, const struct rp_translate *t,
			  const struct prt_header *h)
{
	for (uint32_t z = 0; z < h->nr_zones; z++) {
		int mz = t->zone_of_prt[z];

		for (uint32_t c = 0; mz >= 0 && h->zones[z].pcp && c < h->nr_cpus; c++)
			pa_pcp_set_high(m, mz, c, h->zones[z].pcp[c].high);
	}
}

struct pa_model *rp_build_model(const struct rp_translate *t, const struct prt_header *h,
				const struct rp_pageblock_hints *hints, enum pa_profile profile,
				struct pr_error *err)
{
	struct pa_model *m = pa_model_create(&t->topo, profile, err);

	if (!m)
		return NULL;
	seed_pageblocks(m, t, h, hints);
	for (uint32_t z = 0; z < t->topo.nr_zones; z++)
		if (t->zones[z].spanned)
			pa_model_mark_unknown_pages(m, t->zones[z].start_pfn, t->zones[z].spanned);
	for (uint64_t i = 0; i < h->nr_free_blocks; i++) {
		const struct prt_free_block *b = &h->free_blocks[i];

		/* free lists follow pageblock types: -1 lets the model use them;
		 * blocks outside the model's zones are left out, not fatal */
		pa_model_seed_free(m, b->pfn, b->order, -1, NULL);
	}
	for (uint64_t i = 0; hints && i < hints->nr_pcp_at_start; i++)
		carve_pcp_at_start(m, &hints->pcp_at_start[i]);
	seed_pcp_high(m, t, h);
	return m;
}
