/* SPDX-License-Identifier: MIT */
#ifndef PR_TESTS_PRT_SAMPLE_H
#define PR_TESTS_PRT_SAMPLE_H

/* A small but complete .prt header and event stream for format tests. */

#include "capture/prt.h"

/* Two cpus, one node, DMA32 + Normal; every header section filled. */
void sample_header(struct prt_header *h);
/* Event i of a deterministic stream cycling through every event type. */
void sample_event(uint64_t i, struct prt_event *ev);
/* Write n sample events (and a checkpoint every `cp_every`, 0: none; the odd
 * ones with read windows ending at their time) to path.
 * With close_it false the process kills itself before closing: call it in a child. */
int sample_write(const char *path, uint64_t n, uint64_t cp_every, bool close_it);

/* For hand-made replay traces: the header above cut to one Normal zone of
 * 4096 pages at 0x100000, every pageblock movable, with these free blocks
 * at capture start and the gfp flags of sample_replay_gfp_flags. Watermarks
 * stay the sample's: callers set what their case needs. */
void sample_one_zone_header(struct prt_header *h, const struct prt_free_block *fb, unsigned n);
/* The 6.18 bits a movable user request needs: __GFP_HIGHMEM 0x2,
 * __GFP_MOVABLE 0x8, __GFP_IO 0x40, __GFP_HARDWALL 0x100000. */
void sample_replay_gfp_flags(struct prt_header *h);

#endif
