/*
 * Crash reports (docs/formats/ips.md): the JSON parts with jansson, the
 * text report with the bounded text cursors.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include "formats/apple/ips.h"
#include "formats/apple/textrec.h"
#include "util/buf.h"
#include "util/text.h"

#define AREA "ips"
/* Register values in a report reach 2^64 - 1, past jansson's integers:
 * every number is read as a real and the small ones turned back into
 * integers. Python keeps NUL bytes in strings, so jansson must too. */
#define JSON_FLAGS    (JSON_DECODE_INT_AS_REAL | JSON_ALLOW_NUL)
#define MAX_EXACT_INT 9007199254740992.0 /* 2^53 */

struct ips {
    struct vg_textwarn w;
    json_t *rec;
    int header, body;
    int reason_rank; /* text reports: which line gave termination_reason */
};

/* The record's keys in order, and which are numbers (null until known). */
static const struct {
    const char *key;
    int number;
} fields[] = {
    {"bug_type", 1},
    {"format", 0},
    {"incident_id", 0},
    {"timestamp", 0},
    {"isodate", 0},
    {"os_version", 0},
    {"process_name", 0},
    {"process_path", 0},
    {"pid", 1},
    {"parent_process", 0},
    {"parent_pid", 1},
    {"bundle_id", 0},
    {"exception_type", 0},
    {"exception_signal", 0},
    {"exception_codes", 0},
    {"exception_subtype", 0},
    {"termination_namespace", 0},
    {"termination_code", 1},
    {"termination_reason", 0},
    {"faulting_thread", 1},
};

static json_t *new_record(void)
{
    json_t *rec = json_object();
    size_t i;

    for (i = 0; rec && i < VG_ARRAY_LEN(fields); i++) {
        json_t *v = fields[i].number ? json_null() : json_string(i == 1 ? "none" : "");
        if (vg_textrec_set(rec, fields[i].key, v) != VG_OK) {
            json_decref(rec);
            return NULL;
        }
    }
    return rec;
}

/* Whether field still holds nothing. */
static int unset(const struct ips *p, const char *field)
{
    const json_t *v = json_object_get(p->rec, field);
    return json_is_null(v) || (json_is_string(v) && json_string_length(v) == 0);
}

static int put(struct ips *p, const char *field, json_t *v, int override)
{
    if (!override && !unset(p, field)) {
        json_decref(v);
        return VG_OK;
    }
    return vg_textrec_set(p->rec, field, v);
}

static int put_str(struct ips *p, const char *field, struct vg_str s, int override)
{
    return put(p, field, vg_textrec_str(s), override);
}

/* A JSON number holding an integer (all numbers arrive as reals). */
static int json_int(const json_t *v, int64_t *out)
{
    double d;

    if (json_is_integer(v)) {
        *out = json_integer_value(v);
        return 1;
    }
    if (!json_is_real(v))
        return 0;
    d = json_real_value(v);
    if (!(d >= -MAX_EXACT_INT && d <= MAX_EXACT_INT) || (double)(int64_t)d != d)
        return 0;
    *out = (int64_t)d;
    return 1;
}

static int from_json_str(struct ips *p, const char *part, const json_t *obj, const char *key,
                         const char *field, int override)
{
    const json_t *v = json_object_get(obj, key);
    struct vg_str s;

    if (!v)
        return VG_OK;
    if (!json_is_string(v)) {
        vg_textwarn(&p->w, 0, "%s: \"%s\" is not a string", part, key);
        return VG_OK;
    }
    s.p = json_string_value(v);
    s.n = json_string_length(v);
    return put_str(p, field, s, override);
}

static int from_json_int(struct ips *p, const char *part, const json_t *obj, const char *key,
                         const char *field)
{
    const json_t *v = json_object_get(obj, key);
    int64_t i;

    if (!v)
        return VG_OK;
    if (!json_int(v, &i)) {
        vg_textwarn(&p->w, 0, "%s: \"%s\" is not an integer", part, key);
        return VG_OK;
    }
    return put(p, field, json_integer(i), 1);
}

/* obj[key] when it is an object; a warning when it is something else. */
static const json_t *sub_object(struct ips *p, const char *part, const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);

    if (v && !json_is_object(v)) {
        vg_textwarn(&p->w, 0, "%s: \"%s\" is not an object", part, key);
        return NULL;
    }
    return v;
}

/* ---- bug_type as MVT reads it */

/* Python's int() on a JSON value: numeric strings (spaces around, a sign),
 * numbers (truncated), booleans. */
static int mvt_int(const json_t *v, int64_t *out)
{
    double d;

    if (json_is_string(v)) {
        struct vg_str s = {json_string_value(v), json_string_length(v)};
        return vg_str_to_i64(vg_str_trim(s), out);
    }
    if (json_is_boolean(v)) {
        *out = json_is_true(v);
        return 1;
    }
    if (json_is_integer(v)) {
        *out = json_integer_value(v);
        return 1;
    }
    if (!json_is_real(v))
        return 0;
    d = json_real_value(v);
    if (!(d > -9.2233720368547758e18 && d < 9.2233720368547758e18))
        return 0;
    *out = (int64_t)d;
    return 1;
}

/* The first line, as MVT cuts it (up to the first '\n'). */
static struct vg_str first_line(const void *data, size_t len)
{
    struct vg_str s = {data, len}, line;

    if (!vg_str_until(&s, '\n', &line))
        line = s;
    return line;
}

int vg_ips_bug_type(const void *data, size_t len, int64_t *out)
{
    struct vg_str line = first_line(data, len);
    json_error_t e;
    json_t *h;
    int ok;

    if (line.n == 0 || line.n > VG_MAX_IPS_HEADER)
        return VG_E_NOTFOUND;
    h = json_loadb(line.p, line.n, JSON_FLAGS, &e);
    ok = json_is_object(h) && mvt_int(json_object_get(h, "bug_type"), out);
    json_decref(h);
    return ok ? VG_OK : VG_E_NOTFOUND;
}

/* ---- the first line */

static void json_error_note(const json_error_t *e, char *buf, size_t cap)
{
    vg_textrec_excerpt(vg_str_of(e->text), buf, cap);
}

static int read_header(struct ips *p, json_t *h)
{
    const json_t *bt = json_object_get(h, "bug_type");
    int64_t i;
    int rc = VG_OK;

    if (bt && mvt_int(bt, &i))
        rc = put(p, "bug_type", json_integer(i), 1);
    else if (bt)
        vg_textwarn(&p->w, 1, "\"bug_type\" is not a number");
    if (rc == VG_OK)
        rc = from_json_str(p, "first line", h, "incident_id", "incident_id", 1);
    if (rc == VG_OK)
        rc = from_json_str(p, "first line", h, "timestamp", "timestamp", 1);
    if (rc == VG_OK)
        rc = from_json_str(p, "first line", h, "os_version", "os_version", 1);
    if (rc == VG_OK)
        rc = from_json_str(p, "first line", h, "app_name", "process_name", 1);
    if (rc == VG_OK)
        rc = from_json_str(p, "first line", h, "name", "process_name", 0);
    if (rc == VG_OK)
        rc = from_json_str(p, "first line", h, "bundleID", "bundle_id", 1);
    p->header = rc == VG_OK;
    return rc;
}

/* ---- a JSON report (bug_type 309 and the other JSON kinds) */

/* "Segmentation fault: 11; reason one; reason two". */
static int termination_reason(struct ips *p, const json_t *term)
{
    const json_t *ind = json_object_get(term, "indicator"), *reasons, *r;
    struct vg_buf b;
    size_t i;
    int rc = VG_OK;

    vg_buf_init(&b, VG_MAX_IPS_HEADER);
    if (json_is_string(ind))
        rc = vg_buf_append(&b, json_string_value(ind), json_string_length(ind));
    else if (ind)
        vg_textwarn(&p->w, 0, "report: \"termination.indicator\" is not a string");
    reasons = json_object_get(term, "reasons");
    if (reasons && !json_is_array(reasons))
        vg_textwarn(&p->w, 0, "report: \"termination.reasons\" is not a list");
    json_array_foreach(reasons, i, r)
    {
        if (!json_is_string(r))
            continue;
        if (rc == VG_OK && b.len)
            rc = vg_buf_append_str(&b, "; ");
        if (rc == VG_OK)
            rc = vg_buf_append(&b, json_string_value(r), json_string_length(r));
    }
    if (rc == VG_E_LIMIT) {
        vg_textwarn(&p->w, 0, "report: termination reasons longer than %u bytes, cut",
                    VG_MAX_IPS_HEADER);
        rc = VG_OK;
    }
    if (rc == VG_OK && b.len)
        rc = put_str(p, "termination_reason", (struct vg_str){b.data, b.len}, 1);
    vg_buf_free(&b);
    return rc;
}

/* osVersion {"train": "iPhone OS 17.2", "build": "21C62"} as the first
 * line writes it: "iPhone OS 17.2 (21C62)". */
static int os_version(struct ips *p, const json_t *osv)
{
    const char *train = json_string_value(json_object_get(osv, "train"));
    const char *build = json_string_value(json_object_get(osv, "build"));
    char *s;
    int rc;

    if (!train || !unset(p, "os_version"))
        return VG_OK;
    s = build && *build ? vg_asprintf("%s (%s)", train, build) : vg_strdup(train);
    if (!s)
        return VG_E_NOMEM;
    rc = put_str(p, "os_version", vg_str_of(s), 0);
    free(s);
    return rc;
}

static int read_json_report(struct ips *p, const json_t *j)
{
    static const char *const R = "report";
    const json_t *bundle = sub_object(p, R, j, "bundleInfo");
    const json_t *osv = sub_object(p, R, j, "osVersion");
    const json_t *exc = sub_object(p, R, j, "exception");
    const json_t *term = sub_object(p, R, j, "termination");
    int rc = VG_OK;

#define STEP(call)                                                                                 \
    do {                                                                                           \
        if (rc == VG_OK)                                                                           \
            rc = (call);                                                                           \
    } while (0)
    STEP(from_json_str(p, R, j, "procName", "process_name", 1));
    STEP(from_json_str(p, R, j, "procPath", "process_path", 1));
    STEP(from_json_int(p, R, j, "pid", "pid"));
    STEP(from_json_str(p, R, j, "parentProc", "parent_process", 1));
    STEP(from_json_int(p, R, j, "parentPid", "parent_pid"));
    STEP(from_json_str(p, R, bundle, "CFBundleIdentifier", "bundle_id", 1));
    STEP(from_json_str(p, R, j, "captureTime", "timestamp", 1));
    STEP(from_json_str(p, R, j, "incident", "incident_id", 0));
    STEP(os_version(p, osv));
    STEP(from_json_str(p, R, exc, "type", "exception_type", 1));
    STEP(from_json_str(p, R, exc, "signal", "exception_signal", 1));
    STEP(from_json_str(p, R, exc, "codes", "exception_codes", 1));
    STEP(from_json_str(p, R, exc, "subtype", "exception_subtype", 1));
    STEP(from_json_str(p, R, term, "namespace", "termination_namespace", 1));
    STEP(from_json_int(p, R, term, "code", "termination_code"));
    if (term)
        STEP(termination_reason(p, term));
    STEP(from_json_int(p, R, j, "faultingThread", "faulting_thread"));
    STEP(put(p, "format", json_string("json"), 1));
#undef STEP
    p->body = rc == VG_OK;
    return rc;
}

/* ---- a text report (bug_type 109, .crash files) */

/* "MobileSafari [340]" */
static int name_and_pid(struct ips *p, struct vg_str v, const char *name_field,
                        const char *pid_field, size_t lineno)
{
    long lb = vg_str_rfind(v, '[');
    struct vg_str name = v, in;
    int64_t pid;
    int rc;

    if (lb > 0 && vg_str_ends(v, "]")) {
        name.n = (size_t)lb;
        in.p = v.p + lb + 1;
        in.n = v.n - (size_t)lb - 2;
        if (vg_str_to_i64(vg_str_trim(in), &pid)) {
            rc = put_str(p, name_field, vg_str_trim(name), 1);
            return rc == VG_OK ? put(p, pid_field, json_integer(pid), 1) : rc;
        }
    }
    vg_textwarn(&p->w, lineno, "\"name [pid]\" expected");
    return put_str(p, name_field, v, 1);
}

/* "EXC_BAD_ACCESS (SIGSEGV)" */
static int exception_type(struct ips *p, struct vg_str v)
{
    struct vg_str t = v, type, sig;
    int rc;

    if (!vg_str_until_str(&t, " (", &type) || !vg_str_until(&t, ')', &sig))
        return put_str(p, "exception_type", v, 1);
    rc = put_str(p, "exception_type", vg_str_trim(type), 1);
    return rc == VG_OK ? put_str(p, "exception_signal", sig, 1) : rc;
}

/* "Namespace SIGNAL, Code 0xb" (the code may be decimal, and words may
 * follow it). */
static int termination(struct ips *p, struct vg_str v)
{
    struct vg_str t = v, ns;
    uint64_t code;
    int rc;

    if (!vg_str_eat(&t, "Namespace ") || !vg_str_until(&t, ',', &ns))
        return VG_OK;
    rc = put_str(p, "termination_namespace", vg_str_trim(ns), 1);
    vg_str_skip_ws(&t);
    if (rc != VG_OK || !vg_str_eat(&t, "Code "))
        return rc;
    if ((vg_str_starts(t, "0x") || vg_str_starts(t, "0X")) ? vg_str_hex64(&t, &code)
                                                           : vg_str_u64(&t, &code)) {
        if (code <= (uint64_t)INT64_MAX)
            rc = put(p, "termination_code", json_integer((json_int_t)code), 1);
    }
    return rc;
}

/* termination_reason from the best line there is: a description, else the
 * signal's name, else the reason line as written. */
static int reason_line(struct ips *p, struct vg_str v, int rank)
{
    if (p->reason_rank && p->reason_rank <= rank)
        return VG_OK;
    p->reason_rank = rank;
    return put_str(p, "termination_reason", v, 1);
}

static int thread_number(struct ips *p, struct vg_str v, size_t lineno)
{
    uint64_t n;

    if (!vg_str_u64(&v, &n) || n > (uint64_t)INT64_MAX) {
        vg_textwarn(&p->w, lineno, "thread number expected");
        return VG_OK;
    }
    return put(p, "faulting_thread", json_integer((json_int_t)n), 1);
}

/* One "Label: value" line of the text report. 1 in *known when the label is
 * one vigie reads. */
static int text_field(struct ips *p, struct vg_str label, struct vg_str v, size_t lineno,
                      int *known)
{
    *known = 1;
    if (vg_str_eq(label, "Process"))
        return name_and_pid(p, v, "process_name", "pid", lineno);
    if (vg_str_eq(label, "Parent Process"))
        return name_and_pid(p, v, "parent_process", "parent_pid", lineno);
    if (vg_str_eq(label, "Path"))
        return put_str(p, "process_path", v, 1);
    if (vg_str_eq(label, "Identifier"))
        return put_str(p, "bundle_id", v, 1);
    if (vg_str_eq(label, "Incident Identifier"))
        return put_str(p, "incident_id", v, 0);
    if (vg_str_eq(label, "Date/Time"))
        return put_str(p, "timestamp", v, 1);
    if (vg_str_eq(label, "OS Version"))
        return put_str(p, "os_version", v, 0);
    if (vg_str_eq(label, "Exception Type"))
        return exception_type(p, v);
    if (vg_str_eq(label, "Exception Codes"))
        return put_str(p, "exception_codes", v, 1);
    if (vg_str_eq(label, "Exception Subtype"))
        return put_str(p, "exception_subtype", v, 1);
    if (vg_str_eq(label, "Termination Reason")) {
        int rc = termination(p, v);
        return rc == VG_OK ? reason_line(p, v, 3) : rc;
    }
    if (vg_str_eq(label, "Termination Description"))
        return reason_line(p, v, 1);
    if (vg_str_eq(label, "Termination Signal"))
        return reason_line(p, v, 2);
    if (vg_str_eq(label, "Triggered by Thread") || vg_str_eq(label, "Crashed Thread"))
        return thread_number(p, v, lineno);
    *known = 0;
    return VG_OK;
}

/* The labelled lines before the first thread's backtrace. Returns how many
 * labels vigie knows were found (0: not a text crash report). */
static int read_text_report(struct ips *p, struct vg_str body, size_t line0, size_t *found)
{
    struct vg_lines l;
    struct vg_str line, label;
    int rc = VG_OK, known;

    *found = 0;
    vg_lines_init(&l, body.p, body.n, VG_MAX_APPLE_TEXT_LINE);
    while (rc == VG_OK && vg_lines_next(&l, &line)) {
        struct vg_str t = vg_str_trim(line);
        if (vg_str_starts(t, "Thread ") || vg_str_starts(t, "Binary Images"))
            break;
        if (!vg_str_until(&t, ':', &label))
            continue;
        rc = text_field(p, vg_str_trim(label), vg_str_trim(t), line0 + l.lineno - 1, &known);
        *found += (size_t)known;
    }
    if (rc == VG_OK && *found)
        rc = put(p, "format", json_string("text"), 1);
    p->body = rc == VG_OK && *found;
    return rc;
}

/* ---- times */

static int take_num(struct vg_str *s, size_t digits, unsigned lo, unsigned hi, unsigned *out)
{
    unsigned v = 0;
    size_t i;

    if (s->n < digits)
        return 0;
    for (i = 0; i < digits; i++) {
        if (s->p[i] < '0' || s->p[i] > '9')
            return 0;
        v = v * 10 + (unsigned)(s->p[i] - '0');
    }
    if (v < lo || v > hi)
        return 0;
    s->p += digits;
    s->n -= digits;
    *out = v;
    return 1;
}

/* "+0100", "-07:00", "Z": minutes east of UTC. */
static int zone(struct vg_str s, long *minutes)
{
    unsigned h, m;
    int sign;

    if (vg_str_eq(s, "Z")) {
        *minutes = 0;
        return 1;
    }
    if (s.n == 0 || (s.p[0] != '+' && s.p[0] != '-'))
        return 0;
    sign = s.p[0] == '-' ? -1 : 1;
    s.p++;
    s.n--;
    if (!take_num(&s, 2, 0, 23, &h))
        return 0;
    (void)vg_str_eat_char(&s, ':');
    if (!take_num(&s, 2, 0, 59, &m) || s.n)
        return 0;
    *minutes = sign * (long)(h * 60 + m);
    return 1;
}

/* "2023-11-14 22:13:20.1234 -0800" (as crash reports write their times) to
 * an isodate in UTC; "" when it is not such a time or has no zone. */
static void isodate(struct vg_str s, char *buf)
{
    static const unsigned mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    unsigned y, mo, d, h, mi, se, us = 0, scale = 100000;
    int64_t secs;
    long off;

    buf[0] = '\0';
    if (!take_num(&s, 4, 1, 9999, &y) || !vg_str_eat_char(&s, '-') ||
        !take_num(&s, 2, 1, 12, &mo) || !vg_str_eat_char(&s, '-') ||
        !take_num(&s, 2, 1, mdays[mo - 1], &d) ||
        !(vg_str_eat_char(&s, ' ') || vg_str_eat_char(&s, 'T')) || !take_num(&s, 2, 0, 23, &h) ||
        !vg_str_eat_char(&s, ':') || !take_num(&s, 2, 0, 59, &mi) || !vg_str_eat_char(&s, ':') ||
        !take_num(&s, 2, 0, 60, &se))
        return;
    if (mo == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return;
    if (vg_str_eat_char(&s, '.')) {
        if (s.n == 0 || s.p[0] < '0' || s.p[0] > '9')
            return;
        for (; s.n && s.p[0] >= '0' && s.p[0] <= '9'; s.p++, s.n--, scale /= 10)
            us += (unsigned)(s.p[0] - '0') * scale;
    }
    vg_str_skip_ws(&s);
    if (!zone(s, &off))
        return;
    secs = vg_days_from_civil(y, mo, d) * 86400 + (int64_t)h * 3600 + (int64_t)mi * 60 + se -
           (int64_t)off * 60;
    (void)vg_isodate(secs, (int32_t)us, buf);
}

static int set_isodate(struct ips *p)
{
    const json_t *ts = json_object_get(p->rec, "timestamp");
    struct vg_str s = {json_string_value(ts), json_string_length(ts)};
    char buf[VG_ISODATE_LEN + 1];

    isodate(s, buf);
    return put(p, "isodate", json_string(buf), 1);
}

/* ---- the whole file */

/* Counts the values of a JSON text without building it, so a body that
 * would make jansson allocate far more than its size is refused first
 * (jansson has no such count). One value per ',' or ':' outside strings,
 * plus one; containers are the '{' and '['. */
static int json_census_ok(struct vg_str s)
{
    size_t i, containers = 0, values = 1;
    int in_str = 0, esc = 0;

    for (i = 0; i < s.n; i++) {
        char c = s.p[i];
        if (in_str) {
            if (esc)
                esc = 0;
            else if (c == '\\')
                esc = 1;
            else if (c == '"')
                in_str = 0;
            continue;
        }
        if (c == '"')
            in_str = 1;
        else if (c == '{' || c == '[')
            containers++;
        else if (c == ',' || c == ':')
            values++;
    }
    return containers <= VG_MAX_IPS_CONTAINERS && values <= VG_MAX_IPS_VALUES;
}

/* The body after skip: leading blank lines skipped, their count added to
 * *line. */
static struct vg_str skip_blank(struct vg_str s, size_t *line)
{
    while (s.n && (s.p[0] == ' ' || s.p[0] == '\t' || s.p[0] == '\r' || s.p[0] == '\n')) {
        *line += s.p[0] == '\n';
        s.p++;
        s.n--;
    }
    return s;
}

static int read_body(struct ips *p, struct vg_str body, size_t line)
{
    char note[160];
    json_error_t e;
    json_t *j;
    size_t found;
    int rc;

    body = skip_blank(body, &line);
    if (body.n == 0)
        return VG_OK;
    if (body.n > VG_MAX_IPS_BODY) {
        vg_textwarn(&p->w, line, "report of %zu bytes not read (more than %u)", body.n,
                    VG_MAX_IPS_BODY);
        return VG_OK;
    }
    if (body.p[0] != '{') {
        rc = read_text_report(p, body, line, &found);
        if (rc == VG_OK && !found)
            vg_textwarn(&p->w, line, "neither JSON nor a text crash report");
        return rc;
    }
    if (!json_census_ok(body)) {
        vg_textwarn(&p->w, line, "report of more than %u values or %u objects and lists not read",
                    VG_MAX_IPS_VALUES, VG_MAX_IPS_CONTAINERS);
        return VG_OK;
    }
    j = json_loadb(body.p, body.n, JSON_FLAGS, &e);
    if (!json_is_object(j)) {
        json_error_note(&e, note, sizeof(note));
        if (j)
            vg_textwarn(&p->w, line, "report is JSON but not an object");
        else
            vg_textwarn(&p->w, line + (size_t)(e.line > 0 ? e.line - 1 : 0),
                        "report is not valid JSON: %s (column %d)", note, e.column);
        json_decref(j);
        return VG_OK;
    }
    rc = read_json_report(p, j);
    json_decref(j);
    return rc;
}

/* Whether the first line is meant as JSON: it opens an object or a list,
 * and is not the lone "{" of a report that is one pretty-printed object. */
static int header_like(struct vg_str line)
{
    struct vg_str t = vg_str_trim(line);
    return (vg_str_starts(t, "{") || vg_str_starts(t, "[")) && !vg_str_eq(t, "{");
}

/* The first line when it is a JSON object; NULL otherwise, with a warning
 * when it was meant as one. */
static json_t *load_header(struct ips *p, struct vg_str line)
{
    char note[160];
    json_error_t e;
    json_t *h;

    if (!header_like(line))
        return NULL;
    if (line.n > VG_MAX_IPS_HEADER) {
        vg_textwarn(&p->w, 1, "longer than %u bytes, not read as JSON", VG_MAX_IPS_HEADER);
        return NULL;
    }
    h = json_loadb(line.p, line.n, JSON_FLAGS, &e);
    if (json_is_object(h))
        return h;
    json_error_note(&e, note, sizeof(note));
    if (h)
        vg_textwarn(&p->w, 1, "JSON but not an object");
    else
        vg_textwarn(&p->w, 1, "not JSON: %s (column %d)", note, e.column);
    json_decref(h);
    return NULL;
}

int vg_ips_parse(const void *data, size_t len, const char *name, struct vg_diag *diag, json_t **out)
{
    struct vg_str all = {data, data ? len : 0}, line = first_line(data, all.n), body = all;
    struct ips p;
    json_t *h;
    size_t body_line = 1;
    int rc, have_header;

    memset(&p, 0, sizeof(p));
    name = name ? name : "crash report";
    vg_textwarn_init(&p.w, diag, AREA, name);
    p.rec = new_record();
    if (!p.rec)
        return VG_E_NOMEM;
    h = load_header(&p, line);
    rc = h ? read_header(&p, h) : VG_OK;
    have_header = h != NULL;
    json_decref(h);
    /* the report follows the first line, unless that line is a JSON
     * object's lone "{" or not JSON at all (a text report from its start) */
    if (have_header || header_like(line)) {
        body.p += line.n;
        body.n -= line.n; /* skip_blank counts the '\n' that ends line 1 */
    }
    if (rc == VG_OK)
        rc = read_body(&p, body, body_line);
    if (rc == VG_OK && !p.header && !p.body) {
        vg_diag_add(diag, VG_DIAG_ERROR, AREA, "%s: not a crash report", name);
        rc = VG_E_CORRUPT;
    }
    if (rc == VG_OK)
        rc = set_isodate(&p);
    vg_textwarn_done(&p.w);
    if (rc != VG_OK) {
        json_decref(p.rec);
        return rc;
    }
    *out = p.rec;
    return VG_OK;
}
