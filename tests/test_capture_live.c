/* SPDX-License-Identifier: MIT */
/* Real capture on this host (root + tracefs), and the capture CLI's errors. */
#include "tests/lib/harness.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "capture/gfp_format.h"
#include "capture/procfs.h"
#include "capture/prt.h"

#define SKIP_UNLESS_LIVE() \
	require_or_skip(have_root() && have_tracefs(), \
			"needs root and tracefs (mount -t tracefs nodev /sys/kernel/tracing)")

/*
 * Instances captures left behind: "pagereplay-<pid>" whose process is gone.
 * Must always be none. (Captures of other sessions on this host may be
 * running: their instances belong to live processes and do not count.)
 */
static int leftover_instances(void)
{
	DIR *d = opendir("/sys/kernel/tracing/instances");
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		char *end;
		long pid;

		if (strncmp(e->d_name, "pagereplay-", 11) != 0)
			continue;
		pid = strtol(e->d_name + 11, &end, 10);
		if (!*end && kill((pid_t)pid, 0) < 0 && errno == ESRCH)
			n++;
	}
	closedir(d);
	return n;
}

static bool instance_of(pid_t pid)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/kernel/tracing/instances/pagereplay-%d", (int)pid);
	return access(path, F_OK) == 0;
}

/* The checks every real trace must pass; returns allocations seen. */
static uint64_t check_trace(const char *path)
{
	struct pr_error err = { 0 };
	struct prt_reader *r = prt_reader_open(path, &err);
	const struct prt_header *h;
	struct prt_event ev;
	uint64_t allocs = 0, events = 0;
	int got;

	if (!r)
		fail_msg("%s", err.msg);
	h = prt_reader_header(r);
	assert_true(h->nr_zones >= 2);
	assert_true(h->nr_gfp_flags > 20);
	assert_true(h->nr_free_blocks > 0);
	assert_int_equal(h->nr_orders, 11);
	while ((got = prt_reader_next(r, &ev, &err)) > 0) {
		bool in_zone = false;
		char buf[512];

		events++;
		assert_true(ev.cpu < h->nr_cpus);
		if (ev.type != PRT_EV_ALLOC && ev.type != PRT_EV_FREE)
			continue;
		assert_true(ev.order < h->nr_orders);
		if (ev.pfn == PRT_PFN_NONE)
			continue;
		for (uint32_t z = 0; z < h->nr_zones; z++)
			if (ev.pfn >= h->zones[z].start_pfn &&
			    ev.pfn + (1ULL << ev.order) <= h->zones[z].start_pfn + h->zones[z].spanned)
				in_zone = true;
		if (!in_zone)
			fail_msg("pfn %#llx order %u in no zone", (unsigned long long)ev.pfn, ev.order);
		if (ev.type == PRT_EV_ALLOC) {
			allocs++;
			/* every bit the kernel sets has a name in the file's own table */
			prt_gfp_format(ev.gfp, h->gfp_flags, h->nr_gfp_flags, buf, sizeof(buf));
			if (strstr(buf, "0x"))
				fail_msg("gfp %#llx decodes with unnamed bits: %s",
					 (unsigned long long)ev.gfp, buf);
		}
	}
	assert_int_equal(got, 0);
	assert_true(events > 0);
	prt_reader_close(r);
	return allocs;
}

/* Allocations made by processes named comm (the comm table at work). */
static uint64_t allocs_by(const char *path, const char *comm)
{
	struct pr_error err = { 0 };
	struct prt_reader *r = prt_reader_open(path, &err);
	struct prt_event ev;
	uint64_t n = 0;

	assert_non_null(r);
	while (prt_reader_next(r, &ev, &err) > 0) {
		const char *c = ev.type == PRT_EV_ALLOC ? prt_reader_comm(r, ev.pid) : NULL;

		n += c && strcmp(c, comm) == 0;
	}
	prt_reader_close(r);
	return n;
}

/* Every checkpoint says when its files were read: pagetypeinfo, then
 * zoneinfo, the checkpoint's time the end of the last. How many. */
static uint32_t timed_checkpoints(const char *path)
{
	struct prt_reader *r = prt_reader_open(path, NULL);
	const struct prt_checkpoint *cp;
	uint32_t n;

	assert_non_null(r);
	cp = prt_reader_checkpoints(r, &n);
	for (uint32_t i = 0; i < n; i++) {
		assert_true(cp[i].pagetypeinfo_read.start_ns < cp[i].pagetypeinfo_read.end_ns);
		assert_true(cp[i].pagetypeinfo_read.end_ns <= cp[i].zoneinfo_read.start_ns);
		assert_true(cp[i].zoneinfo_read.start_ns < cp[i].zoneinfo_read.end_ns);
		assert_true(cp[i].ts_ns == cp[i].zoneinfo_read.end_ns);
	}
	prt_reader_close(r);
	return n;
}

/* Where the host exports free page reporting's counters, the capture
 * polled them: the header says how often, and the baseline sample is kept
 * (later ones only if the worker moved). Elsewhere neither. */
static void check_reporting_samples(const char *path)
{
	struct prt_reader *r = prt_reader_open(path, NULL);
	const struct prt_reporting_sample *s;
	uint32_t n;
	bool exported = access("/sys/module/page_reporting/parameters/walked", R_OK) == 0;

	assert_non_null(r);
	s = prt_reader_reporting(r, &n);
	if (exported) {
		assert_string_equal(prt_header_setting(prt_reader_header(r), "page_reporting.poll_us"),
				    "500");
		assert_true(n >= 1);
		for (uint32_t i = 1; i < n; i++) {
			assert_true(s[i].ts_ns > s[i - 1].ts_ns);
			assert_true(s[i].walked >= s[i - 1].walked);
		}
	} else {
		assert_null(prt_header_setting(prt_reader_header(r), "page_reporting.poll_us"));
		assert_int_equal(n, 0);
	}
	/* the free map's blocks say which free page reporting had reported */
	assert_true(prt_reader_header(r)->free_reported_known);
	prt_reader_close(r);
}

static void test_capture_workload(void **state)
{
	const char *out = scratch_path("live.prt");
	struct run_result r;

	(void)state;
	SKIP_UNLESS_LIVE();
	r = run_pagereplay("capture", "-o", out, "--duration", "120", "--",
			   "sh", "-c", "head -c 64M /dev/urandom > /dev/shm/pr-test && rm /dev/shm/pr-test",
			   NULL);
	if (r.status != 0)
		fail_msg("capture failed: %s", r.err);
	assert_non_null(strstr(r.out, "captured "));
	assert_non_null(strstr(r.out, "command exited with status 0"));
	/* 64 MiB of shmem pages: at least 16384 order-0 allocations */
	assert_true(check_trace(out) >= 16384);
	/* head exits before the capture ends: its name was taken while alive */
	assert_true(allocs_by(out, "head") >= 16384);
	assert_true(timed_checkpoints(out) >= 1);	/* the one after the free-map scan */
	check_reporting_samples(out);
	assert_int_equal(leftover_instances(), 0);
	run_result_free(&r);
}

/* --shrink-pcp trims the per-cpu lists, says so in the header, and puts
 * vm.percpu_pagelist_high_fraction back as it was. */
static void test_shrink_pcp(void **state)
{
	const char *out = scratch_path("shrunk.prt");
	char *before = NULL, *after = NULL;
	struct run_result r;
	unsigned long long pcp_before = 0, pcp_after = ~0ULL;
	const char *setting;

	(void)state;
	SKIP_UNLESS_LIVE();
	before = procfs_read("/proc/sys/vm/percpu_pagelist_high_fraction", NULL, NULL);
	assert_non_null(before);
	r = run_pagereplay("capture", "--shrink-pcp", "-o", out, "--duration", "0.3", NULL);
	if (r.status != 0)
		fail_msg("capture failed: %s", r.err);
	assert_non_null(strstr(r.out, "pcp lists shrunk from "));
	run_result_free(&r);
	after = procfs_read("/proc/sys/vm/percpu_pagelist_high_fraction", NULL, NULL);
	assert_non_null(after);
	assert_string_equal(before, after);
	r = run_pagereplay("info", out, NULL);
	assert_int_equal(r.status, 0);
	setting = strstr(r.out, "capture.pcp_shrink");
	assert_non_null(setting);
	assert_int_equal(sscanf(setting, "capture.pcp_shrink before=%llu after=%llu", &pcp_before,
				&pcp_after), 2);
	/* each list ends at most at high = 4 * batch (252 here) plus what the
	 * host freed meanwhile; never more than it started with plus that */
	assert_true(pcp_after <= pcp_before + 4096);
	assert_non_null(strstr(r.out, "pcp at start Normal"));
	run_result_free(&r);
	free(before);
	free(after);
}

static void test_sigint_mid_capture(void **state)
{
	const char *out = scratch_path("sigint.prt");
	pid_t pid;
	int status;

	(void)state;
	SKIP_UNLESS_LIVE();
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		const char *bin = getenv("PAGEREPLAY_BIN");

		freopen("/dev/null", "w", stdout);
		execl(bin ? bin : "build/pagereplay", "pagereplay", "capture", "-o", out,
		      "--duration", "60", NULL);
		_exit(127);
	}
	for (int i = 0; i < 1200 && !instance_of(pid); i++)
		usleep(100000);
	sleep(2);
	assert_true(instance_of(pid));	/* it is really running */
	kill(pid, SIGINT);
	waitpid(pid, &status, 0);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_false(instance_of(pid));
	assert_int_equal(leftover_instances(), 0);
	assert_int_equal(access(out, F_OK), 0);
	check_trace(out);
}

/* kill -9 mid-capture: the .tmp holds every whole chunk and reads cleanly;
 * the next capture removes the instance the dead one could not. */
static void test_sigkill_leaves_readable_tmp(void **state)
{
	const char *out = scratch_path("killed.prt");
	char tmp[512];
	struct run_result r;
	pid_t pid;
	int status;

	(void)state;
	SKIP_UNLESS_LIVE();
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		const char *bin = getenv("PAGEREPLAY_BIN");

		setpgid(0, 0);	/* one group: capture and its command */
		freopen("/dev/null", "w", stdout);
		freopen("/dev/null", "w", stderr);
		/* a shmem churn that ends only with the process group */
		execl(bin ? bin : "build/pagereplay", "pagereplay", "capture", "-o", out,
		      "--duration", "120", "--", "sh", "-c",
		      "while :; do head -c 16M /dev/zero > /dev/shm/pr-kill-test; done", NULL);
		_exit(127);
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp", out);
	for (int i = 0; i < 1200 && access(tmp, F_OK) != 0; i++)
		usleep(100000);	/* slow under sanitizers on a busy host: wait for the writer */
	sleep(2);
	kill(-pid, SIGKILL);
	waitpid(pid, &status, 0);
	unlink("/dev/shm/pr-kill-test");
	assert_int_equal(access(out, F_OK), -1);
	assert_true(check_trace(tmp) > 0);
	assert_true(instance_of(pid));	/* SIGKILL: nobody could remove it */
	r = run_pagereplay("capture", "-o", scratch_path("after.prt"), "--duration", "0.2", NULL);
	assert_int_equal(r.status, 0);
	assert_false(instance_of(pid));
	assert_int_equal(leftover_instances(), 0);
	run_result_free(&r);
}

/* PAGEREPLAY_TRACEFS points capture at another mount: a missing one is
 * refused with the command that mounts it. */
static void test_refuses_without_tracefs(void **state)
{
	struct run_result r;

	(void)state;
	require_or_skip(have_root(), "needs root (the root check comes first)");
	setenv("PAGEREPLAY_TRACEFS", "/nonexistent/tracing", 1);
	r = run_pagereplay("capture", "-o", scratch_path("none.prt"), "--duration", "1", NULL);
	unsetenv("PAGEREPLAY_TRACEFS");
	assert_int_equal(r.status, 1);
	assert_string_equal(r.err, "pagereplay: error: tracefs is not mounted at "
				   "'/nonexistent/tracing'; mount it with: "
				   "mount -t tracefs nodev /sys/kernel/tracing\n");
	assert_int_equal(access(scratch_path("none.prt"), F_OK), -1);
	run_result_free(&r);
}

static void test_cli_errors(void **state)
{
	struct run_result r;

	(void)state;
	r = run_pagereplay("capture", "--frob", NULL);
	assert_int_equal(r.status, 2);
	assert_string_equal(r.err, "pagereplay: error: unknown option '--frob'\n"
				   "try 'pagereplay help capture' for usage\n");
	run_result_free(&r);
	r = run_pagereplay("capture", "--duration", "soon", NULL);
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "--duration: expected seconds > 0, got 'soon'"));
	run_result_free(&r);
	r = run_pagereplay("capture", "--buffer-size", "1", NULL);
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "--buffer-size: expected KB from 4 to 16777216, got '1'"));
	run_result_free(&r);
	r = run_pagereplay("capture", "--duration", "1", "--events", "-mm_page_frob", NULL);
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "--events: unknown event 'mm_page_frob'"));
	run_result_free(&r);
	/* stdin is not a terminal here: refuse to run forever */
	r = run_pagereplay("capture", NULL);
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "give --duration or a command"));
	run_result_free(&r);
	r = run_pagereplay("capture", "--help", NULL);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "usage: pagereplay capture"));
	run_result_free(&r);
}

static void test_refuses_without_root(void **state)
{
	char cmd[1024];
	const char *bin = getenv("PAGEREPLAY_BIN");
	FILE *p;
	char line[512] = "";
	int status;

	(void)state;
	require_or_skip(have_root() && access("/usr/sbin/runuser", X_OK) == 0,
			"needs root and runuser to drop to an unprivileged user");
	snprintf(cmd, sizeof(cmd), "/usr/sbin/runuser -u nobody -- %s capture -o /tmp/x.prt "
		 "--duration 1 2>&1", bin ? bin : "build/pagereplay");
	p = popen(cmd, "r");
	assert_non_null(p);
	if (!fgets(line, sizeof(line), p))
		line[0] = '\0';
	status = pclose(p);
	if (strstr(line, "Permission denied") && strstr(line, "exec"))
		skip();	/* the binary sits where nobody may not execute it */
	assert_int_equal(WEXITSTATUS(status), 1);
	assert_string_equal(line,
		"pagereplay: error: capture needs root (tracefs and /proc/kpageflags)\n");
}

static void test_info_cli(void **state)
{
	struct run_result r;

	(void)state;
	r = run_pagereplay("info", NULL);
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "expected a trace file"));
	run_result_free(&r);
	r = run_pagereplay("info", "/nonexistent.prt", NULL);
	assert_int_equal(r.status, 1);
	assert_string_equal(r.err, "pagereplay: error: cannot open '/nonexistent.prt': "
				   "No such file or directory\n");
	run_result_free(&r);
	/* checkpoints' read times: recorded since session 5, not before */
	r = run_pagereplay("info", project_path("traces/page-cache-timed.prt"), NULL);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "checkpoint reads 31 timed: pagetypeinfo 3.371-8.759 ms, "
				      "zoneinfo 0.030-2.001 ms\n"));
	run_result_free(&r);
	r = run_pagereplay("info", project_path("traces/mixed.prt"), NULL);
	assert_non_null(strstr(r.out, "checkpoint reads not recorded"));
	run_result_free(&r);
	/* a reporting batch still open when the capture ended has no hold time */
	r = run_pagereplay("info", project_path("traces/page-cache-fragmented.prt"), NULL);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "free page reporting 7 counter samples: 4 batches, 238.0 MiB "
				      "reported, each held 24.7-63.0 ms, 1 still held when the "
				      "capture ended\n"));
	run_result_free(&r);
	r = run_pagereplay("info", "--json", project_path("traces/mixed.prt"), NULL);
	assert_int_equal(r.status, 0);
	for (const char *const *k = (const char *const[]){ "\"format_version\":2",
		"\"kernel_release\":\"6.", "\"events\":", "\"lost_events\":0", "\"file_bytes\":",
		"\"event_counts\":{\"mm_page_alloc\":", "\"alloc_failures\":", "\"cpus\":2",
		"\"zones\":[{\"node\":0,\"name\":\"DMA\",\"start_pfn\":1,", "\"duration_s\":",
		"\"reporting\":null", NULL }; *k; k++)
		if (!strstr(r.out, *k))
			fail_msg("missing %s in %s", *k, r.out);
	run_result_free(&r);
	r = run_pagereplay("info", "--json", project_path("traces/page-cache-fragmented.prt"), NULL);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "\"reporting\":{\"samples\":7,\"batches\":4,"
				      "\"reported_kib\":243712,\"still_held\":1,"
				      "\"held_ms_min\":24.660,\"held_ms_max\":62.982}"));
	run_result_free(&r);
}

static void test_bundled_traces_are_sane(void **state)
{
	const char *names[] = { "traces/vm-heavy.prt", "traces/page-cache.prt", "traces/mixed.prt" };

	(void)state;
	for (size_t i = 0; i < 3; i++)
		assert_true(check_trace(project_path(names[i])) > 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shrink_pcp),
		cmocka_unit_test(test_cli_errors),
		cmocka_unit_test(test_info_cli),
		cmocka_unit_test(test_bundled_traces_are_sane),
		cmocka_unit_test(test_capture_workload),
		cmocka_unit_test(test_sigint_mid_capture),
		cmocka_unit_test(test_sigkill_leaves_readable_tmp),
		cmocka_unit_test(test_refuses_without_root),
		cmocka_unit_test(test_refuses_without_tracefs),
	};
	int failed = cmocka_run_group_tests_name("capture_live", tests, NULL, NULL);

	scratch_cleanup();
	return failed;
}
