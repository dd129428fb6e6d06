/*
 * Splitting dumpsys text into services, reading a service's lines as MVT
 * reads them, and what the parsers share (see dumpsys.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include "formats/android/dumpsys_int.h"
#include "util/utf8.h"

#define HEADER_PREFIX "DUMP OF SERVICE "
#define DELIM_DASHES  78 /* MVT's delimiter: 78 of the 79 dashes dumpstate writes */

static enum vg_lines_mode lines_mode(enum vg_dumpsys_dec dec)
{
    return dec == VG_DUMPSYS_BYTES ? VG_LINES_PY_BYTES : VG_LINES_PY_STR;
}

static struct vg_str strip(enum vg_dumpsys_dec dec, struct vg_str s)
{
    return dec == VG_DUMPSYS_BYTES ? vg_str_bytes_strip(s) : vg_str_py_strip(s);
}

/* Python's decode(errors="ignore"): invalid sequences dropped. */
static int utf8_drop(struct vg_buf *b, struct vg_str s)
{
    const unsigned char *u = (const unsigned char *)s.p;
    size_t i = 0, run = 0;
    uint32_t cp;
    int rc;

    while (i < s.n) {
        size_t k = vg_utf8_next(u + i, s.n - i, &cp);
        if (cp == VG_UTF8_BAD) {
            if ((rc = vg_buf_append(b, u + run, i - run)) != VG_OK)
                return rc;
            run = i + k;
        }
        i += k;
    }
    return vg_buf_append(b, u + run, i - run);
}

/* The line as MVT's str would hold it: repaired or with invalid bytes
 * dropped; the line itself when it is UTF-8 already. */
static int decode(enum vg_dumpsys_dec dec, struct vg_buf *b, struct vg_str raw, struct vg_str *out)
{
    int rc;

    if (dec == VG_DUMPSYS_BYTES || vg_utf8_valid(raw.p, raw.n)) {
        *out = raw;
        return VG_OK;
    }
    vg_buf_reset(b);
    rc = dec == VG_DUMPSYS_IGNORE ? utf8_drop(b, raw) : vg_utf8_repair(b, raw.p, raw.n);
    if (rc != VG_OK)
        return rc;
    out->p = b->data;
    out->n = b->len;
    return VG_OK;
}

static void init_decode_buf(struct vg_buf *b)
{
    /* a cut line, every byte of it invalid: 3 bytes of U+FFFD each */
    vg_buf_init(b, 3 * (size_t)VG_MAX_TEXT_LINE + 1);
}

/* ---- splitting ---- */

enum line_kind { LINE_OTHER = 0, LINE_HEADER, LINE_DELIM };

static int is_delim(struct vg_str s)
{
    size_t i;

    if (s.n < DELIM_DASHES)
        return 0;
    for (i = 0; i < DELIM_DASHES; i++)
        if (s.p[i] != '-')
            return 0;
    return 1;
}

/* Whether raw is a header (name set) or a delimiter. Only a line whose
 * first non-blank byte is 'D', '-' or, when decoding drops bytes, a
 * non-ASCII byte can be either, so most lines cost a few byte tests. */
static int classify(struct vg_dumpsys_iter *it, struct vg_str raw, enum line_kind *kind,
                    struct vg_str *name)
{
    struct vg_str s = raw;
    unsigned char c;
    int rc;

    *kind = LINE_OTHER;
    while (s.n && (s.p[0] == ' ' || s.p[0] == '\t')) /* the usual indentation, quickly */
        s = vg_str_sub(s, 1, s.n);
    if (s.n && (unsigned char)s.p[0] > ' ' && (unsigned char)s.p[0] < 0x7f && s.p[0] != 'D' &&
        s.p[0] != '-')
        return VG_OK; /* most lines: printable ASCII, so neither blank nor a header */
    s = it->dec == VG_DUMPSYS_BYTES ? vg_str_bytes_lstrip(s) : vg_str_py_lstrip(s);
    if (s.n == 0)
        return VG_OK;
    c = (unsigned char)s.p[0];
    if (c != 'D' && c != '-' && !(c >= 0x80 && it->dec == VG_DUMPSYS_IGNORE))
        return VG_OK;
    if (it->dec == VG_DUMPSYS_IGNORE && (rc = decode(it->dec, &it->scratch, raw, &raw)) != VG_OK)
        return rc;
    s = strip(it->dec, raw);
    if (is_delim(s)) {
        *kind = LINE_DELIM;
    } else if (vg_str_starts(s, HEADER_PREFIX) && s.n > strlen(HEADER_PREFIX) &&
               s.p[s.n - 1] == ':') {
        *kind = LINE_HEADER;
        name->p = s.p + strlen(HEADER_PREFIX);
        name->n = s.n - strlen(HEADER_PREFIX) - 1;
    }
    return VG_OK;
}

int vg_dumpsys_iter_init(struct vg_dumpsys_iter *it, const void *text, size_t len,
                         enum vg_dumpsys_dec dec)
{
    memset(it, 0, sizeof(*it));
    if (len > VG_MAX_DUMPSYS_TEXT)
        return VG_E_LIMIT;
    it->text = text ? text : "";
    it->len = text ? len : 0;
    it->dec = dec;
    vg_lines_init(&it->lines, it->text, it->len, 0);
    vg_lines_set_mode(&it->lines, lines_mode(dec));
    init_decode_buf(&it->scratch);
    return VG_OK;
}

void vg_dumpsys_iter_free(struct vg_dumpsys_iter *it)
{
    if (it)
        vg_buf_free(&it->scratch);
}

/* Finds the delimiter after the header whose body starts at `from`: the
 * end of the run of sections that share it. A second cursor, so the main
 * one still visits the headers nested in the run. */
static int find_end(struct vg_dumpsys_iter *it, size_t from)
{
    struct vg_lines l;
    struct vg_str raw, name;
    enum line_kind kind;
    int rc;

    vg_lines_init(&l, it->text + from, it->len - from, 0);
    vg_lines_set_mode(&l, lines_mode(it->dec));
    it->body_end = from;
    it->end_off = it->len;
    it->ended = 0;
    while (vg_lines_next(&l, &raw)) {
        if ((rc = classify(it, raw, &kind, &name)) != VG_OK)
            return rc;
        if (kind == LINE_DELIM) {
            it->end_off = (size_t)(raw.p - it->text);
            it->ended = 1;
            break;
        }
        it->body_end = (size_t)(raw.p - it->text) + raw.n;
    }
    it->end_known = 1;
    return VG_OK;
}

static void set_name(struct vg_dumpsys_section *out, struct vg_str name)
{
    struct vg_str s = name;

    out->name = name;
    out->prio = VG_DUMPSYS_PRIO_NORMAL;
    if (vg_str_eat(&s, "CRITICAL "))
        out->prio = VG_DUMPSYS_PRIO_CRITICAL;
    else if (vg_str_eat(&s, "HIGH "))
        out->prio = VG_DUMPSYS_PRIO_HIGH;
    out->service = s;
}

int vg_dumpsys_iter_next(struct vg_dumpsys_iter *it, struct vg_dumpsys_section *out)
{
    struct vg_str raw, name = {NULL, 0};
    enum line_kind kind;
    size_t off, from;
    int rc;

    while (vg_lines_next(&it->lines, &raw)) {
        if ((rc = classify(it, raw, &kind, &name)) != VG_OK)
            return rc;
        if (kind != LINE_HEADER)
            continue;
        if (it->count >= VG_MAX_DUMPSYS_SECTIONS)
            return VG_E_LIMIT;
        it->count++;
        off = (size_t)(raw.p - it->text);
        from = vg_lines_offset(&it->lines);
        if ((!it->end_known || off >= it->end_off) && (rc = find_end(it, from)) != VG_OK)
            return rc;
        /* find_end used the scratch buffer: decode the name again */
        if (it->dec == VG_DUMPSYS_IGNORE && (rc = classify(it, raw, &kind, &name)) != VG_OK)
            return rc;
        memset(out, 0, sizeof(*out));
        set_name(out, name);
        out->body.p = it->text + from;
        out->body.n = it->body_end > from ? it->body_end - from : 0;
        out->line = it->lines.lineno;
        out->offset = off;
        out->ended = it->ended;
        out->dec = it->dec;
        return 1;
    }
    return 0;
}

int vg_dumpsys_find(const void *text, size_t len, const char *name, enum vg_dumpsys_dec dec,
                    struct vg_dumpsys_section *out)
{
    struct vg_dumpsys_iter it;
    struct vg_dumpsys_section sec;
    int rc;

    if ((rc = vg_dumpsys_iter_init(&it, text, len, dec)) != VG_OK)
        return rc;
    while ((rc = vg_dumpsys_iter_next(&it, &sec)) == 1) {
        if (vg_str_eq(sec.name, name)) {
            *out = sec;
            set_name(out, vg_str_of(name)); /* sec.name may borrow the iterator */
            rc = VG_OK;
            goto out;
        }
    }
    if (rc == 0)
        rc = VG_E_NOTFOUND;
out:
    vg_dumpsys_iter_free(&it);
    return rc;
}

void vg_dumpsys_whole(const void *text, size_t len, enum vg_dumpsys_dec dec,
                      struct vg_dumpsys_section *out)
{
    memset(out, 0, sizeof(*out));
    out->name = vg_str_of("");
    out->service = out->name;
    out->body.p = text ? text : "";
    out->body.n = text ? len : 0;
    out->ended = 1;
    out->dec = dec;
}

/* ---- a section's lines ---- */

void vg_dumpsys_lines_init(struct vg_dumpsys_lines *r, const struct vg_dumpsys_section *sec)
{
    memset(r, 0, sizeof(*r));
    r->sec = sec;
    vg_lines_init(&r->l, sec->body.p, sec->body.n, 0);
    vg_lines_set_mode(&r->l, lines_mode(sec->dec));
    init_decode_buf(&r->buf);
}

void vg_dumpsys_lines_free(struct vg_dumpsys_lines *r)
{
    if (r)
        vg_buf_free(&r->buf);
}

/* MVT's loop tests every line for its header before anything else, so a
 * repeat of the header inside the section is left out. */
static int is_own_header(const struct vg_dumpsys_section *sec, struct vg_str line)
{
    struct vg_str s = strip(sec->dec, line);

    return sec->line > 0 && vg_str_eat(&s, HEADER_PREFIX) && s.n == sec->name.n + 1 &&
           s.p[sec->name.n] == ':' && (sec->name.n == 0 || !memcmp(s.p, sec->name.p, sec->name.n));
}

int vg_dumpsys_lines_next(struct vg_dumpsys_lines *r, struct vg_str *line)
{
    struct vg_str raw;
    int rc;

    while (vg_lines_next(&r->l, &raw)) {
        r->lineno = r->sec->line + r->l.lineno;
        if ((rc = decode(r->sec->dec, &r->buf, raw, line)) != VG_OK)
            return rc;
        if (!is_own_header(r->sec, *line))
            return 1;
    }
    return 0;
}

int vg_dumpsys_actions_next(struct vg_dumpsys_lines *r, const char *table, int *state,
                            struct vg_str *line)
{
    int rc;

    while ((rc = vg_dumpsys_lines_next(r, line)) == 1) {
        if (vg_str_starts(*line, table)) { /* skipped wherever it comes, as MVT does */
            *state = *state ? *state : 1;
            continue;
        }
        if (*state == 0)
            continue;
        if (vg_str_starts(*line, "  Non-Data Actions:")) {
            *state = 2;
            continue;
        }
        if (*state == 2)
            return vg_dumpsys_blank(*line) ? 0 : 1;
    }
    return rc;
}

/* ---- records ---- */

void vg_dumpsys_warn(struct vg_dumpsys_sink *sink, const char *what, size_t line, const char *fmt,
                     ...)
{
    char msg[VG_MAX_MESSAGE];
    va_list ap;

    sink->warnings++;
    if (!sink->diag || sink->warnings > VG_MAX_DUMPSYS_WARNINGS)
        return;
    va_start(ap, fmt);
    (void)vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (line)
        vg_diag_add(sink->diag, VG_DIAG_WARN, sink->where ? sink->where : "dumpsys",
                    "dumpsys %s: line %zu: %s", what, line, msg);
    else /* a whole file's own messages (its first line is 1) */
        vg_diag_add(sink->diag, VG_DIAG_WARN, sink->where ? sink->where : "dumpsys",
                    "dumpsys %s: %s", what, msg);
}

void vg_dumpsys_done(struct vg_dumpsys_sink *sink, const char *what,
                     const struct vg_dumpsys_lines *r)
{
    if (r->l.cut)
        vg_dumpsys_warn(sink, what, r->lineno, "%zu line(s) longer than %u bytes were cut",
                        r->l.cut, VG_MAX_TEXT_LINE);
}

int vg_dumpsys_emit(struct vg_dumpsys_sink *sink, json_t *record)
{
    if (!record)
        return VG_E_NOMEM;
    return sink->record(sink->ud, record);
}

json_t *vg_dumpsys_jstr(struct vg_str s)
{
    struct vg_buf b;
    json_t *j;

    if (vg_utf8_valid(s.p, s.n))
        return json_stringn(s.n ? s.p : "", s.n);
    vg_buf_init(&b, 3 * s.n + 1);
    j = vg_utf8_repair(&b, s.p, s.n) == VG_OK ? json_stringn(b.data ? b.data : "", b.len) : NULL;
    vg_buf_free(&b);
    return j;
}

int vg_dumpsys_set(json_t *obj, const char *key, json_t *value)
{
    if (!value)
        return VG_E_NOMEM;
    return json_object_set_new(obj, key, value) == 0 ? VG_OK : VG_E_NOMEM;
}

int vg_dumpsys_set_str(json_t *obj, const char *key, struct vg_str v)
{
    return vg_dumpsys_set(obj, key, vg_dumpsys_jstr(v));
}

json_t *vg_dumpsys_strs(size_t n, const char *const *keys, const struct vg_str *vals)
{
    json_t *o = json_object();
    size_t i;

    for (i = 0; o && i < n; i++) {
        if (vg_dumpsys_set_str(o, keys[i], vals[i]) != VG_OK) {
            json_decref(o);
            return NULL;
        }
    }
    return o;
}

int vg_dumpsys_remove_all(struct vg_buf *b, struct vg_str s, const char *lit, struct vg_str *out)
{
    struct vg_str piece;
    int rc;

    vg_buf_reset(b);
    while (vg_str_until_str(&s, lit, &piece))
        if ((rc = vg_buf_append(b, piece.p, piece.n)) != VG_OK)
            return rc;
    if ((rc = vg_buf_append(b, s.p, s.n)) != VG_OK)
        return rc;
    out->p = b->data ? b->data : "";
    out->n = b->len;
    return VG_OK;
}

int vg_dumpsys_py_int(struct vg_str s, int64_t *out)
{
    struct vg_buf digits;
    struct vg_str d;
    char c[2] = {0, 0};
    int neg, ok = 0;
    uint64_t u;

    s = vg_str_py_strip(s);
    neg = vg_str_eat_char(&s, '-');
    if (!neg)
        (void)vg_str_eat_char(&s, '+');
    /* digits, each '_' between two of them */
    vg_buf_init(&digits, 64);
    while (s.n > 0) {
        if (vg_str_eat_char(&s, '_') &&
            (digits.len == 0 || s.n == 0 || s.p[0] < '0' || s.p[0] > '9'))
            goto out;
        if (s.p[0] < '0' || s.p[0] > '9' || vg_buf_append(&digits, s.p, 1) != VG_OK)
            goto out;
        s = vg_str_sub(s, 1, s.n);
    }
    d.p = digits.data ? digits.data : c;
    d.n = digits.len;
    if (!vg_str_to_u64(d, &u) || u > (uint64_t)INT64_MAX + (uint64_t)neg)
        goto out;
    *out = neg ? (u == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)u) : (int64_t)u;
    ok = 1;
out:
    vg_buf_free(&digits);
    return ok;
}

int vg_dumpsys_append(json_t *arr, json_t *value)
{
    if (!value)
        return VG_E_NOMEM;
    return json_array_append_new(arr, value) == 0 ? VG_OK : VG_E_NOMEM;
}

/* ---- every parser ---- */

const struct vg_dumpsys_parser vg_dumpsys_parsers[VG_DUMPSYS_KIND_COUNT] = {
    [VG_DUMPSYS_ACCESSIBILITY] = {"DumpsysAccessibility", "dumpsys_accessibility", "accessibility",
                                  VG_DUMPSYS_IGNORE, vg_dumpsys_accessibility},
    [VG_DUMPSYS_ACTIVITIES] = {"DumpsysActivities", "dumpsys_activities", "package",
                               VG_DUMPSYS_IGNORE, vg_dumpsys_activities},
    [VG_DUMPSYS_APPOPS] = {"DumpsysAppops", "dumpsys_appops", "appops", VG_DUMPSYS_REPLACE,
                           vg_dumpsys_appops},
    [VG_DUMPSYS_BATTERY_DAILY] = {"DumpsysBatteryDaily", "dumpsys_battery_daily", "batterystats",
                                  VG_DUMPSYS_REPLACE, vg_dumpsys_battery_daily},
    [VG_DUMPSYS_BATTERY_HISTORY] = {"DumpsysBatteryHistory", "dumpsys_battery_history",
                                    "batterystats", VG_DUMPSYS_REPLACE, vg_dumpsys_battery_history},
    [VG_DUMPSYS_DBINFO] = {"DumpsysDBInfo", "dbinfo", "dbinfo", VG_DUMPSYS_IGNORE,
                           vg_dumpsys_dbinfo},
    [VG_DUMPSYS_PACKAGES] = {"DumpsysPackages", "dumpsys_packages", "package", VG_DUMPSYS_REPLACE,
                             vg_dumpsys_packages},
    [VG_DUMPSYS_PLATFORM_COMPAT] = {"DumpsysPlatformCompat", "dumpsys_platform_compat",
                                    "platform_compat", VG_DUMPSYS_REPLACE,
                                    vg_dumpsys_platform_compat},
    [VG_DUMPSYS_RECEIVERS] = {"DumpsysReceivers", "dumpsys_receivers", "package",
                              VG_DUMPSYS_REPLACE, vg_dumpsys_receivers},
    [VG_DUMPSYS_ADB] = {"DumpsysADBState", "dumpsys_adb_state", "adb", VG_DUMPSYS_BYTES,
                        vg_dumpsys_adb},
};

int vg_dumpsys_extract(const void *text, size_t len, enum vg_dumpsys_kind kind,
                       struct vg_dumpsys_sink *sink)
{
    const struct vg_dumpsys_parser *p;
    struct vg_dumpsys_section sec;
    int rc;

    if ((unsigned)kind >= VG_DUMPSYS_KIND_COUNT)
        return VG_E_INVAL;
    p = &vg_dumpsys_parsers[kind];
    if ((rc = vg_dumpsys_find(text, len, p->section, p->dec, &sec)) != VG_OK)
        return rc;
    return p->parse(&sec, sink);
}
