/* SPDX-License-Identifier: Apache-2.0 */
#include "util/vg.h"

#include "formats/apple/typedstream.h"
#include "util/rd.h"
#include "util/utf8.h"

/* The NSString's "+" (bytes with a length) type string follows its class
 * chain within this many bytes of the class name. */
#define TS_MARKER_WINDOW 32u

/* Offset of the first needle in p[from..end), or SIZE_MAX. */
static size_t ts_find(const unsigned char *p, size_t end, size_t from, const char *needle,
                      size_t nn)
{
    struct vg_rd r;
    const unsigned char *q;
    size_t i;

    for (i = from; nn <= end && i <= end - nn; i++) {
        vg_rd_init(&r, p, end);
        q = vg_rd_skip(&r, i) ? vg_rd_bytes(&r, nn) : NULL;
        if (q && memcmp(q, needle, nn) == 0)
            return i;
    }
    return SIZE_MAX;
}

/* A length: a byte below 0x80, or 0x81/0x82 and a little-endian 16- or
 * 32-bit integer. */
static int ts_length(struct vg_rd *r, size_t *len)
{
    uint8_t b = vg_rd_u8(r);

    if (b < 0x80) {
        *len = b;
    } else if (b == 0x81) {
        uint8_t lo = vg_rd_u8(r);
        *len = (size_t)lo | (size_t)vg_rd_u8(r) << 8;
    } else if (b == 0x82) {
        *len = vg_rd_le32(r);
    } else {
        return VG_E_CORRUPT;
    }
    return r->err ? VG_E_TRUNCATED : VG_OK;
}

int vg_typedstream_text(const unsigned char *p, size_t n, const unsigned char **text, size_t *len)
{
    static const char marker[] = "\x84\x01+"; /* new type string, length 1, "+" */
    struct vg_rd r;
    const unsigned char *s;
    size_t at, end, k;
    int rc;

    at = ts_find(p, n, 0, "NSString", 8);
    if (at == SIZE_MAX)
        return VG_E_NOTFOUND;
    end = at + 8 + TS_MARKER_WINDOW < n ? at + 8 + TS_MARKER_WINDOW : n;
    at = ts_find(p, end, at + 8, marker, 3);
    if (at == SIZE_MAX)
        return VG_E_NOTFOUND;
    vg_rd_init(&r, p, n);
    if (!vg_rd_skip(&r, at + 3))
        return VG_E_TRUNCATED;
    rc = ts_length(&r, &k);
    if (rc != VG_OK)
        return rc;
    if (k > VG_MAX_TEXT_SCAN)
        return VG_E_LIMIT;
    s = vg_rd_bytes(&r, k);
    if (!s)
        return VG_E_TRUNCATED;
    if (memchr(s, '\0', k) || !vg_utf8_valid(s, k))
        return VG_E_CORRUPT;
    *text = s;
    *len = k;
    return VG_OK;
}
