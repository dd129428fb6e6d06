/*
 * WAL replay in memory, judged against SQLite itself: the same database and
 * -wal, opened by SQLite from files (its recovery reads the WAL), must give
 * the same rows as our image opened from memory, for clean WALs, WALs with
 * uncommitted frames, and WALs damaged at many places.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include <unistd.h>

#include <sqlite3.h>

#include "fixture.h"
#include "util/vg.h"
#include "formats/wal.h"

#define QUERY "SELECT count(*) || ':' || total(length(x)) || ':' || group_concat(x, ',') FROM t"

struct parts {
    char *dir;
    unsigned char *db, *wal;
    size_t db_len, wal_len;
    char *expected; /* QUERY as SQLite reads the live database */
};

static char *query(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    char *s;

    if (sqlite3_prepare_v2(db, QUERY, -1, &st, NULL) != SQLITE_OK)
        return strdup("error");
    if (sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_finalize(st);
        return strdup("error");
    }
    s = strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return s;
}

static void exec(sqlite3 *db, const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
        fail_msg("%s: %s", sql, err);
}

/* Builds a WAL database with several commits; when open_txn, a large
 * transaction is left uncommitted with a tiny cache, so its pages spill into
 * the WAL as frames without a commit. The files are read while the
 * connection is still open (closing would checkpoint). */
static void make(struct parts *p, int open_txn, int page_size)
{
    char path[4096], sql[256];
    sqlite3 *db = NULL;
    int i;

    memset(p, 0, sizeof(*p));
    p->dir = vgfix_tmpdir("wal");
    assert_non_null(p->dir);
    snprintf(path, sizeof(path), "%s/t.db", p->dir);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    snprintf(sql, sizeof(sql), "PRAGMA page_size=%d", page_size);
    exec(db, sql);
    exec(db, "PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0;"
             "CREATE TABLE t(x TEXT); INSERT INTO t VALUES ('before');");
    exec(db, "PRAGMA wal_checkpoint(TRUNCATE)"); /* 'before' lives in the db file */
    for (i = 0; i < 30; i++) {
        snprintf(sql, sizeof(sql), "INSERT INTO t VALUES (printf('row%%d-%%0400d', %d, %d))", i, i);
        exec(db, sql);
    }
    exec(db, "UPDATE t SET x = 'changed' WHERE x LIKE 'row3-%'; DELETE FROM t WHERE x LIKE "
             "'row7-%';");
    p->expected = query(db);
    if (open_txn) {
        exec(db, "PRAGMA cache_size=2; BEGIN;");
        for (i = 0; i < 200; i++)
            exec(db, "INSERT INTO t VALUES (zeroblob(3000))");
    }
    p->db = (unsigned char *)vgfix_read_file(path, &p->db_len);
    snprintf(path, sizeof(path), "%s/t.db-wal", p->dir);
    p->wal = (unsigned char *)vgfix_read_file(path, &p->wal_len);
    assert_non_null(p->db);
    assert_non_null(p->wal);
    if (open_txn)
        exec(db, "ROLLBACK");
    sqlite3_close(db);
}

static void parts_free(struct parts *p)
{
    vgfix_rmtree(p->dir);
    free(p->dir);
    free(p->db);
    free(p->wal);
    free(p->expected);
}

/* Our replay, opened from memory. */
static char *ours(const unsigned char *db, size_t db_len, const unsigned char *wal, size_t wal_len,
                  struct vg_wal_info *info)
{
    unsigned char *img = NULL, *copy;
    size_t len = 0;
    sqlite3 *mem = NULL;
    char *s;

    assert_int_equal(vg_wal_apply(db, db_len, wal, wal_len, 64u << 20, &img, &len, info), VG_OK);
    copy = sqlite3_malloc64(len ? len : 1);
    assert_non_null(copy);
    memcpy(copy, img, len);
    vg_free_secret(img, len);
    if (len >= 20 && copy[18] == 2)
        copy[18] = copy[19] = 1; /* memdb has no WAL support */
    assert_int_equal(sqlite3_open(":memory:", &mem), SQLITE_OK);
    assert_int_equal(
        sqlite3_deserialize(mem, "main", copy, (sqlite3_int64)len, (sqlite3_int64)len,
                            SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_READONLY),
        SQLITE_OK);
    s = query(mem);
    sqlite3_close(mem);
    return s;
}

/* SQLite's own reading of the same two files (no -shm: it recovers). */
static char *theirs(const char *dir, const unsigned char *db, size_t db_len,
                    const unsigned char *wal, size_t wal_len)
{
    char path[4096];
    sqlite3 *h = NULL;
    char *s;

    snprintf(path, sizeof(path), "%s/copy.db-shm", dir);
    unlink(path);
    snprintf(path, sizeof(path), "%s/copy.db-wal", dir);
    assert_int_equal(vgfix_write_file(path, wal, wal_len), 0);
    snprintf(path, sizeof(path), "%s/copy.db", dir);
    assert_int_equal(vgfix_write_file(path, db, db_len), 0);
    assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
    s = query(h);
    sqlite3_close(h);
    return s;
}

static void test_clean_wal(void **state)
{
    struct parts p;
    struct vg_wal_info info;
    char *got;
    (void)state;

    make(&p, 0, 4096);
    got = ours(p.db, p.db_len, p.wal, p.wal_len, &info);
    assert_true(info.usable);
    assert_true(info.frames > 30);
    assert_int_equal(info.uncommitted, 0);
    assert_null(info.why);
    assert_string_equal(got, p.expected);
    assert_non_null(strstr(got, "changed"));
    free(got);
    parts_free(&p);
}

static void test_uncommitted_frames_ignored(void **state)
{
    struct parts p;
    struct vg_wal_info info;
    char *got, *sq;
    (void)state;

    make(&p, 1, 1024);
    got = ours(p.db, p.db_len, p.wal, p.wal_len, &info);
    assert_true(info.uncommitted > 0);
    assert_string_equal(got, p.expected);
    sq = theirs(p.dir, p.db, p.db_len, p.wal, p.wal_len);
    assert_string_equal(got, sq);
    free(sq);
    free(got);
    parts_free(&p);
}

/* Damage anywhere in the WAL: we keep exactly what SQLite keeps. */
static void test_damage_matches_sqlite(void **state)
{
    struct parts p;
    size_t at;
    (void)state;

    make(&p, 0, 1024);
    for (at = 0; at < p.wal_len; at += 997) {
        struct vg_wal_info info;
        char *got, *sq;
        p.wal[at] ^= 0x40;
        got = ours(p.db, p.db_len, p.wal, p.wal_len, &info);
        sq = theirs(p.dir, p.db, p.db_len, p.wal, p.wal_len);
        if (strcmp(got, sq) != 0)
            fail_msg("damage at %zu: ours %.60s, SQLite %.60s", at, got, sq);
        free(got);
        free(sq);
        p.wal[at] ^= 0x40;
    }
    /* and a WAL cut short, mid-frame */
    {
        struct vg_wal_info info;
        char *got = ours(p.db, p.db_len, p.wal, p.wal_len - 100, &info);
        char *sq = theirs(p.dir, p.db, p.db_len, p.wal, p.wal_len - 100);
        assert_string_equal(got, sq);
        assert_true(info.tail_bytes > 0);
        free(got);
        free(sq);
    }
    parts_free(&p);
}

static void test_header_problems(void **state)
{
    struct parts p;
    struct vg_wal_info info;
    unsigned char *img = NULL;
    size_t len = 0;
    (void)state;

    make(&p, 0, 4096);
    /* not a WAL: the image comes back as it was */
    assert_int_equal(
        vg_wal_apply(p.db, p.db_len, (const unsigned char *)"nope", 4, 1u << 30, &img, &len, &info),
        VG_OK);
    assert_false(info.usable);
    assert_string_equal(info.why, "shorter than a WAL header");
    assert_int_equal(len, p.db_len);
    assert_memory_equal(img, p.db, len);
    vg_free_secret(img, len);
    p.wal[0] ^= 0xff;
    assert_int_equal(vg_wal_apply(p.db, p.db_len, p.wal, p.wal_len, 1u << 30, &img, &len, &info),
                     VG_OK);
    assert_string_equal(info.why, "not a WAL (bad magic)");
    vg_free_secret(img, len);
    p.wal[0] ^= 0xff;
    p.wal[27] ^= 1; /* header checksum */
    assert_int_equal(vg_wal_apply(p.db, p.db_len, p.wal, p.wal_len, 1u << 30, &img, &len, &info),
                     VG_OK);
    assert_string_equal(info.why, "WAL header checksum mismatch");
    vg_free_secret(img, len);
    p.wal[27] ^= 1;
    /* page sizes that disagree */
    p.db[16] = 0x02;
    p.db[17] = 0x00;
    assert_int_equal(vg_wal_apply(p.db, p.db_len, p.wal, p.wal_len, 1u << 30, &img, &len, &info),
                     VG_E_CORRUPT);
    /* the cap */
    assert_int_equal(vg_wal_apply(p.db, p.db_len, p.wal, p.wal_len, 4096, &img, &len, &info),
                     VG_E_CORRUPT);
    p.db[16] = 0x10;
    assert_int_equal(vg_wal_apply(p.db, p.db_len, p.wal, p.wal_len, 4096, &img, &len, &info),
                     VG_E_LIMIT);
    parts_free(&p);
}

/* An empty database file: SQLite discards the WAL, and so do we. */
static void test_empty_database_file(void **state)
{
    struct parts p;
    struct vg_wal_info info;
    char *got, *sq;
    (void)state;

    make(&p, 0, 4096);
    got = ours((const unsigned char *)"", 0, p.wal, p.wal_len, &info);
    assert_non_null(strstr(info.why, "database file is empty"));
    sq = theirs(p.dir, (const unsigned char *)"", 0, p.wal, p.wal_len);
    assert_string_equal(got, sq);
    free(sq);
    free(got);
    parts_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clean_wal),
        cmocka_unit_test(test_uncommitted_frames_ignored),
        cmocka_unit_test(test_damage_matches_sqlite),
        cmocka_unit_test(test_header_problems),
        cmocka_unit_test(test_empty_database_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
