/*
 * Dictionary keys straight from a binary property list (bplist00): the
 * trailer, the offset table, dict and string objects, nothing else. For
 * keys libplist cannot hand out: it returns keys as C strings, so a key
 * holding NUL bytes is cut (and libplist 2.2 asserts on it), while such
 * keys are the evidence some checks look for. Layout and sources:
 * docs/formats/bplist.md.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_FORMATS_BPLIST_H
#define VG_FORMATS_BPLIST_H

#include "util/buf.h"
#include "util/rd.h"

struct vg_bplist {
    struct vg_rd r;     /* the whole file */
    unsigned osz, rsz;  /* offset and object reference widths in bytes */
    uint64_t nobj, top; /* object count, root object */
    uint64_t table;     /* offset table position */
};

/* Reads the trailer of p[0..len) (kept borrowed). VG_E_UNSUPPORTED when it
 * is not "bplist00", VG_E_CORRUPT when the trailer does not fit. */
int vg_bplist_open(struct vg_bplist *bp, const unsigned char *p, size_t len) VG_MUST_CHECK;

/* The entry count of dict object dict. VG_E_CORRUPT when it is not a
 * dictionary or its references do not fit. */
int vg_bplist_dict_size(const struct vg_bplist *bp, uint64_t dict, uint64_t *n) VG_MUST_CHECK;

/* The object reference of key i (values == 0) or value i (values == 1) of
 * dict object dict. */
int vg_bplist_dict_ref(const struct vg_bplist *bp, uint64_t dict, int values, uint64_t i,
                       uint64_t *ref) VG_MUST_CHECK;

/* Appends string object ref to b as UTF-8, NUL bytes kept: ASCII as it is,
 * UTF-16BE converted (an unpaired surrogate as U+FFFD). VG_E_CORRUPT when
 * it is not a string or does not fit, b's error past its cap. */
int vg_bplist_string(const struct vg_bplist *bp, uint64_t ref, struct vg_buf *b) VG_MUST_CHECK;

#endif
