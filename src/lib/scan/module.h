/*
 * What a module is. A module turns one kind of artifact into records
 * (extract) and checks each record as it is made (check_record), with what
 * it learned across records checked at the end (check_finish). Records
 * stream: each is checked, put on the timeline, written and dropped as it
 * is emitted, so memory stays flat however large the artifact. The check
 * sees records only, never the artifact, so records saved as JSON by an
 * earlier run (vigie's or MVT's) can be checked again with new indicators
 * (`vigie check-iocs`).
 *
 * A module declares where its artifacts live (locators, one per kind of
 * source that can hold them) and never learns which source served it.
 *
 * Adding a module: one file in src/lib/modules/<platform>/ defining
 * `const struct vg_module vg_mod_<name>`, and one row in that platform's
 * list.h.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_SCAN_MODULE_H
#define VG_SCAN_MODULE_H

#include <jansson.h>
#include <sqlite3.h>

#include "io/file.h"
#include "scan/record.h"
#include "util/vg.h"

struct vg_run;

enum vg_platform {
    VG_PLATFORM_IOS = 0,
    VG_PLATFORM_ANDROID,
};

/* Where an artifact lives, for one kind of source. path is an fnmatch glob
 * (FNM_PATHNAME) unless said otherwise; for filesystem trees a leading
 * "**\/" stands for any number of folders ("**\/Cache.db"). */
enum vg_loc_kind {
    VG_LOC_BACKUP = 1,        /* iOS backup: domain (exact; a prefix when it ends in
                               * '*', e.g. "AppDomainGroup-*"; NULL any) and the
                               * relative path in it */
    VG_LOC_BACKUP_META,       /* a file of the backup folder itself: "Info.plist" */
    VG_LOC_FS,                /* iOS filesystem: a path from the root,
                               * "private/var/mobile/Library/SMS/sms.db" */
    VG_LOC_SYSDIAG,           /* inside a sysdiagnose: "ps.txt", "crashes_and_spins/ *.ips" */
    VG_LOC_AQF,               /* a file of an AndroidQF acquisition: "packages.json" */
    VG_LOC_BUGREPORT,         /* a member of a bugreport: "FS/data/tombstones/ *" */
    VG_LOC_DUMPSYS,           /* a dumpsys section by service name (path), from a
                               * bugreport's dumpstate text or an AndroidQF
                               * dumpsys.txt; path "------ SYSTEM PROPERTIES" is
                               * dumpstate's getprop block. domain: how the module
                               * decodes the text, which moves where lines and so
                               * sections end (formats/android/dumpsys.h):
                               * "replace" (or NULL), "ignore", "bytes" */
    VG_LOC_ANDROID_BACKUP,    /* a member of an Android backup's tar: "apps/<pkg>/..." */
    VG_LOC_LOGS,              /* newline-delimited log files (intrusion logs): path glob */
    VG_LOC_BACKUP_LISTING,    /* every entry of an iOS backup's manifest: files,
                               * folders and links (path ignored) */
    VG_LOC_FS_LISTING,        /* every entry of a filesystem dump (files, folders,
                               * links), described, not opened; path NULL: all of
                               * them, else those the glob matches */
    VG_LOC_AQF_LISTING,       /* every entry of an AndroidQF acquisition, with its
                               * times (path ignored): the logs/ files' timestamps,
                               * without keeping their bytes */
    VG_LOC_BUGREPORT_LISTING, /* every entry of a bugreport, with its times (path
                               * ignored): BugReportTimestamps, without keeping
                               * the members' bytes */
    VG_LOC_ANDROID_FS,        /* Android filesystem: a path from the root,
                               * "data/data/com.android.chrome/app_chrome/Default/History" */
};
#define VG_LOC_BIT(k) (1u << (unsigned)(k))

struct vg_loc {
    enum vg_loc_kind kind;
    const char *domain;
    const char *path;
};

/* A file a source found: what modules know of it. Strings are borrowed for
 * the duration of the callback that receives it. */
struct vg_file {
    const struct vg_loc *loc; /* the locator that found it */
    const char *display;      /* how to name it: "HomeDomain/Library/SMS/sms.db" */
    const char *domain;       /* backup domain, or NULL */
    const char *path;         /* path in the source (in the domain, for backups) */
    const char *id;           /* the backup's file id, or NULL */
    struct vg_stat st;        /* what is known (st.has says) */
    unsigned flags;           /* VG_FILE_* */
    const char *link;         /* a link's target, or NULL */
    const void *handle;       /* the source's own */
    size_t line;              /* a piece of a text file (a dumpsys section): the
                               * number in the file of the line before its first
                               * (its header), so messages name file lines; 0:
                               * a whole file */
    int listing_flags;        /* the listing's own flags for the entry (a backup
                               * manifest's "flags": 1 file, 2 folder, 4 link,
                               * whatever else it holds), else 0 */
};
#define VG_FILE_ABSENT 0x1u /* listed (manifest) but not stored */
#define VG_FILE_DIR    0x2u
#define VG_FILE_LINK   0x4u
#define VG_FILE_OTHER  0x8u /* not a regular file, folder or link */

struct vg_module {
    const char *name;        /* result name, MVT's: "sms" -> sms.json */
    const char *class_name;  /* "SMS": console, -m, timeline "Plugin" column */
    const char *description; /* one line: what it reads and what it checks */
    const struct vg_loc *locs;
    size_t n_locs;
    /* The record fields check_record and timeline read, by index in this
     * list (an enum in the module): every schema resolves them once. */
    const char *const *fields;
    size_t n_fields;
    int slow; /* skipped by --fast */
    /* Artifact to records (vg_run_emit...). VG_OK unless the module could
     * not run at all; per-artifact problems are warnings and coverage. */
    int (*extract)(struct vg_run *run);
    /* One record to alerts (vg_run_alert). NULL: nothing to check. */
    void (*check_record)(struct vg_run *run, const struct vg_rec *r);
    /* After the last record: checks that relate records through compact
     * state the module kept (vg_run_state), never the records themselves. */
    void (*check_finish)(struct vg_run *run);
    /* One record to timeline events (vg_run_timeline). NULL: none. */
    void (*timeline)(struct vg_run *run, const struct vg_rec *r);
};

/* ---- the run of one module (src/lib/scan/run.c) ---- */

const struct vg_module *vg_run_module(const struct vg_run *run);
const struct vg_iocs *vg_run_iocs(const struct vg_run *run); /* never NULL */
int vg_run_fast(const struct vg_run *run);
enum vg_platform vg_run_platform(const struct vg_run *run);
/* 1 when records come from saved results (check-iocs), not an acquisition. */
int vg_run_rechecking(const struct vg_run *run);
/* The device's time zone (-t, or what the source knows), or NULL: UTC. */
struct vg_tz;
const struct vg_tz *vg_run_tz(const struct vg_run *run);

/* A schema for this module's records (freed with the run). */
int vg_run_schema(struct vg_run *run, const char *const *names, size_t n,
                  const struct vg_schema **out) VG_MUST_CHECK;
/* A schema from a statement's column names, then the extra keys the
 * module adds; *col_key (owned by the run) maps columns to keys. */
int vg_run_schema_stmt(struct vg_run *run, sqlite3_stmt *st, const char *const *extra,
                       size_t n_extra, const struct vg_schema **out,
                       const int **col_key) VG_MUST_CHECK;

/* A record to fill for schema s (reset and reused by the run). */
struct vg_rec *vg_run_rec(struct vg_run *run, const struct vg_schema *s);
/* Emits the record: checked, put on the timeline, written, then reset.
 * A record marked failed (allocation) is not written: the run's sticky
 * error says so. Returns the run's error state (VG_OK to go on). */
int vg_run_emit(struct vg_run *run, struct vg_rec *r) VG_MUST_CHECK;
/* A JSON object as a record (its keys in order make the schema; records
 * with the same keys share one). Takes obj. */
int vg_run_emit_json(struct vg_run *run, json_t *obj) VG_MUST_CHECK;
size_t vg_run_record_count(const struct vg_run *run);
/* Marks the run out of memory (sticky): its module did not complete. */
void vg_run_nomem(struct vg_run *run);

/* An alert on record r (copied into the alert's "event"; NULL: {}); m may
 * be NULL. event_time: "YYYY-MM-DD HH:MM:SS.ffffff" or "". */
void vg_run_alert(struct vg_run *run, enum vg_level level, const struct vg_rec *r,
                  const struct vg_ioc_match *m, const char *event_time, const char *fmt, ...)
    VG_PRINTF(6, 7);
/* The same with the event given as JSON (borrowed). */
void vg_run_alert_json(struct vg_run *run, enum vg_level level, const json_t *event,
                       const struct vg_ioc_match *m, const char *event_time, const char *fmt, ...)
    VG_PRINTF(6, 7);

/* A timeline event, from the timeline callback. */
void vg_run_timeline(struct vg_run *run, const char *timestamp, const char *event,
                     const char *description);

/* A pointer the module may use for state across records (NULL at the
 * start); the module frees what it put there, at the latest in
 * check_finish (which always runs). */
void **vg_run_state(struct vg_run *run);

/* The run's diagnostics (for format layers that report on their own). */
struct vg_diag *vg_run_diag(struct vg_run *run);
/* Diagnostics, tagged with the module name. */
void vg_run_log(struct vg_run *run, enum vg_diag_level level, const char *fmt, ...) VG_PRINTF(3, 4);

/* Coverage: what the module found, what it missed, what it could not read. */
enum vg_cov {
    VG_COV_FOUND = 0,
    VG_COV_MISSING,     /* not in this acquisition */
    VG_COV_UNREADABLE,  /* there but could not be read */
    VG_COV_PARTIAL,     /* read with losses (damaged, salvaged) */
    VG_COV_ABSENT_FILE, /* listed in the manifest, not in the folder */
    VG_COV_SCHEMA,      /* read, but this version's schema lacks a table or column the
                         * module reads ("partial" in output; not a loss of evidence) */
};
void vg_run_coverage(struct vg_run *run, enum vg_cov status, const char *artifact, const char *fmt,
                     ...) VG_PRINTF(4, 5);

/* Facts about the device for info.json's "device" section (takes value). */
void vg_run_device(struct vg_run *run, const char *key, json_t *value);

/* ---- deleted records (scan/recover.c) ---- */

/* Where a module's records come from in a database: the table whose
 * deleted rows become records, and the tables its queries join to it
 * (their deleted rows are joined too, beside the live ones). */
struct vg_recover_spec {
    const char *table;
    const char *const *joined;
    size_t n_joined;
};

/* Recovers the deleted rows of spec->table from f (the database db was
 * opened from, with its -wal) and, for each, runs emit: the module's own
 * query on db, which then reads that one row in place of the table. The
 * records emitted meanwhile go to <module>_recovered.json with where the
 * row was found, through the same checks and onto the timeline, marked.
 * Does nothing on saved results or with --no-recover. A failure is a
 * warning (recovery adds to what was read); VG_E_NOMEM is returned. */
int vg_run_recover(struct vg_run *run, const struct vg_file *f, sqlite3 *db,
                   const struct vg_recover_spec *spec,
                   int (*emit)(struct vg_run *run, sqlite3 *db, void *ud), void *ud) VG_MUST_CHECK;
/* 1 while the record being made is a recovered one (emit may skip what
 * only concerns live rows, such as coverage). */
int vg_run_recovering(const struct vg_run *run);

/* ---- artifacts ---- */

/* Calls cb for every file the source finds for locator loc, in a stable
 * order. Records FOUND / MISSING / ABSENT coverage. Returns the number of
 * files visited or a negative error; cb returns VG_OK to go on. */
int vg_run_find(struct vg_run *run, const struct vg_loc *loc,
                int (*cb)(struct vg_run *run, const struct vg_file *f, void *ud), void *ud);
/* vg_run_find on every locator of the module. */
int vg_run_find_all(struct vg_run *run,
                    int (*cb)(struct vg_run *run, const struct vg_file *f, void *ud), void *ud);

/* The bytes of a found file. On failure: a warning naming the file and
 * UNREADABLE coverage. Free with vg_io_free. */
int vg_run_open(struct vg_run *run, const struct vg_file *f, struct vg_io **out) VG_MUST_CHECK;
/* The file beside f with suffix appended to its path (a database's "-wal"),
 * or VG_E_NOTFOUND (silently) when the source has none. */
int vg_run_open_sibling(struct vg_run *run, const struct vg_file *f, const char *suffix,
                        struct vg_io **out) VG_MUST_CHECK;
/* A whole (small) file in memory, at most max bytes. Free with
 * vg_run_free_data (it may be decrypted plaintext). */
int vg_run_read(struct vg_run *run, const struct vg_file *f, size_t max, unsigned char **data,
                size_t *len) VG_MUST_CHECK;
void vg_run_free_data(unsigned char *data, size_t len);
/* A SQLite database with its -wal applied or hot -journal rolled back, for
 * reading without touching the evidence (formats/sqlite.h). On failure: a
 * warning naming the file and UNREADABLE coverage. Close with
 * vg_sqlite_close. */
int vg_run_open_sqlite(struct vg_run *run, const struct vg_file *f, sqlite3 **db) VG_MUST_CHECK;

#endif
