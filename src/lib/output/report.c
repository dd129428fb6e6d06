/*
 * report.html, from the files of a results folder (vigie's or MVT's). The
 * page is one file with nothing to fetch: its style sheet and script are
 * inline and allowed by their SHA-256 in a Content-Security-Policy that
 * forbids everything else, so a hostile string that escaped the escaping
 * still could not run. Everything a person must read (verdict, device,
 * alerts with their context, coverage, warnings, indicators) is plain HTML;
 * the script only adds the timeline view over the events embedded as JSON.
 *
 * Memory stays flat whatever the timeline's size: timeline.csv is read
 * twice, a row at a time, the first time to gather each alert's context
 * (the events of every module a few minutes either side) and the module
 * names, the second time written straight into the page.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <errno.h>
#include <sys/stat.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "output/json.h"
#include "output/output.h"
#include "output/report.h"
#include "output/report_in.h"

#define WHERE  "report"
#define CTX_US ((int64_t)VG_REPORT_CTX_SECONDS * 1000000)
#define N_CTX  VG_REPORT_CTX_EVENTS

/* report.css and report.js, inlined at build time (scripts/embed). */
extern const unsigned char vg_report_css[];
extern const size_t vg_report_css_len;
extern const unsigned char vg_report_js[];
extern const size_t vg_report_js_len;

/* ------------------------------------------------------------ escaping */

static void put_run(struct vg_sink *s, const char *p, size_t from, size_t to)
{
    if (to > from)
        vg_sink_put(s, p + from, to - from);
}

/* Text for HTML, in an element or a quoted attribute: the five characters
 * that could open markup or close an attribute as entities, controls as
 * visible \xHH, invalid UTF-8 as U+FFFD. */
static void html(struct vg_sink *s, const char *p, size_t n)
{
    const unsigned char *u = (const unsigned char *)p;
    size_t i = 0, run = 0, k;
    uint32_t cp;
    char esc[8];

    while (i < n) {
        const char *rep = NULL;
        if (u[i] >= 0x80) {
            k = vg_utf8_next(u + i, n - i, &cp);
            if (cp != VG_UTF8_BAD) {
                i += k;
                continue;
            }
            put_run(s, p, run, i);
            vg_sink_put(s, "\xEF\xBF\xBD", 3);
            i += k;
            run = i;
            continue;
        }
        switch (u[i]) {
        case '&':
            rep = "&amp;";
            break;
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '"':
            rep = "&quot;";
            break;
        case '\'':
            rep = "&#39;";
            break;
        default:
            if ((u[i] < 0x20 && u[i] != '\n' && u[i] != '\t') || u[i] == 0x7F) {
                (void)vg_snprintf(esc, sizeof(esc), "\\x%02x", u[i]);
                rep = esc;
            }
        }
        if (rep) {
            put_run(s, p, run, i);
            vg_sink_puts(s, rep);
            run = i + 1;
        }
        i++;
    }
    put_run(s, p, run, n);
}

static void hs(struct vg_sink *s, const char *str)
{
    if (str)
        html(s, str, strlen(str));
}

/* A JSON string literal that is safe inside <script type="application/json">:
 * besides JSON's own escapes, < > & as \u003c \u003e \u0026 (so neither
 * "</script" nor "<!--" can appear), U+2028 and U+2029 escaped, invalid
 * UTF-8 as \ufffd; other text kept as UTF-8 (half the size of \uXXXX). */
static void jstr(struct vg_sink *s, const char *p, size_t n)
{
    const unsigned char *u = (const unsigned char *)p;
    size_t i = 0, run = 0, k;
    uint32_t cp;
    char esc[8];

    vg_sink_put(s, "\"", 1);
    while (i < n) {
        const char *rep = NULL;
        if (u[i] >= 0x80) {
            k = vg_utf8_next(u + i, n - i, &cp);
            if (cp != VG_UTF8_BAD && cp != 0x2028 && cp != 0x2029) {
                i += k;
                continue;
            }
            put_run(s, p, run, i);
            vg_sink_puts(s, cp == 0x2028 ? "\\u2028" : cp == 0x2029 ? "\\u2029" : "\\ufffd");
            i += k;
            run = i;
            continue;
        }
        switch (u[i]) {
        case '"':
            rep = "\\\"";
            break;
        case '\\':
            rep = "\\\\";
            break;
        case '\n':
            rep = "\\n";
            break;
        case '\r':
            rep = "\\r";
            break;
        case '\t':
            rep = "\\t";
            break;
        case '<':
        case '>':
        case '&':
            (void)vg_snprintf(esc, sizeof(esc), "\\u%04x", u[i]);
            rep = esc;
            break;
        default:
            if (u[i] < 0x20) {
                (void)vg_snprintf(esc, sizeof(esc), "\\u%04x", u[i]);
                rep = esc;
            }
        }
        if (rep) {
            put_run(s, p, run, i);
            vg_sink_puts(s, rep);
            run = i + 1;
        }
        i++;
    }
    put_run(s, p, run, n);
    vg_sink_put(s, "\"", 1);
}

static void jstr_s(struct vg_sink *s, const char *str)
{
    jstr(s, str ? str : "", str ? strlen(str) : 0);
}

static void put_size(struct vg_sink *s, uint64_t v)
{
    char buf[32];
    (void)vg_snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
    vg_sink_puts(s, buf);
}

/* 1234567 as "1,234,567". */
static void put_count(struct vg_sink *s, uint64_t v)
{
    char buf[32], out[48];
    size_t n, i, j = 0;

    (void)vg_snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
    n = strlen(buf);
    for (i = 0; i < n; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            out[j++] = ',';
        out[j++] = buf[i];
    }
    vg_sink_put(s, out, j);
}

/* ------------------------------------------------------------ the model */

/* An event kept for an alert's context: copies, each cut at
 * VG_REPORT_CTX_TEXT bytes. */
struct cev {
    int64_t t;
    char *ts, *module, *event, *desc;
};

struct alert {
    const json_t *j; /* borrowed from the report's alerts array */
    const char *level, *module, *message, *time;
    int lv; /* enum vg_level, or -1 when the level is not one of MVT's */
    int timed;
    int64_t t;
    size_t order; /* position in alerts.json */
    char *key;    /* module name normalised, to meet timeline.csv's class names */
    char *shown;  /* the module as the page names it */
    size_t mod;   /* index in the report's module list */
    struct cev before[N_CTX], after[N_CTX];
    size_t n_before, n_after;
    int active, crossed;
};

struct report {
    const char *dir;
    struct vg_diag *diag;
    size_t diag0; /* diag entries before this report */
    json_t *info, *alerts_json, *files, *console;
    const char *status; /* the verdict */
    int alerts_unread;  /* alerts.json was there but could not be read */
    struct alert *al;
    size_t n_al, n_al_total;
    size_t counts[VG_LEVEL_COUNT], n_odd_level;
    size_t *by_time, n_timed; /* shown alerts with a time, by time */
    /* timeline.csv */
    int have_tl;
    size_t n_events;
    json_t *mod_ix; /* name -> index */
    json_t *mods;   /* names, in order of first appearance */
    char **mod_key;
    size_t n_mod_key;
    struct cev ring[N_CTX]; /* the last events read, for the contexts' "before" */
    size_t ring_n, ring_head;
    size_t next_cross;
    size_t *act, n_act;
};

static void cev_free(struct cev *e)
{
    free(e->ts);
    free(e->module);
    free(e->event);
    free(e->desc);
    memset(e, 0, sizeof(*e));
}

/* A copy cut at VG_REPORT_CTX_TEXT bytes, on a character boundary, with an
 * ellipsis when cut. */
static char *cut_dup(const char *s)
{
    size_t n = strlen(s), m = n;
    char *p;

    if (n <= VG_REPORT_CTX_TEXT)
        return vg_strdup(s);
    m = VG_REPORT_CTX_TEXT;
    while (m > 0 && ((unsigned char)s[m] & 0xC0) == 0x80)
        m--;
    p = vg_malloc(m + 4);
    if (!p)
        return NULL;
    memcpy(p, s, m);
    memcpy(p + m, "\xE2\x80\xA6", 4);
    return p;
}

static int cev_set(struct cev *e, int64_t t, const char *ts, const char *module, const char *event,
                   const char *desc)
{
    cev_free(e);
    e->t = t;
    e->ts = cut_dup(ts);
    e->module = cut_dup(module);
    e->event = cut_dup(event);
    e->desc = cut_dup(desc);
    return e->ts && e->module && e->event && e->desc ? VG_OK : VG_E_NOMEM;
}

/* Lower-case letters and digits only: "safari_history" (alerts) and
 * "SafariHistory" (timeline.csv) both become "safarihistory". */
static char *module_key(const char *s)
{
    size_t n = strlen(s), i, j = 0;
    char *k = vg_malloc(n + 1);

    if (!k)
        return NULL;
    for (i = 0; i < n; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z')
            k[j++] = (char)(c - 'A' + 'a');
        else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
            k[j++] = c;
    }
    k[j] = '\0';
    return k;
}

static void report_free(struct report *r)
{
    size_t i, k;

    for (i = 0; i < r->n_al; i++) {
        for (k = 0; k < N_CTX; k++) {
            cev_free(&r->al[i].before[k]);
            cev_free(&r->al[i].after[k]);
        }
        free(r->al[i].key);
        free(r->al[i].shown);
    }
    for (k = 0; k < N_CTX; k++)
        cev_free(&r->ring[k]);
    for (i = 0; i < r->n_mod_key; i++)
        free(r->mod_key[i]);
    free(r->mod_key);
    free(r->al);
    free(r->by_time);
    free(r->act);
    json_decref(r->info);
    json_decref(r->alerts_json);
    json_decref(r->files);
    json_decref(r->console);
    json_decref(r->mod_ix);
    json_decref(r->mods);
}

/* ------------------------------------------------------------ reading */

static const json_t *info_get(const struct report *r, const char *k)
{
    return json_object_get(r->info, k);
}

/* The class name the engine recorded for a module ("SafariHistory" for
 * "safari_history"), else the name as the alert gives it. */
static const char *module_class(const struct report *r, const char *slug)
{
    const char *c = rp_jstr(json_object_get(info_get(r, "modules"), slug), "class");
    return c && *c ? c : slug;
}

/* Alerts from alerts.json, or, when it is absent, every *_detected.json. */
static int load_alerts(struct report *r)
{
    json_t *all = NULL, *one;
    size_t i;
    int rc;

    rc = rp_json_load(r->dir, "alerts.json", VG_MAX_REPORT_JSON, r->diag, &all);
    if (rc == VG_OK && !json_is_array(all)) {
        vg_diag_add(r->diag, VG_DIAG_WARN, WHERE, "alerts.json: not a JSON array: not shown");
        json_decref(all);
        r->alerts_unread = 1;
        return VG_OK;
    }
    if (rc == VG_E_LIMIT || rc == VG_E_CORRUPT) {
        r->alerts_unread = 1;
        return VG_OK;
    }
    if (rc == VG_OK) {
        r->alerts_json = all;
        return VG_OK;
    }
    if (rc != VG_E_NOTFOUND)
        return rc;
    all = json_array();
    if (!all)
        return VG_E_NOMEM;
    for (i = 0; i < json_array_size(r->files); i++) {
        const char *name = rp_jstr(json_array_get(r->files, i), "name");
        if (!name || !vg_str_has_suffix(name, "_detected.json"))
            continue;
        one = NULL;
        rc = rp_json_load(r->dir, name, VG_MAX_REPORT_JSON, r->diag, &one);
        if (rc == VG_E_NOMEM) {
            json_decref(all);
            return rc;
        }
        if (rc != VG_OK) {
            r->alerts_unread = 1;
            continue;
        }
        if (json_is_array(one))
            json_array_extend(all, one);
        json_decref(one);
    }
    r->alerts_json = all;
    return VG_OK;
}

static int level_of(const char *s)
{
    enum vg_level lv;
    return s && vg_level_parse(s, &lv) == VG_OK ? (int)lv : -1;
}

/* What alerts are ordered by, apart from the alerts themselves. */
struct akey {
    int lv, timed;
    int64_t t;
    size_t order, i;
};

/* Most severe first, then by time (alerts without one first), then in the
 * order raised: a person reads the worst first. */
static int cmp_severity(const void *a, const void *b)
{
    const struct akey *x = a, *y = b;
    if (x->lv != y->lv)
        return x->lv > y->lv ? -1 : 1;
    if (x->timed != y->timed)
        return x->timed ? 1 : -1;
    if (x->timed && x->t != y->t)
        return x->t < y->t ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

/* Alerts without a time first, then by time, then in the order raised. */
static int cmp_time(const void *a, const void *b)
{
    const struct akey *x = a, *y = b;
    if (x->timed != y->timed)
        return x->timed ? 1 : -1;
    if (x->timed && x->t != y->t)
        return x->t < y->t ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

static struct akey key_of(const struct alert *a, size_t i)
{
    struct akey k = {a->lv, a->timed, a->t, a->order, i};
    return k;
}

static void count_alert(struct report *r, int lv)
{
    if (lv < 0)
        r->n_odd_level++;
    else
        r->counts[lv]++;
}

static void alert_fields(struct alert *a, const json_t *j, size_t order)
{
    memset(a, 0, sizeof(*a));
    a->j = j;
    a->level = rp_jstr(j, "level");
    a->module = rp_jstr(j, "module");
    a->message = rp_jstr(j, "message");
    a->time = rp_jstr(j, "event_time");
    a->lv = level_of(a->level);
    a->timed = a->time && vg_isodate_parse(a->time, &a->t) == VG_OK;
    a->order = order;
}

/* The VG_MAX_REPORT_ALERTS most severe alerts, in reading order, with
 * r->by_time listing the timed ones by time. */
static int prepare_alerts(struct report *r)
{
    size_t n = json_array_size(r->alerts_json), i, k;
    struct akey *keys = vg_calloc(n + 1, sizeof(*keys));
    struct alert a;

    if (!keys)
        return VG_E_NOMEM;
    r->n_al_total = n;
    for (i = 0; i < n; i++) {
        alert_fields(&a, json_array_get(r->alerts_json, i), i);
        count_alert(r, a.lv);
        keys[i] = key_of(&a, i);
    }
    qsort(keys, n, sizeof(*keys), cmp_severity);
    k = n < VG_MAX_REPORT_ALERTS ? n : VG_MAX_REPORT_ALERTS;
    r->al = vg_calloc(k + 1, sizeof(*r->al));
    r->by_time = vg_calloc(k + 1, sizeof(*r->by_time));
    r->act = vg_calloc(k + 1, sizeof(*r->act));
    if (!r->al || !r->by_time || !r->act) {
        free(keys);
        return VG_E_NOMEM;
    }
    for (i = 0; i < k; i++) {
        struct alert *x = &r->al[i];
        alert_fields(x, json_array_get(r->alerts_json, keys[i].order), keys[i].order);
        r->n_al = i + 1;
        x->key = module_key(x->module ? x->module : "");
        x->shown = vg_strdup(module_class(r, x->module ? x->module : ""));
        if (!x->key || !x->shown) {
            free(keys);
            return VG_E_NOMEM;
        }
        keys[i] = key_of(x, i);
    }
    qsort(keys, k, sizeof(*keys), cmp_time);
    for (i = 0; i < k; i++)
        if (keys[i].timed)
            r->by_time[r->n_timed++] = keys[i].i;
    free(keys);
    return VG_OK;
}

/* When alerts.json could not be read, the engine's per-module counts in
 * info.json still say how many alerts of each level there were. */
static void counts_from_info(struct report *r)
{
    const json_t *mods = info_get(r, "modules"), *m, *c, *v;
    const char *name, *lvname;

    json_object_foreach((json_t *)mods, name, m)
    {
        c = json_object_get(m, "alerts");
        json_object_foreach((json_t *)c, lvname, v)
        {
            int lv = level_of(lvname);
            if (lv >= 0 && json_is_integer(v) && json_integer_value(v) > 0)
                r->counts[lv] += (size_t)json_integer_value(v);
        }
    }
}

static const char *verdict_of(struct report *r)
{
    const char *st = rp_jstr(info_get(r, "verdict"), "status");
    static const char *const known[] = {"DETECTIONS", "NO DETECTIONS", "INCOMPLETE"};
    size_t i;

    for (i = 0; st && i < VG_ARRAY_LEN(known); i++)
        if (strcmp(st, known[i]) == 0)
            return known[i];
    if (r->alerts_unread && !json_is_object(info_get(r, "modules")))
        return "INCOMPLETE";
    if (r->counts[VG_LEVEL_MEDIUM] + r->counts[VG_LEVEL_HIGH] + r->counts[VG_LEVEL_CRITICAL] > 0)
        return "DETECTIONS";
    return r->alerts_unread ? "INCOMPLETE" : "NO DETECTIONS";
}

/* ---- timeline.csv, first pass: module names and the alerts' contexts */

static int is_header(const struct rp_csv *c)
{
    const char *f = rp_csv_get(c, 0);
    return c->rows == 1 &&
           (strcmp(f, "UTC Timestamp") == 0 || strcmp(f, "Device Local Timestamp") == 0 ||
            strcmp(f, "Event Time") == 0 || strcmp(f, "Timestamp") == 0);
}

static int intern(struct report *r, const char *name, size_t *ix)
{
    const json_t *v = json_object_get(r->mod_ix, name);
    size_t n = json_array_size(r->mods);
    char **nk;

    if (v) {
        *ix = (size_t)json_integer_value(v);
        return VG_OK;
    }
    if (n >= VG_MAX_TL_NAMES) {
        /* past the cap every new name shares the last slot */
        *ix = n - 1;
        return VG_OK;
    }
    nk = vg_realloc_array(r->mod_key, n + 1, sizeof(*nk));
    if (!nk)
        return VG_E_NOMEM;
    r->mod_key = nk;
    if (!(nk[n] = module_key(name)))
        return VG_E_NOMEM;
    r->n_mod_key = n + 1;
    if (json_array_append_new(r->mods, json_string_nocheck(name)) != 0 ||
        json_object_set_new_nocheck(r->mod_ix, name, json_integer((json_int_t)n)) != 0)
        return VG_E_NOMEM;
    *ix = n;
    return VG_OK;
}

/* The ring's events before alert a's time and within its window, oldest
 * first. */
static int cross(struct report *r, struct alert *a)
{
    size_t i;
    int rc = VG_OK;

    a->crossed = 1;
    for (i = 0; i < r->ring_n && rc == VG_OK; i++) {
        const struct cev *e = &r->ring[(r->ring_head + N_CTX - r->ring_n + i) % N_CTX];
        if (e->t < a->t && e->t >= a->t - CTX_US)
            rc = cev_set(&a->before[a->n_before++], e->t, e->ts, e->module, e->event, e->desc);
    }
    return rc;
}

static int offer(struct report *r, int64_t t, const struct rp_csv *c)
{
    size_t i, k = 0;
    int rc = VG_OK;

    /* alerts whose time has come take a snapshot of what came before */
    while (r->next_cross < r->n_timed && rc == VG_OK) {
        struct alert *a = &r->al[r->by_time[r->next_cross]];
        if (a->t > t)
            break;
        rc = cross(r, a);
        a->active = 1;
        r->act[r->n_act++] = r->by_time[r->next_cross++];
    }
    /* and the active ones take what follows, until full or out of reach */
    for (i = 0; i < r->n_act && rc == VG_OK; i++) {
        struct alert *a = &r->al[r->act[i]];
        if (t > a->t + CTX_US || a->n_after >= N_CTX) {
            a->active = 0;
            continue;
        }
        if (t >= a->t)
            rc = cev_set(&a->after[a->n_after++], t, rp_csv_get(c, 0), rp_csv_get(c, 1),
                         rp_csv_get(c, 2), rp_csv_get(c, 3));
        r->act[k++] = r->act[i];
    }
    for (; i < r->n_act; i++)
        r->act[k++] = r->act[i];
    r->n_act = k;
    if (rc != VG_OK)
        return rc;
    rc = cev_set(&r->ring[r->ring_head], t, rp_csv_get(c, 0), rp_csv_get(c, 1), rp_csv_get(c, 2),
                 rp_csv_get(c, 3));
    r->ring_head = (r->ring_head + 1) % N_CTX;
    if (r->ring_n < N_CTX)
        r->ring_n++;
    return rc;
}

static int pass1(struct report *r)
{
    struct rp_csv c;
    int64_t t, last = INT64_MIN;
    size_t ix, i, unsorted = 0;
    int rc, got;

    rc = rp_csv_open(&c, r->dir, "timeline.csv", r->diag);
    if (rc == VG_E_NOTFOUND || rc == VG_E_IO)
        return VG_OK;
    if (rc != VG_OK)
        return rc;
    r->have_tl = 1;
    while ((got = rp_csv_next(&c)) > 0) {
        if (is_header(&c))
            continue;
        r->n_events++;
        rc = intern(r, rp_csv_get(&c, 1), &ix);
        if (rc == VG_OK && vg_isodate_parse(rp_csv_get(&c, 0), &t) == VG_OK) {
            if (t < last)
                unsorted++;
            last = t;
            rc = offer(r, t, &c);
        }
        if (rc != VG_OK)
            break;
    }
    /* alerts later than every event: what came before them */
    for (; rc == VG_OK && r->next_cross < r->n_timed; r->next_cross++)
        rc = cross(r, &r->al[r->by_time[r->next_cross]]);
    rp_csv_close(&c);
    if (rc == VG_OK && got < 0)
        r->have_tl = 0;
    if (unsorted)
        vg_diag_add(r->diag, VG_DIAG_WARN, WHERE,
                    "timeline.csv: %zu events out of time order: the alerts' contexts may miss "
                    "some",
                    unsorted);
    /* alerts of modules without a timeline event get a name of their own */
    for (i = 0; rc == VG_OK && i < r->n_al; i++) {
        struct alert *a = &r->al[i];
        size_t m;
        for (m = 0; m < r->n_mod_key; m++)
            if (strcmp(r->mod_key[m], a->key) == 0)
                break;
        if (m < r->n_mod_key) {
            a->mod = m;
            /* no class name in info.json: the timeline's is nicer than the slug */
            if (!rp_jstr(json_object_get(info_get(r, "modules"), a->module ? a->module : ""),
                         "class")) {
                char *nicer = vg_strdup(json_string_value(json_array_get(r->mods, m)));
                if (!nicer) {
                    rc = VG_E_NOMEM;
                    break;
                }
                free(a->shown);
                a->shown = nicer;
            }
        } else {
            rc = intern(r, a->shown, &a->mod);
        }
    }
    return rc;
}

/* ------------------------------------------------------------ page parts */

static const char *const level_names[VG_LEVEL_COUNT] = {"INFORMATIONAL", "LOW", "MEDIUM", "HIGH",
                                                        "CRITICAL"};

static void level_badge(struct vg_sink *s, int lv, const char *raw)
{
    const char *name = lv >= 0 ? level_names[lv] : raw ? raw : "?";
    vg_sink_puts(s, "<span class=\"lv");
    if (lv >= 0) {
        vg_sink_puts(s, " lv-");
        vg_sink_puts(s, name);
    }
    vg_sink_puts(s, "\">");
    hs(s, name);
    vg_sink_puts(s, "</span>");
}

static void b64(const unsigned char *p, size_t n, char *out)
{
    unsigned char md[32];
    unsigned int len = 0;

    if (EVP_Digest(p, n, md, &len, EVP_sha256(), NULL) != 1 || len != 32) {
        out[0] = '\0';
        return;
    }
    EVP_EncodeBlock((unsigned char *)out, md, 32);
}

static void w_head(struct report *r, struct vg_sink *s)
{
    char css[64], js[64];

    b64(vg_report_css, vg_report_css_len, css);
    b64(vg_report_js, vg_report_js_len, js);
    vg_sink_puts(s, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                    "style-src 'sha256-");
    vg_sink_puts(s, css);
    vg_sink_puts(s, "'; script-src 'sha256-");
    vg_sink_puts(s, js);
    vg_sink_puts(s, "'; base-uri 'none'; form-action 'none'\">\n"
                    "<meta name=\"referrer\" content=\"no-referrer\">\n"
                    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                    "<meta name=\"generator\" content=\"vigie " VG_VERSION "\">\n<title>");
    vg_sink_puts(s, "vigie report: ");
    vg_sink_puts(s, r->status);
    vg_sink_puts(s, "</title>\n<style>");
    vg_sink_put(s, vg_report_css, vg_report_css_len);
    vg_sink_puts(s, "</style>\n</head>\n<body>\n");
}

static const char *target_of(const struct report *r)
{
    const char *t = rp_jstr(r->info, "target");
    return t ? t : rp_jstr(r->info, "target_path");
}

/* The run's date: info.json's, else command.log's (never the clock). */
static int command_log_date(const struct report *r, char *buf, size_t cap)
{
    char *path = vg_asprintf("%s/command.log", r->dir);
    char line[256];
    FILE *f;
    int found = 0;

    if (!path)
        return 0;
    f = fopen(path, "rb");
    free(path);
    if (!f)
        return 0;
    while (!found && fgets(line, sizeof(line), f)) {
        size_t n = strlen(line);
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (strncmp(line, "date: ", 6) == 0)
            found = vg_snprintf(buf, cap, "%s", line + 6) == VG_OK;
    }
    fclose(f);
    return found;
}

static void w_header(struct report *r, struct vg_sink *s)
{
    const char *target = target_of(r), *date = rp_jstr(r->info, "date");
    const char *ver = rp_jstr(r->info, "vigie_version");
    const char *mvt = rp_jstr(r->info, "mvt_version");
    char logdate[128];

    if (!date && command_log_date(r, logdate, sizeof(logdate)))
        date = logdate;
    vg_sink_puts(s, "<header class=\"top\"><h1>Spyware check report</h1><div class=\"sub\">");
    if (target) {
        hs(s, target);
        vg_sink_puts(s, " &middot; ");
    }
    if (date) {
        vg_sink_puts(s, "checked ");
        hs(s, date);
        vg_sink_puts(s, " UTC &middot; ");
    }
    if (ver) {
        vg_sink_puts(s, "results of vigie ");
        hs(s, ver);
    } else if (mvt) {
        vg_sink_puts(s, "results of MVT ");
        hs(s, mvt);
    } else {
        vg_sink_puts(s, "results folder");
    }
    vg_sink_puts(s, "</div></header>\n<nav class=\"toc\"><a href=\"#verdict\">Verdict</a>"
                    "<a href=\"#device\">Device</a><a href=\"#alerts\">Alerts</a>"
                    "<a href=\"#timeline\">Timeline</a><a href=\"#coverage\">Coverage</a>"
                    "<a href=\"#warnings\">Warnings</a><a href=\"#indicators\">Indicators</a>"
                    "<a href=\"#files\">Files</a></nav>\n<main>\n");
}

static void help_list(struct vg_sink *s)
{
    vg_sink_puts(s,
                 "<li>Amnesty International's Security Lab, for civil society (journalists, human "
                 "rights defenders): <a href=\"https://securitylab.amnesty.org/get-help/\" "
                 "rel=\"noreferrer noopener\">securitylab.amnesty.org/get-help</a></li>"
                 "<li>Access Now's Digital Security Helpline, free, around the clock, in many "
                 "languages: <a href=\"https://www.accessnow.org/help/\" rel=\"noreferrer "
                 "noopener\">accessnow.org/help</a> (help@accessnow.org)</li>");
}

static void unread_list(struct report *r, struct vg_sink *s)
{
    const json_t *u = json_object_get(info_get(r, "verdict"), "unread"), *v;
    size_t i;

    if (!json_is_array(u) || json_array_size(u) == 0) {
        if (r->alerts_unread)
            vg_sink_puts(s, "<ul><li>the alerts of this folder (see Warnings)</li></ul>");
        return;
    }
    vg_sink_puts(s, "<ul>");
    json_array_foreach(u, i, v)
    {
        char *txt = json_is_string(v) ? NULL : json_dumps(v, JSON_COMPACT);
        if (i >= VG_MAX_REPORT_WARNINGS)
            break;
        vg_sink_puts(s, "<li>");
        hs(s, json_is_string(v) ? json_string_value(v) : txt);
        vg_sink_puts(s, "</li>");
        free(txt);
    }
    vg_sink_puts(s, "</ul>");
}

static void w_counts(struct report *r, struct vg_sink *s)
{
    int lv;

    vg_sink_puts(s, "<div class=\"counts\">");
    for (lv = VG_LEVEL_CRITICAL; lv >= VG_LEVEL_INFO; lv--) {
        vg_sink_puts(s, "<div class=\"count\"><b>");
        put_count(s, r->counts[lv]);
        vg_sink_puts(s, "</b><span>");
        vg_sink_puts(s, level_names[lv]);
        vg_sink_puts(s, "</span></div>");
    }
    vg_sink_puts(s, "<div class=\"count\"><b>");
    if (r->have_tl)
        put_count(s, r->n_events);
    else
        vg_sink_puts(s, "&ndash;");
    vg_sink_puts(s, "</b><span>timeline events</span></div></div>\n");
}

static void w_verdict(struct report *r, struct vg_sink *s)
{
    const char *st = r->status;
    int det = strcmp(st, "DETECTIONS") == 0, inc = strcmp(st, "INCOMPLETE") == 0;

    vg_sink_puts(s, "<section class=\"card verdict ");
    vg_sink_puts(s, det ? "v-det" : inc ? "v-inc" : "v-none");
    vg_sink_puts(s, "\" id=\"verdict\"><h2>Verdict</h2><p class=\"status\">");
    vg_sink_puts(s, st);
    vg_sink_puts(s, "</p>\n");
    if (det) {
        vg_sink_puts(
            s, "<p>The check found traces matching known spyware indicators or behaviour "
               "(alerts of level MEDIUM or above). This is a strong signal, not yet a conclusion: "
               "a false positive is possible, and only an expert's review of the alerts below can "
               "confirm an infection.</p><h3>What to do now</h3><ul>"
               "<li>Do not reset, update or wipe the phone, and do not uninstall anything: it "
               "would destroy the evidence an expert needs.</li>"
               "<li>Keep this results folder and the acquisition safe and private: they hold the "
               "phone owner's messages, contacts and history.</li>"
               "<li>Until an expert has looked, assume the phone is compromised: keep sensitive "
               "conversations off it and away from it (its microphone and camera may be "
               "used).</li>"
               "<li>Share the results only with the people helping you, over a channel you "
               "trust.</li></ul><h3>Where to get expert help</h3><ul>");
        help_list(s);
        vg_sink_puts(s, "</ul>\n");
    } else if (inc) {
        vg_sink_puts(s, "<p>Part of what the check needed could not be read, so it is "
                        "incomplete: an infection could hide in what was not read.</p>"
                        "<h3>What could not be read</h3>");
        unread_list(r, s);
        vg_sink_puts(s, "<p>Acquire the phone again (a full backup, with encryption so more is "
                        "included) and check again. If you have reasons to worry, ask for "
                        "help:</p><ul>");
        help_list(s);
        vg_sink_puts(s, "</ul>\n");
    } else {
        vg_sink_puts(
            s, "<p>No alert of level MEDIUM or above. <strong>This does not prove the phone is "
               "clean</strong>: indicators only find what is already known, new spyware leaves "
               "traces nobody has published yet, attackers erase traces, and some records may "
               "be missing from this acquisition (see Coverage). Check again when new indicators "
               "are published.</p><p>If there are other reasons to suspect targeting (warnings "
               "from Apple, Google or Meta, suspicious messages, a risky line of work), ask for "
               "expert help:</p><ul>");
        help_list(s);
        vg_sink_puts(s, "</ul>\n");
    }
    w_counts(r, s);
    if (r->n_odd_level) {
        vg_sink_puts(s, "<p class=\"small muted\">");
        put_count(s, r->n_odd_level);
        vg_sink_puts(s, " alerts have a level this report does not know.</p>");
    }
    vg_sink_puts(s, "</section>\n");
}

/* ---- device */

static const struct {
    const char *key, *label;
} device_labels[] = {
    {"product_type", "Model"},
    {"model", "Model"},
    {"product_name", "Product name"},
    {"device_name", "Device name"},
    {"product_version", "OS version"},
    {"os_version", "OS version"},
    {"build_version", "OS build"},
    {"build", "OS build"},
    {"serial_number", "Serial number"},
    {"imei", "IMEI"},
    {"meid", "MEID"},
    {"iccid", "ICCID"},
    {"phone_number", "Phone number"},
    {"unique_identifier", "Unique identifier"},
    {"udid", "UDID"},
    {"last_backup_date", "Last backup"},
    {"identifiers", "Identifiers"},
    {"kind", "Acquisition"},
    {"date", "Date"},
};

static void kv_label(struct vg_sink *s, const char *key)
{
    size_t i;
    for (i = 0; i < VG_ARRAY_LEN(device_labels); i++)
        if (strcmp(device_labels[i].key, key) == 0) {
            vg_sink_puts(s, device_labels[i].label);
            return;
        }
    /* "build_version" reads "Build version"; MVT's "Product Type" as it is */
    {
        char *h = vg_strdup(key), *p;
        if (!h)
            return;
        for (p = h; *p; p++)
            if (*p == '_')
                *p = ' ';
        if (*h >= 'a' && *h <= 'z' && !strchr(key, ' ')) /* "iTunes Version" stays */
            *h = (char)(*h - 'a' + 'A');
        hs(s, h);
        free(h);
    }
}

static void kv_value(struct vg_sink *s, const json_t *v, int depth)
{
    char buf[64];
    const char *k;
    const json_t *x;
    size_t i;

    switch (json_typeof(v)) {
    case JSON_STRING:
        html(s, json_string_value(v), json_string_length(v));
        break;
    case JSON_INTEGER:
        (void)vg_snprintf(buf, sizeof(buf), "%lld", (long long)json_integer_value(v));
        vg_sink_puts(s, buf);
        break;
    case JSON_REAL:
        (void)vg_snprintf(buf, sizeof(buf), "%g", json_real_value(v));
        vg_sink_puts(s, buf);
        break;
    case JSON_TRUE:
        vg_sink_puts(s, "yes");
        break;
    case JSON_FALSE:
        vg_sink_puts(s, "no");
        break;
    case JSON_NULL:
        vg_sink_puts(s, "<span class=\"muted\">&ndash;</span>");
        break;
    case JSON_ARRAY:
        if (depth > 2 || json_array_size(v) > 50) {
            put_count(s, json_array_size(v));
            vg_sink_puts(s, " items");
            break;
        }
        json_array_foreach(v, i, x)
        {
            if (i)
                vg_sink_puts(s, ", ");
            kv_value(s, x, depth + 1);
        }
        break;
    case JSON_OBJECT:
        if (depth > 2)
            break;
        json_object_foreach((json_t *)v, k, x)
        {
            vg_sink_puts(s, "<div><span class=\"muted\">");
            kv_label(s, k);
            vg_sink_puts(s, ":</span> ");
            kv_value(s, x, depth + 1);
            vg_sink_puts(s, "</div>");
        }
        break;
    }
}

static void kv_row(struct vg_sink *s, const char *key, const json_t *v)
{
    vg_sink_puts(s, "<tr><th>");
    kv_label(s, key);
    vg_sink_puts(s, "</th><td>");
    kv_value(s, v, 0);
    vg_sink_puts(s, "</td></tr>\n");
}

static void kv_str(struct vg_sink *s, const char *label, const char *v)
{
    if (!v)
        return;
    vg_sink_puts(s, "<tr><th>");
    vg_sink_puts(s, label);
    vg_sink_puts(s, "</th><td>");
    hs(s, v);
    vg_sink_puts(s, "</td></tr>\n");
}

static const char *kind_label(const char *kind)
{
    static const struct {
        const char *kind, *label;
    } kinds[] = {
        {"ios-backup", "iOS backup (iTunes / Finder)"},
        {"ios-fs", "iOS filesystem dump"},
        {"sysdiagnose", "iOS sysdiagnose archive"},
        {"androidqf", "AndroidQF acquisition"},
        {"android-bugreport", "Android bug report"},
        {"android-backup", "Android backup"},
        {"android-fs", "Android filesystem dump"},
        {"check-iocs", "Earlier results, checked again"},
    };
    size_t i;
    for (i = 0; kind && i < VG_ARRAY_LEN(kinds); i++)
        if (strcmp(kinds[i].kind, kind) == 0)
            return kinds[i].label;
    return kind;
}

/* MVT keeps no device record: its iOS backup_info.json and Android getprop
 * results say what the phone was. */
static void device_from_mvt(struct report *r, struct vg_sink *s)
{
    static const char *const props[] = {
        "ro.product.manufacturer",  "ro.product.model",    "ro.product.name",
        "ro.build.version.release", "ro.build.display.id", "ro.build.version.security_patch",
        "ro.build.fingerprint",
    };
    static const char *const getprop_files[] = {"aqf_get_prop.json", "getprop.json",
                                                "get_prop.json"};
    json_t *v = NULL, *e;
    const char *k;
    size_t i, j;

    if (rp_json_load(r->dir, "backup_info.json", VG_MAX_REPORT_JSON, r->diag, &v) == VG_OK &&
        json_is_object(v)) {
        json_object_foreach(v, k, e)
        {
            if (!json_is_array(e))
                kv_row(s, k, e);
        }
    }
    json_decref(v);
    for (i = 0; i < VG_ARRAY_LEN(getprop_files); i++) {
        v = NULL;
        if (rp_json_load(r->dir, getprop_files[i], VG_MAX_REPORT_JSON, r->diag, &v) != VG_OK) {
            continue;
        }
        for (j = 0; j < VG_ARRAY_LEN(props); j++) {
            size_t x;
            json_array_foreach(v, x, e)
            {
                const char *name = rp_jstr(e, "name"), *val = rp_jstr(e, "value");
                if (name && val && strcmp(name, props[j]) == 0)
                    kv_str(s, props[j], val);
            }
        }
        json_decref(v);
        break;
    }
}

static void w_device(struct report *r, struct vg_sink *s)
{
    const json_t *dev = info_get(r, "device"), *v;
    const char *k;
    vg_sink_puts(s, "<section class=\"card\" id=\"device\"><h2>Device and acquisition</h2>"
                    "<table class=\"kv\">\n");
    if (json_is_object(dev)) {
        json_object_foreach((json_t *)dev, k, v) kv_row(s, k, v);
    } else {
        device_from_mvt(r, s);
    }
    kv_str(s, "Acquisition", kind_label(rp_jstr(r->info, "kind")));
    kv_str(s, "Checked", target_of(r));
    kv_str(s, "Date of the check (UTC)", rp_jstr(r->info, "date"));
    vg_sink_puts(s, "</table>\n");
    if (!r->info)
        vg_sink_puts(s, "<p class=\"small muted\">This folder has no info.json: what is shown "
                        "comes from the module results.</p>");
    vg_sink_puts(s, "</section>\n");
}

/* ---- alerts */

static void indicator_line(struct vg_sink *s, const json_t *ind)
{
    const char *v = rp_jstr(ind, "value"), *type = rp_jstr(ind, "type");
    const char *name = rp_jstr(ind, "name"), *file = rp_jstr(ind, "stix2_file_name");

    if (!json_is_object(ind))
        return;
    vg_sink_puts(s, "<p class=\"small\"><span class=\"muted\">Matched indicator:</span> <code>");
    hs(s, v ? v : "?");
    vg_sink_puts(s, "</code>");
    if (type) {
        vg_sink_puts(s, " (");
        hs(s, type);
        vg_sink_puts(s, ")");
    }
    if (name) {
        vg_sink_puts(s, " &middot; collection <strong>");
        hs(s, name);
        vg_sink_puts(s, "</strong>");
    }
    if (file) {
        vg_sink_puts(s, " &middot; file <code>");
        hs(s, file);
        vg_sink_puts(s, "</code>");
    }
    vg_sink_puts(s, "</p>\n");
}

/* One row of a context: an event, or an alert in its place. */
struct crow {
    int64_t t;
    const struct cev *e;
    const struct alert *a;
    int self;
};

static int cmp_crow(const void *a, const void *b)
{
    const struct crow *x = a, *y = b;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    /* at the same time: events, then alerts (an alert follows its event) */
    if (!x->a != !y->a)
        return x->a ? 1 : -1;
    return 0;
}

static void ctx_row(struct report *r, struct vg_sink *s, const struct crow *c,
                    const struct alert *subject)
{
    if (c->a) {
        vg_sink_puts(s, "<tr class=\"alrow\"><td class=\"t\">");
        hs(s, c->a->time);
        vg_sink_puts(s, "</td><td>");
        hs(s, c->a->shown);
        vg_sink_puts(s, "</td><td>");
        level_badge(s, c->a->lv, c->a->level);
        vg_sink_puts(s, "</td><td>");
        if (c->a == subject)
            vg_sink_puts(s, "<strong>this alert</strong>: ");
        hs(s, c->a->message);
        vg_sink_puts(s, "</td></tr>\n");
        return;
    }
    vg_sink_puts(s, c->self ? "<tr class=\"self\"><td class=\"t\">" : "<tr><td class=\"t\">");
    hs(s, c->e->ts);
    vg_sink_puts(s, "</td><td>");
    hs(s, c->e->module);
    vg_sink_puts(s, "</td><td>");
    hs(s, c->e->event);
    vg_sink_puts(s, "</td><td>");
    hs(s, c->e->desc);
    vg_sink_puts(s, "</td></tr>\n");
    (void)r;
}

static int event_is_alerts(const struct report *r, const struct alert *a, const struct cev *e)
{
    char *k = module_key(e->module);
    int same = k && e->t == a->t && strcmp(k, a->key) == 0;
    free(k);
    (void)r;
    return same;
}

static int w_context(struct report *r, struct vg_sink *s, const struct alert *a)
{
    struct crow rows[2 * N_CTX + VG_REPORT_CTX_ALERTS + 1];
    size_t n = 0, i, others = 0;

    for (i = 0; i < a->n_before; i++)
        rows[n++] = (struct crow){a->before[i].t, &a->before[i], NULL, 0};
    for (i = 0; i < a->n_after; i++)
        rows[n++] =
            (struct crow){a->after[i].t, &a->after[i], NULL, event_is_alerts(r, a, &a->after[i])};
    rows[n++] = (struct crow){a->t, NULL, a, 0};
    for (i = 0; i < r->n_timed && others < VG_REPORT_CTX_ALERTS; i++) {
        const struct alert *b = &r->al[r->by_time[i]];
        if (b == a || b->t < a->t - CTX_US || b->t > a->t + CTX_US)
            continue;
        rows[n++] = (struct crow){b->t, NULL, b, 0};
        others++;
    }
    /* stable: insertion sort on a few rows */
    for (i = 1; i < n; i++) {
        struct crow x = rows[i];
        size_t j = i;
        while (j > 0 && cmp_crow(&rows[j - 1], &x) > 0) {
            rows[j] = rows[j - 1];
            j--;
        }
        rows[j] = x;
    }
    if (n == 1) {
        vg_sink_puts(s, "<p class=\"small muted\">No other event within ");
        put_size(s, VG_REPORT_CTX_SECONDS / 60);
        vg_sink_puts(s, " minutes of this alert.</p>\n");
        return VG_OK;
    }
    vg_sink_puts(s, "<p class=\"small muted\">What happened around it, from every module (");
    put_size(s, VG_REPORT_CTX_SECONDS / 60);
    vg_sink_puts(s, " minutes either side, at most ");
    put_size(s, N_CTX);
    vg_sink_puts(s, " events each way; the alert's own record is highlighted):</p>\n"
                    "<table class=\"ctx\"><tr><th>Time (UTC)</th><th>Module</th><th>Event</th>"
                    "<th>Description</th></tr>\n");
    for (i = 0; i < n; i++)
        ctx_row(r, s, &rows[i], a);
    vg_sink_puts(s, "</table>\n");
    return VG_OK;
}

static void w_record(struct vg_sink *s, const json_t *ev)
{
    char *txt;
    size_t n;

    if (!ev || json_is_null(ev))
        return;
    txt = vg_json_dumps(ev);
    if (!txt)
        return;
    n = strlen(txt);
    vg_sink_puts(s, "<details><summary>The record that raised it</summary><pre>");
    html(s, txt, n > VG_MAX_REPORT_RECORD ? VG_MAX_REPORT_RECORD : n);
    if (n > VG_MAX_REPORT_RECORD)
        vg_sink_puts(s, "\n\xE2\x80\xA6 (cut: the whole record is in alerts.json)");
    vg_sink_puts(s, "</pre></details>\n");
    free(txt);
}

static void w_alert(struct report *r, struct vg_sink *s, const struct alert *a)
{
    vg_sink_puts(s, "<article class=\"alert\"><div class=\"ah\">");
    level_badge(s, a->lv, a->level);
    vg_sink_puts(s, "<span class=\"mod\">");
    hs(s, a->shown);
    vg_sink_puts(s, "</span><span class=\"when\">");
    if (a->time && *a->time) {
        hs(s, a->time);
        vg_sink_puts(s, " UTC");
    } else {
        vg_sink_puts(s, "no time recorded");
    }
    if (a->timed && r->have_tl) {
        vg_sink_puts(s, "<a class=\"goto\" hidden href=\"#timeline\" data-ts=\"");
        hs(s, a->time);
        vg_sink_puts(s, "\" data-msg=\"");
        hs(s, a->message ? a->message : "");
        vg_sink_puts(s, "\">show in the timeline</a>");
    }
    vg_sink_puts(s, "</span></div><div class=\"ab\"><p class=\"msg\">");
    hs(s, a->message ? a->message : "(no message)");
    vg_sink_puts(s, "</p>\n");
    indicator_line(s, json_object_get(a->j, "matched_indicator"));
    if (a->timed)
        (void)w_context(r, s, a);
    else
        vg_sink_puts(s, "<p class=\"small muted\">This alert has no time, so it has no place "
                        "in the timeline.</p>\n");
    w_record(s, json_object_get(a->j, "event"));
    vg_sink_puts(s, "</div></article>\n");
}

static void w_alerts(struct report *r, struct vg_sink *s)
{
    size_t i;

    vg_sink_puts(s, "<section class=\"card\" id=\"alerts\"><h2>Alerts</h2>\n");
    if (r->alerts_unread)
        vg_sink_puts(s, "<p><strong>The alerts of this folder could not be read</strong> (see "
                        "Warnings): open alerts.json directly.</p>\n");
    else if (r->n_al_total == 0)
        vg_sink_puts(s, "<p class=\"muted\">No alerts.</p>\n");
    else {
        vg_sink_puts(s, "<p class=\"small muted\">");
        put_count(s, r->n_al_total);
        vg_sink_puts(s, r->n_al_total == 1 ? " alert" : " alerts");
        vg_sink_puts(s, ", the most severe first.</p>\n");
    }
    for (i = 0; i < r->n_al; i++)
        w_alert(r, s, &r->al[i]);
    if (r->n_al < r->n_al_total) {
        vg_sink_puts(s, "<p><strong>");
        put_count(s, r->n_al_total - r->n_al);
        vg_sink_puts(s, " more alerts</strong> (the least severe) are not shown here: see "
                        "alerts.json.</p>\n");
    }
    vg_sink_puts(s, "</section>\n");
}

static void w_timeline_section(struct report *r, struct vg_sink *s)
{
    vg_sink_puts(s, "<section class=\"card\" id=\"timeline\"><h2>Timeline</h2>\n");
    if (!r->have_tl) {
        vg_sink_puts(s, "<p class=\"muted\">This folder has no timeline.csv.</p></section>\n");
        return;
    }
    vg_sink_puts(s, "<p class=\"small muted\">Every event of every module in time order (UTC), "
                    "with the alerts in their place.</p>\n<div id=\"tl\"><noscript><p>The "
                    "timeline view needs JavaScript. Without it, open timeline.csv in this "
                    "folder with a spreadsheet.</p></noscript></div>\n</section>\n");
}

/* ---- coverage */

static const char *status_class(const char *st)
{
    static const char *const known[] = {"found", "missing", "unreadable", "partial"};
    size_t i;
    for (i = 0; st && i < VG_ARRAY_LEN(known); i++)
        if (strcmp(st, known[i]) == 0)
            return known[i];
    return "other";
}

static void st_badge(struct vg_sink *s, const char *st)
{
    vg_sink_puts(s, "<span class=\"st st-");
    vg_sink_puts(s, status_class(st));
    vg_sink_puts(s, "\">");
    hs(s, st ? st : "?");
    vg_sink_puts(s, "</span>");
}

static void w_module_coverage(struct vg_sink *s, const char *slug, const json_t *m)
{
    const json_t *cov = json_object_get(m, "coverage"), *c, *al = json_object_get(m, "alerts");
    const json_t *rec = json_object_get(m, "records");
    const char *cls = rp_jstr(m, "class"), *st = rp_jstr(m, "status"), *lv;
    const json_t *n;
    size_t i;

    vg_sink_puts(s, "<tr><td><strong>");
    hs(s, cls ? cls : slug);
    vg_sink_puts(s, "</strong>");
    if (st && strcmp(st, "ok") != 0) {
        vg_sink_puts(s, "<br><span class=\"dl-error\">");
        hs(s, st);
        vg_sink_puts(s, "</span>");
    }
    vg_sink_puts(s, "</td><td>");
    if (json_is_integer(rec))
        put_count(s, (uint64_t)(json_integer_value(rec) < 0 ? 0 : json_integer_value(rec)));
    vg_sink_puts(s, "</td><td>");
    json_object_foreach((json_t *)al, lv, n)
    {
        if (!json_is_integer(n))
            continue;
        level_badge(s, level_of(lv), lv);
        vg_sink_puts(s, " &times;");
        put_count(s, (uint64_t)(json_integer_value(n) < 0 ? 0 : json_integer_value(n)));
        vg_sink_puts(s, "<br>");
    }
    vg_sink_puts(s, "</td><td>");
    json_array_foreach(cov, i, c)
    {
        const char *art = rp_jstr(c, "artifact"), *cst = rp_jstr(c, "status");
        const char *det = rp_jstr(c, "detail");
        if (i >= 200)
            break;
        vg_sink_puts(s, "<div>");
        st_badge(s, cst);
        vg_sink_puts(s, " <code>");
        hs(s, art);
        vg_sink_puts(s, "</code>");
        if (det && *det) {
            vg_sink_puts(s, " <span class=\"muted\">");
            hs(s, det);
            vg_sink_puts(s, "</span>");
        }
        vg_sink_puts(s, "</div>");
    }
    vg_sink_puts(s, "</td></tr>\n");
}

/* Modules whose every artifact was missing, in one line. */
static int all_missing(const json_t *m)
{
    const json_t *cov = json_object_get(m, "coverage"), *c;
    const char *st = rp_jstr(m, "status");
    size_t i;

    if (json_array_size(cov) == 0 || (st && strcmp(st, "ok") != 0))
        return 0;
    json_array_foreach(cov, i, c)
    {
        const char *cst = rp_jstr(c, "status");
        if (!cst || strcmp(cst, "missing") != 0)
            return 0;
    }
    return 1;
}

static void w_coverage_files(struct report *r, struct vg_sink *s)
{
    const json_t *f;
    size_t i, n = 0;

    vg_sink_puts(s, "<p>This folder has no coverage record (MVT does not keep one): what each "
                    "module found missing or unreadable is only in its console output. Modules "
                    "that wrote results:</p><ul>");
    json_array_foreach(r->files, i, f)
    {
        const char *name = rp_jstr(f, "name");
        if (!name || !vg_str_has_suffix(name, ".json") ||
            vg_str_has_suffix(name, "_detected.json") || strcmp(name, "alerts.json") == 0 ||
            strcmp(name, "info.json") == 0)
            continue;
        vg_sink_puts(s, "<li><code>");
        hs(s, name);
        vg_sink_puts(s, "</code></li>");
        n++;
    }
    if (n == 0)
        vg_sink_puts(s, "<li class=\"muted\">none</li>");
    vg_sink_puts(s, "</ul>\n");
}

static void w_coverage(struct report *r, struct vg_sink *s)
{
    const json_t *mods = info_get(r, "modules"), *m;
    const char *slug;
    size_t n_missing = 0, shown = 0;

    vg_sink_puts(s, "<section class=\"card\" id=\"coverage\"><h2>Coverage</h2>\n");
    if (!json_is_object(mods)) {
        w_coverage_files(r, s);
        vg_sink_puts(s, "</section>\n");
        return;
    }
    vg_sink_puts(s, "<p class=\"small muted\">What each module looked for: found (read), missing "
                    "(not in this acquisition), unreadable or partial (there, but damaged or "
                    "locked). A check only covers what was found.</p>\n<table><tr><th>Module</th>"
                    "<th>Records</th><th>Alerts</th><th>Artifacts</th></tr>\n");
    json_object_foreach((json_t *)mods, slug, m)
    {
        if (all_missing(m)) {
            n_missing++;
            continue;
        }
        w_module_coverage(s, slug, m);
        shown++;
    }
    vg_sink_puts(s, "</table>\n");
    if (n_missing) {
        size_t k = 0;
        vg_sink_puts(s, "<p class=\"small\"><span class=\"muted\">Nothing to read (every "
                        "artifact missing from this acquisition):</span> ");
        json_object_foreach((json_t *)mods, slug, m)
        {
            const char *cls = rp_jstr(m, "class");
            if (!all_missing(m))
                continue;
            if (k++)
                vg_sink_puts(s, ", ");
            hs(s, cls ? cls : slug);
        }
        vg_sink_puts(s, "</p>\n");
    }
    (void)shown;
    vg_sink_puts(s, "</section>\n");
}

/* ---- warnings */

static void w_diag_item(struct vg_sink *s, const char *level, const char *where, const char *msg)
{
    int err = level && strcmp(level, "error") == 0;
    vg_sink_puts(s, "<li><span class=\"");
    vg_sink_puts(s, err ? "dl-error\">error" : "dl-warning\">warning");
    vg_sink_puts(s, "</span> ");
    if (where && *where) {
        vg_sink_puts(s, "<code>");
        hs(s, where);
        vg_sink_puts(s, "</code> ");
    }
    hs(s, msg);
    vg_sink_puts(s, "</li>\n");
}

static int is_warning(const char *level)
{
    return level && (strcmp(level, "warning") == 0 || strcmp(level, "error") == 0 ||
                     strcmp(level, "warn") == 0);
}

static void w_warnings(struct report *r, struct vg_sink *s)
{
    const json_t *d = info_get(r, "diagnostics"), *e;
    size_t i, n = 0, infos = 0, total = vg_diag_size(r->diag);

    vg_sink_puts(s,
                 "<section class=\"card\" id=\"warnings\"><h2>Warnings</h2>\n<ul class=\"warn\">");
    json_array_foreach(d, i, e)
    {
        const char *lv = rp_jstr(e, "level");
        if (!is_warning(lv)) {
            infos++;
            continue;
        }
        if (n++ < VG_MAX_REPORT_WARNINGS)
            w_diag_item(s, lv, rp_jstr(e, "where"), rp_jstr(e, "message"));
    }
    json_array_foreach(r->console, i, e)
    {
        if (n++ < VG_MAX_REPORT_WARNINGS)
            w_diag_item(s, rp_jstr(e, "level"), rp_jstr(e, "where"), rp_jstr(e, "message"));
    }
    /* what this report itself could not read */
    for (i = r->diag0; i < total; i++) {
        const struct vg_diag_entry *x = vg_diag_get(r->diag, i);
        if (!x || x->level < VG_DIAG_WARN)
            continue;
        if (n++ < VG_MAX_REPORT_WARNINGS)
            w_diag_item(s, x->level == VG_DIAG_ERROR ? "error" : "warning", "report", x->message);
    }
    vg_sink_puts(s, "</ul>\n");
    if (n == 0)
        vg_sink_puts(s, "<p class=\"muted\">None.</p>\n");
    if (n > VG_MAX_REPORT_WARNINGS) {
        vg_sink_puts(s, "<p>");
        put_count(s, n - VG_MAX_REPORT_WARNINGS);
        vg_sink_puts(s, " more: see info.json.</p>\n");
    }
    if (infos) {
        size_t k = 0;
        vg_sink_puts(s, "<details><summary>");
        put_count(s, infos);
        vg_sink_puts(s, " informational messages</summary><ul class=\"warn small\">");
        json_array_foreach(d, i, e)
        {
            if (is_warning(rp_jstr(e, "level")) || k++ >= VG_MAX_REPORT_WARNINGS)
                continue;
            vg_sink_puts(s, "<li><code>");
            hs(s, rp_jstr(e, "where"));
            vg_sink_puts(s, "</code> ");
            hs(s, rp_jstr(e, "message"));
            vg_sink_puts(s, "</li>\n");
        }
        vg_sink_puts(s, "</ul></details>\n");
    }
    vg_sink_puts(s, "</section>\n");
}

/* ---- indicators */

static void w_matched_collections(struct report *r, struct vg_sink *s)
{
    json_t *seen = json_object();
    size_t i;

    if (!seen)
        return;
    for (i = 0; i < json_array_size(r->alerts_json); i++) {
        const json_t *ind = json_object_get(json_array_get(r->alerts_json, i), "matched_indicator");
        const char *name = rp_jstr(ind, "name"), *file = rp_jstr(ind, "stix2_file_name");
        char *key;
        if (!name && !file)
            continue;
        key = vg_asprintf("%s (%s)", name ? name : "?", file ? file : "?");
        if (key && !json_object_get(seen, key)) {
            if (json_object_size(seen) == 0)
                vg_sink_puts(s, "<p class=\"small\"><span class=\"muted\">Collections with "
                                "matches:</span> ");
            else
                vg_sink_puts(s, ", ");
            hs(s, key);
            (void)json_object_set_new_nocheck(seen, key, json_true());
        }
        free(key);
    }
    if (json_object_size(seen))
        vg_sink_puts(s, "</p>\n");
    json_decref(seen);
}

static void w_indicators(struct report *r, struct vg_sink *s)
{
    const json_t *files = info_get(r, "indicator_files"), *mvt = info_get(r, "ioc_files"), *f;
    size_t i;

    vg_sink_puts(s, "<section class=\"card\" id=\"indicators\"><h2>Indicators</h2>\n");
    if (json_array_size(files)) {
        vg_sink_puts(s, "<table><tr><th>File</th><th>SHA-256</th><th>Indicators</th>"
                        "<th>Date</th></tr>\n");
        json_array_foreach(files, i, f)
        {
            const json_t *cnt = json_object_get(f, "indicators");
            const char *date = rp_jstr(f, "date");
            if (!date)
                date = rp_jstr(f, "downloaded");
            vg_sink_puts(s, "<tr><td><code>");
            hs(s, rp_jstr(f, "path") ? rp_jstr(f, "path") : rp_jstr(f, "name"));
            vg_sink_puts(s, "</code></td><td class=\"mono small\">");
            hs(s, rp_jstr(f, "sha256"));
            vg_sink_puts(s, "</td><td>");
            if (json_is_integer(cnt))
                put_count(s, (uint64_t)(json_integer_value(cnt) < 0 ? 0 : json_integer_value(cnt)));
            vg_sink_puts(s, "</td><td>");
            hs(s, date);
            vg_sink_puts(s, "</td></tr>\n");
        }
        vg_sink_puts(s, "</table>\n");
    } else if (json_array_size(mvt)) {
        vg_sink_puts(s, "<ul>");
        json_array_foreach(mvt, i, f)
        {
            if (!json_is_string(f))
                continue;
            vg_sink_puts(s, "<li><code>");
            hs(s, json_string_value(f));
            vg_sink_puts(s, "</code></li>");
        }
        vg_sink_puts(s, "</ul>\n");
    } else {
        vg_sink_puts(s, "<p class=\"muted\">This folder does not say which indicator files were "
                        "used.</p>\n");
    }
    w_matched_collections(r, s);
    vg_sink_puts(s, "</section>\n");
}

/* ---- files */

static void w_files(struct report *r, struct vg_sink *s)
{
    const json_t *f;
    size_t i;

    vg_sink_puts(s, "<section class=\"card\" id=\"files\"><h2>Files in this folder</h2>\n"
                    "<table><tr><th>File</th><th>Bytes</th></tr>\n");
    json_array_foreach(r->files, i, f)
    {
        const json_t *sz = json_object_get(f, "size");
        vg_sink_puts(s, "<tr><td><code>");
        hs(s, rp_jstr(f, "name"));
        vg_sink_puts(s, "</code></td><td>");
        put_count(s, (uint64_t)(json_integer_value(sz) < 0 ? 0 : json_integer_value(sz)));
        vg_sink_puts(s, "</td></tr>\n");
    }
    vg_sink_puts(s, "</table>\n</section>\n");
}

/* ------------------------------------------------------------ the data */

static void jevent(struct vg_sink *s, const char *ts, size_t mod, int kind, const char *ev,
                   const char *desc, int first)
{
    char buf[48];

    vg_sink_puts(s, first ? "\n[" : ",\n[");
    jstr_s(s, ts);
    (void)vg_snprintf(buf, sizeof(buf), ",%zu,%d,", mod, kind);
    vg_sink_puts(s, buf);
    jstr_s(s, ev);
    vg_sink_put(s, ",", 1);
    jstr_s(s, desc);
    vg_sink_put(s, "]", 1);
}

/* Alert rows in merge order: alerts without a time first, then by time. */
struct merge {
    size_t *order, n, next;
};

static int merge_order(const struct report *r, struct merge *m)
{
    struct akey *keys = vg_calloc(r->n_al + 1, sizeof(*keys));
    size_t i;

    m->order = vg_calloc(r->n_al + 1, sizeof(*m->order));
    if (!keys || !m->order) {
        free(keys);
        return VG_E_NOMEM;
    }
    for (i = 0; i < r->n_al; i++)
        keys[i] = key_of(&r->al[i], i);
    qsort(keys, r->n_al, sizeof(*keys), cmp_time);
    for (i = 0; i < r->n_al; i++)
        m->order[i] = keys[i].i;
    m->n = r->n_al;
    free(keys);
    return VG_OK;
}

static void flush_alerts(struct report *r, struct vg_sink *s, struct merge *m, int has_t, int64_t t,
                         int *first)
{
    while (m->next < m->n) {
        const struct alert *a = &r->al[m->order[m->next]];
        if (has_t && a->timed && a->t >= t)
            break;
        jevent(s, a->time ? a->time : "", a->mod, 2 + (a->lv < 0 ? 0 : a->lv), "",
               a->message ? a->message : "", *first);
        *first = 0;
        m->next++;
    }
}

/* 1 when an alert has this time and module: the event it was raised on. */
static int flagged(const struct report *r, int64_t t, size_t mod)
{
    size_t lo = 0, hi = r->n_timed;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (r->al[r->by_time[mid]].t < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (; lo < r->n_timed && r->al[r->by_time[lo]].t == t; lo++)
        if (mod < r->n_mod_key && strcmp(r->al[r->by_time[lo]].key, r->mod_key[mod]) == 0)
            return 1;
    return 0;
}

static int w_data(struct report *r, struct vg_sink *s)
{
    struct merge m = {NULL, 0, 0};
    struct rp_csv c;
    size_t i, ix;
    int64_t t;
    int rc, got = 0, first = 1, has_t;

    vg_sink_puts(s, "<script type=\"application/json\" id=\"vg-data\">{\"levels\":[");
    for (i = 0; i < VG_LEVEL_COUNT; i++) {
        if (i)
            vg_sink_put(s, ",", 1);
        jstr_s(s, level_names[i]);
    }
    vg_sink_puts(s, "],\"modules\":[");
    for (i = 0; i < json_array_size(r->mods); i++) {
        const json_t *v = json_array_get(r->mods, i);
        if (i)
            vg_sink_put(s, ",", 1);
        jstr(s, json_string_value(v), json_string_length(v));
    }
    vg_sink_puts(s, "],\"events\":[");
    if (merge_order(r, &m) != VG_OK)
        return VG_E_NOMEM;
    rc = r->have_tl ? rp_csv_open(&c, r->dir, "timeline.csv", r->diag) : VG_E_NOTFOUND;
    if (rc == VG_OK) {
        while (!s->err && (got = rp_csv_next(&c)) > 0) {
            if (is_header(&c))
                continue;
            if (intern(r, rp_csv_get(&c, 1), &ix) != VG_OK) {
                got = VG_E_NOMEM;
                break;
            }
            has_t = vg_isodate_parse(rp_csv_get(&c, 0), &t) == VG_OK;
            if (has_t)
                flush_alerts(r, s, &m, 1, t, &first);
            jevent(s, rp_csv_get(&c, 0), ix, has_t && flagged(r, t, ix), rp_csv_get(&c, 2),
                   rp_csv_get(&c, 3), first);
            first = 0;
        }
        c.diag = NULL; /* the first pass reported the file's faults */
        rp_csv_close(&c);
        rc = got < 0 ? got : VG_OK;
    } else if (rc == VG_E_NOTFOUND || rc == VG_E_IO) {
        rc = VG_OK;
    }
    if (r->have_tl)
        flush_alerts(r, s, &m, 0, 0, &first);
    free(m.order);
    vg_sink_puts(s, "\n]}</script>\n");
    return rc;
}

/* ------------------------------------------------------------ the page */

static int w_page(struct report *r, struct vg_sink *s)
{
    int rc;

    w_head(r, s);
    w_header(r, s);
    w_verdict(r, s);
    w_device(r, s);
    w_alerts(r, s);
    w_timeline_section(r, s);
    w_coverage(r, s);
    w_warnings(r, s);
    w_indicators(r, s);
    w_files(r, s);
    vg_sink_puts(s, "<footer>Written by vigie " VG_VERSION " from the files of this folder. "
                    "This page is self-contained: it loads nothing and sends nothing. Times are "
                    "UTC.</footer>\n</main>\n");
    rc = w_data(r, s);
    vg_sink_puts(s, "<script>");
    vg_sink_put(s, vg_report_js, vg_report_js_len);
    vg_sink_puts(s, "</script>\n</body>\n</html>\n");
    return rc != VG_OK ? rc : s->err;
}

/* The folder's files, less this report and its temporary copies. */
static int list_files(struct report *r)
{
    json_t *all = NULL, *keep, *f;
    size_t i;
    int rc = rp_list_files(r->dir, r->diag, &all);

    if (rc != VG_OK)
        return rc;
    keep = json_array();
    if (!keep) {
        json_decref(all);
        return VG_E_NOMEM;
    }
    json_array_foreach(all, i, f)
    {
        const char *name = rp_jstr(f, "name");
        if (name && strcmp(name, "report.html") != 0 && json_array_append(keep, f) != 0) {
            rc = VG_E_NOMEM;
            break;
        }
    }
    json_decref(all);
    r->files = keep;
    return rc;
}

static int gather(struct report *r)
{
    int rc;

    rc = list_files(r);
    if (rc == VG_OK) {
        rc = rp_json_load(r->dir, "info.json", VG_MAX_REPORT_JSON, r->diag, &r->info);
        if (rc == VG_OK && !json_is_object(r->info)) {
            vg_diag_add(r->diag, VG_DIAG_WARN, WHERE, "info.json: not a JSON object: not used");
            json_decref(r->info);
            r->info = NULL;
        }
        rc = rc == VG_E_NOMEM ? rc : VG_OK;
    }
    if (rc == VG_OK)
        rc = load_alerts(r);
    if (rc == VG_OK && !(r->console = json_array()))
        rc = VG_E_NOMEM;
    if (rc == VG_OK) {
        rc = rp_console_warnings(r->dir, VG_MAX_REPORT_WARNINGS, r->diag, r->console);
        rc = rc == VG_E_NOMEM ? rc : VG_OK;
    }
    if (rc == VG_OK)
        rc = prepare_alerts(r);
    if (rc == VG_OK && r->alerts_unread)
        counts_from_info(r);
    if (rc == VG_OK) {
        r->mod_ix = json_object();
        r->mods = json_array();
        rc = r->mod_ix && r->mods ? pass1(r) : VG_E_NOMEM;
    }
    r->status = verdict_of(r);
    return rc;
}

int vg_report_write(const char *results_dir, struct vg_diag *diag)
{
    struct report r;
    struct vg_diag *own = NULL;
    struct vg_out *o = NULL;
    struct vg_out_stream *st = NULL;
    struct stat sb;
    int rc;

    if (!results_dir || !*results_dir)
        return VG_E_INVAL;
    if (!diag) {
        rc = vg_diag_new(NULL, NULL, &own);
        if (rc != VG_OK)
            return rc;
        diag = own;
    }
    memset(&r, 0, sizeof(r));
    r.dir = results_dir;
    r.diag = diag;
    r.diag0 = vg_diag_size(diag);
    if (stat(results_dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        vg_diag_add(diag, VG_DIAG_ERROR, WHERE, "%s: not a results folder: %s", results_dir,
                    stat(results_dir, &sb) != 0 ? strerror(errno) : "not a folder");
        rc = VG_E_NOTFOUND;
        goto out;
    }
    rc = gather(&r);
    if (rc == VG_OK)
        rc = vg_out_new(results_dir, diag, &o);
    if (rc == VG_OK)
        rc = vg_out_stream_open(o, "report.html", &st);
    if (rc == VG_OK) {
        rc = w_page(&r, vg_out_stream_sink(st));
        rc = vg_out_stream_commit(st, rc);
    }
out:
    vg_out_free(o);
    report_free(&r);
    vg_diag_free(own);
    return rc;
}

int vg_report(const char *results_dir, struct vg_diag *diag)
{
    return vg_report_write(results_dir, diag);
}
