/*
 * Android bugreports (see bugreport.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <stdlib.h>

#include "sources/bugreport.h"
#include "sources/dumpsys_text.h"
#include "util/text.h"
#include "util/utf8.h"

#define WHERE "bugreport"

/* main_entry.txt holds one name: more is not a main entry. */
#define MAIN_ENTRY_MAX 4096u

static const struct vg_tree_kind br_kind = {
    .name = WHERE,
    .files = VG_LOC_BUGREPORT,
    .listing = VG_LOC_BUGREPORT_LISTING,
    .marker = "main_entry.txt",
};

/* Where MVT looks for the dumpstate text, in its order, after the entry
 * main_entry.txt names. In an archive these are kept in the one pass,
 * since main_entry.txt comes after the text it names (dumpstate writes it
 * last); "bugreport-*.txt" is the name dumpstate gives the text. */
static const char *const dumpstate_patterns[] = {
    "main_entry.txt",
    "bugreport-*.txt",
    "dumpState_*.log",
    "*/dumpsys.txt",
};
#define FALLBACK_FIRST 2u /* dumpstate_patterns[2..]: without main_entry.txt */

struct br {
    struct vg_tree *t;
    struct vg_tree *again; /* a second pass for a main entry the first did not keep */
    char *path;            /* the bugreport (top level) ... */
    struct vg_tree *parent;
    char *logical;         /* ... or where it lies in parent (nested) */
    struct vg_io *dump_io; /* the dumpstate text's bytes (mapped) */
    struct vg_dumpsys_text *text;
};

/* ---- the dumpstate text ---- */

/* The name main_entry.txt gives, or NULL (said in diag). */
static char *main_entry_name(struct br *b, struct vg_diag *diag)
{
    unsigned char *data = NULL;
    struct vg_io *io = NULL;
    struct vg_str s;
    size_t len = 0;
    char *name = NULL;
    int rc = vg_tree_open_path(b->t, "main_entry.txt", &io);

    if (rc == VG_E_NOTFOUND)
        return NULL;
    if (rc == VG_OK)
        rc = vg_io_read_all(io, MAIN_ENTRY_MAX, &data, &len);
    vg_io_free(io);
    if (rc != VG_OK) {
        vg_diag_add(diag, VG_DIAG_WARN, WHERE, "main_entry.txt: cannot be read: %s",
                    rc == VG_E_LIMIT ? "longer than a file name" : vg_strerror(rc));
        return NULL;
    }
    s = vg_str_py_strip((struct vg_str){(const char *)data, len});
    /* MVT decodes it as UTF-8 and opens the name relative to the bugreport:
     * a name leaving the bugreport is never opened */
    if (s.n == 0 || !vg_utf8_valid(s.p, s.n) || memchr(s.p, '\0', s.n) || s.p[0] == '/' ||
        vg_str_eq(s, "..") || vg_str_starts(s, "../") || vg_str_find_str(s, "/../") >= 0 ||
        vg_str_ends(s, "/.."))
        vg_diag_add(diag, VG_DIAG_WARN, WHERE,
                    "main_entry.txt does not name an entry of the bugreport (%zu bytes): ignored",
                    len);
    else if (!(name = vg_str_dup(s)))
        vg_diag_add(diag, VG_DIAG_ERROR, WHERE, "out of memory");
    vg_free_secret(data, len);
    return name;
}

/* An archive whose main entry the first pass did not keep (not named
 * bugreport-*.txt) is read a second time for it: rare, and only then. */
static int open_again(struct br *b, const char *name, struct vg_diag *diag, struct vg_io **out)
{
    const char *extra[1] = {name};
    int rc;

    rc = b->parent ? vg_tree_open_nested(b->parent, b->logical, &br_kind, &b->again)
                   : vg_tree_open(b->path, &br_kind, diag, &b->again);
    if (rc == VG_OK)
        rc = vg_tree_prepare(b->again, NULL, 0, extra, 1, diag);
    if (rc == VG_OK || rc == VG_E_TRUNCATED)
        rc = vg_tree_open_path(b->again, name, out);
    return rc;
}

struct first_ctx {
    struct br *b;
    struct vg_io *io;
    char *name;
    int rc;
};

static int first_file(void *ud, const struct vg_file *f)
{
    struct first_ctx *c = ud;

    c->rc = vg_tree_open_file(c->b->t, f, &c->io, NULL);
    if (c->rc == VG_OK && !(c->name = vg_strdup(f->path))) {
        vg_io_free(c->io);
        c->io = NULL;
        c->rc = VG_E_NOMEM;
    }
    return VG_E_EXISTS; /* the first one only */
}

/* MVT's fallbacks: the first dumpState_*.log, else the first dumpsys.txt
 * one folder down. */
static int open_fallback(struct br *b, struct vg_diag *diag, struct vg_io **io, char **name)
{
    size_t i;

    for (i = FALLBACK_FIRST; i < VG_ARRAY_LEN(dumpstate_patterns); i++) {
        const struct vg_loc loc = {VG_LOC_BUGREPORT, NULL, dumpstate_patterns[i]};
        struct first_ctx c = {b, NULL, NULL, VG_E_NOTFOUND};
        int got = vg_tree_find(b->t, &loc, first_file, &c, diag);
        if (got < 0 && got != VG_E_EXISTS && c.rc == VG_E_NOTFOUND)
            c.rc = got; /* the folder could not be listed */
        if (c.rc == VG_OK) {
            *io = c.io;
            *name = c.name;
            return VG_OK;
        }
        if (c.rc != VG_E_NOTFOUND) {
            vg_diag_add(diag, VG_DIAG_WARN, WHERE, "%s: cannot be read: %s", loc.path,
                        vg_strerror(c.rc));
            return c.rc;
        }
    }
    return VG_E_NOTFOUND;
}

/* The bytes of the text main_entry.txt names, or of a fallback; name
 * takes the one read. */
static int open_dumpstate(struct br *b, struct vg_diag *diag, struct vg_io **io, char **name)
{
    int rc;

    *name = main_entry_name(b, diag);
    if (*name) {
        rc = vg_tree_open_path(b->t, *name, io);
        if (rc == VG_E_NOTFOUND && vg_tree_is_archive(b->t))
            rc = open_again(b, *name, diag, io);
        if (rc == VG_OK)
            return VG_OK;
        /* MVT stops here with nothing; the other places may still hold it */
        vg_diag_add(diag, VG_DIAG_WARN, WHERE,
                    "main_entry.txt names %s, which %s; looking for dumpState_*.log or a "
                    "dumpsys.txt instead",
                    *name, rc == VG_E_NOTFOUND ? "is not in the bugreport" : vg_strerror(rc));
        free(*name);
        *name = NULL;
    }
    rc = open_fallback(b, diag, io, name);
    if (rc == VG_E_NOTFOUND)
        vg_diag_add(diag, VG_DIAG_WARN, WHERE,
                    "no dumpstate text (main_entry.txt, dumpState_*.log or a dumpsys.txt): the "
                    "dumpsys modules have nothing to read");
    return rc;
}

/* dumpstate ends its text with "== dumpstate: done (id N)" (then, since
 * Android 11, statsd's metadata): a text without it was cut short. */
#define DONE_LINE   "== dumpstate: done"
#define DONE_WINDOW (16u * 1024u * 1024u)

static void check_closed(const char *name, const unsigned char *p, size_t len, struct vg_diag *diag)
{
    size_t from = len > DONE_WINDOW ? len - DONE_WINDOW : 0;
    const char *base = strrchr(name, '/');

    if (vg_str_eq(vg_str_of(base ? base + 1 : name), "dumpsys.txt"))
        return; /* AndroidQF's dumpsys output has no such line */
    if (vg_str_find_str((struct vg_str){(const char *)p + from, len - from}, DONE_LINE) < 0)
        vg_diag_add(diag, VG_DIAG_WARN, WHERE,
                    "%s does not end as dumpstate ends its text (\"" DONE_LINE
                    "\"): it may be cut short, and the services after the cut missing",
                    name);
}

static void load_dumpstate(struct br *b, struct vg_diag *diag)
{
    const unsigned char *p = NULL;
    size_t len = 0;
    char *name = NULL;
    int rc = open_dumpstate(b, diag, &b->dump_io, &name);

    if (rc == VG_OK)
        rc = vg_io_map(b->dump_io, &p, &len);
    if (rc == VG_OK)
        rc = vg_dumpsys_text_new(name, p, len, &b->text);
    if (rc == VG_OK)
        check_closed(name, p, len, diag);
    else if (name)
        vg_diag_add(diag, VG_DIAG_WARN, WHERE, "%s: cannot be read: %s", name,
                    rc == VG_E_LIMIT ? "larger than the cap on dumpsys text" : vg_strerror(rc));
    free(name);
}

/* ---- the operations ---- */

static int br_prepare(void *self, const struct vg_loc *const *locs, size_t n, struct vg_diag *diag)
{
    struct br *b = self;
    size_t i;
    int dumpsys = 0, rc;

    for (i = 0; i < n; i++)
        dumpsys |= locs[i]->kind == VG_LOC_DUMPSYS;
    /* the dumpstate text (100 MB and more) is kept only when read */
    rc = vg_tree_prepare(b->t, locs, n, dumpsys ? dumpstate_patterns : NULL,
                         dumpsys ? VG_ARRAY_LEN(dumpstate_patterns) : 0, diag);
    if (dumpsys && rc != VG_E_NOMEM)
        load_dumpstate(b, diag);
    return rc;
}

static int br_find(void *self, const struct vg_loc *loc,
                   int (*cb)(void *ud, const struct vg_file *f), void *ud, struct vg_diag *diag)
{
    struct br *b = self;

    if (loc->kind == VG_LOC_DUMPSYS)
        return b->text ? vg_dumpsys_text_find(b->text, loc, cb, ud, diag) : 0;
    return vg_tree_find(b->t, loc, cb, ud, diag);
}

static int br_open(void *self, const struct vg_file *f, struct vg_io **out, struct vg_diag *diag)
{
    struct br *b = self;

    if (f->loc && f->loc->kind == VG_LOC_DUMPSYS)
        return b->text ? vg_dumpsys_text_open(b->text, f, out) : VG_E_NOTFOUND;
    return vg_tree_open_file(b->t, f, out, diag);
}

static int br_sibling(void *self, const struct vg_file *f, const char *suffix, struct vg_io **out,
                      struct vg_diag *diag)
{
    struct br *b = self;

    if (f->loc && f->loc->kind == VG_LOC_DUMPSYS)
        return VG_E_NOTFOUND;
    return vg_tree_sibling(b->t, f, suffix, out, diag);
}

static void br_free(void *self)
{
    struct br *b = self;

    if (!b)
        return;
    vg_dumpsys_text_free(b->text);
    vg_io_free(b->dump_io);
    vg_tree_free(b->again);
    vg_tree_free(b->t);
    free(b->path);
    free(b->logical);
    free(b);
}

static const struct vg_source_ops br_ops = {
    .prepare = br_prepare,
    .find = br_find,
    .open = br_open,
    .sibling = br_sibling,
    .free = br_free,
};

/* Takes t. */
static int br_source(struct vg_tree *t, struct vg_source *src, struct vg_source **out)
{
    struct br *b = vg_calloc(1, sizeof(*b));

    if (!b) {
        vg_tree_free(t);
        vg_source_free(src);
        return VG_E_NOMEM;
    }
    b->t = t;
    src->ops = &br_ops;
    src->self = b;
    src->kind = WHERE;
    src->platform = VG_PLATFORM_ANDROID;
    *out = src;
    return VG_OK;
}

int vg_src_bugreport_open(const char *path, const struct vg_source_opts *o, struct vg_diag *diag,
                          struct vg_source **out)
{
    struct vg_tree *t = NULL;
    struct vg_source *src = NULL;
    int rc;

    VG_UNUSED(o);
    rc = vg_tree_open(path, &br_kind, diag, &t);
    if (rc != VG_OK)
        return rc;
    rc = vg_source_alloc(path, &src);
    if (rc != VG_OK) {
        vg_tree_free(t);
        return rc;
    }
    rc = br_source(t, src, out);
    if (rc == VG_OK && !(((struct br *)src->self)->path = vg_strdup(path))) {
        vg_source_free(src);
        return VG_E_NOMEM;
    }
    if (rc == VG_OK && !vg_tree_is_archive(t) && !*vg_tree_root(t))
        vg_diag_add(diag, VG_DIAG_INFO, WHERE,
                    "%s: no main_entry.txt at the top or one folder down; paths are taken from "
                    "the top",
                    path);
    return rc;
}

int vg_src_bugreport_nested(const struct vg_source *outer, struct vg_tree *parent,
                            const char *logical, struct vg_diag *diag, struct vg_source **out)
{
    struct vg_tree *t = NULL;
    struct vg_source *src = NULL;
    int rc;

    VG_UNUSED(diag);
    rc = vg_tree_open_nested(parent, logical, &br_kind, &t);
    if (rc != VG_OK)
        return rc;
    rc = vg_source_alloc_nested(outer, logical, &src);
    if (rc != VG_OK) {
        vg_tree_free(t);
        return rc;
    }
    rc = br_source(t, src, out);
    if (rc == VG_OK) {
        struct br *b = src->self;
        b->parent = parent;
        if (!(b->logical = vg_strdup(logical))) {
            vg_source_free(src);
            return VG_E_NOMEM;
        }
    }
    return rc;
}
