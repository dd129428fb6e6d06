/*
 * Android tombstones (debuggerd's native crash reports, /data/tombstones/
 * in a bugreport's FS/): the text form tombstone_NN and the protobuf form
 * tombstone_NN.pb. Each file gives one record, a JSON object laid out as
 * MVT's TombstoneCrashResult (MVT 2026.7.29): the same keys, in the same
 * order, with the same value types, and the values MVT's reader gives for
 * that form. The grammar, the protobuf fields read, the limits and where
 * MVT's two readers differ are in docs/formats/tombstone.md.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_FORMATS_ANDROID_TOMBSTONE_H
#define VG_FORMATS_ANDROID_TOMBSTONE_H

#include <jansson.h>

#include "util/vg.h"

/* Also gives "causes" and "abort_message" (between "cause" and "extra"),
 * the two keys MVT's main branch added after 2026.7.29. */
#define VG_TOMBSTONE_MVT_MAIN 0x1u

struct vg_tombstone_in {
    const void *data; /* the file's bytes */
    size_t len;
    const char *file_name;      /* the record's "file_name": the base name */
    const char *file_timestamp; /* its "file_timestamp" as MVT writes it (the
                                 * member's mtime, "YYYY-MM-DD HH:MM:SS.ffffff"),
                                 * NULL for "" */
    unsigned flags;             /* VG_TOMBSTONE_* */
    size_t pb_mem_cap;          /* bytes unpacking a .pb may allocate; 0 means
                                 * VG_MAX_TOMBSTONE_PB_MEM (tests set less) */
};

/* The record of a text tombstone. VG_E_LIMIT past VG_MAX_TOMBSTONE_TEXT
 * or for a needed line longer than VG_MAX_TEXT_LINE, VG_E_CORRUPT for text
 * MVT rejects (not UTF-8, a key line it cannot split, a number that is not
 * one, a required line missing); err then names the line. */
int vg_tombstone_text(const struct vg_tombstone_in *in, json_t **out, char *err,
                      size_t errcap) VG_MUST_CHECK;

/* The record of a protobuf tombstone. VG_E_LIMIT past VG_MAX_TOMBSTONE_PB
 * or when unpacking would allocate more than the cap, VG_E_CORRUPT for
 * bytes that are not a Tombstone message or values MVT rejects (a string
 * that is not UTF-8, an unknown arch, no signal_info, a timestamp that is
 * not one). */
int vg_tombstone_pb(const struct vg_tombstone_in *in, json_t **out, char *err,
                    size_t errcap) VG_MUST_CHECK;

/* 1 when MVT reads file_name as protobuf: its name ends in ".pb". */
int vg_tombstone_is_pb(const char *file_name);

/* vg_tombstone_pb or vg_tombstone_text, chosen by in->file_name. */
int vg_tombstone_parse(const struct vg_tombstone_in *in, json_t **out, char *err,
                       size_t errcap) VG_MUST_CHECK;

#endif
