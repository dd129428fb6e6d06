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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
                 "(give --iocs FILE or set VIGIE_IOCS)");
    else
        cli_info("loaded %zu indicators from %zu files", vg_iocs_count(iocs),
                 vg_iocs_file_count(iocs));
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

/* ---- scans ---- */

enum scan_kind { SCAN_IOS_BACKUP, SCAN_CHECK_IOCS };

static void usage_scan(enum scan_kind kind)
{
    if (kind == SCAN_IOS_BACKUP)
        printf("usage: vigie ios check-backup [--iocs PATH]... [-o DIR] [--list-modules]\n"
               "                              [-m MODULE] [--hashes] [--fast]\n"
               "                              [-p PASSWORD | -k KEYFILE] BACKUP\n"
               "Checks an iTunes/Finder backup (the folder, or the folder holding one backup).\n"
               "  -i, --iocs PATH      STIX2 file or folder (repeatable); also VIGIE_IOCS, "
               "MVT_STIX2\n"
               "  -o, --output DIR     write JSON results, timelines, info.json there\n"
               "  -m, --module NAME    run only this module (repeatable)\n"
               "  -l, --list-modules   list the modules and exit\n"
               "      --hashes         record the SHA-256 of every input file read\n"
               "      --fast           skip slow modules\n");
    else
        printf("usage: vigie check-iocs --iocs PATH [--iocs PATH]... [-o DIR] [-m MODULE] "
               "RESULTS_DIR\n"
               "Re-checks the <module>.json records of an earlier result folder (vigie's or "
               "MVT's)\nwith new indicators.\n");
}

static void list_modules(void)
{
    const char *names[256], *classes[256], *desc[256];
    size_t n = vg_module_list("ios-backup", names, classes, desc, 256), i;

    for (i = 0; i < n && i < 256; i++)
        printf("%-30s %-28s %s\n", classes[i], names[i], desc[i]);
}

static int cmd_scan(enum scan_kind kind, int argc, char **argv, const char *cmdline)
{
    static const struct option opts[] = {
        {"iocs", required_argument, NULL, 'i'},   {"output", required_argument, NULL, 'o'},
        {"module", required_argument, NULL, 'm'}, {"list-modules", no_argument, NULL, 'l'},
        {"hashes", no_argument, NULL, 'H'},       {"fast", no_argument, NULL, 'F'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
    };
    struct ioc_args a = {{NULL}, 0};
    const char *modules[64];
    struct vg_scan_opts so;
    struct vg_summary sum;
    struct vg_iocs *iocs = NULL;
    struct vg_diag *diag = NULL;
    size_t n_modules = 0;
    int c, rc, ret = EXIT_ERROR;

    memset(&so, 0, sizeof(so));
    while ((c = getopt_long(argc, argv, "i:o:m:lh", opts, NULL)) != -1) {
        switch (c) {
        case 'i':
            if (add_ioc_path(&a, optarg) != 0)
                return EXIT_ERROR;
            break;
        case 'o':
            so.output_dir = optarg;
            break;
        case 'm':
            if (n_modules == 64) {
                cli_error("too many -m options");
                return EXIT_ERROR;
            }
            modules[n_modules++] = optarg;
            break;
        case 'l':
            list_modules();
            return EXIT_CLEAN;
        case 'H':
            so.hashes = 1;
            break;
        case 'F':
            so.fast = 1;
            break;
        case 'h':
            usage_scan(kind);
            return EXIT_CLEAN;
        default:
            usage_scan(kind);
            return EXIT_ERROR;
        }
    }
    if (optind + 1 != argc) {
        cli_error(optind >= argc ? "missing the folder to check" : "too many arguments");
        usage_scan(kind);
        return EXIT_ERROR;
    }
    so.target = argv[optind];
    so.modules = n_modules ? modules : NULL;
    so.n_modules = n_modules;
    so.command_line = cmdline;
    so.on_module = cli_module_cb;
    so.ud = &cons;
    if (cli_check_module_names(modules, n_modules) != 0)
        return EXIT_ERROR;

    if (vg_diag_new(cli_diag_cb, &cons, &diag) != VG_OK)
        return EXIT_ERROR;
    if (load_iocs(&a, diag, &iocs) != 0)
        goto out;
    if (kind == SCAN_CHECK_IOCS && vg_iocs_count(iocs) == 0) {
        cli_error("check-iocs needs indicators: give --iocs");
        goto out;
    }
    cli_begin_scan(so.target);
    if (kind == SCAN_IOS_BACKUP)
        rc = vg_ios_check_backup(iocs, &so, diag, &sum);
    else
        rc = vg_check_iocs(iocs, &so, diag, &sum);
    if (rc != VG_OK) {
        cli_error("%s: %s", so.target, vg_strerror(rc));
        goto out;
    }
    cli_print_summary(&sum, so.output_dir);
    ret = vg_summary_has_detections(&sum) ? EXIT_DETECTIONS : EXIT_CLEAN;
out:
    vg_iocs_free(iocs);
    vg_diag_free(diag);
    return ret;
}

/* ---- dispatch ---- */

static void usage(void)
{
    printf("vigie %s: find traces of mercenary spyware in phone acquisitions\n\n"
           "usage: vigie [--quiet|--verbose] [--no-color] COMMAND [ARGS]\n\n"
           "commands:\n"
           "  ios check-backup   check an iTunes/Finder backup\n"
           "  check-iocs         re-check an earlier result folder with new indicators\n"
           "  iocs               list the loaded indicators\n"
           "  version            print the version\n\n"
           "exit status: 0 no detections, 1 detections, 2 error\n",
           VG_VERSION);
}

int main(int argc, char **argv)
{
    char *cmdline;
    int i, ret;

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
    argc -= i;
    argv += i;
    optind = 1;
    if (strcmp(argv[0], "version") == 0) {
        printf("vigie %s\n", VG_VERSION);
        ret = EXIT_CLEAN;
    } else if (strcmp(argv[0], "iocs") == 0) {
        ret = cmd_iocs(argc, argv);
    } else if (strcmp(argv[0], "check-iocs") == 0) {
        ret = cmd_scan(SCAN_CHECK_IOCS, argc, argv, cmdline);
    } else if (strcmp(argv[0], "ios") == 0 && argc >= 2 && strcmp(argv[1], "check-backup") == 0) {
        ret = cmd_scan(SCAN_IOS_BACKUP, argc - 1, argv + 1, cmdline);
    } else {
        cli_error("unknown command: %s (see vigie --help)", argv[0]);
        ret = EXIT_ERROR;
    }
    free(cmdline);
    return ret;
}
