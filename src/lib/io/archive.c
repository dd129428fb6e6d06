/*
 * Archives read in place with libarchive (see archive.h and
 * docs/formats/archives.md).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/archive.h"
#include "util/tmp.h"
#include "util/utf8.h"

#define AR_BLOCK     (64u * 1024u) /* bytes asked of the file or of libarchive at once */
#define AR_ESC_NAME  512u          /* bytes of a name escaped into a message */
#define AR_MAX_RETRY 16u           /* ARCHIVE_RETRY / ARCHIVE_WARN in a row on one read */

struct vg_archive_member {
    struct vg_archive_entry e;
    char *name, *raw_name, *link; /* owned copies e points to */
    unsigned char *mem;           /* in memory: cap bytes, len used */
    size_t cap;
    uint64_t len;
    char *path; /* temp file (spilled, or written out for member_path) */
    int fd;     /* open while the pass writes it */
    int in_file;
    void *map; /* member_data of a temp-file member */
    size_t map_len;
    int truncated, damaged;
};

struct vg_archive {
    char *label;
    struct vg_diag *diag;
    struct vg_archive_opts o;
    unsigned depth;
    /* the input: a file descriptor, or borrowed memory */
    int fd;
    uint64_t file_size;
    const unsigned char *mem;
    size_t mem_len, mem_off;
    unsigned char *rbuf;
    struct archive *ar;
    int read_done;
    locale_t caller_locale; /* restored around the visitor's callbacks */
    /* the pass */
    uint64_t entries, delivered, inflated;
    unsigned char *dbuf;
    struct vg_archive_member **kept;
    size_t nkept, capkept;
    size_t *by_name; /* indexes into kept, sorted by (name, archive order) */
};

/* ---- locale ------------------------------------------------------------
 *
 * libarchive converts pax and zip UTF-8 names to the current locale's
 * charset; in the "C" locale a library runs under, a non-ASCII zip name
 * comes back NULL and a pax one with a warning. Names are read under
 * C.UTF-8 instead, for this thread only (uselocale), so every machine
 * reads the same bytes whatever the analyst's locale. */

static pthread_once_t ar_locale_once = PTHREAD_ONCE_INIT;
static locale_t ar_utf8;

static void ar_locale_init(void)
{
    ar_utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
}

static locale_t ar_locale_enter(void)
{
    pthread_once(&ar_locale_once, ar_locale_init);
    return ar_utf8 ? uselocale(ar_utf8) : (locale_t)0;
}

static void ar_locale_leave(locale_t saved)
{
    if (saved)
        uselocale(saved);
}

/* ---- messages --------------------------------------------------------- */

static int esc_hidden(uint32_t cp)
{
    /* C0 and C1 controls, DEL, and the bidirectional overrides that make
     * "gpj.exe" look like "exe.jpg" */
    return cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || (cp >= 0x202a && cp <= 0x202e) ||
           (cp >= 0x2066 && cp <= 0x2069);
}

/* One piece of an escaped name: p[0..k) as it is, or its escape in tmp. */
static const char *esc_piece(const unsigned char *p, size_t k, uint32_t cp, char *tmp, size_t cap,
                             size_t *len)
{
    size_t j, o = 0;

    if (cp == VG_UTF8_BAD) {
        for (j = 0; j < k && o + 4 < cap; j++, o += 4)
            (void)vg_snprintf(tmp + o, cap - o, "\\x%02x", p[j]);
    } else if (cp == '\\') {
        memcpy(tmp, "\\\\", 3);
        o = 2;
    } else if (esc_hidden(cp)) {
        (void)vg_snprintf(tmp, cap, cp < 0x80 ? "\\x%02x" : "\\u%04x", (unsigned)cp);
        o = strlen(tmp);
    } else {
        *len = k;
        return (const char *)p;
    }
    *len = o;
    return tmp;
}

/* s with control characters, bidi overrides and bytes that are not UTF-8
 * escaped, cut with "..." past cap: names are data, messages are text. */
static const char *ar_esc(const char *s, char *buf, size_t cap)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "(none)");
    size_t n = strlen((const char *)p), i = 0, o = 0, lim = cap - 4; /* room for "..." */
    char tmp[32];

    while (i < n) {
        uint32_t cp;
        size_t k = vg_utf8_next(p + i, n - i, &cp), len;
        const char *piece = esc_piece(p + i, k, cp, tmp, sizeof(tmp), &len);
        if (len > lim - o)
            break;
        memcpy(buf + o, piece, len);
        o += len;
        i += k;
    }
    if (i < n) {
        memcpy(buf + o, "...", 3);
        o += 3;
    }
    buf[o] = '\0';
    return buf;
}

/* "<archive>: <member>: <what>" as a warning. */
static void ar_warn(struct vg_archive *a, const char *member, const char *fmt, ...) VG_PRINTF(3, 4);
static void ar_warn(struct vg_archive *a, const char *member, const char *fmt, ...)
{
    char lb[AR_ESC_NAME], nb[AR_ESC_NAME], msg[VG_MAX_MESSAGE];
    va_list ap;

    va_start(ap, fmt);
    (void)vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (member)
        vg_diag_add(a->diag, VG_DIAG_WARN, "archive", "%s: %s: %s",
                    ar_esc(a->label, lb, sizeof(lb)), ar_esc(member, nb, sizeof(nb)), msg);
    else
        vg_diag_add(a->diag, VG_DIAG_WARN, "archive", "%s: %s", ar_esc(a->label, lb, sizeof(lb)),
                    msg);
}

/* libarchive's last error, escaped (it may quote a name). */
static const char *ar_error(struct vg_archive *a, char *buf, size_t cap)
{
    const char *s = archive_error_string(a->ar);
    size_t n;

    ar_esc(s ? s : "unknown error", buf, cap);
    /* some messages end with a newline */
    for (n = strlen(buf); n >= 4 && strcmp(buf + n - 4, "\\x0a") == 0; n -= 4)
        buf[n - 4] = '\0';
    return buf;
}

/* ---- input callbacks --------------------------------------------------- */

static la_ssize_t ar_read_fd(struct archive *ar, void *ud, const void **buf)
{
    struct vg_archive *a = ud;
    ssize_t n;

    do {
        n = read(a->fd, a->rbuf, AR_BLOCK);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        archive_set_error(ar, errno, "read error: %s", strerror(errno));
        return -1;
    }
    *buf = a->rbuf;
    return n;
}

static la_int64_t ar_skip_fd(struct archive *ar, void *ud, la_int64_t request)
{
    struct vg_archive *a = ud;
    off_t at = lseek(a->fd, 0, SEEK_CUR);
    uint64_t left;

    VG_UNUSED(ar);
    if (at < 0 || request <= 0 || (uint64_t)at >= a->file_size)
        return 0;
    left = a->file_size - (uint64_t)at;
    if ((uint64_t)request > left)
        request = (la_int64_t)left;
    return lseek(a->fd, (off_t)request, SEEK_CUR) < 0 ? 0 : request;
}

static la_int64_t ar_seek_fd(struct archive *ar, void *ud, la_int64_t off, int whence)
{
    struct vg_archive *a = ud;
    off_t r = lseek(a->fd, (off_t)off, whence);

    if (r < 0) {
        archive_set_error(ar, errno, "seek error: %s", strerror(errno));
        return ARCHIVE_FATAL;
    }
    return (la_int64_t)r;
}

static la_ssize_t ar_read_mem(struct archive *ar, void *ud, const void **buf)
{
    struct vg_archive *a = ud;
    size_t n = a->mem_len - a->mem_off;

    VG_UNUSED(ar);
    if (n > AR_BLOCK)
        n = AR_BLOCK;
    *buf = a->mem + a->mem_off;
    a->mem_off += n;
    return (la_ssize_t)n;
}

static la_int64_t ar_skip_mem(struct archive *ar, void *ud, la_int64_t request)
{
    struct vg_archive *a = ud;
    size_t left = a->mem_len - a->mem_off;

    VG_UNUSED(ar);
    if (request <= 0)
        return 0;
    if ((uint64_t)request > left)
        request = (la_int64_t)left;
    a->mem_off += (size_t)request;
    return request;
}

static la_int64_t ar_seek_mem(struct archive *ar, void *ud, la_int64_t off, int whence)
{
    struct vg_archive *a = ud;
    la_int64_t base = whence == SEEK_SET   ? 0
                      : whence == SEEK_CUR ? (la_int64_t)a->mem_off
                                           : (la_int64_t)a->mem_len;

    /* both within [0, mem_len], so the sum cannot overflow */
    if (off < -base || off > (la_int64_t)a->mem_len - base) {
        archive_set_error(ar, EINVAL, "seek outside the archive");
        return ARCHIVE_FATAL;
    }
    a->mem_off = (size_t)(base + off);
    return (la_int64_t)a->mem_off;
}

/* ---- opening ----------------------------------------------------------- */

void vg_archive_opts_init(struct vg_archive_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->max_member = VG_ARCHIVE_MAX_MEMBER;
    o->max_total = VG_ARCHIVE_MAX_TOTAL;
    o->max_entries = VG_ARCHIVE_MAX_ENTRIES;
    o->max_ratio = VG_ARCHIVE_MAX_RATIO;
    o->ratio_floor = VG_ARCHIVE_RATIO_FLOOR;
    o->mem_threshold = VG_ARCHIVE_MEM_KEEP;
}

static int ar_new(const char *label, const struct vg_archive_opts *opts, struct vg_diag *diag,
                  struct vg_archive **out)
{
    struct vg_archive *a = vg_calloc(1, sizeof(*a));

    if (!a)
        return VG_E_NOMEM;
    a->fd = -1;
    a->diag = diag;
    if (opts)
        a->o = *opts;
    else
        vg_archive_opts_init(&a->o);
    a->label = vg_strdup(label ? label : "(archive)");
    a->dbuf = vg_malloc(AR_BLOCK);
    if (!a->label || !a->dbuf) {
        vg_archive_free(a);
        return VG_E_NOMEM;
    }
    *out = a;
    return VG_OK;
}

/* Every format but mtree, whose reader opens the files a spec names on
 * the local disk; every filter but lrzip, lzop and grzip, which libarchive
 * may run as external programs. */
static int ar_support(struct archive *ar)
{
    int (*const fmts[])(struct archive *) = {
        archive_read_support_format_7zip,  archive_read_support_format_ar,
        archive_read_support_format_cab,   archive_read_support_format_cpio,
        archive_read_support_format_empty, archive_read_support_format_iso9660,
        archive_read_support_format_lha,   archive_read_support_format_rar,
        archive_read_support_format_rar5,  archive_read_support_format_tar,
        archive_read_support_format_warc,  archive_read_support_format_xar,
        archive_read_support_format_zip,
    };
    int (*const filters[])(struct archive *) = {
        archive_read_support_filter_bzip2, archive_read_support_filter_compress,
        archive_read_support_filter_gzip,  archive_read_support_filter_lz4,
        archive_read_support_filter_lzip,  archive_read_support_filter_lzma,
        archive_read_support_filter_rpm,   archive_read_support_filter_uu,
        archive_read_support_filter_xz,    archive_read_support_filter_zstd,
    };
    size_t i;

    /* ARCHIVE_WARN: built without that library; the format is then refused
     * at bid time, which is what we want */
    for (i = 0; i < VG_ARRAY_LEN(fmts); i++)
        if (fmts[i](ar) < ARCHIVE_WARN)
            return VG_E_NOMEM;
    for (i = 0; i < VG_ARRAY_LEN(filters); i++)
        if (filters[i](ar) < ARCHIVE_WARN)
            return VG_E_NOMEM;
    return VG_OK;
}

static int ar_callbacks(struct vg_archive *a)
{
    int mem = a->fd < 0, r;

    r = archive_read_set_read_callback(a->ar, mem ? ar_read_mem : ar_read_fd);
    r = r ? r : archive_read_set_skip_callback(a->ar, mem ? ar_skip_mem : ar_skip_fd);
    if (!r && !a->o.no_seek)
        r = archive_read_set_seek_callback(a->ar, mem ? ar_seek_mem : ar_seek_fd);
    r = r ? r : archive_read_set_callback_data(a->ar, a);
    return r == ARCHIVE_OK ? VG_OK : VG_E_NOMEM;
}

static int ar_broken_code(struct vg_archive *a);

/* Starts libarchive on the input: picks the filters and the format. */
static int ar_start(struct vg_archive *a)
{
    char eb[AR_ESC_NAME], lb[AR_ESC_NAME];
    locale_t saved = ar_locale_enter();
    int rc;

    a->ar = archive_read_new();
    if (!a->ar) {
        rc = VG_E_NOMEM;
        goto out;
    }
    rc = ar_support(a->ar);
    if (rc == VG_OK)
        rc = ar_callbacks(a);
    if (rc != VG_OK)
        goto out;
    if (archive_read_open1(a->ar) != ARCHIVE_OK) {
        /* a filter that fails on the first bytes it inflates (zstd wants
         * whole blocks) leaves no format to pick: say which it was */
        rc = ar_broken_code(a) == VG_E_TRUNCATED ? VG_E_TRUNCATED : VG_E_UNSUPPORTED;
        vg_diag_add(a->diag, VG_DIAG_ERROR, "archive", "%s: %s: %s",
                    ar_esc(a->label, lb, sizeof(lb)),
                    rc == VG_E_TRUNCATED ? "truncated before its first entry"
                                         : "not an archive libarchive reads",
                    ar_error(a, eb, sizeof(eb)));
    }
out:
    ar_locale_leave(saved);
    return rc;
}

static int ar_open_fd(const char *path, const char *label, struct vg_diag *diag, int *fd,
                      uint64_t *size)
{
    char lb[AR_ESC_NAME];
    struct stat st;
    int e;

    /* O_NONBLOCK: a fifo planted in place of the file cannot hang open() */
    *fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (*fd < 0) {
        e = errno;
        vg_diag_add(diag, VG_DIAG_ERROR, "archive", "%s: %s", ar_esc(label, lb, sizeof(lb)),
                    e == ELOOP ? "a symbolic link, refused" : strerror(e));
        return VG_E_IO;
    }
    if (fstat(*fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        vg_diag_add(diag, VG_DIAG_ERROR, "archive", "%s: not a regular file, refused",
                    ar_esc(label, lb, sizeof(lb)));
        close(*fd);
        *fd = -1;
        return VG_E_INVAL;
    }
    *size = st.st_size > 0 ? (uint64_t)st.st_size : 0;
    return VG_OK;
}

static int ar_open_path_as(const char *path, const char *label, const struct vg_archive_opts *opts,
                           struct vg_diag *diag, unsigned depth, struct vg_archive **out)
{
    struct vg_archive *a = NULL;
    int rc = ar_new(label, opts, diag, &a);

    if (rc != VG_OK)
        return rc;
    a->depth = depth;
    rc = ar_open_fd(path, a->label, diag, &a->fd, &a->file_size);
    if (rc == VG_OK) {
        a->rbuf = vg_malloc(AR_BLOCK);
        rc = a->rbuf ? ar_start(a) : VG_E_NOMEM;
    }
    if (rc != VG_OK) {
        vg_archive_free(a);
        return rc;
    }
    *out = a;
    return VG_OK;
}

int vg_archive_open_path(const char *path, const struct vg_archive_opts *opts, struct vg_diag *diag,
                         struct vg_archive **out)
{
    if (!path || !out)
        return VG_E_INVAL;
    return ar_open_path_as(path, path, opts, diag, 0, out);
}

static int ar_open_mem_at(const char *label, const void *p, size_t n,
                          const struct vg_archive_opts *opts, struct vg_diag *diag, unsigned depth,
                          struct vg_archive **out)
{
    static const unsigned char empty[1];
    struct vg_archive *a = NULL;
    int rc = ar_new(label, opts, diag, &a);

    if (rc != VG_OK)
        return rc;
    a->depth = depth;
    a->mem = p ? p : empty;
    a->mem_len = p ? n : 0;
    rc = ar_start(a);
    if (rc != VG_OK) {
        vg_archive_free(a);
        return rc;
    }
    *out = a;
    return VG_OK;
}

int vg_archive_open_mem(const char *label, const void *p, size_t n,
                        const struct vg_archive_opts *opts, struct vg_diag *diag,
                        struct vg_archive **out)
{
    if (!out || (!p && n))
        return VG_E_INVAL;
    return ar_open_mem_at(label, p, n, opts, diag, 0, out);
}

int vg_archive_open_member(struct vg_archive *parent, struct vg_archive_member *m,
                           const struct vg_archive_opts *opts, struct vg_archive **out)
{
    char *label;
    int rc;

    if (!parent || !m || !out)
        return VG_E_INVAL;
    if (parent->depth + 1 > VG_ARCHIVE_MAX_DEPTH) {
        ar_warn(parent, m->name, "archive nested more than %u deep, not opened",
                VG_ARCHIVE_MAX_DEPTH);
        return VG_E_LIMIT;
    }
    label = vg_asprintf("%s!%s", parent->label, m->name);
    if (!label)
        return VG_E_NOMEM;
    if (!opts)
        opts = &parent->o;
    if (m->in_file)
        rc = ar_open_path_as(m->path, label, opts, parent->diag, parent->depth + 1, out);
    else
        rc = ar_open_mem_at(label, m->mem, (size_t)m->len, opts, parent->diag, parent->depth + 1,
                            out);
    free(label);
    return rc;
}

/* ---- names ------------------------------------------------------------- */

/* The normalised name in *out, or NULL and *why says why it is refused. */
static int ar_normalise(const char *raw, int is_dir, char **out, const char **why)
{
    size_t n = strlen(raw), i = 0, o = 0;
    char *s;

    *out = NULL;
    *why = NULL;
    if (n == 0)
        *why = "empty name, refused";
    else if (n > VG_ARCHIVE_MAX_NAME)
        *why = "name longer than the cap (VG_ARCHIVE_MAX_NAME), refused";
    else if (raw[0] == '/')
        *why = "absolute name, refused";
    if (*why)
        return VG_OK;
    s = vg_malloc(n + 1);
    if (!s)
        return VG_E_NOMEM;
    while (i < n) {
        size_t k = i;
        while (k < n && raw[k] != '/')
            k++;
        if (k - i == 2 && raw[i] == '.' && raw[i + 1] == '.') {
            free(s);
            *why = "\"..\" in the name, refused";
            return VG_OK;
        }
        if (k > i && !(k - i == 1 && raw[i] == '.')) {
            if (o)
                s[o++] = '/';
            memcpy(s + o, raw + i, k - i);
            o += k - i;
        }
        i = k + 1;
    }
    s[o] = '\0';
    if (o == 0 && !is_dir) {
        free(s);
        *why = "name empty once \".\" parts are dropped, refused";
        return VG_OK;
    }
    *out = s;
    return VG_OK;
}

static enum vg_archive_type ar_type(struct archive_entry *ae)
{
    if (archive_entry_hardlink(ae))
        return VG_ARCHIVE_HARDLINK;
    switch (archive_entry_filetype(ae)) {
    case AE_IFREG:
        return VG_ARCHIVE_FILE;
    case AE_IFDIR:
        return VG_ARCHIVE_DIR;
    case AE_IFLNK:
        return VG_ARCHIVE_SYMLINK;
    default:
        return VG_ARCHIVE_OTHER;
    }
}

static const char *ar_type_name(enum vg_archive_type t)
{
    static const char *const names[] = {"file", "folder", "symbolic link", "hard link", "special"};
    return names[t];
}

static void ar_time(struct vg_archive_time *t, int set, la_int64_t sec, long nsec)
{
    t->set = set != 0;
    t->sec = set ? (int64_t)sec : 0;
    t->nsec = set && nsec >= 0 && nsec < 1000000000L ? (int32_t)nsec : 0;
}

static void ar_meta(struct vg_archive_entry *e, struct archive_entry *ae)
{
    e->size = archive_entry_size_is_set(ae) && archive_entry_size(ae) >= 0
                  ? (int64_t)archive_entry_size(ae)
                  : -1;
    e->mode = (uint32_t)archive_entry_perm(ae) & 07777u;
    e->uid = archive_entry_uid(ae);
    e->gid = archive_entry_gid(ae);
    ar_time(&e->mtime, archive_entry_mtime_is_set(ae), archive_entry_mtime(ae),
            archive_entry_mtime_nsec(ae));
    ar_time(&e->atime, archive_entry_atime_is_set(ae), archive_entry_atime(ae),
            archive_entry_atime_nsec(ae));
    ar_time(&e->ctime, archive_entry_ctime_is_set(ae), archive_entry_ctime(ae),
            archive_entry_ctime_nsec(ae));
    ar_time(&e->birthtime, archive_entry_birthtime_is_set(ae), archive_entry_birthtime(ae),
            archive_entry_birthtime_nsec(ae));
}

/* ---- caps --------------------------------------------------------------- */

/* Ends the pass when far more comes out than goes in. Decompressed bytes
 * are the larger of what the filters produced and what the format handed
 * over (a zip inflates inside the format; a sparse tar fills holes). */
static int ar_ratio(struct vg_archive *a, const char *name)
{
    la_int64_t raw = archive_filter_bytes(a->ar, -1), f0 = archive_filter_bytes(a->ar, 0);
    uint64_t out = f0 > 0 && (uint64_t)f0 > a->inflated ? (uint64_t)f0 : a->inflated;
    uint64_t in = raw > 0 ? (uint64_t)raw : 1;

    if (out <= a->o.ratio_floor || out / in <= a->o.max_ratio)
        return VG_OK;
    ar_warn(a, name,
            "%llu bytes decompressed from %llu read, more than %llu to 1: a decompression "
            "bomb? The pass ends here",
            (unsigned long long)out, (unsigned long long)in, (unsigned long long)a->o.max_ratio);
    return VG_E_LIMIT;
}

static int ar_broken_code(struct vg_archive *a)
{
    const char *s = archive_error_string(a->ar);
    return s && (strstr(s, "runcated") || strstr(s, "premature end")) ? VG_E_TRUNCATED
                                                                      : VG_E_CORRUPT;
}

/* ARCHIVE_FATAL while reading name's bytes or the next header: the pass
 * ends, with what was read so far kept. */
static int ar_fatal(struct vg_archive *a, const char *name, const char *during)
{
    char eb[AR_ESC_NAME];
    int code = ar_broken_code(a);

    ar_warn(a, name, "%s: %s; the archive is %s, the pass ends here", during,
            ar_error(a, eb, sizeof(eb)), code == VG_E_TRUNCATED ? "truncated" : "damaged");
    return code;
}

/* ---- skipping ------------------------------------------------------------- */

/* Uncompressed tar, cpio, ar and ISO images skip by seeking; anything
 * that decompresses is skipped block by block so the ratio cap sees it. */
static int ar_fast_skip(struct vg_archive *a)
{
    int base = archive_format(a->ar) & ARCHIVE_FORMAT_BASE_MASK;

    return archive_filter_count(a->ar) <= 1 &&
           (base == ARCHIVE_FORMAT_TAR || base == ARCHIVE_FORMAT_CPIO ||
            base == ARCHIVE_FORMAT_AR || base == ARCHIVE_FORMAT_ISO9660);
}

static int ar_skip(struct vg_archive *a, const char *name)
{
    char eb[AR_ESC_NAME];
    unsigned retries = 0;
    const void *p;
    size_t n;
    la_int64_t off;
    int r;

    if (ar_fast_skip(a)) {
        r = archive_read_data_skip(a->ar);
        if (r == ARCHIVE_FATAL)
            return ar_fatal(a, name, "skipping the member");
        if (r != ARCHIVE_OK)
            ar_warn(a, name, "skipping the member: %s", ar_error(a, eb, sizeof(eb)));
        return ar_ratio(a, name);
    }
    for (;;) {
        r = archive_read_data_block(a->ar, &p, &n, &off);
        if (r == ARCHIVE_EOF)
            return VG_OK;
        if (r == ARCHIVE_FATAL)
            return ar_fatal(a, name, "skipping the member");
        if (r == ARCHIVE_OK) {
            a->inflated += n;
            retries = 0;
            if (ar_ratio(a, name) != VG_OK)
                return VG_E_LIMIT;
            continue;
        }
        ar_warn(a, name, "skipping the member: %s", ar_error(a, eb, sizeof(eb)));
        if (r == ARCHIVE_FAILED || ++retries > AR_MAX_RETRY)
            return VG_OK; /* the member is lost; the next header says if more is */
    }
}

/* ---- keeping ------------------------------------------------------------ */

static void member_free(struct vg_archive_member *m)
{
    if (!m)
        return;
    if (m->fd >= 0)
        close(m->fd);
    if (m->map)
        munmap(m->map, m->map_len);
    if (m->path) {
        vg_tmp_remove(m->path);
        free(m->path);
    }
    free(m->mem);
    free(m->name);
    free(m->raw_name);
    free(m->link);
    free(m);
}

static int member_new(const struct vg_archive_entry *e, struct vg_archive_member **out)
{
    struct vg_archive_member *m = vg_calloc(1, sizeof(*m));

    if (!m)
        return VG_E_NOMEM;
    m->fd = -1;
    m->e = *e;
    m->name = vg_strdup(e->name);
    m->raw_name = vg_strdup(e->raw_name);
    m->link = e->link ? vg_strdup(e->link) : NULL;
    if (!m->name || !m->raw_name || (e->link && !m->link)) {
        member_free(m);
        return VG_E_NOMEM;
    }
    m->e.name = m->name;
    m->e.raw_name = m->raw_name;
    m->e.link = m->link;
    *out = m;
    return VG_OK;
}

/* A new 0600 file in the private temp folder, opened for writing. */
static int member_tmpfile(struct vg_archive_member *m)
{
    int rc = vg_tmp_path("archive-member", &m->path);

    if (rc != VG_OK)
        return rc;
    m->fd = open(m->path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    return m->fd < 0 ? VG_E_IO : VG_OK;
}

static int write_all(int fd, const unsigned char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return VG_E_IO;
        p += w;
        n -= (size_t)w;
    }
    return VG_OK;
}

/* Moves the bytes so far from memory to a temp file. */
static int member_spill(struct vg_archive_member *m)
{
    int rc = member_tmpfile(m);

    if (rc == VG_OK && m->len)
        rc = write_all(m->fd, m->mem, (size_t)m->len);
    if (rc != VG_OK)
        return rc;
    free(m->mem);
    m->mem = NULL;
    m->cap = 0;
    m->in_file = 1;
    return VG_OK;
}

static int member_grow(struct vg_archive_member *m, size_t need)
{
    size_t cap = m->cap ? m->cap : 4096;
    unsigned char *np;

    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    np = realloc(m->mem, cap);
    if (!np)
        return VG_E_NOMEM;
    m->mem = np;
    m->cap = cap;
    return VG_OK;
}

/* Appends one block: in memory up to the threshold, then in a file. The
 * header's claimed size only decides where to start; what arrives is what
 * is stored. */
static int member_append(struct vg_archive *a, struct vg_archive_member *m, const unsigned char *p,
                         size_t n)
{
    int rc;

    if (!m->in_file && (m->len + n > a->o.mem_threshold ||
                        (m->e.size >= 0 && (uint64_t)m->e.size > a->o.mem_threshold))) {
        rc = member_spill(m);
        if (rc != VG_OK)
            return rc;
    }
    if (m->in_file) {
        rc = write_all(m->fd, p, n);
        m->len += rc == VG_OK ? n : 0;
        return rc;
    }
    if (m->len + n > m->cap && (rc = member_grow(m, (size_t)m->len + n)) != VG_OK)
        return rc;
    memcpy(m->mem + m->len, p, n);
    m->len += n;
    return VG_OK;
}

static int kept_push(struct vg_archive *a, struct vg_archive_member *m)
{
    if (a->nkept == a->capkept) {
        size_t cap = a->capkept ? a->capkept * 2 : 16;
        struct vg_archive_member **nv = vg_realloc_array(a->kept, cap, sizeof(*nv));
        if (!nv)
            return VG_E_NOMEM;
        a->kept = nv;
        a->capkept = cap;
    }
    a->kept[a->nkept++] = m;
    return VG_OK;
}

/* ---- reading a member's bytes -------------------------------------------- */

/* Where the bytes of a KEEP or STREAM member go. */
struct ar_sink {
    const struct vg_archive_visitor *v; /* STREAM */
    struct vg_archive_member *m;        /* KEEP */
    int status;                         /* the member's fate */
    int damaged, truncated;
};

static int sink_put(struct vg_archive *a, struct ar_sink *s, const struct vg_archive_entry *e,
                    const unsigned char *p, size_t n)
{
    int rc;

    if (s->m)
        return member_append(a, s->m, p, n);
    ar_locale_leave(a->caller_locale);
    rc = s->v->chunk(s->v->ud, e, p, n);
    a->caller_locale = ar_locale_enter();
    return rc;
}

/* Counts one block against the member, total and ratio caps. Returns the
 * pass's fate; s->status takes the member's. */
static int ar_count(struct vg_archive *a, struct ar_sink *s, const struct vg_archive_entry *e,
                    uint64_t got, size_t n)
{
    if (got + n > a->o.max_member) {
        ar_warn(a, e->name, "more than %llu bytes, the cap for one member: %s",
                (unsigned long long)a->o.max_member, s->m ? "not kept" : "cut there");
        s->status = VG_E_LIMIT;
        return VG_OK;
    }
    if (a->delivered + n > a->o.max_total) {
        ar_warn(a, e->name, "more than %llu bytes kept or streamed in all: the pass ends here",
                (unsigned long long)a->o.max_total);
        s->status = VG_E_LIMIT;
        return VG_E_LIMIT;
    }
    a->delivered += n;
    a->inflated += n;
    if (ar_ratio(a, e->name) == VG_OK)
        return VG_OK;
    s->status = VG_E_LIMIT;
    return VG_E_LIMIT;
}

/* One archive_read_data() result that is not data: sets s and returns the
 * pass's fate; *more says whether to read on. */
static int ar_data_error(struct vg_archive *a, struct ar_sink *s, const char *name, la_ssize_t r,
                         unsigned *retries, int *more)
{
    char eb[AR_ESC_NAME];

    *more = 0;
    if (r == ARCHIVE_FATAL) {
        s->truncated = 1;
        s->status = ar_broken_code(a);
        return ar_fatal(a, name, "reading the member");
    }
    ar_warn(a, name, "reading the member: %s", ar_error(a, eb, sizeof(eb)));
    if (r == ARCHIVE_FAILED || ++*retries > AR_MAX_RETRY) {
        s->status = VG_E_CORRUPT;
        return VG_OK;
    }
    s->damaged = 1; /* ARCHIVE_WARN (a bad CRC) or ARCHIVE_RETRY: read on */
    *more = 1;
    return VG_OK;
}

/* Reads the member's bytes into s. Returns the pass's fate. */
static int ar_data(struct vg_archive *a, struct ar_sink *s, const struct vg_archive_entry *e)
{
    uint64_t got = 0;
    unsigned retries = 0;
    int rc, more;

    s->status = VG_OK;
    for (;;) {
        la_ssize_t r = archive_read_data(a->ar, a->dbuf, AR_BLOCK);
        if (r == 0)
            return VG_OK;
        if (r < 0) {
            rc = ar_data_error(a, s, e->name, r, &retries, &more);
            if (rc != VG_OK || !more)
                break;
            continue;
        }
        retries = 0;
        rc = ar_count(a, s, e, got, (size_t)r);
        if (rc != VG_OK || s->status != VG_OK)
            break;
        got += (uint64_t)r;
        rc = sink_put(a, s, e, a->dbuf, (size_t)r);
        if (rc != VG_OK) {
            s->status = rc;
            rc = rc == VG_E_NOMEM && s->m ? VG_E_NOMEM : VG_OK;
            break;
        }
    }
    /* the rest of a member stopped early is skipped, unless the pass ends */
    if (rc == VG_OK && s->status != VG_OK && !s->truncated)
        rc = ar_skip(a, e->name);
    return rc;
}

static int ar_keep(struct vg_archive *a, const struct vg_archive_entry *e)
{
    struct ar_sink s = {0};
    int rc = member_new(e, &s.m);

    if (rc != VG_OK)
        return rc;
    rc = ar_data(a, &s, e);
    if (s.m->fd >= 0) {
        if (close(s.m->fd) != 0 && s.status == VG_OK)
            s.status = VG_E_IO;
        s.m->fd = -1;
    }
    if (s.status == VG_OK || s.truncated) {
        s.m->truncated = s.truncated;
        s.m->damaged = s.damaged;
        if (kept_push(a, s.m) == VG_OK)
            return rc;
        rc = VG_E_NOMEM;
    } else if (s.status != VG_E_LIMIT && s.status != VG_E_CORRUPT) {
        ar_warn(a, e->name, "not kept: %s", vg_strerror(s.status));
    }
    member_free(s.m);
    return rc;
}

static int ar_stream(struct vg_archive *a, const struct vg_archive_visitor *v,
                     const struct vg_archive_entry *e)
{
    struct ar_sink s = {0};
    int rc;

    if (!v->chunk)
        return VG_E_INVAL;
    s.v = v;
    rc = ar_data(a, &s, e);
    if (v->end) {
        ar_locale_leave(a->caller_locale);
        v->end(v->ud, e, s.status);
        a->caller_locale = ar_locale_enter();
    }
    return rc;
}

/* ---- one entry ------------------------------------------------------------ */

#define AR_STOPPED 1 /* internal: the visitor said STOP */

static enum vg_archive_action ar_visit(struct vg_archive *a, const struct vg_archive_visitor *v,
                                       const struct vg_archive_entry *e)
{
    enum vg_archive_action act;

    ar_locale_leave(a->caller_locale);
    act = v->visit(v->ud, e);
    a->caller_locale = ar_locale_enter();
    return act;
}

static int ar_act(struct vg_archive *a, const struct vg_archive_visitor *v,
                  const struct vg_archive_entry *e)
{
    char tb[AR_ESC_NAME];
    enum vg_archive_action act = ar_visit(a, v, e);

    if (act == VG_ARCHIVE_STOP)
        return AR_STOPPED;
    if (act == VG_ARCHIVE_SKIP)
        return ar_skip(a, e->name);
    if (act != VG_ARCHIVE_KEEP && act != VG_ARCHIVE_STREAM)
        return VG_E_INVAL;
    if (e->type == VG_ARCHIVE_DIR)
        return ar_skip(a, e->name); /* a folder has no bytes to keep */
    if (e->type != VG_ARCHIVE_FILE) {
        ar_warn(a, e->name, "a %s%s%s, not a regular file: not %s", ar_type_name(e->type),
                e->link ? " to " : "", e->link ? ar_esc(e->link, tb, sizeof(tb)) : "",
                act == VG_ARCHIVE_KEEP ? "kept" : "streamed");
        return ar_skip(a, e->name);
    }
    return act == VG_ARCHIVE_KEEP ? ar_keep(a, e) : ar_stream(a, v, e);
}

static int ar_entry(struct vg_archive *a, const struct vg_archive_visitor *v,
                    struct archive_entry *ae, int header_warned)
{
    char eb[AR_ESC_NAME], nb[32];
    struct vg_archive_entry e;
    const char *raw = archive_entry_pathname(ae), *why;
    char *name = NULL;
    int rc;

    memset(&e, 0, sizeof(e));
    e.index = a->entries - 1;
    (void)vg_snprintf(nb, sizeof(nb), "entry %llu", (unsigned long long)e.index);
    if (!raw) {
        ar_warn(a, nb, "name unreadable (%s), refused", ar_error(a, eb, sizeof(eb)));
        return ar_skip(a, nb);
    }
    e.type = ar_type(ae);
    rc = ar_normalise(raw, e.type == VG_ARCHIVE_DIR, &name, &why);
    if (rc != VG_OK)
        return rc;
    if (!name) {
        ar_warn(a, raw, "%s", why);
        return ar_skip(a, raw);
    }
    e.name = name;
    e.raw_name = raw;
    ar_meta(&e, ae);
    if (e.type == VG_ARCHIVE_SYMLINK || e.type == VG_ARCHIVE_HARDLINK) {
        e.link =
            e.type == VG_ARCHIVE_SYMLINK ? archive_entry_symlink(ae) : archive_entry_hardlink(ae);
        if (!e.link)
            e.link = "";
        if (strlen(e.link) > VG_ARCHIVE_MAX_NAME) {
            ar_warn(a, name, "link target longer than %u bytes, refused", VG_ARCHIVE_MAX_NAME);
            rc = ar_skip(a, name);
            goto out;
        }
    }
    if (header_warned)
        ar_warn(a, name, "%s", ar_error(a, eb, sizeof(eb)));
    rc = ar_act(a, v, &e);
out:
    free(name);
    return rc;
}

/* ---- the pass ---------------------------------------------------------------- */

static int ar_pass(struct vg_archive *a, const struct vg_archive_visitor *v)
{
    char eb[AR_ESC_NAME], nb[32];
    unsigned bad = 0;

    for (;;) {
        struct archive_entry *ae;
        int r, rc;

        r = archive_read_next_header(a->ar, &ae);
        if (r == ARCHIVE_EOF)
            return VG_OK;
        if (a->entries >= a->o.max_entries) {
            ar_warn(a, NULL, "more than %llu entries: the pass ends here",
                    (unsigned long long)a->o.max_entries);
            return VG_E_LIMIT;
        }
        a->entries++;
        (void)vg_snprintf(nb, sizeof(nb), "entry %llu", (unsigned long long)(a->entries - 1));
        if (r == ARCHIVE_FATAL)
            return ar_fatal(a, nb, "reading the header");
        if (r == ARCHIVE_RETRY || r == ARCHIVE_FAILED) {
            ar_warn(a, nb, "header unreadable: %s", ar_error(a, eb, sizeof(eb)));
            /* a reader that keeps failing without moving on would loop */
            if (++bad > AR_MAX_RETRY) {
                ar_warn(a, nb, "%u unreadable headers in a row: the pass ends here", bad);
                return VG_E_CORRUPT;
            }
            continue;
        }
        bad = 0;
        rc = ar_entry(a, v, ae, r == ARCHIVE_WARN);
        if (rc == AR_STOPPED)
            return VG_OK;
        if (rc != VG_OK)
            return rc;
    }
}

struct ar_ord {
    const char *name;
    size_t at; /* place in kept: archive order */
};

static int ar_ord_cmp(const void *x, const void *y)
{
    const struct ar_ord *p = x, *q = y;
    int c = strcmp(p->name, q->name);

    return c ? c : (p->at > q->at) - (p->at < q->at);
}

/* The name index, and one warning per name that several members share. */
static int ar_index(struct vg_archive *a)
{
    struct ar_ord *ord;
    size_t i, j;

    if (!a->nkept)
        return VG_OK;
    a->by_name = vg_calloc(a->nkept, sizeof(*a->by_name));
    ord = vg_calloc(a->nkept, sizeof(*ord));
    if (!a->by_name || !ord) {
        free(ord);
        return VG_E_NOMEM;
    }
    for (i = 0; i < a->nkept; i++) {
        ord[i].name = a->kept[i]->name;
        ord[i].at = i;
    }
    qsort(ord, a->nkept, sizeof(*ord), ar_ord_cmp);
    for (i = 0; i < a->nkept; i++)
        a->by_name[i] = ord[i].at;
    free(ord);
    for (i = 0; i < a->nkept; i = j) {
        for (j = i + 1; j < a->nkept; j++)
            if (strcmp(a->kept[a->by_name[i]]->name, a->kept[a->by_name[j]]->name) != 0)
                break;
        if (j - i > 1)
            ar_warn(a, a->kept[a->by_name[i]]->name,
                    "%zu members with this name, all kept in archive order", j - i);
    }
    return VG_OK;
}

int vg_archive_read(struct vg_archive *a, const struct vg_archive_visitor *v)
{
    int rc, irc;

    if (!a || !v || !v->visit || a->read_done)
        return VG_E_INVAL;
    a->read_done = 1;
    a->caller_locale = ar_locale_enter();
    rc = ar_pass(a, v);
    ar_locale_leave(a->caller_locale);
    irc = ar_index(a);
    return rc != VG_OK ? rc : irc;
}

/* ---- kept members --------------------------------------------------------- */

size_t vg_archive_kept_total(const struct vg_archive *a)
{
    return a ? a->nkept : 0;
}

struct vg_archive_member *vg_archive_kept_at(struct vg_archive *a, size_t i)
{
    return a && i < a->nkept ? a->kept[i] : NULL;
}

/* The first place in by_name whose name is not below name. */
static size_t ar_lower(const struct vg_archive *a, const char *name)
{
    size_t lo = 0, hi = a->by_name ? a->nkept : 0;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(a->kept[a->by_name[mid]]->name, name) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

size_t vg_archive_kept_count(const struct vg_archive *a, const char *name)
{
    size_t i, n = 0;

    if (!a || !name || !a->by_name)
        return 0;
    for (i = ar_lower(a, name); i < a->nkept && strcmp(a->kept[a->by_name[i]]->name, name) == 0;
         i++)
        n++;
    return n;
}

struct vg_archive_member *vg_archive_kept(struct vg_archive *a, const char *name, size_t i)
{
    size_t at;

    if (!a || !name || i >= vg_archive_kept_count(a, name))
        return NULL;
    at = ar_lower(a, name) + i;
    return a->kept[a->by_name[at]];
}

const struct vg_archive_entry *vg_archive_member_entry(const struct vg_archive_member *m)
{
    return &m->e;
}

uint64_t vg_archive_member_size(const struct vg_archive_member *m)
{
    return m->len;
}

int vg_archive_member_truncated(const struct vg_archive_member *m)
{
    return m->truncated;
}

int vg_archive_member_damaged(const struct vg_archive_member *m)
{
    return m->damaged;
}

int vg_archive_member_in_file(const struct vg_archive_member *m)
{
    return m->in_file;
}

int vg_archive_member_data(struct vg_archive_member *m, const unsigned char **p, size_t *len)
{
    static const unsigned char empty[1];
    struct stat st;
    int fd;

    if (!m->in_file) {
        *p = m->mem ? m->mem : empty;
        *len = (size_t)m->len;
        return VG_OK;
    }
    if (!m->map) {
        fd = open(m->path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
            return VG_E_IO;
        if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size > SIZE_MAX) {
            close(fd);
            return VG_E_IO;
        }
        m->map_len = (size_t)st.st_size;
        m->map = m->map_len ? mmap(NULL, m->map_len, PROT_READ, MAP_PRIVATE, fd, 0) : NULL;
        close(fd);
        if (m->map == MAP_FAILED) {
            m->map = NULL;
            return VG_E_NOMEM;
        }
    }
    *p = m->map ? m->map : empty;
    *len = m->map_len;
    return VG_OK;
}

int vg_archive_member_path(struct vg_archive_member *m, const char **path)
{
    int rc;

    if (!m->path) {
        rc = member_tmpfile(m);
        if (rc == VG_OK && m->len)
            rc = write_all(m->fd, m->mem, (size_t)m->len);
        if (m->fd >= 0 && close(m->fd) != 0 && rc == VG_OK)
            rc = VG_E_IO;
        m->fd = -1;
        if (rc != VG_OK) {
            if (m->path)
                vg_tmp_remove(m->path);
            free(m->path);
            m->path = NULL;
            return rc;
        }
    }
    *path = m->path;
    return VG_OK;
}

const char *vg_archive_label(const struct vg_archive *a)
{
    return a->label;
}

void vg_archive_free(struct vg_archive *a)
{
    size_t i;
    locale_t saved;

    if (!a)
        return;
    if (a->ar) {
        saved = ar_locale_enter();
        archive_read_free(a->ar);
        ar_locale_leave(saved);
    }
    if (a->fd >= 0)
        close(a->fd);
    for (i = 0; i < a->nkept; i++)
        member_free(a->kept[i]);
    free(a->kept);
    free(a->by_name);
    free(a->rbuf);
    free(a->dbuf);
    free(a->label);
    free(a);
}
