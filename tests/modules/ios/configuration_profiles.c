/*
 * ConfigurationProfiles: profile stubs in the configurationprofiles group
 * container become MVT's records; profile id indicators and the
 * notification-hiding payload heuristic; a stub that is not a plist.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "harness.h"

#define DOMAIN    "SysSharedContainerDomain-systemgroup.com.apple.configurationprofiles"
#define EVIL_UUID "C0FFEE00-0000-4000-8000-000000000001"
#define NEAR_UUID "C0FFEE00-0000-4000-8000-000000000002"

static const char *const iocs[] = {
    "[configuration-profile:id='" EVIL_UUID "']",
    NULL,
};

static plist_t payload(const char *type, const char *uuid)
{
    return vgfix_plist_dict("PayloadType", plist_new_string(type), "PayloadUUID",
                            plist_new_string(uuid), "PayloadVersion", plist_new_uint(1), NULL);
}

static plist_t profile(const char *name, const char *uuid, plist_t content, int64_t installed)
{
    plist_t p = vgfix_plist_dict("PayloadDisplayName", plist_new_string(name), "PayloadDescription",
                                 plist_new_string("Hides things"), "PayloadType",
                                 plist_new_string("Configuration"), "PayloadUUID",
                                 plist_new_string(uuid), "PayloadContent", content, NULL);
    assert_non_null(p);
    if (installed)
        plist_dict_set_item(p, "InstallDate", vgfix_plist_date(installed));
    return p;
}

static void add_plist(struct vgfix_backup *b, const char *rel, plist_t p)
{
    char *data = NULL;
    size_t len = 0;

    assert_int_equal(vgfix_plist_to_mem(p, VGFIX_PLIST_BINARY, &data, &len), 0);
    plist_free(p);
    assert_int_equal(vgfix_backup_add_file(b, DOMAIN, rel, data, len), 0);
    free(data);
}

static char *profiles_backup(void)
{
    char *dir = vgfix_tmpdir("confprof");
    struct vgfix_backup *b = vgfix_backup_new(dir);
    plist_t vpn;

    assert_non_null(b);
    /* the planted hit: a known profile (which also hides notifications) */
    add_plist(b, "Library/ConfigurationProfiles/profile-1111.stub",
              profile("Evil", EVIL_UUID,
                      vgfix_plist_array(payload("com.apple.notificationsettings", "P-1"), NULL),
                      1626602400));
    /* near miss for the indicator; its second payload hides notifications */
    add_plist(b, "Library/ConfigurationProfiles/profile-2222.stub",
              profile("Quiet", NEAR_UUID,
                      vgfix_plist_array(payload("com.apple.wifi.managed", "P-2"),
                                        payload("com.apple.notificationsettings", "P-3"), NULL),
                      1600000000));
    /* an ordinary VPN profile with a signer certificate (data) */
    vpn = profile("Work VPN", "11111111-2222-4333-8444-555555555555",
                  vgfix_plist_array(payload("com.apple.vpn.managed", "P-4"), NULL), 0);
    plist_dict_set_item(vpn, "SignerCerts",
                        vgfix_plist_array(plist_new_data("\x30\x82\x01\x00", 4), NULL));
    add_plist(b, "Library/ConfigurationProfiles/profile-3333.stub", vpn);
    /* a stub that is not a plist */
    assert_int_equal(vgfix_backup_add_file(b, DOMAIN,
                                           "Library/ConfigurationProfiles/profile-bad.stub",
                                           "garbage, not a plist", 20),
                     0);
    /* same folder, not a profile */
    add_plist(b, "Library/ConfigurationProfiles/MCMeta.plist",
              vgfix_plist_dict("PayloadUUID", plist_new_string(EVIL_UUID), NULL));
    assert_int_equal(vgfix_backup_finish(b), 0);
    vgfix_backup_free(b);
    return dir;
}

static void test_records(void **state)
{
    char *dir = profiles_backup();
    char id[41];
    struct vgh_result r;
    const json_t *rec, *pl;
    (void)state;

    vgh_run(dir, NULL, "configuration_profiles", &r);
    assert_int_equal(r.rc, VG_OK);
    assert_int_equal(json_array_size(r.records), 4);

    rec = json_array_get(r.records, 0);
    vgfix_backup_file_id(DOMAIN, "Library/ConfigurationProfiles/profile-1111.stub", id);
    assert_string_equal(vgh_str(rec, "file_id"), id);
    assert_string_equal(vgh_str(rec, "relative_path"),
                        "Library/ConfigurationProfiles/profile-1111.stub");
    assert_string_equal(vgh_str(rec, "domain"), DOMAIN);
    assert_string_equal(vgh_str(rec, "install_date"), "2021-07-18 10:00:00.000000");
    pl = json_object_get(rec, "plist");
    assert_string_equal(vgh_str(pl, "PayloadUUID"), EVIL_UUID);
    assert_string_equal(vgh_str(pl, "PayloadDisplayName"), "Evil");
    assert_string_equal(vgh_str(pl, "InstallDate"), "2021-07-18 10:00:00.000000");
    assert_string_equal(
        vgh_str(json_array_get(json_object_get(pl, "PayloadContent"), 0), "PayloadType"),
        "com.apple.notificationsettings");

    /* data fields are base64, an absent InstallDate is "" */
    rec = json_array_get(r.records, 2);
    pl = json_object_get(rec, "plist");
    assert_string_equal(json_string_value(json_array_get(json_object_get(pl, "SignerCerts"), 0)),
                        "MIIBAA==");
    assert_string_equal(vgh_str(rec, "install_date"), "");

    /* the unreadable stub is still a record (the profile was there), with a warning */
    rec = json_array_get(r.records, 3);
    assert_string_equal(vgh_str(rec, "relative_path"),
                        "Library/ConfigurationProfiles/profile-bad.stub");
    assert_int_equal(json_object_size(json_object_get(rec, "plist")), 0);
    assert_string_equal(vgh_str(rec, "install_date"), "");
    assert_true(r.warnings >= 1);
    assert_non_null(strstr(r.diag_text, "profile-bad.stub"));
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

static void assert_alerts(const json_t *alerts)
{
    const json_t *a;

    assert_int_equal(json_array_size(alerts), 2);
    a = vgh_find_alert(
        alerts, "CRITICAL",
        "Found a known malicious configuration profile \"Evil\" with UUID \"" EVIL_UUID "\"");
    assert_non_null(a);
    /* indicators are kept lower case */
    assert_string_equal(vgh_str(json_object_get(a, "matched_indicator"), "value"),
                        "c0ffee00-0000-4000-8000-000000000001");
    assert_string_equal(vgh_str(a, "event_time"), "2021-07-18 10:00:00.000000");
    a = vgh_find_alert(
        alerts, "MEDIUM",
        "Found a potentially suspicious configuration profile \"Quiet\" with payload "
        "type com.apple.notificationsettings");
    assert_non_null(a);
    assert_true(json_is_null(json_object_get(a, "matched_indicator")));
}

static void test_alerts(void **state)
{
    char *dir = profiles_backup(), *bundle = vgh_bundle(iocs);
    struct vgh_result r;
    (void)state;

    vgh_run(dir, bundle, "configuration_profiles", &r);
    assert_alerts(r.alerts);
    vgh_result_free(&r);
    vgh_cleanup(dir);
    free(bundle);
}

static void test_timeline(void **state)
{
    char *dir = profiles_backup();
    struct vgh_result r;
    (void)state;

    vgh_run(dir, NULL, "configuration_profiles", &r);
    assert_non_null(strstr(r.timeline, "\"2021-07-18 10:00:00.000000\",\"ConfigurationProfiles\","
                                       "\"configuration_profile_install\",\"Configuration "
                                       "installed: " EVIL_UUID " - Evil: Hides things\""));
    assert_non_null(strstr(r.timeline, "\"2020-09-13 12:26:40.000000\",\"ConfigurationProfiles\","
                                       "\"configuration_profile_install\",\"Configuration "
                                       "installed: " NEAR_UUID " - Quiet: Hides things\""));
    /* no install date, no event */
    assert_null(strstr(r.timeline, "Work VPN"));
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

static void test_check_on_records_alone(void **state)
{
    char *dir = profiles_backup(), *bundle = vgh_bundle(iocs);
    struct vgh_result r;
    json_t *alerts, *mvt;
    (void)state;

    vgh_run(dir, NULL, "configuration_profiles", &r);
    /* the heuristic needs no indicator: both hiding profiles are MEDIUM */
    assert_int_equal(vgh_count_level(r.alerts, "MEDIUM"), 2);
    assert_int_equal(json_array_size(r.alerts), 2);
    alerts = vgh_check_records("configuration_profiles", r.records, bundle);
    assert_alerts(alerts);
    json_decref(alerts);

    /* a record as MVT writes it */
    mvt = json_loads("[{\"file_id\": \"x\", \"relative_path\": "
                     "\"Library/ConfigurationProfiles/profile-9.stub\", \"domain\": \"" DOMAIN
                     "\", \"plist\": {\"PayloadDisplayName\": \"Evil\", \"PayloadUUID\": "
                     "\"" EVIL_UUID "\", \"PayloadContent\": [{\"PayloadType\": "
                     "\"com.apple.wifi.managed\"}]}, \"install_date\": \"\"}]",
                     0, NULL);
    assert_non_null(mvt);
    alerts = vgh_check_records("configuration_profiles", mvt, bundle);
    assert_int_equal(json_array_size(alerts), 1);
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
    vgh_mvt_backup_empty("configuration_profiles");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_records),         cmocka_unit_test(test_alerts),
        cmocka_unit_test(test_timeline),        cmocka_unit_test(test_check_on_records_alone),
        cmocka_unit_test(test_mvt_test_backup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
