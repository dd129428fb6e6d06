/*
 * The binary plist key reader (src/lib/formats/bplist.c) on inline files
 * written byte by byte; Python's plistlib reads the first two as
 * {'a\x00b': 1, 'é😀': {'k': 1}} and {'abcdefghijklmnopqrst': 2}.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include "util/vg.h"
#include "formats/apple/bplist.h"

/* Objects: 0 {1: 3, 2: 4}, 1 "a\0b" (ASCII), 2 U+00E9 U+1F600 (UTF-16),
 * 3 integer 1, 4 {5: 3}, 5 "k". One-byte offsets and references. */
static const unsigned char bp_main[] = {
    0x62, 0x70, 0x6c, 0x69, 0x73, 0x74, 0x30, 0x30, 0xd2, 0x01, 0x02, 0x03, 0x04, 0x53,
    0x61, 0x00, 0x62, 0x63, 0x00, 0xe9, 0xd8, 0x3d, 0xde, 0x00, 0x10, 0x01, 0xd1, 0x05,
    0x03, 0x51, 0x6b, 0x08, 0x0d, 0x11, 0x18, 0x1a, 0x1d, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x06, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1f,
};

/* {"abcdefghijklmnopqrst": 2}: a string count in a following int object. */
static const unsigned char bp_long[] = {
    0x62, 0x70, 0x6c, 0x69, 0x73, 0x74, 0x30, 0x30, 0xd1, 0x01, 0x02, 0x5f, 0x10, 0x14, 0x61,
    0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f, 0x70,
    0x71, 0x72, 0x73, 0x74, 0x10, 0x02, 0x08, 0x0b, 0x22, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x24,
};

/* {"A" U+D800 "B" U+DC00: 2}: unpaired surrogates (in this order they pair
 * with nothing). */
static const unsigned char bp_lone[] = {
    0x62, 0x70, 0x6c, 0x69, 0x73, 0x74, 0x30, 0x30, 0xd1, 0x01, 0x02, 0x64, 0x00, 0x41, 0xd8,
    0x00, 0x00, 0x42, 0xdc, 0x00, 0x10, 0x02, 0x08, 0x0b, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x16,
};
static void open_ok(struct vg_bplist *bp, const unsigned char *p, size_t n)
{
    assert_int_equal(vg_bplist_open(bp, p, n), VG_OK);
}

/* String object ref as bytes. */
static void assert_string(const struct vg_bplist *bp, uint64_t ref, const char *want, size_t n)
{
    struct vg_buf b;

    vg_buf_init(&b, 1024);
    assert_int_equal(vg_bplist_string(bp, ref, &b), VG_OK);
    assert_int_equal(b.len, n);
    assert_memory_equal(b.data, want, n);
    vg_buf_free(&b);
}

static void test_keys(void **state)
{
    struct vg_bplist bp;
    uint64_t n, ref;
    (void)state;

    open_ok(&bp, bp_main, sizeof(bp_main));
    assert_int_equal(bp.top, 0);
    assert_int_equal(bp.nobj, 6);
    assert_int_equal(vg_bplist_dict_size(&bp, bp.top, &n), VG_OK);
    assert_int_equal(n, 2);
    assert_int_equal(vg_bplist_dict_ref(&bp, bp.top, 0, 0, &ref), VG_OK);
    assert_int_equal(ref, 1);
    assert_string(&bp, ref, "a\0b", 3); /* the NUL libplist would cut at */
    assert_int_equal(vg_bplist_dict_ref(&bp, bp.top, 0, 1, &ref), VG_OK);
    assert_string(&bp, ref, "\xC3\xA9\xF0\x9F\x98\x80", 6);
    assert_int_equal(vg_bplist_dict_ref(&bp, bp.top, 1, 1, &ref), VG_OK);
    assert_int_equal(ref, 4);
    assert_int_equal(vg_bplist_dict_size(&bp, ref, &n), VG_OK);
    assert_int_equal(n, 1);
    assert_int_equal(vg_bplist_dict_ref(&bp, 4, 0, 0, &ref), VG_OK);
    assert_string(&bp, ref, "k", 1);
}

static void test_long_count_and_surrogates(void **state)
{
    struct vg_bplist bp;
    uint64_t ref;
    (void)state;

    open_ok(&bp, bp_long, sizeof(bp_long));
    assert_int_equal(vg_bplist_dict_ref(&bp, bp.top, 0, 0, &ref), VG_OK);
    assert_string(&bp, ref, "abcdefghijklmnopqrst", 20);
    open_ok(&bp, bp_lone, sizeof(bp_lone));
    assert_int_equal(vg_bplist_dict_ref(&bp, bp.top, 0, 0, &ref), VG_OK);
    assert_string(&bp, ref,
                  "A\xEF\xBF\xBD"
                  "B\xEF\xBF\xBD",
                  8);
}

static void test_not_what_is_asked(void **state)
{
    struct vg_bplist bp;
    struct vg_buf b;
    uint64_t n, ref;
    (void)state;

    open_ok(&bp, bp_main, sizeof(bp_main));
    assert_int_equal(vg_bplist_dict_ref(&bp, bp.top, 0, 2, &ref), VG_E_CORRUPT); /* i >= n */
    assert_int_equal(vg_bplist_dict_size(&bp, 1, &n), VG_E_CORRUPT);             /* a string */
    assert_int_equal(vg_bplist_dict_size(&bp, 6, &n), VG_E_CORRUPT);             /* no object 6 */
    vg_buf_init(&b, 1024);
    assert_int_equal(vg_bplist_string(&bp, 3, &b), VG_E_CORRUPT); /* an integer */
    vg_buf_free(&b);
    vg_buf_init(&b, 2);
    assert_int_equal(vg_bplist_string(&bp, 5, &b), VG_OK);
    assert_int_not_equal(vg_bplist_string(&bp, 1, &b), VG_OK); /* past the cap */
    vg_buf_free(&b);
}

static void test_damaged(void **state)
{
    unsigned char bad[sizeof(bp_main)];
    struct vg_bplist bp;
    uint64_t ref;
    size_t last = sizeof(bp_main) - 1;
    (void)state;

    assert_int_equal(vg_bplist_open(&bp, bp_main, 39), VG_E_UNSUPPORTED); /* no room */
    memcpy(bad, bp_main, sizeof(bad));
    bad[7] = '1'; /* bplist01 */
    assert_int_equal(vg_bplist_open(&bp, bad, sizeof(bad)), VG_E_UNSUPPORTED);
    memcpy(bad, bp_main, sizeof(bad));
    bad[last] = 0xFF; /* offset table past the end */
    assert_int_equal(vg_bplist_open(&bp, bad, sizeof(bad)), VG_E_CORRUPT);
    memcpy(bad, bp_main, sizeof(bad));
    bad[last - 8] = 6; /* top object = object count (6) */
    assert_int_equal(vg_bplist_open(&bp, bad, sizeof(bad)), VG_E_CORRUPT);
    memcpy(bad, bp_main, sizeof(bad));
    bad[last - 24] = 9; /* reference width 9 */
    assert_int_equal(vg_bplist_open(&bp, bad, sizeof(bad)), VG_E_CORRUPT);
    memcpy(bad, bp_main, sizeof(bad));
    bad[last - 16] = 0x40; /* 64 objects: more than the offset table holds */
    assert_int_equal(vg_bplist_open(&bp, bad, sizeof(bad)), VG_E_CORRUPT);
    memcpy(bad, bp_main, sizeof(bad));
    bad[8] = 0xDF; /* the top dict claims 15 entries: more than its bytes */
    open_ok(&bp, bad, sizeof(bad));
    assert_int_equal(vg_bplist_dict_ref(&bp, bp.top, 0, 0, &ref), VG_E_CORRUPT);
    memcpy(bad, bp_main, sizeof(bad));
    bad[0x1f] = 0x30; /* object 0 said to lie in the offset table */
    open_ok(&bp, bad, sizeof(bad));
    assert_int_equal(vg_bplist_dict_ref(&bp, bp.top, 0, 0, &ref), VG_E_CORRUPT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keys),
        cmocka_unit_test(test_long_count_and_surrogates),
        cmocka_unit_test(test_not_what_is_asked),
        cmocka_unit_test(test_damaged),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
