/*
 * What every parser of an AndroidQF acquisition's files shares: where its
 * records go and where its complaints go. The files, their shapes across
 * androidqf versions and MVT's records are in docs/formats/androidqf.md.
 *
 * Parsers take the bytes of one file and deliver MVT's records (jansson
 * objects, MVT's field names, key order and value types) one at a time.
 * A problem in the file is a warning naming the file and where (line, or
 * JSON path such as "[3].files[0].sha256"), and parsing goes on with the
 * rest; only a file that cannot be followed any further stops early.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_FORMATS_ANDROID_AQF_H
#define VG_FORMATS_ANDROID_AQF_H

#include <jansson.h>

#include "util/vg.h"
#include "util/buf.h"

struct vg_aqf_sink {
    const char *file;     /* named in every warning, e.g. "packages.json" */
    struct vg_diag *diag; /* may be NULL */
    /* Takes ownership of rec (as vg_run_add_record does). Anything but
     * VG_OK stops the parser, which returns it. */
    int (*record)(void *ud, json_t *rec);
    void *ud;
    /* Kept by the parsers, zero them before the first call. */
    size_t records;  /* delivered so far */
    size_t warnings; /* raised so far (only the first VG_MAX_AQF_WARNINGS
                      * reach diag, then one line says how many more) */
};

/* A warning about s->file. */
void vg_aqf_warn(struct vg_aqf_sink *s, const char *fmt, ...) VG_PRINTF(2, 3);
/* Says how many warnings were not listed, if any; parsers call it last. */
void vg_aqf_warn_done(struct vg_aqf_sink *s);
/* Delivers rec (NULL: allocation failed, VG_E_NOMEM). VG_E_LIMIT with a
 * warning past VG_MAX_AQF_RECORDS. */
int vg_aqf_emit(struct vg_aqf_sink *s, json_t *rec) VG_MUST_CHECK;

/* text as valid UTF-8: *out points at text itself when it is, or at a
 * copy in b with every invalid sequence replaced by U+FFFD (and a
 * warning). MVT decodes these files strictly and fails on the first bad
 * byte; a file is not lost for one byte. */
int vg_aqf_text_utf8(struct vg_aqf_sink *s, const void *text, size_t len, struct vg_buf *b,
                     const char **out, size_t *outlen) VG_MUST_CHECK;

/* 1 when the first non-blank byte is '[' or '{': processes.txt holds the
 * collector's JSON (as processes.json) in androidqf 1.6.1 to 1.7.1. */
int vg_aqf_looks_json(const void *p, size_t n);

/* A JSON string from a slice known to be valid UTF-8 (NULL on failure). */
json_t *vg_aqf_str(const char *p, size_t n);

#endif
