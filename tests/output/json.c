/*
 * vg_json_dumps against Python's json.dumps(v, indent=4) (ensure_ascii).
 * Every expected string here was printed by CPython 3.11 from the same
 * value; the comments give the Python expression when it is not obvious.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include <dirent.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>

#include "fixture.h"
#include "output/json.h"
#include "output/output.h"

static void assert_dumps(json_t *v, const char *expected)
{
    char *s = vg_json_dumps(v);
    assert_non_null(s);
    assert_string_equal(s, expected);
    free(s);
    json_decref(v);
}

static void test_layout(void **state)
{
    json_t *v;
    (void)state;
    /* {"a": [], "b": {}, "c": [1, {"d": None}, [True, False]], "e": "x"} */
    v = json_pack("{s:[],s:{},s:[i,{s:n},[b,b]],s:s}", "a", "b", "c", 1, "d", 1, 0, "e", "x");
    assert_dumps(v, "{\n"
                    "    \"a\": [],\n"
                    "    \"b\": {},\n"
                    "    \"c\": [\n"
                    "        1,\n"
                    "        {\n"
                    "            \"d\": null\n"
                    "        },\n"
                    "        [\n"
                    "            true,\n"
                    "            false\n"
                    "        ]\n"
                    "    ],\n"
                    "    \"e\": \"x\"\n"
                    "}");
    assert_dumps(json_array(), "[]");
    assert_dumps(json_object(), "{}");
    assert_dumps(json_null(), "null");
    assert_dumps(json_string("top"), "\"top\"");
    assert_dumps(json_integer(INT64_MIN), "-9223372036854775808");
}

static void test_key_order_is_insertion_order(void **state)
{
    json_t *v = json_object();
    (void)state;
    json_object_set_new(v, "zeta", json_integer(1));
    json_object_set_new(v, "alpha", json_integer(2));
    json_object_set_new(v, "mid", json_integer(3));
    json_object_set_new(v, "zeta", json_integer(4)); /* replacing keeps the place, as dict */
    assert_dumps(v, "{\n    \"zeta\": 4,\n    \"alpha\": 2,\n    \"mid\": 3\n}");
}

static void test_string_escapes(void **state)
{
    (void)state;
    /* json.dumps('q"b\\s/\n\r\t\b\f\x01\x1f\x7f ~') */
    assert_dumps(json_string("q\"b\\s/\n\r\t\b\f\x01\x1f\x7f ~"),
                 "\"q\\\"b\\\\s/\\n\\r\\t\\b\\f\\u0001\\u001f\\u007f ~\"");
    /* json.dumps('Café \u2028 \U0001F600 \U0010FFFF') */
    assert_dumps(json_string("Caf\xC3\xA9 \xE2\x80\xA8 \xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF"),
                 "\"Caf\\u00e9 \\u2028 \\ud83d\\ude00 \\udbff\\udfff\"");
    /* json.dumps('a\x00b') */
    assert_dumps(json_stringn("a\0b", 3), "\"a\\u0000b\"");
    /* keys are escaped the same way: json.dumps({'clé': 1}, indent=4) */
    assert_dumps(json_pack("{s:i}", "cl\xC3\xA9", 1), "{\n    \"cl\\u00e9\": 1\n}");
}

static void test_invalid_utf8_becomes_replacement(void **state)
{
    (void)state;
    /* json.dumps(b'a\xff b\xe2\x82 c\xed\xa0\x80 d\xc0\xaf e\xf4\x90\x80\x80 f\xf0\x9f\x98'
     *            .decode('utf-8', 'replace')) */
    assert_dumps(json_stringn_nocheck("a\xff b\xe2\x82 c\xed\xa0\x80 d\xc0\xaf e\xf4\x90\x80\x80 "
                                      "f\xf0\x9f\x98",
                                      26),
                 "\"a\\ufffd b\\ufffd c\\ufffd\\ufffd\\ufffd d\\ufffd\\ufffd "
                 "e\\ufffd\\ufffd\\ufffd\\ufffd f\\ufffd\"");
}

static void test_real_dump(void **state)
{
    (void)state;
    assert_dumps(json_real(-2.5), "-2.5");
}

static json_t *nest(size_t depth)
{
    json_t *v = json_array(), *outer;
    size_t i;
    for (i = 1; i < depth; i++) {
        outer = json_array();
        json_array_append_new(outer, v);
        v = outer;
    }
    return v;
}

static void test_depth_cap(void **state)
{
    json_t *v;
    char *s;
    (void)state;
    v = nest(VG_MAX_JSON_DEPTH + 1); /* innermost at level VG_MAX_JSON_DEPTH */
    s = vg_json_dumps(v);
    assert_non_null(s);
    free(s);
    json_decref(v);
    v = nest(VG_MAX_JSON_DEPTH + 2);
    assert_null(vg_json_dumps(v));
    json_decref(v);
}

static void test_sink_reports_write_errors(void **state)
{
    struct vg_sink s = {NULL, NULL, VG_OK, 0, NULL, 0};
    char wb[VG_SINK_BUF];
    FILE *f = fopen("/dev/full", "wb");
    (void)state;
    if (!f) {
        printf("/dev/full not available: write error test skipped\n");
        skip();
    }
    setvbuf(f, NULL, _IONBF, 0);
    s.f = f;
    vg_sink_puts(&s, "x");
    assert_int_equal(s.err, VG_E_IO);
    assert_int_not_equal(s.syserr, 0);
    /* gathered writes fail at the flush, and stay failed */
    s.err = VG_OK;
    s.syserr = 0;
    s.wb = wb;
    vg_sink_puts(&s, "y");
    assert_int_equal(s.err, VG_OK);
    assert_int_equal(vg_sink_flush(&s), VG_E_IO);
    vg_sink_puts(&s, "z");
    assert_int_equal(s.err, VG_E_IO);
    fclose(f);
}

/* MVT's own output, re-read and re-written, must come back byte for byte. */
static size_t redump_folder(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    json_error_t err;
    json_t *v;
    size_t len, done = 0;
    char *path, *want, *got;

    assert_non_null(d);
    while ((e = readdir(d)) != NULL) {
        if (!vg_str_has_suffix(e->d_name, ".json"))
            continue;
        path = vg_asprintf("%s/%s", dir, e->d_name);
        assert_non_null(path);
        v = json_load_file(path, 0, &err);
        if (!v) {
            /* e.g. certificate serial numbers past 64 bits */
            printf("jansson cannot hold %s (%s): not compared\n", path, err.text);
            free(path);
            continue;
        }
        want = vgfix_read_file(path, &len);
        got = vg_json_dumps(v);
        assert_non_null(want);
        assert_non_null(got);
        if (strlen(got) != len || memcmp(got, want, len) != 0)
            fail_msg("%s: vg_json_dumps differs from MVT's bytes", path);
        free(want);
        free(got);
        free(path);
        json_decref(v);
        done++;
    }
    closedir(d);
    return done;
}

static void test_mvt_files_roundtrip(void **state)
{
    static const char *const runs[] = {"ios-backup-testiocs", "ios-backup-pegasus",
                                       "android-bugreport", "android-androidqf"};
    char *base = vgfix_shared_path("mvt-artifacts/mvt-results"), *dir;
    size_t i, done = 0;
    (void)state;

    if (!base) {
        printf("../shared/mvt-artifacts not found: MVT byte comparison skipped\n");
        skip();
    }
    for (i = 0; i < sizeof(runs) / sizeof(runs[0]); i++) {
        dir = vg_asprintf("%s/%s", base, runs[i]);
        assert_non_null(dir);
        done += redump_folder(dir);
        free(dir);
    }
    assert_true(done >= 40);
    free(base);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layout),
        cmocka_unit_test(test_key_order_is_insertion_order),
        cmocka_unit_test(test_string_escapes),
        cmocka_unit_test(test_invalid_utf8_becomes_replacement),
        cmocka_unit_test(test_real_dump),
        cmocka_unit_test(test_depth_cap),
        cmocka_unit_test(test_sink_reports_write_errors),
        cmocka_unit_test(test_mvt_files_roundtrip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
