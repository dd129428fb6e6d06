/*
 * Deleted records: rows a database no longer shows, recovered from the
 * bytes it left behind (formats/sqlite_recover.h), turned into the
 * module's own records by running the module's own queries on them.
 *
 * A module reads a database through queries that join tables (a message
 * and its sender's handle). To make a recovered row a record exactly as a
 * live one, each recovered row of the module's main table is put alone in
 * a TEMP table of the same name, which shadows the database's table in the
 * module's queries, and the module's query runs again: it sees that one row,
 * joined to the live tables (and to the deleted rows of the tables it joins
 * to, added beside their live ones). Every record it emits meanwhile is
 * marked recovered, with where the row was found. Nothing is written to
 * the evidence: the database is read-only and only the temp schema, held
 * in memory, may change (vg_sqlite_temp_writes).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <inttypes.h>
#include <stdlib.h>
#include <strings.h>

#include "formats/sqlite.h"
#include "formats/sqlite_recover.h"
#include "scan/scan.h"

struct recover_ctx {
    struct vg_run *run;
    sqlite3 *db;
    const char *display;
    const char *table;
    int (*emit)(struct vg_run *run, sqlite3 *db, void *ud);
    void *ud;
    const struct vg_sqlr_schema *schema;
    int has_rid;          /* the schema's rowid has a name (rowid_name) */
    sqlite3_stmt *insert; /* a recovered row into the shadow table */
    sqlite3_stmt *clear;  /* and out again */
    size_t rows;          /* recovered rows seen */
    size_t records;       /* records the module made of them */
    int rc;
};

static const char *where_name(enum vg_sqlr_where w)
{
    switch (w) {
    case VG_SQLR_FREELIST:
        return "freelist page";
    case VG_SQLR_FREEBLOCK:
        return "free block";
    case VG_SQLR_UNALLOCATED:
        return "unallocated space";
    case VG_SQLR_WAL_FRAME:
        return "WAL frame";
    case VG_SQLR_DB_PAGE_OLD:
        return "older page";
    }
    return "?";
}

static const char *frame_state_name(enum vg_sqlr_frame_state s)
{
    switch (s) {
    case VG_SQLR_FRAME_SUPERSEDED:
        return "superseded";
    case VG_SQLR_FRAME_UNCOMMITTED:
        return "uncommitted";
    case VG_SQLR_FRAME_STALE:
        return "stale";
    }
    return "?";
}

/* One line for messages: "sms.db, table message, freelist page 12". */
static char *where_text(const char *display, const char *table, const struct vg_sqlr_row *row)
{
    const struct vg_sqlr_origin *o = &row->origin;

    if (o->where == VG_SQLR_WAL_FRAME)
        return vg_asprintf("%s, table %s, %s WAL frame %" PRIu32 " (page %" PRIu32 ")", display,
                           table, frame_state_name(o->frame_state), o->frame, o->page);
    if (o->where == VG_SQLR_DB_PAGE_OLD)
        return vg_asprintf("%s, table %s, page %" PRIu32 " as it was before the WAL", display,
                           table, o->page);
    return vg_asprintf("%s, table %s, %s of page %" PRIu32 " at offset %" PRIu32, display, table,
                       where_name(o->where), o->page, o->offset);
}

/* The provenance written with the record as its "recovered" member. */
static json_t *where_json(const char *display, const char *table, const struct vg_sqlr_row *row,
                          const char *text)
{
    const struct vg_sqlr_origin *o = &row->origin;
    json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:I, s:I}", "description", text, "file", display,
                          "table", table, "found_in", where_name(o->where), "page",
                          (json_int_t)o->page, "offset", (json_int_t)o->offset);
    int bad = !j;

    if (j && o->where == VG_SQLR_WAL_FRAME) {
        bad |= json_object_set_new(j, "wal_frame", json_integer(o->frame)) != 0;
        bad |= json_object_set_new(j, "frame_state",
                                   json_string(frame_state_name(o->frame_state))) != 0;
    }
    if (j) {
        bad |= json_object_set_new(j, "rowid",
                                   row->has_rowid ? json_integer(row->rowid) : json_null()) != 0;
        bad |= json_object_set_new(j, "first_value_guessed",
                                   json_boolean(row->flags & VG_SQLR_ROW_GUESSED)) != 0;
    }
    if (bad) {
        json_decref(j);
        return NULL;
    }
    return j;
}

/* ---- the shadow tables ---- */

static int exec(sqlite3 *db, char *sql)
{
    int rc;

    if (!sql)
        return VG_E_NOMEM;
    rc = sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ? VG_OK : VG_E_IO;
    sqlite3_free(sql);
    return rc;
}

/* The name that reaches a row's rowid in table t of schema s ("rowid", or
 * "oid" or "_rowid_" when a column is called so), or NULL. */
static const char *rowid_name(const struct vg_sqlr_schema *s)
{
    static const char *const names[] = {"rowid", "oid", "_rowid_"};
    size_t i, c;

    for (i = 0; i < VG_ARRAY_LEN(names); i++) {
        for (c = 0; c < vg_sqlr_schema_ncols(s); c++)
            if (strcasecmp(vg_sqlr_schema_col(s, c)->name, names[i]) == 0)
                break;
        if (c == vg_sqlr_schema_ncols(s))
            return names[i];
    }
    return NULL;
}

/* INSERT OR IGNORE INTO temp.t(rowid, stored columns...) VALUES (?...):
 * a row whose rowid is there already is left out (an older version of a
 * live row, in a joined table). */
static int prepare_insert(sqlite3 *db, const char *table, const struct vg_sqlr_schema *s,
                          sqlite3_stmt **out)
{
    const char *rid = rowid_name(s);
    size_t n = vg_sqlr_schema_ncols(s), i;
    char *cols = sqlite3_mprintf("%s", rid ? rid : ""),
         *vals = sqlite3_mprintf("%s", rid ? "?" : "");
    char *sql = NULL;
    int rc = VG_OK;

    for (i = 0; i < n && cols && vals; i++) {
        const char *sep = i || rid ? "," : "";
        char *c = sqlite3_mprintf("%s%s\"%w\"", cols, sep, vg_sqlr_schema_col(s, i)->name);
        char *v = sqlite3_mprintf("%s%s?", vals, sep);
        sqlite3_free(cols);
        sqlite3_free(vals);
        cols = c;
        vals = v;
    }
    if (cols && vals)
        sql =
            sqlite3_mprintf("INSERT OR IGNORE INTO temp.\"%w\"(%s) VALUES (%s)", table, cols, vals);
    if (!sql)
        rc = VG_E_NOMEM;
    else if (sqlite3_prepare_v2(db, sql, -1, out, NULL) != SQLITE_OK)
        rc = VG_E_IO;
    sqlite3_free(cols);
    sqlite3_free(vals);
    sqlite3_free(sql);
    return rc;
}

static int bind_value(sqlite3_stmt *st, int i, const struct vg_sqlr_value *v)
{
    if (v->n > (size_t)INT32_MAX)
        return sqlite3_bind_null(st, i);
    switch (v->type) {
    case VG_SQLR_INT:
        return sqlite3_bind_int64(st, i, v->i);
    case VG_SQLR_REAL:
        return sqlite3_bind_double(st, i, v->r);
    case VG_SQLR_TEXT:
        return sqlite3_bind_text(st, i, (const char *)v->p, (int)v->n, SQLITE_STATIC);
    case VG_SQLR_BLOB:
        return sqlite3_bind_blob(st, i, v->p, (int)v->n, SQLITE_STATIC);
    case VG_SQLR_NULL:
        break;
    }
    return sqlite3_bind_null(st, i);
}

/* The recovered row into the shadow table: the rowid alias holds the rowid
 * (SQLite stores NULL in its place), columns an old row lacks are NULL.
 * has_rid: the statement sets the rowid first (rowid_name(s), looked up
 * once per table, not per row). */
static int insert_row(sqlite3_stmt *st, const struct vg_sqlr_schema *s, int has_rid,
                      const struct vg_sqlr_row *row)
{
    int p = 1, rc = SQLITE_OK;
    size_t i;

    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (has_rid)
        rc = row->has_rowid ? sqlite3_bind_int64(st, p++, row->rowid) : sqlite3_bind_null(st, p++);
    for (i = 0; rc == SQLITE_OK && i < vg_sqlr_schema_ncols(s); i++, p++) {
        if (vg_sqlr_schema_col(s, i)->rowid_alias)
            rc = row->has_rowid ? sqlite3_bind_int64(st, p, row->rowid) : sqlite3_bind_null(st, p);
        else if (i < row->ncols)
            rc = bind_value(st, p, &row->values[i]);
    }
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE || rc == SQLITE_OK ? VG_OK : VG_E_IO;
}

/* temp.<table>, empty, with the database table's columns. */
static int shadow_new(sqlite3 *db, const char *table)
{
    return exec(db, sqlite3_mprintf("CREATE TEMP TABLE \"%w\" AS SELECT * FROM main.\"%w\" WHERE 0",
                                    table, table));
}

static void shadow_drop(sqlite3 *db, const char *table)
{
    (void)exec(db, sqlite3_mprintf("DROP TABLE IF EXISTS temp.\"%w\"", table));
}

/* "c1","c2",... of temp.<table> (sqlite3_free it), or NULL. */
static char *shadow_columns(sqlite3 *db, const char *table)
{
    char *sql = sqlite3_mprintf("SELECT * FROM temp.\"%w\"", table), *cols = NULL;
    sqlite3_stmt *st = NULL;
    int i, n;

    if (!sql || sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        goto out;
    n = sqlite3_column_count(st);
    cols = sqlite3_mprintf("%s", "");
    for (i = 0; i < n && cols; i++) {
        const char *name = sqlite3_column_name(st, i);
        char *more = name ? sqlite3_mprintf("%s%s\"%w\"", cols, i ? "," : "", name) : NULL;
        sqlite3_free(cols);
        cols = more;
    }
out:
    sqlite3_finalize(st);
    sqlite3_free(sql);
    return cols;
}

/* temp.<table> with the live rows, their rowids kept (joins may use them). */
static int shadow_live(sqlite3 *db, const char *table, const struct vg_sqlr_schema *s)
{
    const char *rid = rowid_name(s);
    char *cols;
    int rc = shadow_new(db, table);

    if (rc != VG_OK)
        return rc;
    if (!rid)
        return exec(
            db, sqlite3_mprintf("INSERT INTO temp.\"%w\" SELECT * FROM main.\"%w\"", table, table));
    cols = shadow_columns(db, table);
    if (!cols)
        return VG_E_NOMEM;
    rc = exec(db, sqlite3_mprintf("INSERT INTO temp.\"%w\"(%s,%s) SELECT %s,* FROM main.\"%w\"",
                                  table, rid, cols, rid, table));
    sqlite3_free(cols);
    return rc;
}

/* An index on temp.<table>(cols), cols quoted already. */
static int shadow_index_on(sqlite3 *db, const char *table, int k, const char *cols)
{
    return exec(
        db, sqlite3_mprintf("CREATE INDEX temp.\"vg_%w_%d\" ON \"%w\"(%s)", table, k, table, cols));
}

/* The columns of index idx of main.<table>, quoted ("a","b"; sqlite3_free
 * it); NULL for an index on expressions, or when out of memory. */
static char *index_columns(sqlite3 *db, const char *idx)
{
    sqlite3_stmt *st = NULL;
    char *cols = sqlite3_mprintf("%s", "");
    int n = 0;

    if (cols &&
        sqlite3_prepare_v2(db, "SELECT name FROM pragma_index_info(?1, 'main') ORDER BY seqno", -1,
                           &st, NULL) == SQLITE_OK &&
        sqlite3_bind_text(st, 1, idx, -1, SQLITE_STATIC) == SQLITE_OK) {
        while (cols && sqlite3_step(st) == SQLITE_ROW) {
            const char *name = (const char *)sqlite3_column_text(st, 0);
            char *more = name ? sqlite3_mprintf("%s%s\"%w\"", cols, n++ ? "," : "", name) : NULL;
            sqlite3_free(cols);
            cols = more;
        }
    }
    sqlite3_finalize(st);
    if (cols && !*cols) {
        sqlite3_free(cols);
        cols = NULL;
    }
    return cols;
}

/* Indexes on a joined shadow table, so that each recovered row's query
 * finds the rows it joins by index, not by an automatic index SQLite would
 * build anew for every row (the cost grew with rows x table size): on the
 * rowid alias (CREATE TABLE AS made it a plain column) and on the columns
 * of each of the table's own indexes (without UNIQUE: deleted rows may
 * repeat a live row's values). At most VG_SHADOW_INDEXES of them. */
#define VG_SHADOW_INDEXES 16
static int shadow_index(sqlite3 *db, const char *table, const struct vg_sqlr_schema *s)
{
    sqlite3_stmt *st = NULL;
    size_t i;
    int k = 0, rc = VG_OK;

    for (i = 0; i < vg_sqlr_schema_ncols(s) && rc == VG_OK; i++)
        if (vg_sqlr_schema_col(s, i)->rowid_alias) {
            char *col = sqlite3_mprintf("\"%w\"", vg_sqlr_schema_col(s, i)->name);
            rc = col ? shadow_index_on(db, table, k++, col) : VG_E_NOMEM;
            sqlite3_free(col);
        }
    if (rc != VG_OK ||
        sqlite3_prepare_v2(db, "SELECT name FROM pragma_index_list(?1, 'main')", -1, &st, NULL) !=
            SQLITE_OK ||
        sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC) != SQLITE_OK)
        goto out;
    while (rc == VG_OK && k < VG_SHADOW_INDEXES && sqlite3_step(st) == SQLITE_ROW) {
        const char *idx = (const char *)sqlite3_column_text(st, 0);
        char *cols = idx ? index_columns(db, idx) : NULL;
        if (cols)
            rc = shadow_index_on(db, table, k++, cols);
        sqlite3_free(cols);
    }
out:
    sqlite3_finalize(st);
    /* an index is an optimisation: without it the query is slower, as right */
    return rc == VG_E_NOMEM ? rc : VG_OK;
}

/* ---- recovery of one table ---- */

static int open_table(struct vg_sqlr *r, const char *table, struct vg_run *run, const char *display,
                      struct vg_sqlr_schema **out)
{
    int rc = vg_sqlr_table(r, table, out);

    if (rc != VG_OK && rc != VG_E_NOTFOUND)
        vg_run_log(run, VG_DIAG_INFO, "no recovery in %s, table %s: %s", display, table,
                   vg_strerror(rc));
    return rc;
}

struct joined_ctx {
    sqlite3_stmt *insert;
    const struct vg_sqlr_schema *s;
    int has_rid;
    size_t rows;
};

static int joined_row(void *ud, const struct vg_sqlr_row *row)
{
    struct joined_ctx *j = ud;

    j->rows++;
    return insert_row(j->insert, j->s, j->has_rid, row);
}

/* A joined table: its live rows, then its deleted rows whose rowid no live
 * row has. */
static int shadow_joined(struct recover_ctx *c, struct vg_sqlr *r, const char *table)
{
    struct vg_sqlr_schema *s = NULL;
    struct joined_ctx j = {NULL, NULL, 0, 0};
    int rc = open_table(r, table, c->run, c->display, &s);

    if (rc != VG_OK)
        return rc == VG_E_NOTFOUND ? VG_OK : rc;
    rc = shadow_live(c->db, table, s);
    if (rc == VG_OK)
        rc = prepare_insert(c->db, table, s, &j.insert);
    j.s = s;
    j.has_rid = rowid_name(s) != NULL;
    if (rc == VG_OK)
        rc = vg_sqlr_recover(r, s, NULL, joined_row, &j, NULL);
    if (rc == VG_E_LIMIT)
        rc = VG_OK;
    if (rc == VG_OK)
        rc = shadow_index(c->db, table, s);
    sqlite3_finalize(j.insert);
    vg_sqlr_schema_free(s);
    return rc;
}

static int main_row(void *ud, const struct vg_sqlr_row *row)
{
    struct recover_ctx *c = ud;
    struct vg_run *run = c->run;
    size_t before = run->n_recovered;
    char *text;
    int rc;

    if (run->n_recovered >= VG_MAX_MODULE_RECOVERED)
        return VG_E_LIMIT;
    c->rows++;
    text = where_text(c->display, c->table, row);
    run->recovering = text ? where_json(c->display, c->table, row, text) : NULL;
    if (!run->recovering) {
        free(text);
        vg_run_nomem(run);
        return VG_E_NOMEM;
    }
    run->recovering_text = text;
    rc = insert_row(c->insert, c->schema, c->has_rid, row);
    if (rc == VG_OK)
        rc = c->emit(run, c->db, c->ud);
    if (sqlite3_step(c->clear) != SQLITE_DONE && rc == VG_OK)
        rc = VG_E_IO;
    sqlite3_reset(c->clear);
    json_decref(run->recovering);
    run->recovering = NULL;
    run->recovering_text = NULL;
    free(text);
    c->records += run->n_recovered - before;
    return rc == VG_E_NOTFOUND ? VG_OK : rc;
}

static int recover_main(struct recover_ctx *c, struct vg_sqlr *r)
{
    struct vg_sqlr_schema *s = NULL;
    char *sql;
    int rc = open_table(r, c->table, c->run, c->display, &s);

    if (rc != VG_OK)
        return rc;
    c->schema = s;
    c->has_rid = rowid_name(s) != NULL;
    rc = shadow_new(c->db, c->table);
    if (rc == VG_OK)
        rc = prepare_insert(c->db, c->table, s, &c->insert);
    sql = rc == VG_OK ? sqlite3_mprintf("DELETE FROM temp.\"%w\"", c->table) : NULL;
    if (rc == VG_OK && (!sql || sqlite3_prepare_v2(c->db, sql, -1, &c->clear, NULL) != SQLITE_OK))
        rc = sql ? VG_E_IO : VG_E_NOMEM;
    sqlite3_free(sql);
    if (rc == VG_OK)
        rc = vg_sqlr_recover(r, s, NULL, main_row, c, NULL);
    sqlite3_finalize(c->insert);
    sqlite3_finalize(c->clear);
    c->insert = c->clear = NULL;
    c->schema = NULL;
    vg_sqlr_schema_free(s);
    return rc;
}

static int recover_db(struct recover_ctx *c, const struct vg_recover_spec *spec, struct vg_io *io,
                      struct vg_io *wal)
{
    struct vg_sqlr_src dsrc, wsrc;
    struct vg_sqlr *r = NULL;
    size_t i;
    int rc;

    vg_sqlr_src_io(&dsrc, io);
    if (wal)
        vg_sqlr_src_io(&wsrc, wal);
    rc = vg_sqlr_open(&dsrc, wal ? &wsrc : NULL, c->display, c->run->diag, &r);
    if (rc != VG_OK)
        return rc;
    rc = vg_sqlite_temp_writes(c->db, 1);
    for (i = 0; rc == VG_OK && i < spec->n_joined; i++)
        rc = shadow_joined(c, r, spec->joined[i]);
    if (rc == VG_OK)
        rc = recover_main(c, r);
    shadow_drop(c->db, c->table);
    for (i = 0; i < spec->n_joined; i++)
        shadow_drop(c->db, spec->joined[i]);
    if (vg_sqlite_temp_writes(c->db, 0) != VG_OK && rc == VG_OK)
        rc = VG_E_IO;
    vg_sqlr_free(r);
    return rc;
}

static void report(struct recover_ctx *c, int rc)
{
    struct vg_run *run = c->run;

    if (rc == VG_E_NOMEM)
        vg_run_nomem(run);
    else if (rc == VG_E_LIMIT)
        vg_run_log(run, VG_DIAG_WARN,
                   "%s, table %s: recovery stopped at a limit; %zu deleted rows recovered",
                   c->display, c->table, c->rows);
    else if (rc != VG_OK && rc != VG_E_NOTFOUND)
        vg_run_log(run, VG_DIAG_WARN, "%s, table %s: deleted rows not recovered: %s", c->display,
                   c->table, vg_strerror(rc));
    if (c->rows)
        vg_run_log(run, VG_DIAG_INFO, "%s, table %s: %zu deleted rows recovered, %zu records",
                   c->display, c->table, c->rows, c->records);
}

int vg_run_recover(struct vg_run *run, const struct vg_file *f, sqlite3 *db,
                   const struct vg_recover_spec *spec,
                   int (*emit)(struct vg_run *run, sqlite3 *db, void *ud), void *ud)
{
    struct recover_ctx c = {run, db,   f->display, spec->table, emit, ud,   NULL,
                            0,   NULL, NULL,       0,           0,    VG_OK};
    struct vg_source *src = run->src;
    struct vg_io *io = NULL, *wal = NULL;
    int rc;

    if (run->rechecking || run->scan->opts->no_recover || run->recovering)
        return VG_OK;
    rc = src->ops->open(src->self, f, &io, run->diag);
    if (rc == VG_OK && vg_run_open_sibling(run, f, "-wal", &wal) != VG_OK)
        wal = NULL;
    if (rc == VG_OK)
        rc = recover_db(&c, spec, io, wal);
    vg_io_free(wal);
    vg_io_free(io);
    report(&c, rc);
    /* recovery adds to what was read: its failure costs no live record */
    return rc == VG_E_NOMEM ? rc : VG_OK;
}

int vg_run_recovering(const struct vg_run *run)
{
    return run->recovering != NULL;
}
