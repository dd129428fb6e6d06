/*
 * SMSAttachments: the attachment join as MVT records it, file indicators,
 * the /var/tmp heuristic, databases without attachment tables, and MVT's
 * own test backup (whose sms.db has none).
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

/* The tables the join reads, as iOS 16-17 write them (message cut to the
 * columns the join and MVT's records use). */
static const char att_schema[] =
    "CREATE TABLE handle (ROWID INTEGER PRIMARY KEY AUTOINCREMENT UNIQUE, id TEXT NOT NULL, "
    "country TEXT, service TEXT NOT NULL, uncanonicalized_id TEXT, person_centric_id TEXT, "
    "UNIQUE (id, service));"
    "CREATE TABLE message (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, "
    "text TEXT, handle_id INTEGER DEFAULT 0, service TEXT, date INTEGER, is_from_me INTEGER "
    "DEFAULT 0);"
    "CREATE TABLE attachment (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT "
    "NULL, created_date INTEGER DEFAULT 0, start_date INTEGER DEFAULT 0, filename TEXT, uti "
    "TEXT, mime_type TEXT, transfer_state INTEGER DEFAULT 0, is_outgoing INTEGER DEFAULT 0, "
    "user_info BLOB, transfer_name TEXT, total_bytes INTEGER DEFAULT 0, is_sticker INTEGER "
    "DEFAULT 0, sticker_user_info BLOB, attribution_info BLOB, hide_attachment INTEGER DEFAULT "
    "0, ck_sync_state INTEGER DEFAULT 0, ck_server_change_token_blob BLOB, ck_record_id TEXT, "
    "original_guid TEXT UNIQUE NOT NULL, is_commsafety_sensitive INTEGER DEFAULT 0, "
    "emoji_image_content_identifier TEXT DEFAULT NULL, emoji_image_short_description TEXT "
    "DEFAULT NULL, preview_generation_state INTEGER DEFAULT 0);"
    "CREATE TABLE message_attachment_join (message_id INTEGER REFERENCES message (ROWID) ON "
    "DELETE CASCADE, attachment_id INTEGER REFERENCES attachment (ROWID) ON DELETE CASCADE, "
    "UNIQUE(message_id, attachment_id));";

static const char *const att_iocs[] = {
    "[file:path='/var/tmp/com.apple.messages']",
    NULL,
};

static const char insert_att[] =
    "INSERT INTO attachment (ROWID, guid, original_guid, created_date, start_date, filename, "
    "mime_type, is_outgoing, user_info, transfer_name, total_bytes, is_sticker) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

static void fill_attachments(const char *db)
{
    static const unsigned char info[] = {'b', 'p', 'l', 'i', 's', 't', '0', '0'};

    assert_int_equal(vgfix_sqlite_exec(db, att_schema), 0);
    assert_int_equal(
        vgfix_sqlite_exec(db, "INSERT INTO handle (ROWID, id, service) VALUES (1, '+15550002222', "
                              "'iMessage');"
                              "INSERT INTO message (ROWID, guid, handle_id, service, date) VALUES "
                              "(1, 'M-1', 1, 'iMessage', 650000000000000000), (2, 'M-2', 1, "
                              "'iMessage', 650000100000000000);"
                              "INSERT INTO message_attachment_join VALUES (1, 1), (1, 2), (2, 3);"),
        0);
    /* 1: received into /var/tmp with a "-1" suffix, and a known file name */
    assert_int_equal(vgfix_sqlite_insert(db, insert_att, "ittiittibtii", 1, "A-1", "O-1", 650000000,
                                         650000001, "/var/tmp/com.apple.messages/payload.gif-1",
                                         "image/gif", 0, info, sizeof(info), "payload.gif", 4096,
                                         0),
                     0);
    /* 2: the same place but sent by the owner: not the heuristic */
    assert_int_equal(vgfix_sqlite_insert(db, insert_att, "ittiittintii", 2, "A-2", "O-2", 650000002,
                                         0, "/var/tmp/outgoing-1", "image/png", 1, "outgoing.png",
                                         10, 1),
                     0);
    /* 3: an ordinary picture whose folder only starts like the indicator's */
    assert_int_equal(vgfix_sqlite_insert(db, insert_att, "ittiittintii", 3, "A-3", "O-3", 650000100,
                                         0, "/var/tmp/com.apple.messagesX/payload.gif.jpeg",
                                         "image/jpeg", 0, "payload.gif.jpeg", 2048, 0),
                     0);
    /* 4: no message, no file name */
    assert_int_equal(vgfix_sqlite_insert(db, insert_att, "ittiintintii", 4, "A-4", "O-4", 0, 0,
                                         NULL, 0, NULL, 0, 0),
                     0);
}

static const json_t *by_guid(const json_t *arr, const char *guid, int in_event)
{
    const json_t *o;
    size_t i;
    json_array_foreach(arr, i, o)
    {
        const json_t *rec = in_event ? json_object_get(o, "event") : o;
        const char *g = json_string_value(json_object_get(rec, "guid"));
        if (g && strcmp(g, guid) == 0)
            return o;
    }
    return NULL;
}

static void test_records_and_timeline(void **state)
{
    char *dir = vgh_backup_db(DOMAIN, RELPATH, fill_attachments, NULL);
    struct vgh_result r;
    const json_t *rec;
    (void)state;

    vgh_run(dir, NULL, "sms_attachments", &r);
    assert_int_equal(r.rc, VG_OK);
    assert_int_equal(json_array_size(r.records), 4);

    rec = by_guid(r.records, "A-1", 0);
    assert_non_null(rec);
    assert_int_equal(json_integer_value(json_object_get(rec, "attachment_id")), 1);
    assert_int_equal(json_integer_value(json_object_get(rec, "ROWID")), 1);
    assert_int_equal(json_integer_value(json_object_get(rec, "created_date")), 650000000);
    assert_string_equal(vgh_must_str(rec, "isodate"), "2021-08-07 03:33:20.000000");
    assert_string_equal(vgh_must_str(rec, "start_date"), "2021-08-07 03:33:21.000000");
    assert_string_equal(vgh_must_str(rec, "direction"), "received");
    assert_true(json_is_true(json_object_get(rec, "has_user_info")));
    assert_string_equal(vgh_must_str(rec, "user_info"), "YnBsaXN0MDA="); /* base64 */
    assert_string_equal(vgh_must_str(rec, "service"), "iMessage");
    assert_string_equal(vgh_must_str(rec, "phone_number"), "+15550002222");
    assert_string_equal(vgh_must_str(rec, "transfer_name"), "payload.gif");
    assert_int_equal(json_integer_value(json_object_get(rec, "total_bytes")), 4096);

    rec = by_guid(r.records, "A-2", 0);
    assert_string_equal(vgh_must_str(rec, "direction"), "sent");
    assert_string_equal(vgh_must_str(rec, "start_date"), ""); /* 0 is no time */
    assert_true(json_is_false(json_object_get(rec, "has_user_info")));

    rec = by_guid(r.records, "A-4", 0);
    assert_string_equal(vgh_must_str(rec, "service"), "Unknown");
    assert_string_equal(vgh_must_str(rec, "filename"), "NULL");
    assert_string_equal(vgh_must_str(rec, "isodate"), "");
    assert_true(json_is_null(json_object_get(rec, "phone_number")));

    assert_non_null(strstr(r.timeline, "\"2021-08-07 03:33:20.000000\",\"SMSAttachments\","
                                       "\"sms_attachment\",\"iMessage: Attachment "
                                       "'payload.gif' received from +15550002222 with 4096 "
                                       "bytes (is_sticker: 0, has_user_info: True)\""));
    assert_non_null(strstr(r.timeline, "\"sms_attachment\",\"Unknown: Attachment 'None' "
                                       "received from None with 0 bytes (is_sticker: 0, "
                                       "has_user_info: False)\""));
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

static void assert_alerts(const json_t *alerts)
{
    const json_t *a;
    size_t i, medium = 0, high = 0;

    assert_int_equal(json_array_size(alerts), 2);
    json_array_foreach(alerts, i, a)
    {
        const json_t *ev = json_object_get(a, "event");
        assert_string_equal(vgh_must_str(ev, "guid"), "A-1");
        if (strcmp(vgh_must_str(a, "level"), "HIGH") == 0) {
            const json_t *m = json_object_get(a, "matched_indicator");
            high++;
            assert_string_equal(vgh_must_str(m, "value"), "/var/tmp/com.apple.messages");
            assert_string_equal(vgh_must_str(m, "type"), "file_paths");
            assert_string_equal(vgh_must_str(a, "message"),
                                "Found a known suspicious file path "
                                "\"/var/tmp/com.apple.messages/payload.gif-1\" matching "
                                "indicators from \"TestMalware\"");
            /* An indicator match carries its record's time (MVT leaves it empty). */
            assert_string_equal(vgh_must_str(a, "event_time"), "2021-08-07 03:33:20.000000");
        } else {
            medium++;
            assert_string_equal(vgh_must_str(a, "level"), "MEDIUM");
            assert_string_equal(vgh_must_str(a, "message"),
                                "Suspicious iMessage attachment "
                                "/var/tmp/com.apple.messages/payload.gif-1 on 2021-08-07 "
                                "03:33:20.000000");
            assert_string_equal(vgh_must_str(a, "event_time"), "2021-08-07 03:33:20.000000");
        }
    }
    assert_int_equal(high, 1);
    assert_int_equal(medium, 1);
    assert_null(by_guid(alerts, "A-2", 1));
    assert_null(by_guid(alerts, "A-3", 1));
}

static void test_alerts(void **state)
{
    char *dir = vgh_backup_db(DOMAIN, RELPATH, fill_attachments, NULL),
         *bundle = vgh_bundle(att_iocs);
    struct vgh_result r;
    (void)state;

    vgh_run(dir, bundle, "sms_attachments", &r);
    assert_int_equal(r.rc, VG_OK);
    assert_alerts(r.alerts);
    vgh_result_free(&r);
    vgh_cleanup(dir);
    free(bundle);
}

static void fill_no_attachment_table(const char *db)
{
    assert_int_equal(vgfix_sqlite_exec(db, "CREATE TABLE handle (ROWID INTEGER PRIMARY KEY, id "
                                           "TEXT NOT NULL, service TEXT NOT NULL);"
                                           "CREATE TABLE message (ROWID INTEGER PRIMARY KEY, "
                                           "guid TEXT, handle_id INTEGER, service TEXT);"),
                     0);
}

static void test_missing_tables_and_not_sqlite(void **state)
{
    char *dir = vgh_backup_db(DOMAIN, RELPATH, fill_no_attachment_table, NULL);
    struct vgh_result r;
    (void)state;

    vgh_run(dir, NULL, "sms_attachments", &r);
    assert_int_equal(r.rc, VG_OK);
    assert_int_equal(json_array_size(r.records), 0);
    assert_int_equal(r.warnings, 0);
    assert_non_null(strstr(r.diag_text, "No SMS attachment tables found in the database, "
                                        "skipping: no such table: attachment"));
    vgh_result_free(&r);
    vgh_cleanup(dir);

    dir =
        vgh_backup_db(DOMAIN, RELPATH, NULL, "SQLite format 3 but nothing else follows this line");
    vgh_run_unreadable(dir, NULL, "sms_attachments", "HomeDomain/Library/SMS/sms.db", &r);
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

static void test_check_on_records_alone(void **state)
{
    char *dir = vgh_backup_db(DOMAIN, RELPATH, fill_attachments, NULL),
         *bundle = vgh_bundle(att_iocs);
    struct vgh_result r;
    json_t *alerts;
    (void)state;

    vgh_run(dir, NULL, "sms_attachments", &r);
    assert_int_equal(json_array_size(r.alerts), 1); /* the heuristic needs no indicators */
    alerts = vgh_check_records("sms_attachments", r.records, bundle);
    assert_alerts(alerts);
    json_decref(alerts);
    vgh_result_free(&r);
    vgh_cleanup(dir);
    free(bundle);
}

/* MVT's test backup: an sms.db without attachment tables, so no records
 * (MVT writes no sms_attachments.json) and a note, not a failure. */
static void test_mvt_test_backup(void **state)
{
    struct vgh_result r;
    (void)state;

    if (!vgh_run_mvt_backup("sms_attachments", &r))
        skip();
    assert_int_equal(json_array_size(r.records), 0);
    assert_int_equal(json_array_size(r.alerts), 0);
    assert_non_null(strstr(r.diag_text, "No SMS attachment tables found"));
    vgh_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_records_and_timeline),
        cmocka_unit_test(test_alerts),
        cmocka_unit_test(test_missing_tables_and_not_sqlite),
        cmocka_unit_test(test_check_on_records_alone),
        cmocka_unit_test(test_mvt_test_backup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
