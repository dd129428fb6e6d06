/*
 * DumpsysAccessibility: the accessibility services of the accessibility
 * section, installed or enabled ({package_name, service}, MVT's). An
 * accessibility service reads the screen and acts for the user, so MVT
 * flags every one (MEDIUM) for a person to look at, and a service of a
 * package that is an app indicator CRITICAL instead.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include "modules/android/dumpsys_common.h"

static const struct vg_loc access_locs[] = {
    {VG_LOC_DUMPSYS, "ignore", "accessibility"},
};

enum { F_PACKAGE, F_SERVICE };
static const char *const access_fields[] = {"package_name", "service"};

static int access_extract(struct vg_run *run)
{
    int rc = vg_android_dumpsys_run(run, VG_DUMPSYS_ACCESSIBILITY);

    vg_run_log(run, VG_DIAG_INFO, "Identified a total of %zu accessibility services",
               vg_run_record_count(run));
    return rc;
}

static void access_check(struct vg_run *run, const struct vg_rec *r)
{
    char buf[VG_PY_BUF];

    if (vg_check_app_id(run, VG_LEVEL_CRITICAL, r, vg_rec_text(r, F_PACKAGE), ""))
        return;
    vg_run_alert(run, VG_LEVEL_MEDIUM, r, NULL, "", "Found accessibility service: \"%s\"",
                 vg_val_py(vg_rec_val(r, F_SERVICE), buf));
}

const struct vg_module vg_mod_dumpsys_accessibility = {
    .name = "dumpsys_accessibility",
    .class_name = "DumpsysAccessibility",
    .description = "accessibility services (dumpsys accessibility): each flagged, app indicators",
    .locs = access_locs,
    .n_locs = VG_ARRAY_LEN(access_locs),
    .fields = access_fields,
    .n_fields = VG_ARRAY_LEN(access_fields),
    .extract = access_extract,
    .check_record = access_check,
};
