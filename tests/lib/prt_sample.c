/* SPDX-License-Identifier: MIT */
#include "tests/lib/prt_sample.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const mt_names[] = { "Unmovable", "Movable", "Reclaimable",
					"HighAtomic", "Isolate" };

void sample_header(struct prt_header *h)
{
	memset(h, 0, sizeof(*h));
	h->source = PRT_SOURCE_CAPTURE;
	snprintf(h->kernel_release, sizeof(h->kernel_release), "6.18.44-test");
	snprintf(h->hostname, sizeof(h->hostname), "testhost");
	snprintf(h->trace_clock, sizeof(h->trace_clock), "mono");
	h->cmdline = strdup("stress-ng --vm 1");
	h->start_realtime_ns = 1763800000000000000ULL;
	h->start_trace_ns = 5000000000ULL;
	h->page_size = 4096;
	h->nr_orders = 11;
	h->pageblock_order = 9;
	h->nr_cpus = 2;
	h->cpu_node = calloc(2, sizeof(*h->cpu_node));
	h->nr_zones = 2;
	h->zones = calloc(2, sizeof(*h->zones));
	for (int z = 0; z < 2; z++) {
		struct prt_zone *zone = &h->zones[z];

		zone->node = 0;
		zone->zone_type = (uint8_t)(z + 1);
		snprintf(zone->name, sizeof(zone->name), "%s", z ? "Normal" : "DMA32");
		zone->start_pfn = z ? 1048576 : 4096;
		zone->spanned = z ? 5505024 : 1044480;
		zone->present = z ? 5505024 : 782336;
		zone->managed = z ? 163840 : 772808;
		zone->free_pages = z ? 133624 : 772808;
		zone->wmark_min = z ? 2943 : 13883;
		zone->wmark_low = zone->wmark_min + 700;
		zone->wmark_high = zone->wmark_min + 1400;
		zone->wmark_promo = zone->wmark_min + 2100;
		zone->nr_lowmem_reserve = 5;
		zone->lowmem_reserve[2] = z ? 0 : 640;
		zone->pcp = calloc(2, sizeof(*zone->pcp));
		for (int c = 0; c < 2; c++)
			zone->pcp[c] = (struct prt_pcp){ 10 + c, 2790, 63, 38, 48300 };
	}
	h->nr_gfp_flags = 3;
	h->gfp_flags = calloc(3, sizeof(*h->gfp_flags));
	h->gfp_flags[0] = (struct prt_flag){ "GFP_KERNEL", 0xcc0 };
	h->gfp_flags[1] = (struct prt_flag){ "__GFP_MOVABLE", 0x8 };
	h->gfp_flags[2] = (struct prt_flag){ "__GFP_COMP", 0x40000 };
	h->nr_migratetypes = 5;
	h->migratetype_names = calloc(5, PRT_NAME_LEN);
	for (int i = 0; i < 5; i++)
		snprintf(h->migratetype_names[i], PRT_NAME_LEN, "%s", mt_names[i]);
	h->nr_settings = 2;
	h->settings = calloc(2, sizeof(*h->settings));
	snprintf(h->settings[0].key, sizeof(h->settings[0].key), "vm.min_free_kbytes");
	snprintf(h->settings[0].value, sizeof(h->settings[0].value), "67584");
	snprintf(h->settings[1].key, sizeof(h->settings[1].key), "thp.enabled");
	snprintf(h->settings[1].value, sizeof(h->settings[1].value), "madvise");
	h->nr_free_blocks = 3;
	h->free_blocks = calloc(3, sizeof(*h->free_blocks));
	h->free_blocks[0] = (struct prt_free_block){ 4096, 10, 1, false };
	h->free_blocks[1] = (struct prt_free_block){ 1048576 + 512, 9, 0, false };
	h->free_blocks[2] = (struct prt_free_block){ 1048576 + 7, 0, -1, false };
	h->pageblock_mt = calloc(2, sizeof(*h->pageblock_mt));
	for (int z = 0; z < 2; z++) {
		uint64_t n = h->zones[z].spanned / 512;

		h->pageblock_mt[z] = malloc(n);
		for (uint64_t i = 0; i < n; i++)
			h->pageblock_mt[z][i] = (int8_t)(i % 3);
	}
	h->initial.nr_zones = 2;
	h->initial.nr_orders = 11;
	h->initial.nr_migratetypes = 5;
	h->initial.ts_ns = h->start_trace_ns;
	h->initial.free_blocks = calloc(2 * 11 * 5, sizeof(int64_t));
	h->initial.buddyinfo = calloc(2 * 11, sizeof(int64_t));
	h->initial.free_pages = calloc(2, sizeof(int64_t));
	for (int i = 0; i < 2 * 11 * 5; i++)
		h->initial.free_blocks[i] = i * 7;
	for (int i = 0; i < 2 * 11; i++)
		h->initial.buddyinfo[i] = 1000 - i;
	h->initial.free_pages[0] = 772808;
	h->initial.free_pages[1] = 133624;
}

void sample_event(uint64_t i, struct prt_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = (uint8_t)(1 + i % (PRT_EV_CHECKPOINT - 1));	/* ALLOC .. LOST */
	ev->cpu = (uint16_t)(i % 2);
	ev->ts_ns = 5000000000ULL + i * 250 + (i % 2) * 100;
	ev->pid = 1000 + (uint32_t)(i % 17);
	ev->pfn = 1048576 + ((i * 2654435761ULL) % 4096);
	ev->order = (uint8_t)(i % 4);
	ev->migratetype = (int8_t)(i % 3);
	if (ev->type == PRT_EV_ALLOC) {
		ev->gfp = (i % 5) ? 0xcc0 : 0x140cca;
		if (i % 97 == 0)
			ev->pfn = PRT_PFN_NONE;		/* a failure */
	}
	if (ev->type == PRT_EV_EXTFRAG) {
		ev->arg[0] = 9;
		ev->arg[1] = 1;
		ev->arg[2] = i & 1;
	}
	if (ev->type == PRT_EV_COMPACT_END) {
		for (int a = 0; a < 6; a++)
			ev->arg[a] = 1048576 + i + (uint64_t)a;
	}
	if (ev->type == PRT_EV_LOST)
		ev->arg[0] = i;
}

int sample_write(const char *path, uint64_t n, uint64_t cp_every, bool close_it)
{
	struct prt_header h;
	struct prt_writer *w;
	struct prt_event ev;

	sample_header(&h);
	w = prt_writer_open(path, &h, NULL);
	if (!w) {
		prt_header_release(&h);
		return -1;
	}
	for (uint64_t i = 0; i < n; i++) {
		sample_event(i, &ev);
		if (prt_writer_add(w, &ev, NULL) < 0)
			return -1;
		if (cp_every && i % cp_every == cp_every - 1) {
			struct prt_checkpoint cp = h.initial;
			int64_t count[4] = { 100, 200, 300, 400 }, high[4] = { 1000, 2000, 3000, 4000 };

			cp.ts_ns = ev.ts_ns;
			cp.seq = (uint32_t)(i / cp_every);
			if (cp.seq % 2)	/* odd ones say when their files were read */
				cp.pagetypeinfo_read = (struct prt_window){ ev.ts_ns - 5000,
									    ev.ts_ns - 3000 },
				cp.zoneinfo_read = (struct prt_window){ ev.ts_ns - 2000, ev.ts_ns };
			if (cp.seq == 1 || cp.seq == 2) {	/* pagesets, with windows or not */
				count[0] += cp.seq;
				cp.nr_cpus = 2;
				cp.pcp_count = count;
				cp.pcp_high = high;
			}
			if (prt_writer_add_checkpoint(w, &cp, NULL) < 0)
				return -1;
		}
	}
	prt_writer_set_comm(w, 1000, "stress-ng", NULL);
	prt_writer_set_comm(w, 1001, "kswapd0", NULL);
	prt_header_release(&h);
	if (!close_it)
		raise(SIGKILL);	/* a killed writer: no close, no trailer */
	return prt_writer_close(w, NULL);
}

void sample_replay_gfp_flags(struct prt_header *h)
{
	free(h->gfp_flags);
	h->nr_gfp_flags = 4;
	h->gfp_flags = calloc(4, sizeof(*h->gfp_flags));
	h->gfp_flags[0] = (struct prt_flag){ "__GFP_HIGHMEM", 0x2 };
	h->gfp_flags[1] = (struct prt_flag){ "__GFP_MOVABLE", 0x8 };
	h->gfp_flags[2] = (struct prt_flag){ "__GFP_IO", 0x40 };
	h->gfp_flags[3] = (struct prt_flag){ "__GFP_HARDWALL", 0x100000 };
}

void sample_one_zone_header(struct prt_header *h, const struct prt_free_block *fb, unsigned n)
{
	sample_header(h);
	free(h->zones[0].pcp);
	h->nr_zones = 1;
	h->zones[0] = h->zones[1];
	h->zones[0].spanned = h->zones[0].present = h->zones[0].managed = 4096;
	h->zones[0].lowmem_reserve[2] = 0;
	free(h->pageblock_mt[1]);
	h->pageblock_mt[1] = NULL;
	memset(h->pageblock_mt[0], 1, 4096 / 512);	/* movable */
	free(h->free_blocks);
	h->free_blocks = calloc(n ? n : 1, sizeof(*fb));
	if (n)
		memcpy(h->free_blocks, fb, n * sizeof(*fb));
	h->nr_free_blocks = n;
	sample_replay_gfp_flags(h);
	h->initial.nr_zones = 1;
}
