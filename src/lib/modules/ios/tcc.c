/*
 * TCC: the privacy permissions (camera, microphone, ...) granted to each app,
 * from TCC.db, as MVT's TCC. Checks the client against process indicators.
 * Three schemas, as MVT reads them: auth_value/auth_reason (iOS 14 and
 * later), allowed/prompt_count with last_modified, and without it.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <stdlib.h>

#include "modules/ios/common.h"

static const struct vg_loc tcc_locs[] = {
    {VG_LOC_BACKUP, "HomeDomain", "Library/TCC/TCC.db"},
    {VG_LOC_FS, NULL, "private/var/mobile/Library/TCC/TCC.db"},
    /* a sysdiagnose copies the same database here (SAF's accessibility_tcc) */
    {VG_LOC_SYSDIAG, NULL, "logs/Accessibility/TCC.db"},
};

/* The columns come under the record's keys; the row turns the codes into
 * MVT's names and the time into its isodate. */
static const char sql_v3[] = "SELECT service, client, client_type, auth_value, "
                             "auth_reason AS auth_reason_desc, last_modified FROM access";
static const char sql_v2[] = "SELECT service, client, client_type, allowed AS allowed_value, "
                             "prompt_count, last_modified FROM access";
static const char sql_v1[] = "SELECT service, client, client_type, allowed AS allowed_value, "
                             "prompt_count FROM access";

enum {
    F_SERVICE,
    F_CLIENT,
    F_CLIENT_TYPE,
    F_AUTH_VALUE,
    F_AUTH_REASON_DESC,
    F_ALLOWED_VALUE,
    F_LAST_MODIFIED
};
static const char *const tcc_fields[] = {
    "service",          "client",        "client_type",   "auth_value",
    "auth_reason_desc", "allowed_value", "last_modified",
};

static const char *const auth_values[] = {"denied", "unknown", "allowed", "limited"};
static const char *const auth_values_old[] = {"denied", "allowed"};
static const char *const auth_reasons[] = {
    NULL,
    "error",
    "user_consent",
    "user_set",
    "system_set",
    "service_policy",
    "mdm_policy",
    "override_policy",
    "missing_usage_string",
    "prompt_timeout",
    "preflight_unknown",
    "entitled",
    "app_type_policy",
};

/* A column's integer value, also from an integral REAL (Python's dict
 * lookup treats 2.0 as 2). Returns 0 when there is none. */
static int col_int(sqlite3_stmt *st, int i, int64_t *out)
{
    double d;

    switch (sqlite3_column_type(st, i)) {
    case SQLITE_INTEGER:
        *out = sqlite3_column_int64(st, i);
        return 1;
    case SQLITE_FLOAT:
        d = sqlite3_column_double(st, i);
        if (d < -1e15 || d > 1e15 || d != (double)(int64_t)d)
            return 0;
        *out = (int64_t)d;
        return 1;
    default:
        return 0;
    }
}

/* names[value], or dflt when the value is not a known index. */
static const char *lookup(sqlite3_stmt *st, int i, const char *const *names, size_t n,
                          const char *dflt)
{
    int64_t v;

    if (!col_int(st, i, &v) || v < 0 || (uint64_t)v >= n || !names[v])
        return dflt;
    return names[v];
}

static const char *client_type(sqlite3_stmt *st)
{
    int64_t v;
    return col_int(st, 2, &v) && v == 0 ? "bundle_id" : "absolute_path";
}

/* The camera and microphone grants are the ones worth a line on the console. */
static void log_device(struct vg_run *run, const struct vg_rec *r, const char *access)
{
    const char *service = vg_rec_text(r, F_SERVICE), *device;

    if (!service)
        return;
    if (strcmp(service, "kTCCServiceMicrophone") == 0)
        device = "microphone";
    else if (strcmp(service, "kTCCServiceCamera") == 0)
        device = "camera";
    else
        return;
    vg_run_log(run, VG_DIAG_INFO, "Found client \"%s\" with access %s to %s on %s",
               vg_rec_time(r, F_CLIENT), access, device, vg_rec_time(r, F_LAST_MODIFIED));
}

/* The codes are read from the statement (the record's values are being
 * replaced); the time is seconds since 1970. */
static void set_common(struct vg_rec *r, sqlite3_stmt *st)
{
    char buf[VG_ISODATE_LEN + 1];

    vg_rec_set_text(r, F_CLIENT_TYPE, client_type(st));
    if (vg_rec_key(r, F_LAST_MODIFIED) >= 0)
        vg_rec_set_text(r, F_LAST_MODIFIED, vg_val_unix_iso(vg_rec_val(r, F_LAST_MODIFIED), buf));
}

static int row_v3(struct vg_run *run, struct vg_rec *r, sqlite3_stmt *st)
{
    const char *value = lookup(st, 3, auth_values, VG_ARRAY_LEN(auth_values), "");

    set_common(r, st);
    vg_rec_set_text(r, F_AUTH_VALUE, value);
    vg_rec_set_text(r, F_AUTH_REASON_DESC,
                    lookup(st, 4, auth_reasons, VG_ARRAY_LEN(auth_reasons), "unknown"));
    log_device(run, r, value);
    return VG_OK;
}

static int row_old(struct vg_run *run, struct vg_rec *r, sqlite3_stmt *st)
{
    const char *value = lookup(st, 3, auth_values_old, VG_ARRAY_LEN(auth_values_old), "");

    set_common(r, st);
    vg_rec_set_text(r, F_ALLOWED_VALUE, value);
    log_device(run, r, value);
    return VG_OK;
}

/* Deleted grants: a revoked permission leaves its row in free space. */
static const struct vg_recover_spec tcc_recover = {"access", NULL, 0};
static const struct vg_db_query query_v3 = {.sql = sql_v3, .row = row_v3, .recover = &tcc_recover};
static const struct vg_db_query query_v2 = {.sql = sql_v2, .row = row_old, .recover = &tcc_recover};
static const struct vg_db_query query_v1 = {.sql = sql_v1, .row = row_old, .recover = &tcc_recover};

static int has_columns(sqlite3 *db, const char *const *cols)
{
    for (; *cols; cols++)
        if (!vg_sqlite_has_column(db, "access", *cols))
            return 0;
    return 1;
}

static int tcc_db(struct vg_run *run, const struct vg_file *f, sqlite3 *db, void *ud)
{
    static const char *const v3[] = {"auth_value", "auth_reason", "last_modified", NULL};
    static const char *const v2[] = {"allowed", "prompt_count", "last_modified", NULL};
    static const char *const v1[] = {"allowed", "prompt_count", NULL};
    (void)ud;

    if (has_columns(db, v3))
        return vg_db_query_records(run, f, db, &query_v3);
    if (has_columns(db, v2))
        return vg_db_query_records(run, f, db, &query_v2);
    if (has_columns(db, v1))
        return vg_db_query_records(run, f, db, &query_v1);
    vg_run_log(run, VG_DIAG_WARN, "%s: no access table in a known TCC schema", f->display);
    vg_run_coverage(run, VG_COV_UNREADABLE, f->display, "no access table in a known TCC schema");
    return VG_OK;
}

static int tcc_extract(struct vg_run *run)
{
    return vg_db_each(run, tcc_db, NULL);
}

/* the grant's time dates the alert (MVT: none) */
static void tcc_check_one(struct vg_run *run, const struct vg_rec *r)
{
    vg_check_process(run, VG_LEVEL_CRITICAL, r, vg_rec_text(r, F_CLIENT),
                     vg_rec_time(r, F_LAST_MODIFIED));
}

static void tcc_timeline(struct vg_run *run, const struct vg_rec *r)
{
    char b1[VG_PY_BUF], b2[VG_PY_BUF], b3[VG_PY_BUF];
    const char *access;
    char *msg;

    if (vg_rec_key(r, F_LAST_MODIFIED) < 0)
        return;
    access = vg_rec_key(r, F_ALLOWED_VALUE) >= 0 ? vg_val_py(vg_rec_val(r, F_ALLOWED_VALUE), b1)
                                                 : vg_val_py(vg_rec_val(r, F_AUTH_VALUE), b1);
    msg = vg_asprintf("Access to %s by %s %s", vg_val_py(vg_rec_val(r, F_SERVICE), b2),
                      vg_val_py(vg_rec_val(r, F_CLIENT), b3), access);
    if (!msg) {
        vg_run_nomem(run);
        return;
    }
    vg_run_timeline(run, vg_rec_time(r, F_LAST_MODIFIED), "AccessRequest", msg);
    free(msg);
}

const struct vg_module vg_mod_tcc = {
    .name = "tcc",
    .class_name = "TCC",
    .description = "privacy permissions per app from TCC.db; process indicators on the client",
    .locs = tcc_locs,
    .n_locs = VG_ARRAY_LEN(tcc_locs),
    .fields = tcc_fields,
    .n_fields = VG_ARRAY_LEN(tcc_fields),
    .extract = tcc_extract,
    .check_record = tcc_check_one, /* streamed */
    .timeline = tcc_timeline,
};
