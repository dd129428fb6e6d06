/*
 * SMS on Android filesystem dumps (src/lib/modules/android/fs_sms.c):
 * mmssms.db's messages with MVT's keys, links and counterparts checked,
 * the timeline, the first of the database's places read, and deleted
 * messages recovered (or not: secure_delete, --no-recover).
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

#define SMS_DE   "data/user_de/0/com.android.providers.telephony/databases/mmssms.db"
#define SMS_DATA "data/data/com.android.providers.telephony/databases/mmssms.db"
#define SMS_USER "data/user/0/com.android.providers.telephony/databases/mmssms.db"

/* The columns of Android 10's sms table. */
#define SMS_SCHEMA                                                                                 \
    "CREATE TABLE sms (_id INTEGER PRIMARY KEY, thread_id INTEGER, address TEXT, person "          \
    "INTEGER, date INTEGER, date_sent INTEGER DEFAULT 0, protocol INTEGER, read INTEGER "          \
    "DEFAULT 0, status INTEGER DEFAULT -1, type INTEGER, reply_path_present INTEGER, subject "     \
    "TEXT, body TEXT, service_center TEXT, locked INTEGER DEFAULT 0, sub_id INTEGER DEFAULT "      \
    "-1, error_code INTEGER DEFAULT 0, creator TEXT, seen INTEGER DEFAULT 0);"

/* Six messages: a near miss (2), a planted link (3), an e-mail gateway (4),
 * the owner's reply without date_sent (5), a planted link that is then
 * deleted (6). Bodies are long enough to be told from page noise. */
#define SMS_ROWS                                                                                   \
    "INSERT INTO sms (_id, thread_id, address, date, date_sent, type, body) VALUES "               \
    "(1, 1, '+15550001111', 1700000000123, 1699999999000, 1, 'first message, nothing to see "      \
    "here'),"                                                                                      \
    "(2, 1, '+15550001111', 1700000100000, 1700000099000, 1, 'a near miss "                        \
    "https://notbadbadbad.example.org/page for you'),"                                             \
    "(3, 2, '+15550002222', 1700000200000, 1700000199000, 1, 'click "                              \
    "https://badbadbad.example.org/track now please'),"                                            \
    "(4, 3, 'gateway@attacker.example', 1700000300000, 1700000299000, 1, 'a message from an "      \
    "e-mail gateway, hello there'),"                                                               \
    "(5, 1, '+15550001111', 1700000400000, 0, 2, 'a sent reply\nfrom the owner of the phone'),"    \
    "(6, 4, '+15550006666', 1700000500000, 1700000499000, 1, 'deleted: open "                      \
    "https://sub.badbadbad.example.org/x quickly please');"

static const char *const iocs[] = {"[domain-name:value='badbadbad.example.org']",
                                   "[email-addr:value='gateway@attacker.example']", NULL};

static struct vgfix_fs *dump_with(const char *path, const char *delete_sql)
{
    struct vgfix_fs *fs = vgfix_fs_new();
    char sql[4096];

    assert_non_null(fs);
    snprintf(sql, sizeof(sql), "%s%s%s", SMS_SCHEMA, SMS_ROWS, delete_sql ? delete_sql : "");
    vgh_fs_sql(fs, path, sql);
    return fs;
}

static void run(struct vgfix_fs *fs, struct vgh_result *r)
{
    vgh_run_dump_kind(VG_KIND_ANDROID_FS, fs, iocs, "sms", 0, r);
}

static void test_records_and_checks(void **state)
{
    struct vgfix_fs *fs = dump_with(SMS_DE, NULL);
    const json_t *rec, *a;
    struct vgh_result r;
    (void)state;

    run(fs, &r);
    assert_int_equal(json_array_size(r.records), 6);
    rec = json_array_get(r.records, 2);
    vgh_assert_keys(rec, "address,timestamp,incoming,body,date,direction,isodate,links");
    assert_string_equal(vgh_must_str(rec, "direction"), "received");
    assert_string_equal(vgh_must_str(rec, "isodate"), "2023-11-14 22:16:39.000000");
    assert_string_equal(json_string_value(json_array_get(json_object_get(rec, "links"), 0)),
                        "https://badbadbad.example.org/track");
    /* the owner's message: no date_sent, dated by date */
    rec = json_array_get(r.records, 4);
    assert_string_equal(vgh_must_str(rec, "direction"), "sent");
    assert_string_equal(vgh_must_str(rec, "isodate"), "2023-11-14 22:20:00.000000");
    /* the planted links and the gateway; not the near miss */
    assert_int_equal(json_array_size(r.alerts), 3);
    a = vgh_find_alert(r.alerts, "CRITICAL", "badbadbad.example.org");
    assert_non_null(a);
    vgh_assert_alert(a, "CRITICAL", "badbadbad.example.org", "domains");
    a = vgh_find_alert(r.alerts, "CRITICAL", "gateway@attacker.example");
    assert_non_null(a);
    assert_null(vgh_find_alert(r.alerts, "CRITICAL", "notbadbadbad"));
    /* MVT's timeline: sms_<direction>, address: "body", newlines escaped
     * (the CSV writer quotes a leading '+' as a formula's) */
    assert_true(vgh_tl_has(&r, "2023-11-14 22:16:39.000000", "SMS", "sms_received",
                           "'+15550002222: \"click https://badbadbad.example.org/track now "
                           "please\""));
    assert_true(vgh_tl_has(&r, "2023-11-14 22:20:00.000000", "SMS", "sms_sent",
                           "'+15550001111: \"a sent reply\\nfrom the owner of the phone\""));
    assert_int_equal(json_array_size(r.recovered), 0);
    vgh_result_free(&r);
    vgfix_fs_free(fs);
}

static void test_deleted_recovered(void **state)
{
    struct vgfix_fs *fs =
        dump_with(SMS_DE, "PRAGMA secure_delete=OFF; DELETE FROM sms WHERE _id = 6;");
    const json_t *rec, *w, *a;
    struct vgh_result r;
    (void)state;

    run(fs, &r);
    assert_int_equal(json_array_size(r.records), 5);
    assert_int_equal(json_array_size(r.recovered), 1);
    rec = json_array_get(r.recovered, 0);
    assert_string_equal(vgh_must_str(rec, "address"), "+15550006666");
    assert_string_equal(vgh_must_str(rec, "body"),
                        "deleted: open https://sub.badbadbad.example.org/x quickly please");
    w = json_object_get(rec, "recovered");
    assert_non_null(w);
    assert_string_equal(vgh_must_str(w, "file"), SMS_DE);
    assert_string_equal(vgh_must_str(w, "table"), "sms");
    a = vgh_find_alert(r.alerts, "CRITICAL", "in a deleted record recovered from " SMS_DE);
    assert_non_null(a);
    assert_non_null(json_object_get(json_object_get(a, "event"), "recovered"));
    assert_int_equal(json_array_size(r.alerts), 3);
    assert_non_null(strstr(r.timeline, "[deleted record recovered from"));
    assert_int_equal(
        vgh_int(json_object_get(json_object_get(r.info, "modules"), "sms"), "recovered"), 1);
    vgh_result_free(&r);
    vgfix_fs_free(fs);
}

static void test_secure_delete_leaves_nothing(void **state)
{
    struct vgfix_fs *fs =
        dump_with(SMS_DE, "PRAGMA secure_delete=ON; DELETE FROM sms WHERE _id = 6;");
    struct vgh_result r;
    (void)state;

    run(fs, &r);
    assert_int_equal(json_array_size(r.records), 5);
    assert_int_equal(json_array_size(r.recovered), 0);
    assert_int_equal(json_array_size(r.alerts), 2);
    vgh_result_free(&r);
    vgfix_fs_free(fs);
}

static void test_no_recover(void **state)
{
    struct vgfix_fs *fs =
        dump_with(SMS_DE, "PRAGMA secure_delete=OFF; DELETE FROM sms WHERE _id = 6;");
    struct vgh_result r;
    (void)state;

    vgh_no_recover = 1;
    run(fs, &r);
    vgh_no_recover = 0;
    assert_int_equal(json_array_size(r.records), 5);
    assert_int_equal(json_array_size(r.recovered), 0);
    assert_int_equal(json_array_size(r.alerts), 2);
    vgh_result_free(&r);
    vgfix_fs_free(fs);
}

/* data/data and data/user/0 are one folder on the phone: a dump holding
 * both is read once; a dump of the user layout alone is read too. */
static void test_one_place_read(void **state)
{
    struct vgfix_fs *fs = dump_with(SMS_DATA, NULL);
    struct vgh_result r;
    (void)state;

    vgh_fs_sql(fs, SMS_USER, SMS_SCHEMA SMS_ROWS);
    run(fs, &r);
    assert_int_equal(json_array_size(r.records), 6);
    assert_int_equal(vgh_coverage(&r, "sms", "found", SMS_DATA), 1);
    assert_int_equal(vgh_coverage(&r, "sms", "found", SMS_USER), 0);
    vgh_result_free(&r);
    vgfix_fs_free(fs);

    fs = dump_with(SMS_USER, NULL);
    run(fs, &r);
    assert_int_equal(json_array_size(r.records), 6);
    assert_int_equal(json_array_size(r.alerts), 3);
    vgh_result_free(&r);
    vgfix_fs_free(fs);
}

/* A database without the table: a schema note, no failure. */
static void test_no_table(void **state)
{
    struct vgfix_fs *fs = vgfix_fs_new();
    struct vgh_result r;
    (void)state;

    vgh_fs_sql(fs, SMS_DE, "CREATE TABLE threads (_id INTEGER PRIMARY KEY);");
    run(fs, &r);
    assert_int_equal(json_array_size(r.records), 0);
    assert_int_equal(r.warnings, 0);
    assert_non_null(strstr(r.diag_text, "not in this Android version's schema"));
    vgh_result_free(&r);
    vgfix_fs_free(fs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_records_and_checks),
        cmocka_unit_test(test_deleted_recovered),
        cmocka_unit_test(test_secure_delete_leaves_nothing),
        cmocka_unit_test(test_no_recover),
        cmocka_unit_test(test_one_place_read),
        cmocka_unit_test(test_no_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
