/*
 * What the AndroidQF parser tests share: a sink that keeps the records in
 * an array and the warnings in a vg_diag, and a comparison of JSON values
 * that, unlike json_equal, also holds object keys to their order (MVT's
 * records are compared so).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_TESTS_FORMATS_ANDROID_AQFT_H
#define VG_TESTS_FORMATS_ANDROID_AQFT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>

#include "util/vg.h"
#include "formats/android/aqf.h"

struct aqft {
    json_t *recs;
    struct vg_diag *diag;
    struct vg_aqf_sink sink;
    int fail_after; /* the record callback fails (VG_E_IO) past this many, 0: never */
};

static int aqft_record(void *ud, json_t *rec)
{
    struct aqft *t = ud;

    if (t->fail_after && json_array_size(t->recs) >= (size_t)t->fail_after) {
        json_decref(rec);
        return VG_E_IO;
    }
    return json_array_append_new(t->recs, rec) == 0 ? VG_OK : VG_E_NOMEM;
}

static inline void aqft_init(struct aqft *t, const char *file)
{
    memset(t, 0, sizeof(*t));
    t->recs = json_array();
    assert_non_null(t->recs);
    assert_int_equal(vg_diag_new(NULL, NULL, &t->diag), VG_OK);
    t->sink.file = file;
    t->sink.diag = t->diag;
    t->sink.record = aqft_record;
    t->sink.ud = t;
}

static inline void aqft_free(struct aqft *t)
{
    json_decref(t->recs);
    vg_diag_free(t->diag);
}

static inline size_t aqft_warnings(const struct aqft *t)
{
    return vg_diag_count(t->diag, VG_DIAG_WARN);
}

/* 1 when a diagnostic names the file and holds needle. */
static inline int aqft_said(const struct aqft *t, const char *needle)
{
    size_t i;

    for (i = 0; i < vg_diag_size(t->diag); i++) {
        const struct vg_diag_entry *e = vg_diag_get(t->diag, i);
        if (strcmp(e->where, t->sink.file) == 0 && strstr(e->message, needle))
            return 1;
    }
    return 0;
}

/* json_equal, with object keys also in the same order. */
static inline int aqft_same(const json_t *a, const json_t *b)
{
    const char *ka, *kb;
    void *ia, *ib;
    size_t i;

    if (!a || !b || json_typeof(a) != json_typeof(b))
        return 0;
    if (json_is_array(a)) {
        if (json_array_size(a) != json_array_size(b))
            return 0;
        for (i = 0; i < json_array_size(a); i++)
            if (!aqft_same(json_array_get(a, i), json_array_get(b, i)))
                return 0;
        return 1;
    }
    if (!json_is_object(a))
        return json_equal(a, b);
    if (json_object_size(a) != json_object_size(b))
        return 0;
    for (ia = json_object_iter((json_t *)a), ib = json_object_iter((json_t *)b); ia && ib;
         ia = json_object_iter_next((json_t *)a, ia), ib = json_object_iter_next((json_t *)b, ib)) {
        ka = json_object_iter_key(ia);
        kb = json_object_iter_key(ib);
        if (strcmp(ka, kb) != 0 ||
            !aqft_same(json_object_iter_value(ia), json_object_iter_value(ib)))
            return 0;
    }
    return 1;
}

/* The records equal want (JSON text), keys in order; prints both if not. */
static inline void aqft_expect(const struct aqft *t, const char *want)
{
    json_error_t err;
    json_t *w = json_loads(want, 0, &err);
    char *got;

    if (!w)
        fail_msg("bad expected JSON: %s", err.text);
    if (!aqft_same(t->recs, w)) {
        got = json_dumps(t->recs, JSON_COMPACT);
        print_error("got  %s\nwant %s\n", got, want);
        free(got);
        json_decref(w);
        fail();
    }
    json_decref(w);
}

/* aqft_expect on the array of the JSON texts in items (NULL-terminated). */
static inline void aqft_expect_list(const struct aqft *t, const char *const *items)
{
    size_t n = 3, i, at = 0, k;
    char *all;

    for (i = 0; items[i]; i++)
        n += strlen(items[i]) + 1;
    all = malloc(n);
    assert_non_null(all);
    all[at++] = '[';
    for (i = 0; items[i]; i++) {
        if (i)
            all[at++] = ',';
        k = strlen(items[i]);
        memcpy(all + at, items[i], k);
        at += k;
    }
    all[at++] = ']';
    all[at] = '\0';
    aqft_expect(t, all);
    free(all);
}

#endif
