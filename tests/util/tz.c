/*
 * Time zones from TZif files (src/lib/util/tz.c): a file built here byte by
 * byte (transitions, then the footer's rule), malformed files, zone names
 * that would leave the database, and, when the system has a tz database,
 * offsets equal to Python's zoneinfo (the values below were computed with
 * it on tzdata 2025b).
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
#include <unistd.h>
#include <cmocka.h>

#include "util/vg.h"
#include "util/tz.h"

/* ---- building a TZif file ---- */

struct tzb {
    unsigned char b[1024];
    size_t n;
};

static void be32(struct tzb *t, uint32_t v)
{
    t->b[t->n++] = (unsigned char)(v >> 24);
    t->b[t->n++] = (unsigned char)(v >> 16);
    t->b[t->n++] = (unsigned char)(v >> 8);
    t->b[t->n++] = (unsigned char)v;
}

static void be64(struct tzb *t, int64_t v)
{
    be32(t, (uint32_t)((uint64_t)v >> 32));
    be32(t, (uint32_t)v);
}

static void header(struct tzb *t, char version, uint32_t timecnt, uint32_t typecnt,
                   uint32_t charcnt)
{
    memcpy(t->b + t->n, "TZif", 4);
    t->n += 4;
    t->b[t->n++] = (unsigned char)version;
    memset(t->b + t->n, 0, 15);
    t->n += 15;
    be32(t, 0); /* isutcnt */
    be32(t, 0); /* isstdcnt */
    be32(t, 0); /* leapcnt */
    be32(t, timecnt);
    be32(t, typecnt);
    be32(t, charcnt);
}

/* A zone of "Testland": LMT +00:09:21 until 1911, then CET/CEST with
 * transitions in 2024 only, then the footer's rule. */
static const int64_t trans[] = {-1855958901, 1711846800, 1729990800};
static const uint8_t idx[] = {1, 2, 1};

static void data_block(struct tzb *t, int v64, const char *footer)
{
    size_t i;

    header(t, '2', 3, 3, 14); /* both headers say the version */
    for (i = 0; i < 3; i++) {
        if (v64)
            be64(t, trans[i]);
        else
            be32(t, (uint32_t)trans[i]);
    }
    for (i = 0; i < 3; i++)
        t->b[t->n++] = idx[i];
    be32(t, 561); /* LMT */
    t->b[t->n++] = 0;
    t->b[t->n++] = 0;
    be32(t, 3600); /* CET */
    t->b[t->n++] = 0;
    t->b[t->n++] = 4;
    be32(t, 7200); /* CEST */
    t->b[t->n++] = 1;
    t->b[t->n++] = 8;
    memcpy(t->b + t->n, "LMT\0CET\0CEST\0\0", 14);
    t->n += 14;
    if (footer) {
        size_t k = strlen(footer);
        t->b[t->n++] = '\n';
        memcpy(t->b + t->n, footer, k);
        t->n += k;
        t->b[t->n++] = '\n';
    }
}

static void build(struct tzb *t, const char *footer)
{
    t->n = 0;
    data_block(t, 0, NULL); /* the version 1 block, skipped by readers of 2+ */
    data_block(t, 1, footer);
}

static struct vg_tz *parse(const struct tzb *t)
{
    struct vg_tz *tz = NULL;
    assert_int_equal(vg_tz_parse("Test/Land", t->b, t->n, &tz), VG_OK);
    return tz;
}

static void test_transitions_and_rule(void **state)
{
    struct tzb t;
    struct vg_tz *tz;
    (void)state;

    build(&t, "CET-1CEST,M3.5.0,M10.5.0/3");
    tz = parse(&t);
    assert_string_equal(vg_tz_name(tz), "Test/Land");
    assert_int_equal(vg_tz_offset(tz, -2208988800), 561);         /* 1900: before the first */
    assert_int_equal(vg_tz_offset(tz, 1704067200), 3600);         /* 2024-01-01 */
    assert_int_equal(vg_tz_offset(tz, 1711846799), 3600);         /* a second before */
    assert_int_equal(vg_tz_offset(tz, 1711846800), 7200);         /* 2024-03-31 01:00 UTC */
    assert_int_equal(vg_tz_offset(tz, 1746979200), 7200);         /* 2025-05-11: the rule */
    assert_int_equal(vg_tz_offset(tz, 1761440399), 7200);         /* 2025-10-26 00:59:59 UTC */
    assert_int_equal(vg_tz_offset(tz, 1761440400), 3600);         /* 01:00 UTC: back */
    assert_int_equal(vg_tz_offset(tz, 4102444800), 3600);         /* 2100-01-01 */
    assert_int_equal(vg_tz_offset(tz, 4118083200 + 86400), 7200); /* 2100-07 */
    vg_tz_free(tz);
}

static void test_southern_and_other_rules(void **state)
{
    struct tzb t;
    struct vg_tz *tz;
    (void)state;

    /* Sydney: DST from October to April, across the new year */
    build(&t, "AEST-10AEDT,M10.1.0,M4.1.0/3");
    tz = parse(&t);
    assert_int_equal(vg_tz_offset(tz, 1735689600), 39600); /* 2025-01-01 */
    assert_int_equal(vg_tz_offset(tz, 1751328000), 36000); /* 2025-07-01 */
    vg_tz_free(tz);
    /* no DST, a name in <>, a half hour */
    build(&t, "<+0530>-5:30");
    tz = parse(&t);
    assert_int_equal(vg_tz_offset(tz, 1751328000), 19800);
    vg_tz_free(tz);
    /* Julian days, and an empty footer (the last transition holds) */
    build(&t, "XST3XDT,J60/0,J300");
    tz = parse(&t);
    assert_int_equal(vg_tz_offset(tz, 1751328000), -7200); /* July: XDT, -2 h */
    assert_int_equal(vg_tz_offset(tz, 1767225600), -10800);
    vg_tz_free(tz);
    build(&t, "");
    tz = parse(&t);
    assert_int_equal(vg_tz_offset(tz, 1751328000), 3600);
    vg_tz_free(tz);
}

static void expect_corrupt(const unsigned char *p, size_t n)
{
    struct vg_tz *tz = NULL;
    assert_int_equal(vg_tz_parse("x", p, n, &tz), VG_E_CORRUPT);
    assert_null(tz);
}

static void test_malformed(void **state)
{
    static const char *const bad_footers[] = {
        "CET", "CET-1CEST", "CET-1CEST,M13.5.0,M10.5.0",   "CET-1CEST,M3.6.0,M10.5.0",
        "C-1", "CET-99",    "CET-1CEST,M3.5.0,M10.5.0/200"};
    struct tzb t;
    size_t i, cut;
    (void)state;

    build(&t, "CET-1CEST,M3.5.0,M10.5.0/3");
    for (cut = 0; cut < 44 * 2; cut += 7) /* cut in either header or block */
        expect_corrupt(t.b, cut);
    t.b[0] = 'X';
    expect_corrupt(t.b, t.n);
    build(&t, "CET-1CEST,M3.5.0,M10.5.0/3");
    t.b[t.n - 1] = 'x'; /* the footer's closing newline */
    expect_corrupt(t.b, t.n);
    for (i = 0; i < sizeof(bad_footers) / sizeof(bad_footers[0]); i++) {
        build(&t, bad_footers[i]);
        expect_corrupt(t.b, t.n);
    }
    /* a type index out of range, in the 64-bit block */
    build(&t, NULL);
    t.b[t.n - 14 - 18 - 3] = 9;
    expect_corrupt(t.b, t.n);
    /* transitions out of order */
    build(&t, NULL);
    {
        size_t at = t.n - 14 - 18 - 3 - 24; /* the first 64-bit transition */
        memset(t.b + at, 0x7f, 8);
        expect_corrupt(t.b, t.n);
    }
}

static void test_names(void **state)
{
    static const char *const bad[] = {"",
                                      "/etc/localtime",
                                      "../etc/passwd",
                                      "Europe/../../x",
                                      "Europe//Paris",
                                      "Europe/Paris/",
                                      "a b",
                                      "./UTC"};
    struct vg_tz *tz = NULL;
    size_t i;
    (void)state;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(vg_tz_load(bad[i], &tz), VG_E_INVAL);
    assert_int_equal(vg_tz_load("Nowhere/Nothing", &tz), VG_E_NOTFOUND);
    assert_null(tz);
}

/* $TZDIR is where zones are read from. */
static void test_tzdir(void **state)
{
    char dir[] = "/tmp/vigie-tz-XXXXXX", path[256];
    struct tzb t;
    struct vg_tz *tz = NULL;
    FILE *f;
    (void)state;

    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/Test", dir);
    assert_int_equal(mkdir(path, 0700), 0);
    snprintf(path, sizeof(path), "%s/Test/Land", dir);
    build(&t, "CET-1CEST,M3.5.0,M10.5.0/3");
    f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(t.b, 1, t.n, f), t.n);
    fclose(f);
    setenv("TZDIR", dir, 1);
    assert_int_equal(vg_tz_load("Test/Land", &tz), VG_OK);
    assert_int_equal(vg_tz_offset(tz, 1746979200), 7200);
    vg_tz_free(tz);
    /* UTC is known even where the database lacks it */
    assert_int_equal(vg_tz_load("UTC", &tz), VG_OK);
    assert_int_equal(vg_tz_offset(tz, 1746979200), 0);
    vg_tz_free(tz);
    unsetenv("TZDIR");
    remove(path);
    snprintf(path, sizeof(path), "%s/Test", dir);
    rmdir(path);
    rmdir(dir);
}

/* ---- the system's zones against Python's zoneinfo ---- */

static const int64_t when[] = {0,          1746979200, 1735689600, 2208988800,  1711846799,
                               1711846800, 1730595600, 1730599200, -2208988800, 4102444800};

static const struct {
    const char *zone;
    int32_t off[10];
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
                fail_msg("%s at %lld: %d, Python says %d", python[z].zone, (long long)when[i],
                         vg_tz_offset(tz, when[i]), python[z].off[i]);
        vg_tz_free(tz);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_transitions_and_rule),
        cmocka_unit_test(test_southern_and_other_rules),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_tzdir),
        cmocka_unit_test(test_system_zones),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
