/*
 * The AndroidQF modules on the fixture builder's sample acquisition: every
 * planted hit gives its alert (MVT's level and message), no near miss does;
 * without indicators only the heuristics speak; `check-iocs` on the results
 * folder gives the same alerts again (the Android truncation rule included);
 * records are MVT's (keys); the device's time zone moves file times to its
 * wall clock; Android processes are cut at 15 bytes, and the collector's
 * kernel names are checked only when they are no cut command line.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>

#include "androidqf.h"
#include "fixture.h"

#define COLL "\" matching indicators from \"AqfTest\""

/* Heuristic alerts, sorted as vgfix_alert_lines sorts them. */
#define HEURISTIC_HIGH                                                                             \
    "HIGH aqf_components Accessibility service \"com.example.sideload/.Reader\" belongs to "       \
    "\"com.example.sideload\", installed via a browser "                                           \
    "(installer=\"com.google.android.packageinstaller\")\n"                                        \
    "HIGH aqf_components SMS receiver \"com.example.sideload/.SmsReceiver\" belongs to "           \
    "\"com.example.sideload\", installed via a browser "                                           \
    "(installer=\"com.google.android.packageinstaller\")\n"                                        \
    "HIGH aqf_files Found executable file at suspicious path \"/data/local/tmp/payload\"\n"        \
    "HIGH mounts Root detected /system partition is mounted as read-write (rw)\n"                  \
    "HIGH root_binaries Found root binary \"su\" at path \"/system/xbin/su\"\n"
#define HEURISTIC_INFO                                                                             \
    "INFORMATIONAL aqf_packages Found a package installed via a third party store "                \
    "(installer=\"org.fdroid.fdroid\"): \"org.example.fdroidapp\"\n"
#define HEURISTIC_MEDIUM                                                                           \
    "MEDIUM aqf_get_prop This phone has not received security updates for more than six months "   \
    "(last update: " VGFIX_AQF_PATCH ").\n"                                                        \
    "MEDIUM aqf_packages Found a non-system package installed via adb or another method: "         \
    "\"" VGFIX_AQF_APP "\"\n"                                                                      \
    "MEDIUM aqf_packages Found a package installed via a browser "                                 \
    "(installer=\"com.google.android.packageinstaller\"): \"com.example.sideload\"\n"              \
    "MEDIUM aqf_packages Found an installed package related to rooting/jailbreaking: "             \
    "\"com.topjohnwu.magisk\"\n"                                                                   \
    "MEDIUM aqf_packages Security package \"com.samsung.android.securitylogagent\" disabled on "   \
    "the phone\n"                                                                                  \
    "MEDIUM aqf_settings Found suspicious \"global\" setting \"package_verifier_enable = 0\" "     \
    "(disabled Google Play Protect)\n"
#define HEURISTIC_MOUNTS "MEDIUM mounts Suspicious mount options found for /system: rw\n"
/* dumpsys.txt's accessibility services, each MEDIUM as MVT flags them (the
 * enabled ones as MVT's parser cuts "{{a/.X}, {b/.Y}}") */
#define A11Y_MEDIUM(x)                                                                             \
    "MEDIUM dumpsys_accessibility Found accessibility service: \".A11y\"\n" x                      \
    "MEDIUM dumpsys_accessibility Found accessibility service: \"com.example.sideload/.Reader\"\n" \
    "MEDIUM dumpsys_accessibility Found accessibility service: "                                   \
    "\"com.google.android.marvin.talkback/.TalkBackService\"\n"

static const char *const with_iocs[] = {
    "CRITICAL aqf_components Accessibility service \"" VGFIX_AQF_APP "/.SpyAccessibilityService\" "
    "belongs to \"" VGFIX_AQF_APP
    "\", an app that matches indicators from \"AqfTest\" | " VGFIX_AQF_APP "\n"
    "CRITICAL aqf_components Device admin \"com.example.flashlight/.Admin\" belongs to "
    "\"com.example.flashlight\", an app whose APK matches indicators from \"AqfTest\" "
    "| " VGFIX_AQF_APK_SHA256 "\n"
    "CRITICAL aqf_components Notification listener "
    "\"com.example.notes/com.example.notes.Listener\" "
    "belongs to \"com.example.notes\", an app whose signing certificate matches indicators from "
    "\"AqfTest\" | " VGFIX_AQF_CERT_SHA1 "\n"
    "CRITICAL aqf_files Found a known suspicious file path \"" VGFIX_AQF_FILE_PATH COLL
    " | " VGFIX_AQF_FILE_PATH "\n"
    "CRITICAL aqf_files Found a known suspicious file with hash \"" VGFIX_AQF_FILE_SHA256 COLL
    " | " VGFIX_AQF_FILE_SHA256 "\n"
    "CRITICAL aqf_get_prop Found a known suspicious Android property \"" VGFIX_AQF_PROPERTY COLL
    " | " VGFIX_AQF_PROPERTY "\n"
    "CRITICAL aqf_packages Found a known suspicious app certificate with hash "
    "\"" VGFIX_AQF_CERT_SHA1 COLL " | " VGFIX_AQF_CERT_SHA1 "\n"
    "CRITICAL aqf_packages Found a known suspicious app with ID \"" VGFIX_AQF_APP COLL
    " | " VGFIX_AQF_APP "\n"
    "CRITICAL aqf_packages Found a known suspicious file with hash \"" VGFIX_AQF_APK_SHA256 COLL
    " | " VGFIX_AQF_APK_SHA256 "\n"
    "CRITICAL aqf_processes Found a known suspicious process name \"" VGFIX_AQF_PROCESS COLL
    " | " VGFIX_AQF_PROCESS "\n"
    "CRITICAL aqf_processes Found a truncated known suspicious process name \"" VGFIX_AQF_COMM COLL
    " (the observed name is cut short; the indicator is \"" VGFIX_AQF_PROCESS_LONG
    "\") | " VGFIX_AQF_PROCESS_LONG "\n",
    /* the planted app's accessibility service (installed and enabled) and
     * boot receiver in dumpsys.txt; its near miss com.example.evilx is quiet */
    "CRITICAL dumpsys_accessibility Found a known suspicious app with ID \"" VGFIX_AQF_APP COLL
    " | " VGFIX_AQF_APP "\n"
    "CRITICAL dumpsys_accessibility Found a known suspicious app with ID \"" VGFIX_AQF_APP COLL
    " | " VGFIX_AQF_APP "\n"
    "CRITICAL dumpsys_receivers Found a known suspicious app with ID \"" VGFIX_AQF_APP COLL
    " | " VGFIX_AQF_APP "\n",
    HEURISTIC_HIGH HEURISTIC_INFO HEURISTIC_MEDIUM A11Y_MEDIUM("") HEURISTIC_MOUNTS, NULL};

/* without indicators the file-path hit is still a file in /data/local/tmp/ */
static const char *const without_iocs[] = {
    "HIGH aqf_components Accessibility service \"" VGFIX_AQF_APP "/.SpyAccessibilityService\" "
    "belongs to \"" VGFIX_AQF_APP "\", a non-system package installed via adb or another method\n"
    "HIGH aqf_components Accessibility service \"com.example.sideload/.Reader\" belongs to "
    "\"com.example.sideload\", installed via a browser "
    "(installer=\"com.google.android.packageinstaller\")\n"
    "HIGH aqf_components SMS receiver \"com.example.sideload/.SmsReceiver\" belongs to "
    "\"com.example.sideload\", installed via a browser "
    "(installer=\"com.google.android.packageinstaller\")\n"
    "HIGH aqf_files Found executable file at suspicious path \"/data/local/tmp/payload\"\n"
    "HIGH aqf_files Found file at suspicious path \"" VGFIX_AQF_FILE_PATH "\"\n"
    "HIGH mounts Root detected /system partition is mounted as read-write (rw)\n"
    "HIGH root_binaries Found root binary \"su\" at path \"/system/xbin/su\"\n" HEURISTIC_INFO
        HEURISTIC_MEDIUM A11Y_MEDIUM("MEDIUM dumpsys_accessibility Found accessibility service: "
                                     "\".SpyAccessibilityService\"\n"
                                     "MEDIUM dumpsys_accessibility Found accessibility service: "
                                     "\"" VGFIX_AQF_APP "/.SpyAccessibilityService\"\n")
            HEURISTIC_MOUNTS,
    NULL};

struct env {
    char *work, *acq, *out;
};

static int setup(void **state)
{
    struct env *e = calloc(1, sizeof(*e));
    struct vgfix_aqf *a = vgfix_aqf_new();
    size_t n;

    if (!e || !a || vgfix_aqf_sample(a) != 0)
        return -1;
    e->work = vgfix_tmpdir("aqf-mod");
    n = strlen(e->work) + 16;
    e->acq = malloc(n);
    e->out = malloc(n);
    snprintf(e->acq, n, "%s/acq.zip", e->work);
    snprintf(e->out, n, "%s/out", e->work);
    if (vgfix_aqf_write(a, VGFIX_AQF_ZIP_ROOT, e->acq) != 0)
        return -1;
    vgfix_aqf_free(a);
    *state = e;
    return 0;
}

static int teardown(void **state)
{
    struct env *e = *state;

    vgfix_rmtree(e->work);
    free(e->work);
    free(e->acq);
    free(e->out);
    free(e);
    return 0;
}

static void expect_alerts(const char *out, const char *want)
{
    char *got = vgfix_alert_lines(out);

    if (strcmp(got, want) != 0)
        fail_msg("alerts differ:\n--- got\n%s--- wanted\n%s", got, want);
    free(got);
}

/* The lines of parts, joined (one string would be longer than C11 lets
 * a literal be). */
static void expect_alerts_v(const char *out, const char *const *parts)
{
    size_t n = 1, i, k = 0;
    char *want;

    for (i = 0; parts[i]; i++)
        n += strlen(parts[i]);
    want = calloc(1, n);
    assert_non_null(want);
    for (i = 0; parts[i]; i++) {
        memcpy(want + k, parts[i], strlen(parts[i]));
        k += strlen(parts[i]);
    }
    expect_alerts(out, want);
    free(want);
}

static void test_planted_hits(void **state)
{
    struct env *e = *state;
    struct vgfix_aqf_run r;
    char out2[4096];

    assert_int_equal(
        vgfix_aqf_check(VG_KIND_ANDROIDQF, e->acq, e->out, vgfix_aqf_stix2(), NULL, 0, &r), 0);
    assert_int_equal(r.rc, VG_OK);
    expect_alerts_v(e->out, with_iocs);
    assert_int_equal(r.sum.alerts[VG_LEVEL_CRITICAL], 14);
    vgfix_aqf_run_free(&r);

    /* the results folder checked again gives the same alerts */
    assert_true(snprintf(out2, sizeof(out2), "%s/again", e->work) < (int)sizeof(out2));
    assert_int_equal(vgfix_aqf_check(VG_KIND_RESULTS, e->out, out2, vgfix_aqf_stix2(), NULL, 0, &r),
                     0);
    assert_int_equal(r.rc, VG_OK);
    expect_alerts_v(out2, with_iocs);
    vgfix_aqf_run_free(&r);
}

static void test_heuristics_alone(void **state)
{
    struct env *e = *state;
    struct vgfix_aqf_run r;
    char out[4096];

    assert_true(snprintf(out, sizeof(out), "%s/noiocs", e->work) < (int)sizeof(out));
    assert_int_equal(vgfix_aqf_check(VG_KIND_ANDROIDQF, e->acq, out, NULL, NULL, 0, &r), 0);
    assert_int_equal(r.rc, VG_OK);
    expect_alerts_v(out, without_iocs);
    vgfix_aqf_run_free(&r);
}

static json_t *load(const char *dir, const char *name)
{
    char path[4096];
    json_t *v;

    assert_true(snprintf(path, sizeof(path), "%s/%s", dir, name) < (int)sizeof(path));
    v = json_load_file(path, 0, NULL);
    if (!v)
        fail_msg("cannot read %s", path);
    return v;
}

/* Records as MVT writes them: its keys, in its order. */
static void test_records(void **state)
{
    struct env *e = *state;
    struct vgfix_aqf_run r;
    json_t *v, *rec;
    const char *key;
    json_t *val;
    char keys[1024];
    size_t k;

    assert_int_equal(vgfix_aqf_check(VG_KIND_ANDROIDQF, e->acq, e->out, NULL, NULL, 0, &r), 0);
    vgfix_aqf_run_free(&r);
    v = load(e->out, "aqf_processes.json");
    /* ps.txt's six, processes.txt's four, processes.json's four */
    assert_int_equal(json_array_size(v), 6 + 3 + 4);
    rec = json_array_get(v, 0);
    keys[0] = '\0';
    k = 0;
    json_object_foreach(rec, key, val) k +=
        (size_t)snprintf(keys + k, sizeof(keys) - k, "%s,", key);
    assert_string_equal(keys, "user,pid,ppid,virtual_memory_size,resident_set_size,wchan,"
                              "aprocress,stat,proc_name,label,");
    json_decref(v);
    v = load(e->out, "aqf_components.json");
    /* 4 accessibility services, 2 device admins, 2 listeners, 2 SMS receivers */
    assert_int_equal(json_array_size(v), 10);
    rec = json_array_get(v, 0);
    keys[0] = '\0';
    k = 0;
    json_object_foreach(rec, key, val) k +=
        (size_t)snprintf(keys + k, sizeof(keys) - k, "%s,", key);
    assert_string_equal(keys, "component_type,component,package_name,installer,system,apk_sha256,"
                              "certificate_hashes,");
    /* an app packages.json does not list: nothing known of it */
    assert_true(json_is_null(json_object_get(json_array_get(v, 2), "installer")));
    json_decref(v);
    v = load(e->out, "aqf_settings.json");
    assert_int_equal(json_array_size(v), 1);
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(json_array_get(v, 0), "global"),
                                          "package_verifier_enable")),
        "0");
    json_decref(v);
    v = load(e->out, "aqf_log_timestamps.json");
    assert_int_equal(json_array_size(v), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(v, 0), "path")),
                        "logs/data/anr/anr_2024-04-30-08-00-00-000");
    assert_string_equal(json_string_value(json_object_get(json_array_get(v, 0), "modified_time")),
                        "2024-04-30 08:00:00.000000");
    json_decref(v);
    v = load(e->out, "aqf_files.json");
    assert_string_equal(json_string_value(json_object_get(json_array_get(v, 0), "modified_time")),
                        "2024-04-29 14:13:20.000000");
    json_decref(v);
}

/* A TZif file of one zone two hours east of UTC, no transitions (version
 * 2: a header and block of each width, then the footer rule). The header
 * is "TZif", the version, 15 bytes unused, then six big-endian counts:
 * isut, isstd, leap, time, type (1), char (4). */
static size_t tzif_plus2(unsigned char *p)
{
    static const unsigned char block[] = {
        /* the type: +7200 s, not DST, designation at 0; then "+02\0" */
        0x00, 0x00, 0x1c, 0x20, 0x00, 0x00, '+', '0', '2', 0x00,
    };
    size_t n = 0, i;

    for (i = 0; i < 2; i++) {
        memset(p + n, 0, 44);
        memcpy(p + n, "TZif2", 5);
        p[n + 39] = 1;
        p[n + 43] = 4;
        n += 44;
        memcpy(p + n, block, sizeof(block));
        n += sizeof(block);
    }
    memcpy(p + n, "\n<+02>-2\n", 9);
    return n + 9;
}

static void test_device_timezone(void **state)
{
    struct env *e = *state;
    struct vgfix_aqf *a = vgfix_aqf_new();
    struct vgfix_aqf_run r;
    unsigned char tz[256];
    char dir[4096], path[4096], out[4096], csv[4096];
    size_t len;
    const char *gp;
    char *text;
    json_t *v;

    assert_true(snprintf(dir, sizeof(dir), "%s/zoneinfo/Test", e->work) < (int)sizeof(dir));
    assert_int_equal(vgfix_mkdirs(dir), 0);
    assert_true(snprintf(path, sizeof(path), "%s/Plus2", dir) < (int)sizeof(path));
    len = tzif_plus2(tz);
    assert_int_equal(vgfix_write_file(path, tz, len), 0);
    assert_true(snprintf(dir, sizeof(dir), "%s/zoneinfo", e->work) < (int)sizeof(dir));
    assert_int_equal(setenv("TZDIR", dir, 1), 0);

    assert_int_equal(vgfix_aqf_sample(a), 0);
    gp = vgfix_aqf_get(a, "getprop.txt", &len);
    text = malloc(len + 64);
    snprintf(text, len + 64, "%.*s\n[persist.sys.timezone]: [Test/Plus2]", (int)len, gp);
    assert_int_equal(vgfix_aqf_add_text(a, "getprop.txt", text), 0);
    free(text);
    assert_true(snprintf(path, sizeof(path), "%s/tz.zip", e->work) < (int)sizeof(path));
    assert_int_equal(vgfix_aqf_write(a, VGFIX_AQF_ZIP_ROOT, path), 0);
    assert_true(snprintf(out, sizeof(out), "%s/tz-out", e->work) < (int)sizeof(out));
    assert_int_equal(vgfix_aqf_check(VG_KIND_ANDROIDQF, path, out, NULL, NULL, 0, &r), 0);
    assert_int_equal(r.rc, VG_OK);
    if (r.warnings && strstr(r.warnings, "time zone"))
        fail_msg("%s", r.warnings);
    vgfix_aqf_run_free(&r);
    v = load(out, "aqf_files.json");
    assert_string_equal(json_string_value(json_object_get(json_array_get(v, 0), "modified_time")),
                        "2024-04-29 16:13:20.000000");
    json_decref(v);
    v = load(out, "aqf_log_timestamps.json");
    assert_string_equal(json_string_value(json_object_get(json_array_get(v, 0), "modified_time")),
                        "2024-04-30 10:00:00.000000");
    json_decref(v);
    assert_true(snprintf(csv, sizeof(csv), "%s/timeline.csv", out) < (int)sizeof(csv));
    text = vgfix_read_file(csv, NULL);
    assert_non_null(text);
    assert_true(strncmp(text, "\"Device Local Timestamp\"", 24) == 0);
    free(text);
    /* a zone the database does not have: UTC, with a warning naming it */
    assert_int_equal(setenv("TZDIR", "/nonexistent", 1), 0);
    assert_int_equal(vgfix_aqf_check(VG_KIND_ANDROIDQF, path, NULL, NULL, NULL, 0, &r), 0);
    if (!r.warnings || !strstr(r.warnings, "\"Test/Plus2\""))
        fail_msg("no warning naming the zone: %s", r.warnings ? r.warnings : "none");
    vgfix_aqf_run_free(&r);
    unsetenv("TZDIR");
    vgfix_aqf_free(a);
}

/* -m picks one module; its results only. */
static void test_one_module(void **state)
{
    struct env *e = *state;
    static const char *const mods[] = {"AQFFiles"};
    struct vgfix_aqf_run r;
    char out[4096];

    assert_true(snprintf(out, sizeof(out), "%s/one", e->work) < (int)sizeof(out));
    assert_int_equal(
        vgfix_aqf_check(VG_KIND_ANDROIDQF, e->acq, out, vgfix_aqf_stix2(), mods, 1, &r), 0);
    assert_int_equal(r.rc, VG_OK);
    assert_int_equal(r.sum.modules_run, 1);
    assert_int_equal(r.sum.records, 6);
    assert_int_equal(r.sum.alerts[VG_LEVEL_CRITICAL], 2);
    assert_int_equal(r.sum.alerts[VG_LEVEL_HIGH], 1);
    vgfix_aqf_run_free(&r);
}

/* The collector's objects: a name from the command line, then the
 * kernel's unless it only cuts that name short; an app's service process
 * ("<package>:<name>") names its app. */
#define PROC(pid, comm, argv0)                                                                     \
    "{\"pid\": " #pid ", \"uid\": 10123, \"ppid\": 612, \"filename\": \"(" comm ")\", "            \
    "\"context\": \"u:r:untrusted_app:s0\", \"command_line\": [\"" argv0 "\"], \"env\": null, "    \
    "\"cwd\": \"/\"}"

static void test_process_names(void **state)
{
    /* clang-format off */
    /* a near miss whose kernel name is a cut indicator; an indicator's
     * service process; a near miss's; a kernel name of its own */
    static const char procs[] =
        "[" PROC(9001, "com.example.spy", "com.example.spywarex") ",\n"
        PROC(9002, "com.example.evi", VGFIX_AQF_APP ":remote") ",\n"
        PROC(9003, "com.example.evi", VGFIX_AQF_APP_NEAR ":remote") ",\n"
        PROC(9004, VGFIX_AQF_PROCESS, "/system/bin/mediaserver") "]";
    /* clang-format on */
    static const char *const mods[] = {"AQFProcesses"};
    struct env *e = *state;
    struct vgfix_aqf *a = vgfix_aqf_new();
    struct vgfix_aqf_run r;
    char acq[4096], out[4096];

    assert_non_null(a);
    assert_true(snprintf(acq, sizeof(acq), "%s/procs", e->work) < (int)sizeof(acq));
    assert_true(snprintf(out, sizeof(out), "%s/procs-out", e->work) < (int)sizeof(out));
    assert_int_equal(vgfix_aqf_add_text(a, "processes.json", procs), 0);
    assert_int_equal(vgfix_aqf_write(a, VGFIX_AQF_FOLDER, acq), 0);
    vgfix_aqf_free(a);
    assert_int_equal(vgfix_aqf_check(VG_KIND_ANDROIDQF, acq, out, vgfix_aqf_stix2(), mods, 1, &r),
                     0);
    assert_int_equal(r.rc, VG_OK);
    assert_int_equal(r.sum.records, 4);
    expect_alerts(out,
                  "CRITICAL aqf_processes Found a known suspicious process name "
                  "\"" VGFIX_AQF_PROCESS COLL " | " VGFIX_AQF_PROCESS "\n"
                  "CRITICAL aqf_processes Found a process \"" VGFIX_AQF_APP ":remote\" of a "
                  "known suspicious app with ID \"" VGFIX_AQF_APP COLL " | " VGFIX_AQF_APP "\n");
    vgfix_aqf_run_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_planted_hits), cmocka_unit_test(test_heuristics_alone),
        cmocka_unit_test(test_records),      cmocka_unit_test(test_device_timezone),
        cmocka_unit_test(test_one_module),   cmocka_unit_test(test_process_names),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
