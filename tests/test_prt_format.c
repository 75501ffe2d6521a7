/* SPDX-License-Identifier: MIT */
/* The .prt format: round trips, merge order, damage, versions. */
#include "tests/lib/harness.h"
#include "tests/lib/prt_sample.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "capture/crc32c.h"
#include "capture/reporting_batches.h"

static uint64_t file_size(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return (uint64_t)st.st_size;
}

/* Read every event; returns the count, sets *status to the last next() result. */
static uint64_t drain(struct prt_reader *r, int *status, struct pr_error *err)
{
	struct prt_event ev;
	uint64_t n = 0;
	int got;

	while ((got = prt_reader_next(r, &ev, err)) > 0)
		n++;
	*status = got;
	return n;
}

static void test_crc32c_check_value(void **state)
{
	(void)state;
	assert_int_equal(crc32c(0, "123456789", 9), 0xE3069283u);
	/* Incremental equals one shot. */
	assert_int_equal(crc32c(crc32c(0, "1234", 4), "56789", 5), 0xE3069283u);
}

static void test_header_round_trip(void **state)
{
	const char *path = scratch_path("header.prt");
	struct prt_header h;
	struct pr_error err = { 0 };
	struct prt_reader *r;
	const struct prt_header *g;

	(void)state;
	assert_int_equal(sample_write(path, 10, 0, true), 0);
	sample_header(&h);
	r = prt_reader_open(path, &err);
	assert_non_null(r);
	g = prt_reader_header(r);
	assert_int_equal(g->format_version, PRT_FORMAT_VERSION);
	assert_string_equal(g->kernel_release, "6.18.44-test");
	assert_string_equal(g->cmdline, "stress-ng --vm 1");
	assert_int_equal(g->start_realtime_ns, h.start_realtime_ns);
	assert_int_equal(g->nr_zones, 2);
	assert_string_equal(g->zones[1].name, "Normal");
	assert_int_equal(g->zones[1].start_pfn, 1048576);
	assert_int_equal(g->zones[0].lowmem_reserve[2], 640);
	assert_int_equal(g->zones[1].pcp[1].count, 11);
	assert_int_equal(g->zones[1].pcp[1].high_max, 48300);
	assert_int_equal(g->nr_gfp_flags, 3);
	assert_string_equal(g->gfp_flags[2].name, "__GFP_COMP");
	assert_int_equal(g->gfp_flags[2].mask, 0x40000);
	assert_string_equal(g->migratetype_names[3], "HighAtomic");
	assert_string_equal(prt_header_setting(g, "thp.enabled"), "madvise");
	assert_null(prt_header_setting(g, "nope"));
	assert_int_equal(g->nr_free_blocks, 3);
	assert_int_equal(g->free_blocks[2].pfn, 1048583);
	assert_int_equal(g->free_blocks[2].migratetype, -1);
	assert_int_equal(g->free_blocks[0].order, 10);
	assert_non_null(g->pageblock_mt);
	assert_int_equal(g->pageblock_mt[1][5], 2);
	assert_int_equal(g->initial.free_blocks[2 * 11 * 5 - 1], (2 * 11 * 5 - 1) * 7);
	assert_null(g->initial.pageblocks);	/* absent stays absent */
	assert_int_equal(g->initial.free_pages[1], 133624);
	assert_string_equal(prt_reader_comm(r, 1001), "kswapd0");
	assert_null(prt_reader_comm(r, 7));
	prt_reader_close(r);
	prt_header_release(&h);
}

static void check_windows(const struct prt_checkpoint *cp)
{
	uint64_t ts = cp->ts_ns;

	if (cp->seq % 2 == 0) {
		assert_int_equal(cp->pagetypeinfo_read.end_ns, 0);
		assert_int_equal(cp->zoneinfo_read.end_ns, 0);
		return;
	}
	assert_int_equal(cp->pagetypeinfo_read.start_ns, ts - 5000);
	assert_int_equal(cp->pagetypeinfo_read.end_ns, ts - 3000);
	assert_int_equal(cp->zoneinfo_read.start_ns, ts - 2000);
	assert_int_equal(cp->zoneinfo_read.end_ns, ts);
}

/* Pagesets in checkpoints 1 (after windows) and 2 (after none). */
static void check_pcp(const struct prt_checkpoint *cp)
{
	if (cp->seq != 1 && cp->seq != 2) {
		assert_null(cp->pcp_count);
		assert_null(cp->pcp_high);
		return;
	}
	assert_int_equal(cp->nr_cpus, 2);
	assert_non_null(cp->pcp_count);
	assert_non_null(cp->pcp_high);
	assert_int_equal(cp->pcp_count[0], 100 + cp->seq);
	assert_int_equal(cp->pcp_count[3], 400);
	assert_int_equal(cp->pcp_high[1], 2000);
}

/* The blocks off the free lists while the scan read them: after the
 * reported bits, absent in files written without them. */
static void test_out_blocks_round_trip(void **state)
{
	const char *path = scratch_path("out-blocks.prt");
	struct pr_error err = { 0 };
	struct prt_header h;
	struct prt_writer *w;
	struct prt_reader *r;
	const struct prt_header *g;

	(void)state;
	sample_header(&h);
	h.nr_out_blocks = 2;
	h.out_blocks = calloc(2, sizeof(*h.out_blocks));
	assert_non_null(h.out_blocks);
	h.out_blocks[0] = (struct prt_out_block){ 1048576 + 1024, 10 };
	h.out_blocks[1] = (struct prt_out_block){ 1048576 + 4608, 9 };
	w = prt_writer_open(path, &h, &err);
	assert_non_null(w);
	assert_int_equal(prt_writer_close(w, &err), 0);
	prt_header_release(&h);
	r = prt_reader_open(path, &err);
	assert_non_null(r);
	g = prt_reader_header(r);
	assert_int_equal(g->nr_out_blocks, 2);
	assert_int_equal(g->out_blocks[0].pfn, 1048576 + 1024);
	assert_int_equal(g->out_blocks[0].order, 10);
	assert_int_equal(g->out_blocks[1].pfn, 1048576 + 4608);
	assert_int_equal(g->out_blocks[1].order, 9);
	assert_int_equal(g->nr_free_blocks, 3);		/* what comes before is intact */
	prt_reader_close(r);
	assert_int_equal(sample_write(path, 10, 0, true), 0);
	r = prt_reader_open(path, &err);
	assert_non_null(r);
	assert_int_equal(prt_reader_header(r)->nr_out_blocks, 0);
	prt_reader_close(r);
}

static void test_events_round_trip_and_merge(void **state)
{
	const char *path = scratch_path("events.prt");
	const uint64_t n = 200000;	/* > 3 chunks per cpu */
	struct pr_error err = { 0 };
	struct prt_reader *r;
	struct prt_event ev, want;
	uint64_t i = 0, checkpoints = 0, last_ts = 0;
	int got;

	(void)state;
	assert_int_equal(sample_write(path, n, 50000, true), 0);
	r = prt_reader_open(path, &err);
	assert_non_null(r);
	assert_int_equal(prt_reader_event_count(r), n + 4);
	while ((got = prt_reader_next(r, &ev, &err)) > 0) {
		assert_true(ev.ts_ns >= last_ts);
		last_ts = ev.ts_ns;
		if (ev.type == PRT_EV_CHECKPOINT) {
			/* After the event it was taken with (same ts), before the next. */
			assert_int_equal(ev.arg[0], checkpoints);
			assert_int_equal(prt_reader_checkpoint(r)->seq, checkpoints);
			assert_int_equal(prt_reader_checkpoint(r)->buddyinfo[3], 997);
			check_windows(prt_reader_checkpoint(r));
			check_pcp(prt_reader_checkpoint(r));
			checkpoints++;
			continue;
		}
		/* sample timestamps interleave cpus: global order is i order */
		sample_event(i++, &want);
		assert_memory_equal(&ev, &want, sizeof(ev));
	}
	assert_int_equal(got, 0);
	assert_int_equal(i, n);
	assert_int_equal(checkpoints, 4);
	prt_reader_close(r);
}

/* A file written before checkpoints had read windows reads as having none. */
static void test_checkpoint_without_windows(void **state)
{
	struct prt_reader *r = prt_reader_open(project_path("traces/page-cache.prt"), NULL);
	const struct prt_checkpoint *cps;
	uint32_t n = 0;

	(void)state;
	assert_non_null(r);
	cps = prt_reader_checkpoints(r, &n);
	assert_int_equal(n, 4);
	for (uint32_t i = 0; i < n; i++) {
		assert_int_equal(cps[i].seq, i + 1);
		assert_int_equal(cps[i].pagetypeinfo_read.end_ns, 0);
		assert_int_equal(cps[i].zoneinfo_read.end_ns, 0);
		assert_null(cps[i].pcp_count);
		assert_non_null(cps[i].free_blocks);
	}
	prt_reader_close(r);
}

/* Free page reporting's counter samples: two records read back as one
 * series, in order; files without them have none (page-cache.prt). */
static void test_reporting_samples_round_trip(void **state)
{
	const char *path = scratch_path("reporting-samples.prt");
	const struct prt_reporting_sample s[] = {
		{ 1000, 9000, 320000, 60 }, { 5000, 9033, 320000, 60 },
		{ 70000, 9066, 451072, 60 }, { 130000, 9067, 582144, 61 },
	};
	struct prt_header h;
	struct prt_writer *w;
	struct prt_reader *r;
	const struct prt_reporting_sample *got;
	uint32_t n = 0;
	struct prt_event ev;

	(void)state;
	sample_header(&h);
	w = prt_writer_open(path, &h, NULL);
	assert_non_null(w);
	assert_int_equal(prt_writer_add_reporting(w, s, 2, NULL), 0);
	assert_int_equal(prt_writer_add_reporting(w, s + 2, 2, NULL), 0);
	assert_int_equal(prt_writer_close(w, NULL), 0);
	prt_header_release(&h);
	r = prt_reader_open(path, NULL);
	assert_non_null(r);
	got = prt_reader_reporting(r, &n);
	assert_int_equal(n, 4);
	for (uint32_t i = 0; i < n; i++) {
		assert_int_equal(got[i].ts_ns, s[i].ts_ns);
		assert_int_equal(got[i].walked, s[i].walked);
		assert_int_equal(got[i].reported_kib, s[i].reported_kib);
		assert_int_equal(got[i].passes, s[i].passes);
	}
	assert_int_equal(prt_reader_next(r, &ev, NULL), 0);	/* no events, no damage */
	prt_reader_close(r);
	r = prt_reader_open(project_path("traces/page-cache.prt"), NULL);
	assert_non_null(r);
	assert_null(prt_reader_reporting(r, &n));
	assert_int_equal(n, 0);
	prt_reader_close(r);
}

/*
 * Batches from the counters as this host's worker moves them: a walk
 * (walked +33) then its report 65 ms later (reported_kib +128 MiB) with the
 * next walk in the same sample; a report whose walk came before the first
 * sample; a walk seen in two samples 0.5 ms apart; the last walk of a pass
 * (+1) that reports nothing, 2 s before the next pass. Each batch is of the
 * pass its walk showed.
 */
static void test_reporting_batches_from_counters(void **state)
{
	const struct prt_reporting_sample s[] = {
		{ 0, 100, 1000, 5 },
		{ 10000000, 100, 3048, 5 },		/* report of an earlier walk */
		{ 20000000, 133, 3048, 5 },		/* walk */
		{ 85000000, 166, 134120, 5 },		/* report, next walk */
		{ 150000000, 167, 265192, 5 },		/* report, empty walk */
		{ 2150000000, 180, 265192, 6 },		/* walk in two samples */
		{ 2150500000, 200, 265192, 6 },
		{ 2200000000, 200, 326632, 6 },		/* report: 15 order-10 blocks */
	};
	struct prt_reporting_batch b[8];

	(void)state;
	assert_int_equal(prt_reporting_batches(s, 8, NULL, 0), 4);
	assert_int_equal(prt_reporting_batches(s, 8, b, 8), 4);
	assert_int_equal(b[0].start_ns, 0);
	assert_int_equal(b[0].end_ns, 10000000);
	assert_int_equal(b[0].kib, 2048);
	assert_int_equal(b[1].start_ns, 20000000);
	assert_int_equal(b[1].end_ns, 85000000);
	assert_int_equal(b[1].kib, 131072);
	assert_int_equal(b[2].start_ns, 85000000);
	assert_int_equal(b[2].end_ns, 150000000);
	assert_int_equal(b[3].start_ns, 2150000000);
	assert_int_equal(b[3].end_ns, 2200000000);
	assert_int_equal(b[3].kib, 61440);
	/* the pass each walk showed (the worker counts a pass at its end) */
	assert_int_equal(b[0].pass, 5);
	assert_int_equal(b[2].pass, 5);
	assert_int_equal(b[3].pass, 6);
	assert_int_equal(prt_reporting_batches(s, 8, b, 2), 4);	/* counts past max */
}

/* One walk reported in two parts, 0.6 ms apart with no walk between (a
 * fresh capture's checkpoint 7, 5.9% off when the second part was taken
 * for a batch held since the first sample): one batch of both sizes. */
static void test_reporting_batch_reported_in_two_parts(void **state)
{
	const struct prt_reporting_sample s[] = {
		{ 0, 25681, 1000, 5 },
		{ 10000000, 25697, 1000, 5 },		/* walk */
		{ 40000000, 25697, 37864, 5 },		/* report, 36,864 KiB */
		{ 40600000, 25697, 66536, 6 },		/* and 28,672 KiB more */
	};
	struct prt_reporting_batch b[4];

	(void)state;
	assert_int_equal(prt_reporting_batches(s, 4, b, 4), 1);
	assert_int_equal(b[0].start_ns, 10000000);
	assert_int_equal(b[0].end_ns, 40600000);
	assert_int_equal(b[0].kib, 65536);
}

/* The capture ended during a batch (page-cache-fragmented: 16,384 pages
 * held at its last checkpoint): a walk as long as the batch before it,
 * with no report yet, is a batch of that size held to the end; a shorter
 * one found nothing. */
static void test_reporting_batch_open_at_the_end(void **state)
{
	const struct prt_reporting_sample s[] = {
		{ 0, 19262, 1000, 5 },
		{ 10000000, 19295, 1000, 5 },		/* walk of 33 */
		{ 60000000, 19328, 66536, 5 },		/* report; the next walk, 33 */
	};
	const struct prt_reporting_sample shorter[] = {
		{ 0, 19262, 1000, 5 },
		{ 10000000, 19295, 1000, 5 },
		{ 60000000, 19296, 66536, 5 },		/* report; a walk of 1 */
	};
	struct prt_reporting_batch b[4];

	(void)state;
	assert_int_equal(prt_reporting_batches(s, 3, b, 4), 2);
	assert_int_equal(b[1].start_ns, 60000000);
	assert_int_equal(b[1].end_ns, UINT64_MAX);
	assert_int_equal(b[1].kib, 65536);
	assert_int_equal(prt_reporting_batches(shorter, 3, b, 4), 1);
}

static void test_equal_timestamps_merge_by_cpu(void **state)
{
	const char *path = scratch_path("ties.prt");
	struct prt_header h;
	struct prt_writer *w;
	struct prt_reader *r;
	struct prt_event ev = { .type = PRT_EV_FREE, .pfn = 5, .migratetype = -1 };
	uint16_t cpus[6];
	int n = 0;

	(void)state;
	sample_header(&h);
	w = prt_writer_open(path, &h, NULL);
	assert_non_null(w);
	/* cpu 1 written first, same timestamps: the reader orders by cpu. */
	for (int c = 1; c >= 0; c--)
		for (int k = 0; k < 3; k++) {
			ev.cpu = (uint16_t)c;
			ev.ts_ns = 100 + (uint64_t)(k / 2);
			ev.pid = (uint32_t)(c * 10 + k);
			assert_int_equal(prt_writer_add(w, &ev, NULL), 0);
		}
	assert_int_equal(prt_writer_close(w, NULL), 0);
	r = prt_reader_open(path, NULL);
	assert_non_null(r);
	while (prt_reader_next(r, &ev, NULL) > 0)
		cpus[n++] = (uint16_t)ev.pid;
	assert_int_equal(n, 6);
	/* ts 100: cpu0 k0,k1 then cpu1 k0,k1; ts 101: cpu0 k2 then cpu1 k2 */
	assert_int_equal(cpus[0], 0);
	assert_int_equal(cpus[1], 1);
	assert_int_equal(cpus[2], 10);
	assert_int_equal(cpus[3], 11);
	assert_int_equal(cpus[4], 2);
	assert_int_equal(cpus[5], 12);
	prt_reader_close(r);
	prt_header_release(&h);
}

static void test_writer_rejects_bad_events(void **state)
{
	const char *path = scratch_path("bad.prt");
	struct prt_header h;
	struct prt_writer *w;
	struct prt_event ev = { .type = PRT_EV_FREE, .cpu = 7, .ts_ns = 10 };
	struct pr_error err = { 0 };
	char want[256];

	(void)state;
	sample_header(&h);
	w = prt_writer_open(path, &h, NULL);
	assert_non_null(w);
	snprintf(want, sizeof(want), "'%s.tmp': event on cpu 7, header has 2 cpus", path);
	assert_int_equal(prt_writer_add(w, &ev, &err), -1);
	assert_string_equal(err.msg, want);
	ev.cpu = 0;
	assert_int_equal(prt_writer_add(w, &ev, &err), 0);
	ev.ts_ns = 9;
	assert_int_equal(prt_writer_add(w, &ev, &err), -1);
	snprintf(want, sizeof(want), "'%s.tmp': cpu 0 event at 9 ns comes after one at 10 ns", path);
	assert_string_equal(err.msg, want);
	/* Until close nothing exists under the final name; abort leaves nothing. */
	assert_int_equal(access(path, F_OK), -1);
	prt_writer_abort(w);
	snprintf(want, sizeof(want), "%s.tmp", path);
	assert_int_equal(access(want, F_OK), -1);
	assert_int_equal(access(path, F_OK), -1);
	prt_header_release(&h);
}

static void test_killed_writer_leaves_readable_tmp(void **state)
{
	const char *path = scratch_path("killed.prt");
	char tmp[512];
	pid_t pid;
	int status, got;
	struct prt_reader *r;
	struct pr_error err = { 0 };
	uint64_t n;

	(void)state;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		sample_write(path, 3 * 65536 + 100, 0, false);	/* killed unclosed */
	waitpid(pid, &status, 0);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	assert_int_equal(access(path, F_OK), -1);
	r = prt_reader_open(tmp, &err);
	assert_non_null(r);
	/* Events alternate cpus: 3 * 65536 + 100 events, so each cpu flushed one
	 * full chunk of 65536 by then; the rest was in memory and is lost. */
	n = drain(r, &got, &err);
	assert_int_equal(got, 0);
	assert_int_equal(n, 2 * 65536);
	prt_reader_close(r);
}

static void copy_prefix(const char *from, const char *to, uint64_t len)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd), "head -c %llu '%s' > '%s'", (unsigned long long)len, from, to);
	assert_int_equal(system(cmd), 0);
}

static void flip_byte(const char *path, uint64_t off)
{
	int fd = open(path, O_RDWR);
	uint8_t b;

	assert_true(fd >= 0);
	assert_int_equal(pread(fd, &b, 1, (off_t)off), 1);
	b ^= 0x5a;
	assert_int_equal(pwrite(fd, &b, 1, (off_t)off), 1);
	close(fd);
}

/* Offsets of every record of a file, walked from the record headers. */
static int record_offsets(const char *path, uint64_t *offs, uint32_t *ids, int max)
{
	int fd = open(path, O_RDONLY), n = 0;
	uint64_t off = 16, size = file_size(path);
	uint8_t hdr[16];

	while (off < size && n < max && pread(fd, hdr, 16, (off_t)off) == 16) {
		uint32_t len = hdr[4] | hdr[5] << 8 | hdr[6] << 16 | (uint32_t)hdr[7] << 24;

		offs[n] = off;
		ids[n++] = hdr[0];
		off += 16 + len;
	}
	close(fd);
	return n;
}

static void test_truncation_at_every_chunk_boundary_and_mid_chunk(void **state)
{
	const char *path = scratch_path("whole.prt"), *cut = scratch_path("cut.prt");
	uint64_t offs[64];
	uint32_t ids[64];
	uint64_t events_before = 0;
	int n;

	(void)state;
	/* 6 full chunks (3 per cpu) and a partial one per cpu. */
	assert_int_equal(sample_write(path, 6 * 65536 + 1000, 0, true), 0);
	n = record_offsets(path, offs, ids, 64);
	assert_int_equal(n, 1 + 8 + 2);	/* header, 8 chunks, comms, end */
	for (int k = 1; k < n; k++) {
		for (int mid = 0; mid < 2; mid++) {
			uint64_t next = k + 1 < n ? offs[k + 1] : file_size(path);
			/* mid: inside record k's payload */
			uint64_t at = mid ? offs[k] + 16 + (next - offs[k] - 16) / 2 : offs[k];
			struct pr_error err = { 0 };
			struct prt_reader *r;
			uint64_t got_n;
			int got;

			copy_prefix(path, cut, at);
			r = prt_reader_open(cut, &err);
			assert_non_null(r);
			got_n = drain(r, &got, &err);
			/* Every event of the whole chunks before the cut is read. */
			assert_int_equal(got_n, events_before);
			if (mid) {
				char want[256];

				assert_int_equal(got, -1);
				assert_int_equal(err.code, PR_EDAMAGED);
				snprintf(want, sizeof(want), "'%s': offset %llu: record of", cut,
					 (unsigned long long)offs[k]);
				if (strncmp(err.msg, want, strlen(want)))
					fail_msg("k=%d got: %s want: %s", k, err.msg, want);
				assert_non_null(strstr(err.msg, "runs past the end of the file"));
			} else {
				assert_int_equal(got, 0);	/* a clean record boundary */
			}
			prt_reader_close(r);
		}
		if (ids[k] == 2)
			events_before += (k <= 6) ? 65536 : 500;
	}
}

static void test_flipped_byte_in_chunk(void **state)
{
	const char *path = scratch_path("flip.prt");
	uint64_t offs[64];
	uint32_t ids[64];
	struct pr_error err = { 0 };
	struct prt_reader *r;
	char want[256];
	int got;

	(void)state;
	assert_int_equal(sample_write(path, 4 * 65536, 0, true), 0);
	assert_int_equal(record_offsets(path, offs, ids, 64), 1 + 4 + 2);
	flip_byte(path, offs[3] + 100);		/* third chunk (cpu 0's second) */
	r = prt_reader_open(path, &err);
	assert_non_null(r);
	assert_int_equal(drain(r, &got, &err), 2 * 65536);
	assert_int_equal(got, -1);
	snprintf(want, sizeof(want),
		 "'%s': offset %llu: record checksum mismatch (after chunk 2: 131072 events readable)",
		 path, (unsigned long long)offs[3]);
	assert_string_equal(err.msg, want);
	/* The damage is reported once; then the reader is at its end. */
	assert_int_equal(drain(r, &got, &err), 0);
	assert_int_equal(got, 0);
	prt_reader_close(r);
}

static void test_flipped_byte_in_header(void **state)
{
	const char *path = scratch_path("hdr.prt");
	struct pr_error err = { 0 };
	char want[256];

	(void)state;
	assert_int_equal(sample_write(path, 100, 0, true), 0);
	flip_byte(path, 40);	/* inside the header record's payload */
	assert_null(prt_reader_open(path, &err));
	assert_int_equal(err.code, PR_EDAMAGED);
	snprintf(want, sizeof(want), "'%s': offset 16: record checksum mismatch", path);
	assert_string_equal(err.msg, want);
	flip_byte(path, 40);
	flip_byte(path, 2);	/* the magic */
	assert_null(prt_reader_open(path, &err));
	snprintf(want, sizeof(want),
		 "'%s': offset 0: expected the .prt magic, this is not a pagereplay trace", path);
	assert_string_equal(err.msg, want);
}

static void test_newer_version_refused(void **state)
{
	const char *path = scratch_path("v99.prt");
	struct pr_error err = { 0 };
	char want[256];
	int fd;
	uint8_t v = 99;

	(void)state;
	assert_int_equal(sample_write(path, 10, 0, true), 0);
	fd = open(path, O_RDWR);
	assert_int_equal(pwrite(fd, &v, 1, 8), 1);
	close(fd);
	assert_null(prt_reader_open(path, &err));
	assert_int_equal(err.code, PR_EVERSION);
	snprintf(want, sizeof(want),
		 "'%s': format version 99 is newer than this pagereplay reads (up to %d); "
		 "upgrade pagereplay", path, PRT_FORMAT_VERSION);
	assert_string_equal(err.msg, want);
}

static void test_unknown_record_is_skipped(void **state)
{
	const char *path = scratch_path("future.prt"), *out = scratch_path("future2.prt");
	uint64_t offs[16];
	uint32_t ids[16];
	uint8_t rec[16 + 5] = { 77, 0, 0, 0, 5, 0, 0, 0 };
	char cmd[1024];
	uint32_t crc = crc32c(0, "hello", 5);
	struct prt_reader *r;
	int got, fd;

	(void)state;
	assert_int_equal(sample_write(path, 1000, 0, true), 0);
	record_offsets(path, offs, ids, 16);
	/* Splice a record with an unknown id 77 right after the header record. */
	for (int i = 0; i < 4; i++)
		rec[8 + i] = (uint8_t)(crc >> (8 * i));
	memcpy(rec + 16, "hello", 5);
	copy_prefix(path, out, offs[1]);
	fd = open(out, O_WRONLY | O_APPEND);
	assert_int_equal(write(fd, rec, sizeof(rec)), (ssize_t)sizeof(rec));
	close(fd);
	snprintf(cmd, sizeof(cmd), "tail -c +%llu '%s' >> '%s'", (unsigned long long)offs[1] + 1,
		 path, out);
	assert_int_equal(system(cmd), 0);
	r = prt_reader_open(out, NULL);
	assert_non_null(r);
	assert_int_equal(drain(r, &got, NULL), 1000);
	assert_int_equal(got, 0);
	prt_reader_close(r);
}

static void test_not_a_trace(void **state)
{
	const char *path = scratch_path("empty.prt");
	struct pr_error err = { 0 };
	char want[256];
	FILE *f = fopen(path, "w");

	(void)state;
	fclose(f);
	assert_null(prt_reader_open(path, &err));
	snprintf(want, sizeof(want),
		 "'%s': offset 0: expected the .prt magic, this is not a pagereplay trace", path);
	assert_string_equal(err.msg, want);
	assert_null(prt_reader_open("/nonexistent.prt", &err));
	assert_string_equal(err.msg, "cannot open '/nonexistent.prt': No such file or directory");
	assert_null(prt_reader_open("/tmp", &err));
	assert_string_equal(err.msg, "'/tmp': not a regular file");
}

static void test_compact_enough(void **state)
{
	const char *path = scratch_path("size.prt");
	const uint64_t n = 300000;
	uint64_t bytes;

	(void)state;
	assert_int_equal(sample_write(path, n, 0, true), 0);
	bytes = file_size(path);
	/* The sample stream is adversarial (pseudo-random pfns over 4096 pages,
	 * every type in turn): this bounds the encoding, not a real trace's
	 * size, which `make bench` reports. */
	print_message("sample stream: %.2f bytes/event\n", (double)bytes / n);
	assert_true(bytes < n * 8);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crc32c_check_value),
		cmocka_unit_test(test_header_round_trip),
		cmocka_unit_test(test_out_blocks_round_trip),
		cmocka_unit_test(test_events_round_trip_and_merge),
		cmocka_unit_test(test_checkpoint_without_windows),
		cmocka_unit_test(test_reporting_samples_round_trip),
		cmocka_unit_test(test_reporting_batches_from_counters),
		cmocka_unit_test(test_reporting_batch_open_at_the_end),
		cmocka_unit_test(test_reporting_batch_reported_in_two_parts),
		cmocka_unit_test(test_equal_timestamps_merge_by_cpu),
		cmocka_unit_test(test_writer_rejects_bad_events),
		cmocka_unit_test(test_killed_writer_leaves_readable_tmp),
		cmocka_unit_test(test_truncation_at_every_chunk_boundary_and_mid_chunk),
		cmocka_unit_test(test_flipped_byte_in_chunk),
		cmocka_unit_test(test_flipped_byte_in_header),
		cmocka_unit_test(test_newer_version_refused),
		cmocka_unit_test(test_unknown_record_is_skipped),
		cmocka_unit_test(test_not_a_trace),
		cmocka_unit_test(test_compact_enough),
	};
	int failed = cmocka_run_group_tests_name("prt_format", tests, NULL, NULL);

	scratch_cleanup();
	return failed;
}
