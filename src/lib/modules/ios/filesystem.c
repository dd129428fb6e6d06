/*
 * Filesystem: every entry of a filesystem dump (files, folders, links,
 * others) with its modification time, as MVT's Filesystem records it, and
 * each path checked against file path and file name indicators and, unless
 * --fast, against process names (a path component that is a known
 * spyware process).
 *
 * A dump holds millions of entries: the listing streams from the source
 * (a folder walked in sorted order, an archive's listing written once as
 * the archive was read), one record at a time, and memory stays flat.
 *
 * Paths are written as MVT writes them, from the dump's root without a
 * leading '/' ("private/var/..."). Indicators name absolute paths, often
 * through the /var link ("/var/mobile/..."): the check puts the '/' back,
 * and the indicator index treats /var and /private/var as one folder.
 * Unlike MVT's raw string prefix, a path indicator matches that path and
 * what lies below it, never a sibling that shares its first letters.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <stdlib.h>

#include "modules/ios/common.h"

static const struct vg_loc fs_locs[] = {
    {VG_LOC_FS_LISTING, NULL, NULL},
};

enum { F_PATH, F_MODIFIED };
static const char *const fs_fields[] = {"path", "modified"};

/* What the check remembers between records: the last folder whose
 * components were looked up among process names, and the answer, since a
 * listing visits a folder's entries together. */
struct fs_state {
    char *dir;
    size_t dir_len;
    int dir_hit; /* 1: a component of dir is a process indicator */
    struct vg_ioc_match dir_m;
};

struct fs_ctx {
    const struct vg_schema *schema;
};

static int fs_entry(struct vg_run *run, const struct vg_file *f, void *ud)
{
    struct fs_ctx *c = ud;
    char iso[VG_ISODATE_LEN + 1];
    struct vg_rec *r;
    int rc;

    if (!c->schema && vg_run_schema(run, fs_fields, VG_ARRAY_LEN(fs_fields), &c->schema) != VG_OK)
        return VG_E_NOMEM;
    r = vg_run_rec(run, c->schema);
    if (!r)
        return VG_E_NOMEM;
    iso[0] = '\0';
    if (f->st.has & VG_ST_MTIME &&
        vg_isodate_double((double)f->st.mtime + (double)f->st.mtime_ns / 1e9, iso) != VG_OK)
        iso[0] = '\0';
    vg_rec_set_text_ref(r, F_PATH, f->path, strlen(f->path));
    vg_rec_set_text(r, F_MODIFIED, iso);
    rc = vg_run_emit(run, r);
    return rc == VG_E_LIMIT ? VG_E_LIMIT : rc;
}

static int fs_extract(struct vg_run *run)
{
    struct fs_ctx c = {NULL};
    int rc = vg_run_find(run, &fs_locs[0], fs_entry, &c);

    vg_run_log(run, VG_DIAG_INFO, "Extracted %zu entries from the filesystem dump",
               vg_run_record_count(run));
    if (rc == VG_E_LIMIT)
        return VG_OK; /* reported by the engine */
    return rc < 0 && rc != VG_E_NOTFOUND ? rc : VG_OK;
}

/* ---- checks ---- */

/* A component of s[0..n-1] that is a process indicator (exactly: MVT
 * splits the path and looks for the name among the parts). */
static int component_process(const struct vg_iocs *iocs, const char *s, size_t n,
                             struct vg_ioc_match *m)
{
    char part[256];
    size_t i = 0;

    while (i < n) {
        size_t k = i;
        while (k < n && s[k] != '/')
            k++;
        if (k > i && k - i < sizeof(part)) {
            memcpy(part, s + i, k - i);
            part[k - i] = '\0';
            if (vg_iocs_match_process(iocs, part, m) && !m->truncated)
                return 1;
        }
        i = k + 1;
    }
    return 0;
}

static struct fs_state *fs_state(struct vg_run *run)
{
    void **slot = vg_run_state(run);

    if (!*slot)
        *slot = vg_calloc(1, sizeof(struct fs_state));
    return *slot;
}

/* The process indicator a component of path names, through the cache of
 * the last folder. */
static int path_process(struct vg_run *run, const char *path, struct vg_ioc_match *m)
{
    const struct vg_iocs *iocs = vg_run_iocs(run);
    struct fs_state *st = fs_state(run);
    const char *slash = strrchr(path, '/');
    size_t dn = slash ? (size_t)(slash - path) : 0;

    if (!st) {
        vg_run_nomem(run);
        return 0;
    }
    if (!st->dir || st->dir_len != dn || memcmp(st->dir, path, dn) != 0) {
        char *d = vg_strndup(path, dn);
        if (!d) {
            vg_run_nomem(run);
            return 0;
        }
        free(st->dir);
        st->dir = d;
        st->dir_len = dn;
        st->dir_hit = component_process(iocs, path, dn, &st->dir_m);
    }
    if (st->dir_hit) {
        *m = st->dir_m;
        return 1;
    }
    return component_process(iocs, slash ? slash + 1 : path, strlen(slash ? slash + 1 : path), m);
}

static void fs_check_one(struct vg_run *run, const struct vg_rec *r)
{
    const struct vg_iocs *iocs = vg_run_iocs(run);
    const char *path = vg_rec_text(r, F_PATH);
    struct vg_ioc_match m;
    char *abs;
    int hit;

    if (!path || !*path)
        return;
    if (vg_iocs_count_type(iocs, VG_IOC_FILE_PATH) || vg_iocs_count_type(iocs, VG_IOC_FILE_NAME)) {
        abs = path[0] == '/' ? NULL : vg_asprintf("/%s", path);
        if (path[0] != '/' && !abs) {
            vg_run_nomem(run);
            return;
        }
        hit = vg_iocs_match_file_path(iocs, abs ? abs : path, &m);
        free(abs);
        if (hit && m.type == VG_IOC_FILE_NAME)
            vg_run_alert(run, VG_LEVEL_HIGH, r, &m, "",
                         "Found a known suspicious file name \"%s\" matching indicators from "
                         "\"%s\"",
                         path, m.collection);
        else if (hit)
            vg_run_alert(run, VG_LEVEL_HIGH, r, &m, "",
                         "Found a known suspicious file path \"%s\" matching indicators from "
                         "\"%s\"",
                         path, m.collection);
    }
    if (vg_run_fast(run) || !vg_iocs_count_type(iocs, VG_IOC_PROCESS))
        return;
    if (path_process(run, path, &m))
        vg_run_alert(run, VG_LEVEL_HIGH, r, &m, "",
                     "Found known suspicious process name mentioned in file at path \"%s\" "
                     "matching indicators from \"%s\"",
                     path, m.collection);
}

static void fs_finish(struct vg_run *run)
{
    void **slot = vg_run_state(run);
    struct fs_state *st = *slot;

    if (st)
        free(st->dir);
    free(st);
    *slot = NULL;
}

static void fs_timeline(struct vg_run *run, const struct vg_rec *r)
{
    vg_run_timeline(run, vg_rec_time(r, F_MODIFIED), "entry_modified", vg_rec_time(r, F_PATH));
}

const struct vg_module vg_mod_filesystem = {
    .name = "filesystem",
    .class_name = "Filesystem",
    .description = "every entry of a filesystem dump with its modification time; file path, "
                   "file name and process indicators",
    .locs = fs_locs,
    .n_locs = VG_ARRAY_LEN(fs_locs),
    .fields = fs_fields,
    .n_fields = VG_ARRAY_LEN(fs_fields),
    .extract = fs_extract,
    .check_record = fs_check_one,
    .check_finish = fs_finish,
    .timeline = fs_timeline,
};
