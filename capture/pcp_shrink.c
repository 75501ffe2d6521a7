/* SPDX-License-Identifier: MIT */
#include "capture/pcp_shrink.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "capture/procfs.h"
#include "common/clock.h"

#define SHRINK_FRACTION	"1073741824"
#define TOUCH_BYTES	(4u << 20)
#define ROUNDS		4

uint64_t pcp_pages_in_zoneinfo(const char *zoneinfo)
{
	uint64_t sum = 0;
	const char *p = zoneinfo;

	/* "count:" appears only in the per-cpu blocks of zoneinfo */
	while ((p = strstr(p, "count:")) != NULL) {
		p += 6;
		sum += strtoull(p, NULL, 10);
	}
	return sum;
}

static int64_t pcp_pages_now(const char *proc_root)
{
	char path[512];
	char *text;
	uint64_t n;

	snprintf(path, sizeof(path), "%s/proc/zoneinfo", proc_root);
	text = procfs_read(path, NULL, NULL);
	if (!text)
		return -1;
	n = pcp_pages_in_zoneinfo(text);
	free(text);
	return (int64_t)n;
}

static int write_sysctl(const char *path, const char *value, struct pr_error *err)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return pr_fail_errno(err, "cannot open '%s'", path);
	if (fputs(value, f) < 0 || fclose(f) != 0)
		return pr_fail_errno(err, "cannot write '%s' to '%s'", value, path);
	return 0;
}

/* Faulting pages in and unmapping them frees order-0 pages on this cpu:
 * each free past the lowered high trims the lists of its zone. */
static void *free_on_cpu(void *arg)
{
	uint32_t cpu = (uint32_t)(uintptr_t)arg;
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (pthread_setaffinity_np(pthread_self(), sizeof(set), &set) != 0)
		return NULL;
	for (int r = 0; r < ROUNDS; r++) {
		char *p = mmap(NULL, TOUCH_BYTES, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			return NULL;
		for (size_t i = 0; i < TOUCH_BYTES; i += 4096)
			p[i] = 1;
		munmap(p, TOUCH_BYTES);
	}
	return NULL;
}

static void free_on_every_cpu(uint32_t nr_cpus)
{
	pthread_t *t = calloc(nr_cpus, sizeof(*t));
	bool *ok = calloc(nr_cpus, sizeof(*ok));

	for (uint32_t c = 0; t && ok && c < nr_cpus; c++)
		ok[c] = pthread_create(&t[c], NULL, free_on_cpu, (void *)(uintptr_t)c) == 0;
	for (uint32_t c = 0; t && ok && c < nr_cpus; c++)
		if (ok[c])
			pthread_join(t[c], NULL);
	free(t);
	free(ok);
}

int pcp_shrink(const char *proc_root, uint32_t nr_cpus, struct pcp_shrink_result *res,
	       struct pr_error *err)
{
	char path[512], *old;
	double t0 = pr_now_s();
	int64_t before = pcp_pages_now(proc_root), after;
	int ret;

	memset(res, 0, sizeof(*res));
	snprintf(path, sizeof(path), "%s/proc/sys/vm/percpu_pagelist_high_fraction", proc_root);
	old = procfs_read(path, NULL, err);
	if (!old || before < 0) {
		free(old);
		return before < 0 ? pr_fail(err, PR_EIO, "cannot read %s/proc/zoneinfo", proc_root) : -1;
	}
	if (write_sysctl(path, SHRINK_FRACTION, err) < 0) {
		free(old);
		return -1;
	}
	free_on_every_cpu(nr_cpus);
	ret = write_sysctl(path, old, err);
	free(old);
	if (ret < 0)
		return -1;
	after = pcp_pages_now(proc_root);
	res->before = (uint64_t)before;
	res->after = after < 0 ? 0 : (uint64_t)after;
	res->seconds = pr_now_s() - t0;
	return 0;
}
