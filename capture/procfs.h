/* SPDX-License-Identifier: MIT */
#ifndef PR_CAPTURE_PROCFS_H
#define PR_CAPTURE_PROCFS_H

/*
 * What the live host says about its allocator, parsed from /proc and /sys
 * text into .prt header parts. The parsers take text (so tests feed saved
 * copies); the readers take a root directory prefix ("" for the host).
 */

#include <stddef.h>

#include "capture/kpageflags.h"
#include "capture/prt.h"
#include "common/error.h"

/* /proc/zoneinfo: zones (populated or not) with watermarks and per-cpu pcp. */
int procfs_parse_zoneinfo(const char *text, const char *origin, uint32_t nr_cpus,
			  struct prt_header *h, struct pr_error *err);

/* /proc/pagetypeinfo: pageblock order, migratetype names (index = kernel
 * value), and into cp: free blocks [z][o][mt] and pageblocks [z][mt] for the
 * zones already in h. */
int procfs_parse_pagetypeinfo(const char *text, const char *origin, struct prt_header *h,
			      struct prt_checkpoint *cp, struct pr_error *err);

/* /proc/buddyinfo into cp->buddyinfo [z][o]. */
int procfs_parse_buddyinfo(const char *text, const char *origin, const struct prt_header *h,
			   struct prt_checkpoint *cp, struct pr_error *err);

/* "pages free" per zone from zoneinfo text into cp->free_pages. */
int procfs_parse_zone_free(const char *text, const struct prt_header *h,
			   struct prt_checkpoint *cp);

/* Per-cpu "count:" and "high:" of every zone's pagesets from zoneinfo text
 * into cp->pcp_count and cp->pcp_high [z][cpu] (-1 where absent). -1: no memory. */
int procfs_parse_zone_pcp(const char *text, const struct prt_header *h,
			  struct prt_checkpoint *cp);

/* "System RAM" lines at the top level of /proc/iomem as pfn ranges, in file
 * order. *out is malloc'd; -1 with err on text that is not iomem. */
int procfs_parse_iomem(const char *text, const char *origin, uint32_t page_size,
		       struct kpageflags_ram **out, size_t *n, struct pr_error *err);

/* Whole-file read into a malloc'd NUL-terminated buffer. */
char *procfs_read(const char *path, size_t *len, struct pr_error *err);

/* Kernel release, hostname, cpus and their nodes, the allocator settings. */
int procfs_host_identity(struct prt_header *h, struct pr_error *err);
int procfs_host_settings(struct prt_header *h, struct pr_error *err);

/* Append a key/value to h->settings (trailing newlines dropped); -1: no memory. */
int procfs_add_setting(struct prt_header *h, const char *key, const char *value);

/* The CONFIG_ lines that change allocator behaviour from a (gzip'd) kernel
 * config, as settings; absent lines become "n". A missing file adds nothing.
 * -1: out of memory. */
int procfs_read_config(struct prt_header *h, const char *path);

/* A checkpoint of the live host now (pagetypeinfo, buddyinfo, zoneinfo),
 * with the windows pagetypeinfo and zoneinfo were read in: under load the
 * state moves by tens of thousands of pages in the milliseconds pagetypeinfo
 * takes (it walks the free lists), so replay compares each file's counts
 * with the model over that file's window. Its time is the end of the last
 * read, so replay has seen every event of both windows when it gets there. */
int procfs_sample(const struct prt_header *h, struct prt_checkpoint *cp, struct pr_error *err);

#endif
