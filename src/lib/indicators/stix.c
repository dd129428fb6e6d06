/*
 * STIX2 bundles into the index: which collection each indicator belongs to
 * (the malware it indicates through a relationship, or the report listing
 * it, else one named after the file), its pattern's comparisons, and where
 * bundles come from (a file, a folder, the environment, the user's folder).
 *
 * Indicators are not filtered by valid_from/valid_until or revoked: what a
 * scan reports must not depend on the clock, and MVT does not either.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "indicators/index.h"
#include "indicators/stix_scan.h"
#include "indicators/pattern.h"

#define WHERE            "indicators"
#define MAX_EXAMPLES     3u
#define EXAMPLE_LEN      120u
#define FALLBACK_MAX_LEN 256u

/* One bundle being loaded. */
struct bundle {
    struct vg_iocs *x;
    struct vg_diag *diag;
    const char *name; /* basename, as matches report it */
    size_t file;      /* index into x->files */
    /* candidate collections: malware, then reports, then the fallback */
    const char **cand_name;
    uint32_t *cand_global; /* VG_IDX_NONE until the first indicator is kept */
    size_t n_cand;
    char fallback[FALLBACK_MAX_LEN];
    json_t *owner;  /* object id -> candidate index */
    json_t *member; /* indicator id -> candidate index */
    char *key;      /* normalisation buffer */
    char examples[MAX_EXAMPLES][EXAMPLE_LEN];
    size_t n_examples;
};

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static void sha256_hex(const char *data, size_t len, char out[65])
{
    unsigned char md[32];
    unsigned int mdlen = 0;
    if (EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) != 1 || mdlen != sizeof(md)) {
        out[0] = '\0';
        return;
    }
    vg_hex_encode(md, sizeof(md), out);
}

static const char *str_field(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

/* ------------------------------------------------------------ collections */

/* The file's own collection: its name without the extension. */
static void fallback_name(const char *name, char *out, size_t cap)
{
    const char *dot = strrchr(name, '.');
    size_t n = dot && dot != name ? (size_t)(dot - name) : strlen(name);
    if (n >= cap)
        n = cap - 1;
    memcpy(out, name, n);
    out[n] = '\0';
}

static int add_candidate(struct bundle *b, const json_t *obj, size_t idx)
{
    const char *id = str_field(obj, "id");
    const char *name = str_field(obj, "name");
    b->cand_name[idx] = name && *name ? name : (id ? id : b->fallback);
    b->cand_global[idx] = VG_IDX_NONE;
    if (id && json_object_set_new(b->owner, id, json_integer((json_int_t)idx)) != 0)
        return VG_E_NOMEM;
    return VG_OK;
}

/* Indicator ids listed by a report; the first report listing one wins. */
static int add_report_members(struct bundle *b, const json_t *report, size_t idx)
{
    const json_t *refs = json_object_get(report, "object_refs");
    size_t i;
    for (i = 0; i < json_array_size(refs); i++) {
        const char *ref = json_string_value(json_array_get(refs, i));
        if (ref && !json_object_get(b->member, ref) &&
            json_object_set_new(b->member, ref, json_integer((json_int_t)idx)) != 0)
            return VG_E_NOMEM;
    }
    return VG_OK;
}

/* Indicators not in a report: the malware a relationship points them to. */
static int add_relationships(struct bundle *b, const json_t *objects)
{
    size_t i;
    for (i = 0; i < json_array_size(objects); i++) {
        const json_t *o = json_array_get(objects, i);
        const char *type = str_field(o, "type"), *src, *dst;
        const json_t *owner;
        if (!type || strcmp(type, "relationship") != 0)
            continue;
        src = str_field(o, "source_ref");
        dst = str_field(o, "target_ref");
        if (!src || !dst || json_object_get(b->member, src))
            continue;
        owner = json_object_get(b->owner, dst);
        if (owner && vg_str_has_prefix(dst, "malware--") &&
            json_object_set(b->member, src, (json_t *)owner) != 0)
            return VG_E_NOMEM;
    }
    return VG_OK;
}

static int collect_owners(struct bundle *b, const json_t *objects)
{
    size_t i, n = json_array_size(objects), k = 0;
    int pass, rc;

    b->cand_name = vg_calloc(n + 1, sizeof(*b->cand_name));
    b->cand_global = vg_calloc(n + 1, sizeof(*b->cand_global));
    b->owner = json_object();
    b->member = json_object();
    if (!b->cand_name || !b->cand_global || !b->owner || !b->member)
        return VG_E_NOMEM;
    /* malware first, then reports, as MVT lists them */
    for (pass = 0; pass < 2; pass++) {
        for (i = 0; i < n; i++) {
            const json_t *o = json_array_get(objects, i);
            const char *type = str_field(o, "type");
            if (!type || strcmp(type, pass == 0 ? "malware" : "report") != 0)
                continue;
            if ((rc = add_candidate(b, o, k)) != VG_OK ||
                (pass == 1 && (rc = add_report_members(b, o, k)) != VG_OK))
                return rc;
            k++;
        }
    }
    b->cand_name[k] = b->fallback;
    b->cand_global[k] = VG_IDX_NONE;
    b->n_cand = k + 1;
    return add_relationships(b, objects);
}

/* The indicator's collection; the file's own when nothing claims it. */
static size_t candidate_of(const struct bundle *b, const char *id)
{
    const json_t *v = id ? json_object_get(b->member, id) : NULL;
    json_int_t i = json_integer_value(v);
    return v && i >= 0 && (size_t)i < b->n_cand - 1 ? (size_t)i : b->n_cand - 1;
}

static int candidate_global(struct bundle *b, size_t c, uint32_t *out)
{
    int rc;
    if (b->cand_global[c] == VG_IDX_NONE) {
        rc = vg_index_add_collection(b->x, b->cand_name[c], b->name, &b->cand_global[c]);
        if (rc != VG_OK)
            return rc;
    }
    *out = b->cand_global[c];
    return VG_OK;
}

/* ------------------------------------------------------------ indicators */

static void note_unsupported(struct bundle *b, const char *pattern)
{
    b->x->files[b->file].unsupported++;
    if (b->n_examples < MAX_EXAMPLES) {
        char *e = b->examples[b->n_examples++];
        size_t i;
        if (vg_snprintf(e, EXAMPLE_LEN, "%s", pattern) == VG_E_LIMIT)
            memcpy(e + EXAMPLE_LEN - 4, "...", 4);
        /* a diagnostic is one line */
        for (i = 0; e[i]; i++)
            if ((unsigned char)e[i] < 0x20)
                e[i] = ' ';
    }
}

static int add_term(struct bundle *b, const struct vg_pattern_term *t, const char *id, size_t cand)
{
    enum vg_ioc_type type = (enum vg_ioc_type)t->type;
    uint32_t coll;
    int len, rc;

    len = vg_norm_ioc(type, t->value, t->len, b->key, VG_MAX_IOC_VALUE + 1);
    if (len <= 0)
        return VG_E_UNSUPPORTED;
    if (vg_index_has(b->x, type, b->key, (size_t)len, b->cand_name[cand])) {
        b->x->files[b->file].duplicates++;
        return VG_OK;
    }
    if ((rc = candidate_global(b, cand, &coll)) != VG_OK)
        return rc;
    /* paths and URLs are shown as the bundle wrote them (/var/x, not the
     * key /private/var/x), so the report quotes the indicator faithfully */
    rc = vg_index_add(b->x, type, b->key, (size_t)len,
                      type == VG_IOC_FILE_PATH || type == VG_IOC_URL ? t->value : NULL, id, coll);
    if (rc == VG_OK)
        b->x->files[b->file].loaded++;
    return rc;
}

static int load_indicator(struct bundle *b, const json_t *o)
{
    const char *pattern = str_field(o, "pattern");
    const char *ptype = str_field(o, "pattern_type");
    const char *id = str_field(o, "id");
    struct vg_pattern pat;
    size_t i, cand;
    int rc, bad = 0;

    if (!pattern || (ptype && strcmp(ptype, "stix") != 0)) {
        note_unsupported(b, pattern ? pattern : "(no pattern)");
        return VG_OK;
    }
    rc = vg_pattern_parse(pattern, json_string_length(json_object_get(o, "pattern")), &pat);
    if (rc == VG_E_NOMEM)
        goto out;
    if (rc != VG_OK) {
        note_unsupported(b, pattern);
        rc = VG_OK;
        goto out;
    }
    cand = candidate_of(b, id);
    /* In an OR, every comparison we understand still detects on its own;
     * the ones we do not are what makes the indicator count as unsupported. */
    for (i = 0; i < pat.n && rc == VG_OK; i++) {
        if (pat.terms[i].type == VG_PATTERN_UNKNOWN) {
            bad = 1;
            continue;
        }
        rc = add_term(b, &pat.terms[i], id ? id : "", cand);
        if (rc == VG_E_UNSUPPORTED) {
            bad = 1;
            rc = VG_OK;
        }
    }
    if (bad)
        note_unsupported(b, pattern);
out:
    vg_pattern_free(&pat);
    return rc;
}

static void warn_unsupported(const struct bundle *b)
{
    size_t n = b->x->files[b->file].unsupported, i;
    char list[MAX_EXAMPLES * (EXAMPLE_LEN + 2) + 8];
    size_t len = 0;

    if (!n)
        return;
    list[0] = '\0';
    for (i = 0; i < b->n_examples; i++) {
        if (vg_snprintf(list + len, sizeof(list) - len, "%s%s", i ? ", " : "", b->examples[i]) !=
            VG_OK)
            break;
        len += strlen(list + len);
    }
    vg_diag_add(b->diag, VG_DIAG_WARN, WHERE,
                "%s: %zu indicator%s of unsupported shape skipped: %s%s", b->name, n,
                n == 1 ? "" : "s", list, n > b->n_examples ? ", ..." : "");
}

static int load_objects(struct bundle *b, const json_t *objects)
{
    size_t i;
    int rc;

    if ((rc = collect_owners(b, objects)) != VG_OK)
        return rc;
    b->key = vg_malloc(VG_MAX_IOC_VALUE + 1);
    if (!b->key)
        return VG_E_NOMEM;
    for (i = 0; i < json_array_size(objects); i++) {
        const json_t *o = json_array_get(objects, i);
        const char *type = str_field(o, "type");
        if (type && strcmp(type, "indicator") == 0 && (rc = load_indicator(b, o)) != VG_OK)
            return rc;
    }
    warn_unsupported(b);
    return VG_OK;
}

static void bundle_free(struct bundle *b)
{
    free(b->cand_name);
    free(b->cand_global);
    json_decref(b->owner);
    json_decref(b->member);
    free(b->key);
}

/* ------------------------------------------------------------ one bundle */

/* The same bytes reached again (a file listed twice, a symbolic link): all
 * of it counts as duplicates of the first copy. */
static int same_as_loaded(struct vg_iocs *x, const char *path, const char *name, const char *sha,
                          struct vg_diag *diag)
{
    size_t i, idx;
    for (i = 0; i < x->n_files; i++) {
        const struct vg_ioc_file_info *f = &x->files[i];
        size_t dups;
        if (strcmp(f->sha256, sha) != 0)
            continue;
        dups = f->loaded + f->duplicates;
        if (vg_index_add_file(x, path, name, sha, &idx) != VG_OK)
            return VG_E_NOMEM;
        x->files[idx].duplicates = dups;
        vg_diag_add(diag, VG_DIAG_INFO, WHERE, "%s: same content as %s, already loaded", path,
                    f->path);
        return 1;
    }
    return 0;
}

/* lv: how a file that is not a bundle is reported (an error for a file
 * named by the user, a warning for one found in a folder); *not_bundle
 * tells that fault from a failure of the index itself. */
static int load_bundle(struct vg_iocs *x, const char *path, const char *data, size_t len,
                       struct vg_diag *diag, enum vg_diag_level lv, int *not_bundle)
{
    struct bundle b;
    json_error_t err;
    json_t *root = NULL;
    const json_t *objects;
    const char *type;
    char sha[65];
    int rc;

    memset(&b, 0, sizeof(b));
    sha256_hex(data, len, sha);
    if ((rc = same_as_loaded(x, path, base_name(path), sha, diag)) != 0)
        return rc < 0 ? rc : VG_OK;
    root = vg_stix_scan(data, len, &err);
    if (!root) {
        vg_diag_add(diag, lv, WHERE, "%s: not valid JSON: %s (line %d, column %d)", path, err.text,
                    err.line, err.column);
        *not_bundle = 1;
        return VG_E_CORRUPT;
    }
    type = str_field(root, "type");
    objects = json_object_get(root, "objects");
    if (!type || strcmp(type, "bundle") != 0 || !json_is_array(objects)) {
        vg_diag_add(diag, lv, WHERE, "%s: not a STIX2 bundle (%s)", path,
                    !type || strcmp(type, "bundle") != 0 ? "\"type\" is not \"bundle\""
                                                         : "no \"objects\" array");
        *not_bundle = 1;
        rc = VG_E_CORRUPT;
        goto out;
    }
    b.x = x;
    b.diag = diag;
    b.name = base_name(path);
    fallback_name(b.name, b.fallback, sizeof(b.fallback));
    if ((rc = vg_index_add_file(x, path, b.name, sha, &b.file)) != VG_OK)
        goto out;
    b.name = x->files[b.file].name;
    rc = load_objects(&b, objects);
    if (rc != VG_OK)
        vg_diag_add(diag, VG_DIAG_ERROR, WHERE, "%s: %s", path, vg_strerror(rc));
out:
    bundle_free(&b);
    json_decref(root);
    return rc;
}

int vg_iocs_load_buffer(struct vg_iocs *x, const char *name, const char *data, size_t len,
                        struct vg_diag *diag)
{
    int not_bundle = 0;

    if (!x || !name || (!data && len))
        return VG_E_INVAL;
    if (len > VG_MAX_STIX_FILE) {
        vg_diag_add(diag, VG_DIAG_ERROR, WHERE, "%s: %zu bytes, more than the %u allowed", name,
                    len, VG_MAX_STIX_FILE);
        return VG_E_LIMIT;
    }
    return load_bundle(x, name, data ? data : "", len, diag, VG_DIAG_ERROR, &not_bundle);
}

/* ------------------------------------------------------------ files, folders */

static int read_file(const char *path, char **data, size_t *len, struct vg_diag *diag,
                     enum vg_diag_level lv)
{
    FILE *f = fopen(path, "rb");
    struct stat st;
    char *buf = NULL;
    int rc = VG_E_IO;

    if (!f || fstat(fileno(f), &st) != 0) {
        vg_diag_add(diag, lv, WHERE, "%s: cannot open: %s", path, strerror(errno));
        goto out;
    }
    if (st.st_size < 0 || (uint64_t)st.st_size > VG_MAX_STIX_FILE) {
        vg_diag_add(diag, lv, WHERE, "%s: %lld bytes, more than the %u allowed", path,
                    (long long)st.st_size, VG_MAX_STIX_FILE);
        rc = VG_E_LIMIT;
        goto out;
    }
    buf = vg_malloc((size_t)st.st_size + 1);
    if (!buf) {
        rc = VG_E_NOMEM;
        goto out;
    }
    if (fread(buf, 1, (size_t)st.st_size, f) != (size_t)st.st_size || ferror(f)) {
        vg_diag_add(diag, lv, WHERE, "%s: read error", path);
        goto out;
    }
    *data = buf;
    *len = (size_t)st.st_size;
    buf = NULL;
    rc = VG_OK;
out:
    free(buf);
    if (f)
        fclose(f);
    return rc;
}

/* A file named by the user that cannot be loaded is an error; one of many
 * found in a folder is a warning naming it, and the others still load
 * (one damaged download must not stop a check). Running out of memory or
 * room in the index stays an error either way. */
static int load_file(struct vg_iocs *x, const char *path, int in_dir, struct vg_diag *diag)
{
    enum vg_diag_level lv = in_dir ? VG_DIAG_WARN : VG_DIAG_ERROR;
    char *data = NULL;
    size_t len = 0;
    int not_bundle = 0, rc = read_file(path, &data, &len, diag, lv);

    if (rc == VG_OK)
        rc = load_bundle(x, path, data, len, diag, lv, &not_bundle);
    else if (rc != VG_E_NOMEM)
        not_bundle = 1; /* unreadable, or too large */
    free(data);
    return in_dir && not_bundle ? VG_OK : rc;
}

static int bundle_ext(const char *name)
{
    size_t n = strlen(name);
    return (n > 6 && vg_str_casecmp(name + n - 6, ".stix2") == 0) ||
           (n > 5 && vg_str_casecmp(name + n - 5, ".json") == 0);
}

/* Entry names of a folder, sorted byte-wise so load order (and so which
 * duplicate wins) never depends on readdir order. Hidden entries are left
 * out. */
static int list_dir(const char *path, char ***names, size_t *count, struct vg_diag *diag)
{
    DIR *d = opendir(path);
    struct dirent *e;
    char **v = NULL;
    size_t n = 0, cap = 0;
    int rc = VG_OK;

    if (!d) {
        vg_diag_add(diag, VG_DIAG_ERROR, WHERE, "%s: cannot open folder: %s", path,
                    strerror(errno));
        return VG_E_IO;
    }
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (n >= VG_MAX_IOC_DIR_FILES) {
            vg_diag_add(diag, VG_DIAG_WARN, WHERE, "%s: more than %u entries, rest not read", path,
                        VG_MAX_IOC_DIR_FILES);
            break;
        }
        if (n == cap) {
            char **nv = vg_realloc_array(v, cap ? cap * 2 : 32, sizeof(*v));
            if (!nv) {
                rc = VG_E_NOMEM;
                break;
            }
            v = nv;
            cap = cap ? cap * 2 : 32;
        }
        if (!(v[n] = vg_strdup(e->d_name))) {
            rc = VG_E_NOMEM;
            break;
        }
        n++;
    }
    closedir(d);
    if (n)
        qsort(v, n, sizeof(*v), vg_strcmp_ptr);
    *names = v;
    *count = n;
    return rc;
}

static int load_tree(struct vg_iocs *x, const char *path, unsigned depth, struct vg_diag *diag);

static int load_dir(struct vg_iocs *x, const char *path, unsigned depth, struct vg_diag *diag)
{
    char **names = NULL;
    size_t n = 0, i;
    int rc, first = VG_OK;

    if (depth > VG_MAX_IOC_DIR_DEPTH) {
        vg_diag_add(diag, VG_DIAG_WARN, WHERE, "%s: more than %u folders deep, not read", path,
                    VG_MAX_IOC_DIR_DEPTH);
        return VG_OK;
    }
    first = list_dir(path, &names, &n, diag);
    for (i = 0; i < n; i++) {
        char *child = vg_asprintf("%s/%s", path, names[i]);
        struct stat st;
        rc = VG_OK;
        if (!child)
            rc = VG_E_NOMEM;
        else if (stat(child, &st) != 0) {
            /* a dangling or looping link: said when it looks like a bundle */
            if (bundle_ext(names[i]))
                vg_diag_add(diag, VG_DIAG_WARN, WHERE, "%s: cannot read: %s", child,
                            strerror(errno));
        } else if (S_ISDIR(st.st_mode))
            rc = load_tree(x, child, depth + 1, diag);
        else if (S_ISREG(st.st_mode) && bundle_ext(names[i]))
            rc = load_file(x, child, 1, diag);
        if (rc != VG_OK && first == VG_OK)
            first = rc;
        free(child);
        free(names[i]);
    }
    free(names);
    return first;
}

static int load_tree(struct vg_iocs *x, const char *path, unsigned depth, struct vg_diag *diag)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        vg_diag_add(diag, VG_DIAG_ERROR, WHERE, "%s: %s", path, strerror(errno));
        return VG_E_NOTFOUND;
    }
    return S_ISDIR(st.st_mode) ? load_dir(x, path, depth, diag) : load_file(x, path, 0, diag);
}

int vg_iocs_load_path(struct vg_iocs *x, const char *path, struct vg_diag *diag)
{
    if (!x || !path || !*path)
        return VG_E_INVAL;
    return load_tree(x, path, 0, diag);
}

/* ------------------------------------------------------------ environment */

static int load_env_list(struct vg_iocs *x, const char *var, struct vg_diag *diag)
{
    const char *list = getenv(var), *p;
    int first = VG_OK;

    for (p = list; p && *p;) {
        const char *end = strchr(p, ':');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n) {
            char *path = vg_strndup(p, n);
            struct stat st;
            int rc = VG_E_NOMEM;
            if (path && stat(path, &st) != 0) {
                vg_diag_add(diag, VG_DIAG_WARN, WHERE, "%s (from $%s): %s", path, var,
                            strerror(errno));
                rc = VG_OK;
            } else if (path) {
                rc = vg_iocs_load_path(x, path, diag);
            }
            if (rc != VG_OK && first == VG_OK)
                first = rc;
            free(path);
        }
        p += n;
        if (*p == ':')
            p++;
    }
    return first;
}

int vg_iocs_load_env(struct vg_iocs *x, struct vg_diag *diag)
{
    char *dir;
    struct stat st;
    int rc, first;

    if (!x)
        return VG_E_INVAL;
    first = load_env_list(x, "VIGIE_IOCS", diag);
    rc = load_env_list(x, "MVT_STIX2", diag);
    if (first == VG_OK)
        first = rc;
    if (vg_iocs_user_dir(&dir) != VG_OK)
        dir = NULL;
    if (dir && stat(dir, &st) == 0 && S_ISDIR(st.st_mode)) {
        rc = vg_iocs_load_path(x, dir, diag);
        if (first == VG_OK)
            first = rc;
    }
    free(dir);
    return first;
}
