/*
 * FirefoxHistory: every visit in Firefox for iOS's browser.db (visits joined
 * with history; visit dates are microseconds since 1970). Checks each
 * visited URL against url, domain and IP indicators.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <stdlib.h>

#include "modules/ios/common.h"

static const struct vg_loc firefox_history_locs[] = {
    {VG_LOC_BACKUP, "AppDomainGroup-group.org.mozilla.ios.Firefox", "profile.profile/browser.db"},
    {VG_LOC_FS, NULL, "private/var/mobile/profile.profile/browser.db"},
};

/* MVT has no ORDER BY; the visit id gives every run the same order. The
 * date (seconds) comes in the isodate column, which the row turns into
 * MVT's isodate. */
static const char firefox_history_sql[] =
    "SELECT visits.id AS id, visits.date/1000000 AS isodate, history.url AS url,"
    " history.title AS title, visits.is_local AS is_local, visits.type AS type"
    " FROM visits, history WHERE visits.siteID = history.id ORDER BY visits.id";

enum { F_ID, F_ISODATE, F_URL };
static const char *const firefox_history_fields[] = {"id", "isodate", "url"};

static int visit_row(struct vg_run *run, struct vg_rec *r, sqlite3_stmt *st)
{
    char buf[VG_ISODATE_LEN + 1];

    VG_UNUSED(run);
    VG_UNUSED(st);
    vg_rec_set_text(r, F_ISODATE, vg_val_unix_iso(vg_rec_val(r, F_ISODATE), buf));
    return VG_OK;
}

static const struct vg_db_query firefox_history_query = {
    .sql = firefox_history_sql,
    .row = visit_row,
};

static int firefox_history_extract(struct vg_run *run)
{
    int rc = vg_db_each_records(run, &firefox_history_query);
    vg_run_log(run, VG_DIAG_INFO, "Extracted a total of %zu history items",
               vg_run_record_count(run));
    return rc;
}

static void firefox_history_check_one(struct vg_run *run, const struct vg_rec *r)
{
    vg_check_url(run, VG_LEVEL_CRITICAL, r, vg_rec_text(r, F_URL), vg_rec_time(r, F_ISODATE));
}

static void firefox_history_timeline(struct vg_run *run, const struct vg_rec *r)
{
    char id[VG_PY_BUF], url[VG_PY_BUF];
    char *desc =
        vg_asprintf("Firefox visit with ID %s to URL: %s", vg_val_py(vg_rec_val(r, F_ID), id),
                    vg_val_py(vg_rec_val(r, F_URL), url));

    if (!desc) {
        vg_run_nomem(run);
        return;
    }
    vg_run_timeline(run, vg_rec_time(r, F_ISODATE), "firefox_history", desc);
    free(desc);
}

const struct vg_module vg_mod_firefox_history = {
    .name = "firefox_history",
    .class_name = "FirefoxHistory",
    .description = "Firefox visits (browser.db); url, domain and IP indicators on each URL",
    .locs = firefox_history_locs,
    .n_locs = VG_ARRAY_LEN(firefox_history_locs),
    .fields = firefox_history_fields,
    .n_fields = VG_ARRAY_LEN(firefox_history_fields),
    .extract = firefox_history_extract,
    .check_record = firefox_history_check_one, /* streamed */
    .timeline = firefox_history_timeline,
};
