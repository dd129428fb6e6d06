/*
 * File decryption: AES-256-CBC, zero IV, PKCS#7, cut to the recorded Size;
 * the same plaintext whatever the chunking; short copies, partial blocks and
 * bad padding reported, not hidden.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include <openssl/evp.h>

#include "util/vg.h"
#include "formats/apple/backup_crypto.h"

static const unsigned char key[32] = {
    0x60, 0x3d, 0xeb, 0x10, 0x15, 0xca, 0x71, 0xbe, 0x2b, 0x73, 0xae, 0xf0, 0x85, 0x7d, 0x77, 0x81,
    0x1f, 0x35, 0x2c, 0x07, 0x3b, 0x61, 0x08, 0xd7, 0x2d, 0x98, 0x10, 0xa3, 0x09, 0x14, 0xdf, 0xf4,
};

/* Reference encryption straight from EVP (padding on, as the phone does). */
static unsigned char *encrypt(const unsigned char *p, size_t n, size_t *out_len)
{
    static const unsigned char iv[16];
    unsigned char *c = malloc(n + 16);
    EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
    int a = 0, b = 0;

    assert_non_null(c);
    assert_non_null(x);
    assert_int_equal(EVP_EncryptInit_ex(x, EVP_aes_256_cbc(), NULL, key, iv), 1);
    assert_int_equal(EVP_EncryptUpdate(x, c, &a, p, (int)n), 1);
    assert_int_equal(EVP_EncryptFinal_ex(x, c + a, &b), 1);
    EVP_CIPHER_CTX_free(x);
    *out_len = (size_t)a + (size_t)b;
    return c;
}

static void plain(unsigned char *p, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        p[i] = (unsigned char)(i * 7 + 3);
}

/* Streams ct through vg_fdec in pieces of `step` bytes. */
static unsigned char *stream(const unsigned char *ct, size_t n, int64_t size, size_t step,
                             size_t *len, struct vg_fdec_info *info)
{
    struct vg_fdec d;
    unsigned char *out = malloc(n + 64), chunk[256 + VG_FDEC_SLACK];
    size_t off = 0, total = 0, got;

    assert_non_null(out);
    assert_true(step <= 256);
    assert_int_equal(vg_fdec_init(&d, key, size), VG_OK);
    while (off < n) {
        size_t take = n - off < step ? n - off : step;
        assert_int_equal(vg_fdec_update(&d, ct + off, take, chunk, &got), VG_OK);
        memcpy(out + total, chunk, got);
        total += got;
        off += take;
    }
    assert_int_equal(vg_fdec_final(&d, chunk, &got, info), VG_OK);
    memcpy(out + total, chunk, got);
    total += got;
    vg_fdec_clear(&d);
    *len = total;
    return out;
}

static void test_round_trip_any_length_any_chunking(void **state)
{
    static const size_t steps[] = {1, 5, 16, 17, 64, 256};
    unsigned char p[200];
    size_t n, s;
    (void)state;

    plain(p, sizeof(p));
    for (n = 0; n <= 70; n++) {
        size_t ct_len, len;
        unsigned char *ct = encrypt(p, n, &ct_len), *out;
        struct vg_fdec_info info;

        for (s = 0; s < VG_ARRAY_LEN(steps); s++) {
            /* with the Size recorded, and without (the padding decides) */
            out = stream(ct, ct_len, (int64_t)n, steps[s], &len, &info);
            assert_int_equal(len, n);
            assert_memory_equal(out, p, n);
            assert_int_equal(info.short_by, 0);
            assert_int_equal(info.tail, 0);
            assert_int_equal(info.padding, 1);
            free(out);
            out = stream(ct, ct_len, -1, steps[s], &len, &info);
            assert_int_equal(len, n);
            assert_memory_equal(out, p, n);
            free(out);
        }
        free(ct);
    }
}

static void test_buffer_and_size(void **state)
{
    unsigned char p[100], *ct, *out = NULL;
    size_t ct_len, len = 0;
    struct vg_fdec_info info;
    (void)state;

    plain(p, sizeof(p));
    ct = encrypt(p, sizeof(p), &ct_len);
    assert_int_equal(ct_len, 112);
    /* Size below the content: cut there */
    assert_int_equal(vg_fdec_buffer(key, ct, ct_len, 40, 1000, &out, &len, &info), VG_OK);
    assert_int_equal(len, 40);
    assert_memory_equal(out, p, 40);
    assert_int_equal(info.short_by, 0);
    vg_free_secret(out, len);
    /* Size above it: a short copy, said so, with the real bytes only */
    assert_int_equal(vg_fdec_buffer(key, ct, ct_len, 150, 1000, &out, &len, &info), VG_OK);
    assert_int_equal(len, 100);
    assert_memory_equal(out, p, 100);
    assert_int_equal(info.short_by, 50);
    assert_int_equal(info.padding, 1);
    vg_free_secret(out, len);
    /* the cap */
    assert_int_equal(vg_fdec_buffer(key, ct, ct_len, -1, 99, &out, &len, &info), VG_E_LIMIT);
    assert_int_equal(vg_fdec_buffer(key, ct, ct_len, -1, 100, &out, &len, &info), VG_OK);
    vg_free_secret(out, len);
    free(ct);
}

static void test_partial_block_and_bad_padding(void **state)
{
    unsigned char p[64], *ct, *out = NULL, wrong[32];
    size_t ct_len, len = 0;
    struct vg_fdec_info info;
    (void)state;

    plain(p, sizeof(p));
    ct = encrypt(p, sizeof(p), &ct_len); /* 80 bytes: 64 + a block of padding */
    /* a copy cut mid-block: the whole blocks decrypt, the rest is reported */
    assert_int_equal(vg_fdec_buffer(key, ct, 40, 64, 1000, &out, &len, &info), VG_OK);
    assert_int_equal(info.tail, 8);
    assert_int_equal(len, 32);
    assert_memory_equal(out, p, 32);
    assert_int_equal(info.short_by, 32);
    vg_free_secret(out, len);
    /* cut on a block boundary before the padding: no valid padding there */
    assert_int_equal(vg_fdec_buffer(key, ct, 64, -1, 1000, &out, &len, &info), VG_OK);
    assert_int_equal(info.padding, -1);
    assert_int_equal(len, 64);
    vg_free_secret(out, len);
    /* the wrong key: noise, and the padding check says so */
    memcpy(wrong, key, 32);
    wrong[0] ^= 1;
    assert_int_equal(vg_fdec_buffer(wrong, ct, ct_len, -1, 1000, &out, &len, &info), VG_OK);
    assert_int_equal(info.padding, -1);
    assert_false(len == 64 && memcmp(out, p, 64) == 0);
    vg_free_secret(out, len);
    /* nothing at all */
    assert_int_equal(vg_fdec_buffer(key, ct, 0, 10, 1000, &out, &len, &info), VG_OK);
    assert_int_equal(len, 0);
    assert_int_equal(info.short_by, 10);
    assert_int_equal(info.padding, 0);
    vg_free_secret(out, len);
    free(ct);
}

static void test_sqlite_header(void **state)
{
    static const unsigned char hdr[] = "SQLite format 3\0rest";
    (void)state;
    assert_true(vg_is_sqlite_header(hdr, sizeof(hdr)));
    assert_false(vg_is_sqlite_header(hdr, 15));
    assert_false(vg_is_sqlite_header((const unsigned char *)"SQLite format 4\0", 16));
}

static void test_misuse(void **state)
{
    struct vg_fdec d;
    struct vg_fdec_info info;
    unsigned char out[64];
    size_t n;
    (void)state;

    memset(out, 0, sizeof(out));
    memset(&d, 0, sizeof(d));
    assert_int_equal(vg_fdec_update(&d, out, 16, out, &n), VG_E_INVAL);
    assert_int_equal(vg_fdec_final(&d, out, &n, &info), VG_E_INVAL);
    vg_fdec_clear(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_any_length_any_chunking),
        cmocka_unit_test(test_buffer_and_size),
        cmocka_unit_test(test_partial_block_and_bad_padding),
        cmocka_unit_test(test_sqlite_header),
        cmocka_unit_test(test_misuse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
