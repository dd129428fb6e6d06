/*
 * Tests for src/lib/formats/android/dumpsys_checks.c: the helpers for the
 * checks MVT 2026.7.29's dumpsys modules make, and conformance with the
 * alert MVT wrote for the sample bugreport.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "dumpsys_test.h"

struct alerts {
    json_t *list; /* [{message, event_time, event}] */
};

static int on_alert(void *ud, const char *message, const char *event_time, const json_t *event)
{
    struct alerts *a = ud;
    json_t *o = json_pack("{s:s, s:s, s:O}", "message", message, "event_time", event_time, "event",
                          (json_t *)event);

    assert_non_null(o);
    assert_int_equal(json_array_append_new(a->list, o), 0);
    return VG_OK;
}

static json_t *appops_alerts(const char *record_json)
{
    struct alerts a = {json_array()};
    json_t *rec = json_loads(record_json, 0, NULL);

    assert_non_null(rec);
    assert_int_equal(vg_dumpsys_appops_alerts(rec, on_alert, &a), VG_OK);
    json_decref(rec);
    return a.list;
}

static void expect_alerts(json_t *got, const char *want_json)
{
    json_t *want = json_loads(want_json, 0, NULL);

    assert_non_null(want);
    dt_expect_json(got, want);
    json_decref(want);
    json_decref(got);
}

/* REQUEST_INSTALL_PACKAGES: one alert per entry in time order, or one
 * "Unknown" alert with no time; the event keeps only that permission. */
static void test_appops_risky_permission(void **state)
{
    (void)state;
    expect_alerts(
        appops_alerts("{\"package_name\":\"p\",\"permissions\":[{\"name\":\"WAKE_LOCK\","
                      "\"entries\":[],\"access\":\"allow\"},{\"name\":\"REQUEST_INSTALL_PACKAGES\","
                      "\"entries\":[{\"access\":\"Reject\",\"type\":\"bg\",\"timestamp\":\"2022-02-"
                      "01 00:00:00.000000\"},{\"access\":\"Access\",\"type\":\"fg\",\"timestamp\":"
                      "\"2021-01-01 00:00:00.000000\"}],\"access\":\"allow\"}],\"uid\":\"u0a1\"}"),
        "[{\"message\":\"Package 'p' had risky permission 'REQUEST_INSTALL_PACKAGES' set to "
        "'Access' at 2021-01-01 00:00:00.000000\",\"event_time\":\"2021-01-01 00:00:00.000000\","
        "\"event\":{\"package_name\":\"p\",\"permissions\":[{\"name\":\"REQUEST_INSTALL_PACKAGES\","
        "\"entries\":[{\"access\":\"Reject\",\"type\":\"bg\",\"timestamp\":\"2022-02-01 "
        "00:00:00.000000\"},{\"access\":\"Access\",\"type\":\"fg\",\"timestamp\":\"2021-01-01 "
        "00:00:00.000000\"}],\"access\":\"allow\"}],\"uid\":\"u0a1\"}},"
        "{\"message\":\"Package 'p' had risky permission 'REQUEST_INSTALL_PACKAGES' set to "
        "'Reject' at 2022-02-01 00:00:00.000000\",\"event_time\":\"2022-02-01 00:00:00.000000\","
        "\"event\":{\"package_name\":\"p\",\"permissions\":[{\"name\":\"REQUEST_INSTALL_PACKAGES\","
        "\"entries\":[{\"access\":\"Reject\",\"type\":\"bg\",\"timestamp\":\"2022-02-01 "
        "00:00:00.000000\"},{\"access\":\"Access\",\"type\":\"fg\",\"timestamp\":\"2021-01-01 "
        "00:00:00.000000\"}],\"access\":\"allow\"}],\"uid\":\"u0a1\"}}]");
}

/* com.android.shell: every permission; other packages, other
 * permissions: nothing. */
static void test_appops_risky_package(void **state)
{
    (void)state;
    expect_alerts(
        appops_alerts("{\"package_name\":\"com.android.shell\",\"permissions\":[{\"name\":"
                      "\"X\",\"entries\":[]}],\"uid\":\"2000\"}"),
        "[{\"message\":\"Risky package 'com.android.shell' had 'X' permission set to "
        "'Unknown' at \",\"event_time\":\"\",\"event\":{\"package_name\":"
        "\"com.android.shell\",\"permissions\":[{\"name\":\"X\",\"entries\":[]}],"
        "\"uid\":\"2000\"}}]");
    expect_alerts(appops_alerts("{\"package_name\":\"a\",\"permissions\":[{\"name\":\"X\","
                                "\"entries\":[]}],\"uid\":\"0\"}"),
                  "[]");
}

static void test_battery_daily_alert(void **state)
{
    char msg[256];
    json_t *rec;
    (void)state;

    rec = json_loads("{\"action\":\"update\",\"from\":\"2022-08-16\",\"to\":\"2022-08-17\","
                     "\"package_name\":\"com.example.removed\",\"vers\":\"0\"}",
                     0, NULL);
    assert_int_equal(vg_dumpsys_battery_daily_alert(rec, msg, sizeof(msg)), 1);
    assert_string_equal(msg, "Detected uninstall of package com.example.removed (vers 0)");
    json_decref(rec);
    rec = json_loads("{\"action\":\"downgrade\",\"from\":\"2022-08-17\",\"to\":\"2022-08-18\","
                     "\"package_name\":\"com.example.app\",\"vers\":\"0009\",\"previous_vers\":"
                     "\"10\"}",
                     0, NULL);
    assert_int_equal(vg_dumpsys_battery_daily_alert(rec, msg, sizeof(msg)), 1);
    assert_string_equal(msg,
                        "Detected downgrade of package com.example.app from vers 10 to vers 9");
    json_decref(rec);
    rec = json_loads("{\"action\":\"update\",\"package_name\":\"a\",\"vers\":\"00\"}", 0, NULL);
    assert_int_equal(vg_dumpsys_battery_daily_alert(rec, msg, sizeof(msg)), 0);
    json_decref(rec);
}

static void test_lists(void **state)
{
    json_t *rec;
    (void)state;

    assert_true(vg_dumpsys_is_root_package("com.topjohnwu.magisk"));
    assert_true(vg_dumpsys_is_root_package("eu.chainfire.supersu"));
    assert_false(vg_dumpsys_is_root_package("com.topjohnwu.magisk.x"));
    assert_false(vg_dumpsys_is_root_package(NULL));
    rec = json_loads("{\"permissions\":[{\"name\":\"android.permission.CAMERA\"},{\"name\":"
                     "\"android.permission.INTERNET\"},{\"name\":\"android.permission.READ_SMS\"},"
                     "{\"type\":\"declared\"}]}",
                     0, NULL);
    assert_int_equal(vg_dumpsys_dangerous_permissions(rec), 2);
    json_decref(rec);
    assert_string_equal(vg_dumpsys_receiver_note("android.intent.action.PHONE_STATE"),
                        "Found a receiver monitoring telephony state/incoming calls: \"%s\"");
    assert_null(vg_dumpsys_receiver_note("android.intent.action.BOOT_COMPLETED"));
}

/* The sample bugreport's appops records give MVT's one alert
 * (dumpsys_appops_detected.json: message, time and event). */
static void test_conformance(void **state)
{
    struct alerts a = {json_array()};
    struct dt_run r;
    size_t len, i;
    char *text = dt_dumpstate(&len), *path;
    json_t *rec, *mvt, *want = json_array(), *m;
    (void)state;

    if (!text) {
        json_decref(a.list);
        json_decref(want);
        skip();
        return;
    }
    dt_extract(&r, VG_DUMPSYS_APPOPS, text, len);
    json_array_foreach(r.records, i, rec)
        assert_int_equal(vg_dumpsys_appops_alerts(rec, on_alert, &a), VG_OK);
    path = vgfix_shared_path("mvt-artifacts/mvt-results/android-bugreport/"
                             "dumpsys_appops_detected.json");
    assert_non_null(path);
    mvt = json_load_file(path, 0, NULL);
    assert_non_null(mvt);
    json_array_foreach(mvt, i, m) assert_int_equal(
        json_array_append_new(want,
                              json_pack("{s:O, s:O, s:O}", "message", json_object_get(m, "message"),
                                        "event_time", json_object_get(m, "event_time"), "event",
                                        json_object_get(m, "event"))),
        0);
    dt_expect_json(a.list, want);
    json_decref(want);
    json_decref(mvt);
    json_decref(a.list);
    free(path);
    dt_free(&r);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_appops_risky_permission),
        cmocka_unit_test(test_appops_risky_package),
        cmocka_unit_test(test_battery_daily_alert),
        cmocka_unit_test(test_lists),
        cmocka_unit_test(test_conformance),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
