/*
 * The sources: one row per acquisition type. X(kind, name, platform, open,
 * locators)
 * gives the public enum value, the name info.json and --list-modules use,
 * the function that opens one (declared in the source's header, included
 * here), and the locator kinds it can serve (a module runs on a source when
 * one of its locators is of those kinds; 0: saved results, which run every
 * module whose results are there). Adding a source: its file and one row.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_SOURCES_LIST_H
#define VG_SOURCES_LIST_H

#include "sources/android_backup.h"
#include "sources/android_fs.h"
#include "sources/bugreport.h"
#include "sources/intrusion_logs.h"
#include "sources/androidqf.h"
#include "sources/ios_backup.h"
#include "sources/ios_fs.h"
#include "sources/results.h"
#include "sources/sysdiagnose.h"

#define VG_SOURCES(X)                                                                              \
    X(VG_KIND_IOS_BACKUP, "ios-backup", VG_PLATFORM_IOS, vg_src_ios_backup_open,                   \
      VG_LOC_BIT(VG_LOC_BACKUP) | VG_LOC_BIT(VG_LOC_BACKUP_META) |                                 \
          VG_LOC_BIT(VG_LOC_BACKUP_LISTING))                                                       \
    X(VG_KIND_IOS_FS, "ios-fs", VG_PLATFORM_IOS, vg_src_ios_fs_open,                               \
      VG_LOC_BIT(VG_LOC_FS) | VG_LOC_BIT(VG_LOC_FS_LISTING))                                       \
    X(VG_KIND_ANDROID_BACKUP, "android-backup", VG_PLATFORM_ANDROID, vg_src_android_backup_open,   \
      VG_LOC_BIT(VG_LOC_ANDROID_BACKUP))                                                           \
    X(VG_KIND_ANDROID_INTRUSION_LOGS, "android-intrusion-logs", VG_PLATFORM_ANDROID,               \
      vg_src_intrusion_logs_open, VG_LOC_BIT(VG_LOC_LOGS))                                         \
    X(VG_KIND_ANDROIDQF, "androidqf", VG_PLATFORM_ANDROID, vg_src_androidqf_open,                  \
      VG_LOC_BIT(VG_LOC_AQF) | VG_LOC_BIT(VG_LOC_AQF_LISTING) | VG_LOC_BIT(VG_LOC_DUMPSYS))        \
    X(VG_KIND_IOS_SYSDIAG, "ios-sysdiagnose", VG_PLATFORM_IOS, vg_src_ios_sysdiag_open,            \
      VG_LOC_BIT(VG_LOC_SYSDIAG))                                                                  \
    X(VG_KIND_BUGREPORT, "bugreport", VG_PLATFORM_ANDROID, vg_src_bugreport_open,                  \
      VG_LOC_BIT(VG_LOC_BUGREPORT) | VG_LOC_BIT(VG_LOC_DUMPSYS) |                                  \
          VG_LOC_BIT(VG_LOC_BUGREPORT_LISTING))                                                    \
    X(VG_KIND_ANDROID_FS, "android-fs", VG_PLATFORM_ANDROID, vg_src_android_fs_open,               \
      VG_LOC_BIT(VG_LOC_ANDROID_FS))                                                               \
    X(VG_KIND_RESULTS, "check-iocs", -1, vg_src_results_open, 0u)

/* Acquisitions held inside others. X(outer, inner, prefix): a check of an
 * outer acquisition also opens the inner one (the outer source's nested()
 * op) and runs the inner kind's modules on it in the same scan, their
 * results named prefix + module name. A prefix keeps them from colliding
 * with the outer modules' own (AndroidQF's dumpsys.txt, an AndroidQF
 * source's own file, and the dumpstate of its bugreport.zip feed the same
 * dumpsys modules: "bugreport_dumpsys_appops"); "" where MVT's own
 * check-androidqf writes the inner modules' names unprefixed and no outer
 * module has them (backup.ab's "sms"). check-iocs re-checks such results
 * under the same names (an empty prefix: as the outer modules' own).
 * Adding one: a row here and the outer source's nested() op
 * (scan/source.h). */
#define VG_SOURCE_NESTS(X)                                                                         \
    X(VG_KIND_ANDROIDQF, VG_KIND_BUGREPORT, "bugreport_")                                          \
    X(VG_KIND_ANDROIDQF, VG_KIND_ANDROID_BACKUP, "")

#endif
