/* SPDX-License-Identifier: MIT */
/*
 * openEuler 5.10's differences from linux-5.10, each shown by the same
 * request giving different results under the two profiles. Rules read
 * from openEuler's mm/page_alloc.c get_page_from_freelist (CDM nodes are
 * skipped unless __GFP_THISNODE or an explicit nodemask) and
 * mm/mem_reliable.c / include/linux/mem_reliable.h (mirrored, "reliable"
 * memory is every zone below ZONE_MOVABLE; reliable_allow_fallback
 * defaults to true), and mm/dynamic_hugetlb.c (the pool comes first for
 * order-0 GFP_HIGHUSER_MOVABLE requests of the pool's cgroup).
 */
#include "tests/test_alloc_util.h"

/*
 * Two nodes, one Normal zone each: node 0 [0,64), node 1 [64,128); cpu 0
 * on node 0, cpu 1 on node 1; node 1 is coherent device memory. Free
 * [0-31] and [64-95] (o5, MOVABLE). A GFP_KERNEL order-0 request from
 * cpu 1 (UNMOVABLE: it claims the o5 block it falls back to, pfn = head):
 *  linux-5.10:     node 1 first: 64.
 *  openeuler-5.10: node 1 is CDM and the request has no __GFP_THISNODE:
 *                  skipped, node 0 serves it: 0. With __GFP_THISNODE the
 *                  zonelist is node 1's own: 64.
 */
static struct pa_model *cdm_model(enum pa_profile prof)
{
	static const int16_t nodes[2] = { 0, 1 };
	struct pa_zone_desc zd[2] = {
		{ .node = 0, .type = PA_ZONE_NORMAL, .start_pfn = 0, .spanned = 64, .present = 64,
		  .managed = 64, .pcp_high = 8, .pcp_batch = 1 },
		{ .node = 1, .type = PA_ZONE_NORMAL, .start_pfn = 64, .spanned = 64, .present = 64,
		  .managed = 64, .pcp_high = 8, .pcp_batch = 1 },
	};
	struct pa_topology t = { .nr_cpus = 2, .cpu_node = nodes, .nr_zones = 2, .zones = zd,
				 .nr_orders = 6, .pageblock_order = 4 };
	struct pa_model *m = pa_model_create(&t, prof, NULL);

	assert_non_null(m);
	pa_model_set_cdm_nodes(m, 1u << 1);
	seed(m, 0, 5, -1);
	seed(m, 64, 5, -1);
	return m;
}

static uint64_t predict_pfn(struct pa_model *m, uint32_t cpu, uint64_t gfp, bool *slow)
{
	struct pa_request r = { .cpu = cpu, .node = -1, .gfp = gfp, .order = 0 };
	struct pa_prediction p;

	pa_predict(m, &r, &p);
	if (slow)
		*slow = p.needs_slowpath;
	return p.pfn;
}

static void test_cdm_nodes(void **state)
{
	struct pa_model *m;

	(void)state;
	m = cdm_model(PA_PROFILE_LINUX_5_10);
	assert_int_equal(predict_pfn(m, 1, GFP_KERNEL_, NULL), 64);
	pa_model_destroy(m);

	m = cdm_model(PA_PROFILE_OPENEULER_5_10);
	assert_int_equal(predict_pfn(m, 1, GFP_KERNEL_, NULL), 0);
	assert_int_equal(predict_pfn(m, 1, GFP_KERNEL_ | PA_GFP(THISNODE), NULL), 64);
	assert_int_equal(predict_pfn(m, 0, GFP_KERNEL_, NULL), 0);
	pa_model_destroy(m);
}

/*
 * One node: Normal [0,64) and Movable [64,128), both with watermarks 0.
 * A GFP_HIGHUSER_MOVABLE | __GFP_RELIABLE order-0 request (highest zone
 * Movable; zonelist Movable, Normal):
 *  linux-5.10 (no such flag): Movable zone first: 64.
 *  openeuler-5.10: reliable memory is below ZONE_MOVABLE: with [0-31] free
 *      in Normal it gets 0 on the fast path. With Normal empty the fast
 *      path fails; the slow path may fall back to the Movable zone
 *      (reliable_allow_fallback, on by default): 64, needs_slowpath; with
 *      the fallback switched off nothing passes: failure.
 */
static struct pa_model *reliable_model(enum pa_profile prof, bool normal_free)
{
	static int16_t nodes[1];
	struct pa_zone_desc zd[2] = {
		{ .type = PA_ZONE_NORMAL, .start_pfn = 0, .spanned = 64, .present = 64,
		  .managed = 64, .pcp_high = 8, .pcp_batch = 1 },
		{ .type = PA_ZONE_MOVABLE, .start_pfn = 64, .spanned = 64, .present = 64,
		  .managed = 64, .pcp_high = 8, .pcp_batch = 1 },
	};
	struct pa_topology t = { .nr_cpus = 1, .cpu_node = nodes, .nr_zones = 2, .zones = zd,
				 .nr_orders = 6, .pageblock_order = 4 };
	struct pa_model *m = pa_model_create(&t, prof, NULL);

	assert_non_null(m);
	if (normal_free)
		seed(m, 0, 5, -1);
	seed(m, 64, 5, -1);
	return m;
}

static void test_reliable_memory(void **state)
{
	const uint64_t gfp = GFP_MOVABLE_ | PA_GFP(RELIABLE);
	struct pa_model *m;
	bool slow;

	(void)state;
	m = reliable_model(PA_PROFILE_LINUX_5_10, true);
	assert_int_equal(predict_pfn(m, 0, gfp, &slow), 64);
	assert_false(slow);
	pa_model_destroy(m);

	m = reliable_model(PA_PROFILE_OPENEULER_5_10, true);
	assert_int_equal(predict_pfn(m, 0, gfp, &slow), 0);
	assert_false(slow);
	/* without the flag openEuler behaves as 5.10 (kernel-thread context) */
	assert_int_equal(predict_pfn(m, 0, GFP_MOVABLE_, &slow), 64);
	pa_model_destroy(m);

	m = reliable_model(PA_PROFILE_OPENEULER_5_10, false);
	assert_int_equal(predict_pfn(m, 0, gfp, &slow), 64);
	assert_true(slow);
	pa_model_set_reliable_fallback(m, false);
	assert_int_equal(predict_pfn(m, 0, gfp, &slow), PA_PFN_NONE);
	assert_true(slow);
	pa_model_destroy(m);
}

/*
 * The dynamic hugetlb pool: pages [32, 48) given to the pool (allocated in
 * the buddy allocator's view: the model starts with everything allocated,
 * and only [0, 32) is seeded free). A movable order-0 request of a task in
 * the pool's cgroup on cpu 0:
 *  openeuler-5.10: the per-cpu list is empty, so 256 pages (all 16 here)
 *                  move from the pool, the first at the head: 32; then 33.
 *                  Its free goes back to the list head, not to buddy: 32
 *                  again. A GFP_KERNEL request is not eligible: buddy.
 *  linux-5.10:     no pool (adding pages is refused): buddy serves it.
 */
static void test_dhugetlb_pool(void **state)
{
	static const int16_t nodes[1] = { 0 };
	struct pa_zone_desc zd = { .type = PA_ZONE_NORMAL, .start_pfn = 0, .spanned = 64,
				   .present = 64, .managed = 64, .pcp_high = 8, .pcp_batch = 1 };
	struct pa_topology t = { .nr_cpus = 1, .cpu_node = nodes, .nr_zones = 1, .zones = &zd,
				 .nr_orders = 6, .pageblock_order = 4 };
	struct pa_request r = { .cpu = 0, .node = -1, .gfp = GFP_MOVABLE_, .order = 0,
				.dhugetlb_task = true };
	struct pa_prediction p;
	struct pa_model *m = pa_model_create(&t, PA_PROFILE_OPENEULER_5_10, NULL), *plain;

	(void)state;
	assert_non_null(m);
	seed(m, 0, 5, -1);
	assert_int_equal(pa_model_add_dhugetlb_pages(m, 0, 4), -1);	/* free pages: refused */
	assert_int_equal(pa_model_add_dhugetlb_pages(m, 32, 4), 0);
	assert_int_equal(pa_alloc(m, &r, &p), 0);
	assert_int_equal(p.pfn, 32);
	assert_int_equal(p.path, PA_PATH_DHUGETLB);
	assert_int_equal(pa_alloc(m, &r, &p), 0);
	assert_int_equal(p.pfn, 33);
	assert_int_equal(pa_free(m, 0, 32, 0), PA_FREE_TO_PCP);
	assert_int_equal(pa_predict(m, &r, &p), 0);
	assert_int_equal(p.pfn, 32);
	/* lock-step: the kernel's pool page leaves the list, buddy untouched */
	assert_int_equal(pa_apply_alloc(m, 0, 32, 0, PA_MT_MOVABLE), PA_APPLY_FROM_PCP);
	assert_int_equal(pa_predict(m, &r, &p), 0);
	assert_int_equal(p.pfn, 34);
	r.dhugetlb_task = false;
	assert_int_equal(pa_predict(m, &r, &p), 0);
	assert_true(p.pfn < 32);
	r.dhugetlb_task = true;
	r.gfp = GFP_KERNEL_;
	assert_int_equal(pa_predict(m, &r, &p), 0);
	assert_true(p.pfn < 32);
	assert_int_equal(pa_model_check(m, NULL), 0);
	pa_model_destroy(m);

	plain = pa_model_create(&t, PA_PROFILE_LINUX_5_10, NULL);
	assert_non_null(plain);
	seed(plain, 0, 5, -1);
	assert_int_equal(pa_model_add_dhugetlb_pages(plain, 32, 4), -1);
	r.gfp = GFP_MOVABLE_;
	assert_int_equal(pa_predict(plain, &r, &p), 0);
	assert_true(p.pfn < 32);
	pa_model_destroy(plain);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cdm_nodes),
		cmocka_unit_test(test_reliable_memory),
		cmocka_unit_test(test_dhugetlb_pool),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
