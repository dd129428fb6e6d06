/*
 * IDStatusCache: account lookups as MVT's records (with occurrences), email
 * indicators on mailto: accounts, account names with NUL bytes kept (ASCII
 * and UTF-16 keys of a binary plist written byte by byte here), XML plists,
 * and a file that is not a plist.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "harness.h"

#define RELPATH "Library/Preferences/com.apple.identityservices.idstatuscache.plist"

static const char *const iocs[] = {
    "[email-addr:value='spy@evil.test']",
    NULL,
};

/* ---- a binary plist, object by object (format: see the module) ---- */

struct bpw {
    unsigned char b[2048];
    size_t len;
    size_t off[32];
    size_t n;
};

static void put(struct bpw *w, const void *p, size_t n)
{
    assert_true(w->len + n <= sizeof(w->b));
    memcpy(w->b + w->len, p, n);
    w->len += n;
}

static void put8(struct bpw *w, unsigned v)
{
    unsigned char c = (unsigned char)v;
    put(w, &c, 1);
}

/* Starts object number idx (objects are written in index order). */
static void obj(struct bpw *w, size_t idx)
{
    assert_int_equal(w->n, idx);
    w->off[w->n++] = w->len;
}

static void ascii(struct bpw *w, size_t idx, const char *s, size_t n)
{
    obj(w, idx);
    if (n < 15) {
        put8(w, 0x50 | (unsigned)n);
    } else {
        put8(w, 0x5F);
        put8(w, 0x10);
        put8(w, (unsigned)n);
    }
    put(w, s, n);
}

static void utf16(struct bpw *w, size_t idx, const unsigned short *u, size_t n)
{
    size_t i;
    obj(w, idx);
    put8(w, 0x60 | (unsigned)n);
    for (i = 0; i < n; i++) {
        put8(w, u[i] >> 8);
        put8(w, u[i] & 0xFF);
    }
}

static void real(struct bpw *w, size_t idx, double d)
{
    unsigned char be[8];
    uint64_t u;
    int i;
    obj(w, idx);
    memcpy(&u, &d, 8);
    for (i = 7; i >= 0; i--, u >>= 8)
        be[i] = (unsigned char)(u & 0xFF);
    put8(w, 0x23);
    put(w, be, 8);
}

static void integer(struct bpw *w, size_t idx, unsigned v)
{
    obj(w, idx);
    put8(w, 0x10);
    put8(w, v);
}

/* keys and vals: n object numbers each */
static void dict(struct bpw *w, size_t idx, size_t n, const unsigned char *keys,
                 const unsigned char *vals)
{
    obj(w, idx);
    put8(w, 0xD0 | (unsigned)n);
    put(w, keys, n);
    put(w, vals, n);
}

/* Offset table (2-byte offsets) and trailer; returns the bytes. */
static const unsigned char *finish(struct bpw *w, size_t *len)
{
    size_t table = w->len, i;
    unsigned char trailer[32];

    for (i = 0; i < w->n; i++) {
        put8(w, (unsigned)(w->off[i] >> 8));
        put8(w, (unsigned)(w->off[i] & 0xFF));
    }
    memset(trailer, 0, sizeof(trailer));
    trailer[6] = 2; /* offset size */
    trailer[7] = 1; /* reference size */
    trailer[15] = (unsigned char)w->n;
    trailer[23] = 0; /* top object */
    trailer[30] = (unsigned char)(table >> 8);
    trailer[31] = (unsigned char)(table & 0xFF);
    put(w, trailer, sizeof(trailer));
    *len = w->len;
    return w->b;
}

/* {"com.apple.madrid": {"mailto:a\0\0b@evil.test": {...}, "mailto:spy@evil.test": {...},
 *                       u"tel:+1\0\0é": {...}},
 *  "com.apple.ess": {"mailto:spy@evil.test": {...}, "mailto:'nospy@evil.test'": {...}},
 *  "Version": 1} */
static const unsigned char *cache_bplist(struct bpw *w, size_t *len)
{
    static const unsigned short tel[] = {'t', 'e', 'l', ':', '+', '1', 0, 0, 0xE9};
    static const unsigned char top_k[] = {1, 16, 18}, top_v[] = {2, 17, 10};
    static const unsigned char madrid_k[] = {3, 4, 13}, madrid_v[] = {5, 6, 14};
    static const unsigned char ess_k[] = {4, 19}, ess_v[] = {5, 6};
    static const unsigned char e1_k[] = {7, 8}, e1_v[] = {9, 10};
    static const unsigned char e2_v[] = {11, 12}, e3_v[] = {15, 12};

    memset(w, 0, sizeof(*w));
    put(w, "bplist00", 8);
    dict(w, 0, 3, top_k, top_v);
    ascii(w, 1, "com.apple.madrid", 16);
    dict(w, 2, 3, madrid_k, madrid_v);
    ascii(w, 3, "mailto:a\0\0b@evil.test", 21);
    ascii(w, 4, "mailto:spy@evil.test", 20);
    dict(w, 5, 2, e1_k, e1_v);
    dict(w, 6, 2, e1_k, e2_v);
    ascii(w, 7, "LookupDate", 10);
    ascii(w, 8, "IDStatus", 8);
    real(w, 9, 600000000.0);
    integer(w, 10, 1);
    real(w, 11, 610000000.5);
    integer(w, 12, 2);
    utf16(w, 13, tel, 9);
    dict(w, 14, 2, e1_k, e3_v);
    real(w, 15, 0.0);
    ascii(w, 16, "com.apple.ess", 13);
    dict(w, 17, 2, ess_k, ess_v);
    ascii(w, 18, "Version", 7);
    ascii(w, 19, "mailto:'nospy@evil.test'", 24);
    return finish(w, len);
}

static char *cache_backup(void)
{
    struct bpw w;
    size_t len;
    const unsigned char *data = cache_bplist(&w, &len);
    return vgh_backup_bytes("HomeDomain", RELPATH, data, len);
}

static void assert_record(const json_t *rec, const char *pkg, const char *user, const char *iso,
                          int status, int occurrences)
{
    assert_non_null(rec);
    assert_string_equal(vgh_str(rec, "package"), pkg);
    assert_string_equal(vgh_str(rec, "user"), user);
    assert_string_equal(vgh_str(rec, "isodate"), iso);
    assert_int_equal(json_integer_value(json_object_get(rec, "idstatus")), status);
    assert_int_equal(json_integer_value(json_object_get(rec, "occurrences")), occurrences);
    assert_int_equal(json_object_size(rec), 5);
}

static void test_records(void **state)
{
    char *dir = cache_backup();
    struct vgh_result r;
    const json_t *recs;
    (void)state;

    vgh_run(dir, NULL, "id_status_cache", &r);
    assert_int_equal(r.rc, VG_OK);
    recs = r.records;
    assert_int_equal(json_array_size(recs), 5);
    assert_record(json_array_get(recs, 0), "com.apple.madrid", "mailto:a\\x00\\x00b@evil.test",
                  "2020-01-06 10:40:00.000000", 1, 1);
    assert_record(json_array_get(recs, 1), "com.apple.madrid", "mailto:spy@evil.test",
                  "2020-05-01 04:26:40.500000", 2, 2);
    assert_record(json_array_get(recs, 2), "com.apple.madrid", "tel:+1\\x00\\x00\xc3\xa9", "", 2,
                  1);
    assert_record(json_array_get(recs, 3), "com.apple.ess", "mailto:spy@evil.test",
                  "2020-01-06 10:40:00.000000", 1, 2);
    assert_record(json_array_get(recs, 4), "com.apple.ess", "mailto:'nospy@evil.test'",
                  "2020-05-01 04:26:40.500000", 2, 1);
    assert_int_equal(r.warnings, 0);
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

static void assert_alerts(const json_t *alerts)
{
    const json_t *a;

    assert_int_equal(json_array_size(alerts), 4);
    assert_int_equal(vgh_count_level(alerts, "CRITICAL"), 2);
    a = vgh_find_alert(alerts, "CRITICAL",
                       "Found a known suspicious email address \"spy@evil.test\" matching "
                       "indicators from \"TestMalware\"");
    assert_non_null(a);
    assert_string_equal(vgh_str(json_object_get(a, "matched_indicator"), "value"), "spy@evil.test");
    assert_string_equal(vgh_str(a, "event_time"), "2020-05-01 04:26:40.500000");
    assert_non_null(vgh_find_alert(alerts, "HIGH",
                                   "Found an ID Status Cache entry with suspicious patterns: "
                                   "mailto:a\\x00\\x00b@evil.test"));
    assert_non_null(vgh_find_alert(alerts, "HIGH", "patterns: tel:+1\\x00\\x00"));
    /* near miss: another address ending in the indicator */
    assert_null(vgh_find_alert(alerts, "CRITICAL", "nospy"));
}

static void test_alerts(void **state)
{
    char *dir = cache_backup(), *bundle = vgh_bundle(iocs);
    struct vgh_result r;
    (void)state;

    vgh_run(dir, bundle, "id_status_cache", &r);
    assert_alerts(r.alerts);
    vgh_result_free(&r);
    vgh_cleanup(dir);
    free(bundle);
}

static void test_timeline(void **state)
{
    char *dir = cache_backup();
    struct vgh_result r;
    (void)state;

    vgh_run(dir, NULL, "id_status_cache", &r);
    assert_non_null(strstr(r.timeline, "\"2020-05-01 04:26:40.500000\",\"IDStatusCache\","
                                       "\"lookup\",\"Lookup of mailto:spy@evil.test within "
                                       "com.apple.madrid (Status 2)\""));
    assert_non_null(strstr(r.timeline, "\"2020-01-06 10:40:00.000000\",\"IDStatusCache\","
                                       "\"lookup\",\"Lookup of mailto:spy@evil.test within "
                                       "com.apple.ess (Status 1)\""));
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

static void test_xml_and_hostile(void **state)
{
    plist_t entry = vgfix_plist_dict("LookupDate", plist_new_real(600000000.0), "IDStatus",
                                     plist_new_uint(1), NULL);
    plist_t no_date = vgfix_plist_dict("IDStatus", plist_new_uint(1), NULL);
    plist_t p = vgfix_plist_dict("com.apple.madrid",
                                 vgfix_plist_dict("tel:+15550001111", entry, "mailto:x@example.org",
                                                  no_date, "mailto:y@example.org",
                                                  plist_new_string("not a dict"), NULL),
                                 NULL);
    char *dir = vgh_backup_plist("HomeDomain", "Library/IdentityServices/idstatuscache.plist", p,
                                 VGFIX_PLIST_XML);
    struct vgh_result r;
    (void)state;

    /* the newer location, XML: entries without a date or not dicts are skipped */
    vgh_run(dir, NULL, "id_status_cache", &r);
    assert_int_equal(json_array_size(r.records), 1);
    assert_record(json_array_get(r.records, 0), "com.apple.madrid", "tel:+15550001111",
                  "2020-01-06 10:40:00.000000", 1, 1);
    vgh_result_free(&r);
    vgh_cleanup(dir);

    dir = vgh_backup_bytes("HomeDomain", RELPATH, "bplist00\xff\xff\xff", 11);
    vgh_run_unreadable(dir, NULL, "id_status_cache", "idstatuscache.plist", &r);
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

/* Cuts through the offset table and trailer: the run goes on (the
 * sanitizer build checks that no read leaves the file). */
static void test_truncated(void **state)
{
    struct bpw w;
    size_t len, cut;
    const unsigned char *data = cache_bplist(&w, &len);
    struct vgh_result r;
    char *dir;
    (void)state;

    for (cut = len - 40; cut < len; cut += 7) {
        dir = vgh_backup_bytes("HomeDomain", RELPATH, data, cut);
        vgh_run(dir, NULL, "id_status_cache", &r);
        assert_int_equal(r.rc, VG_OK);
        vgh_result_free(&r);
        vgh_cleanup(dir);
    }
}

static void test_check_on_records_alone(void **state)
{
    char *dir = cache_backup(), *bundle = vgh_bundle(iocs);
    struct vgh_result r;
    json_t *alerts;
    (void)state;

    vgh_run(dir, NULL, "id_status_cache", &r);
    alerts = vgh_check_records("id_status_cache", r.records, bundle);
    assert_alerts(alerts);
    json_decref(alerts);
    vgh_result_free(&r);
    vgh_cleanup(dir);
    free(bundle);
}

static void test_mvt_test_backup(void **state)
{
    (void)state;
    vgh_mvt_backup_empty("id_status_cache");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_records),         cmocka_unit_test(test_alerts),
        cmocka_unit_test(test_timeline),        cmocka_unit_test(test_xml_and_hostile),
        cmocka_unit_test(test_truncated),       cmocka_unit_test(test_check_on_records_alone),
        cmocka_unit_test(test_mvt_test_backup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
