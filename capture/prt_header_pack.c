/* SPDX-License-Identifier: MIT */
/*
 * The HEADER record of format version 2: u32 length of the encoded header
 * (prt_header.c), then a zstd frame of it. Most of a header is the free
 * map at capture start, sorted pfns and small orders that zstd shrinks to
 * 23-30% of their size; on a short capture of a fragmented host it had
 * been 28% of the file. Version 1 files hold the encoded header as it is.
 */
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "capture/prt_codec.h"

/* Written once a trace: the slowest level costs tens of milliseconds. */
#define HEADER_ZSTD_LEVEL 19

int prt_pack_header(struct prt_buf *out, const struct prt_header *h)
{
	struct prt_buf raw = { 0 };
	int ret = -1;

	prt_encode_header(&raw, h);
	prt_buf_reset(out);
	prt_buf_u32(out, (uint32_t)raw.len);
	if (!raw.oom && prt_buf_zstd(out, raw.data, raw.len, HEADER_ZSTD_LEVEL) > 0)
		ret = 0;
	prt_buf_free(&raw);
	return ret;
}

int prt_unpack_header(const void *p, size_t n, struct prt_header *h, const char **what)
{
	struct prt_cursor c;
	uint32_t raw_len;
	uint8_t *raw;
	size_t got;
	int ret;

	prt_cursor_init(&c, p, n);
	raw_len = prt_get_u32(&c);
	if (c.bad || raw_len > PRT_RECORD_MAX) {
		*what = "compressed header length";
		return -1;
	}
	raw = malloc(raw_len ? raw_len : 1);
	if (!raw) {
		*what = "header (out of memory)";
		return -1;
	}
	got = ZSTD_decompress(raw, raw_len, c.p, (size_t)(c.end - c.p));
	if (ZSTD_isError(got) || got != raw_len) {
		free(raw);
		*what = "compressed header (zstd frame)";
		return -1;
	}
	ret = prt_decode_header(raw, raw_len, h, what);
	free(raw);
	return ret;
}
