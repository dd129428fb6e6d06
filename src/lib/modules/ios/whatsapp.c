/*
 * Whatsapp: WhatsApp's ChatStorage.sqlite. Three kinds of records, as MVT
 * makes them: every message (ZWAMESSAGE row with its media and link-preview
 * fields, the links found in them), the LID-to-phone-number pairs (from
 * LID.sqlite, else from ChatStorage's own table), and one record per chat
 * with its first and last message dates.
 * Checks each message's links against url, domain and IP indicators, and
 * (beyond MVT) the host names written without a scheme in its text.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <inttypes.h>
#include <stdlib.h>

#include "modules/ios/common.h"
#include "util/buf.h"

#define WA_DOMAIN "AppDomainGroup-group.net.whatsapp.WhatsApp.shared"

static const struct vg_loc chat_locs[] = {
    {VG_LOC_BACKUP, WA_DOMAIN, "ChatStorage.sqlite"},
    {VG_LOC_FS, NULL, "private/var/mobile/Containers/Shared/AppGroup/*/ChatStorage.sqlite"},
};

static const struct vg_loc lid_locs[] = {
    {VG_LOC_BACKUP, WA_DOMAIN, "LID.sqlite"},
    {VG_LOC_FS, NULL, "private/var/mobile/Containers/Shared/AppGroup/*/LID.sqlite"},
};

static const struct vg_loc whatsapp_locs[] = {
    {VG_LOC_BACKUP, WA_DOMAIN, "ChatStorage.sqlite"},
    {VG_LOC_FS, NULL, "private/var/mobile/Containers/Shared/AppGroup/*/ChatStorage.sqlite"},
    {VG_LOC_BACKUP, WA_DOMAIN, "LID.sqlite"},
    {VG_LOC_FS, NULL, "private/var/mobile/Containers/Shared/AppGroup/*/LID.sqlite"},
};

enum {
    F_RECORD_TYPE,
    F_ISODATE,
    F_LINKS,
    F_ZTEXT,
    F_ZFROMJID,
    F_CONTACT_JID,
    F_PARTNER_NAME,
    F_PARTNER_PHONE,
    F_GROUP_CREATION,
    F_FIRST_STORED,
    F_LAST_MESSAGE,
    F_LAST_STORED,
    F_PAIR_TS,
    F_LID,
    F_PHONE,
    F_ZMESSAGEDATE,
    F_ZMATCHEDTEXT,
    F_ZMEDIAURL,
    F_ZCONTENT1,
    F_ZCONTENT2,
};
static const char *const whatsapp_fields[] = {
    "record_type",
    "isodate",
    "links",
    "ZTEXT",
    "ZFROMJID",
    "contact_jid",
    "partner_name",
    "partner_resolved_phone_number",
    "group_creation_date",
    "first_stored_message_date",
    "last_message_date",
    "last_stored_message_date",
    "pair_timestamp",
    "lid",
    "phone_number",
    "ZMESSAGEDATE",
    "ZMATCHEDTEXT",
    "ZMEDIAURL",
    "ZCONTENT1",
    "ZCONTENT2",
};

static const char *const message_extra[] = {"isodate", "ZTEXT", "links"};

/* Messages with the tables that hold media and link previews; the second
 * form is for a database without them. Z_PKs give every run one order. */
static const char *const messages_sql[] = {
    "SELECT ZWAMESSAGE.*, ZWAMEDIAITEM.ZAUTHORNAME, ZWAMEDIAITEM.ZMEDIAURL,"
    " ZWAMESSAGEDATAITEM.ZCONTENT1, ZWAMESSAGEDATAITEM.ZCONTENT2,"
    " ZWAMESSAGEDATAITEM.ZMATCHEDTEXT, ZWAMESSAGEDATAITEM.ZSUMMARY, ZWAMESSAGEDATAITEM.ZTITLE"
    " FROM ZWAMESSAGE"
    " LEFT JOIN ZWAMEDIAITEM ON ZWAMEDIAITEM.ZMESSAGE = ZWAMESSAGE.Z_PK"
    " LEFT JOIN ZWAMESSAGEDATAITEM ON ZWAMESSAGEDATAITEM.ZMESSAGE = ZWAMESSAGE.Z_PK"
    " ORDER BY ZWAMESSAGE.Z_PK, ZWAMEDIAITEM.Z_PK, ZWAMESSAGEDATAITEM.Z_PK",
    "SELECT ZWAMESSAGE.* FROM ZWAMESSAGE ORDER BY ZWAMESSAGE.Z_PK",
};

static const char lid_pairs_sql[] =
    "SELECT ZLID AS lid, ZPHONENUMBER AS phone_number, ZTIMESTAMP AS pair_timestamp"
    " FROM ZWAPHONENUMBERLIDPAIR ORDER BY Z_PK";

static const char *const sessions_sql[] = {
    "SELECT ZWACHATSESSION.Z_PK AS session_pk, ZWACHATSESSION.ZCONTACTJID AS contact_jid,"
    " ZWACHATSESSION.ZPARTNERNAME AS partner_name, ZWACHATSESSION.ZSESSIONTYPE AS session_type,"
    " ZWACHATSESSION.ZARCHIVED AS archived, ZWACHATSESSION.ZREMOVED AS removed,"
    " ZWACHATSESSION.ZMESSAGECOUNTER AS message_counter,"
    " ZWACHATSESSION.ZLASTMESSAGEDATE AS last_message_date,"
    " ZWAGROUPINFO.ZCREATIONDATE AS group_creation_date,"
    " MIN(ZWAMESSAGE.ZMESSAGEDATE) AS first_stored_message_date,"
    " MAX(ZWAMESSAGE.ZMESSAGEDATE) AS last_stored_message_date,"
    " COUNT(ZWAMESSAGE.Z_PK) AS stored_message_count"
    " FROM ZWACHATSESSION"
    " LEFT JOIN ZWAGROUPINFO ON ZWACHATSESSION.ZGROUPINFO = ZWAGROUPINFO.Z_PK"
    " LEFT JOIN ZWAMESSAGE ON ZWAMESSAGE.ZCHATSESSION = ZWACHATSESSION.Z_PK"
    " GROUP BY ZWACHATSESSION.Z_PK ORDER BY ZWACHATSESSION.Z_PK",
};

static const char *const session_dates[] = {
    "last_message_date",
    "group_creation_date",
    "first_stored_message_date",
    "last_stored_message_date",
};

/* Message fields that may hold links, in MVT's order. */
static const int link_fields[] = {F_ZTEXT, F_ZMATCHEDTEXT, F_ZMEDIAURL, F_ZCONTENT1, F_ZCONTENT2};

/* WhatsApp's own media servers: every media message links there. */
static const char *const media_prefixes[] = {"https://mmg-fna.whatsapp.net/",
                                             "https://mmg.whatsapp.net/"};

struct wa_ctx {
    sqlite3 *chat;
    const struct vg_file *chat_file;
    json_t *lid_map; /* LID digits -> phone digits */
    int rc;
};

/* ---- values ---- */

/* convert_mactime_to_iso(v) or None, for truthy v; None otherwise. */
static json_t *mac_iso_or_null(const json_t *v)
{
    json_t *s = vg_py_truthy(v) ? vg_ios_cocoa_iso_json(v) : NULL;

    if (s && json_string_length(s) > 0)
        return s;
    json_decref(s);
    return json_null();
}

/* ---- links ---- */

/* Bytes of the character at p if Python's str.isspace() holds for it. */
static size_t space_len(const unsigned char *p, size_t n)
{
    if (p[0] == ' ' || (p[0] >= '\t' && p[0] <= '\r') || (p[0] >= 0x1C && p[0] <= 0x1F))
        return 1;
    if (n >= 2 && p[0] == 0xC2 && (p[1] == 0x85 || p[1] == 0xA0))
        return 2;
    if (n >= 3 && p[0] == 0xE1 && p[1] == 0x9A && p[2] == 0x80) /* U+1680 */
        return 3;
    if (n >= 3 && p[0] == 0xE2 && p[1] == 0x80 &&
        (p[2] <= 0x8A || p[2] == 0xA8 || p[2] == 0xA9 || p[2] == 0xAF)) /* U+2000-200A 2028 9 F */
        return 3;
    if (n >= 3 && p[0] == 0xE2 && p[1] == 0x81 && p[2] == 0x9F) /* U+205F */
        return 3;
    if (n >= 3 && p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80) /* U+3000 */
        return 3;
    return 0;
}

static int lower_eq(char c, char lower)
{
    return c == lower || c == lower - 'a' + 'A';
}

/* Length of "http://" or "https://" (any case) at p, or 0. */
static size_t scheme_len(const char *p, size_t n)
{
    size_t k = 4;

    if (n < 7 || !lower_eq(p[0], 'h') || !lower_eq(p[1], 't') || !lower_eq(p[2], 't') ||
        !lower_eq(p[3], 'p'))
        return 0;
    if (p[k] == 's' || p[k] == 'S')
        k++;
    return n - k >= 3 && memcmp(p + k, "://", 3) == 0 ? k + 3 : 0;
}

static int is_media_link(const char *url)
{
    size_t i;
    for (i = 0; i < VG_ARRAY_LEN(media_prefixes); i++)
        if (vg_str_has_prefix(url, media_prefixes[i]))
            return 1;
    return 0;
}

/* Adds every match of MVT's r"https?://[^\s]+" (case-insensitive) in text
 * to links, once each and in order of appearance (MVT's set() order
 * varies between runs). seen is the set of links already added. */
static int find_links(const char *text, size_t n, json_t *links, json_t *seen)
{
    size_t i = 0;

    if (n > VG_MAX_TEXT_SCAN)
        n = VG_MAX_TEXT_SCAN;
    while (i < n) {
        size_t s = scheme_len(text + i, n - i), end;
        char *url;
        if (!s) {
            i++;
            continue;
        }
        for (end = i + s; end < n && !space_len((const unsigned char *)text + end, n - end);)
            end++;
        if (end == i + s) {
            i++;
            continue;
        }
        url = vg_strndup(text + i, end - i);
        if (!url)
            return VG_E_NOMEM;
        if (!is_media_link(url) && !json_object_get(seen, url) &&
            (json_object_set_new(seen, url, json_true()) != 0 ||
             json_array_append_new(links, json_string(url)) != 0)) {
            free(url);
            return VG_E_NOMEM;
        }
        free(url);
        i = end;
    }
    return VG_OK;
}

static json_t *message_links(const struct vg_rec *msg)
{
    json_t *links = json_array(), *seen = json_object();
    size_t i;

    for (i = 0; links && seen && i < VG_ARRAY_LEN(link_fields); i++) {
        const struct vg_val *v = vg_rec_val(msg, link_fields[i]);
        if (v->t == VG_VT_TEXT && find_links(v->u.s.p, v->u.s.n, links, seen) != VG_OK)
            break;
    }
    if (!seen || i < VG_ARRAY_LEN(link_fields)) {
        json_decref(links);
        links = NULL;
    }
    json_decref(seen);
    return links;
}

static int blank(const char *s)
{
    size_t n = strlen(s), k;

    while (n && (k = space_len((const unsigned char *)s, n)) > 0) {
        s += k;
        n -= k;
    }
    return n == 0;
}

/* ---- records ---- */

static int message_row(struct vg_run *run, struct vg_rec *msg, sqlite3_stmt *st)
{
    char buf[VG_ISODATE_LEN + 1];
    const struct vg_val *text;
    json_t *links;

    VG_UNUSED(run);
    VG_UNUSED(st);
    vg_rec_set_text(msg, F_ISODATE, vg_val_cocoa_iso(vg_rec_val(msg, F_ZMESSAGEDATE), buf));
    if (!vg_val_truthy(vg_rec_val(msg, F_ZTEXT)))
        vg_rec_set_text_ref(msg, F_ZTEXT, "", 0);
    links = message_links(msg);
    if (!links)
        return VG_E_NOMEM;
    text = vg_rec_val(msg, F_ZTEXT);
    /* MVT keeps an empty list only for messages without text */
    if (json_array_size(links) || (text->t == VG_VT_TEXT && blank(text->u.s.p)))
        vg_rec_set_json(msg, F_LINKS, links);
    else {
        json_decref(links);
        vg_rec_set_absent(msg, F_LINKS);
    }
    return VG_OK;
}

static int add_lid_pair(struct wa_ctx *c, struct vg_run *run, const json_t *row)
{
    const json_t *lid = json_object_get(row, "lid"), *phone = json_object_get(row, "phone_number");
    char lbuf[VG_PY_BUF], pbuf[VG_PY_BUF];
    json_t *rec;

    rec = json_pack("{s:s, s:O, s:O, s:o}", "record_type", "lid_phone_number_pair", "lid",
                    lid ? lid : json_null(), "phone_number", phone ? phone : json_null(),
                    "pair_timestamp", mac_iso_or_null(json_object_get(row, "pair_timestamp")));
    if (rec && vg_py_truthy(lid) && vg_py_truthy(phone)) {
        const char *l = vg_py_str(lid, lbuf), *p = vg_py_str(phone, pbuf);
        size_t ln = strcspn(l, "@");
        char *key = vg_strndup(l, ln);
        p += strspn(p, "+");
        if (!key || json_object_set_new(c->lid_map, key, json_stringn(p, strcspn(p, "@"))) != 0) {
            json_decref(rec);
            rec = NULL;
        }
        free(key);
    }
    return vg_run_emit_json(run, rec);
}

struct pair_ctx {
    struct wa_ctx *c;
    struct vg_run *run;
};

static int lid_row(void *ud, sqlite3_stmt *st)
{
    struct pair_ctx *p = ud;
    json_t *row = vg_sqlite_row_json(st);
    int rc;

    if (!row)
        return VG_E_NOMEM;
    rc = add_lid_pair(p->c, p->run, row);
    json_decref(row);
    return rc;
}

static int lid_visit(struct vg_run *run, const struct vg_file *f, void *ud)
{
    struct pair_ctx p = {ud, run};
    sqlite3 *db = NULL;
    int rc;

    if (vg_run_open_sqlite(run, f, &db) != VG_OK)
        return VG_OK;
    rc = vg_db_sql_each(run, f, db, lid_pairs_sql, lid_row, &p, NULL);
    vg_sqlite_close(db);
    if (rc == VG_E_NOMEM)
        return rc;
    if (rc != VG_OK) {
        vg_run_log(run, VG_DIAG_WARN, "%s: unable to extract WhatsApp LID-phone number pairs: %s",
                   f->display, vg_strerror(rc));
        vg_run_coverage(run, VG_COV_UNREADABLE, f->display, "%s", vg_strerror(rc));
    }
    return VG_OK;
}

/* LID.sqlite when the backup has it, else the same table in ChatStorage
 * (older WhatsApp versions keep it there). */
static int extract_lid_pairs(struct vg_run *run, struct wa_ctx *c)
{
    struct pair_ctx p = {c, run};
    int rc = 0, k;
    size_t i;

    for (i = 0; i < VG_ARRAY_LEN(lid_locs); i++) {
        k = vg_run_find(run, &lid_locs[i], lid_visit, c);
        if (k < 0 && k != VG_E_NOTFOUND)
            return k;
        if (k > 0)
            rc += k;
    }

    if (rc != 0)
        return rc < 0 ? rc : VG_OK;
    rc = vg_db_sql_each(run, c->chat_file, c->chat, lid_pairs_sql, lid_row, &p, NULL);
    if (rc == VG_E_NOTFOUND)
        vg_run_log(run, VG_DIAG_INFO,
                   "No WhatsApp LID database found: LID chat identifiers cannot be resolved to "
                   "phone numbers");
    else if (rc != VG_OK && rc != VG_E_NOMEM)
        vg_run_log(run, VG_DIAG_WARN, "%s: unable to extract WhatsApp LID-phone number pairs: %s",
                   c->chat_file->display, vg_strerror(rc));
    return rc == VG_E_NOMEM ? rc : VG_OK;
}

/* "+<phone>" for a chat whose JID is a LID with a known phone number. */
static json_t *resolved_phone(const struct wa_ctx *c, const json_t *jid)
{
    const char *s = json_string_value(jid), *digits;
    char *key;
    json_t *out;

    if (!s || !vg_str_has_suffix(s, "@lid"))
        return json_null();
    key = vg_strndup(s, strcspn(s, "@"));
    digits = key ? json_string_value(json_object_get(c->lid_map, key)) : NULL;
    free(key);
    if (!digits || !*digits)
        return json_null();
    key = vg_asprintf("+%s", digits);
    out = key ? json_string(key) : NULL;
    free(key);
    return out;
}

static int session_row(void *ud, sqlite3_stmt *st)
{
    struct pair_ctx *p = ud;
    json_t *rec = vg_sqlite_row_json(st);
    size_t i;
    int ok;

    if (!rec)
        return VG_E_NOMEM;
    ok = json_object_set_new(rec, "record_type", json_string("chat_session")) == 0 &&
         json_object_set_new(rec, "partner_resolved_phone_number",
                             resolved_phone(p->c, json_object_get(rec, "contact_jid"))) == 0;
    for (i = 0; ok && i < VG_ARRAY_LEN(session_dates); i++)
        ok = json_object_set_new(rec, session_dates[i],
                                 mac_iso_or_null(json_object_get(rec, session_dates[i]))) == 0;
    if (!ok) {
        json_decref(rec);
        rec = NULL;
    }
    return vg_run_emit_json(p->run, rec);
}

/* Runs sql, trying each form in turn while the schema lacks a table or
 * column; reports like vg_db_query_records. */
/* 1 when sql prepares on db (its tables and columns are there). */
static int query_prepares(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    int ok = sqlite3_prepare_v3(db, sql, -1, 0, &st, NULL) == SQLITE_OK;

    sqlite3_finalize(st);
    return ok;
}

/* The messages, with the richer query first (older schemas lack the
 * joined tables): typed rows, the columns borrowed from SQLite. */
/* Deleted messages, joined to their media and data items (deleted ones
 * too). */
static const char *const message_joined[] = {"ZWAMEDIAITEM", "ZWAMESSAGEDATAITEM"};
static const struct vg_recover_spec message_recover = {"ZWAMESSAGE", message_joined,
                                                       VG_ARRAY_LEN(message_joined)};

static int messages(struct vg_run *run, const struct vg_file *f, sqlite3 *db)
{
    size_t i;
    int rc = VG_OK;

    for (i = 0; i < VG_ARRAY_LEN(messages_sql); i++) {
        struct vg_db_query q = {messages_sql[i], message_extra,   VG_ARRAY_LEN(message_extra), 0,
                                message_row,     &message_recover};
        if (i + 1 < VG_ARRAY_LEN(messages_sql) && !query_prepares(db, messages_sql[i]))
            continue;
        return vg_db_query_records(run, f, db, &q);
    }
    return rc;
}

static int query(struct vg_run *run, const struct vg_file *f, sqlite3 *db, const char *const *sql,
                 size_t n, int (*row)(void *ud, sqlite3_stmt *st), void *ud)
{
    size_t i;
    int rc = VG_E_NOTFOUND;

    for (i = 0; i < n && rc == VG_E_NOTFOUND; i++)
        rc = vg_db_sql_each(run, f, db, sql[i], row, ud, NULL);
    if (rc == VG_E_NOTFOUND) {
        /* not damage: this WhatsApp version's schema has no such table */
        vg_run_log(run, VG_DIAG_INFO, "%s: table or column not in this WhatsApp version's schema",
                   f->display);
        vg_run_coverage(run, VG_COV_SCHEMA, f->display,
                        "table or column not in this WhatsApp version's schema");
    } else if (rc != VG_OK && rc != VG_E_NOMEM) {
        vg_run_log(run, VG_DIAG_WARN, "%s: query failed: %s", f->display, vg_strerror(rc));
        vg_run_coverage(run, VG_COV_UNREADABLE, f->display, "%s", vg_strerror(rc));
    }
    return rc == VG_E_NOMEM ? rc : VG_OK;
}

static int chat_visit(struct vg_run *run, const struct vg_file *f, void *ud)
{
    struct wa_ctx *c = ud;
    struct pair_ctx p = {c, run};
    sqlite3 *db = NULL;
    size_t n0 = vg_run_record_count(run), n1, n2;
    int rc;

    if (vg_run_open_sqlite(run, f, &db) != VG_OK)
        return VG_OK;
    c->chat = db;
    c->chat_file = f;
    rc = messages(run, f, db);
    n1 = vg_run_record_count(run);
    if (rc == VG_OK)
        rc = extract_lid_pairs(run, c);
    n2 = vg_run_record_count(run);
    if (rc == VG_OK)
        rc = query(run, f, db, sessions_sql, VG_ARRAY_LEN(sessions_sql), session_row, &p);
    vg_run_log(run, VG_DIAG_INFO,
               "Extracted a total of %zu WhatsApp messages, %zu chat sessions and %zu LID-phone "
               "number pairs",
               n1 - n0, vg_run_record_count(run) - n2, n2 - n1);
    vg_sqlite_close(db);
    c->chat = NULL;
    return rc;
}

static int whatsapp_extract(struct vg_run *run)
{
    struct wa_ctx c = {NULL, NULL, json_object(), VG_OK};
    size_t i;
    int rc = VG_OK;

    if (!c.lid_map)
        return VG_E_NOMEM;
    for (i = 0; i < VG_ARRAY_LEN(chat_locs) && rc == VG_OK; i++) {
        rc = vg_run_find(run, &chat_locs[i], chat_visit, &c);
        rc = rc < 0 && rc != VG_E_NOTFOUND ? rc : VG_OK;
    }
    json_decref(c.lid_map);
    return rc;
}

/* ---- check ---- */

static void whatsapp_check_one(struct vg_run *run, const struct vg_rec *rec)
{
    const char *t = vg_rec_time(rec, F_ISODATE);
    if (!vg_check_url_list(run, VG_LEVEL_CRITICAL, rec, vg_rec_json(rec, F_LINKS), t))
        vg_check_text(run, VG_LEVEL_CRITICAL, rec, vg_rec_text(rec, F_ZTEXT), t);
}

/* ---- timeline ---- */

static const char *str_key(const struct vg_rec *rec, int f)
{
    const char *s = vg_rec_text(rec, f);
    return s && *s ? s : NULL;
}

/* MVT's _describe_chat: "WhatsApp chat with 'Name' (+number)". */
static char *describe_chat(const struct vg_rec *rec)
{
    const char *jid = str_key(rec, F_CONTACT_JID), *name = str_key(rec, F_PARTNER_NAME);
    const char *id = str_key(rec, F_PARTNER_PHONE);
    int group;

    if (!jid)
        jid = "unknown";
    if (!id)
        id = jid;
    group = vg_str_has_suffix(jid, "@g.us") || vg_val_truthy(vg_rec_val(rec, F_GROUP_CREATION));
    if (name)
        return vg_asprintf("WhatsApp %s '%s' (%s)", group ? "group chat" : "chat with", name, id);
    return vg_asprintf("WhatsApp %s %s", group ? "group chat" : "chat with", id);
}

static void emit(struct vg_run *run, const char *ts, const char *event, char *desc)
{
    if (desc)
        vg_run_timeline(run, ts, event, desc);
    free(desc);
}

static void session_timeline(struct vg_run *run, const struct vg_rec *rec)
{
    char *chat = describe_chat(rec);
    const char *last = str_key(rec, F_LAST_MESSAGE);

    if (!chat) {
        vg_run_nomem(run);
        return;
    }
    if (str_key(rec, F_GROUP_CREATION))
        emit(run, vg_rec_text(rec, F_GROUP_CREATION), "group_created",
             vg_asprintf("%s was created", chat));
    if (str_key(rec, F_FIRST_STORED))
        emit(run, vg_rec_text(rec, F_FIRST_STORED), "chat_first_message",
             vg_asprintf("First stored message in %s", chat));
    /* the chat's own date outlives a deleted last message */
    if (!last)
        last = str_key(rec, F_LAST_STORED);
    if (last)
        emit(run, last, "chat_last_message", vg_asprintf("Last message in %s", chat));
    free(chat);
}

static char *message_description(const struct vg_rec *rec)
{
    const struct vg_val *from = vg_rec_val(rec, F_ZFROMJID);
    const json_t *links = vg_rec_json(rec, F_LINKS);
    const char *text = vg_rec_text(rec, F_ZTEXT);
    char fbuf[VG_PY_BUF];
    struct vg_buf b;
    size_t i;
    json_t *u;
    int rc;

    vg_buf_init(&b, VG_MAX_JSON_DUMP);
    rc = vg_buf_append_char(&b, '\'');
    for (; rc == VG_OK && text && *text; text++)
        rc = *text == '\n' ? vg_buf_append_str(&b, "\\n") : vg_buf_append_char(&b, *text);
    if (rc == VG_OK)
        rc = vg_buf_printf(&b, "' from %s",
                           from->t != VG_VT_ABSENT && vg_rec_key(rec, F_ZFROMJID) >= 0
                               ? vg_val_py(from, fbuf)
                               : "Unknown");
    json_array_foreach(links, i, u)
    {
        if (rc == VG_OK)
            rc = vg_buf_printf(&b, "%s%s", i ? ", " : " - Embedded links: ",
                               json_is_string(u) ? json_string_value(u) : "None");
    }
    if (rc != VG_OK) {
        vg_buf_free(&b);
        return NULL;
    }
    return vg_buf_take(&b);
}

static void whatsapp_timeline(struct vg_run *run, const struct vg_rec *rec)
{
    const char *type = vg_rec_text(rec, F_RECORD_TYPE);
    char lbuf[VG_PY_BUF], pbuf[VG_PY_BUF];

    if (type && strcmp(type, "chat_session") == 0) {
        session_timeline(run, rec);
    } else if (type && strcmp(type, "lid_phone_number_pair") == 0) {
        if (str_key(rec, F_PAIR_TS))
            emit(run, vg_rec_text(rec, F_PAIR_TS), "lid_pair_recorded",
                 vg_asprintf("WhatsApp associated LID %s with phone number %s",
                             vg_val_py(vg_rec_val(rec, F_LID), lbuf),
                             vg_val_py(vg_rec_val(rec, F_PHONE), pbuf)));
    } else {
        emit(run, vg_rec_time(rec, F_ISODATE), "message", message_description(rec));
    }
}

const struct vg_module vg_mod_whatsapp = {
    .name = "whatsapp",
    .class_name = "Whatsapp",
    .description = "WhatsApp messages, chats and LID pairs (ChatStorage.sqlite, LID.sqlite); url, "
                   "domain and IP indicators on links and on host names in message text",
    .locs = whatsapp_locs,
    .n_locs = VG_ARRAY_LEN(whatsapp_locs),
    .fields = whatsapp_fields,
    .n_fields = VG_ARRAY_LEN(whatsapp_fields),
    .extract = whatsapp_extract,
    .check_record = whatsapp_check_one, /* streamed */
    .timeline = whatsapp_timeline,
};
