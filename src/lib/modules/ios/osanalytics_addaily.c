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
#include "modules/ios/list.h"

static const struct vg_artifact addaily_artifacts[] = {
    {"HomeDomain", "Library/Preferences/com.apple.osanalytics.addaily.plist",
     "private/var/mobile/Library/Preferences/com.apple.osanalytics.addaily.plist"},
};

/* The counters after the date, in the order of the plist's arrays. */
static const char *const counters[] = {"wifi_in", "wifi_out", "wwan_in", "wwan_out"};

/* "process": [date, wifi in, wifi out, wwan in, wwan out] */
static json_t *baseline_record(const char *package, plist_t values)
{
    json_t *rec;
    uint32_t i;

    rec = json_pack("{s:s, s:o}", "package", package, "ts",
                    vg_ios_plist_date_iso(plist_array_get_item(values, 0)));
    for (i = 0; rec && i < VG_ARRAY_LEN(counters); i++)
        json_object_set_new(rec, counters[i],
                            vg_plist_to_json(plist_array_get_item(values, i + 1)));
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
            rec = baseline_record(key, values);
            rc = rec ? vg_run_add_record(run, rec) : VG_OK; /* name not UTF-8: skipped */
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

static void addaily_check(struct vg_run *run)
{
    json_t *rec;
    size_t i;

    json_array_foreach(vg_run_records(run), i, rec)
    {
        vg_check_process(run, VG_LEVEL_CRITICAL, rec, vg_rec_str(rec, "package"),
                         vg_rec_time(rec, "ts"));
    }
}

static void addaily_timeline(struct vg_run *run, const json_t *rec)
{
    char n[4][VG_PY_BUF];
    char *desc;

    desc =
        vg_asprintf("%s WIFI IN: %s, WIFI OUT: %s - WWAN IN: %s, WWAN OUT: %s",
                    vg_rec_time(rec, "package"), vg_py_str(json_object_get(rec, "wifi_in"), n[0]),
                    vg_py_str(json_object_get(rec, "wifi_out"), n[1]),
                    vg_py_str(json_object_get(rec, "wwan_in"), n[2]),
                    vg_py_str(json_object_get(rec, "wwan_out"), n[3]));
    if (!desc)
        return;
    vg_run_timeline(run, vg_rec_time(rec, "ts"), "osanalytics_addaily", desc);
    free(desc);
}

const struct vg_module vg_mod_osanalytics_addaily = {
    .name = "os_analytics_ad_daily",
    .class_name = "OSAnalyticsADDaily",
    .description = "per-process daily network usage (com.apple.osanalytics.addaily.plist); "
                   "process indicators",
    .sources = VG_SRC_MIXED,
    .artifacts = addaily_artifacts,
    .n_artifacts = VG_ARRAY_LEN(addaily_artifacts),
    .extract = addaily_extract,
    .check = addaily_check,
    .timeline = addaily_timeline,
};
