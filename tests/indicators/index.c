/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "util/vg.h"
#include "indicators/index.h"

static void test_type_names(void **state)
{
    (void)state;
    assert_string_equal(vg_ioc_type_stix(VG_IOC_DOMAIN), "domain-name:value");
    assert_string_equal(vg_ioc_type_stix(VG_IOC_FILE_SHA256), "file:hashes.sha256");
    assert_string_equal(vg_ioc_type_stix(VG_IOC_ANDROID_PROPERTY), "android-property:name");
    assert_string_equal(vg_ioc_type_stix((enum vg_ioc_type)VG_IOC_TYPE_COUNT), "?");
    /* the names MVT writes in matched_indicator.type */
    assert_string_equal(vg_ioc_type_mvt(VG_IOC_DOMAIN), "domains");
    assert_string_equal(vg_ioc_type_mvt(VG_IOC_IPV4), "domains");
    assert_string_equal(vg_ioc_type_mvt(VG_IOC_IPV6), "domains");
    assert_string_equal(vg_ioc_type_mvt(VG_IOC_URL), "urls");
    assert_string_equal(vg_ioc_type_mvt(VG_IOC_PROCESS), "processes");
    assert_string_equal(vg_ioc_type_mvt(VG_IOC_EMAIL), "emails");
    assert_string_equal(vg_ioc_type_mvt(VG_IOC_FILE_NAME), "file_names");
    assert_string_equal(vg_ioc_type_mvt(VG_IOC_FILE_PATH), "file_paths");
    assert_string_equal(vg_ioc_type_mvt(VG_IOC_FILE_MD5), "files_md5");
    assert_string_equal(vg_ioc_type_mvt(VG_IOC_FILE_SHA1), "files_sha1");
    assert_string_equal(vg_ioc_type_mvt(VG_IOC_FILE_SHA256), "files_sha256");
    assert_string_equal(vg_ioc_type_mvt(VG_IOC_APP_ID), "app_ids");
    assert_string_equal(vg_ioc_type_mvt(VG_IOC_APP_CERT_MD5), "app_cert_hashes");
    assert_string_equal(vg_ioc_type_mvt(VG_IOC_APP_CERT_SHA256), "app_cert_hashes");
    assert_string_equal(vg_ioc_type_mvt(VG_IOC_PROFILE_ID), "ios_profile_ids");
    assert_string_equal(vg_ioc_type_mvt(VG_IOC_ANDROID_PROPERTY), "android_property_names");
    assert_string_equal(vg_ioc_type_mvt((enum vg_ioc_type) - 1), "?");
}

static void test_null_and_empty(void **state)
{
    struct vg_iocs *x = NULL;
    (void)state;
    vg_iocs_free(NULL);
    assert_int_equal(vg_iocs_count(NULL), 0);
    assert_int_equal(vg_iocs_count_type(NULL, VG_IOC_DOMAIN), 0);
    assert_int_equal(vg_iocs_file_count(NULL), 0);
    assert_null(vg_iocs_file(NULL, 0));
    assert_int_equal(vg_iocs_collection_count(NULL), 0);
    assert_null(vg_iocs_collection(NULL, 0));
    assert_int_equal(vg_iocs_new(&x), VG_OK);
    assert_int_equal(vg_iocs_count(x), 0);
    assert_int_equal(vg_iocs_count_type(x, (enum vg_ioc_type)VG_IOC_TYPE_COUNT), 0);
    assert_null(vg_iocs_file(x, 0));
    assert_int_equal(vg_index_find(x, VG_IOC_DOMAIN, "a", 1, vg_key_hash(VG_IOC_DOMAIN, "a", 1)),
                     VG_IDX_NONE);
    vg_iocs_free(x);
}

/* Enough keys to grow the table and its filter several times; every key is
 * still found afterwards, in its own type only, and a near miss is not. */
static void test_growth(void **state)
{
    struct vg_iocs *x = NULL;
    uint32_t coll;
    char key[64];
    size_t i, n = 50000;
    (void)state;
    assert_int_equal(vg_iocs_new(&x), VG_OK);
    assert_int_equal(vg_index_add_collection(x, "C", "c.stix2", &coll), VG_OK);
    for (i = 0; i < n; i++) {
        assert_int_equal(vg_snprintf(key, sizeof(key), "host%zu.example", i), VG_OK);
        assert_int_equal(vg_index_add(x, VG_IOC_DOMAIN, key, strlen(key), NULL, "id", coll), VG_OK);
    }
    assert_int_equal(vg_iocs_count(x), n);
    assert_int_equal(vg_iocs_collection(x, 0)->count[VG_IOC_DOMAIN], n);
    for (i = 0; i < n; i++) {
        size_t len;
        assert_int_equal(vg_snprintf(key, sizeof(key), "host%zu.example", i), VG_OK);
        len = strlen(key);
        assert_int_equal(
            vg_index_find(x, VG_IOC_DOMAIN, key, len, vg_key_hash(VG_IOC_DOMAIN, key, len)),
            (uint32_t)i);
        assert_int_equal(
            vg_index_find(x, VG_IOC_APP_ID, key, len, vg_key_hash(VG_IOC_APP_ID, key, len)),
            VG_IDX_NONE);
        key[len - 1] = 'X';
        assert_int_equal(
            vg_index_find(x, VG_IOC_DOMAIN, key, len, vg_key_hash(VG_IOC_DOMAIN, key, len)),
            VG_IDX_NONE);
    }
    vg_iocs_free(x);
}

static void test_same_key_chain(void **state)
{
    struct vg_iocs *x = NULL;
    uint32_t a, b;
    struct vg_ioc_match m;
    (void)state;
    assert_int_equal(vg_iocs_new(&x), VG_OK);
    assert_int_equal(vg_index_add_collection(x, "A", "a.stix2", &a), VG_OK);
    assert_int_equal(vg_index_add_collection(x, "B", "b.stix2", &b), VG_OK);
    assert_int_equal(vg_index_has(x, VG_IOC_APP_ID, "k", 1, "A"), 0);
    assert_int_equal(vg_index_add(x, VG_IOC_APP_ID, "k", 1, NULL, "id-a", a), VG_OK);
    assert_int_equal(vg_index_has(x, VG_IOC_APP_ID, "k", 1, "A"), 1);
    assert_int_equal(vg_index_has(x, VG_IOC_APP_ID, "k", 1, "B"), 0);
    assert_int_equal(vg_index_has(x, VG_IOC_EMAIL, "k", 1, "A"), 0);
    assert_int_equal(vg_index_add(x, VG_IOC_APP_ID, "k", 1, "K", "id-b", b), VG_OK);
    assert_int_equal(vg_index_has(x, VG_IOC_APP_ID, "k", 1, "B"), 1);
    /* the first loaded answers */
    vg_index_fill(x, vg_index_find(x, VG_IOC_APP_ID, "k", 1, vg_key_hash(VG_IOC_APP_ID, "k", 1)), 0,
                  &m);
    assert_string_equal(m.collection, "A");
    assert_string_equal(m.file, "a.stix2");
    assert_string_equal(m.id, "id-a");
    assert_string_equal(m.value, "k");
    /* a value shown otherwise than its key */
    vg_index_fill(x, 1, 1, &m);
    assert_string_equal(m.value, "K");
    assert_int_equal(m.truncated, 1);
    /* bad arguments */
    assert_int_equal(vg_index_add(x, (enum vg_ioc_type)VG_IOC_TYPE_COUNT, "k", 1, NULL, "", a),
                     VG_E_INVAL);
    assert_int_equal(vg_index_add(x, VG_IOC_APP_ID, "k", 1, NULL, "", 7), VG_E_INVAL);
    vg_iocs_free(x);
}

static void test_long_strings(void **state)
{
    struct vg_iocs *x = NULL;
    uint32_t coll;
    char *big = malloc(VG_MAX_IOC_VALUE + 2);
    char *id = malloc(3 * VG_MAX_IOC_VALUE);
    struct vg_ioc_match m;
    (void)state;
    assert_non_null(big);
    assert_non_null(id);
    memset(big, 'a', VG_MAX_IOC_VALUE + 1);
    big[VG_MAX_IOC_VALUE + 1] = '\0';
    memset(id, 'i', 3 * VG_MAX_IOC_VALUE - 1);
    id[3 * VG_MAX_IOC_VALUE - 1] = '\0';
    assert_int_equal(vg_iocs_new(&x), VG_OK);
    assert_int_equal(vg_index_add_collection(x, "C", "c", &coll), VG_OK);
    /* the longest value, and an id cut to the same length */
    assert_int_equal(vg_index_add(x, VG_IOC_FILE_NAME, big, VG_MAX_IOC_VALUE, NULL, id, coll),
                     VG_OK);
    assert_int_equal(vg_index_add(x, VG_IOC_FILE_NAME, big, VG_MAX_IOC_VALUE + 1, NULL, "", coll),
                     VG_E_INVAL);
    /* strings bigger than an arena block */
    assert_non_null(vg_iocs_strndup(x, id, 3 * VG_MAX_IOC_VALUE - 1));
    big[VG_MAX_IOC_VALUE] = '\0';
    vg_index_fill(x,
                  vg_index_find(x, VG_IOC_FILE_NAME, big, VG_MAX_IOC_VALUE,
                                vg_key_hash(VG_IOC_FILE_NAME, big, VG_MAX_IOC_VALUE)),
                  0, &m);
    assert_int_equal(strlen(m.value), VG_MAX_IOC_VALUE);
    assert_int_equal(strlen(m.id), VG_MAX_IOC_VALUE);
    vg_iocs_free(x);
    free(big);
    free(id);
}

static void test_hash_directions(void **state)
{
    const char *h = "a.b.example.com";
    uint64_t st = VG_HASH_SEED;
    size_t i, n = strlen(h);
    (void)state;
    /* the back-to-front rolling hash of a suffix is that suffix's key hash */
    for (i = n; i > 0; i--) {
        st = vg_hash_step(st, (unsigned char)h[i - 1]);
        assert_true(vg_hash_fin(st, VG_IOC_DOMAIN, n - i + 1) ==
                    vg_key_hash(VG_IOC_DOMAIN, h + i - 1, n - i + 1));
    }
    /* paths hash front to back, so a prefix's state is its key hash */
    st = VG_HASH_SEED;
    for (i = 0; i < n; i++) {
        st = vg_hash_step(st, (unsigned char)h[i]);
        assert_true(vg_hash_fin(st, VG_IOC_FILE_PATH, i + 1) ==
                    vg_key_hash(VG_IOC_FILE_PATH, h, i + 1));
    }
    assert_true(vg_key_hash(VG_IOC_DOMAIN, "x", 1) != vg_key_hash(VG_IOC_EMAIL, "x", 1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_type_names),   cmocka_unit_test(test_null_and_empty),
        cmocka_unit_test(test_growth),       cmocka_unit_test(test_same_key_chain),
        cmocka_unit_test(test_long_strings), cmocka_unit_test(test_hash_directions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
