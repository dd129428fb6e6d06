/*
 * Sysdiagnose names (src/lib/formats/apple/sysdiagnose_name.c): the name
 * the phone writes, with and without its archive suffix and its OS, device
 * and build parts, and names that are not sysdiagnoses.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include "util/vg.h"
#include "formats/apple/sysdiagnose_name.h"

static void test_phone_name(void **state)
{
    struct vg_sysdiag_name n;
    char iso[VG_ISODATE_LEN + 1];
    (void)state;

    assert_int_equal(
        vg_sysdiag_name_parse(
            "/cases/sysdiagnose_2024.03.02_09-15-41+0100_iPhone-OS_iPhone_21D61.tar.gz", &n),
        VG_OK);
    assert_int_equal(vg_isodate(n.time, 0, iso), VG_OK);
    assert_string_equal(iso, "2024-03-02 08:15:41.000000");
    assert_int_equal(n.tz_minutes, 60);
    assert_string_equal(n.tz, "+0100");
    assert_string_equal(n.os, "iPhone OS");
    assert_string_equal(n.device, "iPhone");
    assert_string_equal(n.build, "21D61");
    /* the folder inside, a negative offset, an iPad */
    assert_int_equal(
        vg_sysdiag_name_parse("sysdiagnose_2023.05.24_13-58-04-0700_iPhone-OS_iPad_20F66", &n),
        VG_OK);
    assert_int_equal(vg_isodate(n.time, 0, iso), VG_OK);
    assert_string_equal(iso, "2023-05-24 20:58:04.000000");
    assert_int_equal(n.tz_minutes, -420);
    assert_string_equal(n.device, "iPad");
}

static void test_short_name(void **state)
{
    struct vg_sysdiag_name n;
    (void)state;

    /* MVT's test name: date only */
    assert_int_equal(vg_sysdiag_name_parse("sysdiagnose_2024.01.02_03-04-05+0200.tar.gz", &n),
                     VG_OK);
    assert_string_equal(n.os, "");
    assert_string_equal(n.build, "");
    /* a renamed copy: the rest is the build */
    assert_int_equal(
        vg_sysdiag_name_parse(
            "sysdiagnose_2024.01.02_03-04-05+0200_iPhone-OS_iPhone_21D61_copy.tgz", &n),
        VG_OK);
    assert_string_equal(n.build, "21D61_copy");
}

static void test_not_names(void **state)
{
    static const char *const bad[] = {
        "",
        "sysdiagnose",
        "sysdiagnose_2024.13.02_09-15-41+0100",  /* month 13 */
        "sysdiagnose_2023.02.29_09-15-41+0100",  /* not a leap year */
        "sysdiagnose_2024.03.02_24-15-41+0100",  /* hour 24 */
        "sysdiagnose_2024.03.02_09-15-41 0100",  /* no sign */
        "sysdiagnose_2024.03.02_09-15-41+01",    /* short offset */
        "sysdiagnose_2024.03.02_09-15-41+0100x", /* no '_' after it */
        "sysdiagnose_1969.12.31_23-59-59+0000",  /* before 1970 */
        "backup_2024.03.02_09-15-41+0100.tar.gz",
    };
    struct vg_sysdiag_name n;
    size_t i;
    char long_build[200];
    (void)state;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(vg_sysdiag_name_parse(bad[i], &n), VG_E_INVAL);
    assert_int_equal(vg_sysdiag_name_parse(NULL, &n), VG_E_INVAL);
    memset(long_build, 'A', sizeof(long_build));
    memcpy(long_build, "sysdiagnose_2024.03.02_09-15-41+0100_iPhone-OS_iPhone_", 54);
    long_build[sizeof(long_build) - 1] = '\0';
    assert_int_equal(vg_sysdiag_name_parse(long_build, &n), VG_E_INVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_phone_name),
        cmocka_unit_test(test_short_name),
        cmocka_unit_test(test_not_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
