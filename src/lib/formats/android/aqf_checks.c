/* SPDX-License-Identifier: Apache-2.0 */
#include "util/vg.h"

#include "formats/android/aqf_checks.h"

static const char *const root_packages[] = {
    "com.noshufou.android.su",
    "com.noshufou.android.su.elite",
    "eu.chainfire.supersu",
    "com.koushikdutta.superuser",
    "com.thirdparty.superuser",
    "com.yellowes.su",
    "com.koushikdutta.rommanager",
    "com.koushikdutta.rommanager.license",
    "com.dimonvideo.luckypatcher",
    "com.chelpus.lackypatch",
    "com.ramdroid.appquarantine",
    "com.ramdroid.appquarantinepro",
    "com.devadvance.rootcloak",
    "com.devadvance.rootcloakplus",
    "de.robv.android.xposed.installer",
    "com.saurik.substrate",
    "com.zachspong.temprootremovejb",
    "com.amphoras.hidemyroot",
    "com.amphoras.hidemyrootadfree",
    "com.formyhm.hiderootPremium",
    "com.formyhm.hideroot",
    "me.phh.superuser",
    "eu.chainfire.supersu.pro",
    "com.kingouser.com",
    "com.topjohnwu.magisk",
};

static const char *const security_packages[] = {
    "com.policydm",
    "com.samsung.android.app.omcagent",
    "com.samsung.android.securitylogagent",
    "com.sec.android.soagent",
};

static const char *const update_packages[] = {
    "com.android.updater", "com.google.android.gms",     "com.huawei.android.hwouc",
    "com.lge.lgdmsclient", "com.motorola.ccc.ota",       "com.oneplus.opbackup",
    "com.oppo.ota",        "com.transsion.systemupdate", "com.wssyncmldm",
};

static const char *const play_store[] = {"com.android.vending"};
static const char *const third_party_stores[] = {"com.aurora.store", "org.fdroid.fdroid"};
static const char *const browser_installers[] = {
    "com.google.android.packageinstaller",
    "com.android.packageinstaller",
};

const char *const vg_aqf_cert_hash_keys[] = {"Md5", "Sha1", "Sha256", NULL};

int vg_aqf_root_package(const char *name)
{
    return vg_str_in(name, root_packages, VG_ARRAY_LEN(root_packages));
}

int vg_aqf_security_package(const char *name)
{
    return vg_str_in(name, security_packages, VG_ARRAY_LEN(security_packages));
}

int vg_aqf_update_package(const char *name)
{
    return vg_str_in(name, update_packages, VG_ARRAY_LEN(update_packages));
}

enum vg_aqf_install vg_aqf_package_install(const json_t *pkg)
{
    return vg_aqf_install_kind(json_string_value(json_object_get(pkg, "installer")),
                               json_is_false(json_object_get(pkg, "system")));
}

enum vg_aqf_install vg_aqf_install_kind(const char *inst, int system_false)
{
    if (vg_str_in(inst, third_party_stores, VG_ARRAY_LEN(third_party_stores)))
        return VG_AQF_INSTALL_STORE;
    if (vg_str_in(inst, browser_installers, VG_ARRAY_LEN(browser_installers)))
        return VG_AQF_INSTALL_BROWSER;
    if (inst && strcmp(inst, "null") == 0 && system_false)
        return VG_AQF_INSTALL_NONE;
    if (vg_str_in(inst, play_store, VG_ARRAY_LEN(play_store)))
        return VG_AQF_INSTALL_PLAY_STORE;
    return VG_AQF_INSTALL_OTHER;
}

int vg_aqf_file_suspicious(const char *path)
{
    return path && vg_str_has_prefix(path, VG_AQF_SUSPICIOUS_DIR) &&
           strcmp(path, VG_AQF_COLLECTOR_PATH) != 0;
}

int vg_aqf_mode_executable(const char *mode)
{
    return mode && strchr(mode, 'x') != NULL;
}
