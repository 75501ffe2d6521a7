/* SPDX-License-Identifier: MIT */
#ifndef PR_DB_SCHEMA_H
#define PR_DB_SCHEMA_H

/*
 * Schema versions and migrations (docs/schema.md). Version v is reached
 * from v-1 by exactly one migration, so a database of any earlier version
 * is brought up to date step by step. Exposed to tests, which build
 * databases at each earlier version.
 */

#include <sqlite3.h>

#include "common/error.h"

/* Apply the migrations from `from` up to `to` (each in the caller's transaction). */
int db_schema_migrate(sqlite3 *h, int from, int to, struct pr_error *err);
/* Names of the canonical migratetypes, as the kernel prints them. */
const char *db_migratetype_name(int mt);

#endif
