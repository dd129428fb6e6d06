/*
 * Calls: the phone and FaceTime call log (CallHistory.storedata,
 * ZCALLRECORD): date, duration, location, the other party's handle and the
 * service. MVT checks nothing here; vigie looks FaceTime handles that are
 * email addresses up in the email indicators.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <stdlib.h>

#include "modules/ios/common.h"
#include "modules/ios/list.h"

static const struct vg_artifact calls_artifacts[] = {
    {"HomeDomain", "Library/CallHistoryDB/CallHistory.storedata",
     "private/var/mobile/Library/CallHistoryDB/CallHistory.storedata"},
};

/* MVT has no ORDER BY; Z_PK gives every run the same order. */
static const char calls_sql[] = "SELECT ZDATE, ZDURATION, ZLOCATION, ZADDRESS, ZSERVICE_PROVIDER"
                                " FROM ZCALLRECORD ORDER BY Z_PK";

static json_t *call_record(struct vg_run *run, sqlite3_stmt *st)
{
    (void)run;
    return json_pack("{s:o, s:o, s:o, s:o, s:o}", "isodate", vg_col_cocoa_iso(st, 0), "duration",
                     vg_col_json_value(st, 1), "location", vg_col_json_value(st, 2), "number",
                     vg_col_json_value(st, 3), "provider", vg_col_json_value(st, 4));
}

static int calls_extract(struct vg_run *run)
{
    int rc = vg_ios_each_db_records(run, calls_sql, call_record);
    vg_run_log(run, VG_DIAG_INFO, "Extracted a total of %zu calls", vg_run_record_count(run));
    return rc;
}

/* FaceTime calls keep an Apple ID handle, often an email address. */
static void calls_check(struct vg_run *run)
{
    json_t *rec;
    size_t i;

    json_array_foreach(vg_run_records(run), i, rec)
    {
        const char *number = vg_rec_str(rec, "number");
        if (number && strchr(number, '@'))
            vg_check_email(run, VG_LEVEL_CRITICAL, rec, number, vg_rec_time(rec, "isodate"));
    }
}

static void calls_timeline(struct vg_run *run, const json_t *rec)
{
    char number[VG_PY_BUF], provider[VG_PY_BUF], duration[VG_PY_BUF];
    char *desc = vg_asprintf("From %s using %s during %s seconds",
                             vg_py_str(json_object_get(rec, "number"), number),
                             vg_py_str(json_object_get(rec, "provider"), provider),
                             vg_py_str(json_object_get(rec, "duration"), duration));

    if (!desc)
        return;
    vg_run_timeline(run, vg_rec_time(rec, "isodate"), "call", desc);
    free(desc);
}

const struct vg_module vg_mod_calls = {
    .name = "calls",
    .class_name = "Calls",
    .description = "phone and FaceTime call log (CallHistory.storedata); email indicators on "
                   "FaceTime handles (beyond MVT, which checks nothing here)",
    .sources = VG_SRC_MIXED,
    .artifacts = calls_artifacts,
    .n_artifacts = VG_ARRAY_LEN(calls_artifacts),
    .extract = calls_extract,
    .check = calls_check,
    .timeline = calls_timeline,
};
