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

/* ---- indicator loading shared by every command ---- */

struct ioc_args {
    const char *paths[64];
    size_t n;
};

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

static int cmd_iocs(int argc, char **argv)
{
    static const struct option opts[] = {
        {"iocs", required_argument, NULL, 'i'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct ioc_args a = {{NULL}, 0};
    struct vg_iocs *iocs = NULL;
    struct vg_diag *diag = NULL;
    int c, rc = EXIT_ERROR;

    while ((c = getopt_long(argc, argv, "i:h", opts, NULL)) != -1) {
        switch (c) {
        case 'i':
            if (add_ioc_path(&a, optarg) != 0)
                return EXIT_ERROR;
            break;
        case 'h':
            printf("usage: vigie iocs [--iocs PATH]...\n"
                   "Lists the loaded indicator collections, per-type counts, files and their "
                   "SHA-256.\n");
            return EXIT_CLEAN;
        default:
            return EXIT_ERROR;
        }
    }
    if (optind != argc) {
        cli_error("unexpected argument: %s", argv[optind]);
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
};

/* The source found an encrypted acquisition and no password was given. */
static int ask_secret(void *ud, const char *what, char *buf, size_t cap)
{
    struct asking *a = ud;
    struct secret *sec = a->sec;
    size_t n;

    if (!a->interactive || cli_secret_prompt(sec, "Backup password") != 1) {
        if (a->android)
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

enum { OPT_FORCE = 256, OPT_COVERAGE, OPT_NO_COLOR };

/* The checks, one row each: `vigie <platform> <name>` (platform NULL: a
 * top-level command) checks an acquisition of kind. */
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

static const struct check_cmd check_cmds[] = {
    {"ios", "check-backup", VG_KIND_IOS_BACKUP, "BACKUP",
     "Checks an iTunes/Finder backup (the folder, or the folder holding one backup).", 1},
    {"ios", "check-fs", VG_KIND_IOS_FS, "DUMP",
     "Checks an iOS full-filesystem dump: a folder, or a tar (gz, zst, xz) or zip of one.", 0},
    {"ios", "check-sysdiagnose", VG_KIND_IOS_SYSDIAG, "SYSDIAGNOSE...",
     "Checks iOS sysdiagnose archives (as the phone wrote them) or their folders;\n"
     "several of one phone at once are merged by time.",
     0},
    {"android", "check-androidqf", VG_KIND_ANDROIDQF, "PATH",
     "Checks an AndroidQF acquisition: its folder, or a zip of it (files at the zip's\n"
     "root, or under one folder).",
     0},
    {"android", "check-backup", VG_KIND_ANDROID_BACKUP, "BACKUP",
     "Checks an adb backup file (encrypted or not) or the folder its tar was unpacked into\n"
     "(apps/...): backup.ab as adb, AndroidQF or abe write it, or abe's tar.",
     CMD_ANDROID_SECRETS},
    {"android", "check-intrusion-logs", VG_KIND_ANDROID_INTRUSION_LOGS, "LOGS",
     "Checks Android 16 intrusion logs: an NDJSON file, a folder of them, or a zip of them\n"
     "(every *.txt below the folder or in the zip, zips inside included).",
     CMD_TIMEZONE},
    {"android", "check-bugreport", VG_KIND_BUGREPORT, "BUGREPORT",
     "Checks an Android bugreport: the zip `adb bugreport` writes, or the folder it was\n"
     "unzipped to.",
     0},
    {NULL, "check-iocs", VG_KIND_RESULTS, "RESULTS_DIR",
     "Re-checks an earlier result folder (vigie's or MVT's) with new indicators: the\n"
     "<module>.json records it holds.",
     0},
};

/* The usage line's own convention: "WHAT..." takes one or more. */
static int takes_several(const struct check_cmd *c)
{
    size_t n = strlen(c->what);
    return n > 3 && strcmp(c->what + n - 3, "...") == 0;
}

static const struct check_cmd *find_check(const char *platform, const char *name)
{
    size_t i;

    for (i = 0; i < sizeof(check_cmds) / sizeof(check_cmds[0]); i++) {
        const struct check_cmd *c = &check_cmds[i];
        if (strcmp(c->name, name) == 0 &&
            ((!c->platform && !platform) ||
             (c->platform && platform && !strcmp(c->platform, platform))))
            return c;
    }
    return NULL;
}

static void usage_scan(const struct check_cmd *c)
{
    printf("usage: vigie %s%s%s [--iocs PATH]... [-o DIR] [--list-modules] [-m MODULE]\n"
           "       [--hashes] [--fast]%s%s %s\n%s\n",
           c->platform ? c->platform : "", c->platform ? " " : "", c->name,
           c->flags & CMD_IOS_SECRETS       ? " [-p PASSWORD | -k KEYFILE]"
           : c->flags & CMD_ANDROID_SECRETS ? " [-p PASSWORD] [-n]"
                                            : "",
           c->flags & CMD_TIMEZONE ? " [-t TIMEZONE]" : "", c->what, c->help);
    printf("  -i, --iocs PATH      STIX2 file or folder (repeatable); also VIGIE_IOCS, "
           "MVT_STIX2\n"
           "  -o, --output DIR     write JSON results, timelines, info.json there\n"
           "  -m, --module NAME    run only this module (repeatable)\n"
           "  -l, --list-modules   list the modules and exit\n"
           "  -H, --hashes         record the SHA-256 of every input file read\n"
           "  -f, --fast           skip slow modules (whole file listings)\n"
           "      --force          -o into a folder holding results: replace them\n"
           "      --coverage       list every place each module looked at\n"
           "  -q, --quiet / -v, --verbose / --no-color   as before the command\n");
    if (c->flags & CMD_IOS_SECRETS)
        printf("  -p, --password PASS  password of an encrypted backup (better: "
               "VIGIE_BACKUP_PASSWORD,\n"
               "                       or let vigie ask); also MVT_BACKUP_PASSWORD\n"
               "  -k, --key-file FILE  key from `vigie ios extract-key` instead of the "
               "password\n");
    if (c->flags & CMD_ANDROID_SECRETS)
        printf("  -p, --backup-password PASS  password of an encrypted backup, asked only when\n"
               "                       it is (better: VIGIE_BACKUP_PASSWORD or\n"
               "                       MVT_ANDROID_BACKUP_PASSWORD, or let vigie ask)\n"
               "  -n, --non-interactive  never ask for a password\n");
    if (c->flags & CMD_TIMEZONE)
        printf("  -t, --timezone ZONE  the device's time zone (e.g. Europe/Paris): times are\n"
               "                       written in it instead of UTC\n");
}

static void list_modules(enum vg_kind kind)
{
    const char *names[256], *classes[256], *desc[256];
    size_t n = vg_module_list(kind, names, classes, desc, 256), i;

    for (i = 0; i < n && i < 256; i++)
        printf("%-30s %-28s %s\n", classes[i], names[i], desc[i]);
}

static int cmd_scan(const struct check_cmd *cmd, int argc, char **argv, const char *cmdline)
{
    /* MVT's option names where they mean the same, and the global ones
     * after the command too */
    static const struct option opts[] = {
        {"iocs", required_argument, NULL, 'i'},
        {"output", required_argument, NULL, 'o'},
        {"module", required_argument, NULL, 'm'},
        {"list-modules", no_argument, NULL, 'l'},
        {"hashes", no_argument, NULL, 'H'},
        {"fast", no_argument, NULL, 'f'},
        {"password", required_argument, NULL, 'p'},
        {"backup-password", required_argument, NULL, 'p'},
        {"key-file", required_argument, NULL, 'k'},
        {"non-interactive", no_argument, NULL, 'n'},
        {"timezone", required_argument, NULL, 't'},
        {"force", no_argument, NULL, OPT_FORCE},
        {"coverage", no_argument, NULL, OPT_COVERAGE},
        {"quiet", no_argument, NULL, 'q'},
        {"verbose", no_argument, NULL, 'v'},
        {"no-color", no_argument, NULL, OPT_NO_COLOR},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct ioc_args a = {{NULL}, 0};
    const char *modules[64];
    struct vg_scan_opts so;
    struct vg_source_opts src_opts;
    struct vg_summary sum;
    struct vg_iocs *iocs = NULL;
    struct vg_diag *diag = NULL;
    struct vg_source *src = NULL;
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
    while ((c = getopt_long(argc, argv, "i:o:m:lhp:k:nt:fHqv", opts, NULL)) != -1) {
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
        case 'q':
            cons.verbosity = 0;
            break;
        case 'v':
            cons.verbosity = 2;
            break;
        case OPT_NO_COLOR:
            cons.color = 0;
            break;
        case 'p':
        case 'k':
            if (!(cmd->flags & (CMD_IOS_SECRETS | CMD_ANDROID_SECRETS)) ||
                (c == 'k' && !(cmd->flags & CMD_IOS_SECRETS))) {
                cli_error("-%c is for encrypted backups (vigie %s)", c,
                          c == 'k' ? "ios check-backup" : "ios/android check-backup");
                goto out;
            }
            if (secret_option(&sec, c, optarg) != 0)
                goto out;
            break;
        case 'n':
            if (!(cmd->flags & CMD_ANDROID_SECRETS)) {
                cli_error("-n is for encrypted backups");
                goto out;
            }
            ask.interactive = 0;
            break;
        case 't':
            if (!(cmd->flags & CMD_TIMEZONE)) {
                cli_error("-t is for logs written without a time zone (vigie android "
                          "check-intrusion-logs)");
                goto out;
            }
            so.timezone = optarg;
            break;
        case 'h':
            usage_scan(cmd);
            ret = EXIT_CLEAN;
            goto out;
        default:
            usage_scan(cmd);
            goto out;
        }
    }
    if (optind >= argc || (optind + 1 != argc && !takes_several(cmd))) {
        cli_error(optind >= argc ? "missing the folder to check" : "too many arguments");
        usage_scan(cmd);
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

static void usage_decrypt(void)
{
    printf("usage: vigie ios decrypt-backup -d DEST [-p PASSWORD | -k KEYFILE] [-w N] BACKUP\n"
           "Writes a decrypted copy of an encrypted backup to DEST (created if needed; an\n"
           "unfinished decryption there is completed). MVT, iLEAPP and vigie read it as an\n"
           "ordinary backup. `vigie ios check-backup` does not need this: it reads encrypted\n"
           "backups in place, without writing plaintext anywhere.\n"
           "  -d, --destination DEST  where to write\n"
           "  -p, --password PASS     the backup password (better: VIGIE_BACKUP_PASSWORD, or\n"
           "                          let vigie ask)\n"
           "  -k, --key-file FILE     key from `vigie ios extract-key` instead\n"
           "  -w, --workers N         threads decrypting (default: one per core)\n");
}

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

static int cmd_decrypt(int argc, char **argv)
{
    static const struct option opts[] = {
        {"destination", required_argument, NULL, 'd'},
        {"password", required_argument, NULL, 'p'},
        {"key-file", required_argument, NULL, 'k'},
        {"workers", required_argument, NULL, 'w'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct vg_decrypt_opts o;
    struct vg_decrypt_summary sum;
    struct vg_diag *diag = NULL;
    struct secret sec;
    char *end = NULL;
    unsigned long w;
    int c, rc, ret = EXIT_ERROR;

    memset(&o, 0, sizeof(o));
    memset(&sec, 0, sizeof(sec));
    while ((c = getopt_long(argc, argv, "d:p:k:w:h", opts, NULL)) != -1) {
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
        case 'h':
            usage_decrypt();
            ret = EXIT_CLEAN;
            goto out;
        default:
            usage_decrypt();
            goto out;
        }
    }
    if (optind + 1 != argc || !o.dest) {
        cli_error(!o.dest ? "missing -d DEST" : "give one backup folder");
        usage_decrypt();
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

static int cmd_extract_key(int argc, char **argv)
{
    static const struct option opts[] = {
        {"password", required_argument, NULL, 'p'},
        {"key-file", required_argument, NULL, 'k'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    unsigned char key[VG_BACKUP_KEY_LEN];
    struct vg_diag *diag = NULL;
    struct secret sec;
    const char *out_path = NULL;
    int c, rc, ret = EXIT_ERROR;

    memset(&sec, 0, sizeof(sec));
    while ((c = getopt_long(argc, argv, "p:k:h", opts, NULL)) != -1) {
        switch (c) {
        case 'p':
            if (secret_option(&sec, c, optarg) != 0)
                goto out;
            break;
        case 'k':
            out_path = optarg;
            break;
        case 'h':
            printf("usage: vigie ios extract-key [-p PASSWORD] [-k KEYFILE] BACKUP\n"
                   "Derives the backup's key from its password (the slow step) and prints it\n"
                   "in hex, or writes it to KEYFILE (mode 0600). Give it to check-backup or\n"
                   "decrypt-backup with -k. It opens the whole backup: keep it as safe as the\n"
                   "password.\n");
            ret = EXIT_CLEAN;
            goto out;
        default:
            goto out;
        }
    }
    if (optind + 1 != argc) {
        cli_error("give one backup folder");
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

static int cmd_download_iocs(int argc, char **argv)
{
    static const struct option opts[] = {
        {"ca-file", required_argument, NULL, 'c'},
        {"index-url", required_argument, NULL, 'u'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct vg_download_opts o;
    struct vg_download_summary sum;
    struct vg_diag *diag = NULL;
    char *dir = NULL;
    int c, rc;

    memset(&o, 0, sizeof(o));
    o.index_url = getenv("VIGIE_IOCS_INDEX_URL");
    o.ca_file = getenv("VIGIE_CA_FILE");
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            o.ca_file = optarg;
            break;
        case 'u':
            o.index_url = optarg;
            break;
        case 'h':
            printf("usage: vigie download-iocs [--index-url URL] [--ca-file FILE]\n"
                   "Downloads the public indicator files (the index MVT reads, and every STIX2\n"
                   "file it lists) into $XDG_DATA_HOME/vigie/indicators, where checks find them.\n"
                   "The only command that uses the network. HTTPS only.\n"
                   "  --index-url URL  another index (also VIGIE_IOCS_INDEX_URL)\n"
                   "  --ca-file FILE   trust these certificate authorities (also VIGIE_CA_FILE)\n");
            return EXIT_CLEAN;
        default:
            return EXIT_ERROR;
        }
    }
    if (optind != argc) {
        cli_error("unexpected argument: %s", argv[optind]);
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

static int cmd_report(int argc, char **argv)
{
    struct vg_diag *diag = NULL;
    int rc;

    if (argc == 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
        printf("usage: vigie report RESULTS_DIR\n"
               "Writes RESULTS_DIR/report.html from the files of a results folder (vigie's or\n"
               "MVT's): one self-contained page, readable offline, with the verdict, the alerts\n"
               "and what happened around each, coverage, warnings and the whole timeline.\n");
        return EXIT_CLEAN;
    }
    if (argc != 2) {
        cli_error("give one results folder (see vigie report --help)");
        return EXIT_ERROR;
    }
    if (vg_diag_new(cli_diag_cb, &cons, &diag) != VG_OK)
        return EXIT_ERROR;
    rc = vg_report(argv[1], diag);
    vg_diag_free(diag);
    if (rc != VG_OK) {
        cli_error("%s: cannot write report.html: %s", argv[1], vg_strerror(rc));
        return EXIT_ERROR;
    }
    if (cons.verbosity >= 1)
        printf("Report written to %s/report.html\n", argv[1]);
    return EXIT_CLEAN;
}

/* ---- dispatch ---- */

/* `vigie android` alone (or with --help): that platform's commands. 1 when
 * word is a platform. */
static int usage_platform(const char *word)
{
    size_t i;
    int found = 0;

    for (i = 0; i < sizeof(check_cmds) / sizeof(check_cmds[0]); i++) {
        const struct check_cmd *c = &check_cmds[i];
        if (!c->platform || strcmp(c->platform, word) != 0)
            continue;
        if (!found)
            printf("usage: vigie %s COMMAND [ARGS] (each: vigie %s COMMAND --help)\n\n", word,
                   word);
        found = 1;
        printf("  %-24s %.*s\n", c->name, (int)strcspn(c->help, ".\n"), c->help);
    }
    if (found && strcmp(word, "ios") == 0)
        printf("  %-24s write a decrypted copy of an encrypted backup\n"
               "  %-24s print the key of an encrypted backup (for -k)\n",
               "decrypt-backup", "extract-key");
    return found;
}

static void usage(void)
{
    size_t i;

    printf("vigie %s: find traces of mercenary spyware in phone acquisitions\n\n"
           "usage: vigie [--quiet|--verbose] [--no-color] COMMAND [ARGS]\n\n"
           "checks (each: vigie COMMAND --help):\n",
           VG_VERSION);
    for (i = 0; i < sizeof(check_cmds) / sizeof(check_cmds[0]); i++) {
        const struct check_cmd *c = &check_cmds[i];
        char name[64];
        snprintf(name, sizeof(name), "%s%s%s", c->platform ? c->platform : "",
                 c->platform ? " " : "", c->name);
        printf("  %-30s %.*s\n", name, (int)strcspn(c->help, ".\n"), c->help);
    }
    printf("\nother commands:\n"
           "  ios decrypt-backup       write a decrypted copy of an encrypted backup\n"
           "  ios extract-key          print the key of an encrypted backup (for -k)\n"
           "  report                   write report.html in a results folder (vigie's or "
           "MVT's)\n"
           "  download-iocs            download the public indicator files (uses the network)\n"
           "  iocs                     list the loaded indicators\n"
           "  version                  print the version\n\n"
           "exit status: 0 no detections, 1 detections, 2 error (or an incomplete check)\n");
}

int main(int argc, char **argv)
{
    const struct check_cmd *check;
    char *cmdline;
    int i, ret;

#if defined(__GLIBC__)
    /* A module's records are millions of small JSON nodes freed together;
     * glibc's fastbin consolidation then dominated the run (bench/: 5.8 s
     * -> 3.7 s on the 1 GB corpus, same peak memory). */
    mallopt(M_MXFAST, 0);
#endif
    cli_console_init(&cons);
    for (i = 1; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "--quiet") == 0 || strcmp(argv[i], "-q") == 0)
            cons.verbosity = 0;
        else if (strcmp(argv[i], "--verbose") == 0 || strcmp(argv[i], "-v") == 0)
            cons.verbosity = 2;
        else if (strcmp(argv[i], "--no-color") == 0)
            cons.color = 0;
        else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage();
            return EXIT_CLEAN;
        } else if (strcmp(argv[i], "--version") == 0) {
            printf("vigie %s\n", VG_VERSION);
            return EXIT_CLEAN;
        } else {
            cli_error("unknown option %s", argv[i]);
            return EXIT_ERROR;
        }
    }
    if (i >= argc) {
        usage();
        return EXIT_ERROR;
    }
    cmdline = cli_command_line(argc, argv);
    if (!cmdline) {
        cli_error("out of memory");
        return EXIT_ERROR;
    }
    install_signals();
    argc -= i;
    argv += i;
    optind = 1;
    if (strcmp(argv[0], "version") == 0) {
        printf("vigie %s\n", VG_VERSION);
        ret = EXIT_CLEAN;
    } else if (strcmp(argv[0], "iocs") == 0) {
        ret = cmd_iocs(argc, argv);
    } else if (strcmp(argv[0], "download-iocs") == 0) {
        ret = cmd_download_iocs(argc, argv);
    } else if (strcmp(argv[0], "report") == 0) {
        ret = cmd_report(argc, argv);
    } else if ((check = find_check(NULL, argv[0])) != NULL) {
        ret = cmd_scan(check, argc, argv, cmdline);
    } else if (argc >= 2 && (check = find_check(argv[0], argv[1])) != NULL) {
        ret = cmd_scan(check, argc - 1, argv + 1, cmdline);
    } else if (strcmp(argv[0], "ios") == 0 && argc >= 2 && strcmp(argv[1], "decrypt-backup") == 0) {
        ret = cmd_decrypt(argc - 1, argv + 1);
    } else if (strcmp(argv[0], "ios") == 0 && argc >= 2 && strcmp(argv[1], "extract-key") == 0) {
        ret = cmd_extract_key(argc - 1, argv + 1);
    } else if ((argc == 1 ||
                (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0))) &&
               usage_platform(argv[0])) {
        ret = argc == 1 ? EXIT_ERROR : EXIT_CLEAN;
    } else {
        cli_error("unknown command: %s (see vigie --help)", argv[0]);
        ret = EXIT_ERROR;
    }
    free(cmdline);
    return ret;
}
