/*
 * What the dumpsys parser tests share: running a parser on inline text,
 * collecting its records, and comparing them with expected JSON as values
 * and in key order (MVT's JSON files keep its dicts' order).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_TESTS_DUMPSYS_TEST_H
#define VG_TESTS_DUMPSYS_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "util/vg.h"
#include "formats/android/dumpsys.h"
#include "fixture.h"

struct dt_run {
    json_t *records;
    struct vg_diag *diag;
    struct vg_dumpsys_sink sink;
    int rc;
    size_t stop_after; /* the callback fails after this many (0: never) */
};

static inline int dt_record(void *ud, json_t *record)
{
    struct dt_run *r = ud;

    assert_non_null(record);
    assert_true(json_is_object(record));
    assert_int_equal(json_array_append_new(r->records, record), 0);
    if (r->stop_after && json_array_size(r->records) >= r->stop_after)
        return VG_E_INTERRUPTED;
    return VG_OK;
}

static inline void dt_init(struct dt_run *r)
{
    memset(r, 0, sizeof(*r));
    r->records = json_array();
    assert_non_null(r->records);
    assert_int_equal(vg_diag_new(NULL, NULL, &r->diag), VG_OK);
    r->sink.record = dt_record;
    r->sink.ud = r;
    r->sink.diag = r->diag;
    r->sink.where = "test.txt";
}

static inline void dt_free(struct dt_run *r)
{
    json_decref(r->records);
    vg_diag_free(r->diag);
}

/* Runs kind's parser on text taken whole (as MVT's artifact tests do). */
static inline void dt_whole(struct dt_run *r, enum vg_dumpsys_kind kind, const char *text,
                            size_t len)
{
    struct vg_dumpsys_section sec;

    dt_init(r);
    vg_dumpsys_whole(text, len, vg_dumpsys_parsers[kind].dec, &sec);
    r->rc = vg_dumpsys_parsers[kind].parse(&sec, &r->sink);
}

/* Runs kind's parser on its section of a whole dumpstate text. */
static inline void dt_extract(struct dt_run *r, enum vg_dumpsys_kind kind, const char *text,
                              size_t len)
{
    dt_init(r);
    r->rc = vg_dumpsys_extract(text, len, kind, &r->sink);
}

/* Same keys in the same order, all the way down. */
static inline int dt_same_order(const json_t *a, const json_t *b)
{
    size_t i;

    if (json_is_object(a) && json_is_object(b)) {
        void *ia = json_object_iter((json_t *)a), *ib = json_object_iter((json_t *)b);
        for (; ia && ib; ia = json_object_iter_next((json_t *)a, ia),
                         ib = json_object_iter_next((json_t *)b, ib)) {
            if (strcmp(json_object_iter_key(ia), json_object_iter_key(ib)) != 0 ||
                !dt_same_order(json_object_iter_value(ia), json_object_iter_value(ib)))
                return 0;
        }
        return !ia && !ib;
    }
    if (json_is_array(a) && json_is_array(b)) {
        if (json_array_size(a) != json_array_size(b))
            return 0;
        for (i = 0; i < json_array_size(a); i++)
            if (!dt_same_order(json_array_get(a, i), json_array_get(b, i)))
                return 0;
    }
    return 1;
}

/* got must equal want (a JSON array) as values and in key order. */
static inline void dt_expect_json(const json_t *got, const json_t *want)
{
    char *g, *w;

    if (json_equal((json_t *)got, (json_t *)want) && dt_same_order(got, want))
        return;
    g = json_dumps(got, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
    w = json_dumps(want, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
    fail_msg("records differ\n  got:  %.2000s\n  want: %.2000s", g ? g : "?", w ? w : "?");
}

static inline void dt_expect(const struct dt_run *r, const char *want_json)
{
    json_error_t err;
    json_t *want = json_loads(want_json, JSON_ALLOW_NUL, &err);

    if (!want)
        fail_msg("bad expected JSON: %s (line %d)", err.text, err.line);
    dt_expect_json(r->records, want);
    json_decref(want);
}

static inline size_t dt_warnings(const struct dt_run *r)
{
    return vg_diag_count(r->diag, VG_DIAG_WARN);
}

/* 1 when some diagnostic holds needle. */
static inline int dt_said(const struct dt_run *r, const char *needle)
{
    size_t i;

    for (i = 0; i < vg_diag_size(r->diag); i++)
        if (strstr(vg_diag_get(r->diag, i)->message, needle))
            return 1;
    return 0;
}

/* ---- MVT's samples in ../shared (skipped when absent) ---- */

/* The file's bytes, or NULL (and a "skipped" line) when ../shared or the
 * file is not there. */
static inline char *dt_shared(const char *rel, size_t *len)
{
    char *path = vgfix_shared_path(rel), *data;

    if (!path) {
        printf("skipped: ../shared/%s is not there\n", rel);
        return NULL;
    }
    data = vgfix_read_file(path, len);
    assert_non_null(data);
    free(path);
    return data;
}

/* The bugreport's dumpstate text, found as MVT finds it: main_entry.txt
 * names it. */
static inline char *dt_dumpstate(size_t *len)
{
    static const char dir[] = "mvt-artifacts/android_data/bugreport/";
    char rel[512], *entry, *text;
    size_t n, end;

    entry = dt_shared("mvt-artifacts/android_data/bugreport/main_entry.txt", &n);
    if (!entry)
        return NULL;
    for (end = n;
         end > 0 && (entry[end - 1] == '\n' || entry[end - 1] == '\r' || entry[end - 1] == ' ');
         end--)
        ;
    assert_true(end > 0 && end < 200);
    snprintf(rel, sizeof(rel), "%s%.*s", dir, (int)end, entry);
    free(entry);
    text = dt_shared(rel, len);
    assert_non_null(text);
    return text;
}

/* Records for kind on the sample dumpstate must equal MVT's results file
 * (mvt-results/android-bugreport/<file>). */
static inline void dt_conform(enum vg_dumpsys_kind kind, const char *file)
{
    char rel[512];
    size_t len;
    char *text = dt_dumpstate(&len), *path;
    json_t *mvt;
    struct dt_run r;

    if (!text) {
        skip();
        return;
    }
    snprintf(rel, sizeof(rel), "mvt-artifacts/mvt-results/android-bugreport/%s", file);
    path = vgfix_shared_path(rel);
    assert_non_null(path);
    mvt = json_load_file(path, JSON_ALLOW_NUL, NULL);
    assert_non_null(mvt);
    dt_extract(&r, kind, text, len);
    assert_int_equal(r.rc, VG_OK);
    assert_int_equal(dt_warnings(&r), 0);
    dt_expect_json(r.records, mvt);
    dt_free(&r);
    json_decref(mvt);
    free(path);
    free(text);
}

/* Runs kind on a whole sample file of android_data (MVT's artifact tests
 * read them this way); NULL records when ../shared is absent. */
static inline int dt_sample(struct dt_run *r, enum vg_dumpsys_kind kind, const char *name)
{
    char rel[512];
    size_t len;
    char *text;

    snprintf(rel, sizeof(rel), "mvt-artifacts/android_data/%s", name);
    if (!(text = dt_shared(rel, &len)))
        return 0;
    dt_whole(r, kind, text, len);
    free(text);
    return 1;
}

/* Runs kind on head + line + tail, where line is prefix, then more than
 * VG_MAX_TEXT_LINE bytes of fill, then suffix: the parser must finish
 * (the line cut, and said so). The caller checks the records. */
static inline void dt_giant(struct dt_run *r, enum vg_dumpsys_kind kind, const char *head,
                            const char *prefix, char fill, const char *suffix, const char *tail)
{
    size_t big = (size_t)VG_MAX_TEXT_LINE + 4096, len = 0;
    size_t n = strlen(head) + strlen(prefix) + big + strlen(suffix) + strlen(tail);
    char *t = malloc(n + 1);

    assert_non_null(t);
    memcpy(t, head, strlen(head));
    len += strlen(head);
    memcpy(t + len, prefix, strlen(prefix));
    len += strlen(prefix);
    memset(t + len, fill, big);
    len += big;
    memcpy(t + len, suffix, strlen(suffix));
    len += strlen(suffix);
    memcpy(t + len, tail, strlen(tail));
    len += strlen(tail);
    dt_whole(r, kind, t, len);
    free(t);
    assert_int_equal(r->rc, VG_OK);
    assert_true(dt_said(r, "longer than"));
}

#define DT_TEXT(s) s, sizeof(s) - 1

#endif
