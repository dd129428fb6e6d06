/*
 * Calls: the phone and FaceTime call log (CallHistory.storedata,
 * ZCALLRECORD): date, duration, location, the other party's handle and the
 * service. MVT checks nothing here; vigie looks FaceTime handles that are
 * email addresses up in the email indicators.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <math.h>
#include <stdlib.h>

#include "ios/common.h"
#include "ios/modules.h"
#include "util/buf.h"

static const struct vg_artifact calls_artifacts[] = {
    {"HomeDomain", "Library/CallHistoryDB/CallHistory.storedata",
     "private/var/mobile/Library/CallHistoryDB/CallHistory.storedata"},
};

/* MVT has no ORDER BY; Z_PK gives every run the same order. */
static const char calls_sql[] = "SELECT ZDATE, ZDURATION, ZLOCATION, ZADDRESS, ZSERVICE_PROVIDER"
                                " FROM ZCALLRECORD ORDER BY Z_PK";

/* MVT's convert_mactime_to_iso: "" for 0, NULL or an unusable time. */
static json_t *mac_iso(sqlite3_stmt *st, int i)
{
    char buf[VG_ISODATE_LEN + 1];
    int t = sqlite3_column_type(st, i);
    double d;

    if (t != SQLITE_INTEGER && t != SQLITE_FLOAT)
        return json_string("");
    d = sqlite3_column_double(st, i);
    if (d == 0 || vg_isodate_cocoa(d, buf) != VG_OK)
        return json_string("");
    return json_string(buf);
}

/* Length of the well-formed UTF-8 sequence at p, or 0 with *bad set to
 * the length of its longest valid start (Unicode's "maximal subpart"). */
static size_t utf8_seq(const unsigned char *p, size_t n, size_t *bad)
{
    unsigned char lo = 0x80, hi = 0xBF;
    size_t need, k;

    if (p[0] < 0x80)
        return 1;
    if (p[0] >= 0xC2 && p[0] <= 0xDF)
        need = 1;
    else if (p[0] >= 0xE0 && p[0] <= 0xEF)
        need = 2;
    else if (p[0] >= 0xF0 && p[0] <= 0xF4)
        need = 3;
    else {
        *bad = 1;
        return 0;
    }
    if (p[0] == 0xE0)
        lo = 0xA0;
    else if (p[0] == 0xED)
        hi = 0x9F;
    else if (p[0] == 0xF0)
        lo = 0x90;
    else if (p[0] == 0xF4)
        hi = 0x8F;
    for (k = 1; k <= need; k++) {
        if (k >= n || p[k] < (k == 1 ? lo : 0x80) || p[k] > (k == 1 ? hi : 0xBF)) {
            *bad = k;
            return 0;
        }
    }
    return need + 1;
}

/* bytes.decode("utf-8", "replace"), as MVT's JSON encoder turns handles
 * stored as blobs into text. */
static json_t *utf8_json(const unsigned char *p, size_t n)
{
    struct vg_buf b;
    json_t *j = json_stringn((const char *)p, n);
    size_t i = 0;
    int rc = VG_OK;

    if (j)
        return j;
    vg_buf_init(&b, n > SIZE_MAX / 3 - 1 ? SIZE_MAX : 3 * n + 1);
    while (i < n && rc == VG_OK) {
        size_t bad = 0, len = utf8_seq(p + i, n - i, &bad);
        if (len) {
            rc = vg_buf_append(&b, p + i, len);
            i += len;
        } else {
            rc = vg_buf_append(&b, "\xEF\xBF\xBD", 3);
            i += bad;
        }
    }
    j = rc == VG_OK ? json_stringn(b.data ? b.data : "", b.len) : NULL;
    vg_buf_free(&b);
    return j;
}

static json_t *col_json(sqlite3_stmt *st, int i)
{
    const unsigned char *p;

    switch (sqlite3_column_type(st, i)) {
    case SQLITE_INTEGER:
        return json_integer((json_int_t)sqlite3_column_int64(st, i));
    case SQLITE_FLOAT: {
        double d = sqlite3_column_double(st, i);
        return isfinite(d) ? json_real(d) : json_null();
    }
    case SQLITE_TEXT:
    case SQLITE_BLOB:
        p = sqlite3_column_type(st, i) == SQLITE_BLOB ? sqlite3_column_blob(st, i)
                                                      : sqlite3_column_text(st, i);
        return utf8_json(p ? p : (const unsigned char *)"", (size_t)sqlite3_column_bytes(st, i));
    default:
        return json_null();
    }
}

static json_t *call_record(struct vg_run *run, sqlite3_stmt *st)
{
    (void)run;
    return json_pack("{s:o, s:o, s:o, s:o, s:o}", "isodate", mac_iso(st, 0), "duration",
                     col_json(st, 1), "location", col_json(st, 2), "number", col_json(st, 3),
                     "provider", col_json(st, 4));
}

static int calls_db(struct vg_run *run, const struct vg_file *f, sqlite3 *db, void *ud)
{
    (void)ud;
    return vg_ios_query_records(run, f, db, calls_sql, call_record);
}

static int calls_extract(struct vg_run *run)
{
    int rc = vg_ios_each_db(run, calls_db, NULL);
    vg_run_log(run, VG_DIAG_INFO, "Extracted a total of %zu calls", vg_run_record_count(run));
    return rc;
}

/* FaceTime calls keep an Apple ID handle, often an email address. */
static void calls_check(struct vg_run *run)
{
    json_t *rec;
    size_t i;

    json_array_foreach(vg_run_records(run), i, rec)
    {
        const char *number = vg_rec_str(rec, "number");
        if (number && strchr(number, '@'))
            vg_check_email(run, VG_LEVEL_CRITICAL, rec, number, vg_rec_time(rec, "isodate"));
    }
}

/* repr(float) as Python prints it: the shortest digits that read back
 * as x, in fixed notation unless the decimal point is more than 4 places
 * left of them or 16 right. out holds at least 32 bytes. */
static void py_float(double x, char *out, size_t cap)
{
    char e[40], digits[20], *o = out, *end = out + cap - 1;
    int p, exp10, decpt, nd = 0, k;
    const char *s;

    if (!isfinite(x)) {
        vg_snprintf(out, cap, "%s", isnan(x) ? "nan" : x < 0 ? "-inf" : "inf");
        return;
    }
    for (p = 1; p <= 17; p++) {
        vg_snprintf(e, sizeof(e), "%.*e", p - 1, x);
        if (strtod(e, NULL) == x)
            break;
    }
    for (s = e; *s && *s != 'e'; s++)
        if (*s >= '0' && *s <= '9' && nd < (int)sizeof(digits) - 1)
            digits[nd++] = *s;
    digits[nd] = '\0';
    exp10 = *s == 'e' ? (int)strtol(s + 1, NULL, 10) : 0;
    decpt = exp10 + 1;
    if (decpt <= -4 || decpt > 16) {
        vg_snprintf(out, cap, "%s%c%s%se%c%02d", signbit(x) ? "-" : "", digits[0],
                    nd > 1 ? "." : "", digits + 1, exp10 < 0 ? '-' : '+', abs(exp10));
        return;
    }
    if (signbit(x) && o < end)
        *o++ = '-';
    /* integer part, '.', fraction: digits, padded with zeros either side */
    for (k = 0; k < (decpt > 0 ? decpt : 1) && o < end; k++)
        *o++ = decpt > 0 && k < nd ? digits[k] : '0';
    if (o < end)
        *o++ = '.';
    for (k = decpt < 0 ? decpt : 0; k < 0 && o < end; k++)
        *o++ = '0';
    for (k = decpt > 0 ? decpt : 0; k < nd && o < end; k++)
        *o++ = digits[k];
    if (decpt >= nd && o < end)
        *o++ = '0';
    *o = '\0';
}

/* Python's str() of a scalar, as MVT's f-strings print it. */
static const char *py_str(const json_t *v, char *buf, size_t cap)
{
    if (json_is_string(v))
        return json_string_value(v);
    if (json_is_integer(v) &&
        vg_snprintf(buf, cap, "%lld", (long long)json_integer_value(v)) == VG_OK)
        return buf;
    if (json_is_real(v)) {
        py_float(json_real_value(v), buf, cap);
        return buf;
    }
    if (json_is_boolean(v))
        return json_is_true(v) ? "True" : "False";
    return "None";
}

static void calls_timeline(struct vg_run *run, const json_t *rec)
{
    char number[40], provider[40], duration[40];
    char *desc = vg_asprintf("From %s using %s during %s seconds",
                             py_str(json_object_get(rec, "number"), number, sizeof(number)),
                             py_str(json_object_get(rec, "provider"), provider, sizeof(provider)),
                             py_str(json_object_get(rec, "duration"), duration, sizeof(duration)));

    if (!desc)
        return;
    vg_run_timeline(run, vg_rec_time(rec, "isodate"), "call", desc);
    free(desc);
}

const struct vg_module vg_mod_calls = {
    .name = "calls",
    .class_name = "Calls",
    .description = "phone and FaceTime call log (CallHistory.storedata); email indicators on "
                   "FaceTime handles (beyond MVT, which checks nothing here)",
    .sources = VG_SRC_MIXED,
    .artifacts = calls_artifacts,
    .n_artifacts = VG_ARRAY_LEN(calls_artifacts),
    .extract = calls_extract,
    .check = calls_check,
    .timeline = calls_timeline,
};
