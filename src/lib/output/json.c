/*
 * JSON as MVT writes it, byte for byte: Python's json.dump(indent=4) with
 * ensure_ascii. jansson's own dumper cannot be used: it prints reals with
 * %.17g (0.1 becomes 0.10000000000000001), escapes with upper-case hex and
 * leaves DEL unescaped, where Python differs on all three.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "output/json.h"
#include "output/output.h"

/* ---- sink ---- */

static void sink_fwrite(struct vg_sink *s, const void *p, size_t n)
{
    if (n > 0 && fwrite(p, 1, n, s->f) != n) {
        s->err = VG_E_IO;
        s->syserr = errno;
    }
}

int vg_sink_flush(struct vg_sink *s)
{
    if (s->f && s->wb && !s->err)
        sink_fwrite(s, s->wb, s->wlen);
    s->wlen = 0;
    return s->err;
}

void vg_sink_put(struct vg_sink *s, const void *p, size_t n)
{
    int rc;

    if (s->err || n == 0)
        return;
    if (s->f && s->wb) {
        if (n > VG_SINK_BUF - s->wlen && vg_sink_flush(s) != VG_OK)
            return;
        if (n < VG_SINK_BUF) {
            memcpy(s->wb + s->wlen, p, n);
            s->wlen += n;
            return;
        }
    }
    if (s->f) {
        sink_fwrite(s, p, n);
        return;
    }
    rc = vg_buf_append(s->b, p, n);
    if (rc != VG_OK)
        s->err = rc;
}

void vg_sink_puts(struct vg_sink *s, const char *str)
{
    vg_sink_put(s, str, strlen(str));
}

void vg_sink_spaces(struct vg_sink *s, size_t n)
{
    static const char sp[] = "                                                                ";
    size_t k;

    while (n > 0) {
        k = n < sizeof(sp) - 1 ? n : sizeof(sp) - 1;
        vg_sink_put(s, sp, k);
        n -= k;
    }
}

/* ---- UTF-8 ---- */

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

void vg_sink_utf8(struct vg_sink *s, const char *p, size_t n)
{
    const unsigned char *u = (const unsigned char *)p;
    size_t i = 0, run = 0, k;
    uint32_t cp;

    while (i < n) {
        if (u[i] < 0x80) {
            i++;
            continue;
        }
        k = vg_utf8_next(u + i, n - i, &cp);
        if (cp != VG_UTF8_BAD) {
            i += k;
            continue;
        }
        vg_sink_put(s, p + run, i - run);
        vg_sink_put(s, "\xEF\xBF\xBD", 3);
        i += k;
        run = i;
    }
    vg_sink_put(s, p + run, n - run);
}

/* ---- strings ---- */

static void put_u16(struct vg_sink *s, uint32_t u)
{
    static const char hex[] = "0123456789abcdef";
    char e[6] = {'\\',       'u', hex[(u >> 12) & 15], hex[(u >> 8) & 15], hex[(u >> 4) & 15],
                 hex[u & 15]};
    vg_sink_put(s, e, sizeof(e));
}

static void put_escaped(struct vg_sink *s, uint32_t cp)
{
    if (cp == VG_UTF8_BAD)
        cp = 0xFFFD;
    switch (cp) {
    case '"':
        vg_sink_put(s, "\\\"", 2);
        return;
    case '\\':
        vg_sink_put(s, "\\\\", 2);
        return;
    case '\n':
        vg_sink_put(s, "\\n", 2);
        return;
    case '\r':
        vg_sink_put(s, "\\r", 2);
        return;
    case '\t':
        vg_sink_put(s, "\\t", 2);
        return;
    case '\b':
        vg_sink_put(s, "\\b", 2);
        return;
    case '\f':
        vg_sink_put(s, "\\f", 2);
        return;
    default:
        break;
    }
    if (cp > 0xFFFF) {
        cp -= 0x10000;
        put_u16(s, 0xD800 | (cp >> 10));
        put_u16(s, 0xDC00 | (cp & 0x3FF));
        return;
    }
    put_u16(s, cp);
}

void vg_json_emit_str(struct vg_sink *s, const char *p, size_t n)
{
    const unsigned char *u = (const unsigned char *)p;
    size_t i = 0, run = 0;
    uint32_t cp;

    vg_sink_put(s, "\"", 1);
    while (i < n) {
        /* Python escapes everything outside printable ASCII (0x20..0x7E) */
        if (u[i] >= 0x20 && u[i] < 0x7F && u[i] != '"' && u[i] != '\\') {
            i++;
            continue;
        }
        vg_sink_put(s, p + run, i - run);
        i += vg_utf8_next(u + i, n - i, &cp);
        put_escaped(s, cp);
        run = i;
    }
    vg_sink_put(s, p + run, n - run);
    vg_sink_put(s, "\"", 1);
}

/* ---- reals ---- */

/* Digits and exponent of a %.*e rendering, whatever the locale's radix:
 * "d[<radix>ddd]e+XX". Returns the digit count. */
static size_t sci_parse(const char *buf, char *digits, int *exp10)
{
    size_t n = 0;
    const char *e = strchr(buf, 'e');
    int sign = 1, v = 0;

    for (; *buf && buf != e; buf++) {
        if (*buf >= '0' && *buf <= '9')
            digits[n++] = *buf;
    }
    digits[n] = '\0';
    e++;
    if (*e == '-' || *e == '+')
        sign = *e++ == '-' ? -1 : 1;
    for (; *e >= '0' && *e <= '9'; e++)
        v = v * 10 + (*e - '0');
    *exp10 = sign * v;
    return n;
}

/* Adds one unit in the last place of the n digits; on carry out ("999" to
 * "1000") keeps n digits and bumps the exponent. */
static void digits_increment(char *d, size_t n, int *exp10)
{
    size_t i = n;

    while (i > 0) {
        if (d[i - 1] != '9') {
            d[i - 1]++;
            return;
        }
        d[i - 1] = '0';
        i--;
    }
    d[0] = '1';
    (*exp10)++;
}

/* Renders digits/exponent back in the current locale's %e shape (its radix
 * copied from tmpl) so strtod reads it the way it reads printf's output. */
static double sci_value(const char *tmpl, const char *digits, size_t n, int exp10)
{
    char buf[64];
    const char *radix = tmpl + 1;
    int rlen = 0;

    while (radix[rlen] && radix[rlen] != 'e' && (radix[rlen] < '0' || radix[rlen] > '9'))
        rlen++;

    if (n == 1)
        (void)vg_snprintf(buf, sizeof(buf), "%ce%d", digits[0], exp10);
    else
        (void)vg_snprintf(buf, sizeof(buf), "%c%.*s%se%d", digits[0], rlen, radix, digits + 1,
                          exp10);
    return strtod(buf, NULL);
}

/* The p significant digits of x that read back as x, if there are: the
 * correctly rounded ones, or at a power of two, where the gap below x is
 * half the gap above, possibly the next ones up. Returns the digit count, or
 * 0 when no p-digit number reads back as x. */
static size_t try_digits(double x, int p, char *digits, int *exp10)
{
    char buf[64];
    size_t n;
    int e2;
    double y;

    (void)vg_snprintf(buf, sizeof(buf), "%.*e", p - 1, x);
    n = sci_parse(buf, digits, exp10);
    y = strtod(buf, NULL);
    if (y == x)
        return n;
    if (y < x && frexp(x, &e2) == 0.5) {
        digits_increment(digits, n, exp10);
        if (sci_value(buf, digits, n, *exp10) == x)
            return n;
    }
    return 0;
}

/* Shortest digits that read back as x (x > 0, finite), the closest such
 * when there are several: David Gay's dtoa mode 0, Python's repr. Reading
 * back is monotonic in the digit count (the p+1 digit grid holds the p digit
 * one), so a binary search over 1..17 finds the length; 17 always works. */
static size_t real_digits(double x, char *digits, int *exp10)
{
    char tmp[24];
    int lo = 1, hi = 17, mid, e;
    size_t n;

    while (lo < hi) {
        mid = (lo + hi) / 2;
        if (try_digits(x, mid, tmp, &e) != 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    n = try_digits(x, lo, digits, exp10);
    while (n > 1 && digits[n - 1] == '0')
        digits[--n] = '\0';
    return n;
}

void vg_json_format_real(double x, char *buf)
{
    char d[24], out[VG_REAL_BUF];
    size_t n, o = 0, i;
    int e, decpt;

    if (x == 0) {
        memcpy(buf, signbit(x) ? "-0.0" : "0.0", signbit(x) ? 5 : 4);
        return;
    }
    if (x < 0)
        out[o++] = '-';
    n = real_digits(fabs(x), d, &e);
    decpt = e + 1; /* value = 0.d1d2... * 10^decpt */
    if (decpt <= -4 || decpt > 16) {
        /* Python's repr: exponent outside [-4, 16) switches to 1.5e+16 */
        out[o++] = d[0];
        if (n > 1) {
            out[o++] = '.';
            for (i = 1; i < n; i++)
                out[o++] = d[i];
        }
        (void)vg_snprintf(out + o, sizeof(out) - o, "e%c%02d", e < 0 ? '-' : '+', e < 0 ? -e : e);
        memcpy(buf, out, strlen(out) + 1);
        return;
    }
    if (decpt <= 0) {
        out[o++] = '0';
        out[o++] = '.';
        for (i = 0; i < (size_t)-decpt; i++)
            out[o++] = '0';
        for (i = 0; i < n; i++)
            out[o++] = d[i];
    } else {
        for (i = 0; i < n || i < (size_t)decpt; i++) {
            if (i == (size_t)decpt)
                out[o++] = '.';
            out[o++] = i < n ? d[i] : '0';
        }
        if (n <= (size_t)decpt) {
            out[o++] = '.';
            out[o++] = '0';
        }
    }
    out[o] = '\0';
    memcpy(buf, out, o + 1);
}

/* ---- values ---- */

static void put_newline_indent(struct vg_sink *s, size_t level)
{
    vg_sink_put(s, "\n", 1);
    vg_sink_spaces(s, level * 4);
}

static int emit_value(struct vg_sink *s, const json_t *v, size_t level);

static int emit_array(struct vg_sink *s, const json_t *v, size_t level)
{
    size_t i, n = json_array_size(v);
    int rc;

    if (n == 0) {
        vg_sink_put(s, "[]", 2);
        return s->err;
    }
    vg_sink_put(s, "[", 1);
    for (i = 0; i < n && !s->err; i++) {
        if (i > 0)
            vg_sink_put(s, ",", 1);
        put_newline_indent(s, level + 1);
        rc = emit_value(s, json_array_get(v, i), level + 1);
        if (rc != VG_OK)
            return rc;
    }
    put_newline_indent(s, level);
    vg_sink_put(s, "]", 1);
    return s->err;
}

static size_t key_len(void *it, const char *key)
{
#if JANSSON_VERSION_HEX >= 0x020e00
    VG_UNUSED(key);
    return json_object_iter_key_len(it);
#else
    VG_UNUSED(it);
    return strlen(key);
#endif
}

static int emit_object(struct vg_sink *s, const json_t *v, size_t level)
{
    /* jansson keeps insertion order (since 2.8), which is Python's dict order */
    void *it = json_object_iter((json_t *)v);
    const char *key;
    int rc, first = 1;

    if (!it) {
        vg_sink_put(s, "{}", 2);
        return s->err;
    }
    vg_sink_put(s, "{", 1);
    for (; it && !s->err; it = json_object_iter_next((json_t *)v, it)) {
        if (!first)
            vg_sink_put(s, ",", 1);
        first = 0;
        put_newline_indent(s, level + 1);
        key = json_object_iter_key(it);
        vg_json_emit_str(s, key, key_len(it, key));
        vg_sink_put(s, ": ", 2);
        rc = emit_value(s, json_object_iter_value(it), level + 1);
        if (rc != VG_OK)
            return rc;
    }
    put_newline_indent(s, level);
    vg_sink_put(s, "}", 1);
    return s->err;
}

static int emit_value(struct vg_sink *s, const json_t *v, size_t level)
{
    char num[VG_REAL_BUF];

    /* also stops a value that contains itself */
    if (level > VG_MAX_JSON_DEPTH)
        return VG_E_LIMIT;
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return emit_object(s, v, level);
    case JSON_ARRAY:
        return emit_array(s, v, level);
    case JSON_STRING:
        vg_json_emit_str(s, json_string_value(v), json_string_length(v));
        break;
    case JSON_INTEGER:
        (void)vg_snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        vg_sink_puts(s, num);
        break;
    case JSON_REAL:
        vg_json_format_real(json_real_value(v), num);
        vg_sink_puts(s, num);
        break;
    case JSON_TRUE:
        vg_sink_put(s, "true", 4);
        break;
    case JSON_FALSE:
        vg_sink_put(s, "false", 5);
        break;
    case JSON_NULL:
    default:
        vg_sink_put(s, "null", 4);
        break;
    }
    return s->err;
}

int vg_json_emit(struct vg_sink *s, const json_t *v, size_t level)
{
    if (!v)
        return VG_E_INVAL;
    return emit_value(s, v, level);
}

char *vg_json_dumps(const json_t *v)
{
    struct vg_buf b;
    struct vg_sink s = {NULL, &b, VG_OK, 0, NULL, 0};

    vg_buf_init(&b, VG_MAX_JSON_DUMP);
    if (vg_json_emit(&s, v, 0) != VG_OK) {
        vg_buf_free(&b);
        return NULL;
    }
    return vg_buf_take(&b);
}
