/*
 * The package service's "Packages:" list: per package its uid, versions,
 * install times and permissions (MVT 2026.7.29's DumpsysPackagesArtifact:
 * parse, parse_dumpsys_packages, parse_dumpsys_package_for_details;
 * grammar in docs/formats/dumpsys.md).
 *
 * MVT gathers a package's lines, then reads them; here each line is read
 * as it comes, with the same state, and the package is handed over when
 * the next one starts.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include "formats/android/dumpsys_int.h"

#define WHAT "packages"

/* parse_dumpsys_package_for_details' dict, in its key order. */
static const char *const detail_keys[] = {"uid",       "version_name",       "version_code",
                                          "timestamp", "first_install_time", "last_update_time"};
enum { D_UID, D_VNAME, D_VCODE, D_TS, D_FIRST, D_LAST, D_COUNT };

struct pkg {
    struct vg_dumpsys_sink *sink;
    size_t lineno;
    /* parse_dumpsys_packages */
    struct vg_buf name; /* package["package_name"] */
    int has_name;       /* package holds it */
    int seen_name;      /* the package_name variable is set */
    size_t nlines;      /* lines gathered for the current package */
    /* parse_dumpsys_package_for_details */
    json_t *detail[D_COUNT];
    json_t *permissions, *requested;
    int in_install, in_runtime, in_declared, in_requested;
    int full;
};

static void reset_details(struct pkg *p)
{
    size_t i;

    for (i = 0; i < D_COUNT; i++) {
        json_decref(p->detail[i]);
        p->detail[i] = NULL;
    }
    json_decref(p->permissions);
    json_decref(p->requested);
    p->permissions = p->requested = NULL;
    p->in_install = p->in_runtime = p->in_declared = 0;
    p->in_requested = 1; /* sic: MVT starts with it set */
    p->nlines = 0;
    p->full = 0;
}

static int start_details(struct pkg *p)
{
    reset_details(p);
    p->permissions = json_array();
    p->requested = json_array();
    return p->permissions && p->requested ? VG_OK : VG_E_NOMEM;
}

static int add(struct pkg *p, json_t *list, json_t *item)
{
    if (json_array_size(list) >= VG_MAX_DUMPSYS_ITEMS) {
        if (!p->full)
            vg_dumpsys_warn(p->sink, WHAT, p->lineno, "more than %u permissions in one package",
                            VG_MAX_DUMPSYS_ITEMS);
        p->full = 1;
        json_decref(item);
        return VG_OK;
    }
    return vg_dumpsys_append(list, item);
}

/* "      android.permission.X: granted=true, flags=[ ... ]" */
static int granted_perm(struct pkg *p, struct vg_str line, const char *type)
{
    struct vg_str s = vg_str_py_strip(line), name, info;
    json_t *o, *granted;

    if (!vg_str_until(&s, ':', &name)) { /* MVT: IndexError on lineinfo[1] */
        vg_dumpsys_warn(p->sink, WHAT, p->lineno, "%s permission without ':'", type);
        return VG_OK;
    }
    info = vg_dumpsys_head(s, ':');
    granted = vg_str_find_str(info, "granted=") < 0        ? json_null()
              : vg_str_find_str(info, "granted=true") >= 0 ? json_true()
                                                           : json_false();
    o = json_object();
    if (!o || vg_dumpsys_set_str(o, "name", name) != VG_OK ||
        vg_dumpsys_set(o, "granted", granted) != VG_OK ||
        vg_dumpsys_set(o, "type", json_string(type)) != VG_OK) {
        json_decref(o);
        return VG_E_NOMEM;
    }
    return add(p, p->permissions, o);
}

static int declared_perm(struct pkg *p, struct vg_str line)
{
    static const char *const keys[] = {"name", "type"};
    const struct vg_str vals[] = {vg_dumpsys_head(vg_str_py_strip(line), ':'),
                                  VG_STR_LIT("declared")};

    return add(p, p->permissions, vg_dumpsys_strs(2, keys, vals));
}

/* The permission lists a line continues or ends. */
static int lists(struct pkg *p, struct vg_str line)
{
    int rc;

    if (p->in_install) {
        if (vg_str_starts(line, "    ") && !vg_str_starts(line, "      "))
            p->in_install = 0;
        else if ((rc = granted_perm(p, line, "install")) != VG_OK)
            return rc;
    }
    if (p->in_runtime) {
        if (!vg_str_starts(line, "        "))
            p->in_runtime = 0;
        else if ((rc = granted_perm(p, line, "runtime")) != VG_OK)
            return rc;
    }
    if (p->in_declared) {
        if (!vg_str_starts(line, "      "))
            p->in_declared = 0;
        else if ((rc = declared_perm(p, line)) != VG_OK)
            return rc;
    }
    if (p->in_requested) {
        if (!vg_str_starts(line, "      "))
            p->in_requested = 0;
        else if ((rc = add(p, p->requested, vg_dumpsys_jstr(vg_str_py_strip(line)))) != VG_OK)
            return rc;
    }
    return VG_OK;
}

/* line.split("=")[1] (whole: split("=", 1)[1]), stripped. */
static struct vg_str after_eq(struct vg_str line, int whole)
{
    struct vg_str s = line, skip;

    (void)vg_str_until(&s, '=', &skip);
    return vg_str_py_strip(whole ? s : vg_dumpsys_head(s, '='));
}

static int detail_line(struct pkg *p, struct vg_str line)
{
    static const char *const prefixes[D_COUNT] = {
        "userId=",    "versionName=",      "versionCode=",
        "timeStamp=", "firstInstallTime=", "lastUpdateTime="};
    struct vg_str s = vg_str_py_strip(line);
    size_t i;
    int rc;

    if ((rc = lists(p, line)) != VG_OK)
        return rc;
    for (i = 0; i < D_COUNT; i++) {
        if (vg_str_starts(s, prefixes[i])) {
            json_decref(p->detail[i]);
            p->detail[i] = vg_dumpsys_jstr(after_eq(line, i == D_VCODE));
            return p->detail[i] ? VG_OK : VG_E_NOMEM;
        }
    }
    if (vg_str_eq(s, "install permissions:"))
        p->in_install = 1;
    else if (vg_str_eq(s, "runtime permissions:"))
        p->in_runtime = 1;
    else if (vg_str_eq(s, "declared permissions:"))
        p->in_declared = 1;
    else if (vg_str_eq(s, "requested permissions:"))
        p->in_requested = 1;
    return VG_OK;
}

/* package.update(details), handed over. */
static int flush(struct pkg *p)
{
    json_t *o = json_object();
    size_t i;
    int rc = VG_E_NOMEM;

    if (!o)
        goto out;
    if (p->has_name &&
        vg_dumpsys_set(o, "package_name",
                       json_stringn(p->name.data ? p->name.data : "", p->name.len)) != VG_OK)
        goto out;
    for (i = 0; i < D_COUNT; i++)
        if (vg_dumpsys_set(o, detail_keys[i],
                           p->detail[i] ? json_incref(p->detail[i]) : json_string("")) != VG_OK)
            goto out;
    if (vg_dumpsys_set(o, "permissions", json_incref(p->permissions)) != VG_OK ||
        vg_dumpsys_set(o, "requested_permissions", json_incref(p->requested)) != VG_OK)
        goto out;
    p->has_name = 0;
    rc = vg_dumpsys_emit(p->sink, o);
    o = NULL;
    if (rc == VG_OK)
        rc = start_details(p);
out:
    json_decref(o);
    return rc;
}

/* "  Package [com.instagram.android] (c716d35):": the name is the text
 * from after '[' to the first ']' after it, one character at least. */
static int header(struct pkg *p, struct vg_str line)
{
    struct vg_str s = vg_str_sub(line, 11, line.n), name;
    long close;
    int rc;

    if (p->nlines > 0 && (rc = flush(p)) != VG_OK)
        return rc;
    close = s.n > 1 ? vg_str_find(vg_str_sub(s, 1, s.n), ']') : -1;
    if (close < 0)
        return VG_OK; /* no match: the package_name variable keeps its value */
    name = vg_str_sub(s, 0, (size_t)close + 1);
    vg_buf_reset(&p->name);
    if ((rc = vg_buf_append(&p->name, name.p, name.n)) != VG_OK)
        return rc;
    p->has_name = p->seen_name = 1;
    return VG_OK;
}

static int parse(struct pkg *p, struct vg_dumpsys_lines *r)
{
    struct vg_str line;
    int in_list = 0, rc;

    while ((rc = vg_dumpsys_lines_next(r, &line)) == 1) {
        p->lineno = r->lineno;
        if (vg_str_starts(line, "Packages:")) {
            in_list = 1;
            continue;
        }
        if (!in_list)
            continue;
        if (vg_dumpsys_blank(line))
            break;
        if (vg_str_starts(line, "  Package [")) {
            if ((rc = header(p, line)) != VG_OK)
                return rc;
            continue;
        }
        if (!p->seen_name)
            continue;
        p->nlines++;
        if ((rc = detail_line(p, line)) != VG_OK)
            return rc;
    }
    if (rc < 0)
        return rc;
    return p->nlines > 0 ? flush(p) : VG_OK;
}

int vg_dumpsys_packages(const struct vg_dumpsys_section *sec, struct vg_dumpsys_sink *sink)
{
    struct vg_dumpsys_lines r;
    struct pkg p;
    int rc;

    memset(&p, 0, sizeof(p));
    p.sink = sink;
    vg_buf_init(&p.name, 3 * (size_t)VG_MAX_TEXT_LINE + 1);
    vg_dumpsys_lines_init(&r, sec);
    rc = start_details(&p);
    if (rc == VG_OK)
        rc = parse(&p, &r);
    vg_dumpsys_done(sink, WHAT, &r);
    vg_dumpsys_lines_free(&r);
    reset_details(&p);
    vg_buf_free(&p.name);
    return rc;
}
