/*
 * What every source shares: the struct, opening by kind through the list,
 * facts, and what could not be read.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <limits.h>
#include <stdlib.h>

#include "sources/list.h"

struct src_row {
    enum vg_kind kind;
    const char *name;
    int platform;
    int (*open)(const char *path, const struct vg_source_opts *o, struct vg_diag *diag,
                struct vg_source **out);
    unsigned locs;
};

#define VG_SRC_ROW(kind, name, platform, open, locs) {kind, name, platform, open, locs},
static const struct src_row sources[] = {VG_SOURCES(VG_SRC_ROW)};
#undef VG_SRC_ROW

static const struct src_row *row_of(enum vg_kind kind)
{
    size_t i;
    for (i = 0; i < VG_ARRAY_LEN(sources); i++)
        if (sources[i].kind == kind)
            return &sources[i];
    return NULL;
}

const char *vg_kind_name(enum vg_kind kind)
{
    const struct src_row *r = row_of(kind);
    return r ? r->name : "?";
}

int vg_kind_platform(enum vg_kind kind)
{
    const struct src_row *r = row_of(kind);
    return r ? r->platform : -1;
}

unsigned vg_kind_locs(enum vg_kind kind)
{
    const struct src_row *r = row_of(kind);
    return r ? r->locs : 0;
}

int vg_source_alloc(const char *path, struct vg_source **out)
{
    struct vg_source *src = vg_calloc(1, sizeof(*src));
    char real[PATH_MAX];

    if (!src)
        return VG_E_NOMEM;
    src->path = vg_strdup(path);
    src->real = vg_strdup(realpath(path, real) ? real : path);
    src->facts = json_object();
    src->unread = json_array();
    if (!src->path || !src->real || !src->facts || !src->unread) {
        vg_source_free(src);
        return VG_E_NOMEM;
    }
    *out = src;
    return VG_OK;
}

int vg_source_alloc_nested(const struct vg_source *outer, const char *path, struct vg_source **out)
{
    struct vg_source *src = vg_calloc(1, sizeof(*src));

    if (!src)
        return VG_E_NOMEM;
    src->path = vg_strdup(path);
    src->real = vg_strdup(outer->real);
    src->facts = json_object();
    src->unread = json_array();
    if (!src->path || !src->real || !src->facts || !src->unread) {
        vg_source_free(src);
        return VG_E_NOMEM;
    }
    *out = src;
    return VG_OK;
}

#define VG_NEST_ROW(outer, inner, prefix) {outer, inner, prefix},
static const struct vg_source_nest nests[] = {VG_SOURCE_NESTS(VG_NEST_ROW){0, 0, NULL}};
#undef VG_NEST_ROW

int vg_source_nest_at(size_t i, struct vg_source_nest *out)
{
    if (i >= VG_ARRAY_LEN(nests) || !nests[i].prefix)
        return 0; /* the last row marks the end */
    *out = nests[i];
    return 1;
}

int vg_source_open(enum vg_kind kind, const char *path, const struct vg_source_opts *o,
                   struct vg_diag *diag, struct vg_source **out)
{
    const struct src_row *r = row_of(kind);
    struct vg_source *src = NULL;
    int rc;

    if (!r || !path)
        return VG_E_INVAL;
    rc = r->open(path, o, diag, &src);
    if (rc != VG_OK)
        return rc;
    src->kind_id = kind;
    *out = src;
    return VG_OK;
}

void vg_source_free(struct vg_source *src)
{
    if (!src)
        return;
    if (src->ops && src->ops->free)
        src->ops->free(src->self);
    json_decref(src->facts);
    json_decref(src->unread);
    free(src->path);
    free(src->real);
    while (src->n_more_real)
        free(src->more_real[--src->n_more_real]);
    free(src->more_real);
    free(src->notes);
    free(src->timezone);
    free(src);
}

const char *vg_source_notes(const struct vg_source *src)
{
    return src->notes;
}

int vg_source_add_path(struct vg_source *src, const char *path)
{
    char real[PATH_MAX], **v;

    v = vg_realloc_array(src->more_real, src->n_more_real + 1, sizeof(*v));
    if (!v)
        return VG_E_NOMEM;
    src->more_real = v;
    v[src->n_more_real] = vg_strdup(realpath(path, real) ? real : path);
    if (!v[src->n_more_real])
        return VG_E_NOMEM;
    src->n_more_real++;
    return VG_OK;
}

size_t vg_source_facts(const struct vg_source *src, const char **keys, const char **values,
                       size_t cap)
{
    const char *key;
    json_t *v;
    size_t n = 0;
    json_object_foreach(src->facts, key, v)
    {
        if (!json_is_string(v))
            continue;
        if (n < cap) {
            keys[n] = key;
            values[n] = json_string_value(v);
        }
        n++;
    }
    return n;
}

void vg_source_unread(struct vg_source *src, const char *what)
{
    if (json_array_append_new(src->unread, json_string(what)) != 0)
        src->nomem = 1;
}

void vg_source_fact(struct vg_source *src, const char *key, json_t *value)
{
    if (!value || json_object_set_new(src->facts, key, value) != 0)
        src->nomem = 1;
}
