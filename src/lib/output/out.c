/*
 * The -o folder. Every file is written under a temporary name in the same
 * folder and renamed into place once complete and synced, so a reader (or a
 * crash) never sees half a file under a real name. Big files stream through
 * a buffered FILE* with every write checked; nothing is built whole in
 * memory. Layout and byte details: docs/output.md.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "output/json.h"
#include "output/output.h"
#include "scan/record.h"

#define WHERE "output"

struct vg_out {
    char *dir;
    struct vg_diag *diag;
    int device_local; /* timeline times are the device's wall clock */
};

/* ---- the folder ---- */

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int mkdir_one(const char *path, struct vg_diag *diag)
{
    if (mkdir(path, 0700) == 0)
        return VG_OK;
    if (errno == EEXIST) {
        if (is_dir(path))
            return VG_OK;
        vg_diag_add(diag, VG_DIAG_ERROR, WHERE, "%s exists and is not a folder", path);
        return VG_E_EXISTS;
    }
    vg_diag_add(diag, VG_DIAG_ERROR, WHERE, "cannot create folder %s: %s", path, strerror(errno));
    return VG_E_IO;
}

/* mkdir -p, each new folder 0700: results name people and their contacts. */
static int mkdir_parents(const char *dir, struct vg_diag *diag)
{
    char *p = vg_strdup(dir);
    size_t i, n;
    int rc = VG_OK;

    if (!p)
        return VG_E_NOMEM;
    n = strlen(p);
    while (n > 1 && p[n - 1] == '/')
        p[--n] = '\0';
    for (i = 1; i < n && rc == VG_OK; i++) {
        if (p[i] != '/' || p[i - 1] == '/')
            continue;
        p[i] = '\0';
        rc = mkdir_one(p, diag);
        p[i] = '/';
    }
    if (rc == VG_OK)
        rc = mkdir_one(p, diag);
    free(p);
    return rc;
}

int vg_out_new(const char *dir, struct vg_diag *diag, struct vg_out **out)
{
    struct vg_out *o;
    struct stat st;
    int rc;

    if (!dir || !*dir) {
        vg_diag_add(diag, VG_DIAG_ERROR, WHERE, "empty output folder name");
        return VG_E_INVAL;
    }
    if (stat(dir, &st) == 0) {
        if (!S_ISDIR(st.st_mode)) {
            vg_diag_add(diag, VG_DIAG_ERROR, WHERE,
                        "%s exists and is not a folder: give a folder for the results", dir);
            return VG_E_EXISTS;
        }
    } else if (errno == ENOENT) {
        rc = mkdir_parents(dir, diag);
        if (rc != VG_OK)
            return rc;
    } else {
        vg_diag_add(diag, VG_DIAG_ERROR, WHERE, "cannot use %s: %s", dir, strerror(errno));
        return VG_E_IO;
    }
    o = calloc(1, sizeof(*o));
    if (!o || !(o->dir = vg_strdup(dir))) {
        free(o);
        return VG_E_NOMEM;
    }
    o->diag = diag;
    *out = o;
    return VG_OK;
}

/* ---- results of an earlier run ---- */

static const char *const fixed_names[] = {
    "info.json",           "alerts.json", "timeline.csv", "timeline.jsonl",
    "alerts_timeline.csv", "command.log", "report.html",
};

/* 1 when name is one of the files vigie writes: the fixed ones, or
 * <module>.json, <module>_detected.json, <module>_recovered.json. */
static int own_name(const char *name, const char *const *modules, size_t n)
{
    static const char *const suffixes[] = {".json", "_detected.json", "_recovered.json"};
    size_t i, j, k;

    for (i = 0; i < VG_ARRAY_LEN(fixed_names); i++)
        if (strcmp(name, fixed_names[i]) == 0)
            return 1;
    if (strncmp(name, ".vigie-timeline-", 16) == 0)
        return 1;
    for (i = 0; i < n; i++) {
        k = strlen(modules[i]);
        if (strncmp(name, modules[i], k) != 0)
            continue;
        for (j = 0; j < VG_ARRAY_LEN(suffixes); j++)
            if (strcmp(name + k, suffixes[j]) == 0)
                return 1;
    }
    return 0;
}

int vg_out_claim(struct vg_out *o, const char *const *modules, size_t n, int force)
{
    DIR *d = opendir(o->dir);
    struct dirent *e;
    char found[512];
    size_t count = 0, len = 0;
    int rc = VG_OK;

    if (!d)
        return VG_OK; /* writing will say what is wrong */
    found[0] = '\0';
    while ((e = readdir(d)) != NULL) {
        struct stat st;
        char *path;
        if (!own_name(e->d_name, modules, n))
            continue;
        path = vg_asprintf("%s/%s", o->dir, e->d_name);
        if (!path) {
            rc = VG_E_NOMEM;
            break;
        }
        if (lstat(path, &st) == 0 && S_ISREG(st.st_mode)) {
            if (force && unlink(path) != 0)
                rc = VG_E_IO;
            if (count++ < 4 && len + strlen(e->d_name) + 3 < sizeof(found)) {
                len += (size_t)snprintf(found + len, sizeof(found) - len, "%s%s",
                                        count > 1 ? ", " : "", e->d_name);
            }
        }
        free(path);
    }
    closedir(d);
    if (rc == VG_OK && count && !force) {
        vg_diag_add(o->diag, VG_DIAG_ERROR, WHERE,
                    "%s already holds the results of a run (%s%s): give an empty folder, or "
                    "--force to replace them",
                    o->dir, found, count > 4 ? ", ..." : "");
        return VG_E_EXISTS;
    }
    if (rc == VG_OK && count)
        vg_diag_add(o->diag, VG_DIAG_INFO, WHERE,
                    "%s: %zu files of an earlier run removed (--force)", o->dir, count);
    return rc;
}

void vg_out_free(struct vg_out *o)
{
    if (!o)
        return;
    free(o->dir);
    free(o);
}

const char *vg_out_dir(const struct vg_out *o)
{
    return o->dir;
}

struct vg_diag *vg_out_diag(const struct vg_out *o)
{
    return o->diag;
}

/* ---- one file, atomically ---- */

struct wfile {
    FILE *f;
    char *tmp;  /* <dir>/.<name>.XXXXXX */
    char *path; /* <dir>/<name> */
    struct vg_sink sink;
};

static int name_ok(const char *name)
{
    size_t i, n = name ? strlen(name) : 0;

    if (n == 0 || n > VG_OUT_MAX_NAME || name[0] == '.')
        return 0;
    for (i = 0; i < n; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '.'))
            return 0;
    }
    return 1;
}

/* Diagnostics are one line: a refused name is quoted only if printable. */
static int refuse_name(struct vg_out *o, const char *what, const char *name)
{
    const char *p = name;

    while (p && *p >= 0x20 && *p < 0x7F)
        p++;
    if (!name || *p)
        vg_diag_add(o->diag, VG_DIAG_ERROR, WHERE, "refusing %s: missing, or not printable ASCII",
                    what);
    else
        vg_diag_add(o->diag, VG_DIAG_ERROR, WHERE, "refusing %s \"%.80s\"", what, name);
    return VG_E_INVAL;
}

static int check_name(struct vg_out *o, const char *name)
{
    return name_ok(name) ? VG_OK : refuse_name(o, "output file name", name);
}

static void wfile_free(struct wfile *w)
{
    free(w->tmp);
    free(w->path);
    free(w->sink.wb);
    w->tmp = w->path = w->sink.wb = NULL;
}

static int wfile_open(struct vg_out *o, const char *name, struct wfile *w)
{
    int fd, rc = check_name(o, name);

    memset(w, 0, sizeof(*w));
    if (rc != VG_OK)
        return rc;
    w->path = vg_asprintf("%s/%s", o->dir, name);
    w->tmp = vg_asprintf("%s/.%s.XXXXXX", o->dir, name);
    w->sink.wb = vg_malloc(VG_SINK_BUF);
    if (!w->path || !w->tmp || !w->sink.wb) {
        wfile_free(w);
        return VG_E_NOMEM;
    }
    fd = mkstemp(w->tmp); /* 0600: the folder holds private data */
    if (fd < 0 || !(w->f = fdopen(fd, "wb"))) {
        vg_diag_add(o->diag, VG_DIAG_ERROR, WHERE, "cannot create a file in %s: %s", o->dir,
                    strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(w->tmp);
        }
        wfile_free(w);
        return VG_E_IO;
    }
    w->sink.f = w->f;
    return VG_OK;
}

static void wfile_abort(struct wfile *w)
{
    if (w->f) {
        fclose(w->f);
        unlink(w->tmp);
    }
    w->f = NULL;
    wfile_free(w);
}

/* rc: what the caller's emitting returned. Commits only a complete file. */
static int wfile_close(struct vg_out *o, struct wfile *w, int rc)
{
    int err = 0;

    if (rc == VG_OK) {
        rc = vg_sink_flush(&w->sink);
        err = w->sink.syserr;
    }
    if (rc == VG_OK && (fflush(w->f) != 0 || fsync(fileno(w->f)) != 0)) {
        err = errno;
        rc = VG_E_IO;
    }
    if (fclose(w->f) != 0 && rc == VG_OK) {
        err = errno;
        rc = VG_E_IO;
    }
    w->f = NULL;
    if (rc == VG_OK && rename(w->tmp, w->path) != 0) {
        err = errno;
        rc = VG_E_IO;
    }
    if (rc != VG_OK) {
        unlink(w->tmp);
        vg_diag_add(o->diag, VG_DIAG_ERROR, WHERE, "cannot write %s: %s", w->path,
                    err ? strerror(err) : vg_strerror(rc));
    }
    wfile_free(w);
    return rc;
}

/* A file this run has nothing for: a copy from an earlier run must go, or
 * the folder would show that run's results as this one's. */
static int remove_stale(struct vg_out *o, const char *name)
{
    char *path;
    int rc = check_name(o, name);

    if (rc != VG_OK)
        return rc;
    path = vg_asprintf("%s/%s", o->dir, name);
    if (!path)
        return VG_E_NOMEM;
    if (unlink(path) != 0 && errno != ENOENT) {
        vg_diag_add(o->diag, VG_DIAG_ERROR, WHERE, "cannot remove stale %s: %s", path,
                    strerror(errno));
        rc = VG_E_IO;
    }
    free(path);
    return rc;
}

int vg_out_write_file(struct vg_out *o, const char *name, const void *data, size_t len)
{
    struct wfile w;
    int rc = wfile_open(o, name, &w);

    if (rc != VG_OK)
        return rc;
    vg_sink_put(&w.sink, data, len);
    return wfile_close(o, &w, VG_OK);
}

/* ---- a file written by the caller, streamed ---- */

struct vg_out_stream {
    struct vg_out *o;
    struct wfile w;
};

int vg_out_stream_open(struct vg_out *o, const char *name, struct vg_out_stream **out)
{
    struct vg_out_stream *s = calloc(1, sizeof(*s));
    int rc;

    if (!s)
        return VG_E_NOMEM;
    s->o = o;
    rc = wfile_open(o, name, &s->w);
    if (rc != VG_OK) {
        free(s);
        return rc;
    }
    *out = s;
    return VG_OK;
}

struct vg_sink *vg_out_stream_sink(struct vg_out_stream *s)
{
    return &s->w.sink;
}

int vg_out_stream_commit(struct vg_out_stream *s, int rc)
{
    if (!s)
        return VG_E_INVAL;
    rc = wfile_close(s->o, &s->w, rc);
    free(s);
    return rc;
}

void vg_out_stream_abort(struct vg_out_stream *s)
{
    if (!s)
        return;
    wfile_abort(&s->w);
    free(s);
}

/* ---- JSON files ---- */

static int is_empty(const json_t *v)
{
    return !v || json_is_null(v) || (json_is_array(v) && json_array_size(v) == 0) ||
           (json_is_object(v) && json_object_size(v) == 0);
}

static int write_json(struct vg_out *o, const char *name, const json_t *v)
{
    struct wfile w;
    int rc = wfile_open(o, name, &w);

    if (rc != VG_OK)
        return rc;
    return wfile_close(o, &w, vg_json_emit(&w.sink, v, 0));
}

/* MVT writes nothing for an empty result: neither do we (see remove_stale). */
static int write_json_or_remove(struct vg_out *o, const char *name, const json_t *v)
{
    if (is_empty(v))
        return remove_stale(o, name);
    return write_json(o, name, v);
}

struct vg_out_records {
    struct vg_out *o;
    struct wfile w;
    char name[VG_OUT_MAX_NAME + 1];
    size_t n;
    int rc; /* first failure, already reported */
};

static int json_name(struct vg_out *o, const char *base, const char *suffix, char *buf)
{
    if (!base || vg_snprintf(buf, VG_OUT_MAX_NAME + 1, "%s%s.json", base, suffix) != VG_OK)
        return refuse_name(o, "module name", base);
    return check_name(o, buf);
}

int vg_out_records_begin(struct vg_out *o, const char *name, struct vg_out_records **out)
{
    struct vg_out_records *r = calloc(1, sizeof(*r));
    int rc;

    if (!r)
        return VG_E_NOMEM;
    r->o = o;
    rc = json_name(o, name, "", r->name);
    if (rc == VG_OK)
        rc = wfile_open(o, r->name, &r->w);
    if (rc != VG_OK) {
        free(r);
        return rc;
    }
    vg_sink_put(&r->w.sink, "[", 1);
    *out = r;
    return VG_OK;
}

int vg_out_records_add(struct vg_out_records *r, const json_t *record)
{
    if (!r)
        return VG_E_INVAL;
    if (r->rc != VG_OK)
        return r->rc;
    /* the bytes emit_array writes before element n at level 1 */
    if (r->n > 0)
        vg_sink_put(&r->w.sink, ",", 1);
    vg_sink_put(&r->w.sink, "\n    ", 5);
    r->n++;
    r->rc = vg_json_emit(&r->w.sink, record, 1);
    if (r->rc != VG_OK)
        vg_diag_add(r->o->diag, VG_DIAG_ERROR, WHERE, "cannot write %s in %s: %s", r->name,
                    r->o->dir, r->w.sink.syserr ? strerror(r->w.sink.syserr) : vg_strerror(r->rc));
    return r->rc;
}

int vg_out_records_add_rec(struct vg_out_records *r, const struct vg_rec *rec)
{
    if (!r)
        return VG_E_INVAL;
    if (r->rc != VG_OK)
        return r->rc;
    if (r->n > 0)
        vg_sink_put(&r->w.sink, ",", 1);
    vg_sink_put(&r->w.sink, "\n    ", 5);
    r->n++;
    vg_rec_write_json(&r->w.sink, rec);
    r->rc = r->w.sink.err;
    if (r->rc != VG_OK)
        vg_diag_add(r->o->diag, VG_DIAG_ERROR, WHERE, "cannot write %s in %s: %s", r->name,
                    r->o->dir, r->w.sink.syserr ? strerror(r->w.sink.syserr) : vg_strerror(r->rc));
    return r->rc;
}

void vg_out_records_abort(struct vg_out_records *r)
{
    if (!r)
        return;
    wfile_abort(&r->w);
    free(r);
}

int vg_out_records_end(struct vg_out_records *r)
{
    int rc;

    if (!r)
        return VG_E_INVAL;
    rc = r->rc;
    if (rc != VG_OK) {
        wfile_abort(&r->w);
    } else if (r->n == 0) {
        wfile_abort(&r->w);
        rc = remove_stale(r->o, r->name);
    } else {
        vg_sink_put(&r->w.sink, "\n]", 2);
        rc = wfile_close(r->o, &r->w, VG_OK);
    }
    free(r);
    return rc;
}

static int write_records(struct vg_out *o, const char *name, const json_t *records)
{
    struct vg_out_records *r = NULL;
    size_t i;
    int rc;

    rc = vg_out_records_begin(o, name, &r);
    if (rc != VG_OK)
        return rc;
    for (i = 0; i < json_array_size(records); i++) {
        rc = vg_out_records_add(r, json_array_get(records, i));
        if (rc != VG_OK)
            break;
    }
    return vg_out_records_end(r);
}

int vg_out_module(struct vg_out *o, const char *name, const json_t *records, const json_t *alerts)
{
    char fn[VG_OUT_MAX_NAME + 1], dn[VG_OUT_MAX_NAME + 1];
    int rc;

    rc = json_name(o, name, "", fn);
    if (rc == VG_OK)
        rc = json_name(o, name, "_detected", dn);
    if (rc != VG_OK)
        return rc;
    if (is_empty(records))
        rc = remove_stale(o, fn);
    else if (json_is_array(records))
        rc = write_records(o, name, records); /* one element at a time */
    else
        rc = write_json(o, fn, records); /* MVT modules may keep a dict */
    if (rc != VG_OK)
        return rc;
    return write_json_or_remove(o, dn, alerts);
}

int vg_out_detected(struct vg_out *o, const char *name, const json_t *alerts)
{
    char dn[VG_OUT_MAX_NAME + 1];
    int rc = json_name(o, name, "_detected", dn);
    if (rc != VG_OK)
        return rc;
    return write_json_or_remove(o, dn, alerts);
}

int vg_out_alerts(struct vg_out *o, const json_t *alerts)
{
    return write_json_or_remove(o, "alerts.json", alerts);
}

int vg_out_info(struct vg_out *o, const json_t *info)
{
    if (!info)
        return VG_E_INVAL;
    return write_json(o, "info.json", info);
}

/* ---- timelines ---- */

static const char csv_header[] = "\"UTC Timestamp\",\"Plugin\",\"Event\",\"Description\"\r\n";
static const char csv_header_local[] =
    "\"Device Local Timestamp\",\"Plugin\",\"Event\",\"Description\"\r\n";

void vg_out_set_device_time(struct vg_out *o, int device_local)
{
    o->device_local = device_local;
}

/* Python's csv.QUOTE_ALL: every field quoted, quotes doubled, line breaks
 * kept inside the quotes. */
/* A field that comes from evidence (the description) can never be read as
 * a formula by a spreadsheet: one that starts like one (= + - @, or a tab
 * or CR before them) gets a leading apostrophe, as OWASP advises. The text
 * is otherwise kept. vigie's own columns (time, module, event) never start
 * so but for the MACB letters ("--C-"), which stay MVT's. */
static int formula_like(const char *p)
{
    return *p == '=' || *p == '+' || *p == '-' || *p == '@' || *p == '\t' || *p == '\r';
}

static void csv_field(struct vg_sink *s, const char *p, int last)
{
    const char *q;

    vg_sink_put(s, "\"", 1);
    if (last && formula_like(p))
        vg_sink_put(s, "'", 1);
    while ((q = strchr(p, '"')) != NULL) {
        vg_sink_utf8(s, p, (size_t)(q - p + 1));
        vg_sink_put(s, "\"", 1);
        p = q + 1;
    }
    vg_sink_utf8(s, p, strlen(p));
    vg_sink_put(s, last ? "\"\r\n" : "\",", last ? 3 : 2);
}

static void csv_row(struct vg_sink *s, const struct vg_timeline_event *ev)
{
    csv_field(s, ev->timestamp, 0);
    csv_field(s, ev->plugin, 0);
    csv_field(s, ev->event, 0);
    csv_field(s, ev->description, 1);
}

static int days_in_month(int64_t y, int m)
{
    static const int d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d[m - 1] + (m == 2 && leap);
}

/* Days since 1970-01-01 (proleptic Gregorian; H. Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* n digits at *p as a number; -1 when they are not all digits. */
static int64_t take_digits(const char **p, int n)
{
    int64_t v = 0;

    for (; n > 0; n--, (*p)++) {
        if (**p < '0' || **p > '9')
            return -1;
        v = v * 10 + (**p - '0');
    }
    return v;
}

static int take_sep(const char **p, char c)
{
    if (**p != c)
        return 0;
    (*p)++;
    return 1;
}

struct tstamp {
    int64_t y, mo, d, h, mi, s, us;
};

/* "YYYY-MM-DD HH:MM:SS[.ffffff]" (vg_isodate, MVT), 'T' accepted for the
 * space and "Z" or "+00:00" at the end; anything else is not a time. */
static int tstamp_parse(const char *p, struct tstamp *t)
{
    int nf = 0;

    t->y = take_digits(&p, 4);
    if (t->y < 1 || !take_sep(&p, '-') || (t->mo = take_digits(&p, 2)) < 1 || t->mo > 12 ||
        !take_sep(&p, '-') || (t->d = take_digits(&p, 2)) < 1 ||
        t->d > days_in_month(t->y, (int)t->mo) || !(take_sep(&p, ' ') || take_sep(&p, 'T')) ||
        (t->h = take_digits(&p, 2)) < 0 || t->h > 23 || !take_sep(&p, ':') ||
        (t->mi = take_digits(&p, 2)) < 0 || t->mi > 59 || !take_sep(&p, ':') ||
        (t->s = take_digits(&p, 2)) < 0 || t->s > 59)
        return 0;
    t->us = 0;
    if (take_sep(&p, '.')) {
        for (; *p >= '0' && *p <= '9' && nf < 6; p++, nf++)
            t->us = t->us * 10 + (*p - '0');
        if (nf == 0)
            return 0;
        for (; nf < 6; nf++)
            t->us *= 10;
    }
    return *p == '\0' || strcmp(p, "Z") == 0 || strcmp(p, "+00:00") == 0;
}

static void jsonl_field(struct vg_sink *s, const char *key, const char *val)
{
    vg_sink_puts(s, key);
    vg_json_emit_str(s, val, strlen(val));
}

/* Timesketch's required fields first, then ours. Python json.dumps's
 * default separators, so Python users see what they would have written. */
static int jsonl_line(struct vg_sink *s, const struct vg_timeline_event *ev)
{
    struct tstamp t;
    char buf[96];
    int64_t us;

    if (!tstamp_parse(ev->timestamp, &t))
        return 0;
    us = ((days_from_civil(t.y, (int)t.mo, (int)t.d) * 86400 + t.h * 3600 + t.mi * 60 + t.s) *
          1000000) +
         t.us;
    (void)vg_snprintf(buf, sizeof(buf),
                      "{\"datetime\": \"%04lld-%02lld-%02lldT%02lld:%02lld:%02lld.%06lld+00:00\", "
                      "\"timestamp\": %lld",
                      (long long)t.y, (long long)t.mo, (long long)t.d, (long long)t.h,
                      (long long)t.mi, (long long)t.s, (long long)t.us, (long long)us);
    vg_sink_puts(s, buf);
    jsonl_field(s, ", \"timestamp_desc\": ", ev->event);
    jsonl_field(s, ", \"message\": ", ev->description);
    jsonl_field(s, ", \"module\": ", ev->module);
    jsonl_field(s, ", \"plugin\": ", ev->plugin);
    if (ev->tag && *ev->tag) {
        /* an alert was raised on this event's record: filterable in Timesketch */
        const char *tab = strchr(ev->tag, '\t');
        char level[16];
        size_t n = tab ? (size_t)(tab - ev->tag) : strlen(ev->tag);
        if (n < sizeof(level)) {
            memcpy(level, ev->tag, n);
            level[n] = '\0';
            jsonl_field(s, ", \"alert_level\": ", level);
        }
        if (tab && tab[1])
            jsonl_field(s, ", \"indicator\": ", tab + 1);
    }
    vg_sink_put(s, "}\n", 2);
    return 1;
}

/* Writes tl in timeline order to csv_name and, unless jsonl_name is NULL,
 * to jsonl_name in the same pass (the merge of spilled runs is read once);
 * *skipped counts events JSONL had to leave out. Each file is committed only
 * when complete. */
static int write_timeline(struct vg_out *o, const char *csv_name, const char *jsonl_name,
                          const struct vg_timeline *tl, size_t *skipped)
{
    struct vg_timeline_iter *it = NULL;
    struct vg_timeline_event ev;
    struct wfile csv, jl;
    int rc, got = 0;

    *skipped = 0;
    rc = vg_timeline_iter_new(tl, &it);
    if (rc != VG_OK)
        return rc;
    rc = wfile_open(o, csv_name, &csv);
    if (rc == VG_OK && jsonl_name && (rc = wfile_open(o, jsonl_name, &jl)) != VG_OK)
        wfile_abort(&csv);
    if (rc != VG_OK) {
        vg_timeline_iter_free(it);
        return rc;
    }
    if (o->device_local)
        vg_sink_put(&csv.sink, csv_header_local, sizeof(csv_header_local) - 1);
    else
        vg_sink_put(&csv.sink, csv_header, sizeof(csv_header) - 1);
    while (!csv.sink.err && !(jsonl_name && jl.sink.err) &&
           (got = vg_timeline_iter_next(it, &ev)) > 0) {
        csv_row(&csv.sink, &ev);
        if (jsonl_name && !jsonl_line(&jl.sink, &ev))
            (*skipped)++;
    }
    vg_timeline_iter_free(it);
    if (jsonl_name && (got < 0 || jl.sink.err)) {
        /* the CSV is as incomplete as the JSONL: neither is committed */
        rc = got < 0 ? wfile_close(o, &csv, got) : wfile_close(o, &jl, VG_OK);
        wfile_abort(got < 0 ? &jl : &csv);
        return rc;
    }
    rc = wfile_close(o, &csv, got < 0 ? got : VG_OK);
    if (jsonl_name && rc == VG_OK)
        rc = wfile_close(o, &jl, VG_OK);
    else if (jsonl_name)
        wfile_abort(&jl);
    return rc;
}

int vg_out_timeline(struct vg_out *o, const struct vg_timeline *tl)
{
    size_t skipped;
    int rc;

    if (vg_timeline_count(tl) == 0) {
        rc = remove_stale(o, "timeline.csv");
        return rc != VG_OK ? rc : remove_stale(o, "timeline.jsonl");
    }
    rc = write_timeline(o, "timeline.csv", "timeline.jsonl", tl, &skipped);
    if (rc == VG_OK && skipped > 0)
        vg_diag_add(o->diag, VG_DIAG_INFO, WHERE,
                    "timeline.jsonl: %zu of %zu events left out for want of a timestamp "
                    "(Timesketch needs one); timeline.csv has them all",
                    skipped, vg_timeline_count(tl));
    return rc;
}

int vg_out_alerts_timeline(struct vg_out *o, const struct vg_timeline *alerts_tl)
{
    size_t skipped;

    return write_timeline(o, "alerts_timeline.csv", NULL, alerts_tl, &skipped);
}

/* ---- command.log ---- */

/* One line whatever the text holds: controls and DEL as \xHH, backslash
 * doubled, invalid UTF-8 as U+FFFD. */
static void log_line(struct vg_sink *s, const char *label, const char *text)
{
    const unsigned char *u = (const unsigned char *)text;
    size_t i = 0, run = 0;
    char esc[8];

    vg_sink_puts(s, label);
    for (; u[i]; i++) {
        if (u[i] >= 0x20 && u[i] != 0x7F && u[i] != '\\')
            continue;
        vg_sink_utf8(s, text + run, i - run);
        if (u[i] == '\\')
            vg_sink_put(s, "\\\\", 2);
        else {
            (void)vg_snprintf(esc, sizeof(esc), "\\x%02x", u[i]);
            vg_sink_puts(s, esc);
        }
        run = i + 1;
    }
    vg_sink_utf8(s, text + run, i - run);
    vg_sink_put(s, "\n", 1);
}

int vg_out_command_log(struct vg_out *o, const char *command_line, const char *date)
{
    struct wfile w;
    int rc = wfile_open(o, "command.log", &w);

    if (rc != VG_OK)
        return rc;
    log_line(&w.sink, "command: ", command_line ? command_line : "");
    log_line(&w.sink, "date: ", date ? date : "");
    return wfile_close(o, &w, VG_OK);
}

/* ---- alerts_context.csv: the minutes around each alert ---- */

/* "YYYY-MM-DD HH:MM:SS[.ffffff]" to microseconds since 1970; 0 when it is
 * not such a time. */
static int parse_time_us(const char *s, int64_t *out)
{
    int v[6] = {0}, i, k = 0;
    static const int width[6] = {4, 2, 2, 2, 2, 2};
    static const char after[6] = {'-', '-', ' ', ':', ':', '\0'};
    int64_t us = 0, scale = 100000;

    for (i = 0; i < 6; i++) {
        int w;
        for (w = 0; w < width[i]; w++, k++) {
            if (s[k] < '0' || s[k] > '9')
                return 0;
            v[i] = v[i] * 10 + (s[k] - '0');
        }
        if (after[i] && s[k++] != after[i])
            return 0;
    }
    if (v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 || v[3] > 23 || v[4] > 59 || v[5] > 60)
        return 0;
    if (s[k] == '.')
        for (k++; s[k] >= '0' && s[k] <= '9' && scale > 0; k++, scale /= 10)
            us += (s[k] - '0') * scale;
    *out = (vg_days_from_civil(v[0], (unsigned)v[1], (unsigned)v[2]) * 86400 + v[3] * 3600 +
            v[4] * 60 + v[5]) *
               1000000 +
           us;
    return 1;
}

struct ctx_event {
    int64_t t;
    char *s; /* timestamp\0plugin\0event\0description\0 */
    size_t plugin, event, desc;
};

struct ctx_ring {
    struct ctx_event *v;
    size_t head, n, cap;
    size_t dropped; /* events of the window left out (the cap) */
};

static void ctx_event_free(struct ctx_event *e)
{
    free(e->s);
    e->s = NULL;
}

static int ctx_event_set(struct ctx_event *e, int64_t t, const struct vg_timeline_event *ev)
{
    size_t a = strlen(ev->timestamp), b = strlen(ev->plugin), c = strlen(ev->event),
           d = strlen(ev->description);

    if (d > VG_REPORT_CTX_TEXT)
        d = VG_REPORT_CTX_TEXT;
    while (d > 0 && d < strlen(ev->description) &&
           ((unsigned char)ev->description[d] & 0xc0) == 0x80)
        d--; /* cut on a character boundary */
    e->s = vg_malloc(a + b + c + d + 4);
    if (!e->s)
        return VG_E_NOMEM;
    e->t = t;
    memcpy(e->s, ev->timestamp, a + 1);
    e->plugin = a + 1;
    memcpy(e->s + e->plugin, ev->plugin, b + 1);
    e->event = e->plugin + b + 1;
    memcpy(e->s + e->event, ev->event, c + 1);
    e->desc = e->event + c + 1;
    memcpy(e->s + e->desc, ev->description, d);
    e->s[e->desc + d] = '\0';
    return VG_OK;
}

static void ring_pop(struct ctx_ring *r)
{
    ctx_event_free(&r->v[r->head]);
    r->head = (r->head + 1) % r->cap;
    r->n--;
}

static void ctx_offset(char *buf, size_t cap, int64_t d)
{
    uint64_t a = d < 0 ? (uint64_t)(-(d + 1)) + 1 : (uint64_t)d;
    (void)vg_snprintf(buf, cap, "%s%llu.%06llu", d < 0 ? "-" : "+",
                      (unsigned long long)(a / 1000000), (unsigned long long)(a % 1000000));
}

static const char ctx_header[] =
    "\"Alert\",\"Offset (s)\",\"UTC Timestamp\",\"Plugin\",\"Event\",\"Description\"\r\n";
static const char ctx_header_local[] =
    "\"Alert\",\"Offset (s)\",\"Device Local Timestamp\",\"Plugin\",\"Event\",\"Description\"\r\n";

static void ctx_alert_rows(struct vg_sink *s, size_t n, const struct ctx_event *a,
                           const struct ctx_ring *r)
{
    char num[32], off[48];
    size_t i;

    (void)vg_snprintf(num, sizeof(num), "%zu", n);
    csv_field(s, num, 0);
    csv_field(s, "", 0);
    csv_field(s, a->s, 0);
    csv_field(s, a->s + a->plugin, 0);
    csv_field(s, a->s + a->event, 0);
    csv_field(s, a->s + a->desc, 1);
    for (i = 0; i < r->n; i++) {
        const struct ctx_event *e = &r->v[(r->head + i) % r->cap];
        ctx_offset(off, sizeof(off), e->t - a->t);
        csv_field(s, num, 0);
        csv_field(s, off, 0);
        csv_field(s, e->s, 0);
        csv_field(s, e->s + e->plugin, 0);
        csv_field(s, e->s + e->event, 0);
        csv_field(s, e->s + e->desc, 1);
    }
    if (r->dropped) {
        (void)vg_snprintf(off, sizeof(off), "%zu earlier events of the window not shown",
                          r->dropped);
        csv_field(s, num, 0);
        csv_field(s, "", 0);
        csv_field(s, "", 0);
        csv_field(s, "", 0);
        csv_field(s, "", 0);
        csv_field(s, off, 1);
    }
}

/* The dated alerts, in order, at most VG_MAX_CONTEXT_ALERTS. */
static int ctx_alerts(const struct vg_timeline *alerts_tl, struct ctx_event **out, size_t *n)
{
    struct vg_timeline_iter *it = NULL;
    struct vg_timeline_event ev;
    struct ctx_event *v = vg_calloc(VG_MAX_CONTEXT_ALERTS, sizeof(*v));
    int64_t t;
    int rc = v ? vg_timeline_iter_new(alerts_tl, &it) : VG_E_NOMEM, got;

    *n = 0;
    while (rc == VG_OK && *n < VG_MAX_CONTEXT_ALERTS &&
           (got = vg_timeline_iter_next(it, &ev)) != 0) {
        if (got < 0)
            rc = got;
        else if (parse_time_us(ev.timestamp, &t))
            rc = ctx_event_set(&v[(*n)++], t, &ev);
    }
    vg_timeline_iter_free(it);
    *out = v;
    return rc;
}

int vg_out_alerts_context(struct vg_out *o, const struct vg_timeline *alerts_tl,
                          const struct vg_timeline *tl, int half_window)
{
    struct vg_timeline_iter *it = NULL;
    struct vg_timeline_event ev;
    struct ctx_event *alerts = NULL, next;
    struct ctx_ring ring;
    struct wfile w;
    int64_t span = (int64_t)half_window * 1000000;
    size_t n_alerts = 0, i;
    int rc, got = 1, have_next = 0;

    memset(&ring, 0, sizeof(ring));
    memset(&next, 0, sizeof(next));
    rc = ctx_alerts(alerts_tl, &alerts, &n_alerts);
    if (rc == VG_OK && n_alerts == 0)
        rc = remove_stale(o, "alerts_context.csv");
    if (rc != VG_OK || n_alerts == 0)
        goto out;
    ring.cap = VG_MAX_CONTEXT_EVENTS;
    ring.v = vg_calloc(ring.cap, sizeof(*ring.v));
    rc = ring.v ? vg_timeline_iter_new(tl, &it) : VG_E_NOMEM;
    if (rc == VG_OK)
        rc = wfile_open(o, "alerts_context.csv", &w);
    if (rc != VG_OK)
        goto out;
    vg_sink_puts(&w.sink, o->device_local ? ctx_header_local : ctx_header);
    for (i = 0; i < n_alerts && rc == VG_OK && !w.sink.err; i++) {
        int64_t lo = alerts[i].t - span, hi = alerts[i].t + span;
        while (ring.n && ring.v[ring.head].t < lo)
            ring_pop(&ring);
        ring.dropped = 0;
        for (;;) {
            int64_t t;
            if (!have_next) {
                if (got <= 0 || (got = vg_timeline_iter_next(it, &ev)) <= 0)
                    break;
                if (!parse_time_us(ev.timestamp, &t) || t < lo)
                    continue; /* undated, or before every window still to come */
                if ((rc = ctx_event_set(&next, t, &ev)) != VG_OK)
                    break;
                have_next = 1;
            }
            if (next.t > hi)
                break; /* kept for the next alert's window */
            /* the ring takes the copy's strings over */
            if (ring.n == ring.cap) {
                ring_pop(&ring);
                ring.dropped++;
            }
            ring.v[(ring.head + ring.n++) % ring.cap] = next;
            memset(&next, 0, sizeof(next));
            have_next = 0;
        }
        if (got < 0)
            rc = got;
        if (rc == VG_OK)
            ctx_alert_rows(&w.sink, i + 1, &alerts[i], &ring);
    }
    rc = wfile_close(o, &w, rc);
out:
    vg_timeline_iter_free(it);
    ctx_event_free(&next);
    while (ring.n)
        ring_pop(&ring);
    free(ring.v);
    for (i = 0; i < n_alerts; i++)
        ctx_event_free(&alerts[i]);
    free(alerts);
    return rc;
}
