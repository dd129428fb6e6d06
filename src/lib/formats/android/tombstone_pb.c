/*
 * Protobuf tombstones (tombstone_NN.pb), unpacked by libprotobuf-c with
 * code protoc-c generates from tombstone.proto, into the record MVT's
 * TombstoneCrashArtifact.parse_protobuf makes of them (betterproto2's
 * to_dict with default values, then its pydantic model). Unpacking goes
 * through an allocator with a byte budget, so a small hostile file cannot
 * make protobuf-c allocate without end.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <protobuf-c/protobuf-c.h>

#include "formats/android/tombstone.pb-c.h"
#include "formats/android/tombstone_int.h"
#include "util/utf8.h"

/* ---- the bounded allocator ---- */

/* Counts every byte handed out, freed or not: the cap bounds the peak and
 * is simpler to reason about than live bytes. */
struct tp_budget {
    size_t used, cap;
    int over;
};

static void *tp_alloc(void *data, size_t n)
{
    struct tp_budget *b = data;

    if (n > b->cap - b->used) {
        b->over = 1;
        return NULL;
    }
    b->used += n;
    return malloc(n ? n : 1);
}

static void tp_free(void *data, void *p)
{
    (void)data;
    free(p);
}

/* ---- checks ---- */

struct tp {
    const struct vg_tombstone_in *in;
    const VgAosp__Tombstone *m;
    struct ts_rec r;
    char *err;
    size_t errcap;
};

static const char *tp_name(const struct tp *t)
{
    return t->in->file_name ? t->in->file_name : "";
}

static int tp_fail(struct tp *t, int rc, const char *what, const char *field)
{
    return ts_fail(t->err, t->errcap, rc, "tombstone %s: %s%s", tp_name(t), what, field);
}

static struct vg_str tp_str(ProtobufCBinaryData b)
{
    struct vg_str s = {b.len ? (const char *)b.data : "", b.len};
    return s;
}

/* betterproto2 decodes every string it knows as UTF-8 and fails the file
 * on the first that is not; these are the ones tombstone.proto declares. */
static int tp_utf8(struct tp *t, ProtobufCBinaryData b, const char *field)
{
    if (b.len && !vg_utf8_valid(b.data, b.len))
        return tp_fail(t, VG_E_CORRUPT, "string is not UTF-8: ", field);
    return VG_OK;
}

static int tp_frames_utf8(struct tp *t, VgAosp__BacktraceFrame **f, size_t n)
{
    size_t i;
    int rc = VG_OK;

    for (i = 0; i < n && rc == VG_OK; i++)
        if ((rc = tp_utf8(t, f[i]->function_name, "BacktraceFrame.function_name")) == VG_OK &&
            (rc = tp_utf8(t, f[i]->file_name, "BacktraceFrame.file_name")) == VG_OK)
            rc = tp_utf8(t, f[i]->build_id, "BacktraceFrame.build_id");
    return rc;
}

static int tp_cause_utf8(struct tp *t, const VgAosp__Cause *c)
{
    const VgAosp__HeapObject *h;
    int rc = tp_utf8(t, c->human_readable, "Cause.human_readable");

    if (rc != VG_OK || !c->memory_error || !c->memory_error->heap)
        return rc;
    h = c->memory_error->heap;
    if ((rc = tp_frames_utf8(t, h->allocation_backtrace, h->n_allocation_backtrace)) != VG_OK)
        return rc;
    return tp_frames_utf8(t, h->deallocation_backtrace, h->n_deallocation_backtrace);
}

static int tp_check_utf8(struct tp *t)
{
    const VgAosp__Tombstone *m = t->m;
    size_t i;
    int rc;

    if ((rc = tp_utf8(t, m->build_fingerprint, "build_fingerprint")) != VG_OK ||
        (rc = tp_utf8(t, m->revision, "revision")) != VG_OK ||
        (rc = tp_utf8(t, m->timestamp, "timestamp")) != VG_OK ||
        (rc = tp_utf8(t, m->selinux_label, "selinux_label")) != VG_OK ||
        (rc = tp_utf8(t, m->abort_message, "abort_message")) != VG_OK)
        return rc;
    for (i = 0; i < m->n_command_line; i++)
        if ((rc = tp_utf8(t, m->command_line[i], "command_line")) != VG_OK)
            return rc;
    if (m->signal_info &&
        ((rc = tp_utf8(t, m->signal_info->name, "Signal.name")) != VG_OK ||
         (rc = tp_utf8(t, m->signal_info->code_name, "Signal.code_name")) != VG_OK))
        return rc;
    for (i = 0; i < m->n_causes; i++)
        if ((rc = tp_cause_utf8(t, m->causes[i])) != VG_OK)
            return rc;
    for (i = 0; i < m->n_threads; i++)
        if (m->threads[i]->value &&
            (rc = tp_utf8(t, m->threads[i]->value->name, "Thread.name")) != VG_OK)
            return rc;
    return VG_OK;
}

/* ---- values ---- */

static const char *const tp_arch[] = {"ARM32", "ARM64", "X86", "X86_64", "RISCV64", "NONE"};
static const char *const tp_tool[] = {"GWP_ASAN", "SCUDO"};
static const char *const tp_type[] = {"UNKNOWN",      "USE_AFTER_FREE",  "DOUBLE_FREE",
                                      "INVALID_FREE", "BUFFER_OVERFLOW", "BUFFER_UNDERFLOW"};

/* An enum as betterproto2's to_dict gives it: its name, or the number
 * when the value has none. */
static json_t *tp_enum(int v, const char *const *names, size_t n)
{
    if (v >= 0 && (size_t)v < n)
        return json_string(names[v]);
    return json_integer(v);
}

/* proto3 JSON writes 64-bit integers as decimal strings. */
static json_t *tp_u64(uint64_t v)
{
    char buf[24];

    return vg_snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v) == VG_OK ? json_string(buf)
                                                                                 : NULL;
}

struct tp_ent {
    uint32_t key;
    size_t idx;
};

static int tp_ent_cmp(const void *a, const void *b)
{
    const struct tp_ent *x = a, *y = b;

    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* MVT's _proccess_name_from_thread over the threads map as Python builds
 * it: one item per key, at its first entry's place, holding its last
 * entry's value. The first item whose thread id is the tid and whose name
 * is not empty names the process, else "Unknown". */
static int tp_process_name(struct tp *t, struct vg_str *out)
{
    const VgAosp__Tombstone *m = t->m;
    const VgAosp__Thread *v, *best = NULL;
    struct tp_ent *e;
    size_t i, g, n = m->n_threads, at = SIZE_MAX;

    *out = VG_STR_LIT("Unknown");
    if (n == 0)
        return VG_OK;
    if (!(e = vg_calloc(n, sizeof(*e))))
        return VG_E_NOMEM;
    for (i = 0; i < n; i++) {
        e[i].key = m->threads[i]->key;
        e[i].idx = i;
    }
    qsort(e, n, sizeof(*e), tp_ent_cmp);
    for (g = 0; g < n; g = i) {
        for (i = g; i < n && e[i].key == e[g].key; i++)
            ;
        v = m->threads[e[i - 1].idx]->value;
        if (v && (int64_t)v->id == (int64_t)m->tid && v->name.len && e[g].idx < at) {
            at = e[g].idx;
            best = v;
        }
    }
    free(e);
    if (best)
        *out = tp_str(best->name);
    return VG_OK;
}

/* ---- MVT main's "causes" ---- */

static json_t *tp_frames(VgAosp__BacktraceFrame **f, size_t n)
{
    json_t *a = json_array(), *o;
    size_t i;

    for (i = 0; a && i < n; i++) {
        o = json_object();
        if (!o || ts_put(o, "rel_pc", tp_u64(f[i]->rel_pc)) || ts_put(o, "pc", tp_u64(f[i]->pc)) ||
            ts_put(o, "sp", tp_u64(f[i]->sp)) ||
            ts_put(o, "function_name", ts_json_str(tp_str(f[i]->function_name))) ||
            ts_put(o, "function_offset", tp_u64(f[i]->function_offset)) ||
            ts_put(o, "file_name", ts_json_str(tp_str(f[i]->file_name))) ||
            ts_put(o, "file_map_offset", tp_u64(f[i]->file_map_offset)) ||
            ts_put(o, "build_id", ts_json_str(tp_str(f[i]->build_id))) ||
            json_array_append_new(a, o)) {
            json_decref(o);
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

static json_t *tp_heap(const VgAosp__HeapObject *h)
{
    json_t *o;

    if (!h)
        return json_null();
    o = json_object();
    if (!o || ts_put(o, "address", tp_u64(h->address)) || ts_put(o, "size", tp_u64(h->size)) ||
        ts_put(o, "allocation_tid", tp_u64(h->allocation_tid)) ||
        ts_put(o, "allocation_backtrace",
               tp_frames(h->allocation_backtrace, h->n_allocation_backtrace)) ||
        ts_put(o, "deallocation_tid", tp_u64(h->deallocation_tid)) ||
        ts_put(o, "deallocation_backtrace",
               tp_frames(h->deallocation_backtrace, h->n_deallocation_backtrace))) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *tp_memory_error(const VgAosp__MemoryError *e)
{
    json_t *o;

    if (!e)
        return json_null();
    o = json_object();
    if (!o || ts_put(o, "tool", tp_enum(e->tool, tp_tool, VG_ARRAY_LEN(tp_tool))) ||
        ts_put(o, "type", tp_enum(e->type, tp_type, VG_ARRAY_LEN(tp_type))) ||
        ts_put(o, "heap", tp_heap(e->heap))) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *tp_causes(const VgAosp__Tombstone *m)
{
    json_t *a = json_array(), *o;
    size_t i;

    for (i = 0; a && i < m->n_causes; i++) {
        o = json_object();
        if (!o || ts_put(o, "human_readable", ts_json_str(tp_str(m->causes[i]->human_readable))) ||
            ts_put(o, "memory_error", tp_memory_error(m->causes[i]->memory_error)) ||
            json_array_append_new(a, o)) {
            json_decref(o);
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

/* ---- the record ---- */

static json_t *tp_command_line(const VgAosp__Tombstone *m)
{
    json_t *a = json_array();
    size_t i;

    for (i = 0; a && i < m->n_command_line; i++)
        if (json_array_append_new(a, ts_json_str(tp_str(m->command_line[i]))) != 0) {
            json_decref(a);
            return NULL;
        }
    return a;
}

/* In the order MVT fails: the timestamp is read before the model checks
 * arch and signal_info. */
static int tp_fill(struct tp *t)
{
    const VgAosp__Tombstone *m = t->m;
    struct ts_rec *r = &t->r;
    int rc;

    if (!ts_time(tp_str(m->timestamp), r->timestamp))
        return tp_fail(t, VG_E_CORRUPT, "timestamp is not YYYY-MM-DD HH:MM:SS[.f][zone]", "");
    if ((rc = tp_process_name(t, &r->process_name)) != VG_OK)
        return rc;
    if (m->arch < 0 || (size_t)m->arch >= VG_ARRAY_LEN(tp_arch))
        return tp_fail(t, VG_E_CORRUPT, "arch is not a known Architecture", "");
    if (!m->signal_info)
        return tp_fail(t, VG_E_CORRUPT, "no signal_info", "");
    r->arch = vg_str_of(tp_arch[m->arch]);
    r->build_fingerprint = tp_str(m->build_fingerprint);
    r->revision = tp_str(m->revision);
    r->has_uptime = 1;
    r->uptime = m->process_uptime;
    r->pid = m->pid;
    r->tid = m->tid;
    r->uid = m->uid;
    r->selinux_label = tp_str(m->selinux_label);
    r->sig_code = m->signal_info->code;
    r->sig_code_name = tp_str(m->signal_info->code_name);
    r->sig_name = tp_str(m->signal_info->name);
    r->sig_number = m->signal_info->number;
    r->abort_message = tp_str(m->abort_message);
    if (!(r->command_line = tp_command_line(m)))
        return VG_E_NOMEM;
    if ((t->in->flags & VG_TOMBSTONE_MVT_MAIN) && !(r->causes = tp_causes(m)))
        return VG_E_NOMEM;
    return VG_OK;
}

static int tp_unpack(struct tp *t, struct tp_budget *b, ProtobufCAllocator *a,
                     VgAosp__Tombstone **m)
{
    const struct vg_tombstone_in *in = t->in;

    if (in->len > VG_MAX_TOMBSTONE_PB)
        return ts_fail(t->err, t->errcap, VG_E_LIMIT, "tombstone %s: %zu bytes, more than %u",
                       tp_name(t), in->len, VG_MAX_TOMBSTONE_PB);
    b->cap = in->pb_mem_cap ? in->pb_mem_cap : VG_MAX_TOMBSTONE_PB_MEM;
    a->alloc = tp_alloc;
    a->free = tp_free;
    a->allocator_data = b;
    *m = vg_aosp__tombstone__unpack(a, in->len, in->data);
    if (*m)
        return VG_OK;
    if (b->over)
        return ts_fail(t->err, t->errcap, VG_E_LIMIT,
                       "tombstone %s: unpacking %zu bytes needs more than %zu bytes of memory",
                       tp_name(t), in->len, b->cap);
    return ts_fail(t->err, t->errcap, VG_E_CORRUPT,
                   "tombstone %s: %zu bytes are not a Tombstone protobuf message", tp_name(t),
                   in->len);
}

int vg_tombstone_pb(const struct vg_tombstone_in *in, json_t **out, char *err, size_t errcap)
{
    struct tp_budget b = {0, 0, 0};
    ProtobufCAllocator a;
    VgAosp__Tombstone *m = NULL;
    struct tp t;
    int rc;

    memset(&t, 0, sizeof(t));
    t.in = in;
    t.err = err;
    t.errcap = errcap;
    ts_rec_init(&t.r);
    if ((rc = tp_unpack(&t, &b, &a, &m)) != VG_OK)
        return rc;
    t.m = m;
    if ((rc = tp_check_utf8(&t)) == VG_OK && (rc = tp_fill(&t)) == VG_OK)
        rc = ts_rec_json(&t.r, in, out); /* borrows strings from m */
    ts_rec_clear(&t.r);
    vg_aosp__tombstone__free_unpacked(m, &a);
    return rc;
}
