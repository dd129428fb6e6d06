/*
 * An acquisition laid out as a tree of files: an iOS filesystem dump, a
 * sysdiagnose, an AndroidQF acquisition, a bugreport. Each can come as a
 * folder or as an archive of one (tar, tar.gz/zst/xz, zip), and each has a
 * root that may sit one folder down (a Cellebrite prefix, the sysdiagnose
 * folder inside its tar.gz, an androidqf zip with a top folder or without).
 * This is what those sources share; each source is then a thin file that
 * says which locator kind it serves and how its root is recognised.
 *
 * A folder is read in place without following links (io/file.h). An
 * archive is read once (io/archive.h): prepare() is given the locators of
 * every module about to run and keeps exactly the members they name (and
 * their -wal/-journal), in memory when small, in the private temp folder
 * when large; the listing (every entry's path, type, size and times) is
 * written to the temp folder as it streams by, so memory stays flat
 * however large the dump.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_SOURCES_TREE_H
#define VG_SOURCES_TREE_H

#include "io/archive.h"
#include "scan/source.h"

struct vg_tree_kind {
    const char *name;         /* "ios-fs": messages */
    enum vg_loc_kind files;   /* locators matched against paths from the root */
    enum vg_loc_kind listing; /* the listing's locator kind, or 0 */
    /* A path that marks the root ("private/var"): the root is the folder
     * holding it, at the top or one or two folders down. NULL: the root is
     * the top, or the one folder every entry is under. */
    const char *marker;
    /* Other paths that mark the root the same way, NULL-terminated, or
     * NULL (an Android dump holds data/data, or only data/user). */
    const char *const *more_markers;
};

struct vg_tree;

/* path: a folder or an archive file. VG_E_NOTFOUND when it is neither
 * (reported). */
int vg_tree_open(const char *path, const struct vg_tree_kind *kind, struct vg_diag *diag,
                 struct vg_tree **out) VG_MUST_CHECK;
/* An archive kept inside another tree (AndroidQF's bugreport.zip): a tree
 * of kind over the member at logical path of parent (whose prepare() must
 * have kept it). parent outlives it. */
int vg_tree_open_nested(struct vg_tree *parent, const char *logical,
                        const struct vg_tree_kind *kind, struct vg_tree **out) VG_MUST_CHECK;
void vg_tree_free(struct vg_tree *t);

/* 1 when the tree is an archive (read once, by prepare). */
int vg_tree_is_archive(const struct vg_tree *t);
/* The root as found: "" or "prefix/" inside the folder or archive. */
const char *vg_tree_root(const struct vg_tree *t);
/* 1 when the tree is a folder whose root was found by the kind's marker
 * (the root "" is also the fallback when no marker was found). */
int vg_tree_folder_marker(const struct vg_tree *t);

/* Source operations (scan/source.h). prepare is a no-op for folders. For
 * archives, extra (may be NULL) names more paths from the root to keep,
 * for the source's own use. */
int vg_tree_prepare(struct vg_tree *t, const struct vg_loc *const *locs, size_t n,
                    const char *const *extra, size_t n_extra, struct vg_diag *diag) VG_MUST_CHECK;
int vg_tree_find(struct vg_tree *t, const struct vg_loc *loc,
                 int (*cb)(void *ud, const struct vg_file *f), void *ud,
                 struct vg_diag *diag) VG_MUST_CHECK;
int vg_tree_open_file(struct vg_tree *t, const struct vg_file *f, struct vg_io **out,
                      struct vg_diag *diag) VG_MUST_CHECK;
int vg_tree_sibling(struct vg_tree *t, const struct vg_file *f, const char *suffix,
                    struct vg_io **out, struct vg_diag *diag) VG_MUST_CHECK;

/* A file by its path from the root, for the source's own use (a folder:
 * any file; an archive: what prepare kept). VG_E_NOTFOUND when absent. */
int vg_tree_open_path(struct vg_tree *t, const char *path, struct vg_io **out) VG_MUST_CHECK;

/* A source that is a tree and nothing more (an iOS or Android filesystem
 * dump): path opened as a tree of kind, the source named kind->name, its
 * modules the platform's. A folder whose root was not found by the kind's
 * markers is noted with "<path>: <no_root>". */
int vg_tree_source_open(const char *path, const struct vg_tree_kind *kind,
                        enum vg_platform platform, const char *no_root, struct vg_diag *diag,
                        struct vg_source **out) VG_MUST_CHECK;

#endif
