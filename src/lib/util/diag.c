/*
 * Per-run diagnostics: every warning and error, kept for info.json and
 * passed on to the caller's callback (the library itself never prints).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <stdlib.h>

#include "util/vg.h"

#include "util/utf8.h"

struct vg_diag {
    struct vg_diag_entry *v;
    size_t n, cap;
    size_t counts[VG_DIAG_ERROR + 1];
    void (*cb)(void *ud, const struct vg_diag_entry *e);
    void *ud;
};

int vg_diag_new(void (*cb)(void *ud, const struct vg_diag_entry *e), void *ud, struct vg_diag **out)
{
    struct vg_diag *d = calloc(1, sizeof(*d));
    if (!d)
        return VG_E_NOMEM;
    d->cb = cb;
    d->ud = ud;
    *out = d;
    return VG_OK;
}

void vg_diag_free(struct vg_diag *d)
{
    size_t i;
    if (!d)
        return;
    for (i = 0; i < d->n; i++) {
        free((char *)d->v[i].where);
        free((char *)d->v[i].message);
    }
    free(d->v);
    free(d);
}

static void diag_keep(struct vg_diag *d, const struct vg_diag_entry *e)
{
    struct vg_diag_entry *nv;
    char *w, *m;

    if (d->n >= VG_MAX_DIAG_ENTRIES)
        return;
    if (d->n == d->cap) {
        size_t ncap = d->cap ? d->cap * 2 : 16;
        nv = vg_realloc_array(d->v, ncap, sizeof(*nv));
        if (!nv)
            return;
        d->v = nv;
        d->cap = ncap;
    }
    w = vg_strdup(e->where);
    m = vg_strdup(e->message);
    if (!w || !m) {
        free(w);
        free(m);
        return;
    }
    d->v[d->n].level = e->level;
    d->v[d->n].where = w;
    d->v[d->n].message = m;
    d->n++;
}

/* Messages quote what artifacts hold (a file id with a stray byte) and
 * may be cut inside a character: they are kept and passed on as UTF-8, as
 * info.json needs them, each bad sequence a U+FFFD (or, short of memory,
 * a '?' in place). Returns the repaired copy to free, or NULL. */
static char *utf8_message(char *msg)
{
    size_t n = strlen(msg), i = 0, k;
    struct vg_buf b;
    uint32_t cp;

    if (vg_utf8_valid(msg, n))
        return NULL;
    vg_buf_init(&b, 3 * n + 1);
    if (vg_utf8_repair(&b, msg, n) == VG_OK)
        return vg_buf_take(&b);
    vg_buf_free(&b);
    while (i < n) {
        k = vg_utf8_next((const unsigned char *)msg + i, n - i, &cp);
        if (cp == VG_UTF8_BAD)
            memset(msg + i, '?', k);
        i += k;
    }
    return NULL;
}

void vg_diag_add(struct vg_diag *d, enum vg_diag_level level, const char *where, const char *fmt,
                 ...)
{
    char msg[VG_MAX_MESSAGE], *fixed;
    struct vg_diag_entry e;
    va_list ap;
    int n;

    if (!d)
        return;
    va_start(ap, fmt);
    n = vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (n < 0)
        msg[0] = '\0';
    fixed = utf8_message(msg);
    e.level = level;
    e.where = where ? where : "";
    e.message = fixed ? fixed : msg;
    if ((unsigned)level <= VG_DIAG_ERROR)
        d->counts[level]++;
    /* debug chatter goes to the callback only */
    if (level >= VG_DIAG_INFO)
        diag_keep(d, &e);
    if (d->cb)
        d->cb(d->ud, &e);
    free(fixed);
}

size_t vg_diag_count(const struct vg_diag *d, enum vg_diag_level level)
{
    return d && (unsigned)level <= VG_DIAG_ERROR ? d->counts[level] : 0;
}

size_t vg_diag_size(const struct vg_diag *d)
{
    return d ? d->n : 0;
}

const struct vg_diag_entry *vg_diag_get(const struct vg_diag *d, size_t i)
{
    return d && i < d->n ? &d->v[i] : NULL;
}
