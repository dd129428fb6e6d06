/*
 * What the intrusion-log modules share (DnsEvent, ConnectEvent,
 * SecurityEvent, as MVT splits them): reading the logs line by line, MVT's
 * de-duplication, its record ("timestamp" added to the event as the log
 * wrote it), and Python's str() for the timeline's words.
 *
 * Each module reads every log file the source serves, in a stream of
 * bounded lines (VG_MAX_IL_LINE: a longer line is skipped with a warning,
 * never held whole), and parses only the lines that can hold its events:
 * a line naming none of the three kinds' keys literally (nor holding a
 * \u escape, which could spell one) cannot, and is left to the others. So
 * every line is parsed about once whichever module reads it, and each
 * line has one owner that reports its problems (too long, not JSON, keys
 * of a kind nobody knows): the first module, in list order, that parses
 * it; SecurityEvent takes the lines that name no known kind at all.
 * Names are looked up in the indicator index (O(length) per name).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_MODULES_ANDROID_IL_COMMON_H
#define VG_MODULES_ANDROID_IL_COMMON_H

#include "formats/android/intrusion.h"
#include "scan/checks.h"
#include "scan/module.h"
#include "util/buf.h"

/* Calls fn for every event of kind in the logs, after the duplicates MVT
 * drops (the same event data seen earlier, in any file). ev->data may be
 * changed (the record is made of it). fn returns VG_OK to go on. Logs
 * "Identified N <what>" at the end. */
int vg_il_each_event(struct vg_run *run, enum vg_il_kind kind, const char *what,
                     int (*fn)(struct vg_run *run, const struct vg_il_event *ev, void *ud),
                     void *ud) VG_MUST_CHECK;

/* MVT's "timestamp" of an event: its time as an isodate in the device's
 * time zone (-t) or UTC; "" when it has none (MVT: None). */
void vg_il_timestamp(struct vg_run *run, const struct vg_il_event *ev,
                     char buf[VG_ISODATE_LEN + 1]);

/* Adds "timestamp" to ev->data (null when there is none), as MVT's
 * process_event does; then a module may add what its check adds. */
int vg_il_set_timestamp(struct vg_run *run, const struct vg_il_event *ev) VG_MUST_CHECK;
/* Emits ev->data as the module's record. */
int vg_il_emit(struct vg_run *run, const struct vg_il_event *ev) VG_MUST_CHECK;

/* Python's str() of a value as MVT's f-strings print it: text as it is,
 * numbers as Python writes them, True/False/None, dicts and lists as their
 * repr(). */
int vg_il_py_str(struct vg_buf *b, const json_t *v) VG_MUST_CHECK;
int vg_il_py_val(struct vg_buf *b, const struct vg_val *v) VG_MUST_CHECK;
/* record.get(field, dflt) printed so: dflt when the record has no such key. */
int vg_il_py_get(struct vg_buf *b, const struct vg_rec *r, int f, const char *dflt) VG_MUST_CHECK;

#endif
