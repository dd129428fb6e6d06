/*
 * Crash reports (src/lib/formats/apple/ips.c): a JSON report of iOS 17, a
 * text report with and without its first line, reports of other kinds, and
 * damaged ones. The reports are written for these tests in the layout
 * docs/formats/ips.md describes.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include "util/vg.h"
#include "formats/apple/ips.h"

#define NOTES_HEADER                                                                               \
    "{\"app_name\":\"MobileNotes\",\"timestamp\":\"2024-03-02 09:15:41.00 +0100\","                \
    "\"app_version\":\"4.11\",\"slice_uuid\":\"5e0c2b8a-41d7-3c5e-9a11-2f4c6d8e0b13\","            \
    "\"build_version\":\"2210.1\",\"platform\":2,\"bundleID\":\"com.apple.mobilenotes\","          \
    "\"share_with_app_devs\":0,\"is_first_party\":1,\"bug_type\":\"309\","                         \
    "\"os_version\":\"iPhone OS 17.3.1 (21D61)\",\"roots_installed\":0,\"name\":\"MobileNotes\","  \
    "\"incident_id\":\"6C3B3AE2-1111-4C2B-9D77-0123456789AB\"}\n"

/* A benign app crash: a null pointer in Notes. */
static const char notes_ips[] =
    NOTES_HEADER "{\n"
                 "  \"uptime\" : 9000,\n"
                 "  \"procRole\" : \"Foreground\",\n"
                 "  \"version\" : 2,\n"
                 "  \"userID\" : 501,\n"
                 "  \"modelCode\" : \"iPhone15,2\",\n"
                 "  \"captureTime\" : \"2024-03-02 09:15:40.8712 +0100\",\n"
                 "  \"incident\" : \"6C3B3AE2-1111-4C2B-9D77-0123456789AB\",\n"
                 "  \"bug_type\" : \"309\",\n"
                 "  \"pid\" : 1187,\n"
                 "  \"procName\" : \"MobileNotes\",\n"
                 "  \"procPath\" : \"/Applications/MobileNotes.app/MobileNotes\",\n"
                 "  \"bundleInfo\" : {\"CFBundleShortVersionString\":\"4.11\","
                 "\"CFBundleIdentifier\":\"com.apple.mobilenotes\"},\n"
                 "  \"parentProc\" : \"launchd\",\n"
                 "  \"parentPid\" : 1,\n"
                 "  \"osVersion\" : {\"isEmbedded\":true,\"train\":\"iPhone OS 17.3.1\","
                 "\"releaseType\":\"User\",\"build\":\"21D61\"},\n"
                 "  \"exception\" : {\"codes\":\"0x0000000000000001, 0x0000000000000000\","
                 "\"rawCodes\":[1,0],\"type\":\"EXC_BAD_ACCESS\",\"signal\":\"SIGSEGV\","
                 "\"subtype\":\"KERN_INVALID_ADDRESS at 0x0000000000000000\"},\n"
                 "  \"termination\" : {\"flags\":0,\"code\":11,\"namespace\":\"SIGNAL\","
                 "\"indicator\":\"Segmentation fault: 11\",\"byProc\":\"exc handler\","
                 "\"byPid\":1187},\n"
                 "  \"faultingThread\" : 0,\n"
                 "  \"threads\" : [{\"triggered\":true,\"id\":90210,\"queue\":"
                 "\"com.apple.main-thread\",\"threadState\":{\"x\":[{\"value\":"
                 "18446744073709551615}]}}]\n"
                 "}\n";

/* iOS 14: the first line, then the text report. */
static const char text_ips[] =
    "{\"app_name\":\"bh\",\"timestamp\":\"2021-06-01 03:12:07.00 +0300\",\"app_version\":\"\","
    "\"slice_uuid\":\"00000000-0000-0000-0000-000000000000\",\"build_version\":\"\","
    "\"bug_type\":\"109\",\"os_version\":\"iPhone OS 14.6 (18F72)\","
    "\"incident_id\":\"0A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D\",\"name\":\"bh\"}\n"
    "Incident Identifier: 0A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D\n"
    "CrashReporter Key:   7f3a0c9d2e\n"
    "Hardware Model:      iPhone12,1\n"
    "Process:             bh [3402]\n"
    "Path:                /private/var/db/com.apple.xpc.roleaccountd.staging/bh\n"
    "Identifier:          bh\n"
    "Version:             ???\n"
    "Code Type:           ARM-64 (Native)\n"
    "Parent Process:      launchd [1]\n"
    "Coalition:           <none> [1234]\n"
    "\n"
    "Date/Time:           2021-06-01 03:12:06.5120 +0300\n"
    "OS Version:          iPhone OS 14.6 (18F72)\n"
    "Report Version:      104\n"
    "\n"
    "Exception Type:  EXC_CRASH (SIGKILL)\n"
    "Exception Codes: 0x0000000000000000, 0x0000000000000000\n"
    "Exception Note:  EXC_CORPSE_NOTIFY\n"
    "Termination Reason: Namespace CODESIGNING, Code 0x2\n"
    "Termination Description: CODESIGNING 2 Invalid Page\n"
    "Triggered by Thread:  0\n"
    "\n"
    "Thread 0 name:  Dispatch queue: com.apple.main-thread\n"
    "Thread 0 Crashed:\n"
    "0   libsystem_kernel.dylib        \t0x00000001b8c1e1a8 0x1b8bf6000 + 164264\n"
    "Path: /not/read/past/the/threads\n";

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

static json_t *parse(const char *t, size_t n, struct vg_diag *d)
{
    json_t *rec = NULL;
    assert_int_equal(vg_ips_parse(t, n, "x.ips", d, &rec), VG_OK);
    assert_non_null(rec);
    return rec;
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

static void test_json_report(void **state)
{
    static const char *const keys[] = {"bug_type",
                                       "format",
                                       "incident_id",
                                       "timestamp",
                                       "isodate",
                                       "os_version",
                                       "process_name",
                                       "process_path",
                                       "pid",
                                       "parent_process",
                                       "parent_pid",
                                       "bundle_id",
                                       "exception_type",
                                       "exception_signal",
                                       "exception_codes",
                                       "exception_subtype",
                                       "termination_namespace",
                                       "termination_code",
                                       "termination_reason",
                                       "faulting_thread"};
    struct vg_diag *d = new_diag();
    json_t *r = parse(notes_ips, sizeof(notes_ips) - 1, d);
    void *it;
    size_t k;
    (void)state;

    for (k = 0, it = json_object_iter(r); it; it = json_object_iter_next(r, it), k++)
        assert_string_equal(json_object_iter_key(it), keys[k]);
    assert_int_equal(k, VG_ARRAY_LEN(keys));
    assert_int_equal(num(r, "bug_type"), VG_IPS_BUG_CRASH_JSON);
    assert_string_equal(str(r, "format"), "json");
    assert_string_equal(str(r, "incident_id"), "6C3B3AE2-1111-4C2B-9D77-0123456789AB");
    assert_string_equal(str(r, "timestamp"), "2024-03-02 09:15:40.8712 +0100");
    assert_string_equal(str(r, "isodate"), "2024-03-02 08:15:40.871200");
    assert_string_equal(str(r, "os_version"), "iPhone OS 17.3.1 (21D61)");
    assert_string_equal(str(r, "process_name"), "MobileNotes");
    assert_string_equal(str(r, "process_path"), "/Applications/MobileNotes.app/MobileNotes");
    assert_int_equal(num(r, "pid"), 1187);
    assert_string_equal(str(r, "parent_process"), "launchd");
    assert_int_equal(num(r, "parent_pid"), 1);
    assert_string_equal(str(r, "bundle_id"), "com.apple.mobilenotes");
    assert_string_equal(str(r, "exception_type"), "EXC_BAD_ACCESS");
    assert_string_equal(str(r, "exception_signal"), "SIGSEGV");
    assert_string_equal(str(r, "exception_codes"), "0x0000000000000001, 0x0000000000000000");
    assert_string_equal(str(r, "exception_subtype"), "KERN_INVALID_ADDRESS at 0x0000000000000000");
    assert_string_equal(str(r, "termination_namespace"), "SIGNAL");
    assert_int_equal(num(r, "termination_code"), 11);
    assert_string_equal(str(r, "termination_reason"), "Segmentation fault: 11");
    assert_int_equal(num(r, "faulting_thread"), 0);
    assert_int_equal(vg_diag_size(d), 0);
    json_decref(r);
    vg_diag_free(d);
}

static void test_text_report(void **state)
{
    struct vg_diag *d = new_diag();
    json_t *r = parse(text_ips, sizeof(text_ips) - 1, d);
    (void)state;

    assert_int_equal(num(r, "bug_type"), VG_IPS_BUG_CRASH_TEXT);
    assert_string_equal(str(r, "format"), "text");
    assert_string_equal(str(r, "process_name"), "bh");
    assert_int_equal(num(r, "pid"), 3402);
    assert_string_equal(str(r, "process_path"),
                        "/private/var/db/com.apple.xpc.roleaccountd.staging/bh");
    assert_string_equal(str(r, "bundle_id"), "bh");
    assert_string_equal(str(r, "parent_process"), "launchd");
    assert_int_equal(num(r, "parent_pid"), 1);
    assert_string_equal(str(r, "timestamp"), "2021-06-01 03:12:06.5120 +0300");
    assert_string_equal(str(r, "isodate"), "2021-06-01 00:12:06.512000");
    assert_string_equal(str(r, "exception_type"), "EXC_CRASH");
    assert_string_equal(str(r, "exception_signal"), "SIGKILL");
    assert_string_equal(str(r, "termination_namespace"), "CODESIGNING");
    assert_int_equal(num(r, "termination_code"), 2);
    assert_string_equal(str(r, "termination_reason"), "CODESIGNING 2 Invalid Page");
    assert_int_equal(num(r, "faulting_thread"), 0);
    assert_int_equal(vg_diag_size(d), 0);
    json_decref(r);
    vg_diag_free(d);
}

/* A .crash file: no first line, an older report with "Crashed Thread". */
static void test_text_without_header(void **state)
{
    static const char t[] = "Incident Identifier: 11111111-2222-4333-8444-555555555555\n"
                            "Process:         Preferences [412]\n"
                            "Path:            /Applications/Preferences.app/Preferences\n"
                            "Date/Time:       2019-12-24 23:59:59 -0500\n"
                            "Exception Type:  EXC_BAD_INSTRUCTION\n"
                            "Termination Signal: Illegal instruction: 4\n"
                            "Termination Reason: Namespace SIGNAL, Code 4\n"
                            "Crashed Thread:  2  Dispatch queue: com.apple.root.default\n";
    struct vg_diag *d = new_diag();
    json_t *r = parse(t, sizeof(t) - 1, d);
    (void)state;

    assert_true(json_is_null(json_object_get(r, "bug_type")));
    assert_string_equal(str(r, "format"), "text");
    assert_string_equal(str(r, "process_name"), "Preferences");
    assert_string_equal(str(r, "exception_type"), "EXC_BAD_INSTRUCTION");
    assert_string_equal(str(r, "exception_signal"), "");
    assert_string_equal(str(r, "termination_reason"), "Illegal instruction: 4");
    assert_int_equal(num(r, "termination_code"), 4);
    assert_int_equal(num(r, "faulting_thread"), 2);
    assert_string_equal(str(r, "isodate"), "2019-12-25 04:59:59.000000");
    assert_string_equal(str(r, "os_version"), "");
    assert_int_equal(vg_diag_size(d), 0);
    json_decref(r);
    vg_diag_free(d);
}

/* Other kinds (a jetsam report here): the first line's fields, the body's
 * keys vigie does not know ignored. A pretty-printed single object too. */
static void test_other_kinds(void **state)
{
    static const char jetsam[] =
        "{\"bug_type\":\"298\",\"timestamp\":\"2024-01-05 10:00:00.00 +0000\","
        "\"os_version\":\"iPhone OS 17.2 (21C62)\",\"incident_id\":\"A\"}\n"
        "{\"crashReporterKey\":\"k\",\"product\":\"iPhone15,2\",\"largestProcess\":\"Safari\","
        "\"osVersion\":{\"train\":\"iPhone OS 99\"},\"processes\":[]}\n";
    static const char single[] = "{\n  \"procName\" : \"x\",\n  \"pid\" : 3\n}\n";
    struct vg_diag *d = new_diag();
    json_t *r = parse(jetsam, sizeof(jetsam) - 1, d);
    int64_t bt = 0;
    (void)state;

    assert_int_equal(num(r, "bug_type"), 298);
    assert_string_equal(str(r, "format"), "json");
    assert_string_equal(str(r, "os_version"), "iPhone OS 17.2 (21C62)"); /* the first line's */
    assert_string_equal(str(r, "isodate"), "2024-01-05 10:00:00.000000");
    assert_string_equal(str(r, "process_name"), "");
    json_decref(r);

    r = parse(single, sizeof(single) - 1, d);
    assert_string_equal(str(r, "format"), "json");
    assert_int_equal(num(r, "pid"), 3);
    assert_int_equal(vg_ips_bug_type(single, sizeof(single) - 1, &bt), VG_E_NOTFOUND);
    assert_int_equal(vg_diag_size(d), 0);
    json_decref(r);
    vg_diag_free(d);
}

static void test_bug_type(void **state)
{
    static const struct {
        const char *line;
        int rc;
        int64_t v;
    } cases[] = {
        {"{\"bug_type\":\"309\"}", VG_OK, 309},
        {"{\"bug_type\":309}\n{}", VG_OK, 309},
        {"{\"bug_type\":\" 109 \"}", VG_OK, 109},
        {"{\"bug_type\":288.9}", VG_OK, 288},
        {"{\"bug_type\":true}", VG_OK, 1},
        {"{\"bug_type\":null}", VG_E_NOTFOUND, 0},
        {"{\"bug_type\":\"abc\"}", VG_E_NOTFOUND, 0},
        {"{\"bug_type\":[309]}", VG_E_NOTFOUND, 0},
        {"{\"name\":\"x\"}", VG_E_NOTFOUND, 0},
        {"[309]", VG_E_NOTFOUND, 0},
        {"Incident Identifier: x", VG_E_NOTFOUND, 0},
        {"", VG_E_NOTFOUND, 0},
    };
    size_t i;
    (void)state;

    for (i = 0; i < VG_ARRAY_LEN(cases); i++) {
        int64_t v = -1;
        assert_int_equal(vg_ips_bug_type(cases[i].line, strlen(cases[i].line), &v), cases[i].rc);
        if (cases[i].rc == VG_OK)
            assert_int_equal(v, cases[i].v);
    }
}

/* Values of the wrong type: warnings naming the key, the rest read. */
static void test_wrong_types(void **state)
{
    static const char t[] = "{\"bug_type\":{\"a\":1},\"app_name\":7}\n"
                            "{\"procName\":5,\"pid\":\"1187\",\"exception\":\"boom\","
                            "\"termination\":{\"code\":1.5,\"indicator\":2,\"reasons\":\"r\"},"
                            "\"faultingThread\":-1,\"procPath\":\"/a\\u0000b\","
                            "\"osVersion\":{\"train\":3}}\n";
    struct vg_diag *d = new_diag();
    json_t *r = parse(t, sizeof(t) - 1, d);
    const json_t *path;
    (void)state;

    assert_string_equal(str(r, "format"), "json");
    assert_true(json_is_null(json_object_get(r, "bug_type")));
    assert_true(json_is_null(json_object_get(r, "pid")));
    assert_int_equal(num(r, "faulting_thread"), -1);
    path = json_object_get(r, "process_path");
    assert_int_equal(json_string_length(path), 4);
    assert_memory_equal(json_string_value(path), "/a\0b", 4);
    assert_true(has_message(d, "x.ips: line 1: \"bug_type\" is not a number"));
    assert_true(has_message(d, "x.ips: first line: \"app_name\" is not a string"));
    assert_true(has_message(d, "report: \"procName\" is not a string"));
    assert_true(has_message(d, "report: \"pid\" is not an integer"));
    assert_true(has_message(d, "report: \"exception\" is not an object"));
    assert_true(has_message(d, "report: \"code\" is not an integer"));
    assert_true(has_message(d, "\"termination.indicator\" is not a string"));
    assert_true(has_message(d, "\"termination.reasons\" is not a list"));
    json_decref(r);
    vg_diag_free(d);
}

/* A report cut short, a damaged first line, a first line that is not an
 * object: warned about with their line, what could be read kept. */
static void test_damaged(void **state)
{
    static const char cut_body[] = NOTES_HEADER "{\n  \"pid\" : 1187,\n  \"procName\" : \"Mob";
    static const char bad_header[] = "{\"bug_type\":\"309\",\"os_vers\n"
                                     "{\"procName\":\"MobileNotes\",\"pid\":9}\n";
    static const char array_header[] = "[1,2]\n{\"procName\":\"y\"}\n";
    struct vg_diag *d = new_diag();
    json_t *r;
    (void)state;

    r = parse(cut_body, sizeof(cut_body) - 1, d);
    assert_string_equal(str(r, "format"), "none");
    assert_int_equal(num(r, "bug_type"), 309);
    assert_string_equal(str(r, "process_name"), "MobileNotes"); /* the first line's */
    assert_string_equal(str(r, "isodate"), "2024-03-02 08:15:41.000000");
    assert_true(has_message(d, "x.ips: line 4: report is not valid JSON"));
    json_decref(r);

    r = parse(bad_header, sizeof(bad_header) - 1, d);
    assert_true(json_is_null(json_object_get(r, "bug_type")));
    assert_string_equal(str(r, "format"), "json");
    assert_int_equal(num(r, "pid"), 9);
    assert_true(has_message(d, "x.ips: line 1: not JSON"));
    json_decref(r);

    r = parse(array_header, sizeof(array_header) - 1, d);
    assert_string_equal(str(r, "process_name"), "y");
    assert_true(has_message(d, "line 1: JSON but not an object"));
    json_decref(r);
    vg_diag_free(d);
}

static void test_not_a_report(void **state)
{
    struct vg_diag *d = new_diag();
    json_t *r = NULL;
    (void)state;

    assert_int_equal(vg_ips_parse("", 0, "e.ips", d, &r), VG_E_CORRUPT);
    assert_int_equal(vg_ips_parse(NULL, 10, "e.ips", d, &r), VG_E_CORRUPT);
    assert_int_equal(vg_ips_parse("hello\nworld\n", 12, "e.ips", d, &r), VG_E_CORRUPT);
    assert_int_equal(vg_ips_parse("{\"a\":\n", 6, "e.ips", d, &r), VG_E_CORRUPT);
    assert_int_equal(vg_ips_parse("[]\n[]\n", 6, "e.ips", d, &r), VG_E_CORRUPT);
    assert_null(r);
    assert_true(has_message(d, "e.ips: line 1: neither JSON nor a text crash report"));
    assert_true(has_message(d, "e.ips: not a crash report"));
    vg_diag_free(d);
}

/* Past the caps: a header too long to parse, a body too big to parse. */
static void test_caps(void **state)
{
    struct vg_diag *d = new_diag();
    size_t n = (size_t)VG_MAX_IPS_BODY + 64, k, i;
    char *t = malloc(n);
    json_t *r;
    (void)state;

    assert_non_null(t);
    memcpy(t, "{\"bug_type\":\"288\"}\n{", 20);
    memset(t + 20, ' ', n - 20);
    r = parse(t, n, d);
    assert_int_equal(num(r, "bug_type"), 288);
    assert_string_equal(str(r, "format"), "none");
    assert_true(has_message(d, "line 2: report of"));
    json_decref(r);

    /* small, but jansson would spend ~240 bytes on each empty object */
    memcpy(t, "{\"bug_type\":\"288\"}\n{\"a\":[", 25);
    for (k = 25, i = 0; i <= VG_MAX_IPS_CONTAINERS; i++, k += 3)
        memcpy(t + k, "{},", 3);
    memcpy(t + k, "{}]}", 4);
    r = parse(t, k + 4, d);
    assert_string_equal(str(r, "format"), "none");
    assert_true(has_message(d, "line 2: report of more than"));
    json_decref(r);
    for (k = 25, i = 0; i <= VG_MAX_IPS_VALUES; i++, k += 2)
        memcpy(t + k, "0,", 2);
    memcpy(t + k, "0]}", 3);
    r = parse(t, k + 3, d);
    assert_string_equal(str(r, "format"), "none");
    json_decref(r);
    /* just under the caps, it is read */
    for (k = 25, i = 0; i + 10 < VG_MAX_IPS_CONTAINERS; i++, k += 3)
        memcpy(t + k, "{},", 3);
    memcpy(t + k, "{}]}", 4);
    r = parse(t, k + 4, d);
    assert_string_equal(str(r, "format"), "json");
    json_decref(r);

    memset(t, ' ', n);
    memcpy(t, "{\"a\":", 5);
    memcpy(t + VG_MAX_IPS_HEADER + 8, "\nProcess: x [1]\n", 16);
    r = parse(t, VG_MAX_IPS_HEADER + 24, d);
    assert_string_equal(str(r, "format"), "text");
    assert_true(has_message(d, "line 1: longer than"));
    json_decref(r);
    free(t);
    vg_diag_free(d);
}

static void test_times(void **state)
{
    static const struct {
        const char *ts, *iso;
    } cases[] = {
        {"2024-03-02 09:15:40.8712 +0100", "2024-03-02 08:15:40.871200"},
        {"2024-03-02T01:00:00-07:00", "2024-03-02 08:00:00.000000"},
        {"2024-01-01 00:30:00.1234567 +0100", "2023-12-31 23:30:00.123456"},
        {"2024-02-29 12:00:00 Z", "2024-02-29 12:00:00.000000"},
        {"2023-02-29 12:00:00 +0000", ""},
        {"2024-03-02 09:15:40", ""},
        {"2024-03-02 09:15:40 +2400", ""},
        {"2024-13-02 09:15:40 +0000", ""},
        {"yesterday", ""},
    };
    char buf[512];
    size_t i;
    (void)state;

    for (i = 0; i < VG_ARRAY_LEN(cases); i++) {
        json_t *r;
        size_t n =
            (size_t)snprintf(buf, sizeof(buf), "Process: p [1]\nDate/Time: %s\n", cases[i].ts);
        r = parse(buf, n, NULL);
        assert_string_equal(str(r, "isodate"), cases[i].iso);
        json_decref(r);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_report),
        cmocka_unit_test(test_text_report),
        cmocka_unit_test(test_text_without_header),
        cmocka_unit_test(test_other_kinds),
        cmocka_unit_test(test_bug_type),
        cmocka_unit_test(test_wrong_types),
        cmocka_unit_test(test_damaged),
        cmocka_unit_test(test_not_a_report),
        cmocka_unit_test(test_caps),
        cmocka_unit_test(test_times),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
