/*
 * FirefoxFavicon: the icons Firefox for iOS stored for visited pages
 * (browser.db: favicons joined with favicon_sites and history). Checks the
 * icon URL, then the page URL, against url, domain and IP indicators.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include "modules/ios/common.h"
#include "modules/ios/list.h"

static const struct vg_artifact firefox_favicon_artifacts[] = {
    {"AppDomainGroup-group.org.mozilla.ios.Firefox", "profile.profile/browser.db",
     "private/var/mobile/profile.profile/browser.db"},
};

/* MVT has no ORDER BY; icon then site-link id give every run one order. */
static const char firefox_favicon_sql[] =
    "SELECT favicons.id AS id, favicons.url AS url, favicons.width AS width,"
    " favicons.height AS height, favicons.type AS type, favicons.date AS date,"
    " history.id AS history_id, history.url AS history_url"
    " FROM favicons"
    " INNER JOIN favicon_sites ON favicon_sites.faviconID = favicons.id"
    " INNER JOIN history ON favicon_sites.siteID = history.id"
    " ORDER BY favicons.id, favicon_sites.id";

static json_t *favicon_record(struct vg_run *run, sqlite3_stmt *st)
{
    static const char *const keys[] = {"id", "url", "width", "height", "type"};
    json_t *row = vg_sqlite_row_json(st), *rec;
    size_t i;

    (void)run;
    if (!row)
        return NULL;
    rec = json_object();
    if (rec) {
        for (i = 0; i < VG_ARRAY_LEN(keys); i++)
            json_object_set_new(rec, keys[i], vg_json_get_or_null(row, keys[i]));
        json_object_set_new(rec, "isodate", vg_json_unix_iso(json_object_get(row, "date")));
        json_object_set_new(rec, "history_id", vg_json_get_or_null(row, "history_id"));
        json_object_set_new(rec, "history_url", vg_json_get_or_null(row, "history_url"));
    }
    json_decref(row);
    return rec;
}

static int firefox_favicon_extract(struct vg_run *run)
{
    int rc = vg_ios_each_db_records(run, firefox_favicon_sql, favicon_record);
    vg_run_log(run, VG_DIAG_INFO, "Extracted a total of %zu favicon items",
               vg_run_record_count(run));
    return rc;
}

static void firefox_favicon_check(struct vg_run *run)
{
    json_t *rec;
    size_t i;

    json_array_foreach(vg_run_records(run), i, rec)
    {
        const char *t = vg_rec_time(rec, "isodate");
        if (!vg_check_url(run, VG_LEVEL_CRITICAL, rec, vg_rec_str(rec, "url"), t))
            vg_check_url(run, VG_LEVEL_CRITICAL, rec, vg_rec_str(rec, "history_url"), t);
    }
}

static void firefox_favicon_timeline(struct vg_run *run, const json_t *rec)
{
    char url[VG_PY_BUF], page[VG_PY_BUF];
    char *desc = vg_asprintf("Firefox favicon %s when visiting %s",
                             vg_py_str(json_object_get(rec, "url"), url),
                             vg_py_str(json_object_get(rec, "history_url"), page));

    if (!desc)
        return;
    /* MVT names these events "firefox_history" too */
    vg_run_timeline(run, vg_rec_time(rec, "isodate"), "firefox_history", desc);
    free(desc);
}

const struct vg_module vg_mod_firefox_favicon = {
    .name = "firefox_favicon",
    .class_name = "FirefoxFavicon",
    .description = "Firefox favicons (browser.db); url, domain and IP indicators on icon and page "
                   "URLs",
    .sources = VG_SRC_MIXED,
    .artifacts = firefox_favicon_artifacts,
    .n_artifacts = VG_ARRAY_LEN(firefox_favicon_artifacts),
    .extract = firefox_favicon_extract,
    .check = firefox_favicon_check,
    .timeline = firefox_favicon_timeline,
};
