/* SPDX-License-Identifier: Apache-2.0 */
#include "util/vg.h"

#include <math.h>
#include <stdlib.h>

#include <openssl/evp.h>

#include "formats/apple/nska.h"
#include "modules/ios/common.h"
#include "util/utf8.h"

struct plist_ctx {
    int (*fn)(struct vg_run *run, const struct vg_file *f, plist_t root, void *ud);
    void *ud;
};

static int plist_visit(struct vg_run *run, const struct vg_file *f, void *ud)
{
    struct plist_ctx *c = ud;
    unsigned char *data = NULL;
    size_t len = 0;
    plist_t root = NULL;
    int rc;

    if (vg_run_read(run, f, VG_MAX_PLIST_FILE, &data, &len) != VG_OK)
        return VG_OK;
    rc = vg_plist_parse(data, len, &root);
    vg_run_free_data(data, len);
    if (rc != VG_OK || !root) {
        vg_run_coverage(run, VG_COV_UNREADABLE, f->display, "not a valid property list");
        vg_run_log(run, VG_DIAG_WARN, "%s is not a valid property list", f->display);
        return VG_OK;
    }
    rc = c->fn(run, f, root, c->ud);
    plist_free(root);
    return rc;
}

int vg_ios_each_plist(struct vg_run *run,
                      int (*fn)(struct vg_run *run, const struct vg_file *f, plist_t root,
                                void *ud),
                      void *ud)
{
    struct plist_ctx c = {fn, ud};
    return vg_run_find_all(run, plist_visit, &c);
}

/* ---- times of record values ---- */

const char *vg_val_cocoa_iso(const struct vg_val *v, char *buf)
{
    double t = v->t == VG_VT_INT ? (double)v->u.i : v->t == VG_VT_REAL ? v->u.d : 0;

    if (t == 0 || vg_isodate_cocoa(t, buf) != VG_OK)
        buf[0] = '\0';
    return buf;
}

int vg_val_mactime_unix(const struct vg_val *v, double *out)
{
    double t;

    if (v->t == VG_VT_INT) {
        int64_t i = v->u.i;
        /* MVT: int(str(t)[:9]) when str(t) has 18 characters */
        if ((i >= 100000000000000000 && i <= 999999999999999999) ||
            (i > -100000000000000000 && i <= -10000000000000000))
            i /= 1000000000;
        t = (double)i;
    } else if (v->t == VG_VT_REAL) {
        t = v->u.d;
    } else {
        return 0;
    }
    if (t == 0.0 || !(fabs(t) < 1e12))
        return 0;
    *out = t + (double)VG_COCOA_EPOCH;
    return 1;
}

const char *vg_val_mactime_iso(const struct vg_val *v, char *buf)
{
    double t;

    if (!vg_val_mactime_unix(v, &t) || vg_isodate_double(t, buf) != VG_OK)
        buf[0] = '\0';
    return buf;
}

const char *vg_val_sms_date_iso(const struct vg_val *v, char *buf)
{
    int64_t t;

    if (v->t == VG_VT_REAL)
        return vg_val_cocoa_iso(v, buf);
    buf[0] = '\0';
    if (v->t != VG_VT_INT || v->u.i == 0)
        return buf;
    t = v->u.i;
    if (t > 100000000000LL || t < -100000000000LL)
        t /= 1000000000LL;
    if (vg_isodate(t + VG_COCOA_EPOCH, 0, buf) != VG_OK)
        buf[0] = '\0';
    return buf;
}

const char *vg_val_unix_iso(const struct vg_val *v, char *buf)
{
    double t = v->t == VG_VT_INT ? (double)v->u.i : v->t == VG_VT_REAL ? v->u.d : 0;

    if ((v->t != VG_VT_INT && v->t != VG_VT_REAL) || vg_isodate_double(t, buf) != VG_OK)
        buf[0] = '\0';
    return buf;
}

const char *vg_col_text(sqlite3_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(st, i);
}

json_t *vg_col_json_text(sqlite3_stmt *st, int i)
{
    const char *s = sqlite3_column_type(st, i) == SQLITE_NULL ? NULL : vg_col_text(st, i);
    json_t *j = s ? vg_json_utf8(s, strlen(s)) : NULL;

    /* repaired, not dropped: a hostile byte must not hide the rest */
    return j ? j : json_null();
}

json_t *vg_col_json_int(sqlite3_stmt *st, int i)
{
    if (sqlite3_column_type(st, i) == SQLITE_NULL)
        return json_null();
    return json_integer((json_int_t)sqlite3_column_int64(st, i));
}

json_t *vg_col_json_value(sqlite3_stmt *st, int i)
{
    const unsigned char *p;
    double d;

    switch (sqlite3_column_type(st, i)) {
    case SQLITE_INTEGER:
        return json_integer((json_int_t)sqlite3_column_int64(st, i));
    case SQLITE_FLOAT:
        d = sqlite3_column_double(st, i);
        return isfinite(d) ? json_real(d) : json_null();
    case SQLITE_TEXT:
    case SQLITE_BLOB:
        p = sqlite3_column_type(st, i) == SQLITE_BLOB ? sqlite3_column_blob(st, i)
                                                      : sqlite3_column_text(st, i);
        return vg_json_utf8(p ? p : (const unsigned char *)"", (size_t)sqlite3_column_bytes(st, i));
    default:
        return json_null();
    }
}

int vg_col_number(sqlite3_stmt *st, int i, double *out)
{
    int t = sqlite3_column_type(st, i);

    if (t != SQLITE_INTEGER && t != SQLITE_FLOAT)
        return 0;
    *out = sqlite3_column_double(st, i);
    return 1;
}

int vg_col_index(sqlite3_stmt *st, const char *name)
{
    int i, n = sqlite3_column_count(st);

    for (i = 0; i < n; i++) {
        const char *c = sqlite3_column_name(st, i);
        if (c && strcmp(c, name) == 0)
            return i;
    }
    return -1;
}

/* ---- times ---- */

static json_t *iso_or_empty(int rc, const char *buf)
{
    return json_string(rc == VG_OK ? buf : "");
}

json_t *vg_ios_cocoa_iso(double t)
{
    char buf[VG_ISODATE_LEN + 1];
    return iso_or_empty(t != 0 ? vg_isodate_cocoa(t, buf) : VG_E_INVAL, buf);
}

json_t *vg_ios_cocoa_iso_json(const json_t *v)
{
    return vg_ios_cocoa_iso(json_is_number(v) ? json_number_value(v) : 0);
}

int vg_plist_number(plist_t v, double *out)
{
    uint64_t u = 0;

    switch (v ? plist_get_node_type(v) : PLIST_NONE) {
    case PLIST_REAL:
        plist_get_real_val(v, out);
        return 1;
    case PLIST_UINT:
        plist_get_uint_val(v, &u);
        *out = (double)(int64_t)u;
        return 1;
    default:
        return 0;
    }
}

json_t *vg_ios_cocoa_iso_plist(plist_t v)
{
    double t = 0;
    int32_t sec = 0, usec = 0;

    if (v && plist_get_node_type(v) == PLIST_DATE) {
        plist_get_date_val(v, &sec, &usec);
        t = (double)sec + (double)usec / 1e6;
    } else if (!vg_plist_number(v, &t)) {
        t = 0;
    }
    return vg_ios_cocoa_iso(t);
}

json_t *vg_col_cocoa_iso(sqlite3_stmt *st, int i)
{
    double t = 0;
    return vg_ios_cocoa_iso(vg_col_number(st, i, &t) ? t : 0);
}

json_t *vg_ios_plist_date_iso(plist_t v)
{
    char buf[VG_ISODATE_LEN + 1];
    int32_t sec = 0, usec = 0;

    if (!v || plist_get_node_type(v) != PLIST_DATE)
        return json_string("");
    plist_get_date_val(v, &sec, &usec);
    return iso_or_empty(vg_isodate_cocoa((double)sec + (double)usec / 1e6, buf), buf);
}

int vg_ios_mactime_unix(const json_t *v, double *out)
{
    struct vg_val x;

    vg_val_from_json(&x, v);
    return vg_val_mactime_unix(&x, out);
}

json_t *vg_ios_mactime_iso(const json_t *v)
{
    char buf[VG_ISODATE_LEN + 1];
    double t;

    if (!vg_ios_mactime_unix(v, &t))
        return json_string("");
    return iso_or_empty(vg_isodate_double(t, buf), buf);
}

json_t *vg_ios_sms_date_iso(const json_t *v)
{
    char buf[VG_ISODATE_LEN + 1];
    struct vg_val x;

    vg_val_from_json(&x, v);
    return json_string(vg_val_sms_date_iso(&x, buf));
}

json_t *vg_col_unix_iso(sqlite3_stmt *st, int i)
{
    char buf[VG_ISODATE_LEN + 1];
    double t;

    if (!vg_col_number(st, i, &t))
        return json_string("");
    return iso_or_empty(vg_isodate_double(t, buf), buf);
}

/* ---- plists ---- */

static json_t *data_to_base64(const char *data, uint64_t len)
{
    unsigned char *out;
    json_t *j;
    size_t cap;
    int n;

    if (len > VG_MAX_PLIST_FILE)
        return json_null();
    cap = 4 * (((size_t)len + 2) / 3) + 1;
    out = vg_malloc(cap);
    if (!out)
        return NULL;
    n = EVP_EncodeBlock(out, (const unsigned char *)data, (int)len);
    j = n >= 0 ? json_stringn((const char *)out, (size_t)n) : json_null();
    free(out);
    return j;
}

static json_t *plist_string_json(plist_t node)
{
    const char *s = plist_get_string_ptr(node, NULL);
    json_t *j;

    if (!s)
        return json_null();
    /* up to a NUL, as the device reads it */
    j = json_string(s);
    /* text that is not UTF-8 has no JSON form: null, as before; valid
     * text that did not become a string is out of memory */
    return j || vg_utf8_valid(s, strlen(s)) ? j : json_null();
}

static json_t *plist_array_json(plist_t node)
{
    json_t *a = json_array();
    uint32_t i, n = plist_array_get_size(node);

    for (i = 0; a && i < n; i++) {
        json_t *v = vg_plist_to_json(plist_array_get_item(node, i));
        if (!v || json_array_append_new(a, v) != 0) {
            json_decref(a);
            a = NULL;
        }
    }
    return a;
}

static json_t *plist_dict_json(plist_t node)
{
    json_t *o = json_object();
    plist_dict_iter it = NULL;
    char *key = NULL;
    plist_t val = NULL;

    plist_dict_new_iter(node, &it);
    while (o) {
        json_t *v;
        key = NULL;
        plist_dict_next_item(node, it, &key, &val);
        if (!key)
            break;
        v = vg_plist_to_json(val);
        /* a key that is not UTF-8 cannot be a JSON key: left out, as before */
        if (!v || (json_object_set_new(o, key, v) != 0 && vg_utf8_valid(key, strlen(key)))) {
            json_decref(o);
            o = NULL;
        }
        free(key);
    }
    free(it);
    return o;
}

/* NULL only when out of memory. Recursion is bounded: vg_plist_parse
 * refuses trees deeper than VG_MAX_PLIST_DEPTH. */
json_t *vg_plist_to_json(plist_t node)
{
    if (!node)
        return json_null();
    switch (plist_get_node_type(node)) {
    case PLIST_BOOLEAN: {
        uint8_t b = 0;
        plist_get_bool_val(node, &b);
        return json_boolean(b);
    }
    case PLIST_UINT: {
        uint64_t v = 0;
        plist_get_uint_val(node, &v);
        return json_integer((json_int_t)v);
    }
    case PLIST_REAL: {
        double d = 0;
        plist_get_real_val(node, &d);
        return isfinite(d) ? json_real(d) : json_null(); /* JSON has no infinities */
    }
    case PLIST_STRING:
        return plist_string_json(node);
    case PLIST_DATA: {
        uint64_t len = 0;
        const char *d = plist_get_data_ptr(node, &len);
        return data_to_base64(d ? d : "", d ? len : 0);
    }
    case PLIST_DATE: {
        int32_t sec = 0, usec = 0;
        plist_get_date_val(node, &sec, &usec);
        return vg_json_cocoa_date((double)sec + (double)usec / 1e6);
    }
    case PLIST_ARRAY:
        return plist_array_json(node);
    case PLIST_DICT:
        return plist_dict_json(node);
    case PLIST_UID: {
        uint64_t v = 0;
        plist_get_uid_val(node, &v);
        return json_integer((json_int_t)v);
    }
    default:
        return json_null();
    }
}

char *vg_val_json_text(const struct vg_val *v)
{
    json_t *j;
    char *s;

    switch (v->t) {
    case VG_VT_BOOL:
        j = json_boolean(v->u.i);
        break;
    case VG_VT_INT:
        j = json_integer((json_int_t)v->u.i);
        break;
    case VG_VT_REAL:
        j = json_real(v->u.d);
        break;
    case VG_VT_TEXT:
        j = vg_json_utf8(v->u.s.p, v->u.s.n);
        break;
    case VG_VT_JSON:
        j = json_incref(v->u.j);
        break;
    default:
        j = json_null();
        break;
    }
    if (!j)
        return NULL;
    s = json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT);
    json_decref(j);
    return s;
}
