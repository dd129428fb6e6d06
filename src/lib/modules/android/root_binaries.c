/*
 * RootBinaries: the root tools androidqf found on the phone's PATH
 * (root_binaries.json: `which -a` for su, busybox, magisk and their kin).
 * Every one is a HIGH alert (MVT's): a rooted phone has lost the
 * protections an attacker would otherwise have to break.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include "formats/android/aqf_json.h"
#include "modules/android/common.h"

static const struct vg_loc rb_locs[] = {
    {VG_LOC_AQF, NULL, "root_binaries.json"},
};

enum { F_PATH, F_NAME };
static const char *const rb_fields[] = {"path", "binary_name"};

static int rb_parse(struct vg_run *run, const struct vg_file *f, const unsigned char *data,
                    size_t len, struct vg_aqf_sink *s, void *ud)
{
    VG_UNUSED(run);
    VG_UNUSED(f);
    VG_UNUSED(ud);
    return vg_aqf_root_binaries_parse(data, len, s);
}

static int rb_extract(struct vg_run *run)
{
    int rc = vg_android_each_file(run, &rb_locs[0], 1, rb_parse, NULL, NULL);

    vg_run_log(run, VG_DIAG_INFO, "Found %zu root binaries", vg_run_record_count(run));
    return rc;
}

static void rb_check(struct vg_run *run, const struct vg_rec *r)
{
    vg_run_alert(run, VG_LEVEL_HIGH, r, NULL, "", VG_AQF_ROOT_BINARY_MSG, vg_rec_time(r, F_NAME),
                 vg_rec_time(r, F_PATH));
}

static void rb_finish(struct vg_run *run)
{
    size_t n = vg_run_record_count(run);

    if (n)
        vg_run_log(run, VG_DIAG_WARN, "Device shows signs of rooting with %zu root binaries found",
                   n);
}

static void rb_timeline(struct vg_run *run, const struct vg_rec *r)
{
    char *desc = vg_asprintf("Root binary found: %s (binary: %s)", vg_rec_time(r, F_PATH),
                             vg_rec_time(r, F_NAME));

    if (!desc) {
        vg_run_nomem(run);
        return;
    }
    /* no time: MVT's event has none either */
    vg_run_timeline(run, "", "root_binary_found", desc);
    free(desc);
}

const struct vg_module vg_mod_root_binaries = {
    .name = "root_binaries",
    .class_name = "RootBinaries",
    .description = "root tools found on the phone (root_binaries.json): su, busybox, magisk",
    .locs = rb_locs,
    .n_locs = VG_ARRAY_LEN(rb_locs),
    .fields = rb_fields,
    .n_fields = VG_ARRAY_LEN(rb_fields),
    .extract = rb_extract,
    .check_record = rb_check,
    .check_finish = rb_finish,
    .timeline = rb_timeline,
};
