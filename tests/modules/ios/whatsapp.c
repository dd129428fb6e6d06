/*
 * Whatsapp: message, LID pair and chat records as MVT writes them (links
 * found in text, media URLs and link previews, WhatsApp's own media
 * servers left out), LID resolution from LID.sqlite or ChatStorage, the
 * timeline, link and bare-host checks, older and damaged databases,
 * check-iocs on saved records, and MVT's test backup (which holds
 * ChatStorage.sqlite).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "harness.h"

#define DOMAIN "AppDomainGroup-group.net.whatsapp.WhatsApp.shared"
#define CHAT   "ChatStorage.sqlite"
#define LID    "LID.sqlite"
#define PLUGIN "Whatsapp"

/* ChatStorage.sqlite's Core Data tables: the columns MVT reads and some
 * of the others, with Core Data's column types. */
#define CHAT_TABLES                                                                                \
    "CREATE TABLE ZWAMESSAGE ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER,"            \
    " ZISFROMME INTEGER, ZMESSAGETYPE INTEGER, ZCHATSESSION INTEGER, ZMEDIAITEM INTEGER,"          \
    " ZMESSAGEDATE TIMESTAMP, ZFROMJID VARCHAR, ZSTANZAID VARCHAR, ZTEXT VARCHAR,"                 \
    " ZTOJID VARCHAR );"                                                                           \
    "CREATE TABLE ZWAMEDIAITEM ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER,"          \
    " ZFILESIZE INTEGER, ZMESSAGE INTEGER, ZAUTHORNAME VARCHAR, ZMEDIALOCALPATH VARCHAR,"          \
    " ZMEDIAURL VARCHAR );"                                                                        \
    "CREATE TABLE ZWAMESSAGEDATAITEM ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER,"    \
    " ZINDEX INTEGER, ZMESSAGE INTEGER, ZCONTENT1 VARCHAR, ZCONTENT2 VARCHAR,"                     \
    " ZMATCHEDTEXT VARCHAR, ZSECTIONID VARCHAR, ZSUMMARY VARCHAR, ZTITLE VARCHAR );"               \
    "CREATE TABLE ZWACHATSESSION ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER,"        \
    " ZARCHIVED INTEGER, ZHIDDEN INTEGER, ZMESSAGECOUNTER INTEGER, ZREMOVED INTEGER,"              \
    " ZSESSIONTYPE INTEGER, ZGROUPINFO INTEGER, ZLASTMESSAGEDATE TIMESTAMP,"                       \
    " ZCONTACTJID VARCHAR, ZPARTNERNAME VARCHAR );"                                                \
    "CREATE TABLE ZWAGROUPINFO ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER,"          \
    " ZCHATSESSION INTEGER, ZCREATIONDATE TIMESTAMP, ZSUBJECTTIMESTAMP TIMESTAMP );"

#define PAIR_TABLE                                                                                 \
    "CREATE TABLE ZWAPHONENUMBERLIDPAIR ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER,"                \
    " Z_OPT INTEGER, ZTIMESTAMP TIMESTAMP, ZLID VARCHAR, ZPHONENUMBER VARCHAR );"
#define PAIR_ROW                                                                                   \
    "INSERT INTO ZWAPHONENUMBERLIDPAIR VALUES (1, 3, 1, 777800000.0, '100000000000001',"           \
    " '14155550100');"

#define CHAT_ROWS                                                                                  \
    "INSERT INTO ZWACHATSESSION VALUES (1, 5, 1, 0, 0, 2, 0, 0, NULL, 778100000.0,"                \
    " '100000000000001@lid', 'Alice Example');"                                                    \
    "INSERT INTO ZWACHATSESSION VALUES (2, 5, 1, 0, 0, 4, 0, 1, 1, 778300000.0,"                   \
    " '120000000000000001@g.us', 'Example Group');"                                                \
    "INSERT INTO ZWACHATSESSION VALUES (3, 5, 1, 1, 0, 0, 0, 0, NULL, NULL,"                       \
    " '14155550199@s.whatsapp.net', NULL);"                                                        \
    "INSERT INTO ZWAGROUPINFO VALUES (1, 4, 1, 2, 777500000.0, NULL);"                             \
    "INSERT INTO ZWAMESSAGE VALUES (1, 9, 1, 0, 0, 1, NULL, 778000000.0,"                          \
    " '14155550100@s.whatsapp.net', 'S1', 'Hi', NULL);"                                            \
    "INSERT INTO ZWAMESSAGE VALUES (2, 9, 1, 1, 0, 1, NULL, 778100000.0, NULL, 'S2',"              \
    " 'Check https://badbadbad.example.org/path and HTTPS://Example.COM/x' || char(10) ||"         \
    " 'again https://badbadbad.example.org/path', '14155550100@s.whatsapp.net');"                  \
    "INSERT INTO ZWAMESSAGE VALUES (3, 9, 1, 0, 1, 2, 1, 778200000.0,"                             \
    " '14155550101@s.whatsapp.net', 'S3', NULL, NULL);"                                            \
    "INSERT INTO ZWAMEDIAITEM VALUES (1, 7, 1, 1024, 3, 'Bob', 'Media/a.jpg',"                     \
    " 'https://mmg.whatsapp.net/d/f/abc.enc');"                                                    \
    "INSERT INTO ZWAMESSAGE VALUES (4, 9, 1, 0, 0, 2, NULL, 778250000.0,"                          \
    " '14155550101@s.whatsapp.net', 'S4', 'visit evil-example.org or example.org.attacker.net',"   \
    " NULL);"                                                                                      \
    "INSERT INTO ZWAMESSAGE VALUES (5, 9, 1, 0, 0, 2, NULL, 778260000.0,"                          \
    " '14155550101@s.whatsapp.net', 'S5', 'look at cdn.example.org now', NULL);"                   \
    "INSERT INTO ZWAMESSAGE VALUES (6, 9, 1, 0, 0, 2, NULL, 778270000.0,"                          \
    " '14155550101@s.whatsapp.net', 'S6', 'preview', NULL);"                                       \
    "INSERT INTO ZWAMESSAGEDATAITEM VALUES (1, 8, 1, 0, 6, 'https://news.example.net/a', NULL,"    \
    " 'news.example.net/a', NULL, 'A summary', 'News');"

static const char chat_sql[] = CHAT_TABLES CHAT_ROWS;
static const char lid_sql[] = PAIR_TABLE PAIR_ROW;
/* Older WhatsApp versions keep the pairs in ChatStorage itself. */
static const char chat_with_pairs_sql[] = CHAT_TABLES CHAT_ROWS PAIR_TABLE PAIR_ROW;

static const char *const iocs[] = {
    "[domain-name:value='example.org']",
    NULL,
};

static char *chat_backup(const char *chat, const char *lid)
{
    struct vgh_file f[2] = {{DOMAIN, CHAT, chat, NULL, 0, NULL}, {DOMAIN, LID, lid, NULL, 0, NULL}};
    return vgh_backup(f, lid ? 2 : 1);
}

static const json_t *record_of_type(const struct vgh_result *r, const char *type, size_t nth)
{
    const json_t *rec;
    size_t i;

    json_array_foreach(r->records, i, rec)
    {
        const char *t = json_string_value(json_object_get(rec, "record_type"));
        if (strcmp(t ? t : "message", type) == 0 && nth-- == 0)
            return rec;
    }
    fail_msg("no record %s #%zu", type, nth);
    return NULL;
}

static void test_message_records(void **state)
{
    struct vgh_result r;
    char *dir = chat_backup(chat_sql, lid_sql);
    const json_t *m, *links;

    (void)state;
    vgh_run_ok(dir, NULL, "whatsapp", &r);
    /* 6 messages, then 1 LID pair, then 3 chats */
    assert_int_equal(json_array_size(r.records), 10);
    m = json_array_get(r.records, 0);
    vgh_assert_keys(m, "Z_PK,Z_ENT,Z_OPT,ZISFROMME,ZMESSAGETYPE,ZCHATSESSION,ZMEDIAITEM,"
                       "ZMESSAGEDATE,ZFROMJID,ZSTANZAID,ZTEXT,ZTOJID,ZAUTHORNAME,ZMEDIAURL,"
                       "ZCONTENT1,ZCONTENT2,ZMATCHEDTEXT,ZSUMMARY,ZTITLE,isodate");
    assert_int_equal(vgh_int(m, "Z_PK"), 1);
    assert_string_equal(vgh_str(m, "ZTEXT"), "Hi");
    /* a whole number in a TIMESTAMP (numeric) column is stored as an integer */
    assert_int_equal(vgh_int(m, "ZMESSAGEDATE"), 778000000);
    assert_string_equal(vgh_str(m, "isodate"), "2025-08-27 15:06:40.000000");
    assert_string_equal(vgh_str(m, "ZFROMJID"), "14155550100@s.whatsapp.net");
    vgh_assert_null(m, "ZMEDIAURL");
    /* links in order of appearance, once each, any case of scheme */
    m = json_array_get(r.records, 1);
    links = json_object_get(m, "links");
    assert_int_equal(json_array_size(links), 2);
    assert_string_equal(json_string_value(json_array_get(links, 0)),
                        "https://badbadbad.example.org/path");
    assert_string_equal(json_string_value(json_array_get(links, 1)), "HTTPS://Example.COM/x");
    /* no text: ZTEXT "", and an empty list once WhatsApp's media link is dropped */
    m = json_array_get(r.records, 2);
    assert_string_equal(vgh_str(m, "ZTEXT"), "");
    assert_string_equal(vgh_str(m, "ZAUTHORNAME"), "Bob");
    assert_string_equal(vgh_str(m, "ZMEDIAURL"), "https://mmg.whatsapp.net/d/f/abc.enc");
    assert_true(json_is_array(json_object_get(m, "links")));
    assert_int_equal(json_array_size(json_object_get(m, "links")), 0);
    /* text without links: no links key */
    assert_null(json_object_get(json_array_get(r.records, 3), "links"));
    m = json_array_get(r.records, 5);
    assert_string_equal(vgh_str(m, "ZCONTENT1"), "https://news.example.net/a");
    assert_string_equal(vgh_str(m, "ZTITLE"), "News");
    assert_string_equal(vgh_str(m, "ZSUMMARY"), "A summary");
    links = json_object_get(m, "links");
    assert_int_equal(json_array_size(links), 1);
    assert_string_equal(json_string_value(json_array_get(links, 0)), "https://news.example.net/a");
    assert_int_equal(r.warnings, 0);
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

static void test_pair_and_chat_records(void **state)
{
    struct vgh_result r;
    char *dir = chat_backup(chat_sql, lid_sql);
    const json_t *p, *c;

    (void)state;
    vgh_run_ok(dir, NULL, "whatsapp", &r);
    p = record_of_type(&r, "lid_phone_number_pair", 0);
    vgh_assert_keys(p, "record_type,lid,phone_number,pair_timestamp");
    assert_string_equal(vgh_str(p, "lid"), "100000000000001");
    assert_string_equal(vgh_str(p, "phone_number"), "14155550100");
    assert_string_equal(vgh_str(p, "pair_timestamp"), "2025-08-25 07:33:20.000000");
    c = record_of_type(&r, "chat_session", 0);
    vgh_assert_keys(c, "session_pk,contact_jid,partner_name,session_type,archived,removed,"
                       "message_counter,last_message_date,group_creation_date,"
                       "first_stored_message_date,last_stored_message_date,"
                       "stored_message_count,record_type,partner_resolved_phone_number");
    assert_int_equal(vgh_int(c, "session_pk"), 1);
    assert_string_equal(vgh_str(c, "contact_jid"), "100000000000001@lid");
    assert_string_equal(vgh_str(c, "partner_resolved_phone_number"), "+14155550100");
    assert_string_equal(vgh_str(c, "first_stored_message_date"), "2025-08-27 15:06:40.000000");
    assert_string_equal(vgh_str(c, "last_stored_message_date"), "2025-08-28 18:53:20.000000");
    assert_string_equal(vgh_str(c, "last_message_date"), "2025-08-28 18:53:20.000000");
    vgh_assert_null(c, "group_creation_date");
    assert_int_equal(vgh_int(c, "stored_message_count"), 2);
    c = record_of_type(&r, "chat_session", 1);
    assert_string_equal(vgh_str(c, "group_creation_date"), "2025-08-21 20:13:20.000000");
    assert_string_equal(vgh_str(c, "last_message_date"), "2025-08-31 02:26:40.000000");
    assert_string_equal(vgh_str(c, "last_stored_message_date"), "2025-08-30 18:06:40.000000");
    assert_int_equal(vgh_int(c, "stored_message_count"), 4);
    vgh_assert_null(c, "partner_resolved_phone_number");
    c = record_of_type(&r, "chat_session", 2);
    assert_int_equal(vgh_int(c, "stored_message_count"), 0);
    vgh_assert_null(c, "first_stored_message_date");
    vgh_assert_null(c, "last_message_date");
    assert_int_equal(vgh_int(c, "archived"), 1);
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

static void test_pairs_in_chat_storage(void **state)
{
    struct vgh_result r;
    char *dir = chat_backup(chat_with_pairs_sql, NULL);

    (void)state;
    vgh_run_ok(dir, NULL, "whatsapp", &r);
    assert_int_equal(json_array_size(r.records), 10);
    assert_string_equal(
        vgh_str(record_of_type(&r, "chat_session", 0), "partner_resolved_phone_number"),
        "+14155550100");
    assert_int_equal(vgh_coverage(&r, "whatsapp", "missing", LID), 1);
    assert_int_equal(r.warnings, 0);
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

static void test_timeline(void **state)
{
    struct vgh_result r;
    char *dir = chat_backup(chat_sql, lid_sql);

    (void)state;
    vgh_run_ok(dir, NULL, "whatsapp", &r);
    /* 6 messages, the pair, Alice's first and last, the group's creation,
     * first and last; the empty chat has no dates */
    assert_int_equal(vgh_tl_count(&r, PLUGIN), 12);
    assert_true(vgh_tl_has(&r, "2025-08-27 15:06:40.000000", PLUGIN, "message",
                           "'Hi' from 14155550100@s.whatsapp.net"));
    assert_true(vgh_tl_has(&r, "2025-08-28 18:53:20.000000", PLUGIN, "message",
                           "'Check https://badbadbad.example.org/path and HTTPS://Example.COM/x"
                           "\\nagain https://badbadbad.example.org/path' from None - Embedded "
                           "links: https://badbadbad.example.org/path, HTTPS://Example.COM/x"));
    assert_true(vgh_tl_has(&r, "2025-08-25 07:33:20.000000", PLUGIN, "lid_pair_recorded",
                           "WhatsApp associated LID 100000000000001 with phone number "
                           "14155550100"));
    assert_true(vgh_tl_has(&r, "2025-08-27 15:06:40.000000", PLUGIN, "chat_first_message",
                           "First stored message in WhatsApp chat with 'Alice Example' "
                           "(+14155550100)"));
    assert_true(vgh_tl_has(&r, "2025-08-21 20:13:20.000000", PLUGIN, "group_created",
                           "WhatsApp group chat 'Example Group' (120000000000000001@g.us) was "
                           "created"));
    /* the chat's own date outlives its newest stored message */
    assert_true(vgh_tl_has(&r, "2025-08-31 02:26:40.000000", PLUGIN, "chat_last_message",
                           "Last message in WhatsApp group chat 'Example Group' "
                           "(120000000000000001@g.us)"));
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

static void test_hits_and_near_misses(void **state)
{
    struct vgh_result r;
    char *dir = chat_backup(chat_sql, lid_sql);
    const json_t *a;

    (void)state;
    vgh_run_ok(dir, iocs, "whatsapp", &r);
    /* the link in message 2, the bare host in message 5; not message 4's
     * look-alikes, not example.net */
    assert_int_equal(json_array_size(r.alerts), 2);
    a = vgh_alert(&r, 0);
    vgh_assert_alert(a, "CRITICAL", "example.org", "domains");
    assert_non_null(strstr(vgh_str(a, "message"), "https://badbadbad.example.org/path"));
    assert_string_equal(vgh_str(a, "event_time"), "2025-08-28 18:53:20.000000");
    a = vgh_alert(&r, 1);
    vgh_assert_alert(a, "CRITICAL", "example.org", "domains");
    assert_non_null(strstr(vgh_str(a, "message"), "cdn.example.org"));
    assert_int_equal(vgh_int(json_object_get(a, "event"), "Z_PK"), 5);
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

/* A ChatStorage with messages only: no media, link-preview or chat tables. */
static void test_minimal_schema(void **state)
{
    static const char sql[] =
        "CREATE TABLE ZWAMESSAGE ( Z_PK INTEGER PRIMARY KEY, ZMESSAGEDATE TIMESTAMP,"
        " ZTEXT VARCHAR );"
        "INSERT INTO ZWAMESSAGE VALUES (1, 0, 'see http://x.example.org/'),"
        " (2, NULL, '   '), (3, 'soon', X'68747470733A2F2F612E6578616D706C652E6F72672FFF');";
    struct vgh_result r;
    char *dir = chat_backup(sql, NULL);
    const json_t *m;

    (void)state;
    vgh_run_ok(dir, iocs, "whatsapp", &r);
    assert_int_equal(json_array_size(r.records), 3);
    m = json_array_get(r.records, 0);
    assert_string_equal(vgh_str(m, "isodate"), "");
    assert_int_equal(json_array_size(json_object_get(m, "links")), 1);
    /* blank text: an empty list of links */
    assert_int_equal(json_array_size(json_object_get(json_array_get(r.records, 1), "links")), 0);
    assert_int_equal(vgh_coverage(&r, "whatsapp", "partial", CHAT), 1); /* no chat tables */
    assert_int_equal(json_array_size(r.alerts), 1);
    assert_int_equal(r.warnings, 0);
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

static void test_not_sqlite(void **state)
{
    static const char junk[] = "WhatsApp? no.";
    struct vgh_result r;
    char *dir = vgh_backup_bytes(DOMAIN, CHAT, junk, sizeof(junk) - 1);

    (void)state;
    vgh_run_unreadable(dir, iocs, "whatsapp", DOMAIN "/" CHAT, &r);
    assert_int_equal(vgh_coverage(&r, "whatsapp", "unreadable", CHAT), 1);
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

/* A damaged LID.sqlite costs the pairs, not the messages. */
static void test_bad_lid_database(void **state)
{
    static const char junk[] = "not the LID database";
    struct vgh_file f[2] = {{DOMAIN, CHAT, chat_sql, NULL, 0, NULL},
                            {DOMAIN, LID, NULL, junk, sizeof(junk) - 1, NULL}};
    struct vgh_result r;
    char *dir = vgh_backup(f, 2);

    (void)state;
    vgh_run_ok(dir, NULL, "whatsapp", &r);
    assert_int_equal(json_array_size(r.records), 9);
    assert_true(r.warnings >= 1);
    assert_non_null(strstr(r.diag_text, DOMAIN "/" LID));
    assert_int_equal(vgh_coverage(&r, "whatsapp", "unreadable", LID), 1);
    vgh_assert_null(record_of_type(&r, "chat_session", 0), "partner_resolved_phone_number");
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

static void test_check_records_alone(void **state)
{
    /* a message as MVT saves it, a chat, and a message with the host in
     * its text only */
    json_t *records =
        json_pack("[{s:i, s:s, s:s, s:[s]}, {s:s, s:s, s:n}, {s:i, s:s, s:s}]", "Z_PK", 1, "ZTEXT",
                  "https://badbadbad.example.org/", "isodate", "2021-01-01 00:00:00.000000",
                  "links", "https://badbadbad.example.org/", "record_type", "chat_session",
                  "contact_jid", "1@s.whatsapp.net", "partner_name", "Z_PK", 2, "ZTEXT",
                  "example.org.attacker.net", "isodate", "2021-01-01 00:00:00.000000");
    json_t *alerts = vgh_check_patterns("whatsapp", records, iocs);

    (void)state;
    assert_int_equal(json_array_size(alerts), 1);
    vgh_assert_alert(json_array_get(alerts, 0), "CRITICAL", "example.org", "domains");
    assert_string_equal(vgh_str(json_array_get(alerts, 0), "event_time"),
                        "2021-01-01 00:00:00.000000");
    json_decref(alerts);
    json_decref(records);
}

/* MVT's test backup holds ChatStorage.sqlite (its LID.sqlite is on disk
 * but not in Manifest.db, so a backup reader does not see it): the records
 * of MVT's own test of this module, less the pair. */
static void test_mvt_backup(void **state)
{
    struct vgh_result r;
    const json_t *c;

    (void)state;
    if (!vgh_run_mvt_backup("whatsapp", &r))
        skip();
    assert_int_equal(json_array_size(r.records), 5);
    assert_string_equal(json_string_value(json_array_get(
                            json_object_get(json_array_get(r.records, 1), "links"), 0)),
                        "https://example.org/news");
    c = record_of_type(&r, "chat_session", 0);
    assert_string_equal(vgh_str(c, "partner_name"), "Alice Example");
    assert_string_equal(vgh_str(c, "first_stored_message_date"), "2025-08-27 15:06:40.000000");
    assert_string_equal(vgh_str(c, "last_message_date"), "2025-08-28 18:53:20.000000");
    assert_int_equal(vgh_int(c, "stored_message_count"), 2);
    c = record_of_type(&r, "chat_session", 1);
    assert_string_equal(vgh_str(c, "group_creation_date"), "2025-08-21 20:13:20.000000");
    assert_string_equal(vgh_str(c, "last_stored_message_date"), "2025-08-29 22:40:00.000000");
    assert_string_equal(vgh_str(c, "last_message_date"), "2025-08-31 02:26:40.000000");
    assert_int_equal(vgh_tl_count(&r, PLUGIN), 8);
    /* MVT's test indicators hold example.org */
    assert_int_equal(json_array_size(r.alerts), 1);
    assert_int_equal(vgh_coverage(&r, "whatsapp", "missing", LID), 1);
    assert_int_equal(r.warnings, 0);
    vgh_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_message_records),
        cmocka_unit_test(test_pair_and_chat_records),
        cmocka_unit_test(test_pairs_in_chat_storage),
        cmocka_unit_test(test_timeline),
        cmocka_unit_test(test_hits_and_near_misses),
        cmocka_unit_test(test_minimal_schema),
        cmocka_unit_test(test_not_sqlite),
        cmocka_unit_test(test_bad_lid_database),
        cmocka_unit_test(test_check_records_alone),
        cmocka_unit_test(test_mvt_backup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
