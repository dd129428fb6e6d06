/*
 * Reading SQLite evidence without modifying it, and without trusting it.
 *
 * - SQLite reads the database through a read-only VFS over the struct vg_io
 *   a source handed over (formats/sqlite_vfs.h): a file opened without
 *   following links, an archive member, a file decrypted page by page.
 *   A -wal is applied by serving SQLite the WAL's committed pages in place
 *   of the database's (formats/wal.h): nothing is copied, nothing is written,
 *   no plaintext of an encrypted database reaches a disk.
 * - Every handle is hardened per sqlite.org/security.html: DEFENSIVE,
 *   trusted_schema=OFF, tight sqlite3_limit()s, a cap on SQLite's heap, a
 *   work and a time budget per statement, and reads through a view where a
 *   table belongs are refused.
 * - Queries on a damaged file salvage what they can, row by row, and say
 *   how much was lost.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_FORMATS_SQLITE_H
#define VG_FORMATS_SQLITE_H

#include <jansson.h>
#include <sqlite3.h>

#include "io/io.h"
#include "util/vg.h"

/* Opens the database db as SQLite would read it after opening: with its
 * -wal wal applied, or else its hot -journal rolled back (either may be
 * NULL). Takes all three, which live until vg_sqlite_close. display: how to
 * name the file in diagnostics. Not a SQLite file: VG_E_CORRUPT, with a
 * warning. */
int vg_sqlite_open_io(struct vg_io *db, struct vg_io *wal, struct vg_io *journal,
                      const char *display, struct vg_diag *diag, sqlite3 **out) VG_MUST_CHECK;
/* The same for a file at path given by the user or a test, and its
 * "<path>-wal" and "<path>-journal" when there. */
int vg_sqlite_open_file(const char *path, const char *display, struct vg_diag *diag,
                        sqlite3 **out) VG_MUST_CHECK;
/* The same with the WAL at wal_path (may be NULL or absent). shm_path is
 * ignored: the -shm is only a cache of the WAL index, rebuilt from the
 * -wal, and a hostile one is not worth trusting. */
int vg_sqlite_open_parts(const char *db_path, const char *wal_path, const char *shm_path,
                         const char *display, struct vg_diag *diag, sqlite3 **out) VG_MUST_CHECK;
/* A copy of an image in memory. */
int vg_sqlite_open_memory(const unsigned char *data, size_t len, const char *display,
                          struct vg_diag *diag, sqlite3 **out) VG_MUST_CHECK;
/* Closes the handle and frees what it reads. NULL is a no-op. */
void vg_sqlite_close(sqlite3 *db);

int vg_sqlite_has_table(sqlite3 *db, const char *table);
int vg_sqlite_has_column(sqlite3 *db, const char *table, const char *column);

/* One row as a JSON object {column name: value}: integers, reals, text,
 * NULL as null, blobs as base64 strings. Text that is not UTF-8 has its bad
 * bytes replaced by U+FFFD; infinite reals become null. NULL on allocation
 * failure. */
json_t *vg_sqlite_row_json(sqlite3_stmt *st);

/* Runs sql, calling cb for every row (cb returns VG_OK to go on). When the
 * file is damaged the rows that can be read are still delivered, and a
 * warning naming display says what was lost. *rows (may be NULL) gets the
 * row count. Returns VG_OK, or an error when the query could not run at all
 * (missing table or column: VG_E_NOTFOUND, with a note, not a warning). */
int vg_sqlite_each(sqlite3 *db, const char *sql, const char *display, struct vg_diag *diag,
                   int (*cb)(void *ud, sqlite3_stmt *st), void *ud, size_t *rows) VG_MUST_CHECK;

/* Reads `SELECT <columns> FROM <table> [WHERE <where>]` in rowid order and,
 * unlike vg_sqlite_each, goes on past damage: after a page that cannot be
 * read it finds the next rowid it can read from, so rows behind a damaged
 * page still arrive, and one warning says about how many were lost. columns
 * and where are SQL written by vigie (never data); table is quoted here.
 * A view or WITHOUT ROWID table is read without salvage. When salvaging,
 * the statement cb sees has one more column, last: the rowid (a read
 * resumed past damage never delivers a rowid twice). Same returns as
 * vg_sqlite_each, plus VG_E_CORRUPT when no row at all could be read. */
int vg_sqlite_each_table(sqlite3 *db, const char *table, const char *columns, const char *where,
                         const char *display, struct vg_diag *diag,
                         int (*cb)(void *ud, sqlite3_stmt *st), void *ud,
                         size_t *rows) VG_MUST_CHECK;

/* Lets the connection create, fill and drop TEMP tables (on: 1) or not
 * (0, the default). Nothing but the temp schema can change either way: the
 * database is read-only and an authorizer refuses every other write. A
 * TEMP table shadows the database's table of the same name in queries that
 * do not name a schema, which is how a module's queries are run again on
 * recovered rows (scan/recover.c). */
int vg_sqlite_temp_writes(sqlite3 *db, int on) VG_MUST_CHECK;

/* Work allowed per statement, in SQLite VM operations (default
 * VG_SQLITE_MAX_PROGRESS_CALLS); a statement that needs more stops with
 * VG_E_LIMIT. For slow modules that know they need more, and for tests. */
void vg_sqlite_set_op_budget(sqlite3 *db, uint64_t ops);

#endif
