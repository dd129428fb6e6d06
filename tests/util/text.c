/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include "util/vg.h"
#include "util/text.h"

static void test_lines(void **state)
{
    static const char t[] = "one\r\ntwo\n\nlast";
    struct vg_lines l;
    struct vg_str s;
    (void)state;

    vg_lines_init(&l, t, sizeof(t) - 1, 0);
    assert_true(vg_lines_next(&l, &s));
    assert_true(vg_str_eq(s, "one"));
    assert_true(vg_lines_next(&l, &s));
    assert_true(vg_str_eq(s, "two"));
    assert_true(vg_lines_next(&l, &s));
    assert_int_equal(s.n, 0);
    assert_true(vg_lines_next(&l, &s));
    assert_true(vg_str_eq(s, "last"));
    assert_int_equal(l.lineno, 4);
    assert_false(vg_lines_next(&l, &s));
}

static void test_long_line_is_cut(void **state)
{
    static const char t[] = "abcdefghij\nk";
    struct vg_lines l;
    struct vg_str s;
    (void)state;

    vg_lines_init(&l, t, sizeof(t) - 1, 4);
    assert_true(vg_lines_next(&l, &s));
    assert_true(vg_str_eq(s, "abcd"));
    assert_int_equal(l.cut, 1);
    assert_true(vg_lines_next(&l, &s));
    assert_true(vg_str_eq(s, "k"));
    assert_false(vg_lines_next(&l, &s));
}

static void test_empty_and_null(void **state)
{
    struct vg_lines l;
    struct vg_str s;
    (void)state;
    vg_lines_init(&l, NULL, 10, 0);
    assert_false(vg_lines_next(&l, &s));
    s = vg_str_of(NULL);
    assert_int_equal(s.n, 0);
}

static void test_getprop_shape(void **state)
{
    struct vg_str s = vg_str_of("[ro.build.version.sdk]: [33]"), k, v;
    uint64_t n;
    (void)state;

    assert_true(vg_str_bracketed(&s, '[', ']', &k));
    assert_true(vg_str_eq(k, "ro.build.version.sdk"));
    assert_true(vg_str_eat_char(&s, ':'));
    vg_str_skip_ws(&s);
    assert_true(vg_str_bracketed(&s, '[', ']', &v));
    assert_true(vg_str_to_u64(v, &n));
    assert_int_equal(n, 33);
    assert_int_equal(s.n, 0);
}

static void test_failures_leave_slice(void **state)
{
    struct vg_str s = vg_str_of("[open"), k;
    uint64_t u;
    int64_t i;
    (void)state;

    assert_false(vg_str_bracketed(&s, '[', ']', &k));
    assert_true(vg_str_eq(s, "[open"));
    assert_false(vg_str_u64(&s, &u));
    s = vg_str_of("99999999999999999999");
    assert_false(vg_str_u64(&s, &u));
    assert_int_equal(s.n, 20);
    s = vg_str_of("-9223372036854775808");
    assert_true(vg_str_i64(&s, &i));
    assert_true(i == INT64_MIN);
    s = vg_str_of("9223372036854775808");
    assert_false(vg_str_i64(&s, &i));
}

static void test_words_and_find(void **state)
{
    struct vg_str s = vg_str_of("  root   1234  0x1f  /system/bin/init "), w;
    uint64_t h;
    (void)state;

    assert_true(vg_str_word(&s, &w));
    assert_true(vg_str_eq(w, "root"));
    assert_true(vg_str_word(&s, &w));
    assert_true(vg_str_eq(w, "1234"));
    assert_true(vg_str_word(&s, &w));
    assert_true(vg_str_hex64(&w, &h));
    assert_int_equal(h, 0x1f);
    assert_true(vg_str_word(&s, &w));
    assert_true(vg_str_eq(w, "/system/bin/init"));
    assert_false(vg_str_word(&s, &w));
    assert_int_equal(vg_str_find_str(vg_str_of("DUMP OF SERVICE x"), "SERVICE"), 8);
    assert_int_equal(vg_str_find_str(vg_str_of("abc"), "abcd"), -1);
    assert_true(vg_str_eq(vg_str_trim(vg_str_of(" \tx y \r")), "x y"));
}

/* Python's str.strip(chars) and rstrip(chars), as MVT cuts values. */
static void test_strip_set(void **state)
{
    struct vg_str s;
    (void)state;

    s = vg_str_strip_set(vg_str_of(" \v'arm64'\f\n"), VG_PY_SPACE);
    assert_true(vg_str_eq(s, "'arm64'"));
    assert_true(vg_str_eq(vg_str_strip_set(s, "'"), "arm64"));
    assert_true(vg_str_eq(vg_str_strip_set(vg_str_of("''''"), "'"), ""));
    assert_true(vg_str_eq(vg_str_rstrip_set(vg_str_of("/bin/sh <<< "), " <"), "/bin/sh"));
    assert_true(vg_str_eq(vg_str_rstrip_set(vg_str_of("  40ss"), "s"), "  40"));
    s.p = "a\0";
    s.n = 2; /* a NUL is never in the set */
    assert_int_equal(vg_str_strip_set(s, VG_PY_SPACE).n, 2);
    assert_int_equal(vg_str_strip_set(vg_str_of(""), VG_PY_SPACE).n, 0);
}

static void test_until(void **state)
{
    struct vg_str s = vg_str_of("key=value=more"), k;
    char buf[4];
    (void)state;

    assert_true(vg_str_until(&s, '=', &k));
    assert_true(vg_str_eq(k, "key"));
    assert_true(vg_str_eq(s, "value=more"));
    assert_true(vg_str_until_str(&s, "=m", &k));
    assert_true(vg_str_eq(k, "value"));
    assert_true(vg_str_eq(s, "ore"));
    assert_false(vg_str_copy(vg_str_of("long"), buf, sizeof(buf)));
    assert_true(vg_str_copy(vg_str_of("abc"), buf, sizeof(buf)));
    assert_string_equal(buf, "abc");
}

static void test_strip_and_fields(void **state)
{
    struct vg_str s = vg_str_of("\v root\x1f 12\f[kthreadd] \r\n"), f;
    (void)state;

    assert_true(vg_str_eq(vg_str_strip(s), "root\x1f 12\f[kthreadd]"));
    assert_true(vg_str_eq(vg_str_rstrip(vg_str_of(" a ]\t\n")), " a ]"));
    assert_int_equal(vg_str_strip(vg_str_of(" \t\x1c")).n, 0);
    assert_true(vg_str_field(&s, &f));
    assert_true(vg_str_eq(f, "root"));
    assert_true(vg_str_field(&s, &f));
    assert_true(vg_str_eq(f, "12"));
    assert_true(vg_str_field(&s, &f));
    assert_true(vg_str_eq(f, "[kthreadd]"));
    assert_false(vg_str_field(&s, &f));
    assert_int_equal(s.n, 3);
    s = vg_str_of("");
    assert_false(vg_str_field(&s, &f));
    /* bytes above 0x7F are not white space (UTF-8 of U+00A0 stays in) */
    s = vg_str_of("a\xc2\xa0"
                  "b c");
    assert_true(vg_str_field(&s, &f));
    assert_int_equal(f.n, 4);
}

static void test_rfind(void **state)
{
    (void)state;
    assert_int_equal(vg_str_rfind(vg_str_of("/usr/sbin/x"), '/'), 9);
    assert_int_equal(vg_str_rfind(vg_str_of("abc"), '/'), -1);
    assert_int_equal(vg_str_rfind(vg_str_of(""), '/'), -1);
}

static void test_decimal(void **state)
{
    struct vg_str s = vg_str_of("1.26s, these");
    char many[VG_MAX_DECIMAL_DIGITS + 2];
    double d = 0;
    (void)state;

    assert_true(vg_str_decimal(&s, &d));
    assert_true(d == 1.26); /* the same double as the C literal: correctly rounded */
    assert_true(vg_str_eq(s, "s, these"));
    s = vg_str_of("0.1");
    assert_true(vg_str_decimal(&s, &d));
    assert_true(d == 0.1);
    s = vg_str_of("42");
    assert_true(vg_str_decimal(&s, &d));
    assert_true(d == 42.0);
    assert_int_equal(s.n, 0);
    /* the sum MVT computes for two delays is the sum of these doubles */
    s = vg_str_of("1.77");
    assert_true(vg_str_decimal(&s, &d));
    assert_true(1.26 + d == 1.26 + 1.77);
    /* not numbers: the slice is left as it was */
    s = vg_str_of(".5");
    assert_false(vg_str_decimal(&s, &d));
    assert_int_equal(s.n, 2);
    s = vg_str_of("1.s");
    assert_false(vg_str_decimal(&s, &d));
    s = vg_str_of("-1");
    assert_false(vg_str_decimal(&s, &d));
    memset(many, '9', sizeof(many) - 1);
    many[sizeof(many) - 1] = '\0';
    s = vg_str_of(many);
    assert_false(vg_str_decimal(&s, &d));
    many[VG_MAX_DECIMAL_DIGITS] = '\0';
    s = vg_str_of(many);
    assert_true(vg_str_decimal(&s, &d));
    assert_true(d > 9.9e39);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lines),
        cmocka_unit_test(test_long_line_is_cut),
        cmocka_unit_test(test_empty_and_null),
        cmocka_unit_test(test_getprop_shape),
        cmocka_unit_test(test_failures_leave_slice),
        cmocka_unit_test(test_words_and_find),
        cmocka_unit_test(test_strip_set),
        cmocka_unit_test(test_until),
        cmocka_unit_test(test_strip_and_fields),
        cmocka_unit_test(test_rfind),
        cmocka_unit_test(test_decimal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
