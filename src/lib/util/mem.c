/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <stdlib.h>

#include <openssl/crypto.h>

#include "util/vg.h"

void *vg_malloc(size_t n)
{
    return malloc(n ? n : 1);
}

void *vg_calloc(size_t count, size_t size)
{
    size_t n;
    if (vg_mul_overflow(count, size, &n))
        return NULL;
    return calloc(n ? count : 1, n ? size : 1);
}

void *vg_realloc_array(void *p, size_t count, size_t size)
{
    size_t n;
    if (vg_mul_overflow(count, size, &n))
        return NULL;
    return realloc(p, n ? n : 1);
}

char *vg_strndup(const char *s, size_t n)
{
    char *d;
    size_t total;
    if (vg_add_overflow(n, 1, &total))
        return NULL;
    d = malloc(total);
    if (!d)
        return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *vg_strdup(const char *s)
{
    return s ? vg_strndup(s, strlen(s)) : NULL;
}

char *vg_vasprintf(const char *fmt, va_list ap)
{
    va_list ap2;
    int n;
    char *s;

    va_copy(ap2, ap);
    n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return NULL;
    s = malloc((size_t)n + 1);
    if (!s)
        return NULL;
    if (vsnprintf(s, (size_t)n + 1, fmt, ap) != n) {
        free(s);
        return NULL;
    }
    return s;
}

char *vg_asprintf(const char *fmt, ...)
{
    va_list ap;
    char *s;
    va_start(ap, fmt);
    s = vg_vasprintf(fmt, ap);
    va_end(ap);
    return s;
}

int vg_snprintf(char *buf, size_t cap, const char *fmt, ...)
{
    va_list ap;
    int n;
    if (cap == 0)
        return VG_E_LIMIT;
    va_start(ap, fmt);
    n = vsnprintf(buf, cap, fmt, ap);
    va_end(ap);
    if (n < 0) {
        buf[0] = '\0';
        return VG_E_INVAL;
    }
    return (size_t)n >= cap ? VG_E_LIMIT : VG_OK;
}

void vg_wipe(void *p, size_t n)
{
    if (p && n)
        OPENSSL_cleanse(p, n);
}

void vg_free_secret(void *p, size_t n)
{
    vg_wipe(p, n);
    free(p);
}
