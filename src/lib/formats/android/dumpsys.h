/*
 * Android dumpsys text: the dumpstate text of an adb bugreport
 * (bugreport-*.txt, named by main_entry.txt) and AndroidQF's dumpsys.txt.
 * Both are a run of services, each opened by a header line
 * "DUMP OF SERVICE [HIGH |CRITICAL ]<name>:" and ended by a line of dashes.
 * The grammar, each parser's line grammar and records, and MVT's checks on
 * them are in docs/formats/dumpsys.md.
 *
 * The section splitter and every parser follow MVT (mvt-project/mvt
 * 2026.7.29) line for line, so the records are MVT's: same keys, same key
 * order, same value types. Where MVT would raise an exception (a line it
 * cannot split), vigie warns naming the line and goes on.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_FORMATS_ANDROID_DUMPSYS_H
#define VG_FORMATS_ANDROID_DUMPSYS_H

#include <jansson.h>

#include "util/vg.h"
#include "util/buf.h"
#include "util/text.h"

/* How MVT decodes the text before it splits it; each of its modules picks
 * one, and the choice can change where lines and sections end. */
enum vg_dumpsys_dec {
    VG_DUMPSYS_REPLACE = 0, /* .decode("utf-8", errors="replace"), str.splitlines() */
    VG_DUMPSYS_IGNORE,      /* .decode("utf-8", errors="ignore"), str.splitlines() */
    VG_DUMPSYS_BYTES,       /* bytes as they are, bytes.splitlines() */
};

/* dumpstate dumps some services twice: a CRITICAL or HIGH priority pass,
 * then the normal one. */
enum vg_dumpsys_prio {
    VG_DUMPSYS_PRIO_NORMAL = 0,
    VG_DUMPSYS_PRIO_HIGH,
    VG_DUMPSYS_PRIO_CRITICAL,
};

/* One service's dump. Slices borrow the text (or, for a header that had
 * to be decoded, the iterator: valid until its next call). */
struct vg_dumpsys_section {
    struct vg_str name;    /* between "DUMP OF SERVICE " and ":": "CRITICAL cpuinfo" */
    struct vg_str service; /* the name without its priority: "cpuinfo" */
    enum vg_dumpsys_prio prio;
    /* From the line after the header up to the line before the next
     * delimiter, without that last line's end (MVT joins the lines). */
    struct vg_str body;
    size_t line;   /* the header's line number (from 1); 0: no header */
    size_t offset; /* the header's byte offset */
    int ended;     /* 1: a delimiter ended it; 0: the text ran out first */
    enum vg_dumpsys_dec dec;
};

/* ---- splitting ----
 *
 * A header is a line whose stripped text starts with "DUMP OF SERVICE "
 * and ends with ":"; a delimiter is a line whose stripped text starts with
 * 78 dashes. A section runs from its header to the next delimiter, as in
 * MVT's extract_dumpsys_section(), so a header met before the delimiter
 * starts a section nested in the one before (both end at the delimiter),
 * and a later line equal to the section's own header is not part of it. */

struct vg_dumpsys_iter {
    const char *text;
    size_t len;
    enum vg_dumpsys_dec dec;
    struct vg_lines lines;
    size_t end_off;  /* the delimiter (or the end) closing the current run */
    size_t body_end; /* end of the last line's text before it */
    int end_known;   /* end_off is valid for headers before it */
    int ended;
    size_t count; /* headers returned */
    struct vg_buf scratch;
};

/* VG_E_LIMIT when len is over VG_MAX_DUMPSYS_TEXT. */
int vg_dumpsys_iter_init(struct vg_dumpsys_iter *it, const void *text, size_t len,
                         enum vg_dumpsys_dec dec) VG_MUST_CHECK;
/* 1 and the next section in text order, 0 at the end, VG_E_LIMIT past
 * VG_MAX_DUMPSYS_SECTIONS headers, VG_E_NOMEM. */
int vg_dumpsys_iter_next(struct vg_dumpsys_iter *it, struct vg_dumpsys_section *out);
void vg_dumpsys_iter_free(struct vg_dumpsys_iter *it);

/* The first section whose header is exactly "DUMP OF SERVICE <name>:"
 * (so "CRITICAL cpuinfo" names a priority pass), as MVT looks it up.
 * VG_E_NOTFOUND when there is none; name and service then borrow name. */
int vg_dumpsys_find(const void *text, size_t len, const char *name, enum vg_dumpsys_dec dec,
                    struct vg_dumpsys_section *out) VG_MUST_CHECK;

/* The whole text as one section without a header (a file holding one
 * service's dump, as MVT's artifact tests read them). */
void vg_dumpsys_whole(const void *text, size_t len, enum vg_dumpsys_dec dec,
                      struct vg_dumpsys_section *out);

/* ---- a section's lines ----
 *
 * Lines cut with the section's Python rule, decoded as its dec says
 * (REPLACE: invalid UTF-8 becomes U+FFFD; IGNORE: it is dropped; BYTES:
 * untouched), without the lines MVT leaves out. */

struct vg_dumpsys_lines {
    const struct vg_dumpsys_section *sec;
    struct vg_lines l;
    struct vg_buf buf;
    size_t lineno; /* line number in the text of the line last returned */
};

void vg_dumpsys_lines_init(struct vg_dumpsys_lines *r, const struct vg_dumpsys_section *sec);
/* 1 and a line (valid until the next call), 0 at the end, VG_E_NOMEM. */
int vg_dumpsys_lines_next(struct vg_dumpsys_lines *r, struct vg_str *line);
void vg_dumpsys_lines_free(struct vg_dumpsys_lines *r);

/* ---- records ----
 *
 * A parser turns one section into records, JSON objects with MVT's keys in
 * MVT's order, and hands each to record() as soon as it is complete: the
 * callback owns it (json_decref it), and returns VG_OK to go on or an
 * error, which stops the parse and is returned. Lines MVT cannot handle
 * are skipped with a warning in diag (when not NULL) naming where and the
 * line number; warnings counts them (messages stop after
 * VG_MAX_DUMPSYS_WARNINGS). */

struct vg_dumpsys_sink {
    int (*record)(void *ud, json_t *record);
    void *ud;
    struct vg_diag *diag;
    const char *where; /* the file, for messages */
    size_t warnings;
};

/* DumpsysAccessibility: {package_name, service} per installed service
 * (older "installed services: {" list) then per enabled service (Android
 * 14+ "Enabled services:{{pkg/cls}, ...}"). */
int vg_dumpsys_accessibility(const struct vg_dumpsys_section *sec,
                             struct vg_dumpsys_sink *sink) VG_MUST_CHECK;
/* DumpsysActivities: {intent, package_name, activity} per activity of the
 * package section's "Activity Resolver Table:" Non-Data Actions. */
int vg_dumpsys_activities(const struct vg_dumpsys_section *sec,
                          struct vg_dumpsys_sink *sink) VG_MUST_CHECK;
/* DumpsysAppops: {package_name, permissions: [{name, entries: [{access,
 * type, timestamp}], access}], uid} per package. */
int vg_dumpsys_appops(const struct vg_dumpsys_section *sec,
                      struct vg_dumpsys_sink *sink) VG_MUST_CHECK;
/* DumpsysBatteryDaily: {action, from, to, package_name, vers
 * [, previous_vers]} per package update of batterystats' daily stats.
 * Updates are kept (up to VG_MAX_DUMPSYS_RECORDS) until the end, because a
 * downgrade is only known once all days are read. */
int vg_dumpsys_battery_daily(const struct vg_dumpsys_section *sec,
                             struct vg_dumpsys_sink *sink) VG_MUST_CHECK;
/* DumpsysBatteryHistory: {time_elapsed, event, uid, package_name,
 * service} per job, wake alarm and top-app event of batterystats'
 * history. */
int vg_dumpsys_battery_history(const struct vg_dumpsys_section *sec,
                               struct vg_dumpsys_sink *sink) VG_MUST_CHECK;
/* DumpsysDBInfo: {isodate, action, sql, path [, pid]} per recently
 * executed SQLite operation. */
int vg_dumpsys_dbinfo(const struct vg_dumpsys_section *sec,
                      struct vg_dumpsys_sink *sink) VG_MUST_CHECK;
/* DumpsysPackages: {package_name, uid, version_name, version_code,
 * timestamp, first_install_time, last_update_time, permissions: [{name,
 * granted, type}], requested_permissions: [...]} per package. */
int vg_dumpsys_packages(const struct vg_dumpsys_section *sec,
                        struct vg_dumpsys_sink *sink) VG_MUST_CHECK;
/* DumpsysPlatformCompat: {package_name} per app in the DOWNSCALED
 * change's rawOverrides (apps uninstalled since). */
int vg_dumpsys_platform_compat(const struct vg_dumpsys_section *sec,
                               struct vg_dumpsys_sink *sink) VG_MUST_CHECK;
/* DumpsysReceivers: MVT's result is one object {intent: [{package_name,
 * receiver}, ...]}; each record is one member of it, {intent: [...]}, in
 * its order (merging the records gives MVT's object). A later, mis-indented
 * header adds to an earlier intent's list, so the object is held (up to
 * VG_MAX_DUMPSYS_RECORDS intents and receivers) until the end. */
int vg_dumpsys_receivers(const struct vg_dumpsys_section *sec,
                         struct vg_dumpsys_sink *sink) VG_MUST_CHECK;
/* DumpsysADBState: one record, the "debugging_manager" object of the adb
 * service's indented dump with user_keys as [{user, fingerprint, key}]
 * and keystore parsed when it is XML. VG_E_NOTFOUND when the section is
 * empty or says "Can't find service: adb", VG_E_CORRUPT when it holds no
 * such state (MVT logs an error and has no result in both cases). */
int vg_dumpsys_adb(const struct vg_dumpsys_section *sec,
                   struct vg_dumpsys_sink *sink) VG_MUST_CHECK;

/* The title line (stripped, its start) of dumpstate's getprop block, which
 * MVT's DumpsysGetProp reads up to a line "------": not a DUMP OF SERVICE
 * section, but served by the same locator kind (VG_LOC_DUMPSYS). */
#define VG_DUMPSYS_GETPROP_BLOCK "------ SYSTEM PROPERTIES"

/* ---- every parser, with what MVT calls it and where it reads ---- */

enum vg_dumpsys_kind {
    VG_DUMPSYS_ACCESSIBILITY = 0,
    VG_DUMPSYS_ACTIVITIES,
    VG_DUMPSYS_APPOPS,
    VG_DUMPSYS_BATTERY_DAILY,
    VG_DUMPSYS_BATTERY_HISTORY,
    VG_DUMPSYS_DBINFO,
    VG_DUMPSYS_PACKAGES,
    VG_DUMPSYS_PLATFORM_COMPAT,
    VG_DUMPSYS_RECEIVERS,
    VG_DUMPSYS_ADB,
    VG_DUMPSYS_KIND_COUNT
};

struct vg_dumpsys_parser {
    const char *class_name; /* MVT's module class: "DumpsysAppops" */
    const char *result;     /* its results file stem: "dumpsys_appops" */
    const char *section;    /* the service it reads: "appops" */
    enum vg_dumpsys_dec dec;
    int (*parse)(const struct vg_dumpsys_section *sec, struct vg_dumpsys_sink *sink);
};

extern const struct vg_dumpsys_parser vg_dumpsys_parsers[VG_DUMPSYS_KIND_COUNT];

/* Finds kind's section in a whole dumpstate / dumpsys.txt and parses it.
 * VG_E_NOTFOUND when the section is not there. */
int vg_dumpsys_extract(const void *text, size_t len, enum vg_dumpsys_kind kind,
                       struct vg_dumpsys_sink *sink) VG_MUST_CHECK;

/* ---- helpers for MVT's checks (docs/formats/dumpsys.md) ---- */

/* MVT's MEDIUM alerts on one appops record: per permission named
 * REQUEST_INSTALL_PACKAGES, and per permission of com.android.shell, one
 * alert per entry (sorted by timestamp), or one with access "Unknown" and
 * no time when there is no entry. alert() gets MVT's message, the event
 * time ("" when none) and the event (the record with only that
 * permission). VG_OK, VG_E_NOMEM or alert()'s error. */
int vg_dumpsys_appops_alerts(const json_t *record,
                             int (*alert)(void *ud, const char *message, const char *event_time,
                                          const json_t *event),
                             void *ud) VG_MUST_CHECK;

/* MVT's MEDIUM alert on one battery daily record (an uninstall, vers "0",
 * or a downgrade): 1 and its message in msg, 0 when none. */
int vg_dumpsys_battery_daily_alert(const json_t *record, char *msg, size_t cap);

/* 1 when name is one of MVT's ROOT_PACKAGES (android/utils.py). */
int vg_dumpsys_is_root_package(const char *name);
/* How many of a packages record's permissions are in MVT's
 * DANGEROUS_PERMISSIONS (MVT logs packages with 10 or more). */
#define VG_DUMPSYS_DANGEROUS_THRESHOLD 10
size_t vg_dumpsys_dangerous_permissions(const json_t *record);
/* MVT's info line for a receiver of intent (a "%s" for the receiver), or
 * NULL when intent is not one it names. */
const char *vg_dumpsys_receiver_note(const char *intent);

#endif
