/* SPDX-License-Identifier: MIT */
#ifndef PR_ALLOCATOR_ZONE_H
#define PR_ALLOCATOR_ZONE_H

#include "allocator/types.h"

#define PA_MAX_ZONELIST 64

int zonelist_build(const struct pa_model *m, int node, bool thisnode, int *out, int max);
bool node_has_dma32(const struct pa_model *m, int node);

#endif
