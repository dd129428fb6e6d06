/*
 * Helpers the filesystem-dump modules share (fs_common.c).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_IOS_FS_COMMON_H
#define VG_IOS_FS_COMMON_H

#include <jansson.h>

#include "scan/module.h"
#include "util/buf.h"

/* Records MVT sorts by a time before it writes them: JSON objects kept in
 * arrival order, sorted stably by the text of one key, then emitted. For
 * modules whose artifacts are small (favicon caches, analytics databases,
 * journals); at most VG_MAX_SORTED_ROWS records. */
struct vg_sorted {
    json_t **v;
    size_t n, cap;
    int full; /* the cap was met (reported once) */
};
/* Takes obj (NULL: out of memory, counted on the run). */
int vg_sorted_add(struct vg_run *run, struct vg_sorted *s, json_t *obj) VG_MUST_CHECK;
/* Sorts by key (missing or not text: ""), emits every record, frees s. */
int vg_sorted_emit(struct vg_run *run, struct vg_sorted *s, const char *key) VG_MUST_CHECK;
void vg_sorted_free(struct vg_sorted *s);

/* Python's repr() of a JSON value read as the dict, list, str, int,
 * float, bool or None it was ("{'a': 1, 'b': None}"): MVT's timeline
 * writes some records as f"{record}". Non-ASCII characters Python would
 * not print as they are (controls, separators, format characters, private
 * use) are escaped as \xNN, \uNNNN or \UNNNNNNNN; the table of those is a
 * close approximation of Python's str.isprintable(). */
int vg_py_repr_json(struct vg_buf *b, const json_t *v) VG_MUST_CHECK;

/* MVT's convert_mactime_to_iso(t, from_2001=False) of a record value:
 * seconds since 1970 (an integer of 18 digits keeps its first 9), "" when
 * there is no usable time. buf holds VG_ISODATE_LEN + 1 bytes. */
const char *vg_val_unix_mactime_iso(const struct vg_val *v, char *buf);

/* The rows of the Analytics databases
 * in private/var/Keychains/Analytics/ that loc finds, as MVT's Analytics reads them: each row's
 * plist as a JSON object with "isodate" and "artifact" (the database's file name) set. cb takes
 * obj; it returns VG_OK to go on. (analytics.c) */
int vg_ios_analytics_each(struct vg_run *run, const struct vg_loc *loc,
                          int (*cb)(struct vg_run *run, json_t *obj, void *ud),
                          void *ud) VG_MUST_CHECK;

/* MVT's WebkitBase: for every folder folders finds, the entries children
 * finds in it (children is folders' glob with "/\*" appended) whose name
 * starts with "http" become {"folder", "url", "isodate"} records: the
 * origin the name encodes ("https_example.com_0" is https://example.com)
 * and the folder's modification time. (fs_common.c) */
int vg_ios_webkit_extract(struct vg_run *run, const struct vg_loc *folders,
                          const struct vg_loc *children) VG_MUST_CHECK;
/* The origin of a WebKit website-data name, as MVT reads it: every
 * "http_" becomes "http://", then every "https_" "https://", and the
 * result is cut at its first '_'. out holds 2 * strlen(name) + 1 bytes. */
void vg_ios_webkit_origin(const char *name, char *out);
/* The check: url against URL, domain and IP indicators. */
void vg_ios_webkit_check(struct vg_run *run, const struct vg_rec *r);
enum { VG_WEBKIT_F_FOLDER, VG_WEBKIT_F_URL, VG_WEBKIT_F_ISODATE };
extern const char *const vg_webkit_fields[3];

#endif
