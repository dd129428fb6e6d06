/*
 * STIX2 bundles read for what vigie needs of them. A bundle is mostly
 * fields vigie never reads (descriptions, labels, timestamps, external
 * references); building jansson's tree of every one of them was most of
 * the time it took to load the public indicators. This validates the whole
 * text as strictly as jansson does (UTF-8, escapes, control characters,
 * numbers, nesting, nothing after the value), but builds only the fields
 * stix.c reads: the bundle's "type", and for each entry of "objects" its
 * type, id, name, pattern, pattern_type, source_ref, target_ref and
 * object_refs. Each kept value is decoded by jansson itself (json_loadb
 * of its bytes), so strings mean exactly what they would in a full parse.
 * Written by hand because no JSON library here parses selectively.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include "indicators/stix_scan.h"
#include "util/utf8.h"

struct scan {
    const unsigned char *p;
    size_t n, i;
    size_t depth;
    const char *why; /* the first error */
    size_t at;
};

static const char *const kept_fields[] = {
    "type", "id", "name", "pattern", "pattern_type", "source_ref", "target_ref", "object_refs"};

static int fail(struct scan *s, const char *why)
{
    if (!s->why) {
        s->why = why;
        s->at = s->i;
    }
    return -1;
}

static void ws(struct scan *s)
{
    while (s->i < s->n &&
           (s->p[s->i] == ' ' || s->p[s->i] == '\t' || s->p[s->i] == '\n' || s->p[s->i] == '\r'))
        s->i++;
}

static int hex4(struct scan *s, uint32_t *v)
{
    size_t k;

    *v = 0;
    if (s->n - s->i < 4)
        return fail(s, "truncated \\u escape");
    for (k = 0; k < 4; k++) {
        unsigned char c = s->p[s->i++];
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (d < 0)
            return fail(s, "invalid \\u escape");
        *v = *v << 4 | (uint32_t)d;
    }
    return 0;
}

/* \uXXXX (with its pair when a surrogate), as jansson checks it. */
static int escape_u(struct scan *s)
{
    uint32_t v, lo;

    if (hex4(s, &v) < 0)
        return -1;
    if (v == 0)
        return fail(s, "\\u0000 is not allowed");
    if (v >= 0xDC00 && v <= 0xDFFF)
        return fail(s, "invalid Unicode \\u escape");
    if (v >= 0xD800 && v <= 0xDBFF) {
        if (s->n - s->i < 2 || s->p[s->i] != '\\' || s->p[s->i + 1] != 'u')
            return fail(s, "invalid Unicode \\u escape");
        s->i += 2;
        if (hex4(s, &lo) < 0)
            return -1;
        if (lo < 0xDC00 || lo > 0xDFFF)
            return fail(s, "invalid Unicode \\u escape");
    }
    return 0;
}

/* Bytes a string runs over without a second look: printable ASCII but
 * the quote and the backslash. */
static int plain_byte(unsigned char c)
{
    return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

/* A string from its opening quote to after the closing one. */
static int skip_string(struct scan *s)
{
    s->i++; /* the opening quote */
    while (s->i < s->n) {
        unsigned char c;
        uint32_t cp;
        size_t k;
        while (s->i + 4 <= s->n && plain_byte(s->p[s->i]) && plain_byte(s->p[s->i + 1]) &&
               plain_byte(s->p[s->i + 2]) && plain_byte(s->p[s->i + 3]))
            s->i += 4;
        if (s->i >= s->n)
            break;
        c = s->p[s->i];
        if (c == '"') {
            s->i++;
            return 0;
        }
        if (c < 0x20)
            return fail(s, "control character in a string");
        if (c == '\\') {
            if (++s->i >= s->n)
                break;
            c = s->p[s->i++];
            if (c == 'u') {
                if (escape_u(s) < 0)
                    return -1;
            } else if (!strchr("\"\\/bfnrt", c) || c == '\0') {
                return fail(s, "invalid escape");
            }
            continue;
        }
        if (c < 0x80) {
            s->i++;
            continue;
        }
        k = vg_utf8_next(s->p + s->i, s->n - s->i, &cp);
        if (cp == VG_UTF8_BAD)
            return fail(s, "invalid UTF-8 in a string");
        s->i += k;
    }
    return fail(s, "unterminated string");
}

static int digits(struct scan *s)
{
    size_t start = s->i;
    while (s->i < s->n && s->p[s->i] >= '0' && s->p[s->i] <= '9')
        s->i++;
    return s->i > start ? 0 : fail(s, "invalid number");
}

static int skip_number(struct scan *s)
{
    if (s->p[s->i] == '-')
        s->i++;
    if (s->i < s->n && s->p[s->i] == '0')
        s->i++;
    else if (digits(s) < 0)
        return -1;
    if (s->i < s->n && s->p[s->i] == '.') {
        s->i++;
        if (digits(s) < 0)
            return -1;
    }
    if (s->i < s->n && (s->p[s->i] == 'e' || s->p[s->i] == 'E')) {
        s->i++;
        if (s->i < s->n && (s->p[s->i] == '+' || s->p[s->i] == '-'))
            s->i++;
        if (digits(s) < 0)
            return -1;
    }
    return 0;
}

static int literal(struct scan *s, const char *lit)
{
    size_t n = strlen(lit);
    if (s->n - s->i < n || memcmp(s->p + s->i, lit, n) != 0)
        return fail(s, "invalid token");
    s->i += n;
    return 0;
}

static int skip_value(struct scan *s);

/* An array or object, the opening bracket at s->i. */
static int skip_container(struct scan *s, unsigned char close)
{
    int first = 1;

    if (++s->depth > VG_MAX_JSON_DEPTH)
        return fail(s, "maximum parsing depth reached");
    s->i++;
    for (;;) {
        ws(s);
        if (s->i >= s->n)
            return fail(s, "unexpected end of input");
        if (s->p[s->i] == close && first)
            break;
        if (!first) {
            if (s->p[s->i] == close)
                break;
            if (s->p[s->i] != ',')
                return fail(s, close == ']' ? "',' or ']' expected" : "',' or '}' expected");
            s->i++;
            ws(s);
        }
        first = 0;
        if (close == '}') {
            if (s->i >= s->n || s->p[s->i] != '"')
                return fail(s, "string or '}' expected");
            if (skip_string(s) < 0)
                return -1;
            ws(s);
            if (s->i >= s->n || s->p[s->i] != ':')
                return fail(s, "':' expected");
            s->i++;
        }
        if (skip_value(s) < 0)
            return -1;
    }
    s->i++;
    s->depth--;
    return 0;
}

static int skip_value(struct scan *s)
{
    ws(s);
    if (s->i >= s->n)
        return fail(s, "unexpected end of input");
    switch (s->p[s->i]) {
    case '"':
        return skip_string(s);
    case '{':
        return skip_container(s, '}');
    case '[':
        return skip_container(s, ']');
    case 't':
        return literal(s, "true");
    case 'f':
        return literal(s, "false");
    case 'n':
        return literal(s, "null");
    default:
        if (s->p[s->i] == '-' || (s->p[s->i] >= '0' && s->p[s->i] <= '9'))
            return skip_number(s);
        return fail(s, "invalid token");
    }
}

/* ---- what is kept ---- */

/* The value at s->i, skipped; then decoded by jansson when it is kept. */
static int value_json(struct scan *s, json_t **out)
{
    size_t start;
    json_error_t err;

    ws(s);
    start = s->i;
    if (skip_value(s) < 0)
        return -1;
    /* a string without escapes is its bytes (already checked UTF-8):
     * most are, and jansson's set-up per call would cost more than this
     * whole scan */
    if (s->p[start] == '"' && !memchr(s->p + start, '\\', s->i - start)) {
        *out = json_stringn_nocheck((const char *)s->p + start + 1, s->i - start - 2);
        return *out ? 0 : fail(s, "out of memory");
    }
    *out = json_loadb((const char *)s->p + start, s->i - start, JSON_DECODE_ANY, &err);
    return *out ? 0 : fail(s, "value not decodable");
}

/* A member's key, decoded (NULL when it cannot be: not a key we keep). */
static int key_text(struct scan *s, char *key, size_t cap, int *is_kept)
{
    size_t start = s->i, k;

    if (skip_string(s) < 0)
        return -1;
    *is_kept = 0;
    /* kept keys are plain ASCII: compare the raw bytes between the quotes */
    if (s->i - start - 2 >= cap)
        return 0;
    memcpy(key, s->p + start + 1, s->i - start - 2);
    key[s->i - start - 2] = '\0';
    for (k = 0; k < VG_ARRAY_LEN(kept_fields); k++)
        if (strcmp(key, kept_fields[k]) == 0)
            *is_kept = 1;
    return 0;
}

/* One object of "objects", reduced to the kept fields. */
static int scan_object(struct scan *s, json_t **out)
{
    json_t *o = json_object();
    char key[32];
    int first = 1, kept;

    if (!o)
        return fail(s, "out of memory");
    if (++s->depth > VG_MAX_JSON_DEPTH) {
        json_decref(o);
        return fail(s, "maximum parsing depth reached");
    }
    s->i++;
    for (;;) {
        json_t *v = NULL;
        ws(s);
        if (s->i < s->n && s->p[s->i] == '}' && first)
            break;
        if (!first) {
            if (s->i < s->n && s->p[s->i] == '}')
                break;
            if (s->i >= s->n || s->p[s->i] != ',')
                goto bad;
            s->i++;
            ws(s);
        }
        first = 0;
        if (s->i >= s->n || s->p[s->i] != '"' || key_text(s, key, sizeof(key), &kept) < 0)
            goto bad;
        ws(s);
        if (s->i >= s->n || s->p[s->i] != ':')
            goto bad;
        s->i++;
        if (!kept) {
            if (skip_value(s) < 0)
                goto bad;
            continue;
        }
        if (value_json(s, &v) < 0 || json_object_set_new(o, key, v) != 0)
            goto bad;
    }
    s->i++;
    s->depth--;
    *out = o;
    return 0;
bad:
    json_decref(o);
    return fail(s, "'}' or a member expected");
}

/* "objects": every entry (non-objects as null, so indexes stay). */
static int scan_objects(struct scan *s, json_t *arr)
{
    int first = 1;

    if (++s->depth > VG_MAX_JSON_DEPTH)
        return fail(s, "maximum parsing depth reached");
    s->i++;
    for (;;) {
        json_t *o = NULL;
        ws(s);
        if (s->i < s->n && s->p[s->i] == ']' && first)
            break;
        if (!first) {
            if (s->i < s->n && s->p[s->i] == ']')
                break;
            if (s->i >= s->n || s->p[s->i] != ',')
                return fail(s, "',' or ']' expected");
            s->i++;
            ws(s);
        }
        first = 0;
        if (s->i < s->n && s->p[s->i] == '{') {
            if (scan_object(s, &o) < 0)
                return -1;
        } else {
            if (skip_value(s) < 0)
                return -1;
            o = json_null();
        }
        if (json_array_append_new(arr, o) != 0)
            return fail(s, "out of memory");
    }
    s->i++;
    s->depth--;
    return 0;
}

static int scan_member(struct scan *s, json_t *root)
{
    char key[32];
    json_t *v = NULL;
    int kept;

    if (s->i >= s->n || s->p[s->i] != '"' || key_text(s, key, sizeof(key), &kept) < 0)
        return fail(s, "string or '}' expected");
    ws(s);
    if (s->i >= s->n || s->p[s->i] != ':')
        return fail(s, "':' expected");
    s->i++;
    ws(s);
    if (strcmp(key, "objects") == 0 && s->i < s->n && s->p[s->i] == '[') {
        v = json_array();
        if (!v || scan_objects(s, v) < 0 || json_object_set_new(root, key, v) != 0) {
            json_decref(v);
            return fail(s, "invalid objects");
        }
        return 0;
    }
    if (strcmp(key, "type") != 0)
        return skip_value(s);
    if (value_json(s, &v) < 0 || json_object_set_new(root, key, v) != 0)
        return fail(s, "invalid type");
    return 0;
}

static void error_at(const struct scan *s, json_error_t *err)
{
    size_t i;
    int line = 1, col = 1;

    for (i = 0; i < s->at && i < s->n; i++) {
        if (s->p[i] == '\n') {
            line++;
            col = 1;
        } else {
            col++;
        }
    }
    memset(err, 0, sizeof(*err));
    err->line = line;
    err->column = col;
    err->position = (int)(s->at > INT32_MAX ? INT32_MAX : s->at);
    (void)vg_snprintf(err->text, sizeof(err->text), "%s", s->why ? s->why : "invalid JSON");
}

json_t *vg_stix_scan(const char *data, size_t len, json_error_t *err)
{
    struct scan s = {(const unsigned char *)data, len, 0, 0, NULL, 0};
    json_t *root;
    int first = 1, rc = 0;

    ws(&s);
    if (s.i >= s.n || s.p[s.i] != '{') {
        /* not an object: jansson says what it is, or why it is not JSON */
        return json_loadb(data, len, 0, err);
    }
    root = json_object();
    if (!root)
        return NULL;
    s.i++;
    s.depth = 1;
    for (;;) {
        ws(&s);
        if (s.i < s.n && s.p[s.i] == '}' && first)
            break;
        if (!first) {
            if (s.i < s.n && s.p[s.i] == '}')
                break;
            if (s.i >= s.n || s.p[s.i] != ',') {
                rc = fail(&s, "',' or '}' expected");
                break;
            }
            s.i++;
            ws(&s);
        }
        first = 0;
        if ((rc = scan_member(&s, root)) < 0)
            break;
    }
    if (rc == 0) {
        s.i++;
        ws(&s);
        if (s.i != s.n)
            rc = fail(&s, "end of file expected");
    }
    if (rc < 0) {
        error_at(&s, err);
        json_decref(root);
        return NULL;
    }
    return root;
}
