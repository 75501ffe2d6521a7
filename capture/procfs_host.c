/* SPDX-License-Identifier: MIT */
/*
 * The host's identity and the settings that change allocator behaviour,
 * recorded so a replay knows what the traced host was doing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <zlib.h>

#include "capture/procfs.h"
#include "common/clock.h"

char *procfs_read(const char *path, size_t *len, struct pr_error *err)
{
	FILE *f = fopen(path, "r");
	size_t cap = 65536, n = 0;
	char *buf;

	if (!f) {
		pr_fail_errno(err, "cannot open '%s'", path);
		return NULL;
	}
	buf = malloc(cap);
	while (buf) {
		size_t got = fread(buf + n, 1, cap - n - 1, f);

		n += got;
		if (got == 0)
			break;
		if (cap - n < 2) {
			char *bigger = realloc(buf, cap * 2);

			if (!bigger) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = bigger;
			cap *= 2;
		}
	}
	if (!buf || ferror(f)) {
		if (buf)
			pr_fail_errno(err, "cannot read '%s'", path);
		else
			pr_fail(err, PR_ENOMEM, "out of memory reading '%s'", path);
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

static int cpu_count(void)
{
	long n = sysconf(_SC_NPROCESSORS_CONF);

	return n > 0 ? (int)n : 1;
}

/* /sys/devices/system/node/nodeN/cpuM links: which node each cpu is on. */
static void read_cpu_nodes(struct prt_header *h)
{
	for (uint32_t c = 0; c < h->nr_cpus; c++) {
		h->cpu_node[c] = 0;
		for (int n = 0; n < 1024; n++) {
			char path[128];

			snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/cpu%u", n, c);
			if (access(path, F_OK) == 0) {
				h->cpu_node[c] = (int16_t)n;
				break;
			}
			snprintf(path, sizeof(path), "/sys/devices/system/node/node%d", n);
			if (access(path, F_OK) != 0 && n > 0)
				break;
		}
	}
}

int procfs_host_identity(struct prt_header *h, struct pr_error *err)
{
	struct utsname u;

	if (uname(&u) < 0)
		return pr_fail_errno(err, "uname failed");
	snprintf(h->kernel_release, sizeof(h->kernel_release), "%s", u.release);
	snprintf(h->hostname, sizeof(h->hostname), "%.63s", u.nodename);
	h->page_size = (uint32_t)sysconf(_SC_PAGESIZE);
	h->nr_cpus = (uint32_t)cpu_count();
	h->cpu_node = calloc(h->nr_cpus, sizeof(*h->cpu_node));
	if (!h->cpu_node)
		return pr_fail(err, PR_ENOMEM, "out of memory");
	read_cpu_nodes(h);
	return 0;
}

int procfs_add_setting(struct prt_header *h, const char *key, const char *value)
{
	struct prt_setting *bigger = realloc(h->settings, (h->nr_settings + 1) * sizeof(*bigger));
	struct prt_setting *s;
	size_t n;

	if (!bigger)
		return -1;
	h->settings = bigger;
	s = &h->settings[h->nr_settings++];
	snprintf(s->key, sizeof(s->key), "%s", key);
	snprintf(s->value, sizeof(s->value), "%s", value);
	n = strlen(s->value);
	while (n && (s->value[n - 1] == '\n' || s->value[n - 1] == ' '))
		s->value[--n] = '\0';
	return 0;
}

static const struct {
	const char *key, *path;
} setting_files[] = {
	{ "vm.min_free_kbytes", "/proc/sys/vm/min_free_kbytes" },
	{ "vm.watermark_scale_factor", "/proc/sys/vm/watermark_scale_factor" },
	{ "vm.watermark_boost_factor", "/proc/sys/vm/watermark_boost_factor" },
	{ "vm.compaction_proactiveness", "/proc/sys/vm/compaction_proactiveness" },
	{ "vm.percpu_pagelist_high_fraction", "/proc/sys/vm/percpu_pagelist_high_fraction" },
	{ "vm.extfrag_threshold", "/proc/sys/vm/extfrag_threshold" },
	{ "vm.zone_reclaim_mode", "/proc/sys/vm/zone_reclaim_mode" },
	{ "vm.lowmem_reserve_ratio", "/proc/sys/vm/lowmem_reserve_ratio" },
	{ "kernel.numa_balancing", "/proc/sys/kernel/numa_balancing" },
	{ "thp.enabled", "/sys/kernel/mm/transparent_hugepage/enabled" },
	{ "thp.defrag", "/sys/kernel/mm/transparent_hugepage/defrag" },
	{ "page_alloc.shuffle", "/sys/module/page_alloc/parameters/shuffle" },
	{ "page_reporting.order", "/sys/module/page_reporting/parameters/page_reporting_order" },
};

static const char *const config_keys[] = {
	"CONFIG_CMA", "CONFIG_NUMA", "CONFIG_MEMORY_ISOLATION", "CONFIG_COMPACTION",
	"CONFIG_PAGE_REPORTING", "CONFIG_DEFERRED_STRUCT_PAGE_INIT",
	"CONFIG_SHUFFLE_PAGE_ALLOCATOR", "CONFIG_HIGHMEM", "CONFIG_ZONE_DMA",
	"CONFIG_ZONE_DMA32", "CONFIG_TRANSPARENT_HUGEPAGE", "CONFIG_MEMORY_HOTPLUG",
};

/* The config lines that matter, "y"/"m"/"n", from a config.gz. */
int procfs_read_config(struct prt_header *h, const char *path)
{
	gzFile gz = gzopen(path, "rb");
	char line[512];
	bool seen[sizeof(config_keys) / sizeof(config_keys[0])] = { false };

	if (!gz)
		return 0;	/* not every kernel has it: the settings just omit it */
	while (gzgets(gz, line, sizeof(line))) {
		for (size_t i = 0; i < sizeof(config_keys) / sizeof(config_keys[0]); i++) {
			size_t n = strlen(config_keys[i]);

			if (strncmp(line, config_keys[i], n) == 0 && line[n] == '=') {
				seen[i] = true;
				if (procfs_add_setting(h, config_keys[i], line + n + 1) < 0)
					goto oom;
			}
		}
	}
	for (size_t i = 0; i < sizeof(config_keys) / sizeof(config_keys[0]); i++)
		if (!seen[i] && procfs_add_setting(h, config_keys[i], "n") < 0)
			goto oom;
	gzclose(gz);
	return 0;
oom:
	gzclose(gz);
	return -1;
}

int procfs_host_settings(struct prt_header *h, struct pr_error *err)
{
	for (size_t i = 0; i < sizeof(setting_files) / sizeof(setting_files[0]); i++) {
		char *text = procfs_read(setting_files[i].path, NULL, NULL);

		if (!text)
			continue;	/* absent on this kernel: not recorded */
		if (procfs_add_setting(h, setting_files[i].key, text) < 0) {
			free(text);
			return pr_fail(err, PR_ENOMEM, "out of memory");
		}
		free(text);
	}
	if (procfs_read_config(h, "/proc/config.gz") < 0)
		return pr_fail(err, PR_ENOMEM, "out of memory");
	return 0;
}

/* Read path whole, noting when (the trace clock: CLOCK_MONOTONIC). */
static char *read_timed(const char *path, struct prt_window *when, struct pr_error *err)
{
	char *text;

	when->start_ns = pr_now_ns();
	text = procfs_read(path, NULL, err);
	when->end_ns = pr_now_ns();
	return text;
}

int procfs_sample(const struct prt_header *h, struct prt_checkpoint *cp, struct pr_error *err)
{
	struct prt_header copy_names = *h;	/* pagetypeinfo may rewrite names */
	struct prt_window pti_read, zi_read;
	char *pti = NULL, *bi = NULL, *zi = NULL;
	int ret = -1;

	copy_names.migratetype_names = NULL;
	copy_names.nr_migratetypes = 0;
	memset(cp, 0, sizeof(*cp));
	if (!(pti = read_timed("/proc/pagetypeinfo", &pti_read, err)) ||
	    !(bi = procfs_read("/proc/buddyinfo", NULL, err)) ||
	    !(zi = read_timed("/proc/zoneinfo", &zi_read, err)))
		goto out;
	if (procfs_parse_pagetypeinfo(pti, "/proc/pagetypeinfo", &copy_names, cp, err) < 0 ||
	    procfs_parse_buddyinfo(bi, "/proc/buddyinfo", h, cp, err) < 0)
		goto out;
	if (procfs_parse_zone_free(zi, h, cp) < 0 || procfs_parse_zone_pcp(zi, h, cp) < 0) {
		pr_fail(err, PR_ENOMEM, "out of memory parsing '/proc/zoneinfo'");
		goto out;
	}
	cp->pagetypeinfo_read = pti_read;
	cp->zoneinfo_read = zi_read;
	cp->ts_ns = zi_read.end_ns;	/* after every count it holds */
	ret = 0;
out:
	free(copy_names.migratetype_names);
	free(pti);
	free(bi);
	free(zi);
	return ret;
}
