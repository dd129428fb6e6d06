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
#include "ios/common.h"
#include "ios/modules.h"

/* MVT looks the relative paths up in every domain; Safari's own are in
 * HomeDomain, an app's embedded copies in its AppDomain. */
static const struct vg_artifact safari_history_artifacts[] = {
    {"HomeDomain", "Library/Safari/History.db", "private/var/mobile/Library/Safari/History.db"},
    {"HomeDomain", "Library/Safari/Profiles/*/History.db",
     "private/var/mobile/Library/Safari/Profiles/*/History.db"},
    {"AppDomain-*", "Library/Safari/History.db",
     "private/var/mobile/Containers/Data/Application/*/Library/Safari/History.db"},
    {"AppDomain-*", "Library/Safari/Profiles/*/History.db",
     "private/var/mobile/Containers/Data/Application/*/Library/Safari/Profiles/*/History.db"},
};

/* MVT's query; visits with the same time in id order, so output is stable. */
static const char history_sql[] =
    "SELECT history_items.id AS id, history_items.url AS url, history_visits.id AS visit_id, "
    "history_visits.visit_time AS timestamp, history_visits.redirect_source AS redirect_source, "
    "history_visits.redirect_destination AS redirect_destination FROM history_items "
    "JOIN history_visits ON history_visits.history_item = history_items.id "
    "ORDER BY history_visits.visit_time, history_visits.id";

static json_t *visit_row(struct vg_run *run, sqlite3_stmt *st)
{
    json_t *row = vg_sqlite_row_json(st), *rec;
    const json_t *ts;
    (void)run;

    if (!row)
        return NULL;
    ts = json_object_get(row, "timestamp");
    rec =
        json_pack("{s:O?, s:O?, s:O?, s:O?, s:o, s:O?, s:O?}", "id", json_object_get(row, "id"),
                  "url", json_object_get(row, "url"), "visit_id", json_object_get(row, "visit_id"),
                  "timestamp", ts, "isodate", vg_ios_mactime_iso(ts), "redirect_source",
                  json_object_get(row, "redirect_source"), "redirect_destination",
                  json_object_get(row, "redirect_destination"));
    json_decref(row);
    return rec;
}

/* MVT names the database by its path in the acquisition: "<id[:2]>/<id>"
 * in a backup. */
static json_t *db_name(const struct vg_file *f)
{
    char buf[128];

    if (f->file_id && vg_snprintf(buf, sizeof(buf), "%.2s/%s", f->file_id, f->file_id) == VG_OK)
        return json_string(buf);
    return json_string(f->relative_path);
}

static int history_db(struct vg_run *run, const struct vg_file *f, sqlite3 *db, void *ud)
{
    json_t *recs = vg_run_records(run), *name = db_name(f);
    size_t from = json_array_size(recs), i;
    int rc;
    (void)ud;

    if (!vg_sqlite_has_table(db, "history_items") || !vg_sqlite_has_table(db, "history_visits")) {
        vg_run_log(run, VG_DIAG_WARN, "%s has no history_items/history_visits table", f->display);
        vg_run_coverage(run, VG_COV_UNREADABLE, f->display,
                        "no history_items/history_visits table");
        json_decref(name);
        return VG_OK;
    }
    vg_run_log(run, VG_DIAG_INFO, "Found Safari history database at path: %s", f->display);
    rc = vg_ios_query_records(run, f, db, history_sql, visit_row);
    for (i = from; i < json_array_size(recs); i++)
        json_object_set(json_array_get(recs, i), "safari_history_db", name ? name : json_null());
    json_decref(name);
    return rc;
}

static int safari_history_extract(struct vg_run *run)
{
    return vg_ios_each_db(run, history_db, NULL);
}

/* ---- check ---- */

/* A visit by database and visit id, to find redirect targets. */
struct visit {
    const char *db;
    json_int_t id;
    size_t pos;
};

static int visit_cmp(const void *a, const void *b)
{
    const struct visit *x = a, *y = b;
    int c = strcmp(x->db, y->db);
    if (c != 0)
        return c;
    if (x->id != y->id)
        return (x->id > y->id) - (x->id < y->id);
    return (x->pos > y->pos) - (x->pos < y->pos);
}

static struct visit *index_visits(json_t *recs, size_t *count)
{
    size_t n = json_array_size(recs), i, k = 0;
    struct visit *v = vg_calloc(n ? n : 1, sizeof(*v));
    json_t *rec;

    if (!v)
        return NULL;
    json_array_foreach(recs, i, rec)
    {
        const json_t *id = json_object_get(rec, "visit_id");
        if (!json_is_integer(id))
            continue;
        v[k].db = vg_rec_time(rec, "safari_history_db");
        v[k].id = json_integer_value(id);
        v[k++].pos = i;
    }
    qsort(v, k, sizeof(*v), visit_cmp);
    *count = k;
    return v;
}

/* First entry of (db, id) in the index, or n. */
static size_t visit_find(const struct visit *v, size_t n, const char *db, json_int_t id)
{
    struct visit key = {db, id, 0};
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (visit_cmp(&v[mid], &key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

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
static int visit_micros(const json_t *rec, int64_t *out)
{
    double t, whole, us;

    if (!vg_ios_mactime_unix(json_object_get(rec, "timestamp"), &t))
        return 0;
    whole = floor(t);
    us = nearbyint((t - whole) * 1e6); /* half to even, as datetime rounds */
    *out = (int64_t)whole * 1000000 + (int64_t)us;
    return 1;
}

static void check_redirect(struct vg_run *run, const json_t *origin, const char *origin_domain,
                           const json_t *target)
{
    char domain[VG_MAX_HOST + 1], ms[VG_PY_REAL_BUF];
    int64_t t0, t1, elapsed;
    json_t *when;

    url_domain(vg_rec_str(target, "url"), domain, sizeof(domain));
    /* the same domain is most likely an upgrade to HTTPS */
    if (strcmp(origin_domain, domain) == 0)
        return;
    vg_run_log(run, VG_DIAG_INFO, "Found HTTP redirect to different domain: \"%s\" -> \"%s\"",
               origin_domain, domain);
    if (!visit_micros(origin, &t0) || !visit_micros(target, &t1))
        return;
    elapsed = t1 - t0;
    /* MVT tests timedelta.seconds, which ignores whole days: a redirect
     * days later would pass there; here it must be under one second */
    if (elapsed < 0 || elapsed >= 1000000)
        return;
    vg_py_repr_real((double)elapsed / 1000.0, ms);
    when = vg_ios_mactime_iso(json_object_get(origin, "timestamp"));
    vg_run_alert(run, VG_LEVEL_MEDIUM, origin, NULL, json_string_value(when),
                 "Redirect took less than a second! (%s milliseconds)", ms);
    json_decref(when);
}

static void find_injection(struct vg_run *run, json_t *recs, const json_t *rec,
                           const struct visit *v, size_t n)
{
    char origin_domain[VG_MAX_HOST + 1];
    const char *url = vg_rec_str(rec, "url");
    const char *db = vg_rec_time(rec, "safari_history_db");
    const json_t *dest = json_object_get(rec, "redirect_destination");
    size_t i;

    /* injections happen on plain HTTP; no destination, no redirect */
    if (!url || !starts_with_nocase(url, "http://") || !json_is_integer(dest) ||
        json_integer_value(dest) == 0)
        return;
    url_domain(url, origin_domain, sizeof(origin_domain));
    for (i = visit_find(v, n, db, json_integer_value(dest));
         i < n && strcmp(v[i].db, db) == 0 && v[i].id == json_integer_value(dest); i++)
        check_redirect(run, rec, origin_domain, json_array_get(recs, v[i].pos));
}

static void safari_history_check(struct vg_run *run)
{
    json_t *recs = vg_run_records(run), *rec;
    struct visit *v;
    size_t n = 0, i;

    v = index_visits(recs, &n);
    if (v) {
        json_array_foreach(recs, i, rec) find_injection(run, recs, rec, v, n);
        free(v);
    } else {
        vg_run_log(run, VG_DIAG_ERROR, "out of memory indexing visits");
    }
    /* the visit's time dates the alert (MVT: none) */
    vg_check_each_url(run, VG_LEVEL_CRITICAL, "url", "isodate");
}

/* ---- timeline ---- */

static void safari_history_timeline(struct vg_run *run, const json_t *rec)
{
    char b1[VG_PY_BUF], b2[VG_PY_BUF];
    const char *url = vg_rec_str(rec, "url");
    char *data = vg_asprintf("Safari visit to %s (ID: %s, Visit ID: %s)", url ? url : "None",
                             vg_py_str(json_object_get(rec, "id"), b1),
                             vg_py_str(json_object_get(rec, "visit_id"), b2));

    if (!data) {
        vg_run_log(run, VG_DIAG_ERROR, "out of memory building a timeline event");
        return;
    }
    vg_run_timeline(run, vg_rec_time(rec, "isodate"), "safari_history", data);
    free(data);
}

const struct vg_module vg_mod_safari_history = {
    .name = "safari_history",
    .class_name = "SafariHistory",
    .description = "Safari visits from History.db of every profile; URL/domain indicators and "
                   "fast cross-domain HTTP redirects",
    .sources = VG_SRC_MIXED,
    .artifacts = safari_history_artifacts,
    .n_artifacts = VG_ARRAY_LEN(safari_history_artifacts),
    .extract = safari_history_extract,
    .check = safari_history_check,
    .timeline = safari_history_timeline,
};
