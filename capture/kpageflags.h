/* SPDX-License-Identifier: MIT */
#ifndef PR_CAPTURE_KPAGEFLAGS_H
#define PR_CAPTURE_KPAGEFLAGS_H

#include "capture/prt.h"
#include "common/error.h"

/*
 * Fill h->free_blocks and h->pageblock_mt for h's zones from a kpageflags
 * file (normally /proc/kpageflags). h->pageblock_order must be set.
 */
int kpageflags_free_map(struct prt_header *h, const char *path, struct pr_error *err);

#endif
