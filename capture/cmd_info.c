/* SPDX-License-Identifier: MIT */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/gfp_format.h"
#include "capture/prt.h"
#include "capture/reporting_batches.h"
#include "commands.h"

static const char usage[] =
	"usage: pagereplay info [--json] FILE.prt\n"
	"\n"
	"Describe a trace: header, topology, time span, counts per event type,\n"
	"allocation failures, lost events, histograms by order, migratetype and gfp,\n"
	"and free page reporting's batches where the capture polled its counters.\n"
	"A damaged file is described up to the damage, then the error; exit 1.\n"
	"\n"
	"  --json    one JSON object instead of text\n";

#define MAX_GFP 64

struct tally {
	uint64_t events, per_type[PRT_EV_NTYPES], failures, lost_events, lost_records;
	uint64_t order[PRT_MAX_ORDERS + 1], mt[PRT_MAX_MIGRATETYPES + 1];
	uint64_t first_ts, last_ts;
	uint64_t gfp[MAX_GFP], gfp_count[MAX_GFP], gfp_other;
	unsigned nr_gfp;
};

static void count_gfp(struct tally *t, uint64_t gfp)
{
	for (unsigned i = 0; i < t->nr_gfp; i++)
		if (t->gfp[i] == gfp) {
			t->gfp_count[i]++;
			return;
		}
	if (t->nr_gfp == MAX_GFP) {
		t->gfp_other++;
		return;
	}
	t->gfp[t->nr_gfp] = gfp;
	t->gfp_count[t->nr_gfp++] = 1;
}

static void count(struct tally *t, const struct prt_event *ev)
{
	if (t->events++ == 0)
		t->first_ts = ev->ts_ns;
	t->last_ts = ev->ts_ns;
	t->per_type[ev->type]++;
	if (ev->type == PRT_EV_LOST) {
		t->lost_records++;
		t->lost_events += ev->arg[0];
	}
	if (ev->type != PRT_EV_ALLOC)
		return;
	if (ev->pfn == PRT_PFN_NONE)
		t->failures++;
	t->order[ev->order < PRT_MAX_ORDERS ? ev->order : PRT_MAX_ORDERS]++;
	t->mt[ev->migratetype >= 0 && ev->migratetype < PRT_MAX_MIGRATETYPES
		      ? ev->migratetype : PRT_MAX_MIGRATETYPES]++;
	count_gfp(t, ev->gfp);
}

static const char *mt_name(const struct prt_header *h, int mt)
{
	return mt >= 0 && (uint32_t)mt < h->nr_migratetypes ? h->migratetype_names[mt] : "unknown";
}

static const char *source_name(uint8_t s)
{
	static const char *const names[] = { "capture", "ftrace", "trace-cmd", "perf-script",
					     "trace-dat", "synth" };
	return s < 6 ? names[s] : "unknown";
}

/* Free blocks at capture start by zone and order, and of them those free
 * page reporting had reported, where the capture read that. */
static void print_free_map(const struct prt_header *h)
{
	printf("initial free map %llu free blocks; by order%s:", (unsigned long long)h->nr_free_blocks,
	       h->free_reported_known ? " (then: of them reported)" : "");
	for (uint32_t z = 0; z < h->nr_zones; z++) {
		uint64_t by_order[2][PRT_MAX_ORDERS] = { { 0 } };
		uint64_t end = h->zones[z].start_pfn + h->zones[z].spanned;

		if (!h->zones[z].spanned)
			continue;
		for (uint64_t i = 0; i < h->nr_free_blocks; i++)
			if (h->free_blocks[i].pfn >= h->zones[z].start_pfn && h->free_blocks[i].pfn < end &&
			    h->free_blocks[i].order < PRT_MAX_ORDERS) {
				by_order[0][h->free_blocks[i].order]++;
				by_order[1][h->free_blocks[i].order] += h->free_blocks[i].reported;
			}
		for (int k = 0; k < (h->free_reported_known ? 2 : 1); k++) {
			printf("\n  %-8s", k ? "" : h->zones[z].name);
			for (uint32_t o = 0; o < h->nr_orders && o < PRT_MAX_ORDERS; o++)
				printf(" %6llu", (unsigned long long)by_order[k][o]);
		}
	}
	printf("\n");
	if (h->nr_out_blocks) {
		uint64_t pages = 0;

		for (uint64_t i = 0; i < h->nr_out_blocks; i++)
			pages += 1ULL << h->out_blocks[i].order;
		printf("off the free lists while the scan read them: %llu blocks, %llu pages\n",
		       (unsigned long long)h->nr_out_blocks, (unsigned long long)pages);
	}
}

/* The pcp pages at capture start are the ones no event will explain until
 * they are taken or drained: worth seeing beside the replay's unknown share. */
static void print_pcp(const struct prt_header *h)
{
	for (uint32_t z = 0; z < h->nr_zones; z++) {
		const struct prt_zone *zn = &h->zones[z];

		if (!zn->pcp || !zn->managed)
			continue;
		printf("pcp at start %-8s", zn->name);
		for (uint32_t c = 0; c < h->nr_cpus; c++)
			printf(" cpu%u %u/%u/%u", c, zn->pcp[c].count, zn->pcp[c].high, zn->pcp[c].batch);
		printf("  (count/high/batch)\n");
	}
}

/* How long the capture took to read each checkpoint's pagetypeinfo and
 * zoneinfo: the windows replay compares their counts over. */
static void print_checkpoint_reads(const struct prt_reader *r)
{
	uint32_t n, timed = 0;
	const struct prt_checkpoint *cp = prt_reader_checkpoints(r, &n);
	uint64_t lo[2] = { UINT64_MAX, UINT64_MAX }, hi[2] = { 0, 0 };

	for (uint32_t i = 0; i < n; i++) {
		const struct prt_window *w[2] = { &cp[i].pagetypeinfo_read, &cp[i].zoneinfo_read };

		if (!w[0]->end_ns && !w[1]->end_ns)
			continue;
		timed++;
		for (int f = 0; f < 2; f++) {
			uint64_t d = w[f]->end_ns - w[f]->start_ns;

			lo[f] = d < lo[f] ? d : lo[f];
			hi[f] = d > hi[f] ? d : hi[f];
		}
	}
	if (!timed) {
		printf("checkpoint reads not recorded (compared at each checkpoint's time)\n");
		return;
	}
	printf("checkpoint reads %u timed: pagetypeinfo %.3f-%.3f ms, zoneinfo %.3f-%.3f ms\n",
	       timed, lo[0] / 1e6, hi[0] / 1e6, lo[1] / 1e6, hi[1] / 1e6);
}

/* Per-cpu pagesets at each checkpoint: the pcp pages no event accounts for
 * show up in replay's comparison with them. */
static void print_checkpoint_pcp(const struct prt_reader *r)
{
	uint32_t n, with = 0;
	const struct prt_checkpoint *cp = prt_reader_checkpoints(r, &n);
	int64_t most = 0;

	for (uint32_t i = 0; i < n; i++) {
		int64_t pages = 0;

		if (!cp[i].pcp_count)
			continue;
		with++;
		for (size_t k = 0; k < (size_t)cp[i].nr_zones * cp[i].nr_cpus; k++)
			pages += cp[i].pcp_count[k] > 0 ? cp[i].pcp_count[k] : 0;
		most = pages > most ? pages : most;
	}
	if (with)
		printf("checkpoint pcp counts %u of %u checkpoints: at most %lld pages on pcp lists\n",
		       with, n, (long long)most);
	else if (n)
		printf("checkpoint pcp counts not recorded\n");
}

/* Free page reporting's batches, where the capture polled its counters. */
struct reporting_summary {
	uint32_t samples;
	size_t batches, still_held;	/* still held: open when the capture ended */
	uint64_t kib, held_lo_ns, held_hi_ns;	/* over the batches that ended */
};

static void summarize_reporting(const struct prt_reader *r, struct reporting_summary *out)
{
	const struct prt_reporting_sample *s = prt_reader_reporting(r, &out->samples);
	struct prt_reporting_batch *b;

	out->batches = out->still_held = 0;
	out->kib = out->held_hi_ns = 0;
	out->held_lo_ns = UINT64_MAX;
	if (!out->samples)
		return;
	out->batches = prt_reporting_batches(s, out->samples, NULL, 0);
	b = calloc(out->batches ? out->batches : 1, sizeof(*b));
	if (!b) {
		out->batches = 0;
		return;
	}
	prt_reporting_batches(s, out->samples, b, out->batches);
	for (size_t i = 0; i < out->batches; i++) {
		uint64_t d = b[i].end_ns - b[i].start_ns;

		out->kib += b[i].kib;
		if (b[i].end_ns == UINT64_MAX) {
			out->still_held++;	/* no end to measure a hold by */
			continue;
		}
		out->held_lo_ns = d < out->held_lo_ns ? d : out->held_lo_ns;
		out->held_hi_ns = d > out->held_hi_ns ? d : out->held_hi_ns;
	}
	free(b);
}

static void print_reporting(const struct prt_reader *r)
{
	struct reporting_summary rs;

	summarize_reporting(r, &rs);
	if (!rs.samples)
		return;
	printf("free page reporting %u counter samples: %zu batches, %.1f MiB reported", rs.samples,
	       rs.batches, rs.kib / 1024.0);
	if (rs.batches > rs.still_held)
		printf(", each held %.1f-%.1f ms", rs.held_lo_ns / 1e6, rs.held_hi_ns / 1e6);
	if (rs.still_held)
		printf(", %zu still held when the capture ended", rs.still_held);
	printf("\n");
}

static void json_reporting(const struct prt_reader *r)
{
	struct reporting_summary rs;

	summarize_reporting(r, &rs);
	if (!rs.samples) {
		printf("null");
		return;
	}
	printf("{\"samples\":%u,\"batches\":%zu,\"reported_kib\":%llu,\"still_held\":%zu",
	       rs.samples, rs.batches, (unsigned long long)rs.kib, rs.still_held);
	if (rs.batches > rs.still_held)
		printf(",\"held_ms_min\":%.3f,\"held_ms_max\":%.3f", rs.held_lo_ns / 1e6,
		       rs.held_hi_ns / 1e6);
	printf("}");
}

static void print_text(const struct prt_reader *r, const struct tally *t)
{
	const struct prt_header *h = prt_reader_header(r);
	char buf[512];

	printf("format version   %u (source: %s)\n", h->format_version, source_name(h->source));
	printf("kernel           %s on %s\n", h->kernel_release, h->hostname);
	printf("command          %s\n", h->cmdline && *h->cmdline ? h->cmdline : "-");
	printf("cpus             %u, page size %u, orders %u, pageblock order %u, clock %s\n",
	       h->nr_cpus, h->page_size, h->nr_orders, h->pageblock_order, h->trace_clock);
	printf("file             %llu bytes, %.2f bytes/event\n",
	       (unsigned long long)prt_reader_file_bytes(r),
	       t->events ? (double)prt_reader_file_bytes(r) / (double)t->events : 0.0);
	printf("duration         %.3f s\n", t->events ? (double)(t->last_ts - t->first_ts) / 1e9 : 0.0);
	printf("topology%s\n", h->topology_inferred ? " (inferred from the pfns seen)" : "");
	printf("  %-4s %-8s %12s %12s %12s %10s %8s %8s %8s\n", "node", "zone", "start_pfn",
	       "spanned", "managed", "free", "min", "low", "high");
	for (uint32_t z = 0; z < h->nr_zones; z++) {
		const struct prt_zone *zn = &h->zones[z];

		printf("  %-4u %-8s %12llu %12llu %12llu %10llu %8llu %8llu %8llu\n", zn->node, zn->name,
		       (unsigned long long)zn->start_pfn, (unsigned long long)zn->spanned,
		       (unsigned long long)zn->managed, (unsigned long long)zn->free_pages,
		       (unsigned long long)zn->wmark_min, (unsigned long long)zn->wmark_low,
		       (unsigned long long)zn->wmark_high);
	}
	print_free_map(h);
	print_pcp(h);
	printf("events           %llu\n", (unsigned long long)t->events);
	for (int ty = 1; ty < PRT_EV_NTYPES; ty++)
		if (t->per_type[ty])
			printf("  %-36s %12llu\n", prt_event_name(ty), (unsigned long long)t->per_type[ty]);
	print_checkpoint_reads(r);
	print_checkpoint_pcp(r);
	print_reporting(r);
	printf("allocation failures %llu\n", (unsigned long long)t->failures);
	printf("lost events      %llu in %llu records\n", (unsigned long long)t->lost_events,
	       (unsigned long long)t->lost_records);
	printf("allocations by order\n");
	for (int o = 0; o <= PRT_MAX_ORDERS; o++)
		if (t->order[o])
			printf("  %-6d %12llu\n", o, (unsigned long long)t->order[o]);
	printf("allocations by migratetype\n");
	for (int m = 0; m <= PRT_MAX_MIGRATETYPES; m++)
		if (t->mt[m])
			printf("  %-12s %12llu\n", mt_name(h, m), (unsigned long long)t->mt[m]);
	printf("allocations by gfp\n");
	for (unsigned i = 0; i < t->nr_gfp; i++) {
		prt_gfp_format(t->gfp[i], h->gfp_flags, h->nr_gfp_flags, buf, sizeof(buf));
		printf("  %12llu  %s\n", (unsigned long long)t->gfp_count[i], buf);
	}
	if (h->nr_settings) {
		printf("host settings\n");
		for (uint32_t i = 0; i < h->nr_settings; i++)
			printf("  %-36s %s\n", h->settings[i].key, h->settings[i].value);
	}
}

static void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", *s);
		else
			putchar(*s);
	}
	putchar('"');
}

static void print_json(const struct prt_reader *r, const struct tally *t, const char *damage)
{
	const struct prt_header *h = prt_reader_header(r);
	char buf[512];
	bool first = true;

	printf("{\"format_version\":%u,\"kernel_release\":", h->format_version);
	json_string(h->kernel_release);
	printf(",\"source\":\"%s\",\"events\":%llu,\"lost_events\":%llu,\"file_bytes\":%llu,"
	       "\"alloc_failures\":%llu,\"cpus\":%u,\"duration_s\":%.6f,\"topology_inferred\":%s,"
	       "\"event_counts\":{", source_name(h->source), (unsigned long long)t->events,
	       (unsigned long long)t->lost_events, (unsigned long long)prt_reader_file_bytes(r),
	       (unsigned long long)t->failures, h->nr_cpus,
	       t->events ? (double)(t->last_ts - t->first_ts) / 1e9 : 0.0,
	       h->topology_inferred ? "true" : "false");
	for (int ty = 1; ty < PRT_EV_NTYPES; ty++) {
		if (!t->per_type[ty])
			continue;
		printf("%s\"%s\":%llu", first ? "" : ",", prt_event_name(ty),
		       (unsigned long long)t->per_type[ty]);
		first = false;
	}
	printf("},\"zones\":[");
	for (uint32_t z = 0; z < h->nr_zones; z++)
		printf("%s{\"node\":%u,\"name\":\"%s\",\"start_pfn\":%llu,\"spanned\":%llu,"
		       "\"managed\":%llu}", z ? "," : "", h->zones[z].node, h->zones[z].name,
		       (unsigned long long)h->zones[z].start_pfn,
		       (unsigned long long)h->zones[z].spanned, (unsigned long long)h->zones[z].managed);
	printf("],\"orders\":{");
	first = true;
	for (int o = 0; o <= PRT_MAX_ORDERS; o++)
		if (t->order[o]) {
			printf("%s\"%d\":%llu", first ? "" : ",", o, (unsigned long long)t->order[o]);
			first = false;
		}
	printf("},\"gfp\":{");
	for (unsigned i = 0; i < t->nr_gfp; i++) {
		prt_gfp_format(t->gfp[i], h->gfp_flags, h->nr_gfp_flags, buf, sizeof(buf));
		printf("%s", i ? "," : "");
		json_string(buf);
		printf(":%llu", (unsigned long long)t->gfp_count[i]);
	}
	printf("},\"reporting\":");
	json_reporting(r);
	printf(",\"damage\":");
	if (damage)
		json_string(damage);
	else
		printf("null");
	printf("}\n");
}

static int run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct pr_error err = { 0 };
	struct prt_reader *r;
	struct prt_event ev;
	struct tally *t;
	bool json = false;
	int c, got;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+j", longopts, NULL)) != -1) {
		if (c != 'j')
			return cli_usage_error("info", "unknown option '%s'", argv[optind - 1]);
		json = true;
	}
	if (optind + 1 != argc)
		return cli_usage_error("info", optind == argc ? "expected a trace file"
							      : "expected one trace file");
	r = prt_reader_open(argv[optind], &err);
	if (!r)
		return cli_report(&err);
	t = calloc(1, sizeof(*t));
	if (!t) {
		prt_reader_close(r);
		return cli_error("out of memory");
	}
	while ((got = prt_reader_next(r, &ev, &err)) > 0)
		count(t, &ev);
	if (json)
		print_json(r, t, got < 0 ? err.msg : NULL);
	else
		print_text(r, t);
	prt_reader_close(r);
	free(t);
	return got < 0 ? cli_report(&err) : EXIT_OK;
}

const struct pr_command cmd_info = {
	.name = "info",
	.run = run,
	.summary = "describe a .prt trace (header, topology, counts, histograms)",
	.usage = usage,
};
