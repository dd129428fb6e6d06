/*
 * The iOS module tests' one helper library: builds fixture backups, runs a
 * module through the public API (the same path as `vigie ios check-backup
 * -m MODULE -o DIR`) with indicators given inline, runs check-iocs on saved
 * records, compares with MVT's results on its test backup, and looks
 * things up in what came out. Helpers that check something fail the
 * running cmocka test.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_TESTS_IOS_HARNESS_H
#define VG_TESTS_IOS_HARNESS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>

#include "fixture.h"
#include "fsdump.h"
#include "vigie/vigie.h"

/* ---- runs ---- */

struct vgh_result {
    int rc; /* vg_ios_check_backup's return */
    struct vg_summary sum;
    json_t *records;   /* <module>.json, or an empty array when not written */
    json_t *alerts;    /* <module>_detected.json, or an empty array */
    json_t *recovered; /* <module>_recovered.json, or an empty array */
    json_t *info;      /* info.json */
    char *timeline;    /* timeline.csv contents ("" when absent) */
    size_t warnings;   /* diagnostics of level WARN or ERROR */
    char *diag_text;   /* every diagnostic, one per line, for asserts */
};

/* A STIX2 bundle with one indicator per pattern, all "indicating" one
 * malware named "TestMalware". patterns: NULL-terminated, e.g.
 * "[domain-name:value='example.org']". Returns the JSON text (free it). */
char *vgh_bundle(const char *const *patterns);

/* Runs module `module` on the backup at dir with the bundle text (may be
 * NULL: no indicators). Fills r; free with vgh_result_free. */
void vgh_run(const char *dir, const char *bundle, const char *module, struct vgh_result *r);
/* The same on any kind of acquisition (VG_KIND_IOS_FS: a filesystem dump,
 * folder or archive), with --fast or not. */
void vgh_run_src(enum vg_kind kind, const char *path, const char *bundle, const char *module,
                 int fast, struct vgh_result *r);
/* Runs that follow do not recover deleted rows (--no-recover) when 1. */
extern int vgh_no_recover;
/* Runs that follow link no events into stories (--no-correlate) when 1. */
extern int vgh_no_correlate;
void vgh_result_free(struct vgh_result *r);
/* The same on an iOS filesystem dump (a folder holding private/var). */
void vgh_run_fs(const char *dir, const char *bundle, const char *module, struct vgh_result *r);
/* vgh_run with one indicator per pattern (patterns may be NULL), which
 * must succeed. */
void vgh_run_ok(const char *dir, const char *const *patterns, const char *module,
                struct vgh_result *r);

/* vgh_run_ok on an artifact that cannot be read: no records, and at least
 * one warning, which names `names` when it is not NULL. r stays filled for
 * more checks. */
void vgh_run_unreadable(const char *dir, const char *const *patterns, const char *module,
                        const char *names, struct vgh_result *r);

/* check-iocs on a folder holding only <module>.json with records: the
 * alerts it wrote (an empty array when none). bundle may be NULL. */
json_t *vgh_check_records(const char *module, const json_t *records, const char *bundle);
/* Same with one indicator per pattern. */
json_t *vgh_check_patterns(const char *module, const json_t *records, const char *const *patterns);
/* check-iocs on <module>.json holding records_json byte for byte (as MVT
 * wrote it): the alerts, the records check-iocs wrote back, its summary. */
struct vgh_check {
    json_t *alerts;  /* <module>_detected.json, or an empty array */
    json_t *records; /* <module>.json written by check-iocs, or an empty array */
    struct vg_summary sum;
};
void vgh_check_saved(const char *module, const char *records_json, const char *bundle,
                     struct vgh_check *c);
void vgh_check_free(struct vgh_check *c);

/* ---- filesystem dumps ---- */

/* fs written as a folder dump, module run on it with one indicator per
 * pattern (patterns may be NULL), which must succeed. The folder is
 * removed. */
void vgh_run_dump(const struct vgfix_fs *fs, const char *const *patterns, const char *module,
                  int fast, struct vgh_result *r);
/* The same for a dump of kind (VG_KIND_ANDROID_FS: paths from data/...). */
void vgh_run_dump_kind(enum vg_kind kind, const struct vgfix_fs *fs, const char *const *patterns,
                       const char *module, int fast, struct vgh_result *r);
/* A SQLite database built by the SQL script, added to fs at path. */
void vgh_fs_sql(struct vgfix_fs *fs, const char *path, const char *sql);

/* ---- fixture backups (free the folder with vgh_cleanup) ---- */

char *vgh_path_join(const char *a, const char *b);
void vgh_cleanup(char *dir);

/* One file of a fixture backup: an SQL script run on a fresh database, raw
 * bytes (for files that are not SQLite), or what fill writes at the path
 * it is given. */
struct vgh_file {
    const char *domain;
    const char *relpath;
    const char *sql;
    const void *raw;
    size_t raw_len;
    void (*fill)(const char *path);
};
char *vgh_backup(const struct vgh_file *files, size_t n);
/* A backup holding data at domain/relpath. */
char *vgh_backup_bytes(const char *domain, const char *relpath, const void *data, size_t len);
/* Same with a plist (taken: freed here). */
char *vgh_backup_plist(const char *domain, const char *relpath, plist_t p,
                       enum vgfix_plist_fmt fmt);
/* A backup holding one file at domain/relpath: written by fill at the path
 * it is given, or the text raw when fill is NULL. */
char *vgh_backup_db(const char *domain, const char *relpath, void (*fill)(const char *db),
                    const char *raw);
/* A backup holding one database built by two SQL scripts (sql2 may be
 * NULL). */
char *vgh_backup_sql(const char *domain, const char *relpath, const char *sql, const char *sql2);

/* ---- MVT's test backup and results (../shared/mvt-artifacts) ---- */

/* MVT's test indicators as bundle text, or NULL (after saying so) when
 * ../shared is not there. */
char *vgh_mvt_bundle(void);
/* A file MVT wrote on its test backup with those indicators
 * (mvt-results/ios-backup-testiocs/<name>), or NULL when it is absent. */
json_t *vgh_mvt_result(const char *name);
/* The text of that file, or NULL. */
char *vgh_mvt_result_text(const char *name);
/* Runs module on MVT's test backup with MVT's test indicators; returns 0
 * (after printing why) when ../shared is not there. */
int vgh_run_mvt_backup(const char *module, struct vgh_result *r);
/* MVT ran the module on its test backup and found nothing: so must we,
 * without warnings or a failure. Skipped without ../shared. */
void vgh_mvt_backup_empty(const char *module);
/* MVT's test backup lists the module's database in Manifest.db but does
 * not hold it (MVT: "unable to find the module's database file"): no
 * records, an "absent" coverage entry naming it, and no warning but the
 * scan's own one about the absent file. */
void vgh_mvt_backup_absent(const char *module, const char *relpath);
/* The run's records are those in MVT's result file name. */
void vgh_assert_mvt_records(const struct vgh_result *r, const char *name);
/* The run's timeline rows of plugin are MVT's (n of them), in any order. */
void vgh_assert_mvt_timeline(const struct vgh_result *r, const char *plugin, size_t n);
/* got and MVT's want have the same alerts, equal in each of the keys. */
void vgh_assert_alerts_equal(const json_t *got, const json_t *want, const char *const *keys,
                             size_t n_keys);

/* ---- lookups ---- */

/* obj[key] as a string, or "(absent or not a string)". */
const char *vgh_str(const json_t *obj, const char *key);
/* obj[key], which must be a string. */
const char *vgh_must_str(const json_t *obj, const char *key);
void vgh_assert_null(const json_t *obj, const char *key);
json_int_t vgh_int(const json_t *obj, const char *key);
double vgh_real(const json_t *obj, const char *key);
/* The keys of obj, in order, joined with ','. */
void vgh_assert_keys(const json_t *obj, const char *expected);
/* The first record whose key equals value, or NULL. */
const json_t *vgh_find_record(const json_t *records, const char *key, const char *value);

/* Alerts: how many at level; the one at level whose message contains
 * needle (or NULL); alert i of a run (which must be there); the message of
 * alert i (or ""). */
size_t vgh_count_level(const json_t *alerts, const char *level);
const json_t *vgh_find_alert(const json_t *alerts, const char *level, const char *needle);
const json_t *vgh_alert(const struct vgh_result *r, size_t i);
const char *vgh_alert_message(const struct vgh_result *r, size_t i);
/* The alert's level and matched indicator (value, type, "TestMalware"). */
void vgh_assert_alert(const json_t *a, const char *level, const char *ioc_value,
                      const char *ioc_type);

/* The timeline has this row (fields as written, quotes doubled here). */
int vgh_tl_has(const struct vgh_result *r, const char *ts, const char *plugin, const char *event,
               const char *desc);
/* Timeline rows of one plugin (class name). */
size_t vgh_tl_count(const struct vgh_result *r, const char *plugin);
/* The rows of one plugin in a timeline.csv text, sorted (MVT's timeline
 * comes from a set: rows with one timestamp are in any order). Free with
 * vgh_free_rows. */
size_t vgh_plugin_rows(const char *csv, const char *plugin, char ***out);
void vgh_free_rows(char **rows, size_t n);

/* Coverage entries of the module with this status whose artifact contains
 * `artifact` (NULL: any). */
size_t vgh_coverage(const struct vgh_result *r, const char *module, const char *status,
                    const char *artifact);

#endif
