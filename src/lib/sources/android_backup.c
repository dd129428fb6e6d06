/*
 * Android backups (see android_backup.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <fcntl.h>
#include <fnmatch.h>
#include <sys/stat.h>
#include <unistd.h>

#include "formats/android/ab_stream.h"
#include "io/file.h"
#include "sources/android_backup.h"
#include "sources/tree.h"
#include "util/tmp.h"

#define WHERE "android backup"

/* ---- the .ab reader ---- */

struct kept {
    char *name;
    uint64_t index; /* tar order */
    int64_t mtime;
    uint32_t mode;
    uint64_t size;
    unsigned char *data; /* in memory (plaintext: wiped when freed)... */
    char *path;          /* ...or in the private temp folder */
};

struct vg_ab_src {
    struct vg_io *io;
    uint64_t off; /* where the stream reads next in io */
    char *display;
    struct vg_ab_stream *s;
    int prepared;
    const char **patterns;
    size_t n_patterns;
    struct kept *kept;
    size_t n_kept, cap_kept;
    uint64_t mem_bytes, kept_bytes;
    int spill_warned;
};

static int io_reader(void *ud, void *buf, size_t n, size_t *got)
{
    struct vg_ab_src *b = ud;
    int rc = vg_io_read_at(b->io, b->off, buf, n, got);

    if (rc == VG_OK)
        b->off += *got;
    return rc;
}

static void kept_free(struct kept *k)
{
    if (k->data)
        vg_free_secret(k->data, k->size ? (size_t)k->size : 1);
    if (k->path)
        vg_tmp_remove(k->path);
    free(k->path);
    free(k->name);
}

void vg_ab_src_free(struct vg_ab_src *b)
{
    size_t i;

    if (!b)
        return;
    for (i = 0; i < b->n_kept; i++)
        kept_free(&b->kept[i]);
    free(b->kept);
    free(b->patterns);
    vg_ab_stream_free(b->s);
    vg_io_free(b->io);
    free(b->display);
    free(b);
}

const struct vg_ab_header *vg_ab_src_header(const struct vg_ab_src *b)
{
    return vg_ab_stream_header(b->s);
}

/* The password given, else asked now that the backup is known to be
 * encrypted; then the master key. */
static int unlock(struct vg_ab_src *b, const struct vg_source_opts *o, enum vg_diag_level lvl,
                  struct vg_diag *diag)
{
    char pw[VG_MAX_PASSWORD];
    const char *use = o ? o->password : NULL;
    int rc = VG_OK;

    memset(pw, 0, sizeof(pw));
    if (!use && o && o->ask_password) {
        rc = o->ask_password(o->ud, b->display, pw, sizeof(pw));
        if (rc == VG_OK && !memchr(pw, '\0', sizeof(pw)))
            rc = VG_E_INVAL;
        if (rc != VG_OK) {
            vg_diag_add(diag, lvl, WHERE, "%s is encrypted and no password was given", b->display);
            rc = VG_E_PASSWORD;
        }
        use = pw;
    }
    if (rc == VG_OK && !use) {
        vg_diag_add(diag, lvl, WHERE,
                    "%s is encrypted: give its password (-p, or set VIGIE_BACKUP_PASSWORD)",
                    b->display);
        rc = VG_E_PASSWORD;
    } else if (rc == VG_OK) {
        rc = vg_ab_stream_unlock(b->s, use, strlen(use));
        if (rc == VG_E_PASSWORD)
            vg_diag_add(diag, lvl, WHERE, "%s: wrong backup password", b->display);
        else if (rc != VG_OK)
            vg_diag_add(diag, lvl, WHERE,
                        "%s: the password cannot unlock it, the backup is damaged: %s", b->display,
                        vg_ab_stream_error(b->s));
    }
    vg_wipe(pw, sizeof(pw));
    return rc;
}

/* vg_ab_src_new, its messages at level lvl: a backup inside another
 * acquisition that cannot be opened costs that backup only (a warning). */
static int ab_src_new(struct vg_io *io, const char *display, const struct vg_source_opts *opts,
                      enum vg_diag_level lvl, struct vg_diag *diag, struct vg_ab_src **out)
{
    struct vg_ab_src *b = vg_calloc(1, sizeof(*b));
    char err[256];
    int rc;

    if (!b || !(b->display = vg_strdup(display ? display : "backup.ab"))) {
        free(b);
        vg_io_free(io);
        return VG_E_NOMEM;
    }
    b->io = io;
    err[0] = '\0';
    rc = vg_ab_stream_new(io_reader, b, &b->s, err, sizeof(err));
    if (rc == VG_E_NOMEM)
        goto out;
    if (rc != VG_OK) {
        /* the header parser's message names the line and what is wrong */
        vg_diag_add(diag, lvl, WHERE, "%s: %s%s", b->display,
                    rc == VG_E_UNSUPPORTED ? "" : "damaged backup header: ",
                    err[0] ? err : vg_strerror(rc));
        goto out;
    }
    if (!vg_ab_stream_ready(b->s))
        rc = unlock(b, opts, lvl, diag);
out:
    if (rc != VG_OK) {
        vg_ab_src_free(b);
        return rc;
    }
    *out = b;
    return VG_OK;
}

int vg_ab_src_new(struct vg_io *io, const char *display, const struct vg_source_opts *opts,
                  struct vg_diag *diag, struct vg_ab_src **out)
{
    return ab_src_new(io, display, opts, VG_DIAG_ERROR, diag, out);
}

/* ---- the pass ---- */

static int wanted(const struct vg_ab_src *b, const char *name)
{
    size_t i;

    for (i = 0; i < b->n_patterns; i++)
        if (fnmatch(b->patterns[i], name, FNM_PATHNAME) == 0)
            return 1;
    return 0;
}

/* A member too large for memory: written to the private temp folder. */
static int spill(struct kept *k, struct vg_ab_tar *t)
{
    unsigned char *buf = vg_malloc(VG_AB_CHUNK);
    size_t got = 0;
    int fd = -1, rc;

    rc = buf ? vg_tmp_path("ab-member", &k->path) : VG_E_NOMEM;
    if (rc == VG_OK) {
        fd = open(k->path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0)
            rc = VG_E_IO;
    }
    while (rc == VG_OK && (rc = vg_ab_tar_read(t, buf, VG_AB_CHUNK, &got)) == VG_OK && got) {
        size_t done = 0;
        while (done < got) {
            ssize_t w = write(fd, buf + done, got - done);
            if (w <= 0) {
                rc = VG_E_IO;
                break;
            }
            done += (size_t)w;
        }
    }
    if (fd >= 0 && close(fd) != 0 && rc == VG_OK)
        rc = VG_E_IO;
    if (buf)
        vg_free_secret(buf, VG_AB_CHUNK);
    return rc;
}

static int keep(struct vg_ab_src *b, const struct vg_ab_member *m, struct vg_ab_tar *t,
                struct vg_diag *diag)
{
    struct kept *k;
    size_t len = 0;
    int rc;

    if (b->n_kept >= VG_MAX_AB_KEPT || m->size > VG_MAX_AB_KEPT_BYTES - b->kept_bytes) {
        vg_diag_add(diag, VG_DIAG_WARN, WHERE,
                    "%s: tar member %llu '%.200s' not kept: past the cap on members kept (%u, "
                    "%llu bytes)",
                    b->display, (unsigned long long)m->index, m->name, VG_MAX_AB_KEPT,
                    (unsigned long long)VG_MAX_AB_KEPT_BYTES);
        return VG_OK;
    }
    if (b->n_kept == b->cap_kept) {
        size_t cap = b->cap_kept ? 2 * b->cap_kept : 16;
        struct kept *grown = vg_realloc_array(b->kept, cap, sizeof(*grown));
        if (!grown)
            return VG_E_NOMEM;
        b->kept = grown;
        b->cap_kept = cap;
    }
    k = &b->kept[b->n_kept];
    memset(k, 0, sizeof(*k));
    k->index = m->index;
    k->mtime = m->mtime;
    k->mode = m->mode;
    k->size = m->size;
    if (!(k->name = vg_strdup(m->name)))
        return VG_E_NOMEM;
    if (m->size <= VG_AB_KEEP_MEM && b->mem_bytes + m->size <= VG_AB_KEEP_MEM_TOTAL) {
        rc = vg_ab_tar_read_all(t, VG_AB_KEEP_MEM, &k->data, &len);
        if (rc == VG_OK)
            b->mem_bytes += m->size;
    } else {
        rc = spill(k, t);
        if (rc == VG_E_IO && !b->spill_warned++)
            vg_diag_add(diag, VG_DIAG_WARN, WHERE,
                        "%s: cannot write tar member '%.200s' to the private temporary folder",
                        b->display, m->name);
    }
    if (rc != VG_OK) {
        kept_free(k);
        /* a write failure costs this member; the stream's error ends the pass */
        return rc == VG_E_IO ? VG_OK : rc;
    }
    b->kept_bytes += m->size;
    b->n_kept++;
    return VG_OK;
}

struct pass {
    struct vg_ab_src *b;
    struct vg_diag *diag;
};

static int visit(void *ud, const struct vg_ab_member *m, struct vg_ab_tar *t)
{
    struct pass *p = ud;

    if (m->kind != VG_AB_FILE || !wanted(p->b, m->name))
        return VG_OK;
    return keep(p->b, m, t, p->diag);
}

int vg_ab_src_prepare(struct vg_ab_src *b, const struct vg_loc *const *locs, size_t n,
                      struct vg_diag *diag)
{
    struct pass p = {b, diag};
    size_t i, k = 0;

    if (b->prepared)
        return VG_OK;
    b->prepared = 1;
    b->patterns = vg_calloc(n + 1, sizeof(*b->patterns));
    if (!b->patterns)
        return VG_E_NOMEM;
    for (i = 0; i < n; i++)
        if (locs[i]->kind == VG_LOC_ANDROID_BACKUP && locs[i]->path)
            b->patterns[k++] = locs[i]->path;
    b->n_patterns = k;
    if (k == 0)
        return VG_OK; /* no module reads the backup: nothing decrypted */
    return vg_ab_walk(b->s, visit, &p, b->display, diag);
}

/* ---- serving the kept members ---- */

struct hit {
    const struct kept *k;
};

static int hit_cmp(const void *x, const void *y)
{
    const struct kept *a = ((const struct hit *)x)->k, *b = ((const struct hit *)y)->k;
    int c = strcmp(a->name, b->name);
    return c ? c : (a->index > b->index) - (a->index < b->index);
}

int vg_ab_src_find(struct vg_ab_src *b, const struct vg_loc *loc,
                   int (*cb)(void *ud, const struct vg_file *f), void *ud, struct vg_diag *diag)
{
    struct hit *hits;
    size_t i, n = 0;
    int rc = VG_OK;

    VG_UNUSED(diag);
    if (loc->kind != VG_LOC_ANDROID_BACKUP)
        return VG_E_NOTFOUND;
    if (!b->prepared)
        return VG_E_INVAL;
    if (!loc->path)
        return 0;
    hits = vg_calloc(b->n_kept + 1, sizeof(*hits));
    if (!hits)
        return VG_E_NOMEM;
    for (i = 0; i < b->n_kept; i++)
        if (fnmatch(loc->path, b->kept[i].name, FNM_PATHNAME) == 0)
            hits[n++].k = &b->kept[i];
    if (n > 1)
        qsort(hits, n, sizeof(*hits), hit_cmp);
    for (i = 0; rc == VG_OK && i < n; i++) {
        const struct kept *k = hits[i].k;
        struct vg_file f;
        memset(&f, 0, sizeof(f));
        f.loc = loc;
        f.display = k->name;
        f.path = k->name;
        f.st.size = k->size;
        f.st.mode = S_IFREG | (k->mode & 07777);
        f.st.mtime = k->mtime;
        f.st.has = VG_ST_SIZE | VG_ST_MODE | VG_ST_MTIME;
        f.handle = k;
        rc = cb(ud, &f);
    }
    free(hits);
    if (rc != VG_OK)
        return rc;
    return (int)(n > INT32_MAX ? INT32_MAX : n);
}

int vg_ab_src_open(struct vg_ab_src *b, const struct vg_file *f, struct vg_io **out,
                   struct vg_diag *diag)
{
    const struct kept *k = f->handle;
    int fd;

    VG_UNUSED(b);
    VG_UNUSED(diag);
    if (!k)
        return VG_E_NOTFOUND;
    if (k->data)
        /* borrowed: the bytes stay until the source is freed */
        return vg_io_memory(k->data, (size_t)k->size, NULL, NULL, out);
    if (!k->path)
        return vg_io_memory("", 0, NULL, NULL, out);
    fd = open(k->path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return VG_E_IO;
    return vg_io_fd(fd, out);
}

/* ---- the source of `android check-backup` ---- */

static const struct vg_tree_kind unpacked_kind = {
    .name = "android-backup",
    .files = VG_LOC_ANDROID_BACKUP,
    .listing = 0,
    .marker = "apps",
};

struct absrc {
    struct vg_ab_src *ab; /* a .ab file... */
    struct vg_tree *tree; /* ...or its tar unpacked (a folder), or the tar */
    /* Nested (a backup.ab inside another acquisition): its bytes, read
     * only in prepare() and only when a backup module runs, so no
     * password is asked for a check that reads nothing of it. */
    struct vg_io *io;
    char *display;
    const struct vg_source_opts *opts; /* the outer source's, borrowed */
    struct vg_source *src;             /* for its facts */
};

static void ab_facts(struct vg_source *src, const struct vg_ab_header *h);

/* 1 when a locator of the backup's kind is among locs. */
static int reads_backup(const struct vg_loc *const *locs, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (locs[i]->kind == VG_LOC_ANDROID_BACKUP)
            return 1;
    return 0;
}

/* A failure here costs the backup alone: warnings naming it, and the
 * error goes back to the scan, which marks the check INCOMPLETE and goes
 * on with the outer acquisition. */
static int nested_prepare(struct absrc *a, const struct vg_loc *const *locs, size_t n,
                          struct vg_diag *diag)
{
    struct vg_io *io = a->io;
    int rc;

    if (!reads_backup(locs, n))
        return VG_OK;
    a->io = NULL;
    rc = ab_src_new(io, a->display, a->opts, VG_DIAG_WARN, diag, &a->ab);
    if (rc != VG_OK)
        return rc;
    ab_facts(a->src, vg_ab_src_header(a->ab));
    return vg_ab_src_prepare(a->ab, locs, n, diag);
}

static int src_prepare(void *self, const struct vg_loc *const *locs, size_t n, struct vg_diag *diag)
{
    struct absrc *a = self;

    if (a->io)
        return nested_prepare(a, locs, n, diag);
    if (a->ab)
        return vg_ab_src_prepare(a->ab, locs, n, diag);
    return a->tree ? vg_tree_prepare(a->tree, locs, n, NULL, 0, diag) : VG_OK;
}

static int src_find(void *self, const struct vg_loc *loc,
                    int (*cb)(void *ud, const struct vg_file *f), void *ud, struct vg_diag *diag)
{
    struct absrc *a = self;

    if (a->ab)
        return vg_ab_src_find(a->ab, loc, cb, ud, diag);
    if (a->tree)
        return vg_tree_find(a->tree, loc, cb, ud, diag);
    /* a nested backup that could not be opened: nothing in it */
    return loc->kind == VG_LOC_ANDROID_BACKUP ? 0 : VG_E_NOTFOUND;
}

static int src_open(void *self, const struct vg_file *f, struct vg_io **out, struct vg_diag *diag)
{
    struct absrc *a = self;

    if (a->ab)
        return vg_ab_src_open(a->ab, f, out, diag);
    return a->tree ? vg_tree_open_file(a->tree, f, out, diag) : VG_E_NOTFOUND;
}

static void src_free(void *self)
{
    struct absrc *a = self;

    if (!a)
        return;
    vg_ab_src_free(a->ab);
    vg_tree_free(a->tree);
    vg_io_free(a->io);
    free(a->display);
    free(a);
}

static const struct vg_source_ops ab_ops = {
    .prepare = src_prepare,
    .find = src_find,
    .open = src_open,
    .free = src_free,
};

/* 1 when the file at path starts with the .ab magic line. */
static int looks_like_ab(struct vg_io *io)
{
    static const char magic[] = VG_AB_MAGIC "\n";
    char head[sizeof(magic) - 1];

    return vg_io_read_exact(io, 0, head, sizeof(head)) == VG_OK &&
           memcmp(head, magic, sizeof(head)) == 0;
}

static void ab_facts(struct vg_source *src, const struct vg_ab_header *h)
{
    vg_source_fact(src, "backup_version", json_integer((json_int_t)h->version));
    vg_source_fact(src, "backup_compressed", json_boolean(h->compressed));
    vg_source_fact(src, "backup_encrypted", json_boolean(h->crypt == VG_AB_AES256));
}

static int open_ab_file(struct absrc *a, const char *path, const struct vg_source_opts *o,
                        struct vg_diag *diag, int *is_ab)
{
    struct vg_io *io = NULL;
    const char *base = strrchr(path, '/');
    int rc;

    *is_ab = 0;
    rc = vg_file_open_path(path, &io, NULL);
    if (rc != VG_OK) {
        vg_diag_add(diag, VG_DIAG_ERROR, WHERE, "%s: cannot open: %s", path, vg_strerror(rc));
        return rc == VG_E_NOMEM ? rc : VG_E_NOTFOUND;
    }
    if (!looks_like_ab(io)) {
        vg_io_free(io);
        return VG_OK;
    }
    *is_ab = 1;
    return vg_ab_src_new(io, base && base[1] ? base + 1 : path, o, diag, &a->ab);
}

int vg_src_android_backup_open(const char *path, const struct vg_source_opts *o,
                               struct vg_diag *diag, struct vg_source **out)
{
    struct absrc *a = vg_calloc(1, sizeof(*a));
    struct vg_source *src = NULL;
    struct stat st;
    int rc, is_ab = 0;

    if (!a)
        return VG_E_NOMEM;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        rc = vg_tree_open(path, &unpacked_kind, diag, &a->tree);
    } else {
        rc = open_ab_file(a, path, o, diag, &is_ab);
        if (rc == VG_OK && !is_ab) /* the tar abe writes, or not a backup at all */
            rc = vg_tree_open(path, &unpacked_kind, diag, &a->tree);
        if (rc == VG_E_NOTFOUND && !is_ab)
            vg_diag_add(diag, VG_DIAG_ERROR, WHERE,
                        "%s: not an Android backup: give a .ab file or the folder its tar "
                        "was unpacked into",
                        path);
    }
    if (rc == VG_OK)
        rc = vg_source_alloc(path, &src);
    if (rc != VG_OK) {
        src_free(a);
        return rc;
    }
    src->ops = &ab_ops;
    src->self = a;
    src->kind = "android-backup";
    src->platform = VG_PLATFORM_ANDROID;
    if (a->ab)
        ab_facts(src, vg_ab_src_header(a->ab));
    else if (!vg_tree_is_archive(a->tree) && !*vg_tree_root(a->tree))
        vg_diag_add(diag, VG_DIAG_INFO, WHERE,
                    "%s: no apps folder found at the top or one folder down; paths are taken "
                    "from the top",
                    path);
    *out = src;
    return VG_OK;
}

int vg_src_android_backup_nested(const struct vg_source *outer, struct vg_io *io,
                                 const char *logical, const struct vg_source_opts *o,
                                 struct vg_source **out)
{
    struct absrc *a = vg_calloc(1, sizeof(*a));
    struct vg_source *src = NULL;
    int rc = a ? vg_source_alloc_nested(outer, logical, &src) : VG_E_NOMEM;

    if (rc == VG_OK && !(a->display = vg_strdup(logical)))
        rc = VG_E_NOMEM;
    if (rc != VG_OK) {
        vg_source_free(src);
        if (a)
            free(a->display);
        free(a);
        vg_io_free(io);
        return rc;
    }
    a->io = io;
    a->opts = o;
    a->src = src;
    src->ops = &ab_ops;
    src->self = a;
    src->kind = "android-backup";
    src->platform = VG_PLATFORM_ANDROID;
    *out = src;
    return VG_OK;
}
