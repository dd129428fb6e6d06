/*
 * Fuzz target: hosts and URLs (vg_url_host_n, vg_url_normalise), free-text
 * extraction (vg_text_each_url, vg_text_each_link) and matches against a
 * small fixed bundle. Checks what must always hold: pieces lie inside the
 * input, hosts come out lowercase and without forbidden characters, and a
 * normalised URL normalises to itself.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>
#include <stdlib.h>

#include "util/vg.h"
#include "indicators/url.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char bundle[] =
    "{\"type\": \"bundle\", \"objects\": ["
    "{\"type\": \"malware\", \"id\": \"malware--1\", \"name\": \"Fuzz\"},"
    "{\"type\": \"indicator\", \"id\": \"indicator--1\", \"pattern\": "
    "\"[domain-name:value = 'example.org' OR ipv4-addr:value = '198.51.100.1' OR "
    "ipv6-addr:value = '2001:db8::1' OR url:value = 'http://example.com/thisisbad']\"},"
    "{\"type\": \"indicator\", \"id\": \"indicator--2\", \"pattern\": "
    "\"[process:name = 'com.apple.rapports.events'] OR [file:path = '/var/tmp/l/'] OR "
    "[file:name = 'pl.core.lock'] OR [email-addr:value = 'a@example.org']\"},"
    "{\"type\": \"relationship\", \"id\": \"relationship--1\", \"source_ref\": "
    "\"indicator--1\", \"target_ref\": \"malware--1\"}]}";

static struct vg_iocs *iocs;

struct span {
    const char *base;
    size_t len;
};

static int check_piece(void *ud, const char *s, size_t n, enum vg_text_kind kind)
{
    const struct span *in = ud;
    if (n == 0 || s < in->base || (size_t)(s - in->base) > in->len ||
        n > in->len - (size_t)(s - in->base) || (kind != VG_TEXT_URL && kind != VG_TEXT_HOST))
        abort();
    return 0;
}

static void check_host(const char *s, size_t n)
{
    char host[VG_MAX_HOST + 1];
    enum vg_host_kind kind;
    int len = vg_url_host_n(s, n, host, sizeof(host), &kind);
    int i;
    if (len < 0)
        return;
    if ((size_t)len != strlen(host) || len == 0)
        abort();
    for (i = 0; i < len; i++)
        if ((host[i] >= 'A' && host[i] <= 'Z') || host[i] == '/' || host[i] == '@' ||
            host[i] == ' ' || (kind != VG_HOST_IPV6 && host[i] == ':'))
            abort();
}

static void check_normalise(const char *s, size_t n)
{
    static char a[VG_MAX_URL + 1], b[VG_MAX_URL + 1];
    int la = vg_url_normalise(s, n, a, sizeof(a)), lb;
    if (la < 0)
        return;
    lb = vg_url_normalise(a, (size_t)la, b, sizeof(b));
    if (lb != la || memcmp(a, b, (size_t)la) != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct vg_ioc_match m;
    struct span in = {(const char *)data, size};
    char *text;

    if (!iocs &&
        (vg_iocs_new(&iocs) != VG_OK ||
         vg_iocs_load_buffer(iocs, "fuzz.stix2", bundle, sizeof(bundle) - 1, NULL) != VG_OK))
        abort();
    check_host((const char *)data, size);
    check_normalise((const char *)data, size);
    vg_text_each_url((const char *)data, size, check_piece, &in);
    vg_text_each_link((const char *)data, size, check_piece, &in);

    text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    vg_iocs_match_url(iocs, text, &m);
    vg_iocs_match_domain(iocs, text, &m);
    vg_iocs_match_process(iocs, text, &m);
    vg_iocs_match_file_path(iocs, text, &m);
    vg_iocs_match_email(iocs, text, &m);
    vg_iocs_match_text(iocs, text, NULL, NULL);
    free(text);
    return 0;
}
