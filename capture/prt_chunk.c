/* SPDX-License-Identifier: MIT */
/*
 * CHUNK payloads: up to PRT_CHUNK_EVENTS events of one CPU, stored as
 * columns so that similar values sit together, then compressed with zstd.
 *
 *   info (PRT_CHUNK_INFO_SIZE bytes, not compressed):
 *     u64 seq, u16 cpu, u16 zero, u32 count, u64 first_ts, u64 last_ts,
 *     u32 raw_len, u32 compressed_len
 *   zstd frame of raw_len bytes: u32 length of each of the 8 columns, then
 *     COL_TS     varint  ts - previous ts (first: ts - first_ts)
 *     COL_KIND   u8      type | 0x20 has pfn | 0x40 has gfp | 0x80 has args
 *     COL_PID    varint  pid
 *     COL_PFN    svarint pfn - previous pfn of this chunk (has pfn only)
 *     COL_ORDER  u8      order
 *     COL_MT     u8      migratetype + 1
 *     COL_GFP    varint  gfp (has gfp only)
 *     COL_ARGS   u8 mask of non-zero arg[i], then varint of each (has args only)
 */
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "capture/prt_codec.h"

enum { COL_TS, COL_KIND, COL_PID, COL_PFN, COL_ORDER, COL_MT, COL_GFP, COL_ARGS, NR_COLS };

#define KIND_TYPE	0x1f
#define KIND_PFN	0x20
#define KIND_GFP	0x40
#define KIND_ARGS	0x80
#define ZSTD_LEVEL	6

void prt_chunk_encoder_add(struct prt_chunk_encoder *e, const struct prt_event *ev)
{
	uint8_t kind = ev->type & KIND_TYPE, mask = 0;

	if (e->count == 0) {
		e->first_ts = e->prev_ts = ev->ts_ns;
		e->cpu = ev->cpu;
	}
	for (int i = 0; i < 6; i++)
		if (ev->arg[i])
			mask |= (uint8_t)(1u << i);
	kind |= (ev->pfn != PRT_PFN_NONE ? KIND_PFN : 0) | (ev->gfp ? KIND_GFP : 0) |
		(mask ? KIND_ARGS : 0);
	prt_buf_svarint(&e->col[COL_TS], (int64_t)(ev->ts_ns - e->prev_ts));
	prt_buf_u8(&e->col[COL_KIND], kind);
	prt_buf_varint(&e->col[COL_PID], ev->pid);
	if (kind & KIND_PFN) {
		prt_buf_svarint(&e->col[COL_PFN], (int64_t)(ev->pfn - e->prev_pfn));
		e->prev_pfn = ev->pfn;
	}
	prt_buf_u8(&e->col[COL_ORDER], ev->order);
	prt_buf_u8(&e->col[COL_MT], (uint8_t)(ev->migratetype + 1));
	if (kind & KIND_GFP)
		prt_buf_varint(&e->col[COL_GFP], ev->gfp);
	if (mask) {
		prt_buf_u8(&e->col[COL_ARGS], mask);
		for (int i = 0; i < 6; i++)
			if (ev->arg[i])
				prt_buf_varint(&e->col[COL_ARGS], ev->arg[i]);
	}
	e->prev_ts = ev->ts_ns;
	e->count++;
	e->last_ts = ev->ts_ns;
}

static void reset_encoder(struct prt_chunk_encoder *e)
{
	for (int i = 0; i < NR_COLS; i++)
		prt_buf_reset(&e->col[i]);
	e->count = 0;
	e->prev_pfn = 0;
}

int prt_chunk_encoder_flush(struct prt_chunk_encoder *e, uint64_t seq, struct prt_buf *out)
{
	struct prt_buf raw = { 0 };
	size_t clen;
	int ret = -1;

	for (int i = 0; i < NR_COLS; i++)
		prt_buf_u32(&raw, (uint32_t)e->col[i].len);
	for (int i = 0; i < NR_COLS; i++) {
		if (e->col[i].oom)
			raw.oom = true;
		prt_buf_put(&raw, e->col[i].data, e->col[i].len);
	}
	prt_buf_reset(out);
	prt_buf_u64(out, seq);
	prt_buf_u32(out, e->cpu);		/* u16 cpu + u16 zero */
	prt_buf_u32(out, e->count);
	prt_buf_u64(out, e->first_ts);
	prt_buf_u64(out, e->last_ts);
	prt_buf_u32(out, (uint32_t)raw.len);
	prt_buf_u32(out, 0);			/* compressed length, patched below */
	if (raw.oom || out->oom || !(clen = prt_buf_zstd(out, raw.data, raw.len, ZSTD_LEVEL)))
		goto done;
	for (int i = 0; i < 4; i++)
		out->data[out->len - clen - 4 + i] = (uint8_t)(clen >> (8 * i));
	ret = 0;
done:
	prt_buf_free(&raw);
	reset_encoder(e);
	return ret;
}

void prt_chunk_encoder_free(struct prt_chunk_encoder *e)
{
	for (int i = 0; i < NR_COLS; i++)
		prt_buf_free(&e->col[i]);
	memset(e, 0, sizeof(*e));
}

int prt_chunk_info_decode(const void *payload, size_t n, struct prt_chunk_info *info)
{
	struct prt_cursor c;
	uint32_t cpu_word;

	prt_cursor_init(&c, payload, n);
	info->seq = prt_get_u64(&c);
	cpu_word = prt_get_u32(&c);
	info->cpu = (uint16_t)cpu_word;
	info->count = prt_get_u32(&c);
	info->first_ts = prt_get_u64(&c);
	info->last_ts = prt_get_u64(&c);
	if (c.bad || (cpu_word >> 16) != 0 || info->count == 0 ||
	    info->count > PRT_CHUNK_EVENTS || info->last_ts < info->first_ts)
		return -1;
	return 0;
}

int prt_chunk_decoder_load(struct prt_chunk_decoder *d, const void *payload, size_t n)
{
	struct prt_cursor c, cols;
	uint32_t raw_len, clen, len[NR_COLS];
	const void *blob;
	size_t got;

	if (prt_chunk_info_decode(payload, n, &d->info) < 0)
		return -1;
	prt_cursor_init(&c, (const uint8_t *)payload + 32, n - 32);
	raw_len = prt_get_u32(&c);
	clen = prt_get_u32(&c);
	blob = prt_get_bytes(&c, clen);
	if (!blob || c.p != c.end || raw_len > PRT_RECORD_MAX ||
	    raw_len > (uint64_t)d->info.count * 96 + 64)
		return -1;
	if (d->raw_cap < raw_len) {
		uint8_t *bigger = realloc(d->raw, raw_len);
		if (!bigger)
			return -1;
		d->raw = bigger;
		d->raw_cap = raw_len;
	}
	got = ZSTD_decompress(d->raw, raw_len, blob, clen);
	if (ZSTD_isError(got) || got != raw_len)
		return -1;
	prt_cursor_init(&cols, d->raw, raw_len);
	for (int i = 0; i < NR_COLS; i++)
		len[i] = prt_get_u32(&cols);
	for (int i = 0; i < NR_COLS; i++) {
		const void *p = prt_get_bytes(&cols, len[i]);

		if (!p)
			return -1;
		prt_cursor_init(&d->col[i], p, len[i]);
	}
	d->left = d->info.count;
	d->prev_ts = d->info.first_ts;
	d->prev_pfn = 0;
	d->nr = d->pos = 0;
	d->bad = false;
	return 0;
}

/*
 * Events are decoded a batch at a time, one column after another: each
 * column's loop is short and predictable, where decoding one event at a
 * time went through all eight cursors and their checks for each (the
 * reader's instructions per event fell 12%, its wall time more). Each loop returns how many events
 * of the batch its column holds; the first that it does not, and those
 * after it, are dropped and the chunk ends there in error.
 */
static uint32_t decode_kinds(struct prt_chunk_decoder *d, uint32_t n)
{
	struct prt_cursor *c = &d->col[COL_KIND];

	for (uint32_t i = 0; i < n; i++) {
		uint8_t kind = prt_get_u8(c);

		if (c->bad || (kind & KIND_TYPE) == PRT_EV_NONE || (kind & KIND_TYPE) >= PRT_EV_NTYPES)
			return i;
		d->kind[i] = kind;
		d->batch[i].type = kind & KIND_TYPE;
		d->batch[i].cpu = d->info.cpu;
	}
	return n;
}

static uint32_t decode_times(struct prt_chunk_decoder *d, uint32_t n)
{
	struct prt_cursor *c = &d->col[COL_TS];

	for (uint32_t i = 0; i < n; i++) {
		d->prev_ts += (uint64_t)prt_get_svarint(c);
		if (c->bad)
			return i;
		d->batch[i].ts_ns = d->prev_ts;
	}
	return n;
}

static uint32_t decode_pids(struct prt_chunk_decoder *d, uint32_t n)
{
	struct prt_cursor *c = &d->col[COL_PID];

	for (uint32_t i = 0; i < n; i++) {
		d->batch[i].pid = (uint32_t)prt_get_varint(c);
		if (c->bad)
			return i;
	}
	return n;
}

static uint32_t decode_pfns(struct prt_chunk_decoder *d, uint32_t n)
{
	struct prt_cursor *c = &d->col[COL_PFN];

	for (uint32_t i = 0; i < n; i++) {
		d->batch[i].pfn = PRT_PFN_NONE;
		if (!(d->kind[i] & KIND_PFN))
			continue;
		d->prev_pfn += (uint64_t)prt_get_svarint(c);
		if (c->bad)
			return i;
		d->batch[i].pfn = d->prev_pfn;
	}
	return n;
}

static uint32_t decode_orders(struct prt_chunk_decoder *d, uint32_t n)
{
	struct prt_cursor *order = &d->col[COL_ORDER], *mt = &d->col[COL_MT];

	for (uint32_t i = 0; i < n; i++) {
		d->batch[i].order = prt_get_u8(order);
		d->batch[i].migratetype = (int8_t)(prt_get_u8(mt) - 1);
		if (order->bad || mt->bad)
			return i;
	}
	return n;
}

static uint32_t decode_gfps(struct prt_chunk_decoder *d, uint32_t n)
{
	struct prt_cursor *c = &d->col[COL_GFP];

	for (uint32_t i = 0; i < n; i++) {
		d->batch[i].gfp = (d->kind[i] & KIND_GFP) ? prt_get_varint(c) : 0;
		if (c->bad)
			return i;
	}
	return n;
}

static uint32_t decode_args(struct prt_chunk_decoder *d, uint32_t n)
{
	struct prt_cursor *c = &d->col[COL_ARGS];

	for (uint32_t i = 0; i < n; i++) {
		struct prt_event *ev = &d->batch[i];
		uint8_t mask;

		memset(ev->arg, 0, sizeof(ev->arg));
		if (!(d->kind[i] & KIND_ARGS))
			continue;
		mask = prt_get_u8(c);
		for (int a = 0; a < 6; a++)
			if (mask & (1u << a))
				ev->arg[a] = prt_get_varint(c);
		if (c->bad)
			return i;
	}
	return n;
}

static void decode_batch(struct prt_chunk_decoder *d)
{
	uint32_t want = d->left < PRT_DECODE_BATCH ? d->left : PRT_DECODE_BATCH, n;

	n = decode_kinds(d, want);
	n = decode_times(d, n);
	n = decode_pids(d, n);
	n = decode_pfns(d, n);
	n = decode_orders(d, n);
	n = decode_gfps(d, n);
	n = decode_args(d, n);
	d->left -= want;
	d->nr = n;
	d->pos = 0;
	d->bad = n < want;
}

int prt_chunk_decoder_next(struct prt_chunk_decoder *d, const struct prt_event **ev)
{
	if (d->pos == d->nr) {
		if (d->bad)
			return -1;
		if (d->left == 0)
			return 0;
		decode_batch(d);
		if (d->nr == 0)
			return -1;
	}
	*ev = &d->batch[d->pos++];
	return 1;
}

void prt_chunk_decoder_free(struct prt_chunk_decoder *d)
{
	free(d->raw);
	memset(d, 0, sizeof(*d));
}
