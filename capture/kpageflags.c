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
 * Pageblock migratetypes are not exported either. They are estimated from
 * the pages in the block: any anonymous, LRU or mapped page makes it
 * Movable, slab pages with none of those Unmovable, nothing known Movable
 * (the boot default).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture/kpageflags.h"

#define KPF_SLAB	7
#define KPF_BUDDY	10
#define KPF_LRU		5
#define KPF_MMAP	11
#define KPF_ANON	12
#define KPF_NOPAGE	20
#define KPF_PGTABLE	26

#define BIT(n) (1ULL << (n))

static int read_range(int fd, uint64_t pfn, uint64_t n, uint64_t *out, struct pr_error *err)
{
	size_t want = n * sizeof(uint64_t), done = 0;

	while (done < want) {
		ssize_t got = pread(fd, (char *)out + done, want - done,
				    (off_t)(pfn * sizeof(uint64_t) + done));

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return pr_fail_errno(err, "cannot read /proc/kpageflags at pfn %llu",
					     (unsigned long long)(pfn + done / 8));
		done += (size_t)got;
	}
	return 0;
}

/* Does page k belong to the free block under construction? */
static bool free_tail(uint64_t flags, bool all_marked)
{
	return all_marked ? (flags & BIT(KPF_BUDDY)) != 0 : flags == 0;
}

static unsigned block_order(const uint64_t *flags, uint64_t i, uint64_t n, uint64_t pfn,
			    unsigned max_order, bool all_marked)
{
	unsigned order = 0;

	while (order + 1 < max_order) {
		uint64_t size = 1ULL << (order + 1);

		if ((pfn & (size - 1)) || i + size > n)
			break;
		for (uint64_t k = i + (size >> 1); k < i + size; k++)
			if (!free_tail(flags[k], all_marked))
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

static int add_block(struct prt_header *h, uint64_t *cap, uint64_t pfn, unsigned order)
{
	if (h->nr_free_blocks == *cap) {
		uint64_t ncap = *cap ? *cap * 2 : 4096;
		struct prt_free_block *bigger = realloc(h->free_blocks, ncap * sizeof(*bigger));

		if (!bigger)
			return -1;
		h->free_blocks = bigger;
		*cap = ncap;
	}
	h->free_blocks[h->nr_free_blocks++] = (struct prt_free_block){ pfn, (uint8_t)order, -1 };
	return 0;
}

static int8_t estimate_mt(const struct prt_header *h, const uint64_t *flags, uint64_t n)
{
	bool movable = false, slab = false;

	for (uint64_t i = 0; i < n; i++) {
		if (flags[i] & (BIT(KPF_ANON) | BIT(KPF_LRU) | BIT(KPF_MMAP)))
			movable = true;
		if (flags[i] & (BIT(KPF_SLAB) | BIT(KPF_PGTABLE)))
			slab = true;
	}
	(void)h;
	return (slab && !movable) ? 0 : 1;	/* Unmovable : Movable, 4.4+ numbering */
}

static int scan_zone(int fd, struct prt_header *h, uint32_t z, uint64_t *cap, uint64_t *buf,
		     bool *all_marked, struct pr_error *err)
{
	const struct prt_zone *zone = &h->zones[z];
	uint64_t per_block = 1ULL << h->pageblock_order;
	uint64_t span = 1ULL << (h->nr_orders - 1);	/* a max-order block */
	uint64_t first = zone->start_pfn & ~(span - 1);
	uint64_t end = zone->start_pfn + zone->spanned;
	uint64_t pb_first = zone->start_pfn & ~(per_block - 1);
	uint64_t nblocks = (end - pb_first + per_block - 1) / per_block;

	h->pageblock_mt[z] = malloc(nblocks ? nblocks : 1);
	if (!h->pageblock_mt[z])
		return pr_fail(err, PR_ENOMEM, "out of memory reading kpageflags");
	for (uint64_t pfn = first; pfn < end; pfn += span) {
		if (read_range(fd, pfn, span, buf, err) < 0)
			return -1;
		if (!*all_marked)
			*all_marked = pairs_flagged(buf, span);
		for (uint64_t off = 0; off < span; off += per_block) {
			uint64_t b = (pfn + off - pb_first) / per_block;

			if (pfn + off >= pb_first && b < nblocks)
				h->pageblock_mt[z][b] = estimate_mt(h, buf + off, per_block);
		}
		for (uint64_t i = 0; i < span; i++) {
			unsigned order;

			if (!(buf[i] & BIT(KPF_BUDDY)) || pfn + i < zone->start_pfn || pfn + i >= end)
				continue;
			order = block_order(buf, i, span, pfn + i, h->nr_orders, *all_marked);
			if (add_block(h, cap, pfn + i, order) < 0)
				return pr_fail(err, PR_ENOMEM, "out of memory reading kpageflags");
			h->free_blocks[h->nr_free_blocks - 1].migratetype =
				h->pageblock_mt[z][(pfn + i - pb_first) / per_block];
			i += (1ULL << order) - 1;
		}
	}
	return 0;
}

int kpageflags_free_map(struct prt_header *h, const char *path, struct pr_error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	uint64_t cap = 0, *buf;
	bool all_marked = false;
	int ret = 0;

	if (fd < 0)
		return pr_fail_errno(err, "cannot open '%s'", path);
	buf = malloc(sizeof(uint64_t) << (h->nr_orders - 1));
	h->pageblock_mt = calloc(h->nr_zones ? h->nr_zones : 1, sizeof(*h->pageblock_mt));
	if (!buf || !h->pageblock_mt) {
		ret = pr_fail(err, PR_ENOMEM, "out of memory reading '%s'", path);
		goto out;
	}
	for (uint32_t z = 0; z < h->nr_zones && ret == 0; z++)
		ret = scan_zone(fd, h, z, &cap, buf, &all_marked, err);
out:
	free(buf);
	close(fd);
	return ret;
}
