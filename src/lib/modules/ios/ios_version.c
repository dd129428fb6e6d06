/*
 * iOS versions (see ios_version.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include "modules/ios/ios_version.h"

/* A run of digits as a number, saturating (a version part is small). */
static unsigned long part(const char **s)
{
    unsigned long v = 0;

    while (**s >= '0' && **s <= '9') {
        if (v < 100000000ul)
            v = v * 10 + (unsigned long)(**s - '0');
        (*s)++;
    }
    return v;
}

int vg_ios_version_cmp(const char *a, const char *b)
{
    while (*a || *b) {
        unsigned long x = part(&a), y = part(&b);
        if (x != y)
            return x < y ? -1 : 1;
        if (*a == '.')
            a++;
        else if (*a)
            return 0;
        if (*b == '.')
            b++;
        else if (*b)
            return 0;
    }
    return 0;
}
