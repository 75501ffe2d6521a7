/* SPDX-License-Identifier: MIT */
/*
 * Fidelity regression (issue 7, docs/fidelity.md): lock-step replay of the
 * bundled traces, captured on this project's test host with
 * scripts/workloads/, must not fall below the agreement reached. Replay is
 * deterministic, so each floor is the figure reached rounded down; raise
 * them when the model improves. (Session 9 lowered page-cache-fragmented's
 * known share 0.9846 -> 0.9845: two allocations became unknown_order when
 * the kernel's block, a guessed one of the model's list, counted too; and
 * page-cache-pcp's refills 0.9983 -> 0.9979 for the rest of a list grown
 * with no event, replay/pcp_untraced.c.)
 */
#include "tests/lib/harness.h"

#include <stdio.h>

#include "replay/replay.h"

struct floors {
	const char *trace;
	double exact, exact_known, known_share, zone, outcome, refill_known, refill, drain, fallback;
};

static const struct floors reached[] = {
	/* trace                     exact   known   share   zone    outcome refill  (all)   drain  fallback */
	{ "traces/vm-heavy.prt",       0.9992, 0.9999, 0.9992, 1.0,    1.0,    0.9999, 0.9589, -1,    -1 },
	/* session 13: its first 1.2 s on the fresh host, 3 order-10 blocks
	 * off the lists while the scan read them */
	{ "traces/vm-heavy-out.prt",   0.9981, 0.9999, 0.9981, 1.0,    1.0,    0.9999, 0.9280, -1,    -1 },
	{ "traces/page-cache.prt",     0.9898, 0.9995, 0.9902, 1.0,    1.0,    0.9984, 0.9137, 0.9970, -1 },
	{ "traces/page-cache-low.prt", 0.9931, 0.9995, 0.9935, 0.99998, 0.99998, 0.9996, 0.9490, 0.9990, 1.0 },
	{ "traces/page-cache-noreport.prt", 0.9709, 0.9999, 0.9709, 1.0, 1.0, 0.9973, 0.7254, 0.9992, -1 },
	{ "traces/page-cache-timed.prt", 0.9832, 0.9999, 0.9833, 1.0,    1.0,    0.9971, 0.6748, 0.9977, -1 },
	/* free page reporting seen by the capture (4 batches); a capture whose
	 * kpageflags scan took 1.26 s, the kernel refilling from pages the
	 * scan had not read yet (replay/scan_start.h) */
	{ "traces/page-cache-reporting.prt", 0.9949, 0.9995, 0.9954, 1.0,    1.0,    0.9999, 0.9724, 1.0,   1.0 },
	/* session 7: nearer the low watermark (Normal 40.9 k free at start,
	 * low 20.2 k), with free page reporting's counters; its zone and
	 * outcome figures are open (docs/fidelity.md) */
	{ "traces/page-cache-low-counters.prt", 0.9956, 0.9985, 0.9970, 0.9989, 0.9990, 0.9999, 0.9586, 0.9995, 1.0 },
	/* session 8: the same workload, its checkpoints with each cpu's
	 * pagesets (the model takes pcp->high from them) and free page
	 * reporting's counters polled, still (no batch: no guessed holds);
	 * zone and outcome 100% since session 12 (a slow scan showed one of
	 * two fast guesses wrong, replay/free_scanner.c; a check before
	 * another cpu's drain, replay/lockstep_wmark.c) */
	{ "traces/page-cache-pcp.prt", 0.9970, 0.9994, 0.9976, 1.0, 1.0, 0.9995, 0.9865, 0.9988, 1.0 },
	/* session 8: the page-cache workload from a fragmented start (Normal
	 * 207 k free pages in 41 k blocks, 19 k of them order-0) */
	{ "traces/page-cache-fragmented.prt", 0.9834, 0.9988, 0.9845, 1.0, 1.0, 0.9983, 0.4197, 0.9960, -1 },
	/* session 9: the page-cache workload again, three reporting batches
	 * polled, one of them 4 order-9 and 28 order-10 blocks; zone and
	 * outcome 100% since session 10 (two THPs after successful compaction
	 * runs, replay/compaction_release.c) */
	{ "traces/page-cache-batches.prt", 0.9848, 0.9994, 0.9853, 1.0, 1.0, 0.9934, 0.9339, 0.9915, -1 },
	/* session 9: the page-cache workload again; pages on pcp lists at
	 * capture start whose buddies the free map had free (one of them the
	 * model's choice for 1,936 refills before their rest counted as
	 * unsettled); zone and outcome 100% since session 10 (one THP) */
	{ "traces/page-cache-carved.prt", 0.9838, 0.9997, 0.9841, 1.0, 1.0, 0.9964, 0.7587, 0.9978, -1 },
	/* session 10: the page-cache workload at page_reporting.order 5, the
	 * capture reading which free blocks were reported; known refills
	 * 0.99901 -> 0.99896 with session 13's rule for fast searches that take
	 * another search's guess (one refill, where its checkpoints moved from
	 * 0.29% to 0.38% at worst) */
	{ "traces/page-cache-reported.prt", 0.9835, 0.9997, 0.9837, 1.0, 1.0, 0.9989, 0.9625, 0.9973, 1.0 },
	/* session 10, the same again: slow scans that took nothing */
	{ "traces/page-cache-scanner.prt", 0.9862, 0.9995, 0.9867, 1.0, 1.0, 0.9973, 0.9663, 0.9988, 1.0 },
	/* session 13: the low-watermark workload re-captured on a fresh host
	 * (page_reporting.order 9, its default; 5 batches polled): fast
	 * searches that found their block in another search's guess, which
	 * left 37 of 201 zone rows 1.0-2.3% off before the rule */
	{ "traces/page-cache-guesses.prt", 0.9853, 0.9999, 0.9853, 1.0, 1.0, 0.9991, 0.8740, 0.9997, 1.0 },
	/* session 13, the same with SECONDS_THP=4 SECONDS_AFTER=4: a reporting
	 * walk seen 0.14 ms after a checkpoint it was in (25% off before
	 * holds began a poll interval before their sample) */
	{ "traces/page-cache-poll.prt", 0.9904, 0.9993, 0.9910, 1.0, 1.0, 0.9997, 0.8447, 0.9996, 1.0 },
	/* session 13, the same as page-cache-guesses, made after its two rules:
	 * a run's held free of a migration source that a drain then named
	 * (zone and outcome 99.996%, one row 1.06% off, before the rule) */
	{ "traces/page-cache-drained.prt", 0.9879, 0.9999, 0.9879, 1.0, 1.0, 0.9992, 0.9705, 0.9996, 1.0 },
	/* session 13, the same again: a reporting batch out during the
	 * kpageflags scan, reported 0.44 s after polling began (zone and
	 * outcome 99.989%, 4 rows 4.4% off, while the model held blocks in
	 * its place) */
	{ "traces/page-cache-scan-batch.prt", 0.9844, 0.9997, 0.9847, 1.0, 1.0, 0.9971, 0.9464, 0.9989, -1 },
	/* session 10: mixed again, with 4 unmovable fallbacks (0% agreement
	 * before the rule that the kernel's own lists were empty) */
	{ "traces/mixed-fallback.prt", 0.9945, 0.9992, 0.9952, 1.0, 1.0, 1.0, 0.6281, 1.0, 1.0 },
	{ "traces/mixed.prt",          0.9959, 0.9997, 0.9961, 1.0,    1.0,    0.9999, 0.9096, 0.9995, -1 },
	/* session 13: mixed on a fresh host, DMA32 nearly all free and
	 * unreported, 16 reporting batches in one pass (4.2% off at its second
	 * checkpoint before the per-list budget of the worker's pass) */
	{ "traces/mixed-budget.prt",   0.9972, 0.9998, 0.9973, 1.0,    1.0,    0.9994, 0.9345, -1,    -1 },
};

static double frac(uint64_t a, uint64_t b)
{
	return b ? (double)a / (double)b : 1.0;
}

static void at_least(const char *trace, const char *what, double got, double floor)
{
	if (floor >= 0 && got < floor)
		fail_msg("%s: %s %.4f fell below %.4f", trace, what, got, floor);
}

static void test_agreement_does_not_regress(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(reached) / sizeof(reached[0]); i++) {
		const struct floors *f = &reached[i];
		/* the model's invariants hold along the way too */
		struct rp_options opt = { .profile = -1, .check_every = 100000 };
		struct pr_error err = { 0 };
		struct rp_result r;
		uint64_t known;

		if (rp_replay_file(project_path(f->trace), &opt, &r, &err) < 0)
			fail_msg("%s", err.msg);
		known = r.allocations - r.classes[RP_unknown_state] - r.classes[RP_unknown_order] -
			r.classes[RP_untraced_alloc] - r.classes[RP_lost_events] -
			r.classes[RP_invalid_event];
		at_least(f->trace, "exact pfn", frac(r.classes[RP_exact_pfn], r.allocations), f->exact);
		at_least(f->trace, "exact pfn (known)", frac(r.classes[RP_exact_pfn], known),
			 f->exact_known);
		at_least(f->trace, "known share", frac(known, r.allocations), f->known_share);
		at_least(f->trace, "zone", frac(r.zone_agree, r.allocations), f->zone);
		at_least(f->trace, "outcome",
			 frac(r.outcome_agree, r.allocations), f->outcome);
		at_least(f->trace, "pcp refill (known)",
			 frac(r.refills_agree, r.refills - r.refills_unknown), f->refill_known);
		/* over all refills too: "known" is a classification, and a rule
		 * that only moved misses out of it would show here */
		at_least(f->trace, "pcp refill (all)", frac(r.refills_agree, r.refills), f->refill);
		at_least(f->trace, "pcp drain (known)",
			 frac(r.drains_agree, r.drains - r.drains_unknown), f->drain);
		at_least(f->trace, "fallback", frac(r.extfrag_agree, rp_fallbacks_compared(&r)), f->fallback);
	}
}

/*
 * Issue 7's targets themselves, on the bundled captures made by the capture
 * as it is (read windows, reporting counters, pagesets, reported bits; the
 * older three, page-cache, page-cache-low and page-cache-low-counters, lack
 * what their gaps need: docs/fidelity.md): exact pfn >= 99% of known
 * allocations, zone and outcome 100%, known refills, known drains and
 * fallbacks >= 99% where there are any. (Free counts within 1% at every
 * checkpoint: tests/test_replay.c.)
 */
static void test_issue_targets_on_current_captures(void **state)
{
	static const char *traces[] = {
		"traces/page-cache-pcp.prt", "traces/page-cache-fragmented.prt",
		"traces/page-cache-batches.prt", "traces/page-cache-carved.prt",
		"traces/page-cache-reported.prt", "traces/page-cache-scanner.prt",
		"traces/mixed-fallback.prt", "traces/page-cache-guesses.prt",
		"traces/page-cache-poll.prt", "traces/page-cache-drained.prt",
		"traces/page-cache-scan-batch.prt", "traces/mixed-budget.prt",
		"traces/vm-heavy-out.prt",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(traces) / sizeof(traces[0]); i++) {
		struct rp_options opt = { .profile = -1 };
		struct pr_error err = { 0 };
		struct rp_result r;
		uint64_t known;

		if (rp_replay_file(project_path(traces[i]), &opt, &r, &err) < 0)
			fail_msg("%s", err.msg);
		known = r.allocations - r.classes[RP_unknown_state] - r.classes[RP_unknown_order] -
			r.classes[RP_untraced_alloc] - r.classes[RP_lost_events] -
			r.classes[RP_invalid_event];
		at_least(traces[i], "exact pfn (known)", frac(r.classes[RP_exact_pfn], known), 0.99);
		at_least(traces[i], "zone", frac(r.zone_agree, r.allocations), 1.0);
		at_least(traces[i], "outcome", frac(r.outcome_agree, r.allocations), 1.0);
		at_least(traces[i], "pcp refill (known)",
			 frac(r.refills_agree, r.refills - r.refills_unknown), 0.99);
		at_least(traces[i], "pcp drain (known)",
			 frac(r.drains_agree, r.drains - r.drains_unknown), 0.99);
		at_least(traces[i], "fallback", frac(r.extfrag_agree, rp_fallbacks_compared(&r)), 0.99);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_agreement_does_not_regress),
		cmocka_unit_test(test_issue_targets_on_current_captures),
	};

	return cmocka_run_group_tests_name("fidelity", tests, NULL, NULL);
}
