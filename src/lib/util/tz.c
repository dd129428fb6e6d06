/*
 * Time zones from TZif files (see tz.h and docs/formats/tzif.md).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/rd.h"
#include "util/tz.h"

#define HEADER_LEN 44u

/* A date rule of a POSIX TZ string. */
struct rule_date {
    char form; /* 'J' (1..365, no Feb 29), 'n' (0..365), 'M' (month, week, day) */
    int n, m, w, d;
    int32_t secs; /* local time of day of the change, seconds (may be < 0 or > 24 h) */
};

struct posix_rule {
    int32_t std_off, dst_off; /* UTC offsets (local = UTC + off) */
    int has_dst;
    struct rule_date start, end;
};

struct vg_tz {
    char *name;
    int64_t *trans; /* transition times, ascending */
    uint8_t *idx;   /* each transition's type */
    size_t n_trans;
    int32_t *utoff; /* each type's offset */
    uint8_t *isdst;
    size_t n_types;
    int32_t before; /* offset before the first transition */
    int has_rule;
    struct posix_rule rule;
};

void vg_tz_free(struct vg_tz *tz)
{
    if (!tz)
        return;
    free(tz->name);
    free(tz->trans);
    free(tz->idx);
    free(tz->utoff);
    free(tz->isdst);
    free(tz);
}

const char *vg_tz_name(const struct vg_tz *tz)
{
    return tz->name;
}

/* ---- POSIX TZ strings (the footer) ---- */

struct cur {
    const char *p, *end;
};

static int peek(const struct cur *c)
{
    return c->p < c->end ? (unsigned char)*c->p : -1;
}

static int is_digit(int ch)
{
    return ch >= '0' && ch <= '9';
}

static int is_alpha(int ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

/* A zone abbreviation: three or more letters, or <...> of letters, digits
 * and signs. */
static int parse_name(struct cur *c)
{
    const char *start = c->p;

    if (peek(c) == '<') {
        c->p++;
        start = c->p;
        while (c->p < c->end && *c->p != '>' &&
               (is_alpha((unsigned char)*c->p) || is_digit((unsigned char)*c->p) || *c->p == '+' ||
                *c->p == '-'))
            c->p++;
        if (peek(c) != '>' || c->p - start < 3)
            return 0;
        c->p++;
        return 1;
    }
    while (c->p < c->end && is_alpha((unsigned char)*c->p))
        c->p++;
    return c->p - start >= 3;
}

static int parse_num(struct cur *c, int lo, int hi, int *out)
{
    int v = 0, digits = 0;

    while (is_digit(peek(c)) && digits < 4) {
        v = v * 10 + (*c->p - '0');
        c->p++;
        digits++;
    }
    if (digits == 0 || v < lo || v > hi)
        return 0;
    *out = v;
    return 1;
}

/* [+-]hh[:mm[:ss]], hours up to max_h; seconds, sign applied. */
static int parse_hms(struct cur *c, int max_h, int32_t *out)
{
    int sign = 1, h = 0, m = 0, s = 0;

    if (peek(c) == '+' || peek(c) == '-') {
        sign = *c->p == '-' ? -1 : 1;
        c->p++;
    }
    if (!parse_num(c, 0, max_h, &h))
        return 0;
    if (peek(c) == ':') {
        c->p++;
        if (!parse_num(c, 0, 59, &m))
            return 0;
        if (peek(c) == ':') {
            c->p++;
            if (!parse_num(c, 0, 59, &s))
                return 0;
        }
    }
    *out = (int32_t)(sign * (h * 3600 + m * 60 + s));
    return 1;
}

static int parse_date(struct cur *c, struct rule_date *d)
{
    memset(d, 0, sizeof(*d));
    if (peek(c) == 'J') {
        c->p++;
        d->form = 'J';
        if (!parse_num(c, 1, 365, &d->n))
            return 0;
    } else if (peek(c) == 'M') {
        c->p++;
        d->form = 'M';
        if (!parse_num(c, 1, 12, &d->m) || peek(c) != '.')
            return 0;
        c->p++;
        if (!parse_num(c, 1, 5, &d->w) || peek(c) != '.')
            return 0;
        c->p++;
        if (!parse_num(c, 0, 6, &d->d))
            return 0;
    } else {
        d->form = 'n';
        if (!parse_num(c, 0, 365, &d->n))
            return 0;
    }
    d->secs = 2 * 3600;
    if (peek(c) == '/') {
        c->p++;
        /* RFC 8536 extends the time of day to -167..167 hours */
        if (!parse_hms(c, 167, &d->secs))
            return 0;
    }
    return 1;
}

static int parse_posix(const char *s, size_t n, struct posix_rule *r)
{
    struct cur c = {s, s + n};
    int32_t off;

    memset(r, 0, sizeof(*r));
    if (!parse_name(&c) || !parse_hms(&c, 24, &off))
        return 0;
    r->std_off = -off; /* POSIX counts west of Greenwich as positive */
    if (c.p == c.end)
        return 1;
    if (!parse_name(&c))
        return 0;
    r->has_dst = 1;
    r->dst_off = r->std_off + 3600;
    if (peek(&c) != ',' && peek(&c) != -1) {
        if (!parse_hms(&c, 24, &off))
            return 0;
        r->dst_off = -off;
    }
    if (peek(&c) != ',')
        return 0; /* RFC 8536 footers always give the rule with a DST name */
    c.p++;
    if (!parse_date(&c, &r->start) || peek(&c) != ',')
        return 0;
    c.p++;
    return parse_date(&c, &r->end) && c.p == c.end;
}

static int leap(int64_t y)
{
    return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

static int month_days(int64_t y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return days[m - 1] + (m == 2 && leap(y));
}

/* Days since 1970 of a rule's date in year y. */
static int64_t rule_day(int64_t y, const struct rule_date *d)
{
    int64_t jan1 = vg_days_from_civil(y, 1, 1), first;
    int wd, day;

    if (d->form == 'J')
        return jan1 + d->n - 1 + (leap(y) && d->n >= 60);
    if (d->form == 'n')
        return jan1 + d->n;
    first = vg_days_from_civil(y, (unsigned)d->m, 1);
    wd = (int)(((first + 4) % 7 + 7) % 7); /* 1970-01-01 was a Thursday */
    day = (d->d - wd + 7) % 7 + 7 * (d->w - 1);
    while (day >= month_days(y, d->m))
        day -= 7;
    return first + day;
}

static int64_t floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* The civil year of a day count (|days| < 4e6: the caller clamps). */
static int64_t year_of_day(int64_t days)
{
    int64_t y = 1970 + floor_div(days * 400, 146097); /* 146097 days per 400 years */

    while (vg_days_from_civil(y, 1, 1) > days)
        y--;
    while (vg_days_from_civil(y + 1, 1, 1) <= days)
        y++;
    return y;
}

static int32_t rule_offset(const struct posix_rule *r, int64_t t)
{
    int64_t y, start, end;

    if (!r->has_dst)
        return r->std_off;
    y = year_of_day(floor_div(t + r->std_off, 86400));
    start = rule_day(y, &r->start) * 86400 + r->start.secs - r->std_off;
    end = rule_day(y, &r->end) * 86400 + r->end.secs - r->dst_off;
    if (start < end)
        return t >= start && t < end ? r->dst_off : r->std_off;
    return t >= end && t < start ? r->std_off : r->dst_off;
}

int32_t vg_tz_offset(const struct vg_tz *tz, int64_t t)
{
    size_t lo = 0, hi;

    /* years 1 to 9999, the only ones an isodate can hold */
    if (t < -62135596800)
        t = -62135596800;
    if (t > 253402300799)
        t = 253402300799;
    if (tz->n_trans == 0 || t < tz->trans[0])
        return tz->n_trans == 0 && tz->has_rule ? rule_offset(&tz->rule, t) : tz->before;
    if (t >= tz->trans[tz->n_trans - 1] && tz->has_rule)
        return rule_offset(&tz->rule, t);
    hi = tz->n_trans;
    while (hi - lo > 1) { /* the last transition at or before t */
        size_t mid = lo + (hi - lo) / 2;
        if (tz->trans[mid] <= t)
            lo = mid;
        else
            hi = mid;
    }
    return tz->utoff[tz->idx[lo]];
}

/* ---- TZif ---- */

struct counts {
    uint32_t isut, isstd, leap, time, type, chars;
};

static int read_header(struct vg_rd *r, int *version, struct counts *k)
{
    const unsigned char *h = vg_rd_bytes(r, HEADER_LEN);
    struct vg_rd c;

    if (!h || memcmp(h, "TZif", 4) != 0)
        return VG_E_CORRUPT;
    *version = h[4];
    vg_rd_init(&c, h + 20, HEADER_LEN - 20);
    k->isut = vg_rd_be32(&c);
    k->isstd = vg_rd_be32(&c);
    k->leap = vg_rd_be32(&c);
    k->time = vg_rd_be32(&c);
    k->type = vg_rd_be32(&c);
    k->chars = vg_rd_be32(&c);
    if (k->type == 0 || k->type > 256 || k->time > VG_MAX_TZ_TRANSITIONS ||
        k->leap > VG_MAX_TZ_TRANSITIONS || k->chars == 0 || k->chars > 65536 ||
        (k->isut && k->isut != k->type) || (k->isstd && k->isstd != k->type))
        return VG_E_CORRUPT;
    return VG_OK;
}

static int skip_block(struct vg_rd *r, const struct counts *k, size_t tsize)
{
    size_t n = (size_t)k->time * (tsize + 1) + (size_t)k->type * 6 + k->chars +
               (size_t)k->leap * (tsize + 4) + k->isstd + k->isut;
    return vg_rd_skip(r, n) ? VG_OK : VG_E_CORRUPT;
}

static int read_block(struct vg_rd *r, const struct counts *k, size_t tsize, struct vg_tz *tz)
{
    size_t i;

    tz->n_trans = k->time;
    tz->n_types = k->type;
    tz->trans = vg_calloc(k->time + 1, sizeof(*tz->trans));
    tz->idx = vg_calloc(k->time + 1, 1);
    tz->utoff = vg_calloc(k->type, sizeof(*tz->utoff));
    tz->isdst = vg_calloc(k->type, 1);
    if (!tz->trans || !tz->idx || !tz->utoff || !tz->isdst)
        return VG_E_NOMEM;
    for (i = 0; i < k->time; i++) {
        tz->trans[i] = tsize == 8 ? (int64_t)vg_rd_be64(r) : (int32_t)vg_rd_be32(r);
        if (i > 0 && tz->trans[i] <= tz->trans[i - 1])
            return VG_E_CORRUPT;
    }
    for (i = 0; i < k->time; i++)
        if ((tz->idx[i] = vg_rd_u8(r)) >= k->type)
            return VG_E_CORRUPT;
    for (i = 0; i < k->type; i++) {
        int32_t off = (int32_t)vg_rd_be32(r);
        tz->isdst[i] = vg_rd_u8(r);
        (void)vg_rd_u8(r); /* abbreviation index: not used */
        if (off < -25 * 3600 || off > 26 * 3600 || tz->isdst[i] > 1)
            return VG_E_CORRUPT;
        tz->utoff[i] = off;
    }
    if (r->err || !vg_rd_skip(r, k->chars + (size_t)k->leap * (tsize + 4) + k->isstd + k->isut))
        return VG_E_CORRUPT;
    /* before the first transition: the first standard type, as Python's
     * zoneinfo has it (zic makes it type 0, the local mean time), else the
     * first transition's */
    tz->before = k->time ? tz->utoff[tz->idx[0]] : tz->utoff[0];
    for (i = 0; i < k->type; i++)
        if (!tz->isdst[i]) {
            tz->before = tz->utoff[i];
            break;
        }
    return VG_OK;
}

static int read_footer(struct vg_rd *r, struct vg_tz *tz)
{
    const unsigned char *p;
    size_t n = vg_rd_left(r), end;

    if (n == 0)
        return VG_OK; /* no footer: the last transition holds */
    p = vg_rd_bytes(r, n);
    if (!p || p[0] != '\n')
        return VG_E_CORRUPT;
    for (end = 1; end < n && p[end] != '\n'; end++)
        ;
    if (end == n)
        return VG_E_CORRUPT;
    if (end == 1)
        return VG_OK; /* an empty rule */
    if (!parse_posix((const char *)p + 1, end - 1, &tz->rule))
        return VG_E_CORRUPT;
    tz->has_rule = 1;
    return VG_OK;
}

int vg_tz_parse(const char *name, const unsigned char *p, size_t n, struct vg_tz **out)
{
    struct vg_tz *tz = vg_calloc(1, sizeof(*tz));
    struct vg_rd r;
    struct counts k;
    int version = 0, rc;

    if (!tz || !(tz->name = vg_strdup(name ? name : ""))) {
        vg_tz_free(tz);
        return VG_E_NOMEM;
    }
    vg_rd_init(&r, p, n);
    rc = read_header(&r, &version, &k);
    if (rc == VG_OK && version >= '2') {
        /* the 64-bit data follow the 32-bit block and a second header */
        rc = skip_block(&r, &k, 4);
        if (rc == VG_OK)
            rc = read_header(&r, &version, &k);
        if (rc == VG_OK)
            rc = read_block(&r, &k, 8, tz);
        if (rc == VG_OK)
            rc = read_footer(&r, tz);
    } else if (rc == VG_OK) {
        rc = read_block(&r, &k, 4, tz);
    }
    if (rc != VG_OK) {
        vg_tz_free(tz);
        return rc;
    }
    *out = tz;
    return VG_OK;
}

/* ---- by name ---- */

static int name_ok(const char *name)
{
    const char *p;

    if (!name || !*name || name[0] == '/' || strlen(name) > 255)
        return 0;
    for (p = name; *p; p++)
        if (!is_alpha((unsigned char)*p) && !is_digit((unsigned char)*p) && !strchr("/_+-.", *p))
            return 0;
    /* no "." or ".." part, no empty part */
    for (p = name; *p;) {
        size_t k = strcspn(p, "/");
        if (k == 0 || (k == 1 && p[0] == '.') || (k == 2 && p[0] == '.' && p[1] == '.'))
            return 0;
        p += k;
        if (*p == '/')
            p++;
    }
    return name[strlen(name) - 1] != '/';
}

static int read_zone_file(const char *path, unsigned char **data, size_t *len)
{
    struct stat st;
    unsigned char *buf;
    size_t have = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0)
        return errno == ENOENT || errno == ENOTDIR ? VG_E_NOTFOUND : VG_E_IO;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > VG_MAX_TZ_FILE) {
        close(fd);
        return S_ISDIR(st.st_mode) ? VG_E_NOTFOUND : VG_E_CORRUPT;
    }
    buf = vg_malloc((size_t)st.st_size + 1);
    while (buf && have < (size_t)st.st_size) {
        ssize_t got = read(fd, buf + have, (size_t)st.st_size - have);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        have += (size_t)got;
    }
    close(fd);
    if (!buf)
        return VG_E_NOMEM;
    *data = buf;
    *len = have;
    return VG_OK;
}

int vg_tz_load(const char *name, struct vg_tz **out)
{
    const char *dir = getenv("TZDIR");
    unsigned char *data = NULL;
    size_t len = 0;
    char *path;
    int rc;

    if (!name_ok(name))
        return VG_E_INVAL;
    path = vg_asprintf("%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", name);
    if (!path)
        return VG_E_NOMEM;
    rc = read_zone_file(path, &data, &len);
    free(path);
    if (rc == VG_E_NOTFOUND && (strcmp(name, "UTC") == 0 || strcmp(name, "Etc/UTC") == 0)) {
        struct vg_tz *tz = vg_calloc(1, sizeof(*tz));
        if (!tz || !(tz->name = vg_strdup(name))) {
            vg_tz_free(tz);
            return VG_E_NOMEM;
        }
        *out = tz; /* no transition, offset 0 */
        return VG_OK;
    }
    if (rc != VG_OK)
        return rc;
    rc = vg_tz_parse(name, data, len, out);
    free(data);
    return rc;
}
