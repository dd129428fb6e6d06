/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include "util/vg.h"
#include "util/rd.h"

static void test_prefix_suffix(void **state)
{
    (void)state;
    assert_true(vg_str_has_prefix("/private/var", "/private"));
    assert_false(vg_str_has_prefix("/pri", "/private"));
    assert_true(vg_str_has_suffix("a.example.org", ".example.org"));
    assert_false(vg_str_has_suffix("org", ".example.org"));
}

static void test_lower_casecmp(void **state)
{
    char s[] = "WWW.Example.ORG";
    (void)state;
    vg_str_lower(s);
    assert_string_equal(s, "www.example.org");
    assert_int_equal(vg_str_casecmp("FooBar@Example.org", "foobar@example.ORG"), 0);
    assert_int_not_equal(vg_str_casecmp("a", "b"), 0);
}

static void test_in_list(void **state)
{
    static const char *const list[] = {"com.example.a", "com.example.b"};
    (void)state;
    assert_true(vg_str_in("com.example.b", list, 2));
    assert_false(vg_str_in("com.example.bb", list, 2));
    assert_false(vg_str_in("com.example.b", list, 1));
    assert_false(vg_str_in(NULL, list, 2));
}

static void test_parse_ints(void **state)
{
    int64_t v;
    uint64_t u;
    (void)state;
    assert_int_equal(vg_parse_i64("-42", &v), VG_OK);
    assert_int_equal(v, -42);
    assert_int_equal(vg_parse_i64("42x", &v), VG_E_INVAL);
    assert_int_equal(vg_parse_i64("", &v), VG_E_INVAL);
    assert_int_equal(vg_parse_i64("99999999999999999999", &v), VG_E_INVAL);
    assert_int_equal(vg_parse_u64("18446744073709551615", &u), VG_OK);
    assert_int_equal(vg_parse_u64("-1", &u), VG_E_INVAL);
}

static void test_hex(void **state)
{
    unsigned char in[3] = {0x00, 0xab, 0xff}, out[3];
    char hex[7];
    (void)state;
    vg_hex_encode(in, 3, hex);
    assert_string_equal(hex, "00abff");
    assert_int_equal(vg_hex_decode("00ABff", out, 3), VG_OK);
    assert_memory_equal(in, out, 3);
    assert_int_equal(vg_hex_decode("00abf", out, 3), VG_E_INVAL);
    assert_int_equal(vg_hex_decode("00abfg", out, 3), VG_E_INVAL);
}

static void test_bounded_reader(void **state)
{
    static const unsigned char bytes[] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06};
    struct vg_rd r, sub;
    (void)state;
    vg_rd_init(&r, bytes, sizeof(bytes));
    assert_int_equal(vg_rd_be16(&r), 0x0102);
    assert_int_equal(vg_rd_le32(&r), 0x06050403u);
    assert_int_equal(r.err, 0);
    assert_int_equal(vg_rd_u8(&r), 0);
    assert_int_not_equal(r.err, 0); /* sticky */
    vg_rd_init(&r, bytes, sizeof(bytes));
    assert_true(vg_rd_sub(&r, 2, &sub));
    assert_int_equal(vg_rd_be32(&sub), 0);
    assert_int_not_equal(sub.err, 0);
    assert_int_equal(vg_rd_left(&r), 4);
    assert_false(vg_rd_skip(&r, (size_t)-1)); /* no overflow into a pointer */
}

/* vg_fmt_i64 writes what "%lld" writes, at the ends of the range too. */
static void test_fmt_i64(void **state)
{
    static const int64_t cases[] = {0,
                                    1,
                                    -1,
                                    9,
                                    10,
                                    -10,
                                    123456789,
                                    INT64_MAX,
                                    INT64_MIN,
                                    INT64_MIN + 1,
                                    1000000000000000000LL};
    char got[VG_I64_BUF], want[32];
    uint64_t x = 0x9e3779b97f4a7c15ULL;
    size_t i;
    (void)state;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]) + 1000; i++) {
        int64_t v = i < sizeof(cases) / sizeof(cases[0]) ? cases[i] : (int64_t)(x >> (i % 64));
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        snprintf(want, sizeof(want), "%lld", (long long)v);
        assert_int_equal(vg_fmt_i64(got, v), strlen(want));
        assert_string_equal(got, want);
    }
}

static void test_snprintf_truncation(void **state)
{
    char small[4];
    (void)state;
    assert_int_equal(vg_snprintf(small, sizeof(small), "%s", "abcdef"), VG_E_LIMIT);
    assert_string_equal(small, "abc");
    assert_int_equal(vg_snprintf(small, sizeof(small), "%s", "ab"), VG_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_prefix_suffix),
        cmocka_unit_test(test_lower_casecmp),
        cmocka_unit_test(test_in_list),
        cmocka_unit_test(test_parse_ints),
        cmocka_unit_test(test_hex),
        cmocka_unit_test(test_bounded_reader),
        cmocka_unit_test(test_snprintf_truncation),
        cmocka_unit_test(test_fmt_i64),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
