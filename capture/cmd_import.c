/* SPDX-License-Identifier: MIT */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "capture/import.h"
#include "commands.h"

static const char usage[] =
	"usage: pagereplay import [-o OUT.prt] [--format FORMAT] [--events-format FILE]\n"
	"                         [--kernel VERSION] [--zoneinfo FILE] [--pagetypeinfo FILE]\n"
	"                         [--skip-bad] INPUT\n"
	"\n"
	"Convert a trace made by other tools into a .prt file: kernel ftrace text\n"
	"(`trace`, `trace_pipe`), `trace-cmd report` text, `perf script` text of\n"
	"`perf record -e kmem:...`, or a trace-cmd trace.dat. INPUT '-' reads standard\n"
	"input; .gz, .zst and .xz text is decompressed as it is read. A .prt of an\n"
	"older format version is written again in the current one.\n"
	"\n"
	"  -o, --output OUT.prt    output file (default: INPUT with .prt, or trace.prt for '-')\n"
	"  --format FORMAT         ftrace, trace-cmd, perf-script, trace-dat or prt (default:\n"
	"                          recognised from the content)\n"
	"  --events-format FILE    the tracing kernel's events/kmem/mm_page_alloc/format,\n"
	"                          whose flag list turns gfp names back into bits\n"
	"  --kernel VERSION        4, 5.10 or 6: built-in gfp names of that generation;\n"
	"                          the running kernel's release: its own format (default 6)\n"
	"  --zoneinfo FILE         saved /proc/zoneinfo of the traced host (topology)\n"
	"  --pagetypeinfo FILE     saved /proc/pagetypeinfo (migratetypes, free counts)\n"
	"  --skip-bad              count unparsable lines (info shows them) and go on\n"
	"\n"
	"Without --zoneinfo the zones are inferred from the pfns seen. Events other\n"
	"than the page allocator's are skipped and counted.\n";

enum { OPT_FORMAT = 256, OPT_EVENTS_FORMAT, OPT_KERNEL, OPT_ZONEINFO, OPT_PAGETYPEINFO,
       OPT_SKIP_BAD };

/* INPUT minus its compression and trace suffixes, plus .prt. */
static void default_output(const char *in, char *out, size_t len)
{
	static const char *const suffixes[] = { ".gz", ".zst", ".xz", ".txt", ".trace", ".dat" };
	const char *base = strrchr(in, '/');
	size_t n;

	base = base ? base + 1 : in;
	n = strlen(base);
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		size_t s = strlen(suffixes[i]);

		if (n > s && strcmp(base + n - s, suffixes[i]) == 0)
			n -= s;
	}
	snprintf(out, len, "%.*s.prt", (int)n, base);
}

static int parse_args(int argc, char **argv, struct imp_options *o)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "events-format", required_argument, NULL, OPT_EVENTS_FORMAT },
		{ "kernel", required_argument, NULL, OPT_KERNEL },
		{ "zoneinfo", required_argument, NULL, OPT_ZONEINFO },
		{ "pagetypeinfo", required_argument, NULL, OPT_PAGETYPEINFO },
		{ "skip-bad", no_argument, NULL, OPT_SKIP_BAD },
		{ NULL, 0, NULL, 0 },
	};
	int c, f;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+o:", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': o->output = optarg; break;
		case OPT_FORMAT:
			f = imp_format_from_name(optarg);
			if (f < 0)
				return cli_usage_error("import", "unknown format '%s' (expected ftrace, trace-cmd, perf-script, trace-dat or prt)", optarg);
			o->format = (enum imp_format)f;
			break;
		case OPT_EVENTS_FORMAT: o->events_format = optarg; break;
		case OPT_KERNEL: o->kernel = optarg; break;
		case OPT_ZONEINFO: o->zoneinfo = optarg; break;
		case OPT_PAGETYPEINFO: o->pagetypeinfo = optarg; break;
		case OPT_SKIP_BAD: o->skip_bad = true; break;
		case ':':
			return cli_usage_error("import", "option '%s' needs a value", argv[optind - 1]);
		default:
			return cli_usage_error("import", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error("import", optind == argc ? "expected an input trace"
							      : "expected one input trace");
	o->input = argv[optind];
	return EXIT_OK;
}

static int run(int argc, char **argv)
{
	struct imp_options o = { 0 };
	struct imp_result r;
	struct pr_error err = { 0 };
	char out[4096];
	int rc = parse_args(argc, argv, &o);

	if (rc != EXIT_OK)
		return rc;
	if (!o.output) {
		default_output(strcmp(o.input, "-") == 0 ? "trace" : o.input, out, sizeof(out));
		o.output = out;
	}
	if (import_trace(&o, &r, &err) < 0)
		return err.code == PR_EUSAGE && strncmp(err.msg, "unknown kernel", 14) == 0
			       ? cli_usage_error("import", "%s", err.msg) : cli_report(&err);
	printf("imported %s (%s): %llu lines, %llu events (%llu alloc, %llu failed, %llu free), "
	       "%llu lost in %llu markers, %llu lines of other events skipped, %llu bad lines skipped\n",
	       o.input, imp_format_name(r.format), (unsigned long long)r.lines,
	       (unsigned long long)r.events, (unsigned long long)r.per_type[PRT_EV_ALLOC],
	       (unsigned long long)r.failures, (unsigned long long)r.per_type[PRT_EV_FREE],
	       (unsigned long long)r.lost_events, (unsigned long long)r.per_type[PRT_EV_LOST],
	       (unsigned long long)r.skipped, (unsigned long long)r.bad_lines);
	printf("gfp names: %s; %u cpus; topology %s\nwrote %s\n", r.gfp_table, r.nr_cpus,
	       r.topology_inferred ? "inferred from the pfns seen" :
	       r.format == IMP_FORMAT_PRT ? "the input's" : "from --zoneinfo", o.output);
	return EXIT_OK;
}

const struct pr_command cmd_import = {
	.name = "import",
	.run = run,
	.summary = "convert ftrace / trace-cmd / perf script text or trace.dat into .prt",
	.usage = usage,
};
