/*
 * FirefoxFavicon: records as MVT writes them, icon and page URL checks
 * with planted hits and a near miss, the timeline, damaged and
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
    vgh_run_ok(dir, NULL, "firefox_favicon", &r);
    assert_int_equal(json_array_size(r.records), 3);
    rec = json_array_get(r.records, 0);
    vgh_assert_keys(rec, "id,url,width,height,type,isodate,history_id,history_url");
    assert_int_equal(vgh_int(rec, "id"), 1);
    assert_string_equal(vgh_str(rec, "url"), "https://icons.example.org/a.ico");
    assert_int_equal(vgh_int(rec, "width"), 16);
    assert_int_equal(vgh_int(rec, "height"), 16);
    assert_int_equal(vgh_int(rec, "type"), 1);
    assert_string_equal(vgh_str(rec, "isodate"), "2022-04-15 05:20:00.000000");
    assert_int_equal(vgh_int(rec, "history_id"), 2);
    assert_string_equal(vgh_str(rec, "history_url"), "https://evil-example.org/");
    rec = json_array_get(r.records, 1);
    assert_int_equal(vgh_int(rec, "id"), 2);
    assert_string_equal(vgh_str(rec, "isodate"), "2020-09-13 12:26:40.500000");
    assert_string_equal(vgh_str(rec, "history_url"), "https://badbadbad.example.org/");
    rec = json_array_get(r.records, 2);
    assert_int_equal(vgh_int(rec, "id"), 3);
    vgh_assert_null(rec, "width");
    vgh_assert_null(rec, "height");
    assert_int_equal(r.warnings, 0);
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
    vgh_run_ok(dir, iocs, "firefox_favicon", &r);
    /* icon on icons.example.org, page on badbadbad.example.org; the icon
     * on example.net for evil-example.org matches nothing */
    assert_int_equal(json_array_size(r.alerts), 2);
    a = vgh_alert(&r, 0);
    vgh_assert_alert(a, "CRITICAL", "example.org", "domains");
    assert_non_null(strstr(vgh_str(a, "message"), "https://icons.example.org/a.ico"));
    assert_string_equal(vgh_str(a, "event_time"), "2022-04-15 05:20:00.000000");
    a = vgh_alert(&r, 1);
    assert_non_null(strstr(vgh_str(a, "message"), "https://badbadbad.example.org/"));
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

static void test_timeline(void **state)
{
    struct vgh_result r;
    char *dir =
        vgh_backup_sql(VGT_FIREFOX_DOMAIN, VGT_FIREFOX_RELPATH, vgt_firefox_browser_db, NULL);

    (void)state;
    vgh_run_ok(dir, NULL, "firefox_favicon", &r);
    assert_int_equal(vgh_tl_count(&r, "FirefoxFavicon"), 3);
    /* MVT calls these events "firefox_history" */
    assert_true(vgh_tl_has(&r, "2020-09-13 12:26:40.500000", "FirefoxFavicon", "firefox_history",
                           "Firefox favicon https://evil-example.org/b.ico when visiting "
                           "https://badbadbad.example.org/"));
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

static void test_not_sqlite(void **state)
{
    static const char junk[] = "<html>not a database</html>";
    struct vgh_result r;
    char *dir = vgh_backup_bytes(VGT_FIREFOX_DOMAIN, VGT_FIREFOX_RELPATH, junk, sizeof(junk) - 1);

    (void)state;
    vgh_run_unreadable(dir, iocs, "firefox_favicon", VGT_FIREFOX_DOMAIN "/" VGT_FIREFOX_RELPATH,
                       &r);
    assert_int_equal(vgh_coverage(&r, "firefox_favicon", "unreadable", VGT_FIREFOX_RELPATH), 1);
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

/* Firefox later moved favicons out of browser.db. */
static void test_missing_table(void **state)
{
    struct vgh_result r;
    char *dir = vgh_backup_sql(VGT_FIREFOX_DOMAIN, VGT_FIREFOX_RELPATH,
                               "CREATE TABLE history (id INTEGER PRIMARY KEY, url TEXT);", NULL);

    (void)state;
    vgh_run_ok(dir, iocs, "firefox_favicon", &r);
    assert_int_equal(json_array_size(r.records), 0);
    assert_int_equal(r.warnings, 0);
    assert_int_equal(vgh_coverage(&r, "firefox_favicon", "partial", VGT_FIREFOX_RELPATH), 1);
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

static void test_check_records_alone(void **state)
{
    json_t *records = json_pack(
        "[{s:i, s:s, s:i, s:i, s:i, s:s, s:i, s:s}, {s:i, s:s, s:n, s:n, s:i, s:s, s:i, s:s}]",
        "id", 1, "url", "https://example.net/f.ico", "width", 16, "height", 16, "type", 1,
        "isodate", "2022-04-15 05:20:00.000000", "history_id", 1, "history_url",
        "http://example.com/thisisbad", "id", 2, "url", "https://example.net/g.ico", "width",
        "height", "type", 1, "isodate", "", "history_id", 2, "history_url", "https://example.com/");
    json_t *alerts = vgh_check_patterns("firefox_favicon", records, iocs);

    (void)state;
    assert_int_equal(json_array_size(alerts), 1);
    vgh_assert_alert(json_array_get(alerts, 0), "CRITICAL", "http://example.com/thisisbad", "urls");
    json_decref(alerts);
    json_decref(records);
}

static void test_mvt_backup(void **state)
{
    (void)state;
    vgh_mvt_backup_absent("firefox_favicon", VGT_FIREFOX_RELPATH);
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
