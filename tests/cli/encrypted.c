/*
 * Encrypted backups from the command line: where the password comes from
 * (-p, the environment, a prompt without echo on a terminal), that it never
 * reaches what we write, extract-key and -k, decrypt-backup, exit codes,
 * and that SIGINT leaves nothing decrypted behind.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "twin.h"

/* The commands run without any password in their environment. */
#define CLEAN_ENV "env -u VIGIE_BACKUP_PASSWORD -u MVT_BACKUP_PASSWORD -u MVT_IOS_BACKUP_PASSWORD"

static const char *vigie(void)
{
    const char *b = getenv("VG_VIGIE");
    assert_non_null(b);
    return b;
}

static void key_hex(const unsigned char key[32], char hex[65])
{
    size_t i;
    for (i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", key[i]);
}

/* grep -r for the password anywhere under dir: 0 when absent. */
static int password_in(const char *dir)
{
    return vgt_run(NULL, "grep -rqF '%s' '%s'", VGT_PASSWORD, dir) == 0;
}

static void test_password_sources_and_redaction(void **state)
{
    struct vgt_twin t;
    char *out = NULL, *o;
    (void)state;

    vgt_build(&t, "cli-pw", VGT_ITER, 0, NULL, NULL);
    /* -p: it works, and neither the console nor the results hold it */
    o = vgt_str("%s/o1", t.work);
    assert_true(vgt_run(&out, CLEAN_ENV " %s ios check-backup -p '%s' -o '%s' '%s' 2>&1", vigie(),
                        VGT_PASSWORD, o, t.enc) < 2);
    assert_null(strstr(out, VGT_PASSWORD));
    assert_false(password_in(o));
    assert_int_equal(vgt_run(NULL, "grep -q -- '-p \\*\\*\\*' '%s/command.log'", o), 0);
    free(out);
    free(o);
    /* the long forms, abbreviated as getopt allows */
    o = vgt_str("%s/o2", t.work);
    assert_true(
        vgt_run(NULL, CLEAN_ENV " %s ios check-backup '--password=%s' -o '%s' '%s' >/dev/null 2>&1",
                vigie(), VGT_PASSWORD, o, t.enc) < 2);
    assert_false(password_in(o));
    free(o);
    o = vgt_str("%s/o3", t.work);
    assert_true(vgt_run(NULL,
                        CLEAN_ENV " %s ios check-backup --pass '%s' -o '%s' '%s' >/dev/null 2>&1",
                        vigie(), VGT_PASSWORD, o, t.enc) < 2);
    assert_false(password_in(o));
    assert_int_equal(vgt_run(NULL, "grep -q -- '--pass \\*\\*\\*' '%s/command.log'", o), 0);
    free(o);
    /* the environment, vigie's name and MVT's */
    assert_true(vgt_run(NULL,
                        CLEAN_ENV
                        " VIGIE_BACKUP_PASSWORD='%s' %s ios check-backup '%s' >/dev/null 2>&1",
                        VGT_PASSWORD, vigie(), t.enc) < 2);
    assert_true(vgt_run(NULL,
                        CLEAN_ENV
                        " MVT_BACKUP_PASSWORD='%s' %s ios check-backup '%s' >/dev/null 2>&1",
                        VGT_PASSWORD, vigie(), t.enc) < 2);
    assert_true(vgt_run(NULL,
                        CLEAN_ENV
                        " MVT_IOS_BACKUP_PASSWORD='%s' %s ios check-backup '%s' >/dev/null 2>&1",
                        VGT_PASSWORD, vigie(), t.enc) < 2);
    /* the wrong one: exit 2, said as such */
    assert_int_equal(
        vgt_run(&out, CLEAN_ENV " %s ios check-backup -p nope '%s' 2>&1", vigie(), t.enc), 2);
    assert_non_null(strstr(out, "wrong backup password"));
    assert_null(strstr(out, "corrupt"));
    free(out);
    /* none, and no terminal to ask on */
    assert_int_equal(
        vgt_run(&out, CLEAN_ENV " %s ios check-backup '%s' </dev/null 2>&1", vigie(), t.enc), 2);
    assert_non_null(strstr(out, "is an encrypted backup: give its password"));
    free(out);
    vgt_free(&t);
}

static void test_extract_key_and_key_file(void **state)
{
    struct vgt_twin t;
    char hex[65], *out = NULL, *key_path, *bad, *o1, *o2;
    struct stat st;
    (void)state;

    vgt_build(&t, "cli-key", VGT_ITER, 0, NULL, NULL);
    key_hex(t.key, hex);
    assert_int_equal(
        vgt_run(&out, CLEAN_ENV " %s ios extract-key -p '%s' '%s'", vigie(), VGT_PASSWORD, t.enc),
        0);
    assert_int_equal(strlen(out), 65);
    assert_int_equal(strncmp(out, hex, 64), 0);
    assert_int_equal(out[64], '\n');
    free(out);
    key_path = vgt_str("%s/backup.key", t.work);
    assert_int_equal(vgt_run(&out, CLEAN_ENV " %s ios extract-key -p '%s' -k '%s' '%s' 2>&1",
                             vigie(), VGT_PASSWORD, key_path, t.enc),
                     0);
    assert_null(strstr(out, hex));
    free(out);
    assert_int_equal(stat(key_path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    out = vgfix_read_file(key_path, NULL);
    assert_int_equal(strncmp(out, hex, 64), 0);
    free(out);
    /* -k gives what the password gives */
    o1 = vgt_str("%s/with-password", t.work);
    o2 = vgt_str("%s/with-key", t.work);
    assert_true(
        vgt_run(NULL,
                CLEAN_ENV
                " VIGIE_BACKUP_PASSWORD='%s' %s ios check-backup -o '%s' '%s' >/dev/null 2>&1",
                VGT_PASSWORD, vigie(), o1, t.enc) < 2);
    assert_true(vgt_run(NULL, CLEAN_ENV " %s ios check-backup -k '%s' -o '%s' '%s' >/dev/null 2>&1",
                        vigie(), key_path, o2, t.enc) < 2);
    assert_int_equal(
        vgt_run(NULL, "diff -r -x info.json -x command.log -x report.html '%s' '%s'", o1, o2), 0);
    assert_false(vgt_run(NULL, "grep -rqF '%s' '%s'", hex, o2) == 0);
    /* a file that is not a key, and a key that is not this backup's */
    bad = vgt_str("%s/bad.key", t.work);
    assert_int_equal(vgfix_write_file(bad, "hello", 5), 0);
    assert_int_equal(
        vgt_run(&out, CLEAN_ENV " %s ios check-backup -k '%s' '%s' 2>&1", vigie(), bad, t.enc), 2);
    assert_non_null(strstr(out, "is not a key file"));
    free(out);
    hex[0] = hex[0] == '0' ? '1' : '0';
    assert_int_equal(vgfix_write_file(bad, hex, 64), 0);
    assert_int_equal(
        vgt_run(&out, CLEAN_ENV " %s ios check-backup -k '%s' '%s' 2>&1", vigie(), bad, t.enc), 2);
    assert_non_null(strstr(out, "wrong backup password"));
    free(out);
    /* extract-key with the wrong password */
    assert_int_equal(
        vgt_run(NULL, CLEAN_ENV " %s ios extract-key -p nope '%s' >/dev/null 2>&1", vigie(), t.enc),
        2);
    free(bad);
    free(o1);
    free(o2);
    free(key_path);
    vgt_free(&t);
}

/* check-backup of dir from <work>/backup with -o <work>/o, the results then
 * moved to out: the same command line whichever backup is checked. */
static int check_from(const struct vgt_twin *t, const char *dir, const char *env, const char *out)
{
    return vgt_run(NULL,
                   "cd '%s' && mv '%s' backup && " CLEAN_ENV " %s %s ios check-backup -o o backup "
                   ">/dev/null 2>&1; s=$?; mv backup '%s' && mv o '%s' && test $s -lt 2",
                   t->work, dir, env, vigie(), dir, out);
}

/* check-backup of the twins from one path: the -o folders are equal but
 * for the run date; and so is the output of decrypt-backup. */
static void test_twins_from_the_command_line(void **state)
{
    struct vgt_twin t;
    char *o1, *o2, *dest, *o3, *out = NULL;
    (void)state;

    vgt_build(&t, "cli-twin", VGT_ITER, 0, NULL, NULL);
    o1 = vgt_str("%s/o-plain", t.work);
    o2 = vgt_str("%s/o-enc", t.work);
    o3 = vgt_str("%s/o-decrypted", t.work);
    dest = vgt_str("%s/decrypted", t.work);
    assert_int_equal(check_from(&t, t.plain, "", o1), 0);
    assert_int_equal(check_from(&t, t.enc, "VIGIE_BACKUP_PASSWORD='" VGT_PASSWORD "'", o2), 0);
    assert_int_equal(vgt_same_results(o1, o2), 0);
    assert_int_equal(vgt_run(&out, CLEAN_ENV " %s ios decrypt-backup -p '%s' -d '%s' '%s' 2>&1",
                             vigie(), VGT_PASSWORD, dest, t.enc),
                     0);
    assert_non_null(strstr(out, "files decrypted"));
    assert_null(strstr(out, VGT_PASSWORD));
    free(out);
    assert_int_equal(check_from(&t, dest, "", o3), 0);
    assert_int_equal(vgt_same_results(o1, o3), 0);
    free(o1);
    free(o2);
    free(o3);
    free(dest);
    vgt_free(&t);
}

/* ---- SIGINT ---- */

/* Runs cmd in the background from cwd with TMPDIR=tmp, sends SIGINT after
 * delay_ms, waits, and returns its exit status (130: ended by the signal). */
static int interrupt_after(const char *cwd, const char *tmp, const char *cmd, unsigned delay_ms)
{
    char *out = NULL;
    int st;

    assert_int_equal(vgt_run(&out,
                             "(cd '%s' && TMPDIR='%s' exec %s >/dev/null 2>&1) & p=$!; "
                             "sleep %u.%03u; kill -INT $p 2>/dev/null; wait $p; echo $?",
                             cwd, tmp, cmd, delay_ms / 1000, delay_ms % 1000),
                     0);
    st = (int)strtol(out, NULL, 10);
    free(out);
    return st;
}

static void test_sigint_leaves_nothing(void **state)
{
    static const unsigned delays[] = {5, 10, 20, 30, 45, 60, 80, 120, 200, 300};
    struct vgt_twin t;
    char *cwd, *tmp, *cmd, *key_path;
    size_t i, killed = 0;
    (void)state;

    /* with the key file a run is all decryption and modules; with the
     * password, some signals land during the key derivation */
    vgt_build(&t, "cli-sigint", 200000, 0, NULL, NULL);
    cwd = vgt_str("%s/cwd", t.work);
    tmp = vgt_str("%s/tmp", t.work);
    key_path = vgt_str("%s/key", t.work);
    assert_int_equal(mkdir(cwd, 0700), 0);
    assert_int_equal(mkdir(tmp, 0700), 0);
    assert_int_equal(vgt_run(NULL, "%s ios extract-key -p '%s' -k '%s' '%s' 2>/dev/null", vigie(),
                             VGT_PASSWORD, key_path, t.enc),
                     0);
    for (i = 0; i < sizeof(delays) / sizeof(delays[0]); i++) {
        char *o = vgt_str("%s/out-%zu", t.work, i);
        cmd = vgt_str(CLEAN_ENV " %s ios check-backup -k '%s' -o '%s' '%s'", vigie(), key_path, o,
                      t.enc);
        killed += interrupt_after(cwd, tmp, cmd, delays[i]) == 128 + SIGINT;
        free(cmd);
        cmd = vgt_str(CLEAN_ENV " VIGIE_BACKUP_PASSWORD='%s' %s ios check-backup '%s'",
                      VGT_PASSWORD, vigie(), t.enc);
        killed += interrupt_after(cwd, tmp, cmd, delays[i]) == 128 + SIGINT;
        free(cmd);
        /* the plain twin too: its -wal is applied to a temporary copy */
        cmd = vgt_str(CLEAN_ENV " %s ios check-backup '%s'", vigie(), t.plain);
        interrupt_after(cwd, tmp, cmd, delays[i]);
        free(cmd);
        assert_int_equal(vgt_run(NULL, "test -z \"$(find '%s' '%s' -mindepth 1)\"", cwd, tmp), 0);
        assert_int_equal(vgt_find_marker(tmp, t.marker, NULL), 0);
        assert_int_equal(vgt_find_marker("/dev/shm", t.marker, NULL), 0);
        vgfix_rmtree(o);
        free(o);
    }
    /* the test proves something only if signals landed during runs */
    printf("%zu of %zu encrypted runs ended by SIGINT\n", killed, 2 * i);
    assert_true(killed > 0);
    free(key_path);
    free(cwd);
    free(tmp);
    vgt_free(&t);
}

static void test_sigint_during_decrypt_backup(void **state)
{
    static const unsigned delays[] = {10, 60, 150};
    struct vgt_twin t;
    char *cwd, *tmp, *dest, *cmd;
    size_t i;
    (void)state;

    vgt_build(&t, "cli-sigdec", VGT_ITER, 0, NULL, NULL);
    cwd = vgt_str("%s/cwd", t.work);
    tmp = vgt_str("%s/tmp", t.work);
    assert_int_equal(mkdir(cwd, 0700), 0);
    assert_int_equal(mkdir(tmp, 0700), 0);
    for (i = 0; i < sizeof(delays) / sizeof(delays[0]); i++) {
        dest = vgt_str("%s/dest-%zu", t.work, i);
        cmd = vgt_str(CLEAN_ENV " VIGIE_BACKUP_PASSWORD='%s' %s ios decrypt-backup -w 1 -d '%s' "
                                "'%s'",
                      VGT_PASSWORD, vigie(), dest, t.enc);
        (void)interrupt_after(cwd, tmp, cmd, delays[i]);
        /* never a partial file under a final name, nor a partial file at all */
        assert_int_equal(
            vgt_run(NULL, "test -z \"$(find '%s' -name '*.vigie-part' 2>/dev/null)\"", dest), 0);
        /* the same command finishes the job, or says it is done */
        assert_true(vgt_run(NULL, "%s >/dev/null 2>&1 || test -e '%s/Manifest.plist'", cmd, dest) ==
                    0);
        assert_int_equal(vgt_run(NULL,
                                 "cd '%s' && for f in $(find . -mindepth 2 -type f); do "
                                 "cmp -s \"$f\" '%s/'\"$f\" || exit 1; done",
                                 t.plain, dest),
                         0);
        assert_int_equal(vgt_run(NULL, "test -z \"$(find '%s' '%s' -mindepth 1)\"", cwd, tmp), 0);
        free(cmd);
        free(dest);
    }
    free(cwd);
    free(tmp);
    vgt_free(&t);
}

/* ---- the prompt ---- */

static void test_prompt_without_echo(void **state)
{
    struct vgt_twin t;
    char buf[65536];
    size_t n = 0;
    int master = -1, status = 0, sent = 0;
    pid_t pid;
    (void)state;

    vgt_build(&t, "cli-prompt", VGT_ITER, 0, NULL, NULL);
    pid = forkpty(&master, NULL, NULL, NULL);
    assert_true(pid >= 0);
    if (pid == 0) {
        unsetenv("VIGIE_BACKUP_PASSWORD");
        unsetenv("MVT_BACKUP_PASSWORD");
        unsetenv("MVT_IOS_BACKUP_PASSWORD");
        execl(vigie(), "vigie", "--no-color", "ios", "check-backup", t.enc, (char *)NULL);
        _exit(127);
    }
    for (;;) {
        struct pollfd p = {master, POLLIN, 0};
        ssize_t r;
        if (poll(&p, 1, 20000) <= 0)
            break;
        r = read(master, buf + n, sizeof(buf) - n - 1);
        if (r <= 0)
            break; /* EIO once the child is gone */
        n += (size_t)r;
        buf[n] = '\0';
        if (!sent && strstr(buf, "Backup password: ")) {
            assert_int_equal(write(master, VGT_PASSWORD "\n", strlen(VGT_PASSWORD) + 1),
                             (ssize_t)strlen(VGT_PASSWORD) + 1);
            sent = 1;
        }
    }
    buf[n] = '\0';
    assert_int_equal(waitpid(pid, &status, 0), pid);
    close(master);
    assert_true(sent);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) < 2);
    assert_non_null(strstr(buf, "DETECTIONS"));
    assert_null(strstr(buf, VGT_PASSWORD)); /* not echoed */
    vgt_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_password_sources_and_redaction),
        cmocka_unit_test(test_extract_key_and_key_file),
        cmocka_unit_test(test_twins_from_the_command_line),
        cmocka_unit_test(test_sigint_leaves_nothing),
        cmocka_unit_test(test_sigint_during_decrypt_backup),
        cmocka_unit_test(test_prompt_without_echo),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
