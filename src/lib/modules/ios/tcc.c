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
#include "modules/ios/list.h"

static const struct vg_artifact tcc_artifacts[] = {
    {"HomeDomain", "Library/TCC/TCC.db", "private/var/mobile/Library/TCC/TCC.db"},
};

static const char sql_v3[] = "SELECT service, client, client_type, auth_value, auth_reason, "
                             "last_modified FROM access";
static const char sql_v2[] = "SELECT service, client, client_type, allowed, prompt_count, "
                             "last_modified FROM access";
static const char sql_v1[] = "SELECT service, client, client_type, allowed, prompt_count "
                             "FROM access";

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
static void log_device(struct vg_run *run, const json_t *rec, const char *access)
{
    const char *service = vg_rec_str(rec, "service"), *device;

    if (!service)
        return;
    if (strcmp(service, "kTCCServiceMicrophone") == 0)
        device = "microphone";
    else if (strcmp(service, "kTCCServiceCamera") == 0)
        device = "camera";
    else
        return;
    vg_run_log(run, VG_DIAG_INFO, "Found client \"%s\" with access %s to %s on %s",
               vg_rec_time(rec, "client"), access, device, vg_rec_time(rec, "last_modified"));
}

static json_t *row_v3(struct vg_run *run, sqlite3_stmt *st)
{
    const char *value = lookup(st, 3, auth_values, VG_ARRAY_LEN(auth_values), "");
    json_t *row = vg_sqlite_row_json(st), *rec;

    if (!row)
        return NULL;
    rec = json_pack("{s:O?, s:O?, s:s, s:s, s:s, s:o}", "service", json_object_get(row, "service"),
                    "client", json_object_get(row, "client"), "client_type", client_type(st),
                    "auth_value", value, "auth_reason_desc",
                    lookup(st, 4, auth_reasons, VG_ARRAY_LEN(auth_reasons), "unknown"),
                    "last_modified", vg_col_unix_iso(st, 5));
    json_decref(row);
    if (rec)
        log_device(run, rec, value);
    return rec;
}

static json_t *row_old(struct vg_run *run, sqlite3_stmt *st, int has_time)
{
    const char *value = lookup(st, 3, auth_values_old, VG_ARRAY_LEN(auth_values_old), "");
    json_t *row = vg_sqlite_row_json(st), *rec;

    if (!row)
        return NULL;
    rec = json_pack("{s:O?, s:O?, s:s, s:s, s:O?}", "service", json_object_get(row, "service"),
                    "client", json_object_get(row, "client"), "client_type", client_type(st),
                    "allowed_value", value, "prompt_count", json_object_get(row, "prompt_count"));
    json_decref(row);
    if (rec && has_time)
        json_object_set_new(rec, "last_modified", vg_col_unix_iso(st, 5));
    if (rec)
        log_device(run, rec, value);
    return rec;
}

static json_t *row_v2(struct vg_run *run, sqlite3_stmt *st)
{
    return row_old(run, st, 1);
}

static json_t *row_v1(struct vg_run *run, sqlite3_stmt *st)
{
    return row_old(run, st, 0);
}

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
        return vg_ios_query_records(run, f, db, sql_v3, row_v3);
    if (has_columns(db, v2))
        return vg_ios_query_records(run, f, db, sql_v2, row_v2);
    if (has_columns(db, v1))
        return vg_ios_query_records(run, f, db, sql_v1, row_v1);
    vg_run_log(run, VG_DIAG_WARN, "%s: no access table in a known TCC schema", f->display);
    vg_run_coverage(run, VG_COV_UNREADABLE, f->display, "no access table in a known TCC schema");
    return VG_OK;
}

static int tcc_extract(struct vg_run *run)
{
    return vg_ios_each_db(run, tcc_db, NULL);
}

static void tcc_check(struct vg_run *run)
{
    json_t *rec;
    size_t i;

    /* the grant's time dates the alert (MVT: none) */
    json_array_foreach(vg_run_records(run), i, rec) vg_check_process(
        run, VG_LEVEL_CRITICAL, rec, vg_rec_str(rec, "client"), vg_rec_time(rec, "last_modified"));
}

static void tcc_timeline(struct vg_run *run, const json_t *rec)
{
    char b1[VG_PY_BUF], b2[VG_PY_BUF], b3[VG_PY_BUF];
    const char *access;
    char *msg;

    if (!json_object_get(rec, "last_modified"))
        return;
    access = json_object_get(rec, "allowed_value")
                 ? vg_py_str(json_object_get(rec, "allowed_value"), b1)
                 : vg_py_str(json_object_get(rec, "auth_value"), b1);
    msg = vg_asprintf("Access to %s by %s %s", vg_py_str(json_object_get(rec, "service"), b2),
                      vg_py_str(json_object_get(rec, "client"), b3), access);
    if (!msg) {
        vg_run_log(run, VG_DIAG_ERROR, "out of memory building a timeline event");
        return;
    }
    vg_run_timeline(run, vg_rec_time(rec, "last_modified"), "AccessRequest", msg);
    free(msg);
}

const struct vg_module vg_mod_tcc = {
    .name = "tcc",
    .class_name = "TCC",
    .description = "privacy permissions per app from TCC.db; process indicators on the client",
    .sources = VG_SRC_MIXED,
    .artifacts = tcc_artifacts,
    .n_artifacts = VG_ARRAY_LEN(tcc_artifacts),
    .extract = tcc_extract,
    .check = tcc_check,
    .timeline = tcc_timeline,
};
