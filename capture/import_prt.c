/* SPDX-License-Identifier: MIT */
/*
 * `pagereplay import -o NEW.prt OLD.prt`: a trace of an older format
 * version written again in the current one, everything it holds carried
 * over as read (header, events, checkpoints, reporting samples, comms,
 * ring-buffer stats). Traces are kept for years as regression data; the
 * reader keeps reading old versions, and this gives them the new one's
 * gains (version 2: a compressed header).
 */
#include <stdio.h>
#include <string.h>

#include "capture/import.h"
#include "capture/import_prt.h"
#include "capture/import_sink.h"
#include "capture/prt.h"

static int copy_events(struct prt_reader *in, struct prt_writer *out, struct imp_result *r,
		       struct pr_error *err)
{
	struct prt_event ev;
	int got;

	while ((got = prt_reader_next(in, &ev, err)) > 0) {
		if (ev.type == PRT_EV_CHECKPOINT) {
			if (prt_writer_add_checkpoint(out, prt_reader_checkpoint(in), err) < 0)
				return -1;
			continue;
		}
		if (prt_writer_add(out, &ev, err) < 0)
			return -1;
		imp_result_count(r, &ev);
	}
	return got;
}

static int copy_side_records(struct prt_reader *in, struct prt_writer *out, struct pr_error *err)
{
	const struct prt_reporting_sample *rs;
	const struct prt_comm *comms;
	const struct prt_cpu_stats *start = prt_reader_cpu_stats(in, false);
	const struct prt_cpu_stats *end = prt_reader_cpu_stats(in, true);
	uint32_t n;

	rs = prt_reader_reporting(in, &n);
	if (n && prt_writer_add_reporting(out, rs, n, err) < 0)
		return -1;
	comms = prt_reader_comms(in, &n);
	for (uint32_t i = 0; i < n; i++)
		if (prt_writer_set_comm(out, comms[i].pid, comms[i].comm, err) < 0)
			return -1;
	if ((start || end) &&
	    prt_writer_set_cpu_stats(out, start, end, prt_reader_header(in)->nr_cpus, err) < 0)
		return -1;
	return 0;
}

int import_prt_file(const struct imp_options *o, struct imp_result *r, struct pr_error *err)
{
	struct prt_reader *in;
	struct prt_writer *out;
	const struct prt_header *h;

	if (strcmp(o->input, o->output) == 0)
		return pr_fail(err, PR_EUSAGE, "'%s': writing a .prt over itself: give -o another path",
			       o->input);
	in = prt_reader_open(o->input, err);
	if (!in)
		return -1;
	h = prt_reader_header(in);
	r->nr_cpus = h->nr_cpus;
	r->topology_inferred = h->topology_inferred;
	snprintf(r->gfp_table, sizeof(r->gfp_table), "the input's header (format version %u)",
		 h->format_version);
	out = prt_writer_open(o->output, h, err);
	if (!out || copy_events(in, out, r, err) < 0 || copy_side_records(in, out, err) < 0) {
		prt_writer_abort(out);
		prt_reader_close(in);
		return -1;
	}
	prt_reader_close(in);
	return prt_writer_close(out, err);
}
