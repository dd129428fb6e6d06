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

/* Any domain, as MVT searches backups; Safari's view service inside an
 * app's container keeps its own. */
static const struct vg_loc rls_locs[] = {
    {VG_LOC_BACKUP, NULL, "Library/WebKit/WebsiteData/ResourceLoadStatistics/observations.db"},
    {VG_LOC_FS, NULL,
     "private/var/mobile/Containers/Data/Application/*/Library/WebKit/WebsiteData/"
     "ResourceLoadStatistics/observations.db"},
    {VG_LOC_BACKUP, "AppDomain-*",
     "SystemData/com.apple.SafariViewService/Library/WebKit/WebsiteData/observations.db"},
    {VG_LOC_FS, NULL,
     "private/var/mobile/Containers/Data/Application/*/SystemData/"
     "com.apple.SafariViewService/Library/WebKit/WebsiteData/observations.db"},
};

/* The columns MVT needs, then the optional ones each schema may have, all
 * under the record's keys (a column the database lacks is NULL, and its
 * keys left out). The query is picked from this fixed set, never built
 * from data. */
#define RLS_BASE                                                                                   \
    "SELECT domainID AS domain_id, registrableDomain AS registrable_domain, "                      \
    "lastSeen AS last_seen, hadUserInteraction AS had_user_interaction, "                          \
    "NULL AS last_seen_isodate, NULL AS domain, NULL AS path, "
#define RLS_USER(col)                                                                              \
    col " AS most_recent_user_interaction_time, "                                                  \
        "NULL AS most_recent_user_interaction_time_isodate, "
#define RLS_PUSH(col)                                                                              \
    col " AS most_recent_web_push_interaction_time, "                                              \
        "NULL AS most_recent_web_push_interaction_time_isodate "
#define RLS_FROM "FROM ObservedDomains ORDER BY domainID"
static const char *const rls_sql[4] = {
    RLS_BASE RLS_USER("NULL") RLS_PUSH("NULL") RLS_FROM,
    RLS_BASE RLS_USER("mostRecentUserInteractionTime") RLS_PUSH("NULL") RLS_FROM,
    RLS_BASE RLS_USER("NULL") RLS_PUSH("mostRecentWebPushInteractionTime") RLS_FROM,
    RLS_BASE RLS_USER("mostRecentUserInteractionTime") RLS_PUSH("mostRecentWebPushInteractionTime")
        RLS_FROM,
};
static const char *const rls_required[] = {"domainID", "registrableDomain", "lastSeen",
                                           "hadUserInteraction"};
static const char *const rls_optional[] = {"mostRecentUserInteractionTime",
                                           "mostRecentWebPushInteractionTime"};
/* The statement's columns the row reads. */
enum { COL_LAST_SEEN = 2, COL_HAD_USER = 3, COL_USER = 7, COL_PUSH = 9 };

enum {
    F_SITE,
    F_LAST_SEEN,
    F_HAD_USER,
    F_SEEN_ISO,
    F_DOMAIN,
    F_PATH,
    F_USER,
    F_USER_ISO,
    F_PUSH,
    F_PUSH_ISO
};
static const char *const rls_fields[] = {
    "registrable_domain",
    "last_seen",
    "had_user_interaction",
    "last_seen_isodate",
    "domain",
    "path",
    "most_recent_user_interaction_time",
    "most_recent_user_interaction_time_isodate",
    "most_recent_web_push_interaction_time",
    "most_recent_web_push_interaction_time_isodate",
};

/* The database being read, for its rows (through vg_run_state while its
 * query runs). */
struct rls_db {
    const struct vg_file *f;
    int has[2]; /* which rls_optional columns it has */
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

/* The isodate of seconds since 1970 in column i, or "" (NULL when the
 * column is not a number). */
static const char *col_iso(sqlite3_stmt *st, int i, char *buf, double *t)
{
    if (!vg_col_number(st, i, t))
        return NULL;
    if (vg_isodate_double(*t, buf) != VG_OK)
        buf[0] = '\0';
    return buf;
}

/* An optional time: absent with its isodate when the database has no such
 * column; MVT dates only non-negative times (-1 means "never"). */
static void set_optional(struct vg_rec *r, sqlite3_stmt *st, int has, int col, int f, int f_iso)
{
    char buf[VG_ISODATE_LEN + 1];
    const char *iso;
    double t = 0;

    if (!has) {
        vg_rec_set_absent(r, f);
        vg_rec_set_absent(r, f_iso);
        return;
    }
    iso = col_iso(st, col, buf, &t);
    if (iso && t >= 0)
        vg_rec_set_text(r, f_iso, iso);
    else
        vg_rec_set_absent(r, f_iso);
}

static int rls_row(struct vg_run *run, struct vg_rec *r, sqlite3_stmt *st)
{
    const struct rls_db *c = *vg_run_state(run);
    char buf[VG_ISODATE_LEN + 1];
    const char *iso;
    double t;

    vg_rec_set_bool(r, F_HAD_USER, col_truthy(st, COL_HAD_USER));
    iso = col_iso(st, COL_LAST_SEEN, buf, &t);
    vg_rec_set_text(r, F_SEEN_ISO, iso ? iso : "");
    vg_rec_set_text(r, F_DOMAIN, c->f->domain ? c->f->domain : "");
    vg_rec_set_text(r, F_PATH, c->f->path);
    set_optional(r, st, c->has[0], COL_USER, F_USER, F_USER_ISO);
    set_optional(r, st, c->has[1], COL_PUSH, F_PUSH, F_PUSH_ISO);
    return VG_OK;
}

static int rls_db(struct vg_run *run, const struct vg_file *f, sqlite3 *db, void *ud)
{
    struct vg_db_query q = {.row = rls_row};
    struct rls_db c;
    size_t k;
    int rc;

    VG_UNUSED(ud);
    memset(&c, 0, sizeof(c));
    c.f = f;
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
        c.has[k] = vg_sqlite_has_column(db, "ObservedDomains", rls_optional[k]);
    q.sql = rls_sql[c.has[0] + 2 * c.has[1]];
    *vg_run_state(run) = &c;
    rc = vg_db_query_records(run, f, db, &q);
    *vg_run_state(run) = NULL;
    return rc;
}

static int rls_extract(struct vg_run *run)
{
    int rc = vg_db_each(run, rls_db, NULL);
    vg_run_log(run, VG_DIAG_INFO, "Extracted a total of %zu records", vg_run_record_count(run));
    return rc;
}

static void rls_check_one(struct vg_run *run, const struct vg_rec *r)
{
    vg_check_url(run, VG_LEVEL_CRITICAL, r, vg_rec_text(r, F_SITE), vg_rec_time(r, F_SEEN_ISO));
}

static void rls_timeline(struct vg_run *run, const struct vg_rec *r)
{
    const char *site = vg_rec_text(r, F_SITE);
    const char *domain = vg_rec_text(r, F_DOMAIN);
    char *desc;

    if (domain && *domain)
        desc = vg_asprintf("Webkit resource loaded from %s by app in domain %s",
                           site ? site : "None", domain);
    else
        desc = vg_asprintf("Webkit resource loaded from %s", site ? site : "None");
    if (!desc) {
        vg_run_nomem(run);
        return;
    }
    vg_run_timeline(run, vg_rec_time(r, F_SEEN_ISO), "visit", desc);
    free(desc);
}

const struct vg_module vg_mod_webkit_resource_load_statistics = {
    .name = "webkit_resource_load_statistics",
    .class_name = "WebkitResourceLoadStatistics",
    .description = "sites seen by WebKit in each app's observations.db; domain indicators",
    .locs = rls_locs,
    .n_locs = VG_ARRAY_LEN(rls_locs),
    .fields = rls_fields,
    .n_fields = VG_ARRAY_LEN(rls_fields),
    .extract = rls_extract,
    .check_record = rls_check_one, /* streamed */
    .timeline = rls_timeline,
};
