/*
 * SafariFavicon: Safari's favicon cache (Favicons.db), the icons kept and
 * the icons rejected, sorted by time, as MVT's SafariFavicon reads them;
 * each page URL, then icon URL, checked against URL, domain and IP
 * indicators.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <stdlib.h>

#include "modules/ios/common.h"
#include "modules/ios/fs_common.h"

static const struct vg_loc fav_locs[] = {
    {VG_LOC_FS, NULL, "private/var/mobile/Library/Image Cache/Favicons/Favicons.db"},
    {VG_LOC_FS, NULL,
     "private/var/mobile/Containers/Data/Application/*/Library/Image "
     "Cache/Favicons/Favicons.db"},
};

enum { F_URL, F_ICON, F_TIMESTAMP, F_ISODATE, F_TYPE, F_DB };
static const char *const fav_fields[] = {
    "url", "icon_url", "timestamp", "isodate", "type", "safari_favicon_db_path",
};

static const char sql_valid[] = "SELECT page_url.url, icon_info.url, icon_info.timestamp "
                                "FROM page_url JOIN icon_info ON page_url.uuid = icon_info.uuid "
                                "ORDER BY icon_info.timestamp";
static const char sql_rejected[] = "SELECT page_url, icon_url, timestamp FROM rejected_resources "
                                   "ORDER BY timestamp";

struct fav_ctx {
    struct vg_run *run;
    const struct vg_file *f;
    struct vg_sorted *out;
    const char *type;
};

static int fav_row(void *ud, sqlite3_stmt *st)
{
    struct fav_ctx *c = ud;
    char iso[VG_ISODATE_LEN + 1];
    struct vg_val t;
    json_t *obj;

    memset(&t, 0, sizeof(t));
    if (sqlite3_column_type(st, 2) == SQLITE_INTEGER) {
        t.t = VG_VT_INT;
        t.u.i = sqlite3_column_int64(st, 2);
    } else if (sqlite3_column_type(st, 2) == SQLITE_FLOAT) {
        t.t = VG_VT_REAL;
        t.u.d = sqlite3_column_double(st, 2);
    }
    vg_val_mactime_iso(&t, iso);
    obj = json_object();
    if (!obj || json_object_set_new(obj, "url", vg_col_json_value(st, 0)) != 0 ||
        json_object_set_new(obj, "icon_url", vg_col_json_value(st, 1)) != 0 ||
        json_object_set_new(obj, "timestamp", vg_col_json_value(st, 2)) != 0 ||
        json_object_set_new(obj, "isodate", json_string(iso)) != 0 ||
        json_object_set_new(obj, "type", json_string(c->type)) != 0 ||
        json_object_set_new(obj, "safari_favicon_db_path", vg_json_str(c->f->path)) != 0) {
        json_decref(obj);
        vg_run_nomem(c->run);
        return VG_E_NOMEM;
    }
    return vg_sorted_add(c->run, c->out, obj);
}

static int fav_query(struct fav_ctx *c, sqlite3 *db, const char *sql, const char *type)
{
    int rc;

    c->type = type;
    rc = vg_db_sql_each(c->run, c->f, db, sql, fav_row, c, NULL);
    if (rc == VG_E_NOMEM)
        return rc;
    if (rc == VG_E_NOTFOUND)
        vg_run_coverage(c->run, VG_COV_SCHEMA, c->f->display, "no %s icons table", type);
    else if (rc != VG_OK && rc != VG_E_LIMIT) {
        vg_run_coverage(c->run, VG_COV_UNREADABLE, c->f->display, "%s", vg_strerror(rc));
        vg_run_log(c->run, VG_DIAG_WARN, "%s: query failed: %s", c->f->display, vg_strerror(rc));
    }
    return VG_OK;
}

static int fav_db(struct vg_run *run, const struct vg_file *f, sqlite3 *db, void *ud)
{
    struct fav_ctx c = {run, f, ud, NULL};
    int rc;

    vg_run_log(run, VG_DIAG_INFO, "Found Safari favicon cache database at path: %s", f->display);
    rc = fav_query(&c, db, sql_valid, "valid");
    return rc == VG_OK ? fav_query(&c, db, sql_rejected, "rejected") : rc;
}

static int fav_extract(struct vg_run *run)
{
    struct vg_sorted s;
    int rc;

    memset(&s, 0, sizeof(s));
    rc = vg_db_each(run, fav_db, &s);
    if (rc != VG_OK) {
        vg_sorted_free(&s);
        return rc;
    }
    vg_run_log(run, VG_DIAG_INFO, "Extracted a total of %zu favicon records", s.n);
    return vg_sorted_emit(run, &s, "isodate");
}

static void fav_check_one(struct vg_run *run, const struct vg_rec *r)
{
    if (!vg_check_url(run, VG_LEVEL_CRITICAL, r, vg_rec_text(r, F_URL), ""))
        vg_check_url(run, VG_LEVEL_CRITICAL, r, vg_rec_text(r, F_ICON), "");
}

static void fav_timeline(struct vg_run *run, const struct vg_rec *r)
{
    char b1[VG_PY_BUF], b2[VG_PY_BUF], b3[VG_PY_BUF];
    char *data = vg_asprintf(
        "Safari favicon from %s with icon URL %s (%s)", vg_val_py(vg_rec_val(r, F_URL), b1),
        vg_val_py(vg_rec_val(r, F_ICON), b2), vg_val_py(vg_rec_val(r, F_TYPE), b3));

    if (!data) {
        vg_run_nomem(run);
        return;
    }
    vg_run_timeline(run, vg_rec_time(r, F_ISODATE), "safari_favicon", data);
    free(data);
}

const struct vg_module vg_mod_safari_favicon = {
    .name = "safari_favicon",
    .class_name = "SafariFavicon",
    .description = "Safari's favicon cache, icons kept and rejected; page and icon URLs",
    .locs = fav_locs,
    .n_locs = VG_ARRAY_LEN(fav_locs),
    .fields = fav_fields,
    .n_fields = VG_ARRAY_LEN(fav_fields),
    .extract = fav_extract,
    .check_record = fav_check_one,
    .timeline = fav_timeline,
};
