/* SPDX-License-Identifier: MIT */
/* Minimal SVG charts: lines over a shared x axis, and horizontal bars. */
#include "analysis/svg.h"

#include <math.h>
#include <stdlib.h>

#define W 720
#define H 280
#define ML 70	/* left margin: y labels */
#define MR 150	/* right margin: legend */
#define MT 30
#define MB 40

static const char *const palette[] = {
	"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
	"#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#637939",
};
#define NR_COLORS (sizeof(palette) / sizeof(palette[0]))

int svg_series_add(struct svg_series *s, double x, double y)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		double *nx = realloc(s->x, cap * sizeof(*nx));

		if (!nx)
			return -1;
		s->x = nx;
		double *ny = realloc(s->y, cap * sizeof(*ny));
		if (!ny)
			return -1;
		s->y = ny;
		s->cap = cap;
	}
	s->x[s->n] = x;
	s->y[s->n] = y;
	s->n++;
	return 0;
}

void svg_series_free(struct svg_series *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(s[i].x);
		free(s[i].y);
	}
}

static void bounds(const struct svg_chart *c, double *x0, double *x1, double *y0, double *y1)
{
	*x0 = *y0 = INFINITY;
	*x1 = *y1 = -INFINITY;
	for (size_t i = 0; i < c->nr_series; i++)
		for (size_t j = 0; j < c->series[i].n; j++) {
			*x0 = fmin(*x0, c->series[i].x[j]);
			*x1 = fmax(*x1, c->series[i].x[j]);
			*y0 = fmin(*y0, c->series[i].y[j]);
			*y1 = fmax(*y1, c->series[i].y[j]);
		}
	if (c->y_min != c->y_max) {
		*y0 = c->y_min;
		*y1 = c->y_max;
	}
	if (!isfinite(*x0)) {
		*x0 = 0;
		*x1 = 1;
		*y0 = 0;
		*y1 = 1;
	}
	if (*x1 == *x0)
		*x1 = *x0 + 1;
	if (*y1 == *y0)
		*y1 = *y0 + 1;
}

static void frame(struct sbuf *b, const struct svg_chart *c, double x0, double x1, double y0,
		  double y1)
{
	sb_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"%d\" "
		  "height=\"%d\" viewBox=\"0 0 %d %d\">\n", W, H, W, H);
	sb_printf(b, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#fff\"/>\n", W, H);
	sb_puts(b, "<text x=\"10\" y=\"18\" font-size=\"14\" font-weight=\"bold\">");
	sb_html(b, c->title);
	sb_puts(b, "</text>\n");
	sb_printf(b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
		  "stroke=\"#999\"/>\n", ML, MT, W - ML - MR, H - MT - MB);
	sb_printf(b, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">%g</text>\n",
		  ML - 4, MT + 10, y1);
	sb_printf(b, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">%g</text>\n",
		  ML - 4, H - MB, y0);
	sb_printf(b, "<text x=\"%d\" y=\"%d\" font-size=\"11\">%g</text>\n", ML, H - MB + 14, x0);
	sb_printf(b, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">%g</text>\n",
		  W - MR, H - MB + 14, x1);
	sb_printf(b, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">",
		  (ML + W - MR) / 2, H - 8);
	sb_html(b, c->x_label);
	sb_printf(b, "</text>\n<text x=\"12\" y=\"%d\" font-size=\"11\" transform=\"rotate(-90 12 "
		  "%d)\" text-anchor=\"middle\">", H / 2, H / 2);
	sb_html(b, c->y_label);
	sb_puts(b, "</text>\n");
}

void svg_line_chart(struct sbuf *b, const struct svg_chart *c)
{
	double x0, x1, y0, y1, pw = W - ML - MR, ph = H - MT - MB;

	bounds(c, &x0, &x1, &y0, &y1);
	frame(b, c, x0, x1, y0, y1);
	for (size_t i = 0; i < c->nr_series; i++) {
		const struct svg_series *s = &c->series[i];
		const char *color = palette[i % NR_COLORS];

		sb_printf(b, "<polyline class=\"series\" fill=\"none\" stroke=\"%s\" "
			  "stroke-width=\"2\" points=\"", color);
		for (size_t j = 0; j < s->n; j++) {
			double y = fmin(fmax(s->y[j], y0), y1);

			sb_printf(b, "%.1f,%.1f ", ML + (s->x[j] - x0) / (x1 - x0) * pw,
				  MT + ph - (y - y0) / (y1 - y0) * ph);
		}
		sb_puts(b, "\"/>\n");
		sb_printf(b, "<rect x=\"%d\" y=\"%zu\" width=\"10\" height=\"10\" fill=\"%s\"/>"
			  "<text x=\"%d\" y=\"%zu\" font-size=\"11\">", W - MR + 8, MT + i * 15,
			  color, W - MR + 22, MT + i * 15 + 9);
		sb_html(b, s->name);
		sb_puts(b, "</text>\n");
	}
	sb_puts(b, "</svg>\n");
}

void svg_bar_chart(struct sbuf *b, const char *title, const char *const *names,
		   const double *values, size_t n)
{
	double max = 0;
	int h = MT + (int)n * 24 + 20, pw = W - 230;

	for (size_t i = 0; i < n; i++)
		max = fmax(max, values[i]);
	if (max <= 0)
		max = 1;
	sb_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"%d\" "
		  "height=\"%d\" viewBox=\"0 0 %d %d\">\n<rect width=\"%d\" height=\"%d\" "
		  "fill=\"#fff\"/>\n<text x=\"10\" y=\"18\" font-size=\"14\" "
		  "font-weight=\"bold\">", W, h, W, h, W, h);
	sb_html(b, title);
	sb_puts(b, "</text>\n");
	for (size_t i = 0; i < n; i++) {
		int y = MT + (int)i * 24;

		sb_printf(b, "<text x=\"150\" y=\"%d\" font-size=\"12\" text-anchor=\"end\">",
			  y + 14);
		sb_html(b, names[i]);
		sb_printf(b, "</text><rect class=\"bar\" x=\"156\" y=\"%d\" width=\"%.1f\" "
			  "height=\"18\" fill=\"%s\"/><text x=\"%.1f\" y=\"%d\" font-size=\"11\">"
			  "%g</text>\n", y, fmax(1, values[i] / max * pw), palette[i % NR_COLORS],
			  160 + fmax(1, values[i] / max * pw), y + 14, values[i]);
	}
	sb_puts(b, "</svg>\n");
}
