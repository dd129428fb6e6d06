/*
 * Datausage: records from DataUsage.sqlite in the real schema, process
 * indicators (MVT's last path part, and the process part and bundle id on
 * their own), deleted process rows, gaps in process ids, the timeline, a
 * malformed database, the check on saved records, and MVT's own results on
 * its test backup.
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

#define DOMAIN  "WirelessDomain"
#define RELPATH "Library/Databases/DataUsage.sqlite"
#define DISPLAY DOMAIN "/" RELPATH

/* The two tables as iOS 13 creates them (from MVT's test backup). */
static const char schema[] =
    "CREATE TABLE ZLIVEUSAGE ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZKIND "
    "INTEGER, ZMETADATA INTEGER, ZTAG INTEGER, ZHASPROCESS INTEGER, ZBILLCYCLEEND TIMESTAMP, "
    "ZTIMESTAMP TIMESTAMP, ZWIFIIN FLOAT, ZWIFIOUT FLOAT, ZWWANIN FLOAT, ZWWANOUT FLOAT );"
    "CREATE TABLE ZPROCESS ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, "
    "ZFIRSTTIMESTAMP TIMESTAMP, ZTIMESTAMP TIMESTAMP, ZBUNDLENAME VARCHAR, ZPROCNAME VARCHAR );"
    "CREATE INDEX ZLIVEUSAGE_ZHASPROCESS_INDEX ON ZLIVEUSAGE (ZHASPROCESS);";

/* Newer iOS: no Wi-Fi columns. */
static const char schema_no_wifi[] =
    "CREATE TABLE ZLIVEUSAGE ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZKIND "
    "INTEGER, ZMETADATA INTEGER, ZTAG INTEGER, ZHASPROCESS INTEGER, ZBILLCYCLEEND TIMESTAMP, "
    "ZTIMESTAMP TIMESTAMP, ZWWANIN FLOAT, ZWWANOUT FLOAT );"
    "CREATE TABLE ZPROCESS ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, "
    "ZFIRSTTIMESTAMP TIMESTAMP, ZTIMESTAMP TIMESTAMP, ZBUNDLENAME VARCHAR, ZPROCNAME VARCHAR );";

/*
 * Processes 1, 2, 3, 5 (4 was deleted: a gap); live usage rows 1 and 2 for
 * process 1, and row 3 for process 7, which is gone (manipulated).
 * 2 plants a process part, 3 a bundle id; 5 is a near miss of both.
 */
static const char rows[] =
    "INSERT INTO ZPROCESS VALUES (1, 2, 1, 600000000.25, 600000100.5, 'com.apple.mobilesafari', "
    "'MobileSafari/com.apple.mobilesafari');"
    "INSERT INTO ZPROCESS VALUES (2, 2, 1, 600000200.0, 600000300.0, NULL, "
    "'roleaccountd/com.apple.roleaccountd');"
    "INSERT INTO ZPROCESS VALUES (3, 2, 1, 600000400.0, 600000500.0, 'com.evil.agent', "
    "'agentd/com.evil.agent');"
    "INSERT INTO ZPROCESS VALUES (5, 2, 1, 600000600.0, 600000700.0, 'com.evil.agent2', "
    "'xroleaccountd/com.evil.agent2');"
    "INSERT INTO ZLIVEUSAGE VALUES (1, 1, 1, 0, 0, 0, 1, NULL, 600001000.0, 10.0, 20.0, 1.5, 2.0);"
    "INSERT INTO ZLIVEUSAGE VALUES (2, 1, 1, 0, 0, 0, 1, NULL, 600002000.0, 0.0, 0.0, 3.0, 4.0);"
    "INSERT INTO ZLIVEUSAGE VALUES (3, 1, 1, 0, 0, 0, 7, NULL, 600003000.0, 0.0, 0.0, 5.0, 6.0);";

static const char *const iocs[] = {
    "[process:name='roleaccountd']",
    "[process:name='com.evil.agent']",
    NULL,
};

static const json_t *find_rec(const json_t *recs, const char *key, json_int_t v)
{
    const json_t *rec;
    size_t i;
    json_array_foreach(recs, i, rec)
    {
        if (json_integer_value(json_object_get(rec, key)) == v)
            return rec;
    }
    return NULL;
}

static void assert_str(const json_t *rec, const char *key, const char *want)
{
    const char *s = json_string_value(json_object_get(rec, key));
    if (!want) {
        assert_true(json_is_null(json_object_get(rec, key)));
        return;
    }
    assert_non_null(s);
    assert_string_equal(s, want);
}

static void assert_real(const json_t *rec, const char *key, double want)
{
    const json_t *v = json_object_get(rec, key);
    assert_true(json_is_real(v));
    assert_true(json_real_value(v) == want);
}

static void assert_alert(const json_t *a, const char *level, const char *msg, const char *ioc)
{
    const json_t *m = json_object_get(a, "matched_indicator");
    assert_string_equal(json_string_value(json_object_get(a, "level")), level);
    assert_string_equal(json_string_value(json_object_get(a, "message")), msg);
    assert_string_equal(json_string_value(json_object_get(a, "module")), "datausage");
    if (!ioc) {
        assert_true(json_is_null(m));
        return;
    }
    assert_string_equal(json_string_value(json_object_get(m, "value")), ioc);
    assert_string_equal(json_string_value(json_object_get(m, "type")), "processes");
    assert_string_equal(json_string_value(json_object_get(m, "name")), "TestMalware");
    assert_string_equal(json_string_value(json_object_get(m, "stix2_file_name")),
                        "test-indicators.stix2");
}

static void test_records(void **state)
{
    char *bk = vgh_backup_sql(DOMAIN, RELPATH, schema, rows);
    char *bundle = vgh_bundle(iocs);
    const json_t *rec;
    struct vgh_result r;
    size_t i;
    (void)state;

    vgh_run(bk, bundle, "datausage", &r);
    assert_int_equal(r.rc, VG_OK);
    /* 3 live rows, 3 processes without live rows, 1 placeholder for id 4 */
    assert_int_equal(json_array_size(r.records), 7);

    rec = find_rec(r.records, "live_id", 1);
    assert_non_null(rec);
    assert_str(rec, "first_isodate", "2020-01-06 10:40:00.250000");
    assert_str(rec, "isodate", "2020-01-06 10:41:40.500000");
    assert_str(rec, "proc_name", "MobileSafari/com.apple.mobilesafari");
    assert_str(rec, "bundle_id", "com.apple.mobilesafari");
    assert_int_equal(json_integer_value(json_object_get(rec, "proc_id")), 1);
    assert_real(rec, "wifi_in", 10.0);
    assert_real(rec, "wifi_out", 20.0);
    assert_real(rec, "wwan_in", 1.5);
    assert_real(rec, "wwan_out", 2.0);
    assert_int_equal(json_integer_value(json_object_get(rec, "live_proc_id")), 1);
    assert_str(rec, "live_isodate", "2020-01-06 10:56:40.000000");

    /* a process without live usage: its first use stands for live_isodate */
    rec = find_rec(r.records, "proc_id", 2);
    assert_non_null(rec);
    assert_str(rec, "bundle_id", NULL);
    assert_true(json_is_null(json_object_get(rec, "live_id")));
    assert_true(json_is_null(json_object_get(rec, "wwan_in")));
    assert_str(rec, "live_isodate", "2020-01-06 10:43:20.000000");

    /* the live row whose process was deleted */
    rec = find_rec(r.records, "live_id", 3);
    assert_non_null(rec);
    assert_true(json_is_null(json_object_get(rec, "proc_id")));
    assert_str(rec, "proc_name", "MANIPULATED [process record deleted]");
    assert_str(rec, "first_isodate", "2020-01-06 11:30:00.000000");
    assert_str(rec, "isodate", "2020-01-06 11:30:00.000000");

    /* MVT's placeholder for the missing id */
    rec = find_rec(r.records, "proc_id", 4);
    assert_non_null(rec);
    assert_str(rec, "proc_name", "MISSING [follows agentd/com.evil.agent]");
    assert_str(rec, "first_isodate", "2020-01-06 10:46:40.000000");
    assert_str(rec, "live_isodate", "2020-01-06 10:46:40.000000");
    assert_int_equal(json_integer_value(json_object_get(rec, "live_proc_id")), 4);
    assert_true(json_is_null(json_object_get(rec, "wifi_in")));
    assert_int_equal(json_object_size(rec), 12);

    /* sorted by first use, as MVT leaves them */
    for (i = 1; i < json_array_size(r.records); i++)
        assert_true(strcmp(json_string_value(
                               json_object_get(json_array_get(r.records, i - 1), "first_isodate")),
                           json_string_value(json_object_get(json_array_get(r.records, i),
                                                             "first_isodate"))) <= 0);
    vgh_result_free(&r);
    vgh_cleanup(bk);
    free(bundle);
}

static void test_alerts(void **state)
{
    char *bk = vgh_backup_sql(DOMAIN, RELPATH, schema, rows);
    char *bundle = vgh_bundle(iocs);
    struct vgh_result r;
    (void)state;

    vgh_run(bk, bundle, "datausage", &r);
    assert_int_equal(json_array_size(r.alerts), 4);
    assert_alert(json_array_get(r.alerts, 0), "HIGH",
                 "Found manipulated process entry 7. Entry on 2020-01-06 11:30:00.000000", NULL);
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(r.alerts, 0), "event_time")),
        "2020-01-06 11:30:00.000000");
    assert_alert(json_array_get(r.alerts, 1), "LOW",
                 "Missing process 4. Previous process at \"2020-01-06 10:46:40.000000\" "
                 "(agentd/com.evil.agent)",
                 NULL);
    /* the process part, which MVT's last-path-part lookup never sees */
    assert_alert(json_array_get(r.alerts, 2), "CRITICAL",
                 "Found a known suspicious process name \"roleaccountd\" matching indicators "
                 "from \"TestMalware\"",
                 "roleaccountd");
    assert_alert(json_array_get(r.alerts, 3), "CRITICAL",
                 "Found a known suspicious process name \"agentd/com.evil.agent\" matching "
                 "indicators from \"TestMalware\"",
                 "com.evil.agent");
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(r.alerts, 3), "event_time")),
        "2020-01-06 10:46:40.000000");
    /* near misses: xroleaccountd, com.evil.agent2 */
    vgh_result_free(&r);
    vgh_cleanup(bk);
    free(bundle);
}

static void test_near_miss_only(void **state)
{
    static const char *const near[] = {
        "[process:name='oleaccountd']",
        "[process:name='com.evil']",
        "[process:name='agent']",
        NULL,
    };
    char *bk = vgh_backup_sql(DOMAIN, RELPATH, schema, rows);
    char *bundle = vgh_bundle(near);
    struct vgh_result r;
    size_t i;
    (void)state;

    vgh_run(bk, bundle, "datausage", &r);
    /* only the two tampering alerts, no indicator hit */
    assert_int_equal(json_array_size(r.alerts), 2);
    for (i = 0; i < json_array_size(r.alerts); i++)
        assert_true(
            json_is_null(json_object_get(json_array_get(r.alerts, i), "matched_indicator")));
    vgh_result_free(&r);
    vgh_cleanup(bk);
    free(bundle);
}

static void test_timeline(void **state)
{
    char *bk = vgh_backup_sql(DOMAIN, RELPATH, schema, rows);
    struct vgh_result r;
    const char *p;
    size_t lines = 0;
    (void)state;

    vgh_run(bk, NULL, "datausage", &r);
    for (p = r.timeline; *p; p++)
        lines += *p == '\n';
    /* header, 7 live_usage, first and current use of process 1 once (its two
     * live rows repeat them, and repeats are dropped as MVT does) */
    assert_int_equal(lines, 1 + 7 + 2);
    assert_non_null(strstr(r.timeline,
                           "\"2020-01-06 10:56:40.000000\",\"Datausage\",\"live_usage\","
                           "\"MobileSafari/com.apple.mobilesafari (Bundle ID: "
                           "com.apple.mobilesafari, ID: 1) WWAN IN: 1.5, WWAN OUT: "
                           "2.0\""));
    assert_non_null(strstr(r.timeline,
                           "\"2020-01-06 10:40:00.250000\",\"Datausage\",\"first_usage\","
                           "\"MobileSafari/com.apple.mobilesafari (Bundle ID: "
                           "com.apple.mobilesafari, ID: 1)\""));
    assert_non_null(strstr(r.timeline,
                           "\"2020-01-06 10:41:40.500000\",\"Datausage\",\"current_usage\","
                           "\"MobileSafari/com.apple.mobilesafari (Bundle ID: "
                           "com.apple.mobilesafari, ID: 1)\""));
    assert_non_null(strstr(r.timeline,
                           "\"2020-01-06 10:43:20.000000\",\"Datausage\",\"live_usage\","
                           "\"roleaccountd/com.apple.roleaccountd (Bundle ID: None, "
                           "ID: 2) WWAN IN: None, WWAN OUT: None\""));
    assert_non_null(strstr(r.timeline,
                           "\"MISSING [follows agentd/com.evil.agent] (Bundle ID: None, "
                           "ID: 4) WWAN IN: None, WWAN OUT: None\""));
    assert_non_null(strstr(r.timeline,
                           "\"2020-01-06 11:30:00.000000\",\"Datausage\",\"live_usage\","
                           "\"MANIPULATED [process record deleted] (Bundle ID: None, "
                           "ID: None) WWAN IN: 5.0, WWAN OUT: 6.0\""));
    vgh_result_free(&r);
    vgh_cleanup(bk);
}

/* No Wi-Fi columns, and a live row with no process: processes without live
 * usage must still be listed (MVT's NOT IN drops them all). */
static void test_no_wifi_schema(void **state)
{
    static const char more[] =
        "INSERT INTO ZPROCESS VALUES (1, 2, 1, 600000000.0, 600000100.0, 'a', 'a/a');"
        "INSERT INTO ZPROCESS VALUES (2, 2, 1, 600000200.0, 600000300.0, 'b', 'b/b');"
        "INSERT INTO ZLIVEUSAGE VALUES (1, 1, 1, 0, 0, 0, 1, NULL, 600001000.0, 7.0, 8.0);"
        "INSERT INTO ZLIVEUSAGE VALUES (2, 1, 1, 0, 0, 0, NULL, NULL, 600002000.0, 1.0, 1.0);";
    char *bk = vgh_backup_sql(DOMAIN, RELPATH, schema_no_wifi, more);
    const json_t *rec;
    struct vgh_result r;
    (void)state;

    vgh_run(bk, NULL, "datausage", &r);
    assert_int_equal(json_array_size(r.records), 3);
    rec = find_rec(r.records, "live_id", 1);
    assert_non_null(rec);
    assert_true(json_is_null(json_object_get(rec, "wifi_in")));
    assert_true(json_is_null(json_object_get(rec, "wifi_out")));
    assert_real(rec, "wwan_in", 7.0);
    assert_non_null(find_rec(r.records, "proc_id", 2));
    vgh_result_free(&r);
    vgh_cleanup(bk);
}

/* Ids 1 and 2^62: the gap is reported up to the cap, then counted once. */
static void test_huge_gap(void **state)
{
    static const char far[] =
        "INSERT INTO ZPROCESS VALUES (1, 2, 1, 600000000.0, 600000100.0, 'a', 'a/a');"
        "INSERT INTO ZPROCESS VALUES (4611686018427387904, 2, 1, 600000200.0, 600000300.0, 'b', "
        "'b/b');";
    char *bk = vgh_backup_sql(DOMAIN, RELPATH, schema, far);
    struct vgh_result r;
    (void)state;

    vgh_run(bk, NULL, "datausage", &r);
    assert_int_equal(r.rc, VG_OK);
    assert_int_equal(json_array_size(r.alerts), 10000);
    assert_int_equal(json_array_size(r.records), 2 + 10000);
    assert_non_null(strstr(r.diag_text, "4611686018427377902 more missing process ids"));
    vgh_result_free(&r);
    vgh_cleanup(bk);
}

static void test_malformed(void **state)
{
    struct vgh_result r;
    char *bk;
    static const char junk[] = "this is not an SQLite database, just text that looks like one";
    (void)state;

    bk = vgh_backup_bytes(DOMAIN, RELPATH, junk, sizeof(junk));

    vgh_run_unreadable(bk, NULL, "datausage", DISPLAY, &r);
    vgh_result_free(&r);
    vgh_cleanup(bk);
}

static void test_missing_table(void **state)
{
    char *bk =
        vgh_backup_sql(DOMAIN, RELPATH, "CREATE TABLE ZPROCESS (Z_PK INTEGER PRIMARY KEY);", NULL);
    struct vgh_result r;
    (void)state;

    vgh_run_unreadable(bk, NULL, "datausage", DISPLAY, &r);
    vgh_result_free(&r);
    vgh_cleanup(bk);
}

static void test_check_on_saved_records(void **state)
{
    /* MVT's record shape: ids 1 and 3 (2 missing), an indicator hit on 3 */
    static const char saved[] =
        "[{\"first_isodate\": \"2020-01-01 00:00:00.000000\", \"isodate\": \"2020-01-01 "
        "00:00:01.000000\", \"proc_name\": \"a/com.a\", \"bundle_id\": \"com.a\", \"proc_id\": 1, "
        "\"wifi_in\": null, \"wifi_out\": null, \"wwan_in\": null, \"wwan_out\": null, "
        "\"live_id\": null, \"live_proc_id\": null, \"live_isodate\": \"2020-01-01 "
        "00:00:00.000000\"},"
        " {\"first_isodate\": \"2020-01-02 00:00:00.000000\", \"isodate\": \"2020-01-02 "
        "00:00:01.000000\", \"proc_name\": \"agentd/com.evil.agent\", \"bundle_id\": "
        "\"com.evil.agent\", \"proc_id\": 3, \"wifi_in\": null, \"wifi_out\": null, \"wwan_in\": "
        "1.0, \"wwan_out\": 2.0, \"live_id\": 9, \"live_proc_id\": 3, \"live_isodate\": "
        "\"2020-01-03 00:00:00.000000\"}]";
    char *bundle = vgh_bundle(iocs);
    struct vgh_check c;
    const json_t *alerts;
    size_t n;
    (void)state;

    vgh_check_saved("datausage", saved, bundle, &c);
    alerts = c.alerts;
    n = json_array_size(c.records);

    assert_int_equal(json_array_size(alerts), 2);
    assert_alert(json_array_get(alerts, 0), "LOW",
                 "Missing process 2. Previous process at \"2020-01-01 00:00:00.000000\" (a/com.a)",
                 NULL);
    assert_alert(json_array_get(alerts, 1), "CRITICAL",
                 "Found a known suspicious process name \"agentd/com.evil.agent\" matching "
                 "indicators from \"TestMalware\"",
                 "com.evil.agent");
    assert_int_equal(n, 3); /* the placeholder is added, as MVT does */
    vgh_check_free(&c);
    free(bundle);
}

/* A run's own records checked again: the same alerts in the same order
 * (tampering first), and the placeholder the records hold is not added a
 * second time. */
static void test_check_on_own_records(void **state)
{
    char *bk = vgh_backup_sql(DOMAIN, RELPATH, schema, rows);
    char *bundle = vgh_bundle(iocs), *text;
    struct vgh_result r;
    struct vgh_check c;
    size_t i;
    (void)state;

    vgh_run(bk, bundle, "datausage", &r);
    text = json_dumps(r.records, JSON_INDENT(4));
    assert_non_null(text);
    vgh_check_saved("datausage", text, bundle, &c);
    assert_int_equal(json_array_size(c.records), json_array_size(r.records));
    assert_int_equal(json_array_size(c.alerts), json_array_size(r.alerts));
    for (i = 0; i < json_array_size(r.alerts); i++) {
        const json_t *a = json_array_get(r.alerts, i), *b = json_array_get(c.alerts, i);
        assert_string_equal(json_string_value(json_object_get(a, "message")),
                            json_string_value(json_object_get(b, "message")));
        assert_true(json_equal(json_object_get(a, "event"), json_object_get(b, "event")));
    }
    /* without the placeholder, the gap is filled again */
    for (i = 0; i < json_array_size(r.records); i++)
        if (json_integer_value(json_object_get(json_array_get(r.records, i), "proc_id")) == 4)
            assert_int_equal(json_array_remove(r.records, i), 0);
    free(text);
    text = json_dumps(r.records, JSON_INDENT(4));
    vgh_check_free(&c);
    vgh_check_saved("datausage", text, bundle, &c);
    assert_int_equal(json_array_size(c.records), json_array_size(r.records) + 1);
    assert_int_equal(json_array_size(c.alerts), 4);
    assert_non_null(find_rec(c.records, "proc_id", 4));
    vgh_check_free(&c);
    free(text);
    vgh_result_free(&r);
    vgh_cleanup(bk);
    free(bundle);
}

/* ---- MVT's results on its own test backup ---- */

static void test_mvt_test_backup(void **state)
{
    /* level, message, matched indicator and event of each alert, in order */
    static const char *const keys[] = {"level", "message", "matched_indicator", "event",
                                       "event_time"};
    json_t *want_alerts;
    struct vgh_result r;
    (void)state;

    if (!vgh_run_mvt_backup("datausage", &r))
        skip();
    want_alerts = vgh_mvt_result("datausage_detected.json");
    assert_non_null(want_alerts);
    assert_int_equal(json_array_size(r.records), 42);
    vgh_assert_mvt_records(&r, "datausage.json");
    vgh_assert_alerts_equal(r.alerts, want_alerts, keys, sizeof(keys) / sizeof(keys[0]));
    vgh_assert_mvt_timeline(&r, "Datausage", 60);
    json_decref(want_alerts);
    vgh_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_records),
        cmocka_unit_test(test_alerts),
        cmocka_unit_test(test_near_miss_only),
        cmocka_unit_test(test_timeline),
        cmocka_unit_test(test_no_wifi_schema),
        cmocka_unit_test(test_huge_gap),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_missing_table),
        cmocka_unit_test(test_check_on_saved_records),
        cmocka_unit_test(test_check_on_own_records),
        cmocka_unit_test(test_mvt_test_backup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
