/*
 * FirefoxHistory: every visit in Firefox for iOS's browser.db (visits joined
 * with history; visit dates are microseconds since 1970). Checks each
 * visited URL against url, domain and IP indicators.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include "modules/ios/common.h"
#include "modules/ios/list.h"

static const struct vg_artifact firefox_history_artifacts[] = {
    {"AppDomainGroup-group.org.mozilla.ios.Firefox", "profile.profile/browser.db",
     "private/var/mobile/profile.profile/browser.db"},
};

/* MVT has no ORDER BY; the visit id gives every run the same order. */
static const char firefox_history_sql[] =
    "SELECT visits.id AS id, visits.date/1000000 AS date, history.url AS url,"
    " history.title AS title, visits.is_local AS is_local, visits.type AS type"
    " FROM visits, history WHERE visits.siteID = history.id ORDER BY visits.id";

static json_t *visit_record(struct vg_run *run, sqlite3_stmt *st)
{
    json_t *row = vg_sqlite_row_json(st), *rec;

    (void)run;
    if (!row)
        return NULL;
    rec = json_object();
    if (rec) {
        json_object_set_new(rec, "id", vg_json_get_or_null(row, "id"));
        json_object_set_new(rec, "isodate", vg_json_unix_iso(json_object_get(row, "date")));
        json_object_set_new(rec, "url", vg_json_get_or_null(row, "url"));
        json_object_set_new(rec, "title", vg_json_get_or_null(row, "title"));
        json_object_set_new(rec, "is_local", vg_json_get_or_null(row, "is_local"));
        json_object_set_new(rec, "type", vg_json_get_or_null(row, "type"));
    }
    json_decref(row);
    return rec;
}

static int firefox_history_extract(struct vg_run *run)
{
    int rc = vg_ios_each_db_records(run, firefox_history_sql, visit_record);
    vg_run_log(run, VG_DIAG_INFO, "Extracted a total of %zu history items",
               vg_run_record_count(run));
    return rc;
}

static void firefox_history_check(struct vg_run *run)
{
    vg_check_each_url(run, VG_LEVEL_CRITICAL, "url", "isodate");
}

static void firefox_history_timeline(struct vg_run *run, const json_t *rec)
{
    char id[VG_PY_BUF], url[VG_PY_BUF];
    char *desc = vg_asprintf("Firefox visit with ID %s to URL: %s",
                             vg_py_str(json_object_get(rec, "id"), id),
                             vg_py_str(json_object_get(rec, "url"), url));

    if (!desc)
        return;
    vg_run_timeline(run, vg_rec_time(rec, "isodate"), "firefox_history", desc);
    free(desc);
}

const struct vg_module vg_mod_firefox_history = {
    .name = "firefox_history",
    .class_name = "FirefoxHistory",
    .description = "Firefox visits (browser.db); url, domain and IP indicators on each URL",
    .sources = VG_SRC_MIXED,
    .artifacts = firefox_history_artifacts,
    .n_artifacts = VG_ARRAY_LEN(firefox_history_artifacts),
    .extract = firefox_history_extract,
    .check = firefox_history_check,
    .timeline = firefox_history_timeline,
};
