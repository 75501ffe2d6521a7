/* SPDX-License-Identifier: MIT */
/*
 * The .prt reader. Open reads the file once from start to end, checking
 * every record's bounds and CRC32C before trusting it, and keeps a small
 * index: where each CPU's chunks are, the (small) checkpoints, comms and
 * stats. The first damaged record ends the index; everything before it is
 * served and the damage is reported after the last good event.
 *
 * Events are then served merged by (timestamp, cpu) from one decoded chunk
 * per CPU: memory is bounded by the number of CPUs and chunks, not events.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture/crc32c.h"
#include "capture/prt_codec.h"

#define NO_CHUNK UINT32_MAX

struct chunk_ref {
	uint64_t offset;	/* of the payload */
	uint32_t len;
	uint32_t next;		/* next chunk of the same cpu, or NO_CHUNK */
	uint32_t ordinal;	/* k-th chunk record of the file, for messages */
};

struct cpu_stream {
	uint32_t next_chunk;
	struct prt_chunk_decoder dec;
	const struct prt_event *head;	/* in dec's batch */
};

struct prt_reader {
	int fd;
	char *path;
	uint64_t file_bytes, total_events;
	struct prt_header header;

	struct chunk_ref *chunks;
	uint32_t nr_chunks, cap_chunks;
	uint32_t *cpu_last;		/* last chunk of each cpu while indexing */
	struct cpu_stream *streams;	/* nr_cpus */

	struct prt_checkpoint *checkpoints;
	uint32_t nr_checkpoints, cap_checkpoints, next_checkpoint;
	const struct prt_checkpoint *current_checkpoint;

	struct prt_reporting_sample *reporting;
	uint32_t nr_reporting, cap_reporting;

	struct prt_comm *comms;
	uint32_t nr_comms;
	struct prt_cpu_stats *stats[2];

	/* Min-heap of streams by head (ts, cpu); index nr_cpus = checkpoints. */
	uint32_t *heap;
	uint64_t *head_key;	/* per stream: its head's time, for the merge */
	uint32_t heap_len;

	bool damaged, damage_reported, clean_end;
	struct pr_error damage;
	uint8_t *buf;
	size_t buf_cap;
};

static int read_at(struct prt_reader *r, uint64_t off, size_t len, struct pr_error *err)
{
	size_t done = 0;

	if (r->buf_cap < len) {
		uint8_t *bigger = realloc(r->buf, len);
		if (!bigger)
			return pr_fail(err, PR_ENOMEM, "out of memory reading '%s'", r->path);
		r->buf = bigger;
		r->buf_cap = len;
	}
	while (done < len) {
		ssize_t n = pread(r->fd, r->buf + done, len - done, (off_t)(off + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return pr_fail_errno(err, "cannot read '%s' at offset %llu", r->path,
					     (unsigned long long)(off + done));
		if (n == 0)
			return pr_fail(err, PR_EDAMAGED, "'%s': offset %llu: unexpected end of file",
				       r->path, (unsigned long long)(off + done));
		done += (size_t)n;
	}
	return 0;
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int check_file_header(struct prt_reader *r, struct pr_error *err)
{
	uint32_t version;

	if (r->file_bytes < PRT_FILE_HEADER_SIZE || read_at(r, 0, PRT_FILE_HEADER_SIZE, NULL) < 0 ||
	    memcmp(r->buf, PRT_MAGIC, 8) != 0)
		return pr_fail(err, PR_EFORMAT,
			       "'%s': offset 0: expected the .prt magic, this is not a pagereplay trace",
			       r->path);
	version = le32(r->buf + 8);
	if (version > PRT_FORMAT_VERSION)
		return pr_fail(err, PR_EVERSION,
			       "'%s': format version %u is newer than this pagereplay reads (up to %u); "
			       "upgrade pagereplay", r->path, version, PRT_FORMAT_VERSION);
	if (version == 0 || le32(r->buf + 12) != 0)
		return pr_fail(err, PR_EFORMAT, "'%s': offset 8: expected a format version and zero",
			       r->path);
	r->header.format_version = version;
	return 0;
}

/* Read one record at *off; 1 = got one, 0 = clean end of file, -1 = damage. */
static int next_record(struct prt_reader *r, uint64_t *off, uint32_t *id, uint32_t *len,
		       struct pr_error *err)
{
	uint64_t left = r->file_bytes - *off;
	uint32_t crc;

	if (left == 0)
		return 0;
	if (left < PRT_RECORD_HEADER_SIZE)
		return pr_fail(err, PR_EDAMAGED,
			       "'%s': offset %llu: expected a %d-byte record header, the file ends after %llu",
			       r->path, (unsigned long long)*off, PRT_RECORD_HEADER_SIZE,
			       (unsigned long long)left);
	if (read_at(r, *off, PRT_RECORD_HEADER_SIZE, err) < 0)
		return -1;
	*id = le32(r->buf);
	*len = le32(r->buf + 4);
	crc = le32(r->buf + 8);
	if (*id == 0 || le32(r->buf + 12) != 0 || *len > PRT_RECORD_MAX)
		return pr_fail(err, PR_EDAMAGED, "'%s': offset %llu: expected a record header",
			       r->path, (unsigned long long)*off);
	if (*len > left - PRT_RECORD_HEADER_SIZE)
		return pr_fail(err, PR_EDAMAGED,
			       "'%s': offset %llu: record of %u bytes runs past the end of the file",
			       r->path, (unsigned long long)*off, *len);
	if (read_at(r, *off + PRT_RECORD_HEADER_SIZE, *len, err) < 0)
		return -1;
	if (crc32c(0, r->buf, *len) != crc)
		return pr_fail(err, PR_EDAMAGED, "'%s': offset %llu: record checksum mismatch",
			       r->path, (unsigned long long)*off);
	*off += PRT_RECORD_HEADER_SIZE;
	return 1;
}

static int add_chunk(struct prt_reader *r, uint64_t off, uint32_t len)
{
	struct prt_chunk_info info;
	struct chunk_ref *c;

	if (prt_chunk_info_decode(r->buf, len, &info) < 0 || info.cpu >= r->header.nr_cpus)
		return -1;
	if (r->nr_chunks == r->cap_chunks) {
		uint32_t cap = r->cap_chunks ? r->cap_chunks * 2 : 64;
		struct chunk_ref *bigger = realloc(r->chunks, cap * sizeof(*bigger));

		if (!bigger)
			return -1;
		r->chunks = bigger;
		r->cap_chunks = cap;
	}
	c = &r->chunks[r->nr_chunks];
	c->offset = off;
	c->len = len;
	c->next = NO_CHUNK;
	c->ordinal = r->nr_chunks;
	if (r->cpu_last[info.cpu] == NO_CHUNK)
		r->streams[info.cpu].next_chunk = r->nr_chunks;
	else
		r->chunks[r->cpu_last[info.cpu]].next = r->nr_chunks;
	r->cpu_last[info.cpu] = r->nr_chunks++;
	r->total_events += info.count;
	return 0;
}

static int add_checkpoint(struct prt_reader *r, uint32_t len)
{
	struct prt_cursor c;
	struct prt_checkpoint cp;

	prt_cursor_init(&c, r->buf, len);
	if (prt_decode_checkpoint(&c, &cp) < 0)
		return -1;
	if (prt_decode_checkpoint_tail(&c, &cp) < 0) {
		prt_checkpoint_release(&cp);
		return -1;
	}
	if (r->nr_checkpoints == r->cap_checkpoints) {
		uint32_t cap = r->cap_checkpoints ? r->cap_checkpoints * 2 : 16;
		struct prt_checkpoint *bigger = realloc(r->checkpoints, cap * sizeof(*bigger));

		if (!bigger) {
			prt_checkpoint_release(&cp);
			return -1;
		}
		r->checkpoints = bigger;
		r->cap_checkpoints = cap;
	}
	r->checkpoints[r->nr_checkpoints++] = cp;
	r->total_events++;
	return 0;
}

/* Samples are appended as written: each record is in time order, and the
 * writer's records follow one another in time. */
static int add_reporting(struct prt_reader *r, uint32_t len)
{
	struct prt_cursor c;
	uint64_t n, ts = 0;

	prt_cursor_init(&c, r->buf, len);
	n = prt_get_varint(&c);
	if (c.bad || n > len)
		return -1;
	if (r->nr_reporting + n > r->cap_reporting) {
		uint32_t cap = r->cap_reporting ? r->cap_reporting : 256;
		struct prt_reporting_sample *bigger;

		while (cap < r->nr_reporting + n)
			cap *= 2;
		bigger = realloc(r->reporting, cap * sizeof(*bigger));
		if (!bigger)
			return -1;
		r->reporting = bigger;
		r->cap_reporting = cap;
	}
	for (uint64_t i = 0; i < n; i++) {
		struct prt_reporting_sample *s = &r->reporting[r->nr_reporting + i];

		ts += prt_get_varint(&c);
		s->ts_ns = ts;
		s->walked = prt_get_varint(&c);
		s->reported_kib = prt_get_varint(&c);
		s->passes = prt_get_varint(&c);
	}
	if (c.bad || (n && r->nr_reporting && r->reporting[r->nr_reporting].ts_ns <
						 r->reporting[r->nr_reporting - 1].ts_ns))
		return -1;
	r->nr_reporting += (uint32_t)n;
	return 0;
}

static int cmp_comm(const void *a, const void *b)
{
	const struct prt_comm *x = a, *y = b;

	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

static int add_comms(struct prt_reader *r, uint32_t len)
{
	struct prt_cursor c;
	uint64_t n;

	prt_cursor_init(&c, r->buf, len);
	n = prt_get_varint(&c);
	if (c.bad || n > len)
		return -1;
	free(r->comms);
	r->comms = calloc(n ? n : 1, sizeof(*r->comms));
	if (!r->comms)
		return -1;
	for (uint64_t i = 0; i < n; i++) {
		r->comms[i].pid = (uint32_t)prt_get_varint(&c);
		prt_get_str(&c, r->comms[i].comm, sizeof(r->comms[i].comm));
	}
	r->nr_comms = (uint32_t)n;
	qsort(r->comms, n, sizeof(*r->comms), cmp_comm);
	return c.bad ? -1 : 0;
}

static int add_stats(struct prt_reader *r, uint32_t len)
{
	struct prt_cursor c;
	uint64_t n;

	prt_cursor_init(&c, r->buf, len);
	n = prt_get_varint(&c);
	if (c.bad || n != r->header.nr_cpus)
		return -1;
	for (int which = 0; which < 2; which++) {
		if (!prt_get_u8(&c))
			continue;
		free(r->stats[which]);
		r->stats[which] = calloc(n ? n : 1, sizeof(struct prt_cpu_stats));
		if (!r->stats[which])
			return -1;
		for (uint64_t i = 0; i < n; i++) {
			struct prt_cpu_stats *s = &r->stats[which][i];

			s->entries = prt_get_varint(&c);
			s->overrun = prt_get_varint(&c);
			s->commit_overrun = prt_get_varint(&c);
			s->dropped_events = prt_get_varint(&c);
			s->read_events = prt_get_varint(&c);
		}
	}
	return c.bad ? -1 : 0;
}

static const char *record_name(uint32_t id)
{
	switch (id) {
	case PRT_REC_CHUNK: return "chunk";
	case PRT_REC_CHECKPOINT: return "checkpoint";
	case PRT_REC_COMMS: return "comm table";
	case PRT_REC_CPU_STATS: return "cpu stats";
	case PRT_REC_REPORTING: return "reporting samples";
	case PRT_REC_END: return "end record";
	default: return "record";
	}
}

static int index_record(struct prt_reader *r, uint32_t id, uint64_t off, uint32_t len)
{
	switch (id) {
	case PRT_REC_CHUNK: return add_chunk(r, off, len);
	case PRT_REC_CHECKPOINT: return add_checkpoint(r, len);
	case PRT_REC_COMMS: return add_comms(r, len);
	case PRT_REC_CPU_STATS: return add_stats(r, len);
	case PRT_REC_REPORTING: return add_reporting(r, len);
	case PRT_REC_END: r->clean_end = true; return 0;
	case PRT_REC_HEADER: return -1;	/* only one, first */
	default: return 0;		/* a newer writer's record: skip it */
	}
}

/* Index every record after the header; stop at the first damaged one. */
static void index_file(struct prt_reader *r, uint64_t off)
{
	uint32_t id, len;
	int got;

	while (!r->clean_end && (got = next_record(r, &off, &id, &len, &r->damage)) != 0) {
		if (got < 0) {
			if (r->damage.code != PR_EIO) {
				char msg[sizeof(r->damage.msg)];

				snprintf(msg, sizeof(msg), "%s", r->damage.msg);
				pr_fail(&r->damage, PR_EDAMAGED,
					"%s (after chunk %u: %llu events readable)", msg,
					r->nr_chunks, (unsigned long long)r->total_events);
			}
			r->damaged = true;
			return;
		}
		if (index_record(r, id, off, len) < 0) {
			pr_fail(&r->damage, PR_EDAMAGED,
				"'%s': offset %llu: %s %u does not decode (after %llu events)",
				r->path, (unsigned long long)(off - PRT_RECORD_HEADER_SIZE),
				record_name(id), id == PRT_REC_CHUNK ? r->nr_chunks : 0,
				(unsigned long long)r->total_events);
			r->damaged = true;
			return;
		}
		off += len;
	}
}

static int open_header(struct prt_reader *r, struct pr_error *err)
{
	uint64_t off = PRT_FILE_HEADER_SIZE;
	uint32_t id, len, version = r->header.format_version;
	const char *what = "";

	if (next_record(r, &off, &id, &len, err) <= 0 || id != PRT_REC_HEADER) {
		if (id != PRT_REC_HEADER || !err || err->code == PR_OK)
			pr_fail(err, PR_EFORMAT, "'%s': offset %d: expected the header record",
				r->path, PRT_FILE_HEADER_SIZE);
		return -1;
	}
	if ((version >= 2 ? prt_unpack_header(r->buf, len, &r->header, &what) :
			    prt_decode_header(r->buf, len, &r->header, &what)) < 0)
		return pr_fail(err, PR_EFORMAT, "'%s': offset %d: header record: bad %s", r->path,
			       PRT_FILE_HEADER_SIZE, what);
	r->header.format_version = version;
	r->total_events = 0;
	return (int)(off + len);
}

static bool head_before(const struct prt_reader *r, uint32_t a, uint32_t b);
static void heap_push(struct prt_reader *r, uint32_t s);

static int prime_streams(struct prt_reader *r, struct pr_error *err);

struct prt_reader *prt_reader_open(const char *path, struct pr_error *err)
{
	struct prt_reader *r = calloc(1, sizeof(*r));
	struct stat st;
	int off;

	if (!r || !(r->path = strdup(path))) {
		free(r);
		pr_fail(err, PR_ENOMEM, "out of memory opening '%s'", path);
		return NULL;
	}
	r->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (r->fd < 0) {
		pr_fail_errno(err, "cannot open '%s'", path);
		goto fail;
	}
	if (fstat(r->fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		pr_fail(err, PR_EFORMAT, "'%s': not a regular file", path);
		goto fail;
	}
	r->file_bytes = (uint64_t)st.st_size;
	if (check_file_header(r, err) < 0 || (off = open_header(r, err)) < 0)
		goto fail;
	r->streams = calloc(r->header.nr_cpus + 1, sizeof(*r->streams));
	r->cpu_last = malloc((r->header.nr_cpus + 1) * sizeof(*r->cpu_last));
	r->heap = malloc((r->header.nr_cpus + 1) * sizeof(*r->heap));
	r->head_key = calloc(r->header.nr_cpus + 1, sizeof(*r->head_key));
	if (!r->streams || !r->cpu_last || !r->heap || !r->head_key) {
		pr_fail(err, PR_ENOMEM, "out of memory opening '%s'", path);
		goto fail;
	}
	for (uint32_t c = 0; c <= r->header.nr_cpus; c++) {
		r->streams[c].next_chunk = NO_CHUNK;
		r->cpu_last[c] = NO_CHUNK;
	}
	index_file(r, (uint64_t)off);
	if (prime_streams(r, err) < 0)
		goto fail;
	return r;
fail:
	prt_reader_close(r);
	return NULL;
}

/* ---- merging ---- */

static uint64_t head_ts(const struct prt_reader *r, uint32_t s)
{
	return r->head_key[s];
}

/* Checkpoints sort after events of the same timestamp; cpus by number. */
static bool head_before(const struct prt_reader *r, uint32_t a, uint32_t b)
{
	uint64_t ta = head_ts(r, a), tb = head_ts(r, b);

	return ta < tb || (ta == tb && a < b);
}

static void heap_push(struct prt_reader *r, uint32_t s)
{
	uint32_t i = r->heap_len++;

	r->heap[i] = s;
	while (i > 0) {
		uint32_t parent = (i - 1) / 2;

		if (!head_before(r, r->heap[i], r->heap[parent]))
			break;
		r->heap[i] = r->heap[parent];
		r->heap[parent] = s;
		i = parent;
	}
}

static void heap_sift_down(struct prt_reader *r)
{
	uint32_t i = 0;

	for (;;) {
		uint32_t l = 2 * i + 1, rr = l + 1, m = i, tmp;

		if (l < r->heap_len && head_before(r, r->heap[l], r->heap[m]))
			m = l;
		if (rr < r->heap_len && head_before(r, r->heap[rr], r->heap[m]))
			m = rr;
		if (m == i)
			return;
		tmp = r->heap[i];
		r->heap[i] = r->heap[m];
		r->heap[m] = tmp;
		i = m;
	}
}

/* Load the next event of cpu stream s into its head; 1, 0 (done) or -1. */
static int advance_stream(struct prt_reader *r, uint32_t s, struct pr_error *err)
{
	struct cpu_stream *st = &r->streams[s];
	int got;

	while ((got = prt_chunk_decoder_next(&st->dec, &st->head)) == 0) {
		const struct chunk_ref *c;

		if (st->next_chunk == NO_CHUNK)
			return 0;
		c = &r->chunks[st->next_chunk];
		st->next_chunk = c->next;
		if (read_at(r, c->offset, c->len, err) < 0)
			return -1;
		if (prt_chunk_decoder_load(&st->dec, r->buf, c->len) < 0)
			return pr_fail(err, PR_EDAMAGED, "'%s': offset %llu: chunk %u does not decode",
				       r->path, (unsigned long long)(c->offset - PRT_RECORD_HEADER_SIZE),
				       c->ordinal);
	}
	if (got < 0)
		return pr_fail(err, PR_EDAMAGED, "'%s': chunk of cpu %u: event does not decode",
			       r->path, s);
	r->head_key[s] = st->head->ts_ns;
	return 1;
}

static int prime_streams(struct prt_reader *r, struct pr_error *err)
{
	for (uint32_t s = 0; s < r->header.nr_cpus; s++) {
		int got = advance_stream(r, s, err);

		if (got < 0)
			return -1;
		if (got > 0)
			heap_push(r, s);
	}
	if (r->nr_checkpoints) {
		r->head_key[r->header.nr_cpus] = r->checkpoints[0].ts_ns;
		heap_push(r, r->header.nr_cpus);
	}
	return 0;
}

int prt_reader_next(struct prt_reader *r, struct prt_event *ev, struct pr_error *err)
{
	uint32_t s;
	int got;

	if (r->heap_len == 0) {
		if (r->damaged && !r->damage_reported) {
			r->damage_reported = true;
			if (err)
				*err = r->damage;
			return -1;
		}
		return 0;
	}
	s = r->heap[0];
	if (s == r->header.nr_cpus) {
		const struct prt_checkpoint *cp = &r->checkpoints[r->next_checkpoint++];

		memset(ev, 0, sizeof(*ev));
		ev->type = PRT_EV_CHECKPOINT;
		ev->ts_ns = cp->ts_ns;
		ev->pfn = PRT_PFN_NONE;
		ev->migratetype = -1;
		ev->arg[0] = cp->seq;
		r->current_checkpoint = cp;
		got = r->next_checkpoint < r->nr_checkpoints;
		if (got)
			r->head_key[s] = r->checkpoints[r->next_checkpoint].ts_ns;
	} else {
		*ev = *r->streams[s].head;
		got = advance_stream(r, s, err);
		if (got < 0) {
			r->heap_len = 0;
			r->damaged = false;
			return -1;
		}
	}
	if (!got)
		r->heap[0] = r->heap[--r->heap_len];
	if (r->heap_len)
		heap_sift_down(r);
	return 1;
}

const struct prt_header *prt_reader_header(const struct prt_reader *r)
{
	return &r->header;
}

const struct prt_checkpoint *prt_reader_checkpoint(const struct prt_reader *r)
{
	return r->current_checkpoint;
}

const struct prt_checkpoint *prt_reader_checkpoints(const struct prt_reader *r, uint32_t *n)
{
	*n = r->nr_checkpoints;
	return r->checkpoints;
}

const struct prt_reporting_sample *prt_reader_reporting(const struct prt_reader *r, uint32_t *n)
{
	*n = r->nr_reporting;
	return r->reporting;
}

const char *prt_reader_comm(const struct prt_reader *r, uint32_t pid)
{
	struct prt_comm key = { .pid = pid }, *found;

	if (!r->nr_comms)
		return NULL;
	found = bsearch(&key, r->comms, r->nr_comms, sizeof(key), cmp_comm);
	return found ? found->comm : NULL;
}

const struct prt_comm *prt_reader_comms(const struct prt_reader *r, uint32_t *n)
{
	*n = r->nr_comms;
	return r->comms;
}

const struct prt_cpu_stats *prt_reader_cpu_stats(const struct prt_reader *r, bool at_end)
{
	return r->stats[at_end ? 1 : 0];
}

uint64_t prt_reader_file_bytes(const struct prt_reader *r)
{
	return r->file_bytes;
}

uint64_t prt_reader_event_count(const struct prt_reader *r)
{
	return r->total_events;
}

void prt_reader_close(struct prt_reader *r)
{
	if (!r)
		return;
	if (r->fd > 0)
		close(r->fd);
	for (uint32_t c = 0; r->streams && c <= r->header.nr_cpus; c++)
		prt_chunk_decoder_free(&r->streams[c].dec);
	for (uint32_t i = 0; i < r->nr_checkpoints; i++)
		prt_checkpoint_release(&r->checkpoints[i]);
	free(r->checkpoints);
	free(r->reporting);
	free(r->streams);
	free(r->cpu_last);
	free(r->heap);
	free(r->head_key);
	free(r->chunks);
	free(r->comms);
	free(r->stats[0]);
	free(r->stats[1]);
	free(r->buf);
	free(r->path);
	prt_header_release(&r->header);
	free(r);
}
