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
	size_t bound, clen;
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
	bound = ZSTD_compressBound(raw.len);
	prt_buf_u32(out, 0);			/* compressed length, patched below */
	if (raw.oom || out->oom)
		goto done;
	if (out->cap - out->len < bound) {
		uint8_t *bigger = realloc(out->data, out->len + bound);
		if (!bigger)
			goto done;
		out->data = bigger;
		out->cap = out->len + bound;
	}
	clen = ZSTD_compress(out->data + out->len, bound, raw.data, raw.len, ZSTD_LEVEL);
	if (ZSTD_isError(clen))
		goto done;
	for (int i = 0; i < 4; i++)
		out->data[out->len - 4 + i] = (uint8_t)(clen >> (8 * i));
	out->len += clen;
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
	return 0;
}

int prt_chunk_decoder_next(struct prt_chunk_decoder *d, struct prt_event *ev)
{
	uint8_t kind;

	if (d->left == 0)
		return 0;
	d->left--;
	ev->ts_ns = d->prev_ts + (uint64_t)prt_get_svarint(&d->col[COL_TS]);
	d->prev_ts = ev->ts_ns;
	kind = prt_get_u8(&d->col[COL_KIND]);
	ev->type = kind & KIND_TYPE;
	ev->cpu = d->info.cpu;
	ev->pid = (uint32_t)prt_get_varint(&d->col[COL_PID]);
	ev->pfn = PRT_PFN_NONE;
	if (kind & KIND_PFN) {
		d->prev_pfn += (uint64_t)prt_get_svarint(&d->col[COL_PFN]);
		ev->pfn = d->prev_pfn;
	}
	ev->order = prt_get_u8(&d->col[COL_ORDER]);
	ev->migratetype = (int8_t)(prt_get_u8(&d->col[COL_MT]) - 1);
	ev->gfp = (kind & KIND_GFP) ? prt_get_varint(&d->col[COL_GFP]) : 0;
	memset(ev->arg, 0, sizeof(ev->arg));
	if (kind & KIND_ARGS) {
		uint8_t mask = prt_get_u8(&d->col[COL_ARGS]);

		for (int i = 0; i < 6; i++)
			if (mask & (1u << i))
				ev->arg[i] = prt_get_varint(&d->col[COL_ARGS]);
	}
	for (int i = 0; i < NR_COLS; i++)
		if (d->col[i].bad)
			return -1;
	if (ev->type == PRT_EV_NONE || ev->type >= PRT_EV_NTYPES)
		return -1;
	return 1;
}

void prt_chunk_decoder_free(struct prt_chunk_decoder *d)
{
	free(d->raw);
	memset(d, 0, sizeof(*d));
}
