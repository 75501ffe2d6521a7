/* SPDX-License-Identifier: MIT */
/*
 * make bench: the model's speed and memory on a 24 GiB host's topology
 * (this test host's zones), an order-0-heavy mix as page-cache and
 * anonymous faults give: 2 allocations (predict + apply each, one op) per
 * free, orders 0 (90%), 1-3 and 9, two cpus.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "allocator/model.h"

#define KERNEL	(PA_GFP(IO) | PA_GFP(FS) | PA_GFP(DIRECT_RECLAIM) | PA_GFP(KSWAPD_RECLAIM))
#define MOVABLE	(KERNEL | PA_GFP(HARDWALL) | PA_GFP(HIGHMEM) | PA_GFP(MOVABLE))
#define LIVE	(1u << 20)

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	static const int16_t nodes[2] = { 0, 0 };
	struct pa_zone_desc z[3] = {
		{ .type = PA_ZONE_DMA, .start_pfn = 1, .spanned = 4095, .managed = 3840, .wmark_low = 77 },
		{ .type = PA_ZONE_DMA32, .start_pfn = 4096, .spanned = 1044480, .managed = 772808,
		  .wmark_low = 15711 },
		{ .type = PA_ZONE_NORMAL, .start_pfn = 1048576, .spanned = 5505024,
		  .managed = 5505024, .wmark_low = 7842 },
	};
	struct pa_topology t = { .nr_cpus = 2, .cpu_node = nodes, .nr_zones = 3, .zones = z,
				 .nr_orders = 11, .pageblock_order = 9 };
	struct pa_model *m = pa_model_create(&t, PA_PROFILE_LINUX_6, NULL);
	uint64_t ops = argc > 1 ? strtoull(argv[1], NULL, 10) : 20000000, done = 0;
	uint64_t *live = malloc(LIVE * sizeof(*live));
	unsigned char *live_order = malloc(LIVE);
	unsigned nlive = 0, seed = 1;
	double start;

	if (!m || !live || !live_order)
		return 1;
	for (uint64_t pfn = 4096; pfn + 1024 <= 4096 + 1044480; pfn += 1024)
		pa_model_seed_free(m, pfn, 10, PA_MT_MOVABLE, NULL);
	for (uint64_t pfn = 1048576; pfn + 1024 <= 1048576 + 5505024; pfn += 1024)
		pa_model_seed_free(m, pfn, 10, PA_MT_MOVABLE, NULL);
	start = now();
	while (done < ops) {
		unsigned r = (seed = seed * 1103515245u + 12345u) >> 8;

		if (r % 3 != 0 && nlive < LIVE) {
			unsigned pick = (r >> 4) % 100;
			unsigned order = pick < 90 ? 0 : pick < 97 ? 1 + pick % 3 : pick < 99 ? 0 : 9;
			struct pa_request req = { .cpu = r & 1, .node = -1,
						  .gfp = (r >> 12) % 5 ? MOVABLE : KERNEL, .order = order };
			struct pa_prediction p;

			pa_predict(m, &req, &p);
			if (p.success) {
				pa_apply_alloc(m, req.cpu, p.pfn, order, p.migratetype);
				live[nlive] = p.pfn;
				live_order[nlive++] = (unsigned char)order;
			}
		} else if (nlive) {
			unsigned i = (r >> 4) % nlive;

			pa_free(m, r & 1, live[i], live_order[i]);
			live[i] = live[--nlive];
			live_order[i] = live_order[nlive];
		}
		done++;
	}
	printf("bench model_ops_per_s %.0f ops/s\n", (double)done / (now() - start));
	printf("bench model_bytes_per_page %.2f B\n", pa_model_bytes_per_page(m));
	pa_model_destroy(m);
	free(live);
	free(live_order);
	return 0;
}
