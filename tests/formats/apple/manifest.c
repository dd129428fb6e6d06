/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include <stdio.h>

#include "util/vg.h"
#include "util/tmp.h"
#include "formats/apple/manifest.h"
#include "formats/sqlite.h"
#include "fixture.h"

#define SCHEMA                                                                                     \
    "CREATE TABLE Files (fileID TEXT PRIMARY KEY, domain TEXT, relativePath TEXT, flags "          \
    "INTEGER, file BLOB);"                                                                         \
    "CREATE TABLE Properties (key TEXT PRIMARY KEY, value BLOB);"

static void meta_defaults(struct vgfix_meta *m, uint32_t mode)
{
    memset(m, 0, sizeof(*m));
    m->birth = 1600000000;
    m->mtime = 1600000100;
    m->ctime = 1600000200;
    m->mode = mode;
    m->inode = 4242;
    m->uid = m->gid = 501;
    m->protection = 3;
    m->size = 10;
}

static void add_row(const char *db, const char *id, const char *domain, const char *rel, int flags,
                    const char *target, const struct vgfix_meta *m)
{
    char *blob = NULL;
    size_t len = 0;

    if (m)
        assert_int_equal(vgfix_mbfile_encode(rel, target, m, &blob, &len), 0);
    assert_int_equal(vgfix_sqlite_insert(db, "INSERT INTO Files VALUES (?, ?, ?, ?, ?)", "tttib",
                                         id, domain, rel, flags, blob, len),
                     0);
    free(blob);
}

static sqlite3 *open_db(const char *path, struct vg_diag *d)
{
    sqlite3 *db = NULL;
    assert_int_equal(vg_sqlite_open_file(path, "Manifest.db", d, &db), VG_OK);
    return db;
}

static void test_small_manifest(void **state)
{
    char *dir = vgfix_tmpdir("manifest"), *path = vg_asprintf("%s/Manifest.db", dir);
    struct vgfix_meta file, folder, link;
    struct vg_manifest *m = NULL;
    const struct vg_manifest_entry *e;
    struct vg_diag *d = NULL;
    sqlite3 *db;
    (void)state;

    meta_defaults(&file, 0100644);
    file.encryption_key_len = 44;
    file.encryption_key[0] = 3;
    meta_defaults(&folder, 040755);
    meta_defaults(&link, 0120755);
    assert_int_equal(vgfix_sqlite_exec(path, SCHEMA), 0);
    add_row(path, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "HomeDomain", "Library/z", 1, NULL,
            &file);
    add_row(path, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "AppDomain-b", "Library/x.db", 1,
            NULL, &file);
    add_row(path, "cccccccccccccccccccccccccccccccccccccccc", "AppDomain-b", "", 2, NULL, &folder);
    add_row(path, "dddddddddddddddddddddddddddddddddddddddd", "AppDomain-a", "lnk", 4, "/var/x",
            &link);
    add_row(path, "not-a-file-id", "HomeDomain", "odd", 1, NULL, &file);
    add_row(path, "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee", "HomeDomain", "noblob", 1, NULL,
            NULL);
    assert_int_equal(vgfix_sqlite_insert(path, "INSERT INTO Files VALUES (?, ?, ?, ?, ?)", "tttib",
                                         "ffffffffffffffffffffffffffffffffffffffff", "HomeDomain",
                                         "junk", 1, "bplist00 not really", 19),
                     0);

    assert_int_equal(vg_diag_new(NULL, NULL, &d), VG_OK);
    db = open_db(path, d);
    assert_int_equal(vg_manifest_load(db, "Manifest.db", d, &m), VG_OK);
    vg_sqlite_close(db);

    assert_int_equal(m->n, 6);
    assert_int_equal(m->bad_rows, 1);
    assert_int_equal(m->bad_blobs, 2);
    /* sorted by domain, then path, with strcmp */
    assert_string_equal(m->v[0].domain, "AppDomain-a");
    assert_string_equal(m->v[1].domain, "AppDomain-b");
    assert_string_equal(m->v[1].relative_path, "");
    assert_string_equal(m->v[2].relative_path, "Library/x.db");
    assert_string_equal(m->v[3].relative_path, "Library/z");
    assert_string_equal(m->v[4].relative_path, "junk");
    assert_string_equal(m->v[5].relative_path, "noblob");

    e = vg_manifest_get(m, "AppDomain-b", "Library/x.db");
    assert_non_null(e);
    assert_string_equal(e->file_id, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"); /* lowercased */
    assert_int_equal(e->flags, 1);
    assert_true(e->has_mb);
    assert_int_equal(e->mb.mode, 0100644);
    assert_int_equal(e->mb.size, 10);
    assert_int_equal(e->mb.last_modified, 1600000100);
    assert_int_equal(e->mb.encryption_key_len, 44);
    e = vg_manifest_get(m, "AppDomain-a", "lnk");
    assert_non_null(e);
    assert_string_equal(e->mb.target, "/var/x");
    e = vg_manifest_get(m, "HomeDomain", "junk");
    assert_non_null(e);
    assert_false(e->has_mb);
    assert_int_equal(e->mb.size, -1);
    assert_null(vg_manifest_get(m, "HomeDomain", "odd"));
    assert_null(vg_manifest_get(m, "HomeDomain", "Library/zz"));
    assert_null(vg_manifest_get(m, "AAA", ""));
    assert_null(vg_manifest_get(m, "ZZZ", ""));

    /* one summary per kind of problem, naming the file and the first ids */
    assert_int_equal(vg_diag_count(d, VG_DIAG_WARN), 2);
    assert_true(vg_str_has_prefix(vg_diag_get(d, 0)->message,
                                  "Manifest.db: 2 file records could not be decoded"));
    assert_non_null(strstr(vg_diag_get(d, 0)->message, "eeeeeeeeee"));
    assert_non_null(strstr(vg_diag_get(d, 0)->message, "ffffffffff"));
    assert_string_equal(vg_diag_get(d, 1)->message,
                        "Manifest.db: 1 rows skipped, their fileID is not 40 hex digits: "
                        "\"not-a-file-id\"");
    vg_manifest_free(m);
    vg_manifest_free(NULL);
    assert_null(vg_manifest_get(NULL, "a", "b"));
    vg_diag_free(d);
    vgfix_rmtree(dir);
    free(dir);
    free(path);
}

/* Many bad blobs still give one warning, with three examples. */
static void test_one_warning_for_many_bad_blobs(void **state)
{
    char *dir = vgfix_tmpdir("manifest-bad"), *path = vg_asprintf("%s/Manifest.db", dir);
    struct vg_manifest *m = NULL;
    struct vg_diag *d = NULL;
    sqlite3 *db;
    int i;
    (void)state;

    assert_int_equal(vgfix_sqlite_exec(path, SCHEMA), 0);
    for (i = 0; i < 50; i++) {
        char id[41], rel[16];
        memset(id, 'a', 40);
        id[40] = '\0';
        id[0] = "0123456789"[i % 10];
        id[1] = "0123456789"[i / 10];
        snprintf(rel, sizeof(rel), "f%02d", i);
        assert_int_equal(vgfix_sqlite_insert(path, "INSERT INTO Files VALUES (?, ?, ?, ?, ?)",
                                             "tttib", id, "D", rel, 1, "xx", (size_t)2),
                         0);
    }
    assert_int_equal(vg_diag_new(NULL, NULL, &d), VG_OK);
    db = open_db(path, d);
    assert_int_equal(vg_manifest_load(db, NULL, d, &m), VG_OK);
    vg_sqlite_close(db);
    assert_int_equal(m->n, 50);
    assert_int_equal(m->bad_blobs, 50);
    assert_int_equal(vg_diag_count(d, VG_DIAG_WARN), 1);
    assert_true(vg_str_has_suffix(vg_diag_get(d, 0)->message, ", ..."));
    vg_manifest_free(m);
    vg_diag_free(d);
    vgfix_rmtree(dir);
    free(dir);
    free(path);
}

static void test_no_files_table(void **state)
{
    char *dir = vgfix_tmpdir("manifest-nf"), *path = vg_asprintf("%s/Manifest.db", dir);
    struct vg_manifest *m = NULL;
    sqlite3 *db;
    (void)state;

    assert_int_equal(vgfix_sqlite_exec(path, "CREATE TABLE Other(x);"), 0);
    db = open_db(path, NULL);
    assert_int_equal(vg_manifest_load(db, "Manifest.db", NULL, &m), VG_E_NOTFOUND);
    assert_null(m);
    vg_sqlite_close(db);
    vgfix_rmtree(dir);
    free(dir);
    free(path);
}

/* MVT's test backup; the expected values were read with Python's sqlite3 and
 * plistlib. */
static void test_real_manifest(void **state)
{
    char *path = vgfix_shared_path("mvt-artifacts/ios_backup/Manifest.db");
    struct vg_manifest *m = NULL;
    const struct vg_manifest_entry *e;
    struct vg_diag *d = NULL;
    size_t i, files = 0, dirs = 0, links = 0;
    sqlite3 *db;
    (void)state;

    if (!path) {
        printf("# ../shared/mvt-artifacts/ios_backup/Manifest.db not present: skipped\n");
        skip();
    }
    assert_int_equal(vg_diag_new(NULL, NULL, &d), VG_OK);
    db = open_db(path, d);
    assert_int_equal(vg_manifest_load(db, "Manifest.db", d, &m), VG_OK);
    vg_sqlite_close(db);
    assert_int_equal(m->n, 3721);
    assert_int_equal(m->bad_blobs, 0);
    assert_int_equal(m->bad_rows, 0);
    assert_int_equal(vg_diag_count(d, VG_DIAG_WARN), 0);
    for (i = 0; i < m->n; i++) {
        assert_true(m->v[i].has_mb);
        files += m->v[i].flags == 1;
        dirs += m->v[i].flags == 2;
        links += m->v[i].flags == 4;
    }
    assert_int_equal(files, 1089);
    assert_int_equal(dirs, 2618);
    assert_int_equal(links, 14);
    assert_string_equal(m->v[0].file_id, "b0638e5eac947f1405088e22d0e83544a8d14ed4");
    assert_string_equal(m->v[1000].file_id, "ae628de1fe8716c893ab30b2a2ef86dc5b15a529");
    assert_string_equal(m->v[m->n - 1].file_id, "5f6165d4b21efe1b9b4b5eca6133c619225fff4b");

    e = vg_manifest_get(m, "AppDomainGroup-group.org.mozilla.ios.Firefox", "security.dummy");
    assert_non_null(e);
    assert_string_equal(e->file_id, "f374f06cea6bef3fbc55f083625aab80c3ba6a9d");
    assert_int_equal(e->mb.size, 18);
    assert_int_equal(e->mb.mode, 0100644);
    assert_int_equal(e->mb.protection_class, 1);
    assert_int_equal(e->mb.encryption_key_len, 44);
    e = vg_manifest_get(m, "DatabaseDomain", "timezone/localtime");
    assert_non_null(e);
    assert_int_equal(e->flags, 4);
    assert_string_equal(e->mb.target, "/var/db/timezone/zoneinfo/Europe/London");
    e = vg_manifest_get(m, "HomeDomain", "Library/SMS/sms.db");
    assert_non_null(e);
    assert_string_equal(e->file_id, "3d0d7e5fb2ce288813306e4d4636395e047a3d28");
    vg_manifest_free(m);
    vg_diag_free(d);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_small_manifest),
        cmocka_unit_test(test_one_warning_for_many_bad_blobs),
        cmocka_unit_test(test_no_files_table),
        cmocka_unit_test(test_real_manifest),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    vg_tmp_cleanup();
    return rc;
}
