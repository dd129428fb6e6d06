/*
 * iOS sysdiagnoses, one or several of one phone (see sysdiagnose.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <stdlib.h>

#include "formats/apple/sysdiagnose_name.h"
#include "sources/sysdiagnose.h"
#include "sources/tree.h"

static const struct vg_tree_kind sd_kind = {
    .name = "sysdiagnose",
    .files = VG_LOC_SYSDIAG,
    .listing = 0,
    .marker = NULL, /* the root is the one top folder the phone writes */
};

struct sd_one {
    struct vg_tree *t;
    char *label; /* the sysdiagnose's name: vg_file.domain */
    int named;   /* name holds a parsed sysdiagnose name */
    struct vg_sysdiag_name name;
    size_t given; /* its place among the arguments */
};

struct sd {
    struct sd_one *v;
    size_t n;
};

/* What a found file's handle points to: the tree it came from and that
 * tree's own handle. Lives on find's stack: files are borrowed for the
 * callback only. */
struct sd_handle {
    struct vg_tree *t;
    const void *inner;
};

struct sd_find {
    const struct sd *sd;
    const struct sd_one *one;
    int (*cb)(void *ud, const struct vg_file *f);
    void *ud;
};

static int sd_prepare(void *self, const struct vg_loc *const *locs, size_t n, struct vg_diag *diag)
{
    struct sd *sd = self;
    size_t i;
    int rc = VG_OK, r;

    /* each archive read once, in turn */
    for (i = 0; i < sd->n; i++) {
        r = vg_tree_prepare(sd->v[i].t, locs, n, NULL, 0, diag);
        if (r == VG_E_NOMEM)
            return r;
        if (r != VG_OK)
            rc = r;
    }
    return rc;
}

static int sd_visit(void *ud, const struct vg_file *f)
{
    struct sd_find *c = ud;
    struct sd_handle h = {c->one->t, f->handle};
    struct vg_file g = *f;
    char *display = NULL;
    int rc;

    g.handle = &h;
    g.domain = c->one->label;
    if (c->sd->n > 1) {
        display = vg_asprintf("%s/%s", c->one->label, f->display);
        if (!display)
            return VG_E_NOMEM;
        g.display = display;
    }
    rc = c->cb(c->ud, &g);
    free(display);
    return rc;
}

static int sd_find(void *self, const struct vg_loc *loc,
                   int (*cb)(void *ud, const struct vg_file *f), void *ud, struct vg_diag *diag)
{
    struct sd *sd = self;
    struct sd_find c = {sd, NULL, cb, ud};
    size_t i;
    int total = 0, rc;

    for (i = 0; i < sd->n; i++) {
        c.one = &sd->v[i];
        rc = vg_tree_find(sd->v[i].t, loc, sd_visit, &c, diag);
        if (rc < 0)
            return rc;
        total = rc > INT32_MAX - total ? INT32_MAX : total + rc;
    }
    return total;
}

/* f as its own tree gave it. */
static struct vg_file inner_file(const struct vg_file *f, struct vg_tree **t)
{
    const struct sd_handle *h = f->handle;
    struct vg_file g = *f;

    *t = h->t;
    g.handle = h->inner;
    return g;
}

static int sd_open(void *self, const struct vg_file *f, struct vg_io **out, struct vg_diag *diag)
{
    struct vg_tree *t;
    struct vg_file g = inner_file(f, &t);

    VG_UNUSED(self);
    return vg_tree_open_file(t, &g, out, diag);
}

static int sd_sibling(void *self, const struct vg_file *f, const char *suffix, struct vg_io **out,
                      struct vg_diag *diag)
{
    struct vg_tree *t;
    struct vg_file g = inner_file(f, &t);

    VG_UNUSED(self);
    return vg_tree_sibling(t, &g, suffix, out, diag);
}

static void sd_free(void *self)
{
    struct sd *sd = self;
    size_t i;

    if (!sd)
        return;
    for (i = 0; i < sd->n; i++) {
        vg_tree_free(sd->v[i].t);
        free(sd->v[i].label);
    }
    free(sd->v);
    free(sd);
}

static const struct vg_source_ops sd_ops = {
    .prepare = sd_prepare,
    .find = sd_find,
    .open = sd_open,
    .sibling = sd_sibling,
    .free = sd_free,
};

/* ---- opening ---- */

/* The last component of path, without a trailing '/'. */
static char *base_name(const char *path)
{
    size_t n = strlen(path);
    const char *b;

    while (n > 1 && path[n - 1] == '/')
        n--;
    b = path + n;
    while (b > path && b[-1] != '/')
        b--;
    return vg_strndup(b, (size_t)(path + n - b));
}

/* The sysdiagnose's name: its folder's when that is one the phone wrote
 * (a folder holding the unpacked folder), else the file's or folder's own
 * name, without an archive suffix. */
static int label_of(struct sd_one *one, const char *path)
{
    static const char *const suffixes[] = {".tar.gz", ".tgz", ".tar", ".zip"};
    const char *root = vg_tree_root(one->t);
    char *b = base_name(path);
    size_t i, n;

    if (!b)
        return VG_E_NOMEM;
    if (*root) {
        char *r = vg_strndup(root, strlen(root) - 1);
        if (!r) {
            free(b);
            return VG_E_NOMEM;
        }
        if (vg_sysdiag_name_parse(r, &one->name) == VG_OK) {
            free(b);
            one->label = r;
            one->named = 1;
            return VG_OK;
        }
        free(r);
    }
    one->named = vg_sysdiag_name_parse(b, &one->name) == VG_OK;
    for (i = 0; i < VG_ARRAY_LEN(suffixes); i++) {
        n = strlen(suffixes[i]);
        if (strlen(b) > n && strcmp(b + strlen(b) - n, suffixes[i]) == 0) {
            b[strlen(b) - n] = '\0';
            break;
        }
    }
    one->label = b;
    return VG_OK;
}

/* Oldest first; sysdiagnoses whose names give no date after, as given. */
static int by_time(const void *a, const void *b)
{
    const struct sd_one *x = a, *y = b;

    if (x->named != y->named)
        return x->named ? -1 : 1;
    if (x->named && x->name.time != y->name.time)
        return x->name.time < y->name.time ? -1 : 1;
    return (x->given > y->given) - (x->given < y->given);
}

/* Two sysdiagnoses with the same name (copies in two folders): the later
 * gets " (2)", so files and records stay told apart. */
static int unique_labels(struct sd *sd)
{
    size_t i, j;

    for (i = 1; i < sd->n; i++)
        for (j = 0; j < i; j++)
            if (strcmp(sd->v[i].label, sd->v[j].label) == 0) {
                char *l = vg_asprintf("%s (%zu)", sd->v[i].label, i + 1);
                if (!l)
                    return VG_E_NOMEM;
                free(sd->v[i].label);
                sd->v[i].label = l;
                break;
            }
    return VG_OK;
}

static json_t *one_fact(const struct sd_one *one, const char *path)
{
    char iso[VG_ISODATE_LEN + 1];
    json_t *o = json_pack("{s:s, s:s}", "name", one->label, "path", path);

    if (!o || !one->named)
        return o;
    if (vg_isodate(one->name.time, 0, iso) != VG_OK)
        iso[0] = '\0';
    if (json_object_set_new(o, "date", json_string(iso)) != 0 ||
        json_object_set_new(o, "timezone", json_string(one->name.tz)) != 0 ||
        json_object_set_new(o, "os", json_string(one->name.os)) != 0 ||
        json_object_set_new(o, "device", json_string(one->name.device)) != 0 ||
        json_object_set_new(o, "build_version", json_string(one->name.build)) != 0) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static void facts(struct vg_source *src, const struct sd *sd, const char *const *paths,
                  struct vg_diag *diag)
{
    json_t *all = json_array();
    const struct sd_one *last = NULL;
    char iso[VG_ISODATE_LEN + 1];
    size_t i;

    for (i = 0; all && i < sd->n; i++) {
        if (json_array_append_new(all, one_fact(&sd->v[i], paths[sd->v[i].given])) != 0)
            src->nomem = 1;
        if (sd->v[i].named)
            last = &sd->v[i];
        vg_diag_add(diag, VG_DIAG_INFO, "sysdiagnose", "%s%s", sd->v[i].label,
                    sd->v[i].named ? "" : ": the name gives no date (not as the phone names it)");
    }
    vg_source_fact(src, "sysdiagnoses", all);
    if (!last)
        return;
    if (vg_isodate(last->name.time, 0, iso) == VG_OK)
        vg_source_fact(src, "sysdiagnose_date", json_string(iso));
    vg_source_fact(src, "sysdiagnose_timezone", json_string(last->name.tz));
    if (*last->name.build)
        vg_source_fact(src, "build_version", json_string(last->name.build));
    if (*last->name.device)
        vg_source_fact(src, "device_class", json_string(last->name.device));
    if (sd->n > 1) {
        src->notes = vg_asprintf("%zu sysdiagnoses of one phone, read oldest first and merged "
                                 "by time",
                                 sd->n);
        if (!src->notes)
            src->nomem = 1;
        else
            vg_diag_add(diag, VG_DIAG_INFO, "sysdiagnose", "%s", src->notes);
    }
}

static int open_one(struct sd *sd, const char *path, size_t given, struct vg_diag *diag)
{
    struct sd_one *one = &sd->v[sd->n];
    int rc;

    memset(one, 0, sizeof(*one));
    one->given = given;
    rc = vg_tree_open(path, &sd_kind, diag, &one->t);
    if (rc != VG_OK)
        return rc;
    rc = label_of(one, path);
    if (rc != VG_OK) {
        vg_tree_free(one->t);
        return rc;
    }
    if (!vg_tree_is_archive(one->t)) {
        struct vg_io *io = NULL;
        if (vg_tree_open_path(one->t, "ps.txt", &io) != VG_OK &&
            vg_tree_open_path(one->t, "sysdiagnose.log", &io) != VG_OK)
            vg_diag_add(diag, VG_DIAG_INFO, "sysdiagnose",
                        "%s: neither ps.txt nor sysdiagnose.log at the top or in its one "
                        "folder: is this an unpacked sysdiagnose?",
                        path);
        vg_io_free(io);
    }
    sd->n++;
    return VG_OK;
}

int vg_src_ios_sysdiag_open(const char *path, const struct vg_source_opts *o, struct vg_diag *diag,
                            struct vg_source **out)
{
    size_t n = 1 + (o ? o->n_more_paths : 0), i;
    const char **paths = vg_calloc(n + 1, sizeof(*paths));
    struct sd *sd = vg_calloc(1, sizeof(*sd));
    struct vg_source *src = NULL;
    int rc = VG_E_NOMEM;

    if (!paths || !sd || !(sd->v = vg_calloc(n, sizeof(*sd->v))))
        goto out;
    if (n > VG_SYSDIAG_MAX) {
        vg_diag_add(diag, VG_DIAG_ERROR, "sysdiagnose", "at most %d sysdiagnoses at once",
                    VG_SYSDIAG_MAX);
        rc = VG_E_LIMIT;
        goto out;
    }
    paths[0] = path;
    for (i = 1; i < n; i++)
        paths[i] = o->more_paths[i - 1];
    for (i = 0; i < n; i++) {
        rc = open_one(sd, paths[i], i, diag);
        if (rc != VG_OK)
            goto out;
    }
    qsort(sd->v, sd->n, sizeof(*sd->v), by_time);
    rc = unique_labels(sd);
    if (rc == VG_OK)
        rc = vg_source_alloc(path, &src);
    for (i = 1; rc == VG_OK && i < n; i++)
        rc = vg_source_add_path(src, paths[i]);
    if (rc != VG_OK)
        goto out;
    src->ops = &sd_ops;
    src->self = sd;
    src->kind = "ios-sysdiagnose";
    src->platform = VG_PLATFORM_IOS;
    facts(src, sd, paths, diag);
    sd = NULL;
    *out = src;
    src = NULL;
out:
    vg_source_free(src);
    sd_free(sd);
    free(paths);
    return rc;
}
