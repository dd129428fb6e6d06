/*
 * The accessibility service's installed and enabled services (MVT's
 * DumpsysAccessibilityArtifact.parse; grammar in docs/formats/dumpsys.md).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include "formats/android/dumpsys_int.h"

#define WHAT "accessibility"

static int emit(struct vg_dumpsys_sink *sink, struct vg_str package, struct vg_str service)
{
    static const char *const keys[] = {"package_name", "service"};
    const struct vg_str vals[] = {package, service};

    return vg_dumpsys_emit(sink, vg_dumpsys_strs(2, keys, vals));
}

/* Before Android 14: "  installed services: {" then "    0 : pkg/cls"
 * lines up to "  }"; MVT keeps the text between the first two colons. */
static int installed_services(const struct vg_dumpsys_section *sec, struct vg_dumpsys_sink *sink)
{
    struct vg_dumpsys_lines r;
    struct vg_str line, field, service;
    int in_services = 0, rc;

    vg_dumpsys_lines_init(&r, sec);
    while ((rc = vg_dumpsys_lines_next(&r, &line)) == 1) {
        struct vg_str s = vg_str_py_strip(line);
        if (vg_str_starts(s, "installed services:")) {
            in_services = 1;
            continue;
        }
        if (!in_services)
            continue;
        if (vg_str_eq(s, "}"))
            break;
        if (!vg_str_until(&line, ':', &field)) {
            vg_dumpsys_warn(sink, WHAT, r.lineno, "installed service without ':'");
            continue;
        }
        service = vg_str_py_strip(vg_dumpsys_head(line, ':'));
        if ((rc = emit(sink, vg_dumpsys_head(service, '/'), service)) != VG_OK)
            break;
    }
    vg_dumpsys_done(sink, WHAT, &r);
    vg_dumpsys_lines_free(&r);
    return rc < 0 ? rc : VG_OK;
}

/* Each match of MVT's regex {([^{]+?)}: a '{', then at least one
 * character other than '{' (a '}' too), up to the first '}'. */
static int enabled_line(struct vg_str line, struct vg_dumpsys_sink *sink)
{
    struct vg_str s = line, group, package, t;
    int rc;

    while (vg_str_until(&s, '{', &group)) {
        long end;
        if (s.n == 0 || s.p[0] == '{')
            continue;
        end = vg_str_find_any(vg_str_sub(s, 1, s.n), "{}");
        if (end < 0 || s.p[end + 1] == '{')
            continue; /* no '}' before the next '{': no match at this '{' */
        group = vg_str_sub(s, 0, (size_t)end + 1);
        t = vg_str_sub(s, (size_t)end + 2, s.n);
        package = group;
        if (!vg_str_until(&group, '/', &package))
            group = vg_str_sub(group, group.n, group.n); /* partition: no '/', no service */
        if ((rc = emit(sink, package, group)) != VG_OK)
            return rc;
        s = t;
    }
    return VG_OK;
}

/* Android 14+: "     Enabled services:{{pkg/cls}, {pkg/cls}}", once per
 * user; the record's service is the part after the '/'. */
static int enabled_services(const struct vg_dumpsys_section *sec, struct vg_dumpsys_sink *sink)
{
    struct vg_dumpsys_lines r;
    struct vg_str line;
    int rc;

    vg_dumpsys_lines_init(&r, sec);
    while ((rc = vg_dumpsys_lines_next(&r, &line)) == 1) {
        if (!vg_str_starts(vg_str_py_strip(line), "Enabled services:"))
            continue;
        if ((rc = enabled_line(line, sink)) != VG_OK)
            break;
    }
    vg_dumpsys_lines_free(&r);
    return rc < 0 ? rc : VG_OK;
}

int vg_dumpsys_accessibility(const struct vg_dumpsys_section *sec, struct vg_dumpsys_sink *sink)
{
    int rc = installed_services(sec, sink);
    return rc != VG_OK ? rc : enabled_services(sec, sink);
}
