/* SPDX-License-Identifier: MIT */
#ifndef PR_CAPTURE_PRT_BUF_H
#define PR_CAPTURE_PRT_BUF_H

/*
 * Private to the .prt code: a growable byte buffer for encoding, and a
 * bounded cursor for decoding. Every read through the cursor is checked
 * against its end; the first overrun marks the cursor "bad" for good (what
 * reads return after it is meaningless, never out of bounds), so decoders
 * check once at the end.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct prt_buf {
	uint8_t *data;
	size_t len, cap;
	bool oom;		/* an append failed; contents are unusable */
};

void prt_buf_reset(struct prt_buf *b);
void prt_buf_free(struct prt_buf *b);
void prt_buf_put(struct prt_buf *b, const void *p, size_t n);
void prt_buf_u8(struct prt_buf *b, uint8_t v);
void prt_buf_u32(struct prt_buf *b, uint32_t v);	/* little-endian */
void prt_buf_u64(struct prt_buf *b, uint64_t v);
void prt_buf_varint(struct prt_buf *b, uint64_t v);	/* LEB128 */
void prt_buf_svarint(struct prt_buf *b, int64_t v);	/* zigzag LEB128 */
void prt_buf_str(struct prt_buf *b, const char *s);	/* varint length + bytes */
/* Append a zstd frame of src; its length, 0 on failure (b unchanged). */
size_t prt_buf_zstd(struct prt_buf *b, const void *src, size_t n, int level);

struct prt_cursor {
	const uint8_t *p, *end;
	bool bad;
};

static inline void prt_cursor_init(struct prt_cursor *c, const void *p, size_t n)
{
	c->p = p;
	c->end = c->p + n;
	c->bad = false;
}

static inline uint8_t prt_get_u8(struct prt_cursor *c)
{
	if (c->p < c->end)
		return *c->p++;
	c->bad = true;
	return 0;
}
uint32_t prt_get_u32(struct prt_cursor *c);
uint64_t prt_get_u64(struct prt_cursor *c);
const void *prt_get_bytes(struct prt_cursor *c, size_t n);
/* Copy a length-prefixed string into dst (truncating to cap - 1). */
void prt_get_str(struct prt_cursor *c, char *dst, size_t cap);
/* A length-prefixed string, malloc'd; NULL on overrun or no memory. */
char *prt_get_strdup(struct prt_cursor *c);

/* The hot decoder: LEB128 with fast paths for one and two bytes (a
 * time delta between two events of one cpu is mostly two). */
uint64_t prt_get_varint_slow(struct prt_cursor *c);
static inline uint64_t prt_get_varint(struct prt_cursor *c)
{
	const uint8_t *p = c->p;

	if (p < c->end && p[0] < 0x80) {
		c->p = p + 1;
		return p[0];
	}
	if (c->end - p >= 2 && p[1] < 0x80) {
		c->p = p + 2;
		return (uint64_t)(p[0] & 0x7f) | (uint64_t)p[1] << 7;
	}
	return prt_get_varint_slow(c);
}

static inline int64_t prt_get_svarint(struct prt_cursor *c)
{
	uint64_t z = prt_get_varint(c);

	return (int64_t)(z >> 1) ^ -(int64_t)(z & 1);
}

#endif
