/*
 * The command line as an analyst uses it: exit codes, errors naming the
 * file, nothing written without -o, deterministic output, secrets kept out
 * of what we write.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "fixture.h"
#include "harness.h"

static const char *vigie_bin(void)
{
    const char *b = getenv("VG_VIGIE");
    assert_non_null(b);
    return b;
}

/* Runs a shell command line; returns the exit status, output in *out. */
VG_PRINTF(2, 3)
static int run(char **out, const char *fmt, ...)
{
    char cmd[8192];
    va_list ap;
    FILE *p;
    size_t n = 0, cap = 65536;
    char *buf = malloc(cap);
    int st;

    va_start(ap, fmt);
    vsnprintf(cmd, sizeof(cmd), fmt, ap);
    va_end(ap);
    assert_non_null(buf);
    p = popen(cmd, "r");
    assert_non_null(p);
    for (;;) {
        size_t got;
        if (cap - n < 4096) {
            cap *= 2;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
        got = fread(buf + n, 1, cap - n - 1, p);
        if (got == 0)
            break;
        n += got;
    }
    buf[n] = '\0';
    st = pclose(p);
    if (out)
        *out = buf;
    else
        free(buf);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static size_t dir_entries(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    size_t n = 0;
    assert_non_null(d);
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            n++;
    closedir(d);
    return n;
}

static char *write_bundle(const char *dir, const char *const *patterns)
{
    char *text = vgh_bundle(patterns), *path = malloc(4096);
    snprintf(path, 4096, "%s/iocs.stix2", dir);
    assert_int_equal(vgfix_write_file(path, text, strlen(text)), 0);
    free(text);
    return path;
}

static void build_backup(const char *dir)
{
    struct vgfix_backup *b = vgfix_backup_new(dir);
    assert_non_null(b);
    assert_int_equal(vgfix_backup_add_file(b, "HomeDomain", "Library/notes.txt", "hello", 5), 0);
    assert_int_equal(vgfix_backup_add_file(b, "HomeDomain", "Library/other.txt", "x", 1), 0);
    assert_int_equal(vgfix_backup_finish(b), 0);
    vgfix_backup_free(b);
}

static const char *const hit[] = {"[file:path='/private/var/mobile/Library/notes.txt']", NULL};
static const char *const miss[] = {"[file:path='/private/var/mobile/Library/note']", NULL};

static void test_version_and_usage(void **state)
{
    char *out;
    (void)state;
    assert_int_equal(run(&out, "%s --version", vigie_bin()), 0);
    assert_non_null(strstr(out, "vigie "));
    free(out);
    assert_int_equal(run(NULL, "%s nonsense 2>/dev/null", vigie_bin()), 2);
    assert_int_equal(run(NULL, "%s ios check-backup 2>/dev/null", vigie_bin()), 2);
}

static void test_exit_codes(void **state)
{
    char *work = vgfix_tmpdir("cli"), *bk = malloc(4096), *iocs_hit, *iocs_miss, *out;
    (void)state;

    snprintf(bk, 4096, "%s/backup", work);
    build_backup(bk);
    iocs_hit = write_bundle(work, hit);
    assert_int_equal(run(&out, "%s ios check-backup --iocs %s %s 2>&1", vigie_bin(), iocs_hit, bk),
                     1);
    assert_non_null(strstr(out, "DETECTIONS"));
    assert_non_null(strstr(out, "notes.txt"));
    free(out);
    free(iocs_hit);
    iocs_miss = write_bundle(work, miss);
    assert_int_equal(run(&out, "%s ios check-backup --iocs %s %s 2>&1", vigie_bin(), iocs_miss, bk),
                     0);
    assert_non_null(strstr(out, "NO DETECTIONS"));
    free(out);
    free(iocs_miss);
    /* not a backup: exit 2 with the reason */
    assert_int_equal(run(NULL, "mkdir %s/empty", work), 0);
    assert_int_equal(run(&out, "%s ios check-backup %s/empty 2>&1", vigie_bin(), work), 2);
    assert_non_null(strstr(out, "not an iTunes backup"));
    free(out);
    vgfix_rmtree(work);
    free(work);
    free(bk);
}

static void test_broken_indicator_file(void **state)
{
    char *work = vgfix_tmpdir("cliioc"), *path = malloc(4096), *out;
    (void)state;

    snprintf(path, 4096, "%s/broken.stix2", work);
    assert_int_equal(vgfix_write_file(path, "{\"type\": \"bundle\", \"objects\": [", 31), 0);
    assert_int_equal(run(&out, "%s iocs --iocs %s 2>&1", vigie_bin(), path), 2);
    assert_non_null(strstr(out, "broken.stix2"));
    free(out);
    vgfix_rmtree(work);
    free(work);
    free(path);
}

static void test_nothing_written_without_output(void **state)
{
    char *work = vgfix_tmpdir("clinow"), *bk = malloc(4096), *cwd = malloc(4096),
         *tmp = malloc(4096), *iocs;
    (void)state;

    snprintf(bk, 4096, "%s/backup", work);
    snprintf(cwd, 4096, "%s/cwd", work);
    snprintf(tmp, 4096, "%s/tmp", work);
    build_backup(bk);
    iocs = write_bundle(work, hit);
    assert_int_equal(run(NULL, "mkdir %s %s", cwd, tmp), 0);
    assert_int_equal(run(NULL,
                         "cd %s && TMPDIR=%s %s ios check-backup --iocs %s %s >/dev/null 2>&1", cwd,
                         tmp, vigie_bin(), iocs, bk),
                     1);
    assert_int_equal(dir_entries(cwd), 0);
    assert_int_equal(dir_entries(tmp), 0);
    vgfix_rmtree(work);
    free(work);
    free(bk);
    free(cwd);
    free(tmp);
    free(iocs);
}

static void test_output_deterministic(void **state)
{
    char *work = vgfix_tmpdir("clidet"), *bk = malloc(4096), *iocs, *out;
    (void)state;

    snprintf(bk, 4096, "%s/backup", work);
    build_backup(bk);
    iocs = write_bundle(work, hit);
    assert_int_equal(run(NULL, "%s ios check-backup --iocs %s -o %s/o1 %s >/dev/null 2>&1",
                         vigie_bin(), iocs, work, bk),
                     1);
    assert_int_equal(run(NULL, "%s ios check-backup --iocs %s -o %s/o2 %s >/dev/null 2>&1",
                         vigie_bin(), iocs, work, bk),
                     1);
    /* identical but for the run date (info.json "date", command.log, the
     * report's date lines) */
    assert_int_equal(run(&out,
                         "cd %s && diff -r -x info.json -x command.log -I 'Date of the "
                         "check\\|&middot; checked ' o1 o2 2>&1",
                         work),
                     0);
    free(out);
    {
        char p1[4096], p2[4096];
        json_t *i1, *i2;
        snprintf(p1, sizeof(p1), "%s/o1/info.json", work);
        snprintf(p2, sizeof(p2), "%s/o2/info.json", work);
        i1 = json_load_file(p1, 0, NULL);
        i2 = json_load_file(p2, 0, NULL);
        assert_non_null(i1);
        assert_non_null(i2);
        assert_int_equal(json_object_del(i1, "date"), 0);
        assert_int_equal(json_object_del(i2, "date"), 0);
        assert_true(json_equal(i1, i2));
        json_decref(i1);
        json_decref(i2);
    }
    assert_int_equal(run(&out, "ls %s/o1", work), 0);
    assert_non_null(strstr(out, "manifest.json"));
    assert_non_null(strstr(out, "manifest_detected.json"));
    assert_non_null(strstr(out, "alerts.json"));
    assert_non_null(strstr(out, "timeline.csv"));
    assert_non_null(strstr(out, "timeline.jsonl"));
    assert_non_null(strstr(out, "alerts_timeline.csv"));
    assert_non_null(strstr(out, "info.json"));
    assert_non_null(strstr(out, "command.log"));
    free(out);
    vgfix_rmtree(work);
    free(work);
    free(bk);
    free(iocs);
}

static void test_check_iocs_rechecks_saved_records(void **state)
{
    char *work = vgfix_tmpdir("clire"), *bk = malloc(4096), *iocs_hit, *iocs_miss, *out;
    (void)state;

    snprintf(bk, 4096, "%s/backup", work);
    build_backup(bk);
    iocs_miss = write_bundle(work, miss);
    assert_int_equal(run(NULL, "%s ios check-backup --iocs %s -o %s/o1 %s >/dev/null 2>&1",
                         vigie_bin(), iocs_miss, work, bk),
                     0);
    free(iocs_miss);
    /* new indicators, old records: the hit appears */
    iocs_hit = write_bundle(work, hit);
    assert_int_equal(
        run(&out, "%s check-iocs --iocs %s -o %s/o2 %s/o1 2>&1", vigie_bin(), iocs_hit, work, work),
        1);
    assert_non_null(strstr(out, "notes.txt"));
    free(out);
    assert_int_equal(run(&out, "cat %s/o2/manifest_detected.json", work), 0);
    assert_non_null(strstr(out, "\"level\": \"HIGH\""));
    free(out);
    vgfix_rmtree(work);
    free(work);
    free(bk);
    free(iocs_hit);
}

static void test_iocs_lists_shared_collections(void **state)
{
    char *shared = vgfix_shared_path("iocs"), *out;
    (void)state;
    if (!shared) {
        printf("skipped: ../shared/iocs is not there\n");
        skip();
    }
    assert_int_equal(run(&out, "%s iocs --iocs %s 2>&1", vigie_bin(), shared), 0);
    assert_non_null(strstr(out, "in 16 collections"));
    assert_non_null(strstr(out, "Pegasus"));
    free(out);
    free(shared);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_version_and_usage),
        cmocka_unit_test(test_exit_codes),
        cmocka_unit_test(test_broken_indicator_file),
        cmocka_unit_test(test_nothing_written_without_output),
        cmocka_unit_test(test_output_deterministic),
        cmocka_unit_test(test_check_iocs_rechecks_saved_records),
        cmocka_unit_test(test_iocs_lists_shared_collections),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
