/*
 * OSAnalyticsADDaily: netUsageBaseline entries as MVT's records, process
 * indicators on their names, short and hostile entries.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "harness.h"

#define RELPATH "Library/Preferences/com.apple.osanalytics.addaily.plist"
#define MODULE  "os_analytics_ad_daily"

static const char *const iocs[] = {
    "[process:name='bh']",
    NULL,
};

static plist_t usage(int64_t when, double a, double b, double c, double d)
{
    return vgfix_plist_array(vgfix_plist_date(when), plist_new_uint((uint64_t)a),
                             plist_new_uint((uint64_t)b), plist_new_uint((uint64_t)c),
                             plist_new_real(d), NULL);
}

static char *addaily_backup(void)
{
    plist_t base = vgfix_plist_dict(
        "com.apple.WebKit.Networking", usage(1626602400, 1000, 2000, 0, 5.0), "bh",
        usage(1600000000, 10, 20, 30, 40.5), "com.apple.bh", usage(1600000000, 1, 1, 1, 1), "short",
        vgfix_plist_array(vgfix_plist_date(1500000000), NULL), "odd",
        plist_new_string("not a list"), NULL);
    return vgh_backup_plist(
        "HomeDomain", RELPATH,
        vgfix_plist_dict("netUsageBaseline", base, "version", plist_new_uint(1), NULL),
        VGFIX_PLIST_BINARY);
}

static void test_records(void **state)
{
    char *dir = addaily_backup();
    struct vgh_result r;
    const json_t *rec;
    (void)state;

    vgh_run(dir, NULL, MODULE, &r);
    assert_int_equal(r.rc, VG_OK);
    assert_int_equal(json_array_size(r.records), 4);
    rec = json_array_get(r.records, 0);
    assert_string_equal(vgh_str(rec, "package"), "com.apple.WebKit.Networking");
    assert_string_equal(vgh_str(rec, "ts"), "2021-07-18 10:00:00.000000");
    assert_int_equal(json_integer_value(json_object_get(rec, "wifi_in")), 1000);
    assert_int_equal(json_integer_value(json_object_get(rec, "wifi_out")), 2000);
    assert_int_equal(json_integer_value(json_object_get(rec, "wwan_in")), 0);
    assert_true(json_real_value(json_object_get(rec, "wwan_out")) == 5.0);
    assert_int_equal(json_object_size(rec), 6);
    rec = json_array_get(r.records, 3);
    assert_string_equal(vgh_str(rec, "package"), "short");
    assert_string_equal(vgh_str(rec, "ts"), "2017-07-14 02:40:00.000000");
    assert_true(json_is_null(json_object_get(rec, "wifi_in")));
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

static void assert_alerts(const json_t *alerts)
{
    const json_t *a;

    assert_int_equal(json_array_size(alerts), 1);
    a = vgh_find_alert(alerts, "CRITICAL",
                       "Found a known suspicious process name \"bh\" matching indicators from "
                       "\"TestMalware\"");
    assert_non_null(a);
    assert_string_equal(vgh_str(json_object_get(a, "matched_indicator"), "value"), "bh");
    assert_string_equal(vgh_str(a, "event_time"), "2020-09-13 12:26:40.000000");
}

static void test_alerts(void **state)
{
    char *dir = addaily_backup(), *bundle = vgh_bundle(iocs);
    struct vgh_result r;
    (void)state;

    vgh_run(dir, bundle, MODULE, &r);
    assert_alerts(r.alerts); /* and not com.apple.bh */
    vgh_result_free(&r);
    vgh_cleanup(dir);
    free(bundle);
}

static void test_timeline(void **state)
{
    char *dir = addaily_backup();
    struct vgh_result r;
    (void)state;

    vgh_run(dir, NULL, MODULE, &r);
    assert_non_null(strstr(r.timeline, "\"2020-09-13 12:26:40.000000\",\"OSAnalyticsADDaily\","
                                       "\"osanalytics_addaily\",\"bh WIFI IN: 10, WIFI OUT: 20 - "
                                       "WWAN IN: 30, WWAN OUT: 40.5\""));
    assert_non_null(strstr(r.timeline, "\"com.apple.WebKit.Networking WIFI IN: 1000, WIFI OUT: "
                                       "2000 - WWAN IN: 0, WWAN OUT: 5.0\""));
    assert_non_null(strstr(r.timeline, "\"short WIFI IN: None, WIFI OUT: None - WWAN IN: None, "
                                       "WWAN OUT: None\""));
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

static void test_hostile(void **state)
{
    char *dir = vgh_backup_bytes("HomeDomain", RELPATH, "bplist00", 8);
    struct vgh_result r;
    (void)state;

    vgh_run(dir, NULL, MODULE, &r);
    assert_int_equal(r.rc, VG_OK);
    assert_int_equal(json_array_size(r.records), 0);
    assert_true(r.warnings >= 1);
    assert_non_null(strstr(r.diag_text, "com.apple.osanalytics.addaily.plist"));
    vgh_result_free(&r);
    vgh_cleanup(dir);

    dir = vgh_backup_plist("HomeDomain", RELPATH,
                           vgfix_plist_dict("netUsageBaseline", plist_new_uint(1), NULL),
                           VGFIX_PLIST_XML);
    vgh_run(dir, NULL, MODULE, &r);
    assert_int_equal(r.rc, VG_OK);
    assert_int_equal(json_array_size(r.records), 0);
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

static void test_check_on_records_alone(void **state)
{
    char *dir = addaily_backup(), *bundle = vgh_bundle(iocs);
    struct vgh_result r;
    json_t *alerts;
    (void)state;

    vgh_run(dir, NULL, MODULE, &r);
    alerts = vgh_check_records(MODULE, r.records, bundle);
    assert_alerts(alerts);
    json_decref(alerts);
    vgh_result_free(&r);
    vgh_cleanup(dir);
    free(bundle);
}

static void test_mvt_test_backup(void **state)
{
    (void)state;
    vgh_mvt_backup_empty(MODULE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_records),
        cmocka_unit_test(test_alerts),
        cmocka_unit_test(test_timeline),
        cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_check_on_records_alone),
        cmocka_unit_test(test_mvt_test_backup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
