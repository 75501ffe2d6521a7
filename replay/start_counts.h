/* SPDX-License-Identifier: MIT */
#ifndef PR_REPLAY_START_COUNTS_H
#define PR_REPLAY_START_COUNTS_H

/*
 * Which free lists the capture's free map has exactly as the kernel counted
 * them at capture start (the header's pagetypeinfo sample): per model zone,
 * order and migratetype. The map is scanned while the host runs, so the
 * busy low orders drift; a list whose count matches is one whose blocks'
 * types the capture got right, which matters when the kernel later shows
 * one of them is not on its list (replay/untraced.c).
 */

#include <stdbool.h>
#include <stdint.h>

#include "allocator/model.h"
#include "capture/prt.h"
#include "replay/translate.h"

struct rp_start_counts {
	uint8_t (*exact)[PA_MAX_ORDERS];	/* [model zone][order]: bit per migratetype */
	uint32_t nr_zones;
};

/* 0, or -1 out of memory; a header without the sample marks nothing exact. */
int rp_start_counts_init(struct rp_start_counts *s, const struct rp_translate *t,
			 const struct prt_header *h, const struct pa_model *m);
void rp_start_counts_release(struct rp_start_counts *s);
bool rp_start_count_exact(const struct rp_start_counts *s, int zone, unsigned order, int mt);

#endif
