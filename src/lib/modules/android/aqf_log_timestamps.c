/*
 * AQFLogTimestamps: when each log file androidqf pulled from the phone
 * (logs/: /data/anr, /data/log, /sdcard/log, uiderrors.txt, kmsg, pstore)
 * was last modified, for the timeline. No checks (MVT has none). Records
 * {path, modified_time}: the path from the acquisition's root, the time the
 * folder or the zip records, as the device's wall clock (persist.sys.timezone
 * in getprop.txt, else UTC), as every Android time in the timeline.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include "modules/android/common.h"
#include "util/tz.h"

static const struct vg_loc logs_locs[] = {
    {VG_LOC_AQF_LISTING, NULL, NULL},
    /* read for the device's time zone */
    {VG_LOC_AQF, NULL, "getprop.txt"},
};

enum { F_PATH, F_MTIME };
static const char *const logs_fields[] = {"path", "modified_time"};

/* What MVT's fnmatch pattern (a star, "/logs/", a star; its stars cross
 * "/") takes: a file anywhere below a folder named logs. */
static int in_logs(const char *path)
{
    return strncmp(path, "logs/", 5) == 0 || strstr(path, "/logs/") != NULL;
}

struct logs_ctx {
    const struct vg_schema *s;
    struct vg_tz *zone; /* NULL: UTC */
};

static int logs_visit(struct vg_run *run, const struct vg_file *f, void *ud)
{
    struct logs_ctx *c = ud;
    char iso[VG_ISODATE_LEN + 1];
    struct vg_rec *r;

    if ((f->flags & (VG_FILE_DIR | VG_FILE_LINK | VG_FILE_OTHER)) || !in_logs(f->path))
        return VG_OK;
    if (!(f->st.has & VG_ST_MTIME) || f->st.mtime < INT64_MIN / 2 || f->st.mtime > INT64_MAX / 2 ||
        vg_isodate(f->st.mtime + (c->zone ? vg_tz_offset(c->zone, f->st.mtime) : 0),
                   f->st.mtime_ns / 1000, iso) != VG_OK)
        iso[0] = '\0';
    r = vg_run_rec(run, c->s);
    if (!r)
        return VG_E_NOMEM;
    vg_rec_set_text(r, F_PATH, f->path);
    vg_rec_set_text(r, F_MTIME, iso);
    return vg_run_emit(run, r);
}

static int logs_extract(struct vg_run *run)
{
    struct logs_ctx c;
    int rc = vg_run_schema(run, logs_fields, VG_ARRAY_LEN(logs_fields), &c.s);

    c.zone = NULL;
    if (rc == VG_OK) {
        c.zone = vg_android_device_zone(run, &logs_locs[1]);
        rc = vg_run_find(run, &logs_locs[0], logs_visit, &c);
        rc = rc < 0 && rc != VG_E_NOTFOUND ? rc : VG_OK;
    }
    vg_tz_free(c.zone);
    vg_run_log(run, VG_DIAG_INFO,
               "Extracted a total of %zu filesystem timestamps from AndroidQF logs directory.",
               vg_run_record_count(run));
    return rc;
}

static void logs_timeline(struct vg_run *run, const struct vg_rec *r)
{
    const char *t = vg_rec_time(r, F_MTIME);

    if (*t)
        vg_run_timeline(run, t, "M---", vg_rec_time(r, F_PATH));
}

const struct vg_module vg_mod_aqf_log_timestamps = {
    .name = "aqf_log_timestamps",
    .class_name = "AQFLogTimestamps",
    .description = "modification times of the log files androidqf pulled (logs/), for the "
                   "timeline",
    .locs = logs_locs,
    .n_locs = VG_ARRAY_LEN(logs_locs),
    .fields = logs_fields,
    .n_fields = VG_ARRAY_LEN(logs_fields),
    .extract = logs_extract,
    .timeline = logs_timeline,
};
