/* SPDX-License-Identifier: MIT */
/*
 * The HEADER and CHECKPOINT record payloads: fields in a fixed order,
 * integers as LEB128 varints (signed ones zigzag), strings as a varint
 * length and bytes. docs/trace-format.md lists them field by field.
 */
#include <stdlib.h>
#include <string.h>

#include "capture/prt_codec.h"

/* Sanity bounds: a header claiming more than this is damaged, not large. */
#define MAX_CPUS	65536
#define MAX_ZONES	4096
#define MAX_FLAGS	1024
#define MAX_SETTINGS	4096
#define MAX_PAGEBLOCKS	(1u << 26)

void prt_encode_counts(struct prt_buf *b, const int64_t *v, size_t n)
{
	prt_buf_u8(b, v != NULL);
	for (size_t i = 0; v && i < n; i++)
		prt_buf_svarint(b, v[i]);
}

void prt_encode_checkpoint(struct prt_buf *b, const struct prt_checkpoint *cp)
{
	size_t z = cp->nr_zones, o = cp->nr_orders, m = cp->nr_migratetypes;

	prt_buf_u64(b, cp->ts_ns);
	prt_buf_varint(b, cp->seq);
	prt_buf_varint(b, z);
	prt_buf_varint(b, o);
	prt_buf_varint(b, m);
	prt_encode_counts(b, cp->free_blocks, z * o * m);
	prt_encode_counts(b, cp->buddyinfo, z * o);
	prt_encode_counts(b, cp->pageblocks, z * m);
	prt_encode_counts(b, cp->free_pages, z);
}

int prt_decode_counts(struct prt_cursor *c, int64_t **out, size_t n)
{
	*out = NULL;
	if (!prt_get_u8(c))
		return c->bad ? -1 : 0;
	if ((size_t)(c->end - c->p) < n)	/* each count takes >= 1 byte */
		return -1;
	*out = malloc((n ? n : 1) * sizeof(int64_t));
	if (!*out)
		return -1;
	for (size_t i = 0; i < n; i++)
		(*out)[i] = prt_get_svarint(c);
	return c->bad ? -1 : 0;
}

void prt_checkpoint_release(struct prt_checkpoint *cp)
{
	free(cp->free_blocks);
	free(cp->buddyinfo);
	free(cp->pageblocks);
	free(cp->free_pages);
	free(cp->pcp_count);
	free(cp->pcp_high);
	memset(cp, 0, sizeof(*cp));
}

int prt_decode_checkpoint(struct prt_cursor *c, struct prt_checkpoint *cp)
{
	size_t z, o, m;

	memset(cp, 0, sizeof(*cp));
	cp->ts_ns = prt_get_u64(c);
	cp->seq = (uint32_t)prt_get_varint(c);
	z = cp->nr_zones = (uint32_t)prt_get_varint(c);
	o = cp->nr_orders = (uint32_t)prt_get_varint(c);
	m = cp->nr_migratetypes = (uint32_t)prt_get_varint(c);
	if (c->bad || z > MAX_ZONES || o > PRT_MAX_ORDERS || m > PRT_MAX_MIGRATETYPES)
		return -1;
	if (prt_decode_counts(c, &cp->free_blocks, z * o * m) < 0 ||
	    prt_decode_counts(c, &cp->buddyinfo, z * o) < 0 ||
	    prt_decode_counts(c, &cp->pageblocks, z * m) < 0 ||
	    prt_decode_counts(c, &cp->free_pages, z) < 0) {
		prt_checkpoint_release(cp);
		return -1;
	}
	return 0;
}

static uint64_t zone_pageblocks(const struct prt_header *h, const struct prt_zone *z)
{
	uint64_t per = 1ULL << h->pageblock_order;
	uint64_t first = z->start_pfn & ~(per - 1);

	if (h->pageblock_order >= 40 || z->spanned == 0)
		return 0;
	return (z->start_pfn + z->spanned - first + per - 1) / per;
}

/* After the sample, absent in older files: which free blocks were reported,
 * a bit each. */
static void encode_reported(struct prt_buf *b, const struct prt_header *h)
{
	prt_buf_u8(b, h->free_reported_known);
	for (uint64_t i = 0; h->free_reported_known && i < h->nr_free_blocks; i += 8) {
		uint8_t bits = 0;

		for (unsigned k = 0; k < 8 && i + k < h->nr_free_blocks; k++)
			bits |= (uint8_t)(h->free_blocks[i + k].reported << k);
		prt_buf_u8(b, bits);
	}
}

static int decode_reported(struct prt_cursor *c, struct prt_header *h)
{
	if (c->p == c->end || !prt_get_u8(c))
		return c->bad ? -1 : 0;
	h->free_reported_known = true;
	for (uint64_t i = 0; i < h->nr_free_blocks && !c->bad; i += 8) {
		uint8_t bits = prt_get_u8(c);

		for (unsigned k = 0; k < 8 && i + k < h->nr_free_blocks; k++)
			h->free_blocks[i + k].reported = bits >> k & 1;
	}
	return c->bad ? -1 : 0;
}

/* After them, absent in older files: the blocks out while the scan read
 * the free map. */
static void encode_out_blocks(struct prt_buf *b, const struct prt_header *h)
{
	uint64_t prev = 0;

	prt_buf_varint(b, h->nr_out_blocks);
	for (uint64_t i = 0; i < h->nr_out_blocks; i++) {
		prt_buf_varint(b, h->out_blocks[i].pfn - prev);
		prev = h->out_blocks[i].pfn;
		prt_buf_u8(b, h->out_blocks[i].order);
	}
}

static int decode_out_blocks(struct prt_cursor *c, struct prt_header *h)
{
	uint64_t n, prev = 0;

	if (c->p == c->end)
		return 0;
	n = prt_get_varint(c);
	/* each takes two bytes at least: a count past what is left is damage */
	if (c->bad || n > (uint64_t)(c->end - c->p) / 2)
		return -1;
	h->out_blocks = calloc(n ? n : 1, sizeof(*h->out_blocks));
	if (!h->out_blocks)
		return -1;
	h->nr_out_blocks = n;
	for (uint64_t i = 0; i < n && !c->bad; i++) {
		prev += prt_get_varint(c);
		h->out_blocks[i] = (struct prt_out_block){ prev, prt_get_u8(c) };
	}
	return c->bad ? -1 : 0;
}

static void encode_zone(struct prt_buf *b, const struct prt_header *h, const struct prt_zone *z)
{
	prt_buf_varint(b, z->node);
	prt_buf_u8(b, z->zone_type);
	prt_buf_str(b, z->name);
	prt_buf_varint(b, z->start_pfn);
	prt_buf_varint(b, z->spanned);
	prt_buf_varint(b, z->present);
	prt_buf_varint(b, z->managed);
	prt_buf_varint(b, z->free_pages);
	prt_buf_varint(b, z->wmark_min);
	prt_buf_varint(b, z->wmark_low);
	prt_buf_varint(b, z->wmark_high);
	prt_buf_varint(b, z->wmark_promo);
	prt_buf_varint(b, z->boost);
	prt_buf_varint(b, z->nr_lowmem_reserve);
	for (uint32_t i = 0; i < z->nr_lowmem_reserve && i < PRT_MAX_ZONE_TYPES; i++)
		prt_buf_varint(b, z->lowmem_reserve[i]);
	prt_buf_u8(b, z->pcp != NULL);
	for (uint32_t c = 0; z->pcp && c < h->nr_cpus; c++) {
		prt_buf_varint(b, z->pcp[c].count);
		prt_buf_varint(b, z->pcp[c].high);
		prt_buf_varint(b, z->pcp[c].batch);
		prt_buf_varint(b, z->pcp[c].high_min);
		prt_buf_varint(b, z->pcp[c].high_max);
	}
}

void prt_encode_header(struct prt_buf *b, const struct prt_header *h)
{
	uint64_t prev = 0;

	prt_buf_u8(b, h->source);
	prt_buf_u8(b, h->topology_inferred);
	prt_buf_str(b, h->kernel_release);
	prt_buf_str(b, h->hostname);
	prt_buf_str(b, h->trace_clock);
	prt_buf_str(b, h->cmdline);
	prt_buf_u64(b, h->start_realtime_ns);
	prt_buf_u64(b, h->start_trace_ns);
	prt_buf_varint(b, h->page_size);
	prt_buf_varint(b, h->nr_orders);
	prt_buf_varint(b, h->pageblock_order);
	prt_buf_varint(b, h->nr_cpus);
	for (uint32_t c = 0; c < h->nr_cpus; c++)
		prt_buf_svarint(b, h->cpu_node ? h->cpu_node[c] : 0);
	prt_buf_varint(b, h->nr_zones);
	for (uint32_t z = 0; z < h->nr_zones; z++)
		encode_zone(b, h, &h->zones[z]);
	prt_buf_varint(b, h->nr_gfp_flags);
	for (uint32_t i = 0; i < h->nr_gfp_flags; i++) {
		prt_buf_str(b, h->gfp_flags[i].name);
		prt_buf_varint(b, h->gfp_flags[i].mask);
	}
	prt_buf_varint(b, h->nr_migratetypes);
	for (uint32_t i = 0; i < h->nr_migratetypes; i++)
		prt_buf_str(b, h->migratetype_names[i]);
	prt_buf_varint(b, h->nr_settings);
	for (uint32_t i = 0; i < h->nr_settings; i++) {
		prt_buf_str(b, h->settings[i].key);
		prt_buf_str(b, h->settings[i].value);
	}
	prt_buf_varint(b, h->nr_free_blocks);
	for (uint64_t i = 0; i < h->nr_free_blocks; i++) {
		prt_buf_svarint(b, (int64_t)(h->free_blocks[i].pfn - prev));
		prev = h->free_blocks[i].pfn;
		prt_buf_u8(b, h->free_blocks[i].order);
		prt_buf_svarint(b, h->free_blocks[i].migratetype);
	}
	prt_buf_u8(b, h->pageblock_mt != NULL);
	for (uint32_t z = 0; h->pageblock_mt && z < h->nr_zones; z++) {
		uint64_t n = zone_pageblocks(h, &h->zones[z]);

		prt_buf_varint(b, n);
		prt_buf_put(b, h->pageblock_mt[z], n);
	}
	prt_encode_checkpoint(b, &h->initial);
	encode_reported(b, h);
	encode_out_blocks(b, h);
}

static int decode_zone(struct prt_cursor *c, struct prt_header *h, struct prt_zone *z)
{
	z->node = (uint16_t)prt_get_varint(c);
	z->zone_type = prt_get_u8(c);
	prt_get_str(c, z->name, sizeof(z->name));
	z->start_pfn = prt_get_varint(c);
	z->spanned = prt_get_varint(c);
	z->present = prt_get_varint(c);
	z->managed = prt_get_varint(c);
	z->free_pages = prt_get_varint(c);
	z->wmark_min = prt_get_varint(c);
	z->wmark_low = prt_get_varint(c);
	z->wmark_high = prt_get_varint(c);
	z->wmark_promo = prt_get_varint(c);
	z->boost = prt_get_varint(c);
	z->nr_lowmem_reserve = (uint32_t)prt_get_varint(c);
	if (z->nr_lowmem_reserve > PRT_MAX_ZONE_TYPES)
		return -1;
	for (uint32_t i = 0; i < z->nr_lowmem_reserve; i++)
		z->lowmem_reserve[i] = prt_get_varint(c);
	if (!prt_get_u8(c))
		return c->bad ? -1 : 0;
	if ((size_t)(c->end - c->p) < (size_t)h->nr_cpus * 5)
		return -1;
	z->pcp = calloc(h->nr_cpus ? h->nr_cpus : 1, sizeof(*z->pcp));
	if (!z->pcp)
		return -1;
	for (uint32_t i = 0; i < h->nr_cpus; i++) {
		z->pcp[i].count = (uint32_t)prt_get_varint(c);
		z->pcp[i].high = (uint32_t)prt_get_varint(c);
		z->pcp[i].batch = (uint32_t)prt_get_varint(c);
		z->pcp[i].high_min = (uint32_t)prt_get_varint(c);
		z->pcp[i].high_max = (uint32_t)prt_get_varint(c);
	}
	return c->bad ? -1 : 0;
}

/* calloc n elements, refusing counts the remaining payload cannot hold. */
static void *alloc_array(struct prt_cursor *c, uint64_t n, size_t size, uint64_t max)
{
	if (c->bad || n > max || n > (uint64_t)(c->end - c->p))
		return NULL;
	return calloc(n ? n : 1, size);
}

static int decode_tables(struct prt_cursor *c, struct prt_header *h, const char **what)
{
	*what = "gfp flag table";
	h->nr_gfp_flags = (uint32_t)prt_get_varint(c);
	h->gfp_flags = alloc_array(c, h->nr_gfp_flags, sizeof(*h->gfp_flags), MAX_FLAGS);
	if (!h->gfp_flags)
		return -1;
	for (uint32_t i = 0; i < h->nr_gfp_flags; i++) {
		prt_get_str(c, h->gfp_flags[i].name, sizeof(h->gfp_flags[i].name));
		h->gfp_flags[i].mask = prt_get_varint(c);
	}
	*what = "migratetype names";
	h->nr_migratetypes = (uint32_t)prt_get_varint(c);
	h->migratetype_names = alloc_array(c, h->nr_migratetypes, PRT_NAME_LEN,
					   PRT_MAX_MIGRATETYPES);
	if (!h->migratetype_names)
		return -1;
	for (uint32_t i = 0; i < h->nr_migratetypes; i++)
		prt_get_str(c, h->migratetype_names[i], PRT_NAME_LEN);
	*what = "host settings";
	h->nr_settings = (uint32_t)prt_get_varint(c);
	h->settings = alloc_array(c, h->nr_settings, sizeof(*h->settings), MAX_SETTINGS);
	if (!h->settings)
		return -1;
	for (uint32_t i = 0; i < h->nr_settings; i++) {
		prt_get_str(c, h->settings[i].key, sizeof(h->settings[i].key));
		prt_get_str(c, h->settings[i].value, sizeof(h->settings[i].value));
	}
	return c->bad ? -1 : 0;
}

static int decode_free_map(struct prt_cursor *c, struct prt_header *h, const char **what)
{
	uint64_t prev = 0;

	*what = "initial free map";
	h->nr_free_blocks = prt_get_varint(c);
	h->free_blocks = alloc_array(c, h->nr_free_blocks, sizeof(*h->free_blocks), UINT64_MAX);
	if (!h->free_blocks)
		return -1;
	for (uint64_t i = 0; i < h->nr_free_blocks; i++) {
		prev += (uint64_t)prt_get_svarint(c);
		h->free_blocks[i].pfn = prev;
		h->free_blocks[i].order = prt_get_u8(c);
		h->free_blocks[i].migratetype = (int8_t)prt_get_svarint(c);
	}
	*what = "pageblock migratetypes";
	if (!prt_get_u8(c))
		return c->bad ? -1 : 0;
	h->pageblock_mt = calloc(h->nr_zones ? h->nr_zones : 1, sizeof(*h->pageblock_mt));
	if (!h->pageblock_mt)
		return -1;
	for (uint32_t z = 0; z < h->nr_zones; z++) {
		uint64_t n = prt_get_varint(c);
		const void *p;

		if (n != zone_pageblocks(h, &h->zones[z]) || n > MAX_PAGEBLOCKS)
			return -1;
		p = prt_get_bytes(c, n);
		h->pageblock_mt[z] = malloc(n ? n : 1);
		if (!p || !h->pageblock_mt[z])
			return -1;
		memcpy(h->pageblock_mt[z], p, n);
	}
	return c->bad ? -1 : 0;
}

static int decode_topology(struct prt_cursor *c, struct prt_header *h, const char **what)
{
	*what = "cpu table";
	h->page_size = (uint32_t)prt_get_varint(c);
	h->nr_orders = (uint32_t)prt_get_varint(c);
	h->pageblock_order = (uint32_t)prt_get_varint(c);
	h->nr_cpus = (uint32_t)prt_get_varint(c);
	if (h->nr_orders == 0 || h->nr_orders > PRT_MAX_ORDERS || h->pageblock_order >= 40)
		return -1;
	h->cpu_node = alloc_array(c, h->nr_cpus, sizeof(*h->cpu_node), MAX_CPUS);
	if (!h->cpu_node)
		return -1;
	for (uint32_t i = 0; i < h->nr_cpus; i++)
		h->cpu_node[i] = (int16_t)prt_get_svarint(c);
	*what = "zone table";
	h->nr_zones = (uint32_t)prt_get_varint(c);
	h->zones = alloc_array(c, h->nr_zones, sizeof(*h->zones), MAX_ZONES);
	if (!h->zones)
		return -1;
	for (uint32_t z = 0; z < h->nr_zones; z++)
		if (decode_zone(c, h, &h->zones[z]) < 0)
			return -1;
	return c->bad ? -1 : 0;
}

int prt_decode_header(const void *p, size_t n, struct prt_header *h, const char **what)
{
	struct prt_cursor c;

	memset(h, 0, sizeof(*h));
	prt_cursor_init(&c, p, n);
	*what = "identity fields";
	h->source = prt_get_u8(&c);
	h->topology_inferred = prt_get_u8(&c) != 0;
	prt_get_str(&c, h->kernel_release, sizeof(h->kernel_release));
	prt_get_str(&c, h->hostname, sizeof(h->hostname));
	prt_get_str(&c, h->trace_clock, sizeof(h->trace_clock));
	h->cmdline = prt_get_strdup(&c);
	h->start_realtime_ns = prt_get_u64(&c);
	h->start_trace_ns = prt_get_u64(&c);
	if (c.bad || !h->cmdline || decode_topology(&c, h, what) < 0 ||
	    decode_tables(&c, h, what) < 0 || decode_free_map(&c, h, what) < 0)
		goto fail;
	*what = "initial checkpoint";
	if (prt_decode_checkpoint(&c, &h->initial) < 0)
		goto fail;
	*what = "free blocks reported";
	if (decode_reported(&c, h) < 0)
		goto fail;
	*what = "blocks out at the scan";
	if (decode_out_blocks(&c, h) < 0)
		goto fail;
	return 0;
fail:
	prt_header_release(h);
	return -1;
}

void prt_header_release(struct prt_header *h)
{
	for (uint32_t z = 0; h->zones && z < h->nr_zones; z++)
		free(h->zones[z].pcp);
	for (uint32_t z = 0; h->pageblock_mt && z < h->nr_zones; z++)
		free(h->pageblock_mt[z]);
	free(h->pageblock_mt);
	free(h->zones);
	free(h->cmdline);
	free(h->cpu_node);
	free(h->gfp_flags);
	free(h->migratetype_names);
	free(h->settings);
	free(h->free_blocks);
	free(h->out_blocks);
	prt_checkpoint_release(&h->initial);
	memset(h, 0, sizeof(*h));
}

/* A deep copy is an encode and a decode: one code path, tested by both. */
int prt_header_copy(struct prt_header *dst, const struct prt_header *src, struct pr_error *err)
{
	struct prt_buf b = { 0 };
	const char *what = "";
	int ret;

	prt_encode_header(&b, src);
	if (b.oom) {
		prt_buf_free(&b);
		return pr_fail(err, PR_ENOMEM, "out of memory copying a trace header");
	}
	ret = prt_decode_header(b.data, b.len, dst, &what);
	prt_buf_free(&b);
	if (ret < 0)
		return pr_fail(err, PR_EUSAGE, "trace header does not encode: bad %s", what);
	dst->format_version = src->format_version;
	return 0;
}

const char *prt_header_setting(const struct prt_header *h, const char *key)
{
	for (uint32_t i = 0; i < h->nr_settings; i++)
		if (strcmp(h->settings[i].key, key) == 0)
			return h->settings[i].value;
	return NULL;
}
