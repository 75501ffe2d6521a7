/* SPDX-License-Identifier: MIT */
#ifndef PR_CAPTURE_IMPORT_PROC_H
#define PR_CAPTURE_IMPORT_PROC_H

/* Topology for an imported trace from saved /proc files (import's
 * --zoneinfo / --pagetypeinfo), through capture's /proc parsers. */

#include "capture/prt.h"
#include "common/error.h"

/* Zones, watermarks and pcp from a saved zoneinfo; h->nr_cpus must be set. */
int imp_proc_zoneinfo(const char *path, struct prt_header *h, struct pr_error *err);
/* Pageblock order, migratetype names and the initial free counts; zones
 * must be in h already (from zoneinfo or inferred). */
int imp_proc_pagetypeinfo(const char *path, struct prt_header *h, struct pr_error *err);
/* Migratetype names of x86-64 kernels with CMA (4.4 and later), for traces
 * without a pagetypeinfo. */
int imp_proc_default_migratetypes(struct prt_header *h, struct pr_error *err);

#endif
