/*
 * Android filesystem dumps (see android_fs.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include "sources/android_fs.h"
#include "sources/tree.h"

/* data/data is what every layout has on a phone (a view of data/user/0),
 * but an extraction of the multi-user layout may hold data/user alone. */
static const char *const more_markers[] = {"data/user", "data/user_de", NULL};

static const struct vg_tree_kind fs_kind = {
    .name = "android-fs",
    .files = VG_LOC_ANDROID_FS,
    .marker = "data/data",
    .more_markers = more_markers,
};

int vg_src_android_fs_open(const char *path, const struct vg_source_opts *o, struct vg_diag *diag,
                           struct vg_source **out)
{
    VG_UNUSED(o);
    return vg_tree_source_open(path, &fs_kind, VG_PLATFORM_ANDROID,
                               "no data/data or data/user found at the top or one folder down; "
                               "paths are taken from the top",
                               diag, out);
}
