/*
 * shutdown.log (src/lib/formats/apple/shutdownlog.c) on lines written the
 * way docs/formats/shutdownlog.md shows them: the classic layout, the
 * iOS 26 one (clients with a trailing UUID, rotated files), near misses for
 * iShutdown's heuristics, and damaged files.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include "util/vg.h"
#include "formats/apple/shutdownlog.h"

#define UUID_A "3F2504E0-4F89-11D3-9A0C-0305E82C3301"
#define UUID_B "9b2e41c7-0d5a-3c88-b1f4-6a7e2d90c1aa"

/* Two shutdowns: a Notes app and mobileassetd delay the first, the iOS 26
 * spelling of filecoordinationd the second. */
static const char two_reboots[] =
    "After 0.41s, these clients are still here:\n"
    "\t\tremaining client pid: 1412 (/private/var/containers/Bundle/Application/"
    "0C1D2E3F-4A5B-6C7D-8E9F-A0B1C2D3E4F5/Notes.app/Notes)\n"
    "\t\tremaining client pid: 97 (/usr/libexec/mobileassetd)\n"
    "After 1.02s, these clients are still here:\n"
    "\t\tremaining client pid: 97 (/usr/libexec/mobileassetd)\n"
    "SIGTERM: [1700000000]\n"
    "After 0.30s, these clients are still here:\n"
    "\t\tremaining client pid: 153 (/usr/sbin/filecoordinationd/" UUID_A ")\n"
    "SIGTERM: [1700086400]\n";

static struct vg_diag *new_diag(void)
{
    struct vg_diag *d = NULL;
    assert_int_equal(vg_diag_new(NULL, NULL, &d), VG_OK);
    return d;
}

static struct vg_shutdownlog *parse(const char *text, size_t len, struct vg_diag *d)
{
    struct vg_shutdownlog *log = NULL;
    assert_int_equal(vg_shutdownlog_parse(text, len, "shutdown.log", d, &log), VG_OK);
    assert_non_null(log);
    return log;
}

/* Any diagnostic whose message holds needle. */
static int has_message(const struct vg_diag *d, const char *needle)
{
    size_t i;
    for (i = 0; i < vg_diag_size(d); i++)
        if (strstr(vg_diag_get(d, i)->message, needle))
            return 1;
    return 0;
}

static void test_blocks(void **state)
{
    struct vg_diag *d = new_diag();
    struct vg_shutdownlog *log = parse(two_reboots, sizeof(two_reboots) - 1, d);
    const struct vg_shutdownlog_client *c;
    (void)state;

    assert_int_equal(log->nreboots, 2);
    assert_int_equal(log->nclients, 4);
    assert_int_equal(log->reboots[0].time, 1700000000);
    assert_true(log->reboots[0].has_time);
    assert_int_equal(log->reboots[0].notices, 2);
    assert_int_equal(log->reboots[0].afters, 2);
    assert_true(log->reboots[0].delay == 0.41 + 1.02);
    assert_int_equal(log->reboots[0].line, 6);
    assert_int_equal(log->reboots[0].first, 0);
    assert_int_equal(log->reboots[0].count, 3);
    assert_int_equal(log->reboots[1].first, 3);
    assert_int_equal(log->reboots[1].count, 1);

    c = &log->clients[2];
    assert_string_equal(c->pid, "97");
    assert_int_equal(c->pid_num, 97);
    assert_string_equal(c->path, "/usr/libexec/mobileassetd");
    assert_int_equal(c->exec_len, c->path_len);
    assert_int_equal(c->times_delayed, 2);
    assert_true(c->delay == 0.41 + 1.02);
    assert_int_equal(c->line, 5);
    assert_int_equal(c->reboot, 0);

    c = &log->clients[3];
    assert_int_equal(c->reboot, 1);
    assert_int_equal(c->times_delayed, 1); /* counters restart after SIGTERM */
    assert_int_equal(c->path_len, strlen("/usr/sbin/filecoordinationd/" UUID_A));
    assert_int_equal(c->exec_len, strlen("/usr/sbin/filecoordinationd"));

    assert_int_equal(log->warnings, 0);
    assert_int_equal(vg_diag_size(d), 0);
    vg_shutdownlog_free(log);
    vg_diag_free(d);
}

static void test_records_mvt_shape(void **state)
{
    static const char *const keys[] = {"isodate", "pid", "client", "delay", "times_delayed"};
    struct vg_shutdownlog *log = parse(two_reboots, sizeof(two_reboots) - 1, NULL);
    json_t *recs = json_array(), *r;
    void *it;
    size_t k;
    (void)state;

    assert_int_equal(vg_shutdownlog_records(log, recs), VG_OK);
    assert_int_equal(json_array_size(recs), 4);
    r = json_array_get(recs, 0);
    for (k = 0, it = json_object_iter(r); it; it = json_object_iter_next(r, it), k++)
        assert_string_equal(json_object_iter_key(it), keys[k]);
    assert_int_equal(k, 5);
    assert_string_equal(json_string_value(json_object_get(r, "isodate")),
                        "2023-11-14 22:13:20.000000");
    assert_true(json_is_string(json_object_get(r, "pid"))); /* MVT keeps the text */
    assert_string_equal(json_string_value(json_object_get(r, "pid")), "1412");
    assert_true(json_is_real(json_object_get(r, "delay")));
    assert_true(json_real_value(json_object_get(r, "delay")) == 0.41);
    assert_true(json_is_integer(json_object_get(r, "times_delayed")));

    r = json_array_get(recs, 2);
    assert_true(json_real_value(json_object_get(r, "delay")) == 0.41 + 1.02);
    assert_int_equal(json_integer_value(json_object_get(r, "times_delayed")), 2);

    /* the record keeps the client as written, UUID and all: MVT matches
     * path indicators by prefix, so "/usr/sbin/filecoordinationd" still hits */
    r = json_array_get(recs, 3);
    assert_string_equal(json_string_value(json_object_get(r, "client")),
                        "/usr/sbin/filecoordinationd/" UUID_A);
    assert_string_equal(json_string_value(json_object_get(r, "isodate")),
                        "2023-11-15 22:13:20.000000");
    json_decref(recs);
    vg_shutdownlog_free(log);
}

static void test_exec_path(void **state)
{
    struct vg_str e;
    (void)state;

    e = vg_shutdownlog_exec_path(vg_str_of("/usr/sbin/filecoordinationd/" UUID_A));
    assert_true(vg_str_eq(e, "/usr/sbin/filecoordinationd"));
    e = vg_shutdownlog_exec_path(vg_str_of("/usr/libexec/nfcd/" UUID_B)); /* lower case */
    assert_true(vg_str_eq(e, "/usr/libexec/nfcd"));
    /* near misses keep the whole path */
    e = vg_shutdownlog_exec_path(vg_str_of("/usr/libexec/nfcd"));
    assert_true(vg_str_eq(e, "/usr/libexec/nfcd"));
    e = vg_shutdownlog_exec_path(vg_str_of("/usr/libexec/3F2504E0-4F89-11D3-9A0C-0305E82C330"));
    assert_int_equal(e.n, strlen("/usr/libexec/3F2504E0-4F89-11D3-9A0C-0305E82C330"));
    e = vg_shutdownlog_exec_path(vg_str_of("/usr/libexec/3F2504E0+4F89-11D3-9A0C-0305E82C3301"));
    assert_int_equal(e.n, strlen("/usr/libexec/3F2504E0+4F89-11D3-9A0C-0305E82C3301"));
    e = vg_shutdownlog_exec_path(vg_str_of("/" UUID_A)); /* nothing would be left */
    assert_int_equal(e.n, 37);
    e = vg_shutdownlog_exec_path(vg_str_of("/usr/libexec/nfcd/"));
    assert_true(vg_str_eq(e, "/usr/libexec/nfcd/"));
    e = vg_shutdownlog_exec_path(vg_str_of(""));
    assert_int_equal(e.n, 0);
}

/* shutdown.log and shutdown.0.log read in turn, then sorted as MVT sorts. */
static void test_rotations_sorted(void **state)
{
    static const char rotated[] = "remaining client pid: 200 (/usr/libexec/second)\n"
                                  "SIGTERM: [1690000000]\n"
                                  "remaining client pid: 201 (/usr/libexec/third)\n"
                                  "SIGTERM: [1700000000]\n";
    struct vg_shutdownlog *a = parse(two_reboots, sizeof(two_reboots) - 1, NULL);
    struct vg_shutdownlog *b = parse(rotated, sizeof(rotated) - 1, NULL);
    json_t *recs = json_array();
    (void)state;

    assert_int_equal(vg_shutdownlog_records(a, recs), VG_OK);
    assert_int_equal(vg_shutdownlog_records(b, recs), VG_OK);
    assert_int_equal(vg_shutdownlog_sort(recs), VG_OK);
    assert_int_equal(json_array_size(recs), 6);
    assert_string_equal(json_string_value(json_object_get(json_array_get(recs, 0), "client")),
                        "/usr/libexec/second");
    /* equal times keep file order: three of shutdown.log, then third */
    assert_string_equal(json_string_value(json_object_get(json_array_get(recs, 1), "pid")), "1412");
    assert_string_equal(json_string_value(json_object_get(json_array_get(recs, 4), "client")),
                        "/usr/libexec/third");
    assert_string_equal(json_string_value(json_object_get(json_array_get(recs, 5), "pid")), "153");
    json_decref(recs);
    recs = json_object();
    assert_int_equal(vg_shutdownlog_sort(recs), VG_E_INVAL);
    json_decref(recs);
    vg_shutdownlog_free(a);
    vg_shutdownlog_free(b);
}

/* Time spellings MVT accepts: brackets, " @" and ten digits, 18 digits cut
 * to 9; no time gives "". */
static void test_times(void **state)
{
    static const char t[] = "remaining client pid: 1 (/a)\n"
                            "SIGTERM: sent @1700000000 to clients\n"
                            "remaining client pid: 2 (/b)\n"
                            "SIGTERM: [170000000012345678]\n"
                            "remaining client pid: 3 (/c)\n"
                            "SIGTERM: [soon]\n"
                            "remaining client pid: 4 (/d)\n"
                            "SIGTERM: [0]\n"
                            "remaining client pid: 5 (/e)\n";
    struct vg_diag *d = new_diag();
    struct vg_shutdownlog *log = parse(t, sizeof(t) - 1, d);
    json_t *recs = json_array();
    (void)state;

    assert_int_equal(vg_shutdownlog_records(log, recs), VG_OK);
    assert_int_equal(json_array_size(recs), 5);
    assert_string_equal(json_string_value(json_object_get(json_array_get(recs, 0), "isodate")),
                        "2023-11-14 22:13:20.000000");
    assert_string_equal(json_string_value(json_object_get(json_array_get(recs, 1), "isodate")),
                        "1975-05-22 14:13:20.000000");
    assert_string_equal(json_string_value(json_object_get(json_array_get(recs, 2), "isodate")), "");
    assert_string_equal(json_string_value(json_object_get(json_array_get(recs, 3), "isodate")), "");
    /* the client the file ends with: kept, no time, and said so */
    assert_int_equal(log->nreboots, 5);
    assert_false(log->reboots[4].has_time);
    assert_int_equal(log->reboots[4].line, 0);
    assert_string_equal(json_string_value(json_object_get(json_array_get(recs, 4), "isodate")), "");
    assert_true(has_message(d, "line 6: SIGTERM line without a readable time"));
    assert_true(has_message(d, "1 client line(s) after the last SIGTERM line"));
    assert_int_equal(vg_diag_count(d, VG_DIAG_WARN), 1);
    json_decref(recs);
    vg_shutdownlog_free(log);
    vg_diag_free(d);
}

/* Cut and damaged lines: warned about with their line, never fatal. */
static void test_malformed_lines(void **state)
{
    static const char t[] = "After soon, these clients are still here:\n"            /* 1 */
                            "remaining client pid: 12 /usr/libexec/no-parens\n"      /* 2 */
                            "remaining client pid: x1 (/usr/libexec/odd-pid)\n"      /* 3 */
                            "remaining client pid: 13 (/usr/libexec/cut-off\n"       /* 4 */
                            "remaining client pid: 14 ()\n"                          /* 5 */
                            "remaining client pid: 15 (/Applications/A (1).app/A)\n" /* 6 */
                            "SIGTERM: [1700000000]\n";
    struct vg_diag *d = new_diag();
    struct vg_shutdownlog *log = parse(t, sizeof(t) - 1, d);
    (void)state;

    assert_int_equal(log->nclients, 4);
    assert_int_equal(log->clients[0].pid_num, -1);
    assert_string_equal(log->clients[0].pid, "x1");
    assert_string_equal(log->clients[1].path, "/usr/libexec/cut-off");
    assert_int_equal(log->clients[2].path_len, 0);
    assert_string_equal(log->clients[3].path, "/Applications/A (1).app/A");
    assert_int_equal(log->clients[3].times_delayed, 1); /* the bad After still counts */
    assert_true(log->clients[3].delay == 0.0);
    assert_true(has_message(d, "shutdown.log: line 1: \"After\" line without a delay"));
    assert_true(has_message(d, "line 2: client line without \" (path)\""));
    assert_true(has_message(d, "line 3: client pid \"x1\" is not a number"));
    assert_true(has_message(d, "line 4: client path without its closing ')'"));
    assert_true(has_message(d, "line 5: client without a path"));
    assert_int_equal(log->warnings, 5);
    vg_shutdownlog_free(log);
    vg_diag_free(d);
}

/* NUL bytes and invalid UTF-8 in a path reach the record as MVT's
 * decode(errors="replace") would give them; a giant line is cut. */
static void test_hostile_bytes(void **state)
{
    static const char t[] = "remaining client pid: 7 (/private/var/tmp/a\0b\xff)\n"
                            "SIGTERM: [1700000000]\n";
    struct vg_diag *d = new_diag();
    struct vg_shutdownlog *log;
    json_t *recs = json_array(), *client;
    char *big;
    size_t n = VG_MAX_APPLE_TEXT_LINE * 2, i;
    (void)state;

    log = parse(t, sizeof(t) - 1, d);
    assert_int_equal(log->clients[0].path_len, 21);
    assert_int_equal(vg_shutdownlog_records(log, recs), VG_OK);
    client = json_object_get(json_array_get(recs, 0), "client");
    assert_int_equal(json_string_length(client), 23);
    assert_memory_equal(json_string_value(client), "/private/var/tmp/a\0b\xef\xbf\xbd", 23);
    vg_shutdownlog_free(log);

    big = malloc(n + 64);
    assert_non_null(big);
    memcpy(big, "remaining client pid: 8 (/", 26);
    for (i = 26; i < n; i++)
        big[i] = 'a';
    memcpy(big + n, ")\nSIGTERM: [1700000000]\n", 24);
    log = parse(big, n + 24, d);
    assert_int_equal(log->nclients, 1);
    assert_int_equal(log->clients[0].path_len, VG_MAX_APPLE_TEXT_LINE - 25);
    assert_int_equal(log->nreboots, 1);
    assert_true(has_message(d, "line 1: longer than"));
    assert_true(has_message(d, "line 1: client path without its closing ')'"));
    free(big);
    json_decref(recs);
    vg_shutdownlog_free(log);
    vg_diag_free(d);
}

static void test_limits_and_empty(void **state)
{
    struct vg_shutdownlog *log = NULL;
    struct vg_diag *d = new_diag();
    json_t *recs = json_array();
    char *big;
    (void)state;

    big = calloc(1, (size_t)VG_MAX_SHUTDOWNLOG_FILE + 1);
    assert_non_null(big);
    assert_int_equal(vg_shutdownlog_parse(big, (size_t)VG_MAX_SHUTDOWNLOG_FILE + 1, "x", d, &log),
                     VG_E_LIMIT);
    assert_null(log);
    assert_int_equal(vg_diag_count(d, VG_DIAG_ERROR), 1);
    free(big);

    log = parse("", 0, d);
    assert_int_equal(log->nreboots, 0);
    assert_int_equal(vg_shutdownlog_records(log, recs), VG_OK);
    assert_int_equal(json_array_size(recs), 0);
    assert_int_equal(vg_shutdownlog_records(log, NULL), VG_E_INVAL);
    vg_shutdownlog_free(log);
    vg_shutdownlog_free(NULL);
    json_decref(recs);
    vg_diag_free(d);
}

/* A burst of warnings is listed up to the cap, then counted. */
static void test_warning_cap(void **state)
{
    struct vg_diag *d = new_diag();
    struct vg_shutdownlog *log;
    char *t;
    size_t n = VG_MAX_FILE_WARNINGS + 10, i;
    (void)state;

    t = malloc(n * 8 + 1);
    assert_non_null(t);
    for (i = 0; i < n; i++)
        memcpy(t + i * 8, "After x\n", 8);
    log = parse(t, n * 8, d);
    assert_int_equal(log->warnings, n);
    assert_int_equal(vg_diag_count(d, VG_DIAG_WARN), VG_MAX_FILE_WARNINGS + 1);
    assert_true(has_message(d, "10 more problems not listed"));
    free(t);
    vg_shutdownlog_free(log);
    vg_diag_free(d);
}

/* ---- iShutdown's heuristics */

static void test_unusual_dir(void **state)
{
    const struct vg_shutdownlog_rules *r = &vg_shutdownlog_ishutdown;
    (void)state;

    /* where Kaspersky saw Pegasus's processes */
    assert_string_equal(
        vg_shutdownlog_unusual_dir(r, vg_str_of("/private/var/db/com.apple.xpc.roleaccountd."
                                                "staging/rolexd")),
        "/private/var/db/");
    assert_string_equal(vg_shutdownlog_unusual_dir(r, vg_str_of("/private/var/tmp/x")),
                        "/private/var/tmp/");
    assert_string_equal(vg_shutdownlog_unusual_dir(r, vg_str_of("/var/tmp/x")), "/var/tmp/");
    /* near misses: system daemons and apps at their real places */
    assert_null(vg_shutdownlog_unusual_dir(r, vg_str_of("/usr/libexec/mobileassetd")));
    assert_null(vg_shutdownlog_unusual_dir(r, vg_str_of("/usr/sbin/filecoordinationd")));
    assert_null(vg_shutdownlog_unusual_dir(
        r, vg_str_of("/private/var/containers/Bundle/Application/X/Notes.app/Notes")));
    assert_null(vg_shutdownlog_unusual_dir(r, vg_str_of("/private/var/dbx/a")));
    assert_null(vg_shutdownlog_unusual_dir(r, vg_str_of("/usr/private/var/db/a")));
}

static void test_many_delays(void **state)
{
    static const char t[] = "After 1.00s, these clients are still here:\n"
                            "remaining client pid: 9 (/usr/libexec/a)\n"
                            "After 2.00s, these clients are still here:\n"
                            "After 3.00s, these clients are still here:\n"
                            "SIGTERM: [1700000000]\n"
                            "After 1.00s, these clients are still here:\n"
                            "After 2.00s, these clients are still here:\n"
                            "SIGTERM: [1700000100]\n";
    struct vg_shutdownlog *log = parse(t, sizeof(t) - 1, NULL);
    (void)state;

    assert_true(vg_shutdownlog_many_delays(&vg_shutdownlog_ishutdown, &log->reboots[0]));
    assert_false(vg_shutdownlog_many_delays(&vg_shutdownlog_ishutdown, &log->reboots[1]));
    assert_true(log->reboots[0].delay == 6.0);
    vg_shutdownlog_free(log);
}

/* mobileassetd remains at three shutdowns with a new pid and a new UUID
 * each time: sticky, yet at its real path, so only the two checks together
 * point at something. The staged process remains twice: under the bar. */
static void test_sticky(void **state)
{
    static const char t[] =
        "remaining client pid: 97 (/usr/libexec/mobileassetd/" UUID_A ")\n"
        "remaining client pid: 97 (/usr/libexec/mobileassetd/" UUID_A ")\n"
        "remaining client pid: 812 (/private/var/db/com.apple.xpc.roleaccountd.staging/x)\n"
        "SIGTERM: [1700000000]\n"
        "remaining client pid: 101 (/usr/libexec/mobileassetd/" UUID_B ")\n"
        "remaining client pid: 813 (/private/var/db/com.apple.xpc.roleaccountd.staging/x)\n"
        "SIGTERM: [1700000100]\n"
        "remaining client pid: 99 (/usr/libexec/mobileassetd)\n"
        "SIGTERM: [1700000200]\n";
    struct vg_shutdownlog *log = parse(t, sizeof(t) - 1, NULL);
    struct vg_shutdownlog_rules two = vg_shutdownlog_ishutdown;
    struct vg_shutdownlog_sticky *s = NULL;
    size_t n = 9;
    (void)state;

    assert_int_equal(vg_shutdownlog_sticky(log, &vg_shutdownlog_ishutdown, &s, &n), VG_OK);
    assert_int_equal(n, 1);
    assert_true(vg_str_eq(s[0].exec, "/usr/libexec/mobileassetd"));
    assert_int_equal(s[0].reboots, 3);
    assert_int_equal(s[0].first_client, 0);
    assert_null(vg_shutdownlog_unusual_dir(&vg_shutdownlog_ishutdown, s[0].exec));
    free(s);

    two.sticky_reboots = 2;
    assert_int_equal(vg_shutdownlog_sticky(log, &two, &s, &n), VG_OK);
    assert_int_equal(n, 2);
    assert_true(vg_str_eq(s[1].exec, "/usr/libexec/mobileassetd"));
    assert_true(vg_str_eq(s[0].exec, "/private/var/db/com.apple.xpc.roleaccountd.staging/x"));
    assert_int_equal(s[0].first_client, 2);
    assert_non_null(vg_shutdownlog_unusual_dir(&two, s[0].exec));
    free(s);

    two.sticky_reboots = 4;
    assert_int_equal(vg_shutdownlog_sticky(log, &two, &s, &n), VG_OK);
    assert_null(s);
    assert_int_equal(n, 0);
    vg_shutdownlog_free(log);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_blocks),        cmocka_unit_test(test_records_mvt_shape),
        cmocka_unit_test(test_exec_path),     cmocka_unit_test(test_rotations_sorted),
        cmocka_unit_test(test_times),         cmocka_unit_test(test_malformed_lines),
        cmocka_unit_test(test_hostile_bytes), cmocka_unit_test(test_limits_and_empty),
        cmocka_unit_test(test_warning_cap),   cmocka_unit_test(test_unusual_dir),
        cmocka_unit_test(test_many_delays),   cmocka_unit_test(test_sticky),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
