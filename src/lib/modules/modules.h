/*
 * Every platform's modules, from the lists in modules/<platform>/list.h.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_MODULES_MODULES_H
#define VG_MODULES_MODULES_H

#include "modules/android/list.h"
#include "modules/ios/list.h"
#include "scan/module.h"

#define VG_MOD_DECLARE(stem) extern const struct vg_module vg_mod_##stem;
VG_IOS_MODULES(VG_MOD_DECLARE)
VG_ANDROID_MODULES(VG_MOD_DECLARE)
#undef VG_MOD_DECLARE

/* A platform's modules in run order. */
const struct vg_module *const *vg_modules(enum vg_platform p, size_t *n);
/* The platform whose list holds m (iOS for a module in none). */
enum vg_platform vg_module_platform(const struct vg_module *m);

#endif
