/* SPDX-License-Identifier: MIT */
#include "capture/prt_buf.h"

#include <stdlib.h>
#include <string.h>
#include <zstd.h>

void prt_buf_reset(struct prt_buf *b)
{
	b->len = 0;
	b->oom = false;
}

void prt_buf_free(struct prt_buf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

static bool reserve(struct prt_buf *b, size_t n)
{
	size_t cap;
	uint8_t *bigger;

	if (b->oom)
		return false;
	if (b->len + n <= b->cap)
		return true;
	cap = b->cap ? b->cap : 4096;
	while (cap < b->len + n)
		cap *= 2;
	bigger = realloc(b->data, cap);
	if (!bigger) {
		b->oom = true;
		return false;
	}
	b->data = bigger;
	b->cap = cap;
	return true;
}

void prt_buf_put(struct prt_buf *b, const void *p, size_t n)
{
	if (n && reserve(b, n)) {
		memcpy(b->data + b->len, p, n);
		b->len += n;
	}
}

void prt_buf_u8(struct prt_buf *b, uint8_t v)
{
	if (reserve(b, 1))
		b->data[b->len++] = v;
}

void prt_buf_u32(struct prt_buf *b, uint32_t v)
{
	uint8_t le[4] = { v, v >> 8, v >> 16, v >> 24 };

	prt_buf_put(b, le, 4);
}

void prt_buf_u64(struct prt_buf *b, uint64_t v)
{
	prt_buf_u32(b, (uint32_t)v);
	prt_buf_u32(b, (uint32_t)(v >> 32));
}

void prt_buf_varint(struct prt_buf *b, uint64_t v)
{
	if (!reserve(b, 10))
		return;
	while (v >= 0x80) {
		b->data[b->len++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	b->data[b->len++] = (uint8_t)v;
}

void prt_buf_svarint(struct prt_buf *b, int64_t v)
{
	prt_buf_varint(b, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63));
}

void prt_buf_str(struct prt_buf *b, const char *s)
{
	size_t n = s ? strlen(s) : 0;

	prt_buf_varint(b, n);
	prt_buf_put(b, s, n);
}

const void *prt_get_bytes(struct prt_cursor *c, size_t n)
{
	const uint8_t *p = c->p;

	if (c->bad || (size_t)(c->end - c->p) < n) {
		c->bad = true;
		return NULL;
	}
	c->p += n;
	return p;
}

uint32_t prt_get_u32(struct prt_cursor *c)
{
	const uint8_t *p = prt_get_bytes(c, 4);

	return p ? (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
		   (uint32_t)p[3] << 24 : 0;
}

uint64_t prt_get_u64(struct prt_cursor *c)
{
	uint64_t lo = prt_get_u32(c);

	return lo | (uint64_t)prt_get_u32(c) << 32;
}

uint64_t prt_get_varint_slow(struct prt_cursor *c)
{
	uint64_t v = 0;

	for (unsigned shift = 0; shift < 64; shift += 7) {
		uint8_t byte;

		if (c->bad || c->p >= c->end) {
			c->bad = true;
			return 0;
		}
		byte = *c->p++;
		v |= (uint64_t)(byte & 0x7f) << shift;
		if (!(byte & 0x80))
			return v;
	}
	c->bad = true;		/* more than 10 bytes: not a varint we wrote */
	return 0;
}

void prt_get_str(struct prt_cursor *c, char *dst, size_t cap)
{
	uint64_t n = prt_get_varint(c);
	const char *p = prt_get_bytes(c, n);
	size_t keep;

	if (!p) {
		dst[0] = '\0';
		return;
	}
	keep = n < cap - 1 ? n : cap - 1;
	memcpy(dst, p, keep);
	dst[keep] = '\0';
}

char *prt_get_strdup(struct prt_cursor *c)
{
	uint64_t n = prt_get_varint(c);
	const char *p = prt_get_bytes(c, n);
	char *s;

	if (!p)
		return NULL;
	s = malloc(n + 1);
	if (s) {
		memcpy(s, p, n);
		s[n] = '\0';
	}
	return s;
}

size_t prt_buf_zstd(struct prt_buf *b, const void *src, size_t n, int level)
{
	size_t bound = ZSTD_compressBound(n), clen;

	if (b->oom)
		return 0;
	if (b->cap - b->len < bound) {
		uint8_t *bigger = realloc(b->data, b->len + bound);

		if (!bigger)
			return 0;
		b->data = bigger;
		b->cap = b->len + bound;
	}
	clen = ZSTD_compress(b->data + b->len, bound, src, n, level);
	if (ZSTD_isError(clen))
		return 0;
	b->len += clen;
	return clen;
}
