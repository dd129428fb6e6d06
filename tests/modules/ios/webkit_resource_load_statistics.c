/*
 * WebkitResourceLoadStatistics: ObservedDomains rows of every app's
 * observations.db as MVT records them, domain indicators, older and
 * unknown schemas, and MVT's own test backup.
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

#define RLS_PATH "Library/WebKit/WebsiteData/ResourceLoadStatistics/observations.db"

/* observations.db's main table as iOS 14 writes it (MVT's test backup),
 * with one of the tables that refer to it. */
static const char rls_schema[] =
    "CREATE TABLE ObservedDomains (domainID INTEGER PRIMARY KEY, registrableDomain TEXT NOT NULL "
    "UNIQUE ON CONFLICT FAIL, lastSeen REAL NOT NULL, hadUserInteraction INTEGER NOT NULL, "
    "mostRecentUserInteractionTime REAL NOT NULL, grandfathered INTEGER NOT NULL, isPrevalent "
    "INTEGER NOT NULL, isVeryPrevalent INTEGER NOT NULL, dataRecordsRemoved INTEGER NOT "
    "NULL,timesAccessedAsFirstPartyDueToUserInteraction INTEGER NOT NULL, "
    "timesAccessedAsFirstPartyDueToStorageAccessAPI INTEGER NOT "
    "NULL,isScheduledForAllButCookieDataRemoval INTEGER NOT NULL);"
    "CREATE TABLE TopLevelDomains (topLevelDomainID INTEGER PRIMARY KEY, CONSTRAINT fkDomainID "
    "FOREIGN KEY(topLevelDomainID) REFERENCES ObservedDomains(domainID) ON DELETE CASCADE);";

static const char insert_domain[] =
    "INSERT INTO ObservedDomains VALUES (?, ?, ?, ?, ?, 0, 0, 0, 0, 0, 0, 0)";

static const char *const rls_iocs[] = {
    "[domain-name:value='example.org']",
    NULL,
};

static void fill_chrome(const char *db)
{
    assert_int_equal(vgfix_sqlite_exec(db, rls_schema), 0);
    assert_int_equal(vgfix_sqlite_insert(db, insert_domain, "itdid", 1, "google.com", 1634560250.0,
                                         1, 1634560030.76862),
                     0);
    assert_int_equal(vgfix_sqlite_insert(db, insert_domain, "itdid", 2, "evil-example.org",
                                         1634560030.0, 0, -1.0),
                     0);
}

static void fill_safari(const char *db)
{
    assert_int_equal(vgfix_sqlite_exec(db, rls_schema), 0);
    assert_int_equal(
        vgfix_sqlite_insert(db, insert_domain, "itdid", 7, "example.org", 1700000000.5, 0, 0.0), 0);
    assert_int_equal(vgfix_sqlite_insert(db, insert_domain, "itdid", 8, "example.org.test",
                                         1700000001.0, 0, -1.0),
                     0);
}

/* An older WebKit: no mostRecentUserInteractionTime column. */
static void fill_old(const char *db)
{
    assert_int_equal(vgfix_sqlite_exec(db, "CREATE TABLE ObservedDomains (domainID INTEGER "
                                           "PRIMARY KEY, registrableDomain TEXT NOT NULL, "
                                           "lastSeen REAL NOT NULL, hadUserInteraction INTEGER "
                                           "NOT NULL);"
                                           "INSERT INTO ObservedDomains VALUES (1, "
                                           "'cdn.example.org', 1600000000, 0);"),
                     0);
}

/* Something else entirely under that name. */
static void fill_other(const char *db)
{
    assert_int_equal(vgfix_sqlite_exec(db, "CREATE TABLE ObservedDomains (domainID INTEGER "
                                           "PRIMARY KEY, name TEXT);"),
                     0);
}

static char *build_backup(void)
{
    static const char junk[] = "garbage, not SQLite";
    const struct vgh_file f[] = {
        {"AppDomain-com.google.chrome.ios", RLS_PATH, NULL, NULL, 0, fill_chrome},
        {"AppDomain-com.apple.mobilesafari", RLS_PATH, NULL, NULL, 0, fill_safari},
        {"AppDomain-org.example.old", RLS_PATH, NULL, NULL, 0, fill_old},
        {"AppDomain-org.example.other", RLS_PATH, NULL, NULL, 0, fill_other},
        {"AppDomain-org.example.broken", RLS_PATH, NULL, junk, sizeof(junk) - 1, NULL},
    };
    return vgh_backup(f, sizeof(f) / sizeof(f[0]));
}

static const json_t *by_site(const json_t *records, const char *site)
{
    const json_t *rec;
    size_t i;
    json_array_foreach(records, i, rec)
    {
        if (strcmp(vgh_must_str(rec, "registrable_domain"), site) == 0)
            return rec;
    }
    return NULL;
}

static void test_records_and_timeline(void **state)
{
    char *dir = build_backup();
    struct vgh_result r;
    const json_t *rec;
    (void)state;

    vgh_run(dir, NULL, "webkit_resource_load_statistics", &r);
    assert_int_equal(r.rc, VG_OK);
    assert_int_equal(json_array_size(r.records), 5);

    rec = by_site(r.records, "google.com");
    assert_int_equal(json_object_size(rec), 9);
    assert_int_equal(json_integer_value(json_object_get(rec, "domain_id")), 1);
    assert_true(json_is_real(json_object_get(rec, "last_seen")));
    assert_true(json_real_value(json_object_get(rec, "last_seen")) == 1634560250.0);
    assert_true(json_is_true(json_object_get(rec, "had_user_interaction")));
    assert_string_equal(vgh_must_str(rec, "last_seen_isodate"), "2021-10-18 12:30:50.000000");
    assert_string_equal(vgh_must_str(rec, "domain"), "AppDomain-com.google.chrome.ios");
    assert_string_equal(vgh_must_str(rec, "path"), RLS_PATH);
    assert_true(json_real_value(json_object_get(rec, "most_recent_user_interaction_time")) ==
                1634560030.76862);
    assert_string_equal(vgh_must_str(rec, "most_recent_user_interaction_time_isodate"),
                        "2021-10-18 12:27:10.768620");

    /* -1 is "never": no isodate, as MVT */
    rec = by_site(r.records, "evil-example.org");
    assert_true(json_is_false(json_object_get(rec, "had_user_interaction")));
    assert_null(json_object_get(rec, "most_recent_user_interaction_time_isodate"));
    assert_int_equal(json_object_size(rec), 8);

    rec = by_site(r.records, "example.org");
    assert_string_equal(vgh_must_str(rec, "last_seen_isodate"), "2023-11-14 22:13:20.500000");
    assert_string_equal(vgh_must_str(rec, "most_recent_user_interaction_time_isodate"),
                        "1970-01-01 00:00:00.000000");

    /* older schema: the base fields only */
    rec = by_site(r.records, "cdn.example.org");
    assert_int_equal(json_object_size(rec), 7);
    assert_true(json_real_value(json_object_get(rec, "last_seen")) == 1600000000.0); /* REAL */
    assert_string_equal(vgh_must_str(rec, "last_seen_isodate"), "2020-09-13 12:26:40.000000");

    /* the unknown schema is a note; the broken file a warning naming it */
    assert_non_null(strstr(r.diag_text, "AppDomain-org.example.other/" RLS_PATH
                                        ": no ObservedDomains.registrableDomain"));
    assert_non_null(strstr(r.diag_text, "AppDomain-org.example.broken/" RLS_PATH));
    assert_true(r.warnings >= 1);

    assert_non_null(strstr(r.timeline, "\"2021-10-18 12:30:50.000000\","
                                       "\"WebkitResourceLoadStatistics\",\"visit\",\"Webkit "
                                       "resource loaded from google.com by app in domain "
                                       "AppDomain-com.google.chrome.ios\""));
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

static void assert_alerts(const json_t *alerts)
{
    const json_t *a, *m;
    size_t i;

    /* example.org and cdn.example.org; not evil-example.org, not
     * example.org.test */
    assert_int_equal(json_array_size(alerts), 2);
    json_array_foreach(alerts, i, a)
    {
        const char *site = vgh_must_str(json_object_get(a, "event"), "registrable_domain");
        m = json_object_get(a, "matched_indicator");
        assert_string_equal(vgh_must_str(a, "level"), "CRITICAL");
        assert_string_equal(vgh_must_str(m, "value"), "example.org");
        assert_string_equal(vgh_must_str(m, "type"), "domains");
        assert_string_equal(vgh_must_str(a, "event_time"),
                            vgh_must_str(json_object_get(a, "event"), "last_seen_isodate"));
        if (strcmp(site, "example.org") == 0)
            assert_string_equal(vgh_must_str(a, "message"),
                                "Found a known suspicious domain example.org matching indicator "
                                "\"example.org\" from \"TestMalware\"");
        else
            assert_string_equal(vgh_must_str(a, "message"),
                                "Found a sub-domain with a suspicious top level cdn.example.org "
                                "matching indicator \"example.org\" from \"TestMalware\"");
    }
}

static void test_alerts(void **state)
{
    char *dir = build_backup(), *bundle = vgh_bundle(rls_iocs);
    struct vgh_result r;
    (void)state;

    vgh_run(dir, bundle, "webkit_resource_load_statistics", &r);
    assert_alerts(r.alerts);
    vgh_result_free(&r);
    vgh_cleanup(dir);
    free(bundle);
}

static void test_check_on_records_alone(void **state)
{
    char *dir = build_backup(), *bundle = vgh_bundle(rls_iocs);
    struct vgh_result r;
    json_t *alerts;
    (void)state;

    vgh_run(dir, NULL, "webkit_resource_load_statistics", &r);
    assert_int_equal(json_array_size(r.alerts), 0);
    alerts = vgh_check_records("webkit_resource_load_statistics", r.records, bundle);
    assert_alerts(alerts);
    json_decref(alerts);
    vgh_result_free(&r);
    vgh_cleanup(dir);
    free(bundle);
}

static void test_mvt_test_backup(void **state)
{
    struct vgh_result r;
    (void)state;

    if (!vgh_run_mvt_backup("webkit_resource_load_statistics", &r))
        skip();
    vgh_assert_mvt_records(&r, "webkit_resource_load_statistics.json");
    assert_int_equal(json_array_size(r.alerts), 0); /* MVT found nothing either */
    assert_non_null(strstr(r.timeline, "\"2021-10-18 12:27:10.000000\","
                                       "\"WebkitResourceLoadStatistics\",\"visit\",\"Webkit "
                                       "resource loaded from gstatic.com by app in domain "
                                       "AppDomain-com.google.chrome.ios\""));
    vgh_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_records_and_timeline),
        cmocka_unit_test(test_alerts),
        cmocka_unit_test(test_check_on_records_alone),
        cmocka_unit_test(test_mvt_test_backup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
