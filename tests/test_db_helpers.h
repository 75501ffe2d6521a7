/* SPDX-License-Identifier: MIT */
#ifndef PR_TESTS_DB_HELPERS_H
#define PR_TESTS_DB_HELPERS_H

/* One value out of the database, for assertions. */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

static inline int64_t q_int(const char *path, const char *sql)
{
	sqlite3 *h;
	sqlite3_stmt *st;
	int64_t v = -12345;

	assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("bad test SQL: %s: %s", sql, sqlite3_errmsg(h));
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_type(st, 0) == SQLITE_NULL ? -999 : sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(h);
	return v;
}

/* Text of the first column of the first row (malloc'd), "" if none, "NULL" if NULL. */
static inline char *q_text(const char *path, const char *sql)
{
	sqlite3 *h;
	sqlite3_stmt *st;
	char *v;

	assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("bad test SQL: %s: %s", sql, sqlite3_errmsg(h));
	if (sqlite3_step(st) == SQLITE_ROW)
		v = strdup(sqlite3_column_type(st, 0) == SQLITE_NULL ? "NULL"
				: (const char *)sqlite3_column_text(st, 0));
	else
		v = strdup("");
	sqlite3_finalize(st);
	sqlite3_close(h);
	return v;
}

static inline void q_exec(const char *path, const char *sql)
{
	sqlite3 *h;
	char *msg = NULL;

	assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
	if (sqlite3_exec(h, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("test SQL failed: %s: %s", sql, msg);
	sqlite3_close(h);
}

#define assert_q_text(path, sql, want) do { \
	char *got_ = q_text((path), (sql)); \
	assert_string_equal(got_, (want)); \
	free(got_); \
} while (0)

#endif
