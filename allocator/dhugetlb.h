/* SPDX-License-Identifier: MIT */
#ifndef PR_ALLOCATOR_DHUGETLB_H
#define PR_ALLOCATOR_DHUGETLB_H

/* openEuler's dynamic hugetlb pool, private to allocator/ (dhugetlb.c). */

#include <stdbool.h>
#include <stdint.h>

#include "allocator/model.h"

bool dh_owns(const struct pa_model *m, uint64_t pfn);
bool dh_eligible(const struct pa_model *m, const struct pa_request *r);
uint64_t dh_next(const struct pa_model *m, uint32_t cpu);	/* PA_PFN_NONE: empty */
int dh_take(struct pa_model *m, uint32_t cpu, uint64_t pfn);
int dh_free(struct pa_model *m, uint32_t cpu, uint64_t pfn);
void dh_destroy(struct pa_model *m);

#endif
