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

static char *write_db(const char *dir, const char *sql1, const char *sql2)
{
    size_t n = strlen(dir) + 16;
    char *p = malloc(n);
    assert_non_null(p);
    snprintf(p, n, "%s/du.sqlite", dir);
    assert_int_equal(vgfix_sqlite_exec(p, sql1), 0);
    if (sql2)
        assert_int_equal(vgfix_sqlite_exec(p, sql2), 0);
    return p;
}

/* A backup in dir/bk holding the database built from the two scripts. */
static char *build_backup(const char *dir, const char *sql1, const char *sql2)
{
    size_t n = strlen(dir) + 8;
    char *bk = malloc(n), *db = write_db(dir, sql1, sql2);
    struct vgfix_backup *b;

    assert_non_null(bk);
    snprintf(bk, n, "%s/bk", dir);
    b = vgfix_backup_new(bk);
    assert_non_null(b);
    assert_int_equal(vgfix_backup_add_file_from(b, DOMAIN, RELPATH, db), 0);
    assert_int_equal(vgfix_backup_finish(b), 0);
    vgfix_backup_free(b);
    free(db);
    return bk;
}

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
    char *dir = vgfix_tmpdir("du"), *bk = build_backup(dir, schema, rows);
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
    vgfix_rmtree(dir);
    free(bk);
    free(bundle);
    free(dir);
}

static void test_alerts(void **state)
{
    char *dir = vgfix_tmpdir("du"), *bk = build_backup(dir, schema, rows);
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
    vgfix_rmtree(dir);
    free(bk);
    free(bundle);
    free(dir);
}

static void test_near_miss_only(void **state)
{
    static const char *const near[] = {
        "[process:name='oleaccountd']",
        "[process:name='com.evil']",
        "[process:name='agent']",
        NULL,
    };
    char *dir = vgfix_tmpdir("du"), *bk = build_backup(dir, schema, rows);
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
    vgfix_rmtree(dir);
    free(bk);
    free(bundle);
    free(dir);
}

static void test_timeline(void **state)
{
    char *dir = vgfix_tmpdir("du"), *bk = build_backup(dir, schema, rows);
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
    vgfix_rmtree(dir);
    free(bk);
    free(dir);
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
    char *dir = vgfix_tmpdir("du"), *bk = build_backup(dir, schema_no_wifi, more);
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
    vgfix_rmtree(dir);
    free(bk);
    free(dir);
}

/* Ids 1 and 2^62: the gap is reported up to the cap, then counted once. */
static void test_huge_gap(void **state)
{
    static const char far[] =
        "INSERT INTO ZPROCESS VALUES (1, 2, 1, 600000000.0, 600000100.0, 'a', 'a/a');"
        "INSERT INTO ZPROCESS VALUES (4611686018427387904, 2, 1, 600000200.0, 600000300.0, 'b', "
        "'b/b');";
    char *dir = vgfix_tmpdir("du"), *bk = build_backup(dir, schema, far);
    struct vgh_result r;
    (void)state;

    vgh_run(bk, NULL, "datausage", &r);
    assert_int_equal(r.rc, VG_OK);
    assert_int_equal(json_array_size(r.alerts), 10000);
    assert_int_equal(json_array_size(r.records), 2 + 10000);
    assert_non_null(strstr(r.diag_text, "4611686018427377902 more missing process ids"));
    vgh_result_free(&r);
    vgfix_rmtree(dir);
    free(bk);
    free(dir);
}

static void test_malformed(void **state)
{
    char *dir = vgfix_tmpdir("du");
    size_t n = strlen(dir) + 8;
    char *bk = malloc(n);
    struct vgfix_backup *b;
    struct vgh_result r;
    static const char junk[] = "this is not an SQLite database, just text that looks like one";
    (void)state;

    assert_non_null(bk);
    snprintf(bk, n, "%s/bk", dir);
    b = vgfix_backup_new(bk);
    assert_non_null(b);
    assert_int_equal(vgfix_backup_add_file(b, DOMAIN, RELPATH, junk, sizeof(junk)), 0);
    assert_int_equal(vgfix_backup_finish(b), 0);
    vgfix_backup_free(b);

    vgh_run(bk, NULL, "datausage", &r);
    assert_int_equal(r.rc, VG_OK);
    assert_int_equal(json_array_size(r.records), 0);
    assert_true(r.warnings >= 1);
    assert_non_null(strstr(r.diag_text, DISPLAY));
    vgh_result_free(&r);
    vgfix_rmtree(dir);
    free(bk);
    free(dir);
}

static void test_missing_table(void **state)
{
    char *dir = vgfix_tmpdir("du");
    char *bk = build_backup(dir, "CREATE TABLE ZPROCESS (Z_PK INTEGER PRIMARY KEY);", NULL);
    struct vgh_result r;
    (void)state;

    vgh_run(bk, NULL, "datausage", &r);
    assert_int_equal(r.rc, VG_OK);
    assert_int_equal(json_array_size(r.records), 0);
    assert_true(r.warnings >= 1);
    assert_non_null(strstr(r.diag_text, DISPLAY));
    vgh_result_free(&r);
    vgfix_rmtree(dir);
    free(bk);
    free(dir);
}

/* check-iocs on a folder holding only datausage.json. */
static json_t *check_saved(const char *records_json, const char *bundle, size_t *n_records)
{
    char *dir = vgfix_tmpdir("du-saved"), *out = vgfix_tmpdir("du-out");
    char path[4096];
    struct vg_iocs *x = NULL;
    struct vg_diag *d = NULL;
    struct vg_scan_opts so;
    struct vg_summary sum;
    json_t *alerts, *recs;

    snprintf(path, sizeof(path), "%s/datausage.json", dir);
    assert_int_equal(vgfix_write_file(path, records_json, strlen(records_json)), 0);
    assert_int_equal(vg_iocs_new(&x), VG_OK);
    assert_int_equal(vg_diag_new(NULL, NULL, &d), VG_OK);
    assert_int_equal(vg_iocs_load_buffer(x, "test-indicators.stix2", bundle, strlen(bundle), d),
                     VG_OK);
    memset(&so, 0, sizeof(so));
    so.target = dir;
    so.output_dir = out;
    assert_int_equal(vg_check_iocs(x, &so, d, &sum), VG_OK);
    snprintf(path, sizeof(path), "%s/datausage_detected.json", out);
    alerts = json_load_file(path, 0, NULL);
    snprintf(path, sizeof(path), "%s/datausage.json", out);
    recs = json_load_file(path, 0, NULL);
    *n_records = json_array_size(recs);
    json_decref(recs);
    vg_iocs_free(x);
    vg_diag_free(d);
    vgfix_rmtree(dir);
    vgfix_rmtree(out);
    free(dir);
    free(out);
    return alerts ? alerts : json_array();
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
    size_t n = 0;
    json_t *alerts = check_saved(saved, bundle, &n);
    (void)state;

    assert_int_equal(json_array_size(alerts), 2);
    assert_alert(json_array_get(alerts, 0), "LOW",
                 "Missing process 2. Previous process at \"2020-01-01 00:00:00.000000\" (a/com.a)",
                 NULL);
    assert_alert(json_array_get(alerts, 1), "CRITICAL",
                 "Found a known suspicious process name \"agentd/com.evil.agent\" matching "
                 "indicators from \"TestMalware\"",
                 "com.evil.agent");
    assert_int_equal(n, 3); /* the placeholder is added, as MVT does */
    json_decref(alerts);
    free(bundle);
}

/* ---- MVT's results on its own test backup ---- */

static char *shared_bundle(void)
{
    char *p = vgfix_shared_path("mvt-artifacts/stix2/test-indicators.stix2");
    char *text = p ? vgfix_read_file(p, NULL) : NULL;
    free(p);
    return text;
}

static int cmp_line(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The rows of one plugin in an MVT-style timeline.csv, sorted: MVT builds
 * each module's timeline from a set, so rows with one timestamp come in any
 * order. */
static size_t plugin_rows(const char *csv, const char *plugin, char ***out)
{
    char tag[64];
    size_t n = 0, cap = 0;
    char **v = NULL;
    const char *p = csv;

    snprintf(tag, sizeof(tag), "\",\"%s\",\"", plugin);
    while (*p) {
        const char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        char *line = strndup(p, len);
        assert_non_null(line);
        if (strstr(line, tag)) {
            if (n == cap) {
                cap = cap ? cap * 2 : 64;
                v = realloc(v, cap * sizeof(*v));
                assert_non_null(v);
            }
            v[n++] = line;
        } else {
            free(line);
        }
        p += len + (e ? 1 : 0);
    }
    if (n)
        qsort(v, n, sizeof(*v), cmp_line);
    *out = v;
    return n;
}

static void free_rows(char **v, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* Level, message, matched indicator and event of each alert, in order. */
static void assert_same_alerts(const json_t *got, const json_t *want)
{
    static const char *const keys[] = {"level", "message", "matched_indicator", "event",
                                       "event_time"};
    size_t i, k;

    assert_int_equal(json_array_size(got), json_array_size(want));
    for (i = 0; i < json_array_size(want); i++)
        for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
            assert_true(json_equal(json_object_get(json_array_get(got, i), keys[k]),
                                   json_object_get(json_array_get(want, i), keys[k])));
}

static void test_mvt_test_backup(void **state)
{
    char *backup = vgfix_shared_path("mvt-artifacts/ios_backup");
    char *res = vgfix_shared_path("mvt-artifacts/mvt-results/ios-backup-testiocs");
    char *bundle = shared_bundle(), *csv, path[4096];
    char **got_rows = NULL, **want_rows = NULL;
    size_t n_got, n_want, i;
    json_t *want, *want_alerts;
    struct vgh_result r;
    (void)state;

    if (!backup || !res || !bundle) {
        printf("../shared/mvt-artifacts not found: MVT comparison skipped\n");
        free(backup);
        free(res);
        free(bundle);
        skip();
    }
    vgh_run(backup, bundle, "datausage", &r);
    snprintf(path, sizeof(path), "%s/datausage.json", res);
    want = json_load_file(path, 0, NULL);
    snprintf(path, sizeof(path), "%s/datausage_detected.json", res);
    want_alerts = json_load_file(path, 0, NULL);
    assert_non_null(want);
    assert_non_null(want_alerts);
    assert_int_equal(json_array_size(r.records), 42);
    assert_true(json_equal(r.records, want));
    assert_same_alerts(r.alerts, want_alerts);

    snprintf(path, sizeof(path), "%s/timeline.csv", res);
    csv = vgfix_read_file(path, NULL);
    assert_non_null(csv);
    n_want = plugin_rows(csv, "Datausage", &want_rows);
    n_got = plugin_rows(r.timeline, "Datausage", &got_rows);
    assert_int_equal(n_want, 60);
    assert_int_equal(n_got, n_want);
    for (i = 0; i < n_want; i++)
        assert_string_equal(got_rows[i], want_rows[i]);
    free_rows(got_rows, n_got);
    free_rows(want_rows, n_want);
    free(csv);
    json_decref(want);
    json_decref(want_alerts);
    vgh_result_free(&r);
    free(backup);
    free(res);
    free(bundle);
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
        cmocka_unit_test(test_mvt_test_backup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
