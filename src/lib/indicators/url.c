/*
 * The host of a URL, and the normal form url:value indicators are compared
 * in. The splitting follows the WHATWG URL standard where it matters for
 * evasion (what a browser would connect to): "http:\\evil.com", userinfo
 * before the last '@', percent-encoded and upper-case hosts, and IPv4
 * addresses written in hex, octal or as one number. Everything works on
 * (pointer, length) with indices, so no pointer is ever formed past the end.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include "indicators/url.h"

struct url_parts {
    size_t scheme_len; /* 0: no scheme */
    int special;       /* http, https, ws, wss, ftp */
    int opaque;        /* scheme:rest without a host (tel:, data:, ...) */
    size_t host, host_end;
    int bracketed; /* [IPv6] */
    int bare_v6;   /* fe80::1 without brackets or scheme */
    size_t ui_end; /* userinfo is [auth, ui_end) when has_ui */
    size_t auth;   /* start of the authority */
    int has_ui, has_port;
    size_t port, port_end;
    size_t rest; /* path, query and fragment: [rest, n) */
};

static int is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int is_hex(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int hex_val(char c)
{
    return is_digit(c) ? c - '0' : (c | 0x20) - 'a' + 10;
}

static char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
}

static int scheme_char(char c)
{
    return is_alpha(c) || is_digit(c) || c == '+' || c == '-' || c == '.';
}

static int ci_equal(const char *s, size_t n, const char *lit)
{
    size_t i;
    if (strlen(lit) != n)
        return 0;
    for (i = 0; i < n; i++)
        if (lower(s[i]) != lit[i])
            return 0;
    return 1;
}

static int scheme_special(const char *s, size_t n)
{
    return ci_equal(s, n, "http") || ci_equal(s, n, "https") || ci_equal(s, n, "ws") ||
           ci_equal(s, n, "wss") || ci_equal(s, n, "ftp");
}

/* "evil.com:8080/x" is a host and a port, not the scheme "evil.com". */
static int port_follows(const char *s, size_t n, size_t i)
{
    size_t j = i;
    while (j < n && is_digit(s[j]))
        j++;
    return j > i && (j == n || s[j] == '/' || s[j] == '?' || s[j] == '#');
}

static int auth_delim(char c)
{
    return c == '/' || c == '\\' || c == '?' || c == '#';
}

/* Where the authority starts, after any scheme; sets p->opaque for
 * "scheme:rest" URIs that have none. mailto:'s address is read as
 * userinfo@host so the host comes out the same way. */
static size_t split_scheme(const char *s, size_t n, struct url_parts *p)
{
    size_t i = 0, j;

    if (n && is_alpha(s[0])) {
        while (i < n && scheme_char(s[i]))
            i++;
        if (i < n && s[i] == ':' && (scheme_special(s, i) || !port_follows(s, n, i + 1))) {
            p->scheme_len = i;
            p->special = scheme_special(s, i);
            j = i + 1;
            if (p->special) {
                while (j < n && (s[j] == '/' || s[j] == '\\'))
                    j++;
                return j;
            }
            if (n - j >= 2 && s[j] == '/' && s[j + 1] == '/')
                return j + 2;
            if (ci_equal(s, i, "mailto"))
                return j;
            p->opaque = 1;
            p->rest = j;
            return n;
        }
    }
    if (n >= 2 && s[0] == '/' && s[1] == '/')
        return 2;
    return 0;
}

static int split_port(const char *s, size_t i, size_t end, struct url_parts *p)
{
    size_t j;
    if (i == end)
        return VG_OK;
    if (s[i] != ':')
        return VG_E_INVAL;
    for (j = i + 1; j < end; j++)
        if (!is_digit(s[j]))
            return VG_E_INVAL;
    p->has_port = 1;
    p->port = i + 1;
    p->port_end = end;
    return VG_OK;
}

static int split_host(const char *s, size_t start, size_t end, struct url_parts *p)
{
    size_t i, colons = 0, first_colon = end;

    if (start < end && s[start] == '[') {
        for (i = start + 1; i < end && s[i] != ']'; i++)
            ;
        if (i == end)
            return VG_E_INVAL;
        p->host = start + 1;
        p->host_end = i;
        p->bracketed = 1;
        return split_port(s, i + 1, end, p);
    }
    for (i = start; i < end; i++) {
        if (s[i] == ':') {
            if (!colons)
                first_colon = i;
            colons++;
        }
    }
    p->host = start;
    if (colons >= 2 && !p->scheme_len) {
        p->host_end = end;
        p->bare_v6 = 1;
        return VG_OK;
    }
    p->host_end = first_colon;
    return split_port(s, first_colon, end, p);
}

static int url_split(const char *s, size_t n, struct url_parts *p)
{
    size_t start, end, i;

    memset(p, 0, sizeof(*p));
    start = split_scheme(s, n, p);
    if (p->opaque)
        return VG_OK;
    for (end = start; end < n && !auth_delim(s[end]); end++)
        ;
    p->rest = end;
    p->auth = start;
    for (i = end; i > start; i--) {
        if (s[i - 1] == '@') {
            p->has_ui = 1;
            p->ui_end = i - 1;
            start = i;
            break;
        }
    }
    if (p->scheme_len && ci_equal(s, p->scheme_len, "mailto") && !p->has_ui)
        return VG_E_INVAL;
    return split_host(s, start, end, p);
}

/* ------------------------------------------------------------ hosts */

/* WHATWG's forbidden host code points, and C0 controls. */
static int host_forbidden(unsigned char c)
{
    return c <= 0x20 || c == 0x7f || c == '#' || c == '%' || c == '/' || c == ':' || c == '<' ||
           c == '>' || c == '?' || c == '@' || c == '[' || c == '\\' || c == ']' || c == '^' ||
           c == '|';
}

/* Decodes, lowercases and checks into out; returns the length. */
static int host_copy(const char *s, size_t n, char *out, size_t cap)
{
    size_t i = 0, o = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c == '%') {
            if (n - i < 3 || !is_hex(s[i + 1]) || !is_hex(s[i + 2]))
                return VG_E_INVAL;
            c = (unsigned char)(hex_val(s[i + 1]) << 4 | hex_val(s[i + 2]));
            i += 3;
        } else {
            i++;
        }
        if (host_forbidden(c))
            return VG_E_INVAL;
        if (o + 1 >= cap)
            return VG_E_LIMIT;
        out[o++] = lower((char)c);
    }
    while (o > 0 && out[o - 1] == '.')
        o--;
    if (o == 0)
        return VG_E_INVAL;
    out[o] = '\0';
    return (int)o;
}

static int ends_in_number(const char *h, size_t n)
{
    size_t i = n, j;
    while (i > 0 && h[i - 1] != '.')
        i--;
    if (i == n)
        return 0;
    for (j = i; j < n && is_digit(h[j]); j++)
        ;
    if (j == n)
        return 1;
    if (n - i >= 2 && h[i] == '0' && h[i + 1] == 'x') {
        for (j = i + 2; j < n && is_hex(h[j]); j++)
            ;
        return j == n;
    }
    return 0;
}

/* One part of a WHATWG IPv4 address: decimal, 0x hex, or 0-led octal. */
static int ipv4_number(const char *s, size_t n, uint64_t *out)
{
    unsigned base = 10;
    uint64_t v = 0;
    size_t i = 0;

    if (n == 0)
        return VG_E_INVAL;
    if (n >= 2 && s[0] == '0' && s[1] == 'x') {
        base = 16;
        i = 2;
    } else if (n >= 2 && s[0] == '0') {
        base = 8;
        i = 1;
    }
    for (; i < n; i++) {
        unsigned d;
        if (base == 16 ? !is_hex(s[i]) : (!is_digit(s[i]) || (base == 8 && s[i] > '7')))
            return VG_E_INVAL;
        d = (unsigned)hex_val(s[i]);
        v = v * base + d;
        if (v > 0xffffffffull)
            return VG_E_INVAL;
    }
    *out = v;
    return VG_OK;
}

static int ipv4_parse(const char *h, size_t n, uint32_t *addr)
{
    uint64_t parts[4], v;
    size_t np = 0, i = 0, j, k;

    for (;;) {
        for (j = i; j < n && h[j] != '.'; j++)
            ;
        if (np == 4 || ipv4_number(h + i, j - i, &parts[np]) != VG_OK)
            return VG_E_INVAL;
        np++;
        if (j == n)
            break;
        i = j + 1;
    }
    for (k = 0; k + 1 < np; k++)
        if (parts[k] > 255)
            return VG_E_INVAL;
    if (parts[np - 1] >= (1ull << (8 * (5 - np))))
        return VG_E_INVAL;
    v = parts[np - 1];
    for (k = 0; k + 1 < np; k++)
        v += parts[k] << (8 * (3 - k));
    *addr = (uint32_t)v;
    return VG_OK;
}

static int ipv6_canon(const char *s, size_t n, char *out, size_t cap)
{
    char tmp[INET6_ADDRSTRLEN + 1];
    char txt[INET6_ADDRSTRLEN];
    struct in6_addr a;
    size_t len;

    if (n >= sizeof(tmp))
        return VG_E_INVAL;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    if (inet_pton(AF_INET6, tmp, &a) != 1 || !inet_ntop(AF_INET6, &a, txt, sizeof(txt)))
        return VG_E_INVAL;
    len = strlen(txt);
    if (len + 1 > cap)
        return VG_E_LIMIT;
    memcpy(out, txt, len + 1);
    return (int)len;
}

static int host_norm(const char *s, size_t n, int v6, char *out, size_t cap,
                     enum vg_host_kind *kind)
{
    uint32_t a;
    int len;

    if (v6) {
        *kind = VG_HOST_IPV6;
        return ipv6_canon(s, n, out, cap);
    }
    len = host_copy(s, n, out, cap);
    *kind = VG_HOST_NAME;
    if (len < 0 || !ends_in_number(out, (size_t)len))
        return len;
    if (ipv4_parse(out, (size_t)len, &a) != VG_OK)
        return VG_E_INVAL;
    *kind = VG_HOST_IPV4;
    if (vg_snprintf(out, cap, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255) !=
        VG_OK)
        return VG_E_LIMIT;
    return (int)strlen(out);
}

/* WHATWG strips leading and trailing C0 controls and spaces. */
static void trim(const char **s, size_t *n)
{
    while (*n && (unsigned char)(*s)[0] <= 0x20) {
        (*s)++;
        (*n)--;
    }
    while (*n && (unsigned char)(*s)[*n - 1] <= 0x20)
        (*n)--;
}

int vg_url_host_n(const char *url, size_t len, char *host, size_t cap, enum vg_host_kind *kind)
{
    struct url_parts p;
    enum vg_host_kind k;
    int rc;

    if (!url || !host || cap == 0)
        return VG_E_INVAL;
    host[0] = '\0';
    trim(&url, &len);
    if ((rc = url_split(url, len, &p)) != VG_OK)
        return rc;
    if (p.opaque)
        return VG_E_INVAL;
    rc = host_norm(url + p.host, p.host_end - p.host, p.bracketed || p.bare_v6, host, cap, &k);
    if (rc >= 0 && kind)
        *kind = k;
    return rc;
}

int vg_url_host(const char *url, char *host, size_t cap)
{
    return url ? vg_url_host_n(url, strlen(url), host, cap, NULL) : VG_E_INVAL;
}

/* ------------------------------------------------------------ url:value */

struct out {
    char *p;
    size_t len, cap;
    int over;
};

static void put(struct out *o, const char *s, size_t n)
{
    if (o->over || n >= o->cap - o->len) {
        o->over = 1;
        return;
    }
    memcpy(o->p + o->len, s, n);
    o->len += n;
    o->p[o->len] = '\0';
}

static void put_lower(struct out *o, const char *s, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        char c = lower(s[i]);
        put(o, &c, 1);
    }
}

/* The port as a number without leading zeros; "" when it is the scheme's
 * default (or empty) so it is dropped. */
static int port_text(const char *s, const struct url_parts *p, char *buf, size_t cap)
{
    uint64_t v = 0;
    size_t i;

    buf[0] = '\0';
    if (!p->has_port || p->port == p->port_end)
        return VG_OK;
    for (i = p->port; i < p->port_end; i++) {
        v = v * 10 + (uint64_t)(s[i] - '0');
        if (v > 65535)
            return VG_E_INVAL;
    }
    if (p->scheme_len && ((ci_equal(s, p->scheme_len, "http") && v == 80) ||
                          (ci_equal(s, p->scheme_len, "https") && v == 443)))
        return VG_OK;
    return vg_snprintf(buf, cap, ":%u", (unsigned)v);
}

int vg_url_normalise(const char *url, size_t len, char *out, size_t cap)
{
    char host[VG_MAX_HOST + 1], port[8];
    struct url_parts p;
    struct out o = {out, 0, cap, 0};
    enum vg_host_kind k;
    int rc;

    if (!url || !out || cap == 0)
        return VG_E_INVAL;
    out[0] = '\0';
    trim(&url, &len);
    if ((rc = url_split(url, len, &p)) != VG_OK)
        return rc;
    put_lower(&o, url, p.scheme_len);
    if (p.opaque || (p.scheme_len && ci_equal(url, p.scheme_len, "mailto"))) {
        put(&o, url + p.scheme_len, len - p.scheme_len);
        return o.over ? VG_E_LIMIT : (int)o.len;
    }
    rc = host_norm(url + p.host, p.host_end - p.host, p.bracketed || p.bare_v6, host, sizeof(host),
                   &k);
    if (rc < 0)
        return rc;
    if ((rc = port_text(url, &p, port, sizeof(port))) != VG_OK)
        return rc;
    /* without a scheme, "//" keeps "http:886/x" (host "http.", port 886)
     * from reading back as a scheme */
    put(&o, p.scheme_len ? "://" : "//", p.scheme_len ? 3 : 2);
    if (p.has_ui) {
        put(&o, url + p.auth, p.ui_end - p.auth);
        put(&o, "@", 1);
    }
    put(&o, "[", k == VG_HOST_IPV6 ? 1 : 0);
    put(&o, host, strlen(host));
    put(&o, "]", k == VG_HOST_IPV6 ? 1 : 0);
    put(&o, port, strlen(port));
    if (p.rest == len && p.special)
        put(&o, "/", 1);
    put(&o, url + p.rest, len - p.rest);
    return o.over ? VG_E_LIMIT : (int)o.len;
}
