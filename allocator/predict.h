/* SPDX-License-Identifier: MIT */
#ifndef PR_ALLOCATOR_PREDICT_H
#define PR_ALLOCATOR_PREDICT_H

#include "allocator/types.h"

/* One allocation decision, with what committing it needs. */
struct pa_pick {
	int zone;
	uint64_t pfn;
	enum pa_path path;
	int mt;
	unsigned af;		/* alloc_flags of the pass that succeeded */
	struct pa_take t;	/* buddy decision (refill: its first block) */
	int refill;
	bool slowpath, fair_reset;
};

int decide(const struct pa_model *m, const struct pa_request *r, struct pa_pick *pk);

/* apply.c: after any allocation the kernel made in zone z */
void post_alloc(struct pa_model *m, struct pa_zone *z, unsigned order, unsigned af);
int bulk_mode_after(const struct pa_take *t, int mt, int mode);

#endif
