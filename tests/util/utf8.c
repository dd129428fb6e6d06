/*
 * UTF-8 decoding, validation, encoding and repair (src/lib/util/utf8.c).
 * The repairs are what Python's bytes.decode("utf-8", "replace") gives.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include "util/vg.h"
#include "util/utf8.h"

static void test_utf8_next(void **state)
{
    uint32_t cp;
    (void)state;
    assert_int_equal(vg_utf8_next((const unsigned char *)"A", 1, &cp), 1);
    assert_int_equal(cp, 'A');
    assert_int_equal(vg_utf8_next((const unsigned char *)"\xF0\x9F\x98\x80", 4, &cp), 4);
    assert_int_equal(cp, 0x1F600);
    assert_int_equal(vg_utf8_next((const unsigned char *)"\xEF\xBF\xBD", 3, &cp), 3);
    assert_int_equal(cp, 0xFFFD); /* a real U+FFFD is valid */
    /* a cut sequence is one bad unit over its valid start */
    assert_int_equal(vg_utf8_next((const unsigned char *)"\xF0\x9F\x98", 3, &cp), 3);
    assert_int_equal(cp, VG_UTF8_BAD);
    assert_int_equal(vg_utf8_next((const unsigned char *)"\xE2\x82x", 3, &cp), 2);
    assert_int_equal(cp, VG_UTF8_BAD);
    /* overlong, surrogate, past U+10FFFF: the lead byte alone */
    assert_int_equal(vg_utf8_next((const unsigned char *)"\xE0\x80\x80", 3, &cp), 1);
    assert_int_equal(cp, VG_UTF8_BAD);
    assert_int_equal(vg_utf8_next((const unsigned char *)"\xED\xA0\x80", 3, &cp), 1);
    assert_int_equal(vg_utf8_next((const unsigned char *)"\xF4\x90\x80\x80", 4, &cp), 1);
    assert_int_equal(vg_utf8_next((const unsigned char *)"\x80", 1, &cp), 1);
    assert_int_equal(cp, VG_UTF8_BAD);
}

static void test_valid(void **state)
{
    (void)state;
    assert_true(vg_utf8_valid("", 0));
    assert_true(vg_utf8_valid("caf\xC3\xA9 \xF0\x9F\x98\x80", 10));
    assert_true(vg_utf8_valid("a\0b", 3)); /* NUL is UTF-8 */
    assert_false(vg_utf8_valid("\xC3", 1));
    assert_false(vg_utf8_valid("\xED\xA0\x80", 3));
    assert_false(vg_utf8_valid("ok\xFF", 3));
}

static void assert_repair(const char *in, size_t n, const char *want)
{
    struct vg_buf b;

    vg_buf_init(&b, 3 * n + 1);
    assert_int_equal(vg_utf8_repair(&b, in, n), VG_OK);
    assert_non_null(b.data);
    assert_int_equal(b.len, strlen(want));
    assert_memory_equal(b.data, want, b.len);
    vg_buf_free(&b);
}

/* b"...".decode("utf-8", "replace") in CPython 3.11. */
static void test_repair(void **state)
{
    (void)state;
    assert_repair("", 0, "");
    assert_repair("plain", 5, "plain");
    assert_repair("a\xFF"
                  "b",
                  3,
                  "a\xEF\xBF\xBD"
                  "b");
    /* b"\xe2\x82x": one replacement for the cut sequence */
    assert_repair("\xE2\x82x", 3, "\xEF\xBF\xBDx");
    /* b"\xe0\x80\x80": the lead and each stray continuation byte */
    assert_repair("\xE0\x80\x80", 3, "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
    assert_repair("\xF0\x9F\x98", 3, "\xEF\xBF\xBD");
    assert_repair("\xEF\xBF\xBD", 3, "\xEF\xBF\xBD");
}

static void test_repair_cap(void **state)
{
    struct vg_buf b;
    (void)state;
    vg_buf_init(&b, 4);
    assert_int_equal(vg_utf8_repair(&b, "\xFF\xFF", 2), VG_E_LIMIT);
    vg_buf_free(&b);
}

static void test_put(void **state)
{
    static const struct {
        uint32_t cp;
        const char *utf8;
    } cases[] = {
        {0x41, "A"},
        {0xE9, "\xC3\xA9"},
        {0x20AC, "\xE2\x82\xAC"},
        {0x1F600, "\xF0\x9F\x98\x80"},
        {0x10FFFF, "\xF4\x8F\xBF\xBF"},
        {0xD800, "\xEF\xBF\xBD"},
        {0x110000, "\xEF\xBF\xBD"},
    };
    struct vg_buf b;
    size_t i;
    (void)state;

    vg_buf_init(&b, 64);
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        vg_buf_reset(&b);
        assert_int_equal(vg_utf8_put(&b, cases[i].cp), VG_OK);
        assert_string_equal(b.data, cases[i].utf8);
    }
    vg_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8_next), cmocka_unit_test(test_valid),
        cmocka_unit_test(test_repair),    cmocka_unit_test(test_repair_cap),
        cmocka_unit_test(test_put),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
