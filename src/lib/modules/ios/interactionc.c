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
#include "modules/ios/list.h"
#include "util/buf.h"
#include "util/utf8.h"

#define WHATSAPP_BUNDLE_ID "net.whatsapp.WhatsApp"

static const struct vg_artifact interactionc_artifacts[] = {
    {"HomeDomain", "Library/CoreDuet/People/interactionC.db",
     "private/var/mobile/Library/CoreDuet/People/interactionC.db"},
    {"AppDomainGroup-group.net.whatsapp.WhatsApp.shared", "ContactsV2.sqlite",
     "private/var/mobile/Containers/Shared/AppGroup/*/ContactsV2.sqlite"},
};

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
    const char *field;
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

/* re.sub(r"\D", "", s) for ASCII digits. */
static void digits_of(const char *s, struct vg_buf *out)
{
    vg_buf_reset(out);
    for (; *s; s++)
        if (*s >= '0' && *s <= '9' && vg_buf_append_char(out, *s) != VG_OK)
            return;
}

/* ---- records ---- */

static json_t *interaction_record(sqlite3_stmt *st)
{
    json_t *rec = vg_sqlite_row_json(st);
    size_t i;

    for (i = 0; rec && i < VG_ARRAY_LEN(time_fields); i++) {
        json_t *v = json_object_get(rec, time_fields[i]);
        if (json_is_number(v))
            json_object_set_new(rec, time_fields[i], vg_ios_cocoa_iso_json(v));
    }
    return rec;
}

static int interaction_row(void *ud, sqlite3_stmt *st)
{
    return vg_run_add_record(ud, interaction_record(st));
}

static int interaction_visit(struct vg_run *run, const struct vg_file *f, void *ud)
{
    sqlite3 *db = NULL;
    size_t i;
    int rc = VG_E_NOTFOUND;

    (void)ud;
    if (vg_run_open_sqlite(run, f, &db) != VG_OK)
        return VG_OK;
    for (i = 0; i < VG_ARRAY_LEN(interactionc_sql) && rc == VG_E_NOTFOUND; i++)
        rc = vg_ios_sql_each(run, f, db, interactionc_sql[i], interaction_row, run, NULL);
    vg_sqlite_close(db);
    if (rc == VG_E_NOTFOUND) {
        vg_run_log(run, VG_DIAG_INFO, "%s: no interaction tables in this iOS version's schema",
                   f->display);
        vg_run_coverage(run, VG_COV_PARTIAL, f->display, "no interaction tables in this schema");
    } else if (rc != VG_OK && rc != VG_E_NOMEM) {
        vg_run_log(run, VG_DIAG_WARN, "%s: query failed: %s", f->display, vg_strerror(rc));
        vg_run_coverage(run, VG_COV_UNREADABLE, f->display, "%s", vg_strerror(rc));
    }
    return rc == VG_E_NOMEM ? rc : VG_OK;
}

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

    for (i = 0; i < C_N; i++)
        v[i] = contact_text(st, vg_col_index(st, cols[i]));
    entry = json_pack("[s?s?]", v[C_PHONE], v[C_FULL] ? v[C_FULL] : v[C_GIVEN]);
    if (entry && v[C_LID])
        json_object_set(m->by_lid, v[C_LID], entry);
    if (entry && v[C_PHONE]) {
        digits_of(v[C_PHONE], &m->digits);
        json_object_set(m->by_phone, m->digits.data ? m->digits.data : "", entry);
    }
    if (entry && v[C_WAID] && strchr(v[C_WAID], '@')) {
        v[C_WAID][strcspn(v[C_WAID], "@")] = '\0';
        if (!json_object_get(m->by_phone, v[C_WAID]))
            json_object_set(m->by_phone, v[C_WAID], entry);
    }
    json_decref(entry);
    for (i = 0; i < C_N; i++)
        free(v[i]);
    return entry ? VG_OK : VG_E_NOMEM;
}

static int contacts_visit(struct vg_run *run, const struct vg_file *f, void *ud)
{
    sqlite3 *db = NULL;
    int rc;

    if (vg_run_open_sqlite(run, f, &db) != VG_OK)
        return VG_OK;
    rc = vg_ios_sql_each(run, f, db, "SELECT * FROM ZWAADDRESSBOOKCONTACT ORDER BY Z_PK",
                         contact_row, ud, NULL);
    vg_sqlite_close(db);
    if (rc != VG_OK && rc != VG_E_NOMEM) {
        vg_run_log(run, VG_DIAG_INFO, "%s: no WhatsApp contacts to resolve identifiers with (%s)",
                   f->display, vg_strerror(rc));
        vg_run_coverage(run, VG_COV_PARTIAL, f->display, "%s", vg_strerror(rc));
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

static void resolve_party(struct wa_maps *m, json_t *rec, const char *prefix,
                          const char *const *keys, size_t n)
{
    char pkey[64], nkey[64], buf[VG_PY_BUF];
    json_t *r = NULL;
    size_t i;

    for (i = 0; i < n; i++) {
        json_decref(r);
        r = resolve(m, truthy_str(rec, keys[i], buf));
        if (!r || vg_py_truthy(json_array_get(r, 0)) || vg_py_truthy(json_array_get(r, 1)))
            break;
    }
    if (vg_snprintf(pkey, sizeof(pkey), "%s_resolved_phone_number", prefix) != VG_OK ||
        vg_snprintf(nkey, sizeof(nkey), "%s_resolved_name", prefix) != VG_OK) {
        json_decref(r);
        return;
    }
    json_object_set(rec, pkey, r ? json_array_get(r, 0) : json_null());
    json_object_set(rec, nkey, r ? json_array_get(r, 1) : json_null());
    json_decref(r);
}

static void normalise_direction(json_t *rec)
{
    const json_t *d = json_object_get(rec, "direction");
    const char *s = json_string_value(d);

    if ((json_is_number(d) && json_number_value(d) == 0) || (s && strcmp(s, "0") == 0))
        json_object_set_new(rec, "direction", json_string("INCOMING"));
    else if ((json_is_number(d) && json_number_value(d) == 1) || (s && strcmp(s, "1") == 0))
        json_object_set_new(rec, "direction", json_string("OUTGOING"));
}

static int is_whatsapp(const json_t *rec)
{
    const char *b = vg_rec_str(rec, "bundle_id");
    return b && strcmp(b, WHATSAPP_BUNDLE_ID) == 0;
}

/* MVT's _postprocess_results: raw directions labelled; WhatsApp parties
 * resolved through ContactsV2, read only when WhatsApp interactions exist. */
static int postprocess(struct vg_run *run)
{
    static const char *const sender[] = {"sender_identifier", "custom_id"};
    static const char *const recipient[] = {"recipient_identifier"};
    static const char *const domain[] = {"domain_identifier"};
    struct wa_maps m = {json_object(), json_object(), {0}};
    json_t *rec;
    size_t i, wa = 0;
    int rc = VG_OK;

    vg_buf_init(&m.digits, VG_MAX_URL);
    json_array_foreach(vg_run_records(run), i, rec)
    {
        normalise_direction(rec);
        wa += (size_t)is_whatsapp(rec);
    }
    if (!m.by_lid || !m.by_phone)
        rc = VG_E_NOMEM;
    else if (wa)
        rc = vg_run_find(run, &interactionc_artifacts[1], contacts_visit, &m);
    json_array_foreach(vg_run_records(run), i, rec)
    {
        if (rc < 0 || !is_whatsapp(rec))
            continue;
        resolve_party(&m, rec, "sender", sender, VG_ARRAY_LEN(sender));
        resolve_party(&m, rec, "recipient", recipient, VG_ARRAY_LEN(recipient));
        resolve_party(&m, rec, "domain", domain, VG_ARRAY_LEN(domain));
    }
    json_decref(m.by_lid);
    json_decref(m.by_phone);
    vg_buf_free(&m.digits);
    return rc < 0 ? rc : VG_OK;
}

static int interactionc_extract(struct vg_run *run)
{
    int rc = vg_run_find(run, &interactionc_artifacts[0], interaction_visit, NULL);

    if (rc >= 0)
        rc = postprocess(run);
    vg_run_log(run, VG_DIAG_INFO, "Extracted a total of %zu InteractionC events",
               vg_run_record_count(run));
    return rc < 0 ? rc : VG_OK;
}

/* ---- check ---- */

static int check_identifier(struct vg_run *run, const json_t *rec, const char *key, const char *t)
{
    const char *id = vg_rec_str(rec, key);

    if (!id || !strchr(id, '@'))
        return 0;
    if (vg_str_has_prefix(id, "mailto:"))
        id += 7;
    return vg_check_email(run, VG_LEVEL_CRITICAL, rec, id, t);
}

static void interactionc_check(struct vg_run *run)
{
    json_t *rec;
    size_t i;

    json_array_foreach(vg_run_records(run), i, rec)
    {
        const char *t = vg_rec_time(rec, "start_date");
        if (check_identifier(run, rec, "sender_identifier", t) ||
            check_identifier(run, rec, "recipient_identifier", t) ||
            vg_check_text(run, VG_LEVEL_CRITICAL, rec, vg_rec_str(rec, "content"), t) ||
            vg_check_url(run, VG_LEVEL_CRITICAL, rec, vg_rec_str(rec, "interaction_content_url"),
                         t))
            continue;
        vg_check_url(run, VG_LEVEL_CRITICAL, rec, vg_rec_str(rec, "attachment_content_url"), t);
    }
}

/* ---- timeline ---- */

/* "Name (identifier)" for sender, recipient or domain (MVT's
 * _describe_party). Caller frees; NULL when nothing is known. */
static char *describe_party(const json_t *rec, const char *prefix)
{
    char k1[64], k2[64], b1[VG_PY_BUF], b2[VG_PY_BUF];
    const char *name, *id;
    struct vg_buf dn, di;
    char *out;

    vg_snprintf(k1, sizeof(k1), "%s_display_name", prefix);
    vg_snprintf(k2, sizeof(k2), "%s_resolved_name", prefix);
    name = truthy_str(rec, k1, b1);
    if (!name)
        name = truthy_str(rec, k2, b1);
    vg_snprintf(k1, sizeof(k1), "%s_resolved_phone_number", prefix);
    vg_snprintf(k2, sizeof(k2), "%s_identifier", prefix);
    id = truthy_str(rec, k1, b2);
    if (!id)
        id = truthy_str(rec, k2, b2);
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
static char *interaction_data(const json_t *rec)
{
    char *sender = describe_party(rec, "sender"), *recipient = describe_party(rec, "recipient");
    const char *dir = vg_rec_str(rec, "direction");
    char b1[VG_PY_BUF], b2[VG_PY_BUF], b3[VG_PY_BUF], b4[VG_PY_BUF], b5[VG_PY_BUF];
    const char *bundle = truthy_str(rec, "bundle_id", b1);
    const char *account = truthy_str(rec, "account", b2);
    const char *direction = truthy_str(rec, "direction", b3);
    const char *group = truthy_str(rec, "group_name", b4);
    const char *content = truthy_str(rec, "content", b5);
    char *out;

    if (!recipient)
        recipient = describe_party(rec, "domain");
    if (!bundle)
        bundle = json_is_string(json_object_get(rec, "bundle_id")) ? "" : "None";
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
static void creation_event(struct vg_run *run, const json_t *rec, const char *data)
{
    const char *created = vg_rec_str(rec, "interactions_creation_date");
    double start, made, delta;
    char *desc;

    if (!created || !*created)
        return;
    if (!parse_iso(vg_rec_str(rec, "start_date"), &start) || !parse_iso(created, &made)) {
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

static void contact_level_events(struct vg_run *run, const json_t *rec)
{
    char *party = describe_party(rec, "sender"), *desc;
    size_t i;

    for (i = 0; party && i < VG_ARRAY_LEN(contact_events); i++) {
        const char *t = vg_rec_str(rec, contact_events[i].field);
        if (!vg_py_truthy(json_object_get(rec, contact_events[i].field)))
            continue;
        desc = vg_asprintf("%s%s%s", contact_events[i].before, party, contact_events[i].after);
        if (desc)
            vg_run_timeline(run, t ? t : "", contact_events[i].field, desc);
        free(desc);
    }
    free(party);
}

static void interactionc_timeline(struct vg_run *run, const json_t *rec)
{
    char *data = interaction_data(rec);
    const char *start = vg_rec_str(rec, "start_date"), *end = vg_rec_str(rec, "end_date");

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
    .sources = VG_SRC_MIXED,
    .artifacts = interactionc_artifacts,
    .n_artifacts = VG_ARRAY_LEN(interactionc_artifacts),
    .extract = interactionc_extract,
    .check = interactionc_check,
    .timeline = interactionc_timeline,
};
