/*
 * Checks shared by every module: look a value up in the indicators and,
 * on a hit, raise an alert worded as MVT words it (analysts grep for those
 * messages). All lookups are the indicator engine's O(length) ones.
 * Each returns 1 when it raised an alert, 0 otherwise.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_SCAN_CHECKS_H
#define VG_SCAN_CHECKS_H

#include "scan/module.h"
#include "scan/record.h"
#include "util/buf.h"
#include "util/pyfmt.h"

/* A URL or bare host: url indicators, then domains and IPs. */
int vg_check_url(struct vg_run *run, enum vg_level level, const struct vg_rec *rec, const char *url,
                 const char *event_time);
/* Every URL and bare host name found in free text. Stops at the first hit. */
int vg_check_text(struct vg_run *run, enum vg_level level, const struct vg_rec *rec,
                  const char *text, const char *event_time);
/* Every string in a JSON array of URLs (e.g. an MVT "links" field). */
int vg_check_url_list(struct vg_run *run, enum vg_level level, const struct vg_rec *rec,
                      const json_t *urls, const char *event_time);
int vg_check_process(struct vg_run *run, enum vg_level level, const struct vg_rec *rec,
                     const char *name, const char *event_time);
int vg_check_email(struct vg_run *run, enum vg_level level, const struct vg_rec *rec,
                   const char *email, const char *event_time);
/* The other side of a communication (a message's handle, a caller, a
 * contact's address): e-mail addresses, also as "mailto:" or an iMessage
 * "e:" handle, against email-addr indicators. Messaging ids that only look
 * like addresses (WhatsApp JIDs, @lid, @g.us) are not e-mail. Phone numbers
 * have no indicator type in public STIX2 files: not looked up. */
int vg_check_counterpart(struct vg_run *run, enum vg_level level, const struct vg_rec *rec,
                         const char *addr, const char *event_time);
int vg_check_file_path(struct vg_run *run, enum vg_level level, const struct vg_rec *rec,
                       const char *path, const char *event_time);
int vg_check_file_name(struct vg_run *run, enum vg_level level, const struct vg_rec *rec,
                       const char *name, const char *event_time);
int vg_check_profile_id(struct vg_run *run, enum vg_level level, const struct vg_rec *rec,
                        const char *id, const char *event_time);
int vg_check_app_id(struct vg_run *run, enum vg_level level, const struct vg_rec *rec,
                    const char *id, const char *event_time);
int vg_check_hash(struct vg_run *run, enum vg_level level, const struct vg_rec *rec,
                  const char *hex, const char *event_time);
/* An app's signing certificate digest (MD5, SHA-1 or SHA-256 by length). */
int vg_check_app_cert(struct vg_run *run, enum vg_level level, const struct vg_rec *rec,
                      const char *hex, const char *event_time);
/* An Android system property name. */
int vg_check_property(struct vg_run *run, enum vg_level level, const struct vg_rec *rec,
                      const char *name, const char *event_time);

/* JSON member helpers, for modules that build records from plists: a
 * string member or NULL; the same or "" (event times). */
const char *vg_jstr(const json_t *obj, const char *key);
const char *vg_jtime(const json_t *obj, const char *key);

/* Python's view of a record value, for text worded as MVT's f-strings
 * word it. vg_py_str is str(): strings as they are, integers, reals as
 * repr(), True/False, and None for null, an absent value or a container
 * (never a field MVT prints). buf (VG_PY_BUF bytes) backs numbers.
 * vg_py_append appends the same to b (the whole string, NUL bytes too).
 * vg_py_truthy is bool(). */
#define VG_PY_BUF VG_PY_REAL_BUF
const char *vg_py_str(const json_t *v, char *buf);
int vg_py_append(struct vg_buf *b, const json_t *v) VG_MUST_CHECK;
int vg_py_truthy(const json_t *v);
/* The same for record values (a blob as Python would print it is never
 * wanted: "None"; nested values: "None"). */
const char *vg_val_py(const struct vg_val *v, char *buf);
int vg_val_py_append(struct vg_buf *b, const struct vg_val *v) VG_MUST_CHECK;
int vg_val_truthy(const struct vg_val *v);

/* Record building helpers. */
json_t *vg_json_str(const char *s); /* NULL -> json null */
/* A new reference to obj[key], or null when it is absent. */
json_t *vg_json_get_or_null(const json_t *obj, const char *key);
/* Bytes as a JSON string, every invalid UTF-8 sequence replaced by U+FFFD
 * (bytes.decode("utf-8", "replace")). NULL on allocation failure. */
json_t *vg_json_utf8(const void *p, size_t n);
/* MVT's convert_unix_to_iso on a record value: the isodate of a number of
 * seconds since 1970, "" for anything else. */
json_t *vg_json_unix_iso(const json_t *v);
/* A Cocoa (2001-based) time, seconds or nanoseconds, as an isodate string;
 * null when the value is not a usable time. */
json_t *vg_json_cocoa_date(double cocoa);
json_t *vg_json_unix_date(double unix_seconds);

#endif
