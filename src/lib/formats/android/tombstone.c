/*
 * Android tombstones: what the text and protobuf readers share (the record
 * as MVT lays it out, timestamps, Python-like integers) and the choice of
 * reader. See tombstone.h and docs/formats/tombstone.md.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include "formats/android/tombstone_int.h"

int ts_fail(char *err, size_t errcap, int rc, const char *fmt, ...)
{
    va_list ap;

    if (err && errcap) {
        va_start(ap, fmt);
        if (vsnprintf(err, errcap, fmt, ap) < 0)
            err[0] = '\0';
        va_end(ap);
    }
    return rc;
}

void ts_rec_init(struct ts_rec *r)
{
    memset(r, 0, sizeof(*r));
    r->build_fingerprint = r->revision = r->arch = TS_NULL;
    r->process_name = r->binary_path = r->selinux_label = TS_NULL;
    r->sig_code_name = r->sig_name = r->cause = r->abort_message = TS_NULL;
}

void ts_rec_clear(struct ts_rec *r)
{
    json_decref(r->command_line);
    json_decref(r->causes);
    ts_rec_init(r);
}

json_t *ts_json_str(struct vg_str s)
{
    return json_stringn(s.n ? s.p : "", s.n);
}

/* ---- the record ---- */

int ts_put(json_t *o, const char *key, json_t *v)
{
    if (!v)
        return VG_E_NOMEM;
    return json_object_set_new(o, key, v) == 0 ? VG_OK : VG_E_NOMEM;
}

static int put_str(json_t *o, const char *key, struct vg_str s)
{
    return ts_put(o, key, s.p ? ts_json_str(s) : json_null());
}

static int put_int(json_t *o, const char *key, int64_t v)
{
    return ts_put(o, key, json_integer((json_int_t)v));
}

/* An owned value, or null; *v is taken either way. */
static int put_owned(json_t *o, const char *key, json_t **v)
{
    json_t *x = *v ? *v : json_null();

    *v = NULL;
    return ts_put(o, key, x);
}

/* MVT's SignalInfo: code, code_name, name, number. */
static json_t *signal_json(const struct ts_rec *r)
{
    json_t *o = json_object();

    if (!o || put_int(o, "code", r->sig_code) || put_str(o, "code_name", r->sig_code_name) ||
        put_str(o, "name", r->sig_name) || put_int(o, "number", r->sig_number)) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* Keys in TombstoneCrashResult's order (MVT 2026.7.29; main adds causes
 * and abort_message before extra). */
static int rec_fill(json_t *o, struct ts_rec *r, const struct vg_tombstone_in *in)
{
    int main_keys = (in->flags & VG_TOMBSTONE_MVT_MAIN) != 0;

    if (put_str(o, "file_name", vg_str_of(in->file_name)) ||
        put_str(o, "file_timestamp", vg_str_of(in->file_timestamp)) ||
        put_str(o, "build_fingerprint", r->build_fingerprint) ||
        put_str(o, "revision", r->revision) || put_str(o, "arch", r->arch) ||
        put_str(o, "timestamp", vg_str_of(r->timestamp)) ||
        ts_put(o, "process_uptime", r->has_uptime ? json_integer(r->uptime) : json_null()) ||
        put_owned(o, "command_line", &r->command_line) || put_int(o, "pid", r->pid) ||
        put_int(o, "tid", r->tid) || put_str(o, "process_name", r->process_name) ||
        put_str(o, "binary_path", r->binary_path) ||
        put_str(o, "selinux_label", r->selinux_label) || put_int(o, "uid", r->uid) ||
        ts_put(o, "signal_info", signal_json(r)) || put_str(o, "cause", r->cause))
        return VG_E_NOMEM;
    if (main_keys &&
        (put_owned(o, "causes", &r->causes) || put_str(o, "abort_message", r->abort_message)))
        return VG_E_NOMEM;
    return ts_put(o, "extra", json_null());
}

int ts_rec_json(struct ts_rec *r, const struct vg_tombstone_in *in, json_t **out)
{
    json_t *o = json_object();
    int rc = o ? rec_fill(o, r, in) : VG_E_NOMEM;

    ts_rec_clear(r);
    if (rc != VG_OK) {
        json_decref(o);
        return rc;
    }
    *out = o;
    return VG_OK;
}

/* ---- numbers and times ---- */

int ts_pyint(struct vg_str s, int64_t *out)
{
    uint64_t v = 0, lim;
    int neg = 0, digit_before = 0;
    size_t i, digits = 0;

    s = vg_str_strip_set(s, VG_PY_SPACE);
    if (vg_str_eat_char(&s, '-'))
        neg = 1;
    else
        (void)vg_str_eat_char(&s, '+');
    lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (i = 0; i < s.n; i++) {
        if (s.p[i] == '_' && digit_before && i + 1 < s.n) {
            digit_before = 0;
            continue;
        }
        if (s.p[i] < '0' || s.p[i] > '9')
            return 0;
        if (v > (lim - (uint64_t)(s.p[i] - '0')) / 10)
            return 0;
        v = v * 10 + (uint64_t)(s.p[i] - '0');
        digit_before = 1;
        digits++;
    }
    if (digits == 0 || !digit_before)
        return 0;
    if (neg)
        *out = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
    else
        *out = (int64_t)v;
    return 1;
}

/* Exactly n digits. */
static int digits(struct vg_str *s, size_t n, int *out)
{
    int v = 0;
    size_t i;

    if (s->n < n)
        return 0;
    for (i = 0; i < n; i++) {
        if (s->p[i] < '0' || s->p[i] > '9')
            return 0;
        v = v * 10 + (s->p[i] - '0');
    }
    s->p += n;
    s->n -= n;
    *out = v;
    return 1;
}

static int days_in(int year, int month)
{
    static const int d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

    return month == 2 && leap ? 29 : d[month - 1];
}

/* The fraction's first six digits (dateutil drops the rest). */
static int fraction(struct vg_str *s, int *micros)
{
    size_t i = 0;
    int v = 0;

    while (i < s->n && s->p[i] >= '0' && s->p[i] <= '9') {
        if (i < 6)
            v = v * 10 + (s->p[i] - '0');
        i++;
    }
    if (i == 0)
        return 0;
    for (; i < 6; i++)
        v *= 10;
    while (s->n && s->p[0] >= '0' && s->p[0] <= '9') {
        s->p++;
        s->n--;
    }
    *micros = v;
    return 1;
}

/* Z, or +HH[[:]MM]: read only to be dropped, as MVT does. */
static int zone(struct vg_str *s)
{
    int h, m = 0;

    if (vg_str_eat_char(s, 'Z'))
        return 1;
    if (!vg_str_eat_char(s, '+') && !vg_str_eat_char(s, '-'))
        return 0;
    if (!digits(s, 2, &h))
        return 0;
    if (s->n) {
        (void)vg_str_eat_char(s, ':');
        if (!digits(s, 2, &m))
            return 0;
    }
    return h < 24 && m < 60;
}

int ts_time(struct vg_str s, char out[TS_TIME_CAP])
{
    int y, mo, d, h, mi, se, us = 0;

    s = vg_str_strip_set(s, VG_PY_SPACE);
    if (!digits(&s, 4, &y) || !vg_str_eat_char(&s, '-') || !digits(&s, 2, &mo) ||
        !vg_str_eat_char(&s, '-') || !digits(&s, 2, &d))
        return 0;
    if (!vg_str_eat_char(&s, ' ') && !vg_str_eat_char(&s, 'T'))
        return 0;
    if (!digits(&s, 2, &h) || !vg_str_eat_char(&s, ':') || !digits(&s, 2, &mi) ||
        !vg_str_eat_char(&s, ':') || !digits(&s, 2, &se))
        return 0;
    if (vg_str_eat_char(&s, '.') && !fraction(&s, &us))
        return 0;
    if (s.n && !zone(&s))
        return 0;
    if (s.n || y < 1 || mo < 1 || mo > 12 || d < 1 || d > days_in(y, mo) || h > 23 || mi > 59 ||
        se > 59)
        return 0;
    return vg_snprintf(out, TS_TIME_CAP, "%04d-%02d-%02d %02d:%02d:%02d.%06d", y, mo, d, h, mi, se,
                       us) == VG_OK;
}

/* ---- the choice of reader ---- */

int vg_tombstone_is_pb(const char *file_name)
{
    return file_name && vg_str_has_suffix(file_name, ".pb");
}

int vg_tombstone_parse(const struct vg_tombstone_in *in, json_t **out, char *err, size_t errcap)
{
    if (vg_tombstone_is_pb(in->file_name))
        return vg_tombstone_pb(in, out, err, errcap);
    return vg_tombstone_text(in, out, err, errcap);
}
