/*
 * DumpsysPlatformCompat: apps the platform_compat service still lists
 * overrides for although they are gone ({package_name}, MVT's): traces of
 * uninstalled apps. Checks them against app indicators.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include "modules/android/dumpsys_common.h"

static const struct vg_loc compat_locs[] = {
    {VG_LOC_DUMPSYS, "replace", "platform_compat"},
};

enum { F_PACKAGE };
static const char *const compat_fields[] = {"package_name"};

static int compat_extract(struct vg_run *run)
{
    int rc = vg_android_dumpsys_run(run, VG_DUMPSYS_PLATFORM_COMPAT);

    vg_run_log(run, VG_DIAG_INFO, "Found %zu uninstalled apps", vg_run_record_count(run));
    return rc;
}

static void compat_check(struct vg_run *run, const struct vg_rec *r)
{
    vg_check_app_id(run, VG_LEVEL_CRITICAL, r, vg_rec_text(r, F_PACKAGE), "");
}

const struct vg_module vg_mod_dumpsys_platform_compat = {
    .name = "dumpsys_platform_compat",
    .class_name = "DumpsysPlatformCompat",
    .description = "uninstalled apps left in compatibility overrides (dumpsys platform_compat): "
                   "app indicators",
    .locs = compat_locs,
    .n_locs = VG_ARRAY_LEN(compat_locs),
    .fields = compat_fields,
    .n_fields = VG_ARRAY_LEN(compat_fields),
    .extract = compat_extract,
    .check_record = compat_check,
};
