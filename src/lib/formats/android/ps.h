/*
 * ps output as androidqf saves it: ps.txt (before 1.6.1) and processes.txt
 * (1.6.1 on, when the collector could not run), both "ps -A" with a header
 * line; toybox's and old toolbox's columns, with an optional SELinux label
 * first. Columns and the differences from MVT are in
 * docs/formats/androidqf.md.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_FORMATS_ANDROID_PS_H
#define VG_FORMATS_ANDROID_PS_H

#include "formats/android/aqf.h"

/* Delivers MVT's process record per line after the first (the header):
 * {"user": str, "pid": int, "ppid": int, "virtual_memory_size": int,
 *  "resident_set_size": int, "wchan": str, "aprocress": str, "stat": str,
 *  "proc_name": str, "label": str} ("aprocress" is MVT's spelling of the
 * ADDR / PC column). A line that is no process (too few columns, a number
 * that is none) is a warning naming the line, and the next line is read.
 * VG_E_UNSUPPORTED when the text is the collector's JSON (androidqf 1.6.1
 * to 1.7.1 saved it as processes.txt): read that with
 * vg_aqf_processes_parse. Else VG_OK, VG_E_NOMEM, or what the record
 * callback returned. */
int vg_ps_parse(const void *text, size_t len, struct vg_aqf_sink *s) VG_MUST_CHECK;

/* ---- what AQFProcesses checks ---- */

/* Not checked against indicators (MVT: false positives). Records with an
 * empty proc_name are not checked either. proc_name is checked as an app
 * id, then (when that did not match) as a process name: CRITICAL. */
#define VG_PS_SKIP_NAME "gatekeeperd"

#endif
