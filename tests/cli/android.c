/*
 * `vigie android check-androidqf` as an analyst runs it: MVT's option names
 * (--iocs/-i, --output/-o, --module/-m, --list-modules/-l), exit codes
 * (1 detections, 0 clean, 2 incomplete or an error), the platform word's
 * own help, and check-iocs on the folder it wrote.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "androidqf.h"
#include "fixture.h"

static const char *vigie_bin(void)
{
    const char *b = getenv("VG_VIGIE");
    assert_non_null(b);
    return b;
}

/* Runs a shell command line; the exit status, output (stdout and stderr)
 * in *out. */
VG_PRINTF(2, 3)
static int run(char **out, const char *fmt, ...)
{
    char cmd[8192], tmp[8300];
    va_list ap;
    int st;

    va_start(ap, fmt);
    vsnprintf(cmd, sizeof(cmd), fmt, ap);
    va_end(ap);
    assert_true(snprintf(tmp, sizeof(tmp), "%s > /tmp/vigie-cli-android.%d 2>&1", cmd,
                         (int)getpid()) < (int)sizeof(tmp));
    st = system(tmp);
    assert_true(snprintf(tmp, sizeof(tmp), "/tmp/vigie-cli-android.%d", (int)getpid()) <
                (int)sizeof(tmp));
    if (out) {
        *out = vgfix_read_file(tmp, NULL);
        assert_non_null(*out);
    }
    remove(tmp);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

struct env {
    char *work;
    char acq[4096], clean[4096], iocs[4096];
};

static int setup(void **state)
{
    struct env *e = calloc(1, sizeof(*e));
    struct vgfix_aqf *a = vgfix_aqf_new(), *c = vgfix_aqf_new();
    char prop[256];
    time_t now = time(NULL) - 30 * 86400;
    struct tm tm;
    const char *stix = vgfix_aqf_stix2();

    if (!e || !a || !c || !stix || vgfix_aqf_sample(a) != 0)
        return -1;
    e->work = vgfix_tmpdir("cli-android");
    snprintf(e->acq, sizeof(e->acq), "%s/acq.zip", e->work);
    snprintf(e->clean, sizeof(e->clean), "%s/clean", e->work);
    snprintf(e->iocs, sizeof(e->iocs), "%s/aqf.stix2", e->work);
    /* a clean phone: a patch level of a month ago, nothing else */
    gmtime_r(&now, &tm);
    assert_true(snprintf(prop, sizeof(prop), "[ro.build.version.security_patch]: [%04d-%02d-%02d]",
                         tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday) < (int)sizeof(prop));
    if (vgfix_aqf_write(a, VGFIX_AQF_ZIP_ROOT, e->acq) != 0 ||
        vgfix_aqf_add_text(c, "getprop.txt", prop) != 0 ||
        vgfix_aqf_write(c, VGFIX_AQF_FOLDER, e->clean) != 0 ||
        vgfix_write_file(e->iocs, stix, strlen(stix)) != 0)
        return -1;
    vgfix_aqf_free(a);
    vgfix_aqf_free(c);
    *state = e;
    return 0;
}

static int teardown(void **state)
{
    struct env *e = *state;

    vgfix_rmtree(e->work);
    free(e->work);
    free(e);
    return 0;
}

static void test_help(void **state)
{
    char *out;
    (void)state;

    assert_int_equal(run(&out, "%s android check-androidqf --help", vigie_bin()), 0);
    assert_non_null(strstr(out, "usage: vigie android check-androidqf"));
    assert_non_null(strstr(out, "--iocs"));
    assert_non_null(strstr(out, "--list-modules"));
    free(out);
    /* the platform word alone lists its commands */
    assert_int_equal(run(&out, "%s android", vigie_bin()), 2);
    assert_non_null(strstr(out, "check-androidqf"));
    free(out);
    assert_int_equal(run(&out, "%s android --help", vigie_bin()), 0);
    assert_non_null(strstr(out, "check-androidqf"));
    free(out);
    assert_int_equal(run(&out, "%s --help", vigie_bin()), 0);
    assert_non_null(strstr(out, "android check-androidqf"));
    free(out);
    assert_int_equal(run(NULL, "%s android check-androidqf", vigie_bin()), 2);
}

static void test_list_modules(void **state)
{
    static const char *const names[] = {"AQFPackages",  "AQFProcesses", "AQFGetProp",
                                        "AQFSettings",  "AQFFiles",     "AQFLogTimestamps",
                                        "RootBinaries", "Mounts",       "AQFComponents"};
    char *out, *at;
    size_t i;
    (void)state;

    assert_int_equal(run(&out, "%s android check-androidqf -l", vigie_bin()), 0);
    /* in run order */
    for (i = 0, at = out; i < sizeof(names) / sizeof(names[0]); i++) {
        at = strstr(at, names[i]);
        if (!at)
            fail_msg("%s not listed in order:\n%s", names[i], out);
    }
    /* no iOS module */
    assert_null(strstr(out, "sms_attachments"));
    free(out);
    assert_int_equal(run(&out, "%s android check-androidqf --list-modules", vigie_bin()), 0);
    assert_non_null(strstr(out, "aqf_get_prop"));
    free(out);
}

static void test_detections_and_recheck(void **state)
{
    struct env *e = *state;
    char *out, dir[4096], path[4096];
    struct stat st;

    assert_true(snprintf(dir, sizeof(dir), "%s/out", e->work) < (int)sizeof(dir));
    assert_int_equal(run(&out, "%s android check-androidqf --iocs %s --output %s %s", vigie_bin(),
                         e->iocs, dir, e->acq),
                     1);
    assert_non_null(strstr(out, "DETECTIONS"));
    assert_non_null(strstr(out, VGFIX_AQF_APP));
    free(out);
    assert_true(snprintf(path, sizeof(path), "%s/aqf_packages_detected.json", dir) <
                (int)sizeof(path));
    assert_int_equal(stat(path, &st), 0);
    /* one module by its result name or class */
    assert_true(snprintf(dir, sizeof(dir), "%s/one", e->work) < (int)sizeof(dir));
    assert_int_equal(run(&out, "%s android check-androidqf -i %s -m aqf_settings -o %s %s",
                         vigie_bin(), e->iocs, dir, e->acq),
                     1);
    assert_non_null(strstr(out, "AQFSettings"));
    assert_null(strstr(out, "AQFPackages"));
    free(out);
    assert_int_equal(
        run(NULL, "%s android check-androidqf -m NoSuchModule %s", vigie_bin(), e->acq), 2);
    /* the results folder checked again: the indicator hits come back */
    assert_true(snprintf(dir, sizeof(dir), "%s/out", e->work) < (int)sizeof(dir));
    assert_true(snprintf(path, sizeof(path), "%s/again", e->work) < (int)sizeof(path));
    assert_int_equal(run(&out, "%s check-iocs -i %s -o %s %s", vigie_bin(), e->iocs, path, dir), 1);
    assert_non_null(strstr(out, "Found a known suspicious app with ID \"" VGFIX_AQF_APP "\""));
    assert_non_null(strstr(out, "Found a truncated known suspicious process name"));
    free(out);
}

static void test_clean_and_incomplete(void **state)
{
    struct env *e = *state;
    char *out, zip[4096];
    struct vgfix_aqf *a = vgfix_aqf_new();
    size_t i;
    (void)state;

    assert_int_equal(
        run(&out, "%s android check-androidqf -i %s %s", vigie_bin(), e->iocs, e->clean), 0);
    assert_non_null(strstr(out, "NO DETECTIONS"));
    free(out);
    /* a zip cut short, nothing detected in what is left: incomplete, 2 */
    assert_non_null(a);
    for (i = 0; i < 20; i++) {
        char name[64], text[256];
        snprintf(name, sizeof(name), "logs/data/log/log-%02zu.txt", i);
        snprintf(text, sizeof(text), "%0200zu", i);
        assert_int_equal(vgfix_aqf_add_text(a, name, text), 0);
    }
    assert_true(snprintf(zip, sizeof(zip), "%s/cut.zip", e->work) < (int)sizeof(zip));
    assert_int_equal(vgfix_aqf_write_truncated(a, 2000, zip), 0);
    vgfix_aqf_free(a);
    assert_int_equal(run(&out, "%s android check-androidqf %s", vigie_bin(), zip), 2);
    assert_non_null(strstr(out, "INCOMPLETE"));
    assert_non_null(strstr(out, "cut.zip"));
    free(out);
    /* not an acquisition at all */
    assert_int_equal(run(&out, "%s android check-androidqf %s", vigie_bin(), e->iocs), 2);
    assert_non_null(strstr(out, "neither a folder nor an archive"));
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_help),
        cmocka_unit_test(test_list_modules),
        cmocka_unit_test(test_detections_and_recheck),
        cmocka_unit_test(test_clean_and_incomplete),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
