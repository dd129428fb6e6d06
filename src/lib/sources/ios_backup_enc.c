/*
 * Encrypted backups, read in place (see encrypted.h and
 * docs/encrypted-backups.md).
 *
 * Keys: the password (or the saved password key) unlocks the keybag's class
 * keys; ManifestKey and each MBFile EncryptionKey are a class number and a
 * key wrapped under that class's key. Everything decrypted lives in buffers
 * wiped before they are freed, and the keys are wiped in vg_enc_free.
 *
 * Success leaves no trace in the diagnostics: the results of an encrypted
 * backup must be the bytes its unencrypted twin gives.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <openssl/evp.h>

#include "formats/sqlite.h"
#include "formats/wal.h"
#include "sources/ios_backup_enc.h"

#define ENC_WHERE "backup"

struct vg_enc {
    struct vg_keybag *kb;
    unsigned char password_key[VG_KEYBAG_KEY_LEN];
    int have_manifest_key;
    const char *manifest_key_problem; /* why not, for the Manifest.db warning */
    unsigned char manifest_key[VG_KEYBAG_KEY_LEN];
};

void vg_enc_free(struct vg_enc *k)
{
    if (!k)
        return;
    vg_keybag_free(k->kb);
    vg_free_secret(k, sizeof(*k));
}

const unsigned char *vg_enc_password_key(const struct vg_enc *k)
{
    return k->password_key;
}

/* A data value of dict, copied; NULL when absent or not data. */
static unsigned char *plist_data(plist_t dict, const char *key, size_t *len)
{
    plist_t v = plist_dict_get_item(dict, key);
    char *p = NULL;
    uint64_t n = 0;

    if (!v || plist_get_node_type(v) != PLIST_DATA)
        return NULL;
    plist_get_data_val(v, &p, &n);
    if (!p)
        return NULL;
    *len = (size_t)n;
    return (unsigned char *)p;
}

static int password_key(struct vg_enc *k, const struct vg_scan_opts *opts, struct vg_diag *diag)
{
    if (opts->key) {
        if (opts->key_len != VG_KEYBAG_KEY_LEN) {
            vg_diag_add(diag, VG_DIAG_ERROR, ENC_WHERE,
                        "a backup key is %u bytes (64 hex digits), not %zu",
                        (unsigned)VG_KEYBAG_KEY_LEN, opts->key_len);
            return VG_E_INVAL;
        }
        memcpy(k->password_key, opts->key, VG_KEYBAG_KEY_LEN);
        return VG_OK;
    }
    if (!opts->password) {
        vg_diag_add(diag, VG_DIAG_ERROR, ENC_WHERE,
                    "the backup is encrypted: give its password or a key file");
        return VG_E_INVAL;
    }
    return vg_keybag_derive(k->kb, opts->password, strlen(opts->password), k->password_key);
}

/* Kept for later: a bad ManifestKey spoils Manifest.db only, and the
 * modules that read the plists alone can still run. */
static void manifest_key(struct vg_enc *k, plist_t mp)
{
    size_t len = 0;
    unsigned char *blob = plist_data(mp, "ManifestKey", &len);
    int rc;

    if (!blob) {
        k->manifest_key_problem = "Manifest.plist has no ManifestKey";
        return;
    }
    rc = vg_keybag_unwrap(k->kb, blob, len, k->manifest_key);
    free(blob);
    if (rc == VG_OK)
        k->have_manifest_key = 1;
    else if (rc == VG_E_CORRUPT)
        k->manifest_key_problem = "ManifestKey is not a class and a 40-byte wrapped key";
    else if (rc == VG_E_NOTFOUND)
        k->manifest_key_problem = "the key of ManifestKey's protection class is not available";
    else
        k->manifest_key_problem = "ManifestKey does not unwrap (damaged)";
}

int vg_enc_unlock(plist_t manifest_plist, const struct vg_scan_opts *opts, struct vg_diag *diag,
                  struct vg_enc **out)
{
    struct vg_enc *k = NULL;
    unsigned char *bag = NULL;
    size_t bag_len = 0;
    int rc;

    bag = plist_data(manifest_plist, "BackupKeyBag", &bag_len);
    if (!bag) {
        vg_diag_add(diag, VG_DIAG_ERROR, ENC_WHERE,
                    "Manifest.plist says the backup is encrypted but has no BackupKeyBag");
        return VG_E_CORRUPT;
    }
    k = vg_calloc(1, sizeof(*k));
    rc =
        k ? vg_keybag_parse(bag, bag_len, "Manifest.plist BackupKeyBag", diag, &k->kb) : VG_E_NOMEM;
    if (rc == VG_OK)
        rc = password_key(k, opts, diag);
    if (rc == VG_OK)
        rc = vg_keybag_unlock(k->kb, k->password_key, "Manifest.plist BackupKeyBag", diag);
    if (rc == VG_OK)
        manifest_key(k, manifest_plist);
    free(bag);
    if (rc != VG_OK) {
        vg_enc_free(k);
        return rc;
    }
    *out = k;
    return VG_OK;
}

/* ---- streaming ---- */

static const char *unwrap_problem(int rc)
{
    switch (rc) {
    case VG_E_CORRUPT:
        return "its EncryptionKey is not a class and a 40-byte wrapped key";
    case VG_E_NOTFOUND:
        return "the key of its protection class is not available";
    default:
        return "its file key does not unwrap (damaged EncryptionKey)";
    }
}

struct stream {
    FILE *f;
    unsigned char *in, *out;
    size_t chunk; /* bytes read at a time; out holds chunk + VG_FDEC_SLACK */
    struct vg_fdec d;
};

static int pump(struct stream *s, int (*sink)(void *, const unsigned char *, size_t), void *ud,
                struct vg_fdec_info *info, const char **why)
{
    size_t got, n;
    int rc;

    while ((got = fread(s->in, 1, s->chunk, s->f)) > 0) {
        rc = vg_fdec_update(&s->d, s->in, got, s->out, &n);
        if (rc == VG_OK && n)
            rc = sink(ud, s->out, n);
        if (rc != VG_OK) {
            *why = vg_strerror(rc);
            return rc;
        }
    }
    if (ferror(s->f)) {
        *why = "read error";
        return VG_E_IO;
    }
    rc = vg_fdec_final(&s->d, s->out, &n, info);
    if (rc == VG_OK && n)
        rc = sink(ud, s->out, n);
    if (rc != VG_OK)
        *why = vg_strerror(rc);
    return rc;
}

static int decrypt_with(const unsigned char key[VG_KEYBAG_KEY_LEN], int64_t size, const char *path,
                        int (*sink)(void *, const unsigned char *, size_t), void *ud,
                        struct vg_fdec_info *info, const char **why)
{
    struct stream s;
    struct vg_fdec_info scratch;
    int rc;

    memset(&s, 0, sizeof(s));
    s.f = fopen(path, "rb");
    if (!s.f) {
        /* static words, not strerror(): decrypt-backup workers run in threads */
        rc = errno;
        *why = rc == ENOENT   ? "absent from the backup folder"
               : rc == EACCES ? "permission denied"
                              : "cannot be opened";
        return rc == ENOENT ? VG_E_NOTFOUND : VG_E_IO;
    }
    /* most backup files are small: buffers (and the wipe of the plaintext
     * one) sized to the file, up to the chunk */
    s.chunk = VG_DECRYPT_CHUNK;
    if (size >= 0 && (uint64_t)size + 32 < s.chunk)
        s.chunk = (size_t)size + 32;
    s.in = vg_malloc(s.chunk);
    s.out = vg_malloc(s.chunk + VG_FDEC_SLACK);
    rc = s.in && s.out ? vg_fdec_init(&s.d, key, size) : VG_E_NOMEM;
    if (rc == VG_OK)
        rc = pump(&s, sink, ud, info ? info : &scratch, why);
    else
        *why = vg_strerror(rc);
    vg_fdec_clear(&s.d);
    free(s.in);
    vg_free_secret(s.out, s.out ? s.chunk + VG_FDEC_SLACK : 0);
    fclose(s.f);
    return rc;
}

int vg_enc_decrypt(const struct vg_enc *k, const struct vg_manifest_entry *e, const char *path,
                   int (*sink)(void *ud, const unsigned char *p, size_t n), void *ud,
                   struct vg_fdec_info *info, const char **why)
{
    unsigned char key[VG_KEYBAG_KEY_LEN];
    int rc;

    if (!e->has_mb || e->mb.encryption_key_len == 0) {
        *why = "its MBFile has no EncryptionKey";
        return VG_E_CORRUPT;
    }
    rc = vg_keybag_unwrap(k->kb, e->mb.encryption_key, e->mb.encryption_key_len, key);
    if (rc != VG_OK) {
        *why = unwrap_problem(rc);
        return rc == VG_E_NOTFOUND ? VG_E_CRYPTO : rc;
    }
    rc = decrypt_with(key, e->mb.size, path, sink, ud, info, why);
    vg_wipe(key, sizeof(key));
    return rc;
}

/* ---- into memory ---- */

/* A growing buffer for plaintext: never realloc(), which would leave the
 * old copy unwiped in freed memory. */
struct mem_sink {
    unsigned char *p;
    size_t len, cap, max;
};

static int mem_grow(struct mem_sink *m, size_t need)
{
    size_t cap = m->cap ? m->cap : 65536;
    unsigned char *np;

    while (cap < need)
        cap = cap > m->max / 2 ? m->max : cap * 2;
    np = vg_malloc(cap);
    if (!np)
        return VG_E_NOMEM;
    if (m->len)
        memcpy(np, m->p, m->len);
    vg_free_secret(m->p, m->cap);
    m->p = np;
    m->cap = cap;
    return VG_OK;
}

static int mem_put(void *ud, const unsigned char *p, size_t n)
{
    struct mem_sink *m = ud;
    int rc;

    if (n > m->max - m->len)
        return VG_E_LIMIT;
    if (n > m->cap - m->len) {
        rc = mem_grow(m, m->len + n);
        if (rc != VG_OK)
            return rc;
    }
    memcpy(m->p + m->len, p, n);
    m->len += n;
    return VG_OK;
}

static void mem_init(struct mem_sink *m, int64_t size, size_t max)
{
    memset(m, 0, sizeof(*m));
    m->max = max;
    /* the recorded size is a hint for one allocation, never trusted past max */
    if (size > 0)
        m->cap = (uint64_t)size < max ? (size_t)size : max;
    if (m->cap) {
        m->p = vg_malloc(m->cap);
        if (!m->p)
            m->cap = 0;
    }
}

static void mem_give(struct mem_sink *m, unsigned char **data, size_t *len)
{
    /* hand over exactly len bytes, so vg_free_secret(data, len) wipes all */
    if (m->cap > m->len)
        vg_wipe(m->p + m->len, m->cap - m->len);
    *data = m->p ? m->p : vg_malloc(0);
    *len = m->len;
    m->p = NULL;
    m->cap = m->len = 0;
}

static void report_info(const char *display, const struct vg_fdec_info *info, int64_t size,
                        struct vg_diag *diag)
{
    if (info->short_by)
        vg_diag_add(diag, VG_DIAG_WARN, ENC_WHERE,
                    "%s: decrypted it is %llu bytes, %llu short of the %lld recorded (incomplete "
                    "copy?); the bytes there are used",
                    display, (unsigned long long)info->plain_len,
                    (unsigned long long)info->short_by, (long long)size);
    if (info->tail)
        vg_diag_add(diag, VG_DIAG_WARN, ENC_WHERE,
                    "%s: its last %llu bytes are not a whole AES block and were ignored", display,
                    (unsigned long long)info->tail);
}

int vg_enc_read(const struct vg_enc *k, const struct vg_manifest_entry *e, const char *path,
                const char *display, size_t max, struct vg_diag *diag, unsigned char **data,
                size_t *len)
{
    struct mem_sink m;
    struct vg_fdec_info info;
    const char *why = "";
    int rc;

    mem_init(&m, e->has_mb ? e->mb.size : -1, max);
    memset(&info, 0, sizeof(info));
    rc = vg_enc_decrypt(k, e, path, mem_put, &m, &info, &why);
    if (rc != VG_OK) {
        if (rc != VG_E_LIMIT)
            vg_diag_add(diag, VG_DIAG_WARN, ENC_WHERE, "%s: cannot decrypt: %s", display, why);
        vg_free_secret(m.p, m.cap);
        return rc;
    }
    report_info(display, &info, e->mb.size, diag);
    mem_give(&m, data, len);
    return VG_OK;
}

int vg_enc_read_manifest_db(const struct vg_enc *k, const char *path, struct vg_diag *diag,
                            unsigned char **data, size_t *len)
{
    struct mem_sink m;
    struct vg_fdec_info info;
    const char *why = "";
    int rc;

    if (!k->have_manifest_key) {
        vg_diag_add(diag, VG_DIAG_WARN, ENC_WHERE, "cannot decrypt Manifest.db: %s",
                    k->manifest_key_problem);
        return VG_E_CRYPTO;
    }
    mem_init(&m, -1, VG_MAX_IN_MEMORY_FILE);
    rc = decrypt_with(k->manifest_key, -1, path, mem_put, &m, &info, &why);
    if (rc == VG_OK && !vg_is_sqlite_header(m.p, m.len)) {
        why = "with its ManifestKey it is not a SQLite database (damaged file or key)";
        rc = VG_E_CRYPTO;
    }
    if (rc != VG_OK) {
        vg_diag_add(diag, VG_DIAG_WARN, ENC_WHERE, "cannot decrypt Manifest.db: %s", why);
        vg_free_secret(m.p, m.cap);
        return rc;
    }
    if (info.tail || info.padding < 0)
        vg_diag_add(diag, VG_DIAG_WARN, ENC_WHERE,
                    "Manifest.db: its end does not decrypt cleanly (truncated copy?); reading "
                    "what is there");
    mem_give(&m, data, len);
    return VG_OK;
}

int vg_enc_open_manifest_db(const struct vg_enc *k, const char *path, struct vg_diag *diag,
                            sqlite3 **db)
{
    unsigned char *plain = NULL;
    size_t len = 0;
    int rc;

    rc = vg_enc_read_manifest_db(k, path, diag, &plain, &len);
    if (rc != VG_OK)
        return rc;
    rc = vg_sqlite_open_memory(plain, len, "Manifest.db", diag, db);
    vg_free_secret(plain, len);
    return rc;
}

/* The database with its WAL applied; a WAL that cannot be used is left out
 * with a warning, as SQLite itself would read the database alone. */
static int apply_wal(const struct vg_enc *k, const struct vg_manifest_entry *wal,
                     const char *wal_path, const char *display, struct vg_diag *diag,
                     unsigned char **db, size_t *len)
{
    unsigned char *w = NULL, *img = NULL;
    char *wal_display = vg_asprintf("%s-wal", display);
    size_t wlen = 0, ilen = 0;
    struct vg_wal_info info;
    int rc;

    if (!wal_display)
        return VG_E_NOMEM;
    rc = vg_enc_read(k, wal, wal_path, wal_display, VG_MAX_IN_MEMORY_FILE, diag, &w, &wlen);
    free(wal_display);
    if (rc != VG_OK)
        return VG_OK; /* said why; the database alone is still worth reading */
    rc = vg_wal_apply(*db, *len, w, wlen, VG_MAX_IN_MEMORY_FILE, &img, &ilen, &info);
    vg_free_secret(w, wlen);
    if (rc == VG_E_CORRUPT) {
        vg_diag_add(diag, VG_DIAG_WARN, ENC_WHERE, "%s: its -wal is left out: %s", display,
                    info.why);
        return VG_OK;
    }
    if (rc != VG_OK)
        return rc;
    if (info.why)
        vg_diag_add(diag, VG_DIAG_DEBUG, ENC_WHERE, "%s: -wal not applied: %s", display, info.why);
    vg_free_secret(*db, *len);
    *db = img;
    *len = ilen;
    return VG_OK;
}

int vg_enc_open_sqlite(const struct vg_enc *k, const struct vg_manifest_entry *e, const char *path,
                       const struct vg_manifest_entry *wal, const char *wal_path,
                       const char *display, struct vg_diag *diag, sqlite3 **db)
{
    unsigned char *data = NULL;
    size_t len = 0;
    int rc;

    rc = vg_enc_read(k, e, path, display, VG_MAX_IN_MEMORY_FILE, diag, &data, &len);
    if (rc == VG_OK && wal && wal_path)
        rc = apply_wal(k, wal, wal_path, display, diag, &data, &len);
    if (rc == VG_OK)
        rc = vg_sqlite_open_memory(data, len, display, diag, db);
    vg_free_secret(data, len);
    return rc;
}

static int hash_put(void *ud, const unsigned char *p, size_t n)
{
    return EVP_DigestUpdate(ud, p, n) == 1 ? VG_OK : VG_E_CRYPTO;
}

int vg_enc_sha256(const struct vg_enc *k, const struct vg_manifest_entry *e, const char *path,
                  char hex[65])
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    unsigned char md[32];
    unsigned int mdlen = 0;
    const char *why = "";
    int rc = VG_E_NOMEM;

    if (ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1)
        rc = vg_enc_decrypt(k, e, path, hash_put, ctx, NULL, &why);
    if (rc == VG_OK && (EVP_DigestFinal_ex(ctx, md, &mdlen) != 1 || mdlen != 32))
        rc = VG_E_CRYPTO;
    if (rc == VG_OK)
        vg_hex_encode(md, 32, hex);
    EVP_MD_CTX_free(ctx);
    return rc;
}
