/*
 * ChromeHistory: every visit in Chrome's History database, deleted ones
 * recovered (modules/chrome.h: MVT's query, records and check, shared with
 * Android's).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include "modules/chrome.h"

static const struct vg_loc chrome_history_locs[] = {
    {VG_LOC_BACKUP, "AppDomain-com.google.chrome.ios",
     "Library/Application Support/Google/Chrome/Default/History"},
    {VG_LOC_FS, NULL,
     "private/var/mobile/Containers/Data/Application/*/Library/Application Support/Google/Chrome/"
     "Default/History"},
};

const struct vg_module vg_mod_chrome_history = {
    .name = "chrome_history",
    .class_name = "ChromeHistory",
    .description = "Chrome visits (History database), deleted ones recovered; url, domain and IP "
                   "indicators on each URL",
    .locs = chrome_history_locs,
    .n_locs = VG_ARRAY_LEN(chrome_history_locs),
    .fields = vg_chrome_history_fields,
    .n_fields = VG_CHROME_HISTORY_N_FIELDS,
    .extract = vg_chrome_history_extract_all,
    .check_record = vg_chrome_history_check, /* streamed */
    .timeline = vg_chrome_history_timeline,
};
