/*
 * IOSVersionHistory: the first line of each Analytics-Journal, its time
 * with its zone to UTC, sorted; journals whose first line is not JSON, or
 * whose time has no zone, named in warnings.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "harness.h"

#define DIR "private/var/db/analyticsd/"

static void add(struct vgfix_fs *fs, const char *name, const char *text)
{
    char path[512];

    snprintf(path, sizeof(path), DIR "%s", name);
    assert_int_equal(vgfix_fs_file(fs, path, text, strlen(text), 0), 0);
}

static void test_records(void **state)
{
    struct vgfix_fs *fs = vgfix_fs_new();
    struct vgh_result r;
    const json_t *rec;
    (void)state;

    add(fs, "Analytics-Journal-2021-05-20-101010.ips",
        "{\"timestamp\":\"2021-05-20 12:10:10.00 +0200\",\"os_version\":\"iPhone OS 14.6 "
        "(18F72)\"}\n{\"message\":{}}\n");
    add(fs, "Analytics-Journal-2021-03-01-000000.ips",
        "{\"timestamp\":\"2021-03-01 00:30:00.50 -0800\",\"os_version\":\"iPhone OS 14.4 "
        "(18D52)\",\"bug_type\":\"211\"}\n");
    add(fs, "Analytics-Journal-broken.ips", "not json\n");
    add(fs, "Analytics-Journal-nozone.ips",
        "{\"timestamp\":\"2021-01-01 00:00:00.00\",\"os_version\":\"iPhone OS 14.3\"}");
    add(fs, "Analytics-2021.ips", "{\"timestamp\":\"2021-01-01 00:00:00.00 +0000\"}");
    vgh_run_dump(fs, NULL, "ios_version_history", 0, &r);
    assert_int_equal(json_array_size(r.records), 3);
    /* the one without a zone has no isodate: first */
    assert_string_equal(vgh_str(json_array_get(r.records, 0), "isodate"), "");
    rec = json_array_get(r.records, 1);
    vgh_assert_keys(rec, "isodate,os_version");
    assert_string_equal(vgh_str(rec, "isodate"), "2021-03-01 08:30:00.500000");
    assert_string_equal(vgh_str(rec, "os_version"), "iPhone OS 14.4 (18D52)");
    assert_string_equal(vgh_str(json_array_get(r.records, 2), "isodate"),
                        "2021-05-20 10:10:10.000000");
    assert_non_null(strstr(r.diag_text, "Analytics-Journal-broken.ips"));
    assert_non_null(strstr(r.diag_text, "Analytics-Journal-nozone.ips"));
    assert_true(vgh_tl_has(&r, "2021-05-20 10:10:10.000000", "IOSVersionHistory", "ios_version",
                           "Recorded iOS version iPhone OS 14.6 (18F72)"));
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
