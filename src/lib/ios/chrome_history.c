/*
 * ChromeHistory: every visit in Chrome's History database (urls joined with
 * visits), with Chrome's time base (microseconds since 1601-01-01 UTC).
 * Checks each visited URL against url, domain and IP indicators.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <inttypes.h>
#include <math.h>

#include "ios/common.h"
#include "ios/modules.h"

/* Seconds from 1601-01-01 (Windows/Chrome epoch) to 1970-01-01. */
#define CHROME_EPOCH_OFFSET 11644473600LL

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

/* MVT adds timedelta(microseconds=t) to 1601-01-01: exact integer
 * arithmetic, so the microseconds are split off before any division. */
static json_t *chrome_time_iso(const json_t *v)
{
    char buf[VG_ISODATE_LEN + 1];
    int64_t us, secs;

    if (json_is_integer(v))
        us = (int64_t)json_integer_value(v);
    else if (json_is_real(v) && fabs(json_real_value(v)) < 9.2e18)
        us = (int64_t)llround(json_real_value(v));
    else
        return json_string("");
    secs = us / 1000000;
    us %= 1000000;
    if (us < 0) {
        us += 1000000;
        secs -= 1;
    }
    if (vg_isodate(secs - CHROME_EPOCH_OFFSET, (int32_t)us, buf) != VG_OK)
        return json_string("");
    return json_string(buf);
}

static json_t *pick(const json_t *row, const char *key)
{
    json_t *v = json_object_get(row, key);
    return v ? json_incref(v) : json_null();
}

static json_t *visit_record(struct vg_run *run, sqlite3_stmt *st)
{
    json_t *row = vg_sqlite_row_json(st), *rec;

    (void)run;
    if (!row)
        return NULL;
    rec = json_object();
    if (rec) {
        json_object_set_new(rec, "id", pick(row, "id"));
        json_object_set_new(rec, "url", pick(row, "url"));
        json_object_set_new(rec, "visit_id", pick(row, "visit_id"));
        json_object_set_new(rec, "timestamp", pick(row, "timestamp"));
        json_object_set_new(rec, "isodate", chrome_time_iso(json_object_get(row, "timestamp")));
        json_object_set_new(rec, "redirect_source", pick(row, "redirect_source"));
    }
    json_decref(row);
    return rec;
}

static int chrome_history_db(struct vg_run *run, const struct vg_file *f, sqlite3 *db, void *ud)
{
    (void)ud;
    return vg_ios_query_records(run, f, db, chrome_history_sql, visit_record);
}

static int chrome_history_extract(struct vg_run *run)
{
    int rc = vg_ios_each_db(run, chrome_history_db, NULL);
    vg_run_log(run, VG_DIAG_INFO, "Extracted a total of %zu history items",
               vg_run_record_count(run));
    return rc;
}

static void chrome_history_check(struct vg_run *run)
{
    json_t *rec;
    size_t i;

    json_array_foreach(vg_run_records(run), i, rec) vg_check_url(
        run, VG_LEVEL_CRITICAL, rec, vg_rec_str(rec, "url"), vg_rec_time(rec, "isodate"));
}

/* Python's str() of a scalar, as MVT's f-strings print it. */
static const char *py_str(const json_t *v, char *buf, size_t cap)
{
    if (json_is_string(v))
        return json_string_value(v);
    if (json_is_integer(v) &&
        vg_snprintf(buf, cap, "%" PRId64, (int64_t)json_integer_value(v)) == VG_OK)
        return buf;
    if (json_is_real(v) && vg_snprintf(buf, cap, "%.17g", json_real_value(v)) == VG_OK)
        return buf;
    return "None";
}

static void chrome_history_timeline(struct vg_run *run, const json_t *rec)
{
    char id[32], url[32], visit[32], from[32];
    char *desc = vg_asprintf("%s - %s (visit ID: %s, redirect source: %s)",
                             py_str(json_object_get(rec, "id"), id, sizeof(id)),
                             py_str(json_object_get(rec, "url"), url, sizeof(url)),
                             py_str(json_object_get(rec, "visit_id"), visit, sizeof(visit)),
                             py_str(json_object_get(rec, "redirect_source"), from, sizeof(from)));

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
