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

static const struct vg_loc contacts_locs[] = {
    {VG_LOC_BACKUP, "HomeDomain", "Library/AddressBook/AddressBook.sqlitedb"},
    {VG_LOC_FS, NULL, "private/var/mobile/Library/AddressBook/AddressBook.sqlitedb"},
};

enum { F_VALUE };
static const char *const contacts_fields[] = {"value"};

/* The aliases are the names MVT's records carry: SQLite names an
 * unaliased column after its declaration in the real database ("First").
 * multi.rowid orders one person's values, which MVT leaves to SQLite. */
static const struct vg_db_query contacts_query = {
    .sql = "SELECT multi.value AS value, person.first AS First, person.middle AS Middle,"
           " person.last AS Last, person.organization AS Organization"
           " FROM ABPerson person, ABMultiValue multi"
           " WHERE person.rowid = multi.record_id AND multi.value NOT NULL"
           " ORDER BY person.rowid ASC, multi.rowid ASC",
};

static int contacts_extract(struct vg_run *run)
{
    int rc = vg_db_each_records(run, &contacts_query);
    vg_run_log(run, VG_DIAG_INFO, "Extracted a total of %zu contacts from the address book",
               vg_run_record_count(run));
    return rc;
}

static void contacts_check(struct vg_run *run, const struct vg_rec *rec)
{
    const char *value = vg_rec_text(rec, F_VALUE);

    vg_check_counterpart(run, VG_LEVEL_CRITICAL, rec, value, "");
}

const struct vg_module vg_mod_contacts = {
    .name = "contacts",
    .class_name = "Contacts",
    .description = "address book entries (AddressBook.sqlitedb); email indicators on contact "
                   "emails (beyond MVT, which checks nothing here)",
    .locs = contacts_locs,
    .n_locs = VG_ARRAY_LEN(contacts_locs),
    .fields = contacts_fields,
    .n_fields = VG_ARRAY_LEN(contacts_fields),
    .extract = contacts_extract,
    .check_record = contacts_check,
};
