/*
 * DumpsysActivities: the activities of the package section's Activity
 * Resolver Table, one record per activity and intent ({intent,
 * package_name, activity}, MVT's). Checks the package against app
 * indicators.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include "modules/android/dumpsys_common.h"

static const struct vg_loc act_locs[] = {
    {VG_LOC_DUMPSYS, "ignore", "package"},
};

enum { F_PACKAGE };
static const char *const act_fields[] = {"package_name"};

static int act_extract(struct vg_run *run)
{
    int rc = vg_android_dumpsys_run(run, VG_DUMPSYS_ACTIVITIES);

    vg_run_log(run, VG_DIAG_INFO, "Extracted %zu package activities", vg_run_record_count(run));
    return rc;
}

static void act_check(struct vg_run *run, const struct vg_rec *r)
{
    vg_check_app_id(run, VG_LEVEL_CRITICAL, r, vg_rec_text(r, F_PACKAGE), "");
}

const struct vg_module vg_mod_dumpsys_activities = {
    .name = "dumpsys_activities",
    .class_name = "DumpsysActivities",
    .description = "activities by intent (dumpsys package): app indicators",
    .locs = act_locs,
    .n_locs = VG_ARRAY_LEN(act_locs),
    .fields = act_fields,
    .n_fields = VG_ARRAY_LEN(act_fields),
    .extract = act_extract,
    .check_record = act_check,
};
