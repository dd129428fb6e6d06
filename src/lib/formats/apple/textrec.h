/*
 * What the parsers of iOS text artifacts (shutdown.log, ps.txt,
 * ps_thread.txt, taskinfo.txt, crash reports) share: JSON values built from
 * untrusted bytes, and warnings that name the file and line, capped per file
 * so one damaged file cannot flood the scan's diagnostics.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_FORMATS_APPLE_TEXTREC_H
#define VG_FORMATS_APPLE_TEXTREC_H

#include <jansson.h>

#include "util/vg.h"
#include "util/text.h"

/* s as a JSON string, every invalid UTF-8 sequence replaced by U+FFFD (as
 * Python's decode(errors="replace") does), NUL bytes kept. NULL on
 * allocation failure. */
json_t *vg_textrec_str(struct vg_str s);

/* obj[key] = v, taking v. VG_E_NOMEM when v is NULL (a failed allocation
 * upstream) or the set fails, so builders check once. */
int vg_textrec_set(json_t *obj, const char *key, json_t *v) VG_MUST_CHECK;

/* Up to cap - 1 bytes of s for a message: printable ASCII kept, anything
 * else as '?', "..." when cut. Never echoes control bytes into output. */
void vg_textrec_excerpt(struct vg_str s, char *buf, size_t cap);

struct vg_textwarn {
    struct vg_diag *diag;
    const char *area; /* the parser, e.g. "shutdownlog" */
    const char *name; /* the file as messages name it */
    size_t n;         /* warnings so far, listed or not */
};

void vg_textwarn_init(struct vg_textwarn *w, struct vg_diag *diag, const char *area,
                      const char *name);
/* A warning "name: line N: message" ("name: message" when line is 0). Past
 * VG_MAX_FILE_WARNINGS they are only counted. */
void vg_textwarn(struct vg_textwarn *w, size_t line, const char *fmt, ...) VG_PRINTF(3, 4);
/* vg_lines_next, with a warning naming the line when it was cut. */
int vg_textrec_line(struct vg_lines *l, struct vg_str *line, struct vg_textwarn *w);
/* Says how many warnings were counted but not listed, if any. */
void vg_textwarn_done(struct vg_textwarn *w);

#endif
