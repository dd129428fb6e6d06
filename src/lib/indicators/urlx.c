/*
 * URLs and bare host names in free text (message bodies, notes, plist
 * strings). One left-to-right pass over runs of host characters: a run
 * followed by "://" starts a URL, a run followed by '@' is the local part of
 * an address, any other run may be a bare host. Hand-written because the
 * rules (what ends a URL in prose, what counts as a host) are ours to state
 * and test, and because it must not allocate.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include "indicators/url.h"

static int is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int host_char(char c)
{
    return is_alpha(c) || is_digit(c) || c == '.' || c == '-' || c == '_';
}

static unsigned char at(const char *t, size_t i)
{
    return (unsigned char)t[i];
}

/* Length of the whitespace character at t[i] (Python's str.isspace set, in
 * UTF-8), or 0. */
static size_t ws_len(const char *t, size_t n, size_t i)
{
    unsigned char c = at(t, i);
    if (c == ' ' || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f))
        return 1;
    if (c == 0xc2 && n - i >= 2 && (at(t, i + 1) == 0x85 || at(t, i + 1) == 0xa0))
        return 2;
    if (n - i < 3)
        return 0;
    if (c == 0xe1 && at(t, i + 1) == 0x9a && at(t, i + 2) == 0x80)
        return 3; /* U+1680 */
    if (c == 0xe2 && at(t, i + 1) == 0x80 &&
        (at(t, i + 2) <= 0x8a || at(t, i + 2) == 0xa8 || at(t, i + 2) == 0xa9 ||
         at(t, i + 2) == 0xaf))
        return 3; /* U+2000..200A, 2028, 2029, 202F */
    if (c == 0xe2 && at(t, i + 1) == 0x81 && at(t, i + 2) == 0x9f)
        return 3; /* U+205F */
    if (c == 0xe3 && at(t, i + 1) == 0x80 && at(t, i + 2) == 0x80)
        return 3; /* U+3000 */
    return 0;
}

/* A two-byte UTF-8 letter (Latin with diacritics, Greek, Cyrillic, ...) glued
 * to a run makes it part of a word: "évil.com" is not "vil.com". Three-byte
 * characters (CJK, curly quotes, full-width punctuation) do not, because
 * Chinese or Japanese prose puts a host right against its neighbours. */
static int lead_is_letter(unsigned char c)
{
    return c >= 0xc3 && c <= 0xdf;
}

static int word_before(const char *t, size_t i)
{
    size_t k = i;
    while (k > 0 && i - k < 4 && (at(t, k - 1) & 0xc0) == 0x80)
        k--;
    return k > 0 && k < i && lead_is_letter(at(t, k - 1));
}

static int word_after(const char *t, size_t n, size_t j)
{
    return j < n && lead_is_letter(at(t, j));
}

/* Characters that end a URL in prose. */
static int url_stop(const char *t, size_t n, size_t i)
{
    unsigned char c = at(t, i);
    return c < 0x20 || c == 0x7f || c == '"' || c == '<' || c == '>' || c == '`' || c == '{' ||
           c == '}' || c == '|' || c == '^' || c == '\\' || ws_len(t, n, i);
}

static size_t count_char(const char *t, size_t a, size_t b, char c)
{
    size_t k = 0;
    for (; a < b; a++)
        k += t[a] == c;
    return k;
}

/* Sentence punctuation after a URL is not part of it; a closing bracket is
 * only when the URL opened one ("wiki/Foo_(bar)"). */
static size_t trim_end(const char *t, size_t start, size_t end)
{
    while (end > start) {
        char c = t[end - 1];
        if (c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?' || c == '\'' ||
            c == '*')
            end--;
        else if (c == ')' && count_char(t, start, end, '(') < count_char(t, start, end, ')'))
            end--;
        else if (c == ']' && count_char(t, start, end, '[') < count_char(t, start, end, ']'))
            end--;
        else
            break;
    }
    return end;
}

static size_t piece_end(const char *t, size_t n, size_t start, size_t from)
{
    size_t e = from;
    while (e < n && !url_stop(t, n, e))
        e++;
    return trim_end(t, start, e);
}

/* The scheme ending at j: the longest [A-Za-z][A-Za-z0-9+.-]* before it. */
static size_t scheme_start(const char *t, size_t i, size_t j)
{
    size_t s = j;
    while (s > i &&
           (is_alpha(t[s - 1]) || is_digit(t[s - 1]) || t[s - 1] == '.' || t[s - 1] == '-'))
        s--;
    while (s < j && !is_alpha(t[s]))
        s++;
    return s;
}

static int tld_ok(const char *h, size_t n)
{
    size_t i;
    if (n >= 5 && (h[0] | 0x20) == 'x' && (h[1] | 0x20) == 'n' && h[2] == '-' && h[3] == '-') {
        for (i = 4; i < n; i++)
            if (!is_alpha(h[i]) && !is_digit(h[i]) && h[i] != '-')
                return 0;
        return 1;
    }
    if (n < 2)
        return 0;
    for (i = 0; i < n; i++)
        if (!is_alpha(h[i]))
            return 0;
    return 1;
}

static int dotted_quad(const char *h, size_t n)
{
    size_t i = 0, parts = 0;
    while (i <= n) {
        size_t j = i;
        unsigned v = 0;
        while (j < n && is_digit(h[j])) {
            v = v * 10 + (unsigned)(h[j] - '0');
            j++;
        }
        if (j == i || j - i > 3 || v > 255 || (h[i] == '0' && j - i > 1))
            return 0;
        parts++;
        if (j == n)
            break;
        if (h[j] != '.')
            return 0;
        i = j + 1;
    }
    return parts == 4;
}

/* A run of host characters that reads as a host name: labels separated by
 * single dots, at most 253 bytes, ending in a plausible top-level label. */
static int bare_host(const char *h, size_t n)
{
    size_t i, label = 0, last = 0, dots = 0;

    if (n < 4 || n > 253)
        return 0;
    if (dotted_quad(h, n))
        return 1;
    for (i = 0; i < n; i++) {
        if (h[i] == '.') {
            if (label == 0)
                return 0;
            dots++;
            label = 0;
            last = i + 1;
        } else if (++label > 63) {
            return 0;
        }
    }
    return dots > 0 && label > 0 && tld_ok(h + last, n - last);
}

static int emit(int (*cb)(void *, const char *, size_t, enum vg_text_kind), void *ud, const char *s,
                size_t n, enum vg_text_kind kind, size_t *count)
{
    (*count)++;
    return cb ? cb(ud, s, n, kind) : 0;
}

size_t vg_text_each_url(const char *t, size_t n,
                        int (*cb)(void *ud, const char *s, size_t n, enum vg_text_kind kind),
                        void *ud)
{
    size_t i = 0, count = 0, inside = 0;

    if (!t)
        return 0;
    if (n > VG_MAX_TEXT_SCAN)
        n = VG_MAX_TEXT_SCAN;
    while (i < n) {
        size_t j, hs, he, end;
        if (!host_char(t[i])) {
            i++;
            continue;
        }
        for (j = i; j < n && host_char(t[j]); j++)
            ;
        if (n - j >= 3 && t[j] == ':' && t[j + 1] == '/' && t[j + 2] == '/') {
            size_t s = scheme_start(t, i, j);
            end = piece_end(t, n, s, j + 3);
            if (s < j && end > j + 3 && emit(cb, ud, t + s, end - s, VG_TEXT_URL, &count))
                return count;
            /* look on inside it for a URL in the query of a redirector */
            if (end > inside)
                inside = end;
            i = j + 3;
            continue;
        }
        if (i < inside || (j < n && t[j] == '@') || word_before(t, i) || word_after(t, n, j)) {
            i = j + 1;
            continue;
        }
        for (hs = i; hs < j && (t[hs] == '.' || t[hs] == '-' || t[hs] == '_'); hs++)
            ;
        for (he = j; he > hs && (t[he - 1] == '.' || t[he - 1] == '-'); he--)
            ;
        if (bare_host(t + hs, he - hs)) {
            end = he;
            if (he == j && j < n &&
                (t[j] == '/' || (t[j] == ':' && j + 1 < n && is_digit(t[j + 1]))))
                end = piece_end(t, n, hs, j);
            if (emit(cb, ud, t + hs, end - hs, VG_TEXT_HOST, &count))
                return count;
            i = end > j ? end : j;
            continue;
        }
        i = j;
    }
    return count;
}

static int ci_prefix(const char *t, size_t n, size_t i, const char *lit)
{
    size_t k, m = strlen(lit);
    if (n - i < m)
        return 0;
    for (k = 0; k < m; k++)
        if ((t[i + k] | (is_alpha(t[i + k]) ? 0x20 : 0)) != lit[k])
            return 0;
    return 1;
}

size_t vg_text_each_link(const char *t, size_t n,
                         int (*cb)(void *ud, const char *s, size_t n, enum vg_text_kind kind),
                         void *ud)
{
    size_t i = 0, count = 0;

    if (!t)
        return 0;
    if (n > VG_MAX_TEXT_SCAN)
        n = VG_MAX_TEXT_SCAN;
    while (i < n) {
        size_t body, e;
        if (ci_prefix(t, n, i, "https://"))
            body = i + 8;
        else if (ci_prefix(t, n, i, "http://"))
            body = i + 7;
        else {
            i++;
            continue;
        }
        for (e = body; e < n && !ws_len(t, n, e); e++)
            ;
        if (e == body) {
            i++;
            continue;
        }
        if (emit(cb, ud, t + i, e - i, VG_TEXT_URL, &count))
            return count;
        i = e;
    }
    return count;
}
