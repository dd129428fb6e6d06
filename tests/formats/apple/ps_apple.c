/*
 * ps.txt, ps_thread.txt and taskinfo.txt (src/lib/formats/apple/ps_apple.c)
 * on listings laid out as docs/formats/ps-apple.md shows them (rows written
 * for these tests), and on damaged ones.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include "util/vg.h"
#include "formats/apple/ps_apple.h"

/* iOS 16 and later: PRSNA and F columns. */
static const char ps_ios16[] =
    "USER             UID PRSNA   PID  PPID        F  %CPU %MEM PRI NI      VSZ    RSS WCHAN    "
    "TT  STAT STARTED      TIME COMMAND\n"
    "root               0     -     1     0     4004   0.0  0.1  31  0 408452064  11072 -        "
    "??  Ss   Mon08AM   1:02.33 /sbin/launchd\n"
    "mobile           501     -   352     1  1004004   0.3  0.6  31  0 409012112  42224 -        "
    "??  Ss   Mon08AM   0:41.70 /System/Library/CoreServices/SpringBoard.app/SpringBoard\n"
    "mobile           501     -  1873     1  1004004   0.0  0.2  31  0 408811744  15568 -        "
    "??  Ss   10:14AM   0:00.12 /private/var/containers/Bundle/Application/"
    "1A2B3C4D-0000-4000-8000-00000000AAAA/My Notes.app/My Notes --background\n"
    "\n";

/* Before iOS 16: no PRSNA, no F. */
static const char ps_ios15[] =
    "USER             UID   PID  PPID  %CPU %MEM PRI NI      VSZ    RSS WCHAN    TT  STAT STARTED "
    "     TIME COMMAND\n"
    "root               0     1     0   0.0  0.4  37  0  4226848   8912 -        ??  Ss   14Jan21 "
    "  7:27.40 /sbin/launchd\n";

/* ps_thread.txt: the thread columns, an abbreviated COMMAND, the process
 * columns and the full COMMAND; other threads on indented rows. */
static const char ps_threads[] =
    "USER               PID   TT   %CPU STAT PRI     STIME     UTIME COMMAND  PPID        F %MEM "
    "PRI NI      VSZ    RSS WCHAN  STARTED      TIME COMMAND\n"
    "root                 1   ??    0.0 S    31T   0:00.51   0:01.77 /sbin/la    0     4004  0.1 "
    "31T  0 408452064  11072 -      Mon08AM   1:02.33 /sbin/launchd\n"
    "                     1         0.0 S    31T   0:00.00   0:00.02               0     4004  0.1 "
    "31T  0 408452064  11072 -      Mon08AM   1:02.33\n"
    "                     1         0.0 S    37T   0:00.00   0:00.00               0     4004  0.1 "
    "37T  0 408452064  11072 -      Mon08AM   1:02.33\n"
    "mobile             352   ??    0.2 S    47T   0:10.11   0:30.00 Spring B    1  1004004  0.6 "
    "47T  0 409012112  42224 -      Mon08AM   0:41.70 "
    "/System/Library/CoreServices/SpringBoard.app/SpringBoard\n"
    "                   352         0.0 S    31T   0:00.00   0:00.10               1  1004004  0.6 "
    "31T  0 409012112  42224 -      Mon08AM   0:41.70\n";

static const char taskinfo[] = "num tasks: 3\n"
                               "\n"
                               "process: \"launchd\" [1] [unique ID: 1]\n"
                               "architecture: arm64e\n"
                               "coalition (type 0) ID: 1\n"
                               "run time: 86012 s\n"
                               "user/system time    (current threads): 0.145469 s / 0.000000 s\n"
                               "requested policy\n"
                               "\treq apptype: TASK_APPTYPE_NONE\n"
                               "\treq role: TASK_UNSPECIFIED (PRIO_DARWIN_ROLE_DEFAULT)\n"
                               "effective policy\n"
                               "\teff darwin BG: NO\n"
                               "product type: \"iPhone15,2\"\n"
                               "threads:\n"
                               "\tthread ID: 0x338 / 824\n"
                               "\tuser/system time: 0.000353 s / 0.000000 s\n"
                               "\tpolicy: POLICY_TIMESHARE\n"
                               "\t\ttimeshare max  priority: 63\n"
                               "\n"
                               "\tthread ID: 0x3a1 / 929\n"
                               "\trun state: TH_STATE_WAITING\n"
                               "\n"
                               "\n"
                               "process: \"SpringBoard\" [352] [unique ID: 377]\n"
                               "architecture: arm64e\n"
                               "threads:\n"
                               "\tthread ID: 0x1f00 / 7936\n";

static struct vg_diag *new_diag(void)
{
    struct vg_diag *d = NULL;
    assert_int_equal(vg_diag_new(NULL, NULL, &d), VG_OK);
    return d;
}

static int has_message(const struct vg_diag *d, const char *needle)
{
    size_t i;
    for (i = 0; i < vg_diag_size(d); i++)
        if (strstr(vg_diag_get(d, i)->message, needle))
            return 1;
    return 0;
}

static json_t *ps(const char *text, size_t len, enum vg_ps_apple_file kind, struct vg_diag *d)
{
    json_t *recs = json_array();
    assert_int_equal(vg_ps_apple_parse(text, len, kind, NULL, d, recs), VG_OK);
    return recs;
}

static const char *str(const json_t *rec, const char *key)
{
    const char *s = json_string_value(json_object_get(rec, key));
    assert_non_null(s);
    return s;
}

static json_int_t num(const json_t *rec, const char *key)
{
    const json_t *v = json_object_get(rec, key);
    assert_true(json_is_integer(v));
    return json_integer_value(v);
}

static void test_ps_ios16(void **state)
{
    static const char *const keys[] = {"user",  "uid",  "prsna", "pid",     "ppid", "f",
                                       "%cpu",  "%mem", "pri",   "ni",      "vsz",  "rss",
                                       "wchan", "tt",   "stat",  "started", "time", "command"};
    struct vg_diag *d = new_diag();
    json_t *recs = ps(ps_ios16, sizeof(ps_ios16) - 1, VG_PS_APPLE_PS, d), *r;
    void *it;
    size_t k;
    (void)state;

    assert_int_equal(json_array_size(recs), 3);
    r = json_array_get(recs, 0);
    for (k = 0, it = json_object_iter(r); it; it = json_object_iter_next(r, it), k++)
        assert_string_equal(json_object_iter_key(it), keys[k]);
    assert_int_equal(k, VG_ARRAY_LEN(keys));
    assert_string_equal(str(r, "user"), "root");
    assert_int_equal(num(r, "uid"), 0);
    assert_string_equal(str(r, "prsna"), "-");
    assert_int_equal(num(r, "pid"), 1);
    assert_string_equal(str(r, "f"), "4004"); /* hexadecimal flags stay text */
    assert_true(json_is_real(json_object_get(r, "%cpu")));
    assert_true(json_real_value(json_object_get(r, "%mem")) == 0.1);
    assert_int_equal(num(r, "pri"), 31);
    assert_int_equal(num(r, "vsz"), 408452064);
    assert_string_equal(str(r, "started"), "Mon08AM");
    assert_string_equal(str(r, "time"), "1:02.33");
    assert_string_equal(str(r, "command"), "/sbin/launchd");

    r = json_array_get(recs, 2);
    assert_int_equal(num(r, "pid"), 1873);
    assert_string_equal(str(r, "command"),
                        "/private/var/containers/Bundle/Application/"
                        "1A2B3C4D-0000-4000-8000-00000000AAAA/My Notes.app/My Notes --background");
    assert_int_equal(vg_diag_size(d), 0);
    json_decref(recs);
    vg_diag_free(d);
}

static void test_ps_ios15(void **state)
{
    json_t *recs = ps(ps_ios15, sizeof(ps_ios15) - 1, VG_PS_APPLE_PS, NULL), *r;
    (void)state;

    assert_int_equal(json_array_size(recs), 1);
    r = json_array_get(recs, 0);
    assert_null(json_object_get(r, "prsna"));
    assert_null(json_object_get(r, "f"));
    assert_int_equal(num(r, "pri"), 37);
    assert_string_equal(str(r, "started"), "14Jan21");
    assert_string_equal(str(r, "command"), "/sbin/launchd");
    assert_int_equal(json_object_size(r), 16);
    json_decref(recs);
}

static void test_ps_thread(void **state)
{
    struct vg_diag *d = new_diag();
    json_t *recs = ps(ps_threads, sizeof(ps_threads) - 1, VG_PS_APPLE_THREADS, d), *r;
    (void)state;

    assert_int_equal(json_array_size(recs), 2);
    r = json_array_get(recs, 0);
    assert_int_equal(num(r, "pid"), 1);
    assert_int_equal(num(r, "threads"), 3);
    assert_string_equal(str(r, "command"), "/sbin/launchd"); /* the full one wins */
    assert_string_equal(str(r, "pri"), "31T");
    assert_string_equal(str(r, "stime"), "0:00.51");
    assert_string_equal(str(r, "tt"), "??");

    /* the abbreviated COMMAND holds a space: the typed columns after it
     * still land where they belong */
    r = json_array_get(recs, 1);
    assert_int_equal(num(r, "pid"), 352);
    assert_int_equal(num(r, "ppid"), 1);
    assert_string_equal(str(r, "f"), "1004004");
    assert_int_equal(num(r, "threads"), 2);
    assert_string_equal(str(r, "command"),
                        "/System/Library/CoreServices/SpringBoard.app/SpringBoard");
    assert_int_equal(vg_diag_size(d), 0);
    json_decref(recs);
    vg_diag_free(d);
}

/* iOS 26 sysdiagnoses were reported with a ps_thread.txt holding only its
 * header: no records, no complaint. */
static void test_ps_thread_header_only(void **state)
{
    static const char t[] =
        "USER               PID   TT   %CPU STAT PRI     STIME     UTIME COMMAND  "
        "PPID        F %MEM PRI NI      VSZ    RSS WCHAN  STARTED      TIME "
        "COMMAND\n";
    struct vg_diag *d = new_diag();
    json_t *recs = ps(t, sizeof(t) - 1, VG_PS_APPLE_THREADS, d);
    (void)state;

    assert_int_equal(json_array_size(recs), 0);
    assert_int_equal(vg_diag_size(d), 0);
    json_decref(recs);
    vg_diag_free(d);
}

static void test_ps_malformed(void **state)
{
    static const char t[] = "USER  UID   PID  PPID  %CPU STARTED  TIME COMMAND\n"         /* 1 */
                            "root    0     1     0   0.0 Mon08AM 1:02.33 /sbin/launchd\n" /* 2 */
                            "root    0\n"                                                 /* 3 */
                            "root    0   one     0   0.0 Mon08AM 1:02.33 /bin/x\n"        /* 4 */
                            "mobile 501 77 1 1,5 Mon08AM 0:01.00 /bin/\xff\n"             /* 5 */
                            "                   1  0.0\n";                                /* 6 */
    struct vg_diag *d = new_diag();
    json_t *recs = ps(t, sizeof(t) - 1, VG_PS_APPLE_PS, d), *r;
    (void)state;

    assert_int_equal(json_array_size(recs), 5);
    r = json_array_get(recs, 1);
    assert_string_equal(str(r, "user"), "root");
    assert_true(json_is_null(json_object_get(r, "pid")));
    assert_true(json_is_null(json_object_get(r, "command")));
    r = json_array_get(recs, 2);
    assert_string_equal(str(r, "pid"), "one"); /* kept, as text */
    r = json_array_get(recs, 3);
    assert_string_equal(str(r, "%cpu"), "1,5");
    assert_string_equal(str(r, "command"), "/bin/\xef\xbf\xbd");
    /* ps.txt has no thread rows: an indented row is a row */
    r = json_array_get(recs, 4);
    assert_string_equal(str(r, "user"), "1");
    assert_true(has_message(d, "ps.txt: line 3: 2 of the header's 8 columns"));
    assert_true(has_message(d, "line 4: pid \"one\" is not what the column holds"));
    assert_true(has_message(d, "line 5: %cpu \"1,5\" is not what the column holds"));
    json_decref(recs);
    vg_diag_free(d);
}

static void test_ps_not_ps(void **state)
{
    struct vg_diag *d = new_diag();
    json_t *recs = json_array();
    char *big;
    (void)state;

    assert_int_equal(vg_ps_apple_parse("hello world\n1 2\n", 16, VG_PS_APPLE_PS, NULL, d, recs),
                     VG_E_CORRUPT);
    assert_true(has_message(d, "ps.txt: line 1: not a ps header"));
    assert_int_equal(vg_ps_apple_parse("\n\n", 2, VG_PS_APPLE_PS, NULL, d, recs), VG_E_CORRUPT);
    assert_int_equal(vg_ps_apple_parse("", 0, VG_PS_APPLE_THREADS, NULL, d, recs), VG_E_CORRUPT);
    assert_true(has_message(d, "ps_thread.txt: empty"));
    assert_int_equal(vg_ps_apple_parse("PID COMMAND\n", 12, VG_PS_APPLE_PS, NULL, d, NULL),
                     VG_E_INVAL);
    big = calloc(1, (size_t)VG_MAX_PS_FILE + 1);
    assert_non_null(big);
    assert_int_equal(
        vg_ps_apple_parse(big, (size_t)VG_MAX_PS_FILE + 1, VG_PS_APPLE_PS, NULL, d, recs),
        VG_E_LIMIT);
    free(big);
    assert_int_equal(json_array_size(recs), 0);
    json_decref(recs);
    vg_diag_free(d);
}

static void test_ps_thread_malformed(void **state)
{
    static const char t[] = "USER PID COMMAND PPID TIME COMMAND\n"
                            "   1 0:00.00\n"
                            "root 1 a b c d e f g h i j 0 0:01.00 /sbin/launchd\n";
    struct vg_diag *d = new_diag();
    json_t *recs = ps(t, sizeof(t) - 1, VG_PS_APPLE_THREADS, d);
    (void)state;

    assert_int_equal(json_array_size(recs), 1);
    assert_true(has_message(d, "line 2: thread row before any process row"));
    assert_true(has_message(d, "line 3: columns after command do not fit the header"));
    json_decref(recs);
    vg_diag_free(d);
}

/* Many columns times many rows: the records stop at the value cap. */
static void test_ps_value_cap(void **state)
{
    size_t rows = VG_MAX_PS_VALUES / 64 + 10, i, off = 0, cap = 4096 + rows * 140;
    struct vg_diag *d = new_diag();
    char *t = malloc(cap);
    json_t *recs;
    (void)state;

    assert_non_null(t);
    off += (size_t)snprintf(t, cap, "PID");
    for (i = 0; i < 62; i++)
        off += (size_t)snprintf(t + off, cap - off, " C%zu", i);
    off += (size_t)snprintf(t + off, cap - off, " COMMAND\n");
    for (i = 0; i < rows; i++) {
        size_t c;
        t[off++] = '1';
        for (c = 0; c < 62; c++, off += 2)
            memcpy(t + off, " a", 2);
        memcpy(t + off, " /x\n", 4);
        off += 4;
    }
    recs = ps(t, off, VG_PS_APPLE_PS, d);
    assert_int_equal(json_array_size(recs), VG_MAX_PS_VALUES / 65);
    assert_true(has_message(d, "values, the rest not read"));
    json_decref(recs);
    free(t);
    vg_diag_free(d);
}

static void test_key(void **state)
{
    char buf[8];
    (void)state;

    vg_ps_apple_key(vg_str_of("%CPU"), buf, sizeof(buf));
    assert_string_equal(buf, "%cpu");
    vg_ps_apple_key(vg_str_of("F"), buf, sizeof(buf));
    assert_string_equal(buf, "f");
    vg_ps_apple_key(vg_str_of("A-B\xc3\xa9"), buf, sizeof(buf));
    assert_string_equal(buf, "a_b__");
    vg_ps_apple_key(vg_str_of("STARTEDLONG"), buf, sizeof(buf));
    assert_string_equal(buf, "started");
}

/* ---- taskinfo.txt */

static void test_taskinfo(void **state)
{
    static const char *const keys[] = {"name",
                                       "pid",
                                       "unique_id",
                                       "process",
                                       "architecture",
                                       "coalition (type 0) ID",
                                       "run time",
                                       "user/system time    (current threads)",
                                       "requested policy",
                                       "effective policy",
                                       "product type",
                                       "threads"};
    struct vg_diag *d = new_diag();
    json_t *recs = json_array(), *r, *sec;
    int64_t tasks = 0;
    void *it;
    size_t k;
    (void)state;

    assert_int_equal(vg_ps_apple_taskinfo(taskinfo, sizeof(taskinfo) - 1, NULL, d, recs, &tasks),
                     VG_OK);
    assert_int_equal(tasks, 3);
    assert_int_equal(json_array_size(recs), 2);
    r = json_array_get(recs, 0);
    for (k = 0, it = json_object_iter(r); it; it = json_object_iter_next(r, it), k++)
        assert_string_equal(json_object_iter_key(it), keys[k]);
    assert_int_equal(k, VG_ARRAY_LEN(keys));
    assert_string_equal(str(r, "name"), "launchd");
    assert_int_equal(num(r, "pid"), 1);
    assert_int_equal(num(r, "unique_id"), 1);
    assert_string_equal(str(r, "process"), "\"launchd\" [1] [unique ID: 1]");
    assert_string_equal(str(r, "run time"), "86012 s");
    assert_string_equal(str(r, "product type"), "iPhone15,2");
    sec = json_object_get(r, "requested policy");
    assert_true(json_is_object(sec));
    assert_string_equal(str(sec, "req role"), "TASK_UNSPECIFIED (PRIO_DARWIN_ROLE_DEFAULT)");
    assert_int_equal(num(r, "threads"), 2);

    r = json_array_get(recs, 1);
    assert_string_equal(str(r, "name"), "SpringBoard");
    assert_int_equal(num(r, "unique_id"), 377);
    assert_int_equal(num(r, "threads"), 1);
    assert_int_equal(vg_diag_size(d), 0);
    json_decref(recs);
    vg_diag_free(d);
}

static void test_taskinfo_malformed(void **state)
{
    static const char t[] = "stray words\n"                              /* 1 */
                            "\tindented stray\n"                         /* 2 */
                            "process: launchd 1\n"                       /* 3 */
                            "process: \"we\"ird\" [12] [unique ID: x]\n" /* 4 */
                            "\tno section above\n"                       /* 5 */
                            "run time: 1 s\n"                            /* 6 */
                            "\tnote: a value and a section\n"            /* 7 */
                            "\xff\xfe: bad key\n"                        /* 8 */
                            ": no key\n"                                 /* 9 */
                            "pid: 77\n";                                 /* 10 */
    struct vg_diag *d = new_diag();
    json_t *recs = json_array(), *r, *sec;
    int64_t tasks = 0;
    (void)state;

    assert_int_equal(vg_ps_apple_taskinfo(t, sizeof(t) - 1, NULL, d, recs, &tasks), VG_OK);
    assert_int_equal(tasks, -1);
    assert_int_equal(json_array_size(recs), 2);
    r = json_array_get(recs, 0);
    assert_string_equal(str(r, "name"), "launchd 1");
    assert_true(json_is_null(json_object_get(r, "pid")));
    r = json_array_get(recs, 1);
    assert_string_equal(str(r, "name"), "we\"ird");
    assert_int_equal(num(r, "pid"), 12);
    assert_true(json_is_null(json_object_get(r, "unique_id")));
    sec = json_object_get(r, "run time");
    assert_string_equal(str(sec, "value"), "1 s");
    assert_string_equal(str(sec, "note"), "a value and a section");
    assert_string_equal(str(r, "\xef\xbf\xbd\xef\xbf\xbd"), "bad key");
    assert_true(has_message(d, "taskinfo.txt: line 1: text before the first process block"));
    assert_true(has_message(d, "line 2: indented line without a key above it"));
    assert_true(has_message(d, "line 3: process line without \"name\" [pid]"));
    assert_true(has_message(d, "line 5: indented line without a key above it"));
    assert_true(has_message(d, "line 9: line without a key"));
    assert_true(has_message(d, "line 10: a \"pid\" line, not kept"));
    assert_int_equal(num(r, "pid"), 12);
    json_decref(recs);
    vg_diag_free(d);
}

static void test_taskinfo_empty_and_caps(void **state)
{
    struct vg_diag *d = new_diag();
    json_t *recs = json_array();
    int64_t tasks = 0;
    char *t;
    size_t i, n = VG_MAX_TASKINFO_KEYS + 5, off;
    (void)state;

    assert_int_equal(vg_ps_apple_taskinfo("num tasks: 0\n", 13, NULL, d, recs, &tasks), VG_OK);
    assert_int_equal(tasks, 0);
    assert_int_equal(vg_ps_apple_taskinfo("nothing here\n", 13, NULL, d, recs, &tasks),
                     VG_E_CORRUPT);
    assert_true(has_message(d, "no \"num tasks\" line and no process block"));
    assert_int_equal(vg_ps_apple_taskinfo("", 0, NULL, d, recs, &tasks), VG_E_CORRUPT);

    t = malloc(32 + n * 16);
    assert_non_null(t);
    off = (size_t)snprintf(t, 32, "process: \"x\" [2]\n");
    for (i = 0; i < n; i++)
        off += (size_t)snprintf(t + off, 17, "k%06zu: value\n", i);
    assert_int_equal(vg_ps_apple_taskinfo(t, off, NULL, d, recs, &tasks), VG_OK);
    assert_int_equal(json_array_size(recs), 1);
    /* name, pid, unique_id, process, the capped keys, threads */
    assert_int_equal(json_object_size(json_array_get(recs, 0)), 4 + VG_MAX_TASKINFO_KEYS + 1);
    assert_true(has_message(d, "more than 512 lines in this block"));
    free(t);
    json_decref(recs);
    vg_diag_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ps_ios16),
        cmocka_unit_test(test_ps_ios15),
        cmocka_unit_test(test_ps_thread),
        cmocka_unit_test(test_ps_thread_header_only),
        cmocka_unit_test(test_ps_malformed),
        cmocka_unit_test(test_ps_not_ps),
        cmocka_unit_test(test_ps_thread_malformed),
        cmocka_unit_test(test_ps_value_cap),
        cmocka_unit_test(test_key),
        cmocka_unit_test(test_taskinfo),
        cmocka_unit_test(test_taskinfo_malformed),
        cmocka_unit_test(test_taskinfo_empty_and_caps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
