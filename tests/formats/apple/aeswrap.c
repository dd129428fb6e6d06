/*
 * RFC 3394 key unwrap: the RFC's own test vectors (section 4), then the
 * integrity check that tells a wrong password from a good one.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include "util/vg.h"
#include "formats/apple/aeswrap.h"

static const unsigned char kek[32] = {
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
    0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
};
static const unsigned char key_data[32] = {
    0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
};

struct vector {
    const char *name;
    size_t kek_len, key_len;
    const char *wrapped_hex;
};

static const struct vector rfc3394[] = {
    {"4.1", 16, 16, "1fa68b0a8112b447aef34bd8fb5a7b829d3e862371d2cfe5"},
    {"4.2", 24, 16, "96778b25ae6ca435f92b5b97c050aed2468ab8a17ad84e5d"},
    {"4.3", 32, 16, "64e8c3f9ce0f5ba263e9777905818a2a93c8191e7d6e8ae7"},
    {"4.4", 24, 24, "031d33264e15d33268f24ec260743edce1c6c7ddee725a936ba814915c6762d2"},
    {"4.5", 32, 24, "a8f9bc1612c68b3ff6e6f4fbe30e71e4769c8b80a32cb8958cd5d17d6b254da1"},
    {"4.6", 32, 32,
     "28c9f404c4b810f4cbccb35cfb87f8263f5786e2d80ed326cbc7f0e71a99f43bfb988b9b7a02dd21"},
};

static size_t unhex(const char *hex, unsigned char *out)
{
    size_t n = strlen(hex) / 2;
    assert_int_equal(vg_hex_decode(hex, out, n), VG_OK);
    return n;
}

static void test_rfc3394_vectors(void **state)
{
    size_t i;
    (void)state;

    for (i = 0; i < VG_ARRAY_LEN(rfc3394); i++) {
        const struct vector *v = &rfc3394[i];
        unsigned char wrapped[VG_AESWRAP_MAX], out[VG_AESWRAP_MAX];
        size_t n = unhex(v->wrapped_hex, wrapped);

        assert_int_equal(n, v->key_len + 8);
        memset(out, 0x5a, sizeof(out));
        assert_int_equal(vg_aes_unwrap(kek, v->kek_len, wrapped, n, out), VG_OK);
        assert_memory_equal(out, key_data, v->key_len);
    }
}

static void test_integrity_check(void **state)
{
    unsigned char wrapped[40], out[32], zero[32];
    size_t n = unhex(rfc3394[5].wrapped_hex, wrapped), i;
    (void)state;

    memset(zero, 0, sizeof(zero));
    /* every byte matters: flipping any one fails the check, and nothing leaks out */
    for (i = 0; i < n; i++) {
        wrapped[i] ^= 0x01;
        memset(out, 0x5a, sizeof(out));
        assert_int_equal(vg_aes_unwrap(kek, 32, wrapped, n, out), VG_E_CRYPTO);
        assert_memory_equal(out, zero, sizeof(out));
        wrapped[i] ^= 0x01;
    }
    /* the wrong key-encryption key (a wrong password) fails the same way */
    {
        unsigned char other[32];
        memcpy(other, kek, sizeof(other));
        other[31] ^= 0x80;
        assert_int_equal(vg_aes_unwrap(other, 32, wrapped, n, out), VG_E_CRYPTO);
    }
    assert_int_equal(vg_aes_unwrap(kek, 32, wrapped, n, out), VG_OK);
}

static void test_bad_lengths(void **state)
{
    unsigned char in[VG_AESWRAP_MAX + 8], out[VG_AESWRAP_MAX + 8];
    (void)state;

    memset(in, 0, sizeof(in));
    assert_int_equal(vg_aes_unwrap(kek, 20, in, 40, out), VG_E_INVAL); /* no AES-160 */
    assert_int_equal(vg_aes_unwrap(kek, 32, in, 16, out), VG_E_INVAL); /* below one key */
    assert_int_equal(vg_aes_unwrap(kek, 32, in, 41, out), VG_E_INVAL); /* not 8-byte blocks */
    assert_int_equal(vg_aes_unwrap(kek, 32, in, VG_AESWRAP_MAX + 8, out), VG_E_INVAL);
    assert_int_equal(vg_aes_unwrap(kek, 32, in, 0, out), VG_E_INVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc3394_vectors),
        cmocka_unit_test(test_integrity_check),
        cmocka_unit_test(test_bad_lengths),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
