/*
 * Shared by the two tombstone readers: the values of one record, gathered
 * by either reader and turned into MVT's record by one function, so both
 * forms give the same keys in the same order.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_FORMATS_ANDROID_TOMBSTONE_INT_H
#define VG_FORMATS_ANDROID_TOMBSTONE_INT_H

#include "formats/android/tombstone.h"
#include "util/text.h"

/* A string value that is JSON null: p == NULL. */
#define TS_NULL ((struct vg_str){NULL, 0})

/* "YYYY-MM-DD HH:MM:SS.ffffff" and its NUL */
#define TS_TIME_CAP 32

struct ts_rec {
    struct vg_str build_fingerprint, revision, arch;
    char timestamp[TS_TIME_CAP];
    int has_uptime;
    int64_t uptime;
    json_t *command_line; /* owned; NULL is null */
    int64_t pid, tid, uid;
    struct vg_str process_name, binary_path, selinux_label;
    int64_t sig_code, sig_number;
    struct vg_str sig_code_name, sig_name;
    struct vg_str cause;
    json_t *causes; /* owned; NULL is null (VG_TOMBSTONE_MVT_MAIN only) */
    struct vg_str abort_message;
};

/* Every string null, every number 0, nothing owned. */
void ts_rec_init(struct ts_rec *r);
/* Frees what r owns. */
void ts_rec_clear(struct ts_rec *r);
/* The record of r for in; takes what r owns (also on failure). Strings
 * must be UTF-8 (they may hold NUL). */
int ts_rec_json(struct ts_rec *r, const struct vg_tombstone_in *in, json_t **out) VG_MUST_CHECK;

/* A timestamp as MVT writes it after dateutil read it and dropped its zone
 * (MVT keeps the device's wall clock): "2023-04-12 12:32:40.518290770+0200"
 * gives "2023-04-12 12:32:40.518290". 0 when s is not
 * "YYYY-MM-DD[ T]HH:MM:SS[.digits][Z|+HH[:]MM|+HH]" (surrounding blanks
 * allowed) or names no real date. */
int ts_time(struct vg_str s, char out[TS_TIME_CAP]);

/* Python's int() on s, within int64: blanks around, a sign, digits with
 * single underscores between them. */
int ts_pyint(struct vg_str s, int64_t *out);

/* A JSON string of the UTF-8 text s (NULL on allocation failure). */
json_t *ts_json_str(struct vg_str s);

/* Sets key to v, which it takes; VG_E_NOMEM when v is NULL (a failed
 * allocation) or the set fails. */
int ts_put(json_t *o, const char *key, json_t *v) VG_MUST_CHECK;

/* Formats err and returns rc. */
int ts_fail(char *err, size_t errcap, int rc, const char *fmt, ...) VG_PRINTF(4, 5);

#endif
