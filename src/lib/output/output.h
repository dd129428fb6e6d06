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

#include <stdint.h>

#include <jansson.h>

#include "util/vg.h"

/* ---- timeline ---- */

struct vg_timeline;

struct vg_out;

int vg_timeline_new(struct vg_timeline **out) VG_MUST_CHECK;
/* Also removes the timeline's run files. */
void vg_timeline_free(struct vg_timeline *tl);
/* Bounds the timeline's memory: past VG_TIMELINE_SPILL_BYTES of events
 * (or the cap set below), the events in memory are sorted, written to a run
 * file in o's folder (.vigie-timeline-<n>.XXXXXX, 0600) and freed. o must
 * outlive tl. Without it everything stays in memory. */
void vg_timeline_set_spill(struct vg_timeline *tl, struct vg_out *o);
void vg_timeline_set_spill_cap(struct vg_timeline *tl, size_t bytes);
/* Run files written so far. */
size_t vg_timeline_runs(const struct vg_timeline *tl);
/* Copies the strings. module: result name ("sms"); plugin: class name
 * ("SMS"). A NULL or empty timestamp sorts first. A failed spill is
 * reported in o's diagnostics and returned once; the timeline is then lost:
 * later events are dropped (VG_OK) and the writers return that error. */
int vg_timeline_add(struct vg_timeline *tl, const char *timestamp, const char *module,
                    const char *plugin, const char *event, const char *description) VG_MUST_CHECK;
/* The same with an order key instead of the insertion number: events with
 * equal timestamps come out in key order, so events added from several
 * threads still come out in one order. The engine's keys are the module's
 * place in its list << VG_TL_MODULE_SHIFT | the event's number in its
 * module. Safe to call from several threads. */
#define VG_TL_MODULE_SHIFT 40
int vg_timeline_add_key(struct vg_timeline *tl, uint64_t key, const char *timestamp,
                        const char *module, const char *plugin, const char *event,
                        const char *description) VG_MUST_CHECK;
/* The same for an event of a record an alert was raised on: tag is
 * "<LEVEL>\t<indicator>" (indicator may be empty), which timeline.jsonl
 * writes as the event's alert_level and indicator. */
int vg_timeline_add_tagged(struct vg_timeline *tl, uint64_t key, const char *timestamp,
                           const char *module, const char *plugin, const char *event,
                           const char *description, const char *tag) VG_MUST_CHECK;
/* Events added, spilled ones included. */
size_t vg_timeline_count(const struct vg_timeline *tl);
/* Stable sort of the events in memory by timestamp; ties keep insertion
 * order. */
void vg_timeline_sort(struct vg_timeline *tl);

/* One event as stored; the strings belong to the timeline and live until it
 * is freed. A missing timestamp reads as "". */
struct vg_timeline_event {
    const char *timestamp;
    const char *module;
    const char *plugin;
    const char *event;
    const char *description;
    const char *tag; /* "" or "<LEVEL>\t<indicator>": an alert on its record */
};
/* The i-th event in memory in the timeline's current order (every event
 * when nothing was spilled); VG_E_INVAL past the end. */
int vg_timeline_get(const struct vg_timeline *tl, size_t i,
                    struct vg_timeline_event *ev) VG_MUST_CHECK;
/* Writers' view: NULL in *order when the events are already in timeline
 * order, else a new array (free it) of event positions in that order. The
 * timeline itself is left as it is. */
int vg_timeline_order(const struct vg_timeline *tl, uint32_t **order) VG_MUST_CHECK;

/* Every event, spilled or not, in timeline order: a merge of the run files
 * and the events in memory, a module's repeated events (same timestamp,
 * event and description) given once. tl may be NULL (no events). The run files are
 * read as untrusted: a damaged one is an error reported in the spill
 * folder's diagnostics, never a crash. */
struct vg_timeline_iter;
int vg_timeline_iter_new(const struct vg_timeline *tl, struct vg_timeline_iter **out) VG_MUST_CHECK;
/* 1: *ev is the next event (its strings valid until the next call); 0: no
 * more; < 0: error. */
int vg_timeline_iter_next(struct vg_timeline_iter *it, struct vg_timeline_event *ev) VG_MUST_CHECK;
void vg_timeline_iter_free(struct vg_timeline_iter *it);

/* ---- JSON formatting (MVT's json.dump(indent=4) look: ASCII, 4 spaces) ---- */

/* Serialises to a new string; NULL on failure (allocation, a value nested
 * deeper than VG_MAX_JSON_DEPTH, or longer than VG_MAX_JSON_DUMP). No
 * trailing newline, as Python's json.dump. */
char *vg_json_dumps(const json_t *v);

/* ---- the output folder ---- */

/* Creates dir (and parents) if needed, mode 0700 for new folders. */
int vg_out_new(const char *dir, struct vg_diag *diag, struct vg_out **out) VG_MUST_CHECK;
void vg_out_free(struct vg_out *o);
/* Two runs must never mix in one folder: when it already holds files vigie
 * writes (info.json, timelines, report.html, <module>.json of the modules
 * given...), VG_E_EXISTS with an error naming them, or with force, those
 * files (and only those) are removed first. */
int vg_out_claim(struct vg_out *o, const char *const *modules, size_t n, int force) VG_MUST_CHECK;
const char *vg_out_dir(const struct vg_out *o);
struct vg_diag *vg_out_diag(const struct vg_out *o);

/* <name>.json with every record, and <name>_detected.json with the
 * module's alerts when it has some. As MVT, a file with nothing to hold (NULL,
 * null, [] or {}) is not written; a copy left by an earlier run in the same
 * folder is removed so the folder never mixes runs. */
int vg_out_module(struct vg_out *o, const char *name, const json_t *records,
                  const json_t *alerts) VG_MUST_CHECK;

/* <name>.json written one record at a time, for modules that do not keep
 * their records in memory. Same bytes as vg_out_module with the whole array.
 * end commits (or, with no record added, removes a stale file); abort
 * discards. Both free r. */
struct vg_out_records;
int vg_out_records_begin(struct vg_out *o, const char *name,
                         struct vg_out_records **out) VG_MUST_CHECK;
int vg_out_records_add(struct vg_out_records *r, const json_t *record) VG_MUST_CHECK;
/* The same for a typed record (scan/record.h). */
struct vg_rec;
int vg_out_records_add_rec(struct vg_out_records *r, const struct vg_rec *rec) VG_MUST_CHECK;
int vg_out_records_end(struct vg_out_records *r) VG_MUST_CHECK;
void vg_out_records_abort(struct vg_out_records *r);

/* <name>_detected.json alone (records were streamed): written when alerts
 * is not empty, a stale copy removed otherwise. */
int vg_out_detected(struct vg_out *o, const char *name, const json_t *alerts) VG_MUST_CHECK;

/* alerts.json: every alert, in the order given (not written when empty). */
int vg_out_alerts(struct vg_out *o, const json_t *alerts) VG_MUST_CHECK;
/* timeline.csv and timeline.jsonl from tl in timeline order (the writer
 * orders a view itself when tl is not sorted). Not written when empty. */
int vg_out_timeline(struct vg_out *o, const struct vg_timeline *tl) VG_MUST_CHECK;
/* Timeline times are the device's wall clock, not UTC (Android: MVT's
 * "Device Local Timestamp" header). */
void vg_out_set_device_time(struct vg_out *o, int device_local);
/* alerts_context.csv: for each dated alert (in alerts_tl's order, at most
 * VG_MAX_CONTEXT_ALERTS), the alert, then every event of tl within
 * half_window seconds of it, interleaved from all modules, with its offset
 * from the alert (at most VG_MAX_CONTEXT_EVENTS per alert, nearest kept).
 * Not written when no alert has a time. Memory: one window of events. */
int vg_out_alerts_context(struct vg_out *o, const struct vg_timeline *alerts_tl,
                          const struct vg_timeline *tl, int half_window) VG_MUST_CHECK;
/* alerts_timeline.csv: one row per alert (event_time, plugin, level,
 * message), in timeline order. Always written, header only when no alert;
 * alerts_tl may be NULL. */
int vg_out_alerts_timeline(struct vg_out *o, const struct vg_timeline *alerts_tl) VG_MUST_CHECK;
/* info.json */
int vg_out_info(struct vg_out *o, const json_t *info) VG_MUST_CHECK;
/* command.log: the command line (secrets already removed) and the date. */
int vg_out_command_log(struct vg_out *o, const char *command_line, const char *date) VG_MUST_CHECK;

/* Writes a whole file in the output folder atomically (temp name, rename).
 * Every name given to a vg_out function is a plain file name: letters,
 * digits, '_', '-', '.', not starting with '.' (temp files do), at most
 * VG_OUT_MAX_NAME bytes; anything else is VG_E_INVAL. */
#define VG_OUT_MAX_NAME 200
int vg_out_write_file(struct vg_out *o, const char *name, const void *data,
                      size_t len) VG_MUST_CHECK;

/* A file the caller writes itself through the output layer's sink
 * (json.h), committed atomically like every other: open, write into the
 * sink, then commit (renames it into place only when rc is VG_OK and every
 * write succeeded) or abort. Both free s. */
struct vg_out_stream;
struct vg_sink;
int vg_out_stream_open(struct vg_out *o, const char *name,
                       struct vg_out_stream **out) VG_MUST_CHECK;
struct vg_sink *vg_out_stream_sink(struct vg_out_stream *s);
int vg_out_stream_commit(struct vg_out_stream *s, int rc) VG_MUST_CHECK;
void vg_out_stream_abort(struct vg_out_stream *s);

#endif
