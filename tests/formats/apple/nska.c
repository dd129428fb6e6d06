/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include <stdio.h>

#include "util/vg.h"
#include "formats/apple/nska.h"

/* ------------------------------------------------ building archives */

static plist_t class_dict(const char *name, const char *parent)
{
    plist_t d = plist_new_dict(), classes = plist_new_array();
    plist_array_append_item(classes, plist_new_string(name));
    if (parent)
        plist_array_append_item(classes, plist_new_string(parent));
    plist_array_append_item(classes, plist_new_string("NSObject"));
    plist_dict_set_item(d, "$classname", plist_new_string(name));
    plist_dict_set_item(d, "$classes", classes);
    return d;
}

/* An instance dict with "$class" pointing at object cls. */
static plist_t instance(uint64_t cls)
{
    plist_t d = plist_new_dict();
    plist_dict_set_item(d, "$class", plist_new_uid(cls));
    return d;
}

static plist_t uid_array(const uint64_t *v, size_t n)
{
    plist_t a = plist_new_array();
    size_t i;
    for (i = 0; i < n; i++)
        plist_array_append_item(a, plist_new_uid(v[i]));
    return a;
}

/* Wraps $objects into a keyed archive whose root is UID root; takes objects. */
static plist_t archive(plist_t objects, uint64_t root)
{
    plist_t a = plist_new_dict(), top = plist_new_dict();
    plist_dict_set_item(top, "root", plist_new_uid(root));
    plist_dict_set_item(a, "$version", plist_new_uint(100000));
    plist_dict_set_item(a, "$archiver", plist_new_string("NSKeyedArchiver"));
    plist_dict_set_item(a, "$top", top);
    plist_dict_set_item(a, "$objects", objects);
    return a;
}

/* Serialises and frees p. */
static unsigned char *to_bin(plist_t p, size_t *len)
{
    char *bin = NULL;
    uint32_t n = 0;
    unsigned char *copy;
    plist_to_bin(p, &bin, &n);
    plist_free(p);
    assert_non_null(bin);
    copy = malloc(n);
    assert_non_null(copy);
    memcpy(copy, bin, n);
    plist_to_bin_free(bin);
    *len = n;
    return copy;
}

static int decode_tree(plist_t arch, plist_t *out, char *err, size_t errcap)
{
    size_t len;
    unsigned char *bin = to_bin(arch, &len);
    int rc = vg_nska_decode(bin, len, out, err, errcap);
    free(bin);
    return rc;
}

static const char *str_at(plist_t dict, const char *key)
{
    plist_t v = plist_dict_get_item(dict, key);
    assert_int_equal(plist_get_node_type(v), PLIST_STRING);
    return plist_get_string_ptr(v, NULL);
}

/* ------------------------------------------------ well-formed archives */

/*
 * root NSDictionary {"name": NSString, "list": NSArray[NSString, 7],
 *                    "blob": NSData, "when": NSDate, "flag": true}
 */
static plist_t sample_archive(void)
{
    plist_t o = plist_new_array(), root, list, str, data, date;
    static const uint64_t keys[] = {2, 3, 4, 5, 6}, vals[] = {7, 8, 11, 14, 16};
    static const uint64_t items[] = {9, 10};

    plist_array_append_item(o, plist_new_string("$null")); /* 0 */
    root = instance(17);                                   /* 1 */
    plist_dict_set_item(root, "NS.keys", uid_array(keys, 5));
    plist_dict_set_item(root, "NS.objects", uid_array(vals, 5));
    plist_array_append_item(o, root);
    plist_array_append_item(o, plist_new_string("name"));  /* 2 */
    plist_array_append_item(o, plist_new_string("list"));  /* 3 */
    plist_array_append_item(o, plist_new_string("blob"));  /* 4 */
    plist_array_append_item(o, plist_new_string("when"));  /* 5 */
    plist_array_append_item(o, plist_new_string("flag"));  /* 6 */
    plist_array_append_item(o, plist_new_string("vigie")); /* 7: plain string */
    list = instance(18);                                   /* 8 */
    plist_dict_set_item(list, "NS.objects", uid_array(items, 2));
    plist_array_append_item(o, list);
    str = instance(12); /* 9: NSMutableString */
    plist_dict_set_item(str, "NS.string", plist_new_string("mutable"));
    plist_array_append_item(o, str);
    plist_array_append_item(o, plist_new_uint(7)); /* 10 */
    data = instance(13);                           /* 11 */
    plist_dict_set_item(data, "NS.data", plist_new_data("\x01\x02\x03", 3));
    plist_array_append_item(o, data);
    plist_array_append_item(o, class_dict("NSMutableString", "NSString")); /* 12 */
    plist_array_append_item(o, class_dict("NSMutableData", "NSData"));     /* 13 */
    date = instance(15);                                                   /* 14 */
    plist_dict_set_item(date, "NS.time", plist_new_real(1.5));
    plist_array_append_item(o, date);
    plist_array_append_item(o, class_dict("NSDate", NULL));                        /* 15 */
    plist_array_append_item(o, plist_new_bool(1));                                 /* 16 */
    plist_array_append_item(o, class_dict("NSMutableDictionary", "NSDictionary")); /* 17 */
    plist_array_append_item(o, class_dict("NSMutableArray", "NSArray"));           /* 18 */
    return archive(o, 1);
}

static void check_sample(plist_t r)
{
    plist_t list, blob, when, flag;
    uint64_t u = 0, len = 0;
    int32_t sec = 0, usec = 0;
    uint8_t b = 0;

    assert_int_equal(plist_get_node_type(r), PLIST_DICT);
    assert_int_equal(plist_dict_get_size(r), 5);
    assert_string_equal(str_at(r, "name"), "vigie");
    list = plist_dict_get_item(r, "list");
    assert_int_equal(plist_get_node_type(list), PLIST_ARRAY);
    assert_int_equal(plist_array_get_size(list), 2);
    assert_string_equal(plist_get_string_ptr(plist_array_get_item(list, 0), NULL), "mutable");
    plist_get_uint_val(plist_array_get_item(list, 1), &u);
    assert_int_equal(u, 7);
    blob = plist_dict_get_item(r, "blob");
    assert_int_equal(plist_get_node_type(blob), PLIST_DATA);
    assert_memory_equal(plist_get_data_ptr(blob, &len), "\x01\x02\x03", 3);
    assert_int_equal(len, 3);
    when = plist_dict_get_item(r, "when");
    assert_int_equal(plist_get_node_type(when), PLIST_DATE);
    plist_get_date_val(when, &sec, &usec);
    assert_int_equal(sec, 1);
    assert_int_equal(usec, 500000);
    flag = plist_dict_get_item(r, "flag");
    plist_get_bool_val(flag, &b);
    assert_int_equal(b, 1);
}

static void test_foundation_classes(void **state)
{
    plist_t r = NULL;
    char err[128];
    (void)state;

    assert_int_equal(decode_tree(sample_archive(), &r, err, sizeof(err)), VG_OK);
    check_sample(r);
    plist_free(r);
}

/* libplist writes UIDs in XML as {"CF$UID": n}, as Apple's tools do. */
static void test_xml_archive(void **state)
{
    plist_t arch = sample_archive(), r = NULL;
    char *xml = NULL;
    uint32_t n = 0;
    (void)state;

    plist_to_xml(arch, &xml, &n);
    plist_free(arch);
    assert_non_null(xml);
    assert_non_null(strstr(xml, "CF$UID"));
    assert_int_equal(vg_nska_decode((const unsigned char *)xml, n, &r, NULL, 0), VG_OK);
    check_sample(r);
    plist_free(r);
    plist_to_xml_free(xml);
}

/* $null values are left out; an unknown class keeps its fields and names
 * itself in "$class"; a private subclass decodes as its Foundation parent. */
static void test_null_and_other_classes(void **state)
{
    plist_t o = plist_new_array(), root, sub, r = NULL, v;
    static const uint64_t keys[] = {4}, vals[] = {5};
    uint64_t u = 0;
    (void)state;

    plist_array_append_item(o, plist_new_string("$null")); /* 0 */
    root = instance(2);                                    /* 1 */
    plist_dict_set_item(root, "Gone", plist_new_uid(0));
    plist_dict_set_item(root, "Count", plist_new_uint(3));
    plist_dict_set_item(root, "Sub", plist_new_uid(3));
    plist_array_append_item(o, root);
    plist_array_append_item(o, class_dict("VGThing", NULL)); /* 2 */
    sub = instance(6);                                       /* 3 */
    plist_dict_set_item(sub, "NS.keys", uid_array(keys, 1));
    plist_dict_set_item(sub, "NS.objects", uid_array(vals, 1));
    plist_array_append_item(o, sub);
    plist_array_append_item(o, plist_new_string("k"));                  /* 4 */
    plist_array_append_item(o, plist_new_uint(9));                      /* 5 */
    plist_array_append_item(o, class_dict("__VGDict", "NSDictionary")); /* 6 */

    assert_int_equal(decode_tree(archive(o, 1), &r, NULL, 0), VG_OK);
    assert_string_equal(str_at(r, "$class"), "VGThing");
    assert_null(plist_dict_get_item(r, "Gone"));
    plist_get_uint_val(plist_dict_get_item(r, "Count"), &u);
    assert_int_equal(u, 3);
    v = plist_dict_get_item(r, "Sub");
    assert_int_equal(plist_get_node_type(v), PLIST_DICT);
    assert_null(plist_dict_get_item(v, "$class"));
    plist_get_uint_val(plist_dict_get_item(v, "k"), &u);
    assert_int_equal(u, 9);
    plist_free(r);
}

/* A date a plist date cannot hold stays a real rather than a wrong date. */
static void test_far_date_stays_real(void **state)
{
    plist_t o = plist_new_array(), d, r = NULL;
    double t = 0;
    (void)state;

    plist_array_append_item(o, plist_new_string("$null"));
    d = instance(2);
    plist_dict_set_item(d, "NS.time", plist_new_real(1e12));
    plist_array_append_item(o, d);
    plist_array_append_item(o, class_dict("NSDate", NULL));
    assert_int_equal(decode_tree(archive(o, 1), &r, NULL, 0), VG_OK);
    assert_int_equal(plist_get_node_type(r), PLIST_REAL);
    plist_get_real_val(r, &t);
    assert_true(t == 1e12);
    plist_free(r);
}

/* ------------------------------------------------ malformed archives */

static void expect_fail(plist_t arch, int want, const char *msg)
{
    plist_t r = NULL;
    char err[160];
    int rc = decode_tree(arch, &r, err, sizeof(err));
    if (rc != want || !strstr(err, msg))
        printf("# got %d \"%s\"\n", rc, err);
    assert_int_equal(rc, want);
    assert_non_null(strstr(err, msg));
    assert_null(r);
}

static void test_root_null(void **state)
{
    plist_t o = plist_new_array();
    (void)state;
    plist_array_append_item(o, plist_new_string("$null"));
    expect_fail(archive(o, 0), VG_E_NOTFOUND, "$null");
}

static void test_uid_out_of_range(void **state)
{
    plist_t o = plist_new_array(), root;
    (void)state;
    plist_array_append_item(o, plist_new_string("$null"));
    root = instance(2);
    plist_dict_set_item(root, "Field", plist_new_uid(99));
    plist_array_append_item(o, root);
    plist_array_append_item(o, class_dict("VGThing", NULL));
    expect_fail(archive(o, 1), VG_E_CORRUPT, "UID 99 out of range (3 objects)");

    o = plist_new_array();
    plist_array_append_item(o, plist_new_string("$null"));
    plist_array_append_item(o, instance(7));
    expect_fail(archive(o, 1), VG_E_CORRUPT, "$class UID 7 out of range");
}

static void test_cycle(void **state)
{
    plist_t o = plist_new_array(), a, b;
    static const uint64_t to_b[] = {3}, to_a[] = {1};
    (void)state;

    plist_array_append_item(o, plist_new_string("$null")); /* 0 */
    a = instance(2);                                       /* 1 -> 3 */
    plist_dict_set_item(a, "NS.objects", uid_array(to_b, 1));
    plist_array_append_item(o, a);
    plist_array_append_item(o, class_dict("NSArray", NULL)); /* 2 */
    b = instance(2);                                         /* 3 -> 1 */
    plist_dict_set_item(b, "NS.objects", uid_array(to_a, 1));
    plist_array_append_item(o, b);
    expect_fail(archive(o, 1), VG_E_CORRUPT, "cycle back to object 1");
}

/* A chain of NSArrays, each holding the next: fine when short, refused
 * past VG_MAX_NSKA_DEPTH. */
static plist_t chain(size_t n)
{
    plist_t o = plist_new_array();
    size_t i;

    plist_array_append_item(o, plist_new_string("$null"));
    plist_array_append_item(o, class_dict("NSArray", NULL));
    for (i = 0; i < n; i++) {
        plist_t a = instance(1);
        uint64_t next = i + 3;
        plist_dict_set_item(a, "NS.objects", uid_array(&next, i + 1 < n ? 1 : 0));
        plist_array_append_item(o, a);
    }
    return archive(o, 2);
}

static void test_depth_cap(void **state)
{
    plist_t r = NULL;
    (void)state;
    assert_int_equal(decode_tree(chain(10), &r, NULL, 0), VG_OK);
    plist_free(r);
    expect_fail(chain(100), VG_E_LIMIT, "nesting deeper than 64");
}

/* 40 arrays, each holding the next one twice: 2^40 nodes once expanded. */
static void test_expansion_cap(void **state)
{
    plist_t o = plist_new_array();
    size_t i;
    (void)state;

    plist_array_append_item(o, plist_new_string("$null"));
    plist_array_append_item(o, class_dict("NSArray", NULL));
    for (i = 0; i < 40; i++) {
        plist_t a = instance(1);
        uint64_t next[2] = {i + 3, i + 3};
        plist_dict_set_item(a, "NS.objects", uid_array(next, i + 1 < 40 ? 2 : 0));
        plist_array_append_item(o, a);
    }
    expect_fail(archive(o, 2), VG_E_LIMIT, "resolved nodes");
}

static void test_wrong_types(void **state)
{
    plist_t o, s, d;
    static const uint64_t two[] = {0, 0}, one[] = {0};
    (void)state;

    o = plist_new_array();
    plist_array_append_item(o, plist_new_string("$null"));
    s = instance(2);
    plist_dict_set_item(s, "NS.string", plist_new_uint(5));
    plist_array_append_item(o, s);
    plist_array_append_item(o, class_dict("NSString", NULL));
    expect_fail(archive(o, 1), VG_E_CORRUPT, "NS.string has type integer");

    o = plist_new_array();
    plist_array_append_item(o, plist_new_string("$null"));
    d = instance(2);
    plist_dict_set_item(d, "NS.keys", uid_array(two, 2));
    plist_dict_set_item(d, "NS.objects", uid_array(one, 1));
    plist_array_append_item(o, d);
    plist_array_append_item(o, class_dict("NSDictionary", NULL));
    expect_fail(archive(o, 1), VG_E_CORRUPT, "2 keys and 1 objects");

    o = plist_new_array();
    plist_array_append_item(o, plist_new_string("$null"));
    s = instance(2);
    plist_array_append_item(o, s);
    plist_array_append_item(o, plist_new_string("not a class"));
    expect_fail(archive(o, 1), VG_E_CORRUPT, "no $classname");

    d = plist_new_dict();
    plist_dict_set_item(d, "$objects", plist_new_string("x"));
    expect_fail(d, VG_E_CORRUPT, "not a keyed archive");
}

/* Every prefix of a valid archive fails cleanly. */
static void test_truncated(void **state)
{
    size_t len, cut;
    unsigned char *bin = to_bin(sample_archive(), &len);
    (void)state;

    for (cut = 0; cut < len; cut++) {
        plist_t r = NULL;
        char err[128];
        assert_int_not_equal(vg_nska_decode(bin, cut, &r, err, sizeof(err)), VG_OK);
        assert_null(r);
        assert_true(err[0] != '\0');
    }
    free(bin);
}

/* ------------------------------------------------ the plist pre-checks */

/* A hand-made bplist00: object i is an array of refs[i] (count nrefs[i]) or,
 * with nrefs[i] == 0 and leaf[i], the integer 0. 4-byte offsets and refs. */
static unsigned char *raw_bplist(size_t n, const unsigned *nrefs, const uint32_t *const *refs,
                                 size_t *len)
{
    size_t cap = 8 + n * (1 + 4 * 15 + 4) + 32, off = 8, i, table;
    unsigned char *p = calloc(1, cap);
    uint32_t *offs = calloc(n, sizeof(*offs));
    unsigned j;

    assert_non_null(p);
    assert_non_null(offs);
    memcpy(p, "bplist00", 8);
    for (i = 0; i < n; i++) {
        offs[i] = (uint32_t)off;
        if (!refs[i]) {
            p[off++] = 0x10;
            p[off++] = 0x00;
            continue;
        }
        p[off++] = (unsigned char)(0xA0 | nrefs[i]);
        for (j = 0; j < nrefs[i]; j++) {
            p[off++] = (unsigned char)(refs[i][j] >> 24);
            p[off++] = (unsigned char)(refs[i][j] >> 16);
            p[off++] = (unsigned char)(refs[i][j] >> 8);
            p[off++] = (unsigned char)refs[i][j];
        }
    }
    table = off;
    for (i = 0; i < n; i++) {
        p[off++] = (unsigned char)(offs[i] >> 24);
        p[off++] = (unsigned char)(offs[i] >> 16);
        p[off++] = (unsigned char)(offs[i] >> 8);
        p[off++] = (unsigned char)offs[i];
    }
    memset(p + off, 0, 32);
    p[off + 6] = 4;
    p[off + 7] = 4;
    for (j = 0; j < 8; j++) {
        p[off + 8 + j] = (unsigned char)((uint64_t)n >> (56 - 8 * j));
        p[off + 24 + j] = (unsigned char)((uint64_t)table >> (56 - 8 * j));
    }
    *len = off + 32;
    free(offs);
    return p;
}

/* n objects, each an array of `fan` references to the next; the last a leaf. */
static unsigned char *raw_chain(size_t n, unsigned fan, size_t *len)
{
    unsigned *nrefs = calloc(n, sizeof(*nrefs));
    uint32_t **refs = calloc(n, sizeof(*refs));
    unsigned char *p;
    size_t i;
    unsigned j;

    for (i = 0; i + 1 < n; i++) {
        nrefs[i] = fan;
        refs[i] = calloc(fan, sizeof(uint32_t));
        for (j = 0; j < fan; j++)
            refs[i][j] = (uint32_t)(i + 1);
    }
    p = raw_bplist(n, nrefs, (const uint32_t *const *)refs, len);
    for (i = 0; i < n; i++)
        free(refs[i]);
    free(refs);
    free(nrefs);
    return p;
}

static int parse(const unsigned char *p, size_t len)
{
    plist_t r = NULL;
    int rc = vg_plist_parse(p, len, &r);
    if (rc == VG_OK)
        assert_non_null(r);
    else
        assert_null(r);
    plist_free(r);
    return rc;
}

static void test_bplist_depth(void **state)
{
    size_t len;
    unsigned char *p;
    (void)state;

    p = raw_chain(VG_MAX_PLIST_DEPTH + 1, 1, &len); /* 64 nested arrays and a leaf */
    assert_int_equal(parse(p, len), VG_OK);
    free(p);
    p = raw_chain(VG_MAX_PLIST_DEPTH + 2, 1, &len);
    assert_int_equal(parse(p, len), VG_E_LIMIT);
    free(p);
    /* libplist 2.2 would recurse 200000 times here */
    p = raw_chain(200000, 1, &len);
    assert_int_equal(parse(p, len), VG_E_LIMIT);
    free(p);
}

/* Shared references: 50 levels of fan-out 2 is 2^50 nodes for libplist. */
static void test_bplist_expansion(void **state)
{
    size_t len;
    unsigned char *p;
    (void)state;

    p = raw_chain(20, 2, &len); /* 2^20 - 1 nodes: allowed */
    assert_int_equal(parse(p, len), VG_OK);
    free(p);
    p = raw_chain(50, 2, &len);
    assert_int_equal(parse(p, len), VG_E_LIMIT);
    free(p);
}

static void test_bplist_structure(void **state)
{
    static const unsigned one = 1;
    static const uint32_t self[] = {0}, far[] = {5};
    const uint32_t *refs[1];
    size_t len;
    unsigned char *p;
    (void)state;

    refs[0] = self;
    p = raw_bplist(1, &one, refs, &len);
    assert_int_equal(parse(p, len), VG_E_CORRUPT); /* an array holding itself */
    free(p);
    refs[0] = far;
    p = raw_bplist(1, &one, refs, &len);
    assert_int_equal(parse(p, len), VG_E_CORRUPT); /* a ref past the objects */
    free(p);

    p = raw_chain(3, 1, &len);
    p[len - 24 + 7] = 0xFF; /* claims 255 objects: the offset table is not there */
    assert_int_equal(parse(p, len), VG_E_CORRUPT);
    p[len - 24 + 3] = 0x10; /* claims 2^40 + 255 objects */
    assert_int_equal(parse(p, len), VG_E_LIMIT);
    free(p);
    assert_int_equal(parse((const unsigned char *)"bplist00", 8), VG_E_TRUNCATED);
    assert_int_equal(parse((const unsigned char *)"garbage!", 8), VG_E_CORRUPT);
    assert_int_equal(parse((const unsigned char *)"x", 1), VG_E_CORRUPT);
}

/* libplist 2.2 keeps a UTF-16 NUL (or a raw NUL in XML text) inside a
 * string and aborts when that string is read back as a key. */
static void test_embedded_nul(void **state)
{
    static const unsigned char utf16_key[] = {
        'b',  'p',  'l',  'i',  's',  't', '0', '0', 0xD1, 0x01, 0x02, /* 8: dict {obj 1: obj 2} */
        0x62, 0x00, 0x61, 0x00, 0x00,                                  /* 11: UTF-16 "a\0" */
        0x10, 0x00,                                                    /* 16: 0 */
        0x08, 0x0B, 0x10,                                              /* 18: offsets */
        0,    0,    0,    0,    0,    0,   1,   1,  /* trailer: 1-byte offsets and refs */
        0,    0,    0,    0,    0,    0,   0,   3,  /* 3 objects */
        0,    0,    0,    0,    0,    0,   0,   0,  /* top: 0 */
        0,    0,    0,    0,    0,    0,   0,   18, /* offset table at 18 */
    };
    static const char xml[] = "<plist><dict><key>a\0b</key><true/></dict></plist>";
    unsigned char ok[sizeof(utf16_key)];
    plist_t r = NULL;
    char err[128];
    (void)state;

    /* the default parse refuses it; keep_nul keeps it (checks look for NULs
     * in keys) */
    assert_int_equal(parse(utf16_key, sizeof(utf16_key)), VG_E_CORRUPT);
    assert_int_equal(vg_plist_parse(utf16_key, sizeof(utf16_key), &r), VG_E_CORRUPT);
    assert_null(r);
    assert_int_equal(vg_plist_parse_keep_nul(utf16_key, sizeof(utf16_key), &r), VG_OK);
    plist_free(r);
    r = NULL;
    /* ... the archive decoder, which reads keys, refuses it */
    assert_int_equal(vg_nska_decode(utf16_key, sizeof(utf16_key), &r, err, sizeof(err)),
                     VG_E_CORRUPT);
    assert_string_equal(err, "not a valid property list");
    assert_null(r);
    memcpy(ok, utf16_key, sizeof(ok));
    ok[15] = 0x62; /* "ab" */
    assert_int_equal(parse(ok, sizeof(ok)), VG_OK);
    assert_int_equal(vg_plist_parse(ok, sizeof(ok), &r), VG_OK);
    plist_free(r);
    assert_int_equal(parse((const unsigned char *)xml, sizeof(xml) - 1), VG_E_CORRUPT);
}

static unsigned char *xml_nest(size_t depth, size_t *len)
{
    static const char head[] = "<?xml version=\"1.0\"?><plist version=\"1.0\">";
    size_t cap = sizeof(head) + depth * 15 + 32, off = 0, i;
    char *p = malloc(cap);

    assert_non_null(p);
    memcpy(p, head, sizeof(head) - 1);
    off = sizeof(head) - 1;
    for (i = 0; i < depth; i++) {
        memcpy(p + off, "<array>", 7);
        off += 7;
    }
    memcpy(p + off, "<true/>", 7);
    off += 7;
    for (i = 0; i < depth; i++) {
        memcpy(p + off, "</array>", 8);
        off += 8;
    }
    memcpy(p + off, "</plist>", 8);
    off += 8;
    *len = off;
    return (unsigned char *)p;
}

static void test_xml_depth(void **state)
{
    size_t len;
    unsigned char *p;
    (void)state;

    p = xml_nest(VG_MAX_PLIST_DEPTH, &len);
    assert_int_equal(parse(p, len), VG_OK);
    free(p);
    p = xml_nest(VG_MAX_PLIST_DEPTH + 1, &len);
    assert_int_equal(parse(p, len), VG_E_LIMIT);
    free(p);
    p = xml_nest(500000, &len); /* plist_free would recurse this deep */
    assert_int_equal(parse(p, len), VG_E_LIMIT);
    free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_foundation_classes),
        cmocka_unit_test(test_xml_archive),
        cmocka_unit_test(test_null_and_other_classes),
        cmocka_unit_test(test_far_date_stays_real),
        cmocka_unit_test(test_root_null),
        cmocka_unit_test(test_uid_out_of_range),
        cmocka_unit_test(test_cycle),
        cmocka_unit_test(test_depth_cap),
        cmocka_unit_test(test_expansion_cap),
        cmocka_unit_test(test_wrong_types),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_bplist_depth),
        cmocka_unit_test(test_bplist_expansion),
        cmocka_unit_test(test_bplist_structure),
        cmocka_unit_test(test_xml_depth),
        cmocka_unit_test(test_embedded_nul),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
