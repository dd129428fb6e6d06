/*
 * The report's readers. Everything here reads files an attacker may have
 * shaped (the results of a scan repeat the evidence), so every read is
 * capped: a CSV field at VG_MAX_REPORT_FIELD, a JSON file at the caller's
 * maximum, a console.log line at VG_MAX_REPORT_LINE.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>

#include "output/report_in.h"

#define WHERE "report"

static char *join(const char *dir, const char *name)
{
    return vg_asprintf("%s/%s", dir, name);
}

/* ---- CSV ---- */

/* Written by hand: a streaming reader of the RFC 4180 subset the writers
 * use (quoted fields, "" for a quote, line breaks inside quotes), with a cap
 * on each field so a hostile file cannot grow one without bound (Debian's
 * libcsv grows its field buffer as far as the input goes). */

void rp_csv_init(struct rp_csv *c, FILE *f, const char *name, struct vg_diag *diag)
{
    size_t i;

    memset(c, 0, sizeof(*c));
    c->f = f;
    c->name = name;
    c->diag = diag;
    c->next_line = 1;
    for (i = 0; i < RP_CSV_FIELDS; i++)
        vg_buf_init(&c->field[i], VG_MAX_REPORT_FIELD);
}

int rp_csv_open(struct rp_csv *c, const char *dir, const char *name, struct vg_diag *diag)
{
    char *path = join(dir, name);
    FILE *f;

    memset(c, 0, sizeof(*c));
    if (!path)
        return VG_E_NOMEM;
    f = fopen(path, "rb");
    free(path);
    if (!f) {
        int e = errno;
        if (e != ENOENT)
            vg_diag_add(diag, VG_DIAG_WARN, WHERE, "%s: cannot open: %s", name, strerror(e));
        return e == ENOENT ? VG_E_NOTFOUND : VG_E_IO;
    }
    rp_csv_init(c, f, name, diag);
    return VG_OK;
}

/* Appends ch to the current field unless it is past the kept fields or
 * its cap (then the field is marked cut). */
static void put(struct rp_csv *c, int ch, int *cut)
{
    if (c->n >= RP_CSV_FIELDS)
        return;
    if (c->field[c->n].len >= VG_MAX_REPORT_FIELD ||
        vg_buf_append_char(&c->field[c->n], (char)ch) != VG_OK)
        *cut = 1;
}

static void end_field(struct rp_csv *c, int *cut)
{
    if (*cut)
        c->cut++;
    *cut = 0;
    if (c->n <= RP_CSV_FIELDS)
        c->n++;
}

/* getc_unlocked: each stream here is one reader's own, and a 100 MB
 * timeline read a byte at a time through getc's lock took seconds. */
int rp_csv_next(struct rp_csv *c)
{
    int ch, quoted = 0, fresh = 1, after_quote = 0, cut = 0, any = 0, bad = 0;
    size_t i;

    for (i = 0; i < RP_CSV_FIELDS; i++)
        vg_buf_reset(&c->field[i]);
    c->n = 0;
    c->line = c->next_line;
    while ((ch = getc_unlocked(c->f)) != EOF) {
        any = 1;
        if (quoted) {
            if (ch == '\n')
                c->next_line++;
            if (ch != '"') {
                put(c, ch, &cut);
                continue;
            }
            if ((ch = getc_unlocked(c->f)) == '"') {
                put(c, '"', &cut);
                continue;
            }
            quoted = 0;
            after_quote = 1;
            if (ch == EOF)
                break;
        }
        if (ch == '\n') {
            c->next_line++;
            break;
        }
        if (ch == '\r')
            continue; /* CRLF; a lone CR outside quotes carries nothing */
        if (ch == ',') {
            end_field(c, &cut);
            fresh = 1;
            after_quote = 0;
            continue;
        }
        if (ch == '"' && fresh) {
            quoted = 1;
            fresh = 0;
            continue;
        }
        if (after_quote || ch == '"')
            bad = 1; /* text after a closing quote, or a stray quote: kept as text */
        put(c, ch, &cut);
        fresh = 0;
    }
    if (ferror(c->f)) {
        vg_diag_add(c->diag, VG_DIAG_WARN, WHERE, "%s: read error near line %zu", c->name, c->line);
        return VG_E_IO;
    }
    if (!any)
        return 0;
    if (quoted)
        bad = 1; /* the file ended inside a quoted field */
    end_field(c, &cut);
    c->bad += (size_t)bad;
    c->rows++;
    return 1;
}

const char *rp_csv_get(const struct rp_csv *c, size_t i)
{
    if (i >= c->n || i >= RP_CSV_FIELDS || !c->field[i].data)
        return "";
    return c->field[i].data;
}

void rp_csv_close(struct rp_csv *c)
{
    size_t i;

    if (!c->f)
        return;
    if (c->cut)
        vg_diag_add(c->diag, VG_DIAG_INFO, WHERE,
                    "%s: %zu fields longer than %u bytes shown cut (the file has them whole)",
                    c->name, c->cut, VG_MAX_REPORT_FIELD);
    if (c->bad)
        vg_diag_add(c->diag, VG_DIAG_WARN, WHERE,
                    "%s: %zu rows with a stray or unclosed quote, read as text", c->name, c->bad);
    fclose(c->f);
    c->f = NULL;
    for (i = 0; i < RP_CSV_FIELDS; i++)
        vg_buf_free(&c->field[i]);
}

/* ---- JSON ---- */

int rp_json_load(const char *dir, const char *name, size_t max, struct vg_diag *diag, json_t **out)
{
    char *path = join(dir, name);
    struct stat st;
    json_error_t err;
    json_t *v;
    int rc = VG_OK;

    if (!path)
        return VG_E_NOMEM;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
        rc = VG_E_NOTFOUND;
        goto out;
    }
    if ((uint64_t)st.st_size > max) {
        vg_diag_add(diag, VG_DIAG_WARN, WHERE,
                    "%s: %lld bytes, more than the %zu the report reads: not shown", name,
                    (long long)st.st_size, max);
        rc = VG_E_LIMIT;
        goto out;
    }
    v = json_load_file(path, JSON_ALLOW_NUL, &err);
    if (!v) {
        vg_diag_add(diag, VG_DIAG_WARN, WHERE, "%s: not valid JSON: %s (line %d, column %d)", name,
                    err.text, err.line, err.column);
        rc = VG_E_CORRUPT;
        goto out;
    }
    *out = v;
out:
    free(path);
    return rc;
}

const char *rp_jstr(const json_t *o, const char *k)
{
    const json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* ---- MVT's console.log ---- */

/* One line, cut at VG_MAX_REPORT_LINE; 0 at the end. */
static int read_line(FILE *f, struct vg_buf *b)
{
    int ch, any = 0;

    vg_buf_reset(b);
    while ((ch = getc_unlocked(f)) != EOF) {
        any = 1;
        if (ch == '\n')
            break;
        if (ch != '\r' && b->len < VG_MAX_REPORT_LINE && vg_buf_append_char(b, (char)ch) != VG_OK)
            break;
    }
    return any;
}

/* Appends what fits of p under VG_MAX_MESSAGE; the rest is dropped. */
static void append_capped(struct vg_buf *b, const char *p)
{
    size_t room = b->len < VG_MAX_MESSAGE - 1 ? VG_MAX_MESSAGE - 1 - b->len : 0;
    if (vg_buf_append(b, p, strnlen(p, room)) != VG_OK)
        return;
}

/* "WARNING        [mvt.x.y] text": the level word; 0 for other lines. A
 * record of a lower level starts with spaces then "[". */
static const char *record_level(const char *line, const char **rest)
{
    static const char *const levels[] = {"WARNING", "ERROR", "CRITICAL"};
    size_t i, n;

    for (i = 0; i < VG_ARRAY_LEN(levels); i++) {
        n = strlen(levels[i]);
        if (strncmp(line, levels[i], n) == 0 && line[n] == ' ') {
            *rest = line + n;
            while (**rest == ' ')
                (*rest)++;
            return i == 0 ? "warning" : "error";
        }
    }
    return NULL;
}

static int starts_record(const char *line)
{
    const char *rest;
    while (*line == ' ')
        line++;
    return *line == '[' || record_level(line, &rest) != NULL;
}

static int console_add(json_t *out, const char *level, struct vg_buf *msg)
{
    const char *m = msg->data ? msg->data : "", *where = "", *end;
    char *w = NULL;
    json_t *o;
    int rc;

    while (msg->len > 0 && msg->data[msg->len - 1] == ' ')
        msg->data[--msg->len] = '\0'; /* rich pads lines */
    m = msg->data ? msg->data : "";
    if (*m == '[' && (end = strchr(m, ']')) != NULL) {
        w = vg_strndup(m + 1, (size_t)(end - m - 1));
        m = end + 1;
        while (*m == ' ')
            m++;
    }
    /* not checked as UTF-8 here: the report's writers repair text */
    o = json_object();
    rc = o && json_object_set_new(o, "level", json_string(level)) == 0 &&
                 json_object_set_new(o, "where", json_string_nocheck(w ? w : where)) == 0 &&
                 json_object_set_new(o, "message", json_string_nocheck(m)) == 0 &&
                 json_array_append(out, o) == 0
             ? VG_OK
             : VG_E_NOMEM;
    json_decref(o);
    free(w);
    return rc;
}

int rp_console_warnings(const char *dir, size_t max, struct vg_diag *diag, json_t *out)
{
    char *path = join(dir, "console.log");
    struct vg_buf line, msg;
    const char *level = NULL, *rest;
    FILE *f;
    int rc = VG_OK;

    if (!path)
        return VG_E_NOMEM;
    f = fopen(path, "rb");
    free(path);
    if (!f)
        return errno == ENOENT ? VG_E_NOTFOUND : VG_E_IO;
    vg_buf_init(&line, VG_MAX_REPORT_LINE + 1);
    vg_buf_init(&msg, VG_MAX_MESSAGE);
    while (rc == VG_OK && read_line(f, &line)) {
        const char *l = line.data ? line.data : "";
        if (level && *l && !starts_record(l)) {
            /* rich wraps long records: a continuation line */
            while (msg.len > 0 && msg.data[msg.len - 1] == ' ')
                msg.data[--msg.len] = '\0';
            append_capped(&msg, " ");
            append_capped(&msg, l);
            continue;
        }
        if (level && json_array_size(out) < max)
            rc = console_add(out, level, &msg);
        level = *l ? record_level(l, &rest) : NULL;
        vg_buf_reset(&msg);
        if (level)
            append_capped(&msg, rest);
    }
    if (rc == VG_OK && level && json_array_size(out) < max)
        rc = console_add(out, level, &msg);
    if (ferror(f))
        vg_diag_add(diag, VG_DIAG_WARN, WHERE, "console.log: read error");
    fclose(f);
    vg_buf_free(&line);
    vg_buf_free(&msg);
    return rc;
}

/* ---- the folder ---- */

static int cmp_name(const void *a, const void *b)
{
    const json_t *x = *(const json_t *const *)a, *y = *(const json_t *const *)b;
    return strcmp(rp_jstr(x, "name"), rp_jstr(y, "name"));
}

static int sort_files(json_t *arr)
{
    size_t n = json_array_size(arr), i;
    json_t **v, *sorted;

    if (n < 2)
        return VG_OK;
    v = vg_calloc(n, sizeof(*v));
    sorted = json_array();
    if (!v || !sorted) {
        free(v);
        json_decref(sorted);
        return VG_E_NOMEM;
    }
    for (i = 0; i < n; i++)
        v[i] = json_array_get(arr, i);
    qsort(v, n, sizeof(*v), cmp_name);
    for (i = 0; i < n; i++)
        if (json_array_append(sorted, v[i]) != 0) {
            free(v);
            json_decref(sorted);
            return VG_E_NOMEM;
        }
    free(v);
    json_array_clear(arr);
    json_array_extend(arr, sorted);
    json_decref(sorted);
    return VG_OK;
}

int rp_list_files(const char *dir, struct vg_diag *diag, json_t **out)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    json_t *arr = json_array();
    int rc = VG_OK;

    if (!d || !arr) {
        if (!d)
            vg_diag_add(diag, VG_DIAG_WARN, WHERE, "%s: cannot list: %s", dir, strerror(errno));
        json_decref(arr);
        if (d)
            closedir(d);
        return d ? VG_E_NOMEM : VG_E_IO;
    }
    while (rc == VG_OK && (e = readdir(d)) != NULL) {
        char *path;
        struct stat st;
        if (e->d_name[0] == '.')
            continue;
        if (json_array_size(arr) >= VG_MAX_REPORT_FILES)
            break;
        path = join(dir, e->d_name);
        if (!path) {
            rc = VG_E_NOMEM;
            break;
        }
        if (lstat(path, &st) == 0 && S_ISREG(st.st_mode)) {
            json_t *o = json_object();
            if (!o || json_object_set_new(o, "name", json_string_nocheck(e->d_name)) != 0 ||
                json_object_set_new(o, "size", json_integer((json_int_t)st.st_size)) != 0 ||
                json_array_append_new(arr, o) != 0)
                rc = VG_E_NOMEM;
        }
        free(path);
    }
    closedir(d);
    if (rc == VG_OK)
        rc = sort_files(arr);
    if (rc != VG_OK) {
        json_decref(arr);
        return rc;
    }
    *out = arr;
    return VG_OK;
}
