/*
 * Helpers the filesystem-dump modules share (see fs_common.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <math.h>
#include <stdlib.h>

#include "modules/ios/fs_common.h"
#include "scan/checks.h"
#include "util/utf8.h"

/* ---- sorted records ---- */

int vg_sorted_add(struct vg_run *run, struct vg_sorted *s, json_t *obj)
{
    if (!obj) {
        vg_run_nomem(run);
        return VG_E_NOMEM;
    }
    if (s->n >= VG_MAX_SORTED_ROWS) {
        json_decref(obj);
        if (!s->full++)
            vg_run_log(run, VG_DIAG_WARN, "more than %u records: the rest were not read",
                       VG_MAX_SORTED_ROWS);
        return VG_OK;
    }
    if (s->n == s->cap) {
        size_t ncap = s->cap ? 2 * s->cap : 64;
        json_t **nv = vg_realloc_array(s->v, ncap, sizeof(*nv));
        if (!nv) {
            json_decref(obj);
            vg_run_nomem(run);
            return VG_E_NOMEM;
        }
        s->v = nv;
        s->cap = ncap;
    }
    s->v[s->n++] = obj;
    return VG_OK;
}

struct sort_item {
    const char *key;
    size_t seq;
    json_t *obj;
};

static int item_cmp(const void *a, const void *b)
{
    const struct sort_item *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

int vg_sorted_emit(struct vg_run *run, struct vg_sorted *s, const char *key)
{
    struct sort_item *it = vg_calloc(s->n + 1, sizeof(*it));
    size_t i;
    int rc = VG_OK;

    if (!it) {
        vg_sorted_free(s);
        vg_run_nomem(run);
        return VG_E_NOMEM;
    }
    for (i = 0; i < s->n; i++) {
        const char *k = json_string_value(json_object_get(s->v[i], key));
        it[i].key = k ? k : "";
        it[i].seq = i;
        it[i].obj = s->v[i];
    }
    if (s->n > 1)
        qsort(it, s->n, sizeof(*it), item_cmp);
    for (i = 0; i < s->n; i++) {
        if (rc == VG_OK)
            rc = vg_run_emit_json(run, it[i].obj); /* takes it */
        else
            json_decref(it[i].obj);
        s->v[it[i].seq] = NULL;
    }
    free(it);
    vg_sorted_free(s);
    return rc == VG_E_LIMIT ? VG_OK : rc;
}

void vg_sorted_free(struct vg_sorted *s)
{
    size_t i;

    for (i = 0; i < s->n; i++)
        json_decref(s->v[i]);
    free(s->v);
    memset(s, 0, sizeof(*s));
}

/* ---- Python's repr ---- */

/* Code points Python's str.isprintable() rejects beyond ASCII: Unicode's
 * categories Cc, Cf, Cs, Co, Cn, Zl, Zp and Zs but the space, for the
 * ranges text from phones meets. */
static int py_printable(uint32_t c)
{
    if (c < 0x20 || c == 0x7f)
        return 0;
    if (c < 0x7f)
        return 1;
    if (c <= 0xa0 || c == 0xad || c == 0x1680 || c == 0x180e)
        return 0;
    if ((c >= 0x2000 && c <= 0x200f) || (c >= 0x2028 && c <= 0x202f) ||
        (c >= 0x205f && c <= 0x206f) || c == 0x3000 || c == 0xfeff ||
        (c >= 0xfff0 && c <= 0xfffb) || c == 0x61c || (c >= 0x600 && c <= 0x605) || c == 0x6dd ||
        c == 0x70f || c == 0x8e2 || c == 0x110bd || c == 0x110cd)
        return 0;
    if ((c >= 0xd800 && c <= 0xf8ff) || (c >= 0xfdd0 && c <= 0xfdef) || (c & 0xfffe) == 0xfffe)
        return 0; /* surrogates, private use, noncharacters */
    if ((c >= 0x1bca0 && c <= 0x1bca3) || (c >= 0x1d173 && c <= 0x1d17a) ||
        (c >= 0xe0000 && c <= 0xe0fff) || c >= 0xf0000)
        return 0;
    return 1;
}

static int repr_str(struct vg_buf *b, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    char quote = '\'';
    size_t i = 0;
    int rc;

    if (memchr(s, '\'', n) && !memchr(s, '"', n))
        quote = '"';
    rc = vg_buf_append_char(b, quote);
    while (rc == VG_OK && i < n) {
        uint32_t c = p[i];
        size_t len = 1;
        if (c >= 0x80) {
            len = vg_utf8_next(p + i, n - i, &c);
            if (c == VG_UTF8_BAD)
                c = 0xfffd; /* as bytes.decode("utf-8", "replace") */
        }
        if (c == (uint32_t)quote || c == '\\')
            rc = vg_buf_printf(b, "\\%c", (char)c);
        else if (c == '\t')
            rc = vg_buf_append_str(b, "\\t");
        else if (c == '\n')
            rc = vg_buf_append_str(b, "\\n");
        else if (c == '\r')
            rc = vg_buf_append_str(b, "\\r");
        else if (py_printable(c) && c != 0xfffd)
            rc = vg_buf_append(b, p + i, len);
        else if (c == 0xfffd)
            rc = vg_utf8_put(b, c);
        else if (c <= 0xff)
            rc = vg_buf_printf(b, "\\x%02x", (unsigned)c);
        else if (c <= 0xffff)
            rc = vg_buf_printf(b, "\\u%04x", (unsigned)c);
        else
            rc = vg_buf_printf(b, "\\U%08x", (unsigned)c);
        i += len;
    }
    return rc == VG_OK ? vg_buf_append_char(b, quote) : rc;
}

int vg_py_repr_json(struct vg_buf *b, const json_t *v)
{
    char num[VG_PY_REAL_BUF];
    const char *k;
    const json_t *x;
    size_t i = 0;
    int rc = VG_OK;

    switch (json_typeof(v)) {
    case JSON_OBJECT:
        rc = vg_buf_append_char(b, '{');
        json_object_foreach((json_t *)v, k, x)
        {
            if (rc == VG_OK && i++)
                rc = vg_buf_append_str(b, ", ");
            if (rc == VG_OK)
                rc = repr_str(b, k, strlen(k));
            if (rc == VG_OK)
                rc = vg_buf_append_str(b, ": ");
            if (rc == VG_OK)
                rc = vg_py_repr_json(b, x);
        }
        return rc == VG_OK ? vg_buf_append_char(b, '}') : rc;
    case JSON_ARRAY:
        rc = vg_buf_append_char(b, '[');
        for (i = 0; rc == VG_OK && i < json_array_size(v); i++) {
            if (i)
                rc = vg_buf_append_str(b, ", ");
            if (rc == VG_OK)
                rc = vg_py_repr_json(b, json_array_get(v, i));
        }
        return rc == VG_OK ? vg_buf_append_char(b, ']') : rc;
    case JSON_STRING:
        return repr_str(b, json_string_value(v), json_string_length(v));
    case JSON_INTEGER:
        return vg_buf_printf(b, "%lld", (long long)json_integer_value(v));
    case JSON_REAL:
        vg_py_repr_real(json_real_value(v), num);
        return vg_buf_append_str(b, num);
    case JSON_TRUE:
        return vg_buf_append_str(b, "True");
    case JSON_FALSE:
        return vg_buf_append_str(b, "False");
    default:
        return vg_buf_append_str(b, "None");
    }
}

/* ---- times ---- */

const char *vg_val_unix_mactime_iso(const struct vg_val *v, char *buf)
{
    double t;

    buf[0] = '\0';
    if (v->t == VG_VT_INT) {
        int64_t i = v->u.i;
        if (i == 0)
            return buf;
        /* MVT keeps the first 9 digits of an 18-digit integer */
        if (i >= 100000000000000000LL && i <= 999999999999999999LL)
            i /= 1000000000LL;
        t = (double)i;
    } else if (v->t == VG_VT_REAL && isfinite(v->u.d) && v->u.d != 0) {
        t = v->u.d;
    } else {
        return buf;
    }
    if (vg_isodate_double(t, buf) != VG_OK)
        buf[0] = '\0';
    return buf;
}

/* ---- WebKit website data folders ---- */

const char *const vg_webkit_fields[3] = {"folder", "url", "isodate"};

/* Replaces every `from` in s by `to` (longer), into out. */
static void replace_all(const char *s, const char *from, const char *to, char *out)
{
    size_t fl = strlen(from), tl = strlen(to);

    while (*s) {
        if (strncmp(s, from, fl) == 0) {
            memcpy(out, to, tl);
            out += tl;
            s += fl;
        } else {
            *out++ = *s++;
        }
    }
    *out = '\0';
}

void vg_ios_webkit_origin(const char *name, char *out)
{
    size_t n = strlen(name);
    char *tmp = vg_malloc(2 * n + 1);

    if (!tmp) {
        out[0] = '\0';
        return;
    }
    /* "http_" -> "http://" at most doubles the length; "https_" cannot
     * appear in what the first pass wrote but where the name had it */
    replace_all(name, "http_", "http://", tmp);
    replace_all(tmp, "https_", "https://", out);
    free(tmp);
    out[strcspn(out, "_")] = '\0';
}

struct wk_folder {
    char *path;
    char isodate[VG_ISODATE_LEN + 1];
};

struct wk_ctx {
    struct wk_folder *v;
    size_t n, cap;
    const struct vg_schema *schema;
    size_t origins;
};

static int wk_folder_cmp(const void *a, const void *b)
{
    return strcmp(((const struct wk_folder *)a)->path, ((const struct wk_folder *)b)->path);
}

static int wk_folder(struct vg_run *run, const struct vg_file *f, void *ud)
{
    struct wk_ctx *c = ud;
    struct wk_folder *e;

    VG_UNUSED(run);
    if (!(f->flags & VG_FILE_DIR))
        return VG_OK; /* MVT lists the folder: a file there is not one */
    if (c->n >= VG_MAX_WEBKIT_ORIGINS)
        return VG_E_LIMIT;
    if (c->n == c->cap) {
        size_t ncap = c->cap ? 2 * c->cap : 16;
        struct wk_folder *nv = vg_realloc_array(c->v, ncap, sizeof(*nv));
        if (!nv)
            return VG_E_NOMEM;
        c->v = nv;
        c->cap = ncap;
    }
    e = &c->v[c->n];
    e->path = vg_strdup(f->path);
    if (!e->path)
        return VG_E_NOMEM;
    e->isodate[0] = '\0';
    if (f->st.has & VG_ST_MTIME &&
        vg_isodate_double((double)f->st.mtime + (double)f->st.mtime_ns / 1e9, e->isodate) != VG_OK)
        e->isodate[0] = '\0';
    c->n++;
    return VG_OK;
}

static int wk_child(struct vg_run *run, const struct vg_file *f, void *ud)
{
    struct wk_ctx *c = ud;
    const char *slash = strrchr(f->path, '/');
    struct wk_folder key, *parent;
    struct vg_rec *r;
    char *dir, *url;
    int rc;

    if (!slash || strncmp(slash + 1, "http", 4) != 0)
        return VG_OK;
    if (++c->origins > VG_MAX_WEBKIT_ORIGINS)
        return VG_E_LIMIT;
    dir = vg_strndup(f->path, (size_t)(slash - f->path));
    url = vg_malloc(2 * strlen(slash + 1) + 1);
    if (!dir || !url) {
        free(dir);
        free(url);
        return VG_E_NOMEM;
    }
    vg_ios_webkit_origin(slash + 1, url);
    key.path = dir;
    parent = c->n ? bsearch(&key, c->v, c->n, sizeof(*c->v), wk_folder_cmp) : NULL;
    r = vg_run_rec(run, c->schema);
    rc = r ? VG_OK : VG_E_NOMEM;
    if (r) {
        vg_rec_set_text(r, VG_WEBKIT_F_FOLDER, dir);
        vg_rec_set_text(r, VG_WEBKIT_F_URL, url);
        vg_rec_set_text(r, VG_WEBKIT_F_ISODATE, parent ? parent->isodate : "");
        rc = vg_run_emit(run, r);
    }
    free(dir);
    free(url);
    return rc;
}

int vg_ios_webkit_extract(struct vg_run *run, const struct vg_loc *folders,
                          const struct vg_loc *children)
{
    struct wk_ctx c;
    size_t i;
    int rc;

    memset(&c, 0, sizeof(c));
    rc = vg_run_schema(run, vg_webkit_fields, 3, &c.schema);
    if (rc == VG_OK)
        rc = vg_run_find(run, folders, wk_folder, &c);
    if (rc == VG_E_LIMIT)
        vg_run_log(run, VG_DIAG_WARN, "more than %u folders: the rest were not read",
                   VG_MAX_WEBKIT_ORIGINS);
    if (rc >= 0 || rc == VG_E_LIMIT || rc == VG_E_NOTFOUND) {
        if (c.n > 1)
            qsort(c.v, c.n, sizeof(*c.v), wk_folder_cmp);
        rc = c.n ? vg_run_find(run, children, wk_child, &c) : VG_OK;
        if (rc == VG_E_LIMIT)
            vg_run_log(run, VG_DIAG_WARN, "more than %u origins: the rest were not read",
                       VG_MAX_WEBKIT_ORIGINS);
    }
    for (i = 0; i < c.n; i++)
        free(c.v[i].path);
    free(c.v);
    if (rc == VG_E_LIMIT || rc == VG_E_NOTFOUND || rc > 0)
        rc = VG_OK;
    return rc;
}

void vg_ios_webkit_check(struct vg_run *run, const struct vg_rec *r)
{
    vg_check_url(run, VG_LEVEL_CRITICAL, r, vg_rec_text(r, VG_WEBKIT_F_URL), "");
}
