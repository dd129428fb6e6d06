/*
 * The timeline past its memory cap: run files in the output folder, merged
 * back at write time. The files written must be byte for byte those of a
 * timeline that never spilled, and no run file may outlive the timeline.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixture.h"
#include "output/output.h"

enum { EVENTS = 6000, CAP = 16 * 1024 };

static const char *const modules[][2] = {{"sms", "SMS"}, {"tcc", "TCC"}, {"manifest", "Manifest"}};

/* Few timestamps (many ties), identical events repeated, events without a
 * timestamp or with one JSONL cannot use, text that needs quoting. */
static void fill(struct vg_timeline *tl)
{
    unsigned seed = 4242;
    char ts[40], desc[64];
    size_t i, k, m;

    for (i = 0; i < EVENTS; i++) {
        seed = seed * 1103515245u + 12345u;
        k = (seed >> 16) % 23;
        m = (seed >> 8) % 3;
        if (k == 0)
            ts[0] = '\0';
        else if (k == 1)
            assert_int_equal(vg_snprintf(ts, sizeof(ts), "not a time"), VG_OK);
        else
            assert_int_equal(vg_snprintf(ts, sizeof(ts), "2020-01-01 00:00:%02zu.000000", k),
                             VG_OK);
        if ((seed >> 4) % 5 == 0)
            assert_int_equal(vg_snprintf(desc, sizeof(desc), "repeated \"same\",\r\nline"), VG_OK);
        else
            assert_int_equal(vg_snprintf(desc, sizeof(desc), "event %zu caf\xC3\xA9", i), VG_OK);
        assert_int_equal(
            vg_timeline_add(tl, ts, modules[m][0], modules[m][1], k % 2 ? "odd" : "even", desc),
            VG_OK);
    }
}

static size_t run_files(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    size_t n = 0;

    assert_non_null(d);
    while ((de = readdir(d)) != NULL)
        n += strncmp(de->d_name, ".vigie-timeline-", 16) == 0;
    closedir(d);
    return n;
}

/* The path of one run file (the n-th found), to damage it. */
static char *run_file(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char *path = NULL;

    assert_non_null(d);
    while (!path && (de = readdir(d)) != NULL) {
        if (strncmp(de->d_name, ".vigie-timeline-", 16) == 0)
            path = vg_asprintf("%s/%s", dir, de->d_name);
    }
    closedir(d);
    assert_non_null(path);
    return path;
}

static void assert_same_file(const char *a_dir, const char *b_dir, const char *name)
{
    char *a_path = vg_asprintf("%s/%s", a_dir, name), *b_path = vg_asprintf("%s/%s", b_dir, name);
    size_t a_len = 0, b_len = 0;
    char *a = vgfix_read_file(a_path, &a_len), *b = vgfix_read_file(b_path, &b_len);

    assert_non_null(a);
    assert_non_null(b);
    assert_true(a_len > 1000);
    assert_int_equal(a_len, b_len);
    assert_memory_equal(a, b, a_len);
    free(a);
    free(b);
    free(a_path);
    free(b_path);
}

/* A timeline spilling into dir's output folder, filled. */
static struct vg_timeline *spilled(struct vg_out *o)
{
    struct vg_timeline *tl = NULL;

    assert_int_equal(vg_timeline_new(&tl), VG_OK);
    vg_timeline_set_spill(tl, o);
    vg_timeline_set_spill_cap(tl, CAP);
    fill(tl);
    assert_true(vg_timeline_runs(tl) > 10);
    assert_int_equal(vg_timeline_count(tl), EVENTS);
    return tl;
}

static void write_plain(const char *dir, int sort)
{
    struct vg_timeline *tl = NULL;
    struct vg_out *o = NULL;

    assert_int_equal(vg_out_new(dir, NULL, &o), VG_OK);
    assert_int_equal(vg_timeline_new(&tl), VG_OK);
    fill(tl);
    if (sort)
        vg_timeline_sort(tl);
    assert_int_equal(vg_out_timeline(o, tl), VG_OK);
    assert_int_equal(vg_out_alerts_timeline(o, tl), VG_OK);
    vg_timeline_free(tl);
    vg_out_free(o);
}

static void check_identical(int sort)
{
    char *plain = vgfix_tmpdir("spill-plain"), *dir = vgfix_tmpdir("spill-runs");
    char *run;
    struct vg_timeline *tl;
    struct vg_out *o = NULL;
    struct stat st;

    assert_non_null(plain);
    assert_non_null(dir);
    write_plain(plain, sort);
    assert_int_equal(vg_out_new(dir, NULL, &o), VG_OK);
    tl = spilled(o);
    if (sort)
        vg_timeline_sort(tl);
    assert_int_equal(run_files(dir), vg_timeline_runs(tl));
    run = run_file(dir);
    assert_int_equal(stat(run, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    free(run);
    assert_int_equal(vg_out_timeline(o, tl), VG_OK);
    assert_int_equal(vg_out_alerts_timeline(o, tl), VG_OK);
    vg_timeline_free(tl);
    assert_int_equal(run_files(dir), 0);
    assert_same_file(plain, dir, "timeline.csv");
    assert_same_file(plain, dir, "timeline.jsonl");
    assert_same_file(plain, dir, "alerts_timeline.csv");
    vg_out_free(o);
    assert_int_equal(vgfix_rmtree(plain), 0);
    assert_int_equal(vgfix_rmtree(dir), 0);
    free(plain);
    free(dir);
}

static void test_identical_unsorted(void **state)
{
    (void)state;
    check_identical(0);
}

static void test_identical_sorted(void **state)
{
    (void)state;
    check_identical(1);
}

static void test_write_fails(void **state)
{
    char *dir = vgfix_tmpdir("spill-fail"), *blocker;
    struct vg_timeline *tl;
    struct vg_out *o = NULL;
    (void)state;

    assert_non_null(dir);
    assert_int_equal(vg_out_new(dir, NULL, &o), VG_OK);
    blocker = vg_asprintf("%s/timeline.csv", dir);
    assert_int_equal(mkdir(blocker, 0700), 0); /* the rename onto it fails */
    tl = spilled(o);
    assert_int_not_equal(vg_out_timeline(o, tl), VG_OK);
    assert_true(run_files(dir) > 0); /* until the timeline goes */
    vg_timeline_free(tl);
    assert_int_equal(run_files(dir), 0);
    vg_out_free(o);
    assert_int_equal(vgfix_rmtree(dir), 0);
    free(blocker);
    free(dir);
}

/* Damage one run file with fn, then write: error err, reported, no crash,
 * and still nothing left behind. */
static void check_damaged(void (*fn)(const char *path), int err)
{
    char *dir = vgfix_tmpdir("spill-bad"), *run;
    struct vg_diag *diag = NULL;
    struct vg_timeline *tl;
    struct vg_out *o = NULL;

    assert_non_null(dir);
    assert_int_equal(vg_diag_new(NULL, NULL, &diag), VG_OK);
    assert_int_equal(vg_out_new(dir, diag, &o), VG_OK);
    tl = spilled(o);
    run = run_file(dir);
    fn(run);
    assert_int_equal(vg_out_timeline(o, tl), err);
    assert_true(vg_diag_count(diag, VG_DIAG_ERROR) > 0);
    vg_timeline_free(tl);
    assert_int_equal(run_files(dir), 0);
    vg_out_free(o);
    vg_diag_free(diag);
    assert_int_equal(vgfix_rmtree(dir), 0);
    free(run);
    free(dir);
}

static void cut_last_byte(const char *path)
{
    struct stat st;

    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(truncate(path, st.st_size - 1), 0);
}

static void overwrite(const char *path, long at, const char *bytes, size_t n)
{
    FILE *f = fopen(path, "r+b");

    assert_non_null(f);
    assert_int_equal(fseek(f, at, SEEK_SET), 0);
    assert_int_equal(fwrite(bytes, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}

static void huge_length(const char *path)
{
    overwrite(path, 0, "\xff\xff\xff\xff", 4);
}

static void bad_name(const char *path)
{
    overwrite(path, 4, "\x00\x01\x00\x00", 4);
}

/* the event's ev_off: after the length, name index and 64-bit order key */
static void bad_offset(const char *path)
{
    overwrite(path, 16, "\x00\x00\x00\x00", 4);
}

static void test_truncated_run(void **state)
{
    (void)state;
    check_damaged(cut_last_byte, VG_E_TRUNCATED);
    check_damaged(huge_length, VG_E_TRUNCATED);
    check_damaged(bad_name, VG_E_CORRUPT);
    check_damaged(bad_offset, VG_E_CORRUPT);
}

/* The folder goes away under the scan: the spill fails once, loudly, later
 * events are dropped and the writer refuses. */
static void test_spill_fails(void **state)
{
    char *dir = vgfix_tmpdir("spill-gone");
    struct vg_diag *diag = NULL;
    struct vg_timeline *tl = NULL;
    struct vg_out *o = NULL;
    size_t i;
    int rc, fails = 0;
    (void)state;

    assert_non_null(dir);
    assert_int_equal(vg_diag_new(NULL, NULL, &diag), VG_OK);
    assert_int_equal(vg_out_new(dir, diag, &o), VG_OK);
    assert_int_equal(vgfix_rmtree(dir), 0);
    assert_int_equal(vg_timeline_new(&tl), VG_OK);
    vg_timeline_set_spill(tl, o);
    vg_timeline_set_spill_cap(tl, 1024);
    for (i = 0; i < 100; i++) {
        rc = vg_timeline_add(tl, "2020-01-01 00:00:00.000000", "m", "M", "e", "d");
        fails += rc != VG_OK;
        assert_true(rc == VG_OK || rc == VG_E_IO);
    }
    assert_int_equal(fails, 1);
    assert_int_equal(vg_diag_count(diag, VG_DIAG_ERROR), 1);
    assert_int_equal(vg_out_timeline(o, tl), VG_E_IO);
    vg_timeline_free(tl);
    vg_out_free(o);
    vg_diag_free(diag);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_identical_unsorted), cmocka_unit_test(test_identical_sorted),
        cmocka_unit_test(test_write_fails),        cmocka_unit_test(test_truncated_run),
        cmocka_unit_test(test_spill_fails),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
