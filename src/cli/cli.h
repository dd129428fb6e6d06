/* SPDX-License-Identifier: Apache-2.0 */
#ifndef VG_CLI_CLI_H
#define VG_CLI_CLI_H

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

/* argv joined for command.log, with passwords replaced by "***". */
char *cli_command_line(int argc, char **argv);

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

#endif
