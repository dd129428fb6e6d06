/*
 * Text tombstones (tombstone_NN), read line by line the way MVT's
 * TombstoneCrashArtifact.parse reads them: a line that starts with one of
 * its keys sets a field, the first "pid:" line names the crashing thread,
 * every other line is ignored. Where MVT raises (and so drops the file),
 * this fails with the line number. Grammar: docs/formats/tombstone.md.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include "formats/android/tombstone_int.h"
#include "util/utf8.h"

#define TT_DELIMITER "*** *** *** *** *** *** *** *** *** *** *** *** *** *** *** ***"

enum tt_key {
    K_FINGERPRINT,
    K_REVISION,
    K_ABI,
    K_TIMESTAMP,
    K_UPTIME,
    K_CMDLINE,
    K_PID,
    K_TID,
    K_NAME,
    K_BINARY_PATH,
    K_UID,
    K_SIGNAL,
    K_CODE,
    K_CAUSE,
    K_ABORT, /* MVT main only */
};

/* MVT's TOMBSTONE_TEXT_KEY_MAPPINGS: a line is matched by its start, case
 * and all; no key is a prefix of another, so the order does not matter. */
static const struct {
    const char *key;
    enum tt_key k;
} tt_keys[] = {
    {"Build fingerprint", K_FINGERPRINT},
    {"Revision", K_REVISION},
    {"ABI", K_ABI},
    {"Timestamp", K_TIMESTAMP},
    {"Process uptime", K_UPTIME},
    {"Cmdline", K_CMDLINE},
    {"pid", K_PID},
    {"tid", K_TID},
    {"name", K_NAME},
    {"binary_path", K_BINARY_PATH},
    {"uid", K_UID},
    {"signal", K_SIGNAL},
    {"code", K_CODE},
    {"Cause", K_CAUSE},
    {"Abort message", K_ABORT},
};

struct tt {
    const struct vg_tombstone_in *in;
    struct ts_rec r;
    struct vg_str tid; /* checked as an integer once all lines are read */
    int have_fingerprint, have_revision, have_time, have_pid, have_tid, have_uid, have_signal;
    size_t lineno;
    char *err;
    size_t errcap;
};

static int tt_fail(struct tt *t, int rc, const char *what)
{
    return ts_fail(t->err, t->errcap, rc, "tombstone %s: line %zu: %s",
                   t->in->file_name ? t->in->file_name : "", t->lineno, what);
}

/* ---- key: value lines ---- */

/* MVT's _load_key_value_line: the text before the first ':' must be the
 * key itself; the value loses blanks, then quotes. */
static int tt_value(struct tt *t, struct vg_str line, const char *key, struct vg_str *value)
{
    struct vg_str k;

    if (!vg_str_until(&line, ':', &k))
        return tt_fail(t, VG_E_CORRUPT, "key line without ':'");
    if (!vg_str_eq(k, key))
        return tt_fail(t, VG_E_CORRUPT, "line starts like a key but its key is another");
    *value = vg_str_strip_set(vg_str_strip_set(line, VG_PY_SPACE), "'");
    return VG_OK;
}

static int tt_cmdline(struct tt *t, struct vg_str v)
{
    json_t *a = json_array();

    if (!a || json_array_append_new(a, ts_json_str(v)) != 0) {
        json_decref(a);
        return VG_E_NOMEM;
    }
    json_decref(t->r.command_line);
    t->r.command_line = a; /* the whole line as one argument, as MVT does */
    return VG_OK;
}

static int tt_kv(struct tt *t, struct vg_str line, const char *key, enum tt_key k)
{
    struct vg_str v;
    int rc = tt_value(t, line, key, &v);

    if (rc != VG_OK)
        return rc;
    switch (k) {
    case K_FINGERPRINT:
        t->r.build_fingerprint = v;
        t->have_fingerprint = 1;
        break;
    case K_REVISION:
        t->r.revision = v;
        t->have_revision = 1;
        break;
    case K_ABI:
        t->r.arch = v;
        break;
    case K_UPTIME: /* "40s" */
        if (!ts_pyint(vg_str_rstrip_set(v, "s"), &t->r.uptime))
            return tt_fail(t, VG_E_CORRUPT, "process uptime is not a number of seconds");
        t->r.has_uptime = 1;
        break;
    case K_CMDLINE:
        return tt_cmdline(t, v);
    case K_TID: /* a string to MVT, made an integer when the record is checked */
        t->tid = v;
        t->have_tid = 1;
        break;
    case K_NAME:
        t->r.process_name = v;
        break;
    case K_BINARY_PATH:
        t->r.binary_path = v;
        break;
    case K_UID:
        if (!ts_pyint(v, &t->r.uid))
            return tt_fail(t, VG_E_CORRUPT, "uid is not a number");
        t->have_uid = 1;
        break;
    case K_CAUSE:
        t->r.cause = v;
        break;
    case K_ABORT:
        t->r.abort_message = v;
        break;
    case K_CODE: /* kept by MVT under a key its record does not have */
    default:
        break;
    }
    return VG_OK;
}

/* ---- the pid line: "pid: 1, tid: 2, name: x  >>> /bin/x <<<" ---- */

/* The text after the first sep, up to the next one (Python's
 * split(sep)[1]); 0 when there is no sep. */
static int tt_second(struct vg_str s, const char *sep, struct vg_str *out)
{
    long i = vg_str_find_str(s, sep), j;

    if (i < 0)
        return 0;
    s.p += (size_t)i + strlen(sep);
    s.n -= (size_t)i + strlen(sep);
    j = vg_str_find_str(s, sep);
    if (j >= 0)
        s.n = (size_t)j;
    *out = s;
    return 1;
}

/* One "key: value" of the part before ">>>". */
static int tt_pid_item(struct tt *t, struct vg_str item)
{
    struct vg_str k, v = vg_str_strip_set(item, VG_PY_SPACE);
    int64_t n;

    if (!vg_str_until(&v, ':', &k))
        return tt_fail(t, VG_E_CORRUPT, "pid line: an item without ':'");
    k = vg_str_strip_set(k, VG_PY_SPACE);
    v = vg_str_strip_set(v, VG_PY_SPACE);
    if (vg_str_eq(k, "pid") || vg_str_eq(k, "tid")) {
        if (!ts_pyint(v, &n))
            return tt_fail(t, VG_E_CORRUPT, "pid line: pid or tid is not a number");
        if (k.p[0] == 'p') {
            t->r.pid = n;
            t->have_pid = 1;
        } else {
            t->tid = v;
            t->have_tid = 1;
        }
    } else if (vg_str_eq(k, "name")) {
        t->r.process_name = v;
    }
    return VG_OK;
}

static int tt_pid(struct tt *t, struct vg_str line)
{
    const char *sep = vg_str_find_str(line, " >>> ") >= 0 ? " >>> " : ">>>";
    struct vg_str info = line, item, path;
    long i = vg_str_find_str(line, sep);
    int rc;

    if (t->have_pid) /* later pid lines are the other threads' */
        return VG_OK;
    if (i >= 0)
        info.n = (size_t)i;
    while (vg_str_until(&info, ',', &item))
        if ((rc = tt_pid_item(t, item)) != VG_OK)
            return rc;
    if ((rc = tt_pid_item(t, info)) != VG_OK)
        return rc;
    if (tt_second(line, sep, &path))
        t->r.binary_path = vg_str_rstrip_set(vg_str_strip_set(path, VG_PY_SPACE), " <");
    return VG_OK;
}

/* ---- the signal line: "signal 11 (SIGSEGV), code 1 (SEGV_MAPERR), ..." ---- */

/* MVT's parse_part: the number after prefix, and the name in the
 * parentheses after it ("UNKNOWN" without any). */
static int tt_sig_part(struct vg_str part, const char *prefix, int64_t *num, struct vg_str *name)
{
    struct vg_str m, w, open;
    size_t n = 0;

    if (!tt_second(part, prefix, &m))
        return 0;
    w = vg_str_strip_set(m, VG_PY_SPACE);
    while (n < w.n && !strchr(VG_PY_SPACE, w.p[n]))
        n++;
    w.n = n;
    if (!ts_pyint(w, num))
        return 0;
    if (vg_str_find(m, '(') < 0) {
        *name = VG_STR_LIT("UNKNOWN");
        return 1;
    }
    if (!tt_second(m, "(", &open))
        return 0;
    if (!vg_str_until(&open, ')', name))
        *name = open;
    return 1;
}

static int tt_signal(struct tt *t, struct vg_str line)
{
    struct vg_str sig, code;

    if (!vg_str_until(&line, ',', &sig))
        return tt_fail(t, VG_E_CORRUPT, "signal line without ', code'");
    if (!vg_str_until(&line, ',', &code))
        code = line;
    if (!tt_sig_part(vg_str_strip_set(sig, VG_PY_SPACE), "signal ", &t->r.sig_number,
                     &t->r.sig_name) ||
        !tt_sig_part(vg_str_strip_set(code, VG_PY_SPACE), "code ", &t->r.sig_code,
                     &t->r.sig_code_name))
        return tt_fail(t, VG_E_CORRUPT, "signal line is not 'signal N (NAME), code N (NAME)'");
    t->have_signal = 1;
    return VG_OK;
}

static int tt_timestamp(struct tt *t, struct vg_str line)
{
    struct vg_str k;

    if (!vg_str_until(&line, ':', &k))
        return tt_fail(t, VG_E_CORRUPT, "Timestamp line without ':'");
    if (!ts_time(line, t->r.timestamp))
        return tt_fail(t, VG_E_CORRUPT, "Timestamp is not YYYY-MM-DD HH:MM:SS[.f][zone]");
    t->have_time = 1;
    return VG_OK;
}

/* ---- lines ---- */

static int tt_key_of(struct vg_str line, unsigned flags, size_t *idx)
{
    size_t i;

    for (i = 0; i < VG_ARRAY_LEN(tt_keys); i++) {
        if (tt_keys[i].k == K_ABORT && !(flags & VG_TOMBSTONE_MVT_MAIN))
            continue;
        if (vg_str_starts(line, tt_keys[i].key)) {
            *idx = i;
            return 1;
        }
    }
    return 0;
}

static int tt_line(struct tt *t, struct vg_str line, int cut)
{
    size_t i;

    if (vg_str_strip_set(line, VG_PY_SPACE).n == 0 || vg_str_find_str(line, TT_DELIMITER) >= 0)
        return VG_OK;
    if (!tt_key_of(line, t->in->flags, &i))
        return VG_OK;
    if (cut)
        return tt_fail(t, VG_E_LIMIT, "key line longer than the line cap");
    switch (tt_keys[i].k) {
    case K_PID:
        return tt_pid(t, line);
    case K_SIGNAL:
        return tt_signal(t, line);
    case K_TIMESTAMP:
        return tt_timestamp(t, line);
    default:
        return tt_kv(t, line, tt_keys[i].key, tt_keys[i].k);
    }
}

/* The fields MVT's model requires, in its order. */
static int tt_complete(struct tt *t)
{
    const char *missing = !t->have_fingerprint ? "no 'Build fingerprint' line"
                          : !t->have_revision  ? "no 'Revision' line"
                          : !t->have_time      ? "no 'Timestamp' line"
                          : !t->have_pid       ? "no 'pid' line"
                          : !t->have_tid       ? "no tid"
                          : !t->have_uid       ? "no 'uid' line"
                          : !t->have_signal    ? "no 'signal' line"
                                               : NULL;

    if (missing)
        return tt_fail(t, VG_E_CORRUPT, missing);
    if (!ts_pyint(t->tid, &t->r.tid))
        return tt_fail(t, VG_E_CORRUPT, "tid is not a number");
    return VG_OK;
}

/* Python's strict UTF-8 decoding of the whole file. */
static int tt_utf8(struct tt *t, const unsigned char *p, size_t n)
{
    size_t off = 0, k;
    uint32_t cp;

    if (vg_utf8_valid(p, n))
        return VG_OK;
    while (off < n) {
        k = vg_utf8_next(p + off, n - off, &cp);
        if (cp == VG_UTF8_BAD)
            break;
        off += k;
    }
    return ts_fail(t->err, t->errcap, VG_E_CORRUPT, "tombstone %s: not UTF-8 at offset %zu",
                   t->in->file_name ? t->in->file_name : "", off);
}

int vg_tombstone_text(const struct vg_tombstone_in *in, json_t **out, char *err, size_t errcap)
{
    struct tt t;
    struct vg_lines l;
    struct vg_str line;
    size_t cut;
    int rc;

    memset(&t, 0, sizeof(t));
    t.in = in;
    t.err = err;
    t.errcap = errcap;
    ts_rec_init(&t.r);
    if (in->len > VG_MAX_TOMBSTONE_TEXT)
        return ts_fail(err, errcap, VG_E_LIMIT, "tombstone %s: %zu bytes, more than %u",
                       in->file_name ? in->file_name : "", in->len, VG_MAX_TOMBSTONE_TEXT);
    if ((rc = tt_utf8(&t, in->data, in->len)) != VG_OK)
        return rc;
    vg_lines_init(&l, in->data, in->len, 0);
    cut = l.cut;
    while (vg_lines_next(&l, &line)) {
        t.lineno = l.lineno;
        rc = tt_line(&t, line, l.cut != cut);
        cut = l.cut;
        if (rc != VG_OK)
            goto out;
    }
    t.lineno = l.lineno;
    if ((rc = tt_complete(&t)) != VG_OK)
        goto out;
    return ts_rec_json(&t.r, in, out);
out:
    ts_rec_clear(&t.r);
    return rc;
}
