/*
 * Shared by the dumpsys parsers (src/lib/formats/android/dumpsys*.c) only.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_FORMATS_ANDROID_DUMPSYS_INT_H
#define VG_FORMATS_ANDROID_DUMPSYS_INT_H

#include "formats/android/dumpsys.h"

/* A warning on line `line` of the text, in the parser `what`. */
void vg_dumpsys_warn(struct vg_dumpsys_sink *sink, const char *what, size_t line, const char *fmt,
                     ...) VG_PRINTF(4, 5);
/* Hands record to the sink (NULL means an allocation failed). */
int vg_dumpsys_emit(struct vg_dumpsys_sink *sink, json_t *record) VG_MUST_CHECK;
/* Says how many lines were cut at VG_MAX_TEXT_LINE, if any. */
void vg_dumpsys_done(struct vg_dumpsys_sink *sink, const char *what,
                     const struct vg_dumpsys_lines *r);

/* A JSON string of s (UTF-8 as a decoded line is; anything else is
 * repaired); NULL when out of memory. */
json_t *vg_dumpsys_jstr(struct vg_str s);
/* obj[key] = value, stealing value (NULL: out of memory). */
int vg_dumpsys_set(json_t *obj, const char *key, json_t *value) VG_MUST_CHECK;
int vg_dumpsys_set_str(json_t *obj, const char *key, struct vg_str v) VG_MUST_CHECK;
/* An object of n string members, in order; NULL when out of memory. */
json_t *vg_dumpsys_strs(size_t n, const char *const *keys, const struct vg_str *vals);
/* s.replace(lit, "") into b (reset first); *out borrows b. */
int vg_dumpsys_remove_all(struct vg_buf *b, struct vg_str s, const char *lit,
                          struct vg_str *out) VG_MUST_CHECK;
/* Python's int(s) for a base-10 string: blanks around, a sign, digits
 * with single '_' between them; 0 when it is not one or leaves int64. */
int vg_dumpsys_py_int(struct vg_str s, int64_t *out);
/* arr.append(value), stealing value (NULL: out of memory). */
int vg_dumpsys_append(json_t *arr, json_t *value) VG_MUST_CHECK;

/* The lines of a resolver table's "Non-Data Actions" part (the package
 * service's table, whose title line starts with table), up to the blank
 * line that ends it, as MVT reads them. *state starts at 0. Returns 1 and a
 * line, 0 at its end, or vg_dumpsys_lines_next's error. */
int vg_dumpsys_actions_next(struct vg_dumpsys_lines *r, const char *table, int *state,
                            struct vg_str *line);

/* line.strip() == "" */
static inline int vg_dumpsys_blank(struct vg_str line)
{
    return vg_str_py_strip(line).n == 0;
}

/* s.split(c)[0]: everything before the first c, or all of s. */
static inline struct vg_str vg_dumpsys_head(struct vg_str s, char c)
{
    struct vg_str h;
    return vg_str_until(&s, c, &h) ? h : s;
}

#endif
