/* SPDX-License-Identifier: MIT */
/*
 * `pagereplay import`: find the input's format, pick the gfp flag table of
 * the kernel that wrote it, stream the lines through the parser into the
 * sink, then give the .prt its header.
 */
#include "capture/import.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "capture/gfp_format.h"
#include "capture/gfp_tables.h"
#include "capture/import_dat.h"
#include "capture/import_input.h"
#include "capture/import_proc.h"
#include "capture/import_sink.h"
#include "capture/import_prt.h"
#include "capture/import_text.h"

static const char *const format_names[] = {
	[IMP_FORMAT_AUTO] = "auto",
	[IMP_FORMAT_FTRACE] = "ftrace",
	[IMP_FORMAT_TRACE_CMD] = "trace-cmd",
	[IMP_FORMAT_PERF_SCRIPT] = "perf-script",
	[IMP_FORMAT_TRACE_DAT] = "trace-dat",
	[IMP_FORMAT_PRT] = "prt",
};

int imp_format_from_name(const char *name)
{
	for (int f = IMP_FORMAT_FTRACE; f <= IMP_FORMAT_PRT; f++)
		if (strcmp(format_names[f], name) == 0)
			return f;
	return -1;
}

const char *imp_format_name(enum imp_format f)
{
	return f <= IMP_FORMAT_PRT ? format_names[f] : "unknown";
}

/* trace-cmd's file magic: 0x17 0x08 'D' "tracing" */
static bool is_trace_dat(const char *p, size_t n)
{
	return n >= 10 && memcmp(p, "\027\010Dtracing", 10) == 0;
}

/* The event token of an event line and what follows it, or NULL. */
static const char *event_token(const char *line, const char *eol, const char **tok_end)
{
	const char *p = line, *colon;

	while ((p = memchr(p, ']', (size_t)(eol - p))) != NULL) {
		p++;
		colon = memchr(p, ':', (size_t)(eol - p));
		if (!colon || colon + 1 >= eol || colon[1] != ' ')
			continue;
		p = colon + 1;
		while (p < eol && *p == ' ')
			p++;
		*tok_end = p;
		while (*tok_end < eol && **tok_end != ' ')
			(*tok_end)++;
		return p;
	}
	return NULL;
}

/* One line's verdict: a format, or AUTO if the line does not tell. */
static enum imp_format detect_line(const char *p, const char *eol)
{
	const char *tok, *tok_end;

	if (eol - p >= 5 && memcmp(p, "cpus=", 5) == 0)
		return IMP_FORMAT_TRACE_CMD;
	if (eol - p >= 9 && memcmp(p, "# tracer:", 9) == 0)
		return IMP_FORMAT_FTRACE;
	if (memmem(p, (size_t)(eol - p), "EVENTS DROPPED]", 15))
		return IMP_FORMAT_TRACE_CMD;
	if (memmem(p, (size_t)(eol - p), "[LOST ", 6))
		return IMP_FORMAT_FTRACE;
	tok = event_token(p, eol, &tok_end);
	if (!tok)
		return IMP_FORMAT_AUTO;
	if (memmem(tok, (size_t)(tok_end - tok), "PERF_RECORD", 11) ||
	    memchr(tok, ':', (size_t)(tok_end - tok - 1)))
		return IMP_FORMAT_PERF_SCRIPT;
	/* trace-cmd pads event names into a column */
	if (tok_end + 1 < eol && tok_end[1] == ' ')
		return IMP_FORMAT_TRACE_CMD;
	return IMP_FORMAT_FTRACE;
}

static enum imp_format detect(const char *p, size_t n)
{
	const char *end = p + n;

	if (is_trace_dat(p, n))
		return IMP_FORMAT_TRACE_DAT;
	if (n >= 8 && memcmp(p, PRT_FILE_MAGIC, 8) == 0)
		return IMP_FORMAT_PRT;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		enum imp_format f;

		if (!eol)
			eol = end;
		f = detect_line(p, eol);
		if (f != IMP_FORMAT_AUTO)
			return f;
		p = eol + 1;
	}
	return IMP_FORMAT_FTRACE;
}

/* A full release ("6.18.44-fc") rather than a generation ("6", "5.10"). */
static bool is_release(const char *k)
{
	const char *dot = strchr(k, '.');

	return dot && (strchr(dot + 1, '.') || strchr(k, '-'));
}

static int table_from_builtin(const char *kernel, struct prt_flag **flags, uint32_t *nr,
			      struct imp_result *r, const char **zero, struct pr_error *err)
{
	const struct gfp_table *t = gfp_table_builtin(kernel);

	if (!t)
		return pr_fail(err, PR_EUSAGE,
			       "unknown kernel '%s': expected 4, 5.10, 6 or the running release",
			       kernel);
	*flags = malloc(t->nr_flags * sizeof(**flags));
	if (!*flags)
		return pr_fail(err, PR_ENOMEM, "out of memory");
	memcpy(*flags, t->flags, t->nr_flags * sizeof(**flags));
	*nr = (uint32_t)t->nr_flags;
	*zero = t->zero_name;
	snprintf(r->gfp_table, sizeof(r->gfp_table), "built-in %s (%s)", t->kernel, t->source);
	return 0;
}

/*
 * The flag table of the kernel that wrote a text trace: a saved format file,
 * else the running kernel's own if --kernel names its release, else the
 * built-in table of the generation (default 6).
 */
static int choose_gfp_table(const struct imp_options *o, struct prt_flag **flags, uint32_t *nr,
			    struct imp_result *r, const char **zero, struct pr_error *err)
{
	static const char *const host_formats[] = {
		"/sys/kernel/tracing/events/kmem/mm_page_alloc/format",
		"/sys/kernel/debug/tracing/events/kmem/mm_page_alloc/format",
	};
	struct utsname u;

	*zero = "GFP_NOWAIT";	/* 4.x prints it for 0; later kernels never without bits */
	if (o->events_format) {
		if (prt_gfp_flags_from_file(o->events_format, flags, nr, err) < 0)
			return -1;
		snprintf(r->gfp_table, sizeof(r->gfp_table), "events format '%s'", o->events_format);
		return 0;
	}
	if (o->kernel && uname(&u) == 0 && strcmp(o->kernel, u.release) == 0) {
		for (size_t i = 0; i < sizeof(host_formats) / sizeof(host_formats[0]); i++)
			if (prt_gfp_flags_from_file(host_formats[i], flags, nr, NULL) == 0) {
				snprintf(r->gfp_table, sizeof(r->gfp_table),
					 "running kernel %s (%s)", u.release, host_formats[i]);
				return 0;
			}
	}
	return table_from_builtin(o->kernel ? o->kernel : "6", flags, nr, r, zero, err);
}

static int text_line_error(const struct imp_line *pl, const char *src, uint64_t lineno,
			   const char *line, size_t len, struct pr_error *err)
{
	int shown = len > 200 ? 200 : (int)len;

	if (pl->kind == IMP_LINE_BAD_GFP)
		return pr_fail(err, PR_EFORMAT,
			       "'%s': line %llu: unknown gfp flag '%.*s' (give the tracing kernel with --kernel or --events-format): %.*s",
			       src, (unsigned long long)lineno, (int)pl->name_len, pl->name, shown,
			       line);
	if (pl->name)
		return pr_fail(err, PR_EFORMAT, "'%s': line %llu: %s '%.*s': %.*s", src,
			       (unsigned long long)lineno, pl->why, (int)pl->name_len, pl->name,
			       shown, line);
	return pr_fail(err, PR_EFORMAT, "'%s': line %llu: %s: %.*s", src,
		       (unsigned long long)lineno, pl->why, shown, line);
}

static int text_line(struct imp_sink *s, struct imp_gfp *g, struct imp_input *in, char *line,
		     size_t len, bool skip_bad, struct imp_result *r, struct pr_error *err)
{
	struct imp_line pl;
	const char *src = imp_input_name(in);
	uint64_t lineno = imp_input_lineno(in);

	imp_text_parse(g, line, len, &pl);
	switch (pl.kind) {
	case IMP_LINE_META:
		if (pl.nr_cpus)
			imp_sink_cpus(s, pl.nr_cpus);
		return 0;
	case IMP_LINE_OTHER:
		imp_sink_skip(s, pl.name, pl.name_len);
		return 0;
	case IMP_LINE_LOST:
		if (!pl.has_ts) {
			imp_sink_lost_pending(s, pl.ev.cpu, pl.ev.arg[0]);
			return 0;
		}
		return imp_sink_event(s, &pl.ev, src, lineno, err);
	case IMP_LINE_EVENT:
		if (imp_sink_event(s, &pl.ev, src, lineno, err) < 0)
			return -1;
		return imp_sink_comm(s, pl.ev.pid, pl.comm, pl.comm_len, err);
	case IMP_LINE_BAD:
		if (skip_bad) {
			r->bad_lines++;
			return 0;
		}
		break;
	case IMP_LINE_BAD_GFP:
		break;
	}
	return text_line_error(&pl, src, lineno, line, len, err);
}

static int import_text(struct imp_input *in, struct imp_sink *s, const struct prt_flag *flags,
		       uint32_t nr, const char *zero, bool skip_bad, struct imp_result *r,
		       struct pr_error *err)
{
	struct imp_gfp *g = malloc(sizeof(*g));
	char *line;
	size_t len;
	int rc;

	if (!g)
		return pr_fail(err, PR_ENOMEM, "out of memory");
	imp_gfp_init(g, flags, nr, zero);
	while ((rc = imp_input_line(in, &line, &len, err)) == 1) {
		r->lines++;
		if (text_line(s, g, in, line, len, skip_bad, r, err) < 0) {
			rc = -1;
			break;
		}
	}
	free(g);
	if (rc < 0)
		return -1;
	if (r->lines == 0)
		return pr_fail(err, PR_EFORMAT, "'%s': line 1: empty input, no trace lines",
			       imp_input_name(in));
	if (r->events == 0 && r->skipped == 0)
		return pr_fail(err, PR_EFORMAT, "'%s': line %llu: no page-allocator events found",
			       imp_input_name(in), (unsigned long long)r->lines);
	return 0;
}

static int header_for(const struct imp_options *o, enum imp_format f, struct prt_header *h,
		      struct pr_error *err)
{
	static const uint8_t source[] = {
		[IMP_FORMAT_FTRACE] = PRT_SOURCE_FTRACE,
		[IMP_FORMAT_TRACE_CMD] = PRT_SOURCE_TRACE_CMD,
		[IMP_FORMAT_PERF_SCRIPT] = PRT_SOURCE_PERF_SCRIPT,
		[IMP_FORMAT_TRACE_DAT] = PRT_SOURCE_TRACE_DAT,
	};

	memset(h, 0, sizeof(*h));
	h->format_version = PRT_FORMAT_VERSION;
	h->source = source[f];
	if (o->kernel && is_release(o->kernel))
		snprintf(h->kernel_release, sizeof(h->kernel_release), "%s", o->kernel);
	snprintf(h->trace_clock, sizeof(h->trace_clock), "local");
	h->cmdline = strdup("");
	h->page_size = 4096;
	h->nr_orders = 11;
	h->pageblock_order = 9;
	if (!h->cmdline)
		return pr_fail(err, PR_ENOMEM, "out of memory");
	return imp_proc_default_migratetypes(h, err);
}

static int add_setting(struct prt_header *h, const char *key, const char *value,
		       struct pr_error *err)
{
	struct prt_setting *bigger = realloc(h->settings, (h->nr_settings + 1) * sizeof(*bigger));

	if (!bigger)
		return pr_fail(err, PR_ENOMEM, "out of memory");
	h->settings = bigger;
	memset(&bigger[h->nr_settings], 0, sizeof(*bigger));
	snprintf(bigger[h->nr_settings].key, sizeof(bigger->key), "%s", key);
	snprintf(bigger[h->nr_settings].value, sizeof(bigger->value), "%s", value);
	h->nr_settings++;
	return 0;
}

/* Header, /proc topology, then the sink writes the file. */
static int finish(const struct imp_options *o, struct imp_sink *s, struct prt_header *h,
		  struct imp_result *r, struct pr_error *err)
{
	h->nr_cpus = imp_sink_cpu_count(s);
	if (o->zoneinfo && imp_proc_zoneinfo(o->zoneinfo, h, err) < 0)
		goto fail;
	if (o->pagetypeinfo) {
		if (!h->nr_zones && imp_sink_infer_zones(s, h, err) < 0)
			goto fail;
		if (imp_proc_pagetypeinfo(o->pagetypeinfo, h, err) < 0)
			goto fail;
	}
	if (add_setting(h, "import.format", imp_format_name(r->format), err) ||
	    add_setting(h, "import.input", o->input, err) ||
	    add_setting(h, "import.gfp_table", r->gfp_table, err))
		goto fail;
	return imp_sink_finish(s, h, err);
fail:
	imp_sink_abort(s);
	return -1;
}

static int import_text_file(const struct imp_options *o, struct imp_input *in,
			    struct imp_result *r, struct pr_error *err)
{
	struct prt_header h;
	struct prt_flag *flags = NULL;
	struct imp_sink *s = NULL;
	const char *zero;
	uint32_t nr = 0;
	int rc = -1;

	if (header_for(o, r->format, &h, err) < 0 ||
	    choose_gfp_table(o, &flags, &nr, r, &zero, err) < 0)
		goto out;
	s = imp_sink_open(o->output, r, err);
	if (!s)
		goto out;
	if (import_text(in, s, flags, nr, zero, o->skip_bad, r, err) < 0) {
		imp_sink_abort(s);
		goto out;
	}
	h.gfp_flags = flags;
	h.nr_gfp_flags = nr;
	flags = NULL;
	rc = finish(o, s, &h, r, err);
out:
	free(flags);
	prt_header_release(&h);
	return rc;
}

static int import_dat_file(const struct imp_options *o, struct imp_result *r,
			   struct pr_error *err)
{
	struct prt_header h;
	struct imp_sink *s;
	int rc = -1;

	if (header_for(o, IMP_FORMAT_TRACE_DAT, &h, err) < 0)
		goto out;
	s = imp_sink_open(o->output, r, err);
	if (!s)
		goto out;
	if (import_dat_events(o->input, s, &h, r, err) < 0) {
		imp_sink_abort(s);
		goto out;
	}
	rc = finish(o, s, &h, r, err);
out:
	prt_header_release(&h);
	return rc;
}

int import_trace(const struct imp_options *o, struct imp_result *r, struct pr_error *err)
{
	struct imp_input *in;
	const char *peek;
	size_t n;
	int rc;

	memset(r, 0, sizeof(*r));
	in = imp_input_open(o->input, err);
	if (!in)
		return -1;
	n = imp_input_peek(in, &peek, 16384, err);
	if (n == (size_t)-1) {
		imp_input_close(in);
		return -1;
	}
	r->format = o->format != IMP_FORMAT_AUTO ? o->format : detect(peek, n);
	if (r->format == IMP_FORMAT_TRACE_DAT || r->format == IMP_FORMAT_PRT) {
		bool plain = strcmp(imp_input_compression(in), "none") == 0;
		bool dat = r->format == IMP_FORMAT_TRACE_DAT;

		imp_input_close(in);	/* both are read with seeks */
		if (strcmp(o->input, "-") == 0 || !plain)
			return pr_fail(err, PR_EUSAGE,
				       "'%s': a %s must be an uncompressed file, not a stream",
				       o->input, dat ? "trace.dat" : ".prt");
		return dat ? import_dat_file(o, r, err) : import_prt_file(o, r, err);
	}
	rc = import_text_file(o, in, r, err);
	imp_input_close(in);
	return rc;
}

int import_text_check(const void *data, size_t len, enum imp_format format,
		      struct pr_error *err)
{
	struct imp_options o = { .input = "<fuzz>", .format = format };
	struct imp_result r;
	struct imp_input *in;
	struct imp_sink *s;
	struct prt_header h;
	struct prt_flag *flags = NULL;
	const char *zero;
	uint32_t nr;
	int rc = -1;

	memset(&r, 0, sizeof(r));
	if (header_for(&o, IMP_FORMAT_FTRACE, &h, err) < 0)
		goto out;
	in = imp_input_open_mem("<fuzz>", data, len, err);
	if (!in)
		goto out;
	if (choose_gfp_table(&o, &flags, &nr, &r, &zero, err) == 0 &&
	    (s = imp_sink_open(NULL, &r, err)) != NULL) {
		rc = import_text(in, s, flags, nr, zero, false, &r, err);
		if (rc == 0)
			rc = imp_sink_finish(s, &h, err);
		else
			imp_sink_abort(s);
	}
	imp_input_close(in);
out:
	free(flags);
	prt_header_release(&h);
	return rc;
}
