/*
 * Calendar: records from Calendar.sqlitedb in the real schema, the
 * organiser's email against email indicators, MVT's QuaDream check, URLs
 * and host names in event text (beyond MVT), the timeline, malformed
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
#define RELPATH "Library/Calendar/Calendar.sqlitedb"
#define DISPLAY DOMAIN "/" RELPATH

/* The two tables as iOS 16 creates them (from MVT's test backup). */
static const char schema[] =
    "CREATE TABLE Participant (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, entity_type INTEGER, "
    "type INTEGER, status INTEGER, pending_status INTEGER, role INTEGER, identity_id INTEGER, "
    "owner_id INTEGER, external_rep BLOB, UUID TEXT, email TEXT, phone_number TEXT, is_self "
    "INTEGER, comment TEXT, schedule_agent INTEGER, flags INTEGER, last_modified REAL, "
    "proposed_start_date REAL, invited_by TEXT, proposed_start_date_status INTEGER, "
    "comment_last_modified REAL);"
    "CREATE TABLE CalendarItem (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, summary TEXT, "
    "location_id INTEGER, client_location_id INTEGER, description TEXT, start_date REAL, "
    "start_tz TEXT, end_date REAL, end_tz TEXT, all_day INTEGER, calendar_id INTEGER, "
    "orig_item_id INTEGER, orig_date REAL, organizer_id INTEGER, self_attendee_id INTEGER, "
    "status INTEGER, invitation_status INTEGER, availability INTEGER, privacy_level INTEGER, url "
    "TEXT, last_modified REAL, sequence_num INTEGER, birthday_id INTEGER, modified_properties "
    "INTEGER, external_tracking_status INTEGER, external_id TEXT, external_mod_tag TEXT, "
    "unique_identifier TEXT, external_schedule_id TEXT, external_rep BLOB, response_comment "
    "TEXT, last_synced_response_comment TEXT, hidden INTEGER, has_recurrences INTEGER, "
    "has_attendees INTEGER, UUID TEXT, entity_type INTEGER, priority INTEGER, due_date REAL, "
    "due_tz TEXT, due_all_day INTEGER, completion_date REAL, creation_date REAL, action TEXT, "
    "app_link BLOB, display_order INTEGER, created_by_id INTEGER, modified_by_id INTEGER, "
    "shared_item_created_date REAL, shared_item_created_tz TEXT, shared_item_modified_date "
    "REAL, shared_item_modified_tz TEXT, invitation_changed_properties INTEGER, "
    "default_alarm_removed INTEGER, phantom_master INTEGER, participation_status_modified_date "
    "REAL, calendar_scale TEXT, travel_time INTEGER, travel_advisory_behavior INTEGER, "
    "start_location_id INTEGER, end_location_id INTEGER, suggested_event_info_id INTEGER, "
    "first_alert_date REAL, proposed_start_date REAL, can_forward INTEGER, "
    "location_prediction_state INTEGER, fired_ttl INTEGER, disallow_propose_new_time INTEGER, "
    "structured_data BLOB, local_structured_data BLOB, junk_status INTEGER, conference_url TEXT, "
    "contact_identifier TEXT, recurrence_set TEXT, flags INTEGER, contact_name TEXT);";

/*
 * 1: an ordinary event organised by participant 1 (every field checked).
 * 2: organised by the planted email address.
 * 3: QuaDream's shape; 4: its near miss.
 * 5: a planted domain in the notes; 6: a planted URL; 7: near misses of all.
 */
static const char rows[] =
    "INSERT INTO Participant (ROWID, UUID, email, phone_number, comment, last_modified) VALUES "
    "(1, 'p-1', 'friend@example.net', '12345678', NULL, 699990200.25),"
    "(2, 'p-2', 'Attacker@Evil.example', NULL, 'see you', NULL),"
    "(3, 'p-3', 'attacker@evil.example.net', NULL, NULL, NULL);"
    "INSERT INTO CalendarItem (ROWID, summary, description, start_date, end_date, all_day, "
    "calendar_id, organizer_id, url, last_modified, external_id, external_mod_tag, "
    "unique_identifier, hidden, UUID, creation_date, action, created_by_id) VALUES "
    "(1, 'Lunch', 'with friends', 700000000.0, 700003600.0, 0, 1, 1, '', 699990100.0, NULL, "
    "NULL, '', 0, 'UUID-1', 699990000.5, '', 0),"
    "(2, 'Call', NULL, 600000000.0, 600000001.0, 0, 1, 2, NULL, NULL, NULL, NULL, NULL, 0, "
    "'UUID-2', NULL, NULL, 0),"
    "(3, 'Meeting', 'Notes', 600000000.0, 600000001.0, 0, 1, 0, NULL, NULL, NULL, NULL, NULL, 1, "
    "'UUID-3', 600000000.0, NULL, 0),"
    "(4, 'Meeting', 'notes', 600000000.0, 600000001.0, 0, 1, 0, NULL, NULL, NULL, NULL, NULL, 1, "
    "'UUID-4', 600000000.0, NULL, 0),"
    "(5, 'Review', 'agenda at https://Evil-Domain.example/a?b=1 tomorrow', 600000000.0, NULL, 0, "
    "1, 0, NULL, NULL, NULL, NULL, NULL, 0, 'UUID-5', NULL, NULL, 0),"
    "(6, 'Sync', NULL, 600000000.0, NULL, 0, 1, 0, 'http://example.com/thisisbad', NULL, NULL, "
    "NULL, NULL, 0, 'UUID-6', NULL, NULL, 0),"
    "(7, 'Sync evil-domain.example.org', 'see notevil-domain.example', 600000000.0, NULL, 0, 1, "
    "3, 'http://example.com/thisisgood', NULL, NULL, NULL, NULL, 0, 'UUID-7', NULL, NULL, 0);";

static const char *const iocs[] = {
    "[email-addr:value='attacker@evil.example']",
    "[domain-name:value='evil-domain.example']",
    "[url:value='http://example.com/thisisbad']",
    NULL,
};

static void run_fixture(const char *const *patterns, struct vgh_result *r)
{
    static const char *const none[] = {NULL};
    char *bk = vgh_backup_sql(DOMAIN, RELPATH, schema, rows);

    vgh_run_ok(bk, patterns ? patterns : none, "calendar", r);
    vgh_cleanup(bk);
}

static void test_records(void **state)
{
    static const char want[] =
        "{\"id\": 1, \"summary\": \"Lunch\", \"description\": \"with friends\", \"start_date\": "
        "\"2023-03-08 20:26:40.000000\", \"end_date\": \"2023-03-08 21:26:40.000000\", "
        "\"all_day\": 0, \"calendar_id\": 1, \"organizer_id\": 1, \"url\": \"\", "
        "\"last_modified\": \"2023-03-08 17:41:40.000000\", \"external_id\": null, "
        "\"external_mod_tag\": null, \"unique_identifier\": \"\", \"hidden\": 0, \"uuid\": "
        "\"UUID-1\", \"creation_date\": \"2023-03-08 17:40:00.500000\", \"action\": \"\", "
        "\"created_by_id\": 0, \"participant_uuid\": \"p-1\", \"participant_email\": "
        "\"friend@example.net\", \"participant_phone\": \"12345678\", \"participant_comment\": "
        "null, \"participant_last_modified\": \"2023-03-08 17:43:20.250000\"}";
    json_t *w = json_loads(want, 0, NULL), *rec;
    void *it, *wit;
    struct vgh_result r;
    (void)state;

    run_fixture(iocs, &r);
    assert_int_equal(json_array_size(r.records), 7);
    rec = json_array_get(r.records, 0);
    assert_non_null(w);
    assert_true(json_equal(rec, w));
    /* MVT's key order */
    for (it = json_object_iter(rec), wit = json_object_iter(w); it && wit;
         it = json_object_iter_next(rec, it), wit = json_object_iter_next(w, wit))
        assert_string_equal(json_object_iter_key(it), json_object_iter_key(wit));
    assert_null(it);
    assert_null(wit);
    /* an event whose organiser id names no participant */
    rec = json_array_get(r.records, 2);
    assert_true(json_is_null(json_object_get(rec, "participant_email")));
    assert_true(json_is_null(json_object_get(rec, "participant_last_modified")));
    assert_true(json_is_null(json_object_get(rec, "last_modified")));
    json_decref(w);
    vgh_result_free(&r);
}

/* when: creation, else start (MVT: "") */
static void assert_alert(const json_t *a, const char *when, const char *level, const char *msg,
                         const char *value, const char *type)
{
    const json_t *m = json_object_get(a, "matched_indicator");
    assert_string_equal(json_string_value(json_object_get(a, "level")), level);
    if (msg)
        assert_string_equal(json_string_value(json_object_get(a, "message")), msg);
    assert_string_equal(json_string_value(json_object_get(a, "event_time")), when);
    if (!value) {
        assert_true(json_is_null(m));
        return;
    }
    assert_string_equal(json_string_value(json_object_get(m, "value")), value);
    assert_string_equal(json_string_value(json_object_get(m, "type")), type);
    assert_string_equal(json_string_value(json_object_get(m, "name")), "TestMalware");
}

#define T0 "2020-01-06 10:40:00.000000"

static void test_alerts(void **state)
{
    struct vgh_result r;
    (void)state;

    run_fixture(iocs, &r);
    assert_int_equal(json_array_size(r.alerts), 4);
    /* email addresses compare without case, as MVT */
    assert_alert(json_array_get(r.alerts, 0), T0, "CRITICAL",
                 "Found a known suspicious email address \"Attacker@Evil.example\" matching "
                 "indicators from \"TestMalware\"",
                 "attacker@evil.example", "emails");
    assert_int_equal(json_integer_value(json_object_get(
                         json_object_get(json_array_get(r.alerts, 0), "event"), "id")),
                     2);
    assert_alert(json_array_get(r.alerts, 1), T0, "HIGH",
                 "Potential Quadream exploit event identified: UUID-3", NULL, NULL);
    /* the wording of domain hits is checks.c's; the piece of text and the
     * indicator are this module's */
    assert_alert(json_array_get(r.alerts, 2), T0, "CRITICAL", NULL, "evil-domain.example",
                 "domains");
    assert_non_null(
        strstr(json_string_value(json_object_get(json_array_get(r.alerts, 2), "message")),
               " https://Evil-Domain.example/a?b=1 matching indicator \"evil-domain.example\" from "
               "\"TestMalware\""));
    assert_alert(json_array_get(r.alerts, 3), T0, "CRITICAL",
                 "Found a known suspicious URL http://example.com/thisisbad matching indicator "
                 "\"http://example.com/thisisbad\" from \"TestMalware\"",
                 "http://example.com/thisisbad", "urls");
    /* event 4 ("notes") and event 7 (near misses of every indicator) gave none */
    vgh_result_free(&r);
}

static void test_no_indicators(void **state)
{
    struct vgh_result r;
    (void)state;

    /* the QuaDream check needs no indicators */
    run_fixture(NULL, &r);
    assert_int_equal(json_array_size(r.alerts), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(r.alerts, 0), "level")),
                        "HIGH");
    vgh_result_free(&r);
}

static void test_timeline(void **state)
{
    struct vgh_result r;
    const char *p;
    size_t rows_1 = 0;
    static const char desc1[] =
        "\"Calendar event Lunch (with friends) (invitation by friend@example.net)\"";
    (void)state;

    run_fixture(NULL, &r);
    for (p = r.timeline; (p = strstr(p, desc1)) != NULL; p++)
        rows_1++;
    /* start, end, last modified, creation, organiser's last modified */
    assert_int_equal(rows_1, 5);
    assert_non_null(strstr(r.timeline, "\"2023-03-08 17:40:00.500000\",\"Calendar\","
                                       "\"creation_date\","));
    assert_non_null(strstr(r.timeline, "\"2023-03-08 17:43:20.250000\",\"Calendar\","
                                       "\"participant_last_modified\","));
    assert_non_null(strstr(r.timeline, "\"2020-01-06 10:40:00.000000\",\"Calendar\",\"start_date\","
                                       "\"Calendar event Call (None) (invitation by "
                                       "Attacker@Evil.example)\""));
    vgh_result_free(&r);
}

static void test_malformed(void **state)
{
    static const char junk[] = "\x00\x01\x02 not a database at all";
    char *bk = vgh_backup_bytes(DOMAIN, RELPATH, junk, sizeof(junk));
    struct vgh_result r;
    (void)state;

    vgh_run_unreadable(bk, NULL, "calendar", DISPLAY, &r);
    vgh_result_free(&r);
    vgh_cleanup(bk);
}

static void test_missing_table(void **state)
{
    char *bk = vgh_backup_sql(DOMAIN, RELPATH,
                              "CREATE TABLE CalendarItem (ROWID INTEGER PRIMARY KEY);", NULL);
    struct vgh_result r;
    (void)state;

    vgh_run_unreadable(bk, NULL, "calendar", DISPLAY, &r);
    vgh_result_free(&r);
    vgh_cleanup(bk);
}

static void test_check_on_saved_records(void **state)
{
    static const char saved[] =
        "[{\"id\": 1, \"summary\": \"Meeting\", \"description\": \"Notes\", \"uuid\": \"U-1\", "
        "\"url\": null, \"participant_email\": null, \"participant_comment\": null},"
        " {\"id\": 2, \"summary\": \"x\", \"description\": null, \"uuid\": \"U-2\", \"url\": "
        "null, \"participant_email\": \"attacker@evil.example\", \"participant_comment\": null}]";
    char *bundle = vgh_bundle(iocs);
    struct vgh_check c;
    const json_t *alerts;
    (void)state;

    vgh_check_saved("calendar", saved, bundle, &c);
    alerts = c.alerts;
    assert_int_equal(json_array_size(alerts), 2);
    assert_alert(json_array_get(alerts, 0), "", "HIGH",
                 "Potential Quadream exploit event identified: U-1", NULL, NULL);
    assert_alert(json_array_get(alerts, 1), "", "CRITICAL",
                 "Found a known suspicious email address \"attacker@evil.example\" matching "
                 "indicators from \"TestMalware\"",
                 "attacker@evil.example", "emails");
    vgh_check_free(&c);
    free(bundle);
}

static void test_mvt_test_backup(void **state)
{
    struct vgh_result r;
    char *detected;
    (void)state;

    if (!vgh_run_mvt_backup("calendar", &r))
        skip();
    assert_int_equal(json_array_size(r.records), 1);
    vgh_assert_mvt_records(&r, "calendar.json");
    /* MVT wrote no calendar_detected.json: no alerts */
    detected = vgh_mvt_result_text("calendar_detected.json");
    assert_null(detected);
    assert_int_equal(json_array_size(r.alerts), 0);
    vgh_assert_mvt_timeline(&r, "Calendar", 4);
    vgh_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_records),
        cmocka_unit_test(test_alerts),
        cmocka_unit_test(test_no_indicators),
        cmocka_unit_test(test_timeline),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_missing_table),
        cmocka_unit_test(test_check_on_saved_records),
        cmocka_unit_test(test_mvt_test_backup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
