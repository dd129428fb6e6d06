/*
 * AQFSettings: the phone's settings from settings_system.txt,
 * settings_secure.txt and settings_global.txt (`cmd settings list`), as
 * MVT records them: one record {namespace: {key: value}} for all the files
 * (the namespace is what follows the file name's last '_'; a second file of
 * one namespace replaces the first, a repeated key keeps its first place
 * and takes the last value). Flags settings that weaken the phone (Play
 * Protect or adb install verification off, crash and security reports not
 * shared, accessibility services on), MEDIUM, with MVT's messages.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include "formats/android/settings.h"
#include "modules/android/common.h"

static const struct vg_loc set_locs[] = {
    {VG_LOC_AQF, NULL, "settings_*.txt"},
};

struct fold {
    json_t *all; /* {namespace: {key: value}} */
    json_t *ns;  /* the namespace being read */
    size_t n;    /* settings kept */
    int capped;
};

static int set_record(void *ud, json_t *rec)
{
    struct fold *fo = ud;
    const char *key = vg_android_jtext(rec, "key");
    json_t *value = json_object_get(rec, "value");
    int rc = VG_OK;

    if (key && value && !json_object_get(fo->ns, key) && fo->n >= VG_MAX_AQF_SETTINGS) {
        fo->capped = 1;
    } else if (key && value) {
        fo->n += !json_object_get(fo->ns, key);
        rc = json_object_set(fo->ns, key, value) == 0 ? VG_OK : VG_E_NOMEM;
    }
    json_decref(rec);
    return rc;
}

static int set_parse(struct vg_run *run, const struct vg_file *f, const unsigned char *data,
                     size_t len, struct vg_aqf_sink *s, void *ud)
{
    struct fold *fo = ud;
    struct vg_str ns = vg_settings_namespace(f->path);
    char *name = vg_str_dup(ns);
    int rc;

    VG_UNUSED(run);
    fo->ns = json_object();
    if (!name || !fo->ns || json_object_set_new(fo->all, name, fo->ns) != 0) {
        free(name);
        return VG_E_NOMEM;
    }
    s->record = set_record;
    s->ud = fo;
    rc = vg_settings_parse(data, len, name, s);
    free(name);
    return rc;
}

static int set_extract(struct vg_run *run)
{
    struct fold fo = {json_object(), NULL, 0, 0};
    size_t files = 0;
    int rc = fo.all ? VG_OK : VG_E_NOMEM;

    if (rc == VG_OK)
        rc = vg_android_each_file(run, &set_locs[0], 0, set_parse, &fo, &files);
    if (fo.capped)
        vg_run_log(run, VG_DIAG_WARN, "more than %u settings: the rest were not read",
                   VG_MAX_AQF_SETTINGS);
    vg_run_log(run, VG_DIAG_INFO, "Identified %zu settings", fo.n);
    if (rc == VG_OK && files > 0) {
        rc = vg_run_emit_json(run, fo.all);
        fo.all = NULL;
    }
    json_decref(fo.all);
    if (rc == VG_E_NOMEM)
        vg_run_nomem(run);
    return rc;
}

/* ---- checks ---- */

static void set_check_ns(struct vg_run *run, const char *ns, const json_t *settings)
{
    const struct vg_setting_danger *d;
    const char *key;
    json_t *v, *event;

    json_object_foreach((json_t *)settings, key, v)
    {
        const char *value = json_string_value(v);
        if (!value || !(d = vg_settings_danger(key, value)))
            continue;
        event = json_pack("{s:s, s:s, s:s, s:s}", "namespace", ns, "key", key, "value", value,
                          "description", d->description);
        if (!event) {
            vg_run_nomem(run);
            return;
        }
        vg_run_alert_json(run, VG_LEVEL_MEDIUM, event, NULL, "", VG_SETTINGS_MSG, ns, key, value,
                          d->description);
        json_decref(event);
    }
}

/* Every key of the record is a namespace. */
static void set_check(struct vg_run *run, const struct vg_rec *r)
{
    size_t i;

    for (i = 0; i < r->schema->n; i++)
        if (r->v[i].t == VG_VT_JSON && json_is_object(r->v[i].u.j))
            set_check_ns(run, r->schema->names[i], r->v[i].u.j);
}

const struct vg_module vg_mod_aqf_settings = {
    .name = "aqf_settings",
    .class_name = "AQFSettings",
    .description = "system, secure and global settings (settings_*.txt): protections turned off",
    .locs = set_locs,
    .n_locs = VG_ARRAY_LEN(set_locs),
    .extract = set_extract,
    .check_record = set_check,
};
