/*
 * What a module is. A module turns one kind of artifact into records
 * (extract) and records into alerts (check). check sees records only, never
 * the artifact, so records saved as JSON by an earlier run (vigie's or MVT's)
 * can be checked again with new indicators (`vigie check-iocs`).
 *
 * Adding a module: write one file in src/lib/<platform>/ that defines a
 * `const struct vg_module vg_mod_<name>` and add one row to that platform's
 * table (src/lib/ios/modules.c).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_SCAN_MODULE_H
#define VG_SCAN_MODULE_H

#include <jansson.h>
#include <sqlite3.h>

#include "util/vg.h"

struct vg_run;
struct vg_file;

/* Where a module's artifact lives. In a backup: a domain (exact, or a prefix
 * when it ends in '*', e.g. "AppDomainGroup-*"; NULL for any domain) and a
 * relative path (fnmatch glob, e.g. "Library/Safari/Profiles/ * /History.db").
 * In a filesystem dump: fs_path, a glob from the root (NULL: not there). */
struct vg_artifact {
    const char *domain;
    const char *path;
    const char *fs_path;
};

/* Sources a module can read. */
#define VG_SRC_BACKUP 0x1u /* iTunes/Finder backup */
#define VG_SRC_FS     0x2u /* full filesystem dump (future) */
#define VG_SRC_MIXED  (VG_SRC_BACKUP | VG_SRC_FS)

struct vg_module {
    const char *name;        /* result name, MVT's: "sms" -> sms.json */
    const char *class_name;  /* "SMS": console, -m, timeline "Plugin" column */
    const char *description; /* one line: what it reads and what it checks */
    unsigned sources;        /* VG_SRC_* */
    const struct vg_artifact *artifacts;
    size_t n_artifacts;
    int slow; /* skipped by --fast */
    /* Artifact to records: vg_run_add_record(). VG_OK unless the module
     * could not run at all; per-artifact problems are warnings. */
    int (*extract)(struct vg_run *run);
    /* Records to alerts: vg_run_alert(). NULL when there is nothing to check. */
    void (*check)(struct vg_run *run);
    /* Instead of check, for modules whose check of a record needs no other
     * record: the engine then streams (each record is checked, put on the
     * timeline, written and freed as it is added), so memory stays flat
     * however large the artifact. Such a module's extract must not read
     * vg_run_records(). */
    void (*check_record)(struct vg_run *run, const json_t *record);
    /* With check_record: called once after the last record, for checks
     * that relate records to each other through compact state the module
     * kept (vg_run_state) rather than the records themselves. */
    void (*check_finish)(struct vg_run *run);
    /* One record to timeline events: vg_run_timeline(). NULL: none. */
    void (*timeline)(struct vg_run *run, const json_t *record);
};

/* ---- the run of one module (src/lib/scan/run.c) ---- */

const struct vg_module *vg_run_module(const struct vg_run *run);
const struct vg_iocs *vg_run_iocs(const struct vg_run *run); /* never NULL */
int vg_run_fast(const struct vg_run *run);

/* Records: an array of JSON objects. add steals the reference. */
int vg_run_add_record(struct vg_run *run, json_t *record) VG_MUST_CHECK;
json_t *vg_run_records(struct vg_run *run); /* borrowed */
size_t vg_run_record_count(const struct vg_run *run);

/* An alert. record is copied (deep) into the alert's "event"; m may be NULL.
 * event_time: "YYYY-MM-DD HH:MM:SS.ffffff" or "" when the record has none. */
void vg_run_alert(struct vg_run *run, enum vg_level level, const json_t *record,
                  const struct vg_ioc_match *m, const char *event_time, const char *fmt, ...)
    VG_PRINTF(6, 7);

/* A timeline event, from the timeline callback. */
void vg_run_timeline(struct vg_run *run, const char *timestamp, const char *event,
                     const char *description);

/* A pointer the module may use for state across records (NULL at the
 * start); the module frees what it put there, at the latest in
 * check_finish. */
void **vg_run_state(struct vg_run *run);

/* The scan's diagnostics record, for layers below the module (SQLite
 * salvage warnings) that report on their own. */
struct vg_diag *vg_run_diag(struct vg_run *run);

/* Diagnostics, tagged with the module name. */
void vg_run_log(struct vg_run *run, enum vg_diag_level level, const char *fmt, ...) VG_PRINTF(3, 4);

/* Coverage: what the module found, what it missed, what it could not read. */
enum vg_cov {
    VG_COV_FOUND = 0,
    VG_COV_MISSING,     /* not in this acquisition */
    VG_COV_UNREADABLE,  /* there but could not be read */
    VG_COV_PARTIAL,     /* read with losses (salvaged) */
    VG_COV_ABSENT_FILE, /* listed in the manifest, not in the folder */
};
void vg_run_coverage(struct vg_run *run, enum vg_cov status, const char *artifact, const char *fmt,
                     ...) VG_PRINTF(4, 5);

/* ---- artifacts ---- */

/* A file found in the acquisition. Strings borrowed for the callback's
 * duration. */
struct vg_file {
    const char *domain;        /* backup domain, or "" */
    const char *relative_path; /* path in the domain, or in the dump */
    const char *file_id;       /* backup file id, or NULL */
    const char *display;       /* how to name it in messages: "HomeDomain/Library/SMS/sms.db" */
    int64_t size;              /* -1 unknown */
    void *impl;                /* the source's own handle */
};

/* Calls cb for every file matching the artifact (sorted by domain then
 * path, so output is stable). Records FOUND/MISSING coverage. Returns the
 * number of files visited or a negative error. cb returns VG_OK to go on. */
int vg_run_find(struct vg_run *run, const struct vg_artifact *a,
                int (*cb)(struct vg_run *run, const struct vg_file *f, void *ud), void *ud);

/* Opens a SQLite artifact for reading without touching the evidence (see
 * formats/sqlite.h). On failure logs a warning naming the file, records
 * UNREADABLE coverage and returns the error. Close with vg_sqlite_close(). */
int vg_run_open_sqlite(struct vg_run *run, const struct vg_file *f, sqlite3 **db) VG_MUST_CHECK;

/* Reads a whole (small) artifact: plists. Caller frees with vg_run_free_data.
 * Capped at `max` bytes. */
int vg_run_read(struct vg_run *run, const struct vg_file *f, size_t max, unsigned char **data,
                size_t *len) VG_MUST_CHECK;
void vg_run_free_data(unsigned char *data, size_t len);

/* Facts about the device for info.json's "device" section (steals value). */
void vg_run_device(struct vg_run *run, const char *key, json_t *value);

/* Backup-only facts for backup modules (NULL elsewhere). */
struct vg_backup;
struct vg_backup *vg_run_backup(struct vg_run *run);

#endif
