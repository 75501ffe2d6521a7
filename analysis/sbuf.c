/* SPDX-License-Identifier: MIT */
#include "analysis/sbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int reserve(struct sbuf *b, size_t n)
{
	size_t cap;
	char *s;

	if (b->failed)
		return -1;
	if (b->len + n + 1 <= b->cap)
		return 0;
	cap = (b->cap ? b->cap * 2 : 1024) + n;
	s = realloc(b->s, cap);
	if (!s) {
		b->failed = 1;
		return -1;
	}
	b->s = s;
	b->cap = cap;
	return 0;
}

void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || reserve(b, (size_t)n) < 0)
		return;
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void sb_puts(struct sbuf *b, const char *s)
{
	size_t n = strlen(s);

	if (reserve(b, n) < 0)
		return;
	memcpy(b->s + b->len, s, n + 1);
	b->len += n;
}

void sb_html(struct sbuf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': sb_puts(b, "&amp;"); break;
		case '<': sb_puts(b, "&lt;"); break;
		case '>': sb_puts(b, "&gt;"); break;
		case '"': sb_puts(b, "&quot;"); break;
		default: sb_printf(b, "%c", *s); break;
		}
	}
}

char *sb_take(struct sbuf *b)
{
	char *s = b->failed ? NULL : b->s;

	if (b->failed)
		free(b->s);
	if (s == NULL && !b->failed) {
		s = malloc(1);
		if (s)
			s[0] = '\0';
	}
	b->s = NULL;
	b->len = b->cap = 0;
	b->failed = 0;
	return s;
}
