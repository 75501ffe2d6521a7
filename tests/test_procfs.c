/* SPDX-License-Identifier: MIT */
/* /proc parsers, on copies of this test host's files (6.18, 2 cpus). */
#include "tests/lib/harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include <unistd.h>

#include "capture/procfs.h"
#include "common/clock.h"

static char *fixture(const char *name)
{
	char path[256];
	struct pr_error err = { 0 };
	char *text;

	snprintf(path, sizeof(path), "tests/fixtures/proc/%s", name);
	text = procfs_read(project_path(path), NULL, &err);
	assert_non_null(text);
	return text;
}

static void parse_all(struct prt_header *h, struct prt_checkpoint *cp)
{
	char *zi = fixture("zoneinfo"), *pti = fixture("pagetypeinfo"), *bi = fixture("buddyinfo");
	struct pr_error err = { 0 };

	memset(h, 0, sizeof(*h));
	memset(cp, 0, sizeof(*cp));
	h->nr_cpus = 2;
	h->nr_orders = 11;
	assert_int_equal(procfs_parse_zoneinfo(zi, "zoneinfo", 2, h, &err), 0);
	assert_int_equal(procfs_parse_pagetypeinfo(pti, "pagetypeinfo", h, cp, &err), 0);
	assert_int_equal(procfs_parse_buddyinfo(bi, "buddyinfo", h, cp, &err), 0);
	assert_int_equal(procfs_parse_zone_free(zi, h, cp), 0);
	assert_int_equal(procfs_parse_zone_pcp(zi, h, cp), 0);
	free(zi);
	free(pti);
	free(bi);
}

static void test_zoneinfo(void **state)
{
	struct prt_header h;
	struct prt_checkpoint cp;

	(void)state;
	parse_all(&h, &cp);
	/* Every zone of the node, populated or not, in enum zone_type order. */
	assert_int_equal(h.nr_zones, 5);
	assert_string_equal(h.zones[0].name, "DMA");
	assert_string_equal(h.zones[4].name, "Device");
	assert_int_equal(h.zones[2].zone_type, 2);
	assert_int_equal(h.zones[0].start_pfn, 1);
	assert_int_equal(h.zones[1].start_pfn, 4096);
	assert_int_equal(h.zones[1].spanned, 1044480);
	assert_int_equal(h.zones[1].present, 782336);
	assert_int_equal(h.zones[1].managed, 772808);
	assert_int_equal(h.zones[1].free_pages, 772808);
	assert_int_equal(h.zones[1].wmark_min, 7153);
	assert_int_equal(h.zones[2].free_pages, 908036);
	assert_int_equal(h.zones[2].wmark_min, 9706);
	/* Each cpu's pageset per zone, [zone][cpu]: Normal's cpu 0 "count:
	 * 33697", "high: 33839", cpu 1 14419 and 14867 (not the zone's
	 * "high" watermark line); zones without pagesets -1 */
	assert_int_equal(cp.nr_cpus, 2);
	assert_int_equal(cp.pcp_count[2 * 2 + 0], 33697);
	assert_int_equal(cp.pcp_high[2 * 2 + 0], 33839);
	assert_int_equal(cp.pcp_count[2 * 2 + 1], 14419);
	assert_int_equal(cp.pcp_high[2 * 2 + 1], 14867);
	assert_int_equal(cp.pcp_high[1 * 2 + 1], 4470);
	assert_int_equal(cp.pcp_count[4 * 2 + 0], -1);
	/* DMA: "boost 0 min 35 low 43 high 51 promo 59" */
	assert_int_equal(h.zones[0].boost, 0);
	assert_int_equal(h.zones[0].wmark_low, 43);
	assert_int_equal(h.zones[0].wmark_high, 51);
	assert_int_equal(h.zones[0].wmark_promo, 59);
	/* protection: (0, 3018, 7114, 7114, 7114) */
	assert_int_equal(h.zones[0].nr_lowmem_reserve, 5);
	assert_int_equal(h.zones[0].lowmem_reserve[1], 3018);
	assert_int_equal(h.zones[0].lowmem_reserve[2], 7114);
	assert_int_equal(h.zones[1].lowmem_reserve[2], 4096);
	/* DMA32 cpu 0: "count: 0 high: 4470 batch: 63 high_min: 4470 high_max: 48300" */
	assert_int_equal(h.zones[1].pcp[0].count, 0);
	assert_int_equal(h.zones[1].pcp[0].high, 4470);
	assert_int_equal(h.zones[1].pcp[0].batch, 63);
	assert_int_equal(h.zones[1].pcp[0].high_min, 4470);
	assert_int_equal(h.zones[1].pcp[0].high_max, 48300);
	/* the zone's "high" watermark is not a cpu's pcp high */
	assert_true(h.zones[1].wmark_high != 4470);
	assert_int_equal(h.zones[0].pcp[0].batch, 1);
	assert_int_equal(h.zones[0].pcp[0].high_max, 240);
	prt_checkpoint_release(&cp);
	prt_header_release(&h);
}

static int64_t free_at(const struct prt_checkpoint *cp, int z, int o, int mt)
{
	return cp->free_blocks[((size_t)z * cp->nr_orders + (size_t)o) * cp->nr_migratetypes + (size_t)mt];
}

static void test_pagetypeinfo_and_buddyinfo(void **state)
{
	struct prt_header h;
	struct prt_checkpoint cp;

	(void)state;
	parse_all(&h, &cp);
	assert_int_equal(h.pageblock_order, 9);
	assert_int_equal(h.nr_migratetypes, 5);
	assert_string_equal(h.migratetype_names[0], "Unmovable");
	assert_string_equal(h.migratetype_names[1], "Movable");
	assert_string_equal(h.migratetype_names[2], "Reclaimable");
	assert_string_equal(h.migratetype_names[4], "Isolate");
	/* "Node 0, zone DMA, type Unmovable ... 1 (order 8)" */
	assert_int_equal(free_at(&cp, 0, 8, 0), 1);
	/* DMA32 Movable order 10: 752 */
	assert_int_equal(free_at(&cp, 1, 10, 1), 752);
	/* "Number of blocks type": Normal 162 1827 59 0 0 */
	assert_int_equal(cp.pageblocks[2 * 5 + 0], 162);
	assert_int_equal(cp.pageblocks[2 * 5 + 1], 1827);
	assert_int_equal(cp.pageblocks[2 * 5 + 2], 59);
	/* Unpopulated zones are absent from pagetypeinfo: -1, not 0. */
	assert_int_equal(free_at(&cp, 3, 0, 0), -1);
	/* buddyinfo Normal: 87 228 146 743 ... 758 */
	assert_int_equal(cp.buddyinfo[2 * 11 + 0], 87);
	assert_int_equal(cp.buddyinfo[2 * 11 + 10], 758);
	assert_int_equal(cp.free_pages[1], 772808);
	/* Per order, buddyinfo is the sum over migratetypes of pagetypeinfo. */
	for (int o = 0; o < 11; o++) {
		int64_t sum = 0;

		for (int mt = 0; mt < 5; mt++)
			sum += free_at(&cp, 1, o, mt);
		assert_int_equal(sum, cp.buddyinfo[1 * 11 + o]);
	}
	prt_checkpoint_release(&cp);
	prt_header_release(&h);
}

static void test_bad_text(void **state)
{
	struct prt_header h = { .nr_orders = 11 };
	struct prt_checkpoint cp = { 0 };
	struct pr_error err = { 0 };

	(void)state;
	assert_int_equal(procfs_parse_zoneinfo("hello\n", "zi", 2, &h, &err), -1);
	assert_string_equal(err.msg, "'zi': line 1: expected 'Node N, zone NAME' lines");
	assert_int_equal(procfs_parse_pagetypeinfo("nothing\n", "pti", &h, &cp, &err), -1);
	assert_string_equal(err.msg,
		"'pti': expected 'Page block order:' and 'Number of blocks type' lines");
	prt_header_release(&h);
}

/* CONFIG_ lines from a gzip'd config; the ones missing are "n". */
static void test_config(void **state)
{
	const char *path = scratch_path("config.gz");
	gzFile gz = gzopen(path, "wb");
	struct prt_header h = { 0 };

	(void)state;
	assert_non_null(gz);
	gzputs(gz, "CONFIG_NUMA=y\n# CONFIG_CMA is not set\nCONFIG_COMPACTION=y\n"
		   "CONFIG_ZONE_DMA32=y\nCONFIG_NUMA_BALANCING=y\nCONFIG_PAGE_REPORTING=m\n");
	gzclose(gz);
	assert_int_equal(procfs_read_config(&h, path), 0);
	assert_string_equal(prt_header_setting(&h, "CONFIG_NUMA"), "y");
	assert_string_equal(prt_header_setting(&h, "CONFIG_PAGE_REPORTING"), "m");
	assert_string_equal(prt_header_setting(&h, "CONFIG_CMA"), "n");
	assert_string_equal(prt_header_setting(&h, "CONFIG_HIGHMEM"), "n");
	assert_null(prt_header_setting(&h, "CONFIG_NUMA_BALANCING"));	/* not one that matters */
	prt_header_release(&h);
	/* no config.gz (not every kernel has one): nothing added */
	assert_int_equal(procfs_read_config(&h, scratch_path("absent.gz")), 0);
	assert_int_equal(h.nr_settings, 0);
	scratch_cleanup();
}

/* A live sample of this host: its time is inside the zoneinfo read, after
 * the slow pagetypeinfo read, so it lies in the second part of the call. */
static void test_live_sample_time(void **state)
{
	struct prt_header h;
	struct prt_checkpoint cp;
	struct pr_error err = { 0 };
	char *zi;
	uint64_t t0, t1;

	(void)state;
	require_or_skip(access("/proc/pagetypeinfo", R_OK) == 0,
			"/proc/pagetypeinfo is not readable (needs root)");
	zi = procfs_read("/proc/zoneinfo", NULL, &err);
	assert_non_null(zi);
	memset(&h, 0, sizeof(h));
	h.nr_cpus = (uint32_t)sysconf(_SC_NPROCESSORS_CONF);
	h.nr_orders = 11;
	assert_int_equal(procfs_parse_zoneinfo(zi, "zoneinfo", h.nr_cpus, &h, &err), 0);
	free(zi);
	t0 = pr_now_ns();
	if (procfs_sample(&h, &cp, &err) < 0)
		fail_msg("%s", err.msg);
	t1 = pr_now_ns();
	assert_true(cp.ts_ns > t0 && cp.ts_ns < t1);
	/* pagetypeinfo, then zoneinfo, each inside the call and in that
	 * order; the checkpoint stands after both */
	assert_true(t0 <= cp.pagetypeinfo_read.start_ns);
	assert_true(cp.pagetypeinfo_read.start_ns < cp.pagetypeinfo_read.end_ns);
	assert_true(cp.pagetypeinfo_read.end_ns <= cp.zoneinfo_read.start_ns);
	assert_true(cp.zoneinfo_read.start_ns < cp.zoneinfo_read.end_ns);
	assert_true(cp.zoneinfo_read.end_ns == cp.ts_ns);
	assert_non_null(cp.free_pages);
	assert_non_null(cp.free_blocks);
	assert_non_null(cp.pcp_count);
	assert_int_equal(cp.nr_cpus, h.nr_cpus);
	for (uint32_t z = 0; z < h.nr_zones; z++)	/* populated zones have pagesets */
		if (h.zones[z].managed)
			assert_true(cp.pcp_high[z * h.nr_cpus] >= 0);
	prt_checkpoint_release(&cp);
	prt_header_release(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zoneinfo),
		cmocka_unit_test(test_pagetypeinfo_and_buddyinfo),
		cmocka_unit_test(test_bad_text),
		cmocka_unit_test(test_config),
		cmocka_unit_test(test_live_sample_time),
	};

	return cmocka_run_group_tests_name("procfs", tests, NULL, NULL);
}
