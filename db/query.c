/* SPDX-License-Identifier: MIT */
/* Reading: run SQL and hand each row to a callback. */
#include "db/internal.h"

#include <stdlib.h>

static void column_value(sqlite3_stmt *st, int i, struct db_value *v)
{
	switch (sqlite3_column_type(st, i)) {
	case SQLITE_INTEGER:
		v->type = DB_INT;
		v->i = sqlite3_column_int64(st, i);
		v->d = (double)v->i;
		break;
	case SQLITE_FLOAT:
		v->type = DB_REAL;
		v->d = sqlite3_column_double(st, i);
		v->i = (int64_t)v->d;
		break;
	case SQLITE_NULL:
		v->type = DB_NULL;
		v->i = 0;
		v->d = 0;
		break;
	case SQLITE_BLOB:
		v->type = DB_BLOB;
		break;
	default:
		v->type = DB_TEXT;
		break;
	}
	v->s = (const char *)sqlite3_column_text(st, i);
	v->bytes = sqlite3_column_bytes(st, i);
	if (!v->s)
		v->s = "";
}

static int run_rows(struct pr_db *db, sqlite3_stmt *st, db_row_fn fn, void *ctx,
		    struct pr_error *err)
{
	int ncols = sqlite3_column_count(st), rc, stop = 0;
	const char **names = calloc((size_t)ncols + 1, sizeof(*names));
	struct db_value *vals = calloc((size_t)ncols + 1, sizeof(*vals));

	if (!names || !vals) {
		free(names);
		free(vals);
		return pr_fail(err, PR_ENOMEM, "out of memory for a result row");
	}
	for (int i = 0; i < ncols; i++)
		names[i] = sqlite3_column_name(st, i);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (!fn)
			continue;
		for (int i = 0; i < ncols; i++)
			column_value(st, i, &vals[i]);
		stop = fn(ctx, ncols, names, vals);
		if (stop)
			break;
	}
	free(names);
	free(vals);
	if (stop)
		return stop;
	if (rc != SQLITE_DONE)
		return pr_fail(err, PR_EDB, "'%s': %s", db->path, sqlite3_errmsg(db->h));
	return 0;
}

int db_query(struct pr_db *db, const char *sql, const int64_t *params, int nr_params,
	     db_row_fn fn, void *ctx, struct pr_error *err)
{
	const char *tail = sql;

	while (tail && *tail) {
		sqlite3_stmt *st = NULL;
		int rc = sqlite3_prepare_v2(db->h, tail, -1, &st, &tail);

		if (rc != SQLITE_OK)
			return pr_fail(err, PR_EDB, "'%s': %s", db->path, sqlite3_errmsg(db->h));
		if (!st)	/* whitespace or a comment */
			continue;
		for (int i = 0; i < nr_params && i < sqlite3_bind_parameter_count(st); i++)
			sqlite3_bind_int64(st, i + 1, params[i]);
		rc = run_rows(db, st, fn, ctx, err);
		sqlite3_finalize(st);
		if (rc != 0)
			return rc;
	}
	return 0;
}
