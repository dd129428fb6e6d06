/*
 * Mounts: the phone's mount table (mounts.json, androidqf 1.8.0 on: `mount`
 * and /proc/mounts). A system partition mounted read-write is a sign of
 * root (HIGH), suspicious options on one (rw, remount, noatime,
 * nodiratime) are MEDIUM; with indicators, mount points and devices are
 * checked as file paths. MVT's checks and messages.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include "formats/android/aqf_json.h"
#include "formats/android/mounts.h"
#include "modules/android/common.h"
#include "util/buf.h"

static const struct vg_loc mnt_locs[] = {
    {VG_LOC_AQF, NULL, "mounts.json"},
};

enum { F_DEVICE, F_POINT, F_TYPE, F_OPTIONS, F_LIST, F_SYSTEM, F_RW };
static const char *const mnt_fields[] = {
    "device",       "mount_point",         "filesystem_type", "mount_options",
    "options_list", "is_system_partition", "is_read_write",
};

static int mnt_parse(struct vg_run *run, const struct vg_file *f, const unsigned char *data,
                     size_t len, struct vg_aqf_sink *s, void *ud)
{
    VG_UNUSED(run);
    VG_UNUSED(f);
    VG_UNUSED(ud);
    return vg_aqf_mounts_parse(data, len, s);
}

static int mnt_extract(struct vg_run *run)
{
    int rc = vg_android_each_file(run, &mnt_locs[0], 1, mnt_parse, NULL, NULL);

    vg_run_log(run, VG_DIAG_INFO, "Extracted a total of %zu mount entries",
               vg_run_record_count(run));
    return rc;
}

/* The options MVT finds suspicious, joined by ", "; "" when none. */
static char *suspicious_options(const json_t *list)
{
    struct vg_buf b;
    const json_t *o;
    size_t i;
    int rc = VG_OK;

    vg_buf_init(&b, VG_MAX_MESSAGE);
    json_array_foreach(list, i, o)
    {
        const char *opt = json_string_value(o);
        if (!opt || !vg_mounts_suspicious_option(opt))
            continue;
        if (b.len)
            rc = vg_buf_append_str(&b, ", ");
        if (rc == VG_OK)
            rc = vg_buf_append_str(&b, opt);
        if (rc != VG_OK)
            break;
    }
    if (rc != VG_OK) {
        vg_buf_free(&b);
        return NULL;
    }
    return vg_buf_take(&b);
}

static void mnt_check_system(struct vg_run *run, const struct vg_rec *r, const char *point)
{
    const char *opts = vg_rec_text(r, F_OPTIONS);
    char *sus;

    if (vg_val_truthy(vg_rec_val(r, F_RW))) {
        if (strcmp(point, "/system") == 0)
            vg_run_alert(run, VG_LEVEL_HIGH, r, NULL, "", VG_MOUNTS_MSG_SYSTEM_RW);
        else
            vg_run_alert(run, VG_LEVEL_HIGH, r, NULL, "", VG_MOUNTS_MSG_RW, point);
    }
    sus = suspicious_options(vg_rec_json(r, F_LIST));
    if (!sus) {
        vg_run_nomem(run);
        return;
    }
    if (*sus && !(opts && strstr(opts, "noatime") && vg_mounts_noatime_allowed(point)))
        vg_run_alert(run, VG_LEVEL_MEDIUM, r, NULL, "", VG_MOUNTS_MSG_OPTIONS, point, sus);
    free(sus);
}

static void mnt_check(struct vg_run *run, const struct vg_rec *r)
{
    const char *point = vg_rec_text(r, F_POINT);

    if (point && vg_val_truthy(vg_rec_val(r, F_SYSTEM)))
        mnt_check_system(run, r, point);
    vg_check_file_path(run, VG_LEVEL_CRITICAL, r, point, "");
    vg_check_file_path(run, VG_LEVEL_CRITICAL, r, vg_rec_text(r, F_DEVICE), "");
}

const struct vg_module vg_mod_mounts = {
    .name = "mounts",
    .class_name = "Mounts",
    .description = "mount table (mounts.json): system partitions mounted read-write, suspicious "
                   "options, paths",
    .locs = mnt_locs,
    .n_locs = VG_ARRAY_LEN(mnt_locs),
    .fields = mnt_fields,
    .n_fields = VG_ARRAY_LEN(mnt_fields),
    .extract = mnt_extract,
    .check_record = mnt_check,
};
