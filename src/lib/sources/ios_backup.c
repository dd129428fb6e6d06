/*
 * iTunes/Finder backup container and source.
 *
 * Layout: <dir>/Info.plist, Manifest.plist, Status.plist, Manifest.db, and
 * every backed-up file at <dir>/<fileID[:2]>/<fileID>, where fileID is the
 * SHA-1 of "<domain>-<relativePath>". Manifest.db's Files table maps
 * (domain, relativePath) to fileID. See docs/formats/manifest-db.md.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "formats/apple/nska.h"
#include "formats/sqlite.h"
#include "sources/ios_backup.h"

#define WHERE "backup"

struct vg_backup {
    struct vg_root *root;
    plist_t info;
    plist_t manifest_plist;
    plist_t status;
    struct vg_manifest *manifest;
    int encrypted;
    struct vg_enc *enc; /* encrypted backups: the unlocked keys */
    struct vg_diag *diag;
};

/* ---- the folder ---- */

static int looks_like_backup(const struct vg_root *r, const char *sub)
{
    char p[512];

    if (vg_snprintf(p, sizeof(p), "%s%sManifest.db", sub, *sub ? "/" : "") == VG_OK &&
        vg_root_is_file(r, p))
        return 1;
    return vg_snprintf(p, sizeof(p), "%s%sManifest.plist", sub, *sub ? "/" : "") == VG_OK &&
           vg_root_is_file(r, p);
}

/* The only backup one level down (e.g. MobileSync/Backup/<udid>): its
 * name, the smallest when there are several (reported), NULL when none. */
static char *only_backup_below(const struct vg_root *r, const char *path, struct vg_diag *diag,
                               size_t *count)
{
    char **names = NULL, *found = NULL;
    size_t n = 0, i;

    *count = 0;
    if (vg_root_list(r, "", &names, &n) != VG_OK && n == 0)
        return NULL;
    for (i = 0; i < n; i++) {
        if (names[i][0] == '.' || !vg_root_is_dir(r, names[i]) || !looks_like_backup(r, names[i]))
            continue;
        if ((*count)++ == 0)
            found = vg_asprintf("%s/%s", path, names[i]); /* names are sorted */
    }
    vg_root_names_free(names, n);
    if (*count > 1)
        vg_diag_add(diag, VG_DIAG_ERROR, WHERE,
                    "%s holds %zu backups: give the path of the one to check", path, *count);
    return found;
}

/* The backup folder itself, or the only backup one level down. */
static int locate(const char *path, struct vg_diag *diag, struct vg_root **out)
{
    struct vg_root *r = NULL;
    size_t count = 0;
    char *below;
    int rc = vg_root_open(path, &r);

    if (rc != VG_OK) {
        vg_diag_add(diag, VG_DIAG_ERROR, WHERE, "%s: %s", path,
                    rc == VG_E_NOTFILE ? "not a folder" : vg_strerror(rc));
        return VG_E_NOTFOUND;
    }
    if (looks_like_backup(r, "")) {
        *out = r;
        return VG_OK;
    }
    below = only_backup_below(r, path, diag, &count);
    vg_root_free(r);
    if (count == 1) {
        vg_diag_add(diag, VG_DIAG_INFO, WHERE, "using the backup in %s", below);
        rc = vg_root_open(below, out);
    } else {
        if (count == 0)
            vg_diag_add(diag, VG_DIAG_ERROR, WHERE,
                        "not an iTunes backup: no Manifest.db / Manifest.plist in %s", path);
        rc = VG_E_NOTFOUND;
    }
    free(below);
    return rc == VG_OK ? VG_OK : VG_E_NOTFOUND;
}

int vg_backup_read_root(const struct vg_backup *b, const char *name, size_t max,
                        unsigned char **data, size_t *len)
{
    struct vg_io *io = NULL;
    int rc = vg_root_open_file(b->root, name, &io, NULL);

    if (rc != VG_OK)
        return rc;
    rc = vg_io_read_all(io, max, data, len);
    vg_io_free(io);
    return rc;
}

static plist_t load_plist(struct vg_backup *b, const char *name, int required)
{
    unsigned char *data = NULL;
    size_t len = 0;
    plist_t p = NULL;
    int rc = vg_backup_read_root(b, name, VG_MAX_MANIFEST_PLIST, &data, &len);

    if (rc == VG_E_NOTFOUND) {
        if (required)
            vg_diag_add(b->diag, VG_DIAG_WARN, WHERE, "%s is missing", name);
        return NULL;
    }
    if (rc != VG_OK) {
        vg_diag_add(b->diag, VG_DIAG_WARN, WHERE, "cannot read %s: %s", name, vg_strerror(rc));
        return NULL;
    }
    if (vg_plist_parse(data, len, &p) != VG_OK || !p) {
        vg_diag_add(b->diag, VG_DIAG_WARN, WHERE, "%s is not a valid property list", name);
        p = NULL;
    }
    vg_free_secret(data, len);
    return p;
}

static int plist_bool(plist_t dict, const char *key)
{
    plist_t v = dict ? plist_dict_get_item(dict, key) : NULL;
    uint8_t bv = 0;
    if (v && plist_get_node_type(v) == PLIST_BOOLEAN)
        plist_get_bool_val(v, &bv);
    return bv != 0;
}

int vg_backup_id_path(const char *file_id, char path[44])
{
    size_t i;

    if (!file_id || strlen(file_id) != 40)
        return VG_E_INVAL;
    for (i = 0; i < 40; i++)
        if (!((file_id[i] >= '0' && file_id[i] <= '9') || (file_id[i] >= 'a' && file_id[i] <= 'f')))
            return VG_E_INVAL;
    return vg_snprintf(path, 44, "%.2s/%s", file_id, file_id);
}

int vg_backup_open_stored(const struct vg_backup *b, const char *file_id, struct vg_io **out,
                          struct vg_stat *st)
{
    char path[44];
    int rc = vg_backup_id_path(file_id, path);

    if (rc != VG_OK)
        return rc;
    return vg_root_open_file(b->root, path, out, st);
}

int vg_backup_open_entry(const struct vg_backup *b, const struct vg_manifest_entry *e,
                         const char *display, struct vg_diag *diag, struct vg_io **out)
{
    struct vg_io *io = NULL;
    int rc = vg_backup_open_stored(b, e->file_id, &io, NULL);

    if (rc != VG_OK)
        return rc;
    if (!b->enc) {
        *out = io;
        return VG_OK;
    }
    return vg_enc_open(b->enc, e, io, display, diag, out);
}

/* ---- Manifest.db ---- */

/* A manifest that lists one (domain, path) twice: both rows are read
 * (vg_manifest entries are sorted, so repeats are neighbours). */
static void warn_repeats(struct vg_backup *b)
{
    const struct vg_manifest *m = b->manifest;
    size_t i;

    for (i = 1; i < m->n; i++)
        if (strcmp(m->v[i].domain, m->v[i - 1].domain) == 0 &&
            strcmp(m->v[i].relative_path, m->v[i - 1].relative_path) == 0)
            vg_diag_add(b->diag, VG_DIAG_WARN, WHERE,
                        "Manifest.db lists %s/%s more than once (file ids %s and %s): every "
                        "copy is read",
                        m->v[i].domain, m->v[i].relative_path, m->v[i - 1].file_id,
                        m->v[i].file_id);
}

/* A plain Manifest.db's -wal or -journal, when there is a regular one. */
static struct vg_io *root_sidecar(struct vg_backup *b, const char *name)
{
    struct vg_io *io = NULL;
    int rc = vg_root_open_file(b->root, name, &io, NULL);

    if (rc != VG_OK && rc != VG_E_NOTFOUND)
        vg_diag_add(b->diag, VG_DIAG_WARN, WHERE, "%s: %s; not used", name, vg_strerror(rc));
    return rc == VG_OK ? io : NULL;
}

static int open_manifest_db(struct vg_backup *b, sqlite3 **db)
{
    struct vg_io *io = NULL, *wal = NULL, *journal = NULL;
    int rc = vg_root_open_file(b->root, "Manifest.db", &io, NULL);

    if (rc != VG_OK) {
        vg_diag_add(b->diag, VG_DIAG_WARN, WHERE, "Manifest.db: %s", vg_strerror(rc));
        return rc;
    }
    if (b->enc) {
        rc = vg_enc_open_manifest_db(b->enc, io, b->diag, &io);
        if (rc != VG_OK)
            return rc;
    } else {
        wal = root_sidecar(b, "Manifest.db-wal");
        journal = root_sidecar(b, "Manifest.db-journal");
    }
    return vg_sqlite_open_io(io, wal, journal, "Manifest.db", b->diag, db);
}

int vg_backup_load_manifest(struct vg_backup *b)
{
    sqlite3 *db = NULL;
    int rc = open_manifest_db(b, &db);

    if (rc == VG_OK)
        rc = vg_manifest_load(db, "Manifest.db", b->diag, &b->manifest);
    vg_sqlite_close(db);
    return rc;
}

/* ---- the container ---- */

void vg_backup_free(struct vg_backup *b)
{
    if (!b)
        return;
    plist_free(b->info);
    plist_free(b->manifest_plist);
    plist_free(b->status);
    vg_manifest_free(b->manifest);
    vg_enc_free(b->enc);
    vg_root_free(b->root);
    free(b);
}

int vg_backup_open_keys(const char *path, const struct vg_source_opts *opts, struct vg_diag *diag,
                        struct vg_backup **out)
{
    struct vg_backup *b = vg_calloc(1, sizeof(*b));
    int rc;

    if (!b)
        return VG_E_NOMEM;
    b->diag = diag;
    rc = locate(path, diag, &b->root);
    if (rc != VG_OK)
        goto out;
    b->info = load_plist(b, "Info.plist", 1);
    b->manifest_plist = load_plist(b, "Manifest.plist", 0);
    b->status = load_plist(b, "Status.plist", 0);
    b->encrypted = plist_bool(b->manifest_plist, "IsEncrypted");
    if (b->encrypted && opts)
        rc = vg_enc_unlock(b->manifest_plist, opts, vg_root_path(b->root), diag, &b->enc);
out:
    if (rc != VG_OK) {
        vg_backup_free(b);
        return rc;
    }
    *out = b;
    return VG_OK;
}

const char *vg_backup_dir(const struct vg_backup *b)
{
    return vg_root_path(b->root);
}

const struct vg_root *vg_backup_root(const struct vg_backup *b)
{
    return b->root;
}

plist_t vg_backup_info_plist(const struct vg_backup *b)
{
    return b->info;
}

plist_t vg_backup_manifest_plist(const struct vg_backup *b)
{
    return b->manifest_plist;
}

const struct vg_manifest *vg_backup_manifest(const struct vg_backup *b)
{
    return b->manifest;
}

int vg_backup_is_encrypted(const struct vg_backup *b)
{
    return b->encrypted;
}

const struct vg_enc *vg_backup_enc(const struct vg_backup *b)
{
    return b->enc;
}

/* ---- the source ---- */

static int domain_matches(const char *pattern, const char *domain)
{
    size_t n;
    if (!pattern)
        return 1;
    n = strlen(pattern);
    if (n && pattern[n - 1] == '*')
        return strncmp(domain, pattern, n - 1) == 0;
    return strcmp(domain, pattern) == 0;
}

static int has_glob(const char *s)
{
    return strpbrk(s, "*?[") != NULL;
}

/* First entry whose (domain, path) is >= the key (entries are sorted). */
static size_t lower_bound(const struct vg_manifest *m, const char *domain, const char *path)
{
    size_t lo = 0, hi = m->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(m->v[mid].domain, domain);
        if (c == 0 && path)
            c = strcmp(m->v[mid].relative_path, path);
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* What the manifest says of an entry (MBFile), as file metadata. */
static void entry_stat(const struct vg_manifest_entry *e, struct vg_stat *st)
{
    memset(st, 0, sizeof(*st));
    if (!e->has_mb)
        return;
    st->mode = e->mb.mode;
    st->uid = e->mb.uid;
    st->gid = e->mb.gid;
    st->has = VG_ST_MODE | VG_ST_OWNER;
    if (e->mb.size >= 0) {
        st->size = (uint64_t)e->mb.size;
        st->has |= VG_ST_SIZE;
    }
    if (e->mb.birth != INT64_MIN) {
        st->btime = e->mb.birth;
        st->has |= VG_ST_BTIME;
    }
    if (e->mb.last_modified != INT64_MIN) {
        st->mtime = e->mb.last_modified;
        st->has |= VG_ST_MTIME;
    }
    if (e->mb.last_status_change != INT64_MIN) {
        st->ctime = e->mb.last_status_change;
        st->has |= VG_ST_CTIME;
    }
}

static int stored(const struct vg_backup *b, const char *file_id)
{
    struct vg_stat st;
    char path[44];

    /* a link or FIFO at the id is there (and refused when opened) */
    return vg_backup_id_path(file_id, path) == VG_OK && vg_root_stat(b->root, path, &st) == VG_OK;
}

static int visit_entry(struct vg_backup *b, const struct vg_loc *loc,
                       const struct vg_manifest_entry *e,
                       int (*cb)(void *ud, const struct vg_file *f), void *ud)
{
    struct vg_file f;
    char *display = vg_asprintf("%s/%s", e->domain, e->relative_path);
    int rc;

    if (!display)
        return VG_E_NOMEM;
    memset(&f, 0, sizeof(f));
    f.loc = loc;
    f.display = display;
    f.domain = e->domain;
    f.path = e->relative_path;
    f.id = e->file_id;
    f.handle = e;
    f.listing_flags = e->flags;
    entry_stat(e, &f.st);
    /* flags: 1 file, 2 directory, 4 symlink */
    if (e->flags == 2)
        f.flags |= VG_FILE_DIR;
    else if (e->flags == 4)
        f.flags |= VG_FILE_LINK;
    else if (e->flags != 1)
        f.flags |= VG_FILE_OTHER;
    if (loc->kind == VG_LOC_BACKUP && !stored(b, e->file_id))
        f.flags |= VG_FILE_ABSENT;
    rc = cb(ud, &f);
    free(display);
    return rc;
}

static int find_files(struct vg_backup *b, const struct vg_loc *loc,
                      int (*cb)(void *ud, const struct vg_file *f), void *ud)
{
    const struct vg_manifest *m = b->manifest;
    int exact = loc->domain && !vg_str_has_suffix(loc->domain, "*");
    int plain_path = exact && !has_glob(loc->path);
    size_t i, n = 0;
    int rc;

    i = exact ? lower_bound(m, loc->domain, plain_path ? loc->path : NULL) : 0;
    for (; i < m->n; i++) {
        const struct vg_manifest_entry *e = &m->v[i];
        if (exact && strcmp(e->domain, loc->domain) != 0)
            break;
        if (plain_path && strcmp(e->relative_path, loc->path) != 0)
            break;
        if (e->flags != 1 || !domain_matches(loc->domain, e->domain))
            continue;
        if (!plain_path && fnmatch(loc->path, e->relative_path, FNM_PATHNAME) != 0)
            continue;
        rc = visit_entry(b, loc, e, cb, ud);
        if (rc != VG_OK)
            return rc;
        n++;
    }
    return (int)(n > INT32_MAX ? INT32_MAX : n);
}

static int find_listing(struct vg_backup *b, const struct vg_loc *loc,
                        int (*cb)(void *ud, const struct vg_file *f), void *ud)
{
    size_t i;
    int rc;

    for (i = 0; i < b->manifest->n; i++) {
        rc = visit_entry(b, loc, &b->manifest->v[i], cb, ud);
        if (rc != VG_OK)
            return rc;
    }
    return (int)(i > INT32_MAX ? INT32_MAX : i);
}

static const char *const meta_files[] = {"Info.plist", "Manifest.plist", "Status.plist"};

static int find_meta(struct vg_backup *b, const struct vg_loc *loc,
                     int (*cb)(void *ud, const struct vg_file *f), void *ud)
{
    struct vg_file f;
    size_t i;
    int rc, n = 0;

    for (i = 0; i < VG_ARRAY_LEN(meta_files); i++) {
        if (fnmatch(loc->path, meta_files[i], 0) != 0)
            continue;
        memset(&f, 0, sizeof(f));
        if (vg_root_stat(b->root, meta_files[i], &f.st) != VG_OK)
            continue;
        f.loc = loc;
        f.display = meta_files[i];
        f.path = meta_files[i];
        rc = cb(ud, &f);
        if (rc != VG_OK)
            return rc;
        n++;
    }
    return n;
}

static int backup_find(void *self, const struct vg_loc *loc,
                       int (*cb)(void *ud, const struct vg_file *f), void *ud, struct vg_diag *diag)
{
    struct vg_backup *b = self;

    VG_UNUSED(diag);
    switch (loc->kind) {
    case VG_LOC_BACKUP_META:
        return loc->path ? find_meta(b, loc, cb, ud) : 0;
    case VG_LOC_BACKUP:
        if (!b->manifest)
            return VG_E_CORRUPT; /* Manifest.db was unreadable: nothing can be located */
        return loc->path ? find_files(b, loc, cb, ud) : 0;
    case VG_LOC_BACKUP_LISTING:
        if (!b->manifest)
            return VG_E_CORRUPT;
        return find_listing(b, loc, cb, ud);
    default:
        return VG_E_NOTFOUND;
    }
}

static int backup_open(void *self, const struct vg_file *f, struct vg_io **out,
                       struct vg_diag *diag)
{
    struct vg_backup *b = self;

    if (!f->handle)
        return vg_root_open_file(b->root, f->path, out, NULL);
    return vg_backup_open_entry(b, f->handle, f->display, diag, out);
}

/* A database's -wal is its own manifest entry ("<path>-wal"), stored under
 * another file id. */
static int backup_sibling(void *self, const struct vg_file *f, const char *suffix,
                          struct vg_io **out, struct vg_diag *diag)
{
    struct vg_backup *b = self;
    const struct vg_manifest_entry *e;
    char *rel, *display;
    int rc;

    if (!f->handle || !f->domain || !b->manifest)
        return VG_E_NOTFOUND;
    rel = vg_asprintf("%s%s", f->path, suffix);
    if (!rel)
        return VG_E_NOMEM;
    e = vg_manifest_get(b->manifest, f->domain, rel);
    free(rel);
    if (!e || !stored(b, e->file_id))
        return VG_E_NOTFOUND;
    display = vg_asprintf("%s%s", f->display, suffix);
    rc = display ? vg_backup_open_entry(b, e, display, diag, out) : VG_E_NOMEM;
    free(display);
    return rc;
}

static void backup_source_free(void *self)
{
    vg_backup_free(self);
}

static const struct vg_source_ops backup_ops = {
    .find = backup_find,
    .open = backup_open,
    .sibling = backup_sibling,
    .free = backup_source_free,
};

/* Manifest.db: without it no backed-up file can be located, and the check
 * is incomplete; the modules that read the plists alone still run. */
static int load_manifest(struct vg_backup *b, struct vg_source *src, struct vg_diag *diag)
{
    size_t warned = vg_diag_count(diag, VG_DIAG_WARN);
    struct vg_stat st;
    int rc;

    if (vg_root_stat(b->root, "Manifest.db", &st) == VG_OK && !S_ISREG(st.mode)) {
        /* a link, FIFO or folder in its place: never followed, and the
         * check says it could not read the backup */
        vg_diag_add(diag, VG_DIAG_WARN, WHERE,
                    "Manifest.db is not a regular file (a link, folder, FIFO or device): not "
                    "read; no backed-up file can be located");
        vg_source_unread(src, "Manifest.db (not a regular file)");
        return VG_OK;
    }
    if (!vg_root_is_file(b->root, "Manifest.db")) {
        vg_diag_add(diag, VG_DIAG_ERROR, WHERE,
                    "%s has no Manifest.db (backups from iOS 9 and older are not supported)",
                    vg_root_path(b->root));
        return VG_E_UNSUPPORTED;
    }
    rc = vg_backup_load_manifest(b);
    if (rc == VG_OK && (b->manifest->bad_rows || vg_diag_count(diag, VG_DIAG_WARN) > warned))
        /* rows lost to damage: some backed-up files cannot be located */
        vg_source_unread(src, "Manifest.db (damaged: some backed-up files may not have been "
                              "located)");
    if (rc == VG_OK)
        warn_repeats(b);
    if (rc == VG_E_NOMEM || rc == VG_OK)
        return rc;
    vg_diag_add(diag, VG_DIAG_WARN, WHERE,
                "cannot read Manifest.db: %s; no backed-up file can be located", vg_strerror(rc));
    vg_manifest_free(b->manifest);
    b->manifest = NULL;
    vg_source_unread(src, "Manifest.db (no backed-up file could be located)");
    return VG_OK;
}

/* The device as Info.plist describes it (BackupInfo records the same). */
static void info_facts(struct vg_backup *b, struct vg_source *src)
{
    static const struct {
        const char *fact, *key;
    } map[] = {
        {"product_type", "Product Type"},
        {"product_version", "Product Version"},
        {"build_version", "Build Version"},
        {"device_name", "Device Name"},
    };
    size_t i;

    for (i = 0; b->info && plist_get_node_type(b->info) == PLIST_DICT && i < VG_ARRAY_LEN(map);
         i++) {
        plist_t v = plist_dict_get_item(b->info, map[i].key);
        char *s = NULL;
        if (!v || plist_get_node_type(v) != PLIST_STRING)
            continue;
        plist_get_string_val(v, &s);
        if (s)
            vg_source_fact(src, map[i].fact, json_string(s));
        free(s);
    }
}

int vg_src_ios_backup_open(const char *path, const struct vg_source_opts *o, struct vg_diag *diag,
                           struct vg_source **out)
{
    struct vg_source_opts none;
    struct vg_backup *b = NULL;
    struct vg_source *src = NULL;
    int rc;

    memset(&none, 0, sizeof(none));
    rc = vg_backup_open_keys(path, o ? o : &none, diag, &b);
    if (rc != VG_OK)
        return rc;
    rc = vg_source_alloc(vg_backup_dir(b), &src);
    if (rc == VG_OK)
        rc = load_manifest(b, src, diag);
    if (rc != VG_OK) {
        vg_backup_free(b);
        vg_source_free(src);
        return rc;
    }
    src->ops = &backup_ops;
    src->self = b;
    src->kind = "ios-backup";
    src->platform = VG_PLATFORM_IOS;
    vg_source_fact(src, "encrypted", json_boolean(b->encrypted));
    info_facts(b, src);
    *out = src;
    return VG_OK;
}
