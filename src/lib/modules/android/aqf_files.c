/*
 * AQFFiles: the files androidqf listed on the phone (files.json: /sdcard,
 * /system, /data/local/tmp and other readable places), each with its mode,
 * owner, times (written as the device's wall clock, from
 * persist.sys.timezone in getprop.txt, else UTC, as MVT writes them) and,
 * when collected, hashes. Flags files under /data/local/tmp/ (where exploits
 * and implants are dropped; androidqf's own collector excepted), HIGH, and,
 * with indicators, paths and file names, then SHA-256, SHA-1 and MD5
 * hashes, CRITICAL. Timeline: one event per distinct time (M, A, C).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include "formats/android/aqf_checks.h"
#include "formats/android/aqf_json.h"
#include "modules/android/common.h"
#include "util/tz.h"

static const struct vg_loc files_locs[] = {
    {VG_LOC_AQF, NULL, "files.json"},
    /* read for the device's time zone */
    {VG_LOC_AQF, NULL, "getprop.txt"},
};

enum { F_PATH, F_MODE, F_CONTEXT, F_SHA256, F_SHA1, F_MD5, F_MTIME, F_ATIME, F_CTIME };
static const char *const files_fields[] = {
    "path", "mode",          "context",     "sha256",       "sha1",
    "md5",  "modified_time", "access_time", "changed_time",
};

static int tz_offset(void *ud, int64_t utc, int64_t *offset)
{
    *offset = vg_tz_offset(ud, utc);
    return VG_OK;
}

static int files_parse(struct vg_run *run, const struct vg_file *f, const unsigned char *data,
                       size_t len, struct vg_aqf_sink *s, void *ud)
{
    struct vg_aqf_tz tz = {tz_offset, ud};

    VG_UNUSED(run);
    VG_UNUSED(f);
    return vg_aqf_files_parse(data, len, ud ? &tz : NULL, s);
}

static int files_extract(struct vg_run *run)
{
    struct vg_tz *z = NULL;
    int rc;

    z = vg_android_device_zone(run, &files_locs[1]);
    rc = vg_android_each_file(run, &files_locs[0], 1, files_parse, z, NULL);
    vg_tz_free(z);
    vg_run_log(run, VG_DIAG_INFO, "Found a total of %zu files", vg_run_record_count(run));
    return rc;
}

/* ---- checks ---- */

static void files_check(struct vg_run *run, const struct vg_rec *r)
{
    static const int hashes[] = {F_SHA256, F_SHA1, F_MD5};
    const char *path = vg_rec_text(r, F_PATH);
    size_t i;

    if (vg_check_file_path(run, VG_LEVEL_CRITICAL, r, path, ""))
        return;
    if (!path || strcmp(path, VG_AQF_COLLECTOR_PATH) == 0)
        return;
    if (vg_aqf_file_suspicious(path))
        vg_run_alert(run, VG_LEVEL_HIGH, r, NULL, "", VG_AQF_FILE_MSG,
                     vg_aqf_mode_executable(vg_rec_text(r, F_MODE)) ? "executable " : "", path);
    for (i = 0; i < VG_ARRAY_LEN(hashes); i++)
        if (vg_check_hash(run, VG_LEVEL_CRITICAL, r, vg_rec_text(r, hashes[i]), ""))
            break;
}

/* One event per distinct time, in a fixed order (M, then A, then C). */
static void files_timeline(struct vg_run *run, const struct vg_rec *r)
{
    const char *m = vg_rec_time(r, F_MTIME), *a = vg_rec_time(r, F_ATIME);
    const char *c = vg_rec_time(r, F_CTIME), *times[3], *path = vg_rec_text(r, F_PATH);
    const char *ctx = vg_rec_text(r, F_CONTEXT);
    char *desc;
    size_t i;

    times[0] = m;
    times[1] = a;
    times[2] = c;
    desc =
        ctx && *ctx ? vg_asprintf("%s (%s)", path ? path : "", ctx) : vg_strdup(path ? path : "");
    if (!desc) {
        vg_run_nomem(run);
        return;
    }
    for (i = 0; i < 3; i++) {
        char macb[5];
        if (!*times[i] || (i > 0 && strcmp(times[i], m) == 0) ||
            (i > 1 && strcmp(times[i], a) == 0))
            continue;
        macb[0] = strcmp(times[i], m) == 0 ? 'M' : '-';
        macb[1] = strcmp(times[i], a) == 0 ? 'A' : '-';
        macb[2] = strcmp(times[i], c) == 0 ? 'C' : '-';
        macb[3] = '-';
        macb[4] = '\0';
        vg_run_timeline(run, times[i], macb, desc);
    }
    free(desc);
}

const struct vg_module vg_mod_aqf_files = {
    .name = "aqf_files",
    .class_name = "AQFFiles",
    .description = "files listed on the phone (files.json): paths, names and hashes; files in "
                   "/data/local/tmp/",
    .locs = files_locs,
    .n_locs = VG_ARRAY_LEN(files_locs),
    .fields = files_fields,
    .n_fields = VG_ARRAY_LEN(files_fields),
    .extract = files_extract,
    .check_record = files_check,
    .timeline = files_timeline,
};
