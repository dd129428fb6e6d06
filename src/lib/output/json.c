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
#include "util/pyfmt.h"

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
    char num[VG_PY_REAL_BUF];

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
        vg_py_repr_real(json_real_value(v), num);
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
