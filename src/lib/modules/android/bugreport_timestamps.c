/*
 * BugReportTimestamps: the modification time of every file the bugreport
 * copied from the phone (its FS/ folder: tombstones, ANR traces, ...),
 * {path, modified_time} as MVT records it, for the timeline ("M---"). The
 * time is the zip entry's (the phone's local time, as dumpstate wrote it)
 * or the unzipped file's, shown in this machine's time zone as MVT shows
 * it. Nothing to check: the records place events in time.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include "scan/checks.h"

static const struct vg_loc ts_locs[] = {
    {VG_LOC_BUGREPORT_LISTING, NULL, NULL},
};

enum { F_PATH, F_MODIFIED };
static const char *const ts_fields[] = {"path", "modified_time"};

static int ts_entry(struct vg_run *run, const struct vg_file *f, void *ud)
{
    const struct vg_schema *s = ud;
    char when[VG_ISODATE_LEN + 1];
    struct vg_rec *r;

    /* MVT lists the files under FS/, at any depth (its fnmatch "*" crosses folders) */
    if (strncmp(f->path, "FS/", 3) != 0 || (f->flags & VG_FILE_DIR))
        return VG_OK;
    if (!(f->st.has & VG_ST_MTIME) || vg_isodate_local(f->st.mtime, f->st.mtime_ns, when) != VG_OK)
        when[0] = '\0';
    r = vg_run_rec(run, s);
    if (!r)
        return VG_E_NOMEM;
    vg_rec_set_text(r, F_PATH, f->path);
    if (when[0])
        vg_rec_set_text(r, F_MODIFIED, when);
    else
        vg_rec_set_null(r, F_MODIFIED);
    return vg_run_emit(run, r);
}

static int ts_extract(struct vg_run *run)
{
    const struct vg_schema *s = NULL;
    int rc = vg_run_schema(run, ts_fields, VG_ARRAY_LEN(ts_fields), &s);

    if (rc == VG_OK)
        rc = vg_run_find_all(run, ts_entry, (void *)s);
    vg_run_log(run, VG_DIAG_INFO, "Extracted a total of %zu filesystem timestamps from bugreport.",
               vg_run_record_count(run));
    return rc;
}

static void ts_timeline(struct vg_run *run, const struct vg_rec *r)
{
    const char *when = vg_rec_text(r, F_MODIFIED);

    if (when && *when)
        vg_run_timeline(run, when, "M---", vg_rec_time(r, F_PATH));
}

const struct vg_module vg_mod_bugreport_timestamps = {
    .name = "bugreport_timestamps",
    .class_name = "BugReportTimestamps",
    .description = "modification times of the files the bugreport copied (FS/), for the timeline",
    .locs = ts_locs,
    .n_locs = VG_ARRAY_LEN(ts_locs),
    .fields = ts_fields,
    .n_fields = VG_ARRAY_LEN(ts_fields),
    .extract = ts_extract,
    .timeline = ts_timeline,
};
