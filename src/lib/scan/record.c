/*
 * Typed records (see record.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <math.h>
#include <stdio.h>

#include <openssl/evp.h>

#include "output/json.h"
#include "scan/record.h"
#include "util/pyfmt.h"

/* ---- the arena: bytes a row owns, in chunks freed together ---- */

#define ARENA_CHUNK 4096u

struct arena_chunk {
    struct arena_chunk *next;
    size_t used, cap;
    unsigned char data[];
};

struct vg_arena {
    struct arena_chunk *head;
    struct arena_chunk *spare; /* one chunk kept across resets */
};

static void *arena_alloc(struct vg_arena *a, size_t n)
{
    struct arena_chunk *c = a->head;
    size_t need = (n + 15u) & ~(size_t)15u, cap;

    if (need < n)
        return NULL;
    if (c && c->cap - c->used >= need) {
        void *p = c->data + c->used;
        c->used += need;
        return p;
    }
    if (a->spare && a->spare->cap >= need) {
        c = a->spare;
        a->spare = NULL;
    } else {
        cap = need > ARENA_CHUNK ? need : ARENA_CHUNK;
        if (cap > SIZE_MAX - sizeof(*c))
            return NULL;
        c = vg_malloc(sizeof(*c) + cap);
        if (!c)
            return NULL;
        c->cap = cap;
    }
    c->used = need;
    c->next = a->head;
    a->head = c;
    return c->data;
}

static void arena_reset(struct vg_arena *a)
{
    struct arena_chunk *c = a->head, *next;

    while (c) {
        next = c->next;
        if (!a->spare && c->cap == ARENA_CHUNK) {
            c->next = NULL;
            a->spare = c;
        } else {
            free(c);
        }
        c = next;
    }
    a->head = NULL;
}

static void arena_free(struct vg_arena *a)
{
    if (!a)
        return;
    arena_reset(a);
    free(a->spare);
    free(a);
}

/* ---- schemas ---- */

void vg_schema_free(struct vg_schema *s)
{
    size_t i;

    if (!s)
        return;
    for (i = 0; i < s->n; i++) {
        free(s->names[i]);
        free(s->json_keys[i]);
    }
    free(s->names);
    free(s->json_keys);
    free(s->json_klen);
    free(s->map);
    free(s);
}

int vg_schema_find(const struct vg_schema *s, const char *name)
{
    size_t i;

    for (i = 0; i < s->n; i++)
        if (strcmp(s->names[i], name) == 0)
            return (int)i;
    return -1;
}

/* "\n        \"name\": " as the writer prints a key at record level. */
static int schema_json_key(struct vg_schema *s, size_t i)
{
    struct vg_buf b;
    struct vg_sink sink = {NULL, &b, VG_OK, 0, NULL, 0};

    vg_buf_init(&b, VG_MAX_MESSAGE);
    vg_sink_put(&sink, "\n        ", 9);
    vg_json_emit_str(&sink, s->names[i], strlen(s->names[i]));
    vg_sink_put(&sink, ": ", 2);
    if (sink.err != VG_OK) {
        vg_buf_free(&b);
        return sink.err;
    }
    s->json_klen[i] = b.len;
    s->json_keys[i] = vg_buf_take(&b);
    return s->json_keys[i] ? VG_OK : VG_E_NOMEM;
}

static int schema_add(struct vg_schema *s, const char *name)
{
    if (!name || vg_schema_find(s, name) >= 0)
        return VG_OK;
    s->names[s->n] = vg_strdup(name);
    if (!s->names[s->n])
        return VG_E_NOMEM;
    s->n++;
    return schema_json_key(s, s->n - 1);
}

int vg_schema_new(const char *const *names, size_t n, const char *const *fields, size_t n_fields,
                  struct vg_schema **out)
{
    struct vg_schema *s = vg_calloc(1, sizeof(*s));
    size_t i;
    int rc = s ? VG_OK : VG_E_NOMEM;

    if (rc == VG_OK) {
        s->names = vg_calloc(n + 1, sizeof(*s->names));
        s->json_keys = vg_calloc(n + 1, sizeof(*s->json_keys));
        s->json_klen = vg_calloc(n + 1, sizeof(*s->json_klen));
        s->map = vg_calloc(n_fields + 1, sizeof(*s->map));
        if (!s->names || !s->json_keys || !s->json_klen || !s->map)
            rc = VG_E_NOMEM;
    }
    for (i = 0; rc == VG_OK && i < n; i++)
        rc = schema_add(s, names[i]);
    if (rc != VG_OK) {
        vg_schema_free(s);
        return rc;
    }
    s->fields = fields;
    s->n_fields = n_fields;
    for (i = 0; i < n_fields; i++)
        s->map[i] = vg_schema_find(s, fields[i]);
    *out = s;
    return VG_OK;
}

/* ---- rows ---- */

static const struct vg_val null_val = {VG_VT_NULL, {0}};

int vg_rec_init(struct vg_rec *r, const struct vg_schema *s)
{
    memset(r, 0, sizeof(*r));
    r->schema = s;
    r->v = vg_calloc(s->n + 1, sizeof(*r->v));
    r->arena = vg_calloc(1, sizeof(*r->arena));
    if (!r->v || !r->arena) {
        vg_rec_free(r);
        return VG_E_NOMEM;
    }
    return VG_OK;
}

void vg_rec_reset(struct vg_rec *r)
{
    size_t i;

    for (i = 0; r->v && i < r->schema->n; i++) {
        if (r->v[i].t == VG_VT_JSON)
            json_decref(r->v[i].u.j);
        r->v[i].t = VG_VT_NULL;
    }
    if (r->arena)
        arena_reset(r->arena);
    r->failed = 0;
    r->provenance = NULL;
}

void vg_rec_free(struct vg_rec *r)
{
    if (!r)
        return;
    if (r->v)
        vg_rec_reset(r);
    free(r->v);
    arena_free(r->arena);
    r->v = NULL;
    r->arena = NULL;
}

const struct vg_val *vg_rec_val(const struct vg_rec *r, int f)
{
    int k = vg_rec_key(r, f);
    return k >= 0 ? &r->v[k] : &null_val;
}

const char *vg_rec_text(const struct vg_rec *r, int f)
{
    const struct vg_val *v = vg_rec_val(r, f);
    return v->t == VG_VT_TEXT ? v->u.s.p : NULL;
}

const char *vg_rec_time(const struct vg_rec *r, int f)
{
    const char *s = vg_rec_text(r, f);
    return s ? s : "";
}

int vg_rec_int(const struct vg_rec *r, int f, int64_t *out)
{
    const struct vg_val *v = vg_rec_val(r, f);

    if (v->t != VG_VT_INT)
        return 0;
    *out = v->u.i;
    return 1;
}

int vg_rec_num(const struct vg_rec *r, int f, double *out)
{
    const struct vg_val *v = vg_rec_val(r, f);

    if (v->t == VG_VT_INT)
        *out = (double)v->u.i;
    else if (v->t == VG_VT_REAL)
        *out = v->u.d;
    else
        return 0;
    return 1;
}

const json_t *vg_rec_json(const struct vg_rec *r, int f)
{
    const struct vg_val *v = vg_rec_val(r, f);
    return v->t == VG_VT_JSON ? v->u.j : NULL;
}

int vg_rec_is_null(const struct vg_rec *r, int f)
{
    return vg_rec_val(r, f)->t == VG_VT_NULL;
}

void *vg_rec_alloc(struct vg_rec *r, size_t n)
{
    void *p = arena_alloc(r->arena, n ? n : 1);
    if (!p)
        r->failed = 1;
    return p;
}

char *vg_rec_strdup(struct vg_rec *r, const char *s, size_t n)
{
    char *p;

    if (n == SIZE_MAX)
        return NULL;
    p = vg_rec_alloc(r, n + 1);
    if (!p)
        return NULL;
    if (n)
        memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *vg_rec_printf(struct vg_rec *r, const char *fmt, ...)
{
    va_list ap;
    char *tmp, *p;

    va_start(ap, fmt);
    tmp = vg_vasprintf(fmt, ap);
    va_end(ap);
    if (!tmp) {
        r->failed = 1;
        return NULL;
    }
    p = vg_rec_strdup(r, tmp, strlen(tmp));
    free(tmp);
    return p;
}

/* The slot of field f, with what it held dropped; NULL when absent. */
static struct vg_val *slot(struct vg_rec *r, int f)
{
    int k = vg_rec_key(r, f);
    struct vg_val *v;

    if (k < 0)
        return NULL;
    v = &r->v[k];
    if (v->t == VG_VT_JSON)
        json_decref(v->u.j);
    v->t = VG_VT_NULL;
    return v;
}

void vg_rec_set_null(struct vg_rec *r, int f)
{
    (void)slot(r, f);
}

void vg_rec_set_absent(struct vg_rec *r, int f)
{
    struct vg_val *v = slot(r, f);
    if (v)
        v->t = VG_VT_ABSENT;
}

void vg_rec_set_int(struct vg_rec *r, int f, int64_t i)
{
    struct vg_val *v = slot(r, f);
    if (v) {
        v->t = VG_VT_INT;
        v->u.i = i;
    }
}

void vg_rec_set_real(struct vg_rec *r, int f, double d)
{
    struct vg_val *v = slot(r, f);
    if (v && isfinite(d)) {
        v->t = VG_VT_REAL;
        v->u.d = d;
    }
}

void vg_rec_set_bool(struct vg_rec *r, int f, int b)
{
    struct vg_val *v = slot(r, f);
    if (v) {
        v->t = VG_VT_BOOL;
        v->u.i = b != 0;
    }
}

void vg_rec_set_text_ref(struct vg_rec *r, int f, const char *s, size_t n)
{
    struct vg_val *v = slot(r, f);
    if (v && s) {
        v->t = VG_VT_TEXT;
        v->u.s.p = s;
        v->u.s.n = n;
    }
}

void vg_rec_set_textn(struct vg_rec *r, int f, const char *s, size_t n)
{
    char *p;

    if (vg_rec_key(r, f) < 0)
        return;
    if (!s) {
        vg_rec_set_null(r, f);
        return;
    }
    p = vg_rec_strdup(r, s, n);
    if (p)
        vg_rec_set_text_ref(r, f, p, n);
}

void vg_rec_set_text(struct vg_rec *r, int f, const char *s)
{
    vg_rec_set_textn(r, f, s, s ? strlen(s) : 0);
}

void vg_rec_set_json(struct vg_rec *r, int f, json_t *j)
{
    struct vg_val *v = slot(r, f);

    if (!j) {
        r->failed = 1;
        return;
    }
    if (!v) {
        json_decref(j);
        return;
    }
    v->t = VG_VT_JSON;
    v->u.j = j;
}

void vg_rec_put(struct vg_rec *r, int key, const struct vg_val *src)
{
    struct vg_val *v;

    if (key < 0 || (size_t)key >= r->schema->n)
        return;
    v = &r->v[key];
    if (v->t == VG_VT_JSON)
        json_decref(v->u.j);
    *v = *src;
    if (v->t == VG_VT_JSON)
        json_incref(v->u.j);
    if (v->t == VG_VT_TEXT || v->t == VG_VT_BLOB) {
        char *p = vg_rec_strdup(r, src->u.s.p, src->u.s.n);
        v->u.s.p = p;
        if (!p)
            v->t = VG_VT_NULL;
    }
}

void vg_rec_set_val(struct vg_rec *r, int f, const struct vg_val *v)
{
    vg_rec_put(r, vg_rec_key(r, f), v);
}

void vg_rec_from_stmt(struct vg_rec *r, sqlite3_stmt *st, const int *col_key, int blob_as_text)
{
    int i, n = sqlite3_column_count(st);

    for (i = 0; i < n; i++) {
        struct vg_val *v;
        int type = sqlite3_column_type(st, i);
        if (col_key[i] < 0)
            continue;
        v = &r->v[col_key[i]];
        if (v->t == VG_VT_JSON)
            json_decref(v->u.j);
        v->t = VG_VT_NULL;
        /* with blob_as_text, the text of the blob's bytes */
        switch (type == SQLITE_BLOB && blob_as_text ? SQLITE_TEXT : type) {
        case SQLITE_INTEGER:
            v->t = VG_VT_INT;
            v->u.i = sqlite3_column_int64(st, i);
            break;
        case SQLITE_FLOAT:
            v->u.d = sqlite3_column_double(st, i);
            if (isfinite(v->u.d))
                v->t = VG_VT_REAL;
            break;
        case SQLITE_BLOB:
            v->u.s.p = sqlite3_column_blob(st, i);
            v->u.s.n = (size_t)sqlite3_column_bytes(st, i);
            v->t = VG_VT_BLOB;
            if (!v->u.s.p)
                v->u.s.p = "";
            break;
        case SQLITE_TEXT:
            v->u.s.p = (const char *)sqlite3_column_text(st, i);
            v->u.s.n = (size_t)sqlite3_column_bytes(st, i);
            if (v->u.s.p)
                v->t = VG_VT_TEXT;
            else if (sqlite3_errcode(sqlite3_db_handle(st)) == SQLITE_NOMEM)
                r->failed = 1; /* and stays so for the other columns */
            break;
        default:
            break;
        }
    }
}

/* ---- JSON at the edges ---- */

static json_t *blob_json(const struct vg_val *v)
{
    size_t cap;
    unsigned char *out;
    json_t *j;

    if (v->u.s.n > (size_t)INT32_MAX / 2)
        return NULL;
    cap = 4 * ((v->u.s.n + 2) / 3) + 1;
    out = vg_malloc(cap);
    if (!out)
        return NULL;
    out[0] = '\0';
    if (v->u.s.n)
        (void)EVP_EncodeBlock(out, (const unsigned char *)v->u.s.p, (int)v->u.s.n);
    j = json_string((const char *)out);
    free(out);
    return j;
}

/* Text with invalid UTF-8 replaced as Python's decode("utf-8", "replace"). */
static json_t *text_json(const struct vg_val *v)
{
    json_t *j = json_stringn(v->u.s.p, v->u.s.n);
    struct vg_buf b;
    struct vg_sink s = {NULL, &b, VG_OK, 0, NULL, 0};

    if (j)
        return j;
    vg_buf_init(&b, SIZE_MAX / 4);
    vg_sink_utf8(&s, v->u.s.p, v->u.s.n);
    if (s.err == VG_OK)
        j = json_stringn(b.data ? b.data : "", b.len);
    vg_buf_free(&b);
    return j;
}

static json_t *val_json(const struct vg_val *v)
{
    switch (v->t) {
    case VG_VT_BOOL:
        return json_boolean(v->u.i);
    case VG_VT_INT:
        return json_integer((json_int_t)v->u.i);
    case VG_VT_REAL:
        return json_real(v->u.d);
    case VG_VT_TEXT:
        return text_json(v);
    case VG_VT_BLOB:
        return blob_json(v);
    case VG_VT_JSON:
        return json_incref(v->u.j);
    case VG_VT_NULL:
    default:
        return json_null();
    }
}

json_t *vg_rec_to_json(const struct vg_rec *r)
{
    json_t *o = json_object();
    size_t i;

    for (i = 0; o && i < r->schema->n; i++) {
        json_t *v;
        if (r->v[i].t == VG_VT_ABSENT)
            continue;
        v = val_json(&r->v[i]);
        if (!v || json_object_set_new(o, r->schema->names[i], v) != 0) {
            json_decref(o);
            o = NULL;
        }
    }
    return o;
}

void vg_val_from_json(struct vg_val *v, const json_t *j)
{
    if (!j) {
        v->t = VG_VT_NULL;
        return;
    }
    switch (json_typeof(j)) {
    case JSON_STRING:
        v->t = VG_VT_TEXT;
        v->u.s.p = json_string_value(j);
        v->u.s.n = json_string_length(j);
        break;
    case JSON_INTEGER:
        v->t = VG_VT_INT;
        v->u.i = (int64_t)json_integer_value(j);
        break;
    case JSON_REAL:
        v->t = VG_VT_REAL;
        v->u.d = json_real_value(j);
        break;
    case JSON_TRUE:
    case JSON_FALSE:
        v->t = VG_VT_BOOL;
        v->u.i = json_is_true(j);
        break;
    case JSON_OBJECT:
    case JSON_ARRAY:
        v->t = VG_VT_JSON;
        v->u.j = (json_t *)j;
        break;
    case JSON_NULL:
    default:
        v->t = VG_VT_NULL;
        break;
    }
}

void vg_rec_from_json(struct vg_rec *r, const json_t *obj)
{
    const char *key;
    json_t *val;

    json_object_foreach((json_t *)obj, key, val)
    {
        int k = vg_schema_find(r->schema, key);
        struct vg_val v;
        if (k < 0)
            continue;
        vg_val_from_json(&v, val);
        if (r->v[k].t == VG_VT_JSON)
            json_decref(r->v[k].u.j);
        if (v.t == VG_VT_JSON)
            json_incref(v.u.j);
        r->v[k] = v;
    }
}

/* ---- writing ---- */

static void write_blob(struct vg_sink *s, const struct vg_val *v)
{
    unsigned char out[4 * 768 / 3 + 1];
    size_t off = 0, k;

    vg_sink_put(s, "\"", 1);
    while (off < v->u.s.n && !s->err) {
        k = v->u.s.n - off < 768 ? v->u.s.n - off : 768;
        (void)EVP_EncodeBlock(out, (const unsigned char *)v->u.s.p + off, (int)k);
        vg_sink_puts(s, (const char *)out);
        off += k;
    }
    vg_sink_put(s, "\"", 1);
}

static void write_val(struct vg_sink *s, const struct vg_val *v)
{
    char num[VG_PY_REAL_BUF];

    switch (v->t) {
    case VG_VT_BOOL:
        vg_sink_puts(s, v->u.i ? "true" : "false");
        break;
    case VG_VT_INT:
        vg_sink_put(s, num, vg_fmt_i64(num, v->u.i));
        break;
    case VG_VT_REAL:
        vg_py_repr_real(v->u.d, num);
        vg_sink_puts(s, num);
        break;
    case VG_VT_TEXT:
        vg_json_emit_str(s, v->u.s.p, v->u.s.n);
        break;
    case VG_VT_BLOB:
        write_blob(s, v);
        break;
    case VG_VT_JSON:
        if (vg_json_emit(s, v->u.j, 2) != VG_OK && !s->err)
            s->err = VG_E_LIMIT;
        break;
    case VG_VT_NULL:
    default:
        vg_sink_put(s, "null", 4);
        break;
    }
}

void vg_rec_write_json(struct vg_sink *s, const struct vg_rec *r)
{
    size_t i, written = 0;

    for (i = 0; i < r->schema->n && !s->err; i++) {
        if (r->v[i].t == VG_VT_ABSENT)
            continue;
        vg_sink_put(s, written++ ? "," : "{", 1);
        vg_sink_put(s, r->schema->json_keys[i], r->schema->json_klen[i]);
        write_val(s, &r->v[i]);
    }
    vg_sink_put(s, written ? "\n    }" : "{}", written ? 6 : 2);
}
