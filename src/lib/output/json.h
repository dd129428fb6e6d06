/*
 * The output layer's byte emitters, shared by its writers: a sink that is
 * either a FILE* (streaming, every write checked) or a capped vg_buf, and the
 * Python-compatible JSON and UTF-8 helpers written into it. Internal to
 * src/lib/output.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_OUTPUT_JSON_H
#define VG_OUTPUT_JSON_H

#include <stdio.h>

#include <jansson.h>

#include "util/buf.h"
#include "util/utf8.h"

/* Exactly one of f and b is set. err is sticky: the first failure is kept
 * and later writes do nothing, so emitters check it once at the end (and
 * between big items, to stop early). With wb (VG_SINK_BUF bytes) set, small
 * writes to f gather there first: one fwrite per token would spend more in
 * stdio's locking than in the writing; vg_sink_flush empties it. */
#define VG_SINK_BUF (64u * 1024u)
struct vg_sink {
    FILE *f;
    struct vg_buf *b;
    int err;
    int syserr; /* errno of the failed fwrite */
    char *wb;
    size_t wlen;
};

void vg_sink_put(struct vg_sink *s, const void *p, size_t n);
void vg_sink_puts(struct vg_sink *s, const char *str);
/* Writes out what wb holds (before fflush); returns the sink's error. */
int vg_sink_flush(struct vg_sink *s);
/* n spaces */
void vg_sink_spaces(struct vg_sink *s, size_t n);

/* UTF-8 text with every invalid sequence replaced by U+FFFD. */
void vg_sink_utf8(struct vg_sink *s, const char *p, size_t n);

/* A JSON string literal as Python's json.dumps(ensure_ascii=True) writes
 * it: \" \\ \n \r \t \b \f, \u00XX for other controls and DEL, \uXXXX
 * (surrogate pairs above U+FFFF) for non-ASCII. Invalid UTF-8: U+FFFD. */
void vg_json_emit_str(struct vg_sink *s, const char *p, size_t n);

/* v as Python's json.dump(v, indent=4), its first line already placed
 * and nested lines indented from `level` (0 for a whole file). Returns the
 * sink's error, or VG_E_LIMIT past VG_MAX_JSON_DEPTH. */
int vg_json_emit(struct vg_sink *s, const json_t *v, size_t level) VG_MUST_CHECK;

#endif
