/*
 * What the tests of the three WebKit website-data modules share: two apps'
 * folders holding origin entries (folders and files) named as WebKit names
 * them, a hit, near misses, entries that are not origins, the folder's
 * time on each record.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "harness.h"

#define APP1 "private/var/mobile/Containers/Data/Application/0A1B2C3D-0000-4000-8000-000000000003/"
#define APP2 "private/var/mobile/Containers/Data/Application/0A1B2C3D-0000-4000-8000-000000000004/"

static const char *const wk_iocs[] = {"[domain-name:value='example.org']", NULL};

/* sub: the folder under an app container; the timeline text is before,
 * the folder, between, the URL (before NULL: the module has none). */
static void wk_run(const char *module, const char *plugin, const char *sub, const char *event,
                   const char *before, const char *between)
{
    struct vgfix_fs *fs = vgfix_fs_new();
    char f1[512], f2[512], p[768], desc[1024];
    struct vgh_result r;
    const json_t *rec;

    snprintf(f1, sizeof(f1), APP1 "%s", sub);
    snprintf(f2, sizeof(f2), APP2 "%s", sub);
    snprintf(p, sizeof(p), "%s/https_evil.example.org_0", f1);
    assert_int_equal(vgfix_fs_dir(fs, p, 0), 0);
    snprintf(p, sizeof(p), "%s/http_example.org.attacker.test_0.localstorage", f1);
    assert_int_equal(vgfix_fs_file(fs, p, "x", 1, 0), 0);
    snprintf(p, sizeof(p), "%s/Databases.db", f1);
    assert_int_equal(vgfix_fs_file(fs, p, "x", 1, 0), 0);
    snprintf(p, sizeof(p), "%s/https_shop.example.com_443", f2);
    assert_int_equal(vgfix_fs_dir(fs, p, 0), 0);
    /* an origin one level too deep is not one of the folder's */
    snprintf(p, sizeof(p), "%s/v1/https_deep.example.org_0", f2);
    assert_int_equal(vgfix_fs_dir(fs, p, 0), 0);
    assert_int_equal(vgfix_fs_dir(fs, f1, 1650000000), 0);
    assert_int_equal(vgfix_fs_dir(fs, f2, 1660000000), 0);
    vgh_run_dump(fs, wk_iocs, module, 0, &r);
    assert_int_equal(json_array_size(r.records), 3);
    rec = vgh_find_record(r.records, "url", "https://evil.example.org");
    assert_non_null(rec);
    vgh_assert_keys(rec, "folder,url,isodate");
    assert_string_equal(vgh_str(rec, "folder"), f1);
    assert_string_equal(vgh_str(rec, "isodate"), "2022-04-15 05:20:00.000000");
    assert_non_null(vgh_find_record(r.records, "url", "http://example.org.attacker.test"));
    rec = vgh_find_record(r.records, "url", "https://shop.example.com");
    assert_non_null(rec);
    assert_string_equal(vgh_str(rec, "isodate"), "2022-08-08 23:06:40.000000");
    assert_int_equal(json_array_size(r.alerts), 1);
    assert_non_null(vgh_find_alert(r.alerts, "CRITICAL", "evil.example.org"));
    if (before) {
        snprintf(desc, sizeof(desc), "%s%s%s%s", before, f1, between, "https://evil.example.org");
        assert_true(vgh_tl_has(&r, "2022-04-15 05:20:00.000000", plugin, event, desc));
    } else {
        assert_int_equal(vgh_tl_count(&r, plugin), 0);
    }
    vgh_result_free(&r);
    vgfix_fs_free(fs);
}
