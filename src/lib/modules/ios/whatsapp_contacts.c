/*
 * WhatsappContacts: WhatsApp's contact records (ContactsV2.sqlite,
 * ZWAADDRESSBOOKCONTACT): identifiers (JID, LID, phone number), names,
 * "about" text and the per-contact disappearing-messages timer, which
 * ChatStorage.sqlite does not record for one-to-one chats.
 * MVT checks nothing here; vigie checks the free text contacts write
 * themselves (about text, notes) for URLs and host names in the url,
 * domain and IP indicators, and for email addresses in the email ones.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>

#include "modules/ios/common.h"

static const struct vg_loc whatsapp_contacts_locs[] = {
    {VG_LOC_BACKUP, "AppDomainGroup-group.net.whatsapp.WhatsApp.shared", "ContactsV2.sqlite"},
    {VG_LOC_FS, NULL, "private/var/mobile/Containers/Shared/AppGroup/*/ContactsV2.sqlite"},
};

enum {
    R_LAST_UPDATED,
    R_ABOUT_TEXT,
    R_NOTES,
    R_WHATSAPP_ID,
    R_FULL_NAME,
    R_LID,
    R_PHONE,
    R_LABEL,
    R_DISAPPEARING_TS,
    R_ABOUT_TS,
    R_ABOUT_EXPIRATION
};
static const char *const contact_fields[] = {
    "last_updated",
    "about_text",
    "notes",
    "whatsapp_id",
    "full_name",
    "lid",
    "phone_number",
    "disappearing_mode_label",
    "disappearing_mode_timestamp",
    "about_timestamp",
    "about_expiration_timestamp",
};

/* WhatsApp renames columns between versions: every record field, in
 * MVT's order, with the columns that may hold it, preferred first. The
 * whole row is read (SELECT *) and the columns are picked here, so no SQL
 * is built from what the database says. */
enum field_kind { F_RAW, F_STRING, F_DATE };

static const struct field {
    const char *key;
    enum field_kind kind;
    const char *columns[2];
} fields[] = {
    {"whatsapp_id", F_STRING, {"ZWHATSAPPID"}},
    {"lid", F_STRING, {"ZLID"}},
    {"phone_number", F_STRING, {"ZPHONENUMBER"}},
    {"localized_phone_number", F_STRING, {"ZLOCALIZEDPHONENUMBER"}},
    {"full_name", F_STRING, {"ZFULLNAME"}},
    {"given_name", F_STRING, {"ZGIVENNAME"}},
    {"last_name", F_STRING, {"ZLASTNAME"}},
    {"user_name", F_STRING, {"ZUSERNAME"}},
    {"business_name", F_STRING, {"ZBUSINESSNAME"}},
    {"about_text", F_STRING, {"ZABOUTTEXT"}},
    {"about_emoji", F_STRING, {"ZABOUTEMOJI"}},
    {"notes", F_STRING, {"ZNOTES"}},
    {"disappearing_mode_duration", F_RAW, {"ZDISAPPEARINGMODEDURATION"}},
    {"disappearing_mode_timestamp", F_DATE, {"ZDISAPPEARINGMODETIMESTAMP"}},
    {"about_timestamp", F_DATE, {"ZABOUTTIMESTAMP"}},
    {"about_expiration_timestamp", F_DATE, {"ZABOUTEXPIRATIONTIMESTAMP"}},
    {"last_updated", F_DATE, {"ZLASTUPDATED"}},
    {"phone_status", F_RAW, {"ZPHONESTATUS", "ZPHONENUMBERSTATUS"}},
    {"sync_policy", F_RAW, {"ZSYNCPOLICY"}},
};

#define DURATION_FIELD 12

static const char contacts_sql[] = "SELECT * FROM ZWAADDRESSBOOKCONTACT ORDER BY Z_PK";

/* WhatsApp's standard disappearing-message timers, in seconds. */
static const struct {
    int64_t seconds;
    const char *label;
} timer_labels[] = {
    {86400, "24 hours"},  {604800, "7 days"},   {1209600, "14 days"},
    {2592000, "30 days"}, {7776000, "90 days"},
};

/* MVT's _decode_string: text stays, blobs are decoded, numbers become
 * their str(). */
static json_t *string_json(sqlite3_stmt *st, int i)
{
    char num[VG_PY_BUF];

    switch (sqlite3_column_type(st, i)) {
    case SQLITE_INTEGER:
        vg_snprintf(num, sizeof(num), "%" PRId64, (int64_t)sqlite3_column_int64(st, i));
        return json_string(num);
    case SQLITE_FLOAT:
        vg_py_repr_real(sqlite3_column_double(st, i), num);
        return json_string(num);
    case SQLITE_TEXT:
    case SQLITE_BLOB:
        return vg_col_json_value(st, i);
    default:
        return json_null();
    }
}

/* convert_mactime_to_iso(v) or None. */
static json_t *date_json(sqlite3_stmt *st, int i)
{
    json_t *j = vg_col_cocoa_iso(st, i);

    if (json_string_length(j) > 0)
        return j;
    json_decref(j);
    return json_null();
}

static int field_column(sqlite3_stmt *st, const struct field *fd)
{
    size_t k;
    int i;

    for (k = 0; k < VG_ARRAY_LEN(fd->columns) && fd->columns[k]; k++)
        if ((i = vg_col_index(st, fd->columns[k])) >= 0)
            return i;
    return -1;
}

static json_t *field_json(sqlite3_stmt *st, const struct field *fd, int i)
{
    if (fd->kind == F_STRING)
        return string_json(st, i);
    if (fd->kind == F_DATE)
        return date_json(st, i);
    return vg_col_json_value(st, i);
}

/* json_object_set_new that remembers a failure (sticky), so a record is
 * never emitted with a key missing. */
static void set(json_t *rec, const char *key, json_t *v, int *failed)
{
    if (!v || json_object_set_new(rec, key, v) != 0)
        *failed = 1;
}

/* bool(duration) and the label MVT gives it ("off", "7 days", "N seconds"). */
static void add_timer_state(json_t *rec, const json_t *duration, int *failed)
{
    double d;
    int64_t s;
    size_t i;
    char label[48];

    if (!json_is_number(duration) || (d = json_number_value(duration)) == 0) {
        set(rec, "disappearing_mode_is_on", json_false(), failed);
        set(rec, "disappearing_mode_label", json_string("off"), failed);
        return;
    }
    set(rec, "disappearing_mode_is_on", json_true(), failed);
    s = fabs(d) < 9.2e18 ? (int64_t)d : 0;
    for (i = 0; i < VG_ARRAY_LEN(timer_labels); i++)
        if (timer_labels[i].seconds == s)
            break;
    if (i < VG_ARRAY_LEN(timer_labels))
        set(rec, "disappearing_mode_label", json_string(timer_labels[i].label), failed);
    else if (vg_snprintf(label, sizeof(label), "%" PRId64 " seconds", s) == VG_OK)
        set(rec, "disappearing_mode_label", json_string(label), failed);
}

/* The record in MVT's key order: row_pk and the columns this database
 * has, then the fields it lacks as null, then the timer state. */
static json_t *contact_record(sqlite3_stmt *st)
{
    json_t *rec = json_object();
    int col[VG_ARRAY_LEN(fields)], pk = vg_col_index(st, "Z_PK"), failed = 0;
    size_t i;

    if (!rec)
        return NULL;
    set(rec, "row_pk", pk >= 0 ? vg_col_json_value(st, pk) : json_null(), &failed);
    for (i = 0; i < VG_ARRAY_LEN(fields); i++) {
        col[i] = field_column(st, &fields[i]);
        if (col[i] >= 0)
            set(rec, fields[i].key, field_json(st, &fields[i], col[i]), &failed);
    }
    for (i = 0; i < VG_ARRAY_LEN(fields); i++)
        if (col[i] < 0 && fields[i].kind != F_RAW)
            set(rec, fields[i].key, json_null(), &failed);
    if (col[DURATION_FIELD] >= 0) {
        add_timer_state(rec, json_object_get(rec, "disappearing_mode_duration"), &failed);
    } else {
        /* no column: the timer state is unknown, not off */
        set(rec, "disappearing_mode_duration", json_null(), &failed);
        set(rec, "disappearing_mode_is_on", json_null(), &failed);
        set(rec, "disappearing_mode_label", json_null(), &failed);
    }
    for (i = DURATION_FIELD + 1; i < VG_ARRAY_LEN(fields); i++)
        if (fields[i].kind == F_RAW && !json_object_get(rec, fields[i].key))
            set(rec, fields[i].key, json_null(), &failed);
    if (failed) {
        json_decref(rec);
        return NULL;
    }
    return rec;
}

struct contacts_ctx {
    struct vg_run *run;
    size_t on; /* contacts with disappearing messages on */
};

static int contact_row(void *ud, sqlite3_stmt *st)
{
    struct contacts_ctx *c = ud;
    json_t *rec = contact_record(st);

    if (rec && json_is_true(json_object_get(rec, "disappearing_mode_is_on")))
        c->on++;
    return vg_run_emit_json(c->run, rec);
}

static int whatsapp_contacts_db(struct vg_run *run, const struct vg_file *f, sqlite3 *db, void *ud)
{
    int rc;

    if (!vg_sqlite_has_column(db, "ZWAADDRESSBOOKCONTACT", "ZDISAPPEARINGMODEDURATION"))
        vg_run_log(run, VG_DIAG_INFO,
                   "%s: no ZDISAPPEARINGMODEDURATION column: disappearing messages state is "
                   "unknown",
                   f->display);
    rc = vg_db_sql_each(run, f, db, contacts_sql, contact_row, ud, NULL);
    if (rc == VG_E_NOTFOUND) {
        vg_run_log(run, VG_DIAG_INFO, "%s: table or column not in this iOS version's schema",
                   f->display);
        vg_run_coverage(run, VG_COV_SCHEMA, f->display,
                        "table or column not in this iOS version's schema");
        return VG_OK;
    }
    if (rc != VG_OK && rc != VG_E_NOMEM && rc != VG_E_LIMIT) {
        vg_run_coverage(run, VG_COV_UNREADABLE, f->display, "%s", vg_strerror(rc));
        vg_run_log(run, VG_DIAG_WARN, "%s: query failed: %s", f->display, vg_strerror(rc));
        return VG_OK;
    }
    return rc == VG_E_LIMIT ? VG_OK : rc;
}

static int whatsapp_contacts_extract(struct vg_run *run)
{
    struct contacts_ctx c = {run, 0};
    int rc = vg_db_each(run, whatsapp_contacts_db, &c);

    vg_run_log(run, VG_DIAG_INFO,
               "Extracted a total of %zu WhatsApp contacts (%zu with disappearing messages "
               "enabled)",
               vg_run_record_count(run), c.on);
    return rc;
}

static int email_char(unsigned char c)
{
    return c > ' ' && !strchr("<>()[]{},;:\"'`|\\", c);
}

/* Every word of text that looks like an email address. */
static int check_emails(struct vg_run *run, const struct vg_rec *rec, const char *text,
                        const char *t)
{
    const char *p = text;

    while (p && *p) {
        const char *start, *at = NULL;
        char word[256];
        size_t n;

        while (*p && !email_char((unsigned char)*p))
            p++;
        for (start = p; *p && email_char((unsigned char)*p); p++)
            if (*p == '@')
                at = p;
        n = (size_t)(p - start);
        while (n && start[n - 1] == '.')
            n--;
        if (!at || at == start || n >= sizeof(word) || (size_t)(at - start) + 1 >= n)
            continue;
        memcpy(word, start, n);
        word[n] = '\0';
        if (vg_check_email(run, VG_LEVEL_CRITICAL, rec, word, t))
            return 1;
    }
    return 0;
}

static void whatsapp_contacts_check(struct vg_run *run, const struct vg_rec *rec)
{
    static const int text_fields[] = {R_ABOUT_TEXT, R_NOTES};
    const char *t = vg_rec_time(rec, R_LAST_UPDATED);
    size_t k;

    for (k = 0; k < VG_ARRAY_LEN(text_fields); k++) {
        const char *text = vg_rec_text(rec, text_fields[k]);
        /* addresses first: their domain part is a host to vg_check_text */
        if (check_emails(run, rec, text, t) || vg_check_text(run, VG_LEVEL_CRITICAL, rec, text, t))
            break;
    }
}

static const char *truthy_str(const struct vg_rec *rec, int f)
{
    const char *s = vg_rec_text(rec, f);
    return s && *s ? s : NULL;
}

/* "<id> (<full name>)", as MVT's _describe_contact. */
static char *describe_contact(const struct vg_rec *rec)
{
    const char *id = truthy_str(rec, R_WHATSAPP_ID), *name = truthy_str(rec, R_FULL_NAME);

    if (!id)
        id = truthy_str(rec, R_LID);
    if (!id)
        id = truthy_str(rec, R_PHONE);
    if (!id)
        id = "unknown";
    return name ? vg_asprintf("%s (%s)", id, name) : vg_strdup(id);
}

static void event(struct vg_run *run, const struct vg_rec *rec, int key, const char *name,
                  char *desc)
{
    if (desc)
        vg_run_timeline(run, vg_rec_time(rec, key), name, desc);
    else
        vg_run_nomem(run);
    free(desc);
}

static void whatsapp_contacts_timeline(struct vg_run *run, const struct vg_rec *rec)
{
    char *who = describe_contact(rec);
    const char *label = vg_rec_text(rec, R_LABEL);
    const char *about = truthy_str(rec, R_ABOUT_TEXT);

    if (!who) {
        vg_run_nomem(run);
        return;
    }
    if (truthy_str(rec, R_DISAPPEARING_TS))
        event(run, rec, R_DISAPPEARING_TS, "disappearing_mode_set",
              vg_asprintf("WhatsApp disappearing messages timer set to '%s' for %s",
                          label ? label : "None", who));
    if (truthy_str(rec, R_ABOUT_TS))
        event(run, rec, R_ABOUT_TS, "about_changed",
              about ? vg_asprintf("WhatsApp about text of %s changed to \"%s\"", who, about)
                    : vg_asprintf("WhatsApp about text of %s changed", who));
    if (truthy_str(rec, R_ABOUT_EXPIRATION))
        event(run, rec, R_ABOUT_EXPIRATION, "about_expiration",
              vg_asprintf("WhatsApp about text of %s scheduled to expire", who));
    if (truthy_str(rec, R_LAST_UPDATED))
        event(run, rec, R_LAST_UPDATED, "contact_last_updated",
              vg_asprintf("WhatsApp contact record for %s updated", who));
    free(who);
}

const struct vg_module vg_mod_whatsapp_contacts = {
    .name = "whatsapp_contacts",
    .class_name = "WhatsappContacts",
    .description = "WhatsApp contacts and disappearing-message timers (ContactsV2.sqlite); URLs, "
                   "hosts and emails in about text and notes (beyond MVT, which checks nothing "
                   "here)",
    .locs = whatsapp_contacts_locs,
    .n_locs = VG_ARRAY_LEN(whatsapp_contacts_locs),
    .fields = contact_fields,
    .n_fields = VG_ARRAY_LEN(contact_fields),
    .extract = whatsapp_contacts_extract,
    .check_record = whatsapp_contacts_check,
    .timeline = whatsapp_contacts_timeline,
};
