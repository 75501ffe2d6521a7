/* SPDX-License-Identifier: MIT */
/* Rendering result rows as text, CSV or JSON. */
#include "db/table.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct cell {
	char *text;
	enum db_type type;
};

struct db_table {
	int ncols, nrows, cap;
	char **names;
	struct cell *cells;	/* nrows * ncols */
};

struct db_table *db_table_new(void)
{
	return calloc(1, sizeof(struct db_table));
}

void db_table_free(struct db_table *t)
{
	if (!t)
		return;
	for (int i = 0; i < t->ncols; i++)
		free(t->names[i]);
	for (int i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i].text);
	free(t->names);
	free(t->cells);
	free(t);
}

int db_table_columns(struct db_table *t, int ncols, const char *const *names)
{
	if (t->ncols)
		return t->ncols == ncols ? 0 : -1;
	t->names = calloc((size_t)ncols + 1, sizeof(*t->names));
	if (!t->names)
		return -1;
	t->ncols = ncols;
	for (int i = 0; i < ncols; i++)
		if (!(t->names[i] = strdup(names[i])))
			return -1;
	return 0;
}

static int grow(struct db_table *t)
{
	if (t->nrows < t->cap)
		return 0;
	int cap = t->cap ? t->cap * 2 : 16;
	struct cell *c = realloc(t->cells, (size_t)cap * (size_t)t->ncols * sizeof(*c));

	if (!c)
		return -1;
	t->cells = c;
	t->cap = cap;
	return 0;
}

int db_table_row(struct db_table *t, const struct db_value *vals)
{
	if (grow(t) < 0)
		return -1;
	for (int i = 0; i < t->ncols; i++) {
		struct cell *c = &t->cells[t->nrows * t->ncols + i];

		c->type = vals[i].type;
		c->text = strdup(vals[i].type == DB_NULL ? "" : vals[i].s);
		if (!c->text)
			return -1;
	}
	t->nrows++;
	return 0;
}

static enum db_type guess_type(const char *s)
{
	char *end;

	if (!*s)
		return DB_TEXT;
	strtod(s, &end);
	return *end == '\0' ? DB_REAL : DB_TEXT;
}

int db_table_row_text(struct db_table *t, const char *const *cells)
{
	if (grow(t) < 0)
		return -1;
	for (int i = 0; i < t->ncols; i++) {
		struct cell *c = &t->cells[t->nrows * t->ncols + i];

		c->type = guess_type(cells[i] ? cells[i] : "");
		c->text = strdup(cells[i] ? cells[i] : "");
		if (!c->text)
			return -1;
	}
	t->nrows++;
	return 0;
}

int db_table_nrows(const struct db_table *t)
{
	return t->nrows;
}

const char *db_table_cell(const struct db_table *t, int row, int col)
{
	if (row < 0 || row >= t->nrows || col < 0 || col >= t->ncols)
		return NULL;
	return t->cells[row * t->ncols + col].text;
}

const char *db_table_column(const struct db_table *t, int col)
{
	return col >= 0 && col < t->ncols ? t->names[col] : NULL;
}

int db_table_ncols(const struct db_table *t)
{
	return t->ncols;
}

/* A growing string; `failed` sticks after an allocation failure. */
struct sbuf {
	char *s;
	size_t len, cap;
	int failed;
};

static void sb_printf(struct sbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->failed)
		return;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (b->len + (size_t)n + 1 > b->cap) {
		size_t cap = (b->cap ? b->cap * 2 : 256) + (size_t)n;
		char *s = realloc(b->s, cap);

		if (!s) {
			b->failed = 1;
			return;
		}
		b->s = s;
		b->cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

static bool numeric(enum db_type t)
{
	return t == DB_INT || t == DB_REAL;
}

/* Text that reads as a number ("0.250", "-1.000", "94.34%", "+1.8%") aligns right too. */
static bool looks_numeric(const struct cell *x)
{
	char *end;

	if (numeric(x->type))
		return true;
	if (x->type != DB_TEXT || !x->text[0])
		return false;
	strtod(x->text, &end);
	return end != x->text && (*end == '\0' || (end[0] == '%' && end[1] == '\0'));
}

static void render_text(const struct db_table *t, struct sbuf *b)
{
	size_t *w;

	if (t->ncols == 0)
		return;		/* no rows: SQLite gave no column names */
	w = calloc((size_t)t->ncols + 1, sizeof(*w));
	if (!w) {
		b->failed = 1;
		return;
	}
	for (int c = 0; c < t->ncols; c++) {
		w[c] = strlen(t->names[c]);
		for (int r = 0; r < t->nrows; r++)
			if (strlen(t->cells[r * t->ncols + c].text) > w[c])
				w[c] = strlen(t->cells[r * t->ncols + c].text);
	}
	for (int c = 0; c < t->ncols; c++)
		sb_printf(b, "%s%-*s", c ? "  " : "", c == t->ncols - 1 ? 0 : (int)w[c],
			  t->names[c]);
	sb_printf(b, "\n");
	for (int c = 0; c < t->ncols; c++) {
		sb_printf(b, "%s", c ? "  " : "");
		for (size_t i = 0; i < w[c]; i++)
			sb_printf(b, "-");
	}
	sb_printf(b, "\n");
	for (int r = 0; r < t->nrows; r++) {
		for (int c = 0; c < t->ncols; c++) {
			const struct cell *x = &t->cells[r * t->ncols + c];
			bool right = looks_numeric(x);
			int width = c == t->ncols - 1 && !right ? 0 : (int)w[c];

			sb_printf(b, right ? "%s%*s" : "%s%-*s", c ? "  " : "", width,
				  x->text);
		}
		sb_printf(b, "\n");
	}
	free(w);
}

static void csv_field(struct sbuf *b, const char *s)
{
	if (strpbrk(s, ",\"\r\n") == NULL) {
		sb_printf(b, "%s", s);
		return;
	}
	sb_printf(b, "\"");
	for (; *s; s++)
		sb_printf(b, *s == '"' ? "\"\"" : "%c", *s);
	sb_printf(b, "\"");
}

static void render_csv(const struct db_table *t, struct sbuf *b)
{
	for (int c = 0; c < t->ncols; c++) {
		sb_printf(b, c ? "," : "");
		csv_field(b, t->names[c]);
	}
	sb_printf(b, "\r\n");
	for (int r = 0; r < t->nrows; r++) {
		for (int c = 0; c < t->ncols; c++) {
			sb_printf(b, c ? "," : "");
			csv_field(b, t->cells[r * t->ncols + c].text);
		}
		sb_printf(b, "\r\n");
	}
}

static void json_string(struct sbuf *b, const char *s)
{
	sb_printf(b, "\"");
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			sb_printf(b, "\\%c", ch);
		else if (ch < 0x20)
			sb_printf(b, "\\u%04x", ch);
		else
			sb_printf(b, "%c", ch);
	}
	sb_printf(b, "\"");
}

static void render_json(const struct db_table *t, struct sbuf *b)
{
	sb_printf(b, "[");
	for (int r = 0; r < t->nrows; r++) {
		sb_printf(b, r ? ",\n {" : "\n {");
		for (int c = 0; c < t->ncols; c++) {
			const struct cell *x = &t->cells[r * t->ncols + c];

			sb_printf(b, c ? ", " : "");
			json_string(b, t->names[c]);
			sb_printf(b, ": ");
			if (x->type == DB_NULL)
				sb_printf(b, "null");
			else if (numeric(x->type) && strpbrk(x->text, "ni") == NULL)
				sb_printf(b, "%s", x->text);	/* not inf/nan */
			else
				json_string(b, x->text);
		}
		sb_printf(b, "}");
	}
	sb_printf(b, t->nrows ? "\n]\n" : "]\n");
}

char *db_table_render(const struct db_table *t, enum db_format fmt)
{
	struct sbuf b = { 0 };

	sb_printf(&b, "%s", "");
	if (fmt == DB_FMT_CSV)
		render_csv(t, &b);
	else if (fmt == DB_FMT_JSON)
		render_json(t, &b);
	else
		render_text(t, &b);
	if (b.failed) {
		free(b.s);
		return NULL;
	}
	return b.s;
}

static int collect(void *ctx, int ncols, const char *const *names,
		   const struct db_value *vals)
{
	struct db_table *t = ctx;

	/* A later statement of several: keep only its rows. */
	if (t->ncols && t->ncols != ncols)
		return 1;
	if (db_table_columns(t, ncols, names) < 0 || db_table_row(t, vals) < 0)
		return 1;
	return 0;
}

struct db_table *db_query_table(struct pr_db *db, const char *sql, const int64_t *params,
				int nr_params, struct pr_error *err)
{
	struct db_table *t = db_table_new();
	int rc;

	if (!t) {
		pr_fail(err, PR_ENOMEM, "out of memory for a result table");
		return NULL;
	}
	rc = db_query(db, sql, params, nr_params, collect, t, err);
	if (rc != 0) {
		if (rc > 0)
			pr_fail(err, PR_ENOMEM, "out of memory for a result table");
		db_table_free(t);
		return NULL;
	}
	return t;
}
