/*
 * The platform_compat service's DOWNSCALED change (id 168419799), whose
 * rawOverrides keep the names of apps uninstalled since (MVT's
 * DumpsysPlatformCompatArtifact.parse; grammar in docs/formats/dumpsys.md).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include "formats/android/dumpsys_int.h"

#define WHAT "platform_compat"

static int emit(struct vg_dumpsys_sink *sink, struct vg_str entry)
{
    static const char *const keys[] = {"package_name"};
    const struct vg_str vals[] = {vg_str_py_strip(vg_dumpsys_head(entry, '='))};

    return vg_dumpsys_emit(sink, vg_dumpsys_strs(1, keys, vals));
}

/* "...; rawOverrides={org.a=false, org.b=false}; overridable)": the
 * text up to the first "};", split on ", ", each entry's name before '='. */
static int overrides(struct vg_dumpsys_sink *sink, struct vg_str line)
{
    struct vg_str field = line, skip, entry, end;
    int rc;

    if (!vg_str_until_str(&field, "rawOverrides={", &skip))
        return VG_OK;
    end = field;
    if (vg_str_until_str(&end, "};", &entry))
        field = entry;
    while (vg_str_until_str(&field, ", ", &entry))
        if ((rc = emit(sink, entry)) != VG_OK)
            return rc;
    return emit(sink, field);
}

int vg_dumpsys_platform_compat(const struct vg_dumpsys_section *sec, struct vg_dumpsys_sink *sink)
{
    struct vg_dumpsys_lines r;
    struct vg_str line;
    int rc;

    vg_dumpsys_lines_init(&r, sec);
    while ((rc = vg_dumpsys_lines_next(&r, &line)) == 1) {
        if (!vg_str_starts(line, "ChangeId(168419799; name=DOWNSCALED;"))
            continue;
        if ((rc = overrides(sink, line)) != VG_OK)
            break;
    }
    vg_dumpsys_done(sink, WHAT, &r);
    vg_dumpsys_lines_free(&r);
    return rc < 0 ? rc : VG_OK;
}
