/*
 * SafariHistory: visits from the default profile's History.db and a
 * profile's (Library/Safari/Profiles/<UUID>/History.db) in the real schema,
 * URL and domain indicators, MVT's fast cross-domain HTTP redirect heuristic
 * (within one database only), the timeline, malformed databases, and the
 * check on saved records.
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
#define DEFAULT "Library/Safari/History.db"
#define PROFILE "Library/Safari/Profiles/6F1D0C1E-2B8A-4C57-9E3A-1D2B3C4D5E6F/History.db"

/* As Safari creates them (WBSHistorySQLiteSchema). */
static const char schema[] =
    "CREATE TABLE history_items (id INTEGER PRIMARY KEY AUTOINCREMENT,url TEXT NOT NULL "
    "UNIQUE,domain_expansion TEXT NULL,visit_count INTEGER NOT NULL,daily_visit_counts BLOB NOT "
    "NULL,weekly_visit_counts BLOB NULL,autocomplete_triggers BLOB NULL,"
    "should_recompute_derived_visit_counts INTEGER NOT NULL,visit_count_score INTEGER NOT "
    "NULL,status_code INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE history_visits (id INTEGER PRIMARY KEY AUTOINCREMENT,history_item INTEGER NOT "
    "NULL REFERENCES history_items(id) ON DELETE CASCADE,visit_time REAL NOT NULL,title TEXT "
    "NULL,load_successful BOOLEAN NOT NULL DEFAULT 1,http_non_get BOOLEAN NOT NULL DEFAULT "
    "0,synthesized BOOLEAN NOT NULL DEFAULT 0,redirect_source INTEGER NULL UNIQUE REFERENCES "
    "history_visits(id) ON DELETE CASCADE,redirect_destination INTEGER NULL UNIQUE REFERENCES "
    "history_visits(id) ON DELETE CASCADE,origin INTEGER NOT NULL DEFAULT 0,generation INTEGER "
    "NOT NULL DEFAULT 0,attributes INTEGER NOT NULL DEFAULT 0,score INTEGER NOT NULL DEFAULT 0);";

#define ITEMS                                                                                      \
    "INSERT INTO history_items (id, url, visit_count, daily_visit_counts, "                        \
    "should_recompute_derived_visit_counts, visit_count_score) "                                   \
    "SELECT column1, column2, 1, x'', 0, 0 FROM (VALUES "
#define VISITS                                                                                     \
    "INSERT INTO history_visits (id, history_item, visit_time, redirect_source, "                  \
    "redirect_destination) VALUES "

/*
 * 1 -> 2: plain HTTP to another domain in 250 ms (flagged).
 * 3 -> 4: www.shop.example to shop.example (an upgrade to HTTPS: not).
 * 5 -> 6: another domain, 2 s later (not). 9 -> 10: HTTPS origin (not).
 * 7: the domain indicator; 8: its near miss (evil-example.org).
 */
static const char default_rows[] =
    ITEMS "(1, 'http://news.example.net/article'), (2, 'https://tracker.redirect.example/land'), "
          "(3, 'http://www.shop.example/'), (4, 'https://shop.example/'), "
          "(5, 'http://slow.example/'), (6, 'https://other.example/'), "
          "(7, 'https://example.org/x'), (8, 'https://evil-example.org/'), "
          "(9, 'https://a.example/'), (10, 'https://b.example/'));" VISITS
          "(1, 1, 700000000.0, NULL, 2), (2, 2, 700000000.25, 1, NULL), "
          "(3, 3, 700000100.0, NULL, 4), (4, 4, 700000100.1, 3, NULL), "
          "(5, 5, 700000200.0, NULL, 6), (6, 6, 700000202.0, 5, NULL), "
          "(7, 7, 700000300.0, NULL, NULL), (8, 8, 700000400.0, NULL, NULL), "
          "(9, 9, 700000450.0, NULL, 10), (10, 10, 700000450.1, 9, NULL);";

/* Visit ids 1 and 2 again, in another database: redirects pair up within
 * one database only. */
static const char profile_rows[] = ITEMS
    "(1, 'http://profile.example/'), (2, 'https://elsewhere.example/'), "
    "(3, 'http://example.com/thisisbad'));" VISITS
    "(1, 1, 700000500.0, NULL, 2), (2, 2, 700000500.5, 1, NULL), (3, 3, 700000600.0, NULL, NULL);";

static const char *const iocs[] = {
    "[domain-name:value='example.org']",
    "[url:value='http://example.com/thisisbad']",
    NULL,
};

static void fill_default(const char *db)
{
    assert_int_equal(vgfix_sqlite_exec(db, schema), 0);
    assert_int_equal(vgfix_sqlite_exec(db, default_rows), 0);
}

static void fill_profile(const char *db)
{
    assert_int_equal(vgfix_sqlite_exec(db, schema), 0);
    assert_int_equal(vgfix_sqlite_exec(db, profile_rows), 0);
}

static void run_fixture(const char *const *patterns, struct vgh_result *r)
{
    static const char *const none[] = {NULL};
    const struct vgh_file f[] = {{DOMAIN, DEFAULT, NULL, NULL, 0, fill_default},
                                 {DOMAIN, PROFILE, NULL, NULL, 0, fill_profile}};
    char *bk = vgh_backup(f, 2);

    vgh_run_ok(bk, patterns ? patterns : none, "safari_history", r);
    vgh_cleanup(bk);
}

/* MVT names a database by its place in the backup: "<id[:2]>/<id>". */
static void db_name(const char *relpath, char out[42 + 3])
{
    char id[41];
    vgfix_backup_file_id(DOMAIN, relpath, id);
    snprintf(out, 45, "%.2s/%s", id, id);
}

static void test_records(void **state)
{
    char def[45], prof[45], want[1024];
    json_t *w;
    struct vgh_result r;
    (void)state;

    db_name(DEFAULT, def);
    db_name(PROFILE, prof);
    run_fixture(NULL, &r);
    /* both databases, each in visit time order */
    assert_int_equal(json_array_size(r.records), 13);
    snprintf(want, sizeof(want),
             "{\"id\": 1, \"url\": \"http://news.example.net/article\", \"visit_id\": 1, "
             "\"timestamp\": 700000000.0, \"isodate\": \"2023-03-08 20:26:40.000000\", "
             "\"redirect_source\": null, \"redirect_destination\": 2, \"safari_history_db\": "
             "\"%s\"}",
             def);
    w = json_loads(want, 0, NULL);
    assert_true(json_equal(json_array_get(r.records, 0), w));
    json_decref(w);
    snprintf(want, sizeof(want),
             "{\"id\": 2, \"url\": \"https://tracker.redirect.example/land\", \"visit_id\": 2, "
             "\"timestamp\": 700000000.25, \"isodate\": \"2023-03-08 20:26:40.250000\", "
             "\"redirect_source\": 1, \"redirect_destination\": null, \"safari_history_db\": "
             "\"%s\"}",
             def);
    w = json_loads(want, 0, NULL);
    assert_true(json_equal(json_array_get(r.records, 1), w));
    json_decref(w);
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(r.records, 10), "safari_history_db")),
        prof);
    assert_string_equal(json_string_value(json_object_get(json_array_get(r.records, 10), "url")),
                        "http://profile.example/");
    vgh_result_free(&r);
}

static void assert_alert(const json_t *a, const char *level, const char *msg, const char *when,
                         const char *url)
{
    assert_string_equal(json_string_value(json_object_get(a, "level")), level);
    if (msg)
        assert_string_equal(json_string_value(json_object_get(a, "message")), msg);
    assert_string_equal(json_string_value(json_object_get(a, "event_time")), when);
    assert_string_equal(json_string_value(json_object_get(json_object_get(a, "event"), "url")),
                        url);
}

static void test_alerts(void **state)
{
    struct vgh_result r;
    const json_t *m;
    (void)state;

    run_fixture(iocs, &r);
    /* indicator hits as the visits stream past, then the redirects, which
     * are found once every visit is known */
    assert_int_equal(json_array_size(r.alerts), 4);
    assert_alert(json_array_get(r.alerts, 2), "MEDIUM",
                 "Redirect took less than a second! (250.0 milliseconds)",
                 "2023-03-08 20:26:40.000000", "http://news.example.net/article");
    assert_true(json_is_null(json_object_get(json_array_get(r.alerts, 2), "matched_indicator")));
    assert_alert(json_array_get(r.alerts, 3), "MEDIUM",
                 "Redirect took less than a second! (500.0 milliseconds)",
                 "2023-03-08 20:35:00.000000", "http://profile.example/");
    /* the wording of domain hits is checks.c's */
    assert_alert(json_array_get(r.alerts, 0), "CRITICAL", NULL, "2023-03-08 20:31:40.000000",
                 "https://example.org/x");
    assert_non_null(
        strstr(json_string_value(json_object_get(json_array_get(r.alerts, 0), "message")),
               " https://example.org/x matching indicator \"example.org\" from \"TestMalware\""));
    m = json_object_get(json_array_get(r.alerts, 0), "matched_indicator");
    assert_string_equal(json_string_value(json_object_get(m, "type")), "domains");
    assert_string_equal(json_string_value(json_object_get(m, "value")), "example.org");
    assert_alert(json_array_get(r.alerts, 1), "CRITICAL",
                 "Found a known suspicious URL http://example.com/thisisbad matching indicator "
                 "\"http://example.com/thisisbad\" from \"TestMalware\"",
                 "2023-03-08 20:36:40.000000", "http://example.com/thisisbad");
    m = json_object_get(json_array_get(r.alerts, 1), "matched_indicator");
    assert_string_equal(json_string_value(json_object_get(m, "type")), "urls");
    /* evil-example.org, www. upgrades, slow and HTTPS redirects: nothing */
    vgh_result_free(&r);
}

static void test_near_miss(void **state)
{
    static const char *const near[] = {
        "[domain-name:value='xample.org']",
        "[domain-name:value='example.or']",
        "[domain-name:value='news.example']",
        "[url:value='http://example.com/thisisba']",
        NULL,
    };
    struct vgh_result r;
    size_t i;
    (void)state;

    run_fixture(near, &r);
    /* only the two redirects */
    assert_int_equal(json_array_size(r.alerts), 2);
    for (i = 0; i < 2; i++)
        assert_string_equal(
            json_string_value(json_object_get(json_array_get(r.alerts, i), "level")), "MEDIUM");
    vgh_result_free(&r);
}

static void test_timeline(void **state)
{
    struct vgh_result r;
    const char *p;
    size_t lines = 0;
    (void)state;

    run_fixture(NULL, &r);
    for (p = r.timeline; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, 1 + 13);
    assert_non_null(strstr(r.timeline, "\"2023-03-08 20:26:40.250000\",\"SafariHistory\","
                                       "\"safari_history\",\"Safari visit to "
                                       "https://tracker.redirect.example/land (ID: 2, Visit ID: "
                                       "2)\""));
    assert_non_null(strstr(r.timeline, "\"2023-03-08 20:35:00.000000\",\"SafariHistory\","
                                       "\"safari_history\",\"Safari visit to "
                                       "http://profile.example/ (ID: 1, Visit ID: 1)\""));
    vgh_result_free(&r);
}

static void test_malformed(void **state)
{
    static const char junk[] = "not SQLite";
    const struct vgh_file f[] = {{DOMAIN, DEFAULT, NULL, junk, sizeof(junk), NULL},
                                 {DOMAIN, PROFILE, NULL, NULL, 0, fill_profile}};
    char *bk = vgh_backup(f, 2);
    struct vgh_result r;
    (void)state;

    vgh_run(bk, NULL, "safari_history", &r);
    assert_int_equal(r.rc, VG_OK);
    /* the bad file is named; the profile's database is still read */
    assert_true(r.warnings >= 1);
    assert_non_null(strstr(r.diag_text, DOMAIN "/" DEFAULT));
    assert_int_equal(json_array_size(r.records), 3);
    vgh_result_free(&r);
    vgh_cleanup(bk);
}

static void test_missing_table(void **state)
{
    char *bk = vgh_backup_sql(DOMAIN, DEFAULT, "CREATE TABLE history_items (id);", NULL);
    struct vgh_result r;
    (void)state;

    vgh_run_unreadable(bk, NULL, "safari_history", DOMAIN "/" DEFAULT, &r);
    vgh_result_free(&r);
    vgh_cleanup(bk);
}

/* check-iocs on MVT-shaped records: an injection, a redirect days later
 * with under a second left over (MVT's timedelta.seconds would flag it),
 * and a URL hit. */
static void test_check_on_saved_records(void **state)
{
    static const char saved[] =
        "[{\"id\": 1, \"url\": \"HTTP://a.example/\", \"visit_id\": 10, \"timestamp\": "
        "600000000.0, \"isodate\": \"2020-01-06 10:40:00.000000\", \"redirect_source\": null, "
        "\"redirect_destination\": 11, \"safari_history_db\": \"1a/1a0e\"},"
        " {\"id\": 2, \"url\": \"https://b.example/\", \"visit_id\": 11, \"timestamp\": "
        "600000000.125, \"isodate\": \"2020-01-06 10:40:00.125000\", \"redirect_source\": 10, "
        "\"redirect_destination\": null, \"safari_history_db\": \"1a/1a0e\"},"
        " {\"id\": 3, \"url\": \"http://c.example/\", \"visit_id\": 12, \"timestamp\": "
        "600000000.0, \"isodate\": \"2020-01-06 10:40:00.000000\", \"redirect_source\": null, "
        "\"redirect_destination\": 13, \"safari_history_db\": \"1a/1a0e\"},"
        " {\"id\": 4, \"url\": \"https://example.org/\", \"visit_id\": 13, \"timestamp\": "
        "600172800.5, \"isodate\": \"2020-01-08 10:40:00.500000\", \"redirect_source\": 12, "
        "\"redirect_destination\": null, \"safari_history_db\": \"1a/1a0e\"}]";
    char *bundle = vgh_bundle(iocs);
    struct vgh_check c;
    const json_t *alerts;
    (void)state;

    vgh_check_saved("safari_history", saved, bundle, &c);
    alerts = c.alerts;
    assert_int_equal(json_array_size(alerts), 2);
    assert_alert(json_array_get(alerts, 1), "MEDIUM",
                 "Redirect took less than a second! (125.0 milliseconds)",
                 "2020-01-06 10:40:00.000000", "HTTP://a.example/");
    assert_string_equal(json_string_value(json_object_get(json_array_get(alerts, 0), "level")),
                        "CRITICAL");
    vgh_check_free(&c);
    free(bundle);
}

/* MVT's test backup lists History.db but does not hold it. */
static void test_mvt_test_backup(void **state)
{
    char *backup = vgfix_shared_path("mvt-artifacts/ios_backup");
    struct vgh_result r;
    (void)state;

    if (!backup) {
        printf("../shared/mvt-artifacts not found: MVT comparison skipped\n");
        skip();
    }
    vgh_run(backup, NULL, "safari_history", &r);
    assert_int_equal(r.rc, VG_OK);
    assert_int_equal(json_array_size(r.records), 0); /* MVT: 0 history records */
    assert_non_null(strstr(r.diag_text, DOMAIN "/" DEFAULT));
    vgh_result_free(&r);
    free(backup);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_records),
        cmocka_unit_test(test_alerts),
        cmocka_unit_test(test_near_miss),
        cmocka_unit_test(test_timeline),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_missing_table),
        cmocka_unit_test(test_check_on_saved_records),
        cmocka_unit_test(test_mvt_test_backup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
