/*
 * iTunes/Finder backup container.
 *
 * Layout: <dir>/Info.plist, Manifest.plist, Status.plist, Manifest.db, and
 * every backed-up file at <dir>/<fileID[:2]>/<fileID>, where fileID is the
 * SHA-1 of "<domain>-<relativePath>". Manifest.db's Files table maps
 * (domain, relativePath) to fileID. See docs/formats/manifest-db.md.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <openssl/evp.h>

#include "formats/apple/nska.h"
#include "formats/sqlite.h"
#include "sources/ios_backup.h"
#include "sources/ios_backup_enc.h"

struct vg_backup {
    char *dir;
    plist_t info;
    plist_t manifest_plist;
    plist_t status;
    struct vg_manifest *manifest;
    int encrypted;
    struct vg_enc *enc; /* encrypted backups: the unlocked keys */
    struct vg_diag *diag;
};

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int file_exists(const char *dir, const char *name)
{
    struct stat st;
    char *p = vg_asprintf("%s/%s", dir, name);
    int ok = p && stat(p, &st) == 0 && S_ISREG(st.st_mode);
    free(p);
    return ok;
}

static int looks_like_backup(const char *dir)
{
    return file_exists(dir, "Manifest.db") || file_exists(dir, "Manifest.plist");
}

/* The backup folder itself, or the only backup one level down (e.g.
 * MobileSync/Backup/<udid>). */
static int locate(const char *path, struct vg_diag *diag, char **out)
{
    DIR *d;
    struct dirent *e;
    char *found = NULL;
    size_t count = 0;

    if (!is_dir(path)) {
        vg_diag_add(diag, VG_DIAG_ERROR, "backup", "%s: not a folder", path);
        return VG_E_NOTFOUND;
    }
    if (looks_like_backup(path)) {
        *out = vg_strdup(path);
        return *out ? VG_OK : VG_E_NOMEM;
    }
    d = opendir(path);
    if (!d) {
        vg_diag_add(diag, VG_DIAG_ERROR, "backup", "%s: %s", path, strerror(errno));
        return VG_E_IO;
    }
    while ((e = readdir(d)) != NULL) {
        char *sub;
        if (e->d_name[0] == '.')
            continue;
        sub = vg_asprintf("%s/%s", path, e->d_name);
        if (sub && is_dir(sub) && looks_like_backup(sub)) {
            count++;
            /* keep the smallest name so the choice never depends on readdir order */
            if (!found || strcmp(sub, found) < 0) {
                free(found);
                found = sub;
                sub = NULL;
            }
        }
        free(sub);
    }
    closedir(d);
    if (count == 1) {
        vg_diag_add(diag, VG_DIAG_INFO, "backup", "using the backup in %s", found);
        *out = found;
        return VG_OK;
    }
    free(found);
    if (count > 1)
        vg_diag_add(diag, VG_DIAG_ERROR, "backup",
                    "%s holds %zu backups: give the path of the one to check", path, count);
    else
        vg_diag_add(diag, VG_DIAG_ERROR, "backup",
                    "not an iTunes backup: no Manifest.db / Manifest.plist in %s", path);
    return VG_E_NOTFOUND;
}

int vg_backup_read_whole(const char *path, size_t max, unsigned char **data, size_t *len)
{
    FILE *f;
    struct stat st;
    unsigned char *buf;
    size_t n;

    f = fopen(path, "rb");
    if (!f)
        return errno == ENOENT ? VG_E_NOTFOUND : VG_E_IO;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        fclose(f);
        return VG_E_IO;
    }
    if ((uint64_t)st.st_size > max) {
        fclose(f);
        return VG_E_LIMIT;
    }
    n = (size_t)st.st_size;
    buf = vg_malloc(n);
    if (!buf) {
        fclose(f);
        return VG_E_NOMEM;
    }
    if (n && fread(buf, 1, n, f) != n) {
        free(buf);
        fclose(f);
        return VG_E_IO;
    }
    fclose(f);
    *data = buf;
    *len = n;
    return VG_OK;
}

static plist_t load_plist(struct vg_backup *b, const char *name, int required)
{
    unsigned char *data = NULL;
    size_t len = 0;
    plist_t p = NULL;
    char *path = vg_asprintf("%s/%s", b->dir, name);
    int rc;

    if (!path)
        return NULL;
    rc = vg_backup_read_whole(path, VG_MAX_MANIFEST_PLIST, &data, &len);
    if (rc == VG_E_NOTFOUND) {
        if (required)
            vg_diag_add(b->diag, VG_DIAG_WARN, "backup", "%s is missing", name);
        goto out;
    }
    if (rc != VG_OK) {
        vg_diag_add(b->diag, VG_DIAG_WARN, "backup", "cannot read %s: %s", name, vg_strerror(rc));
        goto out;
    }
    if (vg_plist_parse(data, len, &p) != VG_OK || !p) {
        vg_diag_add(b->diag, VG_DIAG_WARN, "backup", "%s is not a valid property list", name);
        p = NULL;
    }
out:
    free(data);
    free(path);
    return p;
}

static int plist_bool(plist_t dict, const char *key)
{
    plist_t v = dict ? plist_dict_get_item(dict, key) : NULL;
    uint8_t b = 0;
    if (v && plist_get_node_type(v) == PLIST_BOOLEAN)
        plist_get_bool_val(v, &b);
    return b != 0;
}

char *vg_backup_file_path(const struct vg_backup *b, const char *file_id)
{
    if (strlen(file_id) < 2)
        return NULL;
    return vg_asprintf("%s/%.2s/%s", b->dir, file_id, file_id);
}

static int load_manifest_db(struct vg_backup *b)
{
    sqlite3 *db = NULL;
    char *path = vg_asprintf("%s/Manifest.db", b->dir);
    int rc;

    if (!path)
        return VG_E_NOMEM;
    if (b->enc)
        rc = vg_enc_open_manifest_db(b->enc, path, b->diag, &db);
    else
        rc = vg_sqlite_open_file(path, "Manifest.db", b->diag, &db);
    if (rc == VG_OK)
        rc = vg_manifest_load(db, "Manifest.db", b->diag, &b->manifest);
    vg_sqlite_close(db);
    free(path);
    return rc;
}

static void backup_free(struct vg_backup *b)
{
    if (!b)
        return;
    plist_free(b->info);
    plist_free(b->manifest_plist);
    plist_free(b->status);
    vg_manifest_free(b->manifest);
    vg_enc_free(b->enc);
    free(b->dir);
    free(b);
}

/* ---- source operations ---- */

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

/* First entry whose domain is >= domain (entries are sorted). */
static size_t lower_bound_domain(const struct vg_manifest *m, const char *domain)
{
    size_t lo = 0, hi = m->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(m->v[mid].domain, domain) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static int visit_entry(struct vg_backup *b, const struct vg_manifest_entry *e,
                       int (*cb)(void *ud, const struct vg_file *f), void *ud)
{
    struct vg_file f;
    char *display;
    int rc;

    display = vg_asprintf("%s/%s", e->domain, e->relative_path);
    if (!display)
        return VG_E_NOMEM;
    f.domain = e->domain;
    f.relative_path = e->relative_path;
    f.file_id = e->file_id;
    f.display = display;
    f.size = e->has_mb ? e->mb.size : -1;
    f.impl = (void *)e;
    (void)b;
    rc = cb(ud, &f);
    free(display);
    return rc;
}

static int entry_is_file(const struct vg_manifest_entry *e)
{
    /* flags: 1 file, 2 directory, 4 symlink */
    return e->flags == 1;
}

static int backup_find(void *self, const struct vg_artifact *a,
                       int (*cb)(void *ud, const struct vg_file *f), void *ud)
{
    struct vg_backup *b = self;
    const struct vg_manifest *m = b->manifest;
    size_t i, start = 0, n = 0;
    int exact_domain, rc;

    if (!m)
        return VG_E_CORRUPT; /* Manifest.db was unreadable: nothing can be located */
    if (!a->path)
        return 0;
    exact_domain = a->domain && !vg_str_has_suffix(a->domain, "*");
    if (exact_domain && !has_glob(a->path)) {
        const struct vg_manifest_entry *e = vg_manifest_get(m, a->domain, a->path);
        if (!e || !entry_is_file(e))
            return 0;
        rc = visit_entry(b, e, cb, ud);
        return rc == VG_OK ? 1 : rc;
    }
    if (exact_domain)
        start = lower_bound_domain(m, a->domain);
    for (i = start; i < m->n; i++) {
        const struct vg_manifest_entry *e = &m->v[i];
        if (exact_domain && strcmp(e->domain, a->domain) != 0)
            break;
        if (!entry_is_file(e) || !domain_matches(a->domain, e->domain))
            continue;
        if (fnmatch(a->path, e->relative_path, FNM_PATHNAME) != 0)
            continue;
        rc = visit_entry(b, e, cb, ud);
        if (rc != VG_OK)
            return rc;
        n++;
    }
    return (int)(n > INT32_MAX ? INT32_MAX : n);
}

static int id_present(const struct vg_backup *b, const char *file_id)
{
    struct stat st;
    char *p = vg_backup_file_path(b, file_id);
    int ok = p && stat(p, &st) == 0 && S_ISREG(st.st_mode);
    free(p);
    return ok;
}

static int backup_present(void *self, const struct vg_file *f)
{
    return id_present(self, f->file_id);
}

/* A WAL in a backup is its own Manifest entry ("<path>-wal"), stored under
 * another file id: copy db, -wal and -shm side by side into the private
 * temp folder so SQLite applies the WAL to the copy, never to evidence. */
static int open_with_wal(struct vg_backup *b, const struct vg_file *f,
                         const struct vg_manifest_entry *wal, struct vg_diag *diag, sqlite3 **db)
{
    const struct vg_manifest_entry *shm;
    char *shm_rel = NULL, *db_src = NULL, *wal_src = NULL, *shm_src = NULL;
    int rc = VG_E_NOMEM;

    shm_rel = vg_asprintf("%s-shm", f->relative_path);
    if (!shm_rel)
        goto out;
    shm = vg_manifest_get(b->manifest, f->domain, shm_rel);
    db_src = vg_backup_file_path(b, f->file_id);
    wal_src = vg_backup_file_path(b, wal->file_id);
    shm_src = shm ? vg_backup_file_path(b, shm->file_id) : NULL;
    if (!db_src || !wal_src || (shm && !shm_src))
        goto out;
    rc = vg_sqlite_open_parts(db_src, wal_src, shm_src, f->display, diag, db);
out:
    free(shm_rel);
    free(db_src);
    free(wal_src);
    free(shm_src);
    return rc;
}

/* Decrypted in memory, with the -wal (when there) applied in memory too:
 * no plaintext copy on any disk (see ios/encrypted.h). */
static int open_encrypted_sqlite(struct vg_backup *b, const struct vg_file *f,
                                 const struct vg_manifest_entry *wal, struct vg_diag *diag,
                                 sqlite3 **db)
{
    char *path = vg_backup_file_path(b, f->file_id), *wal_path = NULL;
    int rc = VG_E_NOMEM;

    if (wal && id_present(b, wal->file_id)) {
        wal_path = vg_backup_file_path(b, wal->file_id);
        if (!wal_path)
            goto out;
    } else {
        wal = NULL;
    }
    if (path)
        rc = vg_enc_open_sqlite(b->enc, f->impl, path, wal, wal_path, f->display, diag, db);
out:
    free(path);
    free(wal_path);
    return rc;
}

static int backup_open_sqlite(void *self, const struct vg_file *f, struct vg_diag *diag,
                              sqlite3 **db)
{
    struct vg_backup *b = self;
    const struct vg_manifest_entry *wal;
    char *wal_rel, *path;
    int rc;

    wal_rel = vg_asprintf("%s-wal", f->relative_path);
    if (!wal_rel)
        return VG_E_NOMEM;
    wal = vg_manifest_get(b->manifest, f->domain, wal_rel);
    free(wal_rel);
    if (b->enc)
        return open_encrypted_sqlite(b, f, wal, diag, db);
    if (wal && id_present(b, wal->file_id))
        return open_with_wal(b, f, wal, diag, db);
    path = vg_backup_file_path(b, f->file_id);
    if (!path)
        return VG_E_NOMEM;
    rc = vg_sqlite_open_file(path, f->display, diag, db);
    free(path);
    return rc;
}

static int backup_read(void *self, const struct vg_file *f, size_t max, unsigned char **data,
                       size_t *len)
{
    struct vg_backup *b = self;
    char *path = vg_backup_file_path(b, f->file_id);
    int rc;
    if (!path)
        return VG_E_NOMEM;
    if (b->enc)
        rc = vg_enc_read(b->enc, f->impl, path, f->display, max, b->diag, data, len);
    else
        rc = vg_backup_read_whole(path, max, data, len);
    free(path);
    return rc;
}

static int sha256_file(const char *path, char hex[65])
{
    unsigned char buf[65536], md[32];
    unsigned int mdlen = 0;
    EVP_MD_CTX *ctx = NULL;
    FILE *f = NULL;
    size_t n;
    int rc = VG_E_IO;

    f = fopen(path, "rb");
    ctx = EVP_MD_CTX_new();
    if (!f || !ctx || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1)
        goto out;
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
        if (EVP_DigestUpdate(ctx, buf, n) != 1)
            goto out;
    if (ferror(f) || EVP_DigestFinal_ex(ctx, md, &mdlen) != 1 || mdlen != 32)
        goto out;
    vg_hex_encode(md, 32, hex);
    rc = VG_OK;
out:
    EVP_MD_CTX_free(ctx);
    if (f)
        fclose(f);
    return rc;
}

static int backup_sha256(void *self, const struct vg_file *f, char hex[65])
{
    struct vg_backup *b = self;
    char *path = vg_backup_file_path(b, f->file_id);
    int rc;
    if (!path)
        return VG_E_NOMEM;
    /* the plaintext's hash, so results match the unencrypted backup's */
    rc = b->enc ? vg_enc_sha256(b->enc, f->impl, path, hex) : sha256_file(path, hex);
    free(path);
    return rc;
}

static void backup_source_free(void *self)
{
    backup_free(self);
}

static const struct vg_source_ops backup_ops = {
    backup_find, backup_present, backup_open_sqlite, backup_read, backup_sha256, backup_source_free,
};

void vg_source_free(struct vg_source *src)
{
    if (!src)
        return;
    if (src->ops && src->ops->free)
        src->ops->free(src->self);
    free(src);
}

/* The folder, its plists and (when opts is given) the unlocked keys. */
int vg_backup_open_keys(const char *path, const struct vg_scan_opts *opts, struct vg_diag *diag,
                        struct vg_backup **out)
{
    struct vg_backup *b;
    int rc;

    b = vg_calloc(1, sizeof(*b));
    if (!b)
        return VG_E_NOMEM;
    b->diag = diag;
    rc = locate(path, diag, &b->dir);
    if (rc != VG_OK)
        goto out;
    b->info = load_plist(b, "Info.plist", 1);
    b->manifest_plist = load_plist(b, "Manifest.plist", 0);
    b->status = load_plist(b, "Status.plist", 0);
    b->encrypted = plist_bool(b->manifest_plist, "IsEncrypted");
    if (b->encrypted && opts)
        rc = vg_enc_unlock(b->manifest_plist, opts, diag, &b->enc);
out:
    if (rc != VG_OK) {
        backup_free(b);
        return rc;
    }
    *out = b;
    return VG_OK;
}

void vg_backup_free(struct vg_backup *b)
{
    backup_free(b);
}

const struct vg_enc *vg_backup_enc(const struct vg_backup *b)
{
    return b->enc;
}

int vg_backup_open(const char *path, const struct vg_scan_opts *opts, struct vg_diag *diag,
                   struct vg_source **out)
{
    struct vg_backup *b = NULL;
    struct vg_source *src = NULL;
    int rc;

    rc = vg_backup_open_keys(path, opts, diag, &b);
    if (rc != VG_OK)
        return rc;
    if (!file_exists(b->dir, "Manifest.db")) {
        vg_diag_add(diag, VG_DIAG_ERROR, "backup",
                    "%s has no Manifest.db (backups from iOS 9 and older are not supported)",
                    b->dir);
        rc = VG_E_UNSUPPORTED;
        goto out;
    }
    rc = load_manifest_db(b);
    if (rc != VG_OK) {
        /* the modules that read only the plists can still run */
        vg_diag_add(diag, VG_DIAG_WARN, "backup",
                    "cannot read Manifest.db: %s; no backed-up file can be located",
                    vg_strerror(rc));
        vg_manifest_free(b->manifest);
        b->manifest = NULL;
    }
    src = vg_calloc(1, sizeof(*src));
    if (!src) {
        rc = VG_E_NOMEM;
        goto out;
    }
    src->ops = &backup_ops;
    src->self = b;
    src->kind = VG_SRC_BACKUP;
    src->backup = b;
    b = NULL;
    *out = src;
    rc = VG_OK;
out:
    backup_free(b);
    return rc;
}

const char *vg_backup_dir(const struct vg_backup *b)
{
    return b->dir;
}

plist_t vg_backup_info_plist(const struct vg_backup *b)
{
    return b->info;
}

plist_t vg_backup_manifest_plist(const struct vg_backup *b)
{
    return b->manifest_plist;
}

plist_t vg_backup_status_plist(const struct vg_backup *b)
{
    return b->status;
}

const struct vg_manifest *vg_backup_manifest(const struct vg_backup *b)
{
    return b->manifest;
}

int vg_backup_is_encrypted(const struct vg_backup *b)
{
    return b->encrypted;
}
