/*
 * InteractionC: records of MVT's big join (dates converted, WhatsApp
 * parties resolved through ContactsV2.sqlite), the older schemas' queries,
 * the timeline (creation dates only when they diverge, per-contact
 * dates), email and URL checks (beyond MVT), damaged databases,
 * check-iocs on saved records, and MVT's test backup (which holds
 * interactionC.db).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "harness.h"
#include "ios_artifacts.h"

#define DOMAIN    "HomeDomain"
#define RELPATH   "Library/CoreDuet/People/interactionC.db"
#define WA_DOMAIN "AppDomainGroup-group.net.whatsapp.WhatsApp.shared"
#define PLUGIN    "InteractionC"

/* interactionC.db's Core Data tables, with the columns APOLLO's and MVT's
 * queries read and a few others. */
#define TABLES                                                                                     \
    "CREATE TABLE ZINTERACTIONS ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER,"         \
    " ZDIRECTION INTEGER, ZISRESPONSE INTEGER, ZMECHANISM INTEGER, ZRECIPIENTCOUNT INTEGER,"       \
    " ZSENDER INTEGER, ZCREATIONDATE TIMESTAMP, ZENDDATE TIMESTAMP, ZSTARTDATE TIMESTAMP,"         \
    " ZACCOUNT VARCHAR, ZBUNDLEID VARCHAR, ZCONTENTURL VARCHAR, ZDERIVEDINTENTIDENTIFIER"          \
    " VARCHAR, ZDOMAINIDENTIFIER VARCHAR, ZGROUPNAME VARCHAR, ZLOCATIONUUID VARCHAR,"              \
    " ZTARGETBUNDLEID VARCHAR, ZUUID VARCHAR );"                                                   \
    "CREATE TABLE ZCONTACTS ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER,"             \
    " ZINCOMINGRECIPIENTCOUNT INTEGER, ZINCOMINGSENDERCOUNT INTEGER,"                              \
    " ZOUTGOINGRECIPIENTCOUNT INTEGER, ZTYPE INTEGER, ZCREATIONDATE TIMESTAMP,"                    \
    " ZFIRSTINCOMINGRECIPIENTDATE TIMESTAMP, ZFIRSTINCOMINGSENDERDATE TIMESTAMP,"                  \
    " ZFIRSTOUTGOINGRECIPIENTDATE TIMESTAMP, ZLASTINCOMINGRECIPIENTDATE TIMESTAMP,"                \
    " ZLASTINCOMINGSENDERDATE TIMESTAMP, ZLASTOUTGOINGRECIPIENTDATE TIMESTAMP,"                    \
    " ZCUSTOMIDENTIFIER VARCHAR, ZDISPLAYNAME VARCHAR, ZIDENTIFIER VARCHAR,"                       \
    " ZPERSONID VARCHAR );"                                                                        \
    "CREATE TABLE ZATTACHMENT ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER,"           \
    " ZSIZEINBYTES INTEGER, ZCLOUDIDENTIFIER VARCHAR, ZCONTENTTEXT VARCHAR,"                       \
    " ZCONTENTURL VARCHAR, ZPHOTOLOCALIDENTIFIER VARCHAR, ZUTI VARCHAR, ZIDENTIFIER BLOB );"       \
    "CREATE TABLE Z_1INTERACTIONS ( Z_1ATTACHMENTS INTEGER, Z_3INTERACTIONS INTEGER,"              \
    " PRIMARY KEY (Z_1ATTACHMENTS, Z_3INTERACTIONS) );"                                            \
    "CREATE TABLE Z_2INTERACTIONRECIPIENT ( Z_2RECIPIENTS INTEGER,"                                \
    " Z_3INTERACTIONRECIPIENT INTEGER, PRIMARY KEY (Z_2RECIPIENTS, Z_3INTERACTIONRECIPIENT) );"

#define ROWS                                                                                       \
    "INSERT INTO ZCONTACTS (Z_PK, ZIDENTIFIER, ZCUSTOMIDENTIFIER) VALUES"                          \
    " (1, '100000000000001@lid', '100000000000001@lid');"                                          \
    "INSERT INTO ZCONTACTS (Z_PK, ZIDENTIFIER) VALUES (2, '+14155550100');"                        \
    "INSERT INTO ZCONTACTS (Z_PK, ZDISPLAYNAME, ZIDENTIFIER, ZINCOMINGSENDERCOUNT,"                \
    " ZCREATIONDATE, ZFIRSTINCOMINGSENDERDATE, ZLASTINCOMINGSENDERDATE) VALUES"                    \
    " (3, 'Bob Example', '+14155550101', 2, 778500000.0, 778600000.0, 779200000.0);"               \
    "INSERT INTO ZCONTACTS (Z_PK, ZDISPLAYNAME, ZIDENTIFIER) VALUES"                               \
    " (4, 'Foo', 'FooBar@example.org'), (5, NULL, 'mailto:foobar@example.com'),"                   \
    " (6, '+1 (415) 555-0102', '+14155550102');"                                                   \
    "INSERT INTO ZINTERACTIONS (Z_PK, ZSENDER, ZSTARTDATE, ZENDDATE, ZCREATIONDATE, ZBUNDLEID,"    \
    " ZDIRECTION, ZRECIPIENTCOUNT, ZDOMAINIDENTIFIER, ZISRESPONSE, ZACCOUNT, ZGROUPNAME) VALUES"   \
    " (1, 1, 779000000.0, 779000000.0, 779000000.0, 'net.whatsapp.WhatsApp', 0, 1, NULL, 0,"       \
    " NULL, NULL),"                                                                                \
    " (2, NULL, 779100000.0, 779100000.0, 779100000.0, 'net.whatsapp.WhatsApp', 1, 1,"             \
    " '100000000000001@lid', 0, NULL, NULL),"                                                      \
    " (3, 3, 779200000.0, 779200000.0, 786976000.0, 'com.apple.MobileSMS', 0, 1, NULL, 0,"         \
    " NULL, NULL),"                                                                                \
    " (4, 4, 779300000.0, 779300100.0, 779300000.0, 'com.apple.MobileSMS', 0, 1, NULL, 0,"         \
    " 'e:me@example.net', 'Friends'),"                                                             \
    " (5, NULL, 779400000.0, NULL, 779399000.0, 'com.apple.MobileSMS', 1, 1, NULL, 0, NULL,"       \
    " NULL),"                                                                                      \
    " (6, 6, 779500000.0, 779500000.0, NULL, 'com.apple.MobileSMS', 0, 1, NULL, 0, NULL, NULL),"   \
    " (7, 3, 779600000.0, 779600000.0, 779600000.0, 'com.apple.MobileSMS', 0, 1, NULL, 0, NULL,"   \
    " NULL);"                                                                                      \
    "INSERT INTO Z_2INTERACTIONRECIPIENT VALUES (2, 2), (5, 5);"                                   \
    "INSERT INTO ZATTACHMENT (Z_PK, ZSIZEINBYTES, ZCONTENTTEXT, ZUTI, ZIDENTIFIER) VALUES"         \
    " (1, 42, 'link https://badbadbad.example.org/x', 'public.url', X'0102A0');"                   \
    "INSERT INTO Z_1INTERACTIONS VALUES (1, 6);"

static const char interaction_sql[] = TABLES ROWS;

/* WhatsApp's ContactsV2.sqlite: who the LIDs and numbers are. */
static const char contacts_sql[] =
    "CREATE TABLE ZWAADDRESSBOOKCONTACT ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER,"
    " Z_OPT INTEGER, ZFULLNAME BLOB, ZGIVENNAME BLOB, ZPHONENUMBER BLOB, ZWHATSAPPID BLOB,"
    " ZLID BLOB, ZLASTUPDATED REAL );"
    "INSERT INTO ZWAADDRESSBOOKCONTACT VALUES (1, 1, 1, CAST('Alice Example' AS BLOB),"
    " CAST('Alice' AS BLOB), CAST('+14155550100' AS BLOB),"
    " CAST('14155550100@s.whatsapp.net' AS BLOB), CAST('100000000000001@lid' AS BLOB),"
    " 776000000.0);";

static const char *const iocs[] = {
    "[email-addr:value='foobar@example.org']",
    "[domain-name:value='example.org']",
    NULL,
};

static char *interaction_backup(const char *sql, const char *contacts)
{
    struct vgh_file f[2] = {{DOMAIN, RELPATH, sql, NULL, 0, NULL},
                            {WA_DOMAIN, "ContactsV2.sqlite", contacts, NULL, 0, NULL}};
    return vgh_backup(f, contacts ? 2 : 1);
}

static void test_records(void **state)
{
    struct vgh_result r;
    char *dir = interaction_backup(interaction_sql, contacts_sql);
    const json_t *rec;

    (void)state;
    vgh_run_ok(dir, NULL, "interaction_c", &r);
    assert_int_equal(json_array_size(r.records), 7);
    rec = json_array_get(r.records, 0);
    vgh_assert_keys(
        rec, "start_date,end_date,bundle_id,account,target_bundle_id,direction,"
             "sender_display_name,sender_identifier,sender_personid,recipient_display_name,"
             "recipient_identifier,recipient_personid,recipient_count,domain_identifier,"
             "is_response,content,uti,attachment_content_url,size,photo_local_id,attachment_id,"
             "cloud_id,incoming_recipient_count,incoming_sender_count,outgoing_recipient_count,"
             "interactions_creation_date,contacts_creation_date,first_incoming_recipient_date,"
             "first_incoming_sender_date,first_outgoing_recipient_date,"
             "last_incoming_sender_date,last_incoming_recipient_date,"
             "last_outgoing_recipient_date,custom_id,interaction_content_url,location_uuid,"
             "group_name,derivied_intent_id,table_id,sender_resolved_phone_number,"
             "sender_resolved_name,recipient_resolved_phone_number,recipient_resolved_name,"
             "domain_resolved_phone_number,domain_resolved_name");
    assert_string_equal(vgh_str(rec, "start_date"), "2025-09-08 04:53:20.000000");
    assert_string_equal(vgh_str(rec, "direction"), "INCOMING");
    assert_string_equal(vgh_str(rec, "sender_identifier"), "100000000000001@lid");
    assert_string_equal(vgh_str(rec, "sender_resolved_phone_number"), "+14155550100");
    assert_string_equal(vgh_str(rec, "sender_resolved_name"), "Alice Example");
    vgh_assert_null(rec, "recipient_resolved_name");
    vgh_assert_null(rec, "contacts_creation_date");
    assert_int_equal(vgh_int(rec, "table_id"), 1);
    rec = json_array_get(r.records, 1);
    assert_string_equal(vgh_str(rec, "direction"), "OUTGOING");
    assert_string_equal(vgh_str(rec, "recipient_identifier"), "+14155550100");
    vgh_assert_null(rec, "recipient_resolved_phone_number");
    assert_string_equal(vgh_str(rec, "recipient_resolved_name"), "Alice Example");
    assert_string_equal(vgh_str(rec, "domain_resolved_phone_number"), "+14155550100");
    assert_string_equal(vgh_str(rec, "domain_resolved_name"), "Alice Example");
    /* not WhatsApp: nothing to resolve */
    rec = json_array_get(r.records, 2);
    assert_null(json_object_get(rec, "sender_resolved_name"));
    assert_string_equal(vgh_str(rec, "sender_display_name"), "Bob Example");
    assert_string_equal(vgh_str(rec, "interactions_creation_date"), "2025-12-09 12:26:40.000000");
    assert_string_equal(vgh_str(rec, "contacts_creation_date"), "2025-09-02 10:00:00.000000");
    assert_string_equal(vgh_str(rec, "first_incoming_sender_date"), "2025-09-03 13:46:40.000000");
    assert_int_equal(vgh_int(rec, "incoming_sender_count"), 2);
    rec = json_array_get(r.records, 5);
    assert_string_equal(vgh_str(rec, "content"), "link https://badbadbad.example.org/x");
    assert_string_equal(vgh_str(rec, "uti"), "public.url");
    assert_string_equal(vgh_str(rec, "attachment_id"), "0102A0");
    assert_int_equal(vgh_int(rec, "size"), 42);
    vgh_assert_null(rec, "interactions_creation_date");
    assert_int_equal(vgh_coverage(&r, "interaction_c", "found", "ContactsV2.sqlite"), 1);
    assert_int_equal(r.warnings, 0);
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

static void test_timeline(void **state)
{
    struct vgh_result r;
    char *dir = interaction_backup(interaction_sql, contacts_sql);

    (void)state;
    vgh_run_ok(dir, NULL, "interaction_c", &r);
    assert_true(vgh_tl_has(&r, "2025-09-08 04:53:20.000000", PLUGIN, "start_date",
                           "[net.whatsapp.WhatsApp] INCOMING from Alice Example (+14155550100) "
                           "to local user"));
    assert_true(vgh_tl_has(&r, "2025-09-09 08:40:00.000000", PLUGIN, "start_date",
                           "[net.whatsapp.WhatsApp] OUTGOING from local user to Alice Example "
                           "(+14155550100)"));
    assert_true(vgh_tl_has(&r, "2025-09-10 12:26:40.000000", PLUGIN, "start_date",
                           "[com.apple.MobileSMS] INCOMING from Bob Example (+14155550101) to "
                           "local user"));
    /* created 90 days after the event */
    assert_true(vgh_tl_has(&r, "2025-12-09 12:26:40.000000", PLUGIN, "interactions_creation_date",
                           "Interaction record created 90 days after the event: "
                           "[com.apple.MobileSMS] INCOMING from Bob Example (+14155550101) to "
                           "local user"));
    assert_true(vgh_tl_has(&r, "2025-09-03 13:46:40.000000", PLUGIN, "first_incoming_sender_date",
                           "First incoming interaction from Bob Example (+14155550101)"));
    assert_true(vgh_tl_has(&r, "2025-09-02 10:00:00.000000", PLUGIN, "contacts_creation_date",
                           "Contact Bob Example (+14155550101) first recorded in interactionC"));
    /* an end date of its own, account, group; a display name that is only
     * the number gives the number */
    assert_true(vgh_tl_has(&r, "2025-09-11 16:15:00.000000", PLUGIN, "end_date",
                           "[com.apple.MobileSMS] e:me@example.net INCOMING from Foo "
                           "(FooBar@example.org) to local user (group: Friends)"));
    assert_true(vgh_tl_has(&r, "2025-09-13 23:46:40.000000", PLUGIN, "start_date",
                           "[com.apple.MobileSMS] INCOMING from +14155550102 to local user: "
                           "link https://badbadbad.example.org/x"));
    /* the creation date 1000 s before the start says nothing: no event */
    assert_true(vgh_tl_has(&r, "2025-09-12 20:00:00.000000", PLUGIN, "start_date",
                           "[com.apple.MobileSMS] OUTGOING from local user to "
                           "mailto:foobar@example.com"));
    assert_null(strstr(r.timeline, "\"2025-09-12 19:43:20.000000\""));
    /* one event per distinct start/end date; Bob's first record adds its
     * creation, and his three contact dates come once for his two records */
    assert_int_equal(vgh_tl_count(&r, PLUGIN), 12);
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

static void test_hits_and_near_misses(void **state)
{
    struct vgh_result r;
    char *dir = interaction_backup(interaction_sql, contacts_sql);
    const json_t *a;

    (void)state;
    vgh_run_ok(dir, iocs, "interaction_c", &r);
    /* the sender's address and the URL in the attachment text; not the
     * recipient foobar@example.com, not the account at example.net */
    assert_int_equal(json_array_size(r.alerts), 2);
    a = vgh_alert(&r, 0);
    vgh_assert_alert(a, "CRITICAL", "foobar@example.org", "emails");
    assert_string_equal(vgh_str(a, "event_time"), "2025-09-11 16:13:20.000000");
    a = vgh_alert(&r, 1);
    vgh_assert_alert(a, "CRITICAL", "example.org", "domains");
    assert_int_equal(vgh_int(json_object_get(a, "event"), "table_id"), 6);
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

/* An older schema (no attachments or recipients tables, raw directions)
 * and no ContactsV2: a JID still gives its phone number. */
static void test_older_schema_without_contacts(void **state)
{
    static const char sql[] = VGFIX_INTERACTIONC_OLD_TABLES
        "INSERT INTO ZCONTACTS (Z_PK, ZIDENTIFIER, ZLASTINCOMINGRECIPIENTDATE) VALUES"
        " (1, '14155550100@s.whatsapp.net', 0);"
        "INSERT INTO ZINTERACTIONS (Z_PK, ZDIRECTION, ZSENDER, ZSTARTDATE, ZBUNDLEID,"
        " ZCONTENTURL) VALUES (1, 0, 1, 779000000.0, 'net.whatsapp.WhatsApp',"
        " 'https://files.example.org/a'), (2, 1, NULL, 779100000.0, 'com.apple.MobileSMS', NULL);";
    struct vgh_result r;
    char *dir = interaction_backup(sql, NULL);
    const json_t *rec;

    (void)state;
    vgh_run_ok(dir, iocs, "interaction_c", &r);
    assert_int_equal(json_array_size(r.records), 2);
    rec = json_array_get(r.records, 0);
    assert_non_null(json_object_get(rec, "mechanism")); /* the fourth query */
    assert_null(json_object_get(rec, "custom_id"));
    assert_string_equal(vgh_str(rec, "direction"), "INCOMING");
    assert_string_equal(vgh_str(rec, "last_incoming_recipient_date"), "0");
    assert_string_equal(vgh_str(rec, "sender_resolved_phone_number"), "+14155550100");
    vgh_assert_null(rec, "sender_resolved_name");
    assert_string_equal(vgh_str(json_array_get(r.records, 1), "direction"), "OUTGOING");
    assert_int_equal(vgh_coverage(&r, "interaction_c", "missing", "ContactsV2.sqlite"), 1);
    assert_int_equal(json_array_size(r.alerts), 1); /* the content URL */
    assert_int_equal(r.warnings, 0);
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

static void test_not_sqlite(void **state)
{
    static const char junk[] = "interactions, but not SQLite";
    struct vgh_result r;
    char *dir = vgh_backup_bytes(DOMAIN, RELPATH, junk, sizeof(junk) - 1);

    (void)state;
    vgh_run_unreadable(dir, iocs, "interaction_c", DOMAIN "/" RELPATH, &r);
    assert_int_equal(vgh_coverage(&r, "interaction_c", "unreadable", RELPATH), 1);
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

static void test_missing_table(void **state)
{
    struct vgh_result r;
    char *dir = interaction_backup("CREATE TABLE ZKEYWORDS ( Z_PK INTEGER PRIMARY KEY );", NULL);

    (void)state;
    vgh_run_ok(dir, iocs, "interaction_c", &r);
    assert_int_equal(json_array_size(r.records), 0);
    assert_int_equal(r.warnings, 0);
    assert_int_equal(vgh_coverage(&r, "interaction_c", "partial", RELPATH), 1);
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

static void test_check_records_alone(void **state)
{
    json_t *records = json_pack(
        "[{s:s, s:s, s:s, s:s}, {s:s, s:s, s:s, s:s}]", "start_date", "2025-09-08 04:53:20.000000",
        "bundle_id", "com.apple.MobileSMS", "sender_identifier", "+15550100",
        "recipient_identifier", "mailto:FOOBAR@example.org", "start_date",
        "2025-09-08 04:53:20.000000", "bundle_id", "com.apple.MobileSMS", "sender_identifier",
        "foobar@example.org.attacker.net", "recipient_identifier", "+15550101");
    json_t *alerts = vgh_check_patterns("interaction_c", records, iocs + 0);

    (void)state;
    assert_int_equal(json_array_size(alerts), 1);
    vgh_assert_alert(json_array_get(alerts, 0), "CRITICAL", "foobar@example.org", "emails");
    assert_string_equal(vgh_str(json_array_get(alerts, 0), "event_time"),
                        "2025-09-08 04:53:20.000000");
    json_decref(alerts);
    json_decref(records);
}

/* MVT's test backup holds interactionC.db and ContactsV2.sqlite: what
 * MVT's own test of this module expects of them. */
static void test_mvt_backup(void **state)
{
    struct vgh_result r;
    const json_t *rec;

    (void)state;
    if (!vgh_run_mvt_backup("interaction_c", &r))
        skip();
    assert_int_equal(json_array_size(r.records), 3);
    rec = json_array_get(r.records, 0);
    assert_string_equal(vgh_str(rec, "sender_resolved_phone_number"), "+14155550100");
    assert_string_equal(vgh_str(rec, "sender_resolved_name"), "Alice Example");
    rec = json_array_get(r.records, 1);
    assert_string_equal(vgh_str(rec, "recipient_resolved_name"), "Alice Example");
    assert_string_equal(vgh_str(rec, "domain_resolved_phone_number"), "+14155550100");
    assert_true(vgh_tl_has(&r, "2025-09-08 04:53:20.000000", PLUGIN, "start_date",
                           "[net.whatsapp.WhatsApp] INCOMING from Alice Example (+14155550100) "
                           "to local user"));
    assert_true(vgh_tl_has(&r, "2025-12-09 12:26:40.000000", PLUGIN, "interactions_creation_date",
                           "Interaction record created 90 days after the event: "
                           "[com.apple.MobileSMS] INCOMING from Bob Example (+14155550101) to "
                           "local user"));
    assert_true(vgh_tl_has(&r, "2025-09-03 13:46:40.000000", PLUGIN, "first_incoming_sender_date",
                           "First incoming interaction from Bob Example (+14155550101)"));
    assert_int_equal(json_array_size(r.alerts), 0);
    assert_int_equal(r.warnings, 0);
    vgh_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_records),
        cmocka_unit_test(test_timeline),
        cmocka_unit_test(test_hits_and_near_misses),
        cmocka_unit_test(test_older_schema_without_contacts),
        cmocka_unit_test(test_not_sqlite),
        cmocka_unit_test(test_missing_table),
        cmocka_unit_test(test_check_records_alone),
        cmocka_unit_test(test_mvt_backup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
