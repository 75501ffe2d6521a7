/* SPDX-License-Identifier: MIT */
/*
 * Divergence aggregation: an open-addressing hash of (class, gfp, order,
 * migratetype, zone, path) -> count. A real trace has a few hundred distinct
 * keys at most, so the table stays small and hot.
 */
#include "analysis/divagg.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct an_divagg {
	struct an_div_cell *cells;
	bool *used;
	size_t cap, size;
	uint64_t total;
};

static uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
	return h;
}

static uint64_t key_hash(const struct an_div_key *k)
{
	uint64_t h = mix(0, (uint64_t)k->cls);

	h = mix(h, k->gfp);
	h = mix(h, (uint64_t)(uint32_t)k->order << 32 | (uint32_t)k->migratetype);
	h = mix(h, (uint64_t)(uint32_t)k->zone << 32 | (uint32_t)k->path);
	return h * 0xff51afd7ed558ccdULL;
}

static bool key_equal(const struct an_div_key *a, const struct an_div_key *b)
{
	return a->cls == b->cls && a->gfp == b->gfp && a->order == b->order &&
	       a->migratetype == b->migratetype && a->zone == b->zone && a->path == b->path;
}

static int alloc_table(struct an_divagg *a, size_t cap, struct pr_error *err)
{
	a->cells = calloc(cap, sizeof(*a->cells));
	a->used = calloc(cap, sizeof(*a->used));
	if (!a->cells || !a->used) {
		free(a->cells);
		free(a->used);
		return pr_fail(err, PR_ENOMEM, "out of memory for %zu aggregation cells", cap);
	}
	a->cap = cap;
	return 0;
}

struct an_divagg *an_divagg_create(struct pr_error *err)
{
	struct an_divagg *a = calloc(1, sizeof(*a));

	if (!a) {
		pr_fail(err, PR_ENOMEM, "out of memory for a divergence aggregation");
		return NULL;
	}
	if (alloc_table(a, 256, err) < 0) {
		free(a);
		return NULL;
	}
	return a;
}

void an_divagg_destroy(struct an_divagg *a)
{
	if (!a)
		return;
	free(a->cells);
	free(a->used);
	free(a);
}

static size_t find_slot(const struct an_divagg *a, const struct an_div_key *key)
{
	size_t i = key_hash(key) & (a->cap - 1);

	while (a->used[i] && !key_equal(&a->cells[i].key, key))
		i = (i + 1) & (a->cap - 1);
	return i;
}

static int grow(struct an_divagg *a, struct pr_error *err)
{
	struct an_divagg old = *a;

	if (alloc_table(a, old.cap * 2, err) < 0) {
		*a = old;
		return -1;
	}
	for (size_t i = 0; i < old.cap; i++) {
		if (!old.used[i])
			continue;
		size_t j = find_slot(a, &old.cells[i].key);
		a->used[j] = true;
		a->cells[j] = old.cells[i];
	}
	free(old.cells);
	free(old.used);
	return 0;
}

int an_divagg_add(struct an_divagg *a, const struct an_div_key *key, uint64_t n,
		  struct pr_error *err)
{
	size_t i;

	if ((a->size + 1) * 10 > a->cap * 7 && grow(a, err) < 0)
		return -1;
	i = find_slot(a, key);
	if (!a->used[i]) {
		a->used[i] = true;
		a->cells[i].key = *key;
		a->cells[i].count = 0;
		a->size++;
	}
	a->cells[i].count += n;
	a->total += n;
	return 0;
}

uint64_t an_divagg_total(const struct an_divagg *a)
{
	return a->total;
}

size_t an_divagg_size(const struct an_divagg *a)
{
	return a->size;
}

const struct an_div_cell *an_divagg_next(const struct an_divagg *a, size_t *it)
{
	while (*it < a->cap) {
		size_t i = (*it)++;

		if (a->used[i])
			return &a->cells[i];
	}
	return NULL;
}

static int key_cmp(const struct an_div_key *a, const struct an_div_key *b)
{
	const int64_t fa[] = { a->cls, a->order, a->migratetype, a->zone, a->path };
	const int64_t fb[] = { b->cls, b->order, b->migratetype, b->zone, b->path };

	for (size_t i = 0; i < sizeof(fa) / sizeof(fa[0]); i++)
		if (fa[i] != fb[i])
			return fa[i] < fb[i] ? -1 : 1;
	return a->gfp < b->gfp ? -1 : a->gfp > b->gfp;
}

static int cell_cmp(const void *pa, const void *pb)
{
	const struct an_div_cell *a = pa, *b = pb;

	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	return key_cmp(&a->key, &b->key);
}

static struct an_div_key rolled_key(const struct an_div_key *k, unsigned dims)
{
	struct an_div_key r = *k;

	if (!(dims & AN_DIM_GFP))
		r.gfp = 0;
	if (!(dims & AN_DIM_ORDER))
		r.order = AN_ANY;
	if (!(dims & AN_DIM_MT))
		r.migratetype = AN_ANY;
	if (!(dims & AN_DIM_ZONE))
		r.zone = AN_ANY;
	if (!(dims & AN_DIM_PATH))
		r.path = AN_ANY;
	return r;
}

struct an_div_cell *an_divagg_rollup(const struct an_divagg *a, unsigned dims, size_t *nr,
				     struct pr_error *err)
{
	struct an_divagg *r = an_divagg_create(err);
	struct an_div_cell *out = NULL;
	const struct an_div_cell *c;
	size_t it = 0, n = 0;

	*nr = 0;
	if (!r)
		return NULL;
	while ((c = an_divagg_next(a, &it))) {
		struct an_div_key k = rolled_key(&c->key, dims);

		if (an_divagg_add(r, &k, c->count, err) < 0)
			goto out;
	}
	if (r->size == 0)
		goto out;
	out = malloc(r->size * sizeof(*out));
	if (!out) {
		pr_fail(err, PR_ENOMEM, "out of memory for %zu rollup cells", r->size);
		goto out;
	}
	it = 0;
	while ((c = an_divagg_next(r, &it)))
		out[n++] = *c;
	qsort(out, n, sizeof(*out), cell_cmp);
	*nr = n;
out:
	an_divagg_destroy(r);
	return out;
}
