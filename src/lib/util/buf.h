/*
 * Growable byte/string buffer with a named size cap (curl-style): appending
 * past the cap fails with VG_E_LIMIT instead of growing without bound.
 * The content is always NUL-terminated.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_UTIL_BUF_H
#define VG_UTIL_BUF_H

#include "util/vg.h"

struct vg_buf {
    char *data;
    size_t len;
    size_t cap;
    size_t max; /* hard cap on len */
    int secret; /* wipe on growth and free */
};

void vg_buf_init(struct vg_buf *b, size_t max);
void vg_buf_free(struct vg_buf *b);
void vg_buf_reset(struct vg_buf *b);
int vg_buf_append(struct vg_buf *b, const void *p, size_t n) VG_MUST_CHECK;
int vg_buf_append_str(struct vg_buf *b, const char *s) VG_MUST_CHECK;
int vg_buf_printf(struct vg_buf *b, const char *fmt, ...) VG_PRINTF(2, 3) VG_MUST_CHECK;
/* Hands the string to the caller (who frees it); the buffer is left empty. */
char *vg_buf_take(struct vg_buf *b);

/* One byte: in place when there is room (cap never exceeds max + 1, so no
 * cap check is due), else through vg_buf_append. Inline: parsers append
 * byte by byte. */
VG_MUST_CHECK static inline int vg_buf_append_char(struct vg_buf *b, char c)
{
    if (b->len + 2 <= b->cap) {
        b->data[b->len++] = c;
        b->data[b->len] = '\0';
        return VG_OK;
    }
    return vg_buf_append(b, &c, 1);
}

#endif
