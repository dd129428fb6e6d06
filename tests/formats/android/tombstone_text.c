/*
 * The text tombstone reader (src/lib/formats/android/tombstone_text.c) on
 * inline tombstones laid out as debuggerd writes them (Android 10 and 12),
 * and on text MVT's reader rejects or reads in its own way.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include "util/vg.h"
#include "formats/android/tombstone.h"

#define TS_DELIM "*** *** *** *** *** *** *** *** *** *** *** *** *** *** *** ***\n"

/* Android 12: uptime, Cmdline, nanoseconds, a second thread. */
static const char ts_android12[] = TS_DELIM
    "Build fingerprint: 'google/sargo/sargo:12/SP2A.220505.002/8353555:user/release-keys'\n"
    "Revision: 'MP1.0'\n"
    "ABI: 'arm64'\n"
    "Timestamp: 2022-06-01 10:11:12.123456789+0200\n"
    "Process uptime: 40s\n"
    "Cmdline: /system/bin/netd --flag\n"
    "pid: 612, tid: 640, name: netd  >>> /system/bin/netd <<<\n"
    "uid: 0\n"
    "signal 11 (SIGSEGV), code 1 (SEGV_MAPERR), fault addr 0x0\n"
    "Cause: null pointer dereference\n"
    "Abort message: 'it's bad '\n"
    "    x0  0000000000000000  x1  0000007fd1c0a4d0\n"
    "\n"
    "backtrace:\n"
    "      #00 pc 000000000004b7c8  /system/lib64/libc.so (strlen+8)\n"
    "\n"
    "--- --- --- --- --- --- --- --- --- --- --- --- --- --- --- ---\n"
    "pid: 612, tid: 612, name: other  >>> /system/bin/other <<<\n"
    "uid: 0\n";

static const char ts_android12_rec[] =
    "{\"file_name\": \"tombstone_03\", \"file_timestamp\": \"2022-06-01 08:20:00.000000\", "
    "\"build_fingerprint\": \"google/sargo/sargo:12/SP2A.220505.002/8353555:user/release-keys\", "
    "\"revision\": \"MP1.0\", \"arch\": \"arm64\", \"timestamp\": \"2022-06-01 10:11:12.123456\", "
    "\"process_uptime\": 40, \"command_line\": [\"/system/bin/netd --flag\"], \"pid\": 612, "
    "\"tid\": 640, \"process_name\": \"netd\", \"binary_path\": \"/system/bin/netd\", "
    "\"selinux_label\": null, \"uid\": 0, \"signal_info\": {\"code\": 1, \"code_name\": "
    "\"SEGV_MAPERR\", \"name\": \"SIGSEGV\", \"number\": 11}, \"cause\": \"null pointer "
    "dereference\", \"extra\": null}";

/* Android 10: no uptime, no Cmdline, no fraction. */
static const char ts_android10[] =
    TS_DELIM "Build fingerprint: 'samsung/a10eea/a10:10/QP1A.190711.020/A105:user/release-keys'\n"
             "Revision: '5'\n"
             "ABI: 'arm'\n"
             "Timestamp: 2021-09-29 17:43:49+0200\n"
             "pid: 9850, tid: 9893, name: UsbFfs-worker  >>> /system/bin/adbd <<<\n"
             "uid: 2000\n"
             "signal 6 (SIGABRT), code -1 (SI_QUEUE), fault addr --------\n";

static const char ts_android10_rec[] =
    "{\"file_name\": \"tombstone_00\", \"file_timestamp\": \"\", \"build_fingerprint\": "
    "\"samsung/a10eea/a10:10/QP1A.190711.020/A105:user/release-keys\", \"revision\": \"5\", "
    "\"arch\": \"arm\", \"timestamp\": \"2021-09-29 17:43:49.000000\", \"process_uptime\": null, "
    "\"command_line\": null, \"pid\": 9850, \"tid\": 9893, \"process_name\": \"UsbFfs-worker\", "
    "\"binary_path\": \"/system/bin/adbd\", \"selinux_label\": null, \"uid\": 2000, "
    "\"signal_info\": {\"code\": -1, \"code_name\": \"SI_QUEUE\", \"name\": \"SIGABRT\", "
    "\"number\": 6}, \"cause\": null, \"extra\": null}";

static char errbuf[256];

static int parse(const char *text, size_t n, unsigned flags, json_t **out)
{
    struct vg_tombstone_in in = {text, n, "tombstone_00", NULL, flags, 0};

    errbuf[0] = '\0';
    return vg_tombstone_text(&in, out, errbuf, sizeof(errbuf));
}

/* got as JSON text, keys in their order, against the expected text. */
static void assert_json(json_t *got, const char *expected)
{
    json_t *e = json_loads(expected, 0, NULL);
    char *a, *b;

    assert_non_null(e);
    a = json_dumps(got, JSON_COMPACT | JSON_ENSURE_ASCII);
    b = json_dumps(e, JSON_COMPACT | JSON_ENSURE_ASCII);
    if (strcmp(a, b) != 0)
        fail_msg("record\n%s\nexpected\n%s", a, b);
    free(a);
    free(b);
    json_decref(e);
}

/* The error for text, whose message must hold what. */
static void assert_bad(const char *text, int rc, const char *what)
{
    json_t *r = NULL;

    assert_int_equal(parse(text, strlen(text), 0, &r), rc);
    assert_null(r);
    if (!strstr(errbuf, what))
        fail_msg("message '%s' lacks '%s'", errbuf, what);
}

/* ts_android10 with line "from" replaced by "to". */
static char *with_line(const char *from, const char *to)
{
    const char *at = strstr(ts_android10, from);
    size_t pre, n;
    char *s;

    assert_non_null(at);
    pre = (size_t)(at - ts_android10);
    n = strlen(ts_android10) - strlen(from) + strlen(to);
    s = malloc(n + 1);
    assert_non_null(s);
    memcpy(s, ts_android10, pre);
    memcpy(s + pre, to, strlen(to));
    memcpy(s + pre + strlen(to), at + strlen(from), strlen(at + strlen(from)) + 1);
    return s;
}

static void test_android12(void **state)
{
    struct vg_tombstone_in in = {
        ts_android12, sizeof(ts_android12) - 1, "tombstone_03", "2022-06-01 08:20:00.000000", 0, 0};
    json_t *r = NULL;
    (void)state;

    assert_int_equal(vg_tombstone_text(&in, &r, errbuf, sizeof(errbuf)), VG_OK);
    assert_json(r, ts_android12_rec);
    json_decref(r);
}

static void test_android10(void **state)
{
    json_t *r = NULL;
    (void)state;

    assert_int_equal(parse(ts_android10, strlen(ts_android10), 0, &r), VG_OK);
    assert_json(r, ts_android10_rec);
    json_decref(r);
}

/* MVT main's keys: the abort message keeps its inner blanks. */
static void test_main_keys(void **state)
{
    json_t *r = NULL;
    (void)state;

    assert_int_equal(parse(ts_android12, strlen(ts_android12), VG_TOMBSTONE_MVT_MAIN, &r), VG_OK);
    assert_int_equal(json_object_size(r), 19);
    assert_true(json_is_null(json_object_get(r, "causes")));
    assert_string_equal(json_string_value(json_object_get(r, "abort_message")), "it's bad ");
    assert_string_equal(
        json_object_iter_key(json_object_iter_next(r, json_object_iter_at(r, "abort_message"))),
        "extra");
    json_decref(r);
    assert_int_equal(parse(ts_android10, strlen(ts_android10), VG_TOMBSTONE_MVT_MAIN, &r), VG_OK);
    assert_true(json_is_null(json_object_get(r, "abort_message")));
    json_decref(r);
}

/* The first pid line wins; later key lines replace earlier ones. */
static void test_later_lines(void **state)
{
    char *s = with_line("uid: 2000\n", "uid: 2000\npid: 1, tid: 2, name: x  >>> /y <<<\n"
                                       "uid: 1_000\nname: renamed\nCause: a\nCause: b\n");
    json_t *r = NULL;
    (void)state;

    assert_int_equal(parse(s, strlen(s), 0, &r), VG_OK);
    assert_int_equal(json_integer_value(json_object_get(r, "pid")), 9850);
    assert_int_equal(json_integer_value(json_object_get(r, "tid")), 9893);
    assert_int_equal(json_integer_value(json_object_get(r, "uid")), 1000);
    assert_string_equal(json_string_value(json_object_get(r, "process_name")), "renamed");
    assert_string_equal(json_string_value(json_object_get(r, "binary_path")), "/system/bin/adbd");
    assert_string_equal(json_string_value(json_object_get(r, "cause")), "b");
    json_decref(r);
    free(s);
}

/* Signals without names, the pid line without a path, CRLF, blank lines. */
static void test_variants(void **state)
{
    char *s = with_line("signal 6 (SIGABRT), code -1 (SI_QUEUE), fault addr --------\n",
                        "signal 6, code 0 (SI_USER\r\n\r\n \t\n");
    char *p = with_line("pid: 9850, tid: 9893, name: UsbFfs-worker  >>> /system/bin/adbd <<<\n",
                        "pid: 7, tid: 8\n");
    json_t *r = NULL, *sig;
    (void)state;

    assert_int_equal(parse(s, strlen(s), 0, &r), VG_OK);
    sig = json_object_get(r, "signal_info");
    assert_string_equal(json_string_value(json_object_get(sig, "name")), "UNKNOWN");
    assert_string_equal(json_string_value(json_object_get(sig, "code_name")), "SI_USER");
    assert_int_equal(json_integer_value(json_object_get(sig, "code")), 0);
    json_decref(r);
    assert_int_equal(parse(p, strlen(p), 0, &r), VG_OK);
    assert_true(json_is_null(json_object_get(r, "process_name")));
    assert_true(json_is_null(json_object_get(r, "binary_path")));
    json_decref(r);
    free(s);
    free(p);
}

/* A line holding the delimiter is skipped even when it starts with a key;
 * "tid:" sets the tid as text, checked at the end. */
static void test_skips_and_tid(void **state)
{
    char *s = with_line("uid: 2000\n", "uid: 2000\nCause: " TS_DELIM "tid: 12\n");
    char *t = with_line("uid: 2000\n", "uid: 2000\ntid: twelve\n");
    json_t *r = NULL;
    (void)state;

    assert_int_equal(parse(s, strlen(s), 0, &r), VG_OK);
    assert_true(json_is_null(json_object_get(r, "cause")));
    assert_int_equal(json_integer_value(json_object_get(r, "tid")), 12);
    json_decref(r);
    assert_bad(t, VG_E_CORRUPT, "tid is not a number");
    free(s);
    free(t);
}

/* Lines MVT raises on, so it drops the whole file. */
static void test_rejected_lines(void **state)
{
    static const struct {
        const char *from, *to, *what;
    } v[] = {
        {"uid: 2000\n", "uid 2000\n", "line 7: key line without ':'"},
        {"uid: 2000\n", "uid: root\n", "uid is not a number"},
        {"uid: 2000\n", "code around pc:\n", "its key is another"},
        {"uid: 2000\n", "uid: 2000\nProcess uptime: s\n", "process uptime"},
        {"Timestamp: 2021-09-29 17:43:49+0200\n", "Timestamp: yesterday\n", "line 5: Timestamp"},
        {"Timestamp: 2021-09-29 17:43:49+0200\n", "Timestamp 2021\n", "Timestamp line without"},
        {"Timestamp: 2021-09-29 17:43:49+0200\n", "Timestamp: 2021-02-29 17:43:49\n", "Timestamp"},
        {"pid: 9850, tid", "pid: 9850, , tid", "an item without ':'"},
        {"pid: 9850,", "pid: x9850,", "pid or tid is not a number"},
        {"signal 6 (SIGABRT), code -1 (SI_QUEUE), fault addr --------\n", "signal 6 (SIGABRT)\n",
         "signal line without"},
        {"signal 6 (SIGABRT), code -1", "signal SIGABRT, code -1", "signal line is not"},
        {"signal 6 (SIGABRT), code -1", "signal 6 (SIGABRT), cod -1", "signal line is not"},
    };
    size_t i;
    char *s;
    (void)state;

    for (i = 0; i < VG_ARRAY_LEN(v); i++) {
        s = with_line(v[i].from, v[i].to);
        assert_bad(s, VG_E_CORRUPT, v[i].what);
        free(s);
    }
}

static void test_missing_lines(void **state)
{
    static const struct {
        const char *line, *what;
    } v[] = {
        {"Build fingerprint: 'samsung/a10eea/a10:10/QP1A.190711.020/A105:user/release-keys'\n",
         "no 'Build fingerprint' line"},
        {"Revision: '5'\n", "no 'Revision' line"},
        {"Timestamp: 2021-09-29 17:43:49+0200\n", "no 'Timestamp' line"},
        {"pid: 9850, tid: 9893, name: UsbFfs-worker  >>> /system/bin/adbd <<<\n", "no 'pid' line"},
        {"uid: 2000\n", "no 'uid' line"},
        {"signal 6 (SIGABRT), code -1 (SI_QUEUE), fault addr --------\n", "no 'signal' line"},
    };
    size_t i;
    char *s;
    (void)state;

    for (i = 0; i < VG_ARRAY_LEN(v); i++) {
        s = with_line(v[i].line, "");
        assert_bad(s, VG_E_CORRUPT, v[i].what);
        free(s);
    }
    s = with_line("pid: 9850, tid: 9893,", "pid: 9850,");
    assert_bad(s, VG_E_CORRUPT, "no tid");
    free(s);
}

/* Text cut anywhere: a record or an error, never a crash; the record
 * appears only once the signal line is whole. */
static void test_cut_anywhere(void **state)
{
    size_t n = strlen(ts_android10), i, ok = 0;
    json_t *r;
    char *s;
    (void)state;

    for (i = 0; i <= n; i++) {
        s = malloc(i + 1);
        assert_non_null(s);
        memcpy(s, ts_android10, i);
        r = NULL;
        if (parse(s, i, 0, &r) == VG_OK) {
            ok++;
            json_decref(r);
        } else {
            assert_null(r);
            assert_true(errbuf[0] != '\0');
        }
        free(s);
    }
    /* from "signal 6 (SIGABRT), code -1 " on */
    assert_int_equal(ok, n - (size_t)(strstr(ts_android10, "code -1") - ts_android10) - 6);
}

static void test_not_utf8(void **state)
{
    char *s = with_line("Revision: '5'\n", "Revision: '\xff'\n");
    (void)state;

    assert_bad(s, VG_E_CORRUPT, "not UTF-8 at offset 157");
    free(s);
}

/* A key line past the line cap fails; any other long line is skipped. */
static void test_giant_lines(void **state)
{
    size_t big = VG_MAX_TEXT_LINE + 10, n = strlen(ts_android10);
    char *s = malloc(n + big + 2);
    json_t *r = NULL;
    (void)state;

    assert_non_null(s);
    memcpy(s, ts_android10, n);
    memset(s + n, 'x', big);
    s[n + big] = '\n';
    assert_int_equal(parse(s, n + big + 1, 0, &r), VG_OK);
    json_decref(r);
    memcpy(s + n, "Cause: ", 7);
    r = NULL;
    assert_int_equal(parse(s, n + big + 1, 0, &r), VG_E_LIMIT);
    assert_null(r);
    assert_non_null(strstr(errbuf, "line 9"));
    free(s);
}

static void test_too_big(void **state)
{
    json_t *r = NULL;
    (void)state;

    /* the length is refused before a byte is read */
    assert_int_equal(parse(ts_android10, VG_MAX_TOMBSTONE_TEXT + 1u, 0, &r), VG_E_LIMIT);
    assert_null(r);
    assert_int_equal(parse("", 0, 0, &r), VG_E_CORRUPT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_android12),      cmocka_unit_test(test_android10),
        cmocka_unit_test(test_main_keys),      cmocka_unit_test(test_later_lines),
        cmocka_unit_test(test_variants),       cmocka_unit_test(test_skips_and_tid),
        cmocka_unit_test(test_rejected_lines), cmocka_unit_test(test_missing_lines),
        cmocka_unit_test(test_cut_anywhere),   cmocka_unit_test(test_not_utf8),
        cmocka_unit_test(test_giant_lines),    cmocka_unit_test(test_too_big),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
