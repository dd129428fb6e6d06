/*
 * AQFGetProp: the system properties of getprop.txt, one record per
 * property ({name, value}, MVT's). Flags a security patch level more than
 * six months old, and, with indicators, property names that are Android
 * property indicators. The device's model, Android version and patch level
 * go to info.json's "device".
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <time.h>

#include "formats/android/getprop.h"
#include "modules/android/common.h"

static const struct vg_loc prop_locs[] = {
    {VG_LOC_AQF, NULL, "getprop.txt"},
};

enum { F_NAME, F_VALUE };
static const char *const prop_fields[] = {"name", "value"};

/* Properties that say which phone this is, as info.json's "device" keys. */
static const struct {
    const char *prop, *key;
} device_facts[] = {
    {"ro.product.manufacturer", "manufacturer"},
    {"ro.product.model", "model"},
    {"ro.build.version.release", "android_version"},
    {"ro.build.version.sdk", "sdk"},
    {VG_GETPROP_PATCH_PROP, "security_patch"},
    {"ro.build.fingerprint", "build_fingerprint"},
    {"persist.sys.timezone", "timezone"},
};

static int prop_parse(struct vg_run *run, const struct vg_file *f, const unsigned char *data,
                      size_t len, struct vg_aqf_sink *s, void *ud)
{
    VG_UNUSED(run);
    VG_UNUSED(f);
    VG_UNUSED(ud);
    return vg_getprop_parse(data, len, s);
}

static int prop_extract(struct vg_run *run)
{
    int rc = vg_android_each_file(run, &prop_locs[0], 1, prop_parse, NULL, NULL);

    vg_run_log(run, VG_DIAG_INFO, "Extracted a total of %zu properties", vg_run_record_count(run));
    return rc;
}

static void prop_device(struct vg_run *run, const char *name, const char *value)
{
    size_t i;

    for (i = 0; i < VG_ARRAY_LEN(device_facts); i++)
        if (strcmp(name, device_facts[i].prop) == 0)
            vg_run_device(run, device_facts[i].key, json_string(value));
}

static void prop_patch(struct vg_run *run, const struct vg_rec *r, const char *value)
{
    int stale = 0;

    if (vg_getprop_patch_stale(value, (int64_t)time(NULL), &stale) != VG_OK) {
        vg_run_log(run, VG_DIAG_WARN, "%s is no date (YYYY-MM-DD): \"%s\"", VG_GETPROP_PATCH_PROP,
                   value);
        return;
    }
    if (stale)
        vg_run_alert(run, VG_LEVEL_MEDIUM, r, NULL, "", VG_GETPROP_PATCH_MSG, value);
}

static void prop_check(struct vg_run *run, const struct vg_rec *r)
{
    const char *name = vg_rec_text(r, F_NAME);
    const char *value = vg_rec_text(r, F_VALUE);

    if (!name)
        return;
    if (value && vg_getprop_interesting(name))
        vg_run_log(run, VG_DIAG_INFO, "%s: %s", name, value);
    if (value)
        prop_device(run, name, value);
    if (value && strcmp(name, VG_GETPROP_PATCH_PROP) == 0)
        prop_patch(run, r, value);
    vg_check_property(run, VG_LEVEL_CRITICAL, r, name, "");
}

const struct vg_module vg_mod_aqf_getprop = {
    .name = "aqf_get_prop",
    .class_name = "AQFGetProp",
    .description = "system properties (getprop.txt): security patch age, property indicators",
    .locs = prop_locs,
    .n_locs = VG_ARRAY_LEN(prop_locs),
    .fields = prop_fields,
    .n_fields = VG_ARRAY_LEN(prop_fields),
    .extract = prop_extract,
    .check_record = prop_check,
};
