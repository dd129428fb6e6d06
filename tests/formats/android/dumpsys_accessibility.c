/*
 * Tests for src/lib/formats/android/dumpsys_accessibility.c. The expected
 * records are what MVT 2026.7.29's DumpsysAccessibilityArtifact.parse gives
 * on the same text (inputs on which MVT raises say what vigie does).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "dumpsys_test.h"

static void run(const char *text, size_t len, const char *want)
{
    struct dt_run r;

    dt_whole(&r, VG_DUMPSYS_ACCESSIBILITY, text, len);
    assert_int_equal(r.rc, VG_OK);
    dt_expect(&r, want);
    assert_int_equal(dt_warnings(&r), 0);
    dt_free(&r);
}

/* Before Android 14: the text between the first two colons of each line
 * of "installed services: {" up to "}". */
static void test_installed_services(void **state)
{
    (void)state;
    run(DT_TEXT("  installed services: {\n"
                "    0 : com.android.settings/com.x.Y\n"
                "    1 : com.samsung.accessibility/.uss.Service : extra\n"
                "  }\n"
                "  enabled services: {\n"
                "    0 : should.not/.Count\n"
                "  }\n"),
        "[{\"package_name\":\"com.android.settings\",\"service\":\"com.android.settings/com.x.Y"
        "\"},{\"package_name\":\"com.samsung.accessibility\",\"service\":\"com.samsung.accessib"
        "ility/.uss.Service\"}]");
}

/* Android 14+: every {pkg/cls} of "Enabled services:" lines. */
static void test_enabled_services(void **state)
{
    (void)state;
    run(DT_TEXT("     Enabled services:{{com.azure.authenticator/com.microsoft.A}, "
                "{com.agilebits.onepassword/com.x.B}}\n"
                "     Disabled services:{{a/b}}\n"
                "Enabled services:{}\n"),
        "[{\"package_name\":\"com.azure.authenticator\",\"service\":\"com.microsoft.A\"},{\"pac"
        "kage_name\":\"com.agilebits.onepassword\",\"service\":\"com.x.B\"}]");
}

/* MVT's regex {([^{]+?)}: a '}' may be the first character, a '{' inside
 * starts over, no '/' gives an empty service. */
static void test_enabled_regex(void **state)
{
    (void)state;
    run(DT_TEXT("Enabled services:{{a/b}}{}}{c}{{d{e/f}x}{/g}{}\n"),
        "[{\"package_name\":\"a\",\"service\":\"b\"},{\"package_name\":\"}\",\"service\":\"\"},"
        "{\"package_name\":\"c\",\"service\":\"\"},{\"package_name\":\"e\",\"service\":\"f\"},{"
        "\"package_name\":\"\",\"service\":\"g\"}]");
}

/* Both layouts in one text: the old list first, then the new one. */
static void test_both_layouts(void **state)
{
    (void)state;
    run(DT_TEXT("installed services: {\n"
                "  0 : old.pkg/.S\n"
                "}\n"
                "  Enabled services:{{new.pkg/.T}}\n"),
        "[{\"package_name\":\"old.pkg\",\"service\":\"old.pkg/.S\"},{\"package_name\":\"new.pkg"
        "\",\"service\":\".T\"}]");
}

static void test_near_misses(void **state)
{
    (void)state;
    run(DT_TEXT("  installed services {\n"
                "    0 : not/.Listed\n"
                "  }\n"
                "  enabled services: {{a/b}}\n"
                "  Enabled  services:{{c/d}}\n"),
        "[]");
}

/* A list line without ':' (MVT: IndexError) is skipped with a warning; a
 * list cut before its "}" runs to the end. */
static void test_malformed(void **state)
{
    static const char t[] = "installed services: {\n"
                            "  0 : ok.pkg/.S\n"
                            "no colon here\n"
                            "  1 : two.pkg";
    struct dt_run r;
    (void)state;

    dt_whole(&r, VG_DUMPSYS_ACCESSIBILITY, DT_TEXT(t));
    assert_int_equal(r.rc, VG_OK);
    dt_expect(&r, "[{\"package_name\":\"ok.pkg\",\"service\":\"ok.pkg/.S\"},"
                  "{\"package_name\":\"two.pkg\",\"service\":\"two.pkg\"}]");
    assert_true(dt_said(&r, "line 3: installed service without ':'"));
    dt_free(&r);
}

static void test_giant_line(void **state)
{
    struct dt_run r;
    (void)state;

    dt_giant(&r, VG_DUMPSYS_ACCESSIBILITY, "", "Enabled services:{{a/b}, {", 'x', "}}\n",
             "Enabled services:{{c/d}}\n");
    /* the cut line keeps its first match; the next line is read */
    assert_int_equal(json_array_size(r.records), 2);
    dt_free(&r);
}

/* MVT's test_parsing and test_parsing_v14_aosp_format. */
static void test_samples(void **state)
{
    struct dt_run r;
    json_t *rec;
    (void)state;

    if (!dt_sample(&r, VG_DUMPSYS_ACCESSIBILITY, "dumpsys_accessibility.txt")) {
        skip();
        return;
    }
    assert_int_equal(json_array_size(r.records), 4);
    rec = json_array_get(r.records, 0);
    assert_string_equal(json_string_value(json_object_get(rec, "package_name")),
                        "com.android.settings");
    assert_string_equal(json_string_value(json_object_get(rec, "service")),
                        "com.android.settings/"
                        "com.samsung.android.settings.development.gpuwatch.GPUWatchInterceptor");
    dt_free(&r);

    assert_true(dt_sample(&r, VG_DUMPSYS_ACCESSIBILITY, "dumpsys_accessibility_v14_or_later.txt"));
    dt_expect(&r, "[{\"package_name\":\"com.malware.accessibility\","
                  "\"service\":\"com.malware.service.malwareservice\"}]");
    dt_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_installed_services), cmocka_unit_test(test_enabled_services),
        cmocka_unit_test(test_enabled_regex),      cmocka_unit_test(test_both_layouts),
        cmocka_unit_test(test_near_misses),        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_giant_line),         cmocka_unit_test(test_samples),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
