/*
 * Analytics and AnalyticsIOSVersions: the keychain's analytics databases
 * (hard_failures, soft_failures, all_events; older ones without
 * all_events), each row's plist a record sorted by time, process and URL
 * indicators in their values with near misses, rows that are not plists,
 * and the first time each build appears.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "harness.h"

#define DIR "private/var/Keychains/Analytics/"

static const char *const iocs[] = {
    "[process:name='bh']",
    "[domain-name:value='example.org']",
    NULL,
};

static void add_row(const char *db, const char *table, double ts, plist_t p)
{
    char sql[256], *blob = NULL;
    size_t len = 0;

    snprintf(sql, sizeof(sql), "INSERT INTO %s (timestamp, data) VALUES (?, ?)", table);
    if (p) {
        assert_int_equal(vgfix_plist_to_mem(p, VGFIX_PLIST_BINARY, &blob, &len), 0);
        plist_free(p);
    }
    if (ts != 0.0) /* 0: a NULL timestamp */
        assert_int_equal(vgfix_sqlite_insert(db, sql, "db", ts, blob, len), 0);
    else
        assert_int_equal(vgfix_sqlite_insert(db, sql, "nb", blob, len), 0);
    free(blob);
}

static struct vgfix_fs *dump(void)
{
    struct vgfix_fs *fs = vgfix_fs_new();
    char *dir = vgfix_tmpdir("analytics"), a[4096], b[4096];

    snprintf(a, sizeof(a), "%s/a.db", dir);
    snprintf(b, sizeof(b), "%s/b.db", dir);
    assert_int_equal(vgfix_sqlite_exec(a, "CREATE TABLE hard_failures (timestamp REAL, data BLOB);"
                                          "CREATE TABLE soft_failures (timestamp REAL, data BLOB);"
                                          "CREATE TABLE all_events (timestamp REAL, data BLOB);"),
                     0);
    /* the hit on a process name, then on a host, then near misses */
    add_row(a, "hard_failures", 1600000300,
            vgfix_plist_dict("process", plist_new_string("bh"), "build", plist_new_string("18E199"),
                             NULL));
    add_row(a, "soft_failures", 1600000100,
            vgfix_plist_dict("url", plist_new_string("https://x.example.org/a"), "build",
                             plist_new_string("18E199"), NULL));
    add_row(a, "all_events", 1600000200,
            vgfix_plist_dict("process", plist_new_string("bhx"), "host",
                             plist_new_string("example.org.attacker.test"), "build",
                             plist_new_string("18F72"), "count", plist_new_uint(3), NULL));
    /* a time and no data; data and no time; a row that is not a plist */
    add_row(a, "all_events", 1600000400, NULL);
    add_row(a, "all_events", 0, vgfix_plist_dict("build", plist_new_string("18A373"), NULL));
    assert_int_equal(vgfix_sqlite_insert(a, "INSERT INTO all_events VALUES (1600000500, ?)", "b",
                                         "not a plist", (size_t)11),
                     0);
    /* an older database without all_events */
    assert_int_equal(vgfix_sqlite_exec(b,
                                       "CREATE TABLE hard_failures (timestamp REAL, data BLOB);"
                                       "CREATE TABLE soft_failures (timestamp REAL, data BLOB);"),
                     0);
    add_row(b, "hard_failures", 1500000000,
            vgfix_plist_dict("build", plist_new_string("18E199"), NULL));
    assert_int_equal(vgfix_fs_file_from(fs, DIR "a.db", a, 0), 0);
    assert_int_equal(vgfix_fs_file_from(fs, DIR "b.db", b, 0), 0);
    vgfix_rmtree(dir);
    free(dir);
    return fs;
}

static void test_analytics(void **state)
{
    struct vgfix_fs *fs = dump();
    struct vgh_result r;
    const json_t *rec;
    (void)state;

    vgh_run_dump(fs, iocs, "analytics", 0, &r);
    assert_int_equal(json_array_size(r.records), 6);
    /* sorted by time: the row without one first */
    assert_string_equal(vgh_str(json_array_get(r.records, 0), "isodate"), "");
    assert_string_equal(vgh_str(json_array_get(r.records, 1), "isodate"),
                        "2017-07-14 02:40:00.000000");
    assert_string_equal(vgh_str(json_array_get(r.records, 1), "artifact"), "b.db");
    rec = vgh_find_record(r.records, "process", "bh");
    assert_non_null(rec);
    vgh_assert_keys(rec, "process,build,isodate,artifact");
    assert_non_null(vgh_find_alert(r.alerts, "CRITICAL",
                                   "Found mention of a malicious process \"bh\" in a.db file at "
                                   "2020-09-13 12:31:40.000000"));
    assert_non_null(vgh_find_alert(r.alerts, "CRITICAL", "x.example.org"));
    assert_int_equal(json_array_size(r.alerts), 2);
    /* the row that is not a plist: a warning naming the database */
    assert_non_null(strstr(r.diag_text, "a.db"));
    /* MVT's timeline: the record as Python prints a dict */
    assert_true(vgh_tl_has(&r, "2020-09-13 12:30:00.000000", "Analytics", "a.db",
                           "{'process': 'bhx', 'host': 'example.org.attacker.test', 'build': "
                           "'18F72', 'count': 3, 'isodate': '2020-09-13 12:30:00.000000', "
                           "'artifact': 'a.db'}"));
    vgh_result_free(&r);
    vgfix_fs_free(fs);
}

static void test_versions(void **state)
{
    struct vgfix_fs *fs = dump();
    struct vgh_result r;
    (void)state;

    vgh_run_dump(fs, iocs, "analytics_ios_versions", 0, &r);
    /* 18E199's first time is in b.db; 18A373 has no time */
    assert_int_equal(json_array_size(r.records), 2);
    vgh_assert_keys(json_array_get(r.records, 0), "isodate,build,version");
    assert_string_equal(vgh_str(json_array_get(r.records, 0), "build"), "18E199");
    assert_string_equal(vgh_str(json_array_get(r.records, 0), "isodate"),
                        "2017-07-14 02:40:00.000000");
    assert_string_equal(vgh_str(json_array_get(r.records, 1), "build"), "18F72");
    assert_int_equal(json_array_size(r.alerts), 0);
    assert_true(vgh_tl_has(&r, "2017-07-14 02:40:00.000000", "AnalyticsIOSVersions",
                           "analytics_ios_version", "Seen iOS version  (18E199)"));
    vgh_result_free(&r);
    vgfix_fs_free(fs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_analytics),
        cmocka_unit_test(test_versions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
