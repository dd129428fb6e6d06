/*
 * iOS filesystem dumps (see ios_fs.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include "sources/ios_fs.h"
#include "sources/tree.h"

static const struct vg_tree_kind fs_kind = {
    .name = "ios-fs",
    .files = VG_LOC_FS,
    .listing = VG_LOC_FS_LISTING,
    .marker = "private/var",
};

int vg_src_ios_fs_open(const char *path, const struct vg_source_opts *o, struct vg_diag *diag,
                       struct vg_source **out)
{
    VG_UNUSED(o);
    return vg_tree_source_open(path, &fs_kind, VG_PLATFORM_IOS,
                               "no private/var found at the top or one folder down; paths are "
                               "taken from the top",
                               diag, out);
}
