/* SPDX-License-Identifier: MIT */
/*
 * Fitting pageblock migratetypes to pagetypeinfo (see kpageflags_fit.h).
 *
 * 1. Rank pageblocks by how kernel-owned their pages look and hand the
 *    non-Movable migratetypes their pageblock counts from the top of the
 *    ranking; the rest are Movable (what boot makes every pageblock).
 * 2. Improve by swapping the migratetypes of two pageblocks while that lowers
 *    cost = sum over (order, mt) of |inferred - pagetypeinfo free blocks|
 *    weighted by the block's pages, plus one per page of contrary evidence
 *    (a kernel page in a Movable block, a movable page elsewhere). Swaps keep
 *    the pageblock counts exact. On 6.10+ kernels a free block sits on the
 *    free list of its pageblock's migratetype, which is what makes the free
 *    counts a constraint on pageblocks.
 */
#include <stdlib.h>
#include <string.h>

#include "capture/kpageflags_fit.h"

#define MAX_PASSES 40

struct fit {
	const struct kpf_fit_input *in;
	int8_t *mt;
	int64_t *have;		/* [o][mt] free blocks of the current assignment */
};

static int64_t score(const struct kpf_evidence *e)
{
	return 4 * (int64_t)e->kernel + e->bare - 4 * (int64_t)e->movable;
}

static int64_t penalty(const struct fit *f, uint64_t b, int mt)
{
	const struct kpf_evidence *e = &f->in->ev[b];

	return mt == f->in->movable ? e->kernel : e->movable;
}

static int64_t cell_cost(const struct fit *f, uint32_t o, int mt, int64_t have)
{
	int64_t want = f->in->free[o * f->in->nr_mt + (uint32_t)mt];
	int64_t d = have - (want < 0 ? 0 : want);

	return (d < 0 ? -d : d) << o;
}

/* Cost change if pageblocks a and b swap migratetypes. */
static int64_t swap_delta(const struct fit *f, uint64_t a, uint64_t b)
{
	const struct kpf_evidence *ea = &f->in->ev[a], *eb = &f->in->ev[b];
	int ma = f->mt[a], mb = f->mt[b];
	int64_t d = penalty(f, a, mb) + penalty(f, b, ma) - penalty(f, a, ma) - penalty(f, b, mb);
	uint32_t nm = f->in->nr_mt;

	for (uint32_t o = 0; f->in->free && o < f->in->nr_orders; o++) {
		int64_t move = (int64_t)eb->nfree[o] - ea->nfree[o];	/* into ma */
		int64_t ha, hb;

		if (!move)
			continue;
		ha = f->have[o * nm + (uint32_t)ma];
		hb = f->have[o * nm + (uint32_t)mb];
		d += cell_cost(f, o, ma, ha + move) - cell_cost(f, o, ma, ha);
		d += cell_cost(f, o, mb, hb - move) - cell_cost(f, o, mb, hb);
	}
	return d;
}

static void assign(struct fit *f, uint64_t b, int mt)
{
	int old = f->mt[b];

	for (uint32_t o = 0; o < f->in->nr_orders; o++) {
		if (old >= 0)
			f->have[o * f->in->nr_mt + (uint32_t)old] -= f->in->ev[b].nfree[o];
		f->have[o * f->in->nr_mt + (uint32_t)mt] += f->in->ev[b].nfree[o];
	}
	f->mt[b] = (int8_t)mt;
}

static const struct kpf_evidence *sort_ev;

static int by_score(const void *x, const void *y)
{
	int64_t a = score(&sort_ev[*(const uint64_t *)x]), b = score(&sort_ev[*(const uint64_t *)y]);

	return a < b ? 1 : a > b ? -1 : 0;
}

/* Step 1: counts handed out down the ranking. */
static int initial(struct fit *f)
{
	const struct kpf_fit_input *in = f->in;
	uint64_t *order = malloc(in->nr_blocks * sizeof(*order)), next = 0;

	if (!order)
		return -1;
	for (uint64_t b = 0; b < in->nr_blocks; b++)
		order[b] = b;
	sort_ev = in->ev;
	qsort(order, in->nr_blocks, sizeof(*order), by_score);
	for (uint32_t mt = 0; mt < in->nr_mt; mt++)
		for (int64_t k = 0; (int)mt != in->movable && k < in->blocks[mt]; k++)
			assign(f, order[next++], (int)mt);
	while (next < in->nr_blocks)
		assign(f, order[next++], in->movable);
	free(order);
	return 0;
}

/* Step 2: best swap for each non-Movable pageblock, until none helps. */
static void improve(struct fit *f)
{
	const struct kpf_fit_input *in = f->in;

	for (int pass = 0; pass < MAX_PASSES; pass++) {
		bool changed = false;

		for (uint64_t a = 0; a < in->nr_blocks; a++) {
			int64_t best = 0;
			uint64_t with = a;
			int ma = f->mt[a];

			if (ma == in->movable)
				continue;
			for (uint64_t b = 0; b < in->nr_blocks; b++) {
				int64_t d;

				if (f->mt[b] == ma || (d = swap_delta(f, a, b)) >= best)
					continue;
				best = d;
				with = b;
			}
			if (with != a) {
				int mb = f->mt[with];

				assign(f, with, ma);
				assign(f, a, mb);
				changed = true;
			}
		}
		if (!changed)
			break;
	}
}

static bool counts_usable(const struct kpf_fit_input *in)
{
	int64_t sum = 0;

	if (!in->blocks || in->movable < 0 || in->movable >= (int)in->nr_mt)
		return false;
	for (uint32_t mt = 0; mt < in->nr_mt; mt++) {
		if (in->blocks[mt] < 0)
			return false;
		sum += in->blocks[mt];
	}
	return sum == (int64_t)in->nr_blocks;
}

/* Without counts: a pageblock whose pages are mostly kernel-owned is
 * Unmovable, anything else keeps the boot default, Movable. */
static void evidence_only(const struct kpf_fit_input *in, int8_t *out)
{
	for (uint64_t b = 0; b < in->nr_blocks; b++) {
		const struct kpf_evidence *e = &in->ev[b];
		bool kernel = in->unmovable >= 0 && e->kernel > e->movable;

		out[b] = (int8_t)(kernel ? in->unmovable : in->movable);
	}
}

int kpf_fit(const struct kpf_fit_input *in, int8_t *out)
{
	struct fit f = { .in = in, .mt = out };

	if (in->nr_blocks == 0)
		return 0;
	if (!counts_usable(in)) {
		evidence_only(in, out);
		return 0;
	}
	f.have = calloc((size_t)in->nr_orders * in->nr_mt, sizeof(*f.have));
	if (!f.have)
		return -1;
	memset(out, -1, in->nr_blocks);
	if (initial(&f) < 0) {
		free(f.have);
		return -1;
	}
	improve(&f);
	free(f.have);
	return 0;
}
