/* SPDX-License-Identifier: MIT */
/*
 * Bad input, written with the .prt writer: pfns outside every zone, orders
 * beyond the host's, cpus it does not have, frees of pages never allocated.
 * Each is counted in its class, in lock-step and in free-run, never a crash,
 * and the model's invariants hold throughout (--paranoid).
 */
#include "tests/lib/harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replay/replay.h"
#include "replay/synth.h"

#define MOVABLE_GFP 0x2100cca	/* the raw GFP_HIGHUSER_MOVABLE of the synthetic table */

static void ev(struct prt_writer *w, uint64_t *ts, uint8_t type, uint16_t cpu, uint64_t pfn,
	       unsigned order)
{
	struct prt_event e = { .ts_ns = ++*ts, .type = type, .cpu = cpu, .pfn = pfn,
			       .order = (uint8_t)order, .migratetype = 1, .gfp = MOVABLE_GFP };

	if (type == PRT_EV_ZONE_LOCKED)
		e.arg[0] = 1;
	struct pr_error err = { 0 };

	if (prt_writer_add(w, &e, &err) < 0)
		fail_msg("writer: %s", err.msg);
}

/*
 * A 256 MiB synthetic host (4 cpus, DMA and DMA32 up to pfn 0x10000) whose free map leaves out
 * [0x2000, 0x4000), then: three good allocations, two invalid ones, two
 * invalid frees, a free of a page already free, a free of a page outside
 * the free map and never allocated, a refill and a drain outside every zone.
 */
static const char *bad_trace(uint64_t *gfp)
{
	const char *path = scratch_path("bad.prt");
	struct rp_synth_opts o = { .profile = PA_PROFILE_LINUX_6, .cpus = 4, .memory_mb = 256 };
	struct prt_header h;
	struct prt_writer *w;
	uint64_t ts = 0, keep = 0;

	assert_int_equal(rp_synth_header(&h, &o, NULL), 0);
	*gfp = rp_synth_gfp(&h, "GFP_HIGHUSER_MOVABLE");
	assert_int_equal(*gfp, MOVABLE_GFP);
	for (uint64_t i = 0; i < h.nr_free_blocks; i++)
		if (h.free_blocks[i].pfn < 0x2000 || h.free_blocks[i].pfn >= 0x4000)
			h.free_blocks[keep++] = h.free_blocks[i];
	h.nr_free_blocks = keep;
	w = prt_writer_open(path, &h, NULL);
	assert_non_null(w);
	ev(w, &ts, PRT_EV_ALLOC, 0, 0x5000, 0);
	ev(w, &ts, PRT_EV_ALLOC, 1, 0x5200, 2);
	ev(w, &ts, PRT_EV_ALLOC, 2, 0x6000, 9);
	ev(w, &ts, PRT_EV_ALLOC, 0, 0x7fffffff, 0);	/* outside every zone */
	ev(w, &ts, PRT_EV_ALLOC, 0, 0x8000, 12);	/* order >= nr_orders (11) */
	{	/* no such cpu: the writer refuses it, so no reader ever sees one */
		struct prt_event e = { .ts_ns = ++ts, .type = PRT_EV_ALLOC, .cpu = 200,
				       .pfn = 0x8000, .migratetype = 1 };
		struct pr_error err = { 0 };

		assert_int_equal(prt_writer_add(w, &e, &err), -1);
		assert_non_null(strstr(err.msg, "event on cpu 200, header has 4 cpus"));
	}
	ev(w, &ts, PRT_EV_FREE, 0, 0x7fffffff, 0);
	ev(w, &ts, PRT_EV_FREE, 0, 0x9000, 13);
	ev(w, &ts, PRT_EV_FREE, 1, 0xa000, 0);		/* free already: never allocated */
	ev(w, &ts, PRT_EV_FREE, 1, 0x3000, 0);		/* outside the free map */
	ev(w, &ts, PRT_EV_ZONE_LOCKED, 0, 0x7fffffff, 0);
	ev(w, &ts, PRT_EV_PCPU_DRAIN, 0, 0x7fffffff, 0);
	ev(w, &ts, PRT_EV_FREE, 0, 0x5000, 0);
	ev(w, &ts, PRT_EV_FREE, 1, 0x5200, 2);
	assert_int_equal(prt_writer_close(w, NULL), 0);
	prt_header_release(&h);
	return path;
}

static void test_lockstep_counts_bad_events(void **state)
{
	uint64_t gfp;
	const char *path = bad_trace(&gfp);
	struct rp_options opt = { .profile = PA_PROFILE_LINUX_6, .paranoid = true };
	struct rp_result *r = calloc(1, sizeof(*r));
	struct pr_error err = { 0 };

	(void)state;
	if (rp_replay_file(path, &opt, r, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(r->events, 13);
	assert_int_equal(r->allocations, 5);
	assert_int_equal(r->classes[RP_invalid_event], 2);
	assert_int_equal(r->free_desync, 1);		/* the free of a free page */
	free(r);
}

static void test_freerun_counts_bad_events(void **state)
{
	uint64_t gfp;
	const char *path = bad_trace(&gfp);
	struct rp_options opt = { .profile = PA_PROFILE_LINUX_6, .paranoid = true };
	struct rp_free_result *f = calloc(1, sizeof(*f));
	struct pr_error err = { 0 };

	(void)state;
	if (rp_freerun_file(path, &opt, f, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(f->r.allocations, 5);
	assert_int_equal(f->r.classes[RP_invalid_event], 2);
	assert_int_equal(f->frees_invalid, 2);
	assert_int_equal(f->frees_routed, 2);
	/* never allocated in the trace: freed at their own pfn; the one the
	 * model held free is a desync */
	assert_int_equal(f->frees_same_pfn, 2);
	assert_int_equal(f->r.free_desync, 1);
	assert_int_equal(f->model_failures, 0);
	free(f);
}

static void test_cli_on_bad_input(void **state)
{
	uint64_t gfp;
	const char *path = bad_trace(&gfp);
	const char *junk = scratch_path("junk.prt");
	struct run_result r;
	FILE *fp;

	(void)state;
	r = run_pagereplay("replay", "--json", "--paranoid", "--mode", "free", path, NULL);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "\"invalid_event\":2"));
	assert_non_null(strstr(r.out, "\"mode\":\"free\""));
	run_result_free(&r);
	r = run_pagereplay("replay", "--json", "--paranoid", path, NULL);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "\"invalid_event\":2"));
	run_result_free(&r);
	/* not a trace at all: refused with the file named */
	fp = fopen(junk, "w");
	assert_non_null(fp);
	fputs("this is not a trace\n", fp);
	fclose(fp);
	r = run_pagereplay("replay", "--mode", "free", junk, NULL);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "junk.prt"));
	run_result_free(&r);
	r = run_pagereplay("replay", "--mode", "sideways", path, NULL);
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "--mode: expected lockstep or free"));
	run_result_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lockstep_counts_bad_events),
		cmocka_unit_test(test_freerun_counts_bad_events),
		cmocka_unit_test(test_cli_on_bad_input),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);

	scratch_cleanup();
	return rc;
}
