/*
 * Contacts: the address book (AddressBook.sqlitedb): one record per phone
 * number, email, URL or address of a person, with the person's names and
 * organisation. MVT checks nothing here; vigie looks the values that are
 * email addresses up in the email indicators.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include "modules/ios/common.h"
#include "modules/ios/list.h"

static const struct vg_artifact contacts_artifacts[] = {
    {"HomeDomain", "Library/AddressBook/AddressBook.sqlitedb",
     "private/var/mobile/Library/AddressBook/AddressBook.sqlitedb"},
};

/* The aliases are the names MVT's records carry: SQLite names an
 * unaliased column after its declaration in the real database ("First").
 * multi.rowid orders one person's values, which MVT leaves to SQLite. */
static const char contacts_sql[] =
    "SELECT multi.value AS value, person.first AS First, person.middle AS Middle,"
    " person.last AS Last, person.organization AS Organization"
    " FROM ABPerson person, ABMultiValue multi"
    " WHERE person.rowid = multi.record_id AND multi.value NOT NULL"
    " ORDER BY person.rowid ASC, multi.rowid ASC";

static json_t *contact_record(struct vg_run *run, sqlite3_stmt *st)
{
    (void)run;
    return vg_sqlite_row_json(st);
}

static int contacts_extract(struct vg_run *run)
{
    int rc = vg_ios_each_db_records(run, contacts_sql, contact_record);
    vg_run_log(run, VG_DIAG_INFO, "Extracted a total of %zu contacts from the address book",
               vg_run_record_count(run));
    return rc;
}

static void contacts_check(struct vg_run *run)
{
    json_t *rec;
    size_t i;

    json_array_foreach(vg_run_records(run), i, rec)
    {
        const char *value = vg_rec_str(rec, "value");
        if (value && strchr(value, '@'))
            vg_check_email(run, VG_LEVEL_CRITICAL, rec, value, "");
    }
}

const struct vg_module vg_mod_contacts = {
    .name = "contacts",
    .class_name = "Contacts",
    .description = "address book entries (AddressBook.sqlitedb); email indicators on contact "
                   "emails (beyond MVT, which checks nothing here)",
    .sources = VG_SRC_MIXED,
    .artifacts = contacts_artifacts,
    .n_artifacts = VG_ARRAY_LEN(contacts_artifacts),
    .extract = contacts_extract,
    .check = contacts_check,
};
