/*
 * Encrypted backups, read in place (see ios_backup_enc.h and
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

#include "formats/apple/backup_crypto.h"
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

/* The password when none was given: asked, only now that the backup is
 * known to be encrypted. */
static int ask_password(struct vg_enc *k, const struct vg_source_opts *opts, const char *what,
                        struct vg_diag *diag)
{
    char pw[VG_MAX_PASSWORD];
    int rc;

    if (!opts->ask_password) {
        vg_diag_add(diag, VG_DIAG_ERROR, ENC_WHERE,
                    "the backup is encrypted: give its password or a key file");
        return VG_E_INVAL;
    }
    memset(pw, 0, sizeof(pw));
    rc = opts->ask_password(opts->ud, what, pw, sizeof(pw));
    if (rc == VG_OK && memchr(pw, '\0', sizeof(pw)) == NULL)
        rc = VG_E_INVAL;
    if (rc == VG_OK && opts->on_status)
        opts->on_status(opts->ud, "deriving the backup key from the password");
    if (rc == VG_OK)
        rc = vg_keybag_derive(k->kb, pw, strlen(pw), k->password_key);
    vg_wipe(pw, sizeof(pw));
    return rc;
}

static int password_key(struct vg_enc *k, const struct vg_source_opts *opts, const char *what,
                        struct vg_diag *diag)
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
    if (!opts->password)
        return ask_password(k, opts, what, diag);
    if (opts->on_status)
        opts->on_status(opts->ud, "deriving the backup key from the password");
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

int vg_enc_unlock(plist_t manifest_plist, const struct vg_source_opts *opts, const char *what,
                  struct vg_diag *diag, struct vg_enc **out)
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
        rc = password_key(k, opts, what, diag);
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

/* ---- views ---- */

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

static int file_key(const struct vg_enc *k, const struct vg_manifest_entry *e,
                    unsigned char key[VG_KEYBAG_KEY_LEN], const char **why)
{
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
    return VG_OK;
}

/* The size the manifest records, as the decrypting view takes it. */
static int64_t recorded_size(const struct vg_manifest_entry *e)
{
    return e->has_mb && e->mb.size >= 0 ? e->mb.size : -1;
}

static void report_info(const char *display, const struct vg_cbc_info *info, int64_t size,
                        struct vg_diag *diag)
{
    if (info->short_by)
        vg_diag_add(diag, VG_DIAG_WARN, ENC_WHERE,
                    "%s: decrypted it is %llu bytes, %llu short of the %lld recorded (incomplete "
                    "copy, or a manifest that lies); the bytes there are used",
                    display, (unsigned long long)info->plain_len,
                    (unsigned long long)info->short_by, (long long)size);
    if (info->tail)
        vg_diag_add(diag, VG_DIAG_WARN, ENC_WHERE,
                    "%s: its last %llu bytes are not a whole AES block and were ignored", display,
                    (unsigned long long)info->tail);
}

int vg_enc_open(const struct vg_enc *k, const struct vg_manifest_entry *e, struct vg_io *cipher,
                const char *display, struct vg_diag *diag, struct vg_io **out)
{
    unsigned char key[VG_KEYBAG_KEY_LEN];
    struct vg_cbc_info info;
    const char *why = "";
    int rc = file_key(k, e, key, &why);

    if (rc != VG_OK) {
        vg_diag_add(diag, VG_DIAG_WARN, ENC_WHERE, "%s: cannot decrypt: %s", display, why);
        vg_io_free(cipher);
        return rc;
    }
    rc = vg_io_cbc(cipher, key, recorded_size(e), out, &info);
    vg_wipe(key, sizeof(key));
    if (rc != VG_OK) {
        vg_diag_add(diag, VG_DIAG_WARN, ENC_WHERE, "%s: cannot decrypt: %s", display,
                    vg_strerror(rc));
        return rc;
    }
    report_info(display, &info, recorded_size(e), diag);
    return VG_OK;
}

int vg_enc_open_manifest_db(const struct vg_enc *k, struct vg_io *cipher, struct vg_diag *diag,
                            struct vg_io **out)
{
    struct vg_cbc_info info;
    unsigned char head[16];
    const char *why = NULL;
    int rc;

    if (!k->have_manifest_key) {
        vg_diag_add(diag, VG_DIAG_WARN, ENC_WHERE, "cannot decrypt Manifest.db: %s",
                    k->manifest_key_problem);
        vg_io_free(cipher);
        return VG_E_CRYPTO;
    }
    rc = vg_io_cbc(cipher, k->manifest_key, -1, out, &info);
    if (rc == VG_OK && (vg_io_read_exact(*out, 0, head, sizeof(head)) != VG_OK ||
                        !vg_is_sqlite_header(head, sizeof(head)))) {
        why = "with its ManifestKey it is not a SQLite database (damaged file or key)";
        vg_io_free(*out);
        rc = VG_E_CRYPTO;
    }
    vg_wipe(head, sizeof(head));
    if (rc != VG_OK) {
        vg_diag_add(diag, VG_DIAG_WARN, ENC_WHERE, "cannot decrypt Manifest.db: %s",
                    why ? why : vg_strerror(rc));
        return rc;
    }
    if (info.tail || info.padding < 0)
        vg_diag_add(diag, VG_DIAG_WARN, ENC_WHERE,
                    "Manifest.db: its end does not decrypt cleanly (truncated copy?); reading "
                    "what is there");
    return VG_OK;
}

int vg_enc_decrypt(const struct vg_enc *k, const struct vg_manifest_entry *e, struct vg_io *cipher,
                   int (*sink)(void *ud, const unsigned char *p, size_t n), void *ud,
                   struct vg_cbc_info *info, const char **why)
{
    unsigned char key[VG_KEYBAG_KEY_LEN];
    struct vg_io *base = NULL, *plain = NULL;
    struct vg_cbc_info scratch;
    int rc = file_key(k, e, key, why);

    if (rc != VG_OK)
        return rc;
    /* the view takes its base: give it a borrowed one */
    rc = vg_io_range(cipher, 0, vg_io_size(cipher), &base);
    if (rc == VG_OK)
        rc = vg_io_cbc(base, key, recorded_size(e), &plain, info ? info : &scratch);
    vg_wipe(key, sizeof(key));
    if (rc == VG_OK)
        rc = vg_io_each_chunk(plain, sink, ud);
    if (rc != VG_OK)
        *why = vg_strerror(rc);
    vg_io_free(plain);
    return rc;
}
