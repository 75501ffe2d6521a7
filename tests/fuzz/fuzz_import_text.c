/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: bytes as a text trace (any of the three text formats,
 * or gzip / zstd / xz of one) through the whole import path except the
 * output file: decompression, line splitting, parsing, gfp names, the sink.
 * Any input must end in 0 or -1 with a message, never a crash or a leak.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capture/import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pr_error err = { 0 };

	if (import_text_check(data, size, IMP_FORMAT_AUTO, &err) < 0 && err.msg[0] == '\0')
		abort();	/* every failure says why */
	return 0;
}
