/* SPDX-License-Identifier: MIT */
/* libFuzzer: the record payload decoders the .prt reader reaches only past
 * a record's checksum (which random bytes never pass in fuzz_prt_reader):
 * chunk columns, the compressed and the plain header, a checkpoint. Any
 * bytes must decode or fail cleanly, never crash, hang or leak. The first
 * byte picks the decoder. */
#include <stdlib.h>
#include <string.h>

#include "capture/prt_codec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void chunk(const uint8_t *p, size_t n)
{
	struct prt_chunk_decoder d;
	const struct prt_event *ev;
	uint64_t sum = 0;

	memset(&d, 0, sizeof(d));
	if (prt_chunk_decoder_load(&d, p, n) == 0)
		while (prt_chunk_decoder_next(&d, &ev) > 0)
			sum += ev->pfn ^ ev->ts_ns;
	prt_chunk_decoder_free(&d);
	(void)sum;
}

static void header(const uint8_t *p, size_t n, bool packed)
{
	struct prt_header h;
	const char *what = "";

	memset(&h, 0, sizeof(h));
	if ((packed ? prt_unpack_header(p, n, &h, &what) : prt_decode_header(p, n, &h, &what)) == 0)
		prt_header_release(&h);
}

static void checkpoint(const uint8_t *p, size_t n)
{
	struct prt_checkpoint cp;
	struct prt_cursor c;

	memset(&cp, 0, sizeof(cp));
	prt_cursor_init(&c, p, n);
	if (prt_decode_checkpoint(&c, &cp) == 0)
		prt_decode_checkpoint_tail(&c, &cp);
	prt_checkpoint_release(&cp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	switch (data[0] % 4) {
	case 0: chunk(data + 1, size - 1); break;
	case 1: header(data + 1, size - 1, true); break;
	case 2: header(data + 1, size - 1, false); break;
	default: checkpoint(data + 1, size - 1); break;
	}
	return 0;
}
