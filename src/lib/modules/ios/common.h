/*
 * Helpers every iOS module uses.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_IOS_COMMON_H
#define VG_IOS_COMMON_H

#include <plist/plist.h>

#include "formats/sqlite.h"
#include "modules/db.h"
#include "scan/checks.h"
#include "scan/module.h"

/* For every file the module's locators find: parse it as a property list
 * and call fn (the plist is freed after). A file that does not parse is a
 * warning and coverage entry; the others still run. */
int vg_ios_each_plist(struct vg_run *run,
                      int (*fn)(struct vg_run *run, const struct vg_file *f, plist_t root,
                                void *ud),
                      void *ud) VG_MUST_CHECK;

/* Times of record values as MVT writes them, into buf (VG_ISODATE_LEN + 1
 * bytes); "" when there is no usable time. The rules are those of the
 * JSON forms below. */
const char *vg_val_cocoa_iso(const struct vg_val *v, char *buf);
const char *vg_val_mactime_iso(const struct vg_val *v, char *buf);
const char *vg_val_sms_date_iso(const struct vg_val *v, char *buf);
const char *vg_val_unix_iso(const struct vg_val *v, char *buf);
int vg_val_mactime_unix(const struct vg_val *v, double *out);

/* Column helpers. vg_col_json_text: a text column, invalid UTF-8
 * replaced by U+FFFD (null when NULL). vg_col_json_value: a column as MVT's
 * JSON encoder writes what Python's sqlite3 gave it: integers, finite reals
 * (else null), text and blobs alike decoded as UTF-8 with replacement, null.
 * vg_col_number: 1 with the value of an INTEGER or REAL column, else 0.
 * vg_col_index: the result column named name, or -1. */
const char *vg_col_text(sqlite3_stmt *st, int i);
json_t *vg_col_json_text(sqlite3_stmt *st, int i);
json_t *vg_col_json_int(sqlite3_stmt *st, int i); /* null when NULL */
json_t *vg_col_json_value(sqlite3_stmt *st, int i);
int vg_col_number(sqlite3_stmt *st, int i, double *out);
int vg_col_index(sqlite3_stmt *st, const char *name);

/* Times as MVT's convert_unix_to_iso / convert_mactime_to_iso write them:
 * an isodate string, or "" when there is no usable time.
 *
 * "cocoa": seconds since 2001, or nanoseconds when too large for seconds,
 * as vg_isodate_cocoa reads them; 0 is no time. From a double, a record
 * value (not a number: ""), a plist node (real, integer or date) or an
 * INTEGER/REAL column.
 * "plist_date": a plist date node, whatever its value (0 is 2001-01-01).
 * "mactime": MVT's rule to the letter, for tables whose times are seconds:
 * an integer of 18 digits is nanoseconds and keeps its whole seconds, any
 * other number is seconds; 0 is no time. _unix gives the Unix time
 * (returns 0 when there is none).
 * "sms_date": sms.db's date columns: integers beyond +-1e11 are
 * nanoseconds and keep their whole seconds (as MVT's first 9 digits do),
 * other integers are seconds, reals are read as "cocoa"; 0 is no time.
 * "col_unix": an INTEGER/REAL column of seconds since 1970. */
json_t *vg_ios_cocoa_iso(double t);
json_t *vg_ios_cocoa_iso_json(const json_t *v);
json_t *vg_ios_cocoa_iso_plist(plist_t v);
json_t *vg_col_cocoa_iso(sqlite3_stmt *st, int i);
json_t *vg_ios_plist_date_iso(plist_t v);
int vg_ios_mactime_unix(const json_t *v, double *out);
json_t *vg_ios_mactime_iso(const json_t *v);
json_t *vg_ios_sms_date_iso(const json_t *v);
json_t *vg_col_unix_iso(sqlite3_stmt *st, int i);

/* 1 with the value of a real or integer plist node (integers read as
 * signed), else 0. */
int vg_plist_number(plist_t v, double *out);

/* A plist value converted to JSON (dates as isodate strings, data as
 * base64), for records that keep plist contents. NULL only when out of
 * memory (text or keys that are not UTF-8 are null or left out). */
json_t *vg_plist_to_json(plist_t node);

/* A record value as compact JSON text ("1.5", "true", "{\"a\":1}"), as
 * jansson dumps it; blobs as null. Free it; NULL when out of memory. */
char *vg_val_json_text(const struct vg_val *v);

#endif
