/* SPDX-License-Identifier: MIT */
/* pagereplay synth: write a trace made by the model playing the kernel. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "replay/synth.h"

static const char usage[] =
	"usage: pagereplay synth -o OUT.prt [--model P] [--seed S] [--events N]\n"
	"                        [--cpus C] [--memory MB] [--topology-from TRACE.prt]\n"
	"\n"
	"Run the allocator model as a stand-in kernel over a seeded workload (mixed\n"
	"orders and gfp masks, frees, pcp refills and drains) and write the events\n"
	"the kernel would have traced as a .prt file. Replaying it lock-step with\n"
	"the same profile agrees exactly; with another profile it shows where the\n"
	"profiles differ.\n"
	"\n"
	"  -o, --output F   the trace to write (required)\n"
	"  --model P        linux-4, linux-5.10, linux-6 (default) or openeuler-5.10\n"
	"  --seed S         workload seed (default 1)\n"
	"  --events N       about this many events (default 1000000)\n"
	"  --cpus C         cpus of the synthetic host, 1-256 (default 4)\n"
	"  --memory MB      memory of the synthetic host, 32 MiB - 1 TiB (default 1024)\n"
	"  --topology-from T  pretend to be the host of trace T: its zones, cpus, pcp\n"
	"                   settings, gfp table and free map at capture start\n"
	"  --no-drain-all   never empty a cpu's pcp lists whole (drain_all_pages):\n"
	"                   free-run replay does not see it and would drift\n"
	"  --no-thp         no order-9 THP requests (see docs/replay.md)\n";

static int number(const char *opt, const char *arg, unsigned long long lo,
		  unsigned long long hi, unsigned long long *out)
{
	if (cli_parse_u64(arg, out) < 0 || *out < lo || *out > hi)
		return cli_usage_error("synth", "%s: expected a number from %llu to %llu, got '%s'",
				       opt, lo, hi, arg);
	return 0;
}

static int run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "model", required_argument, NULL, 'P' },
		{ "profile", required_argument, NULL, 'P' },
		{ "topology-from", required_argument, NULL, 't' },
		{ "no-drain-all", no_argument, NULL, 'D' },
		{ "no-thp", no_argument, NULL, 'T' },
		{ "seed", required_argument, NULL, 's' },
		{ "events", required_argument, NULL, 'n' },
		{ "cpus", required_argument, NULL, 'c' },
		{ "memory", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 },
	};
	struct rp_synth_opts o = { .profile = PA_PROFILE_LINUX_6, .seed = 1, .events = 1000000,
				   .cpus = 4, .memory_mb = 1024 };
	unsigned long long v;
	const char *out = NULL;
	struct rp_synth_stats st;
	struct pr_error err = { 0 };
	int c, p;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+o:", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case 't': o.topology_from = optarg; break;
		case 'D': o.no_drain_all = true; break;
		case 'T': o.no_thp = true; break;
		case 'P':
			p = pa_profile_from_name(optarg);
			if (p < 0)
				return cli_usage_error("synth", "--model: expected linux-4, "
						       "linux-5.10, linux-6 or openeuler-5.10, got '%s'",
						       optarg);
			o.profile = (enum pa_profile)p;
			break;
		case 's':
			if (number("--seed", optarg, 0, UINT64_MAX, &v))
				return EXIT_USAGE;
			o.seed = v;
			break;
		case 'n':
			if (number("--events", optarg, 1, 1ULL << 40, &v))
				return EXIT_USAGE;
			o.events = v;
			break;
		case 'c':
			if (number("--cpus", optarg, 1, 256, &v))
				return EXIT_USAGE;
			o.cpus = (uint32_t)v;
			break;
		case 'm':
			if (number("--memory", optarg, 32, 1ULL << 20, &v))
				return EXIT_USAGE;
			o.memory_mb = v;
			break;
		case '?':
			if (optopt)
				return cli_usage_error("synth", "option '%s' needs an argument",
						       argv[optind - 1]);
			return cli_usage_error("synth", "unknown option '%s'", argv[optind - 1]);
		default:
			return cli_usage_error("synth", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error("synth", "unexpected argument '%s'", argv[optind]);
	if (!out)
		return cli_usage_error("synth", "expected -o OUT.prt");
	if (rp_synth_write(out, &o, &st, &err) < 0)
		return cli_report(&err);
	printf("%s: %s, seed %llu, %llu events: %llu allocations (%llu failed), %llu frees, "
	       "%llu pcp refills, %llu drains, %llu fallbacks\n", out, pa_profile_name(o.profile),
	       (unsigned long long)o.seed, (unsigned long long)st.events,
	       (unsigned long long)st.allocations, (unsigned long long)st.failures,
	       (unsigned long long)st.frees, (unsigned long long)st.refills,
	       (unsigned long long)st.drains, (unsigned long long)st.fallbacks);
	return EXIT_OK;
}

const struct pr_command cmd_synth = {
	.name = "synth",
	.run = run,
	.summary = "write a synthetic trace made by the model playing the kernel",
	.usage = usage,
};
