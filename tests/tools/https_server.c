/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include "https_server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

struct https_server {
    SSL_CTX *ctx;
    int lfd, port;
    int stop[2]; /* a byte written to stop[1] ends the thread */
    const struct https_route *routes;
    size_t n;
    pthread_t th;
    pthread_mutex_t mu;
    size_t requests;
};

int https_make_cert(const char *dir, const char *stem)
{
    char cmd[1024];
    snprintf(cmd, sizeof(cmd),
             "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
             "-keyout '%s/%s-key.pem' -out '%s/%s-cert.pem' -days 2 -subj /CN=127.0.0.1 "
             "-addext subjectAltName=IP:127.0.0.1,DNS:localhost >/dev/null 2>&1",
             dir, stem, dir, stem);
    return system(cmd) == 0 ? 0 : -1;
}

/* 1 when stop was asked or the peer spoke/closed, polling fd and the stop pipe. */
static int wait_either(struct https_server *s, int fd, int ms)
{
    struct pollfd p[2] = {{fd, POLLIN, 0}, {s->stop[0], POLLIN, 0}};
    int r = poll(p, 2, ms);
    if (r <= 0)
        return 0;
    if (p[1].revents)
        return 2;
    return 1;
}

static void send_all(SSL *ssl, const char *p, size_t n)
{
    while (n > 0) {
        int w = SSL_write(ssl, p, (int)n);
        if (w <= 0)
            return;
        p += w;
        n -= (size_t)w;
    }
}

static void answer(struct https_server *s, SSL *ssl, int fd, const char *path)
{
    const struct https_route *r = NULL;
    char head[512];
    size_t i;

    for (i = 0; i < s->n; i++)
        if (strcmp(s->routes[i].path, path) == 0)
            r = &s->routes[i];
    if (!r || r->answer == HTTPS_404) {
        static const char nf[] = "HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n"
                                 "Connection: close\r\n\r\nnot found";
        send_all(ssl, nf, sizeof(nf) - 1);
        return;
    }
    switch (r->answer) {
    case HTTPS_FILE:
    case HTTPS_TRUNCATE:
        snprintf(head, sizeof(head),
                 "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n",
                 r->answer == HTTPS_FILE ? r->len : r->len * 2);
        send_all(ssl, head, strlen(head));
        send_all(ssl, r->body, r->len);
        break;
    case HTTPS_REDIRECT:
        snprintf(head, sizeof(head),
                 "HTTP/1.1 302 Found\r\nLocation: %s\r\nContent-Length: 0\r\n"
                 "Connection: close\r\n\r\n",
                 r->body);
        send_all(ssl, head, strlen(head));
        break;
    case HTTPS_HANG:
        /* until the client gives up (its socket closes) or the test ends */
        for (;;) {
            char buf[256];
            int w = wait_either(s, fd, 200);
            if (w == 2 || (w == 1 && recv(fd, buf, sizeof(buf), 0) <= 0))
                break; /* what the client sends now (its TLS close) is dropped */
        }
        break;
    default:
        break;
    }
}

static void serve(struct https_server *s, int fd)
{
    SSL *ssl = SSL_new(s->ctx);
    char req[8192], path[1024];
    size_t got = 0;
    struct timeval tv = {5, 0};

    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    if (!ssl)
        return;
    SSL_set_fd(ssl, fd);
    if (SSL_accept(ssl) != 1)
        goto out;
    while (got < sizeof(req) - 1) {
        int r = SSL_read(ssl, req + got, (int)(sizeof(req) - 1 - got));
        if (r <= 0)
            goto out;
        got += (size_t)r;
        req[got] = '\0';
        if (strstr(req, "\r\n\r\n"))
            break;
    }
    if (strncmp(req, "GET ", 4) != 0 || sscanf(req + 4, "%1023s", path) != 1)
        goto out;
    pthread_mutex_lock(&s->mu);
    s->requests++;
    pthread_mutex_unlock(&s->mu);
    answer(s, ssl, fd, path);
    SSL_shutdown(ssl);
out:
    SSL_free(ssl);
}

static void *loop(void *ud)
{
    struct https_server *s = ud;

    for (;;) {
        int fd;
        if (wait_either(s, s->lfd, -1) != 1)
            break;
        fd = accept(s->lfd, NULL, NULL);
        if (fd < 0)
            continue;
        serve(s, fd);
        close(fd);
    }
    return NULL;
}

struct https_server *https_server_start(const char *cert_pem, const char *key_pem,
                                        const struct https_route *routes, size_t n)
{
    struct https_server *s = calloc(1, sizeof(*s));
    struct sockaddr_in a;
    socklen_t al = sizeof(a);

    if (!s)
        return NULL;
    /* a client that hangs up mid-answer (a download refused as too large)
     * must cost the server's write an EPIPE, not the test process its life */
    signal(SIGPIPE, SIG_IGN);
    s->routes = routes;
    s->n = n;
    s->lfd = -1;
    pthread_mutex_init(&s->mu, NULL);
    s->ctx = SSL_CTX_new(TLS_server_method());
    if (!s->ctx || SSL_CTX_use_certificate_file(s->ctx, cert_pem, SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_use_PrivateKey_file(s->ctx, key_pem, SSL_FILETYPE_PEM) != 1)
        goto fail;
    s->lfd = socket(AF_INET, SOCK_STREAM, 0);
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (s->lfd < 0 || bind(s->lfd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
        listen(s->lfd, 8) != 0 || getsockname(s->lfd, (struct sockaddr *)&a, &al) != 0 ||
        pipe(s->stop) != 0)
        goto fail;
    s->port = ntohs(a.sin_port);
    if (pthread_create(&s->th, NULL, loop, s) != 0)
        goto fail;
    return s;
fail:
    ERR_print_errors_fp(stderr);
    if (s->lfd >= 0)
        close(s->lfd);
    SSL_CTX_free(s->ctx);
    free(s);
    return NULL;
}

int https_server_port(const struct https_server *s)
{
    return s->port;
}

size_t https_server_requests(struct https_server *s)
{
    size_t n;
    pthread_mutex_lock(&s->mu);
    n = s->requests;
    pthread_mutex_unlock(&s->mu);
    return n;
}

void https_server_stop(struct https_server *s)
{
    if (!s)
        return;
    if (write(s->stop[1], "x", 1) != 1)
        perror("https_server_stop");
    pthread_join(s->th, NULL);
    close(s->lfd);
    close(s->stop[0]);
    close(s->stop[1]);
    SSL_CTX_free(s->ctx);
    pthread_mutex_destroy(&s->mu);
    free(s);
}
