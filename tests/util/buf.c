/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include "util/buf.h"

static void test_append_and_take(void **state)
{
    struct vg_buf b;
    char *s;
    (void)state;
    vg_buf_init(&b, 1024);
    assert_int_equal(vg_buf_append_str(&b, "abc"), VG_OK);
    assert_int_equal(vg_buf_append_char(&b, '-'), VG_OK);
    assert_int_equal(vg_buf_printf(&b, "%d", 42), VG_OK);
    assert_string_equal(b.data, "abc-42");
    assert_int_equal(b.len, 6);
    s = vg_buf_take(&b);
    assert_string_equal(s, "abc-42");
    assert_null(b.data);
    free(s);
}

static void test_cap_is_enforced(void **state)
{
    struct vg_buf b;
    (void)state;
    vg_buf_init(&b, 8);
    assert_int_equal(vg_buf_append_str(&b, "12345678"), VG_OK);
    assert_int_equal(vg_buf_append_char(&b, '9'), VG_E_LIMIT);
    assert_string_equal(b.data, "12345678");
    vg_buf_free(&b);
}

static void test_secret_growth(void **state)
{
    struct vg_buf b;
    int i;
    (void)state;
    vg_buf_init(&b, 1 << 20);
    b.secret = 1;
    for (i = 0; i < 1000; i++)
        assert_int_equal(vg_buf_append_str(&b, "key"), VG_OK);
    assert_int_equal(b.len, 3000);
    vg_buf_free(&b);
    assert_null(b.data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_append_and_take),
        cmocka_unit_test(test_cap_is_enforced),
        cmocka_unit_test(test_secret_growth),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
