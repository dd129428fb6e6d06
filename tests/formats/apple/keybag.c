/*
 * Backup keybag: TLV parsing with every bound checked, the password key
 * derivation against published PBKDF2 answers, and unlocking the keybag
 * of a fixture backup built by tests/fixtures (with OpenSSL directly).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include "fixture.h"
#include "util/vg.h"
#include "formats/apple/keybag.h"

/* ---- helpers ---- */

static int diag_has(const struct vg_diag *d, const char *text)
{
    size_t i;
    for (i = 0; i < vg_diag_size(d); i++)
        if (strstr(vg_diag_get(d, i)->message, text))
            return 1;
    return 0;
}

struct bag {
    unsigned char b[8192];
    size_t n;
};

static void put(struct bag *k, const char *tag, const void *v, size_t n)
{
    assert_true(k->n + 8 + n <= sizeof(k->b));
    memcpy(k->b + k->n, tag, 4);
    k->b[k->n + 4] = (unsigned char)(n >> 24);
    k->b[k->n + 5] = (unsigned char)(n >> 16);
    k->b[k->n + 6] = (unsigned char)(n >> 8);
    k->b[k->n + 7] = (unsigned char)n;
    memcpy(k->b + k->n + 8, v, n);
    k->n += 8 + n;
}

static void put32(struct bag *k, const char *tag, uint32_t v)
{
    unsigned char b[4] = {(unsigned char)(v >> 24), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 8), (unsigned char)v};
    put(k, tag, b, 4);
}

static const unsigned char dpsl[20] = {0,  1,  2,  3,  4,  5,  6,  7,  8,  9,
                                       10, 11, 12, 13, 14, 15, 16, 17, 18, 19};
static const unsigned char salt[20] = {0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28, 0x29,
                                       0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f, 0x30, 0x31, 0x32, 0x33};
static const unsigned char uuid[16] = {0xaa};
static const unsigned char wpky[40] = {0x55};

static void header(struct bag *k, int two_step)
{
    put32(k, "VERS", two_step ? 4 : 3);
    put32(k, "TYPE", 1);
    put(k, "UUID", uuid, 16);
    put(k, "HMCK", wpky, 40);
    put32(k, "WRAP", 0);
    put(k, "SALT", salt, 20);
    put32(k, "ITER", 3);
    if (two_step) {
        put32(k, "DPWT", 1);
        put32(k, "DPIC", 2);
        put(k, "DPSL", dpsl, 20);
    }
}

static void class_key(struct bag *k, uint32_t clas)
{
    put(k, "UUID", uuid, 16);
    put32(k, "CLAS", clas);
    put32(k, "WRAP", 2);
    put32(k, "KTYP", 0);
    put(k, "WPKY", wpky, 40);
}

static int parse(const struct bag *k, struct vg_diag **d, struct vg_keybag **kb)
{
    assert_int_equal(vg_diag_new(NULL, NULL, d), VG_OK);
    return vg_keybag_parse(k->b, k->n, "Manifest.plist", *d, kb);
}

/* ---- parsing ---- */

/* A whole keybag, byte for byte: VERS 4, TYPE 1, UUID, SALT, ITER 3, one
 * class key (CLAS 3, WRAP 2, KTYP 0, a 40-byte WPKY). */
static const unsigned char small_keybag[] = {
    'V', 'E', 'R', 'S', 0,   0,   0,   4,   0,   0,   0,  4,  'T', 'Y', 'P', 'E', 0, 0,
    0,   4,   0,   0,   0,   1,   'U', 'U', 'I', 'D', 0,  0,  0,   16,  1,   2,   3, 4,
    5,   6,   7,   8,   9,   10,  11,  12,  13,  14,  15, 16, 'S', 'A', 'L', 'T', 0, 0,
    0,   4,   's', 'a', 'l', 't', 'I', 'T', 'E', 'R', 0,  0,  0,   4,   0,   0,   0, 3,
    'U', 'U', 'I', 'D', 0,   0,   0,   16,  1,   1,   1,  1,  1,   1,   1,   1,   1, 1,
    1,   1,   1,   1,   1,   1,   'C', 'L', 'A', 'S', 0,  0,  0,   4,   0,   0,   0, 3,
    'W', 'R', 'A', 'P', 0,   0,   0,   4,   0,   0,   0,  2,  'K', 'T', 'Y', 'P', 0, 0,
    0,   4,   0,   0,   0,   0,   'W', 'P', 'K', 'Y', 0,  0,  0,   40,  9,   9,   9, 9,
    9,   9,   9,   9,   9,   9,   9,   9,   9,   9,   9,  9,  9,   9,   9,   9,   9, 9,
    9,   9,   9,   9,   9,   9,   9,   9,   9,   9,   9,  9,  9,   9,   9,   9,   9, 9,
};

static void test_parse_inline(void **state)
{
    struct vg_diag *d = NULL;
    struct vg_keybag *kb = NULL;
    (void)state;

    assert_int_equal(vg_diag_new(NULL, NULL, &d), VG_OK);
    assert_int_equal(vg_keybag_parse(small_keybag, sizeof(small_keybag), "x", d, &kb), VG_OK);
    assert_int_equal(kb->vers, 4);
    assert_int_equal(kb->type, 1);
    assert_int_equal(kb->iter, 3);
    assert_int_equal(kb->salt_len, 4);
    assert_memory_equal(kb->salt, "salt", 4);
    assert_false(kb->has_dp);
    assert_int_equal(kb->n_cls, 1);
    assert_int_equal(kb->cls[0].clas, 3);
    assert_int_equal(kb->cls[0].wrap, 2);
    assert_int_equal(kb->cls[0].wpky[39], 9);
    assert_false(kb->cls[0].unlocked);
    assert_int_equal(vg_diag_size(d), 0);
    vg_keybag_free(kb);
    vg_keybag_free(NULL);
    vg_diag_free(d);
}

static void test_parse_built(void **state)
{
    struct bag k = {{0}, 0};
    struct vg_diag *d = NULL;
    struct vg_keybag *kb = NULL;
    uint32_t c;
    (void)state;

    header(&k, 1);
    for (c = 1; c <= 11; c++)
        class_key(&k, c);
    put(&k, "NEWT", "future", 6); /* a tag from a later iOS is skipped */
    assert_int_equal(parse(&k, &d, &kb), VG_OK);
    assert_true(kb->has_dp);
    assert_int_equal(kb->dpic, 2);
    assert_int_equal(kb->dpsl_len, 20);
    assert_int_equal(kb->n_cls, 11);
    assert_int_equal(kb->cls[10].clas, 11);
    vg_keybag_free(kb);
    vg_diag_free(d);
}

/* Cut anywhere, the keybag is refused cleanly, never read past its end. */
static void test_every_truncation(void **state)
{
    struct bag k = {{0}, 0};
    size_t cut, whole_first;
    (void)state;

    header(&k, 1);
    class_key(&k, 1);
    whole_first = k.n; /* cut here, it is a complete keybag of one class */
    class_key(&k, 2);
    for (cut = 0; cut < k.n; cut++) {
        struct vg_diag *d = NULL;
        struct vg_keybag *kb = NULL;
        unsigned char *copy = malloc(cut ? cut : 1); /* exact size: ASan sees any overread */
        int rc;

        assert_non_null(copy);
        memcpy(copy, k.b, cut);
        assert_int_equal(vg_diag_new(NULL, NULL, &d), VG_OK);
        rc = vg_keybag_parse(copy, cut, "Manifest.plist", d, &kb);
        if (cut == whole_first) {
            assert_int_equal(rc, VG_OK);
            assert_int_equal(kb->n_cls, 1);
            vg_keybag_free(kb);
            vg_diag_free(d);
            free(copy);
            continue;
        }
        if (rc == VG_OK)
            fail_msg("cut at %zu parsed", cut);
        assert_null(kb);
        assert_true(vg_diag_count(d, VG_DIAG_ERROR) > 0);
        vg_diag_free(d);
        free(copy);
    }
}

static void test_length_past_end(void **state)
{
    struct bag k = {{0}, 0};
    struct vg_diag *d = NULL;
    struct vg_keybag *kb = NULL;
    (void)state;

    header(&k, 1);
    put(&k, "UUID", uuid, 16);
    put32(&k, "CLAS", 1);
    /* a WPKY claiming 4096 bytes with 40 left */
    memcpy(k.b + k.n, "WPKY\x00\x00\x10\x00", 8);
    memset(k.b + k.n + 8, 0, 40);
    k.n += 48;
    assert_int_equal(parse(&k, &d, &kb), VG_E_TRUNCATED);
    assert_true(diag_has(d, "TLV WPKY at offset"));
    assert_true(diag_has(d, "length 4096 > remaining 40 (Manifest.plist)"));
    vg_diag_free(d);
}

struct bad_case {
    const char *name;
    void (*build)(struct bag *k);
    int rc;
    const char *message;
};

static void b_repeat(struct bag *k)
{
    header(k, 1);
    put32(k, "ITER", 5);
    class_key(k, 1);
}
static void b_orphan(struct bag *k)
{
    put32(k, "CLAS", 1);
    header(k, 1);
}
static void b_wpky_len(struct bag *k)
{
    header(k, 1);
    put(k, "UUID", uuid, 16);
    put32(k, "CLAS", 1);
    put32(k, "WRAP", 2);
    put(k, "WPKY", wpky, 32);
}
static void b_half_dp(struct bag *k)
{
    header(k, 0);
    put32(k, "DPIC", 5);
    class_key(k, 1);
}
static void b_iter0(struct bag *k)
{
    put32(k, "VERS", 3);
    put32(k, "TYPE", 1);
    put(k, "UUID", uuid, 16);
    put(k, "SALT", salt, 20);
    put32(k, "ITER", 0);
    class_key(k, 1);
}
static void b_iter_huge(struct bag *k)
{
    put32(k, "VERS", 3);
    put32(k, "TYPE", 1);
    put(k, "UUID", uuid, 16);
    put(k, "SALT", salt, 20);
    put32(k, "ITER", 0xffffffffu);
    class_key(k, 1);
}
static void b_type(struct bag *k)
{
    put32(k, "VERS", 3);
    put32(k, "TYPE", 2); /* escrow */
    put(k, "UUID", uuid, 16);
    put(k, "SALT", salt, 20);
    put32(k, "ITER", 1);
    class_key(k, 1);
}
static void b_twice(struct bag *k)
{
    header(k, 1);
    class_key(k, 3);
    class_key(k, 3);
}
static void b_no_wpky(struct bag *k)
{
    header(k, 1);
    put(k, "UUID", uuid, 16);
    put32(k, "CLAS", 1);
    put32(k, "WRAP", 2);
}
static void b_no_class(struct bag *k)
{
    header(k, 1);
}
static void b_too_many(struct bag *k)
{
    uint32_t c;
    header(k, 1);
    for (c = 1; c <= VG_MAX_KEYBAG_CLASSES + 1; c++)
        class_key(k, c);
}
static void b_short_int(struct bag *k)
{
    put(k, "VERS", "\x00\x04", 2);
}
static void b_uuid_len(struct bag *k)
{
    put32(k, "VERS", 3);
    put(k, "UUID", uuid, 15);
}
static void b_salt_len(struct bag *k)
{
    put(k, "SALT", "", 0);
}

static const struct bad_case bad_cases[] = {
    {"repeated ITER", b_repeat, VG_E_CORRUPT, "TLV ITER at offset"},
    {"class tag first", b_orphan, VG_E_CORRUPT, "class key tag before any class UUID"},
    {"WPKY not 40", b_wpky_len, VG_E_CORRUPT, "wrapped class key is not 40 bytes"},
    {"DPIC alone", b_half_dp, VG_E_CORRUPT, "only one of DPIC and DPSL"},
    {"ITER 0", b_iter0, VG_E_LIMIT, "iteration count out of range"},
    {"ITER huge", b_iter_huge, VG_E_LIMIT, "iteration count out of range"},
    {"not a backup keybag", b_type, VG_E_UNSUPPORTED, "TYPE 2 is not a backup keybag"},
    {"class twice", b_twice, VG_E_CORRUPT, "class 3 listed twice"},
    {"no WPKY", b_no_wpky, VG_E_CORRUPT, "lacks CLAS, WRAP or WPKY"},
    {"no class", b_no_class, VG_E_CORRUPT, "no class keys"},
    {"too many classes", b_too_many, VG_E_LIMIT, "more than 32 class keys"},
    {"short integer", b_short_int, VG_E_CORRUPT, "not a 4-byte integer"},
    {"UUID length", b_uuid_len, VG_E_CORRUPT, "UUID is not 16 bytes"},
    {"empty salt", b_salt_len, VG_E_CORRUPT, "salt length out of range"},
};

static void test_malformed(void **state)
{
    size_t i;
    (void)state;

    for (i = 0; i < VG_ARRAY_LEN(bad_cases); i++) {
        struct bag k = {{0}, 0};
        struct vg_diag *d = NULL;
        struct vg_keybag *kb = NULL;

        bad_cases[i].build(&k);
        if (parse(&k, &d, &kb) != bad_cases[i].rc || !diag_has(d, bad_cases[i].message))
            fail_msg("%s: expected %d \"%s\"", bad_cases[i].name, bad_cases[i].rc,
                     bad_cases[i].message);
        assert_null(kb);
        vg_diag_free(d);
    }
}

static void test_oversized(void **state)
{
    struct vg_diag *d = NULL;
    struct vg_keybag *kb = NULL;
    (void)state;

    assert_int_equal(vg_diag_new(NULL, NULL, &d), VG_OK);
    assert_int_equal(vg_keybag_parse(small_keybag, (size_t)VG_MAX_KEYBAG + 1, "x", d, &kb),
                     VG_E_LIMIT);
    vg_diag_free(d);
}

/* ---- key derivation ---- */

static void hexeq(const unsigned char *got, size_t n, const char *want)
{
    char hex[129];
    assert_true(n * 2 < sizeof(hex));
    vg_hex_encode(got, n, hex);
    assert_string_equal(hex, want);
}

/* RFC 6070 (PBKDF2-HMAC-SHA1) and the PBKDF2-HMAC-SHA256 answers of RFC 7914
 * section 11 and the widely used "password"/"salt" set. */
static void test_pbkdf2_vectors(void **state)
{
    unsigned char out[64];
    (void)state;

    assert_int_equal(vg_pbkdf2(0, "password", 8, (const unsigned char *)"salt", 4, 1, out, 20),
                     VG_OK);
    hexeq(out, 20, "0c60c80f961f0e71f3a9b524af6012062fe037a6");
    assert_int_equal(vg_pbkdf2(0, "password", 8, (const unsigned char *)"salt", 4, 2, out, 20),
                     VG_OK);
    hexeq(out, 20, "ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957");
    assert_int_equal(vg_pbkdf2(0, "password", 8, (const unsigned char *)"salt", 4, 4096, out, 20),
                     VG_OK);
    hexeq(out, 20, "4b007901b765489abead49d926f721d065a429c1");
    assert_int_equal(vg_pbkdf2(0, "passwordPASSWORDpassword", 24,
                               (const unsigned char *)"saltSALTsaltSALTsaltSALTsaltSALTsalt", 36,
                               4096, out, 25),
                     VG_OK);
    hexeq(out, 25, "3d2eec4fe41c849b80c8d83662c0e44a8b291a964cf2f07038");
    assert_int_equal(
        vg_pbkdf2(0, "pass\0word", 9, (const unsigned char *)"sa\0lt", 5, 4096, out, 16), VG_OK);
    hexeq(out, 16, "56fa6aa75548099dcc37d7f03425e0c3");

    assert_int_equal(vg_pbkdf2(1, "password", 8, (const unsigned char *)"salt", 4, 1, out, 32),
                     VG_OK);
    hexeq(out, 32, "120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b");
    assert_int_equal(vg_pbkdf2(1, "password", 8, (const unsigned char *)"salt", 4, 4096, out, 32),
                     VG_OK);
    hexeq(out, 32, "c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a");
    assert_int_equal(vg_pbkdf2(1, "passwd", 6, (const unsigned char *)"salt", 4, 1, out, 64),
                     VG_OK);
    hexeq(out, 64,
          "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
          "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783");
    assert_int_equal(vg_pbkdf2(1, "x", 1, (const unsigned char *)"s", 1, 0, out, 32), VG_E_INVAL);
}

/* The two steps composed, and the one-step form, on keybags: answers from
 * Python's hashlib.pbkdf2_hmac, an implementation independent of this one. */
static void test_derive(void **state)
{
    struct bag k2 = {{0}, 0}, k1 = {{0}, 0};
    struct vg_diag *d = NULL;
    struct vg_keybag *kb = NULL;
    unsigned char key[32];
    (void)state;

    header(&k2, 1);
    class_key(&k2, 1);
    assert_int_equal(parse(&k2, &d, &kb), VG_OK);
    assert_int_equal(vg_keybag_derive(kb, "password", 8, key), VG_OK);
    hexeq(key, 32, "3b5bdba9257d1790161e702803bd3430d28cbd40ecee56af6f4af9f72afa023b");
    vg_keybag_free(kb);
    vg_diag_free(d);

    header(&k1, 0);
    class_key(&k1, 1);
    assert_int_equal(parse(&k1, &d, &kb), VG_OK);
    assert_int_equal(vg_keybag_derive(kb, "password", 8, key), VG_OK);
    hexeq(key, 32, "5a1554537b9b26a3effdc6004a25f5618019eb8e78219eef26692d7cebe633ae");
    vg_keybag_free(kb);
    vg_diag_free(d);
}

/* ---- unlocking a fixture's keybag ---- */

struct fixture_bag {
    char *dir;
    unsigned char *keybag, *manifest_key;
    size_t keybag_len, manifest_key_len;
    unsigned char password_key[32];
};

static unsigned char *plist_bytes(plist_t dict, const char *key, size_t *len)
{
    plist_t v = plist_dict_get_item(dict, key);
    char *p = NULL;
    uint64_t n = 0;

    assert_non_null(v);
    plist_get_data_val(v, &p, &n);
    *len = (size_t)n;
    return (unsigned char *)p;
}

static void fixture_bag(struct fixture_bag *f, int legacy)
{
    struct vgfix_backup *b;
    char path[4096];
    plist_t mp;

    f->dir = vgfix_tmpdir("keybag");
    assert_non_null(f->dir);
    snprintf(path, sizeof(path), "%s/backup", f->dir);
    b = vgfix_backup_new(path);
    assert_non_null(b);
    if (legacy)
        assert_int_equal(vgfix_backup_set_password_legacy(b, "correct horse", 7), 0);
    else
        assert_int_equal(vgfix_backup_set_password(b, "correct horse", 7), 0);
    assert_int_equal(vgfix_backup_password_key(b, f->password_key), 0);
    assert_int_equal(vgfix_backup_finish(b), 0);
    vgfix_backup_free(b);
    snprintf(path, sizeof(path), "%s/backup/Manifest.plist", f->dir);
    mp = vgfix_plist_read(path);
    assert_non_null(mp);
    f->keybag = plist_bytes(mp, "BackupKeyBag", &f->keybag_len);
    f->manifest_key = plist_bytes(mp, "ManifestKey", &f->manifest_key_len);
    plist_free(mp);
}

static void fixture_bag_free(struct fixture_bag *f)
{
    vgfix_rmtree(f->dir);
    free(f->dir);
    free(f->keybag);
    free(f->manifest_key);
}

static void unlock_with(int legacy)
{
    struct fixture_bag f;
    struct vg_diag *d = NULL;
    struct vg_keybag *kb = NULL;
    unsigned char key[32], mkey[32];
    size_t i;

    fixture_bag(&f, legacy);
    assert_int_equal(vg_diag_new(NULL, NULL, &d), VG_OK);
    assert_int_equal(vg_keybag_parse(f.keybag, f.keybag_len, "Manifest.plist", d, &kb), VG_OK);
    assert_int_equal(kb->has_dp, !legacy);
    assert_int_equal(kb->n_cls, 11);
    assert_int_equal(vg_keybag_derive(kb, "correct horse", 13, key), VG_OK);
    assert_memory_equal(key, f.password_key, 32);
    assert_int_equal(vg_keybag_unlock(kb, key, "Manifest.plist", d), VG_OK);
    for (i = 0; i < kb->n_cls; i++)
        assert_true(kb->cls[i].unlocked);
    assert_int_equal(vg_keybag_unwrap(kb, f.manifest_key, f.manifest_key_len, mkey), VG_OK);
    assert_int_equal(vg_diag_size(d), 0);
    vg_keybag_free(kb);
    vg_diag_free(d);
    fixture_bag_free(&f);
}

static void test_unlock_fixture(void **state)
{
    (void)state;
    unlock_with(0);
    unlock_with(1);
}

static void test_wrong_password(void **state)
{
    struct fixture_bag f;
    struct vg_diag *d = NULL;
    struct vg_keybag *kb = NULL;
    unsigned char key[32], mkey[32];
    size_t i;
    (void)state;

    fixture_bag(&f, 0);
    assert_int_equal(vg_diag_new(NULL, NULL, &d), VG_OK);
    assert_int_equal(vg_keybag_parse(f.keybag, f.keybag_len, "Manifest.plist", d, &kb), VG_OK);
    assert_int_equal(vg_keybag_derive(kb, "correct horsf", 13, key), VG_OK);
    assert_int_equal(vg_keybag_unlock(kb, key, "Manifest.plist", d), VG_E_PASSWORD);
    assert_true(diag_has(d, "wrong backup password or key"));
    for (i = 0; i < kb->n_cls; i++)
        assert_false(kb->cls[i].unlocked);
    assert_int_equal(vg_keybag_unwrap(kb, f.manifest_key, f.manifest_key_len, mkey), VG_E_NOTFOUND);
    vg_keybag_free(kb);
    vg_diag_free(d);
    fixture_bag_free(&f);
}

/* One damaged class key: a warning naming the class, the others still open. */
static void test_one_bad_class_key(void **state)
{
    struct fixture_bag f;
    struct vg_diag *d = NULL;
    struct vg_keybag *kb = NULL;
    unsigned char mkey[32], blob[44];
    size_t i;
    (void)state;

    fixture_bag(&f, 0);
    assert_int_equal(vg_diag_new(NULL, NULL, &d), VG_OK);
    assert_int_equal(vg_keybag_parse(f.keybag, f.keybag_len, "Manifest.plist", d, &kb), VG_OK);
    for (i = 0; i < kb->n_cls; i++)
        if (kb->cls[i].clas == 4)
            kb->cls[i].wpky[7] ^= 0x10;
    assert_int_equal(vg_keybag_unlock(kb, f.password_key, "Manifest.plist", d), VG_OK);
    assert_true(diag_has(d, "the key of protection class 4 does not unwrap"));
    assert_int_equal(vg_diag_count(d, VG_DIAG_WARN), 1);
    /* the manifest key is wrapped under class 4 */
    assert_int_equal(vg_keybag_unwrap(kb, f.manifest_key, f.manifest_key_len, mkey), VG_E_NOTFOUND);
    /* blob checks: length, unknown class, damaged wrapped key */
    assert_int_equal(vg_keybag_unwrap(kb, f.manifest_key, 43, mkey), VG_E_CORRUPT);
    memcpy(blob, f.manifest_key, 44);
    blob[0] = 3;
    assert_int_equal(vg_keybag_unwrap(kb, blob, 44, mkey), VG_E_CRYPTO);
    blob[0] = 99;
    assert_int_equal(vg_keybag_unwrap(kb, blob, 44, mkey), VG_E_NOTFOUND);
    vg_keybag_free(kb);
    vg_diag_free(d);
    fixture_bag_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_inline),      cmocka_unit_test(test_parse_built),
        cmocka_unit_test(test_every_truncation),  cmocka_unit_test(test_length_past_end),
        cmocka_unit_test(test_malformed),         cmocka_unit_test(test_oversized),
        cmocka_unit_test(test_pbkdf2_vectors),    cmocka_unit_test(test_derive),
        cmocka_unit_test(test_unlock_fixture),    cmocka_unit_test(test_wrong_password),
        cmocka_unit_test(test_one_bad_class_key),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
