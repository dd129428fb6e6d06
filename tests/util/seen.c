/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "util/seen.h"

static void test_repeats_are_seen(void **state)
{
    struct vg_seen s;
    const char *a[3] = {"2021-01-01 00:00:00.000000", "M--B", "Library/x - HomeDomain"};
    const char *b[3] = {"2021-01-01 00:00:00.000000", "M--B", "Library/y - HomeDomain"};
    (void)state;
    vg_seen_init(&s);
    assert_int_equal(vg_seen_add(&s, a, 3), 1);
    assert_int_equal(vg_seen_add(&s, b, 3), 1);
    assert_int_equal(vg_seen_add(&s, a, 3), 0);
    assert_int_equal(s.n, 2);
    vg_seen_free(&s);
}

static void test_part_boundaries_matter(void **state)
{
    struct vg_seen s;
    const char *a[3] = {"ab", "c", ""};
    const char *b[3] = {"a", "bc", ""};
    const char *c[3] = {NULL, "x", "y"};
    const char *d[3] = {"", "x", "y"};
    (void)state;
    vg_seen_init(&s);
    assert_int_equal(vg_seen_add(&s, a, 3), 1);
    assert_int_equal(vg_seen_add(&s, b, 3), 1);
    assert_int_equal(vg_seen_add(&s, c, 3), 1);
    assert_int_equal(vg_seen_add(&s, d, 3), 0); /* no timestamp == empty timestamp */
    vg_seen_free(&s);
}

static void test_many_distinct(void **state)
{
    struct vg_seen s;
    char buf[32];
    const char *p[1] = {buf};
    size_t i;
    (void)state;
    vg_seen_init(&s);
    for (i = 0; i < 200000; i++) {
        snprintf(buf, sizeof(buf), "event-%zu", i);
        assert_int_equal(vg_seen_add(&s, p, 1), 1);
    }
    for (i = 0; i < 200000; i += 997) {
        snprintf(buf, sizeof(buf), "event-%zu", i);
        assert_int_equal(vg_seen_add(&s, p, 1), 0);
    }
    assert_int_equal(s.n, 200000);
    vg_seen_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_repeats_are_seen),
        cmocka_unit_test(test_part_boundaries_matter),
        cmocka_unit_test(test_many_distinct),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
