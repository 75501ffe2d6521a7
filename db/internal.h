/* SPDX-License-Identifier: MIT */
#ifndef PR_DB_INTERNAL_H
#define PR_DB_INTERNAL_H

/* Private to db/: the connection and helpers shared by its files. */

#include <sqlite3.h>

#include "db/db.h"

struct pr_db {
	sqlite3 *h;
	char *path;
	int busy_ms;
	bool readonly;
	struct db_run *open_run;	/* at most one run at a time */
};

/* Fill *err from SQLite's state after rc, naming the database; returns -1. */
int db_fail(struct pr_db *db, int rc, const char *what, struct pr_error *err);
/* Prepare or fail with the message; NULL on failure. */
sqlite3_stmt *db_prepare(struct pr_db *db, const char *sql, struct pr_error *err);
/* Step a statement that returns no rows, then reset it. */
int db_step_done(struct pr_db *db, sqlite3_stmt *st, const char *what, struct pr_error *err);
/* BEGIN IMMEDIATE, waiting busy_ms for the write lock. */
int db_begin_write(struct pr_db *db, struct pr_error *err);
void db_rollback(struct pr_db *db);

/* Kernel-style decoding of a raw gfp value with the trace's flag table
 * (table order, composite masks first as the kernel lists them). */
void db_gfp_string(const struct prt_flag *flags, uint32_t nr, uint64_t gfp, char *buf,
		   size_t size);

#endif
