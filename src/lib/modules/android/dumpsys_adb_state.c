/*
 * DumpsysADBState: the adb service's state (one record: its
 * debugging_manager object, with the trusted host keys and their
 * fingerprints, MVT's). MVT 2026.7.29 raises no alert on it; the keys are
 * in the record for the analyst (a computer trusted for USB debugging can
 * install apps and read data).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include "modules/android/dumpsys_common.h"

static const struct vg_loc adb_locs[] = {
    {VG_LOC_DUMPSYS, "bytes", "adb"},
};

enum { F_USER_KEYS };
static const char *const adb_fields[] = {"user_keys"};

static int adb_extract(struct vg_run *run)
{
    return vg_android_dumpsys_run(run, VG_DUMPSYS_ADB);
}

static void adb_check(struct vg_run *run, const struct vg_rec *r)
{
    const json_t *keys = vg_rec_json(r, F_USER_KEYS), *k;
    char u[VG_PY_BUF], f[VG_PY_BUF];
    size_t i;

    vg_run_log(run, VG_DIAG_INFO, "Identified a total of %zu trusted ADB keys",
               json_array_size(keys));
    json_array_foreach(keys, i, k)
    {
        vg_run_log(run, VG_DIAG_DEBUG, "Found trusted ADB key for user '%s' with fingerprint '%s'",
                   vg_py_str(json_object_get(k, "user"), u),
                   vg_py_str(json_object_get(k, "fingerprint"), f));
    }
}

const struct vg_module vg_mod_dumpsys_adb_state = {
    .name = "dumpsys_adb_state",
    .class_name = "DumpsysADBState",
    .description = "adb state (dumpsys adb): the computers trusted for USB debugging",
    .locs = adb_locs,
    .n_locs = VG_ARRAY_LEN(adb_locs),
    .fields = adb_fields,
    .n_fields = VG_ARRAY_LEN(adb_fields),
    .extract = adb_extract,
    .check_record = adb_check,
};
