/* SPDX-License-Identifier: Apache-2.0 */
#include "util/vg.h"

#include <math.h>
#include <stdlib.h>

#include "util/pyfmt.h"

/* Digits and exponent of a %.*e rendering, whatever the locale's radix:
 * "d[<radix>ddd]e+XX". Returns the digit count. */
static size_t sci_parse(const char *buf, char *digits, int *exp10)
{
    size_t n = 0;
    const char *e = strchr(buf, 'e');
    int sign = 1, v = 0;

    for (; *buf && buf != e; buf++) {
        if (*buf >= '0' && *buf <= '9')
            digits[n++] = *buf;
    }
    digits[n] = '\0';
    e++;
    if (*e == '-' || *e == '+')
        sign = *e++ == '-' ? -1 : 1;
    for (; *e >= '0' && *e <= '9'; e++)
        v = v * 10 + (*e - '0');
    *exp10 = sign * v;
    return n;
}

/* Adds one unit in the last place of the n digits; on carry out ("999" to
 * "1000") keeps n digits and bumps the exponent. */
static void digits_increment(char *d, size_t n, int *exp10)
{
    size_t i = n;

    while (i > 0) {
        if (d[i - 1] != '9') {
            d[i - 1]++;
            return;
        }
        d[i - 1] = '0';
        i--;
    }
    d[0] = '1';
    (*exp10)++;
}

/* Renders digits/exponent back in the current locale's %e shape (its radix
 * copied from tmpl) so strtod reads it the way it reads printf's output. */
static double sci_value(const char *tmpl, const char *digits, size_t n, int exp10)
{
    char buf[64];
    const char *radix = tmpl + 1;
    int rlen = 0;

    while (radix[rlen] && radix[rlen] != 'e' && (radix[rlen] < '0' || radix[rlen] > '9'))
        rlen++;

    if (n == 1)
        (void)vg_snprintf(buf, sizeof(buf), "%ce%d", digits[0], exp10);
    else
        (void)vg_snprintf(buf, sizeof(buf), "%c%.*s%se%d", digits[0], rlen, radix, digits + 1,
                          exp10);
    return strtod(buf, NULL);
}

/* The p significant digits of x that read back as x, if there are: the
 * correctly rounded ones, or at a power of two, where the gap below x is
 * half the gap above, possibly the next ones up. Returns the digit count, or
 * 0 when no p-digit number reads back as x. */
static size_t try_digits(double x, int p, char *digits, int *exp10)
{
    char buf[64];
    size_t n;
    int e2;
    double y;

    (void)vg_snprintf(buf, sizeof(buf), "%.*e", p - 1, x);
    n = sci_parse(buf, digits, exp10);
    y = strtod(buf, NULL);
    if (y == x)
        return n;
    if (y < x && frexp(x, &e2) == 0.5) {
        digits_increment(digits, n, exp10);
        if (sci_value(buf, digits, n, *exp10) == x)
            return n;
    }
    return 0;
}

/* Shortest digits that read back as x (x > 0, finite), the closest such
 * when there are several: David Gay's dtoa mode 0, Python's repr. Reading
 * back is monotonic in the digit count (the p+1 digit grid holds the p digit
 * one), so the least count that works is searched for; 17 always works.
 * Timestamps and measures mostly need 15 or more: those are tried first
 * (two or three formatting rounds instead of six), then a binary search
 * below 15 for the values that need fewer. */
static size_t real_digits(double x, char *digits, int *exp10)
{
    char tmp[24];
    int lo = 1, hi = 15, mid, e;
    size_t n, m;

    n = try_digits(x, 15, digits, exp10);
    if (n == 0) {
        n = try_digits(x, 16, digits, exp10);
        if (n == 0)
            n = try_digits(x, 17, digits, exp10);
        lo = hi;
    }
    while (lo < hi) { /* digits hold the answer for hi */
        mid = (lo + hi) / 2;
        m = try_digits(x, mid, tmp, &e);
        if (m != 0) {
            hi = mid;
            memcpy(digits, tmp, m + 1);
            *exp10 = e;
            n = m;
        } else {
            lo = mid + 1;
        }
    }
    while (n > 1 && digits[n - 1] == '0')
        digits[--n] = '\0';
    return n;
}

void vg_py_repr_real(double x, char *buf)
{
    char d[24], out[VG_PY_REAL_BUF];
    size_t n, o = 0, i;
    int e, decpt;

    if (!isfinite(x)) {
        (void)vg_snprintf(buf, VG_PY_REAL_BUF, "%s", isnan(x) ? "nan" : x < 0 ? "-inf" : "inf");
        return;
    }
    if (x == 0) {
        memcpy(buf, signbit(x) ? "-0.0" : "0.0", signbit(x) ? 5 : 4);
        return;
    }
    if (x < 0)
        out[o++] = '-';
    n = real_digits(fabs(x), d, &e);
    decpt = e + 1; /* value = 0.d1d2... * 10^decpt */
    if (decpt <= -4 || decpt > 16) {
        /* Python's repr: exponent outside [-4, 16) switches to 1.5e+16 */
        out[o++] = d[0];
        if (n > 1) {
            out[o++] = '.';
            for (i = 1; i < n; i++)
                out[o++] = d[i];
        }
        (void)vg_snprintf(out + o, sizeof(out) - o, "e%c%02d", e < 0 ? '-' : '+', e < 0 ? -e : e);
        memcpy(buf, out, strlen(out) + 1);
        return;
    }
    if (decpt <= 0) {
        out[o++] = '0';
        out[o++] = '.';
        for (i = 0; i < (size_t)-decpt; i++)
            out[o++] = '0';
        for (i = 0; i < n; i++)
            out[o++] = d[i];
    } else {
        for (i = 0; i < n || i < (size_t)decpt; i++) {
            if (i == (size_t)decpt)
                out[o++] = '.';
            out[o++] = i < n ? d[i] : '0';
        }
        if (n <= (size_t)decpt) {
            out[o++] = '.';
            out[o++] = '0';
        }
    }
    out[o] = '\0';
    memcpy(buf, out, o + 1);
}
