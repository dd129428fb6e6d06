/*
 * The record helpers of src/lib/scan/checks.c that need no scan: Python's
 * str() and bool() of record values (CPython 3.11 printed every expected
 * string), UTF-8 repair into JSON, MVT's convert_unix_to_iso.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include "util/vg.h"
#include "scan/checks.h"

static void assert_py_str(json_t *v, const char *want)
{
    char buf[VG_PY_BUF];
    assert_string_equal(vg_py_str(v, buf), want);
    json_decref(v);
}

static void test_py_str(void **state)
{
    char buf[VG_PY_BUF];
    (void)state;
    assert_py_str(json_string("text"), "text");
    assert_py_str(json_integer(-9223372036854775807LL - 1), "-9223372036854775808");
    assert_py_str(json_real(0.1), "0.1");
    assert_py_str(json_real(3.0), "3.0");
    assert_py_str(json_real(1e16), "1e+16");
    assert_py_str(json_true(), "True");
    assert_py_str(json_false(), "False");
    assert_py_str(json_null(), "None");
    assert_py_str(json_array(), "None");
    assert_string_equal(vg_py_str(NULL, buf), "None");
}

static void test_py_append(void **state)
{
    struct vg_buf b;
    json_t *s = json_stringn("a\0b", 3), *r = json_real(2.5);
    (void)state;

    vg_buf_init(&b, 64);
    assert_int_equal(vg_py_append(&b, s), VG_OK);
    assert_int_equal(vg_py_append(&b, r), VG_OK);
    assert_int_equal(vg_py_append(&b, NULL), VG_OK);
    assert_int_equal(b.len, 10);
    assert_memory_equal(b.data, "a\0b2.5None", 10);
    vg_buf_free(&b);
    vg_buf_init(&b, 2);
    assert_int_equal(vg_py_append(&b, r), VG_E_LIMIT);
    vg_buf_free(&b);
    json_decref(s);
    json_decref(r);
}

static void test_py_truthy(void **state)
{
    json_t *v[] = {json_string(""),
                   json_string("x"),
                   json_integer(0),
                   json_integer(-1),
                   json_real(0.0),
                   json_real(1e-300),
                   json_true(),
                   json_false(),
                   json_null(),
                   json_array(),
                   json_pack("[i]", 1),
                   json_object(),
                   json_pack("{s:n}", "k")};
    static const int want[] = {0, 1, 0, 1, 0, 1, 1, 0, 0, 0, 1, 0, 1};
    size_t i;
    (void)state;

    for (i = 0; i < VG_ARRAY_LEN(v); i++) {
        assert_int_equal(vg_py_truthy(v[i]), want[i]);
        json_decref(v[i]);
    }
    assert_int_equal(vg_py_truthy(NULL), 0);
}

static void test_json_utf8(void **state)
{
    json_t *j;
    (void)state;

    j = vg_json_utf8("caf\xC3\xA9", 5);
    assert_string_equal(json_string_value(j), "caf\xC3\xA9");
    json_decref(j);
    j = vg_json_utf8("\xE2\x82x\xFF", 4);
    assert_string_equal(json_string_value(j), "\xEF\xBF\xBDx\xEF\xBF\xBD");
    json_decref(j);
    j = vg_json_utf8("", 0);
    assert_string_equal(json_string_value(j), "");
    json_decref(j);
}

static void test_json_get_or_null(void **state)
{
    json_t *o = json_pack("{s:i}", "a", 1), *v;
    (void)state;

    v = vg_json_get_or_null(o, "a");
    assert_int_equal(json_integer_value(v), 1);
    json_decref(v);
    v = vg_json_get_or_null(o, "b");
    assert_true(json_is_null(v));
    json_decref(v);
    json_decref(o);
}

static void assert_unix_iso(json_t *v, const char *want)
{
    json_t *j = vg_json_unix_iso(v);
    assert_string_equal(json_string_value(j), want);
    json_decref(j);
    json_decref(v);
}

static void test_json_unix_iso(void **state)
{
    (void)state;
    assert_unix_iso(json_integer(1638559993), "2021-12-03 19:33:13.000000");
    assert_unix_iso(json_real(-0.5), "1969-12-31 23:59:59.500000");
    assert_unix_iso(json_real(1e300), "");
    assert_unix_iso(json_string("1638559993"), "");
    assert_unix_iso(json_null(), "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_py_str),           cmocka_unit_test(test_py_append),
        cmocka_unit_test(test_py_truthy),        cmocka_unit_test(test_json_utf8),
        cmocka_unit_test(test_json_get_or_null), cmocka_unit_test(test_json_unix_iso),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
