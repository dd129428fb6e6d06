/*
 * Android filesystem dumps (sources/android_fs.c on sources/tree.c): the
 * same records from a folder, a tar, a tar.gz and a zip of one dump, with
 * and without a prefix folder; the root found by data/data or by the
 * multi-user layout alone; links and escaping names refused.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "fixture.h"
#include "harness.h"

#define SMS_DATA     "data/data/com.android.providers.telephony/databases/mmssms.db"
#define SMS_DE       "data/user_de/0/com.android.providers.telephony/databases/mmssms.db"
#define HISTORY_USER "data/user/0/com.android.chrome/app_chrome/Default/History"

static const char sms_sql[] =
    "CREATE TABLE sms (_id INTEGER PRIMARY KEY, address TEXT, date INTEGER, date_sent INTEGER, "
    "type INTEGER, body TEXT);"
    "INSERT INTO sms VALUES (1, '+15550001111', 1700000000000, 1699999999000, 1, 'look "
    "https://evil.example.org/x');"
    "INSERT INTO sms VALUES (2, '+15550001111', 1700000100000, 0, 2, 'what is it?');";

static const char history_sql[] =
    "CREATE TABLE urls (id INTEGER PRIMARY KEY, url TEXT);"
    "CREATE TABLE visits (id INTEGER PRIMARY KEY, url INTEGER, visit_time INTEGER, from_visit "
    "INTEGER);"
    "INSERT INTO urls VALUES (1, 'https://evil.example.org/landing');"
    "INSERT INTO visits VALUES (1, 1, 13372000000000000, 0);";

static const char *const iocs[] = {"[domain-name:value='example.org']", NULL};

static char *run_records(const char *path, const char *module, size_t *alerts, char **diag)
{
    char *bundle = vgh_bundle(iocs), *text;
    struct vgh_result r;

    vgh_run_src(VG_KIND_ANDROID_FS, path, bundle, module, 0, &r);
    free(bundle);
    assert_int_equal(r.rc, VG_OK);
    text = json_dumps(r.records, JSON_COMPACT);
    assert_non_null(text);
    *alerts = json_array_size(r.alerts);
    if (diag)
        *diag = strdup(r.diag_text);
    vgh_result_free(&r);
    return text;
}

static void test_same_records_everywhere(void **state)
{
    static const struct {
        int archive;
        enum vgfix_ar_fmt fmt;
        const char *prefix;
    } forms[] = {
        {0, VGFIX_AR_TAR, "dump/"},
        {1, VGFIX_AR_TAR, ""},
        {1, VGFIX_AR_TAR_GZ, "dump/"},
        {1, VGFIX_AR_ZIP, "dump/"},
        {1, VGFIX_AR_TAR_ZST, "extraction/userdata/"},
    };
    struct vgfix_fs *fs = vgfix_fs_new();
    char *work = vgfix_tmpdir("afs-same"), path[4096], *want, *got;
    size_t i, alerts;
    (void)state;

    vgh_fs_sql(fs, SMS_DE, sms_sql);
    assert_int_equal(vgfix_fs_dir(fs, "data/data/com.android.chrome", 0), 0);
    /* the reference: the root itself */
    snprintf(path, sizeof(path), "%s/plain", work);
    assert_int_equal(vgfix_fs_write_folder(fs, path, ""), 0);
    want = run_records(path, "sms", &alerts, NULL);
    assert_int_equal(alerts, 1);
    assert_non_null(strstr(want, "https://evil.example.org/x"));
    for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
        snprintf(path, sizeof(path), "%s/form-%zu", work, i);
        if (forms[i].archive)
            assert_int_equal(vgfix_fs_write_archive(fs, path, forms[i].fmt, forms[i].prefix), 0);
        else
            assert_int_equal(vgfix_fs_write_folder(fs, path, forms[i].prefix), 0);
        got = run_records(path, "sms", &alerts, NULL);
        assert_string_equal(got, want);
        assert_int_equal(alerts, 1);
        free(got);
    }
    free(want);
    vgfix_fs_free(fs);
    vgfix_rmtree(work);
    free(work);
}

/* No data/data: data/user (the multi-user layout) marks the root. */
static void test_user_layout(void **state)
{
    struct vgfix_fs *fs = vgfix_fs_new();
    char *work = vgfix_tmpdir("afs-user"), path[4096], *got;
    size_t alerts;
    (void)state;

    vgh_fs_sql(fs, HISTORY_USER, history_sql);
    snprintf(path, sizeof(path), "%s/folder", work);
    assert_int_equal(vgfix_fs_write_folder(fs, path, "phone/"), 0);
    got = run_records(path, "chrome_history", &alerts, NULL);
    assert_non_null(strstr(got, "https://evil.example.org/landing"));
    assert_int_equal(alerts, 1);
    free(got);
    snprintf(path, sizeof(path), "%s/dump.tar.gz", work);
    assert_int_equal(vgfix_fs_write_archive(fs, path, VGFIX_AR_TAR_GZ, "phone/"), 0);
    got = run_records(path, "chrome_history", &alerts, NULL);
    assert_non_null(strstr(got, "https://evil.example.org/landing"));
    assert_int_equal(alerts, 1);
    free(got);
    vgfix_fs_free(fs);
    vgfix_rmtree(work);
    free(work);
}

/* Names that climb out of the root, and a link where the database should
 * be, are refused: nothing is read through them. */
static void test_hostile_archive(void **state)
{
    char *work = vgfix_tmpdir("afs-hostile"), db[4096], path[4096], *got, *diag = NULL;
    unsigned char *bytes;
    size_t len, alerts, i;
    struct vgfix_ar_entry v[4];
    static const enum vgfix_ar_fmt fmts[] = {VGFIX_AR_TAR, VGFIX_AR_ZIP};
    (void)state;

    snprintf(db, sizeof(db), "%s/mmssms.db", work);
    assert_int_equal(vgfix_sqlite_exec(db, sms_sql), 0);
    bytes = (unsigned char *)vgfix_read_file(db, &len);
    assert_non_null(bytes);
    for (i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
        memset(v, 0, sizeof(v));
        v[0].name = "data/data/";
        v[0].kind = VGFIX_AR_DIR;
        v[1].name = "data/data/../../../" SMS_DE;
        v[1].kind = VGFIX_AR_FILE;
        v[1].data = bytes;
        v[1].len = len;
        v[2].name = "data/data/x/../../../../etc/passwd";
        v[2].kind = VGFIX_AR_FILE;
        v[2].data = "x";
        v[2].len = 1;
        v[3].name = SMS_DATA;
        v[3].kind = VGFIX_AR_SYMLINK;
        v[3].target = "/etc/passwd";
        snprintf(path, sizeof(path), "%s/dump-%zu", work, i);
        assert_int_equal(vgfix_archive_file(path, fmts[i], v, 4), 0);
        got = run_records(path, "sms", &alerts, &diag);
        assert_string_equal(got, "[]");
        assert_int_equal(alerts, 0);
        assert_non_null(strstr(diag, "etc/passwd"));
        free(got);
        free(diag);
    }
    free(bytes);
    vgfix_rmtree(work);
    free(work);
}

/* A link at the database's place in a folder dump is not followed. */
static void test_folder_link_refused(void **state)
{
    char *work = vgfix_tmpdir("afs-link"), db[4096], path[4096], *got;
    size_t alerts;
    (void)state;

    snprintf(db, sizeof(db), "%s/mmssms.db", work);
    assert_int_equal(vgfix_sqlite_exec(db, sms_sql), 0);
    snprintf(path, sizeof(path), "%s/dump/data/data/com.android.providers.telephony/databases",
             work);
    assert_int_equal(vgfix_mkdirs(path), 0);
    snprintf(path, sizeof(path), "%s/dump/" SMS_DATA, work);
    assert_int_equal(symlink(db, path), 0);
    snprintf(path, sizeof(path), "%s/dump", work);
    got = run_records(path, "sms", &alerts, NULL);
    assert_string_equal(got, "[]");
    assert_int_equal(alerts, 0);
    free(got);
    vgfix_rmtree(work);
    free(work);
}

/* Neither a folder nor an archive: refused, said so. */
static void test_not_a_dump(void **state)
{
    char *work = vgfix_tmpdir("afs-not"), path[4096];
    struct vgh_result r;
    (void)state;

    snprintf(path, sizeof(path), "%s/notes.txt", work);
    assert_int_equal(vgfix_write_file(path, "not a dump\n", 11), 0);
    vgh_run_src(VG_KIND_ANDROID_FS, path, NULL, "sms", 0, &r);
    assert_int_not_equal(r.rc, VG_OK);
    assert_non_null(strstr(r.diag_text, "neither a folder nor an archive"));
    vgh_result_free(&r);
    vgfix_rmtree(work);
    free(work);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_records_everywhere),
        cmocka_unit_test(test_user_layout),
        cmocka_unit_test(test_hostile_archive),
        cmocka_unit_test(test_folder_link_refused),
        cmocka_unit_test(test_not_a_dump),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
