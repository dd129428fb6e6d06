/*
 * The .ab header and keys (src/lib/formats/android/ab.c): every header
 * field and its malformed forms on inline text, the Java-char forms of the
 * checksum on inline bytes, and unlocking backups the fixture builder
 * encrypts in every version and form, wrong passwords and damaged headers.
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
#include "formats/android/ab.h"
#include "ab.h"
#include "fixture.h"

#define ZEROS64                                                                                    \
    "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000" \
    "000000000000000000000000000000000000"
#define IV16 "000102030405060708090A0B0C0D0E0F"
#define BLOB96                                                                                     \
    "00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDD" \
    "EEFF00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF00112233445566778899AABB" \
    "CCDDEEFF"

static char err[256];

static int parse(const char *text, struct vg_ab_header *h)
{
    return vg_ab_header_parse(text, strlen(text), h, err, sizeof err);
}

/* An AES-256 header with one line replaced (line 5..9; 0: none). */
static char *aes_with(unsigned line, const char *value)
{
    const char *lines[5] = {ZEROS64, "ab" ZEROS64, "10000", IV16, BLOB96};
    size_t cap = 4096;
    char *s = malloc(cap);
    int n;

    assert_non_null(s);
    if (line >= 5 && line <= 9)
        lines[line - 5] = value;
    n = snprintf(s, cap, "ANDROID BACKUP\n5\n1\nAES-256\n%s\n%s\n%s\n%s\n%s\nDATA", lines[0],
                 lines[1], lines[2], lines[3], lines[4]);
    assert_true(n > 0 && (size_t)n < cap);
    return s;
}

static int parse_aes_with(unsigned line, const char *value, struct vg_ab_header *h)
{
    char *s = aes_with(line, value);
    int rc = parse(s, h);
    free(s);
    return rc;
}

static void test_plain_header(void **state)
{
    struct vg_ab_header h;
    (void)state;

    assert_int_equal(parse("ANDROID BACKUP\n5\n1\nnone\n\x78\x9c", &h), VG_OK);
    assert_int_equal(h.version, 5);
    assert_int_equal(h.compressed, 1);
    assert_int_equal(h.crypt, VG_AB_PLAIN);
    assert_int_equal(h.len, 24);
    assert_int_equal(parse("ANDROID BACKUP\n1\n0\nnone\n", &h), VG_OK);
    assert_int_equal(h.version, 1);
    assert_int_equal(h.compressed, 0);
    assert_int_equal(h.len, 24);
    assert_string_equal(err, "");
}

static void test_aes_header(void **state)
{
    struct vg_ab_header h;
    unsigned char iv[16];
    size_t i;
    (void)state;

    assert_int_equal(parse_aes_with(0, NULL, &h), VG_OK);
    assert_int_equal(h.crypt, VG_AB_AES256);
    assert_int_equal(h.user_salt_len, 64);
    assert_int_equal(h.ck_salt_len, 65);
    assert_int_equal(h.ck_salt[0], 0xab);
    assert_int_equal(h.rounds, 10000);
    for (i = 0; i < 16; i++)
        iv[i] = (unsigned char)i;
    assert_memory_equal(h.user_iv, iv, 16);
    assert_int_equal(h.blob[0], 0x00);
    assert_int_equal(h.blob[10], 0xaa);
    assert_int_equal(h.blob[95], 0xff);
    assert_int_equal(h.len, strlen("ANDROID BACKUP\n5\n1\nAES-256\n") + 129 + 131 + 6 + 33 + 193);
    /* lower case hex, as some writers emit */
    assert_int_equal(parse_aes_with(8, "000102030405060708090a0b0c0d0e0f", &h), VG_OK);
    assert_memory_equal(h.user_iv, iv, 16);
}

static void test_magic(void **state)
{
    struct vg_ab_header h;
    (void)state;

    assert_int_equal(parse("PK\x03\x04", &h), VG_E_UNSUPPORTED);
    assert_non_null(strstr(err, "not an Android backup"));
    assert_int_equal(parse("ANDROID BACKUP 5\n", &h), VG_E_UNSUPPORTED);
    assert_int_equal(parse("android backup\n5\n1\nnone\n", &h), VG_E_UNSUPPORTED);
    assert_int_equal(vg_ab_header_parse("", 0, &h, err, sizeof err), VG_E_TRUNCATED);
    assert_int_equal(parse("ANDROID BA", &h), VG_E_TRUNCATED);
}

static void test_version(void **state)
{
    static const char *const ok[] = {"1", "2", "3", "4", "5", "05"};
    struct vg_ab_header h;
    char text[128];
    size_t i;
    (void)state;

    for (i = 0; i < VG_ARRAY_LEN(ok); i++) {
        snprintf(text, sizeof text, "ANDROID BACKUP\n%s\n0\nnone\n", ok[i]);
        assert_int_equal(parse(text, &h), VG_OK);
        assert_int_equal(h.version, (unsigned)(ok[i][1] ? ok[i][1] : ok[i][0]) - '0');
    }
    assert_int_equal(parse("ANDROID BACKUP\n0\n0\nnone\n", &h), VG_E_CORRUPT);
    assert_int_equal(parse("ANDROID BACKUP\n6\n0\nnone\n", &h), VG_E_UNSUPPORTED);
    assert_non_null(strstr(err, "line 2 (version): 6"));
    assert_int_equal(parse("ANDROID BACKUP\n99999999999999999999999999\n0\nnone\n", &h),
                     VG_E_UNSUPPORTED);
    assert_int_equal(parse("ANDROID BACKUP\n-1\n0\nnone\n", &h), VG_E_CORRUPT);
    assert_int_equal(parse("ANDROID BACKUP\n\n0\nnone\n", &h), VG_E_CORRUPT);
    assert_int_equal(parse("ANDROID BACKUP\n5 \n0\nnone\n", &h), VG_E_CORRUPT);
}

static void test_flags(void **state)
{
    struct vg_ab_header h;
    (void)state;

    assert_int_equal(parse("ANDROID BACKUP\n5\n2\nnone\n", &h), VG_E_CORRUPT);
    assert_non_null(strstr(err, "line 3 (compressed)"));
    assert_int_equal(parse("ANDROID BACKUP\n5\n\nnone\n", &h), VG_E_CORRUPT);
    assert_int_equal(parse("ANDROID BACKUP\n5\n1\nAES-128\n", &h), VG_E_UNSUPPORTED);
    assert_non_null(strstr(err, "line 4 (encryption): \"AES-128\""));
    /* only '\n' ends a line, as Android reads it */
    assert_int_equal(parse("ANDROID BACKUP\r\n5\n1\nnone\n", &h), VG_E_UNSUPPORTED);
    assert_int_equal(parse("ANDROID BACKUP\n5\n1\nnone\r\n", &h), VG_E_UNSUPPORTED);
}

/* Every prefix of a valid header is truncated, never anything worse. */
static void test_truncated(void **state)
{
    struct vg_ab_header h;
    char *s = aes_with(0, NULL);
    size_t full, n;
    (void)state;

    assert_int_equal(parse(s, &h), VG_OK);
    full = h.len;
    for (n = 0; n < full; n++)
        assert_int_equal(vg_ab_header_parse(s, n, &h, err, sizeof err), VG_E_TRUNCATED);
    assert_int_equal(vg_ab_header_parse(s, full, &h, err, sizeof err), VG_OK);
    assert_int_equal(vg_ab_header_parse(s, full - 1, &h, err, sizeof err), VG_E_TRUNCATED);
    assert_non_null(strstr(err, "line 9 (master key blob)"));
    free(s);
}

static void test_salts(void **state)
{
    struct vg_ab_header h;
    char big[2 * 257 + 1];
    (void)state;

    assert_int_equal(parse_aes_with(5, "abc", &h), VG_E_CORRUPT);
    assert_non_null(strstr(err, "line 5 (user salt): odd number of hex digits (3)"));
    assert_int_equal(parse_aes_with(5, "0g", &h), VG_E_CORRUPT);
    assert_non_null(strstr(err, "not hex at column 2"));
    assert_int_equal(parse_aes_with(6, "zz", &h), VG_E_CORRUPT);
    assert_non_null(strstr(err, "line 6 (checksum salt): not hex at column 1"));
    assert_int_equal(parse_aes_with(5, "", &h), VG_E_CORRUPT);
    assert_non_null(strstr(err, "empty"));
    assert_int_equal(parse_aes_with(5, "00 11", &h), VG_E_CORRUPT);
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_int_equal(parse_aes_with(6, big, &h), VG_E_CORRUPT); /* 257 bytes */
    big[2 * 256] = '\0';
    assert_int_equal(parse_aes_with(6, big, &h), VG_OK); /* the cap */
    assert_int_equal(h.ck_salt_len, 256);
    assert_int_equal(parse_aes_with(5, "7f", &h), VG_OK); /* any length Java would take */
    assert_int_equal(h.user_salt_len, 1);
}

static void test_line_cap(void **state)
{
    struct vg_ab_header h;
    char *hex = malloc(3001);
    (void)state;

    assert_non_null(hex);
    memset(hex, '0', 3000);
    hex[3000] = '\0';
    assert_int_equal(parse_aes_with(5, hex, &h), VG_E_LIMIT);
    assert_non_null(strstr(err, "longer than 1024 bytes"));
    free(hex);
}

static void test_rounds(void **state)
{
    struct vg_ab_header h;
    (void)state;

    assert_int_equal(parse_aes_with(7, "0", &h), VG_E_CORRUPT);
    assert_non_null(strstr(err, "line 7 (rounds): 0"));
    assert_int_equal(parse_aes_with(7, "2147483648", &h), VG_E_LIMIT);
    assert_non_null(strstr(err, "more than the cap"));
    assert_int_equal(parse_aes_with(7, "1000001", &h), VG_E_LIMIT);
    assert_int_equal(parse_aes_with(7, "1000000", &h), VG_OK);
    assert_int_equal(h.rounds, 1000000);
    assert_int_equal(parse_aes_with(7, "1", &h), VG_OK);
    assert_int_equal(parse_aes_with(7, "123456789012345678901234567890", &h), VG_E_LIMIT);
    assert_int_equal(parse_aes_with(7, "10k", &h), VG_E_CORRUPT);
    assert_int_equal(parse_aes_with(7, "-5", &h), VG_E_CORRUPT);
    assert_int_equal(parse_aes_with(7, "", &h), VG_E_CORRUPT);
}

static void test_iv_and_blob(void **state)
{
    struct vg_ab_header h;
    (void)state;

    assert_int_equal(parse_aes_with(8, "000102030405060708090A0B0C0D0E", &h), VG_E_CORRUPT);
    assert_non_null(strstr(err, "line 8 (user key IV): 15 bytes, 16 expected"));
    assert_int_equal(parse_aes_with(8, IV16 "00", &h), VG_E_CORRUPT);
    assert_int_equal(parse_aes_with(9, BLOB96 "00112233445566778899AABBCCDDEEFF", &h),
                     VG_E_CORRUPT);
    assert_non_null(strstr(err, "line 9 (master key blob): 112 bytes, at most 96 expected"));
    {
        char shortb[161];
        memcpy(shortb, BLOB96, 160);
        shortb[160] = '\0';
        assert_int_equal(parse_aes_with(9, shortb, &h), VG_E_CORRUPT);
        assert_non_null(strstr(err, "80 bytes, 96 expected"));
    }
}

/* ---- keys ---- */

static void test_java_utf8(void **state)
{
    static const unsigned char in[] = {0x00, 0x41, 0x7f, 0x80, 0xbf, 0xc0, 0xff};
    static const unsigned char want[] = {0x00, 0x41, 0x7f, 0xef, 0xbe, 0x80, 0xef, 0xbe,
                                         0xbf, 0xef, 0xbf, 0x80, 0xef, 0xbf, 0xbf};
    unsigned char out[3 * sizeof in];
    (void)state;

    assert_int_equal(vg_ab_java_utf8(in, sizeof in, out), sizeof want);
    assert_memory_equal(out, want, sizeof want);
}

static void test_password_8bit(void **state)
{
    unsigned char out[16];
    (void)state;

    assert_int_equal(vg_ab_password_8bit("123456", 6, out), 6);
    assert_memory_equal(out, "123456", 6);
    /* é (U+00E9), € (U+20AC), 😀 (U+1F600 = D83D DE00) */
    assert_int_equal(vg_ab_password_8bit("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 9, out), 4);
    assert_int_equal(out[0], 0xe9);
    assert_int_equal(out[1], 0xac);
    assert_int_equal(out[2], 0x3d);
    assert_int_equal(out[3], 0x00);
    /* a byte that is not UTF-8 stays */
    assert_int_equal(vg_ab_password_8bit("a\xff", 2, out), 2);
    assert_int_equal(out[1], 0xff);
}

static void test_checksum_forms(void **state)
{
    unsigned char mk[32], salt[64], a[32], b[32], want[32], wide[96];
    size_t i, wn;
    (void)state;

    for (i = 0; i < 32; i++)
        mk[i] = (unsigned char)(i * 9); /* bytes above 0x7f too */
    memset(salt, 0x5a, sizeof salt);
    assert_int_equal(vg_ab_checksum(mk, 32, salt, 64, 10, VG_AB_FORM_8BIT, a), VG_OK);
    assert_int_equal(vg_ab_checksum(mk, 32, salt, 64, 10, VG_AB_FORM_UTF8, b), VG_OK);
    assert_memory_not_equal(a, b, 32);
    assert_int_equal(PKCS5_PBKDF2_HMAC_SHA1((const char *)mk, 32, salt, 64, 10, 32, want), 1);
    assert_memory_equal(a, want, 32);
    wn = vg_ab_java_utf8(mk, 32, wide);
    assert_true(wn > 32);
    assert_int_equal(PKCS5_PBKDF2_HMAC_SHA1((const char *)wide, (int)wn, salt, 64, 10, 32, want),
                     1);
    assert_memory_equal(b, want, 32);
    /* a key of ASCII bytes reads the same in both forms */
    for (i = 0; i < 32; i++)
        mk[i] = (unsigned char)(0x20 + i);
    assert_int_equal(vg_ab_checksum(mk, 32, salt, 64, 10, VG_AB_FORM_8BIT, a), VG_OK);
    assert_int_equal(vg_ab_checksum(mk, 32, salt, 64, 10, VG_AB_FORM_UTF8, b), VG_OK);
    assert_memory_equal(a, b, 32);
    assert_int_equal(vg_ab_native_form(1), VG_AB_FORM_8BIT);
    assert_int_equal(vg_ab_native_form(2), VG_AB_FORM_UTF8);
    assert_int_equal(vg_ab_native_form(5), VG_AB_FORM_UTF8);
}

static unsigned char *encrypted(unsigned version, enum vgfix_ab_ck ck, const char *pw, int pw_8bit,
                                size_t *len, struct vg_ab_header *h)
{
    struct vgfix_ab_opts o = {version, 1, pw, 10, ck, pw_8bit, 0};
    unsigned char *p;

    assert_int_equal(vgfix_ab_mem(&o, NULL, NULL, &p, len), 0);
    assert_int_equal(vg_ab_header_parse(p, *len, h, err, sizeof err), VG_OK);
    return p;
}

/* Each version with its own checksum form, and with the other one. */
static void test_unlock_versions(void **state)
{
    struct vg_ab_header h;
    struct vg_ab_keys k;
    unsigned v, c;
    size_t len;
    (void)state;

    for (v = 1; v <= 5; v++) {
        for (c = VGFIX_AB_CK_UTF8; c <= VGFIX_AB_CK_8BIT; c++) {
            unsigned char *p = encrypted(v, (enum vgfix_ab_ck)c, "123456", 0, &len, &h);
            assert_int_equal(h.version, v);
            assert_int_equal(h.rounds, 10);
            assert_int_equal(vg_ab_unlock(&h, "123456", 6, &k, err, sizeof err), VG_OK);
            assert_int_equal(k.ck_form, c == VGFIX_AB_CK_UTF8 ? VG_AB_FORM_UTF8 : VG_AB_FORM_8BIT);
            assert_int_equal(vg_ab_unlock(&h, "654321", 6, &k, err, sizeof err), VG_E_PASSWORD);
            assert_non_null(strstr(err, "wrong password"));
            free(p);
        }
    }
}

/* A password beyond ASCII: Android 4.4+ hashes its UTF-8, 4.0-4.3 the low
 * byte of each char; both are tried. */
static void test_unlock_non_ascii(void **state)
{
    static const char pw[] = "p\xc3\xa4ss\xe2\x82\xac"; /* päss€ */
    struct vg_ab_header h;
    struct vg_ab_keys k;
    unsigned char *p;
    size_t len;
    (void)state;

    p = encrypted(1, VGFIX_AB_CK_NATIVE, pw, 1, &len, &h);
    assert_int_equal(vg_ab_unlock(&h, pw, strlen(pw), &k, err, sizeof err), VG_OK);
    assert_int_equal(k.pw_form, VG_AB_FORM_8BIT);
    assert_int_equal(k.ck_form, VG_AB_FORM_8BIT);
    free(p);
    p = encrypted(5, VGFIX_AB_CK_NATIVE, pw, 0, &len, &h);
    assert_int_equal(vg_ab_unlock(&h, pw, strlen(pw), &k, err, sizeof err), VG_OK);
    assert_int_equal(k.pw_form, VG_AB_FORM_UTF8);
    assert_int_equal(k.ck_form, VG_AB_FORM_UTF8);
    assert_int_equal(vg_ab_unlock(&h, "p\xc3\xa4ss", 5, &k, err, sizeof err), VG_E_PASSWORD);
    free(p);
}

static void test_unlock_no_password(void **state)
{
    struct vg_ab_header h;
    struct vg_ab_keys k;
    unsigned char *p;
    size_t len;
    (void)state;

    p = encrypted(5, VGFIX_AB_CK_NATIVE, "123456", 0, &len, &h);
    assert_int_equal(vg_ab_unlock(&h, NULL, 0, &k, err, sizeof err), VG_E_PASSWORD);
    assert_non_null(strstr(err, "no password"));
    assert_int_equal(vg_ab_unlock(&h, "", 0, &k, err, sizeof err), VG_E_PASSWORD);
    h.rounds = 0;
    assert_int_equal(vg_ab_unlock(&h, "123456", 6, &k, err, sizeof err), VG_E_LIMIT);
    h.rounds = 2000000;
    assert_int_equal(vg_ab_unlock(&h, "123456", 6, &k, err, sizeof err), VG_E_LIMIT);
    free(p);
    assert_int_equal(parse("ANDROID BACKUP\n5\n1\nnone\n", &h), VG_OK);
    assert_int_equal(vg_ab_unlock(&h, "x", 1, &k, err, sizeof err), VG_E_INVAL);
}

/* The right password on a damaged header: told apart from a wrong one
 * where the blob shows it. */
static void test_unlock_damaged(void **state)
{
    struct vg_ab_header h, d;
    struct vg_ab_keys k;
    unsigned char *p;
    size_t len;
    (void)state;

    p = encrypted(5, VGFIX_AB_CK_NATIVE, "123456", 0, &len, &h);
    d = h; /* the checksum salt: the blob is intact, its checksum no longer matches */
    d.ck_salt[3] ^= 0x01;
    assert_int_equal(vg_ab_unlock(&d, "123456", 6, &k, err, sizeof err), VG_E_CORRUPT);
    assert_non_null(strstr(err, "checksum matches neither form"));
    d = h; /* the last block of the blob: padding spoilt, lengths intact */
    d.blob[90] ^= 0x40;
    assert_int_equal(vg_ab_unlock(&d, "123456", 6, &k, err, sizeof err), VG_E_CORRUPT);
    assert_non_null(strstr(err, "decrypts only in part"));
    d = h; /* the user IV: only the first block changes */
    d.user_iv[0] ^= 0x10;
    assert_int_equal(vg_ab_unlock(&d, "123456", 6, &k, err, sizeof err), VG_E_CORRUPT);
    d = h; /* a key byte: blob intact in layout, key and checksum disagree */
    d.blob[40] ^= 0x01;
    assert_int_equal(vg_ab_unlock(&d, "123456", 6, &k, err, sizeof err), VG_E_CORRUPT);
    d = h; /* the user salt: indistinguishable from a wrong password */
    d.user_salt[0] ^= 0x01;
    assert_int_equal(vg_ab_unlock(&d, "123456", 6, &k, err, sizeof err), VG_E_PASSWORD);
    assert_int_equal(vg_ab_unlock(&h, "123456", 6, &k, err, sizeof err), VG_OK);
    free(p);
}

/* MVT's encrypted test backup (password 123456): version 5, 10,000 rounds. */
static void test_mvt_backup2(void **state)
{
    char *path = vgfix_shared_path("mvt-artifacts/android_backup/backup2.ab");
    struct vg_ab_header h;
    struct vg_ab_keys k;
    unsigned char *p;
    size_t len;
    (void)state;

    if (!path) {
        printf("../shared/mvt-artifacts not found: MVT comparison skipped\n");
        skip();
    }
    p = (unsigned char *)vgfix_read_file(path, &len);
    assert_non_null(p);
    assert_int_equal(vg_ab_header_parse(p, len, &h, err, sizeof err), VG_OK);
    assert_int_equal(h.version, 5);
    assert_int_equal(h.compressed, 0);
    assert_int_equal(h.crypt, VG_AB_AES256);
    assert_int_equal(h.rounds, 10000);
    assert_int_equal(h.user_salt_len, 64);
    assert_int_equal(h.ck_salt_len, 64);
    assert_int_equal(vg_ab_unlock(&h, "123456", 6, &k, err, sizeof err), VG_OK);
    assert_int_equal(k.ck_form, VG_AB_FORM_UTF8);
    assert_int_equal(vg_ab_unlock(&h, "12345", 5, &k, err, sizeof err), VG_E_PASSWORD);
    free(p);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_header),
        cmocka_unit_test(test_aes_header),
        cmocka_unit_test(test_magic),
        cmocka_unit_test(test_version),
        cmocka_unit_test(test_flags),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_salts),
        cmocka_unit_test(test_line_cap),
        cmocka_unit_test(test_rounds),
        cmocka_unit_test(test_iv_and_blob),
        cmocka_unit_test(test_java_utf8),
        cmocka_unit_test(test_password_8bit),
        cmocka_unit_test(test_checksum_forms),
        cmocka_unit_test(test_unlock_versions),
        cmocka_unit_test(test_unlock_non_ascii),
        cmocka_unit_test(test_unlock_no_password),
        cmocka_unit_test(test_unlock_damaged),
        cmocka_unit_test(test_mvt_backup2),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
