/*
 * report.html: one self-contained page a person can read, built from the
 * files of a results folder (vigie's or MVT's): the verdict and what it
 * means, the device, the alerts each with the events of every module around
 * it, coverage, warnings, indicator files, and the whole timeline behind
 * filters. See docs/report.md.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_OUTPUT_REPORT_H
#define VG_OUTPUT_REPORT_H

#include "util/vg.h"

/* Reads results_dir (which must exist) and writes results_dir/report.html
 * atomically. Every input file is optional; a missing or damaged one leaves
 * its section saying so (and a warning in diag), never a failed report.
 * Memory stays flat whatever the size of timeline.csv: it is read twice,
 * line by line, and written as it is read. Same folder, same bytes. */
int vg_report_write(const char *results_dir, struct vg_diag *diag) VG_MUST_CHECK;

#endif
