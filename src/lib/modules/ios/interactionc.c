/*
 * InteractionC: CoreDuet's record of who the user interacted with, through
 * which app (interactionC.db: ZINTERACTIONS joined with the sender and
 * recipient ZCONTACTS and the attachments, as APOLLO and MVT query it).
 * WhatsApp peers appear as LIDs and JIDs there; like MVT, vigie resolves
 * them to phone numbers and names through WhatsApp's ContactsV2.sqlite.
 * MVT checks nothing here; vigie looks the sender and recipient
 * identifiers up in the email indicators and the interaction's content
 * and URLs in the url, domain and IP indicators.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <math.h>
#include <stdlib.h>

#include "modules/ios/common.h"
#include "util/buf.h"
#include "util/utf8.h"

#define WHATSAPP_BUNDLE_ID "net.whatsapp.WhatsApp"

static const struct vg_loc interactions_locs[] = {
    {VG_LOC_BACKUP, "HomeDomain", "Library/CoreDuet/People/interactionC.db"},
    {VG_LOC_FS, NULL, "private/var/mobile/Library/CoreDuet/People/interactionC.db"},
};

static const struct vg_loc wa_contacts_locs[] = {
    {VG_LOC_BACKUP, "AppDomainGroup-group.net.whatsapp.WhatsApp.shared", "ContactsV2.sqlite"},
    {VG_LOC_FS, NULL, "private/var/mobile/Containers/Shared/AppGroup/*/ContactsV2.sqlite"},
};

static const struct vg_loc interactionc_locs[] = {
    {VG_LOC_BACKUP, "HomeDomain", "Library/CoreDuet/People/interactionC.db"},
    {VG_LOC_FS, NULL, "private/var/mobile/Library/CoreDuet/People/interactionC.db"},
    {VG_LOC_BACKUP, "AppDomainGroup-group.net.whatsapp.WhatsApp.shared", "ContactsV2.sqlite"},
    {VG_LOC_FS, NULL, "private/var/mobile/Containers/Shared/AppGroup/*/ContactsV2.sqlite"},
};

/* The fields checks and the timeline read; a party's four come in the
 * order of party_fields. */
enum {
    F_START,
    F_END,
    F_CREATED,
    F_DIRECTION,
    F_BUNDLE,
    F_ACCOUNT,
    F_GROUP,
    F_CONTENT,
    F_CONTENT_URL,
    F_ATTACHMENT_URL,
    F_PARTIES,
};
enum { P_DISPLAY, P_RESOLVED_NAME, P_RESOLVED_PHONE, P_IDENTIFIER, P_N };
enum { PARTY_SENDER, PARTY_RECIPIENT, PARTY_DOMAIN };
static const char *const interactionc_fields[] = {
    "start_date",
    "end_date",
    "interactions_creation_date",
    "direction",
    "bundle_id",
    "account",
    "group_name",
    "content",
    "interaction_content_url",
    "attachment_content_url",
    "sender_display_name",
    "sender_resolved_name",
    "sender_resolved_phone_number",
    "sender_identifier",
    "recipient_display_name",
    "recipient_resolved_name",
    "recipient_resolved_phone_number",
    "recipient_identifier",
    "domain_display_name",
    "domain_resolved_name",
    "domain_resolved_phone_number",
    "domain_identifier",
    /* the contact-level dates of contact_events, in that order */
    "contacts_creation_date",
    "first_incoming_sender_date",
    "last_incoming_sender_date",
    "first_incoming_recipient_date",
    "last_incoming_recipient_date",
    "first_outgoing_recipient_date",
    "last_outgoing_recipient_date",
};
#define F_CONTACT_EVENTS (F_PARTIES + 3 * P_N)

/* MVT's four queries (after APOLLO), newest schema first: each later one
 * drops what older iOS versions lack. ORDER BY is vigie's: one order on
 * every run. */
#define Q_SENDER_COLUMNS                                                                           \
    " ZCONTACTS.ZDISPLAYNAME AS sender_display_name, ZCONTACTS.ZIDENTIFIER AS sender_identifier,"  \
    " ZCONTACTS.ZPERSONID AS sender_personid,"
#define Q_CONTACT_DATES                                                                            \
    " ZCONTACTS.ZCREATIONDATE AS contacts_creation_date,"                                          \
    " ZCONTACTS.ZFIRSTINCOMINGRECIPIENTDATE AS first_incoming_recipient_date,"                     \
    " ZCONTACTS.ZFIRSTINCOMINGSENDERDATE AS first_incoming_sender_date,"                           \
    " ZCONTACTS.ZFIRSTOUTGOINGRECIPIENTDATE AS first_outgoing_recipient_date,"                     \
    " ZCONTACTS.ZLASTINCOMINGSENDERDATE AS last_incoming_sender_date,"
#define Q_LAST_INCOMING_CASE                                                                       \
    " CASE ZCONTACTS.ZLASTINCOMINGRECIPIENTDATE WHEN '0' THEN '0'"                                 \
    " ELSE ZCONTACTS.ZLASTINCOMINGRECIPIENTDATE END AS last_incoming_recipient_date,"
#define Q_COUNTS                                                                                   \
    " ZCONTACTS.ZINCOMINGRECIPIENTCOUNT AS incoming_recipient_count,"                              \
    " ZCONTACTS.ZINCOMINGSENDERCOUNT AS incoming_sender_count,"                                    \
    " ZCONTACTS.ZOUTGOINGRECIPIENTCOUNT AS outgoing_recipient_count,"
#define Q_HEAD                                                                                     \
    "SELECT ZINTERACTIONS.ZSTARTDATE AS start_date, ZINTERACTIONS.ZENDDATE AS end_date,"           \
    " ZINTERACTIONS.ZBUNDLEID AS bundle_id, ZINTERACTIONS.ZACCOUNT AS account,"                    \
    " ZINTERACTIONS.ZTARGETBUNDLEID AS target_bundle_id,"                                          \
    " CASE ZINTERACTIONS.ZDIRECTION WHEN '0' THEN 'INCOMING' WHEN '1' THEN 'OUTGOING'"             \
    " END AS direction," Q_SENDER_COLUMNS " RECIPIENT.ZDISPLAYNAME AS recipient_display_name,"     \
    " RECIPIENT.ZIDENTIFIER AS recipient_identifier,"                                              \
    " RECIPIENT.ZPERSONID AS recipient_personid,"                                                  \
    " ZINTERACTIONS.ZRECIPIENTCOUNT AS recipient_count,"                                           \
    " ZINTERACTIONS.ZDOMAINIDENTIFIER AS domain_identifier,"                                       \
    " ZINTERACTIONS.ZISRESPONSE AS is_response, ZATTACHMENT.ZCONTENTTEXT AS content,"              \
    " ZATTACHMENT.ZUTI AS uti, ZATTACHMENT.ZCONTENTURL AS attachment_content_url,"                 \
    " ZATTACHMENT.ZSIZEINBYTES AS size,"
#define Q_JOINS                                                                                    \
    " FROM ZINTERACTIONS"                                                                          \
    " LEFT JOIN ZCONTACTS ON ZINTERACTIONS.ZSENDER = ZCONTACTS.Z_PK"                               \
    " LEFT JOIN Z_1INTERACTIONS ON ZINTERACTIONS.Z_PK = Z_1INTERACTIONS.Z_3INTERACTIONS"           \
    " LEFT JOIN ZATTACHMENT ON Z_1INTERACTIONS.Z_1ATTACHMENTS = ZATTACHMENT.Z_PK"                  \
    " LEFT JOIN Z_2INTERACTIONRECIPIENT"                                                           \
    " ON ZINTERACTIONS.Z_PK = Z_2INTERACTIONRECIPIENT.Z_3INTERACTIONRECIPIENT"                     \
    " LEFT JOIN ZCONTACTS RECIPIENT ON Z_2INTERACTIONRECIPIENT.Z_2RECIPIENTS = RECIPIENT.Z_PK"     \
    " ORDER BY ZINTERACTIONS.Z_PK, Z_1INTERACTIONS.Z_1ATTACHMENTS,"                                \
    " Z_2INTERACTIONRECIPIENT.Z_2RECIPIENTS"
#define Q_SENDER_ONLY                                                                              \
    " FROM ZINTERACTIONS LEFT JOIN ZCONTACTS ON ZINTERACTIONS.ZSENDER = ZCONTACTS.Z_PK"            \
    " ORDER BY ZINTERACTIONS.Z_PK"

static const char *const interactionc_sql[] = {
    Q_HEAD " ZATTACHMENT.ZPHOTOLOCALIDENTIFIER AS photo_local_id,"
           " HEX(ZATTACHMENT.ZIDENTIFIER) AS attachment_id,"
           " ZATTACHMENT.ZCLOUDIDENTIFIER AS cloud_id," Q_COUNTS
           " ZINTERACTIONS.ZCREATIONDATE AS interactions_creation_date," Q_CONTACT_DATES
           " ZCONTACTS.ZLASTINCOMINGRECIPIENTDATE AS last_incoming_recipient_date,"
           " ZCONTACTS.ZLASTOUTGOINGRECIPIENTDATE AS last_outgoing_recipient_date,"
           " ZCONTACTS.ZCUSTOMIDENTIFIER AS custom_id,"
           " ZINTERACTIONS.ZCONTENTURL AS interaction_content_url,"
           " ZINTERACTIONS.ZLOCATIONUUID AS location_uuid, ZINTERACTIONS.ZGROUPNAME AS group_name,"
           " ZINTERACTIONS.ZDERIVEDINTENTIDENTIFIER AS derivied_intent_id,"
           " ZINTERACTIONS.Z_PK AS table_id" Q_JOINS,
    Q_HEAD " HEX(ZATTACHMENT.ZIDENTIFIER) AS attachment_id,"
           " ZATTACHMENT.ZCLOUDIDENTIFIER AS cloud_id," Q_COUNTS
           " ZINTERACTIONS.ZCREATIONDATE AS interactions_creation_date," Q_CONTACT_DATES
               Q_LAST_INCOMING_CASE
           " ZCONTACTS.ZLASTOUTGOINGRECIPIENTDATE AS last_outgoing_recipient_date,"
           " ZCONTACTS.ZCUSTOMIDENTIFIER AS custom_id,"
           " ZINTERACTIONS.ZCONTENTURL AS interaction_content_url,"
           " ZINTERACTIONS.ZLOCATIONUUID AS location_uuid,"
           " ZINTERACTIONS.Z_PK AS table_id" Q_JOINS,
    "SELECT ZINTERACTIONS.ZSTARTDATE AS start_date, ZINTERACTIONS.ZENDDATE AS end_date,"
    " ZINTERACTIONS.ZBUNDLEID AS bundle_id," Q_SENDER_COLUMNS
    " ZINTERACTIONS.ZDIRECTION AS direction, ZINTERACTIONS.ZISRESPONSE AS is_response,"
    " ZINTERACTIONS.ZMECHANISM AS mechanism, ZINTERACTIONS.ZRECIPIENTCOUNT AS recipient_count,"
    " ZINTERACTIONS.ZCREATIONDATE AS interactions_creation_date," Q_CONTACT_DATES
        Q_LAST_INCOMING_CASE
    " ZCONTACTS.ZLASTOUTGOINGRECIPIENTDATE AS last_outgoing_recipient_date,"
    " ZINTERACTIONS.ZACCOUNT AS account, ZINTERACTIONS.ZDOMAINIDENTIFIER AS "
    "domain_identifier," Q_COUNTS " ZCONTACTS.ZCUSTOMIDENTIFIER AS custom_id,"
    " ZINTERACTIONS.ZCONTENTURL AS interaction_content_url,"
    " ZINTERACTIONS.ZLOCATIONUUID AS location_uuid,"
    " ZINTERACTIONS.Z_PK AS table_id" Q_SENDER_ONLY,
    "SELECT ZINTERACTIONS.ZSTARTDATE AS start_date, ZINTERACTIONS.ZENDDATE AS end_date,"
    " ZINTERACTIONS.ZCREATIONDATE AS interactions_creation_date,"
    " ZINTERACTIONS.ZBUNDLEID AS bundle_id," Q_SENDER_COLUMNS
    " ZINTERACTIONS.ZDIRECTION AS direction, ZINTERACTIONS.ZISRESPONSE AS is_response,"
    " ZINTERACTIONS.ZMECHANISM AS mechanism," Q_CONTACT_DATES Q_LAST_INCOMING_CASE
    " ZCONTACTS.ZLASTOUTGOINGRECIPIENTDATE AS last_outgoing_recipient_date,"
    " ZINTERACTIONS.ZACCOUNT AS account, ZINTERACTIONS.ZDOMAINIDENTIFIER AS "
    "domain_identifier," Q_COUNTS " ZINTERACTIONS.ZCONTENTURL AS interaction_content_url,"
    " ZINTERACTIONS.ZLOCATIONUUID AS location_uuid,"
    " ZINTERACTIONS.Z_PK AS table_id" Q_SENDER_ONLY,
};

/* Fields holding Cocoa times, converted to isodates (text stays text). */
static const char *const time_fields[] = {
    "start_date",
    "end_date",
    "interactions_creation_date",
    "contacts_creation_date",
    "first_incoming_recipient_date",
    "first_incoming_sender_date",
    "first_outgoing_recipient_date",
    "last_incoming_sender_date",
    "last_incoming_recipient_date",
    "last_outgoing_recipient_date",
};

/* The sender's contact-level dates, repeated on each of its interactions,
 * worded around the contact (MVT's CONTACT_EVENT_TEMPLATES, in order). */
static const struct {
    const char *field;          /* its name, as the event's name; its id is F_CONTACT_EVENTS + i */
    const char *before, *after; /* around the contact's description */
} contact_events[] = {
    {"contacts_creation_date", "Contact ", " first recorded in interactionC"},
    {"first_incoming_sender_date", "First incoming interaction from ", ""},
    {"last_incoming_sender_date", "Last incoming interaction from ", ""},
    {"first_incoming_recipient_date", "First incoming interaction where ", " was a recipient"},
    {"last_incoming_recipient_date", "Last incoming interaction where ", " was a recipient"},
    {"first_outgoing_recipient_date", "First outgoing interaction to ", ""},
    {"last_outgoing_recipient_date", "Last outgoing interaction to ", ""},
};

/* A creation date this far from the start date means the record was
 * backfilled (sync, restore, tampering): worth its own event. */
#define CREATION_DIVERGENCE 3600.0

/* ---- values ---- */

/* Python's str() of a truthy scalar (buf: VG_PY_BUF bytes); NULL for a
 * falsy one or a container. */
static const char *truthy_str(const json_t *rec, const char *key, char *buf)
{
    const json_t *v = json_object_get(rec, key);

    if (!vg_py_truthy(v) || json_is_array(v) || json_is_object(v))
        return NULL;
    return vg_py_str(v, buf);
}

/* The same for a record field. */
static const char *truthy_val(const struct vg_rec *rec, int f, char *buf)
{
    const struct vg_val *v = vg_rec_val(rec, f);

    if (!vg_val_truthy(v) || v->t == VG_VT_JSON || v->t == VG_VT_BLOB)
        return NULL;
    return vg_val_py(v, buf);
}

/* re.sub(r"\D", "", s) for ASCII digits. */
static void digits_of(const char *s, struct vg_buf *out)
{
    vg_buf_reset(out);
    for (; *s; s++)
        if (*s >= '0' && *s <= '9' && vg_buf_append_char(out, *s) != VG_OK)
            return;
}

/* ---- records ---- */

/* ---- WhatsApp identifiers ---- */

/* A ContactsV2 string column (text, or a blob Core Data left undecoded)
 * as valid UTF-8, invalid sequences replaced as Python's "replace" does;
 * NULL when empty or not text. Caller frees. */
static char *contact_text(sqlite3_stmt *st, int i)
{
    const unsigned char *p;
    struct vg_buf b;
    size_t n;

    if (i < 0 ||
        (sqlite3_column_type(st, i) != SQLITE_TEXT && sqlite3_column_type(st, i) != SQLITE_BLOB))
        return NULL;
    p = sqlite3_column_blob(st, i);
    n = (size_t)sqlite3_column_bytes(st, i);
    if (!p || !n)
        return NULL;
    vg_buf_init(&b, n > SIZE_MAX / 3 - 1 ? SIZE_MAX : 3 * n + 1);
    if (vg_utf8_repair(&b, p, n) != VG_OK) {
        vg_buf_free(&b);
        return NULL;
    }
    return vg_buf_take(&b);
}

/* by_lid: LID -> [phone, name]; by_phone: phone digits -> [phone, name]
 * (MVT's _whatsapp_contact_maps, over the same rows in the same order). */
struct wa_maps {
    json_t *by_lid;
    json_t *by_phone;
    struct vg_buf digits;
    int loaded; /* the contacts were looked for */
};

enum { C_LID, C_PHONE, C_FULL, C_GIVEN, C_WAID, C_N };

static int contact_row(void *ud, sqlite3_stmt *st)
{
    static const char *const cols[C_N] = {"ZLID", "ZPHONENUMBER", "ZFULLNAME", "ZGIVENNAME",
                                          "ZWHATSAPPID"};
    struct wa_maps *m = ud;
    char *v[C_N];
    json_t *entry;
    size_t i;
    int ok;

    for (i = 0; i < C_N; i++)
        v[i] = contact_text(st, vg_col_index(st, cols[i]));
    entry = json_pack("[s?s?]", v[C_PHONE], v[C_FULL] ? v[C_FULL] : v[C_GIVEN]);
    ok = entry != NULL;
    if (ok && v[C_LID])
        ok = json_object_set(m->by_lid, v[C_LID], entry) == 0;
    if (ok && v[C_PHONE]) {
        digits_of(v[C_PHONE], &m->digits);
        ok = json_object_set(m->by_phone, m->digits.data ? m->digits.data : "", entry) == 0;
    }
    if (ok && v[C_WAID] && strchr(v[C_WAID], '@')) {
        v[C_WAID][strcspn(v[C_WAID], "@")] = '\0';
        if (!json_object_get(m->by_phone, v[C_WAID]))
            ok = json_object_set(m->by_phone, v[C_WAID], entry) == 0;
    }
    json_decref(entry);
    for (i = 0; i < C_N; i++)
        free(v[i]);
    return ok ? VG_OK : VG_E_NOMEM;
}

static int contacts_visit(struct vg_run *run, const struct vg_file *f, void *ud)
{
    sqlite3 *db = NULL;
    int rc;

    if (vg_run_open_sqlite(run, f, &db) != VG_OK)
        return VG_OK;
    rc = vg_db_sql_each(run, f, db, "SELECT * FROM ZWAADDRESSBOOKCONTACT ORDER BY Z_PK",
                        contact_row, ud, NULL);
    vg_sqlite_close(db);
    if (rc != VG_OK && rc != VG_E_NOMEM) {
        vg_run_log(run, VG_DIAG_INFO, "%s: no WhatsApp contacts to resolve identifiers with (%s)",
                   f->display, vg_strerror(rc));
        vg_run_coverage(run, rc == VG_E_NOTFOUND ? VG_COV_SCHEMA : VG_COV_PARTIAL, f->display, "%s",
                        vg_strerror(rc));
    }
    return rc == VG_E_NOMEM ? rc : VG_OK;
}

/* (phone, name) for a WhatsApp identifier: a LID, a JID or a phone number
 * (MVT's _resolve_whatsapp_identifier). Returns a new [phone, name]. */
static json_t *resolve(struct wa_maps *m, const char *value)
{
    const json_t *e;
    char *digits, *phone;
    json_t *out;

    if (!value || !*value || vg_str_has_suffix(value, "@g.us"))
        return json_pack("[nn]");
    if (vg_str_has_suffix(value, "@lid")) {
        e = json_object_get(m->by_lid, value);
        return e ? json_deep_copy(e) : json_pack("[nn]");
    }
    if (vg_str_has_suffix(value, "@s.whatsapp.net")) {
        /* a JID without a known contact still gives its phone number */
        digits = vg_strndup(value, strcspn(value, "@"));
        e = digits ? json_object_get(m->by_phone, digits) : NULL;
        phone = digits ? vg_asprintf("+%s", digits) : NULL;
        if (json_string_value(json_array_get(e, 0)))
            out = json_pack("[OO]", json_array_get(e, 0), json_array_get(e, 1));
        else
            out = phone ? json_pack("[sO]", phone, e ? json_array_get(e, 1) : json_null()) : NULL;
        free(digits);
        free(phone);
        return out;
    }
    if (value[0] == '+') {
        digits_of(value, &m->digits);
        e = json_object_get(m->by_phone, m->digits.data ? m->digits.data : "");
        return json_pack("[nO]", e ? json_array_get(e, 1) : json_null());
    }
    return json_pack("[nn]");
}

static int resolve_party(struct wa_maps *m, json_t *rec, const char *prefix,
                         const char *const *keys, size_t n)
{
    char pkey[64], nkey[64], buf[VG_PY_BUF];
    json_t *r = NULL;
    size_t i;
    int ok;

    for (i = 0; i < n; i++) {
        json_decref(r);
        r = resolve(m, truthy_str(rec, keys[i], buf));
        if (!r || vg_py_truthy(json_array_get(r, 0)) || vg_py_truthy(json_array_get(r, 1)))
            break;
    }
    if (!r || vg_snprintf(pkey, sizeof(pkey), "%s_resolved_phone_number", prefix) != VG_OK ||
        vg_snprintf(nkey, sizeof(nkey), "%s_resolved_name", prefix) != VG_OK) {
        json_decref(r);
        return VG_E_NOMEM;
    }
    ok = json_object_set(rec, pkey, json_array_get(r, 0)) == 0 &&
         json_object_set(rec, nkey, json_array_get(r, 1)) == 0;
    json_decref(r);
    return ok ? VG_OK : VG_E_NOMEM;
}

static int normalise_direction(json_t *rec)
{
    const json_t *d = json_object_get(rec, "direction");
    const char *s = json_string_value(d), *to = NULL;

    if ((json_is_number(d) && json_number_value(d) == 0) || (s && strcmp(s, "0") == 0))
        to = "INCOMING";
    else if ((json_is_number(d) && json_number_value(d) == 1) || (s && strcmp(s, "1") == 0))
        to = "OUTGOING";
    if (to && json_object_set_new(rec, "direction", json_string(to)) != 0)
        return VG_E_NOMEM;
    return VG_OK;
}

static int is_whatsapp(const json_t *rec)
{
    const char *b = vg_jstr(rec, "bundle_id");
    return b && strcmp(b, WHATSAPP_BUNDLE_ID) == 0;
}

/* MVT's _postprocess_results, one record at a time: raw directions
 * labelled; WhatsApp parties resolved to phone numbers and names. */
static int postprocess(struct wa_maps *m, json_t *rec)
{
    static const char *const sender[] = {"sender_identifier", "custom_id"};
    static const char *const recipient[] = {"recipient_identifier"};
    static const char *const domain[] = {"domain_identifier"};
    size_t i;
    int rc = VG_OK;

    for (i = 0; rc == VG_OK && i < VG_ARRAY_LEN(time_fields); i++) {
        json_t *v = json_object_get(rec, time_fields[i]);
        if (json_is_number(v) &&
            json_object_set_new(rec, time_fields[i], vg_ios_cocoa_iso_json(v)) != 0)
            rc = VG_E_NOMEM;
    }
    if (rc == VG_OK)
        rc = normalise_direction(rec);
    if (rc != VG_OK || !m->loaded || !is_whatsapp(rec))
        return rc;
    rc = resolve_party(m, rec, "sender", sender, VG_ARRAY_LEN(sender));
    if (rc == VG_OK)
        rc = resolve_party(m, rec, "recipient", recipient, VG_ARRAY_LEN(recipient));
    if (rc == VG_OK)
        rc = resolve_party(m, rec, "domain", domain, VG_ARRAY_LEN(domain));
    return rc;
}

struct row_ctx {
    struct vg_run *run;
    struct wa_maps *m;
    const struct vg_file *f;
    const char *sql; /* the query this schema answered */
};

static int interaction_row(void *ud, sqlite3_stmt *st)
{
    struct row_ctx *c = ud;
    json_t *rec = vg_sqlite_row_json(st);

    if (rec && postprocess(c->m, rec) != VG_OK) {
        json_decref(rec);
        rec = NULL;
    }
    return vg_run_emit_json(c->run, rec);
}

/* Whether the interactions involve WhatsApp: only then are its contacts
 * read (MVT's order: records first, then the contacts when needed). */
static int has_whatsapp(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    int yes = 0;

    if (sqlite3_prepare_v3(db, "SELECT 1 FROM ZINTERACTIONS WHERE ZBUNDLEID = ?1 LIMIT 1", -1, 0,
                           &st, NULL) == SQLITE_OK &&
        sqlite3_bind_text(st, 1, WHATSAPP_BUNDLE_ID, -1, SQLITE_STATIC) == SQLITE_OK)
        yes = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return yes;
}

static int load_contacts(struct vg_run *run, struct wa_maps *m)
{
    size_t i;
    int rc;

    for (i = 0; i < VG_ARRAY_LEN(wa_contacts_locs); i++) {
        rc = vg_run_find(run, &wa_contacts_locs[i], contacts_visit, m);
        if (rc < 0 && rc != VG_E_NOTFOUND)
            return rc;
    }
    m->loaded = 1;
    return VG_OK;
}

/* Deleted interactions, joined to their contacts, attachments and
 * recipients (deleted or not): the same query on one recovered row at a
 * time. */
static const char *const ic_joined[] = {"ZCONTACTS", "Z_1INTERACTIONS", "ZATTACHMENT",
                                        "Z_2INTERACTIONRECIPIENT"};
static const struct vg_recover_spec ic_recover = {"ZINTERACTIONS", ic_joined,
                                                  VG_ARRAY_LEN(ic_joined)};

static int recover_emit(struct vg_run *run, sqlite3 *db, void *ud)
{
    struct row_ctx *c = ud;
    int rc = vg_db_sql_each(run, c->f, db, c->sql, interaction_row, c, NULL);

    return rc == VG_E_NOMEM || rc == VG_E_LIMIT ? rc : VG_OK;
}

static int interaction_visit(struct vg_run *run, const struct vg_file *f, void *ud)
{
    struct row_ctx c = {run, ud, f, NULL};
    sqlite3 *db = NULL;
    size_t i;
    int rc = VG_E_NOTFOUND;

    if (vg_run_open_sqlite(run, f, &db) != VG_OK)
        return VG_OK;
    if (!c.m->loaded && has_whatsapp(db) && (rc = load_contacts(run, c.m)) != VG_OK) {
        vg_sqlite_close(db);
        return rc;
    }
    rc = VG_E_NOTFOUND;
    for (i = 0; i < VG_ARRAY_LEN(interactionc_sql) && rc == VG_E_NOTFOUND; i++) {
        c.sql = interactionc_sql[i];
        rc = vg_db_sql_each(run, f, db, c.sql, interaction_row, &c, NULL);
    }
    if (rc == VG_OK && vg_run_recover(run, f, db, &ic_recover, recover_emit, &c) == VG_E_NOMEM)
        rc = VG_E_NOMEM;
    vg_sqlite_close(db);
    if (rc == VG_E_NOTFOUND) {
        /* not damage: this iOS version's schema has no such tables */
        vg_run_log(run, VG_DIAG_INFO, "%s: no interaction tables in this iOS version's schema",
                   f->display);
        vg_run_coverage(run, VG_COV_SCHEMA, f->display, "no interaction tables in this schema");
    } else if (rc != VG_OK && rc != VG_E_NOMEM && rc != VG_E_LIMIT) {
        vg_run_log(run, VG_DIAG_WARN, "%s: query failed: %s", f->display, vg_strerror(rc));
        vg_run_coverage(run, VG_COV_UNREADABLE, f->display, "%s", vg_strerror(rc));
    }
    return rc == VG_E_NOMEM ? rc : VG_OK;
}

static int interactionc_extract(struct vg_run *run)
{
    struct wa_maps m = {json_object(), json_object(), {0}, 0};
    size_t i;
    int rc = m.by_lid && m.by_phone ? VG_OK : VG_E_NOMEM;

    vg_buf_init(&m.digits, VG_MAX_URL);
    for (i = 0; rc == VG_OK && i < VG_ARRAY_LEN(interactions_locs); i++) {
        rc = vg_run_find(run, &interactions_locs[i], interaction_visit, &m);
        rc = rc < 0 && rc != VG_E_NOTFOUND ? rc : VG_OK;
    }
    json_decref(m.by_lid);
    json_decref(m.by_phone);
    vg_buf_free(&m.digits);
    vg_run_log(run, VG_DIAG_INFO, "Extracted a total of %zu InteractionC events",
               vg_run_record_count(run));
    return rc;
}

/* ---- check ---- */

static int check_identifier(struct vg_run *run, const struct vg_rec *rec, int key, const char *t)
{
    return vg_check_counterpart(run, VG_LEVEL_CRITICAL, rec, vg_rec_text(rec, key), t);
}

static int party_field(int party, int which)
{
    return F_PARTIES + party * P_N + which;
}

static void interactionc_check(struct vg_run *run, const struct vg_rec *rec)
{
    const char *t = vg_rec_time(rec, F_START);

    if (check_identifier(run, rec, party_field(PARTY_SENDER, P_IDENTIFIER), t) ||
        check_identifier(run, rec, party_field(PARTY_RECIPIENT, P_IDENTIFIER), t) ||
        vg_check_text(run, VG_LEVEL_CRITICAL, rec, vg_rec_text(rec, F_CONTENT), t) ||
        vg_check_url(run, VG_LEVEL_CRITICAL, rec, vg_rec_text(rec, F_CONTENT_URL), t))
        return;
    vg_check_url(run, VG_LEVEL_CRITICAL, rec, vg_rec_text(rec, F_ATTACHMENT_URL), t);
}

/* ---- timeline ---- */

/* "Name (identifier)" for sender, recipient or domain (MVT's
 * _describe_party). Caller frees; NULL when nothing is known. */
static char *describe_party(const struct vg_rec *rec, int party)
{
    char b1[VG_PY_BUF], b2[VG_PY_BUF];
    const char *name, *id;
    struct vg_buf dn, di;
    char *out;

    name = truthy_val(rec, party_field(party, P_DISPLAY), b1);
    if (!name)
        name = truthy_val(rec, party_field(party, P_RESOLVED_NAME), b1);
    id = truthy_val(rec, party_field(party, P_RESOLVED_PHONE), b2);
    if (!id)
        id = truthy_val(rec, party_field(party, P_IDENTIFIER), b2);
    if (!name || !id)
        return name || id ? vg_strdup(name ? name : id) : NULL;
    /* a display name that is only the number, formatted, says nothing more */
    vg_buf_init(&dn, VG_MAX_URL);
    vg_buf_init(&di, VG_MAX_URL);
    digits_of(name, &dn);
    digits_of(id, &di);
    if (dn.len && dn.len == di.len && memcmp(dn.data, di.data, dn.len) == 0)
        out = vg_strdup(id);
    else
        out = vg_asprintf("%s (%s)", name, id);
    vg_buf_free(&dn);
    vg_buf_free(&di);
    return out;
}

/* "[bundle] account DIRECTION from X to Y (group: G): content". */
static char *interaction_data(const struct vg_rec *rec)
{
    char *sender = describe_party(rec, PARTY_SENDER);
    char *recipient = describe_party(rec, PARTY_RECIPIENT);
    const char *dir = vg_rec_text(rec, F_DIRECTION);
    char b1[VG_PY_BUF], b2[VG_PY_BUF], b3[VG_PY_BUF], b4[VG_PY_BUF], b5[VG_PY_BUF];
    const char *bundle = truthy_val(rec, F_BUNDLE, b1);
    const char *account = truthy_val(rec, F_ACCOUNT, b2);
    const char *direction = truthy_val(rec, F_DIRECTION, b3);
    const char *group = truthy_val(rec, F_GROUP, b4);
    const char *content = truthy_val(rec, F_CONTENT, b5);
    char *out;

    if (!recipient)
        recipient = describe_party(rec, PARTY_DOMAIN);
    if (!bundle)
        bundle = vg_rec_text(rec, F_BUNDLE) ? "" : "None";
    out = vg_asprintf("[%s]%s%s%s%s from %s to %s%s%s%s%s%s", bundle, account ? " " : "",
                      account ? account : "", direction ? " " : "", direction ? direction : "",
                      sender                                ? sender
                      : dir && strcmp(dir, "OUTGOING") == 0 ? "local user"
                                                            : "unknown",
                      recipient                             ? recipient
                      : dir && strcmp(dir, "INCOMING") == 0 ? "local user"
                                                            : "unknown",
                      group ? " (group: " : "", group ? group : "", group ? ")" : "",
                      content ? ": " : "", content ? content : "");
    free(sender);
    free(recipient);
    return out;
}

/* "YYYY-MM-DD HH:MM:SS.ffffff" (1 to 6 fraction digits, as strptime's %f)
 * to seconds since 1970; 0 when it is not one. */
static int parse_iso(const char *s, double *out)
{
    static const char shape[] = "dddd-dd-dd dd:dd:dd.";
    int64_t v[6] = {0}, y, m, d, era, yoe, doy, days;
    size_t i, k = 0, nf;
    double frac = 0, scale = 0.1;

    if (!s || strlen(s) < sizeof(shape))
        return 0;
    for (i = 0; i < sizeof(shape) - 1; i++) {
        if (shape[i] == 'd') {
            if (s[i] < '0' || s[i] > '9')
                return 0;
            v[k] = v[k] * 10 + (s[i] - '0');
        } else if (s[i] != shape[i]) {
            return 0;
        } else {
            k++;
        }
    }
    for (nf = 0; s[i + nf]; nf++, scale /= 10) {
        if (nf == 6 || s[i + nf] < '0' || s[i + nf] > '9')
            return 0;
        frac += (s[i + nf] - '0') * scale;
    }
    if (!nf || v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 || v[3] > 23 || v[4] > 59 ||
        v[5] > 59)
        return 0;
    /* days from civil (H. Hinnant) */
    y = v[0] - (v[1] <= 2);
    m = v[1];
    d = v[2];
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    days = era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
    *out = (double)(days * 86400 + v[3] * 3600 + v[4] * 60 + v[5]) + frac;
    return 1;
}

/* The creation date's event, only when it says something the start date
 * does not (MVT's _serialize_creation_date). */
static void creation_event(struct vg_run *run, const struct vg_rec *rec, const char *data)
{
    const char *created = vg_rec_text(rec, F_CREATED);
    double start, made, delta;
    char *desc;

    if (!created || !*created)
        return;
    if (!parse_iso(vg_rec_text(rec, F_START), &start) || !parse_iso(created, &made)) {
        vg_run_timeline(run, created, "interactions_creation_date", data);
        return;
    }
    delta = made - start;
    if (fabs(delta) < CREATION_DIVERGENCE)
        return;
    desc =
        vg_asprintf("Interaction record created %.0f %s %s the event: %s",
                    fabs(delta) >= 86400 ? fabs(delta) / 86400 : fabs(delta) / 3600,
                    fabs(delta) >= 86400 ? "days" : "hours", delta > 0 ? "after" : "before", data);
    if (desc)
        vg_run_timeline(run, created, "interactions_creation_date", desc);
    free(desc);
}

static void contact_level_events(struct vg_run *run, const struct vg_rec *rec)
{
    char *party = describe_party(rec, PARTY_SENDER), *desc;
    size_t i;

    for (i = 0; party && i < VG_ARRAY_LEN(contact_events); i++) {
        int f = F_CONTACT_EVENTS + (int)i;
        const char *t = vg_rec_text(rec, f);
        if (!vg_val_truthy(vg_rec_val(rec, f)))
            continue;
        desc = vg_asprintf("%s%s%s", contact_events[i].before, party, contact_events[i].after);
        if (desc)
            vg_run_timeline(run, t ? t : "", contact_events[i].field, desc);
        free(desc);
    }
    free(party);
}

static void interactionc_timeline(struct vg_run *run, const struct vg_rec *rec)
{
    char *data = interaction_data(rec);
    const char *start = vg_rec_text(rec, F_START), *end = vg_rec_text(rec, F_END);

    if (!data)
        return;
    if (start && *start)
        vg_run_timeline(run, start, "start_date", data);
    if (end && *end && !(start && strcmp(start, end) == 0))
        vg_run_timeline(run, end, "end_date", data);
    creation_event(run, rec, data);
    contact_level_events(run, rec);
    free(data);
}

const struct vg_module vg_mod_interactionc = {
    .name = "interaction_c",
    .class_name = "InteractionC",
    .description = "CoreDuet interactions (interactionC.db, WhatsApp peers resolved via "
                   "ContactsV2.sqlite); email indicators on sender/recipient identifiers, url "
                   "and domain indicators on content and URLs (beyond MVT, which checks nothing "
                   "here)",
    .locs = interactionc_locs,
    .n_locs = VG_ARRAY_LEN(interactionc_locs),
    .fields = interactionc_fields,
    .n_fields = VG_ARRAY_LEN(interactionc_fields),
    .extract = interactionc_extract,
    .check_record = interactionc_check,
    .timeline = interactionc_timeline,
};
