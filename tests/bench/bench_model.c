/* SPDX-License-Identifier: MIT */
/*
 * Model throughput on a 24 GiB single-node topology: order-0-heavy
 * predict + apply (the kernel's choice = the model's), with frees.
 * Prints `bench model_ops_per_s <v> ops/s` and `bench model_bytes_per_page <v> B`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "allocator/model.h"

int main(void)
{
	static int16_t nodes[2];
	struct pa_zone_desc zones[3] = {
		{ .type = PA_ZONE_DMA, .start_pfn = 1, .spanned = 4095, .present = 3998,
		  .managed = 3840, .wmark_min = 8, .wmark_low = 10, .wmark_high = 12,
		  .pcp_high = 0, .pcp_batch = 1 },
		{ .type = PA_ZONE_DMA32, .start_pfn = 4096, .spanned = 1044480, .present = 782298,
		  .managed = 765000, .wmark_min = 2000, .wmark_low = 2700, .wmark_high = 3400,
		  .pcp_high = 2000, .pcp_batch = 63, .pcp_high_min = 1500, .pcp_high_max = 47000 },
		{ .type = PA_ZONE_NORMAL, .start_pfn = 1048576, .spanned = 5242880,
		  .present = 5242880, .managed = 5100000, .wmark_min = 11000, .wmark_low = 14000,
		  .wmark_high = 17000, .pcp_high = 8000, .pcp_batch = 63, .pcp_high_min = 7000,
		  .pcp_high_max = 318000 },
	};
	struct pa_topology t = { .nr_cpus = 2, .cpu_node = nodes, .nr_zones = 3, .zones = zones,
				 .nr_orders = 11, .pageblock_order = 9 };
	struct pa_model *m = pa_model_create(&t, PA_PROFILE_LINUX_6, NULL);
	enum { HELD = 1 << 16 };
	/* pfn << 4 | order: one load per free, so the harness's own cache
	 * misses do not count against the model */
	static uint64_t held[HELD];
	unsigned nheld = 0, seed = 1;
	long ops = 0;
	struct timespec a, b;

	if (!m)
		return 1;
	pa_model_set_auto_drain(m, true);
	for (uint64_t pfn = 1048576; pfn < 1048576 + 5242880; pfn += 1024)
		pa_model_seed_free(m, pfn, 10, -1, NULL);
	for (uint64_t pfn = 8192; pfn < 4096 + 1044480; pfn += 1024)
		pa_model_seed_free(m, pfn, 10, -1, NULL);
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (long i = 0; i < 4000000; i++) {
		unsigned x = (unsigned)rand_r(&seed);

		if (nheld && (x % 100 < 48 || nheld == HELD)) {
			unsigned k = (x >> 8) % nheld;

			pa_free(m, x & 1, held[k] >> 4, held[k] & 15);
			held[k] = held[--nheld];
		} else {
			struct pa_request r = { .cpu = x & 1, .node = -1,
						.gfp = (1ULL << PA_GFP_MOVABLE) | (1ULL << PA_GFP_HIGHMEM) |
						       (1ULL << PA_GFP_KSWAPD_RECLAIM) |
						       (1ULL << PA_GFP_DIRECT_RECLAIM),
						.order = x % 100 < 95 ? 0 : (x >> 4) % 4 };
			struct pa_prediction p;

			if (pa_predict(m, &r, &p) == 0 && p.path != PA_PATH_PCP_REFILL &&
			    !p.needs_slowpath) {
				pa_apply_alloc(m, r.cpu, p.pfn, r.order, p.migratetype);
			} else if (pa_alloc(m, &r, &p) < 0) {
				continue;
			}
			held[nheld++] = p.pfn << 4 | r.order;
		}
		ops++;
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("bench model_ops_per_s %.0f ops/s\n",
	       ops / ((b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9));
	printf("bench model_bytes_per_page %.2f B\n", pa_model_bytes_per_page(m));
	pa_model_destroy(m);
	return 0;
}
