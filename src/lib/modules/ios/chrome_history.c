/*
 * ChromeHistory: every visit in Chrome's History database (urls joined with
 * visits), with Chrome's time base (microseconds since 1601-01-01 UTC).
 * Checks each visited URL against url, domain and IP indicators.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <math.h>

#include "modules/ios/common.h"
#include "modules/ios/list.h"

static const struct vg_artifact chrome_history_artifacts[] = {
    {"AppDomain-com.google.chrome.ios", "Library/Application Support/Google/Chrome/Default/History",
     "private/var/mobile/Containers/Data/Application/*/Library/Application Support/Google/Chrome/"
     "Default/History"},
};

/* visit_time breaks ties by visit id: MVT orders by time alone, which
 * leaves same-time visits in whatever order SQLite picks. */
static const char chrome_history_sql[] =
    "SELECT urls.id AS id, urls.url AS url, visits.id AS visit_id,"
    " visits.visit_time AS timestamp,"
    " visits.from_visit AS redirect_source"
    " FROM urls JOIN visits ON visits.url = urls.id"
    " ORDER BY visits.visit_time, visits.id";

/* MVT's convert_chrometime_to_datetime of a record value: "" when it is
 * not a number or not a usable time. */
static json_t *chrome_time_iso(const json_t *v)
{
    char buf[VG_ISODATE_LEN + 1];
    int64_t us;

    if (json_is_integer(v))
        us = (int64_t)json_integer_value(v);
    else if (json_is_real(v) && fabs(json_real_value(v)) < 9.2e18)
        us = (int64_t)llround(json_real_value(v));
    else
        return json_string("");
    return json_string(vg_isodate_chrome(us, buf) == VG_OK ? buf : "");
}

static json_t *visit_record(struct vg_run *run, sqlite3_stmt *st)
{
    json_t *row = vg_sqlite_row_json(st), *rec;

    (void)run;
    if (!row)
        return NULL;
    rec = json_object();
    if (rec) {
        json_object_set_new(rec, "id", vg_json_get_or_null(row, "id"));
        json_object_set_new(rec, "url", vg_json_get_or_null(row, "url"));
        json_object_set_new(rec, "visit_id", vg_json_get_or_null(row, "visit_id"));
        json_object_set_new(rec, "timestamp", vg_json_get_or_null(row, "timestamp"));
        json_object_set_new(rec, "isodate", chrome_time_iso(json_object_get(row, "timestamp")));
        json_object_set_new(rec, "redirect_source", vg_json_get_or_null(row, "redirect_source"));
    }
    json_decref(row);
    return rec;
}

static int chrome_history_extract(struct vg_run *run)
{
    int rc = vg_ios_each_db_records(run, chrome_history_sql, visit_record);
    vg_run_log(run, VG_DIAG_INFO, "Extracted a total of %zu history items",
               vg_run_record_count(run));
    return rc;
}

static void chrome_history_check(struct vg_run *run)
{
    vg_check_each_url(run, VG_LEVEL_CRITICAL, "url", "isodate");
}

static void chrome_history_timeline(struct vg_run *run, const json_t *rec)
{
    char id[VG_PY_BUF], url[VG_PY_BUF], visit[VG_PY_BUF], from[VG_PY_BUF];
    char *desc = vg_asprintf("%s - %s (visit ID: %s, redirect source: %s)",
                             vg_py_str(json_object_get(rec, "id"), id),
                             vg_py_str(json_object_get(rec, "url"), url),
                             vg_py_str(json_object_get(rec, "visit_id"), visit),
                             vg_py_str(json_object_get(rec, "redirect_source"), from));

    if (!desc)
        return;
    vg_run_timeline(run, vg_rec_time(rec, "isodate"), "visit", desc);
    free(desc);
}

const struct vg_module vg_mod_chrome_history = {
    .name = "chrome_history",
    .class_name = "ChromeHistory",
    .description = "Chrome visits (History database); url, domain and IP indicators on each URL",
    .sources = VG_SRC_MIXED,
    .artifacts = chrome_history_artifacts,
    .n_artifacts = VG_ARRAY_LEN(chrome_history_artifacts),
    .extract = chrome_history_extract,
    .check = chrome_history_check,
    .timeline = chrome_history_timeline,
};
