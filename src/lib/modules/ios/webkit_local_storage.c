/*
 * WebkitLocalStorage: the origins (web sites) of every app's WebKit LocalStorage folder,
 * as MVT's WebkitLocalStorage (WebkitBase): each origin (a website-data entry named
 * "https_example.com_0") recorded with its folder's modification time and
 * checked against URL, domain and IP indicators (fs_common.c).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <stdlib.h>

#include "modules/ios/common.h"
#include "modules/ios/fs_common.h"

#define FOLDERS                                                                                    \
    "private/var/mobile/Containers/Data/Application/*/Library/WebKit/WebsiteData/LocalStorage"

static const struct vg_loc locs[] = {
    {VG_LOC_FS_LISTING, NULL, FOLDERS},
    {VG_LOC_FS_LISTING, NULL, FOLDERS "/*"},
};

static int extract(struct vg_run *run)
{
    int rc = vg_ios_webkit_extract(run, &locs[0], &locs[1]);
    vg_run_log(run, VG_DIAG_INFO, "Extracted a total of %zu WebkitLocalStorage records",
               vg_run_record_count(run));
    return rc;
}

static void timeline(struct vg_run *run, const struct vg_rec *r)
{
    char b1[VG_PY_BUF], b2[VG_PY_BUF];
    char *data = vg_asprintf("WebKit Local Storage folder %s containing file for URL %s",
                             vg_val_py(vg_rec_val(r, VG_WEBKIT_F_FOLDER), b1),
                             vg_val_py(vg_rec_val(r, VG_WEBKIT_F_URL), b2));

    if (!data) {
        vg_run_nomem(run);
        return;
    }
    vg_run_timeline(run, vg_rec_time(r, VG_WEBKIT_F_ISODATE), "webkit_local_storage", data);
    free(data);
}

const struct vg_module vg_mod_webkit_local_storage = {
    .name = "webkit_local_storage",
    .class_name = "WebkitLocalStorage",
    .description = "origins of the apps' WebKit LocalStorage folders; URL indicators",
    .locs = locs,
    .n_locs = VG_ARRAY_LEN(locs),
    .fields = vg_webkit_fields,
    .n_fields = 3,
    .extract = extract,
    .check_record = vg_ios_webkit_check,
    .timeline = timeline,
};
