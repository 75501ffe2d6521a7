/* SPDX-License-Identifier: MIT */
/*
 * The text summary's breakdowns (command side: it prints): exact-pfn
 * agreement by migratetype and zone, and the gfp masks that diverge most,
 * named with the trace's own flag table.
 */
#include <stdio.h>
#include <stdlib.h>

#include "capture/gfp_format.h"
#include "capture/prt.h"
#include "replay/cmd_replay_breakdown.h"

#define TOP_SHOWN 5

static double pct(uint64_t a, uint64_t b)
{
	return b ? 100.0 * (double)a / (double)b : 0.0;
}

static void print_tally(const char *name, const struct rp_tally *t)
{
	if (t->allocations)
		printf(" %s %.2f%% of %llu;", name, pct(t->exact, t->allocations),
		       (unsigned long long)t->allocations);
}

static void by_mt_and_zone(const struct rp_result *r)
{
	static const char *const mt_names[] = { "Unmovable", "Movable", "Reclaimable",
						"HighAtomic", "CMA", "Isolate", "unknown" };
	static const char *const zone_names[] = { "DMA", "DMA32", "Normal", "Movable", "Device" };

	printf("  exact pfn by migratetype:");
	for (int mt = 0; mt <= PA_NR_MIGRATETYPES; mt++)
		print_tally(mt_names[mt], &r->by_mt[mt]);
	printf("\n  exact pfn by zone (the kernel's):");
	for (uint32_t z = 0; z < r->nr_zones; z++)
		print_tally(r->zone_type[z] >= 0 && r->zone_type[z] < PA_NR_ZONE_TYPES
				    ? zone_names[r->zone_type[z]] : "?", &r->by_zone[z]);
	print_tally("failed", &r->by_zone[RP_MAX_ZONES]);
	printf("\n");
}

static int by_divergence(const void *a, const void *b)
{
	const struct rp_gfp_tally *x = a, *y = b;
	uint64_t dx = x->t.allocations - x->t.exact, dy = y->t.allocations - y->t.exact;

	return dx < dy ? 1 : dx > dy ? -1 : 0;
}

static void top_gfp(const char *path, const struct rp_result *r)
{
	struct rp_gfp_tally sorted[RP_TOP_GFP];
	struct prt_reader *reader = prt_reader_open(path, NULL);
	const struct prt_header *h = reader ? prt_reader_header(reader) : NULL;
	char names[512];

	for (uint32_t i = 0; i < r->nr_gfp; i++)
		sorted[i] = r->by_gfp[i];
	qsort(sorted, r->nr_gfp, sizeof(sorted[0]), by_divergence);
	printf("  gfp masks diverging most (not exact / allocations):\n");
	for (uint32_t i = 0; i < r->nr_gfp && i < TOP_SHOWN; i++) {
		uint64_t off = sorted[i].t.allocations - sorted[i].t.exact;

		if (!off)
			break;
		names[0] = 0;
		if (h)
			prt_gfp_format(sorted[i].gfp, h->gfp_flags, h->nr_gfp_flags, names, sizeof(names));
		printf("    %8llu / %-9llu %#llx %s\n", (unsigned long long)off,
		       (unsigned long long)sorted[i].t.allocations, (unsigned long long)sorted[i].gfp,
		       names);
	}
	if (r->gfp_other)
		printf("    (%llu allocations of further masks not broken down)\n",
		       (unsigned long long)r->gfp_other);
	if (reader)
		prt_reader_close(reader);
}

void print_breakdowns(const char *path, const struct rp_result *r)
{
	by_mt_and_zone(r);
	top_gfp(path, r);
}
