/*
 * Helpers every iOS module uses.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_IOS_COMMON_H
#define VG_IOS_COMMON_H

#include "formats/sqlite.h"
#include "scan/checks.h"
#include "scan/module.h"

/* For every file matching any of the module's artifacts: open it as SQLite
 * (read-only, hardened, WAL applied to a private copy) and call fn. A file
 * that does not open is a warning and coverage entry; the others still run.
 * Returns VG_OK or the first error fn returned. */
int vg_ios_each_db(struct vg_run *run,
                   int (*fn)(struct vg_run *run, const struct vg_file *f, sqlite3 *db, void *ud),
                   void *ud) VG_MUST_CHECK;

/* Same for property lists: fn gets the parsed plist (freed after). */
#include <plist/plist.h>
int vg_ios_each_plist(struct vg_run *run,
                      int (*fn)(struct vg_run *run, const struct vg_file *f, plist_t root,
                                void *ud),
                      void *ud) VG_MUST_CHECK;

/* vg_sqlite_each for modules: damage warnings go to the scan's diagnostics
 * naming the file, and a salvaged read is recorded as PARTIAL coverage.
 * Same return values as vg_sqlite_each. */
int vg_ios_sql_each(struct vg_run *run, const struct vg_file *f, sqlite3 *db, const char *sql,
                    int (*cb)(void *ud, sqlite3_stmt *st), void *ud, size_t *rows) VG_MUST_CHECK;

/* Runs sql on db and adds one record per row, built by row_fn (which may
 * return NULL to skip a row). Damaged files are salvaged with a warning;
 * a missing table is a note and VG_OK. */
int vg_ios_query_records(struct vg_run *run, const struct vg_file *f, sqlite3 *db, const char *sql,
                         json_t *(*row_fn)(struct vg_run *run, sqlite3_stmt *st)) VG_MUST_CHECK;

/* Column helpers: NULL-safe text, json of a text column. */
const char *vg_col_text(sqlite3_stmt *st, int i);
json_t *vg_col_json_text(sqlite3_stmt *st, int i);
json_t *vg_col_json_int(sqlite3_stmt *st, int i); /* null when NULL */

/* A plist value converted to JSON (dates as isodate strings, data as
 * base64), for records that keep plist contents. */
json_t *vg_plist_to_json(plist_t node);

#endif
