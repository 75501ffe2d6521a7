/* SPDX-License-Identifier: MIT */
#ifndef PR_CAPTURE_IMPORT_INPUT_H
#define PR_CAPTURE_IMPORT_INPUT_H

/*
 * A trace file read as lines, in constant memory: plain, gzip, zstd or xz
 * (recognised by their magic bytes, decompressed as a stream), from a path
 * or from standard input ("-").
 */

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

#define IMP_MAX_LINE	(64 * 1024)	/* longer lines are an error */

struct imp_input;

struct imp_input *imp_input_open(const char *path, struct pr_error *err);
/* Open over a memory buffer (fuzzing, tests); the buffer must outlive it. */
struct imp_input *imp_input_open_mem(const char *name, const void *data, size_t len,
				     struct pr_error *err);
/*
 * Next line without its '\n' (and '\r'), NUL-terminated and writable until
 * the next call. 1: a line; 0: end of input; -1: error (decompression,
 * I/O, over-long line) in *err.
 */
int imp_input_line(struct imp_input *in, char **line, size_t *len, struct pr_error *err);
/* Lines returned so far (the number of the last one). */
uint64_t imp_input_lineno(const struct imp_input *in);
/* First bytes of the decompressed input, for format detection: up to
 * `max` bytes, without consuming them. */
size_t imp_input_peek(struct imp_input *in, const char **data, size_t max,
		      struct pr_error *err);
const char *imp_input_name(const struct imp_input *in);
/* "gzip", "zstd", "xz" or "none". */
const char *imp_input_compression(const struct imp_input *in);
void imp_input_close(struct imp_input *in);

#endif
