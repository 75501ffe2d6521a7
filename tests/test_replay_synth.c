/* SPDX-License-Identifier: MIT */
/*
 * Self-consistency: the model as a stand-in kernel writes a trace; replaying
 * it with the same profile must agree in every class, with another profile
 * it must not (so the check can fail).
 */
#include "tests/lib/harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replay/replay.h"
#include "replay/synth.h"

static void synth(const char *path, enum pa_profile p, uint64_t seed, uint64_t mb, bool free_safe,
		  struct rp_synth_stats *st)
{
	struct rp_synth_opts o = { .profile = p, .seed = seed, .events = 150000, .cpus = 4,
				   .memory_mb = mb, .no_drain_all = free_safe, .no_thp = free_safe };
	struct pr_error err = { 0 };

	if (rp_synth_write(path, &o, st, &err) < 0)
		fail_msg("synth: %s", err.msg);
	assert_int_equal(st->events >= 150000, 1);
}

static void lockstep(const char *path, enum pa_profile p, struct rp_result *r)
{
	struct rp_options opt = { .profile = (int)p };
	struct pr_error err = { 0 };

	if (rp_replay_file(path, &opt, r, &err) < 0)
		fail_msg("replay: %s", err.msg);
}

/* Same profile: every allocation exact (or failed in both), every pcp move agreed. */
static void assert_consistent(const struct rp_result *r, const struct rp_synth_stats *st)
{
	assert_int_equal(r->allocations, st->allocations);
	assert_int_equal(r->classes[RP_exact_pfn], st->allocations - st->failures);
	assert_int_equal(r->classes[RP_both_failed], st->failures);
	for (int c = 0; c < RP_NR_CLASSES; c++)
		if (c != RP_exact_pfn && c != RP_both_failed)
			assert_int_equal(r->classes[c], 0);
	assert_int_equal(r->refills, st->refills);
	assert_int_equal(r->refills_agree, r->refills);
	assert_int_equal(r->drains, st->drains);
	assert_int_equal(r->drains_agree, r->drains);
	assert_int_equal(r->free_desync, 0);
	assert_int_equal(r->extfrag, st->fallbacks);
}

static void check_generator(enum pa_profile gen, enum pa_profile other, uint64_t mb)
{
	const char *path = scratch_path("synth.prt");
	struct rp_synth_stats st;
	struct rp_result *r = calloc(1, sizeof(*r));

	synth(path, gen, 42, mb, false, &st);
	/* the workload must exercise what it claims to */
	assert_true(st.allocations > 5000 && st.frees > 4000);
	assert_true(st.refills > 1000 && st.drains > 1000);
	assert_true(st.failures > 0 && st.fallbacks > 0);
	lockstep(path, gen, r);
	assert_consistent(r, &st);
	lockstep(path, other, r);
	assert_true(r->classes[RP_exact_pfn] < st.allocations - st.failures);
	assert_true(r->refills_agree < r->refills || r->drains_agree < r->drains);
	free(r);
}

static void test_linux6_generator(void **state)
{
	(void)state;
	/* 128 MiB: at 256 the linux-6 stand-in no longer fails any request now
	 * that the watermark check sees a refill's blocks as free, as the
	 * kernel does (it checks before it refills) */
	check_generator(PA_PROFILE_LINUX_6, PA_PROFILE_LINUX_5_10, 128);
}

static void test_linux510_generator(void **state)
{
	(void)state;
	check_generator(PA_PROFILE_LINUX_5_10, PA_PROFILE_LINUX_4, 256);
}

static void test_linux4_generator(void **state)
{
	(void)state;
	check_generator(PA_PROFILE_LINUX_4, PA_PROFILE_LINUX_6, 256);
}

/* Free-run with the generator's profile makes the stand-in's choices again. */
static void test_freerun_matches_generator(void **state)
{
	const char *path = scratch_path("free.prt");
	struct rp_synth_stats st;
	struct rp_options opt = { .profile = PA_PROFILE_LINUX_6 };
	struct rp_free_result *f = calloc(1, sizeof(*f));
	struct pr_error err = { 0 };

	(void)state;
	synth(path, PA_PROFILE_LINUX_6, 3, 256, true, &st);
	assert_int_equal(rp_freerun_file(path, &opt, f, &err), 0);
	assert_int_equal(f->r.allocations, st.allocations);
	assert_int_equal(f->r.classes[RP_exact_pfn] + f->r.classes[RP_both_failed], st.allocations);
	assert_int_equal(f->kernel_failures, f->model_failures);
	assert_int_equal(f->frees_routed, st.frees);
	assert_int_equal(f->frees_same_pfn + f->frees_conflict + f->r.free_desync, 0);
	/* model's own refills and drains, the kernel's only counted */
	assert_int_equal(f->r.refills, st.refills);
	/* another profile makes other choices */
	opt.profile = PA_PROFILE_LINUX_4;
	assert_int_equal(rp_freerun_file(path, &opt, f, &err), 0);
	assert_true(f->r.classes[RP_exact_pfn] < st.allocations);
	free(f);
}

static void test_synth_command(void **state)
{
	const char *out = scratch_path("cmd.prt");
	struct run_result r;

	(void)state;
	r = run_pagereplay("synth", "--model", "linux-6", "--seed", "5", "--events", "20000",
			   "--memory", "64", "-o", out, NULL);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "allocations"));
	run_result_free(&r);
	r = run_pagereplay("replay", "--json", "--model", "linux-6", out, NULL);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "\"exact_pfn_known\":1.000000"));
	assert_non_null(strstr(r.out, "\"pcp\":1.000000"));
	run_result_free(&r);
	/* a real trace's host: its zones and free map */
	r = run_pagereplay("synth", "--topology-from", project_path("traces/page-cache.prt"),
			   "--events", "20000", "-o", out, NULL);
	assert_int_equal(r.status, 0);
	run_result_free(&r);
	r = run_pagereplay("replay", "--json", "--model", "linux-6", out, NULL);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "\"pcp\":1.000000"));
	assert_non_null(strstr(r.out, "\"outcome\":1.000000"));
	run_result_free(&r);
	r = run_pagereplay("synth", "--model", "linux-9", "-o", out, NULL);
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "--model: expected"));
	run_result_free(&r);
	r = run_pagereplay("synth", "--events", "10", NULL);
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "expected -o OUT.prt"));
	run_result_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_linux6_generator),
		cmocka_unit_test(test_linux510_generator),
		cmocka_unit_test(test_linux4_generator),
		cmocka_unit_test(test_freerun_matches_generator),
		cmocka_unit_test(test_synth_command),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);

	scratch_cleanup();
	return rc;
}
