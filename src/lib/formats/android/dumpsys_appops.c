/*
 * The appops service's per-uid, per-package operations (MVT's
 * DumpsysAppopsArtifact.parse; grammar in docs/formats/dumpsys.md).
 *
 * MVT keeps three dicts while it reads: the package, the permission
 * (operation) and the access entry being filled, each added to its parent
 * when the next one starts. The same here, with a NULL pointer for MVT's
 * empty (falsy) dict; a package is handed over as soon as it is complete.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include "formats/android/dumpsys_int.h"

#define WHAT "appops"

struct state {
    struct vg_dumpsys_sink *sink;
    size_t lineno, entry_line;
    struct vg_buf uid;
    json_t *package, *perm, *entry;
    int full_perms, full_entries; /* VG_MAX_DUMPSYS_ITEMS reached, said once */
};

/* ---- MVT's datetime.strptime(s, "%Y-%m-%d %H:%M:%S.%f") ---- */

/* A field of one or two digits whose two-digit form must lie in
 * [lo2, hi2] and whose one-digit form in [lo1, 9] (the alternatives of
 * Python's _strptime regex: a two-digit value out of range cannot match
 * as one digit either, because a digit, not the separator, follows). */
static int field(struct vg_str *s, uint64_t lo2, uint64_t hi2, uint64_t lo1, uint64_t *out)
{
    struct vg_str t = *s;
    uint64_t v;
    size_t before = t.n;

    if (!vg_str_digits(&t, 1, 2, &v))
        return 0;
    if (before - t.n == 2 ? v < lo2 || v > hi2 : v < lo1)
        return 0;
    *s = t;
    *out = v;
    return 1;
}

static int leap(uint64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int appops_time(struct vg_str s, char *out, size_t cap)
{
    static const unsigned mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    uint64_t Y, m, d, H, M, S, f;
    size_t before, k;

    if (!vg_str_digits(&s, 4, 4, &Y) || !vg_str_eat_char(&s, '-') || !field(&s, 1, 12, 1, &m) ||
        !vg_str_eat_char(&s, '-'))
        return 0;
    if (vg_str_eat_char(&s, ' ')) { /* %d also takes " 5" */
        if (!vg_str_digits(&s, 1, 1, &d) || d == 0)
            return 0;
    } else if (!field(&s, 1, 31, 1, &d)) {
        return 0;
    }
    if (vg_py_space(s) == 0)
        return 0;
    s = vg_str_py_lstrip(s);
    if (!field(&s, 0, 23, 0, &H) || !vg_str_eat_char(&s, ':') || !field(&s, 0, 59, 0, &M) ||
        !vg_str_eat_char(&s, ':') || !field(&s, 0, 61, 0, &S) || !vg_str_eat_char(&s, '.'))
        return 0;
    before = s.n;
    if (!vg_str_digits(&s, 1, 6, &f) || s.n != 0)
        return 0;
    for (k = before; k < 6; k++)
        f *= 10;
    /* what datetime() then refuses */
    if (Y == 0 || S > 59 || d > mdays[m - 1] + (m == 2 && leap(Y)))
        return 0;
    /* Python's strftime("%Y") leaves years below 1000 unpadded (glibc) */
    return vg_snprintf(out, cap, "%d-%02d-%02d %02d:%02d:%02d.%06d", (int)Y, (int)m, (int)d, (int)H,
                       (int)M, (int)S, (int)f) == VG_OK;
}

/* ---- building the dicts ---- */

static int flush_entry(struct state *st)
{
    json_t *entries;

    if (!st->entry)
        return VG_OK;
    entries = st->perm ? json_object_get(st->perm, "entries") : NULL;
    if (!entries) { /* MVT: KeyError */
        vg_dumpsys_warn(st->sink, WHAT, st->entry_line, "access entry outside any operation");
        json_decref(st->entry);
    } else if (json_array_size(entries) >= VG_MAX_DUMPSYS_ITEMS) {
        if (!st->full_entries)
            vg_dumpsys_warn(st->sink, WHAT, st->lineno, "more than %u entries in one operation",
                            VG_MAX_DUMPSYS_ITEMS);
        st->full_entries = 1;
        json_decref(st->entry);
    } else if (json_array_append_new(entries, st->entry) != 0) {
        st->entry = NULL;
        return VG_E_NOMEM;
    }
    st->entry = NULL;
    return VG_OK;
}

static int flush_perm(struct state *st)
{
    json_t *perms;

    if (!st->perm)
        return VG_OK;
    perms = st->package ? json_object_get(st->package, "permissions") : NULL;
    if (!perms || json_array_size(perms) >= VG_MAX_DUMPSYS_ITEMS) {
        if (perms && !st->full_perms)
            vg_dumpsys_warn(st->sink, WHAT, st->lineno, "more than %u operations in one package",
                            VG_MAX_DUMPSYS_ITEMS);
        st->full_perms = perms != NULL;
        json_decref(st->perm);
    } else if (json_array_append_new(perms, st->perm) != 0) {
        st->perm = NULL;
        return VG_E_NOMEM;
    }
    st->perm = NULL;
    return VG_OK;
}

/* The end of a package: its last entry and operation, then the package. */
static int flush_package(struct state *st)
{
    json_t *pkg;
    int rc;

    if ((rc = flush_entry(st)) != VG_OK)
        return rc;
    if (!st->package)
        return VG_OK;
    if ((rc = flush_perm(st)) != VG_OK)
        return rc;
    pkg = st->package;
    st->package = NULL;
    return vg_dumpsys_emit(st->sink, pkg);
}

static int new_package(struct state *st, struct vg_str line)
{
    json_t *p = json_object();
    int rc;

    if (!p)
        return VG_E_NOMEM;
    st->package = p;
    st->full_perms = 0;
    if ((rc = vg_dumpsys_set_str(p, "package_name", vg_str_py_slice(line, 12, -1))) != VG_OK ||
        (rc = vg_dumpsys_set(p, "permissions", json_array())) != VG_OK)
        return rc;
    return vg_dumpsys_set_str(p, "uid", (struct vg_str){st->uid.data, st->uid.len});
}

/* "      NAME (mode):": name is the first word; access the second without
 * its first character and last two, as MVT slices it. */
static int new_perm(struct state *st, struct vg_str line)
{
    struct vg_str s = line, name, access;
    json_t *p;
    int rc;

    if ((rc = flush_entry(st)) != VG_OK || (rc = flush_perm(st)) != VG_OK)
        return rc;
    if (!vg_str_py_word(&s, &name)) { /* MVT: IndexError on split()[0] */
        vg_dumpsys_warn(st->sink, WHAT, st->lineno, "blank operation line in a package");
        return VG_OK; /* and the blank-line test ends the list */
    }
    if (!(p = json_object()))
        return VG_E_NOMEM;
    st->perm = p;
    st->full_entries = 0;
    if ((rc = vg_dumpsys_set_str(p, "name", name)) != VG_OK ||
        (rc = vg_dumpsys_set(p, "entries", json_array())) != VG_OK)
        return rc;
    if (vg_str_py_word(&s, &access))
        return vg_dumpsys_set_str(p, "access", vg_str_py_slice(access, 1, -2));
    return VG_OK;
}

/* "          Access: [fg-s] 2021-05-19 22:02:49.186 (-314d1h25m4s901ms)" */
static int new_entry(struct state *st, struct vg_str line)
{
    struct vg_str access = vg_str_py_strip(vg_dumpsys_head(line, ':')), when;
    char iso[64];
    json_t *e;
    int rc;

    if (!vg_str_eq(access, "Access") && !vg_str_eq(access, "Reject"))
        return VG_OK;
    if ((rc = flush_entry(st)) != VG_OK)
        return rc;
    if (!(e = json_object()))
        return VG_E_NOMEM;
    st->entry = e;
    st->entry_line = st->lineno;
    if ((rc = vg_dumpsys_set_str(e, "access", access)) != VG_OK ||
        (rc = vg_dumpsys_set_str(e, "type",
                                 vg_str_py_slice(line, vg_str_py_find(line, "[") + 1,
                                                 vg_str_py_find(line, "]")))) != VG_OK)
        return rc;
    when = vg_str_py_slice(line, vg_str_py_find(line, "]") + 1, vg_str_py_find(line, "("));
    if (!appops_time(vg_str_py_strip(when), iso, sizeof(iso)))
        return VG_OK; /* MVT: ValueError, no timestamp */
    return vg_dumpsys_set(e, "timestamp", json_string(iso));
}

/* One line; 1 when the list ends (a blank line). */
static int line_step(struct state *st, struct vg_str line, int *in_packages)
{
    struct vg_str s = line;
    int rc;

    if (vg_str_starts(line, "  Uid 0:"))
        *in_packages = 1;
    if (!*in_packages)
        return VG_OK;
    if (vg_str_starts(line, "  Uid ")) {
        s = vg_str_py_slice(line, 6, -1);
        vg_buf_reset(&st->uid);
        if ((rc = vg_buf_append(&st->uid, s.p, s.n)) != VG_OK)
            return rc;
        return flush_package(st);
    }
    if (vg_str_starts(line, "    Package ")) {
        if ((rc = flush_package(st)) != VG_OK)
            return rc;
        return new_package(st, line);
    }
    if (st->package && vg_str_starts(line, "      ") && !vg_str_starts(line, "       ")) {
        if (line.n == 6) /* MVT: IndexError on line[6] */
            vg_dumpsys_warn(st->sink, WHAT, st->lineno, "line of six spaces in a package");
        else if ((rc = new_perm(st, line)) != VG_OK)
            return rc;
        if (!vg_dumpsys_blank(line))
            return VG_OK;
    } else if (vg_str_starts(line, "          ")) {
        struct vg_str a = vg_str_py_strip(vg_dumpsys_head(line, ':'));
        if (!vg_str_eq(a, "Access") && !vg_str_eq(a, "Reject"))
            return VG_OK; /* MVT's continue: not even the blank-line test */
        if ((rc = new_entry(st, line)) != VG_OK)
            return rc;
    }
    return vg_dumpsys_blank(line) ? 1 : VG_OK;
}

int vg_dumpsys_appops(const struct vg_dumpsys_section *sec, struct vg_dumpsys_sink *sink)
{
    struct vg_dumpsys_lines r;
    struct vg_str line;
    struct state st;
    int in_packages = 0, rc;

    memset(&st, 0, sizeof(st));
    st.sink = sink;
    vg_buf_init(&st.uid, 3 * (size_t)VG_MAX_TEXT_LINE + 1);
    vg_dumpsys_lines_init(&r, sec);
    while ((rc = vg_dumpsys_lines_next(&r, &line)) == 1) {
        st.lineno = r.lineno;
        if ((rc = line_step(&st, line, &in_packages)) != VG_OK)
            break;
    }
    if (rc >= 0)
        rc = flush_package(&st);
    vg_dumpsys_done(sink, WHAT, &r);
    vg_dumpsys_lines_free(&r);
    json_decref(st.entry);
    json_decref(st.perm);
    json_decref(st.package);
    vg_buf_free(&st.uid);
    return rc;
}
