/* SPDX-License-Identifier: Apache-2.0 */
#ifndef VG_CLI_CLI_H
#define VG_CLI_CLI_H

#include <getopt.h>
#include <stdio.h>

#include "vigie/vigie.h"

struct console {
    int verbosity; /* 0 quiet, 1 normal, 2 verbose */
    int color;
    int coverage_all;  /* --coverage: every coverage line */
    size_t warnings;   /* warnings printed */
    int no_indicators; /* the check ran without indicators */
    int status;        /* a status line is on the terminal (stderr) */
    /* coverage lines kept for the section printed after the modules; the
     * ones that say something is missing or unreadable are counted */
    char **coverage;
    size_t n_coverage, cap_coverage;
    size_t n_problems, n_places, n_found;
};

extern struct console cons;

void cli_console_init(struct console *c);
void cli_error(const char *fmt, ...) VG_PRINTF(1, 2);
void cli_warn(const char *fmt, ...) VG_PRINTF(1, 2);
void cli_info(const char *fmt, ...) VG_PRINTF(1, 2);

void cli_diag_cb(void *ud, const struct vg_diag_entry *e);
void cli_module_cb(void *ud, const struct vg_module_report *r);
void cli_begin_scan(const char *target);
/* A status line on a terminal: a module running, a slow step. Cleared by
 * whatever is printed next. */
void cli_progress_module(void *ud, const char *module, size_t records);
void cli_status(void *ud, const char *what);
void cli_clear_status(void);
/* The device summary the acquisition gives (model, OS, build, name). */
void cli_print_device(const struct vg_source *src);
void cli_print_summary(const struct vg_summary *sum, const char *output_dir);
void cli_print_iocs(const struct vg_iocs *iocs);
int cli_check_module_names(enum vg_kind kind, const char *const *names, size_t n);

/* Encrypted backups: the password or key (secret.c). Every function that
 * can fail prints why and returns -1. */
struct secret {
    char *password; /* owned copy, wiped by cli_secret_free */
    unsigned char key[VG_BACKUP_KEY_LEN];
    int have_key;
};
void cli_secret_free(struct secret *s);
/* Copies arg and blanks it in argv. */
int cli_secret_set_password(struct secret *s, char *arg);
int cli_secret_read_key_file(struct secret *s, const char *path);
/* 1 when a password variable is set, 0 when none is: VIGIE_BACKUP_PASSWORD,
 * MVT_BACKUP_PASSWORD, then MVT's own for the platform (android: 1). */
int cli_secret_from_env(struct secret *s, int android);
/* Asks on the terminal without echo: 1 read, 0 no terminal to ask on. */
int cli_secret_prompt(struct secret *s, const char *what);
/* 64 hex digits and a newline, to stdout (path NULL) or a 0600 file. */
int cli_secret_write_key(const unsigned char key[VG_BACKUP_KEY_LEN], const char *path);
/* For signal handlers: echo back on if a prompt was cut short. */
void cli_secret_restore_tty(void);

/* decrypt-backup's progress bar on a terminal (bytes, rate, time left). */
void cli_progress_cb(void *ud, const struct vg_decrypt_progress *p);
void cli_progress_end(void);

/* ---- commands and options as tables (usage.c) ----
 * One row per option and per command drives getopt, the help, the error
 * messages and the shell completions, so none of them can drift. */

/* What completes an argument. */
enum cli_arg {
    CLI_ARG_NONE,    /* a flag, or free text */
    CLI_ARG_FILE,    /* a file or a folder */
    CLI_ARG_DIR,     /* a folder */
    CLI_ARG_MODULE,  /* a module name of the command's acquisition type */
    CLI_ARG_COMMAND, /* a platform or command name (vigie help) */
    CLI_ARG_SECRET,  /* a password: never completed, kept out of command.log */
};

/* Values for long-only options: the commands' own start at 256, the
 * global ones at CLI_OPT_GLOBAL. */
#define CLI_OPT_GLOBAL 1000

struct cli_opt {
    const char *name;      /* long name, without "--" */
    int key;               /* short letter, or a value >= 256 (long only) */
    const char *arg;       /* the argument's name in the help; NULL: takes none */
    enum cli_arg complete; /* what completes the argument */
    int when;              /* 0: always; else the command needs one of these flags */
    const char *help;      /* a newline continues it on an indented line */
};

struct cli_cmd {
    const char *platform;       /* NULL: a top-level command */
    const char *name;           /* "check-backup" */
    const char *args;           /* its arguments in the usage line */
    enum cli_arg complete;      /* what completes them */
    const char *help;           /* up to the first '.' or newline: the summary */
    const struct cli_opt *opts; /* its own options; the global ones come on top */
    size_t n_opts;
    int flags; /* selects the rows of opts with a `when` */
    int kind;  /* enum vg_kind of a check, -1 otherwise */
    int (*run)(const struct cli_cmd *cmd, int argc, char **argv);
    const void *row; /* the table row it was made from */
};

/* The command table (main.c): row i in *out, 0 past the end. */
int cli_command_at(size_t i, struct cli_cmd *out);

/* Options of any command after the command's own: -q, -v, --no-color, -h. */
#define CLI_MAX_OPTS 48
struct cli_parser {
    const struct cli_cmd *cmd;
    struct option lo_buf[CLI_MAX_OPTS + 1];
    char shorts[3 * CLI_MAX_OPTS + 2];
};
/* What cli_next_opt returns besides an option's key. */
#define CLI_END   (-1) /* no more options: the arguments start at optind */
#define CLI_HELP  (-2) /* the command's help was printed: exit 0 */
#define CLI_ERROR (-3) /* an error line was printed: exit 2 */
void cli_parser_init(struct cli_parser *p, const struct cli_cmd *cmd);
/* The next of the command's own options (getopt's key; optarg set). The
 * global options are applied here and not returned. */
int cli_next_opt(struct cli_parser *p, int argc, char **argv);
/* "error: MESSAGE (see vigie help CMD)". */
void cli_usage_error(const struct cli_cmd *cmd, const char *fmt, ...) VG_PRINTF(2, 3);
/* The name as typed: "ios check-backup", "report". */
void cli_cmd_name(const struct cli_cmd *cmd, char *buf, size_t cap);

/* Before the command: the global options, -i/--iocs and --version.
 * Returns the index of the command word, or -(exit status) when done
 * (help or version printed, or an error). iocs[] gets -i's values. */
int cli_parse_global(int argc, char **argv, const char **iocs, size_t cap, size_t *n_iocs);
/* Finds the command argv[0] names (argv[1] too after a platform): the
 * number of words it took, or 0 after printing why there is none. */
int cli_find_command(int argc, char **argv, struct cli_cmd *out);
int cli_has_opt(const struct cli_cmd *cmd, const char *name);

void cli_help_main(FILE *f);
/* 0 when word names no platform. */
int cli_help_platform(FILE *f, const char *platform);
void cli_help_cmd(FILE *f, const struct cli_cmd *cmd);
/* vigie help [PLATFORM] [COMMAND] */
int cli_cmd_help(const struct cli_cmd *cmd, int argc, char **argv);
/* The hidden `vigie --complete-words WORD... CURRENT` the shell completions
 * call: the candidates for CURRENT, one a line ("word\tsummary"), and
 * ":file" or ":dir" when file names complete it. */
void cli_complete(int argc, char **argv);
/* argv joined for command.log, with the values of cmd's CLI_ARG_SECRET
 * options replaced by "***". */
char *cli_command_line(const struct cli_cmd *cmd, int argc, char **argv);

#endif
