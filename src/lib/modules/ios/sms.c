/*
 * SMS: every message of sms.db (SMS and iMessage) joined to its sender's
 * handle, recorded as MVT records it, with the http(s) links of its text.
 * Checks the links, then the bare host names of the text, then (when the
 * text column is empty, as on newer iOS) the text inside attributedBody,
 * against URL, domain and IP indicators; and flags Apple's threat
 * notifications ("ALERT: ... mercenary spyware attack ...").
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <stdlib.h>

#include <openssl/evp.h>

#include "formats/apple/typedstream.h"
#include "indicators/url.h"
#include "modules/ios/common.h"
#include "modules/ios/list.h"
#include "util/buf.h"

/* MVT's query: the inner join drops messages without a handle (the
 * device owner's messages to group chats), as MVT does. */
static const char sms_sql[] = "SELECT message.*, handle.id AS phone_number "
                              "FROM message, handle WHERE handle.rowid = message.handle_id "
                              "ORDER BY message.ROWID";

static const struct vg_artifact sms_artifacts[] = {
    {"HomeDomain", "Library/SMS/sms.db", "private/var/mobile/Library/SMS/sms.db"},
};

/* Apple's threat notifications, lower case with single spaces. The first
 * two are the iMessage openings MVT looks for (2021-2023, then 2024 on);
 * the others open the body of the iMessage and email. */
static const char *const apple_threat_phrases[] = {
    "state-sponsored attackers may be targeting your",
    "detected a targeted mercenary spyware attack against your",
    "apple believes you are being targeted by",
    "apple detected that you are being targeted by",
};

/* Notifications say who they are at once; a phrase deep inside a long
 * text is a quote (an article, a forward), not Apple writing. */
#define APPLE_THREAT_WINDOW 512u

/* attributedBody blobs read in a check: a few times VG_MAX_TEXT_SCAN, as
 * attributes outweigh short texts. */
#define ATTRIBUTED_BODY_MAX (4u * VG_MAX_TEXT_SCAN)

static int add_link(void *ud, const char *s, size_t n, enum vg_text_kind kind)
{
    json_t *links = ud, *j = json_stringn(s, n);
    (void)kind;
    if (j)
        json_array_append_new(links, j);
    return 0;
}

static json_t *links_json(const char *text)
{
    json_t *links = json_array();
    if (links && text)
        vg_text_each_link(text, strlen(text), add_link, links);
    return links;
}

static json_t *sms_row(struct vg_run *run, sqlite3_stmt *st)
{
    json_t *rec = vg_sqlite_row_json(st), *from_me;
    const char *text;

    if (!rec) {
        vg_run_log(run, VG_DIAG_ERROR, "out of memory reading a message");
        return NULL;
    }
    json_object_set_new(rec, "isodate", vg_ios_sms_date_iso(json_object_get(rec, "date")));
    json_object_set_new(rec, "isodate_read",
                        vg_ios_sms_date_iso(json_object_get(rec, "date_read")));
    from_me = json_object_get(rec, "is_from_me");
    json_object_set_new(rec, "direction",
                        json_string(json_is_integer(from_me) && json_integer_value(from_me) == 1
                                        ? "sent"
                                        : "received"));
    text = vg_rec_str(rec, "text");
    if (!text || !*text) {
        json_object_set_new(rec, "text", json_string(""));
        text = "";
    }
    json_object_set_new(rec, "links", links_json(text));
    return rec;
}

static int sms_extract(struct vg_run *run)
{
    int rc = vg_ios_each_db_records(run, sms_sql, sms_row);
    vg_run_log(run, VG_DIAG_INFO, "Extracted a total of %zu SMS messages",
               vg_run_record_count(run));
    return rc;
}

/* ---- attributedBody: a typedstream (NSArchiver) NSAttributedString ---- */

/* attributedBody as records carry it: base64. */
static char *attributed_text(const char *b64)
{
    unsigned char *raw;
    const unsigned char *s;
    size_t n, len, pad = 0;
    char *text;
    int got;

    n = b64 ? strlen(b64) : 0;
    if (n == 0 || n % 4 != 0 || n > ATTRIBUTED_BODY_MAX / 3 * 4 || n > INT32_MAX)
        return NULL;
    raw = vg_malloc(n / 4 * 3 + 1);
    if (!raw)
        return NULL;
    got = EVP_DecodeBlock(raw, (const unsigned char *)b64, (int)n);
    if (got < 0) {
        free(raw);
        return NULL;
    }
    /* EVP_DecodeBlock counts the padding as zero bytes */
    pad = (size_t)(b64[n - 1] == '=') + (size_t)(b64[n - 2] == '=');
    len = (size_t)got >= pad ? (size_t)got - pad : 0;
    text = vg_typedstream_text(raw, len, &s, &n) == VG_OK ? vg_strndup((const char *)s, n) : NULL;
    free(raw);
    return text;
}

/* ---- checks ---- */

/* Lower-cases ASCII and turns every run of whitespace (including U+00A0)
 * into one space, for the first `cap` bytes of text. */
static void fold_text(const char *text, char *out, size_t cap)
{
    size_t o = 0;
    int space = 0;
    const unsigned char *p = (const unsigned char *)text;

    while (*p && o + 1 < cap) {
        if (*p == ' ' || (*p >= '\t' && *p <= '\r') || (p[0] == 0xc2 && p[1] == 0xa0)) {
            p += *p == 0xc2 ? 2 : 1;
            space = 1;
            continue;
        }
        if (space && o > 0 && o + 2 < cap)
            out[o++] = ' ';
        space = 0;
        out[o++] = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
        p++;
    }
    out[o] = '\0';
}

static int is_apple_threat_notification(const char *text)
{
    char folded[APPLE_THREAT_WINDOW + 1];
    size_t i;

    if (!text || !*text)
        return 0;
    fold_text(text, folded, sizeof(folded));
    for (i = 0; i < VG_ARRAY_LEN(apple_threat_phrases); i++)
        if (strstr(folded, apple_threat_phrases[i]))
            return 1;
    return 0;
}

static void sms_check_one(struct vg_run *run, const json_t *rec)
{
    const char *text = vg_rec_str(rec, "text");
    const json_t *links = json_object_get(rec, "links");
    /* the message's time, so the alert sits at its place in the timeline */
    const char *when = vg_rec_time(rec, "isodate");
    char *body = NULL;

    if (!text || !*text)
        body = attributed_text(vg_rec_str(rec, "attributedBody"));
    if (is_apple_threat_notification(text) || is_apple_threat_notification(body))
        vg_run_alert(run, VG_LEVEL_HIGH, rec, NULL, vg_rec_time(rec, "isodate"),
                     "Apple warning about state-sponsored attack received on %s",
                     vg_rec_time(rec, "isodate"));
    /* links first, so the URL named is the one MVT names */
    if (!vg_check_url_list(run, VG_LEVEL_CRITICAL, rec, links, when) &&
        !vg_check_text(run, VG_LEVEL_CRITICAL, rec, text, when))
        vg_check_text(run, VG_LEVEL_CRITICAL, rec, body, when);
    free(body);
}

/* ---- timeline ---- */

/* MVT escapes new lines of the text so one message is one CSV line. */
static int append_escaped(struct vg_buf *b, const char *s)
{
    int rc = VG_OK;
    for (; s && *s && rc == VG_OK; s++)
        rc = *s == '\n' ? vg_buf_append(b, "\\n", 2) : vg_buf_append_char(b, *s);
    return rc;
}

static char *sms_description(const json_t *rec, int *err)
{
    struct vg_buf b;
    int rc;

    vg_buf_init(&b, VG_MAX_TEXT_SCAN + 4096);
    rc = vg_py_append(&b, json_object_get(rec, "service"));
    if (rc == VG_OK)
        rc = vg_buf_append_str(&b, ": ");
    if (rc == VG_OK)
        rc = vg_py_append(&b, json_object_get(rec, "guid"));
    if (rc == VG_OK)
        rc = vg_buf_append_str(&b, " \"");
    if (rc == VG_OK)
        rc = append_escaped(&b, vg_rec_str(rec, "text"));
    if (rc == VG_OK)
        rc = vg_buf_append_str(&b, "\" from ");
    if (rc == VG_OK)
        rc = vg_py_append(&b, json_object_get(rec, "phone_number"));
    if (rc == VG_OK)
        rc = vg_buf_append_str(&b, " (");
    if (rc == VG_OK)
        rc = vg_py_append(&b, json_object_get(rec, "account"));
    if (rc == VG_OK)
        rc = vg_buf_append_char(&b, ')');
    if (rc != VG_OK) {
        vg_buf_free(&b);
        *err = rc;
        return NULL;
    }
    return vg_buf_take(&b);
}

static void sms_timeline(struct vg_run *run, const json_t *rec)
{
    const char *read = vg_rec_str(rec, "isodate_read");
    int err = VG_E_NOMEM;
    char *desc = sms_description(rec, &err);

    if (!desc) {
        vg_run_log(run, err == VG_E_LIMIT ? VG_DIAG_WARN : VG_DIAG_ERROR,
                   "message %s left out of the timeline: %s", vg_rec_time(rec, "guid"),
                   vg_strerror(err));
        return;
    }
    vg_run_timeline(run, vg_rec_time(rec, "isodate"), "sms_received", desc);
    if (read && *read)
        vg_run_timeline(run, read, "sms_read", desc);
    free(desc);
}

const struct vg_module vg_mod_sms = {
    .name = "sms",
    .class_name = "SMS",
    .description = "SMS/iMessage from sms.db; links and host names in texts, Apple threat "
                   "notifications",
    .sources = VG_SRC_MIXED,
    .artifacts = sms_artifacts,
    .n_artifacts = VG_ARRAY_LEN(sms_artifacts),
    .extract = sms_extract,
    .check_record = sms_check_one, /* streamed: sms.db can hold millions */
    .timeline = sms_timeline,
};
