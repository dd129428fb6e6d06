/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include "util/vg.h"

static void test_isodate_known_values(void **state)
{
    char buf[VG_ISODATE_LEN + 1];
    (void)state;
    assert_int_equal(vg_isodate(0, 0, buf), VG_OK);
    assert_string_equal(buf, "1970-01-01 00:00:00.000000");
    assert_int_equal(vg_isodate(1638559993, 5, buf), VG_OK);
    assert_string_equal(buf, "2021-12-03 19:33:13.000005");
    assert_int_equal(vg_isodate(-1, 0, buf), VG_OK);
    assert_string_equal(buf, "1969-12-31 23:59:59.000000");
    assert_int_equal(vg_isodate(951782400, 0, buf), VG_OK); /* leap day */
    assert_string_equal(buf, "2000-02-29 00:00:00.000000");
}

/* Android's milliseconds, before 1970 too (floored, as Python does). */
static void test_isodate_ms(void **state)
{
    char buf[VG_ISODATE_LEN + 1];
    (void)state;
    assert_int_equal(vg_isodate_ms(1638559993005LL, buf), VG_OK);
    assert_string_equal(buf, "2021-12-03 19:33:13.005000");
    assert_int_equal(vg_isodate_ms(-1, buf), VG_OK);
    assert_string_equal(buf, "1969-12-31 23:59:59.999000");
    assert_int_equal(vg_isodate_ms(INT64_MAX, buf), VG_E_INVAL);
    assert_string_equal(buf, "");
}

static void test_isodate_range(void **state)
{
    char buf[VG_ISODATE_LEN + 1];
    (void)state;
    assert_int_equal(vg_isodate(253402300800LL, 0, buf), VG_E_INVAL);
    assert_string_equal(buf, "");
    assert_int_equal(vg_isodate(0, 1000000, buf), VG_E_INVAL);
    assert_int_equal(vg_isodate_double(1.0 / 0.0, buf), VG_E_INVAL);
}

static void test_cocoa(void **state)
{
    char buf[VG_ISODATE_LEN + 1];
    (void)state;
    /* sms.db date from MVT's test backup (nanoseconds since 2001) */
    assert_int_equal(vg_isodate_cocoa(588813210539788032.0, buf), VG_OK);
    assert_string_equal(buf, "2019-08-29 23:13:30.539788");
    assert_int_equal(vg_isodate_cocoa(0, buf), VG_OK);
    assert_string_equal(buf, "2001-01-01 00:00:00.000000");
    assert_int_equal(vg_isodate_double(-0.5, buf), VG_OK);
    assert_string_equal(buf, "1969-12-31 23:59:59.500000");
}

static void test_chrome(void **state)
{
    char buf[VG_ISODATE_LEN + 1];
    (void)state;
    /* datetime(1601, 1, 1) + timedelta(microseconds=t) */
    assert_int_equal(vg_isodate_chrome(13281609163123456LL, buf), VG_OK);
    assert_string_equal(buf, "2021-11-17 07:52:43.123456");
    assert_int_equal(vg_isodate_chrome(0, buf), VG_OK);
    assert_string_equal(buf, "1601-01-01 00:00:00.000000");
    assert_int_equal(vg_isodate_chrome(-1, buf), VG_OK);
    assert_string_equal(buf, "1600-12-31 23:59:59.999999");
    assert_int_equal(vg_isodate_chrome(INT64_MAX, buf), VG_E_INVAL);
    assert_int_equal(vg_isodate_chrome(INT64_MIN, buf), VG_E_INVAL);
    assert_string_equal(buf, "");
}

static void test_days_from_civil(void **state)
{
    (void)state;
    assert_int_equal(vg_days_from_civil(1970, 1, 1), 0);
    assert_int_equal(vg_days_from_civil(2000, 2, 29), 11016);
    assert_int_equal(vg_days_from_civil(2000, 3, 1), 11017);
    assert_int_equal(vg_days_from_civil(1969, 12, 31), -1);
    assert_int_equal(vg_days_from_civil(2001, 1, 1) * 86400, VG_COCOA_EPOCH);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_isodate_known_values),
        cmocka_unit_test(test_chrome),
        cmocka_unit_test(test_isodate_range),
        cmocka_unit_test(test_isodate_ms),
        cmocka_unit_test(test_cocoa),
        cmocka_unit_test(test_days_from_civil),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
