/*
 * What the tombstone readers share (src/lib/formats/android/tombstone.c):
 * timestamps as MVT writes them, Python-like integers, the choice of
 * reader by name; and conformance with MVT on its own test artifacts in
 * ../shared/mvt-artifacts (skipped, saying so, when it is not there).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include "util/vg.h"
#include "fixture.h"
#include "formats/android/tombstone_int.h"

static void assert_time(const char *in, const char *want)
{
    char buf[TS_TIME_CAP];

    if (!want) {
        assert_false(ts_time(vg_str_of(in), buf));
        return;
    }
    assert_true(ts_time(vg_str_of(in), buf));
    assert_string_equal(buf, want);
}

static void test_time(void **state)
{
    (void)state;
    assert_time("2023-04-12 12:32:40.518290770+0200", "2023-04-12 12:32:40.518290");
    assert_time(" 2021-09-29 17:43:49+0200 ", "2021-09-29 17:43:49.000000");
    assert_time("2023-08-21 23:28:59-0400", "2023-08-21 23:28:59.000000");
    assert_time("2024-02-29T00:00:00.5Z", "2024-02-29 00:00:00.500000");
    assert_time("2024-02-29 00:00:00.1234564+05:30", "2024-02-29 00:00:00.123456");
    assert_time("2000-12-31 23:59:59-07", "2000-12-31 23:59:59.000000");
    assert_time("", NULL);
    assert_time("2023-04-12", NULL);
    assert_time("2023-04-12 12:32", NULL);
    assert_time("2023-02-29 12:32:40", NULL);
    assert_time("1900-02-29 12:32:40", NULL);
    assert_time("2023-00-12 12:32:40", NULL);
    assert_time("0000-01-01 00:00:00", NULL);
    assert_time("2023-04-12 24:00:00", NULL);
    assert_time("2023-04-12 12:60:00", NULL);
    assert_time("2023-04-12 12:32:60", NULL);
    assert_time("2023-04-12 12:32:40.", NULL);
    assert_time("2023-04-12 12:32:40+2500", NULL);
    assert_time("2023-04-12 12:32:40+02:5", NULL);
    assert_time("2023-04-12 12:32:40 CEST", NULL);
    assert_time("2023-4-12 12:32:40", NULL);
}

static void assert_int(const char *in, int ok, int64_t want)
{
    int64_t v = -42;

    assert_int_equal(ts_pyint(vg_str_of(in), &v), ok);
    if (ok)
        assert_int_equal(v, want);
}

static void test_pyint(void **state)
{
    (void)state;
    assert_int("0", 1, 0);
    assert_int(" -1\t", 1, -1);
    assert_int("+12", 1, 12);
    assert_int("1_000_000", 1, 1000000);
    assert_int("9223372036854775807", 1, INT64_MAX);
    assert_int("-9223372036854775808", 1, INT64_MIN);
    assert_int("9223372036854775808", 0, 0);
    assert_int("", 0, 0);
    assert_int("-", 0, 0);
    assert_int("1__0", 0, 0);
    assert_int("_1", 0, 0);
    assert_int("1_", 0, 0);
    assert_int("1 2", 0, 0);
    assert_int("0x10", 0, 0);
}

static void test_dispatch(void **state)
{
    static const char text[] = "Build fingerprint: 'x'\nRevision: '0'\n"
                               "Timestamp: 2021-09-29 17:43:49+0200\n"
                               "pid: 1, tid: 2, name: n  >>> /bin/n <<<\nuid: 0\n"
                               "signal 6 (SIGABRT), code -1 (SI_QUEUE)\n";
    struct vg_tombstone_in in = {text, sizeof(text) - 1, "tombstone_07", "", 0, 0};
    char err[128];
    json_t *r = NULL;
    (void)state;

    assert_true(vg_tombstone_is_pb("tombstone_07.pb"));
    assert_false(vg_tombstone_is_pb("tombstone_07"));
    assert_false(vg_tombstone_is_pb("tombstone_07.pb.txt"));
    assert_false(vg_tombstone_is_pb(NULL));
    assert_int_equal(vg_tombstone_parse(&in, &r, err, sizeof(err)), VG_OK);
    json_decref(r);
    in.file_name = "tombstone_07.pb"; /* text is no protobuf message */
    r = NULL;
    assert_int_equal(vg_tombstone_parse(&in, &r, err, sizeof(err)), VG_E_CORRUPT);
    assert_null(r);
}

/* ---- conformance with MVT ---- */

static char *shared(const char *rel)
{
    char *p = vgfix_shared_path(rel);

    if (!p) {
        printf("skipped: ../shared/mvt-artifacts is not there\n");
        return NULL;
    }
    return p;
}

static json_t *read_record(const char *dir, const char *name, const char *file_timestamp,
                           unsigned flags)
{
    char path[4096], err[256];
    struct vg_tombstone_in in;
    json_t *r = NULL;
    size_t n;
    char *data;

    assert_int_equal(vg_snprintf(path, sizeof(path), "%s/%s", dir, name), VG_OK);
    data = vgfix_read_file(path, &n);
    assert_non_null(data);
    memset(&in, 0, sizeof(in));
    in.data = data;
    in.len = n;
    in.file_name = name;
    in.file_timestamp = file_timestamp;
    in.flags = flags;
    if (vg_tombstone_parse(&in, &r, err, sizeof(err)) != VG_OK)
        fail_msg("%s: %s", name, err);
    free(data);
    return r;
}

static void assert_same(json_t *got, json_t *want)
{
    char *a, *b;

    assert_non_null(got);
    assert_non_null(want);
    a = json_dumps(got, JSON_COMPACT | JSON_ENSURE_ASCII);
    b = json_dumps(want, JSON_COMPACT | JSON_ENSURE_ASCII);
    if (strcmp(a, b) != 0)
        fail_msg("record\n%s\nMVT\n%s", a, b);
    free(a);
    free(b);
}

/* MVT 2026.7.29's check-bugreport records for FS/data/tombstones/. */
static void test_mvt_bugreport(void **state)
{
    char *dir = shared("mvt-artifacts/android_data/bugreport/FS/data/tombstones");
    char *res = shared("mvt-artifacts/mvt-results/android-bugreport/tombstones.json");
    json_t *mvt, *got, *want;
    size_t i;
    (void)state;

    if (!dir || !res) {
        free(dir);
        free(res);
        skip();
    }
    mvt = json_load_file(res, 0, NULL);
    assert_non_null(mvt);
    assert_int_equal(json_array_size(mvt), 2);
    json_array_foreach(mvt, i, want)
    {
        got = read_record(dir, json_string_value(json_object_get(want, "file_name")),
                          json_string_value(json_object_get(want, "file_timestamp")), 0);
        assert_same(got, want);
        json_decref(got);
    }
    json_decref(mvt);
    free(dir);
    free(res);
}

/* MVT's tests/android/test_artifact_tombstones.py reads these two with the
 * file time 2023-04-12 12:32:40.518290; there is no MVT output file for
 * them, so the records are MVT's reader worked through by hand (its test
 * asserts command_line, uid, pid, process_name and timestamp). They show
 * where MVT's two readers differ for one crash: arch, binary_path,
 * selinux_label and cause (and process_uptime and command_line when the
 * text has no such line). */
static const char mvt_process_txt[] =
    "{\"file_name\": \"tombstone_process.txt\", \"file_timestamp\": \"2023-04-12 "
    "12:32:40.518290\", \"build_fingerprint\": "
    "\"Redmi/rosemary_global/rosemary:12/SP1A.210812.016/V13.0.13.0.SKLMIXM:user/release-keys\", "
    "\"revision\": \"0\", \"arch\": \"arm\", \"timestamp\": \"2023-04-12 12:32:40.518290\", "
    "\"process_uptime\": 0, \"command_line\": "
    "[\"/vendor/bin/hw/android.hardware.media.c2@1.2-mediatek\"], \"pid\": 25541, \"tid\": 21307, "
    "\"process_name\": \"mtk.ape.decoder\", \"binary_path\": "
    "\"/vendor/bin/hw/android.hardware.media.c2@1.2-mediatek\", \"selinux_label\": null, "
    "\"uid\": 1046, \"signal_info\": {\"code\": 1, \"code_name\": \"SEGV_MAPERR\", \"name\": "
    "\"SIGSEGV\", \"number\": 0}, \"cause\": \"null pointer dereference\", \"extra\": null}";
static const char mvt_process_pb[] =
    "{\"file_name\": \"tombstone_process.pb\", \"file_timestamp\": \"2023-04-12 "
    "12:32:40.518290\", \"build_fingerprint\": "
    "\"Redmi/rosemary_global/rosemary:12/SP1A.210812.016/V13.0.13.0.SKLMIXM:user/release-keys\", "
    "\"revision\": \"0\", \"arch\": \"ARM32\", \"timestamp\": \"2023-04-12 12:32:40.518290\", "
    "\"process_uptime\": 0, \"command_line\": "
    "[\"/vendor/bin/hw/android.hardware.media.c2@1.2-mediatek\"], \"pid\": 25541, \"tid\": 21307, "
    "\"process_name\": \"mtk.ape.decoder\", \"binary_path\": null, \"selinux_label\": "
    "\"u:r:mtk_hal_c2:s0\\u0000\", \"uid\": 1046, \"signal_info\": {\"code\": 1, \"code_name\": "
    "\"SEGV_MAPERR\", \"name\": \"SIGSEGV\", \"number\": 0}, \"cause\": null, \"extra\": null}";

static void test_mvt_process(void **state)
{
    static const char when[] = "2023-04-12 12:32:40.518290";
    char *dir = shared("mvt-artifacts/android_data");
    json_t *got, *want;
    (void)state;

    if (!dir)
        skip();
    got = read_record(dir, "tombstone_process.txt", when, 0);
    want = json_loads(mvt_process_txt, 0, NULL);
    assert_same(got, want);
    json_decref(got);
    json_decref(want);
    got = read_record(dir, "tombstone_process.pb", when, 0);
    want = json_loads(mvt_process_pb, JSON_ALLOW_NUL, NULL);
    assert_same(got, want);
    json_decref(got);
    json_decref(want);
    /* MVT main: the pb's one cause, and the empty abort message */
    got = read_record(dir, "tombstone_process.pb", when, VG_TOMBSTONE_MVT_MAIN);
    want = json_loads(
        "[{\"human_readable\": \"null pointer dereference\", \"memory_error\": null}]", 0, NULL);
    assert_same(json_object_get(got, "causes"), want);
    assert_string_equal(json_string_value(json_object_get(got, "abort_message")), "");
    json_decref(got);
    json_decref(want);
    free(dir);
}

/* MVT main's test: tombstone_00's abort message, trailing blank kept. */
static void test_mvt_main_abort(void **state)
{
    char *dir = shared("mvt-artifacts/android_data/bugreport/FS/data/tombstones");
    json_t *got;
    (void)state;

    if (!dir)
        skip();
    got = read_record(dir, "tombstone_00", "", VG_TOMBSTONE_MVT_MAIN);
    assert_string_equal(json_string_value(json_object_get(got, "abort_message")),
                        "Check failed: payload.size() <= bytes_left (payload.size()=99, "
                        "bytes_left=51) ");
    assert_true(json_is_null(json_object_get(got, "causes")));
    json_decref(got);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_time),        cmocka_unit_test(test_pyint),
        cmocka_unit_test(test_dispatch),    cmocka_unit_test(test_mvt_bugreport),
        cmocka_unit_test(test_mvt_process), cmocka_unit_test(test_mvt_main_abort),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
