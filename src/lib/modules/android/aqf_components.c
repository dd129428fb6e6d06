/*
 * AQFComponents (not in MVT): the accessibility services, device admins,
 * notification listeners and SMS receivers dumpsys.txt names, each with
 * what packages.json says of its app (installer, system or not, APK and
 * certificate hashes), so a component's app can be judged from the record
 * alone, again by check-iocs. A component whose app is flagged is flagged
 * with it: CRITICAL when the app's id, an APK hash or its certificate
 * matches an indicator; HIGH when the app was installed by a browser or by
 * adb without an installer (MVT's MEDIUM for the app alone: with these
 * powers it can read the screen, messages and codes, or lock the phone).
 *
 * dumpsys.txt is read by formats/android/components.c, one pass. Once the
 * dumpsys sections are served by the source (VG_LOC_DUMPSYS, with the
 * splitter of formats/android/dumpsys.h), this module can take them there,
 * and run on bugreports too.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include "formats/android/aqf_checks.h"
#include "formats/android/aqf_json.h"
#include "formats/android/components.h"
#include "modules/android/common.h"

static const struct vg_loc comp_locs[] = {
    {VG_LOC_AQF, NULL, "packages.json"},
    {VG_LOC_AQF, NULL, "dumpsys.txt"},
};

enum { F_TYPE, F_COMPONENT, F_PACKAGE, F_INSTALLER, F_SYSTEM, F_SHA256, F_CERTS };
static const char *const comp_fields[] = {
    "component_type", "component",  "package_name",       "installer",
    "system",         "apk_sha256", "certificate_hashes",
};

/* ---- packages.json: what each app's components need to be judged ---- */

struct pkgs {
    json_t *by_name; /* name -> {installer, system, apk_sha256, certificate_hashes} */
    int capped;
};

static json_t *pkg_hashes(const json_t *pkg, int certs)
{
    json_t *out = json_array(), *file, *cert;
    size_t i, k;

    json_array_foreach(json_object_get(pkg, "files"), i, file)
    {
        if (!certs) {
            const char *h = vg_android_jtext(file, "sha256");
            if (out && h && *h && json_array_append_new(out, json_string(h)) != 0)
                goto fail;
            continue;
        }
        cert = json_object_get(file, "certificate");
        for (k = 0; json_is_object(cert) && vg_aqf_cert_hash_keys[k]; k++) {
            const char *h = vg_android_jtext(cert, vg_aqf_cert_hash_keys[k]);
            if (out && h && *h && json_array_append_new(out, json_string(h)) != 0)
                goto fail;
        }
    }
    return out;
fail:
    json_decref(out);
    return NULL;
}

static int keep_pkg(void *ud, json_t *pkg)
{
    struct pkgs *p = ud;
    const char *name = vg_android_jtext(pkg, "name");
    json_t *sum;
    int rc = VG_OK;

    if (name && json_object_size(p->by_name) >= VG_MAX_AQF_COMPONENT_APPS) {
        p->capped = 1;
    } else if (name) {
        sum = json_pack(
            "{s:O, s:O, s:o, s:o}", "installer",
            json_is_string(json_object_get(pkg, "installer")) ? json_object_get(pkg, "installer")
                                                              : json_null(),
            "system",
            json_is_boolean(json_object_get(pkg, "system")) ? json_object_get(pkg, "system")
                                                            : json_null(),
            "apk_sha256", pkg_hashes(pkg, 0), "certificate_hashes", pkg_hashes(pkg, 1));
        if (!sum || json_object_set_new(p->by_name, name, sum) != 0)
            rc = VG_E_NOMEM;
    }
    json_decref(pkg);
    return rc;
}

static int pkgs_parse(struct vg_run *run, const struct vg_file *f, const unsigned char *data,
                      size_t len, struct vg_aqf_sink *s, void *ud)
{
    VG_UNUSED(run);
    VG_UNUSED(f);
    /* its problems are AQFPackages' to report */
    s->diag = NULL;
    s->record = keep_pkg;
    s->ud = ud;
    return vg_aqf_packages_parse(data, len, s);
}

/* ---- dumpsys.txt ---- */

struct comps {
    struct vg_run *run;
    const struct pkgs *pkgs;
};

static int comp_record(void *ud, json_t *rec)
{
    struct comps *c = ud;
    const json_t *sum = json_object_get(c->pkgs->by_name, vg_android_jtext(rec, "package_name"));
    static const char *const keys[] = {"installer", "system", "apk_sha256", "certificate_hashes"};
    size_t i;

    for (i = 0; i < VG_ARRAY_LEN(keys); i++)
        if (json_object_set(rec, keys[i], sum ? json_object_get(sum, keys[i]) : json_null()) != 0) {
            json_decref(rec);
            return VG_E_NOMEM;
        }
    return vg_run_emit_json(c->run, rec);
}

static int comps_parse(struct vg_run *run, const struct vg_file *f, const unsigned char *data,
                       size_t len, struct vg_aqf_sink *s, void *ud)
{
    VG_UNUSED(run);
    VG_UNUSED(f);
    s->record = comp_record;
    s->ud = ud;
    return vg_components_parse(data, len, s);
}

static int comp_extract(struct vg_run *run)
{
    struct pkgs p = {json_object(), 0};
    struct comps c = {run, &p};
    int rc = p.by_name ? VG_OK : VG_E_NOMEM;

    if (rc == VG_OK)
        rc = vg_android_each_file(run, &comp_locs[0], 1, pkgs_parse, &p, NULL);
    if (p.capped)
        vg_run_log(run, VG_DIAG_WARN,
                   "more than %u packages: the components of the others are not judged",
                   VG_MAX_AQF_COMPONENT_APPS);
    if (rc == VG_OK)
        rc = vg_android_each_file(run, &comp_locs[1], 1, comps_parse, &c, NULL);
    json_decref(p.by_name);
    vg_run_log(run, VG_DIAG_INFO,
               "Found %zu accessibility services, device admins, notification listeners and SMS "
               "receivers",
               vg_run_record_count(run));
    return rc;
}

/* ---- checks ---- */

/* The first indicator the app matches: its id, an APK hash, a certificate
 * hash; what matched in *what. */
static int app_match(const struct vg_iocs *iocs, const struct vg_rec *r, struct vg_ioc_match *m,
                     const char **what)
{
    const json_t *v;
    size_t i;

    if (vg_iocs_match_app_id(iocs, vg_rec_text(r, F_PACKAGE), m)) {
        *what = "an app that matches";
        return 1;
    }
    json_array_foreach(vg_rec_json(r, F_SHA256), i, v)
    {
        if (vg_iocs_match_hash(iocs, json_string_value(v), m)) {
            *what = "an app whose APK matches";
            return 1;
        }
    }
    json_array_foreach(vg_rec_json(r, F_CERTS), i, v)
    {
        if (vg_iocs_match_app_cert(iocs, json_string_value(v), m)) {
            *what = "an app whose signing certificate matches";
            return 1;
        }
    }
    return 0;
}

static void comp_check(struct vg_run *run, const struct vg_rec *r)
{
    const char *label = vg_comp_type_label(vg_comp_type_of(vg_rec_text(r, F_TYPE)));
    const char *comp = vg_rec_time(r, F_COMPONENT), *pkg = vg_rec_time(r, F_PACKAGE);
    const char *inst = vg_rec_text(r, F_INSTALLER), *what = NULL;
    const struct vg_val *sys = vg_rec_val(r, F_SYSTEM);
    struct vg_ioc_match m;

    if (app_match(vg_run_iocs(run), r, &m, &what)) {
        vg_run_alert(run, VG_LEVEL_CRITICAL, r, &m, "",
                     "%s \"%s\" belongs to \"%s\", %s indicators from \"%s\"", label, comp, pkg,
                     what, m.collection);
        return;
    }
    switch (vg_aqf_install_kind(inst, sys->t == VG_VT_BOOL && sys->u.i == 0)) {
    case VG_AQF_INSTALL_BROWSER:
        vg_run_alert(run, VG_LEVEL_HIGH, r, NULL, "",
                     "%s \"%s\" belongs to \"%s\", installed via a browser (installer=\"%s\")",
                     label, comp, pkg, inst);
        break;
    case VG_AQF_INSTALL_NONE:
        vg_run_alert(run, VG_LEVEL_HIGH, r, NULL, "",
                     "%s \"%s\" belongs to \"%s\", a non-system package installed via adb or "
                     "another method",
                     label, comp, pkg);
        break;
    case VG_AQF_INSTALL_STORE:
    case VG_AQF_INSTALL_PLAY_STORE:
    case VG_AQF_INSTALL_OTHER:
        break;
    }
}

const struct vg_module vg_mod_aqf_components = {
    .name = "aqf_components",
    .class_name = "AQFComponents",
    .description = "accessibility services, device admins, notification listeners and SMS "
                   "receivers (dumpsys.txt) of apps flagged by an indicator or installed outside "
                   "a store",
    .locs = comp_locs,
    .n_locs = VG_ARRAY_LEN(comp_locs),
    .fields = comp_fields,
    .n_fields = VG_ARRAY_LEN(comp_fields),
    .extract = comp_extract,
    .check_record = comp_check,
};
