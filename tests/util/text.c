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
    assert_int_equal(vg_str_find_any(vg_str_of("ab}c{"), "{}"), 2);
    assert_int_equal(vg_str_find_any((struct vg_str){"a\0b", 3}, "b"), 2);
    assert_int_equal(vg_str_find_any(vg_str_of("abc"), "xy"), -1);
    assert_true(vg_str_eq(vg_str_sub(vg_str_of("abcdef"), 1, 3), "bc"));
    assert_true(vg_str_eq(vg_str_sub(vg_str_of("abc"), 2, 99), "c"));
    assert_true(vg_str_eq(vg_str_sub(vg_str_of("abc"), 5, 1), ""));
    assert_true(vg_str_same((struct vg_str){"a\0b", 3}, (struct vg_str){"a\0bc", 3}));
    assert_false(vg_str_same(vg_str_of("ab"), vg_str_of("a")));
    assert_true(vg_str_same(vg_str_of(""), (struct vg_str){NULL, 0}));
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

/* str.splitlines() and bytes.splitlines() cut lines where Python does. */
static void test_python_line_modes(void **state)
{
    static const char t[] = "a\x0b"
                            "b\rc\r\nd\x1c"
                            "e\xc2\x85"
                            "f\xe2\x80\xa8g\x1fh\r";
    struct vg_lines l;
    struct vg_str s;
    const char *str_lines[] = {"a", "b", "c", "d", "e", "f", "g\x1fh"};
    const char *bytes_lines[] = {"a\x0b"
                                 "b",
                                 "c",
                                 "d\x1c"
                                 "e\xc2\x85"
                                 "f\xe2\x80\xa8g\x1fh"};
    size_t i;
    (void)state;

    vg_lines_init(&l, t, sizeof(t) - 1, 0);
    vg_lines_set_mode(&l, VG_LINES_PY_STR);
    for (i = 0; i < VG_ARRAY_LEN(str_lines); i++) {
        assert_true(vg_lines_next(&l, &s));
        assert_true(vg_str_eq(s, str_lines[i]));
    }
    assert_false(vg_lines_next(&l, &s));

    vg_lines_init(&l, t, sizeof(t) - 1, 0);
    vg_lines_set_mode(&l, VG_LINES_PY_BYTES);
    for (i = 0; i < VG_ARRAY_LEN(bytes_lines); i++) {
        assert_true(vg_lines_next(&l, &s));
        assert_true(vg_str_eq(s, bytes_lines[i]));
    }
    assert_false(vg_lines_next(&l, &s));

    /* a lone \xc2 or \xe2 \x80 at the end is no line end */
    vg_lines_init(&l, "x\xe2\x80", 3, 0);
    vg_lines_set_mode(&l, VG_LINES_PY_STR);
    assert_true(vg_lines_next(&l, &s));
    assert_int_equal(s.n, 3);
    assert_false(vg_lines_next(&l, &s));
}

/* The fast scan (eight bytes at a time) finds the same line ends as a
 * byte-by-byte reading of Python's rules, wherever they fall. */
static size_t ref_eol(const unsigned char *u, size_t n, int str, size_t *len)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (u[i] == '\n' ||
            (str && (u[i] == 0x0b || u[i] == 0x0c || (u[i] >= 0x1c && u[i] <= 0x1e)))) {
            *len = 1;
            return i;
        }
        if (u[i] == '\r') {
            *len = i + 1 < n && u[i + 1] == '\n' ? 2 : 1;
            return i;
        }
        if (str && u[i] == 0xC2 && i + 1 < n && u[i + 1] == 0x85) {
            *len = 2;
            return i;
        }
        if (str && u[i] == 0xE2 && i + 2 < n && u[i + 1] == 0x80 &&
            (u[i + 2] == 0xA8 || u[i + 2] == 0xA9)) {
            *len = 3;
            return i;
        }
    }
    *len = 0;
    return n;
}

static void test_python_line_ends_random(void **state)
{
    static const unsigned char alphabet[] = {'a',  ' ',  '\n', '\r', 0x0b, 0x0c, 0x1c,
                                             0x1d, 0x1e, 0x1f, 0xC2, 0x85, 0xE2, 0x80,
                                             0xA8, 0xA9, 0xFF, 'z',  'z',  'z'};
    unsigned char t[80];
    uint32_t seed = 12345;
    size_t round, i, n, off, len;
    int mode;
    (void)state;

    for (round = 0; round < 20000; round++) {
        n = round % sizeof(t);
        for (i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            t[i] = alphabet[(seed >> 16) % (round % 3 ? sizeof(alphabet) : 4)];
        }
        for (mode = VG_LINES_PY_BYTES; mode <= VG_LINES_PY_STR; mode++) {
            struct vg_lines l;
            struct vg_str line;
            vg_lines_init(&l, t, n, 0);
            vg_lines_set_mode(&l, (enum vg_lines_mode)mode);
            for (off = 0; off < n; off += len) {
                size_t end = off + ref_eol(t + off, n - off, mode == VG_LINES_PY_STR, &len);
                assert_true(vg_lines_next(&l, &line));
                assert_ptr_equal(line.p, (const char *)t + off);
                assert_int_equal(line.n, end - off);
                len += end - off;
            }
            assert_false(vg_lines_next(&l, &line));
        }
    }
}

static void test_python_strip_and_split(void **state)
{
    struct vg_str s, w;
    (void)state;

    /* NBSP, U+3000, U+2000 and \x1f are whitespace to Python's str.strip() */
    s = vg_str_py_strip(vg_str_of("\xc2\xa0\x1f x y\xe3\x80\x80\xe2\x80\x80 \t"));
    assert_true(vg_str_eq(s, "x y"));
    assert_true(vg_str_eq(vg_str_py_lstrip(vg_str_of(" \xe1\x9a\x80"
                                                     "a ")),
                          "a "));
    assert_true(vg_str_eq(vg_str_py_rstrip(vg_str_of(" a\xe2\x81\x9f\xe2\x80\xaf")), " a"));
    /* U+200B (zero width space) is not whitespace; nor is a cut sequence */
    assert_true(vg_str_eq(vg_str_py_strip(vg_str_of("\xe2\x80\x8b")), "\xe2\x80\x8b"));
    assert_true(vg_str_eq(vg_str_py_strip(vg_str_of("a\xc2")), "a\xc2"));
    assert_true(vg_str_eq(vg_str_py_strip(vg_str_of(" \t ")), ""));
    /* bytes.strip() knows ASCII only */
    assert_true(vg_str_eq(vg_str_bytes_strip(vg_str_of("\x0b a\xc2\xa0\r\n")), "a\xc2\xa0"));
    assert_true(vg_str_eq(vg_str_bytes_lstrip(vg_str_of("\x0c\x1c")), "\x1c"));
    assert_true(vg_str_eq(vg_str_bytes_rstrip(vg_str_of(" x ")), " x"));
    assert_true(vg_str_eq(vg_str_strip_char(vg_str_of("\"\"a\"b\""), '"'), "a\"b"));

    s = vg_str_of(" one\xc2\xa0two\t\x1fthree ");
    assert_true(vg_str_py_word(&s, &w));
    assert_true(vg_str_eq(w, "one"));
    assert_true(vg_str_py_word(&s, &w));
    assert_true(vg_str_eq(w, "two"));
    assert_true(vg_str_py_word(&s, &w));
    assert_true(vg_str_eq(w, "three"));
    assert_false(vg_str_py_word(&s, &w));
}

/* Slices and find count code points, as Python's str does. */
static void test_python_slices(void **state)
{
    struct vg_str s = vg_str_of("\xc3\xa9t\xc3\xa9:x"); /* "été:x" */
    (void)state;

    assert_int_equal(vg_str_cp_len(s), 5);
    assert_true(vg_str_eq(vg_str_py_slice(s, 0, -1), "\xc3\xa9t\xc3\xa9:"));
    assert_true(vg_str_eq(vg_str_py_slice(s, 1, 3), "t\xc3\xa9"));
    assert_true(vg_str_eq(vg_str_py_slice(s, -2, VG_PY_END), ":x"));
    assert_true(vg_str_eq(vg_str_py_slice(s, 4, 2), ""));
    assert_true(vg_str_eq(vg_str_py_slice(s, -100, 1), "\xc3\xa9"));
    assert_true(vg_str_eq(vg_str_py_slice(s, 9, VG_PY_END), ""));
    assert_true(vg_str_eq(vg_str_py_slice(s, LONG_MIN, LONG_MIN), ""));
    assert_true(vg_str_eq(vg_str_py_slice(vg_str_of("ab"), 1, -2), ""));
    assert_int_equal(vg_str_py_find(s, ":"), 3);
    assert_int_equal(vg_str_py_find(s, "?"), -1);
    assert_int_equal(vg_str_py_find(s, ""), 0);
}

static void test_digits(void **state)
{
    struct vg_str s = vg_str_of("20221"), t;
    uint64_t v;
    (void)state;

    assert_true(vg_str_digits(&s, 4, 4, &v));
    assert_int_equal(v, 2022);
    assert_true(vg_str_eq(s, "1"));
    t = vg_str_of("7-");
    assert_false(vg_str_digits(&t, 2, 2, &v));
    assert_true(vg_str_eq(t, "7-"));
    assert_true(vg_str_digits(&t, 1, 2, &v));
    assert_int_equal(v, 7);
    t = vg_str_of("x");
    assert_false(vg_str_digits(&t, 0, 3, &v));
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
        cmocka_unit_test(test_python_line_modes),
        cmocka_unit_test(test_python_line_ends_random),
        cmocka_unit_test(test_python_strip_and_split),
        cmocka_unit_test(test_python_slices),
        cmocka_unit_test(test_digits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
