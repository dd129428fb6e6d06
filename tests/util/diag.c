/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include "util/vg.h"

static int seen;

static void cb(void *ud, const struct vg_diag_entry *e)
{
    (void)ud;
    (void)e;
    seen++;
}

static void test_diag_keeps_and_counts(void **state)
{
    struct vg_diag *d = NULL;
    (void)state;
    seen = 0;
    assert_int_equal(vg_diag_new(cb, NULL, &d), VG_OK);
    vg_diag_add(d, VG_DIAG_WARN, "keybag", "TLV %s: length %d > remaining %d", "WPKY", 4096, 40);
    vg_diag_add(d, VG_DIAG_DEBUG, "x", "chatter");
    vg_diag_add(d, VG_DIAG_ERROR, NULL, "bad");
    assert_int_equal(seen, 3);
    assert_int_equal(vg_diag_size(d), 2); /* debug is not kept */
    assert_int_equal(vg_diag_count(d, VG_DIAG_WARN), 1);
    assert_int_equal(vg_diag_count(d, VG_DIAG_ERROR), 1);
    assert_string_equal(vg_diag_get(d, 0)->message, "TLV WPKY: length 4096 > remaining 40");
    assert_string_equal(vg_diag_get(d, 0)->where, "keybag");
    assert_string_equal(vg_diag_get(d, 1)->where, "");
    assert_null(vg_diag_get(d, 2));
    vg_diag_free(d);
    vg_diag_free(NULL);
}

static void test_levels(void **state)
{
    enum vg_level l;
    (void)state;
    assert_string_equal(vg_level_json_name(VG_LEVEL_INFO), "INFORMATIONAL");
    assert_string_equal(vg_level_name(VG_LEVEL_CRITICAL), "CRITICAL");
    assert_int_equal(vg_level_parse("INFORMATIONAL", &l), VG_OK);
    assert_int_equal(l, VG_LEVEL_INFO);
    assert_int_equal(vg_level_parse("HIGH", &l), VG_OK);
    assert_int_equal(l, VG_LEVEL_HIGH);
    assert_int_equal(vg_level_parse("nope", &l), VG_E_INVAL);
    assert_string_equal(vg_strerror(VG_E_PASSWORD), "wrong backup password");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_diag_keeps_and_counts),
        cmocka_unit_test(test_levels),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
