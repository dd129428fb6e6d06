/*
 * AndroidQF acquisitions (see androidqf.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include "io/file.h"
#include "sources/androidqf.h"
#include "sources/bugreport.h"
#include "sources/tree.h"

/* No marker: the root is the top of the folder or zip, or the one folder
 * everything is under (androidqf before 1.8.0 zipped its folder; 1.8.0 on
 * streams the files to the zip's root). A single file every version
 * writes does not exist (getprop.txt was getprop.json for a week in 2022,
 * packages.json needs pm), so no marker could stand for the root. */
static const struct vg_tree_kind aqf_kind = {
    .name = "androidqf",
    .files = VG_LOC_AQF,
    .listing = VG_LOC_AQF_LISTING,
    .marker = NULL,
};

/* Files androidqf writes at its root in every version since 2021: one of
 * them tells the analyst's folder was the acquisition. */
static const char *const aqf_known[] = {
    "acquisition.json", "packages.json", "getprop.txt",    "getprop.json", "dumpsys.txt",
    "ps.txt",           "processes.txt", "processes.json", "files.json",   "settings_secure.txt",
};

/* The acquisition's files, and its source (for the bugreport inside). */
struct aqf {
    struct vg_tree *t;
    struct vg_source *src;
};

/* The pass also keeps bugreport.zip, the bugreport androidqf takes: its
 * modules run on it as a nested acquisition (sources/list.h). */
static int aqf_prepare(void *self, const struct vg_loc *const *locs, size_t n, struct vg_diag *diag)
{
    static const char *const extra[] = {"bugreport.zip"};
    struct aqf *a = self;

    return vg_tree_prepare(a->t, locs, n, extra, VG_ARRAY_LEN(extra), diag);
}

static int aqf_nested(void *self, enum vg_kind kind, struct vg_diag *diag, struct vg_source **out)
{
    struct aqf *a = self;

    if (kind != VG_KIND_BUGREPORT)
        return VG_E_NOTFOUND;
    return vg_src_bugreport_nested(a->src, a->t, "bugreport.zip", diag, out);
}

static int aqf_find(void *self, const struct vg_loc *loc,
                    int (*cb)(void *ud, const struct vg_file *f), void *ud, struct vg_diag *diag)
{
    switch (loc->kind) {
    case VG_LOC_AQF:
    case VG_LOC_AQF_LISTING:
        return vg_tree_find(((struct aqf *)self)->t, loc, cb, ud, diag);
    /* Not served yet, each awaiting its reader (bugreport.zip is: as a
     * nested acquisition, aqf_nested): backup.ab through the Android
     * backup source's stream; dumpsys.txt
     * split into sections (formats/android/dumpsys.h); intrusion_logs/ as
     * log files. Until then the modules of those locators find nothing
     * here, and say nothing (VG_E_NOTFOUND: no such place). */
    case VG_LOC_BUGREPORT:
    case VG_LOC_ANDROID_BACKUP:
    case VG_LOC_DUMPSYS:
    case VG_LOC_LOGS:
    default:
        return VG_E_NOTFOUND;
    }
}

static int aqf_open(void *self, const struct vg_file *f, struct vg_io **out, struct vg_diag *diag)
{
    return vg_tree_open_file(((struct aqf *)self)->t, f, out, diag);
}

static void aqf_free(void *self)
{
    struct aqf *a = self;

    vg_tree_free(a->t);
    free(a);
}

static const struct vg_source_ops aqf_ops = {
    .prepare = aqf_prepare,
    .find = aqf_find,
    .open = aqf_open,
    .nested = aqf_nested,
    .free = aqf_free,
};

/* A folder that holds none of androidqf's files at its root (nor in its
 * only folder) was probably not the acquisition: say so once, early. */
static void aqf_check_folder(struct vg_tree *t, const char *path, struct vg_diag *diag)
{
    struct vg_io *io = NULL;
    size_t i;

    for (i = 0; i < VG_ARRAY_LEN(aqf_known); i++) {
        if (vg_tree_open_path(t, aqf_known[i], &io) == VG_OK) {
            vg_io_free(io);
            return;
        }
    }
    vg_diag_add(diag, VG_DIAG_WARN, "androidqf",
                "%s: none of androidqf's files (packages.json, getprop.txt, ...) at the top or "
                "in its only folder: is this the acquisition folder?",
                path);
}

/* androidqf encrypts its zip with age when it finds a public key
 * (<uuid>.zip.age): that is no archive until the analyst decrypts it. */
static int aqf_age_encrypted(const char *path)
{
    static const char magic[] = "age-encryption.org/";
    char head[sizeof(magic) - 1];
    struct vg_io *io = NULL;
    int is_age;

    if (vg_file_open_path(path, &io, NULL) != VG_OK)
        return 0;
    is_age = vg_io_read_exact(io, 0, head, sizeof(head)) == VG_OK &&
             memcmp(head, magic, sizeof(head)) == 0;
    vg_io_free(io);
    return is_age;
}

int vg_src_androidqf_open(const char *path, const struct vg_source_opts *o, struct vg_diag *diag,
                          struct vg_source **out)
{
    struct vg_tree *t = NULL;
    struct vg_source *src = NULL;
    struct aqf *a;
    int rc;

    VG_UNUSED(o);
    if (aqf_age_encrypted(path)) {
        vg_diag_add(diag, VG_DIAG_ERROR, "androidqf",
                    "%s is encrypted with age (androidqf found a public key in key.txt): "
                    "decrypt it with the private key first, e.g. `age --decrypt -i PRIVATE_KEY "
                    "-o acquisition.zip %s`, then check the zip",
                    path, path);
        return VG_E_UNSUPPORTED;
    }
    rc = vg_tree_open(path, &aqf_kind, diag, &t);
    if (rc != VG_OK)
        return rc;
    a = vg_calloc(1, sizeof(*a));
    rc = a ? vg_source_alloc(path, &src) : VG_E_NOMEM;
    if (rc != VG_OK) {
        free(a);
        vg_tree_free(t);
        return rc;
    }
    a->t = t;
    a->src = src;
    src->ops = &aqf_ops;
    src->self = a;
    src->kind = "androidqf";
    src->platform = VG_PLATFORM_ANDROID;
    if (!vg_tree_is_archive(t))
        aqf_check_folder(t, path, diag);
    *out = src;
    return VG_OK;
}
