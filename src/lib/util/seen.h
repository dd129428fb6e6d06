/*
 * A set of 128-bit fingerprints, to drop a module's repeated timeline
 * events (MVT de-duplicates them) without keeping the events' text twice:
 * 16 bytes per event instead of a copy of every string. Two independent
 * 64-bit hashes make a false "seen" (which would drop an event) about
 * 2^-100 likely at ten million events.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_SCAN_SEEN_H
#define VG_SCAN_SEEN_H

#include "util/vg.h"

struct vg_seen {
    uint64_t *slots; /* pairs; (0,0) is empty */
    size_t cap;      /* pairs, a power of two */
    size_t n;
};

void vg_seen_init(struct vg_seen *s);
void vg_seen_free(struct vg_seen *s);
/* Adds the fingerprint of the n_parts strings; returns 1 when it was new,
 * 0 when already there, or a negative error. */
int vg_seen_add(struct vg_seen *s, const char *const *parts, size_t n_parts);
/* The same with a fingerprint the caller computed (two independent 64-bit
 * hashes of what it identifies). */
int vg_seen_add_pair(struct vg_seen *s, uint64_t a, uint64_t b);

#endif
