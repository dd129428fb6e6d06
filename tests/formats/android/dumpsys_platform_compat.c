/*
 * Tests for src/lib/formats/android/dumpsys_platform_compat.c. The
 * expected records are what MVT 2026.7.29's
 * DumpsysPlatformCompatArtifact.parse gives on the same text.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "dumpsys_test.h"

/* Each name of the DOWNSCALED change's rawOverrides; "{}" gives one empty
 * name and a cut list runs to the end of its line, as in MVT. */
static void test_overrides(void **state)
{
    struct dt_run r;
    (void)state;

    dt_whole(
        &r, VG_DUMPSYS_PLATFORM_COMPAT,
        DT_TEXT(
            "ChangeId(180326845; name=OVERRIDE_MIN_ASPECT_RATIO_MEDIUM; disabled; overridable)\n"
            "ChangeId(168419799; name=DOWNSCALED; disabled; packageOverrides={x=false}; "
            "rawOverrides={org.tor=false, org.a19 = true,b}; overridable)\n"
            "ChangeId(168419799; name=DOWNSCALED;rawOverrides={}; \n"
            "ChangeId(168419799; name=DOWNSCALED; rawOverrides={cut=false, cu\n"
            " ChangeId(168419799; name=DOWNSCALED; rawOverrides={indented=1};\n"
            "ChangeId(168419799; name=DOWNSCALE_65; rawOverrides={other=1};\n"
            "ChangeId(168419799; name=DOWNSCALED; no overrides\n"
            "\n"
            "ChangeId(168419799; name=DOWNSCALED; rawOverrides={after.blank=1};\n"));
    assert_int_equal(r.rc, VG_OK);
    dt_expect(&r, "[{\"package_name\":\"org.tor\"},{\"package_name\":\"org.a19\"},{\"package_na"
                  "me\":\"\"},{\"package_name\":\"cut\"},{\"package_name\":\"cu\"},{\"package_n"
                  "ame\":\"after.blank\"}]");
    assert_int_equal(dt_warnings(&r), 0);
    dt_free(&r);
}

static void test_giant_line(void **state)
{
    struct dt_run r;
    (void)state;

    dt_giant(&r, VG_DUMPSYS_PLATFORM_COMPAT, "",
             "ChangeId(168419799; name=DOWNSCALED; rawOverrides={a=1, ", ',', "};\n",
             "ChangeId(168419799; name=DOWNSCALED; rawOverrides={b=1};\n");
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(r.records, 0), "package_name")), "a");
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(r.records, json_array_size(r.records) - 1),
                                          "package_name")),
        "b");
    dt_free(&r);
}

/* MVT's test_parsing on android_data/dumpsys_platform_compat.txt. */
static void test_sample(void **state)
{
    struct dt_run r;
    (void)state;

    if (!dt_sample(&r, VG_DUMPSYS_PLATFORM_COMPAT, "dumpsys_platform_compat.txt")) {
        skip();
        return;
    }
    dt_expect(&r, "[{\"package_name\":\"org.torproject.torbrowser\"},"
                  "{\"package_name\":\"org.article19.circulo.next\"}]");
    dt_free(&r);
}

/* The bugreport's records equal MVT's dumpsys_platform_compat.json. */
static void test_conformance(void **state)
{
    (void)state;
    dt_conform(VG_DUMPSYS_PLATFORM_COMPAT, "dumpsys_platform_compat.json");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_overrides),
        cmocka_unit_test(test_giant_line),
        cmocka_unit_test(test_sample),
        cmocka_unit_test(test_conformance),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
