/*
 * WebkitResourceLoadStatistics: the sites WebKit saw (ITP's
 * ObservedDomains) in every app's observations.db, Safari's included,
 * recorded as MVT records them. Checks each registrable domain against
 * domain and IP indicators.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <stdlib.h>

#include "modules/ios/common.h"
#include "modules/ios/list.h"

/* Any domain, as MVT searches backups; Safari's view service inside an
 * app's container keeps its own. */
static const struct vg_artifact rls_artifacts[] = {
    {NULL, "Library/WebKit/WebsiteData/ResourceLoadStatistics/observations.db",
     "private/var/mobile/Containers/Data/Application/*/Library/WebKit/WebsiteData/"
     "ResourceLoadStatistics/observations.db"},
    {"AppDomain-*",
     "SystemData/com.apple.SafariViewService/Library/WebKit/WebsiteData/observations.db",
     "private/var/mobile/Containers/Data/Application/*/SystemData/"
     "com.apple.SafariViewService/Library/WebKit/WebsiteData/observations.db"},
};

/* The columns MVT needs, then the optional ones each schema may have.
 * The query is picked from this fixed set, never built from data. */
#define RLS_BASE "SELECT domainID, registrableDomain, lastSeen, hadUserInteraction"
static const char *const rls_sql[4] = {
    RLS_BASE " FROM ObservedDomains ORDER BY domainID",
    RLS_BASE ", mostRecentUserInteractionTime FROM ObservedDomains ORDER BY domainID",
    RLS_BASE ", mostRecentWebPushInteractionTime FROM ObservedDomains ORDER BY domainID",
    RLS_BASE ", mostRecentUserInteractionTime, mostRecentWebPushInteractionTime "
             "FROM ObservedDomains ORDER BY domainID",
};
static const char *const rls_required[] = {"domainID", "registrableDomain", "lastSeen",
                                           "hadUserInteraction"};
static const struct {
    const char *column, *field, *iso_field;
} rls_optional[] = {
    {"mostRecentUserInteractionTime", "most_recent_user_interaction_time",
     "most_recent_user_interaction_time_isodate"},
    {"mostRecentWebPushInteractionTime", "most_recent_web_push_interaction_time",
     "most_recent_web_push_interaction_time_isodate"},
};

struct rls_db {
    struct vg_run *run;
    const struct vg_file *f;
    int has[2]; /* which rls_optional columns the query selects */
};

/* Python's bool() of a column value. */
static int col_truthy(sqlite3_stmt *st, int i)
{
    switch (sqlite3_column_type(st, i)) {
    case SQLITE_INTEGER:
        return sqlite3_column_int64(st, i) != 0;
    case SQLITE_FLOAT:
        return sqlite3_column_double(st, i) != 0.0;
    case SQLITE_TEXT:
    case SQLITE_BLOB:
        return sqlite3_column_bytes(st, i) > 0;
    default:
        return 0;
    }
}

/* A column's value (text repaired to UTF-8, blobs in base64); null when
 * absent. */
static json_t *row_value(const json_t *row, sqlite3_stmt *st, int i)
{
    json_t *v = json_object_get(row, sqlite3_column_name(st, i));
    return v ? json_incref(v) : json_null();
}

static int rls_row(void *ud, sqlite3_stmt *st)
{
    struct rls_db *c = ud;
    json_t *row = vg_sqlite_row_json(st), *rec;
    size_t k;
    int col = 4;
    double t;

    if (!row)
        return VG_E_NOMEM;
    rec = json_pack("{s:o, s:o, s:o, s:b, s:o, s:s, s:s}", "domain_id", row_value(row, st, 0),
                    "registrable_domain", row_value(row, st, 1), "last_seen", row_value(row, st, 2),
                    "had_user_interaction", col_truthy(st, 3), "last_seen_isodate",
                    vg_col_unix_iso(st, 2), "domain", c->f->domain ? c->f->domain : "", "path",
                    c->f->relative_path);
    for (k = 0; rec && k < VG_ARRAY_LEN(rls_optional); k++) {
        if (!c->has[k])
            continue;
        json_object_set_new(rec, rls_optional[k].field, row_value(row, st, col));
        /* MVT dates only non-negative times: -1 means "never" */
        if (vg_col_number(st, col, &t) && t >= 0)
            json_object_set_new(rec, rls_optional[k].iso_field, vg_col_unix_iso(st, col));
        col++;
    }
    json_decref(row);
    return vg_run_add_record(c->run, rec);
}

static int rls_db(struct vg_run *run, const struct vg_file *f, sqlite3 *db, void *ud)
{
    struct rls_db c = {run, f, {0, 0}};
    size_t k;
    int rc;

    (void)ud;
    for (k = 0; k < VG_ARRAY_LEN(rls_required); k++) {
        if (!vg_sqlite_has_column(db, "ObservedDomains", rls_required[k])) {
            vg_run_log(run, VG_DIAG_INFO, "%s: no ObservedDomains.%s in this schema, skipped",
                       f->display, rls_required[k]);
            vg_run_coverage(run, VG_COV_PARTIAL, f->display, "no ObservedDomains.%s",
                            rls_required[k]);
            return VG_OK;
        }
    }
    for (k = 0; k < VG_ARRAY_LEN(rls_optional); k++)
        c.has[k] = vg_sqlite_has_column(db, "ObservedDomains", rls_optional[k].column);
    rc = vg_ios_sql_each(run, f, db, rls_sql[c.has[0] + 2 * c.has[1]], rls_row, &c, NULL);
    if (rc == VG_E_NOMEM)
        return rc;
    if (rc != VG_OK) {
        vg_run_coverage(run, VG_COV_UNREADABLE, f->display, "%s", vg_strerror(rc));
        vg_run_log(run, VG_DIAG_WARN, "%s: query failed: %s", f->display, vg_strerror(rc));
    }
    return VG_OK;
}

static int rls_extract(struct vg_run *run)
{
    int rc = vg_ios_each_db(run, rls_db, NULL);
    vg_run_log(run, VG_DIAG_INFO, "Extracted a total of %zu records", vg_run_record_count(run));
    return rc;
}

static void rls_check(struct vg_run *run)
{
    json_t *rec;
    size_t i;
    json_array_foreach(vg_run_records(run), i, rec)
        vg_check_url(run, VG_LEVEL_CRITICAL, rec, vg_rec_str(rec, "registrable_domain"),
                     vg_rec_time(rec, "last_seen_isodate"));
}

static void rls_timeline(struct vg_run *run, const json_t *rec)
{
    const char *site = vg_rec_str(rec, "registrable_domain");
    const char *domain = vg_rec_str(rec, "domain");
    char *desc;

    if (domain && *domain)
        desc = vg_asprintf("Webkit resource loaded from %s by app in domain %s",
                           site ? site : "None", domain);
    else
        desc = vg_asprintf("Webkit resource loaded from %s", site ? site : "None");
    if (!desc) {
        vg_run_log(run, VG_DIAG_ERROR, "out of memory describing a record");
        return;
    }
    vg_run_timeline(run, vg_rec_time(rec, "last_seen_isodate"), "visit", desc);
    free(desc);
}

const struct vg_module vg_mod_webkit_resource_load_statistics = {
    .name = "webkit_resource_load_statistics",
    .class_name = "WebkitResourceLoadStatistics",
    .description = "sites seen by WebKit in each app's observations.db; domain indicators",
    .sources = VG_SRC_MIXED,
    .artifacts = rls_artifacts,
    .n_artifacts = VG_ARRAY_LEN(rls_artifacts),
    .extract = rls_extract,
    .check = rls_check,
    .timeline = rls_timeline,
};
