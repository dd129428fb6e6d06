/*
 * GlobalPreferences: every top-level entry of .GlobalPreferences.plist, as
 * MVT's GlobalPreferences. Reports whether Lockdown Mode is on
 * (LDMGlobalEnabled): informational when on, low when off, as MVT.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <math.h>
#include <stdlib.h>

#include "modules/ios/common.h"
#include "modules/ios/list.h"
#include "util/rd.h"

static const struct vg_artifact global_preferences_artifacts[] = {
    {"HomeDomain", "Library/Preferences/.GlobalPreferences.plist",
     "private/var/mobile/Library/Preferences/.GlobalPreferences.plist"},
};

/* A date's exact value. libplist's getter truncates to whole microseconds
 * where Python's plistlib rounds, so read the 8-byte real back from the node
 * serialised alone: "bplist00", marker 0x33, big-endian double. */
static int date_seconds(plist_t node, double *out)
{
    char *bin = NULL;
    uint32_t len = 0;
    struct vg_rd r;
    uint64_t bits;
    int ok;

    plist_to_bin(node, &bin, &len);
    if (!bin)
        return 0;
    vg_rd_init(&r, bin, len);
    ok = vg_rd_bytes(&r, 8) && memcmp(bin, "bplist00", 8) == 0 && vg_rd_u8(&r) == 0x33;
    bits = vg_rd_be64(&r);
    ok = ok && !r.err;
    free(bin);
    if (!ok)
        return 0;
    memcpy(out, &bits, sizeof(*out));
    return isfinite(*out);
}

/* As MVT writes a plistlib datetime: str(datetime), whole seconds without a
 * fraction. Microseconds rounded half to even, as timedelta does. */
static json_t *date_json(plist_t node)
{
    char buf[VG_ISODATE_LEN + 1];
    double s, whole, us;
    int64_t secs;

    if (!date_seconds(node, &s) || s < -1e12 || s > 1e12)
        return json_null();
    whole = floor(s);
    us = nearbyint((s - whole) * 1e6); /* default rounding mode: half to even */
    secs = (int64_t)whole + VG_COCOA_EPOCH;
    if (us >= 1e6) {
        us -= 1e6;
        secs++;
    }
    if (vg_isodate(secs, (int32_t)us, buf) != VG_OK)
        return json_null();
    if (us == 0)
        buf[19] = '\0';
    return json_string(buf);
}

/* vg_plist_to_json, with dates at any depth written as MVT writes them. The
 * depth is bounded by the parser's VG_MAX_PLIST_DEPTH. */
static json_t *value_json(plist_t node)
{
    json_t *j;

    switch (plist_get_node_type(node)) {
    case PLIST_DATE:
        return date_json(node);
    case PLIST_ARRAY: {
        uint32_t i, n = plist_array_get_size(node);
        j = json_array();
        for (i = 0; j && i < n; i++)
            json_array_append_new(j, value_json(plist_array_get_item(node, i)));
        return j;
    }
    case PLIST_DICT: {
        plist_dict_iter it = NULL;
        char *key;
        plist_t val;
        j = json_object();
        plist_dict_new_iter(node, &it);
        for (;;) {
            key = NULL;
            val = NULL;
            plist_dict_next_item(node, it, &key, &val);
            if (!key)
                break;
            if (j)
                json_object_set_new(j, key, value_json(val));
            free(key);
        }
        free(it);
        return j;
    }
    default:
        j = vg_plist_to_json(node);
        return j ? j : json_null(); /* NaN and infinities have no JSON form */
    }
}

static int prefs_plist(struct vg_run *run, const struct vg_file *f, plist_t root, void *ud)
{
    plist_dict_iter it = NULL;
    char *key;
    plist_t val;
    int rc = VG_OK;
    (void)ud;

    if (plist_get_node_type(root) != PLIST_DICT) {
        vg_run_log(run, VG_DIAG_WARN, "%s: the top level is not a dictionary", f->display);
        vg_run_coverage(run, VG_COV_UNREADABLE, f->display, "top level is not a dictionary");
        return VG_OK;
    }
    plist_dict_new_iter(root, &it);
    while (rc == VG_OK) {
        key = NULL;
        val = NULL;
        plist_dict_next_item(root, it, &key, &val);
        if (!key)
            break;
        rc =
            vg_run_add_record(run, json_pack("{s:s, s:o}", "entry", key, "value", value_json(val)));
        free(key);
    }
    free(it);
    return rc;
}

static int global_preferences_extract(struct vg_run *run)
{
    return vg_ios_each_plist(run, prefs_plist, NULL);
}

static void global_preferences_check(struct vg_run *run)
{
    const char *entry;
    json_t *rec;
    size_t i;

    json_array_foreach(vg_run_records(run), i, rec)
    {
        entry = vg_rec_str(rec, "entry");
        if (!entry || strcmp(entry, "LDMGlobalEnabled") != 0)
            continue;
        if (vg_py_truthy(json_object_get(rec, "value")))
            vg_run_alert(run, VG_LEVEL_INFO, rec, NULL, "", "Lockdown mode enabled");
        else
            vg_run_alert(run, VG_LEVEL_LOW, rec, NULL, "", "Lockdown mode disabled");
    }
}

const struct vg_module vg_mod_global_preferences = {
    .name = "global_preferences",
    .class_name = "GlobalPreferences",
    .description = "entries of .GlobalPreferences.plist; reports whether Lockdown Mode is on",
    .sources = VG_SRC_MIXED,
    .artifacts = global_preferences_artifacts,
    .n_artifacts = VG_ARRAY_LEN(global_preferences_artifacts),
    .extract = global_preferences_extract,
    .check = global_preferences_check,
};
