/*
 * Modules whose artifacts are SQLite databases (iOS's and Android's): every
 * database the module's locators find, opened read-only and hardened, and
 * queries whose rows become records, with the deleted rows of a declared
 * table recovered through the same query (scan/recover.c).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_MODULES_DB_H
#define VG_MODULES_DB_H

#include "formats/sqlite.h"
#include "scan/module.h"

/* For every file the module's locators find: open it as SQLite (read-only,
 * hardened, WAL applied) and call fn. A file that does not open is a
 * warning and coverage entry; the others still run. Returns VG_OK or the
 * first error fn returned. */
int vg_db_each(struct vg_run *run,
               int (*fn)(struct vg_run *run, const struct vg_file *f, sqlite3 *db, void *ud),
               void *ud) VG_MUST_CHECK;

/* vg_sqlite_each for modules: damage warnings go to the run's diagnostics
 * naming the file, and a salvaged read is recorded as PARTIAL coverage.
 * Same return values as vg_sqlite_each. */
int vg_db_sql_each(struct vg_run *run, const struct vg_file *f, sqlite3 *db, const char *sql,
                   int (*cb)(void *ud, sqlite3_stmt *st), void *ud, size_t *rows) VG_MUST_CHECK;

/* A query whose rows become records: every result column (in order, under
 * its name), then the extra keys the module adds, which row fills (and
 * may change the columns' values). row returns VG_OK to emit the record,
 * VG_DB_SKIP to drop the row, or an error. NULL row: the columns alone. */
#define VG_DB_SKIP 1
struct vg_db_query {
    const char *sql;
    const char *const *extra;
    size_t n_extra;
    int blob_as_text; /* blobs as UTF-8 text (MVT's encoder), not base64 */
    int (*row)(struct vg_run *run, struct vg_rec *r, sqlite3_stmt *st);
    /* The table whose deleted rows the same query makes records of
     * (<module>_recovered.json), or NULL. */
    const struct vg_recover_spec *recover;
};

/* Runs q on db and emits one record per row. Damaged files are salvaged
 * with a warning; a table or column this OS version lacks is a note and
 * VG_OK. */
int vg_db_query_records(struct vg_run *run, const struct vg_file *f, sqlite3 *db,
                        const struct vg_db_query *q) VG_MUST_CHECK;

/* vg_db_query_records on every database the module's locators find. */
int vg_db_each_records(struct vg_run *run, const struct vg_db_query *q) VG_MUST_CHECK;

/* The same on the databases of the module's first locator that finds any:
 * where one database may sit in several places of which a phone uses one
 * (Android's data/user_de/0 and data/data), and a dump may hold the same
 * file twice (data/data is a view of data/user/0). */
int vg_db_first_records(struct vg_run *run, const struct vg_db_query *q) VG_MUST_CHECK;

#endif
