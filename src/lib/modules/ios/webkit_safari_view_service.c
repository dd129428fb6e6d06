/*
 * WebkitSafariViewService: the origins (web sites) in the WebKit data of every app's
 * SafariViewService (in-app Safari views), as MVT's WebkitSafariViewService (WebkitBase): each
 * origin (a website-data entry named "https_example.com_0") recorded with its folder's modification
 * time and checked against URL, domain and IP indicators (fs_common.c).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <stdlib.h>

#include "modules/ios/common.h"
#include "modules/ios/fs_common.h"

#define FOLDERS                                                                                    \
    "private/var/mobile/Containers/Data/Application/*/SystemData/com.apple.SafariViewService/"     \
    "Library/WebKit/WebsiteData"

static const struct vg_loc locs[] = {
    {VG_LOC_FS_LISTING, NULL, FOLDERS},
    {VG_LOC_FS_LISTING, NULL, FOLDERS "/*"},
};

static int extract(struct vg_run *run)
{
    int rc = vg_ios_webkit_extract(run, &locs[0], &locs[1]);
    vg_run_log(run, VG_DIAG_INFO, "Extracted a total of %zu WebkitSafariViewService records",
               vg_run_record_count(run));
    return rc;
}

const struct vg_module vg_mod_webkit_safari_view_service = {
    .name = "webkit_safari_view_service",
    .class_name = "WebkitSafariViewService",
    .description = "origins in the apps' SafariViewService WebKit data; URL indicators",
    .locs = locs,
    .n_locs = VG_ARRAY_LEN(locs),
    .fields = vg_webkit_fields,
    .n_fields = 3,
    .extract = extract,
    .check_record = vg_ios_webkit_check,
};
