/* SPDX-License-Identifier: Apache-2.0 */
#include "util/vg.h"

#include "util/utf8.h"

size_t vg_utf8_next(const unsigned char *p, size_t n, uint32_t *cp)
{
    unsigned char c = p[0], lo = 0x80, hi = 0xBF;
    size_t len, i;
    uint32_t v;

    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    /* The ranges of the second byte exclude overlong forms, surrogates and
     * code points past U+10FFFF (RFC 3629 table). */
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        v = c & 0x1Fu;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        v = c & 0x0Fu;
        lo = c == 0xE0 ? 0xA0 : 0x80;
        hi = c == 0xED ? 0x9F : 0xBF;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        v = c & 0x07u;
        lo = c == 0xF0 ? 0x90 : 0x80;
        hi = c == 0xF4 ? 0x8F : 0xBF;
    } else {
        *cp = VG_UTF8_BAD;
        return 1;
    }
    for (i = 1; i < len; i++) {
        if (i >= n || p[i] < lo || p[i] > hi) {
            *cp = VG_UTF8_BAD;
            return i;
        }
        v = (v << 6) | (p[i] & 0x3Fu);
        lo = 0x80;
        hi = 0xBF;
    }
    *cp = v;
    return len;
}

int vg_utf8_valid(const void *p, size_t n)
{
    const unsigned char *u = p;
    size_t i = 0;
    uint32_t cp;

    while (i < n) {
        i += vg_utf8_next(u + i, n - i, &cp);
        if (cp == VG_UTF8_BAD)
            return 0;
    }
    return 1;
}

int vg_utf8_put(struct vg_buf *b, uint32_t c)
{
    char u[4];
    size_t n;

    if ((c >= 0xD800 && c < 0xE000) || c > 0x10FFFF)
        c = 0xFFFD;
    if (c < 0x80) {
        u[0] = (char)c;
        n = 1;
    } else if (c < 0x800) {
        u[0] = (char)(0xC0 | c >> 6);
        u[1] = (char)(0x80 | (c & 0x3F));
        n = 2;
    } else if (c < 0x10000) {
        u[0] = (char)(0xE0 | c >> 12);
        u[1] = (char)(0x80 | (c >> 6 & 0x3F));
        u[2] = (char)(0x80 | (c & 0x3F));
        n = 3;
    } else {
        u[0] = (char)(0xF0 | c >> 18);
        u[1] = (char)(0x80 | (c >> 12 & 0x3F));
        u[2] = (char)(0x80 | (c >> 6 & 0x3F));
        u[3] = (char)(0x80 | (c & 0x3F));
        n = 4;
    }
    return vg_buf_append(b, u, n);
}

int vg_utf8_repair(struct vg_buf *b, const void *p, size_t n)
{
    const unsigned char *u = p;
    size_t i = 0, run = 0, k;
    uint32_t cp;
    int rc = VG_OK;

    if (n == 0)
        return vg_buf_append(b, "", 0);
    /* valid runs are copied whole: most text has no bad byte at all */
    while (i < n && rc == VG_OK) {
        k = vg_utf8_next(u + i, n - i, &cp);
        if (cp == VG_UTF8_BAD) {
            rc = vg_buf_append(b, u + run, i - run);
            if (rc == VG_OK)
                rc = vg_buf_append(b, "\xEF\xBF\xBD", 3);
            run = i + k;
        }
        i += k;
    }
    if (rc == VG_OK)
        rc = vg_buf_append(b, u + run, n - run);
    return rc;
}
