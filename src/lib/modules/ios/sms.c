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
#include "modules/ios/common.h"
#include "modules/sms.h"
#include "util/buf.h"

/* MVT's query: the inner join drops messages without a handle (the
 * device owner's messages to group chats), as MVT does. */
static const char sms_sql[] = "SELECT message.*, handle.id AS phone_number "
                              "FROM message, handle WHERE handle.rowid = message.handle_id "
                              "ORDER BY message.ROWID";

static const struct vg_loc sms_locs[] = {
    {VG_LOC_BACKUP, "HomeDomain", "Library/SMS/sms.db"},
    {VG_LOC_FS, NULL, "private/var/mobile/Library/SMS/sms.db"},
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

/* The fields checks and the timeline read. */
enum {
    F_TEXT,
    F_BODY,
    F_ISODATE,
    F_ISODATE_READ,
    F_LINKS,
    F_SERVICE,
    F_GUID,
    F_PHONE,
    F_ACCOUNT,
    F_DATE,
    F_DATE_READ,
    F_FROM_ME,
    F_DIRECTION
};
static const char *const sms_fields[] = {
    "text",         "attributedBody", "isodate", "isodate_read", "links",      "service",   "guid",
    "phone_number", "account",        "date",    "date_read",    "is_from_me", "direction",
};

/* Keys SMS records have after the columns, in MVT's order. */
static const char *const sms_extra[] = {"isodate", "isodate_read", "direction", "links"};

static int sms_row(struct vg_run *run, struct vg_rec *r, sqlite3_stmt *st)
{
    char buf[VG_ISODATE_LEN + 1];
    const struct vg_val *text = vg_rec_val(r, F_TEXT);
    int64_t from_me = 0;

    VG_UNUSED(run);
    VG_UNUSED(st);
    vg_rec_set_text(r, F_ISODATE, vg_val_sms_date_iso(vg_rec_val(r, F_DATE), buf));
    vg_rec_set_text(r, F_ISODATE_READ, vg_val_sms_date_iso(vg_rec_val(r, F_DATE_READ), buf));
    vg_sms_set_direction(r, F_DIRECTION, vg_rec_int(r, F_FROM_ME, &from_me) && from_me == 1);
    if (text->t != VG_VT_TEXT || text->u.s.n == 0) {
        vg_rec_set_text_ref(r, F_TEXT, "", 0);
        text = vg_rec_val(r, F_TEXT);
    }
    vg_rec_set_json(r, F_LINKS, vg_sms_links(text->u.s.p, text->u.s.n));
    return VG_OK;
}

/* Deleted messages, joined to their handles (deleted ones too). */
static const char *const sms_joined[] = {"handle"};
static const struct vg_recover_spec sms_recover = {"message", sms_joined, VG_ARRAY_LEN(sms_joined)};

static const struct vg_db_query sms_query = {
    .sql = sms_sql,
    .recover = &sms_recover,
    .extra = sms_extra,
    .n_extra = VG_ARRAY_LEN(sms_extra),
    .row = sms_row,
};

static int sms_extract(struct vg_run *run)
{
    int rc = vg_db_each_records(run, &sms_query);
    vg_run_log(run, VG_DIAG_INFO, "Extracted a total of %zu SMS messages",
               vg_run_record_count(run));
    return rc;
}

/* ---- attributedBody: a typedstream (NSArchiver) NSAttributedString ---- */

/* The text of an attributedBody typedstream. */
static char *typedstream_text(const unsigned char *raw, size_t len)
{
    const unsigned char *s;
    size_t n;

    if (len > ATTRIBUTED_BODY_MAX)
        return NULL;
    return vg_typedstream_text(raw, len, &s, &n) == VG_OK ? vg_strndup((const char *)s, n) : NULL;
}

/* attributedBody as saved records carry it: base64. */
static char *attributed_text_b64(const char *b64, size_t n)
{
    unsigned char *raw;
    size_t len, pad = 0;
    char *text;
    int got;

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
    text = typedstream_text(raw, len);
    free(raw);
    return text;
}

/* The text hidden in attributedBody: raw bytes from sms.db, base64 from
 * saved results. */
static char *attributed_text(const struct vg_val *v)
{
    if (v->t == VG_VT_BLOB)
        return typedstream_text((const unsigned char *)v->u.s.p, v->u.s.n);
    if (v->t == VG_VT_TEXT)
        return attributed_text_b64(v->u.s.p, v->u.s.n);
    return NULL;
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

static void sms_check_one(struct vg_run *run, const struct vg_rec *rec)
{
    const char *text = vg_rec_text(rec, F_TEXT);
    const json_t *links = vg_rec_json(rec, F_LINKS);
    /* the message's time, so the alert sits at its place in the timeline */
    const char *when = vg_rec_time(rec, F_ISODATE);
    char *body = NULL;

    if (!text || !*text)
        body = attributed_text(vg_rec_val(rec, F_BODY));
    if (is_apple_threat_notification(text) || is_apple_threat_notification(body))
        vg_run_alert(run, VG_LEVEL_HIGH, rec, NULL, when,
                     "Apple warning about state-sponsored attack received on %s", when);
    /* links first, so the URL named is the one MVT names */
    if (!vg_check_url_list(run, VG_LEVEL_CRITICAL, rec, links, when) &&
        !vg_check_text(run, VG_LEVEL_CRITICAL, rec, text, when))
        vg_check_text(run, VG_LEVEL_CRITICAL, rec, body, when);
    /* the other side: an attacker's iMessage account (beyond MVT) */
    vg_check_counterpart(run, VG_LEVEL_CRITICAL, rec, vg_rec_text(rec, F_PHONE), when);
    free(body);
}

/* ---- timeline ---- */

static char *sms_description(const struct vg_rec *rec, int *err)
{
    struct vg_buf b;
    int rc;

    vg_buf_init(&b, VG_MAX_TEXT_SCAN + 4096);
    rc = vg_val_py_append(&b, vg_rec_val(rec, F_SERVICE));
    if (rc == VG_OK)
        rc = vg_buf_append_str(&b, ": ");
    if (rc == VG_OK)
        rc = vg_val_py_append(&b, vg_rec_val(rec, F_GUID));
    if (rc == VG_OK)
        rc = vg_buf_append_str(&b, " \"");
    if (rc == VG_OK)
        rc = vg_sms_append_escaped(&b, vg_rec_text(rec, F_TEXT));
    if (rc == VG_OK)
        rc = vg_buf_append_str(&b, "\" from ");
    if (rc == VG_OK)
        rc = vg_val_py_append(&b, vg_rec_val(rec, F_PHONE));
    if (rc == VG_OK)
        rc = vg_buf_append_str(&b, " (");
    if (rc == VG_OK)
        rc = vg_val_py_append(&b, vg_rec_val(rec, F_ACCOUNT));
    if (rc == VG_OK)
        rc = vg_buf_append_char(&b, ')');
    if (rc != VG_OK) {
        vg_buf_free(&b);
        *err = rc;
        return NULL;
    }
    return vg_buf_take(&b);
}

static void sms_timeline(struct vg_run *run, const struct vg_rec *rec)
{
    const char *read = vg_rec_text(rec, F_ISODATE_READ);
    int err = VG_E_NOMEM;
    char *desc = sms_description(rec, &err);

    if (!desc) {
        vg_run_log(run, err == VG_E_LIMIT ? VG_DIAG_WARN : VG_DIAG_ERROR,
                   "message %s left out of the timeline: %s", vg_rec_time(rec, F_GUID),
                   vg_strerror(err));
        return;
    }
    vg_run_timeline(run, vg_rec_time(rec, F_ISODATE), "sms_received", desc);
    if (read && *read)
        vg_run_timeline(run, read, "sms_read", desc);
    free(desc);
}

const struct vg_module vg_mod_sms = {
    .name = "sms",
    .class_name = "SMS",
    .description = "SMS/iMessage from sms.db; links and host names in texts, Apple threat "
                   "notifications",
    .locs = sms_locs,
    .n_locs = VG_ARRAY_LEN(sms_locs),
    .fields = sms_fields,
    .n_fields = VG_ARRAY_LEN(sms_fields),
    .extract = sms_extract,
    .check_record = sms_check_one, /* streamed: sms.db can hold millions */
    .timeline = sms_timeline,
};
