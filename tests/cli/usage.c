/*
 * The command line's grammar (src/cli/usage.c) as an analyst meets it:
 * every help form gives the same text, every command the help lists has
 * its own help, an unknown command or option is one error line naming it
 * with a hint and exit 2, MVT's option names work where MVT takes them and
 * the global options work after the command too, and passwords given under
 * any of their names stay out of command.log.
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

#include "fixture.h"
#include "harness.h"

static char *work; /* this run's folder */

static const char *vigie_bin(void)
{
    const char *b = getenv("VG_VIGIE");
    assert_non_null(b);
    return b;
}

static char *slurp(FILE *f)
{
    size_t n = 0, cap = 65536;
    char *buf = malloc(cap);

    assert_non_null(buf);
    for (;;) {
        size_t got;
        if (cap - n < 4096) {
            cap *= 2;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
        got = fread(buf + n, 1, cap - n - 1, f);
        if (got == 0)
            break;
        n += got;
    }
    buf[n] = '\0';
    return buf;
}

/* Runs `vigie ARGS` (ARGS a shell fragment); stdout in *out, stderr in
 * *err (either may be NULL). Returns the exit status. */
VG_PRINTF(3, 4)
static int vg(char **out, char **err, const char *fmt, ...)
{
    char args[4096], cmd[16384], errpath[4096];
    va_list ap;
    FILE *p;
    char *o;
    int st;

    va_start(ap, fmt);
    vsnprintf(args, sizeof(args), fmt, ap);
    va_end(ap);
    snprintf(errpath, sizeof(errpath), "%s/stderr", work);
    snprintf(cmd, sizeof(cmd), "%s %s 2>%s", vigie_bin(), args, errpath);
    p = popen(cmd, "r");
    assert_non_null(p);
    o = slurp(p);
    st = pclose(p);
    if (out)
        *out = o;
    else
        free(o);
    if (err) {
        *err = vgfix_read_file(errpath, NULL);
        assert_non_null(*err);
    }
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* A file of this run's folder, read whole. */
static char *read_in(const char *rel)
{
    char path[4096];
    char *s;

    snprintf(path, sizeof(path), "%s/%s", work, rel);
    s = vgfix_read_file(path, NULL);
    if (!s)
        fail_msg("cannot read %s", path);
    return s;
}

static size_t count_lines(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

/* The command names `vigie --help` lists ("ios check-backup", "report"),
 * one per line in *names (free it); how many. */
static size_t help_commands(char **names)
{
    char *help, *line, *next, *list = calloc(1, 8192);
    size_t n = 0;

    assert_non_null(list);
    assert_int_equal(vg(&help, NULL, "--help"), 0);
    for (line = help; line && *line; line = next) {
        size_t len;
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        /* "  ios check-backup   Checks ..." or "  report   Writes ...": two
         * spaces, one or two lowercase words, then the summary column */
        if (strncmp(line, "  ", 2) != 0 || line[2] < 'a' || line[2] > 'z')
            continue;
        len = strlen(line) > 33 ? 33 : strlen(line);
        while (len > 2 && line[len - 1] == ' ')
            len--;
        strncat(list, line + 2, len - 2);
        strncat(list, "\n", 2);
        n++;
    }
    free(help);
    *names = list;
    return n;
}

static void test_main_help_forms(void **state)
{
    char *a, *b, *c, *err;
    (void)state;

    assert_int_equal(vg(&a, &err, "--help"), 0);
    assert_string_equal(err, "");
    free(err);
    assert_int_equal(vg(&b, NULL, "-h"), 0);
    assert_int_equal(vg(&c, NULL, "help"), 0);
    assert_string_equal(a, b);
    assert_string_equal(a, c);
    assert_non_null(strstr(a, "usage: vigie"));
    assert_non_null(strstr(a, "\n  ios check-backup "));
    assert_non_null(strstr(a, "\n  check-iocs "));
    assert_non_null(strstr(a, "\n  download-iocs "));
    assert_non_null(strstr(a, "-i, --iocs PATH"));
    assert_non_null(strstr(a, "Exit status: 0 no detections, 1 detections, 2 error"));
    free(a);
    free(b);
    free(c);
    /* no command: the same help, on stderr, exit 2 */
    assert_int_equal(vg(&a, &err, "%s", ""), 2);
    assert_string_equal(a, "");
    assert_non_null(strstr(err, "usage: vigie"));
    free(a);
    free(err);
}

/* Every command the help lists has its help, the same three ways, naming
 * it in its usage line; and every platform's list is the main list's. */
static void test_every_command_has_help(void **state)
{
    char *names, *name, *next, *main_help;
    size_t n = help_commands(&names);
    (void)state;

    assert_true(n >= 8);
    assert_int_equal(vg(&main_help, NULL, "--help"), 0);
    for (name = names; *name; name = next) {
        char *a, *b, *c, *usage = malloc(256);
        next = strchr(name, '\n');
        *next++ = '\0';
        assert_int_equal(vg(&a, NULL, "%s --help", name), 0);
        assert_int_equal(vg(&b, NULL, "%s -h", name), 0);
        assert_int_equal(vg(&c, NULL, "help %s", name), 0);
        assert_string_equal(a, b);
        assert_string_equal(a, c);
        snprintf(usage, 256, "usage: vigie %s [OPTIONS]", name);
        if (strncmp(a, usage, strlen(usage)) != 0)
            fail_msg("%s: help starts %.60s", name, a);
        assert_non_null(strstr(a, "\noptions:\n"));
        assert_non_null(strstr(a, "  -h, --help "));
        free(a);
        free(b);
        free(c);
        free(usage);
    }
    free(names);
    free(main_help);
}

static void test_platform_help(void **state)
{
    static const char *const platforms[] = {"ios", "android"};
    char *names;
    size_t i;
    (void)state;

    help_commands(&names);
    for (i = 0; i < 2; i++) {
        const char *pf = platforms[i];
        char *a, *b, *c, *line, *next, *copy = strdup(names);
        size_t listed = 0, mine = 0;
        assert_int_equal(vg(&a, NULL, "%s --help", pf), 0);
        assert_int_equal(vg(&b, NULL, "%s -h", pf), 0);
        assert_int_equal(vg(&c, NULL, "help %s", pf), 0);
        assert_string_equal(a, b);
        assert_string_equal(a, c);
        /* each "PF name" of the main help is a "  name " row here */
        for (line = copy; *line; line = next) {
            next = strchr(line, '\n');
            *next++ = '\0';
            if (strncmp(line, pf, strlen(pf)) == 0 && line[strlen(pf)] == ' ') {
                char row[128];
                snprintf(row, sizeof(row), "\n  %s ", line + strlen(pf) + 1);
                if (!strstr(a, row))
                    fail_msg("vigie %s --help lacks %s", pf, line);
                mine++;
            }
        }
        /* and nothing else: rows up to the blank line after the list */
        line = strstr(a, " commands:\n");
        assert_non_null(line);
        line += strlen(" commands:\n");
        for (; strncmp(line, "  ", 2) == 0; line = strchr(line, '\n') + 1)
            if (line[2] != ' ' && strncmp(line, "  none in this version", 22) != 0)
                listed++;
        assert_int_equal(listed, mine);
        /* MVT's per-platform commands are named too */
        assert_non_null(strstr(a, "check-iocs download-iocs version"));
        free(a);
        free(b);
        free(c);
        free(copy);
    }
    free(names);
}

static void test_check_help_lists_mvt_options(void **state)
{
    static const char *const opts[] = {
        "-i, --iocs PATH",   "-o, --output DIR", "-m, --module NAME", "-l, --list-modules",
        "-v, --verbose",     "-f, --fast",       "-H, --hashes",      "-p, --password PASS",
        "--backup-password", "-q, --quiet",      "--no-color",        "-k, --key-file FILE",
        "--no-recover",
    };
    char *h;
    size_t i;
    (void)state;

    assert_int_equal(vg(&h, NULL, "ios check-backup --help"), 0);
    assert_non_null(strstr(h, "usage: vigie ios check-backup [OPTIONS] BACKUP\n"));
    for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
        if (!strstr(h, opts[i]))
            fail_msg("ios check-backup --help lacks %s", opts[i]);
    free(h);
    /* -p and -k are the backup's: not offered by check-fs */
    assert_int_equal(vg(&h, NULL, "ios check-fs --help"), 0);
    assert_null(strstr(h, "--password"));
    assert_null(strstr(h, "--key-file"));
    free(h);
}

/* Each Android check lists its own options and none of iOS's. */
static void test_android_help(void **state)
{
    char *h;
    (void)state;

    assert_int_equal(vg(&h, NULL, "android check-backup --help"), 0);
    assert_non_null(strstr(h, "usage: vigie android check-backup [OPTIONS] BACKUP\n"));
    assert_non_null(strstr(h, "-p, --backup-password PASS"));
    assert_non_null(strstr(h, "-n, --non-interactive"));
    assert_null(strstr(h, "--key-file"));
    assert_null(strstr(h, "--no-recover"));
    assert_null(strstr(h, "--timezone"));
    free(h);
    assert_int_equal(vg(&h, NULL, "help android check-intrusion-logs"), 0);
    assert_non_null(strstr(h, "-t, --timezone ZONE"));
    assert_null(strstr(h, "--password"));
    assert_null(strstr(h, "--non-interactive"));
    free(h);
    assert_int_equal(vg(&h, NULL, "--complete-words -- android check-intrusion-logs --"), 0);
    assert_non_null(strstr(h, "--timezone\t"));
    assert_null(strstr(h, "--backup-password"));
    free(h);
    /* check-fs reads databases: --no-recover, no secrets */
    assert_int_equal(vg(&h, NULL, "android check-fs --help"), 0);
    assert_non_null(strstr(h, "usage: vigie android check-fs [OPTIONS] DUMP\n"));
    assert_non_null(strstr(h, "--no-recover"));
    assert_null(strstr(h, "--backup-password"));
    assert_null(strstr(h, "--timezone"));
    free(h);
    assert_int_equal(vg(&h, NULL, "--complete-words -- android ''"), 0);
    assert_non_null(strstr(h, "check-intrusion-logs\t"));
    assert_non_null(strstr(h, "check-fs\t"));
    assert_null(strstr(h, "extract-key"));
    free(h);
}

/* One line on stderr naming what is wrong, with the help to read; exit 2,
 * nothing on stdout. */
static void expect_one_error(const char *args, const char *names, const char *hint)
{
    char *out, *err;

    if (vg(&out, &err, "%s", args) != 2)
        fail_msg("vigie %s: exit status is not 2", args);
    assert_string_equal(out, "");
    if (count_lines(err) != 1 || !strstr(err, names) || !strstr(err, hint))
        fail_msg("vigie %s: stderr is: %s", args, err);
    assert_non_null(strstr(err, "error: "));
    free(out);
    free(err);
}

static void test_unknown_command_or_option(void **state)
{
    (void)state;
    expect_one_error("nonsense", "nonsense", "(see vigie help)");
    expect_one_error("ios chek-backup x", "chek-backup", "(see vigie help ios)");
    expect_one_error("help nonsense", "nonsense", "(see vigie help)");
    expect_one_error("help ios nonsense", "nonsense", "(see vigie help ios)");
    expect_one_error("--bogus ios check-backup x", "--bogus", "(see vigie help)");
    expect_one_error("-Z ios check-backup x", "-Z", "(see vigie help)");
    expect_one_error("ios check-backup --bogus x", "--bogus", "(see vigie help ios check-backup)");
    expect_one_error("ios check-backup x --bogus=1", "--bogus",
                     "(see vigie help ios check-backup)");
    expect_one_error("ios check-backup -Z x", "-Z", "(see vigie help ios check-backup)");
    expect_one_error("ios check-backup -fZ x", "-Z", "(see vigie help ios check-backup)");
    expect_one_error("ios check-backup x -o", "-o needs a value",
                     "(see vigie help ios check-backup)");
    expect_one_error("ios check-backup --output", "--output needs a value",
                     "(see vigie help ios check-backup)");
    expect_one_error("ios check-backup --fast=yes x", "--fast takes no value",
                     "(see vigie help ios check-backup)");
    expect_one_error("ios check-backup --h x", "ambiguous option --h",
                     "(see vigie help ios check-backup)");
    expect_one_error("ios check-fs -p secret x", "-p does not apply to ios check-fs",
                     "(see vigie help ios check-fs)");
    expect_one_error("ios check-backup", "missing the BACKUP", "(see vigie help ios check-backup)");
    expect_one_error("ios check-backup a b", "b is one too many",
                     "(see vigie help ios check-backup)");
    expect_one_error("report", "give one results folder", "(see vigie help report)");
    expect_one_error("ios check-sysdiagnose", "missing the SYSDIAGNOSE to check",
                     "(see vigie help ios check-sysdiagnose)");
    expect_one_error("report --bogus x", "--bogus", "(see vigie help report)");
    expect_one_error("download-iocs --bogus", "--bogus", "(see vigie help download-iocs)");
    expect_one_error("iocs -Z", "-Z", "(see vigie help iocs)");
    expect_one_error("ios decrypt-backup --bogus", "--bogus",
                     "(see vigie help ios decrypt-backup)");
    expect_one_error("-i x.stix2 report y", "--iocs does not apply to report",
                     "(see vigie help report)");
    /* an option other platforms' checks take: said so, not ambiguous */
    expect_one_error("ios check-fs --pass x", "--password does not apply to ios check-fs",
                     "(see vigie help ios check-fs)");
    expect_one_error("android check-backup -k key x", "-k does not apply to android check-backup",
                     "(see vigie help android check-backup)");
    expect_one_error("android check-intrusion-logs -n x",
                     "-n does not apply to android check-intrusion-logs",
                     "(see vigie help android check-intrusion-logs)");
    expect_one_error("ios check-backup -t UTC x", "-t does not apply to ios check-backup",
                     "(see vigie help ios check-backup)");
}

/* SYSDIAGNOSE...: several paths are one check, not a usage error. */
static void test_several_paths(void **state)
{
    char *err;
    (void)state;

    assert_int_equal(vg(NULL, &err, "ios check-sysdiagnose %s/none-1 %s/none-2", work, work), 2);
    assert_null(strstr(err, "one too many"));
    assert_null(strstr(err, "see vigie help"));
    assert_non_null(strstr(err, "none-1"));
    free(err);
}

/* ---- MVT's options in MVT's places, global options after the command ---- */

static char *bk, *hit_iocs;

static void make_backup(void)
{
    static const char *const hit[] = {"[file:path='/private/var/mobile/Library/notes.txt']", NULL};
    struct vgfix_backup *b;
    char *text = vgh_bundle(hit);

    bk = malloc(4096);
    hit_iocs = malloc(4096);
    snprintf(bk, 4096, "%s/backup", work);
    snprintf(hit_iocs, 4096, "%s/hit.stix2", work);
    assert_int_equal(vgfix_write_file(hit_iocs, text, strlen(text)), 0);
    free(text);
    b = vgfix_backup_new(bk);
    assert_non_null(b);
    assert_int_equal(vgfix_backup_add_file(b, "HomeDomain", "Library/notes.txt", "hello", 5), 0);
    assert_int_equal(vgfix_backup_finish(b), 0);
    vgfix_backup_free(b);
}

static void test_iocs_in_every_place(void **state)
{
    /* ARGS[0] IOCS ARGS[1] BACKUP */
    static const char *const forms[][2] = {
        {"ios check-backup -i", ""},      {"ios check-backup --iocs", ""},
        {"-i", "ios check-backup"},       {"--iocs", "ios check-backup"},
        {"-q -i", "ios check-backup -v"}, {"ios check-backup -vi", "--no-color"},
    };
    size_t i;
    char *out;
    (void)state;

    for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
        if (vg(&out, NULL, "%s %s %s %s", forms[i][0], hit_iocs, forms[i][1], bk) != 1)
            fail_msg("vigie %s IOCS %s BACKUP: no detection", forms[i][0], forms[i][1]);
        assert_non_null(strstr(out, "DETECTIONS"));
        free(out);
    }
    assert_int_equal(vg(NULL, NULL, "ios check-backup --iocs=%s %s", hit_iocs, bk), 1);
    /* after the positional argument, as click (MVT) accepts */
    assert_int_equal(vg(NULL, NULL, "ios check-backup %s -i %s", bk, hit_iocs), 1);
    assert_int_equal(vg(NULL, NULL, "iocs -i %s", hit_iocs), 0);
    assert_int_equal(vg(NULL, NULL, "-i %s iocs", hit_iocs), 0);
}

static void test_output_module_hashes_fast(void **state)
{
    char *out, *info;
    (void)state;

    assert_int_equal(vg(NULL, NULL, "ios check-backup -o %s/o1 -m sms -H -f %s", work, bk), 0);
    assert_int_equal(
        vg(NULL, NULL, "ios check-backup %s --fast --hashes --module SMS --output %s/o2", bk, work),
        0);
    info = read_in("o1/info.json");
    assert_non_null(strstr(info, "\"hashes\""));
    assert_non_null(strstr(info, "\"sms\""));
    assert_null(strstr(info, "\"calls\"")); /* -m: only that module */
    free(info);
    info = read_in("o2/info.json");
    assert_non_null(strstr(info, "\"hashes\""));
    assert_null(strstr(info, "\"calls\""));
    free(info);
    /* -l / --list-modules, before or after other options */
    assert_int_equal(vg(&out, NULL, "ios check-backup -l"), 0);
    assert_non_null(strstr(out, "sms"));
    free(out);
    assert_int_equal(vg(&out, NULL, "ios check-backup -q --list-modules"), 0);
    assert_non_null(strstr(out, "SMS"));
    free(out);
}

static void test_verbosity_and_colour_after_the_command(void **state)
{
    char *quiet, *normal, *verbose, *before;
    (void)state;

    assert_int_equal(vg(&normal, NULL, "ios check-backup -i %s %s", hit_iocs, bk), 1);
    assert_int_equal(vg(&quiet, NULL, "ios check-backup -q -i %s %s", hit_iocs, bk), 1);
    assert_int_equal(vg(&verbose, NULL, "ios check-backup --verbose -i %s %s", hit_iocs, bk), 1);
    assert_int_equal(vg(&before, NULL, "-v ios check-backup -i %s %s", hit_iocs, bk), 1);
    /* -q drops the per-module lines, -v adds what was loaded */
    assert_null(strstr(quiet, "Device:"));
    assert_non_null(strstr(normal, "Device:"));
    assert_null(strstr(normal, "loaded 1 indicators"));
    assert_non_null(strstr(verbose, "loaded 1 indicators"));
    assert_string_equal(verbose, before);
    free(quiet);
    free(normal);
    free(verbose);
    free(before);
    assert_int_equal(vg(&normal, NULL, "ios check-backup %s --no-color -i %s", bk, hit_iocs), 1);
    assert_null(strchr(normal, '\033'));
    free(normal);
    assert_int_equal(vg(NULL, NULL, "--no-color --quiet ios check-backup %s", bk), 0);
    assert_int_equal(vg(NULL, NULL, "ios check-backup --quiet %s", bk), 0);
}

/* -p under MVT's name, in clusters and with '=': accepted on a backup
 * that turns out not to be encrypted, and never in command.log. */
static void test_passwords_kept_out_of_command_log(void **state)
{
    static const char *const forms[] = {
        "-p s3cr3t",
        "--backup-password s3cr3t",
        "--backup-password=s3cr3t",
        "--backup-pass s3cr3t",
        "--password=s3cr3t",
        "-Hps3cr3t",
        "-fHp s3cr3t",
    };
    size_t i;
    (void)state;

    for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
        char *log, rel[64];
        snprintf(rel, sizeof(rel), "pw%zu/command.log", i);
        if (vg(NULL, NULL, "ios check-backup %s -o %s/pw%zu %s", forms[i], work, i, bk) != 0)
            fail_msg("vigie ios check-backup %s: not accepted", forms[i]);
        log = read_in(rel);
        if (strstr(log, "s3cr3t") || !strstr(log, "***"))
            fail_msg("command.log of %s: %s", forms[i], log);
        free(log);
    }
}

/* mvt-ios check-iocs, mvt-android download-iocs...: the same command. */
static void test_mvt_commands_under_a_platform(void **state)
{
    char *a, *b;
    (void)state;

    assert_int_equal(vg(&a, NULL, "ios version"), 0);
    assert_int_equal(vg(&b, NULL, "android version"), 0);
    assert_string_equal(a, b);
    assert_non_null(strstr(a, "vigie "));
    free(a);
    free(b);
    assert_int_equal(vg(&a, NULL, "ios check-iocs --help"), 0);
    assert_int_equal(vg(&b, NULL, "help android check-iocs"), 0);
    assert_string_equal(a, b);
    free(a);
    free(b);
    assert_int_equal(vg(NULL, NULL, "ios check-backup -i %s -o %s/r1 %s", hit_iocs, work, bk), 1);
    assert_int_equal(vg(NULL, NULL, "ios check-iocs -i %s %s/r1", hit_iocs, work), 1);
}

/* ---- --no-recover ---- */

/* An sms.db whose message with the indicator's domain was deleted (the
 * page keeps its bytes: secure_delete off). */
static void sms_with_deleted_hit(const char *db)
{
    assert_int_equal(
        vgfix_sqlite_exec(
            db, "CREATE TABLE handle (ROWID INTEGER PRIMARY KEY AUTOINCREMENT UNIQUE, id TEXT "
                "NOT NULL, service TEXT NOT NULL);"
                "CREATE TABLE message (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT "
                "UNIQUE NOT NULL, text TEXT, handle_id INTEGER DEFAULT 0, service TEXT, account "
                "TEXT, date INTEGER, date_read INTEGER, is_from_me INTEGER DEFAULT 0);"
                "INSERT INTO handle VALUES (1, '+15550001111', 'SMS');"
                "INSERT INTO message VALUES (1, 'GUID-1', 'first message, nothing to see "
                "here', 1, 'SMS', NULL, 600000000000000000, 0, 0);"
                "INSERT INTO message VALUES (2, 'GUID-2', 'click "
                "https://badbadbad.example.org/track now please', 1, 'SMS', NULL, "
                "600000001000000000, 0, 0);"
                "INSERT INTO message VALUES (3, 'GUID-3', 'third message, still nothing to "
                "see', 1, 'SMS', NULL, 600000002000000000, 0, 0);"
                "PRAGMA secure_delete=OFF; DELETE FROM message WHERE ROWID = 2;"),
        0);
}

/* Deleted rows are recovered by default; --no-recover leaves them out,
 * and applies only to the checks that read databases. */
static void test_no_recover(void **state)
{
    static const char *const hit[] = {"[domain-name:value='badbadbad.example.org']", NULL};
    char *dir = vgh_backup_db("HomeDomain", "Library/SMS/sms.db", sms_with_deleted_hit, NULL);
    char *text = vgh_bundle(hit), iocs[4096], path[4096], *h;
    (void)state;

    snprintf(iocs, sizeof(iocs), "%s/deleted.stix2", work);
    assert_int_equal(vgfix_write_file(iocs, text, strlen(text)), 0);
    free(text);
    assert_int_equal(vg(NULL, NULL, "ios check-backup -m sms -i %s -o %s/rec %s", iocs, work, dir),
                     1);
    snprintf(path, sizeof(path), "%s/rec/sms_recovered.json", work);
    text = vgfix_read_file(path, NULL);
    assert_non_null(text);
    assert_non_null(strstr(text, "badbadbad.example.org"));
    free(text);
    assert_int_equal(vg(NULL, NULL, "ios check-backup --no-recover -m sms -i %s -o %s/norec %s",
                        iocs, work, dir),
                     0);
    snprintf(path, sizeof(path), "%s/norec/sms_recovered.json", work);
    text = vgfix_read_file(path, NULL);
    assert_true(!text || !strstr(text, "badbadbad"));
    free(text);
    vgh_cleanup(dir);
    /* saved results hold records, not database pages */
    expect_one_error("check-iocs --no-recover x", "--no-recover does not apply to check-iocs",
                     "(see vigie help check-iocs)");
    assert_int_equal(vg(&h, NULL, "ios check-fs --help"), 0);
    assert_non_null(strstr(h, "\n      --no-recover "));
    free(h);
    assert_int_equal(vg(&h, NULL, "help check-iocs"), 0);
    assert_null(strstr(h, "--no-recover"));
    free(h);
}

/* The hidden listing the shell completions call. */
static void test_complete_words(void **state)
{
    char *out;
    (void)state;

    assert_int_equal(vg(&out, NULL, "--complete-words -- i"), 0);
    assert_non_null(strstr(out, "ios\t"));
    assert_non_null(strstr(out, "iocs\t"));
    free(out);
    assert_int_equal(vg(&out, NULL, "--complete-words -- ios check-b"), 0);
    assert_non_null(strstr(out, "check-backup\t"));
    assert_null(strstr(out, "\nios\t"));
    free(out);
    assert_int_equal(vg(&out, NULL, "--complete-words -- ios check-backup --"), 0);
    assert_non_null(strstr(out, "--backup-password\t"));
    assert_non_null(strstr(out, "--no-color\t"));
    assert_non_null(strstr(out, "--no-recover\t"));
    free(out);
    assert_int_equal(vg(&out, NULL, "--complete-words -- ios check-fs --"), 0);
    assert_null(strstr(out, "--password"));
    free(out);
    assert_int_equal(vg(&out, NULL, "--complete-words -- ios check-backup -m ''"), 0);
    assert_non_null(strstr(out, "sms\t"));
    free(out);
    assert_int_equal(vg(&out, NULL, "--complete-words -- ios check-backup -o ''"), 0);
    assert_string_equal(out, ":dir\n");
    free(out);
    assert_int_equal(vg(&out, NULL, "--complete-words -- -q ios check-backup -H ''"), 0);
    assert_string_equal(out, ":file\n");
    free(out);
    assert_int_equal(vg(&out, NULL, "--complete-words -- ios check-backup -p ''"), 0);
    assert_string_equal(out, ""); /* a password is never completed */
    free(out);
    assert_int_equal(vg(&out, NULL, "--complete-words -- help ios ''"), 0);
    assert_non_null(strstr(out, "extract-key\t"));
    free(out);
    assert_int_equal(vg(&out, NULL, "--complete-words -- nonsense ''"), 0);
    assert_string_equal(out, "");
    free(out);
}

static int setup(void **state)
{
    (void)state;
    work = vgfix_tmpdir("cliusage");
    make_backup();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    vgfix_rmtree(work);
    free(work);
    free(bk);
    free(hit_iocs);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_main_help_forms),
        cmocka_unit_test(test_every_command_has_help),
        cmocka_unit_test(test_platform_help),
        cmocka_unit_test(test_check_help_lists_mvt_options),
        cmocka_unit_test(test_android_help),
        cmocka_unit_test(test_unknown_command_or_option),
        cmocka_unit_test(test_several_paths),
        cmocka_unit_test(test_iocs_in_every_place),
        cmocka_unit_test(test_output_module_hashes_fast),
        cmocka_unit_test(test_verbosity_and_colour_after_the_command),
        cmocka_unit_test(test_passwords_kept_out_of_command_log),
        cmocka_unit_test(test_mvt_commands_under_a_platform),
        cmocka_unit_test(test_no_recover),
        cmocka_unit_test(test_complete_words),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
