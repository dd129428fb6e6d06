/*
 * remotectl_dumpstate.txt (src/lib/formats/apple/remotectl.c): the phone's
 * own properties under "Local device", not a paired device's; a file
 * without that section; the size cap.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include "util/vg.h"
#include "formats/apple/remotectl.h"

static const char *const keys[] = {"ProductType", "OSVersion", "SerialNumber", "Missing"};

static void expect(struct vg_str v, const char *s)
{
    if (!s) {
        assert_null(v.p);
        return;
    }
    assert_non_null(v.p);
    assert_int_equal(v.n, strlen(s));
    assert_memory_equal(v.p, s, v.n);
}

static void test_local_device(void **state)
{
    static const char text[] = "Peer device\n"
                               "\tProperties: {\n"
                               "\t\tProductType => Watch6,1\n"
                               "\t}\n"
                               "Local device\n"
                               "\tUUID: 0A1B\n"
                               "\tProperties: {\n"
                               "\t\tAppleInternal => false\n"
                               "\t\tProductType => iPhone14,2\r\n"
                               "\t\tOSVersion => 17.3.1\n"
                               "\t\tSerialNumber => F2LXXXXXXX\n"
                               "\t\tProductType => iPhone99,9\n"
                               "\t}\n"
                               "Other device\n"
                               "\t\tOSVersion => 10.0\n";
    struct vg_str v[4];
    (void)state;

    assert_int_equal(vg_remotectl_props(text, sizeof(text) - 1, keys, 4, v), VG_OK);
    expect(v[0], "iPhone14,2");
    expect(v[1], "17.3.1");
    expect(v[2], "F2LXXXXXXX");
    expect(v[3], NULL);
}

static void test_no_section(void **state)
{
    static const char text[] = "\t\tProductType => iPhone9,1\n"
                               "no arrow here\n"
                               " => value without key\n";
    struct vg_str v[4];
    (void)state;

    assert_int_equal(vg_remotectl_props(text, sizeof(text) - 1, keys, 4, v), VG_OK);
    expect(v[0], "iPhone9,1");
    expect(v[1], NULL);
    assert_int_equal(vg_remotectl_props("", 0, keys, 4, v), VG_OK);
    expect(v[0], NULL);
    assert_int_equal(vg_remotectl_props(text, (size_t)VG_MAX_REMOTECTL_FILE + 1, keys, 4, v),
                     VG_E_LIMIT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_local_device),
        cmocka_unit_test(test_no_section),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
