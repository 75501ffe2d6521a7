/* SPDX-License-Identifier: MIT */
#ifndef PR_TESTS_DB_FIXTURE_H
#define PR_TESTS_DB_FIXTURE_H

/*
 * A small, fully known run written through the db/ API, shared by the db,
 * report and command tests. Everything a test asserts on is derived here.
 */
#include <stdio.h>
#include <string.h>

#include "analysis/checkpoint.h"
#include "analysis/divagg.h"
#include "analysis/extfrag.h"
#include "analysis/frag.h"
#include "db/db.h"

enum { FX_EXACT, FX_SAME_BLOCK, FX_OTHER_ZONE, FX_MODEL_FAILED, FX_NR_CLASSES };

static const struct db_class fx_classes[FX_NR_CLASSES] = {
	{ "exact_pfn", true }, { "same_pageblock", false },
	{ "other_zone", false }, { "model_failed", false },
};

static struct prt_zone fx_zones[3] = {
	{ .node = 0, .zone_type = 0, .name = "DMA", .start_pfn = 0, .spanned = 4096,
	  .present = 4000, .managed = 3900, .wmark_low = 10 },
	{ .node = 0, .zone_type = 1, .name = "DMA32", .start_pfn = 4096, .spanned = 1 << 20,
	  .present = 1 << 20, .managed = 1000000, .wmark_low = 100 },
	{ .node = 0, .zone_type = 2, .name = "Normal", .start_pfn = 1 << 21,
	  .spanned = 1 << 22, .present = 1 << 22, .managed = 4000000, .wmark_low = 1000 },
};

/* Composites first, as the kernel's print fmt lists them. */
static struct prt_flag fx_gfp[] = {
	{ "GFP_KERNEL", 0xcc0 }, { "GFP_NOWAIT", 0x800 }, { "__GFP_IO", 0x40 },
	{ "__GFP_FS", 0x80 }, { "__GFP_KSWAPD_RECLAIM", 0x800 },
	{ "__GFP_DIRECT_RECLAIM", 0x400 }, { "__GFP_COMP", 0x40000 },
	{ "__GFP_MOVABLE", 0x08 },
};
#define FX_GFP_KERNEL 0xcc0ULL
#define FX_GFP_KERNEL_COMP 0x40cc0ULL	/* "GFP_KERNEL|__GFP_COMP" */
#define FX_GFP_ODD 0x1000808ULL		/* "GFP_NOWAIT|__GFP_MOVABLE|0x1000000" */

static inline void fx_header(struct prt_header *h, const char *host)
{
	memset(h, 0, sizeof(*h));
	h->format_version = 1;
	snprintf(h->kernel_release, sizeof(h->kernel_release), "6.18.0-test");
	snprintf(h->hostname, sizeof(h->hostname), "%s", host);
	h->start_realtime_ns = 1700000000000000000ULL;
	h->start_trace_ns = 123456789;
	h->page_size = 4096;
	h->nr_orders = 11;
	h->pageblock_order = 9;
	h->nr_cpus = 2;
	h->nr_zones = 3;
	h->zones = fx_zones;
	h->nr_gfp_flags = sizeof(fx_gfp) / sizeof(fx_gfp[0]);
	h->gfp_flags = fx_gfp;
	h->cmdline = (char *)"stress-ng --vm 2";
}

/* A zone state: `base` free blocks of each order on the movable list. */
static inline void fx_state(struct pa_zone_state *zs, uint64_t base, int top_order)
{
	memset(zs, 0, sizeof(*zs));
	for (int o = 0; o <= top_order && o < PA_MAX_ORDERS; o++)
		zs->free_blocks[o][PA_MT_MOVABLE] = base;
	zs->free_blocks[0][PA_MT_UNMOVABLE] = 3;
	zs->pageblocks[PA_MT_MOVABLE] = 100;
	zs->pageblocks[PA_MT_UNMOVABLE] = 20;
	zs->mixed_pageblocks = 5;
	zs->pcp_pages = 64;
}

/*
 * The run: nr_div divergences (classes rotate over the three non-agreeing
 * ones, gfp alternates), agreement cells, two samples per zone (start: all
 * orders free; end: nothing above order `end_top`), one checkpoint, extfrag.
 */
static inline int fx_write_run(struct pr_db *db, const char *host, const char *model,
			       int nr_div, int end_top, int64_t *run_id, struct pr_error *err)
{
	struct prt_header h;
	struct db_trace_ident t;
	struct db_run_opts o = { .model = model, .mode = "lockstep", .options = "--paranoid",
				 .nr_classes = FX_NR_CLASSES, .classes = fx_classes };
	struct an_divagg *agg = an_divagg_create(err);
	struct an_extfrag_counts ek = { 0 };
	struct db_run_summary sum = { .events = 1000, .allocations = 600, .frees = 400,
				      .kernel_alloc_failures = 2, .model_alloc_failures = 5,
				      .kernel_fallbacks = 3, .model_fallbacks = 4, .elapsed_s = 0.5 };
	struct db_run *run;

	fx_header(&h, host);
	t = (struct db_trace_ident){ .header = &h, .path = "t.prt", .file_bytes = 4000,
				     .nr_events = 1000 };
	if (!agg || !(run = db_run_begin(db, &t, &o, err)))
		return -1;
	*run_id = db_run_id(run);
	for (int i = 0; i < nr_div; i++) {
		struct db_divergence d = {
			.event_index = (uint64_t)(10 * i + 1), .ts_ns = 1000u * (unsigned)i,
			.cpu = (uint32_t)(i & 1), .pid = 42, .cls = 1 + i % 3, .event_type = 1,
			.order = i % 4, .migratetype = PA_MT_MOVABLE,
			.gfp = i % 2 ? FX_GFP_KERNEL_COMP : FX_GFP_ODD,
			.kernel_zone = 2, .model_zone = i % 3 == 1 ? 1 : 2,
			.kernel_pfn = 0x200000u + (unsigned)i,
			.model_pfn = i % 3 == 2 ? PA_PFN_NONE : 0x300000u + (unsigned)i,
			.model_path = 3, .detail = NULL };
		struct an_div_key k = { .cls = d.cls, .gfp = d.gfp, .order = d.order,
					.migratetype = d.migratetype, .zone = 2, .path = 3 };

		if (db_add_divergence(run, &d, err) < 0 || an_divagg_add(agg, &k, 1, err) < 0)
			goto fail;
	}
	{
		struct an_div_key k = { .cls = FX_EXACT, .gfp = FX_GFP_KERNEL, .order = 0,
					.migratetype = PA_MT_UNMOVABLE, .zone = 2, .path = 0 };
		if (an_divagg_add(agg, &k, 500, err) < 0)
			goto fail;
	}
	for (uint32_t z = 0; z < 3; z++)
		for (int end = 0; end < 2; end++) {
			struct pa_zone_state zs;
			struct an_frag_sample s;

			fx_state(&zs, 4 + z, end ? end_top : 10);
			an_frag_sample(&zs, NULL, 11, 9, &s);
			s.zone = z;
			s.event_index = end ? 1000 : 0;
			s.ts_ns = end ? 5000000 : 0;
			if (db_add_frag_sample(run, &s, err) < 0)
				goto fail;
		}
	{
		struct an_checkpoint_zone cz = { .zone = 2, .nr_orders = 11 };

		memset(cz.kernel_blocks, 0xff, sizeof(cz.kernel_blocks));	/* -1 */
		cz.kernel_free_pages = 5000;
		cz.model_free_pages = 5100;
		cz.kernel_blocks[3][PA_MT_MOVABLE] = 7;
		cz.model_blocks[3][PA_MT_MOVABLE] = 9;
		cz.model_blocks_min[3][PA_MT_MOVABLE] = 9;
		cz.model_blocks_max[3][PA_MT_MOVABLE] = 12;
		cz.model_free_min = 5050;
		cz.model_free_max = 5100;
		for (int mt = 0; mt < PA_NR_MIGRATETYPES; mt++)
			cz.kernel_pageblocks[mt] = -1;
		/* cpu 1 holds 175 pages more than the model has on its lists */
		const struct an_checkpoint_pcp pcp[] = {
			{ .zone = 1, .cpu = 0, .kernel_count = 512, .kernel_high = 10585,
			  .model_count = 512, .model_count_min = 510, .model_count_max = 514,
			  .model_high = 10585 },
			{ .zone = 1, .cpu = 1, .kernel_count = 1122, .kernel_high = 10081,
			  .model_count = 947, .model_count_min = 947, .model_count_max = 947,
			  .model_high = 10585 },
		};
		struct db_checkpoint cp = { .seq = 1, .ts_ns = 2000000, .event_index = 500,
					    .pagetypeinfo_read_ns = 4000000, .zoneinfo_read_ns = 2500000,
					    .pcp = pcp, .nr_pcp = 2 };

		if (db_add_checkpoint(run, &cp, &cz, 1, err) < 0)
			goto fail;
	}
	an_extfrag_add(&ek, 2, 9, PA_MT_UNMOVABLE, PA_MT_MOVABLE, false);
	an_extfrag_add(&ek, 9, 9, PA_MT_UNMOVABLE, PA_MT_MOVABLE, true);
	if (db_add_extfrag(run, "kernel", &ek, err) < 0 || db_add_agreement(run, agg, err) < 0 ||
	    db_set_run_summary(run, &sum, err) < 0)
		goto fail;
	an_divagg_destroy(agg);
	return db_run_commit(run, err);
fail:
	an_divagg_destroy(agg);
	db_run_abort(run);
	return -1;
}

#endif
