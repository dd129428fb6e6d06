/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/vg.h"
#include "util/tmp.h"

static int exists(const char *p)
{
    struct stat st;
    return lstat(p, &st) == 0;
}

static void put(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
}

static void test_dir_is_private_and_stable(void **state)
{
    const char *a = NULL, *b = NULL;
    struct stat st, shm;
    char *copy;
    (void)state;

    assert_int_equal(vg_tmp_dir(&a), VG_OK);
    assert_int_equal(vg_tmp_dir(&b), VG_OK);
    assert_string_equal(a, b);
    assert_int_equal(stat(a, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    assert_int_equal(st.st_mode & 0777, 0700);
    if (stat("/dev/shm", &shm) == 0 && S_ISDIR(shm.st_mode) && access("/dev/shm", W_OK | X_OK) == 0)
        assert_true(vg_str_has_prefix(a, "/dev/shm/vigie-"));
    else
        printf("# /dev/shm not writable here: folder is %s\n", a);
    copy = vg_strdup(a);
    vg_tmp_cleanup();
    assert_false(exists(copy));
    vg_tmp_cleanup(); /* twice is fine */
    assert_int_equal(vg_tmp_dir(&a), VG_OK);
    assert_true(exists(a));
    vg_tmp_cleanup();
    free(copy);
}

static void test_paths_are_unique_and_checked(void **state)
{
    char *p1 = NULL, *p2 = NULL, *bad = NULL;
    const char *dir = NULL;
    (void)state;

    assert_int_equal(vg_tmp_path("db", &p1), VG_OK);
    assert_int_equal(vg_tmp_path("db", &p2), VG_OK);
    assert_string_not_equal(p1, p2);
    assert_int_equal(vg_tmp_dir(&dir), VG_OK);
    assert_true(vg_str_has_prefix(p1, dir));
    assert_true(vg_str_has_suffix(p1, "-db"));
    assert_int_equal(vg_tmp_path("a/b", &bad), VG_E_INVAL);
    assert_int_equal(vg_tmp_path("..", &bad), VG_E_INVAL);
    assert_int_equal(vg_tmp_path("", &bad), VG_E_INVAL);
    assert_null(bad);
    assert_int_equal(vg_tmp_track("/etc/passwd"), VG_E_INVAL);
    assert_int_equal(vg_tmp_track(dir), VG_E_INVAL); /* the folder itself is not inside */
    free(p1);
    free(p2);
    vg_tmp_cleanup();
}

/* Cleanup zeroes a file before unlinking it: a descriptor kept open on it
 * reads zeros afterwards. */
static void test_cleanup_overwrites_and_removes_tree(void **state)
{
    char *dir = NULL, *file = NULL, *inner = NULL, buf[16];
    const char *root = NULL;
    char *root_copy;
    int fd;
    (void)state;

    assert_int_equal(vg_tmp_path("secret", &file), VG_OK);
    put(file, "decrypted bytes");
    fd = open(file, O_RDONLY);
    assert_true(fd >= 0);
    assert_int_equal(vg_tmp_path("sub", &dir), VG_OK);
    assert_int_equal(mkdir(dir, 0700), 0);
    inner = vg_asprintf("%s/inner", dir);
    put(inner, "x");
    assert_int_equal(vg_tmp_dir(&root), VG_OK);
    root_copy = vg_strdup(root);

    vg_tmp_cleanup();
    assert_false(exists(file));
    assert_false(exists(inner));
    assert_false(exists(root_copy));
    assert_int_equal(pread(fd, buf, 15, 0), 15);
    assert_memory_equal(buf, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 15);
    close(fd);
    free(file);
    free(dir);
    free(inner);
    free(root_copy);
}

static void test_remove_one_path(void **state)
{
    char *dir = NULL, *inner, *outside;
    const char *root = NULL;
    (void)state;

    assert_int_equal(vg_tmp_path("copy", &dir), VG_OK);
    assert_int_equal(mkdir(dir, 0700), 0);
    inner = vg_asprintf("%s/db", dir);
    put(inner, "x");
    vg_tmp_remove(dir);
    assert_false(exists(dir));
    assert_int_equal(vg_tmp_dir(&root), VG_OK);
    assert_true(exists(root));

    /* a path outside the folder is never touched */
    outside = vg_asprintf("%s.outside", root);
    put(outside, "evidence");
    vg_tmp_remove(outside);
    assert_true(exists(outside));
    unlink(outside);
    vg_tmp_cleanup();
    free(dir);
    free(inner);
    free(outside);
}

static void on_signal(int sig)
{
    (void)sig;
    vg_tmp_cleanup_signal_safe();
}

static void test_signal_safe_cleanup(void **state)
{
    char *dir = NULL, *file = NULL, *inner, *root_copy;
    const char *root = NULL;
    struct sigaction sa, old;
    (void)state;

    assert_int_equal(vg_tmp_path("sub", &dir), VG_OK);
    assert_int_equal(mkdir(dir, 0700), 0);
    inner = vg_asprintf("%s/db-wal", dir);
    assert_int_equal(vg_tmp_track(inner), VG_OK);
    put(inner, "wal");
    assert_int_equal(vg_tmp_path("plain", &file), VG_OK);
    put(file, "y");
    assert_int_equal(vg_tmp_dir(&root), VG_OK);
    root_copy = vg_strdup(root);

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    assert_int_equal(sigaction(SIGUSR1, &sa, &old), 0);
    assert_int_equal(raise(SIGUSR1), 0);
    assert_int_equal(sigaction(SIGUSR1, &old, NULL), 0);

    assert_false(exists(inner));
    assert_false(exists(dir));
    assert_false(exists(file));
    assert_false(exists(root_copy));
    vg_tmp_cleanup(); /* frees the bookkeeping; the folder is already gone */
    free(dir);
    free(file);
    free(inner);
    free(root_copy);
}

/* More paths than the first list holds: the list is replaced while old
 * copies stay valid, and everything is still removed. */
static void test_many_paths(void **state)
{
    char *paths[100];
    size_t i;
    (void)state;

    for (i = 0; i < VG_ARRAY_LEN(paths); i++) {
        assert_int_equal(vg_tmp_path("f", &paths[i]), VG_OK);
        put(paths[i], "z");
    }
    vg_tmp_cleanup_signal_safe();
    for (i = 0; i < VG_ARRAY_LEN(paths); i++) {
        assert_false(exists(paths[i]));
        free(paths[i]);
    }
    vg_tmp_cleanup();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dir_is_private_and_stable),
        cmocka_unit_test(test_paths_are_unique_and_checked),
        cmocka_unit_test(test_cleanup_overwrites_and_removes_tree),
        cmocka_unit_test(test_remove_one_path),
        cmocka_unit_test(test_signal_safe_cleanup),
        cmocka_unit_test(test_many_paths),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
