/*
 * Netusage: which processes used the network, from networkd's
 * netusage.sqlite in a filesystem dump, with MVT's NetBase records and
 * checks (net_base.c) and the check MVT adds on dumps: a process without a
 * bundle id whose binary is nowhere in the dump (the file listing is read
 * once, looking for exactly those names).
 *
 * Beyond MVT: the same processes are counted in two databases, networkd's
 * netusage.sqlite and CommCenter's DataUsage.sqlite. A process whose row
 * was deleted from one of them leaves a gap in that one's process ids
 * (MVT's "Missing process N" says only that something is gone), while the
 * other may still name it. Netusage reads both databases itself, so the
 * check does not depend on which module runs first or whether Datausage
 * runs at all: a process present in one database, absent by name from the
 * other, and first seen inside a gap of the other's process ids (between
 * the first-use times of the rows around the gap) is reported. A process
 * only one database tracks, outside any gap, is ordinary (the two count
 * different things) and is not reported. docs/check-fs.md says more.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <math.h>
#include <stdlib.h>

#include "modules/ios/common.h"
#include "modules/ios/net_base.h"

enum { L_NET, L_NET_DB, L_DATAUSAGE, L_LISTING };
static const struct vg_loc nu_locs[] = {
    [L_NET] = {VG_LOC_FS, NULL, "private/var/networkd/netusage.sqlite"},
    [L_NET_DB] = {VG_LOC_FS, NULL, "private/var/networkd/db/netusage.sqlite"},
    [L_DATAUSAGE] = {VG_LOC_FS, NULL, "private/var/wireless/Library/Databases/DataUsage.sqlite"},
    [L_LISTING] = {VG_LOC_FS_LISTING, NULL, NULL},
};

/* ---- one database's processes, for the check across the two ---- */

struct proc {
    int64_t id;
    double first; /* Cocoa seconds; NAN when unknown */
    char *name;   /* the process part (before '/'), or NULL */
};

struct procs {
    const char *db; /* "netusage.sqlite" */
    struct proc *v;
    size_t n, cap;
    char **names; /* sorted, for lookups by name */
    size_t n_names;
};

/* A gap in one database's ids, dated by the rows around it. */
struct gap {
    int64_t from, to; /* the missing ids: from..to */
    double start, end;
    double max_end; /* the largest end up to this gap (sorted by start) */
};

struct nu_state {
    struct procs net, du;
    /* the suspicious-process check: names looked for in the listing */
    char **want;
    unsigned char *found;
    size_t n_want;
};

static void procs_free(struct procs *p)
{
    size_t i;

    for (i = 0; i < p->n; i++)
        free(p->v[i].name);
    free(p->v);
    free(p->names);
    memset(p, 0, sizeof(*p));
}

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The first index of name in the sorted names[0..n-1], or n. */
static size_t name_index(char *const *names, size_t n, const char *name)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(names[mid], name) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && strcmp(names[lo], name) == 0 ? lo : n;
}

static int has_name(char *const *names, size_t n, const char *name)
{
    return name_index(names, n, name) < n;
}

static int proc_row(void *ud, sqlite3_stmt *st)
{
    struct procs *p = ud;
    const char *name = vg_col_text(st, 1);
    struct proc *e;
    double t;

    if (sqlite3_column_type(st, 0) != SQLITE_INTEGER)
        return VG_OK;
    if (p->n >= VG_MAX_NET_PROCS)
        return VG_E_LIMIT;
    if (p->n == p->cap) {
        size_t ncap = p->cap ? 2 * p->cap : 64;
        struct proc *nv = vg_realloc_array(p->v, ncap, sizeof(*nv));
        if (!nv)
            return VG_E_NOMEM;
        p->v = nv;
        p->cap = ncap;
    }
    e = &p->v[p->n];
    e->id = sqlite3_column_int64(st, 0);
    e->name = NULL;
    if (name && *name) {
        e->name = vg_strndup(name, strcspn(name, "/"));
        if (!e->name)
            return VG_E_NOMEM;
    }
    e->first = vg_col_number(st, 2, &t) && isfinite(t) && t != 0 ? t : NAN;
    p->n++;
    return VG_OK;
}

/* The processes of one database (ids, names, first use). */
static int read_procs(struct vg_run *run, const struct vg_file *f, sqlite3 *db, struct procs *p)
{
    int rc;

    if (!vg_sqlite_has_table(db, "ZPROCESS"))
        return VG_OK; /* reported by NetBase, or not a usage database */
    rc = vg_db_sql_each(run, f, db, "SELECT Z_PK, ZPROCNAME, ZFIRSTTIMESTAMP FROM ZPROCESS",
                        proc_row, p, NULL);
    if (rc == VG_E_LIMIT)
        vg_run_log(run, VG_DIAG_WARN, "%s: more than %u processes; the rest are not compared",
                   f->display, VG_MAX_NET_PROCS);
    return rc == VG_E_NOMEM ? rc : VG_OK;
}

static int net_db(struct vg_run *run, const struct vg_file *f, sqlite3 *db, void *ud)
{
    struct nu_state *s = ud;
    return read_procs(run, f, db, &s->net);
}

static int du_visit(struct vg_run *run, const struct vg_file *f, void *ud)
{
    struct nu_state *s = ud;
    sqlite3 *db = NULL;
    int rc;

    if (vg_run_open_sqlite(run, f, &db) != VG_OK)
        return VG_OK;
    rc = read_procs(run, f, db, &s->du);
    vg_sqlite_close(db);
    return rc;
}

static int proc_id_cmp(const void *a, const void *b)
{
    const struct proc *x = a, *y = b;
    return (x->id > y->id) - (x->id < y->id);
}

static int gap_cmp(const void *a, const void *b)
{
    const struct gap *x = a, *y = b;
    return (x->start > y->start) - (x->start < y->start);
}

/* Sorts p by id, makes its name index, and lists its dated gaps. */
static int index_procs(struct procs *p, struct gap **gaps, size_t *n_gaps)
{
    size_t i, k = 0;
    struct gap *g;

    *gaps = NULL;
    *n_gaps = 0;
    if (p->n > 1)
        qsort(p->v, p->n, sizeof(*p->v), proc_id_cmp);
    p->names = vg_calloc(p->n + 1, sizeof(*p->names));
    g = vg_calloc(p->n + 1, sizeof(*g));
    if (!p->names || !g) {
        free(g);
        return VG_E_NOMEM;
    }
    for (i = 0; i < p->n; i++)
        if (p->v[i].name)
            p->names[p->n_names++] = p->v[i].name;
    if (p->n_names > 1)
        qsort(p->names, p->n_names, sizeof(*p->names), str_cmp);
    for (i = 0; i + 1 < p->n; i++) {
        const struct proc *a = &p->v[i], *b = &p->v[i + 1];
        if ((uint64_t)b->id - (uint64_t)a->id < 2 || isnan(a->first) || isnan(b->first))
            continue;
        g[k].from = a->id + 1;
        g[k].to = b->id - 1;
        g[k].start = fmin(a->first, b->first);
        g[k].end = fmax(a->first, b->first);
        k++;
    }
    if (k > 1)
        qsort(g, k, sizeof(*g), gap_cmp);
    for (i = 0; i < k; i++)
        g[i].max_end = i ? fmax(g[i - 1].max_end, g[i].end) : g[i].end;
    *gaps = g;
    *n_gaps = k;
    return VG_OK;
}

/* The gap of g[0..n-1] whose window holds t, or NULL. */
static const struct gap *gap_at(const struct gap *g, size_t n, double t)
{
    size_t lo = 0, hi = n, tried = 0;

    while (lo < hi) { /* the first gap starting after t */
        size_t mid = lo + (hi - lo) / 2;
        if (g[mid].start <= t)
            lo = mid + 1;
        else
            hi = mid;
    }
    while (lo > 0 && tried++ < VG_MAX_NET_GAP_SCAN && g[lo - 1].max_end >= t) {
        lo--;
        if (g[lo].end >= t)
            return &g[lo];
    }
    return NULL;
}

static void report_cross(struct vg_run *run, const struct proc *p, const struct procs *in,
                         const struct procs *from, const struct gap *g)
{
    char when[VG_ISODATE_LEN + 1];
    json_t *ev;

    if (vg_isodate_cocoa(p->first, when) != VG_OK)
        when[0] = '\0';
    ev = json_pack("{s:s, s:I, s:s, s:s, s:s, s:I, s:I}", "proc_name", p->name, "proc_id",
                   (json_int_t)p->id, "first_isodate", when, "database", in->db, "missing_from",
                   from->db, "missing_ids_from", (json_int_t)g->from, "missing_ids_to",
                   (json_int_t)g->to);
    if (!ev) {
        vg_run_nomem(run);
        return;
    }
    vg_run_alert_json(run, VG_LEVEL_MEDIUM, ev, NULL, when,
                      "Process \"%s\" (first seen %s in %s) is missing from %s, where process "
                      "ids %lld to %lld are missing around that time: its record may have been "
                      "deleted",
                      p->name, when, in->db, from->db, (long long)g->from, (long long)g->to);
    json_decref(ev);
}

/* Processes of in that from lacks by name, first seen in one of from's
 * gaps; each name once. */
static int cross_one_way(struct vg_run *run, const struct procs *in, const struct procs *from,
                         const struct gap *g, size_t n_gaps)
{
    unsigned char *done;
    size_t i, k;

    if (!n_gaps)
        return VG_OK;
    done = vg_calloc(in->n_names + 1, 1);
    if (!done)
        return VG_E_NOMEM;
    for (i = 0; i < in->n; i++) {
        const struct proc *p = &in->v[i];
        const struct gap *hit;
        if (!p->name || isnan(p->first) || has_name(from->names, from->n_names, p->name))
            continue;
        k = name_index(in->names, in->n_names, p->name);
        if (k >= in->n_names || done[k])
            continue;
        hit = gap_at(g, n_gaps, p->first);
        if (hit) {
            done[k] = 1;
            report_cross(run, p, in, from, hit);
        }
    }
    free(done);
    return VG_OK;
}

static int cross_check(struct vg_run *run, struct nu_state *s)
{
    struct gap *gn = NULL, *gd = NULL;
    size_t nn = 0, nd = 0;
    int rc;

    if (s->net.n == 0 || s->du.n == 0) {
        if (s->net.n)
            vg_run_log(run, VG_DIAG_INFO,
                       "no DataUsage.sqlite processes: netusage.sqlite not compared with it");
        return VG_OK;
    }
    rc = index_procs(&s->net, &gn, &nn);
    if (rc == VG_OK)
        rc = index_procs(&s->du, &gd, &nd);
    if (rc == VG_OK)
        rc = cross_one_way(run, &s->net, &s->du, gd, nd);
    if (rc == VG_OK)
        rc = cross_one_way(run, &s->du, &s->net, gn, nn);
    free(gn);
    free(gd);
    return rc;
}

/* ---- MVT's check on dumps: binaries of processes without a bundle id ---- */

static int is_empty(const struct vg_val *v)
{
    return v->t != VG_VT_TEXT || v->u.s.n == 0;
}

static int want_name(struct vg_run *run, const struct vg_rec *r, int orphan, void *ud)
{
    struct nu_state *s = ud;
    const char *name = vg_rec_text(r, VG_NET_F_NAME);

    VG_UNUSED(run);
    if (orphan || !is_empty(vg_rec_val(r, VG_NET_F_BUNDLE)) || !name || !*name)
        return VG_OK;
    if (s->n_want >= VG_MAX_NET_NAMES)
        return VG_E_LIMIT;
    s->want[s->n_want] = vg_strdup(name);
    if (!s->want[s->n_want])
        return VG_E_NOMEM;
    s->n_want++;
    return VG_OK;
}

static int listing_visit(struct vg_run *run, const struct vg_file *f, void *ud)
{
    struct nu_state *s = ud;
    const char *base = strrchr(f->path, '/');
    char **hit;

    VG_UNUSED(run);
    if (f->flags != 0)
        return VG_OK; /* regular files only, as MVT's is_file() */
    base = base ? base + 1 : f->path;
    hit = bsearch(&base, s->want, s->n_want, sizeof(*s->want), str_cmp);
    if (hit)
        s->found[hit - s->want] = 1;
    return VG_OK;
}

static int alert_unfound(struct vg_run *run, const struct vg_rec *r, int orphan, void *ud)
{
    struct nu_state *s = ud;
    const char *name = orphan ? NULL : vg_rec_text(r, VG_NET_F_NAME);
    const char *when = vg_rec_time(r, VG_NET_F_LIVE_ISO);
    char b[VG_PY_BUF];
    char **hit;

    if (!is_empty(vg_rec_val(r, VG_NET_F_BUNDLE)) && !orphan)
        return VG_OK;
    if (!name || !*name) {
        vg_run_alert(run, VG_LEVEL_MEDIUM, r, NULL, when,
                     "Found process entry with empty 'proc_name': %s at %s",
                     vg_val_py(vg_rec_val(r, VG_NET_F_LIVE_PROC_ID), b), when);
        return VG_OK;
    }
    hit = bsearch(&name, s->want, s->n_want, sizeof(*s->want), str_cmp);
    if (!hit || s->found[hit - s->want])
        return VG_OK;
    vg_run_alert(run, VG_LEVEL_MEDIUM, r, NULL, when,
                 "Could not find the binary associated with the process with name %s%s", name,
                 strlen(name) == 16 ? " (However, the process name might have been truncated "
                                      "in the database)"
                                    : "");
    return VG_OK;
}

static void want_free(struct nu_state *s)
{
    size_t i;

    for (i = 0; i < s->n_want; i++)
        free(s->want[i]);
    free(s->want);
    free(s->found);
    s->want = NULL;
    s->found = NULL;
    s->n_want = 0;
}

/* MVT's _find_suspicious_processes, with one pass over the listing. */
static int suspicious(struct vg_run *run, void *ud)
{
    struct nu_state *s = ud;
    size_t i, d = 0;
    int rc;

    if (vg_run_fast(run)) {
        vg_run_log(run, VG_DIAG_INFO, "--fast: no search of the dump for process binaries");
        return VG_OK;
    }
    s->want = vg_calloc(VG_MAX_NET_NAMES, sizeof(*s->want));
    if (!s->want)
        return VG_E_NOMEM;
    rc = vg_net_each_row(run, want_name, s);
    if (rc == VG_E_LIMIT) {
        vg_run_log(run, VG_DIAG_WARN,
                   "more than %u process names without a bundle id: the "
                   "rest are not looked for in the dump",
                   VG_MAX_NET_NAMES);
        rc = VG_OK;
    }
    if (rc != VG_OK)
        goto out;
    if (s->n_want > 1)
        qsort(s->want, s->n_want, sizeof(*s->want), str_cmp);
    for (i = 0; i < s->n_want; i++) { /* one entry per name */
        if (d && strcmp(s->want[d - 1], s->want[i]) == 0)
            free(s->want[i]);
        else
            s->want[d++] = s->want[i];
    }
    s->n_want = d;
    s->found = vg_calloc(d + 1, 1);
    if (!s->found) {
        rc = VG_E_NOMEM;
        goto out;
    }
    if (d) {
        rc = vg_run_find(run, &nu_locs[L_LISTING], listing_visit, s);
        rc = rc < 0 && rc != VG_E_NOTFOUND ? rc : VG_OK;
    }
    if (rc == VG_OK)
        rc = vg_net_each_row(run, alert_unfound, s);
out:
    want_free(s);
    return rc;
}

/* ---- the module ---- */

static int netusage_extract(struct vg_run *run)
{
    struct nu_state s;
    struct vg_net_hooks h = {net_db, suspicious, &s};
    int rc, found;

    memset(&s, 0, sizeof(s));
    s.net.db = "netusage.sqlite";
    s.du.db = "DataUsage.sqlite";
    rc = vg_net_extract(run, nu_locs, L_DATAUSAGE, &h);
    vg_run_log(run, VG_DIAG_INFO, "Extracted information on %zu processes",
               vg_run_record_count(run));
    if (rc == VG_OK && s.net.n) {
        found = vg_run_find(run, &nu_locs[L_DATAUSAGE], du_visit, &s);
        rc = found < 0 && found != VG_E_NOTFOUND ? found : VG_OK;
        if (rc == VG_OK)
            rc = cross_check(run, &s);
    }
    procs_free(&s.net);
    procs_free(&s.du);
    want_free(&s);
    return rc;
}

const struct vg_module vg_mod_netusage = {
    .name = "netusage",
    .class_name = "Netusage",
    .description = "per-process network use from netusage.sqlite; process indicators, deleted "
                   "process rows, gaps in process ids, binaries missing from the dump, processes "
                   "deleted from one of netusage.sqlite and DataUsage.sqlite, deleted processes "
                   "recovered",
    .locs = nu_locs,
    .n_locs = VG_ARRAY_LEN(nu_locs),
    .fields = vg_net_fields,
    .n_fields = VG_NET_N_FIELDS,
    .extract = netusage_extract,
    .check_record = vg_net_check_one,
    .check_finish = vg_net_finish,
    .timeline = vg_net_timeline,
};
