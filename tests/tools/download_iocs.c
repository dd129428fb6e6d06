/*
 * download-iocs, offline: the index reader and the file names on inline
 * text, then whole downloads from a local HTTPS server (tests/tools/
 * https_server.c) with certificates made at test time: success, a refused
 * certificate, a server that never answers, 404, a body cut short, a file
 * that is not STIX2, a size cap, plain HTTP and a redirect to it, and index
 * entries that point outside the folder. Every failure leaves the earlier
 * file as it was. Also the age of the installed indicators.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "util/vg.h"
#include "fixture.h"
#include "https_server.h"
#include "tools/download_iocs.h"
#include "util/buf.h"
#include "../indicators/bundle.h"

static struct vg_diag *new_diag(void)
{
    struct vg_diag *d = NULL;
    assert_int_equal(vg_diag_new(NULL, NULL, &d), VG_OK);
    return d;
}

/* Some diagnostic of that level mentions part. */
static void diag_has(const struct vg_diag *d, enum vg_diag_level lv, const char *part)
{
    size_t i;
    for (i = 0; i < vg_diag_size(d); i++) {
        const struct vg_diag_entry *e = vg_diag_get(d, i);
        if (e->level == lv && strstr(e->message, part))
            return;
    }
    for (i = 0; i < vg_diag_size(d); i++)
        fprintf(stderr, "diag: %s\n", vg_diag_get(d, i)->message);
    fail_msg("no diagnostic mentions \"%s\"", part);
}

/* ---- the index */

static const char index_text[] =
    "indicators:\n"
    "  -\n"
    "    type: github\n"
    "    name: NSO Group Pegasus Indicators of Compromise\n"
    "    sources:\n"
    "      - Amnesty International\n"
    "    github:\n"
    "      owner: AmnestyTech\n"
    "      repo: investigations\n"
    "      branch: master\n"
    "      path: 2021-07-18_nso/pegasus.stix2\n"
    "\n"
    "  - type: github # a comment, and flow style below\n"
    "    name: \"Quoted: name\"\n"
    "    github: {owner: mvt-project, repo: mvt-indicators, path: 'candiru/candiru.stix2'}\n"
    "  - type: download\n"
    "    name: &n Direct\n"
    "    download_url: https://example.org/iocs/direct.stix2?x=1\n"
    "  - just a string\n";

static void test_index_parse(void **state)
{
    struct vg_dl_index x;
    struct vg_diag *d = new_diag();
    char *url = NULL, *name = NULL;
    const char *why;
    (void)state;

    assert_int_equal(vg_dl_index_parse(index_text, strlen(index_text), d, &x), VG_OK);
    assert_int_equal(x.n, 4);
    assert_string_equal(x.e[0].name, "NSO Group Pegasus Indicators of Compromise");
    assert_string_equal(x.e[0].path, "2021-07-18_nso/pegasus.stix2");
    assert_string_equal(x.e[1].name, "Quoted: name");
    assert_null(x.e[1].branch);
    assert_null(x.e[3].type);
    assert_int_equal(vg_dl_entry_target(&x.e[0], &url, &name, &why), VG_OK);
    assert_string_equal(url, "https://raw.githubusercontent.com/AmnestyTech/investigations/master/"
                             "2021-07-18_nso/pegasus.stix2");
    assert_string_equal(name, "2021-07-18_nso__pegasus.stix2");
    free(url);
    free(name);
    assert_int_equal(vg_dl_entry_target(&x.e[1], &url, &name, &why), VG_OK);
    assert_string_equal(url, "https://raw.githubusercontent.com/mvt-project/mvt-indicators/main/"
                             "candiru/candiru.stix2");
    assert_string_equal(name, "candiru__candiru.stix2");
    free(url);
    free(name);
    assert_int_equal(vg_dl_entry_target(&x.e[2], &url, &name, &why), VG_OK);
    assert_string_equal(name, "direct.stix2");
    free(url);
    free(name);
    assert_int_equal(vg_dl_entry_target(&x.e[3], &url, &name, &why), VG_E_INVAL);
    assert_non_null(why);
    vg_dl_index_free(&x);

    /* not an index */
    assert_int_equal(vg_dl_index_parse("a: [1, 2", 8, d, &x), VG_E_CORRUPT);
    diag_has(d, VG_DIAG_ERROR, "not valid YAML");
    assert_int_equal(vg_dl_index_parse("- a\n- b\n", 8, d, &x), VG_E_CORRUPT);
    diag_has(d, VG_DIAG_ERROR, "no \"indicators\" list");
    assert_int_equal(vg_dl_index_parse("", 0, d, &x), VG_E_CORRUPT);
    assert_int_equal(vg_dl_index_parse("indicators: 3\n", 14, d, &x), VG_E_CORRUPT);
    /* aliases are references, never expanded */
    {
        const char *bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n"
                           "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                           "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
                           "indicators: [*c, *c, *c]\n";
        assert_int_equal(vg_dl_index_parse(bomb, strlen(bomb), d, &x), VG_OK);
        assert_int_equal(x.n, 3);
        vg_dl_index_free(&x);
    }
    vg_diag_free(d);
}

static int target(const char *type, const char *owner, const char *repo, const char *branch,
                  const char *path, const char *url_in, char **name)
{
    struct vg_dl_entry e = {NULL,           (char *)type, (char *)owner, (char *)repo,
                            (char *)branch, (char *)path, (char *)url_in};
    char *url = NULL;
    const char *why = NULL;
    int rc;

    *name = NULL;
    rc = vg_dl_entry_target(&e, &url, name, &why);
    if (rc == VG_OK)
        assert_null(why);
    else
        assert_non_null(why);
    free(url);
    return rc;
}

static void test_entry_names(void **state)
{
    static const char *const bad_paths[] = {
        "../x.stix2", "/etc/x.stix2",  "a/../../x.stix2",
        "a//b.stix2", "a/./b.stix2",   "a\\b.stix2",
        "x.txt",      "a/b c.stix2",   "",
        "a/",         ".hidden.stix2", "a/%2e%2e/x.stix2",
    };
    static const char *const bad_urls[] = {
        "http://example.org/x.stix2",  "file:///etc/x.stix2",
        "https://example.org",         "https://example.org/",
        "https://example.org/..",      "https://example.org/a b.stix2",
        "https://example.org/x.exe",   "https://example.org/%2e%2e%2fx.stix2",
        "HTTPS://example.org/x.stix2",
    };
    char *name;
    size_t i;
    (void)state;

    for (i = 0; i < VG_ARRAY_LEN(bad_paths); i++) {
        assert_int_equal(target("github", "o", "r", NULL, bad_paths[i], NULL, &name), VG_E_INVAL);
        assert_null(name);
    }
    for (i = 0; i < VG_ARRAY_LEN(bad_urls); i++)
        assert_int_equal(target("download", NULL, NULL, NULL, NULL, bad_urls[i], &name),
                         VG_E_INVAL);
    assert_int_equal(target("github", "../o", "r", NULL, "x.stix2", NULL, &name), VG_E_INVAL);
    assert_int_equal(target("github", "o", "r/x", NULL, "x.stix2", NULL, &name), VG_E_INVAL);
    assert_int_equal(target("github", "o", "r", "..", "x.stix2", NULL, &name), VG_E_INVAL);
    assert_int_equal(target("github", "o", "r", NULL, NULL, NULL, &name), VG_E_INVAL);
    assert_int_equal(target("github", "o", "r", "dev", "A/b-c_d.JSON", NULL, &name), VG_OK);
    assert_string_equal(name, "A__b-c_d.JSON");
    free(name);
    assert_int_equal(
        target(NULL, NULL, NULL, NULL, NULL, "https://h.example:8443/d/x.stix2#f", &name), VG_OK);
    assert_string_equal(name, "x.stix2");
    free(name);
}

/* ---- their age */

static void test_updated(void **state)
{
    char *dir = vgfix_tmpdir("iocs-age"), *p;
    struct timeval tv[2] = {{1600000000, 0}, {1600000000, 0}};
    int64_t when = 0;
    (void)state;

    assert_int_equal(vg_iocs_updated(dir, &when), VG_E_NOTFOUND);
    /* no record: the files' times */
    p = vg_asprintf("%s/a.stix2", dir);
    assert_int_equal(vgfix_write_file(p, "{}", 2), 0);
    assert_int_equal(utimes(p, tv), 0);
    free(p);
    p = vg_asprintf("%s/notes.txt", dir);
    assert_int_equal(vgfix_write_file(p, "x", 1), 0); /* not an indicator file: ignored */
    free(p);
    assert_int_equal(vg_iocs_updated(dir, &when), VG_OK);
    assert_int_equal(when, 1600000000);
    /* the record wins, its newest date */
    p = vg_asprintf("%s/" VG_DL_SOURCES, dir);
    {
        const char *rec = "{\"index\": \"https://x\", \"files\": {"
                          "\"a.stix2\": {\"downloaded\": \"2024-01-02 03:04:05.000000\"},"
                          "\"b.stix2\": {\"downloaded\": \"2024-02-01 00:00:00.500000\"},"
                          "\"c.stix2\": {\"downloaded\": \"not a date\"}}}";
        assert_int_equal(vgfix_write_file(p, rec, strlen(rec)), 0);
    }
    free(p);
    assert_int_equal(vg_iocs_updated(dir, &when), VG_OK);
    assert_int_equal(when, 1706745600);
    assert_int_equal(vg_iocs_updated("/nonexistent/vigie", &when), VG_E_NOTFOUND);
    assert_int_equal(vg_iocs_updated(dir, NULL), VG_E_INVAL);
    assert_int_equal(vgfix_rmtree(dir), 0);
    free(dir);
}

/* ---- downloads from a local server */

enum { R_INDEX, R_A, R_B, R_404, R_TRUNC, R_HANG, R_HTML, R_REDIR, N_ROUTES };

struct net {
    char *dir, *good_cert, *good_key, *other_cert;
    struct https_server *srv;
    struct https_route routes[N_ROUTES];
    char *bundle_a, *bundle_b, *redirect_to, *index;
    char *dest;
};

static int net_setup(void **state)
{
    static const char *const pa[] = {"[domain-name:value = 'a.example']"};
    static const char *const pb[] = {"[process:name = 'bh']", "[domain-name:value = 'b.example']"};
    struct net *n = calloc(1, sizeof(*n));

    if (!n || !(n->dir = vgfix_tmpdir("dl")) || https_make_cert(n->dir, "good") != 0 ||
        https_make_cert(n->dir, "other") != 0) {
        fprintf(stderr, "cannot make test certificates (is the openssl command installed?)\n");
        return -1;
    }
    n->good_cert = vg_asprintf("%s/good-cert.pem", n->dir);
    n->good_key = vg_asprintf("%s/good-key.pem", n->dir);
    n->other_cert = vg_asprintf("%s/other-cert.pem", n->dir);
    n->bundle_a = tb_bundle("a", "DemoA", pa, 1);
    n->bundle_b = tb_bundle("b", "DemoB", pb, 2);
    n->routes[R_INDEX] = (struct https_route){"/indicators.yaml", HTTPS_FILE, "", 0};
    n->routes[R_A] = (struct https_route){"/a.stix2", HTTPS_FILE, n->bundle_a, strlen(n->bundle_a)};
    n->routes[R_B] =
        (struct https_route){"/sub/b.json", HTTPS_FILE, n->bundle_b, strlen(n->bundle_b)};
    n->routes[R_404] = (struct https_route){"/gone.stix2", HTTPS_404, "", 0};
    n->routes[R_TRUNC] =
        (struct https_route){"/cut.stix2", HTTPS_TRUNCATE, n->bundle_a, strlen(n->bundle_a)};
    n->routes[R_HANG] = (struct https_route){"/hang.stix2", HTTPS_HANG, "", 0};
    n->routes[R_HTML] = (struct https_route){"/html.stix2", HTTPS_FILE, "<html>no</html>", 15};
    n->routes[R_REDIR] = (struct https_route){"/redir.stix2", HTTPS_REDIRECT, "", 0};
    n->srv = https_server_start(n->good_cert, n->good_key, n->routes, N_ROUTES);
    if (!n->srv)
        return -1;
    n->redirect_to = vg_asprintf("http://127.0.0.1:%d/a.stix2", https_server_port(n->srv));
    n->routes[R_REDIR].body = n->redirect_to;
    *state = n;
    return 0;
}

static int net_teardown(void **state)
{
    struct net *n = *state;
    https_server_stop(n->srv);
    (void)vgfix_rmtree(n->dir);
    free(n->dir);
    free(n->good_cert);
    free(n->good_key);
    free(n->other_cert);
    free(n->bundle_a);
    free(n->bundle_b);
    free(n->redirect_to);
    free(n->index);
    free(n->dest);
    free(n);
    return 0;
}

/* The index served next: one download_url entry per path given. */
static void serve_index(struct net *n, const char *const *paths, size_t k)
{
    struct vg_buf b;
    size_t i;

    vg_buf_init(&b, 1 << 20);
    assert_int_equal(vg_buf_append_str(&b, "indicators:\n"), VG_OK);
    for (i = 0; i < k; i++) {
        if (paths[i][0] == '!') /* a github entry, given as its path */
            assert_int_equal(vg_buf_printf(&b,
                                           "  - type: github\n    name: entry %zu\n"
                                           "    github: {owner: o, repo: r, path: '%s'}\n",
                                           i, paths[i] + 1),
                             VG_OK);
        else
            assert_int_equal(vg_buf_printf(&b,
                                           "  - type: download\n    name: entry %zu\n"
                                           "    download_url: https://127.0.0.1:%d%s\n",
                                           i, https_server_port(n->srv), paths[i]),
                             VG_OK);
    }
    free(n->index);
    n->index = vg_buf_take(&b);
    n->routes[R_INDEX].body = n->index;
    n->routes[R_INDEX].len = strlen(n->index);
}

static char *index_url(const struct net *n)
{
    return vg_asprintf("https://127.0.0.1:%d/indicators.yaml", https_server_port(n->srv));
}

/* A fresh destination holding an earlier copy of a.stix2 and cut.stix2. */
static void fresh_dest(struct net *n)
{
    static int serial;
    char *p;
    if (n->dest) {
        assert_int_equal(vgfix_rmtree(n->dest), 0);
        free(n->dest);
    }
    n->dest = vg_asprintf("%s/indicators-%d", n->dir, ++serial);
    assert_int_equal(mkdir(n->dest, 0700), 0);
    p = vg_asprintf("%s/%s", n->dest, "cut.stix2");
    assert_int_equal(vgfix_write_file(p, "old copy", 8), 0);
    free(p);
}

static char *read_dest(const struct net *n, const char *name)
{
    char *p = vg_asprintf("%s/%s", n->dest, name), *t;
    size_t len;
    t = vgfix_read_file(p, &len);
    free(p);
    return t;
}

/* No temporary file left in the destination. */
static void assert_no_temp(const struct net *n)
{
    DIR *d = opendir(n->dest);
    struct dirent *e;
    assert_non_null(d);
    while ((e = readdir(d)) != NULL)
        assert_false(e->d_name[0] == '.' && strcmp(e->d_name, ".") != 0 &&
                     strcmp(e->d_name, "..") != 0 && strcmp(e->d_name, VG_DL_SOURCES) != 0);
    closedir(d);
}

static int run(struct net *n, const char *ca, long timeout, uint64_t max, struct vg_diag *d,
               struct vg_download_summary *sum)
{
    struct vg_download_opts o;
    char *url = index_url(n);
    int rc;

    memset(&o, 0, sizeof(o));
    o.index_url = url;
    o.dest = n->dest;
    o.ca_file = ca;
    o.connect_timeout = 5;
    o.timeout = timeout;
    o.max_bytes = max;
    rc = vg_download_iocs(&o, d, sum);
    free(url);
    return rc;
}

static void sha_hex(const char *text, char out[65])
{
    unsigned char md[32];
    unsigned int len = 0;
    assert_int_equal(EVP_Digest(text, strlen(text), md, &len, EVP_sha256(), NULL), 1);
    vg_hex_encode(md, 32, out);
}

static void test_download_success(void **state)
{
    static const char *const paths[] = {"/a.stix2", "/sub/b.json"};
    struct net *n = *state;
    struct vg_download_summary sum;
    struct vg_diag *d = new_diag();
    struct vg_iocs *x = NULL;
    json_t *rec;
    char *a, *b, *p, hex[65];

    fresh_dest(n);
    serve_index(n, paths, 2);
    assert_int_equal(run(n, n->good_cert, 10, 0, d, &sum), VG_OK);
    assert_int_equal(sum.listed, 2);
    assert_int_equal(sum.downloaded, 2);
    assert_int_equal(sum.failed + sum.refused, 0);
    a = read_dest(n, "a.stix2");
    b = read_dest(n, "b.json");
    assert_non_null(a);
    assert_non_null(b);
    assert_string_equal(a, n->bundle_a);
    assert_string_equal(b, n->bundle_b);
    /* the record: URL, date, SHA-256 of what was written */
    p = vg_asprintf("%s/" VG_DL_SOURCES, n->dest);
    rec = json_load_file(p, 0, NULL);
    assert_non_null(rec);
    sha_hex(n->bundle_b, hex);
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(json_object_get(rec, "files"), "b.json"), "sha256")),
                        hex);
    assert_non_null(strstr(json_string_value(json_object_get(
                               json_object_get(json_object_get(rec, "files"), "b.json"), "url")),
                           "/sub/b.json"));
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(json_object_get(rec, "files"), "a.stix2"),
                                          "collection")),
        "entry 0");
    json_decref(rec);
    free(p);
    {
        int64_t when = 0;
        assert_int_equal(vg_iocs_updated(n->dest, &when), VG_OK);
        assert_true(when > (int64_t)time(NULL) - 120 && when <= (int64_t)time(NULL) + 1);
    }
    /* the folder loads as indicators, the record left alone; the damaged
     * earlier cut.stix2 is a warning */
    assert_int_equal(vg_iocs_new(&x), VG_OK);
    assert_int_equal(vg_iocs_load_path(x, n->dest, d), VG_OK);
    assert_int_equal(vg_iocs_count(x), 3);
    assert_int_equal(vg_diag_count(d, VG_DIAG_ERROR), 0);
    assert_int_equal(vg_diag_count(d, VG_DIAG_WARN), 1);
    diag_has(d, VG_DIAG_WARN, "cut.stix2: not valid JSON");
    vg_iocs_free(x);
    assert_no_temp(n);
    free(a);
    free(b);
    vg_diag_free(d);
}

/* One failing entry among good ones: its error, the others downloaded,
 * its earlier copy untouched. */
static void one_failure(struct net *n, const char *path, long timeout, uint64_t max, int want_rc,
                        const char *want_msg)
{
    const char *paths[] = {"/a.stix2", path};
    struct vg_download_summary sum;
    struct vg_diag *d = new_diag();
    char *old;

    fresh_dest(n);
    serve_index(n, paths, 2);
    assert_int_equal(run(n, n->good_cert, timeout, max, d, &sum), want_rc);
    diag_has(d, VG_DIAG_ERROR, want_msg);
    assert_int_equal(sum.downloaded, 1);
    old = read_dest(n, "cut.stix2");
    if (strcmp(path, "/cut.stix2") == 0) {
        assert_non_null(old);
        assert_string_equal(old, "old copy");
    }
    free(old);
    assert_no_temp(n);
    vg_diag_free(d);
}

static void test_download_404(void **state)
{
    one_failure(*state, "/gone.stix2", 10, 0, VG_E_NOTFOUND, "HTTP 404");
}

static void test_download_truncated(void **state)
{
    one_failure(*state, "/cut.stix2", 10, 0, VG_E_TRUNCATED, "ended early");
}

static void test_download_not_stix(void **state)
{
    struct net *n = *state;
    n->routes[R_HTML].path = "/cut.stix2";
    n->routes[R_TRUNC].path = "/unused";
    one_failure(n, "/cut.stix2", 10, 0, VG_E_CORRUPT, "not a STIX2 bundle");
    n->routes[R_HTML].path = "/html.stix2";
    n->routes[R_TRUNC].path = "/cut.stix2";
}

static void test_download_too_large(void **state)
{
    struct net *n = *state;
    /* a.stix2 fits, b.json does not */
    one_failure(n, "/sub/b.json", 10, strlen(n->bundle_a) + 1, VG_E_LIMIT, "larger than");
}

static void test_download_timeout(void **state)
{
    struct net *n = *state;
    time_t t0 = time(NULL);
    n->routes[R_HANG].path = "/cut.stix2";
    n->routes[R_TRUNC].path = "/unused";
    one_failure(n, "/cut.stix2", 2, 0, VG_E_IO, "no complete answer within 2 s");
    assert_true(time(NULL) - t0 < 15);
    n->routes[R_HANG].path = "/hang.stix2";
    n->routes[R_TRUNC].path = "/cut.stix2";
}

static void test_download_redirect_to_http(void **state)
{
    struct net *n = *state;
    n->routes[R_REDIR].path = "/cut.stix2";
    n->routes[R_TRUNC].path = "/unused";
    one_failure(n, "/cut.stix2", 10, 0, VG_E_UNSUPPORTED, "only HTTPS");
    n->routes[R_REDIR].path = "/redir.stix2";
    n->routes[R_TRUNC].path = "/cut.stix2";
}

static void test_bad_certificate(void **state)
{
    static const char *const paths[] = {"/a.stix2"};
    struct net *n = *state;
    struct vg_download_summary sum;
    struct vg_diag *d = new_diag();
    size_t before = https_server_requests(n->srv);
    char *old;

    fresh_dest(n);
    serve_index(n, paths, 1);
    assert_int_equal(run(n, n->other_cert, 10, 0, d, &sum), VG_E_CRYPTO);
    diag_has(d, VG_DIAG_ERROR, "certificate was refused");
    assert_int_equal(sum.downloaded, 0);
    /* the TLS handshake failed: no request reached the server */
    assert_int_equal(https_server_requests(n->srv), before);
    old = read_dest(n, "cut.stix2");
    assert_string_equal(old, "old copy");
    free(old);
    assert_null(read_dest(n, "a.stix2"));
    assert_no_temp(n);
    vg_diag_free(d);
}

static void test_plain_http_refused(void **state)
{
    struct net *n = *state;
    struct vg_download_opts o;
    struct vg_download_summary sum;
    struct vg_diag *d = new_diag();
    char *url = vg_asprintf("http://127.0.0.1:%d/indicators.yaml", https_server_port(n->srv));

    fresh_dest(n);
    memset(&o, 0, sizeof(o));
    o.index_url = url;
    o.dest = n->dest;
    assert_int_equal(vg_download_iocs(&o, d, &sum), VG_E_UNSUPPORTED);
    diag_has(d, VG_DIAG_ERROR, "only HTTPS");
    free(url);
    vg_diag_free(d);
}

static void test_entries_outside_folder(void **state)
{
    static const char *const paths[] = {"!../escape.stix2", "!/etc/escape.stix2", "/a.stix2",
                                        "/sub/..", "!a/../../escape.stix2"};
    struct net *n = *state;
    struct vg_download_summary sum;
    struct vg_diag *d = new_diag();
    char *p;
    struct stat st;

    fresh_dest(n);
    serve_index(n, paths, VG_ARRAY_LEN(paths));
    assert_int_equal(run(n, n->good_cert, 10, 0, d, &sum), VG_E_INVAL);
    assert_int_equal(sum.refused, 4);
    assert_int_equal(sum.downloaded, 1);
    diag_has(d, VG_DIAG_ERROR, "indicators.yaml entry 1 (\"entry 0\"): a path segment");
    diag_has(d, VG_DIAG_ERROR, "indicators.yaml entry 2 (\"entry 1\"): an absolute path");
    diag_has(d, VG_DIAG_ERROR, "entry 4 (\"entry 3\"): a download_url whose last segment");
    p = vg_asprintf("%s/../escape.stix2", n->dest);
    assert_int_not_equal(stat(p, &st), 0);
    free(p);
    p = read_dest(n, "a.stix2");
    assert_non_null(p);
    free(p);
    assert_no_temp(n);
    vg_diag_free(d);
}

/* The command line: the environment points it at the local server, and it
 * says it uses the network. */
static void test_cli(void **state)
{
    static const char *const paths[] = {"/a.stix2"};
    struct net *n = *state;
    const char *vigie = getenv("VG_VIGIE");
    char *cmd, *out, *p, *url = index_url(n);
    size_t len;

    if (!vigie) {
        printf("skipped: VG_VIGIE not set\n");
        free(url);
        return;
    }
    serve_index(n, paths, 1);
    cmd = vg_asprintf("XDG_DATA_HOME='%s/xdg' VIGIE_IOCS_INDEX_URL='%s' VIGIE_CA_FILE='%s' "
                      "'%s' download-iocs >'%s/out.txt' 2>&1",
                      n->dir, url, n->good_cert, vigie, n->dir);
    assert_int_equal(system(cmd), 0);
    p = vg_asprintf("%s/out.txt", n->dir);
    out = vgfix_read_file(p, &len);
    assert_non_null(out);
    assert_non_null(strstr(out, "this command uses the network"));
    assert_non_null(strstr(out, "1 of 1 indicator files downloaded"));
    free(out);
    free(p);
    p = vg_asprintf("%s/xdg/vigie/indicators/a.stix2", n->dir);
    out = vgfix_read_file(p, &len);
    assert_non_null(out);
    free(out);
    free(p);
    /* a refused certificate: exit status 2 */
    free(cmd);
    cmd = vg_asprintf("XDG_DATA_HOME='%s/xdg' VIGIE_IOCS_INDEX_URL='%s' VIGIE_CA_FILE='%s' "
                      "'%s' download-iocs >/dev/null 2>&1",
                      n->dir, url, n->other_cert, vigie);
    assert_int_equal(WEXITSTATUS(system(cmd)), 2);
    free(cmd);
    free(url);
}

int main(void)
{
    const struct CMUnitTest offline[] = {
        cmocka_unit_test(test_index_parse),
        cmocka_unit_test(test_entry_names),
        cmocka_unit_test(test_updated),
    };
    const struct CMUnitTest net[] = {
        cmocka_unit_test(test_download_success),
        cmocka_unit_test(test_download_404),
        cmocka_unit_test(test_download_truncated),
        cmocka_unit_test(test_download_not_stix),
        cmocka_unit_test(test_download_too_large),
        cmocka_unit_test(test_download_timeout),
        cmocka_unit_test(test_download_redirect_to_http),
        cmocka_unit_test(test_bad_certificate),
        cmocka_unit_test(test_plain_http_refused),
        cmocka_unit_test(test_entries_outside_folder),
        cmocka_unit_test(test_cli),
    };
    int fails = cmocka_run_group_tests(offline, NULL, NULL);
    return fails + cmocka_run_group_tests(net, net_setup, net_teardown);
}
