/*
 * CacheFiles: every Cache.db of a dump, wherever it lies, its cached URLs
 * as rows carrying their database's path; a URL indicator hit and near
 * misses; a Cache.db without the table skipped; MVT's saved dictionary
 * checked again.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "harness.h"

#define APP_CACHE                                                                                  \
    "private/var/mobile/Containers/Data/Application/0A1B2C3D-0000-4000-8000-000000000001/Library/" \
    "Caches/com.example.app/Cache.db"
#define SYS_CACHE "private/var/mobile/Library/Caches/com.apple.Maps/Cache.db"

#define SCHEMA                                                                                     \
    "CREATE TABLE cfurl_cache_response(entry_ID INTEGER PRIMARY KEY AUTOINCREMENT UNIQUE, "        \
    "version INTEGER, hash_value INTEGER, storage_policy INTEGER, request_key TEXT UNIQUE, "       \
    "time_stamp NOT NULL DEFAULT CURRENT_TIMESTAMP, partition TEXT);"

static const char *const iocs[] = {"[domain-name:value='example.org']", NULL};

static struct vgfix_fs *dump(void)
{
    struct vgfix_fs *fs = vgfix_fs_new();

    vgh_fs_sql(fs, APP_CACHE,
               SCHEMA "INSERT INTO cfurl_cache_response VALUES (1, 0, -123, 0, "
                      "'https://tracker.example.org/p.gif', '2021-06-01 10:00:00', NULL);"
                      "INSERT INTO cfurl_cache_response VALUES (2, 0, 77, 0, "
                      "'https://example.org.attacker.test/', '2021-06-01 10:00:01', NULL);");
    vgh_fs_sql(fs, SYS_CACHE,
               SCHEMA "INSERT INTO cfurl_cache_response VALUES (1, 0, 5, 1, "
                      "'https://evil-example.org/', '2021-06-02 00:00:00', NULL);");
    /* a Cache.db of another kind, and a near miss of the name */
    vgh_fs_sql(fs, "private/var/root/Library/Caches/x/Cache.db", "CREATE TABLE other(a);");
    vgh_fs_sql(fs, "private/var/mobile/Library/Caches/y/Cache.db.old", SCHEMA);
    return fs;
}

static void test_records(void **state)
{
    struct vgfix_fs *fs = dump();
    struct vgh_result r;
    const json_t *rec;
    (void)state;

    vgh_run_dump(fs, iocs, "cache_files", 0, &r);
    assert_int_equal(json_array_size(r.records), 3);
    rec = vgh_find_record(r.records, "url", "https://tracker.example.org/p.gif");
    assert_non_null(rec);
    vgh_assert_keys(rec, "entry_id,version,hash_value,storage_policy,url,isodate,cache_file");
    assert_int_equal(vgh_int(rec, "hash_value"), -123);
    assert_string_equal(vgh_str(rec, "isodate"), "2021-06-01 10:00:00");
    assert_string_equal(vgh_str(rec, "cache_file"), APP_CACHE);
    assert_non_null(vgh_find_record(r.records, "cache_file", SYS_CACHE));
    /* one hit; the look-alikes stay quiet */
    assert_int_equal(json_array_size(r.alerts), 1);
    assert_non_null(vgh_find_alert(r.alerts, "CRITICAL", "tracker.example.org"));
    assert_true(vgh_tl_has(&r, "2021-06-01 10:00:00", "CacheFiles", "cache_response",
                           APP_CACHE " recorded visit to URL https://tracker.example.org/p.gif"));
    vgh_result_free(&r);
    vgfix_fs_free(fs);
}

/* MVT writes {"<path>": [rows]}: each row is checked. */
static void test_mvt_dict(void **state)
{
    static const char saved[] =
        "{\n    \"private/var/mobile/Library/Caches/a/Cache.db\": [\n        {\n"
        "            \"entry_id\": 1,\n            \"version\": 0,\n"
        "            \"hash_value\": 1,\n            \"storage_policy\": 0,\n"
        "            \"url\": \"https://www.example.org/x\",\n"
        "            \"isodate\": \"2021-06-01 10:00:00\"\n        },\n        {\n"
        "            \"entry_id\": 2,\n            \"version\": 0,\n"
        "            \"hash_value\": 2,\n            \"storage_policy\": 0,\n"
        "            \"url\": \"https://example.net/\",\n"
        "            \"isodate\": \"2021-06-01 10:00:00\"\n        }\n    ]\n}";
    char *bundle = vgh_bundle(iocs);
    struct vgh_check c;
    const json_t *ev;
    (void)state;

    vgh_check_saved("cache_files", saved, bundle, &c);
    assert_int_equal(json_array_size(c.alerts), 1);
    ev = json_object_get(json_array_get(c.alerts, 0), "event");
    assert_string_equal(vgh_str(ev, "cache_file"), "private/var/mobile/Library/Caches/a/Cache.db");
    vgh_check_free(&c);
    free(bundle);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_records),
        cmocka_unit_test(test_mvt_dict),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
