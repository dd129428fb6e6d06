/*
 * Modules that read SQLite databases (see db.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include "modules/db.h"

struct db_ctx {
    int (*fn)(struct vg_run *run, const struct vg_file *f, sqlite3 *db, void *ud);
    void *ud;
};

static int db_visit(struct vg_run *run, const struct vg_file *f, void *ud)
{
    struct db_ctx *c = ud;
    sqlite3 *db = NULL;
    int rc;

    if (vg_run_open_sqlite(run, f, &db) != VG_OK)
        return VG_OK; /* already reported; the other files still run */
    rc = c->fn(run, f, db, c->ud);
    vg_sqlite_close(db);
    return rc;
}

int vg_db_each(struct vg_run *run,
               int (*fn)(struct vg_run *run, const struct vg_file *f, sqlite3 *db, void *ud),
               void *ud)
{
    struct db_ctx c = {fn, ud};
    return vg_run_find_all(run, db_visit, &c);
}

int vg_db_sql_each(struct vg_run *run, const struct vg_file *f, sqlite3 *db, const char *sql,
                   int (*cb)(void *ud, sqlite3_stmt *st), void *ud, size_t *rows)
{
    struct vg_diag *diag = vg_run_diag(run);
    size_t warned = vg_diag_count(diag, VG_DIAG_WARN);
    int rc;

    rc = vg_sqlite_each(db, sql, f->display, diag, cb, ud, rows);
    if (vg_diag_count(diag, VG_DIAG_WARN) > warned)
        vg_run_coverage(run, VG_COV_PARTIAL, f->display, "damaged: read with losses");
    return rc;
}

struct query_ctx {
    struct vg_run *run;
    const struct vg_db_query *q;
    const struct vg_schema *schema;
    const int *col_key;
};

static int query_row(void *ud, sqlite3_stmt *st)
{
    struct query_ctx *c = ud;
    struct vg_rec *r;
    int rc;

    if (!c->schema && vg_run_schema_stmt(c->run, st, c->q->extra, c->q->n_extra, &c->schema,
                                         &c->col_key) != VG_OK)
        return VG_E_NOMEM;
    r = vg_run_rec(c->run, c->schema);
    if (!r)
        return VG_E_NOMEM;
    vg_rec_from_stmt(r, st, c->col_key, c->q->blob_as_text);
    rc = c->q->row ? c->q->row(c->run, r, st) : VG_OK;
    if (rc == VG_DB_SKIP) {
        vg_rec_reset(r);
        return VG_OK;
    }
    if (rc != VG_OK) {
        vg_rec_reset(r);
        return rc;
    }
    rc = vg_run_emit(c->run, r);
    /* the cap on records was reported: stop this query, keep the rest */
    return rc == VG_E_LIMIT ? VG_E_LIMIT : rc;
}

/* Deleted rows: the query again, on one recovered row at a time. */
struct recover_q {
    struct query_ctx c;
    const struct vg_file *f;
};

static int recover_emit(struct vg_run *run, sqlite3 *db, void *ud)
{
    struct recover_q *rq = ud;
    int rc =
        vg_sqlite_each(db, rq->c.q->sql, rq->f->display, vg_run_diag(run), query_row, &rq->c, NULL);

    return rc == VG_E_NOMEM || rc == VG_E_LIMIT ? rc : VG_OK;
}

static int recover_records(struct vg_run *run, const struct vg_file *f, sqlite3 *db,
                           const struct vg_db_query *q)
{
    struct recover_q rq = {{run, q, NULL, NULL}, f};

    return vg_run_recover(run, f, db, q->recover, recover_emit, &rq);
}

int vg_db_query_records(struct vg_run *run, const struct vg_file *f, sqlite3 *db,
                        const struct vg_db_query *q)
{
    struct query_ctx c = {run, q, NULL, NULL};
    size_t rows = 0;
    int rc;

    rc = vg_db_sql_each(run, f, db, q->sql, query_row, &c, &rows);
    if ((rc == VG_OK || rc == VG_E_LIMIT) && q->recover &&
        recover_records(run, f, db, q) == VG_E_NOMEM)
        return VG_E_NOMEM;
    if (rc == VG_E_NOTFOUND) {
        /* not damage: this OS version's schema has no such table or column */
        const char *why = vg_run_platform(run) == VG_PLATFORM_ANDROID
                              ? "table or column not in this Android version's schema"
                              : "table or column not in this iOS version's schema";
        vg_run_log(run, VG_DIAG_INFO, "%s: %s", f->display, why);
        vg_run_coverage(run, VG_COV_SCHEMA, f->display, "%s", why);
        return VG_OK;
    }
    if (rc == VG_E_NOMEM)
        return rc;
    if (rc != VG_OK && rc != VG_E_LIMIT) {
        vg_run_coverage(run, VG_COV_UNREADABLE, f->display, "%s", vg_strerror(rc));
        vg_run_log(run, VG_DIAG_WARN, "%s: query failed: %s", f->display, vg_strerror(rc));
    }
    return VG_OK;
}

static int records_db(struct vg_run *run, const struct vg_file *f, sqlite3 *db, void *ud)
{
    return vg_db_query_records(run, f, db, ud);
}

int vg_db_each_records(struct vg_run *run, const struct vg_db_query *q)
{
    return vg_db_each(run, records_db, (void *)q);
}

int vg_db_first_records(struct vg_run *run, const struct vg_db_query *q)
{
    const struct vg_module *m = vg_run_module(run);
    struct db_ctx c = {records_db, (void *)q};
    size_t i;
    int n = 0;

    for (i = 0; i < m->n_locs && n == 0; i++) {
        n = vg_run_find(run, &m->locs[i], db_visit, &c);
        if (n == VG_E_NOTFOUND)
            n = 0;
    }
    return n < 0 ? n : VG_OK;
}
