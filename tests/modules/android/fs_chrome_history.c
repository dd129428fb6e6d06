/*
 * ChromeHistory on Android filesystem dumps
 * (src/lib/modules/android/fs_chrome_history.c): visits joined to their
 * pages with MVT's keys, each URL checked, the timeline, and deleted visits
 * recovered and joined to their page, live or deleted.
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

#define HISTORY      "data/data/com.android.chrome/app_chrome/Default/History"
#define HISTORY_USER "data/user/0/com.android.chrome/app_chrome/Default/History"

/* The columns Chrome's History has had since 2020 (the ones the module
 * reads, and a few around them). */
#define HISTORY_SCHEMA                                                                             \
    "CREATE TABLE urls (id INTEGER PRIMARY KEY AUTOINCREMENT, url LONGVARCHAR, title "             \
    "LONGVARCHAR, visit_count INTEGER DEFAULT 0 NOT NULL, typed_count INTEGER DEFAULT 0 NOT "      \
    "NULL, last_visit_time INTEGER NOT NULL, hidden INTEGER DEFAULT 0 NOT NULL);"                  \
    "CREATE TABLE visits (id INTEGER PRIMARY KEY, url INTEGER NOT NULL, visit_time INTEGER NOT "   \
    "NULL, from_visit INTEGER, transition INTEGER DEFAULT 0 NOT NULL, segment_id INTEGER, "        \
    "visit_duration INTEGER DEFAULT 0 NOT NULL);"

/* A page, a near miss, the planted page (visited twice), and a second
 * planted page whose one visit is deleted (with the second visit of the
 * first: their urls rows stay, as Chrome keeps a page its history still
 * counts). A deleted cell's rowid is often overwritten, so a deleted page
 * could not be joined on its id (docs/recovery.md). 13372000000000000 is 2024-09-28
 * 12:26:40 UTC in Chrome's microseconds since 1601. */
#define HISTORY_ROWS                                                                               \
    "INSERT INTO urls VALUES (1, 'https://www.example.com/welcome', 'Welcome', 1, 0, "             \
    "13372000000000000, 0),"                                                                       \
    "(2, 'https://notbadbadbad.example.org/near-miss', 'Near', 1, 0, 13372000060000000, 0),"       \
    "(3, 'https://badbadbad.example.org/landing', 'Landing', 2, 0, 13372000180000000, 0),"         \
    "(4, 'https://badbadbad.example.org/deleted-stage-two', 'Stage two', 1, 0, "                   \
    "13372000240000000, 0);"                                                                       \
    "INSERT INTO visits VALUES (1, 1, 13372000000000000, 0, 805306376, 0, 1000000),"               \
    "(2, 2, 13372000060000000, 1, 805306368, 0, 2000000),"                                         \
    "(3, 3, 13372000120000000, 2, 805306368, 0, 3000000),"                                         \
    "(4, 3, 13372000180000000, 3, 805306368, 0, 4000000),"                                         \
    "(5, 4, 13372000240000000, 4, 805306368, 0, 5000000);"

static const char *const iocs[] = {"[domain-name:value='badbadbad.example.org']", NULL};

static struct vgfix_fs *dump_with(const char *path, const char *delete_sql)
{
    struct vgfix_fs *fs = vgfix_fs_new();
    char sql[4096];

    assert_non_null(fs);
    snprintf(sql, sizeof(sql), "%s%s%s", HISTORY_SCHEMA, HISTORY_ROWS,
             delete_sql ? delete_sql : "");
    vgh_fs_sql(fs, path, sql);
    return fs;
}

static void run(struct vgfix_fs *fs, struct vgh_result *r)
{
    vgh_run_dump_kind(VG_KIND_ANDROID_FS, fs, iocs, "chrome_history", 0, r);
}

static void test_visits(void **state)
{
    struct vgfix_fs *fs = dump_with(HISTORY, NULL);
    const json_t *rec;
    struct vgh_result r;
    (void)state;

    run(fs, &r);
    assert_int_equal(json_array_size(r.records), 5);
    rec = json_array_get(r.records, 0);
    vgh_assert_keys(rec, "id,url,visit_id,timestamp,isodate,redirect_source");
    assert_string_equal(vgh_must_str(rec, "isodate"), "2024-09-28 12:26:40.000000");
    /* the planted page's two visits and the deleted-to-be one; not the near miss */
    assert_int_equal(json_array_size(r.alerts), 3);
    assert_null(vgh_find_alert(r.alerts, "CRITICAL", "notbadbadbad"));
    vgh_assert_alert(json_array_get(r.alerts, 0), "CRITICAL", "badbadbad.example.org", "domains");
    assert_true(vgh_tl_has(&r, "2024-09-28 12:28:40.000000", "ChromeHistory", "visit",
                           "3 - https://badbadbad.example.org/landing (visit ID: 3, redirect "
                           "source: 2)"));
    assert_int_equal(json_array_size(r.recovered), 0);
    vgh_result_free(&r);
    vgfix_fs_free(fs);
}

static void test_deleted_visits_recovered(void **state)
{
    struct vgfix_fs *fs =
        dump_with(HISTORY, "PRAGMA secure_delete=OFF; DELETE FROM visits WHERE id IN (4, 5);");
    const json_t *rec, *a;
    struct vgh_result r;
    (void)state;

    run(fs, &r);
    assert_int_equal(json_array_size(r.records), 3);
    assert_int_equal(json_array_size(r.recovered), 2);
    /* joined to its live page */
    rec = vgh_find_record(r.recovered, "url", "https://badbadbad.example.org/landing");
    assert_non_null(rec);
    assert_string_equal(vgh_must_str(json_object_get(rec, "recovered"), "table"), "visits");
    /* joined to the page whose only visit it was */
    rec = vgh_find_record(r.recovered, "url", "https://badbadbad.example.org/deleted-stage-two");
    assert_non_null(rec);
    assert_string_equal(vgh_must_str(rec, "isodate"), "2024-09-28 12:30:40.000000");
    a = vgh_find_alert(r.alerts, "CRITICAL", "in a deleted record recovered from " HISTORY);
    assert_non_null(a);
    /* one live alert, two on recovered visits */
    assert_int_equal(json_array_size(r.alerts), 3);
    vgh_result_free(&r);
    vgfix_fs_free(fs);
}

static void test_secure_delete_and_no_recover(void **state)
{
    static const char del[] = "DELETE FROM visits WHERE id IN (4, 5);";
    char sql[256];
    struct vgfix_fs *fs;
    struct vgh_result r;
    (void)state;

    snprintf(sql, sizeof(sql), "PRAGMA secure_delete=ON; %s", del);
    fs = dump_with(HISTORY, sql);
    run(fs, &r);
    assert_int_equal(json_array_size(r.records), 3);
    assert_int_equal(json_array_size(r.recovered), 0);
    assert_int_equal(json_array_size(r.alerts), 1);
    vgh_result_free(&r);
    vgfix_fs_free(fs);

    snprintf(sql, sizeof(sql), "PRAGMA secure_delete=OFF; %s", del);
    fs = dump_with(HISTORY, sql);
    vgh_no_recover = 1;
    run(fs, &r);
    vgh_no_recover = 0;
    assert_int_equal(json_array_size(r.records), 3);
    assert_int_equal(json_array_size(r.recovered), 0);
    assert_int_equal(json_array_size(r.alerts), 1);
    vgh_result_free(&r);
    vgfix_fs_free(fs);
}

/* The multi-user layout alone. */
static void test_user_layout(void **state)
{
    struct vgfix_fs *fs = dump_with(HISTORY_USER, NULL);
    struct vgh_result r;
    (void)state;

    run(fs, &r);
    assert_int_equal(json_array_size(r.records), 5);
    assert_int_equal(json_array_size(r.alerts), 3);
    vgh_result_free(&r);
    vgfix_fs_free(fs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_visits),
        cmocka_unit_test(test_deleted_visits_recovered),
        cmocka_unit_test(test_secure_delete_and_no_recover),
        cmocka_unit_test(test_user_layout),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
