/*
 * Saved results, for `vigie check-iocs`: the <module>.json files of an
 * earlier -o folder (vigie's or MVT's), read again so every module's check
 * runs on them with new indicators. A file's records are streamed: the
 * array is split into its elements here and each element parsed alone, so
 * a results file of gigabytes costs one record's memory. (jansson parses a
 * whole document at a time; splitting a JSON array needs only the string
 * and nesting rules, written here.)
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <stdio.h>
#include <stdlib.h>

#include "formats/android/aqf_json.h"
#include "io/file.h"
#include "scan/source.h"
#include "sources/results.h"
#include "util/buf.h"

#define WHERE "check-iocs"
#define CHUNK (64u * 1024u)

struct results {
    struct vg_root *root;
};

/* ---- splitting an array into its elements ---- */

struct splitter {
    struct vg_io *io;
    uint64_t off;
    unsigned char buf[CHUNK];
    size_t len, pos;
};

/* The next byte, or -1 at the end (or on a read error, as the end). */
static int next_byte(struct splitter *sp)
{
    if (sp->pos == sp->len) {
        size_t got = 0;
        if (vg_io_read_at(sp->io, sp->off, sp->buf, sizeof(sp->buf), &got) != VG_OK || got == 0)
            return -1;
        sp->off += got;
        sp->len = got;
        sp->pos = 0;
    }
    return sp->buf[sp->pos++];
}

static int next_token(struct splitter *sp)
{
    int c;
    do
        c = next_byte(sp);
    while (c == ' ' || c == '\t' || c == '\n' || c == '\r');
    return c;
}

/* Reads one element starting with byte c into b, up to the ',' or ']'
 * that ends it (returned in *end). */
static int read_element(struct splitter *sp, int c, struct vg_buf *b, int *end)
{
    size_t depth = 0;
    int in_str = 0, esc = 0, rc = VG_OK;

    for (; c >= 0 && rc == VG_OK; c = next_byte(sp)) {
        if (!in_str && depth == 0 && (c == ',' || c == ']')) {
            *end = c;
            return VG_OK;
        }
        rc = vg_buf_append_char(b, (char)c);
        if (in_str) {
            if (esc)
                esc = 0;
            else if (c == '\\')
                esc = 1;
            else if (c == '"')
                in_str = 0;
        } else if (c == '"') {
            in_str = 1;
        } else if (c == '{' || c == '[') {
            if (++depth > VG_MAX_JSON_DEPTH)
                return VG_E_LIMIT;
        } else if ((c == '}' || c == ']') && depth > 0) {
            depth--;
        }
    }
    if (rc != VG_OK)
        return rc;
    *end = -1;
    return VG_E_TRUNCATED;
}

struct emit {
    int (*cb)(void *ud, json_t *rec);
    void *ud;
    const char *name;
    struct vg_diag *diag;
    size_t i;
};

/* An element holding integers beyond 64 bits (MVT writes an APK
 * certificate's serial number whole), with them quoted; NULL when it has
 * none or they cannot be quoted. */
static json_t *parse_big_ints(const struct vg_buf *b)
{
    struct vg_buf quoted;
    json_t *v = NULL;

    if (!b->data || vg_aqf_json_big_ints(b->data, b->len, NULL) <= 0)
        return NULL;
    vg_buf_init(&quoted, VG_MAX_SAVED_RECORD * 2);
    if (vg_aqf_json_big_ints(b->data, b->len, &quoted) > 0)
        v = json_loadb(quoted.data, quoted.len, JSON_REJECT_DUPLICATES, NULL);
    vg_buf_free(&quoted);
    return v;
}

static int parse_element(struct emit *e, const struct vg_buf *b)
{
    json_error_t jerr;
    json_t *v = json_loadb(b->data ? b->data : "", b->len, JSON_REJECT_DUPLICATES, &jerr);

    if (!v)
        v = parse_big_ints(b);
    if (!v) {
        vg_diag_add(e->diag, VG_DIAG_WARN, WHERE, "%s: record %zu is not valid JSON (%s), skipped",
                    e->name, e->i, jerr.text);
        return VG_OK;
    }
    if (!json_is_object(v)) {
        vg_diag_add(e->diag, VG_DIAG_WARN, WHERE, "%s: record %zu is not an object, skipped",
                    e->name, e->i);
        json_decref(v);
        return VG_OK;
    }
    return e->cb(e->ud, v);
}

static int split_array(struct splitter *sp, struct emit *e)
{
    struct vg_buf b;
    int c, end = 0, rc = VG_OK;

    vg_buf_init(&b, VG_MAX_SAVED_RECORD);
    c = next_token(sp);
    if (c == ']')
        return VG_OK;
    while (rc == VG_OK && c >= 0) {
        b.len = 0;
        rc = read_element(sp, c, &b, &end);
        if (rc == VG_OK)
            rc = parse_element(e, &b);
        e->i++;
        if (end == ']')
            break;
        c = next_token(sp);
    }
    vg_buf_free(&b);
    if (rc == VG_E_TRUNCATED || (rc == VG_OK && end != ']'))
        vg_diag_add(e->diag, VG_DIAG_WARN, WHERE,
                    "%s: the list of records ends early (truncated file?); %zu read", e->name,
                    e->i);
    else if (rc == VG_E_LIMIT)
        vg_diag_add(e->diag, VG_DIAG_WARN, WHERE,
                    "%s: record %zu is too large or too deeply nested; the rest is not read",
                    e->name, e->i);
    return rc == VG_E_TRUNCATED || rc == VG_E_LIMIT ? VG_OK : rc;
}

/* MVT writes single-record modules (backup_info) as one object. */
static int whole_object(struct splitter *sp, struct emit *e)
{
    struct vg_buf b;
    int end = 0, rc;

    vg_buf_init(&b, VG_MAX_SAVED_RECORD);
    rc = read_element(sp, '{', &b, &end);
    if (rc == VG_E_TRUNCATED)
        rc = VG_OK; /* a lone object runs to the end of the file */
    if (rc == VG_OK)
        rc = parse_element(e, &b);
    vg_buf_free(&b);
    return rc;
}

/* ---- the source ---- */

static int results_records(void *self, const char *stem, int (*cb)(void *ud, json_t *rec), void *ud,
                           struct vg_diag *diag)
{
    struct results *r = self;
    struct splitter *sp;
    struct emit e;
    char name[VG_MAX_MESSAGE];
    int c, rc;

    if (vg_snprintf(name, sizeof(name), "%s.json", stem) != VG_OK)
        return VG_E_NOTFOUND;
    sp = vg_calloc(1, sizeof(*sp));
    if (!sp)
        return VG_E_NOMEM;
    rc = vg_root_open_file(r->root, name, &sp->io, NULL);
    if (rc != VG_OK) {
        if (rc != VG_E_NOTFOUND)
            vg_diag_add(diag, VG_DIAG_WARN, WHERE, "%s: %s", name, vg_strerror(rc));
        free(sp);
        return rc == VG_E_NOTFOUND ? rc : VG_E_CORRUPT;
    }
    e.cb = cb;
    e.ud = ud;
    e.name = name;
    e.diag = diag;
    e.i = 0;
    c = next_token(sp);
    if (c == '[')
        rc = split_array(sp, &e);
    else if (c == '{')
        rc = whole_object(sp, &e);
    else {
        vg_diag_add(diag, VG_DIAG_WARN, WHERE, "%s: not a list of records", name);
        rc = VG_E_CORRUPT;
    }
    vg_io_free(sp->io);
    free(sp);
    return rc;
}

static void results_free(void *self)
{
    struct results *r = self;

    if (!r)
        return;
    vg_root_free(r->root);
    free(r);
}

static const struct vg_source_ops results_ops = {
    .records = results_records,
    .free = results_free,
};

int vg_src_results_open(const char *path, const struct vg_source_opts *o, struct vg_diag *diag,
                        struct vg_source **out)
{
    struct results *r = vg_calloc(1, sizeof(*r));
    struct vg_source *src = NULL;
    int rc;

    VG_UNUSED(o);
    if (!r)
        return VG_E_NOMEM;
    rc = vg_root_open(path, &r->root);
    if (rc != VG_OK) {
        vg_diag_add(diag, VG_DIAG_ERROR, WHERE, "%s: not a results folder", path);
        free(r);
        return VG_E_NOTFOUND;
    }
    rc = vg_source_alloc(path, &src);
    if (rc != VG_OK) {
        results_free(r);
        return rc;
    }
    src->ops = &results_ops;
    src->self = r;
    src->kind = "check-iocs";
    src->any_platform = 1;
    *out = src;
    return VG_OK;
}
