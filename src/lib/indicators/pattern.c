/*
 * A hand-written recursive-descent parser for the STIX pattern subset in
 * pattern.h. Hand-written because no library packaged in Debian parses STIX
 * patterns in C (the reference parser, stix2-patterns, is Python and ANTLR),
 * and because the subset is small enough to check by reading:
 *
 *   pattern     := obs-expr EOF
 *   obs-expr    := obs-term ( OR obs-term )*
 *   obs-term    := '(' obs-expr ')' | '[' cmp-expr ']'
 *   cmp-expr    := cmp-term ( OR cmp-term )*
 *   cmp-term    := '(' cmp-expr ')' | object-path '=' string
 *   object-path := type ':' part ( '.' part )*      part: name | 'quoted'
 *   string      := "'" ( char | "\'" | "\\" )* "'"
 *
 * Whitespace may surround every token; OR is matched without regard to case.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <stdlib.h>

#include "indicators/pattern.h"

#define PATH_MAX_LEN 128u

struct pp {
    const char *s;
    size_t n, i;
    unsigned depth;
    struct vg_pattern *out;
    size_t cap;
    size_t used; /* bytes of out->buf */
};

static int is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int is_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static void skip_ws(struct pp *p)
{
    while (p->i < p->n && is_ws(p->s[p->i]))
        p->i++;
}

static int peek(const struct pp *p, char c)
{
    return p->i < p->n && p->s[p->i] == c;
}

/* "OR" as a whole word. */
static int take_or(struct pp *p)
{
    size_t i = p->i;
    if (p->n - i < 2 || (p->s[i] | 0x20) != 'o' || (p->s[i + 1] | 0x20) != 'r')
        return 0;
    if (p->n - i > 2 && (is_alnum(p->s[i + 2]) || p->s[i + 2] == '_'))
        return 0;
    p->i += 2;
    return 1;
}

/* A quoted string with the two escapes STIX allows, unescaped into buf. */
static int read_string(struct pp *p, char *buf, size_t cap, size_t *len)
{
    size_t o = 0;
    if (!peek(p, '\''))
        return VG_E_UNSUPPORTED;
    p->i++;
    while (p->i < p->n) {
        char c = p->s[p->i++];
        if (c == '\'') {
            buf[o] = '\0';
            *len = o;
            return VG_OK;
        }
        if (c == '\\') {
            if (p->i == p->n || (p->s[p->i] != '\'' && p->s[p->i] != '\\'))
                return VG_E_UNSUPPORTED;
            c = p->s[p->i++];
        }
        if (o + 1 >= cap)
            return VG_E_UNSUPPORTED;
        buf[o++] = c;
    }
    return VG_E_UNSUPPORTED; /* unterminated */
}

static int path_part(struct pp *p, char *path, size_t *pl)
{
    char tmp[PATH_MAX_LEN];
    size_t len = 0, k;

    if (peek(p, '\'')) {
        int rc = read_string(p, tmp, sizeof(tmp), &len);
        if (rc != VG_OK)
            return rc;
    } else {
        while (p->i < p->n && (is_alnum(p->s[p->i]) || p->s[p->i] == '_' || p->s[p->i] == '-')) {
            if (len + 1 >= sizeof(tmp))
                return VG_E_UNSUPPORTED;
            tmp[len++] = p->s[p->i++];
        }
        if (len == 0)
            return VG_E_UNSUPPORTED;
    }
    if (*pl + len + 1 >= PATH_MAX_LEN)
        return VG_E_UNSUPPORTED;
    for (k = 0; k < len; k++)
        path[(*pl)++] = tmp[k];
    path[*pl] = '\0';
    return VG_OK;
}

static int object_path(struct pp *p, char *path)
{
    size_t pl = 0;
    int rc;

    while (p->i < p->n && (is_alnum(p->s[p->i]) || p->s[p->i] == '-' || p->s[p->i] == '_')) {
        if (pl + 2 >= PATH_MAX_LEN)
            return VG_E_UNSUPPORTED;
        path[pl++] = p->s[p->i++];
    }
    if (pl == 0 || !peek(p, ':'))
        return VG_E_UNSUPPORTED;
    p->i++;
    path[pl++] = ':';
    path[pl] = '\0';
    if ((rc = path_part(p, path, &pl)) != VG_OK)
        return rc;
    while (peek(p, '.')) {
        p->i++;
        path[pl++] = '.';
        if ((rc = path_part(p, path, &pl)) != VG_OK)
            return rc;
    }
    /* list indexes ([*], [0]) select inside lists: not a shape we match */
    return peek(p, '[') ? VG_E_UNSUPPORTED : VG_OK;
}

static int add_term(struct pp *p, int type, size_t vstart, size_t vlen)
{
    struct vg_pattern *o = p->out;
    if (o->n == p->cap) {
        struct vg_pattern_term *nt;
        size_t ncap = p->cap ? p->cap * 2 : 4;
        if (o->n >= VG_MAX_PATTERN_TERMS)
            return VG_E_LIMIT;
        nt = vg_realloc_array(o->terms, ncap, sizeof(*nt));
        if (!nt)
            return VG_E_NOMEM;
        o->terms = nt;
        p->cap = ncap;
    }
    o->terms[o->n].type = type;
    o->terms[o->n].value = o->buf + vstart;
    o->terms[o->n].len = vlen;
    o->n++;
    return VG_OK;
}

static int comparison(struct pp *p)
{
    char path[PATH_MAX_LEN];
    size_t vstart = p->used, vlen;
    int type, rc;

    if ((rc = object_path(p, path)) != VG_OK)
        return rc;
    skip_ws(p);
    /* only equality; "==" and "!=" and every keyword operator are not it */
    if (!peek(p, '=') || (p->n - p->i > 1 && p->s[p->i + 1] == '='))
        return VG_E_UNSUPPORTED;
    p->i++;
    skip_ws(p);
    rc = read_string(p, p->out->buf + p->used, p->n + 1 - p->used, &vlen);
    if (rc != VG_OK)
        return rc;
    p->used += vlen + 1;
    type = vg_pattern_path_type(path);
    if (vlen > VG_MAX_IOC_VALUE || memchr(p->out->buf + vstart, '\0', vlen))
        type = VG_PATTERN_UNKNOWN;
    return add_term(p, type, vstart, vlen);
}

static int expr(struct pp *p, int inside);

/* One operand: a parenthesised expression, an observation in brackets (at
 * the outer level), or a comparison (inside brackets). */
static int term(struct pp *p, int inside)
{
    int rc;
    char close;

    skip_ws(p);
    if (!peek(p, '(') && !(!inside && peek(p, '[')))
        return inside ? comparison(p) : VG_E_UNSUPPORTED;
    close = peek(p, '(') ? ')' : ']';
    if (++p->depth > VG_MAX_PATTERN_DEPTH)
        return VG_E_LIMIT;
    p->i++;
    rc = expr(p, inside || close == ']');
    if (rc != VG_OK)
        return rc;
    skip_ws(p);
    if (!peek(p, close))
        return VG_E_UNSUPPORTED;
    p->i++;
    p->depth--;
    return VG_OK;
}

static int expr(struct pp *p, int inside)
{
    int rc;
    for (;;) {
        if ((rc = term(p, inside)) != VG_OK)
            return rc;
        skip_ws(p);
        if (p->i == p->n || peek(p, ')') || peek(p, ']'))
            return VG_OK;
        /* AND, FOLLOWEDBY, WITHIN, REPEATS, START ...: not in the subset */
        if (!take_or(p))
            return VG_E_UNSUPPORTED;
    }
}

int vg_pattern_parse(const char *pat, size_t len, struct vg_pattern *out)
{
    struct pp p;
    int rc;

    memset(out, 0, sizeof(*out));
    if (!pat || len >= SIZE_MAX / 2)
        return VG_E_INVAL;
    /* unescaped values never outgrow the pattern that quotes them */
    out->buf = vg_malloc(len + 1);
    if (!out->buf)
        return VG_E_NOMEM;
    memset(&p, 0, sizeof(p));
    p.s = pat;
    p.n = len;
    p.out = out;
    rc = expr(&p, 0);
    if (rc == VG_OK && p.i != p.n)
        rc = VG_E_UNSUPPORTED;
    return rc;
}

void vg_pattern_free(struct vg_pattern *p)
{
    if (!p)
        return;
    free(p->terms);
    free(p->buf);
    memset(p, 0, sizeof(*p));
}

static const struct {
    const char *path;
    enum vg_ioc_type type;
} path_types[] = {
    {"domain-name:value", VG_IOC_DOMAIN},
    {"ipv4-addr:value", VG_IOC_IPV4},
    {"ipv6-addr:value", VG_IOC_IPV6},
    {"url:value", VG_IOC_URL},
    {"process:name", VG_IOC_PROCESS},
    {"email-addr:value", VG_IOC_EMAIL},
    {"file:name", VG_IOC_FILE_NAME},
    {"file:path", VG_IOC_FILE_PATH},
    {"file:hashes.md5", VG_IOC_FILE_MD5},
    {"file:hashes.sha1", VG_IOC_FILE_SHA1},
    {"file:hashes.sha256", VG_IOC_FILE_SHA256},
    {"app:id", VG_IOC_APP_ID},
    {"app:cert.md5", VG_IOC_APP_CERT_MD5},
    {"app:cert.sha1", VG_IOC_APP_CERT_SHA1},
    {"app:cert.sha256", VG_IOC_APP_CERT_SHA256},
    {"configuration-profile:id", VG_IOC_PROFILE_ID},
    {"android-property:name", VG_IOC_ANDROID_PROPERTY},
};

/* "SHA-256", "sha256" and "'SHA-256'" name one algorithm. */
static void algo_norm(char *s)
{
    char *w = s;
    for (; *s; s++) {
        if (*s == '-' || *s == '\'')
            continue;
        *w++ = (*s >= 'A' && *s <= 'Z') ? (char)(*s + 32) : *s;
    }
    *w = '\0';
}

int vg_pattern_path_type(const char *path)
{
    char buf[PATH_MAX_LEN];
    size_t i;

    if (!path || vg_snprintf(buf, sizeof(buf), "%s", path) != VG_OK)
        return VG_PATTERN_UNKNOWN;
    if (vg_str_has_prefix(buf, "file:hashes."))
        algo_norm(buf + strlen("file:hashes."));
    else if (vg_str_has_prefix(buf, "app:cert."))
        algo_norm(buf + strlen("app:cert."));
    for (i = 0; i < VG_ARRAY_LEN(path_types); i++)
        if (strcmp(buf, path_types[i].path) == 0)
            return (int)path_types[i].type;
    return VG_PATTERN_UNKNOWN;
}
