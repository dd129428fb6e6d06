/*
 * FirefoxHistory: records as MVT writes them (with is_local named right),
 * URL checks with planted hits and a near miss, the timeline, damaged and
 * other-version databases, check-iocs on saved records, and MVT's test
 * backup.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "firefox_db.h"
#include "harness.h"

static const char *const iocs[] = {
    "[domain-name:value='example.org']",
    "[url:value='http://example.com/thisisbad']",
    NULL,
};

static void test_records(void **state)
{
    struct vgh_result r;
    char *dir =
        vgh_backup_sql(VGT_FIREFOX_DOMAIN, VGT_FIREFOX_RELPATH, vgt_firefox_browser_db, NULL);
    const json_t *rec;

    (void)state;
    vgh_run_ok(dir, NULL, "firefox_history", &r);
    assert_int_equal(json_array_size(r.records), 3);
    rec = json_array_get(r.records, 0);
    vgh_assert_keys(rec, "id,isodate,url,title,is_local,type");
    assert_int_equal(vgh_int(rec, "id"), 1);
    assert_string_equal(vgh_str(rec, "isodate"), "2020-09-13 12:26:40.123456");
    assert_string_equal(vgh_str(rec, "url"), "https://badbadbad.example.org/");
    assert_string_equal(vgh_str(rec, "title"), "Bad");
    assert_int_equal(vgh_int(rec, "is_local"), 1);
    assert_int_equal(vgh_int(rec, "type"), 1);
    rec = json_array_get(r.records, 1);
    assert_int_equal(vgh_int(rec, "id"), 2);
    assert_string_equal(vgh_str(rec, "isodate"), "2022-04-15 05:20:00.000000");
    assert_int_equal(vgh_int(rec, "is_local"), 0);
    assert_int_equal(vgh_int(rec, "type"), 2);
    assert_int_equal(r.warnings, 0);
    assert_int_equal(vgh_coverage(&r, "firefox_history", "found", VGT_FIREFOX_RELPATH), 1);
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

static void test_hits_and_near_miss(void **state)
{
    struct vgh_result r;
    char *dir =
        vgh_backup_sql(VGT_FIREFOX_DOMAIN, VGT_FIREFOX_RELPATH, vgt_firefox_browser_db, NULL);
    const json_t *a;

    (void)state;
    vgh_run_ok(dir, iocs, "firefox_history", &r);
    assert_int_equal(json_array_size(r.alerts), 2); /* not evil-example.org */
    a = vgh_alert(&r, 0);
    vgh_assert_alert(a, "CRITICAL", "example.org", "domains");
    assert_string_equal(vgh_str(a, "event_time"), "2020-09-13 12:26:40.123456");
    a = vgh_alert(&r, 1);
    vgh_assert_alert(a, "CRITICAL", "http://example.com/thisisbad", "urls");
    assert_non_null(strstr(vgh_str(a, "message"), "http://example.com/thisisbad"));
    assert_int_equal(vgh_int(json_object_get(a, "event"), "id"), 3);
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

static void test_timeline(void **state)
{
    struct vgh_result r;
    char *dir =
        vgh_backup_sql(VGT_FIREFOX_DOMAIN, VGT_FIREFOX_RELPATH, vgt_firefox_browser_db, NULL);

    (void)state;
    vgh_run_ok(dir, NULL, "firefox_history", &r);
    assert_int_equal(vgh_tl_count(&r, "FirefoxHistory"), 3);
    assert_true(vgh_tl_has(&r, "2020-09-13 12:26:40.123456", "FirefoxHistory", "firefox_history",
                           "Firefox visit with ID 1 to URL: https://badbadbad.example.org/"));
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

static void test_not_sqlite(void **state)
{
    static const char junk[] = "\x00\x01\x02 not a browser.db";
    struct vgh_result r;
    char *dir = vgh_backup_bytes(VGT_FIREFOX_DOMAIN, VGT_FIREFOX_RELPATH, junk, sizeof(junk) - 1);

    (void)state;
    vgh_run_unreadable(dir, iocs, "firefox_history", VGT_FIREFOX_DOMAIN "/" VGT_FIREFOX_RELPATH,
                       &r);
    assert_int_equal(vgh_coverage(&r, "firefox_history", "unreadable", VGT_FIREFOX_RELPATH), 1);
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

/* Newer Firefox versions keep history elsewhere: no visits table. */
static void test_missing_table(void **state)
{
    struct vgh_result r;
    char *dir = vgh_backup_sql(VGT_FIREFOX_DOMAIN, VGT_FIREFOX_RELPATH,
                               "CREATE TABLE bookmarks (id INTEGER PRIMARY KEY, url TEXT);", NULL);

    (void)state;
    vgh_run_ok(dir, iocs, "firefox_history", &r);
    assert_int_equal(json_array_size(r.records), 0);
    assert_int_equal(r.warnings, 0);
    assert_int_equal(vgh_coverage(&r, "firefox_history", "partial", VGT_FIREFOX_RELPATH), 1);
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

static void test_check_records_alone(void **state)
{
    json_t *records = json_pack(
        "[{s:i, s:s, s:s, s:s, s:i, s:i}, {s:i, s:s, s:s, s:s, s:i, s:i}]", "id", 4, "isodate",
        "2022-04-15 05:20:00.000000", "url", "https://mail.example.org/inbox", "title", "Mail",
        "i1000000s_local", 1, "type", 1, "id", 5, "isodate", "2022-04-15 05:20:00.000000", "url",
        "https://example.net/", "title", "Other", "i1000000s_local", 1, "type", 1);
    json_t *alerts = vgh_check_patterns("firefox_history", records, iocs);

    (void)state;
    /* MVT's records (with its misspelt key) are checked the same way */
    assert_int_equal(json_array_size(alerts), 1);
    vgh_assert_alert(json_array_get(alerts, 0), "CRITICAL", "example.org", "domains");
    assert_string_equal(vgh_str(json_array_get(alerts, 0), "event_time"),
                        "2022-04-15 05:20:00.000000");
    json_decref(alerts);
    json_decref(records);
}

static void test_mvt_backup(void **state)
{
    (void)state;
    vgh_mvt_backup_absent("firefox_history", VGT_FIREFOX_RELPATH);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_records),       cmocka_unit_test(test_hits_and_near_miss),
        cmocka_unit_test(test_timeline),      cmocka_unit_test(test_not_sqlite),
        cmocka_unit_test(test_missing_table), cmocka_unit_test(test_check_records_alone),
        cmocka_unit_test(test_mvt_backup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
