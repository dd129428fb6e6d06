/*
 * Bounded text cursors (see text.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include "util/text.h"

struct vg_str vg_str_of(const char *s)
{
    struct vg_str r = {s ? s : "", s ? strlen(s) : 0};
    return r;
}

/* ---- lines ---- */

void vg_lines_init(struct vg_lines *l, const void *text, size_t len, size_t max_line)
{
    memset(l, 0, sizeof(*l));
    l->p = text;
    l->len = text ? len : 0;
    l->max_line = max_line ? max_line : VG_MAX_TEXT_LINE;
}

void vg_lines_set_mode(struct vg_lines *l, enum vg_lines_mode mode)
{
    l->mode = (int)mode;
}

/* Bytes that may end a line: 1 for bytes.splitlines(), 2 for
 * str.splitlines() (C2 and E2 start U+0085 and U+2028/9). */
static const unsigned char eol_class[256] = {
    ['\n'] = 3, ['\r'] = 3, [0x0b] = 2, [0x0c] = 2, [0x1c] = 2,
    [0x1d] = 2, [0x1e] = 2, [0xC2] = 2, [0xE2] = 2,
};

/* Python's line ends: eol_len gets the terminator's length (0: none, the
 * line runs to the end). Bytes C2 and E2 are never continuation bytes, so
 * C2 85 and E2 80 A8/A9 are always those characters. */
static size_t py_eol(const char *p, size_t n, int str, size_t *eol_len)
{
    const unsigned char *u = (const unsigned char *)p;
    unsigned char mask = str ? 2 : 1;
    size_t i = 0;

    for (;;) {
        size_t stop;
        /* eight bytes at a time while none can end a line: str needs a byte
         * below 0x1f or above 0x7f, bytes a "\n" or "\r" (SWAR tests) */
        while (n - i >= 8) {
            uint64_t x, lo = 0x0101010101010101ull, hi = 0x8080808080808080ull, t;
            memcpy(&x, u + i, 8);
            if (str)
                t = (((x - 0x1f * lo) & ~x) | x) & hi;
            else
                t = (((x ^ (0x0a * lo)) - lo) & ~(x ^ (0x0a * lo)) & hi) |
                    (((x ^ (0x0d * lo)) - lo) & ~(x ^ (0x0d * lo)) & hi);
            if (t)
                break;
            i += 8;
        }
        stop = n - i >= 8 ? i + 8 : n;
        while (i < stop && !(eol_class[u[i]] & mask))
            i++;
        if (i >= n)
            break;
        if (i == stop)
            continue;
        if (u[i] == '\n' || u[i] == 0x0b || u[i] == 0x0c || (u[i] >= 0x1c && u[i] <= 0x1e)) {
            *eol_len = 1;
            return i;
        }
        if (u[i] == '\r') {
            *eol_len = i + 1 < n && u[i + 1] == '\n' ? 2 : 1;
            return i;
        }
        if (u[i] == 0xC2 && i + 1 < n && u[i + 1] == 0x85) {
            *eol_len = 2;
            return i;
        }
        if (u[i] == 0xE2 && i + 2 < n && u[i + 1] == 0x80 &&
            (u[i + 2] == 0xA8 || u[i + 2] == 0xA9)) {
            *eol_len = 3;
            return i;
        }
        i++;
    }
    *eol_len = 0;
    return n;
}

int vg_lines_next(struct vg_lines *l, struct vg_str *line)
{
    const char *start, *nl;
    size_t left, n, next, eol;

    if (l->off >= l->len)
        return 0;
    start = l->p + l->off;
    left = l->len - l->off;
    if (l->mode == VG_LINES_LF) {
        nl = memchr(start, '\n', left);
        n = nl ? (size_t)(nl - start) : left;
        next = nl ? n + 1 : n;
        if (n > 0 && start[n - 1] == '\r')
            n--;
    } else {
        n = py_eol(start, left, l->mode == VG_LINES_PY_STR, &eol);
        next = n + eol;
    }
    if (n > l->max_line) {
        n = l->max_line;
        l->cut++;
    }
    l->off += next;
    l->lineno++;
    line->p = start;
    line->n = n;
    return 1;
}

size_t vg_lines_offset(const struct vg_lines *l)
{
    return l->off;
}

/* ---- slices ---- */

int vg_str_eq(struct vg_str s, const char *lit)
{
    size_t n = strlen(lit);
    return s.n == n && memcmp(s.p, lit, n) == 0;
}

int vg_str_same(struct vg_str a, struct vg_str b)
{
    return a.n == b.n && (a.n == 0 || memcmp(a.p, b.p, a.n) == 0);
}

int vg_str_starts(struct vg_str s, const char *lit)
{
    size_t n = strlen(lit);
    return s.n >= n && memcmp(s.p, lit, n) == 0;
}

int vg_str_ends(struct vg_str s, const char *lit)
{
    size_t n = strlen(lit);
    return s.n >= n && memcmp(s.p + (s.n - n), lit, n) == 0;
}

long vg_str_find(struct vg_str s, char c)
{
    const char *q = s.n ? memchr(s.p, c, s.n) : NULL;
    return q ? (long)(q - s.p) : -1;
}

long vg_str_find_str(struct vg_str s, const char *lit)
{
    size_t n = strlen(lit), i;

    if (n == 0)
        return 0;
    for (i = 0; n <= s.n && i <= s.n - n; i++) {
        const char *q = memchr(s.p + i, lit[0], s.n - n - i + 1);
        if (!q)
            return -1;
        i = (size_t)(q - s.p);
        if (memcmp(q, lit, n) == 0)
            return (long)i;
    }
    return -1;
}

long vg_str_rfind(struct vg_str s, char c)
{
    size_t i = s.n;

    while (i > 0)
        if (s.p[--i] == c)
            return (long)i;
    return -1;
}

struct vg_str vg_str_sub(struct vg_str s, size_t from, size_t to)
{
    struct vg_str r;

    if (to > s.n)
        to = s.n;
    if (from > to)
        from = to;
    r.p = s.p + from;
    r.n = to - from;
    return r;
}

long vg_str_find_any(struct vg_str s, const char *set)
{
    size_t i;

    for (i = 0; i < s.n; i++)
        if (s.p[i] != '\0' && strchr(set, s.p[i]))
            return (long)i;
    return -1;
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

struct vg_str vg_str_trim(struct vg_str s)
{
    while (s.n && is_blank(s.p[0])) {
        s.p++;
        s.n--;
    }
    while (s.n && is_blank(s.p[s.n - 1]))
        s.n--;
    return s;
}

struct vg_str vg_str_rstrip_set(struct vg_str s, const char *set)
{
    while (s.n && s.p[s.n - 1] != '\0' && strchr(set, s.p[s.n - 1]))
        s.n--;
    return s;
}

struct vg_str vg_str_strip_set(struct vg_str s, const char *set)
{
    while (s.n && s.p[0] != '\0' && strchr(set, s.p[0])) {
        s.p++;
        s.n--;
    }
    return vg_str_rstrip_set(s, set);
}

size_t vg_str_indent(struct vg_str s)
{
    size_t i = 0;
    while (i < s.n && (s.p[i] == ' ' || s.p[i] == '\t'))
        i++;
    return i;
}

/* What Python's str.isspace() says of ASCII: 0x1C-0x1F count too. */
static int is_space(char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r') || (c >= '\x1c' && c <= '\x1f');
}

struct vg_str vg_str_rstrip(struct vg_str s)
{
    while (s.n && is_space(s.p[s.n - 1]))
        s.n--;
    return s;
}

struct vg_str vg_str_strip(struct vg_str s)
{
    while (s.n && is_space(s.p[0])) {
        s.p++;
        s.n--;
    }
    return vg_str_rstrip(s);
}

/* ---- chained parsers ---- */

static void advance(struct vg_str *s, size_t n)
{
    s->p += n;
    s->n -= n;
}

size_t vg_str_skip_ws(struct vg_str *s)
{
    size_t n = 0;
    while (n < s->n && is_blank(s->p[n]))
        n++;
    advance(s, n);
    return n;
}

int vg_str_eat(struct vg_str *s, const char *lit)
{
    if (!vg_str_starts(*s, lit))
        return 0;
    advance(s, strlen(lit));
    return 1;
}

int vg_str_eat_char(struct vg_str *s, char c)
{
    if (s->n == 0 || s->p[0] != c)
        return 0;
    advance(s, 1);
    return 1;
}

int vg_str_until(struct vg_str *s, char c, struct vg_str *out)
{
    long i = vg_str_find(*s, c);

    if (i < 0)
        return 0;
    out->p = s->p;
    out->n = (size_t)i;
    advance(s, (size_t)i + 1);
    return 1;
}

int vg_str_until_str(struct vg_str *s, const char *sep, struct vg_str *out)
{
    long i = vg_str_find_str(*s, sep);

    if (i < 0)
        return 0;
    out->p = s->p;
    out->n = (size_t)i;
    advance(s, (size_t)i + strlen(sep));
    return 1;
}

int vg_str_word(struct vg_str *s, struct vg_str *out)
{
    struct vg_str t = *s;
    size_t n = 0;

    vg_str_skip_ws(&t);
    while (n < t.n && !is_blank(t.p[n]) && t.p[n] != '\n')
        n++;
    if (n == 0)
        return 0;
    out->p = t.p;
    out->n = n;
    advance(&t, n);
    *s = t;
    return 1;
}

int vg_str_field(struct vg_str *s, struct vg_str *out)
{
    size_t i = 0, n = 0;

    while (i < s->n && is_space(s->p[i]))
        i++;
    while (i + n < s->n && !is_space(s->p[i + n]))
        n++;
    if (n == 0)
        return 0;
    out->p = s->p + i;
    out->n = n;
    advance(s, i + n);
    return 1;
}

int vg_str_u64(struct vg_str *s, uint64_t *out)
{
    uint64_t v = 0;
    size_t i = 0;

    while (i < s->n && s->p[i] >= '0' && s->p[i] <= '9') {
        unsigned d = (unsigned)(s->p[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return 0;
        v = v * 10 + d;
        i++;
    }
    if (i == 0)
        return 0;
    advance(s, i);
    *out = v;
    return 1;
}

int vg_str_i64(struct vg_str *s, int64_t *out)
{
    struct vg_str t = *s;
    int neg = vg_str_eat_char(&t, '-');
    uint64_t u;

    if (!neg)
        (void)vg_str_eat_char(&t, '+');
    if (!vg_str_u64(&t, &u))
        return 0;
    if (neg ? u > (uint64_t)INT64_MAX + 1 : u > (uint64_t)INT64_MAX)
        return 0;
    *out = neg ? (u == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)u) : (int64_t)u;
    *s = t;
    return 1;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int vg_str_hex64(struct vg_str *s, uint64_t *out)
{
    struct vg_str t = *s;
    uint64_t v = 0;
    size_t i = 0;
    int d;

    if (!vg_str_eat(&t, "0x"))
        (void)vg_str_eat(&t, "0X");
    while (i < t.n && (d = hex_digit(t.p[i])) >= 0) {
        if (v >> 60)
            return 0;
        v = v << 4 | (uint64_t)d;
        i++;
    }
    if (i == 0)
        return 0;
    advance(&t, i);
    *out = v;
    *s = t;
    return 1;
}

/* The digits are written as an integer and a negative exponent
 * ("1.26" as "126e-2"), which strtod reads correctly rounded and without
 * the locale's radix character, the only locale-dependent part. */
int vg_str_decimal(struct vg_str *s, double *out)
{
    char buf[VG_MAX_DECIMAL_DIGITS + 8];
    struct vg_str t = *s;
    size_t n = 0, frac = 0, i;
    int dot = 0;

    for (i = 0; i < t.n; i++) {
        char c = t.p[i];
        if (c == '.' && !dot && n > 0) {
            dot = 1;
        } else if (c >= '0' && c <= '9') {
            if (n == VG_MAX_DECIMAL_DIGITS)
                return 0;
            buf[n++] = c;
            frac += (size_t)dot;
        } else {
            break;
        }
    }
    if (n == 0 || (dot && frac == 0))
        return 0;
    if (vg_snprintf(buf + n, sizeof(buf) - n, "e-%zu", frac) != VG_OK)
        return 0;
    *out = strtod(buf, NULL);
    advance(&t, i);
    *s = t;
    return 1;
}

int vg_str_bracketed(struct vg_str *s, char open, char close, struct vg_str *out)
{
    struct vg_str t = *s;

    if (!vg_str_eat_char(&t, open) || !vg_str_until(&t, close, out))
        return 0;
    *s = t;
    return 1;
}

/* ---- conversions ---- */

char *vg_str_dup(struct vg_str s)
{
    return vg_strndup(s.n ? s.p : "", s.n);
}

int vg_str_copy(struct vg_str s, char *buf, size_t cap)
{
    if (cap == 0)
        return 0;
    if (s.n >= cap) {
        buf[0] = '\0';
        return 0;
    }
    if (s.n)
        memcpy(buf, s.p, s.n);
    buf[s.n] = '\0';
    return 1;
}

int vg_str_to_u64(struct vg_str s, uint64_t *out)
{
    return vg_str_u64(&s, out) && s.n == 0;
}

int vg_str_to_i64(struct vg_str s, int64_t *out)
{
    return vg_str_i64(&s, out) && s.n == 0;
}

/* ---- Python's rules ---- */

size_t vg_py_space(struct vg_str s)
{
    const unsigned char *u = (const unsigned char *)s.p;

    if (s.n == 0)
        return 0;
    if (u[0] == ' ' || (u[0] >= 0x09 && u[0] <= 0x0d) || (u[0] >= 0x1c && u[0] <= 0x1f))
        return 1;
    if (s.n >= 2 && u[0] == 0xC2 && (u[1] == 0x85 || u[1] == 0xA0))
        return 2;
    if (s.n < 3)
        return 0;
    if (u[0] == 0xE1 && u[1] == 0x9A && u[2] == 0x80) /* U+1680 */
        return 3;
    if (u[0] == 0xE3 && u[1] == 0x80 && u[2] == 0x80) /* U+3000 */
        return 3;
    if (u[0] == 0xE2 && u[1] == 0x80 && /* U+2000-U+200A, U+2028, U+2029, U+202F */
        ((u[2] >= 0x80 && u[2] <= 0x8A) || u[2] == 0xA8 || u[2] == 0xA9 || u[2] == 0xAF))
        return 3;
    if (u[0] == 0xE2 && u[1] == 0x81 && u[2] == 0x9F) /* U+205F */
        return 3;
    return 0;
}

/* Bytes of the Python whitespace character ending s (0 if none). */
static size_t py_space_back(struct vg_str s)
{
    size_t k;

    for (k = 1; k <= 3 && k <= s.n; k++) {
        struct vg_str t = {s.p + (s.n - k), k};
        if (vg_py_space(t) == k)
            return k;
    }
    return 0;
}

struct vg_str vg_str_py_lstrip(struct vg_str s)
{
    size_t k;
    while ((k = vg_py_space(s)) > 0) {
        s.p += k;
        s.n -= k;
    }
    return s;
}

struct vg_str vg_str_py_rstrip(struct vg_str s)
{
    size_t k;
    while ((k = py_space_back(s)) > 0)
        s.n -= k;
    return s;
}

struct vg_str vg_str_py_strip(struct vg_str s)
{
    return vg_str_py_rstrip(vg_str_py_lstrip(s));
}

static int is_ascii_space(char c)
{
    return c == ' ' || (c >= 0x09 && c <= 0x0d);
}

struct vg_str vg_str_bytes_lstrip(struct vg_str s)
{
    while (s.n && is_ascii_space(s.p[0])) {
        s.p++;
        s.n--;
    }
    return s;
}

struct vg_str vg_str_bytes_rstrip(struct vg_str s)
{
    while (s.n && is_ascii_space(s.p[s.n - 1]))
        s.n--;
    return s;
}

struct vg_str vg_str_bytes_strip(struct vg_str s)
{
    return vg_str_bytes_rstrip(vg_str_bytes_lstrip(s));
}

int vg_str_py_word(struct vg_str *s, struct vg_str *out)
{
    struct vg_str t = vg_str_py_lstrip(*s);
    size_t n = 0;

    while (n < t.n) {
        struct vg_str rest = {t.p + n, t.n - n};
        if (vg_py_space(rest))
            break;
        n++;
    }
    if (n == 0)
        return 0;
    out->p = t.p;
    out->n = n;
    advance(&t, n);
    *s = t;
    return 1;
}

struct vg_str vg_str_strip_char(struct vg_str s, char c)
{
    while (s.n && s.p[0] == c) {
        s.p++;
        s.n--;
    }
    while (s.n && s.p[s.n - 1] == c)
        s.n--;
    return s;
}

static int is_cont(char c)
{
    return ((unsigned char)c & 0xC0) == 0x80;
}

size_t vg_str_cp_len(struct vg_str s)
{
    size_t i, n = 0;
    for (i = 0; i < s.n; i++)
        n += !is_cont(s.p[i]);
    return n;
}

/* Byte offset of code point k (k <= code points in s). */
static size_t cp_offset(struct vg_str s, size_t k)
{
    size_t i = 0;

    while (k > 0 && i < s.n) {
        i++;
        while (i < s.n && is_cont(s.p[i]))
            i++;
        k--;
    }
    return i;
}

/* Python's slice bound: negative from the end, clamped to [0, len]. */
static size_t py_bound(long v, size_t len)
{
    if (v < 0) {
        size_t back = v == LONG_MIN ? (size_t)LONG_MAX + 1 : (size_t)(-v);
        return back >= len ? 0 : len - back;
    }
    return (size_t)v > len ? len : (size_t)v;
}

struct vg_str vg_str_py_slice(struct vg_str s, long start, long stop)
{
    size_t len = vg_str_cp_len(s), a = py_bound(start, len), b = py_bound(stop, len);
    struct vg_str r;
    size_t ba, bb;

    if (b <= a) {
        r.p = s.p;
        r.n = 0;
        return r;
    }
    ba = cp_offset(s, a);
    bb = ba + cp_offset((struct vg_str){s.p + ba, s.n - ba}, b - a);
    r.p = s.p + ba;
    r.n = bb - ba;
    return r;
}

long vg_str_py_find(struct vg_str s, const char *lit)
{
    long i = vg_str_find_str(s, lit);
    if (i < 0)
        return -1;
    return (long)vg_str_cp_len((struct vg_str){s.p, (size_t)i});
}

int vg_str_digits(struct vg_str *s, size_t min, size_t max, uint64_t *out)
{
    uint64_t v = 0;
    size_t i = 0;

    while (i < max && i < s->n && s->p[i] >= '0' && s->p[i] <= '9') {
        unsigned d = (unsigned)(s->p[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return 0;
        v = v * 10 + d;
        i++;
    }
    if (i < min || i == 0)
        return 0;
    advance(s, i);
    *out = v;
    return 1;
}
