/* SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include <stdio.h>
#include <time.h>

#include "util/vg.h"

/* Days from civil date, proleptic Gregorian (H. Hinnant's algorithm), so we
 * never depend on the process time zone or on gmtime's range. */
static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    int64_t era, yoe, doy, mp;
    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    yoe = z - era * 146097;
    yoe = (yoe - yoe / 1460 + yoe / 36524 - yoe / 146096) / 365;
    doy = (z - era * 146097) - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
    *m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

int64_t vg_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (int64_t)(m > 2 ? m - 3 : m + 9) + 2) / 5 + (int64_t)d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int vg_isodate(int64_t secs, int32_t micros, char *buf)
{
    int64_t days, rem, y;
    unsigned mo, d;

    /* years 1..9999 keep the fixed width */
    if (secs < -62135596800LL || secs > 253402300799LL || micros < 0 || micros > 999999) {
        buf[0] = '\0';
        return VG_E_INVAL;
    }
    days = secs / 86400;
    rem = secs % 86400;
    if (rem < 0) {
        rem += 86400;
        days -= 1;
    }
    civil_from_days(days, &y, &mo, &d);
    return vg_snprintf(buf, VG_ISODATE_LEN + 1, "%04lld-%02u-%02u %02u:%02u:%02u.%06d",
                       (long long)y, mo, d, (unsigned)(rem / 3600), (unsigned)(rem / 60 % 60),
                       (unsigned)(rem % 60), (int)micros);
}

int vg_isodate_ms(int64_t ms, char *buf)
{
    int64_t secs = ms / 1000, rem = ms % 1000;

    if (rem < 0) {
        rem += 1000;
        secs -= 1;
    }
    return vg_isodate(secs, (int32_t)(rem * 1000), buf);
}

int vg_isodate_double(double t, char *buf)
{
    double whole, frac;
    int64_t s;
    int32_t us;

    if (!isfinite(t) || t < -62135596800.0 || t > 253402300799.0) {
        buf[0] = '\0';
        return VG_E_INVAL;
    }
    frac = modf(t, &whole);
    s = (int64_t)whole;
    us = (int32_t)llround(frac * 1e6);
    if (us < 0) {
        us += 1000000;
        s -= 1;
    }
    if (us >= 1000000) {
        us -= 1000000;
        s += 1;
    }
    return vg_isodate(s, us, buf);
}

int vg_isodate_local(int64_t secs, int32_t nanos, char *buf)
{
    double t = (double)secs + (double)nanos / 1e9, whole, frac = modf(t, &whole);
    int64_t s = (int64_t)whole;
    int32_t us = (int32_t)rint(frac * 1e6); /* the default rounding: half-even */
    struct tm tm;
    time_t tt;

    if (us < 0) {
        us += 1000000;
        s -= 1;
    }
    if (us >= 1000000) {
        us -= 1000000;
        s += 1;
    }
    tt = (time_t)s;
    if ((int64_t)tt != s || !localtime_r(&tt, &tm)) {
        buf[0] = '\0';
        return VG_E_INVAL;
    }
    return vg_isodate(s + (int64_t)tm.tm_gmtoff, us, buf);
}

int vg_isodate_cocoa(double cocoa, char *buf)
{
    /* iOS 11+ stores some Cocoa times in nanoseconds */
    if (cocoa > 1e11 || cocoa < -1e11)
        cocoa /= 1e9;
    return vg_isodate_double(cocoa + (double)VG_COCOA_EPOCH, buf);
}

/* MVT adds timedelta(microseconds=t) to 1601-01-01: exact integer
 * arithmetic, so the microseconds are split off before any division. */
int vg_isodate_chrome(int64_t us, char *buf)
{
    int64_t secs = us / 1000000;

    us %= 1000000;
    if (us < 0) {
        us += 1000000;
        secs -= 1;
    }
    return vg_isodate(secs - VG_CHROME_EPOCH_OFFSET, (int32_t)us, buf);
}

int vg_isodate_now(char *buf)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
        return VG_E_IO;
    return vg_isodate((int64_t)ts.tv_sec, (int32_t)(ts.tv_nsec / 1000), buf);
}

/* Days since 1970-01-01 for a civil date (the inverse of civil_from_days). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* n digits as a number, or -1. */
static int64_t digits(const char **p, int n)
{
    int64_t v = 0;

    for (; n > 0; n--, (*p)++) {
        if (**p < '0' || **p > '9')
            return -1;
        v = v * 10 + (**p - '0');
    }
    return v;
}

static int month_days(int64_t y, int64_t m)
{
    static const int d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d[m - 1] + (m == 2 && leap);
}

int vg_isodate_parse(const char *s, int64_t *us)
{
    int64_t y, mo, d, h, mi, sec, frac = 0;
    int nf = 0;

    if (!s)
        return VG_E_INVAL;
    y = digits(&s, 4);
    if (y < 1 || *s++ != '-' || (mo = digits(&s, 2)) < 1 || mo > 12 || *s++ != '-' ||
        (d = digits(&s, 2)) < 1 || d > month_days(y, mo) || (*s != ' ' && *s != 'T'))
        return VG_E_INVAL;
    s++;
    if ((h = digits(&s, 2)) < 0 || h > 23 || *s++ != ':' || (mi = digits(&s, 2)) < 0 || mi > 59 ||
        *s++ != ':' || (sec = digits(&s, 2)) < 0 || sec > 59)
        return VG_E_INVAL;
    if (*s == '.') {
        for (s++; *s >= '0' && *s <= '9'; s++, nf++)
            if (nf < 6)
                frac = frac * 10 + (*s - '0');
        if (nf == 0)
            return VG_E_INVAL;
        for (; nf < 6; nf++)
            frac *= 10;
    }
    if (*s != '\0' && strcmp(s, "Z") != 0 && strcmp(s, "+00:00") != 0)
        return VG_E_INVAL;
    *us = ((days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + sec) *
           1000000) +
          frac;
    return VG_OK;
}
