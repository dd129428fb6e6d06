/*
 * WebkitSessionResourceLog: browsingStatistics entries of
 * full_browsing_session_resourceLog.plist (both WebKit key spellings),
 * domain indicators on every site of an entry, the redirect alert, MVT's
 * dict-shaped results, and hostile plists.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fixture.h"
#include "harness.h"

#define SRL_PATH                                                                                   \
    "Library/WebKit/WebsiteData/ResourceLoadStatistics/full_browsing_session_resourceLog.plist"

static const char *const srl_iocs[] = {
    "[domain-name:value='example.org']",
    NULL,
};

/* [{key: site}, ...] as WebKit's KeyedEncoder writes a set of sites. */
static plist_t sites(const char *key, const char *a, const char *b)
{
    plist_t arr = vgfix_plist_array(NULL);
    plist_array_append_item(arr, vgfix_plist_dict(key, plist_new_string(a), NULL));
    if (b)
        plist_array_append_item(arr, vgfix_plist_dict(key, plist_new_string(b), NULL));
    return arr;
}

/* Model before 15: "...Origin(s)" keys, items {"origin": ...}. */
static plist_t old_entry(void)
{
    return vgfix_plist_dict(
        "PrevalentResourceOrigin", plist_new_string("shop.test"), "topFrameUniqueRedirectsFrom",
        sites("origin", "ads.test", "mail.test"), "topFrameUniqueRedirectsTo",
        sites("origin", "tracker.example.org", NULL), "subframeUnderTopFrameOrigins",
        sites("origin", "frames.test", NULL), "hadUserInteraction", plist_new_bool(1),
        "mostRecentUserInteraction", plist_new_real(1634560030.5), "lastSeen",
        plist_new_real(1634560250.0), NULL);
}

/* Model 15 on: "...Domain(s)" keys, items {"domain": ...}. */
static plist_t new_entry(const char *site, const char *subresource)
{
    return vgfix_plist_dict("PrevalentResourceDomain", plist_new_string(site),
                            "subresourceUnderTopFrameDomains", sites("domain", subresource, NULL),
                            "hadUserInteraction", plist_new_bool(0), "mostRecentUserInteraction",
                            plist_new_real(0.0), "lastSeen", plist_new_real(1700000000.25), NULL);
}

static void write_plist(const char *path, int which)
{
    plist_t root = NULL;

    if (which == 0)
        root = vgfix_plist_dict("version", plist_new_uint(15), "browsingStatistics",
                                vgfix_plist_array(old_entry(),
                                                  new_entry("cdn.example.org", "static.test"),
                                                  new_entry("evil-example.org", "example.org.test"),
                                                  plist_new_string("not a dict"), NULL),
                                NULL);
    else
        root = vgfix_plist_dict("version", plist_new_uint(15), NULL);
    assert_non_null(root);
    assert_int_equal(vgfix_plist_write(path, root, VGFIX_PLIST_BINARY), 0);
    plist_free(root);
}

static void write_sites(const char *path)
{
    write_plist(path, 0);
}

static void write_empty(const char *path)
{
    write_plist(path, 1);
}

static char *build_backup(void)
{
    const struct vgh_file f[] = {
        {"AppDomain-com.apple.mobilesafari", SRL_PATH, NULL, NULL, 0, write_sites},
        {"AppDomain-org.example.empty", SRL_PATH, NULL, NULL, 0, write_empty},
        {"AppDomain-org.example.broken", SRL_PATH, NULL, "bplist00\x01\x02garbage", 18, NULL},
    };
    return vgh_backup(f, sizeof(f) / sizeof(f[0]));
}

static void test_records(void **state)
{
    char *dir = build_backup();
    struct vgh_result r;
    const json_t *rec, *list;
    (void)state;

    vgh_run(dir, NULL, "webkit_session_resource_log", &r);
    assert_int_equal(r.rc, VG_OK);
    assert_int_equal(json_array_size(r.records), 3);

    rec = json_array_get(r.records, 0);
    assert_int_equal(json_object_size(rec), 10);
    assert_string_equal(vgh_must_str(rec, "origin"), "shop.test");
    list = json_object_get(rec, "redirect_source");
    assert_int_equal(json_array_size(list), 2);
    assert_string_equal(vgh_must_str(json_array_get(list, 1), "origin"), "mail.test");
    list = json_object_get(rec, "redirect_destination");
    assert_string_equal(vgh_must_str(json_array_get(list, 0), "origin"), "tracker.example.org");
    assert_int_equal(json_array_size(json_object_get(rec, "subframe_under_origin")), 1);
    assert_string_equal(vgh_must_str(rec, "subresource_under_origin"), ""); /* absent, as MVT */
    assert_true(json_is_true(json_object_get(rec, "user_interaction")));
    assert_string_equal(vgh_must_str(rec, "most_recent_interaction"), "2021-10-18 12:27:10.500000");
    assert_string_equal(vgh_must_str(rec, "last_seen"), "2021-10-18 12:30:50.000000");
    assert_string_equal(vgh_must_str(rec, "domain"), "AppDomain-com.apple.mobilesafari");
    assert_string_equal(vgh_must_str(rec, "path"), SRL_PATH);

    /* the newer spelling of the keys */
    rec = json_array_get(r.records, 1);
    assert_string_equal(vgh_must_str(rec, "origin"), "cdn.example.org");
    assert_string_equal(vgh_must_str(rec, "redirect_source"), "");
    list = json_object_get(rec, "subresource_under_origin");
    assert_string_equal(vgh_must_str(json_array_get(list, 0), "domain"), "static.test");
    assert_string_equal(vgh_must_str(rec, "most_recent_interaction"), ""); /* 0 is never */
    assert_string_equal(vgh_must_str(rec, "last_seen"), "2023-11-14 22:13:20.250000");

    /* the entry that is not a dict, the plist that is not one: warnings
     * naming the files; the plist without statistics: a note */
    assert_int_equal(r.warnings, 2);
    assert_non_null(strstr(r.diag_text, "AppDomain-com.apple.mobilesafari/" SRL_PATH
                                        ": 1 browsingStatistics entries are not dictionaries"));
    assert_non_null(strstr(r.diag_text, "AppDomain-org.example.broken/" SRL_PATH
                                        " is not a valid property list"));
    assert_non_null(strstr(r.diag_text, "AppDomain-org.example.empty/" SRL_PATH
                                        " has no browsingStatistics list"));
    /* MVT has no timeline for this module */
    assert_null(strstr(r.timeline, "WebkitSessionResourceLog"));
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

static void assert_alerts(const json_t *alerts)
{
    const json_t *a;

    /* old_entry: its redirect destination matches; then the chain.
     * cdn.example.org: its origin; no redirect to name. The look-alikes of
     * the third entry: nothing. */
    assert_int_equal(json_array_size(alerts), 3);
    a = json_array_get(alerts, 0);
    assert_string_equal(vgh_must_str(a, "level"), "CRITICAL");
    assert_string_equal(vgh_must_str(a, "message"),
                        "Found a sub-domain with a suspicious top level tracker.example.org "
                        "matching indicator \"example.org\" from \"TestMalware\"");
    assert_string_equal(vgh_must_str(json_object_get(a, "matched_indicator"), "value"),
                        "example.org");
    assert_string_equal(vgh_must_str(json_object_get(a, "event"), "origin"), "shop.test");
    a = json_array_get(alerts, 1);
    assert_string_equal(vgh_must_str(a, "level"), "HIGH");
    assert_string_equal(vgh_must_str(a, "message"),
                        "Found HTTP redirect between suspicious domains: SOURCE: \"ads.test\", "
                        "\"mail.test\" -> ORIGIN: \"shop.test\" -> DESTINATION: "
                        "\"tracker.example.org\"");
    assert_true(json_is_null(json_object_get(a, "matched_indicator")));
    a = json_array_get(alerts, 2);
    assert_string_equal(vgh_must_str(a, "level"), "CRITICAL");
    assert_string_equal(vgh_must_str(json_object_get(a, "event"), "origin"), "cdn.example.org");
}

static void test_alerts(void **state)
{
    char *dir = build_backup(), *bundle = vgh_bundle(srl_iocs);
    struct vgh_result r;
    (void)state;

    vgh_run(dir, bundle, "webkit_session_resource_log", &r);
    assert_alerts(r.alerts);
    vgh_result_free(&r);
    vgh_cleanup(dir);
    free(bundle);
}

static void test_check_on_records_alone(void **state)
{
    char *dir = build_backup(), *bundle = vgh_bundle(srl_iocs);
    struct vgh_result r;
    json_t *alerts, *mvt_shaped, *entries;
    size_t i;
    json_t *rec;
    (void)state;

    vgh_run(dir, NULL, "webkit_session_resource_log", &r);
    alerts = vgh_check_records("webkit_session_resource_log", r.records, bundle);
    assert_alerts(alerts);
    json_decref(alerts);

    /* MVT saves {"<log file>": [entries]}: the same entries give the same
     * alerts */
    entries = json_array();
    json_array_foreach(r.records, i, rec)
    {
        json_t *e = json_deep_copy(rec);
        json_object_del(e, "domain");
        json_object_del(e, "path");
        json_array_append_new(entries, e);
    }
    mvt_shaped = json_pack("{s:o}", "/tmp/backup/1f/1f0e", entries);
    alerts = vgh_check_records("webkit_session_resource_log", mvt_shaped, bundle);
    assert_alerts(alerts);
    json_decref(alerts);
    json_decref(mvt_shaped);
    vgh_result_free(&r);
    vgh_cleanup(dir);
    free(bundle);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_records),
        cmocka_unit_test(test_alerts),
        cmocka_unit_test(test_check_on_records_alone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
