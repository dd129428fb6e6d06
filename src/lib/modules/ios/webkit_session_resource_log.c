/*
 * WebkitSessionResourceLog: WebKit's per-site browsing statistics kept in
 * full_browsing_session_resourceLog.plist (Safari's and other apps'): each
 * site with the sites that redirected to it, it redirected to, and that it
 * loaded as frames and subresources. Checks every one of those sites
 * against domain and IP indicators, and names the redirect chain of a hit.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <stdlib.h>

#include "modules/ios/common.h"
#include "util/buf.h"

/* Any domain for WebKit's own folder, as MVT searches backups; also
 * Safari's view service inside app containers and web clips' storage. */
static const struct vg_loc srl_locs[] = {
    {VG_LOC_BACKUP, NULL,
     "Library/WebKit/WebsiteData/ResourceLoadStatistics/full_browsing_session_resourceLog.plist"},
    {VG_LOC_FS, NULL,
     "private/var/mobile/Containers/Data/Application/*/Library/WebKit/WebsiteData/"
     "ResourceLoadStatistics/full_browsing_session_resourceLog.plist"},
    {VG_LOC_BACKUP, "AppDomain-*",
     "SystemData/com.apple.SafariViewService/Library/WebKit/WebsiteData/"
     "full_browsing_session_resourceLog.plist"},
    {VG_LOC_FS, NULL,
     "private/var/mobile/Containers/Data/Application/*/SystemData/com.apple.SafariViewService/"
     "Library/WebKit/WebsiteData/full_browsing_session_resourceLog.plist"},
    {VG_LOC_BACKUP, "HomeDomain",
     "Library/WebClips/*/Storage/full_browsing_session_resourceLog.plist"},
    {VG_LOC_FS, NULL,
     "private/var/mobile/Library/WebClips/*/Storage/full_browsing_session_resourceLog.plist"},
};

/* Record fields and the plist keys they come from: WebKit's statistics
 * model 15 renamed "...Origin(s)" keys to "...Domain(s)" (and the list
 * items' "origin" to "domain"); MVT reads the old names only. */
static const struct {
    const char *field, *key, *key_v15;
} srl_fields[] = {
    {"origin", "PrevalentResourceOrigin", "PrevalentResourceDomain"},
    {"redirect_source", "topFrameUniqueRedirectsFrom", NULL},
    {"redirect_destination", "topFrameUniqueRedirectsTo", NULL},
    {"subframe_under_origin", "subframeUnderTopFrameOrigins", "subframeUnderTopFrameDomains"},
    {"subresource_under_origin", "subresourceUnderTopFrameOrigins",
     "subresourceUnderTopFrameDomains"},
};

/* The fields checks read: srl_fields' in the same order. */
enum { F_ORIGIN, F_REDIRECT_SOURCE, F_REDIRECT_DESTINATION };
static const char *const srl_check_fields[] = {
    "origin",
    "redirect_source",
    "redirect_destination",
    "subframe_under_origin",
    "subresource_under_origin",
};

/* WebKit writes times as seconds since 1970 (doubles); 0 is "never". */
static json_t *time_json(plist_t v)
{
    char buf[VG_ISODATE_LEN + 1];
    double t = 0;

    if (v && plist_get_node_type(v) == PLIST_DATE)
        return vg_plist_to_json(v);
    if (!vg_plist_number(v, &t))
        return json_null();
    if (t == 0.0)
        return json_string("");
    return vg_isodate_double(t, buf) == VG_OK ? json_string(buf) : json_null();
}

static json_t *field_json(plist_t item, const char *key, const char *key_v15)
{
    plist_t v = plist_dict_get_item(item, key);
    if (!v && key_v15)
        v = plist_dict_get_item(item, key_v15);
    return v ? vg_plist_to_json(v) : json_string("");
}

static int set_member(json_t *rec, const char *key, json_t *v)
{
    return v && json_object_set_new(rec, key, v) == 0 ? VG_OK : VG_E_NOMEM;
}

static json_t *item_record(plist_t item, const struct vg_file *f)
{
    json_t *rec = json_object();
    size_t i;
    int rc = rec ? VG_OK : VG_E_NOMEM;

    for (i = 0; rc == VG_OK && i < VG_ARRAY_LEN(srl_fields); i++)
        rc = set_member(rec, srl_fields[i].field,
                        field_json(item, srl_fields[i].key, srl_fields[i].key_v15));
    if (rc == VG_OK)
        rc = set_member(rec, "user_interaction",
                        vg_plist_to_json(plist_dict_get_item(item, "hadUserInteraction")));
    if (rc == VG_OK)
        rc = set_member(rec, "most_recent_interaction",
                        time_json(plist_dict_get_item(item, "mostRecentUserInteraction")));
    if (rc == VG_OK)
        rc = set_member(rec, "last_seen", time_json(plist_dict_get_item(item, "lastSeen")));
    if (rc == VG_OK)
        rc = set_member(rec, "domain", json_string(f->domain ? f->domain : ""));
    if (rc == VG_OK)
        rc = set_member(rec, "path", json_string(f->path));
    if (rc != VG_OK) {
        json_decref(rec);
        return NULL;
    }
    return rec;
}

static int srl_plist(struct vg_run *run, const struct vg_file *f, plist_t root, void *ud)
{
    plist_t stats;
    uint32_t i, n;
    size_t skipped = 0;
    int rc;

    (void)ud;
    stats = plist_get_node_type(root) == PLIST_DICT
                ? plist_dict_get_item(root, "browsingStatistics")
                : NULL;
    if (!stats || plist_get_node_type(stats) != PLIST_ARRAY) {
        vg_run_log(run, VG_DIAG_INFO, "%s has no browsingStatistics list", f->display);
        return VG_OK;
    }
    n = plist_array_get_size(stats);
    for (i = 0; i < n; i++) {
        plist_t item = plist_array_get_item(stats, i);
        if (plist_get_node_type(item) != PLIST_DICT) {
            skipped++;
            continue;
        }
        rc = vg_run_emit_json(run, item_record(item, f));
        if (rc == VG_E_LIMIT)
            break; /* the cap was reported */
        if (rc != VG_OK)
            return rc;
    }
    if (skipped) {
        vg_run_coverage(run, VG_COV_PARTIAL, f->display, "%zu entries are not dictionaries",
                        skipped);
        vg_run_log(run, VG_DIAG_WARN, "%s: %zu browsingStatistics entries are not dictionaries",
                   f->display, skipped);
    }
    return VG_OK;
}

static int srl_extract(struct vg_run *run)
{
    int rc = vg_ios_each_plist(run, srl_plist, NULL);
    vg_run_log(run, VG_DIAG_INFO, "Extracted a total of %zu browsing statistics entries",
               vg_run_record_count(run));
    return rc;
}

/* ---- checks ---- */

/* Calls fn for each site of a list: items are {"origin": ...} or
 * {"domain": ...} dicts (both taken, origin first), or plain strings.
 * Stops when fn returns non-zero, and returns that. */
static int each_site(const json_t *list, int (*fn)(void *ud, const char *site), void *ud)
{
    const json_t *it;
    size_t i;
    int rc;

    json_array_foreach(list, i, it)
    {
        const char *s[2] = {vg_jstr(it, "origin"), vg_jstr(it, "domain")};
        size_t k;
        if (json_is_string(it)) {
            s[0] = json_string_value(it);
            s[1] = NULL;
        }
        for (k = 0; k < 2; k++)
            if (s[k] && (rc = fn(ud, s[k])) != 0)
                return rc;
    }
    return 0;
}

struct hit_ctx {
    struct vg_run *run;
    const struct vg_rec *entry;
};

static int check_site(void *ud, const char *site)
{
    struct hit_ctx *c = ud;
    return vg_check_url(c->run, VG_LEVEL_CRITICAL, c->entry, site, "");
}

static int count_site(void *ud, const char *site)
{
    VG_UNUSED(site);
    (*(size_t *)ud)++;
    return 0;
}

struct quote_ctx {
    struct vg_buf *b;
    size_t n;
};

static int quote_site(void *ud, const char *site)
{
    struct quote_ctx *q = ud;
    return vg_buf_printf(q->b, "%s\"%s\"", q->n++ ? ", " : "", site) != VG_OK;
}

/* The list part of the message, or nothing when it would not fit. */
static int quote_list(struct vg_buf *b, const char *label, const json_t *list)
{
    struct quote_ctx q = {b, 0};
    int rc = vg_buf_append_str(b, label);
    if (rc == VG_OK && each_site(list, quote_site, &q))
        rc = VG_E_LIMIT;
    return rc;
}

/* "SOURCE: "a", "b" -> ORIGIN: "o" -> DESTINATION: "c"", as MVT words it.
 * Too long a chain is cut at a whole site, so the message stays UTF-8. */
static void redirect_alert(struct vg_run *run, const struct vg_rec *entry)
{
    const json_t *from = vg_rec_json(entry, F_REDIRECT_SOURCE);
    const json_t *to = vg_rec_json(entry, F_REDIRECT_DESTINATION);
    size_t n_from = 0, n_to = 0;
    struct vg_buf b;
    int rc = VG_OK;

    each_site(from, count_site, &n_from);
    each_site(to, count_site, &n_to);
    if (n_from == 0 && n_to == 0)
        return; /* no redirect to name */
    vg_buf_init(&b, VG_MAX_MESSAGE - 128);
    if (n_from)
        rc = quote_list(&b, "SOURCE: ", from);
    if (rc == VG_OK)
        rc = vg_buf_printf(&b, "%sORIGIN: \"%s\"", n_from ? " -> " : "",
                           vg_rec_time(entry, F_ORIGIN));
    if (rc == VG_OK && n_to)
        rc = quote_list(&b, " -> DESTINATION: ", to);
    vg_run_alert(run, VG_LEVEL_HIGH, entry, NULL, "",
                 "Found HTTP redirect between suspicious domains: %s%s", b.data ? b.data : "",
                 rc == VG_OK ? "" : " ...");
    vg_buf_free(&b);
}

/* The origin first, then sources, destinations, frames and subresources:
 * the first site that matches is the one reported (MVT takes them from a
 * set, in no fixed order). */
static void check_entry(struct vg_run *run, const struct vg_rec *entry)
{
    struct hit_ctx c = {run, entry};
    size_t i;
    int hit = check_site(&c, vg_rec_time(entry, F_ORIGIN));

    for (i = 1; !hit && i < VG_ARRAY_LEN(srl_check_fields); i++)
        hit = each_site(vg_rec_json(entry, (int)i), check_site, &c);
    if (hit)
        redirect_alert(run, entry);
}

/* MVT saves {"<log file>": [entries]}, which check-iocs reads as one
 * record: each entry is checked as a record of its own, in a row the
 * module keeps (the run's rows may move while one is being checked). */
struct srl_state {
    const struct vg_schema *s; /* the last entries' keys */
    struct vg_rec rec;         /* a row of s, when s is set */
};

/* 1 when obj's keys are s's keys, in order. */
static int same_keys(const struct vg_schema *s, const json_t *obj)
{
    const char *key;
    json_t *v;
    size_t i = 0;

    if (!s || json_object_size(obj) != s->n)
        return 0;
    json_object_foreach((json_t *)obj, key, v)
    {
        if (strcmp(key, s->names[i++]) != 0)
            return 0;
    }
    return 1;
}

static struct vg_rec *entry_rec(struct vg_run *run, const json_t *obj)
{
    void **slot = vg_run_state(run);
    struct srl_state *st = *slot;
    const char **names = NULL, *key;
    json_t *v;
    size_t n = 0;

    if (!st && !(st = *slot = vg_calloc(1, sizeof(*st))))
        return NULL;
    if (same_keys(st->s, obj))
        return &st->rec;
    vg_rec_free(&st->rec);
    st->s = NULL;
    names = vg_calloc(json_object_size(obj) + 1, sizeof(*names));
    if (!names)
        return NULL;
    json_object_foreach((json_t *)obj, key, v) names[n++] = key;
    if (vg_run_schema(run, names, n, &st->s) != VG_OK || vg_rec_init(&st->rec, st->s) != VG_OK)
        st->s = NULL;
    free(names);
    return st->s ? &st->rec : NULL;
}

static void check_saved_entries(struct vg_run *run, const json_t *list)
{
    const json_t *entry;
    struct vg_rec *r;
    size_t i;

    json_array_foreach(list, i, entry)
    {
        if (!json_is_object(entry))
            continue;
        r = entry_rec(run, entry);
        if (!r) {
            vg_run_nomem(run);
            return;
        }
        vg_rec_from_json(r, entry);
        check_entry(run, r);
        vg_rec_reset(r);
    }
}

static void srl_check_one(struct vg_run *run, const struct vg_rec *rec)
{
    size_t k;

    if (vg_rec_key(rec, F_ORIGIN) >= 0) {
        check_entry(run, rec);
        return;
    }
    for (k = 0; k < rec->schema->n; k++)
        if (rec->v[k].t == VG_VT_JSON)
            check_saved_entries(run, rec->v[k].u.j);
}

static void srl_finish(struct vg_run *run)
{
    void **slot = vg_run_state(run);
    struct srl_state *st = *slot;

    if (st) {
        vg_rec_free(&st->rec);
        free(st);
    }
    *slot = NULL;
}

const struct vg_module vg_mod_webkit_session_resource_log = {
    .name = "webkit_session_resource_log",
    .class_name = "WebkitSessionResourceLog",
    .description = "WebKit browsing statistics (full_browsing_session_resourceLog.plist): "
                   "domain indicators on sites, redirects, frames and subresources",
    .locs = srl_locs,
    .n_locs = VG_ARRAY_LEN(srl_locs),
    .fields = srl_check_fields,
    .n_fields = VG_ARRAY_LEN(srl_check_fields),
    .extract = srl_extract,
    .check_record = srl_check_one, /* streamed */
    .check_finish = srl_finish,
};
