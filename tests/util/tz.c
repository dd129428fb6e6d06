/*
 * Time zones (src/lib/util/tz.c): TZif files of each version on inline
 * bytes (transitions, times before the first and after the last, the
 * footer's POSIX rule), POSIX rules of both hemispheres and each date form,
 * malformed files and rules, zone names that could leave the database, and
 * the system's own database when it is there.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "util/vg.h"

#include "util/tz.h"

/* ---- writing TZif bytes ---- */

struct tzb {
    unsigned char p[1024];
    size_t n;
};

static void put(struct tzb *b, const void *p, size_t n)
{
    assert_true(b->n + n <= sizeof(b->p));
    memcpy(b->p + b->n, p, n);
    b->n += n;
}

static void be32(struct tzb *b, uint32_t v)
{
    unsigned char c[4] = {(unsigned char)(v >> 24), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 8), (unsigned char)v};
    put(b, c, 4);
}

static void be64(struct tzb *b, int64_t v)
{
    be32(b, (uint32_t)((uint64_t)v >> 32));
    be32(b, (uint32_t)v);
}

struct zone {
    const int64_t *times;
    const unsigned char *idx;
    size_t n_times;
    const int32_t *utoff;
    size_t n_types;
};

static void header(struct tzb *b, char version, const struct zone *z)
{
    unsigned char zero[15] = {0};

    put(b, "TZif", 4);
    put(b, &version, 1);
    put(b, zero, 15);
    be32(b, 0);                    /* isut */
    be32(b, 0);                    /* isstd */
    be32(b, 0);                    /* leap */
    be32(b, (uint32_t)z->n_times); /* time */
    be32(b, (uint32_t)z->n_types); /* type */
    be32(b, 4);                    /* chars: "AAA\0" */
}

static void block(struct tzb *b, const struct zone *z, int wide)
{
    size_t i;
    unsigned char zero = 0;

    for (i = 0; i < z->n_times; i++) {
        if (wide)
            be64(b, z->times[i]);
        else
            be32(b, (uint32_t)(int32_t)z->times[i]);
    }
    put(b, z->idx, z->n_times);
    for (i = 0; i < z->n_types; i++) {
        be32(b, (uint32_t)z->utoff[i]);
        put(b, &zero, 1);
        put(b, &zero, 1);
    }
    put(b, "AAA", 4);
}

/* A whole file: version 0 (one block) or '2' (both, then the footer). */
static void tzif(struct tzb *b, char version, const struct zone *z, const char *footer)
{
    b->n = 0;
    header(b, version, z);
    block(b, z, 0);
    if (version) {
        header(b, version, z);
        block(b, z, 1);
        put(b, "\n", 1);
        put(b, footer, strlen(footer));
        put(b, "\n", 1);
    }
}

/* Two transitions: to +1h at 1000000000, back to 0 at 1100000000. */
static const int64_t times2[] = {1000000000, 1100000000};
static const unsigned char idx2[] = {1, 0};
static const int32_t utoff2[] = {0, 3600};
static const struct zone zone2 = {times2, idx2, 2, utoff2, 2};

static void test_transitions(void **state)
{
    struct tzb b;
    struct vg_tz *z = NULL;
    (void)state;

    tzif(&b, 0, &zone2, NULL);
    assert_int_equal(vg_tz_parse(b.p, b.n, &z), VG_OK);
    /* before the first: type 0 */
    assert_int_equal(vg_tz_offset(z, 0), 0);
    assert_int_equal(vg_tz_offset(z, 999999999), 0);
    assert_int_equal(vg_tz_offset(z, 1000000000), 3600);
    assert_int_equal(vg_tz_offset(z, 1099999999), 3600);
    assert_int_equal(vg_tz_offset(z, 1100000000), 0);
    /* after the last, no footer: the last type holds */
    assert_int_equal(vg_tz_offset(z, 2000000000), 0);
    vg_tz_free(z);
}

static void test_footer(void **state)
{
    struct tzb b;
    struct vg_tz *z = NULL;
    (void)state;

    /* version 2: 64-bit times, then Central European rules after the last */
    tzif(&b, '2', &zone2, "CET-1CEST,M3.5.0,M10.5.0/3");
    assert_int_equal(vg_tz_parse(b.p, b.n, &z), VG_OK);
    assert_int_equal(vg_tz_offset(z, 1000000000), 3600);
    /* 2024-01-15 12:00 UTC: winter, +1 */
    assert_int_equal(vg_tz_offset(z, 1705320000), 3600);
    /* 2024-07-15 12:00 UTC: summer, +2 */
    assert_int_equal(vg_tz_offset(z, 1721044800), 7200);
    /* 2024-03-31 00:59:59 UTC is before 02:00 CET; 01:00:00 UTC is 03:00 CEST */
    assert_int_equal(vg_tz_offset(z, 1711846799), 3600);
    assert_int_equal(vg_tz_offset(z, 1711846800), 7200);
    /* 2024-10-27 00:59:59 UTC is 02:59:59 CEST; 01:00:00 UTC is back to CET */
    assert_int_equal(vg_tz_offset(z, 1729990799), 7200);
    assert_int_equal(vg_tz_offset(z, 1729990800), 3600);
    vg_tz_free(z);
    /* a footer this reader does not take: the last transition holds */
    tzif(&b, '2', &zone2, "not a rule");
    assert_int_equal(vg_tz_parse(b.p, b.n, &z), VG_OK);
    assert_int_equal(vg_tz_offset(z, 1721044800), 0);
    vg_tz_free(z);
}

static void test_posix_rules(void **state)
{
    int64_t off = 0;
    (void)state;

    /* a fixed zone, quoted names */
    assert_int_equal(vg_tz_posix_offset("<+0530>-5:30", 12, 0, &off), VG_OK);
    assert_int_equal(off, 19800);
    assert_int_equal(vg_tz_posix_offset("EST5", 4, 0, &off), VG_OK);
    assert_int_equal(off, -18000);
    /* the US: second Sunday of March to first Sunday of November */
    assert_int_equal(vg_tz_posix_offset("EST5EDT,M3.2.0,M11.1.0", 22, 1721044800, &off), VG_OK);
    assert_int_equal(off, -14400);
    assert_int_equal(vg_tz_posix_offset("EST5EDT,M3.2.0,M11.1.0", 22, 1705320000, &off), VG_OK);
    assert_int_equal(off, -18000);
    /* the southern hemisphere: summer spans the new year (Sydney) */
    assert_int_equal(vg_tz_posix_offset("AEST-10AEDT,M10.1.0,M4.1.0/3", 28, 1705320000, &off),
                     VG_OK);
    assert_int_equal(off, 39600);
    assert_int_equal(vg_tz_posix_offset("AEST-10AEDT,M10.1.0,M4.1.0/3", 28, 1721044800, &off),
                     VG_OK);
    assert_int_equal(off, 36000);
    /* Julian days: J60 is March 1st every year */
    assert_int_equal(vg_tz_posix_offset("XXX0YYY,J60,J300", 16, 1709294400, &off), VG_OK);
    assert_int_equal(off, 3600); /* 2024-03-01 12:00 */
    assert_int_equal(vg_tz_posix_offset("XXX0YYY,59,J300", 15, 1709294400, &off), VG_OK);
    assert_int_equal(off, 3600);
    /* extended hours (RFC 8536): all year DST in this form */
    assert_int_equal(vg_tz_posix_offset("EST5EDT,0/0,J365/25", 19, 1705320000, &off), VG_OK);
    assert_int_equal(off, -14400);
    /* malformed */
    assert_int_equal(vg_tz_posix_offset("", 0, 0, &off), VG_E_INVAL);
    assert_int_equal(vg_tz_posix_offset("AB1", 3, 0, &off), VG_E_INVAL);
    assert_int_equal(vg_tz_posix_offset("CET", 3, 0, &off), VG_E_INVAL);
    assert_int_equal(vg_tz_posix_offset("CET-1CEST", 9, 0, &off), VG_E_INVAL);
    assert_int_equal(vg_tz_posix_offset("CET-1CEST,M13.5.0,M10.5.0", 25, 0, &off), VG_E_INVAL);
    assert_int_equal(vg_tz_posix_offset("CET-1CEST,M3.5.0,M10.5.0x", 25, 0, &off), VG_E_INVAL);
    assert_int_equal(vg_tz_posix_offset("CET-1CEST,M3.5.0,M10.5.0/999", 28, 0, &off), VG_E_INVAL);
    assert_int_equal(vg_tz_posix_offset("<AB", 3, 0, &off), VG_E_INVAL);
    assert_int_equal(vg_tz_posix_offset("CET-25", 6, 0, &off), VG_E_INVAL);
}

static void test_malformed(void **state)
{
    static const int32_t bad_off[] = {0, 100000};
    static const unsigned char bad_idx[] = {2, 0};
    static const int64_t unsorted[] = {1100000000, 1000000000};
    struct zone z2 = zone2;
    struct tzb b;
    struct vg_tz *z = NULL;
    size_t cut;
    (void)state;

    tzif(&b, '2', &zone2, "UTC0");
    /* every prefix is refused, never read past */
    for (cut = 0; cut < b.n - 6; cut++)
        if (vg_tz_parse(b.p, cut, &z) == VG_OK) {
            /* only once the 64-bit block is whole may the footer be missing */
            assert_true(cut > 44 + 22 + 44);
            vg_tz_free(z);
        }
    assert_int_equal(vg_tz_parse("TZif", 4, &z), VG_E_CORRUPT);
    assert_int_equal(vg_tz_parse("XXXX0000000000000000000000000000000000000000", 44, &z),
                     VG_E_CORRUPT);
    /* version 5 */
    tzif(&b, '5', &zone2, "UTC0");
    assert_int_equal(vg_tz_parse(b.p, b.n, &z), VG_E_UNSUPPORTED);
    /* an offset out of range, an index past the types, times out of order */
    z2.utoff = bad_off;
    tzif(&b, 0, &z2, NULL);
    assert_int_equal(vg_tz_parse(b.p, b.n, &z), VG_E_CORRUPT);
    z2 = zone2;
    z2.idx = bad_idx;
    tzif(&b, 0, &z2, NULL);
    assert_int_equal(vg_tz_parse(b.p, b.n, &z), VG_E_CORRUPT);
    z2 = zone2;
    z2.times = unsorted;
    tzif(&b, 0, &z2, NULL);
    assert_int_equal(vg_tz_parse(b.p, b.n, &z), VG_E_CORRUPT);
    /* no types */
    z2 = zone2;
    z2.n_types = 0;
    z2.n_times = 0;
    tzif(&b, 0, &z2, NULL);
    assert_int_equal(vg_tz_parse(b.p, b.n, &z), VG_E_CORRUPT);
}

static void test_names(void **state)
{
    struct vg_tz *z = NULL;
    (void)state;

    assert_int_equal(vg_tz_load("", &z), VG_E_INVAL);
    assert_int_equal(vg_tz_load("/etc/passwd", &z), VG_E_INVAL);
    assert_int_equal(vg_tz_load("../../etc/passwd", &z), VG_E_INVAL);
    assert_int_equal(vg_tz_load("Europe/../../etc/passwd", &z), VG_E_INVAL);
    assert_int_equal(vg_tz_load("Europe//Paris", &z), VG_E_INVAL);
    assert_int_equal(vg_tz_load("Europe/./Paris", &z), VG_E_INVAL);
    assert_int_equal(vg_tz_load("Europe/Paris\n", &z), VG_E_INVAL);
    assert_int_equal(vg_tz_load("Europe/Paris/", &z), VG_E_INVAL);
    assert_int_equal(vg_tz_load("Nowhere/Atlantis_No_Such_Zone", &z), VG_E_NOTFOUND);
}

/* The system's database, when there is one: Rome in summer and winter. */
static void test_system_database(void **state)
{
    struct vg_tz *z = NULL;
    int rc;
    (void)state;

    unsetenv("TZDIR");
    rc = vg_tz_load("Europe/Rome", &z);
    if (rc == VG_E_NOTFOUND) {
        printf("skipped: no Europe/Rome in the system's time zone database\n");
        skip();
    }
    assert_int_equal(rc, VG_OK);
    assert_int_equal(vg_tz_offset(z, 1721044800), 7200);
    assert_int_equal(vg_tz_offset(z, 1705320000), 3600);
    /* after 2037, where "fat" files stop: the footer's rule */
    assert_int_equal(vg_tz_offset(z, 4102444800 + 200 * 86400), 7200);
    vg_tz_free(z);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_transitions), cmocka_unit_test(test_footer),
        cmocka_unit_test(test_posix_rules), cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_names),       cmocka_unit_test(test_system_database),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
