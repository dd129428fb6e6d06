/*
 * vigie command line: argument parsing and console output, on the public
 * API only. Command shapes follow MVT's (mvt-ios check-backup, check-iocs)
 * so analysts' habits carry over.
 *
 * Exit codes: 0 no detections, 1 detections (MEDIUM or above), 2 error.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "vigie/vigie.h"

#include "cli.h"

#define EXIT_CLEAN      0
#define EXIT_DETECTIONS 1
#define EXIT_ERROR      2

struct console cons;

/* argv joined, passwords out, for command.log */
static char *cmdline;

/* ---- indicator loading shared by every command ---- */

struct ioc_args {
    const char *paths[64];
    size_t n;
};

/* -i given before the command */
static struct ioc_args lead_iocs;

static int add_ioc_path(struct ioc_args *a, const char *p)
{
    if (a->n == sizeof(a->paths) / sizeof(a->paths[0])) {
        cli_error("too many --iocs options (at most 64; give a folder instead)");
        return -1;
    }
    a->paths[a->n++] = p;
    return 0;
}

/* How old the installed indicators are (vigie download-iocs): new ones are
 * published as investigations come out, so an old set misses them. */
static void say_iocs_age(void)
{
    int64_t when = 0, days;

    if (vg_iocs_updated(NULL, &when) != VG_OK || when <= 0)
        return;
    days = ((int64_t)time(NULL) - when) / 86400;
    if (days > VG_IOCS_MAX_AGE_DAYS)
        cli_warn("the installed indicators were updated %lld days ago: run vigie download-iocs "
                 "for the newest",
                 (long long)days);
    else
        cli_info("the installed indicators were updated %lld day%s ago", (long long)days,
                 days == 1 ? "" : "s");
}

static int load_iocs(const struct ioc_args *a, struct vg_diag *diag, struct vg_iocs **out)
{
    struct vg_iocs *iocs = NULL;
    size_t i;
    int rc;

    rc = vg_iocs_new(&iocs);
    if (rc != VG_OK) {
        cli_error("%s", vg_strerror(rc));
        return -1;
    }
    for (i = 0; i < a->n; i++) {
        rc = vg_iocs_load_path(iocs, a->paths[i], diag);
        if (rc != VG_OK) {
            cli_error("cannot load indicators from %s: %s", a->paths[i], vg_strerror(rc));
            vg_iocs_free(iocs);
            return -1;
        }
    }
    rc = vg_iocs_load_env(iocs, diag);
    if (rc != VG_OK) {
        cli_error("cannot load indicators from the environment: %s", vg_strerror(rc));
        vg_iocs_free(iocs);
        return -1;
    }
    if (vg_iocs_count(iocs) == 0)
        cli_warn("no indicators loaded: only the heuristic checks will run "
                 "(give --iocs FILE, set VIGIE_IOCS, or run vigie download-iocs)");
    else
        cli_info("loaded %zu indicators from %zu files", vg_iocs_count(iocs),
                 vg_iocs_file_count(iocs));
    say_iocs_age();
    *out = iocs;
    return 0;
}

/* ---- vigie iocs ---- */

static const struct cli_opt iocs_opts[] = {
    {"iocs", 'i', "PATH", CLI_ARG_FILE, 0,
     "STIX2 file or folder (repeatable); also VIGIE_IOCS, MVT_STIX2"},
};

static int cmd_iocs(const struct cli_cmd *cmd, int argc, char **argv)
{
    struct ioc_args a = lead_iocs;
    struct vg_iocs *iocs = NULL;
    struct vg_diag *diag = NULL;
    struct cli_parser p;
    int c, rc = EXIT_ERROR;

    cli_parser_init(&p, cmd);
    while ((c = cli_next_opt(&p, argc, argv)) != CLI_END) {
        switch (c) {
        case 'i':
            if (add_ioc_path(&a, optarg) != 0)
                return EXIT_ERROR;
            break;
        case CLI_HELP:
            return EXIT_CLEAN;
        default:
            return EXIT_ERROR;
        }
    }
    if (optind != argc) {
        cli_usage_error(cmd, "unexpected argument: %s", argv[optind]);
        return EXIT_ERROR;
    }
    if (vg_diag_new(cli_diag_cb, &cons, &diag) != VG_OK)
        return EXIT_ERROR;
    if (load_iocs(&a, diag, &iocs) == 0) {
        cli_print_iocs(iocs);
        rc = EXIT_CLEAN;
    }
    vg_iocs_free(iocs);
    vg_diag_free(diag);
    return rc;
}

/* ---- encrypted backups: where the password comes from ---- */

/* On SIGINT/SIGTERM: decrypt-backup is first asked to stop cleanly (it
 * removes its partial file and says how to resume); otherwise, or on a
 * second signal, the private temporary files go and the signal ends the
 * process as usual. */
static volatile sig_atomic_t soft_interrupt;

static void on_signal(int sig)
{
    if (soft_interrupt) {
        soft_interrupt = 0;
        vg_interrupt();
        return;
    }
    cli_secret_restore_tty();
    vg_cleanup_signal_safe();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void install_signals(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

static int secret_option(struct secret *sec, int c, char *arg)
{
    if (sec->password || sec->have_key) {
        cli_error("give the password (-p) or a key file (-k), once");
        return -1;
    }
    return c == 'p' ? cli_secret_set_password(sec, arg) : cli_secret_read_key_file(sec, arg);
}

/* -p or -k first, then the environment. For the commands that always
 * need a key, a prompt on the terminal when neither gave one; for checks,
 * the source asks (ask_secret) only once it knows the backup is encrypted. */
static int get_secret(struct secret *sec, const char *target, int needed, int android)
{
    int rc;

    if (sec->password || sec->have_key)
        return 0;
    rc = cli_secret_from_env(sec, android);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    if (!needed)
        return 0;
    rc = cli_secret_prompt(sec, "Backup password");
    if (rc == 0)
        cli_error("%s is an encrypted backup: give its password (-p, or set "
                  "VIGIE_BACKUP_PASSWORD) or a key file (-k)",
                  target);
    return rc == 1 ? 0 : -1;
}

/* Where a check's password comes from, for ask_secret. */
struct asking {
    struct secret *sec;
    int android;     /* Android backups: no key file, MVT's Android variable */
    int interactive; /* 0 with -n: never prompt */
    int inside;      /* the backup is inside the acquisition: skipped, the rest checked */
};

/* The source found an encrypted acquisition and no password was given. */
static int ask_secret(void *ud, const char *what, char *buf, size_t cap)
{
    struct asking *a = ud;
    struct secret *sec = a->sec;
    size_t n;

    if (!a->interactive || cli_secret_prompt(sec, "Backup password") != 1) {
        if (a->inside)
            cli_warn("%s is an encrypted backup: give its password (-p, or set "
                     "VIGIE_BACKUP_PASSWORD or MVT_ANDROID_BACKUP_PASSWORD)%s; its modules are "
                     "skipped, the rest of the acquisition is checked",
                     what, a->interactive ? "" : "; -n forbids asking for it");
        else if (a->android)
            cli_error("%s is an encrypted backup: give its password (-p, or set "
                      "VIGIE_BACKUP_PASSWORD or MVT_ANDROID_BACKUP_PASSWORD)%s",
                      what, a->interactive ? "" : "; -n forbids asking for it");
        else
            cli_error("%s is an encrypted backup: give its password (-p, or set "
                      "VIGIE_BACKUP_PASSWORD) or a key file (-k)",
                      what);
        return VG_E_INVAL;
    }
    n = strlen(sec->password);
    if (n >= cap)
        return VG_E_LIMIT;
    memcpy(buf, sec->password, n + 1);
    return VG_OK;
}

/* ---- scans ---- */

enum { OPT_FORCE = 256, OPT_COVERAGE, OPT_NO_RECOVER, OPT_NO_CORRELATE };

/* The checks, one row each: `vigie <platform> <name>` (platform NULL: a
 * top-level command) checks an acquisition of kind. The help's summary is
 * its help up to the first '.' or newline. */
struct check_cmd {
    const char *platform;
    const char *name;
    enum vg_kind kind;
    const char *what; /* the positional argument, in the usage line */
    const char *help; /* what it checks */
    int flags;        /* CMD_*: the options it takes besides the common ones */
};
#define CMD_IOS_SECRETS     1 /* -p / -k, MVT_IOS_BACKUP_PASSWORD */
#define CMD_ANDROID_SECRETS 2 /* -p / -n, MVT_ANDROID_BACKUP_PASSWORD */
#define CMD_TIMEZONE        4 /* -t: times written in the device's zone */
#define CMD_RECOVERS        8 /* reads databases: --no-recover (saved results hold no pages) */

static const struct check_cmd check_cmds[] = {
    {"ios", "check-backup", VG_KIND_IOS_BACKUP, "BACKUP",
     "Checks an iTunes/Finder backup (the folder, or the folder holding one backup).",
     CMD_IOS_SECRETS | CMD_RECOVERS},
    {"ios", "check-fs", VG_KIND_IOS_FS, "DUMP",
     "Checks an iOS full-filesystem dump: a folder, or a tar (gz, zst, xz) or zip of one.",
     CMD_RECOVERS},
    {"ios", "check-sysdiagnose", VG_KIND_IOS_SYSDIAG, "SYSDIAGNOSE...",
     "Checks iOS sysdiagnose archives (as the phone wrote them) or their folders.\n"
     "Several of one phone at once are merged by time.",
     CMD_RECOVERS},
    {"android", "check-androidqf", VG_KIND_ANDROIDQF, "PATH",
     "Checks an AndroidQF acquisition: its folder, or a zip of it.\n"
     "The files at the zip's root, or under one folder; the bugreport.zip and backup.ab\n"
     "inside are checked too (the backup's password is asked only when it is encrypted).",
     CMD_ANDROID_SECRETS},
    {"android", "check-backup", VG_KIND_ANDROID_BACKUP, "BACKUP",
     "Checks an Android adb backup (backup.ab), encrypted or not.\n"
     "The file as adb, AndroidQF or abe write it, the folder its tar was unpacked into\n"
     "(apps/...), or abe's tar. Read once as a stream; nothing decrypted is written to disk.",
     CMD_ANDROID_SECRETS},
    {"android", "check-intrusion-logs", VG_KIND_ANDROID_INTRUSION_LOGS, "LOGS",
     "Checks Android 16 intrusion logs.\n"
     "An NDJSON file, a folder of them, or a zip of them (every *.txt below the folder or in\n"
     "the zip, zips inside included).",
     CMD_TIMEZONE},
    {"android", "check-bugreport", VG_KIND_BUGREPORT, "BUGREPORT",
     "Checks an Android bugreport.\n"
     "The zip `adb bugreport` writes, or the folder it was unzipped to.",
     0},
    {"android", "check-fs", VG_KIND_ANDROID_FS, "DUMP",
     "Checks an Android full-filesystem dump: a folder, or a tar (gz, zst, xz) or zip of one.\n"
     "data/data (or data/user/0) at its root or one or two folders down.",
     CMD_RECOVERS},
    {NULL, "check-iocs", VG_KIND_RESULTS, "RESULTS_DIR",
     "Re-checks an earlier result folder (vigie's or MVT's) with new indicators.\n"
     "It reads the <module>.json records the folder holds.",
     0},
};

/* The checks' options, one row each, MVT's names where they mean the same;
 * a row with `when` only for the checks with one of those CMD_* flags.
 * getopt's table, the help and the completions are made from these rows. */
static const struct cli_opt scan_opts[] = {
    {"iocs", 'i', "PATH", CLI_ARG_FILE, 0,
     "STIX2 file or folder (repeatable); also VIGIE_IOCS, MVT_STIX2"},
    {"output", 'o', "DIR", CLI_ARG_DIR, 0,
     "write the results there: JSON, timelines, info.json, report.html"},
    {"module", 'm', "NAME", CLI_ARG_MODULE, 0, "run only this module (repeatable)"},
    {"list-modules", 'l', NULL, CLI_ARG_NONE, 0, "list the modules and exit"},
    {"hashes", 'H', NULL, CLI_ARG_NONE, 0, "record the SHA-256 of every input file read"},
    {"fast", 'f', NULL, CLI_ARG_NONE, 0, "skip slow modules (whole file listings)"},
    {"force", OPT_FORCE, NULL, CLI_ARG_NONE, 0,
     "-o into a folder holding results: replace vigie's files there"},
    {"coverage", OPT_COVERAGE, NULL, CLI_ARG_NONE, 0,
     "list every place each module looked at, not only the missing"},
    {"no-recover", OPT_NO_RECOVER, NULL, CLI_ARG_NONE, CMD_RECOVERS,
     "do not recover deleted SQLite rows (by default they go to\n"
     "<module>_recovered.json, alerts and the timeline, marked as recovered)"},
    {"no-correlate", OPT_NO_CORRELATE, NULL, CLI_ARG_NONE, 0,
     "do not link events of different modules into stories (the\n"
     "\"correlation\" module's alerts; docs/correlation.md)"},
    {"password", 'p', "PASS", CLI_ARG_SECRET, CMD_IOS_SECRETS,
     "password of an encrypted backup (better: VIGIE_BACKUP_PASSWORD,\n"
     "or let vigie ask); also MVT_BACKUP_PASSWORD"},
    {"backup-password", 'p', "PASS", CLI_ARG_SECRET, CMD_IOS_SECRETS,
     "the same as --password (MVT's name)"},
    {"key-file", 'k', "FILE", CLI_ARG_FILE, CMD_IOS_SECRETS,
     "key from `vigie ios extract-key` instead of the password"},
    {"backup-password", 'p', "PASS", CLI_ARG_SECRET, CMD_ANDROID_SECRETS,
     "password of an encrypted backup, asked only when it is (better:\n"
     "VIGIE_BACKUP_PASSWORD or MVT_ANDROID_BACKUP_PASSWORD, or let vigie ask)"},
    {"password", 'p', "PASS", CLI_ARG_SECRET, CMD_ANDROID_SECRETS, "the same as --backup-password"},
    {"non-interactive", 'n', NULL, CLI_ARG_NONE, CMD_ANDROID_SECRETS, "never ask for a password"},
    {"timezone", 't', "ZONE", CLI_ARG_NONE, CMD_TIMEZONE,
     "the device's time zone (e.g. Europe/Paris): times are written in it\n"
     "instead of UTC"},
};

/* The usage line's own convention: "WHAT..." takes one or more. */
static int takes_several(const struct check_cmd *c)
{
    size_t n = strlen(c->what);
    return n > 3 && strcmp(c->what + n - 3, "...") == 0;
}

static void list_modules(enum vg_kind kind)
{
    const char *names[256], *classes[256], *desc[256];
    size_t n = vg_module_list(kind, names, classes, desc, 256), i;

    for (i = 0; i < n && i < 256; i++)
        printf("%-30s %-28s %s\n", classes[i], names[i], desc[i]);
}

static int cmd_scan(const struct cli_cmd *self, int argc, char **argv)
{
    const struct check_cmd *cmd = self->row;
    struct ioc_args a = lead_iocs;
    const char *modules[64];
    struct vg_scan_opts so;
    struct vg_source_opts src_opts;
    struct vg_summary sum;
    struct vg_iocs *iocs = NULL;
    struct vg_diag *diag = NULL;
    struct vg_source *src = NULL;
    struct cli_parser p;
    struct secret sec;
    struct asking ask;
    size_t n_modules = 0, errors;
    int c, rc, ret = EXIT_ERROR;

    memset(&so, 0, sizeof(so));
    memset(&src_opts, 0, sizeof(src_opts));
    memset(&sec, 0, sizeof(sec));
    ask.sec = &sec;
    ask.android = (cmd->flags & CMD_ANDROID_SECRETS) != 0;
    ask.interactive = 1;
    ask.inside = cmd->kind == VG_KIND_ANDROIDQF;
    cli_parser_init(&p, self);
    while ((c = cli_next_opt(&p, argc, argv)) != CLI_END) {
        switch (c) {
        case 'i':
            if (add_ioc_path(&a, optarg) != 0)
                goto out;
            break;
        case 'o':
            so.output_dir = optarg;
            break;
        case 'm':
            if (n_modules == 64) {
                cli_error("too many -m options");
                goto out;
            }
            modules[n_modules++] = optarg;
            break;
        case 'l':
            list_modules(cmd->kind);
            ret = EXIT_CLEAN;
            goto out;
        case 'H':
            so.hashes = 1;
            break;
        case 'f':
            so.fast = 1;
            break;
        case OPT_FORCE:
            so.force = 1;
            break;
        case OPT_COVERAGE:
            cons.coverage_all = 1;
            break;
        case OPT_NO_RECOVER:
            so.no_recover = 1;
            break;
        case OPT_NO_CORRELATE:
            so.no_correlate = 1;
            break;
        case 'p':
        case 'k':
            if (secret_option(&sec, c, optarg) != 0)
                goto out;
            break;
        case 'n':
            ask.interactive = 0;
            break;
        case 't':
            so.timezone = optarg;
            break;
        case CLI_HELP:
            ret = EXIT_CLEAN;
            goto out;
        default:
            goto out;
        }
    }
    if (optind >= argc) {
        cli_usage_error(self, "missing the %.*s to check",
                        (int)(strlen(cmd->what) - (takes_several(cmd) ? 3 : 0)), cmd->what);
        goto out;
    }
    if (optind + 1 != argc && !takes_several(cmd)) {
        cli_usage_error(self, "one %s at a time: %s is one too many", cmd->what, argv[optind + 1]);
        goto out;
    }
    so.target = argv[optind];
    src_opts.more_paths = (const char *const *)argv + optind + 1;
    src_opts.n_more_paths = (size_t)(argc - optind - 1);
    so.modules = n_modules ? modules : NULL;
    so.n_modules = n_modules;
    so.command_line = cmdline;
    so.on_module = cli_module_cb;
    so.on_progress = cli_progress_module;
    so.ud = &cons;
    if (cli_check_module_names(cmd->kind, modules, n_modules) != 0 ||
        ((cmd->flags & (CMD_IOS_SECRETS | CMD_ANDROID_SECRETS)) &&
         get_secret(&sec, so.target, 0, ask.android) != 0))
        goto out;
    src_opts.password = sec.password;
    if (sec.have_key) {
        src_opts.key = sec.key;
        src_opts.key_len = VG_BACKUP_KEY_LEN;
    }
    src_opts.ask_password = ask_secret;
    src_opts.on_status = cli_status;
    src_opts.ud = &ask;
    if (vg_diag_new(cli_diag_cb, &cons, &diag) != VG_OK)
        goto out;
    (void)vg_cleanup_stale(diag);
    if (load_iocs(&a, diag, &iocs) != 0)
        goto out;
    if (cmd->kind == VG_KIND_RESULTS && vg_iocs_count(iocs) == 0) {
        cli_error("check-iocs needs indicators: give --iocs");
        goto out;
    }
    cons.no_indicators = vg_iocs_count(iocs) == 0;
    cli_begin_scan(so.target);
    errors = vg_diag_count(diag, VG_DIAG_ERROR);
    rc = vg_source_open(cmd->kind, so.target, &src_opts, diag, &src);
    cli_clear_status();
    if (rc == VG_OK) {
        cli_print_device(src);
        rc = vg_check(src, iocs, &so, diag, &sum);
    }
    if (rc != VG_OK) {
        /* one true thing: what the library said (naming the output folder
         * when that is what failed), or else this */
        if (vg_diag_count(diag, VG_DIAG_ERROR) == errors)
            cli_error("%s: %s", so.target, vg_strerror(rc));
        goto out;
    }
    cli_print_summary(&sum, so.output_dir);
    ret = vg_summary_has_detections(&sum) ? EXIT_DETECTIONS : sum.unread ? EXIT_ERROR : EXIT_CLEAN;
out:
    vg_source_free(src);
    cli_secret_free(&sec);
    vg_iocs_free(iocs);
    vg_diag_free(diag);
    return ret;
}

/* ---- vigie ios decrypt-backup / extract-key ---- */

static const struct cli_opt decrypt_opts[] = {
    {"destination", 'd', "DEST", CLI_ARG_DIR, 0, "where to write"},
    {"password", 'p', "PASS", CLI_ARG_SECRET, 0,
     "the backup password (better: VIGIE_BACKUP_PASSWORD, or let\nvigie ask)"},
    {"key-file", 'k', "FILE", CLI_ARG_FILE, 0, "key from `vigie ios extract-key` instead"},
    {"workers", 'w', "N", CLI_ARG_NONE, 0, "threads decrypting (default: one per core)"},
};

static void print_decrypt_summary(const struct vg_decrypt_summary *s, const char *dest)
{
    printf("%zu files decrypted (%.1f MB) to %s", s->files, (double)s->bytes / 1e6, dest);
    if (s->resumed)
        printf(", %zu already there from an earlier run", s->resumed);
    if (s->missing)
        printf(", %zu listed but missing", s->missing);
    if (s->failed)
        printf(", %zu could not be decrypted (see the warnings)", s->failed);
    printf("\n");
}

static int cmd_decrypt(const struct cli_cmd *cmd, int argc, char **argv)
{
    struct vg_decrypt_opts o;
    struct vg_decrypt_summary sum;
    struct vg_diag *diag = NULL;
    struct cli_parser p;
    struct secret sec;
    char *end = NULL;
    unsigned long w;
    int c, rc, ret = EXIT_ERROR;

    memset(&o, 0, sizeof(o));
    memset(&sec, 0, sizeof(sec));
    cli_parser_init(&p, cmd);
    while ((c = cli_next_opt(&p, argc, argv)) != CLI_END) {
        switch (c) {
        case 'd':
            o.dest = optarg;
            break;
        case 'p':
        case 'k':
            if (secret_option(&sec, c, optarg) != 0)
                goto out;
            break;
        case 'w':
            errno = 0;
            w = strtoul(optarg, &end, 10);
            if (errno || !end || *end || w == 0 || w > 64) {
                cli_error("--workers takes a number from 1 to 64");
                goto out;
            }
            o.workers = (unsigned)w;
            break;
        case CLI_HELP:
            ret = EXIT_CLEAN;
            goto out;
        default:
            goto out;
        }
    }
    if (optind + 1 != argc || !o.dest) {
        cli_usage_error(cmd, "%s", !o.dest ? "missing -d DEST" : "give one backup folder");
        goto out;
    }
    o.target = argv[optind];
    if (get_secret(&sec, o.target, 1, 0) != 0 || vg_diag_new(cli_diag_cb, &cons, &diag) != VG_OK)
        goto out;
    o.password = sec.password;
    if (sec.have_key) {
        o.key = sec.key;
        o.key_len = VG_BACKUP_KEY_LEN;
    }
    if (isatty(STDERR_FILENO) && cons.verbosity >= 1)
        o.on_progress = cli_progress_cb;
    soft_interrupt = 1;
    rc = vg_ios_decrypt_backup(&o, diag, &sum);
    soft_interrupt = 0;
    cli_progress_end();
    if (rc != VG_OK) {
        cli_error("%s: %s", o.target, vg_strerror(rc));
        goto out;
    }
    print_decrypt_summary(&sum, o.dest);
    ret = EXIT_CLEAN;
out:
    cli_secret_free(&sec);
    vg_diag_free(diag);
    return ret;
}

static const struct cli_opt extract_key_opts[] = {
    {"password", 'p', "PASS", CLI_ARG_SECRET, 0,
     "the backup password (better: VIGIE_BACKUP_PASSWORD, or let\nvigie ask)"},
    {"key-file", 'k', "FILE", CLI_ARG_FILE, 0,
     "write the key to FILE (mode 0600) instead of printing it"},
};

static int cmd_extract_key(const struct cli_cmd *cmd, int argc, char **argv)
{
    unsigned char key[VG_BACKUP_KEY_LEN];
    struct vg_diag *diag = NULL;
    struct cli_parser p;
    struct secret sec;
    const char *out_path = NULL;
    int c, rc, ret = EXIT_ERROR;

    memset(&sec, 0, sizeof(sec));
    cli_parser_init(&p, cmd);
    while ((c = cli_next_opt(&p, argc, argv)) != CLI_END) {
        switch (c) {
        case 'p':
            if (secret_option(&sec, c, optarg) != 0)
                goto out;
            break;
        case 'k':
            out_path = optarg;
            break;
        case CLI_HELP:
            ret = EXIT_CLEAN;
            goto out;
        default:
            goto out;
        }
    }
    if (optind + 1 != argc) {
        cli_usage_error(cmd, "give one backup folder");
        goto out;
    }
    if (get_secret(&sec, argv[optind], 1, 0) != 0 ||
        vg_diag_new(cli_diag_cb, &cons, &diag) != VG_OK)
        goto out;
    rc = vg_ios_extract_key(argv[optind], sec.password, diag, key);
    if (rc != VG_OK) {
        cli_error("%s: %s", argv[optind], vg_strerror(rc));
        goto out;
    }
    if (cli_secret_write_key(key, out_path) == 0) {
        if (out_path)
            cli_warn("wrote the key to %s: it opens the whole backup, keep it safe", out_path);
        ret = EXIT_CLEAN;
    }
out:
    vg_secure_wipe(key, sizeof(key));
    cli_secret_free(&sec);
    vg_diag_free(diag);
    return ret;
}

/* ---- vigie download-iocs ---- */

static void on_fetch(void *ud, const char *url)
{
    (void)ud;
    if (cons.verbosity >= 1)
        fprintf(stderr, "download-iocs: fetching %s\n", url);
}

enum { OPT_INDEX_URL = 256, OPT_CA_FILE };

static const struct cli_opt download_opts[] = {
    {"index-url", OPT_INDEX_URL, "URL", CLI_ARG_NONE, 0,
     "another index (also VIGIE_IOCS_INDEX_URL)"},
    {"ca-file", OPT_CA_FILE, "FILE", CLI_ARG_FILE, 0,
     "trust these certificate authorities (also VIGIE_CA_FILE)"},
};

static int cmd_download_iocs(const struct cli_cmd *cmd, int argc, char **argv)
{
    struct vg_download_opts o;
    struct vg_download_summary sum;
    struct vg_diag *diag = NULL;
    struct cli_parser p;
    char *dir = NULL;
    int c, rc;

    memset(&o, 0, sizeof(o));
    o.index_url = getenv("VIGIE_IOCS_INDEX_URL");
    o.ca_file = getenv("VIGIE_CA_FILE");
    cli_parser_init(&p, cmd);
    while ((c = cli_next_opt(&p, argc, argv)) != CLI_END) {
        switch (c) {
        case OPT_CA_FILE:
            o.ca_file = optarg;
            break;
        case OPT_INDEX_URL:
            o.index_url = optarg;
            break;
        case CLI_HELP:
            return EXIT_CLEAN;
        default:
            return EXIT_ERROR;
        }
    }
    if (optind != argc) {
        cli_usage_error(cmd, "unexpected argument: %s", argv[optind]);
        return EXIT_ERROR;
    }
    if (vg_iocs_user_dir(&dir) != VG_OK) {
        cli_error("no folder for indicators: set HOME or XDG_DATA_HOME");
        return EXIT_ERROR;
    }
    o.on_fetch = on_fetch;
    fprintf(stderr, "download-iocs: this command uses the network: %s\n",
            o.index_url ? o.index_url : VG_IOCS_INDEX_URL);
    if (vg_diag_new(cli_diag_cb, &cons, &diag) != VG_OK) {
        free(dir);
        return EXIT_ERROR;
    }
    rc = vg_download_iocs(&o, diag, &sum);
    vg_diag_free(diag);
    printf("%zu of %zu indicator files downloaded to %s", sum.downloaded, sum.listed, dir);
    if (sum.failed)
        printf(", %zu failed (earlier copies kept)", sum.failed);
    if (sum.refused)
        printf(", %zu refused", sum.refused);
    printf("\n");
    free(dir);
    if (rc != VG_OK) {
        cli_error("download-iocs: %s", vg_strerror(rc));
        return EXIT_ERROR;
    }
    return EXIT_CLEAN;
}

/* ---- vigie report ---- */

static int cmd_report(const struct cli_cmd *cmd, int argc, char **argv)
{
    struct vg_diag *diag = NULL;
    struct cli_parser p;
    const char *dir;
    int c, rc;

    cli_parser_init(&p, cmd);
    while ((c = cli_next_opt(&p, argc, argv)) != CLI_END)
        return c == CLI_HELP ? EXIT_CLEAN : EXIT_ERROR;
    if (optind + 1 != argc) {
        cli_usage_error(cmd, "give one results folder");
        return EXIT_ERROR;
    }
    dir = argv[optind];
    if (vg_diag_new(cli_diag_cb, &cons, &diag) != VG_OK)
        return EXIT_ERROR;
    rc = vg_report(dir, diag);
    vg_diag_free(diag);
    if (rc != VG_OK) {
        cli_error("%s: cannot write report.html: %s", dir, vg_strerror(rc));
        return EXIT_ERROR;
    }
    if (cons.verbosity >= 1)
        printf("Report written to %s/report.html\n", dir);
    return EXIT_CLEAN;
}

/* ---- vigie version ---- */

static int cmd_version(const struct cli_cmd *cmd, int argc, char **argv)
{
    struct cli_parser p;
    int c;

    cli_parser_init(&p, cmd);
    while ((c = cli_next_opt(&p, argc, argv)) != CLI_END)
        return c == CLI_HELP ? EXIT_CLEAN : EXIT_ERROR;
    if (optind != argc) {
        cli_usage_error(cmd, "unexpected argument: %s", argv[optind]);
        return EXIT_ERROR;
    }
    printf("vigie %s\n", VG_VERSION);
    return EXIT_CLEAN;
}

/* ---- the command table ---- */

/* The commands besides the checks, one row each. The help's first
 * sentence is the command's summary in the lists. */
struct other_cmd {
    const char *platform; /* NULL: a top-level command */
    const char *name;
    int (*run)(const struct cli_cmd *cmd, int argc, char **argv);
    const char *args;      /* in the usage line */
    enum cli_arg complete; /* what completes args */
    const struct cli_opt *opts;
    size_t n_opts;
    const char *help;
};
#define OPTS(t) t, sizeof(t) / sizeof((t)[0])
#define NO_OPTS NULL, 0

static const struct other_cmd other_cmds[] = {
    {"ios", "decrypt-backup", cmd_decrypt, "-d DEST BACKUP", CLI_ARG_DIR, OPTS(decrypt_opts),
     "Writes a decrypted copy of an encrypted backup.\n"
     "DEST is created if needed; an unfinished decryption there is completed. MVT, iLEAPP and\n"
     "vigie read the copy as an ordinary backup. `vigie ios check-backup` does not need it:\n"
     "it reads encrypted backups in place, without writing plaintext anywhere."},
    {"ios", "extract-key", cmd_extract_key, "BACKUP", CLI_ARG_DIR, OPTS(extract_key_opts),
     "Prints the key of an encrypted backup, for -k.\n"
     "Derives it from the password (the slow step) and prints it in hex, or writes it to a\n"
     "file. Give it to check-backup or decrypt-backup with -k. It opens the whole backup:\n"
     "keep it as safe as the password."},
    {NULL, "report", cmd_report, "RESULTS_DIR", CLI_ARG_DIR, NO_OPTS,
     "Writes report.html in a results folder (vigie's or MVT's).\n"
     "One self-contained page, readable offline: the verdict, the alerts and what happened\n"
     "around each, coverage, warnings and the whole timeline."},
    {NULL, "download-iocs", cmd_download_iocs, "", CLI_ARG_NONE, OPTS(download_opts),
     "Downloads the public indicators; the only command that uses the network.\n"
     "The index MVT reads, and every STIX2 file it lists, go into\n"
     "$XDG_DATA_HOME/vigie/indicators, where checks find them. HTTPS only."},
    {NULL, "iocs", cmd_iocs, "", CLI_ARG_NONE, OPTS(iocs_opts),
     "Lists the loaded indicators: collections, per-type counts, files and their SHA-256."},
    {NULL, "help", cli_cmd_help, "[PLATFORM] [COMMAND]", CLI_ARG_COMMAND, NO_OPTS,
     "Shows the commands, a platform's commands, or a command's usage and options."},
    {NULL, "version", cmd_version, "", CLI_ARG_NONE, NO_OPTS, "Prints the version."},
};

int cli_command_at(size_t i, struct cli_cmd *out)
{
    const size_t n_checks = sizeof(check_cmds) / sizeof(check_cmds[0]);

    memset(out, 0, sizeof(*out));
    if (i < n_checks) {
        const struct check_cmd *c = &check_cmds[i];
        out->platform = c->platform;
        out->name = c->name;
        out->args = c->what;
        out->complete = CLI_ARG_FILE;
        out->help = c->help;
        out->opts = scan_opts;
        out->n_opts = sizeof(scan_opts) / sizeof(scan_opts[0]);
        out->flags = c->flags;
        out->kind = (int)c->kind;
        out->run = cmd_scan;
        out->row = c;
        return 1;
    }
    i -= n_checks;
    if (i < sizeof(other_cmds) / sizeof(other_cmds[0])) {
        const struct other_cmd *c = &other_cmds[i];
        out->platform = c->platform;
        out->name = c->name;
        out->args = c->args;
        out->complete = c->complete;
        out->help = c->help;
        out->opts = c->opts;
        out->n_opts = c->n_opts;
        out->kind = -1;
        out->run = c->run;
        out->row = c;
        return 1;
    }
    return 0;
}

/* ---- dispatch ---- */

int main(int argc, char **argv)
{
    struct cli_cmd cmd;
    char name[128];
    int first, n, ret;

#if defined(__GLIBC__)
    /* A module's records are millions of small JSON nodes freed together;
     * glibc's fastbin consolidation then dominated the run (bench/: 5.8 s
     * -> 3.7 s on the 1 GB corpus, same peak memory). */
    mallopt(M_MXFAST, 0);
#endif
    cli_console_init(&cons);
    first = cli_parse_global(argc, argv, lead_iocs.paths,
                             sizeof(lead_iocs.paths) / sizeof(lead_iocs.paths[0]), &lead_iocs.n);
    if (first < 0)
        return first == CLI_HELP ? EXIT_CLEAN : EXIT_ERROR;
    n = cli_find_command(argc - first, argv + first, &cmd);
    if (n < 0)
        return n == CLI_HELP ? EXIT_CLEAN : EXIT_ERROR;
    if (lead_iocs.n && !cli_has_opt(&cmd, "iocs")) {
        cli_cmd_name(&cmd, name, sizeof(name));
        cli_usage_error(&cmd, "--iocs does not apply to %s", name);
        return EXIT_ERROR;
    }
    cmdline = cli_command_line(&cmd, argc, argv);
    if (!cmdline) {
        cli_error("out of memory");
        return EXIT_ERROR;
    }
    install_signals();
    /* the command's last word is its argv[0] */
    first += n - 1;
    ret = cmd.run(&cmd, argc - first, argv + first);
    free(cmdline);
    return ret;
}
