/*
 * Correlated stories: every rule fires on events that belong together and
 * stays silent on near misses (too far apart, in the wrong order, from
 * the same module, without an indicator hit); bursts make one story;
 * levels follow how many independent signals agree. Then end to end on a
 * backup: an SMS hit followed by a process first seen in DataUsage.
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
#include "scan/correlate.h"

#define HIT  VG_LEVEL_CRITICAL
#define NONE (-1)

struct got {
    size_t n;
    int level[16];
    char rule[16][64];
    size_t events[16];
    char message[16][1024];
};

static void keep(void *ud, struct vg_story *st)
{
    struct got *g = ud;
    json_t *ev = st->event;

    assert_true(g->n < 16);
    g->level[g->n] = st->level;
    snprintf(g->rule[g->n], sizeof(g->rule[0]), "%s",
             json_string_value(json_object_get(ev, "rule")));
    g->events[g->n] = (size_t)json_integer_value(json_object_get(ev, "event_count"));
    snprintf(g->message[g->n], sizeof(g->message[0]), "%s", st->message);
    assert_non_null(json_object_get(ev, "why"));
    assert_non_null(json_object_get(json_object_get(ev, "trigger"), "time"));
    g->n++;
    json_decref(ev);
}

static void run(struct vg_signals *l, struct got *g)
{
    memset(g, 0, sizeof(*g));
    assert_int_equal(vg_correlate(l, keep, g), VG_OK);
    vg_signals_free(l);
}

static void test_message_then_process(void **state)
{
    struct vg_signals l = {0};
    struct got g;
    (void)state;

    vg_signals_offer(&l, "sms", "2021-06-01 10:00:00.000000", "sms_received", "a link", HIT);
    vg_signals_offer(&l, "datausage", "2021-06-01 10:02:00.000000", "first_usage", "bh", NONE);
    run(&l, &g);
    assert_int_equal(g.n, 1);
    assert_string_equal(g.rule[0], "message_then_process");
    assert_int_equal(g.level[0], VG_LEVEL_HIGH); /* a hit and one kind after it */
    assert_int_equal(g.events[0], 1);
    assert_non_null(strstr(g.message[0], "Correlated events (message_then_process)"));
    assert_non_null(strstr(g.message[0], "datausage \"bh\" at 2021-06-01 10:02:00.000000"));
}

static void test_near_misses(void **state)
{
    struct vg_signals l = {0};
    struct got g;
    (void)state;

    /* too far apart: 5 minutes and a second */
    vg_signals_offer(&l, "sms", "2021-06-01 10:00:00.000000", "sms_received", "a link", HIT);
    vg_signals_offer(&l, "datausage", "2021-06-01 10:05:01.000000", "first_usage", "bh", NONE);
    run(&l, &g);
    assert_int_equal(g.n, 0);
    /* in the wrong order: the process was there before the message */
    vg_signals_offer(&l, "datausage", "2021-06-01 09:59:00.000000", "first_usage", "bh", NONE);
    vg_signals_offer(&l, "sms", "2021-06-01 10:00:00.000000", "sms_received", "a link", HIT);
    run(&l, &g);
    assert_int_equal(g.n, 0);
    /* no indicator hit: an ordinary message before an ordinary process */
    vg_signals_offer(&l, "sms", "2021-06-01 10:00:00.000000", "sms_received", "hello", NONE);
    vg_signals_offer(&l, "datausage", "2021-06-01 10:01:00.000000", "first_usage", "bh", NONE);
    run(&l, &g);
    assert_int_equal(g.n, 0);
    /* an unrelated event: a process's current usage is not a first sighting */
    vg_signals_offer(&l, "sms", "2021-06-01 10:00:00.000000", "sms_received", "a link", HIT);
    vg_signals_offer(&l, "datausage", "2021-06-01 10:01:00.000000", "current_usage", "bh", NONE);
    vg_signals_offer(&l, "sms", "2021-06-01 10:01:30.000000", "sms_read", "a link", NONE);
    run(&l, &g);
    assert_int_equal(g.n, 0);
    /* a low alert is not an indicator hit */
    vg_signals_offer(&l, "sms", "2021-06-01 10:00:00.000000", "sms_received", "x", VG_LEVEL_LOW);
    vg_signals_offer(&l, "datausage", "2021-06-01 10:01:00.000000", "first_usage", "bh", NONE);
    run(&l, &g);
    assert_int_equal(g.n, 0);
}

static void test_every_rule(void **state)
{
    struct vg_signals l = {0};
    struct got g;
    (void)state;

    vg_signals_offer(&l, "safari_history", "2021-06-01 10:00:00.000000", "safari_history", "u",
                     HIT);
    vg_signals_offer(&l, "crash_reporter", "2021-06-01 10:04:00.000000", "crash", "c", NONE);
    run(&l, &g);
    assert_int_equal(g.n, 1);
    assert_string_equal(g.rule[0], "web_then_process");

    vg_signals_offer(&l, "idstatuscache", "2021-06-01 10:00:00.000000", "lookup", "e", HIT);
    vg_signals_offer(&l, "netusage", "2021-06-01 10:09:00.000000", "first_usage", "p", NONE);
    run(&l, &g);
    assert_int_equal(g.n, 1);
    assert_string_equal(g.rule[0], "lookup_then_process");

    vg_signals_offer(&l, "whatsapp", "2021-06-01 10:00:00.000000", "message", "m", HIT);
    vg_signals_offer(&l, "manifest", "2021-06-01 10:00:30.000000", "M-CB", "Library/x",
                     VG_LEVEL_HIGH);
    run(&l, &g);
    assert_int_equal(g.n, 1);
    assert_string_equal(g.rule[0], "hit_then_file");
    assert_int_equal(g.level[0], VG_LEVEL_CRITICAL); /* the file is flagged itself */
    /* an ordinary new file: a phone writes them every minute */
    vg_signals_offer(&l, "whatsapp", "2021-06-01 10:00:00.000000", "message", "m", HIT);
    vg_signals_offer(&l, "manifest", "2021-06-01 10:00:30.000000", "M-CB", "Library/x", NONE);
    run(&l, &g);
    assert_int_equal(g.n, 0);
    /* a file only modified is not new */
    vg_signals_offer(&l, "whatsapp", "2021-06-01 10:00:00.000000", "message", "m", HIT);
    vg_signals_offer(&l, "manifest", "2021-06-01 10:00:30.000000", "M---", "Library/x",
                     VG_LEVEL_HIGH);
    run(&l, &g);
    assert_int_equal(g.n, 0);

    vg_signals_offer(&l, "sms", "2021-06-01 10:00:00.000000", "sms_received", "m", HIT);
    vg_signals_offer(&l, "configuration_profiles", "2021-06-01 10:50:00.000000",
                     "configuration_profile_install", "p", NONE);
    run(&l, &g);
    assert_int_equal(g.n, 1);
    assert_string_equal(g.rule[0], "hit_then_install");
    /* an hour and a minute: too late */
    vg_signals_offer(&l, "sms", "2021-06-01 10:00:00.000000", "sms_received", "m", HIT);
    vg_signals_offer(&l, "applications", "2021-06-01 11:01:00.000000", "app_installed", "a", NONE);
    run(&l, &g);
    assert_int_equal(g.n, 0);
}

static void test_levels_and_bursts(void **state)
{
    struct vg_signals l = {0};
    struct got g;
    (void)state;

    /* three messages, then a new process that is itself an indicator and a
     * crash: one story, three independent signals and more: CRITICAL */
    vg_signals_offer(&l, "sms", "2021-06-01 10:00:00.000000", "sms_received", "1", HIT);
    vg_signals_offer(&l, "sms", "2021-06-01 10:00:10.000000", "sms_received", "2", HIT);
    vg_signals_offer(&l, "sms", "2021-06-01 10:00:20.000000", "sms_received", "3", HIT);
    vg_signals_offer(&l, "datausage", "2021-06-01 10:01:00.000000", "first_usage", "bh", HIT);
    vg_signals_offer(&l, "crash_reporter", "2021-06-01 10:01:30.000000", "crash", "c", NONE);
    run(&l, &g);
    assert_int_equal(g.n, 1);
    assert_int_equal(g.level[0], VG_LEVEL_CRITICAL);
    assert_int_equal(g.events[0], 2);
    /* a time that is not one is no signal */
    vg_signals_offer(&l, "sms", "yesterday", "sms_received", "1", HIT);
    vg_signals_offer(&l, "datausage", "", "first_usage", "bh", NONE);
    run(&l, &g);
    assert_int_equal(g.n, 0);
}

static void test_rule_table(void **state)
{
    const char *names[16], *whys[16];
    int64_t windows[16];
    size_t n = vg_correlation_rules(names, windows, whys, 16), i;
    (void)state;

    assert_true(n >= 5);
    for (i = 0; i < n; i++) {
        assert_true(windows[i] > 0);
        assert_true(strlen(whys[i]) > 20);
    }
}

/* ---- end to end ---- */

#define DU_DOMAIN "WirelessDomain"
#define DU_PATH   "Library/Databases/DataUsage.sqlite"

static void test_backup_story(void **state)
{
    static const char *const iocs[] = {"[domain-name:value='badbadbad.example.org']", NULL};
    /* 2021-06-01 10:00:00 UTC is Cocoa 644234400 */
    static const char sms[] =
        "CREATE TABLE handle (ROWID INTEGER PRIMARY KEY, id TEXT, service TEXT);"
        "CREATE TABLE message (ROWID INTEGER PRIMARY KEY, guid TEXT, text TEXT, handle_id INTEGER,"
        " service TEXT, account TEXT, date INTEGER, date_read INTEGER, is_from_me INTEGER);"
        "INSERT INTO handle VALUES (1, '+15550001111', 'SMS');"
        "INSERT INTO message VALUES (1, 'G1', 'see https://badbadbad.example.org/x', 1, 'SMS', "
        "NULL,"
        " 644234400000000000, 0, 0);";
    static const char du[] =
        "CREATE TABLE ZLIVEUSAGE ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZKIND "
        "INTEGER, ZMETADATA INTEGER, ZTAG INTEGER, ZHASPROCESS INTEGER, ZBILLCYCLEEND TIMESTAMP, "
        "ZTIMESTAMP TIMESTAMP, ZWIFIIN FLOAT, ZWIFIOUT FLOAT, ZWWANIN FLOAT, ZWWANOUT FLOAT );"
        "CREATE TABLE ZPROCESS ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, "
        "ZFIRSTTIMESTAMP TIMESTAMP, ZTIMESTAMP TIMESTAMP, ZBUNDLENAME VARCHAR, ZPROCNAME VARCHAR );"
        "INSERT INTO ZPROCESS VALUES (1, 1, 1, %d, %d, 'com.example.x', 'newthing');"
        "INSERT INTO ZLIVEUSAGE VALUES (1, 1, 1, 0, 0, 0, 1, NULL, %d, 1, 1, 1, 1);";
    char sql[1024], *dir;
    struct vgh_result r;
    const json_t *a;
    int k, late;
    (void)state;

    /* k: 0 the story, 1 the process an hour late, 2 --no-correlate */
    for (k = 0; k < 3; k++) {
        int t = k == 1 ? 644234400 + 3600 : 644234400 + 90;
        late = k == 1;
        vgh_no_correlate = k == 2;
        snprintf(sql, sizeof(sql), du, t, t, t);
        {
            const struct vgh_file files[] = {
                {"HomeDomain", "Library/SMS/sms.db", sms, NULL, 0, NULL},
                {DU_DOMAIN, DU_PATH, sql, NULL, 0, NULL},
            };
            dir = vgh_backup(files, 2);
        }
        vgh_run_ok(dir, iocs, NULL, &r);
        vgh_no_correlate = 0;
        a = vgh_find_alert(r.alerts, "HIGH", "Correlated events (message_then_process)");
        /* the parts stay alerts of their own */
        assert_non_null(vgh_find_alert(r.alerts, "CRITICAL", "badbadbad.example.org"));
        if (late || k == 2) {
            assert_null(a);
        } else {
            assert_non_null(a);
            assert_string_equal(vgh_must_str(a, "module"), "correlation");
            assert_non_null(strstr(vgh_must_str(a, "message"), "newthing"));
            assert_string_equal(vgh_must_str(a, "event_time"), "2021-06-01 10:00:00.000000");
        }
        vgh_result_free(&r);
        vgh_cleanup(dir);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_message_then_process), cmocka_unit_test(test_near_misses),
        cmocka_unit_test(test_every_rule),           cmocka_unit_test(test_levels_and_bursts),
        cmocka_unit_test(test_rule_table),           cmocka_unit_test(test_backup_story),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
