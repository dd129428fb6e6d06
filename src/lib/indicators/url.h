/*
 * Hosts and URLs, for matching and for any module that needs them: the host
 * of a URL (url.c), and every URL or bare host name in free text (urlx.c).
 * Nothing here allocates; outputs go into caller buffers.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_INDICATORS_URL_H
#define VG_INDICATORS_URL_H

#include "util/vg.h"

/* What vg_url_host_n found. */
enum vg_host_kind {
    VG_HOST_NAME = 0,
    VG_HOST_IPV4,
    VG_HOST_IPV6,
};

/* The normalised host of a URL with or without a scheme
 * ("https://user:pw@WWW.Evil.COM.:443/x", "evil.com:8080/x", "//evil.com",
 * "[::1]:80", "mailto:a@evil.com") or of a bare host: ASCII lowercase,
 * percent-decoded, trailing dots removed; an IPv4 address in dotted-quad form
 * (also when written as 0x7f.1 or 2130706433, which browsers accept); an IPv6
 * address without brackets in inet_ntop form. Non-ASCII hosts are compared as
 * their UTF-8 bytes (no IDNA). Returns the host's length, VG_E_INVAL when
 * there is no valid host, or VG_E_LIMIT when it does not fit in cap (which
 * should be VG_MAX_HOST + 1). */
int vg_url_host(const char *url, char *host, size_t cap);
int vg_url_host_n(const char *url, size_t len, char *host, size_t cap, enum vg_host_kind *kind);

/* The form url:value indicators are compared in: scheme and host normalised
 * as above (IPv6 in brackets), the default port of http (80) and https (443)
 * dropped, an empty http(s) path written "/", "//" before a URL without a
 * scheme ("evil.com/x" is "//evil.com/x"), everything else byte for byte.
 * Returns the length written to out, or a negative error as above. */
int vg_url_normalise(const char *url, size_t len, char *out, size_t cap);

/* ---- free text (urlx.c) */

enum vg_text_kind {
    VG_TEXT_URL = 1, /* scheme://... */
    VG_TEXT_HOST,    /* a bare host name, possibly with a path: "evil.com/x" */
};

/* Every URL (any scheme://) and bare host name in text, left to right. A bare
 * host has a dot and ends in a plausible top-level label (two or more
 * letters, or xn--), or is a dotted-quad IPv4 address; a name followed by '@'
 * (the local part of an address) is not one. Trailing punctuation is not part
 * of a piece; a closing bracket is, when it closes one opened inside. At most
 * VG_MAX_TEXT_SCAN bytes are read. cb gets each piece (a slice of text, not
 * NUL-terminated) and returns non-zero to stop. Returns the number of pieces
 * reported. */
size_t vg_text_each_url(const char *text, size_t len,
                        int (*cb)(void *ud, const char *s, size_t n, enum vg_text_kind kind),
                        void *ud);

/* MVT's list of links (check_for_links: the regex https?://[^\s]+, case
 * insensitive, \s as Python's Unicode whitespace), for records that must
 * carry the same "links" as MVT's. Nothing is trimmed. */
size_t vg_text_each_link(const char *text, size_t len,
                         int (*cb)(void *ud, const char *s, size_t n, enum vg_text_kind kind),
                         void *ud);

#endif
