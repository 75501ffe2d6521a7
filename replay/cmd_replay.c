/* SPDX-License-Identifier: MIT */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "replay/cmd_replay.h"
#include "replay/replay.h"
#include "replay/cmd_replay_breakdown.h"
#include "replay/replay_db.h"

static const char usage[] =
	"usage: pagereplay replay [--model M] [--mode lockstep|free] [--json]\n"
	"                        [--paranoid | --check-every N] [--jobs N] [--db D] FILE.prt...\n"
	"\n"
	"Replay a trace against the buddy-allocator model in lock-step: before each\n"
	"kernel allocation the model predicts its block from the same state, gfp,\n"
	"order and cpu; the prediction is classified against the kernel's; then the\n"
	"model follows the kernel. Prints agreement per class (docs/divergence.md).\n"
	"\n"
	"  --model M     linux-4, linux-5.10, linux-6 or openeuler-5.10 (default:\n"
	"                from the trace's kernel release)\n"
	"  --mode MODE   lockstep (default) or free: the model makes its own choices\n"
	"                (frees follow the kernel's pfn to the model's block), for\n"
	"                comparing profiles on one workload (docs/replay.md)\n"
	"  --jobs N      replay the traces in up to N processes at once; results in\n"
	"                argument order (--json: one array)\n"
	"  --json        one JSON object per trace instead of tables\n"
	"  --paranoid    check the model's invariants after every event; stop at\n"
	"                the first violation with the event index\n"
	"  --check-every N  the same check every N events (a host-sized model\n"
	"                takes milliseconds to check)\n"
	"  --verbose     also the first allocations of each class, with context\n"
	"  --db D        also write the run into the SQLite database D (created if\n"
	"                missing): divergences, agreement by gfp/order/migratetype/\n"
	"                zone/path, fragmentation samples; see docs/schema.md\n"
	"  --sample-every N  with --db: a fragmentation sample of every zone each N\n"
	"                events (default 100000) and at the end\n";

static double frac(uint64_t a, uint64_t b)
{
	return b ? (double)a / (double)b : 0.0;
}

static uint64_t outcome_agree(const struct rp_result *r)
{
	return r->outcome_agree;
}

static uint64_t zone_agree(const struct rp_result *r)
{
	return r->zone_agree;
}

/* Allocations whose candidate lists the model knows: the trace had shown
 * the kernel's page (not unknown_state) and no events were lost just before
 * (not lost_events); invalid events are not allocations of a known zone. */
static uint64_t known(const struct rp_result *r)
{
	return r->allocations - r->classes[RP_unknown_state] - r->classes[RP_unknown_order] -
	       r->classes[RP_untraced_alloc] - r->classes[RP_lost_events] -
	       r->classes[RP_invalid_event];
}

/* Refills whose choice the model could know: not among the initial free
 * blocks whose list order the trace never showed. */
static uint64_t known_refills(const struct rp_result *r)
{
	return r->refills - r->refills_unknown;
}

/* Drains of blocks the model had seen onto a pcp list. */
static uint64_t known_drains(const struct rp_result *r)
{
	return r->drains - r->drains_unknown;
}

/* A fraction, or null when there is nothing to divide (no fallbacks). */
static const char *json_frac(char *buf, uint64_t a, uint64_t b)
{
	if (!b)
		return "null";
	snprintf(buf, 16, "%.6f", frac(a, b));
	return buf;
}

static void print_json(const char *path, const struct rp_result *r)
{
	char fb[16], fb_pfn[16];

	printf("{\"trace\":\"%s\",\"model\":\"%s\",\"mode\":\"lockstep\",\"events\":%llu,"
	       "\"allocations\":%llu,\"events_per_s\":%.0f,\"agreement\":{\"exact_pfn\":%.6f,"
	       "\"same_zone\":%.6f,\"outcome\":%.6f,\"pcp\":%.6f,\"pcp_refill\":%.6f,"
	       "\"pcp_drain\":%.6f,\"exact_pfn_known\":%.6f,\"known_share\":%.6f,"
	       "\"pcp_refill_known_share\":%.6f,\"pcp_drain_known_share\":%.6f,"
	       "\"pcp_refill_all\":%.6f,\"pcp_drain_all\":%.6f,\"fallback\":%s,\"fallback_pfn\":%s},"
	       "\"fallbacks\":%llu,\"fallback_captures\":%llu,\"pageblocks_retyped\":%llu,"
	       "\"corrections\":{\"free_blocks_dropped\":%llu,\"blocks_demoted\":%llu,"
	       "\"lists_rotated\":%llu,"
	       "\"untraced_blocks\":%llu,\"frees_past_locked_pcp\":%llu,"
	       "\"compaction_frees_dropped\":%llu,\"isolations_found\":%llu,"
	       "\"isolations_undone\":%llu,\"guesses_undone_at_success\":%llu,\"fast_guesses_moved\":%llu,\"fast_searches\":%llu,\"fast_searches_reproduced\":%llu,\"report_holds\":%llu,\"report_blocks\":%llu,\"report_batches_seen\":%llu,\"report_pages_seen\":%llu,\"report_pages_short\":%llu,\"captures\":%llu,\"captures_used\":%llu,"
	       "\"checks_before_other_cpus\":%llu,\"checks_within_slack\":%llu,"
	       "\"scan_pages_before\":%llu,\"scan_pages_changed\":%llu,"
	       "\"fallback_refills\":%llu,\"blocks_gone_by_first_checkpoint\":%llu,"
	       "\"blocks_back_by_first_checkpoint\":%llu,"
	       "\"passes_within_slack\":%llu,\"fails_within_slack\":%llu},"
	       "\"classes\":{", path, pa_profile_name(r->profile),
	       (unsigned long long)r->events, (unsigned long long)r->allocations,
	       r->seconds > 0 ? (double)r->events / r->seconds : 0.0,
	       frac(r->classes[RP_exact_pfn], r->allocations), frac(zone_agree(r), r->allocations),
	       frac(outcome_agree(r), r->allocations),
	       frac(r->refills_agree + r->drains_agree, known_refills(r) + known_drains(r)),
	       frac(r->refills_agree, known_refills(r)), frac(r->drains_agree, known_drains(r)),
	       frac(r->classes[RP_exact_pfn], known(r)), frac(known(r), r->allocations),
	       frac(known_refills(r), r->refills), frac(known_drains(r), r->drains),
	       frac(r->refills_agree, r->refills), frac(r->drains_agree, r->drains),
	       json_frac(fb, r->extfrag_agree, rp_fallbacks_compared(r)),
	       json_frac(fb_pfn, r->extfrag_pfn_agree, rp_fallbacks_compared(r)),
	       (unsigned long long)r->extfrag, (unsigned long long)r->extfrag_captures,
	       (unsigned long long)r->pageblocks_retyped,
	       (unsigned long long)r->free_blocks_dropped, (unsigned long long)r->blocks_demoted,
	       (unsigned long long)r->lists_rotated,
	       (unsigned long long)r->untraced_blocks, (unsigned long long)r->frees_past_locked_pcp,
	       (unsigned long long)r->compaction_frees_dropped,
	       (unsigned long long)r->isolations_found, (unsigned long long)r->isolations_undone,
	       (unsigned long long)r->guesses_undone_at_success,
	       (unsigned long long)r->fast_guesses_moved,
	       (unsigned long long)r->fast_searches, (unsigned long long)r->fast_search_fit,
	       (unsigned long long)r->report_batches, (unsigned long long)r->report_blocks,
	       (unsigned long long)r->report_seen, (unsigned long long)r->report_seen_pages,
	       (unsigned long long)r->report_seen_short,
	       (unsigned long long)r->captures, (unsigned long long)r->captures_used,
	       (unsigned long long)r->checks_before_other_cpus,
	       (unsigned long long)r->checks_within_slack,
	       (unsigned long long)r->scan_pages_before, (unsigned long long)r->scan_pages_changed,
	       (unsigned long long)r->fallback_refills,
	       (unsigned long long)r->blocks_gone_by_first_checkpoint,
	       (unsigned long long)r->blocks_back_by_first_checkpoint,
	       (unsigned long long)r->passes_within_slack, (unsigned long long)r->fails_within_slack);
	for (int c = 0; c < RP_NR_CLASSES; c++)
		printf("%s\"%s\":%llu", c ? "," : "", rp_class_name(c),
		       (unsigned long long)r->classes[c]);
	printf("},\"pcp_checkpoints\":{\"checkpoints\":%llu,\"compared\":%llu,\"count\":%s,"
	       "\"high\":%s,\"worst_diff\":%lld,\"untraced_pages\":%llu}}\n",
	       (unsigned long long)r->pcp_checkpoints, (unsigned long long)r->pcp_checked,
	       json_frac(fb, r->pcp_count_agree, r->pcp_checked),
	       json_frac(fb_pfn, r->pcp_high_agree, r->pcp_checked), (long long)r->pcp_worst_diff,
	       (unsigned long long)r->pcp_untraced_pages);
}

static void print_text(const char *path, const struct rp_result *r)
{
	printf("%s: model %s, lock-step, %llu events (%.1f M events/s), %llu allocations\n", path,
	       pa_profile_name(r->profile), (unsigned long long)r->events,
	       r->seconds > 0 ? (double)r->events / r->seconds / 1e6 : 0.0,
	       (unsigned long long)r->allocations);
	printf("  %-16s %12s %8s  %s\n", "class", "count", "share", "meaning");
	for (int c = 0; c < RP_NR_CLASSES; c++)
		printf("  %-16s %12llu %7.2f%%  %s\n", rp_class_name(c),
		       (unsigned long long)r->classes[c], 100 * frac(r->classes[c], r->allocations),
		       rp_class_desc(c));
	printf("  exact pfn over allocations the model could know: %.2f%% (%.2f%% of all are known)\n",
	       100 * frac(r->classes[RP_exact_pfn], known(r)), 100 * frac(known(r), r->allocations));
	printf("  exact pfn by order:");
	for (int o = 0; o < RP_MAX_ORDERS; o++)
		if (r->by_order[o][0])
			printf(" %d: %.2f%% of %llu;", o, 100 * frac(r->by_order[o][1], r->by_order[o][0]),
			       (unsigned long long)r->by_order[o][0]);
	printf("\n");
	print_breakdowns(path, r);
	printf("  pcp refills agree %.2f%% of %llu the model could know (%llu more were decided "
	       "by the initial list order), drains agree %.2f%% of %llu (%llu more of pages on pcp "
	       "lists since before capture or put there by no event, %llu of them held free by "
	       "the model; %llu drained from another cpu's lists); frees %llu "
	       "(%llu of pages the model held free); %llu pageblock types corrected\n",
	       100 * frac(r->refills_agree, known_refills(r)), (unsigned long long)known_refills(r),
	       (unsigned long long)r->refills_unknown, 100 * frac(r->drains_agree, known_drains(r)),
	       (unsigned long long)known_drains(r), (unsigned long long)r->drains_unknown,
	       (unsigned long long)r->drains_untraced, (unsigned long long)r->remote_drains, (unsigned long long)r->frees,
	       (unsigned long long)r->free_desync, (unsigned long long)r->pageblocks_retyped);
	printf("  corrections from what no event shows: %llu blocks let go, %llu passed over "
	       "(to their list's tail), %llu lists rotated, %llu taken by untraced bulk "
	       "allocations, %llu frees past a locked pcp list\n",
	       (unsigned long long)r->free_blocks_dropped, (unsigned long long)r->blocks_demoted,
	       (unsigned long long)r->lists_rotated, (unsigned long long)r->untraced_blocks,
	       (unsigned long long)r->frees_past_locked_pcp);
	if (r->extfrag)
		printf("  fallbacks (mm_page_alloc_extfrag): %llu (%llu of them compaction "
		       "captures); the model fell back the same way for %.2f%% of the others "
		       "(same block for %.2f%%)\n", (unsigned long long)r->extfrag,
		       (unsigned long long)r->extfrag_captures, 100 * frac(r->extfrag_agree, rp_fallbacks_compared(r)),
		       100 * frac(r->extfrag_pfn_agree, rp_fallbacks_compared(r)));
	if (r->isolated_pages || r->isolate_mismatch)
		printf("  compaction isolated %llu free pages; %llu isolation events did not match "
		       "the model's free blocks; %llu frees only handed a page back to compaction; "
		       "its releases showed %llu blocks the kernel had isolated (%llu taken back); "
		       "successful runs showed %llu blocks taken on a guess were free, later "
		       "scans %llu fast searches' blocks\n",
		       (unsigned long long)r->isolated_pages, (unsigned long long)r->isolate_mismatch,
		       (unsigned long long)r->compaction_frees_dropped,
		       (unsigned long long)r->isolations_found, (unsigned long long)r->isolations_undone,
		       (unsigned long long)r->guesses_undone_at_success,
		       (unsigned long long)r->fast_guesses_moved);
	if (r->fast_searches)
		printf("  the model reproduced %llu of %llu fast free scanner searches (their counts)\n",
		       (unsigned long long)r->fast_search_fit, (unsigned long long)r->fast_searches);
	if (r->report_batches)
		printf("  free page reporting: %llu failures the model would have served explained as "
		       "%llu blocks held off the lists\n",
		       (unsigned long long)r->report_batches, (unsigned long long)r->report_blocks);
	if (r->report_seen)
		printf("  free page reporting: %llu batches seen by the capture held %llu pages off "
		       "the lists (%llu pages found no unreported block; %llu blocks chosen were "
		       "the kernel's to allocate)\n",
		       (unsigned long long)r->report_seen, (unsigned long long)r->report_seen_pages,
		       (unsigned long long)r->report_seen_short,
		       (unsigned long long)r->report_seen_wrong);
	if (r->captures)
		printf("  compaction capture: %llu blocks a compacting task's frees completed went to "
		       "it, %llu then allocated by it\n",
		       (unsigned long long)r->captures, (unsigned long long)r->captures_used);
	if (r->checks_before_other_cpus)
		printf("  %llu allocation outcomes decided before another cpu's buddy-list change "
		       "traced just ahead of them\n",
		       (unsigned long long)r->checks_before_other_cpus);
	if (r->checks_within_slack)
		printf("  %llu failed watermark checks overruled by the kernel's allocation from "
		       "the pcp list (the model's free count just under the mark)\n",
		       (unsigned long long)r->checks_within_slack);
	if (r->pcp_checked)
		printf("  pcp lists at %llu checkpoints: the count agrees for %.2f%% of %llu (zone, "
		       "cpu) pagesets, high for %.2f%%; the worst, model less kernel, %lld pages; "
		       "%llu pages taken onto lists that grew with no event\n",
		       (unsigned long long)r->pcp_checkpoints, 100 * frac(r->pcp_count_agree, r->pcp_checked),
		       (unsigned long long)r->pcp_checked, 100 * frac(r->pcp_high_agree, r->pcp_checked),
		       (long long)r->pcp_worst_diff, (unsigned long long)r->pcp_untraced_pages);
	if (r->scan_pages_changed)
		printf("  the free map at capture start: %llu pages moved on or off the free lists "
		       "before the kpageflags scan read them, %llu of them read otherwise\n",
		       (unsigned long long)r->scan_pages_before,
		       (unsigned long long)r->scan_pages_changed);
}

static void print_first(const struct rp_result *r)
{
	static const char *const apply_names[] = { "from_pcp", "from_other_pcp", "from_buddy",
						    "not_free", "unknown", "outside" };

	printf("  first allocations of each class (event, cpu, order, gfp, kernel pfn, model pfn, "
	       "model path, where the kernel's block was in the model):\n");
	for (int c = 0; c < RP_NR_CLASSES; c++)
		for (uint64_t i = 0; i < r->classes[c] && i < RP_FIRST; i++) {
			const struct rp_divergence *d = &r->first[c][i];

			printf("    %-14s #%-9llu cpu %u order %u gfp %#llx kernel %#llx model %#llx "
			       "%s %s\n", rp_class_name(c), (unsigned long long)d->event, d->cpu,
			       d->order, (unsigned long long)d->gfp, (unsigned long long)d->kernel_pfn,
			       (unsigned long long)d->model_pfn, pa_path_name(d->path),
			       (unsigned)d->apply < 6 ? apply_names[d->apply] : "?");
		}
}

/* A progress line on a terminal, for long replays. */
static void show_progress(void *ctx, uint64_t done, uint64_t total)
{
	const char *path = ctx;

	if (done >= total)
		fprintf(stderr, "\r%*s\r", 72, "");
	else
		fprintf(stderr, "\r%s: %5.1f%% of %llu events", path,
			total ? 100.0 * (double)done / (double)total : 0.0, (unsigned long long)total);
	fflush(stderr);
}

int replay_one(const char *path, const struct replay_cli *c)
{
	struct rp_options opt = c->opt;
	struct rp_result res;
	struct pr_error err = { 0 };
	struct rp_db_sink *sink = NULL;

	if (opt.mode == RP_MODE_FREE)
		return replay_free_one(path, c);
	if (c->db_path) {
		sink = rp_db_sink_open(c->db_path, path, opt.profile >= 0 ?
				       pa_profile_name(opt.profile) : "", c->sample_every, &err);
		if (!sink)
			return cli_report(&err);
		opt.observer = rp_db_sink_observer(sink);
	}
	if (cli_stderr_is_tty()) {
		opt.progress = show_progress;
		opt.progress_ctx = (void *)path;
	}
	if (rp_replay_file(path, &opt, &res, &err) < 0) {
		rp_db_sink_abort(sink);
		return cli_report(&err);
	}
	if (sink) {
		int64_t run = rp_db_sink_commit(sink, &res, &err);

		if (run < 0)
			return cli_report(&err);
		if (!c->quiet_db)
			fprintf(stderr, "pagereplay: run %lld written to '%s'\n", (long long)run,
				c->db_path);
	}
	if (c->json)
		print_json(path, &res);
	else
		print_text(path, &res);
	if (c->verbose && !c->json)
		print_first(&res);
	return EXIT_OK;
}

static int run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "model", required_argument, NULL, 'm' },
		{ "mode", required_argument, NULL, 'M' },
		{ "json", no_argument, NULL, 'j' },
		{ "paranoid", no_argument, NULL, 'p' },
		{ "check-every", required_argument, NULL, 'c' },
		{ "db", required_argument, NULL, 'd' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "sample-every", required_argument, NULL, 's' },
		{ "jobs", required_argument, NULL, 'J' },
		{ NULL, 0, NULL, 0 },
	};
	struct replay_cli cli = { .opt = { .profile = -1 } };
	struct rp_options opt = { .profile = -1 };
	const char *db_path = NULL;
	unsigned long long sample_every = 0, jobs = 1, check_every = 0;
	bool json = false, verbose = false;
	int c, status = EXIT_OK;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'm':
			opt.profile = pa_profile_from_name(optarg);
			if (opt.profile < 0)
				return cli_usage_error("replay", "--model: expected linux-4, linux-5.10, "
						       "linux-6 or openeuler-5.10, got '%s'", optarg);
			break;
		case 'M':
			if (strcmp(optarg, "lockstep") == 0)
				opt.mode = RP_MODE_LOCKSTEP;
			else if (strcmp(optarg, "free") == 0)
				opt.mode = RP_MODE_FREE;
			else
				return cli_usage_error("replay", "--mode: expected lockstep or free, "
						       "got '%s'", optarg);
			break;
		case 'J':
			if (cli_parse_u64(optarg, &jobs) < 0 || jobs == 0 || jobs > 256)
				return cli_usage_error("replay", "--jobs: expected 1 to 256, got '%s'",
						       optarg);
			break;
		case 'j': json = true; break;
		case 'p': opt.paranoid = true; break;
		case 'c':
			if (cli_parse_u64(optarg, &check_every) < 0 || check_every == 0)
				return cli_usage_error("replay", "--check-every: expected a number of "
						       "events > 0, got '%s'", optarg);
			opt.check_every = check_every;
			break;
		case 'v': verbose = true; break;
		case 's':
			if (cli_parse_u64(optarg, &sample_every) < 0 || sample_every == 0)
				return cli_usage_error("replay", "--sample-every: expected a number of "
						       "events > 0, got '%s'", optarg);
			break;
		case 'd': db_path = optarg; break;
		default:
			return cli_usage_error("replay", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind == argc)
		return cli_usage_error("replay", "expected a trace file");
	cli = (struct replay_cli){ .opt = opt, .db_path = db_path, .sample_every = sample_every,
				   .json = json, .verbose = verbose };
	if (jobs > 1 && argc - optind > 1)
		return replay_jobs(argv + optind, argc - optind, jobs, &cli);
	for (int i = optind; i < argc; i++) {
		int st = replay_one(argv[i], &cli);

		if (st != EXIT_OK)
			status = st;
	}
	return status;
}

const struct pr_command cmd_replay = {
	.name = "replay",
	.run = run,
	.summary = "replay a trace against the allocator model and classify divergence",
	.usage = usage,
};
