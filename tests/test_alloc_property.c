/* SPDX-License-Identifier: MIT */
/*
 * Property test: long seeded random alloc/free sequences under every
 * profile on a two-zone node held near its low watermark, with the
 * invariant checker after every step. Two drivers per profile: free-run
 * (pa_alloc, auto drain) and lock-step (predict, then the pcp refills,
 * the allocation and the drains applied one block at a time, the way
 * replay follows a trace). The test also counts what the sequence
 * exercised (pcp hits and refills, drains, fallbacks and claims, the
 * slow path, highatomic reserves and unreserves, cold frees) and fails
 * if a rule was never reached, so the property covers them.
 */
#include "tests/test_alloc_util.h"

#include <stdlib.h>
#include <string.h>

#define NPAGES	8192
#define MAXHELD	8192

struct cover {
	unsigned path[PA_NR_PATHS];
	unsigned drains, claims, slow, reserved, unreserved, cold;
};

struct run {
	struct pa_model *m;
	bool lockstep;
	uint64_t held[MAXHELD];
	uint8_t held_order[MAXHELD];
	unsigned nheld;
	uint64_t held_pages;
	uint8_t order_of[NPAGES];	/* order of the block last put at pfn (lock-step drains) */
	struct cover c;
};

/*
 * DMA32 [0,4096) and Normal [4096,8192) on node 0, 2 cpus, pageblock
 * order 5, orders 0..10; watermarks 96/192/288 (Normal), 48/96/144
 * (DMA32), lowmem_reserve for Normal requests in DMA32: 32. pcp batch 4,
 * high 24 (6.x: 16..64). Everything free at the start but [0-31].
 */
static struct pa_model *prop_model(enum pa_profile prof)
{
	static const int16_t nodes[2] = { 0, 0 };
	struct pa_zone_desc zd[2] = {
		{ .type = PA_ZONE_DMA32, .start_pfn = 0, .spanned = 4096, .present = 4096,
		  .managed = 4096, .wmark_min = 48, .wmark_low = 96, .wmark_high = 144,
		  .lowmem_reserve = { [PA_ZONE_NORMAL] = 32, [PA_ZONE_MOVABLE] = 32 },
		  .pcp_high = 24, .pcp_batch = 4, .pcp_high_min = 16, .pcp_high_max = 64 },
		{ .type = PA_ZONE_NORMAL, .start_pfn = 4096, .spanned = 4096, .present = 4096,
		  .managed = 4096, .wmark_min = 96, .wmark_low = 192, .wmark_high = 288,
		  .pcp_high = 24, .pcp_batch = 4, .pcp_high_min = 16, .pcp_high_max = 64 },
	};
	struct pa_topology t = { .nr_cpus = 2, .cpu_node = nodes, .nr_zones = 2, .zones = zd,
				 .nr_orders = 11, .pageblock_order = 5 };
	struct pa_model *m = pa_model_create(&t, prof, NULL);

	assert_non_null(m);
	for (uint64_t pfn = 32; pfn < 1024; pfn <<= 1)
		seed(m, pfn, __builtin_ctzll(pfn), -1);
	for (uint64_t pfn = 1024; pfn < NPAGES; pfn += 1024)
		seed(m, pfn, 10, -1);
	return m;
}

static uint64_t pick_gfp(enum pa_profile prof, unsigned x)
{
	bool k6 = prof == PA_PROFILE_LINUX_6;

	switch (x % 10) {
	case 0: return GFP_KERNEL_;
	case 1: return GFP_RECLAIMABLE_;
	case 2: return k6 ? GFP_ATOMIC_6 : GFP_ATOMIC_510;
	case 3: return PA_GFP(KSWAPD_RECLAIM);			/* GFP_NOWAIT */
	case 4: return GFP_KERNEL_ | PA_GFP(DMA32);
	case 5: return GFP_MOVABLE_ | PA_GFP(COLD);		/* cold only means something in 4.4 */
	default: return GFP_MOVABLE_;
	}
}

static void hold(struct run *r, uint64_t pfn, unsigned order)
{
	r->held[r->nheld] = pfn;
	r->held_order[r->nheld++] = (uint8_t)order;
	r->held_pages += 1u << order;
}

/* Lock-step drains: the model's pending drain, one block at a time. */
static void follow_drains(struct run *r, uint32_t cpu)
{
	for (int zone = 0; zone < 2; zone++) {
		while (pa_pending_drain(r->m, cpu, zone) > 0) {
			uint64_t pfn = pa_predict_drain(r->m, cpu, zone);

			assert_true(pfn != PA_PFN_NONE);
			assert_int_equal(pa_pcp_drain(r->m, cpu, pfn, r->order_of[pfn], -1), 0);
			r->c.drains++;
		}
	}
}

static bool alloc_lockstep(struct run *r, const struct pa_request *q, struct pa_prediction *p)
{
	if (pa_predict(r->m, q, p) < 0)
		return false;
	if (p->path == PA_PATH_PCP_REFILL) {
		for (unsigned i = 0; i < p->refill_count; i++) {
			uint64_t pfn = pa_predict_refill(r->m, q->cpu, p->zone, q->order,
							 p->migratetype);

			if (pfn == PA_PFN_NONE)
				break;
			assert_int_equal(pa_pcp_refill(r->m, q->cpu, pfn, q->order, p->migratetype),
					 PA_APPLY_FROM_BUDDY);
			r->order_of[pfn] = (uint8_t)q->order;
		}
		/* 4.4 cold: the prediction's block is now at the list tail; still ours */
	}
	assert_int_not_equal(pa_apply_alloc(r->m, q->cpu, p->pfn, q->order, p->migratetype),
			     PA_APPLY_NOT_FREE);
	return true;
}

static void step_alloc(struct run *r, enum pa_profile prof, unsigned x)
{
	unsigned order = x % 100 < 75 ? 0 : x % 100 < 95 ? (x >> 7) % 4 : 4 + (x >> 7) % 4;
	struct pa_request q = { .cpu = (x >> 3) & 1, .node = -1, .gfp = pick_gfp(prof, x >> 11),
				.order = order };
	struct pa_prediction p;
	struct pa_zone_state zs;
	bool ok;

	if (r->nheld == MAXHELD)
		return;
	if (order >= 4 && (x >> 20) % 2)	/* high-order atomics feed the highatomic reserve */
		q.gfp = pick_gfp(prof, 2);
	if (r->lockstep)	/* pa_alloc's own refill would hide the blocks' orders */
		q.gfp &= ~PA_GFP(COLD);
	if (r->lockstep && !(prof == PA_PROFILE_LINUX_4 && (q.gfp & PA_GFP(COLD))))
		ok = alloc_lockstep(r, &q, &p);
	else
		ok = pa_alloc(r->m, &q, &p) == 0;
	r->c.slow += p.needs_slowpath;
	r->c.path[p.path]++;
	if (!ok)
		return;
	r->c.claims += p.fallback_mt >= 0 && p.change_ownership;
	hold(r, p.pfn, order);
	pa_zone_state(r->m, p.zone, &zs);
	r->c.reserved += zs.reserved_highatomic > 0;
}

static void step_free(struct run *r, unsigned x)
{
	unsigned k = (x >> 8) % r->nheld;
	uint64_t pfn = r->held[k];
	unsigned order = r->held_order[k];
	uint32_t cpu = (x >> 3) & 1;

	int zone = pa_model_zone_of(r->m, pfn);
	struct pa_zone_state before, after;
	enum pa_free_result res;

	r->order_of[pfn] = (uint8_t)order;
	pa_zone_state(r->m, zone, &before);
	if (x % 7 == 0) {
		res = pa_free_cold(r->m, cpu, pfn, order);
		r->c.cold++;
	} else {
		res = pa_free(r->m, cpu, pfn, order);
	}
	pa_zone_state(r->m, zone, &after);
	/* free-run: the drain ran inside the free if the pcp lost pages */
	if (!r->lockstep &&
	    after.pcp_pages < before.pcp_pages + (res == PA_FREE_TO_PCP ? 1u << order : 0))
		r->c.drains++;
	r->held[k] = r->held[--r->nheld];
	r->held_order[k] = r->held_order[r->nheld];
	r->held_pages -= 1u << order;
	if (r->lockstep)
		follow_drains(r, cpu);
}

static void run_profile(enum pa_profile prof, bool lockstep, unsigned steps)
{
	static struct run r;
	unsigned seedv = 777u + (unsigned)prof * 2 + lockstep;

	memset(&r, 0, sizeof(r));
	r.m = prop_model(prof);
	r.lockstep = lockstep;
	pa_model_set_auto_drain(r.m, !lockstep);
	for (unsigned step = 0; step < steps; step++) {
		unsigned x = (unsigned)rand_r(&seedv);
		/* hover around the low watermarks: 8160 pages start free */
		unsigned alloc_pct = r.held_pages < 7700 ? 70 : 35;
		struct pr_error err = { 0 };

		if (r.nheld && x % 100 >= alloc_pct)
			step_free(&r, (unsigned)rand_r(&seedv));
		else
			step_alloc(&r, prof, (unsigned)rand_r(&seedv));
		if (x % 97 == 0 && pa_unreserve_highatomic(r.m, (x >> 5) & 1, PA_MT_UNMOVABLE,
							   (x >> 6) & 1) == 1)
			r.c.unreserved++;
		if (pa_model_check(r.m, &err) < 0)
			fail_msg("%s %s step %u: %s", pa_profile_name(prof),
				 lockstep ? "lock-step" : "free-run", step, err.msg);
	}
	print_message("%s %s: pcp %u refill %u buddy %u fallback %u highatomic %u slowpath %u "
		      "failed %u; claims %u, needs_slowpath %u, reserved-steps %u, unreserved %u, "
		      "drains %u, cold frees %u\n", pa_profile_name(prof),
		      lockstep ? "lock-step" : "free-run", r.c.path[PA_PATH_PCP],
		      r.c.path[PA_PATH_PCP_REFILL], r.c.path[PA_PATH_BUDDY],
		      r.c.path[PA_PATH_FALLBACK], r.c.path[PA_PATH_HIGHATOMIC],
		      r.c.path[PA_PATH_SLOWPATH], r.c.path[PA_PATH_NONE], r.c.claims, r.c.slow,
		      r.c.reserved, r.c.unreserved, r.c.drains, r.c.cold);
	assert_true(r.c.path[PA_PATH_PCP] > 0);
	assert_true(r.c.path[PA_PATH_PCP_REFILL] > 0);
	assert_true(r.c.path[PA_PATH_BUDDY] > 0);
	assert_true(r.c.claims > 0);
	assert_true(r.c.slow > 0);
	assert_true(r.c.drains > 0);
	if (lockstep)	/* apply_alloc has no gfp: the kernel's reservations are not seen */
		assert_int_equal(r.c.reserved, 0);
	else {
		assert_true(r.c.reserved > 0);
		assert_true(r.c.path[PA_PATH_HIGHATOMIC] > 0);
		assert_true(r.c.unreserved > 0);
	}
	pa_model_destroy(r.m);
}

static void test_property_free_run(void **state)
{
	(void)state;
	for (int prof = 0; prof < PA_NR_PROFILES; prof++)
		run_profile(prof, false, 20000);
}

static void test_property_lock_step(void **state)
{
	(void)state;
	for (int prof = 0; prof < PA_NR_PROFILES; prof++)
		run_profile(prof, true, 20000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_property_free_run),
		cmocka_unit_test(test_property_lock_step),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
