/* SPDX-License-Identifier: MIT */
#ifndef PR_CAPTURE_IMPORT_TEXT_H
#define PR_CAPTURE_IMPORT_TEXT_H

/*
 * One line of a text trace (kernel `trace` / `trace_pipe`, `trace-cmd
 * report`, `perf script`) into one .prt event. The three share the shape
 * "comm-pid [cpu] (flags) seconds: event: key=value ..." (perf: "comm pid");
 * the parser accepts each variant on every line, so mixed or hand-edited
 * input works and the format only decides the header's source.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capture/prt.h"

enum imp_line_kind {
	IMP_LINE_META,		/* blank, comment, header: nothing to record */
	IMP_LINE_EVENT,		/* ev filled */
	IMP_LINE_LOST,		/* ev.cpu, ev.arg[0]; ev.ts_ns if has_ts */
	IMP_LINE_OTHER,		/* an event the .prt does not record: name */
	IMP_LINE_BAD,		/* why says what is wrong */
	IMP_LINE_BAD_GFP,	/* unknown gfp flag name: name */
};

struct imp_line {
	enum imp_line_kind kind;
	struct prt_event ev;
	bool has_ts;
	uint32_t nr_cpus;		/* META: "#P:n" or "cpus=n", else 0 */
	const char *comm;		/* EVENT: points into the line */
	size_t comm_len;
	const char *name;		/* OTHER: event; BAD_GFP: the flag */
	size_t name_len;
	const char *why;		/* BAD: a static message */
};

/* gfp decoding with a small cache: the same few masks recur constantly. */
#define IMP_GFP_CACHE 8
struct imp_gfp {
	const struct prt_flag *flags;
	uint32_t nr_flags;
	const char *zero_name;		/* besides "none": e.g. 4.4's "GFP_NOWAIT" */
	struct {
		char text[192];
		size_t len;
		uint64_t bits;
	} cache[IMP_GFP_CACHE];
	unsigned next;
};

void imp_gfp_init(struct imp_gfp *g, const struct prt_flag *flags, uint32_t nr,
		  const char *zero_name);

/* Parse `line` (NUL-terminated, may be modified) into *out. */
void imp_text_parse(struct imp_gfp *g, char *line, size_t len, struct imp_line *out);

/* Parse "SEC.FRACTION" (any number of fraction digits) into ns; -1 if junk. */
int imp_parse_ts(const char *s, size_t len, uint64_t *ns);

#endif
