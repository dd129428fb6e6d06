/* SPDX-License-Identifier: Apache-2.0 */
#include "util/vg.h"

#include "formats/android/getprop.h"
#include "util/text.h"

/* A property whose value holds line breaks is printed over several lines:
 * its first line opens "[name]: [" and the value runs on to the first line
 * that ends in "]". */
struct gp {
    struct vg_aqf_sink *s;
    int pending;
    struct vg_str name;
    size_t line;   /* where the pending property started */
    size_t nlines; /* lines it has so far */
    struct vg_buf val;
    size_t bad, bad_first;
};

static int gp_emit(struct gp *g, struct vg_str name, const char *v, size_t vn)
{
    json_t *rec = json_object();

    if (!rec || json_object_set_new(rec, "name", vg_aqf_str(name.p, name.n)) != 0 ||
        json_object_set_new(rec, "value", vg_aqf_str(v, vn)) != 0) {
        json_decref(rec);
        return VG_E_NOMEM;
    }
    return vg_aqf_emit(g->s, rec);
}

/* "[name]: [rest": name is never empty (MVT's regex needs a character). */
static int gp_opens(struct vg_str t, struct vg_str *name, struct vg_str *rest)
{
    if (!vg_str_eat_char(&t, '[') || !vg_str_until_str(&t, "]: [", name) || name->n == 0)
        return 0;
    *rest = t;
    return 1;
}

/* A multi-line value that never closed: delivered as far as it went. */
static int gp_flush_open(struct gp *g, const char *why)
{
    g->pending = 0;
    vg_aqf_warn(g->s, "line %zu: the value of %.*s %s", g->line, (int)g->name.n, g->name.p, why);
    return gp_emit(g, g->name, g->val.data, g->val.len);
}

static int gp_continue(struct gp *g, struct vg_str line)
{
    struct vg_str r = vg_str_rstrip(line);
    int closes = vg_str_ends(r, "]");
    int rc;

    rc = vg_buf_append_char(&g->val, '\n');
    if (rc == VG_OK)
        rc = closes ? vg_buf_append(&g->val, r.p, r.n - 1) : vg_buf_append(&g->val, line.p, line.n);
    if (rc == VG_E_LIMIT)
        return gp_flush_open(g, "is too long: cut");
    if (rc != VG_OK)
        return rc;
    if (closes) {
        g->pending = 0;
        return gp_emit(g, g->name, g->val.data, g->val.len);
    }
    if (++g->nlines >= VG_MAX_GETPROP_LINES)
        return gp_flush_open(g, "has too many lines: cut");
    return VG_OK;
}

static int gp_line(struct gp *g, struct vg_str line, size_t lineno)
{
    struct vg_str t = vg_str_strip(line), name, rest;
    int rc;

    if (g->pending && !gp_opens(t, &name, &rest))
        return gp_continue(g, line);
    if (g->pending) {
        rc = gp_flush_open(g, "has no closing ]");
        if (rc != VG_OK)
            return rc;
    }
    if (t.n == 0)
        return VG_OK;
    if (!gp_opens(t, &name, &rest)) {
        if (g->bad++ == 0)
            g->bad_first = lineno;
        return VG_OK;
    }
    if (vg_str_ends(rest, "]"))
        return gp_emit(g, name, rest.p, rest.n - 1);
    /* the first line of a longer value keeps its trailing blanks */
    rest.n = line.n - (size_t)(rest.p - line.p);
    g->pending = 1;
    g->name = name;
    g->line = lineno;
    g->nlines = 1;
    vg_buf_reset(&g->val);
    return vg_buf_append(&g->val, rest.p, rest.n);
}

int vg_getprop_parse(const void *text, size_t len, struct vg_aqf_sink *s)
{
    struct vg_buf fixed;
    struct vg_lines l;
    struct vg_str line;
    struct gp g;
    const char *p;
    size_t n;
    int rc;

    memset(&g, 0, sizeof(g));
    g.s = s;
    vg_buf_init(&g.val, VG_MAX_TEXT_LINE);
    vg_buf_init(&fixed, SIZE_MAX - 1);
    rc = vg_aqf_text_utf8(s, text, len, &fixed, &p, &n);
    if (rc != VG_OK)
        goto out;
    vg_lines_init(&l, p, n, 0);
    while (rc == VG_OK && vg_lines_next(&l, &line))
        rc = gp_line(&g, line, l.lineno);
    if (rc == VG_OK && g.pending)
        rc = gp_flush_open(&g, "has no closing ] at the end of the file");
    if (g.bad)
        vg_aqf_warn(s, "%zu lines are not \"[name]: [value]\" properties (the first: line %zu)",
                    g.bad, g.bad_first);
    if (l.cut)
        vg_aqf_warn(s, "%zu lines longer than %u bytes were cut", l.cut, VG_MAX_TEXT_LINE);
out:
    vg_aqf_warn_done(s);
    vg_buf_free(&g.val);
    vg_buf_free(&fixed);
    return rc;
}

/* ---- checks ---- */

static const char *const interesting[] = {
    "gsm.sim.operator.alpha",
    "gsm.sim.operator.iso-country",
    "persist.sys.timezone",
    "ro.boot.serialno",
    "ro.build.version.sdk",
    VG_GETPROP_PATCH_PROP,
    "ro.product.cpu.abi",
    "ro.product.locale",
    "ro.product.vendor.manufacturer",
    "ro.product.vendor.model",
    "ro.product.vendor.name",
};

int vg_getprop_interesting(const char *name)
{
    size_t i;

    for (i = 0; name && i < VG_ARRAY_LEN(interesting); i++)
        if (strcmp(name, interesting[i]) == 0)
            return 1;
    return 0;
}

static int digit(char c)
{
    return c >= '0' && c <= '9';
}

/* One alternative of Python's strptime regexes for %m and %d, tried in
 * their order: the first that fits is taken. */
static int two_or_one(const char **p, unsigned *out, int day)
{
    const char *s = *p;

    if (day && s[0] == '3' && (s[1] == '0' || s[1] == '1'))
        goto two;
    if (day && (s[0] == '1' || s[0] == '2') && digit(s[1]))
        goto two;
    if (!day && s[0] == '1' && s[1] >= '0' && s[1] <= '2')
        goto two;
    if (s[0] == '0' && s[1] >= '1' && s[1] <= '9')
        goto two;
    if (s[0] >= '1' && s[0] <= '9') {
        *out = (unsigned)(s[0] - '0');
        *p = s + 1;
        return 1;
    }
    if (day && s[0] == ' ' && s[1] >= '1' && s[1] <= '9') {
        *out = (unsigned)(s[1] - '0');
        *p = s + 2;
        return 1;
    }
    return 0;
two:
    *out = (unsigned)(s[0] - '0') * 10 + (unsigned)(s[1] - '0');
    *p = s + 2;
    return 1;
}

static int leap(unsigned y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; Howard Hinnant's
 * days_from_civil, written out because libc's timegm reads the process
 * time zone state and mktime the local zone). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (int64_t)(m > 2 ? m - 3 : m + 9) + 2) / 5 + (int64_t)d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int vg_getprop_patch_stale(const char *value, int64_t now, int *stale)
{
    static const unsigned mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const char *p = value;
    unsigned y = 0, m, d, i;
    int64_t at;

    for (i = 0; i < 4; i++) {
        if (!p || !digit(p[i]))
            return VG_E_INVAL;
        y = y * 10 + (unsigned)(p[i] - '0');
    }
    p += 4;
    if (*p++ != '-' || !two_or_one(&p, &m, 0) || *p++ != '-' || !two_or_one(&p, &d, 1) || *p)
        return VG_E_INVAL;
    if (y == 0 || d > mdays[m - 1] + (m == 2 && leap(y)))
        return VG_E_INVAL;
    at = days_from_civil(y, m, d) * 86400;
    *stale = now > at + 186 * 86400;
    return VG_OK;
}
