/*
 * The dbinfo service's recently executed SQLite operations, per connection
 * pool (MVT's DumpsysDBInfoArtifact.parse; grammar in
 * docs/formats/dumpsys.md).
 *
 * MVT matches each operation line with one regular expression:
 *
 *   .*\[((?:[0-9]{4}-)?[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3})\]\s*
 *   (?:\[Pid:\((\d+)\)\])?([\w-]+).*?sql=\"(.+?)\"
 *
 * Written out by hand here (no regex engine is kept for this one line),
 * with the same answer: the greedy ".*" makes the last '[' that can start
 * a match win, and the action ([\w-]+) gives back characters only when
 * 'sql="' starts inside it.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include "formats/android/dumpsys_int.h"

#define WHAT "dbinfo"

struct op {
    struct vg_str isodate, pid, action, sql;
};

/* "2023-07-27 12:21:44.097" or "07-27 12:21:44.097", then ']'. */
static int timestamp(struct vg_str *s, struct vg_str *out)
{
    static const char shape[] = "00-00 00:00:00.000";
    struct vg_str t = *s, y = *s;
    uint64_t v;
    size_t i;

    if (vg_str_digits(&y, 4, 4, &v) && vg_str_eat_char(&y, '-'))
        t = y; /* the optional year; with it the rest cannot start with 4 digits */
    for (i = 0; shape[i]; i++) {
        if (shape[i] == '0' ? !vg_str_digits(&t, 1, 1, &v) : !vg_str_eat_char(&t, shape[i]))
            return 0;
    }
    if (!vg_str_eat_char(&t, ']'))
        return 0;
    *out = vg_str_sub(*s, 0, s->n - t.n - 1);
    *s = t;
    return 1;
}

/* \d+ (ASCII digits only). */
static int all_digits(struct vg_str s)
{
    uint64_t v;

    if (s.n == 0)
        return 0;
    while (s.n > 0)
        if (!vg_str_digits(&s, 1, 1, &v))
            return 0;
    return 1;
}

/* [\w-]: ASCII word characters and '-'; characters past ASCII are taken
 * as word characters (Python's \w holds most of them). */
static size_t word_run(struct vg_str s)
{
    size_t i = 0;

    while (i < s.n) {
        unsigned char c = (unsigned char)s.p[i];
        if (c >= 0x80 ? vg_py_space(vg_str_sub(s, i, s.n)) != 0
                      : !(c == '_' || c == '-' || (c >= '0' && c <= '9') ||
                          ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')))
            break;
        i++;
    }
    return i;
}

/* The last 'sql="' that a closing '"' can follow (one character at least
 * between them): no match can use a later one. -1 if none. */
static long last_sql(struct vg_str line)
{
    long last = -1, q = -1, at = 0, i;

    for (i = 0; i < (long)line.n; i++)
        if (line.p[i] == '"')
            q = i;
    for (;;) {
        long k = vg_str_find_str(vg_str_sub(line, (size_t)at, line.n), "sql=\"");
        if (k < 0 || at + k + 6 > q)
            break;
        last = at + k;
        at = last + 1;
    }
    return last;
}

/* Tries MVT's regex with its '[' at `open`. */
static int try_at(struct vg_str line, size_t open, long sql_last, struct op *m)
{
    struct vg_str s = vg_str_sub(line, open + 1, line.n), pid, rest;
    size_t word_at, n, len;
    long o;

    if (!timestamp(&s, &m->isodate))
        return 0;
    s = vg_str_py_lstrip(s);
    m->pid.n = 0;
    rest = s;
    if (vg_str_eat(&rest, "[Pid:(") && vg_str_until(&rest, ')', &pid) && all_digits(pid) &&
        vg_str_eat_char(&rest, ']')) {
        m->pid = pid;
        s = rest;
    }
    word_at = line.n - s.n;
    n = word_run(s);
    if (n == 0 || sql_last < (long)word_at + 1)
        return 0;
    len = (size_t)sql_last - word_at < n ? (size_t)sql_last - word_at : n;
    m->action = vg_str_sub(line, word_at, word_at + len);
    o = (long)(word_at + len) + vg_str_find_str(vg_str_sub(line, word_at + len, line.n), "sql=\"");
    rest = vg_str_sub(line, (size_t)o + 6, line.n);
    m->sql = vg_str_sub(line, (size_t)o + 5, (size_t)o + 6 + (size_t)vg_str_find(rest, '"'));
    return 1;
}

static int match(struct vg_str line, struct op *m)
{
    long sql_last = last_sql(line);
    struct op t;
    size_t at = 0;
    long k;
    int found = 0;

    if (sql_last < 0)
        return 0;
    /* every '[' in turn, keeping the last success (the greedy ".*") */
    while ((k = vg_str_find(vg_str_sub(line, at, line.n), '[')) >= 0) {
        if (try_at(line, at + (size_t)k, sql_last, &t)) {
            *m = t;
            found = 1;
        }
        at += (size_t)k + 1;
    }
    return found;
}

static int emit(struct vg_dumpsys_sink *sink, const struct op *m, struct vg_str pool)
{
    static const char *const keys[] = {"isodate", "action", "sql", "path", "pid"};
    const struct vg_str vals[] = {m->isodate, m->action, m->sql, pool, m->pid};

    return vg_dumpsys_emit(sink, vg_dumpsys_strs(m->pid.n ? 5 : 4, keys, vals));
}

static int parse(struct vg_dumpsys_lines *r, struct vg_dumpsys_sink *sink, struct vg_buf *pb)
{
    struct vg_str line, pool = {NULL, 0};
    struct op m;
    int in_ops = 0, rc;

    while ((rc = vg_dumpsys_lines_next(r, &line)) == 1) {
        if (vg_str_starts(line, "Connection pool for ")) {
            if ((rc = vg_dumpsys_remove_all(pb, line, "Connection pool for ", &pool)) != VG_OK)
                return rc;
            while (vg_str_ends(pool, ":")) /* rstrip(":") */
                pool.n--;
        }
        if (pool.n == 0) /* None, or "": not a pool */
            continue;
        if (vg_str_eq(vg_str_py_strip(line), "Most recently executed operations:")) {
            in_ops = 1;
            continue;
        }
        if (!in_ops)
            continue;
        if (!vg_str_starts(line, "        ")) {
            in_ops = 0;
            pool.n = 0;
            continue;
        }
        if (match(line, &m) && (rc = emit(sink, &m, pool)) != VG_OK)
            return rc;
    }
    return rc < 0 ? rc : VG_OK;
}

int vg_dumpsys_dbinfo(const struct vg_dumpsys_section *sec, struct vg_dumpsys_sink *sink)
{
    struct vg_dumpsys_lines r;
    struct vg_buf pool;
    int rc;

    vg_buf_init(&pool, 3 * (size_t)VG_MAX_TEXT_LINE + 1);
    vg_dumpsys_lines_init(&r, sec);
    rc = parse(&r, sink, &pool);
    vg_dumpsys_done(sink, WHAT, &r);
    vg_dumpsys_lines_free(&r);
    vg_buf_free(&pool);
    return rc;
}
