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
