/* SPDX-License-Identifier: Apache-2.0 */
#include "util/vg.h"

#include "formats/android/mounts.h"
#include "util/text.h"

struct mnt {
    struct vg_str device, point, fs, opts;
};

/* "DEV on MNT type FS (OPTS)", cut as MVT cuts it: at the first " on ",
 * then the first " type ", options when FS ends in ")". */
static int mnt_on_type(struct vg_str t, struct mnt *m)
{
    struct vg_str fs;
    long paren;

    if (vg_str_find_str(t, " on ") < 0 || vg_str_find_str(t, " type ") < 0)
        return -1; /* not this form */
    if (!vg_str_until_str(&t, " on ", &m->device) || !vg_str_until_str(&t, " type ", &m->point))
        return 0;
    m->device = vg_str_strip(m->device);
    m->point = vg_str_strip(m->point);
    fs = vg_str_strip(t);
    m->opts = vg_str_of("");
    paren = vg_str_find(fs, '(');
    if (paren >= 0 && vg_str_ends(t, ")")) {
        m->opts.p = fs.p + paren + 1;
        m->opts.n = fs.n - (size_t)paren - 2;
        m->opts = vg_str_strip(m->opts);
        fs.n = (size_t)paren;
        fs = vg_str_strip(fs);
    }
    m->fs = fs;
    return m->device.n && m->point.n && m->fs.n;
}

/* "DEV MNT FS OPTS [FREQ PASS]". */
static int mnt_proc(struct vg_str t, struct mnt *m)
{
    struct vg_str f[6], extra;
    size_t n = 0, i;
    uint64_t u;

    while (n < 6 && vg_str_field(&t, &f[n]))
        n++;
    if (n < 4 || vg_str_field(&t, &extra))
        return 0;
    for (i = 4; i < n; i++)
        if (!vg_str_to_u64(f[i], &u))
            return 0;
    m->device = f[0];
    m->point = f[1];
    m->fs = f[2];
    m->opts = f[3];
    return 1;
}

static json_t *mnt_options(struct vg_str opts, int *rw)
{
    json_t *a = json_array();
    struct vg_str o;
    int more = 1;

    *rw = 0;
    while (a && more && opts.n) {
        more = vg_str_until(&opts, ',', &o);
        if (!more)
            o = opts;
        o = vg_str_strip(o);
        if (o.n == 0)
            continue;
        if (vg_str_eq(o, "rw"))
            *rw = 1;
        if (json_array_append_new(a, vg_aqf_str(o.p, o.n)) != 0) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

static const char *const system_points[] = {"/system", "/vendor", "/product", "/system_ext"};

static int mnt_system(struct vg_str point)
{
    size_t i;

    for (i = 0; i < VG_ARRAY_LEN(system_points); i++)
        if (vg_str_starts(point, system_points[i]))
            return 1;
    return 0;
}

static int mnt_emit(struct vg_aqf_sink *s, const struct mnt *m)
{
    json_t *rec = json_object(), *opts;
    int rw = 0, ok;

    opts = mnt_options(m->opts, &rw);
    ok = rec && opts &&
         json_object_set_new(rec, "device", vg_aqf_str(m->device.p, m->device.n)) == 0 &&
         json_object_set_new(rec, "mount_point", vg_aqf_str(m->point.p, m->point.n)) == 0 &&
         json_object_set_new(rec, "filesystem_type", vg_aqf_str(m->fs.p, m->fs.n)) == 0 &&
         json_object_set_new(rec, "mount_options", vg_aqf_str(m->opts.p, m->opts.n)) == 0 &&
         json_object_set(rec, "options_list", opts) == 0 &&
         json_object_set_new(rec, "is_system_partition", json_boolean(mnt_system(m->point))) == 0 &&
         json_object_set_new(rec, "is_read_write", json_boolean(rw)) == 0;
    json_decref(opts);
    if (!ok) {
        json_decref(rec);
        return VG_E_NOMEM;
    }
    return vg_aqf_emit(s, rec);
}

/* Pass 0 reads the "on ... type" lines and counts the lines in neither
 * form; pass 1 (only when pass 0 found no mount) reads the /proc/mounts
 * lines, which otherwise repeat the same mounts. */
static int mnt_pass(struct vg_aqf_sink *s, const char *p, size_t n, int pass, size_t *found,
                    size_t *bad, size_t *bad_first)
{
    struct vg_lines l;
    struct vg_str line;
    struct mnt m;
    int rc = VG_OK, k, proc;

    vg_lines_init(&l, p, n, 0);
    while (rc == VG_OK && vg_lines_next(&l, &line)) {
        line = vg_str_strip(line);
        if (line.n == 0)
            continue;
        k = mnt_on_type(line, &m);
        proc = k < 0;
        if (proc)
            k = mnt_proc(line, &m);
        if (k && proc == pass) {
            (*found)++;
            rc = mnt_emit(s, &m);
        } else if (!k && pass == 0 && (*bad)++ == 0) {
            *bad_first = l.lineno;
        }
    }
    if (pass == 0 && l.cut)
        vg_aqf_warn(s, "%zu lines longer than %u bytes were cut", l.cut, VG_MAX_TEXT_LINE);
    return rc;
}

int vg_mounts_parse(const void *text, size_t len, struct vg_aqf_sink *s)
{
    size_t found = 0, bad = 0, bad_first = 0;
    struct vg_buf fixed;
    const char *p;
    size_t n;
    int rc;

    vg_buf_init(&fixed, SIZE_MAX - 1);
    rc = vg_aqf_text_utf8(s, text, len, &fixed, &p, &n);
    if (rc == VG_OK)
        rc = mnt_pass(s, p, n, 0, &found, &bad, &bad_first);
    if (rc == VG_OK && found == 0)
        rc = mnt_pass(s, p, n, 1, &found, &bad, &bad_first);
    if (bad)
        vg_aqf_warn(s, "%zu lines are no mount (the first: line %zu)", bad, bad_first);
    vg_aqf_warn_done(s);
    vg_buf_free(&fixed);
    return rc;
}

int vg_mounts_system_point(const char *mount_point)
{
    return mount_point && mnt_system(vg_str_of(mount_point));
}

int vg_mounts_suspicious_option(const char *opt)
{
    return opt && (strcmp(opt, "rw") == 0 || strcmp(opt, "remount") == 0 ||
                   strcmp(opt, "noatime") == 0 || strcmp(opt, "nodiratime") == 0);
}

int vg_mounts_noatime_allowed(const char *mount_point)
{
    static const char *const allow[] = {"/system_dlkm", "/system_ext", "/product", "/vendor",
                                        "/vendor_dlkm"};
    size_t i;

    for (i = 0; mount_point && i < VG_ARRAY_LEN(allow); i++)
        if (strcmp(mount_point, allow[i]) == 0)
            return 1;
    return 0;
}
