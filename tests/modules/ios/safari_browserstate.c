/*
 * SafariBrowserState: tabs and their session history as MVT records them,
 * URL indicators on tabs and history entries, profiles, the pre-iOS 12
 * schema, hostile session blobs, and MVT's own test backup.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fixture.h"
#include "harness.h"

/* BrowserState.db as iOS 14 writes it (MVT's test backup). */
static const char bs_schema[] =
    "CREATE TABLE browser_windows (id INTEGER PRIMARY KEY AUTOINCREMENT,uuid TEXT NOT NULL,type "
    "INTEGER DEFAULT 0,active_document_index INTEGER DEFAULT 0,active_private_document_index "
    "INTEGER DEFAULT 0,active_document_is_valid BOOL DEFAULT 1,tab_state_successfully_loaded "
    "BOOL DEFAULT 0,legacy_plist_file_version INTEGER DEFAULT 0, scene_id TEXT,CONSTRAINT "
    "uuid_type_index UNIQUE(uuid, type));"
    "CREATE TABLE tabs (id INTEGER PRIMARY KEY AUTOINCREMENT,uuid TEXT NOT NULL UNIQUE,title "
    "TEXT,url TEXT COLLATE NOCASE,user_visible_url TEXT COLLATE NOCASE,order_index INTEGER NOT "
    "NULL,last_viewed_time REAL DEFAULT NULL,readinglist_bookmark_id INTEGER DEFAULT "
    "0,opened_from_link BOOL DEFAULT 0,showing_reader BOOL DEFAULT "
    "0,reader_view_top_scroll_offset INTEGER DEFAULT 0,private_browsing BOOL DEFAULT "
    "0,displaying_standalone_image BOOL DEFAULT 0,browser_window_uuid TEXT NOT "
    "NULL,browser_window_id INTEGER NOT NULL,FOREIGN KEY(browser_window_id) REFERENCES "
    "browser_windows(id) ON DELETE CASCADE);"
    "CREATE TABLE tab_sessions (id INTEGER PRIMARY KEY AUTOINCREMENT,tab_uuid TEXT NOT NULL "
    "UNIQUE,session_data BLOB DEFAULT NULL,uncompressed_session_data_size INTEGER NOT NULL "
    "DEFAULT 0,FOREIGN KEY(tab_uuid) REFERENCES tabs(uuid) ON DELETE CASCADE ON UPDATE "
    "CASCADE);"
    "INSERT INTO browser_windows (id, uuid) VALUES (1, 'W-1');";

/* Before iOS 12: the session blob is a column of tabs. */
static const char bs_schema_old[] =
    "CREATE TABLE tabs (id INTEGER PRIMARY KEY AUTOINCREMENT,uuid TEXT NOT NULL UNIQUE,title "
    "TEXT,url TEXT,user_visible_url TEXT,order_index INTEGER NOT NULL,last_viewed_time REAL "
    "DEFAULT NULL,session_data BLOB);";

static const char insert_tab[] =
    "INSERT INTO tabs (id, uuid, title, url, user_visible_url, order_index, last_viewed_time, "
    "browser_window_uuid, browser_window_id) VALUES (?, ?, ?, ?, ?, ?, ?, 'W-1', 1)";
static const char insert_session[] =
    "INSERT INTO tab_sessions (tab_uuid, session_data) VALUES (?, ?)";

static const char *const bs_iocs[] = {
    "[domain-name:value='example.org']",
    NULL,
};

static plist_t history_entry(const char *title, const char *url, const char *orig, size_t data)
{
    char bytes[64] = {0};
    return vgfix_plist_dict("SessionHistoryEntryData", plist_new_data(bytes, data),
                            "SessionHistoryEntryOriginalURL", plist_new_string(orig),
                            "SessionHistoryEntryShouldOpenExternalURLsPolicyKey", plist_new_uint(1),
                            "SessionHistoryEntryTitle", plist_new_string(title),
                            "SessionHistoryEntryURL", plist_new_string(url), NULL);
}

/* A session blob as Safari writes it: 4 bytes, then a binary plist. */
static unsigned char *session_blob(plist_t entries, size_t *len)
{
    plist_t root = vgfix_plist_dict(
        "IsAppInitiated", plist_new_bool(0), "SessionHistory",
        vgfix_plist_dict("SessionHistoryCurrentIndex", plist_new_uint(0), "SessionHistoryEntries",
                         entries, "SessionHistoryVersion", plist_new_uint(1), NULL),
        NULL);
    char *mem = NULL;
    size_t n = 0;
    unsigned char *out;

    assert_non_null(root);
    assert_int_equal(vgfix_plist_to_mem(root, VGFIX_PLIST_BINARY, &mem, &n), 0);
    plist_free(root);
    out = malloc(n + 4);
    assert_non_null(out);
    memset(out, 0, 4);
    memcpy(out + 4, mem, n);
    free(mem);
    *len = n + 4;
    return out;
}

static void fill_tabs(const char *db)
{
    static const unsigned char junk[] = "\0\0\0\0bplist00 this is not a property list at all";
    unsigned char *blob;
    size_t n;

    assert_int_equal(vgfix_sqlite_exec(db, bs_schema), 0);
    /* 1: the planted hit in the tab's URL */
    assert_int_equal(vgfix_sqlite_insert(db, insert_tab,
                                         "itttti"
                                         "d",
                                         1, "T-1", "Evil page", "https://evil.example.org/x",
                                         "https://evil.example.org/x", 0, 654598606.156382),
                     0);
    blob = session_blob(vgfix_plist_array(history_entry("Evil page", "https://evil.example.org/x",
                                                        "https://evil.example.org/x", 16),
                                          NULL),
                        &n);
    assert_int_equal(vgfix_sqlite_insert(db, insert_session, "tb", "T-1", blob, n), 0);
    free(blob);
    /* 2: a harmless tab whose history went through the indicator's domain */
    assert_int_equal(vgfix_sqlite_insert(db, insert_tab,
                                         "itttti"
                                         "d",
                                         2, "T-2", "News", "https://news.test/today",
                                         "https://news.test/today", 1, 654598700.5),
                     0);
    blob = session_blob(
        vgfix_plist_array(
            history_entry("Landing", "https://www.example.org/landing", "https://t.test/r?id=1",
                          40),
            history_entry("News", "https://news.test/today", "https://news.test/today", 0), NULL),
        &n);
    assert_int_equal(vgfix_sqlite_insert(db, insert_session, "tb", "T-2", blob, n), 0);
    free(blob);
    /* 3: near misses only, and a session blob that is not a plist */
    assert_int_equal(vgfix_sqlite_insert(db, insert_tab,
                                         "itttti"
                                         "d",
                                         3, "T-3", NULL, "https://notexample.org/",
                                         "https://example.org.evil.test/", 2, 654598800.0),
                     0);
    assert_int_equal(vgfix_sqlite_insert(db, insert_session, "tb", "T-3", junk, sizeof(junk) - 1),
                     0);
    /* 4: a tab never viewed, no session blob */
    assert_int_equal(vgfix_sqlite_insert(db, insert_tab, "ittttin", 4, "T-4", "Blank",
                                         "about:blank", "about:blank", 3),
                     0);
    assert_int_equal(vgfix_sqlite_insert(db, insert_session, "tn", "T-4"), 0);
}

struct built {
    char *dir;
    char *db_id; /* "<id[:2]>/<id>" of the default profile's database */
};

/* The database (fill, or the text raw), also in a second profile. */
static struct built build_backup(void (*fill)(const char *db), const char *raw, int profile)
{
    const struct vgh_file f[2] = {
        {"HomeDomain", "Library/Safari/BrowserState.db", NULL, raw, raw ? strlen(raw) : 0, fill},
        {"HomeDomain",
         "Library/Safari/Profiles/5A1E2C4B-0000-4000-8000-000000000001/BrowserState.db", NULL, raw,
         raw ? strlen(raw) : 0, fill},
    };
    struct built out;
    char id[41];

    out.dir = vgh_backup(f, profile ? 2 : 1);
    vgfix_backup_file_id("HomeDomain", "Library/Safari/BrowserState.db", id);
    out.db_id = malloc(44);
    assert_non_null(out.db_id);
    snprintf(out.db_id, 44, "%.2s/%s", id, id);
    return out;
}

static void built_free(struct built *b)
{
    vgh_cleanup(b->dir);
    free(b->db_id);
}

static void test_records_and_timeline(void **state)
{
    struct built bk = build_backup(fill_tabs, NULL, 0);
    struct vgh_result r;
    const json_t *rec, *e;
    (void)state;

    vgh_run(bk.dir, NULL, "safari_browser_state", &r);
    assert_int_equal(r.rc, VG_OK);
    assert_int_equal(json_array_size(r.records), 4);
    /* ordered by last_viewed_time: the never-viewed tab (NULL) first */
    rec = json_array_get(r.records, 0);
    assert_string_equal(vgh_must_str(rec, "tab_title"), "Blank");
    assert_string_equal(vgh_must_str(rec, "last_viewed_timestamp"), "");
    assert_int_equal(json_array_size(json_object_get(rec, "session_data")), 0);

    rec = json_array_get(r.records, 1);
    assert_int_equal(json_object_size(rec), 6);
    assert_string_equal(vgh_must_str(rec, "tab_title"), "Evil page");
    assert_string_equal(vgh_must_str(rec, "tab_url"), "https://evil.example.org/x");
    assert_string_equal(vgh_must_str(rec, "tab_visible_url"), "https://evil.example.org/x");
    assert_string_equal(vgh_must_str(rec, "last_viewed_timestamp"), "2021-09-29 08:56:46.156382");
    assert_string_equal(vgh_must_str(rec, "safari_browser_state_db"), bk.db_id);
    e = json_array_get(json_object_get(rec, "session_data"), 0);
    assert_string_equal(vgh_must_str(e, "entry_title"), "Evil page");
    assert_string_equal(vgh_must_str(e, "entry_url"), "https://evil.example.org/x");
    assert_int_equal(json_integer_value(json_object_get(e, "data_length")), 16);

    rec = json_array_get(r.records, 2);
    assert_string_equal(vgh_must_str(rec, "last_viewed_timestamp"), "2021-09-29 08:58:20.500000");
    assert_int_equal(json_array_size(json_object_get(rec, "session_data")), 2);
    e = json_array_get(json_object_get(rec, "session_data"), 0);
    assert_string_equal(vgh_must_str(e, "entry_title"), "Landing");
    assert_string_equal(vgh_must_str(e, "entry_url"), "https://www.example.org/landing");
    assert_string_equal(vgh_must_str(e, "entry_original_url"), "https://t.test/r?id=1");
    assert_int_equal(json_integer_value(json_object_get(e, "data_length")), 40);

    rec = json_array_get(r.records, 3);
    assert_true(json_is_null(json_object_get(rec, "tab_title")));
    assert_int_equal(json_array_size(json_object_get(rec, "session_data")), 0);

    /* the blob that is not a plist: a warning naming the database */
    assert_int_equal(r.warnings, 1);
    assert_non_null(strstr(r.diag_text, "HomeDomain/Library/Safari/BrowserState.db: 1 tab "
                                        "session blobs are not property lists"));

    assert_non_null(strstr(r.timeline, "\"2021-09-29 08:56:46.156382\",\"SafariBrowserState\","
                                       "\"tab\",\"Evil page - https://evil.example.org/x\""));
    assert_non_null(strstr(r.timeline, "\"2021-09-29 09:00:00.000000\",\"SafariBrowserState\","
                                       "\"tab\",\"None - https://notexample.org/\""));
    assert_non_null(
        strstr(r.timeline, "\"\",\"SafariBrowserState\",\"tab\",\"Blank - about:blank\""));
    vgh_result_free(&r);
    built_free(&bk);
}

static void assert_alerts(const json_t *alerts)
{
    const json_t *a;

    assert_int_equal(json_array_size(alerts), 2);
    a = json_array_get(alerts, 0);
    assert_string_equal(vgh_must_str(a, "level"), "CRITICAL");
    assert_string_equal(vgh_must_str(a, "message"),
                        "Found a sub-domain with a suspicious top level https://evil.example.org/x "
                        "matching indicator \"example.org\" from \"TestMalware\"");
    assert_string_equal(vgh_must_str(json_object_get(a, "event"), "tab_title"), "Evil page");
    assert_string_equal(vgh_must_str(json_object_get(a, "matched_indicator"), "value"),
                        "example.org");
    assert_string_equal(vgh_must_str(json_object_get(a, "matched_indicator"), "type"), "domains");
    assert_string_equal(vgh_must_str(a, "event_time"),
                        vgh_must_str(json_object_get(a, "event"), "last_viewed_timestamp"));

    /* a hit in the history of an innocent-looking tab */
    a = json_array_get(alerts, 1);
    assert_string_equal(vgh_must_str(a, "level"), "CRITICAL");
    assert_string_equal(vgh_must_str(a, "message"),
                        "Found a sub-domain with a suspicious top level "
                        "https://www.example.org/landing matching indicator \"example.org\" from "
                        "\"TestMalware\"");
    assert_string_equal(vgh_must_str(json_object_get(a, "event"), "tab_title"), "News");
}

static void test_alerts_and_near_misses(void **state)
{
    struct built bk = build_backup(fill_tabs, NULL, 0);
    char *bundle = vgh_bundle(bs_iocs);
    struct vgh_result r;
    (void)state;

    vgh_run(bk.dir, bundle, "safari_browser_state", &r);
    assert_int_equal(r.rc, VG_OK);
    assert_alerts(r.alerts); /* notexample.org, example.org.evil.test: nothing */
    vgh_result_free(&r);
    built_free(&bk);
    free(bundle);
}

static void test_profiles(void **state)
{
    struct built bk = build_backup(fill_tabs, NULL, 1);
    struct vgh_result r;
    char id[41], want[44];
    const json_t *rec;
    size_t i, in_profile = 0;
    (void)state;

    vgfix_backup_file_id("HomeDomain",
                         "Library/Safari/Profiles/5A1E2C4B-0000-4000-8000-000000000001/"
                         "BrowserState.db",
                         id);
    snprintf(want, sizeof(want), "%.2s/%s", id, id);
    vgh_run(bk.dir, NULL, "safari_browser_state", &r);
    assert_int_equal(json_array_size(r.records), 8);
    json_array_foreach(r.records, i, rec) in_profile +=
        strcmp(vgh_must_str(rec, "safari_browser_state_db"), want) == 0;
    assert_int_equal(in_profile, 4);
    vgh_result_free(&r);
    built_free(&bk);
}

static void fill_old(const char *db)
{
    unsigned char *blob;
    size_t n;

    assert_int_equal(vgfix_sqlite_exec(db, bs_schema_old), 0);
    blob = session_blob(
        vgfix_plist_array(history_entry("Old", "https://old.example.org/", "https://o.test/", 1),
                          NULL),
        &n);
    assert_int_equal(vgfix_sqlite_insert(db,
                                         "INSERT INTO tabs (uuid, title, url, user_visible_url, "
                                         "order_index, last_viewed_time, session_data) VALUES "
                                         "('T-OLD', 'Old', 'https://o.test/', 'https://o.test/', "
                                         "0, 500000000.25, ?)",
                                         "b", blob, n),
                     0);
    free(blob);
}

static void test_old_schema(void **state)
{
    struct built bk = build_backup(fill_old, NULL, 0);
    char *bundle = vgh_bundle(bs_iocs);
    struct vgh_result r;
    const json_t *rec;
    (void)state;

    vgh_run(bk.dir, bundle, "safari_browser_state", &r);
    assert_int_equal(json_array_size(r.records), 1);
    rec = json_array_get(r.records, 0);
    assert_string_equal(vgh_must_str(rec, "last_viewed_timestamp"), "2016-11-05 00:53:20.250000");
    assert_int_equal(json_array_size(json_object_get(rec, "session_data")), 1);
    assert_int_equal(json_array_size(r.alerts), 1);
    assert_non_null(
        strstr(vgh_must_str(json_array_get(r.alerts, 0), "message"), "https://old.example.org/"));
    vgh_result_free(&r);
    built_free(&bk);
    free(bundle);
}

static void test_not_sqlite(void **state)
{
    struct built bk = build_backup(NULL, "<html>not a database</html>", 0);
    struct vgh_result r;
    (void)state;

    vgh_run(bk.dir, NULL, "safari_browser_state", &r);
    assert_int_equal(r.rc, VG_OK);
    assert_int_equal(json_array_size(r.records), 0);
    assert_true(r.warnings >= 1);
    assert_non_null(strstr(r.diag_text, "HomeDomain/Library/Safari/BrowserState.db"));
    vgh_result_free(&r);
    built_free(&bk);
}

static void test_check_on_records_alone(void **state)
{
    struct built bk = build_backup(fill_tabs, NULL, 0);
    char *bundle = vgh_bundle(bs_iocs);
    struct vgh_result r;
    json_t *alerts, *mvt_shaped;
    (void)state;

    vgh_run(bk.dir, NULL, "safari_browser_state", &r);
    alerts = vgh_check_records("safari_browser_state", r.records, bundle);
    assert_alerts(alerts);
    json_decref(alerts);

    /* MVT's records put the original URL in entry_title: checked too */
    mvt_shaped =
        json_pack("[{s:s, s:s, s:s, s:s, s:[{s:s, s:s, s:i}], s:s}]", "tab_title", "x", "tab_url",
                  "https://a.test/", "tab_visible_url", "https://a.test/", "last_viewed_timestamp",
                  "", "session_data", "entry_title", "https://login.example.org/", "entry_url",
                  "https://a.test/", "data_length", 0, "safari_browser_state_db", "3a/3a47");
    alerts = vgh_check_records("safari_browser_state", mvt_shaped, bundle);
    assert_int_equal(json_array_size(alerts), 1);
    assert_non_null(
        strstr(vgh_must_str(json_array_get(alerts, 0), "message"), "login.example.org"));
    json_decref(alerts);
    json_decref(mvt_shaped);
    vgh_result_free(&r);
    built_free(&bk);
    free(bundle);
}

static void test_mvt_test_backup(void **state)
{
    struct vgh_result r;
    (void)state;

    if (!vgh_run_mvt_backup("safari_browser_state", &r))
        skip();
    vgh_assert_mvt_records(&r, "safari_browser_state.json");
    /* MVT wrote no safari_browser_state_detected.json: no alerts */
    assert_int_equal(json_array_size(r.alerts), 0);
    assert_non_null(strstr(r.timeline, "\"2021-09-29 08:56:46.156382\",\"SafariBrowserState\","
                                       "\"tab\",\"NSO is bad - "
                                       "https://en.wikipedia.org/wiki/NSO_Group\""));
    vgh_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_records_and_timeline),
        cmocka_unit_test(test_alerts_and_near_misses),
        cmocka_unit_test(test_profiles),
        cmocka_unit_test(test_old_schema),
        cmocka_unit_test(test_not_sqlite),
        cmocka_unit_test(test_check_on_records_alone),
        cmocka_unit_test(test_mvt_test_backup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
