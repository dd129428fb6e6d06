/*
 * WhatsappContacts: records as MVT writes them (strings Core Data kept as
 * blobs decoded, renamed and missing columns, the disappearing-message
 * timer), the timeline, URL/host and email checks on about text and notes
 * (beyond MVT), damaged databases, check-iocs on saved records, and MVT's
 * test backup (which holds this database).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "harness.h"

#define DOMAIN  "AppDomainGroup-group.net.whatsapp.WhatsApp.shared"
#define RELPATH "ContactsV2.sqlite"
#define PLUGIN  "WhatsappContacts"

/* ContactsV2.sqlite's contact table (Core Data), strings held as blobs. */
static const char schema[] =
    "CREATE TABLE ZWAADDRESSBOOKCONTACT ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER,"
    " Z_OPT INTEGER, ZFULLNAME BLOB, ZGIVENNAME BLOB, ZLASTNAME BLOB, ZUSERNAME BLOB,"
    " ZBUSINESSNAME BLOB, ZPHONENUMBER BLOB, ZLOCALIZEDPHONENUMBER BLOB, ZWHATSAPPID BLOB,"
    " ZLID BLOB, ZABOUTTEXT BLOB, ZABOUTEMOJI BLOB, ZNOTES BLOB,"
    " ZDISAPPEARINGMODEDURATION REAL, ZDISAPPEARINGMODETIMESTAMP REAL, ZABOUTTIMESTAMP REAL,"
    " ZABOUTEXPIRATIONTIMESTAMP REAL, ZLASTUPDATED REAL, ZPHONESTATUS INTEGER,"
    " ZSYNCPOLICY INTEGER );"
    "INSERT INTO ZWAADDRESSBOOKCONTACT VALUES (1, 1, 1, CAST('Alice Example' AS BLOB),"
    " CAST('Alice' AS BLOB), CAST('Example' AS BLOB), CAST('alice.example' AS BLOB), NULL,"
    " CAST('+14155550100' AS BLOB), CAST('(415) 555-0100' AS BLOB),"
    " CAST('14155550100@s.whatsapp.net' AS BLOB), CAST('100000000000001@lid' AS BLOB),"
    " CAST('Hey there! I am using WhatsApp.' AS BLOB), NULL, NULL, 86400.0, 775000000.0,"
    " 774000000.0, 777000000.0, 776000000.0, 1, 1);"
    "INSERT INTO ZWAADDRESSBOOKCONTACT (Z_PK, Z_ENT, Z_OPT, ZFULLNAME, ZGIVENNAME, ZPHONENUMBER,"
    " ZWHATSAPPID, ZLASTUPDATED, ZPHONESTATUS, ZSYNCPOLICY) VALUES (2, 1, 1, 'Bob Example',"
    " 'Bob', '+14155550101', '14155550101@s.whatsapp.net', 776000000.0, 1, 1);"
    "INSERT INTO ZWAADDRESSBOOKCONTACT (Z_PK, ZGIVENNAME, ZWHATSAPPID, ZABOUTTEXT,"
    " ZDISAPPEARINGMODEDURATION) VALUES (3, 'Carol', '3@s.whatsapp.net',"
    " 'New site: https://badbadbad.example.org/ (and evil-example.org)', 0);"
    "INSERT INTO ZWAADDRESSBOOKCONTACT (Z_PK, ZGIVENNAME, ZNOTES, ZDISAPPEARINGMODEDURATION)"
    " VALUES (4, 'Dave', 'mail me at <foobar@example.org>.', 604800.0);"
    "INSERT INTO ZWAADDRESSBOOKCONTACT (Z_PK, ZGIVENNAME, ZABOUTTEXT, ZNOTES,"
    " ZDISAPPEARINGMODEDURATION) VALUES (5, 'Eve', 'see evil-example.org.attacker.net',"
    " 'foobar@example.com, foobar@example.org.attacker.net', 3600.5);"
    "INSERT INTO ZWAADDRESSBOOKCONTACT (Z_PK, ZGIVENNAME, ZFULLNAME) VALUES (6, X'C3A9FF',"
    " X'4E6FC3');";

/* An older version: renamed status column, no LID, no timer. */
static const char older[] =
    "CREATE TABLE ZWAADDRESSBOOKCONTACT ( Z_PK INTEGER PRIMARY KEY, ZWHATSAPPID VARCHAR,"
    " ZPHONENUMBER VARCHAR, ZFULLNAME VARCHAR, ZLASTUPDATED TIMESTAMP,"
    " ZPHONENUMBERSTATUS INTEGER );"
    "INSERT INTO ZWAADDRESSBOOKCONTACT VALUES (1, '1@s.whatsapp.net', '+1', 'One', 0, 2);";

static const char *const iocs[] = {
    "[domain-name:value='example.org']",
    "[email-addr:value='foobar@example.org']",
    NULL,
};

static void test_records(void **state)
{
    struct vgh_result r;
    char *dir = vgh_backup_sql(DOMAIN, RELPATH, schema, NULL);
    const json_t *rec;

    (void)state;
    vgh_run_ok(dir, NULL, "whatsapp_contacts", &r);
    assert_int_equal(json_array_size(r.records), 6);
    rec = json_array_get(r.records, 0);
    vgh_assert_keys(rec, "row_pk,whatsapp_id,lid,phone_number,localized_phone_number,full_name,"
                         "given_name,last_name,user_name,business_name,about_text,about_emoji,"
                         "notes,disappearing_mode_duration,disappearing_mode_timestamp,"
                         "about_timestamp,about_expiration_timestamp,last_updated,phone_status,"
                         "sync_policy,disappearing_mode_is_on,disappearing_mode_label");
    assert_int_equal(vgh_int(rec, "row_pk"), 1);
    assert_string_equal(vgh_str(rec, "full_name"), "Alice Example");
    assert_string_equal(vgh_str(rec, "phone_number"), "+14155550100");
    assert_string_equal(vgh_str(rec, "localized_phone_number"), "(415) 555-0100");
    assert_string_equal(vgh_str(rec, "whatsapp_id"), "14155550100@s.whatsapp.net");
    assert_string_equal(vgh_str(rec, "lid"), "100000000000001@lid");
    assert_string_equal(vgh_str(rec, "user_name"), "alice.example");
    vgh_assert_null(rec, "business_name");
    assert_true(vgh_real(rec, "disappearing_mode_duration") == 86400.0);
    assert_true(json_is_true(json_object_get(rec, "disappearing_mode_is_on")));
    assert_string_equal(vgh_str(rec, "disappearing_mode_label"), "24 hours");
    assert_string_equal(vgh_str(rec, "disappearing_mode_timestamp"), "2025-07-23 21:46:40.000000");
    assert_string_equal(vgh_str(rec, "about_timestamp"), "2025-07-12 08:00:00.000000");
    assert_string_equal(vgh_str(rec, "about_expiration_timestamp"), "2025-08-16 01:20:00.000000");
    assert_string_equal(vgh_str(rec, "last_updated"), "2025-08-04 11:33:20.000000");
    assert_int_equal(vgh_int(rec, "phone_status"), 1);
    assert_int_equal(vgh_int(rec, "sync_policy"), 1);
    rec = json_array_get(r.records, 1);
    assert_string_equal(vgh_str(rec, "given_name"), "Bob");
    vgh_assert_null(rec, "lid");
    vgh_assert_null(rec, "disappearing_mode_duration");
    assert_true(json_is_false(json_object_get(rec, "disappearing_mode_is_on")));
    assert_string_equal(vgh_str(rec, "disappearing_mode_label"), "off");
    vgh_assert_null(rec, "disappearing_mode_timestamp");
    assert_string_equal(vgh_str(json_array_get(r.records, 3), "disappearing_mode_label"), "7 days");
    assert_string_equal(vgh_str(json_array_get(r.records, 4), "disappearing_mode_label"),
                        "3600 seconds");
    /* bytes that are not UTF-8 are replaced, as bytes.decode("replace") */
    rec = json_array_get(r.records, 5);
    assert_string_equal(vgh_str(rec, "given_name"), "\xC3\xA9\xEF\xBF\xBD");
    assert_string_equal(vgh_str(rec, "full_name"), "No\xEF\xBF\xBD");
    assert_int_equal(r.warnings, 0);
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

static void test_older_schema(void **state)
{
    struct vgh_result r;
    char *dir = vgh_backup_sql(DOMAIN, RELPATH, older, NULL);
    const json_t *rec;

    (void)state;
    vgh_run_ok(dir, NULL, "whatsapp_contacts", &r);
    assert_int_equal(json_array_size(r.records), 1);
    rec = json_array_get(r.records, 0);
    /* the columns it has, then what it lacks as null, as MVT orders them */
    vgh_assert_keys(rec, "row_pk,whatsapp_id,phone_number,full_name,last_updated,phone_status,"
                         "lid,localized_phone_number,given_name,last_name,user_name,"
                         "business_name,about_text,about_emoji,notes,"
                         "disappearing_mode_timestamp,about_timestamp,"
                         "about_expiration_timestamp,disappearing_mode_duration,"
                         "disappearing_mode_is_on,disappearing_mode_label,sync_policy");
    assert_int_equal(vgh_int(rec, "phone_status"), 2);
    vgh_assert_null(rec, "last_updated"); /* 0 is no date */
    vgh_assert_null(rec, "disappearing_mode_is_on");
    vgh_assert_null(rec, "disappearing_mode_label");
    assert_int_equal(r.warnings, 0);
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

static void test_timeline(void **state)
{
    struct vgh_result r;
    char *dir = vgh_backup_sql(DOMAIN, RELPATH, schema, NULL);

    (void)state;
    vgh_run_ok(dir, NULL, "whatsapp_contacts", &r);
    /* Alice: timer, about, expiry, update; Bob: update */
    assert_int_equal(vgh_tl_count(&r, PLUGIN), 5);
    assert_true(vgh_tl_has(&r, "2025-07-23 21:46:40.000000", PLUGIN, "disappearing_mode_set",
                           "WhatsApp disappearing messages timer set to '24 hours' for "
                           "14155550100@s.whatsapp.net (Alice Example)"));
    assert_true(vgh_tl_has(&r, "2025-07-12 08:00:00.000000", PLUGIN, "about_changed",
                           "WhatsApp about text of 14155550100@s.whatsapp.net (Alice Example) "
                           "changed to \"Hey there! I am using WhatsApp.\""));
    assert_true(vgh_tl_has(&r, "2025-08-16 01:20:00.000000", PLUGIN, "about_expiration",
                           "WhatsApp about text of 14155550100@s.whatsapp.net (Alice Example) "
                           "scheduled to expire"));
    assert_true(vgh_tl_has(&r, "2025-08-04 11:33:20.000000", PLUGIN, "contact_last_updated",
                           "WhatsApp contact record for 14155550101@s.whatsapp.net (Bob "
                           "Example) updated"));
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

static void test_hits_and_near_misses(void **state)
{
    struct vgh_result r;
    char *dir = vgh_backup_sql(DOMAIN, RELPATH, schema, NULL);
    const json_t *a;

    (void)state;
    vgh_run_ok(dir, iocs, "whatsapp_contacts", &r);
    /* Carol's about text, Dave's notes; not Eve's look-alikes */
    assert_int_equal(json_array_size(r.alerts), 2);
    a = vgh_alert(&r, 0);
    vgh_assert_alert(a, "CRITICAL", "example.org", "domains");
    assert_string_equal(vgh_str(json_object_get(a, "event"), "given_name"), "Carol");
    a = vgh_alert(&r, 1);
    vgh_assert_alert(a, "CRITICAL", "foobar@example.org", "emails");
    assert_string_equal(vgh_str(json_object_get(a, "event"), "given_name"), "Dave");
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

static void test_not_sqlite(void **state)
{
    static const char junk[] = "ContactsV2 but not SQLite";
    struct vgh_result r;
    char *dir = vgh_backup_bytes(DOMAIN, RELPATH, junk, sizeof(junk) - 1);

    (void)state;
    vgh_run_unreadable(dir, iocs, "whatsapp_contacts", DOMAIN "/" RELPATH, &r);
    assert_int_equal(vgh_coverage(&r, "whatsapp_contacts", "unreadable", RELPATH), 1);
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

static void test_missing_table(void **state)
{
    struct vgh_result r;
    char *dir =
        vgh_backup_sql(DOMAIN, RELPATH, "CREATE TABLE Z_METADATA (Z_VERSION INTEGER);", NULL);

    (void)state;
    vgh_run_ok(dir, iocs, "whatsapp_contacts", &r);
    assert_int_equal(json_array_size(r.records), 0);
    assert_int_equal(r.warnings, 0);
    assert_int_equal(vgh_coverage(&r, "whatsapp_contacts", "partial", RELPATH), 1);
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

static void test_check_records_alone(void **state)
{
    json_t *records = json_pack(
        "[{s:i, s:s, s:s, s:n, s:s}, {s:i, s:s, s:s, s:s, s:n}]", "row_pk", 1, "whatsapp_id",
        "1@s.whatsapp.net", "about_text", "Contact: FOOBAR@example.org", "notes", "last_updated",
        "2025-08-04 11:33:20.000000", "row_pk", 2, "whatsapp_id", "2@s.whatsapp.net", "about_text",
        "nothing here", "notes", "example.com", "last_updated");
    json_t *alerts = vgh_check_patterns("whatsapp_contacts", records, iocs);

    (void)state;
    assert_int_equal(json_array_size(alerts), 1);
    vgh_assert_alert(json_array_get(alerts, 0), "CRITICAL", "foobar@example.org", "emails");
    assert_string_equal(vgh_str(json_array_get(alerts, 0), "event_time"),
                        "2025-08-04 11:33:20.000000");
    json_decref(alerts);
    json_decref(records);
}

/* MVT's test backup holds ContactsV2.sqlite: MVT's own test of this
 * module expects these two contacts. */
static void test_mvt_backup(void **state)
{
    struct vgh_result r;
    const json_t *alice, *bob;

    (void)state;
    if (!vgh_run_mvt_backup("whatsapp_contacts", &r))
        skip();
    assert_int_equal(json_array_size(r.records), 2);
    alice = json_array_get(r.records, 0);
    bob = json_array_get(r.records, 1);
    assert_string_equal(vgh_str(alice, "given_name"), "Alice");
    assert_string_equal(vgh_str(alice, "lid"), "100000000000001@lid");
    assert_string_equal(vgh_str(alice, "disappearing_mode_label"), "24 hours");
    assert_string_equal(vgh_str(alice, "last_updated"), "2025-08-04 11:33:20.000000");
    assert_string_equal(vgh_str(bob, "given_name"), "Bob");
    assert_string_equal(vgh_str(bob, "disappearing_mode_label"), "off");
    assert_int_equal(vgh_tl_count(&r, PLUGIN), 5);
    assert_int_equal(json_array_size(r.alerts), 0);
    assert_int_equal(r.warnings, 0);
    vgh_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_records),
        cmocka_unit_test(test_older_schema),
        cmocka_unit_test(test_timeline),
        cmocka_unit_test(test_hits_and_near_misses),
        cmocka_unit_test(test_not_sqlite),
        cmocka_unit_test(test_missing_table),
        cmocka_unit_test(test_check_records_alone),
        cmocka_unit_test(test_mvt_backup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
