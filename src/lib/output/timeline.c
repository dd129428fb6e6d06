/*
 * The timeline: every dated event of a scan, for timeline.csv,
 * timeline.jsonl and alerts_timeline.csv. It may hold tens of millions of
 * events, so an event is 24 bytes plus one allocation holding its three
 * strings; module and plugin names repeat and are interned as one pair.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <stdlib.h>

#include "output/output.h"

struct tl_name {
    char *module;
    char *plugin;
};

struct tl_event {
    char *s;         /* "timestamp\0event\0description\0" */
    uint32_t ev_off; /* offset of event in s */
    uint32_t desc_off;
    uint32_t name; /* index in names */
    uint32_t seq;  /* insertion number: the sort's tie-break */
};

struct vg_timeline {
    struct tl_event *ev;
    size_t n, cap;
    struct tl_name *names;
    size_t n_names, cap_names;
    size_t last_name; /* events come in runs from one module */
};

int vg_timeline_new(struct vg_timeline **out)
{
    struct vg_timeline *tl = calloc(1, sizeof(*tl));

    if (!tl)
        return VG_E_NOMEM;
    *out = tl;
    return VG_OK;
}

void vg_timeline_free(struct vg_timeline *tl)
{
    size_t i;

    if (!tl)
        return;
    for (i = 0; i < tl->n; i++)
        free(tl->ev[i].s);
    for (i = 0; i < tl->n_names; i++) {
        free(tl->names[i].module);
        free(tl->names[i].plugin);
    }
    free(tl->ev);
    free(tl->names);
    free(tl);
}

size_t vg_timeline_count(const struct vg_timeline *tl)
{
    return tl ? tl->n : 0;
}

static int name_match(const struct tl_name *nm, const char *module, const char *plugin)
{
    return strcmp(nm->module, module) == 0 && strcmp(nm->plugin, plugin) == 0;
}

static int name_add(struct vg_timeline *tl, const char *module, const char *plugin)
{
    struct tl_name *nv;
    size_t ncap;

    if (tl->n_names >= VG_MAX_TL_NAMES)
        return VG_E_LIMIT;
    if (tl->n_names == tl->cap_names) {
        ncap = tl->cap_names ? tl->cap_names * 2 : 16;
        nv = vg_realloc_array(tl->names, ncap, sizeof(*nv));
        if (!nv)
            return VG_E_NOMEM;
        tl->names = nv;
        tl->cap_names = ncap;
    }
    nv = &tl->names[tl->n_names];
    nv->module = vg_strdup(module);
    nv->plugin = vg_strdup(plugin);
    if (!nv->module || !nv->plugin) {
        free(nv->module);
        free(nv->plugin);
        return VG_E_NOMEM;
    }
    tl->n_names++;
    return VG_OK;
}

/* Linear search is fine: there are a few dozen modules, and the cached last
 * hit answers almost every call. */
static int name_intern(struct vg_timeline *tl, const char *module, const char *plugin,
                       uint32_t *idx)
{
    size_t i;
    int rc;

    if (tl->last_name < tl->n_names && name_match(&tl->names[tl->last_name], module, plugin)) {
        *idx = (uint32_t)tl->last_name;
        return VG_OK;
    }
    for (i = 0; i < tl->n_names; i++) {
        if (name_match(&tl->names[i], module, plugin))
            break;
    }
    if (i == tl->n_names) {
        rc = name_add(tl, module, plugin);
        if (rc != VG_OK)
            return rc;
    }
    tl->last_name = i;
    *idx = (uint32_t)i;
    return VG_OK;
}

static int event_strings(struct tl_event *e, const char *ts, const char *event, const char *desc)
{
    size_t lt = strlen(ts), le = strlen(event), ld = strlen(desc), total;

    if (vg_add_overflow(lt, le, &total) || vg_add_overflow(total, ld, &total) ||
        vg_add_overflow(total, 3, &total) || total > UINT32_MAX)
        return VG_E_LIMIT;
    e->s = vg_malloc(total);
    if (!e->s)
        return VG_E_NOMEM;
    e->ev_off = (uint32_t)(lt + 1);
    e->desc_off = (uint32_t)(lt + 1 + le + 1);
    memcpy(e->s, ts, lt + 1);
    memcpy(e->s + e->ev_off, event, le + 1);
    memcpy(e->s + e->desc_off, desc, ld + 1);
    return VG_OK;
}

static int events_reserve(struct vg_timeline *tl)
{
    struct tl_event *nv;
    size_t ncap;

    if (tl->n < tl->cap)
        return VG_OK;
    if (tl->n >= VG_MAX_TL_EVENTS)
        return VG_E_LIMIT;
    ncap = tl->cap ? tl->cap * 2 : 256;
    if (ncap > VG_MAX_TL_EVENTS)
        ncap = VG_MAX_TL_EVENTS;
    nv = vg_realloc_array(tl->ev, ncap, sizeof(*nv));
    if (!nv)
        return VG_E_NOMEM;
    tl->ev = nv;
    tl->cap = ncap;
    return VG_OK;
}

int vg_timeline_add(struct vg_timeline *tl, const char *timestamp, const char *module,
                    const char *plugin, const char *event, const char *description)
{
    struct tl_event e;
    int rc;

    if (!tl)
        return VG_E_INVAL;
    rc = events_reserve(tl);
    if (rc != VG_OK)
        return rc;
    rc = name_intern(tl, module ? module : "", plugin ? plugin : "", &e.name);
    if (rc != VG_OK)
        return rc;
    rc = event_strings(&e, timestamp ? timestamp : "", event ? event : "",
                       description ? description : "");
    if (rc != VG_OK)
        return rc;
    e.seq = (uint32_t)tl->n;
    tl->ev[tl->n++] = e;
    return VG_OK;
}

static int event_cmp(const struct tl_event *a, const struct tl_event *b)
{
    int c = strcmp(a->s, b->s);

    if (c != 0)
        return c;
    return (a->seq > b->seq) - (a->seq < b->seq);
}

static int event_qsort_cmp(const void *a, const void *b)
{
    return event_cmp(a, b);
}

void vg_timeline_sort(struct vg_timeline *tl)
{
    /* qsort is not stable; seq, unique per event, makes the order total */
    if (tl && tl->n > 1)
        qsort(tl->ev, tl->n, sizeof(*tl->ev), event_qsort_cmp);
}

int vg_timeline_get(const struct vg_timeline *tl, size_t i, struct vg_timeline_event *ev)
{
    const struct tl_event *e;
    const struct tl_name *nm;

    if (!tl || i >= tl->n)
        return VG_E_INVAL;
    e = &tl->ev[i];
    nm = &tl->names[e->name];
    ev->timestamp = e->s;
    ev->module = nm->module;
    ev->plugin = nm->plugin;
    ev->event = e->s + e->ev_off;
    ev->description = e->s + e->desc_off;
    return VG_OK;
}

/* One pass of a bottom-up merge of runs of width w from src to dst. */
static void merge_pass(const struct vg_timeline *tl, const uint32_t *src, uint32_t *dst, size_t n,
                       size_t w)
{
    size_t lo, mid, hi, i, j, k;

    for (lo = 0; lo < n; lo += 2 * w) {
        mid = lo + w < n ? lo + w : n;
        hi = mid + w < n ? mid + w : n;
        i = lo;
        j = mid;
        for (k = lo; k < hi; k++) {
            if (i < mid && (j >= hi || event_cmp(&tl->ev[src[i]], &tl->ev[src[j]]) <= 0))
                dst[k] = src[i++];
            else
                dst[k] = src[j++];
        }
    }
}

static int is_sorted(const struct vg_timeline *tl)
{
    size_t i;

    for (i = 1; i < tl->n; i++) {
        if (event_cmp(&tl->ev[i - 1], &tl->ev[i]) > 0)
            return 0;
    }
    return 1;
}

int vg_timeline_order(const struct vg_timeline *tl, uint32_t **order)
{
    uint32_t *a, *b, *t;
    size_t i, w;

    *order = NULL;
    if (!tl || is_sorted(tl))
        return VG_OK;
    /* A merge sort on positions: qsort has no context argument to reach the
     * events, and a copy of them would cost three times the memory. */
    a = vg_calloc(tl->n, sizeof(*a));
    b = vg_calloc(tl->n, sizeof(*b));
    if (!a || !b) {
        free(a);
        free(b);
        return VG_E_NOMEM;
    }
    for (i = 0; i < tl->n; i++)
        a[i] = (uint32_t)i;
    for (w = 1; w < tl->n; w *= 2) {
        merge_pass(tl, a, b, tl->n, w);
        t = a;
        a = b;
        b = t;
    }
    free(b);
    *order = a;
    return VG_OK;
}
