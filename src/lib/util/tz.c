/*
 * Time zones from TZif files (see tz.h; layout in docs/formats/tzif.md).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/rd.h"
#include "util/tz.h"

#define TZ_HEADER     44u
#define TZ_MAX_TYPES  256u
#define TZ_MAX_CHARS  256u
#define TZ_MAX_LEAPS  1000u
#define TZ_MAX_FOOTER 256u
#define TZ_DIR        "/usr/share/zoneinfo"

struct tz_type {
    int32_t utoff;
    uint8_t isdst;
};

struct vg_tz {
    int64_t *times; /* transitions, ascending */
    uint8_t *idx;   /* the type each starts */
    size_t n_times;
    struct tz_type types[TZ_MAX_TYPES];
    size_t n_types;
    char footer[TZ_MAX_FOOTER]; /* POSIX TZ rule, "" when none */
    size_t footer_len;
};

void vg_tz_free(struct vg_tz *z)
{
    if (!z)
        return;
    free(z->times);
    free(z->idx);
    free(z);
}

/* ---- civil dates (Howard Hinnant's algorithms) ---- */

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

static int64_t year_of_days(int64_t z)
{
    int64_t era, doe, yoe, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    return yoe + era * 400 + (mp >= 10);
}

static int64_t floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

static int is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned month_days(int64_t y, unsigned m)
{
    static const unsigned d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return d[m - 1] + (m == 2 && is_leap(y));
}

/* ---- POSIX TZ rules (the TZif footer) ---- */

struct posix_rule {
    char kind; /* 'J' (1-365, no Feb 29), 'D' (0-365), 'M' (month.week.day) */
    unsigned n, m, w, d;
    int64_t secs; /* local time of day of the change */
};

struct posix_tz {
    int64_t std_utoff, dst_utoff;
    int has_dst;
    struct posix_rule start, end;
};

/* A cursor over the rule's text. */
struct px {
    const char *p;
    size_t n, i;
};

static int px_peek(const struct px *x)
{
    return x->i < x->n ? (unsigned char)x->p[x->i] : -1;
}

static int px_eat(struct px *x, char c)
{
    if (px_peek(x) != (unsigned char)c)
        return 0;
    x->i++;
    return 1;
}

static int px_alpha(int c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static int px_digit(int c)
{
    return c >= '0' && c <= '9';
}

/* 1 to 3 digits, at most max. */
static int px_num(struct px *x, unsigned max, unsigned *out)
{
    unsigned v = 0, digits = 0;

    while (px_digit(px_peek(x))) {
        v = v * 10 + (unsigned)(x->p[x->i++] - '0');
        if (++digits > 3 || v > max)
            return VG_E_INVAL;
    }
    if (!digits)
        return VG_E_INVAL;
    *out = v;
    return VG_OK;
}

/* [+-]hh[:mm[:ss]], hours up to max_h: seconds. */
static int px_time(struct px *x, unsigned max_h, int64_t *out)
{
    unsigned h, mi = 0, s = 0;
    int neg = 0;

    if (px_eat(x, '-'))
        neg = 1;
    else
        (void)px_eat(x, '+');
    if (px_num(x, max_h, &h) != VG_OK)
        return VG_E_INVAL;
    if (px_eat(x, ':')) {
        if (px_num(x, 59, &mi) != VG_OK)
            return VG_E_INVAL;
        if (px_eat(x, ':') && px_num(x, 59, &s) != VG_OK)
            return VG_E_INVAL;
    }
    *out = ((int64_t)h * 3600 + (int64_t)mi * 60 + s) * (neg ? -1 : 1);
    return VG_OK;
}

/* A zone abbreviation: three or more letters, or <...> of [A-Za-z0-9+-]. */
static int px_name(struct px *x)
{
    unsigned n = 0;
    int c;

    if (px_eat(x, '<')) {
        while ((c = px_peek(x)) >= 0 && c != '>') {
            if (!(px_alpha(c) || px_digit(c) || c == '+' || c == '-'))
                return VG_E_INVAL;
            x->i++;
            n++;
        }
        return px_eat(x, '>') && n >= 3 ? VG_OK : VG_E_INVAL;
    }
    while (px_alpha(px_peek(x))) {
        x->i++;
        n++;
    }
    return n >= 3 ? VG_OK : VG_E_INVAL;
}

static int px_date(struct px *x, struct posix_rule *p)
{
    if (px_eat(x, 'J')) {
        p->kind = 'J';
        if (px_num(x, 365, &p->n) != VG_OK || p->n < 1)
            return VG_E_INVAL;
    } else if (px_eat(x, 'M')) {
        p->kind = 'M';
        if (px_num(x, 12, &p->m) != VG_OK || p->m < 1 || !px_eat(x, '.') ||
            px_num(x, 5, &p->w) != VG_OK || p->w < 1 || !px_eat(x, '.') ||
            px_num(x, 6, &p->d) != VG_OK)
            return VG_E_INVAL;
    } else {
        p->kind = 'D';
        if (px_num(x, 365, &p->n) != VG_OK)
            return VG_E_INVAL;
    }
    p->secs = 7200; /* 02:00 unless said */
    /* RFC 8536 allows -167..167 hours */
    return px_eat(x, '/') ? px_time(x, 167, &p->secs) : VG_OK;
}

static int px_parse(const char *rule, size_t len, struct posix_tz *tz)
{
    struct px x = {rule, len, 0};
    int64_t off;

    memset(tz, 0, sizeof(*tz));
    if (px_name(&x) != VG_OK || px_time(&x, 24, &off) != VG_OK)
        return VG_E_INVAL;
    /* POSIX offsets are west of Greenwich: "CET-1" is UTC+1 */
    tz->std_utoff = -off;
    if (x.i == x.n)
        return VG_OK;
    if (px_name(&x) != VG_OK)
        return VG_E_INVAL;
    tz->has_dst = 1;
    tz->dst_utoff = tz->std_utoff + 3600;
    if (px_peek(&x) != ',') {
        if (px_time(&x, 24, &off) != VG_OK)
            return VG_E_INVAL;
        tz->dst_utoff = -off;
    }
    /* tzdata always writes the rule; POSIX's default is not guessed */
    if (!px_eat(&x, ',') || px_date(&x, &tz->start) != VG_OK || !px_eat(&x, ',') ||
        px_date(&x, &tz->end) != VG_OK || x.i != x.n)
        return VG_E_INVAL;
    return VG_OK;
}

/* The day (days since 1970) a rule falls on in year y. */
static int64_t px_day(const struct posix_rule *p, int64_t y)
{
    int64_t jan1 = days_from_civil(y, 1, 1), first, day;
    unsigned wd;

    if (p->kind == 'J')
        return jan1 + p->n - 1 + (is_leap(y) && p->n >= 60);
    if (p->kind == 'D')
        return jan1 + p->n;
    first = days_from_civil(y, p->m, 1);
    wd = (unsigned)(((first % 7) + 7 + 4) % 7); /* 1970-01-01 was a Thursday */
    day = (int64_t)((p->d + 7 - wd) % 7) + 1 + ((int64_t)p->w - 1) * 7;
    while (day > month_days(y, p->m))
        day -= 7;
    return first + day - 1;
}

static int64_t px_offset(const struct posix_tz *tz, int64_t utc)
{
    int64_t y, start, end;

    /* no summer time for instants past any calendar's use (and no overflow
     * in the arithmetic below) */
    if (!tz->has_dst || utc < -(INT64_C(1) << 56) || utc > (INT64_C(1) << 56))
        return tz->std_utoff;
    y = year_of_days(floor_div(utc + tz->std_utoff, 86400));
    start = px_day(&tz->start, y) * 86400 + tz->start.secs - tz->std_utoff;
    end = px_day(&tz->end, y) * 86400 + tz->end.secs - tz->dst_utoff;
    if (start < end)
        return utc >= start && utc < end ? tz->dst_utoff : tz->std_utoff;
    /* the southern hemisphere: summer spans the new year */
    return utc >= end && utc < start ? tz->std_utoff : tz->dst_utoff;
}

int vg_tz_posix_offset(const char *rule, size_t len, int64_t utc, int64_t *offset)
{
    struct posix_tz tz;

    if (!rule || px_parse(rule, len, &tz) != VG_OK)
        return VG_E_INVAL;
    *offset = px_offset(&tz, utc);
    return VG_OK;
}

/* ---- TZif ---- */

struct tz_counts {
    uint32_t isut, isstd, leap, time, type, chars;
};

static int tz_header(struct vg_rd *r, char *version, struct tz_counts *c)
{
    const unsigned char *magic = vg_rd_bytes(r, 4);
    uint8_t v = vg_rd_u8(r);

    (void)vg_rd_skip(r, 15);
    c->isut = vg_rd_be32(r);
    c->isstd = vg_rd_be32(r);
    c->leap = vg_rd_be32(r);
    c->time = vg_rd_be32(r);
    c->type = vg_rd_be32(r);
    c->chars = vg_rd_be32(r);
    if (r->err || !magic || memcmp(magic, "TZif", 4) != 0)
        return VG_E_CORRUPT;
    if (v != 0 && (v < '2' || v > '4'))
        return VG_E_UNSUPPORTED;
    /* RFC 8536 3.1: at least one type; the indicator arrays are all or none */
    if (c->type == 0 || c->type > TZ_MAX_TYPES || c->chars == 0 || c->chars > TZ_MAX_CHARS ||
        c->time > VG_MAX_TZ_TIMES || c->leap > TZ_MAX_LEAPS ||
        (c->isut != 0 && c->isut != c->type) || (c->isstd != 0 && c->isstd != c->type))
        return VG_E_CORRUPT;
    *version = (char)v;
    return VG_OK;
}

static uint64_t tz_block_size(const struct tz_counts *c, unsigned tsize)
{
    return (uint64_t)c->time * tsize + c->time + (uint64_t)c->type * 6 + c->chars +
           (uint64_t)c->leap * (tsize + 4) + c->isstd + c->isut;
}

static int tz_block(struct vg_rd *r, const struct tz_counts *c, unsigned tsize, struct vg_tz *z)
{
    size_t i;

    if (tz_block_size(c, tsize) > vg_rd_left(r))
        return VG_E_CORRUPT;
    z->times = vg_calloc(c->time + 1u, sizeof(*z->times));
    z->idx = vg_calloc(c->time + 1u, 1);
    if (!z->times || !z->idx)
        return VG_E_NOMEM;
    for (i = 0; i < c->time; i++) {
        z->times[i] = tsize == 4 ? (int64_t)(int32_t)vg_rd_be32(r) : (int64_t)vg_rd_be64(r);
        if (i > 0 && z->times[i] <= z->times[i - 1])
            return VG_E_CORRUPT;
    }
    for (i = 0; i < c->time; i++)
        if ((z->idx[i] = vg_rd_u8(r)) >= c->type)
            return VG_E_CORRUPT;
    for (i = 0; i < c->type; i++) {
        z->types[i].utoff = (int32_t)vg_rd_be32(r);
        z->types[i].isdst = vg_rd_u8(r);
        /* RFC 8536: -89999..93599 seconds, and a designation in the chars */
        if (vg_rd_u8(r) >= c->chars || z->types[i].utoff < -89999 || z->types[i].utoff > 93599)
            return VG_E_CORRUPT;
    }
    z->n_times = c->time;
    z->n_types = c->type;
    /* designations, leap seconds and indicators are not needed */
    (void)vg_rd_skip(r, (size_t)c->chars + (size_t)c->leap * (tsize + 4) + c->isstd + c->isut);
    return r->err ? VG_E_CORRUPT : VG_OK;
}

/* "\n" rule "\n" after a version 2+ block; a rule this reader does not take
 * is dropped (the last transition's type then holds). */
static void tz_footer(struct vg_rd *r, struct vg_tz *z)
{
    const unsigned char *p = r->p + r->off;
    size_t left = vg_rd_left(r), n;
    struct posix_tz px;

    if (left < 2 || p[0] != '\n')
        return;
    for (n = 1; n < left && p[n] != '\n'; n++)
        ;
    if (n == left || n - 1 == 0 || n - 1 >= sizeof(z->footer))
        return;
    memcpy(z->footer, p + 1, n - 1);
    z->footer[n - 1] = '\0';
    if (px_parse(z->footer, n - 1, &px) == VG_OK)
        z->footer_len = n - 1;
    else
        z->footer[0] = '\0';
}

int vg_tz_parse(const void *data, size_t len, struct vg_tz **out)
{
    struct vg_tz *z = vg_calloc(1, sizeof(*z));
    struct tz_counts c;
    struct vg_rd r;
    char version;
    int rc;

    if (!z)
        return VG_E_NOMEM;
    vg_rd_init(&r, data, len);
    rc = tz_header(&r, &version, &c);
    if (rc == VG_OK && version != 0) {
        /* skip the 32-bit block for the 64-bit one */
        uint64_t skip = tz_block_size(&c, 4);
        rc = skip <= vg_rd_left(&r) && vg_rd_skip(&r, (size_t)skip) ? tz_header(&r, &version, &c)
                                                                    : VG_E_CORRUPT;
    }
    if (rc == VG_OK)
        rc = tz_block(&r, &c, version != 0 ? 8 : 4, z);
    if (rc == VG_OK && version != 0)
        tz_footer(&r, z);
    if (rc != VG_OK) {
        vg_tz_free(z);
        return rc;
    }
    *out = z;
    return VG_OK;
}

int64_t vg_tz_offset(const struct vg_tz *z, int64_t utc)
{
    size_t lo = 0, hi = z->n_times;
    int64_t off;

    if (z->n_times == 0 || utc < z->times[0]) {
        if (z->n_times == 0 && z->footer_len &&
            vg_tz_posix_offset(z->footer, z->footer_len, utc, &off) == VG_OK)
            return off;
        return z->types[0].utoff;
    }
    /* the last transition at or before utc */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (z->times[mid] <= utc)
            lo = mid;
        else
            hi = mid;
    }
    if (lo == z->n_times - 1 && z->footer_len &&
        vg_tz_posix_offset(z->footer, z->footer_len, utc, &off) == VG_OK)
        return off;
    return z->types[z->idx[lo]].utoff;
}

/* ---- the system's database ---- */

static int tz_name_ok(const char *name)
{
    size_t n = strlen(name), i, comp = 0;

    if (n == 0 || n > VG_MAX_TZ_NAME || name[0] == '/')
        return 0;
    for (i = 0; i <= n; i++) {
        char c = name[i];
        if (c == '/' || c == '\0') {
            /* no empty, "." or ".." component */
            if (comp == 0 || (comp == 1 && name[i - 1] == '.') ||
                (comp == 2 && name[i - 1] == '.' && name[i - 2] == '.'))
                return 0;
            comp = 0;
            continue;
        }
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '+' || c == '-'))
            return 0;
        comp++;
    }
    return 1;
}

int vg_tz_load(const char *name, struct vg_tz **out)
{
    const char *dir = getenv("TZDIR");
    unsigned char *data = NULL;
    struct stat st;
    char *path;
    ssize_t got;
    size_t len = 0;
    int fd, rc;

    if (!name || !tz_name_ok(name))
        return VG_E_INVAL;
    path = vg_asprintf("%s/%s", dir && *dir == '/' ? dir : TZ_DIR, name);
    if (!path)
        return VG_E_NOMEM;
    /* the database's own links (US/Eastern) are followed: the name cannot
     * leave the folder */
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    free(path);
    if (fd < 0)
        return VG_E_NOTFOUND;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
        (uint64_t)st.st_size > VG_MAX_TZ_FILE) {
        close(fd);
        return VG_E_NOTFOUND;
    }
    data = vg_malloc((size_t)st.st_size);
    rc = data ? VG_OK : VG_E_NOMEM;
    while (rc == VG_OK && len < (size_t)st.st_size) {
        got = read(fd, data + len, (size_t)st.st_size - len);
        if (got <= 0)
            rc = VG_E_IO;
        else
            len += (size_t)got;
    }
    close(fd);
    if (rc == VG_OK)
        rc = vg_tz_parse(data, len, out);
    free(data);
    return rc;
}
