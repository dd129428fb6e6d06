/* SPDX-License-Identifier: Apache-2.0 */
#include "util/vg.h"

#include <stdlib.h>

#include <openssl/evp.h>

#include "formats/nska.h"
#include "ios/common.h"

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

int vg_ios_each_db(struct vg_run *run,
                   int (*fn)(struct vg_run *run, const struct vg_file *f, sqlite3 *db, void *ud),
                   void *ud)
{
    const struct vg_module *m = vg_run_module(run);
    struct db_ctx c = {fn, ud};
    size_t i;
    int rc;

    for (i = 0; i < m->n_artifacts; i++) {
        rc = vg_run_find(run, &m->artifacts[i], db_visit, &c);
        if (rc < 0)
            return rc;
    }
    return VG_OK;
}

struct plist_ctx {
    int (*fn)(struct vg_run *run, const struct vg_file *f, plist_t root, void *ud);
    void *ud;
};

static int plist_visit(struct vg_run *run, const struct vg_file *f, void *ud)
{
    struct plist_ctx *c = ud;
    unsigned char *data = NULL;
    size_t len = 0;
    plist_t root = NULL;
    int rc;

    if (vg_run_read(run, f, VG_MAX_PLIST_FILE, &data, &len) != VG_OK)
        return VG_OK;
    rc = vg_plist_parse(data, len, &root);
    vg_run_free_data(data, len);
    if (rc != VG_OK || !root) {
        vg_run_coverage(run, VG_COV_UNREADABLE, f->display, "not a valid property list");
        vg_run_log(run, VG_DIAG_WARN, "%s is not a valid property list", f->display);
        return VG_OK;
    }
    rc = c->fn(run, f, root, c->ud);
    plist_free(root);
    return rc;
}

int vg_ios_each_plist(struct vg_run *run,
                      int (*fn)(struct vg_run *run, const struct vg_file *f, plist_t root,
                                void *ud),
                      void *ud)
{
    const struct vg_module *m = vg_run_module(run);
    struct plist_ctx c = {fn, ud};
    size_t i;
    int rc;

    for (i = 0; i < m->n_artifacts; i++) {
        rc = vg_run_find(run, &m->artifacts[i], plist_visit, &c);
        if (rc < 0)
            return rc;
    }
    return VG_OK;
}

struct query_ctx {
    struct vg_run *run;
    json_t *(*row_fn)(struct vg_run *run, sqlite3_stmt *st);
};

static int query_row(void *ud, sqlite3_stmt *st)
{
    struct query_ctx *c = ud;
    json_t *rec = c->row_fn(c->run, st);
    if (!rec)
        return VG_OK;
    return vg_run_add_record(c->run, rec);
}

int vg_ios_sql_each(struct vg_run *run, const struct vg_file *f, sqlite3 *db, const char *sql,
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

int vg_ios_query_records(struct vg_run *run, const struct vg_file *f, sqlite3 *db, const char *sql,
                         json_t *(*row_fn)(struct vg_run *run, sqlite3_stmt *st))
{
    struct query_ctx c = {run, row_fn};
    size_t rows = 0;
    int rc;

    rc = vg_ios_sql_each(run, f, db, sql, query_row, &c, &rows);
    if (rc == VG_E_NOTFOUND) {
        vg_run_log(run, VG_DIAG_INFO, "%s: %s", f->display,
                   "table or column not in this iOS version's schema");
        vg_run_coverage(run, VG_COV_PARTIAL, f->display,
                        "table or column not in this iOS version's schema");
        return VG_OK;
    }
    if (rc != VG_OK) {
        vg_run_coverage(run, VG_COV_UNREADABLE, f->display, "%s", vg_strerror(rc));
        vg_run_log(run, VG_DIAG_WARN, "%s: query failed: %s", f->display, vg_strerror(rc));
    }
    return VG_OK;
}

const char *vg_col_text(sqlite3_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(st, i);
}

json_t *vg_col_json_text(sqlite3_stmt *st, int i)
{
    if (sqlite3_column_type(st, i) == SQLITE_NULL)
        return json_null();
    {
        json_t *j = json_string(vg_col_text(st, i));
        return j ? j : json_null(); /* not UTF-8: vg_sqlite_row_json repairs, this drops */
    }
}

json_t *vg_col_json_int(sqlite3_stmt *st, int i)
{
    if (sqlite3_column_type(st, i) == SQLITE_NULL)
        return json_null();
    return json_integer((json_int_t)sqlite3_column_int64(st, i));
}

static json_t *data_to_base64(const char *data, uint64_t len)
{
    unsigned char *out;
    json_t *j;
    size_t cap;
    int n;

    if (len > VG_MAX_PLIST_FILE)
        return json_null();
    cap = 4 * (((size_t)len + 2) / 3) + 1;
    out = vg_malloc(cap);
    if (!out)
        return NULL;
    n = EVP_EncodeBlock(out, (const unsigned char *)data, (int)len);
    j = n >= 0 ? json_stringn((const char *)out, (size_t)n) : json_null();
    free(out);
    return j;
}

/* Recursion is bounded: vg_plist_parse refuses trees deeper than
 * VG_MAX_PLIST_DEPTH. */
json_t *vg_plist_to_json(plist_t node)
{
    if (!node)
        return json_null();
    switch (plist_get_node_type(node)) {
    case PLIST_BOOLEAN: {
        uint8_t b = 0;
        plist_get_bool_val(node, &b);
        return json_boolean(b);
    }
    case PLIST_UINT: {
        uint64_t v = 0;
        plist_get_uint_val(node, &v);
        return json_integer((json_int_t)v);
    }
    case PLIST_REAL: {
        double d = 0;
        plist_get_real_val(node, &d);
        return json_real(d);
    }
    case PLIST_STRING: {
        char *s = NULL;
        json_t *j;
        plist_get_string_val(node, &s);
        j = s ? json_string(s) : json_null();
        free(s);
        return j ? j : json_null();
    }
    case PLIST_DATA: {
        char *d = NULL;
        uint64_t len = 0;
        json_t *j;
        plist_get_data_val(node, &d, &len);
        j = data_to_base64(d ? d : "", d ? len : 0);
        free(d);
        return j;
    }
    case PLIST_DATE: {
        int32_t sec = 0, usec = 0;
        plist_get_date_val(node, &sec, &usec);
        return vg_json_cocoa_date((double)sec + (double)usec / 1e6);
    }
    case PLIST_ARRAY: {
        json_t *a = json_array();
        uint32_t i, n = plist_array_get_size(node);
        for (i = 0; a && i < n; i++)
            json_array_append_new(a, vg_plist_to_json(plist_array_get_item(node, i)));
        return a;
    }
    case PLIST_DICT: {
        json_t *o = json_object();
        plist_dict_iter it = NULL;
        char *key = NULL;
        plist_t val = NULL;
        plist_dict_new_iter(node, &it);
        for (;;) {
            key = NULL;
            plist_dict_next_item(node, it, &key, &val);
            if (!key)
                break;
            if (o)
                json_object_set_new(o, key, vg_plist_to_json(val));
            free(key);
        }
        free(it);
        return o;
    }
    case PLIST_UID: {
        uint64_t v = 0;
        plist_get_uid_val(node, &v);
        return json_integer((json_int_t)v);
    }
    default:
        return json_null();
    }
}
