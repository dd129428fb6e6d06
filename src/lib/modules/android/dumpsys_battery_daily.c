/*
 * DumpsysBatteryDaily: the package updates batterystats' daily stats
 * recorded ({action, from, to, package_name, vers[, previous_vers]},
 * MVT's). Flags (MEDIUM) an uninstall (vers 0) or a downgrade, as MVT
 * does: a downgrade is how an exploit can bring back a vulnerable app; and
 * checks the package against app indicators. The timeline gets each
 * update, uninstall and downgrade at the day's start.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include "modules/android/dumpsys_common.h"

static const struct vg_loc daily_locs[] = {
    {VG_LOC_DUMPSYS, "replace", "batterystats"},
};

enum { F_ACTION, F_FROM, F_PACKAGE, F_VERS, F_PREVIOUS };
static const char *const daily_fields[] = {"action", "from", "package_name", "vers",
                                           "previous_vers"};

static int daily_extract(struct vg_run *run)
{
    int rc = vg_android_dumpsys_run(run, VG_DUMPSYS_BATTERY_DAILY);

    vg_run_log(run, VG_DIAG_INFO, "Extracted a total of %zu battery daily stats",
               vg_run_record_count(run));
    return rc;
}

static void daily_check(struct vg_run *run, const struct vg_rec *r)
{
    char msg[VG_MAX_MESSAGE];
    json_t *rec = vg_rec_to_json(r);

    if (!rec) {
        vg_run_nomem(run);
        return;
    }
    if (vg_dumpsys_battery_daily_alert(rec, msg, sizeof(msg)))
        vg_run_alert(run, VG_LEVEL_MEDIUM, r, NULL, vg_rec_time(r, F_FROM), "%s", msg);
    json_decref(rec);
    vg_check_app_id(run, VG_LEVEL_CRITICAL, r, vg_rec_text(r, F_PACKAGE), "");
}

static void daily_timeline(struct vg_run *run, const struct vg_rec *r)
{
    char p[VG_PY_BUF], v[VG_PY_BUF], pv[VG_PY_BUF];
    const char *pkg = vg_val_py(vg_rec_val(r, F_PACKAGE), p);
    const char *vers = vg_val_py(vg_rec_val(r, F_VERS), v);
    const char *action = vg_rec_text(r, F_ACTION);
    const char *prev = vg_rec_val(r, F_PREVIOUS)->t == VG_VT_ABSENT || vg_rec_key(r, F_PREVIOUS) < 0
                           ? "unknown"
                           : vg_val_py(vg_rec_val(r, F_PREVIOUS), pv);
    char *data;

    if (strcmp(vers, "0") == 0)
        data = vg_asprintf("Recorded uninstall of package %s (vers 0)", pkg);
    else if (action && strcmp(action, "downgrade") == 0)
        data = vg_asprintf("Recorded downgrade of package %s from vers %s to vers %s", pkg, prev,
                           vers);
    else
        data = vg_asprintf("Recorded update of package %s with vers %s", pkg, vers);
    if (!data) {
        vg_run_nomem(run);
        return;
    }
    vg_run_timeline(run, vg_rec_time(r, F_FROM), "battery_daily", data);
    free(data);
}

const struct vg_module vg_mod_dumpsys_battery_daily = {
    .name = "dumpsys_battery_daily",
    .class_name = "DumpsysBatteryDaily",
    .description = "package updates in daily battery stats (dumpsys batterystats): "
                   "uninstalls, downgrades, app indicators",
    .locs = daily_locs,
    .n_locs = VG_ARRAY_LEN(daily_locs),
    .fields = daily_fields,
    .n_fields = VG_ARRAY_LEN(daily_fields),
    .extract = daily_extract,
    .check_record = daily_check,
    .timeline = daily_timeline,
};
