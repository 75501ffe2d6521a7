/* SPDX-License-Identifier: MIT */
#ifndef PR_DB_TABLE_H
#define PR_DB_TABLE_H

/*
 * Result rows rendered as an aligned text table, CSV (RFC 4180) or JSON (an
 * array of objects), into a string the command prints. Used by query,
 * report and compare.
 */

#include "db/db.h"

enum db_format { DB_FMT_TABLE, DB_FMT_CSV, DB_FMT_JSON };

struct db_table;

struct db_table *db_table_new(void);
void db_table_free(struct db_table *t);
/* Set the header; the first call fixes the number of columns. */
int db_table_columns(struct db_table *t, int ncols, const char *const *names);
/* A row of values (text and type, NULL type taken as text). */
int db_table_row(struct db_table *t, const struct db_value *vals);
/* A row of text cells; numeric-looking cells are right-aligned. */
int db_table_row_text(struct db_table *t, const char *const *cells);
int db_table_nrows(const struct db_table *t);
const char *db_table_cell(const struct db_table *t, int row, int col);
const char *db_table_column(const struct db_table *t, int col);
int db_table_ncols(const struct db_table *t);
/* malloc'd rendering, NULL on allocation failure. */
char *db_table_render(const struct db_table *t, enum db_format fmt);

/* Run sql (with int64 params) and collect every row of its last statement. */
struct db_table *db_query_table(struct pr_db *db, const char *sql, const int64_t *params,
				int nr_params, struct pr_error *err);

#endif
