/*
 * Matching observed values against the index (rules: docs/matching.md).
 * Indicators and observed values go through the same normalisers, so the two
 * sides cannot drift apart. Every lookup hashes the observed value once (a
 * host's parent domains and a path's parent folders come out of the same
 * rolling hash) and probes the table a bounded number of times; no lookup
 * allocates. When several indicators match, the first loaded (lowest entry
 * index) wins.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <stdlib.h>

#include "indicators/index.h"
#include "indicators/url.h"

/* ------------------------------------------------------------ normalisers */

static int is_space(char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

static void trim(const char **v, size_t *n)
{
    while (*n && is_space((*v)[0])) {
        (*v)++;
        (*n)--;
    }
    while (*n && is_space((*v)[*n - 1]))
        (*n)--;
}

static char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
}

/* Copies v (lowercased, without the bytes in `drop`) into out. */
static int copy_key(const char *v, size_t n, int lower_case, char drop, char *out, size_t cap)
{
    size_t i, o = 0;
    for (i = 0; i < n; i++) {
        if (drop && v[i] == drop)
            continue;
        if (o + 1 >= cap)
            return VG_E_LIMIT;
        out[o++] = lower_case ? lower(v[i]) : v[i];
    }
    if (o == 0)
        return VG_E_INVAL;
    out[o] = '\0';
    return (int)o;
}

static int has_any(const char *v, size_t n, const char *set)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (strchr(set, v[i]) && v[i])
            return 1;
    return 0;
}

/* A domain indicator is a host name or an address, nothing more: a scheme,
 * path, port or wildcard would otherwise be dropped without a word. */
static int norm_domain(const char *v, size_t n, char *out, size_t cap)
{
    enum vg_host_kind kind;
    int len, i;

    if (has_any(v, n, "/\\@?#*"))
        return VG_E_INVAL;
    len = vg_url_host_n(v, n, out, cap, &kind);
    if (len < 0 || kind == VG_HOST_IPV6)
        return len;
    if (has_any(v, n, ":"))
        return VG_E_INVAL; /* host:port */
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)out[i];
        if (!(c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
              c == '-' || c == '_'))
            return VG_E_INVAL;
    }
    return len;
}

static int norm_ip(const char *v, size_t n, enum vg_host_kind want, char *out, size_t cap)
{
    enum vg_host_kind kind;
    int len;

    if (has_any(v, n, "/@?#"))
        return VG_E_INVAL;
    if (want == VG_HOST_IPV4 && has_any(v, n, ":"))
        return VG_E_INVAL;
    len = vg_url_host_n(v, n, out, cap, &kind);
    if (len >= 0 && kind != want)
        return VG_E_INVAL;
    return len;
}

/* On iOS /var is a symbolic link to /private/var: both spellings are the
 * same file, so both sides are written the long way. A trailing '/' only
 * says "folder" and is dropped. */
static int norm_path(const char *v, size_t n, char *out, size_t cap)
{
    static const char priv[] = "/private";
    size_t o = 0;
    int len;

    if (n >= 4 && memcmp(v, "/var", 4) == 0 && (n == 4 || v[4] == '/')) {
        if (cap <= sizeof(priv) - 1)
            return VG_E_LIMIT;
        memcpy(out, priv, sizeof(priv) - 1);
        o = sizeof(priv) - 1;
    }
    while (n > 1 && v[n - 1] == '/')
        n--;
    len = copy_key(v, n, 0, 0, out + o, cap - o);
    return len < 0 ? len : len + (int)o;
}

int vg_norm_ioc(enum vg_ioc_type t, const char *v, size_t n, char *out, size_t cap)
{
    trim(&v, &n);
    if (n == 0)
        return VG_E_INVAL;
    switch (t) {
    case VG_IOC_DOMAIN:
        return norm_domain(v, n, out, cap);
    case VG_IOC_IPV4:
        return norm_ip(v, n, VG_HOST_IPV4, out, cap);
    case VG_IOC_IPV6:
        return norm_ip(v, n, VG_HOST_IPV6, out, cap);
    case VG_IOC_URL:
        return vg_url_normalise(v, n, out, cap);
    case VG_IOC_FILE_PATH:
        return norm_path(v, n, out, cap);
    case VG_IOC_PROCESS:
    case VG_IOC_FILE_NAME:
        return copy_key(v, n, 0, 0, out, cap);
    case VG_IOC_APP_CERT_MD5:
    case VG_IOC_APP_CERT_SHA1:
    case VG_IOC_APP_CERT_SHA256:
        /* certificate digests are often shown as AB:CD:... */
        return copy_key(v, n, 1, ':', out, cap);
    case VG_IOC_EMAIL:
    case VG_IOC_FILE_MD5:
    case VG_IOC_FILE_SHA1:
    case VG_IOC_FILE_SHA256:
    case VG_IOC_APP_ID:
    case VG_IOC_PROFILE_ID:
    case VG_IOC_ANDROID_PROPERTY:
        return copy_key(v, n, 1, 0, out, cap);
    }
    return VG_E_INVAL;
}

/* ------------------------------------------------------------ lookups */

static uint32_t first(uint32_t a, uint32_t b)
{
    return a < b ? a : b; /* VG_IDX_NONE is the largest index */
}

static uint32_t find(const struct vg_iocs *x, unsigned ktype, const char *s, size_t n)
{
    if (ktype < VG_IOC_TYPE_COUNT && !x->count[ktype])
        return VG_IDX_NONE;
    return vg_index_find(x, ktype, s, n, vg_key_hash(ktype, s, n));
}

static int report(const struct vg_iocs *x, uint32_t e, int truncated, struct vg_ioc_match *m)
{
    if (e == VG_IDX_NONE)
        return 0;
    if (m)
        vg_index_fill(x, e, truncated, m);
    return 1;
}

/* The host and each parent domain, from one back-to-front hash. Most hosts
 * stop at their last two labels, which no indicator ends in. */
static uint32_t find_domain_walk(const struct vg_iocs *x, const char *h, size_t n)
{
    uint64_t st = VG_HASH_SEED;
    uint32_t best = VG_IDX_NONE;
    size_t i, labels = 0;

    if (!x->count[VG_IOC_DOMAIN])
        return VG_IDX_NONE;
    for (i = n; i > 0; i--) {
        size_t len = n - (i - 1);
        st = vg_hash_step(st, (unsigned char)h[i - 1]);
        if (i > 1 && h[i - 2] != '.')
            continue;
        labels++;
        if (labels == 1 && !x->n_short_domains)
            continue;
        if (labels == 2 && !vg_index_tail_maybe(x, vg_hash_fin(st, VG_KEY_DOMAIN_TAIL, len)))
            break;
        best = first(best, vg_index_find(x, VG_IOC_DOMAIN, h + i - 1, len,
                                         vg_hash_fin(st, VG_IOC_DOMAIN, len)));
    }
    return best;
}

/* A normalised host: names by their parent domains too; an address only as
 * itself, as an address indicator or as a domain indicator written as one. */
static uint32_t find_host(const struct vg_iocs *x, const char *h, size_t n, enum vg_host_kind k)
{
    switch (k) {
    case VG_HOST_IPV4:
        return first(find(x, VG_IOC_IPV4, h, n), find(x, VG_IOC_DOMAIN, h, n));
    case VG_HOST_IPV6:
        return first(find(x, VG_IOC_IPV6, h, n), find(x, VG_IOC_DOMAIN, h, n));
    case VG_HOST_NAME:
        break;
    }
    return find_domain_walk(x, h, n);
}

static uint32_t find_url_host(const struct vg_iocs *x, const char *u, size_t n)
{
    char host[VG_MAX_HOST + 1];
    enum vg_host_kind k;
    int len;

    if (!x->count[VG_IOC_DOMAIN] && !x->count[VG_IOC_IPV4] && !x->count[VG_IOC_IPV6])
        return VG_IDX_NONE;
    len = vg_url_host_n(u, n, host, sizeof(host), &k);
    return len > 0 ? find_host(x, host, (size_t)len, k) : VG_IDX_NONE;
}

static uint32_t find_url(const struct vg_iocs *x, const char *u, size_t n)
{
    uint32_t best = VG_IDX_NONE;

    if (x->count[VG_IOC_URL]) {
        char norm[VG_MAX_URL + 1];
        int len = vg_url_normalise(u, n, norm, sizeof(norm));
        if (len > 0)
            best = find(x, VG_IOC_URL, norm, (size_t)len);
    }
    return first(best, find_url_host(x, u, n));
}

int vg_iocs_match_domain(const struct vg_iocs *x, const char *host, struct vg_ioc_match *m)
{
    if (!x || !host)
        return 0;
    return report(x, find_url_host(x, host, strlen(host)), 0, m);
}

int vg_iocs_match_url(const struct vg_iocs *x, const char *url, struct vg_ioc_match *m)
{
    if (!x || !url)
        return 0;
    return report(x, find_url(x, url, strlen(url)), 0, m);
}

/* Normalises an observed value of a type compared by equality and looks it
 * up. Values longer than VG_MAX_IOC_VALUE cannot equal an indicator. */
static uint32_t find_simple(const struct vg_iocs *x, enum vg_ioc_type t, const char *v, size_t n)
{
    char key[VG_MAX_IOC_VALUE + 1];
    int len;

    if (!x->count[t])
        return VG_IDX_NONE;
    len = vg_norm_ioc(t, v, n, key, sizeof(key));
    return len > 0 ? find(x, t, key, (size_t)len) : VG_IDX_NONE;
}

static int match_simple(const struct vg_iocs *x, enum vg_ioc_type t, const char *v,
                        struct vg_ioc_match *m)
{
    if (!x || !v)
        return 0;
    return report(x, find_simple(x, t, v, strlen(v)), 0, m);
}

int vg_iocs_match_email(const struct vg_iocs *x, const char *email, struct vg_ioc_match *m)
{
    return match_simple(x, VG_IOC_EMAIL, email, m);
}

int vg_iocs_match_app_id(const struct vg_iocs *x, const char *id, struct vg_ioc_match *m)
{
    return match_simple(x, VG_IOC_APP_ID, id, m);
}

int vg_iocs_match_profile_id(const struct vg_iocs *x, const char *id, struct vg_ioc_match *m)
{
    return match_simple(x, VG_IOC_PROFILE_ID, id, m);
}

int vg_iocs_match_property(const struct vg_iocs *x, const char *name, struct vg_ioc_match *m)
{
    return match_simple(x, VG_IOC_ANDROID_PROPERTY, name, m);
}

/* The digest's length picks the algorithm; a certificate digest's ':'
 * separators do not count. */
static int hash_type(const char *hex, enum vg_ioc_type md5, enum vg_ioc_type *t)
{
    size_t n = strlen(hex), i, digits = 0;
    trim(&hex, &n);
    for (i = 0; i < n; i++)
        digits += md5 == VG_IOC_FILE_MD5 || hex[i] != ':';
    if (digits == 32)
        *t = md5;
    else if (digits == 40)
        *t = (enum vg_ioc_type)(md5 + 1);
    else if (digits == 64)
        *t = (enum vg_ioc_type)(md5 + 2);
    else
        return 0;
    return 1;
}

int vg_iocs_match_hash(const struct vg_iocs *x, const char *hex, struct vg_ioc_match *m)
{
    enum vg_ioc_type t;
    if (!x || !hex || !hash_type(hex, VG_IOC_FILE_MD5, &t))
        return 0;
    return match_simple(x, t, hex, m);
}

int vg_iocs_match_app_cert(const struct vg_iocs *x, const char *hex, struct vg_ioc_match *m)
{
    enum vg_ioc_type t;
    if (!x || !hex || !hash_type(hex, VG_IOC_APP_CERT_MD5, &t))
        return 0;
    return match_simple(x, t, hex, m);
}

/* ------------------------------------------------------------ processes */

int vg_iocs_match_process_cut(const struct vg_iocs *x, const char *name, size_t comm_len,
                              struct vg_ioc_match *m)
{
    char key[VG_MAX_IOC_VALUE + 1];
    const char *base;
    uint32_t exact, trunc = VG_IDX_NONE;
    size_t n;
    int len;

    if (!x || !name || !x->count[VG_IOC_PROCESS])
        return 0;
    base = strrchr(name, '/');
    base = base ? base + 1 : name;
    len = vg_norm_ioc(VG_IOC_PROCESS, base, strlen(base), key, sizeof(key));
    if (len <= 0)
        return 0;
    n = (size_t)len;
    exact = find(x, VG_IOC_PROCESS, key, n);
    /* only a name of the platform's own length can have been cut: on iOS a
     * 15-byte name is whole */
    if (n == comm_len && n == 15)
        trunc = find(x, VG_KEY_PROC15, key, n);
    else if (n == comm_len && n == 16)
        trunc = find(x, VG_KEY_PROC16, key, n);
    return report(x, first(exact, trunc), trunc < exact, m);
}

int vg_iocs_match_process(const struct vg_iocs *x, const char *name, struct vg_ioc_match *m)
{
    return vg_iocs_match_process_cut(x, name, VG_COMM_IOS, m);
}

/* ------------------------------------------------------------ files */

static const char *base_name(const char *p, size_t n, size_t *bn)
{
    size_t i = n;
    while (i > 0 && p[i - 1] != '/')
        i--;
    *bn = n - i;
    return p + i;
}

static uint32_t find_file_name(const struct vg_iocs *x, const char *name, size_t n)
{
    const char *b;
    size_t bn;
    uint32_t best = VG_IDX_NONE;

    if (!x->count[VG_IOC_FILE_NAME])
        return VG_IDX_NONE;
    b = base_name(name, n, &bn);
    if (bn)
        best = find_simple(x, VG_IOC_FILE_NAME, b, bn);
    /* some bundles put a whole path in file:name */
    if (bn != n)
        best = first(best, find_simple(x, VG_IOC_FILE_NAME, name, n));
    return best;
}

int vg_iocs_match_file_name(const struct vg_iocs *x, const char *name, struct vg_ioc_match *m)
{
    if (!x || !name)
        return 0;
    return report(x, find_file_name(x, name, strlen(name)), 0, m);
}

/* The path and each parent folder, from one front-to-back hash. */
static uint32_t find_path_walk(const struct vg_iocs *x, const char *p, size_t n)
{
    uint64_t st = VG_HASH_SEED;
    uint32_t best = VG_IDX_NONE;
    size_t i;

    for (i = 0; i < n; i++) {
        if (p[i] == '/' && i > 0)
            best = first(best, vg_index_find(x, VG_IOC_FILE_PATH, p, i,
                                             vg_hash_fin(st, VG_IOC_FILE_PATH, i)));
        st = vg_hash_step(st, (unsigned char)p[i]);
    }
    return first(best,
                 vg_index_find(x, VG_IOC_FILE_PATH, p, n, vg_hash_fin(st, VG_IOC_FILE_PATH, n)));
}

int vg_iocs_match_file_path(const struct vg_iocs *x, const char *path, struct vg_ioc_match *m)
{
    char key[VG_MAX_URL + 1];
    uint32_t best = VG_IDX_NONE;
    int len;

    if (!x || !path)
        return 0;
    if (x->count[VG_IOC_FILE_PATH]) {
        len = vg_norm_ioc(VG_IOC_FILE_PATH, path, strlen(path), key, sizeof(key));
        if (len > 0)
            best = find_path_walk(x, key, (size_t)len);
    }
    /* as MVT's check_file_path: the path's file name against file:name too */
    best = first(best, find_file_name(x, path, strlen(path)));
    return report(x, best, 0, m);
}

/* ------------------------------------------------------------ free text */

struct text_ctx {
    const struct vg_iocs *x;
    int (*cb)(void *ud, const char *found, const struct vg_ioc_match *m);
    void *ud;
    size_t matches;
};

static int text_piece(void *ud, const char *s, size_t n, enum vg_text_kind kind)
{
    struct text_ctx *c = ud;
    struct vg_ioc_match m;
    char small[VG_MAX_URL + 1];
    char *copy = small;
    uint32_t e;
    int stop = 0;

    e = kind == VG_TEXT_URL ? find_url(c->x, s, n) : find_url_host(c->x, s, n);
    if (e == VG_IDX_NONE)
        return 0;
    vg_index_fill(c->x, e, 0, &m);
    c->matches++;
    if (!c->cb)
        return 0;
    if (n >= sizeof(small)) {
        copy = malloc(n + 1);
        if (!copy) {
            copy = small; /* the match still counts; the caller sees a cut copy */
            n = sizeof(small) - 1;
        }
    }
    memcpy(copy, s, n);
    copy[n] = '\0';
    stop = c->cb(c->ud, copy, &m);
    if (copy != small)
        free(copy);
    return stop;
}

size_t vg_iocs_match_text(const struct vg_iocs *x, const char *text,
                          int (*cb)(void *ud, const char *found, const struct vg_ioc_match *m),
                          void *ud)
{
    struct text_ctx c;

    if (!x || !text)
        return 0;
    c.x = x;
    c.cb = cb;
    c.ud = ud;
    c.matches = 0;
    vg_text_each_url(text, strnlen(text, VG_MAX_TEXT_SCAN), text_piece, &c);
    return c.matches;
}
