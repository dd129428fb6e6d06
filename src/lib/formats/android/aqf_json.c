/* SPDX-License-Identifier: Apache-2.0 */
#include "util/vg.h"

#include <math.h>

#include "formats/android/aqf_json.h"
#include "formats/android/mounts.h"
#include "util/text.h"
#include "util/utf8.h"

/* ---- items of a top-level array, one at a time ----
 *
 * jansson parses one value from a buffer; it cannot hand out an array's
 * items one by one, nor resume after a damaged item. So the extent of each
 * item is found by hand here (strings, escapes and bracket depth only:
 * jansson then checks the item's grammar), and each item is given to
 * jansson alone. */

typedef int (*item_fn)(struct vg_aqf_sink *s, json_t *item, size_t index, void *ctx);

static int js_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static size_t js_skip_blank(const char *p, size_t n, size_t off)
{
    while (off < n && js_blank(p[off]))
        off++;
    return off;
}

/* Past the closing quote of the string opening at p[off]. */
static int js_string_end(const char *p, size_t n, size_t off, size_t *end)
{
    for (off++; off < n; off++) {
        if (p[off] == '\\')
            off++;
        else if (p[off] == '"') {
            *end = off + 1;
            return VG_OK;
        }
    }
    return VG_E_TRUNCATED;
}

static int js_scalar_char(char c)
{
    return !js_blank(c) && c != ',' && c != ']' && c != '}' && c != '[' && c != '{' && c != '"' &&
           c != ':';
}

/* The end of the value starting at p[off]. VG_E_CORRUPT when no value
 * starts there, VG_E_TRUNCATED when it runs past the end. */
static int js_extent(const char *p, size_t n, size_t off, size_t *end)
{
    size_t depth = 0, i = off;
    int rc;

    if (off >= n)
        return VG_E_TRUNCATED;
    if (p[i] == '"')
        return js_string_end(p, n, i, end);
    if (p[i] != '{' && p[i] != '[') {
        while (i < n && js_scalar_char(p[i]))
            i++;
        if (i == off)
            return VG_E_CORRUPT;
        *end = i;
        return VG_OK;
    }
    while (i < n) {
        if (p[i] == '"') {
            rc = js_string_end(p, n, i, &i);
            if (rc != VG_OK)
                return rc;
            continue;
        }
        if (p[i] == '{' || p[i] == '[') {
            if (++depth > VG_MAX_JSON_DEPTH)
                return VG_E_LIMIT;
        } else if ((p[i] == '}' || p[i] == ']') && --depth == 0) {
            *end = i + 1;
            return VG_OK;
        }
        i++;
    }
    return VG_E_TRUNCATED;
}

/* A JSON integer literal (-?(0|[1-9][0-9]*)) that int64 cannot hold.
 * Anything else (a real, a fitting integer, no number at all) is 0: only
 * well-formed integers are quoted, nothing broken is mended. */
static int js_big_int(const char *p, size_t n)
{
    struct vg_str t = {p, n};
    size_t i = p[0] == '-';
    int64_t v;

    if (i >= n || (p[i] == '0' && n - i > 1))
        return 0;
    for (; i < n; i++)
        if (p[i] < '0' || p[i] > '9')
            return 0;
    return !vg_str_to_i64(t, &v);
}

/* Walks the numbers outside strings; with b set, copies p into b with
 * every big integer quoted. Returns how many big integers there are (or
 * -1 when b could not grow). */
static long js_big_ints(const char *p, size_t n, struct vg_buf *b)
{
    size_t i = 0, j, from = 0;
    long found = 0;

    while (i < n) {
        if (p[i] == '"') {
            if (js_string_end(p, n, i, &i) != VG_OK)
                break;
            continue;
        }
        if (!(p[i] == '-' || (p[i] >= '0' && p[i] <= '9'))) {
            i++;
            continue;
        }
        j = i;
        while (j < n && js_scalar_char(p[j]))
            j++;
        if (js_big_int(p + i, j - i)) {
            found++;
            if (b &&
                (vg_buf_append(b, p + from, i - from) != VG_OK ||
                 vg_buf_append_char(b, '"') != VG_OK || vg_buf_append(b, p + i, j - i) != VG_OK ||
                 vg_buf_append_char(b, '"') != VG_OK))
                return -1;
            from = j;
        }
        i = j;
    }
    if (b && vg_buf_append(b, p + from, n - from) != VG_OK)
        return -1;
    return found;
}

long vg_aqf_json_big_ints(const char *p, size_t n, struct vg_buf *b)
{
    return js_big_ints(p, n, b);
}

/* One item, made fit for jansson and parsed. *out NULL: skipped (warned). */
static int js_load(struct vg_aqf_sink *s, const char *p, size_t n, size_t at, size_t index,
                   json_t **out)
{
    struct vg_buf fixed, quoted;
    json_error_t err;
    int rc = VG_OK;

    *out = NULL;
    /* U+FFFD takes 3 bytes for each bad one; quotes add 2 to 20 digits */
    vg_buf_init(&fixed, (size_t)VG_MAX_AQF_JSON_ITEM * 3);
    vg_buf_init(&quoted, (size_t)VG_MAX_AQF_JSON_ITEM * 4);
    if (n > VG_MAX_AQF_JSON_ITEM) {
        vg_aqf_warn(s, "[%zu] at offset %zu: %zu bytes, more than %u: skipped", index, at, n,
                    VG_MAX_AQF_JSON_ITEM);
        goto out;
    }
    if (!vg_utf8_valid(p, n)) {
        rc = vg_utf8_repair(&fixed, p, n);
        if (rc != VG_OK)
            goto out;
        vg_aqf_warn(s, "[%zu] at offset %zu: not valid UTF-8: invalid bytes read as U+FFFD", index,
                    at);
        p = fixed.data;
        n = fixed.len;
    }
    if (js_big_ints(p, n, NULL) > 0) {
        if (js_big_ints(p, n, &quoted) < 0) {
            rc = VG_E_NOMEM;
            goto out;
        }
        p = quoted.data;
        n = quoted.len;
    }
    *out = json_loadb(p, n, JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);
    if (!*out)
        vg_aqf_warn(s, "[%zu] at offset %zu: %s (item byte %d): skipped", index, at, err.text,
                    err.position);
out:
    vg_buf_free(&fixed);
    vg_buf_free(&quoted);
    return rc;
}

/* Reads the value at *off and hands it to fn; *off is left after it. */
static int js_item(struct vg_aqf_sink *s, const char *p, size_t n, size_t *off, size_t index,
                   item_fn fn, void *ctx)
{
    json_t *item;
    size_t end;
    int rc;

    rc = js_extent(p, n, *off, &end);
    if (rc == VG_E_CORRUPT)
        vg_aqf_warn(s, "offset %zu: byte 0x%02x where an item should start: the rest is not read",
                    *off, (unsigned char)p[*off]);
    else if (rc == VG_E_LIMIT)
        vg_aqf_warn(s, "[%zu] at offset %zu: nested more than %u deep: the rest is not read", index,
                    *off, VG_MAX_JSON_DEPTH);
    else if (rc != VG_OK)
        vg_aqf_warn(s, "[%zu] at offset %zu: cut short at the end of the file", index, *off);
    if (rc != VG_OK)
        return rc == VG_E_LIMIT ? VG_E_CORRUPT : rc;
    rc = js_load(s, p + *off, end - *off, *off, index, &item);
    *off = end;
    if (rc != VG_OK || !item)
        return rc;
    return fn(s, item, index, ctx);
}

static int js_array(struct vg_aqf_sink *s, const char *p, size_t n, size_t off, item_fn fn,
                    void *ctx)
{
    size_t index = 0;
    int rc;

    off = js_skip_blank(p, n, off + 1);
    if (off < n && p[off] == ']')
        goto closed;
    for (;;) {
        rc = js_item(s, p, n, &off, index++, fn, ctx);
        if (rc != VG_OK)
            return rc;
        off = js_skip_blank(p, n, off);
        if (off < n && p[off] == ']')
            break;
        if (off >= n) {
            vg_aqf_warn(s, "the array has no closing ]: the file is cut short");
            return VG_E_TRUNCATED;
        }
        if (p[off] != ',') {
            vg_aqf_warn(s, "offset %zu: byte 0x%02x where , or ] should be: the rest is not read",
                        off, (unsigned char)p[off]);
            return VG_E_CORRUPT;
        }
        off = js_skip_blank(p, n, off + 1);
        if (off >= n) {
            vg_aqf_warn(s, "the array has no closing ]: the file is cut short");
            return VG_E_TRUNCATED;
        }
    }
closed:
    off = js_skip_blank(p, n, off + 1);
    if (off < n)
        vg_aqf_warn(s, "%zu bytes after the array (offset %zu) are not read", n - off, off);
    return VG_OK;
}

/* Values one after the other (one per line in files.json as some versions
 * of the collector wrote it; MVT reads that too). */
static int js_sequence(struct vg_aqf_sink *s, const char *p, size_t n, size_t off, item_fn fn,
                       void *ctx)
{
    size_t index = 0;
    int rc;

    while (off < n) {
        rc = js_item(s, p, n, &off, index++, fn, ctx);
        if (rc != VG_OK)
            return rc;
        off = js_skip_blank(p, n, off);
    }
    return VG_OK;
}

static int js_each(struct vg_aqf_sink *s, const void *data, size_t len, item_fn fn, void *ctx)
{
    const char *p = data ? data : "";
    size_t off;
    int rc;

    if (!data)
        len = 0;
    off = js_skip_blank(p, len, 0);
    if (off == len) {
        vg_aqf_warn(s, "empty: no records");
        rc = VG_OK;
    } else if (p[off] == '[') {
        rc = js_array(s, p, len, off, fn, ctx);
    } else if (p[off] == '{') {
        rc = js_sequence(s, p, len, off, fn, ctx);
    } else if (len - off >= 4 && memcmp(p + off, "null", 4) == 0 &&
               js_skip_blank(p, len, off + 4) == len) {
        rc = VG_OK; /* Go writes an empty list as null */
    } else {
        vg_aqf_warn(s, "not a JSON array: byte 0x%02x at offset %zu", (unsigned char)p[off], off);
        rc = VG_E_CORRUPT;
    }
    return rc;
}

/* ---- shapes ---- */

enum {
    T_STR = 1,
    T_INT = 2,
    T_REAL = 4,
    T_BOOL = 8,
    T_NULL = 16,
    T_OBJ = 32,
    T_ARR = 64,
};

struct shape;

/* A known field: the types it may have; for an object, or an array of
 * objects, their shape; for an array of scalars, the items' types. */
struct field {
    const char *key;
    unsigned types;
    const struct shape *sub;
    unsigned items;
};

struct shape {
    const struct field *f;
    size_t n;
};

static unsigned js_type(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_STRING:
        return T_STR;
    case JSON_INTEGER:
        return T_INT;
    case JSON_REAL:
        return T_REAL;
    case JSON_TRUE:
    case JSON_FALSE:
        return T_BOOL;
    case JSON_NULL:
        return T_NULL;
    case JSON_OBJECT:
        return T_OBJ;
    case JSON_ARRAY:
        return T_ARR;
    }
    return 0;
}

static const char *js_type_name(unsigned t)
{
    switch (t) {
    case T_STR:
        return "a string";
    case T_INT:
        return "an integer";
    case T_REAL:
        return "a real";
    case T_BOOL:
        return "a boolean";
    case T_NULL:
        return "null";
    case T_OBJ:
        return "an object";
    case T_ARR:
        return "an array";
    }
    return "a number"; /* T_INT | T_REAL */
}

/* What a set of types is called in a warning: its main type. */
static const char *js_want_name(unsigned types)
{
    static const unsigned order[] = {T_ARR, T_OBJ, T_INT, T_BOOL, T_STR, T_REAL};
    size_t i;

    if ((types & (T_INT | T_REAL)) == (T_INT | T_REAL))
        return "a number";
    for (i = 0; i < VG_ARRAY_LEN(order); i++)
        if (types & order[i])
            return js_type_name(order[i]);
    return js_type_name(T_NULL);
}

static void js_check_shape(struct vg_aqf_sink *s, const json_t *obj, const struct shape *sh,
                           const char *path);

static void js_check_value(struct vg_aqf_sink *s, const json_t *v, unsigned types,
                           const struct shape *sub, const char *path)
{
    unsigned t = js_type(v);

    if (!(t & types)) {
        vg_aqf_warn(s, "%s: expected %s, found %s", path, js_want_name(types), js_type_name(t));
        return;
    }
    if (t == T_OBJ && sub)
        js_check_shape(s, v, sub, path);
}

static void js_check_items(struct vg_aqf_sink *s, const json_t *arr, const struct field *f,
                           const char *path)
{
    char sub[256];
    size_t i;

    for (i = 0; i < json_array_size(arr); i++) {
        (void)vg_snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
        js_check_value(s, json_array_get(arr, i), f->sub ? T_OBJ : f->items, f->sub, sub);
    }
}

static void js_check_shape(struct vg_aqf_sink *s, const json_t *obj, const struct shape *sh,
                           const char *path)
{
    char sub[256];
    const json_t *v;
    size_t i;

    for (i = 0; i < sh->n; i++) {
        v = json_object_get(obj, sh->f[i].key);
        if (!v)
            continue;
        (void)vg_snprintf(sub, sizeof(sub), "%s.%s", path, sh->f[i].key);
        js_check_value(s, v, sh->f[i].types, sh->f[i].sub, sub);
        if (json_is_array(v) && (sh->f[i].sub || sh->f[i].items))
            js_check_items(s, v, &sh->f[i], sub);
    }
}

/* An item that must be an object of shape sh: checked, then delivered. */
static int js_object_item(struct vg_aqf_sink *s, json_t *item, size_t index, const struct shape *sh)
{
    char path[32];

    (void)vg_snprintf(path, sizeof(path), "[%zu]", index);
    if (!json_is_object(item)) {
        vg_aqf_warn(s, "%s: expected an object, found %s: skipped", path,
                    js_type_name(js_type(item)));
        json_decref(item);
        return VG_OK;
    }
    js_check_shape(s, item, sh, path);
    return vg_aqf_emit(s, item);
}

#define SHAPE(a)                                                                                   \
    {                                                                                              \
        a, VG_ARRAY_LEN(a)                                                                         \
    }

/* ---- packages.json (androidqf adb/packages.go, apkverifier.CertInfo) ---- */

static const struct field cert_fields[] = {
    {"Md5", T_STR, NULL, 0},
    {"Sha1", T_STR, NULL, 0},
    {"Sha256", T_STR, NULL, 0},
    {"ValidFrom", T_STR, NULL, 0},
    {"ValidTo", T_STR, NULL, 0},
    {"Issuer", T_STR, NULL, 0},
    {"Subject", T_STR, NULL, 0},
    {"SignatureAlgorithm", T_STR, NULL, 0},
    /* a big.Int: null when unset, a string here when beyond 64 bits */
    {"SerialNumber", T_INT | T_STR | T_NULL, NULL, 0},
};
static const struct shape cert_shape = SHAPE(cert_fields);

static const struct field pkg_file_fields[] = {
    {"path", T_STR, NULL, 0},
    {"local_name", T_STR, NULL, 0},
    {"md5", T_STR, NULL, 0},
    {"sha1", T_STR, NULL, 0},
    {"sha256", T_STR, NULL, 0},
    {"sha512", T_STR, NULL, 0},
    {"error", T_STR, NULL, 0},
    {"verified_certificate", T_BOOL, NULL, 0},
    {"certificate", T_OBJ, &cert_shape, 0},
    {"certificate_error", T_STR, NULL, 0},
    {"trusted_certificate", T_BOOL, NULL, 0},
};
static const struct shape pkg_file_shape = SHAPE(pkg_file_fields);

static const struct field pkg_fields[] = {
    {"name", T_STR, NULL, 0},         {"files", T_ARR | T_NULL, &pkg_file_shape, 0},
    {"installer", T_STR, NULL, 0},    {"uid", T_INT, NULL, 0},
    {"disabled", T_BOOL, NULL, 0},    {"system", T_BOOL, NULL, 0},
    {"third_party", T_BOOL, NULL, 0},
};
static const struct shape pkg_shape = SHAPE(pkg_fields);

static int pkg_item(struct vg_aqf_sink *s, json_t *item, size_t index, void *ctx)
{
    (void)ctx;
    if (json_is_object(item) && !json_object_get(item, "name"))
        vg_aqf_warn(s, "[%zu]: a package without a name", index);
    return js_object_item(s, item, index, &pkg_shape);
}

int vg_aqf_packages_parse(const void *data, size_t len, struct vg_aqf_sink *s)
{
    int rc = js_each(s, data, len, pkg_item, NULL);

    vg_aqf_warn_done(s);
    return rc;
}

/* ---- processes.json (android-collector cmd/ps.go) ---- */

static const struct field proc_fields[] = {
    {"pid", T_INT, NULL, 0},
    {"uid", T_INT, NULL, 0},
    {"ppid", T_INT, NULL, 0},
    {"pgroup", T_INT, NULL, 0},
    {"psid", T_INT, NULL, 0},
    {"filename", T_STR, NULL, 0},
    {"priority", T_INT, NULL, 0},
    {"state", T_STR, NULL, 0},
    {"user_time", T_INT, NULL, 0},
    {"kernel_time", T_INT, NULL, 0},
    {"path", T_STR, NULL, 0},
    {"context", T_STR, NULL, 0},
    {"previous_context", T_STR, NULL, 0},
    {"command_line", T_ARR | T_NULL, NULL, T_STR},
    {"env", T_ARR | T_NULL, NULL, T_STR},
    {"cwd", T_STR, NULL, 0},
};
static const struct shape proc_shape = SHAPE(proc_fields);

static int proc_item(struct vg_aqf_sink *s, json_t *item, size_t index, void *ctx)
{
    (void)ctx;
    return js_object_item(s, item, index, &proc_shape);
}

int vg_aqf_processes_parse(const void *data, size_t len, struct vg_aqf_sink *s)
{
    int rc = js_each(s, data, len, proc_item, NULL);

    vg_aqf_warn_done(s);
    return rc;
}

/* ---- files.json (androidqf adb/collector.go FileInfo) ---- */

static const struct field file_fields[] = {
    {"path", T_STR, NULL, 0},
    {"size", T_INT, NULL, 0},
    {"mode", T_STR, NULL, 0},
    {"user_id", T_INT, NULL, 0},
    {"user_name", T_STR, NULL, 0},
    {"group_id", T_INT, NULL, 0},
    {"group_name", T_STR, NULL, 0},
    {"changed_time", T_INT | T_REAL, NULL, 0},
    {"modified_time", T_INT | T_REAL, NULL, 0},
    {"access_time", T_INT | T_REAL, NULL, 0},
    {"error", T_STR, NULL, 0},
    {"context", T_STR, NULL, 0},
    {"sha1", T_STR, NULL, 0},
    {"sha256", T_STR, NULL, 0},
    {"sha512", T_STR, NULL, 0},
    {"md5", T_STR, NULL, 0},
};
static const struct shape file_shape = SHAPE(file_fields);

/* MVT: fromtimestamp(t, UTC), moved to the device's zone, written as its
 * wall clock. */
static int file_time(struct vg_aqf_sink *s, const struct vg_aqf_tz *tz, json_t *obj,
                     const char *key, size_t index)
{
    char iso[VG_ISODATE_LEN + 1];
    json_t *v = json_object_get(obj, key);
    int64_t off = 0, secs;
    double t;
    int ok;

    if (!v || !json_is_number(v))
        return VG_OK; /* missing is fine; a wrong type was warned about */
    t = json_number_value(v);
    secs = json_is_integer(v) ? json_integer_value(v) : 0;
    if (json_is_real(v) && isfinite(t) && t > -1e12 && t < 1e12)
        secs = (int64_t)t;
    if (!tz || !tz->utc_offset || tz->utc_offset(tz->ud, secs, &off) != VG_OK || off < -86400 ||
        off > 86400)
        off = 0;
    if (json_is_integer(v))
        ok = secs > INT64_MIN + 86400 && secs < INT64_MAX - 86400 &&
             vg_isodate(secs + off, 0, iso) == VG_OK;
    else
        ok = vg_isodate_double(t + (double)off, iso) == VG_OK;
    if (!ok && json_is_integer(v))
        vg_aqf_warn(
            s, "[%zu].%s: %" JSON_INTEGER_FORMAT " is no time of the years 1-9999: left as it is",
            index, key, json_integer_value(v));
    else if (!ok)
        vg_aqf_warn(s, "[%zu].%s: %.17g is no time of the years 1-9999: left as it is", index, key,
                    t);
    if (!ok)
        return VG_OK;
    return json_object_set_new(obj, key, json_string(iso)) == 0 ? VG_OK : VG_E_NOMEM;
}

static int file_item(struct vg_aqf_sink *s, json_t *item, size_t index, void *ctx)
{
    static const char *const times[] = {"access_time", "changed_time", "modified_time"};
    const struct vg_aqf_tz *tz = ctx;
    size_t i;
    int rc;

    if (json_is_object(item)) {
        /* shape first: the times are strings after this */
        char path[32];

        (void)vg_snprintf(path, sizeof(path), "[%zu]", index);
        js_check_shape(s, item, &file_shape, path);
        for (i = 0; i < VG_ARRAY_LEN(times); i++) {
            rc = file_time(s, tz, item, times[i], index);
            if (rc != VG_OK) {
                json_decref(item);
                return rc;
            }
        }
        return vg_aqf_emit(s, item);
    }
    return js_object_item(s, item, index, &file_shape);
}

int vg_aqf_files_parse(const void *data, size_t len, const struct vg_aqf_tz *tz,
                       struct vg_aqf_sink *s)
{
    struct vg_aqf_tz z = {NULL, NULL};
    int rc;

    if (tz)
        z = *tz;
    rc = js_each(s, data, len, file_item, &z);

    vg_aqf_warn_done(s);
    return rc;
}

/* ---- root_binaries.json (androidqf modules/root_binaries.go) ---- */

static const struct {
    const char *name, *description;
} root_binaries[] = {
    {"su", "SuperUser binary"},
    {"busybox", "BusyBox utilities"},
    {"supersu", "SuperSU root management"},
    {"superuser.apk", "Superuser app"},
    {"kingouser.apk", "KingRoot app"},
    {"supersu.apk", "SuperSU app"},
    {"magisk", "Magisk root framework"},
    {"magiskhide", "Magisk hide utility"},
    {"magiskinit", "Magisk init binary"},
    {"magiskpolicy", "Magisk policy binary"},
};

const char *vg_aqf_root_binary_description(const char *name)
{
    size_t i;

    for (i = 0; name && i < VG_ARRAY_LEN(root_binaries); i++)
        if (strcmp(name, root_binaries[i].name) == 0)
            return root_binaries[i].description;
    return "Unknown root binary";
}

static int rb_emit(struct vg_aqf_sink *s, struct vg_str path)
{
    json_t *rec = json_object();
    char *name = NULL;
    long slash = -1;
    size_t i;
    int rc = VG_E_NOMEM;

    for (i = 0; i < path.n; i++)
        if (path.p[i] == '/')
            slash = (long)i;
    name = vg_strndup(path.p + slash + 1, path.n - (size_t)(slash + 1));
    if (!rec || !name)
        goto out;
    vg_str_lower(name);
    if (json_object_set_new(rec, "path", vg_aqf_str(path.p, path.n)) != 0 ||
        json_object_set_new(rec, "binary_name", json_string(name)) != 0 ||
        json_object_set_new(rec, "description",
                            json_string(vg_aqf_root_binary_description(name))) != 0)
        goto out;
    rc = vg_aqf_emit(s, rec);
    rec = NULL;
out:
    json_decref(rec);
    free(name);
    return rc;
}

static int rb_item(struct vg_aqf_sink *s, json_t *item, size_t index, void *ctx)
{
    struct vg_str text, line;
    struct vg_lines l;
    size_t paths = 0;
    int rc = VG_OK;

    (void)ctx;
    if (!json_is_string(item)) {
        vg_aqf_warn(s, "[%zu]: expected a string, found %s: skipped", index,
                    js_type_name(js_type(item)));
        json_decref(item);
        return VG_OK;
    }
    text.p = json_string_value(item);
    text.n = json_string_length(item);
    vg_lines_init(&l, text.p, text.n, 0);
    while (rc == VG_OK && vg_lines_next(&l, &line)) {
        line = vg_str_strip(line);
        if (line.n == 0)
            continue;
        paths++;
        rc = rb_emit(s, line);
    }
    if (rc == VG_OK && paths == 0)
        vg_aqf_warn(s, "[%zu]: an empty path: skipped", index);
    json_decref(item);
    return rc;
}

int vg_aqf_root_binaries_parse(const void *data, size_t len, struct vg_aqf_sink *s)
{
    int rc = js_each(s, data, len, rb_item, NULL);

    vg_aqf_warn_done(s);
    return rc;
}

/* ---- mounts.json (androidqf modules/mounts.go) ---- */

static int mounts_item(struct vg_aqf_sink *s, json_t *item, size_t index, void *ctx)
{
    struct vg_buf *b = ctx;
    int rc = VG_OK;

    if (!json_is_string(item))
        vg_aqf_warn(s, "[%zu]: expected a string, found %s: skipped", index,
                    js_type_name(js_type(item)));
    else if (b->len)
        rc = vg_buf_append_char(b, '\n');
    if (rc == VG_OK && json_is_string(item))
        rc = vg_buf_append(b, json_string_value(item), json_string_length(item));
    json_decref(item);
    return rc;
}

int vg_aqf_mounts_parse(const void *data, size_t len, struct vg_aqf_sink *s)
{
    struct vg_buf text;
    int rc, rc2;

    /* decoded strings and separators never outgrow the file, but for
     * invalid UTF-8, whose bytes become 3-byte U+FFFD */
    vg_buf_init(&text, len < SIZE_MAX / 4 ? 3 * len + 1 : SIZE_MAX - 1);
    rc = js_each(s, data, len, mounts_item, &text);
    if (rc == VG_E_LIMIT || rc == VG_E_NOMEM) {
        vg_aqf_warn_done(s);
        vg_buf_free(&text);
        return rc;
    }
    rc2 = vg_mounts_parse(text.data, text.len, s); /* says the warnings' count */
    vg_buf_free(&text);
    return rc2 != VG_OK ? rc2 : rc;
}
