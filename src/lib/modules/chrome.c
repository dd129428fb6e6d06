/*
 * Chrome's History database (see chrome.h): every visit (urls joined with
 * visits), with Chrome's time base (microseconds since 1601-01-01 UTC).
 * Checks each visited URL against url, domain and IP indicators.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <math.h>
#include <stdlib.h>

#include "modules/chrome.h"
#include "scan/checks.h"

/* visit_time breaks ties by visit id: MVT orders by time alone, which
 * leaves same-time visits in whatever order SQLite picks. The NULL column
 * holds MVT's isodate at its place among the keys. */
static const char chrome_history_sql[] =
    "SELECT urls.id AS id, urls.url AS url, visits.id AS visit_id,"
    " visits.visit_time AS timestamp, NULL AS isodate,"
    " visits.from_visit AS redirect_source"
    " FROM urls JOIN visits ON visits.url = urls.id"
    " ORDER BY visits.visit_time, visits.id";

enum { F_ID, F_URL, F_VISIT_ID, F_TIMESTAMP, F_ISODATE, F_REDIRECT_SOURCE };
const char *const vg_chrome_history_fields[VG_CHROME_HISTORY_N_FIELDS] = {
    "id", "url", "visit_id", "timestamp", "isodate", "redirect_source",
};

/* MVT's convert_chrometime_to_datetime of a record value: "" when it is
 * not a number or not a usable time. */
static const char *chrome_time_iso(const struct vg_val *v, char *buf)
{
    int64_t us = 0;
    int ok = 1;

    if (v->t == VG_VT_INT)
        us = v->u.i;
    else if (v->t == VG_VT_REAL && fabs(v->u.d) < 9.2e18)
        us = (int64_t)llround(v->u.d);
    else
        ok = 0;
    if (!ok || vg_isodate_chrome(us, buf) != VG_OK)
        buf[0] = '\0';
    return buf;
}

static int chrome_history_row(struct vg_run *run, struct vg_rec *r, sqlite3_stmt *st)
{
    char buf[VG_ISODATE_LEN + 1];

    VG_UNUSED(run);
    VG_UNUSED(st);
    vg_rec_set_text(r, F_ISODATE, chrome_time_iso(vg_rec_val(r, F_TIMESTAMP), buf));
    return VG_OK;
}

void vg_chrome_history_check(struct vg_run *run, const struct vg_rec *r)
{
    vg_check_url(run, VG_LEVEL_CRITICAL, r, vg_rec_text(r, F_URL), vg_rec_time(r, F_ISODATE));
}

void vg_chrome_history_timeline(struct vg_run *run, const struct vg_rec *r)
{
    char id[VG_PY_BUF], url[VG_PY_BUF], visit[VG_PY_BUF], from[VG_PY_BUF];
    char *desc = vg_asprintf(
        "%s - %s (visit ID: %s, redirect source: %s)", vg_val_py(vg_rec_val(r, F_ID), id),
        vg_val_py(vg_rec_val(r, F_URL), url), vg_val_py(vg_rec_val(r, F_VISIT_ID), visit),
        vg_val_py(vg_rec_val(r, F_REDIRECT_SOURCE), from));

    if (!desc) {
        vg_run_nomem(run);
        return;
    }
    vg_run_timeline(run, vg_rec_time(r, F_ISODATE), "visit", desc);
    free(desc);
}

/* Deleted visits are recovered and joined to their page (urls, live or
 * deleted: Chrome deletes a page with its last visit). */
static const char *const chrome_joined[] = {"urls"};
static const struct vg_recover_spec chrome_recover = {"visits", chrome_joined,
                                                      VG_ARRAY_LEN(chrome_joined)};

static const struct vg_db_query chrome_history_query = {
    .sql = chrome_history_sql,
    .row = chrome_history_row,
    .recover = &chrome_recover,
};

static int chrome_history_log(struct vg_run *run, int rc)
{
    vg_run_log(run, VG_DIAG_INFO, "Extracted a total of %zu history items",
               vg_run_record_count(run));
    return rc;
}

int vg_chrome_history_extract_all(struct vg_run *run)
{
    return chrome_history_log(run, vg_db_each_records(run, &chrome_history_query));
}

int vg_chrome_history_extract_first(struct vg_run *run)
{
    return chrome_history_log(run, vg_db_first_records(run, &chrome_history_query));
}
