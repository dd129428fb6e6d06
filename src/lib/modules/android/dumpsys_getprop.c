/*
 * DumpsysGetProp: the system properties of dumpstate's SYSTEM PROPERTIES
 * block ({name, value}, MVT's), read with the getprop parser. Flags a
 * security patch level more than six months old (MEDIUM) and, with
 * indicators, property names that are Android property indicators. MVT
 * reads the block only from a bugreport's dumpstate (a dumpsys.txt has
 * none).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <time.h>

#include "formats/android/aqf.h"
#include "formats/android/getprop.h"
#include "modules/android/dumpsys_common.h"

static const struct vg_loc prop_locs[] = {
    {VG_LOC_DUMPSYS, "ignore", VG_DUMPSYS_GETPROP_BLOCK},
};

enum { F_NAME, F_VALUE };
static const char *const prop_fields[] = {"name", "value"};

static int prop_record(void *ud, json_t *rec)
{
    return vg_run_emit_json(ud, rec);
}

static int prop_block(struct vg_run *run, const struct vg_file *f, void *ud)
{
    struct vg_aqf_sink sink;
    struct vg_io *io = NULL;
    const unsigned char *p = NULL;
    size_t len = 0;
    int rc = vg_run_open(run, f, &io);

    VG_UNUSED(ud);
    if (rc != VG_OK)
        return VG_OK; /* reported */
    rc = vg_io_map(io, &p, &len);
    memset(&sink, 0, sizeof(sink));
    sink.file = f->display;
    sink.diag = vg_run_diag(run);
    sink.record = prop_record;
    sink.ud = run;
    if (rc == VG_OK)
        rc = vg_getprop_parse(p, len, &sink);
    vg_io_free(io);
    if (rc != VG_OK && rc != VG_E_NOMEM && rc != VG_E_LIMIT) {
        vg_run_coverage(run, VG_COV_PARTIAL, f->display, "%s", vg_strerror(rc));
        rc = VG_OK;
    }
    return rc;
}

static int prop_extract(struct vg_run *run)
{
    int rc = vg_run_find_all(run, prop_block, NULL);

    vg_run_log(run, VG_DIAG_INFO, "Extracted %zu Android system properties",
               vg_run_record_count(run));
    return rc;
}

static void prop_patch(struct vg_run *run, const struct vg_rec *r, const char *value)
{
    int stale = 0;

    /* MVT compares with datetime.now(), the local wall clock */
    time_t now = time(NULL);
    struct tm tm;
    int64_t wall = (int64_t)now;

    if (localtime_r(&now, &tm))
        wall += (int64_t)tm.tm_gmtoff;
    if (vg_getprop_patch_stale(value, wall, &stale) != VG_OK) {
        vg_run_log(run, VG_DIAG_WARN, "%s is no date (YYYY-MM-DD): \"%s\"", VG_GETPROP_PATCH_PROP,
                   value);
        return;
    }
    if (stale)
        vg_run_alert(run, VG_LEVEL_MEDIUM, r, NULL, "", VG_GETPROP_PATCH_MSG, value);
}

static void prop_check(struct vg_run *run, const struct vg_rec *r)
{
    const char *name = vg_rec_text(r, F_NAME), *value = vg_rec_text(r, F_VALUE);
    struct vg_ioc_match m;

    if (!name)
        return;
    if (value && vg_getprop_interesting(name))
        vg_run_log(run, VG_DIAG_INFO, "%s: %s", name, value);
    if (value && strcmp(name, VG_GETPROP_PATCH_PROP) == 0)
        prop_patch(run, r, value);
    if (*name && vg_iocs_match_property(vg_run_iocs(run), name, &m))
        vg_run_alert(run, VG_LEVEL_CRITICAL, r, &m, "",
                     "Found a known suspicious Android property \"%s\" matching indicators from "
                     "\"%s\"",
                     name, m.collection);
}

const struct vg_module vg_mod_dumpsys_getprop = {
    .name = "dumpsys_get_prop",
    .class_name = "DumpsysGetProp",
    .description = "system properties (dumpstate's getprop): security patch age, property "
                   "indicators",
    .locs = prop_locs,
    .n_locs = VG_ARRAY_LEN(prop_locs),
    .fields = prop_fields,
    .n_fields = VG_ARRAY_LEN(prop_fields),
    .extract = prop_extract,
    .check_record = prop_check,
};
