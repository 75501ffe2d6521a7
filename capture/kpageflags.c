/* SPDX-License-Identifier: MIT */
/*
 * The free-page map at capture start, from /proc/kpageflags (one u64 of
 * KPF_* bits per pfn; root only).
 *
 * The file does not say a free block's order, and kernels mark free pages
 * two ways: older ones set KPF_BUDDY on the head page only (tails carry no
 * flags); 6.x kernels (seen on 6.18) set it on every page of the block. The
 * scan tells them apart (an even pfn and its odd neighbour both flagged
 * never happens with head-only marking: such buddies would have merged) and
 * cuts each free run into the largest aligned blocks, as merging leaves
 * them. With head-only marking an allocated flag-less page right after a
 * free block can make its order an over-estimate.
 *
 * Pageblock migratetypes are not exported either: the scan collects what the
 * pages of each pageblock say and kpageflags_fit.c turns that, with
 * pagetypeinfo's counts, into a migratetype per pageblock. A free block
 * takes its pageblock's migratetype (6.10+ keeps them equal).
 *
 * The file is read in large aligned slices: a max-order block never
 * straddles two, so every free block is seen whole.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "capture/kpageflags.h"
#include "capture/kpageflags_fit.h"

#define KPF_UPTODATE	3	/* on a free block's head: PG_reported */
#define KPF_LRU		5
#define KPF_SLAB	7
#define KPF_BUDDY	10
#define KPF_MMAP	11
#define KPF_ANON	12
#define KPF_SWAPBACKED	14
#define KPF_UNEVICTABLE	18
#define KPF_NOPAGE	20
#define KPF_KSM		21
#define KPF_PGTABLE	26
#define KPF_RESERVED	32

#define BIT(n) (1ULL << (n))
#define MOVABLE_BITS (BIT(KPF_LRU) | BIT(KPF_MMAP) | BIT(KPF_ANON) | BIT(KPF_SWAPBACKED) | \
		      BIT(KPF_UNEVICTABLE) | BIT(KPF_KSM))
#define KERNEL_BITS (BIT(KPF_SLAB) | BIT(KPF_PGTABLE))

#define SLICE_PAGES PRT_KPAGEFLAGS_SLICE_PAGES	/* 512 KiB of flags per read */

struct scan {
	int fd;
	const char *path;
	struct prt_header *h;
	uint64_t *buf;
	uint64_t cap;			/* of h->free_blocks */
	bool all_marked;
	struct kpf_evidence *ev;	/* per pageblock of the current zone */
	uint64_t pb_first, nblocks;
	uint64_t zone_start, zone_end;
	const struct kpageflags_ram *ram;
	size_t nr_ram;
	uint64_t out_cap;		/* of h->out_blocks */
};

static int read_slice(struct scan *s, uint64_t pfn, uint64_t n, struct pr_error *err)
{
	size_t want = n * sizeof(uint64_t), done = 0;

	while (done < want) {
		ssize_t got = pread(s->fd, (char *)s->buf + done, want - done,
				    (off_t)(pfn * sizeof(uint64_t) + done));

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return pr_fail_errno(err, "cannot read '%s' at pfn %llu", s->path,
					     (unsigned long long)(pfn + done / 8));
		if (got == 0)
			return pr_fail(err, PR_EFORMAT, "'%s': offset %llu: expected flags of pfn %llu, "
				       "found the end of the file", s->path,
				       (unsigned long long)(pfn * 8 + done),
				       (unsigned long long)(pfn + done / 8));
		done += (size_t)got;
	}
	return 0;
}

/* Does a page with these flags continue the free block under construction? */
static bool free_tail(uint64_t flags, bool all_marked)
{
	return all_marked ? (flags & BIT(KPF_BUDDY)) != 0 : flags == 0;
}

/* The largest aligned block at buf[i] (pfn) whose pages are all free. */
static unsigned block_order(const struct scan *s, uint64_t i, uint64_t n, uint64_t pfn)
{
	unsigned order = 0;

	while (order + 1 < s->h->nr_orders) {
		uint64_t size = 1ULL << (order + 1);

		if ((pfn & (size - 1)) || i + size > n || pfn + size > s->zone_end)
			break;
		for (uint64_t k = i + (size >> 1); k < i + size; k++)
			if (!free_tail(s->buf[k], s->all_marked))
				return order;
		order++;
	}
	return order;
}

/* Every page of a free block flagged (6.x) rather than only the head? */
static bool pairs_flagged(const uint64_t *flags, uint64_t n)
{
	for (uint64_t i = 0; i + 1 < n; i += 2)
		if ((flags[i] & flags[i + 1]) & BIT(KPF_BUDDY))
			return true;
	return false;
}

static int add_block(struct scan *s, uint64_t pfn, unsigned order, bool reported)
{
	struct prt_header *h = s->h;

	if (h->nr_free_blocks == s->cap) {
		uint64_t ncap = s->cap ? s->cap * 2 : 4096;
		struct prt_free_block *bigger = realloc(h->free_blocks, ncap * sizeof(*bigger));

		if (!bigger)
			return -1;
		h->free_blocks = bigger;
		s->cap = ncap;
	}
	h->free_blocks[h->nr_free_blocks++] = (struct prt_free_block){ pfn, (uint8_t)order, -1,
									 reported };
	return 0;
}

static bool in_ram(const struct scan *s, uint64_t pfn, uint64_t n)
{
	for (size_t r = 0; r < s->nr_ram; r++)
		if (pfn >= s->ram[r].start && pfn + n <= s->ram[r].end)
			return true;
	return false;
}

/* A pageblock of RAM whose every page has no flag at all: on a kernel that
 * flags every free page, no free block and no page in use (those carry
 * LRU, slab, reserved or compound bits), but free pages someone isolated
 * off the lists. Without RAM ranges holes read the same: none is kept. */
static bool pageblock_out(const struct scan *s, uint64_t i, uint64_t n, uint64_t pfn)
{
	uint64_t per = 1ULL << s->h->pageblock_order;

	if ((pfn & (per - 1)) || i + per > n || pfn + per > s->zone_end || !in_ram(s, pfn, per))
		return false;
	for (uint64_t k = i; k < i + per; k++)
		if (s->buf[k])
			return false;
	return true;
}

/* Kept as the largest aligned blocks: a pageblock whose buddy is the last
 * one kept merges with it. */
static int add_out(struct scan *s, uint64_t pfn)
{
	struct prt_header *h = s->h;
	unsigned order = h->pageblock_order;

	while (h->nr_out_blocks && order + 1 < h->nr_orders) {
		struct prt_out_block *last = &h->out_blocks[h->nr_out_blocks - 1];

		if (last->order != order || last->pfn != (pfn ^ (1ULL << order)) ||
		    (last->pfn & ((2ULL << order) - 1)))
			break;
		pfn = last->pfn;
		order++;
		h->nr_out_blocks--;
	}
	if (h->nr_out_blocks == s->out_cap) {
		uint64_t ncap = s->out_cap ? s->out_cap * 2 : 64;
		struct prt_out_block *bigger = realloc(h->out_blocks, ncap * sizeof(*bigger));

		if (!bigger)
			return -1;
		h->out_blocks = bigger;
		s->out_cap = ncap;
	}
	h->out_blocks[h->nr_out_blocks++] = (struct prt_out_block){ pfn, (uint8_t)order };
	return 0;
}

static struct kpf_evidence *evidence_at(struct scan *s, uint64_t pfn)
{
	uint64_t b = (pfn - s->pb_first) >> s->h->pageblock_order;

	return b < s->nblocks ? &s->ev[b] : NULL;
}

static void note_page(struct scan *s, uint64_t pfn, uint64_t flags)
{
	struct kpf_evidence *e = evidence_at(s, pfn);

	if (!e || (flags & (BIT(KPF_BUDDY) | BIT(KPF_NOPAGE) | BIT(KPF_RESERVED))))
		return;
	if (flags & MOVABLE_BITS)
		e->movable++;
	else if (flags & KERNEL_BITS)
		e->kernel++;
	else if (!(flags & (BIT(KPF_RESERVED) - 1)))
		e->bare++;	/* only kernel-hacking bits, if any */
}

static int scan_slice(struct scan *s, uint64_t pfn, uint64_t n, struct pr_error *err)
{
	if (read_slice(s, pfn, n, err) < 0)
		return -1;
	if (!s->all_marked)
		s->all_marked = pairs_flagged(s->buf, n);
	for (uint64_t i = 0; i < n; i++) {
		uint64_t p = pfn + i;
		unsigned order;

		if (p < s->zone_start || p >= s->zone_end)
			continue;
		/* pagetypeinfo probes each pageblock at zone start + k * pageblock */
		if (!s->ram && !((p - s->zone_start) & ((1ULL << s->h->pageblock_order) - 1)) &&
		    !(s->buf[i] & BIT(KPF_NOPAGE)) && evidence_at(s, p))
			evidence_at(s, p)->present = true;
		if (!s->buf[i] && pageblock_out(s, i, n, p) && add_out(s, p) < 0)
			return pr_fail(err, PR_ENOMEM, "out of memory reading '%s'", s->path);
		if (!(s->buf[i] & BIT(KPF_BUDDY))) {
			note_page(s, p, s->buf[i]);
			continue;
		}
		order = block_order(s, i, n, p);
		if (add_block(s, p, order, (s->buf[i] & BIT(KPF_UPTODATE)) != 0) < 0)
			return pr_fail(err, PR_ENOMEM, "out of memory reading '%s'", s->path);
		if (evidence_at(s, p))
			evidence_at(s, p)->nfree[order]++;
		/* pageblocks wholly inside the block: skipped below, present */
		for (uint64_t q = p; q < p + (1ULL << order); q += 1ULL << s->h->pageblock_order)
			if (evidence_at(s, q))
				evidence_at(s, q)->present = true;
		i += (1ULL << order) - 1;
	}
	return 0;
}

static int mt_named(const struct prt_header *h, const char *name)
{
	for (uint32_t i = 0; i < h->nr_migratetypes; i++)
		if (strcasecmp(h->migratetype_names[i], name) == 0)
			return (int)i;
	return -1;
}

/* Counts of zone z in cp, or NULL where the sample lacks them. */
static const int64_t *zone_counts(const int64_t *a, uint32_t z, size_t per_zone)
{
	return a && a[z * per_zone] >= 0 ? a + z * per_zone : NULL;
}

/* Fit the present pageblocks (holes stay -1), then free blocks follow. */
static int fit_zone(struct scan *s, uint32_t z, uint64_t first_block, struct pr_error *err)
{
	struct prt_header *h = s->h;
	const struct prt_checkpoint *cp = &h->initial;
	bool have = cp->nr_zones == h->nr_zones && cp->nr_migratetypes == h->nr_migratetypes &&
		    cp->nr_orders == h->nr_orders;
	struct kpf_fit_input in = {
		.nr_orders = h->nr_orders, .nr_mt = h->nr_migratetypes,
		.movable = mt_named(h, "Movable"), .unmovable = mt_named(h, "Unmovable"),
		.blocks = have ? zone_counts(cp->pageblocks, z, h->nr_migratetypes) : NULL,
		.free = have ? zone_counts(cp->free_blocks, z,
					   (size_t)h->nr_orders * h->nr_migratetypes) : NULL,
	};
	struct kpf_evidence *ev = malloc(s->nblocks * sizeof(*ev));
	int8_t *mt = malloc(s->nblocks), *out = h->pageblock_mt[z];
	uint64_t n = 0;
	int ret = 0;

	if (!ev || !mt) {
		ret = pr_fail(err, PR_ENOMEM, "out of memory fitting pageblock migratetypes");
		goto out;
	}
	for (uint64_t b = 0; b < s->nblocks; b++)
		if (s->ev[b].present)
			ev[n++] = s->ev[b];
	in.ev = ev;
	in.nr_blocks = n;
	if (kpf_fit(&in, mt) < 0) {
		ret = pr_fail(err, PR_ENOMEM, "out of memory fitting pageblock migratetypes");
		goto out;
	}
	n = 0;
	for (uint64_t b = 0; b < s->nblocks; b++)
		out[b] = s->ev[b].present ? mt[n++] : -1;
	for (uint64_t i = first_block; i < h->nr_free_blocks; i++)
		h->free_blocks[i].migratetype =
			out[(h->free_blocks[i].pfn - s->pb_first) >> h->pageblock_order];
out:
	free(ev);
	free(mt);
	return ret;
}

/* Pageblocks overlapping RAM have a memmap; the others are holes. */
static void mark_ram(struct scan *s)
{
	uint64_t per = 1ULL << s->h->pageblock_order;

	for (size_t r = 0; r < s->nr_ram; r++) {
		uint64_t a = s->ram[r].start > s->zone_start ? s->ram[r].start : s->zone_start;
		uint64_t b = s->ram[r].end < s->zone_end ? s->ram[r].end : s->zone_end;

		for (uint64_t p = a & ~(per - 1); p < b; p += per)
			if (evidence_at(s, p > a ? p : a))
				evidence_at(s, p > a ? p : a)->present = true;
	}
}

static int scan_zone(struct scan *s, uint32_t z, struct pr_error *err)
{
	struct prt_header *h = s->h;
	const struct prt_zone *zone = &h->zones[z];
	uint64_t per_block = 1ULL << h->pageblock_order;
	uint64_t first = zone->start_pfn & ~((uint64_t)SLICE_PAGES - 1);
	uint64_t first_block = h->nr_free_blocks;
	int ret = 0;

	s->zone_start = zone->start_pfn;
	s->zone_end = zone->start_pfn + zone->spanned;
	s->pb_first = zone->start_pfn & ~(per_block - 1);
	s->nblocks = (s->zone_end - s->pb_first + per_block - 1) / per_block;
	h->pageblock_mt[z] = malloc(s->nblocks ? s->nblocks : 1);
	s->ev = calloc(s->nblocks ? s->nblocks : 1, sizeof(*s->ev));
	if (!h->pageblock_mt[z] || !s->ev) {
		free(s->ev);
		return pr_fail(err, PR_ENOMEM, "out of memory reading '%s'", s->path);
	}
	mark_ram(s);
	for (uint64_t pfn = first; ret == 0 && pfn < s->zone_end; pfn += SLICE_PAGES) {
		uint64_t n = s->zone_end - pfn < SLICE_PAGES ? s->zone_end - pfn : SLICE_PAGES;

		ret = scan_slice(s, pfn, n, err);
	}
	if (ret == 0)
		ret = fit_zone(s, z, first_block, err);
	free(s->ev);
	s->ev = NULL;
	return ret;
}

int kpageflags_free_map(struct prt_header *h, const char *path,
			const struct kpageflags_ram *ram, size_t nr_ram, struct pr_error *err)
{
	struct scan s = { .path = path, .h = h, .ram = ram, .nr_ram = nr_ram };
	int ret = 0;

	if (h->nr_orders < 1 || h->nr_orders > PRT_MAX_ORDERS || h->pageblock_order >= 32 ||
	    (1ULL << (h->nr_orders - 1)) > SLICE_PAGES)
		return pr_fail(err, PR_EUSAGE, "'%s': cannot scan with %u orders, pageblock order %u",
			       path, h->nr_orders, h->pageblock_order);
	s.fd = open(path, O_RDONLY | O_CLOEXEC);
	if (s.fd < 0)
		return pr_fail_errno(err, "cannot open '%s'", path);
	s.buf = malloc(SLICE_PAGES * sizeof(uint64_t));
	h->pageblock_mt = calloc(h->nr_zones ? h->nr_zones : 1, sizeof(*h->pageblock_mt));
	if (!s.buf || !h->pageblock_mt) {
		ret = pr_fail(err, PR_ENOMEM, "out of memory reading '%s'", path);
		goto out;
	}
	for (uint32_t z = 0; z < h->nr_zones && ret == 0; z++) {
		if (h->zones[z].spanned)
			ret = scan_zone(&s, z, err);
		else if (!(h->pageblock_mt[z] = malloc(1)))	/* empty zone: no pageblocks */
			ret = pr_fail(err, PR_ENOMEM, "out of memory reading '%s'", path);
	}
	h->free_reported_known = ret == 0;
	if (!s.all_marked)
		h->nr_out_blocks = 0;	/* free blocks' tails are flag-less there */
out:
	free(s.buf);
	close(s.fd);
	return ret;
}
