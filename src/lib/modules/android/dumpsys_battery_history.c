/*
 * DumpsysBatteryHistory: jobs, wake alarms and foreground apps from
 * batterystats' history ({time_elapsed, event, uid, package_name,
 * service}, MVT's). Checks the package against app indicators.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include "modules/android/dumpsys_common.h"

static const struct vg_loc history_locs[] = {
    {VG_LOC_DUMPSYS, "replace", "batterystats"},
};

enum { F_PACKAGE };
static const char *const history_fields[] = {"package_name"};

static int history_extract(struct vg_run *run)
{
    int rc = vg_android_dumpsys_run(run, VG_DUMPSYS_BATTERY_HISTORY);

    vg_run_log(run, VG_DIAG_INFO, "Extracted a total of %zu battery history records",
               vg_run_record_count(run));
    return rc;
}

static void history_check(struct vg_run *run, const struct vg_rec *r)
{
    vg_check_app_id(run, VG_LEVEL_CRITICAL, r, vg_rec_text(r, F_PACKAGE), "");
}

const struct vg_module vg_mod_dumpsys_battery_history = {
    .name = "dumpsys_battery_history",
    .class_name = "DumpsysBatteryHistory",
    .description = "jobs, wake alarms and foreground apps in battery history (dumpsys "
                   "batterystats): app indicators",
    .locs = history_locs,
    .n_locs = VG_ARRAY_LEN(history_locs),
    .fields = history_fields,
    .n_fields = VG_ARRAY_LEN(history_fields),
    .extract = history_extract,
    .check_record = history_check,
};
