/*
 * Intrusion logs (see intrusion_logs.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <fnmatch.h>
#include <pthread.h>
#include <sys/stat.h>

#include "io/archive.h"
#include "io/file.h"
#include "sources/intrusion_logs.h"

#define WHERE "intrusion logs"

struct logfile {
    char *display;               /* "a/b.txt", "logs.zip::x.txt" */
    char *rel;                   /* a file of the folder, or NULL */
    struct vg_archive_member *m; /* a member of one of the archives */
    int named;                   /* the user named this very file */
};

struct il {
    char *path;
    int is_dir;
    struct vg_root *root;   /* a folder */
    struct vg_archive **ar; /* the archives read, parents before children */
    size_t n_ar, cap_ar;
    struct logfile *files;
    size_t n_files, cap_files;
    int prepared;
    pthread_mutex_t lock; /* member data is mapped lazily */
};

static int ends_with_ci(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && vg_str_casecmp(s + n - k, suffix) == 0;
}

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

/* fnmatch ignoring ASCII case (FNM_CASEFOLD is GNU's): both sides lowered. */
static int match_ci(const char *pattern, const char *name)
{
    char p[256], n[256];

    if (vg_snprintf(p, sizeof(p), "%s", pattern) != VG_OK ||
        vg_snprintf(n, sizeof(n), "%s", name) != VG_OK)
        return 0;
    vg_str_lower(p);
    vg_str_lower(n);
    return fnmatch(p, n, 0) == 0;
}

static int add_file(struct il *l, char *display, char *rel, struct vg_archive_member *m)
{
    struct logfile *f;

    if (!display || (m == NULL && !rel)) {
        free(display);
        free(rel);
        return VG_E_NOMEM;
    }
    if (l->n_files == l->cap_files) {
        size_t cap = l->cap_files ? 2 * l->cap_files : 16;
        struct logfile *grown = vg_realloc_array(l->files, cap, sizeof(*grown));
        if (!grown) {
            free(display);
            free(rel);
            return VG_E_NOMEM;
        }
        l->files = grown;
        l->cap_files = cap;
    }
    f = &l->files[l->n_files++];
    memset(f, 0, sizeof(*f));
    f->display = display;
    f->rel = rel;
    f->m = m;
    return VG_OK;
}

static int add_archive(struct il *l, struct vg_archive *a)
{
    if (l->n_ar == l->cap_ar) {
        size_t cap = l->cap_ar ? 2 * l->cap_ar : 4;
        struct vg_archive **grown = vg_realloc_array(l->ar, cap, sizeof(*grown));
        if (!grown) {
            vg_archive_free(a);
            return VG_E_NOMEM;
        }
        l->ar = grown;
        l->cap_ar = cap;
    }
    l->ar[l->n_ar++] = a;
    return VG_OK;
}

/* ---- zips ---- */

static enum vg_archive_action zip_visit(void *ud, const struct vg_archive_entry *e)
{
    VG_UNUSED(ud);
    if (e->type == VG_ARCHIVE_FILE &&
        (ends_with_ci(e->name, ".txt") || ends_with_ci(e->name, ".zip")))
        return VG_ARCHIVE_KEEP;
    return VG_ARCHIVE_SKIP;
}

/* Reads archive a (prefix names it in displays: "" or "x.zip::"), its
 * log files listed, its zips read in turn. */
static int read_zip(struct il *l, struct vg_archive *a, const char *prefix, struct vg_diag *diag)
{
    struct vg_archive_visitor v = {zip_visit, NULL, NULL, l};
    size_t i, n;
    int rc = add_archive(l, a), prc;

    if (rc != VG_OK)
        return rc;
    prc = vg_archive_read(a, &v);
    if (prc == VG_E_NOMEM)
        return prc;
    n = vg_archive_kept_total(a);
    for (i = 0; rc == VG_OK && i < n; i++) {
        struct vg_archive_member *m = vg_archive_kept_at(a, i);
        const char *name = vg_archive_member_entry(m)->name;
        if (ends_with_ci(name, ".txt")) {
            rc = add_file(l, vg_asprintf("%s%s", prefix, name), NULL, m);
        } else {
            struct vg_archive *inner = NULL;
            char *sub = vg_asprintf("%s%s::", prefix, name);
            int orc = sub ? vg_archive_open_member(a, m, NULL, &inner) : VG_E_NOMEM;
            if (orc == VG_OK)
                rc = read_zip(l, inner, sub, diag);
            else if (orc == VG_E_NOMEM)
                rc = orc;
            else
                vg_diag_add(diag, VG_DIAG_WARN, WHERE, "%s%s: not a zip archive (%s), skipped",
                            prefix, name, vg_strerror(orc));
            free(sub);
        }
    }
    /* a damaged archive was reported by the reader; what it kept is used */
    return rc != VG_OK ? rc : prc;
}

static int open_zip_path(struct il *l, const char *path, const char *prefix, struct vg_diag *diag)
{
    struct vg_archive *a = NULL;
    int rc = vg_archive_open_path(path, NULL, diag, &a);

    if (rc != VG_OK) {
        vg_diag_add(diag, VG_DIAG_WARN, WHERE, "%s: not a zip archive (%s), skipped", path,
                    vg_strerror(rc));
        return rc == VG_E_NOMEM ? rc : VG_E_CORRUPT;
    }
    return read_zip(l, a, prefix, diag);
}

/* ---- folders ---- */

struct walk_ctx {
    struct il *l;
    struct vg_diag *diag;
    int rc; /* the first damage met (the walk goes on) */
};

static int walk_visit(void *ud, const char *path, const struct vg_stat *st, const char *link)
{
    struct walk_ctx *c = ud;
    int rc = VG_OK;

    VG_UNUSED(link);
    if (!S_ISREG(st->mode))
        return VG_OK;
    if (ends_with_ci(path, ".txt")) {
        rc = add_file(c->l, vg_strdup(path), vg_strdup(path), NULL);
    } else if (ends_with_ci(path, ".zip")) {
        char *full = vg_asprintf("%s/%s", c->l->path, path);
        char *prefix = vg_asprintf("%s::", path);
        rc = full && prefix ? open_zip_path(c->l, full, prefix, c->diag) : VG_E_NOMEM;
        free(full);
        free(prefix);
        if (rc != VG_OK && rc != VG_E_NOMEM) {
            if (c->rc == VG_OK)
                c->rc = rc;
            rc = VG_OK;
        }
    }
    return rc;
}

static int file_cmp(const void *x, const void *y)
{
    const struct logfile *a = x, *b = y;
    return strcmp(a->display, b->display);
}

/* ---- the source ---- */

static int il_prepare(void *self, const struct vg_loc *const *locs, size_t n, struct vg_diag *diag)
{
    struct il *l = self;
    struct walk_ctx c = {l, diag, VG_OK};
    size_t i;
    int rc = VG_OK, wanted = 0;

    for (i = 0; i < n; i++)
        wanted |= locs[i]->kind == VG_LOC_LOGS;
    if (l->prepared || !wanted)
        return VG_OK;
    l->prepared = 1;
    if (l->is_dir) {
        rc = vg_root_walk(l->root, "", walk_visit, &c);
        if (rc == VG_E_LIMIT)
            vg_diag_add(diag, VG_DIAG_WARN, WHERE,
                        "%s: the walk stopped at the cap on entries or depth", l->path);
        if (rc == VG_OK)
            rc = c.rc;
    } else if (l->n_files == 0) {
        rc = open_zip_path(l, l->path, "", diag);
    }
    if (l->n_files > 1)
        qsort(l->files, l->n_files, sizeof(*l->files), file_cmp);
    if (rc == VG_OK && l->n_files == 0)
        vg_diag_add(diag, VG_DIAG_WARN, WHERE, "%s: no log file (*.txt) found", l->path);
    return rc;
}

static int il_find(void *self, const struct vg_loc *loc,
                   int (*cb)(void *ud, const struct vg_file *f), void *ud, struct vg_diag *diag)
{
    struct il *l = self;
    size_t i;
    int rc = VG_OK, n = 0;

    VG_UNUSED(diag);
    if (loc->kind != VG_LOC_LOGS)
        return VG_E_NOTFOUND;
    if (!l->prepared)
        return VG_E_INVAL;
    for (i = 0; rc == VG_OK && i < l->n_files; i++) {
        const struct logfile *lf = &l->files[i];
        struct vg_file f;
        if (!lf->named && loc->path && !match_ci(loc->path, base_name(lf->display)))
            continue;
        memset(&f, 0, sizeof(f));
        f.loc = loc;
        f.display = lf->display;
        f.path = lf->display;
        f.handle = lf;
        if (lf->m) {
            f.st.size = vg_archive_member_size(lf->m);
            f.st.has = VG_ST_SIZE;
        }
        n++;
        rc = cb(ud, &f);
    }
    return rc != VG_OK ? rc : n;
}

static int il_open(void *self, const struct vg_file *f, struct vg_io **out, struct vg_diag *diag)
{
    struct il *l = self;
    const struct logfile *lf = f->handle;
    const unsigned char *p = NULL;
    size_t len = 0;
    int rc;

    VG_UNUSED(diag);
    if (!lf)
        return VG_E_NOTFOUND;
    if (lf->named)
        return vg_file_open_path(l->path, out, NULL);
    if (lf->rel)
        return vg_root_open_file(l->root, lf->rel, out, NULL);
    /* members are read by the modules' threads: the mapping is made once */
    pthread_mutex_lock(&l->lock);
    rc = vg_archive_member_data(lf->m, &p, &len);
    pthread_mutex_unlock(&l->lock);
    return rc == VG_OK ? vg_io_memory(p, len, NULL, NULL, out) : rc;
}

static void il_free(void *self)
{
    struct il *l = self;
    size_t i;

    if (!l)
        return;
    for (i = 0; i < l->n_files; i++) {
        free(l->files[i].display);
        free(l->files[i].rel);
    }
    free(l->files);
    /* children borrow their parent's bytes: freed first */
    for (i = l->n_ar; i > 0; i--)
        vg_archive_free(l->ar[i - 1]);
    free(l->ar);
    vg_root_free(l->root);
    free(l->path);
    pthread_mutex_destroy(&l->lock);
    free(l);
}

static const struct vg_source_ops il_ops = {
    .prepare = il_prepare,
    .find = il_find,
    .open = il_open,
    .free = il_free,
};

/* 1 when the file is a zip (by its first bytes, or its name). */
static int is_zip(const char *path)
{
    unsigned char head[4];
    struct vg_io *io = NULL;
    int zip = ends_with_ci(path, ".zip");

    if (!zip && vg_file_open_path(path, &io, NULL) == VG_OK) {
        zip = vg_io_read_exact(io, 0, head, sizeof(head)) == VG_OK &&
              memcmp(head, "PK\x03\x04", 4) == 0;
        vg_io_free(io);
    }
    return zip;
}

int vg_src_intrusion_logs_open(const char *path, const struct vg_source_opts *o,
                               struct vg_diag *diag, struct vg_source **out)
{
    struct il *l = vg_calloc(1, sizeof(*l));
    struct vg_source *src = NULL;
    struct stat st;
    int rc = VG_OK;

    VG_UNUSED(o);
    if (!l || !(l->path = vg_strdup(path))) {
        free(l);
        return VG_E_NOMEM;
    }
    pthread_mutex_init(&l->lock, NULL);
    if (stat(path, &st) != 0 || (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))) {
        vg_diag_add(diag, VG_DIAG_ERROR, WHERE,
                    "%s: not a log file, a folder of them or a zip of them", path);
        rc = VG_E_NOTFOUND;
    } else if (S_ISDIR(st.st_mode)) {
        l->is_dir = 1;
        rc = vg_root_open(path, &l->root);
    } else if (!is_zip(path)) {
        rc = add_file(l, vg_strdup(base_name(path)), vg_strdup(path), NULL);
        if (rc == VG_OK)
            l->files[0].named = 1;
    }
    if (rc == VG_OK)
        rc = vg_source_alloc(path, &src);
    if (rc != VG_OK) {
        il_free(l);
        return rc;
    }
    src->ops = &il_ops;
    src->self = l;
    src->kind = "android-intrusion-logs";
    src->platform = VG_PLATFORM_ANDROID;
    /* the minute around each hit: which app looked the name up, connected,
     * started, was installed */
    src->alert_context = 30;
    *out = src;
    return VG_OK;
}
