/*
 * Result writers. MVT's file conventions, so analysts' habits and scripts
 * carry over: <module>.json, <module>_detected.json, alerts.json,
 * timeline.csv, alerts_timeline.csv, info.json, command.log; plus
 * timeline.jsonl for Timesketch. Every writer is deterministic: same input,
 * same bytes.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_OUTPUT_OUTPUT_H
#define VG_OUTPUT_OUTPUT_H

#include <jansson.h>

#include "util/vg.h"

/* ---- timeline ---- */

struct vg_timeline;

int vg_timeline_new(struct vg_timeline **out) VG_MUST_CHECK;
void vg_timeline_free(struct vg_timeline *tl);
/* Copies the strings. module: result name ("sms"); plugin: class name
 * ("SMS"). A NULL or empty timestamp sorts first. */
int vg_timeline_add(struct vg_timeline *tl, const char *timestamp, const char *module,
                    const char *plugin, const char *event, const char *description) VG_MUST_CHECK;
size_t vg_timeline_count(const struct vg_timeline *tl);
/* Stable sort by timestamp; ties keep insertion order. */
void vg_timeline_sort(struct vg_timeline *tl);

/* ---- JSON formatting (MVT's json.dump(indent=4) look: ASCII, 4 spaces) ---- */

/* Serialises to a new string; NULL on failure. */
char *vg_json_dumps(const json_t *v);

/* ---- the output folder ---- */

struct vg_out;

/* Creates dir (and parents) if needed, mode 0700 for new folders. */
int vg_out_new(const char *dir, struct vg_diag *diag, struct vg_out **out) VG_MUST_CHECK;
void vg_out_free(struct vg_out *o);
const char *vg_out_dir(const struct vg_out *o);

/* <name>.json with every record, and <name>_detected.json with the
 * module's alerts when it has some. */
int vg_out_module(struct vg_out *o, const char *name, const json_t *records,
                  const json_t *alerts) VG_MUST_CHECK;
/* alerts.json: every alert, in the order given. */
int vg_out_alerts(struct vg_out *o, const json_t *alerts) VG_MUST_CHECK;
/* timeline.csv and timeline.jsonl from tl (sorted by the caller). */
int vg_out_timeline(struct vg_out *o, const struct vg_timeline *tl) VG_MUST_CHECK;
/* alerts_timeline.csv: one row per alert (event_time, plugin, level,
 * message), sorted like the timeline. plugins maps module name to class name. */
int vg_out_alerts_timeline(struct vg_out *o, const struct vg_timeline *alerts_tl) VG_MUST_CHECK;
/* info.json */
int vg_out_info(struct vg_out *o, const json_t *info) VG_MUST_CHECK;
/* command.log: the command line (secrets already removed) and the date. */
int vg_out_command_log(struct vg_out *o, const char *command_line, const char *date) VG_MUST_CHECK;

/* Writes a whole file in the output folder atomically (temp name, rename). */
int vg_out_write_file(struct vg_out *o, const char *name, const void *data,
                      size_t len) VG_MUST_CHECK;

#endif
