/*
 * Reading SQLite evidence without modifying it and without trusting it.
 * Design and the sources behind it: docs/formats/sqlite-evidence.md.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "formats/sqlite.h"

#include "util/buf.h"
#include "util/tmp.h"

/* A connection is only ever used by the thread that opened it, so SQLite's
 * per-call locking is pure cost (about 5% of a scan, measured in bench/). */
#define VG_SQ_NOMUTEX SQLITE_OPEN_NOMUTEX

#define SQ_HEADER      100u
#define SQ_MAGIC       "SQLite format 3" /* and its NUL: 16 bytes */
#define SQ_COPY_CHUNK  65536u
#define SQ_ERRMSG      256u
#define SQ_DEFAULT_OPS ((uint64_t)VG_SQLITE_MAX_PROGRESS_CALLS)

/* What vigie keeps per handle. SQLite 3.40 has no client-data slot, so the
 * handles are found again through a small list. */
struct sq_ctx {
    sqlite3 *db;
    char *copy_dir; /* private copy made for this handle, or NULL */
    uint64_t calls; /* progress-handler calls in the running statement */
    uint64_t max_calls;
    struct sq_ctx *next;
};

static pthread_mutex_t sq_lock = PTHREAD_MUTEX_INITIALIZER;
static struct sq_ctx *sq_handles;

static void sq_register(struct sq_ctx *c)
{
    pthread_mutex_lock(&sq_lock);
    c->next = sq_handles;
    sq_handles = c;
    pthread_mutex_unlock(&sq_lock);
}

static struct sq_ctx *sq_unregister(sqlite3 *db)
{
    struct sq_ctx **pp, *c = NULL;

    pthread_mutex_lock(&sq_lock);
    for (pp = &sq_handles; *pp; pp = &(*pp)->next) {
        if ((*pp)->db == db) {
            c = *pp;
            *pp = c->next;
            break;
        }
    }
    pthread_mutex_unlock(&sq_lock);
    return c;
}

/* ------------------------------------------------------------ hardening */

/* VG_SQLITE_MAX_PROGRESS_CALLS is read as a budget of VM operations per
 * statement (the handler runs every VG_SQLITE_PROGRESS_OPS of them): 5e8
 * operations is seconds of work, enough for any honest query on a phone's
 * database, and a runaway one stops instead of hanging the scan. */
static int sq_progress(void *ud)
{
    struct sq_ctx *c = ud;
    return ++c->calls > c->max_calls;
}

/* Every statement starts with a fresh budget. */
static int sq_trace(unsigned type, void *ud, void *p, void *x)
{
    struct sq_ctx *c = ud;
    VG_UNUSED(p);
    VG_UNUSED(x);
    if (type == SQLITE_TRACE_STMT)
        c->calls = 0;
    return 0;
}

static void sq_limits(sqlite3 *db)
{
    sqlite3_limit(db, SQLITE_LIMIT_LENGTH, VG_SQLITE_MAX_LENGTH);
    sqlite3_limit(db, SQLITE_LIMIT_SQL_LENGTH, VG_SQLITE_MAX_SQL_LENGTH);
    sqlite3_limit(db, SQLITE_LIMIT_COLUMN, VG_SQLITE_MAX_COLUMN);
    sqlite3_limit(db, SQLITE_LIMIT_EXPR_DEPTH, VG_SQLITE_MAX_EXPR_DEPTH);
    sqlite3_limit(db, SQLITE_LIMIT_COMPOUND_SELECT, VG_SQLITE_MAX_COMPOUND);
    sqlite3_limit(db, SQLITE_LIMIT_VDBE_OP, VG_SQLITE_MAX_VDBE_OP);
    sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, VG_SQLITE_MAX_ATTACHED);
    sqlite3_limit(db, SQLITE_LIMIT_TRIGGER_DEPTH, VG_SQLITE_MAX_TRIGGER_DEPTH);
}

/* sqlite.org/security.html, for database files from an attacker. Views stay
 * enabled: apps' schemas use them and modules may query them, and with
 * trusted_schema off a view can only call innocuous functions. Triggers only
 * run on writes, which query_only refuses anyway; they are off all the same. */
static int sq_harden(sqlite3 *db, struct sq_ctx *c)
{
    static const char pragmas[] = "PRAGMA trusted_schema=OFF;"
                                  "PRAGMA cell_size_check=ON;"
                                  "PRAGMA mmap_size=0;"
                                  "PRAGMA temp_store=MEMORY;" /* no sorter spill files */
                                  "PRAGMA query_only=1;";
    int ok = 1;

    ok &= sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL) == SQLITE_OK;
    ok &= sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL) == SQLITE_OK;
    ok &= sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, NULL) == SQLITE_OK;
    ok &= sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_VIEW, 1, NULL) == SQLITE_OK;
    ok &= sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, NULL) == SQLITE_OK;
    /* a private copy is deleted on close: checkpointing it first is waste */
    ok &= sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL) == SQLITE_OK;
    if (!ok)
        return VG_E_UNSUPPORTED;
    sq_limits(db);
    c->db = db;
    c->max_calls = SQ_DEFAULT_OPS / VG_SQLITE_PROGRESS_OPS;
    sqlite3_progress_handler(db, VG_SQLITE_PROGRESS_OPS, sq_progress, c);
    if (sqlite3_trace_v2(db, SQLITE_TRACE_STMT, sq_trace, c) != SQLITE_OK)
        return VG_E_UNSUPPORTED;
    return sqlite3_exec(db, pragmas, NULL, NULL, NULL) == SQLITE_OK ? VG_OK : VG_E_IO;
}

void vg_sqlite_set_op_budget(sqlite3 *db, uint64_t ops)
{
    struct sq_ctx *c;

    pthread_mutex_lock(&sq_lock);
    for (c = sq_handles; c; c = c->next)
        if (c->db == db)
            c->max_calls = ops / VG_SQLITE_PROGRESS_OPS ? ops / VG_SQLITE_PROGRESS_OPS : 1;
    pthread_mutex_unlock(&sq_lock);
}

/* Hardens db and takes it over (closing it on failure). */
static int sq_finish_open(sqlite3 *db, char *copy_dir, const char *display, struct vg_diag *diag,
                          sqlite3 **out)
{
    struct sq_ctx *c = vg_calloc(1, sizeof(*c));
    int rc = c ? sq_harden(db, c) : VG_E_NOMEM;

    if (rc != VG_OK) {
        vg_diag_add(diag, VG_DIAG_WARN, display, "%s: cannot set up SQLite safely: %s", display,
                    sqlite3_errmsg(db));
        sqlite3_close_v2(db);
        free(c);
        if (copy_dir)
            vg_tmp_remove(copy_dir);
        free(copy_dir);
        return rc;
    }
    c->copy_dir = copy_dir;
    sq_register(c);
    *out = db;
    return VG_OK;
}

/* ---------------------------------------------------------- the header */

static int sq_magic_ok(const unsigned char *h, size_t n)
{
    return n >= SQ_HEADER && memcmp(h, SQ_MAGIC, sizeof(SQ_MAGIC)) == 0;
}

static uint32_t sq_be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Pages the header says the file has, or 0 when it does not say (older
 * writers, or a size SQLite would not trust either: the change counter at
 * 24 must equal version-valid-for at 92). SQLite refuses a file shorter than
 * a trusted count as corrupt before reading a single row. */
static uint64_t sq_header_bytes(const unsigned char *h)
{
    uint32_t page = (uint32_t)h[16] << 8 | h[17], pages = sq_be32(h + 28);

    if (page == 1)
        page = 65536;
    if (page < 512 || (page & (page - 1)) != 0)
        return 0;
    if (pages == 0 || sq_be32(h + 24) != sq_be32(h + 92))
        return 0;
    return (uint64_t)pages * page;
}

/* Zeroes the page count so SQLite sizes the database from the file, and the
 * pages that are there can be read. Only ever done to a private copy. */
static void sq_untrust_size(unsigned char *h)
{
    memset(h + 28, 0, 4);
}

static int sq_check_file(const char *path, const char *display, struct vg_diag *diag,
                         int *truncated)
{
    unsigned char h[SQ_HEADER];
    struct stat st;
    ssize_t n;
    uint64_t want;
    int fd = open(path, O_RDONLY | O_CLOEXEC), err;

    *truncated = 0;
    if (fd < 0) {
        err = errno;
        vg_diag_add(diag, VG_DIAG_WARN, display, "%s: cannot open: %s", display, strerror(err));
        return err == ENOENT ? VG_E_NOTFOUND : VG_E_IO;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        vg_diag_add(diag, VG_DIAG_WARN, display, "%s: not a regular file", display);
        return VG_E_IO;
    }
    n = read(fd, h, sizeof(h));
    err = errno;
    close(fd);
    if (n < 0) {
        vg_diag_add(diag, VG_DIAG_WARN, display, "%s: cannot read: %s", display, strerror(err));
        return VG_E_IO;
    }
    if (!sq_magic_ok(h, (size_t)n)) {
        vg_diag_add(diag, VG_DIAG_WARN, display,
                    "%s: not a SQLite database (no \"SQLite format 3\" header)", display);
        return VG_E_CORRUPT;
    }
    want = sq_header_bytes(h);
    if (want > (uint64_t)st.st_size) {
        *truncated = 1;
        vg_diag_add(diag, VG_DIAG_WARN, display,
                    "%s: truncated: %lld of %llu bytes; reading the pages that are there", display,
                    (long long)st.st_size, (unsigned long long)want);
    }
    return VG_OK;
}

static int sq_untrust_file_size(const char *path)
{
    unsigned char h[SQ_HEADER];
    int fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW), ok;

    if (fd < 0)
        return VG_E_IO;
    ok = pread(fd, h, sizeof(h), 0) == (ssize_t)sizeof(h);
    sq_untrust_size(h);
    ok = ok && pwrite(fd, h + 28, 4, 28) == 4;
    return close(fd) == 0 && ok ? VG_OK : VG_E_IO;
}

/* ------------------------------------------------------ opening a file */

/* SQLite URIs decode %HH; everything but unreserved characters and '/' is
 * encoded so '?', '#' and '%' in a file name cannot change the meaning. */
static char *sq_uri(const char *path)
{
    static const char hex[] = "0123456789ABCDEF";
    struct vg_buf b;
    const unsigned char *p;
    int rc;

    vg_buf_init(&b, VG_SQLITE_MAX_SQL_LENGTH);
    /* an empty authority keeps a path that starts with "//" a path */
    rc = vg_buf_append_str(&b, path[0] == '/' ? "file://" : "file:");
    for (p = (const unsigned char *)path; rc == VG_OK && *p; p++) {
        char esc[3];
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("/-._~", *p)) {
            rc = vg_buf_append_char(&b, (char)*p);
            continue;
        }
        esc[0] = '%';
        esc[1] = hex[*p >> 4];
        esc[2] = hex[*p & 15];
        rc = vg_buf_append(&b, esc, 3);
    }
    if (rc == VG_OK)
        rc = vg_buf_append_str(&b, "?immutable=1");
    if (rc != VG_OK) {
        vg_buf_free(&b);
        return NULL;
    }
    return vg_buf_take(&b);
}

/* immutable=1: no journal or WAL is looked at, no lock is taken, nothing is
 * ever written beside the evidence. */
static int sq_open_immutable(const char *path, const char *display, struct vg_diag *diag,
                             sqlite3 **db)
{
    char *uri = sq_uri(path);
    int rc;

    if (!uri)
        return VG_E_NOMEM;
    rc = sqlite3_open_v2(uri, db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | VG_SQ_NOMUTEX, NULL);
    free(uri);
    if (rc != SQLITE_OK) {
        vg_diag_add(diag, VG_DIAG_WARN, display, "%s: cannot open: %s", display,
                    *db ? sqlite3_errmsg(*db) : sqlite3_errstr(rc));
        sqlite3_close_v2(*db);
        *db = NULL;
        return rc == SQLITE_NOMEM ? VG_E_NOMEM : VG_E_IO;
    }
    return VG_OK;
}

/* The files that together make one database as of its last write. */
struct sq_parts {
    const char *db;
    const char *wal;     /* or NULL */
    const char *journal; /* or NULL */
    int truncated;       /* shorter than its header says */
};

/* A -wal or hot -journal beside the database holds writes the file itself
 * does not; only a non-empty one matters. */
static char *sq_sidecar(const char *path, const char *suffix)
{
    struct stat st;
    char *p = vg_asprintf("%s%s", path, suffix);
    if (p && stat(p, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
        return p;
    free(p);
    return NULL;
}

static int sq_copy_fd(int in, int out)
{
    unsigned char *buf = vg_malloc(SQ_COPY_CHUNK);
    int rc = buf ? VG_OK : VG_E_NOMEM;

    while (rc == VG_OK) {
        ssize_t n = read(in, buf, SQ_COPY_CHUNK), off = 0;
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            rc = n == 0 ? VG_OK : VG_E_IO;
            break;
        }
        while (off < n) {
            ssize_t w = write(out, buf + off, (size_t)(n - off));
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0) {
                rc = VG_E_IO;
                break;
            }
            off += w;
        }
    }
    free(buf);
    return rc;
}

/* Copies src to dst, which must not exist yet. */
static int sq_copy(const char *src, const char *dst)
{
    struct stat st;
    int in, out, rc;

    in = open(src, O_RDONLY | O_CLOEXEC);
    if (in < 0)
        return VG_E_IO;
    if (fstat(in, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(in);
        return VG_E_IO;
    }
    out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (out < 0) {
        close(in);
        return VG_E_IO;
    }
    rc = sq_copy_fd(in, out);
    close(in);
    if (close(out) != 0 && rc == VG_OK)
        rc = VG_E_IO;
    return rc;
}

/* Copies the parts as <dir>/db, db-wal, db-journal. Every name SQLite may
 * create there is registered for the signal-time cleanup, -shm included.
 * The evidence's -shm is not copied: it is only a cache of the WAL index,
 * which the first connection rebuilds from the -wal itself, and a hostile
 * one is better not offered to SQLite at all. */
static int sq_copy_set(const struct sq_parts *src, const char *dir, char **dbpath)
{
    static const char *const sfx[] = {"", "-wal", "-journal", "-shm"};
    const char *from[4];
    size_t i;
    int rc = VG_OK;

    from[0] = src->db;
    from[1] = src->wal;
    from[2] = src->journal;
    from[3] = NULL;
    for (i = 0; rc == VG_OK && i < VG_ARRAY_LEN(sfx); i++) {
        char *dst = vg_asprintf("%s/db%s", dir, sfx[i]);
        rc = dst ? vg_tmp_track(dst) : VG_E_NOMEM;
        if (rc == VG_OK && from[i])
            rc = sq_copy(from[i], dst);
        if (i == 0 && rc == VG_OK)
            *dbpath = dst;
        else
            free(dst);
    }
    return rc;
}

static int sq_open_copy(const struct sq_parts *src, const char *display, struct vg_diag *diag,
                        sqlite3 **db, char **copy_dir)
{
    char *dir = NULL, *dbpath = NULL;
    int rc = vg_tmp_path("sqlite", &dir);

    if (rc == VG_OK && mkdir(dir, 0700) != 0)
        rc = VG_E_IO;
    if (rc == VG_OK)
        rc = sq_copy_set(src, dir, &dbpath);
    if (rc == VG_OK && src->truncated)
        rc = sq_untrust_file_size(dbpath);
    if (rc == VG_OK &&
        sqlite3_open_v2(dbpath, db, SQLITE_OPEN_READWRITE | VG_SQ_NOMUTEX, NULL) != SQLITE_OK) {
        vg_diag_add(diag, VG_DIAG_WARN, display, "%s: cannot open the private copy: %s", display,
                    *db ? sqlite3_errmsg(*db) : "out of memory");
        sqlite3_close_v2(*db);
        *db = NULL;
        rc = VG_E_IO;
    }
    free(dbpath);
    if (rc != VG_OK) {
        if (dir)
            vg_tmp_remove(dir);
        free(dir);
        return rc;
    }
    *copy_dir = dir;
    return VG_OK;
}

/* A private copy when there are writes beside the main file or the file is
 * truncated, else the main file itself, immutable. A copy that fails (no
 * room in the temp folder) still leaves the main file readable as it is. */
static int sq_open_parts(struct sq_parts *src, const char *display, struct vg_diag *diag,
                         sqlite3 **out)
{
    sqlite3 *db = NULL;
    char *copy_dir = NULL;
    int rc = sq_check_file(src->db, display, diag, &src->truncated);

    if (rc != VG_OK)
        return rc;
    if (src->wal || src->journal || src->truncated) {
        rc = sq_open_copy(src, display, diag, &db, &copy_dir);
        if (rc == VG_E_NOMEM)
            return rc;
        if (rc != VG_OK)
            vg_diag_add(diag, VG_DIAG_WARN, display,
                        "%s: could not make a private copy; reading the file as it is%s", display,
                        src->wal || src->journal ? ", the latest changes may be missing" : "");
    }
    if (!db) {
        rc = sq_open_immutable(src->db, display, diag, &db);
        if (rc != VG_OK)
            return rc;
    }
    return sq_finish_open(db, copy_dir, display, diag, out);
}

int vg_sqlite_open_file(const char *path, const char *display, struct vg_diag *diag, sqlite3 **out)
{
    struct sq_parts src;
    char *wal = sq_sidecar(path, "-wal"), *journal = sq_sidecar(path, "-journal");
    int rc;

    src.db = path;
    src.wal = wal;
    src.journal = journal;
    src.truncated = 0;
    rc = sq_open_parts(&src, display ? display : path, diag, out);
    free(wal);
    free(journal);
    return rc;
}

int vg_sqlite_open_parts(const char *db_path, const char *wal_path, const char *shm_path,
                         const char *display, struct vg_diag *diag, sqlite3 **out)
{
    struct sq_parts src;

    VG_UNUSED(shm_path); /* see sq_copy_set: the WAL index is rebuilt, not copied */
    src.db = db_path;
    src.wal = wal_path;
    src.journal = NULL;
    src.truncated = 0;
    return sq_open_parts(&src, display ? display : db_path, diag, out);
}

/* A WAL-mode image (read/write versions 2) would make SQLite look for a
 * -wal of an in-memory database; as a rollback image it opens as it is. */
int vg_sqlite_open_memory(const unsigned char *data, size_t len, const char *display,
                          struct vg_diag *diag, sqlite3 **out)
{
    sqlite3 *db = NULL;
    unsigned char *copy;
    int rc;

    if (!sq_magic_ok(data, len)) {
        vg_diag_add(diag, VG_DIAG_WARN, display,
                    "%s: not a SQLite database (no \"SQLite format 3\" header)", display);
        return VG_E_CORRUPT;
    }
    if (len > VG_MAX_IN_MEMORY_FILE)
        return VG_E_LIMIT;
    if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | VG_SQ_NOMUTEX,
                        NULL) != SQLITE_OK) {
        sqlite3_close_v2(db);
        return VG_E_NOMEM;
    }
    copy = sqlite3_malloc64(len);
    if (!copy) {
        sqlite3_close_v2(db);
        return VG_E_NOMEM;
    }
    memcpy(copy, data, len);
    if (copy[18] == 2 && copy[19] == 2)
        copy[18] = copy[19] = 1;
    if (sq_header_bytes(copy) > len) {
        vg_diag_add(diag, VG_DIAG_WARN, display,
                    "%s: truncated: %zu of %llu bytes; reading the pages that are there", display,
                    len, (unsigned long long)sq_header_bytes(copy));
        sq_untrust_size(copy);
    }
    /* on failure SQLite frees copy itself (FREEONCLOSE) */
    rc = sqlite3_deserialize(db, "main", copy, (sqlite3_int64)len, (sqlite3_int64)len,
                             SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_READONLY);
    if (rc != SQLITE_OK) {
        vg_diag_add(diag, VG_DIAG_WARN, display, "%s: cannot load the database: %s", display,
                    sqlite3_errmsg(db));
        sqlite3_close_v2(db);
        return rc == SQLITE_NOMEM ? VG_E_NOMEM : VG_E_CORRUPT;
    }
    return sq_finish_open(db, NULL, display, diag, out);
}

void vg_sqlite_close(sqlite3 *db)
{
    struct sq_ctx *c;

    if (!db)
        return;
    c = sq_unregister(db);
    sqlite3_close_v2(db);
    if (c && c->copy_dir)
        vg_tmp_remove(c->copy_dir);
    if (c)
        free(c->copy_dir);
    free(c);
}

/* ------------------------------------------------------------- queries */

struct sq_run {
    sqlite3 *db;
    const char *display;
    struct vg_diag *diag;
    int (*cb)(void *ud, sqlite3_stmt *st);
    void *ud;
    size_t rows;
    char msg[SQ_ERRMSG]; /* SQLite's words for the first failure */
};

static int sq_is_damage(int code)
{
    code &= 0xff;
    return code == SQLITE_CORRUPT || code == SQLITE_NOTADB || code == SQLITE_IOERR;
}

static void sq_note_msg(struct sq_run *r)
{
    if (!r->msg[0])
        (void)vg_snprintf(r->msg, sizeof(r->msg), "%s", sqlite3_errmsg(r->db));
}

static int sq_prepare(struct sq_run *r, const char *sql, sqlite3_stmt **st)
{
    int rc = sqlite3_prepare_v3(r->db, sql, -1, 0, st, NULL);
    const char *msg;

    if (rc == SQLITE_OK)
        return VG_OK;
    msg = sqlite3_errmsg(r->db);
    if ((rc & 0xff) == SQLITE_ERROR &&
        (vg_str_has_prefix(msg, "no such table") || vg_str_has_prefix(msg, "no such column"))) {
        vg_diag_add(r->diag, VG_DIAG_INFO, r->display, "%s: %s", r->display, msg);
        return VG_E_NOTFOUND;
    }
    if ((rc & 0xff) == SQLITE_NOMEM)
        return VG_E_NOMEM;
    if (sq_is_damage(rc)) {
        vg_diag_add(r->diag, VG_DIAG_WARN, r->display,
                    "%s: database damaged: cannot read its schema (%s)", r->display, msg);
        return VG_E_CORRUPT;
    }
    vg_diag_add(r->diag, VG_DIAG_WARN, r->display, "%s: query failed: %s", r->display, msg);
    return (rc & 0xff) == SQLITE_INTERRUPT ? VG_E_LIMIT : VG_E_IO;
}

/* Steps st to its end, handing every row to the callback. first is the
 * result of a step already taken (a salvage probe), or -1. *end gets the
 * final SQLite code; the return value is the callback's refusal, if any. */
static int sq_drain(struct sq_run *r, sqlite3_stmt *st, int first, size_t *n, int *end)
{
    int s = first;

    *n = 0;
    for (;;) {
        int rc;
        if (s < 0)
            s = sqlite3_step(st);
        if (s != SQLITE_ROW)
            break;
        rc = r->cb(r->ud, st);
        (*n)++;
        r->rows++;
        if (rc != VG_OK)
            return rc;
        s = -1;
    }
    if (s != SQLITE_DONE)
        sq_note_msg(r);
    *end = s;
    return VG_OK;
}

/* The outcome of a query that did not end in damage. */
static int sq_end(struct sq_run *r, int code)
{
    switch (code & 0xff) {
    case SQLITE_DONE:
        return VG_OK;
    case SQLITE_NOMEM:
        return VG_E_NOMEM;
    case SQLITE_INTERRUPT:
        vg_diag_add(r->diag, VG_DIAG_WARN, r->display,
                    "%s: query stopped by the SQLite work limit, %zu rows read", r->display,
                    r->rows);
        return VG_E_LIMIT;
    case SQLITE_TOOBIG:
        vg_diag_add(r->diag, VG_DIAG_WARN, r->display, "%s: %s (limit %d bytes), %zu rows read",
                    r->display, r->msg, VG_SQLITE_MAX_LENGTH, r->rows);
        return VG_E_LIMIT;
    default:
        vg_diag_add(r->diag, VG_DIAG_WARN, r->display, "%s: query failed after %zu rows: %s",
                    r->display, r->rows, r->msg);
        return VG_E_IO;
    }
}

static void sq_damage_warning(struct sq_run *r, int lost_known, uint64_t lost)
{
    if (lost_known)
        vg_diag_add(r->diag, VG_DIAG_WARN, r->display,
                    "%s: database damaged: %zu rows read, about %llu lost (%s)", r->display,
                    r->rows, (unsigned long long)lost, r->msg);
    else
        vg_diag_add(r->diag, VG_DIAG_WARN, r->display,
                    "%s: database damaged: %zu rows read, an unknown number lost (%s)", r->display,
                    r->rows, r->msg);
}

int vg_sqlite_each(sqlite3 *db, const char *sql, const char *display, struct vg_diag *diag,
                   int (*cb)(void *ud, sqlite3_stmt *st), void *ud, size_t *rows)
{
    struct sq_run r;
    sqlite3_stmt *st = NULL;
    size_t n;
    int end = SQLITE_DONE, rc;

    memset(&r, 0, sizeof(r));
    r.db = db;
    r.display = display ? display : "sqlite";
    r.diag = diag;
    r.cb = cb;
    r.ud = ud;
    rc = sq_prepare(&r, sql, &st);
    if (rc == VG_OK)
        rc = sq_drain(&r, st, -1, &n, &end);
    sqlite3_finalize(st);
    if (rows)
        *rows = r.rows;
    if (rc != VG_OK)
        return rc;
    if (!sq_is_damage(end))
        return sq_end(&r, end);
    sq_damage_warning(&r, 0, 0);
    return r.rows ? VG_OK : VG_E_CORRUPT;
}

/* ------------------------------------------------- salvaging one table */

struct sq_table {
    struct sq_run r;
    sqlite3_stmt *main; /* columns, rowid >= ?1, in rowid order */
    sqlite3_stmt *nth;  /* rowid of the ?2-th such row from ?1 */
    const char *table;
    int64_t mark;   /* highest rowid delivered or counted as lost */
    int mark_known; /* 0 until a rowid is known */
    uint64_t lost;  /* rowids skipped over */
    int lost_known; /* 0 once a stretch could not be measured */
};

/* One step of the main query from start: SQLITE_ROW or SQLITE_DONE when a
 * read can go on from there. */
static int sq_try(struct sq_table *t, int64_t start)
{
    sqlite3_reset(t->main);
    sqlite3_bind_int64(t->main, 1, start);
    return sqlite3_step(t->main);
}

static int sq_ok(int s)
{
    return s == SQLITE_ROW || s == SQLITE_DONE;
}

/* Rowids in an unsigned order-preserving form, so the search below can
 * step and bisect over the whole int64 range without overflow. */
static uint64_t sq_u(int64_t v)
{
    return (uint64_t)v ^ (UINT64_C(1) << 63);
}

static int64_t sq_s(uint64_t u)
{
    return u < (UINT64_C(1) << 63) ? (int64_t)u - INT64_MAX - 1
                                   : (int64_t)(u - (UINT64_C(1) << 63));
}

/* Tries start: 1 when the table reads from there, 0 when that is damaged
 * too, -1 when the probe failed for another reason (work limit, memory),
 * which ends the search. *code gets the step's result. */
static int sq_probe(struct sq_table *t, uint64_t start, int *code)
{
    *code = sq_try(t, sq_s(start));
    if (sq_ok(*code))
        return 1;
    return sq_is_damage(*code) ? 0 : -1;
}

/* The smallest start above lo from which the table reads again: grow the
 * step until a start works, then bisect back. 1 when found (the main
 * statement is left on its first row from *start, *code its step result),
 * 0 when nothing above lo reads, -1 when a probe failed otherwise. */
static int sq_find_resume(struct sq_table *t, int64_t lo_s, int64_t *start, int *code)
{
    uint64_t lo = sq_u(lo_s), hi, gap = 1;
    int r;

    for (;;) {
        if (lo == UINT64_MAX)
            return 0;
        hi = gap <= UINT64_MAX - lo ? lo + gap : UINT64_MAX;
        r = sq_probe(t, hi, code);
        if (r != 0)
            break;
        lo = hi;
        gap = gap > UINT64_MAX / 2 ? UINT64_MAX : gap * 2;
    }
    if (r != 1)
        return r;
    while (hi - lo > 1) {
        uint64_t mid = lo + (hi - lo) / 2;
        r = sq_probe(t, mid, code);
        if (r < 0)
            return r;
        if (r == 1)
            hi = mid;
        else
            lo = mid;
    }
    *start = sq_s(hi);
    return sq_probe(t, hi, code);
}

/* The rowid of the n-th row (from 0) read from start; 0 when unreadable. */
static int sq_nth_rowid(struct sq_table *t, int64_t start, size_t n, int64_t *rowid)
{
    int ok;

    sqlite3_reset(t->nth);
    sqlite3_bind_int64(t->nth, 1, start);
    sqlite3_bind_int64(t->nth, 2, (sqlite3_int64)n);
    ok = sqlite3_step(t->nth) == SQLITE_ROW;
    if (ok)
        *rowid = sqlite3_column_int64(t->nth, 0);
    sqlite3_reset(t->nth);
    return ok;
}

/* min(rowid) or max(rowid): one walk down the edge of the b-tree, which a
 * damaged page in the middle does not block. */
static int sq_edge_rowid(struct sq_table *t, const char *fn, int64_t *rowid)
{
    char *sql = sqlite3_mprintf("SELECT %s(rowid) FROM \"%w\"", fn, t->table);
    sqlite3_stmt *st = NULL;
    int ok = 0;

    if (sql && sqlite3_prepare_v3(t->r.db, sql, -1, 0, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) == SQLITE_INTEGER) {
        *rowid = sqlite3_column_int64(st, 0);
        ok = 1;
    }
    sqlite3_finalize(st);
    sqlite3_free(sql);
    return ok;
}

/* Counts the rowids between the mark and `upto` (exclusive) as lost. */
static void sq_count_lost(struct sq_table *t, int64_t upto)
{
    if (!t->mark_known) {
        int64_t first;
        if (!sq_edge_rowid(t, "min", &first) || first > upto) {
            t->lost_known = 0;
            return;
        }
        t->mark = first - 1; /* first is itself lost: it was not read */
        t->mark_known = 1;
    }
    if (upto - 1 > t->mark) {
        t->lost += (uint64_t)(upto - 1) - (uint64_t)t->mark;
        t->mark = upto - 1;
    }
}

/* After damage met while reading from *start (n rows delivered): finds
 * where reading can go on. 1 when it can (*code: the first step's result),
 * 0 when the rest of the table is out of reach, -1 when the search itself
 * failed (*code says why). */
static int sq_skip_damage(struct sq_table *t, int64_t *start, size_t n, int *code)
{
    int64_t lo = *start, last, next = 0, max;
    int r;

    if (n > 0) {
        if (!sq_nth_rowid(t, *start, n - 1, &last)) {
            t->lost_known = 0;
            return 0;
        }
        t->mark = last;
        t->mark_known = 1;
        lo = last;
    }
    r = sq_find_resume(t, lo, &next, code);
    if (r == 1) {
        sq_count_lost(t, next);
        *start = next;
        return 1;
    }
    if (r == 0 && sq_edge_rowid(t, "max", &max) && max < INT64_MAX)
        sq_count_lost(t, max + 1);
    else
        t->lost_known = 0;
    return r;
}

static int sq_table_loop(struct sq_table *t)
{
    int64_t start = INT64_MIN;
    int first = -1, end = SQLITE_DONE, rc, damaged = 0, r = 0;
    unsigned events = 0;
    size_t n;

    sqlite3_bind_int64(t->main, 1, start);
    for (;;) {
        rc = sq_drain(&t->r, t->main, first, &n, &end);
        if (rc != VG_OK)
            return rc;
        if (!sq_is_damage(end))
            break;
        damaged = 1;
        if (++events > VG_SQLITE_MAX_SALVAGE)
            break;
        r = sq_skip_damage(t, &start, n, &first);
        if (r != 1)
            break;
    }
    if (!damaged)
        return sq_end(&t->r, end);
    sq_damage_warning(&t->r, t->lost_known, t->lost);
    if (r < 0) /* e.g. the work limit hit while searching */
        return sq_end(&t->r, first);
    return t->r.rows ? VG_OK : VG_E_CORRUPT;
}

/* SELECT <what> FROM "<table>" NOT INDEXED WHERE rowid >= ?1 [AND (<where>)]
 * ORDER BY rowid <tail>: a plain walk of the table b-tree in rowid order, so
 * a rowid says exactly how far a read got. */
static char *sq_table_sql(const char *what, const char *table, const char *where, const char *tail)
{
    int w = where && *where;
    return sqlite3_mprintf("SELECT %s FROM \"%w\" NOT INDEXED WHERE rowid >= ?1%s%s%s "
                           "ORDER BY rowid%s",
                           what, table, w ? " AND (" : "", w ? where : "", w ? ")" : "", tail);
}

/* A view has a rowid column that is always NULL: it must not be walked by
 * rowid. (WITHOUT ROWID tables simply fail to prepare the rowid query.) */
static int sq_is_view(sqlite3 *db, const char *table)
{
    sqlite3_stmt *st = NULL;
    int yes = 0;

    if (sqlite3_prepare_v3(db,
                           "SELECT 1 FROM sqlite_master WHERE type = 'view' AND name = ?1 "
                           "COLLATE NOCASE",
                           -1, 0, &st, NULL) == SQLITE_OK &&
        sqlite3_bind_text(st, 1, table, -1, SQLITE_TRANSIENT) == SQLITE_OK)
        yes = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return yes;
}

int vg_sqlite_each_table(sqlite3 *db, const char *table, const char *columns, const char *where,
                         const char *display, struct vg_diag *diag,
                         int (*cb)(void *ud, sqlite3_stmt *st), void *ud, size_t *rows)
{
    struct sq_table t;
    char *sql_main, *sql_nth, *plain = NULL;
    int rc;

    memset(&t, 0, sizeof(t));
    t.r.db = db;
    t.r.display = display ? display : "sqlite";
    t.r.diag = diag;
    t.r.cb = cb;
    t.r.ud = ud;
    t.table = table;
    t.lost_known = 1;
    sql_main = sq_table_sql(columns, table, where, "");
    sql_nth = sq_table_sql("rowid", table, where, " LIMIT 1 OFFSET ?2");
    if (!sql_main || !sql_nth) {
        rc = VG_E_NOMEM;
    } else if (!sq_is_view(db, table) &&
               sqlite3_prepare_v3(db, sql_main, -1, 0, &t.main, NULL) == SQLITE_OK &&
               sqlite3_prepare_v3(db, sql_nth, -1, 0, &t.nth, NULL) == SQLITE_OK) {
        rc = sq_table_loop(&t);
        if (rows)
            *rows = t.r.rows;
    } else {
        /* no rowid (a view, WITHOUT ROWID) or no such table/column: the
         * plain query says which, and runs without salvage */
        plain = where && *where
                    ? sqlite3_mprintf("SELECT %s FROM \"%w\" WHERE (%s)", columns, table, where)
                    : sqlite3_mprintf("SELECT %s FROM \"%w\"", columns, table);
        rc = plain ? vg_sqlite_each(db, plain, display, diag, cb, ud, rows) : VG_E_NOMEM;
    }
    sqlite3_finalize(t.main);
    sqlite3_finalize(t.nth);
    sqlite3_free(sql_main);
    sqlite3_free(sql_nth);
    sqlite3_free(plain);
    return rc;
}

/* ------------------------------------------------------------ rows */

/* Length of the valid UTF-8 sequence at p (RFC 3629: no overlongs, no
 * surrogates, nothing above U+10FFFF), or 0. */
static size_t sq_utf8_len(const unsigned char *p, size_t left)
{
    size_t n, i;
    uint32_t cp;

    if (p[0] < 0x80)
        return 1;
    if (p[0] >= 0xC2 && p[0] <= 0xDF)
        n = 2, cp = p[0] & 0x1Fu;
    else if (p[0] >= 0xE0 && p[0] <= 0xEF)
        n = 3, cp = p[0] & 0x0Fu;
    else if (p[0] >= 0xF0 && p[0] <= 0xF4)
        n = 4, cp = p[0] & 0x07u;
    else
        return 0;
    if (n > left)
        return 0;
    for (i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (p[i] & 0x3Fu);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

/* Text as a JSON string; bytes that are not UTF-8 become U+FFFD, so a
 * hostile value cannot make the record disappear. */
static json_t *sq_json_text(const unsigned char *s, size_t len)
{
    json_t *j = json_stringn((const char *)s, len);
    size_t i = 0, o = 0, cap;
    char *fixed;

    if (j || !s)
        return j;
    if (vg_mul_overflow(len, 3, &cap))
        return NULL;
    fixed = vg_malloc(cap);
    if (!fixed)
        return NULL;
    while (i < len) {
        size_t n = sq_utf8_len(s + i, len - i);
        if (n) {
            memcpy(fixed + o, s + i, n);
            o += n;
            i += n;
        } else {
            memcpy(fixed + o, "\xEF\xBF\xBD", 3);
            o += 3;
            i++;
        }
    }
    j = json_stringn(fixed, o);
    free(fixed);
    return j;
}

static json_t *sq_json_blob(const unsigned char *b, size_t len)
{
    size_t cap;
    unsigned char *out;
    json_t *j;

    if (len > (size_t)INT32_MAX / 2)
        return NULL;
    cap = 4 * ((len + 2) / 3) + 1;
    out = vg_malloc(cap);
    if (!out)
        return NULL;
    if (len)
        (void)EVP_EncodeBlock(out, b, (int)len);
    else
        out[0] = '\0';
    j = json_string((const char *)out);
    free(out);
    return j;
}

static json_t *sq_json_value(sqlite3_stmt *st, int i)
{
    double d;

    switch (sqlite3_column_type(st, i)) {
    case SQLITE_INTEGER:
        return json_integer((json_int_t)sqlite3_column_int64(st, i));
    case SQLITE_FLOAT:
        d = sqlite3_column_double(st, i);
        /* JSON has no infinities (SQLite stores NaN as NULL) */
        return isfinite(d) ? json_real(d) : json_null();
    case SQLITE_TEXT: {
        const unsigned char *s = sqlite3_column_text(st, i);
        return sq_json_text(s, (size_t)sqlite3_column_bytes(st, i));
    }
    case SQLITE_BLOB: {
        const void *b = sqlite3_column_blob(st, i);
        return sq_json_blob(b, (size_t)sqlite3_column_bytes(st, i));
    }
    default:
        return json_null();
    }
}

json_t *vg_sqlite_row_json(sqlite3_stmt *st)
{
    json_t *row = json_object(), *v;
    int i, n = sqlite3_column_count(st);

    for (i = 0; row && i < n; i++) {
        const char *name = sqlite3_column_name(st, i);
        v = sq_json_value(st, i);
        if (!name || !v || json_object_set_new(row, name, v) != 0) {
            json_decref(row);
            row = NULL;
        }
    }
    return row;
}

int vg_sqlite_has_table(sqlite3 *db, const char *table)
{
    sqlite3_stmt *st = NULL;
    int yes = 0;

    if (sqlite3_prepare_v3(db,
                           "SELECT 1 FROM sqlite_master WHERE type IN ('table','view') "
                           "AND name = ?1 COLLATE NOCASE",
                           -1, 0, &st, NULL) == SQLITE_OK &&
        sqlite3_bind_text(st, 1, table, -1, SQLITE_TRANSIENT) == SQLITE_OK)
        yes = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return yes;
}

int vg_sqlite_has_column(sqlite3 *db, const char *table, const char *column)
{
    sqlite3_stmt *st = NULL;
    int yes = 0;

    if (sqlite3_prepare_v3(db, "SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2 COLLATE NOCASE",
                           -1, 0, &st, NULL) == SQLITE_OK &&
        sqlite3_bind_text(st, 1, table, -1, SQLITE_TRANSIENT) == SQLITE_OK &&
        sqlite3_bind_text(st, 2, column, -1, SQLITE_TRANSIENT) == SQLITE_OK)
        yes = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return yes;
}
