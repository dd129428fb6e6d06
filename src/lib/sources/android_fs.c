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

static int fs_prepare(void *self, const struct vg_loc *const *locs, size_t n, struct vg_diag *diag)
{
    return vg_tree_prepare(self, locs, n, NULL, 0, diag);
}

static int fs_find(void *self, const struct vg_loc *loc,
                   int (*cb)(void *ud, const struct vg_file *f), void *ud, struct vg_diag *diag)
{
    return vg_tree_find(self, loc, cb, ud, diag);
}

static int fs_open(void *self, const struct vg_file *f, struct vg_io **out, struct vg_diag *diag)
{
    return vg_tree_open_file(self, f, out, diag);
}

static int fs_sibling(void *self, const struct vg_file *f, const char *suffix, struct vg_io **out,
                      struct vg_diag *diag)
{
    return vg_tree_sibling(self, f, suffix, out, diag);
}

static void fs_free(void *self)
{
    vg_tree_free(self);
}

static const struct vg_source_ops fs_ops = {
    .prepare = fs_prepare,
    .find = fs_find,
    .open = fs_open,
    .sibling = fs_sibling,
    .free = fs_free,
};

int vg_src_android_fs_open(const char *path, const struct vg_source_opts *o, struct vg_diag *diag,
                           struct vg_source **out)
{
    struct vg_tree *t = NULL;
    struct vg_source *src = NULL;
    int rc;

    VG_UNUSED(o);
    rc = vg_tree_open(path, &fs_kind, diag, &t);
    if (rc != VG_OK)
        return rc;
    rc = vg_source_alloc(path, &src);
    if (rc != VG_OK) {
        vg_tree_free(t);
        return rc;
    }
    src->ops = &fs_ops;
    src->self = t;
    src->kind = "android-fs";
    src->platform = VG_PLATFORM_ANDROID;
    if (!vg_tree_is_archive(t) && !vg_tree_folder_marker(t))
        vg_diag_add(diag, VG_DIAG_INFO, "android-fs",
                    "%s: no data/data or data/user found at the top or one "
                    "folder down; paths are taken from the top",
                    path);
    *out = src;
    return VG_OK;
}
