/*
 * DumpsysDBInfo: the SQL statements SQLite connection pools ran recently
 * ({isodate, action, sql, path[, pid]}, MVT's). Checks every folder name
 * of the database's path against app indicators (an app's databases lie
 * under /data/user/0/<package>/).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include "modules/android/dumpsys_common.h"

static const struct vg_loc dbinfo_locs[] = {
    {VG_LOC_DUMPSYS, "ignore", "dbinfo"},
};

enum { F_PATH };
static const char *const dbinfo_fields[] = {"path"};

static int dbinfo_extract(struct vg_run *run)
{
    int rc = vg_android_dumpsys_run(run, VG_DUMPSYS_DBINFO);

    vg_run_log(run, VG_DIAG_INFO, "Extracted a total of %zu database connection pool records",
               vg_run_record_count(run));
    return rc;
}

/* MVT checks every part and may raise one alert per matching part. */
static void dbinfo_check(struct vg_run *run, const struct vg_rec *r)
{
    const char *path = vg_rec_text(r, F_PATH), *p, *slash;
    char part[VG_MAX_IOC_VALUE + 1];
    size_t n;

    for (p = path; p; p = slash ? slash + 1 : NULL) {
        slash = strchr(p, '/');
        n = slash ? (size_t)(slash - p) : strlen(p);
        if (n == 0 || n > VG_MAX_IOC_VALUE)
            continue;
        memcpy(part, p, n);
        part[n] = '\0';
        vg_check_app_id(run, VG_LEVEL_CRITICAL, r, part, "");
    }
}

const struct vg_module vg_mod_dumpsys_dbinfo = {
    .name = "dbinfo",
    .class_name = "DumpsysDBInfo",
    .description = "recent SQL statements per database (dumpsys dbinfo): app indicators in "
                   "database paths",
    .locs = dbinfo_locs,
    .n_locs = VG_ARRAY_LEN(dbinfo_locs),
    .fields = dbinfo_fields,
    .n_fields = VG_ARRAY_LEN(dbinfo_fields),
    .extract = dbinfo_extract,
    .check_record = dbinfo_check,
};
