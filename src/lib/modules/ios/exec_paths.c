/*
 * Where iOS keeps its executables (see exec_paths.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include "formats/apple/shutdownlog.h"
#include "modules/ios/exec_paths.h"

/* Folders whose binaries come with iOS (the sealed system volume, the
 * cryptexes iOS 16 moved parts of it to, the developer disk image). */
static const char *const system_roots[] = {
    "/System/",
    "/usr/",
    "/sbin/",
    "/bin/",
    "/Applications/",
    "/Developer/",
    "/private/preboot/Cryptexes/",
    "/Library/Developer/",
    "/private/var/staged_system_apps/",
};

/* Installed apps and their extensions. */
static const char *const app_roots[] = {
    "/private/var/containers/Bundle/Application/",
    "/var/containers/Bundle/Application/",
};

static const char *const cryptex_prefixes[] = {
    "/System/Cryptexes/OS",
    "/private/preboot/Cryptexes/OS",
};

/* Daemons implants have been named after or could be, with the path a
 * stock iPhone runs them from (iOS 14 to 18). Only names that are one
 * daemon's: names apps may share are left out. */
const struct vg_exec_daemon vg_exec_daemons[] = {
    {"launchd", "/sbin/launchd"},
    {"syslogd", "/usr/sbin/syslogd"},
    {"notifyd", "/usr/sbin/notifyd"},
    {"cfprefsd", "/usr/sbin/cfprefsd"},
    {"mediaserverd", "/usr/sbin/mediaserverd"},
    {"wifid", "/usr/sbin/wifid"},
    {"bluetoothd", "/usr/sbin/bluetoothd"},
    {"mDNSResponder", "/usr/sbin/mDNSResponder"},
    {"filecoordinationd", "/usr/sbin/filecoordinationd"},
    {"configd", "/usr/libexec/configd"},
    {"securityd", "/usr/libexec/securityd"},
    {"lockdownd", "/usr/libexec/lockdownd"},
    {"locationd", "/usr/libexec/locationd"},
    {"mobileassetd", "/usr/libexec/mobileassetd"},
    {"installd", "/usr/libexec/installd"},
    {"backboardd", "/usr/libexec/backboardd"},
    {"keybagd", "/usr/libexec/keybagd"},
    {"amfid", "/usr/libexec/amfid"},
    {"logd", "/usr/libexec/logd"},
    {"diagnosticd", "/usr/libexec/diagnosticd"},
    {"nsurlsessiond", "/usr/libexec/nsurlsessiond"},
    {"timed", "/usr/libexec/timed"},
    {"sharingd", "/usr/libexec/sharingd"},
    {"mobileactivationd", "/usr/libexec/mobileactivationd"},
    {"symptomsd", "/usr/libexec/symptomsd"},
    {"UserEventAgent", "/usr/libexec/UserEventAgent"},
    {"CommCenter", "/System/Library/Frameworks/CoreTelephony.framework/Support/CommCenter"},
    {"SpringBoard", "/System/Library/CoreServices/SpringBoard.app/SpringBoard"},
    {"apsd", "/System/Library/PrivateFrameworks/ApplePushService.framework/apsd"},
    {"imagent", "/System/Library/PrivateFrameworks/IMCore.framework/imagent.app/imagent"},
    {"identityservicesd",
     "/System/Library/PrivateFrameworks/IDS.framework/identityservicesd.app/identityservicesd"},
    {"powerd", "/System/Library/CoreServices/powerd.bundle/powerd"},
    {"MobileSMS", "/Applications/MobileSMS.app/MobileSMS"},
    {"MobileSafari", "/Applications/MobileSafari.app/MobileSafari"},
};
const size_t vg_exec_n_daemons = VG_ARRAY_LEN(vg_exec_daemons);

static int under(struct vg_str path, const char *const *roots, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (vg_str_starts(path, roots[i]))
            return 1;
    return 0;
}

enum vg_exec_place vg_exec_place(struct vg_str path)
{
    if (path.n == 0 || path.p[0] != '/')
        return VG_EXEC_NONE;
    if (vg_shutdownlog_unusual_dir(&vg_shutdownlog_ishutdown, path))
        return VG_EXEC_SUSPICIOUS;
    if (under(path, system_roots, VG_ARRAY_LEN(system_roots)))
        return VG_EXEC_SYSTEM;
    if (under(path, app_roots, VG_ARRAY_LEN(app_roots)))
        return VG_EXEC_APP;
    return VG_EXEC_OTHER;
}

const char *vg_exec_place_name(enum vg_exec_place p)
{
    static const char *const names[] = {"none", "system", "app", "suspicious", "other"};
    return (size_t)p < VG_ARRAY_LEN(names) ? names[p] : "?";
}

struct vg_str vg_exec_basename(struct vg_str path)
{
    long slash = vg_str_rfind(path, '/');
    struct vg_str b = path;

    if (slash >= 0) {
        b.p = path.p + slash + 1;
        b.n = path.n - (size_t)slash - 1;
    }
    return b;
}

struct vg_str vg_exec_of_command(struct vg_str command)
{
    long arg = vg_str_find_str(command, " -");
    struct vg_str e = command;

    if (arg >= 0)
        e.n = (size_t)arg;
    return vg_str_rstrip(e);
}

static struct vg_str without_cryptex(struct vg_str path)
{
    size_t i, n;

    for (i = 0; i < VG_ARRAY_LEN(cryptex_prefixes); i++) {
        n = strlen(cryptex_prefixes[i]);
        if (vg_str_starts(path, cryptex_prefixes[i]) && path.n > n && path.p[n] == '/') {
            path.p += n;
            path.n -= n;
            return path;
        }
    }
    return path;
}

const char *vg_exec_imitated_daemon(struct vg_str path)
{
    struct vg_str base = vg_exec_basename(path), p = without_cryptex(path);
    size_t i;

    if (path.n == 0 || path.p[0] != '/')
        return NULL;
    for (i = 0; i < vg_exec_n_daemons; i++)
        if (vg_str_eq(base, vg_exec_daemons[i].name))
            return vg_str_eq(p, vg_exec_daemons[i].path) ? NULL : vg_exec_daemons[i].path;
    return NULL;
}
