/*
 * Internal common header: every library source includes it first.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_UTIL_VG_H
#define VG_UTIL_VG_H

/* System headers that declare banned functions come before the poison in
 * util/banned.h, so later includes of them are guarded no-ops. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vigie/vigie.h"
#include "util/limits.h"

#define VG_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define VG_UNUSED(x)    ((void)(x))

/* Checked size arithmetic: return 0 on success, non-zero on overflow. */
static inline int vg_add_overflow(size_t a, size_t b, size_t *out)
{
    return __builtin_add_overflow(a, b, out);
}
static inline int vg_mul_overflow(size_t a, size_t b, size_t *out)
{
    return __builtin_mul_overflow(a, b, out);
}

/* Allocation helpers: NULL on overflow or failure. */
void *vg_malloc(size_t n);
void *vg_calloc(size_t count, size_t size);
void *vg_realloc_array(void *p, size_t count, size_t size);
char *vg_strdup(const char *s);
char *vg_strndup(const char *s, size_t n);
/* Formats into a new string; NULL on failure. */
char *vg_asprintf(const char *fmt, ...) VG_PRINTF(1, 2);
char *vg_vasprintf(const char *fmt, va_list ap) VG_PRINTF(1, 0);
/* Bounded formatting into a fixed buffer; always NUL-terminates; returns
 * VG_E_LIMIT when truncated. */
int vg_snprintf(char *buf, size_t cap, const char *fmt, ...) VG_PRINTF(3, 4);
/* Wipes then frees (for keys, passwords, decrypted bytes). */
void vg_free_secret(void *p, size_t n);
void vg_wipe(void *p, size_t n);

/* Strings */
int vg_str_has_prefix(const char *s, const char *prefix);
int vg_str_has_suffix(const char *s, const char *suffix);
void vg_str_lower(char *s);
int vg_str_casecmp(const char *a, const char *b);
/* qsort comparator for an array of const char *. */
int vg_strcmp_ptr(const void *a, const void *b);
/* 1 when s (may be NULL) is one of list[0..n-1]: short fixed lists. */
int vg_str_in(const char *s, const char *const *list, size_t n);
/* Parses a whole decimal integer; VG_E_INVAL if not all of s is a number. */
int vg_parse_i64(const char *s, int64_t *out) VG_MUST_CHECK;
int vg_parse_u64(const char *s, uint64_t *out) VG_MUST_CHECK;
/* v in decimal into buf (VG_I64_BUF bytes, NUL-terminated); its length.
 * What snprintf's "%lld" gives, without its cost on every number written. */
#define VG_I64_BUF 21
size_t vg_fmt_i64(char *buf, int64_t v);
/* Hex encode n bytes into out (2n+1 bytes). */
void vg_hex_encode(const unsigned char *in, size_t n, char *out);
/* Hex decode; VG_E_INVAL on bad input or wrong length. */
int vg_hex_decode(const char *hex, unsigned char *out, size_t n) VG_MUST_CHECK;

/* Time: seconds (+ microseconds) since the Unix epoch to
 * "YYYY-MM-DD HH:MM:SS.ffffff" in UTC. buf must hold VG_ISODATE_LEN+1. */
#define VG_ISODATE_LEN 26
int vg_isodate(int64_t unix_seconds, int32_t micros, char *buf);
int vg_isodate_double(double unix_seconds, char *buf);
/* Milliseconds since the epoch (Android's times), floored to the second
 * before it as Python's datetime does for times before 1970. */
int vg_isodate_ms(int64_t unix_ms, char *buf);
/* The same in the machine's time zone, as Python's
 * datetime.fromtimestamp(st_mtime) gives it (MVT's times of Android
 * bugreport files): the float of seconds, its fraction rounded half-even
 * to microseconds. */
int vg_isodate_local(int64_t unix_seconds, int32_t nanos, char *buf);
/* Days from 1970-01-01 to y-m-d (proleptic Gregorian, no time zone);
 * m 1..12 and d 1..31 are the caller's to check. */
int64_t vg_days_from_civil(int64_t y, unsigned m, unsigned d);
/* Apple's Cocoa epoch (2001-01-01) offset in seconds. */
#define VG_COCOA_EPOCH 978307200
/* Cocoa seconds (possibly fractional), or nanoseconds when the value is too
 * large to be seconds (iOS 11+ sms.db), to an isodate. */
int vg_isodate_cocoa(double cocoa, char *buf);
/* Chrome's (WebKit's) times: microseconds since 1601-01-01 UTC. */
#define VG_CHROME_EPOCH_OFFSET 11644473600LL /* seconds from 1601 to 1970 */
int vg_isodate_chrome(int64_t micros, char *buf);
/* "YYYY-MM-DD HH:MM:SS[.f...]" ('T' for the space, "Z" or "+00:00" at the
 * end accepted; fraction digits past 6 ignored) to microseconds since the
 * Unix epoch, UTC. VG_E_INVAL for anything else, or a date that does not
 * exist. */
int vg_isodate_parse(const char *s, int64_t *us) VG_MUST_CHECK;
/* "now", for info.json. */
int vg_isodate_now(char *buf);

#include "util/banned.h"

#endif
