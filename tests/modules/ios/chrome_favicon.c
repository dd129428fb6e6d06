/*
 * ChromeFavicon: records as MVT writes them (sorted by date, the bitmap's
 * last update else its last request), page and icon URL checks, the
 * timeline, older and damaged databases, check-iocs on saved records, and
 * MVT's test backup.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "harness.h"

#define DOMAIN  "AppDomain-com.google.chrome.ios"
#define RELPATH "Library/Application Support/Google/Chrome/Default/Favicons"

/* Chromium's favicon database (components/favicon): the tables MVT joins. */
#define SCHEMA_HEAD                                                                                \
    "CREATE TABLE icon_mapping(id INTEGER PRIMARY KEY, page_url LONGVARCHAR NOT NULL,"             \
    " icon_id INTEGER);"                                                                           \
    "CREATE TABLE favicons(id INTEGER PRIMARY KEY, url LONGVARCHAR NOT NULL,"                      \
    " icon_type INTEGER DEFAULT 1);"

static const char current[] = SCHEMA_HEAD
    "CREATE TABLE favicon_bitmaps(id INTEGER PRIMARY KEY, icon_id INTEGER NOT NULL,"
    " last_updated INTEGER DEFAULT 0, image_data BLOB, width INTEGER DEFAULT 0,"
    " height INTEGER DEFAULT 0, last_requested INTEGER DEFAULT 0);"
    "INSERT INTO favicons VALUES (1, 'https://cdn.example.org/favicon.ico', 1),"
    " (2, 'https://www.example.net/favicon.ico', 1), (3, 'https://evil-example.org/f.ico', 1);"
    "INSERT INTO icon_mapping VALUES (1, 'https://news.example.net/', 1),"
    " (2, 'https://tracker.example.org/p', 2), (3, 'https://evil-example.org/', 3);"
    "INSERT INTO favicon_bitmaps VALUES (1, 1, 13300000000000000, X'89504E47', 16, 16, 0),"
    " (2, 2, 0, X'89504E47', 16, 16, 13250000000000001),"
    " (3, 3, 13260000000000000, X'89504E47', 32, 32, 13255555555555555);";

/* Before Chrome 61 favicon_bitmaps had no last_requested. */
static const char older[] =
    SCHEMA_HEAD "CREATE TABLE favicon_bitmaps(id INTEGER PRIMARY KEY, icon_id INTEGER NOT NULL,"
                " last_updated INTEGER DEFAULT 0, image_data BLOB, width INTEGER DEFAULT 0,"
                " height INTEGER DEFAULT 0);"
                "INSERT INTO favicons VALUES (1, 'https://cdn.example.org/favicon.ico', 1);"
                "INSERT INTO icon_mapping VALUES (1, 'https://news.example.net/', 1);"
                "INSERT INTO favicon_bitmaps VALUES (1, 1, 13260000000000000, NULL, 16, 16);";

static const char *const iocs[] = {
    "[domain-name:value='example.org']",
    NULL,
};

static void test_records(void **state)
{
    struct vgh_result r;
    char *dir = vgh_backup_sql(DOMAIN, RELPATH, current, NULL);
    const json_t *rec;

    (void)state;
    vgh_run_ok(dir, NULL, "chrome_favicon", &r);
    assert_int_equal(json_array_size(r.records), 3);
    /* sorted by date; the second bitmap was never updated, only requested */
    rec = json_array_get(r.records, 0);
    vgh_assert_keys(rec, "url,icon_url,timestamp,isodate");
    assert_string_equal(vgh_str(rec, "url"), "https://tracker.example.org/p");
    assert_string_equal(vgh_str(rec, "icon_url"), "https://www.example.net/favicon.ico");
    assert_int_equal(vgh_int(rec, "timestamp"), 13250000000000001LL);
    assert_string_equal(vgh_str(rec, "isodate"), "2020-11-16 11:33:20.000001");
    rec = json_array_get(r.records, 1);
    assert_string_equal(vgh_str(rec, "url"), "https://evil-example.org/");
    assert_int_equal(vgh_int(rec, "timestamp"), 13260000000000000LL);
    assert_string_equal(vgh_str(rec, "isodate"), "2021-03-12 05:20:00.000000");
    rec = json_array_get(r.records, 2);
    assert_string_equal(vgh_str(rec, "url"), "https://news.example.net/");
    assert_string_equal(vgh_str(rec, "icon_url"), "https://cdn.example.org/favicon.ico");
    assert_string_equal(vgh_str(rec, "isodate"), "2022-06-18 04:26:40.000000");
    assert_int_equal(r.warnings, 0);
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

static void test_page_and_icon_hits(void **state)
{
    struct vgh_result r;
    char *dir = vgh_backup_sql(DOMAIN, RELPATH, current, NULL);
    const json_t *a;

    (void)state;
    vgh_run_ok(dir, iocs, "chrome_favicon", &r);
    /* the page on tracker.example.org and the icon on cdn.example.org; not
     * evil-example.org */
    assert_int_equal(json_array_size(r.alerts), 2);
    a = vgh_alert(&r, 0);
    vgh_assert_alert(a, "CRITICAL", "example.org", "domains");
    assert_non_null(strstr(vgh_str(a, "message"), "https://tracker.example.org/p"));
    assert_string_equal(vgh_str(a, "event_time"), "2020-11-16 11:33:20.000001");
    a = vgh_alert(&r, 1);
    vgh_assert_alert(a, "CRITICAL", "example.org", "domains");
    assert_non_null(strstr(vgh_str(a, "message"), "https://cdn.example.org/favicon.ico"));
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

static void test_timeline(void **state)
{
    struct vgh_result r;
    char *dir = vgh_backup_sql(DOMAIN, RELPATH, current, NULL);

    (void)state;
    vgh_run_ok(dir, NULL, "chrome_favicon", &r);
    assert_int_equal(vgh_tl_count(&r, "ChromeFavicon"), 3);
    assert_true(vgh_tl_has(&r, "2022-06-18 04:26:40.000000", "ChromeFavicon", "new_favicon",
                           "https://cdn.example.org/favicon.ico from https://news.example.net/"));
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

static void test_older_schema(void **state)
{
    struct vgh_result r;
    char *dir = vgh_backup_sql(DOMAIN, RELPATH, older, NULL);

    (void)state;
    vgh_run_ok(dir, iocs, "chrome_favicon", &r);
    assert_int_equal(json_array_size(r.records), 1);
    assert_string_equal(vgh_str(json_array_get(r.records, 0), "isodate"),
                        "2021-03-12 05:20:00.000000");
    assert_int_equal(json_array_size(r.alerts), 1);
    assert_int_equal(vgh_coverage(&r, "chrome_favicon", "partial", NULL), 0);
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

static void test_not_sqlite(void **state)
{
    static const char junk[] = "SQLite format 2\0 truncated";
    struct vgh_result r;
    char *dir = vgh_backup_bytes(DOMAIN, RELPATH, junk, sizeof(junk) - 1);

    (void)state;
    vgh_run_unreadable(dir, iocs, "chrome_favicon", DOMAIN "/" RELPATH, &r);
    assert_int_equal(vgh_coverage(&r, "chrome_favicon", "unreadable", RELPATH), 1);
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

static void test_missing_table(void **state)
{
    struct vgh_result r;
    char *dir = vgh_backup_sql(DOMAIN, RELPATH, SCHEMA_HEAD, NULL);

    (void)state;
    vgh_run_ok(dir, iocs, "chrome_favicon", &r);
    assert_int_equal(json_array_size(r.records), 0);
    assert_int_equal(r.warnings, 0);
    assert_int_equal(vgh_coverage(&r, "chrome_favicon", "partial", RELPATH), 1);
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

static void test_check_records_alone(void **state)
{
    json_t *records =
        json_pack("[{s:s, s:s, s:I, s:s}, {s:s, s:s, s:I, s:s}]", "url", "https://a.example.net/",
                  "icon_url", "https://static.example.org/i.png", "timestamp",
                  (json_int_t)13260000000000000, "isodate", "2021-03-12 05:20:00.000000", "url",
                  "https://example.com/", "icon_url", "https://example.com/i.png", "timestamp",
                  (json_int_t)0, "isodate", "1601-01-01 00:00:00.000000");
    json_t *alerts = vgh_check_patterns("chrome_favicon", records, iocs);

    (void)state;
    assert_int_equal(json_array_size(alerts), 1);
    vgh_assert_alert(json_array_get(alerts, 0), "CRITICAL", "example.org", "domains");
    assert_string_equal(vgh_str(json_array_get(alerts, 0), "event_time"),
                        "2021-03-12 05:20:00.000000");
    json_decref(alerts);
    json_decref(records);
}

static void test_mvt_backup(void **state)
{
    (void)state;
    vgh_mvt_backup_absent("chrome_favicon", RELPATH);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_records),
        cmocka_unit_test(test_page_and_icon_hits),
        cmocka_unit_test(test_timeline),
        cmocka_unit_test(test_older_schema),
        cmocka_unit_test(test_not_sqlite),
        cmocka_unit_test(test_missing_table),
        cmocka_unit_test(test_check_records_alone),
        cmocka_unit_test(test_mvt_backup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
