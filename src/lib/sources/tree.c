/*
 * Trees of files, as folders or archives (see tree.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <fnmatch.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>

#include "io/file.h"
#include "sources/tree.h"
#include "util/buf.h"
#include "util/tmp.h"

#define LIST_MAX_PATH 4096u

struct vg_tree {
    const struct vg_tree_kind *kind;
    struct vg_diag *diag;
    char *prefix;           /* "" or "a/b/": the root inside the folder or archive */
    int marker_found;       /* a folder: the kind's marker is at the root */
    struct vg_root *root;   /* a folder */
    struct vg_archive *ar;  /* an archive */
    struct vg_tree *parent; /* a nested archive's tree */
    int prepared;
    pthread_mutex_t lock; /* member data is mapped lazily */
    /* archives, while reading: how the root is found */
    char *marker_prefix; /* where the marker was met, or NULL */
    char *top;           /* the first entry's first component */
    int top_common;      /* every entry so far is under top */
    int top_is_dir;      /* some entry is inside top: it is a folder */
    /* archives: the listing, written as it streams by */
    char *list_path;
    FILE *list;
    uint64_t n_list;
    /* archives: what prepare was asked to keep */
    const char **patterns;
    size_t n_patterns;
    int want_listing;
};

/* ---- paths ---- */

static int has_glob(const char *s)
{
    return strpbrk(s, "*?[") != NULL;
}

/* A locator's glob against a path from the root. A leading "**\/" stands
 * for any number of folders, none included ("**\/Cache.db": every
 * Cache.db); the rest is fnmatch with FNM_PATHNAME. */
static int path_match(const char *pattern, const char *path)
{
    const char *p = path;

    if (strncmp(pattern, "**/", 3) != 0)
        return fnmatch(pattern, path, FNM_PATHNAME) == 0;
    pattern += 3;
    if (!strchr(pattern, '/')) { /* a name: the last component only */
        const char *base = strrchr(path, '/');
        return fnmatch(pattern, base ? base + 1 : path, 0) == 0;
    }
    for (;;) {
        if (fnmatch(pattern, p, FNM_PATHNAME) == 0)
            return 1;
        p = strchr(p, '/');
        if (!p)
            return 0;
        p++;
    }
}

/* The offset after the first n components of p, or -1 when p has fewer. */
static long after_components(const char *p, unsigned n)
{
    const char *q = p;
    unsigned i;

    for (i = 0; i < n; i++) {
        q = strchr(q, '/');
        if (!q)
            return -1;
        q++;
    }
    return (long)(q - p);
}

/* Where marker starts as whole components at the top or one or two
 * folders down: the offset, or -1. */
static long marker_at(const char *p, const char *marker)
{
    size_t m = strlen(marker);
    unsigned depth;

    for (depth = 0; depth <= 2; depth++) {
        long off = after_components(p, depth);
        if (off < 0)
            return -1;
        if (strncmp(p + off, marker, m) == 0 && (p[off + m] == '\0' || p[off + m] == '/'))
            return off;
    }
    return -1;
}

/* The kind's i-th marker: its marker, then its more_markers; NULL past
 * the last. */
static const char *kind_marker(const struct vg_tree_kind *kind, size_t i)
{
    if (i == 0)
        return kind->marker;
    return kind->marker && kind->more_markers ? kind->more_markers[i - 1] : NULL;
}

/* Where one of the kind's markers starts (marker_at), or -1. */
static long any_marker_at(const struct vg_tree_kind *kind, const char *p)
{
    const char *m;
    long off = -1;
    size_t i;

    for (i = 0; off < 0 && (m = kind_marker(kind, i)) != NULL; i++)
        off = marker_at(p, m);
    return off;
}

/* ---- opening ---- */

/* 1 when one of the kind's markers is in the folder at dir ("" or
 * "name/"). */
static int folder_has_marker(struct vg_tree *t, const char *dir)
{
    const char *m;
    size_t i;
    int found = 0;

    for (i = 0; !found && (m = kind_marker(t->kind, i)) != NULL; i++) {
        char *p = vg_asprintf("%s%s", dir, m);
        found = p && vg_root_stat(t->root, p, &(struct vg_stat){0}) == VG_OK;
        free(p);
    }
    return found;
}

static struct vg_tree *tree_new(const struct vg_tree_kind *kind, struct vg_diag *diag)
{
    struct vg_tree *t = vg_calloc(1, sizeof(*t));

    if (!t)
        return NULL;
    t->kind = kind;
    t->diag = diag;
    t->top_common = 1;
    pthread_mutex_init(&t->lock, NULL);
    return t;
}

/* A folder's root: where the marker is, or the one folder everything is
 * in. */
static int folder_prefix(struct vg_tree *t)
{
    char **names = NULL;
    size_t n = 0, i, dirs = 0;
    const char *only = NULL;
    char *p;
    int rc;

    if (folder_has_marker(t, "")) {
        t->marker_found = 1;
        t->prefix = vg_strdup("");
        return t->prefix ? VG_OK : VG_E_NOMEM;
    }
    rc = vg_root_list(t->root, "", &names, &n);
    if (rc != VG_OK && rc != VG_E_LIMIT)
        return rc;
    for (i = 0; i < n; i++) {
        if (!vg_root_is_dir(t->root, names[i]))
            continue;
        dirs++;
        only = names[i];
        if (!t->kind->marker)
            continue;
        p = vg_asprintf("%s/", names[i]);
        if (p && folder_has_marker(t, p)) {
            free(p);
            t->marker_found = 1;
            t->prefix = vg_asprintf("%s/", names[i]);
            vg_root_names_free(names, n);
            return t->prefix ? VG_OK : VG_E_NOMEM;
        }
        free(p);
    }
    /* no marker: the top, or its only folder when it holds nothing else */
    t->prefix = !t->kind->marker && dirs == 1 && n == 1 ? vg_asprintf("%s/", only) : vg_strdup("");
    vg_root_names_free(names, n);
    return t->prefix ? VG_OK : VG_E_NOMEM;
}

int vg_tree_open(const char *path, const struct vg_tree_kind *kind, struct vg_diag *diag,
                 struct vg_tree **out)
{
    struct vg_tree *t = tree_new(kind, diag);
    struct stat st;
    int rc;

    if (!t)
        return VG_E_NOMEM;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        rc = vg_root_open(path, &t->root);
        if (rc == VG_OK)
            rc = folder_prefix(t);
    } else {
        rc = vg_archive_open_path(path, NULL, diag, &t->ar);
        if (rc != VG_OK)
            vg_diag_add(diag, VG_DIAG_ERROR, kind->name, "%s: neither a folder nor an archive",
                        path);
    }
    if (rc != VG_OK) {
        vg_tree_free(t);
        return rc == VG_E_NOMEM ? rc : VG_E_NOTFOUND;
    }
    *out = t;
    return VG_OK;
}

static struct vg_archive_member *kept_member(struct vg_tree *t, const char *logical)
{
    char *name = vg_asprintf("%s%s", t->prefix ? t->prefix : "", logical);
    struct vg_archive_member *m = NULL;

    if (name && t->ar && vg_archive_kept_count(t->ar, name) > 0)
        m = vg_archive_kept(t->ar, name, 0);
    free(name);
    return m;
}

int vg_tree_open_nested(struct vg_tree *parent, const char *logical,
                        const struct vg_tree_kind *kind, struct vg_tree **out)
{
    struct vg_tree *t;
    struct vg_archive_member *m;
    int rc;

    if (parent->root) {
        /* a folder: the nested archive is a file in it */
        char *path = vg_asprintf("%s/%s%s", vg_root_path(parent->root), parent->prefix, logical);
        rc = path ? vg_tree_open(path, kind, parent->diag, out) : VG_E_NOMEM;
        free(path);
        return rc;
    }
    m = kept_member(parent, logical);
    if (!m)
        return VG_E_NOTFOUND;
    t = tree_new(kind, parent->diag);
    if (!t)
        return VG_E_NOMEM;
    t->parent = parent;
    rc = vg_archive_open_member(parent->ar, m, NULL, &t->ar);
    if (rc != VG_OK) {
        vg_tree_free(t);
        return rc;
    }
    *out = t;
    return VG_OK;
}

void vg_tree_free(struct vg_tree *t)
{
    if (!t)
        return;
    if (t->list)
        fclose(t->list);
    if (t->list_path)
        vg_tmp_remove(t->list_path);
    free(t->list_path);
    vg_archive_free(t->ar);
    vg_root_free(t->root);
    free(t->prefix);
    free(t->marker_prefix);
    free(t->top);
    free(t->patterns);
    pthread_mutex_destroy(&t->lock);
    free(t);
}

int vg_tree_is_archive(const struct vg_tree *t)
{
    return t->ar != NULL;
}

const char *vg_tree_root(const struct vg_tree *t)
{
    return t->prefix ? t->prefix : "";
}

int vg_tree_folder_marker(const struct vg_tree *t)
{
    return t->marker_found;
}

/* ---- archives: the one pass ---- */

/* What a path would be from the root, for each root it may turn out to
 * have: the top, one or two folders down. */
static int wanted_as(const struct vg_tree *t, const char *candidate)
{
    static const char *const sidecars[] = {"-wal", "-journal", "-shm"};
    char base[LIST_MAX_PATH];
    size_t i, j, n = strlen(candidate);

    for (i = 0; i < t->n_patterns; i++) {
        if (path_match(t->patterns[i], candidate))
            return 1;
        for (j = 0; j < VG_ARRAY_LEN(sidecars); j++) {
            size_t k = strlen(sidecars[j]);
            if (n > k && n - k < sizeof(base) && strcmp(candidate + n - k, sidecars[j]) == 0) {
                memcpy(base, candidate, n - k);
                base[n - k] = '\0';
                if (path_match(t->patterns[i], base))
                    return 1;
            }
        }
    }
    return 0;
}

static int wanted(const struct vg_tree *t, const char *name)
{
    unsigned depth;

    for (depth = 0; depth <= 2; depth++) {
        long off = after_components(name, depth);
        if (off < 0)
            return 0;
        if (wanted_as(t, name + off))
            return 1;
    }
    return 0;
}

static void learn_root(struct vg_tree *t, const char *name)
{
    size_t n = strcspn(name, "/");

    if (t->kind->marker && !t->marker_prefix) {
        long off = any_marker_at(t->kind, name);
        if (off >= 0)
            t->marker_prefix = vg_strndup(name, (size_t)off);
    }
    if (!*name)
        return;
    if (!t->top)
        t->top = vg_strndup(name, n);
    else if (strlen(t->top) != n || strncmp(name, t->top, n) != 0)
        t->top_common = 0;
    if (name[n] == '/')
        t->top_is_dir = 1;
}

/* One listing record: be32 length, then "path\0link\0", type, mode, size,
 * and the four times (with their presence), all in host order: the file
 * is ours, written and read by this process only. */
struct list_rec {
    uint32_t type, mode;
    int64_t size;
    struct vg_archive_time t[4];
};

static void list_write(struct vg_tree *t, const struct vg_archive_entry *e)
{
    struct list_rec r;
    size_t pl = strlen(e->name), ll = e->link ? strlen(e->link) : 0;
    uint32_t len;

    if (!t->list || pl >= LIST_MAX_PATH || ll >= LIST_MAX_PATH)
        return;
    len = (uint32_t)(pl + ll + 2);
    memset(&r, 0, sizeof(r));
    r.type = (uint32_t)e->type;
    r.mode = e->mode;
    r.size = e->size;
    r.t[0] = e->mtime;
    r.t[1] = e->atime;
    r.t[2] = e->ctime;
    r.t[3] = e->birthtime;
    if (fwrite(&len, sizeof(len), 1, t->list) != 1 ||
        fwrite(e->name, 1, pl + 1, t->list) != pl + 1 ||
        fwrite(e->link ? e->link : "", 1, ll + 1, t->list) != ll + 1 ||
        fwrite(&r, sizeof(r), 1, t->list) != 1) {
        vg_diag_add(t->diag, VG_DIAG_WARN, t->kind->name,
                    "cannot write the file listing to the temporary folder: it is incomplete");
        fclose(t->list);
        t->list = NULL;
        return;
    }
    t->n_list++;
}

static enum vg_archive_action visit(void *ud, const struct vg_archive_entry *e)
{
    struct vg_tree *t = ud;

    learn_root(t, e->name);
    if (t->want_listing)
        list_write(t, e);
    if (e->type == VG_ARCHIVE_FILE && wanted(t, e->name))
        return VG_ARCHIVE_KEEP;
    return VG_ARCHIVE_SKIP;
}

static int open_listing(struct vg_tree *t)
{
    int rc = vg_tmp_path("listing", &t->list_path), fd;

    if (rc != VG_OK)
        return rc;
    fd = open(t->list_path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return VG_E_IO;
    t->list = fdopen(fd, "wb");
    if (!t->list) {
        close(fd);
        return VG_E_IO;
    }
    return VG_OK;
}

static int collect_patterns(struct vg_tree *t, const struct vg_loc *const *locs, size_t n,
                            const char *const *extra, size_t n_extra)
{
    size_t i, k = 0;

    t->patterns = vg_calloc(n + n_extra + 1, sizeof(*t->patterns));
    if (!t->patterns)
        return VG_E_NOMEM;
    for (i = 0; i < n; i++) {
        if (locs[i]->kind == t->kind->files && locs[i]->path)
            t->patterns[k++] = locs[i]->path;
        else if (t->kind->listing && locs[i]->kind == t->kind->listing)
            t->want_listing = 1;
    }
    for (i = 0; i < n_extra; i++)
        t->patterns[k++] = extra[i];
    t->n_patterns = k;
    return VG_OK;
}

int vg_tree_prepare(struct vg_tree *t, const struct vg_loc *const *locs, size_t n,
                    const char *const *extra, size_t n_extra, struct vg_diag *diag)
{
    struct vg_archive_visitor v = {visit, NULL, NULL, t};
    int rc;

    if (!t->ar || t->prepared)
        return VG_OK;
    t->prepared = 1;
    rc = collect_patterns(t, locs, n, extra, n_extra);
    if (rc == VG_OK && t->want_listing && open_listing(t) != VG_OK)
        vg_diag_add(diag, VG_DIAG_WARN, t->kind->name,
                    "no temporary folder for the file listing: it is left out");
    if (rc == VG_OK)
        rc = vg_archive_read(t->ar, &v);
    if (t->list && fflush(t->list) != 0)
        vg_diag_add(diag, VG_DIAG_WARN, t->kind->name, "the file listing is incomplete");
    /* the root, now that every name has been seen */
    free(t->prefix);
    if (t->marker_prefix)
        t->prefix = vg_strdup(t->marker_prefix);
    else if (!t->kind->marker && t->top && t->top_common && t->top_is_dir)
        t->prefix = vg_asprintf("%s/", t->top);
    else
        t->prefix = vg_strdup("");
    if (!t->prefix)
        return VG_E_NOMEM;
    if (rc == VG_E_NOMEM)
        return rc;
    /* a damaged or capped archive was reported; what was read is used */
    return rc == VG_OK ? VG_OK : VG_E_TRUNCATED;
}

/* ---- finding ---- */

static void stat_from_entry(const struct vg_archive_entry *e, struct vg_stat *st, unsigned *flags)
{
    const struct vg_archive_time *tm[4] = {&e->mtime, &e->atime, &e->ctime, &e->birthtime};
    int64_t *sec[4] = {&st->mtime, &st->atime, &st->ctime, &st->btime};
    int32_t *ns[4] = {&st->mtime_ns, &st->atime_ns, &st->ctime_ns, &st->btime_ns};
    static const unsigned has[4] = {VG_ST_MTIME, VG_ST_ATIME, VG_ST_CTIME, VG_ST_BTIME};
    size_t i;

    memset(st, 0, sizeof(*st));
    st->mode = e->mode;
    st->has = VG_ST_MODE;
    if (e->size >= 0) {
        st->size = (uint64_t)e->size;
        st->has |= VG_ST_SIZE;
    }
    for (i = 0; i < 4; i++) {
        if (!tm[i]->set)
            continue;
        *sec[i] = tm[i]->sec;
        *ns[i] = tm[i]->nsec;
        st->has |= has[i];
    }
    *flags = e->type == VG_ARCHIVE_DIR                                         ? VG_FILE_DIR
             : e->type == VG_ARCHIVE_SYMLINK || e->type == VG_ARCHIVE_HARDLINK ? VG_FILE_LINK
             : e->type == VG_ARCHIVE_OTHER                                     ? VG_FILE_OTHER
                                                                               : 0;
}

/* The path from the root of a name in the archive, or NULL when it lies
 * outside the root. */
static const char *logical_of(const struct vg_tree *t, const char *name)
{
    size_t n = strlen(t->prefix);
    return strncmp(name, t->prefix, n) == 0 ? name + n : NULL;
}

struct hit {
    const char *logical;
    struct vg_archive_member *m;
    size_t order;
};

static int hit_cmp(const void *a, const void *b)
{
    const struct hit *x = a, *y = b;
    int c = strcmp(x->logical, y->logical);
    return c ? c : (x->order > y->order) - (x->order < y->order);
}

static int archive_find_files(struct vg_tree *t, const struct vg_loc *loc,
                              int (*cb)(void *ud, const struct vg_file *f), void *ud)
{
    size_t total = vg_archive_kept_total(t->ar), i, n = 0;
    struct hit *hits = vg_calloc(total + 1, sizeof(*hits));
    int rc = hits ? VG_OK : VG_E_NOMEM;

    for (i = 0; rc == VG_OK && i < total; i++) {
        struct vg_archive_member *m = vg_archive_kept_at(t->ar, i);
        const char *lp = logical_of(t, vg_archive_member_entry(m)->name);
        if (lp && path_match(loc->path, lp)) {
            hits[n].logical = lp;
            hits[n].m = m;
            hits[n].order = i;
            n++;
        }
    }
    if (n > 1)
        qsort(hits, n, sizeof(*hits), hit_cmp);
    for (i = 0; rc == VG_OK && i < n; i++) {
        const struct vg_archive_entry *e = vg_archive_member_entry(hits[i].m);
        struct vg_file f;
        memset(&f, 0, sizeof(f));
        stat_from_entry(e, &f.st, &f.flags);
        f.st.size = vg_archive_member_size(hits[i].m);
        f.loc = loc;
        f.display = hits[i].logical;
        f.path = hits[i].logical;
        f.handle = hits[i].m;
        rc = cb(ud, &f);
    }
    free(hits);
    if (rc != VG_OK)
        return rc;
    return (int)(n > INT32_MAX ? INT32_MAX : n);
}

/* 1 for the folders that hold the root ("dump" when the root is "dump/"):
 * they are not part of the dump, as a folder's listing starts below them. */
static int above_root(const struct vg_tree *t, const char *name)
{
    size_t n = strlen(name);
    return strncmp(t->prefix, name, n) == 0 && t->prefix[n] == '/';
}

static int list_read(FILE *f, char *buf, struct list_rec *r, const char **link)
{
    uint32_t len;

    if (fread(&len, sizeof(len), 1, f) != 1)
        return 0;
    if (len < 2 || len > 2 * LIST_MAX_PATH || fread(buf, 1, len, f) != len ||
        buf[len - 1] != '\0' || fread(r, sizeof(*r), 1, f) != 1)
        return -1;
    *link = buf + strlen(buf) + 1;
    return 1;
}

static int archive_listing(struct vg_tree *t, const struct vg_loc *loc,
                           int (*cb)(void *ud, const struct vg_file *f), void *ud)
{
    char *buf = vg_malloc(2 * LIST_MAX_PATH + 1);
    FILE *f = t->list_path ? fopen(t->list_path, "rb") : NULL;
    struct list_rec r;
    const char *link;
    int rc = buf ? VG_OK : VG_E_NOMEM, got;
    uint64_t n = 0;

    while (rc == VG_OK && f && (got = list_read(f, buf, &r, &link)) != 0) {
        struct vg_archive_entry e;
        struct vg_file file;
        if (got < 0) {
            vg_diag_add(t->diag, VG_DIAG_WARN, t->kind->name, "the file listing is damaged");
            break;
        }
        memset(&e, 0, sizeof(e));
        e.name = buf;
        e.type = (enum vg_archive_type)r.type;
        e.mode = r.mode;
        e.size = r.size;
        e.mtime = r.t[0];
        e.atime = r.t[1];
        e.ctime = r.t[2];
        e.birthtime = r.t[3];
        memset(&file, 0, sizeof(file));
        stat_from_entry(&e, &file.st, &file.flags);
        file.loc = loc;
        file.path = logical_of(t, buf) ? logical_of(t, buf) : buf;
        file.display = file.path;
        file.link = *link ? link : NULL;
        if (*file.path && !above_root(t, buf) && (!loc->path || path_match(loc->path, file.path)))
            rc = cb(ud, &file);
        n++;
    }
    if (f)
        fclose(f);
    free(buf);
    if (rc != VG_OK)
        return rc;
    return (int)(n > INT32_MAX ? INT32_MAX : n);
}

/* ---- folders ---- */

struct walk_ctx {
    struct vg_tree *t;
    const struct vg_loc *loc;
    int (*cb)(void *ud, const struct vg_file *f);
    void *ud;
    int n;
    int any;             /* entries of any type (a listing), not only files */
    const char *pattern; /* a deep walk's filter, or NULL */
};

static int folder_file(struct walk_ctx *c, const char *full, const struct vg_stat *st,
                       const char *link)
{
    struct vg_file f;

    memset(&f, 0, sizeof(f));
    f.loc = c->loc;
    f.path = full + strlen(c->t->prefix);
    f.display = f.path;
    f.st = *st;
    f.link = link;
    f.flags = S_ISDIR(st->mode)   ? VG_FILE_DIR
              : S_ISLNK(st->mode) ? VG_FILE_LINK
              : S_ISREG(st->mode) ? 0
                                  : VG_FILE_OTHER;
    c->n++;
    return c->cb(c->ud, &f);
}

static int deep_visit(void *ud, const char *path, const struct vg_stat *st, const char *link)
{
    struct walk_ctx *c = ud;
    size_t pl = strlen(c->t->prefix);

    if (!c->any && !S_ISREG(st->mode))
        return VG_OK;
    if (c->pattern && (strlen(path) < pl || !path_match(c->pattern, path + pl)))
        return VG_OK;
    return folder_file(c, path, st, link);
}

/* A pattern that starts with "**\/": every entry below dir, filtered. */
static int deep_walk(struct walk_ctx *c, const char *dir, const char *pattern)
{
    char *d = vg_strndup(dir, strlen(dir) ? strlen(dir) - 1 : 0);
    int rc;

    if (!d)
        return VG_E_NOMEM;
    c->pattern = pattern;
    rc = vg_root_walk(c->t->root, d, deep_visit, c);
    c->pattern = NULL;
    free(d);
    if (rc == VG_E_LIMIT) {
        vg_diag_add(c->t->diag, VG_DIAG_WARN, c->t->kind->name,
                    "the walk for %s stopped at the cap on entries or depth", pattern);
        rc = VG_OK;
    }
    return rc;
}

/* Walks the pattern's components below dir (which ends in '/' or is ""). */
static int glob_walk(struct walk_ctx *c, const char *dir, const char *pattern)
{
    const char *slash = strchr(pattern, '/');
    size_t clen = slash ? (size_t)(slash - pattern) : strlen(pattern);
    char comp[NAME_MAX + 1], **names = NULL;
    size_t n = 0, i;
    int rc = VG_OK;

    if (strncmp(pattern, "**/", 3) == 0)
        return deep_walk(c, dir, pattern);
    if (clen == 0 || clen > NAME_MAX)
        return VG_OK;
    memcpy(comp, pattern, clen);
    comp[clen] = '\0';
    if (!has_glob(comp)) {
        names = vg_calloc(1, sizeof(*names));
        if (!names || !(names[0] = vg_strdup(comp))) {
            free(names);
            return VG_E_NOMEM;
        }
        n = 1;
    } else {
        char *d = vg_strndup(dir, strlen(dir) ? strlen(dir) - 1 : 0);
        rc = d ? vg_root_list(c->t->root, d, &names, &n) : VG_E_NOMEM;
        free(d);
        if (rc != VG_OK && rc != VG_E_LIMIT)
            return rc == VG_E_NOMEM ? rc : VG_OK;
        rc = VG_OK;
    }
    for (i = 0; rc == VG_OK && i < n; i++) {
        struct vg_stat st;
        char *full;
        if (fnmatch(comp, names[i], 0) != 0)
            continue;
        full = vg_asprintf("%s%s", dir, names[i]);
        if (!full) {
            rc = VG_E_NOMEM;
            break;
        }
        if (vg_root_stat(c->t->root, full, &st) == VG_OK) {
            if (slash && S_ISDIR(st.mode)) {
                char *sub = vg_asprintf("%s/", full);
                rc = sub ? glob_walk(c, sub, slash + 1) : VG_E_NOMEM;
                free(sub);
            } else if (!slash && (c->any || S_ISREG(st.mode))) {
                rc = folder_file(c, full, &st, NULL);
            }
        }
        free(full);
    }
    vg_root_names_free(names, n);
    return rc;
}

static int walk_visit(void *ud, const char *path, const struct vg_stat *st, const char *link)
{
    return folder_file(ud, path, st, link);
}

static int folder_find(struct vg_tree *t, const struct vg_loc *loc,
                       int (*cb)(void *ud, const struct vg_file *f), void *ud, int listing)
{
    struct walk_ctx c = {t, loc, cb, ud, 0, listing, NULL};
    int rc;

    if (listing && !loc->path) {
        char *d = vg_strndup(t->prefix, strlen(t->prefix) ? strlen(t->prefix) - 1 : 0);
        rc = d ? vg_root_walk(t->root, d, walk_visit, &c) : VG_E_NOMEM;
        free(d);
        if (rc == VG_E_LIMIT) {
            vg_diag_add(t->diag, VG_DIAG_WARN, t->kind->name,
                        "the file listing stopped at the cap on entries or depth");
            rc = VG_OK;
        }
    } else {
        rc = glob_walk(&c, t->prefix, loc->path);
    }
    return rc != VG_OK ? rc : c.n;
}

/* ---- the operations ---- */

int vg_tree_find(struct vg_tree *t, const struct vg_loc *loc,
                 int (*cb)(void *ud, const struct vg_file *f), void *ud, struct vg_diag *diag)
{
    int listing = t->kind->listing && loc->kind == t->kind->listing;

    VG_UNUSED(diag);
    if (loc->kind != t->kind->files && !listing)
        return VG_E_NOTFOUND;
    if (!listing && !loc->path)
        return 0;
    if (t->root)
        return folder_find(t, loc, cb, ud, listing);
    if (!t->prepared)
        return VG_E_INVAL;
    return listing ? archive_listing(t, loc, cb, ud) : archive_find_files(t, loc, cb, ud);
}

static int member_io(struct vg_tree *t, struct vg_archive_member *m, struct vg_io **out)
{
    const unsigned char *p = NULL;
    size_t len = 0;
    int rc;

    pthread_mutex_lock(&t->lock);
    rc = vg_archive_member_data(m, &p, &len);
    pthread_mutex_unlock(&t->lock);
    if (rc != VG_OK)
        return rc;
    /* borrowed: the archive keeps the bytes until the tree is freed */
    return vg_io_memory(p, len, NULL, NULL, out);
}

int vg_tree_open_file(struct vg_tree *t, const struct vg_file *f, struct vg_io **out,
                      struct vg_diag *diag)
{
    VG_UNUSED(diag);
    if (f->flags & (VG_FILE_DIR | VG_FILE_LINK | VG_FILE_OTHER))
        return VG_E_NOTFILE;
    if (t->root)
        return vg_tree_open_path(t, f->path, out);
    if (!f->handle)
        return vg_tree_open_path(t, f->path, out);
    return member_io(t, (struct vg_archive_member *)f->handle, out);
}

int vg_tree_open_path(struct vg_tree *t, const char *path, struct vg_io **out)
{
    struct vg_archive_member *m;
    char *full;
    int rc;

    if (t->root) {
        full = vg_asprintf("%s%s", t->prefix, path);
        rc = full ? vg_root_open_file(t->root, full, out, NULL) : VG_E_NOMEM;
        free(full);
        return rc;
    }
    m = kept_member(t, path);
    return m ? member_io(t, m, out) : VG_E_NOTFOUND;
}

int vg_tree_sibling(struct vg_tree *t, const struct vg_file *f, const char *suffix,
                    struct vg_io **out, struct vg_diag *diag)
{
    char *p = vg_asprintf("%s%s", f->path, suffix);
    int rc;

    VG_UNUSED(diag);
    if (!p)
        return VG_E_NOMEM;
    rc = vg_tree_open_path(t, p, out);
    free(p);
    return rc;
}

/* ---- a source that is a tree ---- */

static int ts_prepare(void *self, const struct vg_loc *const *locs, size_t n, struct vg_diag *diag)
{
    return vg_tree_prepare(self, locs, n, NULL, 0, diag);
}

static int ts_find(void *self, const struct vg_loc *loc,
                   int (*cb)(void *ud, const struct vg_file *f), void *ud, struct vg_diag *diag)
{
    return vg_tree_find(self, loc, cb, ud, diag);
}

static int ts_open(void *self, const struct vg_file *f, struct vg_io **out, struct vg_diag *diag)
{
    return vg_tree_open_file(self, f, out, diag);
}

static int ts_sibling(void *self, const struct vg_file *f, const char *suffix, struct vg_io **out,
                      struct vg_diag *diag)
{
    return vg_tree_sibling(self, f, suffix, out, diag);
}

static void ts_free(void *self)
{
    vg_tree_free(self);
}

static const struct vg_source_ops tree_source_ops = {
    .prepare = ts_prepare,
    .find = ts_find,
    .open = ts_open,
    .sibling = ts_sibling,
    .free = ts_free,
};

int vg_tree_source_open(const char *path, const struct vg_tree_kind *kind,
                        enum vg_platform platform, const char *no_root, struct vg_diag *diag,
                        struct vg_source **out)
{
    struct vg_tree *t = NULL;
    struct vg_source *src = NULL;
    int rc = vg_tree_open(path, kind, diag, &t);

    if (rc != VG_OK)
        return rc;
    rc = vg_source_alloc(path, &src);
    if (rc != VG_OK) {
        vg_tree_free(t);
        return rc;
    }
    src->ops = &tree_source_ops;
    src->self = t;
    src->kind = kind->name;
    src->platform = platform;
    if (!vg_tree_is_archive(t) && !vg_tree_folder_marker(t))
        vg_diag_add(diag, VG_DIAG_INFO, kind->name, "%s: %s", path, no_root);
    *out = src;
    return VG_OK;
}
