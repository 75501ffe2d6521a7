/* SPDX-License-Identifier: MIT */
#ifndef PR_ANALYSIS_SBUF_H
#define PR_ANALYSIS_SBUF_H

/* Private to analysis/: a growing string for reports. Failure sticks. */

#include <stddef.h>

struct sbuf {
	char *s;
	size_t len, cap;
	int failed;
};

void sb_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_puts(struct sbuf *b, const char *s);
/* s with &, <, >, " escaped for HTML text and attributes. */
void sb_html(struct sbuf *b, const char *s);
/* Hand over the string (NULL if anything failed); b is emptied. */
char *sb_take(struct sbuf *b);

#endif
