/*
 * ps.txt, ps_thread.txt and taskinfo.txt, read line by line with the bounded
 * text cursors (docs/formats/ps-apple.md).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include "formats/apple/ps_apple.h"
#include "formats/apple/textrec.h"

#define AREA_PS       "ps"
#define AREA_TASKINFO "taskinfo"
#define KEY_CAP       32u

/* ---- ps.txt / ps_thread.txt */

enum coltype {
    COL_WORD, /* one word, kept as a string */
    COL_INT,
    COL_REAL,
    COL_HEX,  /* flags: hexadecimal digits, kept as a string */
    COL_TIME, /* [[dd-]hh:]mm:ss.ss, kept as a string */
    COL_TEXT, /* may hold spaces: the rest of the line, or the words before typed columns */
};

/* Types by SAF key; a key missing here is a word. ps_thread.txt's PRI has
 * a letter after the number ("31T"), so it is a word there. */
static const struct {
    const char *key;
    enum coltype ps, threads;
} coltypes[] = {
    {"uid", COL_INT, COL_INT},       {"ruid", COL_INT, COL_INT},    {"gid", COL_INT, COL_INT},
    {"rgid", COL_INT, COL_INT},      {"pid", COL_INT, COL_INT},     {"ppid", COL_INT, COL_INT},
    {"pgid", COL_INT, COL_INT},      {"tpgid", COL_INT, COL_INT},   {"ni", COL_INT, COL_INT},
    {"vsz", COL_INT, COL_INT},       {"rss", COL_INT, COL_INT},     {"pri", COL_INT, COL_WORD},
    {"%cpu", COL_REAL, COL_REAL},    {"%mem", COL_REAL, COL_REAL},  {"f", COL_HEX, COL_HEX},
    {"time", COL_TIME, COL_TIME},    {"utime", COL_TIME, COL_TIME}, {"stime", COL_WORD, COL_TIME},
    {"command", COL_TEXT, COL_TEXT}, {"args", COL_TEXT, COL_TEXT},  {"comm", COL_TEXT, COL_TEXT},
};

struct col {
    char key[KEY_CAP];
    enum coltype type;
};

struct ps {
    struct col cols[VG_MAX_PS_COLUMNS];
    size_t ncols;
    size_t mid; /* a text column before the last, or SIZE_MAX */
    enum vg_ps_apple_file kind;
    struct vg_textwarn w;
    json_t *records;
    json_t *cur; /* ps_thread.txt: the process whose threads are being counted */
    int64_t threads;
    size_t rows, values;
    int stop;
};

void vg_ps_apple_key(struct vg_str header, char *buf, size_t cap)
{
    size_t i, n;

    if (cap == 0)
        return;
    n = header.n < cap - 1 ? header.n : cap - 1;
    for (i = 0; i < n; i++) {
        char c = header.p[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        buf[i] = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '%' ? c : '_';
    }
    buf[n] = '\0';
}

static enum coltype type_of(const char *key, enum vg_ps_apple_file kind)
{
    size_t i;

    for (i = 0; i < VG_ARRAY_LEN(coltypes); i++)
        if (strcmp(coltypes[i].key, key) == 0)
            return kind == VG_PS_APPLE_THREADS ? coltypes[i].threads : coltypes[i].ps;
    return COL_WORD;
}

static int all_of(struct vg_str s, const char *set)
{
    size_t i;

    for (i = 0; i < s.n; i++)
        if (!s.p[i] || !strchr(set, s.p[i]))
            return 0;
    return s.n > 0;
}

/* Whether word can be a value of a column of type t. */
static int fits(enum coltype t, struct vg_str word)
{
    int64_t i;
    double d;

    switch (t) {
    case COL_INT:
        return vg_str_to_i64(word, &i);
    case COL_REAL:
        return vg_str_decimal(&word, &d) && word.n == 0;
    case COL_HEX:
        return all_of(word, "0123456789abcdefABCDEF");
    case COL_TIME:
        return all_of(word, "0123456789:.-") && vg_str_find(word, ':') >= 0;
    default:
        return word.n > 0;
    }
}

static int read_header(struct ps *p, struct vg_str line, size_t lineno)
{
    struct vg_str t = line, word;
    int has_pid = 0, has_command = 0;
    size_t i;

    p->ncols = 0;
    while (vg_str_word(&t, &word)) {
        struct col *c;
        if (p->ncols == VG_MAX_PS_COLUMNS) {
            vg_textwarn(&p->w, lineno, "more than %u columns, the rest ignored", VG_MAX_PS_COLUMNS);
            break;
        }
        c = &p->cols[p->ncols++];
        vg_ps_apple_key(word, c->key, sizeof(c->key));
        c->type = type_of(c->key, p->kind);
        has_pid |= strcmp(c->key, "pid") == 0;
        has_command |= strcmp(c->key, "command") == 0;
    }
    p->mid = SIZE_MAX;
    for (i = 0; i + 1 < p->ncols; i++)
        if (p->cols[i].type == COL_TEXT && p->mid == SIZE_MAX)
            p->mid = i;
    return has_pid && has_command;
}

/* The k words at the start of *s as one slice (their spaces kept). */
static int take_words(struct vg_str *s, size_t k, struct vg_str *out)
{
    struct vg_str t = *s, w;
    const char *start = NULL;
    size_t i;

    for (i = 0; i < k; i++) {
        if (!vg_str_word(&t, &w))
            return 0;
        if (!start)
            start = w.p;
    }
    out->p = start;
    out->n = (size_t)(w.p + w.n - start);
    *s = t;
    return 1;
}

/* Whether the columns after the mid text column all fit when it takes k
 * words: each typed column one fitting word, then something left for the
 * last column. */
static int mid_fits(const struct ps *p, struct vg_str s, size_t k)
{
    struct vg_str v, w;
    size_t i;

    if (!take_words(&s, k, &v))
        return 0;
    for (i = p->mid + 1; i + 1 < p->ncols; i++)
        if (!vg_str_word(&s, &w) || !fits(p->cols[i].type, w))
            return 0;
    return vg_str_trim(s).n > 0;
}

/* Splits a row into one slice per column (n.p NULL: missing). Returns the
 * columns found. */
static size_t split_row(struct ps *p, struct vg_str t, struct vg_str *vals, size_t lineno)
{
    size_t i, k, found = 0;

    for (i = 0; i < p->ncols; i++) {
        vals[i].p = NULL;
        vals[i].n = 0;
        if (i + 1 == p->ncols) {
            struct vg_str rest = vg_str_trim(t);
            if (rest.n)
                vals[i] = rest;
        } else if (i == p->mid) {
            for (k = 1; k <= VG_MAX_PS_TEXT_TOKENS && !mid_fits(p, t, k); k++)
                ;
            if (k > VG_MAX_PS_TEXT_TOKENS) {
                vg_textwarn(&p->w, lineno, "columns after %s do not fit the header",
                            p->cols[i].key);
                k = 1;
            }
            (void)take_words(&t, k, &vals[i]);
        } else {
            (void)vg_str_word(&t, &vals[i]);
        }
        found += vals[i].p != NULL;
    }
    return found;
}

static json_t *typed_value(struct ps *p, const struct col *c, struct vg_str v, size_t lineno)
{
    char ex[48];
    int64_t i;
    double d;
    struct vg_str t = v;

    if (c->type == COL_INT && vg_str_to_i64(v, &i))
        return json_integer(i);
    if (c->type == COL_REAL && vg_str_decimal(&t, &d) && t.n == 0)
        return json_real(d);
    if (c->type == COL_INT || c->type == COL_REAL || !fits(c->type, v)) {
        vg_textrec_excerpt(v, ex, sizeof(ex));
        vg_textwarn(&p->w, lineno, "%s \"%s\" is not what the column holds, kept as text", c->key,
                    ex);
    }
    return vg_textrec_str(v);
}

/* Duplicate header names (ps_thread.txt has PRI and COMMAND twice): the
 * later column wins, as in SAF, unless it is missing. */
static int set_column(struct ps *p, json_t *rec, const struct col *c, struct vg_str v,
                      size_t lineno)
{
    if (!v.p)
        return json_object_get(rec, c->key) ? VG_OK : vg_textrec_set(rec, c->key, json_null());
    return vg_textrec_set(rec, c->key, typed_value(p, c, v, lineno));
}

/* The ps_thread.txt process being counted goes to the records. */
static int flush_current(struct ps *p)
{
    json_t *cur = p->cur;
    int rc;

    if (!cur)
        return VG_OK;
    p->cur = NULL;
    rc = vg_textrec_set(cur, "threads", json_integer(p->threads));
    if (rc == VG_OK && json_array_append(p->records, cur) != 0)
        rc = VG_E_NOMEM;
    json_decref(cur);
    return rc;
}

static int process_row(struct ps *p, struct vg_str line, size_t lineno)
{
    struct vg_str vals[VG_MAX_PS_COLUMNS];
    json_t *rec;
    size_t i, found;
    int rc = VG_OK;

    if (p->rows == VG_MAX_PS_ROWS || p->values > VG_MAX_PS_VALUES - p->ncols) {
        vg_textwarn(&p->w, lineno, "more than %u processes or %u values, the rest not read",
                    VG_MAX_PS_ROWS, VG_MAX_PS_VALUES);
        p->stop = 1;
        return VG_OK;
    }
    p->values += p->ncols + 1;
    found = split_row(p, line, vals, lineno);
    if (found < p->ncols)
        vg_textwarn(&p->w, lineno, "%zu of the header's %zu columns", found, p->ncols);
    rec = json_object();
    if (!rec)
        return VG_E_NOMEM;
    for (i = 0; i < p->ncols && rc == VG_OK; i++)
        rc = set_column(p, rec, &p->cols[i], vals[i], lineno);
    p->rows++;
    if (rc == VG_OK && p->kind == VG_PS_APPLE_THREADS) {
        rc = flush_current(p);
        p->cur = rec;
        p->threads = 1;
        return rc;
    }
    if (rc == VG_OK && json_array_append(p->records, rec) != 0)
        rc = VG_E_NOMEM;
    json_decref(rec);
    return rc;
}

static int ps_line(struct ps *p, struct vg_str line, size_t lineno)
{
    if (vg_str_trim(line).n == 0)
        return VG_OK;
    /* ps_thread.txt: USER is flush left on a process row and blank on the
     * rows of its other threads */
    if (p->kind == VG_PS_APPLE_THREADS && vg_str_indent(line) > 0) {
        if (!p->cur)
            vg_textwarn(&p->w, lineno, "thread row before any process row");
        else if (p->threads < INT64_MAX)
            p->threads++;
        return VG_OK;
    }
    return process_row(p, vg_str_trim(line), lineno);
}

int vg_ps_apple_parse(const void *text, size_t len, enum vg_ps_apple_file kind, const char *name,
                      struct vg_diag *diag, json_t *records)
{
    struct ps *p;
    struct vg_lines l;
    struct vg_str line;
    int rc = VG_OK, header = 0;

    name = name ? name : (kind == VG_PS_APPLE_THREADS ? "ps_thread.txt" : "ps.txt");
    if (!json_is_array(records))
        return VG_E_INVAL;
    if (len > VG_MAX_PS_FILE) {
        vg_diag_add(diag, VG_DIAG_ERROR, AREA_PS, "%s: %zu bytes, more than the %u read", name, len,
                    VG_MAX_PS_FILE);
        return VG_E_LIMIT;
    }
    p = vg_calloc(1, sizeof(*p));
    if (!p)
        return VG_E_NOMEM;
    p->kind = kind;
    p->records = records;
    vg_textwarn_init(&p->w, diag, AREA_PS, name);
    vg_lines_init(&l, text, len, VG_MAX_APPLE_TEXT_LINE);
    while (rc == VG_OK && !p->stop && vg_textrec_line(&l, &line, &p->w)) {
        if (header) {
            rc = ps_line(p, line, l.lineno);
        } else if (vg_str_trim(line).n) {
            header = 1;
            if (!read_header(p, line, l.lineno)) {
                vg_diag_add(diag, VG_DIAG_ERROR, AREA_PS,
                            "%s: line %zu: not a ps header (no PID and COMMAND columns)", name,
                            l.lineno);
                rc = VG_E_CORRUPT;
            }
        }
    }
    if (rc == VG_OK && !header) {
        vg_diag_add(diag, VG_DIAG_ERROR, AREA_PS, "%s: empty, no ps header", name);
        rc = VG_E_CORRUPT;
    }
    if (rc == VG_OK)
        rc = flush_current(p);
    json_decref(p->cur);
    vg_textwarn_done(&p->w);
    free(p);
    return rc;
}

/* ---- taskinfo.txt */

struct ti {
    struct vg_textwarn w;
    json_t *records;
    json_t *cur;     /* the process block being read */
    json_t *section; /* the object indented lines go to, or NULL */
    char last_key[256];
    int64_t threads;
    int in_threads;
    size_t keys, blocks, values;
    int stop;
};

/* "key: value", SAF's split: the key up to the first ':', both trimmed,
 * one pair of double quotes taken off the value; a line without ':' is a
 * key with an empty value. */
static void split_kv(struct vg_str line, struct vg_str *key, struct vg_str *val)
{
    struct vg_str t = vg_str_trim(line);

    if (!vg_str_until(&t, ':', key)) {
        *key = t;
        val->p = t.p + t.n;
        val->n = 0;
        return;
    }
    *key = vg_str_trim(*key);
    *val = vg_str_trim(t);
    if (val->n >= 2 && val->p[0] == '"' && val->p[val->n - 1] == '"') {
        val->p++;
        val->n -= 2;
    }
}

/* A JSON key from untrusted bytes: UTF-8 repaired, cut at a NUL byte. */
static int set_key(json_t *obj, struct vg_str key, json_t *v)
{
    json_t *k = vg_textrec_str(key);
    int rc;

    if (!k || !v) {
        json_decref(k);
        json_decref(v);
        return VG_E_NOMEM;
    }
    rc = vg_textrec_set(obj, json_string_value(k), v);
    json_decref(k);
    return rc;
}

static int flush_block(struct ti *t)
{
    json_t *cur = t->cur;
    int rc;

    if (!cur)
        return VG_OK;
    t->cur = NULL;
    t->section = NULL;
    rc = vg_textrec_set(cur, "threads", json_integer(t->threads));
    if (rc == VG_OK && json_array_append(t->records, cur) != 0)
        rc = VG_E_NOMEM;
    json_decref(cur);
    return rc;
}

/* process: "launchd" [1] [unique ID: 1] */
static int process_line(struct ti *t, struct vg_str val, size_t lineno)
{
    struct vg_str s = val, name = val, in;
    int64_t pid = -1, uid = -1;
    long q;
    json_t *rec;
    int rc;

    if (vg_str_eat_char(&s, '"') && (q = vg_str_rfind(s, '"')) >= 0) {
        name.p = s.p;
        name.n = (size_t)q;
        s.p += q + 1;
        s.n -= (size_t)q + 1;
        vg_str_skip_ws(&s);
        if (vg_str_bracketed(&s, '[', ']', &in) && vg_str_to_i64(vg_str_trim(in), &pid)) {
            vg_str_skip_ws(&s);
            if (vg_str_bracketed(&s, '[', ']', &in) && vg_str_eat(&in, "unique ID:") &&
                !vg_str_to_i64(vg_str_trim(in), &uid))
                uid = -1;
        }
    }
    if (pid < 0)
        vg_textwarn(&t->w, lineno, "process line without \"name\" [pid]");
    rec = json_object();
    if (!rec)
        return VG_E_NOMEM;
    t->cur = rec;
    t->section = NULL;
    t->threads = 0;
    t->in_threads = 0;
    t->keys = 0;
    t->last_key[0] = '\0';
    if ((rc = vg_textrec_set(rec, "name", vg_textrec_str(name))) != VG_OK ||
        (rc = vg_textrec_set(rec, "pid", pid >= 0 ? json_integer(pid) : json_null())) != VG_OK ||
        (rc = vg_textrec_set(rec, "unique_id", uid >= 0 ? json_integer(uid) : json_null())) !=
            VG_OK)
        return rc;
    return vg_textrec_set(rec, "process", vg_textrec_str(val));
}

static int count_key(struct ti *t, size_t lineno)
{
    if (t->values >= VG_MAX_PS_VALUES) {
        vg_textwarn(&t->w, lineno, "more than %u values, the rest of the file not read",
                    VG_MAX_PS_VALUES);
        t->stop = 1;
        return 0;
    }
    t->values++;
    if (t->keys == VG_MAX_TASKINFO_KEYS) {
        vg_textwarn(&t->w, lineno, "more than %u lines in this block, the rest not kept",
                    VG_MAX_TASKINFO_KEYS);
        t->keys++;
        return 0;
    }
    return t->keys++ < VG_MAX_TASKINFO_KEYS;
}

/* An indented line: a thread's (counted) or a section's (kept). */
static int indented_line(struct ti *t, struct vg_str line, size_t lineno)
{
    struct vg_str key, val;
    json_t *prev;
    int rc;

    if (t->in_threads) {
        if (vg_str_starts(vg_str_trim(line), "thread ID:") && t->threads < INT64_MAX)
            t->threads++;
        return VG_OK;
    }
    if (!t->cur || !t->last_key[0]) {
        vg_textwarn(&t->w, lineno, "indented line without a key above it");
        return VG_OK;
    }
    if (!count_key(t, lineno))
        return VG_OK;
    if (!t->section) {
        t->section = json_object();
        if (!t->section)
            return VG_E_NOMEM;
        prev = json_object_get(t->cur, t->last_key);
        if (json_string_length(prev) > 0 &&
            json_object_set(t->section, "value", prev) != 0) { /* a value and a section */
            json_decref(t->section);
            t->section = NULL;
            return VG_E_NOMEM;
        }
        rc = vg_textrec_set(t->cur, t->last_key, t->section); /* cur owns it */
        if (rc != VG_OK) {
            t->section = NULL;
            return rc;
        }
    }
    split_kv(line, &key, &val);
    return set_key(t->section, key, vg_textrec_str(val));
}

static int top_line(struct ti *t, struct vg_str line, size_t lineno, int64_t *num_tasks)
{
    struct vg_str key, val;
    json_t *k;

    split_kv(line, &key, &val);
    if (vg_str_eq(key, "process")) {
        int rc = flush_block(t);
        if (rc != VG_OK)
            return rc;
        if (t->blocks == VG_MAX_PS_ROWS) {
            vg_textwarn(&t->w, lineno, "more than %u processes, the rest not read", VG_MAX_PS_ROWS);
            t->stop = 1;
            return VG_OK;
        }
        t->blocks++;
        t->values += 5; /* name, pid, unique_id, process, threads */
        return process_line(t, val, lineno);
    }
    if (!t->cur) {
        if (vg_str_eq(key, "num tasks") && vg_str_to_i64(val, num_tasks))
            return VG_OK;
        vg_textwarn(&t->w, lineno, "text before the first process block");
        return VG_OK;
    }
    t->section = NULL;
    t->in_threads = vg_str_eq(key, "threads");
    if (t->in_threads || !count_key(t, lineno))
        return VG_OK;
    k = vg_textrec_str(key);
    if (!k)
        return VG_E_NOMEM;
    (void)vg_str_copy(vg_str_of(json_string_value(k)), t->last_key, sizeof(t->last_key));
    json_decref(k);
    if (!t->last_key[0]) {
        vg_textwarn(&t->w, lineno, "line without a key");
        return VG_OK;
    }
    if (!strcmp(t->last_key, "name") || !strcmp(t->last_key, "pid") ||
        !strcmp(t->last_key, "unique_id")) {
        vg_textwarn(&t->w, lineno, "a \"%s\" line, not kept (the field is the process line's)",
                    t->last_key);
        t->last_key[0] = '\0';
        return VG_OK;
    }
    return vg_textrec_set(t->cur, t->last_key, vg_textrec_str(val));
}

int vg_ps_apple_taskinfo(const void *text, size_t len, const char *name, struct vg_diag *diag,
                         json_t *records, int64_t *num_tasks)
{
    struct ti t;
    struct vg_lines l;
    struct vg_str line;
    int rc = VG_OK;

    name = name ? name : "taskinfo.txt";
    *num_tasks = -1;
    if (!json_is_array(records))
        return VG_E_INVAL;
    if (len > VG_MAX_TASKINFO_FILE) {
        vg_diag_add(diag, VG_DIAG_ERROR, AREA_TASKINFO, "%s: %zu bytes, more than the %u read",
                    name, len, VG_MAX_TASKINFO_FILE);
        return VG_E_LIMIT;
    }
    memset(&t, 0, sizeof(t));
    t.records = records;
    vg_textwarn_init(&t.w, diag, AREA_TASKINFO, name);
    vg_lines_init(&l, text, len, VG_MAX_APPLE_TEXT_LINE);
    while (rc == VG_OK && !t.stop && vg_textrec_line(&l, &line, &t.w)) {
        if (vg_str_trim(line).n == 0)
            continue;
        if (vg_str_indent(line) > 0)
            rc = indented_line(&t, line, l.lineno);
        else
            rc = top_line(&t, line, l.lineno, num_tasks);
    }
    if (rc == VG_OK)
        rc = flush_block(&t);
    json_decref(t.cur);
    if (rc == VG_OK && t.blocks == 0 && *num_tasks < 0) {
        vg_diag_add(diag, VG_DIAG_ERROR, AREA_TASKINFO,
                    "%s: no \"num tasks\" line and no process block", name);
        rc = VG_E_CORRUPT;
    }
    vg_textwarn_done(&t.w);
    return rc;
}
