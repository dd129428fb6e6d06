/*
 * typedstream (NeXT/Apple NSArchiver), as far as sms.db needs it: the text
 * of an NSAttributedString in message.attributedBody. The layout, and why
 * the string can be found without decoding the whole stream, is in
 * docs/formats/typedstream.md.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_FORMATS_TYPEDSTREAM_H
#define VG_FORMATS_TYPEDSTREAM_H

#include "util/vg.h"

/* The bytes of the first NSString of the stream p[0..n): *text points into
 * p, *len bytes, UTF-8 without NUL bytes, at most VG_MAX_TEXT_SCAN.
 * VG_E_NOTFOUND when there is no NSString followed by its "+" type string,
 * VG_E_CORRUPT for an unknown length form or text that is not UTF-8 or
 * holds NUL, VG_E_TRUNCATED when the text runs past the end, VG_E_LIMIT
 * past the cap. */
int vg_typedstream_text(const unsigned char *p, size_t n, const unsigned char **text,
                        size_t *len) VG_MUST_CHECK;

#endif
