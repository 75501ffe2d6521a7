/* SPDX-License-Identifier: MIT */
/*
 * Import of the real fixtures (tests/fixtures/import, made by the scripts
 * there): exact counts per type, failures, lost markers, first and last
 * events, and gfp bits equal to the raw values trace.dat carries.
 */
#include "tests/lib/harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/gfp_format.h"
#include "capture/gfp_tables.h"
#include "capture/import.h"
#include "capture/prt.h"

#define FIX "tests/fixtures/import/"
#define GFP_THP_FAIL 0x346cca	/* GFP_HIGHUSER_MOVABLE|__GFP_NOWARN|__GFP_RETRY_MAYFAIL|__GFP_COMP|__GFP_THISNODE */

struct events {
	struct prt_event *ev;
	size_t n;
	uint64_t per_type[PRT_EV_NTYPES];
	uint64_t failures;
	char comm_first[32], comm_last[32];
	struct prt_header h;
};

static void load(const char *path, struct events *e)
{
	struct pr_error err = { 0 };
	struct prt_reader *r = prt_reader_open(path, &err);
	size_t cap = 1024;
	const char *c;
	int got;

	assert_non_null(r);
	memset(e, 0, sizeof(*e));
	e->ev = malloc(cap * sizeof(*e->ev));
	while ((got = prt_reader_next(r, &e->ev[e->n], &err)) == 1) {
		const struct prt_event *ev = &e->ev[e->n];

		e->per_type[ev->type]++;
		e->failures += ev->type == PRT_EV_ALLOC && ev->pfn == PRT_PFN_NONE;
		if (++e->n == cap)
			e->ev = realloc(e->ev, (cap *= 2) * sizeof(*e->ev));
	}
	assert_int_equal(got, 0);
	c = prt_reader_comm(r, e->ev[0].pid);
	snprintf(e->comm_first, sizeof(e->comm_first), "%s", c ? c : "");
	c = prt_reader_comm(r, e->ev[e->n - 1].pid);
	snprintf(e->comm_last, sizeof(e->comm_last), "%s", c ? c : "");
	assert_int_equal(prt_header_copy(&e->h, prt_reader_header(r), &err), 0);
	prt_reader_close(r);
}

static void release(struct events *e)
{
	free(e->ev);
	prt_header_release(&e->h);
}

static void import_fixture(const char *name, const char *out, struct imp_options *extra,
			   struct imp_result *r)
{
	struct imp_options o = { 0 };
	struct pr_error err = { 0 };

	if (extra)
		o = *extra;
	o.input = project_path(name);
	o.output = out;
	if (import_trace(&o, r, &err) != 0)
		fail_msg("%s", err.msg);
}

static void assert_event(const struct prt_event *ev, enum prt_event_type type, uint64_t ts,
			 uint16_t cpu, uint32_t pid, uint64_t pfn, unsigned order, int mt,
			 uint64_t gfp)
{
	assert_int_equal(ev->type, type);
	assert_int_equal(ev->ts_ns, ts);
	assert_int_equal(ev->cpu, cpu);
	assert_int_equal(ev->pid, pid);
	assert_int_equal(ev->pfn, pfn);
	assert_int_equal(ev->order, order);
	assert_int_equal(ev->migratetype, mt);
	assert_int_equal(ev->gfp, gfp);
}

static void test_ftrace_instance(void **state)
{
	const char *out = scratch_path("instance.prt");
	struct imp_result r;
	struct events e;

	(void)state;
	import_fixture(FIX "ftrace-instance.trace.gz", out, NULL, &r);
	assert_int_equal(r.format, IMP_FORMAT_FTRACE);
	assert_int_equal(r.lines, 1755);
	assert_int_equal(r.skipped, 2);
	load(out, &e);
	assert_int_equal(e.n, 1740);
	assert_int_equal(e.per_type[PRT_EV_ALLOC], 1501);
	assert_int_equal(e.per_type[PRT_EV_FREE], 96);
	assert_int_equal(e.per_type[PRT_EV_FREE_BATCHED], 87);
	assert_int_equal(e.per_type[PRT_EV_ZONE_LOCKED], 56);
	assert_int_equal(e.failures, 1);
	assert_int_equal(e.h.nr_cpus, 2);
	assert_int_equal(e.h.source, PRT_SOURCE_FTRACE);
	assert_true(e.h.topology_inferred);
	assert_string_equal(prt_header_setting(&e.h, "import.skipped.kmalloc"), "2");
	assert_string_equal(prt_header_setting(&e.h, "import.bad_lines"), "0");
	/* GFP_HIGHUSER_MOVABLE|__GFP_ZERO|__GFP_COMP */
	assert_event(&e.ev[0], PRT_EV_ALLOC, 5231117204000ull, 1, 17545, 0x1f8877, 0, 1,
		     0x100cca | 0x100 | 0x40000);
	assert_string_equal(e.comm_first, "test_replay");
	assert_event(&e.ev[e.n - 1], PRT_EV_ALLOC, 5231156866000ull, 0, 17554, PRT_PFN_NONE, 9, 1,
		     GFP_THP_FAIL);
	assert_string_equal(e.comm_last, "mkfix_a.sh");
	release(&e);
}

static void test_ftrace_pipe_lost_markers(void **state)
{
	const char *out = scratch_path("pipe.prt");
	struct imp_result r;
	struct events e;
	size_t lost = 0;

	(void)state;
	import_fixture(FIX "ftrace-pipe.txt", out, NULL, &r);
	load(out, &e);
	assert_int_equal(e.per_type[PRT_EV_ALLOC], 2);
	assert_int_equal(e.per_type[PRT_EV_FREE], 362);
	assert_int_equal(e.per_type[PRT_EV_LOST], 2);
	assert_int_equal(r.lost_events, 362100 + 1098);
	for (size_t i = 0; i < e.n; i++) {
		if (e.ev[i].type != PRT_EV_LOST)
			continue;
		/* a marker takes the time of its CPU's next event */
		assert_int_equal(e.ev[i].cpu, lost ? 0 : 1);
		assert_int_equal(e.ev[i].arg[0], lost ? 1098 : 362100);
		assert_int_equal(e.ev[i].ts_ns, lost ? 5244399537000ull : 5244394899000ull);
		lost++;
	}
	assert_event(&e.ev[e.n - 1], PRT_EV_FREE, 5244399643000ull, 0, 17694, 0x11e360, 1, -1, 0);
	release(&e);
}

static void test_perf_script(void **state)
{
	const char *out = scratch_path("perf.prt");
	struct imp_result r;
	struct events e;

	(void)state;
	import_fixture(FIX "perf-script.txt.gz", out, NULL, &r);
	assert_int_equal(r.format, IMP_FORMAT_PERF_SCRIPT);
	load(out, &e);
	assert_int_equal(e.n, 2962);
	assert_int_equal(e.per_type[PRT_EV_ALLOC], 224);
	assert_int_equal(e.per_type[PRT_EV_FREE], 2736);
	assert_int_equal(e.per_type[PRT_EV_LOST], 2);
	assert_int_equal(r.lost_events, 110);
	assert_int_equal(e.failures, 1);
	assert_int_equal(e.h.source, PRT_SOURCE_PERF_SCRIPT);
	/* GFP_HIGHUSER|__GFP_ACCOUNT */
	assert_event(&e.ev[0], PRT_EV_ALLOC, 5256312551000ull, 1, 17888, 0x128a97, 0, 0,
		     0x100cc2 | 0x400000);
	assert_string_equal(e.comm_first, "perf");
	assert_event(&e.ev[e.n - 1], PRT_EV_FREE, 5256364847000ull, 0, 17888, 0x10d50c, 1, -1, 0);
	for (size_t i = 0; i < e.n; i++)
		if (e.ev[i].type == PRT_EV_ALLOC && e.ev[i].pfn == PRT_PFN_NONE) {
			assert_int_equal(e.ev[i].ts_ns, 5256343528000ull);
			assert_int_equal(e.ev[i].gfp, GFP_THP_FAIL);
		}
	release(&e);
}

/* The report text and the binary file are the same recording: text gfp
 * names rebuilt with the built-in table must equal the raw bits. */
static void test_trace_cmd_report_equals_trace_dat(void **state)
{
	const char *txt = scratch_path("report.prt"), *dat = scratch_path("dat.prt");
	struct imp_result rt, rd;
	struct events t, d;

	(void)state;
	import_fixture(FIX "trace-cmd-report.txt.gz", txt, NULL, &rt);
	import_fixture(FIX "trace-cmd.dat", dat, NULL, &rd);
	assert_int_equal(rt.format, IMP_FORMAT_TRACE_CMD);
	assert_int_equal(rd.format, IMP_FORMAT_TRACE_DAT);
	load(txt, &t);
	load(dat, &d);
	assert_int_equal(d.n, 423);
	assert_int_equal(d.per_type[PRT_EV_ALLOC], 378);
	assert_int_equal(d.per_type[PRT_EV_FREE], 44);
	assert_int_equal(d.per_type[PRT_EV_LOST], 1);
	assert_int_equal(d.failures, 1);
	assert_int_equal(rd.lost_events, 276);
	assert_int_equal(t.n, d.n);
	for (size_t i = 0; i < d.n; i++) {
		const struct prt_event *a = &t.ev[i], *b = &d.ev[i];

		assert_int_equal(a->type, b->type);
		/* the report prints microseconds, rounded */
		assert_int_equal(a->ts_ns, (b->ts_ns + 500) / 1000 * 1000);
		assert_int_equal(a->cpu, b->cpu);
		assert_int_equal(a->pfn, b->pfn);
		assert_int_equal(a->order, b->order);
		assert_int_equal(a->gfp, b->gfp);
		if (a->type != PRT_EV_LOST) {
			assert_int_equal(a->pid, b->pid);
			assert_int_equal(a->migratetype, b->migratetype);
		} else {
			assert_int_equal(a->arg[0], b->arg[0]);
		}
	}
	assert_event(&d.ev[0], PRT_EV_ALLOC, 5289339767898ull, 0, 19388, 0x1245d8, 1, 0,
		     0x400cc0 | 0x100 | 0x40000);
	assert_string_equal(d.comm_first, "sh");
	release(&t);
	release(&d);
}

/* The built-in 6.x table is the host's own format, entry for entry. */
static void test_builtin_table_matches_host_format(void **state)
{
	const struct gfp_table *t = gfp_table_builtin("6.18");
	struct prt_flag *flags;
	uint32_t nr;
	struct pr_error err = { 0 };

	(void)state;
	assert_non_null(t);
	assert_int_equal(prt_gfp_flags_from_file(project_path(FIX "mm_page_alloc.format"), &flags,
						 &nr, &err), 0);
	assert_int_equal(nr, t->nr_flags);
	for (uint32_t i = 0; i < nr; i++) {
		assert_string_equal(flags[i].name, t->flags[i].name);
		assert_int_equal(flags[i].mask, t->flags[i].mask);
	}
	free(flags);
	assert_null(gfp_table_builtin("3"));
	assert_null(gfp_table_builtin("six"));
	assert_int_equal(gfp_table_builtin("5.10")->flags[8].mask, 0xa20);	/* GFP_ATOMIC */
	assert_int_equal(gfp_table_builtin("4")->flags[5].mask, 0x24000c0);	/* GFP_KERNEL */
}

/* --events-format and --kernel 5.10 change the bits for the same names. */
static void test_gfp_table_options(void **state)
{
	struct imp_options o = { .events_format = NULL };
	struct imp_result r;
	struct events e;

	(void)state;
	o.events_format = project_path(FIX "mm_page_alloc.format");
	import_fixture(FIX "perf-script.txt.gz", scratch_path("fmt.prt"), &o, &r);
	assert_non_null(strstr(r.gfp_table, "mm_page_alloc.format"));
	load(scratch_path("fmt.prt"), &e);
	assert_int_equal(e.ev[0].gfp, 0x100cc2 | 0x400000);
	release(&e);
	o.events_format = NULL;
	o.kernel = "5.10";
	import_fixture(FIX "perf-script.txt.gz", scratch_path("k510.prt"), &o, &r);
	load(scratch_path("k510.prt"), &e);
	assert_int_equal(e.ev[0].gfp, 0x100cc2 | 0x400000);	/* same bits in 5.10 */
	assert_int_equal(e.h.nr_gfp_flags, 35);
	release(&e);
}

static bool have(const char *tool)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", tool);
	return system(cmd) == 0;
}

/* zstd, xz, gzip and standard input give the same events as the plain file. */
static void test_compressed_and_stdin(void **state)
{
	static const char *const tools[] = { "zstd -q -c", "xz -c", "gzip -c" };
	const char *plain = project_path(FIX "ftrace-pipe.txt");
	char cmd[4096];
	struct events ref, e;
	struct imp_result r;

	(void)state;
	require_or_skip(have("zstd") && have("xz"), "zstd and xz tools needed");
	import_fixture(FIX "ftrace-pipe.txt", scratch_path("ref.prt"), NULL, &r);
	load(scratch_path("ref.prt"), &ref);
	for (size_t i = 0; i < 3; i++) {
		struct imp_options o = { 0 };
		struct pr_error err = { 0 };

		snprintf(cmd, sizeof(cmd), "%s '%s' > '%s'", tools[i], plain, scratch_path("c.in"));
		assert_int_equal(system(cmd), 0);
		o.input = scratch_path("c.in");
		o.output = scratch_path("c.prt");
		assert_int_equal(import_trace(&o, &r, &err), 0);
		load(scratch_path("c.prt"), &e);
		assert_int_equal(e.n, ref.n);
		assert_memory_equal(e.ev, ref.ev, e.n * sizeof(*e.ev));
		release(&e);
	}
	snprintf(cmd, sizeof(cmd), "'%s' import -o '%s' - < '%s' > /dev/null",
		 getenv("PAGEREPLAY_BIN") ? getenv("PAGEREPLAY_BIN") : "build/pagereplay",
		 scratch_path("stdin.prt"), plain);
	assert_int_equal(system(cmd), 0);
	load(scratch_path("stdin.prt"), &e);
	assert_int_equal(e.n, ref.n);
	assert_memory_equal(e.ev, ref.ev, e.n * sizeof(*e.ev));
	release(&e);
	release(&ref);
}

/* Saved /proc files of the same host give the real topology. */
static void test_zoneinfo_pagetypeinfo(void **state)
{
	struct imp_options o = { 0 };
	struct imp_result r;
	struct events e;

	(void)state;
	o.zoneinfo = project_path(FIX "zoneinfo");
	o.pagetypeinfo = project_path(FIX "pagetypeinfo");
	import_fixture(FIX "ftrace-pipe.txt", scratch_path("topo.prt"), &o, &r);
	assert_false(r.topology_inferred);
	load(scratch_path("topo.prt"), &e);
	assert_false(e.h.topology_inferred);
	assert_int_equal(e.h.nr_zones, 5);
	assert_string_equal(e.h.zones[0].name, "DMA");
	assert_int_equal(e.h.zones[0].start_pfn, 1);
	assert_int_equal(e.h.zones[0].spanned, 4095);
	assert_int_equal(e.h.zones[0].managed, 3840);
	assert_string_equal(e.h.zones[2].name, "Normal");
	assert_int_equal(e.h.zones[2].start_pfn, 1048576);
	assert_int_equal(e.h.pageblock_order, 9);
	assert_int_equal(e.h.nr_migratetypes, 5);
	assert_string_equal(e.h.migratetype_names[3], "HighAtomic");
	assert_string_equal(e.h.migratetype_names[4], "Isolate");
	release(&e);
	/* without them: inferred from the pfns seen, Normal only here */
	import_fixture(FIX "ftrace-pipe.txt", scratch_path("inf.prt"), NULL, &r);
	assert_true(r.topology_inferred);
	load(scratch_path("inf.prt"), &e);
	assert_int_equal(e.h.nr_zones, 1);
	assert_string_equal(e.h.zones[0].name, "Normal");
	assert_int_equal(e.h.zones[0].start_pfn, 1ull << 20);
	release(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ftrace_instance),
		cmocka_unit_test(test_ftrace_pipe_lost_markers),
		cmocka_unit_test(test_perf_script),
		cmocka_unit_test(test_trace_cmd_report_equals_trace_dat),
		cmocka_unit_test(test_builtin_table_matches_host_format),
		cmocka_unit_test(test_gfp_table_options),
		cmocka_unit_test(test_compressed_and_stdin),
		cmocka_unit_test(test_zoneinfo_pagetypeinfo),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);

	scratch_cleanup();
	return rc;
}
