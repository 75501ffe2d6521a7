/* SPDX-License-Identifier: MIT */
#ifndef PR_CAPTURE_IMPORT_H
#define PR_CAPTURE_IMPORT_H

/*
 * Import a foreign page-allocator trace into a .prt file: kernel ftrace text
 * (`trace`, `trace_pipe`), `trace-cmd report` text, `perf script` text, or a
 * trace-cmd trace.dat; or a .prt of an older format version, rewritten in
 * the current one (capture/import_prt.c). Streaming, in memory bounded by the number of CPUs and
 * pids, never by the input size.
 *
 * What the .prt header gets beyond the events (readable with `info`):
 *   settings "import.format", "import.input", "import.gfp_table" (where the
 *   flag names came from), "import.lines", "import.bad_lines" (lines skipped
 *   under skip_bad), and "import.skipped.<event>" per event type the .prt does
 *   not record (count of lines).
 */

#include <stdbool.h>
#include <stdint.h>

#include "capture/prt.h"
#include "common/error.h"

enum imp_format {
	IMP_FORMAT_AUTO = 0,
	IMP_FORMAT_FTRACE,
	IMP_FORMAT_TRACE_CMD,
	IMP_FORMAT_PERF_SCRIPT,
	IMP_FORMAT_TRACE_DAT,
	IMP_FORMAT_PRT,		/* an older .prt, written again in the current version */
};

/* "ftrace", "trace-cmd", "perf-script", "trace-dat", "prt"; -1 if unknown. */
int imp_format_from_name(const char *name);
const char *imp_format_name(enum imp_format f);

struct imp_options {
	const char *input;		/* path, or "-" for standard input */
	const char *output;		/* .prt path */
	enum imp_format format;		/* AUTO: detect from the content */
	const char *events_format;	/* saved events/kmem/mm_page_alloc/format */
	const char *kernel;		/* "4", "5.10", "6" or a full release */
	const char *zoneinfo;		/* saved /proc/zoneinfo */
	const char *pagetypeinfo;	/* saved /proc/pagetypeinfo */
	bool skip_bad;			/* count unparsable lines instead of failing */
};

struct imp_result {
	enum imp_format format;
	uint64_t lines;
	uint64_t events;		/* written, LOST records included */
	uint64_t per_type[PRT_EV_NTYPES];
	uint64_t failures;		/* mm_page_alloc without a page */
	uint64_t lost_events;		/* sum of the LOST records' counts */
	uint64_t skipped;		/* lines of events the .prt does not record */
	uint64_t bad_lines;		/* skipped under skip_bad */
	uint32_t nr_cpus;
	bool topology_inferred;
	char gfp_table[192];		/* where the gfp names came from */
};

/*
 * Convert. On failure nothing is left at o->output (nor its temporaries)
 * and *err names the input, the line and what was wrong.
 */
int import_trace(const struct imp_options *o, struct imp_result *r, struct pr_error *err);

/* Import from memory, without an output file (the fuzz targets): parse
 * every line as `import` would; 0 or -1 with *err. */
int import_text_check(const void *data, size_t len, enum imp_format format,
		      struct pr_error *err);

#endif
