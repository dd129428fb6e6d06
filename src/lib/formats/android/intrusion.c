/* SPDX-License-Identifier: Apache-2.0 */
#include "util/vg.h"

#include <math.h>

#include <openssl/evp.h>

#include "formats/android/intrusion.h"
#include "util/buf.h"
#include "util/text.h"
#include "util/utf8.h"

#define WHERE "intrusion logs"

/* ---- type tables ---- */

struct sec_row {
    const char *key;
    int tag;
    const char *title;
};

static const struct sec_row sec_rows[] = {
    {NULL, 0, NULL}, /* VG_IL_SEC_NONE */
#define VG_IL_SEC_ROW(id, key, tag, title) {key, tag, title},
    VG_IL_SEC_LIST(VG_IL_SEC_ROW)
#undef VG_IL_SEC_ROW
        {NULL, 0, NULL}, /* VG_IL_SEC_UNKNOWN */
};

const char *vg_il_sec_key(enum vg_il_sec t)
{
    return (unsigned)t < VG_ARRAY_LEN(sec_rows) ? sec_rows[t].key : NULL;
}

int vg_il_sec_tag(enum vg_il_sec t)
{
    return (unsigned)t < VG_ARRAY_LEN(sec_rows) ? sec_rows[t].tag : 0;
}

const char *vg_il_sec_title(enum vg_il_sec t)
{
    return (unsigned)t < VG_ARRAY_LEN(sec_rows) ? sec_rows[t].title : NULL;
}

enum vg_il_sec vg_il_sec_by_key(const char *key)
{
    size_t i;

    for (i = 1; key && i + 1 < VG_ARRAY_LEN(sec_rows); i++)
        if (strcmp(sec_rows[i].key, key) == 0)
            return (enum vg_il_sec)i;
    return VG_IL_SEC_UNKNOWN;
}

enum vg_il_sec vg_il_sec_by_tag(int64_t tag)
{
    size_t i;

    for (i = 1; i + 1 < VG_ARRAY_LEN(sec_rows); i++)
        if (sec_rows[i].tag == tag)
            return (enum vg_il_sec)i;
    return VG_IL_SEC_UNKNOWN;
}

static const char *const kind_keys[] = {"dns_event", "connect_event", "security_event"};

const char *vg_il_kind_key(enum vg_il_kind k)
{
    return (unsigned)k < VG_ARRAY_LEN(kind_keys) ? kind_keys[k] : NULL;
}

static enum vg_il_kind kind_of(const char *key)
{
    size_t i;

    for (i = 0; i < VG_ARRAY_LEN(kind_keys); i++)
        if (strcmp(kind_keys[i], key) == 0)
            return (enum vg_il_kind)i;
    return VG_IL_UNKNOWN;
}

const char *vg_il_addr_ip(const char *s)
{
    const char *slash = s ? strrchr(s, '/') : NULL;
    return slash ? slash + 1 : s;
}

/* ---- fields ---- */

static void bad_field(struct vg_il_event *ev, const char *field, const char *want)
{
    if (ev->n_bad++ == 0)
        (void)vg_snprintf(ev->bad, sizeof ev->bad, "%s.%s is not %s", ev->type, field, want);
}

/* An optional string field: NULL when absent, and when of another type
 * (counted). */
static const char *str_field(struct vg_il_event *ev, const char *field)
{
    const json_t *v = json_object_get(ev->data, field);

    if (!v || json_is_null(v))
        return NULL;
    if (json_is_string(v))
        return json_string_value(v);
    bad_field(ev, field, "text");
    return NULL;
}

static int int_field(struct vg_il_event *ev, const char *field, int64_t *out)
{
    const json_t *v = json_object_get(ev->data, field);

    if (!v || json_is_null(v))
        return 0;
    if (json_is_integer(v)) {
        *out = json_integer_value(v);
        return 1;
    }
    bad_field(ev, field, "an integer");
    return 0;
}

/* datetime.fromtimestamp(t): the microseconds rounded half to even, as
 * Python's _PyTime_ROUND_HALF_EVEN does (nearbyint in the default mode).
 * VG_E_LIMIT outside years 1 to 9999. */
static int py_split(double t, int64_t *sec, int32_t *usec)
{
    double whole, us;
    int64_t s;

    if (!isfinite(t) || t < -62135596800.0 || t > 253402300799.0)
        return VG_E_LIMIT;
    us = nearbyint(modf(t, &whole) * 1e6);
    s = (int64_t)whole;
    if (us >= 1e6) {
        us -= 1e6;
        s += 1;
    } else if (us < 0) {
        us += 1e6;
        s -= 1;
    }
    *sec = s;
    *usec = (int32_t)us;
    return VG_OK;
}

static void py_isodate(double t, char *buf)
{
    int64_t s;
    int32_t us;

    buf[0] = '\0';
    if (py_split(t, &s, &us) != VG_OK || vg_isodate(s, us, buf) != VG_OK)
        buf[0] = '\0';
}

int vg_il_event_time(const struct vg_il_event *ev, int64_t *sec, int32_t *usec)
{
    if (!ev->has_time)
        return VG_E_NOTFOUND;
    return py_split(ev->seconds, sec, usec);
}

/* MVT: `if event_time:` then event_time / 1000.0 (ms) or / 1e9 (ns). */
static void event_time(struct vg_il_event *ev, double per_second)
{
    const json_t *v = json_object_get(ev->data, "event_time");
    double t;

    if (!v || json_is_null(v))
        return;
    if (json_is_integer(v)) {
        ev->event_time = json_integer_value(v);
        t = (double)ev->event_time;
    } else if (json_is_real(v)) {
        t = json_real_value(v);
        ev->event_time = t >= -9.2e18 && t <= 9.2e18 ? (int64_t)t : 0;
    } else {
        bad_field(ev, "event_time", "a number");
        return;
    }
    if (t == 0)
        return;
    ev->has_time = 1;
    ev->seconds = t / per_second;
    py_isodate(ev->seconds, ev->isodate);
}

static void dns_fields(struct vg_il_event *ev)
{
    const json_t *a = json_object_get(ev->data, "ip_addresses");
    size_t i;
    const json_t *v;

    event_time(ev, 1000.0);
    ev->hostname = str_field(ev, "hostname");
    ev->package_name = str_field(ev, "package_name");
    if (a && !json_is_null(a) && !json_is_array(a)) {
        bad_field(ev, "ip_addresses", "a list");
        return;
    }
    ev->ip_addresses = a && json_is_array(a) ? a : NULL;
    json_array_foreach(ev->ip_addresses, i, v)
    {
        if (!json_is_string(v)) {
            bad_field(ev, "ip_addresses", "a list of text");
            break;
        }
    }
}

static void connect_fields(struct vg_il_event *ev)
{
    event_time(ev, 1000.0);
    ev->ip_address = str_field(ev, "ip_address");
    ev->package_name = str_field(ev, "package_name");
    ev->has_port = int_field(ev, "port", &ev->port);
}

static int metadata_key(const char *k)
{
    return strcmp(k, "event_id") == 0 || strcmp(k, "event_time") == 0 ||
           strcmp(k, "event_type") == 0 || strcmp(k, "timestamp") == 0;
}

static void security_fields(struct vg_il_event *ev)
{
    const char *k;
    json_t *v;

    event_time(ev, 1e9);
    ev->has_event_id = int_field(ev, "event_id", &ev->event_id);
    json_object_foreach(ev->data, k, v)
    {
        if (metadata_key(k))
            continue;
        ev->sec_key = k;
        ev->sec_info = v;
        ev->sec = vg_il_sec_by_key(k);
        /* the raw SecurityLog form names the type by number */
        if (ev->sec == VG_IL_SEC_UNKNOWN && strcmp(k, "tag") == 0 && json_is_integer(v) &&
            vg_il_sec_by_tag(json_integer_value(v)) != VG_IL_SEC_UNKNOWN) {
            ev->sec = vg_il_sec_by_tag(json_integer_value(v));
            ev->sec_by_number = 1;
        }
        return;
    }
    ev->sec = VG_IL_SEC_NONE;
}

/* ---- lines ---- */

/* Drops what is not UTF-8, as Python's decode(errors="ignore"). */
static int drop_invalid(const char *p, size_t n, struct vg_buf *b)
{
    const unsigned char *u = (const unsigned char *)p;
    size_t i = 0;
    int rc = VG_OK;

    while (i < n && rc == VG_OK) {
        uint32_t cp;
        size_t k = vg_utf8_next(u + i, n - i, &cp);
        if (cp != VG_UTF8_BAD)
            rc = vg_buf_append(b, u + i, k);
        i += k;
    }
    return rc;
}

static int deliver(json_t *root, size_t lineno, const char *display, struct vg_diag *diag,
                   vg_il_event_fn cb, void *ud)
{
    const char *key;
    json_t *val;
    size_t n = 0;
    int rc = VG_OK;

    json_object_foreach(root, key, val)
    {
        struct vg_il_event ev;
        if (!json_is_object(val)) {
            vg_diag_add(diag, VG_DIAG_WARN, WHERE,
                        "%s: line %zu: \"%.100s\" is not an object, "
                        "skipped",
                        display, lineno, key);
            continue;
        }
        if (++n > VG_MAX_IL_EVENTS) {
            vg_diag_add(diag, VG_DIAG_WARN, WHERE,
                        "%s: line %zu: more than %u events, the rest "
                        "skipped",
                        display, lineno, VG_MAX_IL_EVENTS);
            break;
        }
        memset(&ev, 0, sizeof ev);
        ev.kind = kind_of(key);
        ev.type = key;
        ev.data = val;
        ev.lineno = lineno;
        if (ev.kind == VG_IL_DNS)
            dns_fields(&ev);
        else if (ev.kind == VG_IL_CONNECT)
            connect_fields(&ev);
        else if (ev.kind == VG_IL_SECURITY)
            security_fields(&ev);
        if (cb && (rc = cb(ud, &ev)) != VG_OK)
            break;
    }
    return rc;
}

static int blank(const char *p, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n' && p[i] != '\v' &&
            p[i] != '\f')
            return 0;
    return 1;
}

int vg_il_parse_line(const char *line, size_t len, size_t lineno, const char *display,
                     struct vg_diag *diag, vg_il_event_fn cb, void *ud)
{
    struct vg_buf clean;
    json_error_t je;
    json_t *root;
    int rc;

    display = display ? display : "intrusion log";
    if (len > VG_MAX_IL_LINE) {
        vg_diag_add(diag, VG_DIAG_WARN, WHERE, "%s: line %zu: longer than %u bytes, skipped",
                    display, lineno, VG_MAX_IL_LINE);
        return VG_E_LIMIT;
    }
    if (blank(line, len))
        return VG_OK;
    vg_buf_init(&clean, VG_MAX_IL_LINE + 1);
    if (!vg_utf8_valid(line, len)) {
        vg_diag_add(diag, VG_DIAG_WARN, WHERE, "%s: line %zu: bytes that are not UTF-8, dropped",
                    display, lineno);
        if ((rc = drop_invalid(line, len, &clean)) != VG_OK) {
            vg_buf_free(&clean);
            return rc;
        }
        line = clean.data ? clean.data : "";
        len = clean.len;
    }
    root = json_loadb(line, len, JSON_ALLOW_NUL, &je);
    vg_buf_free(&clean);
    if (!root || !json_is_object(root)) {
        vg_diag_add(diag, VG_DIAG_WARN, WHERE, "%s: line %zu: %s%s, skipped", display, lineno,
                    root ? "not a JSON object" : "not JSON: ", root ? "" : je.text);
        json_decref(root);
        return VG_E_CORRUPT;
    }
    rc = deliver(root, lineno, display, diag, cb, ud);
    json_decref(root);
    return rc;
}

struct count_ctx {
    vg_il_event_fn cb;
    void *ud;
    struct vg_il_counts *c;
    int stop; /* the callback's value that stopped the walk */
};

static int count_event(void *ud, const struct vg_il_event *ev)
{
    struct count_ctx *x = ud;

    x->c->events++;
    if (ev->kind == VG_IL_UNKNOWN || (ev->kind == VG_IL_SECURITY && ev->sec == VG_IL_SEC_UNKNOWN))
        x->c->unknown++;
    x->stop = x->cb ? x->cb(x->ud, ev) : VG_OK;
    return x->stop;
}

int vg_il_parse_text(const char *text, size_t len, const char *display, struct vg_diag *diag,
                     vg_il_event_fn cb, void *ud, struct vg_il_counts *counts)
{
    struct vg_il_counts local;
    struct count_ctx x = {cb, ud, counts ? counts : &local, VG_OK};
    struct vg_lines l;
    struct vg_str line;
    int rc;

    memset(x.c, 0, sizeof *x.c);
    /* one byte past the cap: a cut line is then known to be too long */
    vg_lines_init(&l, text, len, VG_MAX_IL_LINE + 1u);
    while (vg_lines_next(&l, &line)) {
        size_t before = x.c->events;
        if (blank(line.p, line.n))
            continue;
        x.c->lines++;
        rc = vg_il_parse_line(line.p, line.n, l.lineno, display, diag, count_event, &x);
        if (x.stop != VG_OK)
            return x.stop;
        if (rc == VG_E_NOMEM)
            return rc;
        if (rc != VG_OK || x.c->events == before)
            x.c->skipped++;
    }
    return VG_OK;
}

int vg_il_fingerprint(const json_t *data, unsigned char out[32])
{
    char *s = json_dumps(data, JSON_SORT_KEYS | JSON_COMPACT | JSON_ENCODE_ANY);
    unsigned int n = 0;
    int ok;

    if (!s)
        return VG_E_NOMEM;
    ok = EVP_Digest(s, strlen(s), out, &n, EVP_sha256(), NULL) == 1 && n == 32;
    free(s);
    return ok ? VG_OK : VG_E_CRYPTO;
}
