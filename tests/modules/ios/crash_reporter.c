/*
 * CrashReporter: root's com.apple.CrashReporter.plist. HIGH when it turns
 * crash reporting off, nothing for the keys a clean phone has, LOW for other
 * keys or an unreadable file; the user's own HomeDomain copy is not read.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "harness.h"

#include <sys/time.h>

#define RELPATH "Library/Preferences/com.apple.CrashReporter.plist"

/* RootDomain's file holding p (and, to be ignored, the user's HomeDomain
 * copy with submission off), modified at 2021-07-18 10:00:00. */
static char *crash_backup(plist_t p, const char *raw)
{
    char *dir = vgfix_tmpdir("crashrep"), *data = NULL;
    struct vgfix_backup *b = vgfix_backup_new(dir);
    struct vgfix_meta m;
    plist_t home = vgfix_plist_dict("ShouldSubmit", plist_new_bool(0), NULL);
    size_t len = 0;

    assert_non_null(b);
    if (p) {
        assert_int_equal(vgfix_plist_to_mem(p, VGFIX_PLIST_BINARY, &data, &len), 0);
        plist_free(p);
        assert_int_equal(vgfix_backup_add_file(b, "RootDomain", RELPATH, data, len), 0);
        free(data);
    } else {
        assert_int_equal(vgfix_backup_add_file(b, "RootDomain", RELPATH, raw, strlen(raw)), 0);
    }
    assert_int_equal(vgfix_backup_get_meta(b, &m), 0);
    m.mtime = 1626602400;
    assert_int_equal(vgfix_backup_set_meta(b, &m), 0);
    assert_int_equal(vgfix_plist_to_mem(home, VGFIX_PLIST_BINARY, &data, &len), 0);
    plist_free(home);
    assert_int_equal(vgfix_backup_add_file(b, "HomeDomain", RELPATH, data, len), 0);
    free(data);
    assert_int_equal(vgfix_backup_finish(b), 0);
    vgfix_backup_free(b);
    return dir;
}

/* What a clean phone keeps in root's file. */
static plist_t usual(void)
{
    return vgfix_plist_dict("ExcResourceDiagInfo_akd", vgfix_plist_date(1600000000),
                            "NANDTaskScheduler_Priority", plist_new_uint(1), "defTS",
                            plist_new_uint(2), NULL);
}

static void test_disabled(void **state)
{
    plist_t p = usual();
    char *dir, id[41];
    struct vgh_result r;
    const json_t *rec, *a;
    (void)state;

    plist_dict_set_item(p, "AutoSubmit", plist_new_bool(0));
    plist_dict_set_item(p, "ThirdPartyDataSubmit", plist_new_bool(0));
    dir = crash_backup(p, NULL);
    vgh_run(dir, NULL, "crash_reporter", &r);
    assert_int_equal(r.rc, VG_OK);

    assert_int_equal(json_array_size(r.records), 1);
    rec = json_array_get(r.records, 0);
    vgfix_backup_file_id("RootDomain", RELPATH, id);
    assert_string_equal(vgh_str(rec, "file_id"), id);
    assert_string_equal(vgh_str(rec, "domain"), "RootDomain");
    assert_string_equal(vgh_str(rec, "relative_path"), RELPATH);
    assert_string_equal(vgh_str(rec, "modified"), "2021-07-18 10:00:00.000000");
    assert_true(json_is_false(json_object_get(json_object_get(rec, "plist"), "AutoSubmit")));
    assert_string_equal(vgh_str(json_object_get(rec, "plist"), "ExcResourceDiagInfo_akd"),
                        "2020-09-13 12:26:40.000000");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(rec, "plist"), "defTS")),
                     2);

    assert_int_equal(json_array_size(r.alerts), 1);
    a = vgh_find_alert(r.alerts, "HIGH",
                       "Found \"com.apple.CrashReporter.plist\" in RootDomain turning crash "
                       "reporting off (AutoSubmit, ThirdPartyDataSubmit set to false)");
    assert_non_null(a);
    assert_string_equal(vgh_str(a, "event_time"), "2021-07-18 10:00:00.000000");

    assert_non_null(strstr(r.timeline,
                           "\"2021-07-18 10:00:00.000000\",\"CrashReporter\","
                           "\"crash_reporter_modified\",\"" RELPATH " - RootDomain modified\""));
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

static void test_clean_phone(void **state)
{
    char *dir = crash_backup(usual(), NULL);
    struct vgh_result r;
    (void)state;

    vgh_run(dir, NULL, "crash_reporter", &r);
    assert_int_equal(json_array_size(r.records), 1);
    assert_int_equal(json_array_size(r.alerts), 0);
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

static void test_unexpected_keys(void **state)
{
    plist_t p = usual();
    char *dir;
    struct vgh_result r;
    (void)state;

    /* submission on is not "disabled", but is not what root's file holds */
    plist_dict_set_item(p, "AutoSubmit", plist_new_bool(1));
    plist_dict_set_item(p, "Zzz", plist_new_string("x"));
    dir = crash_backup(p, NULL);
    vgh_run(dir, NULL, "crash_reporter", &r);
    assert_int_equal(json_array_size(r.alerts), 1);
    assert_non_null(vgh_find_alert(r.alerts, "LOW",
                                   "Found \"com.apple.CrashReporter.plist\" in RootDomain with "
                                   "unexpected keys: AutoSubmit, Zzz"));
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

static void test_not_a_plist(void **state)
{
    char *dir = crash_backup(NULL, "<plist><dict><key>AutoSubmit</key>");
    struct vgh_result r;
    (void)state;

    vgh_run(dir, NULL, "crash_reporter", &r);
    assert_int_equal(r.rc, VG_OK);
    assert_int_equal(json_array_size(r.records), 1);
    assert_true(json_is_null(json_object_get(json_array_get(r.records, 0), "plist")));
    assert_true(r.warnings >= 1);
    assert_non_null(strstr(r.diag_text, "com.apple.CrashReporter.plist"));
    assert_non_null(vgh_find_alert(r.alerts, "LOW", "could not be read"));
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

static void test_check_on_records_alone(void **state)
{
    json_t *recs, *alerts;
    (void)state;

    recs =
        json_loads("[{\"file_id\": \"x\", \"domain\": \"RootDomain\", \"relative_path\": \"" RELPATH
                   "\", \"modified\": \"\", \"plist\": {\"ShouldSubmit\": false, \"defTS\": 1}},"
                   "{\"file_id\": \"y\", \"domain\": \"HomeDomain\", \"relative_path\": \"" RELPATH
                   "\", \"modified\": \"\", \"plist\": {\"ShouldSubmit\": false}},"
                   "{\"file_id\": \"z\", \"domain\": \"RootDomain\", \"relative_path\": \"" RELPATH
                   "\", \"modified\": \"\", \"plist\": {\"SysdiagnoseProcessingEnabled\": 0}}]",
                   0, NULL);
    assert_non_null(recs);
    alerts = vgh_check_records("crash_reporter", recs, NULL);
    assert_int_equal(json_array_size(alerts), 2);
    assert_non_null(vgh_find_alert(alerts, "HIGH", "(ShouldSubmit set to false)"));
    assert_non_null(vgh_find_alert(alerts, "HIGH", "(SysdiagnoseProcessingEnabled set to false)"));
    json_decref(alerts);
    json_decref(recs);
}

/* A filesystem dump: root's file at its place on the device, its time the
 * file's own; no domain, no file id. */
static void test_filesystem_dump(void **state)
{
    char *root = vgfix_tmpdir("crashrep-fs"), *dir, *path, *data = NULL;
    plist_t p = usual();
    struct timeval tv[2] = {{1626602400, 0}, {1626602400, 0}};
    struct vgh_result r;
    const json_t *rec;
    size_t len = 0;
    (void)state;

    dir = vgh_path_join(root, "private/var/root/Library/Preferences");
    path = vgh_path_join(dir, "com.apple.CrashReporter.plist");
    plist_dict_set_item(p, "ShouldSubmit", plist_new_bool(0));
    assert_int_equal(vgfix_plist_to_mem(p, VGFIX_PLIST_BINARY, &data, &len), 0);
    plist_free(p);
    assert_int_equal(vgfix_mkdirs(dir), 0);
    assert_int_equal(vgfix_write_file(path, data, len), 0);
    assert_int_equal(utimes(path, tv), 0);
    vgh_run_fs(root, NULL, "crash_reporter", &r);
    assert_int_equal(json_array_size(r.records), 1);
    rec = json_array_get(r.records, 0);
    assert_true(json_is_null(json_object_get(rec, "file_id")));
    assert_string_equal(vgh_str(rec, "domain"), "");
    assert_string_equal(vgh_str(rec, "relative_path"), "private/var/root/" RELPATH);
    assert_string_equal(vgh_str(rec, "modified"), "2021-07-18 10:00:00.000000");
    assert_non_null(vgh_find_alert(r.alerts, "HIGH", "(ShouldSubmit set to false)"));
    vgh_result_free(&r);
    vgh_cleanup(root);
    free(dir);
    free(path);
    free(data);
}

static void test_mvt_test_backup(void **state)
{
    (void)state;
    vgh_mvt_backup_empty("crash_reporter");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_disabled),
        cmocka_unit_test(test_clean_phone),
        cmocka_unit_test(test_unexpected_keys),
        cmocka_unit_test(test_not_a_plist),
        cmocka_unit_test(test_check_on_records_alone),
        cmocka_unit_test(test_filesystem_dump),
        cmocka_unit_test(test_mvt_test_backup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
