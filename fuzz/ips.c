/*
 * Fuzz target: crash reports (src/lib/formats/apple/ips.c) on any bytes.
 * Checks what must always hold: a record read has its twenty keys with
 * their types, "format" is one of the three it can be, a bug_type in the
 * record is what vg_ips_bug_type reads from the same first line, and an
 * isodate is empty or of the isodate's length.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>
#include <stdlib.h>

#include "util/vg.h"
#include "formats/apple/ips.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const numbers[] = {"bug_type", "pid", "parent_pid", "termination_code",
                                      "faulting_thread"};

static int is_number_key(const char *k)
{
    size_t i;
    for (i = 0; i < VG_ARRAY_LEN(numbers); i++)
        if (strcmp(k, numbers[i]) == 0)
            return 1;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *fmt, *key;
    json_t *rec = NULL, *v;
    int64_t bt = 0;
    int has_bt;

    has_bt = vg_ips_bug_type(data, size, &bt) == VG_OK;
    if (vg_ips_parse(data, size, "fuzz", NULL, &rec) != VG_OK)
        return 0;
    if (json_object_size(rec) != 20)
        abort();
    json_object_foreach(rec, key, v)
    {
        if (is_number_key(key) ? !(json_is_integer(v) || json_is_null(v)) : !json_is_string(v))
            abort();
    }
    fmt = json_string_value(json_object_get(rec, "format"));
    if (strcmp(fmt, "json") && strcmp(fmt, "text") && strcmp(fmt, "none"))
        abort();
    v = json_object_get(rec, "bug_type");
    if (json_is_integer(v) && (!has_bt || json_integer_value(v) != bt))
        abort();
    v = json_object_get(rec, "isodate");
    if (json_string_length(v) != 0 && json_string_length(v) != VG_ISODATE_LEN)
        abort();
    json_decref(rec);
    return 0;
}
