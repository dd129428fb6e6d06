/*
 * vigie android check-bugreport, run as a program: the help and module
 * list, exit codes (detections, a clean bugreport, not a bugreport), -m,
 * the files written with -o, and check-iocs on them.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "bugreport.h"
#include "fixture.h"

static const char *vigie_bin(void)
{
    const char *v = getenv("VG_VIGIE");
    return v ? v : "vigie";
}

/* Runs a shell command; its output (stdout and stderr when asked by the
 * command) in *out when not NULL. The exit status. */
__attribute__((format(printf, 2, 3))) static int run(char **out, const char *fmt, ...)
{
    char cmd[8192], *buf = malloc(65536);
    size_t n = 0, cap = 65536, got;
    va_list ap;
    FILE *p;
    int st;

    va_start(ap, fmt);
    vsnprintf(cmd, sizeof(cmd), fmt, ap);
    va_end(ap);
    assert_non_null(buf);
    p = popen(cmd, "r");
    assert_non_null(p);
    while ((got = fread(buf + n, 1, cap - n - 1, p)) > 0) {
        n += got;
        if (cap - n < 4096) {
            cap *= 2;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
    }
    buf[n] = '\0';
    st = pclose(p);
    if (out)
        *out = buf;
    else
        free(buf);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

struct work {
    char *dir, zip[4096], clean[4096], iocs[4096];
};

/* The fixture bugreport; a clean one (no section MVT flags without
 * indicators: no accessibility service, no risky appops, no downgrade,
 * no rooting app, no privileged crash, a recent patch); the bundle. */
static void setup_work(struct work *w)
{
    static const char *const flagged[] = {"FS/data/tombstones/tombstone_00",
                                          "FS/data/tombstones/tombstone_01",
                                          "FS/data/tombstones/tombstone_03.pb"};
    struct vgfix_br *b = NULL;
    size_t i;

    w->dir = vgfix_tmpdir("cli-br");
    snprintf(w->zip, sizeof(w->zip), "%s/br.zip", w->dir);
    snprintf(w->clean, sizeof(w->clean), "%s/clean.zip", w->dir);
    snprintf(w->iocs, sizeof(w->iocs), "%s/iocs.stix2", w->dir);
    assert_int_equal(vgfix_br_new("", &b), 0);
    assert_int_equal(vgfix_br_write_zip(b, w->zip), 0);
    /* clean: only the tombstones nothing flags, and no dumpstate */
    assert_int_equal(vgfix_br_set(b, VGFIX_BR_DUMPSTATE, NULL, 0), 0);
    assert_int_equal(vgfix_br_set(b, "main_entry.txt", NULL, 0), 0);
    for (i = 0; i < 3; i++)
        assert_int_equal(vgfix_br_set(b, flagged[i], NULL, 0), 0);
    assert_int_equal(vgfix_br_write_zip(b, w->clean), 0);
    vgfix_br_free(b);
    assert_int_equal(vgfix_write_file(w->iocs, vgfix_br_bundle(), strlen(vgfix_br_bundle())), 0);
}

static void free_work(struct work *w)
{
    vgfix_rmtree(w->dir);
    free(w->dir);
}

static void test_help_and_list(void **state)
{
    char *out;
    (void)state;

    assert_int_equal(run(&out, "%s android check-bugreport --help", vigie_bin()), 0);
    assert_non_null(strstr(out, "usage: vigie android check-bugreport"));
    free(out);
    assert_int_equal(run(&out, "%s --help", vigie_bin()), 0);
    assert_non_null(strstr(out, "android check-bugreport"));
    free(out);
    assert_int_equal(run(&out, "%s android check-bugreport --list-modules", vigie_bin()), 0);
    assert_non_null(strstr(out, "DumpsysAppops"));
    assert_non_null(strstr(out, "tombstones"));
    assert_non_null(strstr(out, "bugreport_timestamps"));
    assert_null(strstr(out, "Manifest"));
    free(out);
}

static void test_exit_codes(void **state)
{
    struct work w;
    char *out;
    (void)state;

    setup_work(&w);
    /* detections: 1 */
    assert_int_equal(run(&out, "VIGIE_IOCS= %s android check-bugreport --iocs %s %s 2>&1",
                         vigie_bin(), w.iocs, w.zip),
                     1);
    assert_non_null(strstr(out, "DETECTIONS"));
    assert_non_null(strstr(out, "Found a known suspicious app with ID \"" VGFIX_BR_APP "\""));
    free(out);
    /* nothing flagged: 0 */
    assert_int_equal(
        run(&out, "%s android check-bugreport --iocs %s %s 2>&1", vigie_bin(), w.iocs, w.clean), 0);
    assert_non_null(strstr(out, "NO DETECTIONS"));
    free(out);
    /* not a bugreport: 2 */
    assert_int_equal(
        run(NULL, "%s android check-bugreport %s/nothere.zip 2>/dev/null", vigie_bin(), w.dir), 2);
    assert_int_equal(
        run(NULL, "%s android check-bugreport -m nosuchmodule %s 2>/dev/null", vigie_bin(), w.zip),
        2);
    free_work(&w);
}

static void test_output_and_recheck(void **state)
{
    struct work w;
    char *out, path[8192], *json;
    size_t len;
    (void)state;

    setup_work(&w);
    assert_int_equal(run(&out,
                         "%s android check-bugreport -m tombstones -m DumpsysAppops -o %s/out "
                         "--iocs %s %s 2>&1",
                         vigie_bin(), w.dir, w.iocs, w.zip),
                     1);
    free(out);
    snprintf(path, sizeof(path), "%s/out/tombstones.json", w.dir);
    json = vgfix_read_file(path, &len);
    assert_non_null(json);
    free(json);
    snprintf(path, sizeof(path), "%s/out/dumpsys_appops.json", w.dir);
    json = vgfix_read_file(path, &len);
    assert_non_null(json);
    free(json);
    /* -m: nothing else */
    snprintf(path, sizeof(path), "%s/out/dumpsys_packages.json", w.dir);
    json = vgfix_read_file(path, &len);
    assert_null(json);
    snprintf(path, sizeof(path), "%s/out/info.json", w.dir);
    json = vgfix_read_file(path, &len);
    assert_non_null(strstr(json, "\"kind\": \"bugreport\""));
    free(json);
    /* check-iocs on them: the same detections */
    assert_int_equal(run(&out, "%s check-iocs --iocs %s %s/out 2>&1", vigie_bin(), w.iocs, w.dir),
                     1);
    assert_non_null(strstr(out, "Tombstones"));
    free(out);
    free_work(&w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_help_and_list),
        cmocka_unit_test(test_exit_codes),
        cmocka_unit_test(test_output_and_recheck),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
