/* SPDX-License-Identifier: Apache-2.0 */
#include "util/vg.h"

#include <math.h>
#include <zlib.h>

#include "formats/android/ab_stream.h"
#include "formats/android/sms_backup.h"
#include "indicators/url.h"
#include "util/buf.h"
#include "util/text.h"

#define WHERE      "sms backup"
#define SMS_PREFIX "apps/com.android.providers.telephony/d_f/"

int vg_sms_backup_name(const char *name)
{
    size_t n = name ? strlen(name) : 0, p = sizeof(SMS_PREFIX) - 1, s = sizeof("_sms_backup") - 1;

    return n >= p + s && memcmp(name, SMS_PREFIX, p) == 0 &&
           (strcmp(name + n - s, "_sms_backup") == 0 || strcmp(name + n - s, "_mms_backup") == 0);
}

/* ---- inflate ---- */

static int z_error(int r, const z_stream *z, char *err, size_t err_len)
{
    if (r == Z_MEM_ERROR)
        return VG_E_NOMEM;
    if (err && err_len)
        (void)vg_snprintf(err, err_len, "zlib: %s at byte %lu",
                          z->msg ? z->msg : (r == Z_NEED_DICT ? "preset dictionary" : "error"),
                          z->total_in);
    return VG_E_CORRUPT;
}

static int inflate_all(z_stream *z, struct vg_buf *b, size_t max, char *err, size_t err_len)
{
    unsigned char chunk[16384];
    int r = Z_OK, rc = VG_OK;

    while (r != Z_STREAM_END && rc == VG_OK) {
        z->next_out = chunk;
        z->avail_out = sizeof chunk;
        r = inflate(z, Z_NO_FLUSH);
        if (r != Z_OK && r != Z_STREAM_END && r != Z_BUF_ERROR) {
            rc = z_error(r, z, err, err_len);
        } else if (r == Z_BUF_ERROR || (r == Z_OK && z->avail_in == 0 && z->avail_out != 0)) {
            if (err && err_len)
                (void)vg_snprintf(err, err_len, "zlib stream ends early (byte %lu)", z->total_in);
            rc = VG_E_TRUNCATED;
        } else if (b->len + (sizeof chunk - z->avail_out) > max) {
            if (err && err_len)
                (void)vg_snprintf(err, err_len, "inflates to more than %zu bytes", max);
            rc = VG_E_LIMIT;
        } else {
            rc = vg_buf_append(b, chunk, sizeof chunk - z->avail_out);
        }
    }
    vg_wipe(chunk, sizeof chunk);
    return rc;
}

int vg_sms_backup_inflate(const unsigned char *data, size_t len, size_t max, char **out,
                          size_t *out_len, size_t *trailing, char *err, size_t err_len)
{
    struct vg_buf b;
    z_stream z;
    int rc;

    if (err && err_len)
        err[0] = '\0';
    if (len > UINT32_MAX)
        return VG_E_LIMIT;
    memset(&z, 0, sizeof z);
    z.zalloc = vg_ab_zalloc;
    z.zfree = vg_ab_zfree;
    z.next_in = (unsigned char *)(uintptr_t)data;
    z.avail_in = (uInt)len;
    if (inflateInit(&z) != Z_OK)
        return VG_E_NOMEM;
    vg_buf_init(&b, max + 1);
    b.secret = 1;
    rc = inflate_all(&z, &b, max, err, err_len);
    if (rc == VG_OK && !b.data)
        rc = vg_buf_append(&b, "", 0); /* an empty stream: still a string */
    *trailing = z.avail_in;
    inflateEnd(&z);
    if (rc != VG_OK) {
        vg_buf_free(&b);
        return rc;
    }
    *out_len = b.len;
    *out = vg_buf_take(&b);
    return VG_OK;
}

/* ---- one record ---- */

/* Python's str.isspace set, in UTF-8 (what str.strip() removes). */
static size_t py_space(const unsigned char *t, size_t n)
{
    if (t[0] == ' ' || (t[0] >= 0x09 && t[0] <= 0x0d) || (t[0] >= 0x1c && t[0] <= 0x1f))
        return 1;
    if (n >= 2 && t[0] == 0xc2 && (t[1] == 0x85 || t[1] == 0xa0))
        return 2;
    if (n < 3)
        return 0;
    if ((t[0] == 0xe1 && t[1] == 0x9a && t[2] == 0x80) ||
        (t[0] == 0xe2 && t[1] == 0x80 &&
         (t[2] <= 0x8a || t[2] == 0xa8 || t[2] == 0xa9 || t[2] == 0xaf)) ||
        (t[0] == 0xe2 && t[1] == 0x81 && t[2] == 0x9f) ||
        (t[0] == 0xe3 && t[1] == 0x80 && t[2] == 0x80))
        return 3;
    return 0;
}

/* 1 when body.strip() == "" in Python. */
static int py_blank(const char *s, size_t n)
{
    size_t i = 0, k;

    while (i < n) {
        if ((k = py_space((const unsigned char *)s + i, n - i)) == 0)
            return 0;
        i += k;
    }
    return 1;
}

enum num { NUM_BAD = 0, NUM_OK, NUM_HUGE };

/* Python's int() of a JSON value: an integer, a real (truncated), a bool,
 * or a string of digits (sign, surrounding blanks and '_' between digits
 * allowed). NUM_HUGE: a number past int64, *v its sign. */
static enum num py_int_str(const char *s, size_t n, int64_t *v)
{
    size_t i = 0;
    uint64_t acc = 0;
    int neg = 0, huge = 0, digits = 0;

    while (i < n && py_space((const unsigned char *)s + i, n - i))
        i++;
    while (n > i && (s[n - 1] == ' ' || (s[n - 1] >= 0x09 && s[n - 1] <= 0x0d)))
        n--;
    if (i < n && (s[i] == '+' || s[i] == '-'))
        neg = s[i++] == '-';
    for (; i < n; i++) {
        if (s[i] == '_' && digits && i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '9')
            continue;
        if (s[i] < '0' || s[i] > '9')
            return NUM_BAD;
        digits++;
        if (acc > (UINT64_MAX - 9) / 10)
            huge = 1;
        else
            acc = acc * 10 + (uint64_t)(s[i] - '0');
    }
    if (!digits)
        return NUM_BAD;
    if (huge || acc > (uint64_t)INT64_MAX) {
        *v = neg ? -1 : 1;
        return NUM_HUGE;
    }
    *v = neg ? -(int64_t)acc : (int64_t)acc;
    return NUM_OK;
}

static enum num py_int(const json_t *j, int64_t *v)
{
    double d;

    if (json_is_integer(j)) {
        *v = json_integer_value(j);
        return NUM_OK;
    }
    if (json_is_boolean(j)) {
        *v = json_is_true(j);
        return NUM_OK;
    }
    if (json_is_real(j)) {
        d = trunc(json_real_value(j));
        if (d >= -9.2e18 && d <= 9.2e18) {
            *v = (int64_t)d;
            return NUM_OK;
        }
        *v = d < 0 ? -1 : 1;
        return NUM_HUGE;
    }
    if (json_is_string(j))
        return py_int_str(json_string_value(j), json_string_length(j), v);
    return NUM_BAD;
}

/* int(date) / 1000 through datetime.fromtimestamp: whole milliseconds, so
 * the microseconds are exact; outside years 1..9999, "" as MVT's
 * convert_unix_to_iso gives. */
static json_t *isodate_of(const json_t *date, const char *display, size_t index,
                          struct vg_diag *diag)
{
    char buf[VG_ISODATE_LEN + 1] = "";
    int64_t ms = 0;
    enum num k = date ? py_int(date, &ms) : NUM_BAD;

    if (k == NUM_BAD)
        vg_diag_add(diag, VG_DIAG_WARN, WHERE, "%s: message %zu: %s, no isodate", display, index,
                    date ? "date is not a number" : "no date");
    if (k == NUM_OK && vg_isodate_ms(ms, buf) != VG_OK)
        buf[0] = '\0';
    return json_string(buf);
}

static json_t *direction_of(const json_t *sent, const char *display, size_t index,
                            struct vg_diag *diag)
{
    int64_t v = 0;
    enum num k = sent ? py_int(sent, &v) : NUM_BAD;

    if (k == NUM_BAD)
        vg_diag_add(diag, VG_DIAG_WARN, WHERE, "%s: message %zu: %s, direction \"received\"",
                    display, index, sent ? "date_sent is not a number" : "no date_sent");
    return json_string(k != NUM_BAD && v != 0 ? "sent" : "received");
}

static int add_link(void *ud, const char *s, size_t n, enum vg_text_kind kind)
{
    VG_UNUSED(kind);
    json_array_append_new(ud, json_stringn(s, n));
    return 0;
}

/* MVT: links = check_for_links(body) when body is truthy (else None), set
 * when there are some or body.strip() == "". */
static void links_of(json_t *msg, const char *display, size_t index, struct vg_diag *diag)
{
    const json_t *body = json_object_get(msg, "body");
    const char *s;
    size_t n;
    json_t *links;

    if (!json_is_string(body)) {
        /* Android leaves out a NULL body column: worth a note, no more */
        vg_diag_add(diag, body ? VG_DIAG_WARN : VG_DIAG_INFO, WHERE,
                    "%s: message %zu: %s, no links", display, index,
                    !body ? "no body" : "body is not text");
        return;
    }
    s = json_string_value(body);
    n = json_string_length(body);
    if (n == 0) {
        json_object_set_new(msg, "links", json_null());
        return;
    }
    links = json_array();
    if (!links)
        return;
    vg_text_each_link(s, n, add_link, links);
    if (json_array_size(links) > 0 || py_blank(s, n))
        json_object_set_new(msg, "links", links);
    else
        json_decref(links);
}

void vg_sms_backup_record(json_t *msg, const char *display, size_t index, struct vg_diag *diag)
{
    json_t *mms_body = json_object_get(msg, "mms_body");

    if (mms_body) {
        /* MVT adapts MMS to SMS: the value moves to "body" (at the end
         * unless there was one), "mms_body" goes */
        json_object_set(msg, "body", mms_body);
        json_object_del(msg, "mms_body");
    }
    json_object_set_new(msg, "isodate",
                        isodate_of(json_object_get(msg, "date"), display, index, diag));
    json_object_set_new(msg, "direction",
                        direction_of(json_object_get(msg, "date_sent"), display, index, diag));
    links_of(msg, display, index, diag);
}

/* ---- a whole file ---- */

static int load_json(const char *text, size_t len, const char *display, struct vg_diag *diag,
                     json_t **out)
{
    json_error_t je;
    json_t *root = json_loadb(text, len, JSON_ALLOW_NUL, &je);

    if (!root) {
        vg_diag_add(diag, VG_DIAG_ERROR, WHERE, "%s: not JSON: %s (line %d, column %d)", display,
                    je.text, je.line, je.column);
        return VG_E_CORRUPT;
    }
    if (!json_is_array(root)) {
        vg_diag_add(diag, VG_DIAG_ERROR, WHERE, "%s: the JSON is not an array of messages",
                    display);
        json_decref(root);
        return VG_E_CORRUPT;
    }
    *out = root;
    return VG_OK;
}

int vg_sms_backup_parse(const unsigned char *data, size_t len, const char *display,
                        struct vg_diag *diag, json_t **out)
{
    char err[200], *text = NULL;
    size_t text_len = 0, trailing = 0, i;
    json_t *root = NULL, *records = NULL, *msg;
    int rc;

    display = display ? display : "sms backup";
    rc = vg_sms_backup_inflate(data, len, VG_MAX_SMS_BACKUP, &text, &text_len, &trailing, err,
                               sizeof err);
    if (rc != VG_OK) {
        vg_diag_add(diag, VG_DIAG_ERROR, WHERE, "%s: %s", display, err[0] ? err : vg_strerror(rc));
        return rc;
    }
    if (trailing)
        vg_diag_add(diag, VG_DIAG_WARN, WHERE, "%s: %zu bytes after the zlib stream, ignored",
                    display, trailing);
    rc = load_json(text, text_len, display, diag, &root);
    vg_free_secret(text, text_len + 1);
    if (rc != VG_OK)
        return rc;
    records = json_array();
    if (!records) {
        rc = VG_E_NOMEM;
        goto out;
    }
    json_array_foreach(root, i, msg)
    {
        if (!json_is_object(msg)) {
            vg_diag_add(diag, VG_DIAG_WARN, WHERE, "%s: element %zu is not a message object",
                        display, i);
            continue;
        }
        vg_sms_backup_record(msg, display, i, diag);
        if (json_array_append(records, msg) != 0) {
            rc = VG_E_NOMEM;
            goto out;
        }
    }
    *out = records;
    records = NULL;
out:
    json_decref(records);
    json_decref(root);
    return rc;
}
