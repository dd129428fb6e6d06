/*
 * IDStatusCache: identityservices' cache of account lookups (which iMessage
 * / FaceTime accounts the phone asked Apple about, and when). Checks mailto:
 * accounts against email indicators, and flags accounts holding runs of NUL
 * bytes (MVT's heuristic: such lookups are not made by a person typing).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <stdlib.h>

#include "formats/apple/bplist.h"
#include "formats/apple/nska.h"
#include "modules/ios/common.h"
#include "util/buf.h"

static const struct vg_loc idstatus_locs[] = {
    {VG_LOC_BACKUP, "HomeDomain",
     "Library/Preferences/com.apple.identityservices.idstatuscache.plist"},
    {VG_LOC_FS, NULL,
     "private/var/mobile/Library/Preferences/com.apple.identityservices.idstatuscache.plist"},
    {VG_LOC_BACKUP, "HomeDomain", "Library/IdentityServices/idstatuscache.plist"},
    {VG_LOC_FS, NULL, "private/var/mobile/Library/IdentityServices/idstatuscache.plist"},
};

enum { F_USER, F_ISODATE, F_PACKAGE, F_IDSTATUS };
static const char *const idstatus_fields[] = {"user", "isodate", "package", "idstatus"};

/* ---- dictionary keys of binary plists ----
 *
 * libplist hands dictionary keys out as C strings and aborts (an assert in
 * plist_get_key_val) when a key holds a NUL byte, and account names with
 * NUL bytes are exactly what MVT's heuristic looks for. So for binary
 * plists the keys are read straight from the file (formats/bplist.h), and
 * libplist is asked for values only. XML plists cannot hold NUL (libplist
 * rejects &#0;), so their keys come from libplist. */

/* Key i of the dict object ref, NUL bytes written "\x00" (MVT's escape).
 * NULL when it cannot be read, or is not the key libplist put at keynode
 * (libplist's copy ends at the first NUL). Caller frees. */
static char *bp_key(const struct vg_bplist *bp, uint64_t dict, uint64_t i, plist_t keynode)
{
    struct vg_buf raw, out;
    uint64_t ref;
    size_t j;
    char *key = NULL;
    int rc;

    vg_buf_init(&raw, VG_MAX_IOC_VALUE);
    vg_buf_init(&out, 4 * VG_MAX_IOC_VALUE);
    rc = vg_bplist_dict_ref(bp, dict, 0, i, &ref);
    if (rc == VG_OK)
        rc = vg_bplist_string(bp, ref, &raw);
    if (rc == VG_OK && plist_key_val_compare(keynode, raw.data ? raw.data : "") != 0)
        rc = VG_E_CORRUPT;
    for (j = 0; rc == VG_OK && j < raw.len; j++)
        rc = raw.data[j] ? vg_buf_append_char(&out, raw.data[j]) : vg_buf_append_str(&out, "\\x00");
    if (rc == VG_OK)
        key = out.len ? vg_buf_take(&out) : vg_strdup("");
    vg_buf_free(&raw);
    vg_buf_free(&out);
    return key;
}

/* Walks one dictionary: libplist's entries, keys from the file when it is
 * binary (dict is then that dictionary's object number). */
struct dict_walk {
    plist_t node;
    plist_dict_iter it;
    const struct vg_bplist *bp;
    uint64_t dict;
    uint32_t i;
};

static void walk_begin(struct dict_walk *w, plist_t node, const struct vg_bplist *bp, uint64_t dict)
{
    w->node = node;
    w->it = NULL;
    w->bp = bp;
    w->dict = dict;
    w->i = 0;
    plist_dict_new_iter(node, &w->it);
}

/* The next entry: 0 at the end. *key is NULL when it could not be read in
 * step with libplist (the entry is then skipped). */
static int walk_next(struct dict_walk *w, char **key, plist_t *val)
{
    *key = NULL;
    *val = NULL;
    if (!w->bp) {
        plist_dict_next_item(w->node, w->it, key, val);
        if (!*key)
            return 0;
        w->i++;
        return 1;
    }
    plist_dict_next_item(w->node, w->it, NULL, val);
    if (!*val)
        return 0;
    *key = bp_key(w->bp, w->dict, w->i++, plist_dict_item_get_key(*val));
    return 1;
}

static void walk_end(struct dict_walk *w)
{
    free(w->it);
    w->it = NULL;
}

/* ---- records ---- */

/* IDStatus as JSON; a container (not a status) is null, so no hostile
 * nested keys reach the converter. */
static json_t *status_json(plist_t v)
{
    plist_type t = plist_get_node_type(v);
    return t == PLIST_DICT || t == PLIST_ARRAY ? json_null() : vg_plist_to_json(v);
}

static int account_record(json_t *batch, const char *pkg, const char *user, plist_t entry)
{
    plist_t date = plist_dict_get_item(entry, "LookupDate");
    plist_t status = plist_dict_get_item(entry, "IDStatus");
    json_t *rec;

    if (!date || !status)
        return VG_OK; /* MVT skips entries without both */
    rec = json_pack("{s:s, s:s, s:o, s:o}", "package", pkg, "user", user, "isodate",
                    vg_ios_cocoa_iso_plist(date), "idstatus", status_json(status));
    if (!rec)
        return VG_OK; /* a name that is not UTF-8: nothing to match on */
    return json_array_append_new(batch, rec) == 0 ? VG_OK : VG_E_NOMEM;
}

/* accounts is the value of entry pi of the root dictionary. */
static int package_records(struct vg_run *run, const char *display, json_t *batch,
                           const struct vg_bplist *bp, uint32_t pi, const char *pkg,
                           plist_t accounts)
{
    struct dict_walk w;
    plist_t entry;
    uint64_t dict = 0;
    char *user;
    int rc = VG_OK;

    if (bp && vg_bplist_dict_ref(bp, bp->top, 1, pi, &dict) != VG_OK) {
        /* libplist's keys could hold NUL (it aborts on those): skip */
        vg_run_log(run, VG_DIAG_WARN, "%s: accounts of %s unreadable, skipped", display, pkg);
        return VG_OK;
    }
    walk_begin(&w, accounts, bp, dict);
    while (rc == VG_OK && walk_next(&w, &user, &entry)) {
        if (!user)
            vg_run_log(run, VG_DIAG_WARN, "%s: account %u of %s: unreadable name, skipped", display,
                       w.i, pkg);
        else if (plist_get_node_type(entry) == PLIST_DICT)
            rc = account_record(batch, pkg, user, entry);
        free(user);
    }
    walk_end(&w);
    return rc;
}

/* Adds the batch with each record's "occurrences": how many lookups of the
 * same account the file holds. */
static int add_with_occurrences(struct vg_run *run, json_t *batch)
{
    json_t *counts = json_object(), *rec;
    size_t i;
    int rc = VG_OK;

    if (!counts)
        return VG_E_NOMEM;
    json_array_foreach(batch, i, rec)
    {
        const char *u = vg_jstr(rec, "user");
        json_int_t n = json_integer_value(json_object_get(counts, u));
        if (json_object_set_new(counts, u, json_integer(n + 1)) != 0) {
            rc = VG_E_NOMEM;
            break;
        }
    }
    json_array_foreach(batch, i, rec)
    {
        json_int_t n;
        if (rc != VG_OK)
            break;
        n = json_integer_value(json_object_get(counts, vg_jstr(rec, "user")));
        if (json_object_set_new(rec, "occurrences", json_integer(n)) != 0)
            rc = VG_E_NOMEM;
        else
            rc = vg_run_emit_json(run, json_incref(rec));
    }
    json_decref(counts);
    return rc;
}

static int idstatus_records(struct vg_run *run, const char *display, plist_t root,
                            const struct vg_bplist *bp)
{
    json_t *batch = json_array();
    struct dict_walk w;
    plist_t accounts;
    char *pkg;
    int rc = batch ? VG_OK : VG_E_NOMEM;

    walk_begin(&w, root, bp, bp ? bp->top : 0);
    while (rc == VG_OK && walk_next(&w, &pkg, &accounts)) {
        if (pkg && plist_get_node_type(accounts) == PLIST_DICT)
            rc = package_records(run, display, batch, bp, w.i - 1, pkg, accounts);
        free(pkg);
    }
    walk_end(&w);
    if (rc == VG_OK)
        rc = add_with_occurrences(run, batch);
    json_decref(batch);
    return rc;
}

static int idstatus_visit(struct vg_run *run, const struct vg_file *f, void *ud)
{
    unsigned char *data = NULL;
    size_t len = 0;
    plist_t root = NULL;
    struct vg_bplist bp;
    int binary, rc = VG_OK;

    (void)ud;
    if (vg_run_read(run, f, VG_MAX_PLIST_FILE, &data, &len) != VG_OK)
        return VG_OK;
    binary = len >= 8 && memcmp(data, "bplist00", 8) == 0;
    if (vg_plist_parse_keep_nul(data, len, &root) != VG_OK || !root ||
        plist_get_node_type(root) != PLIST_DICT ||
        (binary && vg_bplist_open(&bp, data, len) != VG_OK)) {
        vg_run_coverage(run, VG_COV_UNREADABLE, f->display, "not a property list dictionary");
        vg_run_log(run, VG_DIAG_WARN, "%s is not a valid property list", f->display);
    } else {
        rc = idstatus_records(run, f->display, root, binary ? &bp : NULL);
    }
    plist_free(root);
    vg_run_free_data(data, len);
    return rc;
}

static int idstatus_extract(struct vg_run *run)
{
    int rc = vg_run_find_all(run, idstatus_visit, NULL);

    if (rc != VG_OK)
        return rc;
    vg_run_log(run, VG_DIAG_INFO, "extracted a total of %zu ID Status Cache entries",
               vg_run_record_count(run));
    return VG_OK;
}

/* ---- checks ---- */

static void idstatus_check_one(struct vg_run *run, const struct vg_rec *rec)
{
    const char *user = vg_rec_text(rec, F_USER);
    const char *when = vg_rec_time(rec, F_ISODATE);
    char email[VG_MAX_IOC_VALUE];
    size_t n;

    if (!user)
        return;
    if (vg_str_has_prefix(user, "mailto:")) {
        const char *e = user + 7;
        /* MVT strips quotes around the address */
        while (*e == '\'')
            e++;
        n = strlen(e);
        while (n && e[n - 1] == '\'')
            n--;
        if (n < sizeof(email)) {
            memcpy(email, e, n);
            email[n] = '\0';
            if (vg_check_email(run, VG_LEVEL_CRITICAL, rec, email, when))
                return;
        }
    }
    if (strstr(user, "\\x00\\x00"))
        vg_run_alert(run, VG_LEVEL_HIGH, rec, NULL, when,
                     "Found an ID Status Cache entry with suspicious patterns: %s", user);
}

static void idstatus_timeline(struct vg_run *run, const struct vg_rec *rec)
{
    const struct vg_val *st = vg_rec_val(rec, F_IDSTATUS);
    char status[64];
    char *desc;

    if (st->t == VG_VT_INT)
        VG_UNUSED(vg_snprintf(status, sizeof(status), "%lld", (long long)st->u.i));
    else
        VG_UNUSED(vg_snprintf(status, sizeof(status), "%s",
                              vg_rec_key(rec, F_IDSTATUS) >= 0 ? "?" : "None"));
    desc = vg_asprintf("Lookup of %s within %s (Status %s)", vg_rec_time(rec, F_USER),
                       vg_rec_time(rec, F_PACKAGE), status);
    if (!desc) {
        vg_run_nomem(run);
        return;
    }
    vg_run_timeline(run, vg_rec_time(rec, F_ISODATE), "lookup", desc);
    free(desc);
}

const struct vg_module vg_mod_idstatuscache = {
    .name = "id_status_cache",
    .class_name = "IDStatusCache",
    .description = "account lookups cached by identityservices; email indicators on mailto: "
                   "accounts, NUL-byte account names",
    .locs = idstatus_locs,
    .n_locs = VG_ARRAY_LEN(idstatus_locs),
    .fields = idstatus_fields,
    .n_fields = VG_ARRAY_LEN(idstatus_fields),
    .extract = idstatus_extract,
    .check_record = idstatus_check_one,
    .timeline = idstatus_timeline,
};
