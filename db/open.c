/* SPDX-License-Identifier: MIT */
/*
 * Opening the results database: recognise it (or refuse a file that is not
 * ours), create or migrate the schema, switch to WAL, set the busy timeout.
 */
#include "db/internal.h"
#include "db/schema.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char sqlite_magic[16] = "SQLite format 3";

int db_fail(struct pr_db *db, int rc, const char *what, struct pr_error *err)
{
	int prim = rc & 0xff;
	const char *msg = db->h ? sqlite3_errmsg(db->h) : sqlite3_errstr(rc);

	if (prim == SQLITE_BUSY || prim == SQLITE_LOCKED)
		return pr_fail(err, PR_EDB,
			       "'%s': database is locked by another process: "
			       "gave up %s after waiting %d ms", db->path, what, db->busy_ms);
	if (prim == SQLITE_FULL)
		return pr_fail(err, PR_EDB, "'%s': database or disk is full while %s", db->path,
			       what);
	if (prim == SQLITE_NOTADB)
		return pr_fail(err, PR_EFORMAT, "'%s': not a SQLite database", db->path);
	if (prim == SQLITE_READONLY)
		return pr_fail(err, PR_EDB, "'%s': database is read-only while %s", db->path,
			       what);
	return pr_fail(err, PR_EDB, "'%s': %s: %s", db->path, what, msg);
}

sqlite3_stmt *db_prepare(struct pr_db *db, const char *sql, struct pr_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db->h, sql, -1, &st, NULL);

	if (rc != SQLITE_OK) {
		db_fail(db, rc, "preparing a statement", err);
		return NULL;
	}
	return st;
}

int db_step_done(struct pr_db *db, sqlite3_stmt *st, const char *what, struct pr_error *err)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return db_fail(db, rc, what, err);
	return 0;
}

int db_exec(struct pr_db *db, const char *sql, struct pr_error *err)
{
	int rc = sqlite3_exec(db->h, sql, NULL, NULL, NULL);

	if (rc != SQLITE_OK)
		return db_fail(db, rc, "executing SQL", err);
	return 0;
}

int db_begin_write(struct pr_db *db, struct pr_error *err)
{
	int rc = sqlite3_exec(db->h, "BEGIN IMMEDIATE", NULL, NULL, NULL);

	if (rc != SQLITE_OK)
		return db_fail(db, rc, "starting a write", err);
	return 0;
}

void db_rollback(struct pr_db *db)
{
	if (!sqlite3_get_autocommit(db->h))
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
}

/* Refuse non-SQLite files before SQLite gets a chance to write to them. */
static int check_magic(const char *path, bool *empty, struct pr_error *err)
{
	char head[16];
	FILE *f = fopen(path, "rb");
	size_t n;

	*empty = false;
	if (!f) {
		if (errno == ENOENT) {
			*empty = true;
			return 0;
		}
		return pr_fail_errno(err, "'%s': cannot open", path);
	}
	n = fread(head, 1, sizeof(head), f);
	fclose(f);
	if (n == 0) {
		*empty = true;
		return 0;
	}
	if (n < sizeof(head) || memcmp(head, sqlite_magic, sizeof(head)) != 0)
		return pr_fail(err, PR_EFORMAT, "'%s': offset 0: expected a SQLite database",
			       path);
	return 0;
}

static int pragma_int(struct pr_db *db, const char *sql, int *out, struct pr_error *err)
{
	sqlite3_stmt *st = db_prepare(db, sql, err);
	int rc;

	if (!st)
		return -1;
	rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(db, rc, "reading the schema version", err);
	return 0;
}

/* Is it ours, and which version? 0 for a database with no tables at all. */
static int identify(struct pr_db *db, int *version, struct pr_error *err)
{
	int app_id, tables;

	if (pragma_int(db, "PRAGMA application_id", &app_id, err) < 0 ||
	    pragma_int(db, "PRAGMA user_version", version, err) < 0 ||
	    pragma_int(db, "SELECT count(*) FROM sqlite_master", &tables, err) < 0)
		return -1;
	if (app_id == 0 && tables == 0 && *version == 0)
		return 0;
	if (app_id != DB_APPLICATION_ID)
		return pr_fail(err, PR_EFORMAT,
			       "'%s': not a pagereplay database (application_id 0x%08x, "
			       "expected 0x%08x)", db->path, (unsigned)app_id, DB_APPLICATION_ID);
	if (*version > DB_SCHEMA_VERSION)
		return pr_fail(err, PR_EVERSION,
			       "'%s': schema version %d is newer than this pagereplay "
			       "understands (%d): use a newer pagereplay", db->path, *version,
			       DB_SCHEMA_VERSION);
	return 0;
}

static int migrate(struct pr_db *db, int version, struct pr_error *err)
{
	char sql[64];

	if (db->readonly)
		return pr_fail(err, PR_EVERSION,
			       "'%s': schema version %d is older than %d: open it once for "
			       "writing (e.g. pagereplay merge) to migrate it", db->path, version,
			       DB_SCHEMA_VERSION);
	if (db_begin_write(db, err) < 0)
		return -1;
	snprintf(sql, sizeof(sql), "PRAGMA application_id = %d", DB_APPLICATION_ID);
	if (db_exec(db, sql, err) < 0 ||
	    db_schema_migrate(db->h, version, DB_SCHEMA_VERSION, err) < 0) {
		db_rollback(db);
		if (err && err->code == PR_EDB && strstr(err->msg, db->path) == NULL) {
			char msg[sizeof(err->msg)];

			snprintf(msg, sizeof(msg), "%s", err->msg);
			pr_fail(err, PR_EDB, "'%s': %.400s", db->path, msg);
		}
		return -1;
	}
	if (sqlite3_exec(db->h, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		int rc = sqlite3_errcode(db->h);

		db_rollback(db);
		return db_fail(db, rc, "migrating the schema", err);
	}
	return 0;
}

static int setup(struct pr_db *db, enum db_open_mode mode, struct pr_error *err)
{
	int version;

	sqlite3_busy_timeout(db->h, db->busy_ms);
	if (identify(db, &version, err) < 0)
		return -1;
	if (version == 0 && mode != DB_OPEN_CREATE)
		return pr_fail(err, PR_EFORMAT, "'%s': not a pagereplay database (no schema)",
			       db->path);
	if (!db->readonly &&
	    sqlite3_exec(db->h, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
			 "PRAGMA foreign_keys=OFF; PRAGMA cache_size=-65536;",
			 NULL, NULL, NULL) != SQLITE_OK)
		return db_fail(db, sqlite3_errcode(db->h), "switching to WAL mode", err);
	if (version < DB_SCHEMA_VERSION)
		return migrate(db, version, err);
	return 0;
}

struct pr_db *db_open(const char *path, enum db_open_mode mode, int busy_ms,
		      struct pr_error *err)
{
	struct pr_db *db = calloc(1, sizeof(*db));
	bool empty;
	int flags, rc;

	if (!db || !(db->path = strdup(path))) {
		free(db);
		pr_fail(err, PR_ENOMEM, "out of memory opening '%s'", path);
		return NULL;
	}
	db->busy_ms = busy_ms > 0 ? busy_ms : DB_DEFAULT_BUSY_MS;
	db->readonly = mode == DB_OPEN_READONLY;
	if (check_magic(path, &empty, err) < 0)
		goto fail;
	if (empty && mode != DB_OPEN_CREATE) {
		pr_fail(err, PR_EFORMAT, "'%s': no such database", path);
		goto fail;
	}
	/* One connection, one thread: no SQLite mutexes on the hot path. */
	flags = SQLITE_OPEN_NOMUTEX |
		(db->readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
	rc = sqlite3_open_v2(path, &db->h, flags, NULL);
	if (rc != SQLITE_OK) {
		db_fail(db, rc, "opening", err);
		goto fail;
	}
	if (setup(db, mode, err) < 0)
		goto fail;
	return db;
fail:
	sqlite3_close(db->h);
	free(db->path);
	free(db);
	return NULL;
}

const char *db_path(const struct pr_db *db)
{
	return db->path;
}

int db_close(struct pr_db *db, struct pr_error *err)
{
	int rc;

	if (!db)
		return 0;
	if (db->open_run)
		db_run_abort(db->open_run);
	rc = sqlite3_close(db->h);
	free(db->path);
	free(db);
	if (rc != SQLITE_OK)
		return pr_fail(err, PR_EDB, "closing the database: %s", sqlite3_errstr(rc));
	return 0;
}
