/*
 * A small HTTPS server on 127.0.0.1 for the download-iocs tests: one
 * thread, one connection at a time, answers chosen per path (a file, a 404,
 * a body cut short, a redirect, or silence). Test code only.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_TESTS_HTTPS_SERVER_H
#define VG_TESTS_HTTPS_SERVER_H

#include <stddef.h>

enum https_answer {
    HTTPS_FILE,     /* 200 with body */
    HTTPS_404,      /* 404 */
    HTTPS_TRUNCATE, /* Content-Length twice the body, half sent, then closed */
    HTTPS_REDIRECT, /* 302 to body (a URL) */
    HTTPS_HANG,     /* reads the request, never answers, until the client leaves */
};

struct https_route {
    const char *path; /* "/indicators.yaml" */
    enum https_answer answer;
    const char *body;
    size_t len;
};

struct https_server;

/* Generates a self-signed certificate for 127.0.0.1 in dir (cert.pem,
 * key.pem) with the openssl command; 0 on success. */
int https_make_cert(const char *dir, const char *stem);

/* Serves routes (borrowed; the caller may change them between requests)
 * with the certificate; NULL on failure. */
struct https_server *https_server_start(const char *cert_pem, const char *key_pem,
                                        const struct https_route *routes, size_t n);
int https_server_port(const struct https_server *s);
/* Requests served so far. */
size_t https_server_requests(struct https_server *s);
void https_server_stop(struct https_server *s);

#endif
