/*
 * Manifest: every file the backup lists, with its times, mode, owner and
 * size (from the MBFile blobs). Checks each path against file path and file
 * name indicators, and domain indicators against the host names that WebKit
 * and Safari put in file names ("https_evil.com_0.localstorage").
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include "modules/ios/common.h"

/* Where each backup domain lives on the device, so absolute path
 * indicators can be compared with backup paths. */
static const struct {
    const char *domain;
    const char *root;
} domain_roots[] = {
    {"CameraRollDomain", "/private/var/mobile"},
    {"DatabaseDomain", "/private/var/db"},
    {"HealthDomain", "/private/var/mobile/Library"},
    {"HomeDomain", "/private/var/mobile"},
    {"HomeKitDomain", "/private/var/mobile"},
    {"InstallDomain", "/private/var/installd"},
    {"KeyboardDomain", "/private/var/mobile"},
    {"KeychainDomain", "/private/var/Keychains"},
    {"ManagedPreferencesDomain", "/private/var/Managed Preferences"},
    {"MediaDomain", "/private/var/mobile"},
    {"MobileDeviceDomain", "/private/var/MobileDevice"},
    {"NetworkDomain", "/private/var/networkd"},
    {"ProtectedDomain", "/private/var/protected"},
    {"RootDomain", "/private/var/root"},
    {"SystemPreferencesDomain", "/private/var/preferences"},
    {"TonesDomain", "/private/var/mobile"},
    {"WirelessDomain", "/private/var/wireless"},
};

static const char *domain_root(const char *domain)
{
    size_t i;
    for (i = 0; i < VG_ARRAY_LEN(domain_roots); i++)
        if (strcmp(domain_roots[i].domain, domain) == 0)
            return domain_roots[i].root;
    return NULL;
}

/* The record's keys, in MVT's order; also the fields checks and the
 * timeline read. */
enum {
    F_FILE_ID,
    F_DOMAIN,
    F_REL,
    F_FLAGS,
    F_CREATED,
    F_MODIFIED,
    F_STATUS_CHANGED,
    F_MODE,
    F_OWNER,
    F_SIZE
};
static const char *const manifest_fields[] = {
    "file_id",  "domain",         "relative_path", "flags", "created",
    "modified", "status_changed", "mode",          "owner", "size",
};

static const struct vg_loc manifest_locs[] = {
    {VG_LOC_BACKUP_LISTING, NULL, NULL},
};

struct listing {
    const struct vg_schema *schema;
    size_t undecoded; /* entries without an MBFile */
    int rc;           /* the first error of ours (not the source's) */
};

/* A Unix time as an isodate, "" when absent. buf: VG_ISODATE_LEN + 1. */
static const char *time_text(const struct vg_stat *st, unsigned bit, int64_t t, char *buf)
{
    if (!(st->has & bit) || vg_isodate(t, 0, buf) != VG_OK)
        buf[0] = '\0';
    return buf;
}

static void set_text(struct vg_rec *r, int f, const char *s)
{
    vg_rec_set_text_ref(r, f, s, strlen(s));
}

/* The strings are borrowed: the listing's until the callback returns, the
 * buffers' until the record is emitted, both within this call. */
static int entry_emit(struct vg_run *run, struct listing *l, const struct vg_file *f)
{
    /* times, mode, owner and size come from the MBFile: the listing has a
     * mode exactly when it decoded */
    int decoded = (f->st.has & VG_ST_MODE) != 0, k;
    struct vg_rec *r = vg_run_rec(run, l->schema);
    char created[VG_ISODATE_LEN + 1], modified[VG_ISODATE_LEN + 1];
    char changed[VG_ISODATE_LEN + 1], mode[32];

    if (!r)
        return VG_E_NOMEM;
    set_text(r, F_FILE_ID, f->id ? f->id : "");
    set_text(r, F_DOMAIN, f->domain ? f->domain : "");
    set_text(r, F_REL, f->path ? f->path : "");
    vg_rec_set_int(r, F_FLAGS, f->listing_flags);
    set_text(r, F_CREATED, time_text(&f->st, VG_ST_BTIME, f->st.btime, created));
    if (!decoded) {
        /* MVT's record then has the first five keys only */
        for (k = F_MODIFIED; k <= F_SIZE; k++)
            vg_rec_set_absent(r, k);
        l->undecoded++;
        return vg_run_emit(run, r);
    }
    set_text(r, F_MODIFIED, time_text(&f->st, VG_ST_MTIME, f->st.mtime, modified));
    set_text(r, F_STATUS_CHANGED, time_text(&f->st, VG_ST_CTIME, f->st.ctime, changed));
    /* MVT writes Python's oct(): "0o40755" */
    if (vg_snprintf(mode, sizeof(mode), "0o%o", (unsigned)f->st.mode) != VG_OK)
        mode[0] = '\0';
    set_text(r, F_MODE, mode);
    /* iOS writes "nobody" as -2: the field is signed */
    vg_rec_set_int(r, F_OWNER, (int32_t)f->st.uid);
    if (f->st.has & VG_ST_SIZE)
        vg_rec_set_int(r, F_SIZE, (int64_t)f->st.size);
    return vg_run_emit(run, r);
}

static int entry_visit(struct vg_run *run, const struct vg_file *f, void *ud)
{
    struct listing *l = ud;

    l->rc = entry_emit(run, l, f);
    return l->rc;
}

static int manifest_extract(struct vg_run *run)
{
    struct listing l = {NULL, 0, VG_OK};
    int rc = vg_run_schema(run, manifest_fields, VG_ARRAY_LEN(manifest_fields), &l.schema);

    if (rc != VG_OK)
        return rc;
    rc = vg_run_find(run, &manifest_locs[0], entry_visit, &l);
    if (l.rc != VG_OK)
        return l.rc; /* out of memory, the output failed, or the cap on records */
    if (rc < 0)
        return VG_OK; /* the source said why it has no listing (and coverage) */
    if (l.undecoded)
        vg_run_coverage(run, VG_COV_PARTIAL, "Manifest.db", "%zu file descriptions did not decode",
                        l.undecoded);
    else if (rc > 0)
        vg_run_coverage(run, VG_COV_FOUND, "Manifest.db", NULL);
    return VG_OK;
}

/* A "_"-separated piece of a file name that is a whole host name. */
static int check_name_hosts(struct vg_run *run, const struct vg_rec *rec, const char *rel)
{
    struct vg_ioc_match m;
    char part[256];
    const char *p = rel, *sep;

    for (;;) {
        size_t n;
        sep = strchr(p, '_');
        n = sep ? (size_t)(sep - p) : strlen(p);
        if (n > 3 && n < sizeof(part) && memchr(p, '.', n) && !memchr(p, '/', n)) {
            memcpy(part, p, n);
            part[n] = '\0';
            if (vg_iocs_match_domain(vg_run_iocs(run), part, &m)) {
                vg_run_alert(run, VG_LEVEL_HIGH, rec, &m, "",
                             "Found mention of domain \"%s\" in a backup file with path: %s",
                             m.value, rel);
                return 1;
            }
        }
        if (!sep)
            return 0;
        p = sep + 1;
    }
}

static void manifest_check_one(struct vg_run *run, const struct vg_rec *rec)
{
    const char *rel = vg_rec_text(rec, F_REL);
    const char *domain = vg_rec_text(rec, F_DOMAIN);
    const char *root, *base;
    char path[4096];

    if (!rel || !*rel)
        return;
    if (vg_snprintf(path, sizeof(path), "/%s", rel) == VG_OK &&
        vg_check_file_path(run, VG_LEVEL_HIGH, rec, path, ""))
        return;
    root = domain ? domain_root(domain) : NULL;
    if (root && vg_snprintf(path, sizeof(path), "%s/%s", root, rel) == VG_OK &&
        vg_check_file_path(run, VG_LEVEL_HIGH, rec, path, ""))
        return;
    base = strrchr(rel, '/');
    if (vg_check_file_name(run, VG_LEVEL_HIGH, rec, base ? base + 1 : rel, ""))
        return;
    check_name_hosts(run, rec, rel);
}

/* One event per distinct time, lettered like MVT's "MACB" (M modified,
 * C status changed, B born; A is never known). */
static void manifest_timeline(struct vg_run *run, const struct vg_rec *rec)
{
    const char *t[3] = {vg_rec_text(rec, F_CREATED), vg_rec_text(rec, F_MODIFIED),
                        vg_rec_text(rec, F_STATUS_CHANGED)};
    char desc[8192], macb[5];
    size_t i, j;

    if (!t[1] || !t[2])
        return;
    if (vg_snprintf(desc, sizeof(desc), "%s - %s", vg_rec_time(rec, F_REL),
                    vg_rec_time(rec, F_DOMAIN)) != VG_OK)
        return;
    for (i = 0; i < 3; i++) {
        int seen = 0;
        if (!t[i])
            continue;
        for (j = 0; j < i; j++)
            if (t[j] && strcmp(t[j], t[i]) == 0)
                seen = 1;
        if (seen)
            continue;
        macb[0] = strcmp(t[i], t[1]) == 0 ? 'M' : '-';
        macb[1] = '-';
        macb[2] = strcmp(t[i], t[2]) == 0 ? 'C' : '-';
        macb[3] = t[0] && strcmp(t[i], t[0]) == 0 ? 'B' : '-';
        macb[4] = '\0';
        vg_run_timeline(run, t[i], macb, desc);
    }
}

const struct vg_module vg_mod_manifest = {
    .name = "manifest",
    .class_name = "Manifest",
    .description = "every file in Manifest.db; file path/name and domain indicators on paths",
    .locs = manifest_locs,
    .n_locs = VG_ARRAY_LEN(manifest_locs),
    .fields = manifest_fields,
    .n_fields = VG_ARRAY_LEN(manifest_fields),
    .slow = 1, /* millions of entries in a large backup: --fast skips it */
    .extract = manifest_extract,
    .check_record = manifest_check_one, /* streamed: a million entries */
    .timeline = manifest_timeline,
};
