/*
 * UTF-8 as RFC 3629 defines it (no overlong forms, no surrogates, nothing
 * past U+10FFFF), and its repair the way Python's
 * bytes.decode("utf-8", errors="replace") does it, so text taken from an
 * artifact reads the same in vigie's records as in MVT's.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_UTIL_UTF8_H
#define VG_UTIL_UTF8_H

#include "util/buf.h"

/* One code point from p[0..n), n >= 1; returns the bytes it used (>= 1).
 * An invalid or cut sequence gives VG_UTF8_BAD for its longest valid start
 * (Unicode's "maximal subpart"), which is what one U+FFFD replaces. */
#define VG_UTF8_BAD UINT32_MAX
size_t vg_utf8_next(const unsigned char *p, size_t n, uint32_t *cp);

/* 1 when all of p[0..n) is UTF-8. */
int vg_utf8_valid(const void *p, size_t n);

/* Appends cp as UTF-8; a surrogate or a value past U+10FFFF as U+FFFD. */
int vg_utf8_put(struct vg_buf *b, uint32_t cp) VG_MUST_CHECK;

/* Appends p[0..n) with every invalid sequence replaced by one U+FFFD. */
int vg_utf8_repair(struct vg_buf *b, const void *p, size_t n) VG_MUST_CHECK;

#endif
