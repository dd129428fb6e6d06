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
#include "util/rd.h"
#include "util/utf8.h"

static const struct vg_loc global_preferences_locs[] = {
    {VG_LOC_BACKUP, "HomeDomain", "Library/Preferences/.GlobalPreferences.plist"},
    {VG_LOC_FS, NULL, "private/var/mobile/Library/Preferences/.GlobalPreferences.plist"},
};

/* The record's keys (MVT's); also the fields the check reads. */
enum { F_ENTRY, F_VALUE };
static const char *const prefs_fields[] = {"entry", "value"};

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

/* vg_plist_to_json, with dates at any depth written as MVT writes them.
 * NULL only when out of memory. The depth is bounded by the parser's
 * VG_MAX_PLIST_DEPTH. */
static json_t *value_json(plist_t node);

static json_t *array_json(plist_t node)
{
    json_t *j = json_array();
    uint32_t i, n = plist_array_get_size(node);

    for (i = 0; j && i < n; i++) {
        json_t *v = value_json(plist_array_get_item(node, i));
        if (!v || json_array_append_new(j, v) != 0) {
            json_decref(j);
            j = NULL;
        }
    }
    return j;
}

static json_t *dict_json(plist_t node)
{
    plist_dict_iter it = NULL;
    json_t *j = json_object();
    char *key;
    plist_t val;

    plist_dict_new_iter(node, &it);
    while (j) {
        json_t *v;
        key = NULL;
        val = NULL;
        plist_dict_next_item(node, it, &key, &val);
        if (!key)
            break;
        v = value_json(val);
        /* a key that is not UTF-8 cannot be a JSON key: left out */
        if (!v || (json_object_set_new(j, key, v) != 0 && vg_utf8_valid(key, strlen(key)))) {
            json_decref(j);
            j = NULL;
        }
        free(key);
    }
    free(it);
    return j;
}

static json_t *value_json(plist_t node)
{
    switch (plist_get_node_type(node)) {
    case PLIST_DATE:
        return date_json(node);
    case PLIST_ARRAY:
        return array_json(node);
    case PLIST_DICT:
        return dict_json(node);
    default:
        return vg_plist_to_json(node);
    }
}

/* One top-level entry: its name (any bytes: the writer repairs text that
 * is not UTF-8) and its value, scalars typed, containers nested. */
static int entry_emit(struct vg_run *run, const struct vg_schema *schema, const char *key,
                      plist_t val)
{
    struct vg_rec *r = vg_run_rec(run, schema);
    json_t *v = value_json(val);
    struct vg_val x;
    int rc;

    if (!r || !v) {
        json_decref(v);
        vg_run_nomem(run);
        return VG_E_NOMEM;
    }
    vg_rec_set_text_ref(r, F_ENTRY, key, strlen(key));
    vg_val_from_json(&x, v);
    vg_rec_set_val(r, F_VALUE, &x);
    rc = vg_run_emit(run, r);
    json_decref(v);
    return rc;
}

static int prefs_plist(struct vg_run *run, const struct vg_file *f, plist_t root, void *ud)
{
    const struct vg_schema *schema = NULL;
    plist_dict_iter it = NULL;
    char *key;
    plist_t val;
    int rc;
    (void)ud;

    if (plist_get_node_type(root) != PLIST_DICT) {
        vg_run_log(run, VG_DIAG_WARN, "%s: the top level is not a dictionary", f->display);
        vg_run_coverage(run, VG_COV_UNREADABLE, f->display, "top level is not a dictionary");
        return VG_OK;
    }
    rc = vg_run_schema(run, prefs_fields, VG_ARRAY_LEN(prefs_fields), &schema);
    plist_dict_new_iter(root, &it);
    while (rc == VG_OK) {
        key = NULL;
        val = NULL;
        plist_dict_next_item(root, it, &key, &val);
        if (!key)
            break;
        rc = entry_emit(run, schema, key, val);
        free(key);
    }
    free(it);
    return rc;
}

static int global_preferences_extract(struct vg_run *run)
{
    return vg_ios_each_plist(run, prefs_plist, NULL);
}

static void global_preferences_check_one(struct vg_run *run, const struct vg_rec *rec)
{
    const char *entry = vg_rec_text(rec, F_ENTRY);

    if (!entry || strcmp(entry, "LDMGlobalEnabled") != 0)
        return;
    if (vg_val_truthy(vg_rec_val(rec, F_VALUE)))
        vg_run_alert(run, VG_LEVEL_INFO, rec, NULL, "", "Lockdown mode enabled");
    else
        vg_run_alert(run, VG_LEVEL_LOW, rec, NULL, "", "Lockdown mode disabled");
}

const struct vg_module vg_mod_global_preferences = {
    .name = "global_preferences",
    .class_name = "GlobalPreferences",
    .description = "entries of .GlobalPreferences.plist; reports whether Lockdown Mode is on",
    .locs = global_preferences_locs,
    .n_locs = VG_ARRAY_LEN(global_preferences_locs),
    .fields = prefs_fields,
    .n_fields = VG_ARRAY_LEN(prefs_fields),
    .extract = global_preferences_extract,
    .check_record = global_preferences_check_one,
};
