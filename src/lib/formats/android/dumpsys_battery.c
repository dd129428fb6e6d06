/*
 * The batterystats service: daily package updates (MVT's
 * DumpsysBatteryDailyArtifact) and the history's job, wake alarm and top
 * app events (DumpsysBatteryHistoryArtifact). Grammar in
 * docs/formats/dumpsys.md.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include "formats/android/dumpsys_int.h"

/* ---- daily stats ---- */

struct daily {
    struct vg_dumpsys_sink *sink;
    json_t *records; /* every update, in text order */
    json_t *seen;    /* "package vers" of the current day (package names hold no space) */
    json_t *from, *to;
    struct vg_buf key;
    int full;
};

/* "  Daily from 2022-08-16-15-56-39 to 2022-08-17-01-15-45:" */
static int daily_header(struct daily *d, size_t lineno, struct vg_str line)
{
    struct vg_str t = vg_str_py_strip(vg_str_py_slice(line, 13, VG_PY_END)), from;

    json_object_clear(d->seen);
    t = vg_str_strip_char(t, ':');
    if (!vg_str_until_str(&t, " to ", &from)) { /* MVT: ValueError */
        vg_dumpsys_warn(d->sink, "battery daily", lineno, "\"Daily from\" without \" to \"");
        return VG_OK;
    }
    json_decref(d->from);
    json_decref(d->to);
    d->from = vg_dumpsys_jstr(vg_str_py_slice(from, 0, 10));
    d->to = vg_dumpsys_jstr(vg_str_py_slice(t, 0, 10));
    return d->from && d->to ? VG_OK : VG_E_NOMEM;
}

static int daily_record(struct daily *d, struct vg_str package, struct vg_str vers)
{
    json_t *r = json_object();

    if (!r || vg_dumpsys_set(r, "action", json_string("update")) != VG_OK ||
        json_object_set(r, "from", d->from) != 0 || json_object_set(r, "to", d->to) != 0 ||
        vg_dumpsys_set_str(r, "package_name", package) != VG_OK ||
        vg_dumpsys_set_str(r, "vers", vers) != VG_OK || json_array_append_new(d->records, r) != 0) {
        json_decref(r);
        return VG_E_NOMEM;
    }
    return VG_OK;
}

/* "      Update com.facebook.katana vers=315814651" */
static int daily_update(struct daily *d, size_t lineno, struct vg_str line, struct vg_buf *tmp)
{
    struct vg_str s = vg_str_py_strip(line), package, vers, name;
    int rc;

    if (!vg_str_starts(s, "Update "))
        return VG_OK;
    /* MVT: line.strip().replace("Update ", "").split(" ", 1), then
     * vers.split("=", 1)[1] */
    if ((rc = vg_dumpsys_remove_all(tmp, s, "Update ", &s)) != VG_OK)
        return rc;
    if (!vg_str_until(&s, ' ', &package) || !vg_str_until(&s, '=', &name)) {
        vg_dumpsys_warn(d->sink, "battery daily", lineno,
                        "update line without \"<package> x=<vers>\"");
        return VG_OK;
    }
    vers = s;
    vg_buf_reset(&d->key);
    if ((rc = vg_buf_append(&d->key, package.p, package.n)) != VG_OK ||
        (rc = vg_buf_append_char(&d->key, ' ')) != VG_OK ||
        (rc = vg_buf_append(&d->key, vers.p, vers.n)) != VG_OK)
        return rc;
    if (json_object_getn(d->seen, d->key.data, d->key.len))
        return VG_OK;
    if (json_object_setn_new(d->seen, d->key.data, d->key.len, json_true()) != 0)
        return VG_E_NOMEM;
    if (json_array_size(d->records) >= VG_MAX_DUMPSYS_RECORDS) {
        if (!d->full)
            vg_dumpsys_warn(d->sink, "battery daily", lineno, "more than %u updates",
                            VG_MAX_DUMPSYS_RECORDS);
        d->full = 1;
        return VG_OK;
    }
    return daily_record(d, package, vers);
}

static const char *member(const json_t *r, const char *key, size_t *n)
{
    const json_t *v = json_object_get(r, key);
    *n = json_string_length(v);
    return json_string_value(v);
}

static int cmp_member(const json_t *a, const json_t *b, const char *key)
{
    size_t na, nb;
    const char *sa = member(a, key, &na), *sb = member(b, key, &nb);
    int c = memcmp(sa, sb, na < nb ? na : nb);

    return c ? c : (na > nb) - (na < nb);
}

struct sorted {
    const json_t *rec;
    size_t index;
};

/* MVT sorts by (from, to, package_name); Python's sort is stable. */
static int cmp_sorted(const void *pa, const void *pb)
{
    const struct sorted *a = pa, *b = pb;
    int c;

    if ((c = cmp_member(a->rec, b->rec, "from")) || (c = cmp_member(a->rec, b->rec, "to")) ||
        (c = cmp_member(a->rec, b->rec, "package_name")))
        return c;
    return (a->index > b->index) - (a->index < b->index);
}

/* One step of MVT's _detect_uninstalls_and_downgrades: a version below
 * the last one seen for the package (in date order) is a downgrade; an
 * uninstall ("0") forgets the package. */
static int version_step(json_t *versions, json_t *rec)
{
    size_t n, vn;
    const char *pkg = member(rec, "package_name", &n), *vers = member(rec, "vers", &vn);
    int64_t cur;
    json_t *prev;
    char buf[32];

    if (vn == 1 && vers[0] == '0') {
        json_object_deln(versions, pkg, n);
        return VG_OK;
    }
    if (!vg_dumpsys_py_int((struct vg_str){vers, vn}, &cur))
        return VG_OK;
    prev = json_object_getn(versions, pkg, n);
    if (prev && cur < json_integer_value(prev)) {
        if (vg_snprintf(buf, sizeof(buf), "%lld", (long long)json_integer_value(prev)) != VG_OK ||
            vg_dumpsys_set(rec, "action", json_string("downgrade")) != VG_OK ||
            vg_dumpsys_set(rec, "previous_vers", json_string(buf)) != VG_OK)
            return VG_E_NOMEM;
    }
    return json_object_setn_new(versions, pkg, n, json_integer(cur)) == 0 ? VG_OK : VG_E_NOMEM;
}

static int detect_downgrades(json_t *records)
{
    size_t i, n = json_array_size(records);
    struct sorted *v = n ? vg_calloc(n, sizeof(*v)) : NULL;
    json_t *versions = json_object();
    int rc = VG_OK;

    if ((n && !v) || !versions) {
        rc = VG_E_NOMEM;
        goto out;
    }
    for (i = 0; i < n; i++) {
        v[i].rec = json_array_get(records, i);
        v[i].index = i;
    }
    if (n)
        qsort(v, n, sizeof(*v), cmp_sorted);
    for (i = 0; i < n && rc == VG_OK; i++)
        rc = version_step(versions, (json_t *)v[i].rec);
out:
    free(v);
    json_decref(versions);
    return rc;
}

static int daily_lines(struct daily *d, struct vg_dumpsys_lines *r, struct vg_buf *tmp)
{
    struct vg_str line;
    int rc;

    while ((rc = vg_dumpsys_lines_next(r, &line)) == 1) {
        if (vg_str_starts(line, "  Daily from ")) {
            if ((rc = daily_header(d, r->lineno, line)) != VG_OK)
                return rc;
            continue;
        }
        if (!d->from)
            continue;
        if ((rc = daily_update(d, r->lineno, line, tmp)) != VG_OK)
            return rc;
    }
    return rc;
}

int vg_dumpsys_battery_daily(const struct vg_dumpsys_section *sec, struct vg_dumpsys_sink *sink)
{
    struct vg_dumpsys_lines r;
    struct daily d;
    struct vg_buf tmp;
    size_t i;
    int rc;

    memset(&d, 0, sizeof(d));
    d.sink = sink;
    d.records = json_array();
    d.seen = json_object();
    vg_buf_init(&tmp, 3 * (size_t)VG_MAX_TEXT_LINE + 1);
    vg_buf_init(&d.key, 6 * (size_t)VG_MAX_TEXT_LINE + 2);
    vg_dumpsys_lines_init(&r, sec);
    rc = d.records && d.seen ? daily_lines(&d, &r, &tmp) : VG_E_NOMEM;
    if (rc >= 0)
        rc = detect_downgrades(d.records);
    for (i = 0; rc == VG_OK && i < json_array_size(d.records); i++)
        rc = vg_dumpsys_emit(sink, json_incref(json_array_get(d.records, i)));
    vg_dumpsys_done(sink, "battery daily", &r);
    vg_dumpsys_lines_free(&r);
    vg_buf_free(&tmp);
    vg_buf_free(&d.key);
    json_decref(d.records);
    json_decref(d.seen);
    json_decref(d.from);
    json_decref(d.to);
    return rc;
}

/* ---- history ---- */

struct event {
    struct vg_str time, event, uid, package, service;
};

static int history_emit(struct vg_dumpsys_sink *sink, const struct event *e)
{
    static const char *const keys[] = {"time_elapsed", "event", "uid", "package_name", "service"};
    const struct vg_str vals[] = {e->time, e->event, e->uid, e->package, e->service};

    return vg_dumpsys_emit(sink, vg_dumpsys_strs(5, keys, vals));
}

/* "+job=u0a94:"pkg/.Service"" and "-job=...": 1 when it is an event. */
static int job_event(struct vg_str line, const char *marker, struct event *e, int *crash)
{
    struct vg_str payload = line, skip;

    if (!vg_str_until_str(&payload, marker, &skip)) { /* MVT: IndexError */
        *crash = 1;
        return 0;
    }
    if (!vg_str_until(&payload, ':', &e->uid))
        return 0;
    e->service = vg_str_strip_char(vg_str_py_strip(payload), '"');
    e->package = vg_dumpsys_head(e->service, '/');
    return 1;
}

/* "+running +wake_lock=u0a12:"*walarm*:pkg/.Receiver"" */
static int wake_event(struct vg_str line, struct event *e)
{
    struct vg_str payload = line, skip;

    (void)vg_str_until_str(&payload, "+running +wake_lock=", &skip);
    if (!vg_str_until(&payload, ':', &e->uid))
        return 0;
    e->service = vg_str_py_slice(line, vg_str_py_find(line, "*walarm*:") + 9, VG_PY_END);
    e->service = vg_str_py_strip(vg_str_strip_char(vg_dumpsys_head(e->service, ' '), '"'));
    if (e->service.n == 0 || vg_str_find(e->service, '/') < 0)
        return 0;
    e->package = vg_dumpsys_head(e->service, '/');
    return 1;
}

/* "+top=u0a280:"com.whatsapp"" / "-top=...": MVT's index arithmetic,
 * negative positions included, on code points. */
static void top_event(struct vg_str line, struct event *e)
{
    long top = vg_str_py_find(line, "+top=");
    long colon;

    if (top > 0) {
        e->event = vg_str_of("start_top");
    } else {
        e->event = vg_str_of("end_top");
        top = vg_str_py_find(line, "-top=");
    }
    colon = top + vg_str_py_find(vg_str_py_slice(line, top, VG_PY_END), ":");
    e->uid = vg_str_py_slice(line, top + 5, colon);
    e->service = vg_str_of("");
    e->package = vg_str_strip_char(vg_str_py_slice(line, colon + 1, VG_PY_END), '"');
}

/* The first field, or the first two joined by one space when they are
 * "MM-DD HH:MM:SS.mmm". */
static int elapsed(struct vg_str line, struct vg_buf *b, struct vg_str *out)
{
    struct vg_str s = line, w0, w1;
    int rc;

    if (!vg_str_py_word(&s, &w0))
        return VG_E_INVAL;
    *out = w0;
    if (!vg_str_py_word(&s, &w1) || vg_str_cp_len(w0) != 5 ||
        !vg_str_eq(vg_str_py_slice(w0, 2, 3), "-") || vg_str_find(w1, ':') < 0)
        return VG_OK;
    vg_buf_reset(b);
    if ((rc = vg_buf_append(b, w0.p, w0.n)) != VG_OK ||
        (rc = vg_buf_append_char(b, ' ')) != VG_OK || (rc = vg_buf_append(b, w1.p, w1.n)) != VG_OK)
        return rc;
    out->p = b->data;
    out->n = b->len;
    return VG_OK;
}

/* One history line: 1 with e filled, 0 when it is no event. */
static int history_line(struct vg_dumpsys_sink *sink, size_t lineno, struct vg_str line,
                        struct event *e)
{
    int crash = 0, ok;

    if (vg_str_py_find(line, "+job") > 0) {
        e->event = vg_str_of("start_job");
        ok = job_event(line, "+job=", e, &crash);
    } else if (vg_str_py_find(line, "-job") > 0) {
        e->event = vg_str_of("end_job");
        ok = job_event(line, "-job=", e, &crash);
    } else if (vg_str_py_find(line, "+running +wake_lock=") > 0) {
        e->event = vg_str_of("wake");
        ok = wake_event(line, e);
    } else if (vg_str_py_find(line, "+top=") > 0 || vg_str_py_find(line, "-top") > 0) {
        top_event(line, e);
        ok = 1;
    } else {
        ok = 0;
    }
    if (crash)
        vg_dumpsys_warn(sink, "battery history", lineno, "job event without '='");
    return ok;
}

int vg_dumpsys_battery_history(const struct vg_dumpsys_section *sec, struct vg_dumpsys_sink *sink)
{
    struct vg_dumpsys_lines r;
    struct vg_buf tb;
    struct vg_str line;
    struct event e;
    int rc;

    vg_buf_init(&tb, 3 * (size_t)VG_MAX_TEXT_LINE + 2);
    vg_dumpsys_lines_init(&r, sec);
    while ((rc = vg_dumpsys_lines_next(&r, &line)) == 1) {
        if (vg_str_starts(line, "Battery History "))
            continue;
        if (vg_dumpsys_blank(line))
            break;
        if ((rc = elapsed(line, &tb, &e.time)) != VG_OK)
            break;
        if (history_line(sink, r.lineno, line, &e) && (rc = history_emit(sink, &e)) != VG_OK)
            break;
    }
    vg_dumpsys_done(sink, "battery history", &r);
    vg_dumpsys_lines_free(&r);
    vg_buf_free(&tb);
    return rc < 0 ? rc : VG_OK;
}
