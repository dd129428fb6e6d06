/*
 * What the AndroidQF fuzz targets share: a record sink that checks every
 * record is an object whose listed keys have the listed JSON types (key
 * order included), then drops it. Aborts on anything else.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_FUZZ_AQF_FUZZ_H
#define VG_FUZZ_AQF_FUZZ_H

#include <stdint.h>
#include <stdlib.h>

#include <jansson.h>

#include "util/vg.h"
#include "formats/android/aqf.h"

/* keys: NULL-terminated pairs of key and type (a json_type, or -1 for
 * "any"); NULL keys: only "an object" is checked. */
struct aqf_fuzz {
    const char *const *keys;
    const int *types;
    size_t n;
    int ordered; /* the record has exactly these keys in this order */
};

static int aqf_fuzz_record(void *ud, json_t *rec)
{
    const struct aqf_fuzz *f = ud;
    void *it;
    size_t i = 0;

    if (!json_is_object(rec))
        abort();
    if (f->ordered) {
        if (json_object_size(rec) != f->n)
            abort();
        for (it = json_object_iter(rec); it; it = json_object_iter_next(rec, it), i++) {
            if (strcmp(json_object_iter_key(it), f->keys[i]) != 0)
                abort();
            if (f->types[i] >= 0 && (int)json_typeof(json_object_iter_value(it)) != f->types[i] &&
                !(f->types[i] == JSON_TRUE && json_is_boolean(json_object_iter_value(it))))
                abort();
        }
    }
    json_decref(rec);
    return VG_OK;
}

static void aqf_fuzz_sink(struct vg_aqf_sink *s, const char *file, struct aqf_fuzz *f)
{
    memset(s, 0, sizeof(*s));
    s->file = file;
    s->record = aqf_fuzz_record;
    s->ud = f;
}

#endif
