/*
 * Analytics: the failure and event rows of the keychain's analytics
 * databases (private/var/Keychains/Analytics/, one per area), each row's property
 * list as a record, sorted by time, as MVT's Analytics reads them; every
 * text value of a record checked against process names, then against URL,
 * domain and IP indicators.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <stdlib.h>

#include "formats/apple/nska.h"
#include "modules/ios/common.h"
#include "modules/ios/fs_common.h"

static const struct vg_loc an_locs[] = {
    {VG_LOC_FS, NULL, "private/var/Keychains/Analytics/*.db"},
};

enum { F_ISODATE, F_ARTIFACT };
static const char *const an_fields[] = {"isodate", "artifact"};

static const char sql_all[] = "SELECT timestamp, data FROM hard_failures UNION "
                              "SELECT timestamp, data FROM soft_failures UNION "
                              "SELECT timestamp, data FROM all_events";
static const char sql_failures[] = "SELECT timestamp, data FROM hard_failures UNION "
                                   "SELECT timestamp, data FROM soft_failures";

struct an_ctx {
    struct vg_run *run;
    const struct vg_file *f;
    const char *artifact;
    int (*cb)(struct vg_run *run, json_t *obj, void *ud);
    void *ud;
    size_t bad;
};

static int truthy_col(sqlite3_stmt *st, int i)
{
    switch (sqlite3_column_type(st, i)) {
    case SQLITE_INTEGER:
        return sqlite3_column_int64(st, i) != 0;
    case SQLITE_FLOAT:
        return sqlite3_column_double(st, i) != 0;
    case SQLITE_NULL:
        return 0;
    default:
        return sqlite3_column_bytes(st, i) > 0;
    }
}

/* The row's plist as a JSON object in *out, or NULL (counted) when it is
 * not a dictionary MVT could read. */
static int row_plist(struct an_ctx *c, sqlite3_stmt *st, json_t **out)
{
    const unsigned char *p = sqlite3_column_blob(st, 1);
    int n = sqlite3_column_bytes(st, 1), rc = VG_OK;
    plist_t root = NULL;

    *out = NULL;
    if (p && n > 0 && vg_plist_parse(p, (size_t)n, &root) == VG_OK && root &&
        plist_get_node_type(root) == PLIST_DICT) {
        *out = vg_plist_to_json(root);
        rc = *out ? VG_OK : VG_E_NOMEM;
    } else {
        c->bad++;
    }
    if (root)
        plist_free(root);
    return rc;
}

static int an_row(void *ud, sqlite3_stmt *st)
{
    struct an_ctx *c = ud;
    char iso[VG_ISODATE_LEN + 1];
    struct vg_val t;
    json_t *obj;
    int has_t = truthy_col(st, 0), has_d = truthy_col(st, 1);

    if (!has_t && !has_d)
        return VG_OK;
    iso[0] = '\0';
    if (has_t) {
        t.t = sqlite3_column_type(st, 0) == SQLITE_INTEGER ? VG_VT_INT
              : sqlite3_column_type(st, 0) == SQLITE_FLOAT ? VG_VT_REAL
                                                           : VG_VT_NULL;
        if (t.t == VG_VT_INT)
            t.u.i = sqlite3_column_int64(st, 0);
        else
            t.u.d = sqlite3_column_double(st, 0);
        vg_val_unix_mactime_iso(&t, iso);
    }
    if (has_d) {
        int rc = row_plist(c, st, &obj);
        if (!obj)
            return rc;
    } else {
        obj = json_object();
    }
    if (!obj || json_object_set_new(obj, "isodate", json_string(iso)) != 0 ||
        json_object_set_new(obj, "artifact", json_string(c->artifact)) != 0) {
        json_decref(obj);
        vg_run_nomem(c->run);
        return VG_E_NOMEM;
    }
    return c->cb(c->run, obj, c->ud);
}

static int an_db(struct vg_run *run, const struct vg_file *f, void *ud)
{
    struct an_ctx *c = ud;
    const char *slash = strrchr(f->path, '/');
    sqlite3 *db = NULL;
    int rc;

    if (vg_run_open_sqlite(run, f, &db) != VG_OK)
        return VG_OK;
    vg_run_log(run, VG_DIAG_INFO, "Found Analytics database file at path: %s", f->display);
    c->f = f;
    c->artifact = slash ? slash + 1 : f->path;
    c->bad = 0;
    rc = vg_db_sql_each(run, f, db, vg_sqlite_has_table(db, "all_events") ? sql_all : sql_failures,
                        an_row, c, NULL);
    vg_sqlite_close(db);
    if (c->bad)
        vg_run_log(run, VG_DIAG_WARN,
                   "%s: %zu rows whose data is not a property list "
                   "dictionary were skipped",
                   f->display, c->bad);
    if (rc == VG_E_NOMEM)
        return rc;
    if (rc == VG_E_NOTFOUND) {
        vg_run_coverage(run, VG_COV_SCHEMA, f->display, "no hard_failures/soft_failures table");
    } else if (rc != VG_OK && rc != VG_E_LIMIT) {
        vg_run_coverage(run, VG_COV_UNREADABLE, f->display, "%s", vg_strerror(rc));
        vg_run_log(run, VG_DIAG_WARN, "%s: query failed: %s", f->display, vg_strerror(rc));
    }
    return VG_OK;
}

int vg_ios_analytics_each(struct vg_run *run, const struct vg_loc *loc,
                          int (*cb)(struct vg_run *run, json_t *obj, void *ud), void *ud)
{
    struct an_ctx c;
    int rc;

    memset(&c, 0, sizeof(c));
    c.run = run;
    c.cb = cb;
    c.ud = ud;
    rc = vg_run_find(run, loc, an_db, &c);
    return rc < 0 && rc != VG_E_NOTFOUND ? rc : VG_OK;
}

static int keep(struct vg_run *run, json_t *obj, void *ud)
{
    return vg_sorted_add(run, ud, obj);
}

static int an_extract(struct vg_run *run)
{
    struct vg_sorted s;
    int rc;

    memset(&s, 0, sizeof(s));
    rc = vg_ios_analytics_each(run, &an_locs[0], keep, &s);
    if (rc != VG_OK) {
        vg_sorted_free(&s);
        return rc;
    }
    vg_run_log(run, VG_DIAG_INFO, "Extracted %zu records from analytics databases", s.n);
    return vg_sorted_emit(run, &s, "isodate");
}

/* Every text value: a process name first, else a URL or host. */
static void an_check_one(struct vg_run *run, const struct vg_rec *r)
{
    const struct vg_iocs *iocs = vg_run_iocs(run);
    struct vg_ioc_match m;
    size_t k;

    for (k = 0; k < r->schema->n; k++) {
        const char *v;
        if (r->v[k].t != VG_VT_TEXT)
            continue;
        v = r->v[k].u.s.p;
        if (*v && vg_iocs_match_process(iocs, v, &m)) {
            vg_run_alert(run, VG_LEVEL_CRITICAL, r, &m, "",
                         "Found mention of a malicious process \"%s\" in %s file at %s", v,
                         vg_rec_time(r, F_ARTIFACT), vg_rec_time(r, F_ISODATE));
            continue;
        }
        vg_check_url(run, VG_LEVEL_CRITICAL, r, v, "");
    }
}

static void an_timeline(struct vg_run *run, const struct vg_rec *r)
{
    json_t *obj = vg_rec_to_json(r);
    struct vg_buf b;
    char *data;

    vg_buf_init(&b, VG_MAX_TEXT_SCAN);
    if (!obj || vg_py_repr_json(&b, obj) != VG_OK || !(data = vg_buf_take(&b))) {
        json_decref(obj);
        vg_buf_free(&b);
        vg_run_log(run, VG_DIAG_WARN, "an analytics record was left out of the timeline");
        return;
    }
    vg_run_timeline(run, vg_rec_time(r, F_ISODATE), vg_rec_time(r, F_ARTIFACT), data);
    free(data);
    json_decref(obj);
}

const struct vg_module vg_mod_analytics = {
    .name = "analytics",
    .class_name = "Analytics",
    .description = "failures and events of the keychain's analytics databases; process names, "
                   "URLs and hosts in their values",
    .locs = an_locs,
    .n_locs = VG_ARRAY_LEN(an_locs),
    .fields = an_fields,
    .n_fields = VG_ARRAY_LEN(an_fields),
    .extract = an_extract,
    .check_record = an_check_one,
    .timeline = an_timeline,
};
