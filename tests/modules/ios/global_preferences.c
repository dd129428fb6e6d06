/*
 * GlobalPreferences: one record per top-level entry with every plist type
 * converted, Lockdown Mode on and off, near misses, malformed plists, the
 * check on saved records, and MVT's own results on its test backup.
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

#define DOMAIN  "HomeDomain"
#define RELPATH "Library/Preferences/.GlobalPreferences.plist"
#define DISPLAY DOMAIN "/" RELPATH

/* Every plist type, in a fixed order, and Lockdown Mode set to `ldm`. */
static plist_t prefs(plist_t ldm)
{
    return vgfix_plist_dict(
        "AppleLocale", plist_new_string("en_FR"), "WebKitShowLinkPreviews", plist_new_bool(0),
        "AppleLanguagesSchemaVersion", plist_new_uint(3000), "Scale", plist_new_real(1.5),
        /* libplist's getter would say .150918: the value rounds to .150919 */
        "AKLastEmailListRequestDateKey", plist_new_date(712617706, 150919), "Whole",
        plist_new_date(712617706, 0), "Before2001", plist_new_date(-31536001, 750000), "Blob",
        plist_new_data("\x00\x01\xfe", 3), "AppleLanguages",
        vgfix_plist_array(plist_new_string("en-FR"), plist_new_string("fr-FR"), NULL), "Nested",
        vgfix_plist_dict("When", plist_new_date(712617706, 500000), "LDMGlobalEnabled",
                         plist_new_bool(1), NULL),
        "LDMGlobalEnabledX", plist_new_bool(1), "LDMGlobalEnabled", ldm, NULL);
}

static const json_t *value_of(const json_t *recs, const char *entry)
{
    const json_t *rec;
    size_t i;
    json_array_foreach(recs, i, rec)
    {
        if (strcmp(json_string_value(json_object_get(rec, "entry")), entry) == 0)
            return json_object_get(rec, "value");
    }
    fail_msg("no entry %s", entry);
    return NULL;
}

static void assert_value(const json_t *recs, const char *entry, const char *json)
{
    json_t *want = json_loads(json, JSON_DECODE_ANY, NULL);
    assert_non_null(want);
    if (!json_equal(value_of(recs, entry), want)) {
        char *got = json_dumps(value_of(recs, entry), JSON_ENCODE_ANY);
        fail_msg("%s: got %s, want %s", entry, got, json);
    }
    json_decref(want);
}

static void test_records_and_lockdown_on(void **state)
{
    static const char *const order[] = {
        "AppleLocale",
        "WebKitShowLinkPreviews",
        "AppleLanguagesSchemaVersion",
        "Scale",
        "AKLastEmailListRequestDateKey",
        "Whole",
        "Before2001",
        "Blob",
        "AppleLanguages",
        "Nested",
        "LDMGlobalEnabledX",
        "LDMGlobalEnabled",
    };
    char *bk = vgh_backup_plist(DOMAIN, RELPATH, prefs(plist_new_bool(1)), VGFIX_PLIST_BINARY);
    const json_t *a, *rec;
    struct vgh_result r;
    size_t i;
    (void)state;

    vgh_run(bk, NULL, "global_preferences", &r);
    assert_int_equal(r.rc, VG_OK);
    assert_int_equal(json_array_size(r.records), 12);
    json_array_foreach(r.records, i, rec)
    {
        assert_int_equal(json_object_size(rec), 2);
        assert_string_equal(json_string_value(json_object_get(rec, "entry")), order[i]);
    }
    assert_value(r.records, "AppleLocale", "\"en_FR\"");
    assert_value(r.records, "WebKitShowLinkPreviews", "false");
    assert_value(r.records, "AppleLanguagesSchemaVersion", "3000");
    assert_value(r.records, "Scale", "1.5");
    assert_value(r.records, "AKLastEmailListRequestDateKey", "\"2023-08-01 21:21:46.150919\"");
    /* Python's str(datetime): no fraction when it is zero */
    assert_value(r.records, "Whole", "\"2023-08-01 21:21:46\"");
    assert_value(r.records, "Before2001", "\"2000-01-01 23:59:59.750000\"");
    assert_value(r.records, "Blob", "\"AAH+\"");
    assert_value(r.records, "AppleLanguages", "[\"en-FR\", \"fr-FR\"]");
    assert_value(r.records, "Nested",
                 "{\"When\": \"2023-08-01 21:21:46.500000\", \"LDMGlobalEnabled\": true}");

    /* only the top-level key counts; LDMGlobalEnabledX is a near miss */
    assert_int_equal(json_array_size(r.alerts), 1);
    a = json_array_get(r.alerts, 0);
    assert_string_equal(json_string_value(json_object_get(a, "level")), "INFORMATIONAL");
    assert_string_equal(json_string_value(json_object_get(a, "message")), "Lockdown mode enabled");
    assert_string_equal(json_string_value(json_object_get(a, "event_time")), "");
    assert_true(json_is_null(json_object_get(a, "matched_indicator")));
    assert_true(json_equal(json_object_get(a, "event"), json_array_get(r.records, 11)));
    /* nothing dated to put on the timeline, as MVT */
    assert_null(strstr(r.timeline, "GlobalPreferences"));
    assert_int_equal(r.sum.alerts[VG_LEVEL_INFO], 1);
    assert_false(vg_summary_has_detections(&r.sum));
    vgh_result_free(&r);
    vgh_cleanup(bk);
}

static void test_lockdown_off_xml(void **state)
{
    char *bk = vgh_backup_plist(DOMAIN, RELPATH, prefs(plist_new_uint(0)), VGFIX_PLIST_XML);
    struct vgh_result r;
    (void)state;

    vgh_run(bk, NULL, "global_preferences", &r);
    assert_int_equal(json_array_size(r.records), 12);
    /* XML dates carry whole seconds */
    assert_value(r.records, "AKLastEmailListRequestDateKey", "\"2023-08-01 21:21:46\"");
    assert_int_equal(json_array_size(r.alerts), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(r.alerts, 0), "level")),
                        "LOW");
    assert_string_equal(json_string_value(json_object_get(json_array_get(r.alerts, 0), "message")),
                        "Lockdown mode disabled");
    vgh_result_free(&r);
    vgh_cleanup(bk);
}

static void test_no_lockdown_key(void **state)
{
    char *bk = vgh_backup_plist(DOMAIN, RELPATH,
                                vgfix_plist_dict("ldmglobalenabled", plist_new_bool(1), NULL),
                                VGFIX_PLIST_BINARY);
    struct vgh_result r;
    (void)state;

    vgh_run(bk, NULL, "global_preferences", &r);
    assert_int_equal(json_array_size(r.records), 1);
    assert_int_equal(json_array_size(r.alerts), 0);
    vgh_result_free(&r);
    vgh_cleanup(bk);
}

static void test_malformed(void **state)
{
    static const char junk[] = "bplist00\xd1\x01\x02 truncated";
    char *bk = vgh_backup_bytes(DOMAIN, RELPATH, junk, sizeof(junk) - 1);
    struct vgh_result r;
    (void)state;

    vgh_run_unreadable(bk, NULL, "global_preferences", DISPLAY, &r);
    vgh_result_free(&r);
    vgh_cleanup(bk);
}

static void test_not_a_dictionary(void **state)
{
    char *bk = vgh_backup_plist(DOMAIN, RELPATH, vgfix_plist_array(plist_new_bool(1), NULL),
                                VGFIX_PLIST_BINARY);
    struct vgh_result r;
    (void)state;

    vgh_run_unreadable(bk, NULL, "global_preferences", DISPLAY, &r);
    vgh_result_free(&r);
    vgh_cleanup(bk);
}

/* check-iocs on saved records: MVT's truth test on the value. */
static void test_check_on_saved_records(void **state)
{
    static const char saved[] = "[{\"entry\": \"AppleLocale\", \"value\": \"en_FR\"},"
                                " {\"entry\": \"LDMGlobalEnabled\", \"value\": 1},"
                                " {\"entry\": \"LDMGlobalEnabled\", \"value\": \"\"}]";
    struct vgh_check c;
    const json_t *alerts;
    (void)state;

    vgh_check_saved("global_preferences", saved, NULL, &c);
    alerts = c.alerts;
    assert_int_equal(json_array_size(alerts), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(alerts, 0), "message")),
                        "Lockdown mode enabled");
    assert_string_equal(json_string_value(json_object_get(json_array_get(alerts, 1), "message")),
                        "Lockdown mode disabled");
    vgh_check_free(&c);
}

static void test_mvt_test_backup(void **state)
{
    static const char *const keys[] = {"level", "message", "matched_indicator", "event",
                                       "event_time"};
    json_t *want_alerts;
    struct vgh_result r;
    (void)state;

    if (!vgh_run_mvt_backup("global_preferences", &r))
        skip();
    want_alerts = vgh_mvt_result("global_preferences_detected.json");
    assert_non_null(want_alerts);
    assert_int_equal(json_array_size(r.records), 16);
    vgh_assert_mvt_records(&r, "global_preferences.json");
    vgh_assert_alerts_equal(r.alerts, want_alerts, keys, sizeof(keys) / sizeof(keys[0]));
    json_decref(want_alerts);
    vgh_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_records_and_lockdown_on),
        cmocka_unit_test(test_lockdown_off_xml),
        cmocka_unit_test(test_no_lockdown_key),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_not_a_dictionary),
        cmocka_unit_test(test_check_on_saved_records),
        cmocka_unit_test(test_mvt_test_backup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
