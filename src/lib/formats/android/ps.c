/* SPDX-License-Identifier: Apache-2.0 */
#include "util/vg.h"

#include "formats/android/ps.h"
#include "util/text.h"

/* Columns kept from one line: a label, nine columns, and one spare so the
 * tenth tells whether NAME runs on (MVT keeps its first word only). */
#define PS_KEEP 12

struct ps_row {
    struct vg_str col[PS_KEEP];
    size_t count;    /* columns on the line, kept or not */
    const char *end; /* end of the last column */
    struct vg_str label;
};

static void ps_insert_empty(struct ps_row *r, size_t at)
{
    size_t i;

    for (i = PS_KEEP - 1; i > at; i--)
        r->col[i] = r->col[i - 1];
    r->col[at] = vg_str_of("");
    r->count++;
}

static void ps_drop_first(struct ps_row *r)
{
    size_t i;

    for (i = 0; i + 1 < PS_KEEP; i++)
        r->col[i] = r->col[i + 1];
    r->count--;
}

/* MVT's column juggling, in its order: eight columns are a line without
 * WCHAN; a first column "u:r..." is the label; still fewer than nine is a
 * line without WCHAN. */
static void ps_split(struct vg_str line, struct ps_row *r)
{
    struct vg_str f;

    memset(r, 0, sizeof(*r));
    r->label = vg_str_of("");
    while (vg_str_field(&line, &f)) {
        if (r->count < PS_KEEP)
            r->col[r->count] = f;
        r->count++;
        r->end = f.p + f.n;
    }
    if (r->count == 8)
        ps_insert_empty(r, 5);
    if (r->count > 0 && vg_str_starts(r->col[0], "u:r")) {
        r->label = r->col[0];
        ps_drop_first(r);
    }
    if (r->count < 9)
        ps_insert_empty(r, 5);
}

/* Python's str.strip("[]"). */
static struct vg_str ps_unbracket(struct vg_str s)
{
    while (s.n && (s.p[0] == '[' || s.p[0] == ']')) {
        s.p++;
        s.n--;
    }
    while (s.n && (s.p[s.n - 1] == '[' || s.p[s.n - 1] == ']'))
        s.n--;
    return s;
}

static int ps_set_str(json_t *rec, const char *key, struct vg_str v)
{
    return json_object_set_new(rec, key, vg_aqf_str(v.p, v.n));
}

static json_t *ps_record(const struct ps_row *r, const int64_t num[4])
{
    /* NAME is the last column: a name with blanks is kept whole */
    struct vg_str name = {r->col[8].p, (size_t)(r->end - r->col[8].p)};
    json_t *rec = json_object();

    if (!rec || ps_set_str(rec, "user", r->col[0]) != 0 ||
        json_object_set_new(rec, "pid", json_integer(num[0])) != 0 ||
        json_object_set_new(rec, "ppid", json_integer(num[1])) != 0 ||
        json_object_set_new(rec, "virtual_memory_size", json_integer(num[2])) != 0 ||
        json_object_set_new(rec, "resident_set_size", json_integer(num[3])) != 0 ||
        ps_set_str(rec, "wchan", r->col[5]) != 0 || ps_set_str(rec, "aprocress", r->col[6]) != 0 ||
        ps_set_str(rec, "stat", r->col[7]) != 0 ||
        ps_set_str(rec, "proc_name", ps_unbracket(name)) != 0 ||
        ps_set_str(rec, "label", r->label) != 0) {
        json_decref(rec);
        return NULL;
    }
    return rec;
}

static int ps_line(struct vg_aqf_sink *s, struct vg_str line, size_t lineno)
{
    static const char *const what[] = {"PID", "PPID", "VSZ", "RSS"};
    struct ps_row r;
    int64_t num[4];
    size_t i;

    if (vg_str_strip(line).n == 0)
        return VG_OK;
    ps_split(line, &r);
    if (r.count < 9) {
        vg_aqf_warn(s, "line %zu: %zu columns, not a process", lineno, r.count);
        return VG_OK;
    }
    for (i = 0; i < 4; i++) {
        if (!vg_str_to_i64(r.col[1 + i], &num[i])) {
            vg_aqf_warn(s, "line %zu: %s \"%.*s\" is not a number", lineno, what[i],
                        (int)(r.col[1 + i].n > 64 ? 64 : r.col[1 + i].n), r.col[1 + i].p);
            return VG_OK;
        }
    }
    return vg_aqf_emit(s, ps_record(&r, num));
}

static int ps_header(struct vg_str line)
{
    line = vg_str_strip(line);
    return vg_str_starts(line, "USER") || vg_str_starts(line, "LABEL") ||
           vg_str_starts(line, "PID") || vg_str_starts(line, "UID");
}

int vg_ps_parse(const void *text, size_t len, struct vg_aqf_sink *s)
{
    struct vg_buf fixed;
    struct vg_lines l;
    struct vg_str line;
    const char *p;
    size_t n;
    int rc;

    vg_buf_init(&fixed, SIZE_MAX - 1);
    if (vg_aqf_looks_json(text, text ? len : 0)) {
        vg_aqf_warn(s, "holds JSON (the collector's process list), not ps text");
        rc = VG_E_UNSUPPORTED;
        goto out;
    }
    rc = vg_aqf_text_utf8(s, text, len, &fixed, &p, &n);
    if (rc != VG_OK)
        goto out;
    vg_lines_init(&l, p, n, 0);
    /* the first line is the header, whatever it holds (as MVT) */
    if (vg_lines_next(&l, &line) && !ps_header(line))
        vg_aqf_warn(s, "line 1 is not a ps header: skipped all the same");
    while (rc == VG_OK && vg_lines_next(&l, &line))
        rc = ps_line(s, line, l.lineno);
    if (l.cut)
        vg_aqf_warn(s, "%zu lines longer than %u bytes were cut", l.cut, VG_MAX_TEXT_LINE);
out:
    vg_aqf_warn_done(s);
    vg_buf_free(&fixed);
    return rc;
}
