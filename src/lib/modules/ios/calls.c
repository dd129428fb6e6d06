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

static const struct vg_loc calls_locs[] = {
    {VG_LOC_BACKUP, "HomeDomain", "Library/CallHistoryDB/CallHistory.storedata"},
    {VG_LOC_FS, NULL, "private/var/mobile/Library/CallHistoryDB/CallHistory.storedata"},
};

enum { F_ISODATE, F_DURATION, F_NUMBER, F_PROVIDER };
static const char *const calls_fields[] = {"isodate", "duration", "number", "provider"};

static int call_row(struct vg_run *run, struct vg_rec *r, sqlite3_stmt *st)
{
    char buf[VG_ISODATE_LEN + 1];

    VG_UNUSED(run);
    VG_UNUSED(st);
    vg_rec_set_text(r, F_ISODATE, vg_val_cocoa_iso(vg_rec_val(r, F_ISODATE), buf));
    return VG_OK;
}

/* The record's keys are the column aliases. MVT has no ORDER BY; Z_PK
 * gives every run the same order. */
static const struct vg_db_query calls_query = {
    .sql = "SELECT ZDATE AS isodate, ZDURATION AS duration, ZLOCATION AS location,"
           " ZADDRESS AS number, ZSERVICE_PROVIDER AS provider"
           " FROM ZCALLRECORD ORDER BY Z_PK",
    .blob_as_text = 1,
    .row = call_row,
};

static int calls_extract(struct vg_run *run)
{
    int rc = vg_db_each_records(run, &calls_query);
    vg_run_log(run, VG_DIAG_INFO, "Extracted a total of %zu calls", vg_run_record_count(run));
    return rc;
}

/* FaceTime calls keep an Apple ID handle, often an email address. */
static void calls_check(struct vg_run *run, const struct vg_rec *rec)
{
    const char *number = vg_rec_text(rec, F_NUMBER);

    vg_check_counterpart(run, VG_LEVEL_CRITICAL, rec, number, vg_rec_time(rec, F_ISODATE));
}

static void calls_timeline(struct vg_run *run, const struct vg_rec *rec)
{
    char number[VG_PY_BUF], provider[VG_PY_BUF], duration[VG_PY_BUF];
    char *desc = vg_asprintf("From %s using %s during %s seconds",
                             vg_val_py(vg_rec_val(rec, F_NUMBER), number),
                             vg_val_py(vg_rec_val(rec, F_PROVIDER), provider),
                             vg_val_py(vg_rec_val(rec, F_DURATION), duration));

    if (!desc) {
        vg_run_nomem(run);
        return;
    }
    vg_run_timeline(run, vg_rec_time(rec, F_ISODATE), "call", desc);
    free(desc);
}

const struct vg_module vg_mod_calls = {
    .name = "calls",
    .class_name = "Calls",
    .description = "phone and FaceTime call log (CallHistory.storedata); email indicators on "
                   "FaceTime handles (beyond MVT, which checks nothing here)",
    .locs = calls_locs,
    .n_locs = VG_ARRAY_LEN(calls_locs),
    .fields = calls_fields,
    .n_fields = VG_ARRAY_LEN(calls_fields),
    .extract = calls_extract,
    .check_record = calls_check,
    .timeline = calls_timeline,
};
