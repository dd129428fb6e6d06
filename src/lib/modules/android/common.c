/*
 * Helpers the Android modules share (see common.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include "formats/android/getprop.h"
#include "modules/android/common.h"
#include "util/tz.h"

static int sink_record(void *ud, json_t *rec)
{
    return vg_run_emit_json(ud, rec);
}

void vg_android_sink(struct vg_run *run, const char *file, struct vg_aqf_sink *s)
{
    memset(s, 0, sizeof(*s));
    s->file = file;
    s->diag = vg_run_diag(run);
    s->record = sink_record;
    s->ud = run;
}

struct each_ctx {
    vg_android_parse_fn fn;
    void *ud;
    int first_only;
    size_t files;
    int rc;
};

static int each_visit(struct vg_run *run, const struct vg_file *f, void *ud)
{
    struct each_ctx *c = ud;
    struct vg_aqf_sink s;
    unsigned char *data = NULL;
    size_t len = 0;
    int rc;

    if (c->first_only && c->files > 0)
        return VG_OK;
    c->files++;
    /* a file that cannot be read is reported by vg_run_read */
    if (vg_run_read(run, f, VG_MAX_AQF_FILE, &data, &len) != VG_OK)
        return VG_OK;
    vg_android_sink(run, f->display, &s);
    rc = c->fn(run, f, data, len, &s, c->ud);
    vg_run_free_data(data, len);
    if (rc == VG_E_TRUNCATED || rc == VG_E_CORRUPT) {
        vg_run_coverage(run, VG_COV_PARTIAL, f->display,
                        "damaged: read up to the damage (%zu records), see the warnings",
                        s.records);
        rc = VG_OK;
    }
    if (rc != VG_OK)
        c->rc = rc;
    return rc;
}

int vg_android_each_file(struct vg_run *run, const struct vg_loc *loc, int first_only,
                         vg_android_parse_fn fn, void *ud, size_t *n_files)
{
    struct each_ctx c = {fn, ud, first_only, 0, VG_OK};
    int rc = vg_run_find(run, loc, each_visit, &c);

    if (n_files)
        *n_files = c.files;
    if (c.rc != VG_OK)
        return c.rc;
    /* a place this source does not have, or a listing that failed (its
     * coverage says so), is not the module's failure */
    return rc == VG_E_NOMEM ? rc : VG_OK;
}

/* ---- one property ---- */

struct prop_ctx {
    const char *name;
    char *buf;
    size_t cap;
    int found;
};

static int prop_record(void *ud, json_t *rec)
{
    struct prop_ctx *c = ud;
    const char *name = vg_android_jtext(rec, "name");
    const char *value = vg_android_jtext(rec, "value");

    if (!c->found && name && value && strcmp(name, c->name) == 0) {
        c->found = 1;
        if (vg_snprintf(c->buf, c->cap, "%s", value) != VG_OK)
            c->buf[0] = '\0';
    }
    json_decref(rec);
    return VG_OK;
}

static int prop_visit(struct vg_run *run, const struct vg_file *f, void *ud)
{
    struct prop_ctx *c = ud;
    struct vg_aqf_sink s;
    unsigned char *data = NULL;
    size_t len = 0;
    int rc;

    if (c->found || vg_run_read(run, f, VG_MAX_AQF_FILE, &data, &len) != VG_OK)
        return VG_OK;
    memset(&s, 0, sizeof(s));
    /* its problems are AQFGetProp's to report */
    s.file = f->display;
    s.record = prop_record;
    s.ud = c;
    rc = vg_getprop_parse(data, len, &s);
    vg_run_free_data(data, len);
    return rc == VG_E_NOMEM ? rc : VG_OK;
}

void vg_android_getprop(struct vg_run *run, const struct vg_loc *getprop, const char *name,
                        char *buf, size_t cap)
{
    struct prop_ctx c = {name, buf, cap, 0};

    buf[0] = '\0';
    (void)vg_run_find(run, getprop, prop_visit, &c);
}

struct vg_tz *vg_android_device_zone(struct vg_run *run, const struct vg_loc *getprop)
{
    char name[VG_MAX_TZ_NAME + 1];
    struct vg_tz *z = NULL;
    int rc;

    vg_android_getprop(run, getprop, "persist.sys.timezone", name, sizeof(name));
    if (!*name) {
        vg_run_log(run, VG_DIAG_INFO, "no persist.sys.timezone in getprop.txt: times are UTC");
        return NULL;
    }
    rc = vg_tz_load(name, &z);
    if (rc == VG_E_NOMEM)
        vg_run_nomem(run);
    else if (rc != VG_OK)
        vg_run_log(run, VG_DIAG_WARN,
                   "the device's time zone \"%s\" (persist.sys.timezone) is %s: times are UTC",
                   name,
                   rc == VG_E_NOTFOUND ? "not in this system's time zone database"
                                       : "no zone this reader takes");
    return rc == VG_OK ? z : NULL;
}

const char *vg_android_jtext(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}
