/* SPDX-License-Identifier: MIT */
#ifndef PR_COMMON_CLOCK_H
#define PR_COMMON_CLOCK_H

/* CLOCK_MONOTONIC, the clock capture's trace_clock "mono" also reads. */

#include <stdint.h>

uint64_t pr_now_ns(void);
double pr_now_s(void);

#endif
