/*
 * Telephony backup files (src/lib/formats/android/sms_backup.c): inflate,
 * one record per structure rule of MVT's parse_sms_file (mms_body, isodate,
 * direction, links), whole files, and conformance: the records of MVT's
 * test backups (plain, compressed, encrypted, unpacked) equal the ones in
 * MVT's own sms.json, key order and types included.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include <jansson.h>

#include "util/vg.h"
#include "formats/android/ab_stream.h"
#include "formats/android/sms_backup.h"
#include "ab.h"
#include "fixture.h"

static char err[256];

static struct vg_diag *diag_new(void)
{
    struct vg_diag *d = NULL;
    assert_int_equal(vg_diag_new(NULL, NULL, &d), VG_OK);
    return d;
}

static int diag_has(const struct vg_diag *d, enum vg_diag_level level, const char *text)
{
    size_t i;
    for (i = 0; i < vg_diag_size(d); i++) {
        const struct vg_diag_entry *e = vg_diag_get(d, i);
        if (e->level == level && strstr(e->message, text))
            return 1;
    }
    return 0;
}

/* json_equal, and the same key order in every object. */
static int same_json(const json_t *a, const json_t *b)
{
    const char *ka;
    json_t *va;
    void *ib;
    size_t i;

    if (!json_equal(a, b))
        return 0;
    if (json_is_array(a)) {
        for (i = 0; i < json_array_size(a); i++)
            if (!same_json(json_array_get(a, i), json_array_get(b, i)))
                return 0;
        return 1;
    }
    if (!json_is_object(a))
        return 1;
    ib = json_object_iter((json_t *)b);
    json_object_foreach((json_t *)a, ka, va)
    {
        if (!ib || strcmp(ka, json_object_iter_key(ib)) != 0 ||
            !same_json(va, json_object_iter_value(ib)))
            return 0;
        ib = json_object_iter_next((json_t *)b, ib);
    }
    return 1;
}

static json_t *record_of(const char *json, struct vg_diag *d)
{
    json_error_t je;
    json_t *msg = json_loads(json, 0, &je);

    assert_non_null(msg);
    vg_sms_backup_record(msg, "t", 0, d);
    return msg;
}

static void assert_record(const char *in, const char *want, struct vg_diag *d)
{
    json_error_t je;
    json_t *got = record_of(in, d), *w = json_loads(want, 0, &je);
    char *s = json_dumps(got, JSON_COMPACT);

    assert_non_null(w);
    if (!same_json(got, w))
        printf("got  %s\nwant %s\n", s, want);
    assert_true(same_json(got, w));
    free(s);
    json_decref(got);
    json_decref(w);
}

/* ---- inflate ---- */

static void test_inflate(void **state)
{
    static const char text[] = "[{\"body\":\"hi\"}]";
    size_t zn, n, trailing;
    unsigned char *z = vgfix_zlib(text, sizeof text - 1, &zn), *more;
    char *out;
    (void)state;

    assert_non_null(z);
    assert_int_equal(vg_sms_backup_inflate(z, zn, 1000, &out, &n, &trailing, err, sizeof err),
                     VG_OK);
    assert_int_equal(n, sizeof text - 1);
    assert_string_equal(out, text);
    assert_int_equal(trailing, 0);
    vg_free_secret(out, n + 1);
    assert_int_equal(vg_sms_backup_inflate(z, zn, 10, &out, &n, &trailing, err, sizeof err),
                     VG_E_LIMIT);
    assert_int_equal(vg_sms_backup_inflate(z, zn - 3, 1000, &out, &n, &trailing, err, sizeof err),
                     VG_E_TRUNCATED);
    assert_non_null(strstr(err, "ends early"));
    more = malloc(zn + 4);
    assert_non_null(more);
    memcpy(more, z, zn);
    memcpy(more + zn, "tail", 4);
    assert_int_equal(
        vg_sms_backup_inflate(more, zn + 4, 1000, &out, &n, &trailing, err, sizeof err), VG_OK);
    assert_int_equal(trailing, 4);
    vg_free_secret(out, n + 1);
    more[0] = 0x12;
    assert_int_equal(vg_sms_backup_inflate(more, zn, 1000, &out, &n, &trailing, err, sizeof err),
                     VG_E_CORRUPT);
    assert_non_null(strstr(err, "zlib: incorrect header check"));
    assert_int_equal(vg_sms_backup_inflate(more, 0, 1000, &out, &n, &trailing, err, sizeof err),
                     VG_E_TRUNCATED);
    free(more);
    free(z);
}

/* ---- one record ---- */

static void test_sms_record(void **state)
{
    struct vg_diag *d = diag_new();
    (void)state;

    /* MVT's first record in sms.json, from its backup */
    assert_record("{\"address\":\"06543219\",\"body\":\"Hi this is a test message to "
                  "https://google.com/\",\"date\":\"1645543781956\",\"date_sent\":\"0\","
                  "\"status\":\"-1\",\"type\":\"6\",\"recipients\":[\"06543219\"],\"read\":\"1\"}",
                  "{\"address\":\"06543219\",\"body\":\"Hi this is a test message to "
                  "https://google.com/\",\"date\":\"1645543781956\",\"date_sent\":\"0\","
                  "\"status\":\"-1\",\"type\":\"6\",\"recipients\":[\"06543219\"],\"read\":\"1\","
                  "\"isodate\":\"2022-02-22 15:29:41.956000\",\"direction\":\"received\","
                  "\"links\":[\"https://google.com/\"]}",
                  d);
    assert_int_equal(vg_diag_size(d), 0);
    vg_diag_free(d);
}

static void test_mms_body(void **state)
{
    struct vg_diag *d = diag_new();
    (void)state;

    /* mms_body becomes body, at the end */
    assert_record("{\"date\":\"1579531789\",\"date_sent\":\"1579531786\",\"mms_addresses\":"
                  "[{\"type\":137,\"address\":\"+1\",\"charset\":106}],\"mms_body\":\"x "
                  "http://a.example\",\"mms_charset\":106}",
                  "{\"date\":\"1579531789\",\"date_sent\":\"1579531786\",\"mms_addresses\":"
                  "[{\"type\":137,\"address\":\"+1\",\"charset\":106}],\"mms_charset\":106,"
                  "\"body\":\"x http://a.example\",\"isodate\":\"1970-01-19 06:45:31.789000\","
                  "\"direction\":\"sent\",\"links\":[\"http://a.example\"]}",
                  d);
    /* a body already there keeps its place and takes mms_body's value */
    assert_record("{\"body\":\"old\",\"date\":\"0\",\"date_sent\":\"0\",\"mms_body\":\"new\"}",
                  "{\"body\":\"new\",\"date\":\"0\",\"date_sent\":\"0\",\"isodate\":\"1970-01-01 "
                  "00:00:00.000000\",\"direction\":\"received\"}",
                  d);
    assert_int_equal(vg_diag_size(d), 0);
    vg_diag_free(d);
}

static void test_links_rules(void **state)
{
    struct vg_diag *d = diag_new();
    (void)state;

    /* no link: no links key */
    assert_record("{\"body\":\"no link here, example.org\",\"date\":\"1\",\"date_sent\":\"0\"}",
                  "{\"body\":\"no link here, example.org\",\"date\":\"1\",\"date_sent\":\"0\","
                  "\"isodate\":\"1970-01-01 00:00:00.001000\",\"direction\":\"received\"}",
                  d);
    /* empty body: links None */
    assert_record("{\"body\":\"\",\"date\":\"1\",\"date_sent\":\"0\"}",
                  "{\"body\":\"\",\"date\":\"1\",\"date_sent\":\"0\",\"isodate\":\"1970-01-01 "
                  "00:00:00.001000\",\"direction\":\"received\",\"links\":null}",
                  d);
    /* blank body (Python's whitespace, U+3000 too): links [] */
    assert_record("{\"body\":\" \\t\\n\\u3000\",\"date\":\"1\",\"date_sent\":\"0\"}",
                  "{\"body\":\" \\t\\n\\u3000\",\"date\":\"1\",\"date_sent\":\"0\",\"isodate\":"
                  "\"1970-01-01 00:00:00.001000\",\"direction\":\"received\",\"links\":[]}",
                  d);
    /* several links, upper-case scheme, up to whitespace */
    assert_record("{\"body\":\"HTTPS://A.example/x,y http://b.example\\u00a0z\",\"date\":\"1\","
                  "\"date_sent\":\"0\"}",
                  "{\"body\":\"HTTPS://A.example/x,y http://b.example\\u00a0z\",\"date\":\"1\","
                  "\"date_sent\":\"0\",\"isodate\":\"1970-01-01 00:00:00.001000\",\"direction\":"
                  "\"received\",\"links\":[\"HTTPS://A.example/x,y\",\"http://b.example\"]}",
                  d);
    assert_int_equal(vg_diag_size(d), 0);
    /* no body (an SMS whose body column was NULL): MVT stops there; no links */
    assert_record("{\"date\":\"1\",\"date_sent\":\"0\"}",
                  "{\"date\":\"1\",\"date_sent\":\"0\",\"isodate\":\"1970-01-01 00:00:00.001000\","
                  "\"direction\":\"received\"}",
                  d);
    assert_true(diag_has(d, VG_DIAG_INFO, "t: message 0: no body"));
    assert_record("{\"body\":5,\"date\":\"1\",\"date_sent\":\"0\"}",
                  "{\"body\":5,\"date\":\"1\",\"date_sent\":\"0\",\"isodate\":\"1970-01-01 "
                  "00:00:00.001000\",\"direction\":\"received\"}",
                  d);
    assert_true(diag_has(d, VG_DIAG_WARN, "body is not text"));
    vg_diag_free(d);
}

static void test_dates(void **state)
{
    static const struct {
        const char *date, *iso;
    } v[] = {
        {"\"1700000000123\"", "2023-11-14 22:13:20.123000"},
        {"1700000000123", "2023-11-14 22:13:20.123000"},
        {"1.7e12", "2023-11-14 22:13:20.000000"},
        {"\" 1700000000123\\n\"", "2023-11-14 22:13:20.123000"},
        {"\"+1_700_000_000_123\"", "2023-11-14 22:13:20.123000"},
        {"\"-1\"", "1969-12-31 23:59:59.999000"},
        {"\"253402300799999\"", "9999-12-31 23:59:59.999000"},
        {"\"253402300800000\"", ""},            /* year 10000: MVT gives "" */
        {"\"99999999999999999999999999\"", ""}, /* past int64, Python's too */
    };
    struct vg_diag *d = diag_new();
    char in[256];
    size_t i;
    (void)state;

    for (i = 0; i < VG_ARRAY_LEN(v); i++) {
        json_t *r;
        snprintf(in, sizeof in, "{\"date\":%s,\"date_sent\":\"0\"}", v[i].date);
        r = record_of(in, d);
        assert_string_equal(json_string_value(json_object_get(r, "isodate")), v[i].iso);
        json_decref(r);
    }
    assert_int_equal(vg_diag_count(d, VG_DIAG_WARN), 0);
    vg_diag_free(d);
}

static void test_bad_dates(void **state)
{
    static const char *const bad[] = {
        "{\"date_sent\":\"0\"}", "{\"date\":\"12a\",\"date_sent\":\"0\"}",
        "{\"date\":\"1__2\",\"date_sent\":\"0\"}", "{\"date\":null,\"date_sent\":\"0\"}",
        "{\"date\":[],\"date_sent\":\"0\"}"};
    struct vg_diag *d;
    size_t i;
    (void)state;

    for (i = 0; i < VG_ARRAY_LEN(bad); i++) {
        json_t *r;
        d = diag_new();
        r = record_of(bad[i], d);
        assert_string_equal(json_string_value(json_object_get(r, "isodate")), "");
        assert_int_equal(vg_diag_count(d, VG_DIAG_WARN), 1);
        json_decref(r);
        vg_diag_free(d);
    }
}

static void test_direction(void **state)
{
    static const struct {
        const char *sent, *dir;
        int warn;
    } v[] = {
        {"\"0\"", "received", 0}, {"\"1579531786\"", "sent", 0}, {"0", "received", 0},
        {"7", "sent", 0},         {"\"-3\"", "sent", 0},         {"\"abc\"", "received", 1},
        {NULL, "received", 1},
    };
    size_t i;
    char in[128];
    (void)state;

    for (i = 0; i < VG_ARRAY_LEN(v); i++) {
        struct vg_diag *d = diag_new();
        json_t *r;
        if (v[i].sent)
            snprintf(in, sizeof in, "{\"date\":\"1\",\"date_sent\":%s}", v[i].sent);
        else
            snprintf(in, sizeof in, "{\"date\":\"1\"}");
        r = record_of(in, d);
        assert_string_equal(json_string_value(json_object_get(r, "direction")), v[i].dir);
        assert_int_equal(vg_diag_count(d, VG_DIAG_WARN), (size_t)v[i].warn);
        json_decref(r);
        vg_diag_free(d);
    }
}

/* ---- whole files ---- */

static int parse_text(const char *text, struct vg_diag *d, json_t **out)
{
    size_t zn;
    unsigned char *z = vgfix_zlib(text, strlen(text), &zn);
    int rc;

    assert_non_null(z);
    rc = vg_sms_backup_parse(z, zn, "000000_sms_backup", d, out);
    free(z);
    return rc;
}

static void test_fixture_files(void **state)
{
    struct vg_diag *d = diag_new();
    json_t *r = NULL, *links;
    (void)state;

    assert_int_equal(parse_text(vgfix_sms_json, d, &r), VG_OK);
    assert_int_equal(json_array_size(r), 3);
    links = json_object_get(json_array_get(r, 0), "links");
    assert_int_equal(json_array_size(links), 1);
    assert_string_equal(json_string_value(json_array_get(links, 0)), VGFIX_SMS_PLANTED);
    links = json_object_get(json_array_get(r, 1), "links");
    assert_string_equal(json_string_value(json_array_get(links, 0)), VGFIX_SMS_NEAR_MISS);
    assert_string_equal(json_string_value(json_object_get(json_array_get(r, 1), "direction")),
                        "received");
    assert_string_equal(json_string_value(json_object_get(json_array_get(r, 0), "direction")),
                        "sent");
    assert_int_equal(json_array_size(json_object_get(json_array_get(r, 2), "links")), 0);
    json_decref(r);
    assert_int_equal(parse_text(vgfix_mms_json, d, &r), VG_OK);
    assert_int_equal(json_array_size(r), 1);
    assert_null(json_object_get(json_array_get(r, 0), "mms_body"));
    assert_string_equal(
        json_string_value(json_array_get(json_object_get(json_array_get(r, 0), "links"), 0)),
        VGFIX_MMS_PLANTED);
    json_decref(r);
    assert_int_equal(vg_diag_size(d), 0);
    vg_diag_free(d);
}

static void test_bad_files(void **state)
{
    struct vg_diag *d = diag_new();
    json_t *r = NULL;
    static const unsigned char junk[] = "not zlib";
    (void)state;

    assert_int_equal(parse_text("[{\"body\":\"a\"", d, &r), VG_E_CORRUPT);
    assert_true(diag_has(d, VG_DIAG_ERROR, "000000_sms_backup: not JSON"));
    assert_int_equal(parse_text("{\"body\":\"a\"}", d, &r), VG_E_CORRUPT);
    assert_true(diag_has(d, VG_DIAG_ERROR, "not an array"));
    assert_int_equal(vg_sms_backup_parse(junk, sizeof junk - 1, "x", d, &r), VG_E_CORRUPT);
    assert_true(diag_has(d, VG_DIAG_ERROR, "x: zlib"));
    assert_null(r);
    /* an element that is not an object is left out, with a warning */
    assert_int_equal(parse_text("[1,{\"body\":\"\",\"date\":\"1\",\"date_sent\":\"0\"}]", d, &r),
                     VG_OK);
    assert_int_equal(json_array_size(r), 1);
    assert_true(diag_has(d, VG_DIAG_WARN, "element 0 is not a message object"));
    json_decref(r);
    /* \u0000 in a body stays, and links are found past it */
    assert_int_equal(parse_text("[{\"body\":\"a\\u0000 http://x.example\",\"date\":\"1\","
                                "\"date_sent\":\"0\"}]",
                                d, &r),
                     VG_OK);
    assert_int_equal(json_string_length(json_object_get(json_array_get(r, 0), "body")), 19);
    assert_int_equal(json_array_size(json_object_get(json_array_get(r, 0), "links")), 1);
    json_decref(r);
    vg_diag_free(d);
}

static void test_names(void **state)
{
    (void)state;
    assert_true(vg_sms_backup_name("apps/com.android.providers.telephony/d_f/000000_sms_backup"));
    assert_true(vg_sms_backup_name("apps/com.android.providers.telephony/d_f/000001_mms_backup"));
    assert_true(vg_sms_backup_name("apps/com.android.providers.telephony/d_f/_sms_backup"));
    assert_true(vg_sms_backup_name("apps/com.android.providers.telephony/d_f/x/y_sms_backup"));
    assert_false(vg_sms_backup_name("apps/com.android.providers.telephony/d_f/000000_sms_backu"));
    assert_false(vg_sms_backup_name("apps/com.android.providers.telephony/f/000000_sms_backup"));
    assert_false(vg_sms_backup_name("./apps/com.android.providers.telephony/d_f/0_sms_backup"));
    assert_false(vg_sms_backup_name(NULL));
}

/* ---- MVT conformance ---- */

struct collect {
    json_t *sms, *mms; /* records of *_sms_backup, of *_mms_backup, in tar order */
    struct vg_diag *d;
};

static void add_file(struct collect *c, const char *name, const unsigned char *p, size_t n)
{
    json_t *r = NULL;

    assert_int_equal(vg_sms_backup_parse(p, n, name, c->d, &r), VG_OK);
    assert_int_equal(json_array_extend(strstr(name, "_sms_") ? c->sms : c->mms, r), 0);
    json_decref(r);
}

static int on_member(void *ud, const struct vg_ab_member *m, struct vg_ab_tar *t)
{
    struct collect *c = ud;
    unsigned char *p;
    size_t n;

    if (!vg_sms_backup_name(m->name))
        return VG_OK;
    assert_int_equal(vg_ab_tar_read_all(t, 1 << 20, &p, &n), VG_OK);
    add_file(c, m->name, p, n);
    vg_free_secret(p, n);
    return VG_OK;
}

/* MVT's module reads *_sms_backup files, then *_mms_backup files. */
static json_t *records_of(struct collect *c)
{
    json_t *all = json_array();
    assert_int_equal(json_array_extend(all, c->sms), 0);
    assert_int_equal(json_array_extend(all, c->mms), 0);
    json_decref(c->sms);
    json_decref(c->mms);
    return all;
}

static json_t *records_of_ab(const char *path, const char *password)
{
    struct collect c = {json_array(), json_array(), diag_new()};
    struct vg_ab_stream *s = NULL;
    size_t n;
    unsigned char *p = (unsigned char *)vgfix_read_file(path, &n);
    struct vg_ab_mem m = {p, n, 0};

    assert_non_null(p);
    assert_int_equal(vg_ab_stream_new(vg_ab_read_mem, &m, &s, err, sizeof err), VG_OK);
    if (password)
        assert_int_equal(vg_ab_stream_unlock(s, password, strlen(password)), VG_OK);
    assert_int_equal(vg_ab_walk(s, on_member, &c, path, c.d), VG_OK);
    assert_int_equal(vg_diag_count(c.d, VG_DIAG_WARN) + vg_diag_count(c.d, VG_DIAG_ERROR), 0);
    vg_ab_stream_free(s);
    vg_diag_free(c.d);
    free(p);
    return records_of(&c);
}

static json_t *records_of_dir(const char *dir)
{
    static const char *const files[] = {"000000_sms_backup", "000001_mms_backup"};
    struct collect c = {json_array(), json_array(), diag_new()};
    char path[8192], name[256];
    size_t i, n;

    for (i = 0; i < 2; i++) {
        unsigned char *p;
        assert_true(strlen(dir) < 4096);
        snprintf(path, sizeof path, "%s/apps/com.android.providers.telephony/d_f/%s", dir,
                 files[i]);
        snprintf(name, sizeof name, "apps/com.android.providers.telephony/d_f/%s", files[i]);
        p = (unsigned char *)vgfix_read_file(path, &n);
        assert_non_null(p);
        add_file(&c, name, p, n);
        free(p);
    }
    vg_diag_free(c.d);
    return records_of(&c);
}

/* Each record equals the record of MVT's sms.json with the same date. */
static void assert_in_mvt(const json_t *got, const json_t *mvt, size_t want_count)
{
    size_t i, j;

    assert_int_equal(json_array_size(got), want_count);
    for (i = 0; i < json_array_size(got); i++) {
        const json_t *g = json_array_get(got, i);
        int found = 0;
        for (j = 0; j < json_array_size(mvt); j++)
            if (json_equal(json_object_get(g, "date"),
                           json_object_get(json_array_get(mvt, j), "date")))
                found = same_json(g, json_array_get(mvt, j));
        assert_true(found);
    }
}

static void test_mvt_conformance(void **state)
{
    char *base = vgfix_shared_path("mvt-artifacts"), path[8192];
    json_error_t je;
    json_t *mvt, *got;
    (void)state;

    if (!base) {
        printf("../shared/mvt-artifacts not found: MVT comparison skipped\n");
        skip();
    }
    snprintf(path, sizeof path, "%s/mvt-results/android-backup/sms.json", base);
    mvt = json_load_file(path, 0, &je);
    assert_non_null(mvt);
    assert_int_equal(json_array_size(mvt), 2);

    /* what MVT ran on: the whole list, in order */
    snprintf(path, sizeof path, "%s/android_backup/backup.ab", base);
    got = records_of_ab(path, NULL);
    assert_true(same_json(got, mvt));
    json_decref(got);
    snprintf(path, sizeof path, "%s/android_backup", base);
    got = records_of_dir(path);
    assert_true(same_json(got, mvt));
    json_decref(got);
    /* the other backups hold the SMS only (MVT's test_backup_parser.py) */
    snprintf(path, sizeof path, "%s/android_backup/backup2.ab", base);
    got = records_of_ab(path, "123456");
    assert_in_mvt(got, mvt, 1);
    json_decref(got);
    snprintf(path, sizeof path, "%s/android_backup/backup3.ab", base);
    got = records_of_ab(path, NULL);
    assert_in_mvt(got, mvt, 1);
    json_decref(got);
    snprintf(path, sizeof path, "%s/androidqf_encrypted/backup.ab", base);
    got = records_of_ab(path, "123456");
    assert_in_mvt(got, mvt, 1);
    json_decref(got);
    json_decref(mvt);
    free(base);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_inflate),         cmocka_unit_test(test_sms_record),
        cmocka_unit_test(test_mms_body),        cmocka_unit_test(test_links_rules),
        cmocka_unit_test(test_dates),           cmocka_unit_test(test_bad_dates),
        cmocka_unit_test(test_direction),       cmocka_unit_test(test_fixture_files),
        cmocka_unit_test(test_bad_files),       cmocka_unit_test(test_names),
        cmocka_unit_test(test_mvt_conformance),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
