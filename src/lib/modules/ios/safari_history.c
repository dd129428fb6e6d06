/*
 * SafariHistory: every Safari visit, from the default profile's History.db
 * and each profile's (iOS 17+: Library/Safari/Profiles/<UUID>/History.db),
 * as MVT's SafariHistory. Checks URLs against URL, domain and IP indicators,
 * and MVT's network-injection heuristic: a plain-HTTP visit redirected to
 * another domain in less than a second.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <math.h>
#include <stdlib.h>

#include "indicators/url.h"
#include "modules/ios/common.h"

/* MVT looks the relative paths up in every domain; Safari's own are in
 * HomeDomain, an app's embedded copies in its AppDomain. */
static const struct vg_loc safari_history_locs[] = {
    {VG_LOC_BACKUP, "HomeDomain", "Library/Safari/History.db"},
    {VG_LOC_FS, NULL, "private/var/mobile/Library/Safari/History.db"},
    {VG_LOC_BACKUP, "HomeDomain", "Library/Safari/Profiles/*/History.db"},
    {VG_LOC_FS, NULL, "private/var/mobile/Library/Safari/Profiles/*/History.db"},
    {VG_LOC_BACKUP, "AppDomain-*", "Library/Safari/History.db"},
    {VG_LOC_FS, NULL, "private/var/mobile/Containers/Data/Application/*/Library/Safari/History.db"},
    {VG_LOC_BACKUP, "AppDomain-*", "Library/Safari/Profiles/*/History.db"},
    {VG_LOC_FS, NULL,
     "private/var/mobile/Containers/Data/Application/*/Library/Safari/Profiles/*/History.db"},
};

/* MVT's query; visits with the same time in id order, so output is
 * stable. The NULL column holds MVT's isodate at its place among the
 * keys. */
static const char history_sql[] =
    "SELECT history_items.id AS id, history_items.url AS url, history_visits.id AS visit_id, "
    "history_visits.visit_time AS timestamp, NULL AS isodate, "
    "history_visits.redirect_source AS redirect_source, "
    "history_visits.redirect_destination AS redirect_destination FROM history_items "
    "JOIN history_visits ON history_visits.history_item = history_items.id "
    "ORDER BY history_visits.visit_time, history_visits.id";
static const char *const history_extra[] = {"safari_history_db"};

enum { F_ID, F_URL, F_VISIT_ID, F_TIMESTAMP, F_ISODATE, F_REDIRECT_DESTINATION, F_DB };
static const char *const safari_history_fields[] = {
    "id", "url", "visit_id", "timestamp", "isodate", "redirect_destination", "safari_history_db",
};

/* Kept across records (vg_run_state): the database being read while
 * extracting, and for the redirect heuristic a compact index of every visit
 * plus the few plain-HTTP visits that were redirected. Records themselves
 * are streamed, so a history of millions of visits costs tens of bytes
 * each here, not a record each. */
struct sh_visit {
    uint32_t db;    /* index in dbs */
    int64_t id;     /* visit id */
    int64_t micros; /* visit time, Unix microseconds */
    int has_time;
    char *domain; /* as url_domain() gives it */
    size_t seq;   /* arrival order: ties keep it */
};

struct sh_state {
    const char *db; /* name of the database being extracted */
    char db_buf[64];
    char **dbs; /* database names seen, interned */
    size_t n_dbs;
    struct sh_visit *v;
    size_t n, cap;
    json_t *origins; /* records of redirected plain-HTTP visits */
    int failed;      /* out of memory: redirects not checked */
};

static struct sh_state *sh_state(struct vg_run *run)
{
    void **slot = vg_run_state(run);
    struct sh_state *st = *slot;

    if (!st) {
        st = vg_calloc(1, sizeof(*st));
        if (st && !(st->origins = json_array())) {
            free(st);
            st = NULL;
        }
        *slot = st;
    }
    return st;
}

static void sh_state_free(struct vg_run *run)
{
    void **slot = vg_run_state(run);
    struct sh_state *st = *slot;
    size_t i;

    if (!st)
        return;
    for (i = 0; i < st->n; i++)
        free(st->v[i].domain);
    for (i = 0; i < st->n_dbs; i++)
        free(st->dbs[i]);
    free(st->v);
    free(st->dbs);
    json_decref(st->origins);
    free(st);
    *slot = NULL;
}

static int visit_row(struct vg_run *run, struct vg_rec *r, sqlite3_stmt *st)
{
    struct sh_state *sh = sh_state(run);
    char buf[VG_ISODATE_LEN + 1];

    VG_UNUSED(st);
    if (!sh)
        return VG_E_NOMEM;
    vg_rec_set_text(r, F_ISODATE, vg_val_mactime_iso(vg_rec_val(r, F_TIMESTAMP), buf));
    vg_rec_set_text_ref(r, F_DB, sh->db, strlen(sh->db));
    return VG_OK;
}

/* MVT names the database by its path in the acquisition: "<id[:2]>/<id>"
 * in a backup. */
static const char *db_name(const struct vg_file *f, char *buf, size_t cap)
{
    if (f->id && vg_snprintf(buf, cap, "%.2s/%s", f->id, f->id) == VG_OK)
        return buf;
    return f->path;
}

static int history_db(struct vg_run *run, const struct vg_file *f, sqlite3 *db, void *ud)
{
    /* deleted visits (cleared history), joined to their pages, deleted or not */
    static const char *const joined[] = {"history_items"};
    static const struct vg_recover_spec recover = {"history_visits", joined, VG_ARRAY_LEN(joined)};
    static const struct vg_db_query q = {
        .sql = history_sql,
        .extra = history_extra,
        .n_extra = VG_ARRAY_LEN(history_extra),
        .row = visit_row,
        .recover = &recover,
    };
    struct sh_state *sh = sh_state(run);
    int rc;

    VG_UNUSED(ud);
    if (!sh)
        return VG_E_NOMEM;
    if (!vg_sqlite_has_table(db, "history_items") || !vg_sqlite_has_table(db, "history_visits")) {
        vg_run_log(run, VG_DIAG_WARN, "%s has no history_items/history_visits table", f->display);
        vg_run_coverage(run, VG_COV_UNREADABLE, f->display,
                        "no history_items/history_visits table");
        return VG_OK;
    }
    vg_run_log(run, VG_DIAG_INFO, "Found Safari history database at path: %s", f->display);
    sh->db = db_name(f, sh->db_buf, sizeof(sh->db_buf));
    rc = vg_db_query_records(run, f, db, &q);
    sh->db = NULL;
    return rc;
}

static int safari_history_extract(struct vg_run *run)
{
    return vg_db_each(run, history_db, NULL);
}

/* ---- check ---- */

/* The domain a redirect is judged by: the host without one leading "www."
 * (MVT's lstrip("www.") strips any leading w and . characters). "" when the
 * URL has no host. */
static void url_domain(const char *url, char *host, size_t cap)
{
    if (!url || vg_url_host(url, host, cap) < 0) {
        host[0] = '\0';
        return;
    }
    if (vg_str_has_prefix(host, "www."))
        memmove(host, host + 4, strlen(host + 4) + 1);
}

static int starts_with_nocase(const char *s, const char *prefix)
{
    size_t n = strlen(prefix), i;

    for (i = 0; i < n; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != prefix[i])
            return 0;
    }
    return 1;
}

/* Microseconds since 1970 as Python's datetime holds a Cocoa time. */
static int visit_micros(const struct vg_val *ts, int64_t *out)
{
    double t, whole, us;

    if (!vg_val_mactime_unix(ts, &t))
        return 0;
    whole = floor(t);
    us = nearbyint((t - whole) * 1e6); /* half to even, as datetime rounds */
    *out = (int64_t)whole * 1000000 + (int64_t)us;
    return 1;
}

static int db_index(struct sh_state *sh, const char *name, uint32_t *out)
{
    char **nv;
    size_t i;

    for (i = sh->n_dbs; i-- > 0;) /* a handful of databases at most */
        if (strcmp(sh->dbs[i], name) == 0) {
            *out = (uint32_t)i;
            return VG_OK;
        }
    if (sh->n_dbs >= UINT32_MAX)
        return VG_E_LIMIT;
    nv = vg_realloc_array(sh->dbs, sh->n_dbs + 1, sizeof(*nv));
    if (!nv)
        return VG_E_NOMEM;
    sh->dbs = nv;
    if (!(sh->dbs[sh->n_dbs] = vg_strdup(name)))
        return VG_E_NOMEM;
    *out = (uint32_t)sh->n_dbs++;
    return VG_OK;
}

static int index_visit(struct sh_state *sh, const struct vg_rec *rec)
{
    char domain[VG_MAX_HOST + 1];
    struct sh_visit *v;
    int64_t id;

    if (!vg_rec_int(rec, F_VISIT_ID, &id))
        return VG_OK;
    if (sh->n == sh->cap) {
        size_t ncap = sh->cap ? sh->cap * 2 : 1024;
        struct sh_visit *nv = vg_realloc_array(sh->v, ncap, sizeof(*nv));
        if (!nv)
            return VG_E_NOMEM;
        sh->v = nv;
        sh->cap = ncap;
    }
    v = &sh->v[sh->n];
    memset(v, 0, sizeof(*v));
    if (db_index(sh, vg_rec_time(rec, F_DB), &v->db) != VG_OK)
        return VG_E_NOMEM;
    v->id = id;
    v->has_time = visit_micros(vg_rec_val(rec, F_TIMESTAMP), &v->micros);
    url_domain(vg_rec_text(rec, F_URL), domain, sizeof(domain));
    if (!(v->domain = vg_strdup(domain)))
        return VG_E_NOMEM;
    v->seq = sh->n++;
    return VG_OK;
}

/* Injections happen on plain HTTP; no destination, no redirect. */
static int is_redirected_http(const struct vg_rec *rec)
{
    const char *url = vg_rec_text(rec, F_URL);
    int64_t dest = 0;

    return url && starts_with_nocase(url, "http://") &&
           vg_rec_int(rec, F_REDIRECT_DESTINATION, &dest) && dest != 0;
}

/* The redirected plain-HTTP visits are kept whole (they are few): the
 * alert, if any, names the visit. */
static int keep_origin(struct sh_state *sh, const struct vg_rec *rec)
{
    json_t *j = vg_rec_to_json(rec);

    if (!j || json_array_append_new(sh->origins, j) != 0)
        return VG_E_NOMEM;
    return VG_OK;
}

static void safari_history_check_one(struct vg_run *run, const struct vg_rec *rec)
{
    struct sh_state *sh = sh_state(run);

    /* the visit's time dates the alert (MVT: none) */
    vg_check_url(run, VG_LEVEL_CRITICAL, rec, vg_rec_text(rec, F_URL), vg_rec_time(rec, F_ISODATE));
    if (sh && sh->failed)
        return;
    if (!sh || index_visit(sh, rec) != VG_OK ||
        (is_redirected_http(rec) && keep_origin(sh, rec) != VG_OK)) {
        if (sh)
            sh->failed = 1;
        vg_run_log(run, VG_DIAG_ERROR, "out of memory indexing visits: redirects not checked");
        vg_run_nomem(run);
    }
}

static int visit_cmp(const void *a, const void *b)
{
    const struct sh_visit *x = a, *y = b;
    if (x->db != y->db)
        return (x->db > y->db) - (x->db < y->db);
    if (x->id != y->id)
        return (x->id > y->id) - (x->id < y->id);
    return (x->seq > y->seq) - (x->seq < y->seq);
}

/* First visit (db, id) in the sorted index, or n. */
static size_t visit_find(const struct sh_state *sh, uint32_t db, int64_t id)
{
    struct sh_visit key;
    size_t lo = 0, hi = sh->n;

    memset(&key, 0, sizeof(key));
    key.db = db;
    key.id = id;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (visit_cmp(&sh->v[mid], &key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static void check_redirect(struct vg_run *run, const json_t *origin, const char *origin_domain,
                           const struct sh_visit *target)
{
    char ms[VG_PY_REAL_BUF], when[VG_ISODATE_LEN + 1];
    struct vg_val ts;
    int64_t t0, elapsed;

    /* the same domain is most likely an upgrade to HTTPS */
    if (strcmp(origin_domain, target->domain) == 0)
        return;
    vg_run_log(run, VG_DIAG_INFO, "Found HTTP redirect to different domain: \"%s\" -> \"%s\"",
               origin_domain, target->domain);
    vg_val_from_json(&ts, json_object_get(origin, "timestamp"));
    if (!visit_micros(&ts, &t0) || !target->has_time)
        return;
    elapsed = target->micros - t0;
    /* MVT tests timedelta.seconds, which ignores whole days: a redirect
     * days later would pass there; here it must be under one second */
    if (elapsed < 0 || elapsed >= 1000000)
        return;
    vg_py_repr_real((double)elapsed / 1000.0, ms);
    vg_run_alert_json(run, VG_LEVEL_MEDIUM, origin, NULL, vg_val_mactime_iso(&ts, when),
                      "Redirect took less than a second! (%s milliseconds)", ms);
}

static void safari_history_finish(struct vg_run *run)
{
    struct sh_state *sh = *vg_run_state(run);
    char origin_domain[VG_MAX_HOST + 1];
    const json_t *rec;
    size_t i, j;

    if (!sh)
        return;
    if (sh->failed) {
        sh_state_free(run);
        return;
    }
    if (sh->n) /* qsort(NULL, 0, ...) is undefined */
        qsort(sh->v, sh->n, sizeof(*sh->v), visit_cmp);
    json_array_foreach(sh->origins, i, rec)
    {
        int64_t dest = (int64_t)json_integer_value(json_object_get(rec, "redirect_destination"));
        uint32_t db;
        if (db_index(sh, vg_jtime(rec, "safari_history_db"), &db) != VG_OK)
            continue;
        url_domain(vg_jstr(rec, "url"), origin_domain, sizeof(origin_domain));
        for (j = visit_find(sh, db, dest); j < sh->n && sh->v[j].db == db && sh->v[j].id == dest;
             j++)
            check_redirect(run, rec, origin_domain, &sh->v[j]);
    }
    sh_state_free(run);
}

/* ---- timeline ---- */

static void safari_history_timeline(struct vg_run *run, const struct vg_rec *rec)
{
    char b1[VG_PY_BUF], b2[VG_PY_BUF];
    const char *url = vg_rec_text(rec, F_URL);
    char *data = vg_asprintf("Safari visit to %s (ID: %s, Visit ID: %s)", url ? url : "None",
                             vg_val_py(vg_rec_val(rec, F_ID), b1),
                             vg_val_py(vg_rec_val(rec, F_VISIT_ID), b2));

    if (!data) {
        vg_run_nomem(run);
        return;
    }
    vg_run_timeline(run, vg_rec_time(rec, F_ISODATE), "safari_history", data);
    free(data);
}

const struct vg_module vg_mod_safari_history = {
    .name = "safari_history",
    .class_name = "SafariHistory",
    .description = "Safari visits from History.db of every profile; URL/domain indicators and "
                   "fast cross-domain HTTP redirects",
    .locs = safari_history_locs,
    .n_locs = VG_ARRAY_LEN(safari_history_locs),
    .fields = safari_history_fields,
    .n_fields = VG_ARRAY_LEN(safari_history_fields),
    .extract = safari_history_extract,
    .check_record = safari_history_check_one, /* streamed */
    .check_finish = safari_history_finish,
    .timeline = safari_history_timeline,
};
