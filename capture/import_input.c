/* SPDX-License-Identifier: MIT */
/*
 * Lines from a possibly compressed trace, in constant memory. Decompressed
 * bytes land in one window; a line is handed out in place when its '\n' is
 * in the window, otherwise the tail moves to the front and the window is
 * refilled. Nothing is ever copied to a temporary file.
 */
#include "capture/import_input.h"

#include <errno.h>
#include <fcntl.h>
#include <lzma.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#define WINDOW		(1024 * 1024)
#define RAW_SIZE	(256 * 1024)

enum codec { CODEC_NONE, CODEC_GZIP, CODEC_ZSTD, CODEC_XZ };

struct imp_input {
	char name[256];
	int fd;				/* -1 for memory input */
	const unsigned char *mem;	/* memory input */
	size_t mem_len, mem_pos;
	enum codec codec;
	bool raw_eof, eof, stream_done;
	unsigned char *raw;		/* compressed bytes not yet decoded */
	size_t raw_pos, raw_len;
	z_stream gz;
	ZSTD_DStream *zs;
	size_t zs_last;			/* last ZSTD_decompressStream() hint */
	lzma_stream xz;
	char *buf;			/* decompressed window */
	size_t start, end;
	uint64_t lineno;
};

static ssize_t raw_read(struct imp_input *in, void *dst, size_t cap)
{
	if (in->fd < 0) {
		size_t n = in->mem_len - in->mem_pos;

		if (n > cap)
			n = cap;
		memcpy(dst, in->mem + in->mem_pos, n);
		in->mem_pos += n;
		return (ssize_t)n;
	}
	for (;;) {
		ssize_t n = read(in->fd, dst, cap);

		if (n >= 0 || errno != EINTR)
			return n;
	}
}

static int raw_refill(struct imp_input *in, struct pr_error *err)
{
	ssize_t n;

	if (in->raw_pos < in->raw_len || in->raw_eof)
		return 0;
	n = raw_read(in, in->raw, RAW_SIZE);
	if (n < 0)
		return pr_fail_errno(err, "'%s': read", in->name);
	in->raw_pos = 0;
	in->raw_len = (size_t)n;
	if (n == 0)
		in->raw_eof = true;
	return 0;
}

static int truncated(struct imp_input *in, const char *what, struct pr_error *err)
{
	return pr_fail(err, PR_EFORMAT, "'%s': line %llu: %s stream is truncated or damaged",
		       in->name, (unsigned long long)in->lineno + 1, what);
}

static int fill_gzip(struct imp_input *in, char *dst, size_t cap, size_t *got,
		     struct pr_error *err)
{
	int rc;

	in->gz.next_in = in->raw + in->raw_pos;
	in->gz.avail_in = (uInt)(in->raw_len - in->raw_pos);
	in->gz.next_out = (Bytef *)dst;
	in->gz.avail_out = (uInt)cap;
	rc = inflate(&in->gz, Z_NO_FLUSH);
	in->raw_pos = in->raw_len - in->gz.avail_in;
	*got = cap - in->gz.avail_out;
	if (rc == Z_STREAM_END) {
		in->stream_done = true;
		/* another gzip member may follow (concatenated .gz files) */
		if (in->raw_pos < in->raw_len && inflateReset(&in->gz) == Z_OK)
			in->stream_done = false;
		return 0;
	}
	if (rc == Z_OK || (rc == Z_BUF_ERROR && *got > 0))
		return 0;
	if (rc == Z_BUF_ERROR && in->gz.avail_in == 0 && !in->raw_eof)
		return 0;
	return truncated(in, "gzip", err);
}

static int fill_zstd(struct imp_input *in, char *dst, size_t cap, size_t *got,
		     struct pr_error *err)
{
	ZSTD_inBuffer ib = { in->raw + in->raw_pos, in->raw_len - in->raw_pos, 0 };
	ZSTD_outBuffer ob = { dst, cap, 0 };
	size_t rc;

	*got = 0;
	if (ib.size == 0 && in->zs_last == 0)
		return 0;	/* between frames: a new call would ask for a header */
	rc = ZSTD_decompressStream(in->zs, &ob, &ib);

	in->raw_pos += ib.pos;
	*got = ob.pos;
	if (ZSTD_isError(rc))
		return truncated(in, "zstd", err);
	in->zs_last = rc;
	return 0;
}

static int fill_xz(struct imp_input *in, char *dst, size_t cap, size_t *got,
		   struct pr_error *err)
{
	lzma_ret rc;

	in->xz.next_in = in->raw + in->raw_pos;
	in->xz.avail_in = in->raw_len - in->raw_pos;
	in->xz.next_out = (uint8_t *)dst;
	in->xz.avail_out = cap;
	rc = lzma_code(&in->xz, in->raw_eof ? LZMA_FINISH : LZMA_RUN);
	in->raw_pos = in->raw_len - in->xz.avail_in;
	*got = cap - in->xz.avail_out;
	if (rc == LZMA_STREAM_END) {
		in->stream_done = true;
		return 0;
	}
	if (rc == LZMA_OK || (rc == LZMA_BUF_ERROR && *got > 0))
		return 0;
	return truncated(in, "xz", err);
}

/* Decode more bytes into the window; sets in->eof when nothing is left. */
static int fill(struct imp_input *in, struct pr_error *err)
{
	size_t cap = WINDOW + IMP_MAX_LINE - in->end, got = 0;
	char *dst = in->buf + in->end;
	int rc = 0;

	while (got == 0 && !in->eof) {
		if (raw_refill(in, err))
			return -1;
		if (in->codec == CODEC_NONE) {
			got = in->raw_len - in->raw_pos;
			if (got > cap)
				got = cap;
			memcpy(dst, in->raw + in->raw_pos, got);
			in->raw_pos += got;
		} else if (in->codec == CODEC_GZIP) {
			rc = in->stream_done ? 0 : fill_gzip(in, dst, cap, &got, err);
		} else if (in->codec == CODEC_ZSTD) {
			rc = fill_zstd(in, dst, cap, &got, err);
		} else {
			rc = in->stream_done ? 0 : fill_xz(in, dst, cap, &got, err);
		}
		if (rc)
			return -1;
		if (got == 0 && in->raw_eof && in->raw_pos == in->raw_len) {
			if (in->codec == CODEC_GZIP && !in->stream_done)
				return truncated(in, "gzip", err);
			if (in->codec == CODEC_ZSTD && in->zs_last != 0)
				return truncated(in, "zstd", err);
			if (in->codec == CODEC_XZ && !in->stream_done)
				continue;	/* LZMA_FINISH pass reports it */
			in->eof = true;
		}
	}
	in->end += got;
	return 0;
}

static enum codec sniff(const unsigned char *p, size_t n)
{
	static const unsigned char xz[6] = { 0xfd, '7', 'z', 'X', 'Z', 0 };

	if (n >= 2 && p[0] == 0x1f && p[1] == 0x8b)
		return CODEC_GZIP;
	if (n >= 4 && p[0] == 0x28 && p[1] == 0xb5 && p[2] == 0x2f && p[3] == 0xfd)
		return CODEC_ZSTD;
	if (n >= 6 && memcmp(p, xz, 6) == 0)
		return CODEC_XZ;
	return CODEC_NONE;
}

static int start_codec(struct imp_input *in, struct pr_error *err)
{
	in->codec = sniff(in->raw, in->raw_len);
	switch (in->codec) {
	case CODEC_GZIP:
		if (inflateInit2(&in->gz, 15 + 32) != Z_OK)
			return pr_fail(err, PR_ENOMEM, "'%s': cannot start gzip", in->name);
		break;
	case CODEC_ZSTD:
		in->zs = ZSTD_createDStream();
		if (!in->zs || ZSTD_isError(ZSTD_initDStream(in->zs)))
			return pr_fail(err, PR_ENOMEM, "'%s': cannot start zstd", in->name);
		in->zs_last = 1;
		break;
	case CODEC_XZ:
		if (lzma_stream_decoder(&in->xz, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK)
			return pr_fail(err, PR_ENOMEM, "'%s': cannot start xz", in->name);
		break;
	case CODEC_NONE:
		break;
	}
	return 0;
}

static struct imp_input *input_new(const char *name, struct pr_error *err)
{
	static const lzma_stream xz_init = LZMA_STREAM_INIT;
	struct imp_input *in = calloc(1, sizeof(*in));

	if (!in) {
		pr_fail(err, PR_ENOMEM, "out of memory");
		return NULL;
	}
	in->fd = -1;
	in->xz = xz_init;
	snprintf(in->name, sizeof(in->name), "%s", name);
	in->raw = malloc(RAW_SIZE);
	in->buf = malloc(WINDOW + IMP_MAX_LINE + 1);
	if (!in->raw || !in->buf) {
		imp_input_close(in);
		pr_fail(err, PR_ENOMEM, "out of memory");
		return NULL;
	}
	return in;
}

/* Read enough raw bytes to recognise the compression, then set it up. */
static struct imp_input *input_start(struct imp_input *in, struct pr_error *err)
{
	ssize_t n;

	while (in->raw_len < 6 && !in->raw_eof) {
		n = raw_read(in, in->raw + in->raw_len, RAW_SIZE - in->raw_len);
		if (n < 0) {
			pr_fail_errno(err, "'%s': read", in->name);
			goto fail;
		}
		if (n == 0)
			in->raw_eof = true;
		in->raw_len += (size_t)n;
	}
	if (start_codec(in, err) == 0)
		return in;
fail:
	imp_input_close(in);
	return NULL;
}

struct imp_input *imp_input_open(const char *path, struct pr_error *err)
{
	bool is_stdin = strcmp(path, "-") == 0;
	struct imp_input *in = input_new(is_stdin ? "<stdin>" : path, err);

	if (!in)
		return NULL;
	in->fd = is_stdin ? dup(STDIN_FILENO) : open(path, O_RDONLY | O_CLOEXEC);
	if (in->fd < 0) {
		pr_fail_errno(err, "cannot open '%s'", in->name);
		imp_input_close(in);
		return NULL;
	}
	return input_start(in, err);
}

struct imp_input *imp_input_open_mem(const char *name, const void *data, size_t len,
				     struct pr_error *err)
{
	struct imp_input *in = input_new(name, err);

	if (!in)
		return NULL;
	in->mem = data;
	in->mem_len = len;
	return input_start(in, err);
}

/* Move the unread tail to the front so the window has room again. */
static void compact(struct imp_input *in)
{
	if (in->start == 0)
		return;
	memmove(in->buf, in->buf + in->start, in->end - in->start);
	in->end -= in->start;
	in->start = 0;
}

int imp_input_line(struct imp_input *in, char **line, size_t *len, struct pr_error *err)
{
	size_t scanned = 0;

	for (;;) {
		char *p = in->buf + in->start, *nl;
		size_t avail = in->end - in->start;

		nl = memchr(p + scanned, '\n', avail - scanned);
		if (nl || (in->eof && avail > 0)) {
			size_t n = nl ? (size_t)(nl - p) : avail;

			if (n > IMP_MAX_LINE)
				goto too_long;
			in->start += nl ? n + 1 : n;
			if (n > 0 && p[n - 1] == '\r')
				n--;
			p[n] = '\0';
			in->lineno++;
			*line = p;
			*len = n;
			return 1;
		}
		if (in->eof)
			return 0;
		if (avail > IMP_MAX_LINE)
			goto too_long;
		scanned = avail;
		if (in->end >= WINDOW)
			compact(in);
		if (fill(in, err))
			return -1;
	}
too_long:
	return pr_fail(err, PR_EFORMAT, "'%s': line %llu: longer than %d bytes (not a text trace?)",
		       in->name, (unsigned long long)in->lineno + 1, IMP_MAX_LINE);
}

size_t imp_input_peek(struct imp_input *in, const char **data, size_t max,
		      struct pr_error *err)
{
	if (max > IMP_MAX_LINE)
		max = IMP_MAX_LINE;
	while (in->end - in->start < max && !in->eof) {
		if (in->end >= WINDOW)
			compact(in);
		if (fill(in, err))
			return (size_t)-1;
	}
	*data = in->buf + in->start;
	return in->end - in->start < max ? in->end - in->start : max;
}

uint64_t imp_input_lineno(const struct imp_input *in)
{
	return in->lineno;
}

const char *imp_input_name(const struct imp_input *in)
{
	return in->name;
}

const char *imp_input_compression(const struct imp_input *in)
{
	static const char *const names[] = { "none", "gzip", "zstd", "xz" };

	return names[in->codec];
}

void imp_input_close(struct imp_input *in)
{
	if (!in)
		return;
	if (in->codec == CODEC_GZIP)
		inflateEnd(&in->gz);
	ZSTD_freeDStream(in->zs);
	lzma_end(&in->xz);
	if (in->fd >= 0)
		close(in->fd);
	free(in->raw);
	free(in->buf);
	free(in);
}
