/*
 * getprop text (src/lib/formats/android/getprop.c): MVT's records on
 * ordinary lines, and the lines MVT gets wrong or loses (empty values,
 * values holding "]" or line breaks), damaged and hostile text.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "aqft.h"

#include "formats/android/getprop.h"

static void parse(struct aqft *t, const char *text, size_t len)
{
    aqft_init(t, "getprop.txt");
    assert_int_equal(vg_getprop_parse(text, len, &t->sink), VG_OK);
}

#define PARSE(t, lit) parse((t), (lit), sizeof(lit) - 1)

static void test_lines(void **state)
{
    struct aqft t;
    (void)state;

    PARSE(&t, "[dalvik.vm.appimageformat]: [lz4]\n"
              "  [ro.build.version.sdk]: [33]  \r\n"
              "\n"
              "[persist.sys.timezone]: [Europe/Paris]");
    aqft_expect(&t, "[{\"name\":\"dalvik.vm.appimageformat\",\"value\":\"lz4\"},"
                    "{\"name\":\"ro.build.version.sdk\",\"value\":\"33\"},"
                    "{\"name\":\"persist.sys.timezone\",\"value\":\"Europe/Paris\"}]");
    assert_int_equal(aqft_warnings(&t), 0);
    aqft_free(&t);
}

/* MVT drops [x]: [] and cuts a value at its first "]": both are kept. */
static void test_empty_and_bracket_values(void **state)
{
    struct aqft t;
    (void)state;

    PARSE(&t, "[ro.boot.avb_version]: []\n[x.list]: [[a], [b]]\n[y]: [a]: [b]\n");
    aqft_expect(&t, "[{\"name\":\"ro.boot.avb_version\",\"value\":\"\"},"
                    "{\"name\":\"x.list\",\"value\":\"[a], [b]\"},"
                    "{\"name\":\"y\",\"value\":\"a]: [b\"}]");
    assert_int_equal(aqft_warnings(&t), 0);
    aqft_free(&t);
}

static void test_multi_line_value(void **state)
{
    struct aqft t;
    (void)state;

    PARSE(&t, "[a]: [1]\n[motd]: [first line  \r\n  second\n\nlast]\n[b]: [2]\n");
    aqft_expect(&t, "[{\"name\":\"a\",\"value\":\"1\"},"
                    "{\"name\":\"motd\",\"value\":\"first line  \\n  second\\n\\nlast\"},"
                    "{\"name\":\"b\",\"value\":\"2\"}]");
    assert_int_equal(aqft_warnings(&t), 0);
    aqft_free(&t);
}

/* An unclosed value ends where the next property starts, or at the end. */
static void test_unclosed_value(void **state)
{
    struct aqft t;
    (void)state;

    PARSE(&t, "[a]: [open\nmore\n[b]: [2]\n[c]: [to the end\n");
    aqft_expect(&t, "[{\"name\":\"a\",\"value\":\"open\\nmore\"},"
                    "{\"name\":\"b\",\"value\":\"2\"},"
                    "{\"name\":\"c\",\"value\":\"to the end\"}]");
    assert_int_equal(aqft_warnings(&t), 2);
    assert_true(aqft_said(&t, "line 1: the value of a has no closing ]"));
    assert_true(aqft_said(&t, "line 4: the value of c has no closing ] at the end of the file"));
    aqft_free(&t);
}

/* Near misses are no property, counted in one warning. */
static void test_not_properties(void **state)
{
    struct aqft t;
    (void)state;

    PARSE(&t, "garbage\n[]: [x]\n[a] [b]\n[a]:[b]\n[ok]: [1]\nx [y]: [z]\n");
    aqft_expect(&t, "[{\"name\":\"ok\",\"value\":\"1\"}]");
    assert_int_equal(aqft_warnings(&t), 1);
    assert_true(
        aqft_said(&t, "5 lines are not \"[name]: [value]\" properties (the first: line 1)"));
    aqft_free(&t);
}

static void test_empty_input(void **state)
{
    struct aqft t;
    (void)state;

    PARSE(&t, "");
    aqft_expect(&t, "[]");
    aqft_free(&t);
    aqft_init(&t, "getprop.txt");
    assert_int_equal(vg_getprop_parse(NULL, 10, &t.sink), VG_OK);
    aqft_expect(&t, "[]");
    assert_int_equal(aqft_warnings(&t), 0);
    aqft_free(&t);
}

static void test_bad_utf8(void **state)
{
    struct aqft t;
    (void)state;

    PARSE(&t, "[ro.product.model]: [Pix\xffl]\n");
    aqft_expect(&t, "[{\"name\":\"ro.product.model\",\"value\":\"Pix\\ufffdl\"}]");
    assert_true(aqft_said(&t, "not valid UTF-8"));
    aqft_free(&t);
}

/* A line longer than VG_MAX_TEXT_LINE is cut: its value loses its "]". */
static void test_giant_line(void **state)
{
    size_t n = VG_MAX_TEXT_LINE + 100, i;
    char *big = malloc(n + 16);
    struct aqft t;
    (void)state;

    assert_non_null(big);
    memcpy(big, "[big]: [", 8);
    for (i = 8; i < n; i++)
        big[i] = 'x';
    memcpy(big + n, "]\n[b]: [2]\n", 11);
    parse(&t, big, n + 11);
    assert_int_equal(json_array_size(t.recs), 2);
    assert_int_equal(json_string_length(json_object_get(json_array_get(t.recs, 0), "value")),
                     VG_MAX_TEXT_LINE - 8);
    assert_true(aqft_said(&t, "1 lines longer than"));
    assert_true(aqft_said(&t, "the value of big has no closing ]"));
    aqft_free(&t);
    free(big);
}

/* A value that never closes stops at VG_MAX_GETPROP_LINES lines. */
static void test_endless_value(void **state)
{
    size_t i, n = 0;
    char *text = malloc(8 + 2 * (VG_MAX_GETPROP_LINES + 10));
    struct aqft t;
    (void)state;

    assert_non_null(text);
    memcpy(text, "[a]: [x\n", 8);
    n = 8;
    for (i = 0; i < VG_MAX_GETPROP_LINES + 10; i++) {
        text[n++] = 'y';
        text[n++] = '\n';
    }
    parse(&t, text, n);
    /* the cut value, then the lines after it are no properties */
    assert_int_equal(json_array_size(t.recs), 1);
    assert_true(aqft_said(&t, "has too many lines: cut"));
    assert_true(aqft_said(&t, "lines are not"));
    aqft_free(&t);
    free(text);
}

static void test_callback_error_stops(void **state)
{
    struct aqft t;
    (void)state;

    aqft_init(&t, "getprop.txt");
    t.fail_after = 1;
    assert_int_equal(vg_getprop_parse("[a]: [1]\n[b]: [2]\n[c]: [3]\n", 27, &t.sink), VG_E_IO);
    assert_int_equal(json_array_size(t.recs), 1);
    aqft_free(&t);
}

/* Warnings beyond VG_MAX_AQF_WARNINGS are counted in one line. */
static void test_warning_cap(void **state)
{
    struct aqft t;
    size_t i;
    (void)state;

    aqft_init(&t, "getprop.txt");
    for (i = 0; i < VG_MAX_AQF_WARNINGS + 5; i++)
        vg_aqf_warn(&t.sink, "w%zu", i);
    vg_aqf_warn_done(&t.sink);
    assert_int_equal(aqft_warnings(&t), VG_MAX_AQF_WARNINGS + 1);
    assert_true(aqft_said(&t, "5 more problems of this file not listed"));
    aqft_free(&t);
}

static void test_patch_level(void **state)
{
    /* 2024-01-05 00:00:00 and 186 days later */
    const int64_t jan5 = 1704412800, later = jan5 + 186 * 86400;
    int stale = -1;
    (void)state;

    assert_int_equal(vg_getprop_patch_stale("2024-01-05", later, &stale), VG_OK);
    assert_int_equal(stale, 0);
    assert_int_equal(vg_getprop_patch_stale("2024-01-05", later + 1, &stale), VG_OK);
    assert_int_equal(stale, 1);
    assert_int_equal(vg_getprop_patch_stale("2024-1-5", later + 1, &stale), VG_OK);
    assert_int_equal(stale, 1);
    assert_int_equal(vg_getprop_patch_stale("2024-01- 5", later, &stale), VG_OK);
    assert_int_equal(vg_getprop_patch_stale("2024-02-29", jan5, &stale), VG_OK);
    assert_int_equal(stale, 0);
    assert_int_equal(vg_getprop_patch_stale("2023-02-29", jan5, &stale), VG_E_INVAL);
    assert_int_equal(vg_getprop_patch_stale("2024-13-01", jan5, &stale), VG_E_INVAL);
    assert_int_equal(vg_getprop_patch_stale("2024-00-10", jan5, &stale), VG_E_INVAL);
    assert_int_equal(vg_getprop_patch_stale("2024-04-31", jan5, &stale), VG_E_INVAL);
    assert_int_equal(vg_getprop_patch_stale("2024-01-32", jan5, &stale), VG_E_INVAL);
    assert_int_equal(vg_getprop_patch_stale("2024-01-05 ", jan5, &stale), VG_E_INVAL);
    assert_int_equal(vg_getprop_patch_stale(" 2024-01-05", jan5, &stale), VG_E_INVAL);
    assert_int_equal(vg_getprop_patch_stale("24-01-05", jan5, &stale), VG_E_INVAL);
    assert_int_equal(vg_getprop_patch_stale("0000-01-05", jan5, &stale), VG_E_INVAL);
    assert_int_equal(vg_getprop_patch_stale("", jan5, &stale), VG_E_INVAL);
    assert_int_equal(vg_getprop_patch_stale(NULL, jan5, &stale), VG_E_INVAL);
    /* a "now" far in the past or future does not overflow */
    assert_int_equal(vg_getprop_patch_stale("9999-12-31", INT64_MIN, &stale), VG_OK);
    assert_int_equal(stale, 0);
    assert_int_equal(vg_getprop_patch_stale("1970-01-01", INT64_MAX, &stale), VG_OK);
    assert_int_equal(stale, 1);
}

static void test_interesting(void **state)
{
    (void)state;
    assert_true(vg_getprop_interesting("ro.build.version.security_patch"));
    assert_true(vg_getprop_interesting("persist.sys.timezone"));
    assert_false(vg_getprop_interesting("ro.build.version"));
    assert_false(vg_getprop_interesting(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lines),
        cmocka_unit_test(test_empty_and_bracket_values),
        cmocka_unit_test(test_multi_line_value),
        cmocka_unit_test(test_unclosed_value),
        cmocka_unit_test(test_not_properties),
        cmocka_unit_test(test_empty_input),
        cmocka_unit_test(test_bad_utf8),
        cmocka_unit_test(test_giant_line),
        cmocka_unit_test(test_endless_value),
        cmocka_unit_test(test_callback_error_stops),
        cmocka_unit_test(test_warning_cap),
        cmocka_unit_test(test_patch_level),
        cmocka_unit_test(test_interesting),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
