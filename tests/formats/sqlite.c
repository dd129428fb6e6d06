/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/vg.h"
#include "util/tmp.h"
#include "formats/sqlite.h"
#include "fixture.h"

/* ------------------------------------------------------------ helpers */

static void exec(sqlite3 *db, const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
        fail_msg("%s: %s", sql, err ? err : "?");
}

static sqlite3 *raw_open(const char *path)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    return db;
}

static char *join(const char *dir, const char *name)
{
    char *p = vg_asprintf("%s/%s", dir, name);
    assert_non_null(p);
    return p;
}

/* rows rows of t(id INTEGER PRIMARY KEY, payload TEXT), payload ~200 bytes. */
static void fill(sqlite3 *db, int from, int to)
{
    sqlite3_stmt *st = NULL;
    int i;

    exec(db, "BEGIN");
    assert_int_equal(
        sqlite3_prepare_v2(db, "INSERT INTO t(id, payload) VALUES (?1, printf('%0200d', ?1))", -1,
                           &st, NULL),
        SQLITE_OK);
    for (i = from; i <= to; i++) {
        sqlite3_bind_int(st, 1, i);
        assert_int_equal(sqlite3_step(st), SQLITE_DONE);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    exec(db, "COMMIT");
}

static void make_db(const char *path, int rows)
{
    sqlite3 *db = raw_open(path);
    exec(db, "CREATE TABLE t(id INTEGER PRIMARY KEY, payload TEXT)");
    fill(db, 1, rows);
    assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

/* rows 1..10 in the main file, 11..100 only in an un-checkpointed -wal. */
static void make_wal_db(const char *path)
{
    sqlite3 *db = raw_open(path);
    int on = 1;

    exec(db, "PRAGMA journal_mode=WAL");
    exec(db, "PRAGMA wal_autocheckpoint=0");
    exec(db, "CREATE TABLE t(id INTEGER PRIMARY KEY, payload TEXT)");
    fill(db, 1, 10);
    exec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
    fill(db, 11, 100);
    /* the -wal stays behind as a crashed or still-running app leaves it */
    assert_int_equal(sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, &on), SQLITE_OK);
    assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

static int count_cb(void *ud, sqlite3_stmt *st)
{
    (void)st;
    (*(size_t *)ud)++;
    return VG_OK;
}

static size_t count(sqlite3 *db, const char *sql)
{
    size_t n = 0, rows = 0;
    assert_int_equal(vg_sqlite_each(db, sql, "test.db", NULL, count_cb, &n, &rows), VG_OK);
    assert_int_equal(n, rows);
    return n;
}

/* What a folder holds: names, sizes, mtimes and contents, in name order. */
struct snap {
    size_t n;
    char *name[16];
    off_t size[16];
    struct timespec mtime[16];
    char *data[16];
};

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void snapshot(const char *dir, struct snap *s)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    size_t i;

    memset(s, 0, sizeof(*s));
    assert_non_null(d);
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        assert_true(s->n < 16);
        s->name[s->n++] = vg_strdup(e->d_name);
    }
    closedir(d);
    qsort(s->name, s->n, sizeof(char *), name_cmp);
    for (i = 0; i < s->n; i++) {
        char *p = join(dir, s->name[i]);
        struct stat st;
        size_t len;
        assert_int_equal(stat(p, &st), 0);
        s->size[i] = st.st_size;
        s->mtime[i] = st.st_mtim;
        s->data[i] = vgfix_read_file(p, &len);
        assert_non_null(s->data[i]);
        free(p);
    }
}

static void snap_equal(const struct snap *a, const struct snap *b)
{
    size_t i;
    assert_int_equal(a->n, b->n);
    for (i = 0; i < a->n; i++) {
        assert_string_equal(a->name[i], b->name[i]);
        assert_int_equal(a->size[i], b->size[i]);
        assert_int_equal(a->mtime[i].tv_sec, b->mtime[i].tv_sec);
        assert_int_equal(a->mtime[i].tv_nsec, b->mtime[i].tv_nsec);
        assert_memory_equal(a->data[i], b->data[i], (size_t)a->size[i]);
    }
}

static void snap_free(struct snap *s)
{
    size_t i;
    for (i = 0; i < s->n; i++) {
        free(s->name[i]);
        free(s->data[i]);
    }
}

/* No private copy is left in the temp folder. */
static void no_copies_left(void)
{
    const char *root = NULL;
    DIR *d;
    struct dirent *e;

    assert_int_equal(vg_tmp_dir(&root), VG_OK);
    d = opendir(root);
    assert_non_null(d);
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.')
            fail_msg("left in the temp folder: %s", e->d_name);
    closedir(d);
}

static const char *last_message(const struct vg_diag *d)
{
    const struct vg_diag_entry *e = vg_diag_get(d, vg_diag_size(d) - 1);
    return e ? e->message : "";
}

/* ------------------------------------------------------------ opening */

static void test_wal_applied_to_a_copy_only(void **state)
{
    char *dir = vgfix_tmpdir("sqlite-wal"), *path = join(dir, "evidence.db");
    char *wal = join(dir, "evidence.db-wal");
    struct snap before, after;
    struct stat st;
    sqlite3 *db = NULL;
    (void)state;

    make_wal_db(path);
    assert_int_equal(stat(wal, &st), 0);
    assert_true(st.st_size > 0);
    snapshot(dir, &before);

    assert_int_equal(vg_sqlite_open_file(path, "evidence.db", NULL, &db), VG_OK);
    assert_int_equal(count(db, "SELECT id FROM t"), 100);
    vg_sqlite_close(db);

    snapshot(dir, &after);
    snap_equal(&before, &after); /* no new file, no byte or mtime changed */
    no_copies_left();
    snap_free(&before);
    snap_free(&after);
    vgfix_rmtree(dir);
    free(dir);
    free(path);
    free(wal);
}

/* A backup stores -wal under its own file id: the parts are named apart. */
static void test_open_parts(void **state)
{
    char *dir = vgfix_tmpdir("sqlite-parts"), *path = join(dir, "evidence.db");
    char *wal = join(dir, "evidence.db-wal"),
         *p_db = join(dir, "3d0d7e5fb2ce288813306e4d4636395e047a3d28");
    char *p_wal = join(dir, "1f5e42cfb7c5ae0e6a7a1c7dcbde4ec21b7f7a3e");
    sqlite3 *db = NULL;
    (void)state;

    make_wal_db(path);
    assert_int_equal(rename(path, p_db), 0);
    assert_int_equal(rename(wal, p_wal), 0);
    assert_int_equal(vg_sqlite_open_parts(p_db, p_wal, NULL, "sms.db", NULL, &db), VG_OK);
    assert_int_equal(count(db, "SELECT id FROM t"), 100);
    vg_sqlite_close(db);
    /* without the WAL only the checkpointed rows are there */
    assert_int_equal(vg_sqlite_open_file(p_db, "sms.db", NULL, &db), VG_OK);
    assert_int_equal(count(db, "SELECT id FROM t"), 10);
    vg_sqlite_close(db);
    no_copies_left();
    vgfix_rmtree(dir);
    free(dir);
    free(path);
    free(wal);
    free(p_db);
    free(p_wal);
}

/* A rollback-journal database read in place: immutable, nothing created. */
static void test_read_only_leaves_nothing(void **state)
{
    char *dir = vgfix_tmpdir("sqlite-ro"), *path = join(dir, "plain.db");
    struct snap before, after;
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    (void)state;

    make_db(path, 50);
    snapshot(dir, &before);
    assert_int_equal(vg_sqlite_open_file(path, NULL, NULL, &db), VG_OK);
    assert_int_equal(count(db, "SELECT * FROM t"), 50);
    /* hardened: writes are refused, the schema is not trusted */
    assert_int_not_equal(sqlite3_exec(db, "DELETE FROM t", NULL, NULL, NULL), SQLITE_OK);
    assert_int_not_equal(sqlite3_exec(db, "ATTACH ':memory:' AS x", NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA trusted_schema", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 0);
    sqlite3_finalize(st);
    assert_int_equal(count(db, "SELECT * FROM t"), 50);
    vg_sqlite_close(db);
    snapshot(dir, &after);
    snap_equal(&before, &after); /* no -journal, nothing written */
    snap_free(&before);
    snap_free(&after);
    vgfix_rmtree(dir);
    free(dir);
    free(path);
}

/* A hot journal (a writer died mid-transaction) is rolled back in the
 * copy, so the half-written pages in the main file are not read. */
static void test_hot_journal_rolled_back_in_copy(void **state)
{
    char *dir = vgfix_tmpdir("sqlite-hot"), *path = join(dir, "live.db");
    char *jrnl = join(dir, "live.db-journal"), *e_db = join(dir, "e.db");
    char *e_jrnl = join(dir, "e.db-journal"), *data;
    sqlite3 *w, *db = NULL;
    size_t len;
    (void)state;

    make_db(path, 300);
    w = raw_open(path);
    exec(w, "PRAGMA cache_size=2"); /* spill changed pages into the file itself */
    exec(w, "BEGIN; UPDATE t SET payload = 'changed'");
    data = vgfix_read_file(path, &len);
    assert_int_equal(vgfix_write_file(e_db, data, len), 0);
    free(data);
    data = vgfix_read_file(jrnl, &len);
    assert_non_null(data);
    assert_int_equal(vgfix_write_file(e_jrnl, data, len), 0);
    free(data);
    exec(w, "ROLLBACK");
    sqlite3_close(w);

    assert_int_equal(vg_sqlite_open_file(e_db, "e.db", NULL, &db), VG_OK);
    assert_int_equal(count(db, "SELECT id FROM t WHERE payload = 'changed'"), 0);
    assert_int_equal(count(db, "SELECT id FROM t"), 300);
    vg_sqlite_close(db);
    no_copies_left();
    vgfix_rmtree(dir);
    free(dir);
    free(path);
    free(jrnl);
    free(e_db);
    free(e_jrnl);
}

static void test_not_sqlite(void **state)
{
    char *dir = vgfix_tmpdir("sqlite-not"), *path = join(dir, "notes.db");
    char *empty = join(dir, "empty.db"), *missing = join(dir, "missing.db");
    struct vg_diag *d = NULL;
    sqlite3 *db = NULL;
    static const unsigned char junk[200] = "This is a text file, not a database.";
    (void)state;

    assert_int_equal(vg_diag_new(NULL, NULL, &d), VG_OK);
    assert_int_equal(vgfix_write_file(path, junk, sizeof(junk)), 0);
    assert_int_equal(vg_sqlite_open_file(path, "notes.db", d, &db), VG_E_CORRUPT);
    assert_null(db);
    assert_string_equal(last_message(d),
                        "notes.db: not a SQLite database (no \"SQLite format 3\" header)");
    assert_int_equal(vgfix_write_file(empty, "", 0), 0);
    assert_int_equal(vg_sqlite_open_file(empty, "empty.db", d, &db), VG_E_CORRUPT);
    assert_int_equal(vg_sqlite_open_file(missing, "missing.db", d, &db), VG_E_NOTFOUND);
    assert_non_null(strstr(last_message(d), "missing.db: cannot open"));
    assert_int_equal(vg_sqlite_open_memory(junk, sizeof(junk), "mem", d, &db), VG_E_CORRUPT);
    assert_int_equal(vg_diag_count(d, VG_DIAG_WARN), 4);
    vg_diag_free(d);
    vgfix_rmtree(dir);
    free(dir);
    free(path);
    free(empty);
    free(missing);
}

/* '?', '#', '%' and spaces in a path must not change the URI's meaning. */
static void test_uri_escaping(void **state)
{
    char *dir = vgfix_tmpdir("sqlite-uri"), *sub = join(dir, "a?b#c%41 d");
    char *path = join(sub, "x?immutable=0#.db");
    sqlite3 *db = NULL;
    (void)state;

    assert_int_equal(mkdir(sub, 0700), 0);
    make_db(path, 3);
    assert_int_equal(vg_sqlite_open_file(path, "x.db", NULL, &db), VG_OK);
    assert_int_equal(count(db, "SELECT * FROM t"), 3);
    vg_sqlite_close(db);
    vgfix_rmtree(dir);
    free(dir);
    free(sub);
    free(path);
}

static void test_open_memory(void **state)
{
    char *dir = vgfix_tmpdir("sqlite-mem"), *path = join(dir, "w.db"), *data;
    sqlite3 *w, *db = NULL;
    size_t len;
    (void)state;

    /* a WAL-mode image, checkpointed: header bytes 18/19 say 2 */
    w = raw_open(path);
    exec(w, "PRAGMA journal_mode=WAL");
    exec(w, "CREATE TABLE t(id INTEGER PRIMARY KEY, payload TEXT)");
    fill(w, 1, 25);
    exec(w, "PRAGMA wal_checkpoint(TRUNCATE)");
    sqlite3_close(w);
    data = vgfix_read_file(path, &len);
    assert_non_null(data);
    assert_int_equal(data[18], 2);
    assert_int_equal(vg_sqlite_open_memory((unsigned char *)data, len, "w.db", NULL, &db), VG_OK);
    assert_int_equal(data[18], 2); /* the caller's buffer is not touched */
    assert_int_equal(count(db, "SELECT * FROM t"), 25);
    assert_int_not_equal(sqlite3_exec(db, "DELETE FROM t", NULL, NULL, NULL), SQLITE_OK);
    vg_sqlite_close(db);
    vg_sqlite_close(NULL);
    free(data);
    vgfix_rmtree(dir);
    free(dir);
    free(path);
}

/* ------------------------------------------------------------ queries */

static void test_missing_table_or_column(void **state)
{
    sqlite3 *db = NULL;
    struct vg_diag *d = NULL;
    char *dir = vgfix_tmpdir("sqlite-nf"), *path = join(dir, "a.db");
    size_t n = 0;
    (void)state;

    make_db(path, 2);
    assert_int_equal(vg_diag_new(NULL, NULL, &d), VG_OK);
    assert_int_equal(vg_sqlite_open_file(path, "a.db", d, &db), VG_OK);
    assert_int_equal(vg_sqlite_each(db, "SELECT * FROM nope", "a.db", d, count_cb, &n, NULL),
                     VG_E_NOTFOUND);
    assert_string_equal(last_message(d), "a.db: no such table: nope");
    assert_int_equal(vg_sqlite_each(db, "SELECT ghost FROM t", "a.db", d, count_cb, &n, NULL),
                     VG_E_NOTFOUND);
    assert_int_equal(vg_sqlite_each_table(db, "nope", "id", NULL, "a.db", d, count_cb, &n, NULL),
                     VG_E_NOTFOUND);
    assert_int_equal(vg_sqlite_each_table(db, "t", "ghost", NULL, "a.db", d, count_cb, &n, NULL),
                     VG_E_NOTFOUND);
    assert_int_equal(vg_diag_count(d, VG_DIAG_INFO), 4); /* notes, not warnings */
    assert_int_equal(vg_diag_count(d, VG_DIAG_WARN), 0);
    assert_int_equal(n, 0);
    vg_sqlite_close(db);
    vg_diag_free(d);
    vgfix_rmtree(dir);
    free(dir);
    free(path);
}

static void test_runaway_query_stops(void **state)
{
    sqlite3 *db = NULL;
    struct vg_diag *d = NULL;
    char *dir = vgfix_tmpdir("sqlite-cte"), *path = join(dir, "a.db");
    size_t n = 0;
    static const char forever[] =
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c";
    static const char honest[] = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c "
                                 "LIMIT 300000) SELECT count(*) FROM c";
    (void)state;

    make_db(path, 2);
    assert_int_equal(vg_diag_new(NULL, NULL, &d), VG_OK);
    assert_int_equal(vg_sqlite_open_file(path, "a.db", d, &db), VG_OK);
    /* the default budget lets an honest query of some size through */
    assert_int_equal(count(db, honest), 1);
    vg_sqlite_set_op_budget(db, 2000000);
    assert_int_equal(vg_sqlite_each(db, forever, "a.db", d, count_cb, &n, NULL), VG_E_LIMIT);
    assert_string_equal(last_message(d),
                        "a.db: query stopped by the SQLite work limit, 0 rows read");
    assert_int_equal(vg_sqlite_each(db, honest, "a.db", d, count_cb, &n, NULL), VG_E_LIMIT);
    /* the budget is per statement: the next one runs */
    assert_int_equal(count(db, "SELECT * FROM t"), 2);
    assert_int_equal(n, 0);
    vg_sqlite_close(db);
    vg_diag_free(d);
    vgfix_rmtree(dir);
    free(dir);
    free(path);
}

/* Salvage: rows must be 1..total, each delivered once, in order. */
struct seen {
    int last;
    size_t n;
};

static int seen_cb(void *ud, sqlite3_stmt *st)
{
    struct seen *s = ud;
    int id = sqlite3_column_int(st, 0);
    assert_true(id > s->last);
    assert_int_equal(sqlite3_column_bytes(st, 1), 200);
    s->last = id;
    s->n++;
    return VG_OK;
}

static void parse_damage(const char *msg, size_t *read, size_t *lost, int *known)
{
    const char *p = strstr(msg, "database damaged: ");
    char *end;

    assert_non_null(p);
    *read = strtoul(p + 18, &end, 10);
    *known = strncmp(end, " rows read, about ", 18) == 0;
    *lost = *known ? strtoul(end + 18, NULL, 10) : 0;
    if (!*known)
        assert_non_null(strstr(end, " rows read, an unknown number lost ("));
}

/* Overwrite one page in the middle of the table with zeros: rows before and
 * after it still arrive, and the warning counts the ones on it. */
static void test_damaged_page_salvaged(void **state)
{
    char *dir = vgfix_tmpdir("sqlite-dmg"), *path = join(dir, "d.db"), *data;
    struct vg_diag *d = NULL;
    struct seen s = {0, 0};
    sqlite3 *db = NULL;
    size_t len, rows = 0, nread, lost;
    int known;
    (void)state;

    make_db(path, 2000);
    data = vgfix_read_file(path, &len);
    assert_true(len / 4096 > 60);
    memset(data + 4096 * 50, 0, 4096); /* page 51: a leaf of t */
    assert_int_equal(vgfix_write_file(path, data, len), 0);
    free(data);

    assert_int_equal(vg_diag_new(NULL, NULL, &d), VG_OK);
    assert_int_equal(vg_sqlite_open_file(path, "d.db", d, &db), VG_OK);
    assert_int_equal(
        vg_sqlite_each_table(db, "t", "id, payload", NULL, "d.db", d, seen_cb, &s, &rows), VG_OK);
    assert_int_equal(rows, s.n);
    assert_true(s.n > 1900 && s.n < 2000);
    assert_int_equal(s.last, 2000); /* the rows after the damage came too */
    assert_int_equal(vg_diag_count(d, VG_DIAG_WARN), 1);
    parse_damage(last_message(d), &nread, &lost, &known);
    assert_int_equal(nread, s.n);
    assert_true(known);
    assert_int_equal(nread + lost, 2000);
    assert_true(vg_str_has_prefix(last_message(d), "d.db: database damaged: "));

    /* the plain query stops at the damage, with a warning too */
    s.last = 0;
    s.n = 0;
    assert_int_equal(vg_sqlite_each(db, "SELECT id, payload FROM t", "d.db", d, seen_cb, &s, NULL),
                     VG_OK);
    assert_true(s.n > 0 && s.n < 2000);
    assert_int_equal(vg_diag_count(d, VG_DIAG_WARN), 2);
    assert_non_null(strstr(last_message(d), "an unknown number lost"));
    vg_sqlite_close(db);
    vg_diag_free(d);
    vgfix_rmtree(dir);
    free(dir);
    free(path);
}

/* A file cut in half: the first half is delivered, with one warning. */
static void test_truncated_salvaged(void **state)
{
    char *dir = vgfix_tmpdir("sqlite-trunc"), *path = join(dir, "t.db"), *data;
    struct vg_diag *d = NULL;
    struct seen s = {0, 0};
    sqlite3 *db = NULL;
    size_t len, nread, lost;
    int known;
    (void)state;

    make_db(path, 2000);
    data = vgfix_read_file(path, &len);
    assert_int_equal(vgfix_write_file(path, data, len / 2), 0);
    free(data);

    assert_int_equal(vg_diag_new(NULL, NULL, &d), VG_OK);
    assert_int_equal(vg_sqlite_open_file(path, "t.db", d, &db), VG_OK);
    assert_int_equal(
        vg_sqlite_each_table(db, "t", "id, payload", NULL, "t.db", d, seen_cb, &s, NULL), VG_OK);
    assert_true(s.n > 500 && s.n < 2000);
    assert_int_equal(vg_diag_count(d, VG_DIAG_WARN), 2);
    printf("# %s\n# %s\n", vg_diag_get(d, 0)->message, vg_diag_get(d, 1)->message);
    assert_true(vg_str_has_prefix(vg_diag_get(d, 0)->message, "t.db: truncated: "));
    parse_damage(last_message(d), &nread, &lost, &known);
    assert_int_equal(nread, s.n);
    if (known)
        assert_int_equal(nread + lost, 2000);
    vg_sqlite_close(db);
    vg_diag_free(d);
    vgfix_rmtree(dir);
    free(dir);
    free(path);
}

static void test_each_table_where_and_views(void **state)
{
    char *dir = vgfix_tmpdir("sqlite-view"), *path = join(dir, "v.db");
    sqlite3 *w, *db = NULL;
    size_t n = 0, rows = 0;
    (void)state;

    make_db(path, 40);
    w = raw_open(path);
    exec(w, "CREATE VIEW odd AS SELECT id FROM t WHERE id % 2 = 1");
    exec(w, "CREATE TABLE kv(k TEXT PRIMARY KEY, v) WITHOUT ROWID; INSERT INTO kv VALUES('a', 1)");
    sqlite3_close(w);
    assert_int_equal(vg_sqlite_open_file(path, "v.db", NULL, &db), VG_OK);
    assert_int_equal(
        vg_sqlite_each_table(db, "t", "id", "id > 30", "v.db", NULL, count_cb, &n, &rows), VG_OK);
    assert_int_equal(n, 10);
    /* a view where a table is read: refused (it could invent rows) */
    n = 0;
    assert_int_equal(vg_sqlite_each_table(db, "odd", "id", NULL, "v.db", NULL, count_cb, &n, &rows),
                     VG_E_CORRUPT);
    assert_int_equal(n, 0);
    n = 0;
    assert_int_equal(
        vg_sqlite_each_table(db, "kv", "k, v", NULL, "v.db", NULL, count_cb, &n, &rows), VG_OK);
    assert_int_equal(n, 1);
    vg_sqlite_close(db);
    vgfix_rmtree(dir);
    free(dir);
    free(path);
}

static int json_cb(void *ud, sqlite3_stmt *st)
{
    json_t **out = ud;
    *out = vg_sqlite_row_json(st);
    return VG_OK;
}

static void test_row_json(void **state)
{
    sqlite3 *db = NULL;
    json_t *row = NULL;
    char *s;
    static const unsigned char image_hdr[] = "SQLite format 3";
    (void)state;
    (void)image_hdr;

    assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
    assert_int_equal(vg_sqlite_each(db,
                                    "SELECT 5 AS i, 1.5 AS r, 'h\xc3\xa9llo' AS t, "
                                    "CAST(x'41ff42c0af' AS TEXT) AS bad, x'010203' AS b, "
                                    "x'' AS e, NULL AS n, 1e999 AS inf",
                                    "mem", NULL, json_cb, &row, NULL),
                     VG_OK);
    assert_non_null(row);
    s = json_dumps(row, JSON_SORT_KEYS | JSON_COMPACT | JSON_ENSURE_ASCII);
    assert_string_equal(s, "{\"b\":\"AQID\",\"bad\":\"A\\uFFFDB\\uFFFD\\uFFFD\",\"e\":\"\","
                           "\"i\":5,\"inf\":null,\"n\":null,\"r\":1.5,\"t\":\"h\\u00E9llo\"}");
    free(s);
    json_decref(row);
    sqlite3_close(db);
}

static void test_has_table_and_column(void **state)
{
    char *dir = vgfix_tmpdir("sqlite-has"), *path = join(dir, "h.db");
    sqlite3 *w, *db = NULL;
    (void)state;

    make_db(path, 1);
    w = raw_open(path);
    exec(w, "CREATE TABLE \"we'ird\"(\"co'l\" TEXT); CREATE VIEW vw AS SELECT id FROM t");
    sqlite3_close(w);
    assert_int_equal(vg_sqlite_open_file(path, "h.db", NULL, &db), VG_OK);
    assert_true(vg_sqlite_has_table(db, "t"));
    assert_true(vg_sqlite_has_table(db, "T"));
    assert_true(vg_sqlite_has_table(db, "vw"));
    assert_true(vg_sqlite_has_table(db, "we'ird"));
    assert_false(vg_sqlite_has_table(db, "nope"));
    assert_false(vg_sqlite_has_table(db, "t' OR '1'='1"));
    assert_true(vg_sqlite_has_column(db, "t", "payload"));
    assert_true(vg_sqlite_has_column(db, "we'ird", "co'l"));
    assert_false(vg_sqlite_has_column(db, "t", "ghost"));
    assert_false(vg_sqlite_has_column(db, "nope", "id"));
    vg_sqlite_close(db);
    vgfix_rmtree(dir);
    free(dir);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wal_applied_to_a_copy_only),
        cmocka_unit_test(test_open_parts),
        cmocka_unit_test(test_read_only_leaves_nothing),
        cmocka_unit_test(test_hot_journal_rolled_back_in_copy),
        cmocka_unit_test(test_not_sqlite),
        cmocka_unit_test(test_uri_escaping),
        cmocka_unit_test(test_open_memory),
        cmocka_unit_test(test_missing_table_or_column),
        cmocka_unit_test(test_runaway_query_stops),
        cmocka_unit_test(test_damaged_page_salvaged),
        cmocka_unit_test(test_truncated_salvaged),
        cmocka_unit_test(test_each_table_where_and_views),
        cmocka_unit_test(test_row_json),
        cmocka_unit_test(test_has_table_and_column),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    vg_tmp_cleanup();
    return rc;
}
