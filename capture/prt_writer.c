/* SPDX-License-Identifier: MIT */
/*
 * The .prt writer. Layout (docs/trace-format.md has every byte):
 *
 *   file header  16 bytes: magic "\x89PRTRC\r\n", u32 version, u32 zero
 *   records      each: u32 id, u32 length, u32 crc32c(payload), u32 zero,
 *                then the payload. HEADER first; then CHUNK, CHECKPOINT in
 *                the order they were produced; COMMS, CPU_STATS and END at
 *                a clean close.
 *
 * Each record goes out in one write(), so a killed writer leaves a file
 * whose records are all whole except perhaps the last, which the reader
 * detects (short or bad CRC) and stops before.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture/crc32c.h"
#include "capture/prt_codec.h"

struct comm_entry {
	uint32_t pid;
	char comm[16];
};

struct prt_writer {
	int fd;
	char *path, *tmp_path;
	uint64_t bytes, seq, events;
	uint32_t nr_cpus;
	struct prt_chunk_encoder *enc;		/* one per cpu */
	struct prt_buf payload, record;
	struct comm_entry *comms;
	size_t nr_comms, cap_comms;
	struct prt_buf stats;
};

static int write_all(struct prt_writer *w, const void *p, size_t n, struct pr_error *err)
{
	const uint8_t *b = p;

	while (n) {
		ssize_t done = write(w->fd, b, n);

		if (done < 0) {
			if (errno == EINTR)
				continue;
			return pr_fail_errno(err, "cannot write '%s'", w->tmp_path);
		}
		b += done;
		n -= (size_t)done;
		w->bytes += (uint64_t)done;
	}
	return 0;
}

static int write_record(struct prt_writer *w, uint32_t id, const struct prt_buf *payload,
			struct pr_error *err)
{
	if (payload->oom)
		return pr_fail(err, PR_ENOMEM, "out of memory encoding '%s'", w->tmp_path);
	if (payload->len > PRT_RECORD_MAX)
		return pr_fail(err, PR_EUSAGE, "'%s': record of %zu bytes is over the limit",
			       w->tmp_path, payload->len);
	prt_buf_reset(&w->record);
	prt_buf_u32(&w->record, id);
	prt_buf_u32(&w->record, (uint32_t)payload->len);
	prt_buf_u32(&w->record, crc32c(0, payload->data, payload->len));
	prt_buf_u32(&w->record, 0);
	prt_buf_put(&w->record, payload->data, payload->len);
	if (w->record.oom)
		return pr_fail(err, PR_ENOMEM, "out of memory writing '%s'", w->tmp_path);
	return write_all(w, w->record.data, w->record.len, err);
}

static void free_writer(struct prt_writer *w)
{
	for (uint32_t c = 0; w->enc && c < w->nr_cpus; c++)
		prt_chunk_encoder_free(&w->enc[c]);
	free(w->enc);
	prt_buf_free(&w->payload);
	prt_buf_free(&w->record);
	prt_buf_free(&w->stats);
	free(w->comms);
	free(w->path);
	free(w->tmp_path);
	free(w);
}

struct prt_writer *prt_writer_open(const char *path, const struct prt_header *h,
				   struct pr_error *err)
{
	struct prt_writer *w = calloc(1, sizeof(*w));
	uint8_t file_header[PRT_FILE_HEADER_SIZE] = { 0 };

	if (!w || !(w->path = strdup(path)) || asprintf(&w->tmp_path, "%s.tmp", path) < 0) {
		if (w)
			w->tmp_path = NULL;
		pr_fail(err, PR_ENOMEM, "out of memory opening '%s'", path);
		goto fail_nofd;
	}
	w->nr_cpus = h->nr_cpus ? h->nr_cpus : 1;
	w->enc = calloc(w->nr_cpus, sizeof(*w->enc));
	if (!w->enc) {
		pr_fail(err, PR_ENOMEM, "out of memory opening '%s'", path);
		goto fail_nofd;
	}
	w->fd = open(w->tmp_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (w->fd < 0) {
		pr_fail_errno(err, "cannot create '%s'", w->tmp_path);
		goto fail_nofd;
	}
	memcpy(file_header, PRT_MAGIC, 8);
	file_header[8] = PRT_FORMAT_VERSION;
	if (prt_pack_header(&w->payload, h) < 0) {
		pr_fail(err, PR_ENOMEM, "out of memory writing the header of '%s'", path);
		goto fail;
	}
	if (write_all(w, file_header, sizeof(file_header), err) < 0 ||
	    write_record(w, PRT_REC_HEADER, &w->payload, err) < 0)
		goto fail;
	return w;
fail:
	close(w->fd);
	unlink(w->tmp_path);
fail_nofd:
	if (w)
		free_writer(w);
	return NULL;
}

static int flush_cpu(struct prt_writer *w, uint32_t cpu, struct pr_error *err)
{
	struct prt_chunk_encoder *e = &w->enc[cpu];

	if (e->count == 0)
		return 0;
	if (prt_chunk_encoder_flush(e, w->seq++, &w->payload) < 0)
		return pr_fail(err, PR_ENOMEM, "cannot compress a chunk for '%s'", w->tmp_path);
	return write_record(w, PRT_REC_CHUNK, &w->payload, err);
}

int prt_writer_add(struct prt_writer *w, const struct prt_event *ev, struct pr_error *err)
{
	struct prt_chunk_encoder *e;

	if (ev->cpu >= w->nr_cpus)
		return pr_fail(err, PR_EUSAGE, "'%s': event on cpu %u, header has %u cpus",
			       w->tmp_path, ev->cpu, w->nr_cpus);
	if (ev->type == PRT_EV_NONE || ev->type >= PRT_EV_NTYPES || ev->type == PRT_EV_CHECKPOINT)
		return pr_fail(err, PR_EUSAGE, "'%s': cannot store an event of type %u",
			       w->tmp_path, ev->type);
	e = &w->enc[ev->cpu];
	if (e->count && ev->ts_ns < e->last_ts)
		return pr_fail(err, PR_EUSAGE,
			       "'%s': cpu %u event at %llu ns comes after one at %llu ns",
			       w->tmp_path, ev->cpu, (unsigned long long)ev->ts_ns,
			       (unsigned long long)e->last_ts);
	prt_chunk_encoder_add(e, ev);
	w->events++;
	if (e->count == PRT_CHUNK_EVENTS)
		return flush_cpu(w, ev->cpu, err);
	return 0;
}

int prt_writer_add_checkpoint(struct prt_writer *w, const struct prt_checkpoint *cp,
			      struct pr_error *err)
{
	prt_buf_reset(&w->payload);
	prt_encode_checkpoint(&w->payload, cp);
	prt_encode_checkpoint_tail(&w->payload, cp);
	return write_record(w, PRT_REC_CHECKPOINT, &w->payload, err);
}

/* Record: varint count, then per sample varint ts (delta from the one
 * before; the first from 0), walked, reported_kib and passes. */
int prt_writer_add_reporting(struct prt_writer *w, const struct prt_reporting_sample *s,
			     size_t n, struct pr_error *err)
{
	uint64_t prev = 0;

	if (!n)
		return 0;
	prt_buf_reset(&w->payload);
	prt_buf_varint(&w->payload, n);
	for (size_t i = 0; i < n; i++) {
		if (s[i].ts_ns < prev)
			return pr_fail(err, PR_EUSAGE, "'%s': reporting samples out of time order",
				       w->tmp_path);
		prt_buf_varint(&w->payload, s[i].ts_ns - prev);
		prt_buf_varint(&w->payload, s[i].walked);
		prt_buf_varint(&w->payload, s[i].reported_kib);
		prt_buf_varint(&w->payload, s[i].passes);
		prev = s[i].ts_ns;
	}
	if (w->payload.oom)
		return pr_fail(err, PR_ENOMEM, "out of memory recording reporting samples");
	return write_record(w, PRT_REC_REPORTING, &w->payload, err);
}

int prt_writer_set_comm(struct prt_writer *w, uint32_t pid, const char *comm,
			struct pr_error *err)
{
	for (size_t i = 0; i < w->nr_comms; i++) {
		if (w->comms[i].pid == pid) {
			snprintf(w->comms[i].comm, sizeof(w->comms[i].comm), "%s", comm);
			return 0;
		}
	}
	if (w->nr_comms == w->cap_comms) {
		size_t cap = w->cap_comms ? w->cap_comms * 2 : 256;
		struct comm_entry *bigger = realloc(w->comms, cap * sizeof(*bigger));

		if (!bigger)
			return pr_fail(err, PR_ENOMEM, "out of memory recording comms");
		w->comms = bigger;
		w->cap_comms = cap;
	}
	w->comms[w->nr_comms].pid = pid;
	snprintf(w->comms[w->nr_comms].comm, sizeof(w->comms[0].comm), "%s", comm);
	w->nr_comms++;
	return 0;
}

static void encode_stats(struct prt_buf *b, const struct prt_cpu_stats *s, uint32_t n)
{
	prt_buf_u8(b, s != NULL);
	for (uint32_t i = 0; s && i < n; i++) {
		prt_buf_varint(b, s[i].entries);
		prt_buf_varint(b, s[i].overrun);
		prt_buf_varint(b, s[i].commit_overrun);
		prt_buf_varint(b, s[i].dropped_events);
		prt_buf_varint(b, s[i].read_events);
	}
}

int prt_writer_set_cpu_stats(struct prt_writer *w, const struct prt_cpu_stats *start,
			     const struct prt_cpu_stats *end, uint32_t nr_cpus,
			     struct pr_error *err)
{
	prt_buf_reset(&w->stats);
	prt_buf_varint(&w->stats, nr_cpus);
	encode_stats(&w->stats, start, nr_cpus);
	encode_stats(&w->stats, end, nr_cpus);
	if (w->stats.oom)
		return pr_fail(err, PR_ENOMEM, "out of memory recording cpu stats");
	return 0;
}

uint64_t prt_writer_bytes(const struct prt_writer *w)
{
	return w->bytes;
}

static int write_trailer(struct prt_writer *w, struct pr_error *err)
{
	prt_buf_reset(&w->payload);
	prt_buf_varint(&w->payload, w->nr_comms);
	for (size_t i = 0; i < w->nr_comms; i++) {
		prt_buf_varint(&w->payload, w->comms[i].pid);
		prt_buf_str(&w->payload, w->comms[i].comm);
	}
	if (write_record(w, PRT_REC_COMMS, &w->payload, err) < 0)
		return -1;
	if (w->stats.len && write_record(w, PRT_REC_CPU_STATS, &w->stats, err) < 0)
		return -1;
	prt_buf_reset(&w->payload);
	prt_buf_u64(&w->payload, w->events);
	return write_record(w, PRT_REC_END, &w->payload, err);
}

int prt_writer_close(struct prt_writer *w, struct pr_error *err)
{
	int ret = -1;

	for (uint32_t c = 0; c < w->nr_cpus; c++)
		if (flush_cpu(w, c, err) < 0)
			goto out;
	if (write_trailer(w, err) < 0)
		goto out;
	if (fsync(w->fd) < 0) {
		pr_fail_errno(err, "cannot sync '%s'", w->tmp_path);
		goto out;
	}
	if (close(w->fd) < 0) {
		w->fd = -1;
		pr_fail_errno(err, "cannot close '%s'", w->tmp_path);
		goto out;
	}
	w->fd = -1;
	if (rename(w->tmp_path, w->path) < 0) {
		pr_fail_errno(err, "cannot rename '%s' to '%s'", w->tmp_path, w->path);
		goto out;
	}
	ret = 0;
out:
	if (ret < 0) {
		if (w->fd >= 0)
			close(w->fd);
		unlink(w->tmp_path);
	}
	free_writer(w);
	return ret;
}

void prt_writer_abort(struct prt_writer *w)
{
	if (!w)
		return;
	close(w->fd);
	unlink(w->tmp_path);
	free_writer(w);
}
