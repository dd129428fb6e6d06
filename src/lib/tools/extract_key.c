/*
 * `vigie ios extract-key`, and telling whether a backup is encrypted (see
 * vigie.h and docs/encrypted-backups.md).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include "sources/ios_backup.h"

#define WHERE "extract-key"

int vg_ios_backup_encrypted(const char *path, struct vg_diag *diag, int *encrypted)
{
    struct vg_backup *b = NULL;
    int rc = vg_backup_open_keys(path, NULL, diag, &b);

    if (rc != VG_OK)
        return rc;
    *encrypted = vg_backup_is_encrypted(b);
    vg_backup_free(b);
    return VG_OK;
}

int vg_ios_extract_key(const char *path, const char *password, struct vg_diag *diag,
                       unsigned char key[VG_BACKUP_KEY_LEN])
{
    struct vg_backup *b = NULL;
    struct vg_source_opts o;
    int rc;

    memset(&o, 0, sizeof(o));
    o.password = password;
    if (!password)
        return VG_E_INVAL;
    rc = vg_backup_open_keys(path, &o, diag, &b);
    if (rc != VG_OK)
        return rc;
    if (vg_backup_enc(b)) {
        memcpy(key, vg_enc_password_key(vg_backup_enc(b)), VG_BACKUP_KEY_LEN);
    } else {
        vg_diag_add(diag, VG_DIAG_ERROR, WHERE, "%s is not encrypted: it has no key",
                    vg_backup_dir(b));
        rc = VG_E_INVAL;
    }
    vg_backup_free(b);
    return rc;
}
