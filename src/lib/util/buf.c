/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <stdlib.h>

#include "util/buf.h"

void vg_buf_init(struct vg_buf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
    b->secret = 0;
}

void vg_buf_free(struct vg_buf *b)
{
    if (b->secret)
        vg_wipe(b->data, b->cap);
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

void vg_buf_reset(struct vg_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

static int buf_grow(struct vg_buf *b, size_t need)
{
    size_t ncap;
    char *nd;

    if (need <= b->cap)
        return VG_OK;
    if (need - 1 > b->max)
        return VG_E_LIMIT;
    ncap = b->cap ? b->cap : 64;
    while (ncap < need) {
        if (vg_mul_overflow(ncap, 2, &ncap))
            return VG_E_LIMIT;
    }
    if (ncap - 1 > b->max)
        ncap = b->max + 1;
    if (b->secret) {
        /* realloc could leave a copy of secret bytes behind */
        nd = malloc(ncap);
        if (!nd)
            return VG_E_NOMEM;
        if (b->data) {
            memcpy(nd, b->data, b->len + 1);
            vg_wipe(b->data, b->cap);
            free(b->data);
        }
    } else {
        nd = realloc(b->data, ncap);
        if (!nd)
            return VG_E_NOMEM;
    }
    b->data = nd;
    b->cap = ncap;
    return VG_OK;
}

int vg_buf_append(struct vg_buf *b, const void *p, size_t n)
{
    size_t need;
    int rc;

    if (vg_add_overflow(b->len, n, &need) || vg_add_overflow(need, 1, &need))
        return VG_E_LIMIT;
    rc = buf_grow(b, need);
    if (rc != VG_OK)
        return rc;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return VG_OK;
}

int vg_buf_append_str(struct vg_buf *b, const char *s)
{
    return vg_buf_append(b, s, strlen(s));
}

int vg_buf_printf(struct vg_buf *b, const char *fmt, ...)
{
    va_list ap;
    char *s;
    int rc;

    va_start(ap, fmt);
    s = vg_vasprintf(fmt, ap);
    va_end(ap);
    if (!s)
        return VG_E_NOMEM;
    rc = vg_buf_append_str(b, s);
    free(s);
    return rc;
}

char *vg_buf_take(struct vg_buf *b)
{
    char *s = b->data;
    if (!s)
        s = vg_strdup("");
    b->data = NULL;
    b->len = b->cap = 0;
    return s;
}
