/*
 * Calls: records as MVT writes them (handles stored as blobs decoded,
 * Cocoa dates), email indicators on FaceTime handles (beyond MVT), the
 * timeline with Python's float formatting, damaged databases, check-iocs
 * on saved records, and MVT's test backup.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "harness.h"

#define DOMAIN  "HomeDomain"
#define RELPATH "Library/CallHistoryDB/CallHistory.storedata"

/* CallHistory.storedata's Core Data table (column types as Core Data
 * declares them); ZADDRESS holds bytes on recent iOS versions. */
static const char schema[] =
    "CREATE TABLE ZCALLRECORD ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER,"
    " ZANSWERED INTEGER, ZCALLTYPE INTEGER, ZORIGINATED INTEGER, ZDATE TIMESTAMP,"
    " ZDURATION FLOAT, ZADDRESS VARCHAR, ZLOCATION VARCHAR, ZSERVICE_PROVIDER VARCHAR,"
    " ZUNIQUE_ID VARCHAR );"
    "INSERT INTO ZCALLRECORD VALUES (3, 2, 1, 1, 1, 0, 700000000.0, 12.0,"
    " X'2B3135353530313030', 'United States', 'com.apple.Telephony', 'A');"
    "INSERT INTO ZCALLRECORD VALUES (1, 2, 1, 1, 8, 1, 700000000.5, 63.56,"
    " 'foobar@example.org', NULL, 'com.apple.FaceTime', 'B');"
    "INSERT INTO ZCALLRECORD VALUES (2, 2, 1, 0, 8, 0, 0, 0.00001,"
    " X'666F6F626172406578616D706C652E6E6574', '', 'com.apple.FaceTime', 'C');"
    "INSERT INTO ZCALLRECORD VALUES (4, 2, 1, 0, 1, 0, NULL, 1e16, X'2B31FF35', NULL, NULL, 'D');";

static const char *const iocs[] = {
    "[email-addr:value='foobar@example.org']",
    "[domain-name:value='example.net']",
    NULL,
};

static void test_records(void **state)
{
    struct vgh_result r;
    char *dir = vgh_backup_sql(DOMAIN, RELPATH, schema, NULL);
    const json_t *rec;

    (void)state;
    vgh_run_ok(dir, NULL, "calls", &r);
    assert_int_equal(json_array_size(r.records), 4);
    /* in Z_PK order */
    rec = json_array_get(r.records, 0);
    vgh_assert_keys(rec, "isodate,duration,location,number,provider");
    assert_string_equal(vgh_str(rec, "isodate"), "2023-03-08 20:26:40.500000");
    assert_true(vgh_real(rec, "duration") == 63.56);
    vgh_assert_null(rec, "location");
    assert_string_equal(vgh_str(rec, "number"), "foobar@example.org");
    assert_string_equal(vgh_str(rec, "provider"), "com.apple.FaceTime");
    rec = json_array_get(r.records, 1);
    assert_string_equal(vgh_str(rec, "isodate"), "");
    assert_string_equal(vgh_str(rec, "location"), "");
    assert_string_equal(vgh_str(rec, "number"), "foobar@example.net");
    rec = json_array_get(r.records, 2);
    assert_string_equal(vgh_str(rec, "isodate"), "2023-03-08 20:26:40.000000");
    assert_true(vgh_real(rec, "duration") == 12.0);
    assert_string_equal(vgh_str(rec, "location"), "United States");
    assert_string_equal(vgh_str(rec, "number"), "+15550100"); /* a blob, decoded */
    assert_string_equal(vgh_str(rec, "provider"), "com.apple.Telephony");
    rec = json_array_get(r.records, 3);
    assert_string_equal(vgh_str(rec, "isodate"), "");
    assert_string_equal(vgh_str(rec, "number"), "+1\xEF\xBF\xBD"
                                                "5"); /* U+FFFD for 0xFF */
    vgh_assert_null(rec, "provider");
    assert_int_equal(r.warnings, 0);
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

static void test_facetime_email_hit(void **state)
{
    struct vgh_result r;
    char *dir = vgh_backup_sql(DOMAIN, RELPATH, schema, NULL);
    const json_t *a;

    (void)state;
    vgh_run_ok(dir, iocs, "calls", &r);
    /* foobar@example.org only: foobar@example.net is a different address,
     * and a domain indicator is not an email indicator */
    assert_int_equal(json_array_size(r.alerts), 1);
    a = vgh_alert(&r, 0);
    vgh_assert_alert(a, "CRITICAL", "foobar@example.org", "emails");
    assert_non_null(strstr(vgh_str(a, "message"), "foobar@example.org"));
    assert_string_equal(vgh_str(a, "event_time"), "2023-03-08 20:26:40.500000");
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

static void test_timeline(void **state)
{
    struct vgh_result r;
    char *dir = vgh_backup_sql(DOMAIN, RELPATH, schema, NULL);

    (void)state;
    vgh_run_ok(dir, NULL, "calls", &r);
    assert_int_equal(vgh_tl_count(&r, "Calls"), 4);
    /* durations as Python prints floats */
    assert_true(vgh_tl_has(&r, "2023-03-08 20:26:40.000000", "Calls", "call",
                           "From +15550100 using com.apple.Telephony during 12.0 seconds"));
    assert_true(vgh_tl_has(&r, "2023-03-08 20:26:40.500000", "Calls", "call",
                           "From foobar@example.org using com.apple.FaceTime during 63.56 "
                           "seconds"));
    assert_true(vgh_tl_has(&r, "", "Calls", "call",
                           "From foobar@example.net using com.apple.FaceTime during 1e-05 "
                           "seconds"));
    assert_true(vgh_tl_has(&r, "", "Calls", "call",
                           "From +1\xEF\xBF\xBD"
                           "5 using None during 1e+16 seconds"));
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

static void test_not_sqlite(void **state)
{
    static const char junk[] = "bplist00 this is not the call history";
    struct vgh_result r;
    char *dir = vgh_backup_bytes(DOMAIN, RELPATH, junk, sizeof(junk) - 1);

    (void)state;
    vgh_run_unreadable(dir, iocs, "calls", DOMAIN "/" RELPATH, &r);
    assert_int_equal(vgh_coverage(&r, "calls", "unreadable", RELPATH), 1);
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

static void test_missing_table(void **state)
{
    struct vgh_result r;
    char *dir = vgh_backup_sql(DOMAIN, RELPATH,
                               "CREATE TABLE Z_METADATA (Z_VERSION INTEGER, Z_UUID VARCHAR(255),"
                               " Z_PLIST BLOB);",
                               NULL);

    (void)state;
    vgh_run_ok(dir, iocs, "calls", &r);
    assert_int_equal(json_array_size(r.records), 0);
    assert_int_equal(r.warnings, 0);
    assert_int_equal(vgh_coverage(&r, "calls", "partial", RELPATH), 1);
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

static void test_check_records_alone(void **state)
{
    /* MVT's records have this shape; the handle is an Apple ID */
    json_t *records = json_pack("[{s:s, s:f, s:n, s:s, s:s}, {s:s, s:f, s:n, s:s, s:s}]", "isodate",
                                "2021-01-01 00:00:00.000000", "duration", 5.0, "location", "number",
                                "FooBar@Example.org", "provider", "com.apple.FaceTime", "isodate",
                                "2021-01-01 00:00:00.000000", "duration", 5.0, "location", "number",
                                "+15550100", "provider", "com.apple.Telephony");
    json_t *alerts = vgh_check_patterns("calls", records, iocs);

    (void)state;
    assert_int_equal(json_array_size(alerts), 1);
    vgh_assert_alert(json_array_get(alerts, 0), "CRITICAL", "foobar@example.org", "emails");
    json_decref(alerts);
    json_decref(records);
}

static void test_mvt_backup(void **state)
{
    (void)state;
    vgh_mvt_backup_absent("calls", RELPATH);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_records),       cmocka_unit_test(test_facetime_email_hit),
        cmocka_unit_test(test_timeline),      cmocka_unit_test(test_not_sqlite),
        cmocka_unit_test(test_missing_table), cmocka_unit_test(test_check_records_alone),
        cmocka_unit_test(test_mvt_backup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
