/* SPDX-License-Identifier: MIT */
#ifndef PR_ANALYSIS_SVG_H
#define PR_ANALYSIS_SVG_H

/* Private to analysis/: inline SVG charts for the HTML report. */

#include <stddef.h>

#include "analysis/sbuf.h"

struct svg_series {
	char name[64];
	double *x, *y;
	size_t n, cap;
};

struct svg_chart {
	const char *title, *x_label, *y_label;
	struct svg_series *series;
	size_t nr_series;
	double y_min, y_max;	/* equal: taken from the data */
};

int svg_series_add(struct svg_series *s, double x, double y);
void svg_series_free(struct svg_series *s, size_t n);
void svg_line_chart(struct sbuf *b, const struct svg_chart *c);
/* Horizontal bars: names[i] with values[i]. */
void svg_bar_chart(struct sbuf *b, const char *title, const char *const *names,
		   const double *values, size_t n);

#endif
