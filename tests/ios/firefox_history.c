/*
 * FirefoxHistory: records as MVT writes them (with is_local named right),
 * URL checks with planted hits and a near miss, the timeline, damaged and
 * other-version databases, check-iocs on saved records, and MVT's test
 * backup.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "harness.h"

#define DOMAIN  "AppDomainGroup-group.org.mozilla.ios.Firefox"
#define RELPATH "profile.profile/browser.db"

/* Firefox for iOS's browser.db (Storage/SQL/BrowserSchema.swift): the
 * tables MVT reads, with their real columns. */
static const char schema[] =
    "CREATE TABLE history (id INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT NOT NULL UNIQUE,"
    " url TEXT UNIQUE, title TEXT NOT NULL, server_modified INTEGER, local_modified INTEGER,"
    " is_deleted TINYINT NOT NULL, should_upload TINYINT NOT NULL, domain_id INTEGER,"
    " CONSTRAINT urlOrDeleted CHECK (url IS NOT NULL OR is_deleted = 1));"
    "CREATE TABLE visits (id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " siteID INTEGER NOT NULL REFERENCES history(id) ON DELETE CASCADE, date REAL NOT NULL,"
    " type INTEGER NOT NULL, is_local TINYINT NOT NULL, UNIQUE (siteID, date, type));"
    "CREATE TABLE favicons (id INTEGER PRIMARY KEY AUTOINCREMENT, url TEXT NOT NULL UNIQUE,"
    " width INTEGER, height INTEGER, type INTEGER NOT NULL, date REAL NOT NULL);"
    "CREATE TABLE favicon_sites (id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " siteID INTEGER NOT NULL REFERENCES history(id) ON DELETE CASCADE,"
    " faviconID INTEGER NOT NULL REFERENCES favicons(id) ON DELETE CASCADE,"
    " UNIQUE (siteID, faviconID));"
    "INSERT INTO history VALUES (1, 'g1', 'https://badbadbad.example.org/', 'Bad', NULL,"
    " 1600000000000, 0, 1, NULL),"
    " (2, 'g2', 'https://evil-example.org/', 'Look-alike', NULL, 1650000000000, 0, 1, NULL),"
    " (3, 'g3', 'http://example.com/thisisbad', 'URL', NULL, 1650000000000, 0, 1, NULL);"
    /* visit dates: microseconds since 1970 */
    "INSERT INTO visits VALUES (1, 1, 1600000000123456, 1, 1), (2, 2, 1650000000000000, 2, 0),"
    " (3, 3, 1650000000000000, 1, 1);"
    /* favicon dates: seconds since 1970 */
    "INSERT INTO favicons VALUES (1, 'https://icons.example.org/a.ico', 16, 16, 1, 1650000000.0),"
    " (2, 'https://evil-example.org/b.ico', 32, 32, 1, 1600000000.5),"
    " (3, 'https://cdn.example.net/c.ico', NULL, NULL, 0, 1600000000.5);"
    "INSERT INTO favicon_sites VALUES (1, 2, 1), (2, 1, 2), (3, 2, 3);";

static const char *const iocs[] = {
    "[domain-name:value='example.org']",
    "[url:value='http://example.com/thisisbad']",
    NULL,
};

static void test_records(void **state)
{
    struct vgh_result r;
    char *dir = vgh_backup_sql(DOMAIN, RELPATH, schema, NULL);
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
    assert_int_equal(vgh_coverage(&r, "firefox_history", "found", RELPATH), 1);
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

static void test_hits_and_near_miss(void **state)
{
    struct vgh_result r;
    char *dir = vgh_backup_sql(DOMAIN, RELPATH, schema, NULL);
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
    char *dir = vgh_backup_sql(DOMAIN, RELPATH, schema, NULL);

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
    char *dir = vgh_backup_bytes(DOMAIN, RELPATH, junk, sizeof(junk) - 1);

    (void)state;
    vgh_run_unreadable(dir, iocs, "firefox_history", DOMAIN "/" RELPATH, &r);
    assert_int_equal(vgh_coverage(&r, "firefox_history", "unreadable", RELPATH), 1);
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

/* Newer Firefox versions keep history elsewhere: no visits table. */
static void test_missing_table(void **state)
{
    struct vgh_result r;
    char *dir = vgh_backup_sql(DOMAIN, RELPATH,
                               "CREATE TABLE bookmarks (id INTEGER PRIMARY KEY, url TEXT);", NULL);

    (void)state;
    vgh_run_ok(dir, iocs, "firefox_history", &r);
    assert_int_equal(json_array_size(r.records), 0);
    assert_int_equal(r.warnings, 0);
    assert_int_equal(vgh_coverage(&r, "firefox_history", "partial", RELPATH), 1);
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
    vgh_mvt_backup_absent("firefox_history", RELPATH);
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
