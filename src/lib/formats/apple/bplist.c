/* SPDX-License-Identifier: Apache-2.0 */
#include "util/vg.h"

#include "formats/apple/bplist.h"
#include "util/utf8.h"

#define BP_TRAILER 32u

static uint64_t bp_uint(struct vg_rd *r, unsigned width)
{
    uint64_t v = 0;
    unsigned i;
    for (i = 0; i < width; i++)
        v = v << 8 | vg_rd_u8(r);
    return v;
}

int vg_bplist_open(struct vg_bplist *bp, const unsigned char *p, size_t len)
{
    struct vg_rd t;
    const unsigned char *magic;

    vg_rd_init(&bp->r, p, len);
    vg_rd_init(&t, p, len);
    magic = len >= 8 + BP_TRAILER ? vg_rd_bytes(&t, 8) : NULL;
    if (!magic || memcmp(magic, "bplist00", 8) != 0)
        return VG_E_UNSUPPORTED;
    /* trailer: 6 unused bytes, offset size, reference size, object count,
     * top object, offset table position */
    vg_rd_skip(&t, len - 8 - BP_TRAILER + 6);
    bp->osz = vg_rd_u8(&t);
    bp->rsz = vg_rd_u8(&t);
    bp->nobj = vg_rd_be64(&t);
    bp->top = vg_rd_be64(&t);
    bp->table = vg_rd_be64(&t);
    if (t.err || bp->osz < 1 || bp->osz > 8 || bp->rsz < 1 || bp->rsz > 8 || bp->top >= bp->nobj ||
        bp->table >= len - BP_TRAILER || bp->nobj > (len - BP_TRAILER - bp->table) / bp->osz)
        return VG_E_CORRUPT;
    return VG_OK;
}

/* A reader positioned at object ref (objects lie before the offset table). */
static int bp_seek(const struct vg_bplist *bp, uint64_t ref, struct vg_rd *r)
{
    uint64_t off;

    if (ref >= bp->nobj)
        return VG_E_CORRUPT;
    vg_rd_init(r, bp->r.p, bp->r.len);
    vg_rd_skip(r, (size_t)(bp->table + ref * bp->osz));
    off = bp_uint(r, bp->osz);
    if (r->err || off < 8 || off >= bp->table)
        return VG_E_CORRUPT;
    vg_rd_init(r, bp->r.p, (size_t)bp->table);
    vg_rd_skip(r, (size_t)off);
    return VG_OK;
}

/* Reads an object's marker and its count (0xF: an int object follows). */
static int bp_marker(struct vg_rd *r, unsigned *type, uint64_t *count)
{
    uint8_t m = vg_rd_u8(r), im;

    *type = m >> 4;
    *count = m & 0xF;
    if (*count == 0xF) {
        im = vg_rd_u8(r);
        if ((im >> 4) != 0x1 || (im & 0xF) > 3)
            return VG_E_CORRUPT;
        *count = bp_uint(r, 1u << (im & 0xF));
    }
    return r->err ? VG_E_CORRUPT : VG_OK;
}

/* A reader after dict's marker, and its entry count (checked to fit). */
static int bp_dict(const struct vg_bplist *bp, uint64_t dict, struct vg_rd *r, uint64_t *n)
{
    unsigned type;

    if (bp_seek(bp, dict, r) != VG_OK || bp_marker(r, &type, n) != VG_OK || type != 0xD ||
        *n > vg_rd_left(r) / bp->rsz / 2)
        return VG_E_CORRUPT;
    return VG_OK;
}

int vg_bplist_dict_size(const struct vg_bplist *bp, uint64_t dict, uint64_t *n)
{
    struct vg_rd r;
    return bp_dict(bp, dict, &r, n);
}

int vg_bplist_dict_ref(const struct vg_bplist *bp, uint64_t dict, int values, uint64_t i,
                       uint64_t *ref)
{
    struct vg_rd r;
    uint64_t n;

    if (bp_dict(bp, dict, &r, &n) != VG_OK || i >= n)
        return VG_E_CORRUPT;
    vg_rd_skip(&r, (size_t)(((values ? n : 0) + i) * bp->rsz));
    *ref = bp_uint(&r, bp->rsz);
    return r.err ? VG_E_CORRUPT : VG_OK;
}

/* UTF-16BE to UTF-8; unpaired surrogates become U+FFFD (and the unit
 * after an unpaired high one is read on its own). */
static int utf16_to_utf8(struct vg_rd *r, uint64_t units, struct vg_buf *b)
{
    uint64_t i;
    size_t at;
    int rc = VG_OK;

    for (i = 0; i < units && rc == VG_OK; i++) {
        uint32_t c = vg_rd_be16(r), lo;
        if (c >= 0xD800 && c < 0xE000) {
            at = r->off;
            lo = c < 0xDC00 && i + 1 < units ? vg_rd_be16(r) : 0;
            if (lo >= 0xDC00 && lo < 0xE000) {
                c = 0x10000 + ((c - 0xD800) << 10 | (lo - 0xDC00));
                i++;
            } else {
                c = 0xFFFD;
                r->off = at;
            }
        }
        rc = r->err ? VG_E_CORRUPT : vg_utf8_put(b, c);
    }
    return rc;
}

int vg_bplist_string(const struct vg_bplist *bp, uint64_t ref, struct vg_buf *b)
{
    struct vg_rd r;
    unsigned type;
    uint64_t n;
    const unsigned char *s;

    if (bp_seek(bp, ref, &r) != VG_OK || bp_marker(&r, &type, &n) != VG_OK)
        return VG_E_CORRUPT;
    if (type == 0x5) {
        s = n <= vg_rd_left(&r) ? vg_rd_bytes(&r, (size_t)n) : NULL;
        return s ? vg_buf_append(b, s, (size_t)n) : VG_E_CORRUPT;
    }
    if (type != 0x6 || n > vg_rd_left(&r) / 2)
        return VG_E_CORRUPT;
    return utf16_to_utf8(&r, n, b);
}
