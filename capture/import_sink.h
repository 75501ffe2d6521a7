/* SPDX-License-Identifier: MIT */
#ifndef PR_CAPTURE_IMPORT_SINK_H
#define PR_CAPTURE_IMPORT_SINK_H

/*
 * Where importers put events. The .prt header needs facts known only at the
 * end (CPUs seen, zones inferred from pfns, skip counts), so events first go
 * to a spool .prt next to the output; finishing writes the real header and
 * copies the events over, in constant memory.
 */

#include "capture/import.h"

struct imp_sink;

/* `path` is the final output; NULL: check only, write nothing (fuzzing). */
struct imp_sink *imp_sink_open(const char *path, struct imp_result *r, struct pr_error *err);
/* An event in its CPU's time order (LOST included). `src` and `line`
 * (0: none) name the input position in errors. */
int imp_sink_event(struct imp_sink *s, const struct prt_event *ev, const char *src,
		   uint64_t line, struct pr_error *err);
/* A lost-events marker without a time: recorded at the CPU's next event. */
void imp_sink_lost_pending(struct imp_sink *s, uint16_t cpu, uint64_t count);
int imp_sink_comm(struct imp_sink *s, uint32_t pid, const char *comm, size_t len,
		  struct pr_error *err);
void imp_sink_skip(struct imp_sink *s, const char *event, size_t len);
void imp_sink_cpus(struct imp_sink *s, uint32_t nr_cpus);
/* CPUs of the trace: the larger of the hint and the highest CPU seen + 1. */
uint32_t imp_sink_cpu_count(const struct imp_sink *s);
/* Zones at x86-64 boundaries from the pfns seen; sets topology_inferred. */
int imp_sink_infer_zones(struct imp_sink *s, struct prt_header *h, struct pr_error *err);
/*
 * Write OUT: header `h` (the sink adds nr_cpus when 0, inferred zones when
 * h has none, the import.* settings) and the spooled events; -1 on error.
 * The sink is freed either way.
 */
int imp_sink_finish(struct imp_sink *s, struct prt_header *h, struct pr_error *err);
/* Error path: remove everything written, free. */
void imp_sink_abort(struct imp_sink *s);

/* Count an event written into r's totals (events, per type, failures, lost). */
void imp_result_count(struct imp_result *r, const struct prt_event *ev);

#endif
