/*
 * The backup container: picking the folder, reading Manifest.db and the
 * plists, partial and malformed backups, and that the evidence is never
 * modified.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "fixture.h"
#include "harness.h"

/* A small backup: one database, one plist, one folder. */
static void build_backup(const char *dir)
{
    struct vgfix_backup *b = vgfix_backup_new(dir);
    assert_non_null(b);
    assert_int_equal(vgfix_backup_set_info(b, "Product Version", "17.1"), 0);
    assert_int_equal(vgfix_backup_set_info(b, "Device Name", "Test iPhone"), 0);
    assert_int_equal(vgfix_backup_add_dir(b, "HomeDomain", "Library"), 0);
    assert_int_equal(vgfix_backup_add_file(b, "HomeDomain", "Library/notes.txt", "hello", 5), 0);
    assert_int_equal(
        vgfix_backup_add_file(b, "RootDomain", "Library/tmp/https_evil.example_0.db", "x", 1), 0);
    assert_int_equal(vgfix_backup_finish(b), 0);
    vgfix_backup_free(b);
}

static const char *const manifest_iocs[] = {
    "[domain-name:value='evil.example']",
    "[file:path='/private/var/mobile/Library/notes.txt']",
    NULL,
};

static void test_reads_manifest_and_info(void **state)
{
    char *dir = vgfix_tmpdir("bk"), *bundle = vgh_bundle(manifest_iocs);
    struct vgh_result r;
    json_t *rec;
    size_t i;
    int found_notes = 0;
    (void)state;

    build_backup(dir);
    vgh_run(dir, bundle, "manifest", &r);
    assert_int_equal(r.rc, VG_OK);
    assert_int_equal(json_array_size(r.records), 3);
    json_array_foreach(r.records, i, rec)
    {
        const char *rel = json_string_value(json_object_get(rec, "relative_path"));
        if (strcmp(rel, "Library/notes.txt") == 0) {
            found_notes = 1;
            assert_string_equal(json_string_value(json_object_get(rec, "domain")), "HomeDomain");
            assert_string_equal(json_string_value(json_object_get(rec, "mode")), "0o100644");
            assert_int_equal(json_integer_value(json_object_get(rec, "size")), 5);
            assert_int_equal(strlen(json_string_value(json_object_get(rec, "file_id"))), 40);
        }
    }
    assert_true(found_notes);
    /* the absolute path indicator matches through the domain's root; the
     * host in the WebKit-style file name matches the domain indicator */
    assert_int_equal(json_array_size(r.alerts), 2);
    vgh_result_free(&r);

    vgh_run(dir, NULL, "backup_info", &r);
    assert_int_equal(r.rc, VG_OK);
    assert_int_equal(json_array_size(r.records), 1);
    rec = json_array_get(r.records, 0);
    assert_string_equal(json_string_value(json_object_get(rec, "Product Version")), "17.1");
    assert_string_equal(json_string_value(json_object_get(rec, "Device Name")), "Test iPhone");
    assert_non_null(strstr(r.diag_text, "outdated iOS version: 17.1"));
    vgh_result_free(&r);
    vgh_cleanup(dir);
    free(bundle);
}

static void test_one_level_down(void **state)
{
    char *parent = vgfix_tmpdir("bkparent"), *dir = vgh_path_join(parent, "00008030-001A");
    struct vgh_result r;
    (void)state;

    build_backup(dir);
    vgh_run(parent, NULL, "manifest", &r);
    assert_int_equal(r.rc, VG_OK);
    assert_int_equal(json_array_size(r.records), 3);
    assert_non_null(strstr(r.diag_text, "using the backup in"));
    assert_non_null(strstr(r.diag_text, "00008030-001A"));
    vgh_result_free(&r);
    vgh_cleanup(parent);
    free(dir);
}

static void test_two_backups_is_an_error(void **state)
{
    char *parent = vgfix_tmpdir("bktwo"), *a = vgh_path_join(parent, "a"),
         *b = vgh_path_join(parent, "b");
    struct vgh_result r;
    (void)state;

    build_backup(a);
    build_backup(b);
    vgh_run(parent, NULL, NULL, &r);
    assert_int_equal(r.rc, VG_E_NOTFOUND);
    assert_non_null(strstr(r.diag_text, "holds 2 backups"));
    vgh_result_free(&r);
    vgh_cleanup(parent);
    free(a);
    free(b);
}

static void test_not_a_backup(void **state)
{
    char *dir = vgfix_tmpdir("nobk"), *f = vgh_path_join(dir, "readme.txt");
    struct vgh_result r;
    (void)state;

    assert_int_equal(vgfix_write_file(f, "x", 1), 0);
    vgh_run(dir, NULL, NULL, &r);
    assert_int_equal(r.rc, VG_E_NOTFOUND);
    assert_non_null(strstr(r.diag_text, "not an iTunes backup: no Manifest.db / Manifest.plist"));
    vgh_result_free(&r);
    vgh_cleanup(dir);
    free(f);
}

static void test_partial_backup_file_absent(void **state)
{
    char *dir = vgfix_tmpdir("partial"), *bundle = vgh_bundle(manifest_iocs);
    struct vgfix_backup *b = vgfix_backup_new(dir);
    struct vgfix_meta m;
    struct vgh_result r;
    json_t *cov;
    (void)state;

    assert_non_null(b);
    assert_int_equal(vgfix_backup_add_file(b, "HomeDomain",
                                           "Library/Preferences/"
                                           ".GlobalPreferences.plist",
                                           "x", 1),
                     0);
    assert_int_equal(vgfix_backup_get_meta(b, &m), 0);
    m.omit = 1;
    assert_int_equal(vgfix_backup_set_meta(b, &m), 0);
    assert_int_equal(vgfix_backup_finish(b), 0);
    vgfix_backup_free(b);

    vgh_run(dir, bundle, "global_preferences", &r);
    assert_int_equal(r.rc, VG_OK);
    assert_non_null(strstr(r.diag_text, "HomeDomain/Library/Preferences/.GlobalPreferences.plist"
                                        " is listed but absent"));
    cov = json_object_get(json_object_get(json_object_get(r.info, "modules"), "global_preferences"),
                          "coverage");
    assert_string_equal(json_string_value(json_object_get(json_array_get(cov, 0), "status")),
                        "absent");
    vgh_result_free(&r);
    vgh_cleanup(dir);
    free(bundle);
}

static void test_truncated_manifest_db(void **state)
{
    char *dir = vgfix_tmpdir("trunc"), *db;
    struct vgh_result r;
    size_t len;
    char *bytes;
    (void)state;

    build_backup(dir);
    db = vgh_path_join(dir, "Manifest.db");
    bytes = vgfix_read_file(db, &len);
    assert_non_null(bytes);
    assert_true(len > 2048);
    assert_int_equal(vgfix_write_file(db, bytes, 1500), 0); /* mid second page */
    vgh_run(dir, NULL, NULL, &r);
    assert_int_equal(r.rc, VG_OK); /* the scan goes on */
    assert_true(r.warnings > 0);
    assert_non_null(strstr(r.diag_text, "Manifest.db"));
    /* BackupInfo reads only Info.plist, so it still has its record */
    assert_int_equal(
        json_integer_value(json_object_get(
            json_object_get(json_object_get(r.info, "modules"), "backup_info"), "records")),
        1);
    vgh_result_free(&r);
    vgh_cleanup(dir);
    free(db);
    free(bytes);
}

static void test_corrupt_mbfile_blob(void **state)
{
    char *dir = vgfix_tmpdir("blob"), *db;
    struct vgh_result r;
    (void)state;

    build_backup(dir);
    db = vgh_path_join(dir, "Manifest.db");
    assert_int_equal(vgfix_sqlite_exec(db, "UPDATE Files SET file = X'62706C6973743030FFFF' "
                                           "WHERE relativePath = 'Library/notes.txt';"),
                     0);
    vgh_run(dir, NULL, "manifest", &r);
    assert_int_equal(r.rc, VG_OK);
    assert_int_equal(json_array_size(r.records), 3); /* the entry stays, without metadata */
    assert_non_null(strstr(r.diag_text, "Manifest.db"));
    assert_true(r.warnings > 0);
    vgh_result_free(&r);
    vgh_cleanup(dir);
    free(db);
}

/* A path that is not UTF-8 (SQLite stores whatever it is given): the entry
 * is kept, its text repaired in what is written, its alert still raised,
 * and the rest of the listing unaffected. */
static void test_path_not_utf8(void **state)
{
    char *dir = vgfix_tmpdir("notutf8"), *db, *bundle = vgh_bundle(manifest_iocs);
    const json_t *rec;
    struct vgh_result r;
    (void)state;

    build_backup(dir);
    db = vgh_path_join(dir, "Manifest.db");
    assert_int_equal(vgfix_sqlite_exec(db, "UPDATE Files SET relativePath = CAST("
                                           "X'4C6962726172792F746D702F68747470735F6576696C2E6578"
                                           "616D706C655F30FF2E6462' AS TEXT) "
                                           "WHERE domain = 'RootDomain';"),
                     0);
    vgh_run(dir, bundle, "manifest", &r);
    assert_int_equal(r.rc, VG_OK);
    assert_int_equal(json_array_size(r.records), 3);
    rec = vgh_find_record(r.records, "domain", "RootDomain");
    assert_non_null(rec);
    assert_string_equal(vgh_str(rec, "relative_path"),
                        "Library/tmp/https_evil.example_0\xEF\xBF\xBD.db");
    assert_int_equal(json_array_size(r.alerts), 2);
    assert_non_null(vgh_find_alert(r.alerts, "HIGH",
                                   "Found mention of domain \"evil.example\" in a backup file "
                                   "with path: Library/tmp/https_evil.example_0\xEF\xBF\xBD.db"));
    assert_non_null(strstr(r.timeline, "\"Library/tmp/https_evil.example_0\xEF\xBF\xBD.db - "
                                       "RootDomain\""));
    vgh_result_free(&r);

    /* every module: none is lost to it */
    vgh_run(dir, bundle, NULL, &r);
    assert_int_equal(r.rc, VG_OK);
    assert_int_equal(r.sum.records, 4); /* manifest's 3, backup_info's 1 */
    assert_int_equal(r.sum.unread, 0);
    vgh_result_free(&r);
    vgh_cleanup(dir);
    free(db);
    free(bundle);
}

/* Every file of the folder with its size and mtime, to compare before/after. */
static void snapshot(const char *dir, char *out, size_t cap)
{
    char cmd[4096];
    FILE *p;
    size_t n;
    snprintf(cmd, sizeof(cmd), "cd '%s' && find . -type f -printf '%%p %%s %%T@\\n' | sort", dir);
    p = popen(cmd, "r");
    assert_non_null(p);
    n = fread(out, 1, cap - 1, p);
    out[n] = '\0';
    pclose(p);
}

static void test_evidence_untouched(void **state)
{
    char *dir = vgfix_tmpdir("ro"), *db;
    static char before[65536], after[65536];
    struct vgh_result r;
    (void)state;

    build_backup(dir);
    db = vgh_path_join(dir, "Manifest.db");
    chmod(dir, 0555); /* a read-only folder must be enough */
    snapshot(dir, before, sizeof(before));
    vgh_run(dir, NULL, NULL, &r);
    assert_int_equal(r.rc, VG_OK);
    snapshot(dir, after, sizeof(after));
    assert_string_equal(before, after);
    vgh_result_free(&r);
    chmod(dir, 0700);
    vgh_cleanup(dir);
    free(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reads_manifest_and_info),
        cmocka_unit_test(test_one_level_down),
        cmocka_unit_test(test_two_backups_is_an_error),
        cmocka_unit_test(test_not_a_backup),
        cmocka_unit_test(test_partial_backup_file_absent),
        cmocka_unit_test(test_truncated_manifest_db),
        cmocka_unit_test(test_corrupt_mbfile_blob),
        cmocka_unit_test(test_path_not_utf8),
        cmocka_unit_test(test_evidence_untouched),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
