/* SPDX-License-Identifier: Apache-2.0 */
#include "util/vg.h"

#include "indicators/url.h"
#include "scan/checks.h"
#include "util/pyfmt.h"
#include "util/utf8.h"

const char *vg_jstr(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

const char *vg_jtime(const json_t *obj, const char *key)
{
    const char *s = vg_jstr(obj, key);
    return s ? s : "";
}

json_t *vg_json_str(const char *s)
{
    return s ? json_string(s) : json_null();
}

json_t *vg_json_get_or_null(const json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    return v ? json_incref(v) : json_null();
}

json_t *vg_json_utf8(const void *p, size_t n)
{
    struct vg_buf b;
    json_t *j = json_stringn(p, n);

    if (j || !p)
        return j;
    vg_buf_init(&b, n > (SIZE_MAX - 1) / 3 ? SIZE_MAX : 3 * n + 1);
    j = vg_utf8_repair(&b, p, n) == VG_OK ? json_stringn(b.data, b.len) : NULL;
    vg_buf_free(&b);
    return j;
}

json_t *vg_json_unix_iso(const json_t *v)
{
    char buf[VG_ISODATE_LEN + 1];

    if (!json_is_number(v) || vg_isodate_double(json_number_value(v), buf) != VG_OK)
        return json_string("");
    return json_string(buf);
}

const char *vg_py_str(const json_t *v, char *buf)
{
    if (json_is_string(v))
        return json_string_value(v);
    if (json_is_integer(v)) {
        if (vg_snprintf(buf, VG_PY_BUF, "%" JSON_INTEGER_FORMAT, json_integer_value(v)) != VG_OK)
            return "?";
        return buf;
    }
    if (json_is_real(v)) {
        vg_py_repr_real(json_real_value(v), buf);
        return buf;
    }
    if (json_is_boolean(v))
        return json_is_true(v) ? "True" : "False";
    return "None";
}

int vg_py_append(struct vg_buf *b, const json_t *v)
{
    char buf[VG_PY_BUF];

    if (json_is_string(v))
        return vg_buf_append(b, json_string_value(v), json_string_length(v));
    return vg_buf_append_str(b, vg_py_str(v, buf));
}

const char *vg_val_py(const struct vg_val *v, char *buf)
{
    switch (v->t) {
    case VG_VT_TEXT:
        return v->u.s.p;
    case VG_VT_INT:
        if (vg_snprintf(buf, VG_PY_BUF, "%lld", (long long)v->u.i) != VG_OK)
            return "?";
        return buf;
    case VG_VT_REAL:
        vg_py_repr_real(v->u.d, buf);
        return buf;
    case VG_VT_BOOL:
        return v->u.i ? "True" : "False";
    default:
        return "None";
    }
}

int vg_val_py_append(struct vg_buf *b, const struct vg_val *v)
{
    char buf[VG_PY_BUF];

    if (v->t == VG_VT_TEXT)
        return vg_buf_append(b, v->u.s.p, v->u.s.n);
    return vg_buf_append_str(b, vg_val_py(v, buf));
}

int vg_val_truthy(const struct vg_val *v)
{
    switch (v->t) {
    case VG_VT_TEXT:
    case VG_VT_BLOB:
        return v->u.s.n > 0;
    case VG_VT_INT:
    case VG_VT_BOOL:
        return v->u.i != 0;
    case VG_VT_REAL:
        return v->u.d != 0.0;
    case VG_VT_JSON:
        return vg_py_truthy(v->u.j);
    default:
        return 0;
    }
}

int vg_py_truthy(const json_t *v)
{
    switch (v ? json_typeof(v) : JSON_NULL) {
    case JSON_STRING:
        return json_string_length(v) > 0;
    case JSON_INTEGER:
        return json_integer_value(v) != 0;
    case JSON_REAL:
        return json_real_value(v) != 0.0;
    case JSON_TRUE:
        return 1;
    case JSON_ARRAY:
        return json_array_size(v) > 0;
    case JSON_OBJECT:
        return json_object_size(v) > 0;
    default:
        return 0;
    }
}

json_t *vg_json_cocoa_date(double cocoa)
{
    char buf[VG_ISODATE_LEN + 1];
    return vg_isodate_cocoa(cocoa, buf) == VG_OK ? json_string(buf) : json_null();
}

json_t *vg_json_unix_date(double unix_seconds)
{
    char buf[VG_ISODATE_LEN + 1];
    return vg_isodate_double(unix_seconds, buf) == VG_OK ? json_string(buf) : json_null();
}

int vg_check_url(struct vg_run *run, enum vg_level level, const struct vg_rec *rec, const char *url,
                 const char *event_time)
{
    struct vg_ioc_match m;
    char host[VG_MAX_URL];

    if (!url || !*url || !vg_iocs_match_url(vg_run_iocs(run), url, &m))
        return 0;
    if (m.type == VG_IOC_URL)
        vg_run_alert(run, level, rec, &m, event_time,
                     "Found a known suspicious URL %s matching indicator \"%s\" from \"%s\"", url,
                     m.value, m.collection);
    else if (m.type == VG_IOC_IPV4 || m.type == VG_IOC_IPV6)
        vg_run_alert(run, level, rec, &m, event_time,
                     "Found a known suspicious IP address %s matching indicator \"%s\" from "
                     "\"%s\"",
                     url, m.value, m.collection);
    else if (vg_url_host(url, host, sizeof(host)) >= 0 && strcmp(host, m.value) == 0)
        vg_run_alert(run, level, rec, &m, event_time,
                     "Found a known suspicious domain %s matching indicator \"%s\" from \"%s\"",
                     url, m.value, m.collection);
    else
        vg_run_alert(run, level, rec, &m, event_time,
                     "Found a sub-domain with a suspicious top level %s matching indicator \"%s\" "
                     "from \"%s\"",
                     url, m.value, m.collection);
    return 1;
}

struct text_ctx {
    struct vg_run *run;
    enum vg_level level;
    const struct vg_rec *rec;
    const char *event_time;
    int hit;
};

static int text_hit(void *ud, const char *found, const struct vg_ioc_match *m)
{
    struct text_ctx *c = ud;
    (void)m;
    c->hit = vg_check_url(c->run, c->level, c->rec, found, c->event_time);
    return c->hit; /* one alert per text is enough to flag the record */
}

int vg_check_text(struct vg_run *run, enum vg_level level, const struct vg_rec *rec,
                  const char *text, const char *event_time)
{
    struct text_ctx c = {run, level, rec, event_time, 0};
    if (!text || !*text)
        return 0;
    vg_iocs_match_text(vg_run_iocs(run), text, text_hit, &c);
    return c.hit;
}

int vg_check_url_list(struct vg_run *run, enum vg_level level, const struct vg_rec *rec,
                      const json_t *urls, const char *event_time)
{
    size_t i;
    json_t *u;
    json_array_foreach(urls, i, u)
    {
        if (vg_check_url(run, level, rec, json_string_value(u), event_time))
            return 1;
    }
    return 0;
}

int vg_check_process(struct vg_run *run, enum vg_level level, const struct vg_rec *rec,
                     const char *name, const char *event_time)
{
    struct vg_ioc_match m;
    size_t cut = vg_run_platform(run) == VG_PLATFORM_ANDROID ? VG_COMM_ANDROID : VG_COMM_IOS;

    if (!name || !*name || !vg_iocs_match_process_cut(vg_run_iocs(run), name, cut, &m))
        return 0;
    if (m.truncated)
        vg_run_alert(run, level, rec, &m, event_time,
                     "Found a truncated known suspicious process name \"%s\" matching indicators "
                     "from \"%s\" (the observed name is cut short; the indicator is \"%s\")",
                     name, m.collection, m.value);
    else
        vg_run_alert(run, level, rec, &m, event_time,
                     "Found a known suspicious process name \"%s\" matching indicators from "
                     "\"%s\"",
                     name, m.collection);
    return 1;
}

int vg_check_email(struct vg_run *run, enum vg_level level, const struct vg_rec *rec,
                   const char *email, const char *event_time)
{
    struct vg_ioc_match m;
    if (!email || !*email || !vg_iocs_match_email(vg_run_iocs(run), email, &m))
        return 0;
    vg_run_alert(run, level, rec, &m, event_time,
                 "Found a known suspicious email address \"%s\" matching indicators from \"%s\"",
                 email, m.collection);
    return 1;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

int vg_check_counterpart(struct vg_run *run, enum vg_level level, const struct vg_rec *rec,
                         const char *addr, const char *event_time)
{
    static const char *const not_mail[] = {"@s.whatsapp.net", "@c.us",      "@g.us", "@lid",
                                           "@broadcast",      "@newsletter"};
    size_t i;

    if (!addr)
        return 0;
    if (strncasecmp(addr, "mailto:", 7) == 0)
        addr += 7;
    else if (strncasecmp(addr, "e:", 2) == 0)
        addr += 2;
    if (!strchr(addr, '@'))
        return 0;
    for (i = 0; i < VG_ARRAY_LEN(not_mail); i++)
        if (ends_with(addr, not_mail[i]))
            return 0;
    return vg_check_email(run, level, rec, addr, event_time);
}

int vg_check_file_path(struct vg_run *run, enum vg_level level, const struct vg_rec *rec,
                       const char *path, const char *event_time)
{
    struct vg_ioc_match m;
    if (!path || !*path || !vg_iocs_match_file_path(vg_run_iocs(run), path, &m))
        return 0;
    vg_run_alert(run, level, rec, &m, event_time,
                 "Found a known suspicious file path \"%s\" matching indicators from \"%s\"", path,
                 m.collection);
    return 1;
}

int vg_check_file_name(struct vg_run *run, enum vg_level level, const struct vg_rec *rec,
                       const char *name, const char *event_time)
{
    struct vg_ioc_match m;
    if (!name || !*name || !vg_iocs_match_file_name(vg_run_iocs(run), name, &m))
        return 0;
    vg_run_alert(run, level, rec, &m, event_time,
                 "Found a known suspicious file name \"%s\" matching indicators from \"%s\"", name,
                 m.collection);
    return 1;
}

int vg_check_profile_id(struct vg_run *run, enum vg_level level, const struct vg_rec *rec,
                        const char *id, const char *event_time)
{
    struct vg_ioc_match m;
    if (!id || !*id || !vg_iocs_match_profile_id(vg_run_iocs(run), id, &m))
        return 0;
    vg_run_alert(run, level, rec, &m, event_time,
                 "Found a known suspicious profile ID \"%s\" matching indicators from \"%s\"", id,
                 m.collection);
    return 1;
}

int vg_check_app_id(struct vg_run *run, enum vg_level level, const struct vg_rec *rec,
                    const char *id, const char *event_time)
{
    struct vg_ioc_match m;
    if (!id || !*id || !vg_iocs_match_app_id(vg_run_iocs(run), id, &m))
        return 0;
    vg_run_alert(run, level, rec, &m, event_time,
                 "Found a known suspicious app with ID \"%s\" matching indicators from \"%s\"", id,
                 m.collection);
    return 1;
}

int vg_check_hash(struct vg_run *run, enum vg_level level, const struct vg_rec *rec,
                  const char *hex, const char *event_time)
{
    struct vg_ioc_match m;
    if (!hex || !*hex || !vg_iocs_match_hash(vg_run_iocs(run), hex, &m))
        return 0;
    vg_run_alert(run, level, rec, &m, event_time,
                 "Found a known suspicious file with hash \"%s\" matching indicators from \"%s\"",
                 hex, m.collection);
    return 1;
}

int vg_check_app_cert(struct vg_run *run, enum vg_level level, const struct vg_rec *rec,
                      const char *hex, const char *event_time)
{
    struct vg_ioc_match m;
    if (!hex || !*hex || !vg_iocs_match_app_cert(vg_run_iocs(run), hex, &m))
        return 0;
    vg_run_alert(run, level, rec, &m, event_time,
                 "Found a known suspicious app certificate with hash \"%s\" matching indicators "
                 "from \"%s\"",
                 hex, m.collection);
    return 1;
}

int vg_check_property(struct vg_run *run, enum vg_level level, const struct vg_rec *rec,
                      const char *name, const char *event_time)
{
    struct vg_ioc_match m;
    if (!name || !*name || !vg_iocs_match_property(vg_run_iocs(run), name, &m))
        return 0;
    vg_run_alert(run, level, rec, &m, event_time,
                 "Found a known suspicious Android property \"%s\" matching indicators from "
                 "\"%s\"",
                 name, m.collection);
    return 1;
}
