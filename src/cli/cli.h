/* SPDX-License-Identifier: Apache-2.0 */
#ifndef VG_CLI_CLI_H
#define VG_CLI_CLI_H

#include "vigie/vigie.h"

struct console {
    int verbosity; /* 0 quiet, 1 normal, 2 verbose */
    int color;
    /* coverage lines kept for the section printed after the modules */
    char **coverage;
    size_t n_coverage, cap_coverage;
};

extern struct console cons;

void cli_console_init(struct console *c);
void cli_error(const char *fmt, ...) VG_PRINTF(1, 2);
void cli_warn(const char *fmt, ...) VG_PRINTF(1, 2);
void cli_info(const char *fmt, ...) VG_PRINTF(1, 2);

void cli_diag_cb(void *ud, const struct vg_diag_entry *e);
void cli_module_cb(void *ud, const struct vg_module_report *r);
void cli_begin_scan(const char *target);
void cli_print_summary(const struct vg_summary *sum, const char *output_dir);
void cli_print_iocs(const struct vg_iocs *iocs);
int cli_check_module_names(const char *const *names, size_t n);

/* argv joined for command.log, with passwords replaced by "***". */
char *cli_command_line(int argc, char **argv);

#endif
