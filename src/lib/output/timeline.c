/*
 * The timeline: every dated event of a scan, for timeline.csv,
 * timeline.jsonl and alerts_timeline.csv. It may hold tens of millions of
 * events, so an event is 24 bytes plus one allocation holding its three
 * strings; module and plugin names repeat and are interned as one pair.
 *
 * With a spill folder set, memory is bounded: once the events held exceed
 * the cap they are sorted and written to a run file there, then freed; the
 * writers read a k-way merge of the runs and what is left in memory.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pthread.h>

#include "output/output.h"
#include "util/rd.h"
#include "util/seen.h"

#define WHERE "timeline"

struct tl_name {
    char *module;
    char *plugin;
};

struct tl_event {
    char *s;         /* "timestamp\0event\0description\0" */
    uint32_t ev_off; /* offset of event in s */
    uint32_t desc_off;
    uint32_t name; /* index in names */
    uint64_t seq;  /* order key: the sort's tie-break (see vg_timeline_add_key) */
};

/* A sorted run file: size and count are what we wrote, checked on reading. */
struct tl_run {
    char *path;
    uint64_t size;
    size_t count;
};

struct vg_timeline {
    struct tl_event *ev; /* the events in memory */
    size_t n, cap;
    struct tl_name *names;
    size_t n_names, cap_names;
    size_t last_name; /* events come in runs from one module */
    size_t total;     /* events added, in memory and spilled */
    size_t bytes;     /* memory the events in ev hold, against spill_cap */
    size_t spill_cap;
    struct vg_out *spill; /* NULL: never spill */
    struct tl_run *runs;
    size_t n_runs;
    int err;              /* a spill failed (reported): the timeline is lost */
    pthread_mutex_t lock; /* adds come from several modules at once */
};

int vg_timeline_new(struct vg_timeline **out)
{
    struct vg_timeline *tl = calloc(1, sizeof(*tl));

    if (!tl)
        return VG_E_NOMEM;
    tl->spill_cap = VG_TIMELINE_SPILL_BYTES;
    pthread_mutex_init(&tl->lock, NULL);
    *out = tl;
    return VG_OK;
}

void vg_timeline_set_spill(struct vg_timeline *tl, struct vg_out *o)
{
    if (tl)
        tl->spill = o;
}

void vg_timeline_set_spill_cap(struct vg_timeline *tl, size_t bytes)
{
    if (tl)
        tl->spill_cap = bytes;
}

size_t vg_timeline_runs(const struct vg_timeline *tl)
{
    return tl ? tl->n_runs : 0;
}

static void events_clear(struct vg_timeline *tl)
{
    size_t i;

    for (i = 0; i < tl->n; i++)
        free(tl->ev[i].s);
    tl->n = 0;
    tl->bytes = 0;
}

void vg_timeline_free(struct vg_timeline *tl)
{
    size_t i;

    if (!tl)
        return;
    events_clear(tl);
    for (i = 0; i < tl->n_runs; i++) {
        (void)unlink(tl->runs[i].path);
        free(tl->runs[i].path);
    }
    free(tl->runs);
    for (i = 0; i < tl->n_names; i++) {
        free(tl->names[i].module);
        free(tl->names[i].plugin);
    }
    free(tl->ev);
    free(tl->names);
    pthread_mutex_destroy(&tl->lock);
    free(tl);
}

size_t vg_timeline_count(const struct vg_timeline *tl)
{
    return tl ? tl->total : 0;
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

/* "ts\0event\0desc\0tag\0": tag is "" or "<LEVEL>\t<indicator>" for an
 * event of a record an alert was raised on (timeline.jsonl carries it). */
static int event_strings(struct tl_event *e, const char *ts, const char *event, const char *desc,
                         const char *tag)
{
    size_t lt = strlen(ts), le = strlen(event), ld = strlen(desc), lg = strlen(tag), total;

    if (vg_add_overflow(lt, le, &total) || vg_add_overflow(total, ld, &total) ||
        vg_add_overflow(total, lg, &total) || vg_add_overflow(total, 4, &total) ||
        total > UINT32_MAX)
        return VG_E_LIMIT;
    e->s = vg_malloc(total);
    if (!e->s)
        return VG_E_NOMEM;
    e->ev_off = (uint32_t)(lt + 1);
    e->desc_off = (uint32_t)(lt + 1 + le + 1);
    memcpy(e->s, ts, lt + 1);
    memcpy(e->s + e->ev_off, event, le + 1);
    memcpy(e->s + e->desc_off, desc, ld + 1);
    memcpy(e->s + e->desc_off + ld + 1, tag, lg + 1);
    return VG_OK;
}

static const char *event_tag(const char *desc)
{
    return desc + strlen(desc) + 1;
}

static int events_reserve(struct vg_timeline *tl)
{
    struct tl_event *nv;
    size_t ncap;

    if (tl->total >= VG_MAX_TL_EVENTS)
        return VG_E_LIMIT;
    if (tl->n < tl->cap)
        return VG_OK;
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

static size_t event_len(const struct tl_event *e)
{
    const char *tag = event_tag(e->s + e->desc_off);
    return (size_t)(tag - e->s) + strlen(tag) + 1;
}

/* ---- spilling ---- */

static void put_be32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

/* Run record: be32 body length, then the body: be32 name index, be64 seq,
 * be32 ev_off, be32 desc_off, and the event's "ts\0event\0desc\0". */
#define TL_REC_HEAD 24u

static int run_put(FILE *f, const struct tl_event *e, uint64_t *size)
{
    unsigned char h[TL_REC_HEAD];
    size_t len = event_len(e);

    /* event_strings kept len below UINT32_MAX; the head must fit too */
    if (len > UINT32_MAX - (TL_REC_HEAD - 4))
        return VG_E_LIMIT;
    put_be32(h, (uint32_t)(len + TL_REC_HEAD - 4));
    put_be32(h + 4, e->name);
    put_be32(h + 8, (uint32_t)(e->seq >> 32));
    put_be32(h + 12, (uint32_t)e->seq);
    put_be32(h + 16, e->ev_off);
    put_be32(h + 20, e->desc_off);
    if (fwrite(h, 1, sizeof(h), f) != sizeof(h) || fwrite(e->s, 1, len, f) != len)
        return VG_E_IO;
    *size += TL_REC_HEAD + len;
    return VG_OK;
}

static int run_fill(struct vg_timeline *tl, int fd, struct tl_run *run)
{
    FILE *f = fdopen(fd, "wb");
    size_t i;
    int rc = VG_OK;

    if (!f) {
        close(fd);
        return VG_E_IO;
    }
    for (i = 0; i < tl->n && rc == VG_OK; i++)
        rc = run_put(f, &tl->ev[i], &run->size);
    if (fclose(f) != 0 && rc == VG_OK)
        rc = VG_E_IO;
    if (rc == VG_OK)
        run->count = tl->n;
    return rc;
}

static int runs_reserve(struct vg_timeline *tl)
{
    struct tl_run *nv;

    if (tl->n_runs >= VG_MAX_TL_RUNS)
        return VG_E_LIMIT;
    nv = vg_realloc_array(tl->runs, tl->n_runs + 1, sizeof(*nv));
    if (!nv)
        return VG_E_NOMEM;
    tl->runs = nv;
    return VG_OK;
}

static int spill_fail(struct vg_timeline *tl, const char *path, int rc, int err)
{
    vg_diag_add(vg_out_diag(tl->spill), VG_DIAG_ERROR, WHERE, "cannot spill events to %s: %s",
                path ? path : vg_out_dir(tl->spill),
                err                ? strerror(err)
                : rc == VG_E_LIMIT ? "too many run files (VG_MAX_TL_RUNS)"
                                   : vg_strerror(rc));
    tl->err = rc;
    events_clear(tl); /* they cannot reach the timeline files any more */
    return rc;
}

/* Sorts the events in memory, writes them as the next run and frees them. */
static int spill(struct vg_timeline *tl)
{
    struct tl_run *run;
    int fd, rc = runs_reserve(tl);

    if (rc != VG_OK)
        return spill_fail(tl, NULL, rc, 0);
    run = &tl->runs[tl->n_runs];
    memset(run, 0, sizeof(*run));
    run->path = vg_asprintf("%s/.vigie-timeline-%zu.XXXXXX", vg_out_dir(tl->spill), tl->n_runs);
    if (!run->path)
        return spill_fail(tl, NULL, VG_E_NOMEM, 0);
    fd = mkstemp(run->path); /* 0600, and never an existing file */
    if (fd < 0) {
        rc = spill_fail(tl, run->path, VG_E_IO, errno);
        free(run->path);
        return rc;
    }
    tl->n_runs++; /* from here vg_timeline_free removes it, whatever happens */
    vg_timeline_sort(tl);
    errno = 0;
    rc = run_fill(tl, fd, run);
    if (rc != VG_OK)
        return spill_fail(tl, run->path, rc, rc == VG_E_IO ? errno : 0);
    events_clear(tl);
    return VG_OK;
}

static int add_locked(struct vg_timeline *tl, uint64_t key, const char *timestamp,
                      const char *module, const char *plugin, const char *event,
                      const char *description, const char *tag)
{
    struct tl_event e;
    int rc;

    if (tl->err != VG_OK)
        return VG_OK; /* dropped: the failure is reported and the write will fail */
    rc = events_reserve(tl);
    if (rc != VG_OK)
        return rc;
    rc = name_intern(tl, module ? module : "", plugin ? plugin : "", &e.name);
    if (rc != VG_OK)
        return rc;
    rc = event_strings(&e, timestamp ? timestamp : "", event ? event : "",
                       description ? description : "", tag ? tag : "");
    if (rc != VG_OK)
        return rc;
    e.seq = key;
    tl->total++;
    tl->ev[tl->n++] = e;
    /* 16: a typical malloc header */
    tl->bytes += sizeof(e) + event_len(&e) + 16;
    if (tl->spill && tl->bytes >= tl->spill_cap)
        return spill(tl);
    return VG_OK;
}

int vg_timeline_add_key(struct vg_timeline *tl, uint64_t key, const char *timestamp,
                        const char *module, const char *plugin, const char *event,
                        const char *description)
{
    int rc;

    if (!tl)
        return VG_E_INVAL;
    pthread_mutex_lock(&tl->lock);
    rc = add_locked(tl, key, timestamp, module, plugin, event, description, NULL);
    pthread_mutex_unlock(&tl->lock);
    return rc;
}

int vg_timeline_add_tagged(struct vg_timeline *tl, uint64_t key, const char *timestamp,
                           const char *module, const char *plugin, const char *event,
                           const char *description, const char *tag)
{
    int rc;

    if (!tl)
        return VG_E_INVAL;
    pthread_mutex_lock(&tl->lock);
    rc = add_locked(tl, key, timestamp, module, plugin, event, description, tag);
    pthread_mutex_unlock(&tl->lock);
    return rc;
}

int vg_timeline_add(struct vg_timeline *tl, const char *timestamp, const char *module,
                    const char *plugin, const char *event, const char *description)
{
    int rc;

    if (!tl)
        return VG_E_INVAL;
    pthread_mutex_lock(&tl->lock);
    rc = add_locked(tl, (uint64_t)tl->total, timestamp, module, plugin, event, description, NULL);
    pthread_mutex_unlock(&tl->lock);
    return rc;
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
    ev->tag = event_tag(ev->description);
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

/* ---- merging runs and memory ---- */

struct tl_cur {
    const char *ts, *ev, *desc;
    uint32_t name;
    uint64_t seq;
};

/* One sorted source: a run file, or (f NULL) the events in memory. */
struct tl_src {
    FILE *f;
    const struct tl_run *run;
    unsigned char *buf;
    size_t cap;
    uint64_t left; /* bytes of the run not read yet */
    size_t n_left; /* its events not read yet */
    struct tl_cur cur;
};

struct vg_timeline_iter {
    const struct vg_timeline *tl;
    uint32_t *order; /* the in-memory events' order, NULL when sorted */
    size_t mem_i;
    struct tl_src *src;
    size_t n_src;
    size_t *heap; /* source indexes, smallest current event first */
    size_t n_heap;
    int pending; /* the top's event was handed out */
    /* De-duplication, as MVT drops a module's repeated events: repeats
     * share their timestamp and module, so they are neighbours in this
     * order; only the current group's fingerprints are kept. */
    char *group_ts;
    uint32_t group_name;
    struct vg_seen seen;
};

static int cur_cmp(const struct tl_cur *a, const struct tl_cur *b)
{
    int c = strcmp(a->ts, b->ts);

    if (c != 0)
        return c;
    return (a->seq > b->seq) - (a->seq < b->seq);
}

static int run_error(const struct vg_timeline_iter *it, const struct tl_src *s, int rc,
                     const char *what)
{
    vg_diag_add(vg_out_diag(it->tl->spill), VG_DIAG_ERROR, WHERE, "run file %s: %s at offset %llu",
                s->run->path, what, (unsigned long long)(s->run->size - s->left));
    return rc;
}

/* The strings must be exactly four, the first three where the offsets
 * say, the last (the tag) ending the record. */
static int strings_ok(const char *p, size_t n, uint32_t ev_off, uint32_t desc_off)
{
    const char *d_end;

    if (ev_off < 1 || desc_off <= ev_off || desc_off >= n)
        return 0;
    d_end = memchr(p + desc_off, 0, n - desc_off);
    return memchr(p, 0, n) == p + ev_off - 1 &&
           memchr(p + ev_off, 0, n - ev_off) == p + desc_off - 1 && d_end && d_end < p + n - 1 &&
           memchr(d_end + 1, 0, (size_t)(p + n - d_end - 1)) == p + n - 1;
}

static int rec_decode(const struct vg_timeline_iter *it, struct tl_src *s, size_t len)
{
    struct vg_rd r;
    uint32_t ev_off, desc_off;
    const char *p;
    size_t n = len - (TL_REC_HEAD - 4);

    vg_rd_init(&r, s->buf, len);
    s->cur.name = vg_rd_be32(&r);
    s->cur.seq = vg_rd_be64(&r);
    ev_off = vg_rd_be32(&r);
    desc_off = vg_rd_be32(&r);
    p = (const char *)vg_rd_bytes(&r, n);
    if (r.err || !p || s->cur.name >= it->tl->n_names || !strings_ok(p, n, ev_off, desc_off))
        return run_error(it, s, VG_E_CORRUPT, "malformed event");
    s->cur.ts = p;
    s->cur.ev = p + ev_off;
    s->cur.desc = p + desc_off;
    return VG_OK;
}

/* 1: s->cur is the run's next event; 0: the run is done; < 0: error. */
static int run_next(const struct vg_timeline_iter *it, struct tl_src *s)
{
    unsigned char h[4];
    struct vg_rd r;
    size_t len;

    if (s->n_left == 0)
        return s->left == 0 ? 0 : run_error(it, s, VG_E_CORRUPT, "bytes after the last event");
    if (s->left < sizeof(h) || fread(h, 1, sizeof(h), s->f) != sizeof(h))
        return run_error(it, s, VG_E_TRUNCATED, "truncated");
    s->left -= sizeof(h);
    vg_rd_init(&r, h, sizeof(h));
    len = vg_rd_be32(&r);
    if (len > s->left)
        return run_error(it, s, VG_E_TRUNCATED, "event longer than the rest of the file");
    if (len < TL_REC_HEAD - 4 + 3)
        return run_error(it, s, VG_E_CORRUPT, "event too short");
    if (len > s->cap) {
        free(s->buf);
        s->cap = 0;
        if (!(s->buf = vg_malloc(len)))
            return VG_E_NOMEM;
        s->cap = len;
    }
    if (fread(s->buf, 1, len, s->f) != len)
        return run_error(it, s, VG_E_TRUNCATED, "truncated");
    s->left -= len;
    s->n_left--;
    return rec_decode(it, s, len) == VG_OK ? 1 : VG_E_CORRUPT;
}

static int mem_next(struct vg_timeline_iter *it, struct tl_src *s)
{
    const struct tl_event *e;

    if (it->mem_i >= it->tl->n)
        return 0;
    e = &it->tl->ev[it->order ? it->order[it->mem_i] : it->mem_i];
    it->mem_i++;
    s->cur.ts = e->s;
    s->cur.ev = e->s + e->ev_off;
    s->cur.desc = e->s + e->desc_off;
    s->cur.name = e->name;
    s->cur.seq = e->seq;
    return 1;
}

static int src_next(struct vg_timeline_iter *it, struct tl_src *s)
{
    return s->f ? run_next(it, s) : mem_next(it, s);
}

static int run_open(struct vg_timeline_iter *it, struct tl_src *s)
{
    struct stat st;

    s->left = s->run->size;
    s->n_left = s->run->count;
    s->f = fopen(s->run->path, "rb");
    if (!s->f) {
        vg_diag_add(vg_out_diag(it->tl->spill), VG_DIAG_ERROR, WHERE, "cannot open run file %s: %s",
                    s->run->path, strerror(errno));
        return VG_E_IO;
    }
    if (fstat(fileno(s->f), &st) != 0 || (uint64_t)st.st_size != s->run->size)
        return run_error(it, s, VG_E_TRUNCATED, "not the size written");
    return VG_OK;
}

static int heap_less(const struct vg_timeline_iter *it, size_t a, size_t b)
{
    return cur_cmp(&it->src[it->heap[a]].cur, &it->src[it->heap[b]].cur) < 0;
}

static void heap_swap(struct vg_timeline_iter *it, size_t a, size_t b)
{
    size_t t = it->heap[a];

    it->heap[a] = it->heap[b];
    it->heap[b] = t;
}

static void heap_down(struct vg_timeline_iter *it, size_t i)
{
    size_t l, m;

    for (;;) {
        l = 2 * i + 1;
        m = i;
        if (l < it->n_heap && heap_less(it, l, m))
            m = l;
        if (l + 1 < it->n_heap && heap_less(it, l + 1, m))
            m = l + 1;
        if (m == i)
            return;
        heap_swap(it, i, m);
        i = m;
    }
}

static void heap_up(struct vg_timeline_iter *it, size_t i)
{
    while (i > 0 && heap_less(it, i, (i - 1) / 2)) {
        heap_swap(it, i, (i - 1) / 2);
        i = (i - 1) / 2;
    }
}

/* Opens every source and puts those with an event on the heap. */
static int iter_start(struct vg_timeline_iter *it)
{
    size_t i;
    int rc;

    for (i = 0; i < it->n_src; i++) {
        if (i < it->tl->n_runs) {
            it->src[i].run = &it->tl->runs[i];
            rc = run_open(it, &it->src[i]);
            if (rc != VG_OK)
                return rc;
        }
        rc = src_next(it, &it->src[i]);
        if (rc < 0)
            return rc;
        if (rc == 1) {
            it->heap[it->n_heap++] = i;
            heap_up(it, it->n_heap - 1);
        }
    }
    return VG_OK;
}

void vg_timeline_iter_free(struct vg_timeline_iter *it)
{
    size_t i;

    if (!it)
        return;
    for (i = 0; i < it->n_src; i++) {
        if (it->src[i].f)
            fclose(it->src[i].f);
        free(it->src[i].buf);
    }
    free(it->src);
    free(it->heap);
    free(it->order);
    free(it->group_ts);
    vg_seen_free(&it->seen);
    free(it);
}

int vg_timeline_iter_new(const struct vg_timeline *tl, struct vg_timeline_iter **out)
{
    struct vg_timeline_iter *it;
    int rc;

    if (tl && tl->err != VG_OK)
        return tl->err;
    it = calloc(1, sizeof(*it));
    if (!it)
        return VG_E_NOMEM;
    it->tl = tl;
    if (!tl) {
        *out = it;
        return VG_OK;
    }
    it->n_src = tl->n_runs + 1;
    it->src = vg_calloc(it->n_src, sizeof(*it->src));
    it->heap = vg_calloc(it->n_src, sizeof(*it->heap));
    rc = it->src && it->heap ? vg_timeline_order(tl, &it->order) : VG_E_NOMEM;
    if (rc == VG_OK)
        rc = iter_start(it);
    if (rc != VG_OK) {
        vg_timeline_iter_free(it);
        return rc;
    }
    *out = it;
    return VG_OK;
}

/* The heap's top is the next event; its source moves on at the next call,
 * so the strings handed out stay valid until then. */
static int iter_step(struct vg_timeline_iter *it, struct tl_cur **cur)
{
    int rc;

    if (it->pending) {
        it->pending = 0;
        rc = src_next(it, &it->src[it->heap[0]]);
        if (rc < 0)
            return rc;
        if (rc == 0)
            it->heap[0] = it->heap[--it->n_heap];
        heap_down(it, 0);
    }
    if (it->n_heap == 0)
        return 0;
    *cur = &it->src[it->heap[0]].cur;
    it->pending = 1;
    return 1;
}

/* 1 when cur repeats an event of its group already handed out. */
static int iter_repeat(struct vg_timeline_iter *it, const struct tl_cur *c)
{
    const char *parts[3] = {c->ts, c->ev, c->desc};
    int fresh;

    if (!it->group_ts || c->name != it->group_name || strcmp(c->ts, it->group_ts) != 0) {
        free(it->group_ts);
        it->group_ts = vg_strdup(c->ts);
        it->group_name = c->name;
        vg_seen_free(&it->seen);
        vg_seen_init(&it->seen);
        if (!it->group_ts)
            return VG_E_NOMEM;
    }
    fresh = vg_seen_add(&it->seen, parts, 3);
    return fresh < 0 ? fresh : !fresh;
}

int vg_timeline_iter_next(struct vg_timeline_iter *it, struct vg_timeline_event *ev)
{
    struct tl_cur *c = NULL;
    int rc;

    for (;;) {
        rc = iter_step(it, &c);
        if (rc <= 0)
            return rc;
        rc = iter_repeat(it, c);
        if (rc < 0)
            return rc;
        if (rc == 0)
            break;
    }
    ev->timestamp = c->ts;
    ev->module = it->tl->names[c->name].module;
    ev->plugin = it->tl->names[c->name].plugin;
    ev->event = c->ev;
    ev->description = c->desc;
    ev->tag = event_tag(c->desc);
    return 1;
}
