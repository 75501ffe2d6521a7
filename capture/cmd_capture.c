/* SPDX-License-Identifier: MIT */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "capture/live.h"
#include "commands.h"

static const char usage[] =
	"usage: pagereplay capture [-o FILE] [--duration S] [--events LIST]\n"
	"                          [--buffer-size KB] [--checkpoint-interval S] [--shrink-pcp]\n"
	"                          [-- CMD [ARGS...]]\n"
	"\n"
	"Record the kernel's page-allocator events on this host into a .prt trace,\n"
	"in a private tracefs instance that is removed afterwards. Stops when CMD\n"
	"exits, the duration ends, or on Ctrl-C. Needs root and tracefs.\n"
	"\n"
	"  -o, --output FILE          trace to write (default: pagereplay.prt);\n"
	"                             written as FILE.tmp, renamed when complete\n"
	"  -d, --duration S           stop after S seconds (fractions allowed)\n"
	"  -e, --events LIST          change the event set: +name or -name, comma\n"
	"                             separated; a name is an event (mm_page_free) or\n"
	"                             a system (compaction, vmscan)\n"
	"  -b, --buffer-size KB       per-CPU ring buffer (default 65536)\n"
	"  -c, --checkpoint-interval S  /proc/pagetypeinfo and buddyinfo samples\n"
	"                             every S seconds (default 1; 0: none)\n"
	"  --shrink-pcp               before recording, shrink the per-cpu page lists\n"
	"                             (vm.percpu_pagelist_high_fraction raised for a\n"
	"                             moment, then put back): their pages are invisible\n"
	"                             to the free map, so replay can only call them\n"
	"                             unknown; see docs/capture.md\n";

static void on_signal(int sig)
{
	(void)sig;
	live_request_stop();
}

static void show_progress(const struct live_stats *s, void *ctx)
{
	(void)ctx;
	fprintf(stderr, "\r%6.1fs  %10llu events  %9.0f events/s  %8.1f MB  lost %llu   ",
		s->seconds, (unsigned long long)s->total,
		s->seconds > 0 ? (double)s->total / s->seconds : 0.0, (double)s->bytes / 1e6,
		(unsigned long long)s->lost);
	fflush(stderr);
}

static void print_summary(const char *out, const struct live_stats *s)
{
	printf("captured %llu events in %.2f s (%.0f events/s) into '%s'\n",
	       (unsigned long long)s->total, s->seconds,
	       s->seconds > 0 ? (double)s->total / s->seconds : 0.0, out);
	for (int t = 1; t < PRT_EV_NTYPES; t++)
		if (s->events[t])
			printf("  %-36s %12llu\n", prt_event_name(t), (unsigned long long)s->events[t]);
	printf("  lost events %llu, checkpoints %llu, %llu bytes (%.2f bytes/event)\n",
	       (unsigned long long)s->lost, (unsigned long long)s->checkpoints,
	       (unsigned long long)s->bytes, s->total ? (double)s->bytes / (double)s->total : 0.0);
	if (s->reporting_samples)
		printf("  free page reporting counters: %llu samples\n",
		       (unsigned long long)s->reporting_samples);
	printf("  initial free map: %llu free blocks, %llu pages, scanned in %.2f s;\n"
	       "    agrees with buddyinfo %.2f%% (%.2f%% within before..after), "
	       "pagetypeinfo order x migratetype %.2f%%, pageblocks %.2f%%\n",
	       (unsigned long long)s->freemap.free_blocks, (unsigned long long)s->freemap.free_pages,
	       s->freemap_scan_s, 100 * s->freemap.order_exact, 100 * s->freemap.order_bracketed,
	       100 * s->freemap.order_mt, 100 * s->freemap.pageblock_mt);
	if (s->pcp_before || s->pcp_after)
		printf("  pcp lists shrunk from %llu to %llu pages before recording\n",
		       (unsigned long long)s->pcp_before, (unsigned long long)s->pcp_after);
	if (s->command_status >= 0)
		printf("  command exited with status %d\n", s->command_status);
}

static int run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "duration", required_argument, NULL, 'd' },
		{ "events", required_argument, NULL, 'e' },
		{ "buffer-size", required_argument, NULL, 'b' },
		{ "checkpoint-interval", required_argument, NULL, 'c' },
		{ "shrink-pcp", no_argument, NULL, 'P' },
		{ NULL, 0, NULL, 0 },
	};
	struct live_options opt = { .output = "pagereplay.prt", .checkpoint_interval_s = 1.0 };
	struct live_stats stats;
	struct pr_error err = { 0 };
	unsigned long long kb;
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+o:d:e:b:c:", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': opt.output = optarg; break;
		case 'P': opt.shrink_pcp = true; break;
		case 'e': opt.events = optarg; break;
		case 'd':
			if (cli_parse_seconds(optarg, &opt.duration_s) < 0 || opt.duration_s == 0)
				return cli_usage_error("capture", "--duration: expected seconds > 0, got '%s'", optarg);
			break;
		case 'c':
			if (cli_parse_seconds(optarg, &opt.checkpoint_interval_s) < 0)
				return cli_usage_error("capture", "--checkpoint-interval: expected seconds, got '%s'", optarg);
			break;
		case 'b':
			if (cli_parse_u64(optarg, &kb) < 0 || kb < 4 || kb > (1ULL << 24))
				return cli_usage_error("capture", "--buffer-size: expected KB from 4 to 16777216, got '%s'", optarg);
			opt.buffer_kb = (unsigned)kb;
			break;
		default:
			return cli_usage_error("capture", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		opt.command = argv + optind;
	if (!opt.command && opt.duration_s == 0 && !cli_stderr_is_tty())
		return cli_usage_error("capture", "give --duration or a command: nothing would stop the capture");
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if (cli_stderr_is_tty())
		opt.progress = show_progress;
	if (live_capture(&opt, &stats, &err) < 0) {
		if (opt.progress)
			fputc('\n', stderr);
		if (err.code == PR_EUSAGE)
			return cli_usage_error("capture", "%s", err.msg);
		return cli_report(&err);
	}
	if (opt.progress)
		fputc('\n', stderr);
	print_summary(opt.output, &stats);
	return EXIT_OK;
}

const struct pr_command cmd_capture = {
	.name = "capture",
	.run = run,
	.summary = "record page-allocator events on this host into a .prt trace",
	.usage = usage,
};
