/*
 * ChromeHistory (Android filesystem dumps): every visit in Chrome's History
 * database, as MVT's adb module reads it over a rooted adb (modules/chrome.h:
 * the query, records and check iOS's ChromeHistory shares). Deleted visits
 * are recovered and joined to their page (urls, live or deleted).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include "modules/chrome.h"

/* MVT's path, then the multi-user layout it is a view of (a dump holding
 * both reads the first). */
static const struct vg_loc chrome_history_locs[] = {
    {VG_LOC_ANDROID_FS, NULL, "data/data/com.android.chrome/app_chrome/Default/History"},
    {VG_LOC_ANDROID_FS, NULL, "data/user/0/com.android.chrome/app_chrome/Default/History"},
};

const struct vg_module vg_mod_fs_chrome_history = {
    .name = "chrome_history",
    .class_name = "ChromeHistory",
    .description = "Chrome visits (History database of a filesystem dump), deleted ones "
                   "recovered; url, domain and IP indicators on each URL",
    .locs = chrome_history_locs,
    .n_locs = VG_ARRAY_LEN(chrome_history_locs),
    .fields = vg_chrome_history_fields,
    .n_fields = VG_CHROME_HISTORY_N_FIELDS,
    .extract = vg_chrome_history_extract_first,
    .check_record = vg_chrome_history_check, /* streamed */
    .timeline = vg_chrome_history_timeline,
};
