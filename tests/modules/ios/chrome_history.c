/*
 * ChromeHistory: records as MVT writes them (Chrome's 1601-based
 * microsecond times), URL checks with a planted hit and near misses, the
 * timeline, a deleted visit recovered, damaged and older databases,
 * check-iocs on saved records, and MVT's test backup.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "harness.h"

#define DOMAIN  "AppDomain-com.google.chrome.ios"
#define RELPATH "Library/Application Support/Google/Chrome/Default/History"

/* Chromium's urls and visits tables (components/history), the columns
 * MVT reads and a few more. */
static const char schema[] =
    "CREATE TABLE urls(id INTEGER PRIMARY KEY AUTOINCREMENT, url LONGVARCHAR, title LONGVARCHAR,"
    " visit_count INTEGER DEFAULT 0 NOT NULL, typed_count INTEGER DEFAULT 0 NOT NULL,"
    " last_visit_time INTEGER NOT NULL, hidden INTEGER DEFAULT 0 NOT NULL);"
    "CREATE TABLE visits(id INTEGER PRIMARY KEY, url INTEGER NOT NULL,"
    " visit_time INTEGER NOT NULL, from_visit INTEGER, transition INTEGER DEFAULT 0 NOT NULL,"
    " segment_id INTEGER, visit_duration INTEGER DEFAULT 0 NOT NULL);";

static const char rows[] =
    "INSERT INTO urls VALUES (1, 'https://badbadbad.example.org/landing', 'Landing', 1, 0,"
    " 13300000000000000, 0);"
    "INSERT INTO urls VALUES (2, 'https://evil-example.org/', 'Look-alike', 1, 0,"
    " 13300000123456789, 0);"
    "INSERT INTO urls VALUES (3, 'https://example.org.attacker.net/x', 'Suffix', 1, 0,"
    " 13250000000000001, 0);"
    "INSERT INTO urls VALUES (4, 'http://example.com/thisisgood', 'Other path', 1, 0,"
    " 13250000000000001, 0);"
    /* visit 4 shares visit 1's time: the visit id orders them */
    "INSERT INTO visits VALUES (4, 2, 13300000000000000, 1, 805306368, 0, 0);"
    "INSERT INTO visits VALUES (1, 1, 13300000000000000, 0, 805306368, 0, 0);"
    "INSERT INTO visits VALUES (2, 2, 13300000123456789, 1, 805306368, 0, 0);"
    "INSERT INTO visits VALUES (3, 3, 13250000000000001, NULL, 1, 0, 0);"
    "INSERT INTO visits VALUES (5, 4, 13250000000000001, 0, 1, 0, 0);";

static const char *const iocs[] = {
    "[domain-name:value='example.org']",
    "[url:value='http://example.com/thisisbad']",
    NULL,
};

static char *history_backup(void)
{
    char sql[sizeof(schema) + sizeof(rows)];

    snprintf(sql, sizeof(sql), "%s%s", schema, rows);
    return vgh_backup_sql(DOMAIN, RELPATH, sql, NULL);
}

static void test_records(void **state)
{
    struct vgh_result r;
    char *dir = history_backup();
    const json_t *rec;

    (void)state;
    vgh_run_ok(dir, NULL, "chrome_history", &r);
    assert_int_equal(json_array_size(r.records), 5);
    rec = json_array_get(r.records, 0);
    vgh_assert_keys(rec, "id,url,visit_id,timestamp,isodate,redirect_source");
    assert_int_equal(vgh_int(rec, "id"), 3);
    assert_string_equal(vgh_str(rec, "url"), "https://example.org.attacker.net/x");
    assert_int_equal(vgh_int(rec, "visit_id"), 3);
    assert_int_equal(vgh_int(rec, "timestamp"), 13250000000000001LL);
    assert_string_equal(vgh_str(rec, "isodate"), "2020-11-16 11:33:20.000001");
    vgh_assert_null(rec, "redirect_source");
    /* same time: visit id order */
    assert_int_equal(vgh_int(json_array_get(r.records, 1), "visit_id"), 5);
    rec = json_array_get(r.records, 2);
    assert_int_equal(vgh_int(rec, "visit_id"), 1);
    assert_string_equal(vgh_str(rec, "isodate"), "2022-06-18 04:26:40.000000");
    assert_int_equal(vgh_int(rec, "redirect_source"), 0);
    assert_int_equal(vgh_int(json_array_get(r.records, 3), "visit_id"), 4);
    rec = json_array_get(r.records, 4);
    assert_int_equal(vgh_int(rec, "id"), 2);
    assert_string_equal(vgh_str(rec, "isodate"), "2022-06-18 04:28:43.456789");
    assert_int_equal(vgh_int(rec, "redirect_source"), 1);
    assert_int_equal(vgh_coverage(&r, "chrome_history", "found", RELPATH), 1);
    assert_int_equal(r.warnings, 0);
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

static void test_hit_and_near_misses(void **state)
{
    struct vgh_result r;
    char *dir = history_backup();
    const json_t *a;

    (void)state;
    vgh_run_ok(dir, iocs, "chrome_history", &r);
    /* only the visit to badbadbad.example.org: not evil-example.org, not
     * example.org.attacker.net, not another path on example.com */
    assert_int_equal(json_array_size(r.alerts), 1);
    a = vgh_alert(&r, 0);
    vgh_assert_alert(a, "CRITICAL", "example.org", "domains");
    assert_non_null(strstr(vgh_str(a, "message"), "https://badbadbad.example.org/landing"));
    assert_string_equal(vgh_str(a, "event_time"), "2022-06-18 04:26:40.000000");
    assert_int_equal(vgh_int(json_object_get(a, "event"), "visit_id"), 1);
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

/* A deleted visit, the planted one: recovered, joined to its live page,
 * checked, its alert saying where it was found; with secure_delete on,
 * nothing remains. */
static void test_deleted_visit(void **state)
{
    char sql[sizeof(schema) + sizeof(rows) + 128];
    struct vgh_result r;
    const json_t *rec, *a;
    char *dir;
    int secure;

    (void)state;
    for (secure = 0; secure < 2; secure++) {
        snprintf(sql, sizeof(sql), "%s%sPRAGMA secure_delete=%s; DELETE FROM visits WHERE id = 1;",
                 schema, rows, secure ? "ON" : "OFF");
        dir = vgh_backup_sql(DOMAIN, RELPATH, sql, NULL);
        vgh_run_ok(dir, iocs, "chrome_history", &r);
        assert_int_equal(json_array_size(r.records), 4);
        assert_int_equal(json_array_size(r.recovered), secure ? 0 : 1);
        assert_int_equal(json_array_size(r.alerts), secure ? 0 : 1);
        if (!secure) {
            rec = json_array_get(r.recovered, 0);
            assert_string_equal(vgh_str(rec, "url"), "https://badbadbad.example.org/landing");
            assert_string_equal(vgh_must_str(json_object_get(rec, "recovered"), "table"), "visits");
            a = vgh_alert(&r, 0);
            vgh_assert_alert(a, "CRITICAL", "example.org", "domains");
            assert_non_null(strstr(vgh_str(a, "message"), "in a deleted record recovered from"));
        }
        vgh_result_free(&r);
        vgh_cleanup(dir);
    }
}

static void test_timeline(void **state)
{
    struct vgh_result r;
    char *dir = history_backup();

    (void)state;
    vgh_run_ok(dir, NULL, "chrome_history", &r);
    assert_int_equal(vgh_tl_count(&r, "ChromeHistory"), 5);
    assert_true(vgh_tl_has(&r, "2022-06-18 04:26:40.000000", "ChromeHistory", "visit",
                           "1 - https://badbadbad.example.org/landing (visit ID: 1, redirect "
                           "source: 0)"));
    assert_true(vgh_tl_has(&r, "2020-11-16 11:33:20.000001", "ChromeHistory", "visit",
                           "3 - https://example.org.attacker.net/x (visit ID: 3, redirect "
                           "source: None)"));
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

static void test_not_sqlite(void **state)
{
    static const char junk[] = "this is not a History database\n";
    struct vgh_result r;
    char *dir = vgh_backup_bytes(DOMAIN, RELPATH, junk, sizeof(junk) - 1);

    (void)state;
    vgh_run_unreadable(dir, iocs, "chrome_history", DOMAIN "/" RELPATH, &r);
    assert_int_equal(vgh_coverage(&r, "chrome_history", "unreadable", RELPATH), 1);
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

static void test_missing_table(void **state)
{
    struct vgh_result r;
    char *dir = vgh_backup_sql(DOMAIN, RELPATH,
                               "CREATE TABLE meta(key LONGVARCHAR, value LONGVARCHAR);", NULL);

    (void)state;
    vgh_run_ok(dir, iocs, "chrome_history", &r);
    assert_int_equal(json_array_size(r.records), 0);
    assert_int_equal(vgh_coverage(&r, "chrome_history", "partial", RELPATH), 1);
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

/* Hostile values: NULL and text times, a time past year 9999, a URL with
 * bytes that are not UTF-8. */
static void test_hostile_values(void **state)
{
    static const char sql[] =
        "CREATE TABLE urls(id INTEGER PRIMARY KEY, url LONGVARCHAR);"
        "CREATE TABLE visits(id INTEGER PRIMARY KEY, url INTEGER, visit_time, from_visit);"
        "INSERT INTO urls VALUES (1, NULL), (2, 'https://x.example.org/' || X'FF' || 'z');"
        "INSERT INTO visits VALUES (1, 1, NULL, NULL), (2, 2, 'soon', 'x'),"
        " (3, 2, 9223372036854775807, 0), (4, 2, -9223372036854775807, 0);";
    struct vgh_result r;
    char *dir = vgh_backup_sql(DOMAIN, RELPATH, sql, NULL);
    size_t i;

    (void)state;
    vgh_run_ok(dir, iocs, "chrome_history", &r);
    assert_int_equal(json_array_size(r.records), 4);
    for (i = 0; i < 4; i++)
        assert_string_equal(vgh_str(json_array_get(r.records, i), "isodate"), "");
    /* the damaged URL is still checked */
    assert_true(json_array_size(r.alerts) >= 1);
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

static void test_check_records_alone(void **state)
{
    json_t *records = json_pack(
        "[{s:i, s:s, s:i, s:I, s:s, s:i}, {s:i, s:s, s:i, s:I, s:s, s:n}]", "id", 7, "url",
        "http://example.com/thisisbad", "visit_id", 9, "timestamp", (json_int_t)13300000000000000,
        "isodate", "2022-06-18 04:26:40.000000", "redirect_source", 0, "id", 8, "url",
        "https://example.net/", "visit_id", 10, "timestamp", (json_int_t)13300000000000000,
        "isodate", "2022-06-18 04:26:40.000000", "redirect_source");
    json_t *alerts = vgh_check_patterns("chrome_history", records, iocs);

    (void)state;
    assert_int_equal(json_array_size(alerts), 1);
    vgh_assert_alert(json_array_get(alerts, 0), "CRITICAL", "http://example.com/thisisbad", "urls");
    assert_string_equal(vgh_str(json_array_get(alerts, 0), "event_time"),
                        "2022-06-18 04:26:40.000000");
    json_decref(alerts);
    json_decref(records);
}

static void test_mvt_backup(void **state)
{
    (void)state;
    vgh_mvt_backup_absent("chrome_history", RELPATH);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_records),        cmocka_unit_test(test_hit_and_near_misses),
        cmocka_unit_test(test_deleted_visit),  cmocka_unit_test(test_timeline),
        cmocka_unit_test(test_not_sqlite),     cmocka_unit_test(test_missing_table),
        cmocka_unit_test(test_hostile_values), cmocka_unit_test(test_check_records_alone),
        cmocka_unit_test(test_mvt_backup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
