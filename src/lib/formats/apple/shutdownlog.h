/*
 * shutdown.log (private/var/db/diagnostics/shutdown.log and the rotations
 * iOS 26 writes, shutdown.0.log ...; system_logs.logarchive/Extra/ in a
 * sysdiagnose): the processes still running at each shutdown. The grammar,
 * what MVT and iShutdown read from it, and the sources are in
 * docs/formats/shutdownlog.md.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_FORMATS_APPLE_SHUTDOWNLOG_H
#define VG_FORMATS_APPLE_SHUTDOWNLOG_H

#include <jansson.h>

#include "util/vg.h"
#include "util/text.h"

/* One "remaining client pid: N (path)" line. */
struct vg_shutdownlog_client {
    char *pid; /* as written (MVT keeps it a string), NUL-terminated */
    size_t pid_len;
    int64_t pid_num; /* -1 when pid is not a decimal number */
    char *path;      /* as written between the parentheses; may hold NUL bytes */
    size_t path_len;
    size_t exec_len;        /* path[0..exec_len): the executable, a trailing /<UUID> cut */
    size_t reboot;          /* index of its block in reboots */
    double delay;           /* MVT's "delay": the block's "After Xs" summed so far */
    uint32_t times_delayed; /* MVT's "times_delayed": "After" lines so far in the block */
    size_t line;
};

/* One shutdown: the lines up to and including a "SIGTERM:" line. */
struct vg_shutdownlog_reboot {
    int64_t time;        /* from the SIGTERM line, seconds since 1970 */
    int has_time;        /* 0: no readable time, or the block has no SIGTERM line */
    uint32_t notices;    /* lines saying "these clients are still here" (iShutdown) */
    uint32_t afters;     /* lines starting "After " (MVT's delay steps) */
    double delay;        /* their "Xs" summed, as MVT sums them */
    size_t line;         /* of the SIGTERM line; 0 for a last block the file ends in */
    size_t first, count; /* its clients: clients[first .. first + count) */
};

struct vg_shutdownlog {
    struct vg_shutdownlog_reboot *reboots;
    size_t nreboots;
    struct vg_shutdownlog_client *clients;
    size_t nclients;
    size_t warnings; /* malformed lines met (all of them, listed or not) */
    int truncated;   /* a cap was reached and the rest of the file not read */
};

/* Parses text[0..len) (at most VG_MAX_SHUTDOWNLOG_FILE bytes, else
 * VG_E_LIMIT). Malformed lines are warnings in diag naming name and the
 * line, and parsing goes on; clients after the last SIGTERM line are kept in
 * a last block without a time (MVT drops them), with a note. VG_E_NOMEM. */
int vg_shutdownlog_parse(const void *text, size_t len, const char *name, struct vg_diag *diag,
                         struct vg_shutdownlog **out) VG_MUST_CHECK;
void vg_shutdownlog_free(struct vg_shutdownlog *log);

/* Appends one record per client line to records (a JSON array), in file
 * order, with MVT's ShutdownLog fields, names, order and types:
 *   {"isodate": str, "pid": str, "client": str, "delay": real,
 *    "times_delayed": int}
 * isodate is the block's SIGTERM time as MVT's convert_mactime_to_iso(t,
 * from_2001=False) writes it ("" for no time). */
int vg_shutdownlog_records(const struct vg_shutdownlog *log, json_t *records) VG_MUST_CHECK;

/* Sorts records by "isodate", keeping the order of equal ones, as MVT's
 * sorted() does after each file. */
int vg_shutdownlog_sort(json_t *records) VG_MUST_CHECK;

/* The executable of a client path: the path without a last component that
 * is a UUID (iOS 26 writes "/usr/sbin/filecoordinationd/<UUID>"); the whole
 * path otherwise. Borrows client. */
struct vg_str vg_shutdownlog_exec_path(struct vg_str client);

/* ---- iShutdown's heuristics, as pure helpers (docs/formats/shutdownlog.md) */

struct vg_shutdownlog_rules {
    const char *const *unusual_dirs; /* folders a system client never runs from */
    size_t n_unusual_dirs;
    uint32_t many_notices; /* a reboot with at least this many "still here" lines */
    size_t sticky_reboots; /* an executable remaining in at least this many reboots */
};

/* iShutdown_detect.py's: /private/var/db/ and /private/var/tmp/ (and the
 * same through iOS's /var link), 3 notices, sticky over 3 reboots. */
extern const struct vg_shutdownlog_rules vg_shutdownlog_ishutdown;

/* The entry of rules->unusual_dirs exec starts with, or NULL. */
const char *vg_shutdownlog_unusual_dir(const struct vg_shutdownlog_rules *rules,
                                       struct vg_str exec);
/* 1 when rb has at least rules->many_notices "still here" lines. */
int vg_shutdownlog_many_delays(const struct vg_shutdownlog_rules *rules,
                               const struct vg_shutdownlog_reboot *rb);

/* An executable that remained at several shutdowns. */
struct vg_shutdownlog_sticky {
    struct vg_str exec;  /* borrowed from the log */
    size_t reboots;      /* distinct blocks it appears in */
    size_t first_client; /* its first client line */
};

/* Every executable (client path with its UUID cut) found in at least
 * rules->sticky_reboots distinct blocks, sorted by path. *out is NULL when
 * there is none; the caller frees it. VG_E_NOMEM. */
int vg_shutdownlog_sticky(const struct vg_shutdownlog *log,
                          const struct vg_shutdownlog_rules *rules,
                          struct vg_shutdownlog_sticky **out, size_t *n) VG_MUST_CHECK;

#endif
