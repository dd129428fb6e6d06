/*
 * Datausage: which processes used the network, from DataUsage.sqlite
 * (ZPROCESS joined with ZLIVEUSAGE), as MVT's Datausage. Checks process
 * indicators, and two traces of tampering MVT looks for: live-usage rows whose
 * process row was deleted ("MANIPULATED"), and gaps in the process ids (a
 * "MISSING" placeholder record is added for each, as MVT does).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <stdlib.h>

#include "modules/ios/common.h"
#include "modules/ios/list.h"

static const struct vg_artifact datausage_artifacts[] = {
    {"WirelessDomain", "Library/Databases/DataUsage.sqlite",
     "private/var/wireless/Library/Databases/DataUsage.sqlite"},
};

/* MVT's query. The second half lists processes with no live usage; the
 * IS NOT NULL keeps one live-usage row without a process from hiding all of
 * them (x NOT IN (..., NULL) is never true). Newer iOS has no Wi-Fi columns. */
#define USAGE_SQL(wifi)                                                                            \
    "SELECT ZPROCESS.ZFIRSTTIMESTAMP AS first_ts, ZPROCESS.ZTIMESTAMP AS ts, "                     \
    "ZPROCESS.ZPROCNAME AS proc_name, ZPROCESS.ZBUNDLENAME AS bundle_id, "                         \
    "ZPROCESS.Z_PK AS proc_id, " wifi ", ZLIVEUSAGE.ZWWANIN AS wwan_in, "                          \
    "ZLIVEUSAGE.ZWWANOUT AS wwan_out, ZLIVEUSAGE.Z_PK AS live_id, "                                \
    "ZLIVEUSAGE.ZHASPROCESS AS live_proc_id, ZLIVEUSAGE.ZTIMESTAMP AS live_ts "                    \
    "FROM ZLIVEUSAGE LEFT JOIN ZPROCESS ON ZLIVEUSAGE.ZHASPROCESS = ZPROCESS.Z_PK "                \
    "UNION SELECT ZFIRSTTIMESTAMP, ZTIMESTAMP, ZPROCNAME, ZBUNDLENAME, Z_PK, NULL, NULL, NULL, "   \
    "NULL, NULL, NULL, NULL FROM ZPROCESS WHERE Z_PK NOT IN "                                      \
    "(SELECT ZHASPROCESS FROM ZLIVEUSAGE WHERE ZHASPROCESS IS NOT NULL)"

static const char sql_wifi[] =
    USAGE_SQL("ZLIVEUSAGE.ZWIFIIN AS wifi_in, ZLIVEUSAGE.ZWIFIOUT AS wifi_out");
static const char sql_no_wifi[] = USAGE_SQL("NULL AS wifi_in, NULL AS wifi_out");

/* MVT's convert_mactime_to_iso; NULL stays null and text stays text. */
static json_t *mactime_json(const json_t *v)
{
    if (!v || json_is_null(v))
        return json_null();
    if (json_is_string(v))
        return json_copy((json_t *)v);
    return vg_ios_mactime_iso(v);
}

static json_t *usage_row(struct vg_run *run, sqlite3_stmt *st)
{
    json_t *row = vg_sqlite_row_json(st), *rec, *first, *live_ts;
    (void)run;

    if (!row)
        return NULL;
    /* each time on its own (MVT leaves both raw when one is missing) */
    first = mactime_json(json_object_get(row, "first_ts"));
    live_ts = json_object_get(row, "live_ts");
    rec = json_pack(
        "{s:O?, s:o?, s:O?, s:O?, s:O?, s:O?, s:O?, s:O?, s:O?, s:O?, s:O?, s:o?}", "first_isodate",
        first, "isodate", mactime_json(json_object_get(row, "ts")), "proc_name",
        json_object_get(row, "proc_name"), "bundle_id", json_object_get(row, "bundle_id"),
        "proc_id", json_object_get(row, "proc_id"), "wifi_in", json_object_get(row, "wifi_in"),
        "wifi_out", json_object_get(row, "wifi_out"), "wwan_in", json_object_get(row, "wwan_in"),
        "wwan_out", json_object_get(row, "wwan_out"), "live_id", json_object_get(row, "live_id"),
        "live_proc_id", json_object_get(row, "live_proc_id"), "live_isodate",
        vg_py_truthy(live_ts) ? mactime_json(live_ts) : json_incref(first));
    json_decref(first);
    json_decref(row);
    return rec;
}

static int usage_db(struct vg_run *run, const struct vg_file *f, sqlite3 *db, void *ud)
{
    (void)ud;
    if (!vg_sqlite_has_table(db, "ZLIVEUSAGE") || !vg_sqlite_has_table(db, "ZPROCESS")) {
        vg_run_log(run, VG_DIAG_WARN, "%s has no ZLIVEUSAGE/ZPROCESS table", f->display);
        vg_run_coverage(run, VG_COV_UNREADABLE, f->display, "no ZLIVEUSAGE/ZPROCESS table");
        return VG_OK;
    }
    return vg_ios_query_records(
        run, f, db, vg_sqlite_has_column(db, "ZLIVEUSAGE", "ZWIFIIN") ? sql_wifi : sql_no_wifi,
        usage_row);
}

static int datausage_extract(struct vg_run *run)
{
    return vg_ios_each_db(run, usage_db, NULL);
}

/* ---- check ---- */

/* A record with its sort key and original position (the tie-break that makes
 * qsort stable, as Python's sorted is). */
struct keyed {
    json_t *rec;
    const char *key;
    size_t pos;
};

static int keyed_cmp(const void *a, const void *b)
{
    const struct keyed *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    if (c != 0)
        return c;
    return (x->pos > y->pos) - (x->pos < y->pos);
}

/* The records ordered by a string field (non-strings first); borrowed. */
static struct keyed *sorted_by(json_t *recs, const char *field)
{
    size_t n = json_array_size(recs), i;
    struct keyed *v = vg_calloc(n ? n : 1, sizeof(*v));

    if (!v)
        return NULL;
    for (i = 0; i < n; i++) {
        v[i].rec = json_array_get(recs, i);
        v[i].key = vg_rec_time(v[i].rec, field);
        v[i].pos = i;
    }
    qsort(v, n, sizeof(*v), keyed_cmp);
    return v;
}

static int sort_records(struct vg_run *run, json_t *recs, const char *field)
{
    struct keyed *v = sorted_by(recs, field);
    size_t n = json_array_size(recs), i;

    if (!v) {
        vg_run_log(run, VG_DIAG_ERROR, "out of memory sorting records");
        return VG_E_NOMEM;
    }
    for (i = 0; i < n; i++)
        json_incref(v[i].rec);
    json_array_clear(recs);
    for (i = 0; i < n; i++)
        if (json_array_append_new(recs, v[i].rec) != 0)
            vg_run_log(run, VG_DIAG_ERROR, "out of memory sorting records");
    free(v);
    return VG_OK;
}

/* Live-usage rows whose process is gone, grouped by the process id they
 * point to, so each deleted process is reported once. */
struct orphan {
    json_t *rec;
    char id[VG_PY_BUF];
    const char *id_str;
    size_t pos;
    int first;
};

static int orphan_cmp(const void *a, const void *b)
{
    const struct orphan *x = *(const struct orphan *const *)a;
    const struct orphan *y = *(const struct orphan *const *)b;
    int c = strcmp(x->id_str, y->id_str);
    if (c != 0)
        return c;
    return (x->pos > y->pos) - (x->pos < y->pos);
}

static void mark_first_orphans(struct orphan *o, size_t n, struct orphan **by_id)
{
    size_t i;

    for (i = 0; i < n; i++)
        by_id[i] = &o[i];
    qsort(by_id, n, sizeof(*by_id), orphan_cmp);
    for (i = 0; i < n; i++)
        by_id[i]->first = i == 0 || strcmp(by_id[i - 1]->id_str, by_id[i]->id_str) != 0;
}

static void report_orphans(struct vg_run *run, struct orphan *o, size_t n)
{
    char b[VG_PY_BUF];
    size_t i;

    for (i = 0; i < n; i++) {
        json_t *rec = o[i].rec, *live = json_object_get(rec, "live_isodate");
        json_object_set(rec, "first_isodate", live ? live : json_null());
        json_object_set(rec, "isodate", live ? live : json_null());
        json_object_set_new(rec, "proc_name", json_string("MANIPULATED [process record deleted]"));
        /* MVT raises a second alert per row ("... entry N/"), contrary to its
         * own comment; one per deleted process says it all */
        if (o[i].first)
            vg_run_alert(run, VG_LEVEL_HIGH, rec, NULL, vg_rec_time(rec, "live_isodate"),
                         "Found manipulated process entry %s. Entry on %s", o[i].id_str,
                         vg_py_str(live, b));
    }
}

static void check_manipulated(struct vg_run *run, json_t *recs)
{
    size_t n = json_array_size(recs), i, k = 0;
    struct keyed *v = sorted_by(recs, "live_isodate");
    struct orphan *o = vg_calloc(n ? n : 1, sizeof(*o));
    struct orphan **by_id = vg_calloc(n ? n : 1, sizeof(*by_id));

    if (!v || !o || !by_id) {
        vg_run_log(run, VG_DIAG_ERROR, "out of memory checking process records");
        goto out;
    }
    for (i = 0; i < n; i++) {
        if (vg_py_truthy(json_object_get(v[i].rec, "proc_id")))
            continue;
        o[k].rec = v[i].rec;
        o[k].id_str = vg_py_str(json_object_get(v[i].rec, "live_proc_id"), o[k].id);
        o[k].pos = k;
        k++;
    }
    mark_first_orphans(o, k, by_id);
    report_orphans(run, o, k);
out:
    free(v);
    free(o);
    free(by_id);
}

/* A process id and the last record holding it (MVT keeps the last one). */
struct pid {
    json_int_t id;
    size_t pos;
};

static int pid_cmp(const void *a, const void *b)
{
    const struct pid *x = a, *y = b;
    if (x->id != y->id)
        return (x->id > y->id) - (x->id < y->id);
    return (x->pos > y->pos) - (x->pos < y->pos);
}

/* Distinct process ids in order, each with its last record. Returns the
 * count; *out is NULL on allocation failure. */
static size_t collect_pids(json_t *recs, struct pid **out)
{
    size_t n = json_array_size(recs), i, k = 0, d = 0;
    struct pid *p = vg_calloc(n ? n : 1, sizeof(*p));

    *out = p;
    if (!p)
        return 0;
    for (i = 0; i < n; i++) {
        const json_t *id = json_object_get(json_array_get(recs, i), "proc_id");
        if (!json_is_integer(id) || json_integer_value(id) == 0)
            continue; /* MVT skips empty ids; non-integers cannot form a range */
        p[k].id = json_integer_value(id);
        p[k++].pos = i;
    }
    qsort(p, k, sizeof(*p), pid_cmp);
    for (i = 0; i < k; i++) {
        if (d > 0 && p[d - 1].id == p[i].id)
            p[d - 1].pos = p[i].pos;
        else
            p[d++] = p[i];
    }
    return d;
}

/* MVT's placeholder: the first record's keys, all null, then the gap's facts. */
static json_t *missing_record(const json_t *model, const json_t *prev, json_int_t id)
{
    json_t *rec = json_object(), *v;
    const json_t *first = json_object_get(prev, "first_isodate");
    const char *key;
    char b[VG_PY_BUF];
    char *name;

    if (!rec)
        return NULL;
    json_object_foreach((json_t *)model, key, v) json_object_set_new(rec, key, json_null());
    if (!first)
        first = json_null();
    json_object_set(rec, "first_isodate", (json_t *)first);
    json_object_set(rec, "isodate", (json_t *)first);
    json_object_set(rec, "live_isodate", (json_t *)first);
    name = vg_asprintf("MISSING [follows %s]", vg_py_str(json_object_get(prev, "proc_name"), b));
    json_object_set_new(rec, "proc_name", name ? json_string(name) : json_null());
    free(name);
    json_object_set_new(rec, "proc_id", json_integer(id));
    json_object_set_new(rec, "live_proc_id", json_integer(id));
    json_object_set_new(rec, "bundle_id", json_null());
    return rec;
}

/* Reports ids a+1 .. b-1 after prev; returns how many were reported. */
static size_t report_gap(struct vg_run *run, const json_t *model, const json_t *prev, json_int_t a,
                         json_int_t b, json_t *added, size_t budget)
{
    char b1[VG_PY_BUF], b2[VG_PY_BUF];
    size_t done = 0;
    json_int_t m;

    for (m = a + 1; m < b && done < budget; m++, done++) {
        vg_run_alert(run, VG_LEVEL_LOW, prev, NULL, vg_rec_time(prev, "first_isodate"),
                     "Missing process %" JSON_INTEGER_FORMAT ". Previous process at \"%s\" (%s)", m,
                     vg_py_str(json_object_get(prev, "first_isodate"), b1),
                     vg_py_str(json_object_get(prev, "proc_name"), b2));
        if (json_array_append_new(added, missing_record(model, prev, m)) != 0)
            vg_run_log(run, VG_DIAG_ERROR, "out of memory adding a MISSING record");
    }
    return done;
}

static void find_deleted(struct vg_run *run, json_t *recs)
{
    struct pid *p = NULL;
    size_t n = collect_pids(recs, &p), i, budget = VG_MAX_MISSING_IDS;
    json_t *added = json_array();
    uint64_t unreported = 0;

    if (!p || !added) {
        vg_run_log(run, VG_DIAG_ERROR, "out of memory checking process ids");
        goto out;
    }
    if (n == 0)
        goto out;
    for (i = 0; i + 1 < n; i++) {
        /* unsigned: the distance between two int64 ids may not fit in one */
        uint64_t gap = (uint64_t)p[i + 1].id - (uint64_t)p[i].id - 1;
        size_t done = 0;
        if (gap == 0)
            continue;
        if (budget > 0)
            done = report_gap(run, json_array_get(recs, 0), json_array_get(recs, p[i].pos), p[i].id,
                              p[i + 1].id, added, budget);
        budget -= done;
        unreported += gap - done;
    }
    if (unreported)
        vg_run_log(run, VG_DIAG_WARN,
                   "%llu more missing process ids not reported one by one (cap %u)",
                   (unsigned long long)unreported, VG_MAX_MISSING_IDS);
    json_array_extend(recs, added);
    sort_records(run, recs, "first_isodate");
out:
    json_decref(added);
    free(p);
}

/* Process names are "<process>/<bundle id>" with the process cut to 16
 * bytes. The whole name is looked up as MVT does (its last path part), then
 * the process part and the bundle id on their own. */
static void check_process_names(struct vg_run *run, const json_t *rec)
{
    const char *name = vg_rec_str(rec, "proc_name");
    const char *bundle = vg_rec_str(rec, "bundle_id");
    const char *when = vg_rec_time(rec, "first_isodate");
    const char *slash;
    char part[256];

    if (!name || !vg_py_truthy(json_object_get(rec, "proc_id")))
        return;
    if (vg_check_process(run, VG_LEVEL_CRITICAL, rec, name, when))
        return;
    slash = strchr(name, '/');
    if (slash && (size_t)(slash - name) < sizeof(part)) {
        memcpy(part, name, (size_t)(slash - name));
        part[slash - name] = '\0';
        if (vg_check_process(run, VG_LEVEL_CRITICAL, rec, part, when))
            return;
    }
    if (bundle && (!slash || strcmp(bundle, slash + 1) != 0))
        vg_check_process(run, VG_LEVEL_CRITICAL, rec, bundle, when);
}

/* Saved results (vigie's or MVT's) already hold the "MISSING" placeholders
 * an earlier check added; drop them so the gaps are found, alerted and
 * filled again exactly as on a fresh extraction. */
static void drop_placeholders(json_t *recs)
{
    size_t i = json_array_size(recs);
    while (i-- > 0) {
        const char *name = vg_rec_str(json_array_get(recs, i), "proc_name");
        if (name && strncmp(name, "MISSING [follows ", 17) == 0)
            json_array_remove(recs, i);
    }
}

static void datausage_check(struct vg_run *run)
{
    json_t *recs = vg_run_records(run), *rec;
    size_t i;

    /* older result files lack the live-usage fields these need */
    if (json_object_get(json_array_get(recs, 0), "live_isodate")) {
        drop_placeholders(recs);
        check_manipulated(run, recs);
        find_deleted(run, recs);
    }
    json_array_foreach(recs, i, rec) check_process_names(run, rec);
}

/* ---- timeline ---- */

/* Records from which MVT adds first and current use: real process rows. */
static int has_process_events(const json_t *rec)
{
    const char *name = vg_rec_str(rec, "proc_name");
    const json_t *live = json_object_get(rec, "live_proc_id");

    if (name && (strstr(name, "MANIPULATED") || strstr(name, "MISSING")))
        return 0;
    return live && !json_is_null(live);
}

static int same_field(const json_t *a, const json_t *b, const char *key)
{
    const json_t *x = json_object_get(a, key), *y = json_object_get(b, key);
    return (!x && !y) || (x && y && json_equal(x, y));
}

/* Bit 1: an earlier record already gave the same first_usage event; bit 2:
 * the same current_usage event. MVT drops repeated timeline events, and
 * every live-usage row of one process repeats them. Records are sorted by
 * first_isodate by the check, so the earlier twins are found by bisection
 * among those with the same first_isodate (at most a bounded number looked
 * at; unsorted records just keep their repeats). */
#define TWIN_SCAN_MAX 4096u
static unsigned process_event_twins(struct vg_run *run, const json_t *rec)
{
    json_t *recs = vg_run_records(run);
    const char *key = vg_rec_time(rec, "first_isodate");
    size_t lo = 0, hi = json_array_size(recs), j;
    unsigned twins = 0;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(vg_rec_time(json_array_get(recs, mid), "first_isodate"), key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (j = lo; j < lo + TWIN_SCAN_MAX && j < json_array_size(recs); j++) {
        const json_t *r = json_array_get(recs, j);
        if (r == rec || strcmp(vg_rec_time(r, "first_isodate"), key) != 0)
            break;
        if (!has_process_events(r) || !same_field(r, rec, "proc_name") ||
            !same_field(r, rec, "bundle_id") || !same_field(r, rec, "proc_id"))
            continue;
        twins |= 1u | (same_field(r, rec, "isodate") ? 2u : 0u);
    }
    return twins;
}

static void datausage_timeline(struct vg_run *run, const json_t *rec)
{
    char b1[VG_PY_BUF], b2[VG_PY_BUF], b3[VG_PY_BUF], b4[VG_PY_BUF], b5[VG_PY_BUF];
    const char *name = vg_py_str(json_object_get(rec, "proc_name"), b1);
    char *data, *usage;
    unsigned twins;

    data = vg_asprintf("%s (Bundle ID: %s, ID: %s)", name,
                       vg_py_str(json_object_get(rec, "bundle_id"), b2),
                       vg_py_str(json_object_get(rec, "proc_id"), b3));
    usage = data ? vg_asprintf("%s WWAN IN: %s, WWAN OUT: %s", data,
                               vg_py_str(json_object_get(rec, "wwan_in"), b4),
                               vg_py_str(json_object_get(rec, "wwan_out"), b5))
                 : NULL;
    if (!data || !usage) {
        vg_run_log(run, VG_DIAG_ERROR, "out of memory building a timeline event");
        goto out;
    }
    vg_run_timeline(run, vg_rec_time(rec, "live_isodate"), "live_usage", usage);
    if (has_process_events(rec)) {
        twins = process_event_twins(run, rec);
        if (!(twins & 1u))
            vg_run_timeline(run, vg_rec_time(rec, "first_isodate"), "first_usage", data);
        if (!(twins & 2u))
            vg_run_timeline(run, vg_rec_time(rec, "isodate"), "current_usage", data);
    }
out:
    free(data);
    free(usage);
}

const struct vg_module vg_mod_datausage = {
    .name = "datausage",
    .class_name = "Datausage",
    .description = "per-process network use from DataUsage.sqlite; process indicators, deleted "
                   "process rows, gaps in process ids",
    .sources = VG_SRC_MIXED,
    .artifacts = datausage_artifacts,
    .n_artifacts = VG_ARRAY_LEN(datausage_artifacts),
    .extract = datausage_extract,
    .check = datausage_check,
    .timeline = datausage_timeline,
};
