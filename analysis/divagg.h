/* SPDX-License-Identifier: MIT */
#ifndef PR_ANALYSIS_DIVAGG_H
#define PR_ANALYSIS_DIVAGG_H

/*
 * Divergence aggregation: counts of classified events keyed by
 * (class, gfp, order, migratetype, zone, path), from which agreement per
 * class overall and by any of those dimensions follows. The class numbers
 * and their names belong to replay; this only counts.
 *
 * Replay calls an_divagg_add() once per classified event (agreements
 * included: the exact-pfn class is a class too), then hands the table to
 * db_add_agreement() and/or rolls it up for its summary table.
 */

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

#define AN_ANY	(-2)	/* a rolled-up dimension in a cell */

struct an_div_key {
	int cls;		/* replay's class number, >= 0 */
	uint64_t gfp;		/* raw gfp as the trace's kernel defines its bits */
	int order;
	int migratetype;	/* canonical, -1 unknown */
	int zone;		/* kernel's zone (model's if the kernel failed), -1 none */
	int path;		/* model's enum pa_path, -1 unknown */
};

struct an_div_cell {
	struct an_div_key key;	/* rolled-up fields are AN_ANY (gfp: 0, see dims) */
	uint64_t count;
};

struct an_divagg;

struct an_divagg *an_divagg_create(struct pr_error *err);
void an_divagg_destroy(struct an_divagg *a);
int an_divagg_add(struct an_divagg *a, const struct an_div_key *key, uint64_t n,
		  struct pr_error *err);
uint64_t an_divagg_total(const struct an_divagg *a);
size_t an_divagg_size(const struct an_divagg *a);
/* Iterate cells: *it starts at 0; returns NULL at the end. */
const struct an_div_cell *an_divagg_next(const struct an_divagg *a, size_t *it);

/* Dimensions kept by a rollup; the class is always kept. */
enum {
	AN_DIM_GFP = 1u << 0,
	AN_DIM_ORDER = 1u << 1,
	AN_DIM_MT = 1u << 2,
	AN_DIM_ZONE = 1u << 3,
	AN_DIM_PATH = 1u << 4,
};

/*
 * Sum the cells over the dimensions not in `dims`; returns a malloc'd array
 * of *nr cells sorted by count, largest first (ties: by key), or NULL on
 * allocation failure (also when empty: *nr = 0 then, no error).
 */
struct an_div_cell *an_divagg_rollup(const struct an_divagg *a, unsigned dims, size_t *nr,
				     struct pr_error *err);

#endif
