/* SPDX-License-Identifier: MIT */
#include "capture/import_dat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <trace-cmd/trace-cmd.h>
#include <traceevent/event-parse.h>

#include "capture/gfp_format.h"
#include "capture/live_events.h"

#define MAX_DEFS 32

struct dat_ctx {
	struct imp_sink *s;
	struct tep_handle *tep;
	struct live_event bound[MAX_DEFS];
	size_t nr_bound;
	const char *src;
	struct imp_result *r;
	struct pr_error *err;
	int failed;
};

static const struct live_event *find_bound(const struct dat_ctx *c, int id)
{
	for (size_t i = 0; i < c->nr_bound; i++)
		if (c->bound[i].event->id == id)
			return &c->bound[i];
	return NULL;
}

static int lost_before(struct dat_ctx *c, const struct tep_record *rec, int cpu)
{
	struct prt_event lost = { .ts_ns = rec->ts, .pfn = PRT_PFN_NONE, .cpu = (uint16_t)cpu,
				  .type = PRT_EV_LOST, .migratetype = -1 };

	/* -1: the buffer knew events were dropped, not how many */
	lost.arg[0] = rec->missed_events > 0 ? (uint64_t)rec->missed_events : 0;
	return imp_sink_event(c->s, &lost, c->src, 0, c->err);
}

static int on_record(struct tracecmd_input *handle, struct tep_record *rec, int cpu, void *data)
{
	struct dat_ctx *c = data;
	const struct live_event *b;
	struct prt_event ev = { 0 };
	const char *comm;
	int id;

	(void)handle;
	c->r->lines++;
	if (rec->missed_events && lost_before(c, rec, cpu) < 0)
		goto fail;
	id = tep_data_type(c->tep, rec);
	b = find_bound(c, id);
	if (!b) {
		struct tep_event *e = tep_find_event(c->tep, id);
		const char *name = e ? e->name : "unknown";

		imp_sink_skip(c->s, name, strlen(name));
		return 0;
	}
	live_event_decode(b, rec->data, &ev);
	ev.ts_ns = rec->ts;
	ev.cpu = (uint16_t)cpu;
	ev.pid = (uint32_t)tep_data_pid(c->tep, rec);
	if (imp_sink_event(c->s, &ev, c->src, 0, c->err) < 0)
		goto fail;
	comm = tep_data_comm_from_pid(c->tep, (int)ev.pid);
	if (comm && imp_sink_comm(c->s, ev.pid, comm, strlen(comm), c->err) < 0)
		goto fail;
	return 0;
fail:
	c->failed = 1;
	return -1;
}

static void bind_events(struct dat_ctx *c)
{
	const struct live_event_def *defs;
	size_t n = live_event_defs(&defs);

	for (size_t i = 0; i < n && c->nr_bound < MAX_DEFS; i++)
		if (live_event_bind(&c->bound[c->nr_bound], c->tep, &defs[i]) == 0)
			c->nr_bound++;
}

static int gfp_table(struct dat_ctx *c, struct prt_header *h)
{
	for (size_t i = 0; i < c->nr_bound; i++) {
		if (c->bound[i].def->type != PRT_EV_ALLOC)
			continue;
		if (prt_gfp_flags_from_event(c->bound[i].event, &h->gfp_flags, &h->nr_gfp_flags,
					     c->err) < 0)
			return -1;
		snprintf(c->r->gfp_table, sizeof(c->r->gfp_table),
			 "the trace.dat's own kmem/mm_page_alloc format");
		return 0;
	}
	snprintf(c->r->gfp_table, sizeof(c->r->gfp_table), "none (no mm_page_alloc in the file)");
	return 0;
}

int import_dat_events(const char *path, struct imp_sink *s, struct prt_header *h,
		      struct imp_result *r, struct pr_error *err)
{
	struct dat_ctx *c;
	struct tracecmd_input *handle;
	int rc = -1;

	tracecmd_set_loglevel(TEP_LOG_NONE);
	handle = tracecmd_open(path, TRACECMD_FL_LOAD_NO_PLUGINS);
	if (!handle)
		return pr_fail(err, PR_EFORMAT, "'%s': offset 0: expected a readable trace-cmd trace.dat",
			       path);
	c = calloc(1, sizeof(*c));
	if (!c) {
		tracecmd_close(handle);
		return pr_fail(err, PR_ENOMEM, "out of memory");
	}
	c->s = s;
	c->tep = tracecmd_get_tep(handle);
	c->src = path;
	c->r = r;
	c->err = err;
	bind_events(c);
	imp_sink_cpus(s, (uint32_t)tep_get_cpus(c->tep));
	if (gfp_table(c, h) < 0)
		goto out;
	tracecmd_iterate_events(handle, NULL, 0, on_record, c);
	if (c->failed)
		goto out;
	if (r->events == 0 && r->skipped == 0) {
		pr_fail(err, PR_EFORMAT, "'%s': no events in the trace.dat", path);
		goto out;
	}
	rc = 0;
out:
	free(c);
	tracecmd_close(handle);
	return rc;
}
