/*
 * What the intrusion-log modules share (see il_common.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include "modules/android/il_common.h"
#include "util/pyfmt.h"
#include "util/seen.h"
#include "util/tz.h"
#include "util/utf8.h"

#define CHUNK       (256u * 1024u)
#define MAX_UNKNOWN 16u /* unknown kinds named in the summary; the rest counted */

/* The keys as they appear in a line, quotes included. */
static const char *const kind_quoted[] = {"\"dns_event\"", "\"connect_event\"",
                                          "\"security_event\""};

struct unknown_kind {
    char *name;
    size_t count;
    char *first; /* "file line N" */
};

struct il_ctx {
    struct vg_run *run;
    enum vg_il_kind kind;
    int (*fn)(struct vg_run *run, const struct vg_il_event *ev, void *ud);
    void *ud;
    struct vg_seen seen;
    const char *display; /* the file being read */
    int owner;           /* this module reports the line's problems */
    int stop;            /* fn's error */
    size_t events, duplicates;
    /* per file, as owner */
    size_t skipped, too_long, lines;
    struct unknown_kind unknown[MAX_UNKNOWN];
    size_t n_unknown, unknown_more;
};

/* ---- MVT's identity of an event: json.dumps(data, sort_keys=True) ----
 *
 * The same data in any key order, so a structural hash: an object's
 * members are combined by a sum (order-free), an array's in order, every
 * value tagged with its type (1 and 1.0 and true differ, as in Python's
 * dump). Two independent 64-bit lanes, then vg_seen's set. */

static uint64_t mix64(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

static void hash_bytes(const char *p, size_t n, uint64_t tag, uint64_t h[2])
{
    uint64_t a = 0xcbf29ce484222325ULL ^ tag, b = 0x84222325cbf29ce4ULL ^ (tag * 31);
    size_t i;

    for (i = 0; i < n; i++) {
        a = (a ^ (unsigned char)p[i]) * 0x100000001b3ULL;
        b = (b ^ (unsigned char)p[i]) * 0x9e3779b97f4a7c15ULL;
    }
    h[0] = mix64(a ^ n);
    h[1] = mix64(b + n);
}

static void hash_json(const json_t *v, uint64_t h[2])
{
    uint64_t x[2], y[2], acc[2];
    const char *key;
    json_t *m;
    size_t i;

    switch (json_typeof(v)) {
    case JSON_OBJECT:
        acc[0] = 0x6f626a;
        acc[1] = 0x4f424a;
        json_object_foreach((json_t *)v, key, m)
        {
            hash_bytes(key, strlen(key), 5, x);
            hash_json(m, y);
            acc[0] += mix64(x[0] ^ (y[0] * 0x9e3779b97f4a7c15ULL));
            acc[1] += mix64(x[1] + (y[1] ^ 0xc2b2ae3d27d4eb4fULL));
        }
        h[0] = mix64(acc[0] ^ json_object_size(v));
        h[1] = mix64(acc[1] + json_object_size(v));
        return;
    case JSON_ARRAY:
        acc[0] = 0x617272;
        acc[1] = 0x415252;
        json_array_foreach(v, i, m)
        {
            hash_json(m, y);
            acc[0] = mix64(acc[0] * 31 + y[0]);
            acc[1] = mix64(acc[1] ^ (y[1] + i));
        }
        h[0] = mix64(acc[0] ^ json_array_size(v));
        h[1] = mix64(acc[1] + json_array_size(v));
        return;
    case JSON_STRING:
        hash_bytes(json_string_value(v), json_string_length(v), 1, h);
        return;
    case JSON_INTEGER: {
        json_int_t i64 = json_integer_value(v);
        hash_bytes((const char *)&i64, sizeof(i64), 2, h);
        return;
    }
    case JSON_REAL: {
        double d = json_real_value(v);
        hash_bytes((const char *)&d, sizeof(d), 3, h);
        return;
    }
    default:
        hash_bytes("", 0, 10u + (uint64_t)json_typeof(v), h);
        return;
    }
}

/* ---- one line ---- */

static void note_unknown(struct il_ctx *c, const char *name, size_t lineno)
{
    size_t i;
    struct unknown_kind *u;

    for (i = 0; i < c->n_unknown; i++)
        if (strcmp(c->unknown[i].name, name) == 0) {
            c->unknown[i].count++;
            return;
        }
    if (c->n_unknown == MAX_UNKNOWN) {
        c->unknown_more++;
        return;
    }
    u = &c->unknown[c->n_unknown];
    u->name = vg_strdup(name);
    u->first = vg_asprintf("%s line %zu", c->display, lineno);
    if (!u->name || !u->first) {
        free(u->name);
        free(u->first);
        vg_run_nomem(c->run);
        return;
    }
    u->count = 1;
    c->n_unknown++;
}

static int on_event(void *ud, const struct vg_il_event *ev)
{
    struct il_ctx *c = ud;
    uint64_t h[2];
    int rc;

    if (ev->kind == VG_IL_UNKNOWN) {
        if (c->owner)
            note_unknown(c, ev->type, ev->lineno);
        return VG_OK;
    }
    if (ev->kind != c->kind)
        return VG_OK;
    hash_json(ev->data, h);
    rc = vg_seen_add_pair(&c->seen, h[0], h[1]);
    if (rc < 0) {
        c->stop = rc;
        return rc;
    }
    if (rc == 0) {
        c->duplicates++;
        return VG_OK;
    }
    if (ev->n_bad)
        vg_run_log(c->run, VG_DIAG_WARN, "%s: line %zu: %s%s", c->display, ev->lineno, ev->bad,
                   ev->n_bad > 1 ? " (and more)" : "");
    c->events++;
    rc = c->fn(c->run, ev, c->ud);
    if (rc != VG_OK)
        c->stop = rc;
    return rc;
}

/* 1 when lit (k >= 1 bytes) occurs in p[0..n): memchr finds its first byte
 * (a quote or a backslash, a few per line), memcmp the rest. */
static int contains(const char *p, size_t n, const char *lit, size_t k)
{
    const char *end = p + n, *q = p;

    while (k <= (size_t)(end - q) && (q = memchr(q, lit[0], (size_t)(end - q) - k + 1)) != NULL) {
        if (memcmp(q, lit, k) == 0)
            return 1;
        q++;
    }
    return 0;
}

/* Which modules parse the line: a bit per kind. A kind's key is written
 * literally, or with a \u escape (then every module parses it); SecurityEvent
 * takes the lines that name no known kind. */
static unsigned parsers_of(const char *p, size_t n)
{
    unsigned has = 0, k;

    for (k = 0; k < VG_ARRAY_LEN(kind_quoted); k++)
        if (contains(p, n, kind_quoted[k], strlen(kind_quoted[k])))
            has |= 1u << k;
    if (contains(p, n, "\\u", 2))
        return 7u;
    return has ? has : 1u << VG_IL_SECURITY;
}

/* The owner: the first parser in list order. */
static int owns(unsigned parsers, enum vg_il_kind k)
{
    return (parsers & ((1u << k) - 1u)) == 0 && (parsers & (1u << k));
}

static int blank(const char *p, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (!strchr(" \t\r\v\f", p[i]))
            return 0;
    return 1;
}

static int one_line(struct il_ctx *c, const char *p, size_t n, size_t lineno)
{
    unsigned parsers;
    int rc;

    if (n && p[n - 1] == '\r')
        n--;
    if (blank(p, n))
        return VG_OK;
    parsers = parsers_of(p, n);
    if (!(parsers & (1u << c->kind)))
        return VG_OK;
    c->owner = owns(parsers, c->kind);
    c->lines += c->owner;
    rc = vg_il_parse_line(p, n, lineno, c->display, c->owner ? vg_run_diag(c->run) : NULL, on_event,
                          c);
    if (c->stop)
        return c->stop;
    if (rc == VG_E_NOMEM)
        return rc;
    if (rc != VG_OK && c->owner)
        c->skipped++;
    return VG_OK;
}

/* A line past VG_MAX_IL_LINE: its start says whose it is. */
static void too_long(struct il_ctx *c, const char *p, size_t n, size_t lineno)
{
    if (!owns(parsers_of(p, n), c->kind))
        return;
    c->too_long++;
    vg_run_log(c->run, VG_DIAG_WARN, "%s: line %zu: longer than %u bytes, skipped", c->display,
               lineno, VG_MAX_IL_LINE);
}

/* ---- one file, in bounded lines ---- */

struct reader {
    struct vg_io *io;
    uint64_t off;
    char *buf;
    size_t cap, start, end;
    int eof;
};

static int fill(struct reader *r)
{
    size_t got = 0;
    int rc;

    if (r->start > 0) {
        memmove(r->buf, r->buf + r->start, r->end - r->start);
        r->end -= r->start;
        r->start = 0;
    }
    rc = vg_io_read_at(r->io, r->off, r->buf + r->end, r->cap - r->end, &got);
    if (rc != VG_OK)
        return rc;
    r->off += got;
    r->end += got;
    r->eof = got == 0;
    return VG_OK;
}

/* Skips the rest of a line too long to hold. */
static int skip_line(struct reader *r)
{
    for (;;) {
        char *nl = memchr(r->buf + r->start, '\n', r->end - r->start);
        int rc;
        if (nl) {
            r->start = (size_t)(nl - r->buf) + 1;
            return VG_OK;
        }
        r->start = r->end = 0;
        if (r->eof)
            return VG_OK;
        if ((rc = fill(r)) != VG_OK)
            return rc;
    }
}

static int read_file(struct il_ctx *c, struct vg_io *io)
{
    struct reader r = {io, 0, NULL, VG_MAX_IL_LINE + CHUNK, 0, 0, 0};
    size_t lineno = 0;
    int rc = VG_OK;

    r.buf = vg_malloc(r.cap);
    if (!r.buf)
        return VG_E_NOMEM;
    while (rc == VG_OK) {
        char *nl = memchr(r.buf + r.start, '\n', r.end - r.start);
        size_t n = nl ? (size_t)(nl - (r.buf + r.start)) : r.end - r.start;
        if (nl || (r.eof && n > 0)) {
            lineno++;
            if (n > VG_MAX_IL_LINE)
                too_long(c, r.buf + r.start, VG_MAX_IL_LINE, lineno);
            else
                rc = one_line(c, r.buf + r.start, n, lineno);
            r.start += n + (nl != NULL);
        } else if (r.eof) {
            break;
        } else if (n > VG_MAX_IL_LINE) {
            lineno++;
            too_long(c, r.buf + r.start, VG_MAX_IL_LINE, lineno);
            rc = skip_line(&r);
        } else {
            rc = fill(&r);
        }
    }
    free(r.buf);
    return rc;
}

static int each_file(struct vg_run *run, const struct vg_file *f, void *ud)
{
    struct il_ctx *c = ud;
    struct vg_io *io = NULL;
    int rc = vg_run_open(run, f, &io);

    if (rc == VG_E_NOMEM)
        return rc;
    if (rc != VG_OK)
        return VG_OK; /* reported; the other files still run */
    c->display = f->display;
    c->skipped = c->too_long = c->lines = 0;
    rc = read_file(c, io);
    vg_io_free(io);
    if (rc != VG_OK && rc != VG_E_NOMEM && rc != c->stop) {
        vg_run_coverage(run, VG_COV_PARTIAL, f->display, "read error: %s", vg_strerror(rc));
        vg_run_log(run, VG_DIAG_WARN, "%s: read error: %s", f->display, vg_strerror(rc));
        rc = VG_OK;
    }
    if (c->skipped + c->too_long)
        vg_run_coverage(run, VG_COV_PARTIAL, f->display,
                        "%zu of %zu lines skipped (not JSON, not an object or too long)",
                        c->skipped + c->too_long, c->lines + c->too_long);
    return rc;
}

static void report_unknown(struct il_ctx *c)
{
    struct vg_buf b;
    size_t i;
    int rc = VG_OK;

    if (!c->n_unknown)
        return;
    vg_buf_init(&b, VG_MAX_MESSAGE);
    for (i = 0; rc == VG_OK && i < c->n_unknown; i++)
        rc = vg_buf_printf(&b, "%s%s (%zu, first in %s)", i ? ", " : "", c->unknown[i].name,
                           c->unknown[i].count, c->unknown[i].first);
    if (rc == VG_OK && c->unknown_more)
        rc = vg_buf_printf(&b, " and %zu more", c->unknown_more);
    vg_run_log(c->run, VG_DIAG_WARN,
               "Found unknown intrusion logging event type(s): %s; their events are counted, not "
               "checked",
               b.data ? b.data : "");
    vg_buf_free(&b);
    for (i = 0; i < c->n_unknown; i++) {
        free(c->unknown[i].name);
        free(c->unknown[i].first);
    }
}

int vg_il_each_event(struct vg_run *run, enum vg_il_kind kind, const char *what,
                     int (*fn)(struct vg_run *run, const struct vg_il_event *ev, void *ud),
                     void *ud)
{
    struct il_ctx c;
    int rc;

    memset(&c, 0, sizeof(c));
    c.run = run;
    c.kind = kind;
    c.fn = fn;
    c.ud = ud;
    vg_seen_init(&c.seen);
    rc = vg_run_find_all(run, each_file, &c);
    if (c.duplicates)
        vg_run_log(run, VG_DIAG_INFO, "Removed %zu duplicate event(s) seen across the log files",
                   c.duplicates);
    vg_run_log(run, VG_DIAG_INFO, "Identified %zu %s", c.events, what);
    report_unknown(&c);
    vg_seen_free(&c.seen);
    return rc;
}

/* ---- records ---- */

void vg_il_timestamp(struct vg_run *run, const struct vg_il_event *ev, char buf[VG_ISODATE_LEN + 1])
{
    const struct vg_tz *tz = vg_run_tz(run);
    int64_t sec;
    int32_t us;

    buf[0] = '\0';
    if (!ev->has_time || !ev->isodate[0])
        return;
    if (!tz) {
        memcpy(buf, ev->isodate, sizeof(ev->isodate));
        return;
    }
    if (vg_il_event_time(ev, &sec, &us) != VG_OK ||
        vg_isodate(sec + vg_tz_offset(tz, sec), us, buf) != VG_OK)
        buf[0] = '\0';
}

int vg_il_set_timestamp(struct vg_run *run, const struct vg_il_event *ev)
{
    char ts[VG_ISODATE_LEN + 1];

    vg_il_timestamp(run, ev, ts);
    if (json_object_set_new(ev->data, "timestamp", ts[0] ? json_string(ts) : json_null()) != 0) {
        vg_run_nomem(run);
        return VG_E_NOMEM;
    }
    return VG_OK;
}

int vg_il_emit(struct vg_run *run, const struct vg_il_event *ev)
{
    return vg_run_emit_json(run, json_incref(ev->data));
}

/* ---- Python's str() and repr() ---- */

/* Characters Python's repr() escapes beyond ASCII controls: the ones
 * str.isprintable() rejects that occur in practice (C1 controls, no-break
 * and other separators and format characters). */
static int py_unprintable(uint32_t cp)
{
    return cp < 0x20 || (cp >= 0x7f && cp <= 0xa0) || cp == 0xad ||
           (cp >= 0x2000 && cp <= 0x200f) || (cp >= 0x2028 && cp <= 0x202f) ||
           (cp >= 0x205f && cp <= 0x206f) || cp == 0x3000 || cp == 0xfeff ||
           (cp >= 0xfff9 && cp <= 0xfffb) || (cp >= 0xd800 && cp <= 0xdfff);
}

static int py_repr_str(struct vg_buf *b, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    char q = memchr(s, '\'', n) && !memchr(s, '"', n) ? '"' : '\'';
    size_t i = 0;
    int rc = vg_buf_append_char(b, q);

    while (rc == VG_OK && i < n) {
        uint32_t cp;
        size_t k = vg_utf8_next(u + i, n - i, &cp);
        if (cp == '\\' || cp == (uint32_t)q)
            rc = vg_buf_printf(b, "\\%c", (char)cp);
        else if (cp == '\n')
            rc = vg_buf_append_str(b, "\\n");
        else if (cp == '\r')
            rc = vg_buf_append_str(b, "\\r");
        else if (cp == '\t')
            rc = vg_buf_append_str(b, "\\t");
        else if (cp == VG_UTF8_BAD)
            rc = vg_buf_append_str(b, "\\ufffd");
        else if (py_unprintable(cp))
            rc = cp <= 0xff ? vg_buf_printf(b, "\\x%02x", (unsigned)cp)
                            : vg_buf_printf(b, "\\u%04x", (unsigned)cp);
        else
            rc = vg_buf_append(b, u + i, k);
        i += k;
    }
    return rc == VG_OK ? vg_buf_append_char(b, q) : rc;
}

static int py_repr(struct vg_buf *b, const json_t *v, unsigned depth)
{
    const char *key;
    json_t *m;
    size_t i = 0;
    int rc = VG_OK;

    if (depth > VG_MAX_JSON_DEPTH)
        return VG_E_LIMIT;
    switch (json_typeof(v)) {
    case JSON_STRING:
        return py_repr_str(b, json_string_value(v), json_string_length(v));
    case JSON_OBJECT:
        rc = vg_buf_append_char(b, '{');
        json_object_foreach((json_t *)v, key, m)
        {
            if (rc == VG_OK && i++)
                rc = vg_buf_append_str(b, ", ");
            if (rc == VG_OK)
                rc = py_repr_str(b, key, strlen(key));
            if (rc == VG_OK)
                rc = vg_buf_append_str(b, ": ");
            if (rc == VG_OK)
                rc = py_repr(b, m, depth + 1);
        }
        return rc == VG_OK ? vg_buf_append_char(b, '}') : rc;
    case JSON_ARRAY:
        rc = vg_buf_append_char(b, '[');
        json_array_foreach(v, i, m)
        {
            if (rc == VG_OK && i)
                rc = vg_buf_append_str(b, ", ");
            if (rc == VG_OK)
                rc = py_repr(b, m, depth + 1);
        }
        return rc == VG_OK ? vg_buf_append_char(b, ']') : rc;
    default:
        return vg_py_append(b, v);
    }
}

int vg_il_py_str(struct vg_buf *b, const json_t *v)
{
    if (!v || json_is_string(v) || !(json_is_object(v) || json_is_array(v)))
        return vg_py_append(b, v);
    return py_repr(b, v, 0);
}

int vg_il_py_get(struct vg_buf *b, const struct vg_rec *r, int f, const char *dflt)
{
    if (vg_rec_key(r, f) < 0 || vg_rec_val(r, f)->t == VG_VT_ABSENT)
        return vg_buf_append_str(b, dflt);
    return vg_il_py_val(b, vg_rec_val(r, f));
}

int vg_il_py_val(struct vg_buf *b, const struct vg_val *v)
{
    if (v->t == VG_VT_JSON)
        return vg_il_py_str(b, v->u.j);
    return vg_val_py_append(b, v);
}
