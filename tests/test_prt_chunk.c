/* SPDX-License-Identifier: MIT */
/* One chunk's columns: decoded in batches, and cut short where a column is. */
#include "tests/lib/harness.h"
#include "tests/lib/prt_sample.h"

#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "capture/prt_codec.h"

/* More than three decode batches, and not a multiple of one. */
#define NR_EVENTS (3 * PRT_DECODE_BATCH + 77)
enum { COL_KIND = 1, COL_ORDER = 4, NR_COLS = 8 };

static void encode(struct prt_buf *out, struct prt_event *evs)
{
	struct prt_chunk_encoder e = { 0 };

	for (uint64_t i = 0; i < NR_EVENTS; i++) {
		sample_event(i, &evs[i]);
		evs[i].cpu = 1;
		prt_chunk_encoder_add(&e, &evs[i]);
	}
	assert_int_equal(prt_chunk_encoder_flush(&e, 7, out), 0);
	prt_chunk_encoder_free(&e);
}

static void assert_same_event(const struct prt_event *a, const struct prt_event *b)
{
	assert_int_equal(a->ts_ns, b->ts_ns);
	assert_int_equal(a->pfn, b->pfn);
	assert_int_equal(a->gfp, b->gfp);
	assert_memory_equal(a->arg, b->arg, sizeof(a->arg));
	assert_int_equal(a->pid, b->pid);
	assert_int_equal(a->cpu, b->cpu);
	assert_int_equal(a->type, b->type);
	assert_int_equal(a->order, b->order);
	assert_int_equal(a->migratetype, b->migratetype);
}

/* Events decoded before the first that is not: *status the last result. */
static uint32_t decode_all(const struct prt_buf *payload, const struct prt_event *want, int *status)
{
	struct prt_chunk_decoder d = { 0 };
	const struct prt_event *ev;
	uint32_t n = 0;

	assert_int_equal(prt_chunk_decoder_load(&d, payload->data, payload->len), 0);
	while ((*status = prt_chunk_decoder_next(&d, &ev)) > 0)
		assert_same_event(ev, &want[n++]);
	prt_chunk_decoder_free(&d);
	return n;
}

static uint32_t get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put_u32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* The payload again with column col cut to keep bytes, or with byte at of
 * it set to value (keep: ~0u). */
static void remake(const struct prt_buf *in, struct prt_buf *out, int col, uint32_t keep,
		   uint32_t at, uint8_t value)
{
	uint32_t raw_len = get_u32(in->data + PRT_CHUNK_INFO_SIZE - 8), len[NR_COLS], off = 4 * NR_COLS;
	uint8_t *raw = malloc(raw_len), *cut = malloc(raw_len);
	size_t bound = ZSTD_compressBound(raw_len), clen, pos = 4 * NR_COLS;

	assert_int_equal(ZSTD_decompress(raw, raw_len, in->data + PRT_CHUNK_INFO_SIZE,
					 in->len - PRT_CHUNK_INFO_SIZE), raw_len);
	for (int i = 0; i < NR_COLS; i++)
		len[i] = get_u32(raw + 4 * i);
	for (int i = 0; i < NR_COLS; i++) {
		uint32_t n = i == col && keep != ~0u ? keep : len[i];

		memcpy(cut + pos, raw + off, n);
		if (i == col && keep == ~0u)
			cut[pos + at] = value;
		put_u32(cut + 4 * i, n);
		pos += n;
		off += len[i];
	}
	prt_buf_reset(out);
	prt_buf_put(out, in->data, PRT_CHUNK_INFO_SIZE);
	out->len -= 8;
	prt_buf_u32(out, (uint32_t)pos);
	prt_buf_u32(out, 0);
	out->data = realloc(out->data, out->len + bound);
	out->cap = out->len + bound;
	clen = ZSTD_compress(out->data + out->len, bound, cut, pos, 1);
	assert_false(ZSTD_isError(clen));
	put_u32(out->data + out->len - 4, (uint32_t)clen);
	out->len += clen;
	free(raw);
	free(cut);
}

static void test_every_event_across_batches(void **state)
{
	static struct prt_event evs[NR_EVENTS];
	struct prt_buf payload = { 0 };
	int status;

	(void)state;
	encode(&payload, evs);
	assert_int_equal(decode_all(&payload, evs, &status), NR_EVENTS);
	assert_int_equal(status, 0);
	prt_buf_free(&payload);
}

/* The order column holds one byte an event: cut after event 300 (inside
 * the second batch), events 0-299 come out and then the error. */
static void test_short_column_ends_the_chunk_there(void **state)
{
	static struct prt_event evs[NR_EVENTS];
	struct prt_buf payload = { 0 }, cut = { 0 };
	int status;

	(void)state;
	encode(&payload, evs);
	remake(&payload, &cut, COL_ORDER, 300, 0, 0);
	assert_int_equal(decode_all(&cut, evs, &status), 300);
	assert_int_equal(status, -1);
	remake(&payload, &cut, COL_ORDER, 0, 0, 0);
	assert_int_equal(decode_all(&cut, evs, &status), 0);
	assert_int_equal(status, -1);
	prt_buf_free(&payload);
	prt_buf_free(&cut);
}

/* An event type no kernel event has, at event 2 * batch exactly. */
static void test_bad_kind_ends_the_chunk_there(void **state)
{
	static struct prt_event evs[NR_EVENTS];
	struct prt_buf payload = { 0 }, bad = { 0 };
	int status;

	(void)state;
	encode(&payload, evs);
	remake(&payload, &bad, COL_KIND, ~0u, 2 * PRT_DECODE_BATCH, 0x1f);
	assert_int_equal(decode_all(&bad, evs, &status), 2 * PRT_DECODE_BATCH);
	assert_int_equal(status, -1);
	prt_buf_free(&payload);
	prt_buf_free(&bad);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_event_across_batches),
		cmocka_unit_test(test_short_column_ends_the_chunk_there),
		cmocka_unit_test(test_bad_kind_ends_the_chunk_there),
	};

	return cmocka_run_group_tests_name("prt_chunk", tests, NULL, NULL);
}
