/*
 * ProfileEvents: MCProfileEvents.plist events as MVT's records (keys
 * lowercased), every event LOW, process and profile id indicators, a file
 * that is not a plist.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "harness.h"

#define DOMAIN  "SysSharedContainerDomain-systemgroup.com.apple.configurationprofiles"
#define RELPATH "Library/ConfigurationProfiles/MCProfileEvents.plist"

static const char *const iocs[] = {
    "[process:name='roleaccountd']",
    "[configuration-profile:id='com.example.spy']",
    NULL,
};

static plist_t event(const char *profile, const char *ts_key, int64_t when, const char *op,
                     const char *process)
{
    plist_t fields =
        vgfix_plist_dict(ts_key, vgfix_plist_date(when), "operation", plist_new_string(op),
                         "process", plist_new_string(process), NULL);
    return vgfix_plist_dict(profile, fields, NULL);
}

static char *events_backup(void)
{
    plist_t extra = event("com.example.wifi", "timestamp", 1500000000, "install", "Preferences");
    plist_t events;

    /* another key, in capitals: lowercased into the record */
    plist_dict_set_item(plist_dict_get_item(extra, "com.example.wifi"), "DeviceID",
                        plist_new_string("D-1"));
    events = vgfix_plist_array(
        event("com.evil.profile", "timestamp", 1626602400, "install", "roleaccountd"), extra,
        event("com.example.spy", "Timestamp", 1600000000, "remove", "mdmd"),
        event("com.example.mail", "timestamp", 1600000001, "install", "xroleaccountd"),
        plist_new_string("not an event"), NULL);
    return vgh_backup_plist(DOMAIN, RELPATH, vgfix_plist_dict("ProfileEvents", events, NULL),
                            VGFIX_PLIST_BINARY);
}

static void test_records(void **state)
{
    char *dir = events_backup();
    struct vgh_result r;
    const json_t *rec;
    (void)state;

    vgh_run(dir, NULL, "profile_events", &r);
    assert_int_equal(r.rc, VG_OK);
    assert_int_equal(json_array_size(r.records), 4);
    rec = json_array_get(r.records, 0);
    assert_string_equal(vgh_str(rec, "profile_id"), "com.evil.profile");
    assert_string_equal(vgh_str(rec, "timestamp"), "2021-07-18 10:00:00.000000");
    assert_string_equal(vgh_str(rec, "operation"), "install");
    assert_string_equal(vgh_str(rec, "process"), "roleaccountd");
    assert_int_equal(json_object_size(rec), 4);
    rec = json_array_get(r.records, 1);
    assert_string_equal(vgh_str(rec, "deviceid"), "D-1");
    assert_string_equal(vgh_str(rec, "timestamp"), "2017-07-14 02:40:00.000000");
    rec = json_array_get(r.records, 2);
    assert_string_equal(vgh_str(rec, "timestamp"), "2020-09-13 12:26:40.000000");
    assert_string_equal(vgh_str(rec, "operation"), "remove");
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

static void assert_alerts(const json_t *alerts)
{
    const json_t *a;

    /* one LOW per event, CRITICAL for the process and the profile */
    assert_int_equal(vgh_count_level(alerts, "LOW"), 4);
    assert_int_equal(vgh_count_level(alerts, "CRITICAL"), 2);
    assert_int_equal(json_array_size(alerts), 6);
    assert_non_null(vgh_find_alert(alerts, "LOW",
                                   "On 2021-07-18 10:00:00.000000 process \"roleaccountd\" started "
                                   "operation \"install\" of profile \"com.evil.profile\""));
    a = vgh_find_alert(alerts, "CRITICAL",
                       "Found a known suspicious process name \"roleaccountd\"");
    assert_non_null(a);
    assert_string_equal(vgh_str(json_object_get(a, "matched_indicator"), "value"), "roleaccountd");
    assert_string_equal(vgh_str(json_object_get(a, "event"), "profile_id"), "com.evil.profile");
    a = vgh_find_alert(alerts, "CRITICAL",
                       "Found a known suspicious profile ID \"com.example.spy\"");
    assert_non_null(a);
    assert_string_equal(vgh_str(a, "event_time"), "2020-09-13 12:26:40.000000");
    /* near miss: another process with the name inside it */
    assert_null(vgh_find_alert(alerts, "CRITICAL", "xroleaccountd"));
}

static void test_alerts(void **state)
{
    char *dir = events_backup(), *bundle = vgh_bundle(iocs);
    struct vgh_result r;
    (void)state;

    vgh_run(dir, bundle, "profile_events", &r);
    assert_alerts(r.alerts);
    vgh_result_free(&r);
    vgh_cleanup(dir);
    free(bundle);
}

static void test_timeline(void **state)
{
    char *dir = events_backup();
    struct vgh_result r;
    (void)state;

    vgh_run(dir, NULL, "profile_events", &r);
    assert_non_null(strstr(r.timeline, "\"2021-07-18 10:00:00.000000\",\"ProfileEvents\","
                                       "\"profile_operation\",\"Process roleaccountd started "
                                       "operation install of profile com.evil.profile\""));
    assert_non_null(strstr(r.timeline, "\"2020-09-13 12:26:40.000000\",\"ProfileEvents\","
                                       "\"profile_operation\",\"Process mdmd started operation "
                                       "remove of profile com.example.spy\""));
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

static void test_not_a_plist(void **state)
{
    char *dir = vgh_backup_bytes(DOMAIN, RELPATH, "bplist00 but not really", 23);
    struct vgh_result r;
    (void)state;

    vgh_run_unreadable(dir, NULL, "profile_events", "MCProfileEvents.plist", &r);
    vgh_result_free(&r);
    vgh_cleanup(dir);

    /* a plist of another shape: no records, no crash */
    dir = vgh_backup_plist(DOMAIN, RELPATH,
                           vgfix_plist_dict("ProfileEvents", plist_new_string("x"), NULL),
                           VGFIX_PLIST_XML);
    vgh_run(dir, NULL, "profile_events", &r);
    assert_int_equal(r.rc, VG_OK);
    assert_int_equal(json_array_size(r.records), 0);
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

static void test_check_on_records_alone(void **state)
{
    char *dir = events_backup(), *bundle = vgh_bundle(iocs);
    struct vgh_result r;
    json_t *alerts, *mvt;
    (void)state;

    vgh_run(dir, NULL, "profile_events", &r);
    alerts = vgh_check_records("profile_events", r.records, bundle);
    assert_alerts(alerts);
    json_decref(alerts);

    mvt = json_loads("[{\"profile_id\": \"com.example.spy\", \"timestamp\": \"2020-09-13 "
                     "12:26:40.000000\", \"operation\": \"remove\", \"process\": \"mdmd\"}]",
                     0, NULL);
    alerts = vgh_check_records("profile_events", mvt, bundle);
    assert_int_equal(vgh_count_level(alerts, "LOW"), 1);
    assert_int_equal(vgh_count_level(alerts, "CRITICAL"), 1);
    json_decref(alerts);
    json_decref(mvt);
    vgh_result_free(&r);
    vgh_cleanup(dir);
    free(bundle);
}

static void test_mvt_test_backup(void **state)
{
    (void)state;
    vgh_mvt_backup_empty("profile_events");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_records),
        cmocka_unit_test(test_alerts),
        cmocka_unit_test(test_timeline),
        cmocka_unit_test(test_not_a_plist),
        cmocka_unit_test(test_check_on_records_alone),
        cmocka_unit_test(test_mvt_test_backup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
