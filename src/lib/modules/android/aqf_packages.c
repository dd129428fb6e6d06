/*
 * AQFPackages: the installed packages of packages.json (pm list packages,
 * with each APK's hashes and signing certificate), recorded as the file
 * has them (MVT's records). Flags rooting apps, apps installed by a
 * browser, by adb or another method without an installer, from a
 * third-party store, disabled security and update packages; and, with
 * indicators, the package name as an app id, each APK's SHA-256 as a file
 * hash and its certificate's digests as certificate hashes. Checks in
 * MVT's order, with MVT's messages (docs/formats/androidqf.md).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include "formats/android/aqf_checks.h"
#include "formats/android/aqf_json.h"
#include "modules/android/common.h"

static const struct vg_loc pkg_locs[] = {
    {VG_LOC_AQF, NULL, "packages.json"},
};

enum { F_NAME, F_INSTALLER, F_SYSTEM, F_DISABLED, F_FILES };
static const char *const pkg_fields[] = {"name", "installer", "system", "disabled", "files"};

static int pkg_parse(struct vg_run *run, const struct vg_file *f, const unsigned char *data,
                     size_t len, struct vg_aqf_sink *s, void *ud)
{
    VG_UNUSED(run);
    VG_UNUSED(f);
    VG_UNUSED(ud);
    return vg_aqf_packages_parse(data, len, s);
}

static int pkg_extract(struct vg_run *run)
{
    int rc = vg_android_each_file(run, &pkg_locs[0], 1, pkg_parse, NULL, NULL);

    vg_run_log(run, VG_DIAG_INFO, "Found %zu packages in packages.json", vg_run_record_count(run));
    return rc;
}

/* ---- checks ---- */

static void pkg_check_install(struct vg_run *run, const struct vg_rec *r, const char *name)
{
    const char *inst = vg_rec_text(r, F_INSTALLER);
    const struct vg_val *sys = vg_rec_val(r, F_SYSTEM);

    switch (vg_aqf_install_kind(inst, sys->t == VG_VT_BOOL && sys->u.i == 0)) {
    case VG_AQF_INSTALL_STORE:
        vg_run_alert(run, VG_LEVEL_INFO, r, NULL, "", VG_AQF_STORE_MSG, inst, name);
        break;
    case VG_AQF_INSTALL_BROWSER:
        vg_run_alert(run, VG_LEVEL_MEDIUM, r, NULL, "", VG_AQF_BROWSER_MSG, inst, name);
        break;
    case VG_AQF_INSTALL_NONE:
        vg_run_alert(run, VG_LEVEL_MEDIUM, r, NULL, "", VG_AQF_NONE_MSG, name);
        break;
    case VG_AQF_INSTALL_PLAY_STORE:
    case VG_AQF_INSTALL_OTHER:
        break;
    }
}

/* Each APK's SHA-256 (every hit), then its certificate's digests in MVT's
 * order, the first hit only. */
static void pkg_check_files(struct vg_run *run, const struct vg_rec *r)
{
    const json_t *files = vg_rec_json(r, F_FILES), *file, *cert;
    size_t i, k;

    json_array_foreach(files, i, file)
    {
        vg_check_hash(run, VG_LEVEL_CRITICAL, r, vg_android_jtext(file, "sha256"), "");
        cert = json_object_get(file, "certificate");
        for (k = 0; json_is_object(cert) && vg_aqf_cert_hash_keys[k]; k++)
            if (vg_check_app_cert(run, VG_LEVEL_CRITICAL, r,
                                  vg_android_jtext(cert, vg_aqf_cert_hash_keys[k]), ""))
                break;
    }
}

static void pkg_check(struct vg_run *run, const struct vg_rec *r)
{
    const char *name = vg_rec_text(r, F_NAME);
    const char *shown = name ? name : "";

    /* a rooting app: MVT says so and checks nothing more of it */
    if (name && vg_aqf_root_package(name)) {
        vg_run_alert(run, VG_LEVEL_MEDIUM, r, NULL, "", VG_AQF_ROOT_PACKAGE_MSG, name);
        return;
    }
    pkg_check_install(run, r, shown);
    if (name && vg_val_truthy(vg_rec_val(r, F_DISABLED))) {
        if (vg_aqf_security_package(name))
            vg_run_alert(run, VG_LEVEL_MEDIUM, r, NULL, "", VG_AQF_SECURITY_MSG, name);
        if (vg_aqf_update_package(name))
            vg_run_alert(run, VG_LEVEL_MEDIUM, r, NULL, "", VG_AQF_UPDATE_MSG, name);
    }
    vg_check_app_id(run, VG_LEVEL_CRITICAL, r, name, "");
    pkg_check_files(run, r);
}

const struct vg_module vg_mod_aqf_packages = {
    .name = "aqf_packages",
    .class_name = "AQFPackages",
    .description = "installed packages (packages.json): app ids, APK and certificate hashes, "
                   "installers, rooting apps, disabled security packages",
    .locs = pkg_locs,
    .n_locs = VG_ARRAY_LEN(pkg_locs),
    .fields = pkg_fields,
    .n_fields = VG_ARRAY_LEN(pkg_fields),
    .extract = pkg_extract,
    .check_record = pkg_check,
};
