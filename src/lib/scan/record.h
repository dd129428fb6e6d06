/*
 * Records: typed rows with a schema resolved once.
 *
 * A module's records are rows of values (null, boolean, integer, real,
 * text, blob, or a nested JSON value) under a schema: the field names in
 * the order MVT writes them. Values borrow their bytes (from the SQLite
 * statement until its next step, or from the source's buffers) and are
 * copied into the record's arena only when the module makes new ones; the
 * writers serialise a row straight to <module>.json with the bytes of
 * Python's json.dump(indent=4), without building a tree. Checks and the
 * timeline read fields by an index the schema resolved once (the module's
 * field list), not by name (the models: SQLite's Mem/sqlite3_value, and
 * its mallocFailed for allocation failures).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_SCAN_RECORD_H
#define VG_SCAN_RECORD_H

#include <jansson.h>
#include <sqlite3.h>

#include "util/vg.h"

enum vg_vt {
    VG_VT_NULL = 0,
    VG_VT_BOOL,
    VG_VT_INT,
    VG_VT_REAL,   /* finite: JSON has no infinities */
    VG_VT_TEXT,   /* bytes meant as UTF-8, NUL-terminated at p[n]; invalid
                   * sequences are written as U+FFFD */
    VG_VT_BLOB,   /* bytes, written as base64 (as MVT's records hold blobs) */
    VG_VT_JSON,   /* a nested value (array, object) the record holds a reference to */
    VG_VT_ABSENT, /* the key is left out of this record (MVT adds some keys to
                   * some records only) */
};

struct vg_val {
    enum vg_vt t;
    union {
        int64_t i;
        double d;
        struct {
            const char *p;
            size_t n;
        } s;
        json_t *j;
    } u;
};

/* A schema: the record's keys in order (unique), and where the module's
 * declared fields are among them. Shared by every record of a statement or
 * a saved file whose keys are the same. */
struct vg_schema {
    size_t n;
    char **names;
    char **json_keys; /* each name as the writer prints it: "        \"name\": " */
    size_t *json_klen;
    const char *const *fields; /* the module's field list */
    size_t n_fields;
    int *map; /* field id -> key index, or -1 when the schema has none */
};

struct vg_arena;

/* One row. Values live in v[0..schema->n-1]. */
struct vg_rec {
    const struct vg_schema *schema;
    struct vg_val *v;
    struct vg_arena *arena; /* bytes the row owns, freed when it is reset */
    int failed;             /* an allocation failed: the row is incomplete */
    const char *provenance; /* NULL, or where a recovered row was found */
};

/* ---- schemas ---- */

/* names[0..n-1] (duplicates are one key, at its first position), then the
 * module's fields resolved. */
int vg_schema_new(const char *const *names, size_t n, const char *const *fields, size_t n_fields,
                  struct vg_schema **out) VG_MUST_CHECK;
void vg_schema_free(struct vg_schema *s);
/* The key index of name, or -1. */
int vg_schema_find(const struct vg_schema *s, const char *name);

/* ---- rows ---- */

int vg_rec_init(struct vg_rec *r, const struct vg_schema *s) VG_MUST_CHECK;
/* Drops the values (and the references of nested ones) and the arena. */
void vg_rec_reset(struct vg_rec *r);
void vg_rec_free(struct vg_rec *r);

/* Field access by the module's field id (index in its field list). The
 * key index of field f, or -1. */
static inline int vg_rec_key(const struct vg_rec *r, int f)
{
    return (f >= 0 && (size_t)f < r->schema->n_fields) ? r->schema->map[f] : -1;
}
/* The value of field f (a static null when absent). */
const struct vg_val *vg_rec_val(const struct vg_rec *r, int f);
/* Text of field f, or NULL when it is not text. */
const char *vg_rec_text(const struct vg_rec *r, int f);
/* Text of field f, or "" when it is not text (event times). */
const char *vg_rec_time(const struct vg_rec *r, int f);
/* 1 with the value when field f is an integer. */
int vg_rec_int(const struct vg_rec *r, int f, int64_t *out);
/* 1 with the value when field f is a number (integer or real). */
int vg_rec_num(const struct vg_rec *r, int f, double *out);
/* The nested JSON value of field f, or NULL. */
const json_t *vg_rec_json(const struct vg_rec *r, int f);
int vg_rec_is_null(const struct vg_rec *r, int f);

/* Setting, by field id (ignored when the schema has no such key) or by key
 * index. Text is copied into the arena; a failed copy marks the row
 * failed. */
void vg_rec_set_null(struct vg_rec *r, int f);
void vg_rec_set_absent(struct vg_rec *r, int f);
void vg_rec_set_int(struct vg_rec *r, int f, int64_t v);
void vg_rec_set_real(struct vg_rec *r, int f, double v); /* not finite: null */
void vg_rec_set_bool(struct vg_rec *r, int f, int v);
void vg_rec_set_text(struct vg_rec *r, int f, const char *s); /* NULL: null */
void vg_rec_set_textn(struct vg_rec *r, int f, const char *s, size_t n);
/* Borrows s, which must outlive the row's use (until the next reset). */
void vg_rec_set_text_ref(struct vg_rec *r, int f, const char *s, size_t n);
/* Takes the reference (NULL: the row is marked failed). */
void vg_rec_set_json(struct vg_rec *r, int f, json_t *v);
/* A copy of another value (text and blobs copied into the arena). */
void vg_rec_set_val(struct vg_rec *r, int f, const struct vg_val *v);
/* By key index. */
void vg_rec_put(struct vg_rec *r, int key, const struct vg_val *v);

/* Bytes in the row's arena (NULL on failure, which marks the row). */
void *vg_rec_alloc(struct vg_rec *r, size_t n);
char *vg_rec_strdup(struct vg_rec *r, const char *s, size_t n);
char *vg_rec_printf(struct vg_rec *r, const char *fmt, ...) VG_PRINTF(2, 3);

/* Every column of a statement row, by key index (the schema made from its
 * column names): integers, finite reals (else null), text borrowed, blobs
 * borrowed (or, with blob_as_text, written as UTF-8 text as MVT's
 * encoder writes what Python's sqlite3 gave it), null. */
void vg_rec_from_stmt(struct vg_rec *r, sqlite3_stmt *st, const int *col_key, int blob_as_text);

/* ---- JSON at the edges ---- */

/* The row as a JSON object (for alerts' "event"); NULL on failure. */
json_t *vg_rec_to_json(const struct vg_rec *r);
/* Fills a row of schema s from obj's members (keys s lacks are ignored). */
void vg_rec_from_json(struct vg_rec *r, const json_t *obj);
/* A JSON value as a record value (strings, numbers, booleans, null; arrays
 * and objects nested). Borrows obj's storage. */
void vg_val_from_json(struct vg_val *v, const json_t *j);

/* ---- writing ---- */

struct vg_sink;
/* The row as one element of MVT's <module>.json: "    {\n        \"k\": v,
 * ...\n    }" (the caller writes the separators and brackets). */
void vg_rec_write_json(struct vg_sink *s, const struct vg_rec *r);

#endif
