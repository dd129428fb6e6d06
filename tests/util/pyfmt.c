/*
 * vg_py_repr_real against Python's repr(float). Every expected string was
 * printed by CPython 3.11 from the same value.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include <locale.h>
#include <math.h>
#include <stdio.h>

#include "util/vg.h"
#include "util/pyfmt.h"

struct real_case {
    double x;
    const char *repr; /* Python's repr(x) */
};

static const struct real_case real_cases[] = {
    {1.0, "1.0"},
    {-1.0, "-1.0"},
    {0.0, "0.0"},
    {-0.0, "-0.0"},
    {0.1, "0.1"},
    {0.30000000000000004, "0.30000000000000004"},
    {123.456, "123.456"},
    {1634560250.0, "1634560250.0"},
    {1634560030.76862, "1634560030.76862"},
    {1e15, "1000000000000000.0"},
    {1e16, "1e+16"},
    {1.5e16, "1.5e+16"},
    {0.0001, "0.0001"},
    {1e-05, "1e-05"},
    {1.25e-07, "1.25e-07"},
    {1e22, "1e+22"},
    {1e100, "1e+100"},
    {5e-324, "5e-324"},
    {2.2250738585072014e-308, "2.2250738585072014e-308"},
    {1.7976931348623157e308, "1.7976931348623157e+308"},
    {9007199254740993.0, "9007199254740992.0"},
    /* 2**-1017 and 2**-44: powers of two where correct rounding to the
     * shortest length falls below the value's range (see real_digits) */
    {7.120236347223045e-307, "7.120236347223045e-307"},
    {5.684341886080802e-14, "5.684341886080802e-14"},
};

static void test_real_format(void **state)
{
    char buf[VG_PY_REAL_BUF];
    size_t i;
    (void)state;
    for (i = 0; i < sizeof(real_cases) / sizeof(real_cases[0]); i++) {
        vg_py_repr_real(real_cases[i].x, buf);
        assert_string_equal(buf, real_cases[i].repr);
    }
}

/* The locale's decimal comma must never reach the output. */
static void test_real_format_ignores_locale(void **state)
{
    static const char *const names[] = {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "fr_FR.utf8"};
    char buf[VG_PY_REAL_BUF];
    size_t i;
    (void)state;
    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (setlocale(LC_NUMERIC, names[i]))
            break;
    }
    if (i == sizeof(names) / sizeof(names[0])) {
        printf("no locale with a decimal comma installed: locale test skipped\n");
        skip();
    }
    for (i = 0; i < sizeof(real_cases) / sizeof(real_cases[0]); i++) {
        vg_py_repr_real(real_cases[i].x, buf);
        assert_string_equal(buf, real_cases[i].repr);
    }
    setlocale(LC_NUMERIC, "C");
}

/* What the copies in modules got wrong before they shared this one: whole
 * numbers past the digits asked for, and values that are no numbers. */
static void test_real_format_edges(void **state)
{
    char buf[VG_PY_REAL_BUF];
    (void)state;
    vg_py_repr_real(100000.0, buf);
    assert_string_equal(buf, "100000.0"); /* not 1e+05 */
    vg_py_repr_real(1e16 - 2, buf);
    assert_string_equal(buf, "9999999999999998.0");
    vg_py_repr_real(0.1, buf);
    assert_string_equal(buf, "0.1"); /* not 0.10000000000000001 */
    vg_py_repr_real(1.0 / 0.0, buf);
    assert_string_equal(buf, "inf");
    vg_py_repr_real(-1.0 / 0.0, buf);
    assert_string_equal(buf, "-inf");
    vg_py_repr_real(nan(""), buf);
    assert_string_equal(buf, "nan");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_real_format),
        cmocka_unit_test(test_real_format_edges),
        cmocka_unit_test(test_real_format_ignores_locale),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
