/*
 * AndroidQF's JSON files (src/lib/formats/android/aqf_json.c): records
 * as MVT has them, shapes checked field by field, and files that are
 * damaged, cut short, nested without end or not JSON at all.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "aqft.h"

#include "formats/android/aqf_json.h"

typedef int (*parse_fn)(const void *, size_t, struct vg_aqf_sink *);

static void run(struct aqft *t, const char *file, parse_fn fn, const char *text, int want)
{
    aqft_init(t, file);
    assert_int_equal(fn(text, strlen(text), &t->sink), want);
}

/* ---- packages.json ---- */

#define CERT                                                                                       \
    "{\"Md5\":\"556c\",\"Sha1\":\"38a0\",\"Sha256\":\"3987\",\"ValidFrom\":\"2010-06-25T23:07:"    \
    "16Z\","                                                                                       \
    "\"ValidTo\":\"2044-02-15T23:07:16Z\",\"Issuer\":\"CN=x\",\"Subject\":\"CN=x\","               \
    "\"SignatureAlgorithm\":\"DSA-SHA1\",\"SerialNumber\":%s}"
#define PKG_FILE                                                                                   \
    "{\"path\":\"/data/app/a/base.apk\",\"local_name\":\"\",\"md5\":\"m\",\"sha1\":\"s\","         \
    "\"sha256\":\"h\",\"sha512\":\"z\",\"error\":\"\",\"verified_certificate\":true,"              \
    "\"certificate\":" CERT ",\"certificate_error\":\"\",\"trusted_certificate\":false}"
#define PKG                                                                                        \
    "{\"name\":\"com.whatsapp\",\"files\":[" PKG_FILE "],\"installer\":\"null\",\"uid\":10271,"    \
    "\"disabled\":false,\"system\":false,\"third_party\":true}"

static char *pkg_text(const char *serial)
{
    char *s = vg_asprintf("[" PKG "]", serial);

    assert_non_null(s);
    return s;
}

static void test_packages(void **state)
{
    char *in = pkg_text("1277507236"), *want = pkg_text("1277507236");
    struct aqft t;
    (void)state;

    run(&t, "packages.json", vg_aqf_packages_parse, in, VG_OK);
    aqft_expect(&t, want);
    assert_int_equal(aqft_warnings(&t), 0);
    aqft_free(&t);
    free(in);
    free(want);
}

/* A serial number beyond 64 bits (as most APK certificates have) becomes a
 * string of the same digits; jansson alone would reject the whole file. */
static void test_big_serial(void **state)
{
    char *in = pkg_text("955466096586930338769951715633687128507538251257");
    char *want = pkg_text("\"955466096586930338769951715633687128507538251257\"");
    struct aqft t;
    (void)state;

    run(&t, "packages.json", vg_aqf_packages_parse, in, VG_OK);
    aqft_expect(&t, want);
    assert_int_equal(aqft_warnings(&t), 0);
    aqft_free(&t);
    free(in);
    free(want);
    /* at the edge of int64, in strings, signed, and not numbers at all */
    run(&t, "packages.json", vg_aqf_packages_parse,
        "[{\"uid\":9223372036854775807,\"a\":-9223372036854775809,\"b\":\"99999999999999999999\","
        "\"c\":1.5e300,\"d\":[18446744073709551616]}]",
        VG_OK);
    aqft_expect(&t, "[{\"uid\":9223372036854775807,\"a\":\"-9223372036854775809\","
                    "\"b\":\"99999999999999999999\",\"c\":1.5e300,"
                    "\"d\":[\"18446744073709551616\"]}]");
    assert_int_equal(aqft_warnings(&t), 1); /* no name */
    aqft_free(&t);
    /* a broken number is not mended into a string */
    run(&t, "packages.json", vg_aqf_packages_parse, "[{\"uid\":0123456789012345678901}]", VG_OK);
    aqft_expect(&t, "[]");
    assert_int_equal(aqft_warnings(&t), 1);
    aqft_free(&t);
}

/* Old androidqf: only path, local_name, sha256, and "files": null. */
static void test_old_packages(void **state)
{
    static const char in[] = "[{\"name\":\"a\",\"files\":null,\"installer\":\"\",\"uid\":0,"
                             "\"disabled\":false,\"system\":true,\"third_party\":false},"
                             "{\"name\":\"b\",\"files\":[{\"path\":\"/x.apk\",\"local_name\":"
                             "\"b.apk\",\"sha256\":\"ab\"}],\"installer\":\"com.android.vending\","
                             "\"uid\":10001,\"disabled\":false,\"system\":false,"
                             "\"third_party\":true,\"virustotal\":\"0/70\"}]";
    struct aqft t;
    (void)state;

    run(&t, "packages.json", vg_aqf_packages_parse, in, VG_OK);
    aqft_expect(&t, in);
    assert_int_equal(aqft_warnings(&t), 0);
    aqft_free(&t);
}

static void test_package_shapes(void **state)
{
    struct aqft t;
    (void)state;

    run(&t, "packages.json", vg_aqf_packages_parse,
        "[7, {\"name\":5,\"files\":[{\"sha256\":1,\"certificate\":\"none\"},"
        "{\"certificate\":{\"Sha1\":[],\"SerialNumber\":1.5}}, \"x\"],\"uid\":\"10\","
        "\"disabled\":\"no\"}, {\"files\":{}}]",
        VG_OK);
    assert_int_equal(json_array_size(t.recs), 2);
    assert_true(aqft_said(&t, "[0]: expected an object, found an integer: skipped"));
    assert_true(aqft_said(&t, "[1].name: expected a string, found an integer"));
    assert_true(aqft_said(&t, "[1].files[0].sha256: expected a string, found an integer"));
    assert_true(aqft_said(&t, "[1].files[0].certificate: expected an object, found a string"));
    assert_true(aqft_said(&t, "[1].files[1].certificate.Sha1: expected a string, found an array"));
    assert_true(
        aqft_said(&t, "[1].files[1].certificate.SerialNumber: expected an integer, found a real"));
    assert_true(aqft_said(&t, "[1].files[2]: expected an object, found a string"));
    assert_true(aqft_said(&t, "[1].uid: expected an integer, found a string"));
    assert_true(aqft_said(&t, "[1].disabled: expected a boolean, found a string"));
    assert_true(aqft_said(&t, "[2]: a package without a name"));
    assert_true(aqft_said(&t, "[2].files: expected an array, found an object"));
    /* the record is the file's object, wrong types and all */
    assert_int_equal(json_integer_value(json_object_get(json_array_get(t.recs, 0), "name")), 5);
    aqft_free(&t);
}

static void test_damaged_files(void **state)
{
    struct aqft t;
    (void)state;

    /* a bad item is skipped, the next is read */
    run(&t, "packages.json", vg_aqf_packages_parse,
        "[{\"name\":}, {\"name\":\"b\"} ,{\"name\":tru}, {\"name\":\"d\"}]", VG_OK);
    aqft_expect(&t, "[{\"name\":\"b\"},{\"name\":\"d\"}]");
    assert_true(aqft_said(&t, "[0] at offset 1:"));
    assert_true(aqft_said(&t, "[2] at offset 26:"));
    aqft_free(&t);
    /* cut short: what came before is kept */
    run(&t, "packages.json", vg_aqf_packages_parse, "[{\"name\":\"a\"}, {\"name\":\"b\\\"",
        VG_E_TRUNCATED);
    aqft_expect(&t, "[{\"name\":\"a\"}]");
    assert_true(aqft_said(&t, "[1] at offset 15: cut short"));
    aqft_free(&t);
    run(&t, "packages.json", vg_aqf_packages_parse, "[{\"name\":\"a\"}", VG_E_TRUNCATED);
    assert_true(aqft_said(&t, "no closing ]"));
    aqft_free(&t);
    run(&t, "packages.json", vg_aqf_packages_parse, "[{\"name\":\"a\"},", VG_E_TRUNCATED);
    aqft_free(&t);
    run(&t, "packages.json", vg_aqf_packages_parse, "[\n\n", VG_E_TRUNCATED);
    assert_true(aqft_said(&t, "[0] at offset 3: cut short"));
    aqft_free(&t);
    run(&t, "packages.json", vg_aqf_packages_parse, "[{\"name\":\"a\"} {\"name\":\"b\"}]",
        VG_E_CORRUPT);
    aqft_expect(&t, "[{\"name\":\"a\"}]");
    assert_true(aqft_said(&t, "offset 14: byte 0x7b where , or ] should be"));
    aqft_free(&t);
    run(&t, "packages.json", vg_aqf_packages_parse, "[{\"name\":\"a\"},]", VG_E_CORRUPT);
    assert_true(aqft_said(&t, "byte 0x5d where an item should start"));
    aqft_free(&t);
    run(&t, "packages.json", vg_aqf_packages_parse, "[]  trailing", VG_OK);
    assert_true(aqft_said(&t, "8 bytes after the array (offset 4) are not read"));
    aqft_free(&t);
    run(&t, "packages.json", vg_aqf_packages_parse, "PK\x03\x04", VG_E_CORRUPT);
    assert_true(aqft_said(&t, "not a JSON array: byte 0x50 at offset 0"));
    aqft_free(&t);
}

static void test_empty_files(void **state)
{
    struct aqft t;
    (void)state;

    run(&t, "packages.json", vg_aqf_packages_parse, "  \n", VG_OK);
    assert_true(aqft_said(&t, "empty: no records"));
    aqft_free(&t);
    run(&t, "packages.json", vg_aqf_packages_parse, "null\n", VG_OK);
    aqft_expect(&t, "[]");
    assert_int_equal(aqft_warnings(&t), 0);
    aqft_free(&t);
    run(&t, "packages.json", vg_aqf_packages_parse, " [ ] ", VG_OK);
    aqft_expect(&t, "[]");
    assert_int_equal(aqft_warnings(&t), 0);
    aqft_free(&t);
    run(&t, "packages.json", vg_aqf_packages_parse, "nullx", VG_E_CORRUPT);
    aqft_free(&t);
    aqft_init(&t, "packages.json");
    assert_int_equal(vg_aqf_packages_parse(NULL, 3, &t.sink), VG_OK);
    aqft_free(&t);
}

static void test_hostile_json(void **state)
{
    size_t depth = VG_MAX_JSON_DEPTH + 10, i, n;
    char *deep = malloc(2 * depth + 3);
    struct aqft t;
    (void)state;

    assert_non_null(deep);
    deep[0] = '[';
    for (i = 0; i < depth; i++)
        deep[1 + i] = '[';
    for (i = 0; i < depth; i++)
        deep[1 + depth + i] = ']';
    deep[1 + 2 * depth] = ']';
    deep[2 + 2 * depth] = '\0';
    run(&t, "packages.json", vg_aqf_packages_parse, deep, VG_E_CORRUPT);
    assert_true(aqft_said(&t, "nested more than"));
    aqft_free(&t);
    free(deep);
    /* invalid UTF-8 inside a string: U+FFFD, the item is kept */
    run(&t, "packages.json", vg_aqf_packages_parse, "[{\"name\":\"a\xc0\xafz\"}]", VG_OK);
    aqft_expect(&t, "[{\"name\":\"a\\ufffd\\ufffdz\"}]");
    assert_true(aqft_said(&t, "not valid UTF-8"));
    aqft_free(&t);
    /* \u0000 is kept */
    run(&t, "packages.json", vg_aqf_packages_parse, "[{\"name\":\"a\\u0000b\"}]", VG_OK);
    assert_int_equal(json_string_length(json_object_get(json_array_get(t.recs, 0), "name")), 3);
    aqft_free(&t);
    /* an item over VG_MAX_AQF_JSON_ITEM is skipped, the next one read */
    n = VG_MAX_AQF_JSON_ITEM + 16;
    deep = malloc(n + 64);
    assert_non_null(deep);
    memcpy(deep, "[\"", 2);
    memset(deep + 2, 'a', n);
    memcpy(deep + 2 + n, "\", {\"name\":\"b\"}]", 17);
    run(&t, "packages.json", vg_aqf_packages_parse, deep, VG_OK);
    aqft_expect(&t, "[{\"name\":\"b\"}]");
    assert_true(aqft_said(&t, "more than"));
    aqft_free(&t);
    free(deep);
}

static void test_callback_error(void **state)
{
    struct aqft t;
    (void)state;

    aqft_init(&t, "packages.json");
    t.fail_after = 1;
    assert_int_equal(vg_aqf_packages_parse("[{\"name\":\"a\"},{\"name\":\"b\"}]", 29, &t.sink),
                     VG_E_IO);
    assert_int_equal(json_array_size(t.recs), 1);
    aqft_free(&t);
}

/* ---- processes.json ---- */

static void test_processes(void **state)
{
    static const char in[] =
        "[{\"pid\":1,\"uid\":0,\"ppid\":0,\"pgroup\":0,\"psid\":0,\"filename\":\"(init)\","
        "\"priority\":20,\"state\":\"S\",\"user_time\":0,\"kernel_time\":0,\"path\":\"/system/"
        "bin/init\",\"context\":\"u:r:init:s0\",\"previous_context\":\"u:r:kernel:s0\","
        "\"command_line\":[\"/system/bin/init\",\"second_stage\"],\"env\":null,\"cwd\":\"/\"}]";
    struct aqft t;
    (void)state;

    run(&t, "processes.json", vg_aqf_processes_parse, in, VG_OK);
    aqft_expect(&t, in);
    assert_int_equal(aqft_warnings(&t), 0);
    aqft_free(&t);
    run(&t, "processes.txt", vg_aqf_processes_parse,
        "[{\"pid\":\"1\",\"command_line\":[\"a\",2],\"env\":\"X=1\"}, null]", VG_OK);
    assert_int_equal(json_array_size(t.recs), 1);
    assert_true(aqft_said(&t, "[0].pid: expected an integer, found a string"));
    assert_true(aqft_said(&t, "[0].command_line[1]: expected a string, found an integer"));
    assert_true(aqft_said(&t, "[0].env: expected an array, found a string"));
    assert_true(aqft_said(&t, "[1]: expected an object, found null: skipped"));
    aqft_free(&t);
}

/* ---- files.json ---- */

static int plus_one_hour(void *ud, int64_t utc, int64_t *offset)
{
    (void)ud;
    (void)utc;
    *offset = 3600;
    return VG_OK;
}

static void files(struct aqft *t, const char *text, const struct vg_aqf_tz *tz, int want)
{
    aqft_init(t, "files.json");
    assert_int_equal(vg_aqf_files_parse(text, strlen(text), tz, &t->sink), want);
}

static void test_files(void **state)
{
    static const char in[] =
        "[{\"path\":\"/sdcard/.profig.os\",\"size\":36,\"mode\":\"-rw-rw----\",\"user_id\":0,"
        "\"user_name\":\"\",\"group_id\":1015,\"group_name\":\"\",\"changed_time\":1550155672,"
        "\"modified_time\":1593109532,\"access_time\":0,\"error\":\"\",\"context\":\"c\","
        "\"sha1\":\"\",\"sha256\":\"\",\"sha512\":\"\",\"md5\":\"\"}]";
    const struct vg_aqf_tz tz = {plus_one_hour, NULL};
    struct aqft t;
    (void)state;

    files(&t, in, NULL, VG_OK);
    aqft_expect(&t,
                "[{\"path\":\"/sdcard/.profig.os\",\"size\":36,\"mode\":\"-rw-rw----\","
                "\"user_id\":0,\"user_name\":\"\",\"group_id\":1015,\"group_name\":\"\","
                "\"changed_time\":\"2019-02-14 14:47:52.000000\","
                "\"modified_time\":\"2020-06-25 18:25:32.000000\","
                "\"access_time\":\"1970-01-01 00:00:00.000000\",\"error\":\"\","
                "\"context\":\"c\",\"sha1\":\"\",\"sha256\":\"\",\"sha512\":\"\",\"md5\":\"\"}]");
    assert_int_equal(aqft_warnings(&t), 0);
    aqft_free(&t);
    /* the device's zone; a real time; the find-based versions' modes */
    files(&t, "[{\"path\":\"/a\",\"mode\":\"755\",\"modified_time\":1.25,\"access_time\":60}]", &tz,
          VG_OK);
    aqft_expect(&t, "[{\"path\":\"/a\",\"mode\":\"755\","
                    "\"modified_time\":\"1970-01-01 01:00:01.250000\","
                    "\"access_time\":\"1970-01-01 01:01:00.000000\"}]");
    aqft_free(&t);
}

static void test_files_bad_times(void **state)
{
    struct aqft t;
    (void)state;

    files(&t,
          "[{\"path\":\"/a\",\"changed_time\":\"yesterday\",\"modified_time\":99999999999999,"
          "\"access_time\":-9223372036854775808}, {\"path\":\"/b\",\"access_time\":1e300}]",
          NULL, VG_OK);
    aqft_expect(&t, "[{\"path\":\"/a\",\"changed_time\":\"yesterday\","
                    "\"modified_time\":99999999999999,\"access_time\":-9223372036854775808},"
                    "{\"path\":\"/b\",\"access_time\":1e300}]");
    assert_true(aqft_said(&t, "[0].changed_time: expected a number, found a string"));
    assert_true(aqft_said(&t, "[0].modified_time: 99999999999999 is no time"));
    assert_true(aqft_said(&t, "[0].access_time: -9223372036854775808 is no time"));
    assert_true(aqft_said(&t, "[1].access_time: 1.0000000000000001e+300 is no time") ||
                aqft_said(&t, "[1].access_time: 1e+300 is no time"));
    aqft_free(&t);
}

/* One object per line, as MVT also reads files.json. */
static void test_files_lines(void **state)
{
    struct aqft t;
    (void)state;

    files(&t, "{\"path\":\"/a\"}\n{\"path\":\"/b\"}\n\n", NULL, VG_OK);
    aqft_expect(&t, "[{\"path\":\"/a\"},{\"path\":\"/b\"}]");
    assert_int_equal(aqft_warnings(&t), 0);
    aqft_free(&t);
    files(&t, "{\"path\":\"/a\"},\n{\"path\":\"/b\"}", NULL, VG_E_CORRUPT);
    aqft_expect(&t, "[{\"path\":\"/a\"}]");
    aqft_free(&t);
    files(&t, "[\"/a\"]", NULL, VG_OK);
    assert_true(aqft_said(&t, "[0]: expected an object, found a string: skipped"));
    aqft_free(&t);
}

/* ---- root_binaries.json ---- */

static void test_root_binaries(void **state)
{
    struct aqft t;
    (void)state;

    run(&t, "root_binaries.json", vg_aqf_root_binaries_parse,
        "[\n    \"/system/bin/su\",\n    \"/system/xbin/busybox\",\n"
        "    \"/data/local/tmp/magisk\",\n    \"/system/bin/magiskhide\"\n]",
        VG_OK);
    aqft_expect(&t, "[{\"path\":\"/system/bin/su\",\"binary_name\":\"su\","
                    "\"description\":\"SuperUser binary\"},"
                    "{\"path\":\"/system/xbin/busybox\",\"binary_name\":\"busybox\","
                    "\"description\":\"BusyBox utilities\"},"
                    "{\"path\":\"/data/local/tmp/magisk\",\"binary_name\":\"magisk\","
                    "\"description\":\"Magisk root framework\"},"
                    "{\"path\":\"/system/bin/magiskhide\",\"binary_name\":\"magiskhide\","
                    "\"description\":\"Magisk hide utility\"}]");
    aqft_free(&t);
    /* "which -a" naming two paths; case; no folder; not strings; empty */
    run(&t, "root_binaries.json", vg_aqf_root_binaries_parse,
        "[\"/system/bin/su\\n/system/xbin/su\", \" /sbin/SuperSu.APK \", \"tool\", 3, \"\", "
        "\"  \\n \"]",
        VG_OK);
    aqft_expect(&t, "[{\"path\":\"/system/bin/su\",\"binary_name\":\"su\","
                    "\"description\":\"SuperUser binary\"},"
                    "{\"path\":\"/system/xbin/su\",\"binary_name\":\"su\","
                    "\"description\":\"SuperUser binary\"},"
                    "{\"path\":\"/sbin/SuperSu.APK\",\"binary_name\":\"supersu.apk\","
                    "\"description\":\"SuperSU app\"},"
                    "{\"path\":\"tool\",\"binary_name\":\"tool\","
                    "\"description\":\"Unknown root binary\"}]");
    assert_int_equal(aqft_warnings(&t), 3);
    assert_true(aqft_said(&t, "[3]: expected a string, found an integer: skipped"));
    assert_true(aqft_said(&t, "[4]: an empty path: skipped"));
    assert_true(aqft_said(&t, "[5]: an empty path: skipped"));
    aqft_free(&t);
    run(&t, "root_binaries.json", vg_aqf_root_binaries_parse, "{\"su\": 1}", VG_OK);
    assert_true(aqft_said(&t, "expected a string, found an object"));
    aqft_free(&t);
    assert_string_equal(vg_aqf_root_binary_description("magiskpolicy"), "Magisk policy binary");
    assert_string_equal(vg_aqf_root_binary_description("MAGISK"), "Unknown root binary");
    assert_string_equal(vg_aqf_root_binary_description(NULL), "Unknown root binary");
}

/* ---- mounts.json ---- */

static void test_mounts_json(void **state)
{
    struct aqft t;
    (void)state;

    run(&t, "mounts.json", vg_aqf_mounts_parse,
        "[\"/dev/block/dm-12 on / type ext4 (ro,seclabel)\", 5, "
        "\"/dev/block/dm-12 / ext4 ro,seclabel 0 0\", \"junk\"]",
        VG_OK);
    aqft_expect(&t, "[{\"device\":\"/dev/block/dm-12\",\"mount_point\":\"/\","
                    "\"filesystem_type\":\"ext4\",\"mount_options\":\"ro,seclabel\","
                    "\"options_list\":[\"ro\",\"seclabel\"],\"is_system_partition\":false,"
                    "\"is_read_write\":false}]");
    assert_true(aqft_said(&t, "[1]: expected a string, found an integer: skipped"));
    assert_true(aqft_said(&t, "1 lines are no mount (the first: line 3)"));
    aqft_free(&t);
    run(&t, "mounts.json", vg_aqf_mounts_parse, "[\"a on /b type c\"", VG_E_TRUNCATED);
    assert_int_equal(json_array_size(t.recs), 1);
    aqft_free(&t);
    run(&t, "mounts.json", vg_aqf_mounts_parse, "\"x\"", VG_E_CORRUPT);
    aqft_free(&t);
    /* repaired UTF-8 grows three-fold: still read */
    run(&t, "mounts.json", vg_aqf_mounts_parse, "[\"\xff\xff\xff\xff on /x type y\"]", VG_OK);
    assert_int_equal(json_array_size(t.recs), 1);
    aqft_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_packages),        cmocka_unit_test(test_big_serial),
        cmocka_unit_test(test_old_packages),    cmocka_unit_test(test_package_shapes),
        cmocka_unit_test(test_damaged_files),   cmocka_unit_test(test_empty_files),
        cmocka_unit_test(test_hostile_json),    cmocka_unit_test(test_callback_error),
        cmocka_unit_test(test_processes),       cmocka_unit_test(test_files),
        cmocka_unit_test(test_files_bad_times), cmocka_unit_test(test_files_lines),
        cmocka_unit_test(test_root_binaries),   cmocka_unit_test(test_mounts_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
