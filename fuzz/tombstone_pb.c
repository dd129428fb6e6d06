/*
 * Fuzz target: the protobuf tombstone reader
 * (src/lib/formats/android/tombstone_pb.c) on any bytes, with and without
 * MVT main's extra keys. A record must have MVT's keys in MVT's order, an
 * error must come with its message.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>
#include <stdlib.h>

#include "util/vg.h"
#include "formats/android/tombstone.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const keys[] = {
    "file_name",    "file_timestamp", "build_fingerprint", "revision", "arch",
    "timestamp",    "process_uptime", "command_line",      "pid",      "tid",
    "process_name", "binary_path",    "selinux_label",     "uid",      "signal_info",
    "cause",        "causes",         "abort_message",     "extra",
};

static void check(const json_t *r, unsigned flags)
{
    size_t i = 0;
    const char *k;
    json_t *v;
    char *s;

    json_object_foreach((json_t *)r, k, v)
    {
        if (!(flags & VG_TOMBSTONE_MVT_MAIN) && i == 16)
            i = 18; /* no causes, abort_message */
        if (i >= VG_ARRAY_LEN(keys) || strcmp(k, keys[i]) != 0)
            abort();
        i++;
    }
    if (i != VG_ARRAY_LEN(keys) || !json_is_integer(json_object_get(r, "uid")) ||
        !json_is_string(json_object_get(r, "timestamp")))
        abort();
    s = json_dumps(r, JSON_COMPACT);
    if (!s)
        abort();
    free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const unsigned flags[] = {0, VG_TOMBSTONE_MVT_MAIN};
    /* a small budget, so the fuzzer also walks the out-of-memory paths */
    struct vg_tombstone_in in = {
        data, size, "tombstone_00.pb", "2024-01-01 00:00:00.000000", 0, 1024u * 1024u};
    char err[256];
    json_t *r;
    size_t i;

    for (i = 0; i < VG_ARRAY_LEN(flags); i++) {
        in.flags = flags[i];
        r = NULL;
        err[0] = '\0';
        if (vg_tombstone_pb(&in, &r, err, sizeof(err)) != VG_OK) {
            if (r || err[0] == '\0')
                abort();
            continue;
        }
        check(r, in.flags);
        json_decref(r);
    }
    return 0;
}
