/*
 * Applications: Info.plist's per-app App Store metadata and Manifest.plist's
 * containers as MVT's records, app id and process indicators, MVT's
 * heuristics (no bundle id, not from the App Store or MDM), and unreadable
 * metadata.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "harness.h"

static const char *const iocs[] = {
    "[app:id='com.evil.app']",
    "[app:id='com.spy.hidden']",
    NULL,
};

static plist_t metadata(const char *bundle, const char *source, const char *purchased)
{
    plist_t md = vgfix_plist_dict("itemName", plist_new_string("Some App"), "artistName",
                                  plist_new_string("Some Inc"), "bundleShortVersionString",
                                  plist_new_string("1.0"), NULL);
    assert_non_null(md);
    if (bundle)
        plist_dict_set_item(md, "softwareVersionBundleId", plist_new_string(bundle));
    if (source)
        plist_dict_set_item(md, "sourceApp", plist_new_string(source));
    if (purchased)
        plist_dict_set_item(
            md, "com.apple.iTunesStore.downloadInfo",
            vgfix_plist_dict("purchaseDate", plist_new_string(purchased), "accountInfo",
                             vgfix_plist_dict("DSPersonID", plist_new_uint(7), NULL), NULL));
    return md;
}

/* An Info.plist "Applications" entry: the metadata as a binary plist. */
static plist_t info_app(plist_t md, int icon)
{
    char *data = NULL;
    size_t len = 0;
    plist_t app;

    assert_int_equal(vgfix_plist_to_mem(md, VGFIX_PLIST_BINARY, &data, &len), 0);
    plist_free(md);
    app = vgfix_plist_dict("iTunesMetadata", plist_new_data(data, len), "ApplicationSINF",
                           plist_new_data("sinf", 4), NULL);
    free(data);
    if (icon)
        plist_dict_set_item(app, "PlaceholderIcon", plist_new_data("\x89PNG\r\n", 6));
    return app;
}

static char *apps_backup(void)
{
    char *dir = vgfix_tmpdir("apps");
    struct vgfix_backup *b = vgfix_backup_new(dir);
    plist_t apps;
    static const char *const ids[] = {
        "com.evil.app",    "com.example.sideload", "com.example.noid", "com.evil.apps",
        "com.example.bad", "com.spy.hidden",       "com.example.plain"};
    size_t i;

    assert_non_null(b);
    apps = vgfix_plist_dict(
        "com.evil.app",
        info_app(metadata("com.evil.app", "com.apple.AppStore", "2021-07-18T10:00:00Z"), 1),
        "com.example.sideload",
        info_app(metadata("com.example.sideload", "com.example.installer", "2020-09-13T12:26:40Z"),
                 0),
        "com.example.noid", info_app(metadata(NULL, NULL, NULL), 0), "com.evil.apps",
        info_app(metadata("com.evil.apps", "com.apple.AppStore.ProductPageExtension",
                          "2020-02-30T00:00:00Z"),
                 0),
        "com.example.bad",
        vgfix_plist_dict("iTunesMetadata", plist_new_data("not a plist at all", 18), NULL), NULL);
    assert_non_null(apps);
    assert_int_equal(vgfix_backup_set_item(b, VGFIX_INFO, "Applications", apps), 0);
    for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
        assert_int_equal(vgfix_backup_add_app(b, ids[i]), 0);
    assert_int_equal(vgfix_backup_finish(b), 0);
    vgfix_backup_free(b);
    return dir;
}

static void test_records(void **state)
{
    char *dir = apps_backup();
    struct vgh_result r;
    const json_t *rec, *man;
    (void)state;

    vgh_run(dir, NULL, "applications", &r);
    assert_int_equal(r.rc, VG_OK);
    /* five from Info.plist (its order), then Manifest.plist's others */
    assert_int_equal(json_array_size(r.records), 7);
    rec = json_array_get(r.records, 0);
    assert_string_equal(vgh_str(rec, "name"), "com.evil.app");
    assert_string_equal(vgh_str(rec, "softwareVersionBundleId"), "com.evil.app");
    assert_string_equal(vgh_str(rec, "itemName"), "Some App");
    assert_string_equal(vgh_str(rec, "sourceApp"), "com.apple.AppStore");
    assert_string_equal(
        vgh_str(json_object_get(rec, "com.apple.iTunesStore.downloadInfo"), "purchaseDate"),
        "2021-07-18T10:00:00Z");
    assert_string_equal(vgh_str(rec, "isodate"), "2021-07-18 10:00:00.000000");
    assert_string_equal(vgh_str(rec, "icon_sha256"),
                        "823ceb99fcef5252333ede1b2202341c3b287b6d47571963e6b0ddf393a24f82");
    man = json_object_get(rec, "manifest_entry");
    assert_string_equal(vgh_str(man, "CFBundleIdentifier"), "com.evil.app");
    assert_string_equal(vgh_str(man, "ContainerContentClass"), "Data/Application");
    assert_null(json_object_get(rec, "source"));

    /* an impossible purchase date gives no isodate */
    rec = vgh_find_record(r.records, "name", "com.evil.apps");
    assert_null(json_object_get(rec, "isodate"));
    /* unreadable metadata: the app is still listed, with a warning */
    rec = vgh_find_record(r.records, "name", "com.example.bad");
    assert_non_null(rec);
    assert_null(json_object_get(rec, "softwareVersionBundleId"));
    assert_non_null(strstr(r.diag_text, "com.example.bad"));
    /* only in Manifest.plist */
    rec = json_array_get(r.records, 5);
    assert_string_equal(vgh_str(rec, "name"), "com.spy.hidden");
    assert_string_equal(vgh_str(rec, "source"), "Manifest.plist");
    assert_string_equal(vgh_str(json_object_get(rec, "manifest_entry"), "CFBundleIdentifier"),
                        "com.spy.hidden");
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

static void assert_alerts(const json_t *alerts)
{
    const json_t *a;

    assert_int_equal(vgh_count_level(alerts, "CRITICAL"), 2);
    assert_int_equal(vgh_count_level(alerts, "MEDIUM"), 3);
    assert_int_equal(json_array_size(alerts), 5);
    a = vgh_find_alert(alerts, "CRITICAL", "Malicious application com.evil.app identified");
    assert_non_null(a);
    assert_string_equal(vgh_str(json_object_get(a, "matched_indicator"), "value"), "com.evil.app");
    assert_string_equal(vgh_str(a, "event_time"), "2021-07-18 10:00:00.000000");
    assert_non_null(
        vgh_find_alert(alerts, "CRITICAL", "Malicious application com.spy.hidden identified"));
    assert_non_null(vgh_find_alert(alerts, "MEDIUM",
                                   "Suspicious app not installed from the App Store or MDM: "
                                   "com.example.sideload"));
    /* com.example.noid and com.example.bad */
    a = vgh_find_alert(alerts, "MEDIUM",
                       "Suspicious application identified without softwareVersionBundleId");
    assert_non_null(a);
    /* near miss: com.evil.apps, from the App Store's product page */
    assert_null(vgh_find_alert(alerts, "CRITICAL", "com.evil.apps"));
    assert_null(vgh_find_alert(alerts, "MEDIUM", "com.evil.apps"));
}

static void test_alerts(void **state)
{
    char *dir = apps_backup(), *bundle = vgh_bundle(iocs);
    struct vgh_result r;
    (void)state;

    vgh_run(dir, bundle, "applications", &r);
    assert_alerts(r.alerts);
    vgh_result_free(&r);
    vgh_cleanup(dir);
    free(bundle);
}

static void test_timeline(void **state)
{
    char *dir = apps_backup();
    struct vgh_result r;
    (void)state;

    vgh_run(dir, NULL, "applications", &r);
    assert_non_null(strstr(r.timeline, "\"2021-07-18 10:00:00.000000\",\"Applications\","
                                       "\"app_installed\",\"App com.evil.app version 1.0 from "
                                       "Some Inc installed from com.apple.AppStore\""));
    assert_non_null(strstr(r.timeline, "\"2020-09-13 12:26:40.000000\",\"Applications\","
                                       "\"app_installed\",\"App com.example.sideload version 1.0 "
                                       "from Some Inc installed from com.example.installer\""));
    assert_null(strstr(r.timeline, "com.spy.hidden"));
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

static void test_no_applications(void **state)
{
    char *dir = vgfix_tmpdir("apps-none");
    struct vgfix_backup *b = vgfix_backup_new(dir);
    struct vgh_result r;
    (void)state;

    assert_non_null(b);
    /* Applications of the wrong type in both plists */
    assert_int_equal(vgfix_backup_set_item(b, VGFIX_INFO, "Applications", plist_new_string("x")),
                     0);
    assert_int_equal(vgfix_backup_set_item(b, VGFIX_MANIFEST, "Applications", plist_new_uint(3)),
                     0);
    assert_int_equal(vgfix_backup_finish(b), 0);
    vgfix_backup_free(b);
    vgh_run(dir, NULL, "applications", &r);
    assert_int_equal(r.rc, VG_OK);
    assert_int_equal(json_array_size(r.records), 0);
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

static void test_check_on_records_alone(void **state)
{
    char *dir = apps_backup(), *bundle = vgh_bundle(iocs);
    struct vgh_result r;
    json_t *alerts, *mvt;
    (void)state;

    vgh_run(dir, NULL, "applications", &r);
    alerts = vgh_check_records("applications", r.records, bundle);
    assert_alerts(alerts);
    json_decref(alerts);

    /* MVT's shape: name plus the metadata keys */
    mvt = json_loads("[{\"name\": \"com.evil.app\", \"softwareVersionBundleId\": \"com.evil.app\", "
                     "\"sourceApp\": \"com.apple.AppStore\", \"isodate\": \"2021-07-18 "
                     "10:00:00.000000\"}, {\"name\": \"x\", \"softwareVersionBundleId\": \"x\", "
                     "\"sourceApp\": \"dmd\"}]",
                     0, NULL);
    alerts = vgh_check_records("applications", mvt, bundle);
    assert_int_equal(json_array_size(alerts), 1);
    assert_int_equal(vgh_count_level(alerts, "CRITICAL"), 1);
    json_decref(alerts);
    json_decref(mvt);
    vgh_result_free(&r);
    vgh_cleanup(dir);
    free(bundle);
}

/* A filesystem dump: one iTunesMetadata.plist per app container, the app
 * named by its bundle id (else by its container), the same checks. */
static void write_metadata(const char *root, const char *uuid, plist_t md, const char *raw)
{
    char *dir = vgh_path_join(root, "private/var/containers/Bundle/Application"), *app, *path;
    char *data = NULL;
    size_t len = 0;

    app = vgh_path_join(dir, uuid);
    path = vgh_path_join(app, "iTunesMetadata.plist");
    assert_int_equal(vgfix_mkdirs(app), 0);
    if (md) {
        assert_int_equal(vgfix_plist_to_mem(md, VGFIX_PLIST_BINARY, &data, &len), 0);
        plist_free(md);
        assert_int_equal(vgfix_write_file(path, data, len), 0);
        free(data);
    } else {
        assert_int_equal(vgfix_write_file(path, raw, strlen(raw)), 0);
    }
    free(path);
    free(app);
    free(dir);
}

static void test_filesystem_dump(void **state)
{
    char *root = vgfix_tmpdir("apps-fs"), *bundle = vgh_bundle(iocs);
    struct vgh_result r;
    const json_t *rec;
    (void)state;

    write_metadata(root, "0A1B",
                   metadata("com.evil.app", "com.example.installer", "2021-07-18T10:00:00Z"), NULL);
    write_metadata(root, "2C3D", metadata(NULL, NULL, NULL), NULL);
    write_metadata(root, "4E5F", NULL, "not a plist");
    vgh_run_fs(root, bundle, "applications", &r);
    assert_int_equal(json_array_size(r.records), 2);
    rec = json_array_get(r.records, 0);
    assert_string_equal(vgh_str(rec, "name"), "com.evil.app");
    assert_string_equal(vgh_str(rec, "sourceApp"), "com.example.installer");
    assert_string_equal(vgh_str(rec, "isodate"), "2021-07-18 10:00:00.000000");
    assert_string_equal(vgh_str(json_array_get(r.records, 1), "name"), "2C3D");
    assert_int_equal(json_array_size(r.alerts), 2);
    assert_non_null(vgh_find_alert(r.alerts, "CRITICAL", "Malicious application com.evil.app"));
    assert_non_null(vgh_find_alert(r.alerts, "MEDIUM", "without softwareVersionBundleId"));
    assert_non_null(strstr(r.timeline, "\"App com.evil.app version 1.0 from Some Inc installed "
                                       "from com.example.installer\""));
    assert_non_null(strstr(r.diag_text, "4E5F/iTunesMetadata.plist is not a valid property list"));
    vgh_result_free(&r);
    vgh_cleanup(root);
    free(bundle);
}

static void test_mvt_test_backup(void **state)
{
    (void)state;
    vgh_mvt_backup_empty("applications");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_records),
        cmocka_unit_test(test_alerts),
        cmocka_unit_test(test_timeline),
        cmocka_unit_test(test_no_applications),
        cmocka_unit_test(test_check_on_records_alone),
        cmocka_unit_test(test_filesystem_dump),
        cmocka_unit_test(test_mvt_test_backup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
