/*
 * Deleted-row recovery, judged two ways: on databases SQLite itself builds
 * (rows planted, some deleted, with and without secure_delete, in rollback
 * and WAL modes), where the rows recovered must be exactly the deleted rows
 * whose record bytes are still in the files; and on small images built here
 * byte by byte, one per structure (freeblocks, overwritten headers,
 * unallocated space, freelist trunks and leaves, overflow chains, WAL
 * frames), with malformed variants.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "fixture.h"
#include "util/vg.h"
#include "formats/sqlite_recover.h"
#include "io/io.h"

#define T_SQL "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, n INTEGER, r REAL, b BLOB)"
#define MAX_K 4000

/* ------------------------------------------------------------ planted rows */

static void planted_name(int k, int big, char *out, size_t cap)
{
    int i, len;

    len = snprintf(out, cap, "planted-%04d-", k);
    /* a distinct tail, so no two records share their bytes */
    for (i = 0; len + 1 < (int)cap && i < (big ? 3000 : 24); i++)
        out[len++] = (char)('a' + (k * 7 + i * 3) % 26);
    out[len] = '\0';
}

static void planted_blob(int k, unsigned char b[4])
{
    b[0] = (unsigned char)k;
    b[1] = 0xab;
    b[2] = (unsigned char)(k >> 8);
    b[3] = 0x5c;
}

static void plant(sqlite3 *db, int from, int to, int big)
{
    char name[3100];
    unsigned char b[4];
    int k;

    assert_int_equal(vgfix_sqlite_script(db, "BEGIN"), 0);
    for (k = from; k <= to; k++) {
        planted_name(k, big, name, sizeof(name));
        planted_blob(k, b);
        assert_int_equal(vgfix_sqlite_run(db, "INSERT INTO t VALUES (?, ?, ?, ?, ?)", "itldb", k,
                                          name, (int64_t)k * 1000 + 7, k + 0.5, b, sizeof(b)),
                         0);
    }
    assert_int_equal(vgfix_sqlite_script(db, "COMMIT"), 0);
}

/* The record of planted row k as SQLite writes it (file format 4), from
 * its third header byte on: the bytes a freed cell keeps whatever its first
 * four became. */
static size_t planted_record(int k, int big, unsigned char *out, size_t cap)
{
    char name[3100];
    unsigned char hdr[16], body[3200], b[4];
    size_t nl, h = 0, bl = 0, i;
    uint64_t st, n = (uint64_t)k * 1000 + 7, bits;
    double r = k + 0.5;

    planted_name(k, big, name, sizeof(name));
    planted_blob(k, b);
    nl = strlen(name);
    st = 13 + 2 * nl;
    hdr[h++] = 0; /* id: the rowid alias is stored NULL */
    if (st < 128) {
        hdr[h++] = (unsigned char)st;
    } else {
        hdr[h++] = (unsigned char)(0x80 | (st >> 7));
        hdr[h++] = (unsigned char)(st & 0x7f);
    }
    memcpy(body + bl, name, nl);
    bl += nl;
    hdr[h++] = n < 32768 ? 2 : 3; /* 16- or 24-bit integer */
    for (i = n < 32768 ? 2 : 3; i-- > 0;)
        body[bl++] = (unsigned char)(n >> (8 * i));
    hdr[h++] = 7;
    memcpy(&bits, &r, sizeof(bits));
    for (i = 8; i-- > 0;)
        body[bl++] = (unsigned char)(bits >> (8 * i));
    hdr[h++] = 12 + 2 * 4;
    memcpy(body + bl, b, 4);
    bl += 4;
    assert_true(h - 1 + bl <= cap);
    memcpy(out, hdr + 1, h - 1);
    memcpy(out + h - 1, body, bl);
    return h - 1 + bl;
}

/* ------------------------------------------------------------ images */

struct img {
    char *dir;
    unsigned char *db, *wal;
    size_t db_len, wal_len;
    int live[MAX_K + 1]; /* still in the table */
};

static void img_free(struct img *m)
{
    if (m->dir) {
        vgfix_rmtree(m->dir);
        free(m->dir);
    }
    free(m->db);
    free(m->wal);
    memset(m, 0, sizeof(*m));
}

/* Reads the database (and its -wal, if any) while db is still open, so a
 * WAL is not checkpointed away by the close. */
static void img_read(struct img *m, sqlite3 *db, int from, int to)
{
    char path[4096];
    sqlite3_stmt *st = NULL;
    int k;

    snprintf(path, sizeof(path), "%s/t.db", m->dir);
    m->db = (unsigned char *)vgfix_read_file(path, &m->db_len);
    assert_non_null(m->db);
    snprintf(path, sizeof(path), "%s/t.db-wal", m->dir);
    m->wal = (unsigned char *)vgfix_read_file(path, &m->wal_len);
    for (k = from; k <= to; k++)
        m->live[k] = 0;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT id FROM t", -1, &st, NULL), SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW) {
        k = sqlite3_column_int(st, 0);
        assert_true(k >= 0 && k <= MAX_K);
        m->live[k] = 1;
    }
    sqlite3_finalize(st);
}

static sqlite3 *img_open(struct img *m, const char *pragmas)
{
    char path[4096];
    sqlite3 *db;

    memset(m, 0, sizeof(*m));
    m->dir = vgfix_tmpdir("sqlr");
    assert_non_null(m->dir);
    snprintf(path, sizeof(path), "%s/t.db", m->dir);
    db = vgfix_sqlite_open(path);
    assert_non_null(db);
    assert_int_equal(vgfix_sqlite_script(db, "PRAGMA auto_vacuum=NONE"), 0);
    assert_int_equal(vgfix_sqlite_script(db, pragmas), 0);
    assert_int_equal(vgfix_sqlite_script(db, T_SQL), 0);
    return db;
}

/* ------------------------------------------------------------ recovery */

struct got {
    int k; /* planted row, from the name */
    int has_rowid;
    int64_t rowid;
    unsigned flags;
    struct vg_sqlr_origin o;
    size_t name_len;
};

struct haul {
    struct got *g;
    size_t n, cap;
    int big;
    int stop_after; /* > 0: the callback stops the run after so many */
    int any_rowid;  /* rowids are not the planted numbers */
};

/* Checks every value of a recovered planted row, and keeps where it was. */
static int collect(void *ud, const struct vg_sqlr_row *row)
{
    struct haul *h = ud;
    char name[3100];
    unsigned char b[4];
    const struct vg_sqlr_value *v = row->values;
    int k = -1;

    assert_int_equal(row->ncols, 5);
    assert_int_equal(v[1].type, VG_SQLR_TEXT);
    assert_true(v[1].n > 13 && memcmp(v[1].p, "planted-", 8) == 0);
    k = (int)strtol((const char *)v[1].p + 8, NULL, 10);
    assert_true(k > 0 && k <= MAX_K);
    planted_name(k, h->big, name, sizeof(name));
    assert_true(v[1].n >= strlen(name)); /* some hand-built rows append q's */
    assert_memory_equal(v[1].p, name, strlen(name));
    for (size_t j = strlen(name); j < v[1].n; j++)
        assert_int_equal(v[1].p[j], 'q');
    assert_int_equal(v[2].type, VG_SQLR_INT);
    assert_int_equal(v[2].i, (int64_t)k * 1000 + 7);
    assert_int_equal(v[3].type, VG_SQLR_REAL);
    assert_true(v[3].r == k + 0.5);
    planted_blob(k, b);
    assert_int_equal(v[4].type, VG_SQLR_BLOB);
    assert_int_equal(v[4].n, 4);
    assert_memory_equal(v[4].p, b, 4);
    if (row->has_rowid && !h->any_rowid) {
        assert_int_equal(row->rowid, k);
        assert_int_equal(v[0].type, VG_SQLR_INT);
        assert_int_equal(v[0].i, k);
    } else if (!row->has_rowid) {
        assert_int_equal(v[0].type, VG_SQLR_NULL);
        assert_true(row->flags & VG_SQLR_ROW_HEADER_LOST);
    }
    if (h->n == h->cap) {
        h->cap = h->cap ? h->cap * 2 : 64;
        h->g = realloc(h->g, h->cap * sizeof(*h->g));
        assert_non_null(h->g);
    }
    h->g[h->n].k = k;
    h->g[h->n].has_rowid = row->has_rowid;
    h->g[h->n].rowid = row->rowid;
    h->g[h->n].flags = row->flags;
    h->g[h->n].o = row->origin;
    h->g[h->n].name_len = v[1].n;
    h->n++;
    if (h->stop_after && (int)h->n >= h->stop_after)
        return VG_E_INTERRUPTED;
    return VG_OK;
}

static struct vg_diag *diag_new(void)
{
    struct vg_diag *d = NULL;

    assert_int_equal(vg_diag_new(NULL, NULL, &d), VG_OK);
    return d;
}

/* 1 when some diagnostic holds text. */
static int diag_has(const struct vg_diag *d, const char *text)
{
    size_t i;

    for (i = 0; i < vg_diag_size(d); i++)
        if (strstr(vg_diag_get(d, i)->message, text))
            return 1;
    return 0;
}

static int recover_bytes(const unsigned char *db, size_t db_len, const unsigned char *wal,
                         size_t wal_len, unsigned flags, struct vg_diag *diag, struct haul *h,
                         struct vg_sqlr_stats *st)
{
    struct vg_sqlr_mem mdb, mwal;
    struct vg_sqlr_src sdb, swal;
    struct vg_sqlr *r = NULL;
    struct vg_sqlr_schema *s = NULL;
    struct vg_sqlr_opts opts = {NULL, flags};
    int rc;

    vg_sqlr_src_mem(&sdb, &mdb, db, db_len);
    vg_sqlr_src_mem(&swal, &mwal, wal, wal_len);
    rc = vg_sqlr_open(&sdb, wal ? &swal : NULL, "t.db", diag, &r);
    if (rc != VG_OK)
        return rc;
    rc = vg_sqlr_table(r, "t", &s);
    if (rc == VG_OK)
        rc = vg_sqlr_recover(r, s, &opts, collect, h, st);
    vg_sqlr_schema_free(s);
    vg_sqlr_free(r);
    return rc;
}

static int recover_img(const struct img *m, unsigned flags, struct vg_diag *diag, struct haul *h)
{
    return recover_bytes(m->db, m->db_len, m->wal, m->wal_len, flags, diag, h, NULL);
}

static int in_bytes(const unsigned char *hay, size_t n, const unsigned char *needle, size_t k)
{
    size_t i;

    for (i = 0; hay && k <= n && i <= n - k; i++)
        if (hay[i] == needle[0] && memcmp(hay + i, needle, k) == 0)
            return 1;
    return 0;
}

/* The oracle: deleted rows [from, to] whose record bytes are still in the
 * database or WAL must each be recovered, once; nothing else may be. */
static void expect_physical(const struct img *m, const struct haul *h, int from, int to, int big)
{
    static unsigned char rec[3300];
    int seen[MAX_K + 1];
    size_t i, n;
    int k, present;

    memset(seen, 0, sizeof(seen));
    for (i = 0; i < h->n; i++) {
        k = h->g[i].k;
        if (m->live[k])
            fail_msg("row %d is live but was recovered", k);
        if (seen[k]++)
            fail_msg("row %d recovered twice", k);
    }
    for (k = from; k <= to; k++) {
        if (m->live[k])
            continue;
        n = planted_record(k, big, rec, sizeof(rec));
        /* an overflowing record is split over pages: its first part will do */
        n = n < (big ? 90u : 200u) ? n : (big ? 90u : 200u);
        present = in_bytes(m->db, m->db_len, rec, n) || in_bytes(m->wal, m->wal_len, rec, n);
        if (present && !seen[k])
            fail_msg("row %d is still in the file but was not recovered", k);
        if (!present && seen[k])
            fail_msg("row %d was recovered but is not in the file", k);
    }
}

static const struct got *find(const struct haul *h, int k)
{
    size_t i;

    for (i = 0; i < h->n; i++)
        if (h->g[i].k == k)
            return &h->g[i];
    return NULL;
}

static size_t count_where(const struct haul *h, enum vg_sqlr_where w)
{
    size_t i, n = 0;

    for (i = 0; i < h->n; i++)
        n += h->g[i].o.where == w;
    return n;
}

/* ------------------------------------------------------------ schema */

static struct vg_sqlr_schema *parse_ok(const char *sql)
{
    struct vg_sqlr_schema *s = NULL;
    char why[256];
    int rc = vg_sqlr_schema_parse(sql, strlen(sql), 2, &s, why, sizeof(why));

    if (rc != VG_OK)
        fail_msg("%s: %d %s", sql, rc, why);
    return s;
}

static int parse_rc(const char *sql)
{
    struct vg_sqlr_schema *s = NULL;
    char why[256];
    int rc = vg_sqlr_schema_parse(sql, strlen(sql), 2, &s, why, sizeof(why));

    vg_sqlr_schema_free(s);
    if (rc == VG_E_CORRUPT)
        assert_true(why[0] != '\0');
    return rc;
}

static void test_schema_basic(void **state)
{
    struct vg_sqlr_schema *s = parse_ok(T_SQL);
    const struct vg_sqlr_column *c;

    VG_UNUSED(state);
    assert_int_equal(vg_sqlr_schema_ncols(s), 5);
    assert_int_equal(vg_sqlr_schema_root(s), 2);
    c = vg_sqlr_schema_col(s, 0);
    assert_string_equal(c->name, "id");
    assert_true(c->rowid_alias);
    assert_int_equal(c->types, VG_SQLR_NULL);
    c = vg_sqlr_schema_col(s, 1);
    assert_int_equal(c->affinity, VG_SQLR_AFF_TEXT);
    assert_int_equal(c->types, VG_SQLR_NULL | VG_SQLR_TEXT | VG_SQLR_BLOB);
    assert_int_equal(vg_sqlr_schema_col(s, 2)->affinity, VG_SQLR_AFF_INTEGER);
    assert_int_equal(vg_sqlr_schema_col(s, 2)->types, VG_SQLR_NULL | VG_SQLR_INT | VG_SQLR_REAL);
    assert_int_equal(vg_sqlr_schema_col(s, 3)->affinity, VG_SQLR_AFF_REAL);
    assert_int_equal(vg_sqlr_schema_col(s, 4)->affinity, VG_SQLR_AFF_BLOB);
    assert_int_equal(vg_sqlr_schema_col(s, 4)->types, VG_SQLR_ANY);
    assert_null(vg_sqlr_schema_col(s, 5));
    assert_int_equal(vg_sqlr_schema_set_types(s, 0, VG_SQLR_INT), VG_E_INVAL);
    assert_int_equal(vg_sqlr_schema_set_types(s, 5, VG_SQLR_INT), VG_E_INVAL);
    assert_int_equal(vg_sqlr_schema_set_types(s, 2, 0), VG_E_INVAL);
    assert_int_equal(vg_sqlr_schema_set_types(s, 2, VG_SQLR_ANY), VG_OK);
    assert_int_equal(vg_sqlr_schema_col(s, 2)->types, VG_SQLR_ANY);
    assert_int_equal(vg_sqlr_schema_set_min_cols(s, 0), VG_E_INVAL);
    assert_int_equal(vg_sqlr_schema_set_min_cols(s, 6), VG_E_INVAL);
    assert_int_equal(vg_sqlr_schema_set_min_cols(s, 3), VG_OK);
    vg_sqlr_schema_free(s);
    vg_sqlr_schema_free(NULL);
}

/* The examples of sqlite.org/datatype3.html section 3.1.1. */
static void test_schema_affinity(void **state)
{
    static const struct {
        const char *type;
        enum vg_sqlr_aff aff;
    } v[] = {
        {"INT", VG_SQLR_AFF_INTEGER},
        {"INTEGER", VG_SQLR_AFF_INTEGER},
        {"TINYINT", VG_SQLR_AFF_INTEGER},
        {"UNSIGNED BIG INT", VG_SQLR_AFF_INTEGER},
        {"INT8", VG_SQLR_AFF_INTEGER},
        {"CHARACTER(20)", VG_SQLR_AFF_TEXT},
        {"VARCHAR(255)", VG_SQLR_AFF_TEXT},
        {"NATIVE CHARACTER(70)", VG_SQLR_AFF_TEXT},
        {"NVARCHAR(100)", VG_SQLR_AFF_TEXT},
        {"TEXT", VG_SQLR_AFF_TEXT},
        {"CLOB", VG_SQLR_AFF_TEXT},
        {"BLOB", VG_SQLR_AFF_BLOB},
        {"", VG_SQLR_AFF_BLOB},
        {"REAL", VG_SQLR_AFF_REAL},
        {"DOUBLE", VG_SQLR_AFF_REAL},
        {"DOUBLE PRECISION", VG_SQLR_AFF_REAL},
        {"FLOAT", VG_SQLR_AFF_REAL},
        {"NUMERIC", VG_SQLR_AFF_NUMERIC},
        {"DECIMAL(10,5)", VG_SQLR_AFF_NUMERIC},
        {"BOOLEAN", VG_SQLR_AFF_NUMERIC},
        {"DATE", VG_SQLR_AFF_NUMERIC},
        {"DATETIME", VG_SQLR_AFF_NUMERIC},
        {"FLOATING POINT", VG_SQLR_AFF_INTEGER}, /* "INT" in POINT comes first */
        {"STRING", VG_SQLR_AFF_NUMERIC},
        {"charint", VG_SQLR_AFF_INTEGER},
    };
    char sql[256];
    size_t i;

    VG_UNUSED(state);
    for (i = 0; i < VG_ARRAY_LEN(v); i++) {
        struct vg_sqlr_schema *s;
        snprintf(sql, sizeof(sql), "CREATE TABLE x(a %s NOT NULL DEFAULT 0, b)", v[i].type);
        s = parse_ok(sql);
        assert_int_equal(vg_sqlr_schema_ncols(s), 2);
        if (vg_sqlr_schema_col(s, 0)->affinity != v[i].aff)
            fail_msg("%s: affinity %d", v[i].type, vg_sqlr_schema_col(s, 0)->affinity);
        assert_false(vg_sqlr_schema_col(s, 0)->types & VG_SQLR_NULL); /* NOT NULL */
        assert_int_equal(vg_sqlr_schema_col(s, 1)->affinity, VG_SQLR_AFF_BLOB);
        vg_sqlr_schema_free(s);
    }
}

static void test_schema_syntax(void **state)
{
    struct vg_sqlr_schema *s;

    VG_UNUSED(state);
    /* quoting, comments, constraints with parentheses and strings */
    s = parse_ok("create temp table if not exists main.\"my table\" -- comment\n"
                 "( \"a\"\"b\" integer /* c */ constraint pk primary key autoincrement,\n"
                 "  [c d] varchar(10, 2) check (length([c d]) > 0) collate nocase,\n"
                 "  `e` text default 'x, y)' references other(id) on delete set null,\n"
                 "  'f' real, unique (a, e), check (f > 0));");
    assert_int_equal(vg_sqlr_schema_ncols(s), 4);
    assert_string_equal(vg_sqlr_schema_col(s, 0)->name, "a\"b");
    assert_true(vg_sqlr_schema_col(s, 0)->rowid_alias);
    assert_string_equal(vg_sqlr_schema_col(s, 1)->name, "c d");
    assert_int_equal(vg_sqlr_schema_col(s, 1)->affinity, VG_SQLR_AFF_TEXT);
    assert_string_equal(vg_sqlr_schema_col(s, 2)->name, "e");
    assert_string_equal(vg_sqlr_schema_col(s, 3)->name, "f");
    assert_int_equal(vg_sqlr_schema_col(s, 3)->affinity, VG_SQLR_AFF_REAL);
    vg_sqlr_schema_free(s);

    /* a table PRIMARY KEY on one INTEGER column is the alias, DESC or not */
    s = parse_ok("CREATE TABLE x(a TEXT, b INTEGER, PRIMARY KEY (b DESC))");
    assert_false(vg_sqlr_schema_col(s, 0)->rowid_alias);
    assert_true(vg_sqlr_schema_col(s, 1)->rowid_alias);
    vg_sqlr_schema_free(s);
    /* ... but the column-constraint DESC quirk, INT, and two columns are not */
    s = parse_ok("CREATE TABLE x(a INTEGER PRIMARY KEY DESC, b)");
    assert_false(vg_sqlr_schema_col(s, 0)->rowid_alias);
    vg_sqlr_schema_free(s);
    s = parse_ok("CREATE TABLE x(a INT PRIMARY KEY, b)");
    assert_false(vg_sqlr_schema_col(s, 0)->rowid_alias);
    vg_sqlr_schema_free(s);
    s = parse_ok("CREATE TABLE x(a INTEGER, b INTEGER, PRIMARY KEY(a, b))");
    assert_false(vg_sqlr_schema_col(s, 0)->rowid_alias);
    assert_false(vg_sqlr_schema_col(s, 1)->rowid_alias);
    vg_sqlr_schema_free(s);

    /* VIRTUAL generated columns are not stored; STORED ones are */
    s = parse_ok("CREATE TABLE x(a INT, b INT GENERATED ALWAYS AS (a * 2) VIRTUAL,"
                 " c INT AS (a + 1) STORED, d AS (a))");
    assert_int_equal(vg_sqlr_schema_ncols(s), 2);
    assert_string_equal(vg_sqlr_schema_col(s, 1)->name, "c");
    vg_sqlr_schema_free(s);

    /* STRICT: the declared type is the storage class */
    s = parse_ok("CREATE TABLE x(a INTEGER, b TEXT, c ANY, d REAL, e BLOB) STRICT");
    assert_int_equal(vg_sqlr_schema_col(s, 0)->types, VG_SQLR_NULL | VG_SQLR_INT);
    assert_int_equal(vg_sqlr_schema_col(s, 1)->types, VG_SQLR_NULL | VG_SQLR_TEXT);
    assert_int_equal(vg_sqlr_schema_col(s, 2)->types, VG_SQLR_ANY);
    assert_int_equal(vg_sqlr_schema_col(s, 3)->types, VG_SQLR_NULL | VG_SQLR_INT | VG_SQLR_REAL);
    assert_int_equal(vg_sqlr_schema_col(s, 4)->types, VG_SQLR_NULL | VG_SQLR_BLOB);
    vg_sqlr_schema_free(s);
}

static void test_schema_errors(void **state)
{
    char *big;
    size_t i, n = 0;

    VG_UNUSED(state);
    assert_int_equal(parse_rc("CREATE TABLE x(a) WITHOUT ROWID"), VG_E_UNSUPPORTED);
    assert_int_equal(parse_rc("CREATE VIRTUAL TABLE x USING fts5(a)"), VG_E_UNSUPPORTED);
    assert_int_equal(parse_rc("CREATE TABLE x AS SELECT 1"), VG_E_UNSUPPORTED);
    assert_int_equal(parse_rc("CREATE INDEX i ON x(a)"), VG_E_CORRUPT);
    assert_int_equal(parse_rc("SELECT 1"), VG_E_CORRUPT);
    assert_int_equal(parse_rc(""), VG_E_CORRUPT);
    assert_int_equal(parse_rc("CREATE TABLE x("), VG_E_CORRUPT);
    assert_int_equal(parse_rc("CREATE TABLE x()"), VG_E_CORRUPT);
    assert_int_equal(parse_rc("CREATE TABLE x(a CHECK (a > 0)"), VG_E_CORRUPT);
    assert_int_equal(parse_rc("CREATE TABLE x(\"a TEXT)"), VG_E_CORRUPT);
    assert_int_equal(parse_rc("CREATE TABLE x(a) garbage"), VG_E_CORRUPT);
    assert_int_equal(parse_rc("CREATE TABLE x(PRIMARY KEY(a), b)"), VG_E_CORRUPT);
    assert_int_equal(parse_rc("CREATE TABLE (a)"), VG_E_CORRUPT);
    /* more columns than the cap */
    big = malloc(32 * (VG_SQLR_MAX_COLUMNS + 2));
    assert_non_null(big);
    n += (size_t)snprintf(big + n, 64, "CREATE TABLE x(c0");
    for (i = 1; i <= VG_SQLR_MAX_COLUMNS; i++)
        n += (size_t)snprintf(big + n, 32, ", c%zu", i);
    snprintf(big + n, 8, ")");
    assert_int_equal(parse_rc(big), VG_E_LIMIT);
    free(big);
}

/* ------------------------------------------------------------ SQLite-built */

/* One leaf page: scattered deletions leave freeblocks (their cells' first
 * bytes overwritten), deleting the newest row frees the cell at the top of
 * the content area, which becomes unallocated space. */
static void test_leaf_freeblocks(void **state)
{
    struct vg_diag *d = diag_new();
    struct haul h = {0};
    struct img m;
    const struct got *g;
    sqlite3 *db = img_open(&m, "PRAGMA secure_delete=OFF; PRAGMA page_size=4096");

    VG_UNUSED(state);
    plant(db, 1, 20, 0);
    assert_int_equal(vgfix_sqlite_script(db, "DELETE FROM t WHERE id IN (3, 4, 7, 12, 20)"), 0);
    img_read(&m, db, 1, 20);
    assert_int_equal(vgfix_sqlite_close(db), 0);
    assert_int_equal(recover_img(&m, 0, d, &h), VG_OK);
    expect_physical(&m, &h, 1, 20, 0);
    assert_int_equal(h.n, 5);
    g = find(&h, 3);
    assert_non_null(g);
    assert_int_equal(g->o.where, VG_SQLR_FREEBLOCK);
    assert_int_equal(g->o.page, 2);
    assert_false(g->has_rowid);
    g = find(&h, 20);
    assert_non_null(g);
    assert_int_equal(g->o.where, VG_SQLR_UNALLOCATED);
    assert_int_equal(g->o.page, 2);
    free(h.g);
    img_free(&m);
    vg_diag_free(d);
}

/* secure_delete zeroes what it frees: nothing is left to recover. */
static void test_secure_delete(void **state)
{
    struct vg_diag *d = diag_new();
    struct haul h = {0};
    struct img m;
    sqlite3 *db = img_open(&m, "PRAGMA secure_delete=ON; PRAGMA page_size=1024");

    VG_UNUSED(state);
    plant(db, 1, 400, 0);
    assert_int_equal(
        vgfix_sqlite_script(db, "DELETE FROM t WHERE id % 3 = 0 OR id BETWEEN 100 AND 300"), 0);
    img_read(&m, db, 1, 400);
    assert_int_equal(vgfix_sqlite_close(db), 0);
    assert_int_equal(recover_img(&m, 0, d, &h), VG_OK);
    expect_physical(&m, &h, 1, 400, 0);
    assert_int_equal(h.n, 0);
    img_free(&m);
    vg_diag_free(d);
}

/* Nothing deleted. Free space holding no record: the pages are read and
 * no live row is hashed (they are read only when a candidate turns up).
 * Page splits leave copies of live rows in free space: then the live rows
 * are read, and the copies dropped. */
static void nothing_deleted(int rows, int page_size, size_t live_rows)
{
    struct vg_diag *d = diag_new();
    struct haul h = {0};
    struct vg_sqlr_stats st;
    struct img m;
    char pragmas[96];
    sqlite3 *db;

    snprintf(pragmas, sizeof(pragmas), "PRAGMA secure_delete=OFF; PRAGMA page_size=%d", page_size);
    db = img_open(&m, pragmas);
    plant(db, 1, rows, 0);
    img_read(&m, db, 1, rows);
    assert_int_equal(vgfix_sqlite_close(db), 0);
    memset(&st, 0, sizeof(st));
    assert_int_equal(recover_bytes(m.db, m.db_len, NULL, 0, 0, d, &h, &st), VG_OK);
    assert_int_equal(h.n, 0);
    assert_true(st.pages > 1);
    assert_int_equal(st.live_rows, live_rows);
    assert_true(live_rows == 0 || st.live_skipped > 0);
    free(h.g);
    img_free(&m);
    vg_diag_free(d);
}

static void test_nothing_deleted(void **state)
{
    VG_UNUSED(state);
    nothing_deleted(10, 4096, 0);
    nothing_deleted(400, 1024, 400);
}

static int count_rows(void *ud, const struct vg_sqlr_row *row);

/* A hostile table of 300,000 rows with equal values (only the rowid
 * differs) and one deleted: the live rows' keys must still spread over the
 * hash set (they once shared one slot: a quadratic probe, a hang). The
 * deleted row equals the live ones, so nothing is recovered. */
static void test_equal_rows(void **state)
{
    struct vg_diag *d = diag_new();
    struct vg_sqlr_stats st;
    struct vg_sqlr_mem mdb;
    struct vg_sqlr_src sdb;
    struct vg_sqlr *r = NULL;
    struct vg_sqlr_schema *s = NULL;
    size_t rows = 0;
    char path[4096];
    struct img m;
    sqlite3 *db = img_open(&m, "PRAGMA secure_delete=OFF; PRAGMA page_size=4096");

    VG_UNUSED(state);
    assert_int_equal(vgfix_sqlite_script(db, "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT "
                                             "i + 1 FROM c WHERE i < 300000) INSERT INTO t "
                                             "SELECT i, 'same', 1, 1.5, x'00' FROM c;"
                                             "DELETE FROM t WHERE id = 150000;"),
                     0);
    assert_int_equal(vgfix_sqlite_close(db), 0);
    snprintf(path, sizeof(path), "%s/t.db", m.dir);
    m.db = (unsigned char *)vgfix_read_file(path, &m.db_len);
    assert_non_null(m.db);
    vg_sqlr_src_mem(&sdb, &mdb, m.db, m.db_len);
    assert_int_equal(vg_sqlr_open(&sdb, NULL, "t.db", d, &r), VG_OK);
    assert_int_equal(vg_sqlr_table(r, "t", &s), VG_OK);
    memset(&st, 0, sizeof(st));
    assert_int_equal(vg_sqlr_recover(r, s, NULL, count_rows, &rows, &st), VG_OK);
    assert_int_equal(st.live_rows, 299999);
    assert_true(st.live_skipped > 0);
    assert_int_equal(rows, 0);
    vg_sqlr_schema_free(s);
    vg_sqlr_free(r);
    img_free(&m);
    vg_diag_free(d);
}

/* Whole leaf pages emptied go to the freelist with their cells; pages
 * rebalanced keep copies of live rows, which must not come back. */
static void test_freelist_pages(void **state)
{
    struct vg_diag *d = diag_new();
    struct haul h = {0};
    struct vg_sqlr_stats st;
    struct img m;
    sqlite3 *db = img_open(&m, "PRAGMA secure_delete=OFF; PRAGMA page_size=1024");

    VG_UNUSED(state);
    plant(db, 1, 600, 0);
    assert_int_equal(vgfix_sqlite_script(db, "DELETE FROM t WHERE id BETWEEN 50 AND 450 OR "
                                             "id % 7 = 0"),
                     0);
    img_read(&m, db, 1, 600);
    assert_int_equal(vgfix_sqlite_close(db), 0);
    memset(&st, 0, sizeof(st));
    assert_int_equal(recover_bytes(m.db, m.db_len, NULL, 0, 0, d, &h, &st), VG_OK);
    expect_physical(&m, &h, 1, 600, 0);
    assert_true(count_where(&h, VG_SQLR_FREELIST) > 100);
    assert_true(count_where(&h, VG_SQLR_FREEBLOCK) > 0);
    assert_true(st.live_rows > 0);
    assert_true(st.live_skipped > 0); /* copies of live rows were seen and dropped */
    free(h.g);
    img_free(&m);
    vg_diag_free(d);
}

/* An UPDATE that grows a row frees its old cell: the older version comes
 * back though its rowid is live, since its values differ. */
static void test_updated_row(void **state)
{
    struct vg_diag *d = diag_new();
    struct haul h = {0};
    struct img m;
    const struct got *g;
    sqlite3 *db = img_open(&m, "PRAGMA secure_delete=OFF; PRAGMA page_size=1024;"
                               "PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0");

    VG_UNUSED(state);
    plant(db, 1, 10, 0);
    assert_int_equal(vgfix_sqlite_script(db, "PRAGMA wal_checkpoint(TRUNCATE);"
                                             "UPDATE t SET name = 'renamed, and much longer "
                                             "than it was before' WHERE id = 4"),
                     0);
    img_read(&m, db, 1, 10);
    assert_int_equal(recover_img(&m, 0, d, &h), VG_OK);
    assert_int_equal(h.n, 1);
    g = find(&h, 4);
    assert_non_null(g);
    assert_true(g->has_rowid);
    assert_int_equal(g->rowid, 4);
    assert_int_equal(g->o.where, VG_SQLR_DB_PAGE_OLD);
    assert_int_equal(vgfix_sqlite_close(db), 0);
    free(h.g);
    img_free(&m);
    vg_diag_free(d);
}

#define WAL_PRAGMAS                                                                                \
    "PRAGMA secure_delete=OFF; PRAGMA page_size=1024; PRAGMA journal_mode=WAL;"                    \
    "PRAGMA wal_autocheckpoint=0"

/* Rows deleted after a checkpoint: the WAL holds the leaf without them,
 * the database file the leaf with them, as cells with their rowid. */
static void test_wal_before_checkpoint(void **state)
{
    struct vg_diag *d = diag_new();
    struct haul h = {0}, all = {0};
    struct img m;
    const struct got *g;
    sqlite3 *db = img_open(&m, WAL_PRAGMAS);
    int k;

    VG_UNUSED(state);
    plant(db, 1, 30, 0);
    assert_int_equal(vgfix_sqlite_script(db, "PRAGMA wal_checkpoint(TRUNCATE)"), 0);
    assert_int_equal(vgfix_sqlite_script(db, "DELETE FROM t WHERE id IN (5, 6, 17)"), 0);
    img_read(&m, db, 1, 30);
    assert_non_null(m.wal);
    assert_int_equal(recover_img(&m, 0, d, &h), VG_OK);
    expect_physical(&m, &h, 1, 30, 0);
    assert_int_equal(h.n, 3);
    for (k = 5; k <= 17; k += k == 6 ? 11 : 1) {
        g = find(&h, k);
        assert_non_null(g);
        assert_int_equal(g->o.where, VG_SQLR_DB_PAGE_OLD);
        assert_int_equal(g->o.area, VG_SQLR_AREA_CELL);
        assert_true(g->has_rowid);
    }
    /* every copy: also the freeblocks of the live leaf in the WAL */
    assert_int_equal(recover_img(&m, VG_SQLR_ALL_COPIES, d, &all), VG_OK);
    assert_true(all.n > h.n);
    assert_true(count_where(&all, VG_SQLR_FREEBLOCK) + count_where(&all, VG_SQLR_UNALLOCATED) >= 3);
    assert_int_equal(vgfix_sqlite_close(db), 0);
    free(h.g);
    free(all.g);
    img_free(&m);
    vg_diag_free(d);
}

/* After a checkpoint the database file is the live state; the WAL still
 * holds the older frame of the leaf, with the rows. */
static void test_wal_after_checkpoint(void **state)
{
    struct vg_diag *d = diag_new();
    struct haul h = {0};
    struct img m;
    size_t i;
    sqlite3 *db = img_open(&m, WAL_PRAGMAS);

    VG_UNUSED(state);
    plant(db, 1, 30, 0);
    assert_int_equal(vgfix_sqlite_script(db, "DELETE FROM t WHERE id IN (5, 6, 17)"), 0);
    assert_int_equal(vgfix_sqlite_script(db, "PRAGMA wal_checkpoint(PASSIVE)"), 0);
    img_read(&m, db, 1, 30);
    assert_int_equal(recover_img(&m, 0, d, &h), VG_OK);
    expect_physical(&m, &h, 1, 30, 0);
    assert_int_equal(h.n, 3);
    for (i = 0; i < h.n; i++) {
        assert_int_equal(h.g[i].o.where, VG_SQLR_WAL_FRAME);
        assert_int_equal(h.g[i].o.frame_state, VG_SQLR_FRAME_SUPERSEDED);
        assert_true(h.g[i].o.frame >= 1);
        assert_true(h.g[i].has_rowid);
    }
    assert_int_equal(vgfix_sqlite_close(db), 0);
    free(h.g);
    img_free(&m);
    vg_diag_free(d);
}

/* A write after a full checkpoint restarts the WAL with new salts; the
 * frames of the earlier generation past the new ones are stale but whole. */
static void test_wal_stale_frames(void **state)
{
    struct vg_diag *d = diag_new();
    struct haul h = {0};
    struct img m;
    size_t i, stale = 0;
    sqlite3 *db = img_open(&m, WAL_PRAGMAS);

    VG_UNUSED(state);
    plant(db, 1, 40, 0);
    assert_int_equal(vgfix_sqlite_script(db, "DELETE FROM t WHERE id IN (8, 9, 30)"), 0);
    plant(db, 41, 60, 0);
    assert_int_equal(vgfix_sqlite_script(db, "PRAGMA wal_checkpoint(PASSIVE)"), 0);
    assert_int_equal(vgfix_sqlite_script(db, "DELETE FROM t WHERE id = 50"), 0);
    img_read(&m, db, 1, 60);
    assert_int_equal(recover_img(&m, 0, d, &h), VG_OK);
    expect_physical(&m, &h, 1, 60, 0);
    for (i = 0; i < h.n; i++)
        stale += h.g[i].o.where == VG_SQLR_WAL_FRAME && h.g[i].o.frame_state == VG_SQLR_FRAME_STALE;
    assert_true(stale > 0);
    assert_non_null(find(&h, 50));
    assert_int_equal(vgfix_sqlite_close(db), 0);
    free(h.g);
    img_free(&m);
    vg_diag_free(d);
}

/* Frames with the WAL header's salts after the last commit frame (the
 * checksums are SQLite's: the test trusts them). */
static size_t uncommitted_frames(const struct img *m)
{
    size_t ps =
        (size_t)m->wal[8] << 24 | (size_t)m->wal[9] << 16 | (size_t)m->wal[10] << 8 | m->wal[11];
    size_t off, n = 0;

    for (off = 32; off + 24 + ps <= m->wal_len; off += 24 + ps) {
        if (memcmp(m->wal + off + 8, m->wal + 16, 8) != 0)
            break;
        n = memcmp(m->wal + off + 4, "\0\0\0\0", 4) == 0 ? n + 1 : 0;
    }
    return n;
}

/* Frames of an open transaction spill into the WAL uncommitted: the rows it
 * deletes are still live, and must not be reported. */
static void test_wal_uncommitted(void **state)
{
    struct vg_diag *d = diag_new();
    struct haul h = {0};
    struct img m;
    size_t i;
    int k;
    sqlite3 *db = img_open(&m, WAL_PRAGMAS);

    VG_UNUSED(state);
    plant(db, 1, 200, 0);
    assert_int_equal(vgfix_sqlite_script(db, "CREATE TABLE u(x BLOB);"
                                             "PRAGMA wal_checkpoint(TRUNCATE);"
                                             "DELETE FROM t WHERE id BETWEEN 10 AND 20"),
                     0);
    img_read(&m, db, 1, 200); /* the committed state: what is live */
    free(m.db);
    free(m.wal);
    assert_int_equal(vgfix_sqlite_script(db, "PRAGMA cache_size=2; BEGIN;"
                                             "DELETE FROM t WHERE id BETWEEN 100 AND 150;"),
                     0);
    for (i = 0; i < 100; i++)
        assert_int_equal(vgfix_sqlite_script(db, "INSERT INTO u VALUES (randomblob(2000))"), 0);
    {
        char path[4096];
        snprintf(path, sizeof(path), "%s/t.db", m.dir);
        m.db = (unsigned char *)vgfix_read_file(path, &m.db_len);
        snprintf(path, sizeof(path), "%s/t.db-wal", m.dir);
        m.wal = (unsigned char *)vgfix_read_file(path, &m.wal_len);
    }
    assert_int_equal(vgfix_sqlite_script(db, "ROLLBACK"), 0);
    assert_true(uncommitted_frames(&m) > 0);
    assert_int_equal(recover_img(&m, 0, d, &h), VG_OK);
    expect_physical(&m, &h, 1, 99, 0);
    for (k = 10; k <= 20; k++)
        assert_non_null(find(&h, k));
    for (k = 100; k <= 150; k++)
        assert_null(find(&h, k));
    assert_int_equal(vgfix_sqlite_close(db), 0);
    free(h.g);
    img_free(&m);
    vg_diag_free(d);
}

/* Rows with overflow pages: the freed chain pages sit on the freelist as
 * leaves (a table dropped just before provides the trunk, which would else
 * be the first page freed, a chain's), the cells in freeblocks; the whole
 * text comes back. */
static void test_overflow(void **state)
{
    struct vg_diag *d = diag_new();
    struct haul h = {0};
    struct img m;
    size_t i;
    sqlite3 *db = img_open(&m, "PRAGMA secure_delete=OFF; PRAGMA page_size=1024");

    VG_UNUSED(state);
    h.big = 1;
    plant(db, 1, 20, 1);
    assert_int_equal(vgfix_sqlite_script(db, "CREATE TABLE junk(x); INSERT INTO junk VALUES (1);"
                                             "DROP TABLE junk"),
                     0);
    assert_int_equal(vgfix_sqlite_script(db, "DELETE FROM t WHERE id IN (3, 9, 10, 15)"), 0);
    img_read(&m, db, 1, 20);
    assert_int_equal(vgfix_sqlite_close(db), 0);
    assert_int_equal(recover_img(&m, 0, d, &h), VG_OK);
    expect_physical(&m, &h, 1, 20, 1);
    assert_int_equal(h.n, 4);
    for (i = 0; i < h.n; i++)
        assert_true(h.g[i].name_len > 3000);
    free(h.g);
    img_free(&m);
    vg_diag_free(d);
}

/* ------------------------------------------------------------ hand-built */

/* A database image written here byte by byte (fileformat2): a header,
 * sqlite_master on page 1 naming table t (root page 2), then pages the test
 * lays out itself. */
struct hb {
    unsigned char *p;
    size_t ps;
    uint32_t npages;
};

static void put16(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 8);
    p[1] = (unsigned char)v;
}

static void put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

static size_t put_var(unsigned char *out, uint64_t v)
{
    unsigned char t[9];
    size_t n = 0, i;

    if (v >> 56) {
        out[8] = (unsigned char)v;
        v >>= 8;
        for (i = 8; i-- > 0; v >>= 7)
            out[i] = (unsigned char)(0x80 | (v & 0x7f));
        return 9;
    }
    do {
        t[n++] = (unsigned char)(0x80 | (v & 0x7f));
        v >>= 7;
    } while (v);
    t[0] &= 0x7f;
    for (i = 0; i < n; i++)
        out[i] = t[n - 1 - i];
    return n;
}

/* A value to encode: 'n' null, 'i' integer, 'f' real, 't' text, 'b' blob. */
struct tv {
    char kind;
    int64_t i;
    double f;
    const char *s;
    size_t n;
};

static size_t rec_encode(const struct tv *v, size_t n, unsigned char *out)
{
    unsigned char hdr[64], body[4096];
    size_t h = 0, bl = 0, i, k, len;
    uint64_t st, bits, u;

    for (i = 0; i < n; i++) {
        switch (v[i].kind) {
        case 'n':
            st = 0;
            len = 0;
            break;
        case 'i':
            u = (uint64_t)v[i].i;
            st = v[i].i == 0                              ? 8
                 : v[i].i == 1                            ? 9
                 : v[i].i >= -128 && v[i].i < 128         ? 1
                 : v[i].i >= -32768 && v[i].i < 32768     ? 2
                 : v[i].i >= -8388608 && v[i].i < 8388608 ? 3
                                                          : 6;
            len = st == 8 || st == 9 ? 0 : st == 6 ? 8 : st;
            for (k = len; k-- > 0;)
                body[bl++] = (unsigned char)(u >> (8 * k));
            break;
        case 'f':
            st = 7;
            len = 8;
            memcpy(&bits, &v[i].f, 8);
            for (k = 8; k-- > 0;)
                body[bl++] = (unsigned char)(bits >> (8 * k));
            break;
        default:
            st = 2 * v[i].n + (v[i].kind == 't' ? 13 : 12);
            len = v[i].n;
            memcpy(body + bl, v[i].s, len);
            bl += len;
            break;
        }
        h += put_var(hdr + h, st);
    }
    out[0] = (unsigned char)(h + 1); /* headers here stay under 127 bytes */
    memcpy(out + 1, hdr, h);
    memcpy(out + 1 + h, body, bl);
    return 1 + h + bl;
}

/* A whole cell: payload size, rowid, record (local: no overflow). */
static size_t cell_encode(int64_t rowid, const struct tv *v, size_t n, unsigned char *out)
{
    unsigned char rec[4200];
    size_t rl = rec_encode(v, n, rec), k;

    k = put_var(out, rl);
    k += put_var(out + k, (uint64_t)rowid);
    memcpy(out + k, rec, rl);
    return k + rl;
}

/* The planted row k as values of t. */
static void planted_tv(int k, struct tv v[5], char *name, size_t cap, unsigned char b[4])
{
    planted_name(k, 0, name, cap);
    planted_blob(k, b);
    memset(v, 0, 5 * sizeof(*v));
    v[0].kind = 'n';
    v[1].kind = 't';
    v[1].s = name;
    v[1].n = strlen(name);
    v[2].kind = 'i';
    v[2].i = (int64_t)k * 1000 + 7;
    v[3].kind = 'f';
    v[3].f = k + 0.5;
    v[4].kind = 'b';
    v[4].s = (const char *)b;
    v[4].n = 4;
}

static size_t planted_cell(int k, int64_t rowid, unsigned char *out)
{
    struct tv v[5];
    char name[64];
    unsigned char b[4];

    planted_tv(k, v, name, sizeof(name), b);
    return cell_encode(rowid, v, 5, out);
}

static unsigned char *hb_page(struct hb *b, uint32_t pgno)
{
    assert_true(pgno >= 1 && pgno <= b->npages);
    return b->p + (size_t)(pgno - 1) * b->ps;
}

/* A table leaf page header: no cells, no freeblocks, content at the end. */
static void hb_leaf(struct hb *b, uint32_t pgno)
{
    unsigned char *pg = hb_page(b, pgno);
    size_t h = pgno == 1 ? 100 : 0;

    pg[h] = 0x0d;
    put16(pg + h + 1, 0);
    put16(pg + h + 3, 0);
    put16(pg + h + 5, (uint32_t)b->ps);
    pg[h + 7] = 0;
}

/* Writes a cell at off; a live one gets the next cell pointer and moves
 * the content area's start down to it when needed. */
static void hb_cell(struct hb *b, uint32_t pgno, size_t off, const unsigned char *cell, size_t n,
                    int live)
{
    unsigned char *pg = hb_page(b, pgno);
    size_t h = pgno == 1 ? 100 : 0;
    uint32_t nc = (uint32_t)pg[h + 3] << 8 | pg[h + 4];
    uint32_t content = (uint32_t)pg[h + 5] << 8 | pg[h + 6];

    assert_true(off + n <= b->ps);
    memcpy(pg + off, cell, n);
    if (!live)
        return;
    put16(pg + h + 8 + 2 * nc, (uint32_t)off);
    put16(pg + h + 3, nc + 1);
    if (off < content)
        put16(pg + h + 5, (uint32_t)off);
}

/* What SQLite does to a freed cell: a freeblock header over its first 4
 * bytes; first says whether it heads the page's freeblock chain. */
static void hb_free(struct hb *b, uint32_t pgno, size_t off, uint32_t size, uint32_t next,
                    int first)
{
    unsigned char *pg = hb_page(b, pgno);

    put16(pg + off, next);
    put16(pg + off + 2, size);
    if (first)
        put16(pg + (pgno == 1 ? 101 : 1), (uint32_t)off);
}

static void hb_init(struct hb *b, size_t ps, uint32_t npages, const char *sql)
{
    struct tv v[5];
    unsigned char cell[512];
    size_t n;

    b->ps = ps;
    b->npages = npages;
    b->p = calloc(npages, ps);
    assert_non_null(b->p);
    memcpy(b->p, "SQLite format 3", 16);
    put16(b->p + 16, (uint32_t)ps);
    b->p[18] = b->p[19] = 1;
    b->p[21] = 64;
    b->p[22] = 32;
    b->p[23] = 32;
    put32(b->p + 24, 1);
    put32(b->p + 28, npages);
    put32(b->p + 44, 4);
    put32(b->p + 56, 1);
    put32(b->p + 92, 1);
    memset(v, 0, sizeof(v));
    v[0].kind = v[1].kind = v[2].kind = v[4].kind = 't';
    v[0].s = "table";
    v[1].s = v[2].s = "t";
    v[3].kind = 'i';
    v[3].i = 2;
    v[4].s = sql;
    v[0].n = 5;
    v[1].n = v[2].n = 1;
    v[4].n = strlen(sql);
    n = cell_encode(1, v, 5, cell);
    hb_leaf(b, 1);
    hb_cell(b, 1, ps - n, cell, n, 1);
    hb_leaf(b, 2);
}

static int hb_recover(const struct hb *b, struct vg_diag *d, struct haul *h,
                      struct vg_sqlr_stats *st)
{
    return recover_bytes(b->p, b->ps * b->npages, NULL, 0, 0, d, h, st);
}

/* Page 2 of t: two live rows; row 3 freed in a freeblock (first 4 bytes
 * overwritten: payload size, rowid, header size and the rowid alias's
 * serial type lost); row 4 intact in the unallocated area; row 5, freed at
 * the top of the content area before it grew, with a header left behind. */
static void test_img_leaf(void **state)
{
    struct vg_diag *d = diag_new();
    struct haul h = {0};
    struct hb b;
    unsigned char c[256];
    const struct got *g;
    size_t n;

    VG_UNUSED(state);
    hb_init(&b, 1024, 2, T_SQL);
    n = planted_cell(1, 1, c);
    hb_cell(&b, 2, 1024 - n, c, n, 1);
    n = planted_cell(2, 2, c);
    hb_cell(&b, 2, 1024 - 2 * n, c, n, 1);
    n = planted_cell(3, 3, c);
    hb_cell(&b, 2, 700, c, n, 0);
    hb_free(&b, 2, 700, (uint32_t)n, 0, 1);
    n = planted_cell(4, 4, c);
    hb_cell(&b, 2, 300, c, n, 0);
    n = planted_cell(5, 5, c);
    hb_cell(&b, 2, 500, c, n, 0);
    hb_free(&b, 2, 500, (uint32_t)n, 700, 0);
    assert_int_equal(hb_recover(&b, d, &h, NULL), VG_OK);
    assert_int_equal(h.n, 3);
    g = find(&h, 3);
    assert_non_null(g);
    assert_int_equal(g->o.where, VG_SQLR_FREEBLOCK);
    assert_int_equal(g->o.area, VG_SQLR_AREA_FREEBLOCK);
    assert_int_equal(g->o.page, 2);
    assert_int_equal(g->o.offset, 700);
    assert_int_equal(g->flags, VG_SQLR_ROW_HEADER_LOST);
    g = find(&h, 4);
    assert_non_null(g);
    assert_int_equal(g->o.where, VG_SQLR_UNALLOCATED);
    assert_int_equal(g->o.offset, 300);
    assert_true(g->has_rowid);
    assert_int_equal(g->rowid, 4);
    g = find(&h, 5);
    assert_non_null(g);
    assert_int_equal(g->o.where, VG_SQLR_UNALLOCATED);
    assert_int_equal(g->o.offset, 500);
    assert_false(g->has_rowid);
    free(h.g);
    free(b.p);
    vg_diag_free(d);
}

/* The overwritten bytes cover the payload size and rowid and, depending on
 * their lengths, the header size (rowid >= 128: 3 bytes) or nothing of the
 * record (rowid >= 16384 and a payload >= 128: 5 bytes). Rowids of every
 * varint length come back from intact cells, up to 9 bytes. */
static void test_img_prefixes(void **state)
{
    struct vg_diag *d = diag_new();
    struct haul h = {0};
    struct hb b;
    unsigned char c[256], b4[4];
    char name[200];
    struct tv v[5];
    const struct got *g;
    size_t n, off = 40;
    int64_t big = (int64_t)0x0123456789abcdefLL;

    VG_UNUSED(state);
    h.any_rowid = 1;
    hb_init(&b, 1024, 2, T_SQL);
    n = planted_cell(1, 1, c);
    hb_cell(&b, 2, 1024 - n, c, n, 1);
    /* rowid 200: two bytes, with a one-byte payload size */
    n = planted_cell(6, 200, c);
    hb_cell(&b, 2, 800, c, n, 0);
    hb_free(&b, 2, 800, (uint32_t)n, 0, 0);
    /* rowid 100000 (three bytes) and a 150-byte payload (two bytes) */
    planted_tv(7, v, name, sizeof(name), b4);
    memset(name + v[1].n, 'q', 100);
    name[v[1].n + 100] = '\0';
    v[1].n += 100;
    n = cell_encode(100000, v, 5, c);
    hb_cell(&b, 2, 600, c, n, 0);
    hb_free(&b, 2, 600, (uint32_t)n, 800, 1);
    /* a nine-byte rowid, intact in the unallocated area */
    n = planted_cell(8, big, c);
    hb_cell(&b, 2, off + 100, c, n, 0);
    assert_int_equal(hb_recover(&b, d, &h, NULL), VG_OK);
    g = find(&h, 6);
    assert_non_null(g);
    assert_int_equal(g->o.offset, 800);
    assert_int_equal(g->o.where, VG_SQLR_FREEBLOCK);
    assert_false(g->has_rowid);
    g = find(&h, 7);
    assert_non_null(g);
    assert_int_equal(g->o.offset, 600);
    assert_int_equal(g->name_len, strlen("planted-0007-") + 24 + 100);
    g = find(&h, 8);
    assert_non_null(g);
    assert_true(g->has_rowid);
    assert_true(g->rowid == big);
    assert_int_equal(g->o.offset, off + 100);
    assert_int_equal(h.n, 3);
    assert_int_equal(vg_diag_count(d, VG_DIAG_WARN), 0);
    free(h.g);
    free(b.p);
    vg_diag_free(d);
}

/* A row of s(name TEXT, n INTEGER, note TEXT), as recovered. */
struct srow {
    char name[128];
    int64_t n;
    int has_rowid;
    int64_t rowid;
    unsigned flags;
    struct vg_sqlr_origin o;
};

struct shaul {
    struct srow r[32];
    size_t n;
};

static int collect_s(void *ud, const struct vg_sqlr_row *row)
{
    struct shaul *h = ud;
    struct srow *r;

    assert_true(h->n < VG_ARRAY_LEN(h->r));
    assert_int_equal(row->ncols, 3);
    assert_int_equal(row->values[0].type, VG_SQLR_TEXT);
    assert_true(row->values[0].n < sizeof(r->name));
    r = &h->r[h->n++];
    memcpy(r->name, row->values[0].p, row->values[0].n);
    r->name[row->values[0].n] = '\0';
    assert_int_equal(row->values[1].type, VG_SQLR_INT);
    r->n = row->values[1].i;
    r->has_rowid = row->has_rowid;
    r->rowid = row->rowid;
    r->flags = row->flags;
    r->o = row->origin;
    return VG_OK;
}

static const struct srow *find_s(const struct shaul *h, const char *name)
{
    size_t i;

    for (i = 0; i < h->n; i++)
        if (strcmp(h->r[i].name, name) == 0)
            return &h->r[i];
    return NULL;
}

static size_t s_cell(const char *name, int64_t n, int64_t rowid, unsigned char *out)
{
    struct tv v[3];

    memset(v, 0, sizeof(v));
    v[0].kind = 't';
    v[0].s = name;
    v[0].n = strlen(name);
    v[1].kind = 'i';
    v[1].i = n;
    v[2].kind = 't';
    v[2].s = "note";
    v[2].n = 4;
    return cell_encode(rowid, v, 3, out);
}

static int recover_s(const struct hb *b, struct vg_diag *d, struct shaul *h)
{
    struct vg_sqlr_mem m;
    struct vg_sqlr_src src;
    struct vg_sqlr *r = NULL;
    struct vg_sqlr_schema *s = NULL;
    int rc;

    vg_sqlr_src_mem(&src, &m, b->p, b->ps * b->npages);
    assert_int_equal(vg_sqlr_open(&src, NULL, "s.db", d, &r), VG_OK);
    rc = vg_sqlr_table(r, "T", &s);
    if (rc == VG_OK)
        rc = vg_sqlr_recover(r, s, NULL, collect_s, h, NULL);
    vg_sqlr_schema_free(s);
    vg_sqlr_free(r);
    return rc;
}

/* A first column of text: when the header size and its serial type were
 * overwritten, the text's length is the one that ends the record where the
 * freeblock ends, or where the next freed cell's header starts. */
static void test_img_lost_first_type(void **state)
{
    static const char long_name[] = "a name of sixty bytes, whose serial type needs two bytes....";
    struct vg_diag *d = diag_new();
    struct shaul h;
    struct hb b;
    unsigned char c[256];
    const struct srow *r;
    size_t n1, n2, nc, nd;

    VG_UNUSED(state);
    memset(&h, 0, sizeof(h));
    assert_int_equal(strlen(long_name), 60);
    hb_init(&b, 1024, 2, "CREATE TABLE t(name TEXT, n INTEGER, note TEXT)");
    n1 = s_cell("live-row", 1, 1, c);
    hb_cell(&b, 2, 1024 - n1, c, n1, 1);
    /* alone in its freeblock */
    n1 = s_cell("alpha-gone", 12345, 3, c);
    hb_cell(&b, 2, 900, c, n1, 0);
    /* two bytes of serial type, the second one still there */
    n2 = s_cell(long_name, 77, 4, c);
    hb_cell(&b, 2, 800, c, n2, 0);
    /* two neighbours freed one after the other, coalesced */
    nc = s_cell("charlie", 3, 5, c);
    hb_cell(&b, 2, 500, c, nc, 0);
    nd = s_cell("delta-delta", 4, 6, c);
    hb_cell(&b, 2, 500 + nc, c, nd, 0);
    hb_free(&b, 2, 500 + nc, (uint32_t)nd, 0, 0);
    hb_free(&b, 2, 500, (uint32_t)(nc + nd), 800, 1);
    hb_free(&b, 2, 800, (uint32_t)n2, 900, 0);
    hb_free(&b, 2, 900, (uint32_t)n1, 0, 0);
    assert_int_equal(recover_s(&b, d, &h), VG_OK);
    assert_int_equal(h.n, 4);
    r = find_s(&h, "alpha-gone");
    assert_non_null(r);
    assert_int_equal(r->n, 12345);
    assert_int_equal(r->o.offset, 900);
    assert_true(r->flags & VG_SQLR_ROW_HEADER_LOST);
    r = find_s(&h, long_name);
    assert_non_null(r);
    assert_int_equal(r->n, 77);
    r = find_s(&h, "charlie");
    assert_non_null(r);
    assert_int_equal(r->o.offset, 500);
    r = find_s(&h, "delta-delta");
    assert_non_null(r);
    assert_int_equal(r->o.offset, 500 + nc);
    free(b.p);
    vg_diag_free(d);
}

/* Freelist: a trunk (page 3) listing leaves 4 and 5, its tail still holding
 * an old cell; leaf 4 an old leaf of t (cells, and a freeblock); leaf 5 an
 * old leaf of another table, whose cells do not decode as t's. */
static void hb_freelist(struct hb *b)
{
    unsigned char c[256], *pg;
    struct tv v[2];
    size_t n;

    hb_init(b, 1024, 5, T_SQL);
    n = planted_cell(1, 1, c);
    hb_cell(b, 2, 1024 - n, c, n, 1);
    put32(b->p + 32, 3);
    put32(b->p + 36, 3);
    pg = hb_page(b, 3);
    put32(pg, 0);
    put32(pg + 4, 2);
    put32(pg + 8, 4);
    put32(pg + 12, 5);
    n = planted_cell(9, 9, c);
    memcpy(pg + 1024 - n, c, n);
    hb_leaf(b, 4);
    n = planted_cell(10, 10, c);
    hb_cell(b, 4, 1024 - n, c, n, 1);
    n = planted_cell(11, 11, c);
    hb_cell(b, 4, 1024 - 2 * n, c, n, 1);
    n = planted_cell(12, 12, c);
    hb_cell(b, 4, 600, c, n, 0);
    hb_free(b, 4, 600, (uint32_t)n, 0, 1);
    hb_leaf(b, 5);
    memset(v, 0, sizeof(v));
    v[0].kind = v[1].kind = 't';
    v[0].s = "other table";
    v[1].s = "planted-0013-abcdefghijklmnopqrstuvwx";
    v[0].n = strlen(v[0].s);
    v[1].n = strlen(v[1].s);
    n = cell_encode(13, v, 2, c);
    hb_cell(b, 5, 1024 - n, c, n, 1);
}

static void test_img_freelist(void **state)
{
    struct vg_diag *d = diag_new();
    struct haul h = {0};
    struct vg_sqlr_stats st;
    struct hb b;
    const struct got *g;

    VG_UNUSED(state);
    hb_freelist(&b);
    assert_int_equal(hb_recover(&b, d, &h, &st), VG_OK);
    assert_int_equal(h.n, 4);
    g = find(&h, 9);
    assert_non_null(g);
    assert_int_equal(g->o.where, VG_SQLR_FREELIST);
    assert_int_equal(g->o.area, VG_SQLR_AREA_RAW);
    assert_int_equal(g->o.page, 3);
    assert_true(g->has_rowid);
    g = find(&h, 10);
    assert_non_null(g);
    assert_int_equal(g->o.where, VG_SQLR_FREELIST);
    assert_int_equal(g->o.area, VG_SQLR_AREA_CELL);
    assert_int_equal(g->o.page, 4);
    assert_non_null(find(&h, 11));
    g = find(&h, 12);
    assert_non_null(g);
    assert_int_equal(g->o.area, VG_SQLR_AREA_FREEBLOCK);
    assert_int_equal(g->o.page, 4);
    assert_int_equal(g->o.offset, 600);
    assert_int_equal(st.foreign_pages, 1);
    assert_int_equal(st.live_rows, 1);
    assert_int_equal(vg_diag_count(d, VG_DIAG_WARN), 0);
    free(h.g);
    free(b.p);
    vg_diag_free(d);
}

/* One damaged structure per case: the run goes on (or stops where it
 * must), says what is wrong and where, and never reports a live row. */
static void malformed(void (*damage)(struct hb *b), int rc_want, const char *note, size_t rows_min)
{
    struct vg_diag *d = diag_new();
    struct haul h = {0};
    struct hb b;
    int rc;

    hb_freelist(&b);
    damage(&b);
    rc = hb_recover(&b, d, &h, NULL);
    if (rc != rc_want)
        fail_msg("%s: rc %d", note, rc);
    if (note && !diag_has(d, note))
        fail_msg("no note saying \"%s\"", note);
    assert_null(find(&h, 1)); /* the live row */
    assert_true(h.n >= rows_min);
    free(h.g);
    free(b.p);
    vg_diag_free(d);
}

static void dmg_trunk_range(struct hb *b)
{
    put32(b->p + 32, 999);
}

static void dmg_trunk_cycle(struct hb *b)
{
    put32(hb_page(b, 3), 3);
}

static void dmg_trunk_count(struct hb *b)
{
    put32(hb_page(b, 3) + 4, 0xffffffffu);
}

static void dmg_trunk_twice(struct hb *b)
{
    put32(hb_page(b, 3) + 12, 4);
}

static void dmg_trunk_random(struct hb *b)
{
    unsigned char *pg = hb_page(b, 3);
    uint32_t seed = 12345, i;

    put32(pg + 4, 200);
    for (i = 8; i < 8 + 4 * 200; i++) {
        seed = seed * 1103515245u + 12345u;
        pg[i] = (unsigned char)(seed >> 16);
    }
}

static void dmg_fb_size(struct hb *b)
{
    unsigned char c[128];
    size_t n = planted_cell(14, 14, c);

    hb_cell(b, 2, 900, c, n, 0);
    hb_free(b, 2, 900, 500, 0, 1);
}

static void dmg_fb_order(struct hb *b)
{
    hb_free(b, 2, 900, 20, 800, 1);
    hb_free(b, 2, 800, 20, 900, 0);
}

static void dmg_cell_pointer(struct hb *b)
{
    unsigned char *pg = hb_page(b, 2);

    put16(pg + 8, 0xfff0);
}

static void dmg_cell_length(struct hb *b)
{
    unsigned char *pg = hb_page(b, 2);

    /* a live cell whose payload size runs far past the page */
    pg[pg[5] << 8 | pg[6]] = 0x7f;
}

static void dmg_freed_cell_length(struct hb *b)
{
    unsigned char *pg = hb_page(b, 4);

    /* row 12's freed cell: the name's serial type claims 1000 bytes */
    pg[604] = 0x8f;
    pg[605] = 0x5d;
}

static void dmg_root_child(struct hb *b)
{
    unsigned char *pg = hb_page(b, 2);

    memset(pg, 0, 12);
    pg[0] = 0x05;
    put16(pg + 5, 1024);
    put32(pg + 8, 77);
}

static void dmg_root_cycle(struct hb *b)
{
    unsigned char *pg = hb_page(b, 2);

    memset(pg, 0, 12);
    pg[0] = 0x05;
    put16(pg + 5, 1024);
    put32(pg + 8, 2);
}

static void test_img_malformed(void **state)
{
    VG_UNUSED(state);
    malformed(dmg_trunk_range, VG_OK, "trunk page 999 out of range", 0);
    malformed(dmg_trunk_cycle, VG_OK, "cycle at trunk page 3", 4);
    malformed(dmg_trunk_count, VG_OK, "at most 254 fit", 0);
    malformed(dmg_trunk_twice, VG_OK, "1 leaf pages listed twice (the first: page 4)", 3);
    malformed(dmg_trunk_random, VG_OK, "out of range", 0);
    malformed(dmg_fb_size, VG_OK, "freeblock at offset 900: size 500 runs past the page", 4);
    malformed(dmg_fb_order, VG_OK, "freeblock at offset 800 out of place", 4);
    malformed(dmg_cell_pointer, VG_E_CORRUPT, "cell 0 (offset 65520) does not decode", 0);
    malformed(dmg_cell_length, VG_E_CORRUPT, "does not decode", 0);
    malformed(dmg_freed_cell_length, VG_OK, NULL, 3);
    malformed(dmg_root_child, VG_E_CORRUPT, "child page 77 out of range", 0);
    malformed(dmg_root_cycle, VG_E_CORRUPT, "reached twice", 0);
}

/* Bad database headers are refused; a UTF-16 schema is not read. */
static void test_img_headers(void **state)
{
    struct vg_diag *d = diag_new();
    struct vg_sqlr_mem m;
    struct vg_sqlr_src src;
    struct vg_sqlr *r = NULL;
    struct vg_sqlr_schema *s = NULL;
    struct hb b;

    VG_UNUSED(state);
    hb_init(&b, 1024, 2, T_SQL);
    vg_sqlr_src_mem(&src, &m, b.p, 50);
    assert_int_equal(vg_sqlr_open(&src, NULL, "x", d, &r), VG_E_CORRUPT);
    vg_sqlr_src_mem(&src, &m, b.p, b.ps * b.npages);
    b.p[0] = 'X';
    assert_int_equal(vg_sqlr_open(&src, NULL, "x", d, &r), VG_E_CORRUPT);
    assert_true(diag_has(d, "bad magic"));
    b.p[0] = 'S';
    put16(b.p + 16, 1000);
    assert_int_equal(vg_sqlr_open(&src, NULL, "x", d, &r), VG_E_CORRUPT);
    put16(b.p + 16, 1024);
    b.p[20] = 200; /* 824 usable bytes: fine */
    assert_int_equal(vg_sqlr_open(&src, NULL, "x", d, &r), VG_OK);
    vg_sqlr_free(r);
    b.p[20] = 0;
    b.p[21] = 65;
    assert_int_equal(vg_sqlr_open(&src, NULL, "x", d, &r), VG_E_UNSUPPORTED);
    b.p[21] = 64;
    put32(b.p + 56, 2);
    assert_int_equal(vg_sqlr_open(&src, NULL, "x", d, &r), VG_OK);
    assert_int_equal(vg_sqlr_table(r, "t", &s), VG_E_UNSUPPORTED);
    vg_sqlr_free(r);
    put32(b.p + 56, 1);
    assert_int_equal(vg_sqlr_open(&src, NULL, "x", d, &r), VG_OK);
    assert_int_equal(vg_sqlr_table(r, "nope", &s), VG_E_NOTFOUND);
    assert_int_equal(vg_sqlr_table(r, "t", &s), VG_OK);
    vg_sqlr_schema_free(s);
    vg_sqlr_free(r);
    vg_sqlr_free(NULL);
    free(b.p);
    vg_diag_free(d);
}

/* A freed cell with an overflow chain (payload 2600 bytes: 560 on the
 * page, two overflow pages); the chain looping on itself is noted and the
 * row is not reported. */
static void img_overflow(struct hb *b, int loop)
{
    unsigned char cell[3000], payload[2600];
    struct tv v[5];
    char name[2600];
    unsigned char b4[4];
    size_t rl, k, local = 560;

    hb_init(b, 1024, 4, T_SQL);
    planted_tv(15, v, name, sizeof(name), b4);
    memset(name + v[1].n, 'q', sizeof(name) - v[1].n);
    v[1].n = 2600 - 7 - 14; /* a 2600-byte record: 7 header bytes, 14 of other values */
    name[v[1].n] = '\0';
    rl = rec_encode(v, 5, payload);
    assert_int_equal(rl, 2600);
    k = put_var(cell, rl);
    k += put_var(cell + k, 15);
    memcpy(cell + k, payload, local);
    put32(cell + k + local, 3);
    hb_cell(b, 2, 200, cell, k + local + 4, 0);
    put32(hb_page(b, 3), loop ? 3 : 4);
    memcpy(hb_page(b, 3) + 4, payload + local, 1020);
    put32(hb_page(b, 4), 0);
    memcpy(hb_page(b, 4) + 4, payload + local + 1020, 2600 - local - 1020);
}

static void test_img_overflow(void **state)
{
    struct vg_diag *d = diag_new();
    struct haul h = {0};
    struct hb b;
    const struct got *g;

    VG_UNUSED(state);
    img_overflow(&b, 0);
    assert_int_equal(hb_recover(&b, d, &h, NULL), VG_OK);
    assert_int_equal(h.n, 1);
    g = find(&h, 15);
    assert_non_null(g);
    assert_int_equal(g->name_len, 2600 - 21);
    assert_int_equal(g->o.where, VG_SQLR_UNALLOCATED);
    assert_int_equal(g->rowid, 15);
    free(b.p);
    free(h.g);
    memset(&h, 0, sizeof(h));
    img_overflow(&b, 1);
    assert_int_equal(hb_recover(&b, d, &h, NULL), VG_OK);
    assert_int_equal(h.n, 0);
    assert_true(diag_has(d, "overflow chain: cycle at page 3"));
    free(b.p);
    free(h.g);
    vg_diag_free(d);
}

struct first {
    size_t n;
    unsigned flags;
    enum vg_sqlr_type type0;
};

static int collect_first(void *ud, const struct vg_sqlr_row *row)
{
    struct first *f = ud;

    f->n++;
    f->flags = row->flags;
    f->type0 = row->values[0].type;
    assert_int_equal(row->values[1].type, VG_SQLR_TEXT);
    assert_int_equal(row->values[1].n, 12);
    assert_memory_equal(row->values[1].p, "guessed-name", 12);
    return VG_OK;
}

/* An INTEGER first column whose serial type was overwritten: NULL, 0 and 1
 * take no body bytes and all fit; the row is delivered once, flagged. */
static void test_img_guessed(void **state)
{
    struct vg_diag *d = diag_new();
    struct vg_sqlr_mem m;
    struct vg_sqlr_src src;
    struct vg_sqlr *r = NULL;
    struct vg_sqlr_schema *s = NULL;
    struct first f = {0, 0, VG_SQLR_NULL};
    struct tv v[3];
    unsigned char c[128];
    struct hb b;
    size_t n;

    VG_UNUSED(state);
    hb_init(&b, 1024, 2, "CREATE TABLE t(flag INTEGER, name TEXT, n INTEGER)");
    memset(v, 0, sizeof(v));
    v[0].kind = 'i';
    v[0].i = 1;
    v[1].kind = 't';
    v[1].s = "guessed-name";
    v[1].n = 12;
    v[2].kind = 'i';
    v[2].i = 4242;
    n = cell_encode(7, v, 3, c);
    hb_cell(&b, 2, 900, c, n, 0);
    hb_free(&b, 2, 900, (uint32_t)n, 0, 1);
    vg_sqlr_src_mem(&src, &m, b.p, b.ps * b.npages);
    assert_int_equal(vg_sqlr_open(&src, NULL, "g.db", d, &r), VG_OK);
    assert_int_equal(vg_sqlr_table(r, "t", &s), VG_OK);
    assert_int_equal(vg_sqlr_recover(r, s, NULL, collect_first, &f, NULL), VG_OK);
    assert_int_equal(f.n, 1);
    assert_int_equal(f.flags, VG_SQLR_ROW_HEADER_LOST | VG_SQLR_ROW_GUESSED);
    vg_sqlr_schema_free(s);
    vg_sqlr_free(r);
    free(b.p);
    vg_diag_free(d);
}

struct alter {
    size_t n, short_rows, live_skipped;
    int seen[64];
};

static int collect_alter(void *ud, const struct vg_sqlr_row *row)
{
    struct alter *a = ud;
    char want[32];
    int k;

    assert_true(row->ncols == 3 || row->ncols == 4);
    assert_int_equal(row->values[1].type, VG_SQLR_TEXT);
    k = (int)(row->values[2].i / 100);
    assert_true(k >= 1 && k < 64);
    snprintf(want, sizeof(want), "%s-row-%02d", k <= 40 ? "old" : "new", k);
    assert_int_equal(row->values[1].n, strlen(want));
    assert_memory_equal(row->values[1].p, want, strlen(want));
    assert_int_equal(row->ncols, k <= 40 ? 3 : 4);
    assert_false(a->seen[k]++);
    a->n++;
    a->short_rows += row->ncols == 3;
    return VG_OK;
}

static int recover_alter(const struct img *m, size_t min_cols, int caller_live, sqlite3 *db,
                         struct alter *a)
{
    struct vg_sqlr_mem mm;
    struct vg_sqlr_src src;
    struct vg_sqlr *r = NULL;
    struct vg_sqlr_schema *s = NULL;
    struct vg_sqlr_live *l = NULL;
    struct vg_sqlr_opts opts = {NULL, 0};
    struct vg_sqlr_stats st2;
    sqlite3_stmt *st = NULL;
    int rc;

    memset(a, 0, sizeof(*a));
    vg_sqlr_src_mem(&src, &mm, m->db, m->db_len);
    assert_int_equal(vg_sqlr_open(&src, NULL, "a.db", NULL, &r), VG_OK);
    assert_int_equal(vg_sqlr_table(r, "u", &s), VG_OK);
    assert_int_equal(vg_sqlr_schema_ncols(s), 4);
    assert_int_equal(vg_sqlr_schema_set_min_cols(s, min_cols), VG_OK);
    if (caller_live) {
        assert_int_equal(vg_sqlr_live_new(&l), VG_OK);
        assert_int_equal(
            sqlite3_prepare_v2(db, "SELECT rowid, name, n, note FROM u", -1, &st, NULL), SQLITE_OK);
        while (sqlite3_step(st) == SQLITE_ROW) {
            struct vg_sqlr_value v[4];
            memset(v, 0, sizeof(v));
            v[0].type = VG_SQLR_NULL;
            v[1].type = VG_SQLR_TEXT;
            v[1].p = sqlite3_column_text(st, 1);
            v[1].n = (size_t)sqlite3_column_bytes(st, 1);
            v[2].type = VG_SQLR_INT;
            v[2].i = sqlite3_column_int64(st, 2);
            v[3].type = sqlite3_column_type(st, 3) == SQLITE_NULL ? VG_SQLR_NULL : VG_SQLR_TEXT;
            v[3].p = sqlite3_column_text(st, 3);
            v[3].n = (size_t)sqlite3_column_bytes(st, 3);
            assert_int_equal(vg_sqlr_live_add(l, s, sqlite3_column_int64(st, 0), v, 4), VG_OK);
        }
        sqlite3_finalize(st);
        opts.live = l;
    }
    rc = vg_sqlr_recover(r, s, &opts, collect_alter, a, &st2);
    a->live_skipped = st2.live_skipped;
    vg_sqlr_live_free(l);
    vg_sqlr_schema_free(s);
    vg_sqlr_free(r);
    return rc;
}

/* Rows written before an ALTER TABLE ADD COLUMN hold fewer columns: found
 * only when the caller allows them. The root page's split leaves stale
 * copies of live rows of both shapes; they are told apart from the live
 * rows (a missing trailing column hashes as NULL) whether the live rows are
 * walked here or given by the caller through SQLite. */
static void test_alter_table(void **state)
{
    struct alter a, b, c;
    struct img m;
    char path[4096], name[32];
    sqlite3 *db;
    int k;

    VG_UNUSED(state);
    memset(&m, 0, sizeof(m));
    m.dir = vgfix_tmpdir("sqlr");
    assert_non_null(m.dir);
    snprintf(path, sizeof(path), "%s/t.db", m.dir);
    db = vgfix_sqlite_open(path);
    assert_non_null(db);
    assert_int_equal(vgfix_sqlite_script(db, "PRAGMA secure_delete=OFF; PRAGMA page_size=1024;"
                                             "CREATE TABLE u(id INTEGER PRIMARY KEY, name TEXT,"
                                             " n INTEGER)"),
                     0);
    for (k = 1; k <= 40; k++) {
        snprintf(name, sizeof(name), "old-row-%02d", k);
        assert_int_equal(
            vgfix_sqlite_run(db, "INSERT INTO u VALUES (?, ?, ?)", "iti", k, name, k * 100), 0);
    }
    assert_int_equal(vgfix_sqlite_script(db, "ALTER TABLE u ADD COLUMN note TEXT"), 0);
    for (k = 41; k <= 60; k++) {
        snprintf(name, sizeof(name), "new-row-%02d", k);
        assert_int_equal(vgfix_sqlite_run(db, "INSERT INTO u VALUES (?, ?, ?, 'a note')", "iti", k,
                                          name, k * 100),
                         0);
    }
    /* few enough that no page is merged: the freed cells stay where they were */
    assert_int_equal(vgfix_sqlite_script(db, "DELETE FROM u WHERE id IN (3, 6, 9, 45, 48)"), 0);
    m.db = (unsigned char *)vgfix_read_file(path, &m.db_len);
    assert_non_null(m.db);
    assert_int_equal(recover_alter(&m, 4, 0, db, &a), VG_OK);
    assert_int_equal(recover_alter(&m, 3, 0, db, &b), VG_OK);
    assert_int_equal(recover_alter(&m, 3, 1, db, &c), VG_OK);
    assert_int_equal(a.short_rows, 0);
    assert_int_equal(a.n, 2);
    assert_int_equal(b.short_rows, 3);
    assert_int_equal(b.n, 5);
    assert_int_equal(c.n, 5);
    assert_true(b.live_skipped > 0 && c.live_skipped == b.live_skipped); /* copies of live rows */
    for (k = 1; k <= 60; k++)
        if (b.seen[k] || c.seen[k])
            assert_true(k == 3 || k == 6 || k == 9 || k == 45 || k == 48);
    assert_int_equal(vgfix_sqlite_close(db), 0);
    img_free(&m);
}

/* Reads the first 2 KiB of an image, then fails as a broken disk or a
 * wrong decryption key would. */
static int failing_read(void *ud, uint64_t off, void *buf, size_t len)
{
    const struct hb *b = ud;

    if (off + len > 2048)
        return VG_E_IO;
    memcpy(buf, b->p + off, len);
    return VG_OK;
}

/* The same image through a vg_io view gives the same rows; a source that
 * fails stops the run with its error. */
static void test_sources(void **state)
{
    struct vg_diag *d = diag_new();
    struct haul h = {0};
    struct vg_sqlr_src src;
    struct vg_sqlr *r = NULL;
    struct vg_sqlr_schema *s = NULL;
    struct vg_io *io = NULL;
    struct hb b;

    VG_UNUSED(state);
    hb_freelist(&b);
    assert_int_equal(vg_io_memory(b.p, b.ps * b.npages, NULL, NULL, &io), VG_OK);
    vg_sqlr_src_io(&src, io);
    assert_int_equal(vg_sqlr_open(&src, NULL, "io.db", d, &r), VG_OK);
    assert_int_equal(vg_sqlr_table(r, "t", &s), VG_OK);
    assert_int_equal(vg_sqlr_recover(r, s, NULL, collect, &h, NULL), VG_OK);
    assert_int_equal(h.n, 4);
    vg_sqlr_free(r);
    vg_io_free(io);
    free(h.g);
    memset(&h, 0, sizeof(h));
    src.read_at = failing_read;
    src.ud = &b;
    src.size = b.ps * b.npages;
    assert_int_equal(vg_sqlr_open(&src, NULL, "broken.db", d, &r), VG_OK);
    assert_int_equal(vg_sqlr_recover(r, s, NULL, collect, &h, NULL), VG_E_IO);
    vg_sqlr_free(r);
    vg_sqlr_schema_free(s);
    free(h.g);
    free(b.p);
    vg_diag_free(d);
}

/* ------------------------------------------------------------ API */

/* A WAL SQLite would not use is noted and left out of the live state; its
 * frames are still page images to carve. */
static void test_wal_damaged(void **state)
{
    struct img m;
    sqlite3 *db = img_open(&m, WAL_PRAGMAS);
    unsigned char *wal;
    size_t i;
    static const struct {
        size_t at;
        unsigned char v;
        const char *note;
    } cases[] = {
        {0, 0x00, "WAL: bad magic or version"},
        {10, 0x08, "WAL: page size 2048 differs"},
        {24, 0x5a, "WAL: header checksum mismatch"},
        {0, 0, NULL}, /* cut in the middle of a frame */
    };

    VG_UNUSED(state);
    plant(db, 1, 30, 0);
    assert_int_equal(vgfix_sqlite_script(db, "PRAGMA wal_checkpoint(TRUNCATE)"), 0);
    assert_int_equal(vgfix_sqlite_script(db, "DELETE FROM t WHERE id IN (5, 6, 17)"), 0);
    img_read(&m, db, 1, 30);
    assert_int_equal(vgfix_sqlite_close(db), 0);
    wal = malloc(m.wal_len);
    assert_non_null(wal);
    for (i = 0; i < VG_ARRAY_LEN(cases); i++) {
        struct vg_diag *d = diag_new();
        struct haul h = {0};
        size_t len = m.wal_len;

        memcpy(wal, m.wal, m.wal_len);
        if (cases[i].note)
            wal[cases[i].at] = cases[i].v;
        else
            len = m.wal_len - 700;
        assert_int_equal(recover_bytes(m.db, m.db_len, wal, len, 0, d, &h, NULL), VG_OK);
        if (cases[i].note && !diag_has(d, cases[i].note))
            fail_msg("no note \"%s\"", cases[i].note);
        /* without the WAL's commit, rows 5, 6 and 17 are live */
        if (cases[i].note)
            assert_int_equal(h.n, 0);
        free(h.g);
        vg_diag_free(d);
    }
    free(wal);
    img_free(&m);
}

static int fill_live(sqlite3 *db, struct vg_sqlr_live *l, const struct vg_sqlr_schema *s)
{
    sqlite3_stmt *st = NULL;
    struct vg_sqlr_value v[5];
    int i, rc = VG_OK;

    assert_int_equal(sqlite3_prepare_v2(db, "SELECT rowid, * FROM t", -1, &st, NULL), SQLITE_OK);
    while (rc == VG_OK && sqlite3_step(st) == SQLITE_ROW) {
        memset(v, 0, sizeof(v));
        for (i = 0; i < 5; i++) {
            switch (sqlite3_column_type(st, i + 1)) {
            case SQLITE_INTEGER:
                v[i].type = VG_SQLR_INT;
                v[i].i = sqlite3_column_int64(st, i + 1);
                break;
            case SQLITE_FLOAT:
                v[i].type = VG_SQLR_REAL;
                v[i].r = sqlite3_column_double(st, i + 1);
                break;
            case SQLITE_TEXT:
                v[i].type = VG_SQLR_TEXT;
                v[i].p = sqlite3_column_text(st, i + 1);
                v[i].n = (size_t)sqlite3_column_bytes(st, i + 1);
                break;
            case SQLITE_BLOB:
                v[i].type = VG_SQLR_BLOB;
                v[i].p = sqlite3_column_blob(st, i + 1);
                v[i].n = (size_t)sqlite3_column_bytes(st, i + 1);
                break;
            default:
                v[i].type = VG_SQLR_NULL;
            }
        }
        rc = vg_sqlr_live_add(l, s, sqlite3_column_int64(st, 0), v, 5);
    }
    sqlite3_finalize(st);
    return rc;
}

/* The live rows read through SQLite by the caller give the same result as
 * the table walked here; a callback can stop the run. */
static void test_caller_live(void **state)
{
    struct vg_diag *d = diag_new();
    struct haul a = {0}, b = {0}, c = {0};
    struct vg_sqlr_mem mm;
    struct vg_sqlr_src src;
    struct vg_sqlr *r = NULL;
    struct vg_sqlr_schema *s = NULL;
    struct vg_sqlr_live *l = NULL;
    struct vg_sqlr_opts opts;
    struct vg_sqlr_stats st;
    struct img m;
    sqlite3 *db = img_open(&m, "PRAGMA secure_delete=OFF; PRAGMA page_size=1024");
    size_t i;

    VG_UNUSED(state);
    plant(db, 1, 300, 0);
    assert_int_equal(vgfix_sqlite_script(db, "DELETE FROM t WHERE id % 5 = 0 OR id > 250"), 0);
    img_read(&m, db, 1, 300);
    assert_int_equal(recover_img(&m, 0, d, &a), VG_OK);
    vg_sqlr_src_mem(&src, &mm, m.db, m.db_len);
    assert_int_equal(vg_sqlr_open(&src, NULL, "t.db", d, &r), VG_OK);
    assert_int_equal(vg_sqlr_table(r, "t", &s), VG_OK);
    assert_int_equal(vg_sqlr_live_new(&l), VG_OK);
    assert_int_equal(fill_live(db, l, s), VG_OK);
    assert_int_equal(vg_sqlr_live_add(l, s, 1, NULL, 6), VG_E_INVAL);
    opts.live = l;
    opts.flags = 0;
    assert_int_equal(vg_sqlr_recover(r, s, &opts, collect, &b, &st), VG_OK);
    assert_int_equal(st.live_rows, 200);
    assert_int_equal(a.n, b.n);
    for (i = 0; i < a.n; i++)
        assert_non_null(find(&b, a.g[i].k));
    c.stop_after = 2;
    assert_int_equal(vg_sqlr_recover(r, s, &opts, collect, &c, NULL), VG_E_INTERRUPTED);
    assert_int_equal(c.n, 2);
    expect_physical(&m, &a, 1, 300, 0);
    assert_int_equal(vgfix_sqlite_close(db), 0);
    vg_sqlr_live_free(l);
    vg_sqlr_live_free(NULL);
    vg_sqlr_schema_free(s);
    vg_sqlr_free(r);
    free(a.g);
    free(b.g);
    free(c.g);
    img_free(&m);
    vg_diag_free(d);
}

/* sqlite_master over several pages: every table is found by name. */
static void test_master_pages(void **state)
{
    struct vg_diag *d = diag_new();
    struct vg_sqlr_mem mm;
    struct vg_sqlr_src src;
    struct vg_sqlr *r = NULL;
    struct vg_sqlr_schema *s = NULL;
    struct img m;
    sqlite3 *db = img_open(&m, "PRAGMA page_size=512");
    char sql[512], name[32];
    int i;

    VG_UNUSED(state);
    for (i = 0; i < 80; i++) {
        snprintf(sql, sizeof(sql),
                 "CREATE TABLE \"tab le%d\"(id INTEGER PRIMARY KEY, a TEXT, b INTEGER, c%d REAL,"
                 " padding_to_make_the_schema_row_long BLOB)",
                 i, i);
        assert_int_equal(vgfix_sqlite_script(db, sql), 0);
    }
    img_read(&m, db, 1, 1);
    assert_int_equal(vgfix_sqlite_close(db), 0);
    vg_sqlr_src_mem(&src, &mm, m.db, m.db_len);
    assert_int_equal(vg_sqlr_open(&src, NULL, "m.db", d, &r), VG_OK);
    for (i = 0; i < 80; i += 7) {
        snprintf(name, sizeof(name), "TAB LE%d", i);
        assert_int_equal(vg_sqlr_table(r, name, &s), VG_OK);
        assert_int_equal(vg_sqlr_schema_ncols(s), 5);
        snprintf(name, sizeof(name), "c%d", i);
        assert_string_equal(vg_sqlr_schema_col(s, 3)->name, name);
        assert_true(vg_sqlr_schema_root(s) > 1);
        vg_sqlr_schema_free(s);
    }
    assert_int_equal(vg_sqlr_table(r, "tab le80", &s), VG_E_NOTFOUND);
    vg_sqlr_free(r);
    img_free(&m);
    vg_diag_free(d);
}

static int count_rows(void *ud, const struct vg_sqlr_row *row)
{
    size_t i;

    assert_true(row->ncols <= 5);
    for (i = 0; i < row->ncols; i++)
        if (row->values[i].type == VG_SQLR_TEXT || row->values[i].type == VG_SQLR_BLOB)
            assert_true(row->values[i].n == 0 || row->values[i].p != NULL);
    (*(size_t *)ud)++;
    return VG_OK;
}

/* Random bytes over a real database and its WAL: no crash, no hang, and
 * every result is an ordinary return code. */
static void test_mutations(void **state)
{
    struct img m;
    sqlite3 *db = img_open(&m, WAL_PRAGMAS);
    unsigned char *d2, *w2;
    uint32_t seed = 777;
    struct vg_sqlr_schema *s = NULL;
    int iter, j;

    VG_UNUSED(state);
    plant(db, 1, 120, 0);
    assert_int_equal(vgfix_sqlite_script(db, "PRAGMA wal_checkpoint(TRUNCATE);"
                                             "DELETE FROM t WHERE id % 4 = 0;"
                                             "DELETE FROM t WHERE id BETWEEN 30 AND 70"),
                     0);
    img_read(&m, db, 1, 120);
    assert_int_equal(vgfix_sqlite_close(db), 0);
    assert_int_equal(vg_sqlr_schema_parse(T_SQL, strlen(T_SQL), 2, &s, NULL, 0), VG_OK);
    d2 = malloc(m.db_len);
    w2 = malloc(m.wal_len);
    assert_non_null(d2);
    assert_non_null(w2);
    for (iter = 0; iter < 300; iter++) {
        struct vg_sqlr_mem md, mw;
        struct vg_sqlr_src sd, sw;
        struct vg_sqlr *r = NULL;
        struct vg_sqlr_live *l = NULL;
        struct vg_sqlr_opts opts = {NULL, 0};
        size_t rows = 0;
        int rc;

        memcpy(d2, m.db, m.db_len);
        memcpy(w2, m.wal, m.wal_len);
        for (j = 0; j < 1 + iter % 16; j++) {
            seed = seed * 1103515245u + 12345u;
            if (seed & 0x10000)
                d2[100 + (seed >> 8) % (m.db_len - 100)] = (unsigned char)seed;
            else
                w2[(seed >> 8) % m.wal_len] = (unsigned char)seed;
        }
        vg_sqlr_src_mem(&sd, &md, d2, m.db_len);
        vg_sqlr_src_mem(&sw, &mw, w2, m.wal_len);
        if (vg_sqlr_open(&sd, &sw, "m.db", NULL, &r) != VG_OK)
            continue;
        rc = vg_sqlr_recover(r, s, NULL, count_rows, &rows, NULL);
        assert_true(rc == VG_OK || rc == VG_E_CORRUPT);
        assert_int_equal(vg_sqlr_live_new(&l), VG_OK);
        opts.live = l;
        rc = vg_sqlr_recover(r, s, &opts, count_rows, &rows, NULL);
        assert_int_equal(rc, VG_OK);
        vg_sqlr_live_free(l);
        vg_sqlr_free(r);
    }
    vg_sqlr_schema_free(s);
    free(d2);
    free(w2);
    img_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_schema_basic),
        cmocka_unit_test(test_schema_affinity),
        cmocka_unit_test(test_schema_syntax),
        cmocka_unit_test(test_schema_errors),
        cmocka_unit_test(test_leaf_freeblocks),
        cmocka_unit_test(test_secure_delete),
        cmocka_unit_test(test_nothing_deleted),
        cmocka_unit_test(test_equal_rows),
        cmocka_unit_test(test_freelist_pages),
        cmocka_unit_test(test_updated_row),
        cmocka_unit_test(test_wal_before_checkpoint),
        cmocka_unit_test(test_wal_after_checkpoint),
        cmocka_unit_test(test_wal_stale_frames),
        cmocka_unit_test(test_wal_uncommitted),
        cmocka_unit_test(test_overflow),
        cmocka_unit_test(test_img_leaf),
        cmocka_unit_test(test_img_prefixes),
        cmocka_unit_test(test_img_lost_first_type),
        cmocka_unit_test(test_img_freelist),
        cmocka_unit_test(test_img_malformed),
        cmocka_unit_test(test_img_headers),
        cmocka_unit_test(test_img_overflow),
        cmocka_unit_test(test_img_guessed),
        cmocka_unit_test(test_sources),
        cmocka_unit_test(test_alter_table),
        cmocka_unit_test(test_wal_damaged),
        cmocka_unit_test(test_caller_live),
        cmocka_unit_test(test_master_pages),
        cmocka_unit_test(test_mutations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
