/*
 * Sysdiagnose names (see sysdiagnose_name.h). Hand-written: a fixed
 * pattern of digits and separators, which no library reads.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include "formats/apple/sysdiagnose_name.h"

static const char *const suffixes[] = {".tar.gz", ".tgz", ".tar", ".zip"};

/* n decimal digits at *p (advanced), as a number; -1 when not digits. */
static int digits(const char **p, size_t n)
{
    int v = 0;
    size_t i;

    for (i = 0; i < n; i++) {
        char c = (*p)[i];
        if (c < '0' || c > '9')
            return -1;
        v = v * 10 + (c - '0');
    }
    *p += n;
    return v;
}

static int eat(const char **p, char c)
{
    if (**p != c)
        return 0;
    (*p)++;
    return 1;
}

/* The next '_'-separated part of [*p, end) into buf, '-' read as a space
 * when dash_space. 0 when it does not fit. */
static int part(const char **p, const char *end, char *buf, size_t cap, int dash_space)
{
    size_t n = 0;

    while (*p < end && **p != '_') {
        if (n + 1 >= cap)
            return 0;
        buf[n++] = dash_space && **p == '-' ? ' ' : **p;
        (*p)++;
    }
    buf[n] = '\0';
    if (*p < end)
        (*p)++; /* the '_' */
    return 1;
}

static int valid_date(int y, int mo, int d, int h, int mi, int s)
{
    static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

    if (y < 1970 || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 60)
        return 0;
    if (d > mdays[mo - 1] || (mo == 2 && d == 29 && !leap))
        return 0;
    return 1;
}

static int parse_time(const char **p, struct vg_sysdiag_name *o)
{
    int y, mo, d, h, mi, s, th, tm, sign;

    y = digits(p, 4);
    if (y < 0 || !eat(p, '.') || (mo = digits(p, 2)) < 0 || !eat(p, '.') ||
        (d = digits(p, 2)) < 0 || !eat(p, '_') || (h = digits(p, 2)) < 0 || !eat(p, '-') ||
        (mi = digits(p, 2)) < 0 || !eat(p, '-') || (s = digits(p, 2)) < 0)
        return VG_E_INVAL;
    if (**p != '+' && **p != '-')
        return VG_E_INVAL;
    sign = **p == '-' ? -1 : 1;
    memcpy(o->tz, *p, 5);
    (*p)++;
    if ((th = digits(p, 2)) < 0 || (tm = digits(p, 2)) < 0 || th > 14 || tm > 59)
        return VG_E_INVAL;
    o->tz[5] = '\0';
    if (!valid_date(y, mo, d, h, mi, s))
        return VG_E_INVAL;
    o->tz_minutes = sign * (th * 60 + tm);
    o->time = vg_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + s -
              (int64_t)o->tz_minutes * 60;
    return VG_OK;
}

int vg_sysdiag_name_parse(const char *name, struct vg_sysdiag_name *out)
{
    struct vg_sysdiag_name o;
    const char *p, *end, *slash;
    size_t i, n;

    memset(&o, 0, sizeof(o));
    if (!name)
        return VG_E_INVAL;
    slash = strrchr(name, '/');
    p = slash ? slash + 1 : name;
    end = p + strlen(p);
    for (i = 0; i < VG_ARRAY_LEN(suffixes); i++) {
        n = strlen(suffixes[i]);
        if ((size_t)(end - p) > n && strcmp(end - n, suffixes[i]) == 0) {
            end -= n;
            break;
        }
    }
    if ((size_t)(end - p) < 12 || strncmp(p, "sysdiagnose_", 12) != 0)
        return VG_E_INVAL;
    p += 12;
    /* the fixed part is 4+1+2+1+2 +1+ 2+1+2+1+2 + 5 = 24 bytes */
    if (end - p < 24 || parse_time(&p, &o) != VG_OK)
        return VG_E_INVAL;
    if (p < end && !eat(&p, '_'))
        return VG_E_INVAL;
    if (!part(&p, end, o.os, sizeof(o.os), 1) || !part(&p, end, o.device, sizeof(o.device), 0))
        return VG_E_INVAL;
    /* the build is the rest (it holds no '_', but a renamed copy may) */
    n = (size_t)(end - p);
    if (n >= sizeof(o.build))
        return VG_E_INVAL;
    memcpy(o.build, p, n);
    o.build[n] = '\0';
    *out = o;
    return VG_OK;
}
