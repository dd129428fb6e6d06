/*
 * `vigie android check-backup`, `check-intrusion-logs` and `check-fs` as an
 * analyst runs them: exit codes (1 on the planted hits, 0 on the near misses, 2
 * for a wrong password, a refused prompt, an unknown zone, an incomplete
 * check), MVT's option names (-p/--backup-password, -n, -t/--timezone,
 * MVT_ANDROID_BACKUP_PASSWORD), the password kept out of what is written.
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

#include "ab.h"
#include "fixture.h"
#include "fsdump.h"

static const char *vigie_bin(void)
{
    const char *b = getenv("VG_VIGIE");
    assert_non_null(b);
    return b;
}

VG_PRINTF(2, 3)
static int run(char **out, const char *fmt, ...)
{
    char cmd[8192], *buf;
    size_t n = 0, cap = 1 << 16;
    va_list ap;
    FILE *p;
    int st;

    va_start(ap, fmt);
    vsnprintf(cmd, sizeof(cmd), fmt, ap);
    va_end(ap);
    buf = malloc(cap);
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

static char *write_text(const char *dir, const char *name, const char *text)
{
    char *p = malloc(4096);
    snprintf(p, 4096, "%s/%s", dir, name);
    assert_int_equal(vgfix_write_file(p, text, strlen(text)), 0);
    return p;
}

static const char hit_bundle[] =
    "{\"type\":\"bundle\",\"id\":\"bundle--1\",\"objects\":["
    "{\"type\":\"malware\",\"id\":\"malware--1\",\"name\":\"Test\"},"
    "{\"type\":\"indicator\",\"id\":\"indicator--1\",\"pattern\":\"[domain-name:value = "
    "'badbadbad.example.org'] OR [ipv4-addr:value = '198.51.100.1']\",\"pattern_type\":\"stix\"},"
    "{\"type\":\"relationship\",\"id\":\"relationship--1\",\"relationship_type\":\"indicates\","
    "\"source_ref\":\"indicator--1\",\"target_ref\":\"malware--1\"}]}";
static const char miss_bundle[] =
    "{\"type\":\"bundle\",\"id\":\"bundle--1\",\"objects\":["
    "{\"type\":\"indicator\",\"id\":\"indicator--1\",\"pattern\":\"[domain-name:value = "
    "'nothing.example.net']\",\"pattern_type\":\"stix\"}]}";

static char *write_ab(const char *dir, const char *password)
{
    struct vgfix_ab_opts o = {0};
    unsigned char *data = NULL;
    size_t len = 0;
    char *p = malloc(4096);

    o.compressed = 1;
    o.password = password;
    o.rounds = 50;
    assert_int_equal(vgfix_ab_mem(&o, NULL, NULL, &data, &len), 0);
    snprintf(p, 4096, "%s/%s.ab", dir, password ? "enc" : "plain");
    assert_int_equal(vgfix_write_file(p, data, len), 0);
    free(data);
    return p;
}

static void test_check_backup(void **state)
{
    char *dir = vgfix_tmpdir("cli-ab"), *hit = write_text(dir, "hit.stix2", hit_bundle),
         *miss = write_text(dir, "miss.stix2", miss_bundle), *plain = write_ab(dir, NULL),
         *enc = write_ab(dir, "Pa55 word"), *out = NULL, log[4200];
    (void)state;

    /* the planted link: detections; the near miss alone: none */
    assert_int_equal(run(NULL, "%s -q android check-backup -i %s %s 2>&1", vigie_bin(), hit, plain),
                     1);
    assert_int_equal(
        run(NULL, "%s -q android check-backup -i %s %s 2>&1", vigie_bin(), miss, plain), 0);
    /* encrypted: MVT's option, its variable, a wrong password, -n */
    assert_int_equal(run(NULL, "%s -q android check-backup -i %s --backup-password 'Pa55 word' %s",
                         vigie_bin(), hit, enc),
                     1);
    assert_int_equal(run(NULL,
                         "MVT_ANDROID_BACKUP_PASSWORD='Pa55 word' %s -q android "
                         "check-backup -i %s %s",
                         vigie_bin(), hit, enc),
                     1);
    assert_int_equal(run(&out, "%s android check-backup -i %s -p nope %s 2>&1 </dev/null",
                         vigie_bin(), hit, enc),
                     2);
    assert_non_null(strstr(out, "enc.ab: wrong backup password"));
    free(out);
    assert_int_equal(
        run(&out, "%s android check-backup -i %s -n %s 2>&1 </dev/null", vigie_bin(), hit, enc), 2);
    assert_non_null(strstr(out, "-n forbids asking for it"));
    free(out);
    /* a plain backup never asks, even with -n */
    assert_int_equal(
        run(NULL, "%s -q android check-backup -n -i %s %s </dev/null", vigie_bin(), miss, plain),
        0);
    /* -k is for iOS */
    assert_int_equal(run(NULL, "%s android check-backup -k x %s 2>/dev/null", vigie_bin(), plain),
                     2);
    /* the password stays out of command.log */
    snprintf(log, sizeof(log), "%s/out", dir);
    assert_int_equal(run(NULL, "%s -q android check-backup -i %s -o %s -p 'Pa55 word' %s",
                         vigie_bin(), hit, log, enc),
                     1);
    snprintf(log, sizeof(log), "%s/out/command.log", dir);
    {
        size_t n;
        char *text = vgfix_read_file(log, &n);
        assert_non_null(text);
        assert_null(strstr(text, "Pa55"));
        free(text);
    }
    free(hit);
    free(miss);
    free(plain);
    free(enc);
    free(dir);
}

static void test_check_intrusion_logs(void **state)
{
    char *dir = vgfix_tmpdir("cli-il"), *hit = write_text(dir, "hit.stix2", hit_bundle),
         *miss = write_text(dir, "miss.stix2", miss_bundle), logs[4200], *out = NULL;
    (void)state;

    snprintf(logs, sizeof(logs), "%s/logs", dir);
    assert_int_equal(vgfix_mkdirs(logs), 0);
    snprintf(logs, sizeof(logs), "%s/logs/day.txt", dir);
    assert_int_equal(vgfix_intrusion_write(logs), 0);
    snprintf(logs, sizeof(logs), "%s/logs", dir);
    assert_int_equal(run(NULL, "%s -q android check-intrusion-logs -i %s %s 2>/dev/null",
                         vigie_bin(), hit, logs),
                     1);
    assert_int_equal(run(NULL, "%s -q android check-intrusion-logs -i %s %s 2>/dev/null",
                         vigie_bin(), miss, logs),
                     0);
    assert_int_equal(run(&out, "%s android check-intrusion-logs -i %s --timezone Nowhere/X %s 2>&1",
                         vigie_bin(), miss, logs),
                     2);
    assert_non_null(strstr(out, "Nowhere/X: not a time zone"));
    free(out);
    /* a line that cannot be read, and no detection: INCOMPLETE */
    free(write_text(logs, "broken.txt", "{\"dns_event\": \n"));
    assert_int_equal(run(NULL, "%s -q android check-intrusion-logs -i %s %s 2>/dev/null",
                         vigie_bin(), miss, logs),
                     2);
    assert_int_equal(run(&out, "%s android check-intrusion-logs --list-modules x", vigie_bin()), 0);
    assert_non_null(strstr(out, "DnsEvent"));
    assert_non_null(strstr(out, "ConnectEvent"));
    assert_non_null(strstr(out, "SecurityEvent"));
    free(out);
    assert_int_equal(
        run(NULL, "%s android check-intrusion-logs -p x %s 2>/dev/null", vigie_bin(), logs), 2);
    free(hit);
    free(miss);
    free(dir);
}

/* A dump (tar.gz, one folder down) whose mmssms.db holds a planted link
 * in a live message and in a deleted one. */
static char *write_fs_dump(const char *dir)
{
    static const char sql[] =
        "CREATE TABLE sms (_id INTEGER PRIMARY KEY, address TEXT, date INTEGER, date_sent "
        "INTEGER, type INTEGER, body TEXT);"
        "INSERT INTO sms VALUES (1, '+15550001111', 1700000000000, 1699999999000, 1, 'look at "
        "https://badbadbad.example.org/a right now');"
        "INSERT INTO sms VALUES (2, '+15550002222', 1700000100000, 1700000099000, 1, 'a deleted "
        "one: https://badbadbad.example.org/deleted-link');"
        "PRAGMA secure_delete=OFF; DELETE FROM sms WHERE _id = 2;";
    struct vgfix_fs *fs = vgfix_fs_new();
    char db[4200], *p = malloc(4096);

    assert_non_null(fs);
    snprintf(db, sizeof(db), "%s/mmssms.db", dir);
    assert_int_equal(vgfix_sqlite_exec(db, sql), 0);
    assert_int_equal(
        vgfix_fs_file_from(fs, "data/data/com.android.providers.telephony/databases/mmssms.db", db,
                           0),
        0);
    snprintf(p, 4096, "%s/dump.tar.gz", dir);
    assert_int_equal(vgfix_fs_write_archive(fs, p, VGFIX_AR_TAR_GZ, "dump/"), 0);
    vgfix_fs_free(fs);
    return p;
}

static void test_check_fs(void **state)
{
    char *dir = vgfix_tmpdir("cli-afs"), *hit = write_text(dir, "hit.stix2", hit_bundle),
         *miss = write_text(dir, "miss.stix2", miss_bundle), *dump = write_fs_dump(dir),
         *out = NULL, path[4200];
    size_t len;
    (void)state;

    assert_int_equal(run(NULL, "%s -q android check-fs -i %s -o %s/out %s 2>/dev/null", vigie_bin(),
                         hit, dir, dump),
                     1);
    snprintf(path, sizeof(path), "%s/out/sms_recovered.json", dir);
    out = vgfix_read_file(path, &len);
    assert_non_null(out);
    assert_non_null(strstr(out, "https://badbadbad.example.org/deleted-link"));
    free(out);
    snprintf(path, sizeof(path), "%s/out/sms_detected.json", dir);
    out = vgfix_read_file(path, &len);
    assert_non_null(out);
    assert_non_null(strstr(out, "in a deleted record recovered from"));
    free(out);
    assert_int_equal(
        run(NULL, "%s -q android check-fs -i %s %s 2>/dev/null", vigie_bin(), miss, dump), 0);
    /* --no-recover: no recovered file */
    assert_int_equal(run(NULL,
                         "%s -q android check-fs --no-recover -i %s -o %s/out2 %s 2>/dev/null",
                         vigie_bin(), hit, dir, dump),
                     1);
    snprintf(path, sizeof(path), "%s/out2/sms_recovered.json", dir);
    assert_null(vgfix_read_file(path, &len));
    assert_int_equal(run(&out, "%s android check-fs --list-modules", vigie_bin()), 0);
    assert_non_null(strstr(out, "SMS"));
    assert_non_null(strstr(out, "ChromeHistory"));
    assert_null(strstr(out, "AQFPackages"));
    free(out);
    assert_int_equal(run(NULL, "%s android check-fs -p x %s 2>/dev/null", vigie_bin(), dump), 2);
    assert_int_equal(run(NULL, "%s android check-fs %s/nothere 2>/dev/null", vigie_bin(), dir), 2);
    vgfix_rmtree(dir);
    free(hit);
    free(miss);
    free(dump);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check_backup),
        cmocka_unit_test(test_check_intrusion_logs),
        cmocka_unit_test(test_check_fs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
