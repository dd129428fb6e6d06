/*
 * download-iocs: the public indicator files, fetched into the user's
 * indicators folder. The only code in libvigie that uses the network, and
 * only when asked to.
 *
 * What MVT does (mvt/common/updates.py, read at mvt-project/mvt commit
 * dac4acb, 2026-08): it fetches indicators.yaml from mvt-project/
 * mvt-indicators, and for each entry of type "github" the file at
 * raw.githubusercontent.com/<owner>/<repo>/<branch>/<path> (branch "main"
 * when absent), for any other type its download_url. vigie reads the same
 * index, and is stricter: HTTPS only (redirects too), certificates checked,
 * timeouts and a size cap, each file checked to be a STIX2 bundle before it
 * replaces the earlier copy, and file names that cannot leave the folder.
 *
 * The index is YAML, read with libyaml (Debian's libyaml-dev): the subset
 * MVT's index uses is small, but quoting, comments, flow style and
 * anchors are all legal there, and a hand-written reader would get one of
 * them wrong; libyaml's document API never expands aliases, and the walk
 * below goes three levels deep and no further.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <yaml.h>

#include "output/output.h"
#include "tools/download_iocs.h"
#include "util/buf.h"

#define WHERE "download-iocs"

/* ------------------------------------------------------------ the folder */

int vg_iocs_user_dir(char **out)
{
    const char *xdg = getenv("XDG_DATA_HOME");
    const char *home = getenv("HOME");
    char *p = NULL;

    /* the XDG spec: a relative or empty $XDG_DATA_HOME is ignored */
    if (xdg && xdg[0] == '/')
        p = vg_asprintf("%s/vigie/indicators", xdg);
    else if (home && *home)
        p = vg_asprintf("%s/.local/share/vigie/indicators", home);
    else
        return VG_E_NOTFOUND;
    if (!p)
        return VG_E_NOMEM;
    *out = p;
    return VG_OK;
}

/* ------------------------------------------------------------ the index */

static yaml_node_t *map_get(yaml_document_t *doc, yaml_node_t *map, const char *key)
{
    yaml_node_pair_t *pr;
    size_t n = strlen(key);

    if (!map || map->type != YAML_MAPPING_NODE)
        return NULL;
    for (pr = map->data.mapping.pairs.start; pr < map->data.mapping.pairs.top; pr++) {
        yaml_node_t *k = yaml_document_get_node(doc, pr->key);
        if (k && k->type == YAML_SCALAR_NODE && k->data.scalar.length == n &&
            memcmp(k->data.scalar.value, key, n) == 0)
            return yaml_document_get_node(doc, pr->value);
    }
    return NULL;
}

/* A scalar's copy; NULL (and *rc untouched) when absent or not a scalar;
 * a NUL inside is refused as it would cut the string. */
static char *scalar(yaml_document_t *doc, yaml_node_t *map, const char *key, int *rc)
{
    yaml_node_t *v = map_get(doc, map, key);
    char *s;

    if (!v || v->type != YAML_SCALAR_NODE)
        return NULL;
    if (memchr(v->data.scalar.value, '\0', v->data.scalar.length))
        return NULL;
    s = vg_strndup((const char *)v->data.scalar.value, v->data.scalar.length);
    if (!s)
        *rc = VG_E_NOMEM;
    return s;
}

static void entry_free(struct vg_dl_entry *e)
{
    free(e->name);
    free(e->type);
    free(e->owner);
    free(e->repo);
    free(e->branch);
    free(e->path);
    free(e->download_url);
    memset(e, 0, sizeof(*e));
}

void vg_dl_index_free(struct vg_dl_index *x)
{
    size_t i;

    if (!x)
        return;
    for (i = 0; i < x->n; i++)
        entry_free(&x->e[i]);
    free(x->e);
    x->e = NULL;
    x->n = 0;
}

static int read_entry(yaml_document_t *doc, yaml_node_t *item, struct vg_dl_entry *e)
{
    yaml_node_t *gh = map_get(doc, item, "github");
    int rc = VG_OK;

    e->name = scalar(doc, item, "name", &rc);
    e->type = scalar(doc, item, "type", &rc);
    e->download_url = scalar(doc, item, "download_url", &rc);
    e->owner = scalar(doc, gh, "owner", &rc);
    e->repo = scalar(doc, gh, "repo", &rc);
    e->branch = scalar(doc, gh, "branch", &rc);
    e->path = scalar(doc, gh, "path", &rc);
    return rc;
}

static int index_walk(yaml_document_t *doc, struct vg_diag *diag, struct vg_dl_index *out)
{
    yaml_node_t *root = yaml_document_get_root_node(doc), *seq;
    yaml_node_item_t *it;
    size_t n;
    int rc = VG_OK;

    seq = map_get(doc, root, "indicators");
    if (!seq || seq->type != YAML_SEQUENCE_NODE) {
        vg_diag_add(diag, VG_DIAG_ERROR, WHERE,
                    "indicators.yaml: no \"indicators\" list at the top level");
        return VG_E_CORRUPT;
    }
    n = (size_t)(seq->data.sequence.items.top - seq->data.sequence.items.start);
    if (n > VG_MAX_IOC_INDEX_ENTRIES) {
        vg_diag_add(diag, VG_DIAG_ERROR, WHERE, "indicators.yaml: %zu entries, more than %u", n,
                    VG_MAX_IOC_INDEX_ENTRIES);
        return VG_E_LIMIT;
    }
    out->e = vg_calloc(n + 1, sizeof(*out->e));
    if (!out->e)
        return VG_E_NOMEM;
    for (it = seq->data.sequence.items.start; it < seq->data.sequence.items.top && rc == VG_OK;
         it++) {
        /* an item that is not a mapping stays an empty entry, refused later */
        rc = read_entry(doc, yaml_document_get_node(doc, *it), &out->e[out->n]);
        out->n++;
    }
    return rc;
}

int vg_dl_index_parse(const char *text, size_t len, struct vg_diag *diag, struct vg_dl_index *out)
{
    yaml_parser_t p;
    yaml_document_t doc;
    int rc;

    memset(out, 0, sizeof(*out));
    if (!text || len > VG_MAX_IOC_INDEX) {
        vg_diag_add(diag, VG_DIAG_ERROR, WHERE, "indicators.yaml: more than %u bytes",
                    VG_MAX_IOC_INDEX);
        return VG_E_LIMIT;
    }
    if (!yaml_parser_initialize(&p))
        return VG_E_NOMEM;
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
    if (!yaml_parser_load(&p, &doc)) {
        vg_diag_add(diag, VG_DIAG_ERROR, WHERE, "indicators.yaml: not valid YAML: %s (line %zu)",
                    p.problem ? p.problem : "?", (size_t)p.problem_mark.line + 1);
        yaml_parser_delete(&p);
        return VG_E_CORRUPT;
    }
    rc = index_walk(&doc, diag, out);
    yaml_document_delete(&doc);
    yaml_parser_delete(&p);
    if (rc != VG_OK)
        vg_dl_index_free(out);
    return rc;
}

/* ------------------------------------------------------------ names */

static int plain_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
}

/* One path segment that names nothing but itself. */
static int plain_segment(const char *s, size_t n)
{
    size_t i;

    if (n == 0 || n > VG_OUT_MAX_NAME || (n == 1 && s[0] == '.') ||
        (n == 2 && s[0] == '.' && s[1] == '.'))
        return 0;
    for (i = 0; i < n; i++)
        if (!plain_char(s[i]))
            return 0;
    return 1;
}

static int bundle_name(const char *name)
{
    size_t n = strlen(name);

    return name[0] != '.' && n <= VG_OUT_MAX_NAME &&
           ((n > 6 && vg_str_casecmp(name + n - 6, ".stix2") == 0) ||
            (n > 5 && vg_str_casecmp(name + n - 5, ".json") == 0));
}

/* "a/b/c.stix2" as "a__b__c.stix2", every segment plain. */
static int path_name(const char *path, struct vg_buf *b, const char **why)
{
    const char *p = path, *slash;

    if (*path == '/') {
        *why = "an absolute path";
        return VG_E_INVAL;
    }
    for (;;) {
        size_t n;
        slash = strchr(p, '/');
        n = slash ? (size_t)(slash - p) : strlen(p);
        if (!plain_segment(p, n)) {
            *why = "a path segment that is empty, \".\", \"..\" or not [A-Za-z0-9._-]";
            return VG_E_INVAL;
        }
        if ((p != path && vg_buf_append(b, "__", 2) != VG_OK) || vg_buf_append(b, p, n) != VG_OK)
            return VG_E_NOMEM;
        if (!slash)
            return VG_OK;
        p = slash + 1;
    }
}

static int github_target(const struct vg_dl_entry *e, char **url, struct vg_buf *name,
                         const char **why)
{
    const char *branch = e->branch ? e->branch : "main";
    int rc;

    if (!e->owner || !e->repo || !e->path) {
        *why = "a github entry without owner, repo or path";
        return VG_E_INVAL;
    }
    if (!plain_segment(e->owner, strlen(e->owner)) || !plain_segment(e->repo, strlen(e->repo)) ||
        !plain_segment(branch, strlen(branch))) {
        *why = "an owner, repo or branch that is not [A-Za-z0-9._-]";
        return VG_E_INVAL;
    }
    rc = path_name(e->path, name, why);
    if (rc != VG_OK)
        return rc;
    *url = vg_asprintf(VG_DL_GITHUB_RAW "/%s/%s/%s/%s", e->owner, e->repo, branch, e->path);
    return *url ? VG_OK : VG_E_NOMEM;
}

static int url_target(const char *u, char **url, struct vg_buf *name, const char **why)
{
    const char *path, *end, *last;
    size_t i;

    if (strncmp(u, "https://", 8) != 0) {
        *why = "a download_url that is not https://";
        return VG_E_INVAL;
    }
    for (i = 0; u[i]; i++)
        if ((unsigned char)u[i] <= 0x20 || (unsigned char)u[i] >= 0x7F || u[i] == '\\') {
            *why = "a download_url with spaces, controls, backslashes or non-ASCII";
            return VG_E_INVAL;
        }
    path = strchr(u + 8, '/');
    if (!path) {
        *why = "a download_url without a file";
        return VG_E_INVAL;
    }
    end = path + strcspn(path, "?#");
    for (last = end; last > path && last[-1] != '/'; last--)
        ;
    if (!plain_segment(last, (size_t)(end - last))) {
        *why = "a download_url whose last segment is not a plain file name";
        return VG_E_INVAL;
    }
    if (vg_buf_append(name, last, (size_t)(end - last)) != VG_OK || !(*url = vg_strdup(u)))
        return VG_E_NOMEM;
    return VG_OK;
}

int vg_dl_entry_target(const struct vg_dl_entry *e, char **url, char **name, const char **why)
{
    struct vg_buf b;
    char *u = NULL;
    int rc;

    *why = NULL;
    vg_buf_init(&b, VG_OUT_MAX_NAME + 1);
    if (e->type && strcmp(e->type, "github") == 0)
        rc = github_target(e, &u, &b, why);
    else if (e->download_url)
        rc = url_target(e->download_url, &u, &b, why);
    else {
        *why = "neither a github location nor a download_url";
        rc = VG_E_INVAL;
    }
    if (rc == VG_E_LIMIT) {
        *why = "a file name longer than 200 bytes";
        rc = VG_E_INVAL;
    }
    if (rc == VG_OK && !bundle_name(b.data)) {
        *why = "a file name that is not *.stix2 or *.json";
        rc = VG_E_INVAL;
    }
    if (rc != VG_OK) {
        free(u);
        vg_buf_free(&b);
        return rc;
    }
    *url = u;
    *name = vg_buf_take(&b);
    return *name ? VG_OK : VG_E_NOMEM;
}

/* ------------------------------------------------------------ fetching */

struct sink {
    FILE *f;          /* a file, or */
    struct vg_buf *b; /* memory */
    EVP_MD_CTX *md;
    uint64_t n, max;
    int over, failed;
};

static size_t on_data(char *p, size_t size, size_t nmemb, void *ud)
{
    struct sink *d = ud;
    size_t n = size * nmemb;

    if (n > d->max || d->n > d->max - n) {
        d->over = 1;
        return 0;
    }
    if ((d->f && fwrite(p, 1, n, d->f) != n) || (d->b && vg_buf_append(d->b, p, n) != VG_OK) ||
        (d->md && EVP_DigestUpdate(d->md, p, n) != 1)) {
        d->failed = 1;
        return 0;
    }
    d->n += n;
    return n;
}

struct fetcher {
    CURL *h;
    const struct vg_download_opts *o;
    struct vg_diag *diag;
    long connect_timeout, timeout;
};

static int set_options(struct fetcher *f, const char *url, struct sink *d, char *err)
{
    CURL *h = f->h;
    int bad = 0;

    curl_easy_reset(h);
    /* HTTPS only, redirects too: a downgrade or a file:// cannot sneak in */
    bad |= curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https") != CURLE_OK;
    bad |= curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "https") != CURLE_OK;
    bad |= curl_easy_setopt(h, CURLOPT_URL, url) != CURLE_OK;
    bad |= curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L) != CURLE_OK;
    bad |= curl_easy_setopt(h, CURLOPT_MAXREDIRS, 5L) != CURLE_OK;
    bad |= curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L) != CURLE_OK;
    bad |= curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L) != CURLE_OK;
    bad |= curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, f->connect_timeout) != CURLE_OK;
    bad |= curl_easy_setopt(h, CURLOPT_TIMEOUT, f->timeout) != CURLE_OK;
    bad |= curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L) != CURLE_OK;
    bad |= curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)d->max) != CURLE_OK;
    bad |= curl_easy_setopt(h, CURLOPT_USERAGENT, "vigie/" VG_VERSION) != CURLE_OK;
    bad |= curl_easy_setopt(h, CURLOPT_ERRORBUFFER, err) != CURLE_OK;
    bad |= curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data) != CURLE_OK;
    bad |= curl_easy_setopt(h, CURLOPT_WRITEDATA, d) != CURLE_OK;
    if (f->o->ca_file)
        bad |= curl_easy_setopt(h, CURLOPT_CAINFO, f->o->ca_file) != CURLE_OK;
    return bad ? VG_E_UNSUPPORTED : VG_OK;
}

static int curl_failure(struct fetcher *f, const char *url, CURLcode c, const struct sink *d,
                        const char *err)
{
    const char *detail = err[0] ? err : curl_easy_strerror(c);

    if (d->over || c == CURLE_FILESIZE_EXCEEDED) {
        vg_diag_add(f->diag, VG_DIAG_ERROR, WHERE, "%s: larger than %llu bytes: refused", url,
                    (unsigned long long)d->max);
        return VG_E_LIMIT;
    }
    if (c == CURLE_OPERATION_TIMEDOUT) {
        vg_diag_add(f->diag, VG_DIAG_ERROR, WHERE, "%s: no complete answer within %ld s (%s)", url,
                    f->timeout, detail);
        return VG_E_IO;
    }
    if (c == CURLE_PEER_FAILED_VERIFICATION || c == CURLE_SSL_CACERT_BADFILE ||
        c == CURLE_SSL_CONNECT_ERROR) {
        vg_diag_add(f->diag, VG_DIAG_ERROR, WHERE, "%s: the server's certificate was refused: %s",
                    url, detail);
        return VG_E_CRYPTO;
    }
    if (c == CURLE_UNSUPPORTED_PROTOCOL) {
        vg_diag_add(f->diag, VG_DIAG_ERROR, WHERE, "%s: refused: only HTTPS is allowed (%s)", url,
                    detail);
        return VG_E_UNSUPPORTED;
    }
    if (c == CURLE_PARTIAL_FILE) {
        vg_diag_add(f->diag, VG_DIAG_ERROR, WHERE, "%s: the transfer ended early: %s", url, detail);
        return VG_E_TRUNCATED;
    }
    vg_diag_add(f->diag, VG_DIAG_ERROR, WHERE, "%s: %s", url, detail);
    return VG_E_IO;
}

/* GET url into d; VG_OK only for a whole 200 answer. */
static int fetch(struct fetcher *f, const char *url, struct sink *d)
{
    char err[CURL_ERROR_SIZE];
    long code = 0;
    CURLcode c;

    err[0] = '\0';
    if (f->o->on_fetch)
        f->o->on_fetch(f->o->ud, url);
    if (set_options(f, url, d, err) != VG_OK) {
        vg_diag_add(f->diag, VG_DIAG_ERROR, WHERE,
                    "this libcurl cannot be restricted to HTTPS (7.85 or later needed)");
        return VG_E_UNSUPPORTED;
    }
    c = curl_easy_perform(f->h);
    if (c != CURLE_OK)
        return curl_failure(f, url, c, d, err);
    if (d->failed) {
        vg_diag_add(f->diag, VG_DIAG_ERROR, WHERE, "%s: cannot store what was received", url);
        return VG_E_IO;
    }
    if (curl_easy_getinfo(f->h, CURLINFO_RESPONSE_CODE, &code) != CURLE_OK || code != 200) {
        vg_diag_add(f->diag, VG_DIAG_ERROR, WHERE, "%s: the server answered HTTP %ld", url, code);
        return code == 404 ? VG_E_NOTFOUND : VG_E_IO;
    }
    return VG_OK;
}

/* ------------------------------------------------------------ one file */

static int sync_close(FILE *f)
{
    int rc = fflush(f) == 0 && fsync(fileno(f)) == 0;
    return fclose(f) == 0 && rc ? VG_OK : VG_E_IO;
}

/* The downloaded bytes must be a STIX2 bundle vigie can load, or the
 * earlier copy stays. */
static int check_bundle(const char *path, const char *url, struct vg_diag *diag)
{
    struct vg_iocs *x = NULL;
    struct vg_diag *d = NULL;
    int rc = vg_iocs_new(&x);

    if (rc == VG_OK)
        rc = vg_diag_new(NULL, NULL, &d);
    if (rc == VG_OK && (rc = vg_iocs_load_path(x, path, d)) != VG_OK) {
        const struct vg_diag_entry *e =
            vg_diag_size(d) ? vg_diag_get(d, vg_diag_size(d) - 1) : NULL;
        const char *m = e ? e->message : vg_strerror(rc);
        const char *colon = strstr(m, ": ");
        /* the message names the temporary file: keep what follows it */
        vg_diag_add(diag, VG_DIAG_ERROR, WHERE, "%s: not a STIX2 bundle vigie can read: %s", url,
                    colon ? colon + 2 : m);
    }
    vg_diag_free(d);
    vg_iocs_free(x);
    return rc;
}

struct got {
    char sha256[65];
    uint64_t bytes;
};

static int download_one(struct fetcher *f, const char *dest, const char *url, const char *name,
                        struct got *g)
{
    char *tmp = vg_asprintf("%s/.%s.XXXXXX", dest, name), *final = vg_asprintf("%s/%s", dest, name);
    struct sink d = {NULL, NULL, NULL, 0, 0, 0, 0};
    unsigned char md[32];
    unsigned int mdlen = 0;
    int fd = -1, rc = VG_E_NOMEM;

    d.max = f->o->max_bytes ? f->o->max_bytes : VG_MAX_IOC_DOWNLOAD;
    if (!tmp || !final || !(d.md = EVP_MD_CTX_new()) ||
        EVP_DigestInit_ex(d.md, EVP_sha256(), NULL) != 1)
        goto out;
    fd = mkstemp(tmp);
    if (fd < 0 || !(d.f = fdopen(fd, "wb"))) {
        vg_diag_add(f->diag, VG_DIAG_ERROR, WHERE, "cannot create a file in %s: %s", dest,
                    strerror(errno));
        rc = VG_E_IO;
        if (fd < 0)
            goto out;
        close(fd);
        goto out_unlink;
    }
    rc = fetch(f, url, &d);
    if (sync_close(d.f) != VG_OK && rc == VG_OK) {
        vg_diag_add(f->diag, VG_DIAG_ERROR, WHERE, "cannot write %s: %s", tmp, strerror(errno));
        rc = VG_E_IO;
    }
    d.f = NULL;
    if (rc == VG_OK)
        rc = check_bundle(tmp, url, f->diag);
    if (rc == VG_OK && EVP_DigestFinal_ex(d.md, md, &mdlen) != 1)
        rc = VG_E_CRYPTO;
    if (rc == VG_OK && rename(tmp, final) != 0) {
        vg_diag_add(f->diag, VG_DIAG_ERROR, WHERE, "cannot rename into %s: %s", final,
                    strerror(errno));
        rc = VG_E_IO;
    }
    if (rc == VG_OK) {
        vg_hex_encode(md, 32, g->sha256);
        g->bytes = d.n;
        goto out;
    }
out_unlink:
    unlink(tmp);
out:
    EVP_MD_CTX_free(d.md);
    free(tmp);
    free(final);
    return rc;
}

/* ------------------------------------------------------------ the record */

static json_t *sources_load(const char *dest, struct vg_diag *diag)
{
    char *path = vg_asprintf("%s/" VG_DL_SOURCES, dest);
    json_error_t err;
    struct stat st;
    json_t *v = NULL;

    if (path && stat(path, &st) == 0 && st.st_size <= (off_t)VG_MAX_IOC_SOURCES) {
        v = json_load_file(path, 0, &err);
        if (!v || !json_is_object(json_object_get(v, "files"))) {
            vg_diag_add(diag, VG_DIAG_WARN, WHERE, "%s: unreadable, started anew", path);
            json_decref(v);
            v = NULL;
        }
    }
    free(path);
    if (!v)
        v = json_pack("{s:n,s:{}}", "index", "files");
    return v;
}

static int write_atomic(const char *dest, const char *name, const char *text, struct vg_diag *diag)
{
    char *tmp = vg_asprintf("%s/.%s.XXXXXX", dest, name), *final = vg_asprintf("%s/%s", dest, name);
    FILE *f = NULL;
    int fd, rc = VG_E_NOMEM;

    if (!tmp || !final)
        goto out;
    rc = VG_E_IO;
    fd = mkstemp(tmp);
    if (fd < 0 || !(f = fdopen(fd, "wb"))) {
        if (fd >= 0)
            close(fd);
        goto fail;
    }
    if (fwrite(text, 1, strlen(text), f) != strlen(text)) {
        fclose(f);
        goto fail;
    }
    if (sync_close(f) != VG_OK || rename(tmp, final) != 0)
        goto fail;
    rc = VG_OK;
    goto out;
fail:
    vg_diag_add(diag, VG_DIAG_ERROR, WHERE, "cannot write %s: %s", final ? final : name,
                strerror(errno));
    if (tmp)
        unlink(tmp);
out:
    free(tmp);
    free(final);
    return rc;
}

static int sources_note(json_t *src, const char *name, const char *url, const char *collection,
                        const struct got *g)
{
    char now[VG_ISODATE_LEN + 1];
    json_t *rec;

    if (vg_isodate_now(now) != VG_OK)
        return VG_E_IO;
    rec = json_pack("{s:s,s:s?,s:s,s:s,s:I}", "url", url, "collection", collection, "downloaded",
                    now, "sha256", g->sha256, "bytes", (json_int_t)g->bytes);
    if (!rec || json_object_set_new(json_object_get(src, "files"), name, rec) != 0)
        return VG_E_NOMEM;
    return VG_OK;
}

static int sources_save(json_t *src, const char *dest, const char *index_url, struct vg_diag *diag)
{
    char *text;
    int rc;

    if (json_object_set_new(src, "index", json_string(index_url)) != 0)
        return VG_E_NOMEM;
    text = vg_json_dumps(src);
    if (!text)
        return VG_E_NOMEM;
    rc = write_atomic(dest, VG_DL_SOURCES, text, diag);
    free(text);
    return rc;
}

/* ------------------------------------------------------------ the command */

static int note_first(int *first, int rc)
{
    if (*first == VG_OK)
        *first = rc;
    return rc;
}

/* Every entry of the index: refused, failed (earlier copy kept) or
 * downloaded and noted in src. */
static int download_entries(struct fetcher *f, const struct vg_dl_index *x, const char *dest,
                            json_t *src, struct vg_download_summary *sum)
{
    json_t *names = json_object();
    size_t i;
    int first = VG_OK;

    if (!names)
        return VG_E_NOMEM;
    for (i = 0; i < x->n && first != VG_E_NOMEM; i++) {
        const struct vg_dl_entry *e = &x->e[i];
        const char *why = NULL, *label = e->name ? e->name : "(no name)";
        char *url = NULL, *name = NULL;
        struct got g;
        int rc = vg_dl_entry_target(e, &url, &name, &why);

        if (rc == VG_OK && json_object_get(names, name)) {
            why = "a file name another entry already uses";
            rc = VG_E_INVAL;
        }
        if (rc == VG_E_INVAL) {
            vg_diag_add(f->diag, VG_DIAG_ERROR, WHERE,
                        "indicators.yaml entry %zu (\"%.120s\"): %s: refused", i + 1, label, why);
            sum->refused++;
        } else if (rc == VG_OK && json_object_set_new(names, name, json_true()) != 0) {
            rc = VG_E_NOMEM;
        } else if (rc == VG_OK) {
            rc = download_one(f, dest, url, name, &g);
            if (rc == VG_OK)
                rc = sources_note(src, name, url, e->name, &g);
            if (rc == VG_OK)
                sum->downloaded++;
            else
                sum->failed++;
        }
        if (rc != VG_OK)
            note_first(&first, rc);
        free(url);
        free(name);
    }
    json_decref(names);
    return first;
}

static int fetch_index(struct fetcher *f, const char *url, struct vg_dl_index *x)
{
    struct vg_buf b;
    struct sink d = {NULL, NULL, NULL, 0, VG_MAX_IOC_INDEX, 0, 0};
    int rc;

    vg_buf_init(&b, VG_MAX_IOC_INDEX + 1);
    d.b = &b;
    rc = fetch(f, url, &d);
    if (rc == VG_OK)
        rc = vg_dl_index_parse(b.data ? b.data : "", b.len, f->diag, x);
    vg_buf_free(&b);
    return rc;
}

static int prepare_dest(const struct vg_download_opts *o, struct vg_diag *diag, char **dest)
{
    struct vg_out *out = NULL;
    int rc;

    if (o->dest)
        *dest = vg_strdup(o->dest);
    else if ((rc = vg_iocs_user_dir(dest)) != VG_OK) {
        vg_diag_add(diag, VG_DIAG_ERROR, WHERE,
                    "no folder for indicators: set HOME or XDG_DATA_HOME");
        return rc;
    }
    if (!*dest)
        return VG_E_NOMEM;
    /* created like a results folder: parents too, 0700 */
    rc = vg_out_new(*dest, diag, &out);
    vg_out_free(out);
    if (rc != VG_OK) {
        free(*dest);
        *dest = NULL;
    }
    return rc;
}

int vg_download_iocs(const struct vg_download_opts *opts, struct vg_diag *diag,
                     struct vg_download_summary *sum)
{
    struct vg_download_opts o = opts ? *opts : (struct vg_download_opts){0};
    struct vg_dl_index x = {NULL, 0};
    struct fetcher f;
    json_t *src = NULL;
    char *dest = NULL;
    int rc, first;

    memset(sum, 0, sizeof(*sum));
    if (!o.index_url)
        o.index_url = VG_IOCS_INDEX_URL;
    f.o = &o;
    f.diag = diag;
    f.connect_timeout = o.connect_timeout > 0 ? o.connect_timeout : VG_IOC_CONNECT_TIMEOUT;
    f.timeout = o.timeout > 0 ? o.timeout : VG_IOC_TIMEOUT;
    rc = prepare_dest(&o, diag, &dest);
    if (rc != VG_OK)
        return rc;
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK || !(f.h = curl_easy_init())) {
        free(dest);
        return VG_E_NOMEM;
    }
    rc = fetch_index(&f, o.index_url, &x);
    if (rc == VG_OK) {
        sum->listed = x.n;
        src = sources_load(dest, diag);
        rc = src ? VG_OK : VG_E_NOMEM;
    }
    if (rc == VG_OK) {
        first = download_entries(&f, &x, dest, src, sum);
        rc = sum->downloaded ? sources_save(src, dest, o.index_url, diag) : VG_OK;
        if (first != VG_OK)
            rc = first;
    }
    json_decref(src);
    vg_dl_index_free(&x);
    curl_easy_cleanup(f.h);
    curl_global_cleanup();
    free(dest);
    return rc;
}

/* ------------------------------------------------------------ their age */

static int newest_download(const char *dir, int64_t *when)
{
    char *path = vg_asprintf("%s/" VG_DL_SOURCES, dir);
    json_t *v = NULL, *rec;
    const char *name;
    struct stat st;
    int64_t us, best = INT64_MIN;

    if (path && stat(path, &st) == 0 && st.st_size <= (off_t)VG_MAX_IOC_SOURCES)
        v = json_load_file(path, 0, NULL);
    free(path);
    json_object_foreach(json_object_get(v, "files"), name, rec)
    {
        const json_t *d = json_object_get(rec, "downloaded");
        if (json_is_string(d) && vg_isodate_parse(json_string_value(d), &us) == VG_OK && us > best)
            best = us;
    }
    json_decref(v);
    if (best == INT64_MIN)
        return VG_E_NOTFOUND;
    *when = best / 1000000;
    return VG_OK;
}

static int newest_mtime(const char *dir, int64_t *when)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int64_t best = INT64_MIN;
    size_t seen = 0;

    if (!d)
        return VG_E_NOTFOUND;
    while ((e = readdir(d)) != NULL && seen++ < VG_MAX_IOC_DIR_FILES) {
        struct stat st;
        char *p;
        if (e->d_name[0] == '.' || !bundle_name(e->d_name))
            continue;
        p = vg_asprintf("%s/%s", dir, e->d_name);
        if (p && stat(p, &st) == 0 && S_ISREG(st.st_mode) && (int64_t)st.st_mtime > best)
            best = (int64_t)st.st_mtime;
        free(p);
    }
    closedir(d);
    if (best == INT64_MIN)
        return VG_E_NOTFOUND;
    *when = best;
    return VG_OK;
}

int vg_iocs_updated(const char *dir, int64_t *when)
{
    char *own = NULL;
    int rc;

    if (!when)
        return VG_E_INVAL;
    if (!dir) {
        rc = vg_iocs_user_dir(&own);
        if (rc != VG_OK)
            return rc;
        dir = own;
    }
    rc = newest_download(dir, when);
    if (rc == VG_E_NOTFOUND)
        rc = newest_mtime(dir, when);
    free(own);
    return rc;
}
