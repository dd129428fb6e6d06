/*
 * SafariFavicon: icons kept and rejected, from the system's and an app's
 * Favicons.db, sorted by time; page and icon URLs checked, near misses.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "harness.h"

#define SYS "private/var/mobile/Library/Image Cache/Favicons/Favicons.db"
#define APP                                                                                        \
    "private/var/mobile/Containers/Data/Application/0A1B2C3D-0000-4000-8000-000000000002/"         \
    "Library/Image Cache/Favicons/Favicons.db"

#define SCHEMA                                                                                     \
    "CREATE TABLE page_url (uuid TEXT, url TEXT);"                                                 \
    "CREATE TABLE icon_info (uuid TEXT, url TEXT, timestamp REAL, width INTEGER);"                 \
    "CREATE TABLE rejected_resources (page_url TEXT, icon_url TEXT, timestamp REAL);"

static const char *const iocs[] = {"[domain-name:value='example.org']", NULL};

static void test_records(void **state)
{
    struct vgfix_fs *fs = vgfix_fs_new();
    struct vgh_result r;
    const json_t *rec;
    (void)state;

    vgh_fs_sql(fs, SYS,
               SCHEMA "INSERT INTO page_url VALUES ('u1', 'https://news.example.net/');"
                      "INSERT INTO icon_info VALUES ('u1', 'https://cdn.example.org/f.ico', "
                      "600000000, 16);"
                      "INSERT INTO rejected_resources VALUES ('https://example.org.attacker.test/',"
                      " 'https://example.org.attacker.test/f.ico', 500000000);");
    vgh_fs_sql(fs, APP,
               SCHEMA "INSERT INTO page_url VALUES ('u2', 'https://shop.example.com/');"
                      "INSERT INTO icon_info VALUES ('u2', 'https://shop.example.com/i.png', "
                      "550000000, 32);");
    vgh_run_dump(fs, iocs, "safari_favicon", 0, &r);
    assert_int_equal(json_array_size(r.records), 3);
    rec = json_array_get(r.records, 0);
    vgh_assert_keys(rec, "url,icon_url,timestamp,isodate,type,safari_favicon_db_path");
    assert_string_equal(vgh_str(rec, "type"), "rejected");
    assert_string_equal(vgh_str(rec, "safari_favicon_db_path"), SYS);
    assert_string_equal(vgh_str(json_array_get(r.records, 1), "safari_favicon_db_path"), APP);
    rec = json_array_get(r.records, 2);
    assert_string_equal(vgh_str(rec, "type"), "valid");
    assert_string_equal(vgh_str(rec, "isodate"), "2020-01-06 10:40:00.000000");
    /* the icon URL matched when the page did not; the look-alike did not */
    assert_int_equal(json_array_size(r.alerts), 1);
    assert_non_null(vgh_find_alert(r.alerts, "CRITICAL", "cdn.example.org"));
    assert_true(vgh_tl_has(&r, "2020-01-06 10:40:00.000000", "SafariFavicon", "safari_favicon",
                           "Safari favicon from https://news.example.net/ with icon URL "
                           "https://cdn.example.org/f.ico (valid)"));
    vgh_result_free(&r);
    vgfix_fs_free(fs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_records),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
