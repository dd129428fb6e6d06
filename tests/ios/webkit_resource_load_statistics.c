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

static char *path_join(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *p = malloc(n);
    assert_non_null(p);
    snprintf(p, n, "%s/%s", a, b);
    return p;
}

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

static void add_db(struct vgfix_backup *b, const char *domain, void (*fill)(const char *db))
{
    char *work = vgfix_tmpdir("rls-db"), *db = path_join(work, "observations.db");

    if (fill)
        fill(db);
    else
        assert_int_equal(vgfix_write_file(db, "garbage, not SQLite", 19), 0);
    assert_int_equal(vgfix_backup_add_file_from(b, domain, RLS_PATH, db), 0);
    vgfix_rmtree(work);
    free(work);
    free(db);
}

static char *build_backup(void)
{
    char *dir = vgfix_tmpdir("rls");
    struct vgfix_backup *b = vgfix_backup_new(dir);

    assert_non_null(b);
    add_db(b, "AppDomain-com.google.chrome.ios", fill_chrome);
    add_db(b, "AppDomain-com.apple.mobilesafari", fill_safari);
    add_db(b, "AppDomain-org.example.old", fill_old);
    add_db(b, "AppDomain-org.example.other", fill_other);
    add_db(b, "AppDomain-org.example.broken", NULL);
    assert_int_equal(vgfix_backup_finish(b), 0);
    vgfix_backup_free(b);
    return dir;
}

static const char *str(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    assert_non_null(s);
    return s;
}

static const json_t *by_site(const json_t *records, const char *site)
{
    const json_t *rec;
    size_t i;
    json_array_foreach(records, i, rec)
    {
        if (strcmp(str(rec, "registrable_domain"), site) == 0)
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
    assert_string_equal(str(rec, "last_seen_isodate"), "2021-10-18 12:30:50.000000");
    assert_string_equal(str(rec, "domain"), "AppDomain-com.google.chrome.ios");
    assert_string_equal(str(rec, "path"), RLS_PATH);
    assert_true(json_real_value(json_object_get(rec, "most_recent_user_interaction_time")) ==
                1634560030.76862);
    assert_string_equal(str(rec, "most_recent_user_interaction_time_isodate"),
                        "2021-10-18 12:27:10.768620");

    /* -1 is "never": no isodate, as MVT */
    rec = by_site(r.records, "evil-example.org");
    assert_true(json_is_false(json_object_get(rec, "had_user_interaction")));
    assert_null(json_object_get(rec, "most_recent_user_interaction_time_isodate"));
    assert_int_equal(json_object_size(rec), 8);

    rec = by_site(r.records, "example.org");
    assert_string_equal(str(rec, "last_seen_isodate"), "2023-11-14 22:13:20.500000");
    assert_string_equal(str(rec, "most_recent_user_interaction_time_isodate"),
                        "1970-01-01 00:00:00.000000");

    /* older schema: the base fields only */
    rec = by_site(r.records, "cdn.example.org");
    assert_int_equal(json_object_size(rec), 7);
    assert_true(json_real_value(json_object_get(rec, "last_seen")) == 1600000000.0); /* REAL */
    assert_string_equal(str(rec, "last_seen_isodate"), "2020-09-13 12:26:40.000000");

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
    vgfix_rmtree(dir);
    free(dir);
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
        const char *site = str(json_object_get(a, "event"), "registrable_domain");
        m = json_object_get(a, "matched_indicator");
        assert_string_equal(str(a, "level"), "CRITICAL");
        assert_string_equal(str(m, "value"), "example.org");
        assert_string_equal(str(m, "type"), "domains");
        assert_string_equal(str(a, "event_time"),
                            str(json_object_get(a, "event"), "last_seen_isodate"));
        if (strcmp(site, "example.org") == 0)
            assert_string_equal(str(a, "message"),
                                "Found a known suspicious domain example.org matching indicator "
                                "\"example.org\" from \"TestMalware\"");
        else
            assert_string_equal(str(a, "message"),
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
    vgfix_rmtree(dir);
    free(dir);
    free(bundle);
}

static json_t *check_records(const char *module, const json_t *records, const char *bundle)
{
    char *in = vgfix_tmpdir("rls-ci"), *out = vgfix_tmpdir("rls-ci-out"), name[256], *path;
    struct vg_iocs *iocs = NULL;
    struct vg_diag *diag = NULL;
    struct vg_scan_opts so;
    struct vg_summary sum;
    json_t *alerts;

    snprintf(name, sizeof(name), "%s.json", module);
    path = path_join(in, name);
    assert_int_equal(json_dump_file(records, path, JSON_INDENT(4)), 0);
    free(path);
    assert_int_equal(vg_iocs_new(&iocs), VG_OK);
    assert_int_equal(vg_diag_new(NULL, NULL, &diag), VG_OK);
    assert_int_equal(
        vg_iocs_load_buffer(iocs, "test-indicators.stix2", bundle, strlen(bundle), diag), VG_OK);
    memset(&so, 0, sizeof(so));
    so.target = in;
    so.output_dir = out;
    assert_int_equal(vg_check_iocs(iocs, &so, diag, &sum), VG_OK);
    snprintf(name, sizeof(name), "%s_detected.json", module);
    path = path_join(out, name);
    alerts = json_load_file(path, 0, NULL);
    free(path);
    vg_iocs_free(iocs);
    vg_diag_free(diag);
    vgfix_rmtree(in);
    vgfix_rmtree(out);
    free(in);
    free(out);
    return alerts ? alerts : json_array();
}

static void test_check_on_records_alone(void **state)
{
    char *dir = build_backup(), *bundle = vgh_bundle(rls_iocs);
    struct vgh_result r;
    json_t *alerts;
    (void)state;

    vgh_run(dir, NULL, "webkit_resource_load_statistics", &r);
    assert_int_equal(json_array_size(r.alerts), 0);
    alerts = check_records("webkit_resource_load_statistics", r.records, bundle);
    assert_alerts(alerts);
    json_decref(alerts);
    vgh_result_free(&r);
    vgfix_rmtree(dir);
    free(dir);
    free(bundle);
}

static void test_mvt_test_backup(void **state)
{
    char *backup = vgfix_shared_path("mvt-artifacts/ios_backup");
    char *stix = vgfix_shared_path("mvt-artifacts/stix2/test-indicators.stix2");
    char *want = vgfix_shared_path(
        "mvt-artifacts/mvt-results/ios-backup-testiocs/webkit_resource_load_statistics.json");
    char *bundle;
    json_t *records;
    struct vgh_result r;
    (void)state;

    if (!backup || !stix || !want) {
        printf("skipped: ../shared/mvt-artifacts is not there\n");
        free(backup);
        free(stix);
        free(want);
        skip();
    }
    bundle = vgfix_read_file(stix, NULL);
    assert_non_null(bundle);
    records = json_load_file(want, 0, NULL);
    assert_non_null(records);
    vgh_run(backup, bundle, "webkit_resource_load_statistics", &r);
    assert_int_equal(r.rc, VG_OK);
    assert_true(json_equal(r.records, records));
    assert_int_equal(json_array_size(r.alerts), 0); /* MVT found nothing either */
    assert_non_null(strstr(r.timeline, "\"2021-10-18 12:27:10.000000\","
                                       "\"WebkitResourceLoadStatistics\",\"visit\",\"Webkit "
                                       "resource loaded from gstatic.com by app in domain "
                                       "AppDomain-com.google.chrome.ios\""));
    vgh_result_free(&r);
    json_decref(records);
    free(bundle);
    free(backup);
    free(stix);
    free(want);
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
