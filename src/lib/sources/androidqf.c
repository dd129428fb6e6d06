/*
 * AndroidQF acquisitions (see androidqf.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <stdlib.h>

#include "io/file.h"
#include "sources/android_backup.h"
#include "sources/androidqf.h"
#include "sources/bugreport.h"
#include "sources/dumpsys_text.h"
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

/* The acquisition's files, its source (for the acquisitions inside), the
 * options it was opened with (for the backup inside: kept until the scan
 * opens it), and dumpsys.txt cut into its services' sections. */
struct aqf {
    struct vg_tree *t;
    struct vg_source *src;
    struct vg_source_opts opts;
    char *password; /* opts.password's copy, wiped when freed */
    struct vg_io *dump_io;
    struct vg_dumpsys_text *dumpsys;
};

#define DUMPSYS_TXT "dumpsys.txt"

/* dumpsys.txt (`adb shell dumpsys`, no dumpstate around it) for the
 * dumpsys modules, as MVT's AndroidQF modules read it up to 2.5. A
 * dumpsys.txt that cannot be read costs those modules only: a warning
 * naming it, and the error (the check is INCOMPLETE). */
static int load_dumpsys(struct aqf *a, struct vg_diag *diag)
{
    const unsigned char *p = NULL;
    size_t len = 0;
    int rc = vg_tree_open_path(a->t, DUMPSYS_TXT, &a->dump_io);

    if (rc == VG_E_NOTFOUND)
        return VG_OK; /* each module says what it did not find */
    if (rc == VG_OK)
        rc = vg_io_map(a->dump_io, &p, &len);
    if (rc == VG_OK)
        rc = vg_dumpsys_text_new(DUMPSYS_TXT, p, len, &a->dumpsys);
    if (rc != VG_OK)
        vg_diag_add(diag, VG_DIAG_WARN, "androidqf",
                    DUMPSYS_TXT ": cannot be read: %s; the dumpsys modules have nothing to read",
                    rc == VG_E_LIMIT ? "larger than the cap on dumpsys text" : vg_strerror(rc));
    return rc;
}

/* The pass also keeps bugreport.zip and backup.ab, the bugreport and the
 * backup androidqf takes: their modules run on them as nested
 * acquisitions (sources/list.h), and dumpsys.txt when a dumpsys module
 * runs. */
static int aqf_prepare(void *self, const struct vg_loc *const *locs, size_t n, struct vg_diag *diag)
{
    /* dumpsys.txt last: kept only when a dumpsys module runs */
    static const char *const extra[] = {"bugreport.zip", "backup.ab", DUMPSYS_TXT};
    struct aqf *a = self;
    size_t i;
    int dumpsys = 0, rc;

    for (i = 0; i < n; i++)
        dumpsys |= locs[i]->kind == VG_LOC_DUMPSYS;
    rc = vg_tree_prepare(a->t, locs, n, extra, VG_ARRAY_LEN(extra) - (dumpsys ? 0 : 1), diag);
    if (dumpsys && rc != VG_E_NOMEM) {
        int lrc = load_dumpsys(a, diag);
        rc = rc == VG_OK ? lrc : rc;
    }
    return rc;
}

static int aqf_nested(void *self, enum vg_kind kind, struct vg_diag *diag, struct vg_source **out)
{
    struct aqf *a = self;
    struct vg_io *io = NULL;
    int rc;

    if (kind != VG_KIND_BUGREPORT && kind != VG_KIND_ANDROID_BACKUP)
        return VG_E_NOTFOUND;
    /* there first: an acquisition without one is no error */
    rc = vg_tree_open_path(a->t, kind == VG_KIND_BUGREPORT ? "bugreport.zip" : "backup.ab", &io);
    if (rc != VG_OK)
        return rc;
    if (kind == VG_KIND_ANDROID_BACKUP)
        return vg_src_android_backup_nested(a->src, io, "backup.ab", &a->opts, out);
    vg_io_free(io);
    return vg_src_bugreport_nested(a->src, a->t, "bugreport.zip", diag, out);
}

static int aqf_find(void *self, const struct vg_loc *loc,
                    int (*cb)(void *ud, const struct vg_file *f), void *ud, struct vg_diag *diag)
{
    struct aqf *a = self;

    switch (loc->kind) {
    case VG_LOC_AQF:
    case VG_LOC_AQF_LISTING:
        return vg_tree_find(a->t, loc, cb, ud, diag);
    case VG_LOC_DUMPSYS:
        return a->dumpsys ? vg_dumpsys_text_find(a->dumpsys, loc, cb, ud, diag) : 0;
    /* Not served yet: intrusion_logs/ as log files. Until then the
     * modules of that locator find nothing here, and say nothing
     * (VG_E_NOTFOUND: no such place). bugreport.zip and backup.ab are
     * nested acquisitions (aqf_nested). */
    case VG_LOC_BUGREPORT:
    case VG_LOC_ANDROID_BACKUP:
    case VG_LOC_LOGS:
    default:
        return VG_E_NOTFOUND;
    }
}

static int aqf_open(void *self, const struct vg_file *f, struct vg_io **out, struct vg_diag *diag)
{
    struct aqf *a = self;

    if (f->loc && f->loc->kind == VG_LOC_DUMPSYS)
        return a->dumpsys ? vg_dumpsys_text_open(a->dumpsys, f, out) : VG_E_NOTFOUND;
    return vg_tree_open_file(a->t, f, out, diag);
}

static void aqf_free(void *self)
{
    struct aqf *a = self;

    vg_dumpsys_text_free(a->dumpsys);
    vg_io_free(a->dump_io);
    vg_tree_free(a->t);
    if (a->password)
        vg_free_secret(a->password, strlen(a->password) + 1);
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

/* What the backup inside needs of the options: the password (copied),
 * or whom to ask for it; never a key (an iOS backup's) nor more paths. */
static int keep_opts(struct aqf *a, const struct vg_source_opts *o)
{
    if (!o)
        return VG_OK;
    if (o->password && !(a->password = vg_strdup(o->password)))
        return VG_E_NOMEM;
    a->opts.password = a->password;
    a->opts.ask_password = o->ask_password;
    a->opts.on_status = o->on_status;
    a->opts.ud = o->ud;
    return VG_OK;
}

int vg_src_androidqf_open(const char *path, const struct vg_source_opts *o, struct vg_diag *diag,
                          struct vg_source **out)
{
    struct vg_tree *t = NULL;
    struct vg_source *src = NULL;
    struct aqf *a;
    int rc;

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
    rc = a ? keep_opts(a, o) : VG_E_NOMEM;
    if (rc == VG_OK)
        rc = vg_source_alloc(path, &src);
    if (rc != VG_OK) {
        if (a)
            aqf_free(a);
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
