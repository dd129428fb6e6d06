/*
 * Tests for src/lib/formats/android/dumpsys_appops.c. The expected records
 * are what MVT 2026.7.29's DumpsysAppopsArtifact.parse gives on the same
 * text (inputs on which MVT raises say what vigie does instead).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "dumpsys_test.h"

static void test_packages_and_entries(void **state)
{
    static const char t[] = "Current AppOps Service state:\n"
                            "  Uid 0:\n"
                            "    state=cch\n"
                            "    Package com.android.phone:\n"
                            "      MANAGE_IPSEC_TUNNELS (allow):\n"
                            "  Uid u0a104:\n"
                            "    state=cch\n"
                            "      COARSE_LOCATION: mode=ignore\n"
                            "    Package org.mozilla.firefox:\n"
                            "      REQUEST_INSTALL_PACKAGES (allow):\n"
                            "          Access: [fg-s] 2021-05-19 22:02:49.186 (-314d1h25m4s901ms)\n"
                            "          Reject: [bg-s]2022-03-10 19:35:06.426 (-19d2h52m47s661ms)\n"
                            "          Rejected: [x] 2022-03-10 19:35:06.426 (-1s)\n"
                            "      WAKE_LOCK (allow):\n"
                            "\n"
                            "  Uid u0a105:\n"
                            "    Package never.read:\n";
    struct dt_run r;
    (void)state;

    dt_whole(&r, VG_DUMPSYS_APPOPS, DT_TEXT(t));
    assert_int_equal(r.rc, VG_OK);
    dt_expect(&r, "[{\"package_name\":\"com.android.phone\",\"permissions\":[{\"name\":"
                  "\"MANAGE_IPSEC_TUNNELS\",\"entries\":[],\"access\":\"allow\"}],\"uid\":\"0\"},"
                  "{\"package_name\":\"org.mozilla.firefox\",\"permissions\":[{\"name\":"
                  "\"REQUEST_INSTALL_PACKAGES\",\"entries\":[{\"access\":\"Access\",\"type\":"
                  "\"fg-s\",\"timestamp\":\"2021-05-19 22:02:49.186000\"},{\"access\":\"Reject\","
                  "\"type\":\"bg-s\",\"timestamp\":\"2022-03-10 19:35:06.426000\"}],\"access\":"
                  "\"allow\"},{\"name\":\"WAKE_LOCK\",\"entries\":[],\"access\":\"allow\"}],"
                  "\"uid\":\"u0a104\"}]");
    assert_int_equal(dt_warnings(&r), 0);
    dt_free(&r);
}

/* Nothing before "  Uid 0:" counts. */
static void test_no_uid_zero(void **state)
{
    struct dt_run r;
    (void)state;

    dt_whole(&r, VG_DUMPSYS_APPOPS, DT_TEXT("  Uid 1000:\n    Package a.b:\n      X (allow):\n"));
    assert_int_equal(r.rc, VG_OK);
    dt_expect(&r, "[]");
    dt_free(&r);
}

/* Python's strptime("%Y-%m-%d %H:%M:%S.%f"): one-digit fields, " 5" days
 * and any blank run are taken; impossible dates, leap seconds and more
 * than six fraction digits leave the entry without a timestamp. */
static void test_timestamps(void **state)
{
    static const char t[] = "  Uid 0:\n"
                            "    Package p:\n"
                            "      OP (deny):\n"
                            "          Access: [a] 2022-3-5  1:2:3.4 (x)\n"
                            "          Access: [b] 2022-02-29 10:00:00.1 (x)\n"
                            "          Access: [c] 2024-02-29 23:59:59.1234567 (x)\n"
                            "          Access: [d] 2024-02-29 23:59:60.1 (x)\n"
                            "          Access: [e] 0999-01-01 00:00:00.000001 (x)\n"
                            "          Access: no brackets 2024-01-01 00:00:00.5\n"
                            "          Reject: [f] 2022-03- 5 10:00:00.1 (x)\n";
    struct dt_run r;
    (void)state;

    dt_whole(&r, VG_DUMPSYS_APPOPS, DT_TEXT(t));
    assert_int_equal(r.rc, VG_OK);
    dt_expect(&r, "[{\"package_name\":\"p\",\"permissions\":[{\"name\":\"OP\",\"entries\":["
                  "{\"access\":\"Access\",\"type\":\"a\",\"timestamp\":\"2022-03-05 "
                  "01:02:03.400000\"},{\"access\":\"Access\",\"type\":\"b\"},{\"access\":"
                  "\"Access\",\"type\":\"c\"},{\"access\":\"Access\",\"type\":\"d\"},{\"access\":"
                  "\"Access\",\"type\":\"e\",\"timestamp\":\"999-01-01 00:00:00.000001\"},"
                  "{\"access\":\"Access\",\"type\":\"          Access: no brackets 2024-01-01 "
                  "00:00:00.\"},{\"access\":\"Reject\",\"type\":\"f\",\"timestamp\":"
                  "\"2022-03-05 10:00:00.100000\"}],\"access\":\"deny\"}],\"uid\":\"0\"}]");
    dt_free(&r);
}

/* Operation lines as MVT slices them: no mode, a cut mode, a mode=... */
static void test_operation_shapes(void **state)
{
    static const char t[] = "  Uid 0:\n"
                            "    Package p:\n"
                            "      ONLYNAME\n"
                            "      A (x\n"
                            "      B mode=ignore extra\n"
                            "    Package q:\n";
    struct dt_run r;
    (void)state;

    dt_whole(&r, VG_DUMPSYS_APPOPS, DT_TEXT(t));
    dt_expect(&r,
              "[{\"package_name\":\"p\",\"permissions\":[{\"name\":\"ONLYNAME\",\"entries\":[]},"
              "{\"name\":\"A\",\"entries\":[],\"access\":\"\"},{\"name\":\"B\",\"entries\":[],"
              "\"access\":\"ode=igno\"}],\"uid\":\"0\"},{\"package_name\":\"q\","
              "\"permissions\":[],\"uid\":\"0\"}]");
    dt_free(&r);
}

/* Lines MVT raises on are skipped with a warning; a section cut in the
 * middle of an entry keeps what was read. */
static void test_malformed(void **state)
{
    static const char before_op[] = "  Uid 0:\n"
                                    "    Package p:\n"
                                    "          Access: [fg] 2022-01-01 00:00:00.1 (x)\n"
                                    "      OP (allow):\n"
                                    "          Access: [fg] 2022-01-01 00:00:00.2 (x";
    static const char six[] =
        "  Uid 0:\n    Package p:\n      OP (allow):\n      \n    Package q:\n";
    static const char tab[] =
        "  Uid 0:\n    Package p:\n      OP (allow):\n      \t\n    Package q:\n";
    static const char one[] =
        "[{\"package_name\":\"p\",\"permissions\":[{\"name\":\"OP\",\"entries\":[],"
        "\"access\":\"allow\"}],\"uid\":\"0\"}]";
    struct dt_run r;
    (void)state;

    dt_whole(&r, VG_DUMPSYS_APPOPS, DT_TEXT(before_op));
    assert_int_equal(r.rc, VG_OK);
    dt_expect(&r, "[{\"package_name\":\"p\",\"permissions\":[{\"name\":\"OP\",\"entries\":[{"
                  "\"access\":\"Access\",\"type\":\"fg\",\"timestamp\":\"2022-01-01 "
                  "00:00:00.200000\"}],\"access\":\"allow\"}],\"uid\":\"0\"}]");
    assert_int_equal(dt_warnings(&r), 1);
    assert_true(dt_said(&r, "line 3: access entry outside any operation"));
    dt_free(&r);

    dt_whole(&r, VG_DUMPSYS_APPOPS, DT_TEXT(six));
    dt_expect(&r, one);
    assert_true(dt_said(&r, "line 4: line of six spaces"));
    dt_free(&r);

    dt_whole(&r, VG_DUMPSYS_APPOPS, DT_TEXT(tab));
    dt_expect(&r, one);
    assert_true(dt_said(&r, "blank operation line"));
    dt_free(&r);
}

/* Text that is not UTF-8 is repaired (errors="replace"); slices count
 * characters, not bytes. */
static void test_utf8(void **state)
{
    static const char t[] = "  Uid 0:\n"
                            "    Package caf\xc3\xa9.\xff:\n"
                            "      \xc3\xa9OP (\xc3\xa9ok):\n"
                            "          Access: [\xc3\xa9] 2022-01-01 00:00:00.1 (\xc3\xa9\n";
    struct dt_run r;
    (void)state;

    dt_whole(&r, VG_DUMPSYS_APPOPS, DT_TEXT(t));
    dt_expect(&r, "[{\"package_name\":\"caf\\u00e9.\\ufffd\",\"permissions\":[{\"name\":"
                  "\"\\u00e9OP\",\"entries\":[{\"access\":\"Access\",\"type\":\"\\u00e9\","
                  "\"timestamp\":\"2022-01-01 00:00:00.100000\"}],\"access\":\"\\u00e9ok\"}],"
                  "\"uid\":\"0\"}]");
    dt_free(&r);
}

static void test_giant_line(void **state)
{
    struct dt_run r;
    json_t *perms;
    (void)state;

    dt_giant(&r, VG_DUMPSYS_APPOPS, "  Uid 0:\n    Package p:\n", "      OP", 'x', " (allow):\n",
             "      NEXT (deny):\n");
    assert_int_equal(json_array_size(r.records), 1);
    perms = json_object_get(json_array_get(r.records, 0), "permissions");
    assert_int_equal(json_array_size(perms), 2);
    assert_int_equal(json_string_length(json_object_get(json_array_get(perms, 0), "name")),
                     VG_MAX_TEXT_LINE - 6);
    dt_free(&r);
}

/* The callback's error stops the parse at once. */
static void test_callback_error(void **state)
{
    struct dt_run r;
    struct vg_dumpsys_section sec;
    static const char t[] = "  Uid 0:\n    Package a:\n    Package b:\n    Package c:\n";
    (void)state;

    dt_init(&r);
    r.stop_after = 2;
    vg_dumpsys_whole(DT_TEXT(t), VG_DUMPSYS_REPLACE, &sec);
    assert_int_equal(vg_dumpsys_appops(&sec, &r.sink), VG_E_INTERRUPTED);
    assert_int_equal(json_array_size(r.records), 2);
    dt_free(&r);
}

/* MVT's test_parsing on android_data/dumpsys_appops.txt. */
static void test_sample(void **state)
{
    struct dt_run r;
    json_t *pkg;
    (void)state;

    if (!dt_sample(&r, VG_DUMPSYS_APPOPS, "dumpsys_appops.txt")) {
        skip();
        return;
    }
    assert_int_equal(r.rc, VG_OK);
    assert_int_equal(json_array_size(r.records), 13);
    pkg = json_array_get(r.records, 0);
    assert_string_equal(json_string_value(json_object_get(pkg, "package_name")),
                        "com.android.phone");
    assert_string_equal(json_string_value(json_object_get(pkg, "uid")), "0");
    pkg = json_array_get(r.records, 6);
    assert_string_equal(json_string_value(json_object_get(pkg, "package_name")),
                        "com.sec.factory.camera");
    assert_int_equal(json_array_size(json_object_get(
                         json_array_get(json_object_get(pkg, "permissions"), 1), "entries")),
                     1);
    assert_int_equal(json_array_size(json_object_get(json_array_get(r.records, 11), "permissions")),
                     4);
    dt_free(&r);
}

/* The bugreport's records equal MVT's dumpsys_appops.json. */
static void test_conformance(void **state)
{
    (void)state;
    dt_conform(VG_DUMPSYS_APPOPS, "dumpsys_appops.json");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_packages_and_entries),
        cmocka_unit_test(test_no_uid_zero),
        cmocka_unit_test(test_timestamps),
        cmocka_unit_test(test_operation_shapes),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_utf8),
        cmocka_unit_test(test_giant_line),
        cmocka_unit_test(test_callback_error),
        cmocka_unit_test(test_sample),
        cmocka_unit_test(test_conformance),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
