/*
 * Bounded reader over untrusted bytes. Every read checks `n > len - off`
 * with integers before touching memory, never forms a pointer past the end,
 * and sets a sticky error so a parser can read a whole structure and test
 * once at the end (libyal-style explicit byte order).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_UTIL_RD_H
#define VG_UTIL_RD_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct vg_rd {
    const unsigned char *p;
    size_t len;
    size_t off;
    int err; /* sticky: VG_OK or VG_E_TRUNCATED */
};

static inline void vg_rd_init(struct vg_rd *r, const void *p, size_t len)
{
    r->p = (const unsigned char *)p;
    r->len = len;
    r->off = 0;
    r->err = 0;
}

static inline size_t vg_rd_left(const struct vg_rd *r)
{
    return r->len - r->off;
}

/* Returns 1 when n bytes are available, else sets the error and returns 0. */
static inline int vg_rd_need(struct vg_rd *r, size_t n)
{
    if (r->err || n > r->len - r->off) {
        r->err = -3; /* VG_E_TRUNCATED */
        return 0;
    }
    return 1;
}

/* Borrow n bytes; NULL (and error) if they are not there. */
static inline const unsigned char *vg_rd_bytes(struct vg_rd *r, size_t n)
{
    const unsigned char *q;
    if (!vg_rd_need(r, n))
        return NULL;
    q = r->p + r->off;
    r->off += n;
    return q;
}

static inline int vg_rd_skip(struct vg_rd *r, size_t n)
{
    return vg_rd_bytes(r, n) != NULL;
}

static inline int vg_rd_copy(struct vg_rd *r, void *dst, size_t n)
{
    const unsigned char *q = vg_rd_bytes(r, n);
    if (!q)
        return 0;
    memcpy(dst, q, n);
    return 1;
}

static inline uint8_t vg_rd_u8(struct vg_rd *r)
{
    const unsigned char *q = vg_rd_bytes(r, 1);
    return q ? q[0] : 0;
}

static inline uint16_t vg_rd_be16(struct vg_rd *r)
{
    const unsigned char *q = vg_rd_bytes(r, 2);
    return q ? (uint16_t)((unsigned)q[0] << 8 | q[1]) : 0;
}

static inline uint32_t vg_rd_be32(struct vg_rd *r)
{
    const unsigned char *q = vg_rd_bytes(r, 4);
    return q ? ((uint32_t)q[0] << 24 | (uint32_t)q[1] << 16 | (uint32_t)q[2] << 8 | q[3]) : 0;
}

static inline uint64_t vg_rd_be64(struct vg_rd *r)
{
    uint64_t hi = vg_rd_be32(r);
    uint64_t lo = vg_rd_be32(r);
    return hi << 32 | lo;
}

static inline uint32_t vg_rd_le32(struct vg_rd *r)
{
    const unsigned char *q = vg_rd_bytes(r, 4);
    return q ? ((uint32_t)q[3] << 24 | (uint32_t)q[2] << 16 | (uint32_t)q[1] << 8 | q[0]) : 0;
}

/* A sub-reader over the next n bytes (advances r). */
static inline int vg_rd_sub(struct vg_rd *r, size_t n, struct vg_rd *sub)
{
    const unsigned char *q = vg_rd_bytes(r, n);
    if (!q) {
        vg_rd_init(sub, NULL, 0);
        sub->err = -3;
        return 0;
    }
    vg_rd_init(sub, q, n);
    return 1;
}

#endif
