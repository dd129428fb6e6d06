/*
 * NSKeyedArchiver resolution (written here: no Debian library does it).
 * libplist parses the binary plist; this follows the $top / $objects graph
 * of UID references into an ordinary plist tree, with bounds checks on every
 * UID, a depth cap and cycle detection (a cycle is an error, not a hang).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_FORMATS_NSKA_H
#define VG_FORMATS_NSKA_H

#include <plist/plist.h>

#include "util/vg.h"

/* Decodes the archive in data (binary or XML plist) and returns its root
 * object ($top.root, or the first $top key) resolved: NSDictionary and
 * NSArray/NSSet become plist dicts/arrays, NSString/NSData/NSDate/numbers stay
 * as they are, other classes become dicts with a "$class" string. The caller
 * frees *out with plist_free. On error, err (may be NULL) gets a one-line
 * reason with the object index. */
int vg_nska_decode(const unsigned char *data, size_t len, plist_t *out, char *err,
                   size_t errcap) VG_MUST_CHECK;

/* Parses a plist (binary or XML) with the size, depth and node caps; NULL
 * root on error. XML with a NUL byte is refused, and so is a binary plist
 * whose UTF-16 strings hold U+0000: libplist 2.2 keeps such NULs inside the
 * C string and then asserts (aborts the process) in plist_get_key_val,
 * plist_get_string_val and plist_dict_next_item. So every libplist getter is
 * safe on what this returns. */
int vg_plist_parse(const unsigned char *data, size_t len, plist_t *out) VG_MUST_CHECK;

/* The same, but UTF-16 strings with NULs are kept. Only for a caller that
 * needs those NULs and reads keys without the calls above (see
 * ios/idstatuscache.c). */
int vg_plist_parse_keep_nul(const unsigned char *data, size_t len, plist_t *out) VG_MUST_CHECK;

#endif
