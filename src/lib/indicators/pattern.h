/*
 * The subset of the STIX 2.1 patterning language that indicator bundles for
 * phones use: comparisons `object-type:property = 'string'` joined by OR,
 * inside one or several [observation]s joined by OR, with optional
 * parentheses. Anything else (AND, FOLLOWEDBY, other operators, qualifiers,
 * non-string constants) is reported as unsupported so the caller can count
 * it; nothing is dropped silently.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_INDICATORS_PATTERN_H
#define VG_INDICATORS_PATTERN_H

#include "util/vg.h"

#define VG_PATTERN_UNKNOWN (-1) /* an object path we do not match on */

struct vg_pattern_term {
    int type;          /* enum vg_ioc_type, or VG_PATTERN_UNKNOWN */
    const char *value; /* unescaped, NUL-terminated (in the pattern's buffer) */
    size_t len;
};

struct vg_pattern {
    struct vg_pattern_term *terms;
    size_t n;
    char *buf;
};

/* VG_OK: p holds every comparison (free with vg_pattern_free, also after a
 * failure). VG_E_UNSUPPORTED: a shape outside the subset, or malformed.
 * VG_E_LIMIT: more than VG_MAX_PATTERN_TERMS comparisons or nesting deeper
 * than VG_MAX_PATTERN_DEPTH. VG_E_NOMEM. */
int vg_pattern_parse(const char *pat, size_t len, struct vg_pattern *p) VG_MUST_CHECK;
void vg_pattern_free(struct vg_pattern *p);

/* The type an object path such as "file:hashes.'SHA-256'" names, after
 * quotes and the algorithm's case and hyphens are dropped;
 * VG_PATTERN_UNKNOWN when we do not support it. */
int vg_pattern_path_type(const char *path);

#endif
