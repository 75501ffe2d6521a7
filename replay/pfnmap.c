/* SPDX-License-Identifier: MIT */
#include <stdlib.h>

#include "replay/pfnmap.h"

static inline uint64_t hash(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	return k;
}

static int alloc_slots(struct rp_pfnmap *m, uint64_t cap)
{
	m->slots = malloc(cap * sizeof(*m->slots));
	if (!m->slots)
		return -1;
	for (uint64_t i = 0; i < cap; i++)
		m->slots[i].key = RP_PFNMAP_EMPTY;
	m->mask = cap - 1;
	m->count = 0;
	return 0;
}

int rp_pfnmap_init(struct rp_pfnmap *m, uint64_t expect)
{
	uint64_t cap = 64;

	while (cap < expect * 2)
		cap <<= 1;
	return alloc_slots(m, cap);
}

void rp_pfnmap_release(struct rp_pfnmap *m)
{
	free(m->slots);
	m->slots = NULL;
	m->mask = 0;
	m->count = 0;
}

static void insert(struct rp_pfnmap *m, uint64_t key, uint64_t val)
{
	uint64_t i = hash(key) & m->mask;

	while (m->slots[i].key != RP_PFNMAP_EMPTY && m->slots[i].key != key)
		i = (i + 1) & m->mask;
	if (m->slots[i].key == RP_PFNMAP_EMPTY)
		m->count++;
	m->slots[i].key = key;
	m->slots[i].val = val;
}

static int grow(struct rp_pfnmap *m)
{
	struct rp_pfnmap old = *m;

	if (alloc_slots(m, (old.mask + 1) * 2) < 0) {
		*m = old;
		return -1;
	}
	for (uint64_t i = 0; i <= old.mask; i++)
		if (old.slots[i].key != RP_PFNMAP_EMPTY)
			insert(m, old.slots[i].key, old.slots[i].val);
	free(old.slots);
	return 0;
}

int rp_pfnmap_put(struct rp_pfnmap *m, uint64_t key, uint64_t val)
{
	if ((m->count + 1) * 2 > m->mask + 1 && grow(m) < 0)
		return -1;
	insert(m, key, val);
	return 0;
}

bool rp_pfnmap_get(const struct rp_pfnmap *m, uint64_t key, uint64_t *val)
{
	uint64_t i = hash(key) & m->mask;

	for (; m->slots[i].key != RP_PFNMAP_EMPTY; i = (i + 1) & m->mask)
		if (m->slots[i].key == key) {
			if (val)
				*val = m->slots[i].val;
			return true;
		}
	return false;
}

bool rp_pfnmap_take(struct rp_pfnmap *m, uint64_t key, uint64_t *val)
{
	uint64_t i = hash(key) & m->mask, j;

	while (m->slots[i].key != key) {
		if (m->slots[i].key == RP_PFNMAP_EMPTY)
			return false;
		i = (i + 1) & m->mask;
	}
	if (val)
		*val = m->slots[i].val;
	/* shift later members of the run back so lookups need no tombstones */
	for (j = (i + 1) & m->mask; m->slots[j].key != RP_PFNMAP_EMPTY; j = (j + 1) & m->mask) {
		uint64_t home = hash(m->slots[j].key) & m->mask;

		if (((j - home) & m->mask) >= ((j - i) & m->mask)) {
			m->slots[i] = m->slots[j];
			i = j;
		}
	}
	m->slots[i].key = RP_PFNMAP_EMPTY;
	m->count--;
	return true;
}
