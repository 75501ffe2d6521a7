/* SPDX-License-Identifier: MIT */
/*
 * The seeded workload of `pagereplay synth`. Each step picks a cpu and
 * either allocates (a gfp mask and order from a fixed mix: page cache and
 * anonymous movable pages, slab-like unmovable and reclaimable, atomic,
 * DMA32, THP) or frees a random live block, mostly from the cpu that
 * allocated it. Memory fills to about 90% and hovers there; every fourth
 * phase pushes past the watermarks so that fallbacks and failures happen;
 * now and then a cpu's pcp lists are drained whole (drain_all_pages).
 */
#include <stdlib.h>
#include <string.h>

#include "replay/synth.h"
#include "replay/synth_standin.h"
#include "replay/translate.h"

#define PHASE_EVENTS 20000

struct live { uint64_t pfn; uint8_t order; uint16_t cpu; };

struct synth {
	struct prt_writer *w;
	struct pr_error *err;
	int failed;
	uint64_t rng, ts;
	struct rp_synth_stats *st;
	struct live *live;
	uint64_t nr_live, live_pages, cap;
	uint32_t cpus;
	bool no_thp;
	uint64_t kinds[8];	/* raw gfp of each workload kind */
};

static uint64_t next(struct synth *s)
{
	/* xorshift64*: small, seedable, the same on every host */
	s->rng ^= s->rng >> 12;
	s->rng ^= s->rng << 25;
	s->rng ^= s->rng >> 27;
	return s->rng * 0x2545f4914f6cdd1dULL;
}

static int emit(void *ctx, const struct prt_event *ev)
{
	struct synth *s = ctx;
	struct prt_event e = *ev;

	if (s->failed)
		return -1;
	e.ts_ns = s->ts += 97;
	e.pid = 1000 + ev->cpu;
	s->st->events++;
	if (prt_writer_add(s->w, &e, s->err) < 0)
		s->failed = 1;
	return s->failed ? -1 : 0;
}

/* Workload kinds: gfp name(s), weight, highest order (9: only order 9). */
static const struct {
	const char *gfp, *extra;
	unsigned weight, max_order;
} kinds[] = {
	{ "GFP_HIGHUSER_MOVABLE", NULL, 40, 0 },
	{ "GFP_KERNEL", NULL, 22, 3 },
	{ "GFP_KERNEL", "__GFP_RECLAIMABLE", 12, 1 },
	{ "GFP_KERNEL_ACCOUNT", "__GFP_COMP", 8, 3 },
	{ "GFP_ATOMIC", NULL, 6, 2 },
	{ "GFP_NOWAIT", "__GFP_NOWARN", 4, 0 },
	{ "GFP_KERNEL", "GFP_DMA32", 3, 0 },
	{ "GFP_TRANSHUGE_LIGHT", NULL, 5, 9 },
};
#define NR_KINDS (sizeof(kinds) / sizeof(kinds[0]))

static unsigned weight(const struct synth *s, unsigned kind)
{
	return s->no_thp && kinds[kind].max_order == 9 ? 0 : kinds[kind].weight;
}

static unsigned pick_kind(struct synth *s)
{
	unsigned total = 0, r;

	for (unsigned i = 0; i < NR_KINDS; i++)
		total += weight(s, i);
	r = (unsigned)(next(s) % total);
	for (unsigned i = 0; i < NR_KINDS; i++) {
		if (r < weight(s, i))
			return i;
		r -= weight(s, i);
	}
	return 0;
}

static unsigned pick_order(struct synth *s, unsigned kind)
{
	unsigned max = kinds[kind].max_order, r;

	if (max == 9)
		return 9;
	r = (unsigned)(next(s) % 100);	/* mostly order 0, a tail to max */
	return r < 75 || !max ? 0 : r < 88 ? 1 : r < 96 ? (max >= 2 ? 2 : 1) : max;
}

static int remember(struct synth *s, uint64_t pfn, unsigned order, uint32_t cpu)
{
	if (s->nr_live == s->cap) {
		uint64_t cap = s->cap * 2 + 1024;
		struct live *more = realloc(s->live, cap * sizeof(*more));

		if (!more)
			return pr_fail(s->err, PR_ENOMEM, "out of memory");
		s->live = more;
		s->cap = cap;
	}
	s->live[s->nr_live++] = (struct live){ pfn, (uint8_t)order, (uint16_t)cpu };
	s->live_pages += 1ULL << order;
	return 0;
}

static void do_alloc(struct synth *s, struct rp_standin *in, const struct rp_translate *t,
		     uint32_t cpu)
{
	unsigned kind = pick_kind(s), order = pick_order(s, kind);
	struct pa_request req = { .cpu = cpu, .node = -1, .order = order,
				  .gfp = rp_translate_gfp(t, s->kinds[kind]) };
	uint64_t pfn;

	if (order >= t->topo.nr_orders)
		return;
	s->st->allocations++;
	pfn = rp_standin_alloc(in, &req, s->kinds[kind]);
	if (pfn == PA_PFN_NONE)
		s->st->failures++;
	else if (remember(s, pfn, order, cpu) < 0)
		s->failed = 1;
}

static void do_free(struct synth *s, struct rp_standin *in, uint32_t cpu)
{
	uint64_t i = next(s) % s->nr_live;
	struct live l = s->live[i];

	s->live[i] = s->live[--s->nr_live];
	s->live_pages -= 1ULL << l.order;
	s->st->frees++;
	rp_standin_free(in, next(s) % 10 < 7 ? l.cpu : cpu, l.pfn, l.order);
}

static void workload(struct synth *s, struct rp_standin *in, const struct rp_translate *t,
		     const struct rp_synth_opts *o, uint64_t free_pages)
{
	while (s->st->events < o->events && !s->failed) {
		uint32_t cpu = (uint32_t)(next(s) % s->cpus);
		unsigned r = (unsigned)(next(s) % 1000);
		bool pressure = (s->st->events / PHASE_EVENTS) % 4 == 3;
		uint64_t target = free_pages * (pressure ? 101 : 90) / 100;
		unsigned alloc_share = s->live_pages < target ? 600 : 470;

		if (r == 999 && !o->no_drain_all)
			rp_standin_drain_cpu(in, cpu);
		else if (r < alloc_share || !s->nr_live)
			do_alloc(s, in, t, cpu);
		else
			do_free(s, in, cpu);
	}
}

static int run(struct synth *s, const struct prt_header *h, const struct rp_synth_opts *o)
{
	struct rp_translate t;
	struct rp_standin in;
	struct pa_model *m;
	uint64_t free_pages = 0;
	int ret = -1;

	if (rp_translate_init(&t, h, s->err) < 0)
		return -1;
	m = rp_build_model(&t, h, NULL, o->profile, s->err);
	if (m && rp_standin_init(&in, m, emit, s) == 0) {
		in.fallback_traced_by_extfrag = t.fallback_traced_by_extfrag;
		for (uint64_t i = 0; i < h->nr_free_blocks; i++)
			free_pages += 1ULL << h->free_blocks[i].order;
		for (unsigned k = 0; k < NR_KINDS; k++)
			s->kinds[k] = rp_synth_gfp(h, kinds[k].gfp) |
				      (kinds[k].extra ? rp_synth_gfp(h, kinds[k].extra) : 0);
		s->cpus = h->nr_cpus ? h->nr_cpus : 1;
		workload(s, &in, &t, o, free_pages);
		s->st->refills = in.refills;
		s->st->drains = in.drains;
		s->st->fallbacks = in.fallbacks;
		ret = s->failed ? -1 : 0;
		if (ret == 0 && in.lost_blocks)
			ret = pr_fail(s->err, PR_ESTATE, "stand-in kernel lost track of %llu pcp "
				      "blocks", (unsigned long long)in.lost_blocks);
		rp_standin_release(&in);
	} else if (m) {
		pr_fail(s->err, PR_ENOMEM, "out of memory");
	}
	pa_model_destroy(m);
	rp_translate_release(&t);
	return ret;
}

int rp_synth_write(const char *path, const struct rp_synth_opts *o, struct rp_synth_stats *out,
		   struct pr_error *err)
{
	struct prt_header h;
	struct synth s = { .err = err, .rng = o->seed * 0x9e3779b97f4a7c15ULL + 1, .st = out,
			   .no_thp = o->no_thp };
	int ret;

	memset(out, 0, sizeof(*out));
	if (rp_synth_header(&h, o, err) < 0)
		return -1;
	s.w = prt_writer_open(path, &h, err);
	if (!s.w) {
		prt_header_release(&h);
		return -1;
	}
	ret = run(&s, &h, o);
	if (ret == 0)
		ret = prt_writer_close(s.w, err);
	else
		prt_writer_abort(s.w);
	free(s.live);
	prt_header_release(&h);
	return ret;
}
