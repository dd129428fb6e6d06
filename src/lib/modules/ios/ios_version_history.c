/*
 * IOSVersionHistory: the iOS version each analytics journal
 * (private/var/db/analyticsd/Analytics-Journal-*.ips) was written under,
 * from the JSON of its first line, sorted by time, as MVT's
 * IOSVersionHistory reads them: the phone's update history. No check.
 *
 * The first line is the .ips header crash reports have too: it is read by
 * formats/apple/ips.c (its "timestamp" with its zone to UTC, its
 * "os_version").
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <stdlib.h>

#include "formats/apple/ips.h"
#include "io/io.h"
#include "modules/ios/common.h"
#include "modules/ios/fs_common.h"

static const struct vg_loc vh_locs[] = {
    {VG_LOC_FS, NULL, "private/var/db/analyticsd/Analytics-Journal-*.ips"},
};

enum { F_ISODATE, F_OS_VERSION };
static const char *const vh_fields[] = {"isodate", "os_version"};

/* The first line of the file (at most VG_MAX_JOURNAL_LINE bytes). */
static int first_line(struct vg_run *run, const struct vg_file *f, char *buf, size_t *len)
{
    struct vg_io *io = NULL;
    size_t got = 0;
    char *nl;
    int rc = vg_run_open(run, f, &io);

    if (rc != VG_OK)
        return rc;
    rc = vg_io_read_at(io, 0, buf, VG_MAX_JOURNAL_LINE, &got);
    vg_io_free(io);
    if (rc != VG_OK) {
        vg_run_coverage(run, VG_COV_UNREADABLE, f->display, "%s", vg_strerror(rc));
        vg_run_log(run, VG_DIAG_WARN, "cannot read %s: %s", f->display, vg_strerror(rc));
        return rc;
    }
    nl = memchr(buf, '\n', got);
    if (!nl && got == VG_MAX_JOURNAL_LINE) {
        vg_run_coverage(run, VG_COV_UNREADABLE, f->display, "first line longer than %u bytes",
                        VG_MAX_JOURNAL_LINE);
        vg_run_log(run, VG_DIAG_WARN, "%s: first line longer than %u bytes", f->display,
                   VG_MAX_JOURNAL_LINE);
        return VG_E_LIMIT;
    }
    *len = nl ? (size_t)(nl - buf) : got;
    return VG_OK;
}

static int vh_file(struct vg_run *run, const struct vg_file *f, void *ud)
{
    char *buf = vg_malloc(VG_MAX_JOURNAL_LINE);
    json_t *h = NULL, *obj;
    size_t len = 0;
    int rc;

    if (!buf)
        return VG_E_NOMEM;
    rc = first_line(run, f, buf, &len);
    if (rc == VG_OK)
        rc = vg_ips_parse(buf, len, f->display, vg_run_diag(run), &h);
    free(buf);
    if (rc == VG_E_NOMEM)
        return rc;
    if (rc != VG_OK || !json_object_get(h, "timestamp") ||
        !json_string_length(json_object_get(h, "timestamp"))) {
        if (rc == VG_OK || rc == VG_E_CORRUPT) {
            vg_run_coverage(run, VG_COV_UNREADABLE, f->display, "no JSON first line with a time");
            vg_run_log(run, VG_DIAG_WARN, "%s: no JSON first line with a time", f->display);
        }
        json_decref(h);
        return VG_OK;
    }
    if (!*json_string_value(json_object_get(h, "isodate")))
        vg_run_log(run, VG_DIAG_WARN, "%s: time \"%s\" has no zone, left without isodate",
                   f->display, json_string_value(json_object_get(h, "timestamp")));
    obj = json_pack("{s:O, s:O}", "isodate", json_object_get(h, "isodate"), "os_version",
                    json_object_get(h, "os_version"));
    json_decref(h);
    return vg_sorted_add(run, ud, obj);
}

static int vh_extract(struct vg_run *run)
{
    struct vg_sorted s;
    int rc;

    memset(&s, 0, sizeof(s));
    rc = vg_run_find_all(run, vh_file, &s);
    if (rc != VG_OK) {
        vg_sorted_free(&s);
        return rc;
    }
    return vg_sorted_emit(run, &s, "isodate");
}

static void vh_timeline(struct vg_run *run, const struct vg_rec *r)
{
    char b[VG_PY_BUF];
    char *data = vg_asprintf("Recorded iOS version %s", vg_val_py(vg_rec_val(r, F_OS_VERSION), b));

    if (!data) {
        vg_run_nomem(run);
        return;
    }
    vg_run_timeline(run, vg_rec_time(r, F_ISODATE), "ios_version", data);
    free(data);
}

const struct vg_module vg_mod_ios_version_history = {
    .name = "ios_version_history",
    .class_name = "IOSVersionHistory",
    .description = "the iOS version of each analytics journal: the phone's update history",
    .locs = vh_locs,
    .n_locs = VG_ARRAY_LEN(vh_locs),
    .fields = vh_fields,
    .n_fields = VG_ARRAY_LEN(vh_fields),
    .extract = vh_extract,
    .timeline = vh_timeline,
};
