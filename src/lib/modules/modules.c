/* SPDX-License-Identifier: Apache-2.0 */
#include "util/vg.h"

#include "modules/modules.h"

#define VG_MOD_ROW(stem) &vg_mod_##stem,

static const struct vg_module *const ios_modules[] = {VG_IOS_MODULES(VG_MOD_ROW) NULL};
static const struct vg_module *const android_modules[] = {VG_ANDROID_MODULES(VG_MOD_ROW) NULL};

const struct vg_module *const *vg_modules(enum vg_platform p, size_t *n)
{
    if (p == VG_PLATFORM_ANDROID) {
        *n = VG_ARRAY_LEN(android_modules) - 1;
        return android_modules;
    }
    *n = VG_ARRAY_LEN(ios_modules) - 1;
    return ios_modules;
}

enum vg_platform vg_module_platform(const struct vg_module *m)
{
    size_t i;

    for (i = 0; android_modules[i]; i++)
        if (android_modules[i] == m)
            return VG_PLATFORM_ANDROID;
    return VG_PLATFORM_IOS;
}
