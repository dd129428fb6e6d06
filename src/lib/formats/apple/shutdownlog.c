/*
 * shutdown.log, read line by line with the bounded text cursors. What each
 * line means, and where MVT's reading differs from ours, is in
 * docs/formats/shutdownlog.md.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include "formats/apple/shutdownlog.h"
#include "formats/apple/textrec.h"

#define AREA        "shutdownlog"
#define CLIENT_MARK "remaining client pid:"
#define STILL_HERE  "these clients are still here"
#define UUID_LEN    36u

/* The parse in progress: the log so far and the block not yet closed by a
 * SIGTERM line. */
struct sd {
    struct vg_shutdownlog *log;
    struct vg_textwarn w;
    size_t cap_clients, cap_reboots;
    size_t block_first; /* first client of the open block */
    uint32_t notices, afters;
    double delay;
    int stop; /* a cap was reached */
};

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
    size_t ncap = *cap ? *cap * 2 : 64;
    void *np;

    if (need <= *cap)
        return VG_OK;
    if (ncap < need)
        ncap = need;
    np = vg_realloc_array(*p, ncap, size);
    if (!np)
        return VG_E_NOMEM;
    *p = np;
    *cap = ncap;
    return VG_OK;
}

static uint32_t inc32(uint32_t v)
{
    return v == UINT32_MAX ? v : v + 1;
}

/* 8-4-4-4-12 hexadecimal digits. */
static int is_uuid(struct vg_str s)
{
    size_t i;

    if (s.n != UUID_LEN)
        return 0;
    for (i = 0; i < UUID_LEN; i++) {
        char c = s.p[i];
        int dash = i == 8 || i == 13 || i == 18 || i == 23;
        int hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        if (dash ? c != '-' : !hex)
            return 0;
    }
    return 1;
}

struct vg_str vg_shutdownlog_exec_path(struct vg_str client)
{
    long slash = vg_str_rfind(client, '/');
    struct vg_str last;

    if (slash <= 0)
        return client;
    last.p = client.p + slash + 1;
    last.n = client.n - (size_t)slash - 1;
    if (is_uuid(last))
        client.n = (size_t)slash;
    return client;
}

/* A NUL-terminated copy of s that may itself hold NUL bytes. */
static char *copy_bytes(struct vg_str s)
{
    char *c = vg_malloc(s.n + 1);

    if (c) {
        if (s.n)
            memcpy(c, s.p, s.n);
        c[s.n] = '\0';
    }
    return c;
}

static int add_client(struct sd *st, struct vg_str pid, struct vg_str path, size_t lineno)
{
    struct vg_shutdownlog *log = st->log;
    struct vg_shutdownlog_client *c;
    char ex[48];
    int rc;

    if (log->nclients >= VG_MAX_SHUTDOWNLOG_CLIENTS) {
        vg_textwarn(&st->w, lineno, "more than %u client lines, the rest of the file not read",
                    VG_MAX_SHUTDOWNLOG_CLIENTS);
        log->truncated = st->stop = 1;
        return VG_OK;
    }
    rc = grow((void **)&log->clients, &st->cap_clients, log->nclients + 1, sizeof(*c));
    if (rc != VG_OK)
        return rc;
    c = &log->clients[log->nclients];
    memset(c, 0, sizeof(*c));
    c->pid = copy_bytes(pid);
    c->path = copy_bytes(path);
    if (!c->pid || !c->path) {
        free(c->pid);
        free(c->path);
        return VG_E_NOMEM;
    }
    log->nclients++;
    c->pid_len = pid.n;
    c->path_len = path.n;
    c->exec_len = vg_shutdownlog_exec_path(path).n;
    c->reboot = log->nreboots; /* the index its block gets when it closes */
    c->delay = st->delay;
    c->times_delayed = st->afters;
    c->line = lineno;
    if (!vg_str_to_i64(pid, &c->pid_num) || c->pid_num < 0) {
        c->pid_num = -1;
        vg_textrec_excerpt(pid, ex, sizeof(ex));
        vg_textwarn(&st->w, lineno, "client pid \"%s\" is not a number", ex);
    }
    if (path.n == 0)
        vg_textwarn(&st->w, lineno, "client without a path");
    return VG_OK;
}

/* "remaining client pid: <pid> (<path>)". The pid ends at " (" as MVT
 * reads it; the path at the last ')' so a path holding ')' stays whole. */
static int client_line(struct sd *st, struct vg_str t, size_t lineno)
{
    struct vg_str pid, path;
    long close;

    (void)vg_str_eat(&t, CLIENT_MARK);
    vg_str_skip_ws(&t);
    if (!vg_str_until_str(&t, " (", &pid)) {
        vg_textwarn(&st->w, lineno, "client line without \" (path)\"");
        return VG_OK;
    }
    close = vg_str_rfind(t, ')');
    path = t;
    if (close < 0)
        vg_textwarn(&st->w, lineno, "client path without its closing ')' (line cut?)");
    else
        path.n = (size_t)close;
    return add_client(st, vg_str_trim(pid), path, lineno);
}

/* "After 1.26s, these clients are still here:": one more delay step of the
 * open block (MVT sums the seconds). Some logs put a client on the same
 * line; it is read too. */
static int after_line(struct sd *st, struct vg_str line, size_t lineno)
{
    struct vg_str t = line;
    long at = vg_str_find_str(line, CLIENT_MARK);
    double d;

    st->afters = inc32(st->afters);
    (void)vg_str_eat(&t, "After ");
    vg_str_skip_ws(&t);
    if (vg_str_decimal(&t, &d)) {
        vg_str_skip_ws(&t);
        if (vg_str_eat_char(&t, 's'))
            st->delay += d;
        else
            d = -1.0;
    } else {
        d = -1.0;
    }
    if (d < 0)
        vg_textwarn(&st->w, lineno, "\"After\" line without a delay in seconds");
    if (at < 0)
        return VG_OK;
    t.p = line.p + at;
    t.n = line.n - (size_t)at;
    return client_line(st, t, lineno);
}

/* MVT's reading of the time: the number between the first '[' and the
 * first ']', else the ten characters after " @", else none. */
static int sigterm_time(struct vg_str line, int64_t *t)
{
    long lb = vg_str_find(line, '['), rb = vg_str_find(line, ']'), at;
    struct vg_str s;

    if (lb >= 0 && rb > lb) {
        s.p = line.p + lb + 1;
        s.n = (size_t)(rb - lb - 1);
        if (vg_str_to_i64(vg_str_trim(s), t))
            return 1;
    }
    at = vg_str_find_str(line, " @");
    if (at < 0)
        return 0;
    s.p = line.p + at + 2;
    s.n = line.n - (size_t)at - 2;
    if (s.n > 10)
        s.n = 10;
    return vg_str_to_i64(vg_str_trim(s), t);
}

static void drop_open_block(struct sd *st)
{
    struct vg_shutdownlog *log = st->log;

    while (log->nclients > st->block_first) {
        log->nclients--;
        free(log->clients[log->nclients].pid);
        free(log->clients[log->nclients].path);
    }
}

static int close_block(struct sd *st, int64_t t, int has_time, size_t lineno)
{
    struct vg_shutdownlog *log = st->log;
    struct vg_shutdownlog_reboot *rb;
    int rc;

    if (log->nreboots >= VG_MAX_SHUTDOWNLOG_REBOOTS) {
        vg_textwarn(&st->w, lineno, "more than %u reboots, the rest of the file not read",
                    VG_MAX_SHUTDOWNLOG_REBOOTS);
        log->truncated = st->stop = 1;
        drop_open_block(st); /* its clients would have no block */
        return VG_OK;
    }
    rc = grow((void **)&log->reboots, &st->cap_reboots, log->nreboots + 1, sizeof(*rb));
    if (rc != VG_OK)
        return rc;
    rb = &log->reboots[log->nreboots++];
    rb->time = t;
    rb->has_time = has_time;
    rb->notices = st->notices;
    rb->afters = st->afters;
    rb->delay = st->delay;
    rb->line = lineno;
    rb->first = st->block_first;
    rb->count = log->nclients - st->block_first;
    st->block_first = log->nclients;
    st->notices = st->afters = 0;
    st->delay = 0.0;
    return VG_OK;
}

static int sigterm_line(struct sd *st, struct vg_str line, size_t lineno)
{
    int64_t t = 0;
    int ok = sigterm_time(line, &t);

    if (!ok)
        vg_textwarn(&st->w, lineno, "SIGTERM line without a readable time");
    return close_block(st, t, ok, lineno);
}

static int one_line(struct sd *st, struct vg_str raw, size_t lineno)
{
    struct vg_str line = vg_str_trim(raw);

    /* iShutdown counts the phrase wherever it is */
    if (vg_str_find_str(line, STILL_HERE) >= 0)
        st->notices = inc32(st->notices);
    if (vg_str_starts(line, CLIENT_MARK))
        return client_line(st, line, lineno);
    if (vg_str_starts(line, "After "))
        return after_line(st, line, lineno);
    if (vg_str_starts(line, "SIGTERM: "))
        return sigterm_line(st, line, lineno);
    return VG_OK;
}

/* Clients the file ends with have no SIGTERM line: kept, without a time. */
static int close_last(struct sd *st, const char *name, struct vg_diag *diag)
{
    size_t n = st->log->nclients - st->block_first;

    if (n == 0 && st->notices == 0 && st->afters == 0)
        return VG_OK;
    if (n)
        vg_diag_add(diag, VG_DIAG_INFO, AREA,
                    "%s: %zu client line(s) after the last SIGTERM line, kept without a "
                    "reboot time",
                    name, n);
    return close_block(st, 0, 0, 0);
}

int vg_shutdownlog_parse(const void *text, size_t len, const char *name, struct vg_diag *diag,
                         struct vg_shutdownlog **out)
{
    struct vg_shutdownlog *log = NULL;
    struct vg_lines l;
    struct vg_str line;
    struct sd st;
    int rc = VG_E_NOMEM;

    name = name ? name : "shutdown.log";
    if (len > VG_MAX_SHUTDOWNLOG_FILE) {
        vg_diag_add(diag, VG_DIAG_ERROR, AREA, "%s: %zu bytes, more than the %u read", name, len,
                    VG_MAX_SHUTDOWNLOG_FILE);
        return VG_E_LIMIT;
    }
    log = vg_calloc(1, sizeof(*log));
    if (!log)
        goto out;
    memset(&st, 0, sizeof(st));
    st.log = log;
    vg_textwarn_init(&st.w, diag, AREA, name);
    vg_lines_init(&l, text, len, VG_MAX_APPLE_TEXT_LINE);
    while (!st.stop && vg_textrec_line(&l, &line, &st.w)) {
        rc = one_line(&st, line, l.lineno);
        if (rc != VG_OK)
            goto out;
    }
    rc = st.stop ? VG_OK : close_last(&st, name, diag);
    if (rc != VG_OK)
        goto out;
    vg_textwarn_done(&st.w);
    log->warnings = st.w.n;
    *out = log;
    log = NULL;
out:
    vg_shutdownlog_free(log);
    return rc;
}

void vg_shutdownlog_free(struct vg_shutdownlog *log)
{
    size_t i;

    if (!log)
        return;
    for (i = 0; i < log->nclients; i++) {
        free(log->clients[i].pid);
        free(log->clients[i].path);
    }
    free(log->clients);
    free(log->reboots);
    free(log);
}

/* ---- records */

/* convert_mactime_to_iso(t, from_2001=False): 0 is no time, and an 18-digit
 * value keeps its first 9 digits (MVT's rule for nanoseconds). */
static void mvt_isodate(const struct vg_shutdownlog_reboot *rb, char *buf)
{
    char digits[24];
    int64_t t = rb->time;

    buf[0] = '\0';
    if (!rb->has_time || t == 0)
        return;
    if (vg_snprintf(digits, sizeof(digits), "%lld", (long long)t) == VG_OK &&
        strlen(digits) == 18) {
        digits[9] = '\0';
        if (vg_parse_i64(digits, &t) != VG_OK)
            return;
    }
    (void)vg_isodate(t, 0, buf); /* "" when out of range, as MVT's except */
}

static json_t *client_record(const struct vg_shutdownlog *log,
                             const struct vg_shutdownlog_client *c)
{
    char iso[VG_ISODATE_LEN + 1];
    json_t *o = json_object();
    struct vg_str pid = {c->pid, c->pid_len}, path = {c->path, c->path_len};

    mvt_isodate(&log->reboots[c->reboot], iso);
    if (!o || vg_textrec_set(o, "isodate", json_string(iso)) != VG_OK ||
        vg_textrec_set(o, "pid", vg_textrec_str(pid)) != VG_OK ||
        vg_textrec_set(o, "client", vg_textrec_str(path)) != VG_OK ||
        vg_textrec_set(o, "delay", json_real(c->delay)) != VG_OK ||
        vg_textrec_set(o, "times_delayed", json_integer(c->times_delayed)) != VG_OK) {
        json_decref(o);
        return NULL;
    }
    return o;
}

int vg_shutdownlog_records(const struct vg_shutdownlog *log, json_t *records)
{
    size_t i;

    if (!log || !json_is_array(records))
        return VG_E_INVAL;
    for (i = 0; i < log->nclients; i++) {
        json_t *o = client_record(log, &log->clients[i]);
        if (!o || json_array_append_new(records, o) != 0)
            return VG_E_NOMEM;
    }
    return VG_OK;
}

struct sort_item {
    json_t *v;
    const char *key;
    size_t idx;
};

static int sort_cmp(const void *a, const void *b)
{
    const struct sort_item *x = a, *y = b;
    int c = strcmp(x->key, y->key);

    if (c)
        return c;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

int vg_shutdownlog_sort(json_t *records)
{
    struct sort_item *items;
    size_t n, i;
    int rc = VG_OK;

    if (!json_is_array(records))
        return VG_E_INVAL;
    n = json_array_size(records);
    if (n < 2)
        return VG_OK;
    items = vg_calloc(n, sizeof(*items));
    if (!items)
        return VG_E_NOMEM;
    for (i = 0; i < n; i++) {
        const char *k = json_string_value(json_object_get(json_array_get(records, i), "isodate"));
        items[i].v = json_incref(json_array_get(records, i));
        items[i].key = k ? k : "";
        items[i].idx = i;
    }
    qsort(items, n, sizeof(*items), sort_cmp);
    json_array_clear(records);
    for (i = 0; i < n; i++) {
        if (rc == VG_OK && json_array_append_new(records, items[i].v) != 0)
            rc = VG_E_NOMEM;
        else if (rc != VG_OK)
            json_decref(items[i].v);
    }
    free(items);
    return rc;
}

/* ---- heuristics */

/* iShutdown_detect.py checks /private/var/db/ and /private/var/tmp/; /var
 * is a link to /private/var on iOS, so the short spelling is the same place. */
static const char *const ishutdown_dirs[] = {
    "/private/var/db/",
    "/private/var/tmp/",
    "/var/db/",
    "/var/tmp/",
};

const struct vg_shutdownlog_rules vg_shutdownlog_ishutdown = {
    ishutdown_dirs,
    VG_ARRAY_LEN(ishutdown_dirs),
    3, /* iShutdown_detect.py: find_anomalies_before_sigterm(threshold=3) */
    3,
};

const char *vg_shutdownlog_unusual_dir(const struct vg_shutdownlog_rules *rules, struct vg_str exec)
{
    size_t i;

    for (i = 0; i < rules->n_unusual_dirs; i++)
        if (vg_str_starts(exec, rules->unusual_dirs[i]))
            return rules->unusual_dirs[i];
    return NULL;
}

int vg_shutdownlog_many_delays(const struct vg_shutdownlog_rules *rules,
                               const struct vg_shutdownlog_reboot *rb)
{
    return rb->notices >= rules->many_notices;
}

struct exec_item {
    struct vg_str exec;
    size_t reboot, client;
};

static int exec_cmp(const void *a, const void *b)
{
    const struct exec_item *x = a, *y = b;
    size_t n = x->exec.n < y->exec.n ? x->exec.n : y->exec.n;
    int c = n ? memcmp(x->exec.p, y->exec.p, n) : 0;

    if (c)
        return c;
    if (x->exec.n != y->exec.n)
        return x->exec.n < y->exec.n ? -1 : 1;
    if (x->reboot != y->reboot)
        return x->reboot < y->reboot ? -1 : 1;
    return x->client < y->client ? -1 : x->client > y->client;
}

static int same_exec(const struct exec_item *a, const struct exec_item *b)
{
    return a->exec.n == b->exec.n && (a->exec.n == 0 || !memcmp(a->exec.p, b->exec.p, a->exec.n));
}

int vg_shutdownlog_sticky(const struct vg_shutdownlog *log,
                          const struct vg_shutdownlog_rules *rules,
                          struct vg_shutdownlog_sticky **out, size_t *n)
{
    struct exec_item *items = NULL;
    struct vg_shutdownlog_sticky *res = NULL;
    size_t i, j, nres = 0, want = rules->sticky_reboots ? rules->sticky_reboots : 1;

    *out = NULL;
    *n = 0;
    if (log->nclients == 0)
        return VG_OK;
    items = vg_calloc(log->nclients, sizeof(*items));
    res = vg_calloc(log->nclients, sizeof(*res));
    if (!items || !res) {
        free(items);
        free(res);
        return VG_E_NOMEM;
    }
    for (i = 0; i < log->nclients; i++) {
        const struct vg_shutdownlog_client *c = &log->clients[i];
        items[i].exec.p = c->path;
        items[i].exec.n = c->exec_len;
        items[i].reboot = c->reboot;
        items[i].client = i;
    }
    qsort(items, log->nclients, sizeof(*items), exec_cmp);
    for (i = 0; i < log->nclients; i = j) {
        size_t distinct = 1;
        for (j = i + 1; j < log->nclients && same_exec(&items[i], &items[j]); j++)
            distinct += items[j].reboot != items[j - 1].reboot;
        if (distinct >= want) {
            res[nres].exec = items[i].exec;
            res[nres].reboots = distinct;
            res[nres].first_client = items[i].client;
            nres++;
        }
    }
    free(items);
    if (nres == 0) {
        free(res);
        return VG_OK;
    }
    *out = res;
    *n = nres;
    return VG_OK;
}
