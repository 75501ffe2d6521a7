/* SPDX-License-Identifier: MIT */
/*
 * Text trace lines into events. Hand-written field scanning: this loop runs
 * millions of times per second, so no sscanf, no regex, no allocation.
 */
#include "capture/import_text.h"

#include <string.h>

#include "capture/gfp_format.h"

#define MAX_FIELDS 16

struct field {
	const char *key, *val;
	size_t key_len, val_len;
};

struct fields {
	struct field f[MAX_FIELDS];
	unsigned n;
};

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static const char *skip_spaces(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

static const char *find_space(const char *p, const char *end)
{
	while (p < end && *p != ' ' && *p != '\t')
		p++;
	return p;
}

static bool starts(const char *p, const char *end, const char *lit)
{
	size_t n = strlen(lit);

	return (size_t)(end - p) >= n && memcmp(p, lit, n) == 0;
}

/* Decimal, or hex with 0x; a leading '-' negates (migratetype -1). */
static int parse_num(const char *s, size_t len, uint64_t *out)
{
	bool neg = false;
	uint64_t v = 0;
	size_t i = 0;

	if (len > 0 && s[0] == '-') {
		neg = true;
		i = 1;
	}
	if (len - i > 2 && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
		i += 2;
		if (len - i > 16)
			return -1;
		for (; i < len; i++) {
			char c = s[i];
			unsigned d;

			if (is_digit(c))
				d = (unsigned)(c - '0');
			else if (c >= 'a' && c <= 'f')
				d = (unsigned)(c - 'a' + 10);
			else if (c >= 'A' && c <= 'F')
				d = (unsigned)(c - 'A' + 10);
			else
				return -1;
			v = v << 4 | d;
		}
	} else {
		if (i == len || len - i > 20)
			return -1;
		for (; i < len; i++) {
			if (!is_digit(s[i]))
				return -1;
			v = v * 10 + (uint64_t)(s[i] - '0');
		}
	}
	*out = neg ? (uint64_t)0 - v : v;
	return 0;
}

int imp_parse_ts(const char *s, size_t len, uint64_t *ns)
{
	uint64_t sec = 0, frac = 0;
	size_t i = 0, digits = 0;

	while (i < len && is_digit(s[i]) && i < 19)
		sec = sec * 10 + (uint64_t)(s[i++] - '0');
	if (i == 0)
		return -1;
	if (i == len) {		/* counter clocks print a bare number */
		*ns = sec;
		return 0;
	}
	if (s[i++] != '.' || i == len)
		return -1;
	for (; i < len; i++, digits++) {
		if (!is_digit(s[i]) || digits >= 9)
			return -1;
		frac = frac * 10 + (uint64_t)(s[i] - '0');
	}
	for (; digits < 9; digits++)
		frac *= 10;
	*ns = sec * 1000000000ull + frac;
	return 0;
}

void imp_gfp_init(struct imp_gfp *g, const struct prt_flag *flags, uint32_t nr,
		  const char *zero_name)
{
	memset(g, 0, sizeof(*g));
	g->flags = flags;
	g->nr_flags = nr;
	g->zero_name = zero_name;
}

/* 0, or -1 with bad and bad_len naming the unknown flag. */
static int gfp_decode(struct imp_gfp *g, const char *s, size_t len, uint64_t *bits,
		      const char **bad, size_t *bad_len)
{
	for (unsigned i = 0; i < IMP_GFP_CACHE; i++)
		if (g->cache[i].len == len && memcmp(g->cache[i].text, s, len) == 0) {
			*bits = g->cache[i].bits;
			return 0;
		}
	if (prt_gfp_parse(s, len, g->flags, g->nr_flags, bits, bad, bad_len) < 0) {
		if (!g->zero_name || strlen(g->zero_name) != len ||
		    memcmp(g->zero_name, s, len) != 0)
			return -1;
		*bits = 0;
	}
	if (len < sizeof(g->cache[0].text)) {
		unsigned slot = g->next++ % IMP_GFP_CACHE;

		memcpy(g->cache[slot].text, s, len);
		g->cache[slot].len = len;
		g->cache[slot].bits = *bits;
	}
	return 0;
}

static void split_fields(const char *p, const char *end, struct fields *fs)
{
	fs->n = 0;
	while (fs->n < MAX_FIELDS) {
		const char *tok, *eq, *stop;
		struct field *f;

		p = skip_spaces(p, end);
		if (p >= end)
			return;
		tok = p;
		stop = find_space(p, end);
		eq = memchr(tok, '=', (size_t)(stop - tok));
		if (!eq) {
			p = stop;
			continue;
		}
		f = &fs->f[fs->n++];
		f->key = tok;
		f->key_len = (size_t)(eq - tok);
		f->val = eq + 1;
		/* "range=(0x1 ~ 0x2)" holds spaces */
		if (f->val < end && *f->val == '(' && !memchr(f->val, ')', (size_t)(stop - f->val))) {
			const char *close = memchr(f->val, ')', (size_t)(end - f->val));

			stop = close ? close + 1 : end;
		}
		f->val_len = (size_t)(stop - f->val);
		if (f->val_len && f->val[f->val_len - 1] == ',')
			f->val_len--;	/* "zone_end=0x..., mode=" */
		p = stop;
	}
}

static const struct field *get_n(const struct fields *fs, const char *key, size_t n)
{
	for (unsigned i = 0; i < fs->n; i++)
		if (fs->f[i].key_len == n && memcmp(fs->f[i].key, key, n) == 0)
			return &fs->f[i];
	return NULL;
}

/* Keys are literals or literal-backed: their length is known at compile
 * time in the hot path, so no strlen per field per line. */
#define get(fs, key) get_n((fs), (key), __builtin_strlen(key))

/* 0 ok; -1 and o->why set (missing or malformed). */
/* inlined so the literal keys' lengths fold at compile time */
static inline __attribute__((always_inline)) int num(const struct fields *fs, const char *key, uint64_t *v, struct imp_line *o)
{
	const struct field *f = get(fs, key);

	if (!f) {
		o->why = "missing field";
		o->name = key;
		o->name_len = strlen(key);
		return -1;
	}
	if (parse_num(f->val, f->val_len, v) < 0) {
		o->why = "bad number in field";
		o->name = key;
		o->name_len = strlen(key);
		return -1;
	}
	return 0;
}

/* inlined so the literal keys' lengths fold at compile time */
static inline __attribute__((always_inline)) int opt_num(const struct fields *fs, const char *key, uint64_t *v, struct imp_line *o)
{
	*v = 0;
	return get(fs, key) ? num(fs, key, v, o) : 0;
}

/* inlined so the literal keys' lengths fold at compile time */
static inline __attribute__((always_inline)) int gfp(struct imp_gfp *g, const struct fields *fs, const char *key, uint64_t *v,
	       struct imp_line *o)
{
	const struct field *f = get(fs, key);
	const char *bad = NULL;
	size_t bad_len = 0;

	if (!f) {
		o->why = "missing field";
		o->name = key;
		o->name_len = strlen(key);
		return -1;
	}
	if (gfp_decode(g, f->val, f->val_len, v, &bad, &bad_len) == 0)
		return 0;
	o->kind = IMP_LINE_BAD_GFP;
	o->name = bad ? bad : f->val;
	o->name_len = bad ? bad_len : f->val_len;
	return -1;
}

/* A NULL struct page as the kernel, perf and trace-cmd print it. */
static bool null_page(const struct field *f)
{
	size_t i = 0;

	if (!f)
		return false;
	if ((f->val_len == 5 && memcmp(f->val, "(nil)", 5) == 0) ||
	    (f->val_len == 6 && memcmp(f->val, "(null)", 6) == 0))
		return true;
	if (f->val_len > 2 && f->val[0] == '0' && f->val[1] == 'x')
		i = 2;
	for (; i < f->val_len; i++)
		if (f->val[i] != '0')
			return false;
	return f->val_len > 0;
}

/* pfn, with a failed allocation (NULL page, pfn 0 or -1) as PRT_PFN_NONE. */
/* inlined so the literal keys' lengths fold at compile time */
static inline __attribute__((always_inline)) int page_pfn(const struct fields *fs, struct imp_line *o)
{
	uint64_t pfn;

	if (num(fs, "pfn", &pfn, o))
		return -1;
	if (pfn == UINT64_MAX || (pfn == 0 && null_page(get(fs, "page"))))
		pfn = PRT_PFN_NONE;
	o->ev.pfn = pfn;
	return 0;
}

/* inlined so the literal keys' lengths fold at compile time */
static inline __attribute__((always_inline)) int order_mt(const struct fields *fs, const char *order_key, const char *mt_key,
		    struct imp_line *o)
{
	uint64_t order, mt;

	if (num(fs, order_key, &order, o) || (mt_key && num(fs, mt_key, &mt, o)))
		return -1;
	if (order >= PRT_MAX_ORDERS) {
		o->why = "order out of range in field";
		o->name = order_key;
		o->name_len = strlen(order_key);
		return -1;
	}
	o->ev.order = (uint8_t)order;
	if (mt_key)
		o->ev.migratetype = (int8_t)mt;
	return 0;
}

static int compaction_status(const struct field *f, uint64_t *v)
{
	/* enum compact_result (6.x include/linux/compaction.h), by value */
	static const char *const names[] = {
		"not_suitable_zone", "skipped", "deferred", "no_suitable_page",
		"continue", "complete", "partial_skipped", "contended", "success",
	};

	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i]) == f->val_len && memcmp(names[i], f->val, f->val_len) == 0) {
			*v = i;
			return 0;
		}
	return parse_num(f->val, f->val_len, v);
}

static int compaction_zone(const struct fields *fs, bool end, struct imp_line *o)
{
	const struct field *mode = get(fs, "mode"), *status = get(fs, "status");

	if (num(fs, "zone_start", &o->ev.arg[0], o) || num(fs, "migrate_pfn", &o->ev.arg[1], o) ||
	    num(fs, "free_pfn", &o->ev.arg[2], o) || num(fs, "zone_end", &o->ev.arg[3], o))
		return -1;
	if (mode)
		o->ev.arg[4] = mode->val_len == 4 && memcmp(mode->val, "sync", 4) == 0;
	if (end && (!status || compaction_status(status, &o->ev.arg[5]) < 0)) {
		o->why = status ? "bad value in field" : "missing field";
		o->name = "status";
		o->name_len = 6;
		return -1;
	}
	return 0;
}

static int isolate_range(const struct fields *fs, struct imp_line *o)
{
	const struct field *f = get(fs, "range");
	const char *p, *end, *tilde;

	if (!f || f->val_len < 5 || f->val[0] != '(' || f->val[f->val_len - 1] != ')')
		goto bad;
	p = f->val + 1;
	end = f->val + f->val_len - 1;
	tilde = memchr(p, '~', (size_t)(end - p));
	if (!tilde)
		goto bad;
	{
		const char *a_end = tilde, *b = skip_spaces(tilde + 1, end);

		while (a_end > p && a_end[-1] == ' ')
			a_end--;
		if (parse_num(p, (size_t)(a_end - p), &o->ev.arg[0]) < 0 ||
		    parse_num(b, (size_t)(end - b), &o->ev.arg[1]) < 0)
			goto bad;
	}
	return num(fs, "nr_scanned", &o->ev.arg[2], o) || num(fs, "nr_taken", &o->ev.arg[3], o);
bad:
	o->why = f ? "bad value in field" : "missing field";
	o->name = "range";
	o->name_len = 5;
	return -1;
}

static int fill_event(struct imp_gfp *g, int type, const struct fields *fs, struct imp_line *o)
{
	struct prt_event *ev = &o->ev;
	uint64_t v;

	ev->type = (uint8_t)type;
	switch (type) {
	case PRT_EV_ALLOC:
		return page_pfn(fs, o) || order_mt(fs, "order", "migratetype", o) ||
		       gfp(g, fs, "gfp_flags", &ev->gfp, o);
	case PRT_EV_FREE:
		return page_pfn(fs, o) || order_mt(fs, "order", NULL, o);
	case PRT_EV_FREE_BATCHED:
		return page_pfn(fs, o);
	case PRT_EV_ZONE_LOCKED:
		return page_pfn(fs, o) || order_mt(fs, "order", "migratetype", o) ||
		       opt_num(fs, "percpu_refill", &ev->arg[0], o);
	case PRT_EV_PCPU_DRAIN:
		return page_pfn(fs, o) || order_mt(fs, "order", "migratetype", o);
	case PRT_EV_EXTFRAG:
		return page_pfn(fs, o) || order_mt(fs, "alloc_order", "alloc_migratetype", o) ||
		       num(fs, "fallback_order", &ev->arg[0], o) ||
		       num(fs, "fallback_migratetype", &ev->arg[1], o) ||
		       num(fs, "change_ownership", &ev->arg[2], o);
	case PRT_EV_COMPACT_BEGIN:
	case PRT_EV_COMPACT_END:
		return compaction_zone(fs, type == PRT_EV_COMPACT_END, o);
	case PRT_EV_COMPACT_TRY:
		if (order_mt(fs, "order", NULL, o) || gfp(g, fs, "gfp_mask", &ev->gfp, o))
			return -1;
		return opt_num(fs, get(fs, "priority") ? "priority" : "mode", &ev->arg[0], o);
	case PRT_EV_COMPACT_ISOLATE_FREE:
		return isolate_range(fs, o);
	case PRT_EV_RECLAIM_BEGIN:
		return order_mt(fs, "order", NULL, o) || gfp(g, fs, "gfp_flags", &ev->gfp, o);
	case PRT_EV_RECLAIM_END:
		return num(fs, "nr_reclaimed", &ev->arg[0], o);
	case PRT_EV_KSWAPD_WAKE:
		return num(fs, "nid", &ev->arg[0], o) || opt_num(fs, "zid", &ev->arg[1], o) ||
		       order_mt(fs, "order", NULL, o);
	case PRT_EV_KSWAPD_SLEEP:
		return num(fs, "nid", &ev->arg[0], o);
	case PRT_EV_WAKEUP_KSWAPD:
		return num(fs, "nid", &ev->arg[0], o) || opt_num(fs, "zid", &ev->arg[1], o) ||
		       order_mt(fs, "order", NULL, o) || gfp(g, fs, "gfp_flags", &ev->gfp, o);
	}
	(void)v;
	return -1;
}

/* Event name to type; the fast compaction variant sets arg[4]. */
static int event_type(const char *name, size_t len, bool *fast)
{
	static const char fast_name[] = "mm_compaction_fast_isolate_freepages";

	static size_t lens[PRT_EV_LOST];

	*fast = false;
	if (!lens[PRT_EV_ALLOC])
		for (int t = PRT_EV_ALLOC; t < PRT_EV_LOST; t++)
			lens[t] = strlen(prt_event_name((enum prt_event_type)t));
	for (int t = PRT_EV_ALLOC; t < PRT_EV_LOST; t++)
		if (lens[t] == len && memcmp(prt_event_name((enum prt_event_type)t), name, len) == 0)
			return t;
	if (len == sizeof(fast_name) - 1 && memcmp(name, fast_name, len) == 0) {
		*fast = true;
		return PRT_EV_COMPACT_ISOLATE_FREE;
	}
	return -1;
}

static void bad(struct imp_line *o, const char *why)
{
	o->kind = IMP_LINE_BAD;
	o->why = why;
}

static uint32_t small_num(const char *p, const char *end)
{
	uint32_t v = 0;

	while (p < end && is_digit(*p) && v < 100000000)
		v = v * 10 + (uint32_t)(*p++ - '0');
	return v;
}

/* "CPU:1 [LOST 20 EVENTS]", "CPU:0 [132 EVENTS DROPPED]", "CPU:0 [EVENTS DROPPED]",
 * each optionally followed by " ts=SEC.NSEC" (written by pagereplay dump). */
static void lost_marker(const char *p, const char *end, struct imp_line *o)
{
	const char *q = p + 4, *close, *tail;
	uint64_t n = 0;

	o->kind = IMP_LINE_LOST;
	o->ev.type = PRT_EV_LOST;
	if (q == end || !is_digit(*q))
		return bad(o, "bad lost-events marker");
	o->ev.cpu = (uint16_t)small_num(q, end);
	while (q < end && is_digit(*q))
		q++;
	q = skip_spaces(q, end);
	close = q < end ? memchr(q, ']', (size_t)(end - q)) : NULL;
	if (q == end || *q != '[' || !close)
		return bad(o, "bad lost-events marker");
	q++;
	if (starts(q, close, "LOST "))
		q += 5;
	if (q < close && is_digit(*q)) {
		const char *s = q;

		while (q < close && is_digit(*q))
			q++;
		if (parse_num(s, (size_t)(q - s), &n) < 0)
			return bad(o, "bad lost-events marker");
	}
	q = skip_spaces(q, close);
	if (!starts(q, close, "EVENTS"))
		return bad(o, "bad lost-events marker");
	o->ev.arg[0] = n;
	tail = skip_spaces(close + 1, end);
	if (starts(tail, end, "ts=")) {
		if (imp_parse_ts(tail + 3, (size_t)(find_space(tail, end) - tail - 3),
				 &o->ev.ts_ns) < 0)
			return bad(o, "bad lost-events marker");
		o->has_ts = true;
	}
}

static void meta(const char *p, const char *end, struct imp_line *o)
{
	const char *cpus;

	o->kind = IMP_LINE_META;
	if (*p == '#') {
		cpus = memmem(p, (size_t)(end - p), "#P:", 3);
		if (cpus)
			o->nr_cpus = small_num(cpus + 3, end);
	} else if (starts(p, end, "cpus=")) {
		o->nr_cpus = small_num(p + 5, end);
	}
}

/* "comm-pid", "comm-pid (tgid)" or perf's "comm pid" left of the " [cpu]". */
static int comm_pid(const char *p, const char *left_end, struct imp_line *o)
{
	const char *e = left_end, *d;
	uint64_t pid;

	while (e > p && e[-1] == ' ')
		e--;
	if (e > p && e[-1] == ')') {
		while (e > p && e[-1] != '(')
			e--;
		if (e == p)
			return -1;
		e--;
		while (e > p && e[-1] == ' ')
			e--;
	}
	d = e;
	while (d > p && is_digit(d[-1]))
		d--;
	if (d == e || d == p || (d[-1] != '-' && d[-1] != ' ') ||
	    parse_num(d, (size_t)(e - d), &pid) < 0 || pid > UINT32_MAX)
		return -1;
	o->ev.pid = (uint32_t)pid;
	o->comm = p;
	e = d - 1;
	while (e > p && e[-1] == ' ')
		e--;
	o->comm_len = (size_t)(e - p);
	return 0;
}

/* The " [ddd]" CPU column: the first '[' after a space with digits and ']'. */
static const char *cpu_column(const char *p, const char *end)
{
	const char *q = p;

	while ((q = memchr(q, '[', (size_t)(end - q))) != NULL) {
		const char *d = q + 1;

		while (d < end && is_digit(*d))
			d++;
		if (q > p && q[-1] == ' ' && d > q + 1 && d < end && *d == ']')
			return q;
		q++;
	}
	return NULL;
}

static void event_line(struct imp_gfp *g, const char *p, const char *end, struct imp_line *o)
{
	const char *br = cpu_column(p, end), *q, *tok, *tok_end, *name;
	struct fields fs;
	bool fast;
	int type;

	if (!br || comm_pid(p, br, o) < 0)
		return bad(o, "not a trace line (no 'comm-pid [cpu]')");
	o->ev.cpu = (uint16_t)small_num(br + 1, end);
	q = (const char *)memchr(br, ']', (size_t)(end - br)) + 1;
	/* optional irq-info flags ("d.s3."), then "seconds:" */
	q = skip_spaces(q, end);
	tok = q;
	tok_end = find_space(q, end);
	if (tok_end == tok || tok_end[-1] != ':') {
		q = skip_spaces(tok_end, end);
		tok = q;
		tok_end = find_space(q, end);
	}
	if (tok_end == tok || tok_end[-1] != ':' ||
	    imp_parse_ts(tok, (size_t)(tok_end - tok - 1), &o->ev.ts_ns) < 0)
		return bad(o, "bad timestamp");
	o->has_ts = true;
	q = skip_spaces(tok_end, end);
	tok = q;
	tok_end = find_space(q, end);
	if (tok_end == tok)
		return bad(o, "missing event name");
	if (tok_end - tok == 16 && memcmp(tok, "PERF_RECORD_LOST", 16) == 0) {
		const char *n = skip_spaces(tok_end, end);

		o->kind = IMP_LINE_LOST;
		o->ev.type = PRT_EV_LOST;
		o->ev.pid = 0;
		if (!starts(n, end, "lost ") ||
		    parse_num(n + 5, (size_t)(find_space(n + 5, end) - n - 5), &o->ev.arg[0]) < 0)
			return bad(o, "bad PERF_RECORD_LOST line");
		return;
	}
	if (tok_end[-1] == ':')
		tok_end--;
	for (name = tok_end; name > tok && name[-1] != ':'; name--)
		;
	o->name = name;
	o->name_len = (size_t)(tok_end - name);
	type = event_type(name, o->name_len, &fast);
	if (type < 0) {
		o->kind = IMP_LINE_OTHER;
		return;
	}
	o->kind = IMP_LINE_EVENT;
	/* an event name can end the line: no fields */
	split_fields(tok_end < end ? tok_end + 1 : end, end, &fs);
	if (fill_event(g, type, &fs, o) != 0) {
		if (o->kind != IMP_LINE_BAD_GFP)
			o->kind = IMP_LINE_BAD;
		return;
	}
	if (fast)
		o->ev.arg[4] = 1;
}

void imp_text_parse(struct imp_gfp *g, char *line, size_t len, struct imp_line *o)
{
	const char *end = line + len, *p = skip_spaces(line, end);

	o->kind = IMP_LINE_META;
	o->ev = (struct prt_event){ .pfn = PRT_PFN_NONE, .migratetype = -1 };
	o->has_ts = false;
	o->nr_cpus = 0;
	o->comm = o->name = o->why = NULL;
	o->comm_len = o->name_len = 0;
	if (p == end || *p == '#' || starts(p, end, "cpus=") || starts(p, end, "version ="))
		return meta(p, end, o);
	if (starts(p, end, "CPU:"))
		return lost_marker(p, end, o);
	event_line(g, p, end, o);
}
