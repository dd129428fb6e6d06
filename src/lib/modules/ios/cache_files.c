/*
 * CacheFiles: the URL cache (cfurl_cache_response) of every Cache.db in a
 * filesystem dump, wherever it lies (apps, extensions, daemons keep one
 * each under Library/Caches/<bundle id>/), as MVT's CacheFiles reads it;
 * each cached URL checked against URL, domain and IP indicators.
 *
 * MVT keeps a dictionary from each Cache.db's path to its rows. Records
 * here stream as rows, so each row carries its database's path in
 * "cache_file" (the key MVT adds to a row when it alerts on it). Saved
 * results in MVT's dictionary shape are still checked (check-iocs): each
 * row of each path.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <stdlib.h>

#include "modules/ios/common.h"

static const struct vg_loc cache_locs[] = {
    {VG_LOC_FS, NULL, "**/Cache.db"},
};

enum { F_ENTRY, F_VERSION, F_HASH, F_POLICY, F_URL, F_ISODATE, F_FILE, N_FIELDS };
static const char *const cache_fields[N_FIELDS] = {
    "entry_id", "version", "hash_value", "storage_policy", "url", "isodate", "cache_file",
};

struct cache_ctx {
    struct vg_run *run;
    const struct vg_file *f;
    const struct vg_schema *schema;
};

/* MVT reads the first six columns by position, whatever their names. */
static int cache_row(void *ud, sqlite3_stmt *st)
{
    struct cache_ctx *c = ud;
    struct vg_rec *r;
    int i, rc;

    if (sqlite3_column_count(st) < 6)
        return VG_E_NOTFOUND;
    r = vg_run_rec(c->run, c->schema);
    if (!r)
        return VG_E_NOMEM;
    for (i = 0; i < 6; i++) {
        struct vg_val v;
        switch (sqlite3_column_type(st, i)) {
        case SQLITE_INTEGER:
            vg_rec_set_int(r, i, sqlite3_column_int64(st, i));
            break;
        case SQLITE_FLOAT:
            vg_rec_set_real(r, i, sqlite3_column_double(st, i));
            break;
        case SQLITE_TEXT:
        case SQLITE_BLOB:
            v.t = sqlite3_column_type(st, i) == SQLITE_TEXT ? VG_VT_TEXT : VG_VT_BLOB;
            v.u.s.p = (const char *)(v.t == VG_VT_TEXT ? sqlite3_column_text(st, i)
                                                       : sqlite3_column_blob(st, i));
            v.u.s.n = (size_t)sqlite3_column_bytes(st, i);
            if (!v.u.s.p)
                v.t = VG_VT_NULL;
            vg_rec_put(r, i, &v); /* borrowed until the next step */
            break;
        default:
            vg_rec_set_null(r, i);
            break;
        }
    }
    vg_rec_set_text_ref(r, F_FILE, c->f->path, strlen(c->f->path));
    rc = vg_run_emit(c->run, r);
    return rc;
}

static int cache_db(struct vg_run *run, const struct vg_file *f, sqlite3 *db, void *ud)
{
    struct cache_ctx c = {run, f, ud};
    int rc;

    vg_run_log(run, VG_DIAG_DEBUG, "Processing cache file at path: %s", f->display);
    if (!vg_sqlite_has_table(db, "cfurl_cache_response"))
        return VG_OK; /* MVT skips a Cache.db without the table */
    rc = vg_db_sql_each(run, f, db, "SELECT * FROM cfurl_cache_response", cache_row, &c, NULL);
    if (rc == VG_E_NOMEM)
        return rc;
    if (rc == VG_E_NOTFOUND) {
        vg_run_coverage(run, VG_COV_SCHEMA, f->display, "fewer than six columns");
    } else if (rc != VG_OK && rc != VG_E_LIMIT) {
        vg_run_coverage(run, VG_COV_UNREADABLE, f->display, "%s", vg_strerror(rc));
        vg_run_log(run, VG_DIAG_WARN, "%s: query failed: %s", f->display, vg_strerror(rc));
    }
    return VG_OK;
}

static int cache_extract(struct vg_run *run)
{
    const struct vg_schema *s = NULL;
    int rc;

    if (vg_run_schema(run, cache_fields, N_FIELDS, &s) != VG_OK)
        return VG_E_NOMEM;
    rc = vg_db_each(run, cache_db, (void *)s);
    vg_run_log(run, VG_DIAG_INFO, "Extracted %zu cached responses", vg_run_record_count(run));
    return rc;
}

/* ---- checks ---- */

/* MVT's saved shape: {"<path>": [rows], ...}, read as one record whose
 * values are arrays. Each row is checked as a row of its own. */
static void check_saved_dict(struct vg_run *run, const struct vg_rec *r)
{
    const struct vg_schema *s = NULL;
    struct vg_rec row;
    int have = 0;
    size_t k, i;

    /* a row of its own, not the run's: those may move while r is in use */
    for (k = 0; k < r->schema->n; k++) {
        const json_t *rows = r->v[k].t == VG_VT_JSON ? r->v[k].u.j : NULL, *item;
        json_array_foreach(rows, i, item)
        {
            if (!json_is_object(item))
                continue;
            if (!have && (vg_run_schema(run, cache_fields, N_FIELDS, &s) != VG_OK ||
                          vg_rec_init(&row, s) != VG_OK)) {
                vg_run_nomem(run);
                return;
            }
            have = 1;
            vg_rec_from_json(&row, item);
            vg_rec_set_text(&row, F_FILE, r->schema->names[k]);
            vg_check_url(run, VG_LEVEL_CRITICAL, &row, vg_rec_text(&row, F_URL),
                         vg_rec_time(&row, F_ISODATE));
            vg_rec_reset(&row);
        }
    }
    if (have)
        vg_rec_free(&row);
}

static void cache_check_one(struct vg_run *run, const struct vg_rec *r)
{
    if (vg_rec_key(r, F_URL) < 0) {
        check_saved_dict(run, r);
        return;
    }
    vg_check_url(run, VG_LEVEL_CRITICAL, r, vg_rec_text(r, F_URL), vg_rec_time(r, F_ISODATE));
}

static void cache_timeline(struct vg_run *run, const struct vg_rec *r)
{
    char b1[VG_PY_BUF], b2[VG_PY_BUF];
    char *data;

    if (vg_rec_key(r, F_URL) < 0)
        return; /* MVT's dictionary shape: no timeline from saved results */
    data = vg_asprintf("%s recorded visit to URL %s", vg_val_py(vg_rec_val(r, F_FILE), b1),
                       vg_val_py(vg_rec_val(r, F_URL), b2));
    if (!data) {
        vg_run_nomem(run);
        return;
    }
    vg_run_timeline(run, vg_rec_time(r, F_ISODATE), "cache_response", data);
    free(data);
}

const struct vg_module vg_mod_cache_files = {
    .name = "cache_files",
    .class_name = "CacheFiles",
    .description = "cached URL responses of every Cache.db in a filesystem dump; URL, domain and "
                   "IP indicators",
    .locs = cache_locs,
    .n_locs = VG_ARRAY_LEN(cache_locs),
    .fields = cache_fields,
    .n_fields = N_FIELDS,
    .extract = cache_extract,
    .check_record = cache_check_one,
    .timeline = cache_timeline,
};
