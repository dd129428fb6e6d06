/*
 * Manifest.db: one row per backed-up file (docs/formats/manifest-db.md).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <stdio.h>
#include <stdlib.h>

#include "formats/apple/manifest.h"
#include "formats/sqlite.h"

#define MF_FILE_ID_LEN 40
#define MF_EXAMPLES    3 /* file ids named in a summary warning */
#define MF_ERRMSG      160
#define MF_ITEM        (MF_FILE_ID_LEN + MF_ERRMSG + 4)

struct mf_load {
    struct vg_manifest *m;
    size_t cap;
    /* summaries: the first few offenders, then a count */
    char bad_blob[MF_EXAMPLES][MF_ITEM];
    char bad_row[MF_EXAMPLES][MF_ITEM];
};

void vg_manifest_free(struct vg_manifest *m)
{
    size_t i;

    if (!m)
        return;
    for (i = 0; i < m->n; i++) {
        free(m->v[i].file_id);
        free(m->v[i].domain);
        free(m->v[i].relative_path);
        vg_mbfile_clear(&m->v[i].mb);
    }
    free(m->v);
    free(m);
}

/* 40 hex digits, lowercased; NULL when the column holds anything else. */
static char *mf_file_id(sqlite3_stmt *st)
{
    const unsigned char *s = sqlite3_column_text(st, 0);
    int n = sqlite3_column_bytes(st, 0), i;
    char *id;

    if (sqlite3_column_type(st, 0) != SQLITE_TEXT || !s || n != MF_FILE_ID_LEN)
        return NULL;
    for (i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') ||
              (s[i] >= 'A' && s[i] <= 'F')))
            return NULL;
    id = vg_strndup((const char *)s, (size_t)n);
    if (id)
        vg_str_lower(id);
    return id;
}

/* Text column as a string; NULL as "". Embedded NULs end the string, as
 * they would for any path on the device. */
static char *mf_text(sqlite3_stmt *st, int col)
{
    const unsigned char *s = sqlite3_column_text(st, col);
    return vg_strdup(s ? (const char *)s : "");
}

static int mf_grow(struct mf_load *l)
{
    struct vg_manifest_entry *nv;
    size_t ncap;

    if (l->m->n < l->cap)
        return VG_OK;
    ncap = l->cap ? l->cap * 2 : 256;
    nv = vg_realloc_array(l->m->v, ncap, sizeof(*nv));
    if (!nv)
        return VG_E_NOMEM;
    l->m->v = nv;
    l->cap = ncap;
    return VG_OK;
}

static void mf_bad_row(struct mf_load *l, sqlite3_stmt *st)
{
    const unsigned char *s = sqlite3_column_text(st, 0);
    size_t k = l->m->bad_rows++;
    if (k < MF_EXAMPLES)
        (void)vg_snprintf(l->bad_row[k], sizeof(l->bad_row[k]), "\"%.60s\"",
                          s ? (const char *)s : "NULL");
}

static void mf_decode(struct mf_load *l, struct vg_manifest_entry *e, sqlite3_stmt *st)
{
    char err[MF_ERRMSG];
    const void *blob = sqlite3_column_blob(st, 4);
    int n = sqlite3_column_bytes(st, 4);
    size_t k;

    err[0] = '\0';
    if (sqlite3_column_type(st, 4) == SQLITE_BLOB && blob &&
        vg_mbfile_parse(blob, (size_t)n, &e->mb, err, sizeof(err)) == VG_OK) {
        e->has_mb = 1;
        return;
    }
    k = l->m->bad_blobs++;
    if (k < MF_EXAMPLES)
        (void)vg_snprintf(l->bad_blob[k], sizeof(l->bad_blob[k]), "%s (%s)", e->file_id,
                          err[0] ? err : "no file blob");
}

static int mf_row(void *ud, sqlite3_stmt *st)
{
    struct mf_load *l = ud;
    struct vg_manifest_entry *e;
    char *id = mf_file_id(st);
    int rc;

    if (!id) {
        mf_bad_row(l, st);
        return VG_OK;
    }
    rc = mf_grow(l);
    if (rc != VG_OK) {
        free(id);
        return rc;
    }
    e = &l->m->v[l->m->n];
    memset(e, 0, sizeof(*e));
    vg_mbfile_init(&e->mb);
    e->file_id = id;
    e->domain = mf_text(st, 1);
    e->relative_path = mf_text(st, 2);
    e->flags = (int)sqlite3_column_int(st, 3);
    l->m->n++; /* from here on, vg_manifest_free owns it */
    if (!e->domain || !e->relative_path)
        return VG_E_NOMEM;
    mf_decode(l, e, st);
    return VG_OK;
}

static int mf_cmp(const void *a, const void *b)
{
    const struct vg_manifest_entry *x = a, *y = b;
    int c = strcmp(x->domain, y->domain);
    if (c == 0)
        c = strcmp(x->relative_path, y->relative_path);
    return c ? c : strcmp(x->file_id, y->file_id); /* duplicates in a stable order */
}

/* "a, b, c" or "a, b, c, ..." when there were more than the examples kept. */
static void mf_join(char *out, size_t cap, const char (*items)[MF_ITEM], size_t total)
{
    size_t i, k = total < MF_EXAMPLES ? total : MF_EXAMPLES, used = 0;

    out[0] = '\0';
    for (i = 0; i < k + (total > k); i++) {
        if (vg_snprintf(out + used, cap - used, "%s%s", i ? ", " : "", i < k ? items[i] : "...") !=
            VG_OK)
            break;
        used += strlen(out + used);
    }
}

static void mf_summaries(const struct mf_load *l, const char *display, struct vg_diag *diag)
{
    char list[MF_EXAMPLES * MF_ITEM + 16];

    if (l->m->bad_blobs) {
        mf_join(list, sizeof(list), l->bad_blob, l->m->bad_blobs);
        vg_diag_add(diag, VG_DIAG_WARN, display,
                    "%s: %zu file records could not be decoded, their metadata is missing: %s",
                    display, l->m->bad_blobs, list);
    }
    if (l->m->bad_rows) {
        mf_join(list, sizeof(list), l->bad_row, l->m->bad_rows);
        vg_diag_add(diag, VG_DIAG_WARN, display,
                    "%s: %zu rows skipped, their fileID is not 40 hex digits: %s", display,
                    l->m->bad_rows, list);
    }
}

int vg_manifest_load(sqlite3 *db, const char *display, struct vg_diag *diag,
                     struct vg_manifest **out)
{
    struct mf_load l;
    int rc;

    if (!display)
        display = "Manifest.db";
    memset(&l, 0, sizeof(l));
    l.m = vg_calloc(1, sizeof(*l.m));
    if (!l.m)
        return VG_E_NOMEM;
    rc = vg_sqlite_each_table(db, "Files", "fileID, domain, relativePath, flags, file", NULL,
                              display, diag, mf_row, &l, NULL);
    if (rc != VG_OK) {
        vg_manifest_free(l.m);
        return rc;
    }
    mf_summaries(&l, display, diag);
    if (l.m->n > 1)
        qsort(l.m->v, l.m->n, sizeof(*l.m->v), mf_cmp);
    *out = l.m;
    return VG_OK;
}

const struct vg_manifest_entry *vg_manifest_get(const struct vg_manifest *m, const char *domain,
                                                const char *relative_path)
{
    size_t lo = 0, hi = m ? m->n : 0;

    /* lower bound, so of duplicate rows the first in sort order is found */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const struct vg_manifest_entry *e = &m->v[mid];
        int c = strcmp(e->domain, domain);
        if (c == 0)
            c = strcmp(e->relative_path, relative_path);
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < (m ? m->n : 0) && strcmp(m->v[lo].domain, domain) == 0 &&
        strcmp(m->v[lo].relative_path, relative_path) == 0)
        return &m->v[lo];
    return NULL;
}
