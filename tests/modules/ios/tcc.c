/*
 * TCC: records from the three TCC.db schemas MVT reads, process indicators
 * on the client (bundle ids and absolute paths), the timeline, malformed
 * databases, the check on saved records, and MVT's own results on its test
 * backup.
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
#define RELPATH "Library/TCC/TCC.db"
#define DISPLAY DOMAIN "/" RELPATH

/* iOS 14 and later (from MVT's test backup). */
static const char schema_v3[] =
    "CREATE TABLE policies ( id INTEGER NOT NULL PRIMARY KEY, bundle_id TEXT NOT NULL, uuid "
    "TEXT NOT NULL, display TEXT NOT NULL, UNIQUE (bundle_id, uuid));"
    "CREATE TABLE IF NOT EXISTS \"access\" ( service TEXT NOT NULL, client TEXT NOT NULL, "
    "client_type INTEGER NOT NULL, auth_value INTEGER NOT NULL, auth_reason INTEGER NOT NULL, "
    "auth_version INTEGER NOT NULL, csreq BLOB, policy_id INTEGER, "
    "indirect_object_identifier_type INTEGER, indirect_object_identifier TEXT NOT NULL DEFAULT "
    "'UNUSED', indirect_object_code_identity BLOB, flags INTEGER, last_modified INTEGER NOT NULL "
    "DEFAULT (CAST(strftime('%s','now') AS INTEGER)), PRIMARY KEY (service, client, client_type, "
    "indirect_object_identifier), FOREIGN KEY (policy_id) REFERENCES policies(id) ON DELETE "
    "CASCADE ON UPDATE CASCADE);";

/* iOS 12 and 13. */
static const char schema_v2[] =
    "CREATE TABLE access ( service TEXT NOT NULL, client TEXT NOT NULL, client_type INTEGER NOT "
    "NULL, allowed INTEGER NOT NULL, prompt_count INTEGER NOT NULL, csreq BLOB, policy_id "
    "INTEGER, indirect_object_identifier_type INTEGER, indirect_object_identifier TEXT, "
    "indirect_object_code_identity BLOB, flags INTEGER, last_modified INTEGER NOT NULL DEFAULT "
    "(CAST(strftime('%s','now') AS INTEGER)), PRIMARY KEY (service, client, client_type, "
    "indirect_object_identifier));";

/* iOS 11 and earlier. */
static const char schema_v1[] =
    "CREATE TABLE access (service TEXT NOT NULL, client TEXT NOT NULL, client_type INTEGER NOT "
    "NULL, allowed INTEGER NOT NULL, prompt_count INTEGER NOT NULL, csreq BLOB, CONSTRAINT key "
    "PRIMARY KEY (service, client, client_type));";

static const char rows_v3[] =
    "INSERT INTO access (service, client, client_type, auth_value, auth_reason, auth_version, "
    "last_modified) VALUES "
    "('kTCCServiceCamera', 'com.example.app', 0, 2, 4, 1, 1600000000),"
    "('kTCCServiceMicrophone', '/private/var/tmp/roleaccountd', 1, 0, 99, 1, 1600000100),"
    "('kTCCServicePhotos', '/usr/libexec/roleaccountdx', 1, 9, 2, 1, 1600000200);";

static const char rows_v2[] = "INSERT INTO access (service, client, client_type, allowed, "
                              "prompt_count, last_modified) VALUES "
                              "('kTCCServiceCamera', 'com.example.app', 0, 1, 3, 1500000000),"
                              "('kTCCServicePhotos', 'roleaccountd', 0, 0, 1, 1500000000);";

static const char rows_v1[] = "INSERT INTO access (service, client, client_type, allowed, "
                              "prompt_count) VALUES "
                              "('kTCCServiceCamera', 'com.example.app', 0, 1, 2),"
                              "('kTCCServicePhotos', 'roleaccountd', 0, 7, 0);";

static const char *const iocs[] = {
    "[process:name='roleaccountd']",
    NULL,
};

static void run_on(const char *schema, const char *rows, struct vgh_result *r)
{
    char *bk = vgh_backup_sql(DOMAIN, RELPATH, schema, rows);

    vgh_run_ok(bk, iocs, "tcc", r);
    vgh_cleanup(bk);
}

static void assert_record(const json_t *rec, const char *const *kv)
{
    size_t n = 0;
    for (; kv[0]; kv += 2, n++) {
        const char *s = json_string_value(json_object_get(rec, kv[0]));
        assert_non_null(s);
        assert_string_equal(s, kv[1]);
    }
}

static void test_v3(void **state)
{
    static const char *const rec0[] = {
        "service",
        "kTCCServiceCamera",
        "client",
        "com.example.app",
        "client_type",
        "bundle_id",
        "auth_value",
        "allowed",
        "auth_reason_desc",
        "system_set",
        "last_modified",
        "2020-09-13 12:26:40.000000",
        NULL,
    };
    static const char *const rec1[] = {
        "client_type",
        "absolute_path",
        "auth_value",
        "denied",
        "auth_reason_desc",
        "unknown",
        "last_modified",
        "2020-09-13 12:28:20.000000",
        NULL,
    };
    struct vgh_result r;
    const json_t *a, *m;
    (void)state;

    run_on(schema_v3, rows_v3, &r);
    assert_int_equal(json_array_size(r.records), 3);
    assert_record(json_array_get(r.records, 0), rec0);
    assert_int_equal(json_object_size(json_array_get(r.records, 0)), 6);
    assert_record(json_array_get(r.records, 1), rec1);
    /* an unknown auth_value reads as "" */
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(r.records, 2), "auth_value")), "");

    /* an absolute path matches by its last part; roleaccountdx does not */
    assert_int_equal(json_array_size(r.alerts), 1);
    a = json_array_get(r.alerts, 0);
    m = json_object_get(a, "matched_indicator");
    assert_string_equal(json_string_value(json_object_get(a, "level")), "CRITICAL");
    assert_string_equal(json_string_value(json_object_get(a, "message")),
                        "Found a known suspicious process name \"/private/var/tmp/roleaccountd\" "
                        "matching indicators from \"TestMalware\"");
    /* dated by the grant (MVT: "") */
    assert_string_equal(json_string_value(json_object_get(a, "event_time")),
                        "2020-09-13 12:28:20.000000");
    assert_string_equal(json_string_value(json_object_get(m, "value")), "roleaccountd");
    assert_string_equal(json_string_value(json_object_get(m, "type")), "processes");
    assert_string_equal(json_string_value(json_object_get(m, "name")), "TestMalware");
    assert_true(json_equal(json_object_get(a, "event"), json_array_get(r.records, 1)));

    assert_non_null(strstr(r.timeline, "\"2020-09-13 12:26:40.000000\",\"TCC\",\"AccessRequest\","
                                       "\"Access to kTCCServiceCamera by com.example.app "
                                       "allowed\""));
    assert_non_null(strstr(r.timeline,
                           "\"2020-09-13 12:30:00.000000\",\"TCC\",\"AccessRequest\",\"Access to "
                           "kTCCServicePhotos by /usr/libexec/roleaccountdx \""));
    vgh_result_free(&r);
}

static void test_v2(void **state)
{
    static const char *const rec0[] = {
        "service",
        "kTCCServiceCamera",
        "client",
        "com.example.app",
        "client_type",
        "bundle_id",
        "allowed_value",
        "allowed",
        "last_modified",
        "2017-07-14 02:40:00.000000",
        NULL,
    };
    struct vgh_result r;
    const json_t *rec;
    (void)state;

    run_on(schema_v2, rows_v2, &r);
    assert_int_equal(json_array_size(r.records), 2);
    rec = json_array_get(r.records, 0);
    assert_record(rec, rec0);
    assert_int_equal(json_integer_value(json_object_get(rec, "prompt_count")), 3);
    assert_null(json_object_get(rec, "auth_value"));
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(r.records, 1), "allowed_value")),
        "denied");
    assert_int_equal(json_array_size(r.alerts), 1);
    assert_non_null(strstr(r.timeline, "\"2017-07-14 02:40:00.000000\",\"TCC\",\"AccessRequest\","
                                       "\"Access to kTCCServiceCamera by com.example.app "
                                       "allowed\""));
    vgh_result_free(&r);
}

static void test_v1(void **state)
{
    struct vgh_result r;
    const json_t *rec;
    (void)state;

    run_on(schema_v1, rows_v1, &r);
    assert_int_equal(json_array_size(r.records), 2);
    rec = json_array_get(r.records, 0);
    assert_int_equal(json_object_size(rec), 5);
    assert_null(json_object_get(rec, "last_modified"));
    assert_string_equal(json_string_value(json_object_get(rec, "allowed_value")), "allowed");
    assert_int_equal(json_integer_value(json_object_get(rec, "prompt_count")), 2);
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(r.records, 1), "allowed_value")), "");
    assert_int_equal(json_array_size(r.alerts), 1);
    /* no time, no timeline event (as MVT) */
    assert_null(strstr(r.timeline, "AccessRequest"));
    vgh_result_free(&r);
}

static void test_near_miss(void **state)
{
    static const char *const near[] = {
        "[process:name='roleaccount']",
        "[process:name='com.example']",
        "[process:name='tmp']",
        NULL,
    };
    char *bk = vgh_backup_sql(DOMAIN, RELPATH, schema_v3, rows_v3);
    char *bundle = vgh_bundle(near);
    struct vgh_result r;
    (void)state;

    vgh_run(bk, bundle, "tcc", &r);
    assert_int_equal(json_array_size(r.records), 3);
    assert_int_equal(json_array_size(r.alerts), 0);
    vgh_result_free(&r);
    vgh_cleanup(bk);
    free(bundle);
}

static void test_malformed(void **state)
{
    static const char junk[] = "SQLite format 3\0 but then nothing that makes a database";
    struct vgh_result r;
    char *bk;
    (void)state;

    bk = vgh_backup_bytes(DOMAIN, RELPATH, junk, sizeof(junk));
    vgh_run_unreadable(bk, NULL, "tcc", DISPLAY, &r);
    vgh_result_free(&r);
    vgh_cleanup(bk);
}

static void test_unknown_schema(void **state)
{
    struct vgh_result r;
    (void)state;

    run_on("CREATE TABLE access (service TEXT, client TEXT);", NULL, &r);
    assert_int_equal(json_array_size(r.records), 0);
    assert_true(r.warnings >= 1);
    assert_non_null(strstr(r.diag_text, DISPLAY));
    vgh_result_free(&r);
}

static void test_check_on_saved_records(void **state)
{
    static const char saved[] =
        "[{\"service\": \"kTCCServiceLiverpool\", \"client\": \"roleaccountd\", \"client_type\": "
        "\"bundle_id\", \"auth_value\": \"allowed\", \"auth_reason_desc\": \"service_policy\", "
        "\"last_modified\": \"2021-12-03 19:32:03.000000\"},"
        " {\"service\": \"kTCCServiceCamera\", \"client\": \"com.example.app\", \"client_type\": "
        "\"bundle_id\", \"allowed_value\": \"allowed\", \"prompt_count\": 1}]";
    char *bundle = vgh_bundle(iocs);
    struct vgh_check c;
    const json_t *alerts;
    (void)state;

    vgh_check_saved("tcc", saved, bundle, &c);
    assert_int_equal(c.sum.alerts[VG_LEVEL_CRITICAL], 1);
    alerts = c.alerts;
    assert_int_equal(json_array_size(alerts), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(alerts, 0), "message")),
                        "Found a known suspicious process name \"roleaccountd\" matching "
                        "indicators from \"TestMalware\"");
    vgh_check_free(&c);
    free(bundle);
}

/* ---- MVT's results on its own test backup ---- */

static void test_mvt_test_backup(void **state)
{
    /* event_time differs on purpose (docs/mvt-differences.md) */
    static const char *const keys[] = {"level", "message", "matched_indicator", "event"};
    json_t *want_alerts;
    struct vgh_result r;
    (void)state;

    if (!vgh_run_mvt_backup("tcc", &r))
        skip();
    want_alerts = vgh_mvt_result("tcc_detected.json");
    assert_non_null(want_alerts);
    assert_int_equal(json_array_size(r.records), 11);
    vgh_assert_mvt_records(&r, "tcc.json");
    vgh_assert_alerts_equal(r.alerts, want_alerts, keys, sizeof(keys) / sizeof(keys[0]));
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(r.alerts, 0), "event_time")),
        "2021-12-03 19:32:03.000000");
    vgh_assert_mvt_timeline(&r, "TCC", 11);
    json_decref(want_alerts);
    vgh_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_v3),
        cmocka_unit_test(test_v2),
        cmocka_unit_test(test_v1),
        cmocka_unit_test(test_near_miss),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_unknown_schema),
        cmocka_unit_test(test_check_on_saved_records),
        cmocka_unit_test(test_mvt_test_backup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
