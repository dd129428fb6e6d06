/*
 * The package service's Activity Resolver Table (MVT's
 * DumpsysPackageActivitiesArtifact.parse; grammar in
 * docs/formats/dumpsys.md).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include "formats/android/dumpsys_int.h"

#define WHAT "activities"

static int emit(struct vg_dumpsys_sink *sink, struct vg_str intent, struct vg_str activity)
{
    static const char *const keys[] = {"intent", "package_name", "activity"};
    const struct vg_str vals[] = {intent, vg_dumpsys_head(activity, '/'), activity};

    return vg_dumpsys_emit(sink, vg_dumpsys_strs(3, keys, vals));
}

/* An action line: 6 spaces (not 8) and a ':' somewhere. */
static int is_action(struct vg_str line)
{
    return vg_str_starts(line, "      ") && !vg_str_starts(line, "        ") &&
           vg_str_find(line, ':') >= 0;
}

/* line.strip().split(" ")[1]: the text between the first two spaces. */
static int second_field(struct vg_str line, struct vg_str *out)
{
    struct vg_str s = vg_str_py_strip(line), first;

    if (!vg_str_until(&s, ' ', &first))
        return 0;
    *out = vg_dumpsys_head(s, ' ');
    return 1;
}

static int parse(struct vg_dumpsys_lines *r, struct vg_dumpsys_sink *sink, struct vg_buf *intent)
{
    struct vg_str line, cur = {NULL, 0}, activity;
    int state = 0, rc;

    while ((rc = vg_dumpsys_actions_next(r, "Activity Resolver Table:", &state, &line)) == 1) {
        if (is_action(line)) {
            if ((rc = vg_dumpsys_remove_all(intent, vg_str_py_strip(line), ":", &cur)) != VG_OK)
                return rc;
            continue;
        }
        if (cur.n == 0) /* no action yet, or an empty one: Python's "not intent" */
            continue;
        if (!vg_str_starts(line, "        ")) {
            cur.n = 0;
            continue;
        }
        if (!second_field(line, &activity)) {
            vg_dumpsys_warn(sink, WHAT, r->lineno, "activity line with one field");
            continue;
        }
        if ((rc = emit(sink, cur, activity)) != VG_OK)
            return rc;
    }
    return rc < 0 ? rc : VG_OK;
}

int vg_dumpsys_activities(const struct vg_dumpsys_section *sec, struct vg_dumpsys_sink *sink)
{
    struct vg_dumpsys_lines r;
    struct vg_buf intent;
    int rc;

    vg_buf_init(&intent, 3 * (size_t)VG_MAX_TEXT_LINE + 1);
    vg_dumpsys_lines_init(&r, sec);
    rc = parse(&r, sink, &intent);
    vg_dumpsys_done(sink, WHAT, &r);
    vg_dumpsys_lines_free(&r);
    vg_buf_free(&intent);
    return rc;
}
