/*
 * OSAnalyticsADDaily: com.apple.osanalytics.addaily.plist, the daily
 * network usage baseline per process (Wi-Fi and cellular bytes in and out).
 * Checks each process name against process indicators: Pegasus processes
 * have shown up here.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <stdlib.h>

#include "modules/ios/common.h"

static const struct vg_loc addaily_locs[] = {
    {VG_LOC_BACKUP, "HomeDomain", "Library/Preferences/com.apple.osanalytics.addaily.plist"},
    {VG_LOC_FS, NULL, "private/var/mobile/Library/Preferences/com.apple.osanalytics.addaily.plist"},
};

enum { F_PACKAGE, F_TS, F_WIFI_IN, F_WIFI_OUT, F_WWAN_IN, F_WWAN_OUT };
static const char *const addaily_fields[] = {"package",  "ts",      "wifi_in",
                                             "wifi_out", "wwan_in", "wwan_out"};

/* The counters after the date, in the order of the plist's arrays. */
static const char *const counters[] = {"wifi_in", "wifi_out", "wwan_in", "wwan_out"};

/* "process": [date, wifi in, wifi out, wwan in, wwan out] */
static json_t *baseline_record(const char *package, plist_t values)
{
    json_t *rec;
    uint32_t i;

    rec = json_pack("{s:s, s:o}", "package", package, "ts",
                    vg_ios_plist_date_iso(plist_array_get_item(values, 0)));
    for (i = 0; rec && i < VG_ARRAY_LEN(counters); i++) {
        json_t *v = vg_plist_to_json(plist_array_get_item(values, i + 1));
        if (!v || json_object_set_new(rec, counters[i], v) != 0) {
            json_decref(rec);
            rec = NULL;
        }
    }
    return rec;
}

static int addaily_plist(struct vg_run *run, const struct vg_file *f, plist_t root, void *ud)
{
    plist_t base = NULL, values = NULL;
    plist_dict_iter it = NULL;
    char *key;
    int rc = VG_OK;

    (void)ud;
    if (plist_get_node_type(root) == PLIST_DICT)
        base = plist_dict_get_item(root, "netUsageBaseline");
    if (!base || plist_get_node_type(base) != PLIST_DICT) {
        vg_run_log(run, VG_DIAG_INFO, "%s has no netUsageBaseline", f->display);
        return VG_OK;
    }
    plist_dict_new_iter(base, &it);
    while (rc == VG_OK) {
        json_t *rec;
        key = NULL;
        plist_dict_next_item(base, it, &key, &values);
        if (!key)
            break;
        if (values && plist_get_node_type(values) == PLIST_ARRAY) {
            /* a name that is not UTF-8 costs its record, with a note */
            rec = baseline_record(key, values);
            if (rec)
                rc = vg_run_emit_json(run, rec);
            else
                vg_run_log(run, VG_DIAG_WARN, "%s: a process entry could not be read, skipped",
                           f->display);
        }
        free(key);
    }
    free(it);
    return rc;
}

static int addaily_extract(struct vg_run *run)
{
    int rc = vg_ios_each_plist(run, addaily_plist, NULL);
    if (rc != VG_OK && rc != VG_E_NOTFOUND)
        return rc;
    vg_run_log(run, VG_DIAG_INFO, "extracted a total of %zu com.apple.osanalytics.addaily entries",
               vg_run_record_count(run));
    return VG_OK;
}

static void addaily_check(struct vg_run *run, const struct vg_rec *rec)
{
    vg_check_process(run, VG_LEVEL_CRITICAL, rec, vg_rec_text(rec, F_PACKAGE),
                     vg_rec_time(rec, F_TS));
}

static void addaily_timeline(struct vg_run *run, const struct vg_rec *rec)
{
    char n[4][VG_PY_BUF];
    char *desc;

    desc = vg_asprintf(
        "%s WIFI IN: %s, WIFI OUT: %s - WWAN IN: %s, WWAN OUT: %s", vg_rec_time(rec, F_PACKAGE),
        vg_val_py(vg_rec_val(rec, F_WIFI_IN), n[0]), vg_val_py(vg_rec_val(rec, F_WIFI_OUT), n[1]),
        vg_val_py(vg_rec_val(rec, F_WWAN_IN), n[2]), vg_val_py(vg_rec_val(rec, F_WWAN_OUT), n[3]));
    if (!desc) {
        vg_run_nomem(run);
        return;
    }
    vg_run_timeline(run, vg_rec_time(rec, F_TS), "osanalytics_addaily", desc);
    free(desc);
}

const struct vg_module vg_mod_osanalytics_addaily = {
    .name = "os_analytics_ad_daily",
    .class_name = "OSAnalyticsADDaily",
    .description = "per-process daily network usage (com.apple.osanalytics.addaily.plist); "
                   "process indicators",
    .locs = addaily_locs,
    .n_locs = VG_ARRAY_LEN(addaily_locs),
    .fields = addaily_fields,
    .n_fields = VG_ARRAY_LEN(addaily_fields),
    .extract = addaily_extract,
    .check_record = addaily_check,
    .timeline = addaily_timeline,
};
