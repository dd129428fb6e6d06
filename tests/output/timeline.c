/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include <stdio.h>

#include "output/output.h"

static void test_add_get(void **state)
{
    struct vg_timeline *tl = NULL;
    struct vg_timeline_event ev;
    (void)state;
    assert_int_equal(vg_timeline_new(&tl), VG_OK);
    assert_int_equal(
        vg_timeline_add(tl, "2019-08-27 15:08:09.240410", "sms", "SMS", "sms_received", "hello"),
        VG_OK);
    assert_int_equal(vg_timeline_add(tl, NULL, NULL, NULL, NULL, NULL), VG_OK);
    assert_int_equal(vg_timeline_count(tl), 2);
    assert_int_equal(vg_timeline_get(tl, 0, &ev), VG_OK);
    assert_string_equal(ev.timestamp, "2019-08-27 15:08:09.240410");
    assert_string_equal(ev.module, "sms");
    assert_string_equal(ev.plugin, "SMS");
    assert_string_equal(ev.event, "sms_received");
    assert_string_equal(ev.description, "hello");
    assert_int_equal(vg_timeline_get(tl, 1, &ev), VG_OK);
    assert_string_equal(ev.timestamp, "");
    assert_string_equal(ev.module, "");
    assert_string_equal(ev.description, "");
    assert_int_equal(vg_timeline_get(tl, 2, &ev), VG_E_INVAL);
    vg_timeline_free(tl);
    vg_timeline_free(NULL);
    assert_int_equal(vg_timeline_count(NULL), 0);
}

static void test_names_are_interned(void **state)
{
    struct vg_timeline *tl = NULL;
    struct vg_timeline_event a, b, c;
    char module[8] = "sms";
    (void)state;
    assert_int_equal(vg_timeline_new(&tl), VG_OK);
    assert_int_equal(vg_timeline_add(tl, "1", module, "SMS", "e", "d"), VG_OK);
    assert_int_equal(vg_timeline_add(tl, "2", "tcc", "TCC", "e", "d"), VG_OK);
    assert_int_equal(vg_timeline_add(tl, "3", module, "SMS", "e", "d"), VG_OK);
    module[0] = 'x'; /* the timeline kept its own copy */
    assert_int_equal(vg_timeline_get(tl, 0, &a), VG_OK);
    assert_int_equal(vg_timeline_get(tl, 1, &b), VG_OK);
    assert_int_equal(vg_timeline_get(tl, 2, &c), VG_OK);
    assert_string_equal(a.module, "sms");
    assert_ptr_equal(a.module, c.module);
    assert_ptr_equal(a.plugin, c.plugin);
    assert_ptr_not_equal(a.module, b.module);
    vg_timeline_free(tl);
}

/* Events tagged with their insertion number in description. */
static struct vg_timeline *build(const char *const *ts, size_t n)
{
    struct vg_timeline *tl = NULL;
    char desc[16];
    size_t i;

    assert_int_equal(vg_timeline_new(&tl), VG_OK);
    for (i = 0; i < n; i++) {
        assert_int_equal(vg_snprintf(desc, sizeof(desc), "%zu", i), VG_OK);
        assert_int_equal(vg_timeline_add(tl, ts[i], "m", "M", "e", desc), VG_OK);
    }
    return tl;
}

static void assert_order(const struct vg_timeline *tl, const uint32_t *order, const char *expected)
{
    struct vg_timeline_event ev;
    char got[256] = "";
    size_t i, len = 0;

    for (i = 0; i < vg_timeline_count(tl); i++) {
        assert_int_equal(vg_timeline_get(tl, order ? order[i] : i, &ev), VG_OK);
        assert_int_equal(
            vg_snprintf(got + len, sizeof(got) - len, "%s%s", i ? "," : "", ev.description), VG_OK);
        len = strlen(got);
    }
    assert_string_equal(got, expected);
}

static void test_sort_is_stable(void **state)
{
    static const char *const ts[] = {
        "2020-01-01 00:00:00.000000", "",   "2019-01-01 00:00:00.000000",
        "2020-01-01 00:00:00.000000", NULL, "2019-01-01 00:00:00.000000",
        "2020-01-01 00:00:00.000000", "",
    };
    struct vg_timeline *tl = build(ts, sizeof(ts) / sizeof(ts[0]));
    uint32_t *order = NULL;
    (void)state;
    /* missing timestamps first; ties in insertion order */
    assert_int_equal(vg_timeline_order(tl, &order), VG_OK);
    assert_non_null(order);
    assert_order(tl, order, "1,4,7,2,5,0,3,6");
    assert_order(tl, NULL, "0,1,2,3,4,5,6,7"); /* the view left tl alone */
    free(order);
    vg_timeline_sort(tl);
    assert_order(tl, NULL, "1,4,7,2,5,0,3,6");
    assert_int_equal(vg_timeline_order(tl, &order), VG_OK);
    assert_null(order); /* already in order: no copy */
    /* adding after a sort and sorting again keeps the first ties first */
    assert_int_equal(vg_timeline_add(tl, "2019-01-01 00:00:00.000000", "m", "M", "e", "8"), VG_OK);
    assert_int_equal(vg_timeline_add(tl, "", "m", "M", "e", "9"), VG_OK);
    assert_int_equal(vg_timeline_order(tl, &order), VG_OK);
    assert_order(tl, order, "1,4,7,9,2,5,8,0,3,6");
    free(order);
    vg_timeline_sort(tl);
    assert_order(tl, NULL, "1,4,7,9,2,5,8,0,3,6");
    vg_timeline_free(tl);
}

/* Many events over few timestamps: the order must be that of a stable sort,
 * checked against a counting sort. Descriptions hold "key nth". */
enum { MANY = 20000, KEYS = 37 };

static void check_stable(const struct vg_timeline *tl, const uint32_t *order, const size_t *count)
{
    struct vg_timeline_event ev;
    size_t i, k, pos = 0, start[KEYS], seen[KEYS] = {0}, key, nth;
    char *end;

    for (k = 0; k < KEYS; k++) {
        start[k] = pos;
        pos += count[k];
    }
    for (i = 0; i < MANY; i++) {
        assert_int_equal(vg_timeline_get(tl, order ? order[i] : i, &ev), VG_OK);
        key = strtoul(ev.description, &end, 10);
        nth = strtoul(end, NULL, 10);
        assert_true(key < KEYS && i >= start[key] && i < start[key] + count[key]);
        assert_int_equal(nth, seen[key]);
        seen[key]++;
    }
}

static void test_sort_many(void **state)
{
    struct vg_timeline *tl = NULL;
    uint32_t *order = NULL;
    size_t i, k, count[KEYS] = {0};
    unsigned seed = 12345;
    char ts[32], desc[32];
    (void)state;

    assert_int_equal(vg_timeline_new(&tl), VG_OK);
    for (i = 0; i < MANY; i++) {
        seed = seed * 1103515245u + 12345u;
        k = (seed >> 16) % KEYS;
        assert_int_equal(vg_snprintf(ts, sizeof(ts), "2020-01-01 00:00:%02zu.000000", k), VG_OK);
        assert_int_equal(vg_snprintf(desc, sizeof(desc), "%zu %zu", k, count[k]++), VG_OK);
        assert_int_equal(vg_timeline_add(tl, ts, "m", "M", "e", desc), VG_OK);
    }
    assert_int_equal(vg_timeline_order(tl, &order), VG_OK);
    assert_non_null(order);
    check_stable(tl, order, count);
    free(order);
    vg_timeline_sort(tl);
    check_stable(tl, NULL, count);
    vg_timeline_free(tl);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add_get),
        cmocka_unit_test(test_names_are_interned),
        cmocka_unit_test(test_sort_is_stable),
        cmocka_unit_test(test_sort_many),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
