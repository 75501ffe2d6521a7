/* SPDX-License-Identifier: MIT */
/*
 * The importers' common back end: per-CPU time order, lost-event markers,
 * pid -> comm, skip counts, zones inferred from pfns, and the spool that
 * lets the header be written last.
 */
#include "capture/import_sink.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_CPUS	4096
#define MAX_SKIP_NAMES	32
#define COMM_LEN	16

/* x86-64 zone boundaries in pfns: DMA below 16 MiB, DMA32 below 4 GiB. */
static const uint64_t zone_end_pfn[3] = { 4096, 1ull << 20, UINT64_MAX };
static const char *const zone_names[3] = { "DMA", "DMA32", "Normal" };

struct comm_slot {
	uint32_t pid;
	bool used;
	char comm[COMM_LEN];
};

struct skip_count {
	char name[64];
	uint64_t n;
};

struct imp_sink {
	char *path, *spool_path;
	struct prt_writer *spool;
	struct imp_result *r;
	uint64_t last_ts[MAX_CPUS];
	uint64_t pending[MAX_CPUS];	/* lost count waiting for a time */
	bool has_pending[MAX_CPUS], seen[MAX_CPUS];
	uint32_t max_cpu_plus1, cpus_hint;
	uint64_t max_ts;
	struct comm_slot *comms;
	size_t comm_cap, comm_used;
	struct skip_count skips[MAX_SKIP_NAMES];
	unsigned nr_skips;
	uint64_t skipped_other;
	uint64_t zone_lo[3], zone_hi[3];	/* pfn range seen per zone */
};

struct imp_sink *imp_sink_open(const char *path, struct imp_result *r, struct pr_error *err)
{
	struct imp_sink *s = calloc(1, sizeof(*s));
	struct prt_header h = { 0 };

	if (!s)
		goto nomem;
	s->r = r;
	for (int z = 0; z < 3; z++)
		s->zone_lo[z] = UINT64_MAX;
	s->comm_cap = 1024;
	s->comms = calloc(s->comm_cap, sizeof(*s->comms));
	if (!s->comms)
		goto nomem;
	if (!path)
		return s;
	if (!(s->path = strdup(path)) || asprintf(&s->spool_path, "%s.spool", path) < 0) {
		s->spool_path = NULL;
		goto nomem;
	}
	h.format_version = PRT_FORMAT_VERSION;
	h.cmdline = (char *)"";
	h.nr_cpus = MAX_CPUS;
	h.page_size = 4096;
	h.nr_orders = 11;
	h.pageblock_order = 9;
	s->spool = prt_writer_open(s->spool_path, &h, err);
	if (!s->spool) {
		imp_sink_abort(s);
		return NULL;
	}
	return s;
nomem:
	pr_fail(err, PR_ENOMEM, "out of memory");
	imp_sink_abort(s);
	return NULL;
}

void imp_result_count(struct imp_result *r, const struct prt_event *ev)
{
	r->events++;
	r->per_type[ev->type]++;
	if (ev->type == PRT_EV_LOST)
		r->lost_events += ev->arg[0];
	if (ev->type == PRT_EV_ALLOC && ev->pfn == PRT_PFN_NONE)
		r->failures++;
}

static int put(struct imp_sink *s, const struct prt_event *ev, struct pr_error *err)
{
	imp_result_count(s->r, ev);
	return s->spool ? prt_writer_add(s->spool, ev, err) : 0;
}

static void note_pfn(struct imp_sink *s, const struct prt_event *ev)
{
	uint64_t end;
	int z = 0;

	if (ev->pfn == PRT_PFN_NONE || ev->type > PRT_EV_EXTFRAG)
		return;
	while (ev->pfn >= zone_end_pfn[z])
		z++;
	end = ev->pfn + (1ull << ev->order);
	if (ev->pfn < s->zone_lo[z])
		s->zone_lo[z] = ev->pfn;
	if (end > s->zone_hi[z])
		s->zone_hi[z] = end;
}

static int flush_pending(struct imp_sink *s, uint16_t cpu, uint64_t ts, struct pr_error *err)
{
	struct prt_event lost = { .ts_ns = ts, .pfn = PRT_PFN_NONE, .cpu = cpu,
				  .type = PRT_EV_LOST, .migratetype = -1 };

	lost.arg[0] = s->pending[cpu];
	s->has_pending[cpu] = false;
	s->pending[cpu] = 0;
	return put(s, &lost, err);
}

int imp_sink_event(struct imp_sink *s, const struct prt_event *ev, const char *src,
		   uint64_t line, struct pr_error *err)
{
	uint16_t cpu = ev->cpu;
	char where[48] = "";

	if (cpu < MAX_CPUS && !(s->seen[cpu] && ev->ts_ns < s->last_ts[cpu]))
		goto in_order;
	if (line)
		snprintf(where, sizeof(where), " line %llu:", (unsigned long long)line);
	if (cpu >= MAX_CPUS)
		return pr_fail(err, PR_EFORMAT, "'%s':%s cpu %u is beyond the %d cpus supported",
			       src, where, cpu, MAX_CPUS);
	if (s->seen[cpu] && ev->ts_ns < s->last_ts[cpu])
		return pr_fail(err, PR_EFORMAT,
			       "'%s':%s time goes backwards on cpu %u (%llu ns after %llu ns)",
			       src, where, cpu, (unsigned long long)ev->ts_ns,
			       (unsigned long long)s->last_ts[cpu]);
in_order:
	if (s->has_pending[cpu] && flush_pending(s, cpu, ev->ts_ns, err) < 0)
		return -1;
	s->seen[cpu] = true;
	s->last_ts[cpu] = ev->ts_ns;
	if (ev->ts_ns > s->max_ts)
		s->max_ts = ev->ts_ns;
	if (cpu + 1u > s->max_cpu_plus1)
		s->max_cpu_plus1 = cpu + 1u;
	note_pfn(s, ev);
	return put(s, ev, err);
}

void imp_sink_lost_pending(struct imp_sink *s, uint16_t cpu, uint64_t count)
{
	if (cpu >= MAX_CPUS)
		cpu = MAX_CPUS - 1;
	s->has_pending[cpu] = true;
	s->pending[cpu] += count;
	if (cpu + 1u > s->max_cpu_plus1)
		s->max_cpu_plus1 = cpu + 1u;
}

static uint32_t hash_pid(uint32_t pid)
{
	return pid * 2654435761u;
}

static struct comm_slot *comm_slot(struct comm_slot *t, size_t cap, uint32_t pid)
{
	size_t i = hash_pid(pid) & (cap - 1);

	while (t[i].used && t[i].pid != pid)
		i = (i + 1) & (cap - 1);
	return &t[i];
}

static int comm_grow(struct imp_sink *s, struct pr_error *err)
{
	size_t cap = s->comm_cap * 2;
	struct comm_slot *t = calloc(cap, sizeof(*t));

	if (!t)
		return pr_fail(err, PR_ENOMEM, "out of memory recording comms");
	for (size_t i = 0; i < s->comm_cap; i++)
		if (s->comms[i].used)
			*comm_slot(t, cap, s->comms[i].pid) = s->comms[i];
	free(s->comms);
	s->comms = t;
	s->comm_cap = cap;
	return 0;
}

int imp_sink_comm(struct imp_sink *s, uint32_t pid, const char *comm, size_t len,
		  struct pr_error *err)
{
	struct comm_slot *slot;

	/* "<...>": the tracer did not know the name */
	if (len == 0 || (len == 5 && memcmp(comm, "<...>", 5) == 0))
		return 0;
	if (len >= COMM_LEN)
		len = COMM_LEN - 1;
	slot = comm_slot(s->comms, s->comm_cap, pid);
	if (slot->used) {
		if (slot->comm[len] != '\0' || memcmp(slot->comm, comm, len) != 0) {
			memcpy(slot->comm, comm, len);
			slot->comm[len] = '\0';
		}
		return 0;
	}
	if ((s->comm_used + 1) * 2 > s->comm_cap) {
		if (comm_grow(s, err) < 0)
			return -1;
		slot = comm_slot(s->comms, s->comm_cap, pid);
	}
	slot->used = true;
	slot->pid = pid;
	memcpy(slot->comm, comm, len);
	slot->comm[len] = '\0';
	s->comm_used++;
	return 0;
}

void imp_sink_skip(struct imp_sink *s, const char *event, size_t len)
{
	s->r->skipped++;
	if (len >= sizeof(s->skips[0].name))
		len = sizeof(s->skips[0].name) - 1;
	for (unsigned i = 0; i < s->nr_skips; i++)
		if (strncmp(s->skips[i].name, event, len) == 0 && s->skips[i].name[len] == '\0') {
			s->skips[i].n++;
			return;
		}
	if (s->nr_skips == MAX_SKIP_NAMES) {
		s->skipped_other++;
		return;
	}
	memcpy(s->skips[s->nr_skips].name, event, len);
	s->skips[s->nr_skips].name[len] = '\0';
	s->skips[s->nr_skips++].n = 1;
}

void imp_sink_cpus(struct imp_sink *s, uint32_t nr_cpus)
{
	if (nr_cpus > s->cpus_hint && nr_cpus <= MAX_CPUS)
		s->cpus_hint = nr_cpus;
}

static int add_setting(struct prt_header *h, const char *key, const char *fmt,
		       unsigned long long v, const char *str, struct pr_error *err)
{
	struct prt_setting *bigger = realloc(h->settings, (h->nr_settings + 1) * sizeof(*bigger));

	if (!bigger)
		return pr_fail(err, PR_ENOMEM, "out of memory");
	h->settings = bigger;
	memset(&bigger[h->nr_settings], 0, sizeof(*bigger));
	snprintf(bigger[h->nr_settings].key, sizeof(bigger->key), "%s", key);
	if (str)
		snprintf(bigger[h->nr_settings].value, sizeof(bigger->value), "%s", str);
	else
		snprintf(bigger[h->nr_settings].value, sizeof(bigger->value), fmt, v);
	h->nr_settings++;
	return 0;
}

static int add_import_settings(struct imp_sink *s, struct prt_header *h, struct pr_error *err)
{
	char key[64 + 16];

	if (add_setting(h, "import.lines", "%llu", s->r->lines, NULL, err) ||
	    add_setting(h, "import.bad_lines", "%llu", s->r->bad_lines, NULL, err))
		return -1;
	for (unsigned i = 0; i < s->nr_skips; i++) {
		snprintf(key, sizeof(key), "import.skipped.%s", s->skips[i].name);
		if (add_setting(h, key, "%llu", s->skips[i].n, NULL, err))
			return -1;
	}
	if (s->skipped_other &&
	    add_setting(h, "import.skipped.other", "%llu", s->skipped_other, NULL, err))
		return -1;
	return 0;
}

uint32_t imp_sink_cpu_count(const struct imp_sink *s)
{
	uint32_t n = s->cpus_hint > s->max_cpu_plus1 ? s->cpus_hint : s->max_cpu_plus1;

	return n ? n : 1;
}

/* Zones from the pfns seen, at x86-64 boundaries; `info` says inferred. */
int imp_sink_infer_zones(struct imp_sink *s, struct prt_header *h, struct pr_error *err)
{
	int top = -1;

	for (int z = 0; z < 3; z++)
		if (s->zone_lo[z] != UINT64_MAX)
			top = z;
	h->topology_inferred = true;
	s->r->topology_inferred = true;
	h->zones = calloc(3, sizeof(*h->zones));
	if (!h->zones)
		return pr_fail(err, PR_ENOMEM, "out of memory");
	for (int z = 0; z <= top; z++) {
		struct prt_zone *zone;
		uint64_t start = z ? zone_end_pfn[z - 1] : 0, end;

		if (s->zone_lo[z] == UINT64_MAX)
			continue;
		/* lower zones reach their boundary; the top one ends at the
		 * highest page seen, rounded up to a max-order block */
		end = z < top ? zone_end_pfn[z] : (s->zone_hi[z] + 1023) & ~1023ull;
		zone = &h->zones[h->nr_zones++];
		zone->zone_type = (uint8_t)z;
		snprintf(zone->name, sizeof(zone->name), "%s", zone_names[z]);
		zone->start_pfn = start;
		zone->spanned = zone->present = zone->managed = end - start;
	}
	return 0;
}

static int copy_spool(struct imp_sink *s, struct prt_writer *w, struct pr_error *err)
{
	struct prt_reader *r = prt_reader_open(s->spool_path, err);
	struct prt_event ev;
	int rc;

	if (!r)
		return -1;
	while ((rc = prt_reader_next(r, &ev, err)) == 1)
		if (prt_writer_add(w, &ev, err) < 0) {
			rc = -1;
			break;
		}
	prt_reader_close(r);
	if (rc < 0)
		return -1;
	for (size_t i = 0; i < s->comm_cap; i++)
		if (s->comms[i].used &&
		    prt_writer_set_comm(w, s->comms[i].pid, s->comms[i].comm, err) < 0)
			return -1;
	return 0;
}

static void sink_free(struct imp_sink *s)
{
	free(s->comms);
	free(s->path);
	free(s->spool_path);
	free(s);
}

int imp_sink_finish(struct imp_sink *s, struct prt_header *h, struct pr_error *err)
{
	struct prt_writer *w;

	for (uint32_t c = 0; c < s->max_cpu_plus1; c++)
		if (s->has_pending[c] && flush_pending(s, (uint16_t)c,
					s->seen[c] ? s->last_ts[c] : s->max_ts, err) < 0)
			goto fail;
	if (!h->nr_cpus)
		h->nr_cpus = imp_sink_cpu_count(s);
	s->r->nr_cpus = h->nr_cpus;
	if ((!h->nr_zones && imp_sink_infer_zones(s, h, err) < 0) || add_import_settings(s, h, err) < 0)
		goto fail;
	if (!s->spool) {
		sink_free(s);
		return 0;
	}
	if (prt_writer_close(s->spool, err) < 0) {
		s->spool = NULL;
		goto fail;
	}
	s->spool = NULL;
	w = prt_writer_open(s->path, h, err);
	if (!w)
		goto fail;
	if (copy_spool(s, w, err) < 0) {
		prt_writer_abort(w);
		goto fail;
	}
	if (prt_writer_close(w, err) < 0)
		goto fail;
	unlink(s->spool_path);
	sink_free(s);
	return 0;
fail:
	imp_sink_abort(s);
	return -1;
}

void imp_sink_abort(struct imp_sink *s)
{
	if (!s)
		return;
	if (s->spool)
		prt_writer_abort(s->spool);
	if (s->spool_path)
		unlink(s->spool_path);
	sink_free(s);
}
