/*
 * What Datausage (DataUsage.sqlite) and Netusage (netusage.sqlite) share,
 * as MVT's NetBase: which processes used the network (ZPROCESS joined with
 * ZLIVEUSAGE), process indicators, and two traces of tampering MVT looks
 * for: live-usage rows whose process row was deleted ("MANIPULATED"), and
 * gaps in the process ids (a "MISSING" placeholder record is added for
 * each, as MVT does).
 *
 * Both tampering checks relate rows, and MVT writes the records sorted by
 * first use: the rows are kept in a compact form, the checks run in one
 * pass with a sort (the kept rows by process id, the deleted ones by id),
 * the rows are sorted once by first use and then emitted. On saved records
 * (check-iocs) the module keeps only what the checks need: the last row of
 * each process id, the first of each deleted process, and the rows that
 * match an indicator (their alerts come after the tampering ones, as on a
 * fresh extraction).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <openssl/evp.h>

#include "modules/ios/common.h"
#include "modules/ios/net_base.h"

/* MVT's query. The second half lists processes with no live usage; the
 * IS NOT NULL keeps one live-usage row without a process from hiding all of
 * them (x NOT IN (..., NULL) is never true). Newer iOS has no Wi-Fi columns. */
#define USAGE_SQL(wifi)                                                                            \
    "SELECT ZPROCESS.ZFIRSTTIMESTAMP AS first_ts, ZPROCESS.ZTIMESTAMP AS ts, "                     \
    "ZPROCESS.ZPROCNAME AS proc_name, ZPROCESS.ZBUNDLENAME AS bundle_id, "                         \
    "ZPROCESS.Z_PK AS proc_id, " wifi ", ZLIVEUSAGE.ZWWANIN AS wwan_in, "                          \
    "ZLIVEUSAGE.ZWWANOUT AS wwan_out, ZLIVEUSAGE.Z_PK AS live_id, "                                \
    "ZLIVEUSAGE.ZHASPROCESS AS live_proc_id, ZLIVEUSAGE.ZTIMESTAMP AS live_ts "                    \
    "FROM ZLIVEUSAGE LEFT JOIN ZPROCESS ON ZLIVEUSAGE.ZHASPROCESS = ZPROCESS.Z_PK "                \
    "UNION SELECT ZFIRSTTIMESTAMP, ZTIMESTAMP, ZPROCNAME, ZBUNDLENAME, Z_PK, NULL, NULL, NULL, "   \
    "NULL, NULL, NULL, NULL FROM ZPROCESS WHERE Z_PK NOT IN "                                      \
    "(SELECT ZHASPROCESS FROM ZLIVEUSAGE WHERE ZHASPROCESS IS NOT NULL)"

static const char sql_wifi[] =
    USAGE_SQL("ZLIVEUSAGE.ZWIFIIN AS wifi_in, ZLIVEUSAGE.ZWIFIOUT AS wifi_out");
static const char sql_no_wifi[] = USAGE_SQL("NULL AS wifi_in, NULL AS wifi_out");

/* A deleted process (what Pegasus was seen removing), recovered: the same
 * columns, from the process with its live usage, deleted or not. */
#define RECOVERED_SQL(wifi)                                                                        \
    "SELECT ZPROCESS.ZFIRSTTIMESTAMP AS first_ts, ZPROCESS.ZTIMESTAMP AS ts, "                     \
    "ZPROCESS.ZPROCNAME AS proc_name, ZPROCESS.ZBUNDLENAME AS bundle_id, "                         \
    "ZPROCESS.Z_PK AS proc_id, " wifi ", ZLIVEUSAGE.ZWWANIN AS wwan_in, "                          \
    "ZLIVEUSAGE.ZWWANOUT AS wwan_out, ZLIVEUSAGE.Z_PK AS live_id, "                                \
    "ZLIVEUSAGE.ZHASPROCESS AS live_proc_id, ZLIVEUSAGE.ZTIMESTAMP AS live_ts "                    \
    "FROM ZPROCESS LEFT JOIN ZLIVEUSAGE ON ZLIVEUSAGE.ZHASPROCESS = ZPROCESS.Z_PK"
static const char recovered_wifi[] =
    RECOVERED_SQL("ZLIVEUSAGE.ZWIFIIN AS wifi_in, ZLIVEUSAGE.ZWIFIOUT AS wifi_out");
static const char recovered_no_wifi[] = RECOVERED_SQL("NULL AS wifi_in, NULL AS wifi_out");
static const char *const net_joined[] = {"ZLIVEUSAGE"};
static const struct vg_recover_spec net_recover = {"ZPROCESS", net_joined,
                                                   VG_ARRAY_LEN(net_joined)};

/* The record's keys are MVT's (net_base.h); the statement's columns are
 * the same but for the three times (first_ts, ts, live_ts), which become
 * isodates. */
enum {
    F_FIRST = VG_NET_F_FIRST,
    F_ISODATE = VG_NET_F_ISODATE,
    F_NAME = VG_NET_F_NAME,
    F_BUNDLE = VG_NET_F_BUNDLE,
    F_PROC_ID = VG_NET_F_PROC_ID,
    F_WIFI_IN = VG_NET_F_WIFI_IN,
    F_WIFI_OUT = VG_NET_F_WIFI_OUT,
    F_WWAN_IN = VG_NET_F_WWAN_IN,
    F_WWAN_OUT = VG_NET_F_WWAN_OUT,
    F_LIVE_ID = VG_NET_F_LIVE_ID,
    F_LIVE_PROC_ID = VG_NET_F_LIVE_PROC_ID,
    F_LIVE_ISO = VG_NET_F_LIVE_ISO,
    N_FIELDS = VG_NET_N_FIELDS
};
const char *const vg_net_fields[VG_NET_N_FIELDS] = {
    "first_isodate", "isodate", "proc_name", "bundle_id", "proc_id",      "wifi_in",
    "wifi_out",      "wwan_in", "wwan_out",  "live_id",   "live_proc_id", "live_isodate",
};

static const char manipulated_name[] = "MANIPULATED [process record deleted]";
static const char missing_prefix[] = "MISSING [follows ";

/* ---- kept rows ---- */

/* A row in a compact form: a type and 8 bytes per field, text and blobs in
 * the row's own bytes (about 120 bytes plus the strings). Shared by the
 * lists that point to it (refs). */
union du_u {
    int64_t i;
    double d;
    struct {
        uint32_t off, n;
    } s;
    json_t *j;
};

struct du_row {
    uint32_t refs;
    uint8_t t[N_FIELDS]; /* enum vg_vt */
    size_t seq;          /* arrival order: the stable sorts' tie-break */
    union du_u u[N_FIELDS];
    char bytes[];
};

static void du_get(const struct du_row *row, int f, struct vg_val *v)
{
    v->t = (enum vg_vt)row->t[f];
    switch (v->t) {
    case VG_VT_TEXT:
    case VG_VT_BLOB:
        v->u.s.p = row->bytes + row->u[f].s.off;
        v->u.s.n = row->u[f].s.n;
        break;
    case VG_VT_JSON:
        v->u.j = row->u[f].j;
        break;
    case VG_VT_REAL:
        v->u.d = row->u[f].d;
        break;
    default:
        v->u.i = row->u[f].i;
        break;
    }
}

/* The text of field f, or NULL; "" for times (vg_rec_time's rule). */
static const char *du_text(const struct du_row *row, int f)
{
    return row->t[f] == VG_VT_TEXT ? row->bytes + row->u[f].s.off : NULL;
}

static const char *du_time(const struct du_row *row, int f)
{
    const char *s = du_text(row, f);
    return s ? s : "";
}

/* A kept copy of v[0..N_FIELDS-1] (text and blobs copied, nested values
 * referenced), with one reference. */
static struct du_row *du_row_new(const struct vg_val *v, size_t seq)
{
    struct du_row *row;
    size_t bytes = 0, off = 0;
    int f;

    for (f = 0; f < N_FIELDS; f++)
        if (v[f].t == VG_VT_TEXT || v[f].t == VG_VT_BLOB) {
            if (v[f].u.s.n >= UINT32_MAX - bytes - 1)
                return NULL; /* the offsets are 32-bit: no row of DataUsage comes near */
            bytes += v[f].u.s.n + 1;
        }
    row = vg_malloc(sizeof(*row) + bytes);
    if (!row)
        return NULL;
    row->refs = 1;
    row->seq = seq;
    for (f = 0; f < N_FIELDS; f++) {
        row->t[f] = (uint8_t)v[f].t;
        switch (v[f].t) {
        case VG_VT_TEXT:
        case VG_VT_BLOB:
            if (v[f].u.s.n)
                memcpy(row->bytes + off, v[f].u.s.p, v[f].u.s.n);
            row->bytes[off + v[f].u.s.n] = '\0';
            row->u[f].s.off = (uint32_t)off;
            row->u[f].s.n = (uint32_t)v[f].u.s.n;
            off += v[f].u.s.n + 1;
            break;
        case VG_VT_JSON:
            row->u[f].j = json_incref(v[f].u.j);
            break;
        case VG_VT_REAL:
            row->u[f].d = v[f].u.d;
            break;
        default:
            row->u[f].i = v[f].u.i;
            break;
        }
    }
    return row;
}

static struct du_row *du_ref(struct du_row *row)
{
    row->refs++;
    return row;
}

static void du_unref(struct du_row *row)
{
    int f;

    if (!row || --row->refs > 0)
        return;
    for (f = 0; f < N_FIELDS; f++)
        if (row->t[f] == VG_VT_JSON)
            json_decref(row->u[f].j);
    free(row);
}

/* The row as a record of the module's own key set. */
static void du_fill(struct vg_rec *r, const struct du_row *row)
{
    struct vg_val v;
    int f;

    for (f = 0; f < N_FIELDS; f++) {
        du_get(row, f, &v);
        if (v.t == VG_VT_TEXT)
            vg_rec_set_text_ref(r, f, v.u.s.p, v.u.s.n); /* the row outlives the record */
        else
            vg_rec_set_val(r, f, &v);
    }
}

/* ---- what the checks keep ---- */

/* Process ids and the last row holding each (MVT keeps the last one). */
struct du_pid {
    int64_t id;
    struct du_row *row;
};

/* Rows whose process is gone, by the id they point to (as Python prints
 * it): the first by live use of each is reported. */
struct du_orphan {
    struct du_row *row;
    char id[VG_PY_BUF]; /* the id, when it is not the row's own text */
    int id_in_row;
};

/* A list that keeps one entry per key: appended to, and cut back to one
 * per key (a sort) whenever it doubles, so it holds at most about twice
 * the distinct keys. */
struct du_list {
    void *v;
    size_t n, cap, limit, size;
    int (*cmp)(const void *, const void *);
    size_t (*dedup)(void *v, size_t n);
};

struct du_state {
    const struct vg_schema *schema; /* the module's own key set */
    struct vg_rec rec;              /* a row of it, for alerts from kept rows */
    int have_rec;
    size_t seq;
    struct du_row **rows; /* extraction: every row, to sort */
    size_t n_rows, cap_rows;
    struct du_list pids, orphans;
    int64_t *placeholders; /* saved results: ids of the MISSING records they hold */
    size_t n_placeholders, cap_placeholders;
    struct du_row **pending; /* saved results: rows that match an indicator */
    size_t n_pending, cap_pending;
    int analyse;   /* saved results: the records have the live-usage fields */
    int decided;   /* analyse was decided on the first record */
    int finishing; /* placeholders being emitted from check_finish */
    int sorted;    /* MVT sorted the records (it does when there are ids) */
    int failed;    /* out of memory: the checks that relate rows did not run */
};

static const char *orphan_id(const struct du_orphan *o)
{
    return o->id_in_row ? du_time(o->row, F_LIVE_PROC_ID) : o->id;
}

static int seq_cmp(size_t a, size_t b)
{
    return (a > b) - (a < b);
}

static int pid_cmp(const void *a, const void *b)
{
    const struct du_pid *x = a, *y = b;

    if (x->id != y->id)
        return (x->id > y->id) - (x->id < y->id);
    return seq_cmp(x->row->seq, y->row->seq);
}

/* Keeps the last row of each id. */
static size_t pid_dedup(void *v, size_t n)
{
    struct du_pid *p = v;
    size_t i, d = 0;

    for (i = 0; i < n; i++) {
        if (d > 0 && p[d - 1].id == p[i].id) {
            du_unref(p[d - 1].row);
            p[d - 1] = p[i];
        } else {
            p[d++] = p[i];
        }
    }
    return d;
}

static int orphan_cmp(const void *a, const void *b)
{
    const struct du_orphan *x = a, *y = b;
    int c = strcmp(orphan_id(x), orphan_id(y));

    if (c == 0)
        c = strcmp(du_time(x->row, F_LIVE_ISO), du_time(y->row, F_LIVE_ISO));
    return c != 0 ? c : seq_cmp(x->row->seq, y->row->seq);
}

/* Keeps the first row of each id by live use. */
static size_t orphan_dedup(void *v, size_t n)
{
    struct du_orphan *o = v;
    size_t i, d = 0;

    for (i = 0; i < n; i++) {
        if (d > 0 && strcmp(orphan_id(&o[d - 1]), orphan_id(&o[i])) == 0)
            du_unref(o[i].row);
        else
            o[d++] = o[i];
    }
    return d;
}

static void list_compact(struct du_list *l)
{
    if (l->n > 1) {
        qsort(l->v, l->n, l->size, l->cmp);
        l->n = l->dedup(l->v, l->n);
    }
    l->limit = l->n < 512 ? 1024 : 2 * l->n;
}

/* Appends e (its row reference is taken). */
static int list_add(struct du_list *l, const void *e)
{
    if (l->n >= l->limit && l->limit)
        list_compact(l);
    if (l->n == l->cap) {
        size_t ncap = l->cap ? 2 * l->cap : 256;
        void *nv = vg_realloc_array(l->v, ncap, l->size);
        if (!nv)
            return VG_E_NOMEM;
        l->v = nv;
        l->cap = ncap;
    }
    memcpy((char *)l->v + l->n * l->size, e, l->size);
    l->n++;
    return VG_OK;
}

static int grow_ptrs(void *vp, size_t *cap, size_t n, size_t size)
{
    void **v = vp;
    size_t ncap;
    void *nv;

    if (n < *cap)
        return VG_OK;
    ncap = *cap ? 2 * *cap : 256;
    nv = vg_realloc_array(*v, ncap, size);
    if (!nv)
        return VG_E_NOMEM;
    *v = nv;
    *cap = ncap;
    return VG_OK;
}

static struct du_state *du_state(struct vg_run *run)
{
    void **slot = vg_run_state(run);
    struct du_state *st = *slot;

    if (st)
        return st;
    st = vg_calloc(1, sizeof(*st));
    if (!st)
        return NULL;
    st->pids.size = sizeof(struct du_pid);
    st->pids.cmp = pid_cmp;
    st->pids.dedup = pid_dedup;
    st->pids.limit = 1024;
    st->orphans.size = sizeof(struct du_orphan);
    st->orphans.cmp = orphan_cmp;
    st->orphans.dedup = orphan_dedup;
    st->orphans.limit = 1024;
    if (vg_run_schema(run, vg_net_fields, N_FIELDS, &st->schema) != VG_OK ||
        vg_rec_init(&st->rec, st->schema) != VG_OK) {
        free(st);
        return NULL;
    }
    st->have_rec = 1;
    *slot = st;
    return st;
}

static void du_state_free(struct vg_run *run)
{
    void **slot = vg_run_state(run);
    struct du_state *st = *slot;
    struct du_pid *p;
    struct du_orphan *o;
    size_t i;

    if (!st)
        return;
    for (i = 0; i < st->n_rows; i++)
        du_unref(st->rows[i]);
    for (i = 0, p = st->pids.v; i < st->pids.n; i++)
        du_unref(p[i].row);
    for (i = 0, o = st->orphans.v; i < st->orphans.n; i++)
        du_unref(o[i].row);
    for (i = 0; i < st->n_pending; i++)
        du_unref(st->pending[i]);
    free(st->rows);
    free(st->pids.v);
    free(st->orphans.v);
    free(st->placeholders);
    free(st->pending);
    if (st->have_rec)
        vg_rec_free(&st->rec);
    free(st);
    *slot = NULL;
}

/* ---- the tampering checks ---- */

static int is_placeholder_val(const struct vg_val *name)
{
    return name->t == VG_VT_TEXT && name->u.s.n >= sizeof(missing_prefix) - 1 &&
           memcmp(name->u.s.p, missing_prefix, sizeof(missing_prefix) - 1) == 0;
}

static int is_placeholder(const struct du_row *row)
{
    struct vg_val name;

    du_get(row, F_NAME, &name);
    return is_placeholder_val(&name);
}

/* A live-usage row whose process is gone reads, as MVT writes it, as used
 * and first used when it was live, under a name that says so. Applied to
 * the values before they are kept. */
static void mark_manipulated(struct vg_val *v)
{
    v[F_FIRST] = v[F_LIVE_ISO];
    v[F_ISODATE] = v[F_LIVE_ISO];
    v[F_NAME].t = VG_VT_TEXT;
    v[F_NAME].u.s.p = manipulated_name;
    v[F_NAME].u.s.n = sizeof(manipulated_name) - 1;
}

/* What the checks that relate rows learn from one row. */
static int learn(struct du_state *st, struct du_row *row)
{
    struct vg_val v;

    du_get(row, F_PROC_ID, &v);
    if (!vg_val_truthy(&v)) {
        struct du_orphan o;
        struct vg_val id;
        char b[VG_PY_BUF];
        memset(&o, 0, sizeof(o));
        du_get(row, F_LIVE_PROC_ID, &id);
        o.id_in_row = id.t == VG_VT_TEXT;
        if (!o.id_in_row && vg_snprintf(o.id, sizeof(o.id), "%s", vg_val_py(&id, b)) != VG_OK)
            o.id[0] = '\0';
        o.row = du_ref(row);
        if (list_add(&st->orphans, &o) != VG_OK) {
            du_unref(row);
            return VG_E_NOMEM;
        }
        return VG_OK;
    }
    if (v.t == VG_VT_INT) { /* other ids cannot form a range */
        struct du_pid p = {v.u.i, du_ref(row)};
        if (list_add(&st->pids, &p) != VG_OK) {
            du_unref(row);
            return VG_E_NOMEM;
        }
    }
    return VG_OK;
}

/* An alert on a kept row, dated by its field when. */
VG_PRINTF(6, 7)
static void row_alert(struct vg_run *run, struct du_state *st, enum vg_level level,
                      const struct du_row *row, int when, const char *fmt, ...)
{
    char msg[VG_MAX_MESSAGE];
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (rc < 0)
        msg[0] = '\0';
    du_fill(&st->rec, row);
    vg_run_alert(run, level, &st->rec, NULL, du_time(row, when), "%s", msg);
    vg_rec_reset(&st->rec);
}

static int orphan_live_cmp(const void *a, const void *b)
{
    const struct du_orphan *x = a, *y = b;
    int c = strcmp(du_time(x->row, F_LIVE_ISO), du_time(y->row, F_LIVE_ISO));
    return c != 0 ? c : seq_cmp(x->row->seq, y->row->seq);
}

/* One alert per deleted process, at its first live use, in the order of
 * live use. MVT raises a second alert per row ("... entry N/"), contrary
 * to its own comment; one per deleted process says it all. */
static void report_manipulated(struct vg_run *run, struct du_state *st)
{
    struct du_orphan *o;
    char b[VG_PY_BUF];
    struct vg_val live;
    size_t i;

    list_compact(&st->orphans);
    o = st->orphans.v;
    if (st->orphans.n > 1)
        qsort(o, st->orphans.n, sizeof(*o), orphan_live_cmp);
    for (i = 0; i < st->orphans.n; i++) {
        du_get(o[i].row, F_LIVE_ISO, &live);
        row_alert(run, st, VG_LEVEL_HIGH, o[i].row, F_LIVE_ISO,
                  "Found manipulated process entry %s. Entry on %s", orphan_id(&o[i]),
                  vg_val_py(&live, b));
    }
}

/* MVT's placeholder for a missing id: every field null but the gap's
 * facts. */
static struct du_row *missing_row(struct du_state *st, const struct du_row *prev, int64_t id)
{
    struct vg_val v[N_FIELDS];
    char b[VG_PY_BUF];
    struct du_row *row;
    char *name;
    int f;

    memset(v, 0, sizeof(v));
    for (f = 0; f < N_FIELDS; f++)
        v[f].t = VG_VT_NULL;
    du_get(prev, F_NAME, &v[F_NAME]);
    name = vg_asprintf("%s%s]", missing_prefix, vg_val_py(&v[F_NAME], b));
    if (!name)
        return NULL;
    du_get(prev, F_FIRST, &v[F_FIRST]);
    v[F_ISODATE] = v[F_FIRST];
    v[F_LIVE_ISO] = v[F_FIRST];
    v[F_NAME].t = VG_VT_TEXT;
    v[F_NAME].u.s.p = name;
    v[F_NAME].u.s.n = strlen(name);
    v[F_PROC_ID].t = VG_VT_INT;
    v[F_PROC_ID].u.i = id;
    v[F_LIVE_PROC_ID] = v[F_PROC_ID];
    row = du_row_new(v, st->seq++);
    free(name);
    return row;
}

static int has_placeholder(const struct du_state *st, int64_t id)
{
    size_t lo = 0, hi = st->n_placeholders;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (st->placeholders[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < st->n_placeholders && st->placeholders[lo] == id;
}

/* Emits row as a record of its own and drops the caller's reference;
 * NULL row (its allocation failed) is VG_E_NOMEM. */
static int emit_row(struct vg_run *run, struct du_state *st, struct du_row *row)
{
    struct vg_rec *r = row ? vg_run_rec(run, st->schema) : NULL;
    int rc;

    if (!r) {
        du_unref(row);
        return VG_E_NOMEM;
    }
    du_fill(r, row);
    rc = vg_run_emit(run, r);
    du_unref(row);
    return rc;
}

/* A placeholder joins the rows (extraction), or is emitted after the saved
 * records unless they hold it already. */
static int add_missing(struct vg_run *run, struct du_state *st, struct du_row *row)
{
    int64_t id = row->u[F_PROC_ID].i;

    if (!vg_run_rechecking(run) || vg_run_recovering(run)) {
        if (grow_ptrs(&st->rows, &st->cap_rows, st->n_rows, sizeof(*st->rows)) != VG_OK) {
            du_unref(row);
            return VG_E_NOMEM;
        }
        st->rows[st->n_rows++] = row;
        return VG_OK;
    }
    if (has_placeholder(st, id)) {
        du_unref(row);
        return VG_OK;
    }
    return emit_row(run, st, row);
}

/* Reports ids a+1 .. b-1 after prev; returns how many were reported. */
static size_t report_gap(struct vg_run *run, struct du_state *st, const struct du_row *prev,
                         int64_t a, int64_t b, size_t budget, int *rc)
{
    char b1[VG_PY_BUF], b2[VG_PY_BUF];
    struct vg_val first, name;
    struct du_row *row;
    size_t done = 0;
    int64_t m;

    du_get(prev, F_FIRST, &first);
    du_get(prev, F_NAME, &name);
    for (m = a + 1; m < b && done < budget && *rc == VG_OK; m++, done++) {
        row_alert(run, st, VG_LEVEL_LOW, prev, F_FIRST,
                  "Missing process %lld. Previous process at \"%s\" (%s)", (long long)m,
                  vg_val_py(&first, b1), vg_val_py(&name, b2));
        row = missing_row(st, prev, m);
        *rc = row ? add_missing(run, st, row) : VG_E_NOMEM;
    }
    return done;
}

/* Gaps in the process ids, each reported and filled with a placeholder
 * (up to a cap; the rest counted). */
static int report_missing(struct vg_run *run, struct du_state *st)
{
    struct du_pid *p;
    size_t i, n, budget = VG_MAX_MISSING_IDS;
    uint64_t unreported = 0;
    int rc = VG_OK;

    list_compact(&st->pids);
    p = st->pids.v;
    n = st->pids.n;
    st->sorted = n > 0;
    for (i = 0; i + 1 < n && rc == VG_OK; i++) {
        /* unsigned: the distance between two int64 ids may not fit in one */
        uint64_t gap = (uint64_t)p[i + 1].id - (uint64_t)p[i].id - 1;
        size_t done = 0;
        if (gap == 0)
            continue;
        if (budget > 0)
            done = report_gap(run, st, p[i].row, p[i].id, p[i + 1].id, budget, &rc);
        budget -= done;
        unreported += gap - done;
    }
    if (unreported && rc == VG_OK)
        vg_run_log(run, VG_DIAG_WARN,
                   "%llu more missing process ids not reported one by one (cap %u)",
                   (unsigned long long)unreported, VG_MAX_MISSING_IDS);
    return rc;
}

/* ---- process names ---- */

/* Looks a name up: an alert (on r) or just whether it matches. */
typedef int (*du_probe)(struct vg_run *run, const struct vg_rec *r, const char *name,
                        const char *when);

static int probe_alert(struct vg_run *run, const struct vg_rec *r, const char *name,
                       const char *when)
{
    return vg_check_process(run, VG_LEVEL_CRITICAL, r, name, when);
}

static int probe_match(struct vg_run *run, const struct vg_rec *r, const char *name,
                       const char *when)
{
    struct vg_ioc_match m;

    VG_UNUSED(r);
    VG_UNUSED(when);
    return name && *name && vg_iocs_match_process(vg_run_iocs(run), name, &m);
}

/* Process names are "<process>/<bundle id>" with the process cut to 16
 * bytes. The whole name is looked up as MVT does (its last path part), then
 * the process part and the bundle id on their own. */
static int check_process_names(struct vg_run *run, const struct vg_rec *r, du_probe probe)
{
    const char *name = vg_rec_text(r, F_NAME);
    const char *bundle = vg_rec_text(r, F_BUNDLE);
    const char *when = vg_rec_time(r, F_FIRST);
    const char *slash;
    char part[256];

    /* a recovered process whose cell header (its id) was overwritten is
     * still a name to check */
    if (!name || (!vg_val_truthy(vg_rec_val(r, F_PROC_ID)) && !vg_run_recovering(run)))
        return 0;
    if (probe(run, r, name, when))
        return 1;
    slash = strchr(name, '/');
    if (slash && (size_t)(slash - name) < sizeof(part)) {
        memcpy(part, name, (size_t)(slash - name));
        part[slash - name] = '\0';
        if (probe(run, r, part, when))
            return 1;
    }
    if (bundle && (!slash || strcmp(bundle, slash + 1) != 0))
        return probe(run, r, bundle, when);
    return 0;
}

/* ---- extraction ---- */

/* MVT's convert_mactime_to_iso of a column as Python's sqlite3 gave it:
 * NULL stays null, text stays text, a number becomes its isodate (or ""). */
static void mactime_val(const struct vg_val *col, struct vg_val *out, char *buf)
{
    if (col->t != VG_VT_INT && col->t != VG_VT_REAL) {
        *out = *col;
        return;
    }
    out->t = VG_VT_TEXT;
    out->u.s.p = vg_val_mactime_iso(col, buf);
    out->u.s.n = strlen(buf);
}

/* A column as the record holds it: blobs as base64 text (what the JSON
 * record holds), so checks and messages see what MVT's record shows. b64
 * (freed by the caller) backs the text. */
static int col_val(sqlite3_stmt *st, int i, struct vg_val *v, char **b64)
{
    size_t n = (size_t)sqlite3_column_bytes(st, i);
    double d;

    switch (sqlite3_column_type(st, i)) {
    case SQLITE_INTEGER:
        v->t = VG_VT_INT;
        v->u.i = sqlite3_column_int64(st, i);
        return VG_OK;
    case SQLITE_FLOAT:
        d = sqlite3_column_double(st, i);
        v->t = isfinite(d) ? VG_VT_REAL : VG_VT_NULL;
        v->u.d = d;
        return VG_OK;
    case SQLITE_TEXT:
        v->t = VG_VT_TEXT;
        v->u.s.p = (const char *)sqlite3_column_text(st, i);
        v->u.s.n = n;
        if (!v->u.s.p)
            return VG_E_NOMEM;
        return VG_OK;
    case SQLITE_BLOB:
        if (n > INT32_MAX / 2)
            return VG_E_LIMIT;
        *b64 = vg_malloc(4 * ((n + 2) / 3) + 1);
        if (!*b64)
            return VG_E_NOMEM;
        (*b64)[0] = '\0';
        if (n)
            (void)EVP_EncodeBlock((unsigned char *)*b64, sqlite3_column_blob(st, i), (int)n);
        v->t = VG_VT_TEXT;
        v->u.s.p = *b64;
        v->u.s.n = strlen(*b64);
        return VG_OK;
    default:
        v->t = VG_VT_NULL;
        return VG_OK;
    }
}

struct usage_ctx {
    struct vg_run *run;
    struct du_state *st;
    const struct vg_file *f;
    int wifi;      /* ZLIVEUSAGE has the Wi-Fi columns */
    int recovered; /* the rows are deleted ones (recover_emit) */
};

static int keep_row(struct du_state *st, struct vg_val *v)
{
    struct du_row *row;

    if (st->n_rows >= VG_MAX_SORTED_ROWS)
        return VG_E_LIMIT;
    if (!vg_val_truthy(&v[F_PROC_ID]))
        mark_manipulated(v);
    if (grow_ptrs(&st->rows, &st->cap_rows, st->n_rows, sizeof(*st->rows)) != VG_OK)
        return VG_E_NOMEM;
    row = du_row_new(v, st->seq++);
    if (!row)
        return VG_E_NOMEM;
    st->rows[st->n_rows++] = row;
    return learn(st, row);
}

/* A recovered row is not part of the tampering checks (they are about the
 * live table): it is a record of its own, checked as it is emitted. */
static int emit_recovered(struct vg_run *run, struct du_state *st, struct vg_val *v)
{
    return emit_row(run, st, du_row_new(v, st->seq++));
}

static int usage_row(void *ud, sqlite3_stmt *st)
{
    struct usage_ctx *c = ud;
    char *b64[N_FIELDS] = {NULL};
    char first[VG_ISODATE_LEN + 1], cur[VG_ISODATE_LEN + 1], live[VG_ISODATE_LEN + 1];
    struct vg_val v[N_FIELDS], t;
    int f, rc = VG_OK;

    /* the statement's columns are the fields, the times raw */
    for (f = 0; f < N_FIELDS && rc == VG_OK; f++)
        rc = col_val(st, f, &v[f], &b64[f]);
    if (rc == VG_OK) {
        /* each time on its own (MVT leaves both raw when one is missing) */
        t = v[F_FIRST];
        mactime_val(&t, &v[F_FIRST], first);
        t = v[F_ISODATE];
        mactime_val(&t, &v[F_ISODATE], cur);
        t = v[F_LIVE_ISO];
        if (vg_val_truthy(&t))
            mactime_val(&t, &v[F_LIVE_ISO], live);
        else
            v[F_LIVE_ISO] = v[F_FIRST];
        rc = c->recovered ? emit_recovered(c->run, c->st, v) : keep_row(c->st, v);
    }
    for (f = 0; f < N_FIELDS; f++)
        free(b64[f]);
    if (rc == VG_E_LIMIT)
        vg_run_log(c->run, VG_DIAG_WARN,
                   "more than %u rows: the rest were not read (a flood of rows is itself a sign "
                   "of tampering)",
                   VG_MAX_SORTED_ROWS);
    return rc;
}

/* Deleted processes: the recovery query on one recovered row at a time. */
static int recover_emit(struct vg_run *run, sqlite3 *db, void *ud)
{
    struct usage_ctx *c = ud;
    int rc;

    c->recovered = 1;
    rc = vg_db_sql_each(run, c->f, db, c->wifi ? recovered_wifi : recovered_no_wifi, usage_row, c,
                        NULL);
    c->recovered = 0;
    return rc == VG_E_NOMEM || rc == VG_E_LIMIT ? rc : VG_OK;
}

static int usage_db(struct vg_run *run, const struct vg_file *f, sqlite3 *db, void *ud)
{
    struct usage_ctx c = {run, ud, f, 0, 0};
    int rc;

    if (!vg_sqlite_has_table(db, "ZLIVEUSAGE") || !vg_sqlite_has_table(db, "ZPROCESS")) {
        vg_run_log(run, VG_DIAG_WARN, "%s has no ZLIVEUSAGE/ZPROCESS table", f->display);
        vg_run_coverage(run, VG_COV_UNREADABLE, f->display, "no ZLIVEUSAGE/ZPROCESS table");
        return VG_OK;
    }
    c.wifi = vg_sqlite_has_column(db, "ZLIVEUSAGE", "ZWIFIIN");
    rc = vg_db_sql_each(run, f, db, c.wifi ? sql_wifi : sql_no_wifi, usage_row, &c, NULL);
    if (rc == VG_E_NOMEM)
        return rc;
    if (rc == VG_OK) {
        rc = vg_run_recover(run, f, db, &net_recover, recover_emit, &c);
        if (rc == VG_E_NOMEM)
            return rc;
    }
    if (rc == VG_E_LIMIT) {
        vg_run_coverage(run, VG_COV_PARTIAL, f->display, "more than %u rows", VG_MAX_SORTED_ROWS);
    } else if (rc == VG_E_NOTFOUND) {
        vg_run_log(run, VG_DIAG_INFO, "%s: %s", f->display,
                   "table or column not in this iOS version's schema");
        vg_run_coverage(run, VG_COV_SCHEMA, f->display,
                        "table or column not in this iOS version's schema");
    } else if (rc != VG_OK) {
        vg_run_coverage(run, VG_COV_UNREADABLE, f->display, "%s", vg_strerror(rc));
        vg_run_log(run, VG_DIAG_WARN, "%s: query failed: %s", f->display, vg_strerror(rc));
    }
    return VG_OK;
}

static int first_cmp(const void *a, const void *b)
{
    const struct du_row *x = *(const struct du_row *const *)a;
    const struct du_row *y = *(const struct du_row *const *)b;
    int c = strcmp(du_time(x, F_FIRST), du_time(y, F_FIRST));
    return c != 0 ? c : seq_cmp(x->seq, y->seq);
}

/* The rows sorted by first use (when MVT sorts them), then emitted. */
static int emit_rows(struct vg_run *run, struct du_state *st)
{
    struct vg_rec *r;
    size_t i;
    int rc = VG_OK;

    if (st->sorted && st->n_rows > 1)
        qsort(st->rows, st->n_rows, sizeof(*st->rows), first_cmp);
    r = st->n_rows ? vg_run_rec(run, st->schema) : NULL;
    if (st->n_rows && !r)
        return VG_E_NOMEM;
    for (i = 0; i < st->n_rows && rc == VG_OK; i++) {
        du_fill(r, st->rows[i]);
        rc = vg_run_emit(run, r);
    }
    return rc;
}

struct net_ctx {
    struct du_state *st;
    const struct vg_net_hooks *h;
};

static int net_visit(struct vg_run *run, const struct vg_file *f, void *ud)
{
    struct net_ctx *c = ud;
    sqlite3 *db = NULL;
    int rc;

    if (vg_run_open_sqlite(run, f, &db) != VG_OK)
        return VG_OK; /* reported; the other databases still run */
    rc = usage_db(run, f, db, c->st);
    if (rc == VG_OK && c->h && c->h->db)
        rc = c->h->db(run, f, db, c->h->ud);
    vg_sqlite_close(db);
    return rc;
}

int vg_net_extract(struct vg_run *run, const struct vg_loc *locs, size_t n,
                   const struct vg_net_hooks *h)
{
    struct du_state *st = du_state(run);
    struct net_ctx c = {st, h};
    size_t i;
    int rc = VG_OK;

    if (!st)
        return VG_E_NOMEM;
    for (i = 0; i < n && rc == VG_OK; i++) {
        rc = vg_run_find(run, &locs[i], net_visit, &c);
        rc = rc < 0 && rc != VG_E_NOTFOUND ? rc : VG_OK;
    }
    if (rc == VG_OK && h && h->rows)
        rc = h->rows(run, h->ud);
    if (rc == VG_OK) {
        /* the tampering alerts first, then the records (with their process
         * alerts) in MVT's order */
        report_manipulated(run, st);
        rc = report_missing(run, st);
    }
    if (rc == VG_OK)
        rc = emit_rows(run, st);
    du_state_free(run);
    return rc;
}

int vg_net_each_row(struct vg_run *run,
                    int (*cb)(struct vg_run *run, const struct vg_rec *r, int orphan, void *ud),
                    void *ud)
{
    struct du_state *st = *vg_run_state(run);
    struct vg_val id;
    size_t i;
    int rc = VG_OK;

    for (i = 0; st && i < st->n_rows && rc == VG_OK; i++) {
        du_get(st->rows[i], F_PROC_ID, &id);
        du_fill(&st->rec, st->rows[i]);
        rc = cb(run, &st->rec, !vg_val_truthy(&id), ud);
        vg_rec_reset(&st->rec);
    }
    return rc;
}

/* ---- check ---- */

/* Saved results: the record joins what the tampering checks keep, and a
 * process match waits for them (MVT's order of alerts). */
static void recheck_one(struct vg_run *run, struct du_state *st, const struct vg_rec *r)
{
    struct vg_val v[N_FIELDS];
    struct du_row *row;
    int f, hit, rc = VG_OK;

    if (!st->decided) {
        st->decided = 1;
        /* older result files lack the live-usage fields these need */
        st->analyse = vg_rec_key(r, F_LIVE_ISO) >= 0;
    }
    if (!st->analyse) {
        check_process_names(run, r, probe_alert);
        return;
    }
    hit = check_process_names(run, r, probe_match);
    for (f = 0; f < N_FIELDS; f++)
        v[f] = *vg_rec_val(r, f);
    if (st->finishing) {
        if (!hit)
            return;
    } else if (is_placeholder_val(&v[F_NAME])) {
        /* an earlier check's placeholder: its gap is found again */
        if (v[F_PROC_ID].t == VG_VT_INT) {
            rc = grow_ptrs(&st->placeholders, &st->cap_placeholders, st->n_placeholders,
                           sizeof(*st->placeholders));
            if (rc == VG_OK)
                st->placeholders[st->n_placeholders++] = v[F_PROC_ID].u.i;
        }
        if (!hit)
            goto out;
    } else if (!vg_val_truthy(&v[F_PROC_ID])) {
        mark_manipulated(v);
    }
    row = du_row_new(v, st->seq++);
    if (!row) {
        rc = VG_E_NOMEM;
        goto out;
    }
    if (!st->finishing && !is_placeholder(row))
        rc = learn(st, row);
    if (rc == VG_OK && hit) {
        rc = grow_ptrs(&st->pending, &st->cap_pending, st->n_pending, sizeof(*st->pending));
        if (rc == VG_OK)
            st->pending[st->n_pending++] = du_ref(row);
    }
    du_unref(row);
out:
    if (rc != VG_OK)
        st->failed = 1;
}

void vg_net_check_one(struct vg_run *run, const struct vg_rec *r)
{
    struct du_state *st;

    /* a recovered record (saved in <module>_recovered.json) stays out of the
     * tampering checks, as on a fresh extraction */
    if (!vg_run_rechecking(run) || vg_run_recovering(run)) {
        check_process_names(run, r, probe_alert);
        return;
    }
    st = du_state(run);
    if (!st || st->failed) {
        check_process_names(run, r, probe_alert);
        return;
    }
    recheck_one(run, st, r);
}

static int int64_cmp(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static int pending_seq_cmp(const void *a, const void *b)
{
    const struct du_row *x = *(const struct du_row *const *)a;
    const struct du_row *y = *(const struct du_row *const *)b;
    return seq_cmp(x->seq, y->seq);
}

/* Saved results: the tampering checks, the placeholders the saved
 * records lack, then the process alerts in the records' sorted order
 * (without the checks, short of memory, in the records' order). */
void vg_net_finish(struct vg_run *run)
{
    struct du_state *st = *vg_run_state(run);
    size_t i;
    int rc = VG_OK;

    if (!st)
        return;
    if (st->failed) {
        vg_run_log(run, VG_DIAG_ERROR, "out of memory: deleted and missing processes not checked");
        rc = VG_E_NOMEM;
    } else if (st->analyse) {
        if (st->n_placeholders > 1)
            qsort(st->placeholders, st->n_placeholders, sizeof(*st->placeholders), int64_cmp);
        report_manipulated(run, st);
        st->finishing = 1;
        rc = report_missing(run, st);
    }
    if (st->n_pending > 1)
        qsort(st->pending, st->n_pending, sizeof(*st->pending),
              st->sorted ? first_cmp : pending_seq_cmp);
    for (i = 0; i < st->n_pending; i++) {
        du_fill(&st->rec, st->pending[i]);
        check_process_names(run, &st->rec, probe_alert);
        vg_rec_reset(&st->rec);
    }
    if (rc == VG_E_NOMEM)
        vg_run_nomem(run);
    du_state_free(run);
}

/* ---- timeline ---- */

/* Records from which MVT adds first and current use: real process rows. */
static int has_process_events(const struct vg_rec *r)
{
    const char *name = vg_rec_text(r, F_NAME);

    if (name && (strstr(name, "MANIPULATED") || strstr(name, "MISSING")))
        return 0;
    return !vg_rec_is_null(r, F_LIVE_PROC_ID);
}

/* Every live-usage row of a process repeats its first and current use:
 * the timeline drops a module's repeated events, as MVT does. */
void vg_net_timeline(struct vg_run *run, const struct vg_rec *r)
{
    char b1[VG_PY_BUF], b2[VG_PY_BUF], b3[VG_PY_BUF], b4[VG_PY_BUF], b5[VG_PY_BUF];
    const char *name = vg_val_py(vg_rec_val(r, F_NAME), b1);
    char *data, *usage;

    data = vg_asprintf("%s (Bundle ID: %s, ID: %s)", name, vg_val_py(vg_rec_val(r, F_BUNDLE), b2),
                       vg_val_py(vg_rec_val(r, F_PROC_ID), b3));
    usage = data ? vg_asprintf("%s WWAN IN: %s, WWAN OUT: %s", data,
                               vg_val_py(vg_rec_val(r, F_WWAN_IN), b4),
                               vg_val_py(vg_rec_val(r, F_WWAN_OUT), b5))
                 : NULL;
    if (!data || !usage) {
        vg_run_nomem(run);
        goto out;
    }
    vg_run_timeline(run, vg_rec_time(r, F_LIVE_ISO), "live_usage", usage);
    if (has_process_events(r)) {
        vg_run_timeline(run, vg_rec_time(r, F_FIRST), "first_usage", data);
        vg_run_timeline(run, vg_rec_time(r, F_ISODATE), "current_usage", data);
    }
out:
    free(data);
    free(usage);
}
