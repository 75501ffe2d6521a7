/* SPDX-License-Identifier: MIT */
#include <getopt.h>
#include <stdio.h>

#include "capture/import_print.h"
#include "capture/prt.h"
#include "commands.h"

static const char usage[] =
	"usage: pagereplay dump FILE.prt\n"
	"\n"
	"Print every event as a line of kernel ftrace text (nanosecond timestamps),\n"
	"in time order: grep a .prt, or feed the text back to `pagereplay import`,\n"
	"which gives back the same events. Checkpoints print as '#' comments.\n";

static int dump(struct prt_reader *r, struct pr_error *err)
{
	const struct prt_header *h = prt_reader_header(r);
	struct prt_event ev;
	char line[1024];
	int got;

	printf("# pagereplay dump: %u cpus, kernel %s\n#P:%u\n", h->nr_cpus,
	       h->kernel_release[0] ? h->kernel_release : "unknown", h->nr_cpus);
	while ((got = prt_reader_next(r, &ev, err)) == 1) {
		if (ev.type == PRT_EV_CHECKPOINT) {
			printf("# checkpoint %llu at %llu ns\n", (unsigned long long)ev.arg[0],
			       (unsigned long long)ev.ts_ns);
			continue;
		}
		imp_print_event(line, sizeof(line), &ev, prt_reader_comm(r, ev.pid), h);
		puts(line);
		if (ferror(stdout))
			return 0;	/* main reports the write failure */
	}
	return got;
}

static int run(int argc, char **argv)
{
	struct pr_error err = { 0 };
	struct prt_reader *r;
	int c, rc;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+", (const struct option[]){ { 0 } }, NULL)) != -1)
		return cli_usage_error("dump", "unknown option '%s'", argv[optind - 1]);
	if (optind + 1 != argc)
		return cli_usage_error("dump", optind == argc ? "expected a trace file"
							    : "expected one trace file");
	r = prt_reader_open(argv[optind], &err);
	if (!r)
		return cli_report(&err);
	rc = dump(r, &err);
	prt_reader_close(r);
	return rc < 0 ? cli_report(&err) : EXIT_OK;
}

const struct pr_command cmd_dump = {
	.name = "dump",
	.run = run,
	.summary = "print a .prt trace's events as ftrace text",
	.usage = usage,
};
