/* SPDX-License-Identifier: MIT */
/* Format versions: 2 compresses the header, 1 still reads, import upgrades. */
#include "tests/lib/harness.h"
#include "tests/lib/prt_sample.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "capture/crc32c.h"
#include "capture/import.h"
#include "capture/prt_codec.h"

#define EVENTS 5000

struct file {
	uint8_t *data;
	size_t len;
};

static struct file slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct file out = { 0 };

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	out.len = (size_t)ftell(f);
	rewind(f);
	out.data = malloc(out.len);
	assert_int_equal(fread(out.data, 1, out.len, f), out.len);
	fclose(f);
	return out;
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* in with its version byte set and its HEADER record's payload replaced. */
static void write_with_header(const char *path, const struct file *in, uint8_t version,
			      const void *payload, uint32_t len)
{
	uint32_t old = le32(in->data + PRT_FILE_HEADER_SIZE + 4);
	size_t rest = PRT_FILE_HEADER_SIZE + PRT_RECORD_HEADER_SIZE + old;
	uint8_t head[PRT_FILE_HEADER_SIZE + PRT_RECORD_HEADER_SIZE];
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	memcpy(head, in->data, sizeof(head));
	head[8] = version;
	put_le32(head + PRT_FILE_HEADER_SIZE + 4, len);
	put_le32(head + PRT_FILE_HEADER_SIZE + 8, crc32c(0, payload, len));
	assert_int_equal(fwrite(head, 1, sizeof(head), f), sizeof(head));
	assert_int_equal(fwrite(payload, 1, len, f), len);
	assert_int_equal(fwrite(in->data + rest, 1, in->len - rest, f), in->len - rest);
	fclose(f);
}

/* The sample trace as version 1 wrote it: the header record uncompressed. */
static void write_version_1(const char *v2, const char *v1)
{
	struct file in = slurp(v2);
	const uint8_t *payload = in.data + PRT_FILE_HEADER_SIZE + PRT_RECORD_HEADER_SIZE;
	uint32_t raw_len = le32(payload), len = le32(in.data + PRT_FILE_HEADER_SIZE + 4);
	uint8_t *raw = malloc(raw_len);

	assert_int_equal(in.data[8], 2);
	assert_int_equal(ZSTD_decompress(raw, raw_len, payload + 4, len - 4), raw_len);
	write_with_header(v1, &in, 1, raw, raw_len);
	free(raw);
	free(in.data);
}

static uint64_t count_events(const char *path, uint32_t *version, uint64_t *free_blocks)
{
	struct pr_error err = { 0 };
	struct prt_reader *r = prt_reader_open(path, &err);
	struct prt_event ev;
	uint64_t n = 0;

	assert_non_null(r);
	*version = prt_reader_header(r)->format_version;
	*free_blocks = prt_reader_header(r)->nr_free_blocks;
	while (prt_reader_next(r, &ev, &err) > 0)
		n++;
	assert_int_equal(err.code, PR_OK);
	prt_reader_close(r);
	return n;
}

static void test_version_1_reads_and_import_upgrades_it(void **state)
{
	const char *v2 = scratch_path("v2.prt"), *v1 = scratch_path("v1.prt");
	const char *up = scratch_path("up.prt");
	struct imp_options o = { .input = v1, .output = up };
	struct imp_result res;
	struct pr_error err = { 0 };
	struct prt_header want;
	uint64_t fb, n2, n1;
	uint32_t version;

	(void)state;
	sample_header(&want);
	assert_int_equal(sample_write(v2, EVENTS, 1000, true), 0);
	write_version_1(v2, v1);
	n2 = count_events(v2, &version, &fb);
	assert_int_equal(version, 2);
	n1 = count_events(v1, &version, &fb);
	assert_int_equal(version, 1);
	assert_int_equal(n1, n2);
	assert_int_equal(fb, want.nr_free_blocks);
	assert_int_equal(import_trace(&o, &res, &err), 0);
	assert_int_equal(res.format, IMP_FORMAT_PRT);
	assert_int_equal(res.events, EVENTS);
	assert_int_equal(count_events(up, &version, &fb), n2);
	assert_int_equal(version, 2);
	assert_int_equal(fb, want.nr_free_blocks);
	prt_header_release(&want);
}

static void test_import_refuses_its_own_input(void **state)
{
	const char *v2 = scratch_path("self.prt");
	struct imp_options o = { .input = v2, .output = v2 };
	struct imp_result res;
	struct pr_error err = { 0 };
	char want[256];

	(void)state;
	assert_int_equal(sample_write(v2, 10, 0, true), 0);
	assert_int_equal(import_trace(&o, &res, &err), -1);
	snprintf(want, sizeof(want), "'%s': writing a .prt over itself: give -o another path", v2);
	assert_string_equal(err.msg, want);
}

/* A header record whose checksum holds but whose zstd frame is cut short. */
static void test_cut_compressed_header_is_named(void **state)
{
	const char *v2 = scratch_path("cut_src.prt"), *cut = scratch_path("cut.prt");
	struct pr_error err = { 0 };
	struct file in;
	char want[256];

	(void)state;
	assert_int_equal(sample_write(v2, 10, 0, true), 0);
	in = slurp(v2);
	write_with_header(cut, &in, 2, in.data + PRT_FILE_HEADER_SIZE + PRT_RECORD_HEADER_SIZE,
			  le32(in.data + PRT_FILE_HEADER_SIZE + 4) / 2);
	free(in.data);
	assert_null(prt_reader_open(cut, &err));
	snprintf(want, sizeof(want),
		 "'%s': offset 16: header record: bad compressed header (zstd frame)", cut);
	assert_string_equal(err.msg, want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_version_1_reads_and_import_upgrades_it),
		cmocka_unit_test(test_import_refuses_its_own_input),
		cmocka_unit_test(test_cut_compressed_header_is_named),
	};
	int failed = cmocka_run_group_tests_name("prt_versions", tests, NULL, NULL);

	scratch_cleanup();
	return failed;
}
