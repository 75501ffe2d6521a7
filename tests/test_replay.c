/* SPDX-License-Identifier: MIT */
/* Lock-step replay: hand-made traces for classes, and the bundled real ones. */
#include "tests/lib/harness.h"
#include "tests/lib/prt_sample.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replay/replay.h"

/*
 * A one-zone trace header: Normal at 0x100000, 4096 pages, one free
 * order-10 block at 0x100000, the 6.18 gfp bits that matter here.
 */
static void tiny_header(struct prt_header *h)
{
	const struct prt_free_block fb[] = { { 0x100000, 10, 1, false } };

	sample_one_zone_header(h, fb, 1);
	h->zones[0].wmark_low = 8;
}

static void add(struct prt_writer *w, uint64_t ts, uint8_t type, uint64_t pfn, unsigned order,
		uint64_t gfp, uint64_t arg0)
{
	struct prt_event ev = { .ts_ns = ts, .type = type, .pfn = pfn, .order = (uint8_t)order,
				.gfp = gfp, .migratetype = 1 };

	ev.arg[0] = arg0;
	assert_int_equal(prt_writer_add(w, &ev, NULL), 0);
}

static void test_classes_on_a_hand_made_trace(void **state)
{
	const char *path = scratch_path("classes.prt");
	const uint64_t movable = 0x10004a;	/* HARDWALL|IO|MOVABLE|HIGHMEM */
	struct prt_header h;
	struct prt_writer *w;
	struct rp_options opt = { .profile = -1, .paranoid = true };
	struct rp_result r;
	struct pr_error err = { 0 };

	(void)state;
	tiny_header(&h);
	w = prt_writer_open(path, &h, NULL);
	assert_non_null(w);
	/* 1. refill of 0x100000 then its allocation: the model agrees exactly */
	add(w, 10, PRT_EV_ZONE_LOCKED, 0x100000, 0, 0, 1);
	add(w, 11, PRT_EV_ALLOC, 0x100000, 0, movable, 0);
	/* 2. the pcp is empty again; the kernel takes 0x100200 (another
	 * pageblock of the free order-10 block): the model would refill from
	 * the smallest free block, 0x100001: same zone, other pageblock */
	add(w, 12, PRT_EV_ALLOC, 0x100200, 0, movable, 0);
	/* 3. the kernel fails an order-0 request the model can serve */
	add(w, 13, PRT_EV_ALLOC, PRT_PFN_NONE, 0, movable, 0);
	/* 4. a pfn outside every zone */
	add(w, 14, PRT_EV_ALLOC, 0x900000, 0, movable, 0);
	/* 5. a page the trace never showed (outside the free map): unknown */
	add(w, 15, PRT_EV_ALLOC, 0x100400 + 5, 0, movable, 0);
	/* 6. the same page again: the model knows it is allocated now */
	add(w, 16, PRT_EV_ALLOC, 0x100400 + 5, 0, movable, 0);
	assert_int_equal(prt_writer_close(w, NULL), 0);
	prt_header_release(&h);

	if (rp_replay_file(path, &opt, &r, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(r.allocations, 6);
	assert_int_equal(r.classes[RP_exact_pfn], 1);
	assert_int_equal(r.classes[RP_same_zone], 1);
	assert_int_equal(r.classes[RP_kernel_failed], 1);
	assert_int_equal(r.classes[RP_invalid_event], 1);
	assert_int_equal(r.classes[RP_unknown_state], 1);
	assert_int_equal(r.classes[RP_state_desync], 1);
	assert_int_equal(r.first[RP_same_zone][0].kernel_pfn, 0x100200);
	assert_int_equal(r.first[RP_same_zone][0].model_pfn, 0x100001);
	/* taking 0x100200 out of [0x100200, 0x100400) left 0x100201 at the head
	 * of the order-0 list, in front of 0x100001: the model's next choice */
	assert_int_equal(r.first[RP_kernel_failed][0].model_pfn, 0x100201);
	assert_int_equal(r.refills, 1);
	assert_int_equal(r.refills_agree, 1);
}

static void test_bundled_traces_classify_every_allocation(void **state)
{
	const char *names[] = { "traces/vm-heavy.prt", "traces/page-cache.prt", "traces/mixed.prt" };
	/* Sane bounds only; tests/test_fidelity.c holds the figures reached. */
	const double exact_floor[] = { 0.9, 0.9, 0.9 };

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		struct rp_options opt = { .profile = -1 };
		struct rp_result r;
		struct pr_error err = { 0 };
		uint64_t sum = 0;

		if (rp_replay_file(project_path(names[i]), &opt, &r, &err) < 0)
			fail_msg("%s", err.msg);
		for (int c = 0; c < RP_NR_CLASSES; c++)
			sum += r.classes[c];
		assert_int_equal(sum, r.allocations);
		assert_true(r.allocations > 1000);
		assert_int_equal(r.classes[RP_invalid_event], 0);
		if ((double)r.classes[RP_exact_pfn] / (double)r.allocations < exact_floor[i])
			fail_msg("%s: exact pfn %.4f below %.2f", names[i],
				 (double)r.classes[RP_exact_pfn] / (double)r.allocations, exact_floor[i]);
	}
}

static void test_cli(void **state)
{
	struct run_result r;

	(void)state;
	/* options may follow the file names */
	r = run_pagereplay("replay", project_path("traces/mixed.prt"), "--json", NULL);
	assert_int_equal(r.status, 0);
	for (const char *const *k = (const char *const[]){ "\"events\":", "\"allocations\":",
		"\"events_per_s\":", "\"model\":\"linux-6\"", "\"mode\":\"lockstep\"",
		"\"agreement\":{\"exact_pfn\":", "\"same_zone\":", "\"outcome\":", "\"pcp\":",
		"\"exact_pfn_known\":", "\"known_share\":", "\"fallback\":null",
		"\"corrections\":{\"free_blocks_dropped\":", "\"frees_past_locked_pcp\":",
		"\"isolations_undone\":", "\"guesses_undone_at_success\":", "\"fails_within_slack\":", "\"fast_guesses_moved\":", "\"checks_before_other_cpus\":", "\"lists_rotated\":",
		"\"classes\":{\"exact_pfn\":", NULL };
	     *k; k++)
		if (!strstr(r.out, *k))
			fail_msg("missing %s in %s", *k, r.out);
	run_result_free(&r);
	/* the text summary's breakdowns, with the trace's own flag names */
	r = run_pagereplay("replay", project_path("traces/page-cache.prt"), NULL);
	assert_int_equal(r.status, 0);
	for (const char *const *k = (const char *const[]){ "exact pfn by order: 0: ",
		"exact pfn by migratetype: Unmovable ", " Movable ", "exact pfn by zone (the kernel's): ",
		"DMA32 ", "Normal ", "gfp masks diverging most", "GFP_TRANSHUGE", "drains agree ",
		"passed over (to their list's tail)", "frees only handed a page back to compaction",
		NULL };
	     *k; k++)
		if (!strstr(r.out, *k))
			fail_msg("missing %s in %s", *k, r.out);
	run_result_free(&r);
	r = run_pagereplay("replay", "--model", "linux-7", "x.prt", NULL);
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "--model: expected linux-4, linux-5.10, linux-6 or "
				      "openeuler-5.10, got 'linux-7'"));
	run_result_free(&r);
	r = run_pagereplay("replay", "--db", "/nonexistent-dir/x.db", project_path("traces/mixed.prt"),
			   NULL);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "/nonexistent-dir/x.db"));
	run_result_free(&r);
	r = run_pagereplay("replay", "/nonexistent.prt", NULL);
	assert_int_equal(r.status, 1);
	run_result_free(&r);
}

/* Replay a bundled trace into db (one more run). */
static void replay_into(const char *db, const char *trace)
{
	struct run_result r = run_pagereplay("replay", "--db", db, project_path(trace), NULL);

	assert_int_equal(r.status, 0);
	run_result_free(&r);
}

/* A query over db whose CSV output must hold `want`. */
static void expect_csv(const char *db, const char *sql, const char *want, const char *what)
{
	struct run_result r = run_pagereplay("query", "--db", db, "--csv", sql, NULL);

	if (r.status != 0 || !strstr(r.out, want))
		fail_msg("%s: %s %s", what, r.out, r.err);
	run_result_free(&r);
}

/* replay --db: the run's agreement in SQLite equals what replay printed. */
static void test_replay_into_database(void **state)
{
	const char *db = scratch_path("runs.db");
	struct run_result r;
	struct rp_options opt = { .profile = -1 };
	struct rp_result res;
	char want[128];

	(void)state;
	assert_int_equal(rp_replay_file(project_path("traces/page-cache.prt"), &opt, &res, NULL), 0);
	r = run_pagereplay("replay", "--db", db, project_path("traces/page-cache.prt"), NULL);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.err, "run 1 written to"));
	run_result_free(&r);
	r = run_pagereplay("query", "--db", db, "--csv",
			   "select count from class_totals where run_id = 1 and class = 'exact_pfn'",
			   NULL);
	if (r.status != 0)
		fail_msg("%s", r.err);
	snprintf(want, sizeof(want), "%llu", (unsigned long long)res.classes[RP_exact_pfn]);
	if (!strstr(r.out, want))
		fail_msg("exact_pfn %s not in %s", want, r.out);
	run_result_free(&r);
	/* every non-agreeing allocation is a divergence row */
	r = run_pagereplay("query", "--db", db, "--csv",
			   "select count(*) from divergences where run_id = 1", NULL);
	snprintf(want, sizeof(want), "%llu",
		 (unsigned long long)(res.allocations - res.classes[RP_exact_pfn] -
				      res.classes[RP_both_failed]));
	if (!strstr(r.out, want))
		fail_msg("divergences %s not in %s", want, r.out);
	run_result_free(&r);
	r = run_pagereplay("query", "--db", db, "--csv", "select count(*) > 0 from frag_samples",
			   NULL);
	assert_non_null(strstr(r.out, "1"));
	run_result_free(&r);
	/* Model free pages beside the kernel's at every checkpoint. This trace
	 * has heavy compaction (docs/fidelity.md): within 3.5% (3.2% reached, at
	 * the busiest checkpoint) in every zone, within 0.2% at all others, and
	 * exact in the zones compaction did not touch. */
	expect_csv(db, "select count(*), sum(abs(diff) * 1000 > 35 * kernel_free_pages), "
		   "sum(abs(diff) * 1000 > 2 * kernel_free_pages), sum(diff = 0) "
		   "from checkpoint_free where run_id = 1 and kernel_free_pages > 0",
		   "12,0,1,8", "page-cache checkpoints off by more than 3.5% / 0.2%");
	/* on the mixed workload: within 0.1% at every checkpoint */
	replay_into(db, "traces/mixed.prt");
	expect_csv(db, "select count(*), sum(abs(diff) * 1000 > kernel_free_pages) "
		   "from checkpoint_free where run_id = 2 and kernel_free_pages > 0",
		   "9,0", "mixed checkpoints off by more than 0.1%");
	/* near the low watermark (Normal holds 16-68 k free pages): beyond 1%
	 * where free page reporting had blocks isolated (73% and 25%, and 2.9%
	 * at the row after); 81 of the 96 zone rows exact (docs/fidelity.md) */
	replay_into(db, "traces/page-cache-low.prt");
	expect_csv(db, "select count(*), sum(abs(diff) * 100 > kernel_free_pages), "
		   "sum(abs(diff) * 1000 > 25 * kernel_free_pages), sum(diff = 0) "
		   "from checkpoint_free where run_id = 3 and kernel_free_pages > 0",
		   "96,3,3,81", "page-cache-low checkpoints");
	/* the same workload with free page reporting off (page_reporting.order
	 * 11 in the header): within 0.9% at all 93 zone rows, 62 exact */
	replay_into(db, "traces/page-cache-noreport.prt");
	expect_csv(db, "select count(*), sum(abs(diff) * 1000 > 9 * kernel_free_pages), "
		   "sum(diff = 0) from checkpoint_free where run_id = 4 and kernel_free_pages > 0",
		   "93,0,62", "page-cache-noreport checkpoints");
	/* a capture with read windows: every count compared over its file's
	 * read (31 checkpoints, each timed); within 0.2% at all 93 zone rows
	 * (0.1% before session 10's rule for slow scans that took nothing),
	 * 63 exact, and 55 per-list counts moved while pagetypeinfo was read */
	replay_into(db, "traces/page-cache-timed.prt");
	expect_csv(db, "select count(*), sum(abs(diff) * 1000 > 2 * kernel_free_pages), "
		   "sum(diff = 0), sum(zoneinfo_read_ns > 0) from checkpoint_free "
		   "where run_id = 5 and kernel_free_pages > 0",
		   "93,0,63,93", "page-cache-timed checkpoints");
	expect_csv(db, "select sum(model_min != model_max) from checkpoint_diff "
		   "where run_id = 5 and kernel_blocks is not null and pagetypeinfo_read_ns > 0",
		   "55", "page-cache-timed lists that moved during a read");
	/* a capture that polled free page reporting's counters: 4 batches held
	 * over the time the worker had them; without them 6 rows beyond 1%
	 * (39%, 89% and 184% during batches); the free map as tracing began
	 * and the fallbacks' pages (6.15+ traces them by extfrag alone) took
	 * the last 4 (1.3-1.5%): every row within 0.1%, 217 exact */
	replay_into(db, "traces/page-cache-reporting.prt");
	expect_csv(db, "select count(*), sum(abs(diff) * 100 > kernel_free_pages), "
		   "sum(abs(diff) * 10 > kernel_free_pages), sum(diff = 0) from checkpoint_free "
		   "where run_id = 6 and kernel_free_pages > 0",
		   "225,0,0,217", "page-cache-reporting checkpoints");
	/* nearer the low watermark, with the counters (session 7): 2 of 156
	 * zone rows beyond 1% (DMA32, 2.1% and 3.9%, at the trace's end), 93
	 * exact */
	replay_into(db, "traces/page-cache-low-counters.prt");
	expect_csv(db, "select count(*), sum(abs(diff) * 100 > kernel_free_pages), "
		   "sum(abs(diff) * 10 > kernel_free_pages), sum(diff = 0) from checkpoint_free "
		   "where run_id = 7 and kernel_free_pages > 0",
		   "156,2,0,93", "page-cache-low-counters checkpoints");
	/* the same workload with each cpu's pagesets (session 8): cpu 1's
	 * Normal list grew 174 pages with no event, the model's buddy lists
	 * 171 over the kernel's after it (1.25% at the worst row); the excess
	 * blocks taken onto that list (replay/pcp_untraced.c): every row within
	 * 0.7%, 101 exact; since session 10's rule for slow scans that took
	 * nothing, one row 256 pages over (1.25%: the model's isolations on
	 * such scans had stood in for ones it cannot match), until session
	 * 12 found which of the two fast guesses in that scan's range was
	 * wrong: every row within 0.7% again, 102 exact; 241 of 306 pagesets
	 * exact (215 before the pages from before tracing that the kernel
	 * shows gone were forgotten) */
	replay_into(db, "traces/page-cache-pcp.prt");
	expect_csv(db, "select count(*), sum(abs(diff) * 100 > kernel_free_pages), "
		   "sum(abs(diff) * 1000 > 7 * kernel_free_pages), sum(diff = 0) from checkpoint_free "
		   "where run_id = 8 and kernel_free_pages > 0",
		   "153,0,0,102", "page-cache-pcp checkpoints");
	expect_csv(db, "select count(*), sum(diff = 0) from checkpoint_pcp_diff where run_id = 8",
		   "306,241", "page-cache-pcp pagesets");
	/* from a fragmented start: the last checkpoint came during a reporting
	 * batch the capture's end cut off (16,384 pages held, 2.6% before the
	 * open batch was kept): every row within 0.3%, 106 exact; within
	 * 0.1%, 110 exact, since session 13's rule for fast searches that
	 * take another search's guess */
	replay_into(db, "traces/page-cache-fragmented.prt");
	expect_csv(db, "select count(*), sum(abs(diff) * 1000 > kernel_free_pages), sum(diff = 0) "
		   "from checkpoint_free where run_id = 9 and kernel_free_pages > 0",
		   "156,0,110", "page-cache-fragmented checkpoints");
	/* session 9: a batch of 120 MiB taken as one scatterlist (4 order-9
	 * and 28 order-10 blocks): 7.1% at the checkpoint during the next one
	 * when the model filled the list with order-9 blocks; then two rows at
	 * 1.0-1.04% (the kernel's cpu 0 Normal list 41 pages longer than the
	 * model's from checkpoint 10 on, more than the cells showed gone);
	 * every row within 0.92%, 105 exact (0.66% with session 10's
	 * fast-guess rule alone, 0.92% again with its rule for slow scans that
	 * took nothing, 0.98% with session 13's drain rule) */
	replay_into(db, "traces/page-cache-batches.prt");
	expect_csv(db, "select count(*), sum(abs(diff) * 100 > kernel_free_pages), sum(diff = 0) "
		   "from checkpoint_free where run_id = 10 and kernel_free_pages > 0",
		   "153,0,105", "page-cache-batches checkpoints");
	/* session 9, the same workload: every row within 0.76%, 103 exact (104
	 * since session 13) */
	replay_into(db, "traces/page-cache-carved.prt");
	expect_csv(db, "select count(*), sum(abs(diff) * 1000 > 8 * kernel_free_pages), sum(diff = 0) "
		   "from checkpoint_free where run_id = 11 and kernel_free_pages > 0",
		   "153,0,104", "page-cache-carved checkpoints");
	/* session 10, the same workload at page_reporting.order 5: 40 of its
	 * 180 zone rows were 1.0-1.35% off (the model ~950 pages over, fast
	 * searches' blocks the slow scanner later took) before the fast-guess
	 * rule; every row within 0.4% now, 123 exact */
	replay_into(db, "traces/page-cache-reported.prt");
	expect_csv(db, "select count(*), sum(abs(diff) * 1000 > 4 * kernel_free_pages), sum(diff = 0) "
		   "from checkpoint_free where run_id = 12 and kernel_free_pages > 0",
		   "180,0,123", "page-cache-reported checkpoints");
	/* session 10, again: 40 of 168 rows 1.0-2.7% off, the model 500-650
	 * pages short, before the rule for slow scans that took nothing;
	 * every row within 0.4% now, 120 exact */
	replay_into(db, "traces/page-cache-scanner.prt");
	expect_csv(db, "select count(*), sum(abs(diff) * 1000 > 4 * kernel_free_pages), sum(diff = 0) "
		   "from checkpoint_free where run_id = 13 and kernel_free_pages > 0",
		   "168,0,120", "page-cache-scanner checkpoints");
	/* mixed again, its fallbacks' lists corrected (session 10): within
	 * 0.1% at every checkpoint */
	replay_into(db, "traces/mixed-fallback.prt");
	expect_csv(db, "select count(*), sum(abs(diff) * 1000 > kernel_free_pages) "
		   "from checkpoint_free where run_id = 14 and kernel_free_pages > 0",
		   "6,0", "mixed-fallback checkpoints");
	/* session 13, the low-watermark workload on a fresh host: 37 of 201
	 * rows 1.0-2.3% off (the model 504-632 pages over from checkpoint 7
	 * to the end: searches that found their block in another search's
	 * guess took nothing in the model) before the rule; every row within
	 * 0.91% now, 137 exact */
	replay_into(db, "traces/page-cache-guesses.prt");
	expect_csv(db, "select count(*), sum(abs(diff) * 1000 > 91 * kernel_free_pages / 10), "
		   "sum(diff = 0) from checkpoint_free where run_id = 15 and kernel_free_pages > 0",
		   "201,0,137", "page-cache-guesses checkpoints");
	/* session 13, the same, longer: one row 25% off (24 order-10 blocks a
	 * reporting walk held, its sample 0.14 ms after the checkpoint's
	 * reads) until holds began a poll interval before their sample; every
	 * row within 0.36%, 248 exact */
	replay_into(db, "traces/page-cache-poll.prt");
	expect_csv(db, "select count(*), sum(abs(diff) * 1000 > 36 * kernel_free_pages / 10), "
		   "sum(diff = 0) from checkpoint_free where run_id = 16 and kernel_free_pages > 0",
		   "258,0,248", "page-cache-poll checkpoints");
	/* session 13, made after those two rules: one row 1.06% off (the
	 * model 474 pages short after a run dropped the held frees of its
	 * migration sources that drains had shown real) before the drain
	 * rule; every row within 0.39% now, 137 exact */
	replay_into(db, "traces/page-cache-drained.prt");
	expect_csv(db, "select count(*), sum(abs(diff) * 1000 > 39 * kernel_free_pages / 10), "
		   "sum(diff = 0) from checkpoint_free where run_id = 17 and kernel_free_pages > 0",
		   "201,0,137", "page-cache-drained checkpoints");
	/* session 13, again: DMA32 1,024 pages under at checkpoints 2-5
	 * (4.4%), the model holding an order-10 block for a reporting batch
	 * the free map lacked already, until such a batch was dropped; every
	 * row within 0.96% now, 137 exact */
	replay_into(db, "traces/page-cache-scan-batch.prt");
	expect_csv(db, "select count(*), sum(abs(diff) * 1000 > 96 * kernel_free_pages / 10), "
		   "sum(diff = 0) from checkpoint_free where run_id = 18 and kernel_free_pages > 0",
		   "201,0,137", "page-cache-scan-batch checkpoints");
	/* session 13, mixed on a fresh host: its second checkpoint 4.2% off in
	 * DMA32 and Normal (32 order-10 blocks held in DMA32 that the kernel
	 * held in Normal) before the per-list budget of the worker's pass;
	 * within 0.002% now */
	replay_into(db, "traces/mixed-budget.prt");
	expect_csv(db, "select count(*), sum(abs(diff) * 100000 > 2 * kernel_free_pages) "
		   "from checkpoint_free where run_id = 19 and kernel_free_pages > 0",
		   "6,0", "mixed-budget checkpoints");
	/* session 13, vm-heavy's first 1.2 s on the fresh host: a reporting
	 * batch out while the scan read the free map, back by the first
	 * checkpoint (its row 2,048 pages off); the model 1,053-2,116 pages
	 * under at the other four until the blocks the capture found off the
	 * lists came back there; within 0.002% now */
	replay_into(db, "traces/vm-heavy-out.prt");
	expect_csv(db, "select count(*), sum(abs(diff) * 100000 > 2 * kernel_free_pages) "
		   "from checkpoint_free where run_id = 20 and kernel_free_pages > 0 and seq > 1",
		   "12,0", "vm-heavy-out checkpoints after the first");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classes_on_a_hand_made_trace),
		cmocka_unit_test(test_bundled_traces_classify_every_allocation),
		cmocka_unit_test(test_cli),
		cmocka_unit_test(test_replay_into_database),
	};
	int failed = cmocka_run_group_tests_name("replay", tests, NULL, NULL);

	scratch_cleanup();
	return failed;
}
