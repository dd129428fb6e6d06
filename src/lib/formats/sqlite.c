/*
 * Reading SQLite evidence without modifying it and without trusting it.
 * Design and the sources behind it: docs/formats/sqlite-evidence.md.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <openssl/evp.h>

#include "formats/sqlite.h"
#include "formats/sqlite_vfs.h"
#include "io/file.h"

#include "util/buf.h"

/* A connection is only ever used by the thread that opened it, so SQLite's
 * per-call locking is pure cost (about 5% of a scan, measured in bench/). */
#define VG_SQ_NOMUTEX SQLITE_OPEN_NOMUTEX

#define SQ_HEADER      100u
#define SQ_MAGIC       "SQLite format 3" /* and its NUL: 16 bytes */
#define SQ_ERRMSG      256u
#define SQ_DEFAULT_OPS ((uint64_t)VG_SQLITE_MAX_PROGRESS_CALLS)

/* A statement kept prepared while the temp schema may change: recovery
 * runs a module's query once per recovered row, and preparing it each time
 * cost more than running it. */
#define SQ_CACHE 4
struct sq_cached {
    char *sql;
    sqlite3_stmt *st;
    int busy; /* handed out (a query may run inside another's callback) */
};

/* What vigie keeps per handle. SQLite 3.40 has no client-data slot, so the
 * handles are found again through a small list. */
struct sq_ctx {
    sqlite3 *db;
    struct vg_sq_image *img; /* what the handle reads */
    uint64_t calls;          /* progress-handler calls in the running statement */
    uint64_t max_calls;
    struct timespec start;            /* of the running statement */
    int stopped;                      /* why the progress handler stopped it: SQ_STOP_* */
    char view[128];                   /* a view met where a table was read */
    int temp_writes;                  /* vg_sqlite_temp_writes: the temp schema may change */
    struct sq_cached cache[SQ_CACHE]; /* while temp_writes */
    struct sq_ctx *next;
};

#define SQ_STOP_OPS  1
#define SQ_STOP_TIME 2

static pthread_mutex_t sq_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t sq_once = PTHREAD_ONCE_INIT;
static struct sq_ctx *sq_handles;

static void sq_register(struct sq_ctx *c)
{
    pthread_mutex_lock(&sq_lock);
    c->next = sq_handles;
    sq_handles = c;
    pthread_mutex_unlock(&sq_lock);
}

static struct sq_ctx *sq_find(sqlite3 *db, int unlink)
{
    struct sq_ctx **pp, *c = NULL;

    pthread_mutex_lock(&sq_lock);
    for (pp = &sq_handles; *pp; pp = &(*pp)->next) {
        if ((*pp)->db == db) {
            c = *pp;
            if (unlink)
                *pp = c->next;
            break;
        }
    }
    pthread_mutex_unlock(&sq_lock);
    return c;
}

/* ------------------------------------------------------------ hardening */

/* SQLite's whole heap, every connection together: a hostile query that
 * would sort gigabytes stops with SQLITE_NOMEM instead (issue: a view that
 * sorted 2 MB strings grew to 6 GB). */
static void sq_global_limits(void)
{
    (void)sqlite3_hard_heap_limit64(VG_SQLITE_HEAP_LIMIT);
}

static uint64_t sq_elapsed_ms(const struct timespec *start)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    if (now.tv_sec < start->tv_sec)
        return 0;
    return (uint64_t)(now.tv_sec - start->tv_sec) * 1000u +
           (uint64_t)((now.tv_nsec - start->tv_nsec) / 1000000);
}

/* VG_SQLITE_MAX_PROGRESS_CALLS is read as a budget of VM operations per
 * statement (the handler runs every VG_SQLITE_PROGRESS_OPS of them): 5e8
 * operations is seconds of work, enough for any honest query on a phone's
 * database; and a statement may run VG_SQLITE_MAX_STMT_MS at most. A
 * runaway one stops instead of hanging the scan. */
static int sq_progress(void *ud)
{
    struct sq_ctx *c = ud;

    if (++c->calls > c->max_calls) {
        c->stopped = SQ_STOP_OPS;
        return 1;
    }
    if (sq_elapsed_ms(&c->start) > VG_SQLITE_MAX_STMT_MS) {
        c->stopped = SQ_STOP_TIME;
        return 1;
    }
    return 0;
}

/* Every statement starts with a fresh budget. */
static int sq_trace(unsigned type, void *ud, void *p, void *x)
{
    struct sq_ctx *c = ud;
    VG_UNUSED(p);
    VG_UNUSED(x);
    if (type == SQLITE_TRACE_STMT) {
        c->calls = 0;
        c->stopped = 0;
        clock_gettime(CLOCK_MONOTONIC, &c->start);
    }
    return 0;
}

/* vigie's queries name tables. A read that goes through a view means the
 * evidence replaced a table by a view (a view can sort, join and repeat
 * rows at will: a cartesian view floods millions of records): refused. */
/* Actions that change a schema or rows: only ever on the temp schema, and
 * only while vg_sqlite_temp_writes allows it. */
static int sq_is_write(int action)
{
    switch (action) {
    case SQLITE_CREATE_TEMP_TABLE:
    case SQLITE_DROP_TEMP_TABLE:
    case SQLITE_CREATE_TEMP_INDEX:
    case SQLITE_DROP_TEMP_INDEX:
    case SQLITE_REINDEX: /* CREATE INDEX builds its index so */
    case SQLITE_INSERT:
    case SQLITE_UPDATE: /* CREATE TEMP TABLE ... AS updates sqlite_temp_master */
    case SQLITE_DELETE:
        return 1;
    case SQLITE_SELECT:
    case SQLITE_READ:
    case SQLITE_FUNCTION:
    case SQLITE_RECURSIVE:
    case SQLITE_PRAGMA:
    case SQLITE_TRANSACTION:
    case SQLITE_SAVEPOINT:
        return 0;
    default:
        return -1; /* anything else: never needed, refused while writing */
    }
}

static int sq_authorize(void *ud, int action, const char *a3, const char *a4, const char *dbname,
                        const char *view)
{
    struct sq_ctx *c = ud;
    int w = sq_is_write(action);

    VG_UNUSED(a4);
    if (action == SQLITE_READ && view && *view) {
        if (!c->view[0])
            (void)vg_snprintf(c->view, sizeof(c->view), "%s", view);
        return SQLITE_DENY;
    }
    if (w == 1) {
        /* CREATE TEMP TABLE names no database; INSERT and DELETE do */
        int temp = action == SQLITE_CREATE_TEMP_TABLE || action == SQLITE_DROP_TEMP_TABLE ||
                   action == SQLITE_CREATE_TEMP_INDEX || action == SQLITE_DROP_TEMP_INDEX ||
                   (dbname && strcmp(dbname, "temp") == 0) ||
                   (a3 && strcmp(a3, "sqlite_temp_master") == 0);
        /* otherwise query_only refuses writes; SQLite itself asks for
         * SQLITE_UPDATE on sqlite_master while preparing pragma_table_info */
        return !c->temp_writes || temp ? SQLITE_OK : SQLITE_DENY;
    }
    if (w < 0 && c->temp_writes)
        return SQLITE_DENY;
    return SQLITE_OK;
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

/* sqlite.org/security.html, for database files from an attacker. Triggers
 * only run on writes, which query_only refuses anyway; they are off all the
 * same. Reads through views are refused (sq_authorize). */
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
    ok &= sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL) == SQLITE_OK;
    if (!ok)
        return VG_E_UNSUPPORTED;
    sq_limits(db);
    c->db = db;
    c->max_calls = SQ_DEFAULT_OPS / VG_SQLITE_PROGRESS_OPS;
    clock_gettime(CLOCK_MONOTONIC, &c->start);
    sqlite3_progress_handler(db, VG_SQLITE_PROGRESS_OPS, sq_progress, c);
    if (sqlite3_trace_v2(db, SQLITE_TRACE_STMT, sq_trace, c) != SQLITE_OK)
        return VG_E_UNSUPPORTED;
    if (sqlite3_exec(db, pragmas, NULL, NULL, NULL) != SQLITE_OK)
        return VG_E_IO;
    /* after the pragmas: they read no table, but keep the rule simple */
    return sqlite3_set_authorizer(db, sq_authorize, c) == SQLITE_OK ? VG_OK : VG_E_UNSUPPORTED;
}

static void sq_cache_clear(struct sq_ctx *c)
{
    size_t i;

    for (i = 0; i < SQ_CACHE; i++) {
        sqlite3_finalize(c->cache[i].st);
        free(c->cache[i].sql);
    }
    memset(c->cache, 0, sizeof(c->cache));
}

int vg_sqlite_temp_writes(sqlite3 *db, int on)
{
    struct sq_ctx *c = sq_find(db, 0);

    if (!c)
        return VG_E_INVAL;
    /* query_only refuses writes to any schema, temp included: lifted only
     * while the authorizer admits the temp schema alone */
    if (on) {
        c->temp_writes = 1;
        if (sqlite3_exec(db, "PRAGMA query_only=0;", NULL, NULL, NULL) != SQLITE_OK) {
            c->temp_writes = 0;
            return VG_E_IO;
        }
        return VG_OK;
    }
    sq_cache_clear(c);
    if (sqlite3_exec(db, "PRAGMA query_only=1;", NULL, NULL, NULL) != SQLITE_OK)
        return VG_E_IO;
    c->temp_writes = 0;
    return VG_OK;
}

void vg_sqlite_set_op_budget(sqlite3 *db, uint64_t ops)
{
    struct sq_ctx *c = sq_find(db, 0);

    if (c)
        c->max_calls = ops / VG_SQLITE_PROGRESS_OPS ? ops / VG_SQLITE_PROGRESS_OPS : 1;
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

/* Bytes the header says the file has, or 0 when it does not say (older
 * writers, or a size SQLite would not trust either: the change counter at
 * 24 must equal version-valid-for at 92). SQLite refuses a file shorter than
 * a trusted count as corrupt before reading a single row. */
static uint64_t sq_header_bytes(const unsigned char *h)
{
    uint32_t page = vg_sqlite_header_page_size(h, SQ_HEADER), pages = sq_be32(h + 28);

    if (page == 0 || pages == 0 || sq_be32(h + 24) != sq_be32(h + 92))
        return 0;
    return (uint64_t)pages * page;
}

/* ------------------------------------------------------------- opening */

static void sq_free_ctx(struct sq_ctx *c)
{
    if (!c)
        return;
    vg_sq_image_free(c->img);
    free(c);
}

static int sq_open_image(struct sq_ctx *c, const char *display, struct vg_diag *diag, sqlite3 **out)
{
    sqlite3 *db = NULL;
    char *uri = NULL;
    int rc;

    pthread_once(&sq_once, sq_global_limits);
    rc = vg_sq_image_publish(c->img, &uri);
    if (rc != VG_OK)
        return rc;
    if (sqlite3_open_v2(uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | VG_SQ_NOMUTEX,
                        VG_SQ_VFS_NAME) != SQLITE_OK) {
        vg_diag_add(diag, VG_DIAG_WARN, display, "%s: cannot open: %s", display,
                    db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close_v2(db);
        free(uri);
        return VG_E_IO;
    }
    free(uri);
    rc = sq_harden(db, c);
    if (rc != VG_OK) {
        vg_diag_add(diag, VG_DIAG_WARN, display, "%s: cannot set up SQLite safely: %s", display,
                    sqlite3_errmsg(db));
        sqlite3_close_v2(db);
        return rc;
    }
    *out = db;
    return VG_OK;
}

/* The WAL or hot journal beside the database, indexed; NULL (no error)
 * when there is none or SQLite would ignore it. */
static int sq_index_log(struct vg_io *log, int is_wal, const unsigned char *hdr,
                        const char *display, struct vg_diag *diag, struct vg_wal_index **out)
{
    uint32_t page = vg_sqlite_header_page_size(hdr, SQ_HEADER);
    int rc;

    *out = NULL;
    if (!log || vg_io_size(log) == 0)
        return VG_OK;
    rc = is_wal ? vg_wal_index_new(log, page, out) : vg_journal_index_new(log, page, out);
    if (rc == VG_E_CORRUPT) {
        vg_diag_add(diag, VG_DIAG_WARN, display,
                    "%s: its %s has another page size than the database: ignored", display,
                    is_wal ? "-wal" : "-journal");
        return VG_OK;
    }
    if (rc != VG_OK)
        return rc;
    if ((*out)->info.why && (*out)->info.usable)
        vg_diag_add(diag, VG_DIAG_INFO, display, "%s-wal: %s", display, (*out)->info.why);
    if ((*out)->n == 0) {
        vg_wal_index_free(*out);
        *out = NULL;
    }
    return VG_OK;
}

/* Which log SQLite would apply: a committed WAL, else a hot journal's
 * rollback. Frees the other. */
static int sq_pick_log(struct vg_io **wal, struct vg_io **journal, const unsigned char *hdr,
                       const char *display, struct vg_diag *diag, struct vg_io **log,
                       struct vg_wal_index **x)
{
    int rc = sq_index_log(*wal, 1, hdr, display, diag, x);

    if (rc == VG_OK && *x) {
        *log = *wal;
        *wal = NULL;
    } else if (rc == VG_OK) {
        rc = sq_index_log(*journal, 0, hdr, display, diag, x);
        if (rc == VG_OK && *x) {
            *log = *journal;
            *journal = NULL;
        }
    }
    vg_io_free(*wal);
    vg_io_free(*journal);
    *wal = *journal = NULL;
    return rc;
}

int vg_sqlite_open_io(struct vg_io *db_io, struct vg_io *wal, struct vg_io *journal,
                      const char *display, struct vg_diag *diag, sqlite3 **out)
{
    unsigned char h[SQ_HEADER];
    struct vg_wal_index *wx = NULL;
    struct vg_io *log = NULL;
    struct sq_ctx *c = NULL;
    uint64_t want, size;
    int rc;

    rc = vg_io_read_exact(db_io, 0, h, sizeof(h));
    if (rc == VG_OK && !sq_magic_ok(h, sizeof(h)))
        rc = VG_E_CORRUPT;
    if (rc != VG_OK) {
        vg_diag_add(diag, VG_DIAG_WARN, display,
                    "%s: not a SQLite database (no \"SQLite format 3\" header)", display);
        vg_io_free(db_io);
        vg_io_free(wal);
        vg_io_free(journal);
        return rc == VG_E_TRUNCATED ? VG_E_CORRUPT : rc;
    }
    rc = sq_pick_log(&wal, &journal, h, display, diag, &log, &wx);
    c = vg_calloc(1, sizeof(*c));
    if (rc != VG_OK || !c) {
        vg_io_free(db_io);
        vg_io_free(log);
        vg_wal_index_free(wx);
        free(c);
        return rc != VG_OK ? rc : VG_E_NOMEM;
    }
    size = vg_io_size(db_io);
    if (wx) {
        /* the header as SQLite will see it: the log may hold page 1 */
        uint64_t p1 = vg_wal_index_find(wx, 1);
        if (p1 && vg_io_read_exact(log, p1, h, sizeof(h)) != VG_OK)
            memset(h, 0, sizeof(h));
        size = (uint64_t)wx->db_pages * wx->page_size;
    }
    want = sq_header_bytes(h);
    if (want > size)
        vg_diag_add(diag, VG_DIAG_WARN, display,
                    "%s: truncated: %llu of %llu bytes; reading the pages that are there", display,
                    (unsigned long long)size, (unsigned long long)want);
    rc = vg_sq_image_new(db_io, log, wx, want > size, &c->img);
    if (rc != VG_OK) {
        free(c);
        return rc;
    }
    rc = sq_open_image(c, display, diag, out);
    if (rc != VG_OK) {
        sq_free_ctx(c);
        return rc;
    }
    sq_register(c);
    return VG_OK;
}

/* A sidecar file of the user's database (path + suffix), when there. */
static struct vg_io *sq_sidecar(const char *path, const char *suffix, const char *display,
                                struct vg_diag *diag)
{
    struct vg_io *io = NULL;
    char *p = vg_asprintf("%s%s", path, suffix);
    int rc = p ? vg_file_open_path(p, &io, NULL) : VG_E_NOMEM;

    if (rc != VG_OK && rc != VG_E_NOTFOUND)
        vg_diag_add(diag, VG_DIAG_WARN, display, "%s%s: cannot open: %s", display, suffix,
                    vg_strerror(rc));
    free(p);
    return rc == VG_OK ? io : NULL;
}

int vg_sqlite_open_parts(const char *db_path, const char *wal_path, const char *shm_path,
                         const char *display, struct vg_diag *diag, sqlite3 **out)
{
    struct vg_io *db = NULL, *wal = NULL, *journal;
    int rc;

    VG_UNUSED(shm_path); /* only a cache of the WAL index, rebuilt from the -wal */
    display = display ? display : db_path;
    rc = vg_file_open_path(db_path, &db, NULL);
    if (rc != VG_OK) {
        vg_diag_add(diag, VG_DIAG_WARN, display, "%s: cannot open: %s", display, vg_strerror(rc));
        return rc;
    }
    if (wal_path && (rc = vg_file_open_path(wal_path, &wal, NULL)) != VG_OK) {
        if (rc != VG_E_NOTFOUND)
            vg_diag_add(diag, VG_DIAG_WARN, display, "%s-wal: cannot open: %s", display,
                        vg_strerror(rc));
        wal = NULL;
    }
    journal = sq_sidecar(db_path, "-journal", display, diag);
    return vg_sqlite_open_io(db, wal, journal, display, diag, out);
}

int vg_sqlite_open_file(const char *path, const char *display, struct vg_diag *diag, sqlite3 **out)
{
    struct vg_io *db = NULL, *wal, *journal;
    int rc;

    display = display ? display : path;
    rc = vg_file_open_path(path, &db, NULL);
    if (rc != VG_OK) {
        vg_diag_add(diag, VG_DIAG_WARN, display, "%s: cannot open: %s", display, vg_strerror(rc));
        return rc;
    }
    wal = sq_sidecar(path, "-wal", display, diag);
    journal = sq_sidecar(path, "-journal", display, diag);
    return vg_sqlite_open_io(db, wal, journal, display, diag, out);
}

int vg_sqlite_open_memory(const unsigned char *data, size_t len, const char *display,
                          struct vg_diag *diag, sqlite3 **out)
{
    unsigned char *copy;
    struct vg_io *io = NULL;
    int rc;

    if (len > VG_MAX_IN_MEMORY_FILE)
        return VG_E_LIMIT;
    copy = vg_malloc(len ? len : 1);
    if (!copy)
        return VG_E_NOMEM;
    if (len)
        memcpy(copy, data, len);
    rc = vg_io_memory_take(copy, len, &io);
    if (rc != VG_OK)
        return rc;
    return vg_sqlite_open_io(io, NULL, NULL, display, diag, out);
}

void vg_sqlite_close(sqlite3 *db)
{
    struct sq_ctx *c;

    if (!db)
        return;
    c = sq_find(db, 1);
    if (c)
        sq_cache_clear(c);
    sqlite3_close_v2(db);
    sq_free_ctx(c);
}

/* Why the running statement of db was stopped, for the warning. */
static const char *sq_stop_reason(sqlite3 *db)
{
    struct sq_ctx *c = sq_find(db, 0);

    if (c && c->stopped == SQ_STOP_TIME)
        return "the time limit for one query";
    return "the SQLite work limit";
}

/* The view a refused read went through, or NULL. */
static const char *sq_view_met(sqlite3 *db)
{
    struct sq_ctx *c = sq_find(db, 0);
    return c && c->view[0] ? c->view : NULL;
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
    int rowid_col;       /* salvage: the statement's rowid column, or -1 */
    int have_last;
    int64_t last_rowid; /* the highest rowid delivered */
    size_t repeats;     /* rows a resumed read offered again, not delivered */
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
    if ((rc & 0xff) == SQLITE_AUTH && sq_view_met(r->db)) {
        vg_diag_add(r->diag, VG_DIAG_WARN, r->display,
                    "%s: \"%s\" is a view where vigie reads a table; not read (a view can "
                    "invent or repeat rows: the database may have been tampered with)",
                    r->display, sq_view_met(r->db));
        return VG_E_CORRUPT;
    }
    if ((rc & 0xff) == SQLITE_NOMEM) {
        vg_diag_add(r->diag, VG_DIAG_WARN, r->display,
                    "%s: query stopped: it needed more memory than SQLite is allowed (%d MiB)",
                    r->display, (int)(VG_SQLITE_HEAP_LIMIT >> 20));
        return VG_E_LIMIT;
    }
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
        s = -1;
        (*n)++;
        if (r->rowid_col >= 0) {
            /* a read resumed past damage never delivers a row twice */
            int64_t id = sqlite3_column_int64(st, r->rowid_col);
            if (r->have_last && id <= r->last_rowid) {
                r->repeats++;
                continue;
            }
            r->have_last = 1;
            r->last_rowid = id;
        }
        rc = r->cb(r->ud, st);
        r->rows++;
        if (rc != VG_OK)
            return rc;
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
        vg_diag_add(r->diag, VG_DIAG_WARN, r->display,
                    "%s: query stopped: it needed more memory than SQLite is allowed (%d MiB), "
                    "%zu rows read",
                    r->display, (int)(VG_SQLITE_HEAP_LIMIT >> 20), r->rows);
        return VG_E_LIMIT;
    case SQLITE_INTERRUPT:
        vg_diag_add(r->diag, VG_DIAG_WARN, r->display, "%s: query stopped by %s, %zu rows read",
                    r->display, sq_stop_reason(r->db), r->rows);
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

/* A statement for sql, from the cache when the temp schema may change
 * (*slot then says where it goes back), else prepared anew. */
static int sq_get(struct sq_run *r, const char *sql, sqlite3_stmt **st, struct sq_cached **slot)
{
    struct sq_ctx *c = sq_find(r->db, 0);
    struct sq_cached *free_slot = NULL;
    size_t i;
    int rc;

    *slot = NULL;
    for (i = 0; c && c->temp_writes && i < SQ_CACHE; i++) {
        struct sq_cached *e = &c->cache[i];
        if (!e->st) {
            free_slot = free_slot ? free_slot : e;
        } else if (!e->busy && strcmp(e->sql, sql) == 0) {
            e->busy = 1;
            *st = e->st;
            *slot = e;
            return VG_OK;
        }
    }
    rc = sq_prepare(r, sql, st);
    if (rc == VG_OK && free_slot && (free_slot->sql = vg_strdup(sql)) != NULL) {
        free_slot->st = *st;
        free_slot->busy = 1;
        *slot = free_slot;
    }
    return rc;
}

static void sq_put(sqlite3_stmt *st, struct sq_cached *slot)
{
    if (!slot) {
        sqlite3_finalize(st);
        return;
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    slot->busy = 0;
}

int vg_sqlite_each(sqlite3 *db, const char *sql, const char *display, struct vg_diag *diag,
                   int (*cb)(void *ud, sqlite3_stmt *st), void *ud, size_t *rows)
{
    struct sq_cached *slot = NULL;
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
    r.rowid_col = -1;
    rc = sq_get(&r, sql, &st, &slot);
    if (rc == VG_OK)
        rc = sq_drain(&r, st, -1, &n, &end);
    sq_put(st, slot);
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
    char *sql_main, *sql_nth, *plain = NULL, *what;
    int rc;

    memset(&t, 0, sizeof(t));
    t.r.rowid_col = -1;
    t.r.db = db;
    t.r.display = display ? display : "sqlite";
    t.r.diag = diag;
    t.r.cb = cb;
    t.r.ud = ud;
    t.table = table;
    t.lost_known = 1;
    what = sqlite3_mprintf("%s, rowid", columns);
    sql_main = what ? sq_table_sql(what, table, where, "") : NULL;
    sql_nth = sq_table_sql("rowid", table, where, " LIMIT 1 OFFSET ?2");
    if (!sql_main || !sql_nth) {
        rc = VG_E_NOMEM;
    } else if (!sq_is_view(db, table) &&
               sqlite3_prepare_v3(db, sql_main, -1, 0, &t.main, NULL) == SQLITE_OK &&
               sqlite3_prepare_v3(db, sql_nth, -1, 0, &t.nth, NULL) == SQLITE_OK) {
        t.r.rowid_col = sqlite3_column_count(t.main) - 1;
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
    sqlite3_free(what);
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
