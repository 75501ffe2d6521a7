/* SPDX-License-Identifier: MIT */
#ifndef PR_TESTS_PRT_SAMPLE_H
#define PR_TESTS_PRT_SAMPLE_H

/* A small but complete .prt header and event stream for format tests. */

#include "capture/prt.h"

/* Two cpus, one node, DMA32 + Normal; every header section filled. */
void sample_header(struct prt_header *h);
/* Event i of a deterministic stream cycling through every event type. */
void sample_event(uint64_t i, struct prt_event *ev);
/* Write n sample events (and a checkpoint every `cp_every`, 0: none) to path.
 * With close_it false the process _exits before closing: call it in a child. */
int sample_write(const char *path, uint64_t n, uint64_t cp_every, bool close_it);

#endif
