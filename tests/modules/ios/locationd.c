/*
 * LocationdClients: clients.plist entries as MVT's records (Cocoa times
 * converted, data base64), process indicators on client names and bundle
 * ids, file path indicators on executables, and files that are not a
 * dictionary of clients.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "harness.h"

#define RELPATH "Library/Caches/locationd/clients.plist"
#define STAGED  "/private/var/db/com.apple.xpc.roleaccountd.staging/rolexd"

static const char *const iocs[] = {
    "[process:name='evild']",
    "[file:path='" STAGED "']",
    NULL,
};

static char *clients_backup(void)
{
    plist_t maps = vgfix_plist_dict(
        "Authorization", plist_new_uint(2), "BundleId", plist_new_string("com.apple.evild"),
        "Executable", plist_new_string("/private/var/db/other/rolexd"), "Registered",
        plist_new_bool(1), "ConsumptionPeriodBegin", plist_new_real(0.0), "LocationTimeStopped",
        plist_new_real(600000000.0), "SignificantTimeStopped", plist_new_real(610000000.5),
        "ClientStorageToken", plist_new_data("\x01\x02\x03", 3), NULL);
    plist_t evil = vgfix_plist_dict("Executable", plist_new_string("/usr/libexec/evild"),
                                    "LocationTimeStopped", plist_new_real(600000100.0), NULL);
    plist_t staged = vgfix_plist_dict("BundleId", plist_new_string("com.example.app"), "Executable",
                                      plist_new_string(STAGED), NULL);
    plist_t root =
        vgfix_plist_dict("com.apple.Maps:", maps, "/usr/libexec/evild:", evil,
                         "com.example.app:", staged, "MigrationVersion", plist_new_uint(3), NULL);
    return vgh_backup_plist("RootDomain", RELPATH, root, VGFIX_PLIST_BINARY);
}

static void test_records(void **state)
{
    char *dir = clients_backup();
    struct vgh_result r;
    const json_t *rec;
    (void)state;

    vgh_run(dir, NULL, "locationd_clients", &r);
    assert_int_equal(r.rc, VG_OK);
    assert_int_equal(json_array_size(r.records), 3);
    rec = json_array_get(r.records, 0);
    assert_string_equal(vgh_str(rec, "package"), "com.apple.Maps");
    assert_int_equal(json_integer_value(json_object_get(rec, "Authorization")), 2);
    assert_string_equal(vgh_str(rec, "BundleId"), "com.apple.evild");
    assert_true(json_is_true(json_object_get(rec, "Registered")));
    assert_string_equal(vgh_str(rec, "ConsumptionPeriodBegin"), "");
    assert_string_equal(vgh_str(rec, "LocationTimeStopped"), "2020-01-06 10:40:00.000000");
    assert_string_equal(vgh_str(rec, "SignificantTimeStopped"), "2020-05-01 04:26:40.500000");
    assert_string_equal(vgh_str(rec, "ClientStorageToken"), "AQID");
    assert_int_equal(json_object_size(rec), 9);
    rec = json_array_get(r.records, 1);
    assert_string_equal(vgh_str(rec, "package"), "/usr/libexec/evild");
    assert_string_equal(vgh_str(rec, "LocationTimeStopped"), "2020-01-06 10:41:40.000000");
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

static void assert_alerts(const json_t *alerts)
{
    const json_t *a;

    assert_int_equal(json_array_size(alerts), 2);
    a = vgh_find_alert(alerts, "HIGH",
                       "Found a suspicious process name in LocationD entry /usr/libexec/evild");
    assert_non_null(a);
    assert_string_equal(vgh_str(json_object_get(a, "matched_indicator"), "value"), "evild");
    a = vgh_find_alert(alerts, "HIGH", "Found a suspicious file path in LocationD entry " STAGED);
    assert_non_null(a);
    assert_string_equal(vgh_str(json_object_get(a, "event"), "package"), "com.example.app");
    /* near misses: the name inside a bundle id, a staged name in another folder */
    assert_null(vgh_find_alert(alerts, "HIGH", "com.apple.Maps"));
}

static void test_alerts(void **state)
{
    char *dir = clients_backup(), *bundle = vgh_bundle(iocs);
    struct vgh_result r;
    (void)state;

    vgh_run(dir, bundle, "locationd_clients", &r);
    assert_alerts(r.alerts);
    vgh_result_free(&r);
    vgh_cleanup(dir);
    free(bundle);
}

static void test_timeline(void **state)
{
    char *dir = clients_backup();
    struct vgh_result r;
    (void)state;

    vgh_run(dir, NULL, "locationd_clients", &r);
    assert_non_null(strstr(r.timeline, "\"2020-01-06 10:40:00.000000\",\"LocationdClients\","
                                       "\"LocationTimeStopped\",\"LocationTimeStopped from "
                                       "com.apple.Maps\""));
    assert_non_null(strstr(r.timeline, "\"2020-05-01 04:26:40.500000\",\"LocationdClients\","
                                       "\"SignificantTimeStopped\",\"SignificantTimeStopped from "
                                       "com.apple.Maps\""));
    assert_non_null(strstr(r.timeline, "\"ConsumptionPeriodBegin\",\"ConsumptionPeriodBegin from "
                                       "com.apple.Maps\""));
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

static void test_hostile(void **state)
{
    char *dir = vgh_backup_bytes("RootDomain", RELPATH, "<?xml version=\"1.0\"?><plist>", 28);
    struct vgh_result r;
    (void)state;

    vgh_run_unreadable(dir, NULL, "locationd_clients", "clients.plist", &r);
    vgh_result_free(&r);
    vgh_cleanup(dir);

    dir = vgh_backup_plist("RootDomain", RELPATH, vgfix_plist_array(plist_new_string("x"), NULL),
                           VGFIX_PLIST_XML);
    vgh_run_unreadable(dir, NULL, "locationd_clients", NULL, &r);
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

static void test_check_on_records_alone(void **state)
{
    char *dir = clients_backup(), *bundle = vgh_bundle(iocs);
    struct vgh_result r;
    json_t *alerts, *mvt;
    (void)state;

    vgh_run(dir, NULL, "locationd_clients", &r);
    alerts = vgh_check_records("locationd_clients", r.records, bundle);
    assert_alerts(alerts);
    json_decref(alerts);

    /* MVT's shape: a Registered path */
    mvt = json_loads("[{\"Registered\": \"" STAGED "\", \"package\": \"com.x\"}]", 0, NULL);
    alerts = vgh_check_records("locationd_clients", mvt, bundle);
    assert_non_null(
        vgh_find_alert(alerts, "HIGH", "Found a suspicious file path in LocationD entry " STAGED));
    json_decref(alerts);
    json_decref(mvt);
    vgh_result_free(&r);
    vgh_cleanup(dir);
    free(bundle);
}

/* A filesystem dump holds root's copy and may hold mobile's: both read,
 * root's first. */
static void write_clients(const char *root, const char *home, plist_t p)
{
    char *dir = vgh_path_join(root, home), *cache = vgh_path_join(dir, "Library/Caches/locationd");
    char *path = vgh_path_join(cache, "clients.plist"), *data = NULL;
    size_t len = 0;

    assert_int_equal(vgfix_plist_to_mem(p, VGFIX_PLIST_BINARY, &data, &len), 0);
    plist_free(p);
    assert_int_equal(vgfix_mkdirs(cache), 0);
    assert_int_equal(vgfix_write_file(path, data, len), 0);
    free(data);
    free(path);
    free(cache);
    free(dir);
}

static void test_filesystem_dump(void **state)
{
    char *root = vgfix_tmpdir("locationd-fs"), *bundle = vgh_bundle(iocs);
    struct vgh_result r;
    (void)state;

    write_clients(
        root, "private/var/mobile",
        vgfix_plist_dict("com.apple.Maps:",
                         vgfix_plist_dict("BundleId", plist_new_string("com.apple.Maps"), NULL),
                         NULL));
    write_clients(
        root, "private/var/root",
        vgfix_plist_dict("/usr/libexec/evild:",
                         vgfix_plist_dict("LocationTimeStopped", plist_new_real(600000100.0), NULL),
                         NULL));
    vgh_run_fs(root, bundle, "locationd_clients", &r);
    assert_int_equal(json_array_size(r.records), 2);
    assert_string_equal(vgh_str(json_array_get(r.records, 0), "package"), "/usr/libexec/evild");
    assert_string_equal(vgh_str(json_array_get(r.records, 1), "package"), "com.apple.Maps");
    assert_int_equal(json_array_size(r.alerts), 1);
    assert_non_null(vgh_find_alert(r.alerts, "HIGH",
                                   "process name in LocationD entry "
                                   "/usr/libexec/evild"));
    vgh_result_free(&r);
    vgh_cleanup(root);
    free(bundle);
}

static void test_mvt_test_backup(void **state)
{
    (void)state;
    vgh_mvt_backup_empty("locationd_clients");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_records),
        cmocka_unit_test(test_alerts),
        cmocka_unit_test(test_timeline),
        cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_check_on_records_alone),
        cmocka_unit_test(test_filesystem_dump),
        cmocka_unit_test(test_mvt_test_backup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
