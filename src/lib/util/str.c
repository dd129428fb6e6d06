/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdlib.h>

#include "util/vg.h"

int vg_str_has_prefix(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

int vg_str_has_suffix(const char *s, const char *suffix)
{
    size_t ls = strlen(s), lx = strlen(suffix);
    return lx <= ls && memcmp(s + (ls - lx), suffix, lx) == 0;
}

static char ascii_lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

void vg_str_lower(char *s)
{
    for (; *s; s++)
        *s = ascii_lower(*s);
}

int vg_str_casecmp(const char *a, const char *b)
{
    for (;; a++, b++) {
        char ca = ascii_lower(*a), cb = ascii_lower(*b);
        if (ca != cb || !ca)
            return (unsigned char)ca - (unsigned char)cb;
    }
}

int vg_strcmp_ptr(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int vg_str_in(const char *s, const char *const *list, size_t n)
{
    size_t i;

    for (i = 0; s && i < n; i++)
        if (strcmp(s, list[i]) == 0)
            return 1;
    return 0;
}

size_t vg_fmt_i64(char *buf, int64_t v)
{
    char tmp[VG_I64_BUF];
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    size_t n = 0, i = 0;

    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        buf[i++] = '-';
    while (n)
        buf[i++] = tmp[--n];
    buf[i] = '\0';
    return i;
}

int vg_parse_i64(const char *s, int64_t *out)
{
    char *end;
    long long v;
    if (!s || !*s)
        return VG_E_INVAL;
    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno || *end)
        return VG_E_INVAL;
    *out = (int64_t)v;
    return VG_OK;
}

int vg_parse_u64(const char *s, uint64_t *out)
{
    char *end;
    unsigned long long v;
    if (!s || *s < '0' || *s > '9')
        return VG_E_INVAL;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno || *end)
        return VG_E_INVAL;
    *out = (uint64_t)v;
    return VG_OK;
}

void vg_hex_encode(const unsigned char *in, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    size_t i;
    for (i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * n] = '\0';
}

static int hex_val(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int vg_hex_decode(const char *hex, unsigned char *out, size_t n)
{
    size_t i;
    if (strlen(hex) != 2 * n)
        return VG_E_INVAL;
    for (i = 0; i < n; i++) {
        int hi = hex_val(hex[2 * i]), lo = hex_val(hex[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return VG_E_INVAL;
        out[i] = (unsigned char)(hi << 4 | lo);
    }
    return VG_OK;
}
