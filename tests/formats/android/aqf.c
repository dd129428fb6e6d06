/*
 * What the AndroidQF parsers share (src/lib/formats/android/aqf.c): the
 * warning sink, the record cap, UTF-8 repair, telling JSON from ps text.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "aqft.h"

static void test_emit_and_cap(void **state)
{
    struct aqft t;
    (void)state;

    aqft_init(&t, "x.json");
    assert_int_equal(vg_aqf_emit(&t.sink, json_integer(1)), VG_OK);
    assert_int_equal(vg_aqf_emit(&t.sink, NULL), VG_E_NOMEM);
    t.sink.records = VG_MAX_AQF_RECORDS;
    assert_int_equal(vg_aqf_emit(&t.sink, json_integer(2)), VG_E_LIMIT);
    assert_int_equal(json_array_size(t.recs), 1);
    assert_true(aqft_said(&t, "the rest is not read"));
    aqft_free(&t);
}

static void test_warn_without_diag(void **state)
{
    struct vg_aqf_sink s;
    (void)state;

    memset(&s, 0, sizeof(s));
    vg_aqf_warn(&s, "no diag: %d", 1);
    vg_aqf_warn_done(&s);
    assert_int_equal(s.warnings, 1);
}

static void test_text_utf8(void **state)
{
    struct vg_buf b;
    struct aqft t;
    const char *p;
    size_t n;
    (void)state;

    aqft_init(&t, "ps.txt");
    vg_buf_init(&b, 1024);
    assert_int_equal(vg_aqf_text_utf8(&t.sink, "ok", 2, &b, &p, &n), VG_OK);
    assert_int_equal(n, 2);
    assert_null(b.data);
    assert_int_equal(vg_aqf_text_utf8(&t.sink, "a\x80", 2, &b, &p, &n), VG_OK);
    assert_int_equal(n, 4);
    assert_memory_equal(p, "a\xef\xbf\xbd", 4);
    assert_int_equal(vg_aqf_text_utf8(&t.sink, NULL, 5, &b, &p, &n), VG_OK);
    assert_int_equal(n, 0);
    assert_int_equal(aqft_warnings(&t), 1);
    vg_buf_free(&b);
    aqft_free(&t);
}

static void test_looks_json(void **state)
{
    (void)state;
    assert_true(vg_aqf_looks_json(" \n[{\"pid\":1}]", 13));
    assert_true(vg_aqf_looks_json("{", 1));
    assert_false(vg_aqf_looks_json("USER PID", 8));
    assert_false(vg_aqf_looks_json("   ", 3));
    assert_false(vg_aqf_looks_json(NULL, 0));
}

static void test_str(void **state)
{
    json_t *v;
    (void)state;

    v = vg_aqf_str("a\0b", 3);
    assert_int_equal(json_string_length(v), 3);
    json_decref(v);
    v = vg_aqf_str(NULL, 0);
    assert_string_equal(json_string_value(v), "");
    json_decref(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_emit_and_cap), cmocka_unit_test(test_warn_without_diag),
        cmocka_unit_test(test_text_utf8),    cmocka_unit_test(test_looks_json),
        cmocka_unit_test(test_str),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
