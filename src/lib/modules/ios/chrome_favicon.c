/*
 * ChromeFavicon: the pages Chrome cached an icon for (Favicons database:
 * icon_mapping joined with favicons and favicon_bitmaps), dated by the
 * bitmap's last update (else its last request), in Chrome's time base.
 * Checks the page URL, then the icon URL, against url, domain and IP
 * indicators.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <math.h>
#include <stdlib.h>

#include "modules/ios/common.h"
#include "modules/ios/list.h"

static const struct vg_artifact chrome_favicon_artifacts[] = {
    {"AppDomain-com.google.chrome.ios",
     "Library/Application Support/Google/Chrome/Default/Favicons",
     "private/var/mobile/Containers/Data/Application/*/Library/Application Support/Google/Chrome/"
     "Default/Favicons"},
};

/* Chrome added favicon_bitmaps.last_requested in 2017; older databases get
 * the second form. */
static const char *const chrome_favicon_sql[] = {
    "SELECT icon_mapping.page_url AS url, favicons.url AS icon_url, favicon_bitmaps.last_updated,"
    " favicon_bitmaps.last_requested"
    " FROM icon_mapping"
    " JOIN favicon_bitmaps ON icon_mapping.icon_id = favicon_bitmaps.icon_id"
    " JOIN favicons ON icon_mapping.icon_id = favicons.id"
    " ORDER BY icon_mapping.id, favicon_bitmaps.id",
    "SELECT icon_mapping.page_url AS url, favicons.url AS icon_url, favicon_bitmaps.last_updated,"
    " 0"
    " FROM icon_mapping"
    " JOIN favicon_bitmaps ON icon_mapping.icon_id = favicon_bitmaps.icon_id"
    " JOIN favicons ON icon_mapping.icon_id = favicons.id"
    " ORDER BY icon_mapping.id, favicon_bitmaps.id",
};

/* Python's int() of a column: truncation toward zero; NULL and text
 * count as 0 (MVT would stop on them). */
static int64_t col_int(sqlite3_stmt *st, int i)
{
    double d;

    switch (sqlite3_column_type(st, i)) {
    case SQLITE_INTEGER:
        return (int64_t)sqlite3_column_int64(st, i);
    case SQLITE_FLOAT:
        d = sqlite3_column_double(st, i);
        return isfinite(d) && fabs(d) < 9.2e18 ? (int64_t)d : 0;
    default:
        return 0;
    }
}

static json_t *chrome_time_iso(int64_t us)
{
    char buf[VG_ISODATE_LEN + 1];
    return json_string(vg_isodate_chrome(us, buf) == VG_OK ? buf : "");
}

struct collect {
    json_t *recs;
};

static int favicon_row(void *ud, sqlite3_stmt *st)
{
    struct collect *c = ud;
    json_t *row = vg_sqlite_row_json(st), *rec = NULL;
    int64_t t = col_int(st, 2);

    if (!t)
        t = col_int(st, 3);
    if (row)
        rec = json_pack("{s:o, s:o, s:I, s:o}", "url", vg_json_get_or_null(row, "url"), "icon_url",
                        vg_json_get_or_null(row, "icon_url"), "timestamp", (json_int_t)t, "isodate",
                        chrome_time_iso(t));
    json_decref(row);
    if (!rec || json_array_append_new(c->recs, rec) != 0)
        return VG_E_NOMEM;
    return VG_OK;
}

struct ranked {
    const char *isodate;
    size_t pos;
};

/* MVT sorts by isodate with Python's stable sort; the position makes
 * qsort stable too. */
static int ranked_cmp(const void *pa, const void *pb)
{
    const struct ranked *a = pa, *b = pb;
    int c = strcmp(a->isodate, b->isodate);
    if (c)
        return c;
    return a->pos < b->pos ? -1 : a->pos > b->pos;
}

static int add_sorted(struct vg_run *run, json_t *recs)
{
    size_t n = json_array_size(recs), i;
    struct ranked *r = vg_calloc(n ? n : 1, sizeof(*r));
    int rc = VG_OK;

    if (!r)
        return VG_E_NOMEM;
    for (i = 0; i < n; i++) {
        r[i].isodate = vg_rec_time(json_array_get(recs, i), "isodate");
        r[i].pos = i;
    }
    qsort(r, n, sizeof(*r), ranked_cmp);
    for (i = 0; i < n && rc == VG_OK; i++)
        rc = vg_run_add_record(run, json_incref(json_array_get(recs, r[i].pos)));
    free(r);
    return rc;
}

static int chrome_favicon_db(struct vg_run *run, const struct vg_file *f, sqlite3 *db, void *ud)
{
    struct collect c = {json_array()};
    size_t i;
    int rc = VG_E_NOTFOUND;

    (void)ud;
    if (!c.recs)
        return VG_E_NOMEM;
    for (i = 0; i < VG_ARRAY_LEN(chrome_favicon_sql) && rc == VG_E_NOTFOUND; i++)
        rc = vg_ios_sql_each(run, f, db, chrome_favicon_sql[i], favicon_row, &c, NULL);
    if (rc == VG_E_NOTFOUND) {
        vg_run_log(run, VG_DIAG_INFO, "%s: no favicon tables in this Chrome version's schema",
                   f->display);
        vg_run_coverage(run, VG_COV_PARTIAL, f->display, "no favicon tables in this schema");
        rc = VG_OK;
    } else if (rc != VG_OK && rc != VG_E_NOMEM) {
        vg_run_log(run, VG_DIAG_WARN, "%s: query failed: %s", f->display, vg_strerror(rc));
        vg_run_coverage(run, VG_COV_UNREADABLE, f->display, "%s", vg_strerror(rc));
        rc = VG_OK;
    }
    if (rc == VG_OK)
        rc = add_sorted(run, c.recs);
    json_decref(c.recs);
    return rc;
}

static int chrome_favicon_extract(struct vg_run *run)
{
    int rc = vg_ios_each_db(run, chrome_favicon_db, NULL);
    vg_run_log(run, VG_DIAG_INFO, "Extracted a total of %zu favicon records",
               vg_run_record_count(run));
    return rc;
}

static void chrome_favicon_check(struct vg_run *run)
{
    json_t *rec;
    size_t i;

    json_array_foreach(vg_run_records(run), i, rec)
    {
        const char *t = vg_rec_time(rec, "isodate");
        if (!vg_check_url(run, VG_LEVEL_CRITICAL, rec, vg_rec_str(rec, "url"), t))
            vg_check_url(run, VG_LEVEL_CRITICAL, rec, vg_rec_str(rec, "icon_url"), t);
    }
}

static void chrome_favicon_timeline(struct vg_run *run, const json_t *rec)
{
    char icon[VG_PY_BUF], url[VG_PY_BUF];
    char *desc = vg_asprintf("%s from %s", vg_py_str(json_object_get(rec, "icon_url"), icon),
                             vg_py_str(json_object_get(rec, "url"), url));

    if (!desc)
        return;
    vg_run_timeline(run, vg_rec_time(rec, "isodate"), "new_favicon", desc);
    free(desc);
}

const struct vg_module vg_mod_chrome_favicon = {
    .name = "chrome_favicon",
    .class_name = "ChromeFavicon",
    .description =
        "Chrome favicon cache (Favicons database); url, domain and IP indicators on page "
        "and icon URLs",
    .sources = VG_SRC_MIXED,
    .artifacts = chrome_favicon_artifacts,
    .n_artifacts = VG_ARRAY_LEN(chrome_favicon_artifacts),
    .extract = chrome_favicon_extract,
    .check = chrome_favicon_check,
    .timeline = chrome_favicon_timeline,
};
