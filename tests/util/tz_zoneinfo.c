/*
 * Time zones (src/lib/util/tz.c) against Python's zoneinfo, which MVT's
 * --timezone uses: eleven zones of the system's tz database at ten
 * instants (before 1900, DST changes, far future), the offsets computed
 * with Python 3.11's zoneinfo on tzdata 2025b. Skipped without a tz
 * database.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "util/vg.h"
#include "util/tz.h"

/* ---- the system's zones against Python's zoneinfo ---- */

static const int64_t when[] = {0,          1746979200, 1735689600, 2208988800,  1711846799,
                               1711846800, 1730595600, 1730599200, -2208988800, 4102444800};

static const struct {
    const char *zone;
    int64_t off[10];
} python[] = {
    {"Europe/Paris", {3600, 7200, 3600, 3600, 3600, 7200, 3600, 3600, 561, 3600}},
    {"America/Sao_Paulo",
     {-10800, -10800, -10800, -10800, -10800, -10800, -10800, -10800, -11188, -10800}},
    {"Australia/Sydney", {36000, 36000, 39600, 39600, 39600, 39600, 39600, 39600, 36000, 39600}},
    {"Asia/Kolkata", {19800, 19800, 19800, 19800, 19800, 19800, 19800, 19800, 19270, 19800}},
    {"America/New_York",
     {-18000, -14400, -18000, -18000, -14400, -14400, -14400, -14400, -18000, -18000}},
    {"Pacific/Chatham", {45900, 45900, 49500, 49500, 49500, 49500, 49500, 49500, 44100, 49500}},
    {"Asia/Tehran", {12600, 12600, 12600, 12600, 12600, 12600, 12600, 12600, 12344, 12600}},
    {"Africa/Casablanca", {0, 3600, 3600, 3600, 0, 0, 3600, 3600, -1820, 3600}},
    {"UTC", {0, 0, 0, 0, 0, 0, 0, 0, 0, 0}},
    {"America/Nuuk", {-10800, -3600, -7200, -7200, -7200, -3600, -7200, -7200, -12416, -7200}},
    {"Asia/Almaty", {21600, 18000, 18000, 18000, 18000, 18000, 18000, 18000, 18468, 18000}},
};

static void test_system_zones(void **state)
{
    struct stat st;
    size_t z, i;
    (void)state;

    if (stat("/usr/share/zoneinfo/Europe/Paris", &st) != 0) {
        printf("skipped: no tz database in /usr/share/zoneinfo\n");
        return;
    }
    for (z = 0; z < sizeof(python) / sizeof(python[0]); z++) {
        struct vg_tz *tz = NULL;
        assert_int_equal(vg_tz_load(python[z].zone, &tz), VG_OK);
        for (i = 0; i < sizeof(when) / sizeof(when[0]); i++)
            if (vg_tz_offset(tz, when[i]) != python[z].off[i])
                fail_msg("%s at %lld: %lld, Python says %lld", python[z].zone, (long long)when[i],
                         (long long)vg_tz_offset(tz, when[i]), (long long)python[z].off[i]);
        vg_tz_free(tz);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_system_zones),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
