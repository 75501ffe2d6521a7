/* SPDX-License-Identifier: MIT */
#ifndef PR_TEST_ALLOC_UTIL_H
#define PR_TEST_ALLOC_UTIL_H

/*
 * Small hand-built zones for the allocator tests, and a table-driven
 * op-script runner: ALLOC cpu gfp order -> pfn/path, FREE pfn order, ...
 * Every step runs pa_model_check.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "allocator/model.h"

#define GFP_KERNEL_ (PA_GFP(KSWAPD_RECLAIM) | PA_GFP(DIRECT_RECLAIM) | PA_GFP(IO) | PA_GFP(FS))
#define GFP_MOVABLE_ (GFP_KERNEL_ | PA_GFP(HIGHMEM) | PA_GFP(MOVABLE) | PA_GFP(HARDWALL))
#define GFP_RECLAIMABLE_ (GFP_KERNEL_ | PA_GFP(RECLAIMABLE))
#define GFP_ATOMIC_6 (PA_GFP(HIGH) | PA_GFP(KSWAPD_RECLAIM))
#define GFP_ATOMIC_510 (PA_GFP(HIGH) | PA_GFP(KSWAPD_RECLAIM) | PA_GFP(ATOMIC))

/* One zone of `pages` pages from pfn `start`, pageblock order pbo, orders
 * 0..max_order; pcp batch/high as given; all watermarks zero. */
static inline struct pa_model *small_model(enum pa_profile prof, uint64_t start, uint64_t pages,
					   unsigned max_order, unsigned pbo, uint32_t batch,
					   uint32_t high, uint32_t nr_cpus)
{
	static int16_t nodes[8];
	struct pa_zone_desc zd = {
		.node = 0, .type = PA_ZONE_NORMAL, .start_pfn = start, .spanned = pages,
		.present = pages, .managed = pages, .pcp_high = high, .pcp_batch = batch,
		.pcp_high_min = high, .pcp_high_max = high,
	};
	struct pa_topology t = { .nr_cpus = nr_cpus, .cpu_node = nodes, .nr_zones = 1,
				 .zones = &zd, .nr_orders = max_order + 1, .pageblock_order = pbo };
	struct pr_error err = { 0 };
	struct pa_model *m = pa_model_create(&t, prof, &err);

	if (!m)
		fail_msg("create: %s", err.msg);
	return m;
}

static inline void seed(struct pa_model *m, uint64_t pfn, unsigned order, int mt)
{
	struct pr_error err = { 0 };

	if (pa_model_seed_free(m, pfn, order, mt, &err) < 0)
		fail_msg("seed %llu/%u: %s", (unsigned long long)pfn, order, err.msg);
}

static inline void check_ok(const struct pa_model *m)
{
	struct pr_error err = { 0 };

	if (pa_model_check(m, &err) < 0)
		fail_msg("invariant: %s", err.msg);
}

enum op_kind { OP_END, OP_ALLOC, OP_FREE, OP_APPLY, OP_DRAIN_NEXT, OP_DRAIN, OP_REFILL,
	       OP_EXPECT_FREE, OP_PREDICT };

/*
 * ALLOC: pa_alloc (predict + commit) expecting pfn and path
 * PREDICT: pa_predict only
 * FREE: pa_free expecting a pa_free_result in `path`
 * APPLY: pa_apply_alloc(pfn, order, mt) expecting a pa_apply_result in `path`
 * DRAIN_NEXT: pa_predict_drain(cpu, zone 0) == pfn
 * DRAIN: pa_pcp_drain(pfn, order)
 * EXPECT_FREE: free_blocks[order][mt] == pfn (a count)
 */
struct op {
	enum op_kind kind;
	uint32_t cpu;
	uint64_t gfp;
	unsigned order;
	uint64_t pfn;
	int path;
	int mt;
};

#define ALLOC(c, g, o, p, pa) { OP_ALLOC, c, g, o, p, pa, 0 }
#define PREDICT(c, g, o, p, pa) { OP_PREDICT, c, g, o, p, pa, 0 }
#define FREE(c, p, o, res) { OP_FREE, c, 0, o, p, res, 0 }
#define APPLY(c, p, o, mt, res) { OP_APPLY, c, 0, o, p, res, mt }
#define DRAIN_NEXT(c, p) { OP_DRAIN_NEXT, c, 0, 0, p, 0, 0 }
#define DRAIN(c, p, o) { OP_DRAIN, c, 0, o, p, 0, -1 }
#define REFILL(c, p, o, mt) { OP_REFILL, c, 0, o, p, 0, mt }
#define EXPECT_FREE(o, mt, n) { OP_EXPECT_FREE, 0, 0, o, n, 0, mt }
#define END { OP_END, 0, 0, 0, 0, 0, 0 }

static inline void run_ops(struct pa_model *m, const struct op *ops)
{
	for (int i = 0; ops[i].kind != OP_END; i++) {
		const struct op *o = &ops[i];
		struct pa_request r = { .cpu = o->cpu, .node = -1, .gfp = o->gfp, .order = o->order };
		struct pa_prediction p;
		struct pa_zone_state zs;

		switch (o->kind) {
		case OP_ALLOC:
		case OP_PREDICT:
			if (o->kind == OP_ALLOC)
				pa_alloc(m, &r, &p);
			else
				pa_predict(m, &r, &p);
			if (p.pfn != o->pfn || (int)p.path != o->path)
				fail_msg("step %d: expected pfn %llu path %s, got pfn %llu path %s", i,
					 (unsigned long long)o->pfn, pa_path_name(o->path),
					 (unsigned long long)p.pfn, pa_path_name(p.path));
			break;
		case OP_FREE:
			assert_int_equal(pa_free(m, o->cpu, o->pfn, o->order), o->path);
			break;
		case OP_APPLY:
			assert_int_equal(pa_apply_alloc(m, o->cpu, o->pfn, o->order, o->mt), o->path);
			break;
		case OP_DRAIN_NEXT:
			assert_int_equal(pa_predict_drain(m, o->cpu, 0), o->pfn);
			break;
		case OP_DRAIN:
			assert_int_equal(pa_pcp_drain(m, o->cpu, o->pfn, o->order, o->mt), 0);
			break;
		case OP_REFILL:
			assert_int_equal(pa_pcp_refill(m, o->cpu, o->pfn, o->order, o->mt),
					 PA_APPLY_FROM_BUDDY);
			break;
		case OP_EXPECT_FREE:
			pa_zone_state(m, 0, &zs);
			if (zs.free_blocks[o->order][o->mt] != o->pfn)
				fail_msg("step %d: expected %llu free blocks of order %u type %d, got %llu",
					 i, (unsigned long long)o->pfn, o->order, o->mt,
					 (unsigned long long)zs.free_blocks[o->order][o->mt]);
			break;
		case OP_END:
			break;
		}
		check_ok(m);
	}
}

#endif
