/*
 * SMS: records as MVT writes them, links and host names checked against
 * indicators, Apple's threat notifications, the text hidden in
 * attributedBody, hostile databases, and MVT's own test backup.
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
#define RELPATH "Library/SMS/sms.db"

/* sms.db's tables as iOS 14 writes them (MVT's test backup). */
static const char sms_schema[] =
    "CREATE TABLE handle (ROWID INTEGER PRIMARY KEY AUTOINCREMENT UNIQUE, id TEXT NOT NULL, "
    "country TEXT, service TEXT NOT NULL, uncanonicalized_id TEXT, person_centric_id TEXT, "
    "UNIQUE (id, service) );"
    "CREATE TABLE message (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, "
    "text TEXT, replace INTEGER DEFAULT 0, service_center TEXT, handle_id INTEGER DEFAULT 0, "
    "subject TEXT, country TEXT, attributedBody BLOB, version INTEGER DEFAULT 0, type INTEGER "
    "DEFAULT 0, service TEXT, account TEXT, account_guid TEXT, error INTEGER DEFAULT 0, date "
    "INTEGER, date_read INTEGER, date_delivered INTEGER, is_delivered INTEGER DEFAULT 0, "
    "is_finished INTEGER DEFAULT 0, is_emote INTEGER DEFAULT 0, is_from_me INTEGER DEFAULT 0, "
    "is_empty INTEGER DEFAULT 0, is_delayed INTEGER DEFAULT 0, is_auto_reply INTEGER DEFAULT 0, "
    "is_prepared INTEGER DEFAULT 0, is_read INTEGER DEFAULT 0, is_system_message INTEGER "
    "DEFAULT 0, is_sent INTEGER DEFAULT 0, has_dd_results INTEGER DEFAULT 0, is_service_message "
    "INTEGER DEFAULT 0, is_forward INTEGER DEFAULT 0, was_downgraded INTEGER DEFAULT 0, "
    "is_archive INTEGER DEFAULT 0, cache_has_attachments INTEGER DEFAULT 0, cache_roomnames "
    "TEXT, was_data_detected INTEGER DEFAULT 0, was_deduplicated INTEGER DEFAULT 0, "
    "is_audio_message INTEGER DEFAULT 0, is_played INTEGER DEFAULT 0, date_played INTEGER, "
    "item_type INTEGER DEFAULT 0, other_handle INTEGER DEFAULT 0, group_title TEXT, "
    "group_action_type INTEGER DEFAULT 0, share_status INTEGER DEFAULT 0, share_direction "
    "INTEGER DEFAULT 0, is_expirable INTEGER DEFAULT 0, expire_state INTEGER DEFAULT 0, "
    "message_action_type INTEGER DEFAULT 0, message_source INTEGER DEFAULT 0, "
    "associated_message_guid TEXT, associated_message_type INTEGER DEFAULT 0, balloon_bundle_id "
    "TEXT, payload_data BLOB, expressive_send_style_id TEXT, associated_message_range_location "
    "INTEGER DEFAULT 0, associated_message_range_length INTEGER DEFAULT 0, "
    "time_expressive_send_played INTEGER, message_summary_info BLOB, ck_sync_state INTEGER "
    "DEFAULT 0, ck_record_id TEXT, ck_record_change_tag TEXT, destination_caller_id TEXT, "
    "sr_ck_sync_state INTEGER DEFAULT 0, sr_ck_record_id TEXT, sr_ck_record_change_tag TEXT, "
    "is_corrupt INTEGER DEFAULT 0, reply_to_guid TEXT DEFAULT NULL, sort_id INTEGER DEFAULT 0, "
    "is_spam INTEGER DEFAULT 0, has_unseen_mention INTEGER DEFAULT 0, thread_originator_guid "
    "TEXT DEFAULT NULL, thread_originator_part TEXT DEFAULT NULL);";

static const char *const sms_iocs[] = {
    "[domain-name:value='example.org']",
    "[domain-name:value='attributed.example.net']",
    NULL,
};

static const char insert_msg[] =
    "INSERT INTO message (ROWID, guid, text, handle_id, attributedBody, service, account, date, "
    "date_read, is_from_me) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

/* An NSAttributedString as Messages archives it (typedstream, see
 * docs/formats/typedstream.md): header, class chain, '+' and the length
 * (one byte, or 0x81 and two bytes little-endian), the text, then the
 * attribute runs. */
static size_t typedstream(const char *text, unsigned char *out, size_t cap)
{
    static const char head[] = "\x04\x0bstreamtyped\x81\xe8\x03\x84\x01@\x84\x84\x84\x12"
                               "NSAttributedString\x00\x84\x84\x08NSObject\x00\x85\x92\x84\x84"
                               "\x84\x08NSString\x01\x94\x84\x01+";
    static const char tail[] = "\x86\x84\x02iI\x01";
    size_t n = strlen(text), o = sizeof(head) - 1;

    assert_true(o + 3 + n + sizeof(tail) <= cap);
    memcpy(out, head, o);
    if (n < 0x80) {
        out[o++] = (unsigned char)n;
    } else {
        out[o++] = 0x81;
        out[o++] = (unsigned char)(n & 0xff);
        out[o++] = (unsigned char)(n >> 8);
    }
    memcpy(out + o, text, n);
    o += n;
    memcpy(out + o, tail, sizeof(tail) - 1);
    return o + sizeof(tail) - 1;
}

static const char threat_text[] =
    "ALERT: Apple detected a targeted mercenary spyware attack against your iPhone.\n"
    "Apple detected that you are being targeted by a mercenary spyware attack that is trying "
    "to remotely compromise the iPhone associated with your Apple Account.";

static void fill_messages(const char *db)
{
    unsigned char blob[1024];
    char long_text[300];
    size_t n;

    assert_int_equal(vgfix_sqlite_exec(db, sms_schema), 0);
    assert_int_equal(vgfix_sqlite_exec(db, "INSERT INTO handle (ROWID, id, country, service) "
                                           "VALUES (1, '+15550001111', 'us', 'SMS'), "
                                           "(2, 'friend@example.com', 'us', 'iMessage');"),
                     0);
    /* 1: the planted hit, iOS 11+ nanosecond times */
    assert_int_equal(
        vgfix_sqlite_insert(db, insert_msg,
                            "itt"
                            "inttll"
                            "i",
                            1, "GUID-1", "Please click here https://badbadbad.example.org/", 1,
                            "SMS", "p:+15550001111", 588813210539788032LL, 588813210539900000LL, 0),
        0);
    /* 2: near misses only: a look-alike domain and a host under another one */
    assert_int_equal(vgfix_sqlite_insert(db, insert_msg,
                                         "itt"
                                         "inttll"
                                         "i",
                                         2, "GUID-2",
                                         "see https://evil-example.org/x and "
                                         "example.org.attacker.test\nbye",
                                         2, "iMessage", NULL, 600000000LL, 0LL, 1),
                     0);
    /* 3: no text column, the text (with a long URL) only in attributedBody */
    memset(long_text, 0, sizeof(long_text));
    snprintf(long_text, sizeof(long_text), "open https://cdn.attributed.example.net/%0200d now", 0);
    n = typedstream(long_text, blob, sizeof(blob));
    assert_int_equal(vgfix_sqlite_insert(db, insert_msg,
                                         "itnibttll"
                                         "i",
                                         3, "GUID-3", 2, blob, n, "iMessage", NULL,
                                         700000000000000000LL, 0LL, 0),
                     0);
    /* 4: Apple's threat notification */
    assert_int_equal(vgfix_sqlite_insert(db, insert_msg,
                                         "itt"
                                         "inttll"
                                         "i",
                                         4, "GUID-4", threat_text, 2, "iMessage", NULL,
                                         700000100000000000LL, 700000200000000000LL, 0),
                     0);
    /* 5: a bare host name, no scheme: MVT's links miss it */
    assert_int_equal(vgfix_sqlite_insert(db, insert_msg,
                                         "itt"
                                         "inttll"
                                         "i",
                                         5, "GUID-5", "call me at www.example.org tonight", 1,
                                         "SMS", NULL, 500000000LL, 0LL, 0),
                     0);
    /* 6: no handle: MVT's join leaves it out */
    assert_int_equal(vgfix_sqlite_insert(db, insert_msg,
                                         "itt"
                                         "inttll"
                                         "i",
                                         6, "GUID-6", "https://example.org/ to the group", 0,
                                         "iMessage", NULL, 600000000LL, 0LL, 1),
                     0);
    /* 7: a broken attributedBody (length past the end) and no text */
    n = typedstream("short", blob, sizeof(blob));
    assert_int_equal(vgfix_sqlite_insert(db, insert_msg,
                                         "itnibttll"
                                         "i",
                                         7, "GUID-7", 1, blob, n - 10, "SMS", NULL, 0LL, 0LL, 0),
                     0);
}

static const json_t *alert_for(const json_t *alerts, const char *guid, const char *level)
{
    const json_t *a;
    size_t i;
    json_array_foreach(alerts, i, a)
    {
        const json_t *ev = json_object_get(a, "event");
        const char *g = json_string_value(json_object_get(ev, "guid"));
        if (g && strcmp(g, guid) == 0 &&
            strcmp(json_string_value(json_object_get(a, "level")), level) == 0)
            return a;
    }
    return NULL;
}

static void assert_indicator(const json_t *alert, const char *value)
{
    const json_t *m = json_object_get(alert, "matched_indicator");
    assert_string_equal(vgh_must_str(m, "value"), value);
    assert_string_equal(vgh_must_str(m, "type"), "domains");
    assert_string_equal(vgh_must_str(m, "name"), "TestMalware");
}

static void test_records(void **state)
{
    char *dir = vgh_backup_db(DOMAIN, RELPATH, fill_messages, NULL), *bundle = vgh_bundle(sms_iocs);
    const json_t *rec, *links;
    struct vgh_result r;
    (void)state;

    vgh_run(dir, bundle, "sms", &r);
    assert_int_equal(r.rc, VG_OK);
    assert_int_equal(json_array_size(r.records), 6); /* GUID-6 has no handle */
    assert_null(vgh_find_record(r.records, "guid", "GUID-6"));

    rec = vgh_find_record(r.records, "guid", "GUID-1");
    assert_non_null(rec);
    assert_int_equal(json_integer_value(json_object_get(rec, "ROWID")), 1);
    assert_int_equal(json_integer_value(json_object_get(rec, "handle_id")), 1);
    assert_int_equal(json_integer_value(json_object_get(rec, "date")), 588813210539788032LL);
    assert_string_equal(vgh_must_str(rec, "phone_number"), "+15550001111");
    assert_string_equal(vgh_must_str(rec, "service"), "SMS");
    /* MVT keeps the whole seconds of nanosecond times */
    assert_string_equal(vgh_must_str(rec, "isodate"), "2019-08-29 23:13:30.000000");
    assert_string_equal(vgh_must_str(rec, "isodate_read"), "2019-08-29 23:13:30.000000");
    assert_string_equal(vgh_must_str(rec, "direction"), "received");
    assert_true(json_is_null(json_object_get(rec, "attributedBody")));
    assert_true(json_is_null(json_object_get(rec, "subject")));
    assert_int_equal(json_integer_value(json_object_get(rec, "is_spam")), 0);
    links = json_object_get(rec, "links");
    assert_int_equal(json_array_size(links), 1);
    assert_string_equal(json_string_value(json_array_get(links, 0)),
                        "https://badbadbad.example.org/");

    rec = vgh_find_record(r.records, "guid", "GUID-2");
    assert_string_equal(vgh_must_str(rec, "direction"), "sent");
    assert_string_equal(vgh_must_str(rec, "isodate"), "2020-01-06 10:40:00.000000");
    assert_string_equal(vgh_must_str(rec, "isodate_read"), ""); /* 0 is no time */
    assert_string_equal(vgh_must_str(rec, "phone_number"), "friend@example.com");
    assert_int_equal(json_array_size(json_object_get(rec, "links")), 1);

    rec = vgh_find_record(r.records, "guid", "GUID-3");
    assert_string_equal(vgh_must_str(rec, "text"), ""); /* NULL text becomes "" as in MVT */
    assert_int_equal(json_array_size(json_object_get(rec, "links")), 0);
    assert_true(json_string_length(json_object_get(rec, "attributedBody")) > 200);
    assert_string_equal(vgh_must_str(rec, "isodate"), "2023-03-08 20:26:40.000000");

    rec = vgh_find_record(r.records, "guid", "GUID-5");
    assert_string_equal(vgh_must_str(rec, "isodate"), "2016-11-05 00:53:20.000000"); /* seconds */
    assert_int_equal(json_array_size(json_object_get(rec, "links")), 0);

    rec = vgh_find_record(r.records, "guid", "GUID-7");
    assert_string_equal(vgh_must_str(rec, "isodate"), "");
    vgh_result_free(&r);
    vgh_cleanup(dir);
    free(bundle);
}

static void assert_alerts(const json_t *alerts)
{
    const json_t *a;

    assert_int_equal(json_array_size(alerts), 4);
    a = alert_for(alerts, "GUID-1", "CRITICAL");
    assert_non_null(a);
    assert_string_equal(vgh_must_str(a, "message"),
                        "Found a sub-domain with a suspicious top level "
                        "https://badbadbad.example.org/ matching indicator \"example.org\" from "
                        "\"TestMalware\"");
    /* the alert sits at the message's time */
    assert_string_equal(vgh_must_str(a, "event_time"),
                        vgh_must_str(json_object_get(a, "event"), "isodate"));
    assert_true(strlen(vgh_must_str(a, "event_time")) == 26);
    assert_indicator(a, "example.org");

    /* the text hidden in attributedBody is checked too */
    a = alert_for(alerts, "GUID-3", "CRITICAL");
    assert_non_null(a);
    assert_non_null(strstr(vgh_must_str(a, "message"), "https://cdn.attributed.example.net/0000"));
    assert_indicator(a, "attributed.example.net");

    a = alert_for(alerts, "GUID-4", "HIGH");
    assert_non_null(a);
    assert_string_equal(vgh_must_str(a, "message"),
                        "Apple warning about state-sponsored attack received on 2023-03-08 "
                        "20:28:20.000000");
    assert_string_equal(vgh_must_str(a, "event_time"), "2023-03-08 20:28:20.000000");
    assert_true(json_is_null(json_object_get(a, "matched_indicator")));

    a = alert_for(alerts, "GUID-5", "CRITICAL");
    assert_non_null(a);
    assert_string_equal(vgh_must_str(a, "message"),
                        "Found a sub-domain with a suspicious top level www.example.org matching "
                        "indicator \"example.org\" from \"TestMalware\"");

    /* near misses and the broken blob raise nothing */
    assert_null(alert_for(alerts, "GUID-2", "CRITICAL"));
    assert_null(alert_for(alerts, "GUID-7", "CRITICAL"));
}

static void test_alerts(void **state)
{
    char *dir = vgh_backup_db(DOMAIN, RELPATH, fill_messages, NULL), *bundle = vgh_bundle(sms_iocs);
    struct vgh_result r;
    (void)state;

    vgh_run(dir, bundle, "sms", &r);
    assert_int_equal(r.rc, VG_OK);
    assert_alerts(r.alerts);
    assert_int_equal(r.sum.alerts[VG_LEVEL_CRITICAL], 3);
    assert_int_equal(r.sum.alerts[VG_LEVEL_HIGH], 1);
    vgh_result_free(&r);

    /* no indicators: only the threat notification */
    vgh_run(dir, NULL, "sms", &r);
    assert_int_equal(json_array_size(r.alerts), 1);
    assert_non_null(alert_for(r.alerts, "GUID-4", "HIGH"));
    vgh_result_free(&r);
    vgh_cleanup(dir);
    free(bundle);
}

/* The other side of a message is checked too (beyond MVT): an iMessage
 * from an attacker's e-mail account, named by an email-addr indicator. */
static void test_counterpart_email(void **state)
{
    static const char *const hit[] = {"[email-addr:value='friend@example.com']", NULL};
    static const char *const near[] = {"[email-addr:value='riend@example.com']",
                                       "[email-addr:value='friend@example.co']", NULL};
    char *dir = vgh_backup_db(DOMAIN, RELPATH, fill_messages, NULL);
    struct vgh_result r;
    size_t i, n = 0;
    (void)state;

    vgh_run_ok(dir, hit, "sms", &r);
    for (i = 0; i < json_array_size(r.alerts); i++) {
        const json_t *a = json_array_get(r.alerts, i);
        if (!strstr(vgh_must_str(a, "message"), "suspicious email address \"friend@example.com\""))
            continue;
        n++;
        assert_string_equal(vgh_must_str(a, "level"), "CRITICAL");
        assert_string_equal(vgh_must_str(json_object_get(a, "event"), "phone_number"),
                            "friend@example.com");
    }
    assert_true(n >= 1);
    vgh_result_free(&r);
    /* near misses: nothing */
    vgh_run_ok(dir, near, "sms", &r);
    for (i = 0; i < json_array_size(r.alerts); i++)
        assert_null(strstr(vgh_must_str(json_array_get(r.alerts, i), "message"), "email"));
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

static void test_timeline(void **state)
{
    char *dir = vgh_backup_db(DOMAIN, RELPATH, fill_messages, NULL);
    struct vgh_result r;
    (void)state;

    vgh_run(dir, NULL, "sms", &r);
    assert_non_null(strstr(r.timeline, "\"2019-08-29 23:13:30.000000\",\"SMS\",\"sms_received\","
                                       "\"SMS: GUID-1 \"\"Please click here "
                                       "https://badbadbad.example.org/\"\" from +15550001111 "
                                       "(p:+15550001111)\""));
    assert_non_null(strstr(r.timeline, "\"2019-08-29 23:13:30.000000\",\"SMS\",\"sms_read\","
                                       "\"SMS: GUID-1 \"\"Please click here"));
    /* new lines escaped, a NULL account printed as Python prints None */
    assert_non_null(strstr(r.timeline, "\"2020-01-06 10:40:00.000000\",\"SMS\",\"sms_received\","
                                       "\"iMessage: GUID-2 \"\"see https://evil-example.org/x and "
                                       "example.org.attacker.test\\nbye\"\" from "
                                       "friend@example.com (None)\""));
    /* no read time, no sms_read event */
    assert_null(strstr(r.timeline, "\"sms_read\",\"iMessage: GUID-2"));
    assert_null(strstr(r.timeline, "GUID-6"));
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

static void test_not_sqlite(void **state)
{
    char *dir = vgh_backup_db(DOMAIN, RELPATH, NULL,
                              "this is not a database, just text that goes on and on");
    struct vgh_result r;
    (void)state;

    vgh_run_unreadable(dir, NULL, "sms", "HomeDomain/Library/SMS/sms.db", &r);
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

static void fill_no_message_table(const char *db)
{
    assert_int_equal(vgfix_sqlite_exec(db, "CREATE TABLE handle (ROWID INTEGER PRIMARY KEY, id "
                                           "TEXT NOT NULL, service TEXT NOT NULL);"),
                     0);
}

/* Hostile values where MVT would stop: text as a blob, dates as text. */
static void fill_hostile(const char *db)
{
    static const unsigned char junk[] = {0xff, 0xfe, 'h', 't', 't', 'p', 0x00, 0x80};
    assert_int_equal(vgfix_sqlite_exec(db, sms_schema), 0);
    assert_int_equal(vgfix_sqlite_exec(db, "INSERT INTO handle (ROWID, id, service) VALUES (1, "
                                           "'x', 'SMS');"),
                     0);
    assert_int_equal(vgfix_sqlite_insert(db,
                                         "INSERT INTO message (ROWID, guid, text, handle_id, date, "
                                         "date_read, attributedBody) VALUES (1, 'H-1', ?, 1, "
                                         "'yesterday', 1e300, ?)",
                                         "bb", junk, sizeof(junk), junk, sizeof(junk)),
                     0);
}

/* attributedBody blobs cut or lying at every step of the reader. */
static void fill_hostile_bodies(const char *db)
{
    static const char *const tails[] = {
        "\x82\xff\xff\xff\x7fhttps://example.org/", /* 32-bit length past the end */
        "\x81\x05",                                 /* 16-bit length cut short */
        "",                                         /* marker, then nothing */
        "\x83https://example.org/",                 /* a real where a length belongs */
        "\x14https://\377example.org/",             /* not UTF-8 */
        "\x14https://\0example.org/x",              /* a NUL inside */
    };
    unsigned char blob[256];
    size_t i, n, t;

    assert_int_equal(vgfix_sqlite_exec(db, sms_schema), 0);
    assert_int_equal(vgfix_sqlite_exec(db, "INSERT INTO handle (ROWID, id, service) VALUES (1, "
                                           "'x', 'SMS');"),
                     0);
    for (i = 0; i < sizeof(tails) / sizeof(tails[0]); i++) {
        char guid[16];
        n = typedstream("", blob, sizeof(blob)) - 7; /* up to the '+' marker */
        t = i == 5 ? 21 : strlen(tails[i]);
        memcpy(blob + n, tails[i], t);
        snprintf(guid, sizeof(guid), "B-%zu", i);
        assert_int_equal(vgfix_sqlite_insert(db, insert_msg,
                                             "itnibttll"
                                             "i",
                                             (int)i + 1, guid, 1, blob, n + t, "SMS", NULL, 0LL,
                                             0LL, 0),
                         0);
    }
    /* the class name at the very end, and no class name at all */
    assert_int_equal(vgfix_sqlite_insert(db, insert_msg,
                                         "itnibttll"
                                         "i",
                                         20, "B-20", 1, "\x04\x0bstreamtypedNSString", 21, "SMS",
                                         NULL, 0LL, 0LL, 0),
                     0);
    assert_int_equal(vgfix_sqlite_insert(db, insert_msg,
                                         "itnibttll"
                                         "i",
                                         21, "B-21", 1, "\x84\x01+\x14https://example.org/", 24,
                                         "SMS", NULL, 0LL, 0LL, 0),
                     0);
}

static void test_hostile_attributed_bodies(void **state)
{
    char *dir = vgh_backup_db(DOMAIN, RELPATH, fill_hostile_bodies, NULL),
         *bundle = vgh_bundle(sms_iocs);
    struct vgh_result r;
    (void)state;

    vgh_run(dir, bundle, "sms", &r);
    assert_int_equal(r.rc, VG_OK);
    assert_int_equal(json_array_size(r.records), 8);
    assert_int_equal(json_array_size(r.alerts), 0);
    vgh_result_free(&r);
    vgh_cleanup(dir);
    free(bundle);
}

static void test_missing_table_and_hostile_values(void **state)
{
    char *dir = vgh_backup_db(DOMAIN, RELPATH, fill_no_message_table, NULL);
    struct vgh_result r;
    const json_t *rec;
    (void)state;

    vgh_run(dir, NULL, "sms", &r);
    assert_int_equal(r.rc, VG_OK);
    assert_int_equal(json_array_size(r.records), 0);
    assert_non_null(strstr(r.diag_text, "sms.db"));
    vgh_result_free(&r);
    vgh_cleanup(dir);

    dir = vgh_backup_db(DOMAIN, RELPATH, fill_hostile, NULL);
    vgh_run(dir, NULL, "sms", &r);
    assert_int_equal(r.rc, VG_OK);
    assert_int_equal(json_array_size(r.records), 1);
    rec = json_array_get(r.records, 0);
    assert_string_equal(vgh_must_str(rec, "isodate"), "");
    assert_string_equal(vgh_must_str(rec, "isodate_read"), "");
    assert_int_equal(json_array_size(r.alerts), 0);
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

static void test_check_on_records_alone(void **state)
{
    char *dir = vgh_backup_db(DOMAIN, RELPATH, fill_messages, NULL), *bundle = vgh_bundle(sms_iocs);
    struct vgh_result r;
    json_t *alerts;
    (void)state;

    vgh_run(dir, NULL, "sms", &r);
    alerts = vgh_check_records("sms", r.records, bundle);
    assert_alerts(alerts);
    json_decref(alerts);
    vgh_result_free(&r);
    vgh_cleanup(dir);
    free(bundle);
}

/* Same level, message and indicator as MVT's <module>_detected.json. */
static void assert_same_alerts(const json_t *ours, const json_t *mvt)
{
    size_t i;

    assert_int_equal(json_array_size(ours), json_array_size(mvt));
    for (i = 0; i < json_array_size(mvt); i++) {
        const json_t *a = json_array_get(ours, i), *b = json_array_get(mvt, i);
        const json_t *ma = json_object_get(a, "matched_indicator");
        const json_t *mb = json_object_get(b, "matched_indicator");
        assert_string_equal(vgh_must_str(a, "level"), vgh_must_str(b, "level"));
        assert_string_equal(vgh_must_str(a, "message"), vgh_must_str(b, "message"));
        /* MVT leaves event_time empty; vigie puts the message's time there
         * (docs/mvt-differences.md, "Alert times") */
        assert_string_equal(vgh_must_str(a, "event_time"),
                            vgh_must_str(json_object_get(a, "event"), "isodate"));
        assert_string_equal(vgh_must_str(ma, "value"), vgh_must_str(mb, "value"));
        assert_string_equal(vgh_must_str(ma, "type"), vgh_must_str(mb, "type"));
        assert_string_equal(vgh_must_str(ma, "name"), vgh_must_str(mb, "name"));
        assert_true(json_equal(json_object_get(a, "event"), json_object_get(b, "event")));
    }
}

static void test_mvt_test_backup(void **state)
{
    json_t *records, *detected, *alerts;
    struct vgh_result r;
    char *bundle;
    (void)state;

    if (!vgh_run_mvt_backup("sms", &r))
        skip();
    records = vgh_mvt_result("sms.json");
    detected = vgh_mvt_result("sms_detected.json");
    assert_non_null(records);
    assert_non_null(detected);
    assert_true(json_equal(r.records, records));
    assert_same_alerts(r.alerts, detected);
    vgh_result_free(&r);

    /* and check-iocs on MVT's own sms.json gives the same alert */
    bundle = vgh_mvt_bundle();
    alerts = vgh_check_records("sms", records, bundle);
    assert_same_alerts(alerts, detected);
    json_decref(alerts);

    json_decref(records);
    json_decref(detected);
    free(bundle);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_records),
        cmocka_unit_test(test_alerts),
        cmocka_unit_test(test_counterpart_email),
        cmocka_unit_test(test_timeline),
        cmocka_unit_test(test_not_sqlite),
        cmocka_unit_test(test_missing_table_and_hostile_values),
        cmocka_unit_test(test_hostile_attributed_bodies),
        cmocka_unit_test(test_check_on_records_alone),
        cmocka_unit_test(test_mvt_test_backup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
