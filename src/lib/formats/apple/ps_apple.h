/*
 * The process listings of an iOS sysdiagnose: ps.txt, ps_thread.txt (BSD ps
 * output, one header line naming the columns) and taskinfo.txt (one block of
 * "key: value" lines per process). Records use the field names EC-DIGIT-
 * CSIRC's sysdiagnose framework (SAF) gives them, MVT having no module for
 * these files. Layouts, field types and sources: docs/formats/ps-apple.md.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_FORMATS_APPLE_PS_APPLE_H
#define VG_FORMATS_APPLE_PS_APPLE_H

#include <jansson.h>

#include "util/vg.h"
#include "util/text.h"

enum vg_ps_apple_file {
    VG_PS_APPLE_PS,      /* ps.txt: one row per process */
    VG_PS_APPLE_THREADS, /* ps_thread.txt: a process row, then an indented row per other thread */
};

/* Appends one JSON object per process row of text[0..len) to records: a
 * key per header column (SAF's: the header name in lower case, anything but
 * [a-z0-9%] as '_'; "PID" gives "pid", "%CPU" "%cpu", "F" "f"), integers for
 * the id, size and nice columns, reals for %cpu and %mem, strings for the
 * rest, null for a column the row lacks; COMMAND holds the rest of the line.
 * ps_thread.txt records also get "threads" (its row and the indented rows
 * after it). A row that does not fit the header is kept as far as it goes,
 * with a warning naming the line. VG_E_CORRUPT (and an error in diag) when
 * there is no header with PID and COMMAND; VG_E_LIMIT past VG_MAX_PS_FILE;
 * VG_E_NOMEM. */
int vg_ps_apple_parse(const void *text, size_t len, enum vg_ps_apple_file kind, const char *name,
                      struct vg_diag *diag, json_t *records) VG_MUST_CHECK;

/* Appends one JSON object per "process:" block of taskinfo.txt:
 *   "name" (str), "pid" (int or null), "unique_id" (int or null),
 *   "process" (the line's value as written, SAF's key), then every
 *   "key: value" line of the block as a string under its key (SAF's keys,
 *   e.g. "architecture", "run time"); indented lines under a key become an
 *   object under it; "threads" is the number of "thread ID:" entries.
 * *num_tasks gets the "num tasks: N" header, or -1. VG_E_CORRUPT when the
 * text holds neither that header nor a process block; VG_E_LIMIT past
 * VG_MAX_TASKINFO_FILE; VG_E_NOMEM. */
int vg_ps_apple_taskinfo(const void *text, size_t len, const char *name, struct vg_diag *diag,
                         json_t *records, int64_t *num_tasks) VG_MUST_CHECK;

/* SAF's key for a ps header name, into buf (cap bytes, cut to fit). */
void vg_ps_apple_key(struct vg_str header, char *buf, size_t cap);

#endif
