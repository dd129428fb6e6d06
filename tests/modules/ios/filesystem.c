/*
 * Filesystem: every entry of a dump as MVT records it (path from the root,
 * modification time), file path indicators through /var and /private/var,
 * file names, process names as path components (not with --fast), near
 * misses, links recorded and never followed, check-iocs on saved records.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "harness.h"

static const char *const iocs[] = {
    "[file:path='/var/tmp/evil']",
    "[file:name='payload.bin']",
    "[process:name='roleaccountd']",
    NULL,
};

static struct vgfix_fs *dump(void)
{
    struct vgfix_fs *fs = vgfix_fs_new();

    assert_non_null(fs);
    /* hits: under /var/tmp/evil (the indicator says /var), a file name, a
     * folder named as a process (and the file in it) */
    assert_int_equal(vgfix_fs_file(fs, "private/var/tmp/evil/stage2", "x", 1, 1700000000), 0);
    assert_int_equal(vgfix_fs_file(fs, "private/var/mobile/Downloads/payload.bin", "x", 1, 0), 0);
    assert_int_equal(vgfix_fs_file(fs, "private/var/db/roleaccountd/run.plist", "x", 1, 0), 0);
    /* near misses: a sibling sharing the indicator's first letters, a name
     * with a suffix, a component that only starts like the process */
    assert_int_equal(vgfix_fs_file(fs, "private/var/tmp/evilness", "x", 1, 0), 0);
    assert_int_equal(vgfix_fs_file(fs, "private/var/mobile/payload.bin.txt", "x", 1, 0), 0);
    assert_int_equal(vgfix_fs_file(fs, "private/var/db/roleaccountd.staging", "x", 1, 0), 0);
    /* a link out of the dump: recorded as a link, never followed */
    assert_int_equal(vgfix_fs_symlink(fs, "private/var/mobile/etc", "/etc"), 0);
    return fs;
}

static size_t alerts_on(const json_t *alerts, const char *path)
{
    const json_t *a;
    size_t i, n = 0;

    json_array_foreach(alerts, i, a)
    {
        const char *p = vgh_str(json_object_get(a, "event"), "path");
        if (strcmp(p, path) == 0)
            n++;
    }
    return n;
}

static void test_records_and_checks(void **state)
{
    struct vgfix_fs *fs = dump();
    struct vgh_result r;
    const json_t *rec;
    (void)state;

    vgh_run_dump(fs, iocs, "filesystem", 0, &r);
    /* every entry, folders included (the parents the builder added) */
    assert_int_equal(json_array_size(r.records), vgfix_fs_count(fs));
    rec = vgh_find_record(r.records, "path", "private/var/tmp/evil/stage2");
    assert_non_null(rec);
    vgh_assert_keys(rec, "path,modified");
    assert_string_equal(vgh_str(rec, "modified"), "2023-11-14 22:13:20.000000");
    assert_non_null(vgh_find_record(r.records, "path", "private/var/mobile/etc"));
    /* the folder /var/tmp/evil and what it holds */
    assert_int_equal(alerts_on(r.alerts, "private/var/tmp/evil"), 1);
    assert_int_equal(alerts_on(r.alerts, "private/var/tmp/evil/stage2"), 1);
    assert_int_equal(alerts_on(r.alerts, "private/var/mobile/Downloads/payload.bin"), 1);
    assert_non_null(vgh_find_alert(r.alerts, "HIGH",
                                   "suspicious file name \"private/var/mobile/"
                                   "Downloads/payload.bin\""));
    assert_int_equal(alerts_on(r.alerts, "private/var/db/roleaccountd"), 1);
    assert_int_equal(alerts_on(r.alerts, "private/var/db/roleaccountd/run.plist"), 1);
    assert_non_null(vgh_find_alert(r.alerts, "HIGH", "process name mentioned in file at path"));
    /* near misses */
    assert_int_equal(alerts_on(r.alerts, "private/var/tmp/evilness"), 0);
    assert_int_equal(alerts_on(r.alerts, "private/var/mobile/payload.bin.txt"), 0);
    assert_int_equal(alerts_on(r.alerts, "private/var/db/roleaccountd.staging"), 0);
    assert_int_equal(json_array_size(r.alerts), 5);
    assert_true(vgh_tl_has(&r, "2023-11-14 22:13:20.000000", "Filesystem", "entry_modified",
                           "private/var/tmp/evil/stage2"));
    vgh_result_free(&r);
    vgfix_fs_free(fs);
}

static void test_fast_skips_processes(void **state)
{
    struct vgfix_fs *fs = dump();
    struct vgh_result r;
    (void)state;

    vgh_run_dump(fs, iocs, "filesystem", 1, &r);
    assert_int_equal(alerts_on(r.alerts, "private/var/db/roleaccountd"), 0);
    assert_int_equal(json_array_size(r.alerts), 3);
    vgh_result_free(&r);
    vgfix_fs_free(fs);
}

/* MVT's saved records (relative paths, its "modified") checked again. */
static void test_check_iocs(void **state)
{
    static const char saved[] = "[\n    {\n        \"path\": \"private/var/tmp/evil/x\",\n"
                                "        \"modified\": \"2021-01-01 00:00:00.000000\"\n    },\n"
                                "    {\n        \"path\": \"private/var/tmp/evi\",\n"
                                "        \"modified\": \"2021-01-01 00:00:00.000000\"\n    }\n]";
    char *bundle = vgh_bundle(iocs);
    struct vgh_check c;
    (void)state;

    vgh_check_saved("filesystem", saved, bundle, &c);
    assert_int_equal(json_array_size(c.alerts), 1);
    assert_string_equal(vgh_str(json_object_get(json_array_get(c.alerts, 0), "event"), "path"),
                        "private/var/tmp/evil/x");
    vgh_check_free(&c);
    free(bundle);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_records_and_checks),
        cmocka_unit_test(test_fast_skips_processes),
        cmocka_unit_test(test_check_iocs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
