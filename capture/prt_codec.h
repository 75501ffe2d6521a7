/* SPDX-License-Identifier: MIT */
#ifndef PR_CAPTURE_PRT_CODEC_H
#define PR_CAPTURE_PRT_CODEC_H

/* Private to the .prt code: encoders and decoders of record payloads. */

#include "capture/prt.h"
#include "capture/prt_buf.h"

/* File header: 8 bytes magic, u32 format version, u32 zero. */
#define PRT_MAGIC		PRT_FILE_MAGIC
#define PRT_FILE_HEADER_SIZE	16

/* Record: u32 id, u32 payload length, u32 crc32c(payload), u32 zero. */
#define PRT_RECORD_HEADER_SIZE	16
#define PRT_RECORD_MAX		(256u << 20)

enum prt_record_id {
	PRT_REC_HEADER = 1,	/* struct prt_header, first record */
	PRT_REC_CHUNK = 2,	/* events of one CPU */
	PRT_REC_CHECKPOINT = 3,	/* one /proc sample */
	PRT_REC_COMMS = 4,	/* pid -> comm */
	PRT_REC_CPU_STATS = 5,	/* ring-buffer stats at start and end */
	PRT_REC_END = 6,	/* clean close: total events */
	PRT_REC_REPORTING = 7,	/* free page reporting counter samples */
};

#define PRT_CHUNK_EVENTS	65536

void prt_encode_header(struct prt_buf *b, const struct prt_header *h);
/* 0 or -1 if the payload is malformed (*what says which part). */
int prt_decode_header(const void *p, size_t n, struct prt_header *h, const char **what);
/* The HEADER record's payload from version 2 on: the encoded header,
 * compressed (prt_header_pack.c). Pack: 0, or -1 out of memory. */
int prt_pack_header(struct prt_buf *out, const struct prt_header *h);
int prt_unpack_header(const void *p, size_t n, struct prt_header *h, const char **what);

void prt_encode_checkpoint(struct prt_buf *b, const struct prt_checkpoint *cp);
int prt_decode_checkpoint(struct prt_cursor *c, struct prt_checkpoint *cp);
/* A CHECKPOINT record's optional tail: the read windows, then the per-cpu
 * pagesets (each absent in files written before it, and in the header's
 * sample, whose layout cannot grow). On -1 the caller releases cp. */
void prt_encode_checkpoint_tail(struct prt_buf *b, const struct prt_checkpoint *cp);
int prt_decode_checkpoint_tail(struct prt_cursor *c, struct prt_checkpoint *cp);
/* Count arrays: u8 present, then n signed varints (NULL: absent). */
void prt_encode_counts(struct prt_buf *b, const int64_t *v, size_t n);
int prt_decode_counts(struct prt_cursor *c, int64_t **out, size_t n);

/*
 * Chunk payload (before compression: see prt_chunk.c for the columns).
 * The encoder keeps one CPU's pending events.
 */
struct prt_chunk_encoder {
	uint16_t cpu;
	uint32_t count;
	uint64_t first_ts, last_ts, prev_ts, prev_pfn;
	struct prt_buf col[8];
};
void prt_chunk_encoder_add(struct prt_chunk_encoder *e, const struct prt_event *ev);
/* Compressed payload of the pending events into out; resets the encoder. */
int prt_chunk_encoder_flush(struct prt_chunk_encoder *e, uint64_t seq, struct prt_buf *out);
void prt_chunk_encoder_free(struct prt_chunk_encoder *e);

/* Fixed part of a chunk payload, readable without decompressing. */
struct prt_chunk_info {
	uint64_t seq;
	uint16_t cpu;
	uint32_t count;
	uint64_t first_ts, last_ts;
};
#define PRT_CHUNK_INFO_SIZE 40
int prt_chunk_info_decode(const void *payload, size_t n, struct prt_chunk_info *info);

#define PRT_DECODE_BATCH	256
struct prt_chunk_decoder {
	struct prt_chunk_info info;
	uint8_t *raw;
	size_t raw_cap;
	struct prt_cursor col[8];
	uint32_t left;			/* events of the chunk not decoded yet */
	uint64_t prev_ts, prev_pfn;
	struct prt_event batch[PRT_DECODE_BATCH];
	uint8_t kind[PRT_DECODE_BATCH];
	uint32_t nr, pos;		/* events in batch, handed out */
	bool bad;			/* the event after batch[nr - 1] does not decode */
};
/* Decompress a chunk payload; 0, or -1 if it does not decode. */
int prt_chunk_decoder_load(struct prt_chunk_decoder *d, const void *payload, size_t n);
/* 1 with *ev pointing at the next event (valid until the decoder's next
 * call), 0 when the chunk is exhausted, -1 if a column is short. */
int prt_chunk_decoder_next(struct prt_chunk_decoder *d, const struct prt_event **ev);
void prt_chunk_decoder_free(struct prt_chunk_decoder *d);

#endif
