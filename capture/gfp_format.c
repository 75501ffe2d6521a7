/* SPDX-License-Identifier: MIT */
#include "capture/gfp_format.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <traceevent/event-parse.h>

/* The __print_flags argument, wherever it sits inside ?: and friends. */
static const struct tep_print_arg *find_flags_arg(const struct tep_print_arg *arg)
{
	for (; arg; arg = arg->next) {
		const struct tep_print_arg *found = NULL;

		if (arg->type == TEP_PRINT_FLAGS)
			return arg;
		if (arg->type == TEP_PRINT_OP) {
			found = find_flags_arg(arg->op.left);
			if (!found)
				found = find_flags_arg(arg->op.right);
		}
		if (found)
			return found;
	}
	return NULL;
}

static int append_flag(struct prt_flag **tab, uint32_t *nr, uint32_t *cap,
		       const char *name, uint64_t mask)
{
	if (*nr == *cap) {
		uint32_t ncap = *cap ? *cap * 2 : 64;
		struct prt_flag *bigger = realloc(*tab, ncap * sizeof(**tab));

		if (!bigger)
			return -1;
		*tab = bigger;
		*cap = ncap;
	}
	memset(&(*tab)[*nr], 0, sizeof(**tab));
	snprintf((*tab)[*nr].name, sizeof((*tab)[*nr].name), "%s", name);
	(*tab)[*nr].mask = mask;
	(*nr)++;
	return 0;
}

int prt_gfp_flags_from_event(const struct tep_event *event, struct prt_flag **out,
			     uint32_t *nr, struct pr_error *err)
{
	const struct tep_print_arg *flags = find_flags_arg(event->print_fmt.args);
	struct prt_flag *tab = NULL;
	uint32_t count = 0, cap = 0;

	if (!flags)
		return pr_fail(err, PR_EFORMAT,
			       "event '%s': expected __print_flags over the gfp field in its print fmt",
			       event->name);
	for (const struct tep_print_flag_sym *s = flags->flags.flags; s; s = s->next) {
		char *end;
		unsigned long long mask;

		errno = 0;
		mask = strtoull(s->value, &end, 0);
		if (errno || *end)
			continue;	/* an expression libtraceevent could not fold */
		if (mask == 0)
			continue;	/* the table's terminator */
		if (append_flag(&tab, &count, &cap, s->str, mask) < 0) {
			free(tab);
			return pr_fail(err, PR_ENOMEM, "out of memory reading gfp flags");
		}
	}
	if (count == 0) {
		free(tab);
		return pr_fail(err, PR_EFORMAT, "event '%s': its __print_flags lists no gfp flag",
			       event->name);
	}
	*out = tab;
	*nr = count;
	return 0;
}

int prt_gfp_flags_from_format(const char *text, size_t len, const char *origin,
			      struct prt_flag **out, uint32_t *nr, struct pr_error *err)
{
	struct tep_handle *tep = tep_alloc();
	struct tep_event *event = NULL;
	int ret;

	if (!tep)
		return pr_fail(err, PR_ENOMEM, "out of memory parsing '%s'", origin);
	if (tep_parse_format(tep, &event, text, len, "kmem") != 0 || !event) {
		tep_free(tep);
		return pr_fail(err, PR_EFORMAT,
			       "'%s': expected a tracefs event format (name:, ID:, format:, print fmt:)",
			       origin);
	}
	ret = prt_gfp_flags_from_event(event, out, nr, err);
	if (ret < 0) {
		char msg[sizeof(err->msg)];

		snprintf(msg, sizeof(msg), "%s", err ? err->msg : "");
		pr_fail(err, PR_EFORMAT, "'%s': %s", origin, msg);
	}
	tep_free(tep);
	return ret;
}

int prt_gfp_flags_from_file(const char *path, struct prt_flag **out, uint32_t *nr,
			    struct pr_error *err)
{
	FILE *f = fopen(path, "r");
	char *buf;
	size_t len;
	int ret;

	if (!f)
		return pr_fail_errno(err, "cannot open '%s'", path);
	buf = malloc(1 << 20);
	if (!buf) {
		fclose(f);
		return pr_fail(err, PR_ENOMEM, "out of memory reading '%s'", path);
	}
	len = fread(buf, 1, (1 << 20) - 1, f);
	if (ferror(f)) {
		free(buf);
		fclose(f);
		return pr_fail_errno(err, "cannot read '%s'", path);
	}
	fclose(f);
	buf[len] = '\0';
	ret = prt_gfp_flags_from_format(buf, len, path, out, nr, err);
	free(buf);
	return ret;
}

size_t prt_gfp_format(uint64_t gfp, const struct prt_flag *flags, uint32_t nr,
		      char *buf, size_t len)
{
	size_t used = 0;
	uint64_t left = gfp;
	int n;

#define EMIT(...) do { \
	n = snprintf(buf + (used < len ? used : len), used < len ? len - used : 0, __VA_ARGS__); \
	used += (size_t)n; \
} while (0)
	if (len)
		buf[0] = '\0';
	if (gfp == 0) {
		EMIT("none");
		return used;
	}
	for (uint32_t i = 0; i < nr && left; i++) {
		if (flags[i].mask == 0 || (left & flags[i].mask) != flags[i].mask)
			continue;
		EMIT("%s%s", used ? "|" : "", flags[i].name);
		left &= ~flags[i].mask;
	}
	if (left)
		EMIT("%s0x%llx", used ? "|" : "", (unsigned long long)left);
#undef EMIT
	return used;
}

/* The flag whose name is exactly name[0, len): the text may hold NUL bytes
 * (a damaged trace), so lengths are compared, not terminators. */
static int lookup_flag(const char *name, size_t len, const struct prt_flag *flags,
		       uint32_t nr, uint64_t *mask)
{
	for (uint32_t i = 0; i < nr; i++) {
		if (flags[i].name[0] == name[0] &&
		    strnlen(flags[i].name, sizeof(flags[i].name)) == len &&
		    memcmp(flags[i].name, name, len) == 0) {
			*mask = flags[i].mask;
			return 0;
		}
	}
	return -1;
}

static int parse_hex(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;

	if (len < 3 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
		return -1;
	for (size_t i = 2; i < len; i++) {
		char c = s[i];
		unsigned d;

		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			return -1;
		if (i > 17)
			return -1;	/* more than 16 hex digits */
		v = v << 4 | d;
	}
	*out = v;
	return 0;
}

int prt_gfp_parse(const char *text, size_t len, const struct prt_flag *flags, uint32_t nr,
		  uint64_t *out, const char **bad, size_t *bad_len)
{
	uint64_t bits = 0;
	size_t i = 0;

	if (len == 4 && memcmp(text, "none", 4) == 0) {
		*out = 0;
		return 0;
	}
	while (i <= len) {
		size_t start = i;
		uint64_t mask;

		while (i < len && text[i] != '|')
			i++;
		if (i == start || (lookup_flag(text + start, i - start, flags, nr, &mask) < 0 &&
				   parse_hex(text + start, i - start, &mask) < 0)) {
			if (bad)
				*bad = text + start;
			if (bad_len)
				*bad_len = i - start;
			return -1;
		}
		bits |= mask;
		i++;
	}
	*out = bits;
	return 0;
}
